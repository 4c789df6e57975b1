/*
 * test_text.c — UTF-8 checks, the scrubber and keyword signals (text.h).
 *
 * The keyword tests load the real lists in assets/keywords/ (TRYGG_ASSETS).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "trygg/text.h"

/* ------------------------------------------------------------------ UTF-8 */

static void test_utf8_valid(void **state)
{
    (void)state;
    const char ok[] = "Hej, åäö ÅÄÖ é — مرحبا ٠١٢ 😀\ttab\nnl\r";
    assert_true(trygg_utf8_valid(ok, strlen(ok)));
    assert_true(trygg_utf8_valid("", 0));
    /* overlong encodings */
    assert_false(trygg_utf8_valid("\xC0\xAF", 2));
    assert_false(trygg_utf8_valid("\xE0\x80\xAF", 3));
    assert_false(trygg_utf8_valid("\xF0\x80\x80\xAF", 4));
    /* surrogates, beyond U+10FFFF */
    assert_false(trygg_utf8_valid("\xED\xA0\x80", 3));
    assert_false(trygg_utf8_valid("\xF4\x90\x80\x80", 4));
    assert_false(trygg_utf8_valid("\xF5\x80\x80\x80", 4));
    /* truncated, stray continuation */
    assert_false(trygg_utf8_valid("a\xC3", 2));
    assert_false(trygg_utf8_valid("\x80", 1));
    /* NUL and C0 controls */
    assert_false(trygg_utf8_valid("a\0b", 3));
    assert_false(trygg_utf8_valid("a\x1b[0m", 5));
    assert_false(trygg_utf8_valid("\x7f", 1));
    /* largest valid code point */
    assert_true(trygg_utf8_valid("\xF4\x8F\xBF\xBF", 4));
}

static void test_utf8_len(void **state)
{
    (void)state;
    assert_int_equal(trygg_utf8_len(""), 0);
    assert_int_equal(trygg_utf8_len("abc"), 3);
    assert_int_equal(trygg_utf8_len("åäö"), 3);
    assert_int_equal(trygg_utf8_len("مرحبا"), 5);
    assert_int_equal(trygg_utf8_len("a😀b"), 3);
    assert_int_equal(trygg_utf8_last_len(""), 0);
    assert_int_equal(trygg_utf8_last_len("a"), 1);
    assert_int_equal(trygg_utf8_last_len("aå"), 2);
    assert_int_equal(trygg_utf8_last_len("a€"), 3);
    assert_int_equal(trygg_utf8_last_len("a😀"), 4);
    assert_int_equal(trygg_utf8_last_len("م"), 2);
}

/* --------------------------------------------------------------- scrubber */

struct scrub_case {
    const char *in;
    const char *want;
    int found;
};

static const struct scrub_case scrub_cases[] = {
    /* Swedish mobile numbers */
    {"ring 070-123 45 67 nu", "ring [telefonnummer] nu", 1},
    {"070 123 45 67", "[telefonnummer]", 1},
    {"0701234567", "[telefonnummer]", 1},
    {"070-1234567.", "[telefonnummer].", 1},
    {"073-987 65 43, kväll", "[telefonnummer], kväll", 1},
    /* with country code */
    {"+46 70 123 45 67", "[telefonnummer]", 1},
    {"+46701234567", "[telefonnummer]", 1},
    {"+46 (0)70-123 45 67", "[telefonnummer]", 1},
    {"0046 70 123 45 67", "[telefonnummer]", 1},
    {"0046701234567!", "[telefonnummer]!", 1},
    /* landlines */
    {"0520-123 45", "[telefonnummer]", 1},
    {"031-12 34 56", "[telefonnummer]", 1},
    {"(031) 12 34 56", "[telefonnummer]", 1},
    {"08-123 456 78", "[telefonnummer]", 1},
    {"tel: 0520-65 95 00", "tel: [telefonnummer]", 1},
    /* international */
    {"+44 20 7946 0958", "[telefonnummer]", 1},
    {"+252 61 234 5678", "[telefonnummer]", 1},
    {"00252612345678", "[telefonnummer]", 1},
    /* Arabic-Indic digits */
    {"اتصل ٠٧٠١٢٣٤٥٦٧ الآن", "اتصل [telefonnummer] الآن", 1},
    /* e-mail */
    {"mejla anna.svensson@example.se.", "mejla [e-post].", 1},
    {"x_y+tag@sub.example.com", "[e-post]", 1},
    {"(kalle@test.nu)", "([e-post])", 1},
    {"0701234567@sms.example.se", "[e-post]", 1},
    /* personnummer / samordningsnummer */
    {"pnr 850101-1234", "pnr [personnummer]", 1},
    {"850101+1234", "[personnummer]", 1},
    {"19850101-1234", "[personnummer]", 1},
    {"198501011234", "[personnummer]", 1},
    {"8501011234", "[personnummer]", 1},
    {"samordningsnr 850161-1234", "samordningsnr [personnummer]", 1},
    {"811218-9876 och 070-1234567", "[personnummer] och [telefonnummer]", 2},
    {"pnr 811218 9876, tack", "pnr [personnummer], tack", 1}, /* space, check digit ok */
    {"070\xC2\xA0"
     "123\xC2\xA0"
     "45\xC2\xA0"
     "67",
     "[telefonnummer]", 1}, /* no-break spaces */
    /* several in one text */
    {"a@b.se, 0701234567 och 19900101-0000", "[e-post], [telefonnummer] och [personnummer]", 3},
    /* issue 10, leak 8: forms that got through before */
    {"pnr 19800101 1234", "pnr [personnummer]", 1},
    {"800101 1234", "[personnummer]", 1},
    {"19800101-1234", "[personnummer]", 1},
    {"800101+1234", "[personnummer]", 1},
    {"19800101+1234", "[personnummer]", 1},
    {"811218 9875", "[personnummer]", 1}, /* space form, any check digit */
    {"samordningsnummer 800161 1234", "samordningsnummer [personnummer]", 1},
    {"19800161-1234", "[personnummer]", 1},
    {"8001611234", "[personnummer]", 1},
    {"800101\xE2\x80\x93"
     "1234",
     "[personnummer]", 1}, /* en dash from a word processor */
    {"kalle(at)edet.se", "[e-post]", 1},
    {"skriv till kalle [at] edet punkt se nu", "skriv till [e-post] nu", 1},
    {"kalle at edet dot se", "[e-post]", 1},
    {"KALLE AT EDET DOT SE", "[e-post]", 1},
    {"kalle(a)edet.se", "[e-post]", 1},
    {"kalle @ edet.se", "[e-post]", 1},
    {"kalle [at] edet [dot] se", "[e-post]", 1},
    {"kalle(at)edet(punkt)se.", "[e-post].", 1},
    {"kalle snabel-a edet punkt se", "[e-post]", 1},
    {"kalle{at}edet.se", "[e-post]", 1},
    {"kalle.anka (at) edet.se", "[e-post]", 1},
    {"info at example dot se", "[e-post]", 1},
    {"070 123 45 67", "[telefonnummer]", 1},
    {"070.123.45.67", "[telefonnummer]", 1},
    {"0701-23 45 67", "[telefonnummer]", 1},
    {"0701 23 45 67", "[telefonnummer]", 1},
    {"070-12 34 567", "[telefonnummer]", 1},
    {"070/123 45 67", "[telefonnummer]", 1},
    {"(070) 123 45 67", "[telefonnummer]", 1},
    {"0520 123 45", "[telefonnummer]", 1},
    {"0520.123.45", "[telefonnummer]", 1},
    {"08-12 34 56", "[telefonnummer]", 1},
    {"08 123 456 78", "[telefonnummer]", 1},
    {"08.123.456.78", "[telefonnummer]", 1},
    {"031-123 45 67", "[telefonnummer]", 1},
    {"0771-123 456", "[telefonnummer]", 1},
    {"+46 8 123 456 78", "[telefonnummer]", 1},
    {"+46-70-123 45 67", "[telefonnummer]", 1},
    {"+46(0)70 123 45 67", "[telefonnummer]", 1},
    {"+46 70.123.45.67", "[telefonnummer]", 1},
    {"0046 70 1234567", "[telefonnummer]", 1},
    {"ring 46701234567", "ring [telefonnummer]", 1},
    {"46 70 123 45 67", "[telefonnummer]", 1},
    {"kalle@edet.se eller 070 123 45 67 eller 19800101 1234",
     "[e-post] eller [telefonnummer] eller [personnummer]", 3},
    /* must NOT be scrubbed */
    {"ring 112 eller 114 14", "ring 112 eller 114 14", 0},
    {"år 2026 kl 22:30", "år 2026 kl 22:30", 0},
    {"den 2026-11-24 vid 07.30", "den 2026-11-24 vid 07.30", 0},
    {"2026-01-05 12 34 56", "2026-01-05 12 34 56", 0},
    {"500 kr, 1 500 000 kr, 0 kr", "500 kr, 1 500 000 kr, 0 kr", 0},
    {"busslinje 400, hus 12B", "busslinje 400, hus 12B", 0},
    {"postnummer 463 30", "postnummer 463 30", 0},
    {"kl 07:30-08:00", "kl 07:30-08:00", 0},
    {"851301-1234", "851301-1234", 0}, /* month 13: not a date */
    {"850132-1234", "850132-1234", 0}, /* day 32 */
    {"20261124", "20261124", 0},       /* date, 8 digits */
    {"ABC123456", "ABC123456", 0},     /* licence/case number glued to letters */
    {"070-12", "070-12", 0},           /* too short for a phone number */
    {"@handle och a@b", "@handle och a@b", 0},
    /* issue 10, leak 8: ordinary text that must stay readable */
    {"den 2024-05-01 kl 21.30", "den 2024-05-01 kl 21.30", 0},
    {"öppet 18-22, lör 10-14", "öppet 18-22, lör 10-14", 0},
    {"öppet 08-12 13-17", "öppet 08-12 13-17", 0},
    {"kl 08.00-12.00", "kl 08.00-12.00", 0},
    {"tåget 07.12 till 08.45", "tåget 07.12 till 08.45", 0},
    {"den 01.05.2024 och 08.05.2024", "den 01.05.2024 och 08.05.2024", 0},
    {"den 08/05/2024", "den 08/05/2024", 0},
    {"född 1980, bor på Älvgatan 5", "född 1980, bor på Älvgatan 5", 0},
    {"150 kr och 2 000 kr", "150 kr och 2 000 kr", 0},
    {"ring 112 eller polisen 114 14", "ring 112 eller polisen 114 14", 0},
    {"vi ses at home", "vi ses at home", 0},
    {"46 personer, 467 st", "46 personer, 467 st", 0},
    {"19800101", "19800101", 0},
    {"år 2024 vecka 18 22 st", "år 2024 vecka 18 22 st", 0},
    {"", "", 0},
};

static void test_scrub_cases(void **state)
{
    (void)state;
    char out[512];
    size_t n = sizeof scrub_cases / sizeof scrub_cases[0];
    assert_true(n >= 30);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        int found = -1;
        trygg_err err = trygg_scrub(scrub_cases[i].in, out, sizeof out, &found);
        if (err != TRYGG_OK || strcmp(out, scrub_cases[i].want) != 0 ||
            found != scrub_cases[i].found) {
            print_error("case %zu: in '%s'\n  got  '%s' (%d)\n  want '%s' (%d)\n", i,
                        scrub_cases[i].in, out, found, scrub_cases[i].want, scrub_cases[i].found);
            bad++;
            continue;
        }
        /* the contract of text.h: scrubbing twice == once */
        char again[512];
        int found2 = -1;
        assert_int_equal(trygg_scrub(out, again, sizeof again, &found2), TRYGG_OK);
        if (found2 != 0 || strcmp(again, out) != 0) {
            print_error("case %zu: not idempotent: '%s' -> '%s'\n", i, out, again);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void test_scrub_toobig(void **state)
{
    (void)state;
    char out[16];
    int found = 7;
    /* the marker is longer than the number and the buffer */
    assert_int_equal(trygg_scrub("ring 0701234567", out, sizeof out, &found), TRYGG_ERR_TOOBIG);
    assert_string_equal(out, "");
    assert_int_equal(found, 0);
    /* exactly fitting */
    char small[4];
    assert_int_equal(trygg_scrub("abc", small, sizeof small, NULL), TRYGG_OK);
    assert_string_equal(small, "abc");
    assert_int_equal(trygg_scrub("abcd", small, sizeof small, NULL), TRYGG_ERR_TOOBIG);
}

static void test_scrub_keeps_utf8(void **state)
{
    (void)state;
    const char *in = "Grannen (070-123 45 67) sa «hej» på arabiska: مرحبا ٠٧٠١٢٣٤٥٦٧، e-post "
                     "åsa@exempel.se 😀";
    char out[512];
    int found;
    assert_int_equal(trygg_scrub(in, out, sizeof out, &found), TRYGG_OK);
    assert_int_equal(found, 3);
    assert_null(strstr(out, "åsa"));
    assert_true(trygg_utf8_valid(out, strlen(out)));
    assert_non_null(strstr(out, "مرحبا [telefonnummer]،"));
    assert_null(strstr(out, "0701"));
}

/* ---------------------------------------------------------------- keywords */

static const trygg_keywords *kw(void)
{
    const trygg_keywords *k = trygg_keywords_default();
    assert_non_null(k);
    return k;
}

static void test_urgent_swedish(void **state)
{
    (void)state;
    const char *which = NULL;
    assert_true(trygg_text_is_urgent(kw(), "Han HOTAR MED KNIV vid busshållplatsen", &which));
    assert_non_null(which);
    assert_true(trygg_text_is_urgent(kw(), "Det brinner i soprummet!", NULL));
    assert_true(trygg_text_is_urgent(kw(), "någon har en pistol", NULL));
    assert_true(trygg_text_is_urgent(kw(), "Kniven låg på marken", NULL)); /* kniv* */
    assert_true(trygg_text_is_urgent(kw(), "de slåss nu utanför", NULL));
    assert_true(trygg_text_is_urgent(kw(), "SKOTTLOSSNING vid torget", NULL));
    assert_false(trygg_text_is_urgent(kw(), "Lampan vid gångtunneln är trasig", &which));
    assert_null(which);
    assert_false(trygg_text_is_urgent(kw(), "Det känns otryggt på kvällarna", NULL));
    /* whole words only: "vapen" inside another word does not count */
    assert_false(trygg_text_is_urgent(kw(), "vapenvila", NULL));
    assert_false(trygg_text_is_urgent(kw(), "eldfast form", NULL));
}

static void test_urgent_english(void **state)
{
    (void)state;
    assert_true(trygg_text_is_urgent(kw(), "A man with a KNIFE near the school", NULL));
    assert_true(trygg_text_is_urgent(kw(), "there is a fire in the stairwell", NULL));
    assert_true(trygg_text_is_urgent(kw(), "Shots fired!", NULL));
    assert_true(trygg_text_is_urgent(kw(), "someone is bleeding", NULL));
    assert_false(trygg_text_is_urgent(kw(), "The street light is broken", NULL));
    assert_false(trygg_text_is_urgent(kw(), "he was fired from work", NULL));
}

static void test_urgent_arabic(void **state)
{
    (void)state;
    /* "he has a knife" */
    assert_true(trygg_text_is_urgent(kw(), "معه سكين", NULL));
    /* "fire in the building" with diacritics and a tatweel */
    assert_true(trygg_text_is_urgent(kw(), "حَرِيق في المبنى", NULL));
    assert_true(trygg_text_is_urgent(kw(), "حريـق", NULL));
    /* "shooting" written with hamza: إطلاق نار */
    assert_true(trygg_text_is_urgent(kw(), "إطلاق نار قرب المدرسة", NULL));
    /* "the lamp is broken" */
    assert_false(trygg_text_is_urgent(kw(), "المصباح مكسور", NULL));
}

static void test_urgent_somali(void **state)
{
    (void)state;
    /* "he has a knife", "the house is burning", "they are fighting" */
    assert_true(trygg_text_is_urgent(kw(), "Wuxuu haystaa MINDI", NULL));
    assert_true(trygg_text_is_urgent(kw(), "guriga wuu gubanayaa", NULL));
    assert_true(trygg_text_is_urgent(kw(), "waxay ku jiraan dagaal", NULL));
    /* "the road is broken" */
    assert_false(trygg_text_is_urgent(kw(), "waddada waa jabtay", NULL));
}

static void test_names_person(void **state)
{
    (void)state;
    assert_true(trygg_text_names_person(kw(), "Killen som bor på trean säljer knark"));
    assert_true(trygg_text_names_person(kw(), "Jag vet vem som gjorde det"));
    assert_true(trygg_text_names_person(kw(), "Han heter Ahmed"));
    assert_true(trygg_text_names_person(kw(), "my neighbour is dealing drugs"));
    assert_true(trygg_text_names_person(kw(), "اسمه علي"));
    assert_true(trygg_text_names_person(kw(), "deriska ayaa daroogo iibiya"));
    assert_false(trygg_text_names_person(kw(), "Lampan vid gångtunneln är trasig"));
    assert_false(trygg_text_names_person(kw(), "Det är mörkt i parken"));
}

static void test_keywords_load_dir(void **state)
{
    (void)state;
    char dir[256];
    const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : P_tmpdir;
    snprintf(dir, sizeof dir, "%s/trygg-kw-XXXXXX", tmp);
    assert_non_null(mkdtemp(dir));
    char path[300];
    snprintf(path, sizeof path, "%s/xx.txt", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("# test list\n[urgent]\nröd larm*\n\n[person]\nblå bil\n", f);
    fclose(f);
    trygg_keywords *k = NULL;
    assert_int_equal(trygg_keywords_load(dir, &k), TRYGG_OK);
    const char *which = NULL;
    assert_true(trygg_text_is_urgent(k, "RÖD, larmet går!", &which));
    assert_string_equal(which, "röd larm*");
    assert_false(trygg_text_is_urgent(k, "röd", NULL));
    assert_true(trygg_text_names_person(k, "en Blå bil"));
    assert_false(trygg_text_names_person(k, "blåbil"));
    trygg_keywords_free(k);

    /* a phrase before any section is an error, not silently ignored */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("kniv\n", f);
    fclose(f);
    k = NULL;
    assert_int_equal(trygg_keywords_load(dir, &k), TRYGG_ERR_CONFIG);
    assert_null(k);
    unlink(path);
    /* no lists at all */
    assert_int_equal(trygg_keywords_load(dir, &k), TRYGG_ERR_NOTFOUND);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid),        cmocka_unit_test(test_utf8_len),
        cmocka_unit_test(test_scrub_cases),       cmocka_unit_test(test_scrub_toobig),
        cmocka_unit_test(test_scrub_keeps_utf8),  cmocka_unit_test(test_urgent_swedish),
        cmocka_unit_test(test_urgent_english),    cmocka_unit_test(test_urgent_arabic),
        cmocka_unit_test(test_urgent_somali),     cmocka_unit_test(test_names_person),
        cmocka_unit_test(test_keywords_load_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
