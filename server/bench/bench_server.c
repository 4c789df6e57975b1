/*
 * bench_server.c — intake throughput of trygg-server over loopback, against
 * the two things that bound it, in one run on the same disk:
 *
 *   raw FULL   C threads, each with its own SQLite connection, committing one
 *              row per transaction (WAL, synchronous=FULL: the store's own
 *              durability), i.e. what the disk allows without group commit;
 *   intake     C keep-alive clients posting kiosk submissions to the real
 *              server (in-process, real HTTP, token check, validation, the
 *              group commit; a 201 means the item is on disk);
 *   HTTP-only  the same server with the same options (worker pool, per-address
 *              limit, header/body deadlines: the slowloris defence as
 *              configured by default) answering a no-op route that only this
 *              bench registers: the ceiling of the HTTP path.
 * Every HTTP client connects from its own loopback address (127.0.1.1, ...),
 * as kiosks do from their own, so the per-address limit stays on.
 *
 * Each figure runs for SECONDS at every client count (default 1, 16, 64) and
 * prints operations/s and p50/p99 latency, then the ratios intake ÷ raw FULL
 * and intake ÷ HTTP-only.
 *
 *   bench_server [-c 1,16,64] [-t SECONDS] [-n MAX_PER_FIGURE]
 *   bench_server -w RATE [-t SECONDS]
 *
 * -w: the WAL under sustained load instead: kiosk submits paced at RATE per
 * second (16 clients) for SECONDS while two staff readers list the queue
 * without pause (readers are what keep SQLite from recycling the WAL); the
 * WAL file's size is sampled every 100 ms and its maximum printed with the
 * store's bound (64 MiB, then a restarting checkpoint).
 */
#include <sys/stat.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "server_fixture.h"

#define MAX_CLIENTS 256
#define MAX_LEVELS  8

static sfx F;
static double run_s = 3.0;
static long max_ops = 0; /* 0 = only the time bounds a figure */
static atomic_long seq;  /* unique keys and UUIDs across the run */

typedef struct result {
    double ops_s, p50_ms, p99_ms;
    long ops, errors;
} result;

typedef struct worker {
    int kind; /* 0 raw, 1 intake, 2 HTTP-only */
    int id;
    double interval; /* > 0: one request every `interval` seconds (paced) */
    double deadline;
    atomic_long *budget;
    double *lat;
    long n, cap, errors;
} worker;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_lat(worker *w, double s)
{
    if (w->n == w->cap) {
        long ncap = w->cap ? w->cap * 2 : 4096;
        double *nl = realloc(w->lat, (size_t)ncap * sizeof *nl);
        if (nl == NULL) {
            w->errors++;
            return;
        }
        w->lat = nl;
        w->cap = ncap;
    }
    w->lat[w->n++] = s;
}

/* 1 while the figure goes on: time left and (with -n) budget left. */
static int more(worker *w)
{
    if (now_s() >= w->deadline)
        return 0;
    return max_ops <= 0 || atomic_fetch_sub(w->budget, 1) > 0;
}

static char raw_path[400];

static void *raw_main(void *arg)
{
    worker *w = arg;
    sqlite3 *db;
    if (sqlite3_open(raw_path, &db) != SQLITE_OK) {
        w->errors++;
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_exec(db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "INSERT INTO t(k, body) VALUES (?, ?)", -1, &s, NULL);
    while (more(w)) {
        char k[32];
        snprintf(k, sizeof k, "key-%ld", atomic_fetch_add(&seq, 1));
        double t0 = now_s();
        int ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
        sqlite3_bind_text(s, 1, k, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, "Mörkt vid gångtunneln på kvällarna", -1, SQLITE_STATIC);
        ok = ok && sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
        ok = ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
        if (!ok) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            w->errors++;
            continue;
        }
        add_lat(w, now_s() - t0);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return NULL;
}

static size_t sink(char *p, size_t sz, size_t n, void *arg)
{
    (void)p, (void)arg;
    return sz * n;
}

static void *http_main(void *arg)
{
    worker *w = arg;
    CURL *cu = curl_easy_init();
    char url[128], auth[128];
    struct curl_slist *h = NULL;
    if (w->kind == 1) {
        snprintf(url, sizeof url, "%s/api/v1/submissions", F.base);
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", F.token);
        h = curl_slist_append(h, "Content-Type: application/json");
        h = curl_slist_append(h, auth);
        h = curl_slist_append(h, "Expect:");
        curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h);
    } else {
        snprintf(url, sizeof url, "%s/bench/noop", F.base);
    }
    /* Each client from its own loopback address, as kiosks and staff come
     * from their own: the per-address connection limit stays on. */
    char src[32];
    snprintf(src, sizeof src, "127.0.%d.%d", 1 + w->id / 250, 1 + w->id % 250);
    curl_easy_setopt(cu, CURLOPT_INTERFACE, src);
    curl_easy_setopt(cu, CURLOPT_URL, url);
    curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(cu, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(cu, CURLOPT_TIMEOUT, 30L);
    char body[512];
    double next = now_s() + w->interval * (w->id % 16) / 16.0;
    while (more(w)) {
        long want = 200;
        if (w->interval > 0) {
            double d = next - now_s();
            if (d > 0) {
                struct timespec ts = {(time_t)d, (long)((d - (double)(time_t)d) * 1e9)};
                nanosleep(&ts, NULL);
            }
            next += w->interval;
        }
        if (w->kind == 1) {
            long i = atomic_fetch_add(&seq, 1);
            snprintf(body, sizeof body,
                     "{\"uuid\":\"%08lx-7e57-4b00-8000-%012lx\",\"kind\":\"concern\","
                     "\"category\":\"lighting\",\"area\":\"lodose\",\"when\":\"evenings\","
                     "\"text\":\"Mörkt vid gångtunneln på kvällarna, nummer %ld\",\"lang\":\"sv\"}",
                     i & 0xffffffffL, i, i);
            curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
            want = 201;
        }
        double t0 = now_s();
        CURLcode rc = curl_easy_perform(cu);
        long code = 0;
        curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &code);
        if (rc != CURLE_OK || code != want) {
            w->errors++;
            continue;
        }
        add_lat(w, now_s() - t0);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(cu);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Runs one figure: `kind` with `clients` threads for run_s seconds. */
static result run(int kind, int clients)
{
    static worker ws[MAX_CLIENTS];
    pthread_t th[MAX_CLIENTS];
    atomic_long budget = max_ops;
    double t0 = now_s();
    for (int i = 0; i < clients; i++) {
        ws[i] = (worker){.kind = kind, .id = i, .deadline = t0 + run_s, .budget = &budget};
        pthread_create(&th[i], NULL, kind == 0 ? raw_main : http_main, &ws[i]);
    }
    for (int i = 0; i < clients; i++)
        pthread_join(th[i], NULL);
    double dt = now_s() - t0;
    result r = {0};
    for (int i = 0; i < clients; i++)
        r.ops += ws[i].n, r.errors += ws[i].errors;
    double *all = calloc((size_t)r.ops + 1, sizeof *all);
    long k = 0;
    for (int i = 0; i < clients; i++) {
        if (all && ws[i].n)
            memcpy(all + k, ws[i].lat, (size_t)ws[i].n * sizeof *all);
        k += ws[i].n;
        free(ws[i].lat);
    }
    if (all && r.ops > 0) {
        qsort(all, (size_t)r.ops, sizeof *all, cmp);
        r.p50_ms = all[r.ops / 2] * 1e3;
        r.p99_ms = all[r.ops * 99 / 100] * 1e3;
    }
    free(all);
    r.ops_s = (double)r.ops / dt;
    return r;
}

/* -w: a staff reader listing the queue's first page without pause. */
static atomic_int wal_stop;
static atomic_long reads;

static void *reader_main(void *arg)
{
    (void)arg;
    trygg_store *st = NULL;
    if (trygg_store_open(F.ctx.cfg.db_path, &st) != TRYGG_OK)
        return NULL;
    trygg_item *items = calloc(50, sizeof *items);
    trygg_filter f;
    trygg_filter_init(&f);
    while (items && !atomic_load(&wal_stop)) {
        int n = 0;
        if (trygg_store_list(st, &f, NULL, items, 50, &n, NULL) == TRYGG_OK)
            atomic_fetch_add(&reads, 1);
    }
    free(items);
    trygg_store_close(st);
    return NULL;
}

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* -w RATE: paced intake with readers; the WAL's largest size. */
static int wal_run(double rate)
{
    enum { CLIENTS = 16, READERS = 2 };
    static worker ws[CLIENTS];
    pthread_t th[CLIENTS], rd[READERS];
    atomic_long budget = 0;
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", F.ctx.cfg.db_path);
    double t0 = now_s();
    for (int i = 0; i < READERS; i++)
        pthread_create(&rd[i], NULL, reader_main, NULL);
    for (int i = 0; i < CLIENTS; i++) {
        ws[i] = (worker){.kind = 1,
                         .id = i,
                         .deadline = t0 + run_s,
                         .budget = &budget,
                         .interval = CLIENTS / rate};
        pthread_create(&th[i], NULL, http_main, &ws[i]);
    }
    long long max_wal = 0;
    double max_at = 0;
    while (now_s() < t0 + run_s) {
        long long sz = file_size(wal);
        if (sz > max_wal) {
            max_wal = sz;
            max_at = now_s() - t0;
        }
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
    }
    long ops = 0, errors = 0;
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(th[i], NULL);
        ops += ws[i].n, errors += ws[i].errors;
        free(ws[i].lat);
    }
    atomic_store(&wal_stop, 1);
    for (int i = 0; i < READERS; i++)
        pthread_join(rd[i], NULL);
    double dt = now_s() - t0;
    printf("bench_server -w: %.0f submits/s asked for %.0f s, %d clients, %d readers\n", rate,
           run_s, CLIENTS, READERS);
    printf("  intake %.0f submits/s (%ld stored, %ld errors), %ld queue reads\n", (double)ops / dt,
           ops, errors, reads);
    printf("  WAL largest %.1f MB (at %.1f s), at the end %.1f MB; database %.1f MB; "
           "the store's bound: 64 MiB, then a restarting checkpoint\n",
           (double)max_wal / 1e6, max_at, (double)file_size(wal) / 1e6,
           (double)file_size(F.ctx.cfg.db_path) / 1e6);
    return errors ? 1 : 0;
}

static void noop(void *ctx, const http_req *req, http_resp *resp)
{
    (void)ctx, (void)req;
    http_resp_set(resp, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

/* The fixture's server, with the bench's no-op route added to its table. */
static int serve(void)
{
    if (sfx_prepare(&F, NULL, NULL) != 0 || core_load(&F.ctx, F.ini, 0) != 0)
        return -1;
    int n = 0;
    http_route *core = core_routes(&n);
    if (core == NULL)
        return -1;
    F.routes = calloc((size_t)n + 1, sizeof *F.routes);
    if (F.routes == NULL) {
        free(core);
        return -1;
    }
    F.routes[0] = (http_route){"GET", "/bench/noop", 0, noop};
    memcpy(F.routes + 1, core, (size_t)n * sizeof *core);
    F.nroutes = n + 1;
    free(core);
    http_options opt;
    core_http_options(&F.ctx, &opt);
    opt.port = 0;
    if (intake_start(&F.ctx) != 0)
        return -1;
    F.http = http_server_start(&opt, F.routes, F.nroutes, &F.ctx);
    if (F.http == NULL)
        return -1;
    F.port = http_server_port(F.http);
    snprintf(F.base, sizeof F.base, "http://127.0.0.1:%d", F.port);
    return F.port > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    int levels[MAX_LEVELS] = {1, 16, 64}, nlev = 3;
    double wal_rate = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-c") == 0) {
            nlev = 0;
            for (char *p = argv[i + 1]; *p && nlev < MAX_LEVELS;) {
                levels[nlev++] = (int)strtol(p, &p, 10);
                if (*p == ',')
                    p++;
                else if (*p)
                    nlev = -1;
                if (nlev < 0)
                    break;
            }
        } else if (strcmp(argv[i], "-t") == 0) {
            run_s = atof(argv[i + 1]);
        } else if (strcmp(argv[i], "-n") == 0) {
            max_ops = atol(argv[i + 1]);
        } else if (strcmp(argv[i], "-w") == 0) {
            wal_rate = atof(argv[i + 1]);
            if (wal_rate <= 0 || wal_rate > 100000)
                nlev = -1;
        } else {
            nlev = -1;
        }
    }
    int ok = nlev > 0 && run_s > 0 && run_s <= 600 && max_ops >= 0;
    for (int i = 0; ok && i < nlev; i++)
        ok = levels[i] >= 1 && levels[i] <= MAX_CLIENTS;
    if (!ok || argc % 2 == 0) {
        fprintf(stderr, "usage: bench_server [-c 1,16,64] [-t SECONDS] [-n MAX_PER_FIGURE]\n"
                        "       bench_server -w RATE [-t SECONDS]\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (serve() != 0) {
        fprintf(stderr, "bench: cannot start the server\n");
        return 1;
    }
    trygg_log_set_level(TRYGG_LOG_ERR);
    if (wal_rate > 0) {
        int rc = wal_run(wal_rate);
        sfx_stop(&F);
        return rc;
    }

    snprintf(raw_path, sizeof raw_path, "%s/raw.db", F.dir);
    sqlite3 *db;
    if (sqlite3_open(raw_path, &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT UNIQUE, body TEXT);",
                     NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench: cannot create %s\n", raw_path);
        return 1;
    }

    static const char *const names[3] = {"raw FULL commits", "intake (kiosk submits)",
                                         "HTTP-only (no-op GET)"};
    result res[3][MAX_LEVELS];
    printf("bench_server: %.0f s per figure; raw = one row per transaction, WAL, "
           "synchronous=FULL; server: %d worker threads, slowloris defence on (defaults)\n",
           run_s, F.ctx.cfg.catalog ? F.ctx.cfg.catalog->threads : 0);
    printf("%-24s %7s %10s %9s %9s %7s\n", "figure", "clients", "per s", "p50 ms", "p99 ms",
           "errors");
    long errors = 0;
    for (int k = 0; k < 3; k++)
        for (int l = 0; l < nlev; l++) {
            int64_t b0 = 0, i0 = 0, b1 = 0, i1 = 0;
            intake_stats(&b0, &i0);
            result r = run(k, levels[l]);
            intake_stats(&b1, &i1);
            res[k][l] = r;
            errors += r.errors;
            printf("%-24s %7d %10.0f %9.2f %9.2f %7ld", names[k], levels[l], r.ops_s, r.p50_ms,
                   r.p99_ms, r.errors);
            if (k == 1 && b1 > b0)
                printf("   %.1f items per commit", (double)(i1 - i0) / (double)(b1 - b0));
            printf("\n");
            fflush(stdout);
        }
    sqlite3_close(db);
    printf("ratios   clients  intake/raw FULL  intake/HTTP-only\n");
    for (int l = 0; l < nlev; l++)
        printf("         %7d  %15.2f  %16.2f\n", levels[l],
               res[0][l].ops_s > 0 ? res[1][l].ops_s / res[0][l].ops_s : 0.0,
               res[2][l].ops_s > 0 ? res[1][l].ops_s / res[2][l].ops_s : 0.0);
    for (int l = 0; l < nlev; l++)
        if (levels[l] == 16)
            printf("goal at 16 clients: intake >= 1.0x raw FULL (%.2fx), >= 0.5x HTTP-only "
                   "(%.2fx)\n",
                   res[0][l].ops_s > 0 ? res[1][l].ops_s / res[0][l].ops_s : 0.0,
                   res[2][l].ops_s > 0 ? res[1][l].ops_s / res[2][l].ops_s : 0.0);
    sfx_stop(&F);
    return errors ? 1 : 0;
}
