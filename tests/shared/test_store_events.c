/* Conformance tests of partner events (store.h "Partner events", item.h
 * trygg_event): validation, organisation scope on every call, scrubbing of
 * personal data, week totals for the group's picture, and retention. Real
 * database files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "store_fixture.h"

static trygg_event make(const char *org, trygg_event_type type, const char *day, int count)
{
    trygg_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    snprintf(ev.day, sizeof ev.day, "%s", day);
    snprintf(ev.band, sizeof ev.band, "evening");
    snprintf(ev.area, sizeof ev.area, "centrum");
    snprintf(ev.place, sizeof ev.place, "Gångtunneln vid stationen");
    ev.count = count;
    snprintf(ev.text, sizeof ev.text, "Nytt klotter på väggen");
    snprintf(ev.org, sizeof ev.org, "%s", org);
    snprintf(ev.reporter, sizeof ev.reporter, "%s", strcmp(org, "housing") == 0 ? "hanna" : "sara");
    return ev;
}

static int64_t add(trygg_store *st, const trygg_event *ev)
{
    int64_t id = 0;
    assert_int_equal(trygg_store_event_add(st, ev, &id), TRYGG_OK);
    assert_true(id > 0);
    return id;
}

static void test_validation_refuses_and_stores_nothing(void **state)
{
    fixture *f = *state;
    struct {
        const char *day, *band;
        int count;
        int type;
        const char *field;
    } bad[] = {
        {"2026-02-30", "evening", 1, TRYGG_EVENT_DAMAGE, "day"},
        {"2026-12-5", "evening", 1, TRYGG_EVENT_DAMAGE, "day"},
        {"2026-12-05", "lunch", 1, TRYGG_EVENT_DAMAGE, "band"},
        {"2026-12-05", "evening", 0, TRYGG_EVENT_DAMAGE, "count"},
        {"2026-12-05", "evening", 1000, TRYGG_EVENT_DAMAGE, "count"},
        {"2026-12-05", "evening", 1, TRYGG_EVENT_TYPE_COUNT, "type"},
        {"2026-12-05", "evening", 1, -1, "type"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        trygg_event ev = make("housing", TRYGG_EVENT_DAMAGE, bad[i].day, bad[i].count);
        ev.type = (trygg_event_type)bad[i].type;
        snprintf(ev.band, sizeof ev.band, "%s", bad[i].band);
        const char *field = NULL;
        assert_int_equal(trygg_event_validate(&ev, &field), TRYGG_ERR_INVALID);
        assert_string_equal(field, bad[i].field);
        int64_t id = 0;
        assert_int_equal(trygg_store_event_add(f->st, &ev, &id), TRYGG_ERR_INVALID);
    }
    trygg_event ev = make("", TRYGG_EVENT_DAMAGE, "2026-12-05", 1);
    int64_t id = 0;
    assert_int_equal(trygg_store_event_add(f->st, &ev, &id), TRYGG_ERR_INVALID);
    ev = make("housing", TRYGG_EVENT_DAMAGE, "2026-12-05", 1);
    ev.text[0] = (char)0xff; /* not UTF-8 */
    assert_int_equal(trygg_store_event_add(f->st, &ev, &id), TRYGG_ERR_INVALID);
    assert_int_equal(fx_table_rows(f->st, "events"), 0);
}

static void test_scope_every_call(void **state)
{
    fixture *f = *state;
    trygg_event ev = make("housing", TRYGG_EVENT_GRAFFITI, "2026-12-01", 2);
    int64_t theirs = add(f->st, &ev);
    ev = make("streets", TRYGG_EVENT_LITTER, "2026-12-02", 1);
    int64_t other = add(f->st, &ev);

    trygg_event got;
    assert_int_equal(trygg_store_event_get(f->st, theirs, "housing", &got), TRYGG_OK);
    assert_int_equal(got.type, TRYGG_EVENT_GRAFFITI);
    assert_int_equal(got.count, 2);
    assert_string_equal(got.org, "housing");
    assert_string_equal(got.reporter, "hanna");
    assert_true(got.created > 0);
    /* Another organisation's event does not exist for this caller. */
    assert_int_equal(trygg_store_event_get(f->st, other, "housing", &got), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_event_get(f->st, other, NULL, &got), TRYGG_OK);

    trygg_event edit = make("housing", TRYGG_EVENT_DAMAGE, "2026-12-02", 5);
    edit.id = other;
    assert_int_equal(trygg_store_event_update(f->st, &edit, "housing"), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_event_delete(f->st, other, "housing"), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_event_get(f->st, other, NULL, &got), TRYGG_OK);
    assert_int_equal(got.type, TRYGG_EVENT_LITTER); /* unchanged */

    edit.id = theirs;
    snprintf(edit.org, sizeof edit.org, "streets"); /* org and reporter never move */
    snprintf(edit.reporter, sizeof edit.reporter, "mallory");
    assert_int_equal(trygg_store_event_update(f->st, &edit, "housing"), TRYGG_OK);
    assert_int_equal(trygg_store_event_get(f->st, theirs, "housing", &got), TRYGG_OK);
    assert_int_equal(got.type, TRYGG_EVENT_DAMAGE);
    assert_int_equal(got.count, 5);
    assert_string_equal(got.org, "housing");
    assert_string_equal(got.reporter, "hanna");

    trygg_event list[8];
    int n = -1;
    assert_int_equal(trygg_store_event_list(f->st, "housing", NULL, NULL, list, 8, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, theirs);
    assert_int_equal(trygg_store_event_list(f->st, NULL, NULL, NULL, list, 8, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, other); /* same day (12-02): the later filed first */
    assert_int_equal(trygg_store_event_list(f->st, NULL, "2026-12-03", "", list, 8, &n), TRYGG_OK);
    assert_int_equal(n, 0);

    assert_int_equal(trygg_store_event_delete(f->st, theirs, "housing"), TRYGG_OK);
    assert_int_equal(trygg_store_event_get(f->st, theirs, NULL, &got), TRYGG_ERR_NOTFOUND);
}

static void test_personal_data_scrubbed(void **state)
{
    fixture *f = *state;
    trygg_event ev = make("housing", TRYGG_EVENT_THREAT_STAFF, "2026-12-03", 1);
    snprintf(ev.text, sizeof ev.text, "Hotad av boende, ring 0701234567 eller 19800101-1234");
    snprintf(ev.place, sizeof ev.place, "Trappa 3, tel 0709876543");
    int64_t id = add(f->st, &ev);
    trygg_event got;
    assert_int_equal(trygg_store_event_get(f->st, id, NULL, &got), TRYGG_OK);
    assert_null(strstr(got.text, "0701234567"));
    assert_null(strstr(got.text, "19800101-1234"));
    assert_null(strstr(got.place, "0709876543"));
    assert_non_null(strstr(got.text, "Hotad av boende"));
    assert_int_equal(fx_rows_containing(f->st, "0701234567", "events"), 0);
    assert_int_equal(fx_rows_containing(f->st, "19800101", "events"), 0);
}

static void test_week_totals(void **state)
{
    fixture *f = *state;
    /* ISO week 49 of 2026: Monday 30 November .. Sunday 6 December. */
    trygg_event ev = make("housing", TRYGG_EVENT_GRAFFITI, "2026-11-30", 3);
    add(f->st, &ev);
    ev = make("streets", TRYGG_EVENT_GRAFFITI, "2026-12-06", 2);
    add(f->st, &ev);
    ev = make("security", TRYGG_EVENT_FIRE, "2026-12-04", 1);
    add(f->st, &ev);
    ev = make("housing", TRYGG_EVENT_GRAFFITI, "2026-12-07", 9); /* next week */
    add(f->st, &ev);
    ev = make("housing", TRYGG_EVENT_FIRE, "2026-11-29", 9); /* previous week */
    add(f->st, &ev);
    int counts[TRYGG_EVENT_TYPE_COUNT];
    assert_int_equal(trygg_store_event_totals(f->st, "2026-11-30", "2026-12-06", counts), TRYGG_OK);
    assert_int_equal(counts[TRYGG_EVENT_GRAFFITI], 5);
    assert_int_equal(counts[TRYGG_EVENT_FIRE], 1);
    assert_int_equal(counts[TRYGG_EVENT_DAMAGE], 0);
    int sum = 0;
    for (int i = 0; i < TRYGG_EVENT_TYPE_COUNT; i++)
        sum += counts[i];
    assert_int_equal(sum, 6);
}

static void test_names_round_trip(void **state)
{
    (void)state;
    for (int i = 0; i < TRYGG_EVENT_TYPE_COUNT; i++) {
        trygg_event_type t;
        assert_int_equal(trygg_event_type_parse(trygg_event_type_name((trygg_event_type)i), &t),
                         TRYGG_OK);
        assert_int_equal((int)t, i);
    }
    trygg_event_type t;
    assert_int_equal(trygg_event_type_parse("klotter", &t), TRYGG_ERR_INVALID);
    assert_string_equal(trygg_event_band_name(0), "night");
    assert_string_equal(trygg_event_band_name(TRYGG_EVENT_BAND_COUNT), "?");
}

static void test_purged_after_a_year(void **state)
{
    fixture *f = *state;
    trygg_event ev = make("housing", TRYGG_EVENT_LITTER, "2026-12-01", 1);
    add(f->st, &ev);
    int n = 0;
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(trygg_store_purge(f->st, now + 364 * 86400, &n), TRYGG_OK);
    assert_int_equal(fx_table_rows(f->st, "events"), 1);
    assert_int_equal(trygg_store_purge(f->st, now + 366 * 86400, &n), TRYGG_OK);
    assert_int_equal(fx_table_rows(f->st, "events"), 0);
}

static void test_add_many_all_or_none(void **state)
{
    fixture *f = *state;
    trygg_event evs[3];
    for (int i = 0; i < 3; i++)
        evs[i] = make("housing", TRYGG_EVENT_LITTER, "2026-12-01", i + 1);
    evs[2].count = 0; /* the last one is refused */
    assert_int_equal(trygg_store_event_add_many(f->st, evs, 3), TRYGG_ERR_INVALID);
    assert_non_null(strstr(trygg_store_errmsg(f->st), "event 2"));
    assert_int_equal(fx_table_rows(f->st, "events"), 0);
    evs[2].count = 3;
    assert_int_equal(trygg_store_event_add_many(f->st, evs, 3), TRYGG_OK);
    assert_int_equal(fx_table_rows(f->st, "events"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_validation_refuses_and_stores_nothing, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_scope_every_call, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_personal_data_scrubbed, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_week_totals, fx_setup, fx_teardown),
        cmocka_unit_test(test_names_round_trip),
        cmocka_unit_test_setup_teardown(test_purged_after_a_year, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_add_many_all_or_none, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
