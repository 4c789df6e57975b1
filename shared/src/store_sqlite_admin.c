/*
 * store_sqlite_admin.c — destinations, staff users, kiosks, safety walks and
 * kiosk notices.
 */
#include "store_sqlite_internal.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/copy.h"
#include "trygg/ref.h"
#include "trygg/secret.h"

/* Validates a bounded UTF-8 string argument (NULL counts as ""). */
static int str_ok(const char *v, size_t cap)
{
    char tmp[8192];
    if (!v)
        return 1;
    if (cap > sizeof tmp)
        cap = sizeof tmp;
    return trygg_strset(tmp, cap, v) == TRYGG_OK;
}

/* Steps a one-row lookup; NOTFOUND with `what` when there is no row. */
static trygg_err step_row(trygg_store *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        return TRYGG_OK;
    if (rc == SQLITE_DONE)
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such %s", what);
    return trygg_st_fail(st, rc, what);
}

/* ---- Destinations ---------------------------------------------------------- */

trygg_err trygg_sqlite_dest_put(trygg_store *st, const trygg_destination *d)
{
    if (!d->name[0] || !str_ok(d->name, sizeof d->name) || !str_ok(d->label, sizeof d->label) ||
        !str_ok(d->email, sizeof d->email) || !str_ok(d->webhook_url, sizeof d->webhook_url) ||
        !str_ok(d->webhook_secret, sizeof d->webhook_secret))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid destination");
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "INSERT OR REPLACE INTO destinations (name, label, email, "
                                     "webhook_url, webhook_secret, full_access) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, d->name);
    trygg_st_bind_text(s, 2, d->label);
    trygg_st_bind_text(s, 3, d->email);
    trygg_st_bind_text(s, 4, d->webhook_url);
    trygg_st_bind_text(s, 5, d->webhook_secret);
    sqlite3_bind_int(s, 6, d->full_access ? 1 : 0);
    return trygg_st_run(st, s, "put destination");
}

static void read_dest(sqlite3_stmt *s, void *row)
{
    trygg_destination *d = row;
    memset(d, 0, sizeof *d);
    trygg_st_col_text(s, 0, d->name, sizeof d->name);
    trygg_st_col_text(s, 1, d->label, sizeof d->label);
    trygg_st_col_text(s, 2, d->email, sizeof d->email);
    trygg_st_col_text(s, 3, d->webhook_url, sizeof d->webhook_url);
    trygg_st_col_text(s, 4, d->webhook_secret, sizeof d->webhook_secret);
    d->full_access = sqlite3_column_int(s, 5);
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
    sqlite3_stmt *s;
    err = trygg_st_prepare(st, "DELETE FROM destinations WHERE name = ?1", &s);
    if (!err) {
        trygg_st_bind_text(s, 1, name);
        err = trygg_st_run_one(st, s, "destination");
    }
    if (!err)
        err = trygg_st_audit_add(st, 0, actor ? actor : "admin", "dest_delete", name);
    return trygg_st_tx_end(st, err);
}

/* ---- Users ------------------------------------------------------------------ */

#define USER_COLS "id, username, display, role, destination, can_call_back, disabled, created"

static void read_user(sqlite3_stmt *s, void *row)
{
    trygg_user *u = row;
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(s, 0);
    trygg_st_col_text(s, 1, u->username, sizeof u->username);
    trygg_st_col_text(s, 2, u->display, sizeof u->display);
    trygg_st_col_text(s, 3, u->role, sizeof u->role);
    trygg_st_col_text(s, 4, u->destination, sizeof u->destination);
    u->can_call_back = sqlite3_column_int(s, 5);
    u->disabled = sqlite3_column_int(s, 6);
    u->created = sqlite3_column_int64(s, 7);
}

/* Usernames: 1..63 characters of a-z, 0-9, '.', '_', '-' (case-folded
 * input is the caller's business). */
static int username_ok(const char *u)
{
    size_t len = u ? strnlen(u, TRYGG_NAME_MAX + 1) : 0;
    if (len == 0 || len > TRYGG_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = u[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || (c >= 'A' && c <= 'Z')))
            return 0;
    }
    return 1;
}

static int role_ok(const char *r)
{
    return r &&
           (strcmp(r, "admin") == 0 || strcmp(r, "security") == 0 || strcmp(r, "destination") == 0);
}

trygg_err trygg_sqlite_user_add(trygg_store *st, const trygg_user *u, const char *password)
{
    if (!username_ok(u->username))
        return trygg_st_failf(st, TRYGG_ERR_INVALID,
                              "invalid username (use letters, digits, '.', '_', '-')");
    if (!role_ok(u->role))
        return trygg_st_failf(st, TRYGG_ERR_INVALID,
                              "invalid role '%s' (admin, security or destination)", u->role);
    if (strcmp(u->role, "destination") == 0 && !u->destination[0])
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "role destination needs a destination");
    if (!str_ok(u->display, sizeof u->display) || !str_ok(u->destination, sizeof u->destination))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid display name or destination");
    if (!password || strlen(password) < 8 || strlen(password) > 1000)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "password must be 8..1000 bytes");
    char hash[128];
    if (trygg_password_hash(password, hash) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_CRYPTO, "password hashing failed");
    sqlite3_stmt *s;
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    err = trygg_st_prepare(st,
                           "INSERT INTO users (username, display, role, destination, "
                           "can_call_back, disabled, pwhash, created) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           &s);
    if (!err) {
        trygg_st_bind_text(s, 1, u->username);
        trygg_st_bind_text(s, 2, u->display);
        trygg_st_bind_text(s, 3, u->role);
        trygg_st_bind_text(s, 4, u->destination);
        sqlite3_bind_int(s, 5, u->can_call_back ? 1 : 0);
        sqlite3_bind_int(s, 6, u->disabled ? 1 : 0);
        trygg_st_bind_text(s, 7, hash);
        sqlite3_bind_int64(s, 8, trygg_st_now());
        err = trygg_st_run(st, s, "add user");
        if (err == TRYGG_ERR_EXISTS)
            trygg_st_failf(st, err, "user '%s' already exists", u->username);
    }
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
    sqlite3_stmt *s;
    err = trygg_st_prepare(st, "UPDATE users SET disabled = ?1 WHERE username = ?2", &s);
    if (!err) {
        sqlite3_bind_int(s, 1, disabled ? 1 : 0);
        trygg_st_bind_text(s, 2, username);
        err = trygg_st_run_one(st, s, "user");
    }
    if (!err)
        err =
            trygg_st_audit_add(st, 0, "admin", disabled ? "user_disable" : "user_enable", username);
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_user_set_password(trygg_store *st, const char *username,
                                         const char *password)
{
    if (!password || strlen(password) < 8 || strlen(password) > 1000)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "password must be 8..1000 bytes");
    char hash[128];
    if (trygg_password_hash(password, hash) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_CRYPTO, "password hashing failed");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st, "UPDATE users SET pwhash = ?1 WHERE username = ?2", &s);
    if (!err) {
        trygg_st_bind_text(s, 1, hash);
        trygg_st_bind_text(s, 2, username);
        err = trygg_st_run_one(st, s, "user");
    }
    if (!err)
        err = trygg_st_audit_add(st, 0, "admin", "user_password", username);
    return trygg_st_tx_end(st, err);
}

/* A hash nobody's password matches, verified for unknown users so a wrong
 * username costs as much time as a wrong password. */
static char dummy_hash[128];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy_hash(void)
{
    char pw[64];
    if (trygg_token_new(pw) != TRYGG_OK || trygg_password_hash(pw, dummy_hash) != TRYGG_OK)
        dummy_hash[0] = '\0';
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
        pthread_once(&dummy_once, make_dummy_hash);
        if (dummy_hash[0]) {
            /* Only to take as long as a real check: the answer is no anyway. */
            trygg_err same_time = trygg_password_verify(dummy_hash, password);
            (void)same_time;
        }
        return trygg_st_failf(st, TRYGG_ERR_AUTH, "wrong username or password");
    }
    if (trygg_password_verify(hash, password) != TRYGG_OK || u.disabled)
        return trygg_st_failf(st, TRYGG_ERR_AUTH, "wrong username or password");
    if (out)
        *out = u;
    return TRYGG_OK;
}

/* ---- Two-factor login (TOTP, RFC 6238) --------------------------------------- */

#define TOTP_STEP   30
#define TOTP_DIGITS 6

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ready;
static void init_oath(void)
{
    oath_ready = oath_init() == OATH_OK;
}

int trygg_store_user_needs_2fa(const trygg_user *u)
{
    return u &&
           (strcmp(u->role, "security") == 0 || strcmp(u->role, "admin") == 0 || u->can_call_back);
}

/* Reads the TOTP columns of `username`. */
static trygg_err totp_row(trygg_store *st, const char *username, int64_t *id, char secret[64],
                          int *enabled, int64_t *last_step)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT id, totp_secret, totp_enabled, totp_last_step "
                                     "FROM users WHERE username = ?1 AND disabled = 0",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, username);
    err = step_row(st, s, "user");
    if (!err) {
        *id = sqlite3_column_int64(s, 0);
        trygg_st_col_text(s, 1, secret, 64);
        *enabled = sqlite3_column_int(s, 2);
        *last_step = sqlite3_column_int64(s, 3);
    }
    sqlite3_finalize(s);
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
    if (secret)
        snprintf(secret, TRYGG_TOTP_SECRET_LEN, "%s", sec);
    return TRYGG_OK;
}

trygg_err trygg_sqlite_user_totp_begin(trygg_store *st, const char *username, const char *secret,
                                       char secret_out[TRYGG_TOTP_SECRET_LEN])
{
    char sec[TRYGG_TOTP_SECRET_LEN];
    if (secret) {
        char *bin = NULL;
        size_t binlen = 0;
        pthread_once(&oath_once, init_oath);
        if (strlen(secret) >= sizeof sec || !oath_ready ||
            oath_base32_decode(secret, strlen(secret), &bin, &binlen) != OATH_OK || binlen < 10) {
            free(bin);
            return trygg_st_failf(st, TRYGG_ERR_INVALID, "TOTP secret: not base32 of 10+ bytes");
        }
        free(bin);
        if (!TRYGG_COPY(sec, secret)) /* length checked above */
            return trygg_st_failf(st, TRYGG_ERR_INVALID, "TOTP secret: too long");
    } else {
        /* 160 random bits (RFC 4226's recommendation), base32 without padding. */
        unsigned char raw[20];
        randombytes_buf(raw, sizeof raw);
        static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        size_t o = 0;
        for (size_t i = 0; i < sizeof raw; i += 5) {
            uint64_t v = 0;
            for (size_t k = 0; k < 5; k++)
                v = v << 8 | raw[i + k];
            for (int k = 7; k >= 0; k--)
                sec[o++] = b32[(v >> (k * 5)) & 31];
        }
        sec[o] = '\0';
        sodium_memzero(raw, sizeof raw);
    }
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st,
                           "UPDATE users SET totp_secret = ?1, totp_enabled = 0, "
                           "totp_last_step = 0 WHERE username = ?2 AND totp_enabled = 0",
                           &s);
    if (!err) {
        trygg_st_bind_text(s, 1, sec);
        trygg_st_bind_text(s, 2, username);
        err = trygg_st_run_one(st, s, "user without two-factor login");
    }
    err = trygg_st_tx_end(st, err);
    if (!err && secret_out)
        snprintf(secret_out, TRYGG_TOTP_SECRET_LEN, "%s", sec);
    sodium_memzero(sec, sizeof sec);
    return err;
}

/* The time step of a valid 6-digit `code` for base32 `secret` at `now`
 * (window one step either side), or -1. */
static int64_t totp_match(const char *secret, const char *code, int64_t now)
{
    pthread_once(&oath_once, init_oath);
    if (!oath_ready || strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS)
        return -1;
    char *bin = NULL;
    size_t binlen = 0;
    if (oath_base32_decode(secret, strlen(secret), &bin, &binlen) != OATH_OK)
        return -1;
    int pos = 0;
    uint64_t counter = 0;
    int rc = oath_totp_validate3(bin, binlen, (time_t)now, TOTP_STEP, 0, 1, &pos, &counter, code);
    sodium_memzero(bin, binlen);
    free(bin);
    return rc >= 0 ? (int64_t)counter : -1;
}

/* Normalises a recovery code (drops '-' and spaces, lower case) and hashes it. */
static int recovery_hash(const char *code, char hex[65])
{
    char norm[64];
    size_t n = 0;
    for (const char *p = code; *p && n + 1 < sizeof norm; p++) {
        char c = *p;
        if (c == '-' || c == ' ')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        norm[n++] = c;
    }
    norm[n] = '\0';
    if (n != 12)
        return -1;
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)norm, n, NULL, 0);
    sodium_bin2hex(hex, 65, h, sizeof h);
    return 0;
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
    int64_t step = sec[0] && !en ? totp_match(sec, code ? code : "", now) : -1;
    sodium_memzero(sec, sizeof sec);
    if (step < 0)
        return trygg_st_failf(st, TRYGG_ERR_AUTH, "wrong code");
    if ((err = trygg_st_tx_begin(st)) != TRYGG_OK)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st,
                           "UPDATE users SET totp_enabled = 1, totp_last_step = ?1 "
                           "WHERE id = ?2 AND totp_enabled = 0",
                           &s);
    if (!err) {
        sqlite3_bind_int64(s, 1, step);
        sqlite3_bind_int64(s, 2, id);
        err = trygg_st_run_one(st, s, "user");
    }
    if (!err && (err = trygg_st_prepare(st, "DELETE FROM user_recovery WHERE user_id = ?1", &s)) ==
                    TRYGG_OK) {
        sqlite3_bind_int64(s, 1, id);
        err = trygg_st_run(st, s, "clear recovery codes");
    }
    static const char alpha[] = "abcdefghjkmnpqrstuvwxyz23456789"; /* no 0/o, 1/l/i */
    for (int i = 0; !err && i < TRYGG_RECOVERY_CODES; i++) {
        char c[16];
        int o = 0;
        for (int k = 0; k < 12; k++) {
            if (k == 4 || k == 8)
                c[o++] = '-';
            c[o++] = alpha[randombytes_uniform(sizeof alpha - 1)];
        }
        c[o] = '\0';
        char hex[65];
        recovery_hash(c, hex);
        snprintf(codes[i], TRYGG_RECOVERY_LEN, "%s", c);
        err = trygg_st_prepare(st, "INSERT INTO user_recovery (user_id, code_hash) VALUES (?1, ?2)",
                               &s);
        if (!err) {
            sqlite3_bind_int64(s, 1, id);
            trygg_st_bind_text(s, 2, hex);
            err = trygg_st_run(st, s, "add recovery code");
        }
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
    int64_t step = totp_match(sec, code, now);
    sodium_memzero(sec, sizeof sec);
    sqlite3_stmt *s;
    if (step >= 0) {
        /* Replay protection: a step is accepted once, and never one older
         * than the last accepted. */
        if ((err = trygg_st_tx_begin(st)) != TRYGG_OK)
            return err;
        err = trygg_st_prepare(st,
                               "UPDATE users SET totp_last_step = ?1 "
                               "WHERE id = ?2 AND totp_last_step < ?1",
                               &s);
        if (!err) {
            sqlite3_bind_int64(s, 1, step);
            sqlite3_bind_int64(s, 2, id);
            err = trygg_st_run_one(st, s, "unused code");
        }
        err = trygg_st_tx_end(st, err);
        return err == TRYGG_ERR_NOTFOUND ? trygg_st_failf(st, TRYGG_ERR_AUTH, "code already used")
                                         : err;
    }
    char hex[65];
    if (recovery_hash(code, hex) != 0)
        return trygg_st_failf(st, TRYGG_ERR_AUTH, "wrong code");
    if ((err = trygg_st_tx_begin(st)) != TRYGG_OK)
        return err;
    err = trygg_st_prepare(st,
                           "UPDATE user_recovery SET used_at = ?1 "
                           "WHERE user_id = ?2 AND code_hash = ?3 AND used_at = 0",
                           &s);
    if (!err) {
        sqlite3_bind_int64(s, 1, now > 0 ? now : 1);
        sqlite3_bind_int64(s, 2, id);
        trygg_st_bind_text(s, 3, hex);
        err = trygg_st_run_one(st, s, "recovery code");
    }
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
    sqlite3_stmt *s;
    err = trygg_st_prepare(st,
                           "UPDATE users SET totp_secret = '', totp_enabled = 0, "
                           "totp_last_step = 0 WHERE username = ?1",
                           &s);
    if (!err) {
        trygg_st_bind_text(s, 1, username);
        err = trygg_st_run_one(st, s, "user");
    }
    if (!err && (err = trygg_st_prepare(st,
                                        "DELETE FROM user_recovery WHERE user_id = "
                                        "(SELECT id FROM users WHERE username = ?1)",
                                        &s)) == TRYGG_OK) {
        trygg_st_bind_text(s, 1, username);
        err = trygg_st_run(st, s, "clear recovery codes");
    }
    if (!err)
        err = trygg_st_audit_add(st, 0, actor ? actor : "admin", "user_2fa_reset", username);
    return trygg_st_tx_end(st, err);
}

/* ---- Kiosks ------------------------------------------------------------------ */

#define KIOSK_COLS                                                                                 \
    "id, name, area, revoked, last_seen, version, outbox_depth, last_error, created, "             \
    "coalesce(ref_prefix, '')"

static void read_kiosk(sqlite3_stmt *s, void *row)
{
    trygg_kiosk *k = row;
    memset(k, 0, sizeof *k);
    trygg_st_col_text(s, 0, k->id, sizeof k->id);
    trygg_st_col_text(s, 1, k->name, sizeof k->name);
    trygg_st_col_text(s, 2, k->area, sizeof k->area);
    k->revoked = sqlite3_column_int(s, 3);
    k->last_seen = sqlite3_column_int64(s, 4);
    trygg_st_col_text(s, 5, k->version, sizeof k->version);
    k->outbox_depth = sqlite3_column_int(s, 6);
    trygg_st_col_text(s, 7, k->last_error, sizeof k->last_error);
    k->created = sqlite3_column_int64(s, 8);
    trygg_st_col_text(s, 9, k->ref_prefix, sizeof k->ref_prefix);
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
    err = trygg_st_prepare(st,
                           "INSERT INTO kiosk_prefixes (prefix, kiosk_id, issued) "
                           "VALUES (?1, ?2, ?3)",
                           &s);
    if (!err) {
        trygg_st_bind_text(s, 1, p);
        trygg_st_bind_text(s, 2, id);
        sqlite3_bind_int64(s, 3, trygg_st_now());
        err = trygg_st_run(st, s, "issue kiosk prefix");
    }
    if (!err)
        err = trygg_st_prepare(st, "UPDATE kiosks SET ref_prefix = ?1 WHERE id = ?2", &s);
    if (!err) {
        trygg_st_bind_text(s, 1, p);
        trygg_st_bind_text(s, 2, id);
        err = trygg_st_run_one(st, s, "kiosk");
    }
    if (!err)
        memcpy(out, p, sizeof p);
    return err;
}

trygg_err trygg_sqlite_kiosk_add(trygg_store *st, const trygg_kiosk *k, char token[64])
{
    token[0] = '\0';
    if (!username_ok(k->id))
        return trygg_st_failf(st, TRYGG_ERR_INVALID,
                              "invalid kiosk id (use letters, digits, '.', '_', '-')");
    if (!str_ok(k->name, sizeof k->name) || !str_ok(k->area, sizeof k->area))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid kiosk name or area");
    char tok[64], hash[65];
    if (trygg_token_new(tok) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_CRYPTO, "token generation failed");
    trygg_token_hash(tok, hash);
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st,
                           "INSERT INTO kiosks (id, name, area, token_hash, created) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           &s);
    if (!err) {
        trygg_st_bind_text(s, 1, k->id);
        trygg_st_bind_text(s, 2, k->name);
        trygg_st_bind_text(s, 3, k->area);
        trygg_st_bind_text(s, 4, hash);
        sqlite3_bind_int64(s, 5, trygg_st_now());
        err = trygg_st_run(st, s, "add kiosk");
        if (err == TRYGG_ERR_EXISTS)
            trygg_st_failf(st, err, "kiosk '%s' already exists", k->id);
    }
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
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(
        st, "SELECT " KIOSK_COLS " FROM kiosks WHERE token_hash = ?1 AND revoked = 0", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, hash);
    err = step_row(st, s, "kiosk");
    if (!err && out)
        read_kiosk(s, out);
    sqlite3_finalize(s);
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
    sqlite3_stmt *s;
    err = trygg_st_prepare(st, "UPDATE kiosks SET revoked = 1 WHERE id = ?1", &s);
    if (!err) {
        trygg_st_bind_text(s, 1, id);
        err = trygg_st_run_one(st, s, "kiosk");
    }
    if (!err)
        err = trygg_st_audit_add(st, 0, "admin", "kiosk_revoke", id);
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_kiosk_heartbeat(trygg_store *st, const char *id, const char *version,
                                       int outbox_depth, const char *last_error)
{
    trygg_kiosk k;
    if (!str_ok(version, sizeof k.version) || !str_ok(last_error, sizeof k.last_error) ||
        outbox_depth < 0)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid heartbeat");
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "UPDATE kiosks SET last_seen = ?1, version = ?2, "
                                     "outbox_depth = ?3, last_error = ?4 WHERE id = ?5",
                                     &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, trygg_st_now());
    trygg_st_bind_text(s, 2, version);
    sqlite3_bind_int(s, 3, outbox_depth);
    trygg_st_bind_text(s, 4, last_error);
    trygg_st_bind_text(s, 5, id);
    return trygg_st_run_one(st, s, "kiosk");
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
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(
        st, "SELECT 1 FROM kiosk_prefixes WHERE prefix = ?1 AND kiosk_id = ?2", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, prefix);
    trygg_st_bind_text(s, 2, id);
    err = step_row(st, s, "kiosk prefix");
    sqlite3_finalize(s);
    return err;
}

/* ---- Walks ------------------------------------------------------------------ */

#define WALK_COLS                                                                                  \
    "w.id, w.starts, w.area, w.place, w.meeting_point, w.capacity, w.cancelled, "                  \
    "(SELECT count(*) FROM items i WHERE i.kind = 'walk_signup' AND i.walk_id = w.id "             \
    "AND i.status <> 'closed')"

static void read_walk(sqlite3_stmt *s, void *row)
{
    trygg_walk *w = row;
    memset(w, 0, sizeof *w);
    w->id = sqlite3_column_int64(s, 0);
    w->starts = sqlite3_column_int64(s, 1);
    trygg_st_col_text(s, 2, w->area, sizeof w->area);
    trygg_st_col_text(s, 3, w->place, sizeof w->place);
    trygg_st_col_text(s, 4, w->meeting_point, sizeof w->meeting_point);
    w->capacity = sqlite3_column_int(s, 5);
    w->cancelled = sqlite3_column_int(s, 6);
    w->signups = sqlite3_column_int(s, 7);
}

trygg_err trygg_sqlite_walk_put(trygg_store *st, trygg_walk *w)
{
    if (w->starts <= 0 || w->capacity < 0 || !str_ok(w->area, sizeof w->area) ||
        !str_ok(w->place, sizeof w->place) || !str_ok(w->meeting_point, sizeof w->meeting_point))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid walk");
    sqlite3_stmt *s;
    trygg_err err;
    if (w->id == 0)
        err = trygg_st_prepare(st,
                               "INSERT INTO walks (starts, area, place, meeting_point, capacity, "
                               "cancelled) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                               &s);
    else
        err = trygg_st_prepare(st,
                               "UPDATE walks SET starts = ?1, area = ?2, place = ?3, "
                               "meeting_point = ?4, capacity = ?5, cancelled = ?6 WHERE id = ?7",
                               &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, w->starts);
    trygg_st_bind_text(s, 2, w->area);
    trygg_st_bind_text(s, 3, w->place);
    trygg_st_bind_text(s, 4, w->meeting_point);
    sqlite3_bind_int(s, 5, w->capacity);
    sqlite3_bind_int(s, 6, w->cancelled ? 1 : 0);
    if (w->id) {
        sqlite3_bind_int64(s, 7, w->id);
        return trygg_st_run_one(st, s, "walk");
    }
    err = trygg_st_run(st, s, "add walk");
    if (!err)
        w->id = sqlite3_last_insert_rowid(st->db);
    return err;
}

trygg_err trygg_sqlite_walk_get(trygg_store *st, int64_t id, trygg_walk *out)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "SELECT " WALK_COLS " FROM walks w WHERE w.id = ?1", &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, id);
    err = step_row(st, s, "walk");
    if (!err)
        read_walk(s, out);
    sqlite3_finalize(s);
    return err;
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
    if (!nt->text[0] || !str_ok(nt->text, sizeof nt->text) || !str_ok(nt->lang, sizeof nt->lang) ||
        nt->to <= nt->from)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid notice (text, lang, from < to)");
    sqlite3_stmt *s;
    trygg_err err;
    if (nt->id == 0)
        err = trygg_st_prepare(
            st, "INSERT INTO notices (lang, text, starts, ends) VALUES (?1, ?2, ?3, ?4)", &s);
    else
        err = trygg_st_prepare(
            st, "UPDATE notices SET lang = ?1, text = ?2, starts = ?3, ends = ?4 WHERE id = ?5",
            &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, nt->lang);
    trygg_st_bind_text(s, 2, nt->text);
    sqlite3_bind_int64(s, 3, nt->from);
    sqlite3_bind_int64(s, 4, nt->to);
    if (nt->id) {
        sqlite3_bind_int64(s, 5, nt->id);
        return trygg_st_run_one(st, s, "notice");
    }
    err = trygg_st_run(st, s, "add notice");
    if (!err)
        nt->id = sqlite3_last_insert_rowid(st->db);
    return err;
}

trygg_err trygg_sqlite_notice_delete(trygg_store *st, int64_t id)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "DELETE FROM notices WHERE id = ?1", &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, id);
    return trygg_st_run_one(st, s, "notice");
}

static void read_notice(sqlite3_stmt *s, void *row)
{
    trygg_notice *nt = row;
    memset(nt, 0, sizeof *nt);
    nt->id = sqlite3_column_int64(s, 0);
    trygg_st_col_text(s, 1, nt->lang, sizeof nt->lang);
    trygg_st_col_text(s, 2, nt->text, sizeof nt->text);
    nt->from = sqlite3_column_int64(s, 3);
    nt->to = sqlite3_column_int64(s, 4);
}

trygg_err trygg_sqlite_notice_list(trygg_store *st, int64_t now, trygg_notice *out, int max, int *n)
{
    return trygg_st_list(st,
                         "SELECT id, lang, text, starts, ends FROM notices "
                         "WHERE starts <= ?1 AND ends > ?1 ORDER BY starts, id LIMIT ?2",
                         &now, max, read_notice, out, sizeof *out, n, "list notices");
}

/* ---- Client roles (kiosk, gateway) ----------------------------------------- */

trygg_err trygg_sqlite_client_role_get(trygg_store *st, const char *id, char role[16])
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "SELECT role FROM kiosks WHERE id = ?1", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        trygg_st_col_text(s, 0, role, 16);
        err = TRYGG_OK;
    } else if (rc == SQLITE_DONE) {
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such client %s", id);
    } else {
        err = trygg_st_fail(st, rc, "client role");
    }
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_sqlite_client_role_set(trygg_store *st, const char *id, const char *role)
{
    if (strcmp(role, TRYGG_ROLE_KIOSK) != 0 && strcmp(role, TRYGG_ROLE_GATEWAY) != 0)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "unknown role %s", role);
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "UPDATE kiosks SET role = ?1 WHERE id = ?2", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, role);
    trygg_st_bind_text(s, 2, id);
    err = trygg_st_run(st, s, "client role");
    if (!err && sqlite3_changes(st->db) == 0)
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such client %s", id);
    return err;
}
