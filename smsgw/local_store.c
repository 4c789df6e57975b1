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
    trygg_sql_cache cache; /* every statement below is prepared once and kept */
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
    /* v2: delivery reports. mr = the message reference of the last part
     * sent (-1 none); sent_at = when it was sent; the report turns state
     * 'sent' into 'delivered' or 'undelivered' (and reported back to 0). */
    "ALTER TABLE sendq ADD COLUMN mr INTEGER NOT NULL DEFAULT -1;"
    "ALTER TABLE sendq ADD COLUMN sent_at INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX sendq_report ON sendq(pseudonym, mr) WHERE state = 'sent';",
    /* v3: two modems ([modem2], docs/smsgw.md "Two modems"). inbound.modem:
     * the modem a message came in on; numbers.modem: the one the number
     * last wrote to (its replies prefer it); sendq.modem: the one a row
     * was sent on (0 not yet): a status report matches only rows sent on
     * the modem that read it, since each modem numbers its own references. */
    "ALTER TABLE inbound ADD COLUMN modem INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE numbers ADD COLUMN modem INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE sendq ADD COLUMN modem INTEGER NOT NULL DEFAULT 0;"
    "DROP INDEX sendq_report;"
    "CREATE INDEX sendq_report ON sendq(pseudonym, modem, mr) WHERE state = 'sent';",
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

/* Runs one write with its parameters; *changes (may be NULL) gets the rows
 * it changed. */
static trygg_err write_sql_n(lstore *s, const char *sql, trygg_sql_args a, int *changes,
                             const char *what)
{
    return trygg_sql_cache_write(&s->cache, s->db, sql, a, changes, what, s->errmsg,
                                 sizeof s->errmsg);
}

static trygg_err write_sql(lstore *s, const char *sql, trygg_sql_args a, const char *what)
{
    return write_sql_n(s, sql, a, NULL, what);
}

/* Reads the first row of sql (TRYGG_ERR_NOTFOUND when none). */
static trygg_err row(lstore *s, const char *sql, trygg_sql_args a,
                     void (*read)(sqlite3_stmt *st, void *row), void *out, const char *what)
{
    return trygg_sql_cache_row(&s->cache, s->db, sql, a, read, out, what, s->errmsg,
                               sizeof s->errmsg);
}

/* Collects up to max rows of sql. */
static trygg_err select_rows(lstore *s, const char *sql, trygg_sql_args a, void *out, size_t size,
                             int max, void (*read)(sqlite3_stmt *st, void *row), int *n,
                             const char *what)
{
    return trygg_sql_cache_select(&s->cache, s->db, sql, a, out, size, max, read, n, what,
                                  s->errmsg, sizeof s->errmsg);
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
    trygg_sql_cache_clear(&s->cache);
    sqlite3_close(s->db);
    free(s);
}

/* A statement without parameters, kept (the transaction statements). */
static trygg_err exec_kept(lstore *s, const char *sql)
{
    return trygg_sql_cache_exec(&s->cache, s->db, sql, "exec", s->errmsg, sizeof s->errmsg);
}

uint64_t ls_prepares(const lstore *s)
{
    return s->cache.prepares;
}

trygg_err ls_begin(lstore *s)
{
    return exec_kept(s, "BEGIN IMMEDIATE");
}

trygg_err ls_commit(lstore *s)
{
    trygg_err e = exec_kept(s, "COMMIT");
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
    return write_sql(s,
                     "INSERT INTO numbers (pseudonym, cipher) VALUES (?1, ?2) "
                     "ON CONFLICT(pseudonym) DO UPDATE SET cipher = excluded.cipher "
                     "WHERE stopped = 0 AND (cipher IS NULL OR cipher <> excluded.cipher)",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudo), TRYGG_SQL_BLOB(cipher, len)), "number");
}

static void read_number(sqlite3_stmt *st, void *row)
{
    ls_number *out = row;
    int n = sqlite3_column_bytes(st, 0);
    if (n > 0 && n <= (int)sizeof out->cipher) {
        memcpy(out->cipher, sqlite3_column_blob(st, 0), (size_t)n);
        out->cipher_len = n;
    }
    out->stopped = sqlite3_column_int(st, 1);
    out->modem = sqlite3_column_int(st, 2);
}

trygg_err ls_number_get(lstore *s, const char *pseudo, ls_number *out)
{
    memset(out, 0, sizeof *out);
    return row(s, "SELECT cipher, stopped, modem FROM numbers WHERE pseudonym = ?1",
               TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudo)), read_number, out, "number");
}

trygg_err ls_number_modem(lstore *s, const char *pseudo, int modem)
{
    return write_sql(s, "UPDATE numbers SET modem = ?2 WHERE pseudonym = ?1 AND modem <> ?2",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudo), TRYGG_SQL_INT(modem)), "number");
}

trygg_err ls_number_stop(lstore *s, const char *pseudo)
{
    trygg_sql_args who = TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudo));
    trygg_err e = write_sql(s,
                            "INSERT INTO numbers (pseudonym, cipher, stopped) VALUES (?1, NULL, 1) "
                            "ON CONFLICT(pseudonym) DO UPDATE SET cipher = NULL, stopped = 1",
                            who, "stop");
    if (e)
        return e;
    /* Nothing is ever sent to it again. */
    return write_sql(s,
                     "UPDATE sendq SET state = 'cancelled', error = 'recipient stopped' "
                     "WHERE pseudonym = ?1 AND state IN ('pending', 'failed') AND stop = 0",
                     who, "stop");
}

trygg_err ls_number_start(lstore *s, const char *pseudo, const unsigned char *cipher, int len)
{
    return write_sql(s,
                     "INSERT INTO numbers (pseudonym, cipher, stopped) VALUES (?1, ?2, 0) "
                     "ON CONFLICT(pseudonym) DO UPDATE SET cipher = excluded.cipher, stopped = 0",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudo), TRYGG_SQL_BLOB(cipher, len)), "start");
}

/* ---- inbound ----------------------------------------------------------------- */

#define INBOUND_COLS                                                                               \
    "id, key, type, pseudonym, text, received, smsc_time, reachable, national, incomplete, "       \
    "offline_ref, answered, offline_done, state"

static const trygg_sql_field inbound_fields[] = {
    TRYGG_SQL_FINT(ls_inbound, id),           TRYGG_SQL_FTEXT(ls_inbound, key),
    TRYGG_SQL_FTEXT(ls_inbound, type),        TRYGG_SQL_FTEXT(ls_inbound, pseudo),
    TRYGG_SQL_FTEXT(ls_inbound, text),        TRYGG_SQL_FINT(ls_inbound, received),
    TRYGG_SQL_FTEXT(ls_inbound, stamp),       TRYGG_SQL_FINT(ls_inbound, reachable),
    TRYGG_SQL_FINT(ls_inbound, national),     TRYGG_SQL_FINT(ls_inbound, incomplete),
    TRYGG_SQL_FTEXT(ls_inbound, offline_ref), TRYGG_SQL_FINT(ls_inbound, answered),
    TRYGG_SQL_FINT(ls_inbound, offline_done), TRYGG_SQL_FTEXT(ls_inbound, state)};

static void read_inbound(sqlite3_stmt *st, void *row)
{
    TRYGG_SQL_READ(st, inbound_fields, row, sizeof(ls_inbound));
}

trygg_err ls_inbound_add(lstore *s, const ls_inbound *m, int *added)
{
    int changes = 0;
    trygg_err e = write_sql_n(
        s,
        "INSERT OR IGNORE INTO inbound (key, type, pseudonym, text, received, "
        "smsc_time, reachable, national, incomplete, updated, modem) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?5, ?10)",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(m->key), TRYGG_SQL_TEXT(m->type[0] ? m->type : "sms"),
                       TRYGG_SQL_TEXT(m->pseudo), TRYGG_SQL_TEXT(m->text),
                       TRYGG_SQL_INT(m->received), TRYGG_SQL_TEXT(m->stamp),
                       TRYGG_SQL_INT(m->reachable), TRYGG_SQL_INT(m->national),
                       TRYGG_SQL_INT(m->incomplete), TRYGG_SQL_INT(m->modem > 0 ? m->modem : 1)),
        &changes, "inbound");
    *added = changes > 0;
    return e;
}

/* The inbound rows of sql with parameters a. */
static trygg_err inbound_rows(lstore *s, const char *sql, trygg_sql_args a, ls_inbound *out,
                              int max, int *n)
{
    return select_rows(s, sql, a, out, sizeof *out, max, read_inbound, n, "inbound");
}

/* Pending messages (and `and`, more of the WHERE clause), oldest first. */
static trygg_err inbound_pending(lstore *s, const char *sql, ls_inbound *out, int max, int *n)
{
    return inbound_rows(s, sql, TRYGG_SQL_ARGS(TRYGG_SQL_INT(max)), out, max, n);
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
    int n = 0;
    trygg_err e = inbound_rows(s, "SELECT " INBOUND_COLS " FROM inbound WHERE key = ?1",
                               TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key)), out, 1, &n);
    return e ? e : n ? TRYGG_OK : TRYGG_ERR_NOTFOUND;
}

trygg_err ls_inbound_done(lstore *s, int64_t id, const char *state, const char *answer)
{
    return write_sql(
        s,
        "UPDATE inbound SET state = ?1, answer = ?2, "
        "updated = strftime('%s','now') WHERE id = ?3",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(state), TRYGG_SQL_TEXT(answer), TRYGG_SQL_INT(id)),
        "inbound");
}

trygg_err ls_inbound_offline(lstore *s, int64_t id, const char *ref, int answered)
{
    return write_sql(
        s,
        "UPDATE inbound SET offline_ref = ?1, answered = ?2, offline_done = 1 "
        "WHERE id = ?3",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(ref), TRYGG_SQL_INT(answered), TRYGG_SQL_INT(id)), "inbound");
}

static void read_int(sqlite3_stmt *st, void *row)
{
    *(int *)row = sqlite3_column_int(st, 0);
}

/* The one number a SELECT count(*) statement with parameters a gives. */
static trygg_err count_of(lstore *s, const char *sql, trygg_sql_args a, int *n)
{
    *n = 0;
    trygg_err e = row(s, sql, a, read_int, n, "count");
    return e == TRYGG_ERR_NOTFOUND ? TRYGG_OK : e;
}

trygg_err ls_inbound_count(lstore *s, const char *state, int *n)
{
    return count_of(s, "SELECT count(*) FROM inbound WHERE state = ?1",
                    TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(state)), n);
}

/* ---- parts --------------------------------------------------------------------- */

/* The reader of a lookup that only asks whether a row exists. */
static void read_nothing(sqlite3_stmt *st, void *row)
{
    (void)st;
    (void)row;
}

int ls_part_seen(lstore *s, const char *key)
{
    return row(s, "SELECT 1 FROM parts WHERE key = ?1", TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key)),
               read_nothing, NULL, "part") == TRYGG_OK;
}

trygg_err ls_part_put(lstore *s, const char *key, int64_t at)
{
    return write_sql(s, "INSERT OR IGNORE INTO parts (key, at) VALUES (?1, ?2)",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key), TRYGG_SQL_INT(at)), "part");
}

/* ---- send queue ------------------------------------------------------------------ */

#define SEND_COLS                                                                                  \
    "id, coalesce(server_id, 0), pseudonym, text, author, urgent, stop, attempts, next_try, "      \
    "state, parts, error"

static const trygg_sql_field send_fields[] = {
    TRYGG_SQL_FINT(ls_send, id),       TRYGG_SQL_FINT(ls_send, server_id),
    TRYGG_SQL_FTEXT(ls_send, pseudo),  TRYGG_SQL_FTEXT(ls_send, text),
    TRYGG_SQL_FTEXT(ls_send, author),  TRYGG_SQL_FINT(ls_send, urgent),
    TRYGG_SQL_FINT(ls_send, stop),     TRYGG_SQL_FINT(ls_send, attempts),
    TRYGG_SQL_FINT(ls_send, next_try), TRYGG_SQL_FTEXT(ls_send, state),
    TRYGG_SQL_FINT(ls_send, parts),    TRYGG_SQL_FTEXT(ls_send, error)};

static void read_send(sqlite3_stmt *st, void *row)
{
    TRYGG_SQL_READ(st, send_fields, row, sizeof(ls_send));
}

/* The send-queue rows of sql with parameters a. */
static trygg_err send_rows(lstore *s, const char *sql, trygg_sql_args a, ls_send *out, int max,
                           int *n)
{
    return select_rows(s, sql, a, out, sizeof *out, max, read_send, n, "sendq");
}

trygg_err ls_send_add(lstore *s, const ls_send *m, int *added)
{
    int changes = 0;
    trygg_err e = write_sql_n(
        s,
        "INSERT OR IGNORE INTO sendq (server_id, pseudonym, text, author, urgent, "
        "stop) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        TRYGG_SQL_ARGS(m->server_id > 0 ? TRYGG_SQL_INT(m->server_id) : TRYGG_SQL_NULL,
                       TRYGG_SQL_TEXT(m->pseudo), TRYGG_SQL_TEXT(m->text),
                       TRYGG_SQL_TEXT(m->author), TRYGG_SQL_INT(m->urgent), TRYGG_SQL_INT(m->stop)),
        &changes, "sendq");
    *added = changes > 0;
    return e;
}

trygg_err ls_send_due(lstore *s, int64_t now, ls_send *out, int max, int *n)
{
    return send_rows(s,
                     "SELECT " SEND_COLS " FROM sendq WHERE state IN ('pending', 'failed') "
                     "AND next_try <= ?1 ORDER BY urgent DESC, next_try, id LIMIT ?2",
                     TRYGG_SQL_ARGS(TRYGG_SQL_INT(now), TRYGG_SQL_INT(max)), out, max, n);
}

trygg_err ls_send_mark(lstore *s, int64_t id, const char *state, int parts, const char *error,
                       int64_t next_try)
{
    return write_sql(s,
                     "UPDATE sendq SET state = ?1, parts = ?2, error = ?3, next_try = ?4, "
                     "attempts = attempts + (?1 IN ('sent', 'failed', 'dead')) WHERE id = ?5",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(state), TRYGG_SQL_INT(parts),
                                    TRYGG_SQL_TEXT(error), TRYGG_SQL_INT(next_try),
                                    TRYGG_SQL_INT(id)),
                     "sendq");
}

trygg_err ls_send_unreported(lstore *s, ls_send *out, int max, int *n)
{
    return send_rows(s,
                     "SELECT " SEND_COLS " FROM sendq WHERE server_id IS NOT NULL "
                     "AND reported = 0 AND state IN ('sent', 'dead', 'cancelled', 'delivered', "
                     "'undelivered') "
                     "ORDER BY id LIMIT ?1",
                     TRYGG_SQL_ARGS(TRYGG_SQL_INT(max)), out, max, n);
}

trygg_err ls_send_get_server(lstore *s, int64_t server_id, ls_send *out)
{
    int n = 0;
    trygg_err e = send_rows(s, "SELECT " SEND_COLS " FROM sendq WHERE server_id = ?1",
                            TRYGG_SQL_ARGS(TRYGG_SQL_INT(server_id)), out, 1, &n);
    return !e && n == 0 ? TRYGG_ERR_NOTFOUND : e;
}

trygg_err ls_send_reported(lstore *s, int64_t id)
{
    return write_sql(s, "UPDATE sendq SET reported = 1 WHERE id = ?1",
                     TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), "sendq");
}

trygg_err ls_send_sent_ref(lstore *s, int64_t id, int modem, int mr, int64_t now)
{
    return write_sql(s, "UPDATE sendq SET mr = ?2, sent_at = ?3, modem = ?4 WHERE id = ?1",
                     TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_INT(mr), TRYGG_SQL_INT(now),
                                    TRYGG_SQL_INT(modem)),
                     "sendq");
}

trygg_err ls_send_report(lstore *s, const char *pseudo, int modem, int mr, int64_t since,
                         int delivered, int64_t *id)
{
    *id = 0;
    ls_send row;
    int n = 0;
    trygg_err e = send_rows(s,
                            "SELECT " SEND_COLS " FROM sendq WHERE pseudonym = ?1 AND modem = ?4 "
                            "AND mr = ?2 AND state = 'sent' AND sent_at >= ?3 "
                            "ORDER BY sent_at DESC, id DESC LIMIT 1",
                            TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudo), TRYGG_SQL_INT(mr),
                                           TRYGG_SQL_INT(since), TRYGG_SQL_INT(modem)),
                            &row, 1, &n);
    if (e || n == 0)
        return e;
    e = write_sql(s, "UPDATE sendq SET state = ?2, reported = 0 WHERE id = ?1",
                  TRYGG_SQL_ARGS(TRYGG_SQL_INT(row.id),
                                 TRYGG_SQL_TEXT(delivered ? "delivered" : "undelivered")),
                  "sendq");
    if (!e)
        *id = row.id;
    return e;
}

trygg_err ls_send_count_since(lstore *s, const char *pseudo, int64_t since, int *n)
{
    return count_of(s, "SELECT count(*) FROM sendq WHERE pseudonym = ?1 AND created >= ?2",
                    TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudo), TRYGG_SQL_INT(since)), n);
}

/* ---- retention ------------------------------------------------------------------------ */

trygg_err ls_purge(lstore *s, int64_t now, int *n)
{
    /* Bound parameters: ?1 = uploaded cutoff, ?2 = sent cutoff. */
    static const char *const sql[] = {
        "DELETE FROM inbound WHERE state <> 'pending' AND received <= ?1",
        "DELETE FROM parts WHERE at <= ?1",
        "DELETE FROM sendq WHERE state IN ('sent', 'dead', 'cancelled', 'delivered',"
        " 'undelivered') AND created <= ?2"
        " AND (reported = 1 OR server_id IS NULL OR server_id = 0)",
    };
    trygg_sql_args a = TRYGG_SQL_ARGS(TRYGG_SQL_INT(now - (int64_t)LS_KEEP_UPLOADED_DAYS * 86400),
                                      TRYGG_SQL_INT(now - (int64_t)LS_KEEP_SENT_DAYS * 86400));
    *n = 0;
    trygg_err e = TRYGG_OK;
    for (size_t i = 0; !e && i < sizeof sql / sizeof sql[0]; i++) {
        int changes = 0;
        a.n = strstr(sql[i], "?2") ? 2 : 1;
        e = write_sql_n(s, sql[i], a, &changes, "purge");
        *n += changes;
    }
    return e;
}

static void read_pseudo(sqlite3_stmt *st, void *row)
{
    trygg_sql_col_text(st, 0, row, TRYGG_PSEUDO_HEX + 1);
}

trygg_err ls_numbers_idle(lstore *s, const char *after, char (*out)[TRYGG_PSEUDO_HEX + 1], int max,
                          int *n)
{
    return select_rows(s,
                       "SELECT pseudonym FROM numbers WHERE pseudonym > ?1"
                       " AND NOT EXISTS (SELECT 1 FROM inbound WHERE inbound.pseudonym ="
                       " numbers.pseudonym AND inbound.state = 'pending')"
                       " AND NOT EXISTS (SELECT 1 FROM sendq WHERE sendq.pseudonym ="
                       " numbers.pseudonym AND (sendq.state IN ('pending', 'failed')"
                       " OR (sendq.reported = 0 AND sendq.server_id > 0)))"
                       " ORDER BY pseudonym LIMIT ?2",
                       TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(after), TRYGG_SQL_INT(max)), out, sizeof *out,
                       max, read_pseudo, n, "idle numbers");
}

trygg_err ls_number_forget(lstore *s, const char *pseudo)
{
    return write_sql(s, "DELETE FROM numbers WHERE pseudonym = ?1",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(pseudo)), "forget");
}

/* ---- meta ---------------------------------------------------------------------------- */

/* A text column into a caller's buffer. */
typedef struct {
    char *out;
    size_t cap;
} text_out;

static void read_text(sqlite3_stmt *st, void *row)
{
    text_out *t = row;
    trygg_sql_col_text(st, 0, t->out, t->cap);
}

trygg_err ls_meta_get(lstore *s, const char *name, char *out, size_t cap)
{
    out[0] = '\0';
    text_out t = {out, cap};
    trygg_err e = row(s, "SELECT value FROM meta WHERE name = ?1",
                      TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(name)), read_text, &t, "meta");
    return e == TRYGG_ERR_NOTFOUND ? TRYGG_OK : e;
}

trygg_err ls_meta_set(lstore *s, const char *name, const char *value)
{
    return write_sql(s, "INSERT OR REPLACE INTO meta (name, value) VALUES (?1, ?2)",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(name), TRYGG_SQL_TEXT(value)), "meta");
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
