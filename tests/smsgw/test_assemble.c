/*
 * test_assemble.c — multipart linking: order, duplicates, missing parts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assemble.h"
#include "trygg/text.h"
#include "trygg/ucs2.h"

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

static void test_controls(void **state)
{
    (void)state;
    asm_state *a = asm_new(60);
    modem_part p[1];
    part(&p[0], "+46701", -1, 1, 1, "a", 100);
    uint16_t u[] = {'a', 0x0007, 'b', 0x001B, 'c', 0x007F, '\n', 'd'};
    memcpy(p[0].units, u, sizeof u);
    p[0].nunits = 8;
    assert_int_equal(asm_run(a, p, 1, 0, out, 8), 1);
    assert_string_equal(out[0].text, "a b c \nd");
    asm_free(a);
}

/* Random parts (references, totals, sequences, code units) never crash the
 * assembler and always give valid UTF-8 within the text cap. */
static void test_random(void **state)
{
    (void)state;
    asm_state *a = asm_new(5);
    static modem_part p[64];
    unsigned seed = 12345;
    for (int round = 0; round < 300; round++) {
        int n = (int)(rand_r(&seed) % 64);
        for (int i = 0; i < n; i++) {
            memset(&p[i], 0, sizeof p[i]);
            snprintf(p[i].number, sizeof p[i].number, "+4670%u", rand_r(&seed) % 3);
            p[i].concat_ref = (int)(rand_r(&seed) % 4) - 1;
            p[i].concat_total = (int)(rand_r(&seed) % 5);
            p[i].concat_seq = (int)(rand_r(&seed) % 6) - 1;
            p[i].nunits = rand_r(&seed) % (MODEM_UNITS_MAX + 1);
            for (size_t k = 0; k < p[i].nunits; k++)
                p[i].units[k] = (uint16_t)rand_r(&seed);
        }
        int nm = asm_run(a, p, n, round, out, 8);
        for (int k = 0; k < nm; k++) {
            assert_true(strlen(out[k].text) <= TRYGG_TEXT_MAX);
            assert_true(trygg_utf8_valid(out[k].text, strlen(out[k].text)));
            assert_true(out[k].nidx >= 1 && out[k].nidx <= ASM_MAX_PARTS);
            for (int j = 0; j < out[k].nidx; j++)
                assert_true(out[k].idx[j] >= 0 && out[k].idx[j] < n);
        }
    }
    asm_free(a);
}

/* A part past ASM_MAX_PARTS alone still names its sender when it times out
 * (found by tests/fuzz/fuzz_sms_assemble). */
static void test_only_parts_past_max(void **state)
{
    (void)state;
    asm_state *a = asm_new(60);
    modem_part p[1];
    part(&p[0], "+46702", 3, 106, 84, "far part", 100);
    assert_int_equal(asm_run(a, p, 1, 1000, out, 8), 0);
    assert_int_equal(asm_run(a, p, 1, 1060, out, 8), 1);
    assert_string_equal(out[0].number, "+46702");
    assert_string_equal(out[0].stamp, "T100");
    assert_int_equal(out[0].smsc_time, 100);
    assert_int_equal(out[0].incomplete, 1);
    assert_int_equal(out[0].nidx, 1); /* deleted with the message */
    asm_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_and_ordered),
        cmocka_unit_test(test_missing_part_times_out),
        cmocka_unit_test(test_late_part_completes),
        cmocka_unit_test(test_duplicate_part),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_only_parts_past_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
