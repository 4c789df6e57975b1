/*
 * fuzz_http_fake.c — http.h without libmicrohttpd, for the fuzz targets
 * (see fuzz_http_fake.h). Responses and fields come from server/http_resp.c.
 */
#include "fuzz_http_fake.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_gateway.h"
#include "config.h"
#include "server.h"

void fuzz_req_init(fuzz_req *f, const char *method, const char *path, const char *body, size_t len)
{
    memset(f, 0, sizeof *f);
    f->req.method = method;
    f->req.path = path;
    f->req.remote_ip = "127.0.0.1";
    f->req.body = body;
    f->req.body_len = len;
    f->req.conn = f;
}

int fuzz_req_header(fuzz_req *f, const char *name, const char *value)
{
    if (f->nheaders >= FUZZ_MAX_HEADERS)
        return -1;
    f->headers[f->nheaders].name = name;
    f->headers[f->nheaders].value = value;
    f->nheaders++;
    return 0;
}

void fuzz_resp_check(const http_resp *resp, int json_type)
{
    if (resp->status < 100 || resp->status > 599)
        abort();
    if (resp->body == NULL && resp->len != 0)
        abort();
    if (strcmp(resp->content_type, "application/json") == 0 && resp->len > 0) {
        json_error_t je;
        json_t *v = json_loadb(resp->body, resp->len, 0, &je);
        if (v == NULL || (json_type >= 0 && (int)json_typeof(v) != json_type))
            abort();
        json_decref(v);
    }
    for (int i = 0; i < resp->nheaders; i++)
        if (strpbrk(resp->headers[i].name, "\r\n") || strpbrk(resp->headers[i].value, "\r\n"))
            abort();
}

const char *http_header(const http_req *r, const char *name)
{
    const fuzz_req *f = r->conn;
    for (int i = 0; f && i < f->nheaders; i++)
        if (strcasecmp(f->headers[i].name, name) == 0)
            return f->headers[i].value;
    return NULL;
}

const char *http_cookie(const http_req *r, const char *name)
{
    (void)r, (void)name;
    return NULL;
}

/* No database in the parser targets: handlers that need one answer 503. */
trygg_store *server_store(server_ctx *ctx)
{
    (void)ctx;
    return NULL;
}

/* The gateway API (api_gateway.c) is not part of the parser targets; api.c
 * calls its precheck only after a store was found. */
int api_gateway_precheck(void *ctx, const http_route *route, const http_req *req, http_resp *resp)
{
    (void)ctx, (void)route, (void)req, (void)resp;
    return 0;
}

static void add_cat(server_catalog *k, const char *id, trygg_kind kind)
{
    config_category *c = &k->cats[k->ncats++];
    snprintf(c->id, sizeof c->id, "%s", id);
    c->kind = kind;
    snprintf(c->label[0], sizeof c->label[0], "%s", id);
}

void fuzz_catalog(server_ctx *ctx)
{
    server_catalog *k = calloc(1, sizeof *k);
    if (k == NULL)
        abort();
    add_cat(k, "pothole", TRYGG_KIND_FAULT);
    add_cat(k, "lighting", TRYGG_KIND_FAULT);
    add_cat(k, "unsafe", TRYGG_KIND_CONCERN);
    snprintf(k->areas[k->nareas++].id, sizeof k->areas[0].id, "centrum");
    snprintf(k->areas[k->nareas++].id, sizeof k->areas[0].id, "hamnen");
    snprintf(k->open311_keys[k->nopen311_keys++], sizeof k->open311_keys[0], "fuzz-key");
    ctx->cfg.catalog = k;
}
