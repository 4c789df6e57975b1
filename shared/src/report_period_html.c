/*
 * report_period_html.c — the quarter and the year (trygg/report_period.h) as
 * HTML (page fragment or A4 document, the week's stylesheet) and tidy CSV.
 * Every count goes through the published view's decision
 * (trygg_period_suppress) when o->suppress; the most-reported places and the
 * police events per area (placed by hand) are in the internal view only.
 * The labels and the map are the week's (report_render.c, report_map.c),
 * drawn from the report's shadow week.
 */
#include "report_render.h"

#include "trygg/copy.h"
#include "trygg/html.h"
#include "trygg/hyphen.h"
#include "trygg/report_period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pview {
    const trygg_period_report *r;
    const trygg_report_opts *o;
    int T;
    trygg_period_cells c;
    trygg_rr_view wv; /* the shadow week's view: labels and the map */
} pview;

static const char *tr(const pview *v, const char *key)
{
    return trygg_rr_tr(v->o, key);
}

static trygg_err elem(trygg_buf *b, const char *open, const char *text, const char *close)
{
    TRY(trygg_buf_puts(b, open));
    TRY(trygg_html_esc(b, text));
    return trygg_buf_puts(b, close);
}

/* A count in the view: exact (with "*" where the published view hides it)
 * or "<T" / "x". */
static void cell(const pview *v, int64_t n, trygg_cell s, char *out, size_t cap)
{
    trygg_rr_cell(&v->wv, n, s, out, cap);
}

static void diff(const pview *v, int64_t a, trygg_cell sa, int64_t b, trygg_cell sb, char *out,
                 size_t cap)
{
    if (v->o->suppress && trygg_suppress_diff(sa, sb) != TRYGG_CELL_SHOWN)
        snprintf(out, cap, "x");
    else
        snprintf(out, cap, "%+lld", (long long)(a - b));
}

static trygg_err tdn(trygg_buf *b, const char *s)
{
    return elem(b, "<td class=\"n\">", s, "</td>");
}

static trygg_err section_begin(trygg_buf *b, const pview *v, const char *id, const char *key)
{
    TRY(trygg_buf_printf(b, "<section id=\"%s\" aria-labelledby=\"h-%s\"><h2 id=\"h-%s\">", id, id,
                         id));
    return elem(b, "", tr(v, key), "</h2>");
}

static const char *fmt1(const pview *v, const char *key, const char *name, const char *value,
                        char *out, size_t cap)
{
    const char *names[] = {name, NULL}, *vals[] = {value, NULL};
    if (trygg_i18n_format(tr(v, key), names, vals, out, cap))
        return tr(v, key);
    return out;
}

/* "2026-Q3" of column col. */
static void col_name(const pview *v, int col, char *out, size_t cap)
{
    trygg_period_format(&v->r->cols[col], out, cap);
}

/* ---- Head ----------------------------------------------------------------------- */

static const char *kind_key(const trygg_period *p)
{
    return p->kind == TRYGG_PERIOD_QUARTER ? "period.quarter_heading"
           : p->kind == TRYGG_PERIOD_HALF  ? "period.half_heading"
                                           : "period.year_heading";
}

static void title_of(const pview *v, char *out, size_t cap)
{
    const trygg_period *p = &v->r->period;
    char from[16], to[16], yr[8], ix[8];
    trygg_rr_fmt_date(p->start, from, sizeof from);
    trygg_rr_fmt_date(p->end - 1, to, sizeof to);
    snprintf(yr, sizeof yr, "%d", p->year);
    snprintf(ix, sizeof ix, "%d", p->index);
    const char *names[] = {"year", "n", "from", "to", NULL};
    const char *vals[] = {yr, ix, from, to, NULL};
    if (trygg_i18n_format(tr(v, kind_key(p)), names, vals, out, cap))
        trygg_period_format(p, out, cap);
}

static trygg_err chooser_link(trygg_buf *b, const pview *v, const char *path, const char *arg,
                              const char *key)
{
    TRY(trygg_buf_puts(b, "<a href=\""));
    TRY(trygg_html_esc(b, v->o->base_url));
    TRY(trygg_buf_puts(b, path));
    TRY(trygg_html_esc(b, arg));
    return elem(b, "\">", tr(v, key), "</a>");
}

static trygg_err chooser(trygg_buf *b, const pview *v)
{
    char cur[16], prev[16], next[16];
    trygg_period np;
    trygg_period_format(&v->r->period, cur, sizeof cur);
    trygg_period_format(&v->r->cols[TRYGG_PCOL_PREV], prev, sizeof prev);
    trygg_period_shift(&v->r->period, 1, &np);
    trygg_period_format(&np, next, sizeof next);
    TRY(elem(b, "<nav class=\"weeks\" aria-label=\"", tr(v, "period.nav"), "\">"));
    TRY(chooser_link(b, v, "?period=", prev, "period.prev"));
    TRY(elem(b, "<form method=\"get\" action=\"", v->o->base_url, "\">"));
    TRY(elem(b, "<label for=\"period\">", tr(v, "period.choose"), "</label>"));
    TRY(trygg_buf_printf(b,
                         " <input id=\"period\" name=\"period\" type=\"text\" value=\"%s\""
                         " pattern=\"[0-9]{4}(-[QqHh][1-4])?\" size=\"8\" required> ",
                         cur));
    TRY(elem(b, "<button type=\"submit\">", tr(v, "report.show"), "</button></form>"));
    if (np.start <= v->r->generated && np.start != v->r->period.start)
        TRY(chooser_link(b, v, "?period=", next, "period.next"));
    TRY(chooser_link(b, v, ".csv?period=", cur, "report.download_csv"));
    if (!v->o->suppress)
        TRY(chooser_link(b, v, ".csv?view=internal&amp;period=", cur,
                         "report.download_csv_internal"));
    TRY(chooser_link(b, v, "/print?period=", cur, "report.printable"));
    if (!v->o->suppress)
        TRY(chooser_link(b, v, "/print?view=internal&amp;period=", cur,
                         "period.printable_internal"));
    return trygg_buf_puts(b, "</nav>");
}

static trygg_err head(trygg_buf *b, const pview *v)
{
    const trygg_report_opts *o = v->o;
    char title[256], cur[16], t[16], msg[512];
    title_of(v, title, sizeof title);
    trygg_period_format(&v->r->period, cur, sizeof cur);
    if (o->standalone) {
        TRY(trygg_buf_printf(b,
                             "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
                             "<meta name=\"viewport\" content=\"width=device-width\">",
                             (o->lang && strcmp(o->lang, "en") == 0) ? "en" : "sv"));
        TRY(elem(b, "<title>", title, "</title>"));
    }
    if (o->css_href)
        TRY(elem(b, "<link rel=\"stylesheet\" href=\"", o->css_href, "\">"));
    else
        TRY(elem(b, "<style>", trygg_report_css(), "</style>"));
    if (o->standalone)
        TRY(trygg_buf_puts(b, "</head><body class=\"report-page\">"));
    TRY(trygg_buf_printf(b, "<div class=\"report period\" data-period=\"%s\" data-mode=\"%s\">",
                         cur, o->suppress ? "suppressed" : "full"));
    TRY(elem(b, "<h1>", title, "</h1>"));
    if (v->r->running) {
        char cut[32];
        trygg_rr_fmt_time(v->r->generated, cut, sizeof cut);
        TRY(elem(b, "<p class=\"note running\" data-running=\"", cut, "\"><strong>"));
        TRY(elem(b, "", fmt1(v, "period.running", "time", cut, msg, sizeof msg), "</strong></p>"));
    }
    if (!o->print)
        TRY(chooser(b, v));
    TRY(elem(b, "<p class=\"note view\"><strong>",
             tr(v, o->suppress ? "report.view_published" : "report.view_internal"),
             "</strong></p>"));
    snprintf(t, sizeof t, "%d", v->T);
    const char *note = o->suppress ? "report.note_suppressed" : "report.note_full";
    TRY(elem(b, "<p class=\"note\">", fmt1(v, note, "t", t, msg, sizeof msg), "</p>"));
    return elem(b, "<p>",
                tr(v, v->r->period.kind == TRYGG_PERIOD_QUARTER ? "period.quarter_intro"
                                                                : "period.year_intro"),
                "</p>");
}

/* ---- Summary and the tables of the columns ------------------------------------------ */

static trygg_err figure(trygg_buf *b, const pview *v, const char *key, const int64_t *n,
                        const trygg_cell *s)
{
    char c[32], p[32], d[32], y[32], pn[16], yn[16], sub[256];
    cell(v, n[0], s[0], c, sizeof c);
    cell(v, n[1], s[1], p, sizeof p);
    diff(v, n[0], s[0], n[1], s[1], d, sizeof d);
    col_name(v, TRYGG_PCOL_PREV, pn, sizeof pn);
    int n3 = v->r->ncols == 3 && v->r->has_year_ago;
    if (n3) {
        cell(v, n[2], s[2], y, sizeof y);
        col_name(v, TRYGG_PCOL_YEAR, yn, sizeof yn);
        snprintf(sub, sizeof sub, "%s %s (%s) · %s %s", pn, p, d, yn, y);
    } else {
        snprintf(sub, sizeof sub, "%s %s (%s)", pn, p, d);
    }
    TRY(elem(b, "<li>", tr(v, key), ""));
    TRY(elem(b, "<b>", c, "</b>"));
    return elem(b, "<small>", sub, "</small></li>");
}

static trygg_err summary(trygg_buf *b, const pview *v)
{
    const trygg_period_report *r = v->r;
    static const trygg_cell shown[TRYGG_PERIOD_COLS] = {0};
    TRY(section_begin(b, v, "summary", "report.summary"));
    TRY(trygg_buf_puts(b, "<ul class=\"figures\">"));
    TRY(figure(b, v, "period.items", r->total, v->c.total));
    TRY(figure(b, v, "period.events", r->events, v->c.events));
    TRY(figure(b, v, "period.police", r->police, shown)); /* public data */
    TRY(trygg_buf_puts(b, "</ul>"));
    if (r->ncols == 3 && !r->has_year_ago)
        TRY(elem(b, "<p class=\"note\">", tr(v, "period.no_year_ago"), "</p>"));
    return trygg_buf_puts(b, "</section>");
}

/* Header cells of the columns: the period, the one before, the change, and
 * the same period a year before with its change. */
static trygg_err col_heads(trygg_buf *b, const pview *v)
{
    char name[16];
    for (int col = 0; col < v->r->ncols; col++) {
        if (col == TRYGG_PCOL_YEAR && !v->r->has_year_ago)
            break;
        col_name(v, col, name, sizeof name);
        TRY(trygg_html_cell_hyph(b, v->o->lang, "<th scope=\"col\" class=\"n\">", name, "</th>"));
        if (col > 0)
            TRY(trygg_html_cell_hyph(b, v->o->lang, "<th scope=\"col\" class=\"n\">",
                                     tr(v, "report.col.change"), "</th>"));
    }
    return TRYGG_OK;
}

static trygg_err col_cells(trygg_buf *b, const pview *v, const int64_t *n, const trygg_cell *s)
{
    char t[32];
    for (int col = 0; col < v->r->ncols; col++) {
        if (col == TRYGG_PCOL_YEAR && !v->r->has_year_ago)
            break;
        cell(v, n[col], s[col], t, sizeof t);
        TRY(tdn(b, t));
        if (col > 0) {
            diff(v, n[0], s[0], n[col], s[col], t, sizeof t);
            TRY(tdn(b, t));
        }
    }
    return TRYGG_OK;
}

/* The label of a row of table d. */
static const char *row_label(const pview *v, int d, const char *key, char *buf, size_t cap)
{
    static const int wd[TRYGG_PDIM_COUNT] = {TRYGG_DIM_AREA,
                                             TRYGG_DIM_AREA,
                                             TRYGG_DIM_AREA,
                                             TRYGG_DIM_KIND,
                                             TRYGG_DIM_CATEGORY,
                                             TRYGG_DIM_EVENT,
                                             -1};
    if (wd[d] < 0)
        return key;
    return trygg_rr_row_label(&v->wv, wd[d], key, buf, cap);
}

static trygg_err dim_table(trygg_buf *b, const pview *v, int d, const char *id, const char *key)
{
    const trygg_period_table *t = &v->r->dim[d];
    TRY(section_begin(b, v, id, key));
    TRY(trygg_html_cell_hyph(b, v->o->lang, "<table><thead><tr><th scope=\"col\">",
                             tr(v, "report.col.key"), "</th>"));
    TRY(col_heads(b, v));
    TRY(trygg_buf_puts(b, "</tr></thead><tbody>"));
    for (int i = 0; i < t->n; i++) {
        trygg_cell s[TRYGG_PERIOD_COLS];
        for (int col = 0; col < TRYGG_PERIOD_COLS; col++)
            s[col] = d == TRYGG_PDIM_POLICE ? TRYGG_CELL_SHOWN : v->c.dim[d][col][i];
        char lb[200];
        TRY(trygg_html_cell_hyph(b, v->o->lang, "<tr><th scope=\"row\">",
                                 row_label(v, d, t->rows[i].key, lb, sizeof lb), "</th>"));
        TRY(col_cells(b, v, t->rows[i].col, s));
        TRY(trygg_buf_puts(b, "</tr>"));
    }
    TRY(trygg_buf_puts(b, "</tbody></table>"));
    if (d == TRYGG_PDIM_POLICE)
        TRY(elem(b, "<p>", tr(v, "report.police_intro"), "</p>"));
    return trygg_buf_puts(b, "</section>");
}

/* ---- Areas ranked by change, with their measures ------------------------------------ */

typedef struct area_rank {
    int row;
    int shown; /* the change may be shown */
    int64_t change;
} area_rank;

static int cmp_rank(const void *a, const void *b)
{
    const area_rank *x = a, *y = b;
    if (x->shown != y->shown)
        return x->shown ? -1 : 1;
    if (x->shown && x->change != y->change)
        return x->change > y->change ? -1 : 1;
    return x->row - y->row;
}

static trygg_err area_measures(trygg_buf *b, const pview *v, const char *area)
{
    int any = 0;
    TRY(trygg_buf_puts(b, "<td class=\"measures\">"));
    for (int i = 0; i < v->r->nmeasures; i++) {
        const trygg_period_measure *m = &v->r->measures[i];
        int in = 0;
        for (int a = 0; a < m->nareas; a++)
            in |= strcmp(m->areas[a], area) == 0;
        if (!in)
            continue;
        char key[64];
        snprintf(key, sizeof key, "measure.status.%s", m->m.status);
        TRY(elem(b, any ? "; " : "", m->m.title, " ("));
        TRY(elem(b, "", tr(v, key), ")"));
        any = 1;
    }
    return trygg_buf_puts(b, any ? "</td>" : "–</td>");
}

static trygg_err area_row(trygg_buf *b, const pview *v, int i)
{
    const trygg_period_report *r = v->r;
    const trygg_period_rowc *it = &r->dim[TRYGG_PDIM_AREA_ITEMS].rows[i];
    char lb[200], t[32];
    TRY(elem(b, "<tr data-area=\"", it->key, "\"><th scope=\"row\">"));
    TRY(trygg_html_cell_hyph(b, v->o->lang, "",
                             row_label(v, TRYGG_PDIM_AREA_ITEMS, it->key, lb, sizeof lb), "</th>"));
    trygg_cell s[TRYGG_PERIOD_COLS];
    for (int col = 0; col < TRYGG_PERIOD_COLS; col++)
        s[col] = v->c.dim[TRYGG_PDIM_AREA_ITEMS][col][i];
    TRY(col_cells(b, v, it->col, s));
    /* partner events in the area: the period and the one before */
    int e = -1;
    const trygg_period_table *et = &r->dim[TRYGG_PDIM_AREA_EVENTS];
    for (int k = 0; k < et->n; k++)
        if (strcmp(et->rows[k].key, it->key) == 0)
            e = k;
    for (int col = 0; col < 2; col++) {
        if (e >= 0)
            cell(v, et->rows[e].col[col], v->c.dim[TRYGG_PDIM_AREA_EVENTS][col][e], t, sizeof t);
        else
            TRYGG_COPY_FIT(t, "–");
        TRY(tdn(b, t));
    }
    if (!v->o->suppress) { /* placed by hand: internal only */
        const trygg_period_table *pt = &r->dim[TRYGG_PDIM_AREA_POLICE];
        int64_t n = 0;
        for (int k = 0; k < pt->n; k++)
            if (strcmp(pt->rows[k].key, it->key) == 0)
                n = pt->rows[k].col[0];
        snprintf(t, sizeof t, "%lld", (long long)n);
        TRY(tdn(b, t));
    }
    if (!r->measures_hidden)
        TRY(area_measures(b, v, it->key));
    return trygg_buf_puts(b, "</tr>");
}

static trygg_err areas_ranked(trygg_buf *b, const pview *v)
{
    const trygg_period_table *t = &v->r->dim[TRYGG_PDIM_AREA_ITEMS];
    area_rank rank[TRYGG_PERIOD_KEYS + 1];
    for (int i = 0; i < t->n; i++) {
        rank[i].row = i;
        rank[i].change = t->rows[i].col[0] - t->rows[i].col[1];
        rank[i].shown =
            !v->o->suppress ||
            trygg_suppress_diff(v->c.dim[TRYGG_PDIM_AREA_ITEMS][0][i],
                                v->c.dim[TRYGG_PDIM_AREA_ITEMS][1][i]) == TRYGG_CELL_SHOWN;
    }
    qsort(rank, (size_t)t->n, sizeof rank[0], cmp_rank);
    TRY(section_begin(b, v, "areas", "period.areas"));
    TRY(elem(b, "<p>", tr(v, "period.areas_intro"), "</p>"));
    TRY(trygg_html_cell_hyph(b, v->o->lang, "<table class=\"areas\"><thead><tr><th scope=\"col\">",
                             tr(v, "report.col.area"), "</th>"));
    TRY(col_heads(b, v));
    TRY(trygg_html_cell_hyph(b, v->o->lang, "<th scope=\"col\" class=\"n\">",
                             tr(v, "period.col.events"), "</th>"));
    TRY(trygg_html_cell_hyph(b, v->o->lang, "<th scope=\"col\" class=\"n\">",
                             tr(v, "period.col.events_prev"), "</th>"));
    if (!v->o->suppress)
        TRY(trygg_html_cell_hyph(b, v->o->lang, "<th scope=\"col\" class=\"n\">",
                                 tr(v, "period.col.police_placed"), "</th>"));
    if (!v->r->measures_hidden)
        TRY(trygg_html_cell_hyph(b, v->o->lang, "<th scope=\"col\">", tr(v, "period.col.measures"),
                                 "</th>"));
    TRY(trygg_buf_puts(b, "</tr></thead><tbody>"));
    for (int i = 0; i < t->n; i++)
        TRY(area_row(b, v, rank[i].row));
    TRY(trygg_buf_puts(b, "</tbody></table>"));
    if (v->o->suppress)
        TRY(elem(b, "<p class=\"caption\">", tr(v, "period.areas_rank_published"), "</p>"));
    return trygg_buf_puts(b, "</section>");
}

/* ---- Months, quarters and the trend -------------------------------------------------- */

static const char *const month_keys[12] = {"month.1", "month.2",  "month.3",  "month.4",
                                           "month.5", "month.6",  "month.7",  "month.8",
                                           "month.9", "month.10", "month.11", "month.12"};

static const char *month_label(const pview *v, int m)
{
    return tr(v, month_keys[(v->r->period.month0 - 1 + m) % 12]);
}

/* Rows of table d (kinds or event types) by month, with the months' totals. */
static trygg_err month_table(trygg_buf *b, const pview *v, int d, const int64_t *tot,
                             const trygg_cell *tot_s, trygg_cell (*grid)[TRYGG_PERIOD_MONTHS])
{
    const trygg_period_table *t = &v->r->dim[d];
    int nm = v->r->period.nmonths;
    char lb[200], c[32];
    TRY(elem(b, "<table class=\"months\"><thead><tr><th scope=\"col\">", tr(v, "report.col.key"),
             "</th>"));
    for (int m = 0; m < nm; m++)
        TRY(trygg_html_cell_hyph(b, v->o->lang, "<th scope=\"col\" class=\"n\">", month_label(v, m),
                                 "</th>"));
    TRY(trygg_buf_puts(b, "</tr></thead><tbody>"));
    for (int i = 0; i < t->n; i++) {
        TRY(trygg_html_cell_hyph(b, v->o->lang, "<tr><th scope=\"row\">",
                                 row_label(v, d, t->rows[i].key, lb, sizeof lb), "</th>"));
        for (int m = 0; m < nm; m++) {
            cell(v, t->rows[i].month[m], grid[i][m], c, sizeof c);
            TRY(tdn(b, c));
        }
        TRY(trygg_buf_puts(b, "</tr>"));
    }
    TRY(elem(b, "<tr class=\"total\"><th scope=\"row\">", tr(v, "period.total"), "</th>"));
    for (int m = 0; m < nm; m++) {
        cell(v, tot[m], tot_s[m], c, sizeof c);
        TRY(tdn(b, c));
    }
    return trygg_buf_puts(b, "</tr></tbody></table>");
}

/* The state of a quarter of row i: SHOWN only when all its months are (a
 * sum of shown months gives nothing away; a hidden month would). */
static trygg_cell quarter_cell(const pview *v, trygg_cell (*grid)[TRYGG_PERIOD_MONTHS], int i,
                               int q)
{
    for (int m = q * 3; m < q * 3 + 3; m++)
        if (grid[i][m] != TRYGG_CELL_SHOWN)
            return v->o->suppress ? TRYGG_CELL_WITHHELD : grid[i][m];
    return TRYGG_CELL_SHOWN;
}

static trygg_err quarter_table(trygg_buf *b, const pview *v)
{
    const trygg_period_table *t = &v->r->dim[TRYGG_PDIM_KIND];
    trygg_cell(*grid)[TRYGG_PERIOD_MONTHS] = ((pview *)v)->c.kind_month;
    char lb[200], c[32], q[8];
    TRY(section_begin(b, v, "quarters", "period.by_quarter"));
    TRY(trygg_html_cell_hyph(b, v->o->lang, "<table><thead><tr><th scope=\"col\">",
                             tr(v, "report.col.key"), "</th>"));
    for (int k = 1; k <= 4; k++) {
        snprintf(q, sizeof q, "Q%d", k);
        TRY(trygg_html_cell_hyph(b, v->o->lang, "<th scope=\"col\" class=\"n\">", q, "</th>"));
    }
    TRY(trygg_buf_puts(b, "</tr></thead><tbody>"));
    for (int i = 0; i < t->n; i++) {
        TRY(trygg_html_cell_hyph(b, v->o->lang, "<tr><th scope=\"row\">",
                                 row_label(v, TRYGG_PDIM_KIND, t->rows[i].key, lb, sizeof lb),
                                 "</th>"));
        for (int k = 0; k < 4; k++) {
            int64_t n = 0;
            for (int m = k * 3; m < k * 3 + 3; m++)
                n += t->rows[i].month[m];
            cell(v, n, quarter_cell(v, grid, i, k), c, sizeof c);
            TRY(tdn(b, c));
        }
        TRY(trygg_buf_puts(b, "</tr>"));
    }
    TRY(trygg_buf_puts(b, "</tbody></table>"));
    return elem(b, "<p class=\"caption\">", tr(v, "period.quarter_caption"), "</p></section>");
}

static trygg_err month_trend(trygg_buf *b, const pview *v)
{
    const trygg_period_table *t = &v->r->dim[TRYGG_PDIM_KIND];
    int nm = v->r->period.nmonths;
    const char *xl[TRYGG_PERIOD_MONTHS];
    for (int m = 0; m < nm; m++)
        xl[m] = month_label(v, m);
    trygg_svg_series s[TRYGG_KIND_COUNT + 1];
    char lb[TRYGG_KIND_COUNT + 1][200];
    int ns = 0;
    for (int i = 0; i < t->n && ns < TRYGG_KIND_COUNT; i++) {
        const char *label = row_label(v, TRYGG_PDIM_KIND, t->rows[i].key, lb[ns], sizeof lb[ns]);
        if (label != lb[ns])
            TRYGG_COPY_TRUNC(lb[ns], label); /* display text */
        s[ns].label = lb[ns];
        s[ns].v = t->rows[i].month;
        s[ns].state = v->o->suppress ? v->c.kind_month[i] : NULL;
        s[ns++].n = nm;
    }
    char tt[16], gap[256];
    snprintf(tt, sizeof tt, "%d", v->T);
    return trygg_svg_trend(b, tr(v, "period.trend"), xl, s, ns, v->T,
                           fmt1(v, "period.trend_gap", "t", tt, gap, sizeof gap));
}

static trygg_err months(trygg_buf *b, const pview *v)
{
    const trygg_period_report *r = v->r;
    pview *w = (pview *)v;
    TRY(section_begin(b, v, "months", "period.by_month"));
    TRY(trygg_buf_puts(b, "<div class=\"trends\">"));
    TRY(month_trend(b, v));
    TRY(trygg_buf_puts(b, "</div>"));
    TRY(month_table(b, v, TRYGG_PDIM_KIND, r->total_month, v->c.total_month, w->c.kind_month));
    TRY(elem(b, "<h3>", tr(v, "report.by_event"), "</h3>"));
    TRY(month_table(b, v, TRYGG_PDIM_EVENT, r->events_month, v->c.events_month, w->c.event_month));
    TRY(elem(b, "<h3>", tr(v, "report.police"), "</h3>"));
    static const trygg_cell shown[TRYGG_PERIOD_MONTHS] = {0};
    TRY(trygg_buf_puts(b, "<table class=\"months\"><thead><tr><td></td>"));
    for (int m = 0; m < r->period.nmonths; m++)
        TRY(trygg_html_cell_hyph(b, v->o->lang, "<th scope=\"col\" class=\"n\">", month_label(v, m),
                                 "</th>"));
    TRY(elem(b, "</tr></thead><tbody><tr><th scope=\"row\">", tr(v, "period.total"), "</th>"));
    for (int m = 0; m < r->period.nmonths; m++) {
        char c[32];
        cell(v, r->police_month[m], shown[m], c, sizeof c);
        TRY(tdn(b, c));
    }
    return trygg_buf_puts(b, "</tr></tbody></table></section>");
}

/* ---- Places, measures, sources ---------------------------------------------------------- */

static trygg_err top_places(trygg_buf *b, const pview *v)
{
    if (v->o->suppress) /* a place is never published from the period either */
        return TRYGG_OK;
    TRY(section_begin(b, v, "top", "period.top_places"));
    if (v->r->ntop == 0)
        return elem(b, "<p>", tr(v, "period.none"), "</p></section>");
    TRY(trygg_buf_puts(b, "<ol class=\"top\">"));
    for (int i = 0; i < v->r->ntop; i++) {
        TRY(elem(b, "<li>", v->r->top[i].label, ""));
        TRY(trygg_buf_printf(b, " <b>%lld</b></li>", (long long)v->r->top[i].n));
    }
    TRY(trygg_buf_puts(b, "</ol>"));
    return elem(b, "<p class=\"caption\">", tr(v, "period.top_caption"), "</p></section>");
}

static trygg_err effect_row(trygg_buf *b, const pview *v, const char *key, int64_t before,
                            trygg_cell sb, int64_t after, trygg_cell sa)
{
    char c1[32], c2[32], d[32];
    cell(v, before, sb, c1, sizeof c1);
    cell(v, after, sa, c2, sizeof c2);
    diff(v, after, sa, before, sb, d, sizeof d);
    TRY(trygg_html_cell_hyph(b, v->o->lang, "<tr><th scope=\"row\">", tr(v, key), "</th>"));
    TRY(tdn(b, c1));
    TRY(tdn(b, c2));
    TRY(tdn(b, d));
    return trygg_buf_puts(b, "</tr>");
}

static trygg_err measure_effect(trygg_buf *b, const pview *v, int i)
{
    const trygg_period_measure *m = &v->r->measures[i];
    const trygg_effect *e = &m->effect;
    if (!m->has_effect)
        return elem(b, "<p class=\"hint\">",
                    tr(v, m->nareas ? "period.effect_not_started" : "measure.effect_no_places"),
                    "</p>");
    TRY(elem(b, "<table class=\"effect\"><thead><tr><td></td><th scope=\"col\" class=\"n\">",
             tr(v, "measure.before"), "<br>"));
    TRY(elem(b, "", e->before_from, " – "));
    TRY(elem(b, "", e->before_to, "</th><th scope=\"col\" class=\"n\">"));
    TRY(elem(b, "", tr(v, "measure.after"), "<br>"));
    TRY(elem(b, "", e->after_from, " – "));
    TRY(elem(b, "", e->after_to, "</th><th scope=\"col\" class=\"n\">"));
    TRY(elem(b, "", tr(v, "measure.change"), "</th></tr></thead><tbody>"));
    const trygg_cell *s = v->c.effect[i];
    TRY(effect_row(b, v, "measure.effect_items", e->items_before, s[0], e->items_after, s[1]));
    TRY(effect_row(b, v, "measure.effect_events", e->events_before, s[2], e->events_after, s[3]));
    TRY(trygg_buf_puts(b, "</tbody></table>"));
    if (e->after_done >= v->r->effect_weeks)
        return TRYGG_OK;
    TRY(trygg_buf_printf(b, "<p class=\"hint\" data-after-done=\"%d\">", e->after_done));
    TRY(trygg_html_esc(b, tr(v, "measure.after_running")));
    return trygg_buf_printf(b, " %d/%d</p>", e->after_done, v->r->effect_weeks);
}

static trygg_err measure_item(trygg_buf *b, const pview *v, int i, int follow)
{
    const trygg_measure *m = &v->r->measures[i].m;
    char key[64], period[40];
    snprintf(key, sizeof key, "measure.status.%s", m->status);
    snprintf(period, sizeof period, "%s – %s", m->start_day, m->end_day);
    TRY(trygg_buf_printf(b, "<li class=\"measure\" data-measure=\"%lld\"><b>", (long long)m->id));
    TRY(elem(b, "", m->title, "</b> · "));
    TRY(elem(b, "", tr(v, key), " · "));
    TRY(elem(b, "", period, " · "));
    TRY(elem(b, "", m->org, ""));
    if (follow) {
        if (m->indicator[0])
            TRY(elem(b, "<br><small>", m->indicator, "</small>"));
        TRY(measure_effect(b, v, i));
    }
    return trygg_buf_puts(b, "</li>");
}

static trygg_err measures(trygg_buf *b, const pview *v)
{
    int follow = v->r->period.kind != TRYGG_PERIOD_QUARTER;
    if (v->r->measures_hidden)
        return TRYGG_OK;
    TRY(section_begin(b, v, "measures", follow ? "period.followup" : "period.measures"));
    if (follow)
        TRY(elem(b, "<p>", tr(v, "period.followup_intro"), "</p>"));
    if (v->r->nmeasures == 0)
        return elem(b, "<p>", tr(v, "period.none"), "</p></section>");
    TRY(trygg_buf_puts(b, "<ul class=\"measures\">"));
    for (int i = 0; i < v->r->nmeasures; i++)
        TRY(measure_item(b, v, i, follow));
    TRY(trygg_buf_puts(b, "</ul>"));
    if (follow)
        TRY(elem(b, "<p class=\"note caveat\">", tr(v, "measure.caveat"), "</p>"));
    return trygg_buf_puts(b, "</section>");
}

static trygg_err sources(trygg_buf *b, const pview *v)
{
    TRY(section_begin(b, v, "sources", "report.sources"));
    TRY(elem(b, "<p>", tr(v, "period.sources"), "</p>"));
    return elem(b, "<p class=\"note\">", tr(v, "period.police_places"), "</p></section>");
}

static trygg_err foot(trygg_buf *b, const pview *v)
{
    char gen[32], msg[256];
    trygg_rr_fmt_time(v->r->generated, gen, sizeof gen);
    TRY(elem(b, "<footer><p>", fmt1(v, "report.generated", "time", gen, msg, sizeof msg),
             "</p></footer></div>"));
    return v->o->standalone ? trygg_buf_puts(b, "</body></html>") : TRYGG_OK;
}

static trygg_err sections(trygg_buf *b, const pview *v)
{
    TRY(summary(b, v));
    TRY(areas_ranked(b, v));
    TRY(trygg_rr_map(b, &v->wv));
    TRY(months(b, v));
    if (v->r->period.kind == TRYGG_PERIOD_YEAR)
        TRY(quarter_table(b, v));
    TRY(dim_table(b, v, TRYGG_PDIM_KIND, "kind", "report.by_kind"));
    TRY(dim_table(b, v, TRYGG_PDIM_CATEGORY, "category", "report.by_category"));
    TRY(dim_table(b, v, TRYGG_PDIM_EVENT, "events", "report.by_event"));
    TRY(dim_table(b, v, TRYGG_PDIM_POLICE, "police", "report.police"));
    TRY(top_places(b, v));
    TRY(measures(b, v));
    return sources(b, v);
}

/* The view: the published decision and the shadow week's view for the
 * labels and the map (its area cells are the period's). */
static pview *view_new(const trygg_period_report *r, const trygg_report_opts *o)
{
    pview *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->r = r;
    v->o = o;
    v->T = o->threshold > 0 ? o->threshold : TRYGG_SUPPRESS_DEFAULT;
    trygg_period_suppress(r, v->T, &v->c);
    v->wv.r = r->shadow;
    v->wv.o = o;
    v->wv.T = v->T;
    v->wv.c.threshold = v->T;
    for (int i = 0; i < r->dim[TRYGG_PDIM_AREA_ITEMS].n; i++)
        v->wv.c.dim[TRYGG_DIM_AREA].cur[i] = v->c.dim[TRYGG_PDIM_AREA_ITEMS][0][i];
    return v;
}

trygg_err trygg_period_html(const trygg_period_report *r, const trygg_report_opts *o, trygg_buf *b)
{
    pview *v = view_new(r, o);
    if (!v) {
        if (!b->err)
            b->err = TRYGG_ERR_NOMEM;
        return b->err;
    }
    trygg_report_opts oo = *o;
    oo.map_caption = "period.map_caption";
    v->o = &oo;
    v->wv.o = &oo;
    trygg_err e = head(b, v);
    if (!e)
        e = sections(b, v);
    if (!e)
        e = foot(b, v);
    free(v);
    return e;
}

/* ---- CSV ------------------------------------------------------------------------------ */

/* One row "view,key,subkey,column,count"; keys are ids (quoted by trygg_csv). */
static trygg_err csv_row(trygg_buf *b, const pview *v, const char *view, const char *key,
                         const char *sub, const char *col, int64_t n, trygg_cell s)
{
    char c[32];
    if (v->o->suppress)
        trygg_suppress_text(n, s, v->T, c, sizeof c);
    else
        snprintf(c, sizeof c, "%lld", (long long)n);
    const char *f[5] = {view, key, sub, col, c};
    for (int i = 0; i < 5; i++) {
        if (i)
            TRY(trygg_buf_puts(b, ","));
        int q = strpbrk(f[i], ",\"\r\n") != NULL;
        if (!q) {
            TRY(trygg_buf_puts(b, f[i]));
            continue;
        }
        TRY(trygg_buf_puts(b, "\""));
        for (const char *p = f[i]; *p; p++)
            TRY(*p == '"' ? trygg_buf_puts(b, "\"\"") : trygg_buf_add(b, p, 1));
        TRY(trygg_buf_puts(b, "\""));
    }
    return trygg_buf_puts(b, "\n");
}

static const char *const dim_names[TRYGG_PDIM_COUNT] = {
    "area_items", "area_events", "area_police", "kind", "category", "event", "police"};

static trygg_err csv_dims(trygg_buf *b, const pview *v)
{
    for (int d = 0; d < TRYGG_PDIM_COUNT; d++) {
        if (d == TRYGG_PDIM_AREA_POLICE && v->o->suppress)
            continue; /* placed by hand: internal only */
        const trygg_period_table *t = &v->r->dim[d];
        for (int i = 0; i < t->n; i++)
            for (int col = 0; col < v->r->ncols; col++) {
                if (col == TRYGG_PCOL_YEAR && !v->r->has_year_ago)
                    continue;
                char cn[16];
                col_name(v, col, cn, sizeof cn);
                trygg_cell s = d == TRYGG_PDIM_POLICE ? TRYGG_CELL_SHOWN : v->c.dim[d][col][i];
                TRY(csv_row(b, v, dim_names[d], t->rows[i].key, "", cn, t->rows[i].col[col], s));
            }
    }
    return TRYGG_OK;
}

static trygg_err csv_months(trygg_buf *b, const pview *v)
{
    const trygg_period_report *r = v->r;
    for (int m = 0; m < r->period.nmonths; m++) {
        char mn[16];
        snprintf(mn, sizeof mn, "%04d-%02d", r->period.year, r->period.month0 + m);
        TRY(csv_row(b, v, "month", "total", "", mn, r->total_month[m], v->c.total_month[m]));
        TRY(csv_row(b, v, "month_event", "total", "", mn, r->events_month[m],
                    v->c.events_month[m]));
        TRY(csv_row(b, v, "month_police", "total", "", mn, r->police_month[m], TRYGG_CELL_SHOWN));
        const trygg_period_table *k = &r->dim[TRYGG_PDIM_KIND], *e = &r->dim[TRYGG_PDIM_EVENT];
        for (int i = 0; i < k->n; i++)
            TRY(csv_row(b, v, "month", k->rows[i].key, "", mn, k->rows[i].month[m],
                        v->c.kind_month[i][m]));
        for (int i = 0; i < e->n; i++)
            TRY(csv_row(b, v, "month_event", e->rows[i].key, "", mn, e->rows[i].month[m],
                        v->c.event_month[i][m]));
    }
    return TRYGG_OK;
}

static trygg_err csv_rest(trygg_buf *b, const pview *v)
{
    const trygg_period_report *r = v->r;
    char cur[16];
    col_name(v, 0, cur, sizeof cur);
    for (int i = 0; !v->o->suppress && i < r->ntop; i++)
        TRY(csv_row(b, v, "top_place", r->top[i].label, "", cur, r->top[i].n, TRYGG_CELL_SHOWN));
    for (int i = 0; !r->measures_hidden && i < r->nmeasures; i++) {
        const trygg_period_measure *m = &r->measures[i];
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)m->m.id);
        TRY(csv_row(b, v, "measure_status", id, m->m.status, cur, 0, TRYGG_CELL_SHOWN));
        if (!m->has_effect)
            continue;
        const int64_t n[4] = {m->effect.items_before, m->effect.items_after,
                              m->effect.events_before, m->effect.events_after};
        static const char *const sub[4] = {"items_before", "items_after", "events_before",
                                           "events_after"};
        for (int k = 0; k < 4; k++)
            TRY(csv_row(b, v, "measure", id, sub[k], cur, n[k], v->c.effect[i][k]));
    }
    return TRYGG_OK;
}

trygg_err trygg_period_csv(const trygg_period_report *r, const trygg_report_opts *o, trygg_buf *b)
{
    pview *v = view_new(r, o);
    if (!v) {
        if (!b->err)
            b->err = TRYGG_ERR_NOMEM;
        return b->err;
    }
    char cur[16], cut[32];
    col_name(v, 0, cur, sizeof cur);
    trygg_rr_fmt_time(r->running ? r->generated : r->period.end, cut, sizeof cut);
    trygg_err e = trygg_buf_puts(b, "view,key,subkey,column,count\n");
    if (!e)
        e = csv_row(b, v, "cutoff", r->running ? "running" : "complete", cut, cur, 0,
                    TRYGG_CELL_SHOWN);
    if (!e)
        e = csv_row(b, v, "view_shown", o->suppress ? "published" : "internal", "", cur, 0,
                    TRYGG_CELL_SHOWN);
    for (int col = 0; !e && col < r->ncols; col++) {
        if (col == TRYGG_PCOL_YEAR && !r->has_year_ago)
            continue;
        char cn[16];
        col_name(v, col, cn, sizeof cn);
        e = csv_row(b, v, "total", "items", "", cn, r->total[col], v->c.total[col]);
        if (!e)
            e = csv_row(b, v, "total", "events", "", cn, r->events[col], v->c.events[col]);
        if (!e)
            e = csv_row(b, v, "total", "police", "", cn, r->police[col], TRYGG_CELL_SHOWN);
    }
    if (!e)
        e = csv_dims(b, v);
    if (!e)
        e = csv_months(b, v);
    if (!e)
        e = csv_rest(b, v);
    free(v);
    return e;
}
