/*
 * test_suggest.c — a category suggested from the words of a free text (an SMS
 * tip), trygg_text_suggest_category (text.h) on the shipped keyword files in
 * assets/keywords: the corpus tests/shared/suggest_corpus.tsv of realistic
 * texts is scored (right, wrong, none) and printed; every category the
 * keyword files name exists in the shipped server.ini.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>

#include "trygg/item.h"
#include "trygg/paths.h"
#include "trygg/text.h"

static trygg_keywords *kw;

static int setup(void **state)
{
    (void)state;
    return trygg_keywords_load(NULL, &kw) == TRYGG_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    trygg_keywords_free(kw);
    return 0;
}

/* The corpus: labelled texts are suggested right or not at all (a wrong
 * suggestion costs a click and trust); unlabelled ones get none. */
static void test_corpus(void **state)
{
    (void)state;
    FILE *f = fopen(TRYGG_TEST_SHARED_DIR "/suggest_corpus.tsv", "r");
    assert_non_null(f);
    char line[1024];
    int labelled = 0, right = 0, wrong = 0, none = 0, plain = 0, plain_wrong = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        const char *want = tab + 1;
        char got[TRYGG_NAME_MAX + 1];
        int hits = trygg_text_suggest_category(kw, line, got, sizeof got);
        assert_int_equal(hits > 0, got[0] != '\0');
        if (strcmp(want, "-") == 0) {
            plain++;
            if (hits > 0) {
                plain_wrong++;
                printf("  suggested %s for: %s\n", got, line);
            }
        } else {
            labelled++;
            if (hits == 0) {
                none++;
                printf("  nothing for (%s): %s\n", want, line);
            } else if (strcmp(got, want) == 0) {
                right++;
            } else {
                wrong++;
                printf("  %s instead of %s: %s\n", got, want, line);
            }
        }
    }
    fclose(f);
    printf("suggestions: %d labelled texts: %d right (%.1f%%), %d wrong (%.1f%%), %d none; "
           "%d texts without a category: %d given one\n",
           labelled, right, 100.0 * right / labelled, wrong, 100.0 * wrong / labelled, none, plain,
           plain_wrong);
    assert_true(labelled >= 60 && plain >= 10);
    assert_true(right * 100 >= labelled * 90); /* at least 90% right */
    assert_true(wrong * 100 <= labelled * 3);  /* at most 3% wrong */
    assert_true(plain_wrong * 100 <= plain * 10);
}

/* A tie (two categories, as many words each) suggests nothing. */
static void test_tie_is_none(void **state)
{
    (void)state;
    char got[TRYGG_NAME_MAX + 1] = "x";
    assert_int_equal(trygg_text_suggest_category(kw, "mörkt och klotter", got, sizeof got), 0);
    assert_string_equal(got, "");
    assert_true(trygg_text_suggest_category(kw, "mörkt, mörker och klotter", got, sizeof got) > 0);
    assert_string_equal(got, "lighting");
    assert_int_equal(trygg_text_suggest_category(kw, "", got, sizeof got), 0);
    assert_int_equal(trygg_text_suggest_category(NULL, "klotter", got, sizeof got), 0);
}

/* Every [category ID] of the keyword files is a category of server.ini. */
static void test_categories_exist(void **state)
{
    (void)state;
    char path[4096];
    assert_int_equal(trygg_asset_path("config/server.ini", path, sizeof path), TRYGG_OK);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char ini[1 << 16];
    size_t n = fread(ini, 1, sizeof ini - 1, f);
    ini[n] = '\0';
    fclose(f);
    int checked = 0;
    for (size_t i = 0;; i++) {
        const char *c = trygg_keywords_category_at(kw, i);
        if (c == NULL)
            break;
        char sec[TRYGG_NAME_MAX + 16];
        snprintf(sec, sizeof sec, "\n[category %s]\n", c);
        if (strstr(ini, sec) == NULL)
            fail_msg("keyword category %s is not in server.ini", c);
        checked++;
    }
    assert_true(checked > 100);
    assert_true(trygg_keywords_category_count(kw, "street_light") > 3);
    assert_int_equal(trygg_keywords_category_count(kw, "nosuch"), 0);
}

/* A broken [category] header is a load error with the line. */
static void test_bad_header(void **state)
{
    (void)state;
    char dir[] = "/tmp/trygg-kw-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[64];
    snprintf(p, sizeof p, "%s/sv.txt", dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("[category two words]\nx\n", f);
    fclose(f);
    trygg_keywords *k = NULL;
    assert_int_equal(trygg_keywords_load(dir, &k), TRYGG_ERR_CONFIG);
    assert_null(k);
    remove(p);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_tie_is_none),
        cmocka_unit_test(test_categories_exist),
        cmocka_unit_test(test_bad_header),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
