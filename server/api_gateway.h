/*
 * api_gateway.h — the SMS gateway's API (docs/gateway-protocol.md):
 *   POST /api/v1/gateway/messages   one SMS or call; the server runs the
 *                                   dialog (sms/sms_dialog.h); idempotent by key
 *   POST /api/v1/gateway/claim      SMS outbox rows to send, leased
 *   POST /api/v1/gateway/delivered  a row's delivery state
 *   POST /api/v1/gateway/health     the gateway's health record (kept as "smsgw")
 *   POST /api/v1/gateway/contacts   which of the gateway's pseudonyms the
 *                                   server no longer knows, or knows as stopped
 *   POST /api/v1/gateway/settings   keywords, links, reply language and bound
 *                                   for the gateway's own replies (sms_settings.h)
 * Every call needs "Authorization: Bearer <token>" of a client registered
 * with the role 'gateway' (tryggctl gateway add); a kiosk token is refused
 * here, and a gateway token on the kiosk API (api.c).
 */
#ifndef TRYGG_SERVER_API_GATEWAY_H
#define TRYGG_SERVER_API_GATEWAY_H

#include "server.h"

extern const http_route gateway_routes[];
extern const int gateway_nroutes;

/* The precheck of a gateway route (see api_precheck): the bearer token must
 * be a gateway's. 0, or the status with resp set. */
int api_gateway_precheck(void *ctx, const http_route *route, const http_req *req, http_resp *resp);

/* Test hook: the gateway API's clock reads `now` (unix seconds) instead of
 * the wall clock; 0 returns to the wall clock. */
void api_gateway_test_clock(int64_t now);

#endif
