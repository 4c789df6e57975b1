/*
 * store_pg_measures.c — the measures register and the before/after counts
 * of a measure (uppföljning) on PostgreSQL. See store.h "Meeting and
 * measures" for the contract. The linked places, categories and event
 * types are comma-separated ids, as in SQLite (store_common.h).
 */
#include "store_common.h"
#include "store_pg_internal.h"
#include "trygg/report.h"
#include "trygg/text.h"
#include "trygg/time.h"

#include <stdlib.h>
#include <string.h>

#define MEASURE_COLS                                                                               \
    "id, title, problem, places, cats, types, org, start_day, end_day, status, priority, cost, "   \
    "indicator, " PG_EPOCH("created") ", " PG_EPOCH("updated")

static void read_measure(const PGresult *r, int row, void *out)
{
    trygg_measure *m = out;
    memset(m, 0, sizeof *m);
    m->id = trygg_pg_col_int(r, row, 0);
    trygg_pg_col_text(r, row, 1, m->title, sizeof m->title);
    trygg_pg_col_text(r, row, 2, m->problem, sizeof m->problem);
    m->nplaces = trygg_stc_split_ids(PQgetvalue(r, row, 3), m->places, TRYGG_MEASURE_LINKS);
    m->ncats = trygg_stc_split_ids(PQgetvalue(r, row, 4), m->cats, TRYGG_MEASURE_LINKS);
    m->types = trygg_stc_parse_types(PQgetvalue(r, row, 5));
    trygg_pg_col_text(r, row, 6, m->org, sizeof m->org);
    trygg_pg_col_text(r, row, 7, m->start_day, sizeof m->start_day);
    trygg_pg_col_text(r, row, 8, m->end_day, sizeof m->end_day);
    trygg_pg_col_text(r, row, 9, m->status, sizeof m->status);
    m->priority = (int)trygg_pg_col_int(r, row, 10);
    m->cost = trygg_pg_col_int(r, row, 11);
    trygg_pg_col_text(r, row, 12, m->indicator, sizeof m->indicator);
    m->created = trygg_pg_col_int(r, row, 13);
    m->updated = trygg_pg_col_int(r, row, 14);
}

/* The text values of a measure's row (scrubbed where a person writes). */
typedef struct measure_vals {
    trygg_measure c;
    char places[TRYGG_STC_IDS_CAP], cats[TRYGG_STC_IDS_CAP], types[TRYGG_STC_TYPES_CAP];
} measure_vals;

/* Validates m and writes it by `sql`: title..indicator as $1..$12, the
 * time as $13 and, for an update, the id as $14. */
static trygg_err write_measure(trygg_store *st, const trygg_measure *m, const char *sql,
                               int64_t *id, const char *what)
{
    const char *field = NULL;
    if (trygg_measure_validate(m, &field) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid measure field %s", field);
    measure_vals *v = malloc(sizeof *v);
    if (!v)
        return trygg_pg_failf(st, TRYGG_ERR_NOMEM, "measure");
    v->c = *m;
    trygg_stc_shared_copy(m->title, v->c.title, sizeof v->c.title);
    trygg_stc_shared_copy(m->problem, v->c.problem, sizeof v->c.problem);
    trygg_stc_shared_copy(m->indicator, v->c.indicator, sizeof v->c.indicator);
    trygg_stc_join_ids((const char(*)[TRYGG_NAME_MAX + 1]) v->c.places, v->c.nplaces, v->places,
                       sizeof v->places);
    trygg_stc_join_ids((const char(*)[TRYGG_NAME_MAX + 1]) v->c.cats, v->c.ncats, v->cats,
                       sizeof v->cats);
    trygg_stc_join_types(v->c.types, v->types, sizeof v->types);
    trygg_sql_val a[] = {TRYGG_SQL_TEXT(v->c.title),     TRYGG_SQL_TEXT(v->c.problem),
                         TRYGG_SQL_TEXT(v->places),      TRYGG_SQL_TEXT(v->cats),
                         TRYGG_SQL_TEXT(v->types),       TRYGG_SQL_TEXT(v->c.org),
                         TRYGG_SQL_TEXT(v->c.start_day), TRYGG_SQL_TEXT(v->c.end_day),
                         TRYGG_SQL_TEXT(v->c.status),    TRYGG_SQL_INT(v->c.priority),
                         TRYGG_SQL_INT(v->c.cost),       TRYGG_SQL_TEXT(v->c.indicator),
                         TRYGG_SQL_INT(trygg_pg_now()),  TRYGG_SQL_INT(m->id)};
    trygg_err err;
    if (id)
        err = trygg_pg_int64(st, sql, (trygg_sql_args){a, 13}, id, what);
    else
        err = trygg_pg_write_one(st, sql, (trygg_sql_args){a, 14}, what);
    free(v);
    return err;
}

trygg_err trygg_pg_measure_add(trygg_store *st, const trygg_measure *m, int64_t *id)
{
    int64_t new_id = 0;
    trygg_err err = write_measure(st, m,
                                  "INSERT INTO measures (title, problem, places, cats, types, org, "
                                  "start_day, end_day, status, priority, cost, indicator, created, "
                                  "updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                                  "$12, " PG_TS("$13") ", " PG_TS("$13") ") RETURNING id",
                                  &new_id, "add measure");
    if (!err && id)
        *id = new_id;
    return err;
}

trygg_err trygg_pg_measure_update(trygg_store *st, const trygg_measure *m)
{
    return write_measure(st, m,
                         "UPDATE measures SET title = $1, problem = $2, places = $3, "
                         "cats = $4, types = $5, org = $6, start_day = $7, end_day = $8, "
                         "status = $9, priority = $10, cost = $11, indicator = $12, "
                         "updated = " PG_TS("$13") " WHERE id = $14",
                         NULL, "measure");
}

trygg_err trygg_pg_measure_get(trygg_store *st, int64_t id, trygg_measure *out)
{
    return trygg_pg_row(st, "SELECT " MEASURE_COLS " FROM measures WHERE id = $1",
                        TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), read_measure, out, "measure");
}

trygg_err trygg_pg_measure_list(trygg_store *st, trygg_measure *out, int max, int *n)
{
    *n = 0;
    if (max <= 0)
        return TRYGG_OK;
    return trygg_pg_select(st,
                           "SELECT " MEASURE_COLS " FROM measures ORDER BY priority, start_day, id "
                           "LIMIT $1",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(max)), out, sizeof *out, max, read_measure,
                           n, "list measures");
}

/* ---- Before and after -------------------------------------------------------------- */

typedef struct place_counts {
    int64_t items, events;
} place_counts;

static void read_counts(const PGresult *r, int row, void *out)
{
    place_counts *c = out;
    c->items = trygg_pg_col_int(r, row, 0);
    c->events = trygg_pg_col_int(r, row, 1);
}

/* Items at one place in [from, to) in the linked categories (cats "" =
 * every category), and the summed counts of events there with from_day <=
 * day < to_day of the linked types (types "" = every type). */
static trygg_err count_place(trygg_store *st, const trygg_place_ref *p, const char *cats,
                             const char *types, int64_t from, int64_t to, trygg_effect *out,
                             int after)
{
    char from_day[16], to_day[16];
    if (trygg_time_format(from, "%Y-%m-%d", from_day, sizeof from_day) == 0 ||
        trygg_time_format(to, "%Y-%m-%d", to_day, sizeof to_day) == 0)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "window out of range");
    place_counts c = {0, 0};
    trygg_err err = trygg_pg_row(
        st,
        "SELECT (SELECT count(*) FROM items WHERE created >= " PG_TS("$1") " AND created < " PG_TS(
            "$2") " AND area = $3 AND shared_place = $4 AND close_reason NOT IN "
                  "('duplicate', 'spam') AND ($5 = '' OR category = ANY(string_to_array($5, "
                  "',')))), "
                  "(SELECT coalesce(sum(count), 0) FROM events WHERE day >= $6 AND day < $7 AND "
                  "area = $3 AND place = $4 AND ($8 = '' OR type = ANY(string_to_array($8, ','))))",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(from), TRYGG_SQL_INT(to), TRYGG_SQL_TEXT(p->area),
                       TRYGG_SQL_TEXT(p->label), TRYGG_SQL_TEXT(cats), TRYGG_SQL_TEXT(from_day),
                       TRYGG_SQL_TEXT(to_day), TRYGG_SQL_TEXT(types)),
        read_counts, &c, "measure effect");
    if (!err) {
        *(after ? &out->items_after : &out->items_before) += c.items;
        *(after ? &out->events_after : &out->events_before) += c.events;
    }
    return err;
}

trygg_err trygg_pg_measure_effect(trygg_store *st, const trygg_effect_query *q, int64_t now,
                                  trygg_effect *out)
{
    int64_t before, start, after_end;
    if (trygg_stc_effect_windows(q, now, out, &before, &start, &after_end) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid before/after query");
    char cats[TRYGG_STC_IDS_CAP], types[TRYGG_STC_TYPES_CAP];
    trygg_stc_join_ids(q->cats, q->ncats, cats, sizeof cats);
    trygg_stc_join_types(q->types, types, sizeof types);
    trygg_err err = TRYGG_OK;
    for (int i = 0; !err && i < q->nplaces; i++) {
        err = count_place(st, &q->places[i], cats, types, before, start, out, 0);
        if (!err)
            err = count_place(st, &q->places[i], cats, types, start, after_end, out, 1);
    }
    return err;
}
