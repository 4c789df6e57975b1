/*
 * follow_lookup.h — a follow-up code checked against the store, the same
 * way for the public status page and the kiosk (follow_lookup.c).
 */
#ifndef TRYGG_SERVER_FOLLOW_LOOKUP_H
#define TRYGG_SERVER_FOLLOW_LOOKUP_H

#include <stdint.h>

#include "server.h"

/* 1 when `secret` given with `ref` hashes to f's stored hash (found = 1 when
 * f was read); compared in constant time, and an unknown reference is
 * compared with a hash nothing matches, so both cases do the same work. */
int follow_code_matches(const server_ctx *ctx, const char *ref, const char *secret,
                        const trygg_follow *f, int found);

/* Looks a follow-up code up as the page does: 1 when it opens an item (its
 * state word, trygg_follow_state, into state[24], and the dates received
 * and last changed), 0 when it opens nothing, whatever the reason, -1 when
 * the store failed. The caller rate-limits (the page per address, the kiosk
 * API per kiosk). */
int status_lookup(server_ctx *ctx, const char *code, char state[24], int64_t *created,
                  int64_t *updated);

#endif
