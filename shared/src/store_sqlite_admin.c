/*
 * store_sqlite_admin.c — destinations, staff users, kiosks, safety walks and
 * kiosk notices.
 */
#include "store_sqlite_internal.h"
#include "store_rules.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/copy.h"
#include "trygg/ref.h"
#include "trygg/secret.h"

/* The reader of a lookup that only asks whether a row exists. */
static void read_nothing(sqlite3_stmt *s, void *row)
{
    (void)s;
    (void)row;
}

/* ---- Destinations ---------------------------------------------------------- */

trygg_err trygg_sqlite_dest_put(trygg_store *st, const trygg_destination *d)
{
    if (!d->name[0] || !trygg_rules_str_ok(d->name, sizeof d->name) ||
        !trygg_rules_str_ok(d->label, sizeof d->label) ||
        !trygg_rules_str_ok(d->email, sizeof d->email) ||
        !trygg_rules_str_ok(d->webhook_url, sizeof d->webhook_url) ||
        !trygg_rules_str_ok(d->webhook_secret, sizeof d->webhook_secret))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid destination");
    return trygg_st_write(st,
                          "INSERT OR REPLACE INTO destinations (name, label, email, "
                          "webhook_url, webhook_secret, full_access) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(d->name), TRYGG_SQL_TEXT(d->label),
                                         TRYGG_SQL_TEXT(d->email), TRYGG_SQL_TEXT(d->webhook_url),
                                         TRYGG_SQL_TEXT(d->webhook_secret),
                                         TRYGG_SQL_INT(d->full_access ? 1 : 0)),
                          "put destination");
}

static const trygg_sql_field dest_fields[] = {TRYGG_SQL_FTEXT(trygg_destination, name),
                                              TRYGG_SQL_FTEXT(trygg_destination, label),
                                              TRYGG_SQL_FTEXT(trygg_destination, email),
                                              TRYGG_SQL_FTEXT(trygg_destination, webhook_url),
                                              TRYGG_SQL_FTEXT(trygg_destination, webhook_secret),
                                              TRYGG_SQL_FINT(trygg_destination, full_access)};

static void read_dest(sqlite3_stmt *s, void *row)
{
    TRYGG_SQL_READ(s, dest_fields, row, sizeof(trygg_destination));
}

#define DEST_COLS "name, label, email, webhook_url, webhook_secret, full_access"

trygg_err trygg_sqlite_dest_get(trygg_store *st, const char *name, trygg_destination *out)
{
    return trygg_st_get_row(st, "SELECT " DEST_COLS " FROM destinations WHERE name = ?1", name,
                            read_dest, out, "destination");
}

trygg_err trygg_sqlite_dest_list(trygg_store *st, trygg_destination *out, int max, int *n)
{
    return trygg_st_list(st, "SELECT " DEST_COLS " FROM destinations ORDER BY name LIMIT ?1", NULL,
                         max, read_dest, out, sizeof *out, n, "list destinations");
}

trygg_err trygg_sqlite_dest_delete(trygg_store *st, const char *name, const char *actor)
{
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    err = trygg_st_write_one(st, "DELETE FROM destinations WHERE name = ?1",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(name)), "destination");
    if (!err)
        err = trygg_st_audit_add(st, 0, actor ? actor : "admin", "dest_delete", name);
    return trygg_st_tx_end(st, err);
}

/* ---- Users ------------------------------------------------------------------ */

#define USER_COLS "id, username, display, role, destination, can_call_back, disabled, created"

static const trygg_sql_field user_fields[] = {
    TRYGG_SQL_FINT(trygg_user, id),           TRYGG_SQL_FTEXT(trygg_user, username),
    TRYGG_SQL_FTEXT(trygg_user, display),     TRYGG_SQL_FTEXT(trygg_user, role),
    TRYGG_SQL_FTEXT(trygg_user, destination), TRYGG_SQL_FINT(trygg_user, can_call_back),
    TRYGG_SQL_FINT(trygg_user, disabled),     TRYGG_SQL_FINT(trygg_user, created)};

static void read_user(sqlite3_stmt *s, void *row)
{
    TRYGG_SQL_READ(s, user_fields, row, sizeof(trygg_user));
}

trygg_err trygg_sqlite_user_add(trygg_store *st, const trygg_user *u, const char *password)
{
    if (!trygg_rules_username_ok(u->username))
        return trygg_st_failf(st, TRYGG_ERR_INVALID,
                              "invalid username (use letters, digits, '.', '_', '-')");
    if (!trygg_rules_role_ok(u->role))
        return trygg_st_failf(st, TRYGG_ERR_INVALID,
                              "invalid role '%s' (admin, security or destination)", u->role);
    if (strcmp(u->role, "destination") == 0 && !u->destination[0])
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "role destination needs a destination");
    if (!trygg_rules_str_ok(u->display, sizeof u->display) ||
        !trygg_rules_str_ok(u->destination, sizeof u->destination))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid display name or destination");
    const char *bad = trygg_rules_password_bad(password);
    if (bad)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "%s", bad);
    char hash[128];
    if (trygg_password_hash(password, hash) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_CRYPTO, "password hashing failed");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    err = trygg_st_write(st,
                         "INSERT INTO users (username, display, role, destination, "
                         "can_call_back, disabled, pwhash, created) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                         TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(u->username), TRYGG_SQL_TEXT(u->display),
                                        TRYGG_SQL_TEXT(u->role), TRYGG_SQL_TEXT(u->destination),
                                        TRYGG_SQL_INT(u->can_call_back ? 1 : 0),
                                        TRYGG_SQL_INT(u->disabled ? 1 : 0), TRYGG_SQL_TEXT(hash),
                                        TRYGG_SQL_INT(trygg_st_now())),
                         "add user");
    if (err == TRYGG_ERR_EXISTS)
        trygg_st_failf(st, err, "user '%s' already exists", u->username);
    if (!err) {
        char detail[160];
        snprintf(detail, sizeof detail, "user %s role %s", u->username, u->role);
        err = trygg_st_audit_add(st, 0, "admin", "user_add", detail);
    }
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_user_get(trygg_store *st, const char *username, trygg_user *out)
{
    return trygg_st_get_row(st, "SELECT " USER_COLS " FROM users WHERE username = ?1", username,
                            read_user, out, "user");
}

trygg_err trygg_sqlite_user_list(trygg_store *st, trygg_user *out, int max, int *n)
{
    return trygg_st_list(st, "SELECT " USER_COLS " FROM users ORDER BY username LIMIT ?1", NULL,
                         max, read_user, out, sizeof *out, n, "list users");
}

trygg_err trygg_sqlite_user_set_disabled(trygg_store *st, const char *username, int disabled)
{
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    err = trygg_st_write_one(
        st, "UPDATE users SET disabled = ?1 WHERE username = ?2",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(disabled ? 1 : 0), TRYGG_SQL_TEXT(username)), "user");
    if (!err)
        err =
            trygg_st_audit_add(st, 0, "admin", disabled ? "user_disable" : "user_enable", username);
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_user_set_password(trygg_store *st, const char *username,
                                         const char *password)
{
    const char *bad = trygg_rules_password_bad(password);
    if (bad)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "%s", bad);
    char hash[128];
    if (trygg_password_hash(password, hash) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_CRYPTO, "password hashing failed");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    err =
        trygg_st_write_one(st, "UPDATE users SET pwhash = ?1 WHERE username = ?2",
                           TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(hash), TRYGG_SQL_TEXT(username)), "user");
    if (!err)
        err = trygg_st_audit_add(st, 0, "admin", "user_password", username);
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_user_verify(trygg_store *st, const char *username, const char *password,
                                   trygg_user *out)
{
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare(st, "SELECT " USER_COLS ", pwhash FROM users WHERE username = ?1", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, username);
    int rc = sqlite3_step(s);
    trygg_user u;
    char hash[128] = "";
    if (rc == SQLITE_ROW) {
        read_user(s, &u);
        trygg_st_col_text(s, 8, hash, sizeof hash);
    } else if (rc != SQLITE_DONE) {
        err = trygg_st_fail(st, rc, "verify user");
        sqlite3_finalize(s);
        return err;
    }
    sqlite3_finalize(s);
    if (!password)
        password = "";
    if (rc != SQLITE_ROW) {
        trygg_rules_verify_nobody(password);
        return trygg_st_failf(st, TRYGG_ERR_AUTH, "wrong username or password");
    }
    if (trygg_password_verify(hash, password) != TRYGG_OK || u.disabled)
        return trygg_st_failf(st, TRYGG_ERR_AUTH, "wrong username or password");
    if (out)
        *out = u;
    return TRYGG_OK;
}

/* ---- Two-factor login (TOTP, RFC 6238) --------------------------------------- */

int trygg_store_user_needs_2fa(const trygg_user *u)
{
    return u &&
           (strcmp(u->role, "security") == 0 || strcmp(u->role, "admin") == 0 || u->can_call_back);
}

/* A user's two-factor columns. */
typedef struct {
    int64_t id;
    char secret[64];
    int enabled;
    int64_t last_step;
} totp_cols;

static const trygg_sql_field totp_fields[] = {
    TRYGG_SQL_FINT(totp_cols, id), TRYGG_SQL_FTEXT(totp_cols, secret),
    TRYGG_SQL_FINT(totp_cols, enabled), TRYGG_SQL_FINT(totp_cols, last_step)};

static void read_totp(sqlite3_stmt *s, void *row)
{
    TRYGG_SQL_READ(s, totp_fields, row, sizeof(totp_cols));
}

/* Reads the TOTP columns of `username`. */
static trygg_err totp_row(trygg_store *st, const char *username, int64_t *id, char secret[64],
                          int *enabled, int64_t *last_step)
{
    totp_cols c;
    trygg_err err = trygg_st_row(st,
                                 "SELECT id, totp_secret, totp_enabled, totp_last_step "
                                 "FROM users WHERE username = ?1 AND disabled = 0",
                                 TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(username)), read_totp, &c, "user");
    if (!err) {
        *id = c.id;
        memcpy(secret, c.secret, sizeof c.secret);
        *enabled = c.enabled;
        *last_step = c.last_step;
    }
    sodium_memzero(&c, sizeof c);
    return err;
}

trygg_err trygg_sqlite_user_totp_get(trygg_store *st, const char *username, int *enabled,
                                     char secret[TRYGG_TOTP_SECRET_LEN])
{
    int64_t id, last;
    char sec[64];
    int en = 0;
    trygg_err err = totp_row(st, username, &id, sec, &en, &last);
    if (err)
        return err;
    if (enabled)
        *enabled = en;
    if (secret && !trygg_copy(secret, TRYGG_TOTP_SECRET_LEN, sec))
        return trygg_st_failf(st, TRYGG_ERR_DB, "TOTP secret of %s: too long", username);
    return TRYGG_OK;
}

trygg_err trygg_sqlite_user_totp_begin(trygg_store *st, const char *username, const char *secret,
                                       char secret_out[TRYGG_TOTP_SECRET_LEN])
{
    char sec[TRYGG_TOTP_SECRET_LEN];
    if (trygg_rules_totp_secret(secret, sec) != 0)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "TOTP secret: not base32 of 10+ bytes");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    err = trygg_st_write_one(st,
                             "UPDATE users SET totp_secret = ?1, totp_enabled = 0, "
                             "totp_last_step = 0 WHERE username = ?2 AND totp_enabled = 0",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(sec), TRYGG_SQL_TEXT(username)),
                             "user without two-factor login");
    err = trygg_st_tx_end(st, err);
    if (!err && secret_out && !trygg_copy(secret_out, TRYGG_TOTP_SECRET_LEN, sec))
        err = trygg_st_failf(st, TRYGG_ERR_INVALID, "TOTP secret: too long");
    sodium_memzero(sec, sizeof sec);
    return err;
}

trygg_err trygg_sqlite_user_totp_enable(trygg_store *st, const char *username, const char *code,
                                        int64_t now,
                                        char codes[TRYGG_RECOVERY_CODES][TRYGG_RECOVERY_LEN])
{
    int64_t id, last;
    char sec[64];
    int en = 0;
    trygg_err err = totp_row(st, username, &id, sec, &en, &last);
    if (err)
        return err;
    int64_t step = sec[0] && !en ? trygg_rules_totp_match(sec, code ? code : "", now) : -1;
    sodium_memzero(sec, sizeof sec);
    if (step < 0)
        return trygg_st_failf(st, TRYGG_ERR_AUTH, "wrong code");
    if ((err = trygg_st_tx_begin(st)) != TRYGG_OK)
        return err;
    err = trygg_st_write_one(st,
                             "UPDATE users SET totp_enabled = 1, totp_last_step = ?1 "
                             "WHERE id = ?2 AND totp_enabled = 0",
                             TRYGG_SQL_ARGS(TRYGG_SQL_INT(step), TRYGG_SQL_INT(id)), "user");
    if (!err)
        err = trygg_st_write(st, "DELETE FROM user_recovery WHERE user_id = ?1",
                             TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), "clear recovery codes");
    for (int i = 0; !err && i < TRYGG_RECOVERY_CODES; i++) {
        char hex[65];
        trygg_rules_recovery_new(codes[i]);
        if (trygg_rules_recovery_hash(codes[i], hex) != 0)
            err = trygg_st_failf(st, TRYGG_ERR_CRYPTO, "recovery code");
        if (!err)
            err = trygg_st_write(
                st, "INSERT INTO user_recovery (user_id, code_hash) VALUES (?1, ?2)",
                TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(hex)), "add recovery code");
    }
    if (!err)
        err = trygg_st_audit_add(st, 0, username, "user_2fa_enable", username);
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_user_totp_verify(trygg_store *st, const char *username, const char *code,
                                        int64_t now, int *recovery_used)
{
    if (recovery_used)
        *recovery_used = 0;
    int64_t id, last;
    char sec[64];
    int en = 0;
    trygg_err err = totp_row(st, username, &id, sec, &en, &last);
    if (err == TRYGG_ERR_NOTFOUND)
        return trygg_st_failf(st, TRYGG_ERR_AUTH, "wrong code");
    if (err)
        return err;
    if (!en || !code) {
        sodium_memzero(sec, sizeof sec);
        return trygg_st_failf(st, TRYGG_ERR_AUTH, "wrong code");
    }
    int64_t step = trygg_rules_totp_match(sec, code, now);
    sodium_memzero(sec, sizeof sec);
    if (step >= 0) {
        /* Replay protection: a step is accepted once, and never one older
         * than the last accepted. */
        if ((err = trygg_st_tx_begin(st)) != TRYGG_OK)
            return err;
        err = trygg_st_write_one(st,
                                 "UPDATE users SET totp_last_step = ?1 "
                                 "WHERE id = ?2 AND totp_last_step < ?1",
                                 TRYGG_SQL_ARGS(TRYGG_SQL_INT(step), TRYGG_SQL_INT(id)),
                                 "unused code");
        err = trygg_st_tx_end(st, err);
        return err == TRYGG_ERR_NOTFOUND ? trygg_st_failf(st, TRYGG_ERR_AUTH, "code already used")
                                         : err;
    }
    char hex[65];
    if (trygg_rules_recovery_hash(code, hex) != 0)
        return trygg_st_failf(st, TRYGG_ERR_AUTH, "wrong code");
    if ((err = trygg_st_tx_begin(st)) != TRYGG_OK)
        return err;
    err = trygg_st_write_one(
        st,
        "UPDATE user_recovery SET used_at = ?1 "
        "WHERE user_id = ?2 AND code_hash = ?3 AND used_at = 0",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(now > 0 ? now : 1), TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(hex)),
        "recovery code");
    if (!err)
        err = trygg_st_audit_add(st, 0, username, "user_2fa_recovery", username);
    err = trygg_st_tx_end(st, err);
    if (err == TRYGG_ERR_NOTFOUND)
        return trygg_st_failf(st, TRYGG_ERR_AUTH, "wrong code");
    if (!err && recovery_used)
        *recovery_used = 1;
    return err;
}

trygg_err trygg_sqlite_user_totp_reset(trygg_store *st, const char *username, const char *actor)
{
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_sql_args who = TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(username));
    err = trygg_st_write_one(st,
                             "UPDATE users SET totp_secret = '', totp_enabled = 0, "
                             "totp_last_step = 0 WHERE username = ?1",
                             who, "user");
    if (!err)
        err = trygg_st_write(st,
                             "DELETE FROM user_recovery WHERE user_id = "
                             "(SELECT id FROM users WHERE username = ?1)",
                             who, "clear recovery codes");
    if (!err)
        err = trygg_st_audit_add(st, 0, actor ? actor : "admin", "user_2fa_reset", username);
    return trygg_st_tx_end(st, err);
}

/* ---- Kiosks ------------------------------------------------------------------ */

#define KIOSK_COLS                                                                                 \
    "id, name, area, revoked, last_seen, version, outbox_depth, last_error, created, "             \
    "coalesce(ref_prefix, '')"

static const trygg_sql_field kiosk_fields[] = {
    TRYGG_SQL_FTEXT(trygg_kiosk, id),          TRYGG_SQL_FTEXT(trygg_kiosk, name),
    TRYGG_SQL_FTEXT(trygg_kiosk, area),        TRYGG_SQL_FINT(trygg_kiosk, revoked),
    TRYGG_SQL_FINT(trygg_kiosk, last_seen),    TRYGG_SQL_FTEXT(trygg_kiosk, version),
    TRYGG_SQL_FINT(trygg_kiosk, outbox_depth), TRYGG_SQL_FTEXT(trygg_kiosk, last_error),
    TRYGG_SQL_FINT(trygg_kiosk, created),      TRYGG_SQL_FTEXT(trygg_kiosk, ref_prefix)};

static void read_kiosk(sqlite3_stmt *s, void *row)
{
    TRYGG_SQL_READ(s, kiosk_fields, row, sizeof(trygg_kiosk));
}

/* Inside a transaction: issues kiosk `id` the first prefix never issued
 * (kiosk_prefixes keeps every one) and makes it the kiosk's current one. */
static trygg_err issue_prefix(trygg_store *st, const char *id, char out[4])
{
    out[0] = '\0';
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "SELECT 1 FROM kiosk_prefixes WHERE prefix = ?1", &s);
    if (err)
        return err;
    char p[TRYGG_REF_PREFIX_LEN + 1] = "";
    int found = 0;
    for (int n = 0; !err && !found && n < TRYGG_REF_PREFIX_COUNT; n++) {
        trygg_ref_prefix_nth(n, p);
        sqlite3_reset(s);
        trygg_st_bind_text(s, 1, p);
        int rc = sqlite3_step(s);
        if (rc == SQLITE_DONE)
            found = 1;
        else if (rc != SQLITE_ROW)
            err = trygg_st_fail(st, rc, "find a free kiosk prefix");
    }
    sqlite3_finalize(s);
    if (err)
        return err;
    if (!found)
        return trygg_st_failf(st, TRYGG_ERR_LIMIT, "all %d kiosk reference prefixes are used",
                              TRYGG_REF_PREFIX_COUNT);
    err = trygg_st_write(
        st, "INSERT INTO kiosk_prefixes (prefix, kiosk_id, issued) VALUES (?1, ?2, ?3)",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(p), TRYGG_SQL_TEXT(id), TRYGG_SQL_INT(trygg_st_now())),
        "issue kiosk prefix");
    if (!err)
        err = trygg_st_write_one(st, "UPDATE kiosks SET ref_prefix = ?1 WHERE id = ?2",
                                 TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(p), TRYGG_SQL_TEXT(id)), "kiosk");
    if (!err)
        memcpy(out, p, sizeof p);
    return err;
}

trygg_err trygg_sqlite_kiosk_add(trygg_store *st, const trygg_kiosk *k, char token[64])
{
    token[0] = '\0';
    if (!trygg_rules_username_ok(k->id))
        return trygg_st_failf(st, TRYGG_ERR_INVALID,
                              "invalid kiosk id (use letters, digits, '.', '_', '-')");
    if (!trygg_rules_str_ok(k->name, sizeof k->name) ||
        !trygg_rules_str_ok(k->area, sizeof k->area))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid kiosk name or area");
    char tok[64], hash[65];
    if (trygg_token_new(tok) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_CRYPTO, "token generation failed");
    trygg_token_hash(tok, hash);
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    err = trygg_st_write(st,
                         "INSERT INTO kiosks (id, name, area, token_hash, created) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)",
                         TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(k->id), TRYGG_SQL_TEXT(k->name),
                                        TRYGG_SQL_TEXT(k->area), TRYGG_SQL_TEXT(hash),
                                        TRYGG_SQL_INT(trygg_st_now())),
                         "add kiosk");
    if (err == TRYGG_ERR_EXISTS)
        trygg_st_failf(st, err, "kiosk '%s' already exists", k->id);
    char prefix[4];
    if (!err)
        err = issue_prefix(st, k->id, prefix);
    if (!err)
        err = trygg_st_audit_add(st, 0, "admin", "kiosk_add", k->id);
    err = trygg_st_tx_end(st, err);
    if (!err)
        memcpy(token, tok, sizeof tok);
    return err;
}

trygg_err trygg_sqlite_kiosk_auth(trygg_store *st, const char *token, trygg_kiosk *out)
{
    if (!token || !*token || strlen(token) >= 64)
        return trygg_st_failf(st, TRYGG_ERR_AUTH, "unknown or revoked token");
    char hash[65];
    trygg_token_hash(token, hash);
    trygg_kiosk k;
    trygg_err err =
        trygg_st_row(st, "SELECT " KIOSK_COLS " FROM kiosks WHERE token_hash = ?1 AND revoked = 0",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(hash)), read_kiosk, &k, "kiosk");
    if (!err && out)
        *out = k;
    if (err == TRYGG_ERR_NOTFOUND)
        err = trygg_st_failf(st, TRYGG_ERR_AUTH, "unknown or revoked token");
    return err;
}

trygg_err trygg_sqlite_kiosk_get(trygg_store *st, const char *id, trygg_kiosk *out)
{
    return trygg_st_get_row(st, "SELECT " KIOSK_COLS " FROM kiosks WHERE id = ?1", id, read_kiosk,
                            out, "kiosk");
}

trygg_err trygg_sqlite_kiosk_list(trygg_store *st, trygg_kiosk *out, int max, int *n)
{
    return trygg_st_list(st, "SELECT " KIOSK_COLS " FROM kiosks ORDER BY id LIMIT ?1", NULL, max,
                         read_kiosk, out, sizeof *out, n, "list kiosks");
}

trygg_err trygg_sqlite_kiosk_revoke(trygg_store *st, const char *id)
{
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    err = trygg_st_write_one(st, "UPDATE kiosks SET revoked = 1 WHERE id = ?1",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(id)), "kiosk");
    if (!err)
        err = trygg_st_audit_add(st, 0, "admin", "kiosk_revoke", id);
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_kiosk_heartbeat(trygg_store *st, const char *id, const char *version,
                                       int outbox_depth, const char *last_error)
{
    trygg_kiosk k;
    if (!trygg_rules_str_ok(version, sizeof k.version) ||
        !trygg_rules_str_ok(last_error, sizeof k.last_error) || outbox_depth < 0)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid heartbeat");
    return trygg_st_write_one(st,
                              "UPDATE kiosks SET last_seen = ?1, version = ?2, "
                              "outbox_depth = ?3, last_error = ?4 WHERE id = ?5",
                              TRYGG_SQL_ARGS(TRYGG_SQL_INT(trygg_st_now()), TRYGG_SQL_TEXT(version),
                                             TRYGG_SQL_INT(outbox_depth),
                                             TRYGG_SQL_TEXT(last_error), TRYGG_SQL_TEXT(id)),
                              "kiosk");
}

trygg_err trygg_sqlite_kiosk_new_prefix(trygg_store *st, const char *id, char out[4])
{
    out[0] = '\0';
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_kiosk k;
    err = trygg_store_kiosk_get(st, id, &k);
    if (!err)
        err = issue_prefix(st, id, out);
    if (!err) {
        char detail[64];
        snprintf(detail, sizeof detail, "%s %s -> %s", id, k.ref_prefix[0] ? k.ref_prefix : "-",
                 out);
        err = trygg_st_audit_add(st, 0, "system", "kiosk_prefix", detail);
    }
    err = trygg_st_tx_end(st, err);
    if (err)
        out[0] = '\0';
    return err;
}

trygg_err trygg_sqlite_kiosk_owns_prefix(trygg_store *st, const char *id, const char *prefix)
{
    return trygg_st_row(st, "SELECT 1 FROM kiosk_prefixes WHERE prefix = ?1 AND kiosk_id = ?2",
                        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(prefix), TRYGG_SQL_TEXT(id)), read_nothing,
                        NULL, "kiosk prefix");
}

/* ---- Walks ------------------------------------------------------------------ */

#define WALK_COLS                                                                                  \
    "w.id, w.starts, w.area, w.place, w.meeting_point, w.capacity, w.cancelled, "                  \
    "(SELECT count(*) FROM items i WHERE i.kind = 'walk_signup' AND i.walk_id = w.id "             \
    "AND i.status <> 'closed'), w.round"

static const trygg_sql_field walk_fields[] = {TRYGG_SQL_FINT(trygg_walk, id),
                                              TRYGG_SQL_FINT(trygg_walk, starts),
                                              TRYGG_SQL_FTEXT(trygg_walk, area),
                                              TRYGG_SQL_FTEXT(trygg_walk, place),
                                              TRYGG_SQL_FTEXT(trygg_walk, meeting_point),
                                              TRYGG_SQL_FINT(trygg_walk, capacity),
                                              TRYGG_SQL_FINT(trygg_walk, cancelled),
                                              TRYGG_SQL_FINT(trygg_walk, signups),
                                              TRYGG_SQL_FINT(trygg_walk, round)};

static void read_walk(sqlite3_stmt *s, void *row)
{
    TRYGG_SQL_READ(s, walk_fields, row, sizeof(trygg_walk));
}

trygg_err trygg_sqlite_walk_put(trygg_store *st, trygg_walk *w)
{
    if (w->starts <= 0 || w->capacity < 0 || !trygg_rules_str_ok(w->area, sizeof w->area) ||
        !trygg_rules_str_ok(w->place, sizeof w->place) ||
        !trygg_rules_str_ok(w->meeting_point, sizeof w->meeting_point))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid walk");
    trygg_sql_args a = TRYGG_SQL_ARGS(
        TRYGG_SQL_INT(w->starts), TRYGG_SQL_TEXT(w->area), TRYGG_SQL_TEXT(w->place),
        TRYGG_SQL_TEXT(w->meeting_point), TRYGG_SQL_INT(w->capacity),
        TRYGG_SQL_INT(w->cancelled ? 1 : 0), TRYGG_SQL_INT(w->round ? 1 : 0), TRYGG_SQL_INT(w->id));
    if (w->id)
        return trygg_st_write_one(st,
                                  "UPDATE walks SET starts = ?1, area = ?2, place = ?3, "
                                  "meeting_point = ?4, capacity = ?5, cancelled = ?6, round = ?7 "
                                  "WHERE id = ?8",
                                  a, "walk");
    a.n--; /* no ?8 */
    trygg_err err =
        trygg_st_write(st,
                       "INSERT INTO walks (starts, area, place, meeting_point, "
                       "capacity, cancelled, round) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                       a, "add walk");
    if (!err)
        w->id = sqlite3_last_insert_rowid(st->db);
    return err;
}

trygg_err trygg_sqlite_walk_get(trygg_store *st, int64_t id, trygg_walk *out)
{
    return trygg_st_row(st, "SELECT " WALK_COLS " FROM walks w WHERE w.id = ?1",
                        TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), read_walk, out, "walk");
}

trygg_err trygg_sqlite_walk_list(trygg_store *st, int64_t from, trygg_walk *out, int max, int *n)
{
    return trygg_st_list(st,
                         "SELECT " WALK_COLS " FROM walks w WHERE w.starts >= ?1 "
                         "AND w.cancelled = 0 ORDER BY w.starts, w.id LIMIT ?2",
                         &from, max, read_walk, out, sizeof *out, n, "list walks");
}

/* ---- Notices ------------------------------------------------------------------ */

trygg_err trygg_sqlite_notice_put(trygg_store *st, trygg_notice *nt)
{
    if (!nt->text[0] || !trygg_rules_str_ok(nt->text, sizeof nt->text) ||
        !trygg_rules_str_ok(nt->lang, sizeof nt->lang) || nt->to <= nt->from)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid notice (text, lang, from < to)");
    trygg_sql_args a =
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(nt->lang), TRYGG_SQL_TEXT(nt->text), TRYGG_SQL_INT(nt->from),
                       TRYGG_SQL_INT(nt->to), TRYGG_SQL_INT(nt->id));
    if (nt->id)
        return trygg_st_write_one(
            st, "UPDATE notices SET lang = ?1, text = ?2, starts = ?3, ends = ?4 WHERE id = ?5", a,
            "notice");
    a.n--; /* no ?5 */
    trygg_err err =
        trygg_st_write(st, "INSERT INTO notices (lang, text, starts, ends) VALUES (?1, ?2, ?3, ?4)",
                       a, "add notice");
    if (!err)
        nt->id = sqlite3_last_insert_rowid(st->db);
    return err;
}

trygg_err trygg_sqlite_notice_delete(trygg_store *st, int64_t id)
{
    return trygg_st_write_one(st, "DELETE FROM notices WHERE id = ?1",
                              TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), "notice");
}

static const trygg_sql_field notice_fields[] = {
    TRYGG_SQL_FINT(trygg_notice, id), TRYGG_SQL_FTEXT(trygg_notice, lang),
    TRYGG_SQL_FTEXT(trygg_notice, text), TRYGG_SQL_FINT(trygg_notice, from),
    TRYGG_SQL_FINT(trygg_notice, to)};

static void read_notice(sqlite3_stmt *s, void *row)
{
    TRYGG_SQL_READ(s, notice_fields, row, sizeof(trygg_notice));
}

trygg_err trygg_sqlite_notice_list(trygg_store *st, int64_t now, trygg_notice *out, int max, int *n)
{
    return trygg_st_list(st,
                         "SELECT id, lang, text, starts, ends FROM notices "
                         "WHERE starts <= ?1 AND ends > ?1 ORDER BY starts, id LIMIT ?2",
                         &now, max, read_notice, out, sizeof *out, n, "list notices");
}

/* ---- Client roles (kiosk, gateway) ----------------------------------------- */

/* Reads a client's role into a char[16]. */
static void read_role(sqlite3_stmt *s, void *row)
{
    trygg_st_col_text(s, 0, row, 16);
}

trygg_err trygg_sqlite_client_role_get(trygg_store *st, const char *id, char role[16])
{
    trygg_err err =
        trygg_st_row(st, "SELECT role FROM kiosks WHERE id = ?1",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(id)), read_role, role, "client role");
    if (err == TRYGG_ERR_NOTFOUND)
        trygg_st_failf(st, err, "no such client %s", id);
    return err;
}

trygg_err trygg_sqlite_client_role_set(trygg_store *st, const char *id, const char *role)
{
    if (strcmp(role, TRYGG_ROLE_KIOSK) != 0 && strcmp(role, TRYGG_ROLE_GATEWAY) != 0)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "unknown role %s", role);
    trygg_err err =
        trygg_st_write_one(st, "UPDATE kiosks SET role = ?1 WHERE id = ?2",
                           TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(role), TRYGG_SQL_TEXT(id)), "client role");
    if (err == TRYGG_ERR_NOTFOUND)
        trygg_st_failf(st, err, "no such client %s", id);
    return err;
}
