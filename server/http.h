/*
 * http.h — the server's only view of HTTP. http_mhd.c is the one file that
 * includes libmicrohttpd; everything else (API, Open311, staff web UI,
 * metrics) sees a finished request and fills a response.
 *
 * Flow: libmicrohttpd reads the request; http_mhd.c buffers the body up to
 * the route's cap (413 above, decided before reading further), parses
 * application/x-www-form-urlencoded bodies into form fields, then calls the
 * matching handler exactly once on a worker thread. The handler fills
 * *resp; http_mhd.c sends it and frees it.
 *
 * Threading: handlers run concurrently (thread per connection or pool);
 * each handler opens/uses its own trygg_store handle (see server.h).
 * Read first: http_route, http_resp_*.
 */
#ifndef TRYGG_HTTP_H
#define TRYGG_HTTP_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_FIELDS 64

typedef struct http_kv {
    const char *name;
    const char *value;
} http_kv;

typedef struct http_req {
    const char *method;    /* "GET", "POST", ... */
    const char *path;      /* decoded path, no query string */
    const char *route;     /* pattern of the matched route (http_route.pattern),
                              NULL when none matched (404, 405, refused) */
    const char *remote_ip; /* "127.0.0.1" */
    const char *body;      /* NUL-terminated copy of the body ("" if none) */
    size_t body_len;
    http_kv query[HTTP_MAX_FIELDS]; /* decoded query arguments */
    int nquery;
    http_kv form[HTTP_MAX_FIELDS]; /* decoded urlencoded form fields (POST) */
    int nform;
    /* The one uploaded file of a multipart form, as bytes (a binary one
     * too, whose form field is ""): its field name (NULL when no file
     * came), its content (NUL-terminated) and length. */
    const char *file_field;
    const char *file_data;
    size_t file_len;
    int tls;            /* 1 if the connection is TLS */
    int64_t started_us; /* monotonic time the request arrived */
    void *conn;         /* opaque, for http_header/http_cookie */
    /* A request put aside (http_resp.wait_ms): 1 when the handler must
     * answer now (its wait ran out, or the server stops). */
    int must_answer;
} http_req;

/* Request header by name (case-insensitive); NULL if absent. */
const char *http_header(const http_req *r, const char *name);
/* Cookie value by name; NULL if absent. */
const char *http_cookie(const http_req *r, const char *name);
/* Query argument / form field by name; NULL if absent. */
const char *http_query(const http_req *r, const char *name);
const char *http_form(const http_req *r, const char *name);
/* The uploaded file of field `name` as bytes (*len set); NULL if none. */
const char *http_form_file(const http_req *r, const char *name, size_t *len);

#define HTTP_MAX_HEADERS 12

typedef struct http_resp {
    int status;
    char content_type[96];
    char *body; /* malloc'd, owned by the response */
    size_t len;
    http_kv headers[HTTP_MAX_HEADERS]; /* extra headers; name/value malloc'd */
    int nheaders;
    /* A long poll: a handler that has nothing to answer yet leaves status 0
     * and sets wait_ms. The connection is then put aside without holding a
     * thread (libmicrohttpd's suspend/resume), and the handler is called
     * again with the same request at every http_server_wake, and once
     * more with req->must_answer = 1 when wait_ms (counted from the first
     * call, at most HTTP_WAIT_MAX_MS) have passed or the server stops:
     * then it must answer. */
    int wait_ms;
} http_resp;

#define HTTP_WAIT_MAX_MS 60000

/* Sets status, content type and a copy of body[len]. 0 on success, -1 on OOM. */
int http_resp_set(http_resp *resp, int status, const char *ctype, const char *body, size_t len);
/* Sets an application/json body from a jansson object (steals the reference). */
struct json_t;
int http_resp_json(http_resp *resp, int status, struct json_t *obj);
/* Adds a header (copied). -1 when full. */
int http_resp_header(http_resp *resp, const char *name, const char *value);
/* 303 See Other to `location`. */
int http_resp_redirect(http_resp *resp, const char *location);
void http_resp_free(http_resp *resp);

typedef void (*http_handler)(void *ctx, const http_req *req, http_resp *resp);

/* Route table entry: method ("GET", "POST", or "*"), path pattern (exact, or
 * ending in "*" for a prefix), body size cap in bytes, handler. */
typedef struct http_route {
    const char *method;
    const char *pattern;
    size_t max_body;
    http_handler handler;
} http_route;

/* Checks a request from its headers alone, before any body is read (and
 * before "100 Continue" is sent): 0 to go on, or an HTTP status to answer
 * with at once (the handler is not called); may fill resp for that answer. */
typedef int (*http_precheck)(void *ctx, const http_route *route, const http_req *req,
                             http_resp *resp);

typedef struct http_server http_server;

typedef struct http_options {
    const char *bind;     /* "127.0.0.1" */
    int port;             /* 8080; 0 = any free port (see http_server_port) */
    const char *tls_cert; /* PEM file, NULL = plain HTTP (behind a TLS proxy) */
    const char *tls_key;
    int threads;        /* worker threads (a pool polling with epoll; 0 = 16) */
    int conn_timeout_s; /* idle connection timeout */
    int max_connections;
    int per_ip_limit;      /* open connections per client address (0 = 32; -1 = no limit) */
    int header_deadline_s; /* whole request line + headers within this (0 = 10 s) */
    int body_deadline_s;   /* whole body within this after the headers (0 = 30 s) */
    /* Added (additive; zero = off): */
    int trust_proxy;   /* 1: remote_ip/tls from X-Forwarded-For/-Proto when
                          the peer is loopback (reverse proxy in front) */
    int use_listen_fd; /* 1: listen on listen_fd (bound before dropping root) */
    int listen_fd;
    http_precheck precheck; /* may be NULL (e.g. the kiosk API's bearer token) */
    /* Writes the body of an error the server answers itself (400, 404, 405,
     * 413, 501) in the format the path's API uses (e.g. Open311's error
     * list); leaves resp empty for the default {"error": "..."}. May be NULL. */
    void (*error_body)(void *ctx, const http_req *req, int status, http_resp *resp);
    /* Called once per answered request (latency for /metrics); may be NULL. */
    void (*observe)(void *ctx, const http_req *req, int status, int64_t elapsed_us);
} http_options;

/* Starts listening; routes[] (nroutes entries) and ctx must outlive the
 * server. Unmatched paths give 404, wrong methods 405. Returns NULL and
 * prints why on failure. */
http_server *http_server_start(const http_options *opt, const http_route *routes, int nroutes,
                               void *ctx);
int http_server_port(const http_server *s);

/* Saturation of the HTTP server, for /metrics (process-wide counters). */
typedef struct http_stats {
    int64_t connections;      /* open now */
    int64_t max_connections;  /* the limit */
    int64_t busy;             /* handlers running now */
    int64_t threads;          /* worker threads */
    int64_t rejected_per_ip;  /* connections refused: per-address limit */
    int64_t closed_deadline;  /* connections closed: header or body deadline */
    int64_t refused_protocol; /* requests refused: smuggling-shaped, no Host, ... */
    int64_t waiting;          /* requests put aside now (long polls, http_resp.wait_ms) */
} http_stats;
void http_stats_get(http_stats *out);
/* Calls the handlers of the requests put aside again (http_resp.wait_ms),
 * e.g. when a reply for the gateway's long poll was queued. Any thread. */
void http_server_wake(http_server *s);
/* Stops the server; requests put aside are answered first (must_answer). */
void http_server_stop(http_server *s);

#endif
