/*
 * store_sqlite_meeting.c — the operational group's meeting (schema v13):
 * the versioned assessment of a week (`week_notes`), the decisions taken
 * (`decisions`) with their status history (`decision_history`, v17) and the åtgärdsplan's preamble
 * (`plan_preamble`). See store.h "Meeting and measures" for the contract.
 */
#include "store_common.h"
#include "store_rules.h"
#include "store_sqlite_internal.h"
#include "trygg/copy.h"
#include "trygg/report.h"
#include "trygg/utf8.h"

#include <string.h>

/* The canonical form of week `in` ("2026-w7" → "2026-W07") into out[16]. */
static trygg_err canon_week(trygg_store *st, const char *in, char out[16])
{
    trygg_week w;
    if (!in || trygg_week_parse(in, &w) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid week");
    trygg_week_format(&w, out, 16);
    return TRYGG_OK;
}

/* The rows of `week` (any spelling canon_week takes) by `sql` (?1 the
 * week, ?2 the limit max), read into out[] by `read`. */
static trygg_err week_rows(trygg_store *st, const char *week, const char *sql, void *out,
                           size_t size, void (*read)(sqlite3_stmt *s, void *row), int max, int *n,
                           const char *what)
{
    *n = 0;
    char w[16];
    trygg_err err = canon_week(st, week, w);
    if (err)
        return err;
    return trygg_st_select(st, sql,
                           TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(w), TRYGG_SQL_INT(max > 0 ? max : 0)), out,
                           size, read, n, what);
}

#define NOTE_COLS "week, version, assessment, publish, author, created"

static void read_note(sqlite3_stmt *s, void *row)
{
    trygg_week_note *n = row;
    memset(n, 0, sizeof *n);
    trygg_st_col_text(s, 0, n->week, sizeof n->week);
    n->version = sqlite3_column_int(s, 1);
    trygg_st_col_text(s, 2, n->assessment, sizeof n->assessment);
    n->publish = sqlite3_column_int(s, 3);
    trygg_st_col_text(s, 4, n->author, sizeof n->author);
    n->created = sqlite3_column_int64(s, 5);
}

trygg_err trygg_sqlite_note_save(trygg_store *st, const trygg_week_note *n, int *version)
{
    char week[16];
    trygg_err err = canon_week(st, n->week, week);
    if (err)
        return err;
    if (!trygg_rules_text_ok(n->assessment, sizeof n->assessment) ||
        !trygg_rules_text_ok(n->author, sizeof n->author) || !n->author[0])
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid assessment or author");
    char clean[TRYGG_NOTE_MAX + 1];
    trygg_stc_shared_copy(n->assessment, clean, sizeof clean);
    sqlite3_stmt *s;
    err = trygg_st_tx_begin(st);
    if (!err)
        err = trygg_st_prepare_args(st,
                                    "INSERT INTO week_notes (" NOTE_COLS ") SELECT ?1, "
                                    "coalesce(max(version), 0) + 1, ?2, ?3, ?4, ?5 FROM week_notes "
                                    "WHERE week = ?1 RETURNING version",
                                    TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(week), TRYGG_SQL_TEXT(clean),
                                                   TRYGG_SQL_INT(n->publish ? 1 : 0),
                                                   TRYGG_SQL_TEXT(n->author),
                                                   TRYGG_SQL_INT(trygg_st_now())),
                                    &s);
    if (!err) {
        int64_t v = 0;
        err = trygg_st_int64(st, s, &v, "save assessment");
        if (!err && version)
            *version = (int)v;
    }
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_note_get(trygg_store *st, const char *week, int version,
                                trygg_week_note *out)
{
    char w[16];
    trygg_err err = canon_week(st, week, w);
    if (err)
        return err;
    return trygg_st_row(st,
                        "SELECT " NOTE_COLS " FROM week_notes WHERE week = ?1 AND "
                        "(?2 = 0 OR version = ?2) ORDER BY version DESC LIMIT 1",
                        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(w), TRYGG_SQL_INT(version)), read_note, out,
                        "assessment");
}

trygg_err trygg_sqlite_note_versions(trygg_store *st, const char *week, trygg_week_note *out,
                                     int max, int *n)
{
    return week_rows(st, week,
                     "SELECT " NOTE_COLS " FROM week_notes WHERE week = ?1 "
                     "ORDER BY version DESC LIMIT ?2",
                     out, sizeof *out, read_note, max, n, "list assessments");
}

/* ---- Decisions ------------------------------------------------------------------ */

#define DECISION_COLS                                                                              \
    "id, week, text, org, status, created, updated, "                                              \
    "coalesce((SELECT author FROM decision_history h WHERE h.decision = decisions.id "             \
    "ORDER BY h.id LIMIT 1), '')"

static void read_decision(sqlite3_stmt *s, void *row)
{
    trygg_decision *d = row;
    memset(d, 0, sizeof *d);
    d->id = sqlite3_column_int64(s, 0);
    trygg_st_col_text(s, 1, d->week, sizeof d->week);
    trygg_st_col_text(s, 2, d->text, sizeof d->text);
    trygg_st_col_text(s, 3, d->org, sizeof d->org);
    trygg_st_col_text(s, 4, d->status, sizeof d->status);
    d->created = sqlite3_column_int64(s, 5);
    d->updated = sqlite3_column_int64(s, 6);
    trygg_st_col_text(s, 7, d->by, sizeof d->by);
}

/* The history entry of decision `id` now having `status`, by `by`. */
static trygg_err add_change(trygg_store *st, int64_t id, const char *status, const char *by,
                            int64_t at)
{
    return trygg_st_write(st,
                          "INSERT INTO decision_history (decision, status, author, at) "
                          "VALUES (?1, ?2, ?3, ?4)",
                          TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(status),
                                         TRYGG_SQL_TEXT(by), TRYGG_SQL_INT(at)),
                          "decision history");
}

trygg_err trygg_sqlite_decision_add(trygg_store *st, const trygg_decision *d, int64_t *id)
{
    char week[16];
    trygg_err err = canon_week(st, d->week, week);
    if (err)
        return err;
    const char *status = d->status[0] ? d->status : "open";
    if (!trygg_rules_text_ok(d->text, sizeof d->text) || !d->text[0] ||
        !trygg_rules_text_ok(d->org, sizeof d->org) ||
        !trygg_rules_text_ok(d->status, sizeof d->status) ||
        !trygg_rules_decision_status_ok(status) || !trygg_rules_text_ok(d->by, sizeof d->by))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid decision");
    char clean[TRYGG_DECISION_MAX + 1];
    trygg_stc_shared_copy(d->text, clean, sizeof clean);
    int64_t now = trygg_st_now();
    err = trygg_st_tx_begin(st);
    if (!err)
        err = trygg_st_write(st,
                             "INSERT INTO decisions (week, text, org, status, created, updated) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(week), TRYGG_SQL_TEXT(clean),
                                            TRYGG_SQL_TEXT(d->org), TRYGG_SQL_TEXT(status),
                                            TRYGG_SQL_INT(now)),
                             "add decision");
    int64_t rowid = err ? 0 : sqlite3_last_insert_rowid(st->db);
    if (!err)
        err = add_change(st, rowid, status, d->by, now);
    err = trygg_st_tx_end(st, err);
    if (!err && id)
        *id = rowid;
    return err;
}

trygg_err trygg_sqlite_decision_status(trygg_store *st, int64_t id, const char *status,
                                       const char *by)
{
    if (!status || !trygg_rules_decision_status_ok(status) || !by || !by[0] ||
        !trygg_rules_text_ok(by, TRYGG_NAME_MAX + 1))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid decision status");
    int64_t now = trygg_st_now();
    trygg_err err = trygg_st_tx_begin(st);
    trygg_decision d;
    if (!err)
        err = trygg_st_row(st, "SELECT " DECISION_COLS " FROM decisions WHERE id = ?1",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), read_decision, &d, "decision");
    if (!err && strcmp(d.status, status) != 0) {
        err = trygg_st_write_one(
            st, "UPDATE decisions SET status = ?2, updated = ?3 WHERE id = ?1",
            TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(status), TRYGG_SQL_INT(now)),
            "decision");
        if (!err)
            err = add_change(st, id, status, by, now);
    }
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_decision_list(trygg_store *st, const char *week, trygg_decision *out,
                                     int max, int *n)
{
    return week_rows(st, week,
                     "SELECT " DECISION_COLS " FROM decisions WHERE week = ?1 "
                     "ORDER BY id LIMIT ?2",
                     out, sizeof *out, read_decision, max, n, "list decisions");
}

static void read_change(sqlite3_stmt *s, void *row)
{
    trygg_decision_change *c = row;
    memset(c, 0, sizeof *c);
    c->decision = sqlite3_column_int64(s, 0);
    trygg_st_col_text(s, 1, c->status, sizeof c->status);
    trygg_st_col_text(s, 2, c->by, sizeof c->by);
    c->at = sqlite3_column_int64(s, 3);
}

trygg_err trygg_sqlite_decision_history(trygg_store *st, const char *week,
                                        trygg_decision_change *out, int max, int *n)
{
    return week_rows(st, week,
                     "SELECT h.decision, h.status, h.author, h.at FROM decision_history h "
                     "JOIN decisions d ON d.id = h.decision WHERE d.week = ?1 "
                     "ORDER BY h.decision, h.id LIMIT ?2",
                     out, sizeof *out, read_change, max, n, "decision history");
}

/* ---- The åtgärdsplan's preamble ------------------------------------------------ */

trygg_err trygg_sqlite_plan_get(trygg_store *st, char *out, size_t cap, int64_t *updated)
{
    if (cap > 0)
        out[0] = '\0';
    if (updated)
        *updated = 0;
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare(st, "SELECT text, updated FROM plan_preamble WHERE id = 1", &s);
    if (err)
        return err;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        if (cap > 0)
            trygg_st_col_text(s, 0, out, cap);
        if (updated)
            *updated = sqlite3_column_int64(s, 1);
    } else if (rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, "plan preamble");
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_sqlite_plan_set(trygg_store *st, const char *text)
{
    if (!text || !trygg_rules_text_ok(text, TRYGG_NOTE_MAX + 1))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid preamble");
    char clean[TRYGG_NOTE_MAX + 1];
    trygg_stc_shared_copy(text, clean, sizeof clean);
    return trygg_st_write(st,
                          "INSERT INTO plan_preamble (id, text, updated) VALUES "
                          "(1, ?1, ?2) ON CONFLICT (id) DO UPDATE SET "
                          "text = excluded.text, updated = excluded.updated",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(clean), TRYGG_SQL_INT(trygg_st_now())),
                          "save preamble");
}
