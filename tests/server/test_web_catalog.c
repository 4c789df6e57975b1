/*
 * test_web_catalog.c — the web catalog covers every enum value the UI shows
 * (kind, status, channel, closing reason, outbox state, role, message
 * direction) in Swedish, and English translates every Swedish key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "trygg/i18n.h"
#include "trygg/paths.h"
#include "trygg/store.h"

static trygg_i18n *t;

static int setup(void **state)
{
    (void)state;
    char dir[1024], err[256];
    assert_int_equal(trygg_asset_path("i18n/web", dir, sizeof dir), TRYGG_OK);
    assert_int_equal(trygg_i18n_load(dir, &t, err, sizeof err), TRYGG_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    trygg_i18n_free(t);
    return 0;
}

static void has(const char *prefix, const char *name)
{
    char key[96];
    snprintf(key, sizeof key, "%s.%s", prefix, name);
    if (!trygg_i18n_has(t, "sv", key))
        fail_msg("sv.po lacks %s", key);
}

static void test_enums_covered(void **state)
{
    (void)state;
    for (int i = 0; i < TRYGG_KIND_COUNT; i++)
        has("kind", trygg_kind_name((trygg_kind)i));
    for (int i = 0; i < TRYGG_STATUS_COUNT; i++)
        has("status", trygg_status_name((trygg_status)i));
    for (int i = 0; i < TRYGG_CHANNEL_COUNT; i++)
        has("channel", trygg_channel_name((trygg_channel)i));
    for (int i = 1; i < TRYGG_CLOSE_COUNT; i++)
        has("reason", trygg_close_reason_name((trygg_close_reason)i));
    for (int i = TRYGG_OUT_PENDING; i <= TRYGG_OUT_CANCELLED; i++)
        has("out", trygg_out_status_name((trygg_out_status)i));
    static const char *const roles[] = {"admin", "security", "destination"};
    for (size_t i = 0; i < 3; i++)
        has("role", roles[i]);
    static const char *const dirs[] = {"in", "out", "note"};
    for (size_t i = 0; i < 3; i++)
        has("msg", dirs[i]);
    static const int statuses[] = {400, 403, 404, 500, 503};
    for (size_t i = 0; i < 5; i++) {
        char n[8];
        snprintf(n, sizeof n, "%d", statuses[i]);
        has("error", n);
    }
}

static void test_english_complete(void **state)
{
    (void)state;
    const char *keys[1024];
    int n = trygg_i18n_keys(t, keys, 1024);
    assert_true(n > 100);
    for (int i = 0; i < n; i++)
        if (!trygg_i18n_has(t, "en", keys[i]))
            fail_msg("en.po lacks %s", keys[i]);
}

/* One vocabulary: a key the report's catalog shares with the staff UI's
 * (kinds, statuses, channels, event types) reads the same in both, so the
 * lägesbild never says "Stängd" where the queue says "Avslutad". */
static void test_report_speaks_like_the_staff_ui(void **state)
{
    (void)state;
    char dir[1024], err[256];
    trygg_i18n *rep = NULL;
    assert_int_equal(trygg_asset_path("i18n/report", dir, sizeof dir), TRYGG_OK);
    assert_int_equal(trygg_i18n_load(dir, &rep, err, sizeof err), TRYGG_OK);
    const char *keys[1024];
    int n = trygg_i18n_keys(rep, keys, 1024), shared = 0;
    const char *langs[] = {"sv", "en"};
    for (int i = 0; i < n; i++) {
        if (strcmp(keys[i], "report.title") == 0 || !trygg_i18n_has(t, "sv", keys[i]))
            continue;
        shared++;
        for (int l = 0; l < 2; l++) {
            const char *a = trygg_i18n_get(t, langs[l], keys[i]);
            const char *b = trygg_i18n_get(rep, langs[l], keys[i]);
            if (strcmp(a, b) != 0)
                fail_msg("%s %s: staff UI '%s', report '%s'", langs[l], keys[i], a, b);
        }
    }
    assert_true(shared >= 20);
    trygg_i18n_free(rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enums_covered),
        cmocka_unit_test(test_english_complete),
        cmocka_unit_test(test_report_speaks_like_the_staff_ui),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
