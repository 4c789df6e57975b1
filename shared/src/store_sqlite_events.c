/*
 * store_sqlite_events.c — partner events (schema v8 `events`): the
 * operational group's own reports. See store.h "Partner events" for the
 * contract; the organisation scope is part of every statement's WHERE, so a
 * caller can never reach another organisation's row by its id.
 */
#include "store_sqlite_internal.h"
#include "trygg/copy.h"

#include <string.h>

#define EVENT_COLS "id, type, day, band, area, place, count, text, org, reporter, created, updated"

/* Reads one EVENT_COLS row; an unknown type name becomes -1, which the
 * callers turn into an error (a corrupt row is never shown as another type). */
static void read_event(sqlite3_stmt *s, void *row)
{
    trygg_event *ev = row;
    memset(ev, 0, sizeof *ev);
    ev->id = sqlite3_column_int64(s, 0);
    if (trygg_event_type_parse((const char *)sqlite3_column_text(s, 1), &ev->type) != TRYGG_OK)
        ev->type = (trygg_event_type)-1;
    trygg_st_col_text(s, 2, ev->day, sizeof ev->day);
    trygg_st_col_text(s, 3, ev->band, sizeof ev->band);
    trygg_st_col_text(s, 4, ev->area, sizeof ev->area);
    trygg_st_col_text(s, 5, ev->place, sizeof ev->place);
    ev->count = sqlite3_column_int(s, 6);
    trygg_st_col_text(s, 7, ev->text, sizeof ev->text);
    trygg_st_col_text(s, 8, ev->org, sizeof ev->org);
    trygg_st_col_text(s, 9, ev->reporter, sizeof ev->reporter);
    ev->created = sqlite3_column_int64(s, 10);
    ev->updated = sqlite3_column_int64(s, 11);
}

static trygg_err check_rows(trygg_store *st, const trygg_event *evs, int n)
{
    for (int i = 0; i < n; i++)
        if ((int)evs[i].type < 0)
            return trygg_st_failf(st, TRYGG_ERR_DB, "corrupt event row %lld", (long long)evs[i].id);
    return TRYGG_OK;
}

/* Validates `ev` and fills the scrubbed copies of its place and text. */
static trygg_err prepare_event(trygg_store *st, const trygg_event *ev, trygg_event *clean)
{
    const char *field = NULL;
    if (trygg_event_validate(ev, &field) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid event field %s", field);
    *clean = *ev;
    trygg_st_shared_copy(ev->place, clean->place, sizeof clean->place);
    trygg_st_shared_copy(ev->text, clean->text, sizeof clean->text);
    return TRYGG_OK;
}

/* Binds type..text (parameters 1..7) of `ev`. */
static void bind_seen(sqlite3_stmt *s, const trygg_event *ev)
{
    trygg_st_bind_text(s, 1, trygg_event_type_name(ev->type));
    trygg_st_bind_text(s, 2, ev->day);
    trygg_st_bind_text(s, 3, ev->band);
    trygg_st_bind_text(s, 4, ev->area);
    trygg_st_bind_text(s, 5, ev->place);
    sqlite3_bind_int(s, 6, ev->count);
    trygg_st_bind_text(s, 7, ev->text);
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
    trygg_err err = prepare_event(st, ev, &clean);
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st,
                           "INSERT INTO events (type, day, band, area, place, count, text, org, "
                           "reporter, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                           "?9, ?10, ?10)",
                           &s);
    if (err)
        return err;
    bind_seen(s, &clean);
    trygg_st_bind_text(s, 8, clean.org);
    trygg_st_bind_text(s, 9, clean.reporter);
    sqlite3_bind_int64(s, 10, trygg_st_now());
    err = trygg_st_run(st, s, "add event");
    if (!err && id)
        *id = sqlite3_last_insert_rowid(st->db);
    return err;
}

trygg_err trygg_sqlite_event_get(trygg_store *st, int64_t id, const char *org, trygg_event *out)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT " EVENT_COLS " FROM events WHERE id = ?1 AND "
                                     "(?2 IS NULL OR org = ?2)",
                                     &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, id);
    if (org)
        trygg_st_bind_text(s, 2, org);
    int n = 0;
    err = trygg_st_collect(st, s, out, sizeof *out, read_event, &n, "get event");
    if (!err && n == 0)
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such event");
    return err ? err : check_rows(st, out, n);
}

trygg_err trygg_sqlite_event_update(trygg_store *st, const trygg_event *ev, const char *org)
{
    trygg_event clean;
    trygg_err err = prepare_event(st, ev, &clean);
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st,
                           "UPDATE events SET type = ?1, day = ?2, band = ?3, area = ?4, "
                           "place = ?5, count = ?6, text = ?7, updated = ?8 WHERE id = ?9 AND "
                           "(?10 IS NULL OR org = ?10)",
                           &s);
    if (err)
        return err;
    bind_seen(s, &clean);
    sqlite3_bind_int64(s, 8, trygg_st_now());
    sqlite3_bind_int64(s, 9, ev->id);
    if (org)
        trygg_st_bind_text(s, 10, org);
    return trygg_st_run_one(st, s, "update event");
}

trygg_err trygg_sqlite_event_delete(trygg_store *st, int64_t id, const char *org)
{
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare(st, "DELETE FROM events WHERE id = ?1 AND (?2 IS NULL OR org = ?2)", &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, id);
    if (org)
        trygg_st_bind_text(s, 2, org);
    return trygg_st_run_one(st, s, "delete event");
}

/* Binds an optional day bound: NULL or "" leaves the parameter NULL (open). */
static void bind_day(sqlite3_stmt *s, int idx, const char *day)
{
    if (day && *day)
        trygg_st_bind_text(s, idx, day);
}

trygg_err trygg_sqlite_event_list(trygg_store *st, const char *org, const char *from_day,
                                  const char *to_day, trygg_event *out, int max, int *n)
{
    *n = 0;
    if (max <= 0)
        return TRYGG_OK;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT " EVENT_COLS " FROM events WHERE "
                                     "(?1 IS NULL OR org = ?1) AND (?2 IS NULL OR day >= ?2) AND "
                                     "(?3 IS NULL OR day <= ?3) ORDER BY day DESC, id DESC "
                                     "LIMIT ?4",
                                     &s);
    if (err)
        return err;
    if (org)
        trygg_st_bind_text(s, 1, org);
    bind_day(s, 2, from_day);
    bind_day(s, 3, to_day);
    sqlite3_bind_int(s, 4, max);
    err = trygg_st_collect(st, s, out, sizeof *out, read_event, n, "list events");
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
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT type, SUM(count) FROM events WHERE "
                                     "(?1 IS NULL OR day >= ?1) AND (?2 IS NULL OR day <= ?2) "
                                     "GROUP BY type",
                                     &s);
    if (err)
        return err;
    bind_day(s, 1, from_day);
    bind_day(s, 2, to_day);
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
