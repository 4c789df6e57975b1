/*
 * server.h — what every server module shares: the configuration, the
 * process-wide state (routing rules, catalogs) and per-thread store handles.
 *
 * Modules:
 *   http_mhd.c    the only libmicrohttpd file (http.h)
 *   main.c        config, start-up (-n check), signals, privilege drop, workers
 *   api.c         kiosk API  /api/v1/...          (api_routes)
 *   api_gateway.c SMS gateway API /api/v1/gateway/... (gateway_routes)
 *   api_common.c  bearer token, JSON body and error answers of both APIs
 *   open311.c     GeoReport v2 /open311/v2/...    (open311_routes)
 *   ops.c         /healthz, /metrics              (ops_routes)
 *   forward.c     notification outbox worker: SMTP e-mail, signed webhooks
 *   intake.c      routing + group commit of new items (kiosk API, Open311)
 *   core.c        server_ctx loading (shared with tests), store handle pool, purge thread
 *   config.c      server.ini: this struct plus categories/areas (config.h)
 *   web_*.c       staff web UI                    (web_routes)
 * Each route module exports `const http_route X_routes[]` and `const int X_nroutes`;
 * main.c concatenates them. Read first: struct server_ctx, server_store().
 */
#ifndef TRYGG_SERVER_H
#define TRYGG_SERVER_H

#include <stdint.h>
#include "http.h"
#include "trygg/store.h"
#include "trygg/route.h"
#include "trygg/i18n.h"

typedef struct server_config {
    char config_file[512];
    char data_dir[512];
    char db_path[512];
    char keys_dir[512];     /* pseudonym.key, number.key (public half used) */
    char routing_file[512]; /* routing.ini; "" = built-in defaults */
    char bind[64];
    int port;
    char tls_cert[512], tls_key[512];
    char public_url[256]; /* how staff reach the UI, for links in e-mails */
    int session_minutes;  /* staff session expiry */
    int small_count;      /* situation picture: counts below this show "<N" */
    /* [report]: who gets the situation picture's internal view (exact
     * counts): roles, and destination names whose users get it. */
    char report_internal_roles[256];
    char report_internal_destinations[256];
    int before_after_weeks; /* [report]: weeks before/after a measure's start (default 8) */
    char smtp_url[256];     /* smtp://host:port or smtps://...; "" = no e-mail */
    char smtp_from[256];
    char smtp_user[128], smtp_password[128];
    int smtp_starttls;           /* 1 = require STARTTLS on smtp:// */
    int forward_max_attempts;    /* then dead-letter */
    int forward_poll_s;          /* between two looks at the forward outbox */
    int forward_lease_s;         /* a claimed forward's lease, renewed while sending */
    char user[64];               /* drop privileges to this user after bind ("" = no) */
    char police_events_url[512]; /* optional public events feed ("" = off) */
    /* Added by the server core (additive): categories, areas, Open311 keys,
     * mail templates, retention, connection limits (config.h). Owned by
     * config_load/config_free; NULL before loading. */
    struct server_catalog *catalog;
} server_config;

typedef struct server_ctx {
    server_config cfg;
    trygg_routes *routes;
    trygg_i18n *web_text;        /* assets/i18n/web */
    struct replies *sms_replies; /* the SMS dialog's texts (server.ini [sms]) */
    unsigned char pseudo_key[32];
    unsigned char number_pk[32]; /* public half only: the server can't decrypt numbers */
    int64_t started;
    /* This process among every worker of the queue ("server@host:pid"): the
     * owner name of its outbox and job leases (store.h "Leases"). */
    char instance[96];
    volatile int stopping;
    struct rl_table *open311_limit; /* anonymous Open311 intake per address */
    struct rl_table *status_limit;  /* public status page look-ups per address */
} server_ctx;

/* The calling thread's store handle, opened on first use (one per thread,
 * closed at thread exit). NULL if the database cannot be opened (logged). */
trygg_store *server_store(server_ctx *ctx);
/* Closes every pooled store handle (at shutdown, after all threads stopped). */
void server_store_shutdown(void);

/* Route tables of each module (defined in their .c files). */
extern const http_route api_routes[];
extern const int api_nroutes;
extern const http_route open311_routes[];
extern const int open311_nroutes;
/* An error the HTTP layer answers itself, on an Open311 path: the spec's
 * error list in the path's format. */
void open311_error_body(void *ctx, const http_req *req, int status, http_resp *resp);
extern const http_route ops_routes[];
extern const int ops_nroutes;
extern const http_route web_routes[];
extern const int web_nroutes;

#endif
