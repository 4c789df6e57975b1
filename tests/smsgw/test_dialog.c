/*
 * test_dialog.c — SMS items are forwarded at intake by the same rules as
 * kiosk items (trygg/forward.h), in the same transaction as the item, by
 * the server's dialog (server/sms/sms_dialog.c): the gateway in-process
 * against the REAL Gammu dummy phone (tools/fake-sms), uploading over HTTP
 * to a real trygg-server in-process on its own data directory with a
 * routing file of its own (smsgw_testutil.h). SMS items carry no
 * area, so this file gives SMS faults the shape of the concern rule
 * (security, scrubbed copy to the housing company); tips go to security
 * only; urgent messages e-mail the on-call address; no sender number is in
 * any notification payload, the alias is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "gateway.h"
#include "smsgw_testutil.h"
#include "trygg/secret.h"
#include "trygg/store.h"

static const char *const ROUTING =
    "[destination security]\nlabel = Säkerhetsavdelningen\ncompany = no\n"
    "[destination housing]\nlabel = Bostadsbolaget\ncompany = yes\n"
    "[rule tips]\nkind = tip\ndestination = security\ntell = ack,police_tip\n"
    "[rule person-named]\nnames_person = yes\ndestination = security\n"
    "[rule faults]\nkind = fault\nnames_person = no\ndestination = security\ncopy_to = housing\n"
    "[rule fallback]\ndestination = security\n"
    "[oncall]\nemail = jour@example.se\n";

typedef struct fx {
    tu_env t;
    gw *g;
    trygg_store *st;
    unsigned char pkey[TRYGG_PSEUDO_KEY_LEN];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    tu_env_init(&f->t);
    if (tu_serve(&f->t, ROUTING) != 0)
        return -1;
    char err[512] = "";
    if (gw_open(&f->t.cfg, NULL, &f->g, err, sizeof err) != TRYGG_OK) {
        fprintf(stderr, "gw_open: %s\n", err);
        return -1;
    }
    f->st = tu_server_store(&f->t);
    if (trygg_key_read(f->t.cfg.pseudonym_key, f->pkey, sizeof f->pkey) != TRYGG_OK) {
        fprintf(stderr, "cannot read the pseudonym key\n");
        return -1;
    }
    trygg_destination sec = {.name = "security",
                             .label = "Säkerhetsavdelningen",
                             .email = "sak@example.se",
                             .webhook_url = "http://127.0.0.1:9/hook",
                             .full_access = 1};
    trygg_destination bo = {.name = "housing", .label = "Bostadsbolaget", .email = "bo@example.se"};
    if (trygg_store_dest_put(f->st, &sec) != TRYGG_OK || trygg_store_dest_put(f->st, &bo))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    if (!f)
        return 0;
    gw_close(f->g);
    tu_env_free(&f->t);
    free(f);
    return 0;
}

/* The newest item from `number`. */
static void item_of(fx *f, const char *number, trygg_item *it)
{
    char norm[20];
    trygg_filter fl;
    trygg_filter_init(&fl);
    fl.view = TRYGG_VIEW_FULL;
    assert_int_equal(trygg_phone_normalise(number, norm), TRYGG_OK);
    assert_int_equal(trygg_pseudonym(f->pkey, norm, fl.sender), TRYGG_OK);
    static trygg_item items[8];
    int n = 0;
    assert_int_equal(trygg_store_list(f->st, &fl, NULL, items, 8, &n, NULL), TRYGG_OK);
    assert_true(n >= 1);
    *it = items[0];
}

static trygg_notify all[64];

/* Notify rows of item `id` for `dest` (NULL = any) into out[]. */
static int rows_of(fx *f, int64_t id, const char *dest, trygg_notify *out)
{
    int n = 0, k = 0;
    assert_int_equal(trygg_store_notify_list(f->st, -1, all, 64, &n), TRYGG_OK);
    for (int i = 0; i < n; i++)
        if (all[i].item_id == id && (!dest || strcmp(all[i].destination, dest) == 0))
            out[k++] = all[i];
    return k;
}

/* Receives one SMS through the gateway (dummy phone, poll, commit). */
static void receive(fx *f, const char *number, const char *text, int64_t now)
{
    assert_int_equal(tu_fake_sms(&f->t, "", number, text), 0);
    tu_server_clock(now);
    assert_int_equal(gw_step(f->g, now), TRYGG_OK);
}

static void test_fault_copy_scrubbed(void **state)
{
    fx *f = *state;
    receive(f, "+46700000051", "FEL Trasig dörr och bråk i trappan, ring vicevärden 0520-123456",
            time(NULL));
    trygg_item it;
    item_of(f, "+46700000051", &it);
    assert_int_equal(it.kind, TRYGG_KIND_FAULT);
    assert_string_equal(it.destination, "security");
    static trygg_notify sec[8], bo[8];
    assert_int_equal(rows_of(f, it.id, "security", sec), 2); /* e-mail + webhook */
    assert_int_equal(rows_of(f, it.id, "housing", bo), 1);
    assert_int_equal(rows_of(f, it.id, "oncall", bo + 1), 0);
    for (int i = 0; i < 2; i++) {
        json_t *o = json_loads(sec[i].payload, 0, NULL);
        assert_non_null(o);
        if (strcmp(sec[i].channel, "webhook") == 0) {
            json_t *item = json_object_get(o, "item");
            assert_string_equal(json_string_value(json_object_get(item, "channel")), "sms");
            assert_string_equal(json_string_value(json_object_get(item, "alias")), it.alias);
            assert_non_null(
                strstr(json_string_value(json_object_get(item, "text")), "0520-123456"));
        } else {
            assert_string_equal(json_string_value(json_object_get(o, "to")), "sak@example.se");
        }
        json_decref(o);
    }
    /* The company's copy: scrubbed text, no alias. */
    json_t *o = json_loads(bo[0].payload, 0, NULL);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "to")), "bo@example.se");
    assert_non_null(strstr(json_string_value(json_object_get(o, "body")), "Trasig dörr"));
    assert_null(strstr(bo[0].payload, "123456"));
    assert_null(strstr(bo[0].payload, it.alias));
    json_decref(o);
}

static void test_tip_security_only(void **state)
{
    fx *f = *state;
    receive(f, "+46700000052", "Det säljs knark bakom skolan varje kväll", time(NULL));
    trygg_item it;
    item_of(f, "+46700000052", &it);
    assert_int_equal(it.kind, TRYGG_KIND_TIP);
    static trygg_notify r[8];
    assert_int_equal(rows_of(f, it.id, "security", r), 2);
    assert_int_equal(rows_of(f, it.id, "housing", r), 0);
    assert_int_equal(rows_of(f, it.id, NULL, r), 2);
}

static void test_urgent_oncall(void **state)
{
    fx *f = *state;
    int64_t now = time(NULL);
    /* New urgent item: one on-call e-mail with the routine forwards. */
    receive(f, "+46700000053", "Han har en kniv och hotar folk vid stationen", now);
    trygg_item it;
    item_of(f, "+46700000053", &it);
    assert_int_equal(it.urgent, 1);
    static trygg_notify r[8];
    assert_int_equal(rows_of(f, it.id, "oncall", r), 1);
    json_t *o = json_loads(r[0].payload, 0, NULL);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "to")), "jour@example.se");
    assert_true(json_is_true(json_object_get(o, "urgent")));
    assert_non_null(strstr(json_string_value(json_object_get(o, "body")), "kniv"));
    json_decref(o);
    assert_int_equal(rows_of(f, it.id, "security", r), 2);

    /* An urgent message joining an open thread raises the item: on-call
     * e-mail with that message, no second routine forward. */
    receive(f, "+46700000054", "Det är bullrigt på gården varje natt", now);
    item_of(f, "+46700000054", &it);
    assert_int_equal(it.urgent, 0);
    assert_int_equal(rows_of(f, it.id, "oncall", r), 0);
    receive(f, "+46700000054", "Nu brinner det i förrådet", now + 60);
    trygg_item again;
    item_of(f, "+46700000054", &again);
    assert_int_equal(again.id, it.id);
    assert_int_equal(again.urgent, 1);
    assert_int_equal(rows_of(f, it.id, "oncall", r), 1);
    assert_non_null(strstr(r[0].payload, "brinner"));
    assert_int_equal(rows_of(f, it.id, "security", r), 2);
}

/* Runs last: a RING call-back item is forwarded without its number, and no
 * sender number is in any notification payload. */
static void test_no_number_in_payloads(void **state)
{
    fx *f = *state;
    /* RING makes a call-back only right after a call from the number. */
    assert_int_equal(tu_fake_call(&f->t, "+46700000055"), 0);
    assert_int_equal(gw_step(f->g, time(NULL)), TRYGG_OK);
    receive(f, "+46700000055", "RING", time(NULL));
    trygg_item it;
    item_of(f, "+46700000055", &it);
    assert_int_equal(it.kind, TRYGG_KIND_CALLBACK);
    static trygg_notify r[8];
    assert_true(rows_of(f, it.id, "security", r) >= 1);
    int n = 0;
    assert_int_equal(trygg_store_notify_list(f->st, -1, all, 64, &n), TRYGG_OK);
    assert_true(n >= 10);
    for (int i = 0; i < n; i++)
        assert_null(strstr(all[i].payload, "70000005"));
}

/* A keyword list too long to hold is refused whole (0 words): cut, its
 * last word would be a shorter keyword ("STO" for "STOPP"). */
static void test_keywords_too_long_refused(void **state)
{
    (void)state;
    sms_dialog_cfg c;
    sms_dialog_cfg_defaults(&c);
    char list[400] = "";
    while (strlen(list) < 250)
        strcat(list, "AB,");
    strcat(list, "STOPPA");
    assert_true(strlen(list) > 255);
    assert_int_equal(sms_dialog_set_keywords(&c, SMS_KW_STOP, list), 0);
    assert_int_equal(sms_dialog_set_keywords(&c, SMS_KW_STOP, "STOPP,STOP"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fault_copy_scrubbed),
        cmocka_unit_test(test_keywords_too_long_refused),
        cmocka_unit_test(test_tip_security_only),
        cmocka_unit_test(test_urgent_oncall),
        cmocka_unit_test(test_no_number_in_payloads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
