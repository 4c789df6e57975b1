/*
 * fetch.c — the reply fetch thread (fetch.h).
 */
#include "fetch.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "trygg/backoff.h"
#include "trygg/copy.h"
#include "trygg/log.h"

#define FETCH_BACKOFF_MAX 30 /* seconds between claims while the server is down */

struct fetch {
    const smsgw_cfg *cfg;
    int max, lease_s;
    gw_client *cl; /* the thread's own: a libcurl handle is one thread's */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* stopping ends a pause at once */
    atomic_int stop;
    atomic_int ready;     /* answers wait */
    atomic_int long_poll; /* the last answer carried "wait" */
    atomic_int server_up; /* the last claim reached the server */
    json_t *answers;      /* under mu */
    char prefix[16];      /* the last ref_prefix handed on */
    int failures;
    int said;     /* the long poll state last logged (-1: none yet) */
    int answered; /* the last claim was answered: the next one may wait */
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits ms milliseconds, or until stopping. */
static void pause_ms(fetch *f, int64_t ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&f->mu);
    while (!atomic_load(&f->stop) && pthread_cond_timedwait(&f->cv, &f->mu, &until) != ETIMEDOUT)
        ;
    pthread_mutex_unlock(&f->mu);
}

/* Hands an answer on when it has rows, or a new reference prefix. */
static void hand_on(fetch *f, json_t *ans)
{
    const char *prefix = json_string_value(json_object_get(ans, "ref_prefix"));
    int changed = prefix && strcmp(prefix, f->prefix) != 0;
    if (json_array_size(json_object_get(ans, "messages")) == 0 && !changed)
        return;
    if (changed)
        TRYGG_COPY_TRUNC(f->prefix, prefix); /* compared only: a cut one is asked again */
    pthread_mutex_lock(&f->mu);
    json_array_append(f->answers, ans);
    atomic_store(&f->ready, 1);
    pthread_mutex_unlock(&f->mu);
}

/* One claim; the milliseconds to pause before the next. The first one
 * (and the first after a failure) does not wait: the gateway learns its
 * reference prefix and what the server can at once. */
static int64_t claim_once(fetch *f)
{
    int wait = f->answered ? f->cfg->claim_wait : 0;
    json_t *body = json_pack("{s:i, s:i, s:i}", "max", f->max, "lease_seconds", f->lease_s, "wait",
                             wait),
           *ans = NULL;
    char err[300] = "";
    int64_t t0 = mono_ms();
    long st = client_post_wait(f->cl, "/api/v1/gateway/claim", body, &ans, err, sizeof err,
                               wait + 15L, &f->stop);
    json_decref(body);
    if (atomic_load(&f->stop)) {
        json_decref(ans);
        return 0;
    }
    atomic_store(&f->server_up, st != 0 && st < 500);
    if (st != 200) {
        json_decref(ans);
        f->answered = 0;
        if (f->failures++ == 0)
            TRYGG_WARN("reply fetch: %s (trying again with a backoff)", err);
        return trygg_backoff(1, FETCH_BACKOFF_MAX, f->failures - 1, 0) * 1000;
    }
    if (f->failures)
        TRYGG_INFO("reply fetch: the server answers again");
    f->failures = 0;
    f->answered = 1;
    int lp = json_is_integer(json_object_get(ans, "wait")) && f->cfg->claim_wait > 0;
    if (lp != f->said)
        TRYGG_INFO("reply fetch: %s", lp ? "the server holds a claim until a reply comes"
                                         : "claiming every poll_interval");
    f->said = lp;
    atomic_store(&f->long_poll, lp);
    hand_on(f, ans);
    int rows = (int)json_array_size(json_object_get(ans, "messages"));
    json_decref(ans);
    /* Polling: every round; a long poll again at once, unless a server
     * that says it waits answered an empty claim in no time. */
    if (!lp)
        return rows ? 0 : (int64_t)f->cfg->poll_interval * 1000;
    return rows || wait == 0 || mono_ms() - t0 >= 1000 ? 0 : 1000;
}

static void *fetch_main(void *arg)
{
    fetch *f = arg;
    while (!atomic_load(&f->stop)) {
        int64_t ms = claim_once(f);
        if (ms > 0)
            pause_ms(f, ms);
    }
    return NULL;
}

trygg_err fetch_start(const smsgw_cfg *cfg, int max, int lease_s, fetch **out, char *err,
                      size_t cap)
{
    *out = NULL;
    fetch *f = calloc(1, sizeof *f);
    if (!f)
        return TRYGG_ERR_NOMEM;
    f->cfg = cfg;
    f->max = max;
    f->lease_s = lease_s;
    f->said = -1;
    f->answers = json_array();
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    trygg_err e = f->answers ? client_open(cfg->server_url, cfg->token_file, &f->cl, err, cap)
                             : TRYGG_ERR_NOMEM;
    if (!e && pthread_create(&f->thread, NULL, fetch_main, f) != 0) {
        snprintf(err, cap, "reply fetch: cannot start its thread");
        e = TRYGG_ERR_NOMEM;
    }
    if (e) {
        client_close(f->cl);
        json_decref(f->answers);
        pthread_mutex_destroy(&f->mu);
        pthread_cond_destroy(&f->cv);
        free(f);
        return e;
    }
    *out = f;
    return TRYGG_OK;
}

void fetch_stop(fetch *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    atomic_store(&f->stop, 1);
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    client_close(f->cl);
    json_decref(f->answers);
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    free(f);
}

json_t *fetch_take(fetch *f)
{
    json_t *fresh = atomic_load(&f->ready) ? json_array() : NULL;
    if (!fresh)
        return NULL; /* nothing came (or out of memory: it stays for the next call) */
    pthread_mutex_lock(&f->mu);
    json_t *got = f->answers;
    f->answers = fresh;
    atomic_store(&f->ready, 0);
    pthread_mutex_unlock(&f->mu);
    return got;
}

int fetch_ready(fetch *f)
{
    return f && atomic_load(&f->ready);
}

int fetch_long_poll(fetch *f)
{
    return f && atomic_load(&f->long_poll);
}

int fetch_server_up(fetch *f)
{
    return f && atomic_load(&f->server_up);
}
