/*
 * api_common.c — the client token, request body and error answers of the
 * kiosk API and the gateway API (api_common.h).
 */
#include "api_common.h"

#include <jansson.h>
#include <string.h>
#include <strings.h>

/* trygg_store_kiosk_add issues tokens into 64 bytes: a longer one is none. */
#define API_TOKEN_MAX 64

int api_status_for(trygg_err e)
{
    switch (e) {
    case TRYGG_ERR_BUSY:
    case TRYGG_ERR_FULL:
    case TRYGG_ERR_READONLY:
    case TRYGG_ERR_NOMEM:
    case TRYGG_ERR_IO: /* e.g. the database server away (a failover): try again */
        return 503;
    default:
        return 500;
    }
}

/* {"error": code} plus member `name` = value (taken; none when NULL). */
static void error_with(http_resp *resp, int status, const char *code, const char *name,
                       json_t *value)
{
    json_t *o = json_object();
    json_object_set_new(o, "error", json_string(code));
    if (value)
        json_object_set_new(o, name, value);
    http_resp_json(resp, status, o);
}

void api_error(http_resp *resp, int status, const char *code)
{
    error_with(resp, status, code, NULL, NULL);
}

void api_error_fields(http_resp *resp, int status, const char *code, json_t *fields)
{
    error_with(resp, status, code, "fields", fields);
}

void api_error_field(http_resp *resp, int status, const char *code, const char *field)
{
    error_with(resp, status, code, "field", field ? json_string(field) : NULL);
}

void api_error_store(http_resp *resp, trygg_err e)
{
    api_error(resp, api_status_for(e), "store");
}

/* 1 when registered client k has `role` (store.h); otherwise 0 with
 * resp set: 403 {"error":"role"}, or 503/500 when the store fails. */
static int client_role_ok(trygg_store *st, const trygg_kiosk *k, const char *role, http_resp *resp)
{
    char have[16];
    trygg_err e = trygg_store_client_role_get(st, k->id, have);
    if (e == TRYGG_OK && strcmp(have, role) == 0)
        return 1;
    if (e == TRYGG_OK || e == TRYGG_ERR_NOTFOUND)
        api_error(resp, 403, "role");
    else
        api_error_store(resp, e);
    return 0;
}

trygg_store *api_client_store(server_ctx *ctx, const http_req *req, http_resp *resp,
                              const char *role, trygg_kiosk *k)
{
    trygg_store *st = server_store(ctx);
    if (st == NULL) {
        api_error(resp, 503, "store");
        return NULL;
    }
    const char *h = http_header(req, "Authorization");
    if (h && strncasecmp(h, "Bearer ", 7) == 0) {
        const char *tok = h + 7;
        while (*tok == ' ')
            tok++;
        if (*tok && strlen(tok) < API_TOKEN_MAX) {
            trygg_err rc = trygg_store_kiosk_auth(st, tok, k);
            if (rc == TRYGG_OK) /* a gateway's token is no kiosk's, and back */
                return client_role_ok(st, k, role, resp) ? st : NULL;
            if (rc != TRYGG_ERR_AUTH && rc != TRYGG_ERR_NOTFOUND) {
                api_error_store(resp, rc);
                return NULL;
            }
        }
    }
    api_error(resp, 401, "token");
    http_resp_header(resp, "WWW-Authenticate", "Bearer realm=\"trygg\"");
    return NULL;
}

int api_precheck_status(const http_resp *resp)
{
    return resp->status ? resp->status : 401;
}

/* application/json, alone or with parameters ("; charset=utf-8"). */
static int is_json(const http_req *req)
{
    const char *ct = http_header(req, "Content-Type");
    return ct && strncasecmp(ct, "application/json", 16) == 0 &&
           (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ');
}

json_t *api_body_object(const http_req *req, http_resp *resp, size_t max)
{
    if (!is_json(req)) {
        api_error(resp, 415, "content_type");
        return NULL;
    }
    if (req->body_len > max) {
        api_error(resp, 413, "too_big");
        return NULL;
    }
    json_error_t jerr;
    json_t *o = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (o == NULL || !json_is_object(o)) {
        json_decref(o);
        api_error(resp, 400, "json");
        return NULL;
    }
    return o;
}

trygg_store *api_client_body(server_ctx *ctx, const http_req *req, http_resp *resp,
                             const char *role, size_t max, trygg_kiosk *k, json_t **body)
{
    *body = NULL;
    trygg_store *st = api_client_store(ctx, req, resp, role, k);
    if (st == NULL)
        return NULL;
    *body = api_body_object(req, resp, max);
    return *body ? st : NULL;
}
