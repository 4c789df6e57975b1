/*
 * ratelimit.h — a per-key token bucket (key = client address), for intake
 * that anyone may call without an account (anonymous Open311 POSTs): each
 * address may send `burst` requests at once and then `per_minute` a minute.
 *
 * A fixed table of slots, so memory is bounded whatever the number of
 * addresses: a new address takes a free slot, or the one idle longest. An
 * attacker rotating addresses can at most push others' buckets out (they
 * then start full again), never use more memory. Thread-safe.
 * Read first: rl_allow.
 */
#ifndef TRYGG_SERVER_RATELIMIT_H
#define TRYGG_SERVER_RATELIMIT_H

#include <stdint.h>

typedef struct rl_table rl_table;

/* A table of `slots` buckets; NULL on out of memory. per_minute <= 0 makes
 * every rl_allow succeed. */
rl_table *rl_new(int slots, double per_minute, double burst);
void rl_free(rl_table *t);
/* 1 if `key` may make one more request at `now_ms` (and takes a token); 0
 * if not, with *retry_s (may be NULL) the seconds until it may. */
int rl_allow(rl_table *t, const char *key, int64_t now_ms, int *retry_s);

#endif
