/*
 * test_route.c — routing rules (route.h): the built-in defaults, the
 * privacy invariant at load time, first match wins, links.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "trygg/route.h"

static char tmpdir[256];
static char cfgpath[300];

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : P_tmpdir;
    snprintf(tmpdir, sizeof tmpdir, "%s/trygg-route-XXXXXX", tmp);
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(cfgpath, sizeof cfgpath, "%s/routing.ini", tmpdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(cfgpath);
    rmdir(tmpdir);
    return 0;
}

static void write_cfg(const char *text)
{
    FILE *f = fopen(cfgpath, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static trygg_item make_item(trygg_kind kind, const char *area, const char *text)
{
    trygg_item it;
    trygg_item_init(&it);
    it.kind = kind;
    snprintf(it.category, sizeof it.category, "%s", "other");
    snprintf(it.area, sizeof it.area, "%s", area);
    snprintf(it.text, sizeof it.text, "%s", text);
    return it;
}

static int has_tell(const trygg_route_result *r, const char *key)
{
    for (int i = 0; i < r->ntell; i++)
        if (strcmp(r->tell[i], key) == 0)
            return 1;
    return 0;
}

static void test_defaults(void **state)
{
    (void)state;
    trygg_routes *r = NULL;
    assert_int_equal(trygg_routes_default(&r), TRYGG_OK);
    assert_non_null(r);
    trygg_route_result res;

    /* Tips go to security only, in every area, and point to the police. */
    const char *areas[] = {"centrum", "strom", "gota", "lodose", ""};
    for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
        trygg_item it = make_item(TRYGG_KIND_TIP, areas[i], "Det luktar gräs i trapphuset");
        assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
        assert_string_equal(res.destination, "security");
        assert_string_equal(res.copy_to, "");
        assert_true(has_tell(&res, "police_tip"));
        assert_string_equal(res.rule, "tips");
    }

    /* A concern naming a person in a housing area: security only, no copy. */
    trygg_item it = make_item(TRYGG_KIND_CONCERN, "centrum", "Killen som bor på trean langar");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_string_equal(res.destination, "security");
    assert_string_equal(res.copy_to, "");
    assert_string_equal(res.rule, "person-named");
    assert_true(has_tell(&res, "police_tip"));

    /* A plain concern in a housing area: security plus a copy to housing. */
    it = make_item(TRYGG_KIND_CONCERN, "centrum", "Mörkt och otryggt vid garagen");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_string_equal(res.destination, "security");
    assert_string_equal(res.copy_to, "housing");
    assert_false(res.urgent);
    assert_true(has_tell(&res, "ack"));

    /* ... and outside the housing company's areas: no copy. */
    it = make_item(TRYGG_KIND_CONCERN, "lodose", "Mörkt och otryggt vid garagen");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_string_equal(res.destination, "security");
    assert_string_equal(res.copy_to, "");

    /* Faults route by category, not by area (issue 16, defect 7): the housing
     * company's own categories (stairwell, laundry room, yard) go to housing
     * wherever they are; a street light in Centrum (a housing area) goes to
     * street and park maintenance. */
    static const char *const housing_cats[] = {"stairwell", "laundry_room", "yard"};
    static const char *const fault_areas[] = {"centrum", "Gota", "lodose", "other"};
    for (size_t c = 0; c < 3; c++)
        for (size_t a = 0; a < 4; a++) {
            it = make_item(TRYGG_KIND_FAULT, fault_areas[a], "Lampan i trappan är trasig");
            snprintf(it.category, sizeof it.category, "%s", housing_cats[c]);
            assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
            assert_string_equal(res.destination, "housing");
        }
    static const char *const street_cats[] = {"street_light", "pothole", "playground", "other"};
    for (size_t c = 0; c < 4; c++)
        for (size_t a = 0; a < 4; a++) {
            it = make_item(TRYGG_KIND_FAULT, fault_areas[a], "Lampan i parken är trasig");
            snprintf(it.category, sizeof it.category, "%s", street_cats[c]);
            assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
            assert_string_equal(res.destination, "streets");
        }

    /* Sign-ups go to their coordinators. */
    it = make_item(TRYGG_KIND_WATCH_SIGNUP, "centrum", "");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_string_equal(res.destination, "watch");
    it = make_item(TRYGG_KIND_WALK_SIGNUP, "centrum", "");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_string_equal(res.destination, "walks");
    /* Issue 16: a safety round's sign-up (category "round") goes to the
     * rounds' coordinator; a question asked at a kiosk (concern "question")
     * to security alone, even in a housing area. */
    it = make_item(TRYGG_KIND_WALK_SIGNUP, "strom", "");
    snprintf(it.category, sizeof it.category, "round");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_string_equal(res.destination, "rounds");
    it = make_item(TRYGG_KIND_CONCERN, "centrum", "Varför är det så mörkt i parken?");
    snprintf(it.category, sizeof it.category, "question");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_string_equal(res.destination, "security");
    assert_string_equal(res.copy_to, "");

    /* Urgent signal: raised, 112 first, still no copy for a person. */
    it = make_item(TRYGG_KIND_CONCERN, "centrum", "En man hotar med kniv vid torget");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_true(res.urgent);
    assert_true(res.ntell >= 2);
    assert_string_equal(res.tell[0], "emergency");
    it = make_item(TRYGG_KIND_FAULT, "lodose", "Det brinner i containern");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_true(res.urgent);
    assert_string_equal(res.tell[0], "emergency");

    /* Links from [links]. */
    assert_string_equal(trygg_routes_link(r, "police_tip_url"),
                        "https://polisen.se/kontakt/tipsa-polisen/");
    assert_string_equal(trygg_routes_link(r, "police_tip_phone"), "114 14");
    assert_string_equal(trygg_routes_link(r, "emergency"), "112");
    assert_string_equal(trygg_routes_link(r, "police_report_url"),
                        "https://polisen.se/utsatt-for-brott/polisanmalan/");
    assert_non_null(trygg_routes_link(r, "child_concern_phone"));
    assert_null(trygg_routes_link(r, "no_such_link"));
    assert_string_equal(trygg_routes_oncall(r), "");
    trygg_routes_free(r);
}

/* Tips never reach housing, whatever the text, kind or area, under the
 * defaults: a small exhaustive sweep. */
static void test_tips_never_housing(void **state)
{
    (void)state;
    trygg_routes *r = NULL;
    assert_int_equal(trygg_routes_default(&r), TRYGG_OK);
    const char *texts[] = {"",     "Lampan är trasig", "han som bor där säljer knark",
                           "kniv", "0701234567",       "my neighbour deals drugs"};
    const char *areas[] = {"centrum", "strom", "gota", "lodose", "other"};
    for (int k = 0; k < TRYGG_KIND_COUNT; k++) {
        for (size_t a = 0; a < 5; a++) {
            for (size_t t = 0; t < 6; t++) {
                trygg_item it = make_item((trygg_kind)k, areas[a], texts[t]);
                trygg_route_result res;
                assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
                int sensitive = k == TRYGG_KIND_TIP || t == 2 || t == 5;
                if (sensitive) {
                    assert_string_not_equal(res.destination, "housing");
                    assert_string_not_equal(res.copy_to, "housing");
                }
            }
        }
    }
    trygg_routes_free(r);
}

static const char *const base_dests = "[destination security]\n"
                                      "label = Säkerhet\n"
                                      "[destination housing]\n"
                                      "label = Bostadsbolaget\n"
                                      "company = yes\n"
                                      "[destination streets]\n"
                                      "company = no\n";

static void test_violating_rule_rejected(void **state)
{
    (void)state;
    char text[2048];
    /* line 8: [rule bad], line 10: destination = housing */
    snprintf(text, sizeof text,
             "%s[rule bad]\n"
             "kind = tip,concern\n"
             "destination = housing\n",
             base_dests);
    write_cfg(text);
    trygg_routes *r = NULL;
    trygg_cfg_error errs[8];
    int n = -1;
    assert_int_equal(trygg_routes_load(cfgpath, &r, errs, 8, &n), TRYGG_ERR_CONFIG);
    assert_null(r);
    assert_int_equal(n, 1);
    assert_int_equal(errs[0].line, 10);
    assert_string_equal(errs[0].file, cfgpath);
    assert_non_null(strstr(errs[0].msg, "bad"));
    assert_non_null(strstr(errs[0].msg, "tip"));

    /* A copy of anything that may name a person is refused too (line 11). */
    snprintf(text, sizeof text,
             "%s[rule concerns]\n"
             "kind = concern\n"
             "destination = security\n"
             "copy_to = housing\n",
             base_dests);
    write_cfg(text);
    assert_int_equal(trygg_routes_load(cfgpath, &r, errs, 8, &n), TRYGG_ERR_CONFIG);
    assert_int_equal(n, 1);
    assert_int_equal(errs[0].line, 11);
    assert_non_null(strstr(errs[0].msg, "person"));

    /* With names_person = no it is allowed. */
    snprintf(text, sizeof text,
             "%s[rule concerns]\n"
             "kind = concern\n"
             "names_person = no\n"
             "destination = security\n"
             "copy_to = housing\n",
             base_dests);
    write_cfg(text);
    assert_int_equal(trygg_routes_load(cfgpath, &r, errs, 8, &n), TRYGG_OK);
    assert_non_null(r);
    trygg_routes_free(r);
}

/* Recipients are declared in the config: full access and addresses come
 * from it, and a company can never be given full access. */
static void test_dest_declared_in_config(void **state)
{
    (void)state;
    char text[2048];
    snprintf(text, sizeof text,
             "[destination security]\n"
             "[destination housing]\n"
             "company = yes\n"
             "full_access = yes\n" /* line 4 */
             "[rule all]\n"
             "destination = security\n");
    write_cfg(text);
    trygg_routes *r = NULL;
    trygg_cfg_error errs[8];
    int n = -1;
    assert_int_equal(trygg_routes_load(cfgpath, &r, errs, 8, &n), TRYGG_ERR_CONFIG);
    assert_int_equal(n, 1);
    assert_int_equal(errs[0].line, 4);
    assert_non_null(strstr(errs[0].msg, "company"));

    snprintf(text, sizeof text,
             "[destination security]\n"
             "email = sak@example.se\n"
             "[destination housing]\n"
             "company = yes\n"
             "webhook_url = https://bo.example/hook\n"
             "[destination streets]\n"
             "full_access = yes\n"
             "[rule all]\n"
             "destination = security\n");
    write_cfg(text);
    assert_int_equal(trygg_routes_load(cfgpath, &r, errs, 8, &n), TRYGG_OK);
    trygg_route_dest d;
    assert_int_equal(trygg_routes_dest_find(r, "security", &d), TRYGG_OK);
    assert_int_equal(d.full_access, 1); /* the default for "security" */
    assert_true(d.has_email && !d.has_webhook);
    assert_string_equal(d.email, "sak@example.se");
    assert_int_equal(trygg_routes_dest_find(r, "housing", &d), TRYGG_OK);
    assert_true(d.company && !d.full_access && d.has_webhook);
    assert_string_equal(d.webhook_url, "https://bo.example/hook");
    assert_int_equal(trygg_routes_dest_find(r, "streets", &d), TRYGG_OK);
    assert_int_equal(d.full_access, 1);
    assert_int_equal(trygg_routes_dest_find(r, "nosuch", &d), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_routes_dest_info(r, 2, &d), TRYGG_OK);
    assert_string_equal(d.name, "streets");
    assert_string_equal(d.label, "streets"); /* no label: the name */
    trygg_routes_free(r);
}

static void test_first_match_wins(void **state)
{
    (void)state;
    char text[2048];
    snprintf(text, sizeof text,
             "%s"
             "[rule lamps]\n"
             "kind = fault\n"
             "category = lighting\n"
             "names_person = no\n"
             "destination = housing\n"
             "[rule all-faults]\n"
             "kind = fault\n"
             "destination = streets\n"
             "urgent = yes\n"
             "[rule rest]\n"
             "destination = security\n"
             "tell = ack, police_report\n",
             base_dests);
    write_cfg(text);
    trygg_routes *r = NULL;
    trygg_cfg_error errs[8];
    int n = -1;
    assert_int_equal(trygg_routes_load(cfgpath, &r, errs, 8, &n), TRYGG_OK);
    assert_int_equal(n, 0);

    trygg_route_result res;
    trygg_item it = make_item(TRYGG_KIND_FAULT, "x", "trasig lampa");
    snprintf(it.category, sizeof it.category, "%s", "lighting");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_string_equal(res.rule, "lamps");
    assert_string_equal(res.destination, "housing");
    assert_false(res.urgent);

    snprintf(it.category, sizeof it.category, "%s", "potholes");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_string_equal(res.rule, "all-faults");
    assert_string_equal(res.destination, "streets");
    assert_true(res.urgent);
    assert_string_equal(res.tell[0], "emergency");

    it = make_item(TRYGG_KIND_CONCERN, "x", "mörkt");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_string_equal(res.rule, "rest");
    assert_int_equal(res.ntell, 2);
    assert_string_equal(res.tell[1], "police_report");

    /* A lighting fault that names a person skips "lamps" (names_person = no). */
    it = make_item(TRYGG_KIND_FAULT, "x", "grannen krossade lampan");
    snprintf(it.category, sizeof it.category, "%s", "lighting");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_string_equal(res.rule, "all-faults");
    trygg_routes_free(r);
}

static void test_fallback_when_nothing_matches(void **state)
{
    (void)state;
    write_cfg("[destination security]\n"
              "[destination walks]\n"
              "[rule walks]\n"
              "kind = walk_signup\n"
              "destination = walks\n");
    trygg_routes *r = NULL;
    assert_int_equal(trygg_routes_load(cfgpath, &r, NULL, 0, NULL), TRYGG_OK);
    trygg_route_result res;
    trygg_item it = make_item(TRYGG_KIND_TIP, "x", "");
    assert_int_equal(trygg_route_item(r, &it, &res), TRYGG_OK);
    assert_string_equal(res.destination, "security");
    assert_string_equal(res.copy_to, "");
    trygg_routes_free(r);
}

static void test_config_errors_have_lines(void **state)
{
    (void)state;
    write_cfg("[destination security]\n"       /* 1 */
              "colour = blue\n"                /* 2: unknown key */
              "[rule a]\n"                     /* 3 */
              "kind = tip, parcel\n"           /* 4: unknown kind */
              "destination = nowhere\n"        /* 5: unknown destination */
              "names_person = maybe\n"         /* 6: bad value */
              "this line has no equals sign\n" /* 7: syntax */
              "[rule a]\n"                     /* 8: duplicate rule */
              "[frobnicate]\n"                 /* 9: unknown section */
              "[rule b]\n"                     /* 10: no destination */
              "tell = ack,,x\n"                /* 11: empty list item */
              "[links]\n"                      /* 12 */
              "police_tip_url = \n");          /* 13: empty */
    trygg_routes *r = NULL;
    trygg_cfg_error errs[16];
    int n = 0;
    assert_int_equal(trygg_routes_load(cfgpath, &r, errs, 16, &n), TRYGG_ERR_CONFIG);
    assert_null(r);
    int want[] = {2, 4, 5, 6, 7, 8, 9, 10, 11, 13};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int seen = 0;
        for (int j = 0; j < n; j++)
            if (errs[j].line == want[i])
                seen = 1;
        if (!seen) {
            for (int j = 0; j < n; j++)
                print_error("%s:%d: %s\n", errs[j].file, errs[j].line, errs[j].msg);
            print_error("no error reported at line %d\n", want[i]);
            fail();
        }
    }
    /* nothing else is reported */
    assert_int_equal(n, (int)(sizeof want / sizeof want[0]));

    /* Errors beyond maxerr still fail the load. */
    assert_int_equal(trygg_routes_load(cfgpath, &r, errs, 1, &n), TRYGG_ERR_CONFIG);
    assert_int_equal(n, 1);
    assert_int_equal(trygg_routes_load(cfgpath, &r, NULL, 0, &n), TRYGG_ERR_CONFIG);

    /* Missing file: IO error. */
    assert_int_equal(trygg_routes_load("no/such/file.ini", &r, errs, 16, &n), TRYGG_ERR_IO);
    assert_int_equal(n, 1);
    assert_int_equal(errs[0].line, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dest_declared_in_config),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_tips_never_housing),
        cmocka_unit_test(test_violating_rule_rejected),
        cmocka_unit_test(test_first_match_wins),
        cmocka_unit_test(test_fallback_when_nothing_matches),
        cmocka_unit_test(test_config_errors_have_lines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
