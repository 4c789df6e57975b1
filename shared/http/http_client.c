/*
 * http_client.c — the libcurl request of the kiosk and the SMS gateway
 * (shared/http/include/trygg/http_client.h).
 */
#include "trygg/http_client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "trygg/copy.h"

struct trygg_http {
    CURL *curl;
};

trygg_err trygg_http_new(trygg_http **out)
{
    *out = NULL;
    trygg_http *h = calloc(1, sizeof *h);
    if (!h)
        return TRYGG_ERR_NOMEM;
    h->curl = curl_easy_init();
    if (!h->curl) {
        free(h);
        return TRYGG_ERR_NOMEM;
    }
    *out = h;
    return TRYGG_OK;
}

void trygg_http_free(trygg_http *h)
{
    if (!h)
        return;
    curl_easy_cleanup(h->curl);
    free(h);
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *user)
{
    size_t n = size * nmemb;
    /* Past the cap or out of memory: 0 aborts the transfer. */
    return trygg_buf_add(user, ptr, n) == TRYGG_OK ? n : 0;
}

/* The ETag header's value into the request's etag[etag_cap] (dropped when
 * it does not fit). */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *user)
{
    const trygg_http_req *req = user;
    size_t n = size * nmemb;
    if (n > 5 && strncasecmp(ptr, "ETag:", 5) == 0) {
        const char *v = ptr + 5;
        while (*v == ' ' && v < ptr + n)
            v++;
        size_t len = (size_t)(ptr + n - v);
        while (len && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
            len--;
        if (len < req->etag_cap) {
            memcpy(req->etag, v, len);
            req->etag[len] = 0;
        }
    }
    return n;
}

/* The request's headers into *out (NULL: none). 0 when out of memory or a
 * header does not fit. */
static int headers(const trygg_http_req *req, struct curl_slist **out)
{
    char auth[512], inm[300];
    const char *want[4];
    int nw = 0;
    *out = NULL;
    if (req->bearer) {
        if (snprintf(auth, sizeof auth, "Authorization: Bearer %s", req->bearer) >=
            (int)sizeof auth)
            return 0;
        want[nw++] = auth;
    }
    if (req->json)
        want[nw++] = "Content-Type: application/json";
    if (req->if_none_match && *req->if_none_match) {
        if (snprintf(inm, sizeof inm, "If-None-Match: %s", req->if_none_match) >= (int)sizeof inm)
            return 0;
        want[nw++] = inm;
    }
    if (req->no_expect)
        want[nw++] = "Expect:";
    for (int i = 0; i < nw; i++) {
        struct curl_slist *next = curl_slist_append(*out, want[i]);
        if (!next) {
            curl_slist_free_all(*out);
            *out = NULL;
            return 0;
        }
        *out = next;
    }
    return 1;
}

/* Non-zero ends the transfer: the request's cancel flag was set. */
static int on_progress(void *user, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    const atomic_int *cancel = user;
    return atomic_load(cancel) != 0;
}

/* Every option of req on c (reset first). */
static void set_options(CURL *c, const trygg_http_req *req, struct curl_slist *h, trygg_buf *resp,
                        char *errbuf)
{
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, req->connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, req->timeout_s);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (req->user_agent)
        curl_easy_setopt(c, CURLOPT_USERAGENT, req->user_agent);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, req->tls_insecure ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, req->tls_insecure ? 0L : 2L);
    if (req->ca_file && *req->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, req->ca_file);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    if (req->etag && req->etag_cap) {
        req->etag[0] = 0;
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, (void *)req);
    }
    if (req->cancel) {
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)req->cancel);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    if (req->json) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->json);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(req->json));
    }
}

long trygg_http_do(trygg_http *h, const trygg_http_req *req, trygg_buf *resp, char *err, size_t cap)
{
    struct curl_slist *hdr;
    if (!headers(req, &hdr)) {
        trygg_copy_trunc(err, cap, "request headers: out of memory or too long");
        return 0;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    set_options(h->curl, req, hdr, resp, errbuf);
    CURLcode rc = curl_easy_perform(h->curl);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
    else
        trygg_copy_trunc(err, cap, errbuf[0] ? errbuf : curl_easy_strerror(rc));
    curl_slist_free_all(hdr);
    return status;
}
