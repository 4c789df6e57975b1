/*
 * web.c — the staff web UI's route table and the frame every page shares:
 * session check (web_begin), catalog text, page layout, error pages, time
 * formatting and the static files (assets/web).
 */
#include "trygg/i18n.h"
#include "trygg/copy.h"
#include "trygg/time.h"
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "trygg/log.h"
#include "trygg/paths.h"

static int64_t clock_real(void)
{
    return (int64_t)time(NULL);
}
static int64_t (*clock_fn)(void) = clock_real;

int64_t web_now(void)
{
    return clock_fn();
}

void web_set_clock(int64_t (*fn)(void))
{
    clock_fn = fn ? fn : clock_real;
}

/* Headers on every staff page: no caching, no framing, no inline script
 * (the one script is the reply form's part counter, /static/reply.js). */
static void security_headers(http_resp *resp)
{
    http_resp_header(resp, "Content-Security-Policy",
                     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                     "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    http_resp_header(resp, "X-Content-Type-Options", "nosniff");
    http_resp_header(resp, "Referrer-Policy", "no-referrer");
    http_resp_header(resp, "Cache-Control", "no-store");
    http_resp_header(resp, "X-Frame-Options", "DENY");
}

const char *web_t(const web_ctx *w, const char *key)
{
    if (!w || !w->srv || !w->srv->web_text)
        return key;
    return trygg_i18n_get(w->srv->web_text, w->lang ? w->lang : "sv", key);
}

void html_t(html_buf *b, const web_ctx *w, const char *key)
{
    html_text(b, web_t(w, key));
}

void html_t1(html_buf *b, const web_ctx *w, const char *key, const char *name, const char *value)
{
    const char *names[] = {name, NULL}, *values[] = {value, NULL};
    char out[256];
    if (trygg_i18n_format(web_t(w, key), names, values, out, sizeof out) != TRYGG_OK)
        out[0] = '\0';
    html_text(b, out);
}

void web_td(html_buf *b, const web_ctx *w, const char *key)
{
    html_lit(b, "<td data-label=\"");
    html_t(b, w, key);
    html_lit(b, "\">");
}

const char *web_enum_key(const char *prefix, const char *name, char out[64])
{
    snprintf(out, 64, "%s.%s", prefix, name);
    return out;
}

void web_fmt_time(int64_t t, char out[32])
{
    out[0] = '\0';
    if (t <= 0)
        return;
    trygg_time_format(t, "%Y-%m-%d %H:%M", out, 32);
}

int64_t web_parse_date(const char *s)
{
    int64_t t;
    if (trygg_time_parse_day(s, &t) != TRYGG_OK || atoi(s) < 2000 || atoi(s) > 2200)
        return -1;
    return t;
}

static void set_lang(web_ctx *w)
{
    w->lang = w->sess.lang[0] ? w->sess.lang : "sv";
}

static void load_dests(web_ctx *w)
{
    trygg_destination *d = calloc(WEB_MAX_DESTS, sizeof *d);
    int n = 0;
    w->ndests = 0;
    if (!d || trygg_store_dest_list(w->st, d, WEB_MAX_DESTS, &n) != TRYGG_OK)
        n = 0;
    for (int i = 0; i < n; i++) {
        TRYGG_COPY_FIT(w->dests[i].name, d[i].name);
        TRYGG_COPY_TRUNC(w->dests[i].label,
                         d[i].label[0] ? d[i].label : d[i].name); /* a display label */
        w->dests[i].full_access = d[i].full_access;
    }
    w->ndests = n;
    free(d);
}

const char *web_dest_label(const web_ctx *w, const char *name)
{
    for (int i = 0; name && i < w->ndests; i++)
        if (strcmp(w->dests[i].name, name) == 0)
            return w->dests[i].label;
    return name ? name : "";
}

const char *web_cat_label(const web_ctx *w, const char *id)
{
    const config_category *c =
        w->srv && w->srv->cfg.catalog ? config_category_find(&w->srv->cfg, -1, id) : NULL;
    return c ? config_label(c->label, w->lang, id) : id;
}

const char *web_area_label(const web_ctx *w, const char *id)
{
    const config_area *a =
        w->srv && w->srv->cfg.catalog ? config_area_find(&w->srv->cfg, id) : NULL;
    return a ? config_label(a->label, w->lang, id) : id;
}

static void select_option(html_buf *b, const char *value, const char *label, const char *cur)
{
    html_lit(b, "<option value=\"");
    html_attr(b, value);
    html_lit(b, "\"");
    if (cur && strcmp(cur, value) == 0)
        html_lit(b, " selected");
    html_lit(b, ">");
    html_text(b, label);
    html_lit(b, "</option>");
}

static void text_input(html_buf *b, const char *id, const char *name, const char *cur)
{
    html_lit(b, "<input id=\"");
    html_attr(b, id);
    html_lit(b, "\" name=\"");
    html_attr(b, name);
    html_lit(b, "\" maxlength=\"63\" value=\"");
    html_attr(b, cur ? cur : "");
    html_lit(b, "\">");
}

/* Opens <select id name> when the catalog has `n` entries; otherwise writes
 * a text input for `cur` and returns 0 (server.ini lists none). */
static int select_open(html_buf *b, const char *id, const char *name, const char *cur, int n)
{
    if (n == 0) {
        text_input(b, id, name, cur);
        return 0;
    }
    html_lit(b, "<select id=\"");
    html_attr(b, id);
    html_lit(b, "\" name=\"");
    html_attr(b, name);
    html_lit(b, "\">");
    return 1;
}

/* The categories of one kind as an <optgroup>; `cur` is selected in the
 * group of `cur_kind` only (an id may be listed under several kinds). */
static void cat_group(html_buf *b, const web_ctx *w, const server_catalog *cat, trygg_kind k,
                      const char *cur, int cur_kind, int *found)
{
    int any = 0;
    for (int i = 0; i < cat->ncats && !any; i++)
        any = cat->cats[i].kind == k;
    if (!any)
        return;
    char key[64];
    html_lit(b, "<optgroup label=\"");
    html_attr(b, web_t(w, web_enum_key("kind", trygg_kind_name(k), key)));
    html_lit(b, "\">");
    for (int i = 0; i < cat->ncats; i++) {
        if (cat->cats[i].kind != k)
            continue;
        int sel = (int)k == cur_kind && cur && strcmp(cur, cat->cats[i].id) == 0;
        *found |= sel;
        select_option(b, cat->cats[i].id,
                      config_label(cat->cats[i].label, w->lang, cat->cats[i].id),
                      sel ? cat->cats[i].id : NULL);
    }
    html_lit(b, "</optgroup>");
}

void web_cat_choice(html_buf *b, const web_ctx *w, const char *id, const char *name,
                    const char *cur, int cur_kind)
{
    const server_catalog *cat = w->srv ? w->srv->cfg.catalog : NULL;
    if (!select_open(b, id, name, cur, cat ? cat->ncats : 0))
        return;
    select_option(b, "", web_t(w, "item.no_category"), cur ? cur : "");
    int found = 0;
    for (int k = 0; k < TRYGG_KIND_COUNT; k++)
        cat_group(b, w, cat, (trygg_kind)k, cur, cur_kind, &found);
    if (cur && cur[0] && !found) /* an id the config no longer lists */
        select_option(b, cur, cur, cur);
    html_lit(b, "</select>");
}

int web_cat_fits(const web_ctx *w, const char *category, trygg_kind kind)
{
    const server_catalog *cat = w->srv ? w->srv->cfg.catalog : NULL;
    if (!category[0] || !cat || cat->ncats == 0)
        return 1;
    for (int i = 0; i < cat->ncats; i++)
        if (cat->cats[i].kind == kind && strcmp(cat->cats[i].id, category) == 0)
            return 1;
    return 0;
}

void web_cat_select(html_buf *b, const web_ctx *w, const char *id, const char *name,
                    const char *cur)
{
    const server_catalog *cat = w->srv ? w->srv->cfg.catalog : NULL;
    if (!select_open(b, id, name, cur, cat ? cat->ncats : 0))
        return;
    int found = 0;
    select_option(b, "", web_t(w, "filter.any"), cur ? cur : "");
    for (int i = 0; i < cat->ncats; i++) {
        /* The same id may be listed under several kinds: show it once. */
        int dup = 0;
        for (int j = 0; j < i && !dup; j++)
            dup = strcmp(cat->cats[j].id, cat->cats[i].id) == 0;
        if (dup)
            continue;
        if (cur && strcmp(cur, cat->cats[i].id) == 0)
            found = 1;
        select_option(b, cat->cats[i].id,
                      config_label(cat->cats[i].label, w->lang, cat->cats[i].id), cur);
    }
    if (cur && cur[0] && !found)
        select_option(b, cur, cur, cur);
    html_lit(b, "</select>");
}

void web_area_select(html_buf *b, const web_ctx *w, const char *id, const char *name,
                     const char *cur, int any)
{
    const server_catalog *cat = w->srv ? w->srv->cfg.catalog : NULL;
    if (!select_open(b, id, name, cur, cat ? cat->nareas : 0))
        return;
    int found = 0;
    if (any)
        select_option(b, "", web_t(w, "filter.any"), cur ? cur : "");
    else
        select_option(b, "", "–", cur ? cur : "");
    for (int i = 0; i < cat->nareas; i++) {
        if (cur && strcmp(cur, cat->areas[i].id) == 0)
            found = 1;
        select_option(b, cat->areas[i].id,
                      config_label(cat->areas[i].label, w->lang, cat->areas[i].id), cur);
    }
    if (cur && cur[0] && !found)
        select_option(b, cur, cur, cur);
    html_lit(b, "</select>");
}

int web_begin(web_ctx *w, void *ctx, const http_req *req, http_resp *resp)
{
    memset(w, 0, sizeof *w);
    w->srv = ctx;
    w->req = req;
    w->resp = resp;
    w->lang = "sv";
    security_headers(resp);
    w->st = server_store(w->srv);
    if (!w->st) {
        web_error(w, 503, "error.unavailable");
        return -1;
    }
    w->token = http_cookie(req, WEB_COOKIE);
    if (!w->token || web_session_lookup(w->st, w->token, web_now(), w->srv->cfg.session_minutes,
                                        &w->sess) != 0) {
        http_resp_redirect(resp, w->token ? "/login?expired=1" : "/login");
        return -1;
    }
    set_lang(w);
    /* Password given but the second factor not (yet): only the two-factor
     * pages (web_auth.c) may be reached. */
    if (w->sess.stage != WEB_STAGE_OK) {
        http_resp_redirect(resp, w->sess.stage == WEB_STAGE_ENROL ? "/login/enrol" : "/login/code");
        return -1;
    }
    /* The user may have been disabled or changed since login. */
    trygg_user u;
    if (trygg_store_user_get(w->st, w->sess.user.username, &u) != TRYGG_OK || u.disabled) {
        web_session_destroy_user(w->st, w->sess.user.username);
        http_resp_redirect(resp, "/login");
        return -1;
    }
    if (strcmp(u.role, w->sess.user.role) != 0 ||
        strcmp(u.destination, w->sess.user.destination) != 0 ||
        u.can_call_back != w->sess.user.can_call_back || strcmp(u.display, w->sess.user.display)) {
        TRYGG_COPY_FIT(w->sess.user.role, u.role);
        TRYGG_COPY_FIT(w->sess.user.destination, u.destination);
        TRYGG_COPY_FIT(w->sess.user.display, u.display);
        w->sess.user.can_call_back = u.can_call_back;
        web_session_update(w->st, w->token, &w->sess.user, NULL);
    }
    load_dests(w);
    if (strcmp(req->method, "POST") == 0 && !web_csrf_ok(&w->sess, http_form(req, "csrf"))) {
        TRYGG_WARN("web: CSRF check failed for %s on %s", w->sess.user.username, req->path);
        web_error(w, 403, "error.csrf");
        return -1;
    }
    return 0;
}

void web_csrf_field(html_buf *b, const web_ctx *w)
{
    html_lit(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_attr(b, w->sess.csrf);
    html_lit(b, "\">");
}

static void nav_link(html_buf *b, const web_ctx *w, const char *href_key, const char *name,
                     const char *active)
{
    html_lit(b, "<li><a href=\"/");
    html_attr(b, name);
    html_lit(b, "\"");
    if (active && strcmp(active, name) == 0)
        html_lit(b, " aria-current=\"page\"");
    html_lit(b, ">");
    html_t(b, w, href_key);
    html_lit(b, "</a></li>");
}

void web_page_begin(html_buf *b, const web_ctx *w, const char *title_key, const char *nav)
{
    html_lit(b, "<!doctype html>\n<html lang=\"");
    html_attr(b, w->lang);
    html_lit(b, "\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<title>");
    html_t(b, w, title_key);
    html_lit(b, " – Trygg</title><link rel=\"stylesheet\" href=\"/static/web.css\">"
                "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">"
                "</head><body><a class=\"skip\" href=\"#main\">");
    html_t(b, w, "nav.skip");
    html_lit(b, "</a><header class=\"top\"><div class=\"brand\"><a href=\"/queue\">");
    html_t(b, w, "app.name");
    html_lit(b, "</a></div>");
    if (w->sess.user.username[0]) {
        html_lit(b, "<nav aria-label=\"");
        html_t(b, w, "nav.label");
        html_lit(b, "\"><ul>");
        nav_link(b, w, "nav.queue", "queue", nav);
        if (web_access_register(&w->sess.user))
            nav_link(b, w, "nav.new", "new", nav);
        nav_link(b, w, "nav.events", "events", nav);
        nav_link(b, w, "nav.report", "report", nav);
        if (web_meeting_allowed(w)) {
            nav_link(b, w, "nav.meeting", "meeting", nav);
            nav_link(b, w, "nav.measures", "measures", nav);
        }
        if (web_access_is_security(&w->sess.user))
            nav_link(b, w, "nav.access_log", "access-log", nav);
        if (web_access_admin(&w->sess.user)) {
            nav_link(b, w, "nav.channels", "channels", nav);
            nav_link(b, w, "nav.templates", "templates", nav);
            nav_link(b, w, "nav.admin", "admin", nav);
        }
        html_lit(b, "</ul></nav><div class=\"who\"><span>");
        html_text(b, w->sess.user.display[0] ? w->sess.user.display : w->sess.user.username);
        html_lit(b, " · ");
        if (strcmp(w->sess.user.role, "destination") == 0)
            html_text(b, web_dest_label(w, w->sess.user.destination));
        else {
            char k[64];
            html_t(b, w, web_enum_key("role", w->sess.user.role, k));
        }
        html_lit(b, "</span><form method=\"post\" action=\"/logout\" class=\"inline\">");
        web_csrf_field(b, w);
        html_lit(b, "<button type=\"submit\" class=\"link\">");
        html_t(b, w, "nav.logout");
        html_lit(b, "</button></form></div>");
    }
    html_lit(b, "</header><main id=\"main\" tabindex=\"-1\">");
    /* A one-shot message after an action (post/redirect/get): only catalog
     * keys under "flash." are shown, so a link cannot inject text. */
    const char *ok = w->req ? http_query(w->req, "ok") : NULL;
    if (ok && strncmp(ok, "flash.", 6) == 0 && w->srv && w->srv->web_text &&
        trygg_i18n_has(w->srv->web_text, "sv", ok)) {
        html_lit(b, "<p class=\"flash\" role=\"status\">");
        html_t(b, w, ok);
        html_lit(b, "</p>");
    }
    const char *err = w->req ? http_query(w->req, "err") : NULL;
    if (err && strncmp(err, "flash.", 6) == 0 && w->srv && w->srv->web_text &&
        trygg_i18n_has(w->srv->web_text, "sv", err)) {
        html_lit(b, "<p class=\"flash error\" role=\"alert\">");
        html_t(b, w, err);
        html_lit(b, "</p>");
    }
}

void web_page_end(html_buf *b, const web_ctx *w)
{
    html_lit(b, "</main><footer class=\"foot\">");
    if (w->sess.user.username[0]) {
        html_lit(b, "<form method=\"post\" action=\"/lang\" class=\"inline\">");
        web_csrf_field(b, w);
        if (w->req && w->req->path && strcmp(w->req->method, "GET") == 0) {
            html_lit(b, "<input type=\"hidden\" name=\"back\" value=\"");
            html_attr(b, w->req->path);
            html_lit(b, "\">");
        }
        if (strcmp(w->lang, "en") == 0)
            html_lit(b, "<input type=\"hidden\" name=\"lang\" value=\"sv\">"
                        "<button type=\"submit\" class=\"link\" lang=\"sv\">Svenska</button>");
        else
            html_lit(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">"
                        "<button type=\"submit\" class=\"link\" lang=\"en\">English</button>");
        html_lit(b, "</form>");
    }
    html_lit(b, "</footer></body></html>\n");
}

void web_error(web_ctx *w, int status, const char *msg_key)
{
    html_buf b;
    html_init(&b, 64 * 1024);
    char key[64];
    snprintf(key, sizeof key, "error.%d", status);
    web_page_begin(&b, w, key, NULL);
    html_lit(&b, "<h1>");
    html_t(&b, w, key);
    html_lit(&b, "</h1><p>");
    html_t(&b, w, msg_key);
    html_lit(&b, "</p><p><a href=\"/queue\">");
    html_t(&b, w, "error.back");
    html_lit(&b, "</a></p>");
    web_page_end(&b, w);
    html_send(&b, w->resp, status);
}

/* ---- Static files --------------------------------------------------------- */

void web_static_get(void *ctx, const http_req *req, http_resp *resp)
{
    (void)ctx;
    static const struct {
        const char *name, *ctype;
    } files[] = {
        {"web.css", "text/css; charset=utf-8"},
        {"icon.svg", "image/svg+xml"},
        {"print.css", "text/css; charset=utf-8"},
        {"reply.js", "text/javascript; charset=utf-8"},
    };
    const char *name = req->path + strlen("/static/");
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (strcmp(name, files[i].name) != 0)
            continue;
        char rel[128], path[1024];
        snprintf(rel, sizeof rel, "web/%s", files[i].name);
        if (trygg_asset_path(rel, path, sizeof path) != TRYGG_OK)
            break;
        FILE *f = fopen(path, "rb");
        if (!f)
            break;
        char *buf = malloc(256 * 1024);
        size_t n = buf ? fread(buf, 1, 256 * 1024, f) : 0;
        fclose(f);
        if (!buf)
            break;
        http_resp_set(resp, 200, files[i].ctype, buf, n);
        free(buf);
        http_resp_header(resp, "Cache-Control", "public, max-age=3600");
        http_resp_header(resp, "X-Content-Type-Options", "nosniff");
        return;
    }
    http_resp_set(resp, 404, "text/plain; charset=utf-8", "404\n", 4);
}

static void web_root(void *ctx, const http_req *req, http_resp *resp)
{
    (void)ctx;
    (void)req;
    http_resp_redirect(resp, "/queue");
}

const http_route web_routes[] = {
    {"GET", "/", 0, web_root},
    {"GET", "/login", 0, web_login_get},
    {"POST", "/login", 4096, web_login_post},
    {"GET", "/login/code", 0, web_code_get},
    {"POST", "/login/code", 4096, web_code_post},
    {"GET", "/login/enrol", 0, web_enrol_get},
    {"POST", "/login/enrol", 4096, web_enrol_post},
    {"POST", "/logout", 4096, web_logout_post},
    {"POST", "/lang", 4096, web_lang_post},
    {"GET", "/queue", 0, web_queue_get},
    {"POST", "/queue/bulk", 32768, web_bulk_post},
    {"GET", "/new", 0, web_new_get},
    {"POST", "/new", 32768, web_new_post},
    {"GET", "/export.csv", 0, web_export_get},
    {"GET", "/export.xlsx", 0, web_export_xlsx_get},
    {"GET", "/item/*", 0, web_item_get},
    {"POST", "/item/*", 32768, web_item_post},
    {"GET", "/events", 0, web_events_get},
    {"POST", "/events", 8192, web_events_post},
    {"POST", "/events/import", 1 << 20, web_events_import_post},
    {"GET", "/events/*", 0, web_event_get},
    {"POST", "/events/*", 8192, web_event_post},
    {"GET", "/meeting", 0, web_meeting_get},
    {"POST", "/meeting", 16384, web_meeting_post},
    {"GET", "/meeting/versions", 0, web_meeting_versions_get},
    {"GET", "/meeting/print", 0, web_meeting_print_get},
    {"GET", "/measures", 0, web_measures_get},
    {"GET", "/measures/plan", 0, web_measures_plan_get},
    {"POST", "/measures/plan", 16384, web_measures_plan_post},
    {"GET", "/measures/*", 0, web_measure_get},
    {"POST", "/measures/*", 16384, web_measure_post},
    {"GET", "/channels", 0, web_channels_get},
    {"GET", "/access-log", 0, web_access_log_get},
    {"GET", "/templates", 0, web_templates_get},
    {"POST", "/templates", 8192, web_templates_post},
    {"GET", "/admin", 0, web_admin_get},
    {"GET", "/admin/*", 0, web_admin_get},
    {"POST", "/admin/*", 32768, web_admin_post},
    {"GET", "/static/*", 0, web_static_get},
};
const int web_nroutes = (int)(sizeof web_routes / sizeof web_routes[0]);
