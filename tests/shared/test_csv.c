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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_formula_guard),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
