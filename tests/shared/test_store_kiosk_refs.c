/* Issue 12: references a kiosk issued offline (prefix + its own sequence,
 * shared/include/trygg/ref.h) go through the real store unchanged: every
 * receipt equals the stored reference, a retry gets the same item, and a
 * kiosk reference taken by another item is refused (TRYGG_ERR_EXISTS), never
 * silently replaced. The full million references are checked for uniqueness
 * in test_ref.c (a hash set, fast); here a 20,000-item subset of the same
 * scheme (100 kiosks x 200) is stored, in transactions of 1,000 as the
 * server's intake commits them, so the test stays within seconds under
 * ASan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_fixture.h"
#include "trygg/ref.h"

enum { KIOSKS = 100, PER = 200 };

/* Items stored in all (any status). */
static int64_t count_items(fixture *f)
{
    int64_t counts[TRYGG_STATUS_COUNT], n = 0;
    assert_int_equal(trygg_store_count_by_status(f->st, NULL, counts), TRYGG_OK);
    for (int i = 0; i < TRYGG_STATUS_COUNT; i++)
        n += counts[i];
    return n;
}

static void test_offline_refs_stored_exactly(void **state)
{
    fixture *f = *state;
    static char prefix[KIOSKS][4];
    for (int k = 0; k < KIOSKS; k++) {
        trygg_kiosk kk = {0};
        char tok[64];
        snprintf(kk.id, sizeof kk.id, "kiosk-%d", k);
        assert_int_equal(trygg_store_kiosk_add(f->st, &kk, tok), TRYGG_OK);
        assert_int_equal(trygg_store_kiosk_get(f->st, kk.id, &kk), TRYGG_OK);
        assert_true(trygg_ref_prefix_valid(kk.ref_prefix));
        for (int j = 0; j < k; j++)
            assert_string_not_equal(prefix[j], kk.ref_prefix);
        memcpy(prefix[k], kk.ref_prefix, sizeof prefix[k]);
    }
    long n = 0;
    for (int seq = 0; seq < PER; seq++) {
        if (n % 1000 == 0)
            assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
        for (int k = 0; k < KIOSKS; k++, n++) {
            trygg_item it, out;
            int made = 0;
            char key[64], receipt[TRYGG_REF_LEN + 1];
            snprintf(key, sizeof key, "k%d-uuid-%d", k, seq);
            fx_item(&it, key, TRYGG_KIND_CONCERN, "Centrum", "Mörkt vid tunneln");
            assert_int_equal(trygg_ref_kiosk(prefix[k], seq, receipt), TRYGG_OK);
            memcpy(it.ref, receipt, sizeof receipt);
            assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_OK);
            assert_int_equal(made, 1);
            assert_string_equal(out.ref, receipt);
        }
        if (n % 1000 == 0)
            assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
    }
    assert_int_equal(n, KIOSKS * PER);
    /* As many items as receipts, each found by its receipt: all distinct. */
    assert_int_equal(count_items(f), KIOSKS * PER);
    for (int seq = 0; seq < PER; seq++)
        for (int k = 0; k < KIOSKS; k++) {
            trygg_item got;
            char key[64], receipt[TRYGG_REF_LEN + 1];
            snprintf(key, sizeof key, "k%d-uuid-%d", k, seq);
            assert_int_equal(trygg_ref_kiosk(prefix[k], seq, receipt), TRYGG_OK);
            assert_int_equal(trygg_store_get_by_ref(f->st, receipt, &got), TRYGG_OK);
            assert_string_equal(got.client_key, key);
        }

    /* A retry of the same submission: the same item, the same reference. */
    trygg_item it, out;
    int made = 1;
    char receipt[TRYGG_REF_LEN + 1];
    assert_int_equal(trygg_ref_kiosk(prefix[7], 42, receipt), TRYGG_OK);
    fx_item(&it, "k7-uuid-42", TRYGG_KIND_CONCERN, "Centrum", "Mörkt vid tunneln");
    memcpy(it.ref, receipt, sizeof receipt);
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_OK);
    assert_int_equal(made, 0);
    assert_string_equal(out.ref, receipt);

    /* Another item asking for a kiosk reference that is taken: refused,
     * nothing stored, the reference still belongs to the first item. */
    fx_item(&it, "someone-else", TRYGG_KIND_CONCERN, "Centrum", "Annat");
    memcpy(it.ref, receipt, sizeof receipt);
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_ERR_EXISTS);
    assert_int_equal(made, 0);
    assert_int_equal(trygg_store_get_by_key(f->st, "someone-else", &out), TRYGG_ERR_NOTFOUND);
    assert_int_equal(count_items(f), KIOSKS * PER);
    assert_int_equal(trygg_store_get_by_key(f->st, "k7-uuid-42", &out), TRYGG_OK);
    assert_string_equal(out.ref, receipt);

    /* Items without a reference get server references: letter first. */
    fx_item(&it, "sms-1", TRYGG_KIND_CONCERN, "Centrum", "Via sms");
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_OK);
    assert_false(trygg_ref_is_kiosk(out.ref));
}

static void test_prefixes_run_out(void **state)
{
    fixture *f = *state;
    trygg_kiosk k = {0};
    char tok[64], p[4];
    strcpy(k.id, "k");
    assert_int_equal(trygg_store_kiosk_add(f->st, &k, tok), TRYGG_OK);
    for (int i = 1; i < 4; i++)
        assert_int_equal(trygg_store_kiosk_new_prefix(f->st, "k", p), TRYGG_OK);
    assert_string_equal(p, "25");
    /* The rest issued to a kiosk since removed: never issued again. */
    trygg_kiosk gone = {0};
    strcpy(gone.id, "gone");
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    assert_int_equal(trygg_store_kiosk_add(f->st, &gone, tok), TRYGG_OK);
    for (int i = 5; i < TRYGG_REF_PREFIX_COUNT; i++)
        assert_int_equal(trygg_store_kiosk_new_prefix(f->st, "gone", p), TRYGG_OK);
    assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
    char last[4];
    trygg_ref_prefix_nth(TRYGG_REF_PREFIX_COUNT - 1, last);
    assert_string_equal(p, last);
    assert_int_equal(trygg_store_kiosk_revoke(f->st, "gone"), TRYGG_OK);
    assert_int_equal(trygg_store_kiosk_new_prefix(f->st, "k", p), TRYGG_ERR_LIMIT);
    assert_int_equal(trygg_store_kiosk_new_prefix(f->st, "nobody", p), TRYGG_ERR_NOTFOUND);
    strcpy(k.id, "k2");
    assert_int_equal(trygg_store_kiosk_add(f->st, &k, tok), TRYGG_ERR_LIMIT);
    assert_int_equal(trygg_store_kiosk_get(f->st, "k2", &k), TRYGG_ERR_NOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_offline_refs_stored_exactly, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_prefixes_run_out, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
