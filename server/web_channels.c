/*
 * web_channels.c — the channels page: every kiosk and the SMS gateway with
 * last seen, version, outbox depth, modem status and errors, marked red when
 * stale (kiosk silent > 10 min, gateway > 5 min); plus forwards that failed
 * or were dead-lettered, with their errors.
 */
#include "web.h"
#include "forward.h"

#include "trygg/copy.h"
#include "trygg/route.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIOSK_STALE   (10 * 60)
#define GATEWAY_STALE (5 * 60)
#define MAX_KIOSKS    256
#define MAX_NOTIFY    50

static void stale_badge(html_buf *b, const web_ctx *w, int stale)
{
    html_lit(b, "<span class=\"badge ");
    if (stale)
        html_lit(b, "bad\">");
    else
        html_lit(b, "good\">");
    html_t(b, w, stale ? "ch.stale" : "ch.ok");
    html_lit(b, "</span>");
}

static void age(html_buf *b, const web_ctx *w, int64_t then, int64_t now)
{
    char when[32];
    if (then <= 0) {
        html_t(b, w, "ch.never");
        return;
    }
    web_fmt_time(then, when);
    html_text(b, when);
    html_lit(b, " <span class=\"muted\">(");
    int64_t m = (now - then) / 60;
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)(m < 0 ? 0 : m));
    html_t1(b, w, "ch.minutes_ago", "n", num);
    html_lit(b, ")</span>");
}

/* The gateway reports its state as JSON with English keys, states and Unix
 * times (smsgw/gateway.c). The page shows the fields it knows, in this order,
 * in words from the catalog; a key it does not know is not shown. */
typedef enum { GF_COUNT, GF_PERCENT, GF_TIME, GF_YESNO, GF_STATE, GF_TEXT, GF_ERROR } gf_type;

typedef struct {
    const char *key;
    gf_type type;
} gw_field;

static const gw_field gw_fields[] = {
    {"server", GF_STATE},
    {"connected", GF_YESNO},
    {"signal", GF_PERCENT},
    {"network", GF_STATE},
    {"network_code", GF_TEXT},
    {"battery", GF_PERCENT},
    {"last_poll", GF_TIME},
    {"messages_in", GF_COUNT},
    {"messages_out", GF_COUNT},
    {"calls", GF_COUNT},
    {"uploads_waiting", GF_COUNT},
    {"send_failures", GF_COUNT},
    {"duplicates", GF_COUNT},
    {"quarantined", GF_COUNT},
    {"errors", GF_COUNT},
    {"last_error", GF_ERROR},
    {"store", GF_STATE},
    {"store_waiting", GF_COUNT},
    {"store_errors", GF_COUNT},
    {"store_error", GF_ERROR},
    /* delivery reports, the modem watchdog and the SIM checks (docs/smsgw.md) */
    {"alert", GF_STATE},
    {"watchdog", GF_STATE},
    {"watchdog_actions", GF_COUNT},
    {"recoveries", GF_COUNT},
    {"canary_lost", GF_COUNT},
    {"delivered", GF_COUNT},
    {"undelivered", GF_COUNT},
    {"sim", GF_STATE},
    {"sim_memory", GF_PERCENT},
    {"sim_cleared", GF_COUNT},
    {"balance", GF_COUNT},
};

/* A state's words: "gw.<key>.<value>" in the catalog; a value without words
 * is shown as "okänt" rather than as the gateway's English. */
static const char *gw_state(const web_ctx *w, const char *key, const char *value, char *k,
                            size_t kcap)
{
    snprintf(k, kcap, "gw.%s.%s", key, value);
    const char *label = web_t(w, k);
    return strcmp(label, k) == 0 ? web_t(w, "gw.unknown") : label;
}

static void gateway_fact(html_buf *b, const web_ctx *w, const gw_field *f, const json_t *val)
{
    char buf[512], k[96];
    const char *shown = buf;
    int bad = 0;
    buf[0] = '\0';
    if (!val)
        return;
    switch (f->type) {
    case GF_COUNT:
    case GF_PERCENT:
        if (!json_is_integer(val) || json_integer_value(val) < 0)
            return;
        snprintf(buf, sizeof buf, f->type == GF_PERCENT ? "%lld %%" : "%lld",
                 (long long)json_integer_value(val));
        bad = f->type == GF_COUNT && json_integer_value(val) > 0 &&
              (strstr(f->key, "fail") || strstr(f->key, "error") ||
               strcmp(f->key, "store_waiting") == 0); /* uploads wait briefly: normal */
        break;
    case GF_TIME:
        if (!json_is_integer(val) || json_integer_value(val) <= 0)
            return;
        web_fmt_time((int64_t)json_integer_value(val), buf);
        break;
    case GF_YESNO:
        if (!json_is_boolean(val))
            return;
        shown = web_t(w, json_is_true(val) ? "gw.yes" : "gw.no");
        bad = !json_is_true(val);
        break;
    case GF_STATE:
        if (!json_is_string(val))
            return;
        shown = gw_state(w, f->key, json_string_value(val), k, sizeof k);
        if (strcmp(f->key, "network") == 0)
            bad = strcmp(json_string_value(val), "home") != 0 &&
                  strcmp(json_string_value(val), "roaming") != 0;
        else
            bad = strcmp(json_string_value(val), "ok") != 0;
        break;
    case GF_TEXT:
    case GF_ERROR:
        if (!json_is_string(val) || !*json_string_value(val))
            return;
        TRYGG_COPY_TRUNC(buf, json_string_value(val)); /* a value shown in a table cell */
        bad = f->type == GF_ERROR;
        break;
    }
    snprintf(k, sizeof k, "gw.%s", f->key);
    html_lit(b, "<dt>");
    html_t(b, w, k);
    html_lit(b, "</dt><dd");
    if (bad)
        html_lit(b, " class=\"error-text\"");
    html_lit(b, ">");
    html_text(b, shown);
    html_lit(b, "</dd>");
}

/* The fields of the health record that belong to one modem (the second
 * modem's part, "modem2", has these; docs/smsgw.md "Two modems"). */
static int modem_field(const char *key)
{
    static const char *const keys[] = {"connected",        "signal",      "network",
                                       "network_code",     "messages_in", "messages_out",
                                       "send_failures",    "quarantined", "errors",
                                       "last_error",       "alert",       "watchdog",
                                       "watchdog_actions", "recoveries",  "canary_lost",
                                       "delivered",        "undelivered", "sim",
                                       "sim_memory",       "sim_cleared", "balance"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(key, keys[i]) == 0)
            return 1;
    return 0;
}

/* With two modems: "Modem 1: I drift" (or "Nere", red: not connected, or its
 * watchdog gave up), then the start of its list of facts. */
static void modem_head(html_buf *b, const web_ctx *w, const json_t *m, const char *name)
{
    const char *wd = json_string_value(json_object_get(m, "watchdog"));
    int down = !json_is_true(json_object_get(m, "connected")) || (wd && strcmp(wd, "alert") == 0);
    html_lit(b, "<p");
    if (down)
        html_lit(b, " class=\"stale-row\"");
    html_lit(b, ">");
    html_t(b, w, name);
    html_lit(b, ": <span class=\"badge ");
    html_pick(b, down, "bad\">", "good\">");
    html_t(b, w, down ? "ch.modem_down" : "ch.modem_up");
    html_lit(b, "</span></p><dl class=\"facts\">");
}

static void gateway(html_buf *b, web_ctx *w, int64_t now)
{
    char json[4096];
    int64_t updated = 0;
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-gw\"><h2 id=\"h-gw\">");
    html_t(b, w, "ch.gateway");
    html_lit(b, "</h2>");
    if (trygg_store_health_get(w->st, "smsgw", json, sizeof json, &updated) != TRYGG_OK) {
        html_lit(b, "<p class=\"stale-row\">");
        stale_badge(b, w, 1);
        html_lit(b, " ");
        html_t(b, w, "ch.gateway_never");
        html_lit(b, "</p></section>");
        return;
    }
    int stale = now - updated > GATEWAY_STALE;
    html_lit(b, "<p");
    if (stale)
        html_lit(b, " class=\"stale-row\"");
    html_lit(b, ">");
    stale_badge(b, w, stale);
    html_lit(b, " ");
    html_t(b, w, "ch.last_seen");
    html_lit(b, ": ");
    age(b, w, updated, now);
    html_lit(b, "</p>");
    json_error_t jerr;
    json_t *obj = json_loads(json, 0, &jerr);
    const json_t *m2 = json_object_get(obj, "modem2");
    if (json_is_object(m2))
        modem_head(b, w, obj, "ch.modem1");
    else
        html_lit(b, "<dl class=\"facts\">");
    if (obj && json_is_object(obj)) {
        for (size_t i = 0; i < sizeof gw_fields / sizeof gw_fields[0]; i++)
            gateway_fact(b, w, &gw_fields[i], json_object_get(obj, gw_fields[i].key));
    }
    html_lit(b, "</dl>");
    if (json_is_object(m2)) {
        html_lit(b, "<h3>");
        html_t(b, w, "ch.modem2_title");
        html_lit(b, "</h3>");
        modem_head(b, w, m2, "ch.modem2");
        for (size_t i = 0; i < sizeof gw_fields / sizeof gw_fields[0]; i++)
            if (modem_field(gw_fields[i].key))
                gateway_fact(b, w, &gw_fields[i], json_object_get(m2, gw_fields[i].key));
        html_lit(b, "</dl>");
    }
    json_decref(obj);
    html_lit(b, "</section>");
}

static void kiosks(html_buf *b, web_ctx *w, int64_t now)
{
    trygg_kiosk *k = calloc(MAX_KIOSKS, sizeof *k);
    int n = 0;
    if (!k || trygg_store_kiosk_list(w->st, k, MAX_KIOSKS, &n) != TRYGG_OK)
        n = 0;
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-kiosks\"><h2 id=\"h-kiosks\">");
    html_t(b, w, "ch.kiosks");
    html_lit(b, "</h2>");
    if (n == 0) {
        html_lit(b, "<p class=\"muted\">");
        html_t(b, w, "ch.no_kiosks");
        html_lit(b, "</p>");
    } else {
        html_lit(b, "<table class=\"queue\"><thead><tr><th scope=\"col\">");
        html_t(b, w, "ch.kiosk");
        html_lit(b, "</th><th scope=\"col\">");
        html_t(b, w, "ch.state");
        html_lit(b, "</th><th scope=\"col\">");
        html_t(b, w, "ch.last_seen");
        html_lit(b, "</th><th scope=\"col\">");
        html_t(b, w, "ch.version");
        html_lit(b, "</th><th scope=\"col\">");
        html_t(b, w, "ch.outbox");
        html_lit(b, "</th><th scope=\"col\">");
        html_t(b, w, "ch.last_error");
        html_lit(b, "</th></tr></thead><tbody>");
        for (int i = 0; i < n; i++) {
            int stale =
                !k[i].revoked && (k[i].last_seen <= 0 || now - k[i].last_seen > KIOSK_STALE);
            html_lit(b, "<tr");
            if (stale)
                html_lit(b, " class=\"stale-row\"");
            html_lit(b, "><td data-label=\"");
            html_t(b, w, "ch.kiosk");
            html_lit(b, "\"><strong>");
            html_text(b, k[i].name[0] ? k[i].name : k[i].id);
            html_lit(b, "</strong><br><span class=\"muted\">");
            html_text(b, k[i].id);
            if (k[i].area[0]) {
                html_lit(b, " · ");
                html_text(b, k[i].area);
            }
            html_lit(b, "</span></td>");
            web_td(b, w, "ch.state");
            if (k[i].revoked) {
                html_lit(b, "<span class=\"badge\">");
                html_t(b, w, "ch.revoked");
                html_lit(b, "</span>");
            } else {
                stale_badge(b, w, stale);
            }
            html_lit(b, "</td>");
            web_td(b, w, "ch.last_seen");
            age(b, w, k[i].last_seen, now);
            html_lit(b, "</td>");
            web_td(b, w, "ch.version");
            html_text(b, k[i].version);
            html_lit(b, "</td>");
            web_td(b, w, "ch.outbox");
            html_int(b, k[i].outbox_depth);
            html_lit(b, "</td><td data-label=\"");
            html_t(b, w, "ch.last_error");
            html_lit(b, "\" class=\"error-text\">");
            html_text(b, k[i].last_error);
            html_lit(b, "</td></tr>");
        }
        html_lit(b, "</tbody></table>");
    }
    html_lit(b, "</section>");
    free(k);
}

/* One forward that failed or was given up: state, the item's reference,
 * the recipient's name, the channel and the error, in words. */
static void forward_row(html_buf *b, web_ctx *w, const trygg_notify *row)
{
    char when[32], k[64];
    trygg_item it;
    web_fmt_time(row->created, when);
    html_lit(b, "<li class=\"stale-row\"><span class=\"badge bad\">");
    html_t(b, w, web_enum_key("out", trygg_out_status_name(row->status), k));
    html_lit(b, "</span> <a href=\"/item/");
    html_int(b, row->item_id);
    html_lit(b, "\">");
    html_t(b, w, "ch.item");
    html_lit(b, " ");
    if (trygg_store_get(w->st, row->item_id, &it) == TRYGG_OK)
        html_text(b, it.ref);
    else
        html_int(b, row->item_id);
    html_lit(b, "</a> → ");
    html_text(b, web_dest_label(w, row->destination));
    html_lit(b, " (");
    html_t(b, w, web_enum_key("fwdch", row->channel, k));
    html_lit(b, ", ");
    html_text(b, when);
    html_lit(b, ", ");
    html_int(b, row->attempts);
    html_lit(b, "×) <span class=\"error-text\">");
    html_text(b, row->error);
    html_lit(b, "</span></li>");
}

/* Recipients no forward reaches (no e-mail, no webhook, no staff user):
 * forwards to them are refused, so staff must see them here. Returns how
 * many were listed. */
static int unreachable_recipients(html_buf *b, web_ctx *w)
{
    enum { MAXD = 128 };
    trygg_destination *d = calloc(MAXD, sizeof *d);
    trygg_user *u = calloc(FORWARD_USERS_MAX, sizeof *u);
    int n = 0, nu = 0, shown = 0;
    if (d && u && trygg_store_user_list(w->st, u, FORWARD_USERS_MAX, &nu) == TRYGG_OK &&
        trygg_store_dest_list(w->st, d, MAXD, &n) == TRYGG_OK) {
        for (int i = 0; i < n; i++) {
            if (forward_reachable_among(&d[i], u, nu))
                continue;
            if (shown++ == 0) {
                html_lit(b, "<p class=\"error-text\">");
                html_t(b, w, "ch.forwards_unreachable");
                html_lit(b, "</p><ul class=\"plain\">");
            }
            html_lit(b, "<li class=\"stale-row\"><span class=\"badge bad\">");
            html_t(b, w, "ch.unreachable_badge");
            html_lit(b, "</span> ");
            html_text(b, d[i].label[0] ? d[i].label : d[i].name);
            html_lit(b, "</li>");
        }
    }
    if (shown > 0)
        html_lit(b, "</ul>");
    free(d);
    free(u);
    return shown;
}

static void forwards(html_buf *b, web_ctx *w)
{
    trygg_notify *rows = calloc(MAX_NOTIFY, sizeof *rows);
    int64_t counts[TRYGG_OUT_COUNT] = {0};
    int n = 0, total = 0;
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-fwd\"><h2 id=\"h-fwd\">");
    html_t(b, w, "ch.forwards");
    html_lit(b, "</h2>");
    if (trygg_store_outbox_counts(w->st, "notify", counts, NULL) != TRYGG_OK)
        counts[TRYGG_OUT_PENDING] = -1;
    if (counts[TRYGG_OUT_PENDING] != 0) {
        html_lit(b, "<p>");
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)counts[TRYGG_OUT_PENDING]);
        html_t1(b, w, "ch.forwards_pending", "n", num);
        html_lit(b, "</p>");
    }
    static const trygg_out_status show[] = {TRYGG_OUT_DEAD, TRYGG_OUT_FAILED};
    for (size_t s = 0; rows && s < 2; s++) {
        if (trygg_store_notify_list(w->st, (int)show[s], rows, MAX_NOTIFY, &n) != TRYGG_OK)
            n = 0;
        if (n > 0 && total == 0)
            html_lit(b, "<ul class=\"plain\">");
        for (int i = 0; i < n; i++)
            forward_row(b, w, &rows[i]);
        total += n;
    }
    if (total > 0)
        html_lit(b, "</ul>");
    int unreachable = unreachable_recipients(b, w);
    if (total == 0 && unreachable == 0 && counts[TRYGG_OUT_PENDING] == 0) {
        html_lit(b, "<p class=\"muted\">");
        html_t(b, w, "ch.forwards_ok");
        html_lit(b, "</p>");
    }
    html_lit(b, "</section>");
    free(rows);
}

void web_channels_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    if (!web_access_admin(&w.sess.user)) {
        web_error(&w, 403, "error.forbidden");
        return;
    }
    int64_t now = web_now();
    html_buf b;
    html_init(&b, 2 * 1024 * 1024);
    web_page_begin(&b, &w, "ch.title", "channels");
    html_lit(&b, "<h1>");
    html_t(&b, &w, "ch.title");
    html_lit(&b, "</h1>");
    if (!w.srv->routes || trygg_routes_oncall(w.srv->routes)[0] == '\0') {
        /* Urgent items alert the on-call address; without one, nobody. */
        html_lit(&b, "<section class=\"card\" id=\"oncall\"><p class=\"stale-row\" "
                     "role=\"alert\"><span class=\"badge bad\">");
        html_t(&b, &w, "ch.oncall_missing_badge");
        html_lit(&b, "</span> ");
        html_t(&b, &w, "ch.oncall_missing");
        html_lit(&b, "</p></section>");
    }
    if (trygg_routes_child_concern_missing(w.srv->routes)) {
        /* The kiosks' help screen then has no QR code for it. */
        html_lit(&b, "<section class=\"card\" id=\"child-concern\"><p class=\"stale-row\">"
                     "<span class=\"badge bad\">");
        html_t(&b, &w, "ch.child_missing_badge");
        html_lit(&b, "</span> ");
        html_t(&b, &w, "ch.child_missing");
        html_lit(&b, "</p></section>");
    }
    if (trygg_routes_parent_links_missing(w.srv->routes)) {
        /* The kiosks' advice for parents then has no QR codes. */
        html_lit(&b, "<section class=\"card\" id=\"parent-links\"><p class=\"stale-row\">"
                     "<span class=\"badge bad\">");
        html_t(&b, &w, "ch.child_missing_badge");
        html_lit(&b, "</span> ");
        html_t(&b, &w, "ch.parent_missing");
        html_lit(&b, "</p></section>");
    }
    gateway(&b, &w, now);
    kiosks(&b, &w, now);
    forwards(&b, &w);
    web_page_end(&b, &w);
    html_send(&b, resp, 200);
}
