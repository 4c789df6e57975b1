/*
 * web_session.c — staff sessions, CSRF tokens and login rate limits.
 *
 * Sessions and login failures live in the store (store.h "Staff sessions
 * and login limits"), so every server in front of one database answers
 * every request and a restart logs nobody out. Only the SHA-256 of the
 * cookie token is kept, so the database never holds a usable cookie. A
 * session ends after `idle_minutes` without a request or
 * WEB_SESSION_MAX_AGE after login, whichever comes first.
 */
#include "web.h"

#include <sodium.h>
#include <string.h>

#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/secret.h"

static void to_row(const web_session *s, trygg_session *row)
{
    memset(row, 0, sizeof *row);
    TRYGG_COPY_FIT(row->token_hash, s->token_hash);
    TRYGG_COPY_FIT(row->csrf, s->csrf);
    TRYGG_COPY_FIT(row->username, s->user.username);
    TRYGG_COPY_FIT(row->display, s->user.display);
    TRYGG_COPY_FIT(row->role, s->user.role);
    TRYGG_COPY_FIT(row->destination, s->user.destination);
    row->can_call_back = s->user.can_call_back;
    TRYGG_COPY_FIT(row->lang, s->lang);
    row->stage = (int)s->stage;
    row->created = s->created;
    row->last_seen = s->last_seen;
}

static void from_row(const trygg_session *row, web_session *s)
{
    memset(s, 0, sizeof *s);
    TRYGG_COPY_FIT(s->token_hash, row->token_hash);
    TRYGG_COPY_FIT(s->csrf, row->csrf);
    TRYGG_COPY_FIT(s->user.username, row->username);
    TRYGG_COPY_FIT(s->user.display, row->display);
    TRYGG_COPY_FIT(s->user.role, row->role);
    TRYGG_COPY_FIT(s->user.destination, row->destination);
    s->user.can_call_back = row->can_call_back;
    TRYGG_COPY_FIT(s->lang, row->lang);
    s->stage = (web_stage)row->stage;
    s->created = row->created;
    s->last_seen = row->last_seen;
}

int web_session_create(trygg_store *st, const web_user *u, int64_t now,
                       char token_out[WEB_TOKEN_LEN], web_session *out)
{
    web_session s;
    memset(&s, 0, sizeof s);
    if (trygg_token_new(token_out) != TRYGG_OK || trygg_token_new(s.csrf) != TRYGG_OK)
        return -1;
    trygg_token_hash(token_out, s.token_hash);
    s.user = *u;
    TRYGG_COPY_FIT(s.lang, "sv");
    s.created = s.last_seen = now;
    trygg_session row;
    to_row(&s, &row);
    if (trygg_store_session_put(st, &row) != TRYGG_OK) {
        TRYGG_WARN("web: cannot store a session: %s", trygg_store_errmsg(st));
        return -1;
    }
    if (out)
        *out = s;
    return 0;
}

/* Reads the session of `token` into *out: 0, or -1 when there is none. */
static int find(trygg_store *st, const char *token, web_session *out)
{
    if (!token || strlen(token) < 20 || strlen(token) >= WEB_TOKEN_LEN)
        return -1;
    char h[TRYGG_SESSION_HASH];
    trygg_token_hash(token, h);
    trygg_session row;
    if (trygg_store_session_get(st, h, &row) != TRYGG_OK)
        return -1;
    /* The store found it by its hash; compare again in constant time. */
    if (sodium_memcmp(row.token_hash, h, 64) != 0)
        return -1;
    from_row(&row, out);
    return 0;
}

static void write_back(trygg_store *st, const web_session *s)
{
    trygg_session row;
    to_row(s, &row);
    if (trygg_store_session_update(st, &row) != TRYGG_OK)
        TRYGG_WARN("web: cannot update a session: %s", trygg_store_errmsg(st));
}

int web_session_lookup(trygg_store *st, const char *token, int64_t now, int idle_minutes,
                       web_session *out)
{
    web_session s;
    if (!st || find(st, token, &s) != 0)
        return -1;
    int64_t idle = (int64_t)(idle_minutes > 0 ? idle_minutes : 30) * 60;
    if (now - s.last_seen > idle || now - s.created > WEB_SESSION_MAX_AGE || now < s.created) {
        if (trygg_store_session_delete(st, s.token_hash) != TRYGG_OK)
            TRYGG_WARN("web: cannot end a session: %s", trygg_store_errmsg(st));
        sodium_memzero(&s, sizeof s);
        return -1;
    }
    if (now - s.last_seen >= WEB_SESSION_TOUCH) {
        s.last_seen = now;
        write_back(st, &s);
    }
    *out = s;
    return 0;
}

void web_session_set_stage(trygg_store *st, const char *token, web_stage stage)
{
    web_session s;
    if (st && find(st, token, &s) == 0) {
        s.stage = stage;
        write_back(st, &s);
    }
}

void web_session_update(trygg_store *st, const char *token, const web_user *u, const char *lang)
{
    web_session s;
    if (!st || find(st, token, &s) != 0)
        return;
    if (u)
        s.user = *u;
    if (lang)
        trygg_copy_trunc(s.lang, sizeof s.lang, lang);
    write_back(st, &s);
}

void web_session_destroy(trygg_store *st, const char *token)
{
    if (!st || !token)
        return;
    char h[TRYGG_SESSION_HASH];
    trygg_token_hash(token, h);
    if (trygg_store_session_delete(st, h) != TRYGG_OK)
        TRYGG_WARN("web: cannot end a session: %s", trygg_store_errmsg(st));
}

void web_session_destroy_user(trygg_store *st, const char *username)
{
    if (st && trygg_store_session_delete_user(st, username) != TRYGG_OK)
        TRYGG_WARN("web: cannot end the sessions of %s: %s", username, trygg_store_errmsg(st));
}

int web_csrf_ok(const web_session *s, const char *given)
{
    if (!s || !given)
        return 0;
    size_t n = strlen(s->csrf);
    if (n < 20 || strlen(given) != n)
        return 0;
    return sodium_memcmp(s->csrf, given, n) == 0;
}

/* ---- Rate limits ------------------------------------------------------------
 * Failures per key "i:<ip>" and "u:<username>" in the store's window. */

static void rl_key(char *key, size_t cap, const char *prefix, const char *name)
{
    snprintf(key, cap, "%s%s", prefix, name ? name : "");
}

int web_ratelimit_allowed(trygg_store *st, const char *ip, const char *username, int64_t now)
{
    char k[TRYGG_NAME_MAX + 72];
    int ip_fails = 0, user_fails = 0;
    rl_key(k, sizeof k, "i:", ip);
    if (!st || trygg_store_login_fails(st, k, now, WEB_RL_WINDOW, 0, &ip_fails) != TRYGG_OK)
        return 0;
    rl_key(k, sizeof k, "u:", username);
    if (trygg_store_login_fails(st, k, now, WEB_RL_WINDOW, 0, &user_fails) != TRYGG_OK)
        return 0;
    return ip_fails < WEB_RL_IP_FAILS && user_fails < WEB_RL_USER_FAILS;
}

void web_ratelimit_fail(trygg_store *st, const char *ip, const char *username, int64_t now)
{
    char k[TRYGG_NAME_MAX + 72];
    int n = 0;
    if (!st)
        return;
    rl_key(k, sizeof k, "i:", ip);
    trygg_err e1 = trygg_store_login_fails(st, k, now, WEB_RL_WINDOW, 1, &n);
    rl_key(k, sizeof k, "u:", username);
    trygg_err e2 = trygg_store_login_fails(st, k, now, WEB_RL_WINDOW, 1, &n);
    if (e1 || e2)
        TRYGG_WARN("web: cannot count a failed login: %s", trygg_store_errmsg(st));
}

void web_ratelimit_success(trygg_store *st, const char *username)
{
    char k[TRYGG_NAME_MAX + 72];
    rl_key(k, sizeof k, "u:", username);
    if (st && trygg_store_login_clear(st, k) != TRYGG_OK)
        TRYGG_WARN("web: cannot clear failed logins: %s", trygg_store_errmsg(st));
}
