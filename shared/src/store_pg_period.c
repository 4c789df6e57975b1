/*
 * store_pg_period.c — the counts behind the quarterly area analysis and the
 * yearly report on PostgreSQL (trygg_store_period_counts,
 * trygg_store_first_item in store.h; the report itself is
 * shared/src/report_period.c). Items and partner events come piece by
 * piece from the cache of schema v22 (report_piece_done /
 * report_piece_counts, store_report_common.h), as with SQLite: each part of
 * a bucket within one ISO week is counted once and kept until a trigger
 * drops it; a piece not cached and police events are one grouped query
 * each. Everything is read in one REPEATABLE READ snapshot.
 */
#include "store_pg_internal.h"
#include "store_report_common.h"
#include "trygg/log.h"

#include <stdlib.h>
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

/* ---- The piece cache (v22) ------------------------------------------------------ */

/* Counts piece [from, to) into the cache, items and partner events, in its
 * own short write transaction. The lock (SHARE ROW EXCLUSIVE conflicts with
 * the ROW EXCLUSIVE of the triggers' DELETE) waits for every write that
 * already dropped pieces to commit and makes later ones wait for this
 * count, so a piece is never marked counted without an item or event that
 * was written while it was being counted. */
static trygg_err piece_fill(trygg_store *st, int64_t from, int64_t to)
{
    static const char *const fill[] = {
        "LOCK TABLE report_piece_done IN SHARE ROW EXCLUSIVE MODE",
        "DELETE FROM report_piece_counts WHERE piece_start = $1 AND piece_end = $2",
        "INSERT INTO report_piece_counts(piece_start, piece_end, src, area, key, place, n)"
        " SELECT $1::bigint, $2::bigint, 0, area, kind || '/' || category, shared_place,"
        " count(*) FROM items WHERE " IN_BUCKET("created") " AND " TRYGG_RB_COUNTED(
            "") " GROUP BY 4, 5, 6",
        "INSERT INTO report_piece_counts(piece_start, piece_end, src, area, key, place, n)"
        " SELECT $1::bigint, $2::bigint, 1, area, type, place, sum(count) FROM events"
        " WHERE day >= $3 AND day <= $4 GROUP BY 4, 5, 6",
        "INSERT INTO report_piece_done(piece_start, piece_end, first_day, last_day)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (piece_start, piece_end) DO UPDATE"
        " SET first_day = excluded.first_day, last_day = excluded.last_day",
    };
    static const int nargs[] = {0, 2, 2, 4, 4};
    char d1[16], d2[16];
    trygg_rb_local_day(from, d1);
    trygg_rb_local_day(to - 1, d2);
    trygg_sql_val v[4] = {TRYGG_SQL_INT(from), TRYGG_SQL_INT(to), TRYGG_SQL_TEXT(d1),
                          TRYGG_SQL_TEXT(d2)};
    trygg_err err = trygg_pg_tx_begin(st);
    for (size_t i = 0; !err && i < sizeof fill / sizeof fill[0]; i++)
        err = trygg_pg_write(st, fill[i], (trygg_sql_args){v, nargs[i]}, NULL, "period cache");
    return trygg_pg_tx_end(st, err);
}

/* Sets `hit` of the pieces p[0..n) that are counted (one query over the
 * whole range). */
static trygg_err pieces_mark(trygg_store *st, trygg_rb_piece *p, int n)
{
    for (int i = 0; i < n; i++)
        p[i].hit = 0;
    if (n == 0)
        return TRYGG_OK;
    PGresult *r;
    trygg_err err = trygg_pg_query(
        st,
        "SELECT piece_start, piece_end FROM report_piece_done"
        " WHERE piece_start >= $1 AND piece_end <= $2",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(p[0].start), TRYGG_SQL_INT(p[n - 1].end)), &r, "period cache");
    if (err)
        return err;
    for (int i = 0; i < PQntuples(r); i++) {
        int k = trygg_rb_piece_find(p, n, trygg_pg_col_int(r, i, 0), trygg_pg_col_int(r, i, 1));
        if (k >= 0)
            p[k].hit = 1;
    }
    PQclear(r);
    return TRYGG_OK;
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
    PGresult *r;
    trygg_err err = trygg_pg_query(
        st,
        places ? "SELECT c.piece_start, c.piece_end, c.src, c.area, c.key, c.place, c.n"
                 " FROM report_piece_counts c JOIN report_piece_done d"
                 " ON d.piece_start = c.piece_start AND d.piece_end = c.piece_end"
                 " WHERE c.piece_start >= $1 AND c.piece_end <= $2"
               : "SELECT c.piece_start, c.piece_end, c.src, c.area, c.key, '', sum(c.n)"
                 " FROM report_piece_counts c JOIN report_piece_done d"
                 " ON d.piece_start = c.piece_start AND d.piece_end = c.piece_end"
                 " WHERE c.piece_start >= $1 AND c.piece_end <= $2"
                 " GROUP BY c.piece_start, c.piece_end, c.src, c.area, c.key",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(p[0].start), TRYGG_SQL_INT(p[n - 1].end)), &r,
        "period cache load");
    if (err)
        return err;
    for (int i = 0; i < PQntuples(r); i++) {
        int k = trygg_rb_piece_find(p, n, trygg_pg_col_int(r, i, 0), trygg_pg_col_int(r, i, 1));
        if (k < 0 || !p[k].hit)
            continue;
        trygg_period_row row = {.source = (trygg_period_source)trygg_pg_col_int(r, i, 2),
                                .bucket = p[k].bucket,
                                .area = PQgetvalue(r, i, 3),
                                .key = PQgetvalue(r, i, 4),
                                .place = PQgetvalue(r, i, 5),
                                .n = trygg_pg_col_int(r, i, 6)};
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
    if (!st || !cb || !trygg_rb_edges_ok(edges, nedges))
        return TRYGG_ERR_INVALID;
    int n = 0;
    trygg_rb_piece *p = trygg_rb_pieces(edges, nedges, &n); /* NULL: all counted directly */
    int own_tx = st->txdepth == 0;
    if (own_tx)
        pieces_fill(st, p, n);
    trygg_err err =
        own_tx ? trygg_pg_exec(st, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "period")
               : TRYGG_OK;
    int stop = 0;
    if (!err)
        err = pieces_mark(st, p, n);
    if (!err)
        err = pieces_load(st, p, n, places, cb, ctx, &stop);
    if (!err && !stop)
        err =
            trygg_rb_uncached_counts(st, period_query, edges, nedges, p, n, places, cb, ctx, &stop);
    if (own_tx) {
        trygg_err end = trygg_pg_exec(st, err ? "ROLLBACK" : "COMMIT", "period");
        if (!err)
            err = end;
    }
    free(p);
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
