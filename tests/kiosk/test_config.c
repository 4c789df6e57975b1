/*
 * test_config.c — kiosk.ini loading (defaults, every error with its line,
 * unknown keys), the token file, and the server config: parsing, bounds,
 * bad bodies changing nothing, the cache file round trip, label fallback.
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

#include "config.h"
#include "remote_config.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/kiosk-cfg-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void write_file(const char *name, const char *text, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_good_ini(void **state)
{
    (void)state;
    char p[400], tok[400];
    write_file("token", "  secret-token \n", tok, sizeof tok);
    char ini[1200];
    snprintf(ini, sizeof ini,
             "[kiosk]\nkiosk_id = lobby-1\ntoken_file = %s\narea = norr\n"
             "languages = sv, en\n[timing]\nidle_s = 120\nwarn_s = 20\n"
             "[display]\nfullscreen = no\n[areas]\nnorr = Norr\nsoder = Söder\n",
             tok);
    write_file("k.ini", ini, p, sizeof p);
    kiosk_config c;
    trygg_cfg_error errs[8];
    trygg_cfg_errors e = {.errs = errs, .max = 8, .file = p};
    assert_int_equal(kcfg_load(p, &c, &e), TRYGG_OK);
    assert_string_equal(c.kiosk_id, "lobby-1");
    assert_int_equal(c.idle_s, 120);
    assert_int_equal(c.warn_s, 20);
    assert_int_equal(c.fullscreen, 0);
    assert_int_equal(c.n_areas, 2);
    assert_string_equal(c.areas[1].label, "Söder");
    assert_true(kcfg_has_lang(&c, "en"));
    assert_false(kcfg_has_lang(&c, "ar"));
    assert_false(kcfg_has_lang(&c, "s"));
    assert_string_equal(c.retry_min_ms == 2000 ? "default" : "x", "default");
    char t[64];
    assert_int_equal(kcfg_read_token(&c, t, sizeof t), TRYGG_OK);
    assert_string_equal(t, "secret-token");
    assert_int_equal(kcfg_read_token(&c, t, 4), TRYGG_ERR_INVALID);
}

static void test_bad_ini(void **state)
{
    (void)state;
    char p[400];
    write_file("bad.ini",
               "[kiosk]\ntoken_file = /x\nspeed = 3\n[timing]\nwarn_s = 19\n"
               "[display]\nwidth = huge\n[nosuch]\na = b\n",
               p, sizeof p);
    kiosk_config c;
    trygg_cfg_error errs[16];
    trygg_cfg_errors e = {.errs = errs, .max = 16, .file = p};
    assert_int_equal(kcfg_load(p, &c, &e), TRYGG_ERR_CONFIG);
    int l3 = 0, l5 = 0, l7 = 0, l9 = 0;
    for (int i = 0; i < e.n; i++) {
        l3 |= errs[i].line == 3 && strstr(errs[i].msg, "speed");
        l5 |= errs[i].line == 5 && strstr(errs[i].msg, "warn_s");
        l7 |= errs[i].line == 7 && strstr(errs[i].msg, "width");
        l9 |= errs[i].line == 9;
    }
    assert_true(l3 && l5 && l7 && l9);
    /* [links] follow the same rules as links from the server. */
    write_file("links.ini",
               "[kiosk]\ntoken_file = /x\n[links]\npolice_tip_url = javascript:alert(1)\n"
               "emergency =\n",
               p, sizeof p);
    trygg_cfg_errors e3 = {.errs = errs, .max = 16, .file = p};
    assert_int_equal(kcfg_load(p, &c, &e3), TRYGG_ERR_CONFIG);
    int url = 0, sos = 0;
    for (int i = 0; i < e3.n; i++) {
        url |= strstr(errs[i].msg, "police_tip_url") != NULL;
        sos |= strstr(errs[i].msg, "emergency") != NULL;
    }
    assert_true(url && sos);
    char missing[400];
    snprintf(missing, sizeof missing, "%s/none.ini", dir);
    trygg_cfg_errors e2 = {.errs = errs, .max = 16, .file = missing};
    assert_int_equal(kcfg_load(missing, &c, &e2), TRYGG_ERR_IO);
}

static const char body[] =
    "{\"categories\": {\"concern\": [{\"id\": \"lighting\", \"label\": {\"sv\": \"Belysning\", "
    "\"en\": \"Lighting\"}}], \"fault\": [{\"id\": \"street_light\", \"label\": {\"sv\": "
    "\"Gatubelysning\"}}]}, \"areas\": [{\"id\": \"centrum\", \"label\": {\"sv\": \"Centrum\"}, "
    "\"group\": \"Lilla Edet\"}], \"walks\": [{\"id\": 3, \"starts\": "
    "\"2026-12-03T18:00:00+01:00\", \"area\": \"göta\", \"place\": \"Göta centrum\", "
    "\"meeting_point\": \"Vid ICA\", \"capacity\": 30, \"signups\": 4}], \"notices\": "
    "[{\"lang\": \"sv\", \"text\": \"Vandring\"}], \"links\": {\"police_tip_phone\": \"114 14\", "
    "\"child_concern_url\": \"https://example.se/oro\"}}";

static void test_remote_parse(void **state)
{
    (void)state;
    kiosk_config cfg;
    kcfg_defaults(&cfg);
    rc_catalog *base = calloc(1, sizeof *base), *c = calloc(1, sizeof *c);
    rc_defaults(base, &cfg);
    assert_int_equal(base->n_concern, 7);
    assert_int_equal(base->n_areas, cfg.n_areas);
    char err[256];
    assert_int_equal(rc_parse(body, strlen(body), base, c, err, sizeof err), TRYGG_OK);
    assert_true(c->from_server);
    assert_int_equal(c->n_concern, 1);
    assert_string_equal(c->concern[0].label[1], "Lighting");
    assert_int_equal(c->n_walks, 1);
    assert_int_equal(c->walks[0].id, 3);
    assert_string_equal(c->walks[0].meeting_point, "Vid ICA");
    assert_string_equal(c->child_concern_url, "https://example.se/oro");
    assert_string_equal(c->police_report_url, base->police_report_url); /* kept */
    char buf[160];
    /* no English label for street_light: the Swedish one, not the id */
    assert_string_equal(rc_label(&c->fault[0], "en", NULL, NULL, buf, sizeof buf), "Gatubelysning");
    assert_non_null(rc_find(c->areas, c->n_areas, "centrum"));
    assert_null(rc_find(c->areas, c->n_areas, "gota"));

    /* bad bodies: an error, and *out untouched */
    static const char *const bad[] = {
        "not json",
        "[]",
        "{\"areas\": []}",
        "{\"areas\": [{\"label\": \"x\"}]}",
        "{\"areas\": [{\"id\": \"Bad Id\"}]}",
        "{\"walks\": [{\"id\": \"three\", \"starts\": \"x\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rc_catalog before = *c;
        assert_int_equal(rc_parse(bad[i], strlen(bad[i]), base, c, err, sizeof err),
                         TRYGG_ERR_INVALID);
        assert_true(strlen(err) > 0);
        assert_memory_equal(&before, c, sizeof before);
    }
    /* Links that break kiosk.ini's rules are dropped alone: the kiosk keeps
     * what it had (no javascript: QR code, never an empty emergency number). */
    static const char bad_links[] =
        "{\"links\": {\"emergency\": \"\", \"police_tip_url\": \"javascript:alert(1)\", "
        "\"police_report_url\": \"http://polisen.example/\", \"police_tip_phone\": \"ring oss\", "
        "\"child_concern_phone\": \"11111111111111111111112\", \"child_concern_url\": "
        "\"https://lillaedet.example/oro\"}, \"notices\": []}";
    assert_int_equal(rc_parse(bad_links, strlen(bad_links), base, c, err, sizeof err), TRYGG_OK);
    assert_string_equal(c->emergency, base->emergency);
    assert_string_equal(c->police_tip_url, base->police_tip_url);
    assert_string_equal(c->police_report_url, base->police_report_url);
    assert_string_equal(c->police_tip_phone, base->police_tip_phone);
    assert_string_equal(c->child_concern_phone, base->child_concern_phone);
    assert_string_equal(c->child_concern_url, "https://lillaedet.example/oro"); /* a good one */
    assert_true(kcfg_link_url_ok(""));
    assert_false(kcfg_link_url_ok("https://"));
    assert_false(kcfg_link_url_ok("https://a b"));
    assert_true(kcfg_phone_ok("+46 520-65 95 00"));
    assert_false(kcfg_phone_ok("46+520"));
    assert_true(kcfg_emergency_ok("112"));
    assert_false(kcfg_emergency_ok("1"));
    /* One notice the kiosk cannot show is dropped alone: the rest of the
     * config (a new walk) still arrives. */
    char with_long[4096];
    char long_text[TRYGG_NOTICE_MAX + 2];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    snprintf(with_long, sizeof with_long,
             "{\"walks\": [{\"id\": 9, \"starts\": \"2026-12-10T18:00:00+01:00\", \"area\": "
             "\"centrum\", \"place\": \"Torget\", \"capacity\": 20, \"signups\": 0}], "
             "\"notices\": [{\"lang\": \"sv\", \"text\": \"%s\"}, {\"lang\": 7}, "
             "{\"lang\": \"sv\", \"text\": \"Trygghetsvandring på torsdag\"}]}",
             long_text);
    assert_int_equal(rc_parse(with_long, strlen(with_long), base, c, err, sizeof err), TRYGG_OK);
    assert_int_equal(c->n_walks, 1);
    assert_int_equal(c->walks[0].id, 9);
    assert_int_equal(c->n_notices, 1);
    assert_string_equal(c->notices[0].text, "Trygghetsvandring på torsdag");
    long_text[TRYGG_NOTICE_MAX] = '\0'; /* exactly the limit: shown */
    snprintf(with_long, sizeof with_long, "{\"notices\": [{\"lang\": \"sv\", \"text\": \"%s\"}]}",
             long_text);
    assert_int_equal(rc_parse(with_long, strlen(with_long), base, c, err, sizeof err), TRYGG_OK);
    assert_int_equal(c->n_notices, 1);
    assert_int_equal(strlen(c->notices[0].text), TRYGG_NOTICE_MAX);
    /* too many entries */
    char big[40000] = "{\"areas\": [";
    for (int i = 0; i < RC_AREAS + 1; i++) {
        char one[64];
        snprintf(one, sizeof one, "%s{\"id\": \"a%d\"}", i ? "," : "", i);
        strcat(big, one);
    }
    strcat(big, "]}");
    assert_int_equal(rc_parse(big, strlen(big), base, c, err, sizeof err), TRYGG_ERR_INVALID);
    free(base);
    free(c);
}

static void test_cache_round_trip(void **state)
{
    (void)state;
    kiosk_config cfg;
    kcfg_defaults(&cfg);
    rc_catalog *base = calloc(1, sizeof *base), *c = calloc(1, sizeof *c);
    rc_defaults(base, &cfg);
    char path[400];
    snprintf(path, sizeof path, "%s/config-cache.json", dir);
    assert_int_equal(rc_load_cache(path, base, c), TRYGG_ERR_NOTFOUND);
    char etag[64];
    rc_cache_etag(path, etag, sizeof etag);
    assert_string_equal(etag, "");
    assert_int_equal(rc_save_cache(path, "\"v7\"", body, strlen(body)), TRYGG_OK);
    rc_cache_etag(path, etag, sizeof etag);
    assert_string_equal(etag, "\"v7\"");
    assert_int_equal(rc_load_cache(path, base, c), TRYGG_OK);
    assert_int_equal(c->n_walks, 1);
    assert_int_equal(rc_save_cache(path, "x", "{broken", 7), TRYGG_ERR_INVALID);
    assert_int_equal(rc_load_cache(path, base, c), TRYGG_OK); /* old cache intact */
    FILE *f = fopen(path, "w");
    fputs("garbage", f);
    fclose(f);
    assert_int_equal(rc_load_cache(path, base, c), TRYGG_ERR_INVALID);
    free(base);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_ini, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_ini, setup, teardown),
        cmocka_unit_test(test_remote_parse),
        cmocka_unit_test_setup_teardown(test_cache_round_trip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
