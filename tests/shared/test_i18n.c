/*
 * test_i18n.c — PO catalogs (i18n.h): fallback chain, fuzzy and empty
 * entries, broken files, {name} formatting. Catalogs are written to a
 * temporary directory; the shipped catalogs in assets/i18n/ are loaded too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <cmocka.h>

#include "trygg/i18n.h"
#include "trygg/paths.h"

static char tmpdir[256];

static const char *const po_files[] = {"sv.po", "en.po", "ar.po", "xx.po"};

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : P_tmpdir;
    snprintf(tmpdir, sizeof tmpdir, "%s/trygg-i18n-XXXXXX", tmp);
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static void clean(void)
{
    char p[400];
    for (size_t i = 0; i < sizeof po_files / sizeof po_files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, po_files[i]);
        unlink(p);
    }
}

static int teardown(void **state)
{
    (void)state;
    clean();
    rmdir(tmpdir);
    return 0;
}

static void write_po(const char *name, const char *body)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("msgid \"\"\n"
          "msgstr \"\"\n"
          "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
          "\n",
          f);
    fputs(body, f);
    assert_int_equal(fclose(f), 0);
}

static const char sv_body[] = "msgid \"home.title\"\n"
                              "msgstr \"Säg till om något känns otryggt\"\n"
                              "\n"
                              "msgid \"receipt.ref\"\n"
                              "msgstr \"Ditt ärende har nummer {ref}.\"\n"
                              "\n"
                              "msgid \"only.sv\"\n"
                              "msgstr \"Bara på svenska\"\n"
                              "\n"
                              "msgid \"multi\"\n"
                              "msgstr \"\"\n"
                              "\"rad ett\\n\"\n"
                              "\"rad två\"\n";

static const char en_body[] = "msgid \"home.title\"\n"
                              "msgstr \"Tell us if something feels unsafe\"\n"
                              "\n"
                              "#, fuzzy\n"
                              "msgid \"receipt.ref\"\n"
                              "msgstr \"Your number is {ref} (unchecked)\"\n"
                              "\n"
                              "msgid \"only.sv\"\n"
                              "msgstr \"\"\n";

static void test_fallback_chain(void **state)
{
    (void)state;
    clean();
    write_po("sv.po", sv_body);
    write_po("en.po", en_body);
    write_po("ar.po", "msgid \"home.title\"\nmsgstr \"أخبرنا إذا شعرت بعدم الأمان\"\n");
    trygg_i18n *t = NULL;
    char err[512];
    assert_int_equal(trygg_i18n_load(tmpdir, &t, err, sizeof err), TRYGG_OK);
    assert_non_null(t);

    assert_string_equal(trygg_i18n_get(t, "sv", "home.title"), "Säg till om något känns otryggt");
    assert_string_equal(trygg_i18n_get(t, "en", "home.title"), "Tell us if something feels unsafe");
    assert_string_equal(trygg_i18n_get(t, "ar", "home.title"), "أخبرنا إذا شعرت بعدم الأمان");
    /* fuzzy in en: Swedish */
    assert_string_equal(trygg_i18n_get(t, "en", "receipt.ref"), "Ditt ärende har nummer {ref}.");
    assert_false(trygg_i18n_has(t, "en", "receipt.ref"));
    /* empty in en, missing in ar: Swedish */
    assert_string_equal(trygg_i18n_get(t, "en", "only.sv"), "Bara på svenska");
    assert_string_equal(trygg_i18n_get(t, "ar", "only.sv"), "Bara på svenska");
    assert_false(trygg_i18n_has(t, "ar", "only.sv"));
    assert_true(trygg_i18n_has(t, "ar", "home.title"));
    /* unknown language: Swedish; region suffix: base language */
    assert_string_equal(trygg_i18n_get(t, "fi", "home.title"), "Säg till om något känns otryggt");
    assert_string_equal(trygg_i18n_get(t, "en_GB", "home.title"),
                        "Tell us if something feels unsafe");
    assert_string_equal(trygg_i18n_get(t, NULL, "home.title"), "Säg till om något känns otryggt");
    /* missing everywhere: the key itself */
    assert_string_equal(trygg_i18n_get(t, "en", "no.such.key"), "no.such.key");
    /* multi-line msgstr */
    assert_string_equal(trygg_i18n_get(t, "sv", "multi"), "rad ett\nrad två");

    const char *langs[8];
    int n = trygg_i18n_langs(t, langs, 8);
    assert_int_equal(n, 3);
    assert_string_equal(langs[0], "sv");
    assert_string_equal(langs[1], "ar");
    assert_string_equal(langs[2], "en");
    const char *keys[8];
    n = trygg_i18n_keys(t, keys, 8);
    assert_int_equal(n, 4);
    assert_string_equal(keys[0], "home.title");
    trygg_i18n_free(t);
}

static void test_sv_required(void **state)
{
    (void)state;
    clean();
    write_po("en.po", en_body);
    trygg_i18n *t = NULL;
    char err[512];
    assert_int_equal(trygg_i18n_load(tmpdir, &t, err, sizeof err), TRYGG_ERR_CONFIG);
    assert_null(t);
    assert_non_null(strstr(err, "sv.po"));
}

static void test_broken_po(void **state)
{
    (void)state;
    clean();
    write_po("sv.po", sv_body);
    /* line 5: msgid without msgstr, then garbage at line 7 */
    write_po("en.po", "msgid \"home.title\"\n"
                      "\n"
                      "this is not PO syntax\n");
    trygg_i18n *t = NULL;
    char err[512] = "";
    assert_int_equal(trygg_i18n_load(tmpdir, &t, err, sizeof err), TRYGG_ERR_CONFIG);
    assert_null(t);
    /* "…/en.po:N: message" */
    assert_non_null(strstr(err, "en.po:"));
    print_message("broken PO reported as: %s\n", err);

    /* unterminated string */
    write_po("en.po", "msgid \"a\nmsgstr \"b\"\n");
    assert_int_equal(trygg_i18n_load(tmpdir, &t, err, sizeof err), TRYGG_ERR_CONFIG);
    assert_non_null(strstr(err, "en.po:"));

    /* duplicate msgid */
    write_po("en.po", "msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"a\"\nmsgstr \"c\"\n");
    assert_int_equal(trygg_i18n_load(tmpdir, &t, err, sizeof err), TRYGG_ERR_CONFIG);
    assert_non_null(strstr(err, "en.po"));

    /* another charset, and invalid UTF-8 bytes */
    clean();
    write_po("sv.po", sv_body);
    char p0[400];
    snprintf(p0, sizeof p0, "%s/en.po", tmpdir);
    FILE *f = fopen(p0, "w");
    assert_non_null(f);
    fputs("msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=ISO-8859-1\\n\"\n\n"
          "msgid \"a\"\nmsgstr \"caf\xe9\"\n",
          f);
    fclose(f);
    assert_int_equal(trygg_i18n_load(tmpdir, &t, err, sizeof err), TRYGG_ERR_CONFIG);
    assert_non_null(strstr(err, "UTF-8"));
    write_po("en.po", "msgid \"a\"\nmsgstr \"caf\xe9\"\n");
    assert_int_equal(trygg_i18n_load(tmpdir, &t, err, sizeof err), TRYGG_ERR_CONFIG);
    print_message("invalid UTF-8 reported as: %s\n", err);
    assert_non_null(strstr(err, "en.po"));

    /* a bad file name */
    clean();
    write_po("sv.po", sv_body);
    write_po("xx.po", "");
    char p[400];
    snprintf(p, sizeof p, "%s/xx.po", tmpdir);
    char bad[400];
    snprintf(bad, sizeof bad, "%s/not a lang.po", tmpdir);
    assert_int_equal(rename(p, bad), 0);
    assert_int_equal(trygg_i18n_load(tmpdir, &t, err, sizeof err), TRYGG_ERR_CONFIG);
    unlink(bad);

    /* missing directory */
    assert_int_equal(trygg_i18n_load("no/such/dir", &t, err, sizeof err), TRYGG_ERR_NOTFOUND);
}

static void test_format(void **state)
{
    (void)state;
    char out[64];
    const char *names[] = {"ref", "phone", NULL};
    const char *values[] = {"K7-4QX2", "114 14", NULL};
    assert_int_equal(
        trygg_i18n_format("Nummer {ref}, ring {phone}.", names, values, out, sizeof out), TRYGG_OK);
    assert_string_equal(out, "Nummer K7-4QX2, ring 114 14.");
    /* unknown placeholders and lone braces stay */
    assert_int_equal(trygg_i18n_format("{x} {ref} { } {", names, values, out, sizeof out),
                     TRYGG_OK);
    assert_string_equal(out, "{x} K7-4QX2 { } {");
    /* repeated and adjacent */
    assert_int_equal(trygg_i18n_format("{ref}{ref}", names, values, out, sizeof out), TRYGG_OK);
    assert_string_equal(out, "K7-4QX2K7-4QX2");
    /* too small */
    char small[8];
    assert_int_equal(trygg_i18n_format("{ref}!", names, values, small, sizeof small),
                     TRYGG_ERR_TOOBIG);
    assert_string_equal(small, "");
    assert_int_equal(trygg_i18n_format("1234567", NULL, NULL, small, sizeof small), TRYGG_OK);
    assert_string_equal(small, "1234567");
}

/* Every shipped catalog domain loads cleanly. */
static void test_shipped_catalogs(void **state)
{
    (void)state;
    char dir[4096];
    assert_int_equal(trygg_asset_path("i18n", dir, sizeof dir), TRYGG_OK);
    DIR *d = opendir(dir);
    if (d == NULL) {
        print_message("no %s yet; nothing to check\n", dir);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || strchr(de->d_name, '.') != NULL)
            continue;
        char sub[4400];
        snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
        trygg_i18n *t = NULL;
        char err[512] = "";
        trygg_err rc = trygg_i18n_load(sub, &t, err, sizeof err);
        if (rc != TRYGG_OK) {
            print_error("%s: %s\n", sub, err);
            fail();
        }
        trygg_i18n_free(t);
    }
    closedir(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fallback_chain),   cmocka_unit_test(test_sv_required),
        cmocka_unit_test(test_broken_po),        cmocka_unit_test(test_format),
        cmocka_unit_test(test_shipped_catalogs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
