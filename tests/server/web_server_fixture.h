/*
 * web_server_fixture.h — the staff web UI in-process on a fresh store in a
 * temporary directory: the set-up the web tests share (test_web_http,
 * test_web_bulk, test_web_dups, test_web_templates). wsf_open makes the
 * directory, the server context (Swedish/English catalogs, the built-in
 * routing) and the store; the test adds its recipients, users and items;
 * wsf_listen starts the HTTP server on a free loopback port (wc_port);
 * wsf_close undoes it all. Include after web_client.h and web.h.
 */
#ifndef TRYGG_TEST_WEB_SERVER_FIXTURE_H
#define TRYGG_TEST_WEB_SERVER_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/paths.h"
#include "trygg/route.h"
#include "trygg/secret.h"
#include "web.h"
#include "web_client.h"

static inline void wsf_open(server_ctx *ctx, trygg_store **st, char dir[256], const char *name)
{
    assert_int_equal(trygg_secret_init(), TRYGG_OK);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(dir, 256, "%s/trygg-%s-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : P_tmpdir, name);
    assert_non_null(mkdtemp(dir));
    memset(ctx, 0, sizeof *ctx);
    snprintf(ctx->cfg.db_path, sizeof ctx->cfg.db_path, "%s/trygg.db", dir);
    snprintf(ctx->cfg.data_dir, sizeof ctx->cfg.data_dir, "%s", dir);
    ctx->cfg.session_minutes = 30;
    char cat[1024], err[256];
    assert_int_equal(trygg_asset_path("i18n/web", cat, sizeof cat), TRYGG_OK);
    assert_int_equal(trygg_i18n_load(cat, &ctx->web_text, err, sizeof err), TRYGG_OK);
    assert_int_equal(trygg_routes_default(&ctx->routes), TRYGG_OK);
    assert_int_equal(trygg_store_open(ctx->cfg.db_path, st), TRYGG_OK);
}

/* A recipient with an e-mail address (name@example.se). */
static inline void wsf_dest(trygg_store *st, const char *name, const char *label, int full)
{
    trygg_destination d;
    memset(&d, 0, sizeof d);
    snprintf(d.name, sizeof d.name, "%s", name);
    snprintf(d.label, sizeof d.label, "%s", label);
    snprintf(d.email, sizeof d.email, "%s@example.se", name);
    d.full_access = full;
    assert_int_equal(trygg_store_dest_put(st, &d), TRYGG_OK);
}

/* A user with `password` (dest: the recipient of a destination user, or NULL). */
static inline void wsf_user(trygg_store *st, const char *name, const char *display,
                            const char *role, const char *dest, const char *password)
{
    trygg_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.username, sizeof u.username, "%s", name);
    snprintf(u.display, sizeof u.display, "%s", display);
    snprintf(u.role, sizeof u.role, "%s", role);
    snprintf(u.destination, sizeof u.destination, "%s", dest ? dest : "");
    assert_int_equal(trygg_store_user_add(st, &u, password), TRYGG_OK);
}

static inline http_server *wsf_listen(server_ctx *ctx)
{
    http_options opt;
    memset(&opt, 0, sizeof opt);
    opt.bind = "127.0.0.1";
    opt.threads = 2;
    opt.conn_timeout_s = 10;
    opt.max_connections = 32;
    http_server *srv = http_server_start(&opt, web_routes, web_nroutes, ctx);
    assert_non_null(srv);
    wc_port = http_server_port(srv);
    assert_true(wc_port > 0);
    return srv;
}

static inline void wsf_close(http_server *srv, server_ctx *ctx, trygg_store *st, const char *dir)
{
    http_server_stop(srv);
    trygg_store_close(st);
    trygg_i18n_free(ctx->web_text);
    trygg_routes_free(ctx->routes);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    curl_global_cleanup();
}

#endif
