/*
 * test_web_session.c — sessions (idle and absolute expiry, logout), CSRF
 * tokens and login rate limits (web_session.c), kept in the store: a
 * second server on the same database sees them, a restart keeps them.
 * Runs on SQLite and, with TRYGG_TEST_PG, on PostgreSQL (store_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "../shared/store_fixture.h"
#include "trygg/secret.h"
#include "web.h"

static web_user alice(void)
{
    web_user u;
    memset(&u, 0, sizeof u);
    strcpy(u.username, "alice");
    strcpy(u.role, "security");
    return u;
}

static int setup(void **state)
{
    assert_int_equal(trygg_secret_init(), TRYGG_OK);
    return fx_setup(state);
}

#define ST (((fixture *)*state)->st)

static void test_create_lookup_destroy(void **state)
{
    web_user u = alice();
    char tok[WEB_TOKEN_LEN];
    web_session s, got;
    assert_int_equal(web_session_create(ST, &u, 1000, tok, &s), 0);
    assert_true(strlen(tok) >= 40);
    assert_string_not_equal(s.csrf, tok);
    assert_int_equal(web_session_lookup(ST, tok, 1001, 30, &got), 0);
    assert_string_equal(got.user.username, "alice");
    assert_string_equal(got.csrf, s.csrf);
    /* The table keeps only the hash of the token. */
    assert_string_not_equal(got.token_hash, tok);
    web_session_destroy(ST, tok);
    assert_int_equal(web_session_lookup(ST, tok, 1002, 30, &got), -1);
}

static void test_idle_expiry_and_sliding(void **state)
{
    web_user u = alice();
    char tok[WEB_TOKEN_LEN];
    web_session got;
    assert_int_equal(web_session_create(ST, &u, 10000, tok, NULL), 0);
    /* Activity every 29 minutes keeps it alive. */
    assert_int_equal(web_session_lookup(ST, tok, 10000 + 29 * 60, 30, &got), 0);
    assert_int_equal(web_session_lookup(ST, tok, 10000 + 58 * 60, 30, &got), 0);
    /* 31 idle minutes end it, for good. */
    assert_int_equal(web_session_lookup(ST, tok, 10000 + 89 * 60, 30, &got), -1);
    assert_int_equal(web_session_lookup(ST, tok, 10000 + 89 * 60 + 1, 30, &got), -1);
}

static void test_absolute_expiry(void **state)
{
    web_user u = alice();
    char tok[WEB_TOKEN_LEN];
    web_session got;
    int64_t t = 50000;
    assert_int_equal(web_session_create(ST, &u, t, tok, NULL), 0);
    while (t + 20 * 60 < 50000 + WEB_SESSION_MAX_AGE) {
        t += 20 * 60;
        assert_int_equal(web_session_lookup(ST, tok, t, 30, &got), 0);
    }
    assert_int_equal(web_session_lookup(ST, tok, 50000 + WEB_SESSION_MAX_AGE + 1, 30, &got), -1);
}

static void test_bad_tokens(void **state)
{
    web_session got;
    assert_int_equal(web_session_lookup(ST, NULL, 1, 30, &got), -1);
    assert_int_equal(web_session_lookup(ST, "", 1, 30, &got), -1);
    assert_int_equal(web_session_lookup(ST, "short", 1, 30, &got), -1);
    char fake[WEB_TOKEN_LEN];
    assert_int_equal(trygg_token_new(fake), TRYGG_OK);
    assert_int_equal(web_session_lookup(ST, fake, 1, 30, &got), -1);
}

static void test_destroy_user(void **state)
{
    web_user u = alice();
    char t1[WEB_TOKEN_LEN], t2[WEB_TOKEN_LEN];
    web_session got;
    assert_int_equal(web_session_create(ST, &u, 100, t1, NULL), 0);
    assert_int_equal(web_session_create(ST, &u, 100, t2, NULL), 0);
    web_session_destroy_user(ST, "alice");
    assert_int_equal(web_session_lookup(ST, t1, 101, 30, &got), -1);
    assert_int_equal(web_session_lookup(ST, t2, 101, 30, &got), -1);
}

static void test_csrf(void **state)
{
    web_user u = alice();
    char tok[WEB_TOKEN_LEN];
    web_session s, other;
    assert_int_equal(web_session_create(ST, &u, 100, tok, &s), 0);
    assert_int_equal(web_session_create(ST, &u, 100, tok, &other), 0);
    assert_true(web_csrf_ok(&s, s.csrf));
    assert_false(web_csrf_ok(&s, other.csrf)); /* per session */
    assert_false(web_csrf_ok(&s, NULL));
    assert_false(web_csrf_ok(&s, ""));
    char cut[WEB_TOKEN_LEN];
    strcpy(cut, s.csrf);
    cut[strlen(cut) - 1] = '\0';
    assert_false(web_csrf_ok(&s, cut));
    char flipped[WEB_TOKEN_LEN];
    strcpy(flipped, s.csrf);
    flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
    assert_false(web_csrf_ok(&s, flipped));
}

static void test_ratelimit_user(void **state)
{
    int64_t now = 100000;
    for (int i = 0; i < WEB_RL_USER_FAILS; i++) {
        assert_true(web_ratelimit_allowed(ST, "10.0.0.1", "bob", now));
        web_ratelimit_fail(ST, "10.0.0.1", "bob", now);
    }
    assert_false(web_ratelimit_allowed(ST, "10.0.0.1", "bob", now + 1));
    /* From another address too: the limit is per username. */
    assert_false(web_ratelimit_allowed(ST, "10.0.0.2", "bob", now + 1));
    assert_true(web_ratelimit_allowed(ST, "10.0.0.1", "carol", now + 1));
    /* After the window it opens again. */
    assert_true(web_ratelimit_allowed(ST, "10.0.0.1", "bob", now + WEB_RL_WINDOW + 1));
}

static void test_ratelimit_ip(void **state)
{
    int64_t now = 200000;
    char name[32];
    for (int i = 0; i < WEB_RL_IP_FAILS; i++) {
        snprintf(name, sizeof name, "user%d", i);
        assert_true(web_ratelimit_allowed(ST, "10.9.9.9", name, now));
        web_ratelimit_fail(ST, "10.9.9.9", name, now);
    }
    assert_false(web_ratelimit_allowed(ST, "10.9.9.9", "fresh", now));
    assert_true(web_ratelimit_allowed(ST, "10.9.9.8", "fresh", now));
}

static void test_ratelimit_success_resets_user(void **state)
{
    int64_t now = 300000;
    for (int i = 0; i < WEB_RL_USER_FAILS; i++)
        web_ratelimit_fail(ST, "10.1.1.1", "dan", now);
    assert_false(web_ratelimit_allowed(ST, "10.1.1.2", "dan", now));
    web_ratelimit_success(ST, "dan");
    assert_true(web_ratelimit_allowed(ST, "10.1.1.2", "dan", now));
}

/* Two servers on one database: a login on one is a session on the other,
 * a logout on the other ends it on the first, failed logins count on both,
 * and a restart (a new handle) keeps the session. */
static void test_shared_by_servers(void **state)
{
    fixture *f = *state;
    trygg_store *two;
    assert_int_equal(trygg_store_open(f->path, &two), TRYGG_OK);
    web_user u = alice();
    char tok[WEB_TOKEN_LEN];
    web_session s, got;
    assert_int_equal(web_session_create(f->st, &u, 1000, tok, &s), 0);
    assert_int_equal(web_session_lookup(two, tok, 1100, 30, &got), 0);
    assert_string_equal(got.csrf, s.csrf);
    web_session_update(two, tok, NULL, "en");
    assert_int_equal(web_session_lookup(f->st, tok, 1200, 30, &got), 0);
    assert_string_equal(got.lang, "en");
    /* A restart of the first server. */
    trygg_store_close(f->st);
    assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_OK);
    assert_int_equal(web_session_lookup(f->st, tok, 1300, 30, &got), 0);
    web_session_destroy(two, tok);
    assert_int_equal(web_session_lookup(f->st, tok, 1301, 30, &got), -1);
    /* Guesses spread over both servers still hit the limit. */
    for (int i = 0; i < WEB_RL_USER_FAILS; i++)
        web_ratelimit_fail(i % 2 ? two : f->st, "10.0.0.7", "erik", 5000);
    assert_false(web_ratelimit_allowed(f->st, "10.0.0.8", "erik", 5001));
    assert_false(web_ratelimit_allowed(two, "10.0.0.9", "erik", 5001));
    trygg_store_close(two);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_lookup_destroy, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_idle_expiry_and_sliding, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_absolute_expiry, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_tokens, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_destroy_user, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_csrf, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ratelimit_user, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ratelimit_ip, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_ratelimit_success_resets_user, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_shared_by_servers, setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
