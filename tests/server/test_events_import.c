/*
 * test_events_import.c — a partner's weekly list read into events
 * (server/events_import.c): Swedish and English headers in any order, ';'
 * and ',' files, labels as well as names, clock times into time-of-day
 * bands, and every wrong cell named by line and column with no row usable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events_import.h"
#include "trygg/paths.h"

static trygg_i18n *texts;
static server_catalog cat;

static int setup(void **state)
{
    (void)state;
    char dir[1024], err[256];
    assert_int_equal(trygg_asset_path("i18n/web", dir, sizeof dir), TRYGG_OK);
    assert_int_equal(trygg_i18n_load(dir, &texts, err, sizeof err), TRYGG_OK);
    static const char *const ids[] = {"centrum", "lodose"};
    static const char *const labels[] = {"Centrum", "Lödöse"};
    for (int i = 0; i < 2; i++) {
        snprintf(cat.areas[i].id, sizeof cat.areas[i].id, "%s", ids[i]);
        snprintf(cat.areas[i].label[0], sizeof cat.areas[i].label[0], "%s", labels[i]);
    }
    cat.nareas = 2;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    trygg_i18n_free(texts);
    return 0;
}

static void import(const char *csv, events_import *imp)
{
    assert_int_equal(
        events_import_csv(&cat, texts, csv, strlen(csv), "housing", "hanna", "2026-12-06", imp),
        TRYGG_OK);
}

static void test_swedish_spreadsheet(void **state)
{
    (void)state;
    events_import imp;
    import("\xEF\xBB\xBF"
           "Datum;Tid;Typ;Område;Plats;Antal;Beskrivning\r\n"
           "2026-11-30;22:15;Klotter;Lödöse;Gångtunneln;3;\"Taggar; nya\"\r\n"
           "2026-12-01;kväll (18–24);skadegörelse;centrum;;;\r\n"
           "2026-12-02;Natt (00–06);narkotika (sprutor, försäljning);CENTRUM;Parken;2;Sprutor\r\n",
           &imp);
    assert_int_equal(imp.nerrs, 0);
    assert_int_equal(imp.n, 3);
    assert_int_equal(imp.evs[0].type, TRYGG_EVENT_GRAFFITI);
    assert_string_equal(imp.evs[0].band, "evening");
    assert_string_equal(imp.evs[0].area, "lodose");
    assert_string_equal(imp.evs[0].place, "Gångtunneln");
    assert_int_equal(imp.evs[0].count, 3);
    assert_string_equal(imp.evs[0].text, "Taggar; nya");
    assert_string_equal(imp.evs[0].org, "housing");
    assert_string_equal(imp.evs[0].reporter, "hanna");
    assert_int_equal(imp.evs[1].type, TRYGG_EVENT_DAMAGE);
    assert_int_equal(imp.evs[1].count, 1); /* empty count is one */
    assert_string_equal(imp.evs[1].band, "evening");
    assert_int_equal(imp.evs[2].type, TRYGG_EVENT_DRUGS);
    assert_string_equal(imp.evs[2].band, "night");
    assert_string_equal(imp.evs[2].area, "centrum");
    events_import_free(&imp);
}

static void test_english_commas_names(void **state)
{
    (void)state;
    events_import imp;
    import("type,date,area,time\nlitter,2026-12-05,centrum,morning\nfire,2026-12-06,lodose,06:00\n"
           "Brand,2026-12-06,lodose,06:00\nNarkotika,2026-12-06,lodose,06:00\n"
           "inbrottsförsök,2026-12-06,lodose,06:00\n",
           &imp);
    assert_int_equal(imp.nerrs, 0);
    assert_int_equal(imp.n, 5);
    assert_int_equal(imp.evs[2].type, TRYGG_EVENT_FIRE);
    assert_int_equal(imp.evs[3].type, TRYGG_EVENT_DRUGS);
    assert_int_equal(imp.evs[4].type, TRYGG_EVENT_BURGLARY);
    assert_int_equal(imp.evs[0].type, TRYGG_EVENT_LITTER);
    assert_string_equal(imp.evs[0].band, "morning");
    assert_int_equal(imp.evs[1].type, TRYGG_EVENT_FIRE);
    assert_string_equal(imp.evs[1].band, "morning");
    events_import_free(&imp);
}

static int has_error(const events_import *imp, int line, const char *column, const char *key)
{
    for (int i = 0; i < imp->nerrs; i++)
        if (imp->errs[i].line == line && strcmp(imp->errs[i].column, column) == 0 &&
            strcmp(imp->errs[i].reason_key, key) == 0)
            return 1;
    return 0;
}

static void test_every_error_by_line(void **state)
{
    (void)state;
    events_import imp;
    import("datum;typ;område;tid;antal\n"
           "2026-12-01;Klotter;Centrum;kväll (18–24);1\n"
           "2026-02-30;Klotter;Centrum;kväll (18–24);1\n"
           "2026-12-24;Klotter;Centrum;kväll (18–24);1\n"
           "2026-12-01;Sprayfärg;Centrum;kväll (18–24);1\n"
           "2026-12-01;Klotter;Göteborg;kväll (18–24);1\n"
           "2026-12-01;Klotter;Centrum;lunch;1\n"
           "2026-12-01;Klotter;Centrum;25:00;1\n"
           "2026-12-01;Klotter;Centrum;kväll (18–24);tre\n"
           "2026-12-01;Klotter;Centrum;kväll (18–24);1000\n",
           &imp);
    assert_int_equal(imp.nerrs, 8);
    assert_true(has_error(&imp, 3, "datum", "event.bad.day"));
    assert_true(has_error(&imp, 4, "datum", "event.bad.day")); /* in the future */
    assert_true(has_error(&imp, 5, "typ", "event.bad.type"));
    assert_true(has_error(&imp, 6, "område", "event.bad.area"));
    assert_true(has_error(&imp, 7, "tid", "event.bad.band"));
    assert_true(has_error(&imp, 8, "tid", "event.bad.band"));
    assert_true(has_error(&imp, 9, "antal", "event.bad.count"));
    assert_true(has_error(&imp, 10, "antal", "event.bad.count"));
    assert_string_equal(imp.errs[2].value, "Sprayfärg");
    events_import_free(&imp);
}

static void test_file_level_errors(void **state)
{
    (void)state;
    events_import imp;
    import("datum;typ;plats;färg\n2026-12-01;Klotter;Torget;röd\n", &imp);
    assert_true(has_error(&imp, 1, "område", "import.bad.column_missing"));
    assert_true(has_error(&imp, 1, "tid", "import.bad.column_missing"));
    assert_true(has_error(&imp, 1, "färg", "import.bad.column_unknown"));
    events_import_free(&imp);
    import("", &imp);
    assert_true(has_error(&imp, 0, "", "import.bad.empty"));
    events_import_free(&imp);
    import("datum;typ;område;tid\n", &imp);
    assert_true(has_error(&imp, 0, "", "import.bad.empty"));
    events_import_free(&imp);
    import("datum;typ;område;tid\n2026-12-01;\"Klotter;Centrum;kväll\n", &imp);
    assert_int_equal(imp.nerrs, 1);
    assert_string_equal(imp.errs[0].reason_key, "import.bad.csv");
    events_import_free(&imp);
    /* Over the error cap: counted, not listed. */
    char *big = malloc(200000);
    strcpy(big, "datum;typ;område;tid\n");
    for (int i = 0; i < 80; i++)
        strcat(big, "2026-12-01;X;Centrum;kväll (18–24)\n");
    import(big, &imp);
    assert_int_equal(imp.nerrs, EVENTS_IMPORT_MAX_ERRORS);
    assert_int_equal(imp.more_errors, 80 - EVENTS_IMPORT_MAX_ERRORS);
    events_import_free(&imp);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_swedish_spreadsheet),
        cmocka_unit_test(test_english_commas_names),
        cmocka_unit_test(test_every_error_by_line),
        cmocka_unit_test(test_file_level_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
