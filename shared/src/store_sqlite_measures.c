/*
 * store_sqlite_measures.c — the measures register (schema v13 `measures`)
 * and the before/after counts of a measure (uppföljning). See store.h
 * "Meeting and measures" for the contract. The linked places, categories
 * and event types are kept as comma-separated ids (none contains a comma:
 * trygg_measure_validate).
 */
#include "store_common.h"
#include "store_sqlite_internal.h"
#include "trygg/copy.h"
#include "trygg/report.h"
#include "trygg/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEASURE_COLS                                                                               \
    "id, title, problem, places, cats, types, org, start_day, end_day, status, priority, cost, "   \
    "indicator, created, updated"

static void read_measure(sqlite3_stmt *s, void *row)
{
    trygg_measure *m = row;
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(s, 0);
    trygg_st_col_text(s, 1, m->title, sizeof m->title);
    trygg_st_col_text(s, 2, m->problem, sizeof m->problem);
    m->nplaces = trygg_stc_split_ids((const char *)sqlite3_column_text(s, 3), m->places,
                                     TRYGG_MEASURE_LINKS);
    m->ncats =
        trygg_stc_split_ids((const char *)sqlite3_column_text(s, 4), m->cats, TRYGG_MEASURE_LINKS);
    m->types = trygg_stc_parse_types((const char *)sqlite3_column_text(s, 5));
    trygg_st_col_text(s, 6, m->org, sizeof m->org);
    trygg_st_col_text(s, 7, m->start_day, sizeof m->start_day);
    trygg_st_col_text(s, 8, m->end_day, sizeof m->end_day);
    trygg_st_col_text(s, 9, m->status, sizeof m->status);
    m->priority = sqlite3_column_int(s, 10);
    m->cost = sqlite3_column_int64(s, 11);
    trygg_st_col_text(s, 12, m->indicator, sizeof m->indicator);
    m->created = sqlite3_column_int64(s, 13);
    m->updated = sqlite3_column_int64(s, 14);
}

static trygg_err check_measure(trygg_store *st, const trygg_measure *m)
{
    const char *field = NULL;
    if (trygg_measure_validate(m, &field) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid measure field %s", field);
    return TRYGG_OK;
}

/* Writes the scrubbed copy of m by `sql` (title..indicator and the time as
 * ?1..?13; an update has the measure's id as ?14): an insert (*id set) or
 * an update of one row (id NULL). */
static trygg_err write_measure(trygg_store *st, const trygg_measure *m, const char *sql,
                               int64_t *id, const char *what)
{
    trygg_err err = check_measure(st, m);
    if (err)
        return err;
    trygg_measure *c = malloc(sizeof *c);
    if (!c)
        return trygg_st_failf(st, TRYGG_ERR_NOMEM, "measure");
    *c = *m;
    trygg_stc_shared_copy(m->title, c->title, sizeof c->title);
    trygg_stc_shared_copy(m->problem, c->problem, sizeof c->problem);
    trygg_stc_shared_copy(m->indicator, c->indicator, sizeof c->indicator);
    char places[TRYGG_STC_IDS_CAP], cats[TRYGG_STC_IDS_CAP], types[TRYGG_STC_TYPES_CAP];
    trygg_stc_join_ids((const char(*)[TRYGG_NAME_MAX + 1]) c->places, c->nplaces, places,
                       sizeof places);
    trygg_stc_join_ids((const char(*)[TRYGG_NAME_MAX + 1]) c->cats, c->ncats, cats, sizeof cats);
    trygg_stc_join_types(c->types, types, sizeof types);
    const trygg_sql_val v[] = {
        TRYGG_SQL_TEXT(c->title),      TRYGG_SQL_TEXT(c->problem), TRYGG_SQL_TEXT(places),
        TRYGG_SQL_TEXT(cats),          TRYGG_SQL_TEXT(types),      TRYGG_SQL_TEXT(c->org),
        TRYGG_SQL_TEXT(c->start_day),  TRYGG_SQL_TEXT(c->end_day), TRYGG_SQL_TEXT(c->status),
        TRYGG_SQL_INT(c->priority),    TRYGG_SQL_INT(c->cost),     TRYGG_SQL_TEXT(c->indicator),
        TRYGG_SQL_INT(trygg_st_now()), TRYGG_SQL_INT(m->id)};
    trygg_sql_args args = {v, id ? 13 : 14};
    err = id ? trygg_st_write(st, sql, args, what) : trygg_st_write_one(st, sql, args, what);
    if (!err && id)
        *id = sqlite3_last_insert_rowid(st->db);
    free(c);
    return err;
}

trygg_err trygg_sqlite_measure_add(trygg_store *st, const trygg_measure *m, int64_t *id)
{
    int64_t new_id = 0;
    trygg_err err = write_measure(st, m,
                                  "INSERT INTO measures (title, problem, places, cats, types, org, "
                                  "start_day, end_day, status, priority, cost, indicator, created, "
                                  "updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                                  "?12, ?13, ?13)",
                                  &new_id, "add measure");
    if (!err && id)
        *id = new_id;
    return err;
}

trygg_err trygg_sqlite_measure_update(trygg_store *st, const trygg_measure *m)
{
    return write_measure(st, m,
                         "UPDATE measures SET title = ?1, problem = ?2, places = ?3, "
                         "cats = ?4, types = ?5, org = ?6, start_day = ?7, end_day = ?8, "
                         "status = ?9, priority = ?10, cost = ?11, indicator = ?12, "
                         "updated = ?13 WHERE id = ?14",
                         NULL, "measure");
}

trygg_err trygg_sqlite_measure_get(trygg_store *st, int64_t id, trygg_measure *out)
{
    return trygg_st_row(st, "SELECT " MEASURE_COLS " FROM measures WHERE id = ?1",
                        TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), read_measure, out, "measure");
}

trygg_err trygg_sqlite_measure_list(trygg_store *st, trygg_measure *out, int max, int *n)
{
    return trygg_st_list(st,
                         "SELECT " MEASURE_COLS " FROM measures ORDER BY priority, start_day, id "
                         "LIMIT ?1",
                         NULL, max, read_measure, out, sizeof *out, n, "list measures");
}

/* ---- Before and after -------------------------------------------------------------- */

static void read_two(sqlite3_stmt *s, void *row)
{
    int64_t *v = row;
    v[0] = sqlite3_column_int64(s, 0);
    v[1] = sqlite3_column_int64(s, 1);
}

/* Items at one place in [from, to) in the linked categories (cats "" =
 * every category), and the summed counts of events there with from_day <=
 * day < to_day of the linked types (types "" = every type). */
static trygg_err count_place(trygg_store *st, const trygg_place_ref *p, const char *cats,
                             const char *types, int64_t from, int64_t to, int64_t *items,
                             int64_t *events)
{
    char from_day[16], to_day[16];
    if (trygg_time_format(from, "%Y-%m-%d", from_day, sizeof from_day) == 0 ||
        trygg_time_format(to, "%Y-%m-%d", to_day, sizeof to_day) == 0)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "window out of range");
    int64_t got[2] = {0, 0};
    trygg_err err = trygg_st_row(
        st,
        "SELECT (SELECT count(*) FROM items WHERE created >= ?1 AND created < ?2 AND area = ?3 "
        "AND shared_place = ?4 AND close_reason NOT IN ('duplicate', 'spam') AND (?5 = '' OR "
        "instr(',' || ?5 || ',', ',' || category || ',') > 0)), (SELECT coalesce(sum(count), 0) "
        "FROM events WHERE day >= ?6 AND day < ?7 AND area = ?3 AND place = ?4 AND (?8 = '' OR "
        "instr(',' || ?8 || ',', ',' || type || ',') > 0))",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(from), TRYGG_SQL_INT(to), TRYGG_SQL_TEXT(p->area),
                       TRYGG_SQL_TEXT(p->label), TRYGG_SQL_TEXT(cats), TRYGG_SQL_TEXT(from_day),
                       TRYGG_SQL_TEXT(to_day), TRYGG_SQL_TEXT(types)),
        read_two, got, "measure effect");
    if (!err) {
        *items += got[0];
        *events += got[1];
    }
    return err;
}

trygg_err trygg_sqlite_measure_effect(trygg_store *st, const trygg_effect_query *q, int64_t now,
                                      trygg_effect *out)
{
    int64_t before, start, after_end;
    if (trygg_stc_effect_windows(q, now, out, &before, &start, &after_end) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid before/after query");
    char cats[TRYGG_STC_IDS_CAP], types[TRYGG_STC_TYPES_CAP];
    trygg_stc_join_ids(q->cats, q->ncats, cats, sizeof cats);
    trygg_stc_join_types(q->types, types, sizeof types);
    trygg_err err = TRYGG_OK;
    for (int i = 0; !err && i < q->nplaces; i++) {
        err = count_place(st, &q->places[i], cats, types, before, start, &out->items_before,
                          &out->events_before);
        if (!err)
            err = count_place(st, &q->places[i], cats, types, start, after_end, &out->items_after,
                              &out->events_after);
    }
    return err;
}
