/* outbox.c — durable local queue of submissions (SQLite), its schema versioned
 * with PRAGMA user_version and the migrations[] list below. */
#include "outbox.h"
#include "trygg/log.h"
#include "trygg/copy.h"
#include "trygg/ref.h"
#include "trygg/sqlite_util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

struct outbox {
    sqlite3 *db;
    char path[1024];
    char errmsg[256]; /* the last SQLite failure (trygg/sqlite_util.h) */
};

/* The outbox's schema: one step per version, PRAGMA user_version is the number
 * of steps applied. Only ever append a step; never edit one that shipped.
 * Version 1 is the schema that kiosks wrote before the file had a version, so
 * it keeps IF NOT EXISTS: an unversioned file from then is adopted as it is. */
static const char *const migrations[] = {
    /* v1: the queue and the per-prefix reference sequence. */
    "CREATE TABLE IF NOT EXISTS outbox("
    " uuid TEXT PRIMARY KEY,"
    " created INTEGER NOT NULL,"
    " body TEXT NOT NULL,"
    " state INTEGER NOT NULL DEFAULT 0," /* 0 pending, 2 dead */
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_try INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_try, created);"
    /* The next sequence number per reference prefix (outbox_add_ref). */
    "CREATE TABLE IF NOT EXISTS ref_seq("
    " prefix TEXT PRIMARY KEY,"
    " next INTEGER NOT NULL);",
};
#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

/* Rolls back the open transaction, if one is open. */
static void rollback(sqlite3 *db)
{
    char why[256];
    if (!sqlite3_get_autocommit(db) &&
        trygg_sql_exec(db, "ROLLBACK", "rollback", why, sizeof why) != TRYGG_OK)
        TRYGG_WARN("outbox: %s", why);
}

/* Brings the file to the newest version in one transaction (so two handles
 * opening a fresh file migrate it once). 0, or -1 with the reason in err[cap]. */
static int migrate(sqlite3 *db, const char *path, char *err, size_t cap)
{
    char why[256] = "";
    int v = 0;
    trygg_err e = trygg_sql_exec(db, "BEGIN IMMEDIATE", "begin", why, sizeof why);
    if (!e && trygg_sql_user_version(db, &v) != SQLITE_OK)
        e = trygg_sql_fail(db, sqlite3_errcode(db), "user_version", why, sizeof why);
    if (!e && v > MIGRATION_COUNT) {
        snprintf(err, cap, "%s: outbox schema version %d is newer than this kiosk's (%d)", path, v,
                 MIGRATION_COUNT);
        rollback(db);
        return -1;
    }
    for (; !e && v < MIGRATION_COUNT; v++) {
        char pragma[40];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        e = trygg_sql_exec(db, migrations[v], "migrate", why, sizeof why);
        if (!e)
            e = trygg_sql_exec(db, pragma, "user_version", why, sizeof why);
    }
    if (!e)
        e = trygg_sql_exec(db, "COMMIT", "commit", why, sizeof why);
    if (!e)
        return 0;
    snprintf(err, cap, "%s: %s", path, why);
    rollback(db);
    return -1;
}

/* Opens o->db on o->path with the outbox's settings. 0, or -1 with err. */
static int open_db(outbox *o, char *err, size_t cap)
{
    const char *path = o->path;
    char why[256];
    trygg_err e =
        trygg_sql_open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       &o->db, why, sizeof why);
    if (!e)
        e = trygg_sql_pragmas(o->db, path, why, sizeof why);
    /* Sent texts do not linger in free pages. */
    if (!e)
        e = trygg_sql_exec(o->db, "PRAGMA secure_delete=ON;", "secure_delete", why, sizeof why);
    if (e) {
        snprintf(err, cap, "%s: %s", path, why);
        return -1;
    }
    return migrate(o->db, path, err, cap);
}

outbox *outbox_open(const char *path, char *err, size_t cap)
{
    outbox *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    if (!TRYGG_COPY(o->path, path)) {
        snprintf(err, cap, "outbox path too long");
        free(o);
        return NULL;
    }
    if (open_db(o, err, cap) != 0) {
        outbox_close(o);
        return NULL;
    }
    return o;
}

void outbox_close(outbox *o)
{
    if (!o)
        return;
    sqlite3_close(o->db);
    free(o);
}

/* Runs one write with parameters a (bound without a copy: the report
 * stays in the caller's memory, which the caller wipes); *changes may be
 * NULL. */
static trygg_err write_sql(outbox *o, const char *sql, trygg_sql_args a, int *changes)
{
    return trygg_sql_write(o->db, sql, a, changes, "outbox", o->errmsg, sizeof o->errmsg);
}

/* Reads the first row of sql with read (TRYGG_ERR_NOTFOUND when none). */
static trygg_err read_row(outbox *o, const char *sql, trygg_sql_args a,
                          void (*read)(sqlite3_stmt *s, void *row), void *out)
{
    return trygg_sql_row(o->db, sql, a, read, out, "outbox", o->errmsg, sizeof o->errmsg);
}

/* The first column of a row as a 64-bit integer (-1 for SQL NULL). */
static void read_int64(sqlite3_stmt *s, void *row)
{
    int64_t *v = row;
    *v = sqlite3_column_type(s, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 0);
}

/* Closes and reopens this connection, so all its memory goes back through
 * the wiping allocator (kiosk/wipe.h): cached pages, the b-tree's cell
 * buffer and statement memory may otherwise still hold a report that is
 * already uploaded and deleted from the file. The outbox is a few pages and
 * opening it takes about a millisecond. */
static void forget_pages(outbox *o)
{
    sqlite3_close(o->db);
    o->db = NULL;
    char err[300];
    if (open_db(o, err, sizeof err) != 0)
        TRYGG_ERR("outbox: could not reopen: %s", err);
}

trygg_err outbox_add(outbox *o, const char *uuid, const char *body, uint64_t now_ms)
{
    if (!uuid || strlen(uuid) > OUTBOX_UUID_MAX || !body)
        return TRYGG_ERR_INVALID;
    /* Autocommit with synchronous=FULL: on TRYGG_OK the row is durable. */
    trygg_err e = write_sql(
        o, "INSERT INTO outbox(uuid, created, body, next_try) VALUES(?1, ?2, ?3, 0)",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(uuid), TRYGG_SQL_INT(now_ms), TRYGG_SQL_TEXT(body)), NULL);
    if (sqlite3_get_autocommit(o->db)) /* not inside outbox_add_ref's transaction */
        forget_pages(o);
    return e;
}

/* Inside the transaction: takes the next sequence number of prefix and
 * writes its reference to ref ("" when the prefix's numbers are used up). */
static trygg_err take_ref(outbox *o, const char *prefix, char ref[8])
{
    int64_t next = 0;
    trygg_sql_args p = TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(prefix));
    trygg_err e = read_row(o, "SELECT next FROM ref_seq WHERE prefix = ?1", p, read_int64, &next);
    if (e && e != TRYGG_ERR_NOTFOUND) /* no row yet: the prefix starts at 0 */
        return e;
    ref[0] = '\0';
    if (trygg_ref_kiosk(prefix, (long)next, ref) != TRYGG_OK)
        return TRYGG_OK; /* used up: no number until the server's next prefix */
    return write_sql(o,
                     "INSERT INTO ref_seq(prefix, next) VALUES(?1, ?2) "
                     "ON CONFLICT(prefix) DO UPDATE SET next = excluded.next",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(prefix), TRYGG_SQL_INT(next + 1)), NULL);
}

/* Runs sql (no result rows wanted). */
static trygg_err exec_sql(outbox *o, const char *sql)
{
    return trygg_sql_exec(o->db, sql, sql, o->errmsg, sizeof o->errmsg);
}

trygg_err outbox_add_ref(outbox *o, const char *uuid, const char *body, const char *prefix,
                         uint64_t now_ms, char ref[8])
{
    ref[0] = '\0';
    if (!uuid || strlen(uuid) > OUTBOX_UUID_MAX || !body || body[0] != '{')
        return TRYGG_ERR_INVALID;
    if (!prefix || !trygg_ref_prefix_valid(prefix))
        return outbox_add(o, uuid, body, now_ms);
    trygg_err e = exec_sql(o, "BEGIN IMMEDIATE");
    if (e)
        return e;
    char r[8] = "";
    e = take_ref(o, prefix, r);
    char *full = NULL;
    if (!e && r[0]) {
        /* The body is a JSON object: the reference goes in as its first
         * member, "ref" (docs/kiosk-api.md). */
        size_t n = strlen(body);
        full = malloc(n + 32);
        if (!full)
            e = TRYGG_ERR_NOMEM;
        else
            snprintf(full, n + 32, "{\"ref\":\"%s\"%s%s", r, body[1] == '}' ? "" : ",", body + 1);
    }
    if (!e)
        e = outbox_add(o, uuid, full ? full : body, now_ms);
    if (full) /* a resident's report */
        sodium_memzero(full, strlen(body) + 32);
    free(full);
    if (!e) {
        /* synchronous=FULL: on COMMIT the row and the sequence are durable. */
        e = exec_sql(o, "COMMIT");
        forget_pages(o);
    }
    if (e) {
        rollback(o->db);
        return e;
    }
    memcpy(ref, r, sizeof r);
    return TRYGG_OK;
}

/* The oldest due row's columns; body is malloc'd (NULL when out of memory). */
typedef struct {
    char uuid[OUTBOX_UUID_MAX + 1];
    char *body;
    int attempts;
} next_row;

static void read_next(sqlite3_stmt *s, void *row)
{
    next_row *r = row;
    const char *b = (const char *)sqlite3_column_text(s, 1);
    trygg_sql_col_text(s, 0, r->uuid, sizeof r->uuid);
    r->body = strdup(b ? b : "");
    r->attempts = sqlite3_column_int(s, 2);
}

int outbox_next(outbox *o, uint64_t now_ms, char *uuid, char **body, int *attempts)
{
    next_row r = {.body = NULL};
    trygg_err e = read_row(o,
                           "SELECT uuid, body, attempts FROM outbox WHERE state = 0 AND "
                           "next_try <= ?1 ORDER BY next_try, created LIMIT 1",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(now_ms)), read_next, &r);
    if (e)
        return e == TRYGG_ERR_NOTFOUND ? 0 : -1;
    memcpy(uuid, r.uuid, sizeof r.uuid);
    *body = r.body;
    *attempts = r.attempts;
    return r.body ? 1 : -1;
}

uint64_t outbox_next_due(outbox *o)
{
    int64_t due = -1;
    if (read_row(o, "SELECT min(next_try) FROM outbox WHERE state = 0", TRYGG_SQL_NO_ARGS,
                 read_int64, &due) != TRYGG_OK ||
        due < 0)
        return UINT64_MAX;
    return (uint64_t)due;
}

/* Runs a write on row uuid with ?2 = a and ?3 = text, then forgets the
 * connection's pages. */
static trygg_err exec_uuid(outbox *o, const char *sql, const char *uuid, int64_t a,
                           const char *text)
{
    trygg_err e = write_sql(
        o, sql, TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(uuid), TRYGG_SQL_INT(a), TRYGG_SQL_TEXT(text)), NULL);
    forget_pages(o);
    return e;
}

trygg_err outbox_done(outbox *o, const char *uuid)
{
    return exec_uuid(o, "DELETE FROM outbox WHERE uuid = ?1 AND ?2 = ?2 AND ?3 = ?3", uuid, 0,
                     NULL);
}

trygg_err outbox_retry(outbox *o, const char *uuid, uint64_t next_try, const char *err)
{
    return exec_uuid(o,
                     "UPDATE outbox SET attempts = attempts + 1, next_try = ?2, "
                     "last_error = substr(?3, 1, 200) WHERE uuid = ?1",
                     uuid, (int64_t)next_try, err);
}

trygg_err outbox_dead(outbox *o, const char *uuid, const char *err)
{
    return exec_uuid(o,
                     "UPDATE outbox SET state = 2, attempts = attempts + 1, "
                     "last_error = substr(?3, 1, 200) WHERE uuid = ?1 AND ?2 = ?2",
                     uuid, 0, err);
}

static int count(outbox *o, int state)
{
    int64_t n = -1;
    if (read_row(o, "SELECT count(*) FROM outbox WHERE state = ?1",
                 TRYGG_SQL_ARGS(TRYGG_SQL_INT(state)), read_int64, &n) != TRYGG_OK)
        n = -1;
    forget_pages(o);
    return (int)n;
}

int outbox_depth(outbox *o)
{
    return count(o, 0);
}

int outbox_dead_count(outbox *o)
{
    return count(o, 2);
}

int outbox_purge_dead(outbox *o, uint64_t before_ms)
{
    int changes = 0;
    if (write_sql(o, "DELETE FROM outbox WHERE state = 2 AND created < ?1",
                  TRYGG_SQL_ARGS(TRYGG_SQL_INT(before_ms)), &changes) != TRYGG_OK)
        return -1;
    return changes;
}
