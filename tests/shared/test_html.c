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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
