/*
 * test_buf.c — the one growable buffer (trygg/buf.h): growth, the hard cap,
 * sticky errors, printf of any length, take.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trygg/buf.h"

static void test_grow(void **state)
{
    (void)state;
    trygg_buf b;
    trygg_buf_init(&b, 1 << 20);
    assert_string_equal(trygg_buf_str(&b), "");
    for (int i = 0; i < 10000; i++)
        assert_int_equal(trygg_buf_puts(&b, "abc"), TRYGG_OK);
    assert_int_equal(b.len, 30000);
    assert_int_equal(strlen(b.data), 30000);
    assert_int_equal(trygg_buf_printf(&b, "%05d|%s", 42, "x"), TRYGG_OK);
    assert_string_equal(b.data + 30000, "00042|x");
    assert_int_equal(trygg_buf_err(&b), TRYGG_OK);
    trygg_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_cap_sticky(void **state)
{
    (void)state;
    trygg_buf b;
    trygg_buf_init(&b, 8); /* 7 bytes + NUL */
    assert_int_equal(trygg_buf_puts(&b, "1234567"), TRYGG_OK);
    assert_int_equal(trygg_buf_add(&b, "8", 1), TRYGG_ERR_TOOBIG);
    assert_string_equal(trygg_buf_str(&b), "1234567");            /* unchanged */
    assert_int_equal(trygg_buf_add(&b, "", 0), TRYGG_ERR_TOOBIG); /* sticky */
    assert_int_equal(trygg_buf_err(&b), TRYGG_ERR_TOOBIG);
    trygg_buf_free(&b);
    assert_int_equal(trygg_buf_err(&b), TRYGG_OK); /* free resets */
    assert_int_equal(trygg_buf_puts(&b, "ok"), TRYGG_OK);
    trygg_buf_free(&b);
}

static void test_long_printf(void **state)
{
    (void)state;
    char big[5000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    trygg_buf b;
    trygg_buf_init(&b, 10000);
    assert_int_equal(trygg_buf_printf(&b, "<%s>", big), TRYGG_OK);
    assert_int_equal(b.len, 5001);
    assert_int_equal(trygg_buf_printf(&b, "%s%s", big, big), TRYGG_ERR_TOOBIG);
    assert_int_equal(b.len, 5001);
    size_t len = 0;
    char *d = trygg_buf_take(&b, &len);
    assert_int_equal(len, 5001);
    assert_int_equal(d[0], '<');
    assert_null(b.data);
    free(d);
    trygg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grow),
        cmocka_unit_test(test_cap_sticky),
        cmocka_unit_test(test_long_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
