/*
 * web_measures.c — the measures register (insatser/åtgärder) and the
 * åtgärdsplan (docs/report.md "Insatser och åtgärdsplan"):
 *   GET  /measures            the register, and the plan's preamble to edit
 *   GET  /measures/new        a blank measure; POST /measures/new stores it
 *   GET  /measures/<id>       edit, with before/after (uppföljning);
 *   POST /measures/<id>       save
 *   GET  /measures/plan       the åtgärdsplan: A4, printable (?view=published:
 *                             before/after counts suppressed like the
 *                             published picture)
 *   POST /measures/plan       save the preamble
 * Who: as the meeting (web_meeting_allowed): the security department and
 * the [report] internal roles; everyone else 403.
 *
 * Before/after counts the measure's linked categories (citizen items) and
 * event types (partner events) at its places in the N weeks before the week
 * of its start and the N weeks from it (N = [report] before_after_weeks,
 * default 8), with the caveat that this is no evidence of cause.
 */
#include "web.h"
#include "config.h"
#include "report_web.h"

#include "trygg/copy.h"
#include "trygg/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEASURES_MAX 200

static const char *const STATUSES[] = {"planned", "ongoing", "done", "dropped"};
#define NSTATUS ((int)(sizeof STATUSES / sizeof STATUSES[0]))

static const trygg_geo *geo_of(const web_ctx *w)
{
    return w->srv && w->srv->cfg.catalog ? w->srv->cfg.catalog->geo : NULL;
}

static const trygg_place *place_by_id(const web_ctx *w, const char *id)
{
    const trygg_geo *g = geo_of(w);
    for (int i = 0; g && i < g->nplaces; i++)
        if (strcmp(g->places[i].id, id) == 0)
            return &g->places[i];
    return NULL;
}

static int has_id(const char (*ids)[TRYGG_NAME_MAX + 1], int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(ids[i], id) == 0)
            return 1;
    return 0;
}

static const char *org_text(const web_ctx *w, const char *org)
{
    return strcmp(org, "security") == 0 ? web_t(w, "role.security") : web_dest_label(w, org);
}

/* ---- The form ------------------------------------------------------------------------ */

static void check_box(html_buf *b, const char *name, const char *value, const char *label, int on,
                      int idx)
{
    char id[96];
    snprintf(id, sizeof id, "ms-%s-%d", name, idx);
    html_lit(b, "<div class=\"check\"><input type=\"checkbox\" id=\"");
    html_attr(b, id);
    html_lit(b, "\" name=\"");
    html_attr(b, name);
    html_lit(b, "\" value=\"");
    html_attr(b, value);
    html_pick(b, on, "\" checked><label for=\"", "\"><label for=\"");
    html_attr(b, id);
    html_lit(b, "\">");
    html_text(b, label);
    html_lit(b, "</label></div>");
}

static void links_fields(html_buf *b, const web_ctx *w, const trygg_measure *m)
{
    const trygg_geo *g = geo_of(w);
    html_lit(b, "<fieldset><legend>");
    html_t(b, w, "measure.places");
    html_lit(b, "</legend>");
    for (int i = 0; g && i < g->nplaces; i++) {
        char label[192];
        snprintf(label, sizeof label, "%s (%s)", g->places[i].label,
                 web_area_label(w, g->places[i].area));
        check_box(
            b, "place", g->places[i].id, label,
            has_id((const char(*)[TRYGG_NAME_MAX + 1]) m->places, m->nplaces, g->places[i].id), i);
    }
    if (!g || g->nplaces == 0) {
        html_lit(b, "<p class=\"hint\">");
        html_t(b, w, "measure.no_places");
        html_lit(b, "</p>");
    }
    html_lit(b, "</fieldset><fieldset><legend>");
    html_t(b, w, "measure.cats");
    html_lit(b, "</legend>");
    const server_catalog *cat = w->srv ? w->srv->cfg.catalog : NULL;
    for (int i = 0; cat && i < cat->ncats; i++) {
        int dup = 0;
        for (int j = 0; j < i && !dup; j++)
            dup = strcmp(cat->cats[j].id, cat->cats[i].id) == 0;
        if (!dup)
            check_box(
                b, "cat", cat->cats[i].id, web_cat_label(w, cat->cats[i].id),
                has_id((const char(*)[TRYGG_NAME_MAX + 1]) m->cats, m->ncats, cat->cats[i].id), i);
    }
    html_lit(b, "</fieldset><fieldset><legend>");
    html_t(b, w, "measure.types");
    html_lit(b, "</legend>");
    for (int t = 0; t < TRYGG_EVENT_TYPE_COUNT; t++) {
        char k[64];
        const char *n = trygg_event_type_name((trygg_event_type)t);
        check_box(b, "type", n, web_t(w, web_enum_key("event.type", n, k)), (m->types >> t) & 1u,
                  t);
    }
    html_lit(b, "</fieldset>");
}

static void text_field(html_buf *b, const web_ctx *w, const char *name, const char *key,
                       const char *value, int rows, int max, int required)
{
    html_lit(b, "<div class=\"field\"><label for=\"ms-");
    html_attr(b, name);
    html_lit(b, "\">");
    html_t(b, w, key);
    html_lit(b, "</label>");
    if (rows > 1) {
        html_lit(b, "<textarea id=\"ms-");
        html_attr(b, name);
        html_lit(b, "\" rows=\"");
        html_int(b, rows);
        html_lit(b, "\" name=\"");
    } else {
        html_lit(b, "<input id=\"ms-");
        html_attr(b, name);
        html_lit(b, "\" name=\"");
    }
    html_attr(b, name);
    html_lit(b, "\" maxlength=\"");
    html_int(b, max);
    html_pick(b, required, "\" required", "\"");
    if (rows > 1) {
        html_lit(b, ">");
        html_text(b, value);
        html_lit(b, "</textarea></div>");
    } else {
        html_lit(b, " value=\"");
        html_attr(b, value);
        html_lit(b, "\"></div>");
    }
}

static void select_status(html_buf *b, const web_ctx *w, const trygg_measure *m)
{
    html_lit(b, "<div class=\"field\"><label for=\"ms-status\">");
    html_t(b, w, "measure.status");
    html_lit(b, "</label><select id=\"ms-status\" name=\"status\">");
    for (int i = 0; i < NSTATUS; i++) {
        char k[64];
        html_lit(b, "<option value=\"");
        html_attr(b, STATUSES[i]);
        html_pick(b, strcmp(m->status, STATUSES[i]) == 0, "\" selected>", "\">");
        html_t(b, w, web_enum_key("measure.status", STATUSES[i], k));
        html_lit(b, "</option>");
    }
    html_lit(b, "</select></div><div class=\"field\"><label for=\"ms-prio\">");
    html_t(b, w, "measure.priority");
    html_lit(b, "</label><select id=\"ms-prio\" name=\"priority\">");
    for (int p = 1; p <= 3; p++) {
        char k[64], n[4];
        snprintf(n, sizeof n, "%d", p);
        html_lit(b, "<option value=\"");
        html_int(b, p);
        html_pick(b, m->priority == p, "\" selected>", "\">");
        html_t(b, w, web_enum_key("measure.priority", n, k));
        html_lit(b, "</option>");
    }
    html_lit(b, "</select></div>");
}

static void when_fields(html_buf *b, const web_ctx *w, const trygg_measure *m)
{
    html_lit(b, "<div class=\"grid\"><div class=\"field\"><label for=\"ms-start\">");
    html_t(b, w, "measure.start");
    html_lit(b, "</label><input id=\"ms-start\" name=\"start_day\" type=\"date\" required "
                "value=\"");
    html_attr(b, m->start_day);
    html_lit(b, "\"></div><div class=\"field\"><label for=\"ms-end\">");
    html_t(b, w, "measure.end");
    html_lit(b, "</label><input id=\"ms-end\" name=\"end_day\" type=\"date\" value=\"");
    html_attr(b, m->end_day);
    html_lit(b, "\"></div>");
    select_status(b, w, m);
    html_lit(b, "<div class=\"field\"><label for=\"ms-org\">");
    html_t(b, w, "measure.org");
    html_lit(b, "</label>");
    web_org_select(b, w, "ms-org", "org", m->org, 0);
    html_lit(b, "</div><div class=\"field\"><label for=\"ms-cost\">");
    html_t(b, w, "measure.cost");
    html_lit(b, "</label><input id=\"ms-cost\" name=\"cost\" type=\"number\" min=\"0\" "
                "inputmode=\"numeric\" value=\"");
    if (m->cost >= 0)
        html_int(b, m->cost);
    html_lit(b, "\"></div></div>");
}

static void measure_form(html_buf *b, const web_ctx *w, const trygg_measure *m, const char *bad)
{
    if (bad) {
        char k[64];
        html_lit(b, "<p class=\"flash error\" role=\"alert\">");
        html_t(b, w, "measure.invalid");
        html_lit(b, " ");
        html_t(b, w, web_enum_key("measure.bad", bad, k));
        html_lit(b, "</p>");
    }
    html_lit(b, "<form method=\"post\" class=\"measure-form stack\" action=\"/measures/");
    if (m->id > 0)
        html_int(b, m->id);
    else
        html_lit(b, "new");
    html_lit(b, "\">");
    web_csrf_field(b, w);
    text_field(b, w, "title", "measure.title", m->title, 1, 255, 1);
    text_field(b, w, "problem", "measure.problem", m->problem, 3, TRYGG_MEASURE_TEXT, 0);
    when_fields(b, w, m);
    links_fields(b, w, m);
    text_field(b, w, "indicator", "measure.indicator", m->indicator, 2, TRYGG_MEASURE_TEXT, 0);
    html_lit(b, "<div class=\"field actions\"><button type=\"submit\" class=\"primary\">");
    html_t(b, w, "measure.save");
    html_lit(b, "</button></div></form>");
}

/* Every value of form field `name` (checkboxes), at most max, into vals. */
static int form_all(const http_req *r, const char *name, const char **vals, int max)
{
    int n = 0;
    for (int i = 0; i < r->nform && n < max; i++)
        if (strcmp(r->form[i].name, name) == 0)
            vals[n++] = r->form[i].value;
    return n;
}

/* Reads the form into *m; returns the first bad field or NULL. */
static const char *read_measure(const web_ctx *w, trygg_measure *m)
{
    const http_req *r = w->req;
    if (trygg_strset(m->title, sizeof m->title, http_form(r, "title")) != TRYGG_OK)
        return "title";
    if (trygg_strset(m->problem, sizeof m->problem, http_form(r, "problem")) != TRYGG_OK)
        return "problem";
    if (trygg_strset(m->indicator, sizeof m->indicator, http_form(r, "indicator")) != TRYGG_OK)
        return "indicator";
    if (trygg_strset(m->org, sizeof m->org, http_form(r, "org")) != TRYGG_OK)
        return "org";
    if (trygg_strset(m->start_day, sizeof m->start_day, http_form(r, "start_day")) != TRYGG_OK)
        return "start_day";
    if (trygg_strset(m->end_day, sizeof m->end_day, http_form(r, "end_day")) != TRYGG_OK)
        return "end_day";
    if (trygg_strset(m->status, sizeof m->status, http_form(r, "status")) != TRYGG_OK)
        return "status";
    const char *p = http_form(r, "priority"), *c = http_form(r, "cost");
    m->priority = p && p[0] >= '1' && p[0] <= '3' && !p[1] ? p[0] - '0' : 0;
    char *end = NULL;
    long long cost = c && c[0] ? strtoll(c, &end, 10) : -1;
    if (c && c[0] && (!end || *end || cost < 0))
        return "cost";
    m->cost = cost;
    m->nplaces = m->ncats = 0;
    m->types = 0;
    const char *vals[64];
    int n = form_all(r, "place", vals, 64);
    for (int i = 0; i < n; i++) {
        if (!place_by_id(w, vals[i]) || m->nplaces >= TRYGG_MEASURE_LINKS)
            return "places";
        TRYGG_COPY_TRUNC(m->places[m->nplaces++], vals[i]); /* an id from the register */
    }
    n = form_all(r, "cat", vals, 64);
    for (int i = 0; i < n; i++) {
        if (m->ncats >= TRYGG_MEASURE_LINKS || !TRYGG_COPY(m->cats[m->ncats], vals[i]))
            return "cats";
        m->ncats++;
    }
    n = form_all(r, "type", vals, 64);
    for (int i = 0; i < n; i++) {
        trygg_event_type t;
        if (trygg_event_type_parse(vals[i], &t) != TRYGG_OK)
            return "types";
        m->types |= 1u << t;
    }
    const char *field = NULL;
    return trygg_measure_validate(m, &field) == TRYGG_OK ? NULL : field;
}

/* ---- Before and after ---------------------------------------------------------------- */

/* One count: the number, or "<T" when `suppress` and it is below T. */
static void count_cell(html_buf *b, int64_t n, int T, int suppress)
{
    if (suppress && n < T) {
        html_lit(b, "&lt;");
        html_int(b, T);
    } else
        html_int(b, n);
}

static void effect_row(html_buf *b, const web_ctx *w, const char *key, int64_t before,
                       int64_t after, int T, int suppress)
{
    html_lit(b, "<tr><th scope=\"row\">");
    html_t(b, w, key);
    html_lit(b, "</th><td>");
    count_cell(b, before, T, suppress);
    html_lit(b, "</td><td>");
    count_cell(b, after, T, suppress);
    html_lit(b, "</td><td>");
    if (suppress && (before < T || after < T))
        html_lit(b, "x");
    else {
        if (after - before > 0)
            html_lit(b, "+");
        html_int(b, after - before);
    }
    html_lit(b, "</td></tr>");
}

/* The query of measure *m: its registered places (unknown ids skipped). */
static int effect_query(const web_ctx *w, const trygg_measure *m, trygg_effect_query *q)
{
    memset(q, 0, sizeof *q);
    for (int i = 0; i < m->nplaces; i++) {
        const trygg_place *p = place_by_id(w, m->places[i]);
        if (!p)
            continue;
        TRYGG_COPY_FIT(q->places[q->nplaces].area, p->area);
        TRYGG_COPY_FIT(q->places[q->nplaces].label, p->label);
        q->nplaces++;
    }
    memcpy(q->cats, m->cats, sizeof q->cats);
    q->ncats = m->ncats;
    q->types = m->types;
    TRYGG_COPY_FIT(q->start_day, m->start_day);
    q->weeks = w->srv->cfg.before_after_weeks > 0 ? w->srv->cfg.before_after_weeks : 8;
    return q->nplaces;
}

/* Before/after of measure *m as a table with the caveat. */
void web_measure_effect(html_buf *b, web_ctx *w, const trygg_measure *m, int suppress)
{
    trygg_effect_query q;
    trygg_effect e;
    html_lit(b, "<div class=\"effect\" data-measure=\"");
    html_int(b, m->id);
    html_lit(b, "\">");
    if (effect_query(w, m, &q) == 0) {
        html_lit(b, "<p class=\"hint\">");
        html_t(b, w, "measure.effect_no_places");
        html_lit(b, "</p></div>");
        return;
    }
    if (trygg_store_measure_effect(w->st, &q, web_now(), &e) != TRYGG_OK) {
        html_lit(b, "<p class=\"flash error\">");
        html_t(b, w, "error.unavailable");
        html_lit(b, "</p></div>");
        return;
    }
    int T = report_threshold(&w->srv->cfg);
    html_lit(b, "<table class=\"effect\"><thead><tr><td></td><th scope=\"col\">");
    html_t(b, w, "measure.before");
    html_lit(b, "<br><span class=\"hint\">");
    html_text(b, e.before_from);
    html_lit(b, " – ");
    html_text(b, e.before_to);
    html_lit(b, "</span></th><th scope=\"col\">");
    html_t(b, w, "measure.after");
    html_lit(b, "<br><span class=\"hint\">");
    html_text(b, e.after_from);
    html_lit(b, " – ");
    html_text(b, e.after_to);
    html_lit(b, "</span></th><th scope=\"col\">");
    html_t(b, w, "measure.change");
    html_lit(b, "</th></tr></thead><tbody>");
    effect_row(b, w, "measure.effect_items", e.items_before, e.items_after, T, suppress);
    effect_row(b, w, "measure.effect_events", e.events_before, e.events_after, T, suppress);
    html_lit(b, "</tbody></table>");
    if (e.after_done < q.weeks) {
        html_lit(b, "<p class=\"hint\" data-after-done=\"");
        html_int(b, e.after_done);
        html_lit(b, "\">");
        html_t(b, w, "measure.after_running");
        html_lit(b, " ");
        html_int(b, e.after_done);
        html_lit(b, "/");
        html_int(b, q.weeks);
        html_lit(b, "</p>");
    }
    html_lit(b, "<p class=\"caveat\">");
    html_t(b, w, "measure.caveat");
    html_lit(b, "</p></div>");
}

/* ---- Pages -------------------------------------------------------------------------- */

static void edit_page(web_ctx *w, const trygg_measure *m, const char *bad, int status)
{
    html_buf b;
    html_init(&b, 1 << 20);
    web_page_begin(&b, w, m->id > 0 ? "measure.edit_title" : "measure.new_title", "measures");
    html_lit(&b, "<p><a href=\"/measures\">");
    html_t(&b, w, "measure.back");
    html_lit(&b, "</a></p><h1>");
    html_t(&b, w, m->id > 0 ? "measure.edit_title" : "measure.new_title");
    html_lit(&b, "</h1><section class=\"card\">");
    measure_form(&b, w, m, bad);
    html_lit(&b, "</section>");
    if (m->id > 0) {
        html_lit(&b, "<section class=\"card\" aria-labelledby=\"h-effect\"><h2 id=\"h-effect\">");
        html_t(&b, w, "measure.effect");
        html_lit(&b, "</h2>");
        web_measure_effect(&b, w, m, 0);
        html_lit(&b, "</section>");
    }
    web_page_end(&b, w);
    html_send(&b, w->resp, status);
}

static void list_row(html_buf *b, const web_ctx *w, const trygg_measure *m)
{
    char k[64], n[4];
    html_lit(b, "<tr>");
    web_td(b, w, "measure.priority");
    snprintf(n, sizeof n, "%d", m->priority);
    html_t(b, w, web_enum_key("measure.priority", n, k));
    html_lit(b, "</td>");
    web_td(b, w, "measure.title");
    html_lit(b, "<a href=\"/measures/");
    html_int(b, m->id);
    html_lit(b, "\">");
    html_text(b, m->title);
    html_lit(b, "</a></td>");
    web_td(b, w, "measure.org");
    html_text(b, org_text(w, m->org));
    html_lit(b, "</td>");
    web_td(b, w, "measure.period");
    html_text(b, m->start_day);
    html_lit(b, " – ");
    html_text(b, m->end_day);
    html_lit(b, "</td>");
    web_td(b, w, "measure.status");
    html_t(b, w, web_enum_key("measure.status", m->status, k));
    html_lit(b, "</td></tr>");
}

static void preamble_card(html_buf *b, web_ctx *w)
{
    char *text = calloc(1, TRYGG_NOTE_MAX + 1);
    int64_t at = 0;
    if (text && trygg_store_plan_get(w->st, text, TRYGG_NOTE_MAX + 1, &at) != TRYGG_OK)
        text[0] = '\0';
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-plan\"><h2 id=\"h-plan\">");
    html_t(b, w, "measure.plan");
    html_lit(b, "</h2><p><a href=\"/measures/plan\">");
    html_t(b, w, "measure.plan_print");
    html_lit(b, "</a> · <a href=\"/measures/plan?view=published\">");
    html_t(b, w, "measure.plan_print_published");
    html_lit(b, "</a></p><form method=\"post\" action=\"/measures/plan\">");
    web_csrf_field(b, w);
    html_lit(b, "<div class=\"field\"><label for=\"ms-preamble\">");
    html_t(b, w, "measure.preamble");
    html_lit(b, "</label><textarea id=\"ms-preamble\" name=\"preamble\" rows=\"6\" "
                "maxlength=\"4000\">");
    html_text(b, text ? text : "");
    html_lit(b, "</textarea></div><div class=\"field actions\"><button type=\"submit\">");
    html_t(b, w, "measure.preamble_save");
    html_lit(b, "</button></div></form></section>");
    free(text);
}

void web_measures_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_meeting_begin(&w, ctx, req, resp) != 0)
        return;
    trygg_measure *ms = calloc(MEASURES_MAX, sizeof *ms);
    int n = 0;
    if (!ms || trygg_store_measure_list(w.st, ms, MEASURES_MAX, &n) != TRYGG_OK) {
        free(ms);
        web_error(&w, 500, "error.unavailable");
        return;
    }
    static const char *const cols[] = {"measure.priority", "measure.title", "measure.org",
                                       "measure.period", "measure.status"};
    html_buf b;
    html_init(&b, 2 << 20);
    web_page_begin(&b, &w, "measure.list_title", "measures");
    html_lit(&b, "<h1>");
    html_t(&b, &w, "measure.list_title");
    html_lit(&b, "</h1><p><a class=\"button\" href=\"/measures/new\">");
    html_t(&b, &w, "measure.new_title");
    html_lit(&b, "</a></p><section class=\"card\">");
    if (n == 0) {
        html_lit(&b, "<p>");
        html_t(&b, &w, "measure.none");
        html_lit(&b, "</p>");
    } else {
        html_lit(&b, "<table class=\"queue measures\"><thead><tr>");
        for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
            html_lit(&b, "<th scope=\"col\">");
            html_t(&b, &w, cols[i]);
            html_lit(&b, "</th>");
        }
        html_lit(&b, "</tr></thead><tbody>");
        for (int i = 0; i < n; i++)
            list_row(&b, &w, &ms[i]);
        html_lit(&b, "</tbody></table>");
    }
    html_lit(&b, "</section>");
    preamble_card(&b, &w);
    web_page_end(&b, &w);
    html_send(&b, resp, 200);
    free(ms);
}

/* "/measures/<id>" → id (> 0), 0 for "/measures/new", or -1. */
static int64_t measure_id(const char *path)
{
    const char *p = path + strlen("/measures/");
    if (strcmp(p, "new") == 0)
        return 0;
    char *end = NULL;
    long long id = strtoll(p, &end, 10);
    return (end == p || *end != '\0' || id <= 0) ? -1 : (int64_t)id;
}

void web_measure_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_meeting_begin(&w, ctx, req, resp) != 0)
        return;
    trygg_measure *m = calloc(1, sizeof *m);
    int64_t id = measure_id(req->path);
    if (m && id == 0) {
        if (trygg_time_format(web_now(), "%Y-%m-%d", m->start_day, sizeof m->start_day) == 0)
            m->start_day[0] = '\0';
        TRYGG_COPY_FIT(m->status, "planned");
        TRYGG_COPY_FIT(m->org, "security");
        m->priority = 2;
        m->cost = -1;
        edit_page(&w, m, NULL, 200);
    } else if (m && id > 0 && trygg_store_measure_get(w.st, id, m) == TRYGG_OK)
        edit_page(&w, m, NULL, 200);
    else
        web_error(&w, 404, "measure.not_found");
    free(m);
}

void web_measure_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_meeting_begin(&w, ctx, req, resp) != 0)
        return;
    trygg_measure *m = calloc(1, sizeof *m);
    int64_t id = measure_id(req->path);
    if (!m || id < 0 || (id > 0 && trygg_store_measure_get(w.st, id, m) != TRYGG_OK)) {
        free(m);
        web_error(&w, 404, "measure.not_found");
        return;
    }
    const char *bad = read_measure(&w, m);
    if (bad) {
        edit_page(&w, m, bad, 400);
        free(m);
        return;
    }
    trygg_err err =
        id > 0 ? trygg_store_measure_update(w.st, m) : trygg_store_measure_add(w.st, m, &id);
    free(m);
    if (err) {
        web_error(&w, 500, "error.unavailable");
        return;
    }
    char to[96];
    snprintf(to, sizeof to, "/measures/%lld?ok=flash.measure_saved", (long long)id);
    http_resp_redirect(resp, to);
}

void web_measures_plan_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_meeting_begin(&w, ctx, req, resp) != 0)
        return;
    const char *text = http_form(req, "preamble");
    trygg_err err = trygg_store_plan_set(w.st, text ? text : "");
    if (err == TRYGG_ERR_INVALID) {
        web_error(&w, 400, "measure.invalid");
        return;
    }
    if (err) {
        web_error(&w, 500, "error.unavailable");
        return;
    }
    http_resp_redirect(resp, "/measures?ok=flash.preamble_saved");
}
