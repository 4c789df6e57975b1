/*
 * fetch.h — the gateway's reply fetch (docs/gateway-protocol.md, "/claim"
 * with `wait`): a thread of its own claims the server's SMS outbox with a
 * long poll, so a staff reply reaches the modem within moments of being
 * written while the gateway's loop (gateway.h) goes on reading the modem:
 * receiving never waits on the fetch. The thread only talks to the server
 * (its own HTTP client); the claimed answers wait in memory until the loop
 * takes them (fetch_take) into its store and sends them. A claim lost in
 * between (a crash) comes back when its lease ends.
 * A server without the long poll (no "wait" in its answer) is asked every
 * poll_interval seconds instead; an unreachable one with a backoff.
 * Read first: fetch_start, fetch_take.
 */
#ifndef SMSGW_FETCH_H
#define SMSGW_FETCH_H

#include "config.h"
#include "trygg/err.h"

struct json_t;
typedef struct fetch fetch;

/* Starts the thread: claims of up to `max` rows leased for lease_s
 * seconds, waiting cfg->claim_wait seconds on the server. err[cap] says
 * why not. */
trygg_err fetch_start(const smsgw_cfg *cfg, int max, int lease_s, fetch **out, char *err,
                      size_t cap);
/* Stops the thread at once (a waiting request is cancelled) and frees f;
 * answers not taken are dropped (their rows come back after the lease). */
void fetch_stop(fetch *f);

/* The claim answers received since the last call, oldest first, as a JSON
 * array (the caller owns it), or NULL when none came. */
struct json_t *fetch_take(fetch *f);
/* 1 when answers wait for fetch_take (the loop's sleep ends early). */
int fetch_ready(fetch *f);
/* 1 while the server answers claims with a long poll. */
int fetch_long_poll(fetch *f);
/* 1 when the last claim reached the server. */
int fetch_server_up(fetch *f);

#endif
