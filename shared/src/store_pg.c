/*
 * store_pg.c — the PostgreSQL backend: connection, migrations, error
 * mapping, statements with typed parameters, transactions and units of work.
 *
 * The database setting is a libpq connection URI (postgresql://...) or a
 * service name (service=...). Migrations run at open in one transaction
 * under an advisory lock, so servers starting together against a new
 * database migrate it exactly once. The schema version is the one row of
 * trygg_schema and means the same as SQLite's user_version
 * (shared/schema/postgresql/vN.sql, docs/store.md).
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_pg_internal.h"
#include "trygg/log.h"
#include "trygg/utf8.h"

/* The migration steps shared/schema/postgresql/v<first>.sql ..., compiled in
 * by shared/schema/embed.cmake. */
extern const char *const trygg_pg_migrations[];
extern const int trygg_pg_migrations_count;
extern const int trygg_pg_migrations_first;

/* The advisory lock key of the migration (any constant shared by all
 * servers: "TRYGGMIG"). */
#define MIGRATION_LOCK "5413428940855331143"

static const int default_retention[TRYGG_KIND_COUNT] = {365, 365, 180, 730, 90, 30};

int64_t trygg_pg_now(void)
{
    return (int64_t)time(NULL);
}

/* ---- Errors ------------------------------------------------------------- */

trygg_err trygg_pg_map(const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (!state)
        return TRYGG_ERR_IO; /* no answer from the server: the connection */
    if (strcmp(state, "23505") == 0)
        return TRYGG_ERR_EXISTS;
    if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
        return TRYGG_ERR_INVALID;
    if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") ||
        !strcmp(state, "57014"))
        return TRYGG_ERR_BUSY;
    if (strcmp(state, "53100") == 0)
        return TRYGG_ERR_FULL;
    if (strcmp(state, "53200") == 0)
        return TRYGG_ERR_NOMEM;
    if (strcmp(state, "25006") == 0)
        return TRYGG_ERR_READONLY;
    if (strcmp(state, "54000") == 0)
        return TRYGG_ERR_TOOBIG;
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
        return TRYGG_ERR_IO;
    return TRYGG_ERR_DB;
}

trygg_err trygg_pg_failf(trygg_store *st, trygg_err err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap);
    va_end(ap);
    return err;
}

trygg_err trygg_pg_fail(trygg_store *st, PGresult *r, const char *what)
{
    const char *msg = r ? PQresultErrorMessage(r) : NULL;
    if (!msg || !*msg)
        msg = st->conn ? PQerrorMessage(st->conn) : "no connection";
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    snprintf(st->errmsg, sizeof st->errmsg, "%s: %.*s (postgresql %s)", what,
             (int)strcspn(msg, "\n"), msg, state ? state : "connection");
    trygg_err err = trygg_pg_map(r);
    if (err == TRYGG_ERR_READONLY)
        st->stale = 1; /* a standby: find the primary before the next call */
    PQclear(r);
    return err;
}

/* ---- Statements --------------------------------------------------------- */

/* The parameters as libpq text values: integers printed into num[], blobs
 * as bytea hex ("\x..."), in hex[] (freed by the caller). */
typedef struct pg_params {
    const char **v;
    char (*num)[24];
    char **hex;
    int n;
} pg_params;

static void params_free(pg_params *p)
{
    for (int i = 0; i < p->n && p->hex; i++)
        free(p->hex[i]);
    free(p->v);
    free(p->num);
    free(p->hex);
}

static trygg_err params_make(trygg_sql_args a, pg_params *p)
{
    memset(p, 0, sizeof *p);
    if (a.n <= 0)
        return TRYGG_OK;
    p->v = calloc((size_t)a.n, sizeof *p->v);
    p->num = calloc((size_t)a.n, sizeof *p->num);
    p->hex = calloc((size_t)a.n, sizeof *p->hex);
    p->n = a.n;
    if (!p->v || !p->num || !p->hex)
        return TRYGG_ERR_NOMEM;
    for (int i = 0; i < a.n; i++) {
        const trygg_sql_val *x = &a.v[i];
        switch (x->kind) {
        case TRYGG_SQLV_TEXT:
            p->v[i] = x->p ? (const char *)x->p : "";
            break;
        case TRYGG_SQLV_INT:
            snprintf(p->num[i], sizeof p->num[i], "%lld", (long long)x->i);
            p->v[i] = p->num[i];
            break;
        case TRYGG_SQLV_BLOB: {
            if (!x->p || x->i <= 0) {
                p->v[i] = NULL;
                break;
            }
            size_t len = (size_t)x->i;
            p->hex[i] = malloc(2 * len + 3);
            if (!p->hex[i])
                return TRYGG_ERR_NOMEM;
            memcpy(p->hex[i], "\\x", 2);
            for (size_t k = 0; k < len; k++)
                snprintf(p->hex[i] + 2 + 2 * k, 3, "%02x", ((const unsigned char *)x->p)[k]);
            p->v[i] = p->hex[i];
            break;
        }
        case TRYGG_SQLV_NULL:
            p->v[i] = NULL;
            break;
        }
    }
    return TRYGG_OK;
}

static int result_ok(const PGresult *r)
{
    ExecStatusType s = PQresultStatus(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

/* The session settings every connection gets, also after a reconnect:
 * UTC on the wire (the configured zone is applied in C, trygg/time.h, as
 * with SQLite), UTF-8. */
static trygg_err session_setup(trygg_store *st)
{
    PGresult *r = PQexec(st->conn, "SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'");
    if (!r || !result_ok(r))
        return trygg_pg_fail(st, r, "session");
    PQclear(r);
    return st->listening ? trygg_pg_listen_again(st) : TRYGG_OK;
}

/* Connects again with the same connection string: with a multi-host
 * string and target_session_attrs=read-write, libpq tries every host and
 * keeps the one that takes writes (the new primary after a failover).
 * Logged once per outage, not once per call. */
static void reconnect(trygg_store *st)
{
    PQreset(st->conn);
    st->stale = 0;
    if (PQstatus(st->conn) == CONNECTION_OK) {
        if (session_setup(st) == TRYGG_OK) {
            if (st->lost)
                TRYGG_INFO("store: connected to PostgreSQL again");
            st->lost = 0;
            return;
        }
        st->stale = 1; /* connected without its settings: not to be used */
    }
    if (!st->lost)
        TRYGG_WARN("store: connection to PostgreSQL lost; trying again on each call: %.*s",
                   (int)strcspn(PQerrorMessage(st->conn), "\n"), PQerrorMessage(st->conn));
    st->lost = 1;
}

/* Before a statement outside a transaction: a broken connection or a
 * read-only session is replaced first (1: it was, just now). Inside a
 * transaction the transaction fails instead (it cannot move to another
 * connection). */
static int ensure_connected(trygg_store *st)
{
    if ((st->txdepth > 0 && !st->tx_unsent) || (!st->stale && PQstatus(st->conn) == CONNECTION_OK))
        return 0;
    reconnect(st);
    return 1;
}

/* After a failed statement outside a transaction (or the first send of
 * one: unsent) on a connection that was not new (fresh = 0): 1 when it is
 * worth one more try on a new connection (the connection broke between
 * statements, or the server was a standby). */
static int retry_elsewhere(trygg_store *st, const PGresult *r, int fresh, int unsent)
{
    if ((st->txdepth > 0 && !unsent) || fresh)
        return 0;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (PQstatus(st->conn) != CONNECTION_OK || (state && strcmp(state, "25006") == 0)) {
        reconnect(st);
        return PQstatus(st->conn) == CONNECTION_OK;
    }
    return 0;
}

/* Sends the pending statements and then `sql` (NULL: none) with its
 * parameters in one pipeline, one round trip, and returns the result of
 * `sql`, or of the first statement that failed (the rest of a failed
 * pipeline is not run). NULL only when the connection broke. */
static PGresult *pipeline_run(trygg_store *st, const char *sql, const pg_params *p)
{
    PGconn *c = st->conn;
    int n = st->npending, sent = 0, ok = PQenterPipelineMode(c) == 1;
    st->npending = 0;
    st->tx_unsent = 0;
    for (int i = 0; ok && i < n; i++, sent++)
        ok = PQsendQueryParams(c, st->pending[i], 0, NULL, NULL, NULL, NULL, 0) == 1;
    if (ok && sql) {
        ok = PQsendQueryParams(c, sql, p ? p->n : 0, NULL, p ? p->v : NULL, NULL, NULL, 0) == 1;
        sent++;
    }
    ok = ok && PQpipelineSync(c) == 1;
    PGresult *keep = NULL;
    for (int i = 0; ok && i < sent; i++) {
        PGresult *r = PQgetResult(c);
        if (!r) {
            ok = 0;
            break;
        }
        while (PQgetResult(c) != NULL) /* the NULL that ends each statement's results */
            ;
        if (!keep && (!result_ok(r) || i == sent - 1))
            keep = r;
        else
            PQclear(r);
    }
    if (ok) {
        PGresult *sync = PQgetResult(c); /* PGRES_PIPELINE_SYNC */
        PQclear(sync);
    }
    if (PQexitPipelineMode(c) != 1 && keep && result_ok(keep)) {
        PQclear(keep); /* results left over: the connection is not usable */
        keep = NULL;
    }
    return keep;
}

/* pipeline_run, and while nothing of the transaction was sent before (its
 * BEGIN is among the pending), a broken or read-only connection is
 * replaced and the whole sent once more, as a statement outside a
 * transaction is. */
static PGresult *pipeline_send(trygg_store *st, const char *sql, const pg_params *p)
{
    char saved[TRYGG_PG_PENDING_MAX][40];
    int n = st->npending, unsent = st->tx_unsent;
    memcpy(saved, st->pending, sizeof saved[0] * (size_t)n);
    int fresh = unsent ? ensure_connected(st) : 0;
    PGresult *r = pipeline_run(st, sql, p);
    if (unsent && !result_ok(r) && retry_elsewhere(st, r, fresh, 1)) {
        PQclear(r);
        memcpy(st->pending, saved, sizeof saved[0] * (size_t)n);
        st->npending = n;
        st->tx_unsent = 1;
        r = pipeline_run(st, sql, p);
    }
    return r;
}

/* Sends what waits in st->pending now, alone (before a statement that
 * cannot travel in a pipeline). */
static trygg_err pending_flush(trygg_store *st, const char *what)
{
    if (st->npending == 0)
        return TRYGG_OK;
    PGresult *r = pipeline_send(st, NULL, NULL);
    if (!r || !result_ok(r))
        return trygg_pg_fail(st, r, what);
    PQclear(r);
    return TRYGG_OK;
}

trygg_err trygg_pg_query(trygg_store *st, const char *sql, trygg_sql_args a, PGresult **out,
                         const char *what)
{
    *out = NULL;
    pg_params p;
    trygg_err err = params_make(a, &p);
    if (err) {
        params_free(&p);
        return trygg_pg_failf(st, err, "%s: out of memory", what);
    }
    int piped = st->npending > 0; /* inside a transaction */
    int fresh = piped ? 0 : ensure_connected(st);
    PGresult *r = piped ? pipeline_send(st, sql, &p) : NULL;
    for (int attempt = 0; !piped && attempt < 2; attempt++) {
        r = PQexecParams(st->conn, sql, p.n, NULL, p.v, NULL, NULL, 0);
        if (result_ok(r) || attempt > 0 || !retry_elsewhere(st, r, fresh, 0))
            break;
        PQclear(r);
        r = NULL;
    }
    params_free(&p);
    if (!r || !result_ok(r))
        return trygg_pg_fail(st, r, what);
    *out = r;
    return TRYGG_OK;
}

trygg_err trygg_pg_exec(trygg_store *st, const char *sql, const char *what)
{
    trygg_err err = pending_flush(st, what);
    if (err)
        return err;
    int fresh = ensure_connected(st);
    PGresult *r = PQexec(st->conn, sql);
    if (!result_ok(r) && retry_elsewhere(st, r, fresh, 0)) {
        PQclear(r);
        r = PQexec(st->conn, sql);
    }
    if (!r || !result_ok(r))
        return trygg_pg_fail(st, r, what);
    PQclear(r);
    return TRYGG_OK;
}

trygg_err trygg_pg_write(trygg_store *st, const char *sql, trygg_sql_args a, int *changed,
                         const char *what)
{
    PGresult *r;
    trygg_err err = trygg_pg_query(st, sql, a, &r, what);
    if (err)
        return err;
    if (changed)
        *changed = atoi(PQcmdTuples(r));
    PQclear(r);
    return TRYGG_OK;
}

trygg_err trygg_pg_write_one(trygg_store *st, const char *sql, trygg_sql_args a, const char *what)
{
    int changed = 0;
    trygg_err err = trygg_pg_write(st, sql, a, &changed, what);
    if (!err && changed == 0)
        return trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "no such %s", what);
    return err;
}

trygg_err trygg_pg_row(trygg_store *st, const char *sql, trygg_sql_args a,
                       void (*read)(const PGresult *r, int row, void *out), void *out,
                       const char *what)
{
    PGresult *r;
    trygg_err err = trygg_pg_query(st, sql, a, &r, what);
    if (err)
        return err;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "no such %s", what);
    }
    read(r, 0, out);
    PQclear(r);
    return TRYGG_OK;
}

trygg_err trygg_pg_select(trygg_store *st, const char *sql, trygg_sql_args a, void *out,
                          size_t size, int max, void (*read)(const PGresult *r, int row, void *out),
                          int *n, const char *what)
{
    *n = 0;
    PGresult *r;
    trygg_err err = trygg_pg_query(st, sql, a, &r, what);
    if (err)
        return err;
    int rows = PQntuples(r);
    if (rows > max)
        rows = max;
    for (int i = 0; i < rows; i++)
        read(r, i, (char *)out + (size_t)i * size);
    *n = rows;
    PQclear(r);
    return TRYGG_OK;
}

trygg_err trygg_pg_int64(trygg_store *st, const char *sql, trygg_sql_args a, int64_t *out,
                         const char *what)
{
    *out = 0;
    PGresult *r;
    trygg_err err = trygg_pg_query(st, sql, a, &r, what);
    if (err)
        return err;
    if (PQntuples(r) > 0)
        *out = trygg_pg_col_int(r, 0, 0);
    PQclear(r);
    return TRYGG_OK;
}

/* ---- Columns ------------------------------------------------------------ */

void trygg_pg_col_text(const PGresult *r, int row, int col, char *dst, size_t cap)
{
    if (cap == 0)
        return;
    const char *t = PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
    size_t len = (size_t)PQgetlength(r, row, col);
    if (len >= cap) /* never half a character */
        len = trygg_utf8_prefix(t, len, cap - 1);
    if (len)
        memcpy(dst, t, len);
    dst[len] = '\0';
}

int64_t trygg_pg_col_int(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return 0;
    const char *v = PQgetvalue(r, row, col);
    if (v[0] == 't' && v[1] == '\0')
        return 1;
    if (v[0] == 'f' && v[1] == '\0')
        return 0;
    return strtoll(v, NULL, 10);
}

void trygg_pg_read_fields(const PGresult *r, int row, int first, const trygg_sql_field *f, int n,
                          void *out)
{
    for (int i = 0; i < n; i++) {
        char *m = (char *)out + f[i].off;
        int col = first + i;
        if (f[i].type == TRYGG_SQLF_TEXT) {
            trygg_pg_col_text(r, row, col, m, f[i].size);
        } else if (f[i].size == sizeof(int64_t)) {
            int64_t v = trygg_pg_col_int(r, row, col);
            memcpy(m, &v, sizeof v);
        } else {
            assert(f[i].size == sizeof(int)); /* an int or an int64_t member */
            int v = (int)trygg_pg_col_int(r, row, col);
            memcpy(m, &v, sizeof v);
        }
    }
}

/* ---- Transactions ------------------------------------------------------- */

/* A nested unit's savepoint is named after its depth, so a ROLLBACK TO
 * can never reach an outer unit's savepoint. Its SAVEPOINT and RELEASE wait
 * in st->pending and go with the next statement (a submit inside the
 * intake's transaction: 4 round trips fewer per item); a unit that sent no
 * statement leaves none of them. */
static void pending_add(trygg_store *st, const char *verb, int depth)
{
    if (st->npending == TRYGG_PG_PENDING_MAX)
        (void)pending_flush(st, "savepoint"); /* a failure shows at the next statement */
    snprintf(st->pending[st->npending++], sizeof st->pending[0], "%s trygg_nested_%d", verb, depth);
}

/* 1 (and it is dropped) when the newest pending statement is the SAVEPOINT
 * of the unit at `depth`: nothing was sent inside that unit. */
static int pending_drop_savepoint(trygg_store *st, int depth)
{
    char sp[40];
    snprintf(sp, sizeof sp, "SAVEPOINT trygg_nested_%d", depth);
    if (st->npending > 0 && strcmp(st->pending[st->npending - 1], sp) == 0) {
        st->npending--;
        return 1;
    }
    return 0;
}

trygg_err trygg_pg_tx_begin(trygg_store *st)
{
    if (st->txdepth > 0) {
        pending_add(st, "SAVEPOINT", st->txdepth);
    } else { /* BEGIN goes with the transaction's first statement */
        st->npending = 0;
        snprintf(st->pending[st->npending++], sizeof st->pending[0], "BEGIN");
        st->tx_unsent = 1;
    }
    st->txdepth++;
    return TRYGG_OK;
}

static void exec_quiet(trygg_store *st, const char *sql)
{
    (void)pending_flush(st, "rollback");
    PQclear(PQexec(st->conn, sql));
}

trygg_err trygg_pg_tx_end(trygg_store *st, trygg_err err)
{
    if (st->txdepth <= 0)
        return err ? err : trygg_pg_failf(st, TRYGG_ERR_STATE, "no transaction open");
    st->txdepth--;
    if (st->txdepth > 0) {
        if (pending_drop_savepoint(st, st->txdepth))
            return err;
        if (err) { /* keep the message of the failure, not of the rollback */
            char sql[64];
            snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT trygg_nested_%d", st->txdepth);
            exec_quiet(st, sql);
        }
        pending_add(st, "RELEASE SAVEPOINT", st->txdepth);
        return err;
    }
    if (st->tx_unsent) { /* nothing of it was sent: nothing to end */
        st->npending = 0;
        st->tx_unsent = 0;
        return err;
    }
    if (err) {
        st->npending = 0; /* the whole transaction goes */
        exec_quiet(st, "ROLLBACK");
        return err;
    }
    PGresult *r = st->npending > 0 ? pipeline_run(st, "COMMIT", NULL) : PQexec(st->conn, "COMMIT");
    /* A COMMIT of a failed transaction answers ROLLBACK: not a success. */
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        err = trygg_pg_fail(st, r, "commit");
        exec_quiet(st, "ROLLBACK");
        return err;
    }
    if (strcmp(PQcmdStatus(r), "COMMIT") != 0) {
        PQclear(r);
        return trygg_pg_failf(st, TRYGG_ERR_DB, "commit: the transaction was rolled back");
    }
    PQclear(r);
    return TRYGG_OK;
}

trygg_err trygg_pg_begin(trygg_store *st)
{
    if (st->user_tx)
        return trygg_pg_failf(st, TRYGG_ERR_STATE, "transaction already open");
    trygg_err err = trygg_pg_tx_begin(st);
    if (!err)
        st->user_tx = 1;
    return err;
}

trygg_err trygg_pg_commit(trygg_store *st)
{
    if (!st->user_tx)
        return trygg_pg_failf(st, TRYGG_ERR_STATE, "no transaction open");
    st->user_tx = 0;
    return trygg_pg_tx_end(st, TRYGG_OK);
}

void trygg_pg_rollback(trygg_store *st)
{
    if (!st->user_tx)
        return;
    st->user_tx = 0;
    (void)trygg_pg_tx_end(st, TRYGG_ERR_STATE);
}

trygg_err trygg_pg_unit_begin(trygg_store *st)
{
    return trygg_pg_tx_begin(st);
}

trygg_err trygg_pg_unit_end(trygg_store *st, trygg_err err)
{
    return trygg_pg_tx_end(st, err);
}

/* ---- Opening and migrations --------------------------------------------- */

static int latest(void)
{
    return trygg_pg_migrations_first + trygg_pg_migrations_count - 1;
}

/* Reads the schema version (0: a new database) inside the open migration
 * transaction. */
static trygg_err read_version(trygg_store *st, int *v)
{
    int64_t n = 0;
    trygg_err err = trygg_pg_exec(
        st, "CREATE TABLE IF NOT EXISTS trygg_schema (version integer NOT NULL)", "schema table");
    if (!err)
        err = trygg_pg_int64(st, "SELECT coalesce(max(version), 0) FROM trygg_schema",
                             TRYGG_SQL_NO_ARGS, &n, "read schema version");
    *v = (int)n;
    return err;
}

static trygg_err migrate_steps(trygg_store *st, int target)
{
    int v = 0;
    trygg_err err = read_version(st, &v);
    if (err)
        return err;
    if (v > latest())
        return trygg_pg_failf(st, TRYGG_ERR_SCHEMA,
                              "database schema %d is newer than this program (%d)", v, latest());
    int first = trygg_pg_migrations_first;
    while (!err && v < target) {
        int next = v < first ? first : v + 1;
        err = trygg_pg_exec(st, trygg_pg_migrations[next - first], "migration");
        if (!err)
            err = trygg_pg_write(st, "DELETE FROM trygg_schema", TRYGG_SQL_NO_ARGS, NULL,
                                 "schema version");
        if (!err)
            err = trygg_pg_write(st, "INSERT INTO trygg_schema(version) VALUES ($1)",
                                 TRYGG_SQL_ARGS(TRYGG_SQL_INT(next)), NULL, "schema version");
        if (!err)
            TRYGG_INFO("store: migrated PostgreSQL schema %d -> %d", v, next);
        v = next;
    }
    return err;
}

static trygg_err migrate(trygg_store *st, int target)
{
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    err = trygg_pg_exec(st, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")", "migration lock");
    if (!err)
        err = migrate_steps(st, target);
    return trygg_pg_tx_end(st, err);
}

static void notice_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* "relation already exists, skipping" and the like */
}

trygg_err trygg_pg_open(const char *conninfo, trygg_store **out)
{
    *out = NULL;
    trygg_store *st = calloc(1, sizeof *st);
    if (!st)
        return TRYGG_ERR_NOMEM;
    st->base.ops = &trygg_pg_ops;
    memcpy(st->retention, default_retention, sizeof st->retention);
    trygg_err err = TRYGG_OK;
    const char *incomplete = getenv("TRYGG_PG_INCOMPLETE");
    if (trygg_pg_ops_missing > 0 && !(incomplete && strcmp(incomplete, "1") == 0)) {
        /* Never half a store behind a working server: say so at start. */
        trygg_pg_failf(st, TRYGG_ERR_CONFIG,
                       "the PostgreSQL backend is not complete in this version (%d of %d store "
                       "operations missing, docs/store.md); use a SQLite database",
                       trygg_pg_ops_missing, trygg_pg_ops_total);
        TRYGG_ERR("store: %s", st->errmsg);
        free(st);
        return TRYGG_ERR_CONFIG;
    }
    st->conn = PQconnectdb(conninfo);
    if (!st->conn || PQstatus(st->conn) != CONNECTION_OK) {
        err = trygg_pg_failf(st, TRYGG_ERR_IO, "connect: %.*s",
                             st->conn ? (int)strcspn(PQerrorMessage(st->conn), "\n") : 14,
                             st->conn ? PQerrorMessage(st->conn) : "out of memory");
    } else {
        PQsetNoticeProcessor(st->conn, notice_quiet, NULL);
        err = session_setup(st);
    }
    if (!err)
        err = migrate(st, latest());
    if (err) {
        TRYGG_ERR("store: cannot open the PostgreSQL database: %s", st->errmsg);
        PQfinish(st->conn);
        free(st);
        return err;
    }
    *out = st;
    return TRYGG_OK;
}

void trygg_pg_close(trygg_store *st)
{
    if (!st)
        return;
    PQfinish(st->conn);
    free(st);
}

const char *trygg_pg_errmsg(const trygg_store *st)
{
    return st ? st->errmsg : "";
}

int trygg_pg_schema_version(trygg_store *st)
{
    int64_t v = 0;
    if (trygg_pg_int64(st, "SELECT coalesce(max(version), 0) FROM trygg_schema", TRYGG_SQL_NO_ARGS,
                       &v, "read schema version"))
        return -1;
    return (int)v;
}

void trygg_pg_set_retention(trygg_store *st, trygg_kind kind, int days)
{
    if ((int)kind < 0 || kind >= TRYGG_KIND_COUNT || days < 1)
        return;
    st->retention[kind] = days;
}

int trygg_pg_retention(trygg_store *st, trygg_kind kind)
{
    if ((int)kind < 0 || kind >= TRYGG_KIND_COUNT)
        return 0;
    return st->retention[kind];
}

/* PostgreSQL bounds its own write-ahead log (max_wal_size): nothing to do. */
void trygg_pg_set_wal_limit(trygg_store *st, int64_t bytes)
{
    (void)st;
    (void)bytes;
}

trygg_err trygg_pg_missing(trygg_store *st, const char *name)
{
    return trygg_pg_failf(st, TRYGG_ERR_DB, "%s is not available on PostgreSQL yet", name);
}
