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

/* Brings the file to the newest version in one transaction (so two handles
 * opening a fresh file migrate it once). 0, or -1 with the reason in err[cap]. */
static int migrate(sqlite3 *db, const char *path, char *err, size_t cap)
{
    char *msg = NULL;
    int v = 0, rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        rc = trygg_sql_user_version(db, &v);
    if (rc == SQLITE_OK && v > MIGRATION_COUNT) {
        snprintf(err, cap, "%s: outbox schema version %d is newer than this kiosk's (%d)", path, v,
                 MIGRATION_COUNT);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    for (; rc == SQLITE_OK && v < MIGRATION_COUNT; v++) {
        char pragma[40];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        rc = sqlite3_exec(db, migrations[v], NULL, NULL, &msg);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, pragma, NULL, NULL, &msg);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        return 0;
    snprintf(err, cap, "%s: %s", path, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
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

/* The trygg_err of a failed SQLite call on the outbox. */
static trygg_err db_err(outbox *o, int rc)
{
    return trygg_sql_map(o->db, rc);
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
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(
        o->db, "INSERT INTO outbox(uuid, created, body, next_try) VALUES(?1, ?2, ?3, 0)", -1, &st,
        NULL);
    if (rc != SQLITE_OK)
        return db_err(o, rc);
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)now_ms);
    sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    /* Autocommit with synchronous=FULL: on SQLITE_DONE the row is durable. */
    trygg_err e = rc == SQLITE_DONE ? TRYGG_OK : db_err(o, rc);
    if (sqlite3_get_autocommit(o->db)) /* not inside outbox_add_ref's transaction */
        forget_pages(o);
    return e;
}

/* Runs sql (no result rows wanted); SQLite's result code. */
static int exec_sql(outbox *o, const char *sql)
{
    return sqlite3_exec(o->db, sql, NULL, NULL, NULL);
}

/* Inside the transaction: takes the next sequence number of prefix and
 * writes its reference to ref ("" when the prefix's numbers are used up). */
static int take_ref(outbox *o, const char *prefix, char ref[8])
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(o->db, "SELECT next FROM ref_seq WHERE prefix = ?1", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    long next = 0;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        next = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return rc;
    ref[0] = '\0';
    if (trygg_ref_kiosk(prefix, next, ref) != TRYGG_OK)
        return SQLITE_OK; /* used up: no number until the server's next prefix */
    rc = sqlite3_prepare_v2(o->db,
                            "INSERT INTO ref_seq(prefix, next) VALUES(?1, ?2) "
                            "ON CONFLICT(prefix) DO UPDATE SET next = excluded.next",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)next + 1);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

trygg_err outbox_add_ref(outbox *o, const char *uuid, const char *body, const char *prefix,
                         uint64_t now_ms, char ref[8])
{
    ref[0] = '\0';
    if (!uuid || strlen(uuid) > OUTBOX_UUID_MAX || !body || body[0] != '{')
        return TRYGG_ERR_INVALID;
    if (!prefix || !trygg_ref_prefix_valid(prefix))
        return outbox_add(o, uuid, body, now_ms);
    int rc = exec_sql(o, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return db_err(o, rc);
    char r[8] = "";
    rc = take_ref(o, prefix, r);
    char *full = NULL;
    if (rc == SQLITE_OK && r[0]) {
        /* The body is a JSON object: the reference goes in as its first
         * member, "ref" (docs/kiosk-api.md). */
        size_t n = strlen(body);
        full = malloc(n + 32);
        if (!full)
            rc = SQLITE_NOMEM;
        else
            snprintf(full, n + 32, "{\"ref\":\"%s\"%s%s", r, body[1] == '}' ? "" : ",", body + 1);
    }
    trygg_err e = rc == SQLITE_OK ? outbox_add(o, uuid, full ? full : body, now_ms) : db_err(o, rc);
    if (full) /* a resident's report */
        sodium_memzero(full, strlen(body) + 32);
    free(full);
    if (e == TRYGG_OK) {
        /* synchronous=FULL: on COMMIT the row and the sequence are durable. */
        rc = exec_sql(o, "COMMIT");
        if (rc != SQLITE_OK)
            e = db_err(o, rc);
        forget_pages(o);
    }
    if (e != TRYGG_OK) {
        exec_sql(o, "ROLLBACK");
        return e;
    }
    memcpy(ref, r, sizeof r);
    return TRYGG_OK;
}

int outbox_next(outbox *o, uint64_t now_ms, char *uuid, char **body, int *attempts)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(o->db,
                           "SELECT uuid, body, attempts FROM outbox WHERE state = 0 AND "
                           "next_try <= ?1 ORDER BY next_try, created LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)now_ms);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) {
        const char *u = (const char *)sqlite3_column_text(st, 0);
        const char *b = (const char *)sqlite3_column_text(st, 1);
        snprintf(uuid, OUTBOX_UUID_MAX + 1, "%s", u ? u : "");
        *body = strdup(b ? b : "");
        *attempts = sqlite3_column_int(st, 2);
        found = *body ? 1 : -1;
    } else if (rc != SQLITE_DONE) {
        found = -1;
    }
    sqlite3_finalize(st);
    return found;
}

uint64_t outbox_next_due(outbox *o)
{
    sqlite3_stmt *st;
    uint64_t due = UINT64_MAX;
    if (sqlite3_prepare_v2(o->db, "SELECT min(next_try) FROM outbox WHERE state = 0", -1, &st,
                           NULL) != SQLITE_OK)
        return due;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        due = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return due;
}

static trygg_err exec_uuid(outbox *o, const char *sql, const char *uuid, sqlite3_int64 a,
                           const char *text)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(o->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return db_err(o, rc);
    sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, a);
    sqlite3_bind_text(st, 3, text ? text : "", -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    trygg_err e = rc == SQLITE_DONE ? TRYGG_OK : db_err(o, rc);
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
                     uuid, (sqlite3_int64)next_try, err);
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
    sqlite3_stmt *st;
    int n = -1;
    if (sqlite3_prepare_v2(o->db, "SELECT count(*) FROM outbox WHERE state = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_int(st, 1, state);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    forget_pages(o);
    return n;
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
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(o->db, "DELETE FROM outbox WHERE state = 2 AND created < ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)before_ms);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? sqlite3_changes(o->db) : -1;
}
