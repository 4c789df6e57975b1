/*
 * test_store_local_time.c — the store's day and weekday/time-of-day
 * statistics (trygg_store_count "day" and "weekday_band") are in the
 * configured zone (trygg/time.h, Europe/Stockholm by default), whatever the
 * process's TZ says: a server started with TZ=America/New_York (or UTC, as
 * in many containers) must count a Tuesday-night report in Lilla Edet as a
 * Tuesday night.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_fixture.h"
#include "trygg/time.h"

typedef struct seen {
    char keys[4][32];
    int64_t counts[4];
    int n;
} seen;

static int collect(void *ctx, const char *key, int64_t count)
{
    seen *s = ctx;
    if (s->n < 4) {
        snprintf(s->keys[s->n], sizeof s->keys[s->n], "%s", key);
        s->counts[s->n++] = count;
    }
    return 0;
}

static void test_day_and_band_in_configured_zone(void **state)
{
    fixture *f = *state;
    /* The process's own zone is elsewhere. */
    setenv("TZ", "America/New_York", 1);
    tzset();
    /* Tuesday 2026-06-30 23:30 in Stockholm (21:30 UTC; 17:30 in New York). */
    trygg_item in, out;
    int made;
    fx_item(&in, "tz-1", TRYGG_KIND_CONCERN, "Centrum", "Mörkt vid stationen");
    in.created = trygg_local_to_utc(2026, 6, 30, 23, 30);
    assert_int_equal(in.created, 1782855000);
    assert_int_equal(trygg_store_submit(f->st, &in, &out, &made), TRYGG_OK);
    /* Wednesday 2026-07-01 00:30 in Stockholm (Tuesday 18:30 in New York). */
    fx_item(&in, "tz-2", TRYGG_KIND_CONCERN, "Centrum", "Ungdomar samlas");
    in.created = trygg_local_to_utc(2026, 7, 1, 0, 30);
    assert_int_equal(trygg_store_submit(f->st, &in, &out, &made), TRYGG_OK);

    seen s = {0};
    assert_int_equal(trygg_store_count(f->st, NULL, "day", collect, &s), TRYGG_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.keys[0], "2026-06-30");
    assert_string_equal(s.keys[1], "2026-07-01");
    memset(&s, 0, sizeof s);
    assert_int_equal(trygg_store_count(f->st, NULL, "weekday_band", collect, &s), TRYGG_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.keys[0], "tue/evening");
    assert_string_equal(s.keys[1], "wed/night");
    unsetenv("TZ");
    tzset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_day_and_band_in_configured_zone, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
