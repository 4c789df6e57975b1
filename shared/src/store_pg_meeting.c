/*
 * store_pg_meeting.c — the operational group's meeting on PostgreSQL: the
 * versioned assessment of a week (`week_notes`), the decisions taken
 * (`decisions`) and the åtgärdsplan's preamble (`plan_preamble`). See
 * store.h "Meeting and measures" for the contract.
 */
#include "store_common.h"
#include "store_rules.h"
#include "store_pg_internal.h"
#include "trygg/report.h"
#include "trygg/text.h"
#include "trygg/utf8.h"

#include <string.h>

/* The canonical form of week `in` ("2026-w7" → "2026-W07") into out[16]. */
static trygg_err canon_week(trygg_store *st, const char *in, char out[16])
{
    trygg_week w;
    if (!in || trygg_week_parse(in, &w) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid week");
    trygg_week_format(&w, out, 16);
    return TRYGG_OK;
}

#define NOTE_COLS_IN "week, version, assessment, publish, author, created"
#define NOTE_COLS    "week, version, assessment, publish::int, author, " PG_EPOCH("created")

static const trygg_sql_field note_fields[] = {
    TRYGG_SQL_FTEXT(trygg_week_note, week),       TRYGG_SQL_FINT(trygg_week_note, version),
    TRYGG_SQL_FTEXT(trygg_week_note, assessment), TRYGG_SQL_FINT(trygg_week_note, publish),
    TRYGG_SQL_FTEXT(trygg_week_note, author),     TRYGG_SQL_FINT(trygg_week_note, created)};

static void read_note(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, note_fields, out, sizeof(trygg_week_note));
}

trygg_err trygg_pg_note_save(trygg_store *st, const trygg_week_note *n, int *version)
{
    char week[16];
    trygg_err err = canon_week(st, n->week, week);
    if (err)
        return err;
    if (!trygg_rules_text_ok(n->assessment, sizeof n->assessment) ||
        !trygg_rules_text_ok(n->author, sizeof n->author) || !n->author[0])
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid assessment or author");
    char clean[TRYGG_NOTE_MAX + 1];
    trygg_stc_shared_copy(n->assessment, clean, sizeof clean);
    int64_t v = 0;
    /* Two saves of one week at once: the primary key (week, version) makes
     * the later one fail rather than both get the same number. */
    err = trygg_pg_int64(st,
                         "INSERT INTO week_notes (" NOTE_COLS_IN ") SELECT $1, "
                         "coalesce(max(version), 0) + 1, $2, $3::int::boolean, $4, " PG_TS(
                             "$5") " FROM week_notes WHERE week = $1 RETURNING version",
                         TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(week), TRYGG_SQL_TEXT(clean),
                                        TRYGG_SQL_INT(n->publish ? 1 : 0),
                                        TRYGG_SQL_TEXT(n->author), TRYGG_SQL_INT(trygg_pg_now())),
                         &v, "save assessment");
    if (!err && version)
        *version = (int)v;
    return err;
}

trygg_err trygg_pg_note_get(trygg_store *st, const char *week, int version, trygg_week_note *out)
{
    char w[16];
    trygg_err err = canon_week(st, week, w);
    if (err)
        return err;
    return trygg_pg_row(st,
                        "SELECT " NOTE_COLS " FROM week_notes WHERE week = $1 AND "
                        "($2 = 0 OR version = $2) ORDER BY version DESC LIMIT 1",
                        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(w), TRYGG_SQL_INT(version)), read_note, out,
                        "assessment");
}

trygg_err trygg_pg_note_versions(trygg_store *st, const char *week, trygg_week_note *out, int max,
                                 int *n)
{
    *n = 0;
    char w[16];
    trygg_err err = canon_week(st, week, w);
    if (err || max <= 0)
        return err;
    return trygg_pg_select(st,
                           "SELECT " NOTE_COLS " FROM week_notes WHERE week = $1 "
                           "ORDER BY version DESC LIMIT $2",
                           TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(w), TRYGG_SQL_INT(max)), out, sizeof *out,
                           max, read_note, n, "list assessments");
}

/* ---- Decisions ------------------------------------------------------------------ */

#define DECISION_COLS                                                                              \
    "id, week, text, org, status, " PG_EPOCH("created") ", " PG_EPOCH(                             \
        "updated") ", "                                                                            \
                   "coalesce((SELECT author FROM decision_history h WHERE h.decision = "           \
                   "decisions.id "                                                                 \
                   "ORDER BY h.id LIMIT 1), '')"

static const trygg_sql_field decision_fields[] = {
    TRYGG_SQL_FINT(trygg_decision, id),      TRYGG_SQL_FTEXT(trygg_decision, week),
    TRYGG_SQL_FTEXT(trygg_decision, text),   TRYGG_SQL_FTEXT(trygg_decision, org),
    TRYGG_SQL_FTEXT(trygg_decision, status), TRYGG_SQL_FINT(trygg_decision, created),
    TRYGG_SQL_FINT(trygg_decision, updated), TRYGG_SQL_FTEXT(trygg_decision, by)};

static void read_decision(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, decision_fields, out, sizeof(trygg_decision));
}

/* The history entry of decision `id` now having `status`, by `by`. */
static trygg_err add_change(trygg_store *st, int64_t id, const char *status, const char *by,
                            int64_t at)
{
    return trygg_pg_write(st,
                          "INSERT INTO decision_history (decision, status, author, at) "
                          "VALUES ($1, $2, $3, " PG_TS("$4") ")",
                          TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(status),
                                         TRYGG_SQL_TEXT(by), TRYGG_SQL_INT(at)),
                          NULL, "decision history");
}

trygg_err trygg_pg_decision_add(trygg_store *st, const trygg_decision *d, int64_t *id)
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
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid decision");
    char clean[TRYGG_DECISION_MAX + 1];
    trygg_stc_shared_copy(d->text, clean, sizeof clean);
    int64_t now = trygg_pg_now(), new_id = 0;
    err = trygg_pg_tx_begin(st);
    if (!err)
        err = trygg_pg_int64(
            st,
            "INSERT INTO decisions (week, text, org, status, created, updated) "
            "VALUES ($1, $2, $3, $4, " PG_TS("$5") ", " PG_TS("$5") ") RETURNING id",
            TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(week), TRYGG_SQL_TEXT(clean), TRYGG_SQL_TEXT(d->org),
                           TRYGG_SQL_TEXT(status), TRYGG_SQL_INT(now)),
            &new_id, "add decision");
    if (!err)
        err = add_change(st, new_id, status, d->by, now);
    err = trygg_pg_tx_end(st, err);
    if (!err && id)
        *id = new_id;
    return err;
}

trygg_err trygg_pg_decision_status(trygg_store *st, int64_t id, const char *status, const char *by)
{
    if (!status || !trygg_rules_decision_status_ok(status) || !by || !by[0] ||
        !trygg_rules_text_ok(by, TRYGG_NAME_MAX + 1))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid decision status");
    int64_t now = trygg_pg_now();
    trygg_err err = trygg_pg_tx_begin(st);
    trygg_decision d;
    if (!err)
        err = trygg_pg_row(st, "SELECT " DECISION_COLS " FROM decisions WHERE id = $1 FOR UPDATE",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), read_decision, &d, "decision");
    if (!err && strcmp(d.status, status) != 0) {
        err = trygg_pg_write_one(
            st, "UPDATE decisions SET status = $2, updated = " PG_TS("$3") " WHERE id = $1",
            TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(status), TRYGG_SQL_INT(now)),
            "decision");
        if (!err)
            err = add_change(st, id, status, by, now);
    }
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_decision_list(trygg_store *st, const char *week, trygg_decision *out, int max,
                                 int *n)
{
    *n = 0;
    char w[16];
    trygg_err err = canon_week(st, week, w);
    if (err || max <= 0)
        return err;
    return trygg_pg_select(st,
                           "SELECT " DECISION_COLS " FROM decisions WHERE week = $1 "
                           "ORDER BY id LIMIT $2",
                           TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(w), TRYGG_SQL_INT(max)), out, sizeof *out,
                           max, read_decision, n, "list decisions");
}

static const trygg_sql_field change_fields[] = {
    TRYGG_SQL_FINT(trygg_decision_change, decision), TRYGG_SQL_FTEXT(trygg_decision_change, status),
    TRYGG_SQL_FTEXT(trygg_decision_change, by), TRYGG_SQL_FINT(trygg_decision_change, at)};

static void read_change(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, change_fields, out, sizeof(trygg_decision_change));
}

trygg_err trygg_pg_decision_history(trygg_store *st, const char *week, trygg_decision_change *out,
                                    int max, int *n)
{
    *n = 0;
    char w[16];
    trygg_err err = canon_week(st, week, w);
    if (err || max <= 0)
        return err;
    return trygg_pg_select(
        st,
        "SELECT h.decision, h.status, h.author, " PG_EPOCH(
            "h.at") " FROM decision_history h JOIN decisions d ON d.id = h.decision"
                    " WHERE d.week = $1 ORDER BY h.decision, h.id LIMIT $2",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(w), TRYGG_SQL_INT(max)), out, sizeof *out, max, read_change,
        n, "decision history");
}

/* ---- The åtgärdsplan's preamble ------------------------------------------------ */

typedef struct preamble {
    char *out;
    size_t cap;
    int64_t updated;
} preamble;

static void read_preamble(const PGresult *r, int row, void *out)
{
    preamble *p = out;
    if (p->cap > 0)
        trygg_pg_col_text(r, row, 0, p->out, p->cap);
    p->updated = trygg_pg_col_int(r, row, 1);
}

trygg_err trygg_pg_plan_get(trygg_store *st, char *out, size_t cap, int64_t *updated)
{
    if (cap > 0)
        out[0] = '\0';
    if (updated)
        *updated = 0;
    preamble p = {out, cap, 0};
    trygg_err err =
        trygg_pg_row(st, "SELECT text, " PG_EPOCH("updated") " FROM plan_preamble WHERE id = 1",
                     TRYGG_SQL_NO_ARGS, read_preamble, &p, "preamble");
    if (err == TRYGG_ERR_NOTFOUND)
        return TRYGG_OK; /* never written: empty */
    if (!err && updated)
        *updated = p.updated;
    return err;
}

trygg_err trygg_pg_plan_set(trygg_store *st, const char *text)
{
    if (!text || !trygg_rules_text_ok(text, TRYGG_NOTE_MAX + 1))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid preamble");
    char clean[TRYGG_NOTE_MAX + 1];
    trygg_stc_shared_copy(text, clean, sizeof clean);
    return trygg_pg_write(st,
                          "INSERT INTO plan_preamble (id, text, updated) VALUES "
                          "(1, $1, " PG_TS("$2") ") ON CONFLICT (id) DO UPDATE SET "
                                                 "text = excluded.text, updated = excluded.updated",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(clean), TRYGG_SQL_INT(trygg_pg_now())),
                          NULL, "save preamble");
}
