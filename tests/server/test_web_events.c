/*
 * test_web_events.c — partner events in the staff web UI (server/web_events.c)
 * over real HTTP against the in-process server with the shipped config:
 * a caretaker of the housing company files an event in one post; a refused
 * form keeps its values and names the field; one organisation never sees,
 * edits or deletes another's events (by list or by id); the security
 * department sees every organisation's; CSRF is required; personal data in
 * the description never reaches the database. A weekly list imports from CSV
 * and from an Excel workbook, all rows or none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "../shared/store_fixture.h"
#include "config.h"
#include "server_fixture.h"
#include "trygg/time.h"
#include "web.h"
#include "web_client.h"

#define PASSWORD "correct horse battery staple"

static sfx F;
static char today[11];

static void add_user(trygg_store *st, const char *name, const char *role, const char *dest)
{
    trygg_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.username, sizeof u.username, "%s", name);
    snprintf(u.display, sizeof u.display, "%s", name);
    snprintf(u.role, sizeof u.role, "%s", role);
    snprintf(u.destination, sizeof u.destination, "%s", dest);
    assert_int_equal(trygg_store_user_add(st, &u, PASSWORD), TRYGG_OK);
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    assert_int_equal(sfx_prepare(&F, NULL, NULL), 0);
    char p[300];
    snprintf(p, sizeof p, "%s/trygg.db", F.dir);
    trygg_store *st = NULL;
    assert_int_equal(trygg_store_open(p, &st), TRYGG_OK);
    add_user(st, "sakerhet", "security", "");
    add_user(st, "hanna", "destination", "housing");
    add_user(st, "gustav", "destination", "streets");
    fake_now = (int64_t)time(NULL);
    web_set_clock(fake_clock);
    wc_enrol(st, "sakerhet", NULL);
    trygg_store_close(st);
    assert_int_equal(sfx_serve(&F, 0), 0);
    wc_port = F.port;
    assert_true(trygg_time_format(fake_now, "%Y-%m-%d", today, sizeof today) > 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sfx_stop(&F);
    return 0;
}

static void post(const session *s, const char *path, const char *fields, reply *r)
{
    char form[2048];
    snprintf(form, sizeof form, "csrf=%s&%s", s->csrf, fields);
    req(r, "POST", path, s->cookie, form);
}

static char *get(const session *s, const char *path, long want)
{
    reply r;
    req(&r, "GET", path, s->cookie, NULL);
    assert_int_equal(r.status, want);
    return r.body; /* the caller frees */
}

/* The newest event of `org` in the store. */
static trygg_event newest(const char *org)
{
    trygg_event ev[4];
    int n = 0;
    assert_int_equal(trygg_store_event_list(server_store(&F.ctx), org, NULL, NULL, ev, 4, &n),
                     TRYGG_OK);
    assert_true(n > 0);
    return ev[0];
}

static void test_caretaker_files_in_one_post(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("hanna", PASSWORD, &s), 303);
    char *body = get(&s, "/events", 200);
    assert_non_null(strstr(body, "Rapportera en händelse"));
    assert_non_null(strstr(body, "value=\"graffiti\""));
    assert_non_null(strstr(body, "Klotter"));
    assert_non_null(strstr(body, "href=\"/events\" aria-current=\"page\""));
    free(body);
    char fields[512];
    snprintf(fields, sizeof fields,
             "type=graffiti&day=%s&band=evening&area=centrum&place=Gångtunneln&count=3&"
             "text=Nya+taggar,+ring+mig+0701234567",
             today);
    reply r;
    post(&s, "/events", fields, &r);
    assert_int_equal(r.status, 303);
    assert_string_equal(r.location, "/events?ok=flash.event_filed");
    reply_free(&r);
    trygg_event ev = newest("housing");
    assert_int_equal(ev.type, TRYGG_EVENT_GRAFFITI);
    assert_int_equal(ev.count, 3);
    assert_string_equal(ev.org, "housing");
    assert_string_equal(ev.reporter, "hanna");
    assert_string_equal(ev.day, today);
    assert_null(strstr(ev.text, "0701234567"));
    assert_int_equal(fx_rows_containing(server_store(&F.ctx), "0701234567", NULL), 0);
    body = get(&s, "/events?ok=flash.event_filed", 200);
    assert_non_null(strstr(body, "Tack! Händelsen är rapporterad."));
    assert_non_null(strstr(body, "Gångtunneln"));
    free(body);
}

/* The place register (server.ini [place ID]) is offered as a list grouped
 * by area, with "annan plats" and its free text kept; a place from the list
 * becomes the event's place text and, when none was chosen, its area. */
static void test_place_from_list(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("hanna", PASSWORD, &s), 303);
    char *body = get(&s, "/events", 200);
    assert_non_null(strstr(body, "name=\"place_id\""));
    assert_non_null(strstr(body, "<option value=\"\">Annan plats (skriv nedan)</option>"));
    const char *strom = strstr(body, "<optgroup label=\"Ström\">");
    assert_non_null(strom);
    const char *end = strstr(strom, "</optgroup>");
    const char *skola = strstr(strom, "value=\"strom_skola\">Ströms skola<");
    assert_true(skola && skola < end);
    const char *rc = strstr(body, "value=\"resecentrum\"");
    assert_true(rc && (rc < strom || rc > end));     /* Centrum's, not Ström's */
    assert_non_null(strstr(body, "name=\"place\"")); /* the free text stays */
    free(body);
    char fields[512];
    reply r;
    snprintf(fields, sizeof fields,
             "type=graffiti&day=%s&band=evening&area=strom&place_id=strom_skola&place=&count=1",
             today);
    post(&s, "/events", fields, &r);
    assert_int_equal(r.status, 303);
    reply_free(&r);
    trygg_event ev = newest("housing");
    assert_string_equal(ev.area, "strom");
    assert_string_equal(ev.place, "Ströms skola");
    /* No area chosen: the place's own. */
    snprintf(fields, sizeof fields,
             "type=litter&day=%s&band=evening&area=&place_id=resecentrum&count=2", today);
    post(&s, "/events", fields, &r);
    assert_int_equal(r.status, 303);
    reply_free(&r);
    ev = newest("housing");
    assert_string_equal(ev.area, "centrum");
    assert_string_equal(ev.place, "Resecentrum");
    /* A place of another area, or a list place and a written one: refused. */
    snprintf(fields, sizeof fields,
             "type=graffiti&day=%s&band=evening&area=gota&place_id=strom_skola&count=1", today);
    post(&s, "/events", fields, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "Den valda platsen finns inte i det valda området."));
    assert_non_null(strstr(r.body, "value=\"strom_skola\" selected>")); /* kept for a fix */
    reply_free(&r);
    snprintf(fields, sizeof fields,
             "type=graffiti&day=%s&band=evening&area=strom&place_id=strom_skola&place=Bron&"
             "count=1",
             today);
    post(&s, "/events", fields, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "inte båda"));
    reply_free(&r);
    /* The edit page shows the registered place chosen in the list. */
    char path[64];
    snprintf(path, sizeof path, "/events/%" PRId64, ev.id);
    body = get(&s, path, 200);
    assert_non_null(strstr(body, "value=\"resecentrum\" selected>"));
    free(body);
}

/* server.ini with `extra` appended (and `json` as data_dir/areas.geojson
 * when not NULL) must be refused with msg at a line of the file. */
static void expect_config_error(const char *extra, const char *json, const char *msg)
{
    sfx f;
    assert_int_equal(sfx_prepare(&f, extra, NULL), 0);
    if (json) {
        char p[400];
        snprintf(p, sizeof p, "%s/areas.geojson", f.dir);
        FILE *fp = fopen(p, "w");
        assert_non_null(fp);
        fputs(json, fp);
        fclose(fp);
    }
    char first[300];
    if (!sfx_config_refused(&f, msg, first, sizeof first))
        fail_msg("no error '%s' (first: %s)", msg, first);
}

/* The server refuses a bad place register or area file at start, with the
 * line; the shipped file loads its places and the schematic areas. */
static void test_place_config(void **state)
{
    (void)state;
    const trygg_geo *g = F.ctx.cfg.catalog->geo;
    assert_non_null(g);
    assert_true(g->nplaces >= 5);
    assert_int_equal(g->nareas, 8); /* the schematic Lilla Edet */
    assert_true(g->schematic);
    expect_config_error("[place x]\nlabel = X\narea = nowhere\nlat = 58.1\nlon = 12.1\n", NULL,
                        "unknown area 'nowhere'");
    expect_config_error("[place x]\nlabel = X\narea = centrum\nlat = 91\nlon = 12.1\n", NULL,
                        "lat must be degrees -90..90");
    expect_config_error("[place x]\nlabel = X\narea = centrum\nlat = 58\nlon = east\n", NULL,
                        "lon must be degrees");
    expect_config_error("[map]\nareas = areas.geojson\n", "{\"type\": \"FeatureCollection\",",
                        "invalid JSON");
    expect_config_error("[map]\nareas = areas.geojson\n",
                        "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": "
                        "\"Feature\", \"properties\": {\"area\": \"atlantis\"}, \"geometry\": "
                        "{\"type\": \"Polygon\", \"coordinates\": [[[1,1],[2,1],[2,2],[1,1]]]}}]}",
                        "unknown area 'atlantis'");
    expect_config_error("[map]\nareas = missing.geojson\n", NULL, "cannot read");
}

static void test_refused_form_keeps_values(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("hanna", PASSWORD, &s), 303);
    int64_t before = fx_table_rows(server_store(&F.ctx), "events");
    struct {
        const char *fields, *message;
    } bad[] = {
        {"day=%s&band=night&area=centrum&count=1&place=Torget", "Välj vad som hände."},
        {"type=fire&day=2999-01-01&band=night&area=centrum&count=1&place=Torget",
         "Ange ett datum som inte ligger i framtiden."},
        {"type=fire&day=%s&band=night&area=centrum&count=0&place=Torget",
         "Antal ska vara ett tal från 1 till 999."},
        {"type=fire&day=%s&band=night&area=centrum&count=12x&place=Torget",
         "Antal ska vara ett tal från 1 till 999."},
        {"type=fire&day=%s&band=lunch&area=centrum&count=1&place=Torget", "Välj tid på dygnet."},
        {"type=fire&day=%s&band=night&area=&count=1&place=Torget", "Välj ett område."},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char fields[512];
        snprintf(fields, sizeof fields, bad[i].fields, today);
        reply r;
        post(&s, "/events", fields, &r);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr(r.body, "Rapporten sparades inte."));
        assert_non_null(strstr(r.body, bad[i].message));
        assert_non_null(strstr(r.body, "value=\"Torget\"")); /* what was typed stays */
        reply_free(&r);
    }
    assert_int_equal(fx_table_rows(server_store(&F.ctx), "events"), before);
    /* Without the CSRF field nothing is stored either. */
    reply r;
    req(&r, "POST", "/events", s.cookie,
        "type=fire&day=2026-01-01&band=night&area=centrum&count=1");
    assert_int_equal(r.status, 403);
    reply_free(&r);
    assert_int_equal(fx_table_rows(server_store(&F.ctx), "events"), before);
}

static void test_organisations_apart(void **state)
{
    (void)state;
    session hanna, gustav, sara;
    assert_int_equal(login_as("hanna", PASSWORD, &hanna), 303);
    assert_int_equal(login_as("gustav", PASSWORD, &gustav), 303);
    assert_int_equal(login_as("sakerhet", PASSWORD, &sara), 303);
    char fields[512];
    snprintf(fields, sizeof fields,
             "type=litter&day=%s&band=morning&area=strom&place=Lekplatsen+Ström&count=1&text=Sopor",
             today);
    reply r;
    post(&gustav, "/events", fields, &r);
    assert_int_equal(r.status, 303);
    reply_free(&r);
    trygg_event streets = newest("streets");

    char *body = get(&hanna, "/events", 200);
    assert_null(strstr(body, "Lekplatsen Ström")); /* not in another organisation's list */
    free(body);
    char path[64];
    snprintf(path, sizeof path, "/events/%" PRId64, streets.id);
    free(get(&hanna, path, 404));
    snprintf(fields, sizeof fields,
             "type=fire&day=%s&band=night&area=centrum&place=Hackad&count=9&text=x", today);
    post(&hanna, path, fields, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    post(&hanna, path, "action=delete", &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    trygg_event still;
    assert_int_equal(trygg_store_event_get(server_store(&F.ctx), streets.id, NULL, &still),
                     TRYGG_OK);
    assert_int_equal(still.type, TRYGG_EVENT_LITTER);
    assert_int_equal(still.count, 1);

    /* The security department sees both, with the organisation named. */
    body = get(&sara, "/events", 200);
    assert_non_null(strstr(body, "Lekplatsen Ström"));
    assert_non_null(strstr(body, "Gångtunneln"));
    assert_non_null(strstr(body, "Organisation"));
    free(body);
    free(get(&sara, path, 200));

    /* The owner edits, then deletes. */
    snprintf(fields, sizeof fields,
             "type=litter&day=%s&band=afternoon&area=strom&place=Lekplatsen+Ström&count=4&text=Mer",
             today);
    post(&gustav, path, fields, &r);
    assert_int_equal(r.status, 303);
    reply_free(&r);
    assert_int_equal(trygg_store_event_get(server_store(&F.ctx), streets.id, "streets", &still),
                     TRYGG_OK);
    assert_int_equal(still.count, 4);
    assert_string_equal(still.band, "afternoon");
    post(&gustav, path, "action=delete", &r);
    assert_int_equal(r.status, 303);
    reply_free(&r);
    assert_int_equal(trygg_store_event_get(server_store(&F.ctx), streets.id, NULL, &still),
                     TRYGG_ERR_NOTFOUND);
}

static void test_weekly_list_import(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("hanna", PASSWORD, &s), 303);
    trygg_store *st = server_store(&F.ctx);
    int64_t before = fx_table_rows(st, "events");
    const char *bad = "Datum;Tid;Typ;Område;Plats;Antal\r\n"
                      "2026-11-30;22:15;Klotter;Lödöse;Importtunneln;3\r\n"
                      "2026-11-31;22:15;Klotter;Lödöse;Importtunneln;3\r\n"
                      "2026-12-01;kväll (18–24);Sprayfärg;Centrum;Importtorget;1\r\n";
    reply r;
    req_upload(&r, "/events/import", s.cookie, s.csrf, "file", "vecka49.csv", bad, strlen(bad));
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "Ingenting importerades."));
    assert_non_null(strstr(r.body, "2026-11-31"));
    assert_non_null(strstr(r.body, "Sprayfärg"));
    assert_non_null(strstr(r.body, "Välj vad som hände."));
    reply_free(&r);
    assert_int_equal(fx_table_rows(st, "events"), before); /* not the good first row either */

    /* A broken workbook (a zip cut short) is named as such; an old binary
     * Excel file (.xls, with NUL bytes) is refused with how to save it. */
    static const char xlsx[] = "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00";
    req_upload(&r, "/events/import", s.cookie, s.csrf, "file", "vecka49.xlsx", xlsx,
               sizeof xlsx - 1);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "inte en läsbar Excel-arbetsbok"));
    reply_free(&r);
    static const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00";
    req_upload(&r, "/events/import", s.cookie, s.csrf, "file", "vecka49.xls", xls, sizeof xls - 1);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "CSV UTF-8"));
    reply_free(&r);
    assert_int_equal(fx_table_rows(st, "events"), before);
    /* Without the CSRF field: refused. */
    const char *good =
        "datum,typ,område,tid,plats\n2026-12-01,Klotter,Centrum,morning,Importtorget\n"
        "2026-12-02,Brand,lodose,03:10,Importtunneln\n";
    req_upload(&r, "/events/import", s.cookie, "nope", "file", "v.csv", good, strlen(good));
    assert_int_equal(r.status, 403);
    reply_free(&r);
    assert_int_equal(fx_table_rows(st, "events"), before);

    req_upload(&r, "/events/import", s.cookie, s.csrf, "file", "v.csv", good, strlen(good));
    assert_int_equal(r.status, 303);
    assert_string_equal(r.location, "/events?ok=flash.events_imported");
    reply_free(&r);
    assert_int_equal(fx_table_rows(st, "events"), before + 2);
    trygg_event evs[4];
    int n = 0;
    assert_int_equal(trygg_store_event_list(st, "housing", "2026-12-02", "2026-12-02", evs, 4, &n),
                     TRYGG_OK);
    assert_int_equal(n, 1);
    trygg_event ev = evs[0];
    assert_string_equal(ev.place, "Importtunneln");
    assert_int_equal(ev.type, TRYGG_EVENT_FIRE);
    assert_string_equal(ev.band, "night");
    assert_string_equal(ev.reporter, "hanna");
    /* Filed as the user's organisation: not visible to another. */
    session g;
    assert_int_equal(login_as("gustav", PASSWORD, &g), 303);
    char *body = get(&g, "/events", 200);
    assert_null(strstr(body, "Importtunneln"));
    free(body);
}

/* The same list as an Excel workbook (libxlsxwriter): a typed date cell, a
 * clock time and a count; binary upload through the form, all rows stored. */
static void test_weekly_workbook_import(void **state)
{
    (void)state;
    char dir[] = "/tmp/trygg-wbimport-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/v.xlsx", dir);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    static const char *const head[] = {"datum", "tid", "typ", "område", "plats", "antal"};
    for (int c = 0; c < 6; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
    lxw_datetime d = {2026, 12, 3, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 0, &d, date);
    worksheet_write_string(ws, 1, 1, "23:40", NULL);
    worksheet_write_string(ws, 1, 2, "Nedskräpning", NULL);
    worksheet_write_string(ws, 1, 3, "Centrum", NULL);
    worksheet_write_string(ws, 1, 4, "Excelparken", NULL);
    worksheet_write_number(ws, 1, 5, 7, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char data[65536];
    size_t len = fread(data, 1, sizeof data, f);
    fclose(f);
    unlink(path);
    rmdir(dir);
    assert_true(len > 100 && memchr(data, '\0', len) != NULL);
    session s;
    assert_int_equal(login_as("hanna", PASSWORD, &s), 303);
    reply r;
    req_upload(&r, "/events/import", s.cookie, s.csrf, "file", "vecka49.xlsx", data, len);
    assert_int_equal(r.status, 303);
    reply_free(&r);
    trygg_event evs[4];
    int n = 0;
    assert_int_equal(trygg_store_event_list(server_store(&F.ctx), "housing", "2026-12-03",
                                            "2026-12-03", evs, 4, &n),
                     TRYGG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(evs[0].place, "Excelparken");
    assert_int_equal(evs[0].type, TRYGG_EVENT_LITTER);
    assert_int_equal(evs[0].count, 7);
    assert_string_equal(evs[0].band, "evening");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caretaker_files_in_one_post),
        cmocka_unit_test(test_place_from_list),
        cmocka_unit_test(test_place_config),
        cmocka_unit_test(test_refused_form_keeps_values),
        cmocka_unit_test(test_organisations_apart),
        cmocka_unit_test(test_weekly_list_import),
        cmocka_unit_test(test_weekly_workbook_import),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
