/*
 * test_ucs2.c — UTF-8 <-> UTF-16 and SMS part counting, under LC_ALL=C.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "trygg/ucs2.h"

static void roundtrip(const char *s, size_t units)
{
    uint16_t u[512];
    size_t n;
    char back[1024];
    assert_int_equal(ucs2_from_utf8(s, u, 512, &n), TRYGG_OK);
    assert_int_equal(n, units);
    unsigned char be[1024];
    uint16_t u2[512];
    ucs2_to_be(u, n, be);
    ucs2_from_be(be, n, u2);
    assert_memory_equal(u, u2, n * 2);
    assert_int_equal(ucs2_to_utf8(u2, n, back, sizeof back, NULL), TRYGG_OK);
    assert_string_equal(back, s);
}

static void test_roundtrip(void **state)
{
    (void)state;
    roundtrip("Tips", 4);
    roundtrip("Det är mörkt vid ån, Åsa", 24);
    roundtrip("😀", 2);                 /* surrogate pair */
    roundtrip("hej 👍🏽 då", 11); /* emoji with skin tone: 2 pairs */
    roundtrip("مرحبا، هناك خطر", 15);  /* Arabic */
    roundtrip("€ [x] {y} ~", 11);
}

static void test_surrogates(void **state)
{
    (void)state;
    uint16_t u[4];
    size_t n;
    assert_int_equal(ucs2_from_utf8("\xF0\x9F\x98\x80", u, 4, &n), TRYGG_OK);
    assert_int_equal(u[0], 0xD83D);
    assert_int_equal(u[1], 0xDE00);
    /* Lone surrogates decode to U+FFFD, never invalid UTF-8. */
    uint16_t lone[] = {0x0041, 0xD83D, 0x0042, 0xDE00};
    char out[32];
    assert_int_equal(ucs2_to_utf8(lone, 4, out, sizeof out, NULL), TRYGG_OK);
    assert_string_equal(out, "A\xEF\xBF\xBD"
                             "B\xEF\xBF\xBD");
    /* U+0000 ends the text. */
    uint16_t nul[] = {0x0041, 0x0000, 0x0042};
    assert_int_equal(ucs2_to_utf8(nul, 3, out, sizeof out, NULL), TRYGG_OK);
    assert_string_equal(out, "A");
    /* A high surrogate at the end, a pair in the wrong order. */
    uint16_t cut[] = {0x0041, 0xD83D};
    assert_int_equal(ucs2_to_utf8(cut, 2, out, sizeof out, NULL), TRYGG_OK);
    assert_string_equal(out, "A\xEF\xBF\xBD");
    uint16_t swapped[] = {0xDE00, 0xD83D, 0x0043};
    size_t len = 0;
    assert_int_equal(ucs2_to_utf8(swapped, 3, out, sizeof out, &len), TRYGG_OK);
    assert_string_equal(out, "\xEF\xBF\xBD\xEF\xBF\xBD"
                             "C");
    assert_int_equal(len, 7);
}

static void test_invalid(void **state)
{
    (void)state;
    uint16_t u[8];
    size_t n;
    assert_int_equal(ucs2_from_utf8("\xC3", u, 8, &n), TRYGG_ERR_INVALID);         /* cut */
    assert_int_equal(ucs2_from_utf8("\xC0\xAF", u, 8, &n), TRYGG_ERR_INVALID);     /* overlong */
    assert_int_equal(ucs2_from_utf8("\xED\xA0\x80", u, 8, &n), TRYGG_ERR_INVALID); /* surrogate */
    assert_int_equal(ucs2_from_utf8("\xF4\x90\x80\x80", u, 8, &n), TRYGG_ERR_INVALID);
    assert_int_equal(ucs2_from_utf8("\xC1\xBF", u, 8, &n), TRYGG_ERR_INVALID); /* overlong */
    assert_int_equal(ucs2_from_utf8("\xF5\x80\x80\x80", u, 8, &n), TRYGG_ERR_INVALID);
    assert_int_equal(ucs2_from_utf8("\xF8\x88\x80\x80\x80", u, 8, &n), TRYGG_ERR_INVALID);
    assert_int_equal(ucs2_from_utf8("ab\x80", u, 8, &n), TRYGG_ERR_INVALID); /* stray */
    assert_int_equal(n, 0);
    assert_int_equal(ucs2_from_utf8("\xE2\x82z", u, 8, &n), TRYGG_ERR_INVALID);
    assert_int_equal(ucs2_from_utf8("abcdefghi", u, 8, &n), TRYGG_ERR_TOOBIG);
    assert_int_equal(ucs2_from_utf8("abcdefgh", u, 8, &n), TRYGG_OK);
    assert_int_equal(n, 8);
    char small[4];
    uint16_t a[] = {0x00E5, 0x00E4, 0x00F6};
    assert_int_equal(ucs2_to_utf8(a, 3, small, sizeof small, NULL), TRYGG_ERR_TOOBIG);
    assert_string_equal(small, "");
}

static void test_gsm7(void **state)
{
    (void)state;
    uint16_t u[64];
    size_t n;
    ucs2_from_utf8("åäöÅÄÖé@£", u, 64, &n);
    assert_int_equal(ucs2_gsm7_septets(u, n), 9);
    ucs2_from_utf8("€{}", u, 64, &n);
    assert_int_equal(ucs2_gsm7_septets(u, n), 6);
    ucs2_from_utf8("ç", u, 64, &n); /* only Ç is in the table */
    assert_int_equal(ucs2_gsm7_septets(u, n), -1);
    ucs2_from_utf8("–", u, 64, &n); /* en dash forces UCS-2 */
    assert_int_equal(ucs2_gsm7_septets(u, n), -1);
}

static void test_parts(void **state)
{
    (void)state;
    char s[2000];
    enum ucs2_coding c;
    assert_int_equal(ucs2_sms_parts("", &c), 0);
    memset(s, 'a', 160), s[160] = '\0';
    assert_int_equal(ucs2_sms_parts(s, &c), 1);
    assert_int_equal(c, UCS2_CODING_GSM7);
    s[160] = 'a', s[161] = '\0';
    assert_int_equal(ucs2_sms_parts(s, &c), 2);
    memset(s, 'a', 306), s[306] = '\0';
    assert_int_equal(ucs2_sms_parts(s, &c), 2);
    s[306] = 'a', s[307] = '\0';
    assert_int_equal(ucs2_sms_parts(s, &c), 3);
    /* 80 euro signs = 160 septets: one part; 81 = 162 septets: two. */
    s[0] = '\0';
    for (int i = 0; i < 80; i++)
        strcat(s, "€");
    assert_int_equal(ucs2_sms_parts(s, &c), 1);
    strcat(s, "€");
    assert_int_equal(ucs2_sms_parts(s, &c), 2);
    /* UCS-2: 70 units one part, 71 two; 67 per part after that. */
    s[0] = '\0';
    for (int i = 0; i < 70; i++)
        strcat(s, "ش");
    assert_int_equal(ucs2_sms_parts(s, &c), 1);
    assert_int_equal(c, UCS2_CODING_UCS2);
    strcat(s, "ش");
    assert_int_equal(ucs2_sms_parts(s, &c), 2);
    /* 66 units then an emoji: the pair does not straddle parts -> 2 parts
     * of 66 and 2+..., total 134 units still fits 2 parts of 67. */
    s[0] = '\0';
    for (int i = 0; i < 66; i++)
        strcat(s, "x");
    strcat(s, "😀");
    for (int i = 0; i < 66; i++)
        strcat(s, "y");
    assert_int_equal(ucs2_sms_parts(s, &c), 3); /* 66 | 2+65 | 1 */
    assert_int_equal(ucs2_sms_parts("\xC3", &c), -1);
}

/* Random code units: the UTF-8 is always well formed, and converting back
 * gives the same units whenever they held no lone surrogate and no NUL. */
static void test_random_units(void **state)
{
    (void)state;
    unsigned seed = 2026;
    for (int round = 0; round < 2000; round++) {
        uint16_t u[80], back[200];
        size_t n = rand_r(&seed) % 80, m = 0;
        int clean = 1;
        for (size_t i = 0; i < n; i++) {
            unsigned r = rand_r(&seed);
            u[i] = (uint16_t)(r % 4 == 0 ? 0xD800 + r % 0x800 : r % 3 == 0 ? r % 0x80 : r);
        }
        for (size_t i = 0; i < n; i++) {
            if (u[i] == 0)
                clean = 0;
            if (u[i] >= 0xD800 && u[i] <= 0xDBFF && i + 1 < n && u[i + 1] >= 0xDC00 &&
                u[i + 1] <= 0xDFFF)
                i++;
            else if (u[i] >= 0xD800 && u[i] <= 0xDFFF)
                clean = 0;
        }
        char out[400];
        size_t len;
        assert_int_equal(ucs2_to_utf8(u, n, out, sizeof out, &len), TRYGG_OK);
        assert_int_equal(strlen(out), len);
        assert_int_equal(ucs2_from_utf8(out, back, 200, &m), TRYGG_OK);
        if (clean) {
            assert_int_equal(m, n);
            assert_memory_equal(back, u, n * 2);
        }
        (void)ucs2_sms_parts(out, NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip), cmocka_unit_test(test_surrogates),
        cmocka_unit_test(test_invalid),   cmocka_unit_test(test_gsm7),
        cmocka_unit_test(test_parts),     cmocka_unit_test(test_random_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
