/* Conformance tests of the group's meeting and measures (store.h "Meeting
 * and measures"): versioned assessments, decisions and their status, the
 * measures register, the åtgärdsplan's preamble, and the before/after
 * windows of a measure — across the turn of a year with an ISO week 53.
 * Real database files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_fixture.h"
#include "trygg/time.h"

static void test_note_versions(void **state)
{
    fixture *f = *state;
    trygg_week_note n = {.week = "2026-w7", .author = "sara"};
    snprintf(n.assessment, sizeof n.assessment, "Lugn vecka.");
    int v = 0;
    assert_int_equal(trygg_store_note_save(f->st, &n, &v), TRYGG_OK);
    assert_int_equal(v, 1);
    snprintf(n.author, sizeof n.author, "olle");
    snprintf(n.assessment, sizeof n.assessment, "Oro vid Resecentrum, ring 070-123 45 67.");
    n.publish = 1;
    assert_int_equal(trygg_store_note_save(f->st, &n, &v), TRYGG_OK);
    assert_int_equal(v, 2);
    trygg_week_note got;
    assert_int_equal(trygg_store_note_get(f->st, "2026-W07", 0, &got), TRYGG_OK);
    assert_int_equal(got.version, 2);
    assert_string_equal(got.week, "2026-W07");
    assert_string_equal(got.author, "olle");
    assert_int_equal(got.publish, 1);
    assert_non_null(strstr(got.assessment, "Oro vid Resecentrum"));
    assert_null(strstr(got.assessment, "123 45 67")); /* scrubbed before it was written */
    assert_int_equal(trygg_store_note_get(f->st, "2026-W07", 1, &got), TRYGG_OK);
    assert_string_equal(got.assessment, "Lugn vecka.");
    assert_string_equal(got.author, "sara");
    assert_int_equal(got.publish, 0);
    assert_true(got.created > 0);
    trygg_week_note all[4];
    int cnt = 0;
    assert_int_equal(trygg_store_note_versions(f->st, "2026-W07", all, 4, &cnt), TRYGG_OK);
    assert_int_equal(cnt, 2);
    assert_int_equal(all[0].version, 2);
    assert_int_equal(all[1].version, 1);
    /* Another week has its own numbering; a missing one is not found. */
    snprintf(n.week, sizeof n.week, "2026-W08");
    assert_int_equal(trygg_store_note_save(f->st, &n, &v), TRYGG_OK);
    assert_int_equal(v, 1);
    assert_int_equal(trygg_store_note_get(f->st, "2026-W09", 0, &got), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_note_get(f->st, "2026-W07", 3, &got), TRYGG_ERR_NOTFOUND);
    /* Refused: a week that does not exist, no author. */
    snprintf(n.week, sizeof n.week, "2025-W53");
    assert_int_equal(trygg_store_note_save(f->st, &n, &v), TRYGG_ERR_INVALID);
    snprintf(n.week, sizeof n.week, "2026-W08");
    n.author[0] = '\0';
    assert_int_equal(trygg_store_note_save(f->st, &n, &v), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_note_versions(f->st, "2026-W08", all, 4, &cnt), TRYGG_OK);
    assert_int_equal(cnt, 1);
}

static void test_decisions(void **state)
{
    fixture *f = *state;
    trygg_decision d = {.week = "2026-W47", .org = "housing"};
    snprintf(d.text, sizeof d.text, "Byt belysning i gångtunneln");
    int64_t a = 0, b = 0;
    assert_int_equal(trygg_store_decision_add(f->st, &d, &a), TRYGG_OK);
    snprintf(d.text, sizeof d.text, "Extra rond fredag kväll");
    d.org[0] = '\0';
    assert_int_equal(trygg_store_decision_add(f->st, &d, &b), TRYGG_OK);
    assert_int_equal(trygg_store_decision_status(f->st, a, "done", "sara"), TRYGG_OK);
    assert_int_equal(trygg_store_decision_status(f->st, b, "closed", "sara"), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_decision_status(f->st, b + 100, "done", "sara"),
                     TRYGG_ERR_NOTFOUND);
    d.text[0] = '\0';
    assert_int_equal(trygg_store_decision_add(f->st, &d, NULL), TRYGG_ERR_INVALID);
    trygg_decision got[4];
    int n = 0;
    assert_int_equal(trygg_store_decision_list(f->st, "2026-W47", got, 4, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(got[0].id, a);
    assert_string_equal(got[0].status, "done");
    assert_string_equal(got[0].org, "housing");
    assert_string_equal(got[1].status, "open");
    assert_int_equal(trygg_store_decision_list(f->st, "2026-W48", got, 4, &n), TRYGG_OK);
    assert_int_equal(n, 0);
}

/* A decision's status changes are kept with who and when; setting the
 * status it has, a refused change and another week's decisions add nothing. */
static void test_decision_history(void **state)
{
    fixture *f = *state;
    trygg_decision d = {.week = "2026-W48", .org = "housing", .by = "sara"};
    snprintf(d.text, sizeof d.text, "Klotterjour vid Resecentrum");
    int64_t a = 0, b = 0, other = 0;
    assert_int_equal(trygg_store_decision_add(f->st, &d, &a), TRYGG_OK);
    snprintf(d.text, sizeof d.text, "Rond vid skolan");
    d.by[0] = '\0';
    assert_int_equal(trygg_store_decision_add(f->st, &d, &b), TRYGG_OK);
    snprintf(d.week, sizeof d.week, "2026-W49");
    assert_int_equal(trygg_store_decision_add(f->st, &d, &other), TRYGG_OK);
    assert_int_equal(trygg_store_decision_status(f->st, a, "done", "olle"), TRYGG_OK);
    assert_int_equal(trygg_store_decision_status(f->st, a, "done", "olle"), TRYGG_OK);
    assert_int_equal(trygg_store_decision_status(f->st, a, "open", "sara"), TRYGG_OK);
    assert_int_equal(trygg_store_decision_status(f->st, b, "dropped", ""), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_decision_status(f->st, b, "dropped", NULL), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_decision_status(f->st, b, "gone", "olle"), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_decision_status(f->st, other, "dropped", "olle"), TRYGG_OK);
    trygg_decision_change h[8];
    int n = 0;
    assert_int_equal(trygg_store_decision_history(f->st, "2026-w48", h, 8, &n), TRYGG_OK);
    assert_int_equal(n, 4);
    assert_int_equal(h[0].decision, a);
    assert_string_equal(h[0].status, "open");
    assert_string_equal(h[0].by, "sara");
    assert_true(h[0].at > 0);
    assert_string_equal(h[1].status, "done");
    assert_string_equal(h[1].by, "olle");
    assert_true(h[1].at >= h[0].at);
    assert_string_equal(h[2].status, "open");
    assert_string_equal(h[2].by, "sara");
    assert_int_equal(h[3].decision, b);
    assert_string_equal(h[3].status, "open");
    assert_string_equal(h[3].by, "");
    trygg_decision got[2];
    assert_int_equal(trygg_store_decision_list(f->st, "2026-W48", got, 2, &n), TRYGG_OK);
    assert_string_equal(got[0].status, "open");
    assert_string_equal(got[0].by, "sara");
    assert_string_equal(got[1].status, "open");
    /* The limit bounds the list. */
    assert_int_equal(trygg_store_decision_history(f->st, "2026-W48", h, 2, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(trygg_store_decision_history(f->st, "2026-W49", h, 8, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_string_equal(h[1].status, "dropped");
    assert_int_equal(trygg_store_decision_history(f->st, "2026-W60", h, 8, &n), TRYGG_ERR_INVALID);
}

static trygg_measure measure(const char *title, int priority, const char *start)
{
    trygg_measure m;
    memset(&m, 0, sizeof m);
    snprintf(m.title, sizeof m.title, "%s", title);
    snprintf(m.problem, sizeof m.problem, "Skadegörelse och otrygghet kvällstid");
    snprintf(m.places[0], sizeof m.places[0], "resecentrum");
    m.nplaces = 1;
    snprintf(m.cats[0], sizeof m.cats[0], "vandalism");
    m.ncats = 1;
    m.types = 1u << TRYGG_EVENT_GRAFFITI | 1u << TRYGG_EVENT_DAMAGE;
    snprintf(m.org, sizeof m.org, "housing");
    snprintf(m.start_day, sizeof m.start_day, "%s", start);
    snprintf(m.status, sizeof m.status, "ongoing");
    m.priority = priority;
    m.cost = -1;
    snprintf(m.indicator, sizeof m.indicator, "Klotteranmälningar per vecka");
    return m;
}

static void test_measures_register(void **state)
{
    fixture *f = *state;
    trygg_measure a = measure("Belysning i gångtunneln", 2, "2026-10-01");
    trygg_measure b = measure("Kameraövervakning", 1, "2026-11-01");
    int64_t ia = 0, ib = 0;
    assert_int_equal(trygg_store_measure_add(f->st, &a, &ia), TRYGG_OK);
    assert_int_equal(trygg_store_measure_add(f->st, &b, &ib), TRYGG_OK);
    trygg_measure got;
    assert_int_equal(trygg_store_measure_get(f->st, ia, &got), TRYGG_OK);
    assert_string_equal(got.title, "Belysning i gångtunneln");
    assert_int_equal(got.nplaces, 1);
    assert_string_equal(got.places[0], "resecentrum");
    assert_string_equal(got.cats[0], "vandalism");
    assert_int_equal(got.types, a.types);
    assert_int_equal(got.cost, -1);
    got.cost = 45000;
    snprintf(got.end_day, sizeof got.end_day, "2027-03-31");
    snprintf(got.places[1], sizeof got.places[1], "lodose_tunnel");
    got.nplaces = 2;
    assert_int_equal(trygg_store_measure_update(f->st, &got), TRYGG_OK);
    trygg_measure list[4];
    int n = 0;
    assert_int_equal(trygg_store_measure_list(f->st, list, 4, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, ib); /* priority 1 first */
    assert_int_equal(list[1].cost, 45000);
    assert_int_equal(list[1].nplaces, 2);
    assert_string_equal(list[1].places[1], "lodose_tunnel");
    assert_string_equal(list[1].end_day, "2027-03-31");
    /* Refused, and nothing changes. */
    const char *field = NULL;
    snprintf(got.end_day, sizeof got.end_day, "2026-09-30");
    assert_int_equal(trygg_measure_validate(&got, &field), TRYGG_ERR_INVALID);
    assert_string_equal(field, "end_day");
    assert_int_equal(trygg_store_measure_update(f->st, &got), TRYGG_ERR_INVALID);
    trygg_measure bad = measure("", 1, "2026-11-01");
    assert_int_equal(trygg_store_measure_add(f->st, &bad, NULL), TRYGG_ERR_INVALID);
    bad = measure("x", 4, "2026-11-01");
    assert_int_equal(trygg_measure_validate(&bad, &field), TRYGG_ERR_INVALID);
    assert_string_equal(field, "priority");
    bad = measure("x", 1, "2026-02-29");
    assert_int_equal(trygg_measure_validate(&bad, &field), TRYGG_ERR_INVALID);
    assert_string_equal(field, "start_day");
    assert_int_equal(trygg_store_measure_get(f->st, ia + ib + 10, &got), TRYGG_ERR_NOTFOUND);
}

static void test_plan_preamble(void **state)
{
    fixture *f = *state;
    char text[256];
    int64_t at = -1;
    assert_int_equal(trygg_store_plan_get(f->st, text, sizeof text, &at), TRYGG_OK);
    assert_string_equal(text, "");
    assert_int_equal(at, 0);
    assert_int_equal(trygg_store_plan_set(f->st, "Planen gäller 2027."), TRYGG_OK);
    assert_int_equal(trygg_store_plan_set(f->st, "Planen gäller 2027–2028."), TRYGG_OK);
    assert_int_equal(trygg_store_plan_get(f->st, text, sizeof text, &at), TRYGG_OK);
    assert_string_equal(text, "Planen gäller 2027–2028.");
    assert_true(at > 0);
}

/* An item at `area`/`place` of `category`, created at local y-m-d 12:00. */
static int64_t item_at(fixture *f, const char *key, const char *area, const char *place,
                       const char *category, int y, int m, int d)
{
    trygg_item it;
    fx_item(&it, key, TRYGG_KIND_CONCERN, area, "Sönderslagen ruta");
    snprintf(it.place, sizeof it.place, "%s", place);
    snprintf(it.category, sizeof it.category, "%s", category);
    int created = 0;
    assert_int_equal(trygg_store_submit(f->st, &it, &it, &created), TRYGG_OK);
    assert_int_equal(
        trygg_store_test_item_times(f->st, it.id, trygg_local_to_utc(y, m, d, 12, 0), 0), TRYGG_OK);
    return it.id;
}

static void event_at(fixture *f, trygg_event_type type, const char *day, const char *place,
                     int count)
{
    trygg_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    snprintf(ev.day, sizeof ev.day, "%s", day);
    snprintf(ev.band, sizeof ev.band, "evening");
    snprintf(ev.area, sizeof ev.area, "centrum");
    snprintf(ev.place, sizeof ev.place, "%s", place);
    ev.count = count;
    snprintf(ev.org, sizeof ev.org, "housing");
    snprintf(ev.reporter, sizeof ev.reporter, "hanna");
    int64_t id;
    assert_int_equal(trygg_store_event_add(f->st, &ev, &id), TRYGG_OK);
}

/* A measure started on Wednesday 6 January 2027 (week 2027-W01): with two
 * weeks the "before" window is 2026-W52 and 2026-W53 (2026 has 53 ISO
 * weeks; 1–3 January 2027 belong to 2026-W53), "after" 2027-W01 and W02. */
static void test_effect_across_the_year(void **state)
{
    fixture *f = *state;
    const char *R = "Resecentrum";
    item_at(f, "b1", "centrum", R, "vandalism", 2026, 12, 21);      /* W52: before */
    item_at(f, "b2", "centrum", R, "vandalism", 2027, 1, 3);        /* W53 (Sunday): before */
    item_at(f, "o1", "centrum", R, "vandalism", 2026, 12, 20);      /* W51: outside */
    item_at(f, "a1", "centrum", R, "vandalism", 2027, 1, 4);        /* W01 (Monday): after */
    item_at(f, "a2", "centrum", R, "vandalism", 2027, 1, 17);       /* W02 (Sunday): after */
    item_at(f, "o2", "centrum", R, "vandalism", 2027, 1, 18);       /* W03: outside */
    item_at(f, "x1", "centrum", R, "lighting", 2027, 1, 5);         /* another category */
    item_at(f, "x2", "centrum", "Torget", "vandalism", 2027, 1, 5); /* another place */
    item_at(f, "x3", "gota", R, "vandalism", 2027, 1, 5);           /* same text, other area */
    int64_t keep = item_at(f, "a3", "centrum", R, "vandalism", 2027, 1, 6);
    int64_t dup = item_at(f, "d1", "centrum", R, "vandalism", 2027, 1, 6);
    assert_int_equal(trygg_store_set_status(f->st, dup, "tester", TRYGG_STATUS_CLOSED,
                                            TRYGG_CLOSE_DUPLICATE, keep),
                     TRYGG_OK);
    event_at(f, TRYGG_EVENT_GRAFFITI, "2026-12-28", R, 3); /* W53 */
    event_at(f, TRYGG_EVENT_GRAFFITI, "2026-12-20", R, 7); /* W51: outside */
    event_at(f, TRYGG_EVENT_GRAFFITI, "2027-01-10", R, 2); /* W01 */
    event_at(f, TRYGG_EVENT_DAMAGE, "2027-01-11", R, 1);   /* W02, type not linked */
    event_at(f, TRYGG_EVENT_GRAFFITI, "2027-01-11", "Torget", 5);

    trygg_effect_query q;
    memset(&q, 0, sizeof q);
    snprintf(q.places[0].area, sizeof q.places[0].area, "centrum");
    snprintf(q.places[0].label, sizeof q.places[0].label, "%s", R);
    q.nplaces = 1;
    snprintf(q.cats[0], sizeof q.cats[0], "vandalism");
    q.ncats = 1;
    q.types = 1u << TRYGG_EVENT_GRAFFITI;
    snprintf(q.start_day, sizeof q.start_day, "2027-01-06");
    q.weeks = 2;
    int64_t now = trygg_local_to_utc(2027, 1, 12, 9, 0); /* in W02 */
    trygg_effect e;
    assert_int_equal(trygg_store_measure_effect(f->st, &q, now, &e), TRYGG_OK);
    assert_string_equal(e.before_from, "2026-W52");
    assert_string_equal(e.before_to, "2026-W53");
    assert_string_equal(e.after_from, "2027-W01");
    assert_string_equal(e.after_to, "2027-W02");
    assert_int_equal(e.after_done, 1);
    assert_int_equal(e.items_before, 2);
    assert_int_equal(e.items_after, 3); /* a1, a2, a3; not the duplicate */
    assert_int_equal(e.events_before, 3);
    assert_int_equal(e.events_after, 2);

    /* Every category and type when none is linked; two places add up. */
    q.ncats = 0;
    q.types = 0;
    snprintf(q.places[1].area, sizeof q.places[1].area, "centrum");
    snprintf(q.places[1].label, sizeof q.places[1].label, "Torget");
    q.nplaces = 2;
    assert_int_equal(trygg_store_measure_effect(f->st, &q, now, &e), TRYGG_OK);
    assert_int_equal(e.items_after, 5); /* + lighting, + Torget */
    assert_int_equal(e.events_after, 2 + 1 + 5);

    /* One week: before is 2026-W53 alone. */
    q.weeks = 1;
    assert_int_equal(trygg_store_measure_effect(f->st, &q, now, &e), TRYGG_OK);
    assert_string_equal(e.before_from, "2026-W53");
    assert_string_equal(e.after_to, "2027-W01");
    assert_int_equal(e.items_before, 1);

    q.weeks = 0;
    assert_int_equal(trygg_store_measure_effect(f->st, &q, now, &e), TRYGG_ERR_INVALID);
    q.weeks = 8;
    snprintf(q.start_day, sizeof q.start_day, "2027-13-01");
    assert_int_equal(trygg_store_measure_effect(f->st, &q, now, &e), TRYGG_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_note_versions, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_decisions, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_decision_history, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_measures_register, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_plan_preamble, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_effect_across_the_year, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
