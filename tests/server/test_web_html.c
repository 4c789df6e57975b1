/*
 * test_web_html.c — the one escaping path of the staff UI (web_html.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "web.h"
#include "web_item.h"

static const char *render_text(html_buf *b, const char *s)
{
    html_init(b, 1 << 16);
    html_text(b, s);
    return b->data ? b->data : "";
}

static void test_text_escapes_markup(void **state)
{
    (void)state;
    html_buf b;
    assert_string_equal(render_text(&b, "<script>alert('x')</script>"),
                        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    html_free(&b);
    assert_string_equal(render_text(&b, "a & b \"c\""), "a &amp; b &quot;c&quot;");
    html_free(&b);
    assert_string_equal(render_text(&b, "Ströms slott – åäö"), "Ströms slott – åäö");
    html_free(&b);
}

static void test_attr_cannot_break_out(void **state)
{
    (void)state;
    html_buf b;
    html_init(&b, 1 << 16);
    html_lit(&b, "<input value=\"");
    html_attr(&b, "\" autofocus onfocus=\"alert(1)");
    html_lit(&b, "\">");
    assert_non_null(b.data);
    assert_null(strstr(b.data, "\" autofocus"));
    assert_string_equal(b.data, "<input value=\"&quot; autofocus onfocus=&quot;alert(1)\">");
    html_free(&b);
}

static void test_controls_and_bad_utf8_replaced(void **state)
{
    (void)state;
    html_buf b;
    assert_string_equal(render_text(&b, "a\x01"
                                        "b\x7f"
                                        "c"),
                        "a\xEF\xBF\xBD"
                        "b\xEF\xBF\xBD"
                        "c");
    html_free(&b);
    assert_string_equal(render_text(&b, "x\xC3(y"), "x\xEF\xBF\xBD(y");
    html_free(&b);
    assert_string_equal(render_text(&b, "\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    html_free(&b);
    assert_string_equal(render_text(&b, "tab\tnl\n"), "tab\tnl\n");
    html_free(&b);
    html_init(&b, 64);
    html_text(&b, NULL);
    assert_int_equal(b.len, 0);
    html_free(&b);
}

static void test_urlarg_encodes(void **state)
{
    (void)state;
    html_buf b;
    html_init(&b, 1 << 16);
    html_urlarg(&b, "a b&c=\"<å>");
    assert_string_equal(b.data, "a%20b%26c%3D%22%3C%C3%A5%3E");
    html_free(&b);
}

static void test_cap_marks_full(void **state)
{
    (void)state;
    html_buf b;
    html_init(&b, 16);
    html_lit(&b, "0123456789");
    assert_int_equal(trygg_buf_err(&b), TRYGG_OK);
    html_text(&b, "<<<<");
    assert_int_equal(trygg_buf_err(&b), TRYGG_ERR_TOOBIG);
    size_t len = b.len;
    html_lit(&b, "x");
    assert_int_equal(b.len, len); /* nothing after overflow */
    html_free(&b);
}

static void test_int(void **state)
{
    (void)state;
    html_buf b;
    html_init(&b, 64);
    html_int(&b, -42);
    html_int(&b, 9007199254740993LL);
    assert_string_equal(b.data, "-429007199254740993");
    html_free(&b);
}

static const char *render_excerpt(html_buf *b, const char *s, size_t max)
{
    html_init(b, 1 << 16);
    web_item_excerpt(b, s, max);
    return b->data ? b->data : "";
}

/* Excerpts in lists (queue, duplicates, SMS parts) cut at a character
 * boundary, never in half a character, and add "…" only when they cut. */
static void test_excerpt_cuts_whole_characters(void **state)
{
    (void)state;
    html_buf b;
    assert_string_equal(render_excerpt(&b, "abcd", 4), "abcd");
    html_free(&b);
    assert_string_equal(render_excerpt(&b, "abcde", 4), "abcd…");
    html_free(&b);
    assert_string_equal(render_excerpt(&b, "abcåä", 4), "abc…"); /* not half an å */
    html_free(&b);
    assert_string_equal(render_excerpt(&b, "abcåä", 5), "abcå…");
    html_free(&b);
    assert_string_equal(render_excerpt(&b, "a😀b", 4), "a…");
    html_free(&b);
    assert_string_equal(render_excerpt(&b, "<b>ok</b>", 3), "&lt;b&gt;…");
    html_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_escapes_markup),
        cmocka_unit_test(test_attr_cannot_break_out),
        cmocka_unit_test(test_controls_and_bad_utf8_replaced),
        cmocka_unit_test(test_urlarg_encodes),
        cmocka_unit_test(test_cap_marks_full),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_excerpt_cuts_whole_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
