/*
 * store_sqlite_quarter.c — the counts behind the quarterly area analysis and
 * the yearly report (trygg_store_period_counts, trygg_store_first_item in
 * store.h; the report itself is shared/src/report_period.c). One grouped
 * query per bucket and source: items through the report's covering index
 * (report_items_scan_v3, v9.sql), partner events by local day, police events
 * by time with the place a user attached them to (v18.sql).
 */
#include "store_report_common.h"
#include "store_sqlite_internal.h"
#include "trygg/time.h"

#include <stdio.h>
#include <string.h>

#define COUNTED TRYGG_RB_COUNTED("")

/* SQL per source, without and with the split by place; ?1/?2 are the
 * bucket's times (items, police) or its first and last local day (events). */
static const char *const PERIOD_SQL[3][2] = {
    {"SELECT area, kind || '/' || category, '', count(*) FROM items"
     " INDEXED BY report_items_scan_v3 WHERE created >= ?1 AND created < ?2 AND " COUNTED
     " GROUP BY 1, 2",
     "SELECT area, kind || '/' || category, shared_place, count(*) FROM items"
     " INDEXED BY report_items_scan_v3 WHERE created >= ?1 AND created < ?2 AND " COUNTED
     " GROUP BY 1, 2, 3"},
    {"SELECT area, type, '', sum(count) FROM events WHERE day >= ?1 AND day <= ?2 GROUP BY 1, 2",
     "SELECT area, type, place, sum(count) FROM events WHERE day >= ?1 AND day <= ?2"
     " GROUP BY 1, 2, 3"},
    {"SELECT place_area, type, '', count(*) FROM police_events WHERE at >= ?1 AND at < ?2"
     " GROUP BY 1, 2",
     "SELECT place_area, type, place_label, count(*) FROM police_events"
     " WHERE at >= ?1 AND at < ?2 GROUP BY 1, 2, 3"},
};

/* Runs one source's query for one bucket; *stop set when cb asked to stop. */
static trygg_err period_query(trygg_store *st, trygg_period_source src, int bucket, int64_t from,
                              int64_t to, int places, trygg_period_cb cb, void *ctx, int *stop)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, PERIOD_SQL[src][places ? 1 : 0], &s);
    if (err)
        return err;
    if (src == TRYGG_PERIOD_EVENTS) {
        char d1[16], d2[16];
        trygg_rb_local_day(from, d1);
        trygg_rb_local_day(to - 1, d2);
        trygg_st_bind_text(s, 1, d1);
        trygg_st_bind_text(s, 2, d2);
    } else {
        sqlite3_bind_int64(s, 1, from);
        sqlite3_bind_int64(s, 2, to);
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *area = (const char *)sqlite3_column_text(s, 0);
        const char *key = (const char *)sqlite3_column_text(s, 1);
        const char *place = (const char *)sqlite3_column_text(s, 2);
        trygg_period_row row = {.source = src,
                                .bucket = bucket,
                                .area = area ? area : "",
                                .key = key ? key : "",
                                .place = place ? place : "",
                                .n = sqlite3_column_int64(s, 3)};
        if (cb(ctx, &row)) {
            *stop = 1;
            break;
        }
    }
    sqlite3_finalize(s);
    if (!*stop && rc != SQLITE_DONE)
        return trygg_st_fail(st, rc, "period counts");
    return TRYGG_OK;
}

trygg_err trygg_sqlite_period_counts(trygg_store *st, const int64_t *edges, int nedges, int places,
                                     trygg_period_cb cb, void *ctx)
{
    if (!st || !edges || !cb || nedges < 2 || nedges > TRYGG_PERIOD_EDGES_MAX)
        return TRYGG_ERR_INVALID;
    for (int i = 1; i < nedges; i++)
        if (edges[i] <= edges[i - 1])
            return TRYGG_ERR_INVALID;
    /* One read transaction: every bucket from the same snapshot. */
    int own_tx = st->txdepth == 0 && !st->user_tx;
    trygg_err err = own_tx ? trygg_st_exec(st, "BEGIN") : TRYGG_OK;
    int stop = 0;
    for (int b = 0; !err && !stop && b + 1 < nedges; b++)
        for (int src = 0; !err && !stop && src < 3; src++)
            err = period_query(st, (trygg_period_source)src, b, edges[b], edges[b + 1], places, cb,
                               ctx, &stop);
    if (own_tx && trygg_st_exec(st, "COMMIT") != TRYGG_OK && !err)
        err = TRYGG_ERR_DB;
    return err;
}

trygg_err trygg_sqlite_first_item(trygg_store *st, int64_t *at)
{
    if (!st || !at)
        return TRYGG_ERR_INVALID;
    *at = 0;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT created FROM items INDEXED BY report_items_scan_v3"
                                     " WHERE " COUNTED " ORDER BY created LIMIT 1",
                                     &s);
    if (err)
        return err;
    return trygg_st_int64(st, s, at, "first item");
}
