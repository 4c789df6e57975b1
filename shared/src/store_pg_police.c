/*
 * store_pg_police.c — storing the police's public events feed on
 * PostgreSQL: upserting by id and the fetch bookkeeping in report_meta.
 * Parsing is shared with SQLite (store_common.h); the fetch itself
 * (libcurl) is the server's. See police_events.h for the contract.
 */
#include "store_common.h"
#include "store_pg_internal.h"
#include "trygg/copy.h"
#include "trygg/police_events.h"

#include <string.h>

typedef struct put_ctx {
    trygg_store *st;
    int64_t now;
    int stored;
    int failed; /* the database refused a row (not the feed's form) */
} put_ctx;

static trygg_err put_event(void *arg, const trygg_stc_police *ev)
{
    put_ctx *c = arg;
    trygg_err e = trygg_pg_write(
        c->st,
        "INSERT INTO police_events(id, at, datetime, name, summary, url, type, location_name, "
        "gps, fetched) VALUES ($1, " PG_TS("$2") ", $3, $4, $5, $6, $7, $8, $9, " PG_TS(
            "$10") ")"
                   " ON CONFLICT (id) DO UPDATE SET at = excluded.at, datetime = excluded.datetime,"
                   " name = excluded.name, summary = excluded.summary, url = excluded.url,"
                   " type = excluded.type, location_name = excluded.location_name, gps = "
                   "excluded.gps,"
                   " fetched = excluded.fetched",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(ev->id), TRYGG_SQL_INT(ev->at), TRYGG_SQL_TEXT(ev->datetime),
                       TRYGG_SQL_TEXT(ev->name), TRYGG_SQL_TEXT(ev->summary),
                       TRYGG_SQL_TEXT(ev->url), TRYGG_SQL_TEXT(ev->type),
                       TRYGG_SQL_TEXT(ev->location), TRYGG_SQL_TEXT(ev->gps),
                       TRYGG_SQL_INT(c->now)),
        NULL, "police event insert");
    if (!e)
        c->stored++;
    else
        c->failed = 1;
    return e;
}

trygg_err trygg_pg_police_store_json(trygg_store *st, const char *json, size_t len,
                                     const char *origin, int *stored, int *skipped, char *err,
                                     size_t errcap)
{
    if (stored)
        *stored = 0;
    if (skipped)
        *skipped = 0;
    if (!st || !json) {
        if (err && errcap)
            trygg_copy_trunc(err, errcap, "no input");
        return TRYGG_ERR_INVALID;
    }
    put_ctx c = {st, trygg_pg_now(), 0, 0};
    trygg_err e = trygg_pg_tx_begin(st);
    if (e) {
        if (err && errcap)
            trygg_copy_trunc(err, errcap, st->errmsg);
        return e;
    }
    int bad = 0;
    e = trygg_stc_police_each(json, len, origin, put_event, &c, &bad, err, errcap);
    int feed_error = e && !c.failed; /* err[] says why */
    e = trygg_pg_tx_end(st, e);
    if (skipped)
        *skipped = bad;
    if (e) {
        if (err && errcap && !feed_error)
            trygg_copy_trunc(err, errcap, st->errmsg);
        return e;
    }
    if (stored)
        *stored = c.stored;
    return TRYGG_OK;
}

trygg_err trygg_pg_police_note(trygg_store *st, const char *what, int64_t at)
{
    if (!st || !what ||
        (strcmp(what, "police_last_try") != 0 && strcmp(what, "police_last_ok") != 0))
        return TRYGG_ERR_INVALID;
    return trygg_pg_write(st,
                          "INSERT INTO report_meta(key, value) VALUES ($1, $2) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(what), TRYGG_SQL_INT(at)), NULL,
                          "report meta");
}

trygg_err trygg_pg_police_count(trygg_store *st, int64_t *n)
{
    if (!st || !n)
        return TRYGG_ERR_INVALID;
    return trygg_pg_int64(st, "SELECT count(*) FROM police_events", TRYGG_SQL_NO_ARGS, n,
                          "count police events");
}
