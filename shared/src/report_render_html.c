/*
 * report_render_html.c — the situation picture as HTML: a page fragment for
 * the web UI, or a standalone A4 document for printing and tryggctl. Counts
 * come from the view (report_render.c), all text from the "report" catalog,
 * and every dynamic string is escaped by trygg_html_esc on its way into the
 * buffer. Charts are drawn by report_svg.c.
 */
#include "report_render.h"

#include "trygg/copy.h"
#include "trygg/html.h"
#include "trygg/hyphen.h"

#include <stdio.h>
#include <string.h>

static const char report_css[] =
    ".report{max-width:60rem;font-family:\"Noto Sans\",\"DejaVu Sans\",Arial,sans-serif;"
    "color:#000}"
    ".report table{border-collapse:collapse;margin:.5rem 0 1rem}"
    ".report th,.report td{border:1px solid #888;padding:.2rem .5rem;text-align:left}"
    ".report td.n,.report th.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".report .figures{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;padding:0;list-style:none}"
    ".report .figures li{border:1px solid #888;padding:.4rem .8rem}"
    ".report .figures b{display:block;font-size:1.6rem}"
    ".report .note{border-left:4px solid #000;padding:.3rem .6rem;background:#f2f2f2}"
    ".report svg{max-width:100%;height:auto;display:block}"
    ".report .trends{display:grid;grid-template-columns:repeat(auto-fill,minmax(24rem,1fr));"
    "gap:.5rem}"
    ".report .hotspots{display:grid;grid-template-columns:repeat(auto-fill,minmax(22rem,1fr));"
    "gap:.5rem}.report .hotspots figure{margin:0}"
    ".report .hotspots figcaption{font-weight:600}"
    ".report nav.weeks{display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center;"
    "margin:.5rem 0}"
    ".report nav.weeks form{display:flex;gap:.4rem;align-items:center;margin:0}"
    ".report nav.weeks input{width:auto;max-width:12rem}"
    ".report section{break-inside:avoid;page-break-inside:avoid}"
    "@media print{.report nav.weeks{display:none}.report{max-width:none;font-size:10pt}"
    ".report h2{font-size:13pt;margin:.6rem 0 .2rem}.report .trends{grid-template-columns:1fr 1fr}"
    ".report .hotspots{grid-template-columns:1fr 1fr}"
    "a{color:#000;text-decoration:none}}"
    /* A phone's screen: nothing wider than the page (tests/web/report.mjs, 390 px). */
    "@media screen and (max-width:600px){.report .trends{grid-template-columns:minmax(0,1fr)}"
    ".report table{font-size:.8rem}.report th,.report td{padding:.15rem .25rem;hyphens:auto}"
    ".report th{overflow-wrap:anywhere}.report td{overflow-wrap:break-word}"
    ".report td.n{white-space:nowrap}body.report-page{margin:.5rem}}"
    "@page{size:A4;margin:14mm 12mm}"
    "body.report-page{margin:1rem;background:#fff}";

const char *trygg_report_css(void)
{
    return report_css;
}

static trygg_err style(trygg_buf *b, const trygg_report_opts *o)
{
    if (o->css_href) {
        TRY(trygg_buf_puts(b, "<link rel=\"stylesheet\" href=\""));
        TRY(trygg_html_esc(b, o->css_href));
        return trygg_buf_puts(b, "\">");
    }
    TRY(trygg_buf_puts(b, "<style>"));
    TRY(trygg_buf_puts(b, report_css));
    return trygg_buf_puts(b, "</style>");
}

/* open, then text escaped, then close: markup around one dynamic text. */
static trygg_err elem(trygg_buf *b, const char *open, const char *text, const char *close)
{
    TRY(trygg_buf_puts(b, open));
    TRY(trygg_html_esc(b, text));
    return trygg_buf_puts(b, close);
}

static trygg_err td(trygg_buf *b, const char *s, int num)
{
    return elem(b, num ? "<td class=\"n\">" : "<td>", s, "</td>");
}

/* A row header cell (the row's name). */
static trygg_err th_row(trygg_buf *b, const char *lang, const char *s)
{
    return trygg_html_cell_hyph(b, lang, "<th scope=\"row\">", s, "</th>");
}

/* A table's start and its header row: the catalog texts of keys; a key
 * starting with '#' is a number column ("#report.col.count"). */
static trygg_err table_begin(trygg_buf *b, const trygg_report_opts *o, const char *const *keys,
                             int n)
{
    TRY(trygg_buf_puts(b, "<table><thead><tr>"));
    for (int i = 0; i < n; i++) {
        int num = keys[i][0] == '#';
        TRY(trygg_html_cell_hyph(b, o->lang,
                                 num ? "<th scope=\"col\" class=\"n\">" : "<th scope=\"col\">",
                                 trygg_rr_tr(o, keys[i] + num), "</th>"));
    }
    return trygg_buf_puts(b, "</tr></thead><tbody>");
}

static trygg_err section_begin(trygg_buf *b, const trygg_report_opts *o, const char *id,
                               const char *key)
{
    TRY(trygg_buf_printf(b, "<section id=\"%s\" aria-labelledby=\"h-%s\"><h2 id=\"h-%s\">", id, id,
                         id));
    return elem(b, "", trygg_rr_tr(o, key), "</h2>");
}

/* The catalog text of key with its one placeholder {name} set to value;
 * fallback when that fails (too long, a bad placeholder). */
static const char *format1(const trygg_report_opts *o, const char *key, const char *name,
                           const char *value, const char *fallback, char *out, size_t cap)
{
    const char *names[] = {name, NULL};
    const char *vals[] = {value, NULL};
    if (trygg_i18n_format(trygg_rr_tr(o, key), names, vals, out, cap))
        return fallback;
    return out;
}

/* Table of one dimension (count, previous, change, avg, change vs avg) with
 * an optional bar chart of the report week. */
static trygg_err html_dim(trygg_buf *b, const trygg_rr_view *v, int d, const char *id,
                          const char *key, int chart)
{
    static const char *const cols[] = {"report.col.key",       "#report.col.count",
                                       "#report.col.previous", "#report.col.change",
                                       "#report.col.avg12",    "#report.col.change_avg"};
    static const char *const area_cols[] = {
        "report.col.area",    "report.col.group",  "#report.col.count",     "#report.col.previous",
        "#report.col.change", "#report.col.avg12", "#report.col.change_avg"};
    const trygg_report_table *t = &v->r->dim[d];
    const trygg_report_dimcells *s = &v->c.dim[d];
    const trygg_report_opts *o = v->o;
    TRY(section_begin(b, o, id, key));
    const char *labels[NK];
    char lbuf[NK][160];
    int64_t vals[NK];
    for (int i = 0; i < t->n; i++) {
        const char *label = trygg_rr_row_label(v, d, t->rows[i].key, lbuf[i], sizeof lbuf[i]);
        if (label != lbuf[i])
            TRYGG_COPY_TRUNC(lbuf[i], label); /* display text */
        labels[i] = lbuf[i];
        vals[i] = t->rows[i].n[CUR];
    }
    if (chart && t->n > 0)
        TRY(trygg_svg_bars(b, trygg_rr_tr(o, key), labels, vals, o->suppress ? s->cur : NULL, t->n,
                           v->T));
    if (d == TRYGG_DIM_AREA)
        TRY(table_begin(b, o, area_cols, 7));
    else
        TRY(table_begin(b, o, cols, 6));
    for (int i = 0; i < t->n; i++) {
        trygg_rr_figs f;
        trygg_rr_figs_of(v, t->rows[i].n, s->cur[i], s->prev[i], s->avg[i], &f);
        TRY(trygg_buf_puts(b, "<tr>"));
        TRY(th_row(b, o->lang, labels[i]));
        if (d == TRYGG_DIM_AREA) {
            const char *g = trygg_rr_area_group(v->r, t->rows[i].key);
            TRY(td(b, strcmp(g, TRYGG_REPORT_OTHER) == 0 ? "" : g, 0));
        }
        const char *fig[] = {f.count, f.prev, f.change, f.avg, f.change_avg};
        for (int k = 0; k < 5; k++)
            TRY(td(b, fig[k], 1));
        TRY(trygg_buf_puts(b, "</tr>"));
    }
    TRY(trygg_buf_puts(b, "</tbody></table>"));
    if (d == TRYGG_DIM_EVENT)
        TRY(elem(b, "<p class=\"caption\">", trygg_rr_tr(o, "report.events_note"), "</p>"));
    return trygg_buf_puts(b, "</section>");
}

/* A link of the week chooser: base_url + the printf'd path, then the label. */
static trygg_err chooser_link(trygg_buf *b, const trygg_report_opts *o, const char *path,
                              const char *week, const char *key)
{
    TRY(trygg_buf_puts(b, "<a href=\""));
    TRY(trygg_html_esc(b, o->base_url));
    TRY(trygg_buf_puts(b, path));
    TRY(trygg_buf_puts(b, week));
    return elem(b, "\">", trygg_rr_tr(o, key), "</a>");
}

static trygg_err html_chooser(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report_opts *o = v->o;
    char wk[16], pw[16], nw[16];
    trygg_week prev, next;
    trygg_week_shift(&v->r->week, -1, &prev);
    trygg_week_shift(&v->r->week, 1, &next);
    trygg_week_format(&v->r->week, wk, sizeof wk);
    trygg_week_format(&prev, pw, sizeof pw);
    trygg_week_format(&next, nw, sizeof nw);
    TRY(elem(b, "<nav class=\"weeks\" aria-label=\"", trygg_rr_tr(o, "report.weeks_nav"), "\">"));
    TRY(chooser_link(b, o, "?week=", pw, "report.prev_week"));
    TRY(elem(b, "<form method=\"get\" action=\"", o->base_url, "\">"));
    TRY(elem(b, "<label for=\"week\">", trygg_rr_tr(o, "report.choose_week"), "</label>"));
    TRY(trygg_buf_printf(b,
                         " <input id=\"week\" name=\"week\" type=\"week\" value=\"%s\""
                         " pattern=\"[0-9]{4}-W[0-9]{2}\" required> ",
                         wk));
    TRY(elem(b, "<button type=\"submit\">", trygg_rr_tr(o, "report.show"), "</button></form>"));
    TRY(chooser_link(b, o, "?week=", nw, "report.next_week"));
    TRY(chooser_link(b, o, "/week.csv?week=", wk, "report.download_csv"));
    if (!o->suppress) /* the internal view may be exported on purpose */
        TRY(chooser_link(b, o, "/week.csv?view=internal&amp;week=", wk,
                         "report.download_csv_internal"));
    TRY(chooser_link(b, o, "/print?week=", wk, "report.printable"));
    TRY(chooser_link(b, o, "/quarter", "", "report.quarter_link"));
    TRY(chooser_link(b, o, "/year", "", "report.year_link"));
    return trygg_buf_puts(b, "</nav>");
}

static trygg_err figure(trygg_buf *b, const trygg_report_opts *o, const char *key,
                        const char *value, const char *sub)
{
    TRY(elem(b, "<li>", trygg_rr_tr(o, key), ""));
    TRY(elem(b, "<b>", value, "</b>"));
    if (sub)
        TRY(elem(b, "<small>", sub, "</small>"));
    return trygg_buf_puts(b, "</li>");
}

static trygg_err html_summary(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    char c[32], sub[200], tmp[64];
    trygg_rr_figs f;
    trygg_rr_figs_of(v, r->total, v->c.total[CUR], v->c.total[CUR - 1], v->c.total_avg, &f);
    TRY(section_begin(b, o, "summary", "report.summary"));
    TRY(trygg_buf_puts(b, "<ul class=\"figures\">"));
    snprintf(sub, sizeof sub, "%s %s (%s) · %s %s", trygg_rr_tr(o, "report.col.previous"), f.prev,
             f.change, trygg_rr_tr(o, "report.col.avg12"), f.avg);
    TRY(figure(b, o, "report.total", f.count, sub));
    trygg_rr_cell(v, r->open, v->c.status[0], c, sizeof c);
    TRY(figure(b, o, "report.open", c, NULL));
    trygg_rr_cell(v, r->closed, v->c.status[1], c, sizeof c);
    TRY(figure(b, o, "report.closed", c, NULL));
    if (r->close_median_s >= 0 && (!o->suppress || v->c.median == TRYGG_CELL_SHOWN))
        trygg_rr_fmt_dur(o, r->close_median_s, tmp, sizeof tmp);
    else
        TRYGG_COPY_TRUNC(tmp, r->close_median_s < 0 ? "–" : "x");
    TRY(figure(b, o, "report.median_close", tmp, NULL));
    trygg_rr_cell(v, r->urgent, v->c.urgent[0], c, sizeof c);
    TRY(figure(b, o, "report.urgent", c, NULL));
    return trygg_buf_puts(b, "</ul></section>");
}

static trygg_err html_trend(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    TRY(section_begin(b, o, "trend", "report.trend"));
    char xl[NW][8];
    const char *xlabels[NW];
    for (int w = 0; w < NW; w++) {
        snprintf(xl[w], sizeof xl[w], "v%d", r->weeks[w].week);
        xlabels[w] = xl[w];
    }
    char t[16], gapmsg[256];
    snprintf(t, sizeof t, "%d", v->T);
    const char *gap = format1(o, "report.trend_gap", "t", t, trygg_rr_tr(o, "report.trend_gap"),
                              gapmsg, sizeof gapmsg);
    TRY(trygg_buf_puts(b, "<div class=\"trends\">"));
    for (int k = 0; k < TRYGG_KIND_COUNT; k++) {
        int row = v->c.kind_row[k];
        int64_t zero[NW] = {0};
        char kb[64];
        trygg_svg_series s = {
            .label = trygg_rr_tr_or(o, "kind", trygg_kind_name((trygg_kind)k),
                                    trygg_kind_name((trygg_kind)k), kb, sizeof kb),
            .v = row >= 0 ? r->dim[TRYGG_DIM_KIND].rows[row].n : zero,
            .state = o->suppress ? &v->c.trend[k * NW] : NULL,
            .n = NW,
        };
        TRY(trygg_buf_puts(b, "<figure>"));
        TRY(trygg_svg_trend(b, s.label, xlabels, &s, 1, v->T, gap));
        TRY(trygg_buf_puts(b, "</figure>"));
    }
    /* The partners' own events, all types summed: beside the citizens'
     * reports, inside the group only (published, they are a table with
     * suppression). */
    const trygg_report_table *ev = &r->dim[TRYGG_DIM_EVENT];
    if (!o->suppress && ev->n > 0) {
        int64_t sum[NW] = {0};
        for (int i = 0; i < ev->n; i++)
            for (int w = 0; w < NW; w++)
                sum[w] += ev->rows[i].n[w];
        trygg_svg_series s = {
            .label = trygg_rr_tr(o, "report.trend_events"), .v = sum, .state = NULL, .n = NW};
        TRY(trygg_buf_puts(b, "<figure id=\"trend-events\">"));
        TRY(trygg_svg_trend(b, s.label, xlabels, &s, 1, v->T, gap));
        TRY(trygg_buf_puts(b, "</figure>"));
    }
    return trygg_buf_puts(b, "</div></section>");
}

static trygg_err html_heat(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report_opts *o = v->o;
    TRY(section_begin(b, o, "heatmap", "report.heatmap"));
    const char *rows[7], *cols[TRYGG_REPORT_BANDS];
    char rb[7][64];
    for (int d = 0; d < 7; d++) {
        char key[32];
        snprintf(key, sizeof key, "weekday.%d", d + 1);
        TRYGG_COPY_TRUNC(rb[d], trygg_rr_tr(o, key)); /* display text */
        rows[d] = rb[d];
    }
    for (int i = 0; i < TRYGG_REPORT_BANDS; i++)
        cols[i] = trygg_rr_band_names[i];
    TRY(trygg_svg_heat(b, trygg_rr_tr(o, "report.heatmap"), rows, cols, &v->r->heat[0][0],
                       o->suppress ? v->c.heat : NULL, 7, TRYGG_REPORT_BANDS, v->T));
    return elem(b, "<p class=\"caption\">", trygg_rr_tr(o, "report.heatmap_caption"),
                "</p></section>");
}

static trygg_err html_top(trygg_buf *b, const trygg_rr_view *v)
{
    static const char *const cols[] = {"report.col.place", "#report.col.count"};
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    TRY(section_begin(b, o, "places", "report.top_places"));
    TRY(table_begin(b, o, cols, 2));
    for (int i = 0; i < r->ntop; i++) {
        if (o->suppress && v->c.top[i] != TRYGG_CELL_SHOWN)
            continue;
        char c[32], lb[160];
        trygg_rr_cell(v, r->top[i].n, v->c.top[i], c, sizeof c);
        /* "area: place" — show the area's label */
        char label[sizeof r->top[0].label];
        TRYGG_COPY_FIT(label, r->top[i].label);
        char *colon = strstr(label, ": ");
        if (colon) {
            *colon = '\0';
            TRY(trygg_html_cell_hyph(b, o->lang, "<tr><th scope=\"row\">",
                                     trygg_rr_area_label(v, label, lb, sizeof lb), ": "));
            TRY(trygg_html_cell_hyph(b, o->lang, "", colon + 2, "</th>"));
        } else {
            const char *area = strcmp(label, "-") == 0 ? "" : label;
            TRY(trygg_html_cell_hyph(b, o->lang, "<tr><th scope=\"row\">",
                                     trygg_rr_area_label(v, area, lb, sizeof lb), "</th>"));
        }
        TRY(td(b, c, 1));
        TRY(trygg_buf_puts(b, "</tr>"));
    }
    TRY(trygg_buf_puts(b, "</tbody></table>"));
    if (o->suppress) {
        TRY(elem(b, "<p class=\"caption\">", trygg_rr_tr(o, "report.top_places_note"), " "));
        TRY(elem(b, "", trygg_rr_tr(o, "report.top_places_note_nested"), "</p>"));
    }
    return trygg_buf_puts(b, "</section>");
}

/* Hot spots and hot times: for the most-reported places (up to HOT_PLACES
 * with at least two items), when their items came in, weekday × time band.
 * Internal view only: the published view never breaks a place down. */
#define HOT_PLACES 4

static trygg_err html_hotspots(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    int n = 0;
    while (n < r->ntop && n < HOT_PLACES && r->top[n].n >= 2)
        n++;
    if (o->suppress || n == 0)
        return TRYGG_OK;
    TRY(section_begin(b, o, "hotspots", "report.hotspots"));
    TRY(elem(b, "<p class=\"caption\">", trygg_rr_tr(o, "report.hotspots_caption"), "</p>"));
    const char *rows[7], *cols[TRYGG_REPORT_BANDS];
    char rb[7][64];
    for (int d = 0; d < 7; d++) {
        char key[32];
        snprintf(key, sizeof key, "weekday.%d", d + 1);
        TRYGG_COPY_TRUNC(rb[d], trygg_rr_tr(o, key)); /* display text */
        rows[d] = rb[d];
    }
    for (int i = 0; i < TRYGG_REPORT_BANDS; i++)
        cols[i] = trygg_rr_band_names[i];
    TRY(trygg_buf_puts(b, "<div class=\"hotspots\">"));
    for (int i = 0; i < n; i++) {
        char label[sizeof r->top[0].label], lb[160], title[400];
        TRYGG_COPY_FIT(label, r->top[i].label);
        char *colon = strstr(label, ": ");
        const char *place = colon ? colon + 2 : "";
        if (colon)
            *colon = '\0';
        snprintf(title, sizeof title, "%s%s%s (%lld)",
                 trygg_rr_area_label(v, strcmp(label, "-") == 0 ? "" : label, lb, sizeof lb),
                 place[0] ? ": " : "", place, (long long)r->top[i].n);
        TRY(elem(b, "<figure><figcaption>", title, "</figcaption>"));
        TRY(trygg_svg_heat(b, title, rows, cols, &r->top[i].heat[0][0], NULL, 7, TRYGG_REPORT_BANDS,
                           v->T));
        TRY(trygg_buf_puts(b, "</figure>"));
    }
    return trygg_buf_puts(b, "</div></section>");
}

/* The week's police events that the security department placed by hand
 * (trygg_police_place): internal only, since the placing is the group's
 * own judgement; the feed itself never places an event. */
static trygg_err html_police_placed(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    int n = 0;
    for (int i = 0; i < r->npolice; i++)
        n += r->police[i].place_label[0] != '\0';
    if (v->o->suppress || n == 0)
        return TRYGG_OK;
    TRY(section_begin(b, v->o, "police-places", "report.police_placed"));
    TRY(trygg_buf_puts(b, "<ul class=\"police-placed\">"));
    for (int i = 0; i < r->npolice; i++) {
        const trygg_report_police *p = &r->police[i];
        if (!p->place_label[0])
            continue;
        char t[32], lb[160];
        trygg_rr_fmt_time(p->at, t, sizeof t);
        TRY(elem(b, "<li><b>", trygg_rr_area_label(v, p->place_area, lb, sizeof lb), ": "));
        TRY(elem(b, "", p->place_label, "</b> – "));
        TRY(elem(b, "", p->type, " ("));
        TRY(elem(b, "", t, ")</li>"));
    }
    return trygg_buf_puts(b, "</ul></section>");
}

/* The urgent items one by one: only on the security department's own
 * screen. */
static trygg_err urgent_list(trygg_buf *b, const trygg_rr_view *v)
{
    static const char *const cols[] = {"report.col.ref", "report.col.time", "report.col.kind",
                                       "report.col.area", "report.col.status"};
    const trygg_report *r = v->r;
    TRY(table_begin(b, v->o, cols, 5));
    for (int i = 0; i < r->nurgent_list; i++) {
        const trygg_report_urgent *u = &r->urgent_list[i];
        char t[32], kb[64], ab[160], sb[64], cb[200];
        trygg_rr_fmt_time(u->created, t, sizeof t);
        TRY(elem(b, "<tr><td><a href=\"/item/", u->ref, "\">"));
        TRY(elem(b, "", u->ref, "</a></td>"));
        TRY(td(b, t, 0));
        snprintf(cb, sizeof cb, "%s/%s", trygg_kind_name(u->kind), u->category);
        TRY(td(b, trygg_rr_row_label(v, TRYGG_DIM_CATEGORY, cb, kb, sizeof kb), 0));
        TRY(td(b, trygg_rr_area_label(v, u->area, ab, sizeof ab), 0));
        const char *status = trygg_status_name(u->status);
        TRY(td(b, trygg_rr_tr_or(v->o, "status", status, status, sb, sizeof sb), 0));
        TRY(trygg_buf_puts(b, "</tr>"));
    }
    return trygg_buf_puts(b, "</tbody></table>");
}

static trygg_err html_urgent(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report_opts *o = v->o;
    TRY(section_begin(b, o, "urgent", "report.urgent"));
    char c[32];
    trygg_rr_cell(v, v->r->urgent, v->c.urgent[0], c, sizeof c);
    TRY(elem(b, "<p>", trygg_rr_tr(o, "report.urgent_count"), " "));
    TRY(elem(b, "<strong>", c, "</strong></p>"));
    if (!o->suppress && v->r->nurgent_list > 0)
        TRY(urgent_list(b, v));
    return trygg_buf_puts(b, "</section>");
}

/* Availability: of the kiosks (kiosks = 1: their area, items and time
 * offline) or of the SMS and voice gateway's components (time down). */
static trygg_err html_avail(trygg_buf *b, const trygg_rr_view *v, int kiosks)
{
    static const char *const kcols[] = {"report.col.kiosk", "report.col.area", "#report.col.count",
                                        "#report.col.offline", "#report.col.longest"};
    static const char *const gcols[] = {"report.col.component", "#report.col.down",
                                        "#report.col.longest"};
    const trygg_report_opts *o = v->o;
    const trygg_report_kiosk *list = kiosks ? v->r->kiosks : v->r->gateways;
    int n = kiosks ? v->r->nkiosks : v->r->ngateways;
    TRY(elem(b, "<h3>", trygg_rr_tr(o, kiosks ? "report.kiosks" : "report.gateway"), "</h3>"));
    if (n == 0)
        return elem(b, "<p>", trygg_rr_tr(o, kiosks ? "report.no_kiosks" : "report.no_gateway"),
                    "</p>");
    TRY(kiosks ? table_begin(b, o, kcols, 5) : table_begin(b, o, gcols, 3));
    for (int i = 0; i < n; i++) {
        const trygg_report_kiosk *k = &list[i];
        char c[32], off[64], lon[64], ab[160];
        trygg_rr_fmt_dur(o, k->offline_s, off, sizeof off);
        trygg_rr_fmt_dur(o, k->longest_s, lon, sizeof lon);
        TRY(trygg_buf_puts(b, "<tr>"));
        TRY(th_row(b, o->lang, kiosks && k->name[0] ? k->name : k->id));
        if (kiosks) {
            trygg_rr_cell(v, k->items, v->c.kiosk[i], c, sizeof c);
            TRY(td(b, trygg_rr_area_label(v, k->area, ab, sizeof ab), 0));
            TRY(td(b, c, 1));
        }
        TRY(td(b, off, 1));
        TRY(td(b, lon, 1));
        TRY(trygg_buf_puts(b, "</tr>"));
    }
    return trygg_buf_puts(b, "</tbody></table>");
}

static trygg_err html_sources(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    TRY(section_begin(b, o, "sources", "report.sources"));
    TRY(elem(b, "<p>", trygg_rr_tr(o, "report.sources_intro"), "</p>"));
    if (r->history_since == 0 || r->history_since > r->week.start) {
        char t[32], msg[256];
        trygg_rr_fmt_time(r->history_since, t, sizeof t);
        TRY(elem(b, "<p class=\"note\">",
                 format1(o, "report.history_partial", "time", t,
                         trygg_rr_tr(o, "report.history_partial"), msg, sizeof msg),
                 "</p>"));
    }
    TRY(html_avail(b, v, 1));
    TRY(html_avail(b, v, 0));
    return elem(b, "<p class=\"note\">", trygg_rr_tr(o, "report.not_covered"), "</p></section>");
}

static trygg_err html_police(trygg_buf *b, const trygg_rr_view *v)
{
    static const char *const cols[] = {"report.col.time", "report.col.type", "report.col.place",
                                       "report.col.summary"};
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    TRY(section_begin(b, o, "police", "report.police"));
    TRY(elem(b, "<p>",
             trygg_rr_tr(o, r->police_fetched ? "report.police_intro" : "report.police_none"),
             "</p>"));
    if (r->npolice == 0)
        return trygg_buf_puts(b, "</section>");
    static const char *const cols_in[] = {"report.col.time", "report.col.type", "report.col.place",
                                          "report.col.police_place", "report.col.summary"};
    TRY(o->suppress ? table_begin(b, o, cols, 4) : table_begin(b, o, cols_in, 5));
    for (int i = 0; i < r->npolice; i++) {
        const trygg_report_police *p = &r->police[i];
        char t[32];
        trygg_rr_fmt_time(p->at, t, sizeof t);
        TRY(trygg_buf_puts(b, "<tr>"));
        TRY(td(b, t, 0));
        if (strncmp(p->url, "https://", 8) == 0) {
            TRY(elem(b, "<td><a href=\"", p->url, "\" rel=\"noopener noreferrer\">"));
            TRY(elem(b, "", p->type, "</a></td>"));
        } else {
            TRY(td(b, p->type, 0));
        }
        TRY(td(b, p->location, 0));
        if (!o->suppress) { /* placed by hand: the group's own judgement, internal */
            char pl[160];
            if (p->place_label[0])
                snprintf(pl, sizeof pl, "%s: %s", p->place_area, p->place_label);
            else
                TRYGG_COPY_FIT(pl, "–");
            TRY(td(b, pl, 0));
        }
        TRY(td(b, p->summary, 0));
        TRY(trygg_buf_puts(b, "</tr>"));
    }
    TRY(trygg_buf_puts(b, "</tbody></table>"));
    if (r->police_total > r->npolice)
        TRY(trygg_buf_printf(b, "<p>+%lld</p>", (long long)(r->police_total - r->npolice)));
    return trygg_buf_puts(b, "</section>");
}

/* The page up to the first section: the document head when standalone (or
 * the style alone), the heading, the week chooser and the note on what the
 * numbers show. */
static trygg_err html_head(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    char wk[16], from[16], to[16], title[256], wn[8], yr[8];
    trygg_week_format(&r->week, wk, sizeof wk);
    trygg_rr_fmt_date(r->week.start, from, sizeof from);
    trygg_rr_fmt_date(r->week.end - 1, to, sizeof to);
    snprintf(wn, sizeof wn, "%d", r->week.week);
    snprintf(yr, sizeof yr, "%d", r->week.year);
    const char *names[] = {"week", "year", "from", "to", NULL};
    const char *vals[] = {wn, yr, from, to, NULL};
    if (trygg_i18n_format(trygg_rr_tr(o, "report.heading"), names, vals, title, sizeof title))
        TRYGG_COPY_TRUNC(title, wk); /* display text */
    if (o->standalone) {
        TRY(trygg_buf_printf(b,
                             "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
                             "<meta name=\"viewport\" content=\"width=device-width\">",
                             (o->lang && strcmp(o->lang, "en") == 0) ? "en" : "sv"));
        TRY(elem(b, "<title>", title, "</title>"));
    }
    TRY(style(b, o));
    if (o->standalone)
        TRY(trygg_buf_puts(b, "</head><body class=\"report-page\">"));
    TRY(trygg_buf_printf(b, "<div class=\"report\" data-week=\"%s\" data-mode=\"%s\">", wk,
                         o->suppress ? "suppressed" : "full"));
    TRY(elem(b, "<h1>", title, "</h1>"));
    if (r->running) { /* "pågående vecka": the figures end at the cut-off */
        char cut[32], rmsg[256];
        trygg_rr_fmt_time(r->generated, cut, sizeof cut);
        TRY(elem(b, "<p class=\"note running\" data-running=\"", cut, "\"><strong>"));
        TRY(elem(b, "", format1(o, "report.running_week", "time", cut, cut, rmsg, sizeof rmsg),
                 "</strong></p>"));
    }
    if (!o->print)
        TRY(html_chooser(b, v));
    char t[16], msg[512];
    snprintf(t, sizeof t, "%d", v->T);
    /* Which of the two views this is, in words. */
    TRY(elem(b, "<p class=\"note view\"><strong>",
             trygg_rr_tr(o, o->suppress ? "report.view_published" : "report.view_internal"),
             "</strong></p>"));
    const char *note = o->suppress ? "report.note_suppressed" : "report.note_full";
    return elem(b, "<p class=\"note\">",
                format1(o, note, "t", t, trygg_rr_tr(o, note), msg, sizeof msg), "</p>");
}

static trygg_err html_sections(trygg_buf *b, const trygg_rr_view *v)
{
    TRY(html_summary(b, v));
    TRY(html_dim(b, v, TRYGG_DIM_KIND, "kind", "report.by_kind", 1));
    TRY(html_trend(b, v));
    TRY(html_dim(b, v, TRYGG_DIM_CATEGORY, "category", "report.by_category", 0));
    TRY(html_dim(b, v, TRYGG_DIM_GROUP, "group", "report.by_group", 1));
    TRY(html_dim(b, v, TRYGG_DIM_AREA, "area", "report.by_area", 1));
    TRY(trygg_rr_map(b, v));
    TRY(html_dim(b, v, TRYGG_DIM_CHANNEL, "channel", "report.by_channel", 1));
    TRY(html_dim(b, v, TRYGG_DIM_EVENT, "events", "report.by_event", 1));
    TRY(html_heat(b, v));
    TRY(html_top(b, v));
    TRY(html_hotspots(b, v));
    TRY(html_police_placed(b, v));
    TRY(html_urgent(b, v));
    TRY(html_sources(b, v));
    return html_police(b, v);
}

/* The footer (when the report was compiled) and the closing tags. */
static trygg_err html_foot(trygg_buf *b, const trygg_rr_view *v)
{
    char gen[32], msg[256];
    trygg_rr_fmt_time(v->r->generated, gen, sizeof gen);
    TRY(elem(b, "<footer><p>", format1(v->o, "report.generated", "time", gen, gen, msg, sizeof msg),
             "</p></footer></div>"));
    return v->o->standalone ? trygg_buf_puts(b, "</body></html>") : TRYGG_OK;
}

trygg_err trygg_report_html(const trygg_report *r, const trygg_report_opts *o, trygg_buf *b)
{
    static const trygg_rr_part parts[] = {html_head, html_sections, html_foot};
    return trygg_rr_render(r, o, b, parts, (int)(sizeof parts / sizeof parts[0]));
}
