/*
 * ratelimit.c — token buckets per client address (see ratelimit.h).
 */
#include "ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/copy.h"

typedef struct slot {
    char key[64];
    double tokens;
    int64_t last_ms; /* last refill; 0 = free */
} slot;

struct rl_table {
    pthread_mutex_t mu;
    slot *slots;
    int n;
    double per_ms, burst;
};

rl_table *rl_new(int slots, double per_minute, double burst)
{
    rl_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->n = slots > 0 ? slots : 1;
    t->slots = calloc((size_t)t->n, sizeof *t->slots);
    if (t->slots == NULL) {
        free(t);
        return NULL;
    }
    t->per_ms = per_minute > 0 ? per_minute / 60000.0 : 0;
    t->burst = burst >= 1 ? burst : 1;
    pthread_mutex_init(&t->mu, NULL);
    return t;
}

void rl_free(rl_table *t)
{
    if (t == NULL)
        return;
    pthread_mutex_destroy(&t->mu);
    free(t->slots);
    free(t);
}

int rl_allow(rl_table *t, const char *key, int64_t now_ms, int *retry_s)
{
    if (retry_s)
        *retry_s = 0;
    if (t == NULL || t->per_ms <= 0)
        return 1;
    char k[64];
    TRYGG_COPY_TRUNC(
        k, key ? key : ""); /* a longer key shares a slot with the keys of its first 63 bytes */
    pthread_mutex_lock(&t->mu);
    slot *s = NULL, *oldest = &t->slots[0];
    for (int i = 0; i < t->n && !s; i++) {
        slot *c = &t->slots[i];
        if (c->last_ms && strcmp(c->key, k) == 0)
            s = c;
        else if (c->last_ms < oldest->last_ms)
            oldest = c;
    }
    if (s == NULL) {
        s = oldest;
        TRYGG_COPY_FIT(s->key, k);
        s->tokens = t->burst;
        s->last_ms = now_ms;
    }
    if (now_ms > s->last_ms) {
        s->tokens += (double)(now_ms - s->last_ms) * t->per_ms;
        if (s->tokens > t->burst)
            s->tokens = t->burst;
    }
    s->last_ms = now_ms > s->last_ms ? now_ms : s->last_ms;
    int ok = s->tokens >= 1.0;
    if (ok)
        s->tokens -= 1.0;
    else if (retry_s)
        *retry_s = (int)((1.0 - s->tokens) / t->per_ms / 1000.0) + 1;
    pthread_mutex_unlock(&t->mu);
    return ok;
}
