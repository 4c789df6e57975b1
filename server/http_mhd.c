/*
 * http_mhd.c — the one file that includes libmicrohttpd (see http.h).
 *
 * Many slow connections, few threads: a pool of worker threads polls the
 * sockets with epoll (MHD_USE_EPOLL_INTERNAL_THREAD + thread pool), so a
 * connection that sends one byte every few seconds costs a socket, not a
 * thread. Handlers still run on the pool threads (an SQLite commit blocks one
 * worker for a few milliseconds). Against one client holding connections:
 *   - a per-address connection limit (accept policy; counted per address);
 *   - an overall deadline for the request line and headers and another for
 *     the body, enforced by a watchdog thread that shuts down the socket of a
 *     connection past its deadline (libmicrohttpd's own timeout is an idle
 *     timeout that every byte resets);
 *   - the remaining capacity serves everyone else; /metrics shows it
 *     (http_stats_get).
 * Requests shaped for smuggling are refused and the connection closed: both
 * Content-Length and Transfer-Encoding, several Content-Length headers, a
 * transfer coding other than chunked (501), HTTP/1.1 without Host, more query
 * or form fields than HTTP_MAX_FIELDS, a NUL byte in a form field.
 *
 * Long polls (http_resp.wait_ms): a handler with nothing to answer yet has
 * its connection suspended (MHD_ALLOW_SUSPEND_RESUME) and kept in a list
 * of requests put aside, so a waiting gateway holds a socket, not a pool
 * thread; http_server_wake resumes them all (the handler runs again and
 * answers or waits again), the watchdog resumes those whose wait ran out,
 * and stopping resumes every one with must_answer set. A wake that comes
 * between a handler's look and its suspension is not lost: the wake count
 * is read before the handler runs and checked under the list's lock.
 *
 * Per request one struct http_ctx lives in *req_cls from the first
 * access-handler call to the completed callback, which frees it. The answer
 * is decided once: 400/404/405/413/501 or the route's precheck on the first
 * call (before any "100 Continue"), otherwise the route's handler after the
 * whole body is buffered.
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "trygg/buf.h"
#include "trygg/copy.h"
#include "trygg/log.h"

/* Bodies larger than their cap are read and dropped up to this much, then
 * the connection is closed without an answer. */
#define DISCARD_MAX (1024 * 1024)

/* One open connection, registered from "started" to "closed" (socket
 * context); guarded by http_server.mu. */
typedef struct conn_rec {
    struct conn_rec *next, *prev;
    int fd;
    char addr[64];       /* client address as text, for the per-address count */
    int64_t phase_start; /* when the current request (or keep-alive wait) began */
    int in_body;         /* headers done, body being read */
    int closing;         /* the watchdog shut it down */
} conn_rec;

struct http_server {
    struct MHD_Daemon *d;
    const http_route *routes;
    int nroutes;
    void *ctx;
    http_options opt;
    char *cert_pem, *key_pem;
    pthread_mutex_t mu;
    conn_rec *conns;
    pthread_t watchdog;
    int watchdog_running;
    atomic_int stop;
    /* Requests put aside (long polls): guarded by pmu, which is never held
     * while libmicrohttpd calls into this file's other callbacks. */
    pthread_mutex_t pmu;
    struct http_ctx *parked;
    atomic_ullong wakes; /* http_server_wake calls so far */
};

static atomic_llong st_conns, st_busy, st_rejected, st_deadline, st_protocol, st_threads,
    st_maxconn, st_waiting;

void http_stats_get(http_stats *out)
{
    out->connections = atomic_load(&st_conns);
    out->max_connections = atomic_load(&st_maxconn);
    out->busy = atomic_load(&st_busy);
    out->threads = atomic_load(&st_threads);
    out->rejected_per_ip = atomic_load(&st_rejected);
    out->closed_deadline = atomic_load(&st_deadline);
    out->refused_protocol = atomic_load(&st_protocol);
    out->waiting = atomic_load(&st_waiting);
}

typedef struct http_ctx {
    http_req req;
    const http_route *route;
    int early_status; /* 400/404/405/413/501 decided before the body */
    int close_after;  /* answer with Connection: close */
    int bad_form;     /* a form field held a NUL byte, or too many fields */
    int binary_field; /* 1 + index of an uploaded file that held a NUL byte, else 0 */
    char *file_key;   /* the uploaded file's field (one per request) */
    trygg_buf file;   /* its bytes, binary too */
    http_resp early;  /* the precheck's answer, when it gave one */
    char allow[64];
    trygg_buf body; /* the request body, capped at the route's max_body */
    size_t discarded;
    int too_big;
    struct MHD_PostProcessor *pp;
    char *strs[HTTP_MAX_FIELDS * 2 + 8]; /* owned copies (form fields, ip) */
    int nstrs;
    char ip[64];
    /* A long poll (http_resp.wait_ms): when its wait ends (monotonic; 0
     * before the first wait), and its place in http_server.parked. */
    int64_t wait_until_us;
    struct MHD_Connection *mconn;
    int fd; /* its socket, to see a client that went away meanwhile */
    struct http_ctx *park_next;
} http_ctx;

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- request accessors ------------------------------------------------------ */

const char *http_header(const http_req *r, const char *name)
{
    if (r->conn == NULL)
        return NULL;
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(const http_req *r, const char *name)
{
    if (r->conn == NULL)
        return NULL;
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* ---- internals -------------------------------------------------------------- */

static char *own(http_ctx *c, char *s)
{
    if (s == NULL)
        return NULL;
    if (c->nstrs >= (int)(sizeof c->strs / sizeof c->strs[0])) {
        free(s);
        return NULL;
    }
    c->strs[c->nstrs++] = s;
    return s;
}

static enum MHD_Result query_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                  size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    http_ctx *c = cls;
    http_req *r = &c->req;
    if (r->nquery >= HTTP_MAX_FIELDS) {
        c->bad_form = 1; /* a filter must never vanish silently */
        return MHD_NO;
    }
    if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
        c->bad_form = 1; /* %00 would silently cut the name or value short */
        return MHD_NO;
    }
    r->query[r->nquery].name = key;
    r->query[r->nquery].value = value ? value : "";
    r->nquery++;
    return MHD_YES;
}

/* Keeps an uploaded file's bytes whole (http_form_file); a second file in
 * one request is refused like a malformed form. */
static int keep_file(http_ctx *c, const char *key, const char *data, uint64_t off, size_t size)
{
    if (off == 0) {
        if (c->file_key) {
            c->bad_form = 1;
            return -1;
        }
        c->file_key = strdup(key);
        if (!c->file_key)
            return -1;
        trygg_buf_init(&c->file, c->route->max_body + 1);
    }
    return size == 0 || trygg_buf_add(&c->file, data, size) == TRYGG_OK ? 0 : -1;
}

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *filename, const char *content_type,
                                 const char *transfer_encoding, const char *data, uint64_t off,
                                 size_t size)
{
    (void)kind, (void)content_type, (void)transfer_encoding;
    http_ctx *c = cls;
    http_req *r = &c->req;
    int cont = off > 0 && r->nform > 0 && strcmp(r->form[r->nform - 1].name, key) == 0;
    if (filename && keep_file(c, key, data, off, size) != 0)
        return MHD_NO;
    if (filename && cont && c->binary_field == r->nform) /* the rest of a binary file */
        return MHD_YES;
    if (size > 0 && memchr(data, '\0', size) != NULL) {
        if (!filename) {
            c->bad_form = 1; /* %00 would silently cut the value short */
            return MHD_NO;
        }
        /* A file that is not text (an .xlsx where a CSV was asked for):
         * its field arrives empty, so the handler can say what to upload. */
        if (cont) {
            ((char *)r->form[r->nform - 1].value)[0] = '\0';
            c->binary_field = r->nform;
            return MHD_YES;
        }
        size = 0;
        c->binary_field = r->nform + 1;
    }
    if (cont) {
        /* Continuation of the previous value. */
        char *old = (char *)r->form[r->nform - 1].value;
        size_t ol = strlen(old);
        char *nv = realloc(old, ol + size + 1);
        if (nv == NULL)
            return MHD_NO;
        memcpy(nv + ol, data, size);
        nv[ol + size] = '\0';
        for (int i = 0; i < c->nstrs; i++)
            if (c->strs[i] == old)
                c->strs[i] = nv;
        r->form[r->nform - 1].value = nv;
        return MHD_YES;
    }
    if (r->nform >= HTTP_MAX_FIELDS) {
        c->bad_form = 1;
        return MHD_NO;
    }
    char *k = own(c, strdup(key));
    char *v = malloc(size + 1);
    if (v) {
        if (size)
            memcpy(v, data, size);
        v[size] = '\0';
    }
    v = own(c, v);
    if (k == NULL || v == NULL)
        return MHD_NO;
    r->form[r->nform].name = k;
    r->form[r->nform].value = v;
    r->nform++;
    return MHD_YES;
}

static void add_security_headers(struct MHD_Response *mr)
{
    MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(mr, "X-Frame-Options", "DENY");
    MHD_add_response_header(mr, "Content-Security-Policy",
                            "default-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                            "base-uri 'none'");
}

static enum MHD_Result send_resp(struct http_server *s, http_ctx *c, struct MHD_Connection *conn,
                                 http_resp *resp)
{
    struct MHD_Response *mr =
        MHD_create_response_from_buffer(resp->len, resp->body, MHD_RESPMEM_MUST_FREE);
    if (mr == NULL) {
        http_resp_free(resp);
        return MHD_NO;
    }
    resp->body = NULL; /* owned by MHD now */
    if (resp->status != 204 && resp->status != 304)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    add_security_headers(mr);
    if (s->opt.tls_cert != NULL && s->opt.tls_cert[0])
        MHD_add_response_header(mr, "Strict-Transport-Security", "max-age=31536000");
    for (int i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(mr, resp->headers[i].name, resp->headers[i].value);
    if (c->close_after)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION, "close");
    int status = resp->status ? resp->status : 500;
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)status, mr);
    MHD_destroy_response(mr);
    if (s->opt.observe)
        s->opt.observe(s->ctx, &c->req, status, mono_us() - c->req.started_us);
    http_resp_free(resp);
    return rc;
}

static enum MHD_Result send_error(struct http_server *s, http_ctx *c, struct MHD_Connection *conn,
                                  int status)
{
    http_resp resp = {0};
    if (s->opt.error_body) {
        s->opt.error_body(s->ctx, &c->req, status, &resp);
        if (resp.status) {
            if (status == 405 && c->allow[0])
                http_resp_header(&resp, "Allow", c->allow);
            return send_resp(s, c, conn, &resp);
        }
        http_resp_free(&resp);
    }
    const char *code = status == 400   ? "bad_request"
                       : status == 404 ? "not_found"
                       : status == 405 ? "method_not_allowed"
                       : status == 408 ? "timeout"
                       : status == 413 ? "too_big"
                       : status == 501 ? "not_implemented"
                                       : "error";
    char body[96];
    int n = snprintf(body, sizeof body, "{\"error\":\"%s\"}", code);
    if (http_resp_set(&resp, status, "application/json", body, (size_t)n) != 0)
        return MHD_NO;
    if (status == 405 && c->allow[0])
        http_resp_header(&resp, "Allow", c->allow);
    return send_resp(s, c, conn, &resp);
}

static int path_match(const char *pattern, const char *path)
{
    size_t n = strlen(pattern);
    if (n > 0 && pattern[n - 1] == '*')
        return strncmp(pattern, path, n - 1) == 0;
    return strcmp(pattern, path) == 0;
}

static void find_route(struct http_server *s, http_ctx *c, const char *method, const char *path)
{
    int path_found = 0;
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    for (int i = 0; i < s->nroutes; i++) {
        const http_route *rt = &s->routes[i];
        if (!path_match(rt->pattern, path))
            continue;
        if (strcmp(rt->method, "*") == 0 || strcmp(rt->method, m) == 0) {
            c->route = rt;
            c->req.route = rt->pattern; /* a bounded label for /metrics */
            return;
        }
        if (!path_found)
            c->allow[0] = '\0';
        path_found = 1;
        size_t l = strlen(c->allow);
        snprintf(c->allow + l, sizeof c->allow - l, "%s%s", l ? ", " : "", rt->method);
    }
    c->early_status = path_found ? 405 : 404;
}

static void remote_addr(struct http_server *s, http_ctx *c, struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(c->ip, sizeof c->ip, "?");
    int loopback = 0;
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET) {
            const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
            inet_ntop(AF_INET, &in->sin_addr, c->ip, sizeof c->ip);
            loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
        } else if (sa->sa_family == AF_INET6) {
            const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
            inet_ntop(AF_INET6, &in6->sin6_addr, c->ip, sizeof c->ip);
            loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
        }
    }
    c->req.remote_ip = c->ip;
    c->req.tls = s->opt.tls_cert != NULL && s->opt.tls_cert[0];
    if (s->opt.trust_proxy && loopback) {
        const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
        if (xff && *xff) {
            /* The proxy appends the peer it saw last. */
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ')
                last++;
            char ip[sizeof c->ip];
            if (strspn(last, "0123456789abcdefABCDEF.:") == strlen(last) && TRYGG_COPY(ip, last))
                TRYGG_COPY_FIT(c->ip, ip);
        }
        const char *xfp = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
        if (xfp && strcasecmp(xfp, "https") == 0)
            c->req.tls = 1;
    }
}

/* ---- connections: registry, per-address limit, deadlines ------------------------ */

static void addr_text(const struct sockaddr *sa, char *out, size_t cap)
{
    snprintf(out, cap, "?");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)cap);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)cap);
}

static int per_ip_limit(const struct http_server *s)
{
    if (s->opt.per_ip_limit < 0)
        return 0;
    if (s->opt.per_ip_limit > 0)
        return s->opt.per_ip_limit;
    /* Behind a reverse proxy every connection comes from the proxy, which
     * limits per client itself. */
    return s->opt.trust_proxy ? 0 : 32;
}

static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    (void)addrlen;
    struct http_server *s = cls;
    int limit = per_ip_limit(s);
    if (limit <= 0)
        return MHD_YES;
    char a[64];
    addr_text(addr, a, sizeof a);
    int n = 0;
    pthread_mutex_lock(&s->mu);
    for (conn_rec *r = s->conns; r; r = r->next)
        n += strcmp(r->addr, a) == 0;
    pthread_mutex_unlock(&s->mu);
    if (n >= limit) {
        atomic_fetch_add(&st_rejected, 1);
        return MHD_NO;
    }
    return MHD_YES;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct http_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        conn_rec *r = calloc(1, sizeof *r);
        if (r == NULL)
            return;
        const union MHD_ConnectionInfo *fi =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *ai =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        r->fd = fi ? fi->connect_fd : -1;
        addr_text(ai ? ai->client_addr : NULL, r->addr, sizeof r->addr);
        r->phase_start = mono_us();
        pthread_mutex_lock(&s->mu);
        r->next = s->conns;
        if (s->conns)
            s->conns->prev = r;
        s->conns = r;
        pthread_mutex_unlock(&s->mu);
        *socket_context = r;
        atomic_fetch_add(&st_conns, 1);
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        conn_rec *r = *socket_context;
        pthread_mutex_lock(&s->mu);
        if (r->prev)
            r->prev->next = r->next;
        else
            s->conns = r->next;
        if (r->next)
            r->next->prev = r->prev;
        pthread_mutex_unlock(&s->mu);
        free(r);
        *socket_context = NULL;
        atomic_fetch_sub(&st_conns, 1);
    }
}

/* Phase of the connection's current request: 0 waiting for headers (or the
 * next request), 1 reading the body, 2 answering (no deadline but the idle
 * timeout). */
static void set_phase(struct http_server *s, struct MHD_Connection *conn, int phase)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_rec *r = ci ? ci->socket_context : NULL;
    if (r == NULL)
        return;
    pthread_mutex_lock(&s->mu);
    r->in_body = phase;
    r->phase_start = mono_us();
    pthread_mutex_unlock(&s->mu);
}

/* ---- long polls: requests put aside ------------------------------------------------ */

/* 1 when the client of socket fd closed its end (or the socket failed): a
 * request put aside for it must not take anything (a claimed reply would
 * go to nobody until its lease ends). POLLRDHUP sees the close even behind
 * unread bytes (a TLS client's close_notify). */
static int peer_gone(int fd)
{
    if (fd < 0)
        return 0;
    struct pollfd p = {.fd = fd, .events = POLLRDHUP};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

/* Puts request c aside (suspends its connection) unless a wake came since
 * `wakes` was read or the server stops; 1 when it is aside. */
static int park(struct http_server *s, http_ctx *c, struct MHD_Connection *conn,
                unsigned long long wakes)
{
    pthread_mutex_lock(&s->pmu);
    int aside = !atomic_load(&s->stop) && atomic_load(&s->wakes) == wakes;
    if (aside) {
        c->mconn = conn;
        c->park_next = s->parked;
        s->parked = c;
        MHD_suspend_connection(conn);
        atomic_fetch_add(&st_waiting, 1);
    }
    pthread_mutex_unlock(&s->pmu);
    return aside;
}

/* Resumes the requests put aside whose wait ended by `now_us` (every one
 * when now_us < 0), and those whose client went away: their handlers run
 * again on a pool thread (or the connection is closed: run_handler). */
static void unpark(struct http_server *s, int64_t now_us)
{
    http_ctx *go = NULL;
    pthread_mutex_lock(&s->pmu);
    for (http_ctx **pp = &s->parked; *pp;) {
        http_ctx *c = *pp;
        if (now_us < 0 || c->wait_until_us <= now_us || peer_gone(c->fd)) {
            *pp = c->park_next;
            c->park_next = go;
            go = c;
        } else {
            pp = &c->park_next;
        }
    }
    pthread_mutex_unlock(&s->pmu);
    while (go) {
        /* Once resumed, another thread may answer and free it. */
        http_ctx *next = go->park_next;
        struct MHD_Connection *conn = go->mconn;
        atomic_fetch_sub(&st_waiting, 1);
        MHD_resume_connection(conn);
        go = next;
    }
}

void http_server_wake(http_server *s)
{
    if (s == NULL)
        return;
    atomic_fetch_add(&s->wakes, 1);
    unpark(s, -1);
}

/* Shuts down the sockets of connections past their header or body deadline;
 * libmicrohttpd then sees the connection end and closes it in its own thread. */
static void *watchdog(void *arg)
{
    struct http_server *s = arg;
    int64_t hdr = (int64_t)(s->opt.header_deadline_s > 0 ? s->opt.header_deadline_s : 10) * 1000000;
    int64_t body = (int64_t)(s->opt.body_deadline_s > 0 ? s->opt.body_deadline_s : 30) * 1000000;
    while (!atomic_load(&s->stop)) {
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
        int64_t now = mono_us();
        unpark(s, now); /* long polls whose wait ran out answer now */
        pthread_mutex_lock(&s->mu);
        for (conn_rec *r = s->conns; r; r = r->next) {
            int64_t limit = r->in_body == 0 ? hdr : r->in_body == 1 ? body : 0;
            if (limit && !r->closing && r->fd >= 0 && now - r->phase_start > limit) {
                r->closing = 1;
                shutdown(r->fd, SHUT_RDWR);
                atomic_fetch_add(&st_deadline, 1);
            }
        }
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

/* ---- protocol checks before any body is read ------------------------------------ */

typedef struct hdr_scan {
    int content_length; /* how many Content-Length headers */
    int transfer_encoding;
    int chunked_only; /* the one Transfer-Encoding is exactly "chunked" */
    int host;
} hdr_scan;

static enum MHD_Result hdr_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    (void)kind;
    hdr_scan *h = cls;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
        h->content_length++;
    else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        h->transfer_encoding++;
        h->chunked_only = h->transfer_encoding == 1 && value && strcasecmp(value, "chunked") == 0;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
        h->host++;
    return MHD_YES;
}

/* 0, or the status that refuses the request outright (and closes). */
static int protocol_refusal(struct MHD_Connection *conn, const char *version)
{
    hdr_scan h = {0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, hdr_iter, &h);
    if (h.transfer_encoding && !h.chunked_only)
        return h.transfer_encoding > 1 || h.content_length ? 400 : 501;
    if (h.transfer_encoding && h.content_length)
        return 400; /* which one frames the body is what smuggling exploits */
    if (h.content_length > 1)
        return 400;
    if (version && strcmp(version, MHD_HTTP_VERSION_1_1) == 0 && h.host != 1)
        return 400;
    return 0;
}

/* The first call for a request: its context, the checks that need only the
 * headers (protocol, route, Content-Length, the precheck) and the form parser. */
static enum MHD_Result on_headers(struct http_server *s, struct MHD_Connection *conn,
                                  const char *url, const char *method, const char *version,
                                  void **req_cls)
{
    http_ctx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return MHD_NO;
    *req_cls = c;
    c->req.started_us = mono_us();
    c->req.method = method;
    c->req.path = url;
    c->req.body = "";
    c->req.conn = conn;
    remote_addr(s, c, conn);
    MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, query_iter, c);
    set_phase(s, conn, 1);
    int refuse = protocol_refusal(conn, version);
    if (refuse || c->bad_form) {
        atomic_fetch_add(&st_protocol, 1);
        c->close_after = 1;
        c->early_status = refuse ? refuse : 400;
        return send_error(s, c, conn, c->early_status);
    }
    find_route(s, c, method, url);
    if (c->early_status)
        return send_error(s, c, conn, c->early_status);
    trygg_buf_init(&c->body, c->route->max_body + 1);
    const char *cl =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(cl, &end, 10);
        if (errno || *end || v > c->route->max_body)
            return send_error(s, c, conn, 413);
    }
    if (s->opt.precheck) {
        /* Before "100 Continue": e.g. a kiosk's token, so nobody uploads
         * a body that will be refused anyway. */
        int st = s->opt.precheck(s->ctx, c->route, &c->req, &c->early);
        if (st) {
            c->early_status = st;
            c->close_after = 1;
            if (c->early.status == 0) {
                http_resp_free(&c->early);
                return send_error(s, c, conn, st);
            }
            http_resp early = c->early;
            memset(&c->early, 0, sizeof c->early);
            return send_resp(s, c, conn, &early);
        }
    }
    const char *ct =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    /* Forms, and file uploads (a partner's CSV list): a file's content is
     * the value of its field; a file with a NUL byte is refused like %00. */
    if (ct && (strncasecmp(ct, MHD_HTTP_POST_ENCODING_FORM_URLENCODED,
                           strlen(MHD_HTTP_POST_ENCODING_FORM_URLENCODED)) == 0 ||
               strncasecmp(ct, MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA,
                           strlen(MHD_HTTP_POST_ENCODING_MULTIPART_FORMDATA)) == 0))
        c->pp = MHD_create_post_processor(conn, 4096, post_iter, c);
    return MHD_YES;
}

/* A piece of the body: kept (up to the route's max_body) and fed to the form
 * parser; past the cap it is counted and dropped, and the answer is 413. */
static enum MHD_Result on_body(http_ctx *c, const char *upload_data, size_t *upload_data_size)
{
    if (c->early_status) {
        /* Answered already; the body that still arrives is dropped (the
         * connection closes after the answer). */
        *upload_data_size = 0;
        return MHD_YES;
    }
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    if (!c->too_big) {
        trygg_err err = trygg_buf_add(&c->body, upload_data, n);
        if (err == TRYGG_ERR_NOMEM)
            return MHD_NO;
        if (err != TRYGG_OK) { /* past max_body */
            c->too_big = 1;
            trygg_buf_free(&c->body);
        }
    }
    if (c->too_big) {
        c->discarded += n;
        return c->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    if (c->pp && MHD_post_process(c->pp, upload_data, n) != MHD_YES) {
        /* Malformed form encoding: the handler sees no form fields. */
        MHD_destroy_post_processor(c->pp);
        c->pp = NULL;
        c->req.nform = 0;
    }
    return MHD_YES;
}

/* Calls the route's handler and sends its answer; a handler that waits
 * (http_resp.wait_ms) has its request put aside instead, and is called
 * again here when it is resumed. */
static enum MHD_Result run_handler(struct http_server *s, http_ctx *c, struct MHD_Connection *conn)
{
    for (;;) {
        if (c->wait_until_us && peer_gone(c->fd)) {
            /* Put aside, and nobody waits for the answer any more: the
             * handler is not called (it would take what is not asked). */
            c->close_after = 1;
            return send_error(s, c, conn, 408);
        }
        unsigned long long wakes = atomic_load(&s->wakes);
        if (atomic_load(&s->stop) || (c->wait_until_us && mono_us() >= c->wait_until_us))
            c->req.must_answer = 1;
        http_resp resp = {0};
        atomic_fetch_add(&st_busy, 1);
        c->route->handler(s->ctx, &c->req, &resp);
        atomic_fetch_sub(&st_busy, 1);
        if (resp.status == 0 && resp.wait_ms > 0 && !c->req.must_answer) {
            if (c->wait_until_us == 0) {
                c->wait_until_us =
                    mono_us() +
                    (int64_t)(resp.wait_ms < HTTP_WAIT_MAX_MS ? resp.wait_ms : HTTP_WAIT_MAX_MS) *
                        1000;
                const union MHD_ConnectionInfo *fi =
                    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
                c->fd = fi ? fi->connect_fd : -1;
            }
            http_resp_free(&resp);
            if (park(s, c, conn, wakes))
                return MHD_YES;
            continue; /* woken meanwhile (or stopping): look again */
        }
        if (resp.status == 0) {
            http_resp_free(&resp);
            return send_error(s, c, conn, 500);
        }
        return send_resp(s, c, conn, &resp);
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    struct http_server *s = cls;
    http_ctx *c = *req_cls;
    if (c == NULL)
        return on_headers(s, conn, url, method, version, req_cls);
    if (c->early_status || *upload_data_size > 0)
        return on_body(c, upload_data, upload_data_size);

    /* Whole request received: answer exactly once. */
    set_phase(s, conn, 2);
    if (c->too_big)
        return send_error(s, c, conn, 413);
    if (c->pp) {
        MHD_destroy_post_processor(c->pp); /* flushes the last field */
        c->pp = NULL;
    }
    if (c->bad_form) {
        atomic_fetch_add(&st_protocol, 1);
        c->close_after = 1;
        return send_error(s, c, conn, 400);
    }
    if (c->body.data) {
        c->req.body = trygg_buf_str(&c->body);
        c->req.body_len = c->body.len;
    }
    if (c->file_key) {
        c->req.file_field = c->file_key;
        c->req.file_data = trygg_buf_str(&c->file);
        c->req.file_len = c->file.len;
    }
    return run_handler(s, c, conn);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    set_phase(cls, conn, 0); /* the keep-alive wait counts as waiting for headers */
    http_ctx *c = *req_cls;
    if (c == NULL)
        return;
    http_resp_free(&c->early);
    if (c->pp)
        MHD_destroy_post_processor(c->pp);
    for (int i = 0; i < c->nstrs; i++)
        free(c->strs[i]);
    trygg_buf_free(&c->body);
    trygg_buf_free(&c->file);
    free(c->file_key);
    free(c);
    *req_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    TRYGG_WARN("http: %s", msg);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long sz = ftell(f);
        if (sz > 0 && sz < 1024 * 1024 && fseek(f, 0, SEEK_SET) == 0) {
            buf = malloc((size_t)sz + 1);
            if (buf) {
                len = fread(buf, 1, (size_t)sz, f);
                buf[len] = '\0';
            }
        }
    }
    fclose(f);
    return buf;
}

http_server *http_server_start(const http_options *opt, const http_route *routes, int nroutes,
                               void *ctx)
{
    struct http_server *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->routes = routes;
    s->nroutes = nroutes;
    s->ctx = ctx;
    s->opt = *opt;

    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->pmu, NULL);

    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    int threads = opt->threads > 0 ? opt->threads : 16;
    int maxconn = opt->max_connections > 0 ? opt->max_connections : 1024;
    /* Every connection is a file descriptor: make room for the limit. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)maxconn + 256 &&
        rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = (rlim_t)maxconn + 256 < rl.rlim_max ? (rlim_t)maxconn + 256 : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            TRYGG_WARN("http: cannot raise the open-file limit: %s", strerror(errno));
    }
    atomic_store(&st_threads, threads);
    atomic_store(&st_maxconn, maxconn);
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    struct MHD_OptionItem ops[20];
    int n = 0;
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, s};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
                                       opt->conn_timeout_s > 0 ? opt->conn_timeout_s : 30, NULL};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, maxconn, NULL};
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
    if (opt->use_listen_fd) {
        ops[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, opt->listen_fd, NULL};
    } else {
        const char *bind = opt->bind && *opt->bind ? opt->bind : "127.0.0.1";
        memset(&sin, 0, sizeof sin);
        memset(&sin6, 0, sizeof sin6);
        if (inet_pton(AF_INET, bind, &sin.sin_addr) == 1) {
            sin.sin_family = AF_INET;
            sin.sin_port = htons((uint16_t)opt->port);
            ops[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &sin};
        } else if (inet_pton(AF_INET6, bind, &sin6.sin6_addr) == 1) {
            sin6.sin6_family = AF_INET6;
            sin6.sin6_port = htons((uint16_t)opt->port);
            ops[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &sin6};
            flags |= MHD_USE_IPv6;
        } else {
            TRYGG_ERR("http: bind address '%s' is not an IP address", bind);
            free(s);
            return NULL;
        }
    }
    if (opt->tls_cert && opt->tls_cert[0]) {
        s->cert_pem = read_file(opt->tls_cert);
        s->key_pem = read_file(opt->tls_key);
        if (s->cert_pem == NULL || s->key_pem == NULL) {
            TRYGG_ERR("http: cannot read TLS certificate %s or key %s", opt->tls_cert,
                      opt->tls_key ? opt->tls_key : "(none)");
            free(s->cert_pem);
            free(s->key_pem);
            free(s);
            return NULL;
        }
        flags |= MHD_USE_TLS;
        ops[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert_pem};
        ops[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, s->key_pem};
        ops[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
                                           "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1:-VERS-SSL3.0"};
    }
    ops[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

    /* The logger must be the first option, or early messages bypass it. */
    s->d = MHD_start_daemon(flags, (uint16_t)opt->port, on_accept, s, on_request, s,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_ARRAY, ops,
                            MHD_OPTION_END);
    if (s->d == NULL) {
        TRYGG_ERR("http: cannot listen on %s:%d (%s)", opt->bind ? opt->bind : "127.0.0.1",
                  opt->port, strerror(errno));
        free(s->cert_pem);
        free(s->key_pem);
        pthread_mutex_destroy(&s->mu);
        pthread_mutex_destroy(&s->pmu);
        free(s);
        return NULL;
    }
    if (pthread_create(&s->watchdog, NULL, watchdog, s) == 0)
        s->watchdog_running = 1;
    else
        TRYGG_WARN("http: no deadline watchdog: %s", strerror(errno));
    return s;
}

int http_server_port(const http_server *s)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    return di ? (int)di->port : -1;
}

void http_server_stop(http_server *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->pmu); /* no request is put aside from here on */
    atomic_store(&s->stop, 1);
    pthread_mutex_unlock(&s->pmu);
    unpark(s, -1); /* the long polls answer (must_answer) */
    if (s->watchdog_running)
        pthread_join(s->watchdog, NULL);
    MHD_stop_daemon(s->d);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->pmu);
    free(s->cert_pem);
    free(s->key_pem);
    free(s);
}
