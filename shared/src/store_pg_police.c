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

/* ---- Police events on places, by hand ----------------------------------------- */

trygg_err trygg_pg_police_place(trygg_store *st, int64_t id, const char *place_id,
                                const trygg_place_ref *ref, const char *actor, int64_t now)
{
    if (!st || !place_id || !actor || !actor[0] ||
        (place_id[0] && (!ref || !ref->area[0] || !ref->label[0])))
        return TRYGG_ERR_INVALID;
    const char *area = place_id[0] ? ref->area : "", *label = place_id[0] ? ref->label : "";
    trygg_err e = trygg_pg_tx_begin(st);
    if (!e)
        e = trygg_pg_write_one(
            st,
            "UPDATE police_events SET place = $2, place_area = $3,"
            " place_label = $4, placed_by = $5, placed_at = " PG_TS("$6") " WHERE id = $1",
            TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(place_id), TRYGG_SQL_TEXT(area),
                           TRYGG_SQL_TEXT(label), TRYGG_SQL_TEXT(place_id[0] ? actor : ""),
                           TRYGG_SQL_INT(place_id[0] ? now : 0)),
            "police event");
    if (!e)
        e = trygg_pg_write(st,
                           "INSERT INTO police_place_audit(police_id, place, actor, at)"
                           " VALUES ($1, $2, $3, " PG_TS("$4") ")",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(place_id),
                                          TRYGG_SQL_TEXT(actor), TRYGG_SQL_INT(now)),
                           NULL, "police place audit");
    return trygg_pg_tx_end(st, e);
}

static const trygg_sql_field police_fields[] = {TRYGG_SQL_FINT(trygg_police_event, id),
                                                TRYGG_SQL_FINT(trygg_police_event, at),
                                                TRYGG_SQL_FTEXT(trygg_police_event, type),
                                                TRYGG_SQL_FTEXT(trygg_police_event, name),
                                                TRYGG_SQL_FTEXT(trygg_police_event, summary),
                                                TRYGG_SQL_FTEXT(trygg_police_event, location),
                                                TRYGG_SQL_FTEXT(trygg_police_event, url),
                                                TRYGG_SQL_FTEXT(trygg_police_event, place),
                                                TRYGG_SQL_FTEXT(trygg_police_event, place_area),
                                                TRYGG_SQL_FTEXT(trygg_police_event, place_label),
                                                TRYGG_SQL_FTEXT(trygg_police_event, placed_by),
                                                TRYGG_SQL_FINT(trygg_police_event, placed_at)};

static void read_police(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, police_fields, out, sizeof(trygg_police_event));
}

trygg_err trygg_pg_police_list(trygg_store *st, int64_t from, int64_t to, trygg_police_event *out,
                               int max, int *n)
{
    if (n)
        *n = 0;
    if (!st || !out || !n || max < 0)
        return TRYGG_ERR_INVALID;
    if (max == 0)
        return TRYGG_OK;
    return trygg_pg_select(
        st,
        "SELECT id, " PG_EPOCH(
            "at") ", type, name, summary, location_name, url, place,"
                  " place_area, place_label, placed_by, " PG_EPOCH(
                      "placed_at") " FROM police_events"
                                   " WHERE at >= " PG_TS("$1") " AND at < " PG_TS(
                                       "$2") " ORDER BY at, id LIMIT $3",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(from), TRYGG_SQL_INT(to), TRYGG_SQL_INT(max)), out,
        sizeof *out, max, read_police, n, "list police events");
}

trygg_err trygg_pg_police_place_audits(trygg_store *st, int64_t id, int64_t *n)
{
    if (!st || !n)
        return TRYGG_ERR_INVALID;
    return trygg_pg_int64(st, "SELECT count(*) FROM police_place_audit WHERE police_id = $1",
                          TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), n, "count police place audits");
}
