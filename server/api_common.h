/*
 * api_common.h — what the kiosk API (api.c) and the SMS gateway's API
 * (api_gateway.c) share: the bearer token of a registered client and its
 * role, the JSON request body, and the JSON error answers
 * ({"error": code} with "fields" or "field" as each API documents it,
 * docs/kiosk-api.md and docs/gateway-protocol.md).
 */
#ifndef TRYGG_SERVER_API_COMMON_H
#define TRYGG_SERVER_API_COMMON_H

#include <stddef.h>

#include "server.h"

struct json_t;

/* Status code for a store error: 503 for busy/locked/full, 500 otherwise. */
int api_status_for(trygg_err e);

/* {"error": code} with `status`. */
void api_error(http_resp *resp, int status, const char *code);
/* {"error": code, "fields": fields}; takes the reference to fields (may be NULL). */
void api_error_fields(http_resp *resp, int status, const char *code, struct json_t *fields);
/* {"error": code, "field": field}; field may be NULL. */
void api_error_field(http_resp *resp, int status, const char *code, const char *field);
/* {"error": "store"} with api_status_for(e). */
void api_error_store(http_resp *resp, trygg_err e);

/* The start of every API call: the thread's store handle and the calling
 * client (k), whose "Authorization: Bearer" token must be a registered
 * client's with `role`. NULL with resp set: 503 store unavailable, 401
 * token (with WWW-Authenticate), 403 another role. */
trygg_store *api_client_store(server_ctx *ctx, const http_req *req, http_resp *resp,
                              const char *role, trygg_kiosk *k);

/* The status of a precheck (http_options.precheck) that api_client_store
 * refused: the one it set, else 401. */
int api_precheck_status(const http_resp *resp);

/* The request body as a JSON object. NULL with resp set: 415 when the
 * Content-Type is not application/json, 413 above `max` bytes, 400 when it
 * is not one JSON object (duplicate members refused). */
struct json_t *api_body_object(const http_req *req, http_resp *resp, size_t max);

/* api_client_store, then api_body_object: the store with *body set (the
 * caller's reference), or NULL with resp set. */
trygg_store *api_client_body(server_ctx *ctx, const http_req *req, http_resp *resp,
                             const char *role, size_t max, trygg_kiosk *k, struct json_t **body);

#endif
