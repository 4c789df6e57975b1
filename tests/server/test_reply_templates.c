/*
 * test_reply_templates.c — the reply templates (server/reply_tpl.c): every
 * template renders in sv, en, ar and so with its placeholders filled and
 * its SMS parts counted (printed as a table), an admin's edit in the store
 * overrides the catalog and a reset restores it (both audited), and the
 * part counting the staff UI shares with the gateway (trygg/ucs2.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reply_tpl.h"
#include "trygg/paths.h"
#include "trygg/ucs2.h"

static trygg_i18n *cat;

static int setup(void **state)
{
    (void)state;
    char dir[1024], err[256];
    assert_int_equal(trygg_asset_path("i18n/sms", dir, sizeof dir), TRYGG_OK);
    assert_int_equal(trygg_i18n_load(dir, &cat, err, sizeof err), TRYGG_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    trygg_i18n_free(cat);
    return 0;
}

static const reply_tpl_values sample = {.ref = "K7-4QX2",
                                        .category = "Gatubelysning",
                                        .place = "Torget",
                                        .emergency = "112",
                                        .tip_url = "polisen.se/tipsa",
                                        .tip_phone = "114 14",
                                        .report_url = "polisen.se/anmal",
                                        .contact = "Ale Bostäder 0303-33 00 00"};

/* Every template exists in every language, renders with no placeholder
 * left and fits in at most three parts; the table of parts is printed. */
static void test_every_template_renders(void **state)
{
    (void)state;
    printf("%-28s", "template");
    for (int l = 0; l < REPLY_TPL_LANGS; l++)
        printf(" %-14s", reply_tpl_langs[l]);
    printf("\n");
    for (int e = 0; e < REPLY_EV_COUNT; e++)
        for (int k = 0; k < REPLY_TPL_KINDS; k++) {
            char key[64];
            reply_tpl_key((reply_event)e, reply_tpl_kinds[k], key);
            printf("%-28s", key);
            for (int l = 0; l < REPLY_TPL_LANGS; l++) {
                const char *lang = reply_tpl_langs[l];
                if (!trygg_i18n_has(cat, lang, key))
                    fail_msg("%s has no %s text", key, lang);
                char fmt[TRYGG_TEMPLATE_TEXT_MAX + 1], out[2048];
                int edited;
                assert_int_equal(reply_tpl_text(NULL, cat, key, lang, fmt, sizeof fmt, &edited),
                                 TRYGG_OK);
                assert_false(edited);
                assert_true(reply_tpl_placeholders_ok(fmt));
                assert_int_equal(reply_tpl_fill(cat, lang, fmt, &sample, out, sizeof out),
                                 TRYGG_OK);
                if (strchr(out, '{') || strchr(out, '}'))
                    fail_msg("%s/%s keeps a placeholder: %s", key, lang, out);
                assert_non_null(strstr(out, "K7-4QX2"));
                enum ucs2_coding c;
                int units, parts = ucs2_sms_count(out, &c, &units);
                char cell[32];
                snprintf(cell, sizeof cell, "%d %s/%d", parts,
                         c == UCS2_CODING_GSM7 ? "GSM" : "UCS2", units);
                printf(" %-14s", cell);
                assert_true(parts >= 1 && parts <= 3);
                /* Swedish and English stay in the GSM alphabet (no – ’ “). */
                if (strcmp(lang, "sv") == 0 || strcmp(lang, "en") == 0)
                    assert_int_equal(c, UCS2_CODING_GSM7);
            }
            printf("\n");
        }
}

/* The placeholders of each kind of template are filled; missing values
 * take the catalog's words. */
static void test_placeholders_filled(void **state)
{
    (void)state;
    for (int l = 0; l < REPLY_TPL_LANGS; l++) {
        const char *lang = reply_tpl_langs[l];
        char out[2048];
        const char *fmt = trygg_i18n_get(cat, lang, "tpl.resolved.fault");
        assert_int_equal(reply_tpl_fill(cat, lang, fmt, &sample, out, sizeof out), TRYGG_OK);
        assert_non_null(strstr(out, "Gatubelysning"));
        assert_non_null(strstr(out, "Torget"));
        for (int k = 0; k < REPLY_TPL_KINDS; k++) {
            char key[64];
            reply_tpl_key(REPLY_EV_POLICE, reply_tpl_kinds[k], key);
            assert_int_equal(
                reply_tpl_fill(cat, lang, trygg_i18n_get(cat, lang, key), &sample, out, sizeof out),
                TRYGG_OK);
            assert_non_null(strstr(out, "polisen.se/tipsa"));
            assert_non_null(strstr(out, "114 14"));
            assert_non_null(strstr(out, "polisen.se/anmal"));
            assert_non_null(strstr(out, "112"));
            reply_tpl_key(REPLY_EV_NOT_OURS, reply_tpl_kinds[k], key);
            assert_int_equal(
                reply_tpl_fill(cat, lang, trygg_i18n_get(cat, lang, key), &sample, out, sizeof out),
                TRYGG_OK);
            assert_non_null(strstr(out, "Ale Bostäder 0303-33 00 00"));
        }
        /* No category, place or contact: the catalog's words. */
        reply_tpl_values none = {.ref = "K7-4QX2"};
        assert_int_equal(reply_tpl_fill(cat, lang, trygg_i18n_get(cat, lang, "tpl.triaged.fault"),
                                        &none, out, sizeof out),
                         TRYGG_OK);
        assert_non_null(strstr(out, trygg_i18n_get(cat, lang, "tpl.no_category")));
        assert_non_null(strstr(out, trygg_i18n_get(cat, lang, "tpl.no_place")));
        assert_int_equal(reply_tpl_fill(cat, lang, trygg_i18n_get(cat, lang, "tpl.not_ours.tip"),
                                        &none, out, sizeof out),
                         TRYGG_OK);
        assert_non_null(strstr(out, trygg_i18n_get(cat, lang, "tpl.default_contact")));
    }
    assert_false(reply_tpl_placeholders_ok("Hej {namn}"));
    assert_false(reply_tpl_placeholders_ok("Hej {ref"));
    assert_true(reply_tpl_placeholders_ok("Hej {ref} vid {place}"));
}

/* Count the audit rows of item 0 with `action`. */
static int admin_audits(trygg_store *st, const char *action)
{
    trygg_audit rows[16];
    int n = 0, k = 0;
    assert_int_equal(trygg_store_list_audit(st, 0, rows, 16, &n), TRYGG_OK);
    for (int i = 0; i < n; i++)
        k += strcmp(rows[i].action, action) == 0 && strstr(rows[i].detail, "tpl.resolved.fault");
    return k;
}

/* An admin's edit overrides the catalog in that language only; a reset
 * restores the catalog's text. Both are audited without the text. */
static void test_edit_overrides_reset_restores(void **state)
{
    (void)state;
    char dir[] = "/tmp/trygg-tpl-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/trygg.db", dir);
    trygg_store *st;
    assert_int_equal(trygg_store_open(path, &st), TRYGG_OK);
    server_ctx srv;
    memset(&srv, 0, sizeof srv);
    trygg_item it;
    trygg_item_init(&it);
    it.kind = TRYGG_KIND_FAULT;
    snprintf(it.ref, sizeof it.ref, "K7-4QX2");
    snprintf(it.place, sizeof it.place, "Torget");
    char out[2048];
    assert_int_equal(reply_tpl_build(&srv, st, &it, REPLY_EV_RESOLVED, "sv", out, sizeof out),
                     TRYGG_OK);
    assert_non_null(strstr(out, "är åtgärdat"));

    assert_int_equal(trygg_store_template_set(st, "tpl.resolved.fault", "sv",
                                              "Lagat! {ref} vid {place}.", "admin1"),
                     TRYGG_OK);
    assert_int_equal(reply_tpl_build(&srv, st, &it, REPLY_EV_RESOLVED, "sv", out, sizeof out),
                     TRYGG_OK);
    assert_string_equal(out, "Lagat! K7-4QX2 vid Torget.");
    /* English keeps the catalog's text. */
    assert_int_equal(reply_tpl_build(&srv, st, &it, REPLY_EV_RESOLVED, "en", out, sizeof out),
                     TRYGG_OK);
    assert_non_null(strstr(out, "has been fixed"));
    trygg_template t[4];
    int n = 0;
    assert_int_equal(trygg_store_template_list(st, t, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(t[0].updated_by, "admin1");
    assert_int_equal(admin_audits(st, "template_set"), 1);

    assert_int_equal(trygg_store_template_reset(st, "tpl.resolved.fault", "sv", "admin1"),
                     TRYGG_OK);
    assert_int_equal(reply_tpl_build(&srv, st, &it, REPLY_EV_RESOLVED, "sv", out, sizeof out),
                     TRYGG_OK);
    assert_non_null(strstr(out, "är åtgärdat"));
    assert_int_equal(admin_audits(st, "template_reset"), 1);
    assert_int_equal(trygg_store_template_reset(st, "tpl.resolved.fault", "sv", "admin1"),
                     TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_template_set(st, "tpl.resolved.fault", "sv", "", "admin1"),
                     TRYGG_ERR_INVALID);
    trygg_store_close(st);
    unlink(path);
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    rmdir(dir);
}

/* Which template fits an item, and the reply language. */
static void test_event_and_lang(void **state)
{
    (void)state;
    trygg_item it;
    trygg_item_init(&it);
    it.status = TRYGG_STATUS_FORWARDED;
    assert_int_equal(reply_tpl_event_of(&it), REPLY_EV_FORWARDED);
    it.status = TRYGG_STATUS_CLOSED;
    it.close_reason = TRYGG_CLOSE_POLICE;
    assert_int_equal(reply_tpl_event_of(&it), REPLY_EV_POLICE);
    it.close_reason = TRYGG_CLOSE_DUPLICATE;
    assert_int_equal(reply_tpl_event_of(&it), REPLY_EV_DUPLICATE);
    assert_int_equal(reply_tpl_close_event(TRYGG_CLOSE_SPAM), -1);
    assert_int_equal(reply_tpl_close_event(TRYGG_CLOSE_NOT_OURS), REPLY_EV_NOT_OURS);
    assert_string_equal(reply_tpl_kind_of(TRYGG_KIND_CALLBACK), "tip");
    assert_string_equal(reply_tpl_lang(NULL, "so", "sv"), "so");
    assert_string_equal(reply_tpl_lang("ar", "so", "sv"), "ar");
    assert_string_equal(reply_tpl_lang("xx", "", "en"), "en");
    assert_string_equal(reply_tpl_lang(NULL, "fi", ""), "sv");
    assert_int_equal(reply_tpl_event_parse("not_ours"), REPLY_EV_NOT_OURS);
    assert_int_equal(reply_tpl_event_parse("spam"), -1);
}

/* Part counting as the staff UI shows it: GSM-7 160/153, extension
 * characters count 2, UCS-2 70/67. */
static void test_part_counts(void **state)
{
    (void)state;
    char s[1200];
    enum ucs2_coding c;
    int units;
    memset(s, 'a', 160);
    s[160] = '\0';
    assert_int_equal(ucs2_sms_count(s, &c, &units), 1);
    assert_int_equal(units, 160);
    assert_int_equal(c, UCS2_CODING_GSM7);
    s[160] = 'a', s[161] = '\0';
    assert_int_equal(ucs2_sms_count(s, &c, &units), 2);
    memset(s, 'a', 306);
    s[306] = '\0';
    assert_int_equal(ucs2_sms_count(s, &c, &units), 2);
    s[306] = 'a', s[307] = '\0';
    assert_int_equal(ucs2_sms_count(s, &c, &units), 3);
    /* 80 euro signs are 160 septets: one part; 81 are two. */
    s[0] = '\0';
    for (int i = 0; i < 80; i++)
        strcat(s, "€");
    assert_int_equal(ucs2_sms_count(s, &c, &units), 1);
    assert_int_equal(units, 160);
    assert_int_equal(c, UCS2_CODING_GSM7);
    strcat(s, "€");
    assert_int_equal(ucs2_sms_count(s, &c, &units), 2);
    /* Swedish letters are GSM-7; an en dash makes it UCS-2. */
    assert_int_equal(ucs2_sms_count("Hej på dig, åäö ÅÄÖ", &c, &units), 1);
    assert_int_equal(c, UCS2_CODING_GSM7);
    assert_int_equal(ucs2_sms_count("Hej – där", &c, &units), 1);
    assert_int_equal(c, UCS2_CODING_UCS2);
    assert_int_equal(units, 9);
    /* Arabic: 70 one part, 71 two, 134 two, 135 three. */
    s[0] = '\0';
    for (int i = 0; i < 70; i++)
        strcat(s, "ب");
    assert_int_equal(ucs2_sms_count(s, &c, &units), 1);
    assert_int_equal(c, UCS2_CODING_UCS2);
    strcat(s, "ب");
    assert_int_equal(ucs2_sms_count(s, &c, &units), 2);
    for (int i = 71; i < 134; i++)
        strcat(s, "ب");
    assert_int_equal(ucs2_sms_count(s, &c, &units), 2);
    strcat(s, "ب");
    assert_int_equal(ucs2_sms_count(s, &c, &units), 3);
    assert_int_equal(units, 135);
    assert_int_equal(ucs2_sms_count("", &c, &units), 0);
    assert_int_equal(units, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_template_renders),
        cmocka_unit_test(test_placeholders_filled),
        cmocka_unit_test(test_edit_overrides_reset_restores),
        cmocka_unit_test(test_event_and_lang),
        cmocka_unit_test(test_part_counts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
