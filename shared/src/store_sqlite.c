/*
 * store_sqlite.c — opening the queue database, schema migrations, error
 * mapping and transactions. Items are in store_items.c, users/kiosks/walks
 * in store_admin.c, SMS contacts and outboxes in store_sms.c.
 *
 * Migrations are an ordered list of SQL steps; step N brings the schema from
 * version N-1 to N and runs in its own BEGIN IMMEDIATE transaction together
 * with PRAGMA user_version = N, so two processes opening a fresh file at the
 * same time migrate it exactly once. Only ever append steps.
 */
#include "store_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "trygg/log.h"
#include "trygg/text.h"

/* v1: the core tables. */
static const char migration_v1[] =
    "CREATE TABLE items ("
    " id INTEGER PRIMARY KEY,"
    " ref TEXT NOT NULL UNIQUE,"
    " client_key TEXT NOT NULL UNIQUE,"
    " channel TEXT NOT NULL,"
    " source TEXT NOT NULL DEFAULT '',"
    " kind TEXT NOT NULL,"
    " category TEXT NOT NULL DEFAULT '',"
    " area TEXT NOT NULL DEFAULT '',"
    " place TEXT NOT NULL DEFAULT '',"
    " when_date TEXT NOT NULL DEFAULT '',"
    " when_band TEXT NOT NULL DEFAULT '',"
    " text TEXT NOT NULL DEFAULT '',"
    " lang TEXT NOT NULL DEFAULT 'sv',"
    " contact TEXT NOT NULL DEFAULT '',"
    " consent INTEGER NOT NULL DEFAULT 0,"
    " urgent INTEGER NOT NULL DEFAULT 0,"
    " incomplete INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL DEFAULT 'new',"
    " close_reason TEXT NOT NULL DEFAULT '',"
    " duplicate_of INTEGER REFERENCES items(id),"
    " destination TEXT NOT NULL DEFAULT '',"
    " sender TEXT NOT NULL DEFAULT '',"
    " alias TEXT NOT NULL DEFAULT '',"
    " walk_id INTEGER NOT NULL DEFAULT 0,"
    " created INTEGER NOT NULL,"
    " updated INTEGER NOT NULL,"
    " purge_at INTEGER NOT NULL,"
    " purged INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX items_order ON items(urgent, created, id);"
    "CREATE INDEX items_status ON items(status, urgent, created, id);"
    "CREATE INDEX items_area ON items(area, urgent, created, id);"
    "CREATE INDEX items_purge ON items(purge_at) WHERE purged = 0;"
    "CREATE INDEX items_sender ON items(sender, created) WHERE sender <> '';"
    "CREATE INDEX items_walk ON items(walk_id) WHERE walk_id <> 0;"
    "CREATE TABLE messages ("
    " id INTEGER PRIMARY KEY,"
    " item_id INTEGER NOT NULL REFERENCES items(id),"
    " dir TEXT NOT NULL,"
    " author TEXT NOT NULL DEFAULT '',"
    " text TEXT NOT NULL DEFAULT '',"
    " created INTEGER NOT NULL);"
    "CREATE INDEX messages_item ON messages(item_id, id);"
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY,"
    " item_id INTEGER NOT NULL DEFAULT 0,"
    " actor TEXT NOT NULL DEFAULT '',"
    " action TEXT NOT NULL,"
    " detail TEXT NOT NULL DEFAULT '',"
    " at INTEGER NOT NULL);"
    "CREATE INDEX audit_item ON audit(item_id, id);"
    "CREATE TABLE destinations ("
    " name TEXT PRIMARY KEY,"
    " label TEXT NOT NULL DEFAULT '',"
    " email TEXT NOT NULL DEFAULT '',"
    " webhook_url TEXT NOT NULL DEFAULT '',"
    " webhook_secret TEXT NOT NULL DEFAULT '',"
    " full_access INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY,"
    " username TEXT NOT NULL UNIQUE,"
    " display TEXT NOT NULL DEFAULT '',"
    " role TEXT NOT NULL,"
    " destination TEXT NOT NULL DEFAULT '',"
    " can_call_back INTEGER NOT NULL DEFAULT 0,"
    " disabled INTEGER NOT NULL DEFAULT 0,"
    " pwhash TEXT NOT NULL,"
    " created INTEGER NOT NULL);"
    "CREATE TABLE kiosks ("
    " id TEXT PRIMARY KEY,"
    " name TEXT NOT NULL DEFAULT '',"
    " area TEXT NOT NULL DEFAULT '',"
    " token_hash TEXT NOT NULL UNIQUE,"
    " revoked INTEGER NOT NULL DEFAULT 0,"
    " last_seen INTEGER NOT NULL DEFAULT 0,"
    " version TEXT NOT NULL DEFAULT '',"
    " outbox_depth INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT NOT NULL DEFAULT '',"
    " created INTEGER NOT NULL);"
    "CREATE TABLE walks ("
    " id INTEGER PRIMARY KEY,"
    " starts INTEGER NOT NULL,"
    " area TEXT NOT NULL DEFAULT '',"
    " place TEXT NOT NULL DEFAULT '',"
    " meeting_point TEXT NOT NULL DEFAULT '',"
    " capacity INTEGER NOT NULL DEFAULT 0,"
    " cancelled INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX walks_starts ON walks(starts);";

/* v2: full-text search over items (kept in sync by triggers and filled from
 * the rows that already exist), SMS contacts and the two outboxes. */
static const char migration_v2[] =
    "CREATE VIRTUAL TABLE items_fts USING fts5(text, place, ref, alias,"
    " content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 2');"
    "CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN"
    " INSERT INTO items_fts(rowid, text, place, ref, alias)"
    " VALUES (new.id, new.text, new.place, new.ref, new.alias); END;"
    "CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN"
    " INSERT INTO items_fts(items_fts, rowid, text, place, ref, alias)"
    " VALUES ('delete', old.id, old.text, old.place, old.ref, old.alias); END;"
    "CREATE TRIGGER items_fts_au AFTER UPDATE OF text, place, ref, alias ON items BEGIN"
    " INSERT INTO items_fts(items_fts, rowid, text, place, ref, alias)"
    " VALUES ('delete', old.id, old.text, old.place, old.ref, old.alias);"
    " INSERT INTO items_fts(rowid, text, place, ref, alias)"
    " VALUES (new.id, new.text, new.place, new.ref, new.alias); END;"
    "INSERT INTO items_fts(items_fts) VALUES ('rebuild');"
    "CREATE TABLE contacts ("
    " pseudonym TEXT PRIMARY KEY,"
    " alias TEXT NOT NULL UNIQUE,"
    " cipher BLOB,"
    " stopped INTEGER NOT NULL DEFAULT 0,"
    " blocked INTEGER NOT NULL DEFAULT 0,"
    " callback_consent INTEGER NOT NULL DEFAULT 0,"
    " lang TEXT NOT NULL DEFAULT '',"
    " first_seen INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL);"
    "CREATE TABLE sms_out ("
    " id INTEGER PRIMARY KEY,"
    " item_id INTEGER NOT NULL DEFAULT 0,"
    " recipient TEXT NOT NULL,"
    " text TEXT NOT NULL,"
    " author TEXT NOT NULL DEFAULT '',"
    " status TEXT NOT NULL DEFAULT 'pending',"
    " parts INTEGER NOT NULL DEFAULT 0,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " error TEXT NOT NULL DEFAULT '',"
    " created INTEGER NOT NULL,"
    " next_attempt INTEGER NOT NULL,"
    " sent_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX sms_out_due ON sms_out(status, next_attempt);"
    "CREATE INDEX sms_out_item ON sms_out(item_id);"
    "CREATE TABLE notify_out ("
    " id INTEGER PRIMARY KEY,"
    " item_id INTEGER NOT NULL DEFAULT 0,"
    " destination TEXT NOT NULL,"
    " channel TEXT NOT NULL,"
    " payload TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'pending',"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " error TEXT NOT NULL DEFAULT '',"
    " created INTEGER NOT NULL,"
    " next_attempt INTEGER NOT NULL,"
    " sent_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX notify_out_due ON notify_out(status, next_attempt);"
    "CREATE INDEX notify_out_item ON notify_out(item_id);";

/* v3: kiosk notices and channel health. */
static const char migration_v3[] = "CREATE TABLE notices ("
                                   " id INTEGER PRIMARY KEY,"
                                   " lang TEXT NOT NULL DEFAULT '',"
                                   " text TEXT NOT NULL,"
                                   " starts INTEGER NOT NULL,"
                                   " ends INTEGER NOT NULL);"
                                   "CREATE TABLE health ("
                                   " component TEXT PRIMARY KEY,"
                                   " json TEXT NOT NULL,"
                                   " updated INTEGER NOT NULL);";

/* v4: privacy by construction.
 * - items.shared_text/shared_place: the copy a recipient without full
 *   access sees, searches, sorts and exports (scrubbed at write; replaced by
 *   the security department's redaction, redacted = 1). A second full-text
 *   index covers only that copy, so a search cannot reach the raw text.
 * - messages.audience: 'internal' (security only, the default) or
 *   'recipient' (written for the recipient on purpose); shared_text is the
 *   scrubbed copy a recipient sees.
 * - access_log: who viewed unscrubbed tips or call-back numbers, and every
 *   export (the data protection officer's list).
 * - users.totp_*: two-factor login (RFC 6238); user_recovery: hashed
 *   one-time recovery codes.
 * Existing rows get their shared copy from trygg_scrub(), the scrubber
 * (text.h) registered as an SQL function on every connection. */
static const char migration_v4[] =
    "ALTER TABLE items ADD COLUMN shared_text TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE items ADD COLUMN shared_place TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE items ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0;"
    "UPDATE items SET shared_text = trygg_scrub(text), shared_place = trygg_scrub(place)"
    " WHERE purged = 0;"
    "CREATE VIRTUAL TABLE items_shared_fts USING fts5(shared_text, shared_place, ref,"
    " content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 2');"
    "INSERT INTO items_shared_fts(items_shared_fts) VALUES ('rebuild');"
    "CREATE TRIGGER items_shared_fts_ai AFTER INSERT ON items BEGIN"
    " INSERT INTO items_shared_fts(rowid, shared_text, shared_place, ref)"
    " VALUES (new.id, new.shared_text, new.shared_place, new.ref); END;"
    "CREATE TRIGGER items_shared_fts_ad AFTER DELETE ON items BEGIN"
    " INSERT INTO items_shared_fts(items_shared_fts, rowid, shared_text, shared_place, ref)"
    " VALUES ('delete', old.id, old.shared_text, old.shared_place, old.ref); END;"
    "CREATE TRIGGER items_shared_fts_au AFTER UPDATE OF shared_text, shared_place, ref ON items"
    " BEGIN"
    " INSERT INTO items_shared_fts(items_shared_fts, rowid, shared_text, shared_place, ref)"
    " VALUES ('delete', old.id, old.shared_text, old.shared_place, old.ref);"
    " INSERT INTO items_shared_fts(rowid, shared_text, shared_place, ref)"
    " VALUES (new.id, new.shared_text, new.shared_place, new.ref); END;"
    "ALTER TABLE messages ADD COLUMN audience TEXT NOT NULL DEFAULT 'internal';"
    "ALTER TABLE messages ADD COLUMN shared_text TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE access_log ("
    " id INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " item_id INTEGER NOT NULL DEFAULT 0,"
    " detail TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX access_log_at ON access_log(at);"
    "ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE user_recovery ("
    " id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " code_hash TEXT NOT NULL,"
    " used_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX user_recovery_user ON user_recovery(user_id);";

/* v5 (issue 12): kiosk reference prefixes, so a kiosk's offline receipts are
 * unique by construction (shared/include/trygg/ref.h). kiosks.ref_prefix is
 * the kiosk's current prefix; kiosk_prefixes records every prefix ever issued
 * and to whom (a prefix is never issued twice, even after its kiosk is gone,
 * and a kiosk's queued references under a retired prefix stay valid).
 * Existing kiosks get the first prefixes in trygg_ref_prefix_nth order
 * ("22", "23", ...: digit 2-9, then any of the 29 symbols) by creation. */
static const char migration_v5[] =
    "ALTER TABLE kiosks ADD COLUMN ref_prefix TEXT;"
    "UPDATE kiosks SET ref_prefix = (SELECT CASE WHEN n < 232 THEN"
    " substr('23456789ABCDEFGHJKMNPQRSTWXYZ', n / 29 + 1, 1) ||"
    " substr('23456789ABCDEFGHJKMNPQRSTWXYZ', n % 29 + 1, 1) END"
    " FROM (SELECT count(*) AS n FROM kiosks k2 WHERE k2.rowid < kiosks.rowid));"
    "CREATE UNIQUE INDEX kiosks_ref_prefix ON kiosks(ref_prefix);"
    "CREATE TABLE kiosk_prefixes ("
    " prefix TEXT PRIMARY KEY,"
    " kiosk_id TEXT NOT NULL,"
    " issued INTEGER NOT NULL);"
    "INSERT INTO kiosk_prefixes (prefix, kiosk_id, issued)"
    " SELECT ref_prefix, id, created FROM kiosks WHERE ref_prefix IS NOT NULL;";

/* v6 (helper-G, lead merges into the real v6): a registered client's role,
 * 'kiosk' or 'gateway' (trygg-smsgw, docs/gateway-protocol.md); a token works
 * only on its own role's routes. */
static const char migration_v6[] =
    "ALTER TABLE kiosks ADD COLUMN role TEXT NOT NULL DEFAULT 'kiosk';";

static const char *const migrations[] = {migration_v1, migration_v2, migration_v3,
                                         migration_v4, migration_v5, migration_v6};
#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

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

trygg_err trygg_st_fail(trygg_store *st, int rc, const char *what)
{
    trygg_err err = trygg_st_map(st->db, rc);
    const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
    int e = st->db ? sqlite3_system_errno(st->db) : 0;
    int ext = st->db ? sqlite3_extended_errcode(st->db) : rc;
    if (e && (rc & 0xff) == SQLITE_IOERR)
        snprintf(st->errmsg, sizeof st->errmsg, "%s: %s (%s; sqlite %d)", what, msg, strerror(e),
                 ext);
    else
        snprintf(st->errmsg, sizeof st->errmsg, "%s: %s (sqlite %d)", what, msg, ext);
    return err ? err : TRYGG_ERR_DB;
}

trygg_err trygg_st_collect(trygg_store *st, sqlite3_stmt *s, void *out, size_t size,
                           void (*read)(sqlite3_stmt *s, void *row), int *n, const char *what)
{
    char *row = out;
    int rc, count = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        read(s, row + (size_t)count++ * size);
    trygg_err err = rc == SQLITE_DONE ? TRYGG_OK : trygg_st_fail(st, rc, what);
    sqlite3_finalize(s);
    *n = err ? 0 : count;
    return err;
}

trygg_err trygg_st_failf(trygg_store *st, trygg_err err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap);
    va_end(ap);
    return err;
}

trygg_err trygg_st_prepare(trygg_store *st, const char *sql, sqlite3_stmt **out)
{
    int rc = sqlite3_prepare_v2(st->db, sql, -1, out, NULL);
    if (rc != SQLITE_OK) {
        *out = NULL;
        return trygg_st_fail(st, rc, "prepare");
    }
    return TRYGG_OK;
}

trygg_err trygg_st_exec(trygg_store *st, const char *sql)
{
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return trygg_st_fail(st, rc, "exec");
    return TRYGG_OK;
}

trygg_err trygg_st_run(trygg_store *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    trygg_err err = TRYGG_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = trygg_st_fail(st, rc, what);
    sqlite3_finalize(s);
    return err;
}

int trygg_st_bind_text(sqlite3_stmt *s, int idx, const char *v)
{
    return sqlite3_bind_text(s, idx, v ? v : "", -1, SQLITE_TRANSIENT);
}

void trygg_st_col_text(sqlite3_stmt *s, int col, char *dst, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    size_t len = t ? (size_t)sqlite3_column_bytes(s, col) : 0;
    if (cap == 0)
        return;
    if (len >= cap) {
        len = cap - 1;
        /* Do not cut a UTF-8 sequence in half. */
        while (len > 0 && (t[len] & 0xC0) == 0x80)
            len--;
    }
    if (len)
        memcpy(dst, t, len);
    dst[len] = '\0';
}

trygg_err trygg_st_tx_begin(trygg_store *st)
{
    trygg_err err =
        trygg_st_exec(st, st->txdepth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT trygg_nested");
    if (!err)
        st->txdepth++;
    return err;
}

trygg_err trygg_st_tx_end(trygg_store *st, trygg_err err)
{
    if (st->txdepth <= 0)
        return err ? err : trygg_st_failf(st, TRYGG_ERR_STATE, "no transaction open");
    st->txdepth--;
    if (st->txdepth > 0) {
        if (err) {
            /* Keep the error message of the failure, not of the rollback. */
            sqlite3_exec(st->db, "ROLLBACK TO trygg_nested", NULL, NULL, NULL);
        }
        sqlite3_exec(st->db, "RELEASE trygg_nested", NULL, NULL, NULL);
        return err;
    }
    if (err) {
        if (!sqlite3_get_autocommit(st->db))
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return err;
    }
    int rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        err = trygg_st_fail(st, rc, "commit");
        if (!sqlite3_get_autocommit(st->db))
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return err;
}

static int user_version(sqlite3 *db, int *out)
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

/* Runs migration steps until the schema is at `target`. */
static trygg_err migrate(trygg_store *st, int target)
{
    /* Up to date: no write transaction at all, so a read-only file opens. */
    int cur = 0;
    int rc0 = user_version(st->db, &cur);
    if (rc0 != SQLITE_OK)
        return trygg_st_fail(st, rc0, "read schema version");
    if (cur == target)
        return TRYGG_OK;
    for (;;) {
        int v = 0;
        trygg_err err = trygg_st_tx_begin(st);
        if (err)
            return err;
        int rc = user_version(st->db, &v);
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

/* After every commit: a passive checkpoint every WAL_PASSIVE_PAGES, and a
 * truncating one past the handle's limit (see trygg_store_set_wal_limit). */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    trygg_store *st = arg;
    if (pages >= st->wal_limit_pages) {
        int logged = 0, done = 0;
        int rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE, &logged, &done);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            TRYGG_WARN("store: truncating checkpoint at %d pages: %s", pages, sqlite3_errstr(rc));
    } else if (pages >= WAL_PASSIVE_PAGES) {
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    }
    return SQLITE_OK;
}

void trygg_store_set_wal_limit(trygg_store *st, int64_t bytes)
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

/* Opens the file and applies the pragmas; checks the version before
 * touching anything so a newer file stays as it is. */
static trygg_err open_db(const char *path, trygg_store *st)
{
    int rc = sqlite3_open_v2(
        path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        trygg_err err = trygg_st_fail(st, rc, "open");
        return err == TRYGG_ERR_DB ? TRYGG_ERR_IO : err;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, 5000);
    rc = sqlite3_create_function(st->db, "trygg_scrub", 1,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                 sql_scrub, NULL, NULL);
    if (rc != SQLITE_OK)
        return trygg_st_fail(st, rc, "register trygg_scrub");
    int v = 0;
    rc = user_version(st->db, &v);
    if (rc != SQLITE_OK)
        return trygg_st_fail(st, rc, "read schema version");
    if (v > MIGRATION_COUNT)
        return trygg_st_failf(st, TRYGG_ERR_SCHEMA,
                              "database schema %d is newer than this program (%d)", v,
                              MIGRATION_COUNT);
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "PRAGMA journal_mode=WAL", &s);
    if (err)
        return err;
    rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        err = trygg_st_fail(st, rc, "set WAL mode");
        sqlite3_finalize(s);
        return err;
    }
    const char *mode = (const char *)sqlite3_column_text(s, 0);
    if (!mode || strcmp(mode, "wal") != 0)
        TRYGG_WARN("store: %s is not in WAL mode (%s)", path, mode ? mode : "?");
    sqlite3_finalize(s);
    err = trygg_st_exec(st, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    if (!err) {
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
    trygg_err err = open_db(path, &st);
    if (!err)
        err = migrate(&st, version);
    sqlite3_close(st.db);
    return err;
}

trygg_err trygg_store_open(const char *path, trygg_store **out)
{
    *out = NULL;
    if (!path || !*path)
        return TRYGG_ERR_INVALID;
    trygg_store *st = calloc(1, sizeof *st);
    if (!st)
        return TRYGG_ERR_NOMEM;
    memcpy(st->retention, default_retention, sizeof st->retention);
    trygg_err err = open_db(path, st);
    if (!err)
        err = migrate(st, MIGRATION_COUNT);
    if (err) {
        TRYGG_ERR("store: cannot open %s: %s", path, st->errmsg);
        sqlite3_close(st->db);
        free(st);
        return err;
    }
    *out = st;
    return TRYGG_OK;
}

void trygg_store_close(trygg_store *st)
{
    if (!st)
        return;
    if (st->txdepth > 0 && st->db && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(st->db);
    free(st);
}

const char *trygg_store_errmsg(const trygg_store *st)
{
    return st ? st->errmsg : "";
}

int trygg_store_schema_version(trygg_store *st)
{
    int v = 0;
    if (user_version(st->db, &v) != SQLITE_OK)
        return -1;
    return v;
}

void trygg_store_set_retention(trygg_store *st, trygg_kind kind, int days)
{
    if ((int)kind < 0 || kind >= TRYGG_KIND_COUNT || days < 1)
        return;
    st->retention[kind] = days;
}

trygg_err trygg_store_begin(trygg_store *st)
{
    if (st->user_tx)
        return trygg_st_failf(st, TRYGG_ERR_STATE, "transaction already open");
    trygg_err err = trygg_st_tx_begin(st);
    if (!err)
        st->user_tx = 1;
    return err;
}

trygg_err trygg_store_commit(trygg_store *st)
{
    if (!st->user_tx)
        return trygg_st_failf(st, TRYGG_ERR_STATE, "no transaction open");
    st->user_tx = 0;
    return trygg_st_tx_end(st, TRYGG_OK);
}

void trygg_store_rollback(trygg_store *st)
{
    if (!st->user_tx)
        return;
    st->user_tx = 0;
    trygg_st_tx_end(st, TRYGG_ERR_STATE);
}
