/*
 * report_render.c — the situation picture as tidy CSV and as HTML (a page
 * fragment for the web UI, or a standalone A4 document for printing and
 * tryggctl). Both go through one "view" that holds the suppression state of
 * every cell (decided once by trygg_report_suppress), so the screen, the printout and
 * the CSV can never disagree about what is hidden.
 *
 * All text comes from the "report" catalog; every dynamic string is escaped
 * by trygg_html_esc (HTML) or trygg_csv_field (CSV).
 */
#include "trygg/copy.h"
#include "trygg/report.h"

#include "trygg/csv.h"
#include "trygg/html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Buffer: trygg_buf with a sticky error --------------------------------- */

/* The render functions append hundreds of pieces; the buffer's error is
 * sticky, so the result is checked once, by whoever sends or writes the
 * buffer (trygg_buf_err), and each piece's own result may be dropped. */

void trygg_rbuf_init(trygg_rbuf *b, size_t max)
{
    trygg_buf_init(b, max);
}

void trygg_rbuf_free(trygg_rbuf *b)
{
    trygg_buf_free(b);
}

void trygg_rbuf_add(trygg_rbuf *b, const char *s, size_t n)
{
    trygg_ignore(trygg_buf_add(b, s, n)); /* sticky: see above */
}

void trygg_rbuf_puts(trygg_rbuf *b, const char *s)
{
    trygg_ignore(trygg_buf_puts(b, s)); /* sticky: see above */
}

void trygg_rbuf_printf(trygg_rbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    trygg_ignore(trygg_buf_vprintf(b, fmt, ap)); /* sticky: see above */
    va_end(ap);
}

void trygg_rbuf_esc(trygg_rbuf *b, const char *s)
{
    trygg_ignore(trygg_html_esc(b, s)); /* sticky: see above */
}

void trygg_report_opts_init(trygg_report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->suppress = 1;
    o->threshold = TRYGG_SUPPRESS_DEFAULT;
    o->lang = "sv";
    o->base_url = "/report";
}

/* ---- The view: suppression state of every cell ------------------------------- */

#define NK  (TRYGG_REPORT_KEYS + 1)
#define NW  TRYGG_REPORT_NWEEKS
#define CUR TRYGG_REPORT_CUR

typedef struct view {
    const trygg_report *r;
    const trygg_report_opts *o;
    int T;
    trygg_report_cells c; /* every cell's state: trygg_report_suppress */
} view;

static const char *area_group_of(const trygg_report *r, const char *area)
{
    for (int i = 0; i < r->areas.n; i++)
        if (strcmp(r->areas.a[i].id, area) == 0)
            return r->areas.a[i].group[0] ? r->areas.a[i].group : TRYGG_REPORT_OTHER;
    return TRYGG_REPORT_OTHER;
}

static void view_build(view *v, const trygg_report *r, const trygg_report_opts *o)
{
    memset(v, 0, sizeof *v);
    v->r = r;
    v->o = o;
    v->T = o->threshold > 0 ? o->threshold : TRYGG_SUPPRESS_DEFAULT;
    trygg_report_suppress(r, v->T, &v->c);
}

/* Text of a count in this view: the number in full mode (with "*" when it
 * would be hidden outside the security department), else via suppression. */
static void cell(const view *v, int64_t n, trygg_cell s, char *out, size_t cap)
{
    if (v->o->suppress)
        trygg_suppress_text(n, s, v->T, out, cap);
    else
        snprintf(out, cap, "%lld%s", (long long)n, s == TRYGG_CELL_SHOWN ? "" : "*");
}

static void cell_diff(const view *v, int64_t a, trygg_cell sa, int64_t b, trygg_cell sb, char *out,
                      size_t cap)
{
    if (v->o->suppress && trygg_suppress_diff(sa, sb) != TRYGG_CELL_SHOWN)
        snprintf(out, cap, "x");
    else
        snprintf(out, cap, "%+lld", (long long)(a - b));
}

/* Average of 12 weeks (sum/12, one decimal). */
static void cell_avg(const view *v, int64_t sum, trygg_cell s, char *out, size_t cap)
{
    if (v->o->suppress && s != TRYGG_CELL_SHOWN)
        snprintf(out, cap, "x");
    else
        snprintf(out, cap, "%.1f", (double)sum / TRYGG_REPORT_HIST);
}

static void cell_diff_avg(const view *v, int64_t cur, trygg_cell sc, int64_t sum, trygg_cell sa,
                          char *out, size_t cap)
{
    if (v->o->suppress && trygg_suppress_diff(sc, sa) != TRYGG_CELL_SHOWN)
        snprintf(out, cap, "x");
    else
        snprintf(out, cap, "%+.1f", (double)cur - (double)sum / TRYGG_REPORT_HIST);
}

static const char *tr(const trygg_report_opts *o, const char *key)
{
    if (!o->t)
        return key;
    return trygg_i18n_get(o->t, o->lang ? o->lang : "sv", key);
}

/* Catalog text for prefix.name, or `fallback` when the catalog has none. */
static const char *tr_or(const trygg_report_opts *o, const char *prefix, const char *name,
                         const char *fallback, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s.%s", prefix, name);
    const char *t = tr(o, buf);
    return strcmp(t, buf) == 0 ? fallback : t;
}

/* a + b + c into out[cap], truncated (at a byte; labels are short). */
static void join3(char *out, size_t cap, const char *a, const char *b, const char *c)
{
    size_t n = 0;
    const char *parts[3] = {a, b, c};
    for (int i = 0; i < 3; i++)
        for (const char *p = parts[i]; *p && n + 1 < cap; p++)
            out[n++] = *p;
    if (cap)
        out[n] = '\0';
}

static const char *area_label(const view *v, const char *id, char *buf, size_t cap)
{
    int en = v->o->lang && strcmp(v->o->lang, "en") == 0;
    for (int i = 0; i < v->r->areas.n; i++)
        if (strcmp(v->r->areas.a[i].id, id) == 0)
            return en && v->r->areas.a[i].label_en[0] ? v->r->areas.a[i].label_en
                                                      : v->r->areas.a[i].label;
    if (!id[0])
        return tr(v->o, "report.no_area");
    if (strcmp(id, TRYGG_REPORT_OTHER) == 0)
        return tr(v->o, "report.other");
    return tr_or(v->o, "area", id, id, buf, cap);
}

static const char *row_label(const view *v, int d, const char *key, char *buf, size_t cap)
{
    char tmp[160];
    if (strcmp(key, TRYGG_REPORT_OTHER) == 0)
        return tr(v->o, "report.other");
    switch (d) {
    case TRYGG_DIM_KIND:
        return tr_or(v->o, "kind", key, key, buf, cap);
    case TRYGG_DIM_CHANNEL:
        return tr_or(v->o, "channel", key, key, buf, cap);
    case TRYGG_DIM_AREA:
        return area_label(v, key, buf, cap);
    case TRYGG_DIM_CATEGORY: {
        char kind[80];
        TRYGG_COPY_TRUNC(kind, key); /* a category key; the kind part is short */
        char *slash = strchr(kind, '/');
        const char *cat = slash ? slash + 1 : "";
        if (slash)
            *slash = '\0';
        const char *kl = tr_or(v->o, "kind", kind, kind, tmp, sizeof tmp);
        char kl_copy[160];
        TRYGG_COPY_TRUNC(kl_copy, kl); /* display text */
        char cb[160];
        const char *cl = cat[0] ? tr_or(v->o, "category", cat, cat, cb, sizeof cb)
                                : tr(v->o, "report.no_category");
        int en = v->o->lang && strcmp(v->o->lang, "en") == 0;
        for (int i = 0; cat[0] && i < v->r->areas.ncats; i++)
            if (strcmp(v->r->areas.c[i].id, cat) == 0)
                cl = en && v->r->areas.c[i].label_en[0] ? v->r->areas.c[i].label_en
                                                        : v->r->areas.c[i].label;
        join3(buf, cap, kl_copy, ": ", cl);
        return buf;
    }
    default:
        return key[0] ? key : tr(v->o, "report.no_area");
    }
}

static void fmt_date(int64_t t, char *out, size_t cap)
{
    int y, m, d;
    trygg_utc_to_local(t, &y, &m, &d, NULL, NULL, NULL);
    snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
}

static void fmt_time(int64_t t, char *out, size_t cap)
{
    int y, m, d, h, mi;
    trygg_utc_to_local(t, &y, &m, &d, &h, &mi, NULL);
    snprintf(out, cap, "%04d-%02d-%02d %02d:%02d", y, m, d, h, mi);
}

static void fmt_dur(const trygg_report_opts *o, int64_t s, char *out, size_t cap)
{
    int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
    if (d > 0)
        snprintf(out, cap, "%lld %s %lld %s", (long long)d, tr(o, "unit.d"), (long long)h,
                 tr(o, "unit.h"));
    else if (h > 0)
        snprintf(out, cap, "%lld %s %lld %s", (long long)h, tr(o, "unit.h"), (long long)m,
                 tr(o, "unit.min"));
    else
        snprintf(out, cap, "%lld %s", (long long)m, tr(o, "unit.min"));
}

static const char *const band_names[TRYGG_REPORT_BANDS] = {"00-04", "04-08", "08-12",
                                                           "12-16", "16-20", "20-24"};

/* ---- CSV --------------------------------------------------------------------------- */

static void csv_row(trygg_rbuf *b, const char *view_, const char *key, const char *sub,
                    const char *count, const char *prev, const char *change, const char *avg)
{
    /* view_ and the figures are fixed names and numbers; key and sub are data */
    trygg_err e = trygg_csv_raw(b, view_, 1);
    if (!e)
        e = trygg_csv_field(b, key, 0);
    if (!e)
        e = trygg_csv_field(b, sub, 0);
    const char *fig[4] = {count, prev, change, avg};
    for (int i = 0; i < 4 && !e; i++)
        e = trygg_csv_raw(b, fig[i], 0);
    if (!e)
        e = trygg_csv_end(b);
    trygg_ignore(e); /* sticky in b: checked by the caller */
}

static void csv_dim(trygg_rbuf *b, const view *v, int d, const char *name)
{
    const trygg_report_table *t = &v->r->dim[d];
    for (int i = 0; i < t->n; i++) {
        const trygg_report_row *row = &t->rows[i];
        char c[32], p[32], ch[32], a[32], key[160], sub[80] = "";
        cell(v, row->n[CUR], v->c.dim[d].cur[i], c, sizeof c);
        cell(v, row->n[CUR - 1], v->c.dim[d].prev[i], p, sizeof p);
        cell_diff(v, row->n[CUR], v->c.dim[d].cur[i], row->n[CUR - 1], v->c.dim[d].prev[i], ch,
                  sizeof ch);
        cell_avg(v, trygg_report_hist_sum(row->n), v->c.dim[d].avg[i], a, sizeof a);
        TRYGG_COPY_FIT(key, row->key);
        if (d == TRYGG_DIM_CATEGORY) {
            char *slash = strchr(key, '/');
            if (slash) {
                TRYGG_COPY_TRUNC(sub, slash + 1); /* display text */
                *slash = '\0';
            }
        } else if (d == TRYGG_DIM_AREA) {
            TRYGG_COPY_TRUNC(sub, area_group_of(v->r, key)); /* display text */
        }
        csv_row(b, name, key, sub, c, p, ch, a);
    }
}

void trygg_report_csv(const trygg_report *r, const trygg_report_opts *o, trygg_rbuf *b)
{
    view *v = malloc(sizeof *v);
    if (!v) {
        b->err = TRYGG_ERR_NOMEM;
        return;
    }
    view_build(v, r, o);
    char wk[16], c[32], p[32], ch[32], a[32];
    trygg_week_format(&r->week, wk, sizeof wk);
    trygg_rbuf_puts(b, "view,key,subkey,count,previous,change,avg12\r\n");
    cell(v, r->total[CUR], v->c.total[CUR], c, sizeof c);
    cell(v, r->total[CUR - 1], v->c.total[CUR - 1], p, sizeof p);
    cell_diff(v, r->total[CUR], v->c.total[CUR], r->total[CUR - 1], v->c.total[CUR - 1], ch,
              sizeof ch);
    int64_t hs = trygg_report_hist_sum(r->total);
    cell_avg(v, hs, v->c.total_avg, a, sizeof a);
    csv_row(b, "total", wk, "", c, p, ch, a);
    csv_dim(b, v, TRYGG_DIM_KIND, "kind");
    csv_dim(b, v, TRYGG_DIM_CATEGORY, "category");
    csv_dim(b, v, TRYGG_DIM_AREA, "area");
    csv_dim(b, v, TRYGG_DIM_GROUP, "area_group");
    csv_dim(b, v, TRYGG_DIM_CHANNEL, "channel");
    static const char *const wd[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int d = 0; d < 7; d++)
        for (int h = 0; h < TRYGG_REPORT_BANDS; h++) {
            cell(v, r->heat[d][h], v->c.heat[d * TRYGG_REPORT_BANDS + h], c, sizeof c);
            csv_row(b, "heatmap", wd[d], band_names[h], c, NULL, NULL, NULL);
        }
    for (int k = 0; k < TRYGG_KIND_COUNT; k++) {
        int row = v->c.kind_row[k];
        for (int w = 0; w < NW; w++) {
            char wn[16];
            trygg_week_format(&r->weeks[w], wn, sizeof wn);
            int64_t n = row >= 0 ? r->dim[TRYGG_DIM_KIND].rows[row].n[w] : 0;
            cell(v, n, v->c.trend[k * NW + w], c, sizeof c);
            csv_row(b, "trend", trygg_kind_name((trygg_kind)k), wn, c, NULL, NULL, NULL);
        }
    }
    cell(v, r->open, v->c.status[0], c, sizeof c);
    csv_row(b, "status", "open", "", c, NULL, NULL, NULL);
    cell(v, r->closed, v->c.status[1], c, sizeof c);
    csv_row(b, "status", "closed", "", c, NULL, NULL, NULL);
    if (r->close_median_s >= 0 && (!o->suppress || v->c.median == TRYGG_CELL_SHOWN))
        snprintf(c, sizeof c, "%.1f", (double)r->close_median_s / 3600.0);
    else
        snprintf(c, sizeof c, "x");
    csv_row(b, "status", "median_hours_to_close", "", c, NULL, NULL, NULL);
    cell(v, r->urgent, v->c.urgent[0], c, sizeof c);
    csv_row(b, "urgent", "urgent", "", c, NULL, NULL, NULL);
    for (int i = 0; i < r->ntop; i++) {
        if (o->suppress && v->c.top[i] != TRYGG_CELL_SHOWN)
            continue; /* a place name is itself data: small ones are left out */
        cell(v, r->top[i].n, v->c.top[i], c, sizeof c);
        csv_row(b, "top_place", r->top[i].label, "", c, NULL, NULL, NULL);
    }
    for (int i = 0; i < r->nkiosks; i++) {
        const trygg_report_kiosk *k = &r->kiosks[i];
        cell(v, k->items, v->c.kiosk[i], c, sizeof c);
        csv_row(b, "kiosk_items", k->id, k->area, c, NULL, NULL, NULL);
        snprintf(c, sizeof c, "%lld", (long long)(k->offline_s / 60));
        snprintf(p, sizeof p, "%lld", (long long)(k->longest_s / 60));
        csv_row(b, "kiosk_offline_min", k->id, k->history ? "" : "partial_history", c, NULL, NULL,
                NULL);
        csv_row(b, "kiosk_longest_offline_min", k->id, "", p, NULL, NULL, NULL);
    }
    for (int i = 0; i < r->ngateways; i++) {
        const trygg_report_kiosk *g = &r->gateways[i];
        snprintf(c, sizeof c, "%lld", (long long)(g->offline_s / 60));
        csv_row(b, "gateway_down_min", g->id, g->history ? "" : "partial_history", c, NULL, NULL,
                NULL);
    }
    for (int i = 0; i < r->npolice; i++) {
        char t[32];
        fmt_time(r->police[i].at, t, sizeof t);
        csv_row(b, "police_event", r->police[i].type, t, "1", NULL, NULL, NULL);
    }
    free(v);
}

/* ---- HTML ------------------------------------------------------------------------ */

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

static void style(trygg_rbuf *b, const trygg_report_opts *o)
{
    if (o->css_href) {
        trygg_rbuf_puts(b, "<link rel=\"stylesheet\" href=\"");
        trygg_rbuf_esc(b, o->css_href);
        trygg_rbuf_puts(b, "\">");
    } else {
        trygg_rbuf_puts(b, "<style>");
        trygg_rbuf_puts(b, report_css);
        trygg_rbuf_puts(b, "</style>");
    }
}

static void h(trygg_rbuf *b, const char *s)
{
    trygg_rbuf_esc(b, s);
}

static void th(trygg_rbuf *b, const trygg_report_opts *o, const char *key, int num)
{
    trygg_rbuf_puts(b, num ? "<th scope=\"col\" class=\"n\">" : "<th scope=\"col\">");
    h(b, tr(o, key));
    trygg_rbuf_puts(b, "</th>");
}

static void td(trygg_rbuf *b, const char *s, int num)
{
    trygg_rbuf_puts(b, num ? "<td class=\"n\">" : "<td>");
    h(b, s);
    trygg_rbuf_puts(b, "</td>");
}

static void section_begin(trygg_rbuf *b, const trygg_report_opts *o, const char *id,
                          const char *key)
{
    trygg_rbuf_printf(b, "<section id=\"%s\" aria-labelledby=\"h-%s\"><h2 id=\"h-%s\">", id, id,
                      id);
    h(b, tr(o, key));
    trygg_rbuf_puts(b, "</h2>");
}

/* Table of one dimension (count, previous, change, avg, change vs avg) with
 * an optional bar chart of the report week. */
static void html_dim(trygg_rbuf *b, const view *v, int d, const char *id, const char *key,
                     int chart)
{
    const trygg_report_table *t = &v->r->dim[d];
    const trygg_report_opts *o = v->o;
    section_begin(b, o, id, key);
    const char *labels[NK];
    char lbuf[NK][160];
    int64_t vals[NK];
    int n = 0;
    for (int i = 0; i < t->n; i++) {
        labels[n] = row_label(v, d, t->rows[i].key, lbuf[n], sizeof lbuf[n]);
        if (labels[n] != lbuf[n]) {
            TRYGG_COPY_TRUNC(lbuf[n], labels[n]); /* display text */
            labels[n] = lbuf[n];
        }
        vals[n++] = t->rows[i].n[CUR];
    }
    if (chart && n > 0)
        trygg_svg_bars(b, tr(o, key), labels, vals, o->suppress ? v->c.dim[d].cur : NULL, n, v->T);
    trygg_rbuf_puts(b, "<table><thead><tr>");
    th(b, o, d == TRYGG_DIM_AREA ? "report.col.area" : "report.col.key", 0);
    if (d == TRYGG_DIM_AREA)
        th(b, o, "report.col.group", 0);
    th(b, o, "report.col.count", 1);
    th(b, o, "report.col.previous", 1);
    th(b, o, "report.col.change", 1);
    th(b, o, "report.col.avg12", 1);
    th(b, o, "report.col.change_avg", 1);
    trygg_rbuf_puts(b, "</tr></thead><tbody>");
    for (int i = 0; i < t->n; i++) {
        const trygg_report_row *row = &t->rows[i];
        char c[32], p[32], ch[32], a[32], ca[32];
        int64_t hs = trygg_report_hist_sum(row->n);
        cell(v, row->n[CUR], v->c.dim[d].cur[i], c, sizeof c);
        cell(v, row->n[CUR - 1], v->c.dim[d].prev[i], p, sizeof p);
        cell_diff(v, row->n[CUR], v->c.dim[d].cur[i], row->n[CUR - 1], v->c.dim[d].prev[i], ch,
                  sizeof ch);
        cell_avg(v, hs, v->c.dim[d].avg[i], a, sizeof a);
        cell_diff_avg(v, row->n[CUR], v->c.dim[d].cur[i], hs, v->c.dim[d].avg[i], ca, sizeof ca);
        trygg_rbuf_puts(b, "<tr><th scope=\"row\">");
        h(b, labels[i]);
        trygg_rbuf_puts(b, "</th>");
        if (d == TRYGG_DIM_AREA) {
            const char *g = area_group_of(v->r, row->key);
            td(b, strcmp(g, TRYGG_REPORT_OTHER) == 0 ? "" : g, 0);
        }
        td(b, c, 1);
        td(b, p, 1);
        td(b, ch, 1);
        td(b, a, 1);
        td(b, ca, 1);
        trygg_rbuf_puts(b, "</tr>");
    }
    trygg_rbuf_puts(b, "</tbody></table></section>");
}

static void html_chooser(trygg_rbuf *b, const view *v)
{
    const trygg_report_opts *o = v->o;
    char wk[16], pw[16], nw[16];
    trygg_week prev, next;
    trygg_week_shift(&v->r->week, -1, &prev);
    trygg_week_shift(&v->r->week, 1, &next);
    trygg_week_format(&v->r->week, wk, sizeof wk);
    trygg_week_format(&prev, pw, sizeof pw);
    trygg_week_format(&next, nw, sizeof nw);
    trygg_rbuf_puts(b, "<nav class=\"weeks\" aria-label=\"");
    h(b, tr(o, "report.weeks_nav"));
    trygg_rbuf_puts(b, "\"><a href=\"");
    h(b, o->base_url);
    trygg_rbuf_printf(b, "?week=%s\">", pw);
    h(b, tr(o, "report.prev_week"));
    trygg_rbuf_puts(b, "</a><form method=\"get\" action=\"");
    h(b, o->base_url);
    trygg_rbuf_puts(b, "\"><label for=\"week\">");
    h(b, tr(o, "report.choose_week"));
    trygg_rbuf_printf(b,
                      "</label> <input id=\"week\" name=\"week\" type=\"week\" value=\"%s\""
                      " pattern=\"[0-9]{4}-W[0-9]{2}\" required> <button type=\"submit\">",
                      wk);
    h(b, tr(o, "report.show"));
    trygg_rbuf_puts(b, "</button></form><a href=\"");
    h(b, o->base_url);
    trygg_rbuf_printf(b, "?week=%s\">", nw);
    h(b, tr(o, "report.next_week"));
    trygg_rbuf_puts(b, "</a><a href=\"");
    h(b, o->base_url);
    trygg_rbuf_printf(b, "/week.csv?week=%s\">", wk);
    h(b, tr(o, "report.download_csv"));
    trygg_rbuf_puts(b, "</a><a href=\"");
    h(b, o->base_url);
    trygg_rbuf_printf(b, "/print?week=%s\">", wk);
    h(b, tr(o, "report.printable"));
    trygg_rbuf_puts(b, "</a></nav>");
}

static void figure(trygg_rbuf *b, const trygg_report_opts *o, const char *key, const char *value,
                   const char *sub)
{
    trygg_rbuf_puts(b, "<li>");
    h(b, tr(o, key));
    trygg_rbuf_puts(b, "<b>");
    h(b, value);
    trygg_rbuf_puts(b, "</b>");
    if (sub) {
        trygg_rbuf_puts(b, "<small>");
        h(b, sub);
        trygg_rbuf_puts(b, "</small>");
    }
    trygg_rbuf_puts(b, "</li>");
}

static void html_summary(trygg_rbuf *b, const view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    char c[32], p[32], ch[32], a[32], sub[200], tmp[64];
    int64_t hs = trygg_report_hist_sum(r->total);
    trygg_cell as = v->c.total_avg;
    cell(v, r->total[CUR], v->c.total[CUR], c, sizeof c);
    cell(v, r->total[CUR - 1], v->c.total[CUR - 1], p, sizeof p);
    cell_diff(v, r->total[CUR], v->c.total[CUR], r->total[CUR - 1], v->c.total[CUR - 1], ch,
              sizeof ch);
    cell_avg(v, hs, as, a, sizeof a);
    section_begin(b, o, "summary", "report.summary");
    trygg_rbuf_puts(b, "<ul class=\"figures\">");
    snprintf(sub, sizeof sub, "%s %s (%s) · %s %s", tr(o, "report.col.previous"), p, ch,
             tr(o, "report.col.avg12"), a);
    figure(b, o, "report.total", c, sub);
    cell(v, r->open, v->c.status[0], c, sizeof c);
    figure(b, o, "report.open", c, NULL);
    cell(v, r->closed, v->c.status[1], c, sizeof c);
    figure(b, o, "report.closed", c, NULL);
    if (r->close_median_s >= 0 && (!o->suppress || v->c.median == TRYGG_CELL_SHOWN))
        fmt_dur(o, r->close_median_s, tmp, sizeof tmp);
    else
        TRYGG_COPY_TRUNC(tmp, r->close_median_s < 0 ? "–" : "x");
    figure(b, o, "report.median_close", tmp, NULL);
    cell(v, r->urgent, v->c.urgent[0], c, sizeof c);
    figure(b, o, "report.urgent", c, NULL);
    trygg_rbuf_puts(b, "</ul></section>");
}

static void html_trend(trygg_rbuf *b, const view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    section_begin(b, o, "trend", "report.trend");
    char xl[NW][8];
    const char *xlabels[NW];
    for (int w = 0; w < NW; w++) {
        snprintf(xl[w], sizeof xl[w], "v%d", r->weeks[w].week);
        xlabels[w] = xl[w];
    }
    trygg_rbuf_puts(b, "<div class=\"trends\">");
    for (int k = 0; k < TRYGG_KIND_COUNT; k++) {
        int row = v->c.kind_row[k];
        int64_t zero[NW] = {0};
        char kb[64];
        trygg_svg_series s = {
            .label = tr_or(o, "kind", trygg_kind_name((trygg_kind)k),
                           trygg_kind_name((trygg_kind)k), kb, sizeof kb),
            .v = row >= 0 ? r->dim[TRYGG_DIM_KIND].rows[row].n : zero,
            .state = o->suppress ? &v->c.trend[k * NW] : NULL,
            .n = NW,
        };
        trygg_rbuf_puts(b, "<figure>");
        trygg_svg_trend(b, s.label, xlabels, &s, 1, v->T);
        trygg_rbuf_puts(b, "</figure>");
    }
    trygg_rbuf_puts(b, "</div></section>");
}

static void html_heat(trygg_rbuf *b, const view *v)
{
    const trygg_report_opts *o = v->o;
    section_begin(b, o, "heatmap", "report.heatmap");
    const char *rows[7], *cols[TRYGG_REPORT_BANDS];
    char rb[7][64];
    for (int d = 0; d < 7; d++) {
        char key[32];
        snprintf(key, sizeof key, "weekday.%d", d + 1);
        TRYGG_COPY_TRUNC(rb[d], tr(o, key)); /* display text */
        rows[d] = rb[d];
    }
    for (int i = 0; i < TRYGG_REPORT_BANDS; i++)
        cols[i] = band_names[i];
    trygg_svg_heat(b, tr(o, "report.heatmap"), rows, cols, &v->r->heat[0][0],
                   o->suppress ? v->c.heat : NULL, 7, TRYGG_REPORT_BANDS, v->T);
    trygg_rbuf_puts(b, "<p class=\"caption\">");
    h(b, tr(o, "report.heatmap_caption"));
    trygg_rbuf_puts(b, "</p></section>");
}

static void html_top(trygg_rbuf *b, const view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    section_begin(b, o, "places", "report.top_places");
    trygg_rbuf_puts(b, "<table><thead><tr>");
    th(b, o, "report.col.place", 0);
    th(b, o, "report.col.count", 1);
    trygg_rbuf_puts(b, "</tr></thead><tbody>");
    int shown_rows = 0;
    for (int i = 0; i < r->ntop; i++) {
        if (o->suppress && v->c.top[i] != TRYGG_CELL_SHOWN)
            continue;
        char c[32], lb[160];
        cell(v, r->top[i].n, v->c.top[i], c, sizeof c);
        /* "area: place" — show the area's label */
        char label[sizeof r->top[0].label];
        TRYGG_COPY_FIT(label, r->top[i].label);
        char *colon = strstr(label, ": ");
        trygg_rbuf_puts(b, "<tr><th scope=\"row\">");
        if (colon) {
            *colon = '\0';
            h(b, area_label(v, label, lb, sizeof lb));
            trygg_rbuf_puts(b, ": ");
            h(b, colon + 2);
        } else {
            h(b, area_label(v, strcmp(label, "-") == 0 ? "" : label, lb, sizeof lb));
        }
        trygg_rbuf_puts(b, "</th>");
        td(b, c, 1);
        trygg_rbuf_puts(b, "</tr>");
        shown_rows++;
    }
    trygg_rbuf_puts(b, "</tbody></table>");
    if (o->suppress) {
        trygg_rbuf_puts(b, "<p class=\"caption\">");
        h(b, tr(o, "report.top_places_note"));
        trygg_rbuf_puts(b, " ");
        h(b, tr(o, "report.top_places_note_nested"));
        trygg_rbuf_puts(b, "</p>");
    }
    (void)shown_rows;
    trygg_rbuf_puts(b, "</section>");
}

static void html_urgent(trygg_rbuf *b, const view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    section_begin(b, o, "urgent", "report.urgent");
    char c[32];
    cell(v, r->urgent, v->c.urgent[0], c, sizeof c);
    trygg_rbuf_puts(b, "<p>");
    h(b, tr(o, "report.urgent_count"));
    trygg_rbuf_puts(b, " <strong>");
    h(b, c);
    trygg_rbuf_puts(b, "</strong></p>");
    if (!o->suppress && r->nurgent_list > 0) {
        /* Only on the security department's own screen: single items. */
        trygg_rbuf_puts(b, "<table><thead><tr>");
        th(b, o, "report.col.ref", 0);
        th(b, o, "report.col.time", 0);
        th(b, o, "report.col.kind", 0);
        th(b, o, "report.col.area", 0);
        th(b, o, "report.col.status", 0);
        trygg_rbuf_puts(b, "</tr></thead><tbody>");
        for (int i = 0; i < r->nurgent_list; i++) {
            const trygg_report_urgent *u = &r->urgent_list[i];
            char t[32], kb[64], ab[160], sb[64], cb[200];
            fmt_time(u->created, t, sizeof t);
            trygg_rbuf_puts(b, "<tr><td><a href=\"/item/");
            h(b, u->ref);
            trygg_rbuf_puts(b, "\">");
            h(b, u->ref);
            trygg_rbuf_puts(b, "</a></td>");
            td(b, t, 0);
            snprintf(cb, sizeof cb, "%s/%s", trygg_kind_name(u->kind), u->category);
            td(b, row_label(v, TRYGG_DIM_CATEGORY, cb, kb, sizeof kb), 0);
            td(b, area_label(v, u->area, ab, sizeof ab), 0);
            td(b,
               tr_or(o, "status", trygg_status_name(u->status), trygg_status_name(u->status), sb,
                     sizeof sb),
               0);
            trygg_rbuf_puts(b, "</tr>");
        }
        trygg_rbuf_puts(b, "</tbody></table>");
    }
    trygg_rbuf_puts(b, "</section>");
}

static void html_sources(trygg_rbuf *b, const view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    section_begin(b, o, "sources", "report.sources");
    trygg_rbuf_puts(b, "<p>");
    h(b, tr(o, "report.sources_intro"));
    trygg_rbuf_puts(b, "</p>");
    if (r->history_since == 0 || r->history_since > r->week.start) {
        char t[32], msg[256];
        fmt_time(r->history_since, t, sizeof t);
        const char *names[] = {"time", NULL};
        const char *vals[] = {t, NULL};
        if (trygg_i18n_format(tr(o, "report.history_partial"), names, vals, msg, sizeof msg))
            TRYGG_COPY_TRUNC(msg, tr(o, "report.history_partial")); /* display text */
        trygg_rbuf_puts(b, "<p class=\"note\">");
        h(b, msg);
        trygg_rbuf_puts(b, "</p>");
    }
    trygg_rbuf_puts(b, "<h3>");
    h(b, tr(o, "report.kiosks"));
    trygg_rbuf_puts(b, "</h3>");
    if (r->nkiosks == 0) {
        trygg_rbuf_puts(b, "<p>");
        h(b, tr(o, "report.no_kiosks"));
        trygg_rbuf_puts(b, "</p>");
    } else {
        trygg_rbuf_puts(b, "<table><thead><tr>");
        th(b, o, "report.col.kiosk", 0);
        th(b, o, "report.col.area", 0);
        th(b, o, "report.col.count", 1);
        th(b, o, "report.col.offline", 1);
        th(b, o, "report.col.longest", 1);
        trygg_rbuf_puts(b, "</tr></thead><tbody>");
        for (int i = 0; i < r->nkiosks; i++) {
            const trygg_report_kiosk *k = &r->kiosks[i];
            char c[32], off[64], lon[64], ab[160];
            cell(v, k->items, v->c.kiosk[i], c, sizeof c);
            fmt_dur(o, k->offline_s, off, sizeof off);
            fmt_dur(o, k->longest_s, lon, sizeof lon);
            trygg_rbuf_puts(b, "<tr><th scope=\"row\">");
            h(b, k->name[0] ? k->name : k->id);
            trygg_rbuf_puts(b, "</th>");
            td(b, area_label(v, k->area, ab, sizeof ab), 0);
            td(b, c, 1);
            td(b, off, 1);
            td(b, lon, 1);
            trygg_rbuf_puts(b, "</tr>");
        }
        trygg_rbuf_puts(b, "</tbody></table>");
    }
    trygg_rbuf_puts(b, "<h3>");
    h(b, tr(o, "report.gateway"));
    trygg_rbuf_puts(b, "</h3>");
    if (r->ngateways == 0) {
        trygg_rbuf_puts(b, "<p>");
        h(b, tr(o, "report.no_gateway"));
        trygg_rbuf_puts(b, "</p>");
    } else {
        trygg_rbuf_puts(b, "<table><thead><tr>");
        th(b, o, "report.col.component", 0);
        th(b, o, "report.col.down", 1);
        th(b, o, "report.col.longest", 1);
        trygg_rbuf_puts(b, "</tr></thead><tbody>");
        for (int i = 0; i < r->ngateways; i++) {
            const trygg_report_kiosk *g = &r->gateways[i];
            char off[64], lon[64];
            fmt_dur(o, g->offline_s, off, sizeof off);
            fmt_dur(o, g->longest_s, lon, sizeof lon);
            trygg_rbuf_puts(b, "<tr><th scope=\"row\">");
            h(b, g->id);
            trygg_rbuf_puts(b, "</th>");
            td(b, off, 1);
            td(b, lon, 1);
            trygg_rbuf_puts(b, "</tr>");
        }
        trygg_rbuf_puts(b, "</tbody></table>");
    }
    trygg_rbuf_puts(b, "<p class=\"note\">");
    h(b, tr(o, "report.not_covered"));
    trygg_rbuf_puts(b, "</p></section>");
}

static void html_police(trygg_rbuf *b, const view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    section_begin(b, o, "police", "report.police");
    trygg_rbuf_puts(b, "<p>");
    h(b, tr(o, r->police_fetched ? "report.police_intro" : "report.police_none"));
    trygg_rbuf_puts(b, "</p>");
    if (r->npolice > 0) {
        trygg_rbuf_puts(b, "<table><thead><tr>");
        th(b, o, "report.col.time", 0);
        th(b, o, "report.col.type", 0);
        th(b, o, "report.col.place", 0);
        th(b, o, "report.col.summary", 0);
        trygg_rbuf_puts(b, "</tr></thead><tbody>");
        for (int i = 0; i < r->npolice; i++) {
            const trygg_report_police *p = &r->police[i];
            char t[32];
            fmt_time(p->at, t, sizeof t);
            trygg_rbuf_puts(b, "<tr>");
            td(b, t, 0);
            trygg_rbuf_puts(b, "<td>");
            if (strncmp(p->url, "https://", 8) == 0) {
                trygg_rbuf_puts(b, "<a href=\"");
                h(b, p->url);
                trygg_rbuf_puts(b, "\" rel=\"noopener noreferrer\">");
                h(b, p->type);
                trygg_rbuf_puts(b, "</a>");
            } else {
                h(b, p->type);
            }
            trygg_rbuf_puts(b, "</td>");
            td(b, p->location, 0);
            td(b, p->summary, 0);
            trygg_rbuf_puts(b, "</tr>");
        }
        trygg_rbuf_puts(b, "</tbody></table>");
        if (r->police_total > r->npolice) {
            trygg_rbuf_printf(b, "<p>+%lld</p>", (long long)(r->police_total - r->npolice));
        }
    }
    trygg_rbuf_puts(b, "</section>");
}

void trygg_report_html(const trygg_report *r, const trygg_report_opts *o, trygg_rbuf *b)
{
    view *v = malloc(sizeof *v);
    if (!v) {
        b->err = TRYGG_ERR_NOMEM;
        return;
    }
    view_build(v, r, o);
    char wk[16], from[16], to[16], title[256], gen[32];
    trygg_week_format(&r->week, wk, sizeof wk);
    fmt_date(r->week.start, from, sizeof from);
    fmt_date(r->week.end - 1, to, sizeof to);
    fmt_time(r->generated, gen, sizeof gen);
    {
        char wn[8], yr[8];
        snprintf(wn, sizeof wn, "%d", r->week.week);
        snprintf(yr, sizeof yr, "%d", r->week.year);
        const char *names[] = {"week", "year", "from", "to", NULL};
        const char *vals[] = {wn, yr, from, to, NULL};
        if (trygg_i18n_format(tr(o, "report.heading"), names, vals, title, sizeof title))
            TRYGG_COPY_TRUNC(title, wk); /* display text */
    }
    if (o->standalone) {
        trygg_rbuf_printf(b,
                          "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width\"><title>",
                          (o->lang && strcmp(o->lang, "en") == 0) ? "en" : "sv");
        h(b, title);
        trygg_rbuf_puts(b, "</title>");
        style(b, o);
        trygg_rbuf_puts(b, "</head><body class=\"report-page\">");
    } else {
        style(b, o);
    }
    trygg_rbuf_printf(b, "<div class=\"report\" data-week=\"%s\" data-mode=\"%s\"><h1>", wk,
                      o->suppress ? "suppressed" : "full");
    h(b, title);
    trygg_rbuf_puts(b, "</h1>");
    if (!o->print)
        html_chooser(b, v);
    trygg_rbuf_puts(b, "<p class=\"note\">");
    {
        char t[16], msg[512];
        snprintf(t, sizeof t, "%d", v->T);
        const char *names[] = {"t", NULL};
        const char *vals[] = {t, NULL};
        const char *fmt = tr(o, o->suppress ? "report.note_suppressed" : "report.note_full");
        if (trygg_i18n_format(fmt, names, vals, msg, sizeof msg))
            TRYGG_COPY_TRUNC(msg, fmt); /* display text */
        h(b, msg);
    }
    trygg_rbuf_puts(b, "</p>");
    html_summary(b, v);
    html_dim(b, v, TRYGG_DIM_KIND, "kind", "report.by_kind", 1);
    html_trend(b, v);
    html_dim(b, v, TRYGG_DIM_CATEGORY, "category", "report.by_category", 0);
    html_dim(b, v, TRYGG_DIM_GROUP, "group", "report.by_group", 1);
    html_dim(b, v, TRYGG_DIM_AREA, "area", "report.by_area", 1);
    html_dim(b, v, TRYGG_DIM_CHANNEL, "channel", "report.by_channel", 1);
    html_heat(b, v);
    html_top(b, v);
    html_urgent(b, v);
    html_sources(b, v);
    html_police(b, v);
    trygg_rbuf_puts(b, "<footer><p>");
    {
        char msg[256];
        const char *names[] = {"time", NULL};
        const char *vals[] = {gen, NULL};
        if (trygg_i18n_format(tr(o, "report.generated"), names, vals, msg, sizeof msg))
            TRYGG_COPY_TRUNC(msg, gen); /* display text */
        h(b, msg);
    }
    trygg_rbuf_puts(b, "</p></footer></div>");
    if (o->standalone)
        trygg_rbuf_puts(b, "</body></html>");
    free(v);
}
