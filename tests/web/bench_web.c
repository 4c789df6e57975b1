/*
 * bench_web.c — staff UI latency at scale: fills a database with N items
 * (default 1,000,000; reused if the file exists), serves web_routes over
 * loopback, logs in and measures p50/p95 of the queue (first page, a filter,
 * a full-text search, a deep keyset page) and of item pages.
 *
 * Usage: bench_web DB_PATH [N_ITEMS] [REQUESTS]
 */
#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server.h"
#include "trygg/paths.h"
#include "trygg/secret.h"
#include "web.h"

#define PASSWORD "bench password 12345"

static const char *const areas[] = {"Centrum", "Göta", "Ström", "Hjärtum", "Nygård", "Lödöse"};
static const char *const cats[] = {"lighting", "graffiti", "litter",
                                   "drugs",    "violence", "traffic"};
static const char *const words[] = {"lampan", "klotter", "skräp",  "bråk", "bilar",
                                    "mörkt",  "trappan", "parken", "bron", "busskuren"};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void fill(trygg_store *st, long n)
{
    double t0 = now_ms();
    int64_t base = (int64_t)time(NULL) - 365 * 86400;
    long done = 0;
    srand(42);
    while (done < n) {
        if (trygg_store_begin(st) != TRYGG_OK)
            exit(1);
        for (int i = 0; i < 5000 && done < n; i++, done++) {
            trygg_item it, out;
            trygg_item_init(&it);
            snprintf(it.client_key, sizeof it.client_key, "bench-%ld", done);
            it.kind = (trygg_kind)(done % 3 == 0 ? TRYGG_KIND_FAULT : TRYGG_KIND_CONCERN);
            it.channel = TRYGG_CHANNEL_KIOSK;
            snprintf(it.source, sizeof it.source, "bibl-%ld", done % 7);
            snprintf(it.area, sizeof it.area, "%s", areas[rand() % 6]);
            snprintf(it.category, sizeof it.category, "%s", cats[rand() % 6]);
            snprintf(it.destination, sizeof it.destination, "%s",
                     it.kind == TRYGG_KIND_FAULT ? "streets" : "security");
            snprintf(it.text, sizeof it.text, "Ärende %ld: %s vid %s, %s igen.", done,
                     words[rand() % 10], words[rand() % 10], words[rand() % 10]);
            it.urgent = (done % 997) == 0;
            it.created = base + (int64_t)done * (365 * 86400) / n;
            int created;
            if (trygg_store_submit(st, &it, &out, &created) != TRYGG_OK) {
                fprintf(stderr, "submit: %s\n", trygg_store_errmsg(st));
                exit(1);
            }
        }
        if (trygg_store_commit(st) != TRYGG_OK)
            exit(1);
        if (done % 100000 == 0)
            fprintf(stderr, "filled %ld items (%.0f s)\n", done, (now_ms() - t0) / 1000);
    }
    fprintf(stderr, "filled %ld items in %.1f s\n", n, (now_ms() - t0) / 1000);
}

typedef struct buf {
    char *p;
    size_t n;
} buf;
static size_t on_data(char *p, size_t s, size_t n, void *arg)
{
    buf *b = arg;
    char *q = realloc(b->p, b->n + s * n + 1);
    if (!q)
        return 0;
    memcpy(q + b->n, p, s * n);
    b->p = q;
    b->n += s * n;
    b->p[b->n] = '\0';
    return s * n;
}
static char cookie_hdr[256];
static size_t on_hdr(char *p, size_t s, size_t n, void *arg)
{
    (void)arg;
    if (strncasecmp(p, "Set-Cookie: trygg_session=", 26) == 0) {
        size_t k = strcspn(p + 12, ";\r\n");
        snprintf(cookie_hdr, sizeof cookie_hdr, "%.*s", (int)k, p + 12);
    }
    return s * n;
}

static long get(CURL *c, int port, const char *path, buf *b)
{
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    b->n = 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_COOKIE, cookie_hdr);
    if (curl_easy_perform(c) != CURLE_OK)
        return -1;
    long code;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, double *ms, int n)
{
    qsort(ms, (size_t)n, sizeof *ms, cmp);
    printf("%-28s n=%-4d p50 %7.2f ms  p95 %7.2f ms  max %7.2f ms\n", name, n, ms[n / 2],
           ms[(int)(n * 0.95)], ms[n - 1]);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_web DB_PATH [N_ITEMS] [REQUESTS]\n");
        return 2;
    }
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    int reqs = argc > 3 ? atoi(argv[3]) : 200;
    if (trygg_secret_init() != TRYGG_OK) {
        fprintf(stderr, "libsodium failed to initialise\n");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    static server_ctx ctx;
    snprintf(ctx.cfg.db_path, sizeof ctx.cfg.db_path, "%s", argv[1]);
    ctx.cfg.session_minutes = 30;
    char dir[1024], err[256];
    if (trygg_asset_path("i18n/web", dir, sizeof dir) != TRYGG_OK) {
        fprintf(stderr, "asset path too long\n");
        return 1;
    }
    if (trygg_i18n_load(dir, &ctx.web_text, err, sizeof err) != TRYGG_OK) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    trygg_store *st;
    int exists = access(argv[1], F_OK) == 0;
    if (trygg_store_open(argv[1], &st) != TRYGG_OK)
        return 1;
    if (!exists) {
        trygg_user u;
        memset(&u, 0, sizeof u);
        strcpy(u.username, "bench");
        strcpy(u.role, "security");
        if (trygg_store_user_add(st, &u, PASSWORD) != TRYGG_OK) {
            fprintf(stderr, "bench_web: cannot add the user: %s\n", trygg_store_errmsg(st));
            return 1;
        }
        fill(st, n);
    }
    trygg_item probe;
    if (trygg_store_get(st, n, &probe) != TRYGG_OK) {
        fprintf(stderr, "database has fewer than %ld items\n", n);
        return 1;
    }
    http_options opt = {
        .bind = "127.0.0.1", .threads = 2, .conn_timeout_s = 30, .max_connections = 16};
    http_server *srv = http_server_start(&opt, web_routes, web_nroutes, &ctx);
    if (!srv)
        return 1;
    int port = http_server_port(srv);

    /* A session made in-process (as after the password and the one-time
     * code: this measures the queue, not the login). */
    CURL *c = curl_easy_init();
    buf b = {0};
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_hdr);
    web_user wu;
    memset(&wu, 0, sizeof wu);
    strcpy(wu.username, "bench");
    strcpy(wu.role, "security");
    char token[WEB_TOKEN_LEN];
    if (web_session_create(server_store(&ctx), &wu, web_now(), token, NULL) != 0) {
        fprintf(stderr, "login failed\n");
        return 1;
    }
    snprintf(cookie_hdr, sizeof cookie_hdr, "trygg_session=%s", token);
    curl_easy_setopt(c, CURLOPT_COOKIELIST, "ALL");

    static const struct {
        const char *name, *path;
    } cases[] = {
        {"queue first page", "/queue"},
        {"queue status=all", "/queue?status=all"},
        {"queue kind+area filter", "/queue?kind=fault&area=G%C3%B6ta"},
        {"queue full-text search", "/queue?q=busskuren"},
        {"queue deep keyset page", NULL},
    };
    double *ms = calloc((size_t)reqs, sizeof *ms);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[256];
        for (int i = 0; i < reqs; i++) {
            if (cases[k].path) {
                snprintf(path, sizeof path, "%s", cases[k].path);
            } else {
                long id = 1 + rand() % n;
                trygg_item it;
                if (trygg_store_get(st, id, &it) != TRYGG_OK)
                    continue;
                snprintf(path, sizeof path, "/queue?status=all&after=%d.%" PRId64 ".%" PRId64,
                         it.urgent, it.created, it.id);
            }
            double t0 = now_ms();
            long code = get(c, port, path, &b);
            ms[i] = now_ms() - t0;
            if (code != 200) {
                fprintf(stderr, "%s: HTTP %ld\n", path, code);
                return 1;
            }
        }
        report(cases[k].name, ms, reqs);
    }
    for (int i = 0; i < reqs; i++) {
        char path[64];
        snprintf(path, sizeof path, "/item/%ld", 1 + rand() % n);
        double t0 = now_ms();
        long code = get(c, port, path, &b);
        ms[i] = now_ms() - t0;
        if (code != 200) {
            fprintf(stderr, "%s: HTTP %ld\n", path, code);
            return 1;
        }
    }
    report("item page", ms, reqs);
    free(ms);
    free(b.p);
    curl_easy_cleanup(c);
    http_server_stop(srv);
    trygg_store_close(st);
    return 0;
}
