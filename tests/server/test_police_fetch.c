/*
 * test_police_fetch.c — the police events fetch against a local stand-in
 * feed (police_feed_server.py, python3 http.server) serving a fixture in
 * the feed's format; plus a malformed body, a huge body, an HTTP 500, a
 * feed that does not answer in time and a dead port. A failed fetch must
 * change nothing; a good one stores every usable event once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "police_fetch.h"
#include "trygg/report.h"

typedef struct fx {
    char dir[256];
    trygg_store *st;
    pid_t pid;
    int port;
} fx;

static int64_t count_events(trygg_store *st)
{
    int64_t n = -1;
    if (trygg_police_count(st, &n) != TRYGG_OK)
        return -1;
    return n;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/trygg-police-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    char db[300];
    snprintf(db, sizeof db, "%s/trygg.db", f->dir);
    if (trygg_store_open(db, &f->st) != TRYGG_OK)
        return -1;
    /* The stand-in feed lives in tests/shared. */
    char here[512], script[600], fixtures[600];
    snprintf(here, sizeof here, "%s", __FILE__);
    char *slash = strrchr(here, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(here, sizeof here, ".");
    snprintf(script, sizeof script, "%s/../shared/police_feed_server.py", here);
    snprintf(fixtures, sizeof fixtures, "%s/../shared/fixtures", here);
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    f->pid = fork();
    if (f->pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        execlp("python3", "python3", script, fixtures, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    if (!in || fscanf(in, "%d", &f->port) != 1)
        return -1;
    fclose(in);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    kill(f->pid, SIGTERM);
    waitpid(f->pid, NULL, 0);
    trygg_store_close(f->st);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    free(f);
    return 0;
}

static trygg_err fetch(fx *f, const char *path, long timeout, int *stored, char *err, size_t cap)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", f->port, path);
    trygg_police_opts o = {.url = url, .timeout_s = timeout, .max_bytes = 0};
    return trygg_police_fetch(f->st, &o, stored, err, cap);
}

static void test_parse_time(void **state)
{
    (void)state;
    assert_int_equal(trygg_police_parse_time("2026-11-20 8:09:39 +01:00"),
                     trygg_civil_to_unix(2026, 11, 20, 7, 9, 39));
    assert_int_equal(trygg_police_parse_time("2026-07-01 12:00:00 +02:00"),
                     trygg_civil_to_unix(2026, 7, 1, 10, 0, 0));
    assert_int_equal(trygg_police_parse_time("yesterday"), -1);
    assert_int_equal(trygg_police_parse_time("2026-11-20 8:09:39"), -1);
    assert_int_equal(trygg_police_parse_time("2026-11-20 8:09:39 +01:00x"), -1);
    assert_int_equal(trygg_police_parse_time("2026-13-20 8:09:39 +01:00"), -1);
    assert_int_equal(trygg_police_parse_time(NULL), -1);
}

static void test_fetch_fixture(void **state)
{
    fx *f = *state;
    int stored = -1;
    char err[256] = "";
    assert_int_equal(fetch(f, "/events?locationname=Lilla%20Edet", 10, &stored, err, sizeof err),
                     TRYGG_OK);
    assert_int_equal(stored, 4); /* two events without usable id/time skipped */
    assert_int_equal(count_events(f->st), 4);
    /* Fetching again updates, never duplicates. */
    assert_int_equal(fetch(f, "/events", 10, &stored, err, sizeof err), TRYGG_OK);
    assert_int_equal(count_events(f->st), 4);
    /* In the week's report: three of them fall in 2026-W47 (the 23:58 one
     * on Sunday 15 November is W46); relative URLs made absolute. */
    trygg_week w;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    trygg_report *r;
    assert_int_equal(trygg_report_build(f->st, &w, NULL, w.end, &r), TRYGG_OK);
    assert_int_equal(r->police_total, 3);
    assert_true(r->police_fetched);
    assert_string_equal(r->police[0].type, "Brand");
    char want[64];
    snprintf(want, sizeof want, "http://127.0.0.1:%d/aktuellt/", f->port);
    assert_true(strncmp(r->police[0].url, want, strlen(want)) == 0);
    trygg_report_free(r);
}

static void test_fetch_failures_change_nothing(void **state)
{
    fx *f = *state;
    int stored = -1;
    char err[256] = "";
    assert_int_equal(fetch(f, "/events", 10, &stored, err, sizeof err), TRYGG_OK);
    int64_t before = count_events(f->st);
    /* Malformed JSON. */
    assert_int_equal(fetch(f, "/bad", 10, &stored, err, sizeof err), TRYGG_ERR_INVALID);
    assert_non_null(strstr(err, "malformed"));
    assert_int_equal(stored, 0);
    /* Over the size cap (default 4 MB; the body is 5 MB). */
    assert_int_equal(fetch(f, "/huge", 10, &stored, err, sizeof err), TRYGG_ERR_TOOBIG);
    /* Server error. */
    assert_int_equal(fetch(f, "/down", 10, &stored, err, sizeof err), TRYGG_ERR_IO);
    assert_non_null(strstr(err, "500"));
    /* Too slow: the total timeout ends it. */
    time_t t0 = time(NULL);
    assert_int_equal(fetch(f, "/slow", 2, &stored, err, sizeof err), TRYGG_ERR_IO);
    assert_true(time(NULL) - t0 < 10);
    /* Nobody listening. */
    trygg_police_opts o = {.url = "http://127.0.0.1:9/events", .timeout_s = 5, .max_bytes = 0};
    assert_int_equal(trygg_police_fetch(f->st, &o, &stored, err, sizeof err), TRYGG_ERR_IO);
    /* Not http(s). */
    o.url = "file:///etc/passwd";
    assert_int_equal(trygg_police_fetch(f->st, &o, &stored, err, sizeof err), TRYGG_ERR_INVALID);
    o.url = "";
    assert_int_equal(trygg_police_fetch(f->st, &o, &stored, err, sizeof err), TRYGG_ERR_INVALID);
    assert_int_equal(count_events(f->st), before);
    /* Not an array, from the parser directly. */
    assert_int_equal(
        trygg_police_store_json(f->st, "{\"id\":1}", 8, NULL, &stored, NULL, err, sizeof err),
        TRYGG_ERR_INVALID);
    assert_int_equal(count_events(f->st), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test_setup_teardown(test_fetch_fixture, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fetch_failures_change_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
