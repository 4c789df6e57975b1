/*
 * main.c — trygg-server: start-up, `-n` config check, signals, privilege
 * drop, workers. Everything else lives in the modules listed in server.h.
 *
 *   trygg-server -c /etc/trygg/server.ini      serve
 *   trygg-server -n -c /etc/trygg/server.ini   check config, routing, keys, database; exit
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core.h"
#include "deadline.h"
#include "forward.h"
#include "intake.h"
#include "reply_wait.h"
#include "report_web.h"
#include "trygg/route.h"
#include "trygg/log.h"
#include "trygg/secret.h"

static void usage(void)
{
    fprintf(stderr, "usage: trygg-server [-n] -c server.ini\n"
                    "  -c FILE  configuration file\n"
                    "  -n       check the configuration, routing rules, keys and database,"
                    " then exit\n"
                    "  -V       print the version\n");
}

/* Binds the listening socket ourselves so root can be dropped before the
 * HTTP library (and any database file) is touched. -1 on failure. */
static int bind_socket(const char *addr, int port)
{
    struct sockaddr_in sin = {0};
    struct sockaddr_in6 sin6 = {0};
    int fd = -1, one = 1;
    if (inet_pton(AF_INET, addr, &sin.sin_addr) == 1) {
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)port);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0)
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
            goto fail;
    } else if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) == 1) {
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons((uint16_t)port);
        fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0)
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (fd >= 0 && bind(fd, (struct sockaddr *)&sin6, sizeof sin6) != 0)
            goto fail;
    } else {
        TRYGG_ERR("bind address '%s' is not an IP address", addr);
        return -1;
    }
    if (fd < 0 || listen(fd, 128) != 0)
        goto fail;
    return fd;
fail:
    TRYGG_ERR("cannot listen on %s:%d: %s", addr, port, strerror(errno));
    if (fd >= 0)
        close(fd);
    return -1;
}

static int drop_privileges(const char *user)
{
    struct passwd *pw = getpwnam(user);
    if (pw == NULL) {
        TRYGG_ERR("no such user '%s'", user);
        return -1;
    }
    if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        TRYGG_ERR("cannot drop privileges to '%s': %s", user, strerror(errno));
        return -1;
    }
    if (setuid(0) == 0) {
        TRYGG_ERR("privileges not dropped: could regain root");
        return -1;
    }
    TRYGG_INFO("running as user %s", user);
    return 0;
}

/* Reads the command line. Returns -1 to go on, otherwise the exit code. */
static int parse_args(int argc, char **argv, const char **cfg_path, int *check)
{
    int opt;
    while ((opt = getopt(argc, argv, "c:nVh")) != -1) {
        switch (opt) {
        case 'c':
            *cfg_path = optarg;
            break;
        case 'n':
            *check = 1;
            break;
        case 'V':
            printf("trygg-server %s\n", TRYGG_VERSION);
            return 0;
        default:
            usage();
            return opt == 'h' ? 0 : 2;
        }
    }
    if (*cfg_path == NULL || optind != argc) {
        usage();
        return 2;
    }
    return -1;
}

/* Loads the configuration (and, with -n, reports on it). Returns -1 to go on
 * serving, otherwise the exit code; ctx is freed unless -1 is returned. */
static int load_config(server_ctx *ctx, const char *cfg_path, int check)
{
    int bad = core_load(ctx, cfg_path, check);
    const char *warn[TRYGG_ROUTES_WARNINGS_MAX];
    int nwarn = bad == 0 ? trygg_routes_warnings(ctx->routes, warn, TRYGG_ROUTES_WARNINGS_MAX) : 0;
    for (int i = 0; i < nwarn; i++)
        TRYGG_WARN("%s", warn[i]);
    if (check) {
        if (bad == 0)
            printf("%s: configuration ok\n", cfg_path);
        for (int i = 0; i < nwarn; i++)
            printf("%s: %s\n", cfg_path, warn[i]);
        core_free(ctx);
        return bad ? 1 : 0;
    }
    if (bad) {
        core_free(ctx);
        return 1;
    }
    return -1;
}

/* Signals are handled by sigwait in the main thread only. */
static void block_signals(sigset_t *sigs)
{
    sigemptyset(sigs);
    sigaddset(sigs, SIGTERM);
    sigaddset(sigs, SIGINT);
    sigaddset(sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* As root with 'user =' set: binds the socket, then drops root. -1 on failure. */
static int bind_and_drop(server_ctx *ctx, http_options *hopt)
{
    if (ctx->cfg.user[0] && geteuid() == 0) {
        hopt->listen_fd = bind_socket(ctx->cfg.bind, ctx->cfg.port);
        hopt->use_listen_fd = 1;
        if (hopt->listen_fd < 0 || drop_privileges(ctx->cfg.user) != 0 ||
            core_check_number_key(ctx) != 0)
            return -1;
    } else if (ctx->cfg.user[0]) {
        TRYGG_INFO("not root: 'user = %s' ignored", ctx->cfg.user);
    }
    return 0;
}

/* Starts the workers and the HTTP server; *http stays NULL on failure. */
static int start_workers(server_ctx *ctx, const http_options *hopt, http_route *routes, int nroutes,
                         http_server **http)
{
    if (routes == NULL || intake_start(ctx) != 0)
        return -1;
    if (forward_worker_start(ctx) != 0)
        return -1;
    if (core_purge_start(ctx) != 0)
        return -1;
    if (deadline_start(ctx) != 0) /* due dates, the daily overdue mail */
        return -1;
    if (report_start(ctx) != 0) /* availability log triggers, police events fetch */
        return -1;
    *http = http_server_start(hopt, routes, nroutes, ctx);
    if (*http == NULL)
        return -1;
    if (reply_wait_start(ctx, *http) != 0) /* the gateways' waiting claims */
        return -1;
    TRYGG_INFO("trygg-server %s listening on %s:%d%s", TRYGG_VERSION, ctx->cfg.bind,
               http_server_port(*http), ctx->cfg.tls_cert[0] ? " (TLS)" : "");
    return 0;
}

/* Waits for SIGTERM or SIGINT; SIGHUP is logged and ignored. */
static void wait_for_stop(const sigset_t *sigs)
{
    for (;;) {
        int sig = 0;
        if (sigwait(sigs, &sig) != 0)
            break;
        if (sig == SIGHUP) {
            TRYGG_INFO("SIGHUP ignored: restart the service to reload the configuration");
            continue;
        }
        TRYGG_INFO("signal %d: stopping", sig);
        break;
    }
}

/* Stops everything start_workers started (each stop is safe if never started). */
static void shutdown_server(server_ctx *ctx, http_server *http, http_route *routes,
                            const http_options *hopt)
{
    ctx->stopping = 1;
    reply_wait_stop(); /* before the HTTP server it wakes */
    http_server_stop(http);
    core_purge_stop();
    deadline_stop();
    report_stop();
    forward_worker_stop();
    intake_stop();
    server_store_shutdown();
    free(routes);
    core_free(ctx);
    if (http == NULL && hopt->use_listen_fd && hopt->listen_fd >= 0)
        close(hopt->listen_fd); /* otherwise closed by the HTTP library */
}

int main(int argc, char **argv)
{
    const char *cfg_path = NULL;
    int check = 0;
    int rc = parse_args(argc, argv, &cfg_path, &check);
    if (rc >= 0)
        return rc;
    trygg_log_init("server");
    if (trygg_secret_init() != TRYGG_OK) {
        TRYGG_ERR("libsodium failed to initialise");
        return 1;
    }

    static server_ctx ctx;
    rc = load_config(&ctx, cfg_path, check);
    if (rc >= 0)
        return rc;

    sigset_t sigs;
    block_signals(&sigs);

    http_options hopt;
    core_http_options(&ctx, &hopt);
    /* Open (and migrate) the database before accepting requests. */
    if (bind_and_drop(&ctx, &hopt) != 0 || server_store(&ctx) == NULL) {
        core_free(&ctx);
        return 1;
    }

    int nroutes = 0;
    http_route *routes = core_routes(&nroutes);
    http_server *http = NULL;
    rc = 1;
    if (start_workers(&ctx, &hopt, routes, nroutes, &http) == 0) {
        wait_for_stop(&sigs);
        rc = 0;
    }
    shutdown_server(&ctx, http, routes, &hopt);
    return rc;
}
