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

/* ---- Police events on places, by hand ----------------------------------------- */

trygg_err trygg_sqlite_police_place(trygg_store *st, int64_t id, const char *place_id,
                                    const trygg_place_ref *ref, const char *actor, int64_t now)
{
    if (!st || !place_id || !actor || !actor[0] ||
        (place_id[0] && (!ref || !ref->area[0] || !ref->label[0])))
        return TRYGG_ERR_INVALID;
    const char *area = place_id[0] ? ref->area : "", *label = place_id[0] ? ref->label : "";
    trygg_err e = trygg_st_tx_begin(st);
    if (!e)
        e = trygg_st_write_one(st,
                               "UPDATE police_events SET place = ?2, place_area = ?3,"
                               " place_label = ?4, placed_by = ?5, placed_at = ?6 WHERE id = ?1",
                               TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(place_id),
                                              TRYGG_SQL_TEXT(area), TRYGG_SQL_TEXT(label),
                                              TRYGG_SQL_TEXT(place_id[0] ? actor : ""),
                                              TRYGG_SQL_INT(place_id[0] ? now : 0)),
                               "police event");
    if (!e)
        e = trygg_st_write(st,
                           "INSERT INTO police_place_audit(police_id, place, actor, at)"
                           " VALUES (?1, ?2, ?3, ?4)",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(place_id),
                                          TRYGG_SQL_TEXT(actor), TRYGG_SQL_INT(now)),
                           "police place audit");
    return trygg_st_tx_end(st, e);
}

static void read_police(sqlite3_stmt *s, void *row)
{
    trygg_police_event *p = row;
    p->id = sqlite3_column_int64(s, 0);
    p->at = sqlite3_column_int64(s, 1);
    trygg_st_col_text(s, 2, p->type, sizeof p->type);
    trygg_st_col_text(s, 3, p->name, sizeof p->name);
    trygg_st_col_text(s, 4, p->summary, sizeof p->summary);
    trygg_st_col_text(s, 5, p->location, sizeof p->location);
    trygg_st_col_text(s, 6, p->url, sizeof p->url);
    trygg_st_col_text(s, 7, p->place, sizeof p->place);
    trygg_st_col_text(s, 8, p->place_area, sizeof p->place_area);
    trygg_st_col_text(s, 9, p->place_label, sizeof p->place_label);
    trygg_st_col_text(s, 10, p->placed_by, sizeof p->placed_by);
    p->placed_at = sqlite3_column_int64(s, 11);
}

trygg_err trygg_sqlite_police_list(trygg_store *st, int64_t from, int64_t to,
                                   trygg_police_event *out, int max, int *n)
{
    if (n)
        *n = 0;
    if (!st || !out || !n || max < 0)
        return TRYGG_ERR_INVALID;
    return trygg_st_select(
        st,
        "SELECT id, at, type, name, summary, location_name, url, place,"
        " place_area, place_label, placed_by, placed_at FROM police_events"
        " WHERE at >= ?1 AND at < ?2 ORDER BY at, id LIMIT ?3",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(from), TRYGG_SQL_INT(to), TRYGG_SQL_INT(max)), out,
        sizeof *out, read_police, n, "list police events");
}

trygg_err trygg_sqlite_police_place_audits(trygg_store *st, int64_t id, int64_t *n)
{
    if (!st || !n)
        return TRYGG_ERR_INVALID;
    *n = 0;
    sqlite3_stmt *s;
    trygg_err e =
        trygg_st_prepare(st, "SELECT count(*) FROM police_place_audit WHERE police_id = ?1", &s);
    if (e)
        return e;
    sqlite3_bind_int64(s, 1, id);
    return trygg_st_int64(st, s, n, "count police place audits");
}
