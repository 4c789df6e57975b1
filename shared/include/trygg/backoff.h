/*
 * backoff.h — the one retry delay: exponential with a cap and random jitter
 * (libsodium), so many clients that failed together do not return in step.
 */
#ifndef TRYGG_BACKOFF_H
#define TRYGG_BACKOFF_H

#include <stdint.h>

/* Delay before retry number `attempt` (0 = the first retry): base * 2^attempt,
 * at most `max`, plus a random 0..jitter_pct % of that (0 = none). Units are
 * the caller's (seconds, milliseconds). base <= 0 gives 0; a negative attempt
 * counts as 0. */
int64_t trygg_backoff(int64_t base, int64_t max, int attempt, int jitter_pct);

#endif
