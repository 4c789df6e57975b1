/*
 * store_sqlite_health.c — health and maintenance of the queue: the components'
 * health records (kiosk channel, modem), a liveness probe, outbox depths for
 * /metrics, and WAL checkpoints off the commit path. See store.h "Health and
 * maintenance".
 */
#include <string.h>

#include <jansson.h>

#include "store_sqlite_internal.h"

trygg_err trygg_sqlite_ping(trygg_store *st)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "SELECT count(*) FROM sqlite_master", &s);
    if (err)
        return err;
    int rc = sqlite3_step(s);
    err = rc == SQLITE_ROW ? TRYGG_OK : trygg_st_fail(st, rc, "ping");
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_sqlite_outbox_counts(trygg_store *st, const char *which,
                                     int64_t counts[TRYGG_OUT_COUNT], int64_t *attempts_failed)
{
    const char *sql;
    if (strcmp(which, "sms") == 0)
        sql = "SELECT status, count(*), sum(CASE WHEN status <> 'sent' THEN attempts ELSE 0 END)"
              " FROM sms_out GROUP BY status";
    else if (strcmp(which, "notify") == 0)
        sql = "SELECT status, count(*), sum(CASE WHEN status <> 'sent' THEN attempts ELSE 0 END)"
              " FROM notify_out GROUP BY status";
    else
        return TRYGG_ERR_INVALID;
    for (int i = 0; i < TRYGG_OUT_COUNT; i++)
        counts[i] = 0;
    if (attempts_failed)
        *attempts_failed = 0;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, sql, &s);
    if (err)
        return err;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        for (int i = 0; name && i < TRYGG_OUT_COUNT; i++)
            if (strcmp(name, trygg_out_status_name((trygg_out_status)i)) == 0)
                counts[i] = sqlite3_column_int64(s, 1);
        if (attempts_failed)
            *attempts_failed += sqlite3_column_int64(s, 2);
    }
    err = rc == SQLITE_DONE ? TRYGG_OK : trygg_st_fail(st, rc, "outbox counts");
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_sqlite_set_autocheckpoint(trygg_store *st, int pages)
{
    /* Not sqlite3_wal_autocheckpoint: it would replace the handle's WAL hook,
     * and with it the truncating checkpoint that bounds the log. */
    if (pages < 0)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "autocheckpoint: %d pages", pages);
    st->passive_pages = pages;
    return TRYGG_OK;
}

trygg_err trygg_sqlite_checkpoint(trygg_store *st, int *wal_pages)
{
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (wal_pages)
        *wal_pages = log;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return TRYGG_OK; /* someone else is checkpointing */
    return rc == SQLITE_OK ? TRYGG_OK : trygg_st_fail(st, rc, "wal_checkpoint");
}

trygg_err trygg_sqlite_compact(trygg_store *st)
{
    if (st->txdepth > 0)
        return trygg_st_failf(st, TRYGG_ERR_STATE, "compact inside a transaction");
    trygg_err err = trygg_st_exec(st, "VACUUM");
    if (err)
        return err;
    int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    return rc == SQLITE_OK ? TRYGG_OK : trygg_st_fail(st, rc, "checkpoint after VACUUM");
}

/* ---- Health ---------------------------------------------------------------------- */

trygg_err trygg_sqlite_health_put(trygg_store *st, const char *component, const char *json)
{
    char tmp[TRYGG_NAME_MAX + 1];
    if (!component || !*component || trygg_strset(tmp, sizeof tmp, component) || !json ||
        strlen(json) > 8192)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid health component or JSON");
    json_error_t jerr;
    json_t *v = json_loads(json, 0, &jerr);
    int is_obj = v && json_is_object(v);
    json_decref(v);
    if (!is_obj)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "health status is not a JSON object");
    return trygg_st_write(st,
                          "INSERT OR REPLACE INTO health (component, json, updated) "
                          "VALUES (?1, ?2, ?3)",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(component), TRYGG_SQL_TEXT(json),
                                         TRYGG_SQL_INT(trygg_st_now())),
                          "put health");
}

trygg_err trygg_sqlite_health_get(trygg_store *st, const char *component, char *json, int cap,
                                  int64_t *updated)
{
    if (cap <= 0)
        return TRYGG_ERR_INVALID;
    json[0] = '\0';
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare(st, "SELECT json, updated FROM health WHERE component = ?1", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, component);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_bytes(s, 0) >= cap)
            err = trygg_st_failf(st, TRYGG_ERR_TOOBIG, "health JSON larger than buffer");
        else
            trygg_st_col_text(s, 0, json, (size_t)cap);
        if (updated)
            *updated = sqlite3_column_int64(s, 1);
    } else if (rc == SQLITE_DONE) {
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no health for %s", component);
    } else {
        err = trygg_st_fail(st, rc, "read health");
    }
    sqlite3_finalize(s);
    return err;
}
