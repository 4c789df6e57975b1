/*
 * test_err.c — trygg_strerror covers every code; logging does not crash
 * and writes one line per message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "trygg/err.h"
#include "trygg/log.h"
#include "trygg/paths.h"

static void test_strerror(void **state)
{
    (void)state;
    const char *seen[TRYGG_ERR_LIMIT + 1];
    for (int e = TRYGG_OK; e <= TRYGG_ERR_LIMIT; e++) {
        const char *s = trygg_strerror((trygg_err)e);
        assert_non_null(s);
        assert_string_not_equal(s, "unknown error");
        for (int j = 0; j < e; j++)
            assert_string_not_equal(s, seen[j]);
        seen[e] = s;
    }
    assert_string_equal(trygg_strerror((trygg_err)9999), "unknown error");
    assert_string_equal(trygg_strerror(TRYGG_OK), "success");
}

static void test_log_one_line(void **state)
{
    (void)state;
    char path[300];
    const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : P_tmpdir;
    snprintf(path, sizeof path, "%s/trygg-log-XXXXXX", tmp);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fd, 2), 2);
    trygg_log_init("testpart");
    trygg_log_set_level(TRYGG_LOG_INFO);
    TRYGG_INFO("hello %d\nsecond", 42);
    TRYGG_DEBUG("hidden");
    TRYGG_ERR("bad %s", "thing");
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    TRYGG_WARN("%s", big);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    FILE *f = fdopen(fd, "r");
    assert_non_null(f);
    rewind(f);
    char line[8192];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "info testpart: hello 42 second\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "error testpart: bad thing\n");
    assert_non_null(fgets(line, sizeof line, f));
    assert_true(strncmp(line, "warning testpart: xxx", 21) == 0);
    assert_true(line[strlen(line) - 1] == '\n');
    assert_null(fgets(line, sizeof line, f));
    fclose(f);
    unlink(path);
}

static void test_paths(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(trygg_path_join(out, sizeof out, "/a/b", "c.txt"), TRYGG_OK);
    assert_string_equal(out, "/a/b/c.txt");
    assert_int_equal(trygg_path_join(out, sizeof out, "/a/b/", "c.txt"), TRYGG_OK);
    assert_string_equal(out, "/a/b/c.txt");
    assert_int_equal(trygg_path_join(out, 8, "/a/b", "c.txt"), TRYGG_ERR_TOOBIG);
    /* TRYGG_ASSETS is set by the test harness */
    const char *env = getenv("TRYGG_ASSETS");
    if (env != NULL)
        assert_string_equal(trygg_asset_dir(), env);
    char p[4096];
    assert_int_equal(trygg_asset_path("config/routing.ini", p, sizeof p), TRYGG_OK);
    assert_int_equal(access(p, R_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_log_one_line),
        cmocka_unit_test(test_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
