/*
 * test_untranslated.c — untranslated kiosk strings per language.
 *
 * Swedish (sv.po) is the source: every other catalog in assets/i18n/kiosk
 * must translate every sv key (a fuzzy or empty entry counts as missing).
 * The test prints, per language, the keys it lacks and fails if any language
 * lacks one, or if a translation's {placeholders} differ from Swedish
 * (lättläst, sv_LL.po, is a partial variant of Swedish, checked by
 * kiosk_test_easy_read). The
 * four kiosk languages must all be there. A planted catalog with a missing
 * key and a wrong placeholder shows the check can fail, and that a missing
 * key falls back to the Swedish text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trygg/i18n.h"

#define MAX_KEYS  4096
#define MAX_LANGS 32

/* 1 if the sets of {name} placeholders in a and b are equal. */
static int same_placeholders(const char *a, const char *b)
{
    for (int pass = 0; pass < 2; pass++) {
        const char *x = pass ? b : a, *y = pass ? a : b;
        for (const char *p = strchr(x, '{'); p; p = strchr(p + 1, '{')) {
            const char *q = strchr(p, '}');
            if (!q)
                break;
            char ph[64];
            size_t n = (size_t)(q - p + 1);
            if (n >= sizeof ph)
                return 0;
            memcpy(ph, p, n);
            ph[n] = '\0';
            if (!strstr(y, ph))
                return 0;
        }
    }
    return 1;
}

/* Prints the report for the catalogs in dir; returns the number of
 * problems (missing keys plus placeholder mismatches). */
static int report(const char *dir)
{
    trygg_i18n *t = NULL;
    char err[512] = "";
    if (trygg_i18n_load(dir, &t, err, sizeof err) != 0) {
        print_error("cannot load %s: %s\n", dir, err);
        return -1;
    }
    static const char *keys[MAX_KEYS];
    const char *langs[MAX_LANGS];
    int nk = trygg_i18n_keys(t, keys, MAX_KEYS);
    int nl = trygg_i18n_langs(t, langs, MAX_LANGS);
    int problems = 0;
    for (int l = 0; l < nl; l++) {
        /* Swedish, and its lättläst variant (sv_LL.po: only the texts it
         * rewrites, the rest falls back to sv; kiosk_test_easy_read) */
        if (strcmp(langs[l], "sv") == 0 || strncmp(langs[l], "sv_", 3) == 0)
            continue;
        int missing = 0, wrong = 0;
        for (int k = 0; k < nk; k++) {
            if (!trygg_i18n_has(t, langs[l], keys[k])) {
                print_message("  %s: untranslated: %s\n", langs[l], keys[k]);
                missing++;
            } else if (!same_placeholders(trygg_i18n_get(t, "sv", keys[k]),
                                          trygg_i18n_get(t, langs[l], keys[k]))) {
                print_message("  %s: placeholders differ from sv: %s\n", langs[l], keys[k]);
                wrong++;
            }
        }
        print_message("%s: %d of %d keys untranslated, %d with wrong placeholders\n", langs[l],
                      missing, nk, wrong);
        problems += missing + wrong;
    }
    trygg_i18n_free(t);
    return problems;
}

static void kiosk_catalogs_complete(void **state)
{
    (void)state;
    const char *assets = getenv("TRYGG_ASSETS");
    assert_non_null(assets);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/i18n/kiosk", assets);

    trygg_i18n *t = NULL;
    assert_int_equal(trygg_i18n_load(dir, &t, NULL, 0), 0);
    const char *want[] = {"sv", "en", "ar", "so"};
    for (int i = 0; i < 4; i++) {
        const char *langs[MAX_LANGS];
        int n = trygg_i18n_langs(t, langs, MAX_LANGS), found = 0;
        for (int l = 0; l < n; l++)
            found |= strcmp(langs[l], want[i]) == 0;
        if (!found)
            print_error("no %s.po in %s\n", want[i], dir);
        assert_true(found);
    }
    trygg_i18n_free(t);

    assert_int_equal(report(dir), 0);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_true(fputs(text, f) >= 0);
    assert_int_equal(fclose(f), 0);
}

static void planted_gaps_are_found(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s/trygg-untr-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(dir));
    char sv[300], xx[300];
    snprintf(sv, sizeof sv, "%s/sv.po", dir);
    snprintf(xx, sizeof xx, "%s/ar.po", dir);
    write_file(sv, "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
                   "msgid \"a.title\"\nmsgstr \"Rubrik\"\n\n"
                   "msgid \"a.call\"\nmsgstr \"Ring {number}\"\n\n"
                   "msgid \"a.fuzzy\"\nmsgstr \"Luddig\"\n\n"
                   "msgid \"a.gone\"\nmsgstr \"Saknas\"\n");
    write_file(xx, "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
                   "msgid \"a.title\"\nmsgstr \"عنوان\"\n\n"
                   "msgid \"a.call\"\nmsgstr \"اتصل بـ {numbr}\"\n\n"
                   "#, fuzzy\nmsgid \"a.fuzzy\"\nmsgstr \"غامض\"\n");
    /* a.fuzzy and a.gone are missing, a.call has a wrong placeholder. */
    assert_int_equal(report(dir), 3);

    /* A missing string falls back to Swedish. */
    trygg_i18n *t = NULL;
    assert_int_equal(trygg_i18n_load(dir, &t, NULL, 0), 0);
    assert_string_equal(trygg_i18n_get(t, "ar", "a.gone"), "Saknas");
    assert_string_equal(trygg_i18n_get(t, "ar", "a.fuzzy"), "Luddig");
    assert_string_equal(trygg_i18n_get(t, "ar", "a.title"), "عنوان");
    trygg_i18n_free(t);

    unlink(sv);
    unlink(xx);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kiosk_catalogs_complete),
        cmocka_unit_test(planted_gaps_are_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
