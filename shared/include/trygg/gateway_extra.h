/*
 * gateway_extra.h — store additions for the SMS gateway as a client of
 * trygg-server (server/api_gateway.c, docs/gateway-protocol.md).
 *
 * A gateway is registered like a kiosk (a token and a reference prefix) with
 * the role 'gateway' in kiosks.role (schema v6); a kiosk token is refused on
 * the gateway's routes and a gateway token on the kiosk's. One outbox row is
 * read back by id, for the gateway's delivery reports.
 * Every function composes inside trygg_store_begin/commit. The lead folds
 * these into store.h (issue 11).
 */
#ifndef TRYGG_GATEWAY_EXTRA_H
#define TRYGG_GATEWAY_EXTRA_H

#include <stdint.h>
#include "store.h"

#define TRYGG_ROLE_KIOSK   "kiosk"
#define TRYGG_ROLE_GATEWAY "gateway"

/* The role of registered client `id` ("kiosk" or "gateway") into role[16];
 * TRYGG_ERR_NOTFOUND for an unknown id. */
trygg_err trygg_gateway_role_get(trygg_store *st, const char *id, char role[16]);
/* Sets the role of registered client `id`; TRYGG_ERR_INVALID for a role that
 * is neither, TRYGG_ERR_NOTFOUND for an unknown id. */
trygg_err trygg_gateway_role_set(trygg_store *st, const char *id, const char *role);
/* The SMS outbox row `id` (every field); TRYGG_ERR_NOTFOUND if there is none. */
trygg_err trygg_gateway_sms_get(trygg_store *st, int64_t id, trygg_sms_out *out);

#endif
