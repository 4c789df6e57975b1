/*
 * api.h — the kiosk API's config and precheck; api_status_for (api_common.h)
 * is shared with Open311.
 */
#ifndef TRYGG_SERVER_API_H
#define TRYGG_SERVER_API_H

#include "api_common.h"
#include "server.h"

/* Builds the kiosk config JSON (categories, areas, walks, notices, links,
 * and "ref_prefix": kiosk k's current reference prefix when k is given and
 * has one) as a new jansson object; NULL on store failure. */
struct json_t *api_kiosk_config(server_ctx *ctx, trygg_store *st, const trygg_kiosk *k);

/* The server's precheck (http_options.precheck): a kiosk API request that
 * asks for "100 Continue" has its bearer token checked first, so a body is
 * only invited from a kiosk that may send one. 0, or the status (401/503)
 * with resp set. */
int api_precheck(void *ctx, const http_route *route, const http_req *req, http_resp *resp);

#endif
