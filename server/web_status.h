/*
 * web_status.h — the public status page of follow-up codes (web_status.c).
 */
#ifndef TRYGG_SERVER_WEB_STATUS_H
#define TRYGG_SERVER_WEB_STATUS_H

#include "http.h"

/* Look-ups per address (docs/follow-up.md): a burst of 20, then 10 a minute. */
/* Defaults of server.ini [status] per_minute and burst. */
#define STATUS_PER_MINUTE 10
#define STATUS_BURST      20

/* Looks a follow-up code up as the page does (constant-time hash compare,
 * the same work for an unknown reference): 1 when it opens an item (its
 * state word, trygg_follow_state, into state[24], and the dates received
 * and last changed), 0 when it opens nothing, whatever the reason, -1 when
 * the store failed. The caller rate-limits (the page per address, the kiosk
 * API per kiosk). */
struct server_ctx;
int status_lookup(struct server_ctx *ctx, const char *code, char state[24], int64_t *created,
                  int64_t *updated);

extern const http_route status_routes[];
extern const int status_nroutes;

#endif
