/*
 * store_sqlite_measures.c — the measures register (schema v13 `measures`)
 * and the before/after counts of a measure (uppföljning). See store.h
 * "Meeting and measures" for the contract. The linked places, categories
 * and event types are kept as comma-separated ids (none contains a comma:
 * trygg_measure_validate).
 */
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

/* Splits comma-separated `s` into out[max][cap]; returns the count. */
static int split_ids(const char *s, char (*out)[TRYGG_NAME_MAX + 1], int max)
{
    int n = 0;
    while (s && *s && n < max) {
        size_t len = strcspn(s, ",");
        if (len > 0 && len <= TRYGG_NAME_MAX) {
            memcpy(out[n], s, len);
            out[n++][len] = '\0';
        }
        s += len;
        if (*s == ',')
            s++;
    }
    return n;
}

/* Joins ids[0..n) with commas into out[cap] (cap fits TRYGG_MEASURE_LINKS ids). */
static void join_ids(const char (*ids)[TRYGG_NAME_MAX + 1], int n, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        int w = snprintf(out + at, cap - at, "%s%s", i ? "," : "", ids[i]);
        if (w < 0 || (size_t)w >= cap - at)
            break;
        at += (size_t)w;
    }
}

static unsigned parse_types(const char *s)
{
    unsigned mask = 0;
    char names[TRYGG_EVENT_TYPE_COUNT][TRYGG_NAME_MAX + 1];
    int n = split_ids(s, names, TRYGG_EVENT_TYPE_COUNT);
    for (int i = 0; i < n; i++) {
        trygg_event_type t;
        if (trygg_event_type_parse(names[i], &t) == TRYGG_OK)
            mask |= 1u << t;
    }
    return mask;
}

static void join_types(unsigned mask, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = '\0';
    for (int t = 0; t < TRYGG_EVENT_TYPE_COUNT; t++) {
        if (!(mask & (1u << t)))
            continue;
        int w = snprintf(out + at, cap - at, "%s%s", at ? "," : "",
                         trygg_event_type_name((trygg_event_type)t));
        if (w < 0 || (size_t)w >= cap - at)
            break;
        at += (size_t)w;
    }
}

static void read_measure(sqlite3_stmt *s, void *row)
{
    trygg_measure *m = row;
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(s, 0);
    trygg_st_col_text(s, 1, m->title, sizeof m->title);
    trygg_st_col_text(s, 2, m->problem, sizeof m->problem);
    m->nplaces = split_ids((const char *)sqlite3_column_text(s, 3), m->places, TRYGG_MEASURE_LINKS);
    m->ncats = split_ids((const char *)sqlite3_column_text(s, 4), m->cats, TRYGG_MEASURE_LINKS);
    m->types = parse_types((const char *)sqlite3_column_text(s, 5));
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

#define IDS_CAP (TRYGG_MEASURE_LINKS * (TRYGG_NAME_MAX + 2) + 1)

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
    trygg_st_shared_copy(m->title, c->title, sizeof c->title);
    trygg_st_shared_copy(m->problem, c->problem, sizeof c->problem);
    trygg_st_shared_copy(m->indicator, c->indicator, sizeof c->indicator);
    char places[IDS_CAP], cats[IDS_CAP], types[TRYGG_EVENT_TYPE_COUNT * (TRYGG_NAME_MAX + 2)];
    join_ids((const char(*)[TRYGG_NAME_MAX + 1]) c->places, c->nplaces, places, sizeof places);
    join_ids((const char(*)[TRYGG_NAME_MAX + 1]) c->cats, c->ncats, cats, sizeof cats);
    join_types(c->types, types, sizeof types);
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

/* The week the local day `day` ("YYYY-MM-DD") falls in. */
static int week_of_day(const char *day, trygg_week *w)
{
    int y, m, d;
    char tail;
    if (sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return -1;
    trygg_week_containing(trygg_local_to_utc(y, m, d, 12, 0), w);
    return 0;
}

trygg_err trygg_sqlite_measure_effect(trygg_store *st, const trygg_effect_query *q, int64_t now,
                                      trygg_effect *out)
{
    memset(out, 0, sizeof *out);
    trygg_week w, b0, b1, a1, a_end;
    trygg_measure probe = {.title = "x", .org = "x", .status = "planned", .priority = 1};
    TRYGG_COPY_FIT(probe.start_day, q->start_day);
    if (q->weeks < 1 || q->weeks > 52 || q->nplaces < 1 || q->nplaces > TRYGG_MEASURE_LINKS ||
        q->ncats < 0 || q->ncats > TRYGG_MEASURE_LINKS ||
        trygg_measure_validate(&probe, NULL) != TRYGG_OK || week_of_day(q->start_day, &w) != 0)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid before/after query");
    trygg_week_shift(&w, -q->weeks, &b0);
    trygg_week_shift(&w, -1, &b1);
    trygg_week_shift(&w, q->weeks - 1, &a1);
    trygg_week_shift(&w, q->weeks, &a_end);
    trygg_week_format(&b0, out->before_from, sizeof out->before_from);
    trygg_week_format(&b1, out->before_to, sizeof out->before_to);
    trygg_week_format(&w, out->after_from, sizeof out->after_from);
    trygg_week_format(&a1, out->after_to, sizeof out->after_to);
    for (int k = 0; k < q->weeks; k++) {
        trygg_week x;
        trygg_week_shift(&w, k, &x);
        if (x.end <= now)
            out->after_done++;
    }
    char cats[IDS_CAP], types[TRYGG_EVENT_TYPE_COUNT * (TRYGG_NAME_MAX + 2)];
    join_ids(q->cats, q->ncats, cats, sizeof cats);
    join_types(q->types, types, sizeof types);
    trygg_err err = TRYGG_OK;
    for (int i = 0; !err && i < q->nplaces; i++) {
        err = count_place(st, &q->places[i], cats, types, b0.start, w.start, &out->items_before,
                          &out->events_before);
        if (!err)
            err = count_place(st, &q->places[i], cats, types, w.start, a_end.start,
                              &out->items_after, &out->events_after);
    }
    return err;
}
