/*
 * web_plan.c — the åtgärdsplan as an A4 document (GET /measures/plan),
 * generated from the measures register (web_measures.c): the editable
 * preamble, the measures by priority with who is responsible, a timeline,
 * and the follow-up (uppföljning: before/after at the measures' places).
 * ?view=published prints the before/after counts suppressed like the
 * published picture; the plan text itself is the group's public document.
 * Print CSS: assets/web/print.css (like the report's print page).
 */
#include "web.h"
#include "config.h"
#include "report_web.h"

#include "trygg/copy.h"
#include "trygg/time.h"
#include "trygg/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLAN_MAX 200
#define TL_LEFT  210 /* the timeline's label column, SVG units */
#define TL_WIDTH 470
#define TL_ROW   20

static const char *org_text(const web_ctx *w, const char *org)
{
    return strcmp(org, "security") == 0 ? web_t(w, "role.security") : web_dest_label(w, org);
}

static void places_text(html_buf *b, const web_ctx *w, const trygg_measure *m)
{
    const trygg_geo *g = w->srv && w->srv->cfg.catalog ? w->srv->cfg.catalog->geo : NULL;
    for (int i = 0; i < m->nplaces; i++) {
        const char *label = m->places[i];
        for (int k = 0; g && k < g->nplaces; k++)
            if (strcmp(g->places[k].id, m->places[i]) == 0)
                label = g->places[k].label;
        if (i)
            html_lit(b, "; ");
        html_text(b, label);
    }
}

static void plan_row(html_buf *b, const web_ctx *w, const trygg_measure *m)
{
    char k[64], n[4];
    snprintf(n, sizeof n, "%d", m->priority);
    html_lit(b, "<tr data-priority=\"");
    html_int(b, m->priority);
    html_lit(b, "\"><td>");
    html_t(b, w, web_enum_key("measure.priority", n, k));
    html_lit(b, "</td><td><strong>");
    html_text(b, m->title);
    html_lit(b, "</strong><br>");
    html_text(b, m->problem);
    html_lit(b, "</td><td>");
    places_text(b, w, m);
    html_lit(b, "</td><td>");
    html_text(b, org_text(w, m->org));
    html_lit(b, "</td><td><span class=\"nowrap\">");
    html_text(b, m->start_day);
    html_lit(b, " –</span> <span class=\"nowrap\">");
    html_text(b, m->end_day);
    html_lit(b, "</span></td><td>");
    html_t(b, w, web_enum_key("measure.status", m->status, k));
    html_lit(b, "</td><td class=\"num\">");
    if (m->cost >= 0)
        html_int(b, m->cost);
    html_lit(b, "</td><td>");
    html_text(b, m->indicator);
    html_lit(b, "</td></tr>");
}

static void plan_table(html_buf *b, const web_ctx *w, const trygg_measure *ms, int n)
{
    static const struct {
        const char *key, *cls;
    } cols[] = {{"measure.priority", "c-prio"}, {"measure.title", "c-title"},
                {"measure.places", "c-places"}, {"measure.org", "c-org"},
                {"measure.period", "c-period"}, {"measure.status", "c-status"},
                {"measure.cost_kr", "c-cost"},  {"measure.indicator", "c-indicator"}};
    html_lit(b, "<table class=\"plan\"><thead><tr>");
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        html_lit(b, "<th scope=\"col\" class=\"");
        html_attr(b, cols[i].cls);
        html_lit(b, "\">");
        html_t(b, w, cols[i].key);
        html_lit(b, "</th>");
    }
    html_lit(b, "</tr></thead><tbody>");
    for (int i = 0; i < n; i++)
        plan_row(b, w, &ms[i]);
    html_lit(b, "</tbody></table>");
}

/* Local midnight of "YYYY-MM-DD", or `dflt` for "" or a bad day. */
static int64_t day_time(const char *day, int64_t dflt)
{
    int64_t t = day[0] ? web_parse_date(day) : -1;
    return t < 0 ? dflt : t;
}

static int tl_x(int64_t t, int64_t t0, int64_t t1)
{
    return TL_LEFT + (int)((double)(t - t0) / (double)(t1 - t0) * TL_WIDTH);
}

/* Month lines and labels ("2027-03") from t0 to t1. */
static void tl_months(html_buf *b, int64_t t0, int64_t t1, int height)
{
    int y, m;
    trygg_utc_to_local(t0, &y, &m, NULL, NULL, NULL, NULL);
    int step = t1 - t0 > 400LL * 86400 ? 3 : 1;
    for (int i = 0; i < 60; i += step) {
        int64_t t = trygg_local_to_utc(y + (m - 1 + i) / 12, (m - 1 + i) % 12 + 1, 1, 0, 0);
        if (t > t1)
            break;
        if (t < t0 || tl_x(t, t0, t1) > TL_LEFT + TL_WIDTH - 36)
            continue; /* no label cut at the right edge */
        char lab[16];
        snprintf(lab, sizeof lab, "%04d-%02d", y + (m - 1 + i) / 12, (m - 1 + i) % 12 + 1);
        int x = tl_x(t, t0, t1);
        html_lit(b, "<line x1=\"");
        html_int(b, x);
        html_lit(b, "\" x2=\"");
        html_int(b, x);
        html_lit(b, "\" y1=\"14\" y2=\"");
        html_int(b, height);
        html_lit(b, "\" stroke=\"#bbb\"/><text x=\"");
        html_int(b, x + 2);
        html_lit(b, "\" y=\"11\" font-size=\"9\">");
        html_text(b, lab);
        html_lit(b, "</text>");
    }
}

/* A bar per measure from start to end (open: to the chart's end); ongoing
 * dark, planned light with an outline, done mid-grey, dropped outline only. */
static void tl_bar(html_buf *b, const trygg_measure *m, int row, int64_t t0, int64_t t1)
{
    static const struct {
        const char *status, *fill;
    } look[] = {{"ongoing", "#333"}, {"planned", "#ddd"}, {"done", "#888"}, {"dropped", "none"}};
    const char *fill = "#ddd";
    for (size_t i = 0; i < sizeof look / sizeof look[0]; i++)
        if (strcmp(m->status, look[i].status) == 0)
            fill = look[i].fill;
    int y = 18 + row * TL_ROW;
    int x0 = tl_x(day_time(m->start_day, t0), t0, t1);
    int x1 = tl_x(day_time(m->end_day, t1) + 86400, t0, t1);
    if (x1 > TL_LEFT + TL_WIDTH)
        x1 = TL_LEFT + TL_WIDTH;
    char label[40];
    TRYGG_COPY_TRUNC(label, m->title); /* a label in the chart */
    html_lit(b, "<text x=\"0\" y=\"");
    html_int(b, y + 12);
    html_lit(b, "\" font-size=\"10\">");
    html_text(b, label);
    html_lit(b, "</text><rect x=\"");
    html_int(b, x0);
    html_lit(b, "\" y=\"");
    html_int(b, y + 3);
    html_lit(b, "\" width=\"");
    html_int(b, x1 > x0 + 2 ? x1 - x0 : 2);
    html_lit(b, "\" height=\"12\" stroke=\"#000\" fill=\"");
    html_attr(b, fill);
    html_lit(b, "\"><title>");
    html_text(b, m->start_day);
    html_lit(b, " – ");
    html_text(b, m->end_day);
    html_lit(b, "</title></rect>");
}

static void timeline(html_buf *b, const web_ctx *w, const trygg_measure *ms, int n)
{
    if (n == 0)
        return;
    int64_t now = web_now(), t0 = day_time(ms[0].start_day, now), t1 = now + 90 * 86400LL;
    for (int i = 0; i < n; i++) {
        int64_t s = day_time(ms[i].start_day, now), e = day_time(ms[i].end_day, s) + 86400;
        t0 = s < t0 ? s : t0;
        t1 = e > t1 ? e : t1;
    }
    int height = 22 + n * TL_ROW;
    html_lit(b, "<h2>");
    html_t(b, w, "measure.timeline");
    html_lit(b, "</h2><svg class=\"timeline\" role=\"img\" viewBox=\"0 0 ");
    html_int(b, TL_LEFT + TL_WIDTH + 10);
    html_lit(b, " ");
    html_int(b, height);
    html_lit(b, "\" aria-label=\"");
    html_t(b, w, "measure.timeline");
    html_lit(b, "\" xmlns=\"http://www.w3.org/2000/svg\">");
    tl_months(b, t0, t1, height);
    for (int i = 0; i < n; i++)
        tl_bar(b, &ms[i], i, t0, t1);
    int xn = tl_x(now, t0, t1);
    html_lit(b, "<line x1=\"");
    html_int(b, xn);
    html_lit(b, "\" x2=\"");
    html_int(b, xn);
    html_lit(b, "\" y1=\"14\" y2=\"");
    html_int(b, height);
    html_lit(b, "\" stroke=\"#000\" stroke-dasharray=\"4 2\"/></svg><p class=\"hint\">");
    html_t(b, w, "measure.timeline_legend");
    html_lit(b, "</p>");
}

static void followup(html_buf *b, web_ctx *w, const trygg_measure *ms, int n, int published)
{
    html_lit(b, "<h2>");
    html_t(b, w, "measure.followup");
    html_lit(b, "</h2>");
    for (int i = 0; i < n; i++) {
        if (ms[i].nplaces == 0 || strcmp(ms[i].status, "planned") == 0)
            continue;
        html_lit(b, "<section class=\"followup\"><h3>");
        html_text(b, ms[i].title);
        html_lit(b, "</h3>");
        web_measure_effect(b, w, &ms[i], published);
        html_lit(b, "</section>");
    }
}

static void plan_doc(html_buf *b, web_ctx *w, const trygg_measure *ms, int n, int published)
{
    char *pre = calloc(1, TRYGG_NOTE_MAX + 1);
    if (pre && trygg_store_plan_get(w->st, pre, TRYGG_NOTE_MAX + 1, NULL) != TRYGG_OK)
        pre[0] = '\0';
    char today[16];
    if (trygg_time_format(web_now(), "%Y-%m-%d", today, sizeof today) == 0)
        today[0] = '\0';
    web_print_head(b, w, web_t(w, "measure.plan"));
    html_lit(b, "<div class=\"plan-doc\" data-view=\"");
    html_pick(b, published, "published\">", "internal\">");
    html_lit(b, "<h1>");
    html_t(b, w, "measure.plan");
    html_lit(b, "</h1><p class=\"hint\">");
    html_t(b, w, "measure.plan_date");
    html_lit(b, " ");
    html_text(b, today);
    html_lit(b, " · ");
    html_t(b, w, published ? "measure.view_published" : "measure.view_internal");
    html_lit(b, "</p>");
    if (pre && pre[0]) {
        html_lit(b, "<div class=\"usertext preamble\">");
        html_text(b, pre);
        html_lit(b, "</div>");
    }
    free(pre);
    html_lit(b, "<h2>");
    html_t(b, w, "measure.priorities");
    html_lit(b, "</h2>");
    plan_table(b, w, ms, n);
    timeline(b, w, ms, n);
    followup(b, w, ms, n, published);
    html_lit(b, "</div></body></html>\n");
}

void web_measures_plan_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_meeting_begin(&w, ctx, req, resp) != 0)
        return;
    const char *view = http_query(req, "view");
    int published = view && strcmp(view, "published") == 0;
    trygg_measure *ms = calloc(PLAN_MAX, sizeof *ms);
    int n = 0;
    if (!ms || trygg_store_measure_list(w.st, ms, PLAN_MAX, &n) != TRYGG_OK) {
        free(ms);
        web_error(&w, 500, "error.unavailable");
        return;
    }
    web_log_export(&w, "export_measures_plan", n, published ? "published" : "internal");
    html_buf b;
    html_init(&b, 4u * 1024u * 1024u);
    plan_doc(&b, &w, ms, n, published);
    free(ms);
    http_resp_header(resp, "Cache-Control", "no-store");
    html_send(&b, resp, 200);
}
