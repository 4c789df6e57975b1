/*
 * client.c — JSON over HTTP to trygg-server (client.h) with the kiosk's
 * request (shared/http/http_client.c).
 */
#include "client.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/buf.h"
#include "trygg/copy.h"
#include "trygg/http_client.h"

#define BODY_CAP (256 * 1024)

struct gw_client {
    trygg_http *http;
    char url[512];
    char token[128];
};

trygg_err client_open(const char *url, const char *token_file, gw_client **out, char *err,
                      size_t cap)
{
    *out = NULL;
    gw_client *c = calloc(1, sizeof *c);
    if (!c)
        return TRYGG_ERR_NOMEM;
    if (!TRYGG_COPY(c->url, url)) { /* a cut URL would be another server */
        free(c);
        return TRYGG_ERR_TOOBIG;
    }
    size_t ul = strlen(c->url);
    while (ul && c->url[ul - 1] == '/')
        c->url[--ul] = '\0';
    FILE *f = fopen(token_file, "r");
    if (!f || !fgets(c->token, sizeof c->token, f)) {
        snprintf(err, cap, "%s: cannot read the gateway token", token_file);
        if (f)
            fclose(f);
        free(c);
        return TRYGG_ERR_IO;
    }
    fclose(f);
    c->token[strcspn(c->token, " \t\r\n")] = '\0';
    if (!c->token[0]) {
        snprintf(err, cap, "%s: empty gateway token", token_file);
        free(c);
        return TRYGG_ERR_CONFIG;
    }
    if (trygg_http_new(&c->http) != TRYGG_OK) {
        snprintf(err, cap, "libcurl: cannot initialise");
        free(c);
        return TRYGG_ERR_NOMEM;
    }
    *out = c;
    return TRYGG_OK;
}

void client_close(gw_client *c)
{
    if (!c)
        return;
    trygg_http_free(c->http);
    memset(c->token, 0, sizeof c->token);
    free(c);
}

/* One POST: the parsed answer and/or its text, a timeout, a cancel flag. */
static long post(gw_client *c, const char *path, json_t *body, json_t **answer, char **text,
                 char *err, size_t cap, long timeout_s, const atomic_int *cancel)
{
    if (answer)
        *answer = NULL;
    if (text)
        *text = NULL;
    char *req_text = json_dumps(body, JSON_COMPACT);
    if (!req_text) {
        snprintf(err, cap, "out of memory");
        return 0;
    }
    char url[700];
    snprintf(url, sizeof url, "%s%s", c->url, path);
    trygg_http_req req = {
        .url = url,
        .bearer = c->token,
        .json = req_text,
        .user_agent = "trygg-smsgw/" TRYGG_VERSION,
        .connect_timeout_s = 3,
        .timeout_s = timeout_s,
        .no_expect = 1,
        .cancel = cancel,
    };
    trygg_buf resp;
    trygg_buf_init(&resp, BODY_CAP);
    long status = trygg_http_do(c->http, &req, &resp, err, cap);
    free(req_text);
    if (status && answer && resp.data) {
        json_error_t je;
        *answer = json_loadb(resp.data, resp.len, 0, &je);
    }
    if (status && text && resp.data)
        *text = strndup(resp.data, resp.len);
    if (status >= 400)
        snprintf(err, cap, "HTTP %ld %.200s", status, trygg_buf_str(&resp));
    trygg_buf_free(&resp);
    return status;
}

long client_post(gw_client *c, const char *path, json_t *body, json_t **answer, char *err,
                 size_t cap)
{
    return post(c, path, body, answer, NULL, err, cap, 10, NULL);
}

long client_post_text(gw_client *c, const char *path, json_t *body, json_t **answer, char **text,
                      char *err, size_t cap)
{
    return post(c, path, body, answer, text, err, cap, 10, NULL);
}

long client_post_wait(gw_client *c, const char *path, json_t *body, json_t **answer, char *err,
                      size_t cap, long timeout_s, const atomic_int *cancel)
{
    return post(c, path, body, answer, NULL, err, cap, timeout_s, cancel);
}
