/* uploader.c — background HTTP client: submissions, heartbeat, config. */
#include "uploader.h"
#include "wipe.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "outbox.h"
#include "remote_config.h"
#include "trygg/backoff.h"
#include "trygg/buf.h"
#include "trygg/http_client.h"
#include "trygg/log.h"

#define BODY_CAP (256 * 1024)

struct uploader {
    uploader_opts o;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop, kicked;
    ui_status status; /* under mu */
    int error_kind;   /* under mu: ERR_*, what status.last_error is about while current */
    atomic_int config_changed;
    trygg_http *http;
    outbox *ob;
    char token[256];
    int net_failures;
    uint64_t backoff_until; /* mono_ms; 0: none */
    /* "Följ ditt ärende", under mu: the code to ask about (follow_ask set),
     * the answer (follow_done set) */
    char follow_code[FLOW_FOLLOW_MAX + 1];
    int follow_ask, follow_done;
    flow_follow_state follow_state;
    char follow_status[24], follow_received[16], follow_changed[16];
};

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The thread's own deadlines (heartbeat, config check, backoff) run on the
 * monotonic clock: the wall clock of a kiosk without a real-time clock
 * jumps when NTP sets it at boot, which must not put a heartbeat off. */
static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* What the current error is about (uploader.error_kind). */
enum { ERR_NONE = 0, ERR_NETWORK, ERR_UPLOAD, ERR_CONFIG };

/* Records how the last request of `kind` went: ok, and an error text (NULL:
 * keep the last text, which maintenance mode shows). The heartbeat reports
 * the error only while it is current: a request of the same kind that
 * succeeds afterwards (any request, for a network error) ends it, so the
 * channels page shows no stale error for a healthy kiosk (defect 9). */
static void set_error(uploader *u, int ok, const char *err, int kind)
{
    pthread_mutex_lock(&u->mu);
    u->status.server_ok = ok;
    if (err) {
        size_t n = strnlen(err, sizeof u->status.last_error - 1);
        memcpy(u->status.last_error, err, n);
        u->status.last_error[n] = 0;
    }
    if (err && *err)
        u->error_kind = kind;
    else if (ok && (u->error_kind == kind || u->error_kind == ERR_NETWORK))
        u->error_kind = ERR_NONE;
    pthread_mutex_unlock(&u->mu);
}

static void load_token(uploader *u)
{
    if (kcfg_read_token(u->o.cfg, u->token, sizeof u->token) != TRYGG_OK)
        u->token[0] = 0;
}

/* One request (body: POST it, NULL: GET). Returns the HTTP status, or 0
 * on a network error (text in err). etag_in/out are for the config request. */
static long request(uploader *u, const char *path, const char *body, trygg_buf *resp,
                    const char *etag_in, char etag_out[128], char *err, size_t errcap)
{
    char url[600];
    snprintf(url, sizeof url, "%s%s", u->o.cfg->server_url, path);
    trygg_http_req req = {
        .url = url,
        .bearer = u->token,
        .json = body,
        .if_none_match = etag_in,
        .etag = etag_out,
        .etag_cap = etag_out ? 128 : 0,
        .user_agent = "trygg-kiosk/" TRYGG_VERSION,
        .connect_timeout_s = 5,
        .timeout_s = (long)u->o.cfg->http_timeout_s,
        .tls_insecure = !u->o.cfg->tls_verify,
        .ca_file = u->o.cfg->ca_file,
    };
    return trygg_http_do(u->http, &req, resp, err, errcap);
}

/* Delay before the n-th try (n >= 1): retry_min_ms doubling up to
 * retry_max_ms, plus up to 25 % jitter so many kiosks do not return in step. */
static uint64_t backoff_ms(const kiosk_config *cfg, int n)
{
    return (uint64_t)trygg_backoff(cfg->retry_min_ms, cfg->retry_max_ms, n - 1, 25);
}

/* While the server cannot be reached, tries grow apart only up to
 * offline_probe_ms: reports made during an outage (each one tries at once
 * and fails) must not push the next try minutes away, so the outbox drains
 * within one probe interval of the server coming back. */
static void network_failed(uploader *u, const char *err)
{
    const kiosk_config *cfg = u->o.cfg;
    int cap = cfg->offline_probe_ms < cfg->retry_max_ms ? cfg->offline_probe_ms : cfg->retry_max_ms;
    int floor = cfg->retry_min_ms < cap ? cfg->retry_min_ms : cap;
    u->net_failures++;
    u->backoff_until = mono_ms() + (uint64_t)trygg_backoff(floor, cap, u->net_failures - 1, 25);
    set_error(u, 0, err, ERR_NETWORK);
}

static void network_ok(uploader *u)
{
    u->net_failures = 0;
    u->backoff_until = 0;
}

static int send_one(uploader *u)
{
    char uuid[OUTBOX_UUID_MAX + 1];
    char *body = NULL;
    int attempts = 0;
    if (outbox_next(u->ob, wall_ms(), uuid, &body, &attempts) != 1)
        return 0;
    if (!u->token[0])
        load_token(u);
    trygg_buf resp;
    trygg_buf_init(&resp, BODY_CAP);
    char err[TRYGG_HTTP_ERR_MAX + 64] = "";
    long st = request(u, "/api/v1/submissions", body, &resp, NULL, NULL, err, sizeof err);
    if (body) /* a resident's report */
        sodium_memzero(body, strlen(body));
    free(body);
    int more = 1;
    if (st >= 200 && st < 300) {
        network_ok(u);
        outbox_done(u->ob, uuid);
        set_error(u, 1, NULL, ERR_UPLOAD);
        TRYGG_INFO("uploaded %s (HTTP %ld)", uuid, st);
    } else if (st == 400 || st == 409 || st == 413 || st == 415 || st == 422) {
        /* 409: the uuid or the receipt's reference belongs to another item;
         * kept as dead for staff, never sent again under another reference. */
        network_ok(u);
        snprintf(err, sizeof err, "HTTP %ld for %s: %.200s", st, uuid, trygg_buf_str(&resp));
        outbox_dead(u->ob, uuid, err);
        set_error(u, 1, err, ERR_UPLOAD);
        TRYGG_ERR("server refused submission %s for good: HTTP %ld", uuid, st);
    } else if (st == 401 || st == 403) {
        snprintf(err, sizeof err, "HTTP %ld: kiosk token refused", st);
        u->token[0] = 0; /* re-read the file next time */
        network_failed(u, err);
        TRYGG_WARN("%s", err);
        more = 0;
    } else if (st != 0) {
        snprintf(err, sizeof err, "HTTP %ld", st);
        outbox_retry(u->ob, uuid, wall_ms() + backoff_ms(u->o.cfg, attempts + 1), err);
        set_error(u, 1, err, ERR_UPLOAD);
        more = 0;
    } else {
        network_failed(u, err);
        TRYGG_WARN("upload of %s failed: %s", uuid, err);
        more = 0;
    }
    trygg_buf_free(&resp);
    return more;
}

static void fetch_config(uploader *u)
{
    char etag[128], new_etag[128] = "";
    rc_cache_etag(u->o.cache_path, etag, sizeof etag);
    trygg_buf resp;
    trygg_buf_init(&resp, BODY_CAP);
    char err[TRYGG_HTTP_ERR_MAX + 64] = "";
    if (!u->token[0])
        load_token(u);
    long st = request(u, "/api/v1/kiosk/config", NULL, &resp, etag, new_etag, err, sizeof err);
    if (st == 200 && resp.data) {
        network_ok(u);
        /* Check the body parses before it replaces the cache. */
        rc_catalog *base = calloc(1, sizeof *base), *tmp = calloc(1, sizeof *tmp);
        char perr[256];
        if (base && tmp) {
            rc_defaults(base, u->o.cfg);
            if (rc_parse(resp.data, resp.len, base, tmp, perr, sizeof perr) == TRYGG_OK) {
                if (rc_save_cache(u->o.cache_path, new_etag, resp.data, resp.len) == TRYGG_OK) {
                    atomic_store(&u->config_changed, 1);
                    set_error(u, 1, "", ERR_CONFIG);
                } else {
                    TRYGG_WARN("cannot write config cache %s", u->o.cache_path);
                }
            } else {
                TRYGG_WARN("server config refused: %s", perr);
                set_error(u, 1, perr, ERR_CONFIG);
            }
        }
        free(base);
        free(tmp);
    } else if (st == 304) {
        network_ok(u);
        set_error(u, 1, NULL, ERR_CONFIG);
    } else if (st == 0) {
        network_failed(u, err);
    } else {
        snprintf(err, sizeof err, "config: HTTP %ld", st);
        set_error(u, 1, err, ERR_CONFIG);
        if (st == 401 || st == 403)
            u->token[0] = 0;
    }
    trygg_buf_free(&resp);
}

static void heartbeat(uploader *u)
{
    ui_status s;
    uploader_status(u, &s);
    pthread_mutex_lock(&u->mu);
    int current = u->error_kind != ERR_NONE;
    pthread_mutex_unlock(&u->mu);
    json_t *j = json_pack("{s:s, s:i, s:s}", "version", TRYGG_VERSION, "outbox_depth",
                          outbox_depth(u->ob), "last_error", current ? s.last_error : "");
    char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!body)
        return;
    trygg_buf resp;
    trygg_buf_init(&resp, BODY_CAP);
    char err[TRYGG_HTTP_ERR_MAX + 64] = "";
    if (!u->token[0])
        load_token(u);
    long st = request(u, "/api/v1/kiosk/heartbeat", body, &resp, NULL, NULL, err, sizeof err);
    if (st == 0)
        network_failed(u, err);
    else if (st >= 200 && st < 300) {
        network_ok(u);
        /* the server answers: a network error is over; an upload's or the
         * config's stays current until an upload or the config succeeds */
        set_error(u, 1, NULL, ERR_NETWORK);
    }
    wipe_json_free(body);
    trygg_buf_free(&resp);
}

/* Copies the string member `k` of o into out[cap]; "" when absent or too long. */
static void json_str(json_t *o, const char *k, char *out, size_t cap)
{
    const char *v = json_string_value(json_object_get(o, k));
    if (!v || strlen(v) >= cap)
        v = "";
    memcpy(out, v, strlen(v) + 1);
}

/* Asks the server about the waiting follow-up code, if any: the status
 * words come from the same look-up as the public status page (docs/follow-up.md). */
static void follow_lookup(uploader *u)
{
    char code[FLOW_FOLLOW_MAX + 1];
    pthread_mutex_lock(&u->mu);
    int ask = u->follow_ask;
    memcpy(code, u->follow_code, sizeof code);
    sodium_memzero(u->follow_code, sizeof u->follow_code);
    u->follow_ask = 0;
    pthread_mutex_unlock(&u->mu);
    if (!ask)
        return;
    json_t *j = json_pack("{s:s}", "code", code);
    sodium_memzero(code, sizeof code);
    char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    trygg_buf resp;
    trygg_buf_init(&resp, BODY_CAP);
    char err[TRYGG_HTTP_ERR_MAX + 64] = "";
    if (!u->token[0])
        load_token(u);
    long st =
        body ? request(u, "/api/v1/kiosk/status", body, &resp, NULL, NULL, err, sizeof err) : 0;
    if (body)
        wipe_json_free(body);
    flow_follow_state fs = st == 404 ? FOLLOW_NOT_FOUND : st == 429 ? FOLLOW_BUSY : FOLLOW_OFFLINE;
    char status[24] = "", received[16] = "", changed[16] = "";
    if (st == 200 && resp.data) {
        json_t *o = json_loadb(resp.data, resp.len, 0, NULL);
        json_str(o, "status", status, sizeof status);
        json_str(o, "received", received, sizeof received);
        json_str(o, "changed", changed, sizeof changed);
        json_decref(o);
        fs = status[0] ? FOLLOW_FOUND : FOLLOW_NOT_FOUND;
    }
    trygg_buf_free(&resp);
    pthread_mutex_lock(&u->mu);
    u->follow_state = fs;
    memcpy(u->follow_status, status, sizeof status);
    memcpy(u->follow_received, received, sizeof received);
    memcpy(u->follow_changed, changed, sizeof changed);
    u->follow_done = 1;
    pthread_mutex_unlock(&u->mu);
    if (u->o.wake)
        u->o.wake(u->o.wake_user);
}

int uploader_follow_ask(uploader *u, const char *code)
{
    if (strlen(code) >= sizeof u->follow_code)
        return -1;
    pthread_mutex_lock(&u->mu);
    memcpy(u->follow_code, code, strlen(code) + 1);
    u->follow_ask = 1;
    u->follow_done = 0;
    pthread_cond_signal(&u->cv);
    pthread_mutex_unlock(&u->mu);
    return 0;
}

int uploader_follow_answer(uploader *u, flow_follow_state *state, char status[24],
                           char received[16], char changed[16])
{
    pthread_mutex_lock(&u->mu);
    int done = u->follow_done;
    if (done) {
        *state = u->follow_state;
        memcpy(status, u->follow_status, 24);
        memcpy(received, u->follow_received, 16);
        memcpy(changed, u->follow_changed, 16);
        u->follow_done = 0;
    }
    pthread_mutex_unlock(&u->mu);
    return done;
}

static void update_counts(uploader *u)
{
    int d = outbox_depth(u->ob), dead = outbox_dead_count(u->ob);
    pthread_mutex_lock(&u->mu);
    int changed = d != u->status.outbox_depth || dead != u->status.dead;
    u->status.outbox_depth = d;
    u->status.dead = dead;
    pthread_mutex_unlock(&u->mu);
    if (changed && u->o.wake)
        u->o.wake(u->o.wake_user);
}

int uploader_config_due(const uploader_timers *t, int heartbeat_ms)
{
    if (t->now >= t->next_config)
        return 1;
    /* Due before the next heartbeat: checked with this one (one wake-up). */
    return t->now >= t->next_hb && t->next_config < t->now + (uint64_t)heartbeat_ms;
}

uint64_t uploader_next_wake(const uploader_timers *t)
{
    uint64_t wake = t->next_config < t->next_hb ? t->next_config : t->next_hb;
    if (t->outbox_due < wake)
        wake = t->outbox_due;
    if (t->backoff_until > wake)
        wake = t->backoff_until;
    return wake < t->now + 20 ? t->now + 20 : wake;
}

/* An outbox time (wall clock, kept in the file) on the monotonic clock. */
static uint64_t due_mono(uint64_t due_wall)
{
    if (due_wall == UINT64_MAX)
        return UINT64_MAX;
    uint64_t wall = wall_ms(), mono = mono_ms();
    return due_wall <= wall ? mono : mono + (due_wall - wall);
}

/* One turn: the follow-up question, the config check, the queue and the
 * heartbeat, whichever is due (times in t, mono_ms). */
static void turn(uploader *u, uploader_timers *t)
{
    const kiosk_config *cfg = u->o.cfg;
    follow_lookup(u); /* a resident is waiting at the screen: first */
    t->now = mono_ms();
    if (t->now < u->backoff_until)
        return;
    int hb_due = t->now >= t->next_hb;
    if (uploader_config_due(t, cfg->heartbeat_s * 1000)) {
        fetch_config(u);
        t->next_config = mono_ms() + (uint64_t)cfg->config_refresh_s * 1000;
        if (atomic_load(&u->config_changed) && u->o.wake)
            u->o.wake(u->o.wake_user);
    }
    for (int i = 0; i < 1000 && mono_ms() >= u->backoff_until && send_one(u); i++) {
        pthread_mutex_lock(&u->mu);
        int stop = u->stop;
        pthread_mutex_unlock(&u->mu);
        if (stop)
            break;
    }
    if (hb_due && mono_ms() >= u->backoff_until)
        heartbeat(u);
    /* Sent, or the server could not be reached by this turn's tries: the
     * next heartbeat is a period away. Left due, a failed config check
     * (which rides with the heartbeat) made an idle kiosk with nothing
     * queued try every offline_probe_ms; a queued report keeps its own
     * retry times (outbox_due), so the queue still drains within one probe
     * interval of the server's return. */
    if (hb_due)
        t->next_hb = mono_ms() + (uint64_t)cfg->heartbeat_s * 1000;
}

/* Sleeps until the next deadline (uploader_next_wake: nothing else wakes an
 * idle kiosk's uploader) or a kick, a follow-up question or stop. */
static void sleep_until_due(uploader *u, uploader_timers *t)
{
    t->now = mono_ms();
    t->outbox_due = due_mono(outbox_next_due(u->ob));
    t->backoff_until = u->backoff_until;
    uint64_t wake = uploader_next_wake(t);
    struct timespec ts = {(time_t)(wake / 1000), (long)(wake % 1000) * 1000000};
    pthread_mutex_lock(&u->mu);
    while (!u->stop && !u->kicked && !u->follow_ask)
        if (pthread_cond_timedwait(&u->cv, &u->mu, &ts) != 0)
            break;
    pthread_mutex_unlock(&u->mu);
}

static void *run(void *arg)
{
    uploader *u = arg;
    uploader_timers t = {0};
    for (;;) {
        pthread_mutex_lock(&u->mu);
        int stop = u->stop;
        if (u->kicked)
            u->backoff_until = 0; /* a new submission is worth one immediate try */
        u->kicked = 0;
        pthread_mutex_unlock(&u->mu);
        if (stop)
            break;
        turn(u, &t);
        /* Refused submissions are kept 30 days for staff, then wiped. */
        if (outbox_purge_dead(u->ob, wall_ms() - 30ull * 24 * 3600 * 1000) > 0)
            TRYGG_INFO("purged refused submissions older than 30 days");
        update_counts(u);
        sleep_until_due(u, &t);
    }
    return NULL;
}

uploader *uploader_start(const uploader_opts *o, char *err, size_t cap)
{
    uploader *u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    u->o = *o;
    u->ob = outbox_open(o->outbox_path, err, cap);
    trygg_err he = u->ob ? trygg_http_new(&u->http) : TRYGG_ERR_IO;
    if (he != TRYGG_OK) {
        if (u->ob)
            snprintf(err, cap, "curl_easy_init failed");
        outbox_close(u->ob);
        free(u);
        return NULL;
    }
    u->status.outbox_depth = outbox_depth(u->ob);
    u->status.dead = outbox_dead_count(u->ob);
    pthread_mutex_init(&u->mu, NULL);
    pthread_condattr_t ca; /* the wait runs on mono_ms's clock */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&u->cv, &ca);
    pthread_condattr_destroy(&ca);
    load_token(u);
    if (pthread_create(&u->thread, NULL, run, u) != 0) {
        snprintf(err, cap, "cannot start uploader thread");
        outbox_close(u->ob);
        trygg_http_free(u->http);
        free(u);
        return NULL;
    }
    return u;
}

void uploader_kick(uploader *u)
{
    pthread_mutex_lock(&u->mu);
    u->kicked = 1;
    pthread_cond_signal(&u->cv);
    pthread_mutex_unlock(&u->mu);
}

void uploader_status(uploader *u, ui_status *st)
{
    pthread_mutex_lock(&u->mu);
    *st = u->status;
    pthread_mutex_unlock(&u->mu);
    st->config_from_server = 0;
}

int uploader_config_changed(uploader *u)
{
    return atomic_exchange(&u->config_changed, 0);
}

void uploader_stop(uploader *u)
{
    if (!u)
        return;
    pthread_mutex_lock(&u->mu);
    u->stop = 1;
    pthread_cond_signal(&u->cv);
    pthread_mutex_unlock(&u->mu);
    pthread_join(u->thread, NULL);
    outbox_close(u->ob);
    trygg_http_free(u->http);
    pthread_mutex_destroy(&u->mu);
    pthread_cond_destroy(&u->cv);
    free(u);
}
