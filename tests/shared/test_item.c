/* Tests for item.c: names, parsing, bounded copies, validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "trygg/item.h"

static void test_names_round_trip(void **state)
{
    (void)state;
    for (int k = 0; k < TRYGG_KIND_COUNT; k++) {
        trygg_kind out;
        assert_int_equal(trygg_kind_parse(trygg_kind_name((trygg_kind)k), &out), TRYGG_OK);
        assert_int_equal(out, k);
    }
    for (int c = 0; c < TRYGG_CHANNEL_COUNT; c++) {
        trygg_channel out;
        assert_int_equal(trygg_channel_parse(trygg_channel_name((trygg_channel)c), &out), TRYGG_OK);
        assert_int_equal(out, c);
    }
    for (int s = 0; s < TRYGG_STATUS_COUNT; s++) {
        trygg_status out;
        assert_int_equal(trygg_status_parse(trygg_status_name((trygg_status)s), &out), TRYGG_OK);
        assert_int_equal(out, s);
    }
    for (int r = 0; r < TRYGG_CLOSE_COUNT; r++) {
        trygg_close_reason out;
        assert_int_equal(
            trygg_close_reason_parse(trygg_close_reason_name((trygg_close_reason)r), &out),
            TRYGG_OK);
        assert_int_equal(out, r);
    }
    assert_string_equal(trygg_kind_name(TRYGG_KIND_WATCH_SIGNUP), "watch_signup");
    assert_string_equal(trygg_status_name(TRYGG_STATUS_IN_PROGRESS), "in_progress");
    assert_string_equal(trygg_kind_name((trygg_kind)99), "?");
    trygg_kind k;
    assert_int_equal(trygg_kind_parse("Concern", &k), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_kind_parse(NULL, &k), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_kind_parse("", &k), TRYGG_ERR_INVALID);
}

static void test_strset(void **state)
{
    (void)state;
    char buf[8];
    assert_int_equal(trygg_strset(buf, sizeof buf, "abc"), TRYGG_OK);
    assert_string_equal(buf, "abc");
    assert_int_equal(trygg_strset(buf, sizeof buf, "1234567"), TRYGG_OK);
    strcpy(buf, "keep");
    assert_int_equal(trygg_strset(buf, sizeof buf, "12345678"), TRYGG_ERR_TOOBIG);
    assert_string_equal(buf, "keep");
    assert_int_equal(trygg_strset(buf, sizeof buf, "\xc3\x28"), TRYGG_ERR_INVALID);
    assert_string_equal(buf, "keep");
    assert_int_equal(trygg_strset(buf, sizeof buf, "gå"), TRYGG_OK);
    assert_string_equal(buf, "gå");
    assert_int_equal(trygg_strset(buf, sizeof buf, NULL), TRYGG_OK);
    assert_string_equal(buf, "");
}

static void good_item(trygg_item *it)
{
    trygg_item_init(it);
    strcpy(it->client_key, "c0ffee00-1111-2222-3333-444455556666");
    it->channel = TRYGG_CHANNEL_KIOSK;
    it->kind = TRYGG_KIND_CONCERN;
    strcpy(it->area, "Centrum");
    strcpy(it->text, "Mörkt vid gångtunneln på kvällarna.");
}

static void test_init_defaults(void **state)
{
    (void)state;
    trygg_item it;
    memset(&it, 0x5a, sizeof it);
    trygg_item_init(&it);
    assert_int_equal(it.status, TRYGG_STATUS_NEW);
    assert_string_equal(it.lang, "sv");
    assert_int_equal(it.id, 0);
    assert_string_equal(it.text, "");
}

static void test_validate(void **state)
{
    (void)state;
    trygg_item it;
    const char *field = NULL;
    good_item(&it);
    assert_int_equal(trygg_item_validate(&it, &field), TRYGG_OK);

    good_item(&it);
    it.client_key[0] = '\0';
    assert_int_equal(trygg_item_validate(&it, &field), TRYGG_ERR_INVALID);
    assert_string_equal(field, "client_key");

    good_item(&it);
    strcpy(it.client_key, "has space");
    assert_int_equal(trygg_item_validate(&it, &field), TRYGG_ERR_INVALID);
    assert_string_equal(field, "client_key");

    good_item(&it);
    it.kind = TRYGG_KIND_COUNT;
    assert_int_equal(trygg_item_validate(&it, &field), TRYGG_ERR_INVALID);
    assert_string_equal(field, "kind");

    good_item(&it);
    it.channel = (trygg_channel)-1;
    assert_int_equal(trygg_item_validate(&it, &field), TRYGG_ERR_INVALID);
    assert_string_equal(field, "channel");

    good_item(&it);
    strcpy(it.when_date, "2024-02-30");
    assert_int_equal(trygg_item_validate(&it, &field), TRYGG_ERR_INVALID);
    assert_string_equal(field, "when_date");
    strcpy(it.when_date, "2024-02-29");
    assert_int_equal(trygg_item_validate(&it, &field), TRYGG_OK);
    strcpy(it.when_date, "2023-02-29");
    assert_int_equal(trygg_item_validate(&it, &field), TRYGG_ERR_INVALID);
    strcpy(it.when_date, "24-1-1");
    assert_int_equal(trygg_item_validate(&it, &field), TRYGG_ERR_INVALID);

    good_item(&it);
    strcpy(it.text, "bad \xff utf8");
    assert_int_equal(trygg_item_validate(&it, &field), TRYGG_ERR_INVALID);
    assert_string_equal(field, "text");

    good_item(&it);
    memset(it.area, 'x', sizeof it.area); /* no NUL inside the field */
    assert_int_equal(trygg_item_validate(&it, &field), TRYGG_ERR_INVALID);
    assert_string_equal(field, "area");

    good_item(&it);
    strcpy(it.contact, "070-123 45 67");
    it.consent = 0;
    assert_int_equal(trygg_item_validate(&it, &field), TRYGG_ERR_INVALID);
    assert_string_equal(field, "consent");
    it.consent = 1;
    assert_int_equal(trygg_item_validate(&it, NULL), TRYGG_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_round_trip),
        cmocka_unit_test(test_strset),
        cmocka_unit_test(test_init_defaults),
        cmocka_unit_test(test_validate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
