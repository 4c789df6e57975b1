/*
 * test_assemble.c — multipart linking: order, duplicates, missing parts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "assemble.h"
#include "ucs2.h"

static void part(modem_part *p, const char *number, int ref, int total, int seq, const char *text,
                 int64_t t)
{
    memset(p, 0, sizeof *p);
    snprintf(p->number, sizeof p->number, "%s", number);
    p->concat_ref = ref;
    p->concat_total = total;
    p->concat_seq = seq;
    p->smsc_time = t;
    snprintf(p->stamp, sizeof p->stamp, "T%lld", (long long)t);
    assert_int_equal(ucs2_from_utf8(text, p->units, MODEM_UNITS_MAX, &p->nunits), TRYGG_OK);
    p->location = 10000 + seq;
    p->folder = 1;
}

static asm_msg out[8];

static void test_single_and_ordered(void **state)
{
    (void)state;
    asm_state *a = asm_new(60);
    modem_part p[4];
    part(&p[0], "+46701", -1, 1, 1, "Hej", 100);
    part(&p[1], "+46702", 7, 3, 3, " världen 😀", 101);
    part(&p[2], "+46702", 7, 3, 1, "Hallå", 100);
    part(&p[3], "+46702", 7, 3, 2, " där,", 102);
    int n = asm_run(a, p, 4, 1000, out, 8);
    assert_int_equal(n, 2);
    assert_string_equal(out[0].text, "Hej");
    assert_int_equal(out[0].nidx, 1);
    assert_string_equal(out[1].text, "Hallå där, världen 😀");
    assert_int_equal(out[1].incomplete, 0);
    assert_int_equal(out[1].nidx, 3);
    assert_int_equal(out[1].smsc_time, 100);
    asm_free(a);
}

static void test_missing_part_times_out(void **state)
{
    (void)state;
    asm_state *a = asm_new(60);
    modem_part p[3];
    part(&p[0], "+46702", 9, 3, 1, "A", 100);
    part(&p[1], "+46702", 9, 3, 3, "C", 100);
    part(&p[2], "+46703", 9, 3, 1, "other sender", 100);
    assert_int_equal(asm_run(a, p, 3, 1000, out, 8), 0); /* waits */
    assert_int_equal(asm_run(a, p, 3, 1059, out, 8), 0);
    int n = asm_run(a, p, 3, 1060, out, 8);
    assert_int_equal(n, 2);
    assert_string_equal(out[0].text, "A…C");
    assert_int_equal(out[0].incomplete, 1);
    assert_int_equal(out[0].nidx, 2);
    assert_string_equal(out[1].text, "other sender…");
    asm_free(a);
}

static void test_late_part_completes(void **state)
{
    (void)state;
    asm_state *a = asm_new(60);
    modem_part p[2];
    part(&p[0], "+46702", 5, 2, 2, "world", 100);
    assert_int_equal(asm_run(a, p, 1, 1000, out, 8), 0);
    part(&p[1], "+46702", 5, 2, 1, "hello ", 100);
    assert_int_equal(asm_run(a, p, 2, 1010, out, 8), 1);
    assert_string_equal(out[0].text, "hello world");
    assert_int_equal(out[0].incomplete, 0);
    asm_free(a);
}

static void test_duplicate_part(void **state)
{
    (void)state;
    asm_state *a = asm_new(60);
    modem_part p[3];
    part(&p[0], "+46702", 5, 2, 1, "one ", 100);
    part(&p[1], "+46702", 5, 2, 1, "one ", 100);
    part(&p[2], "+46702", 5, 2, 2, "two", 100);
    assert_int_equal(asm_run(a, p, 3, 1000, out, 8), 1);
    assert_string_equal(out[0].text, "one two");
    assert_int_equal(out[0].nidx, 3); /* the duplicate is deleted too */
    asm_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_and_ordered),
        cmocka_unit_test(test_missing_part_times_out),
        cmocka_unit_test(test_late_part_completes),
        cmocka_unit_test(test_duplicate_part),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
