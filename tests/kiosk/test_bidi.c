/*
 * test_bidi.c — bidi_runs(): visual order, directions and font script of the
 * runs for Arabic, Latin and mixed lines; invalid input; RTL language tags.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bidi.h"
#include "trygg/utf8.h"

/* Every byte of s is covered by exactly one run, no run is empty, and no run
 * starts inside a UTF-8 sequence. */
static void assert_cover(const char *s, const bidi_run *r, int n)
{
    size_t len = strlen(s);
    unsigned char seen[512] = {0};
    assert_true(len <= sizeof seen);
    for (int i = 0; i < n; i++) {
        assert_true(r[i].len > 0);
        assert_true(r[i].start + r[i].len <= len);
        uint32_t cp; /* a run starts on a whole character */
        assert_true(trygg_utf8_next(s + r[i].start, len - r[i].start, &cp) > 0);
        for (size_t b = r[i].start; b < r[i].start + r[i].len; b++) {
            assert_int_equal(seen[b], 0);
            seen[b] = 1;
        }
    }
    for (size_t b = 0; b < len; b++)
        assert_int_equal(seen[b], 1);
}

/* Asserts run i holds exactly `text` with the given direction and script. */
static void assert_run(const char *s, const bidi_run *r, const char *text, int rtl, int arabic)
{
    assert_int_equal(r->len, strlen(text));
    assert_memory_equal(s + r->start, text, r->len);
    assert_int_equal(r->rtl, rtl);
    assert_int_equal(r->arabic, arabic);
}

static void arabic_with_number_and_url(void **state)
{
    (void)state;
    /* "Call 112 or visit polisen.se/tipsa now." */
    const char *s = "اتصل بـ 112 أو زر polisen.se/tipsa الآن.";
    bidi_run r[16];
    int n = bidi_runs(s, 1, r, 16);
    assert_int_equal(n, 5);
    assert_cover(s, r, n);
    /* Visual order left to right: the end of the sentence comes first. */
    assert_run(s, &r[0], " الآن.", 1, 1);
    assert_run(s, &r[1], "polisen.se/tipsa", 0, 0);
    assert_run(s, &r[2], " أو زر ", 1, 1);
    assert_run(s, &r[3], "112", 0, 0);
    assert_run(s, &r[4], "اتصل بـ ", 1, 1);
}

static void pure_latin(void **state)
{
    (void)state;
    const char *s = "Något känns otryggt: ring 112!";
    bidi_run r[4];
    assert_int_equal(bidi_runs(s, 0, r, 4), 1);
    assert_run(s, &r[0], s, 0, 0);
    /* The same line in an RTL paragraph stays readable: one LTR run, with the
     * final "!" at the paragraph's level on its left. */
    int n = bidi_runs(s, 1, r, 4);
    assert_int_equal(n, 2);
    assert_cover(s, r, n);
    assert_run(s, &r[0], "!", 1, 1);
    assert_run(s, &r[1], "Något känns otryggt: ring 112", 0, 0);
}

static void pure_arabic(void **state)
{
    (void)state;
    const char *s = "شيء يبدو غير آمن";
    bidi_run r[4];
    assert_int_equal(bidi_runs(s, 1, r, 4), 1);
    assert_run(s, &r[0], s, 1, 1);
    /* Arabic-Indic digits are drawn with the Arabic font, left to right
     * (they are numbers: level 2), to the left of the word before them. */
    const char *d = "اتصل ١١٢";
    int n = bidi_runs(d, 1, r, 4);
    assert_int_equal(n, 2);
    assert_cover(d, r, n);
    assert_run(d, &r[0], "١١٢", 0, 1);
    assert_run(d, &r[1], "اتصل ", 1, 1);
}

static void mixed_with_punctuation(void **state)
{
    (void)state;
    /* Arabic comma belongs to Arabic; a trailing "!" takes the paragraph's
     * direction and ends up at the visual left. */
    const char *s = "مرحبا، Hello World!";
    bidi_run r[8];
    int n = bidi_runs(s, 1, r, 8);
    assert_int_equal(n, 3);
    assert_cover(s, r, n);
    assert_run(s, &r[0], "!", 1, 1);
    assert_run(s, &r[1], "Hello World", 0, 0);
    assert_run(s, &r[2], "مرحبا، ", 1, 1);

    /* Brackets around a number in Arabic: the brackets are RTL (HarfBuzz
     * mirrors them) but need the Latin font, which has them. */
    const char *b = "اتصل (112)";
    n = bidi_runs(b, 1, r, 8);
    assert_int_equal(n, 4);
    assert_cover(b, r, n);
    assert_run(b, &r[0], ")", 1, 0);
    assert_run(b, &r[1], "112", 0, 0);
    assert_run(b, &r[2], "(", 1, 0);
    assert_run(b, &r[3], "اتصل ", 1, 1);
}

static void latin_base_with_arabic_word(void **state)
{
    (void)state;
    const char *s = "Language: العربية today";
    bidi_run r[8];
    int n = bidi_runs(s, 0, r, 8);
    assert_int_equal(n, 3);
    assert_cover(s, r, n);
    assert_run(s, &r[0], "Language: ", 0, 0);
    assert_run(s, &r[1], "العربية", 1, 1);
    assert_run(s, &r[2], " today", 0, 0);

    /* Two Arabic words with a Latin one between them, in an LTR paragraph:
     * the Arabic words stay in place (they are separated by an L word). */
    const char *t = "Ord: كلمة and عربي";
    n = bidi_runs(t, 0, r, 8);
    assert_int_equal(n, 4);
    assert_cover(t, r, n);
    assert_run(t, &r[0], "Ord: ", 0, 0);
    assert_run(t, &r[1], "كلمة", 1, 1);
    assert_run(t, &r[2], " and ", 0, 0);
    assert_run(t, &r[3], "عربي", 1, 1);
}

static void two_arabic_words_reverse(void **state)
{
    (void)state;
    /* In an LTR paragraph, Arabic words joined by a space form one RTL run.
     * A number right after Arabic letters belongs to the Arabic text (UBA
     * rule W2 makes it an Arabic number), so it is drawn to the left of it. */
    const char *s = "Hej مرحبا بكم 42";
    bidi_run r[8];
    int n = bidi_runs(s, 0, r, 8);
    assert_cover(s, r, n);
    assert_int_equal(n, 3);
    assert_run(s, &r[0], "Hej ", 0, 0);
    assert_run(s, &r[1], "42", 0, 0);
    assert_run(s, &r[2], "مرحبا بكم ", 1, 1);
}

static void invalid_and_limits(void **state)
{
    (void)state;
    bidi_run r[8];
    assert_int_equal(bidi_runs("", 1, r, 8), 0);
    assert_int_equal(bidi_runs(NULL, 0, r, 8), -1);
    assert_int_equal(bidi_runs("\xC3\x28", 0, r, 8), -1);         /* bad continuation */
    assert_int_equal(bidi_runs("\xC0\xAF", 0, r, 8), -1);         /* overlong */
    assert_int_equal(bidi_runs("a\xED\xA0\x80", 0, r, 8), -1);    /* surrogate */
    assert_int_equal(bidi_runs("ab\xE2\x82", 0, r, 8), -1);       /* truncated */
    assert_int_equal(bidi_runs("\xF4\x90\x80\x80", 0, r, 8), -1); /* > U+10FFFF */
    assert_int_equal(bidi_runs("\xFF", 0, r, 8), -1);
    /* Too many runs for the array. */
    assert_int_equal(bidi_runs("abc كلمة def", 0, r, 2), -1);
    assert_int_equal(bidi_runs("abc كلمة def", 0, r, 3), 3);
    /* Too long. */
    static char big[BIDI_MAX_BYTES + 2];
    memset(big, 'a', sizeof big - 1);
    assert_int_equal(bidi_runs(big, 0, r, 8), -1);
    big[BIDI_MAX_BYTES] = '\0';
    assert_int_equal(bidi_runs(big, 0, r, 8), 1);
    assert_int_equal(r[0].len, BIDI_MAX_BYTES);
}

static void auto_direction(void **state)
{
    (void)state;
    bidi_run r[8];
    /* Typed Swedish in the Arabic UI: the full stop stays on the right. */
    const char *s = "Lampan är trasig.";
    int n = bidi_runs(s, BIDI_AUTO, r, 8);
    assert_int_equal(n, 1);
    assert_run(s, &r[0], s, 0, 0);
    n = bidi_runs(s, 1, r, 8);
    assert_int_equal(n, 2);
    assert_run(s, &r[0], ".", 1, 1);
    /* Typed Arabic in the Swedish UI: a right-to-left paragraph. */
    const char *a = "الإنارة معطلة 3 أيام.";
    n = bidi_runs(a, BIDI_AUTO, r, 8);
    assert_cover(a, r, n);
    assert_int_equal(n, 3);
    assert_run(a, &r[0], " أيام.", 1, 1);
    assert_run(a, &r[1], "3", 0, 0);
    assert_run(a, &r[2], "الإنارة معطلة ", 1, 1);
    /* Only digits and punctuation: left to right. */
    const char *d = "0701 23 45 67";
    assert_int_equal(bidi_runs(d, BIDI_AUTO, r, 8), 1);
    assert_run(d, &r[0], d, 0, 0);

    assert_int_equal(bidi_text_is_rtl("Hej", 1), 0);
    assert_int_equal(bidi_text_is_rtl("  112 مرحبا Hej", 0), 1);
    assert_int_equal(bidi_text_is_rtl("112 ...", 1), 1);
    assert_int_equal(bidi_text_is_rtl("112 ...", 0), 0);
    assert_int_equal(bidi_text_is_rtl("", 1), 1);
    assert_int_equal(bidi_text_is_rtl(NULL, 0), 0);
    assert_int_equal(bidi_text_is_rtl("\xC3(abc", 1), 1);
}

static void rtl_languages(void **state)
{
    (void)state;
    assert_int_equal(bidi_lang_is_rtl("ar"), 1);
    assert_int_equal(bidi_lang_is_rtl("ar-SE"), 1);
    assert_int_equal(bidi_lang_is_rtl("fa_IR"), 1);
    assert_int_equal(bidi_lang_is_rtl("sv"), 0);
    assert_int_equal(bidi_lang_is_rtl("en"), 0);
    assert_int_equal(bidi_lang_is_rtl("so"), 0);
    assert_int_equal(bidi_lang_is_rtl("arx"), 0);
    assert_int_equal(bidi_lang_is_rtl("a"), 0);
    assert_int_equal(bidi_lang_is_rtl(""), 0);
    assert_int_equal(bidi_lang_is_rtl(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arabic_with_number_and_url),
        cmocka_unit_test(pure_latin),
        cmocka_unit_test(pure_arabic),
        cmocka_unit_test(mixed_with_punctuation),
        cmocka_unit_test(latin_base_with_arabic_word),
        cmocka_unit_test(two_arabic_words_reverse),
        cmocka_unit_test(invalid_and_limits),
        cmocka_unit_test(auto_direction),
        cmocka_unit_test(rtl_languages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
