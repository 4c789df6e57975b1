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

#include <stdio.h>
#include <stdlib.h>
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
    ".report nav.weeks{display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center;"
    "margin:.5rem 0}"
    ".report nav.weeks form{display:flex;gap:.4rem;align-items:center;margin:0}"
    ".report nav.weeks input{width:auto;max-width:12rem}"
    ".report section{break-inside:avoid;page-break-inside:avoid}"
    "@media print{.report nav.weeks{display:none}.report{max-width:none;font-size:10pt}"
    ".report h2{font-size:13pt;margin:.6rem 0 .2rem}.report .trends{grid-template-columns:1fr 1fr}"
    "a{color:#000;text-decoration:none}}"
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
        TRY(trygg_buf_puts(b, "\">"));
    } else {
        TRY(trygg_buf_puts(b, "<style>"));
        TRY(trygg_buf_puts(b, report_css));
        TRY(trygg_buf_puts(b, "</style>"));
    }
    return TRYGG_OK;
}

static trygg_err th(trygg_buf *b, const trygg_report_opts *o, const char *key, int num)
{
    TRY(trygg_buf_puts(b, num ? "<th scope=\"col\" class=\"n\">" : "<th scope=\"col\">"));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, key)));
    return trygg_buf_puts(b, "</th>");
}

static trygg_err td(trygg_buf *b, const char *s, int num)
{
    TRY(trygg_buf_puts(b, num ? "<td class=\"n\">" : "<td>"));
    TRY(trygg_html_esc(b, s));
    return trygg_buf_puts(b, "</td>");
}

static trygg_err section_begin(trygg_buf *b, const trygg_report_opts *o, const char *id,
                               const char *key)
{
    TRY(trygg_buf_printf(b, "<section id=\"%s\" aria-labelledby=\"h-%s\"><h2 id=\"h-%s\">", id, id,
                         id));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, key)));
    return trygg_buf_puts(b, "</h2>");
}

/* Table of one dimension (count, previous, change, avg, change vs avg) with
 * an optional bar chart of the report week. */
static trygg_err html_dim(trygg_buf *b, const trygg_rr_view *v, int d, const char *id,
                          const char *key, int chart)
{
    const trygg_report_table *t = &v->r->dim[d];
    const trygg_report_opts *o = v->o;
    TRY(section_begin(b, o, id, key));
    const char *labels[NK];
    char lbuf[NK][160];
    int64_t vals[NK];
    int n = 0;
    for (int i = 0; i < t->n; i++) {
        labels[n] = trygg_rr_row_label(v, d, t->rows[i].key, lbuf[n], sizeof lbuf[n]);
        if (labels[n] != lbuf[n]) {
            TRYGG_COPY_TRUNC(lbuf[n], labels[n]); /* display text */
            labels[n] = lbuf[n];
        }
        vals[n++] = t->rows[i].n[CUR];
    }
    if (chart && n > 0)
        TRY(trygg_svg_bars(b, trygg_rr_tr(o, key), labels, vals,
                           o->suppress ? v->c.dim[d].cur : NULL, n, v->T));
    TRY(trygg_buf_puts(b, "<table><thead><tr>"));
    TRY(th(b, o, d == TRYGG_DIM_AREA ? "report.col.area" : "report.col.key", 0));
    if (d == TRYGG_DIM_AREA)
        TRY(th(b, o, "report.col.group", 0));
    TRY(th(b, o, "report.col.count", 1));
    TRY(th(b, o, "report.col.previous", 1));
    TRY(th(b, o, "report.col.change", 1));
    TRY(th(b, o, "report.col.avg12", 1));
    TRY(th(b, o, "report.col.change_avg", 1));
    TRY(trygg_buf_puts(b, "</tr></thead><tbody>"));
    for (int i = 0; i < t->n; i++) {
        const trygg_report_row *row = &t->rows[i];
        char c[32], p[32], ch[32], a[32], ca[32];
        int64_t hs = trygg_report_hist_sum(row->n);
        trygg_rr_cell(v, row->n[CUR], v->c.dim[d].cur[i], c, sizeof c);
        trygg_rr_cell(v, row->n[CUR - 1], v->c.dim[d].prev[i], p, sizeof p);
        trygg_rr_cell_diff(v, row->n[CUR], v->c.dim[d].cur[i], row->n[CUR - 1], v->c.dim[d].prev[i],
                           ch, sizeof ch);
        trygg_rr_cell_avg(v, hs, v->c.dim[d].avg[i], a, sizeof a);
        trygg_rr_cell_diff_avg(v, row->n[CUR], v->c.dim[d].cur[i], hs, v->c.dim[d].avg[i], ca,
                               sizeof ca);
        TRY(trygg_buf_puts(b, "<tr><th scope=\"row\">"));
        TRY(trygg_html_esc(b, labels[i]));
        TRY(trygg_buf_puts(b, "</th>"));
        if (d == TRYGG_DIM_AREA) {
            const char *g = trygg_rr_area_group(v->r, row->key);
            TRY(td(b, strcmp(g, TRYGG_REPORT_OTHER) == 0 ? "" : g, 0));
        }
        TRY(td(b, c, 1));
        TRY(td(b, p, 1));
        TRY(td(b, ch, 1));
        TRY(td(b, a, 1));
        TRY(td(b, ca, 1));
        TRY(trygg_buf_puts(b, "</tr>"));
    }
    return trygg_buf_puts(b, "</tbody></table></section>");
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
    TRY(trygg_buf_puts(b, "<nav class=\"weeks\" aria-label=\""));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.weeks_nav")));
    TRY(trygg_buf_puts(b, "\"><a href=\""));
    TRY(trygg_html_esc(b, o->base_url));
    TRY(trygg_buf_printf(b, "?week=%s\">", pw));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.prev_week")));
    TRY(trygg_buf_puts(b, "</a><form method=\"get\" action=\""));
    TRY(trygg_html_esc(b, o->base_url));
    TRY(trygg_buf_puts(b, "\"><label for=\"week\">"));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.choose_week")));
    TRY(trygg_buf_printf(b,
                         "</label> <input id=\"week\" name=\"week\" type=\"week\" value=\"%s\""
                         " pattern=\"[0-9]{4}-W[0-9]{2}\" required> <button type=\"submit\">",
                         wk));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.show")));
    TRY(trygg_buf_puts(b, "</button></form><a href=\""));
    TRY(trygg_html_esc(b, o->base_url));
    TRY(trygg_buf_printf(b, "?week=%s\">", nw));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.next_week")));
    TRY(trygg_buf_puts(b, "</a><a href=\""));
    TRY(trygg_html_esc(b, o->base_url));
    TRY(trygg_buf_printf(b, "/week.csv?week=%s\">", wk));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.download_csv")));
    TRY(trygg_buf_puts(b, "</a><a href=\""));
    TRY(trygg_html_esc(b, o->base_url));
    TRY(trygg_buf_printf(b, "/print?week=%s\">", wk));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.printable")));
    return trygg_buf_puts(b, "</a></nav>");
}

static trygg_err figure(trygg_buf *b, const trygg_report_opts *o, const char *key,
                        const char *value, const char *sub)
{
    TRY(trygg_buf_puts(b, "<li>"));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, key)));
    TRY(trygg_buf_puts(b, "<b>"));
    TRY(trygg_html_esc(b, value));
    TRY(trygg_buf_puts(b, "</b>"));
    if (sub) {
        TRY(trygg_buf_puts(b, "<small>"));
        TRY(trygg_html_esc(b, sub));
        TRY(trygg_buf_puts(b, "</small>"));
    }
    return trygg_buf_puts(b, "</li>");
}

static trygg_err html_summary(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    char c[32], p[32], ch[32], a[32], sub[200], tmp[64];
    int64_t hs = trygg_report_hist_sum(r->total);
    trygg_cell as = v->c.total_avg;
    trygg_rr_cell(v, r->total[CUR], v->c.total[CUR], c, sizeof c);
    trygg_rr_cell(v, r->total[CUR - 1], v->c.total[CUR - 1], p, sizeof p);
    trygg_rr_cell_diff(v, r->total[CUR], v->c.total[CUR], r->total[CUR - 1], v->c.total[CUR - 1],
                       ch, sizeof ch);
    trygg_rr_cell_avg(v, hs, as, a, sizeof a);
    TRY(section_begin(b, o, "summary", "report.summary"));
    TRY(trygg_buf_puts(b, "<ul class=\"figures\">"));
    snprintf(sub, sizeof sub, "%s %s (%s) · %s %s", trygg_rr_tr(o, "report.col.previous"), p, ch,
             trygg_rr_tr(o, "report.col.avg12"), a);
    TRY(figure(b, o, "report.total", c, sub));
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
        TRY(trygg_svg_trend(b, s.label, xlabels, &s, 1, v->T));
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
    TRY(trygg_buf_puts(b, "<p class=\"caption\">"));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.heatmap_caption")));
    return trygg_buf_puts(b, "</p></section>");
}

static trygg_err html_top(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    TRY(section_begin(b, o, "places", "report.top_places"));
    TRY(trygg_buf_puts(b, "<table><thead><tr>"));
    TRY(th(b, o, "report.col.place", 0));
    TRY(th(b, o, "report.col.count", 1));
    TRY(trygg_buf_puts(b, "</tr></thead><tbody>"));
    int shown_rows = 0;
    for (int i = 0; i < r->ntop; i++) {
        if (o->suppress && v->c.top[i] != TRYGG_CELL_SHOWN)
            continue;
        char c[32], lb[160];
        trygg_rr_cell(v, r->top[i].n, v->c.top[i], c, sizeof c);
        /* "area: place" — show the area's label */
        char label[sizeof r->top[0].label];
        TRYGG_COPY_FIT(label, r->top[i].label);
        char *colon = strstr(label, ": ");
        TRY(trygg_buf_puts(b, "<tr><th scope=\"row\">"));
        if (colon) {
            *colon = '\0';
            TRY(trygg_html_esc(b, trygg_rr_area_label(v, label, lb, sizeof lb)));
            TRY(trygg_buf_puts(b, ": "));
            TRY(trygg_html_esc(b, colon + 2));
        } else {
            TRY(trygg_html_esc(
                b, trygg_rr_area_label(v, strcmp(label, "-") == 0 ? "" : label, lb, sizeof lb)));
        }
        TRY(trygg_buf_puts(b, "</th>"));
        TRY(td(b, c, 1));
        TRY(trygg_buf_puts(b, "</tr>"));
        shown_rows++;
    }
    TRY(trygg_buf_puts(b, "</tbody></table>"));
    if (o->suppress) {
        TRY(trygg_buf_puts(b, "<p class=\"caption\">"));
        TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.top_places_note")));
        TRY(trygg_buf_puts(b, " "));
        TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.top_places_note_nested")));
        TRY(trygg_buf_puts(b, "</p>"));
    }
    (void)shown_rows;
    return trygg_buf_puts(b, "</section>");
}

static trygg_err html_urgent(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    TRY(section_begin(b, o, "urgent", "report.urgent"));
    char c[32];
    trygg_rr_cell(v, r->urgent, v->c.urgent[0], c, sizeof c);
    TRY(trygg_buf_puts(b, "<p>"));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.urgent_count")));
    TRY(trygg_buf_puts(b, " <strong>"));
    TRY(trygg_html_esc(b, c));
    TRY(trygg_buf_puts(b, "</strong></p>"));
    if (!o->suppress && r->nurgent_list > 0) {
        /* Only on the security department's own screen: single items. */
        TRY(trygg_buf_puts(b, "<table><thead><tr>"));
        TRY(th(b, o, "report.col.ref", 0));
        TRY(th(b, o, "report.col.time", 0));
        TRY(th(b, o, "report.col.kind", 0));
        TRY(th(b, o, "report.col.area", 0));
        TRY(th(b, o, "report.col.status", 0));
        TRY(trygg_buf_puts(b, "</tr></thead><tbody>"));
        for (int i = 0; i < r->nurgent_list; i++) {
            const trygg_report_urgent *u = &r->urgent_list[i];
            char t[32], kb[64], ab[160], sb[64], cb[200];
            trygg_rr_fmt_time(u->created, t, sizeof t);
            TRY(trygg_buf_puts(b, "<tr><td><a href=\"/item/"));
            TRY(trygg_html_esc(b, u->ref));
            TRY(trygg_buf_puts(b, "\">"));
            TRY(trygg_html_esc(b, u->ref));
            TRY(trygg_buf_puts(b, "</a></td>"));
            TRY(td(b, t, 0));
            snprintf(cb, sizeof cb, "%s/%s", trygg_kind_name(u->kind), u->category);
            TRY(td(b, trygg_rr_row_label(v, TRYGG_DIM_CATEGORY, cb, kb, sizeof kb), 0));
            TRY(td(b, trygg_rr_area_label(v, u->area, ab, sizeof ab), 0));
            TRY(td(b,
                   trygg_rr_tr_or(o, "status", trygg_status_name(u->status),
                                  trygg_status_name(u->status), sb, sizeof sb),
                   0));
            TRY(trygg_buf_puts(b, "</tr>"));
        }
        TRY(trygg_buf_puts(b, "</tbody></table>"));
    }
    return trygg_buf_puts(b, "</section>");
}

static trygg_err html_sources(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    TRY(section_begin(b, o, "sources", "report.sources"));
    TRY(trygg_buf_puts(b, "<p>"));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.sources_intro")));
    TRY(trygg_buf_puts(b, "</p>"));
    if (r->history_since == 0 || r->history_since > r->week.start) {
        char t[32], msg[256];
        trygg_rr_fmt_time(r->history_since, t, sizeof t);
        const char *names[] = {"time", NULL};
        const char *vals[] = {t, NULL};
        if (trygg_i18n_format(trygg_rr_tr(o, "report.history_partial"), names, vals, msg,
                              sizeof msg))
            TRYGG_COPY_TRUNC(msg, trygg_rr_tr(o, "report.history_partial")); /* display text */
        TRY(trygg_buf_puts(b, "<p class=\"note\">"));
        TRY(trygg_html_esc(b, msg));
        TRY(trygg_buf_puts(b, "</p>"));
    }
    TRY(trygg_buf_puts(b, "<h3>"));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.kiosks")));
    TRY(trygg_buf_puts(b, "</h3>"));
    if (r->nkiosks == 0) {
        TRY(trygg_buf_puts(b, "<p>"));
        TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.no_kiosks")));
        TRY(trygg_buf_puts(b, "</p>"));
    } else {
        TRY(trygg_buf_puts(b, "<table><thead><tr>"));
        TRY(th(b, o, "report.col.kiosk", 0));
        TRY(th(b, o, "report.col.area", 0));
        TRY(th(b, o, "report.col.count", 1));
        TRY(th(b, o, "report.col.offline", 1));
        TRY(th(b, o, "report.col.longest", 1));
        TRY(trygg_buf_puts(b, "</tr></thead><tbody>"));
        for (int i = 0; i < r->nkiosks; i++) {
            const trygg_report_kiosk *k = &r->kiosks[i];
            char c[32], off[64], lon[64], ab[160];
            trygg_rr_cell(v, k->items, v->c.kiosk[i], c, sizeof c);
            trygg_rr_fmt_dur(o, k->offline_s, off, sizeof off);
            trygg_rr_fmt_dur(o, k->longest_s, lon, sizeof lon);
            TRY(trygg_buf_puts(b, "<tr><th scope=\"row\">"));
            TRY(trygg_html_esc(b, k->name[0] ? k->name : k->id));
            TRY(trygg_buf_puts(b, "</th>"));
            TRY(td(b, trygg_rr_area_label(v, k->area, ab, sizeof ab), 0));
            TRY(td(b, c, 1));
            TRY(td(b, off, 1));
            TRY(td(b, lon, 1));
            TRY(trygg_buf_puts(b, "</tr>"));
        }
        TRY(trygg_buf_puts(b, "</tbody></table>"));
    }
    TRY(trygg_buf_puts(b, "<h3>"));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.gateway")));
    TRY(trygg_buf_puts(b, "</h3>"));
    if (r->ngateways == 0) {
        TRY(trygg_buf_puts(b, "<p>"));
        TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.no_gateway")));
        TRY(trygg_buf_puts(b, "</p>"));
    } else {
        TRY(trygg_buf_puts(b, "<table><thead><tr>"));
        TRY(th(b, o, "report.col.component", 0));
        TRY(th(b, o, "report.col.down", 1));
        TRY(th(b, o, "report.col.longest", 1));
        TRY(trygg_buf_puts(b, "</tr></thead><tbody>"));
        for (int i = 0; i < r->ngateways; i++) {
            const trygg_report_kiosk *g = &r->gateways[i];
            char off[64], lon[64];
            trygg_rr_fmt_dur(o, g->offline_s, off, sizeof off);
            trygg_rr_fmt_dur(o, g->longest_s, lon, sizeof lon);
            TRY(trygg_buf_puts(b, "<tr><th scope=\"row\">"));
            TRY(trygg_html_esc(b, g->id));
            TRY(trygg_buf_puts(b, "</th>"));
            TRY(td(b, off, 1));
            TRY(td(b, lon, 1));
            TRY(trygg_buf_puts(b, "</tr>"));
        }
        TRY(trygg_buf_puts(b, "</tbody></table>"));
    }
    TRY(trygg_buf_puts(b, "<p class=\"note\">"));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.not_covered")));
    return trygg_buf_puts(b, "</p></section>");
}

static trygg_err html_police(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    TRY(section_begin(b, o, "police", "report.police"));
    TRY(trygg_buf_puts(b, "<p>"));
    TRY(trygg_html_esc(
        b, trygg_rr_tr(o, r->police_fetched ? "report.police_intro" : "report.police_none")));
    TRY(trygg_buf_puts(b, "</p>"));
    if (r->npolice > 0) {
        TRY(trygg_buf_puts(b, "<table><thead><tr>"));
        TRY(th(b, o, "report.col.time", 0));
        TRY(th(b, o, "report.col.type", 0));
        TRY(th(b, o, "report.col.place", 0));
        TRY(th(b, o, "report.col.summary", 0));
        TRY(trygg_buf_puts(b, "</tr></thead><tbody>"));
        for (int i = 0; i < r->npolice; i++) {
            const trygg_report_police *p = &r->police[i];
            char t[32];
            trygg_rr_fmt_time(p->at, t, sizeof t);
            TRY(trygg_buf_puts(b, "<tr>"));
            TRY(td(b, t, 0));
            TRY(trygg_buf_puts(b, "<td>"));
            if (strncmp(p->url, "https://", 8) == 0) {
                TRY(trygg_buf_puts(b, "<a href=\""));
                TRY(trygg_html_esc(b, p->url));
                TRY(trygg_buf_puts(b, "\" rel=\"noopener noreferrer\">"));
                TRY(trygg_html_esc(b, p->type));
                TRY(trygg_buf_puts(b, "</a>"));
            } else {
                TRY(trygg_html_esc(b, p->type));
            }
            TRY(trygg_buf_puts(b, "</td>"));
            TRY(td(b, p->location, 0));
            TRY(td(b, p->summary, 0));
            TRY(trygg_buf_puts(b, "</tr>"));
        }
        TRY(trygg_buf_puts(b, "</tbody></table>"));
        if (r->police_total > r->npolice) {
            TRY(trygg_buf_printf(b, "<p>+%lld</p>", (long long)(r->police_total - r->npolice)));
        }
    }
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
                             "<meta name=\"viewport\" content=\"width=device-width\"><title>",
                             (o->lang && strcmp(o->lang, "en") == 0) ? "en" : "sv"));
        TRY(trygg_html_esc(b, title));
        TRY(trygg_buf_puts(b, "</title>"));
        TRY(style(b, o));
        TRY(trygg_buf_puts(b, "</head><body class=\"report-page\">"));
    } else {
        TRY(style(b, o));
    }
    TRY(trygg_buf_printf(b, "<div class=\"report\" data-week=\"%s\" data-mode=\"%s\"><h1>", wk,
                         o->suppress ? "suppressed" : "full"));
    TRY(trygg_html_esc(b, title));
    TRY(trygg_buf_puts(b, "</h1>"));
    if (!o->print)
        TRY(html_chooser(b, v));
    char t[16], msg[512];
    snprintf(t, sizeof t, "%d", v->T);
    const char *tnames[] = {"t", NULL};
    const char *tvals[] = {t, NULL};
    const char *fmt = trygg_rr_tr(o, o->suppress ? "report.note_suppressed" : "report.note_full");
    if (trygg_i18n_format(fmt, tnames, tvals, msg, sizeof msg))
        TRYGG_COPY_TRUNC(msg, fmt); /* display text */
    TRY(trygg_buf_puts(b, "<p class=\"note\">"));
    TRY(trygg_html_esc(b, msg));
    return trygg_buf_puts(b, "</p>");
}

static trygg_err html_sections(trygg_buf *b, const trygg_rr_view *v)
{
    TRY(html_summary(b, v));
    TRY(html_dim(b, v, TRYGG_DIM_KIND, "kind", "report.by_kind", 1));
    TRY(html_trend(b, v));
    TRY(html_dim(b, v, TRYGG_DIM_CATEGORY, "category", "report.by_category", 0));
    TRY(html_dim(b, v, TRYGG_DIM_GROUP, "group", "report.by_group", 1));
    TRY(html_dim(b, v, TRYGG_DIM_AREA, "area", "report.by_area", 1));
    TRY(html_dim(b, v, TRYGG_DIM_CHANNEL, "channel", "report.by_channel", 1));
    TRY(html_heat(b, v));
    TRY(html_top(b, v));
    TRY(html_urgent(b, v));
    TRY(html_sources(b, v));
    return html_police(b, v);
}

/* The footer (when the report was compiled) and the closing tags. */
static trygg_err html_foot(trygg_buf *b, const trygg_rr_view *v)
{
    char gen[32], msg[256];
    trygg_rr_fmt_time(v->r->generated, gen, sizeof gen);
    const char *names[] = {"time", NULL};
    const char *vals[] = {gen, NULL};
    if (trygg_i18n_format(trygg_rr_tr(v->o, "report.generated"), names, vals, msg, sizeof msg))
        TRYGG_COPY_TRUNC(msg, gen); /* display text */
    TRY(trygg_buf_puts(b, "<footer><p>"));
    TRY(trygg_html_esc(b, msg));
    TRY(trygg_buf_puts(b, "</p></footer></div>"));
    return v->o->standalone ? trygg_buf_puts(b, "</body></html>") : TRYGG_OK;
}

trygg_err trygg_report_html(const trygg_report *r, const trygg_report_opts *o, trygg_buf *b)
{
    trygg_rr_view *v;
    TRY(trygg_rr_view_new(r, o, b, &v));
    trygg_err e = html_head(b, v);
    if (!e)
        e = html_sections(b, v);
    if (!e)
        e = html_foot(b, v);
    free(v);
    return e;
}
