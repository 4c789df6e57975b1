/*
 * sqlite_util.c — SQLite statement helpers of the queue's backend, the
 * gateway's local store and the kiosk's outbox (trygg/sqlite_util.h).
 */
#include "trygg/sqlite_util.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trygg/log.h"
#include "trygg/utf8.h"

trygg_err trygg_sql_map(sqlite3 *db, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return TRYGG_OK;
    case SQLITE_FULL:
        return TRYGG_ERR_FULL;
    case SQLITE_READONLY:
        return TRYGG_ERR_READONLY;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return TRYGG_ERR_BUSY;
    case SQLITE_NOMEM:
        return TRYGG_ERR_NOMEM;
    case SQLITE_CONSTRAINT:
        return TRYGG_ERR_EXISTS;
    case SQLITE_TOOBIG:
        return TRYGG_ERR_TOOBIG;
    case SQLITE_IOERR: {
        int e = db ? sqlite3_system_errno(db) : 0;
        if (e == ENOSPC || e == EFBIG || e == EDQUOT)
            return TRYGG_ERR_FULL;
        if (e == EROFS)
            return TRYGG_ERR_READONLY;
        return TRYGG_ERR_IO;
    }
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
        return TRYGG_ERR_IO;
    default:
        return TRYGG_ERR_DB;
    }
}

trygg_err trygg_sql_fail(sqlite3 *db, int rc, const char *what, char *err, size_t cap)
{
    trygg_err mapped = trygg_sql_map(db, rc);
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    int e = db ? sqlite3_system_errno(db) : 0;
    int ext = db ? sqlite3_extended_errcode(db) : rc;
    if (e && (rc & 0xff) == SQLITE_IOERR)
        snprintf(err, cap, "%s: %s (%s; sqlite %d)", what, msg, strerror(e), ext);
    else
        snprintf(err, cap, "%s: %s (sqlite %d)", what, msg, ext);
    return mapped ? mapped : TRYGG_ERR_DB;
}

trygg_err trygg_sql_open(const char *path, int flags, sqlite3 **db, char *err, size_t cap)
{
    int rc = sqlite3_open_v2(path, db, flags, NULL);
    if (rc != SQLITE_OK)
        return trygg_sql_fail(*db, rc, "open", err, cap);
    sqlite3_extended_result_codes(*db, 1);
    sqlite3_busy_timeout(*db, TRYGG_SQL_BUSY_MS);
    return TRYGG_OK;
}

trygg_err trygg_sql_pragmas(sqlite3 *db, const char *path, char *err, size_t cap)
{
    sqlite3_stmt *s;
    trygg_err e = trygg_sql_prepare(db, "PRAGMA journal_mode=WAL", &s, err, cap);
    if (e)
        return e;
    /* Processes opening a new file at the same moment all ask for WAL; SQLite
     * can answer "locked" at once there without calling the busy handler (it
     * would deadlock), so the question is asked again for the busy timeout. */
    int rc = sqlite3_step(s);
    for (int waited = 0; (rc & 0xff) == SQLITE_BUSY && waited < TRYGG_SQL_BUSY_MS; waited += 10) {
        sqlite3_reset(s);
        sqlite3_sleep(10);
        rc = sqlite3_step(s);
    }
    if (rc != SQLITE_ROW) {
        e = trygg_sql_fail(db, rc, "set WAL mode", err, cap);
        sqlite3_finalize(s);
        return e;
    }
    const char *mode = (const char *)sqlite3_column_text(s, 0);
    if (!mode || strcmp(mode, "wal") != 0)
        TRYGG_WARN("sqlite: %s is not in WAL mode (%s)", path, mode ? mode : "?");
    sqlite3_finalize(s);
    return trygg_sql_exec(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", "pragmas", err,
                          cap);
}

int trygg_sql_user_version(sqlite3 *db, int *out)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

trygg_err trygg_sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, char *err, size_t cap)
{
    int rc = sqlite3_prepare_v2(db, sql, -1, out, NULL);
    if (rc != SQLITE_OK) {
        *out = NULL;
        return trygg_sql_fail(db, rc, "prepare", err, cap);
    }
    return TRYGG_OK;
}

trygg_err trygg_sql_exec(sqlite3 *db, const char *sql, const char *what, char *err, size_t cap)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? TRYGG_OK : trygg_sql_fail(db, rc, what, err, cap);
}

trygg_err trygg_sql_run(sqlite3 *db, sqlite3_stmt *s, const char *what, char *err, size_t cap)
{
    int rc = sqlite3_step(s);
    trygg_err e = TRYGG_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        e = trygg_sql_fail(db, rc, what, err, cap);
    sqlite3_finalize(s);
    return e;
}

trygg_err trygg_sql_int64(sqlite3 *db, sqlite3_stmt *s, int64_t *out, const char *what, char *err,
                          size_t cap)
{
    int rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    trygg_err e =
        rc == SQLITE_ROW || rc == SQLITE_DONE ? TRYGG_OK : trygg_sql_fail(db, rc, what, err, cap);
    sqlite3_finalize(s);
    return e;
}

trygg_err trygg_sql_collect(sqlite3 *db, sqlite3_stmt *s, void *out, size_t size, int max,
                            void (*read)(sqlite3_stmt *s, void *row), int *n, const char *what,
                            char *err, size_t cap)
{
    char *row = out;
    int rc = SQLITE_DONE, count = 0;
    while (count < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
        read(s, row + (size_t)count++ * size);
    trygg_err e =
        count == max || rc == SQLITE_DONE ? TRYGG_OK : trygg_sql_fail(db, rc, what, err, cap);
    sqlite3_finalize(s);
    *n = e ? 0 : count;
    return e;
}

int trygg_sql_bind_text(sqlite3_stmt *s, int idx, const char *v)
{
    return sqlite3_bind_text(s, idx, v ? v : "", -1, SQLITE_TRANSIENT);
}

void trygg_sql_col_text(sqlite3_stmt *s, int col, char *dst, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    size_t len = t ? (size_t)sqlite3_column_bytes(s, col) : 0;
    if (cap == 0)
        return;
    if (len >= cap) /* never half a character */
        len = trygg_utf8_prefix((const char *)t, len, cap - 1);
    if (len)
        memcpy(dst, t, len);
    dst[len] = '\0';
}

int trygg_sql_bind_args(sqlite3_stmt *s, trygg_sql_args a, int copy)
{
    sqlite3_destructor_type how = copy ? SQLITE_TRANSIENT : SQLITE_STATIC;
    int rc = SQLITE_OK;
    for (int i = 0; rc == SQLITE_OK && i < a.n; i++) {
        const trygg_sql_val *v = &a.v[i];
        switch (v->kind) {
        case TRYGG_SQLV_TEXT:
            rc = sqlite3_bind_text(s, i + 1, v->p ? v->p : "", -1, how);
            break;
        case TRYGG_SQLV_INT:
            rc = sqlite3_bind_int64(s, i + 1, v->i);
            break;
        case TRYGG_SQLV_BLOB:
            rc = v->p && v->i > 0 ? sqlite3_bind_blob64(s, i + 1, v->p, (sqlite3_uint64)v->i, how)
                                  : sqlite3_bind_null(s, i + 1);
            break;
        case TRYGG_SQLV_NULL:
            rc = sqlite3_bind_null(s, i + 1);
            break;
        }
    }
    return rc;
}

/* Prepares sql and binds a (copy as trygg_sql_bind_args). */
static trygg_err prepare_bound(sqlite3 *db, const char *sql, trygg_sql_args a, int copy,
                               sqlite3_stmt **out, char *err, size_t cap)
{
    trygg_err e = trygg_sql_prepare(db, sql, out, err, cap);
    if (e)
        return e;
    int rc = trygg_sql_bind_args(*out, a, copy);
    if (rc != SQLITE_OK) {
        e = trygg_sql_fail(db, rc, "bind", err, cap);
        sqlite3_finalize(*out);
        *out = NULL;
    }
    return e;
}

trygg_err trygg_sql_prepare_args(sqlite3 *db, const char *sql, trygg_sql_args a, sqlite3_stmt **out,
                                 char *err, size_t cap)
{
    return prepare_bound(db, sql, a, 1, out, err, cap);
}

trygg_err trygg_sql_write(sqlite3 *db, const char *sql, trygg_sql_args a, int *changes,
                          const char *what, char *err, size_t cap)
{
    sqlite3_stmt *s;
    if (changes)
        *changes = 0;
    trygg_err e = prepare_bound(db, sql, a, 0, &s, err, cap);
    if (!e)
        e = trygg_sql_run(db, s, what, err, cap);
    if (!e && changes)
        *changes = sqlite3_changes(db);
    return e;
}

trygg_err trygg_sql_row(sqlite3 *db, const char *sql, trygg_sql_args a,
                        void (*read)(sqlite3_stmt *s, void *row), void *row, const char *what,
                        char *err, size_t cap)
{
    sqlite3_stmt *s;
    trygg_err e = prepare_bound(db, sql, a, 0, &s, err, cap);
    if (e)
        return e;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        read(s, row);
    else if (rc == SQLITE_DONE)
        e = TRYGG_ERR_NOTFOUND;
    else
        e = trygg_sql_fail(db, rc, what, err, cap);
    sqlite3_finalize(s);
    return e;
}

trygg_err trygg_sql_select(sqlite3 *db, const char *sql, trygg_sql_args a, void *out, size_t size,
                           int max, void (*read)(sqlite3_stmt *s, void *row), int *n,
                           const char *what, char *err, size_t cap)
{
    sqlite3_stmt *s;
    *n = 0;
    trygg_err e = prepare_bound(db, sql, a, 0, &s, err, cap);
    if (e)
        return e;
    return trygg_sql_collect(db, s, out, size, max, read, n, what, err, cap);
}

void trygg_sql_read_fields(sqlite3_stmt *s, int first, const trygg_sql_field *f, int n, void *row)
{
    char *base = row;
    for (int i = 0; i < n; i++) {
        char *m = base + f[i].off;
        int col = first + i;
        if (f[i].type == TRYGG_SQLF_TEXT) {
            trygg_sql_col_text(s, col, m, f[i].size);
        } else if (f[i].size == sizeof(int64_t)) {
            int64_t v = sqlite3_column_int64(s, col);
            memcpy(m, &v, sizeof v);
        } else {
            assert(f[i].size == sizeof(int)); /* an int or an int64_t member */
            int v = sqlite3_column_int(s, col);
            memcpy(m, &v, sizeof v);
        }
    }
}

/* ---- Kept statements (trygg_sql_cache) ------------------------------------------- */

static uint32_t sql_hash(const char *sql)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

/* The slot for a new statement: a free one, else the least recently used
 * one that is not handed out (finalized); NULL when all are in use. */
static trygg_sql_kept *cache_slot(trygg_sql_cache *c)
{
    trygg_sql_kept *victim = NULL;
    for (int i = 0; i < TRYGG_SQL_CACHE; i++) {
        trygg_sql_kept *k = &c->slot[i];
        if (k->s == NULL)
            return k;
        if (!k->busy && (victim == NULL || k->used < victim->used))
            victim = k;
    }
    if (victim) {
        sqlite3_finalize(victim->s);
        victim->s = NULL;
    }
    return victim;
}

int trygg_sql_cache_get(trygg_sql_cache *c, sqlite3 *db, const char *sql, sqlite3_stmt **out)
{
    uint32_t h = sql_hash(sql);
    int in_use = 0;
    for (int i = 0; i < TRYGG_SQL_CACHE; i++) {
        trygg_sql_kept *k = &c->slot[i];
        if (k->s && k->hash == h && strcmp(sqlite3_sql(k->s), sql) == 0) {
            if (k->busy) {
                in_use = 1;
                break;
            }
            k->busy = 1;
            k->used = ++c->clock;
            *out = k->s;
            return SQLITE_OK;
        }
    }
    trygg_sql_kept *slot = in_use ? NULL : cache_slot(c);
    c->prepares++;
    int rc = sqlite3_prepare_v3(db, sql, -1, slot ? SQLITE_PREPARE_PERSISTENT : 0, out, NULL);
    if (rc != SQLITE_OK) {
        *out = NULL;
        return rc;
    }
    if (slot)
        *slot = (trygg_sql_kept){.s = *out, .hash = h, .used = ++c->clock, .busy = 1};
    return SQLITE_OK;
}

void trygg_sql_cache_put(trygg_sql_cache *c, sqlite3_stmt *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < TRYGG_SQL_CACHE; i++) {
        trygg_sql_kept *k = &c->slot[i];
        if (k->s == s) {
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
            k->busy = 0;
            return;
        }
    }
    sqlite3_finalize(s);
}

void trygg_sql_cache_clear(trygg_sql_cache *c)
{
    for (int i = 0; i < TRYGG_SQL_CACHE; i++) {
        sqlite3_finalize(c->slot[i].s);
        c->slot[i] = (trygg_sql_kept){0};
    }
}

/* A kept statement for sql with a bound (not copied). */
static trygg_err cache_bound(trygg_sql_cache *c, sqlite3 *db, const char *sql, trygg_sql_args a,
                             sqlite3_stmt **out, char *err, size_t cap)
{
    int rc = trygg_sql_cache_get(c, db, sql, out);
    if (rc != SQLITE_OK)
        return trygg_sql_fail(db, rc, "prepare", err, cap);
    rc = trygg_sql_bind_args(*out, a, 0);
    if (rc != SQLITE_OK) {
        trygg_err e = trygg_sql_fail(db, rc, "bind", err, cap);
        trygg_sql_cache_put(c, *out);
        *out = NULL;
        return e;
    }
    return TRYGG_OK;
}

trygg_err trygg_sql_cache_write(trygg_sql_cache *c, sqlite3 *db, const char *sql, trygg_sql_args a,
                                int *changes, const char *what, char *err, size_t cap)
{
    sqlite3_stmt *s;
    if (changes)
        *changes = 0;
    trygg_err e = cache_bound(c, db, sql, a, &s, err, cap);
    if (e)
        return e;
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        e = trygg_sql_fail(db, rc, what, err, cap);
    else if (changes)
        *changes = sqlite3_changes(db);
    trygg_sql_cache_put(c, s);
    return e;
}

trygg_err trygg_sql_cache_row(trygg_sql_cache *c, sqlite3 *db, const char *sql, trygg_sql_args a,
                              void (*read)(sqlite3_stmt *s, void *row), void *row, const char *what,
                              char *err, size_t cap)
{
    sqlite3_stmt *s;
    trygg_err e = cache_bound(c, db, sql, a, &s, err, cap);
    if (e)
        return e;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        read(s, row);
    else if (rc == SQLITE_DONE)
        e = TRYGG_ERR_NOTFOUND;
    else
        e = trygg_sql_fail(db, rc, what, err, cap);
    trygg_sql_cache_put(c, s);
    return e;
}

trygg_err trygg_sql_cache_select(trygg_sql_cache *c, sqlite3 *db, const char *sql, trygg_sql_args a,
                                 void *out, size_t size, int max,
                                 void (*read)(sqlite3_stmt *s, void *row), int *n, const char *what,
                                 char *err, size_t cap)
{
    sqlite3_stmt *s;
    *n = 0;
    trygg_err e = cache_bound(c, db, sql, a, &s, err, cap);
    if (e)
        return e;
    int rc = SQLITE_DONE, count = 0;
    while (count < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
        read(s, (char *)out + (size_t)count++ * size);
    if (count < max && rc != SQLITE_DONE)
        e = trygg_sql_fail(db, rc, what, err, cap);
    trygg_sql_cache_put(c, s);
    *n = e ? 0 : count;
    return e;
}

trygg_err trygg_sql_cache_exec(trygg_sql_cache *c, sqlite3 *db, const char *sql, const char *what,
                               char *err, size_t cap)
{
    return trygg_sql_cache_write(c, db, sql, TRYGG_SQL_NO_ARGS, NULL, what, err, cap);
}
