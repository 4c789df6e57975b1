/*
 * store_sqlite_police.c — storing the police's public events feed in SQLite:
 * upserting by id (the feed is parsed by store_common.c, for both
 * backends), and the fetch bookkeeping in report_meta. The
 * fetch itself (libcurl) is the server's, server/police_fetch.c. See
 * police_events.h for the contract.
 */
#include "store_common.h"
#include "store_sqlite_internal.h"
#include "trygg/copy.h"
#include "trygg/police_events.h"
#include "trygg/report.h"
#include "trygg/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int two(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

int64_t trygg_police_parse_time(const char *s)
{
    int y, mo, d, h, mi, sec, oh, om, n = 0;
    char sign;
    if (!s || sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d %c%n", &y, &mo, &d, &h, &mi, &sec, &sign, &n) != 7)
        return -1;
    if ((sign != '+' && sign != '-') || strlen(s + n) != 5 || s[n + 2] != ':')
        return -1;
    oh = two(s + n);
    om = two(s + n + 3);
    if (oh < 0 || om < 0 || oh > 14 || om > 59 || y < 1970 || mo < 1 || mo > 12 || d < 1 ||
        d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    int64_t off = (int64_t)(oh * 3600 + om * 60) * (sign == '+' ? 1 : -1);
    return trygg_civil_to_unix(y, mo, d, h, mi, sec) - off;
}

static void fail(char *err, size_t cap, const char *msg)
{
    if (err && cap)
        trygg_copy_trunc(err, cap, msg);
}

typedef struct put_ctx {
    trygg_store *st;
    sqlite3_stmt *s;
    int64_t now;
    int stored;
    int failed; /* the database refused a row (not the feed's form) */
} put_ctx;

static trygg_err put_event(void *arg, const trygg_stc_police *ev)
{
    put_ctx *c = arg;
    sqlite3_stmt *s = c->s;
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, ev->id);
    sqlite3_bind_int64(s, 2, ev->at);
    trygg_st_bind_text(s, 3, ev->datetime);
    trygg_st_bind_text(s, 4, ev->name);
    trygg_st_bind_text(s, 5, ev->summary);
    trygg_st_bind_text(s, 6, ev->url);
    trygg_st_bind_text(s, 7, ev->type);
    trygg_st_bind_text(s, 8, ev->location);
    trygg_st_bind_text(s, 9, ev->gps);
    sqlite3_bind_int64(s, 10, c->now);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) {
        c->failed = 1;
        return trygg_st_fail(c->st, rc, "police event insert");
    }
    c->stored++;
    return TRYGG_OK;
}

trygg_err trygg_sqlite_police_store_json(trygg_store *st, const char *json, size_t len,
                                         const char *origin, int *stored, int *skipped, char *err,
                                         size_t errcap)
{
    if (stored)
        *stored = 0;
    if (skipped)
        *skipped = 0;
    if (!st || !json) {
        fail(err, errcap, "no input");
        return TRYGG_ERR_INVALID;
    }
    put_ctx c = {st, NULL, trygg_st_now(), 0, 0};
    trygg_err e = trygg_st_tx_begin(st);
    if (!e)
        e = trygg_st_prepare(st,
                             "INSERT INTO police_events(id, at, datetime, name, summary, url,"
                             " type, location_name, gps, fetched)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                             " ON CONFLICT(id) DO UPDATE SET at = excluded.at,"
                             " datetime = excluded.datetime, name = excluded.name,"
                             " summary = excluded.summary, url = excluded.url,"
                             " type = excluded.type, location_name = excluded.location_name,"
                             " gps = excluded.gps, fetched = excluded.fetched",
                             &c.s);
    int bad = 0, feed_error = 0;
    if (!e) {
        e = trygg_stc_police_each(json, len, origin, put_event, &c, &bad, err, errcap);
        feed_error = e && !c.failed; /* err[] says why */
    }
    sqlite3_finalize(c.s);
    e = trygg_st_tx_end(st, e);
    if (skipped)
        *skipped = bad;
    if (e) {
        if (!feed_error)
            fail(err, errcap, trygg_store_errmsg(st));
        return e;
    }
    if (stored)
        *stored = c.stored;
    return TRYGG_OK;
}

trygg_err trygg_sqlite_police_note(trygg_store *st, const char *what, int64_t at)
{
    if (!st || !what ||
        (strcmp(what, "police_last_try") != 0 && strcmp(what, "police_last_ok") != 0))
        return TRYGG_ERR_INVALID;
    return trygg_st_write(st, "INSERT OR REPLACE INTO report_meta(key, value) VALUES (?1, ?2)",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(what), TRYGG_SQL_INT(at)), "report meta");
}

trygg_err trygg_sqlite_police_count(trygg_store *st, int64_t *n)
{
    if (!st || !n)
        return TRYGG_ERR_INVALID;
    *n = 0;
    sqlite3_stmt *s;
    trygg_err e = trygg_st_prepare(st, "SELECT count(*) FROM police_events", &s);
    if (e)
        return e;
    return trygg_st_int64(st, s, n, "count police events");
}
