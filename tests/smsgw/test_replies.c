/*
 * test_replies.c — every reply in every catalog: rendered, placeholders
 * filled, and how many SMS parts it takes (printed as a table). Swedish and
 * English replies must fit one GSM-7 part.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "sms_replies.h"
#include "trygg/ucs2.h"
#include "trygg/i18n.h"
#include "trygg/paths.h"

static void test_table(void **state)
{
    (void)state;
    smsgw_cfg cfg;
    smsgw_cfg_defaults(&cfg);
    replies *r = NULL;
    char err[256] = "";
    assert_int_equal(replies_load(NULL, &cfg.dlg, &r, err, sizeof err), TRYGG_OK);
    const char *langs[8];
    int nl = replies_langs(r, langs, 8);
    assert_true(nl >= 2);
    printf("\nparts, coding/UTF-16 units per reply\n%-16s", "reply");
    for (int l = 0; l < nl; l++)
        printf(" %-12s", langs[l]);
    printf("\n");
    for (int k = 0; k < replies_nkeys; k++) {
        printf("%-16s", replies_keys[k]);
        for (int l = 0; l < nl; l++) {
            char text[1600];
            assert_int_equal(
                replies_render(r, langs[l], replies_keys[k], "K7-4QX2", text, sizeof text),
                TRYGG_OK);
            assert_null(strchr(text, '{')); /* every placeholder filled */
            assert_string_not_equal(text, replies_keys[k]);
            enum ucs2_coding c;
            int parts = ucs2_sms_parts(text, &c);
            char cell[32];
            uint16_t u[1600];
            size_t n = 0;
            ucs2_from_utf8(text, u, 1600, &n);
            snprintf(cell, sizeof cell, "%d %s/%zu", parts, c == UCS2_CODING_GSM7 ? "GSM7" : "UCS2",
                     n);
            printf(" %-12s", cell);
            if (!strcmp(langs[l], "sv") || !strcmp(langs[l], "en") || !strcmp(langs[l], "so")) {
                if (parts != 1 || c != UCS2_CODING_GSM7)
                    printf("\n  OVER ONE GSM-7 PART: %s\n", text);
                assert_int_equal(parts, 1);
                assert_int_equal(c, UCS2_CODING_GSM7);
            }
        }
        printf("\n");
    }
    /* The urgent reply puts 112 first: the first thing read, in every
     * language (Arabic too: the number is the first character). */
    char text[1600];
    for (int l = 0; l < nl; l++) {
        assert_int_equal(
            replies_render(r, langs[l], REPLY_ACK_URGENT, "K7-4QX2", text, sizeof text), 0);
        if (strncmp(text, "112", 3) != 0)
            fail_msg("%s urgent reply does not start with 112: %s", langs[l], text);
    }
    assert_int_equal(replies_render(r, "sv", REPLY_ACK_URGENT, "K7-4QX2", text, sizeof text), 0);
    assert_non_null(strstr(text, "112"));
    assert_true(strstr(text, "112") < strstr(text, "K7-4QX2"));
    assert_int_equal(replies_render(r, "sv", REPLY_ACK, "K7-4QX2", text, sizeof text), 0);
    assert_non_null(strstr(text, "K7-4QX2"));
    assert_non_null(strstr(text, "114 14"));
    assert_non_null(strstr(text, "STOPP"));
    /* Unknown language falls back to Swedish. */
    char fi[1600];
    assert_int_equal(replies_render(r, "fi", REPLY_ACK, "K7-4QX2", fi, sizeof fi), 0);
    assert_string_equal(fi, text);
    replies_free(r);
}

/* STATUS: every state in every language renders into one reply with every
 * placeholder filled, one GSM-7 part in sv/en/so; and the states say, in
 * every language, exactly what the public status page says. */
static void test_status_replies(void **state)
{
    (void)state;
    smsgw_cfg cfg;
    smsgw_cfg_defaults(&cfg);
    replies *r = NULL;
    char err[256] = "", dir[1024];
    assert_int_equal(replies_load(NULL, &cfg.dlg, &r, err, sizeof err), TRYGG_OK);
    trygg_i18n *web = NULL;
    assert_int_equal(trygg_asset_path("i18n/web", dir, sizeof dir), TRYGG_OK);
    assert_int_equal(trygg_i18n_load(dir, &web, err, sizeof err), TRYGG_OK);
    static const char *const states[] = {"new",      "working",   "resolved", "police",
                                         "not_ours", "duplicate", "closed"};
    const char *langs[8];
    int nl = replies_langs(r, langs, 8);
    assert_int_equal(nl, 4);
    for (int l = 0; l < nl; l++)
        for (size_t s = 0; s < sizeof states / sizeof states[0]; s++) {
            char key[48], webkey[48], text[1600];
            snprintf(key, sizeof key, "sms.status.%s", states[s]);
            const char *words = replies_text(r, langs[l], key);
            assert_string_not_equal(words, key);
            const char *names[] = {"state", "date", NULL};
            const char *values[] = {words, "2026-12-06", NULL};
            assert_int_equal(replies_render_ext(r, langs[l], REPLY_STATUS, "K7-4QX2", names, values,
                                                text, sizeof text),
                             TRYGG_OK);
            assert_null(strchr(text, '{'));
            assert_non_null(strstr(text, "K7-4QX2"));
            enum ucs2_coding c;
            int parts = ucs2_sms_parts(text, &c);
            if (strcmp(langs[l], "ar") != 0 && (parts != 1 || c != UCS2_CODING_GSM7))
                fail_msg("%s %s: %d parts: %s", langs[l], states[s], parts, text);
            snprintf(webkey, sizeof webkey, "follow.status.%s", states[s]);
            assert_string_equal(words, trygg_i18n_get(web, langs[l], webkey));
        }
    trygg_i18n_free(web);
    replies_free(r);
}

static void test_guess(void **state)
{
    (void)state;
    assert_string_equal(replies_guess_lang("Det är mörkt vid busshållplatsen", "x"), "sv");
    assert_string_equal(replies_guess_lang("There is a fight near the school", "x"), "en");
    assert_string_equal(replies_guess_lang("هناك شجار قرب المدرسة", "x"), "ar");
    assert_string_equal(replies_guess_lang("Waxaa jira dagaal iyo buuq", "x"), "so");
    assert_string_equal(replies_guess_lang("12345", "x"), "x");
    assert_null(replies_guess_lang("K7-4QX2", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_status_replies),
        cmocka_unit_test(test_guess),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
