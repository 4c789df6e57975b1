/*
 * test_time.c — the time module (trygg/time.h) against the system tz
 * database: Stockholm's summer-time switches, the skipped and repeated
 * hours, years past the file's last transition (its POSIX footer rule), a
 * southern-hemisphere zone, week and day starts, formatting, parsing, and
 * independence from the process TZ.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trygg/time.h"

static int64_t utc(int y, int m, int d, int h, int mi)
{
    return trygg_civil_to_unix(y, m, d, h, mi, 0);
}

static void test_stockholm_offsets(void **state)
{
    (void)state;
    assert_string_equal(trygg_time_zone(), "Europe/Stockholm");
    /* 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC */
    assert_int_equal(trygg_tz_offset(utc(2026, 3, 29, 0, 59)), 3600);
    assert_int_equal(trygg_tz_offset(utc(2026, 3, 29, 1, 0)), 7200);
    assert_int_equal(trygg_tz_offset(utc(2026, 10, 25, 0, 59)), 7200);
    assert_int_equal(trygg_tz_offset(utc(2026, 10, 25, 1, 0)), 3600);
    /* 2090 is past the last transition of the file: the footer rule */
    assert_int_equal(trygg_tz_offset(utc(2090, 3, 26, 0, 59)), 3600);
    assert_int_equal(trygg_tz_offset(utc(2090, 3, 26, 1, 0)), 7200);
    assert_int_equal(trygg_tz_offset(utc(2090, 10, 29, 1, 0)), 3600);
    /* 1975: Sweden had no summer time (the tz database knows; a rule would not) */
    assert_int_equal(trygg_tz_offset(utc(1975, 7, 1, 12, 0)), 3600);
}

static void test_local_fields(void **state)
{
    (void)state;
    trygg_tm t;
    trygg_time_local(utc(2026, 11, 29, 23, 30), &t); /* Monday 00:30 local */
    assert_int_equal(t.year, 2026);
    assert_int_equal(t.month, 11);
    assert_int_equal(t.day, 30);
    assert_int_equal(t.hour, 0);
    assert_int_equal(t.min, 30);
    assert_int_equal(t.wday, 0);
    assert_int_equal(t.offset, 3600);
    assert_int_equal(t.dst, 0);
    trygg_time_local(utc(2026, 7, 1, 10, 0), &t);
    assert_int_equal(t.hour, 12);
    assert_int_equal(t.dst, 1);
}

static void test_from_local(void **state)
{
    (void)state;
    assert_int_equal(trygg_time_from_local(2026, 1, 15, 12, 0, 0), utc(2026, 1, 15, 11, 0));
    assert_int_equal(trygg_time_from_local(2026, 7, 15, 12, 0, 0), utc(2026, 7, 15, 10, 0));
    /* skipped spring hour 02:30 is read with the winter offset (= 03:30 summer) */
    assert_int_equal(trygg_time_from_local(2026, 3, 29, 2, 30, 0), utc(2026, 3, 29, 1, 30));
    /* repeated autumn hour 02:30: the first (summer-time) one */
    assert_int_equal(trygg_time_from_local(2026, 10, 25, 2, 30, 0), utc(2026, 10, 25, 0, 30));
    /* normalisation as mktime: day 0 = the last of the month before */
    assert_int_equal(trygg_time_from_local(2026, 3, 0, 12, 0, 0), utc(2026, 2, 28, 11, 0));
    assert_int_equal(trygg_time_from_local(2026, 13, 1, 12, 0, 0), utc(2027, 1, 1, 11, 0));
}

static void test_week_and_day(void **state)
{
    (void)state;
    /* Wednesday 1 April 2026 15:00 UTC: week from Monday 30 March 00:00 CEST */
    assert_int_equal(trygg_time_week_start(utc(2026, 4, 1, 15, 0)), utc(2026, 3, 29, 22, 0));
    /* Sunday 29 March 2026 (switch day): the week began Monday 23 March 00:00 CET */
    assert_int_equal(trygg_time_week_start(utc(2026, 3, 29, 12, 0)), utc(2026, 3, 22, 23, 0));
    /* Monday 00:30 local is in the new week */
    assert_int_equal(trygg_time_week_start(utc(2026, 11, 29, 23, 30)), utc(2026, 11, 29, 23, 0));
    assert_int_equal(trygg_time_day_start(utc(2026, 7, 1, 21, 59)), utc(2026, 6, 30, 22, 0));
    assert_int_equal(trygg_time_day_start(utc(2026, 7, 1, 22, 0)), utc(2026, 7, 1, 22, 0));
}

static void test_format_parse(void **state)
{
    (void)state;
    char out[64];
    assert_true(trygg_time_format(utc(2026, 7, 1, 10, 5), "%Y-%m-%d %H:%M %z", out, sizeof out) >
                0);
    assert_string_equal(out, "2026-07-01 12:05 +0200");
    trygg_time_format(utc(2026, 12, 3, 9, 0), "%a, %d %b %Y %H:%M:%S %z", out, sizeof out);
    assert_string_equal(out, "Thu, 03 Dec 2026 10:00:00 +0100");
    trygg_time_iso(utc(2026, 11, 30, 7, 0), out, sizeof out);
    assert_string_equal(out, "2026-11-30T08:00:00+01:00");
    trygg_time_format_utc(utc(2026, 11, 30, 7, 0), "%Y-%m-%dT%H:%M:%SZ", out, sizeof out);
    assert_string_equal(out, "2026-11-30T07:00:00Z");
    char small[4];
    assert_int_equal(trygg_time_format(0, "%Y-%m-%d", small, sizeof small), 0);
    assert_string_equal(small, "");

    int64_t t = 0;
    assert_int_equal(trygg_time_parse_day("2026-07-01", &t), TRYGG_OK);
    assert_int_equal(t, utc(2026, 6, 30, 22, 0));
    assert_int_equal(trygg_time_parse_day("2028-02-29", &t), TRYGG_OK);
    assert_int_equal(trygg_time_parse_day("2026-02-29", &t), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_time_parse_day("2026-7-01", &t), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_time_parse_day("2026-07-01x", &t), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_time_parse_day(NULL, &t), TRYGG_ERR_INVALID);
}

static void test_process_tz_ignored(void **state)
{
    (void)state;
    setenv("TZ", "America/New_York", 1);
    assert_int_equal(trygg_tz_offset(utc(2026, 7, 1, 12, 0)), 7200);
    unsetenv("TZ");
}

/* Runs last: it changes the process-wide zone. */
static void test_other_zones(void **state)
{
    (void)state;
    assert_int_equal(trygg_time_set_zone("../etc/passwd"), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_time_set_zone("/etc/passwd"), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_time_set_zone("No/Such_Zone"), TRYGG_ERR_NOTFOUND);
    assert_string_equal(trygg_time_zone(), "Europe/Stockholm");
    /* Sydney: summer time from October to April (southern rule), also in 2090 */
    assert_int_equal(trygg_time_set_zone("Australia/Sydney"), TRYGG_OK);
    assert_string_equal(trygg_time_zone(), "Australia/Sydney");
    assert_int_equal(trygg_tz_offset(utc(2026, 1, 15, 0, 0)), 11 * 3600);
    assert_int_equal(trygg_tz_offset(utc(2026, 7, 15, 0, 0)), 10 * 3600);
    assert_int_equal(trygg_tz_offset(utc(2090, 1, 15, 0, 0)), 11 * 3600);
    assert_int_equal(trygg_tz_offset(utc(2090, 7, 15, 0, 0)), 10 * 3600);
    assert_int_equal(trygg_time_set_zone("UTC"), TRYGG_OK);
    assert_int_equal(trygg_tz_offset(utc(2026, 7, 1, 0, 0)), 0);
    /* New York past its last transition: second Sunday of March 02:00 local */
    assert_int_equal(trygg_time_set_zone("America/New_York"), TRYGG_OK);
    assert_int_equal(trygg_tz_offset(utc(2090, 3, 12, 6, 59)), -5 * 3600);
    assert_int_equal(trygg_tz_offset(utc(2090, 3, 12, 7, 0)), -4 * 3600);
    char out[40];
    trygg_time_iso(utc(2090, 1, 1, 12, 0), out, sizeof out);
    assert_string_equal(out, "2090-01-01T07:00:00-05:00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stockholm_offsets), cmocka_unit_test(test_local_fields),
        cmocka_unit_test(test_from_local),        cmocka_unit_test(test_week_and_day),
        cmocka_unit_test(test_format_parse),      cmocka_unit_test(test_process_tz_ignored),
        cmocka_unit_test(test_other_zones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
