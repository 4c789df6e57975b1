/*
 * test_csv.c — the one CSV writer (trygg/csv.h): RFC 4180 quoting, the
 * formula-injection guard and the buffer cap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "trygg/csv.h"

static void test_quoting(void **state)
{
    (void)state;
    trygg_buf b;
    trygg_buf_init(&b, 256);
    assert_int_equal(trygg_csv_field(&b, "plain", 1), TRYGG_OK);
    assert_int_equal(trygg_csv_field(&b, "a,b", 0), TRYGG_OK);
    assert_int_equal(trygg_csv_field(&b, "say \"hi\"", 0), TRYGG_OK);
    assert_int_equal(trygg_csv_field(&b, "two\nlines", 0), TRYGG_OK);
    assert_int_equal(trygg_csv_field(&b, NULL, 0), TRYGG_OK);
    assert_int_equal(trygg_csv_raw(&b, "12", 0), TRYGG_OK);
    assert_int_equal(trygg_csv_end(&b), TRYGG_OK);
    assert_string_equal(trygg_buf_str(&b),
                        "\"plain\",\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\",12\r\n");
    assert_int_equal(b.len, strlen(trygg_buf_str(&b)));
    trygg_buf_free(&b);
}

static void test_formula_guard(void **state)
{
    (void)state;
    const char *bad[] = {"=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        trygg_buf b;
        trygg_buf_init(&b, 128);
        assert_int_equal(trygg_csv_field(&b, bad[i], 1), TRYGG_OK);
        assert_int_equal(b.data[0], '"');
        assert_int_equal(b.data[1], '\'');
        assert_true(trygg_csv_is_formula(bad[i]));
        trygg_buf_free(&b);
    }
    trygg_buf b;
    trygg_buf_init(&b, 64);
    assert_int_equal(trygg_csv_field(&b, "ok=1", 1), TRYGG_OK);
    assert_string_equal(trygg_buf_str(&b), "\"ok=1\"");
    assert_false(trygg_csv_is_formula("ok=1"));
    assert_false(trygg_csv_is_formula(""));
    trygg_buf_free(&b);
}

static void test_cap(void **state)
{
    (void)state;
    trygg_buf b;
    trygg_buf_init(&b, 8);
    assert_int_equal(trygg_csv_field(&b, "abcd", 1), TRYGG_OK); /* "abcd" = 6 + NUL */
    assert_int_equal(trygg_csv_field(&b, "x", 0), TRYGG_ERR_TOOBIG);
    assert_int_equal(trygg_buf_err(&b), TRYGG_ERR_TOOBIG);
    assert_int_equal(trygg_csv_end(&b), TRYGG_ERR_TOOBIG); /* sticky */
    trygg_buf_free(&b);
}

/* Reads all of `text` with delimiter `d`: the fields joined by '|', records
 * by '/', into out; returns the first error other than the end. */
static trygg_err read_all(const char *text, size_t len, char d, char *out, size_t cap, int *lines)
{
    trygg_csv_reader r;
    trygg_csv_reader_init(&r, text, len, d);
    out[0] = '\0';
    const char *f[8];
    int n = 0, k = 0;
    trygg_err e;
    while ((e = trygg_csv_read(&r, f, 8, &n)) == TRYGG_OK) {
        if (lines)
            lines[k++] = r.line;
        for (int i = 0; i < n; i++) {
            strncat(out, f[i], cap - strlen(out) - 1);
            strncat(out, i + 1 < n ? "|" : "/", cap - strlen(out) - 1);
        }
    }
    trygg_csv_reader_free(&r);
    return e == TRYGG_ERR_NOTFOUND ? TRYGG_OK : e;
}

static void test_read(void **state)
{
    (void)state;
    char out[256];
    int lines[8];
    const char *t = "\xEF\xBB\xBF"
                    "datum;typ;text\r\n"
                    "2026-12-01;klotter;\"Nya taggar; tre st\"\r\n"
                    "\r\n"
                    "2026-12-02;brand;\"rad ett\nrad \"\"två\"\"\"\n"
                    "2026-12-03;;\n";
    assert_int_equal(trygg_csv_sniff(t + 3, strlen(t + 3)), ';');
    assert_int_equal(read_all(t, strlen(t), ';', out, sizeof out, lines), TRYGG_OK);
    assert_string_equal(out, "datum|typ|text/2026-12-01|klotter|Nya taggar; tre st/"
                             "2026-12-02|brand|rad ett\nrad \"två\"/2026-12-03||/");
    assert_int_equal(lines[0], 1);
    assert_int_equal(lines[1], 2);
    assert_int_equal(lines[2], 4); /* after the empty line */
    assert_int_equal(lines[3], 6); /* the quoted line break counts */
    assert_int_equal(trygg_csv_sniff("a,b;c,d", 7), ',');
    assert_int_equal(trygg_csv_sniff("\"a;b;c\",d", 9), ',');
    /* What a spreadsheet never writes is refused, not guessed. */
    assert_int_equal(read_all("a,\"b\nc", 6, ',', out, sizeof out, NULL), TRYGG_ERR_INVALID);
    assert_int_equal(read_all("a,\"b\"x,c\n", 9, ',', out, sizeof out, NULL), TRYGG_ERR_INVALID);
    assert_int_equal(read_all("a,b\0c,d\n", 8, ',', out, sizeof out, NULL), TRYGG_ERR_INVALID);
    assert_int_equal(read_all("1,2,3,4,5,6,7,8,9\n", 18, ',', out, sizeof out, NULL),
                     TRYGG_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_formula_guard),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
