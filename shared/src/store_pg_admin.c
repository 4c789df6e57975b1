/*
 * store_pg_admin.c — the PostgreSQL backend's destinations, staff users and
 * their two-factor login, safety walks, kiosk notices and reply templates
 * (kiosks and gateways: store_pg_clients.c). The same contract, checks, codes and
 * messages as store_sqlite_admin.c and store_sqlite_templates.c; the
 * engine-independent rules are shared (store_rules.h).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store_pg_internal.h"
#include "store_rules.h"
#include "trygg/copy.h"
#include "trygg/secret.h"

/* Appends an audit row (no transaction of its own). */
static trygg_err audit_row(trygg_store *st, const char *actor, const char *action,
                           const char *detail)
{
    return trygg_pg_write(st,
                          "INSERT INTO audit (item_id, actor, action, detail, at) "
                          "VALUES (0, $1, $2, $3, " PG_TS("$4") ")",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(actor), TRYGG_SQL_TEXT(action),
                                         TRYGG_SQL_TEXT(detail), TRYGG_SQL_INT(trygg_pg_now())),
                          NULL, "audit");
}

/* ---- Destinations ---------------------------------------------------------- */

trygg_err trygg_pg_dest_put(trygg_store *st, const trygg_destination *d)
{
    if (!d->name[0] || !trygg_rules_str_ok(d->name, sizeof d->name) ||
        !trygg_rules_str_ok(d->label, sizeof d->label) ||
        !trygg_rules_str_ok(d->email, sizeof d->email) ||
        !trygg_rules_str_ok(d->webhook_url, sizeof d->webhook_url) ||
        !trygg_rules_str_ok(d->webhook_secret, sizeof d->webhook_secret))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid destination");
    return trygg_pg_write(st,
                          "INSERT INTO destinations (name, label, email, webhook_url, "
                          "webhook_secret, full_access) VALUES ($1, $2, $3, $4, $5, $6) "
                          "ON CONFLICT (name) DO UPDATE SET label = excluded.label, "
                          "email = excluded.email, webhook_url = excluded.webhook_url, "
                          "webhook_secret = excluded.webhook_secret, "
                          "full_access = excluded.full_access",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(d->name), TRYGG_SQL_TEXT(d->label),
                                         TRYGG_SQL_TEXT(d->email), TRYGG_SQL_TEXT(d->webhook_url),
                                         TRYGG_SQL_TEXT(d->webhook_secret),
                                         TRYGG_SQL_INT(d->full_access ? 1 : 0)),
                          NULL, "put destination");
}

static const trygg_sql_field dest_fields[] = {TRYGG_SQL_FTEXT(trygg_destination, name),
                                              TRYGG_SQL_FTEXT(trygg_destination, label),
                                              TRYGG_SQL_FTEXT(trygg_destination, email),
                                              TRYGG_SQL_FTEXT(trygg_destination, webhook_url),
                                              TRYGG_SQL_FTEXT(trygg_destination, webhook_secret),
                                              TRYGG_SQL_FINT(trygg_destination, full_access)};

static void read_dest(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, dest_fields, out, sizeof(trygg_destination));
}

#define DEST_COLS "name, label, email, webhook_url, webhook_secret, full_access"

trygg_err trygg_pg_dest_get(trygg_store *st, const char *name, trygg_destination *out)
{
    return trygg_pg_row(st, "SELECT " DEST_COLS " FROM destinations WHERE name = $1",
                        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(name)), read_dest, out, "destination");
}

trygg_err trygg_pg_dest_list(trygg_store *st, trygg_destination *out, int max, int *n)
{
    return trygg_pg_select(st, "SELECT " DEST_COLS " FROM destinations ORDER BY name LIMIT $1",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(max < 0 ? 0 : max)), out, sizeof *out, max,
                           read_dest, n, "list destinations");
}

trygg_err trygg_pg_dest_delete(trygg_store *st, const char *name, const char *actor)
{
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    err = trygg_pg_write_one(st, "DELETE FROM destinations WHERE name = $1",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(name)), "destination");
    if (!err)
        err = audit_row(st, actor ? actor : "admin", "dest_delete", name);
    return trygg_pg_tx_end(st, err);
}

/* ---- Users ------------------------------------------------------------------ */

#define USER_COLS                                                                                  \
    "id, username, display, role, destination, can_call_back, disabled, " PG_EPOCH("created")

static const trygg_sql_field user_fields[] = {
    TRYGG_SQL_FINT(trygg_user, id),           TRYGG_SQL_FTEXT(trygg_user, username),
    TRYGG_SQL_FTEXT(trygg_user, display),     TRYGG_SQL_FTEXT(trygg_user, role),
    TRYGG_SQL_FTEXT(trygg_user, destination), TRYGG_SQL_FINT(trygg_user, can_call_back),
    TRYGG_SQL_FINT(trygg_user, disabled),     TRYGG_SQL_FINT(trygg_user, created)};

static void read_user(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, user_fields, out, sizeof(trygg_user));
}

static trygg_err user_check(trygg_store *st, const trygg_user *u, const char *password)
{
    if (!trygg_rules_username_ok(u->username))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID,
                              "invalid username (use letters, digits, '.', '_', '-')");
    if (!trygg_rules_role_ok(u->role))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID,
                              "invalid role '%s' (admin, security or destination)", u->role);
    if (strcmp(u->role, "destination") == 0 && !u->destination[0])
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "role destination needs a destination");
    if (!trygg_rules_str_ok(u->display, sizeof u->display) ||
        !trygg_rules_str_ok(u->destination, sizeof u->destination))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid display name or destination");
    const char *bad = trygg_rules_password_bad(password);
    return bad ? trygg_pg_failf(st, TRYGG_ERR_INVALID, "%s", bad) : TRYGG_OK;
}

trygg_err trygg_pg_user_add(trygg_store *st, const trygg_user *u, const char *password)
{
    trygg_err err = user_check(st, u, password);
    if (err)
        return err;
    char hash[128];
    if (trygg_password_hash(password, hash) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_CRYPTO, "password hashing failed");
    if ((err = trygg_pg_tx_begin(st)) != TRYGG_OK)
        return err;
    err = trygg_pg_write(st,
                         "INSERT INTO users (username, display, role, destination, "
                         "can_call_back, disabled, pwhash, created) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, " PG_TS("$8") ")",
                         TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(u->username), TRYGG_SQL_TEXT(u->display),
                                        TRYGG_SQL_TEXT(u->role), TRYGG_SQL_TEXT(u->destination),
                                        TRYGG_SQL_INT(u->can_call_back ? 1 : 0),
                                        TRYGG_SQL_INT(u->disabled ? 1 : 0), TRYGG_SQL_TEXT(hash),
                                        TRYGG_SQL_INT(trygg_pg_now())),
                         NULL, "add user");
    if (err == TRYGG_ERR_EXISTS)
        trygg_pg_failf(st, err, "user '%s' already exists", u->username);
    if (!err) {
        char detail[160];
        snprintf(detail, sizeof detail, "user %s role %s", u->username, u->role);
        err = audit_row(st, "admin", "user_add", detail);
    }
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_user_get(trygg_store *st, const char *username, trygg_user *out)
{
    return trygg_pg_row(st, "SELECT " USER_COLS " FROM users WHERE username = $1",
                        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(username)), read_user, out, "user");
}

trygg_err trygg_pg_user_list(trygg_store *st, trygg_user *out, int max, int *n)
{
    return trygg_pg_select(st, "SELECT " USER_COLS " FROM users ORDER BY username LIMIT $1",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(max < 0 ? 0 : max)), out, sizeof *out, max,
                           read_user, n, "list users");
}

/* Runs an UPDATE of one user (must change a row) and its audit row, in a unit. */
static trygg_err user_change(trygg_store *st, const char *sql, trygg_sql_args a, const char *action,
                             const char *username)
{
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    err = trygg_pg_write_one(st, sql, a, "user");
    if (!err)
        err = audit_row(st, "admin", action, username);
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_user_set_disabled(trygg_store *st, const char *username, int disabled)
{
    return user_change(st, "UPDATE users SET disabled = $1 WHERE username = $2",
                       TRYGG_SQL_ARGS(TRYGG_SQL_INT(disabled ? 1 : 0), TRYGG_SQL_TEXT(username)),
                       disabled ? "user_disable" : "user_enable", username);
}

trygg_err trygg_pg_user_set_password(trygg_store *st, const char *username, const char *password)
{
    const char *bad = trygg_rules_password_bad(password);
    if (bad)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "%s", bad);
    char hash[128];
    if (trygg_password_hash(password, hash) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_CRYPTO, "password hashing failed");
    return user_change(st, "UPDATE users SET pwhash = $1 WHERE username = $2",
                       TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(hash), TRYGG_SQL_TEXT(username)),
                       "user_password", username);
}

/* A user with the password hash (the row of user_verify). */
typedef struct {
    trygg_user u;
    char hash[128];
} user_hash;

static void read_user_hash(const PGresult *r, int row, void *out)
{
    user_hash *h = out;
    read_user(r, row, &h->u);
    trygg_pg_col_text(r, row, TRYGG_SQL_COUNT(user_fields), h->hash, sizeof h->hash);
}

trygg_err trygg_pg_user_verify(trygg_store *st, const char *username, const char *password,
                               trygg_user *out)
{
    user_hash h;
    trygg_err err =
        trygg_pg_row(st, "SELECT " USER_COLS ", pwhash FROM users WHERE username = $1",
                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(username)), read_user_hash, &h, "user");
    if (!password)
        password = "";
    if (err == TRYGG_ERR_NOTFOUND) {
        trygg_rules_verify_nobody(password);
        return trygg_pg_failf(st, TRYGG_ERR_AUTH, "wrong username or password");
    }
    if (err)
        return err;
    if (trygg_password_verify(h.hash, password) != TRYGG_OK || h.u.disabled)
        return trygg_pg_failf(st, TRYGG_ERR_AUTH, "wrong username or password");
    if (out)
        *out = h.u;
    return TRYGG_OK;
}

/* ---- Two-factor login (TOTP, RFC 6238) --------------------------------------- */

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

static void read_totp(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, totp_fields, out, sizeof(totp_cols));
}

/* Reads the TOTP columns of enabled user `username` (wipe c after use). */
static trygg_err totp_row(trygg_store *st, const char *username, totp_cols *c)
{
    return trygg_pg_row(st,
                        "SELECT id, totp_secret, totp_enabled, totp_last_step "
                        "FROM users WHERE username = $1 AND NOT disabled",
                        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(username)), read_totp, c, "user");
}

trygg_err trygg_pg_user_totp_get(trygg_store *st, const char *username, int *enabled,
                                 char secret[TRYGG_TOTP_SECRET_LEN])
{
    totp_cols c;
    trygg_err err = totp_row(st, username, &c);
    if (!err) {
        if (enabled)
            *enabled = c.enabled;
        if (secret)
            trygg_copy_trunc(secret, TRYGG_TOTP_SECRET_LEN, c.secret);
    }
    sodium_memzero(&c, sizeof c);
    return err;
}

trygg_err trygg_pg_user_totp_begin(trygg_store *st, const char *username, const char *secret,
                                   char secret_out[TRYGG_TOTP_SECRET_LEN])
{
    char sec[TRYGG_TOTP_SECRET_LEN];
    if (trygg_rules_totp_secret(secret, sec) != 0)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "TOTP secret: not base32 of 10+ bytes");
    trygg_err err = trygg_pg_tx_begin(st);
    if (err) {
        sodium_memzero(sec, sizeof sec);
        return err;
    }
    err = trygg_pg_write_one(st,
                             "UPDATE users SET totp_secret = $1, totp_enabled = false, "
                             "totp_last_step = 0 WHERE username = $2 AND NOT totp_enabled",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(sec), TRYGG_SQL_TEXT(username)),
                             "user without two-factor login");
    err = trygg_pg_tx_end(st, err);
    if (!err && secret_out)
        trygg_copy_trunc(secret_out, TRYGG_TOTP_SECRET_LEN, sec);
    sodium_memzero(sec, sizeof sec);
    return err;
}

/* Inside a unit: replaces user `id`'s recovery codes by ten new ones (codes). */
static trygg_err new_recovery_codes(trygg_store *st, int64_t id,
                                    char codes[TRYGG_RECOVERY_CODES][TRYGG_RECOVERY_LEN])
{
    trygg_err err = trygg_pg_write(st, "DELETE FROM user_recovery WHERE user_id = $1",
                                   TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), NULL, "clear recovery codes");
    for (int i = 0; !err && i < TRYGG_RECOVERY_CODES; i++) {
        char hex[65];
        trygg_rules_recovery_new(codes[i]);
        if (trygg_rules_recovery_hash(codes[i], hex) != 0)
            return trygg_pg_failf(st, TRYGG_ERR_CRYPTO, "recovery code");
        err = trygg_pg_write(st, "INSERT INTO user_recovery (user_id, code_hash) VALUES ($1, $2)",
                             TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(hex)), NULL,
                             "add recovery code");
    }
    return err;
}

trygg_err trygg_pg_user_totp_enable(trygg_store *st, const char *username, const char *code,
                                    int64_t now,
                                    char codes[TRYGG_RECOVERY_CODES][TRYGG_RECOVERY_LEN])
{
    totp_cols c;
    trygg_err err = totp_row(st, username, &c);
    if (err)
        return err;
    int64_t step =
        c.secret[0] && !c.enabled ? trygg_rules_totp_match(c.secret, code ? code : "", now) : -1;
    sodium_memzero(c.secret, sizeof c.secret);
    if (step < 0)
        return trygg_pg_failf(st, TRYGG_ERR_AUTH, "wrong code");
    if ((err = trygg_pg_tx_begin(st)) != TRYGG_OK)
        return err;
    err = trygg_pg_write_one(st,
                             "UPDATE users SET totp_enabled = true, totp_last_step = $1 "
                             "WHERE id = $2 AND NOT totp_enabled",
                             TRYGG_SQL_ARGS(TRYGG_SQL_INT(step), TRYGG_SQL_INT(c.id)), "user");
    if (!err)
        err = new_recovery_codes(st, c.id, codes);
    if (!err)
        err = audit_row(st, username, "user_2fa_enable", username);
    return trygg_pg_tx_end(st, err);
}

/* A recovery code instead of a TOTP code: used once. */
static trygg_err use_recovery_code(trygg_store *st, const char *username, int64_t id,
                                   const char *code, int64_t now, int *recovery_used)
{
    char hex[65];
    if (trygg_rules_recovery_hash(code, hex) != 0)
        return trygg_pg_failf(st, TRYGG_ERR_AUTH, "wrong code");
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    err = trygg_pg_write_one(
        st,
        "UPDATE user_recovery SET used_at = " PG_TS(
            "$1") " WHERE user_id = "
                  "$2 AND code_hash = $3 AND used_at = 'epoch'",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(now > 0 ? now : 1), TRYGG_SQL_INT(id), TRYGG_SQL_TEXT(hex)),
        "recovery code");
    if (!err)
        err = audit_row(st, username, "user_2fa_recovery", username);
    err = trygg_pg_tx_end(st, err);
    if (err == TRYGG_ERR_NOTFOUND)
        return trygg_pg_failf(st, TRYGG_ERR_AUTH, "wrong code");
    if (!err && recovery_used)
        *recovery_used = 1;
    return err;
}

trygg_err trygg_pg_user_totp_verify(trygg_store *st, const char *username, const char *code,
                                    int64_t now, int *recovery_used)
{
    if (recovery_used)
        *recovery_used = 0;
    totp_cols c;
    trygg_err err = totp_row(st, username, &c);
    if (err == TRYGG_ERR_NOTFOUND)
        return trygg_pg_failf(st, TRYGG_ERR_AUTH, "wrong code");
    if (err)
        return err;
    int64_t step = c.enabled && code ? trygg_rules_totp_match(c.secret, code, now) : -1;
    sodium_memzero(c.secret, sizeof c.secret);
    if (!c.enabled || !code)
        return trygg_pg_failf(st, TRYGG_ERR_AUTH, "wrong code");
    if (step < 0)
        return use_recovery_code(st, username, c.id, code, now, recovery_used);
    /* Replay protection: a step is accepted once, and never one older than
     * the last accepted. One statement: two servers checking the same code
     * at once accept it once. */
    err =
        trygg_pg_write_one(st,
                           "UPDATE users SET totp_last_step = $1 "
                           "WHERE id = $2 AND totp_last_step < $1",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(step), TRYGG_SQL_INT(c.id)), "unused code");
    return err == TRYGG_ERR_NOTFOUND ? trygg_pg_failf(st, TRYGG_ERR_AUTH, "code already used")
                                     : err;
}

trygg_err trygg_pg_user_totp_reset(trygg_store *st, const char *username, const char *actor)
{
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    trygg_sql_args who = TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(username));
    err = trygg_pg_write_one(st,
                             "UPDATE users SET totp_secret = '', totp_enabled = false, "
                             "totp_last_step = 0 WHERE username = $1",
                             who, "user");
    if (!err)
        err = trygg_pg_write(st,
                             "DELETE FROM user_recovery WHERE user_id = "
                             "(SELECT id FROM users WHERE username = $1)",
                             who, NULL, "clear recovery codes");
    if (!err)
        err = audit_row(st, actor ? actor : "admin", "user_2fa_reset", username);
    return trygg_pg_tx_end(st, err);
}

/* ---- Walks ------------------------------------------------------------------ */

#define WALK_COLS                                                                                  \
    "w.id, " PG_EPOCH("w.starts") ", w.area, w.place, w.meeting_point, w.capacity, "               \
                                  "w.cancelled, (SELECT count(*) FROM items i WHERE i.kind = "     \
                                  "'walk_signup' AND i.walk_id = w.id AND i.status <> 'closed'), " \
                                  "w.round"

static const trygg_sql_field walk_fields[] = {TRYGG_SQL_FINT(trygg_walk, id),
                                              TRYGG_SQL_FINT(trygg_walk, starts),
                                              TRYGG_SQL_FTEXT(trygg_walk, area),
                                              TRYGG_SQL_FTEXT(trygg_walk, place),
                                              TRYGG_SQL_FTEXT(trygg_walk, meeting_point),
                                              TRYGG_SQL_FINT(trygg_walk, capacity),
                                              TRYGG_SQL_FINT(trygg_walk, cancelled),
                                              TRYGG_SQL_FINT(trygg_walk, signups),
                                              TRYGG_SQL_FINT(trygg_walk, round)};

static void read_walk(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, walk_fields, out, sizeof(trygg_walk));
}

/* Runs an INSERT ... RETURNING id and stores the id in *id. */
static trygg_err insert_id(trygg_store *st, const char *sql, trygg_sql_args a, int64_t *id,
                           const char *what)
{
    PGresult *r;
    trygg_err err = trygg_pg_query(st, sql, a, &r, what);
    if (err)
        return err;
    if (PQntuples(r) == 1)
        *id = trygg_pg_col_int(r, 0, 0);
    else
        err = trygg_pg_failf(st, TRYGG_ERR_DB, "%s: no id returned", what);
    PQclear(r);
    return err;
}

trygg_err trygg_pg_walk_put(trygg_store *st, trygg_walk *w)
{
    if (w->starts <= 0 || w->capacity < 0 || !trygg_rules_str_ok(w->area, sizeof w->area) ||
        !trygg_rules_str_ok(w->place, sizeof w->place) ||
        !trygg_rules_str_ok(w->meeting_point, sizeof w->meeting_point))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid walk");
    trygg_sql_args a = TRYGG_SQL_ARGS(
        TRYGG_SQL_INT(w->starts), TRYGG_SQL_TEXT(w->area), TRYGG_SQL_TEXT(w->place),
        TRYGG_SQL_TEXT(w->meeting_point), TRYGG_SQL_INT(w->capacity),
        TRYGG_SQL_INT(w->cancelled ? 1 : 0), TRYGG_SQL_INT(w->round ? 1 : 0), TRYGG_SQL_INT(w->id));
    if (w->id)
        return trygg_pg_write_one(st,
                                  "UPDATE walks SET starts = " PG_TS(
                                      "$1") ", area = $2, "
                                            "place = $3, meeting_point = $4, capacity = $5, "
                                            "cancelled = $6, round = $7 WHERE id = $8",
                                  a, "walk");
    a.n--; /* no $8 */
    return insert_id(st,
                     "INSERT INTO walks (starts, area, place, meeting_point, capacity, "
                     "cancelled, round) VALUES (" PG_TS("$1") ", $2, $3, $4, $5, $6, $7) "
                                                              "RETURNING id",
                     a, &w->id, "add walk");
}

trygg_err trygg_pg_walk_get(trygg_store *st, int64_t id, trygg_walk *out)
{
    return trygg_pg_row(st, "SELECT " WALK_COLS " FROM walks w WHERE w.id = $1",
                        TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), read_walk, out, "walk");
}

trygg_err trygg_pg_walk_list(trygg_store *st, int64_t from, trygg_walk *out, int max, int *n)
{
    return trygg_pg_select(st,
                           "SELECT " WALK_COLS " FROM walks w WHERE w.starts >= " PG_TS(
                               "$1") " AND NOT w.cancelled ORDER BY w.starts, w.id LIMIT $2",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(from), TRYGG_SQL_INT(max < 0 ? 0 : max)),
                           out, sizeof *out, max, read_walk, n, "list walks");
}

/* ---- Notices ------------------------------------------------------------------ */

trygg_err trygg_pg_notice_put(trygg_store *st, trygg_notice *nt)
{
    if (!nt->text[0] || !trygg_rules_str_ok(nt->text, sizeof nt->text) ||
        !trygg_rules_str_ok(nt->lang, sizeof nt->lang) || nt->to <= nt->from)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid notice (text, lang, from < to)");
    trygg_sql_args a =
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(nt->lang), TRYGG_SQL_TEXT(nt->text), TRYGG_SQL_INT(nt->from),
                       TRYGG_SQL_INT(nt->to), TRYGG_SQL_INT(nt->id));
    if (nt->id)
        return trygg_pg_write_one(st,
                                  "UPDATE notices SET lang = $1, text = $2, starts = " PG_TS(
                                      "$3") ", ends = " PG_TS("$4") " WHERE id = $5",
                                  a, "notice");
    a.n--; /* no $5 */
    return insert_id(st,
                     "INSERT INTO notices (lang, text, starts, ends) "
                     "VALUES ($1, $2, " PG_TS("$3") ", " PG_TS("$4") ") RETURNING id",
                     a, &nt->id, "add notice");
}

trygg_err trygg_pg_notice_delete(trygg_store *st, int64_t id)
{
    return trygg_pg_write_one(st, "DELETE FROM notices WHERE id = $1",
                              TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), "notice");
}

static const trygg_sql_field notice_fields[] = {
    TRYGG_SQL_FINT(trygg_notice, id), TRYGG_SQL_FTEXT(trygg_notice, lang),
    TRYGG_SQL_FTEXT(trygg_notice, text), TRYGG_SQL_FINT(trygg_notice, from),
    TRYGG_SQL_FINT(trygg_notice, to)};

static void read_notice(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, notice_fields, out, sizeof(trygg_notice));
}

trygg_err trygg_pg_notice_list(trygg_store *st, int64_t now, trygg_notice *out, int max, int *n)
{
    return trygg_pg_select(
        st,
        "SELECT id, lang, text, " PG_EPOCH("starts") ", " PG_EPOCH(
            "ends") " FROM notices WHERE starts <= " PG_TS("$1") " AND ends > " PG_TS("$1") " ORDER"
                                                                                            " BY "
                                                                                            "starts"
                                                                                            ", id "
                                                                                            "LIMIT "
                                                                                            "$2",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(now), TRYGG_SQL_INT(max < 0 ? 0 : max)), out, sizeof *out, max,
        read_notice, n, "list notices");
}

/* ---- Reply templates ------------------------------------------------------------ */

#define TPL_COLS "key, lang, text, updated_by, " PG_EPOCH("updated_at")

static const trygg_sql_field tpl_fields[] = {
    TRYGG_SQL_FTEXT(trygg_template, key), TRYGG_SQL_FTEXT(trygg_template, lang),
    TRYGG_SQL_FTEXT(trygg_template, text), TRYGG_SQL_FTEXT(trygg_template, updated_by),
    TRYGG_SQL_FINT(trygg_template, updated_at)};

static void read_template(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, tpl_fields, out, sizeof(trygg_template));
}

/* Audited without the text. */
static trygg_err tpl_audit(trygg_store *st, const char *actor, const char *action, const char *key,
                           const char *lang)
{
    char detail[TRYGG_TEMPLATE_KEY_MAX + TRYGG_LANG_MAX + 2];
    snprintf(detail, sizeof detail, "%s %s", key, lang);
    return audit_row(st, actor && actor[0] ? actor : "admin", action, detail);
}

trygg_err trygg_pg_template_set(trygg_store *st, const char *key, const char *lang,
                                const char *text, const char *actor)
{
    size_t n = text ? strnlen(text, TRYGG_TEMPLATE_TEXT_MAX + 1) : 0;
    if (!trygg_rules_template_names_ok(key, lang) || n == 0 || n > TRYGG_TEMPLATE_TEXT_MAX)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "template: bad key, language or text");
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    err = trygg_pg_write(
        st,
        "INSERT INTO reply_templates (key, lang, text, updated_by, updated_at) "
        "VALUES ($1, $2, $3, $4, " PG_TS(
            "$5") ") ON CONFLICT (key, lang) DO "
                  "UPDATE SET text = excluded.text, updated_by = excluded.updated_by, "
                  "updated_at = excluded.updated_at",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key), TRYGG_SQL_TEXT(lang), TRYGG_SQL_TEXT(text),
                       TRYGG_SQL_TEXT(actor), TRYGG_SQL_INT(trygg_pg_now())),
        NULL, "template");
    if (!err)
        err = tpl_audit(st, actor, "template_set", key, lang);
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_template_get(trygg_store *st, const char *key, const char *lang,
                                trygg_template *out)
{
    if (!trygg_rules_template_names_ok(key, lang))
        return trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "no such template");
    return trygg_pg_row(st, "SELECT " TPL_COLS " FROM reply_templates WHERE key = $1 AND lang = $2",
                        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key), TRYGG_SQL_TEXT(lang)), read_template,
                        out, "template");
}

trygg_err trygg_pg_template_reset(trygg_store *st, const char *key, const char *lang,
                                  const char *actor)
{
    if (!trygg_rules_template_names_ok(key, lang))
        return trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "no such template");
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    err = trygg_pg_write_one(st, "DELETE FROM reply_templates WHERE key = $1 AND lang = $2",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(key), TRYGG_SQL_TEXT(lang)), "template");
    if (!err)
        err = tpl_audit(st, actor, "template_reset", key, lang);
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_template_list(trygg_store *st, trygg_template *out, int max, int *n)
{
    return trygg_pg_select(st,
                           "SELECT " TPL_COLS " FROM reply_templates ORDER BY key, lang LIMIT $1",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(max < 0 ? 0 : max)), out, sizeof *out, max,
                           read_template, n, "list templates");
}
