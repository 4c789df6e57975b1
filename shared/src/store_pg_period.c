/*
 * store_pg_period.c — the counts behind the quarterly area analysis and the
 * yearly report on PostgreSQL (trygg_store_period_counts,
 * trygg_store_first_item in store.h; the report itself is
 * shared/src/report_period.c). One grouped query per bucket and source, in
 * one REPEATABLE READ snapshot, as with SQLite.
 */
#include "store_pg_internal.h"
#include "store_report_common.h"

#include <string.h>

#define IN_BUCKET(col) col " >= " PG_TS("$1") " AND " col " < " PG_TS("$2")

/* SQL per source, without and with the split by place; $1/$2 are the
 * bucket's times (items, police) or its first and last local day (events). */
static const char *const PERIOD_SQL[3][2] = {
    {"SELECT area, kind || '/' || category, '', count(*) FROM items WHERE " IN_BUCKET(
         "created") " AND " TRYGG_RB_COUNTED("") " GROUP BY 1, 2",
     "SELECT area, kind || '/' || category, shared_place, count(*) FROM items WHERE " IN_BUCKET(
         "created") " AND " TRYGG_RB_COUNTED("") " GROUP BY 1, 2, 3"},
    {"SELECT area, type, '', sum(count) FROM events WHERE day >= $1 AND day <= $2 GROUP BY 1, 2",
     "SELECT area, type, place, sum(count) FROM events WHERE day >= $1 AND day <= $2"
     " GROUP BY 1, 2, 3"},
    {"SELECT place_area, type, '', count(*) FROM police_events WHERE " IN_BUCKET(
         "at") " GROUP BY 1, 2",
     "SELECT place_area, type, place_label, count(*) FROM police_events WHERE " IN_BUCKET(
         "at") " GROUP BY 1, 2, 3"},
};

/* Runs one source's query for one bucket; *stop set when cb asked to stop. */
static trygg_err period_query(trygg_store *st, trygg_period_source src, int bucket, int64_t from,
                              int64_t to, int places, trygg_period_cb cb, void *ctx, int *stop)
{
    char d1[16], d2[16];
    trygg_sql_val v[2] = {TRYGG_SQL_INT(from), TRYGG_SQL_INT(to)};
    if (src == TRYGG_PERIOD_EVENTS) {
        trygg_rb_local_day(from, d1);
        trygg_rb_local_day(to - 1, d2);
        v[0] = TRYGG_SQL_TEXT(d1);
        v[1] = TRYGG_SQL_TEXT(d2);
    }
    PGresult *r;
    trygg_err err = trygg_pg_query(st, PERIOD_SQL[src][places ? 1 : 0], (trygg_sql_args){v, 2}, &r,
                                   "period counts");
    if (err)
        return err;
    for (int i = 0; i < PQntuples(r); i++) {
        trygg_period_row row = {.source = src,
                                .bucket = bucket,
                                .area = PQgetvalue(r, i, 0),
                                .key = PQgetvalue(r, i, 1),
                                .place = PQgetvalue(r, i, 2),
                                .n = trygg_pg_col_int(r, i, 3)};
        if (cb(ctx, &row)) {
            *stop = 1;
            break;
        }
    }
    PQclear(r);
    return TRYGG_OK;
}

trygg_err trygg_pg_period_counts(trygg_store *st, const int64_t *edges, int nedges, int places,
                                 trygg_period_cb cb, void *ctx)
{
    if (!st || !edges || !cb || nedges < 2 || nedges > TRYGG_PERIOD_EDGES_MAX)
        return TRYGG_ERR_INVALID;
    for (int i = 1; i < nedges; i++)
        if (edges[i] <= edges[i - 1])
            return TRYGG_ERR_INVALID;
    int own_tx = st->txdepth == 0;
    trygg_err err =
        own_tx ? trygg_pg_exec(st, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "period")
               : TRYGG_OK;
    int stop = 0;
    for (int b = 0; !err && !stop && b + 1 < nedges; b++)
        for (int src = 0; !err && !stop && src < 3; src++)
            err = period_query(st, (trygg_period_source)src, b, edges[b], edges[b + 1], places, cb,
                               ctx, &stop);
    if (own_tx) {
        trygg_err end = trygg_pg_exec(st, err ? "ROLLBACK" : "COMMIT", "period");
        if (!err)
            err = end;
    }
    return err;
}

trygg_err trygg_pg_first_item(trygg_store *st, int64_t *at)
{
    if (!st || !at)
        return TRYGG_ERR_INVALID;
    return trygg_pg_int64(st,
                          "SELECT " PG_EPOCH("created") " FROM items WHERE " TRYGG_RB_COUNTED(
                              "") " ORDER BY created LIMIT 1",
                          TRYGG_SQL_NO_ARGS, at, "first item");
}
