/*
 * core.c — server_ctx set-up, the store handle pool and the purge thread.
 */
#include "worker.h"
#include "core.h"

#include "api.h"
#include "api_gateway.h"
#include "report_web.h"
#include "web.h"
#include "web_status.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ops.h"
#include "ratelimit.h"
#include "sms/sms_replies.h"
#include "trygg/log.h"
#include "trygg/paths.h"
#include "trygg/secret.h"

/* ---- store handles: one per thread, recycled through a pool ---------------- */

#define POOL_MAX 64

static pthread_key_t store_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static trygg_store *pool[POOL_MAX];
static int npool;

static void store_release(void *p)
{
    trygg_store *st = p;
    pthread_mutex_lock(&pool_mu);
    if (npool < POOL_MAX) {
        pool[npool++] = st;
        st = NULL;
    }
    pthread_mutex_unlock(&pool_mu);
    if (st)
        trygg_store_close(st);
}

static void store_key_make(void)
{
    pthread_key_create(&store_key, store_release);
}

trygg_store *server_store(server_ctx *ctx)
{
    pthread_once(&store_once, store_key_make);
    trygg_store *st = pthread_getspecific(store_key);
    if (st)
        return st;
    pthread_mutex_lock(&pool_mu);
    if (npool > 0)
        st = pool[--npool];
    pthread_mutex_unlock(&pool_mu);
    if (st == NULL) {
        trygg_err rc = trygg_store_open(ctx->cfg.db_path, &st);
        if (rc != TRYGG_OK) {
            TRYGG_ERR("cannot open database %s: %s", trygg_store_label(ctx->cfg.db_path),
                      trygg_strerror(rc));
            return NULL;
        }
        for (int k = 0; ctx->cfg.catalog && k < TRYGG_KIND_COUNT; k++)
            if (ctx->cfg.catalog->retention[k] > 0)
                trygg_store_set_retention(st, (trygg_kind)k, ctx->cfg.catalog->retention[k]);
    }
    pthread_setspecific(store_key, st);
    return st;
}

void server_store_shutdown(void)
{
    pthread_once(&store_once, store_key_make);
    trygg_store *mine = pthread_getspecific(store_key);
    if (mine) {
        pthread_setspecific(store_key, NULL);
        trygg_store_close(mine);
    }
    pthread_mutex_lock(&pool_mu);
    for (int i = 0; i < npool; i++)
        trygg_store_close(pool[i]);
    npool = 0;
    pthread_mutex_unlock(&pool_mu);
}

/* ---- loading ------------------------------------------------------------------ */

static int file_exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

int core_check_number_key(const server_ctx *ctx)
{
    /* The server only ever holds the public half (number.pub). The key pair
     * number.key is the gateway's: if this process can read it, the web
     * server could decrypt every stored number, so it refuses to start. */
    char p[600];
    snprintf(p, sizeof p, "%s/number.key", ctx->cfg.keys_dir);
    if (access(p, R_OK) != 0)
        return 0;
    fprintf(stderr,
            "%s:0: trygg-server can read the gateway's secret number key; only trygg-smsgw may "
            "read it. The server needs only keys/number.pub: make number.key unreadable for the "
            "server (InaccessiblePaths= in trygg-server.service) or move it to a directory only "
            "trygg-smsgw reads (smsgw.ini number_key); see docs/server.md\n",
            p);
    return 1;
}

static int load_keys(server_ctx *ctx)
{
    char p[600];
    int bad = 0;
    snprintf(p, sizeof p, "%s/pseudonym.key", ctx->cfg.keys_dir);
    trygg_err rc = trygg_key_read(p, ctx->pseudo_key, sizeof ctx->pseudo_key);
    if (rc != TRYGG_OK) {
        fprintf(stderr,
                "%s:0: key missing, unreadable or readable by others (%s); create it with tryggctl "
                "init (mode 0600)\n",
                p, trygg_strerror(rc));
        bad++;
    }
    /* As root with `user =`, the check waits until privileges are dropped
     * (main.c): root can read every file. */
    if (!(ctx->cfg.user[0] && geteuid() == 0))
        bad += core_check_number_key(ctx);
    snprintf(p, sizeof p, "%s/number.pub", ctx->cfg.keys_dir);
    rc = trygg_numkey_pub_read(p, ctx->number_pk);
    if (rc != TRYGG_OK)
        TRYGG_WARN("number key %s: %s (not needed by the server)", p, trygg_strerror(rc));
    return bad;
}

/* ctx->instance = "server@host:pid", the owner name of this process's leases. */
static void set_instance(server_ctx *ctx)
{
    char host[64] = "";
    if (gethostname(host, sizeof host) != 0 || !host[0])
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    snprintf(ctx->instance, sizeof ctx->instance, "server@%.63s:%ld", host, (long)getpid());
}

/* The SMS dialog's texts with server.ini's [sms] settings; 1 on error. */
static int load_sms_texts(server_ctx *ctx, const char *config_path)
{
    const server_catalog *k = ctx->cfg.catalog;
    char err[256] = "";
    trygg_err rc = replies_load(k->sms_catalogs[0] ? k->sms_catalogs : NULL, &k->sms,
                                &ctx->sms_replies, err, sizeof err);
    if (rc == TRYGG_OK)
        return 0;
    fprintf(stderr, "%s:0: SMS texts: %s\n", config_path, err[0] ? err : trygg_strerror(rc));
    ctx->sms_replies = NULL;
    return 1;
}

/* -n: the database, the TLS files; the number of problems found. */
static int check_files(const server_ctx *ctx)
{
    int bad = 0;
    if (!trygg_store_is_postgresql(ctx->cfg.db_path) && !file_exists(ctx->cfg.db_path)) {
        fprintf(stderr, "%s:0: database missing (create it with tryggctl init)\n",
                ctx->cfg.db_path);
        bad++;
    } else {
        trygg_store *st = NULL;
        trygg_err rc = trygg_store_open(ctx->cfg.db_path, &st);
        if (rc != TRYGG_OK) {
            fprintf(stderr, "%s:0: %s\n", trygg_store_label(ctx->cfg.db_path), trygg_strerror(rc));
            bad++;
        }
        trygg_store_close(st);
    }
    if (ctx->cfg.tls_cert[0] && access(ctx->cfg.tls_cert, R_OK) != 0) {
        fprintf(stderr, "%s:0: TLS certificate unreadable: %s\n", ctx->cfg.tls_cert,
                strerror(errno));
        bad++;
    }
    if (ctx->cfg.tls_key[0] && access(ctx->cfg.tls_key, R_OK) != 0) {
        fprintf(stderr, "%s:0: TLS key unreadable: %s\n", ctx->cfg.tls_key, strerror(errno));
        bad++;
    }
    return bad;
}

int core_load(server_ctx *ctx, const char *config_path, int check_only)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->started = (int64_t)time(NULL);
    set_instance(ctx);
    int bad = 0;
    trygg_cfg_error errs[32];
    int nerr = 0;
    trygg_err rc = config_load(config_path, &ctx->cfg, errs, 32, &nerr);
    for (int i = 0; i < nerr; i++)
        fprintf(stderr, "%s:%d: %s\n", errs[i].file, errs[i].line, errs[i].msg);
    if (rc != TRYGG_OK) {
        if (nerr == 0)
            fprintf(stderr, "%s:0: %s\n", config_path, trygg_strerror(rc));
        return nerr > 0 ? nerr : 1;
    }

    if (ctx->cfg.catalog)
        ctx->open311_limit =
            rl_new(4096, ctx->cfg.catalog->open311_per_minute, ctx->cfg.catalog->open311_burst);
    ctx->status_limit = ctx->cfg.catalog ? rl_new(4096, ctx->cfg.catalog->status_per_minute,
                                                  ctx->cfg.catalog->status_burst)
                                         : rl_new(4096, STATUS_PER_MINUTE, STATUS_BURST);

    if (file_exists(ctx->cfg.routing_file)) {
        int nr = 0;
        rc = trygg_routes_load(ctx->cfg.routing_file, &ctx->routes, errs, 32, &nr);
        for (int i = 0; i < nr; i++)
            fprintf(stderr, "%s:%d: %s\n", errs[i].file, errs[i].line, errs[i].msg);
        if (rc != TRYGG_OK) {
            if (nr == 0)
                fprintf(stderr, "%s:0: %s\n", ctx->cfg.routing_file, trygg_strerror(rc));
            bad += nr > 0 ? nr : 1;
        }
    } else {
        TRYGG_WARN("no routing file %s: using the built-in default rules", ctx->cfg.routing_file);
        ctx->cfg.routing_file[0] = '\0';
        rc = trygg_routes_default(&ctx->routes);
        if (rc != TRYGG_OK) {
            fprintf(stderr, "routing defaults: %s\n", trygg_strerror(rc));
            bad++;
        }
    }

    bad += load_keys(ctx);

    char dir[600];
    if (trygg_asset_path("i18n/web", dir, sizeof dir) == TRYGG_OK && file_exists(dir)) {
        char err[256] = "";
        rc = trygg_i18n_load(dir, &ctx->web_text, err, sizeof err);
        if (rc != TRYGG_OK) {
            fprintf(stderr, "%s\n", err[0] ? err : trygg_strerror(rc));
            bad++;
        }
    } else {
        TRYGG_WARN("no web catalogs in %s", dir);
    }

    bad += load_sms_texts(ctx, config_path);

    if (!check_only && bad == 0 && ctx->routes) {
        /* Recipients are declared in the routing config: the database's
         * destinations follow it (route.h, trygg_routes_sync_store). */
        trygg_store *st = server_store(ctx);
        int removed = 0;
        rc = st ? trygg_routes_sync_store(ctx->routes, st, &removed) : TRYGG_ERR_DB;
        if (rc != TRYGG_OK) {
            fprintf(stderr, "%s:0: recipients from the routing config: %s\n",
                    trygg_store_label(ctx->cfg.db_path), trygg_strerror(rc));
            bad++;
        } else if (removed > 0) {
            TRYGG_WARN("%d recipient(s) not in the routing config removed from the database",
                       removed);
        }
    }

    if (check_only)
        bad += check_files(ctx);
    return bad;
}

void core_free(server_ctx *ctx)
{
    rl_free(ctx->open311_limit);
    rl_free(ctx->status_limit);
    ctx->status_limit = NULL;
    ctx->open311_limit = NULL;
    trygg_routes_free(ctx->routes);
    ctx->routes = NULL;
    if (ctx->web_text)
        trygg_i18n_free(ctx->web_text);
    ctx->web_text = NULL;
    replies_free(ctx->sms_replies);
    ctx->sms_replies = NULL;
    config_free(&ctx->cfg);
}

http_route *core_routes(int *n)
{
    const http_route *tabs[] = {api_routes,    open311_routes,       ops_routes,     web_routes,
                                report_routes, report_period_routes, gateway_routes, status_routes};
    const int counts[] = {api_nroutes,    open311_nroutes,       ops_nroutes,     web_nroutes,
                          report_nroutes, report_period_nroutes, gateway_nroutes, status_nroutes};
    enum { NTABS = sizeof counts / sizeof counts[0] };
    int total = 0;
    for (int i = 0; i < NTABS; i++)
        total += counts[i];
    http_route *all = calloc((size_t)total + 1, sizeof *all);
    if (all == NULL)
        return NULL;
    int k = 0;
    for (int i = 0; i < NTABS; i++)
        for (int j = 0; j < counts[i]; j++)
            all[k++] = tabs[i][j];
    *n = k;
    return all;
}

void core_http_options(const server_ctx *ctx, http_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->bind = ctx->cfg.bind;
    opt->port = ctx->cfg.port;
    opt->tls_cert = ctx->cfg.tls_cert[0] ? ctx->cfg.tls_cert : NULL;
    opt->tls_key = ctx->cfg.tls_key[0] ? ctx->cfg.tls_key : NULL;
    const server_catalog *k = ctx->cfg.catalog;
    opt->threads = k ? k->threads : 0;
    opt->conn_timeout_s = k ? k->conn_timeout : 30;
    opt->max_connections = k ? k->max_connections : 0;
    opt->trust_proxy = k ? k->trust_proxy : 0;
    /* -1 in the config (not set) means the server's default. */
    opt->per_ip_limit =
        k && k->per_ip_connections >= 0 ? (k->per_ip_connections ? k->per_ip_connections : -1) : 0;
    opt->header_deadline_s = k ? k->header_deadline : 0;
    opt->body_deadline_s = k ? k->body_deadline : 0;
    opt->precheck = api_precheck;
    opt->error_body = open311_error_body;
    opt->observe = ops_observe;
}

/* ---- retention purge ------------------------------------------------------------ */

static worker purge = WORKER_INIT;

/* One pass; the next in a day, or in an hour after a failure or while
 * another server purges. */
static int64_t purge_job(void *arg)
{
    server_ctx *ctx = arg;
    trygg_store *st = server_store(ctx);
    int n = 0;
    int64_t now = (int64_t)time(NULL);
    /* One purge at a time across every server of the queue. */
    trygg_err rc = st ? trygg_store_job_lease(st, "purge", ctx->instance, now, 3600) : TRYGG_ERR_DB;
    if (rc == TRYGG_ERR_BUSY) {
        TRYGG_INFO("retention purge: another server is purging; checking again in an hour");
        return 3600;
    }
    if (rc == TRYGG_OK) {
        rc = trygg_store_purge(st, now, &n);
        /* Staff sessions past their idle time or age, and old login
         * failures (they name users and addresses). */
        int64_t idle = (int64_t)(ctx->cfg.session_minutes > 0 ? ctx->cfg.session_minutes : 30) * 60;
        int ns = 0;
        if (rc == TRYGG_OK)
            rc = trygg_store_session_purge(st, now - idle, now - WEB_SESSION_MAX_AGE, &ns);
        if (trygg_store_job_release(st, "purge", ctx->instance) != TRYGG_OK)
            TRYGG_WARN("retention purge: releasing the job lease failed: %s",
                       trygg_store_errmsg(st));
    }
    if (rc == TRYGG_OK) {
        TRYGG_INFO("retention purge: %d items purged", n);
        return 24 * 3600;
    }
    TRYGG_ERR("retention purge failed: %s (%s); retrying in an hour", trygg_strerror(rc),
              st ? trygg_store_errmsg(st) : "");
    return 3600;
}

int core_purge_start(server_ctx *ctx)
{
    return worker_start(&purge, purge_job, ctx, 60);
}

void core_purge_stop(void)
{
    worker_stop(&purge);
}
