/*
 * test_html.c — the one HTML escaper (trygg/html.h): markup characters,
 * controls and invalid UTF-8, URL arguments, the cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trygg/html.h"
#include "trygg/hyphen.h"

static void test_escape(void **state)
{
    (void)state;
    trygg_buf b;
    trygg_buf_init(&b, 1024);
    assert_int_equal(trygg_html_esc(&b, "<a href=\"x\">Tom & 'Åsa'</a>"), TRYGG_OK);
    assert_string_equal(trygg_buf_str(&b),
                        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Åsa&#39;&lt;/a&gt;");
    trygg_buf_free(&b);
    assert_int_equal(trygg_html_esc(&b, "a\x01"
                                        "b\x7F\xC3(\tok\n"),
                     TRYGG_OK);
    assert_string_equal(trygg_buf_str(&b), "a\xEF\xBF\xBD"
                                           "b\xEF\xBF\xBD\xEF\xBF\xBD(\tok\n");
    trygg_buf_free(&b);
    assert_int_equal(trygg_html_esc(&b, NULL), TRYGG_OK);
    assert_int_equal(b.len, 0);
    assert_int_equal(trygg_html_urlarg(&b, "a b&c=å"), TRYGG_OK);
    assert_string_equal(trygg_buf_str(&b), "a%20b%26c%3D%C3%A5");
    trygg_buf_free(&b);
}

static void test_cap(void **state)
{
    (void)state;
    trygg_buf b;
    trygg_buf_init(&b, 8);
    assert_int_equal(trygg_html_esc(&b, "<<"), TRYGG_ERR_TOOBIG); /* &lt;&lt; = 8 + NUL */
    assert_int_equal(trygg_buf_err(&b), TRYGG_ERR_TOOBIG);
    trygg_buf_free(&b);
}

/* Counts "&shy;" in s. */
static int shy_count(const char *s)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, "&shy;")) != NULL; p += 5)
        n++;
    return n;
}

/* Long words get soft hyphens at the language's hyphenation points (so a
 * narrow cell breaks "Grann-samverkan", not "Grannsamverka|n"); short words,
 * the first and last three letters and the escaping are left as they are. */
static void test_soft_hyphens(void **state)
{
    (void)state;
    trygg_buf b;
    trygg_buf_init(&b, 4096);
    assert_int_equal(trygg_html_esc_hyph(&b, "Grannsamverkan", "sv"), TRYGG_OK);
    const char *out = trygg_buf_str(&b);
    assert_true(shy_count(out) >= 2);
    /* Removing the soft hyphens gives the word back. */
    char plain[128] = "";
    for (const char *p = out; *p;) {
        if (strncmp(p, "&shy;", 5) == 0) {
            p += 5;
            continue;
        }
        strncat(plain, p, 1);
        p++;
    }
    assert_string_equal(plain, "Grannsamverkan");
    assert_null(strstr(out, "Gr&shy;"));
    assert_null(strstr(out, "&shy;an"));
    assert_non_null(strstr(out, "Grann&shy;"));
    trygg_buf_free(&b);
    /* Swedish letters (a Latin-1 dictionary) and escaping. */
    assert_int_equal(trygg_html_esc_hyph(&b, "Ordningsstörning <b> & Antal", "sv"), TRYGG_OK);
    out = trygg_buf_str(&b);
    assert_true(shy_count(out) >= 1);
    assert_non_null(strstr(out, "&lt;b&gt; &amp; Antal"));
    assert_non_null(strstr(out, "stör")); /* ö intact: a Latin-1 dictionary, UTF-8 text */
    trygg_buf_free(&b);
    /* English patterns for English reports. */
    assert_int_equal(trygg_html_esc_hyph(&b, "Neighbourhood", "en"), TRYGG_OK);
    assert_true(shy_count(trygg_buf_str(&b)) >= 1);
    trygg_buf_free(&b);
    /* Short words, numbers and NULL stay as they are. */
    assert_int_equal(trygg_html_esc_hyph(&b, "Antal 12345678901 v47 belysning", "sv"), TRYGG_OK);
    assert_string_equal(trygg_buf_str(&b), "Antal 12345678901 v47 belysning");
    trygg_buf_free(&b);
    assert_int_equal(trygg_html_esc_hyph(&b, NULL, "sv"), TRYGG_OK);
    assert_int_equal(b.len, 0);
    trygg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_soft_hyphens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
