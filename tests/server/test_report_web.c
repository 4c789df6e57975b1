/*
 * test_report_web.c — the situation picture over real HTTP: an in-process
 * trygg-server (server_fixture.h) with report_routes, sessions for a
 * security-department user and a housing-company user, and a generated week.
 * Checks who sees exact counts, that CSV and the printable page are always
 * suppressed, the week chooser's error handling and the login requirement.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "server_fixture.h"
#include "report_web.h"
#include "web.h"
#include "trygg/report.h"

static sfx F;
static char sec_cookie[128], housing_cookie[128], police_cookie[128], admin_cookie[128];

static void add(trygg_store *st, int *seq, int64_t t, trygg_kind kind, const char *cat,
                const char *area, trygg_channel ch, const char *src)
{
    trygg_item it, out;
    int created;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "rw-%06d", ++*seq);
    it.kind = kind;
    it.channel = ch;
    snprintf(it.category, sizeof it.category, "%s", cat);
    snprintf(it.area, sizeof it.area, "%s", area);
    snprintf(it.source, sizeof it.source, "%s", src);
    snprintf(it.text, sizeof it.text, "x");
    it.created = t;
    assert_int_equal(trygg_store_submit(st, &it, &out, &created), TRYGG_OK);
}

static void session_for(const char *user, const char *role, const char *dest, char *cookie,
                        size_t cap)
{
    web_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.username, sizeof u.username, "%s", user);
    snprintf(u.role, sizeof u.role, "%s", role);
    snprintf(u.destination, sizeof u.destination, "%s", dest);
    trygg_user su;
    memset(&su, 0, sizeof su);
    snprintf(su.username, sizeof su.username, "%s", user);
    snprintf(su.role, sizeof su.role, "%s", role);
    snprintf(su.destination, sizeof su.destination, "%s", dest);
    trygg_store *st = server_store(&F.ctx);
    assert_non_null(st);
    assert_int_equal(trygg_store_user_add(st, &su, "correct horse battery"), TRYGG_OK);
    char tok[WEB_TOKEN_LEN];
    assert_int_equal(web_session_create(st, &u, web_now(), tok, NULL), 0);
    snprintf(cookie, cap, "Cookie: trygg_session=%s", tok);
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    /* The police feed points at a closed port: the fetch thread must fail
     * quietly and never hold up the server. */
    if (sfx_prepare(&F,
                    "[server]\npolice_events_url = http://127.0.0.1:9/events\n"
                    "[report]\ninternal_roles = security\ninternal_destinations = police",
                    NULL) != 0)
        return -1;
    if (core_load(&F.ctx, F.ini, 0) != 0)
        return -1;
    int n = 0;
    http_route *core = core_routes(&n);
    F.routes = calloc((size_t)(n + report_nroutes), sizeof *F.routes);
    memcpy(F.routes, report_routes, sizeof *F.routes * (size_t)report_nroutes);
    memcpy(F.routes + report_nroutes, core, sizeof *F.routes * (size_t)n);
    free(core);
    F.nroutes = n + report_nroutes;
    if (report_start(&F.ctx) != 0)
        return -1;
    http_options opt;
    core_http_options(&F.ctx, &opt);
    opt.port = 0;
    F.http = http_server_start(&opt, F.routes, F.nroutes, &F.ctx);
    if (!F.http)
        return -1;
    F.port = http_server_port(F.http);
    snprintf(F.base, sizeof F.base, "http://127.0.0.1:%d", F.port);

    /* 2026-W47: concern/lighting 9 in centrum, tips 2 in lodose, fault 6 in göta. */
    trygg_store *st = server_store(&F.ctx);
    int seq = 0;
    int64_t mon = trygg_local_to_utc(2026, 11, 16, 9, 0);
    for (int i = 0; i < 9; i++)
        add(st, &seq, mon + i * 3600, TRYGG_KIND_CONCERN, "lighting", "centrum",
            TRYGG_CHANNEL_KIOSK, "test-kiosk");
    for (int i = 0; i < 2; i++)
        add(st, &seq, mon + 86400 + i, TRYGG_KIND_TIP, "crime", "lodose", TRYGG_CHANNEL_SMS,
            "smsgw");
    for (int i = 0; i < 6; i++)
        add(st, &seq, mon + 2 * 86400 + i, TRYGG_KIND_FAULT, "street_light", "gota",
            TRYGG_CHANNEL_KIOSK, "test-kiosk");
    /* Partner events of W47: graffiti 7 (two reports), drugs 2. */
    const struct {
        trygg_event_type type;
        const char *day;
        int count;
    } evs[] = {{TRYGG_EVENT_GRAFFITI, "2026-11-17", 4},
               {TRYGG_EVENT_GRAFFITI, "2026-11-22", 3},
               {TRYGG_EVENT_DRUGS, "2026-11-19", 2},
               {TRYGG_EVENT_DRUGS, "2026-11-23", 9}}; /* W48: not counted */
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++) {
        trygg_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = evs[i].type;
        snprintf(ev.day, sizeof ev.day, "%s", evs[i].day);
        snprintf(ev.band, sizeof ev.band, "evening");
        snprintf(ev.area, sizeof ev.area, "centrum");
        ev.count = evs[i].count;
        snprintf(ev.org, sizeof ev.org, "housing");
        snprintf(ev.reporter, sizeof ev.reporter, "bolaget");
        int64_t id;
        assert_int_equal(trygg_store_event_add(st, &ev, &id), TRYGG_OK);
    }
    session_for("sakra", "security", "", sec_cookie, sizeof sec_cookie);
    session_for("polisen", "destination", "police", police_cookie, sizeof police_cookie);
    session_for("admin1", "admin", "", admin_cookie, sizeof admin_cookie);
    session_for("bolaget", "destination", "housing", housing_cookie, sizeof housing_cookie);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    http_server_stop(F.http);
    report_stop();
    server_store_shutdown();
    free(F.routes);
    core_free(&F.ctx);
    sfx_rmdir(F.dir);
    curl_global_cleanup();
    return 0;
}

static void get(const char *path, const char *cookie, sfx_resp *r)
{
    const char *h[] = {cookie, NULL};
    assert_int_equal(sfx_http(F.base, "GET", path, cookie ? h : NULL, NULL, 0, r), 0);
}

static void test_security_sees_exact(void **state)
{
    (void)state;
    sfx_resp r;
    get("/report?week=2026-W47", sec_cookie, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "data-mode=\"full\""));
    assert_non_null(strstr(r.body, "data-week=\"2026-W47\""));
    /* server.ini: small_count = 5. Tips: 2, shown exactly but starred. */
    assert_non_null(strstr(r.body, ">2*<"));
    assert_non_null(strstr(r.body, ">17<"));            /* total */
    assert_non_null(strstr(r.body, "Dålig belysning")); /* category label from server.ini */
    assert_non_null(strstr(r.body, "Lödöse"));          /* area label from server.ini */
    assert_non_null(strstr(r.body, "avslutats som dubbletter eller skräp räknas inte"));
    assert_non_null(strstr(r.body, "<svg class=\"chart heat\""));
    assert_non_null(strstr(r.body, "href=\"/report/week.csv?week=2026-W47\""));
    assert_non_null(strstr(r.body, "<link rel=\"stylesheet\" href=\"/report/report.css\">"));
    assert_null(strstr(r.body, "<style>"));
    sfx_resp_free(&r);
    get("/report/report.css", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "@page{size:A4"));
    sfx_resp_free(&r);
}

static void test_other_roles_suppressed(void **state)
{
    (void)state;
    sfx_resp r;
    get("/report?week=2026-W47", housing_cookie, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "data-mode=\"suppressed\""));
    assert_null(strstr(r.body, ">2*<"));
    assert_non_null(strstr(r.body, "&lt;5"));
    assert_non_null(strstr(r.body, ">17<"));
    sfx_resp_free(&r);
}

static void test_exports_always_suppressed(void **state)
{
    (void)state;
    sfx_resp r;
    get("/report/week.csv?week=2026-W47", sec_cookie, &r);
    assert_int_equal(r.status, 200);
    char ct[128], disp[128];
    assert_true(sfx_header(&r, "Content-Type", ct, sizeof ct));
    assert_non_null(strstr(ct, "text/csv"));
    assert_true(sfx_header(&r, "Content-Disposition", disp, sizeof disp));
    assert_non_null(strstr(disp, "lagesbild-2026-W47.csv"));
    assert_non_null(strstr(r.body, "kind,\"tip\",\"\",<5,"));
    assert_non_null(strstr(r.body, "kind,\"concern\",\"\",9,"));
    assert_null(strstr(r.body, "*"));
    sfx_resp_free(&r);
    get("/report/print?week=2026-W47", sec_cookie, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<!doctype html>"));
    assert_non_null(strstr(r.body, "href=\"/report/report.css\""));
    assert_non_null(strstr(r.body, "data-mode=\"suppressed\""));
    assert_null(strstr(r.body, "nav class=\"weeks\""));
    sfx_resp_free(&r);
}

/* Which roles get the internal view is config ([report] in server.ini);
 * the page says which view it shows; exports default to the published view
 * and give the internal one only on request, and only to those roles. The
 * partner events are a table of their own, suppressed in the published view. */
static void test_views_and_events(void **state)
{
    (void)state;
    sfx_resp r;
    get("/report?week=2026-W47", police_cookie, &r); /* a destination named in config */
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "data-mode=\"full\""));
    assert_non_null(strstr(r.body, "Intern vy"));
    assert_non_null(strstr(r.body, "Klotter"));
    sfx_resp_free(&r);
    get("/report?week=2026-W47", admin_cookie, &r); /* admin is not in internal_roles here */
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "data-mode=\"suppressed\""));
    assert_non_null(strstr(r.body, "Publicerad vy"));
    sfx_resp_free(&r);
    get("/report/week.csv?week=2026-W47&view=internal", sec_cookie, &r);
    assert_int_equal(r.status, 200);
    /* exact; "*" marks what the published view hides (graffiti is withheld
     * there, or 7 minus the total would give drugs' 2) */
    assert_non_null(strstr(r.body, "\nevent,\"graffiti\",\"\",7*,"));
    assert_non_null(strstr(r.body, "\nevent,\"drugs\",\"\",2*,"));
    assert_non_null(strstr(r.body, "\nview_shown,\"internal\","));
    sfx_resp_free(&r);
    get("/report/week.csv?week=2026-W47", sec_cookie, &r);
    assert_non_null(strstr(r.body, "\nevent,\"drugs\",\"\",<5,"));
    assert_null(strstr(r.body, "\nevent,\"graffiti\",\"\",7,")); /* complementary: withheld */
    assert_non_null(strstr(r.body, "\nview_shown,\"published\","));
    sfx_resp_free(&r);
    get("/report/week.csv?week=2026-W47&view=internal", housing_cookie, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\nevent,\"drugs\",\"\",<5,"));
    assert_non_null(strstr(r.body, "\nview_shown,\"published\","));
    sfx_resp_free(&r);
    get("/report/print?week=2026-W47&view=internal", police_cookie, &r);
    assert_non_null(strstr(r.body, "data-mode=\"full\""));
    sfx_resp_free(&r);
    get("/report/print?week=2026-W47", police_cookie, &r);
    assert_non_null(strstr(r.body, "data-mode=\"suppressed\""));
    sfx_resp_free(&r);
}

static void test_week_and_login(void **state)
{
    (void)state;
    sfx_resp r;
    get("/report?week=2026-W99", sec_cookie, &r);
    assert_int_equal(r.status, 400);
    sfx_resp_free(&r);
    get("/report?week=%3Cscript%3E", sec_cookie, &r);
    assert_int_equal(r.status, 400);
    assert_null(strstr(r.body, "<script>"));
    sfx_resp_free(&r);
    get("/report", sec_cookie, &r); /* opens on the last complete week */
    assert_int_equal(r.status, 200);
    trygg_week w;
    char wk[16], attr[40], path[64];
    trygg_week_last_complete(web_now(), &w);
    trygg_week_format(&w, wk, sizeof wk);
    snprintf(attr, sizeof attr, "data-week=\"%s\"", wk);
    assert_non_null(strstr(r.body, attr));
    assert_null(strstr(r.body, "data-running"));
    sfx_resp_free(&r);
    /* The running week is marked, with its cut-off time. */
    trygg_week_containing(web_now(), &w);
    trygg_week_format(&w, wk, sizeof wk);
    snprintf(path, sizeof path, "/report?week=%s", wk);
    get(path, sec_cookie, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "data-running=\""));
    assert_non_null(strstr(r.body, "Pågående vecka – data till och med "));
    sfx_resp_free(&r);
    /* A week that has not begun: 400 with a clear message, on every route. */
    trygg_week_shift(&w, 1, &w);
    trygg_week_format(&w, wk, sizeof wk);
    const char *const routes[] = {"/report", "/report/print", "/report/week.csv"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s?week=%s", routes[i], wk);
        get(path, sec_cookie, &r);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr(r.body, "Veckan har inte börjat än."));
        assert_null(strstr(r.body, "data-week"));
        sfx_resp_free(&r);
    }
    /* No session: to the login page, nothing of the report. */
    get("/report?week=2026-W47", NULL, &r);
    assert_int_equal(r.status, 303);
    assert_null(strstr(r.body, "data-week"));
    sfx_resp_free(&r);
    get("/report/week.csv?week=2026-W47", NULL, &r);
    assert_int_equal(r.status, 303);
    sfx_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_security_sees_exact),
        cmocka_unit_test(test_other_roles_suppressed),
        cmocka_unit_test(test_exports_always_suppressed),
        cmocka_unit_test(test_views_and_events),
        cmocka_unit_test(test_week_and_login),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
