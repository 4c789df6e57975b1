/*
 * test_web_csv.c — CSV cells: quoting and formula-injection guard.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "web.h"

static void test_quoting(void **state)
{
    (void)state;
    char out[256];
    size_t len = 0;
    out[0] = '\0';
    assert_int_equal(web_csv_cell(out, sizeof out, &len, "plain", 1), 0);
    assert_int_equal(web_csv_cell(out, sizeof out, &len, "a,b", 0), 0);
    assert_int_equal(web_csv_cell(out, sizeof out, &len, "say \"hi\"", 0), 0);
    assert_int_equal(web_csv_cell(out, sizeof out, &len, "two\nlines", 0), 0);
    assert_int_equal(web_csv_cell(out, sizeof out, &len, NULL, 0), 0);
    assert_string_equal(out, "\"plain\",\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"");
    assert_int_equal(len, strlen(out));
}

static void test_formula_guard(void **state)
{
    (void)state;
    const char *bad[] = {"=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[128];
        size_t len = 0;
        assert_int_equal(web_csv_cell(out, sizeof out, &len, bad[i], 1), 0);
        assert_int_equal(out[0], '"');
        assert_int_equal(out[1], '\'');
    }
    char out[64];
    size_t len = 0;
    assert_int_equal(web_csv_cell(out, sizeof out, &len, "ok=1", 1), 0);
    assert_string_equal(out, "\"ok=1\"");
}

static void test_cap(void **state)
{
    (void)state;
    char out[8];
    size_t len = 0;
    out[0] = '\0';
    assert_int_equal(web_csv_cell(out, sizeof out, &len, "abcd", 1), 0); /* "abcd" = 6 + NUL */
    assert_int_equal(web_csv_cell(out, sizeof out, &len, "x", 0), -1);
    assert_string_equal(out, "\"abcd\"");
    assert_int_equal(len, 6);
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
