/*
 * report_period_web.c — the quarter and the year in trygg-server (routes in
 * report_web.h), and the police events placed by hand.
 *
 * The quarter (the council's area analysis) and the year or half-year (the
 * steering group's report) follow the week's rules (report_web.c): the
 * roles of [report] internal_roles / internal_destinations get the internal
 * view on the page, and in the CSV and the printout when they ask for it
 * (?view=internal); everyone else, and every export by default, the
 * published view. Exports are in the access log. The measures (with their
 * follow-up) are shown only to those who may see the measures register
 * (web_meeting_allowed), in either view.
 *
 * Police events: the feed's coordinates are only the municipality's centre,
 * so no event ever gets a place from the feed. The security department
 * (admin, security) attaches a week's events to places of the register by
 * hand on /report/police, and detaches them; every change is in the audit
 * of police places (trygg_police_place). Everyone else gets 403.
 */
#include "report_web.h"
#include "config.h"
#include "web.h"

#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/police_events.h"
#include "trygg/report_period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERIOD_PAGE_MAX (4u * 1024u * 1024u)
#define POLICE_LIST_MAX 200

typedef enum { OUT_PAGE, OUT_CSV, OUT_PRINT } out_kind;

static void plain_error(web_ctx *w, int status, const char *key)
{
    html_buf b;
    html_init(&b, 64 * 1024);
    web_page_begin(&b, w, "report.title", "report");
    html_lit(&b, "<h1>");
    html_text(&b, trygg_i18n_get(report_catalog(), w->lang, key));
    html_lit(&b, "</h1>");
    web_page_end(&b, w);
    html_send(&b, w->resp, status);
}

/* The period of ?period=, or the last complete one of the route's kind.
 * 0, -1 if invalid or of the wrong kind, -2 if it has not begun. */
static int requested_period(const http_req *req, int year_route, trygg_period *p)
{
    const char *s = http_query(req, "period");
    if (!s || !s[0]) {
        trygg_period_last_complete(year_route ? TRYGG_PERIOD_YEAR : TRYGG_PERIOD_QUARTER, web_now(),
                                   p);
        return 0;
    }
    if (trygg_period_parse(s, p) != TRYGG_OK || (p->kind == TRYGG_PERIOD_QUARTER) == year_route)
        return -1;
    return p->start > web_now() ? -2 : 0;
}

static trygg_err build(web_ctx *w, const trygg_period *p, trygg_period_report **r)
{
    trygg_report_areas *areas = malloc(sizeof *areas);
    if (!areas)
        return TRYGG_ERR_NOMEM;
    report_areas_from_config(&w->srv->cfg, areas);
    int weeks = w->srv->cfg.before_after_weeks > 0 ? w->srv->cfg.before_after_weeks : 8;
    trygg_err err = trygg_period_build(w->st, p, areas, weeks, web_now(), r);
    free(areas);
    return err;
}

static void send_out(web_ctx *w, out_kind kind, trygg_err err, trygg_buf *out, const char *name)
{
    http_resp *resp = w->resp;
    if (kind == OUT_PAGE) {
        html_buf b;
        html_init(&b, PERIOD_PAGE_MAX + 256 * 1024);
        web_page_begin(&b, w, "report.title", "report");
        if (!err) /* finished markup: libtrygg escaped every dynamic value */
            html_raw_(&b, out->data, out->len);
        else
            b.err = err; /* html_send answers 500 */
        web_page_end(&b, w);
        html_send(&b, resp, 200);
        return;
    }
    const char *ctype = kind == OUT_CSV ? "text/csv; charset=utf-8" : "text/html; charset=utf-8";
    if (err || http_resp_set(resp, 200, ctype, out->data, out->len) != 0) {
        http_resp_set(resp, 500, "text/plain; charset=utf-8", "500\n", 4);
        return;
    }
    if (kind == OUT_CSV) {
        char disp[96];
        snprintf(disp, sizeof disp, "attachment; filename=\"lagesbild-%s.csv\"", name);
        http_resp_header(resp, "Content-Disposition", disp);
    }
    http_resp_header(resp, "Cache-Control", "no-store");
}

static void serve(void *ctx, const http_req *req, http_resp *resp, int year_route, out_kind kind)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    trygg_period p;
    int prc = requested_period(req, year_route, &p);
    if (prc != 0) {
        plain_error(&w, 400, prc == -2 ? "period.future" : "period.bad");
        return;
    }
    char name[16];
    trygg_period_format(&p, name, sizeof name);
    trygg_period_report *r = NULL;
    trygg_err err = build(&w, &p, &r);
    if (err) {
        TRYGG_ERR("report %s: %s (%s)", name, trygg_strerror(err), trygg_store_errmsg(w.st));
        plain_error(&w, 503, "report.error");
        return;
    }
    /* the measures register is the meeting's: not for every reader */
    r->measures_hidden = !web_meeting_allowed(&w);
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    o.threshold = report_threshold(&w.srv->cfg);
    o.lang = w.lang;
    o.t = report_catalog();
    o.base_url = year_route ? "/report/year" : "/report/quarter";
    o.css_href = "/report/report.css"; /* the CSP allows no inline style */
    const char *view = http_query(req, "view");
    int want_internal = kind == OUT_PAGE ? !(view && strcmp(view, "published") == 0)
                                         : (view && strcmp(view, "internal") == 0);
    o.suppress = !(want_internal && report_internal_allowed(&w.srv->cfg, &w.sess.user));
    o.print = o.standalone = kind == OUT_PRINT;
    if (kind != OUT_PAGE) /* what leaves the screen is an export */
        web_log_export(&w,
                       kind == OUT_CSV
                           ? (year_route ? "export_year_csv" : "export_quarter_csv")
                           : (year_route ? "export_year_print" : "export_quarter_print"),
                       0, name);
    trygg_buf out;
    trygg_buf_init(&out, PERIOD_PAGE_MAX);
    err = kind == OUT_CSV ? trygg_period_csv(r, &o, &out) : trygg_period_html(r, &o, &out);
    if (err)
        TRYGG_ERR("report %s: rendering failed: %s", name, trygg_strerror(err));
    send_out(&w, kind, err, &out, name);
    trygg_buf_free(&out);
    trygg_period_free(r);
}

static void quarter_page(void *c, const http_req *q, http_resp *r)
{
    serve(c, q, r, 0, OUT_PAGE);
}
static void quarter_csv(void *c, const http_req *q, http_resp *r)
{
    serve(c, q, r, 0, OUT_CSV);
}
static void quarter_print(void *c, const http_req *q, http_resp *r)
{
    serve(c, q, r, 0, OUT_PRINT);
}
static void year_page(void *c, const http_req *q, http_resp *r)
{
    serve(c, q, r, 1, OUT_PAGE);
}
static void year_csv(void *c, const http_req *q, http_resp *r)
{
    serve(c, q, r, 1, OUT_CSV);
}
static void year_print(void *c, const http_req *q, http_resp *r)
{
    serve(c, q, r, 1, OUT_PRINT);
}

/* ---- Police events placed by hand ------------------------------------------------------ */

static const trygg_geo *geo_of(const web_ctx *w)
{
    return w->srv && w->srv->cfg.catalog ? w->srv->cfg.catalog->geo : NULL;
}

static int police_begin(web_ctx *w, void *ctx, const http_req *req, http_resp *resp)
{
    if (web_begin(w, ctx, req, resp) != 0)
        return -1;
    if (!web_access_is_security(&w->sess.user)) {
        web_error(w, 403, "error.forbidden");
        return -1;
    }
    return 0;
}

/* The week of ?week= (or the form's), default the last complete one. */
static int police_week(web_ctx *w, trygg_week *wk)
{
    const char *s = strcmp(w->req->method, "POST") == 0 ? http_form(w->req, "week")
                                                        : http_query(w->req, "week");
    if (!s || !s[0]) {
        trygg_week_last_complete(web_now(), wk);
        return 0;
    }
    return trygg_week_parse(s, wk) == TRYGG_OK && wk->start <= web_now() ? 0 : -1;
}

static void place_select(html_buf *b, const web_ctx *w, const trygg_police_event *e)
{
    const trygg_geo *g = geo_of(w);
    html_lit(b, "<select name=\"place\" required aria-label=\"");
    html_attr(b, web_t(w, "police.place"));
    /* Nothing is chosen for an event not yet placed: a first click on the
     * button must not place it at whatever place comes first. */
    html_lit(b, "\"><option value=\"\" disabled");
    html_pick(b, e->place[0] != 0, ">", " selected>");
    html_t(b, w, "police.choose_place");
    html_lit(b, "</option>");
    for (int i = 0; g && i < g->nplaces; i++) {
        html_lit(b, "<option value=\"");
        html_attr(b, g->places[i].id);
        html_pick(b, strcmp(g->places[i].id, e->place) == 0, "\" selected>", "\">");
        html_text(b, web_area_label(w, g->places[i].area));
        html_lit(b, ": ");
        html_text(b, g->places[i].label);
        html_lit(b, "</option>");
    }
    html_lit(b, "</select>");
}

static void police_form(html_buf *b, const web_ctx *w, const trygg_police_event *e, const char *wk,
                        int detach)
{
    html_lit(b, "<form method=\"post\" action=\"/report/police/place\" class=\"inline\">");
    web_csrf_field(b, w);
    html_lit(b, "<input type=\"hidden\" name=\"week\" value=\"");
    html_attr(b, wk);
    html_lit(b, "\"><input type=\"hidden\" name=\"id\" value=\"");
    html_int(b, e->id);
    html_lit(b, "\">");
    if (detach) {
        html_lit(b, "<input type=\"hidden\" name=\"place\" value=\"\"><button type=\"submit\">");
        html_t(b, w, "police.detach");
    } else {
        place_select(b, w, e);
        html_lit(b, " <button type=\"submit\">");
        html_t(b, w, "police.attach");
    }
    html_lit(b, "</button></form>");
}

static void police_row(html_buf *b, const web_ctx *w, const trygg_police_event *e, const char *wk)
{
    char t[32];
    web_fmt_time(e->at, t);
    html_lit(b, "<tr data-police=\"");
    html_int(b, e->id);
    html_lit(b, "\">");
    web_td(b, w, "police.time");
    html_text(b, t);
    html_lit(b, "</td>");
    web_td(b, w, "police.type");
    html_text(b, e->type);
    html_lit(b, "<br><small>");
    html_text(b, e->summary);
    html_lit(b, "</small></td>");
    web_td(b, w, "police.place");
    if (e->place[0]) {
        html_lit(b, "<span class=\"placed\">");
        html_text(b, web_area_label(w, e->place_area));
        html_lit(b, ": ");
        html_text(b, e->place_label);
        html_lit(b, "</span><br><small>");
        html_t(b, w, "police.placed_by");
        html_lit(b, " ");
        html_text(b, e->placed_by);
        html_lit(b, "</small> ");
        police_form(b, w, e, wk, 1);
    } else {
        html_lit(b, "<small>");
        html_t(b, w, "police.not_placed");
        html_lit(b, "</small>");
    }
    html_lit(b, "</td>");
    web_td(b, w, "police.attach");
    police_form(b, w, e, wk, 0);
    html_lit(b, "</td></tr>");
}

static void police_page(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (police_begin(&w, ctx, req, resp) != 0)
        return;
    trygg_week wk;
    if (police_week(&w, &wk) != 0) {
        web_error(&w, 400, "police.bad_week");
        return;
    }
    char name[16];
    trygg_week_format(&wk, name, sizeof name);
    trygg_police_event *ev = calloc(POLICE_LIST_MAX, sizeof *ev);
    int n = 0;
    if (!ev || trygg_police_list(w.st, wk.start, wk.end, ev, POLICE_LIST_MAX, &n) != TRYGG_OK) {
        free(ev);
        web_error(&w, 503, "error.unavailable");
        return;
    }
    html_buf b;
    html_init(&b, 2u * 1024u * 1024u);
    web_page_begin(&b, &w, "police.title", "report");
    html_lit(&b, "<h1>");
    html_t(&b, &w, "police.title");
    html_lit(&b, " ");
    html_text(&b, name);
    html_lit(&b, "</h1><p class=\"hint\">");
    html_t(&b, &w, "police.intro");
    html_lit(&b, "</p><form method=\"get\" action=\"/report/police\"><label for=\"week\">");
    html_t(&b, &w, "police.week");
    html_lit(&b, "</label> <input id=\"week\" name=\"week\" value=\"");
    html_attr(&b, name);
    html_lit(&b, "\" pattern=\"[0-9]{4}-W[0-9]{2}\" size=\"9\"> <button type=\"submit\">");
    html_t(&b, &w, "police.show");
    html_lit(&b, "</button></form>");
    if (n == 0) {
        html_lit(&b, "<p>");
        html_t(&b, &w, "police.none");
        html_lit(&b, "</p>");
    } else {
        /* "queue": on a phone every event is a card with labelled fields
         * (web.css), so the form fits 390 px without sideways scrolling */
        static const char *const heads[] = {"police.time", "police.type", "police.place",
                                            "police.attach"};
        html_lit(&b, "<table class=\"queue police\"><thead><tr>");
        for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
            html_lit(&b, "<th scope=\"col\">");
            html_t(&b, &w, heads[i]);
            html_lit(&b, "</th>");
        }
        html_lit(&b, "</tr></thead><tbody>");
        for (int i = 0; i < n; i++)
            police_row(&b, &w, &ev[i], name);
        html_lit(&b, "</tbody></table>");
    }
    free(ev);
    web_page_end(&b, &w);
    html_send(&b, resp, 200);
}

static void police_place_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (police_begin(&w, ctx, req, resp) != 0)
        return;
    trygg_week wk;
    const char *id_s = http_form(req, "id"), *place = http_form(req, "place");
    char *end = NULL;
    long long id = id_s ? strtoll(id_s, &end, 10) : 0;
    if (police_week(&w, &wk) != 0 || !end || *end || id <= 0 || !place) {
        web_error(&w, 400, "police.bad");
        return;
    }
    trygg_place_ref ref;
    memset(&ref, 0, sizeof ref);
    const trygg_geo *g = geo_of(&w);
    int found = !place[0];
    for (int i = 0; !found && g && i < g->nplaces; i++)
        if (strcmp(g->places[i].id, place) == 0) {
            found = TRYGG_COPY(ref.area, g->places[i].area) &&
                    TRYGG_COPY(ref.label, g->places[i].label);
        }
    if (!found) { /* only a place of the register */
        web_error(&w, 400, "police.bad");
        return;
    }
    trygg_err err =
        trygg_police_place(w.st, (int64_t)id, place, &ref, w.sess.user.username, web_now());
    if (err) {
        web_error(&w, err == TRYGG_ERR_NOTFOUND ? 404 : 503,
                  err == TRYGG_ERR_NOTFOUND ? "police.not_found" : "error.unavailable");
        return;
    }
    char wkname[16], loc[64];
    trygg_week_format(&wk, wkname, sizeof wkname);
    snprintf(loc, sizeof loc, "/report/police?week=%s", wkname);
    http_resp_redirect(resp, loc);
}

const http_route report_period_routes[] = {
    {"GET", "/report/quarter", 0, quarter_page},
    {"GET", "/report/quarter.csv", 0, quarter_csv},
    {"GET", "/report/quarter/print", 0, quarter_print},
    {"GET", "/report/year", 0, year_page},
    {"GET", "/report/year.csv", 0, year_csv},
    {"GET", "/report/year/print", 0, year_print},
    {"GET", "/report/police", 0, police_page},
    {"POST", "/report/police/place", 4096, police_place_post},
};
const int report_period_nroutes =
    (int)(sizeof report_period_routes / sizeof report_period_routes[0]);
