/*
 * test_metrics.c — /metrics for operations: requests and latency per route
 * pattern (never per raw path, so the number of series stays bounded),
 * process memory and file descriptors, and the size of the database's WAL,
 * over real loopback HTTP against the in-process server (server_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>

#include "server_fixture.h"

static sfx F;

static int setup(void **state)
{
    (void)state;
    return sfx_start(&F, NULL);
}

static int teardown(void **state)
{
    (void)state;
    sfx_stop(&F);
    return 0;
}

/* The body of GET /metrics (caller frees). */
static char *metrics(void)
{
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", "/metrics", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    char *b = r.body;
    r.body = NULL;
    sfx_resp_free(&r);
    return b;
}

/* Value of the sample whose name-and-labels part is exactly `series`; -1 if
 * absent. */
static double sample(const char *body, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = body; p && *p;) {
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return -1;
}

static void get(const char *path, long want)
{
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", path, NULL, NULL, 0, &r), 0);
    if (r.status != want)
        fail_msg("GET %s: %ld, want %ld", path, r.status, want);
    sfx_resp_free(&r);
}

static void test_per_route(void **state)
{
    (void)state;
    char *m0 = metrics();
    double h0 = sample(m0, "trygg_http_route_requests_total{route=\"/healthz\",method=\"GET\","
                           "code=\"2xx\"}");
    free(m0);
    for (int i = 0; i < 3; i++)
        get("/healthz", 200);
    /* Two different raw paths under one prefix pattern. */
    get("/open311/v2/requests/ZZZZ-secret-1.json", 404);
    get("/open311/v2/requests/ZZZZ-secret-2.json", 404);
    get("/no/such/path-secret-3", 404);
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token,
                                   "{\"uuid\":\"0b0e2f2a-6a43-4d0b-9d55-5f0f4c2b7a10\","
                                   "\"kind\":\"concern\",\"category\":\"lighting\","
                                   "\"area\":\"centrum\",\"text\":\"Mörkt vid tunneln\"}",
                                   &r),
                     0);
    assert_int_equal(r.status, 201);
    sfx_resp_free(&r);

    char *m = metrics();
    double h1 = sample(m, "trygg_http_route_requests_total{route=\"/healthz\",method=\"GET\","
                          "code=\"2xx\"}");
    assert_true(h1 >= 3);
    assert_true(h1 - (h0 < 0 ? 0 : h0) == 3);
    assert_true(sample(m, "trygg_http_route_requests_total{route=\"/open311/v2/requests/*\","
                          "method=\"GET\",code=\"4xx\"}") == 2);
    assert_true(sample(m, "trygg_http_route_requests_total{route=\"unmatched\",method=\"GET\","
                          "code=\"4xx\"}") >= 1);
    assert_true(sample(m, "trygg_http_route_requests_total{route=\"/api/v1/submissions\","
                          "method=\"POST\",code=\"2xx\"}") == 1);
    /* The latency histogram per route: +Inf bucket = count. */
    double inf = sample(m, "trygg_http_route_duration_seconds_bucket{route=\"/api/v1/submissions\","
                           "method=\"POST\",le=\"+Inf\"}");
    double cnt = sample(m, "trygg_http_route_duration_seconds_count{route=\"/api/v1/submissions\","
                           "method=\"POST\"}");
    assert_true(inf == 1 && cnt == 1);
    assert_true(sample(m, "trygg_http_route_duration_seconds_sum{route=\"/api/v1/submissions\","
                          "method=\"POST\"}") > 0);
    /* Raw paths never become labels. */
    assert_null(strstr(m, "secret"));
    free(m);
}

static void test_process_and_wal(void **state)
{
    (void)state;
    char *m = metrics();
    double rss = sample(m, "process_resident_memory_bytes");
    double fds = sample(m, "process_open_fds");
    double maxfds = sample(m, "process_max_fds");
    assert_true(rss > 1024 * 1024);
    assert_true(fds >= 3);
    assert_true(maxfds >= fds);
    free(m);

    /* A hundred more open files show up (give or take the few sockets of
     * earlier requests the server is still closing). */
    int extra[100];
    for (int i = 0; i < 100; i++)
        assert_true((extra[i] = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0);
    m = metrics();
    double fds2 = sample(m, "process_open_fds");
    free(m);
    for (int i = 0; i < 100; i++)
        close(extra[i]);
    if (fds2 < fds + 90)
        fail_msg("process_open_fds %.0f, then %.0f with 100 more files open", fds, fds2);

    /* The WAL's size is the -wal file's, read while the server runs (the
     * files are measured before and after the scrape; a background
     * checkpoint may change them in between, then again). */
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", F.ctx.cfg.db_path);
    double got = -1, want = -2, gotdb = -1, wantdb = -2;
    for (int tries = 0; tries < 10 && (got != want || gotdb != wantdb); tries++) {
        struct stat sb;
        double w0 = stat(wal, &sb) == 0 ? (double)sb.st_size : 0;
        double d0 = stat(F.ctx.cfg.db_path, &sb) == 0 ? (double)sb.st_size : -1;
        m = metrics();
        got = sample(m, "trygg_db_wal_bytes");
        gotdb = sample(m, "trygg_db_bytes");
        free(m);
        want = stat(wal, &sb) == 0 ? (double)sb.st_size : 0;
        wantdb = stat(F.ctx.cfg.db_path, &sb) == 0 ? (double)sb.st_size : -1;
        if (want != w0 || wantdb != d0)
            want = -2; /* changed during the scrape: measure again */
    }
    if (got != want || gotdb != wantdb)
        fail_msg("trygg_db_wal_bytes %.0f, trygg_db_bytes %.0f; the files have %.0f, %.0f", got,
                 gotdb, want, wantdb);
    assert_true(gotdb > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_per_route),
        cmocka_unit_test(test_process_and_wal),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
