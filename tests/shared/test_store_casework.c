/* Conformance tests of case work in the store (store.h only): assigning an
 * item to a staff member of its recipient department, and response
 * deadlines (due_at, the overdue filter). Real database files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_fixture.h"

static void add_user(trygg_store *st, const char *name, const char *role, const char *dest)
{
    trygg_user u = {0};
    snprintf(u.username, sizeof u.username, "%s", name);
    snprintf(u.display, sizeof u.display, "%s", name);
    snprintf(u.role, sizeof u.role, "%s", role);
    snprintf(u.destination, sizeof u.destination, "%s", dest);
    assert_int_equal(trygg_store_user_add(st, &u, "korrekt-häst-batteri"), TRYGG_OK);
}

static int64_t submit_to(trygg_store *st, const char *key, const char *dest, int64_t created)
{
    trygg_item it, out;
    int made = -1;
    fx_item(&it, key, TRYGG_KIND_FAULT, "centrum", "Lampan är trasig");
    it.created = created;
    snprintf(it.destination, sizeof it.destination, "%s", dest);
    assert_int_equal(trygg_store_submit(st, &it, &out, &made), TRYGG_OK);
    if (strcmp(out.destination, dest) != 0)
        assert_int_equal(trygg_store_set_destination(st, out.id, "system", dest), TRYGG_OK);
    return out.id;
}

static int count_audit(trygg_store *st, int64_t id, const char *action, const char *detail)
{
    trygg_audit rows[32];
    int n = 0, c = 0;
    assert_int_equal(trygg_store_list_audit(st, id, rows, 32, &n), TRYGG_OK);
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].action, action) == 0 && (!detail || strcmp(rows[i].detail, detail) == 0))
            c++;
    return c;
}

static int setup_people(void **state)
{
    if (fx_setup(state) != 0)
        return -1;
    fixture *f = *state;
    trygg_destination d = {0};
    snprintf(d.name, sizeof d.name, "housing");
    snprintf(d.label, sizeof d.label, "Bostadsbolaget");
    assert_int_equal(trygg_store_dest_put(f->st, &d), TRYGG_OK);
    snprintf(d.name, sizeof d.name, "streets");
    snprintf(d.label, sizeof d.label, "Gatukontoret");
    assert_int_equal(trygg_store_dest_put(f->st, &d), TRYGG_OK);
    add_user(f->st, "sara", "security", "");
    add_user(f->st, "hanna", "destination", "housing");
    add_user(f->st, "henrik", "destination", "housing");
    add_user(f->st, "gustav", "destination", "streets");
    return 0;
}

static void test_assign_reassign_unassign(void **state)
{
    fixture *f = *state;
    int64_t id = submit_to(f->st, "k-1", "housing", 0);
    trygg_item it;
    assert_int_equal(trygg_store_assign(f->st, id, "sara", "hanna"), TRYGG_OK);
    assert_int_equal(trygg_store_get(f->st, id, &it), TRYGG_OK);
    assert_string_equal(it.assignee, "hanna");
    /* The shared view carries the assignee too */
    assert_int_equal(trygg_store_get_view(f->st, id, TRYGG_VIEW_SHARED, &it), TRYGG_OK);
    assert_string_equal(it.assignee, "hanna");
    assert_int_equal(count_audit(f->st, id, "assign", " -> hanna"), 1);
    /* Again: nothing written */
    assert_int_equal(trygg_store_assign(f->st, id, "sara", "hanna"), TRYGG_OK);
    assert_int_equal(count_audit(f->st, id, "assign", NULL), 1);
    /* Reassign within the department, to security, then unassign */
    assert_int_equal(trygg_store_assign(f->st, id, "hanna", "henrik"), TRYGG_OK);
    assert_int_equal(count_audit(f->st, id, "assign", "hanna -> henrik"), 1);
    assert_int_equal(trygg_store_assign(f->st, id, "sara", "sara"), TRYGG_OK);
    assert_int_equal(trygg_store_assign(f->st, id, "sara", ""), TRYGG_OK);
    assert_int_equal(count_audit(f->st, id, "assign", "sara -> "), 1);
    assert_int_equal(trygg_store_get(f->st, id, &it), TRYGG_OK);
    assert_string_equal(it.assignee, "");
    assert_int_equal(trygg_store_assign(f->st, id, "sara", NULL), TRYGG_OK);
    assert_int_equal(count_audit(f->st, id, "assign", NULL), 4);
}

static void test_assign_refuses_outsiders(void **state)
{
    fixture *f = *state;
    int64_t id = submit_to(f->st, "k-2", "housing", 0);
    assert_int_equal(trygg_store_assign(f->st, id, "sara", "hanna"), TRYGG_OK);
    /* A user of another department, an unknown user, a disabled user: refused,
     * nothing changes, nothing audited. */
    assert_int_equal(trygg_store_assign(f->st, id, "sara", "gustav"), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_assign(f->st, id, "sara", "nobody"), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_user_set_disabled(f->st, "henrik", 1), TRYGG_OK);
    assert_int_equal(trygg_store_assign(f->st, id, "sara", "henrik"), TRYGG_ERR_INVALID);
    trygg_item it;
    assert_int_equal(trygg_store_get(f->st, id, &it), TRYGG_OK);
    assert_string_equal(it.assignee, "hanna");
    assert_int_equal(count_audit(f->st, id, "assign", NULL), 1);
    assert_int_equal(trygg_store_assign(f->st, 999999, "sara", "sara"), TRYGG_ERR_NOTFOUND);
}

static void test_filter_by_assignee(void **state)
{
    fixture *f = *state;
    int64_t a = submit_to(f->st, "k-3", "housing", 0);
    int64_t b = submit_to(f->st, "k-4", "housing", 0);
    (void)submit_to(f->st, "k-5", "housing", 0);
    assert_int_equal(trygg_store_assign(f->st, a, "sara", "hanna"), TRYGG_OK);
    assert_int_equal(trygg_store_assign(f->st, b, "sara", "hanna"), TRYGG_OK);
    assert_int_equal(
        trygg_store_set_status(f->st, b, "sara", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_RESOLVED, 0),
        TRYGG_OK);
    trygg_filter fl;
    trygg_filter_init(&fl);
    snprintf(fl.assignee, sizeof fl.assignee, "hanna");
    int64_t counts[TRYGG_STATUS_COUNT];
    assert_int_equal(trygg_store_count_by_status(f->st, &fl, counts), TRYGG_OK);
    assert_int_equal(counts[TRYGG_STATUS_NEW], 1);
    assert_int_equal(counts[TRYGG_STATUS_CLOSED], 1);
    fl.open_only = 1;
    trygg_item items[4];
    int n = 0;
    assert_int_equal(trygg_store_list(f->st, &fl, NULL, items, 4, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, a);
}

static void test_due_and_overdue(void **state)
{
    fixture *f = *state;
    int64_t a = submit_to(f->st, "k-6", "housing", 1000);
    int64_t b = submit_to(f->st, "k-7", "housing", 2000);
    int64_t c = submit_to(f->st, "k-8", "housing", 3000);
    int64_t ids[8];
    int n = 0;
    assert_int_equal(trygg_store_list_undue(f->st, ids, 8, &n), TRYGG_OK);
    assert_int_equal(n, 3);
    assert_int_equal(ids[0], a); /* oldest first */
    assert_int_equal(trygg_store_set_due(f->st, a, 5000), TRYGG_OK);
    assert_int_equal(trygg_store_set_due(f->st, b, 9000), TRYGG_OK);
    assert_int_equal(trygg_store_set_due(f->st, c, 5000), TRYGG_OK);
    assert_int_equal(trygg_store_set_due(f->st, 999999, 1), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_list_undue(f->st, ids, 8, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        trygg_store_set_status(f->st, c, "sara", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_RESOLVED, 0),
        TRYGG_OK);
    trygg_filter fl;
    trygg_filter_init(&fl);
    fl.due_before = 6000; /* a is overdue; b not yet; c is closed */
    trygg_item items[4];
    assert_int_equal(trygg_store_list(f->st, &fl, NULL, items, 4, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, a);
    assert_int_equal(items[0].due_at, 5000);
    /* A change of category forgets the deadline, so it is computed again */
    assert_int_equal(trygg_store_update(f->st, a, "sara", "graffiti", NULL, -1), TRYGG_OK);
    assert_int_equal(trygg_store_list_undue(f->st, ids, 8, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], a);
    assert_int_equal(trygg_store_set_urgent(f->st, b, "sara", 1), TRYGG_OK);
    assert_int_equal(trygg_store_list_undue(f->st, ids, 8, &n), TRYGG_OK);
    assert_int_equal(n, 2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_people, fx_teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_assign_reassign_unassign),
        T(test_assign_refuses_outsiders),
        T(test_filter_by_assignee),
        T(test_due_and_overdue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
