/*
 * web_fixture.c — a staff web UI server for the browser tests: a temporary
 * database seeded with destinations, users, items, kiosks, a walk and a
 * notice, served over loopback with the real route tables. Prints one JSON
 * line {"port":N,"tip":id,...} on stdout, then serves until stdin closes
 * (the test runner exits) and removes its directory.
 *
 * Usage: web_fixture   (assets from TRYGG_ASSETS or the source tree)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <liboath/oath.h>

#include "core.h"
#include "server.h"
#include "trygg/follow.h"
#include "trygg/log.h"
#include "trygg/paths.h"
#include "trygg/secret.h"

#define PASSWORD "correct horse battery staple"
/* Two-factor secret (base32) of the security and admin users; the browser
 * test computes codes from it (RFC 6238). */
#define TOTP_SECRET "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

static int check(trygg_err e, const char *what)
{
    if (e != TRYGG_OK) {
        fprintf(stderr, "web_fixture: %s: %s\n", what, trygg_strerror(e));
        exit(1);
    }
    return 0;
}

static void dest(trygg_store *st, const char *name, const char *label, const char *email, int full)
{
    trygg_destination d;
    memset(&d, 0, sizeof d);
    snprintf(d.name, sizeof d.name, "%s", name);
    snprintf(d.label, sizeof d.label, "%s", label);
    snprintf(d.email, sizeof d.email, "%s", email);
    d.full_access = full;
    check(trygg_store_dest_put(st, &d), "dest");
}

static void user(trygg_store *st, const char *name, const char *display, const char *role,
                 const char *destination, int cb)
{
    trygg_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.username, sizeof u.username, "%s", name);
    snprintf(u.display, sizeof u.display, "%s", display);
    snprintf(u.role, sizeof u.role, "%s", role);
    snprintf(u.destination, sizeof u.destination, "%s", destination);
    u.can_call_back = cb;
    check(trygg_store_user_add(st, &u, PASSWORD), "user");
}

/* Enrols `name` with TOTP_SECRET, as if two minutes ago (the step used then
 * is returned): the test may then use the current steps without waiting. */
static int64_t enrol(trygg_store *st, const char *name)
{
    char *bin = NULL, code[8];
    size_t len = 0;
    int64_t t = (int64_t)time(NULL) - 120;
    if (oath_init() != OATH_OK ||
        oath_base32_decode(TOTP_SECRET, strlen(TOTP_SECRET), &bin, &len) != OATH_OK ||
        oath_totp_generate(bin, len, (time_t)t, 30, 0, 6, code) != OATH_OK) {
        fprintf(stderr, "web_fixture: liboath failed\n");
        exit(1);
    }
    free(bin);
    char codes[TRYGG_RECOVERY_CODES][TRYGG_RECOVERY_LEN];
    check(trygg_store_user_totp_begin(st, name, TOTP_SECRET, NULL), "totp begin");
    check(trygg_store_user_totp_enable(st, name, code, t, codes), "totp enable");
    return t / 30;
}

static int64_t item(trygg_store *st, trygg_kind kind, trygg_channel ch, const char *cat,
                    const char *area, const char *dest, const char *text, const char *sender,
                    const char *alias, int urgent, int64_t age_s, const char *band)
{
    static int n;
    trygg_item it, out;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "fixture-%d", ++n);
    it.kind = kind;
    it.channel = ch;
    snprintf(it.source, sizeof it.source, "%s", ch == TRYGG_CHANNEL_SMS ? "smsgw" : "bibl-1");
    snprintf(it.category, sizeof it.category, "%s", cat);
    snprintf(it.area, sizeof it.area, "%s", area);
    snprintf(it.destination, sizeof it.destination, "%s", dest);
    snprintf(it.text, sizeof it.text, "%s", text);
    snprintf(it.when_band, sizeof it.when_band, "%s", band);
    it.urgent = urgent;
    it.created = (int64_t)time(NULL) - age_s;
    if (sender) {
        snprintf(it.sender, sizeof it.sender, "%s", sender);
        snprintf(it.alias, sizeof it.alias, "%s", alias);
    }
    int created;
    check(trygg_store_submit(st, &it, &out, &created), "submit");
    return out.id;
}

int main(void)
{
    trygg_log_init("web_fixture");
    check(trygg_secret_init(), "secret init");
    const char *tmp = getenv("TMPDIR");
    char path[400];
    snprintf(path, sizeof path, "%s/trygg-webfix-XXXXXX",
             tmp && strlen(tmp) < 300 ? tmp : P_tmpdir);
    if (!mkdtemp(path)) {
        perror("mkdtemp");
        return 1;
    }
    static server_ctx ctx;
    snprintf(ctx.cfg.db_path, sizeof ctx.cfg.db_path, "%s/trygg.db", path);
    ctx.cfg.session_minutes = 30;
    char i18n[1024], err[256];
    check(trygg_asset_path("i18n/web", i18n, sizeof i18n), "asset path");
    if (trygg_i18n_load(i18n, &ctx.web_text, err, sizeof err) != TRYGG_OK) {
        fprintf(stderr, "web_fixture: %s\n", err);
        return 1;
    }
    check(trygg_routes_default(&ctx.routes), "routes");

    trygg_store *st;
    check(trygg_store_open(ctx.cfg.db_path, &st), "open");
    dest(st, "security", "Säkerhetsavdelningen", "sakerhet@kommun.example", 1);
    dest(st, "housing", "Bostadsbolaget", "felanmalan@bostad.example", 0);
    dest(st, "streets", "Gata och park", "gatapark@kommun.example", 0);
    user(st, "sakerhet", "Sara Lind", "security", "", 1);
    user(st, "bostad", "Bo Ek", "destination", "housing", 0);
    user(st, "admin", "Ada Admin", "admin", "", 0);
    user(st, "nyvakt", "Nils Ny", "security", "", 0); /* has not set up 2FA yet */
    int64_t step = enrol(st, "sakerhet");
    enrol(st, "admin");

    char pseudo[65];
    memset(pseudo, 'b', 64);
    pseudo[64] = '\0';
    unsigned char cipher[48];
    memset(cipher, 9, sizeof cipher);
    trygg_contact c;
    check(trygg_store_contact_get_or_create(st, pseudo, cipher, sizeof cipher, "Tipsare T-", &c),
          "contact");

    int64_t tip = item(st, TRYGG_KIND_TIP, TRYGG_CHANNEL_SMS, "drugs", "Centrum", "security",
                       "Det säljs knark vid busstorget varje kväll efter 21. "
                       "<script>alert('xss')</script><img src=x onerror=alert(2)>",
                       pseudo, c.alias, 0, 3600, "evenings");
    check(trygg_store_add_message(st, tip, TRYGG_MSG_IN, "smsgw",
                                  "Det säljs knark vid busstorget varje kväll efter 21.", NULL),
          "message");
    /* The acknowledgement, delivered by the network (a delivery report). */
    {
        int64_t sid = 0;
        check(trygg_store_sms_enqueue(st, tip, pseudo, "smsgw", "Tack! Ditt tips har nått oss.",
                                      &sid),
              "sms");
        check(trygg_store_sms_mark(st, sid, TRYGG_OUT_SENT, 1, "", 0), "sms sent");
        check(trygg_store_sms_mark(st, sid, TRYGG_OUT_DELIVERED, 1, "", 0), "sms delivered");
    }
    int64_t urgent =
        item(st, TRYGG_KIND_CONCERN, TRYGG_CHANNEL_KIOSK, "violence", "Göta", "security",
             "Bråk med kniv utanför ICA just nu!", NULL, NULL, 1, 600, "now");
    int64_t concern =
        item(st, TRYGG_KIND_CONCERN, TRYGG_CHANNEL_KIOSK, "lighting", "Centrum", "housing",
             "Trapphuset på Storgatan 12 är mörkt, lampan har varit trasig i två "
             "veckor. Ring mig på 070-123 45 67.",
             NULL, NULL, 0, 7200, "evenings");
    /* The concern's follow-up code, as a kiosk would have printed it. */
    char follow_code[TRYGG_FOLLOW_CODE_LEN + 1] = "";
    {
        trygg_item ci;
        char h[65];
        check(trygg_store_get(st, concern, &ci), "get concern");
        trygg_follow_hash(ctx.pseudo_key, ci.ref, "7M9PK2ZD", h);
        check(trygg_store_follow_set(st, concern, h), "follow set");
        check(trygg_follow_code(ci.ref, "7M9PK2ZD", follow_code), "follow code");
    }
    /* An internal note the housing company must never see (privacy steps). */
    check(trygg_store_add_message(st, concern, TRYGG_MSG_NOTE, "sakerhet",
                                  "Polisen misstänker grannen Johan Svensson på Storgatan 12.",
                                  NULL),
          "note");
    item(st, TRYGG_KIND_CONCERN, TRYGG_CHANNEL_KIOSK, "lighting", "Centrum", "housing",
         "Mörkt i trapphuset på Storgatan 12 igen.", NULL, NULL, 0, 5000, "nights");
    /* A suggested duplicate of the concern with a long link in its words:
     * the item page must still fit a phone (staff.mjs, 390 px). */
    item(st, TRYGG_KIND_CONCERN, TRYGG_CHANNEL_SMS, "lighting", "Centrum", "housing",
         "Se bilden https://bilder.example.se/trapphus/lampa-trasig-i-trapphuset-kvallstid.jpg",
         pseudo, c.alias, 0, 6500, "");
    /* A duplicate of the concern, closed: the concern's page lists it (issue 14). */
    int64_t dup = item(st, TRYGG_KIND_CONCERN, TRYGG_CHANNEL_SMS, "lighting", "Centrum", "housing",
                       "Lampan i vårt trapphus är trasig, det är becksvart "
                       "på kvällarna och barnen är rädda.",
                       pseudo, c.alias, 0, 6000, "evenings");
    check(trygg_store_set_status(st, dup, "sakerhet", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_DUPLICATE,
                                 concern),
          "duplicate");
    int64_t fault =
        item(st, TRYGG_KIND_FAULT, TRYGG_CHANNEL_OPEN311, "streetlight", "Ström", "streets",
             "Gatlampan vid lekplatsen i Strömparken är släckt.", NULL, NULL, 0, 86400, "");
    item(st, TRYGG_KIND_FAULT, TRYGG_CHANNEL_KIOSK, "graffiti", "Göta", "streets",
         "Klotter på bron över ån.", NULL, NULL, 0, 2 * 86400, "");
    item(st, TRYGG_KIND_WATCH_SIGNUP, TRYGG_CHANNEL_KIOSK, "watch", "Ström", "security",
         "Vill gå med i grannsamverkan på Ekvägen.", NULL, NULL, 0, 3 * 86400, "");
    int64_t callback = item(st, TRYGG_KIND_CALLBACK, TRYGG_CHANNEL_VOICE, "callback", "",
                            "security", "Bad om att bli uppringd.", pseudo, c.alias, 0, 1800, "");

    /* Spam texts for the bulk close (staff.mjs). */
    for (int i = 0; i < 3; i++)
        item(st, TRYGG_KIND_CONCERN, TRYGG_CHANNEL_SMS, "", "", "security",
             "VINN EN IPHONE! Klicka på länken och svara JA", pseudo, c.alias, 0, 900 + i, "");

    trygg_kiosk k;
    memset(&k, 0, sizeof k);
    char token[64];
    snprintf(k.id, sizeof k.id, "bibl-1");
    snprintf(k.name, sizeof k.name, "Biblioteket, Lilla Edet");
    snprintf(k.area, sizeof k.area, "Centrum");
    check(trygg_store_kiosk_add(st, &k, token), "kiosk");
    check(trygg_store_kiosk_heartbeat(st, "bibl-1", "0.1.0", 0, ""), "heartbeat");
    snprintf(k.id, sizeof k.id, "gota-entre");
    snprintf(k.name, sizeof k.name, "Göta bostäder, entrén");
    snprintf(k.area, sizeof k.area, "Göta");
    check(trygg_store_kiosk_add(st, &k, token), "kiosk");
    check(trygg_store_health_put(st, "smsgw",
                                 "{\"connected\":true,\"signal\":62,\"network\":\"home\","
                                 "\"network_code\":\"240 01\",\"battery\":100,\"last_poll\":"
                                 "1796000000,\"errors\":0,\"quarantined\":0,\"last_error\":\"\","
                                 "\"messages_in\":41,\"messages_out\":38,\"send_failures\":0,"
                                 "\"calls\":3,\"duplicates\":1,\"store\":\"ok\",\"store_errors\":0,"
                                 "\"store_error\":\"\",\"store_waiting\":0,\"uploads_waiting\":2,"
                                 "\"server\":\"ok\",\"delivered\":36,\"undelivered\":1,"
                                 "\"watchdog\":\"soft_reset\",\"watchdog_actions\":2,"
                                 "\"recoveries\":1,\"sim\":\"ok\",\"sim_memory\":12,"
                                 "\"sim_cleared\":0,\"alert\":\"ok\",\"modem2\":{"
                                 "\"connected\":false,\"signal\":-1,\"network\":\"none\","
                                 "\"messages_in\":4,\"messages_out\":6,\"send_failures\":1,"
                                 "\"watchdog\":\"reconnect\",\"sim\":\"ok\",\"alert\":\"ok\"}}"),
          "health");
    trygg_walk wk;
    memset(&wk, 0, sizeof wk);
    wk.starts = (int64_t)time(NULL) + 7 * 86400;
    snprintf(wk.area, sizeof wk.area, "Centrum");
    snprintf(wk.place, sizeof wk.place, "Ströms slott");
    snprintf(wk.meeting_point, sizeof wk.meeting_point, "Vid busshållplatsen Torget");
    wk.capacity = 25;
    check(trygg_store_walk_put(st, &wk), "walk");

    /* An event and a measure, so that every page of the staff UI has
     * something to show (staff.mjs visits them all on a phone). */
    trygg_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = TRYGG_EVENT_GRAFFITI;
    snprintf(ev.day, sizeof ev.day, "2026-11-30");
    snprintf(ev.band, sizeof ev.band, "night");
    snprintf(ev.area, sizeof ev.area, "Centrum");
    snprintf(ev.place, sizeof ev.place, "Gångtunneln vid Järnvägsgatan");
    ev.count = 1;
    snprintf(ev.text, sizeof ev.text, "Nytt klotter på båda väggarna i gångtunneln.");
    snprintf(ev.org, sizeof ev.org, "security");
    snprintf(ev.reporter, sizeof ev.reporter, "sakerhet");
    int64_t ev_id;
    check(trygg_store_event_add(st, &ev, &ev_id), "event");
    trygg_measure m;
    memset(&m, 0, sizeof m);
    snprintf(m.title, sizeof m.title, "Bättre belysning i gångtunneln vid Järnvägsgatan");
    snprintf(m.problem, sizeof m.problem, "Mörkt och otryggt kvällstid, återkommande klotter.");
    snprintf(m.org, sizeof m.org, "streets");
    snprintf(m.start_day, sizeof m.start_day, "2026-10-01");
    snprintf(m.status, sizeof m.status, "ongoing");
    m.priority = 1;
    m.cost = -1;
    check(trygg_store_measure_add(st, &m, NULL), "measure");

    http_options opt;
    memset(&opt, 0, sizeof opt);
    opt.bind = "127.0.0.1";
    opt.port = 0;
    opt.threads = 2;
    opt.conn_timeout_s = 30;
    opt.max_connections = 64;
    /* The staff UI and the public status page (web_status.c). */
    int nroutes = 0;
    http_route *routes = core_routes(&nroutes);
    http_server *srv = routes ? http_server_start(&opt, routes, nroutes, &ctx) : NULL;
    if (!srv)
        return 1;
    printf("{\"port\":%d,\"tip\":%" PRId64 ",\"urgent\":%" PRId64 ",\"concern\":%" PRId64
           ",\"fault\":%" PRId64 ",\"callback\":%" PRId64 ",\"password\":\"%s\","
           "\"totp_secret\":\"%s\",\"totp_step\":%" PRId64 ",\"follow\":\"%s\",\"dup\":%" PRId64
           ",\"pages\":[",
           http_server_port(srv), tip, urgent, concern, fault, callback, PASSWORD, TOTP_SECRET,
           step, follow_code, dup);
    /* The staff UI's GET routes (server/web.c), so the browser test can
     * tell when a page is added that it does not visit. */
    for (int i = 0, first = 1; i < web_nroutes; i++)
        if (strcmp(web_routes[i].method, "GET") == 0) {
            printf("%s\"%s\"", first ? "" : ",", web_routes[i].pattern);
            first = 0;
        }
    printf("]}\n");
    fflush(stdout);
    char buf[256];
    while (fread(buf, 1, sizeof buf, stdin) > 0) {
    }
    http_server_stop(srv);
    free(routes);
    trygg_store_close(st);
    trygg_routes_free(ctx.routes);
    trygg_i18n_free(ctx.web_text);
    char f[700];
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(f, sizeof f, "%s/trygg.db%s", path, suffixes[i]);
        unlink(f);
    }
    rmdir(path);
    return 0;
}
