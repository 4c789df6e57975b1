/*
 * server_extra.c — trygg-server's health and metrics queries (server_extra.h).
 */
#include "trygg/server_extra.h"

#include <string.h>

#include "store_internal.h"

trygg_err trygg_server_ping(trygg_store *st)
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

trygg_err trygg_server_outbox_counts(trygg_store *st, const char *which, int64_t counts[5],
                                     int64_t *attempts_failed)
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
    for (int i = 0; i < 5; i++)
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
        for (int i = 0; name && i < 5; i++)
            if (strcmp(name, trygg_out_status_name((trygg_out_status)i)) == 0)
                counts[i] = sqlite3_column_int64(s, 1);
        if (attempts_failed)
            *attempts_failed += sqlite3_column_int64(s, 2);
    }
    err = rc == SQLITE_DONE ? TRYGG_OK : trygg_st_fail(st, rc, "outbox counts");
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_server_autocheckpoint(trygg_store *st, int pages)
{
    int rc = sqlite3_wal_autocheckpoint(st->db, pages);
    return rc == SQLITE_OK ? TRYGG_OK : trygg_st_fail(st, rc, "wal_autocheckpoint");
}

trygg_err trygg_server_checkpoint(trygg_store *st, int *wal_pages)
{
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    if (wal_pages)
        *wal_pages = log;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return TRYGG_OK; /* someone else is checkpointing */
    return rc == SQLITE_OK ? TRYGG_OK : trygg_st_fail(st, rc, "wal_checkpoint");
}
