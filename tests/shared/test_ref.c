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
        for (int j = 1; j < TRYGG_REF_LEN; j++)
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
    /* Every symbol is used, roughly evenly after the first (500k draws / 29
     * ≈ 17241); the first is always a letter (digits are the kiosks'). */
    for (const char *c = TRYGG_REF_ALPHABET; *c; c++) {
        assert_true(counts[(unsigned char)*c] > 15500);
        assert_true(counts[(unsigned char)*c] < 19000);
    }
    for (int i = 0; i < N; i++)
        assert_false(trygg_ref_is_kiosk(refs[i]));
    free(refs);
}

static void test_random_refs_first_letter(void **state)
{
    (void)state;
    for (int i = 0; i < 20000; i++) {
        char r[TRYGG_REF_LEN + 1];
        trygg_ref_new(r);
        assert_null(strchr("23456789", r[0]));
        assert_false(trygg_ref_is_kiosk(r));
    }
}

static void test_kiosk_prefixes(void **state)
{
    (void)state;
    char seen[TRYGG_REF_PREFIX_COUNT][3];
    for (int n = 0; n < TRYGG_REF_PREFIX_COUNT; n++) {
        trygg_ref_prefix_nth(n, seen[n]);
        assert_true(trygg_ref_prefix_valid(seen[n]));
        for (int m = 0; m < n; m++)
            assert_string_not_equal(seen[m], seen[n]);
    }
    assert_string_equal(seen[0], "22");
    assert_false(trygg_ref_prefix_valid("K7"));  /* letter first: a server shape */
    assert_false(trygg_ref_prefix_valid("3"));   /* too short */
    assert_false(trygg_ref_prefix_valid("3K2")); /* too long */
    assert_false(trygg_ref_prefix_valid("30"));  /* 0 is not in the alphabet */
    assert_false(trygg_ref_prefix_valid("3k"));  /* issued upper case */
    assert_false(trygg_ref_prefix_valid(NULL));
}

static void test_kiosk_ref_roundtrip(void **state)
{
    (void)state;
    char r[TRYGG_REF_LEN + 1], p[3];
    long seq;
    static const long probes[] = {0, 1, 2, 28, 29, 1000, 123456, TRYGG_REF_SEQ_COUNT - 1};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        assert_int_equal(trygg_ref_kiosk("3K", probes[i], r), TRYGG_OK);
        check_format(r);
        assert_true(trygg_ref_is_kiosk(r));
        assert_int_equal(trygg_ref_kiosk_parse(r, p, &seq), TRYGG_OK);
        assert_string_equal(p, "3K");
        assert_int_equal(seq, probes[i]);
    }
    /* Consecutive numbers do not read as a counter. */
    char r2[TRYGG_REF_LEN + 1];
    assert_int_equal(trygg_ref_kiosk("3K", 1, r2), TRYGG_OK);
    assert_int_equal(trygg_ref_kiosk("3K", 0, r), TRYGG_OK);
    assert_string_not_equal(r + 3, r2 + 3);
    assert_int_equal(trygg_ref_kiosk("3K", -1, r), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_kiosk("3K", TRYGG_REF_SEQ_COUNT, r), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_kiosk("K7", 5, r), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_kiosk_parse("K7-4QX2", p, &seq), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_ref_kiosk_parse("3k-4qx2", p, &seq), TRYGG_ERR_INVALID);
    assert_false(trygg_ref_is_kiosk("3K4QX2"));
}

/* Open-addressing set of references packed as 6 base-29 digits (< 2^30). */
typedef struct refset {
    uint32_t *slot; /* 0 = empty, else packed + 1 */
    size_t mask;
} refset;

static uint32_t pack(const char *r)
{
    uint32_t v = 0;
    for (int i = 0; i < TRYGG_REF_LEN; i++)
        if (i != 2)
            v = v * 29 + (uint32_t)(strchr(TRYGG_REF_ALPHABET, r[i]) - TRYGG_REF_ALPHABET);
    return v + 1;
}

/* Adds r; 0 if it was already there. */
static int refset_add(refset *s, const char *r)
{
    uint32_t v = pack(r);
    size_t h = ((size_t)v * 2654435761u) & s->mask;
    while (s->slot[h]) {
        if (s->slot[h] == v)
            return 0;
        h = (h + 1) & s->mask;
    }
    s->slot[h] = v;
    return 1;
}

/* Issue 12: 1,000,000 offline receipts from 100 kiosks (10,000 each: prefix
 * + own sequence), interleaved as kiosks work at once, plus 100,000 server
 * references drawn at the same time: not one reference twice. The
 * references are checked here with a hash set, which takes well under a
 * second even under ASan; storing a million items through SQLite would take
 * minutes, so the store's half (every receipt equals the stored reference)
 * is test_store_kiosk_refs.c with a 20,000-item subset of the same scheme. */
static void test_million_offline_refs_unique(void **state)
{
    (void)state;
    enum { KIOSKS = 100, PER = 10000, SERVER = 100000 };
    refset s = {calloc((size_t)1 << 22, sizeof(uint32_t)), ((size_t)1 << 22) - 1};
    assert_non_null(s.slot);
    char prefix[KIOSKS][3];
    for (int k = 0; k < KIOSKS; k++)
        trygg_ref_prefix_nth(k, prefix[k]);
    long collisions = 0, n = 0;
    for (int seq = 0; seq < PER; seq++) {
        for (int k = 0; k < KIOSKS; k++) {
            char r[TRYGG_REF_LEN + 1];
            assert_int_equal(trygg_ref_kiosk(prefix[k], seq, r), TRYGG_OK);
            collisions += !refset_add(&s, r);
            n++;
        }
        if (seq % (PER / 10) == 0)
            for (int i = 0; i < SERVER / 10; i++) {
                char r[TRYGG_REF_LEN + 1];
                trygg_ref_new(r);
                /* a server draw may repeat another server draw (the store
                 * draws again then), never a kiosk's */
                if (!refset_add(&s, r))
                    assert_false(trygg_ref_is_kiosk(r));
            }
    }
    assert_int_equal(n, 1000000);
    assert_int_equal(collisions, 0);
    free(s.slot);
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
        cmocka_unit_test(test_random_refs_first_letter),
        cmocka_unit_test(test_kiosk_prefixes),
        cmocka_unit_test(test_kiosk_ref_roundtrip),
        cmocka_unit_test(test_million_offline_refs_unique),
        cmocka_unit_test(test_from_key_is_deterministic),
        cmocka_unit_test(test_normalise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
