/*
 * report_fixture.c — a trygg-server for the situation picture's browser
 * test: a temporary data directory with the real server.ini (areas, groups,
 * category labels, small_count), a security user and a housing-company
 * user, 26 weeks of generated items up to 2026-W47 (deterministic), kiosks
 * with a heartbeat log (one kiosk off for 6 hours), gateway health records
 * a few police events and partner events of the report week. Serves report_routes,
 * report_period_routes and the web UI over loopback, prints
 * {"port":N,"password":"...","week":"2026-W47"} on stdout and runs until stdin closes. With
 * --meeting it also seeds the group's meeting and measures (seed_meeting, for
 * tests/web/meeting.mjs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <liboath/oath.h>

#include "config.h"
#include "report_web.h"
#include "server.h"
#include "store_sqlite_internal.h"
#include "trygg/log.h"
#include "trygg/paths.h"
#include "trygg/police_events.h"
#include "trygg/report.h"
#include "trygg/secret.h"

#define PASSWORD "correct horse battery staple"

static void check(int bad, const char *what)
{
    if (bad) {
        fprintf(stderr, "report_fixture: %s failed\n", what);
        exit(1);
    }
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static int pick(const int *w, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    int x = (int)(rnd() % (uint32_t)total);
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

/* Two-factor secret (base32) of "sakerhet"; report.mjs computes its codes. */
#define TOTP_SECRET "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

/* Enrols `name` with TOTP_SECRET as if two minutes ago; returns the step used. */
static int64_t enrol(trygg_store *st, const char *name)
{
    char *bin = NULL, code[8];
    size_t len = 0;
    int64_t t = (int64_t)time(NULL) - 120;
    check(oath_init() != OATH_OK ||
              oath_base32_decode(TOTP_SECRET, strlen(TOTP_SECRET), &bin, &len) != OATH_OK ||
              oath_totp_generate(bin, len, (time_t)t, 30, 0, 6, code) != OATH_OK,
          "liboath");
    free(bin);
    char codes[TRYGG_RECOVERY_CODES][TRYGG_RECOVERY_LEN];
    check(trygg_store_user_totp_begin(st, name, TOTP_SECRET, NULL) != TRYGG_OK, "totp begin");
    check(trygg_store_user_totp_enable(st, name, code, t, codes) != TRYGG_OK, "totp enable");
    return t / 30;
}

static void user(trygg_store *st, const char *name, const char *display, const char *role,
                 const char *dest)
{
    trygg_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.username, sizeof u.username, "%s", name);
    snprintf(u.display, sizeof u.display, "%s", display);
    snprintf(u.role, sizeof u.role, "%s", role);
    snprintf(u.destination, sizeof u.destination, "%s", dest);
    check(trygg_store_user_add(st, &u, PASSWORD) != TRYGG_OK, "user");
}

static void exec_sql(trygg_store *st, const char *sql)
{
    check(trygg_st_exec(st, sql) != TRYGG_OK, sql);
}

static const char police_json[] =
    "[{\"id\":561234,\"datetime\":\"2026-11-22 21:47:12 +01:00\",\"name\":\"22 november 21.47,"
    " Skadegörelse, Lilla Edet\",\"summary\":\"Flera fönster krossade vid en skola i centrala"
    " Lilla Edet.\",\"url\":\"/aktuellt/handelser/2026/november/22/\",\"type\":\"Skadegörelse\","
    "\"location\":{\"name\":\"Lilla Edet\",\"gps\":\"58.133838,12.122935\"}},"
    "{\"id\":561101,\"datetime\":\"2026-11-20 8:09:39 +01:00\",\"name\":\"20 november 08.09,"
    " Trafikolycka, Lilla Edet\",\"summary\":\"Singelolycka på väg 167 vid Göta, inga"
    " personskador.\",\"url\":\"/aktuellt/handelser/2026/november/20/\",\"type\":"
    "\"Trafikolycka\",\"location\":{\"name\":\"Lilla Edet\",\"gps\":\"58.13,12.12\"}}]";

static void seed(trygg_store *st, const trygg_week *week)
{
    static const int kind_w[] = {45, 30, 10, 4, 4, 3};
    static const char *const concern_cats[] = {"lighting",    "vegetation", "isolated",
                                               "disturbance", "vandalism",  "littering"};
    static const char *const fault_cats[] = {"street_light", "pothole", "sign", "playground",
                                             "graffiti"};
    static const char *const areas[] = {"centrum", "strom",   "gota",        "lodose",
                                        "nygard",  "hjartum", "vasterlanda", "tunge"};
    static const int area_w[] = {35, 8, 20, 15, 10, 5, 4, 3};
    static const int chan_w[] = {55, 30, 3, 7, 5};
    static const char *const kiosks[] = {"bibl-1", "gota-1", "lodose-1"};
    static const int hour_w[24] = {2, 1, 1, 1, 1, 1, 2,  4,  6, 7, 7, 7,
                                   7, 7, 7, 8, 9, 9, 10, 10, 9, 7, 5, 3};
    trygg_week first;
    trygg_week_shift(week, -25, &first);
    check(trygg_store_begin(st) != TRYGG_OK, "begin");
    int n = 0;
    for (int wi = 0; wi < 26; wi++) {
        trygg_week w;
        trygg_week_shift(&first, wi, &w);
        int per_week = 70 + (int)(rnd() % 30) + (wi > 20 ? 25 : 0); /* autumn rise */
        for (int i = 0; i < per_week; i++) {
            int64_t t = w.start + (int64_t)(rnd() % 7) * 86400 + pick(hour_w, 24) * 3600 +
                        (int64_t)(rnd() % 3600);
            if (t >= w.end)
                t = w.end - 60;
            int k = pick(kind_w, 6);
            int ch = k == 2 ? 1 : pick(chan_w, 5);
            trygg_item it, out;
            trygg_item_init(&it);
            snprintf(it.client_key, sizeof it.client_key, "rfx-%d", ++n);
            it.kind = (trygg_kind)k;
            it.channel = (trygg_channel)ch;
            snprintf(it.category, sizeof it.category, "%s",
                     k == 0   ? concern_cats[rnd() % 6]
                     : k == 1 ? fault_cats[rnd() % 5]
                     : k == 2 ? "crime"
                              : "");
            snprintf(it.area, sizeof it.area, "%s", areas[pick(area_w, 8)]);
            snprintf(it.source, sizeof it.source, "%s",
                     ch == 0   ? kiosks[rnd() % 3]
                     : ch <= 2 ? "smsgw"
                               : "staff");
            if (rnd() % 8 == 0)
                snprintf(it.place, sizeof it.place, "%s",
                         rnd() % 2 ? "Gångtunneln vid stationen" : "Torget");
            snprintf(it.text, sizeof it.text, "genererat ärende");
            snprintf(it.destination, sizeof it.destination, "security");
            it.urgent = rnd() % 60 == 0;
            it.created = t;
            int created;
            check(trygg_store_submit(st, &it, &out, &created) != TRYGG_OK, "submit");
            if (rnd() % 10 < 7) {
                check(trygg_store_set_status(st, out.id, "sakerhet", TRYGG_STATUS_CLOSED,
                                             TRYGG_CLOSE_RESOLVED, 0) != TRYGG_OK,
                      "close");
                char sql[200];
                snprintf(sql, sizeof sql,
                         "UPDATE audit SET at = %lld WHERE item_id = %lld AND action = 'status'",
                         (long long)(t + 1800 + (int64_t)(rnd() % (3 * 86400))), (long long)out.id);
                exec_sql(st, sql);
            }
        }
    }
    check(trygg_store_commit(st) != TRYGG_OK, "commit");

    /* Kiosks and their heartbeats (every 2 minutes) for the last 4 weeks;
     * gota-1 is off on Wednesday 09:00-15:00 of the report week, the
     * gateway 40 minutes on Friday evening. */
    static const char *const knames[] = {"Biblioteket, Lilla Edet", "Göta centrum",
                                         "Lödöse museum"};
    static const char *const kareas[] = {"centrum", "gota", "lodose"};
    for (int i = 0; i < 3; i++) {
        trygg_kiosk k;
        memset(&k, 0, sizeof k);
        snprintf(k.id, sizeof k.id, "%s", kiosks[i]);
        snprintf(k.name, sizeof k.name, "%s", knames[i]);
        snprintf(k.area, sizeof k.area, "%s", kareas[i]);
        char token[64];
        check(trygg_store_kiosk_add(st, &k, token) != TRYGG_OK, "kiosk");
    }
    trygg_week from;
    trygg_week_shift(week, -3, &from);
    char sql[400];
    snprintf(sql, sizeof sql,
             "UPDATE report_meta SET value = %lld WHERE key = 'history_since';"
             "UPDATE kiosks SET created = %lld;",
             (long long)from.start, (long long)from.start);
    exec_sql(st, sql);
    exec_sql(st, "BEGIN");
    int64_t hole_a = trygg_local_to_utc(2026, 11, 18, 9, 0), hole_b = hole_a + 6 * 3600;
    int64_t gw_a = trygg_local_to_utc(2026, 11, 20, 20, 0), gw_b = gw_a + 40 * 60;
    for (int64_t t = from.start; t < week->end; t += 120) {
        for (int i = 0; i < 3; i++) {
            if (i == 1 && t > hole_a && t < hole_b)
                continue;
            snprintf(sql, sizeof sql, "UPDATE kiosks SET last_seen = %lld WHERE id = '%s'",
                     (long long)t, kiosks[i]);
            exec_sql(st, sql);
        }
        if ((t / 120) % 3 == 0 && !(t > gw_a && t < gw_b)) {
            snprintf(sql, sizeof sql,
                     "INSERT INTO health(component, json, updated) VALUES ('smsgw', "
                     "'{\"ok\": true}', %lld) ON CONFLICT(component) DO UPDATE SET json ="
                     " excluded.json, updated = excluded.updated",
                     (long long)t);
            exec_sql(st, sql);
        }
    }
    exec_sql(st, "COMMIT");
    char err[256];
    check(trygg_police_store_json(st, police_json, sizeof police_json - 1, "https://polisen.se",
                                  NULL, NULL, err, sizeof err) != TRYGG_OK,
          "police events");
}

/* Partner events of the report week (2026-W47, 16..22 November) at four
 * registered places and one free-text place, for the internal map. */
static void seed_events(trygg_store *st)
{
    static const struct {
        const char *day, *area, *place;
        int type, count;
    } evs[] = {
        {"2026-11-16", "centrum", "Resecentrum", TRYGG_EVENT_GRAFFITI, 6},
        {"2026-11-20", "centrum", "Resecentrum", TRYGG_EVENT_DAMAGE, 4},
        {"2026-11-18", "gota", "Göta centrum", TRYGG_EVENT_LITTER, 3},
        {"2026-11-21", "lodose", "Gångtunneln under järnvägen, Lödöse", TRYGG_EVENT_GRAFFITI, 2},
        {"2026-11-19", "strom", "Ströms skola", TRYGG_EVENT_GATHERING, 1},
        {"2026-11-19", "strom", "Bakom affären", TRYGG_EVENT_LITTER, 5},
    };
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++) {
        trygg_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = (trygg_event_type)evs[i].type;
        snprintf(ev.day, sizeof ev.day, "%s", evs[i].day);
        snprintf(ev.band, sizeof ev.band, "evening");
        snprintf(ev.area, sizeof ev.area, "%s", evs[i].area);
        snprintf(ev.place, sizeof ev.place, "%s", evs[i].place);
        ev.count = evs[i].count;
        snprintf(ev.org, sizeof ev.org, "housing");
        snprintf(ev.reporter, sizeof ev.reporter, "bostad");
        check(trygg_store_event_add(st, &ev, NULL) != TRYGG_OK, "event");
    }
}

/* With --meeting (tests/web/meeting.mjs): the group's meeting of 2026-W47
 * and its measures — an assessment in two versions, decisions of W46 to
 * follow up and of W47, three measures at registered places, the plan's
 * preamble, and items at Resecentrum before and after the first measure. */
static void seed_meeting(trygg_store *st)
{
    trygg_week_note n = {.week = "2026-W47", .author = "sakerhet"};
    snprintf(n.assessment, sizeof n.assessment,
             "Fler rapporter om skadegörelse vid Resecentrum kvällstid.");
    check(trygg_store_note_save(st, &n, NULL) != TRYGG_OK, "note");
    snprintf(n.assessment, sizeof n.assessment,
             "Fler rapporter om skadegörelse vid Resecentrum kvällstid, främst fredag och "
             "lördag. Belysningen i gångtunneln i Lödöse är fortfarande trasig.");
    n.publish = 1;
    check(trygg_store_note_save(st, &n, NULL) != TRYGG_OK, "note");
    static const struct {
        const char *week, *text, *org, *status;
    } dec[] = {
        {"2026-W46", "Edethus byter belysning i gångtunneln, Lödöse", "housing", "open"},
        {"2026-W46", "Extra väktarrond vid Resecentrum fredag kväll", "security", "done"},
        {"2026-W46", "Kontakta skolan om klotter", "", "dropped"},
        {"2026-W47", "Följ upp belysningen i tunneln nästa vecka", "housing", "open"},
    };
    for (size_t i = 0; i < sizeof dec / sizeof dec[0]; i++) {
        trygg_decision d;
        memset(&d, 0, sizeof d);
        snprintf(d.week, sizeof d.week, "%s", dec[i].week);
        snprintf(d.text, sizeof d.text, "%s", dec[i].text);
        snprintf(d.org, sizeof d.org, "%s", dec[i].org);
        snprintf(d.status, sizeof d.status, "%s", dec[i].status);
        check(trygg_store_decision_add(st, &d, NULL) != TRYGG_OK, "decision");
    }
    static const struct {
        const char *title, *place, *org, *start, *end, *status;
        int prio;
        long cost;
    } ms[] = {
        {"Kameraövervakning vid Resecentrum", "resecentrum", "security", "2026-11-02", "",
         "ongoing", 1, 120000},
        {"Ny belysning i gångtunneln", "lodose_tunnel", "housing", "2026-12-14", "2027-02-28",
         "planned", 1, 45000},
        {"Trygghetsvandring i Ström", "strom_skola", "security", "2026-09-14", "2026-09-14", "done",
         3, -1},
    };
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        trygg_measure m;
        memset(&m, 0, sizeof m);
        snprintf(m.title, sizeof m.title, "%s", ms[i].title);
        snprintf(m.problem, sizeof m.problem, "Skadegörelse och otrygghet kvällstid.");
        snprintf(m.places[0], sizeof m.places[0], "%s", ms[i].place);
        m.nplaces = 1;
        snprintf(m.cats[0], sizeof m.cats[0], "vandalism");
        m.ncats = 1;
        m.types = 1u << TRYGG_EVENT_DAMAGE | 1u << TRYGG_EVENT_GRAFFITI;
        snprintf(m.org, sizeof m.org, "%s", ms[i].org);
        snprintf(m.start_day, sizeof m.start_day, "%s", ms[i].start);
        snprintf(m.end_day, sizeof m.end_day, "%s", ms[i].end);
        snprintf(m.status, sizeof m.status, "%s", ms[i].status);
        m.priority = ms[i].prio;
        m.cost = ms[i].cost;
        snprintf(m.indicator, sizeof m.indicator, "Anmäld skadegörelse per vecka på platsen");
        check(trygg_store_measure_add(st, &m, NULL) != TRYGG_OK, "measure");
    }
    check(trygg_store_plan_set(st, "Åtgärdsplanen bygger på lägesbilden för hösten 2026 och "
                                   "gäller till och med juni 2027.") != TRYGG_OK,
          "preamble");
    /* Resecentrum: 3 items a week in W37..W44, 1 a week in W45..W47. */
    for (int wk = 37; wk <= 47; wk++) {
        trygg_week w;
        check(trygg_week_make(2026, wk, &w) != TRYGG_OK, "week");
        for (int i = 0; i < (wk < 45 ? 3 : 1); i++) {
            trygg_item it, out;
            trygg_item_init(&it);
            snprintf(it.client_key, sizeof it.client_key, "mfx-%d-%d", wk, i);
            it.kind = TRYGG_KIND_CONCERN;
            it.channel = TRYGG_CHANNEL_KIOSK;
            snprintf(it.source, sizeof it.source, "bibl-1");
            snprintf(it.category, sizeof it.category, "vandalism");
            snprintf(it.area, sizeof it.area, "centrum");
            snprintf(it.place, sizeof it.place, "Resecentrum");
            snprintf(it.text, sizeof it.text, "Krossad ruta");
            snprintf(it.destination, sizeof it.destination, "security");
            it.created = w.start + 4 * 86400 + 20 * 3600 + i * 600;
            int created;
            check(trygg_store_submit(st, &it, &out, &created) != TRYGG_OK, "submit");
        }
    }
}

int main(int argc, char **argv)
{
    trygg_log_init("report_fixture");
    check(trygg_secret_init() != TRYGG_OK, "secret init");
    const char *tmp = getenv("TMPDIR");
    char dir[400];
    snprintf(dir, sizeof dir, "%s/trygg-repfix-XXXXXX", tmp && strlen(tmp) < 300 ? tmp : "/tmp");
    check(mkdtemp(dir) == NULL, "mkdtemp");

    /* server.ini from the asset template, with this data dir and port 0. */
    char tpl[1024], ini[600];
    check(trygg_asset_path("config/server.ini", tpl, sizeof tpl) != TRYGG_OK, "asset path");
    snprintf(ini, sizeof ini, "%s/server.ini", dir);
    FILE *in = fopen(tpl, "r"), *out = fopen(ini, "w");
    check(!in || !out, "server.ini");
    char line[2048];
    while (fgets(line, sizeof line, in)) {
        char *p;
        while ((p = strstr(line, "@DATA@")) || (p = strstr(line, "@PORT@"))) {
            char rest[2048];
            snprintf(rest, sizeof rest, "%s", p + 6);
            snprintf(p, sizeof line - (size_t)(p - line), "%s%s",
                     strncmp(p, "@DATA@", 6) == 0 ? dir : "0", rest);
        }
        fputs(line, out);
    }
    fclose(in);
    fclose(out);

    static server_ctx ctx;
    trygg_cfg_error errs[8];
    int nerr = 0;
    check(config_load(ini, &ctx.cfg, errs, 8, &nerr) != TRYGG_OK, "config_load");
    char i18n[1024], err[256];
    check(trygg_asset_path("i18n/web", i18n, sizeof i18n) != TRYGG_OK, "asset path");
    check(trygg_i18n_load(i18n, &ctx.web_text, err, sizeof err) != TRYGG_OK, err);
    check(trygg_routes_default(&ctx.routes) != TRYGG_OK, "routes");

    trygg_store *st;
    check(trygg_store_open(ctx.cfg.db_path, &st) != TRYGG_OK, "open");
    trygg_destination d;
    memset(&d, 0, sizeof d);
    snprintf(d.name, sizeof d.name, "security");
    d.full_access = 1;
    check(trygg_store_dest_put(st, &d) != TRYGG_OK, "dest");
    snprintf(d.name, sizeof d.name, "housing");
    d.full_access = 0;
    check(trygg_store_dest_put(st, &d) != TRYGG_OK, "dest");
    user(st, "sakerhet", "Sara Lind", "security", "");
    user(st, "bostad", "Bo Ek", "destination", "housing");
    int64_t step = enrol(st, "sakerhet");
    trygg_week week;
    check(trygg_week_parse("2026-W47", &week) != TRYGG_OK, "week");
    seed(st, &week);
    seed_events(st);
    if (argc > 1 && strcmp(argv[1], "--meeting") == 0)
        seed_meeting(st);
    check(report_start(&ctx) != 0, "report_start");

    int n = report_nroutes + report_period_nroutes + web_nroutes;
    http_route *routes = calloc((size_t)n, sizeof *routes);
    check(!routes, "routes");
    memcpy(routes, report_routes, sizeof *routes * (size_t)report_nroutes);
    memcpy(routes + report_nroutes, report_period_routes,
           sizeof *routes * (size_t)report_period_nroutes);
    memcpy(routes + report_nroutes + report_period_nroutes, web_routes,
           sizeof *routes * (size_t)web_nroutes);
    http_options opt;
    memset(&opt, 0, sizeof opt);
    opt.bind = "127.0.0.1";
    opt.port = 0;
    opt.threads = 2;
    opt.conn_timeout_s = 30;
    opt.max_connections = 64;
    http_server *srv = http_server_start(&opt, routes, n, &ctx);
    check(!srv, "http");
    printf("{\"port\":%d,\"password\":\"%s\",\"week\":\"2026-W47\",\"totp_secret\":\"%s\","
           "\"totp_step\":%lld}\n",
           http_server_port(srv), PASSWORD, TOTP_SECRET, (long long)step);
    fflush(stdout);
    char buf[256];
    while (fread(buf, 1, sizeof buf, stdin) > 0) {
    }
    http_server_stop(srv);
    report_stop();
    free(routes);
    trygg_store_close(st);
    trygg_routes_free(ctx.routes);
    trygg_i18n_free(ctx.web_text);
    config_free(&ctx.cfg);
    char cmd[500];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return 0;
}
