/*
 * web_session.c — staff sessions, CSRF tokens and login rate limits.
 *
 * Sessions live in a process-wide table in memory (a restart logs everyone
 * out, which is acceptable for a triage UI) guarded by one mutex. Only the
 * SHA-256 of the cookie token is kept, so the table never holds a usable
 * cookie. A session ends after `idle_minutes` without a request or
 * WEB_SESSION_MAX_AGE after login, whichever comes first.
 */
#include "web.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "trygg/secret.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static web_session sessions[WEB_MAX_SESSIONS];
static int used[WEB_MAX_SESSIONS];

static void copy(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

int web_session_create(const web_user *u, int64_t now, char token_out[WEB_TOKEN_LEN],
                       web_session *out)
{
    web_session s;
    memset(&s, 0, sizeof s);
    if (trygg_token_new(token_out) != TRYGG_OK || trygg_token_new(s.csrf) != TRYGG_OK)
        return -1;
    trygg_token_hash(token_out, s.token_hash);
    s.user = *u;
    copy(s.lang, sizeof s.lang, "sv");
    s.created = s.last_seen = now;

    pthread_mutex_lock(&lock);
    int slot = -1, oldest = 0;
    for (int i = 0; i < WEB_MAX_SESSIONS; i++) {
        if (!used[i]) {
            slot = i;
            break;
        }
        if (sessions[i].last_seen < sessions[oldest].last_seen)
            oldest = i;
    }
    if (slot < 0)
        slot = oldest;
    sessions[slot] = s;
    used[slot] = 1;
    pthread_mutex_unlock(&lock);
    if (out)
        *out = s;
    return 0;
}

/* Index of the session with this token hash, or -1. Caller holds the lock. */
static int find(const char *token)
{
    if (!token || strlen(token) < 20 || strlen(token) >= WEB_TOKEN_LEN)
        return -1;
    char h[65];
    trygg_token_hash(token, h);
    for (int i = 0; i < WEB_MAX_SESSIONS; i++)
        if (used[i] && sodium_memcmp(sessions[i].token_hash, h, 64) == 0)
            return i;
    return -1;
}

int web_session_lookup(const char *token, int64_t now, int idle_minutes, web_session *out)
{
    int rc = -1;
    pthread_mutex_lock(&lock);
    int i = find(token);
    if (i >= 0) {
        web_session *s = &sessions[i];
        int64_t idle = (int64_t)(idle_minutes > 0 ? idle_minutes : 30) * 60;
        if (now - s->last_seen > idle || now - s->created > WEB_SESSION_MAX_AGE ||
            now < s->created) {
            used[i] = 0;
            sodium_memzero(s, sizeof *s);
        } else {
            s->last_seen = now;
            *out = *s;
            rc = 0;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

void web_session_set_stage(const char *token, web_stage stage)
{
    pthread_mutex_lock(&lock);
    int i = find(token);
    if (i >= 0)
        sessions[i].stage = stage;
    pthread_mutex_unlock(&lock);
}

void web_session_update(const char *token, const web_user *u, const char *lang)
{
    pthread_mutex_lock(&lock);
    int i = find(token);
    if (i >= 0) {
        if (u)
            sessions[i].user = *u;
        if (lang)
            copy(sessions[i].lang, sizeof sessions[i].lang, lang);
    }
    pthread_mutex_unlock(&lock);
}

void web_session_destroy(const char *token)
{
    pthread_mutex_lock(&lock);
    int i = find(token);
    if (i >= 0) {
        used[i] = 0;
        sodium_memzero(&sessions[i], sizeof sessions[i]);
    }
    pthread_mutex_unlock(&lock);
}

void web_session_destroy_user(const char *username)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < WEB_MAX_SESSIONS; i++) {
        if (used[i] && strcmp(sessions[i].user.username, username) == 0) {
            used[i] = 0;
            sodium_memzero(&sessions[i], sizeof sessions[i]);
        }
    }
    pthread_mutex_unlock(&lock);
}

void web_session_clear(void)
{
    pthread_mutex_lock(&lock);
    memset(used, 0, sizeof used);
    sodium_memzero(sessions, sizeof sessions);
    pthread_mutex_unlock(&lock);
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
 * A small table of (key, failures in the current window). Keys are "i:<ip>"
 * and "u:<username>". When full, the entry with the oldest window start is
 * reused. */

#define RL_SLOTS 2048
typedef struct rl_entry {
    char key[TRYGG_NAME_MAX + 8];
    int64_t window_start;
    int fails;
} rl_entry;
static rl_entry rl[RL_SLOTS];

static rl_entry *rl_find(const char *prefix, const char *name, int64_t now, int create)
{
    char key[sizeof rl[0].key];
    copy(key, 3, prefix);
    copy(key + 2, sizeof key - 2, name ? name : "");
    int oldest = -1, empty = -1;
    for (int i = 0; i < RL_SLOTS; i++) {
        if (!rl[i].key[0]) {
            if (empty < 0)
                empty = i;
            continue;
        }
        if (strcmp(rl[i].key, key) == 0) {
            if (now - rl[i].window_start >= WEB_RL_WINDOW) {
                rl[i].window_start = now;
                rl[i].fails = 0;
            }
            return &rl[i];
        }
        if (oldest < 0 || rl[i].window_start < rl[oldest].window_start)
            oldest = i;
    }
    if (!create)
        return NULL;
    int slot = empty >= 0 ? empty : oldest;
    copy(rl[slot].key, sizeof rl[slot].key, key);
    rl[slot].window_start = now;
    rl[slot].fails = 0;
    return &rl[slot];
}

int web_ratelimit_allowed(const char *ip, const char *username, int64_t now)
{
    int ok = 1;
    pthread_mutex_lock(&lock);
    rl_entry *e = rl_find("i:", ip, now, 0);
    if (e && e->fails >= WEB_RL_IP_FAILS)
        ok = 0;
    e = rl_find("u:", username, now, 0);
    if (e && e->fails >= WEB_RL_USER_FAILS)
        ok = 0;
    pthread_mutex_unlock(&lock);
    return ok;
}

void web_ratelimit_fail(const char *ip, const char *username, int64_t now)
{
    pthread_mutex_lock(&lock);
    rl_entry *e = rl_find("i:", ip, now, 1);
    e->fails++;
    e = rl_find("u:", username, now, 1);
    e->fails++;
    pthread_mutex_unlock(&lock);
}

void web_ratelimit_success(const char *username)
{
    pthread_mutex_lock(&lock);
    rl_entry *e = rl_find("u:", username, 0, 0);
    if (e)
        memset(e, 0, sizeof *e);
    pthread_mutex_unlock(&lock);
}

void web_ratelimit_clear(void)
{
    pthread_mutex_lock(&lock);
    memset(rl, 0, sizeof rl);
    pthread_mutex_unlock(&lock);
}
