/*
 * store_sqlite_events.c — partner events (schema v8 `events`): the
 * operational group's own reports. See store.h "Partner events" for the
 * contract; the organisation scope is part of every statement's WHERE, so a
 * caller can never reach another organisation's row by its id.
 */
#include "store_report_common.h"
#include "store_common.h"
#include "store_sqlite_events.h"
#include "store_sqlite_internal.h"
#include "trygg/copy.h"
#include "trygg/report.h"
#include "trygg/time.h"

#include <stdio.h>
#include <string.h>

#define EVENT_COLS "id, type, day, band, area, place, count, text, org, reporter, created, updated"

/* EVENT_COLS from `day` on. */
static const trygg_sql_field event_fields[] = {
    TRYGG_SQL_FTEXT(trygg_event, day),    TRYGG_SQL_FTEXT(trygg_event, band),
    TRYGG_SQL_FTEXT(trygg_event, area),   TRYGG_SQL_FTEXT(trygg_event, place),
    TRYGG_SQL_FINT(trygg_event, count),   TRYGG_SQL_FTEXT(trygg_event, text),
    TRYGG_SQL_FTEXT(trygg_event, org),    TRYGG_SQL_FTEXT(trygg_event, reporter),
    TRYGG_SQL_FINT(trygg_event, created), TRYGG_SQL_FINT(trygg_event, updated)};

/* Reads one EVENT_COLS row; an unknown type name becomes -1, which the
 * callers turn into an error (a corrupt row is never shown as another type). */
static void read_event(sqlite3_stmt *s, void *row)
{
    trygg_event *ev = row;
    memset(ev, 0, sizeof *ev);
    ev->id = sqlite3_column_int64(s, 0);
    if (trygg_event_type_parse((const char *)sqlite3_column_text(s, 1), &ev->type) != TRYGG_OK)
        ev->type = (trygg_event_type)-1;
    trygg_sql_read_fields(s, 2, event_fields, TRYGG_SQL_COUNT(event_fields), ev);
}

static trygg_err check_rows(trygg_store *st, const trygg_event *evs, int n)
{
    int bad = trygg_stc_event_corrupt(evs, n);
    return bad < 0
               ? TRYGG_OK
               : trygg_st_failf(st, TRYGG_ERR_DB, "corrupt event row %lld", (long long)evs[bad].id);
}

/* trygg_stc_event_vals with the refusal in the store's message. */
static trygg_err event_vals(trygg_store *st, const trygg_event *ev, trygg_event *clean,
                            trygg_sql_val v[7])
{
    const char *field = NULL;
    if (trygg_stc_event_vals(ev, clean, v, &field) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid event field %s", field);
    return TRYGG_OK;
}

/* An organisation scope: NULL (every organisation) binds SQL NULL. */
static trygg_sql_val org_val(const char *org)
{
    return org ? TRYGG_SQL_TEXT(org) : TRYGG_SQL_NULL;
}

/* An optional day bound: NULL or "" binds SQL NULL (open). */
static trygg_sql_val day_val(const char *day)
{
    return day && *day ? TRYGG_SQL_TEXT(day) : TRYGG_SQL_NULL;
}

static trygg_err insert_event(trygg_store *st, const trygg_event *ev, int64_t *id);

trygg_err trygg_sqlite_event_add(trygg_store *st, const trygg_event *ev, int64_t *id)
{
    return insert_event(st, ev, id);
}

trygg_err trygg_sqlite_event_add_many(trygg_store *st, const trygg_event *evs, int n)
{
    if (n < 0)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "negative event count");
    trygg_err err = trygg_st_tx_begin(st);
    for (int i = 0; !err && i < n; i++) {
        err = insert_event(st, &evs[i], NULL);
        if (err == TRYGG_ERR_INVALID) {
            char msg[sizeof st->errmsg];
            TRYGG_COPY_TRUNC(msg, st->errmsg);
            err = trygg_st_failf(st, TRYGG_ERR_INVALID, "event %d: %s", i, msg);
        }
    }
    return trygg_st_tx_end(st, err);
}

static trygg_err insert_event(trygg_store *st, const trygg_event *ev, int64_t *id)
{
    trygg_event clean;
    trygg_sql_val v[10];
    trygg_err err = event_vals(st, ev, &clean, v);
    if (err)
        return err;
    v[7] = TRYGG_SQL_TEXT(clean.org);
    v[8] = TRYGG_SQL_TEXT(clean.reporter);
    v[9] = TRYGG_SQL_INT(trygg_st_now());
    err = trygg_st_write(st,
                         "INSERT INTO events (type, day, band, area, place, count, text, org, "
                         "reporter, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                         "?9, ?10, ?10)",
                         (trygg_sql_args){v, 10}, "add event");
    if (!err && id)
        *id = sqlite3_last_insert_rowid(st->db);
    return err;
}

trygg_err trygg_sqlite_event_get(trygg_store *st, int64_t id, const char *org, trygg_event *out)
{
    int n = 0;
    trygg_err err = trygg_st_select(st,
                                    "SELECT " EVENT_COLS " FROM events WHERE id = ?1 AND "
                                    "(?2 IS NULL OR org = ?2) LIMIT 1",
                                    TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), org_val(org)), out,
                                    sizeof *out, read_event, &n, "get event");
    if (!err && n == 0)
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such event");
    return err ? err : check_rows(st, out, n);
}

trygg_err trygg_sqlite_event_update(trygg_store *st, const trygg_event *ev, const char *org)
{
    trygg_event clean;
    trygg_sql_val v[10];
    trygg_err err = event_vals(st, ev, &clean, v);
    if (err)
        return err;
    v[7] = TRYGG_SQL_INT(trygg_st_now());
    v[8] = TRYGG_SQL_INT(ev->id);
    v[9] = org_val(org);
    return trygg_st_write_one(st,
                              "UPDATE events SET type = ?1, day = ?2, band = ?3, area = ?4, "
                              "place = ?5, count = ?6, text = ?7, updated = ?8 WHERE id = ?9 AND "
                              "(?10 IS NULL OR org = ?10)",
                              (trygg_sql_args){v, 10}, "update event");
}

trygg_err trygg_sqlite_event_delete(trygg_store *st, int64_t id, const char *org)
{
    return trygg_st_write_one(st, "DELETE FROM events WHERE id = ?1 AND (?2 IS NULL OR org = ?2)",
                              TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), org_val(org)), "delete event");
}

trygg_err trygg_sqlite_event_list(trygg_store *st, const char *org, const char *from_day,
                                  const char *to_day, trygg_event *out, int max, int *n)
{
    *n = 0;
    if (max <= 0)
        return TRYGG_OK;
    trygg_err err = trygg_st_select(
        st,
        "SELECT " EVENT_COLS " FROM events WHERE "
        "(?1 IS NULL OR org = ?1) AND day >= coalesce(?2, '') AND "
        "day <= coalesce(?3, '9999-12-31') ORDER BY day DESC, id DESC LIMIT ?4",
        TRYGG_SQL_ARGS(org_val(org), day_val(from_day), day_val(to_day), TRYGG_SQL_INT(max)), out,
        sizeof *out, read_event, n, "list events");
    if (!err)
        err = check_rows(st, out, *n);
    if (err)
        *n = 0;
    return err;
}

trygg_err trygg_sqlite_event_totals(trygg_store *st, const char *from_day, const char *to_day,
                                    int counts[TRYGG_EVENT_TYPE_COUNT])
{
    memset(counts, 0, sizeof(int) * TRYGG_EVENT_TYPE_COUNT);
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare_args(st, TRYGG_SQLITE_EVENT_TOTALS,
                                          TRYGG_SQL_ARGS(day_val(from_day), day_val(to_day)), &s);
    if (err)
        return err;
    int rc;
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        trygg_event_type t;
        if (trygg_event_type_parse((const char *)sqlite3_column_text(s, 0), &t) != TRYGG_OK)
            err = trygg_st_failf(st, TRYGG_ERR_DB, "corrupt event type in events");
        else
            counts[t] += sqlite3_column_int(s, 1);
    }
    if (!err && rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, "event totals");
    sqlite3_finalize(s);
    return err;
}

/* The local day of `t` as "YYYY-MM-DD" into out[16]. */
trygg_err trygg_sqlite_report_event_places(trygg_store *st, trygg_report *r)
{
    memset(r->event_place_n, 0, sizeof r->event_place_n);
    if (!r->geo || r->geo->nplaces == 0)
        return TRYGG_OK;
    char from[16], to[16];
    trygg_rb_week_days(r, from, to);
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare_args(st, TRYGG_SQLITE_EVENT_PLACES,
                              TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(from), TRYGG_SQL_TEXT(to)), &s);
    if (err)
        return err;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *area = (const char *)sqlite3_column_text(s, 0);
        const char *place = (const char *)sqlite3_column_text(s, 1);
        if (area && place)
            trygg_rb_event_place(r, area, place, sqlite3_column_int64(s, 2));
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return trygg_st_fail(st, rc, "events by place");
    return TRYGG_OK;
}
