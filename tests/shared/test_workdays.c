/*
 * test_workdays.c — Swedish working days (trygg/workdays.h): Easter for
 * several years, every holiday of 2026, the movable Midsommar and Alla
 * helgons dag windows, and deadlines across weekends, Easter, Christmas and
 * a summer-time switch in the configured zone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "trygg/time.h"
#include "trygg/workdays.h"

static void expect_easter(int y, int m, int d)
{
    int em = 0, ed = 0;
    trygg_easter(y, &em, &ed);
    assert_int_equal(em, m);
    assert_int_equal(ed, d);
}

static void test_easter(void **state)
{
    (void)state;
    expect_easter(2024, 3, 31);
    expect_easter(2025, 4, 20);
    expect_easter(2026, 4, 5);
    expect_easter(2027, 3, 28);
    expect_easter(2019, 4, 21);
    expect_easter(2038, 4, 25); /* the latest possible date */
    expect_easter(2285, 3, 22); /* the earliest possible date */
    expect_easter(2000, 4, 23);
}

static void expect_holiday(int y, int m, int d, const char *id)
{
    const char *got = trygg_holiday(y, m, d);
    if (id == NULL) {
        if (got)
            fail_msg("%04d-%02d-%02d: unexpected holiday %s", y, m, d, got);
        return;
    }
    if (got == NULL)
        fail_msg("%04d-%02d-%02d: expected %s, got none", y, m, d, id);
    assert_string_equal(got, id);
    assert_false(trygg_is_workday(y, m, d));
}

static void test_holidays_2026(void **state)
{
    (void)state;
    expect_holiday(2026, 1, 1, "nyarsdagen");
    expect_holiday(2026, 1, 6, "trettondedag_jul");
    expect_holiday(2026, 4, 3, "langfredagen");
    expect_holiday(2026, 4, 5, "paskdagen");
    expect_holiday(2026, 4, 6, "annandag_pask");
    expect_holiday(2026, 5, 1, "forsta_maj");
    expect_holiday(2026, 5, 14, "kristi_himmelsfard");
    expect_holiday(2026, 5, 24, "pingstdagen");
    expect_holiday(2026, 6, 6, "nationaldagen");
    expect_holiday(2026, 6, 19, "midsommarafton");
    expect_holiday(2026, 6, 20, "midsommardagen");
    expect_holiday(2026, 10, 31, "alla_helgons_dag");
    expect_holiday(2026, 12, 24, "julafton");
    expect_holiday(2026, 12, 25, "juldagen");
    expect_holiday(2026, 12, 26, "annandag_jul");
    expect_holiday(2026, 12, 31, "nyarsafton");
    /* Ordinary days around them */
    expect_holiday(2026, 4, 2, NULL); /* Skärtorsdagen is a working day */
    expect_holiday(2026, 4, 7, NULL);
    expect_holiday(2026, 5, 25, NULL); /* Annandag pingst is no holiday since 2005 */
    expect_holiday(2026, 6, 26, NULL);
    expect_holiday(2026, 11, 1, NULL);
    assert_true(trygg_is_workday(2026, 4, 2));
    assert_true(trygg_is_workday(2026, 5, 25));
    assert_true(trygg_is_workday(2026, 12, 23));
    assert_false(trygg_is_workday(2026, 12, 5)); /* Saturday */
    assert_false(trygg_is_workday(2026, 12, 6)); /* Sunday */
}

static void test_movable_windows(void **state)
{
    (void)state;
    /* Midsommarafton over the years: always a Friday of 19..25 June */
    expect_holiday(2024, 6, 21, "midsommarafton");
    expect_holiday(2025, 6, 20, "midsommarafton");
    expect_holiday(2027, 6, 25, "midsommarafton");
    expect_holiday(2027, 6, 26, "midsommardagen");
    expect_holiday(2027, 6, 18, NULL); /* a Friday, but before the window */
    expect_holiday(2021, 6, 25, "midsommarafton");
    /* Alla helgons dag: the Saturday of 31 Oct..6 Nov */
    expect_holiday(2024, 11, 2, "alla_helgons_dag");
    expect_holiday(2025, 11, 1, "alla_helgons_dag");
    expect_holiday(2027, 11, 6, "alla_helgons_dag");
    expect_holiday(2027, 10, 30, NULL);
    /* Movable feasts of other years */
    expect_holiday(2025, 4, 18, "langfredagen");
    expect_holiday(2025, 4, 21, "annandag_pask");
    expect_holiday(2025, 5, 29, "kristi_himmelsfard");
    expect_holiday(2024, 3, 29, "langfredagen");
    expect_holiday(2024, 4, 1, "annandag_pask");
    expect_holiday(2024, 5, 9, "kristi_himmelsfard");
    expect_holiday(2027, 3, 26, "langfredagen");
    expect_holiday(2027, 3, 29, "annandag_pask");
    expect_holiday(2027, 5, 6, "kristi_himmelsfard");
}

static void expect_add(int y, int m, int d, int n, int ey, int em, int ed)
{
    int oy = 0, om = 0, od = 0;
    trygg_workdays_add_date(y, m, d, n, &oy, &om, &od);
    if (oy != ey || om != em || od != ed)
        fail_msg("%04d-%02d-%02d + %d: expected %04d-%02d-%02d, got %04d-%02d-%02d", y, m, d, n, ey,
                 em, ed, oy, om, od);
}

static void test_add_dates(void **state)
{
    (void)state;
    expect_add(2026, 12, 7, 0, 2026, 12, 7);   /* Monday itself */
    expect_add(2026, 12, 7, 5, 2026, 12, 14);  /* a plain week */
    expect_add(2026, 12, 4, 1, 2026, 12, 7);   /* Friday + 1 = Monday */
    expect_add(2026, 12, 5, 1, 2026, 12, 7);   /* Saturday + 1 = Monday */
    expect_add(2026, 12, 5, 0, 2026, 12, 7);   /* Saturday + 0 = Monday */
    expect_add(2026, 12, 23, 1, 2026, 12, 28); /* over Christmas */
    expect_add(2026, 12, 30, 1, 2027, 1, 4);   /* over the new year (Nyårsafton, 1 Jan, weekend) */
    expect_add(2027, 1, 5, 1, 2027, 1, 7);     /* over Trettondedag jul */
    expect_add(2026, 4, 2, 1, 2026, 4, 7);     /* Skärtorsdag + 1: over Easter */
    expect_add(2026, 6, 18, 1, 2026, 6, 22);   /* over Midsommar */
    expect_add(2026, 5, 13, 1, 2026, 5, 15);   /* over Kristi himmelsfärd */
    expect_add(2026, 5, 13, 5, 2026, 5, 21);
}

static void test_due_instants(void **state)
{
    (void)state;
    /* Friday 2026-12-04 16:00 Stockholm (15:00 UTC) + 1 working day: end of
     * Monday 2026-12-07, i.e. Tuesday 00:00 local = Monday 23:00 UTC. */
    int64_t from = trygg_civil_to_unix(2026, 12, 4, 15, 0, 0);
    assert_int_equal(trygg_workdays_due(from, 1), trygg_civil_to_unix(2026, 12, 7, 23, 0, 0));
    /* Late on Friday local but still Friday: 23:30 local = 22:30 UTC */
    from = trygg_civil_to_unix(2026, 12, 4, 22, 30, 0);
    assert_int_equal(trygg_workdays_due(from, 1), trygg_civil_to_unix(2026, 12, 7, 23, 0, 0));
    /* Just after local midnight on Saturday (Friday 23:30 UTC): still Monday */
    from = trygg_civil_to_unix(2026, 12, 4, 23, 30, 0);
    assert_int_equal(trygg_workdays_due(from, 1), trygg_civil_to_unix(2026, 12, 7, 23, 0, 0));
    /* Over the spring switch and Easter 2026: Thursday 26 March + 5 working
     * days = Thursday 2 April; its end is 00:00 CEST on 3 April = 22:00 UTC. */
    from = trygg_civil_to_unix(2026, 3, 26, 9, 0, 0);
    assert_int_equal(trygg_workdays_due(from, 5), trygg_civil_to_unix(2026, 4, 2, 22, 0, 0));
    /* + 6 runs over Långfredag..Annandag påsk to Tuesday 7 April */
    assert_int_equal(trygg_workdays_due(from, 6), trygg_civil_to_unix(2026, 4, 7, 22, 0, 0));
}

/* Ages in working days: a Monday item is 3 days old on Thursday; Christmas
 * and the weekend after it do not count. */
static void test_age(void **state)
{
    (void)state;
    assert_int_equal(trygg_time_set_zone("Europe/Stockholm"), TRYGG_OK);
    int64_t mon = trygg_time_from_local(2026, 11, 30, 9, 0, 0);
    assert_int_equal(trygg_workdays_between(mon, mon + 3600), 0);
    assert_int_equal(trygg_workdays_between(mon, trygg_time_from_local(2026, 12, 3, 16, 0, 0)), 3);
    assert_int_equal(trygg_workdays_between(mon, mon - 60), 0);
    int64_t dec23 = trygg_time_from_local(2026, 12, 23, 14, 0, 0);
    /* 24, 25 (holidays), 26, 27 (weekend), 28 Monday = 1, 29 = 2 */
    assert_int_equal(trygg_workdays_between(dec23, trygg_time_from_local(2026, 12, 27, 12, 0, 0)),
                     0);
    assert_int_equal(trygg_workdays_between(dec23, trygg_time_from_local(2026, 12, 29, 8, 0, 0)),
                     2);
}

static void test_zone_matters(void **state)
{
    (void)state;
    /* Friday 23:30 UTC is Saturday in Stockholm but Friday in UTC. */
    int64_t from = trygg_civil_to_unix(2026, 12, 4, 23, 30, 0);
    assert_int_equal(trygg_time_set_zone("UTC"), TRYGG_OK);
    assert_int_equal(trygg_workdays_due(from, 0), trygg_civil_to_unix(2026, 12, 5, 0, 0, 0));
    assert_int_equal(trygg_time_set_zone(TRYGG_TIME_ZONE_DEFAULT), TRYGG_OK);
    assert_int_equal(trygg_workdays_due(from, 0), trygg_civil_to_unix(2026, 12, 7, 23, 0, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_easter),
        cmocka_unit_test(test_holidays_2026),
        cmocka_unit_test(test_movable_windows),
        cmocka_unit_test(test_add_dates),
        cmocka_unit_test(test_due_instants),
        cmocka_unit_test(test_zone_matters),
        cmocka_unit_test(test_age),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
