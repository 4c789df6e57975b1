/*
 * test_numcache.c — the numbers held between receipt and reply
 * (smsgw/numcache.h): one per awaited reply, gone after NC_TTL, at most
 * NC_SLOTS (the one closest to expiry makes room), dropped on demand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "numcache.h"
#include "trygg/secret.h"

static void pseudo(int i, char out[65])
{
    snprintf(out, 65, "%064d", i);
}

static void test_replies_take_it(void **state)
{
    (void)state;
    numcache *c = nc_new();
    assert_non_null(c);
    char p[65], num[20];
    pseudo(1, p);
    assert_int_equal(nc_get(c, p, num, 1000, 0), 0);
    nc_put(c, p, "+46701234567", 1000);
    nc_put(c, p, "+46701234567", 1001);              /* a second message: two replies awaited */
    assert_int_equal(nc_get(c, p, num, 1002, 0), 1); /* a look takes nothing */
    assert_string_equal(num, "+46701234567");
    assert_int_equal(nc_get(c, p, num, 1002, 1), 1);
    assert_int_equal(nc_count(c, 1002), 1);
    assert_int_equal(nc_get(c, p, num, 1003, 1), 1);
    assert_int_equal(nc_count(c, 1003), 0); /* the last reply wiped it */
    assert_int_equal(nc_get(c, p, num, 1003, 1), 0);
    nc_free(c);
}

static void test_expiry_and_drop(void **state)
{
    (void)state;
    numcache *c = nc_new();
    char p[65], q[65], num[20];
    pseudo(1, p);
    pseudo(2, q);
    nc_put(c, p, "+46701234567", 1000);
    nc_put(c, q, "+46707654321", 1000 + NC_TTL / 2);
    assert_int_equal(nc_get(c, p, num, 1000 + NC_TTL - 1, 0), 1);
    assert_int_equal(nc_get(c, p, num, 1000 + NC_TTL, 0), 0); /* expired */
    assert_int_equal(nc_count(c, 1000 + NC_TTL), 1);
    nc_drop(c, q);
    assert_int_equal(nc_count(c, 1000 + NC_TTL), 0);
    assert_int_equal(nc_get(c, q, num, 1000 + NC_TTL, 0), 0);
    nc_free(c);
}

static void test_full(void **state)
{
    (void)state;
    numcache *c = nc_new();
    char p[65], num[20];
    for (int i = 0; i < NC_SLOTS; i++) {
        pseudo(i, p);
        nc_put(c, p, "+46701234567", 1000 + i);
    }
    assert_int_equal(nc_count(c, 1000 + NC_SLOTS), NC_SLOTS);
    pseudo(NC_SLOTS, p);
    nc_put(c, p, "+46709999999", 1000 + NC_SLOTS);
    assert_int_equal(nc_count(c, 1000 + NC_SLOTS), NC_SLOTS);
    assert_int_equal(nc_get(c, p, num, 1000 + NC_SLOTS, 0), 1);
    assert_string_equal(num, "+46709999999");
    pseudo(0, p); /* the oldest made room */
    assert_int_equal(nc_get(c, p, num, 1000 + NC_SLOTS, 0), 0);
    pseudo(1, p);
    assert_int_equal(nc_get(c, p, num, 1000 + NC_SLOTS, 0), 1);
    nc_free(c);
    nc_free(NULL);
}

int main(void)
{
    if (trygg_secret_init() != TRYGG_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replies_take_it),
        cmocka_unit_test(test_expiry_and_drop),
        cmocka_unit_test(test_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
