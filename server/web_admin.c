/*
 * web_admin.c — administration for the security department and admins:
 * staff users and roles, destinations (e-mail, webhook), safety walks and
 * their sign-ups, notices shown on the kiosks. Only admins may create admin
 * accounts; nobody can disable their own account.
 */
#include "trygg/time.h"
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trygg/log.h"

#define MAX_ROWS     200
#define MIN_PASSWORD 12

static const char *const roles[] = {"security", "destination", "admin"};
static const char *const notice_langs[] = {"sv", "en", "ar", "so", "fi"};

static void field_open(html_buf *b, const web_ctx *w, const char *id, const char *label_key)
{
    html_lit(b, "<div class=\"field\"><label for=\"");
    html_attr(b, id);
    html_lit(b, "\">");
    html_t(b, w, label_key);
    html_lit(b, "</label>");
}

static void input(html_buf *b, const web_ctx *w, const char *id, const char *name,
                  const char *label_key, const char *type, const char *value, int required,
                  int maxlen)
{
    field_open(b, w, id, label_key);
    html_lit(b, "<input id=\"");
    html_attr(b, id);
    html_lit(b, "\" name=\"");
    html_attr(b, name);
    html_lit(b, "\" type=\"");
    html_attr(b, type);
    html_lit(b, "\" maxlength=\"");
    html_int(b, maxlen);
    html_lit(b, "\" value=\"");
    html_attr(b, value ? value : "");
    html_lit(b, "\"");
    if (required)
        html_lit(b, " required");
    html_lit(b, "></div>");
}

static void checkbox(html_buf *b, const web_ctx *w, const char *id, const char *name,
                     const char *label_key, int checked)
{
    html_lit(b, "<div class=\"field check\"><input type=\"checkbox\" value=\"1\" id=\"");
    html_attr(b, id);
    html_lit(b, "\" name=\"");
    html_attr(b, name);
    html_lit(b, "\"");
    if (checked)
        html_lit(b, " checked");
    html_lit(b, "><label for=\"");
    html_attr(b, id);
    html_lit(b, "\">");
    html_t(b, w, label_key);
    html_lit(b, "</label></div>");
}

static void form_open(html_buf *b, const web_ctx *w, const char *action, const char *cls)
{
    html_lit(b, "<form method=\"post\" action=\"/admin/");
    html_attr(b, action);
    html_lit(b, "\" class=\"");
    html_attr(b, cls);
    html_lit(b, "\">");
    web_csrf_field(b, w);
}

static void submit(html_buf *b, const web_ctx *w, const char *key, const char *cls);

/* A one-button form posting `id` to /admin/<action> (cancel, delete). */
static void id_button(html_buf *b, const web_ctx *w, const char *action, int64_t id,
                      const char *key)
{
    form_open(b, w, action, "inline");
    html_lit(b, "<input type=\"hidden\" name=\"id\" value=\"");
    html_int(b, id);
    html_lit(b, "\">");
    submit(b, w, key, "danger");
    html_lit(b, "</form>");
}

static void submit(html_buf *b, const web_ctx *w, const char *key, const char *cls)
{
    html_lit(b, "<button type=\"submit\" class=\"");
    html_attr(b, cls);
    html_lit(b, "\">");
    html_t(b, w, key);
    html_lit(b, "</button>");
}

static void th(html_buf *b, const web_ctx *w, const char *key)
{
    html_lit(b, "<th scope=\"col\">");
    html_t(b, w, key);
    html_lit(b, "</th>");
}

static void td(html_buf *b, const web_ctx *w, const char *label_key, const char *v)
{
    web_td(b, w, label_key);
    html_text(b, v);
    html_lit(b, "</td>");
}

static void users_section(html_buf *b, web_ctx *w, trygg_destination *dests, int ndest)
{
    trygg_user *u = calloc(MAX_ROWS, sizeof *u);
    int n = 0;
    if (!u || trygg_store_user_list(w->st, u, MAX_ROWS, &n) != TRYGG_OK)
        n = 0;
    html_lit(b, "<section class=\"card\" id=\"users\" aria-labelledby=\"h-users\"><h2 "
                "id=\"h-users\">");
    html_t(b, w, "adm.users");
    html_lit(b, "</h2><table class=\"queue\"><thead><tr>");
    th(b, w, "adm.username");
    th(b, w, "adm.display");
    th(b, w, "adm.role");
    th(b, w, "adm.state");
    html_lit(b, "<th scope=\"col\"><span class=\"sr\">");
    html_t(b, w, "adm.actions");
    html_lit(b, "</span></th></tr></thead><tbody>");
    for (int i = 0; i < n; i++) {
        char k[64];
        html_lit(b, "<tr>");
        td(b, w, "adm.username", u[i].username);
        td(b, w, "adm.display", u[i].display);
        web_td(b, w, "adm.role");
        html_t(b, w, web_enum_key("role", u[i].role, k));
        if (u[i].destination[0]) {
            html_lit(b, " · ");
            html_text(b, web_dest_label(w, u[i].destination));
        }
        if (u[i].can_call_back) {
            html_lit(b, " · ");
            html_t(b, w, "adm.can_call_back_short");
        }
        html_lit(b, "</td>");
        web_td(b, w, "adm.state");
        html_t(b, w, u[i].disabled ? "adm.disabled" : "adm.active");
        html_lit(b, "</td><td>");
        if (strcmp(u[i].username, w->sess.user.username) != 0) {
            form_open(b, w, u[i].disabled ? "user/enable" : "user/disable", "inline");
            html_lit(b, "<input type=\"hidden\" name=\"username\" value=\"");
            html_attr(b, u[i].username);
            html_lit(b, "\">");
            submit(b, w, u[i].disabled ? "adm.enable" : "adm.disable",
                   u[i].disabled ? "" : "danger");
            html_lit(b, "</form>");
        }
        html_lit(b, "</td></tr>");
    }
    html_lit(b, "</tbody></table><h3>");
    html_t(b, w, "adm.user_add");
    html_lit(b, "</h3>");
    form_open(b, w, "user/add", "grid");
    input(b, w, "u-name", "username", "adm.username", "text", "", 1, 63);
    input(b, w, "u-display", "display", "adm.display", "text", "", 1, 127);
    field_open(b, w, "u-role", "adm.role");
    html_lit(b, "<select id=\"u-role\" name=\"role\">");
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        char k[64];
        if (strcmp(roles[i], "admin") == 0 && strcmp(w->sess.user.role, "admin") != 0)
            continue;
        html_lit(b, "<option value=\"");
        html_attr(b, roles[i]);
        html_lit(b, "\">");
        html_t(b, w, web_enum_key("role", roles[i], k));
        html_lit(b, "</option>");
    }
    html_lit(b, "</select></div>");
    field_open(b, w, "u-dest", "adm.user_destination");
    html_lit(b, "<select id=\"u-dest\" name=\"destination\" aria-describedby=\"u-dest-hint\">");
    html_lit(b, "<option value=\"\">–</option>");
    for (int i = 0; i < ndest; i++) {
        html_lit(b, "<option value=\"");
        html_attr(b, dests[i].name);
        html_lit(b, "\">");
        html_text(b, dests[i].label[0] ? dests[i].label : dests[i].name);
        html_lit(b, "</option>");
    }
    html_lit(b, "</select><p class=\"hint\" id=\"u-dest-hint\">");
    html_t(b, w, "adm.user_destination_hint");
    html_lit(b, "</p></div>");
    input(b, w, "u-pass", "password", "adm.password", "password", "", 1, 256);
    checkbox(b, w, "u-cb", "can_call_back", "adm.can_call_back", 0);
    html_lit(b, "<div class=\"field actions\">");
    submit(b, w, "adm.add", "primary");
    html_lit(b, "</div></form></section>");
    free(u);
}

/* Recipients are declared in the routing config (route.h): the table shows
 * them read-only with a note saying where; the form edits only what the
 * config leaves open (addresses it does not give, the webhook secret). */
static void dest_section(html_buf *b, web_ctx *w, trygg_destination *d, int n)
{
    const trygg_routes *routes = w->srv->routes;
    const char *edit = http_query(w->req, "dest");
    trygg_destination cur;
    trygg_route_dest cd;
    memset(&cur, 0, sizeof cur);
    memset(&cd, 0, sizeof cd);
    for (int i = 0; edit && i < n; i++)
        if (strcmp(d[i].name, edit) == 0 && trygg_routes_dest_find(routes, edit, &cd) == TRYGG_OK)
            cur = d[i];
    html_lit(b, "<section class=\"card\" id=\"destinations\" aria-labelledby=\"h-dest\"><h2 "
                "id=\"h-dest\">");
    html_t(b, w, "adm.destinations");
    html_lit(b, "</h2><p class=\"hint\" id=\"dest-config\">");
    html_t(b, w, "adm.dest_configured");
    html_lit(b, " <code>");
    html_text(b, w->srv->cfg.routing_file[0] ? w->srv->cfg.routing_file : "routing.ini");
    html_lit(b, "</code></p><table class=\"queue\"><thead><tr>");
    th(b, w, "adm.dest_name");
    th(b, w, "adm.dest_label");
    th(b, w, "adm.dest_email");
    th(b, w, "adm.dest_webhook");
    th(b, w, "adm.dest_access");
    html_lit(b, "<th scope=\"col\"><span class=\"sr\">");
    html_t(b, w, "adm.actions");
    html_lit(b, "</span></th></tr></thead><tbody>");
    for (int i = 0; i < n; i++) {
        trygg_route_dest c;
        if (trygg_routes_dest_find(routes, d[i].name, &c) != TRYGG_OK)
            continue; /* not a recipient: the next start removes it */
        html_lit(b, "<tr>");
        td(b, w, "adm.dest_name", d[i].name);
        td(b, w, "adm.dest_label", c.label);
        td(b, w, "adm.dest_email", d[i].email);
        td(b, w, "adm.dest_webhook", d[i].webhook_url);
        web_td(b, w, "adm.dest_access");
        html_t(b, w, c.full_access ? "adm.full" : "adm.scrubbed");
        if (c.company) {
            html_lit(b, " (");
            html_t(b, w, "adm.dest_company");
            html_lit(b, ")");
        }
        html_lit(b, "</td><td><a href=\"/admin?dest=");
        html_urlarg(b, d[i].name);
        html_lit(b, "#dest-form\">");
        html_t(b, w, "adm.edit");
        html_lit(b, "<span class=\"sr\"> ");
        html_text(b, d[i].name);
        html_lit(b, "</span></a></td></tr>");
    }
    html_lit(b, "</tbody></table>");
    if (cur.name[0]) {
        html_lit(b, "<h3 id=\"dest-form\">");
        html_t(b, w, "adm.dest_edit");
        html_lit(b, ": ");
        html_text(b, cd.label);
        html_lit(b, "</h3>");
        form_open(b, w, "dest/save", "grid");
        html_lit(b, "<input type=\"hidden\" name=\"name\" value=\"");
        html_attr(b, cur.name);
        html_lit(b, "\">");
        if (!cd.has_email)
            input(b, w, "d-email", "email", "adm.dest_email", "email", cur.email, 0, 255);
        if (!cd.has_webhook)
            input(b, w, "d-hook", "webhook_url", "adm.dest_webhook", "url", cur.webhook_url, 0,
                  511);
        input(b, w, "d-secret", "webhook_secret", "adm.dest_secret", "password", "", 0, 127);
        html_lit(b, "<div class=\"field actions\">");
        submit(b, w, "adm.save", "primary");
        html_lit(b, "</div></form>");
    }
    html_lit(b, "</section>");
}

static void walks_section(html_buf *b, web_ctx *w)
{
    trygg_walk *wk = calloc(MAX_ROWS, sizeof *wk);
    int n = 0;
    if (!wk || trygg_store_walk_list(w->st, web_now() - 86400, wk, MAX_ROWS, &n) != TRYGG_OK)
        n = 0;
    html_lit(b, "<section class=\"card\" id=\"walks\" aria-labelledby=\"h-walks\"><h2 "
                "id=\"h-walks\">");
    html_t(b, w, "adm.walks");
    html_lit(b, "</h2>");
    if (n == 0) {
        html_lit(b, "<p class=\"muted\">");
        html_t(b, w, "adm.walks_none");
        html_lit(b, "</p>");
    } else {
        html_lit(b, "<table class=\"queue\"><thead><tr>");
        th(b, w, "adm.walk_when");
        th(b, w, "adm.walk_place");
        th(b, w, "adm.walk_meeting");
        th(b, w, "adm.walk_signups");
        html_lit(b, "<th scope=\"col\"><span class=\"sr\">");
        html_t(b, w, "adm.actions");
        html_lit(b, "</span></th></tr></thead><tbody>");
        for (int i = 0; i < n; i++) {
            char when[32];
            web_fmt_time(wk[i].starts, when);
            html_lit(b, "<tr>");
            td(b, w, "adm.walk_when", when);
            web_td(b, w, "adm.walk_place");
            if (wk[i].round) { /* a safety round (issue 16) */
                html_lit(b, "<strong>");
                html_t(b, w, "adm.walk_kind_round");
                html_lit(b, ":</strong> ");
            }
            html_text(b, wk[i].place);
            html_lit(b, "<br><span class=\"muted\">");
            html_text(b, web_area_label(w, wk[i].area));
            html_lit(b, "</span></td>");
            td(b, w, "adm.walk_meeting", wk[i].meeting_point);
            html_lit(b, "<td data-label=\"");
            html_t(b, w, "adm.walk_signups");
            html_lit(b, "\"><a href=\"/admin/walk/");
            html_int(b, wk[i].id);
            html_lit(b, "\">");
            html_int(b, wk[i].signups);
            if (wk[i].capacity > 0) {
                html_lit(b, " / ");
                html_int(b, wk[i].capacity);
            }
            html_lit(b, "</a></td><td>");
            id_button(b, w, "walk/cancel", wk[i].id, "adm.walk_cancel");
            html_lit(b, "</td></tr>");
        }
        html_lit(b, "</tbody></table>");
    }
    html_lit(b, "<h3>");
    html_t(b, w, "adm.walk_add");
    html_lit(b, "</h3>");
    form_open(b, w, "walk/save", "grid");
    /* A safety walk, or the housing company's safety round (issue 16): the
     * kiosk lists them on their own tiles, and round sign-ups go to the
     * rounds' coordinator (routing.ini). */
    field_open(b, w, "w-kind", "adm.walk_kind");
    html_lit(b, "<select id=\"w-kind\" name=\"round\"><option value=\"0\">");
    html_t(b, w, "adm.walk_kind_walk");
    html_lit(b, "</option><option value=\"1\">");
    html_t(b, w, "adm.walk_kind_round");
    html_lit(b, "</option></select></div>");
    input(b, w, "w-date", "date", "adm.walk_date", "date", "", 1, 10);
    input(b, w, "w-time", "time", "adm.walk_time", "time", "18:00", 1, 5);
    field_open(b, w, "w-area", "adm.walk_area");
    web_area_select(b, w, "w-area", "area", "", 0);
    html_lit(b, "</div>");
    input(b, w, "w-place", "place", "adm.walk_place", "text", "", 1, 127);
    input(b, w, "w-meet", "meeting_point", "adm.walk_meeting", "text", "", 1, 255);
    input(b, w, "w-cap", "capacity", "adm.walk_capacity", "number", "0", 0, 5);
    html_lit(b, "<div class=\"field actions\">");
    submit(b, w, "adm.add", "primary");
    html_lit(b, "</div></form></section>");
    free(wk);
}

static void notices_section(html_buf *b, web_ctx *w)
{
    trygg_notice *nt = calloc(MAX_ROWS, sizeof *nt);
    int n = 0;
    if (!nt || trygg_store_notice_list(w->st, web_now(), nt, MAX_ROWS, &n) != TRYGG_OK)
        n = 0;
    html_lit(b, "<section class=\"card\" id=\"notices\" aria-labelledby=\"h-notices\"><h2 "
                "id=\"h-notices\">");
    html_t(b, w, "adm.notices");
    html_lit(b, "</h2>");
    if (n == 0) {
        html_lit(b, "<p class=\"muted\">");
        html_t(b, w, "adm.notices_none");
        html_lit(b, "</p>");
    } else {
        html_lit(b, "<ul class=\"plain\">");
        for (int i = 0; i < n; i++) {
            char from[32], to[32];
            web_fmt_time(nt[i].from, from);
            web_fmt_time(nt[i].to, to);
            html_lit(b, "<li><span class=\"badge\">");
            html_text(b, nt[i].lang);
            html_lit(b, "</span> ");
            html_text(b, nt[i].text);
            html_lit(b, " <span class=\"muted\">");
            html_text(b, from);
            html_lit(b, " – ");
            html_text(b, to);
            html_lit(b, "</span> ");
            id_button(b, w, "notice/delete", nt[i].id, "adm.delete");
            html_lit(b, "</li>");
        }
        html_lit(b, "</ul>");
    }
    html_lit(b, "<h3>");
    html_t(b, w, "adm.notice_add");
    html_lit(b, "</h3>");
    form_open(b, w, "notice/add", "grid");
    field_open(b, w, "n-lang", "adm.notice_lang");
    html_lit(b, "<select id=\"n-lang\" name=\"lang\">");
    for (size_t i = 0; i < sizeof notice_langs / sizeof notice_langs[0]; i++) {
        char k[64];
        html_lit(b, "<option value=\"");
        html_attr(b, notice_langs[i]);
        html_lit(b, "\">");
        html_t(b, w, web_enum_key("lang", notice_langs[i], k));
        html_lit(b, "</option>");
    }
    html_lit(b, "</select></div>");
    input(b, w, "n-text", "text", "adm.notice_text", "text", "", 1, TRYGG_NOTICE_MAX);
    input(b, w, "n-from", "from", "adm.notice_from", "date", "", 1, 10);
    input(b, w, "n-to", "to", "adm.notice_to", "date", "", 1, 10);
    html_lit(b, "<div class=\"field actions\">");
    submit(b, w, "adm.add", "primary");
    html_lit(b, "</div></form></section>");
    free(nt);
}

static void walk_page(web_ctx *w, int64_t walk_id)
{
    trygg_walk wk;
    if (trygg_store_walk_get(w->st, walk_id, &wk) != TRYGG_OK) {
        web_error(w, 404, "error.not_found");
        return;
    }
    html_buf b;
    html_init(&b, 4 * 1024 * 1024);
    web_page_begin(&b, w, "adm.walk_title", "admin");
    char when[32];
    web_fmt_time(wk.starts, when);
    html_lit(&b, "<p class=\"crumbs\"><a href=\"/admin#walks\">← ");
    html_t(&b, w, "nav.admin");
    html_lit(&b, "</a></p><h1>");
    html_t(&b, w, "adm.walk_title");
    html_lit(&b, ": ");
    html_text(&b, wk.place);
    html_lit(&b, "</h1><p>");
    html_text(&b, when);
    html_lit(&b, " · ");
    html_text(&b, wk.meeting_point);
    html_lit(&b, "</p>");
    /* Sign-ups are walk_signup items pointing at this walk. */
    trygg_filter f;
    trygg_filter_init(&f);
    f.kind = TRYGG_KIND_WALK_SIGNUP;
    f.view = web_access_store_view(&w->sess.user);
    trygg_item *items = calloc(200, sizeof *items);
    trygg_cursor cur = {0}, next = {0};
    int shown = 0;
    html_lit(&b, "<table class=\"queue\"><thead><tr>");
    th(&b, w, "col.ref");
    th(&b, w, "col.received");
    th(&b, w, "item.contact");
    th(&b, w, "col.status");
    html_lit(&b, "</tr></thead><tbody>");
    for (int pages = 0; items && pages < 50; pages++) {
        int n = 0;
        if (trygg_store_list(w->st, &f, cur.valid ? &cur : NULL, items, 200, &n, &next) != TRYGG_OK)
            break;
        for (int i = 0; i < n; i++) {
            trygg_item v;
            if (items[i].walk_id != walk_id ||
                web_access_view(&w->sess.user, &items[i], &v) == WEB_SEE_NONE)
                continue;
            char t[32];
            web_fmt_time(v.created, t);
            html_lit(&b, "<tr><td data-label=\"");
            html_t(&b, w, "col.ref");
            html_lit(&b, "\"><a href=\"/item/");
            html_int(&b, v.id);
            html_lit(&b, "\">");
            html_text(&b, v.ref);
            html_lit(&b, "</a></td>");
            td(&b, w, "col.received", t);
            td(&b, w, "item.contact", v.contact);
            web_td(&b, w, "col.status");
            web_status_badge(&b, w, &v);
            html_lit(&b, "</td></tr>");
            shown++;
        }
        if (!next.valid || n < 200)
            break;
        cur = next;
    }
    html_lit(&b, "</tbody></table>");
    if (shown == 0) {
        html_lit(&b, "<p class=\"muted\">");
        html_t(&b, w, "adm.walk_no_signups");
        html_lit(&b, "</p>");
    }
    free(items);
    web_page_end(&b, w);
    html_send(&b, w->resp, 200);
}

void web_admin_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    if (!web_access_admin(&w.sess.user)) {
        web_error(&w, 403, "error.forbidden");
        return;
    }
    if (strncmp(req->path, "/admin/walk/", 12) == 0) {
        char *end;
        long long id = strtoll(req->path + 12, &end, 10);
        if (id <= 0 || *end) {
            web_error(&w, 404, "error.not_found");
            return;
        }
        walk_page(&w, id);
        return;
    }
    if (strcmp(req->path, "/admin") != 0) {
        web_error(&w, 404, "error.not_found");
        return;
    }
    trygg_destination d[64];
    int nd = 0;
    if (trygg_store_dest_list(w.st, d, 64, &nd) != TRYGG_OK)
        nd = 0;
    html_buf b;
    html_init(&b, 4 * 1024 * 1024);
    web_page_begin(&b, &w, "adm.title", "admin");
    html_lit(&b, "<h1>");
    html_t(&b, &w, "adm.title");
    html_lit(&b, "</h1><nav class=\"tabs\" aria-label=\"");
    html_t(&b, &w, "adm.sections");
    html_lit(&b, "\"><ul><li><a href=\"#users\">");
    html_t(&b, &w, "adm.users");
    html_lit(&b, "</a></li><li><a href=\"#destinations\">");
    html_t(&b, &w, "adm.destinations");
    html_lit(&b, "</a></li><li><a href=\"#walks\">");
    html_t(&b, &w, "adm.walks");
    html_lit(&b, "</a></li><li><a href=\"#notices\">");
    html_t(&b, &w, "adm.notices");
    html_lit(&b, "</a></li></ul></nav>");
    users_section(&b, &w, d, nd);
    dest_section(&b, &w, d, nd);
    walks_section(&b, &w);
    notices_section(&b, &w);
    web_page_end(&b, &w);
    html_send(&b, resp, 200);
}

/* ---- Actions --------------------------------------------------------------- */

static int fcopy(const http_req *req, const char *name, char *out, size_t cap, int required)
{
    const char *v = http_form(req, name);
    if (!v)
        v = "";
    if (required && !v[0])
        return 0;
    return trygg_strset(out, cap, v) == TRYGG_OK;
}

static int valid_name(const char *s)
{
    if (!s[0])
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
              *p == '.'))
            return 0;
    return 1;
}

static void done(web_ctx *w, const char *anchor, const char *param, const char *key)
{
    char loc[128];
    snprintf(loc, sizeof loc, "/admin?%s=%s#%s", param, key, anchor);
    http_resp_redirect(w->resp, loc);
}

/* The admin actions, by path under /admin/. Each answers (a redirect with a
 * message key, or an error page) and returns TRYGG_OK, or returns the error
 * for web_admin_post to report as failed. */
/* Adds a user (an admin only by an admin; a recipient user needs a known destination). */
static trygg_err user_add(web_ctx *w, const http_req *req)
{
    const char *me = w->sess.user.username;
    trygg_err e = TRYGG_ERR_INVALID;
    trygg_user u;
    memset(&u, 0, sizeof u);
    const char *pw = http_form(req, "password");
    int ok = fcopy(req, "username", u.username, sizeof u.username, 1) && valid_name(u.username) &&
             fcopy(req, "display", u.display, sizeof u.display, 1) &&
             fcopy(req, "role", u.role, sizeof u.role, 1) &&
             fcopy(req, "destination", u.destination, sizeof u.destination, 0) && pw &&
             strlen(pw) >= MIN_PASSWORD && strlen(pw) <= 256;
    int role_ok = 0;
    for (size_t i = 0; ok && i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(u.role, roles[i]) == 0)
            role_ok = 1;
    if (role_ok && strcmp(u.role, "admin") == 0 && strcmp(w->sess.user.role, "admin") != 0) {
        web_error(w, 403, "error.forbidden");
        return TRYGG_OK;
    }
    trygg_destination d;
    if (role_ok && strcmp(u.role, "destination") == 0 &&
        (!u.destination[0] || trygg_store_dest_get(w->st, u.destination, &d) != TRYGG_OK))
        role_ok = 0;
    if (role_ok && strcmp(u.role, "destination") != 0)
        u.destination[0] = '\0';
    u.can_call_back = http_form(req, "can_call_back") != NULL;
    if (!ok || !role_ok) {
        done(w, "users", "err",
             pw && strlen(pw) < MIN_PASSWORD ? "flash.password_short" : "flash.invalid");
        return TRYGG_OK;
    }
    e = trygg_store_user_add(w->st, &u, pw);
    if (e == TRYGG_ERR_EXISTS) {
        done(w, "users", "err", "flash.exists");
        return TRYGG_OK;
    }
    if (!e)
        TRYGG_INFO("web: %s added user %s (%s)", me, u.username, u.role);
    if (!e) {
        done(w, "users", "ok", "flash.user_added");
        return TRYGG_OK;
    }
    return e;
}

/* Disables or enables a user (not oneself; an admin only by an admin); a
 * disabled user's sessions end. */
static trygg_err set_disabled(web_ctx *w, const http_req *req, int dis)
{
    const char *me = w->sess.user.username;
    trygg_err e = TRYGG_ERR_INVALID;
    const char *name = http_form(req, "username");
    if (name && strcmp(name, me) != 0) {
        trygg_user target;
        if (trygg_store_user_get(w->st, name, &target) == TRYGG_OK &&
            strcmp(target.role, "admin") == 0 && strcmp(w->sess.user.role, "admin") != 0) {
            web_error(w, 403, "error.forbidden");
            return TRYGG_OK;
        }
        e = trygg_store_user_set_disabled(w->st, name, dis);
        if (!e && dis)
            web_session_destroy_user(w->st, name);
        if (!e)
            TRYGG_INFO("web: %s %s user %s", me, dis ? "disabled" : "enabled", name);
    }
    if (!e) {
        done(w, "users", "ok", "flash.saved");
        return TRYGG_OK;
    }
    return e;
}

static trygg_err user_disable(web_ctx *w, const http_req *req)
{
    return set_disabled(w, req, 1);
}

static trygg_err user_enable(web_ctx *w, const http_req *req)
{
    return set_disabled(w, req, 0);
}

/* Saves what the routing config leaves open of a destination; a company can never be given full
 * access (route.h). */
static trygg_err dest_save(web_ctx *w, const http_req *req)
{
    const char *me = w->sess.user.username;
    trygg_err e = TRYGG_ERR_INVALID;
    char name[TRYGG_NAME_MAX + 1];
    trygg_route_dest cd;
    trygg_destination d, in;
    memset(&in, 0, sizeof in);
    if (!fcopy(req, "name", name, sizeof name, 1) ||
        trygg_routes_dest_find(w->srv->routes, name, &cd) != TRYGG_OK ||
        trygg_store_dest_get(w->st, name, &d) != TRYGG_OK) {
        done(w, "destinations", "err", "flash.dest_not_configured");
        return TRYGG_OK;
    }
    if (http_form(req, "full_access") != NULL && !cd.full_access) {
        TRYGG_WARN("web: %s tried to give recipient %s full access", me, name);
        done(w, "destinations", "err",
             cd.company ? "flash.dest_company" : "flash.dest_not_configured");
        return TRYGG_OK;
    }
    int ok = fcopy(req, "email", in.email, sizeof in.email, 0) &&
             fcopy(req, "webhook_url", in.webhook_url, sizeof in.webhook_url, 0) &&
             fcopy(req, "webhook_secret", in.webhook_secret, sizeof in.webhook_secret, 0);
    if (ok && in.email[0] && (!strchr(in.email, '@') || strpbrk(in.email, " \r\n<>,;")))
        ok = 0;
    if (ok && in.webhook_url[0] && strncmp(in.webhook_url, "https://", 8) != 0 &&
        strncmp(in.webhook_url, "http://", 7) != 0)
        ok = 0;
    if (ok && !cd.has_email)
        memcpy(d.email, in.email, sizeof d.email);
    if (ok && !cd.has_webhook)
        memcpy(d.webhook_url, in.webhook_url, sizeof d.webhook_url);
    if (ok && in.webhook_secret[0])
        memcpy(d.webhook_secret, in.webhook_secret, sizeof d.webhook_secret);
    d.full_access = cd.full_access; /* the config's, whatever the row said */
    if (ok) {
        e = trygg_store_dest_put(w->st, &d);
        if (!e) {
            TRYGG_INFO("web: %s saved destination %s", me, d.name);
            done(w, "destinations", "ok", "flash.saved");
            return TRYGG_OK;
        }
    }
    done(w, "destinations", "err", "flash.invalid");
    return TRYGG_OK;
}

/* Plans a walk (date, time, place, meeting point, capacity). */
static trygg_err walk_save(web_ctx *w, const http_req *req)
{
    trygg_err e = TRYGG_ERR_INVALID;
    trygg_walk wk;
    memset(&wk, 0, sizeof wk);
    const char *date = http_form(req, "date");
    const char *tm = http_form(req, "time");
    const char *cap = http_form(req, "capacity");
    const char *round = http_form(req, "round");
    wk.round = round && strcmp(round, "1") == 0;
    int64_t day = web_parse_date(date);
    int hh = -1, mm = -1;
    char tail;
    if (tm && strlen(tm) == 5 && sscanf(tm, "%2d:%2d%c", &hh, &mm, &tail) != 2)
        hh = -1;
    long capv = cap && cap[0] ? strtol(cap, NULL, 10) : 0;
    int ok = day > 0 && hh >= 0 && hh < 24 && mm >= 0 && mm < 60 && capv >= 0 && capv <= 10000 &&
             fcopy(req, "area", wk.area, sizeof wk.area, 1) &&
             fcopy(req, "place", wk.place, sizeof wk.place, 1) &&
             fcopy(req, "meeting_point", wk.meeting_point, sizeof wk.meeting_point, 1);
    if (ok) {
        trygg_tm lt;
        trygg_time_local(day, &lt);
        wk.starts = trygg_time_from_local(lt.year, lt.month, lt.day, hh, mm, 0);
        wk.capacity = (int)capv;
        e = trygg_store_walk_put(w->st, &wk);
        if (!e) {
            done(w, "walks", "ok", "flash.saved");
            return TRYGG_OK;
        }
    }
    done(w, "walks", "err", "flash.invalid");
    return TRYGG_OK;
}

/* Cancels a walk. */
static trygg_err walk_cancel(web_ctx *w, const http_req *req)
{
    trygg_err e = TRYGG_ERR_INVALID;
    const char *id = http_form(req, "id");
    trygg_walk wk;
    if (id && trygg_store_walk_get(w->st, strtoll(id, NULL, 10), &wk) == TRYGG_OK) {
        wk.cancelled = 1;
        e = trygg_store_walk_put(w->st, &wk);
    }
    if (!e) {
        done(w, "walks", "ok", "flash.saved");
        return TRYGG_OK;
    }
    return e;
}

/* Adds a notice shown on the kiosks from one day to another. */
static trygg_err notice_add(web_ctx *w, const http_req *req)
{
    trygg_err e = TRYGG_ERR_INVALID;
    trygg_notice nt;
    memset(&nt, 0, sizeof nt);
    int64_t from = web_parse_date(http_form(req, "from"));
    int64_t to = web_parse_date(http_form(req, "to"));
    const char *text = http_form(req, "text");
    if (text && strlen(text) > TRYGG_NOTICE_MAX) { /* what a kiosk can show */
        done(w, "notices", "err", "flash.notice_too_long");
        return TRYGG_OK;
    }
    int ok = from > 0 && to >= from && fcopy(req, "text", nt.text, sizeof nt.text, 1) &&
             fcopy(req, "lang", nt.lang, sizeof nt.lang, 1);
    int lang_ok = 0;
    for (size_t i = 0; ok && i < sizeof notice_langs / sizeof notice_langs[0]; i++)
        if (strcmp(nt.lang, notice_langs[i]) == 0)
            lang_ok = 1;
    if (ok && lang_ok) {
        nt.from = from;
        nt.to = to + 86400;
        e = trygg_store_notice_put(w->st, &nt);
        if (!e) {
            done(w, "notices", "ok", "flash.saved");
            return TRYGG_OK;
        }
    }
    done(w, "notices", "err", "flash.invalid");
    return TRYGG_OK;
}

/* Deletes a notice. */
static trygg_err notice_delete(web_ctx *w, const http_req *req)
{
    trygg_err e = TRYGG_ERR_INVALID;
    const char *id = http_form(req, "id");
    if (id)
        e = trygg_store_notice_delete(w->st, strtoll(id, NULL, 10));
    if (!e) {
        done(w, "notices", "ok", "flash.deleted");
        return TRYGG_OK;
    }
    return e;
}

static const struct {
    const char *path;
    trygg_err (*run)(web_ctx *w, const http_req *req);
} admin_actions[] = {
    {"user/add", user_add},     {"user/disable", user_disable},   {"user/enable", user_enable},
    {"dest/save", dest_save},   {"walk/save", walk_save},         {"walk/cancel", walk_cancel},
    {"notice/add", notice_add}, {"notice/delete", notice_delete},
};

void web_admin_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    if (!web_access_admin(&w.sess.user)) {
        web_error(&w, 403, "error.forbidden");
        return;
    }
    const char *a = req->path + strlen("/admin/");
    for (size_t i = 0; i < sizeof admin_actions / sizeof admin_actions[0]; i++) {
        if (strcmp(a, admin_actions[i].path) != 0)
            continue;
        trygg_err e = admin_actions[i].run(&w, req);
        if (e == TRYGG_OK)
            return;
        TRYGG_INFO("web: admin action %s by %s failed: %s", a, w.sess.user.username,
                   trygg_strerror(e));
        done(&w, "users", "err", "flash.failed");
        return;
    }
    web_error(&w, 404, "error.not_found");
}
