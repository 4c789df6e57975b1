/*
 * test_utf8.c — the one UTF-8 implementation (trygg/utf8.h, libunistring):
 * validation, lengths, cutting at a character boundary, UTF-16, folding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trygg/utf8.h"

static void test_valid(void **state)
{
    (void)state;
    const char *ok[] = {"", "hej", "åäö ÅÄÖ", "tab\tnl\ncr\r", "\xF0\x9F\x98\x80", "مرحبا"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_int_equal(trygg_utf8_valid(ok[i], strlen(ok[i])), 1);
    const char *bad[] = {"\xC0\xAF",         /* overlong */
                         "\xED\xA0\x80",     /* surrogate */
                         "\xF4\x90\x80\x80", /* > U+10FFFF */
                         "\xC3",             /* truncated */
                         "a\x01b",
                         "del\x7F",
                         "\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(trygg_utf8_valid(bad[i], strlen(bad[i])), 0);
    assert_int_equal(trygg_utf8_valid("a\0b", 3), 0); /* NUL inside */
    assert_int_equal(trygg_utf8_valid(NULL, 0), 0);
}

static void test_lengths(void **state)
{
    (void)state;
    assert_int_equal(trygg_utf8_len("åäö"), 3);
    assert_int_equal(trygg_utf8_len("a\xF0\x9F\x98\x80"), 2);
    assert_int_equal(trygg_utf8_last_len("ab\xC3\xA5"), 2);
    assert_int_equal(trygg_utf8_last_len("\xF0\x9F\x98\x80"), 4);
    assert_int_equal(trygg_utf8_last_len(""), 0);
    uint32_t cp = 0;
    assert_int_equal(trygg_utf8_next("\xC3\xA5x", 3, &cp), 2);
    assert_int_equal(cp, 0xE5);
    assert_int_equal(trygg_utf8_next("\xC3", 1, &cp), 0);
    char enc[4];
    assert_int_equal(trygg_utf8_put(enc, 0x1F600), 4);
    assert_memory_equal(enc, "\xF0\x9F\x98\x80", 4);
}

static void test_cut(void **state)
{
    (void)state;
    char s[] = "ab\xC3\xA5\xC3\xA4";                 /* "abåä", 6 bytes */
    assert_int_equal(trygg_utf8_prefix(s, 6, 3), 2); /* never half an å */
    assert_int_equal(trygg_utf8_prefix(s, 6, 4), 4);
    assert_int_equal(trygg_utf8_prefix(s, 6, 9), 6);
    trygg_utf8_cut(s, 5);
    assert_string_equal(s, "ab\xC3\xA5");
    char e[] = "\xF0\x9F\x98\x80\xF0\x9F\x98\x80";
    trygg_utf8_cut(e, 7);
    assert_string_equal(e, "\xF0\x9F\x98\x80");
}

static void test_utf16(void **state)
{
    (void)state;
    uint16_t out[8];
    size_t n = 0;
    assert_int_equal(trygg_utf8_to_utf16("å\xF0\x9F\x98\x80", 6, out, 8, &n), TRYGG_OK);
    assert_int_equal(n, 3);
    assert_int_equal(out[0], 0xE5);
    assert_int_equal(out[1], 0xD83D); /* surrogate pair */
    assert_int_equal(out[2], 0xDE00);
    assert_int_equal(trygg_utf8_to_utf16("abcdefghij", 10, out, 8, &n), TRYGG_ERR_TOOBIG);
    assert_int_equal(trygg_utf8_to_utf16("\xC3", 1, out, 8, &n), TRYGG_ERR_INVALID);
}

/* The lenient decoder: every byte is read, a malformed piece is one U+FFFD,
 * a valid character after it is never swallowed. */
static void test_lossy(void **state)
{
    (void)state;
    uint32_t cp = 0;
    assert_int_equal(trygg_utf8_next_lossy("\xC3\xA5", 2, &cp), 2);
    assert_int_equal(cp, 0xE5);
    assert_int_equal(trygg_utf8_next_lossy("\x80"
                                           "a",
                                           2, &cp),
                     1); /* stray */
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(trygg_utf8_next_lossy("\xFF", 1, &cp), 1);
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(trygg_utf8_next_lossy("\xE2\x82z", 3, &cp), 2); /* cut before z */
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(trygg_utf8_next_lossy("\xF0\x9F\x98", 3, &cp), 3); /* cut at the end */
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(trygg_utf8_next_lossy("\xC3z", 2, &cp), 1);
    assert_int_equal(trygg_utf8_next_lossy("\xC1\xA1", 2, &cp), 1); /* overlong */
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(trygg_utf8_next_lossy("\xED\xA0\x80", 3, &cp), 3); /* surrogate */
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(trygg_utf8_next_lossy("\xF4\x90\x80\x80", 4, &cp), 4); /* > U+10FFFF */
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(trygg_utf8_next_lossy("\xF8\x80", 2, &cp), 1);
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(trygg_utf8_next_lossy("", 0, &cp), 0);
}

static void test_utf16_next(void **state)
{
    (void)state;
    uint32_t cp = 0;
    const uint16_t pair[] = {0xD83D, 0xDE00};
    assert_int_equal(trygg_utf16_next(pair, 2, &cp), 2);
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(trygg_utf16_next(pair, 1, &cp), 1); /* cut pair */
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(trygg_utf16_next(pair + 1, 1, &cp), 1); /* lone low */
    assert_int_equal(cp, 0xFFFD);
    const uint16_t hi_a[] = {0xD83D, 0x0041};
    assert_int_equal(trygg_utf16_next(hi_a, 2, &cp), 1);
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(trygg_utf16_next(hi_a + 1, 1, &cp), 1);
    assert_int_equal(cp, 0x41);
    assert_int_equal(trygg_utf16_next(pair, 0, &cp), 0);
}

static void test_fold(void **state)
{
    (void)state;
    char *a = NULL, *b = NULL;
    assert_int_equal(trygg_utf8_fold("ÅSA Öberg", strlen("ÅSA Öberg"), &a, NULL), TRYGG_OK);
    assert_string_equal(a, "åsa öberg");
    free(a);
    size_t n = 0;
    assert_int_equal(trygg_utf8_fold("STRASSE", 7, &a, &n), TRYGG_OK);
    assert_int_equal(trygg_utf8_fold("straße", strlen("straße"), &b, NULL), TRYGG_OK);
    assert_string_equal(a, b);
    assert_int_equal(n, strlen(a));
    free(a);
    free(b);
    assert_int_equal(trygg_utf8_fold("\xFF", 1, &a, NULL), TRYGG_ERR_INVALID);
    assert_null(a);
    assert_int_equal(trygg_utf8_lower(0x0416), 0x0436); /* Cyrillic Zhe */
    char up[16];
    trygg_utf8_upper("straße åsa", up, sizeof up);
    assert_string_equal(up, "STRASSE ÅSA");
    trygg_utf8_upper("straße", up, 6); /* cut to fit, whole characters */
    assert_string_equal(up, "STRAS");
    trygg_utf8_upper("åäö", up, 6);
    assert_string_equal(up, "ÅÄ");
    trygg_utf8_upper("a\xC3 b", up, sizeof up); /* invalid: ASCII letters only */
    assert_string_equal(up, "A\xC3 B");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),      cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_cut),        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_fold),       cmocka_unit_test(test_lossy),
        cmocka_unit_test(test_utf16_next),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
