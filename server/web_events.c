/*
 * web_events.c — partner events ("Händelser"): the operational group's own
 * reports (store.h "Partner events"). One form that fits a phone screen —
 * type, day, time of day, area, place, count, a short description — and the
 * organisation's events of the last two weeks, each editable.
 *
 * Who sees what: a destination user (the housing company's caretakers, the
 * street department, ...) files and edits events of its own organisation
 * only; the security department (roles security and admin) files as
 * "security" and sees and edits every organisation's events. The scope is
 * passed to every store call, so another organisation's event id is a 404.
 *
 * Routes: GET/POST /events (list + new), GET/POST /events/<id> (edit, or
 * delete with action=delete). Posts redirect back (post/redirect/get); a
 * form with a bad field is shown again with the values and the field named.
 */
#include "web.h"
#include "config.h"

#include "events_import.h"
#include "trygg/copy.h"
#include "trygg/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_DAYS 14
#define LIST_MAX  200

const char *web_event_org(const web_user *u)
{
    return web_access_is_security(u) ? "security" : u->destination;
}

/* The store scope the user reads with (NULL = every organisation). */
static const char *user_scope(const web_user *u)
{
    return web_access_is_security(u) ? NULL : u->destination;
}

/* Today's local date, and `days` days earlier, as YYYY-MM-DD. */
static void local_day(int64_t now, int back_days, char out[11])
{
    if (trygg_time_format(now - (int64_t)back_days * 86400, "%Y-%m-%d", out, 11) == 0)
        out[0] = '\0';
}

static const char *band_now(int64_t now)
{
    int y, m, d, h, mi, wd;
    trygg_utc_to_local(now, &y, &m, &d, &h, &mi, &wd);
    return trygg_event_band_name(h / 6);
}

static void radio(html_buf *b, const web_ctx *w, const char *name, const char *value,
                  const char *label_key, const char *cur)
{
    html_lit(b, "<label class=\"choice\"><input type=\"radio\" required name=\"");
    html_attr(b, name);
    html_lit(b, "\" value=\"");
    html_attr(b, value);
    html_lit(b, "\"");
    if (cur && strcmp(cur, value) == 0)
        html_lit(b, " checked");
    html_lit(b, "><span>");
    html_t(b, w, label_key);
    html_lit(b, "</span></label>");
}

static void type_choices(html_buf *b, const web_ctx *w, const trygg_event *ev, int have_type)
{
    html_lit(b, "<fieldset class=\"choices\"><legend>");
    html_t(b, w, "event.type");
    html_lit(b, "</legend>");
    for (int i = 0; i < TRYGG_EVENT_TYPE_COUNT; i++) {
        char k[64];
        const char *n = trygg_event_type_name((trygg_event_type)i);
        radio(b, w, "type", n, web_enum_key("event.type", n, k),
              have_type ? trygg_event_type_name(ev->type) : NULL);
    }
    html_lit(b, "</fieldset>");
}

static void when_fields(html_buf *b, const web_ctx *w, const trygg_event *ev, const char *today)
{
    html_lit(b, "<div class=\"field\"><label for=\"ev-day\">");
    html_t(b, w, "event.day");
    html_lit(b, "</label><input id=\"ev-day\" name=\"day\" type=\"date\" required max=\"");
    html_attr(b, today);
    html_lit(b, "\" value=\"");
    html_attr(b, ev->day);
    html_lit(b, "\"></div><fieldset class=\"choices\"><legend>");
    html_t(b, w, "event.band");
    html_lit(b, "</legend>");
    for (int i = 0; i < TRYGG_EVENT_BAND_COUNT; i++) {
        char k[64];
        const char *n = trygg_event_band_name(i);
        radio(b, w, "band", n, web_enum_key("event.band", n, k), ev->band);
    }
    html_lit(b, "</fieldset>");
}

/* The registered place (server.ini [place ID], trygg/geo.h) with this
 * label in this area, NULL if none: an event's place is its label. */
static const trygg_place *place_of_event(const web_ctx *w, const char *area, const char *label)
{
    const trygg_geo *g = w->srv && w->srv->cfg.catalog ? w->srv->cfg.catalog->geo : NULL;
    for (int i = 0; g && label[0] && i < g->nplaces; i++)
        if (strcmp(g->places[i].area, area) == 0 && strcmp(g->places[i].label, label) == 0)
            return &g->places[i];
    return NULL;
}

/* The places as a list grouped by area (no script: every area's places
 * are under its name), "annan plats" first; NULL-safe without places. */
static void place_select(html_buf *b, const web_ctx *w, const trygg_place *cur)
{
    const server_catalog *cat = w->srv ? w->srv->cfg.catalog : NULL;
    if (!cat || !cat->geo || cat->geo->nplaces == 0)
        return;
    html_lit(b, "<div class=\"field\"><label for=\"ev-place-id\">");
    html_t(b, w, "event.place_pick");
    html_lit(b, "</label><select id=\"ev-place-id\" name=\"place_id\"><option value=\"\">");
    html_t(b, w, "event.place_other");
    html_lit(b, "</option>");
    for (int a = 0; a < cat->nareas; a++) {
        const trygg_place *in[TRYGG_GEO_PLACES];
        int n = config_places_in(&w->srv->cfg, cat->areas[a].id, in, TRYGG_GEO_PLACES);
        if (n == 0)
            continue;
        html_lit(b, "<optgroup label=\"");
        html_attr(b, web_area_label(w, cat->areas[a].id));
        html_lit(b, "\">");
        for (int i = 0; i < n; i++) {
            html_lit(b, "<option value=\"");
            html_attr(b, in[i]->id);
            if (in[i] == cur)
                html_lit(b, "\" selected>");
            else
                html_lit(b, "\">");
            html_text(b, in[i]->label);
            html_lit(b, "</option>");
        }
        html_lit(b, "</optgroup>");
    }
    html_lit(b, "</select></div>");
}

/* The place chosen in a refused form's list, NULL if none. */
static const trygg_place *place_posted(const web_ctx *w)
{
    const char *pid = w->req ? http_form(w->req, "place_id") : NULL;
    const trygg_geo *g = w->srv && w->srv->cfg.catalog ? w->srv->cfg.catalog->geo : NULL;
    for (int i = 0; pid && g && i < g->nplaces; i++)
        if (strcmp(g->places[i].id, pid) == 0)
            return &g->places[i];
    return NULL;
}

static void where_fields(html_buf *b, const web_ctx *w, const trygg_event *ev)
{
    const trygg_place *posted = place_posted(w);
    const trygg_place *cur = posted ? posted : place_of_event(w, ev->area, ev->place);
    html_lit(b, "<div class=\"field\"><label for=\"ev-area\">");
    html_t(b, w, "event.area");
    html_lit(b, "</label>");
    web_area_select(b, w, "ev-area", "area", ev->area, 0);
    html_lit(b, "</div>");
    place_select(b, w, cur);
    html_lit(b, "<div class=\"field\"><label for=\"ev-place\">");
    html_t(b, w,
           cur || (w->srv && w->srv->cfg.catalog && w->srv->cfg.catalog->geo &&
                   w->srv->cfg.catalog->geo->nplaces)
               ? "event.place_other_text"
               : "event.place");
    html_lit(b, "</label><input id=\"ev-place\" name=\"place\" maxlength=\"63\" value=\"");
    html_attr(b, cur && !posted ? "" : ev->place);
    html_lit(b, "\"></div><div class=\"field\"><label for=\"ev-count\">");
    html_t(b, w, "event.count");
    html_lit(b, "</label><input id=\"ev-count\" name=\"count\" type=\"number\" min=\"1\" "
                "max=\"999\" inputmode=\"numeric\" required value=\"");
    html_int(b, ev->count > 0 ? ev->count : 1);
    html_lit(b, "\"></div><div class=\"field\"><label for=\"ev-text\">");
    html_t(b, w, "event.text");
    html_lit(b, "</label><textarea id=\"ev-text\" name=\"text\" rows=\"2\" maxlength=\"500\">");
    html_text(b, ev->text);
    html_lit(b, "</textarea><p class=\"hint\">");
    html_t(b, w, "event.text_hint");
    html_lit(b, "</p></div>");
}

/* A place chosen from the list (place_id) becomes the event's place text
 * (its label) and, when no area was chosen, its area. Returns the bad
 * field or NULL. */
static const char *read_place(const web_ctx *w, trygg_event *ev)
{
    const char *pid = http_form(w->req, "place_id");
    if (!pid || !pid[0])
        return NULL; /* "annan plats": the free text, as before */
    const trygg_place *p = place_posted(w);
    if (!p)
        return "place_id";
    if (ev->place[0] && strcmp(ev->place, p->label) != 0)
        return "place_both"; /* a place from the list and another one written */
    if (ev->area[0] && strcmp(ev->area, p->area) != 0)
        return "place_id"; /* not in the chosen area */
    TRYGG_COPY_FIT(ev->area, p->area);
    TRYGG_COPY_FIT(ev->place, p->label);
    return NULL;
}

/* The form; `bad` names the field to point out (NULL for none). */
static void event_form(html_buf *b, const web_ctx *w, const trygg_event *ev, int have_type,
                       const char *bad, const char *today)
{
    if (bad) {
        char k[64];
        html_lit(b, "<p class=\"flash error\" role=\"alert\">");
        html_t(b, w, "event.invalid");
        html_lit(b, " ");
        html_t(b, w, web_enum_key("event.bad", bad, k));
        html_lit(b, "</p>");
    }
    html_lit(b, "<form method=\"post\" class=\"event-form\" action=\"/events");
    if (ev->id > 0) {
        html_lit(b, "/");
        html_int(b, ev->id);
    }
    html_lit(b, "\">");
    web_csrf_field(b, w);
    type_choices(b, w, ev, have_type);
    when_fields(b, w, ev, today);
    where_fields(b, w, ev);
    html_lit(b, "<div class=\"field actions\"><button type=\"submit\" class=\"primary\">");
    html_t(b, w, ev->id > 0 ? "event.save" : "event.file");
    html_lit(b, "</button></div></form>");
}

static void event_row(html_buf *b, const web_ctx *w, const trygg_event *ev, int show_org)
{
    char k[64];
    html_lit(b, "<tr>");
    web_td(b, w, "event.day");
    html_text(b, ev->day);
    html_lit(b, " <span class=\"muted\">");
    html_t(b, w, web_enum_key("event.band", ev->band, k));
    html_lit(b, "</span></td>");
    web_td(b, w, "event.type");
    html_t(b, w, web_enum_key("event.type", trygg_event_type_name(ev->type), k));
    html_lit(b, "</td>");
    web_td(b, w, "event.count");
    html_int(b, ev->count);
    html_lit(b, "</td>");
    web_td(b, w, "event.where");
    html_text(b, web_area_label(w, ev->area));
    if (ev->place[0]) {
        html_lit(b, ", ");
        html_text(b, ev->place);
    }
    html_lit(b, "</td>");
    web_td(b, w, "event.description");
    html_text(b, ev->text);
    html_lit(b, "</td>");
    if (show_org) {
        web_td(b, w, "event.org");
        html_text(b, strcmp(ev->org, "security") == 0 ? web_t(w, "role.security")
                                                      : web_dest_label(w, ev->org));
        html_lit(b, "</td>");
    }
    html_lit(b, "<td><a href=\"/events/");
    html_int(b, ev->id);
    html_lit(b, "\">");
    html_t(b, w, "event.edit");
    html_lit(b, "</a></td></tr>");
}

static void event_head(html_buf *b, const web_ctx *w, int show_org)
{
    static const char *const cols[] = {"event.day", "event.type", "event.count", "event.where",
                                       "event.description"};
    html_lit(b, "<thead><tr>");
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        html_lit(b, "<th scope=\"col\">");
        html_t(b, w, cols[i]);
        html_lit(b, "</th>");
    }
    if (show_org) {
        html_lit(b, "<th scope=\"col\">");
        html_t(b, w, "event.org");
        html_lit(b, "</th>");
    }
    html_lit(b, "<th scope=\"col\"><span class=\"sr\">");
    html_t(b, w, "event.edit");
    html_lit(b, "</span></th></tr></thead>");
}

/* The organisation's events of the last LIST_DAYS days. */
static void event_list(html_buf *b, web_ctx *w, int64_t now)
{
    char from[11], to[11];
    local_day(now, LIST_DAYS - 1, from);
    local_day(now, 0, to);
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-ev-list\"><h2 id=\"h-ev-list\">");
    html_t(b, w, "event.recent");
    html_lit(b, "</h2>");
    trygg_event *evs = calloc(LIST_MAX, sizeof *evs);
    int n = 0;
    if (!evs || trygg_store_event_list(w->st, user_scope(&w->sess.user), from, "", evs, LIST_MAX,
                                       &n) != TRYGG_OK) {
        html_lit(b, "<p class=\"flash error\" role=\"alert\">");
        html_t(b, w, "error.unavailable");
        html_lit(b, "</p></section>");
        free(evs);
        return;
    }
    if (n == 0) {
        html_lit(b, "<p>");
        html_t(b, w, "event.none");
        html_lit(b, "</p></section>");
        free(evs);
        return;
    }
    int show_org = web_access_is_security(&w->sess.user);
    html_lit(b, "<table class=\"queue\">");
    event_head(b, w, show_org);
    html_lit(b, "<tbody>");
    for (int i = 0; i < n; i++)
        event_row(b, w, &evs[i], show_org);
    html_lit(b, "</tbody></table></section>");
    free(evs);
}

static void import_errors(html_buf *b, const web_ctx *w, const events_import *imp)
{
    html_lit(b, "<div role=\"alert\"><p class=\"flash error\">");
    html_t(b, w, "import.refused");
    html_lit(b, "</p><table class=\"queue\"><thead><tr><th scope=\"col\">");
    html_t(b, w, "import.line");
    html_lit(b, "</th><th scope=\"col\">");
    html_t(b, w, "import.column");
    html_lit(b, "</th><th scope=\"col\">");
    html_t(b, w, "import.value");
    html_lit(b, "</th><th scope=\"col\">");
    html_t(b, w, "import.reason");
    html_lit(b, "</th></tr></thead><tbody>");
    for (int i = 0; i < imp->nerrs; i++) {
        const events_import_error *e = &imp->errs[i];
        html_lit(b, "<tr>");
        web_td(b, w, "import.line");
        if (e->line > 0)
            html_int(b, e->line);
        html_lit(b, "</td>");
        web_td(b, w, "import.column");
        html_text(b, e->column);
        html_lit(b, "</td>");
        web_td(b, w, "import.value");
        html_text(b, e->value);
        html_lit(b, "</td>");
        web_td(b, w, "import.reason");
        html_t(b, w, e->reason_key);
        html_lit(b, "</td></tr>");
    }
    html_lit(b, "</tbody></table>");
    if (imp->more_errors) {
        html_lit(b, "<p>");
        html_t(b, w, "import.more_errors");
        html_lit(b, " ");
        html_int(b, imp->more_errors);
        html_lit(b, "</p>");
    }
    html_lit(b, "</div>");
}

/* The import card: a CSV file upload, and the refusal of the last try. */
static void import_card(html_buf *b, const web_ctx *w, const events_import *imp)
{
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-ev-import\"><h2 id=\"h-ev-import\">");
    html_t(b, w, "import.title");
    html_lit(b, "</h2><p class=\"hint\">");
    html_t(b, w, "import.hint");
    html_lit(b, "</p>");
    if (imp)
        import_errors(b, w, imp);
    html_lit(b, "<form method=\"post\" action=\"/events/import\" "
                "enctype=\"multipart/form-data\">");
    web_csrf_field(b, w);
    html_lit(b, "<div class=\"field\"><label for=\"ev-file\">");
    html_t(b, w, "import.file");
    html_lit(b, "</label><input id=\"ev-file\" name=\"file\" type=\"file\" required "
                "accept=\".csv,text/csv,.xlsx,application/"
                "vnd.openxmlformats-officedocument.spreadsheetml.sheet\"></div>"
                "<div class=\"field actions\">"
                "<button type=\"submit\">");
    html_t(b, w, "import.send");
    html_lit(b, "</button></div></form></section>");
}

/* The page: the form (blank, or a refused one with its values), the list
 * and the import card. */
static void events_page(web_ctx *w, const trygg_event *shown, int have_type, const char *bad,
                        const events_import *imp, int status)
{
    int64_t now = web_now();
    char today[11];
    local_day(now, 0, today);
    trygg_event blank;
    memset(&blank, 0, sizeof blank);
    TRYGG_COPY_FIT(blank.day, today);
    trygg_copy_trunc(blank.band, sizeof blank.band, band_now(now)); /* a short constant */
    blank.count = 1;
    html_buf b;
    html_init(&b, 1 << 20);
    web_page_begin(&b, w, "event.title", "events");
    html_lit(&b, "<h1>");
    html_t(&b, w, "event.title");
    html_lit(&b, "</h1><section class=\"card\" aria-labelledby=\"h-ev-new\"><h2 id=\"h-ev-new\">");
    html_t(&b, w, "event.new");
    html_lit(&b, "</h2>");
    event_form(&b, w, shown ? shown : &blank, shown ? have_type : 0, bad, today);
    html_lit(&b, "</section>");
    event_list(&b, w, now);
    import_card(&b, w, imp);
    web_page_end(&b, w);
    html_send(&b, w->resp, status);
}

static void edit_page(web_ctx *w, const trygg_event *ev, const char *bad, int status)
{
    char today[11];
    local_day(web_now(), 0, today);
    html_buf b;
    html_init(&b, 1 << 18);
    web_page_begin(&b, w, "event.edit_title", "events");
    html_lit(&b, "<p><a href=\"/events\">");
    html_t(&b, w, "event.back");
    html_lit(&b, "</a></p><h1>");
    html_t(&b, w, "event.edit_title");
    html_lit(&b, "</h1><section class=\"card\">");
    event_form(&b, w, ev, 1, bad, today);
    html_lit(&b, "<form method=\"post\" action=\"/events/");
    html_int(&b, ev->id);
    html_lit(&b, "\">");
    web_csrf_field(&b, w);
    html_lit(&b, "<input type=\"hidden\" name=\"action\" value=\"delete\">"
                 "<button type=\"submit\" class=\"danger\">");
    html_t(&b, w, "event.delete");
    html_lit(&b, "</button></form></section>");
    web_page_end(&b, w);
    html_send(&b, w->resp, status);
}

/* Reads the form into *ev. Returns the first bad field, or NULL. *have_type
 * says whether a known type was chosen (to show the choice again). */
static const char *read_form(const web_ctx *w, trygg_event *ev, int *have_type)
{
    const http_req *r = w->req;
    const char *type = http_form(r, "type"), *count = http_form(r, "count");
    *have_type = type && trygg_event_type_parse(type, &ev->type) == TRYGG_OK;
    static const struct {
        const char *name;
        size_t off, cap;
    } text_fields[] = {
        {"day", offsetof(trygg_event, day), sizeof(((trygg_event *)0)->day)},
        {"band", offsetof(trygg_event, band), sizeof(((trygg_event *)0)->band)},
        {"area", offsetof(trygg_event, area), sizeof(((trygg_event *)0)->area)},
        {"place", offsetof(trygg_event, place), sizeof(((trygg_event *)0)->place)},
        {"text", offsetof(trygg_event, text), sizeof(((trygg_event *)0)->text)},
    };
    const char *bad = NULL;
    for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
        const char *v = http_form(r, text_fields[i].name);
        if (trygg_strset((char *)ev + text_fields[i].off, text_fields[i].cap, v) != TRYGG_OK &&
            !bad)
            bad = text_fields[i].name;
    }
    char *end = NULL;
    long c = count ? strtol(count, &end, 10) : 0;
    ev->count =
        (end && end != count && *end == '\0' && c >= 1 && c <= TRYGG_EVENT_COUNT_MAX) ? (int)c : 0;
    if (!bad)
        bad = read_place(w, ev);
    if (!*have_type)
        return "type";
    if (bad)
        return bad;
    const char *field = NULL;
    if (trygg_event_validate(ev, &field) != TRYGG_OK)
        return field;
    char today[11];
    local_day(web_now(), 0, today);
    if (strcmp(ev->day, today) > 0) /* an event cannot be in the future */
        return "day";
    return NULL;
}

void web_events_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    events_page(&w, NULL, 0, NULL, NULL, 200);
}

void web_events_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    trygg_event ev;
    memset(&ev, 0, sizeof ev);
    if (!TRYGG_COPY(ev.org, web_event_org(&w.sess.user))) {
        web_error(&w, 500, "error.500");
        return;
    }
    TRYGG_COPY_FIT(ev.reporter, w.sess.user.username);
    int have_type = 0;
    const char *bad = read_form(&w, &ev, &have_type);
    if (bad) {
        events_page(&w, &ev, have_type, bad, NULL, 400);
        return;
    }
    int64_t id = 0;
    if (trygg_store_event_add(w.st, &ev, &id) != TRYGG_OK) {
        web_error(&w, 500, "error.unavailable");
        return;
    }
    http_resp_redirect(resp, "/events?ok=flash.event_filed");
}

void web_events_page(web_ctx *w, const events_import *errors, int status)
{
    events_page(w, NULL, 0, NULL, errors, status);
}

/* "/events/<id>" → id (> 0), or -1. */
static int64_t event_id(const char *path)
{
    const char *p = path + strlen("/events/");
    char *end = NULL;
    long long id = strtoll(p, &end, 10);
    return (end == p || *end != '\0' || id <= 0) ? -1 : (int64_t)id;
}

void web_event_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    trygg_event ev;
    int64_t id = event_id(req->path);
    if (id < 0 || trygg_store_event_get(w.st, id, user_scope(&w.sess.user), &ev) != TRYGG_OK) {
        web_error(&w, 404, "event.not_found");
        return;
    }
    edit_page(&w, &ev, NULL, 200);
}

void web_event_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    trygg_event ev;
    int64_t id = event_id(req->path);
    const char *scope = user_scope(&w.sess.user);
    if (id < 0 || trygg_store_event_get(w.st, id, scope, &ev) != TRYGG_OK) {
        web_error(&w, 404, "event.not_found");
        return;
    }
    const char *action = http_form(req, "action");
    if (action && strcmp(action, "delete") == 0) {
        if (trygg_store_event_delete(w.st, id, scope) != TRYGG_OK) {
            web_error(&w, 500, "error.unavailable");
            return;
        }
        http_resp_redirect(resp, "/events?ok=flash.event_deleted");
        return;
    }
    int have_type = 0;
    const char *bad = read_form(&w, &ev, &have_type);
    if (bad) {
        edit_page(&w, &ev, bad, 400);
        return;
    }
    if (trygg_store_event_update(w.st, &ev, scope) != TRYGG_OK) {
        web_error(&w, 500, "error.unavailable");
        return;
    }
    http_resp_redirect(resp, "/events?ok=flash.event_saved");
}
