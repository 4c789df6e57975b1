/*
 * store_sqlite.c — the SQLite backend: opening the queue database, schema
 * migrations, error mapping, transactions and units of work. The backend's
 * other files, by concern: store_sqlite_items.c (read, submit),
 * store_sqlite_search.c (listing, search, counts), store_sqlite_changes.c,
 * store_sqlite_thread.c, store_sqlite_purge.c, store_sqlite_admin.c (users,
 * clients, walks, notices), store_sqlite_sms.c (contacts, outboxes, leases,
 * the SMS channel), store_sqlite_health.c, store_sqlite_report.c,
 * store_sqlite_police.c, store_sqlite_access.c. docs/store.md is the contract.
 *
 * Migrations are the files shared/schema/sqlite/vN.sql, compiled in; step N
 * brings the schema from version N-1 to N and runs in its own BEGIN
 * IMMEDIATE transaction together with PRAGMA user_version = N, so two
 * processes opening a fresh file at the same time migrate it exactly once.
 * Only ever add steps.
 */
#include "store_sqlite_internal.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "trygg/log.h"
#include "trygg/sqlite_util.h"
#include "trygg/text.h"
#include "trygg/time.h"

/* The migration steps, shared/schema/sqlite/v1.sql ... vN.sql, compiled in by
 * shared/schema/embed.cmake. */
extern const char *const trygg_sqlite_migrations[];
extern const int trygg_sqlite_migrations_count;
#define migrations      trygg_sqlite_migrations
#define MIGRATION_COUNT trygg_sqlite_migrations_count

static const int default_retention[TRYGG_KIND_COUNT] = {365, 365, 180, 730, 90, 30};

int trygg_store_schema_latest(void)
{
    return MIGRATION_COUNT;
}

int trygg_st_migration_count(void)
{
    return MIGRATION_COUNT;
}

int64_t trygg_st_now(void)
{
    return (int64_t)time(NULL);
}

trygg_err trygg_st_map(sqlite3 *db, int rc)
{
    return trygg_sql_map(db, rc);
}

trygg_err trygg_st_fail(trygg_store *st, int rc, const char *what)
{
    return trygg_sql_fail(st->db, rc, what, st->errmsg, sizeof st->errmsg);
}

trygg_err trygg_st_collect(trygg_store *st, sqlite3_stmt *s, void *out, size_t size,
                           void (*read)(sqlite3_stmt *s, void *row), int *n, const char *what)
{
    return trygg_sql_collect(st->db, s, out, size, INT_MAX, read, n, what, st->errmsg,
                             sizeof st->errmsg);
}

trygg_err trygg_st_failf(trygg_store *st, trygg_err err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap);
    va_end(ap);
    return err;
}

/* ---- Kept statements (trygg_st_cached, on trygg_sql_cache) ---------------------- */

static trygg_err cached_stmt(trygg_store *st, const char *sql, sqlite3_stmt **out)
{
    int rc = trygg_sql_cache_get(&st->cache, st->db, sql, out);
    return rc == SQLITE_OK ? TRYGG_OK : trygg_st_fail(st, rc, "prepare");
}

trygg_err trygg_st_cached(trygg_store *st, const char *sql, trygg_sql_args a, sqlite3_stmt **out)
{
    trygg_err err = cached_stmt(st, sql, out);
    if (err)
        return err;
    int rc = trygg_sql_bind_args(*out, a, 0);
    if (rc != SQLITE_OK) {
        err = trygg_st_fail(st, rc, "bind");
        trygg_st_done(st, *out);
        *out = NULL;
    }
    return err;
}

void trygg_st_done(trygg_store *st, sqlite3_stmt *s)
{
    trygg_sql_cache_put(&st->cache, s);
}

void trygg_st_cache_clear(trygg_store *st)
{
    trygg_sql_cache_clear(&st->cache);
}

/* Runs one statement without result rows through the cache (the
 * transaction statements). */
static int exec_cached(trygg_store *st, const char *sql)
{
    sqlite3_stmt *s;
    if (cached_stmt(st, sql, &s) != TRYGG_OK)
        return sqlite3_errcode(st->db);
    int rc = sqlite3_step(s);
    trygg_st_done(st, s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

trygg_err trygg_st_prepare(trygg_store *st, const char *sql, sqlite3_stmt **out)
{
    return trygg_sql_prepare(st->db, sql, out, st->errmsg, sizeof st->errmsg);
}

trygg_err trygg_st_exec(trygg_store *st, const char *sql)
{
    return trygg_sql_exec(st->db, sql, "exec", st->errmsg, sizeof st->errmsg);
}

trygg_err trygg_st_run_one(trygg_store *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    trygg_err err = TRYGG_OK;
    if (rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, what);
    else if (sqlite3_changes(st->db) == 0)
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such %s", what);
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_st_row(trygg_store *st, const char *sql, trygg_sql_args a,
                       void (*read)(sqlite3_stmt *s, void *row), void *out, const char *what)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_cached(st, sql, a, &s);
    if (err)
        return err;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        read(s, out);
    else if (rc == SQLITE_DONE)
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such %s", what);
    else
        err = trygg_st_fail(st, rc, what);
    trygg_st_done(st, s);
    return err;
}

trygg_err trygg_st_get_row(trygg_store *st, const char *sql, const char *key,
                           void (*read)(sqlite3_stmt *s, void *row), void *out, const char *what)
{
    return trygg_st_row(st, sql, TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key)), read, out, what);
}

trygg_err trygg_st_prepare_args(trygg_store *st, const char *sql, trygg_sql_args a,
                                sqlite3_stmt **out)
{
    return trygg_sql_prepare_args(st->db, sql, a, out, st->errmsg, sizeof st->errmsg);
}

/* Runs a write through the cache; *changes (may be NULL) its row count. */
static trygg_err write_cached(trygg_store *st, const char *sql, trygg_sql_args a, int *changes,
                              const char *what)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_cached(st, sql, a, &s);
    if (err)
        return err;
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = trygg_st_fail(st, rc, what);
    else if (changes)
        *changes = sqlite3_changes(st->db);
    trygg_st_done(st, s);
    return err;
}

trygg_err trygg_st_write(trygg_store *st, const char *sql, trygg_sql_args a, const char *what)
{
    return write_cached(st, sql, a, NULL, what);
}

trygg_err trygg_st_write_one(trygg_store *st, const char *sql, trygg_sql_args a, const char *what)
{
    int changes = 0;
    trygg_err err = write_cached(st, sql, a, &changes, what);
    if (!err && changes == 0)
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such %s", what);
    return err;
}

trygg_err trygg_st_select(trygg_store *st, const char *sql, trygg_sql_args a, void *out,
                          size_t size, void (*read)(sqlite3_stmt *s, void *row), int *n,
                          const char *what)
{
    sqlite3_stmt *s;
    *n = 0;
    trygg_err err = trygg_st_cached(st, sql, a, &s);
    if (err)
        return err;
    int rc, count = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        read(s, (char *)out + (size_t)count++ * size);
    if (rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, what);
    trygg_st_done(st, s);
    *n = err ? 0 : count;
    return err;
}

trygg_err trygg_st_int64(trygg_store *st, sqlite3_stmt *s, int64_t *out, const char *what)
{
    return trygg_sql_int64(st->db, s, out, what, st->errmsg, sizeof st->errmsg);
}

trygg_err trygg_st_list(trygg_store *st, const char *sql, const int64_t *key, int max,
                        void (*read)(sqlite3_stmt *s, void *row), void *out, size_t size, int *n,
                        const char *what)
{
    trygg_sql_val limit = TRYGG_SQL_INT(max < 0 ? 0 : max);
    trygg_sql_args a = key ? TRYGG_SQL_ARGS(TRYGG_SQL_INT(*key), limit) : TRYGG_SQL_ARGS(limit);
    return trygg_st_select(st, sql, a, out, size, read, n, what);
}

trygg_err trygg_st_run(trygg_store *st, sqlite3_stmt *s, const char *what)
{
    return trygg_sql_run(st->db, s, what, st->errmsg, sizeof st->errmsg);
}

int trygg_st_bind_text(sqlite3_stmt *s, int idx, const char *v)
{
    return trygg_sql_bind_text(s, idx, v);
}

void trygg_st_col_text(sqlite3_stmt *s, int col, char *dst, size_t cap)
{
    trygg_sql_col_text(s, col, dst, cap);
}

/* SQLITE_ROW when items wait in fts_pending, SQLITE_DONE when none. */
static int fts_waiting(trygg_store *st)
{
    sqlite3_stmt *s;
    if (cached_stmt(st, "SELECT 1 FROM fts_pending LIMIT 1", &s) != TRYGG_OK)
        return sqlite3_errcode(st->db);
    int rc = sqlite3_step(s);
    trygg_st_done(st, s);
    return rc;
}

/* Indexes the items added in this transaction for full-text search, just
 * before it commits (v19: the insert trigger only notes their ids in
 * fts_pending). One statement per index, so FTS5 writes one segment for the
 * whole transaction instead of one per item; an item is never committed
 * without its index rows. */
static int fts_flush(trygg_store *st)
{
    static const char *const steps[] = {
        "INSERT INTO items_fts(rowid, text, place, ref, alias) SELECT i.id, i.text, i.place, "
        "i.ref, i.alias FROM fts_pending p JOIN items i ON i.id = p.id",
        "INSERT INTO items_shared_fts(rowid, shared_text, shared_place, ref) SELECT i.id, "
        "i.shared_text, i.shared_place, i.ref FROM fts_pending p JOIN items i ON i.id = p.id",
        "DELETE FROM fts_pending"};
    if (!st->fts_pending)
        return SQLITE_OK;
    int rc = fts_waiting(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? SQLITE_OK : rc;
    rc = SQLITE_OK;
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof steps / sizeof steps[0]; i++)
        rc = exec_cached(st, steps[i]);
    return rc;
}

trygg_err trygg_st_tx_begin(trygg_store *st)
{
    int rc = exec_cached(st, st->txdepth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT trygg_nested");
    if (rc != SQLITE_OK)
        return trygg_st_fail(st, rc, "exec");
    st->txdepth++;
    return TRYGG_OK;
}

trygg_err trygg_st_tx_end(trygg_store *st, trygg_err err)
{
    if (st->txdepth <= 0)
        return err ? err : trygg_st_failf(st, TRYGG_ERR_STATE, "no transaction open");
    st->txdepth--;
    if (st->txdepth > 0) {
        if (err) {
            /* Keep the error message of the failure, not of the rollback. */
            exec_cached(st, "ROLLBACK TO trygg_nested");
        }
        exec_cached(st, "RELEASE trygg_nested");
        return err;
    }
    if (err) {
        st->sms_queued = 0;
        if (!sqlite3_get_autocommit(st->db))
            exec_cached(st, "ROLLBACK");
        return err;
    }
    int rc = fts_flush(st);
    if (rc == SQLITE_OK)
        rc = exec_cached(st, "COMMIT");
    if (rc != SQLITE_OK) {
        st->sms_queued = 0;
        err = trygg_st_fail(st, rc, "commit");
        if (!sqlite3_get_autocommit(st->db))
            exec_cached(st, "ROLLBACK");
    } else if (st->sms_queued) {
        trygg_st_sms_announce(st); /* committed: a waiter's claim sees the row */
    }
    return err;
}

/* Runs migration steps until the schema is at `target`. */
static trygg_err migrate(trygg_store *st, int target)
{
    /* Up to date: no write transaction at all, so a read-only file opens. */
    int cur = 0;
    int rc0 = trygg_sql_user_version(st->db, &cur);
    if (rc0 != SQLITE_OK)
        return trygg_st_fail(st, rc0, "read schema version");
    if (cur == target)
        return TRYGG_OK;
    for (;;) {
        int v = 0;
        trygg_err err = trygg_st_tx_begin(st);
        if (err)
            return err;
        int rc = trygg_sql_user_version(st->db, &v);
        if (rc != SQLITE_OK)
            return trygg_st_tx_end(st, trygg_st_fail(st, rc, "read schema version"));
        if (v > MIGRATION_COUNT)
            return trygg_st_tx_end(st, trygg_st_failf(st, TRYGG_ERR_SCHEMA,
                                                      "database schema %d is newer than this "
                                                      "program (%d)",
                                                      v, MIGRATION_COUNT));
        if (v >= target)
            return trygg_st_tx_end(st, TRYGG_OK);
        rc = sqlite3_exec(st->db, migrations[v], NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            char what[64];
            snprintf(what, sizeof what, "migration to schema %d", v + 1);
            return trygg_st_tx_end(st, trygg_st_fail(st, rc, what));
        }
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        err = trygg_st_exec(st, pragma);
        err = trygg_st_tx_end(st, err);
        if (err)
            return err;
        if (v > 0)
            TRYGG_INFO("store: migrated schema %d -> %d", v, v + 1);
    }
}

#define WAL_PASSIVE_PAGES 1000                 /* SQLite's own autocheckpoint size */
#define WAL_LIMIT_DEFAULT (64LL * 1024 * 1024) /* bytes */

/* After every commit: a passive checkpoint every passive_pages (unless
 * trygg_store_set_autocheckpoint turned them off), and a restarting one past
 * the handle's limit (see trygg_store_set_wal_limit) in any case: only the
 * committing handle can be sure to get the write lock for it. RESTART, not
 * TRUNCATE: the next commit writes the log from its start again and cuts the
 * file to journal_size_limit (the same bound), so the file keeps its pages
 * instead of being emptied and grown again at every turn (issue 12). */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    trygg_store *st = arg;
    if (pages >= st->wal_limit_pages) {
        int logged = 0, done = 0;
        int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, &logged, &done);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            TRYGG_WARN("store: restarting checkpoint at %d pages: %s", pages, sqlite3_errstr(rc));
    } else if (st->passive_pages > 0 && pages >= st->passive_pages) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    }
    return SQLITE_OK;
}

void trygg_sqlite_set_wal_limit(trygg_store *st, int64_t bytes)
{
    if (!st || !st->db)
        return;
    int page = 4096;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, "PRAGMA page_size", -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0)
            page = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    if (bytes < 64 * page)
        bytes = 64 * page;
    st->wal_limit_pages = (int)(bytes / page);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA journal_size_limit = %lld", (long long)bytes);
    sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

/* trygg_scrub(text): the scrubber as an SQL function, for migrations that
 * fill a recipients' copy. NULL or unscrubbable input gives ''. */
static void sql_scrub(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *in = (const char *)sqlite3_value_text(argv[0]);
    size_t n = in ? strlen(in) : 0;
    char *out = sqlite3_malloc64(2 * n + 1);
    if (out == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (trygg_scrub(in ? in : "", out, 2 * n + 1, NULL) != TRYGG_OK)
        out[0] = '\0';
    sqlite3_result_text(ctx, out, -1, sqlite3_free);
}

/* trygg_local_day(unix) = "YYYY-MM-DD" and trygg_local_band(unix) =
 * "tue/evening" (night 00-06, morning 06-12, afternoon 12-18, evening 18-24)
 * in the configured zone (trygg/time.h), never the process's TZ, for the
 * statistics of trygg_store_count. */
static void sql_local(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    static const char *const days[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    static const char *const bands[4] = {"night", "morning", "afternoon", "evening"};
    (void)argc;
    trygg_tm t;
    trygg_time_local(sqlite3_value_int64(argv[0]), &t);
    char out[32];
    if (sqlite3_user_data(ctx) != NULL)
        snprintf(out, sizeof out, "%s/%s", days[t.wday % 7], bands[(t.hour / 6) % 4]);
    else
        snprintf(out, sizeof out, "%04d-%02d-%02d", t.year, t.month, t.day);
    sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* Opens the file and applies the pragmas; checks the version before
 * touching anything so a newer file stays as it is. */
static trygg_err open_db(const char *path, trygg_store *st)
{
    trygg_err err =
        trygg_sql_open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       &st->db, st->errmsg, sizeof st->errmsg);
    if (err)
        return err == TRYGG_ERR_DB ? TRYGG_ERR_IO : err;
    int rc = sqlite3_create_function(st->db, "trygg_scrub", 1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                     sql_scrub, NULL, NULL);
    if (rc != SQLITE_OK)
        return trygg_st_fail(st, rc, "register trygg_scrub");
    static int band_tag;
    rc = sqlite3_create_function(st->db, "trygg_local_day", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL,
                                 sql_local, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(st->db, "trygg_local_band", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS,
                                     &band_tag, sql_local, NULL, NULL);
    if (rc != SQLITE_OK)
        return trygg_st_fail(st, rc, "register the local-time functions");
    int v = 0;
    rc = trygg_sql_user_version(st->db, &v);
    if (rc != SQLITE_OK)
        return trygg_st_fail(st, rc, "read schema version");
    if (v > MIGRATION_COUNT)
        return trygg_st_failf(st, TRYGG_ERR_SCHEMA,
                              "database schema %d is newer than this program (%d)", v,
                              MIGRATION_COUNT);
    err = trygg_sql_pragmas(st->db, path, st->errmsg, sizeof st->errmsg);
    if (!err) {
        st->passive_pages = WAL_PASSIVE_PAGES;
        sqlite3_wal_hook(st->db, wal_hook, st);
        trygg_store_set_wal_limit(st, WAL_LIMIT_DEFAULT);
    }
    return err;
}

trygg_err trygg_st_create_at_version(const char *path, int version)
{
    if (version < 1 || version > MIGRATION_COUNT)
        return TRYGG_ERR_INVALID;
    trygg_store st;
    memset(&st, 0, sizeof st);
    st.base.ops = &trygg_sqlite_ops;
    trygg_err err = open_db(path, &st);
    if (!err)
        err = migrate(&st, version);
    trygg_st_cache_clear(&st);
    sqlite3_close(st.db);
    return err;
}

/* Items written by something other than the store (the sqlite3 shell, an
 * import) wait in fts_pending until a store transaction commits: index
 * them on open, so a search finds them. Never fails the open (a read-only
 * file, a busy writer: the next commit does it). */
static void fts_catch_up(trygg_store *st)
{
    if (fts_waiting(st) == SQLITE_ROW && trygg_st_tx_begin(st) == TRYGG_OK &&
        trygg_st_tx_end(st, TRYGG_OK) != TRYGG_OK)
        TRYGG_WARN("store: full-text index not caught up: %s", st->errmsg);
}

trygg_err trygg_sqlite_open(const char *path, trygg_store **out)
{
    *out = NULL;
    if (!path || !*path)
        return TRYGG_ERR_INVALID;
    trygg_store *st = calloc(1, sizeof *st);
    if (!st)
        return TRYGG_ERR_NOMEM;
    st->base.ops = &trygg_sqlite_ops;
    memcpy(st->retention, default_retention, sizeof st->retention);
    trygg_err err = open_db(path, st);
    if (!err)
        err = migrate(st, MIGRATION_COUNT);
    st->fts_pending = 1; /* the schema has fts_pending (v19) from here on */
    if (!err)
        fts_catch_up(st);
    if (err) {
        TRYGG_ERR("store: cannot open %s: %s", path, st->errmsg);
        trygg_st_cache_clear(st);
        sqlite3_close(st->db);
        free(st);
        return err;
    }
    *out = st;
    return TRYGG_OK;
}

void trygg_sqlite_close(trygg_store *st)
{
    if (!st)
        return;
    if (st->txdepth > 0 && st->db && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    trygg_st_cache_clear(st);
    sqlite3_close(st->db);
    free(st);
}

const char *trygg_sqlite_errmsg(const trygg_store *st)
{
    return st ? st->errmsg : "";
}

int trygg_sqlite_schema_version(trygg_store *st)
{
    int v = 0;
    if (trygg_sql_user_version(st->db, &v) != SQLITE_OK)
        return -1;
    return v;
}

void trygg_sqlite_set_retention(trygg_store *st, trygg_kind kind, int days)
{
    if ((int)kind < 0 || kind >= TRYGG_KIND_COUNT || days < 1)
        return;
    st->retention[kind] = days;
}

int trygg_sqlite_retention(trygg_store *st, trygg_kind kind)
{
    if ((int)kind < 0 || kind >= TRYGG_KIND_COUNT)
        return 0;
    return st->retention[kind];
}

trygg_err trygg_sqlite_begin(trygg_store *st)
{
    if (st->user_tx)
        return trygg_st_failf(st, TRYGG_ERR_STATE, "transaction already open");
    trygg_err err = trygg_st_tx_begin(st);
    if (!err)
        st->user_tx = 1;
    return err;
}

trygg_err trygg_sqlite_commit(trygg_store *st)
{
    if (!st->user_tx)
        return trygg_st_failf(st, TRYGG_ERR_STATE, "no transaction open");
    st->user_tx = 0;
    return trygg_st_tx_end(st, TRYGG_OK);
}

void trygg_sqlite_rollback(trygg_store *st)
{
    if (!st->user_tx)
        return;
    st->user_tx = 0;
    trygg_st_tx_end(st, TRYGG_ERR_STATE);
}

/* ---- Units of work ---------------------------------------------------------- */

trygg_err trygg_sqlite_test_limit_pages(trygg_store *st, int extra)
{
    char sql[96];
    if (extra < 0)
        return trygg_st_exec(st, "PRAGMA max_page_count = 4294967294");
    /* No free pages left to reuse: the next page a write needs fails. */
    trygg_err err = trygg_st_exec(st, "VACUUM");
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st, "PRAGMA page_count", &s);
    if (err)
        return err;
    long long pages = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", pages + extra);
    return trygg_st_exec(st, sql);
}

trygg_err trygg_sqlite_unit_begin(trygg_store *st)
{
    return trygg_st_tx_begin(st);
}

trygg_err trygg_sqlite_unit_end(trygg_store *st, trygg_err err)
{
    return trygg_st_tx_end(st, err);
}
