/*
 * store_sqlite_meeting.c — the operational group's meeting (schema v13):
 * the versioned assessment of a week (`week_notes`), the decisions taken
 * (`decisions`) and the åtgärdsplan's preamble (`plan_preamble`). See
 * store.h "Meeting and measures" for the contract.
 */
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
    sqlite3_stmt *s;
    if (!err)
        err = trygg_st_prepare(st, sql, &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, w);
    sqlite3_bind_int(s, 2, max > 0 ? max : 0);
    return trygg_st_collect(st, s, out, size, read, n, what);
}

static int text_ok(const char *s, size_t cap)
{
    size_t len = strnlen(s, cap);
    return len < cap && trygg_utf8_valid(s, len);
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
    if (!text_ok(n->assessment, sizeof n->assessment) || !text_ok(n->author, sizeof n->author) ||
        !n->author[0])
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid assessment or author");
    char clean[TRYGG_NOTE_MAX + 1];
    trygg_st_shared_copy(n->assessment, clean, sizeof clean);
    sqlite3_stmt *s;
    err = trygg_st_tx_begin(st);
    if (!err)
        err = trygg_st_prepare(st,
                               "INSERT INTO week_notes (" NOTE_COLS ") SELECT ?1, "
                               "coalesce(max(version), 0) + 1, ?2, ?3, ?4, ?5 FROM week_notes "
                               "WHERE week = ?1 RETURNING version",
                               &s);
    if (!err) {
        trygg_st_bind_text(s, 1, week);
        trygg_st_bind_text(s, 2, clean);
        sqlite3_bind_int(s, 3, n->publish ? 1 : 0);
        trygg_st_bind_text(s, 4, n->author);
        sqlite3_bind_int64(s, 5, trygg_st_now());
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
    sqlite3_stmt *s;
    if (!err)
        err = trygg_st_prepare(st,
                               "SELECT " NOTE_COLS " FROM week_notes WHERE week = ?1 AND "
                               "(?2 = 0 OR version = ?2) ORDER BY version DESC LIMIT 1",
                               &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, w);
    sqlite3_bind_int(s, 2, version);
    int n = 0;
    err = trygg_st_collect(st, s, out, sizeof *out, read_note, &n, "get assessment");
    if (!err && n == 0)
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such assessment");
    return err;
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

static int decision_status_ok(const char *s)
{
    return strcmp(s, "open") == 0 || strcmp(s, "done") == 0 || strcmp(s, "dropped") == 0;
}

#define DECISION_COLS "id, week, text, org, status, created, updated"

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
}

trygg_err trygg_sqlite_decision_add(trygg_store *st, const trygg_decision *d, int64_t *id)
{
    char week[16];
    trygg_err err = canon_week(st, d->week, week);
    if (err)
        return err;
    const char *status = d->status[0] ? d->status : "open";
    if (!text_ok(d->text, sizeof d->text) || !d->text[0] || !text_ok(d->org, sizeof d->org) ||
        !text_ok(d->status, sizeof d->status) || !decision_status_ok(status))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid decision");
    char clean[TRYGG_DECISION_MAX + 1];
    trygg_st_shared_copy(d->text, clean, sizeof clean);
    sqlite3_stmt *s;
    err = trygg_st_prepare(st,
                           "INSERT INTO decisions (week, text, org, status, created, updated) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                           &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, week);
    trygg_st_bind_text(s, 2, clean);
    trygg_st_bind_text(s, 3, d->org);
    trygg_st_bind_text(s, 4, status);
    sqlite3_bind_int64(s, 5, trygg_st_now());
    err = trygg_st_run(st, s, "add decision");
    if (!err && id)
        *id = sqlite3_last_insert_rowid(st->db);
    return err;
}

trygg_err trygg_sqlite_decision_status(trygg_store *st, int64_t id, const char *status)
{
    if (!status || !decision_status_ok(status))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid decision status");
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare(st, "UPDATE decisions SET status = ?2, updated = ?3 WHERE id = ?1", &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, id);
    trygg_st_bind_text(s, 2, status);
    sqlite3_bind_int64(s, 3, trygg_st_now());
    return trygg_st_run_one(st, s, "decision status");
}

trygg_err trygg_sqlite_decision_list(trygg_store *st, const char *week, trygg_decision *out,
                                     int max, int *n)
{
    return week_rows(st, week,
                     "SELECT " DECISION_COLS " FROM decisions WHERE week = ?1 "
                     "ORDER BY id LIMIT ?2",
                     out, sizeof *out, read_decision, max, n, "list decisions");
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
    if (!text || !text_ok(text, TRYGG_NOTE_MAX + 1))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid preamble");
    char clean[TRYGG_NOTE_MAX + 1];
    trygg_st_shared_copy(text, clean, sizeof clean);
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "INSERT INTO plan_preamble (id, text, updated) VALUES "
                                     "(1, ?1, ?2) ON CONFLICT (id) DO UPDATE SET "
                                     "text = excluded.text, updated = excluded.updated",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, clean);
    sqlite3_bind_int64(s, 2, trygg_st_now());
    return trygg_st_run(st, s, "save preamble");
}
