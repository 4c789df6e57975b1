/*
 * local_store.c — the gateway's own SQLite file (local_store.h).
 */
#include "local_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/sqlite_util.h"

struct lstore {
    sqlite3 *db;
    char errmsg[256];
};

/* Every schema step; the file's PRAGMA user_version is the number done. */
static const char *const migrations[] = {
    /* v1 */
    "CREATE TABLE inbound ("
    " id INTEGER PRIMARY KEY,"
    " key TEXT NOT NULL UNIQUE,"
    " type TEXT NOT NULL DEFAULT 'sms',"
    " pseudonym TEXT NOT NULL DEFAULT '',"
    " text TEXT NOT NULL DEFAULT '',"
    " received INTEGER NOT NULL,"
    " smsc_time TEXT NOT NULL DEFAULT '',"
    " reachable INTEGER NOT NULL DEFAULT 1,"
    " national INTEGER NOT NULL DEFAULT 1,"
    " incomplete INTEGER NOT NULL DEFAULT 0,"
    " offline_ref TEXT NOT NULL DEFAULT '',"
    " answered INTEGER NOT NULL DEFAULT 0,"
    " offline_done INTEGER NOT NULL DEFAULT 0,"
    " state TEXT NOT NULL DEFAULT 'pending',"
    " answer TEXT NOT NULL DEFAULT '',"
    " updated INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX inbound_state ON inbound(state, id);"
    "CREATE TABLE parts (key TEXT PRIMARY KEY, at INTEGER NOT NULL);"
    "CREATE TABLE numbers ("
    " pseudonym TEXT PRIMARY KEY,"
    " cipher BLOB,"
    " stopped INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE sendq ("
    " id INTEGER PRIMARY KEY,"
    " server_id INTEGER UNIQUE,"
    " pseudonym TEXT NOT NULL,"
    " text TEXT NOT NULL,"
    " author TEXT NOT NULL DEFAULT '',"
    " urgent INTEGER NOT NULL DEFAULT 0,"
    " stop INTEGER NOT NULL DEFAULT 0,"
    " state TEXT NOT NULL DEFAULT 'pending',"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_try INTEGER NOT NULL DEFAULT 0,"
    " parts INTEGER NOT NULL DEFAULT 0,"
    " error TEXT NOT NULL DEFAULT '',"
    " reported INTEGER NOT NULL DEFAULT 0,"
    " created INTEGER NOT NULL DEFAULT (strftime('%s','now')));"
    "CREATE INDEX sendq_due ON sendq(state, next_try);"
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int ls_schema_latest(void)
{
    return NMIGRATIONS;
}

const char *ls_errmsg(const lstore *s)
{
    return s ? s->errmsg : "";
}

static trygg_err fail(lstore *s, int rc, const char *what)
{
    return trygg_sql_fail(s->db, rc, what, s->errmsg, sizeof s->errmsg);
}

static trygg_err exec(lstore *s, const char *sql)
{
    return trygg_sql_exec(s->db, sql, "exec", s->errmsg, sizeof s->errmsg);
}

static trygg_err prep(lstore *s, const char *sql, sqlite3_stmt **st)
{
    return trygg_sql_prepare(s->db, sql, st, s->errmsg, sizeof s->errmsg);
}

/* Steps a write to its end and finalizes it. */
static trygg_err run(lstore *s, sqlite3_stmt *st, const char *what)
{
    return trygg_sql_run(s->db, st, what, s->errmsg, sizeof s->errmsg);
}

int ls_schema_version(lstore *s)
{
    int v = -1;
    return trygg_sql_user_version(s->db, &v) == SQLITE_OK ? v : -1;
}

static trygg_err migrate(lstore *s)
{
    int v = ls_schema_version(s);
    if (v < 0)
        return fail(s, SQLITE_ERROR, "user_version");
    if (v > NMIGRATIONS) {
        snprintf(s->errmsg, sizeof s->errmsg, "schema %d is newer than this gateway's %d", v,
                 NMIGRATIONS);
        return TRYGG_ERR_DB;
    }
    for (; v < NMIGRATIONS; v++) {
        char pragma[48];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", v + 1);
        trygg_err e = exec(s, "BEGIN IMMEDIATE");
        if (!e)
            e = exec(s, migrations[v]);
        if (!e)
            e = exec(s, pragma);
        if (!e)
            e = exec(s, "COMMIT");
        if (e) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return e;
        }
    }
    return TRYGG_OK;
}

trygg_err ls_open(const char *path, lstore **out, char *err, size_t cap)
{
    *out = NULL;
    lstore *s = calloc(1, sizeof *s);
    if (!s)
        return TRYGG_ERR_NOMEM;
    trygg_err e = trygg_sql_open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &s->db,
                                 s->errmsg, sizeof s->errmsg);
    if (!e)
        e = trygg_sql_pragmas(s->db, path, s->errmsg, sizeof s->errmsg);
    if (!e)
        e = migrate(s);
    if (e) {
        snprintf(err, cap, "%s: %s", path, s->errmsg);
        ls_close(s);
        return e;
    }
    *out = s;
    return TRYGG_OK;
}

void ls_close(lstore *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    free(s);
}

trygg_err ls_begin(lstore *s)
{
    return exec(s, "BEGIN IMMEDIATE");
}

trygg_err ls_commit(lstore *s)
{
    trygg_err e = exec(s, "COMMIT");
    if (e)
        ls_rollback(s);
    return e;
}

void ls_rollback(lstore *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- numbers --------------------------------------------------------------- */

trygg_err ls_number_put(lstore *s, const char *pseudo, const unsigned char *cipher, int len)
{
    sqlite3_stmt *st;
    trygg_err e = prep(s,
                       "INSERT INTO numbers (pseudonym, cipher) VALUES (?1, ?2) "
                       "ON CONFLICT(pseudonym) DO UPDATE SET cipher = excluded.cipher "
                       "WHERE stopped = 0 AND (cipher IS NULL OR cipher <> excluded.cipher)",
                       &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, pseudo);
    if (cipher && len > 0)
        sqlite3_bind_blob(st, 2, cipher, len, SQLITE_TRANSIENT);
    return run(s, st, "number");
}

trygg_err ls_number_get(lstore *s, const char *pseudo, ls_number *out)
{
    sqlite3_stmt *st;
    trygg_err e = prep(s, "SELECT cipher, stopped FROM numbers WHERE pseudonym = ?1", &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, pseudo);
    memset(out, 0, sizeof *out);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        if (n > 0 && n <= (int)sizeof out->cipher) {
            memcpy(out->cipher, sqlite3_column_blob(st, 0), (size_t)n);
            out->cipher_len = n;
        }
        out->stopped = sqlite3_column_int(st, 1);
        e = TRYGG_OK;
    } else {
        e = rc == SQLITE_DONE ? TRYGG_ERR_NOTFOUND : fail(s, rc, "number");
    }
    sqlite3_finalize(st);
    return e;
}

trygg_err ls_number_stop(lstore *s, const char *pseudo)
{
    sqlite3_stmt *st;
    trygg_err e = prep(s,
                       "INSERT INTO numbers (pseudonym, cipher, stopped) VALUES (?1, NULL, 1) "
                       "ON CONFLICT(pseudonym) DO UPDATE SET cipher = NULL, stopped = 1",
                       &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, pseudo);
    e = run(s, st, "stop");
    if (e)
        return e;
    /* Nothing is ever sent to it again. */
    if ((e = prep(s,
                  "UPDATE sendq SET state = 'cancelled', error = 'recipient stopped' "
                  "WHERE pseudonym = ?1 AND state IN ('pending', 'failed') AND stop = 0",
                  &st)) != TRYGG_OK)
        return e;
    trygg_sql_bind_text(st, 1, pseudo);
    return run(s, st, "stop");
}

trygg_err ls_number_start(lstore *s, const char *pseudo, const unsigned char *cipher, int len)
{
    sqlite3_stmt *st;
    trygg_err e = prep(s,
                       "INSERT INTO numbers (pseudonym, cipher, stopped) VALUES (?1, ?2, 0) "
                       "ON CONFLICT(pseudonym) DO UPDATE SET cipher = excluded.cipher, stopped = 0",
                       &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, pseudo);
    sqlite3_bind_blob(st, 2, cipher, len, SQLITE_TRANSIENT);
    return run(s, st, "start");
}

/* ---- inbound ----------------------------------------------------------------- */

#define INBOUND_COLS                                                                               \
    "id, key, type, pseudonym, text, received, smsc_time, reachable, national, incomplete, "       \
    "offline_ref, answered, offline_done, state"

static void read_inbound(sqlite3_stmt *st, void *row)
{
    ls_inbound *m = row;
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(st, 0);
    trygg_sql_col_text(st, 1, m->key, sizeof m->key);
    trygg_sql_col_text(st, 2, m->type, sizeof m->type);
    trygg_sql_col_text(st, 3, m->pseudo, sizeof m->pseudo);
    trygg_sql_col_text(st, 4, m->text, sizeof m->text);
    m->received = sqlite3_column_int64(st, 5);
    trygg_sql_col_text(st, 6, m->stamp, sizeof m->stamp);
    m->reachable = sqlite3_column_int(st, 7);
    m->national = sqlite3_column_int(st, 8);
    m->incomplete = sqlite3_column_int(st, 9);
    trygg_sql_col_text(st, 10, m->offline_ref, sizeof m->offline_ref);
    m->answered = sqlite3_column_int(st, 11);
    m->offline_done = sqlite3_column_int(st, 12);
    trygg_sql_col_text(st, 13, m->state, sizeof m->state);
}

trygg_err ls_inbound_add(lstore *s, const ls_inbound *m, int *added)
{
    sqlite3_stmt *st;
    *added = 0;
    trygg_err e = prep(s,
                       "INSERT OR IGNORE INTO inbound (key, type, pseudonym, text, received, "
                       "smsc_time, reachable, national, incomplete, updated) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?5)",
                       &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, m->key);
    trygg_sql_bind_text(st, 2, m->type[0] ? m->type : "sms");
    trygg_sql_bind_text(st, 3, m->pseudo);
    trygg_sql_bind_text(st, 4, m->text);
    sqlite3_bind_int64(st, 5, m->received);
    trygg_sql_bind_text(st, 6, m->stamp);
    sqlite3_bind_int(st, 7, m->reachable);
    sqlite3_bind_int(st, 8, m->national);
    sqlite3_bind_int(st, 9, m->incomplete);
    e = run(s, st, "inbound");
    if (!e)
        *added = sqlite3_changes(s->db) > 0;
    return e;
}

static trygg_err collect_inbound(lstore *s, sqlite3_stmt *st, ls_inbound *out, int max, int *n)
{
    return trygg_sql_collect(s->db, st, out, sizeof *out, max, read_inbound, n, "inbound",
                             s->errmsg, sizeof s->errmsg);
}

/* Pending messages (and `and`, more of the WHERE clause), oldest first. */
static trygg_err inbound_pending(lstore *s, const char *sql, ls_inbound *out, int max, int *n)
{
    sqlite3_stmt *st;
    *n = 0;
    trygg_err e = prep(s, sql, &st);
    if (e)
        return e;
    sqlite3_bind_int(st, 1, max);
    return collect_inbound(s, st, out, max, n);
}

trygg_err ls_inbound_pending(lstore *s, ls_inbound *out, int max, int *n)
{
    return inbound_pending(
        s, "SELECT " INBOUND_COLS " FROM inbound WHERE state = 'pending' ORDER BY id LIMIT ?1", out,
        max, n);
}

trygg_err ls_inbound_undecided(lstore *s, ls_inbound *out, int max, int *n)
{
    return inbound_pending(s,
                           "SELECT " INBOUND_COLS " FROM inbound WHERE state = 'pending' "
                           "AND offline_done = 0 ORDER BY id LIMIT ?1",
                           out, max, n);
}

trygg_err ls_inbound_get(lstore *s, const char *key, ls_inbound *out)
{
    sqlite3_stmt *st;
    int n = 0;
    trygg_err e = prep(s, "SELECT " INBOUND_COLS " FROM inbound WHERE key = ?1", &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, key);
    e = collect_inbound(s, st, out, 1, &n);
    return e ? e : n ? TRYGG_OK : TRYGG_ERR_NOTFOUND;
}

trygg_err ls_inbound_done(lstore *s, int64_t id, const char *state, const char *answer)
{
    sqlite3_stmt *st;
    trygg_err e = prep(s,
                       "UPDATE inbound SET state = ?1, answer = ?2, "
                       "updated = strftime('%s','now') WHERE id = ?3",
                       &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, state);
    trygg_sql_bind_text(st, 2, answer);
    sqlite3_bind_int64(st, 3, id);
    return run(s, st, "inbound");
}

trygg_err ls_inbound_offline(lstore *s, int64_t id, const char *ref, int answered)
{
    sqlite3_stmt *st;
    trygg_err e = prep(s,
                       "UPDATE inbound SET offline_ref = ?1, answered = ?2, offline_done = 1 "
                       "WHERE id = ?3",
                       &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, ref);
    sqlite3_bind_int(st, 2, answered);
    sqlite3_bind_int64(st, 3, id);
    return run(s, st, "inbound");
}

/* The one number a SELECT count(*) statement gives, into *n; finalizes it. */
static trygg_err count_of(lstore *s, sqlite3_stmt *st, int *n)
{
    int64_t v;
    trygg_err e = trygg_sql_int64(s->db, st, &v, "count", s->errmsg, sizeof s->errmsg);
    if (!e)
        *n = (int)v;
    return e;
}

trygg_err ls_inbound_count(lstore *s, const char *state, int *n)
{
    sqlite3_stmt *st;
    *n = 0;
    trygg_err e = prep(s, "SELECT count(*) FROM inbound WHERE state = ?1", &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, state);
    return count_of(s, st, n);
}

/* ---- parts --------------------------------------------------------------------- */

int ls_part_seen(lstore *s, const char *key)
{
    sqlite3_stmt *st;
    if (prep(s, "SELECT 1 FROM parts WHERE key = ?1", &st) != TRYGG_OK)
        return 0;
    trygg_sql_bind_text(st, 1, key);
    int seen = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return seen;
}

trygg_err ls_part_put(lstore *s, const char *key, int64_t at)
{
    sqlite3_stmt *st;
    trygg_err e = prep(s, "INSERT OR IGNORE INTO parts (key, at) VALUES (?1, ?2)", &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, key);
    sqlite3_bind_int64(st, 2, at);
    return run(s, st, "part");
}

/* ---- send queue ------------------------------------------------------------------ */

#define SEND_COLS                                                                                  \
    "id, coalesce(server_id, 0), pseudonym, text, author, urgent, stop, attempts, next_try, "      \
    "state, parts, error"

static void read_send(sqlite3_stmt *st, void *row)
{
    ls_send *m = row;
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(st, 0);
    m->server_id = sqlite3_column_int64(st, 1);
    trygg_sql_col_text(st, 2, m->pseudo, sizeof m->pseudo);
    trygg_sql_col_text(st, 3, m->text, sizeof m->text);
    trygg_sql_col_text(st, 4, m->author, sizeof m->author);
    m->urgent = sqlite3_column_int(st, 5);
    m->stop = sqlite3_column_int(st, 6);
    m->attempts = sqlite3_column_int(st, 7);
    m->next_try = sqlite3_column_int64(st, 8);
    trygg_sql_col_text(st, 9, m->state, sizeof m->state);
    m->parts = sqlite3_column_int(st, 10);
    trygg_sql_col_text(st, 11, m->error, sizeof m->error);
}

static trygg_err collect_send(lstore *s, sqlite3_stmt *st, ls_send *out, int max, int *n)
{
    return trygg_sql_collect(s->db, st, out, sizeof *out, max, read_send, n, "sendq", s->errmsg,
                             sizeof s->errmsg);
}

trygg_err ls_send_add(lstore *s, const ls_send *m, int *added)
{
    sqlite3_stmt *st;
    *added = 0;
    trygg_err e = prep(s,
                       "INSERT OR IGNORE INTO sendq (server_id, pseudonym, text, author, urgent, "
                       "stop) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       &st);
    if (e)
        return e;
    if (m->server_id > 0)
        sqlite3_bind_int64(st, 1, m->server_id);
    trygg_sql_bind_text(st, 2, m->pseudo);
    trygg_sql_bind_text(st, 3, m->text);
    trygg_sql_bind_text(st, 4, m->author);
    sqlite3_bind_int(st, 5, m->urgent);
    sqlite3_bind_int(st, 6, m->stop);
    e = run(s, st, "sendq");
    if (!e)
        *added = sqlite3_changes(s->db) > 0;
    return e;
}

trygg_err ls_send_due(lstore *s, int64_t now, ls_send *out, int max, int *n)
{
    sqlite3_stmt *st;
    *n = 0;
    trygg_err e = prep(s,
                       "SELECT " SEND_COLS " FROM sendq WHERE state IN ('pending', 'failed') "
                       "AND next_try <= ?1 ORDER BY urgent DESC, next_try, id LIMIT ?2",
                       &st);
    if (e)
        return e;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, max);
    return collect_send(s, st, out, max, n);
}

trygg_err ls_send_mark(lstore *s, int64_t id, const char *state, int parts, const char *error,
                       int64_t next_try)
{
    sqlite3_stmt *st;
    trygg_err e = prep(s,
                       "UPDATE sendq SET state = ?1, parts = ?2, error = ?3, next_try = ?4, "
                       "attempts = attempts + (?1 IN ('sent', 'failed', 'dead')) WHERE id = ?5",
                       &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, state);
    sqlite3_bind_int(st, 2, parts);
    trygg_sql_bind_text(st, 3, error);
    sqlite3_bind_int64(st, 4, next_try);
    sqlite3_bind_int64(st, 5, id);
    return run(s, st, "sendq");
}

trygg_err ls_send_unreported(lstore *s, ls_send *out, int max, int *n)
{
    sqlite3_stmt *st;
    *n = 0;
    trygg_err e = prep(s,
                       "SELECT " SEND_COLS " FROM sendq WHERE server_id IS NOT NULL "
                       "AND reported = 0 AND state IN ('sent', 'dead', 'cancelled') "
                       "ORDER BY id LIMIT ?1",
                       &st);
    if (e)
        return e;
    sqlite3_bind_int(st, 1, max);
    return collect_send(s, st, out, max, n);
}

trygg_err ls_send_get_server(lstore *s, int64_t server_id, ls_send *out)
{
    sqlite3_stmt *st;
    trygg_err e = prep(s, "SELECT " SEND_COLS " FROM sendq WHERE server_id = ?1", &st);
    if (e)
        return e;
    sqlite3_bind_int64(st, 1, server_id);
    int n = 0;
    e = collect_send(s, st, out, 1, &n);
    return !e && n == 0 ? TRYGG_ERR_NOTFOUND : e;
}

trygg_err ls_send_reported(lstore *s, int64_t id)
{
    sqlite3_stmt *st;
    trygg_err e = prep(s, "UPDATE sendq SET reported = 1 WHERE id = ?1", &st);
    if (e)
        return e;
    sqlite3_bind_int64(st, 1, id);
    return run(s, st, "sendq");
}

trygg_err ls_send_count_since(lstore *s, const char *pseudo, int64_t since, int *n)
{
    sqlite3_stmt *st;
    *n = 0;
    trygg_err e = prep(s, "SELECT count(*) FROM sendq WHERE pseudonym = ?1 AND created >= ?2", &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, pseudo);
    sqlite3_bind_int64(st, 2, since);
    return count_of(s, st, n);
}

/* ---- retention ------------------------------------------------------------------------ */

trygg_err ls_purge(lstore *s, int64_t now, int *n)
{
    /* Bound parameters: ?1 = uploaded cutoff, ?2 = sent cutoff. */
    static const char *const sql[] = {
        "DELETE FROM inbound WHERE state <> 'pending' AND received <= ?1",
        "DELETE FROM parts WHERE at <= ?1",
        "DELETE FROM sendq WHERE state IN ('sent', 'dead', 'cancelled') AND created <= ?2"
        " AND (reported = 1 OR server_id IS NULL OR server_id = 0)",
    };
    *n = 0;
    trygg_err e = TRYGG_OK;
    for (size_t i = 0; !e && i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *st;
        e = prep(s, sql[i], &st);
        if (e)
            break;
        sqlite3_bind_int64(st, 1, now - (int64_t)LS_KEEP_UPLOADED_DAYS * 86400);
        if (sqlite3_bind_parameter_count(st) >= 2)
            sqlite3_bind_int64(st, 2, now - (int64_t)LS_KEEP_SENT_DAYS * 86400);
        e = run(s, st, "purge");
        if (!e)
            *n += sqlite3_changes(s->db);
    }
    return e;
}

trygg_err ls_numbers_idle(lstore *s, const char *after, char (*out)[TRYGG_PSEUDO_HEX + 1], int max,
                          int *n)
{
    sqlite3_stmt *st;
    *n = 0;
    trygg_err e = prep(s,
                       "SELECT pseudonym FROM numbers WHERE pseudonym > ?1"
                       " AND NOT EXISTS (SELECT 1 FROM inbound WHERE inbound.pseudonym ="
                       " numbers.pseudonym AND inbound.state = 'pending')"
                       " AND NOT EXISTS (SELECT 1 FROM sendq WHERE sendq.pseudonym ="
                       " numbers.pseudonym AND (sendq.state IN ('pending', 'failed')"
                       " OR (sendq.reported = 0 AND sendq.server_id > 0)))"
                       " ORDER BY pseudonym LIMIT ?2",
                       &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, after);
    sqlite3_bind_int(st, 2, max);
    int rc;
    while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
        trygg_sql_col_text(st, 0, out[(*n)++], TRYGG_PSEUDO_HEX + 1);
    if (*n < max && rc != SQLITE_DONE)
        e = fail(s, rc, "idle numbers");
    sqlite3_finalize(st);
    return e;
}

trygg_err ls_number_forget(lstore *s, const char *pseudo)
{
    sqlite3_stmt *st;
    trygg_err e = prep(s, "DELETE FROM numbers WHERE pseudonym = ?1", &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, pseudo);
    return run(s, st, "forget");
}

/* ---- meta ---------------------------------------------------------------------------- */

trygg_err ls_meta_get(lstore *s, const char *name, char *out, size_t cap)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    trygg_err e = prep(s, "SELECT value FROM meta WHERE name = ?1", &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        trygg_sql_col_text(st, 0, out, cap);
    else if (rc != SQLITE_DONE)
        e = fail(s, rc, "meta");
    sqlite3_finalize(st);
    return e;
}

trygg_err ls_meta_set(lstore *s, const char *name, const char *value)
{
    sqlite3_stmt *st;
    trygg_err e = prep(s, "INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2)", &st);
    if (e)
        return e;
    trygg_sql_bind_text(st, 1, name);
    trygg_sql_bind_text(st, 2, value);
    return run(s, st, "meta");
}

trygg_err ls_next_seq(lstore *s, long *seq)
{
    char v[32];
    trygg_err e = ls_meta_get(s, "offline_seq", v, sizeof v);
    if (e)
        return e;
    *seq = v[0] ? strtol(v, NULL, 10) : 0;
    snprintf(v, sizeof v, "%ld", *seq + 1);
    return ls_meta_set(s, "offline_seq", v);
}

trygg_err ls_test_limit_pages(lstore *s, int extra)
{
    char sql[96];
    if (extra < 0) {
        snprintf(sql, sizeof sql, "PRAGMA max_page_count = 1073741823");
    } else {
        sqlite3_stmt *st;
        int pages = 0;
        if (prep(s, "PRAGMA page_count", &st) == TRYGG_OK) {
            if (sqlite3_step(st) == SQLITE_ROW)
                pages = sqlite3_column_int(st, 0);
            sqlite3_finalize(st);
        }
        snprintf(sql, sizeof sql, "PRAGMA max_page_count = %d", pages + extra);
    }
    return exec(s, sql);
}
