/*
 * test_sms_text.c — the SMS dialog's text checks on bad input
 * (server/sms/sms_dialog.c): sms_undecodable reads any bytes leniently,
 * one U+FFFD per malformed piece, and counts those as bad characters, so a
 * message in the wrong coding is flagged instead of refused or crashed on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sms_dialog.h"

static void test_undecodable_valid(void **state)
{
    (void)state;
    assert_int_equal(sms_undecodable("Det är mörkt vid skolan"), 0);
    assert_int_equal(sms_undecodable("مرحبا، هناك خطر"), 0);
    assert_int_equal(sms_undecodable("hej 👍🏽 då"), 0);
    assert_int_equal(sms_undecodable(""), 0);
    assert_int_equal(sms_undecodable("   \n"), 0);
    /* One replacement character in seven is not enough. */
    assert_int_equal(sms_undecodable("abcdef\xEF\xBF\xBD"), 0);
}

static void test_undecodable_bad(void **state)
{
    (void)state;
    /* Replacement characters, CJK (what bytes in the wrong coding become),
     * private use and controls. */
    assert_int_equal(sms_undecodable("\xEF\xBF\xBD\xEF\xBF\xBD ab"), 1);
    assert_int_equal(sms_undecodable("你好你好 ok"), 1);
    assert_int_equal(sms_undecodable("\xEE\x80\x80\x01 ab"), 1);
    /* Bytes that are no UTF-8 at all are bad characters, one each. */
    assert_int_equal(sms_undecodable("\xFF\xFE ab"), 1);
    assert_int_equal(sms_undecodable("\x80 ab"), 1);
    assert_int_equal(sms_undecodable("\x80 abcd"), 0);
    /* A sequence cut off counts as one bad character, however many bytes
     * of it are there: 1 in 5 is not flagged, 1 in 3 is. */
    assert_int_equal(sms_undecodable("abcd\xE2\x82"), 0);
    assert_int_equal(sms_undecodable("ab\xE2\x82"), 1);
    assert_int_equal(sms_undecodable("abc\xF0\x9F\x98"), 0);
    assert_int_equal(sms_undecodable("a\xF0\x9F\x98"), 1);
    /* An encoded surrogate is one bad character. */
    assert_int_equal(sms_undecodable("\xED\xA0\x80 abcd"), 0);
    assert_int_equal(sms_undecodable("\xED\xA0\x80 ab"), 1);
    /* A cut sequence before a letter does not swallow the letter. */
    assert_int_equal(sms_undecodable("\xC3"
                                     "abc"),
                     0);
}

/* Overlong forms are not UTF-8: "a" written in two bytes is no letter. */
static void test_undecodable_overlong(void **state)
{
    (void)state;
    assert_int_equal(sms_undecodable("\xC1\xA1\xC1\xA1\xC1\xA1 hej"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_undecodable_valid),
        cmocka_unit_test(test_undecodable_bad),
        cmocka_unit_test(test_undecodable_overlong),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
