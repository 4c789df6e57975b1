/*
 * test_backoff.c — the one retry delay (trygg/backoff.h): doubling, the cap,
 * jitter within its bounds and actually random.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trygg/backoff.h"

static void test_no_jitter(void **state)
{
    (void)state;
    assert_int_equal(trygg_backoff(30, 3600, 0, 0), 30);
    assert_int_equal(trygg_backoff(30, 3600, 1, 0), 60);
    assert_int_equal(trygg_backoff(30, 3600, 6, 0), 1920);
    assert_int_equal(trygg_backoff(30, 3600, 7, 0), 3600);
    assert_int_equal(trygg_backoff(30, 3600, 1000000, 0), 3600);
    assert_int_equal(trygg_backoff(30, 3600, -3, 0), 30);
    assert_int_equal(trygg_backoff(0, 3600, 3, 25), 0);
}

static void test_jitter(void **state)
{
    (void)state;
    int differ = 0;
    int64_t first = trygg_backoff(1000, 60000, 2, 25);
    for (int i = 0; i < 200; i++) {
        int64_t d = trygg_backoff(1000, 60000, 2, 25);
        assert_true(d >= 4000 && d <= 5000);
        differ |= d != first;
        int64_t c = trygg_backoff(1000, 60000, 30, 25);
        assert_true(c >= 60000 && c <= 75000);
    }
    assert_true(differ);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_jitter),
        cmocka_unit_test(test_jitter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
