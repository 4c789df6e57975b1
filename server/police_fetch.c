/*
 * police_fetch.c — fetching the police's public events feed with libcurl
 * (bounded: http/https only, timeouts, a size cap) and handing the body to
 * the store (trygg_police_store_json). See police_fetch.h.
 */
#include "trygg/copy.h"
#include "police_fetch.h"

#include "trygg/log.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef TRYGG_VERSION
#define TRYGG_VERSION "dev"
#endif

static void fail(char *err, size_t cap, const char *msg)
{
    if (err && cap)
        trygg_copy_trunc(err, cap, msg);
}

typedef struct body {
    char *data;
    size_t len, cap, max;
    int over;
} body;

static size_t on_data(char *p, size_t size, size_t n, void *user)
{
    body *b = user;
    size_t add = size * n;
    if (b->len + add > b->max) {
        b->over = 1;
        return 0; /* aborts the transfer */
    }
    if (b->len + add + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 16384;
        while (nc < b->len + add + 1)
            nc *= 2;
        char *d = realloc(b->data, nc);
        if (!d)
            return 0;
        b->data = d;
        b->cap = nc;
    }
    memcpy(b->data + b->len, p, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

/* "https://host[:port]" of url into out[cap]; "" if it has no scheme. */
static void url_origin(const char *url, char *out, size_t cap)
{
    const char *p = strstr(url, "://");
    out[0] = '\0';
    if (!p)
        return;
    const char *end = strchr(p + 3, '/');
    size_t n = end ? (size_t)(end - url) : strlen(url);
    const char *q = strchr(p + 3, '?');
    if (q && (size_t)(q - url) < n)
        n = (size_t)(q - url);
    if (n < cap) {
        memcpy(out, url, n);
        out[n] = '\0';
    }
}

trygg_err trygg_police_fetch(trygg_store *st, const trygg_police_opts *o, int *stored, char *err,
                             size_t errcap)
{
    if (stored)
        *stored = 0;
    if (!st || !o || !o->url || !o->url[0]) {
        fail(err, errcap, "no feed URL configured");
        return TRYGG_ERR_INVALID;
    }
    if (strncmp(o->url, "https://", 8) != 0 && strncmp(o->url, "http://", 7) != 0) {
        fail(err, errcap, "feed URL must be http:// or https://");
        return TRYGG_ERR_INVALID;
    }
    trygg_err e = trygg_police_note(st, "police_last_try", (int64_t)time(NULL));
    if (e) {
        fail(err, errcap, trygg_store_errmsg(st));
        return e;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        fail(err, errcap, "curl init failed");
        return TRYGG_ERR_NOMEM;
    }
    body b = {0};
    b.max = o->max_bytes ? o->max_bytes : TRYGG_POLICE_MAX_BYTES;
    char cerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, o->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout_s > 0 ? o->timeout_s : 20L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "trygg/" TRYGG_VERSION);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (b.over) {
        e = TRYGG_ERR_TOOBIG;
        if (err && errcap)
            snprintf(err, errcap, "feed larger than %zu bytes", b.max);
    } else if (rc != CURLE_OK) {
        e = TRYGG_ERR_IO;
        if (err && errcap)
            snprintf(err, errcap, "fetch failed: %s", cerr[0] ? cerr : curl_easy_strerror(rc));
    } else if (status < 200 || status > 299) {
        e = TRYGG_ERR_IO;
        if (err && errcap)
            snprintf(err, errcap, "feed answered HTTP %ld", status);
    } else {
        char origin[256];
        url_origin(o->url, origin, sizeof origin);
        e = trygg_police_store_json(st, b.data ? b.data : "", b.len, origin[0] ? origin : NULL,
                                    stored, NULL, err, errcap);
    }
    free(b.data);
    if (!e)
        e = trygg_police_note(st, "police_last_ok", (int64_t)time(NULL));
    else
        TRYGG_WARN("police events: %s", err ? err : trygg_strerror(e));
    return e;
}
