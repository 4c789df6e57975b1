/*
 * store_sqlite_internal.h — private to the SQLite backend (store_*.c) and its own
 * tests.
 *
 * The handle, the error helpers (every SQLite failure goes through
 * trygg_st_fail, which maps the result code to a trygg_err and keeps the
 * SQLite message for trygg_store_errmsg) and the transaction helpers: a
 * write opens BEGIN IMMEDIATE at depth 0 and a SAVEPOINT inside an outer
 * transaction, so library calls compose inside trygg_store_begin/commit.
 */
#ifndef TRYGG_STORE_INTERNAL_H
#define TRYGG_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store_backend.h"
#include "store_sqlite_ops.h"
#include "trygg/sqlite_util.h"
#include "trygg/store.h"

struct trygg_store {
    trygg_store_base base; /* first: the front dispatches through it */
    sqlite3 *db;
    trygg_sql_cache cache; /* kept statements (trygg_st_cached) */
    int txdepth;           /* nesting of trygg_st_tx_begin */
    int user_tx;           /* 1 inside trygg_store_begin */
    int retention[TRYGG_KIND_COUNT];
    int wal_limit_pages; /* past this the committing handle truncates the log */
    int passive_pages;   /* passive checkpoint after a commit past this (0: never) */
    int fts_pending;     /* 1: index fts_pending's items before each commit (fts_flush) */
    /* Waking the SMS outbox's waiters of this process (trygg_store_outbox_wait):
     * an SMS was queued in the open transaction (announced at its commit);
     * the last announcement this handle's waits saw, and whether it waits. */
    int sms_queued;
    int sms_subscribed;
    uint64_t sms_seen;
    char errmsg[512];
};

/* Records `what: <sqlite message>` as the handle's error and returns the
 * mapped code (SQLITE_FULL/EFBIG/ENOSPC -> FULL, READONLY -> READONLY,
 * BUSY/LOCKED -> BUSY, CONSTRAINT -> EXISTS, NOMEM, IOERR -> IO, else DB). */
trygg_err trygg_st_fail(trygg_store *st, int rc, const char *what);
/* After the commit of a transaction that queued an SMS (st->sms_queued):
 * wakes this process's waits on the "sms" outbox (store_sqlite_sms.c). */
void trygg_st_sms_announce(trygg_store *st);
/* Records a formatted message and returns `err`. */
trygg_err trygg_st_failf(trygg_store *st, trygg_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Maps a SQLite result code (with the handle's errno for I/O errors). */
trygg_err trygg_st_map(sqlite3 *db, int rc);

trygg_err trygg_st_prepare(trygg_store *st, const char *sql, sqlite3_stmt **out);
trygg_err trygg_st_exec(trygg_store *st, const char *sql);
/* Runs a write that must change exactly one row (TRYGG_ERR_NOTFOUND if it
 * changed none) and finalizes it. */
trygg_err trygg_st_run_one(trygg_store *st, sqlite3_stmt *s, const char *what);
/* Reads the one row of `sql` (one text parameter ?1 = key) into *out with
 * read(); TRYGG_ERR_NOTFOUND ("no such <what>") when there is none. */
trygg_err trygg_st_get_row(trygg_store *st, const char *sql, const char *key,
                           void (*read)(sqlite3_stmt *s, void *row), void *out, const char *what);
/* Steps a statement expected to finish (SQLITE_DONE) and finalizes it. */
trygg_err trygg_st_run(trygg_store *st, sqlite3_stmt *s, const char *what);

/* The handle's prepared statement for `sql` (one statement), prepared on
 * first use and kept: the store's statements are few and run again and
 * again, and parsing them was most of a submit's cost (issue 12). If that
 * text is in use already (a nested call), a fresh statement. Bound with
 * `a` (not copied: keep the values until trygg_st_done). Always give it back
 * with trygg_st_done, which resets it: a cached SELECT left mid-way would
 * hold its read snapshot and keep the WAL from being recycled. */
trygg_err trygg_st_cached(trygg_store *st, const char *sql, trygg_sql_args a, sqlite3_stmt **out);
/* Gives back a statement of trygg_st_cached (reset, bindings cleared). */
void trygg_st_done(trygg_store *st, sqlite3_stmt *s);
/* Finalizes every kept statement (before closing the handle). */
void trygg_st_cache_clear(trygg_store *st);

/* The same with the parameters ?1.. given as TRYGG_SQL_ARGS(...)
 * (trygg/sqlite_util.h). trygg_st_prepare_args binds copies. */
trygg_err trygg_st_prepare_args(trygg_store *st, const char *sql, trygg_sql_args a,
                                sqlite3_stmt **out);
/* Runs one write to its end. */
trygg_err trygg_st_write(trygg_store *st, const char *sql, trygg_sql_args a, const char *what);
/* Runs one write that must change exactly one row: TRYGG_ERR_NOTFOUND
 * ("no such <what>") when it changed none. */
trygg_err trygg_st_write_one(trygg_store *st, const char *sql, trygg_sql_args a, const char *what);
/* Reads the first row of `sql` into *out with read(); TRYGG_ERR_NOTFOUND
 * ("no such <what>") when there is none. */
trygg_err trygg_st_row(trygg_store *st, const char *sql, trygg_sql_args a,
                       void (*read)(sqlite3_stmt *s, void *row), void *out, const char *what);
/* Collects the rows of `sql` as trygg_st_collect (its LIMIT one of a). */
trygg_err trygg_st_select(trygg_store *st, const char *sql, trygg_sql_args a, void *out,
                          size_t size, void (*read)(sqlite3_stmt *s, void *row), int *n,
                          const char *what);

/* Steps a SELECT to its end, calling read(s, row) for each result row with
 * row = out + i * size, then finalizes it. The statement's LIMIT bounds the
 * rows (the caller's array size). *n gets the row count, 0 on error. */
trygg_err trygg_st_collect(trygg_store *st, sqlite3_stmt *s, void *out, size_t size,
                           void (*read)(sqlite3_stmt *s, void *row), int *n, const char *what);
/* Steps a one-integer statement (trygg_sql_int64) and finalizes it. */
trygg_err trygg_st_int64(trygg_store *st, sqlite3_stmt *s, int64_t *out, const char *what);
/* Prepares `sql` and collects its rows as trygg_st_collect does. Without
 * `key` the statement's only parameter ?1 is the LIMIT; with it, ?1 is
 * *key and ?2 the LIMIT. The LIMIT is max (0 when negative). */
trygg_err trygg_st_list(trygg_store *st, const char *sql, const int64_t *key, int max,
                        void (*read)(sqlite3_stmt *s, void *row), void *out, size_t size, int *n,
                        const char *what);

/* The partner events of report r's week at each place of its map into
 * r->event_place_n (store_sqlite_events.c; report.h). */
struct trygg_report;
trygg_err trygg_sqlite_report_event_places(trygg_store *st, struct trygg_report *r);

/* Starts a write (BEGIN IMMEDIATE or SAVEPOINT). Pair with trygg_st_tx_end. */
trygg_err trygg_st_tx_begin(trygg_store *st);
/* Commits (err == TRYGG_OK) or rolls back; returns err, or the commit error. */
trygg_err trygg_st_tx_end(trygg_store *st, trygg_err err);

int64_t trygg_st_now(void);
/* Copies column text into dst[cap] (truncating at a UTF-8 boundary). */
void trygg_st_col_text(sqlite3_stmt *s, int col, char *dst, size_t cap);
/* Binds a NUL-terminated string (NULL binds ""). */
int trygg_st_bind_text(sqlite3_stmt *s, int idx, const char *v);

/* TRYGG_ERR_STATE (with the message) when closing `id` as a duplicate of
 * `of` would close a loop: `of`, or an item its duplicate_of chain leads
 * to, is `id` (store_sqlite_duplicates.c). */
trygg_err trygg_st_dup_loop(trygg_store *st, int64_t id, int64_t of);

/* Appends an audit row (no transaction of its own). */
trygg_err trygg_st_audit_add(trygg_store *st, int64_t item_id, const char *actor,
                             const char *action, const char *detail);

/* How a full-text condition joins the item query when listing. IN
 * materialises the matching rowids (cheap when there are few); PROBE checks
 * each candidate row in list order against the index (cheap when matches
 * are common, because the first page fills after a few rows). */
enum trygg_st_fts_plan { TRYGG_ST_FTS_IN, TRYGG_ST_FTS_PROBE };
/* The plan for FTS5 query `fts` (already quoted) on the index of `view`. */
enum trygg_st_fts_plan trygg_st_fts_plan(trygg_store *st, const char *fts, trygg_view view);

/* ---- Shared by the item files of the backend (items, search, changes, thread) - */
/* The column list trygg_st_read_item reads, for table alias "i", in `view`. */
const char *trygg_st_item_cols(trygg_view view);
/* Reads one row of trygg_st_item_cols into *it. TRYGG_ERR_DB (message in
 * st) when its channel, kind, status or close reason is no known name. */
TRYGG_MUST_CHECK trygg_err trygg_st_read_item(trygg_store *st, sqlite3_stmt *s, trygg_item *it);
/* Sets item `id`'s updated time to now. */
trygg_err trygg_st_touch_item(trygg_store *st, int64_t id);

/* ---- For tests ------------------------------------------------------------ */
/* Number of migration steps (== latest schema version). */
int trygg_st_migration_count(void);
/* Creates (or migrates) the database at `path` only up to schema `version`
 * (1..latest) with the store's pragmas, then closes it. Lets tests build
 * databases of every older schema. */
trygg_err trygg_st_create_at_version(const char *path, int version);

#endif
