/*
 * core.h — setting up and tearing down a server_ctx, shared by main.c and
 * the in-process integration tests: load config, routing rules, keys and
 * catalogs; the per-thread store pool (server_store in server.h); the route
 * table of all modules; the daily retention purge thread.
 * Read first: core_load.
 */
#ifndef TRYGG_SERVER_CORE_H
#define TRYGG_SERVER_CORE_H

#include "server.h"

/* Loads config_path into *ctx (zeroed first): server.ini, routing rules,
 * keys, web catalogs. check_only = 1 (trygg-server -n) also checks that the
 * database exists and opens it without serving. Every problem is printed to
 * stderr as "file:line: message". Returns the number of problems (0 = ok). */
int core_load(server_ctx *ctx, const char *config_path, int check_only);
void core_free(server_ctx *ctx);
/* 1 (after printing the file, the reason and the fix to stderr) if this
 * process can read the gateway's secret number key <keys_dir>/number.key,
 * else 0. core_load calls it, except as root with `user =` set: main.c then
 * calls it after dropping privileges. */
int core_check_number_key(const server_ctx *ctx);

/* Every module's routes in match order (api, open311, ops, web last);
 * malloc'd array the caller frees; *n gets the count. */
http_route *core_routes(int *n);

/* Fills http_options from the config. */
void core_http_options(const server_ctx *ctx, http_options *opt);

/* Daily retention purge (trygg_store_purge) on its own thread; the first
 * run is a minute after start. */
int core_purge_start(server_ctx *ctx);
void core_purge_stop(void);

#endif
