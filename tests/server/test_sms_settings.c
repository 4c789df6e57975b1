/*
 * test_sms_settings.c — the server's SMS dialog takes its settings from
 * server.ini's [sms] and [sms keywords] sections (server/config.h): an
 * in-process server with non-default settings, spoken to over real loopback
 * HTTP on the gateway's API (docs/gateway-protocol.md), must follow them;
 * a wrong value is a file:line error that stops the load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <time.h>

#include "config.h"
#include "server_fixture.h"

static sfx F;
static char gw_token[64];

static const char *const SETTINGS = "[sms]\n"
                                    "thread_days = 0\n"
                                    "alias_prefix = Källa K-\n"
                                    "replies_per_hour = 2\n"
                                    "replies_per_day = 2\n"
                                    "emergency = 113 13\n"
                                    "[sms keywords]\n"
                                    "stop = SLUTA,STOPPA\n";

static int setup(void **state)
{
    (void)state;
    if (sfx_start(&F, SETTINGS) != 0)
        return -1;
    trygg_store *st = server_store(&F.ctx);
    trygg_kiosk k = {0};
    snprintf(k.id, sizeof k.id, "gw-set");
    snprintf(k.name, sizeof k.name, "SMS gateway");
    if (trygg_store_kiosk_add(st, &k, gw_token) != TRYGG_OK ||
        trygg_store_client_role_set(st, "gw-set", TRYGG_ROLE_GATEWAY) != TRYGG_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sfx_stop(&F);
    return 0;
}

/* Uploads message `key` from sender `sender`; returns the parsed answer. */
static json_t *upload(unsigned key, unsigned sender, const char *text)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"key\":\"sms:%056x%08x\",\"pseudonym\":\"%056x%08x\",\"text\":\"%s\","
             "\"received\":%lld}",
             0u, key, 0u, sender, text, (long long)time(NULL));
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/gateway/messages", gw_token, body, &r), 0);
    if (r.status != 200)
        fail_msg("upload: %ld: %s", r.status, r.body);
    json_error_t e;
    json_t *o = json_loads(r.body, 0, &e);
    sfx_resp_free(&r);
    assert_non_null(o);
    return o;
}

static json_int_t item_of(json_t *o)
{
    return json_integer_value(json_object_get(o, "item_id"));
}

static const char *reply_text(json_t *o)
{
    json_t *rep = json_object_get(o, "reply");
    return json_is_object(rep) ? json_string_value(json_object_get(rep, "text")) : NULL;
}

/* alias_prefix names the texter as staff see them. */
static void test_alias_prefix(void **state)
{
    (void)state;
    json_decref(upload(1, 1, "Det är mörkt i tunneln"));
    char pseudo[65];
    snprintf(pseudo, sizeof pseudo, "%056x%08x", 0u, 1u);
    trygg_contact ct;
    assert_int_equal(
        trygg_store_contact_get_or_create(server_store(&F.ctx), pseudo, NULL, 0, "Annan A-", &ct),
        TRYGG_OK);
    assert_memory_equal(ct.alias, "Källa K-", strlen("Källa K-"));
}

/* thread_days = 0: a second text never joins the first one's item. */
static void test_thread_days(void **state)
{
    (void)state;
    json_t *a = upload(10, 2, "Klotter vid skolan");
    json_t *b = upload(11, 2, "Nu är det mer klotter");
    assert_true(item_of(a) > 0 && item_of(b) > 0);
    assert_true(item_of(a) != item_of(b));
    json_decref(a);
    json_decref(b);
}

/* replies_per_hour/day = 2: the third text is stored, not answered. */
static void test_reply_limit(void **state)
{
    (void)state;
    json_t *m[3];
    for (unsigned i = 0; i < 3; i++)
        m[i] = upload(20 + i, 3, "Trasig lampa på gångvägen");
    assert_non_null(reply_text(m[0]));
    assert_non_null(reply_text(m[1]));
    assert_null(reply_text(m[2]));
    assert_true(item_of(m[2]) > 0);
    for (unsigned i = 0; i < 3; i++)
        json_decref(m[i]);
}

/* [sms keywords] stop: the configured word stops; [sms] emergency is the
 * number the urgent reply starts with. */
static void test_keywords_and_links(void **state)
{
    (void)state;
    json_t *s = upload(30, 4, "SLUTA");
    assert_true(json_is_true(json_object_get(json_object_get(s, "reply"), "stop")));
    json_decref(s);
    json_t *u = upload(31, 5, "Det brinner i trapphuset, hjälp");
    const char *t = reply_text(u);
    assert_non_null(t);
    assert_memory_equal(t, "113 13", 6);
    json_decref(u);
}

/* A wrong value is a file:line error naming the key: the load fails. */
static void test_bad_value(void **state)
{
    (void)state;
    const char *bad[] = {"[sms]\nthread_days = lång\n", "[sms]\nnosuchkey = 1\n",
                         "[sms keywords]\nstop = ,\n", "[sms]\nreplies_per_hour = -1\n",
                         "[sms keywords]\nnosuchword = X\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sfx g;
        assert_int_equal(sfx_prepare(&g, bad[i], NULL), 0);
        server_config cfg;
        trygg_cfg_error errs[8];
        int n = 0;
        assert_int_not_equal(config_load(g.ini, &cfg, errs, 8, &n), TRYGG_OK);
        assert_true(n >= 1);
        assert_true(errs[0].line > 0);
        config_free(&cfg);
        sfx_rmdir(g.dir);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alias_prefix), cmocka_unit_test(test_thread_days),
        cmocka_unit_test(test_reply_limit),  cmocka_unit_test(test_keywords_and_links),
        cmocka_unit_test(test_bad_value),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
