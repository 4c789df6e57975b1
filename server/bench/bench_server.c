/*
 * bench_server.c — intake throughput of trygg-server over loopback.
 *
 * In one run, on the same disk: (1) raw SQLite, one row per transaction in
 * WAL mode with synchronous=FULL (the cost of one fsync'd commit), then (2)
 * the real server (in-process, real HTTP, the kiosk API with its group
 * commit) with C concurrent keep-alive clients posting N submissions.
 * Prints requests/s, p50/p95/p99 latency and the ratio to raw commits/s.
 *
 *   bench_server [-c CLIENTS] [-n REQUESTS] [-r RAW_COMMITS]
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server_fixture.h"

static sfx F;
static int clients = 16, total = 4000, raw_n = 500;
static double *lat; /* seconds per request */
static int failures;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double raw_sqlite(const char *dir)
{
    char path[400];
    snprintf(path, sizeof path, "%s/raw.db", dir);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return 0;
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                 "CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT UNIQUE, body TEXT);",
                 NULL, NULL, NULL);
    sqlite3_stmt *s;
    sqlite3_prepare_v2(db, "INSERT INTO t(k, body) VALUES (?, ?)", -1, &s, NULL);
    double t0 = now_s();
    for (int i = 0; i < raw_n; i++) {
        char k[32];
        snprintf(k, sizeof k, "key-%d", i);
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        sqlite3_bind_text(s, 1, k, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, "Mörkt vid gångtunneln på kvällarna", -1, SQLITE_STATIC);
        sqlite3_step(s);
        sqlite3_reset(s);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    double dt = now_s() - t0;
    sqlite3_finalize(s);
    sqlite3_close(db);
    return raw_n / dt;
}

struct client {
    int id, from, to;
};

static size_t sink(char *p, size_t sz, size_t n, void *arg)
{
    (void)p, (void)arg;
    return sz * n;
}

static void *client_main(void *arg)
{
    struct client *c = arg;
    CURL *cu = curl_easy_init();
    char url[128], auth[128];
    snprintf(url, sizeof url, "%s/api/v1/submissions", F.base);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", F.token);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, auth);
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(cu, CURLOPT_URL, url);
    curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(cu, CURLOPT_TCP_NODELAY, 1L);
    for (int i = c->from; i < c->to; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"uuid\":\"bench-%08d-%04d\",\"kind\":\"concern\",\"category\":\"lighting\","
                 "\"area\":\"lodose\",\"when\":\"evenings\",\"text\":\"Mörkt vid gångtunneln "
                 "på kvällarna, nummer %d\",\"lang\":\"sv\"}",
                 i, c->id, i);
        curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
        double t0 = now_s();
        CURLcode rc = curl_easy_perform(cu);
        long code = 0;
        curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &code);
        lat[i] = now_s() - t0;
        if (rc != CURLE_OK || code != 201) {
            pthread_mutex_lock(&mu);
            failures++;
            pthread_mutex_unlock(&mu);
        }
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

int main(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-c") == 0)
            clients = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "-n") == 0)
            total = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "-r") == 0)
            raw_n = atoi(argv[i + 1]);
    }
    if (clients < 1 || clients > 256 || total < clients || raw_n < 1) {
        fprintf(stderr, "usage: bench_server [-c 1..256] [-n N>=C] [-r N]\n");
        return 2;
    }
    if (sfx_start(&F, NULL) != 0) {
        fprintf(stderr, "bench: cannot start the server\n");
        return 1;
    }
    trygg_log_set_level(TRYGG_LOG_ERR);
    double raw = raw_sqlite(F.dir);

    lat = calloc((size_t)total, sizeof *lat);
    pthread_t th[256];
    struct client cs[256];
    int64_t b0, i0, b1, i1;
    intake_stats(&b0, &i0);
    double t0 = now_s();
    for (int i = 0; i < clients; i++) {
        cs[i] = (struct client){i, total * i / clients, total * (i + 1) / clients};
        pthread_create(&th[i], NULL, client_main, &cs[i]);
    }
    for (int i = 0; i < clients; i++)
        pthread_join(th[i], NULL);
    double dt = now_s() - t0;
    intake_stats(&b1, &i1);
    qsort(lat, (size_t)total, sizeof *lat, cmp);
    double rps = total / dt;
    printf("raw SQLite (WAL, synchronous=FULL, 1 row per commit): %.0f commits/s\n", raw);
    printf("trygg-server intake: %d clients, %d submits in %.2f s: %.0f req/s, "
           "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, failures %d\n",
           clients, total, dt, rps, lat[total / 2] * 1e3, lat[total * 95 / 100] * 1e3,
           lat[total * 99 / 100] * 1e3, failures);
    printf("group commit: %lld commits for %lld items (%.1f items/commit); "
           "intake/raw = %.2fx\n",
           (long long)(b1 - b0), (long long)(i1 - i0),
           b1 > b0 ? (double)(i1 - i0) / (double)(b1 - b0) : 0.0, raw > 0 ? rps / raw : 0.0);
    free(lat);
    sfx_stop(&F);
    return failures ? 1 : 0;
}
