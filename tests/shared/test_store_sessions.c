/*
 * test_store_sessions.c — staff sessions and login failures in the store
 * (store.h "Staff sessions and login limits"): what one handle writes,
 * another handle on the same database sees (several servers), windows of
 * login failures, ending one session or all of a user's, the purge.
 * Runs on both backends (store_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_fixture.h"

static trygg_session make(const char *hash, const char *user, int64_t now)
{
    trygg_session s;
    memset(&s, 0, sizeof s);
    snprintf(s.token_hash, sizeof s.token_hash, "%s", hash);
    snprintf(s.csrf, sizeof s.csrf, "csrf-%s", hash);
    snprintf(s.username, sizeof s.username, "%s", user);
    snprintf(s.display, sizeof s.display, "Anna Andersson");
    snprintf(s.role, sizeof s.role, "security");
    snprintf(s.lang, sizeof s.lang, "sv");
    s.stage = 2;
    s.created = s.last_seen = now;
    return s;
}

static void test_shared_between_handles(void **state)
{
    fixture *f = *state;
    trygg_store *other;
    assert_int_equal(trygg_store_open(f->path, &other), TRYGG_OK);
    trygg_session s = make("aa11", "anna", 1000);
    assert_int_equal(trygg_store_session_put(f->st, &s), TRYGG_OK);
    assert_int_equal(trygg_store_session_put(f->st, &s), TRYGG_ERR_EXISTS);
    trygg_session got;
    assert_int_equal(trygg_store_session_get(other, "aa11", &got), TRYGG_OK);
    assert_string_equal(got.username, "anna");
    assert_string_equal(got.csrf, "csrf-aa11");
    assert_string_equal(got.display, "Anna Andersson");
    assert_int_equal(got.stage, 2);
    assert_int_equal(got.created, 1000);
    /* The other server moves it on: the first sees it. */
    got.last_seen = 1500;
    got.stage = 3;
    snprintf(got.lang, sizeof got.lang, "en");
    got.can_call_back = 1;
    assert_int_equal(trygg_store_session_update(other, &got), TRYGG_OK);
    assert_int_equal(trygg_store_session_get(f->st, "aa11", &s), TRYGG_OK);
    assert_int_equal(s.last_seen, 1500);
    assert_int_equal(s.stage, 3);
    assert_string_equal(s.lang, "en");
    assert_int_equal(s.can_call_back, 1);
    assert_int_equal(trygg_store_session_get(f->st, "bb22", &s), TRYGG_ERR_NOTFOUND);
    /* Logging out on one ends it everywhere. */
    assert_int_equal(trygg_store_session_delete(other, "aa11"), TRYGG_OK);
    assert_int_equal(trygg_store_session_get(f->st, "aa11", &s), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_session_update(f->st, &got), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_session_delete(other, "aa11"), TRYGG_OK);
    trygg_store_close(other);
}

static void test_user_and_purge(void **state)
{
    fixture *f = *state;
    trygg_session a = make("a1", "anna", 1000), b = make("a2", "anna", 2000),
                  c = make("c1", "cecilia", 3000);
    assert_int_equal(trygg_store_session_put(f->st, &a), TRYGG_OK);
    assert_int_equal(trygg_store_session_put(f->st, &b), TRYGG_OK);
    assert_int_equal(trygg_store_session_put(f->st, &c), TRYGG_OK);
    assert_int_equal(trygg_store_session_delete_user(f->st, "anna"), TRYGG_OK);
    trygg_session s;
    assert_int_equal(trygg_store_session_get(f->st, "a1", &s), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_session_get(f->st, "a2", &s), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_session_get(f->st, "c1", &s), TRYGG_OK);
    trygg_session d = make("d1", "david", 5000);
    d.created = 100; /* old, but active */
    assert_int_equal(trygg_store_session_put(f->st, &d), TRYGG_OK);
    int n = -1;
    assert_int_equal(trygg_store_session_purge(f->st, 2999, 0, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(trygg_store_session_purge(f->st, 3001, 0, &n), TRYGG_OK);
    assert_int_equal(n, 1); /* c1 idle */
    assert_int_equal(trygg_store_session_purge(f->st, 0, 101, &n), TRYGG_OK);
    assert_int_equal(n, 1); /* d1 too old */
    assert_int_equal(trygg_store_session_get(f->st, "d1", &s), TRYGG_ERR_NOTFOUND);
}

static void test_login_failure_windows(void **state)
{
    fixture *f = *state;
    int n = -1;
    assert_int_equal(trygg_store_login_fails(f->st, "u:anna", 1000, 900, 0, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(trygg_store_login_fails(f->st, "u:anna", 1000 + i, 900, 1, &n), TRYGG_OK);
        assert_int_equal(n, i);
    }
    assert_int_equal(trygg_store_login_fails(f->st, "i:127.0.0.1", 1005, 900, 1, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    /* Inside the window the count stands; after it, it is over. */
    assert_int_equal(trygg_store_login_fails(f->st, "u:anna", 1900, 900, 0, &n), TRYGG_OK);
    assert_int_equal(n, 3);
    assert_int_equal(trygg_store_login_fails(f->st, "u:anna", 1901, 900, 0, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    /* A failure after the window starts a new one. */
    assert_int_equal(trygg_store_login_fails(f->st, "u:anna", 1950, 900, 1, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(trygg_store_login_clear(f->st, "u:anna"), TRYGG_OK);
    assert_int_equal(trygg_store_login_fails(f->st, "u:anna", 1951, 900, 0, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(trygg_store_login_fails(f->st, "i:127.0.0.1", 1006, 900, 0, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    /* The session purge forgets windows that started before its bound. */
    assert_int_equal(trygg_store_session_purge(f->st, 0, 1005, &n), TRYGG_OK);
    assert_int_equal(trygg_store_login_fails(f->st, "i:127.0.0.1", 1006, 900, 0, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(trygg_store_session_purge(f->st, 0, 1006, &n), TRYGG_OK);
    assert_int_equal(trygg_store_login_fails(f->st, "i:127.0.0.1", 1006, 900, 0, &n), TRYGG_OK);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_shared_between_handles, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_user_and_purge, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_login_failure_windows, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
