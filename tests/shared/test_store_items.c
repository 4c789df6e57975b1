/*
 * test_store_items.c — conformance tests (store.h only) of the item
 * operations the other store tests leave out: the recipients' copy and the
 * shared view (messages, redaction, search), follow-up codes, duplicates
 * linked both ways with the loop check, the call-back number, the shared
 * view by reference, and a search paged through urgent and other items. They run on SQLite and,
 * under TRYGG_TEST_PG, on PostgreSQL (TRYGG_PG_CONFORMANCE).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_fixture.h"

static int64_t submit(trygg_store *st, const char *key, trygg_kind kind, const char *text)
{
    trygg_item it, out;
    int made = 0;
    fx_item(&it, key, kind, "Centrum", text);
    snprintf(it.place, sizeof it.place, "Storgatan 3");
    snprintf(it.contact, sizeof it.contact, "0701234567");
    it.consent = 1;
    assert_int_equal(trygg_store_submit(st, &it, &out, &made), TRYGG_OK);
    assert_int_equal(made, 1);
    return out.id;
}

static int search(trygg_store *st, trygg_view view, const char *query)
{
    trygg_filter f;
    trygg_filter_init(&f);
    f.view = view;
    snprintf(f.query, sizeof f.query, "%s", query);
    trygg_item items[4];
    int n = -1;
    assert_int_equal(trygg_store_list(st, &f, NULL, items, 4, &n, NULL), TRYGG_OK);
    return n;
}

static void test_thread_in_both_views(void **state)
{
    fixture *f = *state;
    int64_t id = submit(f->st, "t-1", TRYGG_KIND_CONCERN, "Mörkt vid stationen");
    int64_t m1 = 0, m2 = 0;
    assert_int_equal(trygg_store_add_message_for(f->st, id, TRYGG_MSG_OUT, TRYGG_AUD_RECIPIENT,
                                                 "anna", "Ring 0701234567 om lampan", &m1),
                     TRYGG_OK);
    assert_int_equal(trygg_store_add_message(f->st, id, TRYGG_MSG_NOTE, "anna", "Intern", &m2),
                     TRYGG_OK);
    assert_true(m2 > m1 && m1 > 0);
    assert_int_equal(
        trygg_store_add_message_for(f->st, id, TRYGG_MSG_OUT, (trygg_audience)9, "anna", "x", NULL),
        TRYGG_ERR_INVALID);
    trygg_message *m = calloc(4, sizeof *m);
    int n = -1;
    assert_int_equal(trygg_store_list_messages(f->st, id, TRYGG_VIEW_FULL, m, 4, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_string_equal(m[0].text, "Ring 0701234567 om lampan");
    assert_int_equal(m[0].audience, TRYGG_AUD_RECIPIENT);
    assert_int_equal(m[1].audience, TRYGG_AUD_INTERNAL);
    assert_true(m[0].created > 0);
    /* The recipients see only their message, scrubbed. */
    assert_int_equal(trygg_store_list_messages(f->st, id, TRYGG_VIEW_SHARED, m, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(m[0].id, m1);
    assert_null(strstr(m[0].text, "0701234567"));
    assert_non_null(strstr(m[0].text, "lampan"));
    free(m);
    trygg_audit a[8];
    assert_int_equal(trygg_store_list_audit(f->st, id, a, 8, &n), TRYGG_OK);
    assert_int_equal(n, 3);
    assert_string_equal(a[1].action, "reply");
    assert_string_equal(a[1].detail, "recipient");
    assert_string_equal(a[2].action, "note");
}

static void test_redact_and_shared_view(void **state)
{
    fixture *f = *state;
    int64_t id = submit(f->st, "r-1", TRYGG_KIND_TIP, "Kalle Svensson säljer cyklar");
    trygg_item it;
    assert_int_equal(trygg_store_get_view(f->st, id, TRYGG_VIEW_SHARED, &it), TRYGG_OK);
    assert_string_equal(it.client_key, "");
    assert_string_equal(it.contact, "");
    assert_int_equal(it.redacted, 0);
    assert_int_equal(search(f->st, TRYGG_VIEW_SHARED, "svensson"), 1);
    assert_int_equal(trygg_store_redact(f->st, id, "anna", "En person säljer cyklar", "vid torget"),
                     TRYGG_OK);
    assert_int_equal(trygg_store_get_by_ref_view(f->st, it.ref, TRYGG_VIEW_SHARED, &it), TRYGG_OK);
    assert_string_equal(it.text, "En person säljer cyklar");
    assert_string_equal(it.place, "vid torget");
    assert_int_equal(it.redacted, 1);
    /* The full view keeps the citizen's words; the shared view neither shows
     * nor finds the redacted name, as a word or as a prefix. */
    assert_int_equal(trygg_store_get_by_ref_view(f->st, it.ref, TRYGG_VIEW_FULL, &it), TRYGG_OK);
    assert_string_equal(it.text, "Kalle Svensson säljer cyklar");
    assert_string_equal(it.contact, "0701234567");
    assert_int_equal(search(f->st, TRYGG_VIEW_FULL, "svensson"), 1);
    assert_int_equal(search(f->st, TRYGG_VIEW_SHARED, "svensson"), 0);
    assert_int_equal(search(f->st, TRYGG_VIEW_SHARED, "svens*"), 0);
    assert_int_equal(search(f->st, TRYGG_VIEW_SHARED, "torg*"), 1);
    assert_int_equal(search(f->st, TRYGG_VIEW_FULL, "torg*"), 0);
    assert_int_equal(trygg_store_redact(f->st, 999999, "anna", "x", ""), TRYGG_ERR_NOTFOUND);
    trygg_audit a[4];
    int n = 0;
    assert_int_equal(trygg_store_list_audit(f->st, id, a, 4, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_string_equal(a[1].action, "redact");
}

static void test_follow_up_code(void **state)
{
    fixture *f = *state;
    int64_t id = submit(f->st, "f-1", TRYGG_KIND_CONCERN, "Trasig lampa");
    trygg_item it;
    assert_int_equal(trygg_store_get(f->st, id, &it), TRYGG_OK);
    char h1[TRYGG_FOLLOW_HASH_LEN + 1], h2[TRYGG_FOLLOW_HASH_LEN + 1];
    memset(h1, 'a', TRYGG_FOLLOW_HASH_LEN);
    memset(h2, 'b', TRYGG_FOLLOW_HASH_LEN);
    h1[TRYGG_FOLLOW_HASH_LEN] = h2[TRYGG_FOLLOW_HASH_LEN] = '\0';
    assert_int_equal(trygg_store_follow_set(f->st, id, "nothex"), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_follow_set(f->st, 999999, h1), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_follow_set(f->st, id, h1), TRYGG_OK);
    assert_int_equal(trygg_store_follow_set(f->st, id, h1), TRYGG_OK); /* the same again */
    assert_int_equal(trygg_store_follow_set(f->st, id, h2), TRYGG_ERR_EXISTS);
    trygg_follow fw;
    assert_int_equal(trygg_store_follow_get(f->st, it.ref, &fw), TRYGG_OK);
    assert_int_equal(fw.item_id, id);
    assert_string_equal(fw.hash, h1);
    assert_int_equal(fw.status, TRYGG_STATUS_NEW);
    assert_string_equal(fw.reply, "");
    assert_int_equal(fw.reply_at, 0);
    /* The latest public reply is what the status page shows. */
    assert_int_equal(trygg_store_add_message_for(f->st, id, TRYGG_MSG_OUT, TRYGG_AUD_PUBLIC, "anna",
                                                 "Vi tittar på det", NULL),
                     TRYGG_OK);
    assert_int_equal(trygg_store_add_message_for(f->st, id, TRYGG_MSG_OUT, TRYGG_AUD_PUBLIC, "anna",
                                                 "Lampan är lagad", NULL),
                     TRYGG_OK);
    assert_int_equal(trygg_store_add_message(f->st, id, TRYGG_MSG_NOTE, "anna", "Intern", NULL),
                     TRYGG_OK);
    assert_int_equal(
        trygg_store_set_status(f->st, id, "anna", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_RESOLVED, 0),
        TRYGG_OK);
    assert_int_equal(trygg_store_follow_get(f->st, it.ref, &fw), TRYGG_OK);
    assert_string_equal(fw.reply, "Lampan är lagad");
    assert_true(fw.reply_at >= it.created);
    assert_int_equal(fw.status, TRYGG_STATUS_CLOSED);
    assert_int_equal(fw.close_reason, TRYGG_CLOSE_RESOLVED);
    assert_int_equal(trygg_store_follow_get(f->st, "ZZ-ZZZZ", &fw), TRYGG_ERR_NOTFOUND);
}

static void test_duplicates_both_ways(void **state)
{
    fixture *f = *state;
    int64_t a = submit(f->st, "d-1", TRYGG_KIND_FAULT, "Lampa trasig");
    int64_t b = submit(f->st, "d-2", TRYGG_KIND_FAULT, "Lampan är trasig");
    int64_t c = submit(f->st, "d-3", TRYGG_KIND_FAULT, "Samma lampa");
    assert_int_equal(
        trygg_store_set_status(f->st, b, "anna", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_DUPLICATE, a),
        TRYGG_OK);
    assert_int_equal(
        trygg_store_set_status(f->st, c, "anna", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_DUPLICATE, b),
        TRYGG_OK);
    trygg_item items[4];
    int n = -1;
    assert_int_equal(trygg_store_list_duplicates(f->st, a, TRYGG_VIEW_SHARED, items, 4, &n),
                     TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, b);
    assert_string_equal(items[0].contact, "");
    /* a -> b -> c -> a would be a loop: refused, nothing changes. */
    assert_int_equal(
        trygg_store_set_status(f->st, a, "anna", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_DUPLICATE, c),
        TRYGG_ERR_STATE);
    trygg_item it;
    assert_int_equal(trygg_store_get(f->st, a, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_NEW);
    assert_int_equal(it.duplicate_of, 0);
    assert_int_equal(trygg_store_list_duplicates(f->st, c, TRYGG_VIEW_FULL, items, 4, &n),
                     TRYGG_OK);
    assert_int_equal(n, 0);
}

static void test_callback_number(void **state)
{
    fixture *f = *state;
    int64_t cb = submit(f->st, "c-1", TRYGG_KIND_CALLBACK, "Ring mig");
    int64_t other = submit(f->st, "c-2", TRYGG_KIND_CONCERN, "Inte ett samtal");
    assert_int_equal(trygg_store_set_callback_number(f->st, other, "anna", "0709999999"),
                     TRYGG_ERR_STATE);
    assert_int_equal(trygg_store_set_callback_number(f->st, cb, "anna", ""), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_set_callback_number(f->st, cb, "anna", "0709999999"), TRYGG_OK);
    trygg_item it;
    assert_int_equal(trygg_store_get(f->st, cb, &it), TRYGG_OK);
    assert_string_equal(it.contact, "0709999999");
    assert_int_equal(it.consent, 1);
    assert_int_equal(trygg_store_get(f->st, other, &it), TRYGG_OK);
    assert_string_equal(it.contact, "0701234567");
}

/* A search lists urgent matches first, then the others, each newest first,
 * and pages through both with the cursor: every match exactly once, in
 * that order, in both views, for one word, two words and a prefix. */
static void test_search_pages_urgent_first(void **state)
{
    fixture *f = *state;
    int64_t base = 1790000000, ids[40];
    int want[40];
    int nwant = 0;
    for (int i = 0; i < 40; i++) {
        trygg_item it, out;
        int made = 0;
        char key[32];
        snprintf(key, sizeof key, "p-%d", i);
        fx_item(&it, key, TRYGG_KIND_CONCERN, "Centrum",
                i % 3 ? "mörkt vid lampa i gången" : "trasig bänk");
        it.created = base + (i % 7) * 3600 + i; /* not in id order */
        it.urgent = i % 4 == 0;
        assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_OK);
        ids[i] = out.id;
    }
    /* Expected: the matches (i % 3 != 0), urgent first, then newest. */
    for (int pass = 1; pass >= 0; pass--)
        for (int64_t t = base + 6 * 3600 + 40; t >= base; t--)
            for (int i = 0; i < 40; i++)
                if (i % 3 && (i % 4 == 0) == pass && base + (i % 7) * 3600 + i == t)
                    want[nwant++] = i;
    static const char *const queries[] = {"lampa", "mörkt lampa", "lam*"};
    for (int view = 0; view < 2; view++)
        for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
            trygg_filter flt;
            trygg_filter_init(&flt);
            flt.view = view ? TRYGG_VIEW_SHARED : TRYGG_VIEW_FULL;
            snprintf(flt.query, sizeof flt.query, "%s", queries[q]);
            trygg_cursor at = {0}, next;
            int got = 0;
            do {
                trygg_item page[4];
                int n = 0;
                assert_int_equal(trygg_store_list(f->st, &flt, &at, page, 4, &n, &next), TRYGG_OK);
                for (int k = 0; k < n; k++) {
                    assert_true(got < nwant);
                    assert_int_equal(page[k].id, ids[want[got++]]);
                }
                at = next;
            } while (at.valid);
            assert_int_equal(got, nwant);
        }
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_thread_in_both_views), T(test_redact_and_shared_view),
        T(test_follow_up_code),       T(test_duplicates_both_ways),
        T(test_callback_number),      T(test_search_pages_urgent_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
