/*
 * test_follow_code.c — follow-up codes (trygg/follow.h): secrets are in the
 * reference alphabet, the code reads "XX-XXXX-XXXX-XXXX", what a person types
 * (case, blanks, dashes) parses back, anything else is refused, and the
 * keyed hash depends on the key, the reference and the secret.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "trygg/follow.h"
#include "trygg/ref.h"
#include "trygg/secret.h"

static void test_secret_and_code(void **state)
{
    (void)state;
    assert_int_equal(trygg_secret_init(), TRYGG_OK);
    char s1[TRYGG_FOLLOW_SECRET_LEN + 1], s2[TRYGG_FOLLOW_SECRET_LEN + 1];
    trygg_follow_secret_new(s1);
    trygg_follow_secret_new(s2);
    assert_true(trygg_follow_secret_valid(s1));
    assert_string_not_equal(s1, s2);
    assert_false(trygg_follow_secret_valid("7M9PK2Z"));
    assert_false(trygg_follow_secret_valid("7M9PK2Z0"));  /* 0 is not in the alphabet */
    assert_false(trygg_follow_secret_valid("7m9pk2zd"));  /* stored upper case */
    assert_false(trygg_follow_secret_valid("7M9PK2ZDD")); /* too long */

    char code[TRYGG_FOLLOW_CODE_LEN + 1];
    assert_int_equal(trygg_follow_code("3K-4QX2", "7M9PK2ZD", code), TRYGG_OK);
    assert_string_equal(code, "3K-4QX2-7M9P-K2ZD");
    assert_int_equal(trygg_follow_code("3k4qx2", "7M9PK2ZD", code), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_follow_code("3K-4QX2", "7M9PK2Z", code), TRYGG_ERR_INVALID);
}

static void test_parse(void **state)
{
    (void)state;
    char ref[TRYGG_REF_LEN + 1], sec[TRYGG_FOLLOW_SECRET_LEN + 1];
    static const char *const ok[] = {"3K-4QX2-7M9P-K2ZD", "3k4qx27m9pk2zd", " 3K 4QX2 7M9P K2ZD ",
                                     "3K-4QX2-7M9PK2ZD"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(trygg_follow_parse(ok[i], ref, sec), TRYGG_OK);
        assert_string_equal(ref, "3K-4QX2");
        assert_string_equal(sec, "7M9PK2ZD");
    }
    static const char *const bad[] = {"",
                                      "3K-4QX2",
                                      "3K-4QX2-7M9P-K2Z",
                                      "3K-4QX2-7M9P-K2ZDD",
                                      "3K-4QX2-7M9P-K2Z0",
                                      "3K-4QX2-7M9P-K2Z%",
                                      "3K-4QX2-7M9P-K2Z\xc3\xa5",
                                      "../../etc/passwd"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(trygg_follow_parse(bad[i], ref, sec), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_follow_parse(NULL, ref, sec), TRYGG_ERR_INVALID);
}

static void test_hash(void **state)
{
    (void)state;
    unsigned char k1[TRYGG_FOLLOW_KEY_LEN], k2[TRYGG_FOLLOW_KEY_LEN];
    memset(k1, 1, sizeof k1);
    memset(k2, 2, sizeof k2);
    char a[65], b[65], c[65], d[65], e[65];
    trygg_follow_hash(k1, "3K-4QX2", "7M9PK2ZD", a);
    trygg_follow_hash(k1, "3K-4QX2", "7M9PK2ZD", b);
    trygg_follow_hash(k2, "3K-4QX2", "7M9PK2ZD", c); /* another server's key */
    trygg_follow_hash(k1, "3K-4QX3", "7M9PK2ZD", d); /* another reference */
    trygg_follow_hash(k1, "3K-4QX2", "7M9PK2ZE", e); /* another secret */
    assert_int_equal(strlen(a), 64);
    assert_null(strstr(a, "7M9PK2ZD"));
    assert_true(trygg_follow_hash_equal(a, b));
    assert_false(trygg_follow_hash_equal(a, c));
    assert_false(trygg_follow_hash_equal(a, d));
    assert_false(trygg_follow_hash_equal(a, e));
    assert_false(trygg_follow_hash_equal(a, ""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret_and_code),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
