/*
 * test_web_session.c — sessions (idle and absolute expiry, logout), CSRF
 * tokens and login rate limits (web_session.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

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
    (void)state;
    assert_int_equal(trygg_secret_init(), TRYGG_OK);
    web_session_clear();
    web_ratelimit_clear();
    return 0;
}

static void test_create_lookup_destroy(void **state)
{
    (void)state;
    web_user u = alice();
    char tok[WEB_TOKEN_LEN];
    web_session s, got;
    assert_int_equal(web_session_create(&u, 1000, tok, &s), 0);
    assert_true(strlen(tok) >= 40);
    assert_string_not_equal(s.csrf, tok);
    assert_int_equal(web_session_lookup(tok, 1001, 30, &got), 0);
    assert_string_equal(got.user.username, "alice");
    assert_string_equal(got.csrf, s.csrf);
    /* The table keeps only the hash of the token. */
    assert_string_not_equal(got.token_hash, tok);
    web_session_destroy(tok);
    assert_int_equal(web_session_lookup(tok, 1002, 30, &got), -1);
}

static void test_idle_expiry_and_sliding(void **state)
{
    (void)state;
    web_user u = alice();
    char tok[WEB_TOKEN_LEN];
    web_session got;
    assert_int_equal(web_session_create(&u, 10000, tok, NULL), 0);
    /* Activity every 29 minutes keeps it alive. */
    assert_int_equal(web_session_lookup(tok, 10000 + 29 * 60, 30, &got), 0);
    assert_int_equal(web_session_lookup(tok, 10000 + 58 * 60, 30, &got), 0);
    /* 31 idle minutes end it, for good. */
    assert_int_equal(web_session_lookup(tok, 10000 + 89 * 60, 30, &got), -1);
    assert_int_equal(web_session_lookup(tok, 10000 + 89 * 60 + 1, 30, &got), -1);
}

static void test_absolute_expiry(void **state)
{
    (void)state;
    web_user u = alice();
    char tok[WEB_TOKEN_LEN];
    web_session got;
    int64_t t = 50000;
    assert_int_equal(web_session_create(&u, t, tok, NULL), 0);
    while (t + 20 * 60 < 50000 + WEB_SESSION_MAX_AGE) {
        t += 20 * 60;
        assert_int_equal(web_session_lookup(tok, t, 30, &got), 0);
    }
    assert_int_equal(web_session_lookup(tok, 50000 + WEB_SESSION_MAX_AGE + 1, 30, &got), -1);
}

static void test_bad_tokens(void **state)
{
    (void)state;
    web_session got;
    assert_int_equal(web_session_lookup(NULL, 1, 30, &got), -1);
    assert_int_equal(web_session_lookup("", 1, 30, &got), -1);
    assert_int_equal(web_session_lookup("short", 1, 30, &got), -1);
    char fake[WEB_TOKEN_LEN];
    assert_int_equal(trygg_token_new(fake), TRYGG_OK);
    assert_int_equal(web_session_lookup(fake, 1, 30, &got), -1);
}

static void test_destroy_user(void **state)
{
    (void)state;
    web_user u = alice();
    char t1[WEB_TOKEN_LEN], t2[WEB_TOKEN_LEN];
    web_session got;
    assert_int_equal(web_session_create(&u, 100, t1, NULL), 0);
    assert_int_equal(web_session_create(&u, 100, t2, NULL), 0);
    web_session_destroy_user("alice");
    assert_int_equal(web_session_lookup(t1, 101, 30, &got), -1);
    assert_int_equal(web_session_lookup(t2, 101, 30, &got), -1);
}

static void test_csrf(void **state)
{
    (void)state;
    web_user u = alice();
    char tok[WEB_TOKEN_LEN];
    web_session s, other;
    assert_int_equal(web_session_create(&u, 100, tok, &s), 0);
    assert_int_equal(web_session_create(&u, 100, tok, &other), 0);
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
    (void)state;
    int64_t now = 100000;
    for (int i = 0; i < WEB_RL_USER_FAILS; i++) {
        assert_true(web_ratelimit_allowed("10.0.0.1", "bob", now));
        web_ratelimit_fail("10.0.0.1", "bob", now);
    }
    assert_false(web_ratelimit_allowed("10.0.0.1", "bob", now + 1));
    /* From another address too: the limit is per username. */
    assert_false(web_ratelimit_allowed("10.0.0.2", "bob", now + 1));
    assert_true(web_ratelimit_allowed("10.0.0.1", "carol", now + 1));
    /* After the window it opens again. */
    assert_true(web_ratelimit_allowed("10.0.0.1", "bob", now + WEB_RL_WINDOW + 1));
}

static void test_ratelimit_ip(void **state)
{
    (void)state;
    int64_t now = 200000;
    char name[32];
    for (int i = 0; i < WEB_RL_IP_FAILS; i++) {
        snprintf(name, sizeof name, "user%d", i);
        assert_true(web_ratelimit_allowed("10.9.9.9", name, now));
        web_ratelimit_fail("10.9.9.9", name, now);
    }
    assert_false(web_ratelimit_allowed("10.9.9.9", "fresh", now));
    assert_true(web_ratelimit_allowed("10.9.9.8", "fresh", now));
}

static void test_ratelimit_success_resets_user(void **state)
{
    (void)state;
    int64_t now = 300000;
    for (int i = 0; i < WEB_RL_USER_FAILS; i++)
        web_ratelimit_fail("10.1.1.1", "dan", now);
    assert_false(web_ratelimit_allowed("10.1.1.2", "dan", now));
    web_ratelimit_success("dan");
    assert_true(web_ratelimit_allowed("10.1.1.2", "dan", now));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_create_lookup_destroy, setup),
        cmocka_unit_test_setup(test_idle_expiry_and_sliding, setup),
        cmocka_unit_test_setup(test_absolute_expiry, setup),
        cmocka_unit_test_setup(test_bad_tokens, setup),
        cmocka_unit_test_setup(test_destroy_user, setup),
        cmocka_unit_test_setup(test_csrf, setup),
        cmocka_unit_test_setup(test_ratelimit_user, setup),
        cmocka_unit_test_setup(test_ratelimit_ip, setup),
        cmocka_unit_test_setup(test_ratelimit_success_resets_user, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
