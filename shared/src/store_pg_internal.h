/*
 * store_pg_internal.h — private to the PostgreSQL backend (store_pg*.c).
 *
 * The handle, the error helpers (every libpq failure goes through
 * trygg_pg_fail, which maps the SQLSTATE to a trygg_err and keeps the
 * server's message for trygg_store_errmsg), statements with the same typed
 * parameter lists and field tables as the SQLite backend (trygg/sql_values.h;
 * $1, $2 ... in the SQL), and the transaction helpers: BEGIN at depth 0, a
 * SAVEPOINT inside an outer transaction, so calls compose inside
 * trygg_store_begin/commit and trygg_store_unit_begin/end.
 *
 * Every point in time is a timestamptz in the database and Unix seconds at
 * the interface: SQL reads it with PG_EPOCH("col") and writes a parameter
 * with PG_TS("$n").
 */
#ifndef TRYGG_STORE_PG_INTERNAL_H
#define TRYGG_STORE_PG_INTERNAL_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "store_backend.h"
#include "store_pg_ops.h"
#include "trygg/sql_values.h"
#include "trygg/store.h"

#define TRYGG_PG_PENDING_MAX 16

struct trygg_store {
    trygg_store_base base; /* first: the front dispatches through it */
    PGconn *conn;
    int txdepth;        /* nesting of trygg_pg_tx_begin */
    int user_tx;        /* 1 inside trygg_store_begin */
    int stale;          /* the session answered "read-only" (a standby): connect
                         * again before the next statement outside a transaction */
    int lost;           /* a reconnect failed and was logged; 0 once connected */
    unsigned listening; /* TRYGG_PG_LISTEN_* channels this session LISTENs on */
    unsigned woken;     /* TRYGG_PG_LISTEN_* with a wake-up not yet returned */
    int retention[TRYGG_KIND_COUNT];
    /* Statements without parameters or rows that wait for the unit's next
     * statement and go with it in one round trip (libpq pipeline mode): a
     * transaction's BEGIN, a nested unit's SAVEPOINT and its RELEASE. Only
     * inside a transaction. */
    char pending[TRYGG_PG_PENDING_MAX][40];
    int npending;
    int tx_unsent; /* the transaction's BEGIN is still pending: nothing of it sent */
    char errmsg[512];
};

/* The NOTIFY channels of the outboxes (trygg_store_outbox_wait): a NOTIFY
 * goes with every enqueue, in its transaction. */
#define TRYGG_PG_CHANNEL_NOTIFY "trygg_notify_out"
#define TRYGG_PG_CHANNEL_SMS    "trygg_sms_out"
#define TRYGG_PG_LISTEN_NOTIFY  1u
#define TRYGG_PG_LISTEN_SMS     2u
/* LISTENs on the channels in `listening` (after a reconnect: a new session
 * has none, and what was sent meanwhile is a wake-up, st->woken). */
trygg_err trygg_pg_listen_again(trygg_store *st);

/* SQL for a timestamptz column as Unix seconds, and a parameter given as
 * Unix seconds as a timestamptz. */
#define PG_EPOCH(col) "extract(epoch from " col ")::bigint"
#define PG_TS(param)  "to_timestamp(" param ")"

/* Maps a result's SQLSTATE: 23505 (unique) -> EXISTS, other integrity
 * violations -> INVALID, 40001/40P01/55P03/57014 -> BUSY, 53100 -> FULL,
 * 53200 -> NOMEM, 25006 -> READONLY, 54000 -> TOOBIG, class 08 and a lost
 * connection -> IO, anything else -> DB. */
trygg_err trygg_pg_map(const PGresult *r);
/* Records `what: <server message>` for result r (or the connection's
 * message when r is NULL), clears r and returns the mapped code. */
trygg_err trygg_pg_fail(trygg_store *st, PGresult *r, const char *what);
/* Records a formatted message and returns `err`. */
trygg_err trygg_pg_failf(trygg_store *st, trygg_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Runs sql with the parameters a ($1..$n) and returns its result in *out
 * (PQclear it) when it succeeded (PGRES_COMMAND_OK or PGRES_TUPLES_OK);
 * *out = NULL on failure. A lost connection is re-established once, outside
 * a transaction, and the statement retried. */
trygg_err trygg_pg_query(trygg_store *st, const char *sql, trygg_sql_args a, PGresult **out,
                         const char *what);
/* Runs SQL text without parameters or results (one or more statements). */
trygg_err trygg_pg_exec(trygg_store *st, const char *sql, const char *what);
/* Runs one write; *changed (may be NULL) gets the rows it changed. */
trygg_err trygg_pg_write(trygg_store *st, const char *sql, trygg_sql_args a, int *changed,
                         const char *what);
/* Runs one write that must change exactly one row: TRYGG_ERR_NOTFOUND
 * ("no such <what>") when it changed none. */
trygg_err trygg_pg_write_one(trygg_store *st, const char *sql, trygg_sql_args a, const char *what);
/* Reads the first row of sql with read(r, 0, out); TRYGG_ERR_NOTFOUND
 * ("no such <what>") when there is none. */
trygg_err trygg_pg_row(trygg_store *st, const char *sql, trygg_sql_args a,
                       void (*read)(const PGresult *r, int row, void *out), void *out,
                       const char *what);
/* Reads up to max rows of sql into out[0..] (each `size` bytes) with read;
 * *n gets the count (0 on error). The SQL's own LIMIT should bound it. */
trygg_err trygg_pg_select(trygg_store *st, const char *sql, trygg_sql_args a, void *out,
                          size_t size, int max, void (*read)(const PGresult *r, int row, void *out),
                          int *n, const char *what);
/* The first column of the first row as an integer (0 when there is none). */
trygg_err trygg_pg_int64(trygg_store *st, const char *sql, trygg_sql_args a, int64_t *out,
                         const char *what);

/* Column readers: text copied into dst[cap] (cut at a UTF-8 boundary, ""
 * for NULL); an integer (a boolean reads as 0/1, NULL as 0). */
void trygg_pg_col_text(const PGresult *r, int row, int col, char *dst, size_t cap);
int64_t trygg_pg_col_int(const PGresult *r, int row, int col);
/* Reads columns first.. of row into the members f[0..n-1] of out. */
void trygg_pg_read_fields(const PGresult *r, int row, int first, const trygg_sql_field *f, int n,
                          void *out);
/* Zeroes *out and reads columns 0.. by the table f (an array). */
#define TRYGG_PG_READ(r, row, f, out, size)                                                        \
    (memset((out), 0, (size)), trygg_pg_read_fields((r), (row), 0, (f), TRYGG_SQL_COUNT(f), (out)))

/* Starts a write (BEGIN or SAVEPOINT). Pair with trygg_pg_tx_end. */
trygg_err trygg_pg_tx_begin(trygg_store *st);
/* Commits (err == TRYGG_OK) or rolls back; returns err, or the commit error. */
trygg_err trygg_pg_tx_end(trygg_store *st, trygg_err err);

/* Unix seconds now. */
int64_t trygg_pg_now(void);

/* Appends an audit row (no transaction of its own; store_pg_thread.c). */
trygg_err trygg_pg_audit_add(trygg_store *st, int64_t item_id, const char *actor,
                             const char *action, const char *detail);

#endif
