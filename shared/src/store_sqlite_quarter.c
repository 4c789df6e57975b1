/*
 * store_sqlite_quarter.c — the counts behind the quarterly area analysis and
 * the yearly report (trygg_store_period_counts, trygg_store_first_item in
 * store.h; the report itself is shared/src/report_period.c). One grouped
 * query per bucket and source: items through the report's covering index
 * (report_items_scan_v3, v9.sql), partner events by local day, police events
 * by time with the place a user attached them to (v18.sql).
 *
 * Items and partner events come from the piece cache of schema v22
 * (report_piece_done / report_piece_counts, store_report_common.h): each
 * part of a bucket within one ISO week is counted once, kept until a
 * trigger drops it because an item or event in it changed, and read back
 * as a few hundred rows, so the year does not scan a year of items again.
 */
#include "store_report_common.h"
#include "store_sqlite_internal.h"
#include "trygg/log.h"
#include "trygg/time.h"

#include <stdio.h>
#include <stdlib.h>
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

/* ---- The piece cache (v22) ------------------------------------------------------ */

/* Counts piece [from, to) into the cache, items and partner events, in its
 * own short write transaction. */
static trygg_err piece_fill(trygg_store *st, int64_t from, int64_t to)
{
    static const char *const fill[] = {
        "DELETE FROM report_piece_counts WHERE piece_start = ?1 AND piece_end = ?2",
        ("INSERT INTO report_piece_counts(piece_start, piece_end, src, area, key, place, n)"
         " SELECT ?1, ?2, 0, area, kind || '/' || category, shared_place, count(*) FROM items"
         " INDEXED BY report_items_scan_v3 WHERE created >= ?1 AND created < ?2 AND " COUNTED
         " GROUP BY 4, 5, 6"),
        ("INSERT INTO report_piece_counts(piece_start, piece_end, src, area, key, place, n)"
         " SELECT ?1, ?2, 1, area, type, place, sum(count) FROM events"
         " WHERE day >= ?3 AND day <= ?4 GROUP BY 4, 5, 6"),
        ("INSERT OR REPLACE INTO report_piece_done(piece_start, piece_end, first_day, last_day)"
         " VALUES (?1, ?2, ?3, ?4)"),
    };
    char d1[16], d2[16];
    trygg_rb_local_day(from, d1);
    trygg_rb_local_day(to - 1, d2);
    trygg_err err = trygg_st_tx_begin(st);
    for (size_t i = 0; !err && i < sizeof fill / sizeof fill[0]; i++) {
        sqlite3_stmt *s;
        err = trygg_st_prepare(st, fill[i], &s);
        if (err)
            break;
        sqlite3_bind_int64(s, 1, from);
        sqlite3_bind_int64(s, 2, to);
        if (sqlite3_bind_parameter_count(s) >= 4) {
            trygg_st_bind_text(s, 3, d1);
            trygg_st_bind_text(s, 4, d2);
        }
        err = trygg_st_run(st, s, "period cache");
    }
    return trygg_st_tx_end(st, err);
}

/* Sets `hit` of the pieces p[0..n) that are counted (one query over the
 * whole range). */
static trygg_err pieces_mark(trygg_store *st, trygg_rb_piece *p, int n)
{
    for (int i = 0; i < n; i++)
        p[i].hit = 0;
    if (n == 0)
        return TRYGG_OK;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT piece_start, piece_end FROM report_piece_done"
                                     " WHERE piece_start >= ?1 AND piece_end <= ?2",
                                     &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, p[0].start);
    sqlite3_bind_int64(s, 2, p[n - 1].end);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int k = trygg_rb_piece_find(p, n, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
        if (k >= 0)
            p[k].hit = 1;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? TRYGG_OK : trygg_st_fail(st, rc, "period cache");
}

/* Counts every piece not in the cache yet, each in its own short write (a
 * failure only means that piece is counted directly later). */
static void pieces_fill(trygg_store *st, trygg_rb_piece *p, int n)
{
    if (pieces_mark(st, p, n) != TRYGG_OK)
        return;
    for (int i = 0; i < n; i++)
        if (!p[i].hit && piece_fill(st, p[i].start, p[i].end) != TRYGG_OK)
            TRYGG_WARN("period cache: %s", trygg_store_errmsg(st));
}

/* The rows of every counted piece of p[0..n) in one query, each for its
 * bucket (a piece of the range that is not one of p, or not counted, is
 * skipped). */
static trygg_err pieces_load(trygg_store *st, const trygg_rb_piece *p, int n, int places,
                             trygg_period_cb cb, void *ctx, int *stop)
{
    if (n == 0)
        return TRYGG_OK;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(
        st,
        places ? "SELECT c.piece_start, c.piece_end, c.src, c.area, c.key, c.place, c.n"
                 " FROM report_piece_counts c JOIN report_piece_done d"
                 " ON d.piece_start = c.piece_start AND d.piece_end = c.piece_end"
                 " WHERE c.piece_start >= ?1 AND c.piece_end <= ?2"
               : "SELECT c.piece_start, c.piece_end, c.src, c.area, c.key, '', sum(c.n)"
                 " FROM report_piece_counts c JOIN report_piece_done d"
                 " ON d.piece_start = c.piece_start AND d.piece_end = c.piece_end"
                 " WHERE c.piece_start >= ?1 AND c.piece_end <= ?2"
                 " GROUP BY c.piece_start, c.piece_end, c.src, c.area, c.key",
        &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, p[0].start);
    sqlite3_bind_int64(s, 2, p[n - 1].end);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int k = trygg_rb_piece_find(p, n, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
        if (k < 0 || !p[k].hit)
            continue;
        trygg_period_row row = {.source = (trygg_period_source)sqlite3_column_int(s, 2),
                                .bucket = p[k].bucket,
                                .area = (const char *)sqlite3_column_text(s, 3),
                                .key = (const char *)sqlite3_column_text(s, 4),
                                .place = (const char *)sqlite3_column_text(s, 5),
                                .n = sqlite3_column_int64(s, 6)};
        if (!row.area || !row.key || !row.place)
            row.area = row.key = row.place = ""; /* NOT NULL columns: out of memory only */
        if (cb(ctx, &row)) {
            *stop = 1;
            break;
        }
    }
    sqlite3_finalize(s);
    if (!*stop && rc != SQLITE_DONE)
        return trygg_st_fail(st, rc, "period cache load");
    return TRYGG_OK;
}

trygg_err trygg_sqlite_period_counts(trygg_store *st, const int64_t *edges, int nedges, int places,
                                     trygg_period_cb cb, void *ctx)
{
    if (!st || !cb || !trygg_rb_edges_ok(edges, nedges))
        return TRYGG_ERR_INVALID;
    int n = 0;
    trygg_rb_piece *p = trygg_rb_pieces(edges, nedges, &n); /* NULL: all counted directly */
    int own_tx = st->txdepth == 0 && !st->user_tx;
    if (own_tx)
        pieces_fill(st, p, n);
    /* One read transaction: every bucket from the same snapshot. */
    trygg_err err = own_tx ? trygg_st_exec(st, "BEGIN") : TRYGG_OK;
    int stop = 0;
    if (!err)
        err = pieces_mark(st, p, n);
    if (!err)
        err = pieces_load(st, p, n, places, cb, ctx, &stop);
    if (!err && !stop)
        err =
            trygg_rb_uncached_counts(st, period_query, edges, nedges, p, n, places, cb, ctx, &stop);
    if (own_tx && trygg_st_exec(st, "COMMIT") != TRYGG_OK && !err)
        err = TRYGG_ERR_DB;
    free(p);
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
