/*
 * client.c — JSON over HTTP to trygg-server (client.h), after the pattern of
 * kiosk/uploader.c.
 */
#include "client.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/copy.h"

#define BODY_CAP (256 * 1024)

struct gw_client {
    CURL *curl;
    char url[512];
    char token[128];
};

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *user)
{
    buf *b = user;
    size_t n = size * nmemb;
    if (b->n + n + 1 > b->cap) {
        if (b->n + n + 1 > BODY_CAP)
            return 0; /* too big: abort the transfer */
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return 0;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, ptr, n);
    b->n += n;
    b->p[b->n] = 0;
    return n;
}

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
    c->curl = curl_easy_init();
    if (!c->curl) {
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
    curl_easy_cleanup(c->curl);
    memset(c->token, 0, sizeof c->token);
    free(c);
}

long client_post(gw_client *c, const char *path, json_t *body, json_t **answer, char *err,
                 size_t cap)
{
    if (answer)
        *answer = NULL;
    char *text = json_dumps(body, JSON_COMPACT);
    if (!text) {
        snprintf(err, cap, "out of memory");
        return 0;
    }
    char url[700], auth[200], errbuf[CURL_ERROR_SIZE] = "";
    snprintf(url, sizeof url, "%s%s", c->url, path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
    struct curl_slist *h = curl_slist_append(NULL, auth);
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    buf resp = {0};
    CURL *k = c->curl;
    curl_easy_reset(k);
    curl_easy_setopt(k, CURLOPT_URL, url);
    curl_easy_setopt(k, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(k, CURLOPT_CONNECTTIMEOUT, 3L);
    curl_easy_setopt(k, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(k, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(k, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(k, CURLOPT_USERAGENT, "trygg-smsgw/" TRYGG_VERSION);
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(k, CURLOPT_WRITEDATA, &resp);
    curl_easy_setopt(k, CURLOPT_POSTFIELDS, text);
    curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
    CURLcode rc = curl_easy_perform(k);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, &status);
    else
        snprintf(err, cap, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
    curl_slist_free_all(h);
    free(text);
    if (status && answer && resp.p) {
        json_error_t je;
        *answer = json_loadb(resp.p, resp.n, 0, &je);
    }
    if (status >= 400)
        snprintf(err, cap, "HTTP %ld %.200s", status, resp.p ? resp.p : "");
    free(resp.p);
    return status;
}
