/*
 * store_pg_maint.c — the PostgreSQL backend's health and maintenance of the
 * queue (store.h "Health and maintenance"): a liveness probe, outbox depths
 * for /metrics, compaction, and the SQLite-only WAL calls, which have
 * nothing to do here.
 */
#include <string.h>

#include "store_pg_internal.h"

trygg_err trygg_pg_ping(trygg_store *st)
{
    int64_t one = 0;
    return trygg_pg_int64(st, "SELECT 1", TRYGG_SQL_NO_ARGS, &one, "ping");
}

trygg_err trygg_pg_outbox_counts(trygg_store *st, const char *which,
                                 int64_t counts[TRYGG_OUT_COUNT], int64_t *attempts_failed)
{
    const char *sql;
    if (strcmp(which, "sms") == 0)
        sql = "SELECT status, count(*), coalesce(sum(CASE WHEN status <> 'sent' THEN attempts "
              "ELSE 0 END), 0) FROM sms_out GROUP BY status";
    else if (strcmp(which, "notify") == 0)
        sql = "SELECT status, count(*), coalesce(sum(CASE WHEN status <> 'sent' THEN attempts "
              "ELSE 0 END), 0) FROM notify_out GROUP BY status";
    else
        return TRYGG_ERR_INVALID;
    for (int i = 0; i < TRYGG_OUT_COUNT; i++)
        counts[i] = 0;
    if (attempts_failed)
        *attempts_failed = 0;
    PGresult *r;
    trygg_err err = trygg_pg_query(st, sql, TRYGG_SQL_NO_ARGS, &r, "outbox counts");
    if (err)
        return err;
    for (int row = 0; row < PQntuples(r); row++) {
        const char *name = PQgetvalue(r, row, 0);
        for (int i = 0; i < TRYGG_OUT_COUNT; i++)
            if (strcmp(name, trygg_out_status_name((trygg_out_status)i)) == 0)
                counts[i] = trygg_pg_col_int(r, row, 1);
        if (attempts_failed)
            *attempts_failed += trygg_pg_col_int(r, row, 2);
    }
    PQclear(r);
    return TRYGG_OK;
}

/* A no-op on PostgreSQL: the server checkpoints its write-ahead log itself
 * (checkpoint_timeout, max_wal_size). The argument is checked as SQLite's. */
trygg_err trygg_pg_set_autocheckpoint(trygg_store *st, int pages)
{
    if (pages < 0)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "autocheckpoint: %d pages", pages);
    return TRYGG_OK;
}

/* A no-op on PostgreSQL (see trygg_pg_set_autocheckpoint): no log of this
 * handle's to copy back, *wal_pages = 0. */
trygg_err trygg_pg_checkpoint(trygg_store *st, int *wal_pages)
{
    (void)st;
    if (wal_pages)
        *wal_pages = 0;
    return TRYGG_OK;
}

/* VACUUM FULL rewrites every table into new files, so no row deleted or
 * blanked before survives in a live page of the database's files, and
 * ANALYZE refreshes the planner's statistics afterwards. It locks each
 * table exclusively while it is rewritten: rare maintenance only. */
trygg_err trygg_pg_compact(trygg_store *st)
{
    if (st->txdepth > 0)
        return trygg_pg_failf(st, TRYGG_ERR_STATE, "compact inside a transaction");
    return trygg_pg_exec(st, "VACUUM (FULL, ANALYZE)", "compact");
}

/* The full-disk simulation is a property of a SQLite file (max_page_count);
 * a PostgreSQL server's disk cannot be limited per connection, so the hook
 * refuses (no test of the conformance suite uses it; SQLite's full-disk
 * tests go through its own shim, test_sqlite_fail.c). */
trygg_err trygg_pg_test_limit_pages(trygg_store *st, int extra)
{
    (void)extra;
    return trygg_pg_failf(st, TRYGG_ERR_DB, "test_limit_pages: not applicable on PostgreSQL");
}
