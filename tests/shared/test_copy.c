/*
 * test_copy.c — checked copies (trygg/copy.h): a copy that fits says so, one
 * that does not says so too and never leaves half a UTF-8 character.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trygg/copy.h"

static void test_copy(void **state)
{
    (void)state;
    char d[6];
    assert_true(TRYGG_COPY(d, "abcde"));
    assert_string_equal(d, "abcde");
    assert_false(TRYGG_COPY(d, "abcdef"));
    assert_string_equal(d, "abcde");
    assert_false(TRYGG_COPY(d, "abcdå")); /* å is 2 bytes: it goes whole */
    assert_string_equal(d, "abcd");
    assert_true(TRYGG_COPY(d, NULL));
    assert_string_equal(d, "");
    char one[1];
    assert_false(trygg_copy(one, sizeof one, "x"));
    assert_string_equal(one, "");
    assert_false(trygg_copy(d, 0, "x"));
    TRYGG_COPY_TRUNC(d, "ååååå");
    assert_string_equal(d, "åå");
}

/* TRYGG_COPY_FIT copies whole between arrays whose sizes the compiler
 * checked (a smaller dst does not compile). */
static void test_copy_fit(void **state)
{
    (void)state;
    char src[6] = "abcde";
    char same[6], bigger[9];
    TRYGG_COPY_FIT(same, src);
    assert_string_equal(same, "abcde");
    TRYGG_COPY_FIT(bigger, src);
    assert_string_equal(bigger, "abcde");
    TRYGG_COPY_FIT(bigger, "literal");
    assert_string_equal(bigger, "literal");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_copy_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
