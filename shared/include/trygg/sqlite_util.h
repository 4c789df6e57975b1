/*
 * sqlite_util.h — the SQLite statement helpers that every SQLite file of
 * the project shares: the queue's backend (shared/src/store_sqlite*.c), the
 * SMS gateway's own local store (smsgw/local_store.c) and the kiosk's
 * outbox (kiosk/outbox.c).
 *
 * Each helper takes the connection and the caller's error buffer err[cap]:
 * a failure writes "what: <SQLite's message> (sqlite <extended code>)"
 * there and returns the mapped trygg_err (trygg_sql_map). Only these files
 * and those stores name SQLite (tests/guards/guard_sqlite.py).
 */
#ifndef TRYGG_SQLITE_UTIL_H
#define TRYGG_SQLITE_UTIL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "trygg/err.h"
#include "trygg/sql_values.h"

/* How long a connection waits for another's lock before SQLITE_BUSY. */
#define TRYGG_SQL_BUSY_MS 5000

/* Maps a SQLite result code: OK/DONE/ROW -> OK, FULL (and ENOSPC/EFBIG/
 * EDQUOT behind an I/O error) -> FULL, READONLY (and EROFS) -> READONLY,
 * BUSY/LOCKED -> BUSY, NOMEM, CONSTRAINT -> EXISTS, TOOBIG, IOERR/CANTOPEN/
 * PERM -> IO, anything else -> DB. db (may be NULL) gives the errno. */
TRYGG_MUST_CHECK trygg_err trygg_sql_map(sqlite3 *db, int rc);
/* Records `what` and db's message for result code rc into err[cap];
 * returns the mapped code (TRYGG_ERR_DB if rc maps to OK). */
TRYGG_MUST_CHECK trygg_err trygg_sql_fail(sqlite3 *db, int rc, const char *what, char *err,
                                          size_t cap);

/* Opens (flags: SQLITE_OPEN_*) the file at path with extended result codes
 * and a busy timeout of TRYGG_SQL_BUSY_MS. *db is set even on failure
 * (close it with sqlite3_close). */
TRYGG_MUST_CHECK trygg_err trygg_sql_open(const char *path, int flags, sqlite3 **db, char *err,
                                          size_t cap);
/* The durable settings: WAL journal (a warning is logged when the file
 * cannot use it), synchronous = FULL, foreign keys on. */
TRYGG_MUST_CHECK trygg_err trygg_sql_pragmas(sqlite3 *db, const char *path, char *err, size_t cap);
/* PRAGMA user_version into *out; a SQLite result code (SQLITE_OK). */
int trygg_sql_user_version(sqlite3 *db, int *out);

/* Prepares one statement (*out = NULL on failure). */
TRYGG_MUST_CHECK trygg_err trygg_sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out,
                                             char *err, size_t cap);
/* Runs SQL text without results (one or more statements). */
TRYGG_MUST_CHECK trygg_err trygg_sql_exec(sqlite3 *db, const char *sql, const char *what, char *err,
                                          size_t cap);
/* Steps a statement expected to finish (DONE, or ROW for a RETURNING or
 * PRAGMA) and finalizes it. */
TRYGG_MUST_CHECK trygg_err trygg_sql_run(sqlite3 *db, sqlite3_stmt *s, const char *what, char *err,
                                         size_t cap);

/* Steps a statement that gives one integer (a count, a stored number) and
 * finalizes it: *out is the first column of its first row, 0 when it has
 * no row. */
TRYGG_MUST_CHECK trygg_err trygg_sql_int64(sqlite3 *db, sqlite3_stmt *s, int64_t *out,
                                           const char *what, char *err, size_t cap);

/* Steps a SELECT, calling read(s, row) for each result row with
 * row = out + i * size, up to max rows, then finalizes it. *n gets the row
 * count, 0 on error. */
TRYGG_MUST_CHECK trygg_err trygg_sql_collect(sqlite3 *db, sqlite3_stmt *s, void *out, size_t size,
                                             int max, void (*read)(sqlite3_stmt *s, void *row),
                                             int *n, const char *what, char *err, size_t cap);

/* Binds a NUL-terminated string, copied (NULL binds ""). */
int trygg_sql_bind_text(sqlite3_stmt *s, int idx, const char *v);
/* Copies column text into dst[cap] ("" for NULL), cut at a UTF-8 boundary
 * when it does not fit. */
void trygg_sql_col_text(sqlite3_stmt *s, int col, char *dst, size_t cap);

/* ---- Statements with typed parameters ------------------------------------ */

/* Binds a to ?1..?n of s. copy = 0 binds text and blobs without a copy
 * (SQLITE_STATIC: they must outlive the statement). A SQLite result code. */
int trygg_sql_bind_args(sqlite3_stmt *s, trygg_sql_args a, int copy);
/* Prepares sql and binds a (copied, so the values need not outlive *out);
 * *out = NULL on failure. */
TRYGG_MUST_CHECK trygg_err trygg_sql_prepare_args(sqlite3 *db, const char *sql, trygg_sql_args a,
                                                  sqlite3_stmt **out, char *err, size_t cap);
/* Prepares sql, binds a and steps it to its end (one write, or a RETURNING
 * or PRAGMA row ignored). *changes (may be NULL) gets the rows it changed. */
TRYGG_MUST_CHECK trygg_err trygg_sql_write(sqlite3 *db, const char *sql, trygg_sql_args a,
                                           int *changes, const char *what, char *err, size_t cap);
/* Prepares sql, binds a and reads its first row with read(s, row).
 * TRYGG_ERR_NOTFOUND (err[cap] left as it is) when it has no row. */
TRYGG_MUST_CHECK trygg_err trygg_sql_row(sqlite3 *db, const char *sql, trygg_sql_args a,
                                         void (*read)(sqlite3_stmt *s, void *row), void *row,
                                         const char *what, char *err, size_t cap);
/* Prepares sql, binds a and collects up to max rows as trygg_sql_collect. */
TRYGG_MUST_CHECK trygg_err trygg_sql_select(sqlite3 *db, const char *sql, trygg_sql_args a,
                                            void *out, size_t size, int max,
                                            void (*read)(sqlite3_stmt *s, void *row), int *n,
                                            const char *what, char *err, size_t cap);

/* ---- Kept statements ---------------------------------------------------------- */

/* One prepared statement kept by a cache. */
typedef struct trygg_sql_kept {
    sqlite3_stmt *s; /* NULL: free slot */
    uint32_t hash;   /* of its SQL text */
    uint32_t used;   /* the cache's clock at its last use (least recent goes first) */
    int busy;        /* handed out, not yet given back */
} trygg_sql_kept;
#define TRYGG_SQL_CACHE 64

/* The prepared statements of one connection, prepared on first use and
 * kept: a store's statements are few and run again and again, and parsing
 * them is most of a small write's cost (issue 12: the queue's store; issue
 * 13: the gateway's). Zero-initialise it; finalize with
 * trygg_sql_cache_clear before closing the connection. */
typedef struct trygg_sql_cache {
    trygg_sql_kept slot[TRYGG_SQL_CACHE];
    uint32_t clock;
    uint64_t prepares; /* statements prepared so far (a test counts them) */
} trygg_sql_cache;

/* The kept statement for `sql` (one statement) on db, prepared on first use;
 * if that text is handed out already (a nested call), a fresh statement that
 * trygg_sql_cache_put finalizes. A SQLite result code (*out = NULL unless
 * SQLITE_OK). Always give it back with trygg_sql_cache_put: a kept SELECT
 * left mid-way would hold its read snapshot. */
int trygg_sql_cache_get(trygg_sql_cache *c, sqlite3 *db, const char *sql, sqlite3_stmt **out);
/* Gives back a statement of trygg_sql_cache_get (reset, bindings cleared). */
void trygg_sql_cache_put(trygg_sql_cache *c, sqlite3_stmt *s);
/* Finalizes every kept statement. */
void trygg_sql_cache_clear(trygg_sql_cache *c);

/* trygg_sql_write, trygg_sql_row and trygg_sql_select on kept statements of
 * c (the values of a are bound without a copy). */
TRYGG_MUST_CHECK trygg_err trygg_sql_cache_write(trygg_sql_cache *c, sqlite3 *db, const char *sql,
                                                 trygg_sql_args a, int *changes, const char *what,
                                                 char *err, size_t cap);
TRYGG_MUST_CHECK trygg_err trygg_sql_cache_row(trygg_sql_cache *c, sqlite3 *db, const char *sql,
                                               trygg_sql_args a,
                                               void (*read)(sqlite3_stmt *s, void *row), void *row,
                                               const char *what, char *err, size_t cap);
TRYGG_MUST_CHECK trygg_err trygg_sql_cache_select(trygg_sql_cache *c, sqlite3 *db, const char *sql,
                                                  trygg_sql_args a, void *out, size_t size, int max,
                                                  void (*read)(sqlite3_stmt *s, void *row), int *n,
                                                  const char *what, char *err, size_t cap);
/* Runs a statement without parameters or results (BEGIN, COMMIT) kept. */
TRYGG_MUST_CHECK trygg_err trygg_sql_cache_exec(trygg_sql_cache *c, sqlite3 *db, const char *sql,
                                                const char *what, char *err, size_t cap);

/* ---- Reading a row into a struct by a field table -------------------------- */

/* Reads columns first .. first+n-1 of the current row into the members
 * f[0..n-1] of row. */
void trygg_sql_read_fields(sqlite3_stmt *s, int first, const trygg_sql_field *f, int n, void *row);
/* Zeroes *row (a struct of `size` bytes) and reads columns 0.. by the table
 * f (an array). */
#define TRYGG_SQL_READ(s, f, row, size)                                                            \
    (memset((row), 0, (size)), trygg_sql_read_fields((s), 0, (f), TRYGG_SQL_COUNT(f), (row)))

#endif
