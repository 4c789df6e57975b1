/*
 * http_client.h — one HTTP request to trygg-server with libcurl, as the
 * kiosk (kiosk/uploader.c) and the SMS gateway (smsgw/client.c) make them:
 * a bearer token, an optional JSON body (POST; none: GET), timeouts, the
 * TLS check, and the answer's body into a trygg_buf.
 *
 * A trygg_http handle keeps its connection between requests; one thread
 * uses it at a time. Read first: trygg_http_req.
 */
#ifndef TRYGG_HTTP_CLIENT_H
#define TRYGG_HTTP_CLIENT_H

#include <stdatomic.h>
#include <stddef.h>

#include "trygg/buf.h"
#include "trygg/err.h"

/* Room for the text of a network error (libcurl's CURL_ERROR_SIZE). */
#define TRYGG_HTTP_ERR_MAX 256

typedef struct trygg_http trygg_http;

typedef struct trygg_http_req {
    const char *url;           /* the whole URL, http or https */
    const char *bearer;        /* "Authorization: Bearer" token; NULL: none */
    const char *json;          /* POST this JSON text; NULL: GET */
    const char *if_none_match; /* NULL or "": none */
    char *etag;                /* the answer's ETag ("" when none); NULL: not wanted */
    size_t etag_cap;
    const char *user_agent;
    long connect_timeout_s, timeout_s;
    int tls_insecure;    /* 1: no certificate or name check (test set-ups only) */
    const char *ca_file; /* the CA bundle; NULL or "": the system's */
    int no_expect;       /* 1: never wait for "100 Continue" */
    /* NULL, or a flag another thread sets to end the request at once (a
     * long poll when the program stops): then a network error. */
    const atomic_int *cancel;
} trygg_http_req;

/* A new handle; TRYGG_ERR_NOMEM when libcurl cannot make one. */
TRYGG_MUST_CHECK trygg_err trygg_http_new(trygg_http **out);
void trygg_http_free(trygg_http *h);

/* Performs req. The answer's body goes into resp (bounded by resp's cap: a
 * longer answer ends the transfer as a network error). Returns the HTTP
 * status, or 0 on a network error with its text in err[cap]. */
long trygg_http_do(trygg_http *h, const trygg_http_req *req, trygg_buf *resp, char *err,
                   size_t cap);

#endif
