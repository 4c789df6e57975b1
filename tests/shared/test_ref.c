/* Tests for ref.c: alphabet, format, uniqueness, derivation, normalising. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "trygg/ref.h"

static void check_format(const char *r)
{
    assert_int_equal(strlen(r), TRYGG_REF_LEN);
    assert_int_equal(r[2], '-');
    for (int i = 0; i < TRYGG_REF_LEN; i++) {
        if (i == 2)
            continue;
        assert_non_null(strchr(TRYGG_REF_ALPHABET, r[i]));
        assert_null(strchr("0O1IL", r[i]));
    }
}

static int cmp_ref(const void *a, const void *b)
{
    return memcmp(a, b, TRYGG_REF_LEN + 1);
}

static void test_alphabet_has_no_ambiguous_chars(void **state)
{
    (void)state;
    const char *amb = "0O1IL";
    for (const char *c = amb; *c; c++)
        assert_null(strchr(TRYGG_REF_ALPHABET, *c));
    assert_int_equal(strlen(TRYGG_REF_ALPHABET), 29);
}

static void test_random_refs_unique_over_100k(void **state)
{
    (void)state;
    enum { N = 100000 };
    char(*refs)[TRYGG_REF_LEN + 1] = calloc(N, TRYGG_REF_LEN + 1);
    assert_non_null(refs);
    int counts[256] = {0};
    for (int i = 0; i < N; i++) {
        trygg_ref_new(refs[i]);
        check_format(refs[i]);
        for (int j = 0; j < TRYGG_REF_LEN; j++)
            counts[(unsigned char)refs[i][j]]++;
    }
    qsort(refs, N, TRYGG_REF_LEN + 1, cmp_ref);
    int dups = 0;
    for (int i = 1; i < N; i++)
        if (memcmp(refs[i - 1], refs[i], TRYGG_REF_LEN + 1) == 0)
            dups++;
    /* Birthday bound: 100k draws from 594M give ~8 expected collisions;
     * the store retries on those. Far more would mean a weak generator. */
    assert_true(dups < 40);
    /* Every symbol is used, roughly evenly (600k draws / 29 ≈ 20690). */
    for (const char *c = TRYGG_REF_ALPHABET; *c; c++) {
        assert_true(counts[(unsigned char)*c] > 19000);
        assert_true(counts[(unsigned char)*c] < 22500);
    }
    free(refs);
}

static void test_from_key_is_deterministic(void **state)
{
    (void)state;
    char a[8], b[8], c[8];
    trygg_ref_from_key("3f1e1c2a-9d5b-4c1e-8f00-aa11bb22cc33", a);
    trygg_ref_from_key("3f1e1c2a-9d5b-4c1e-8f00-aa11bb22cc33", b);
    trygg_ref_from_key("3f1e1c2a-9d5b-4c1e-8f00-aa11bb22cc34", c);
    check_format(a);
    check_format(c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
}

static void test_normalise(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(trygg_ref_normalise("K7-4QX2", out), TRYGG_OK);
    assert_string_equal(out, "K7-4QX2");
    assert_int_equal(trygg_ref_normalise(" k7 4qx2 ", out), TRYGG_OK);
    assert_string_equal(out, "K7-4QX2");
    assert_int_equal(trygg_ref_normalise("k74qx2", out), TRYGG_OK);
    assert_string_equal(out, "K7-4QX2");
    assert_int_equal(trygg_ref_normalise("K7-4QX", out), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_normalise("K7-4QX22", out), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_normalise("K0-4QX2", out), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_normalise("KO-4QX2", out), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_normalise("K7-4QL2", out), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_normalise("K74-QX2", out), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_normalise("K7--4QX2", out), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_normalise("", out), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_normalise(NULL, out), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_normalise("K7-4QXÄ", out), TRYGG_ERR_INVALID);
    /* Every generated reference survives a round trip through lower case. */
    for (int i = 0; i < 1000; i++) {
        char r[8], low[8];
        trygg_ref_new(r);
        for (int j = 0; j < 8; j++)
            low[j] = (char)((r[j] >= 'A' && r[j] <= 'Z') ? r[j] - 'A' + 'a' : r[j]);
        assert_int_equal(trygg_ref_normalise(low, out), TRYGG_OK);
        assert_string_equal(out, r);
    }
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alphabet_has_no_ambiguous_chars),
        cmocka_unit_test(test_random_refs_unique_over_100k),
        cmocka_unit_test(test_from_key_is_deterministic),
        cmocka_unit_test(test_normalise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
