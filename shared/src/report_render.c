/*
 * report_render.c — what the CSV and the HTML of the situation picture
 * share: the view (one suppression decision per report, so that the
 * screen, the printout and the CSV can never disagree about what is
 * hidden), the text of every count, dates and durations, and the labels of
 * keys from the "report" catalog and the configured areas. The markup is in
 * report_render_csv.c and report_render_html.c (see report_render.h).
 */
#include "report_render.h"

#include "trygg/copy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void trygg_report_opts_init(trygg_report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->suppress = 1;
    o->threshold = TRYGG_SUPPRESS_DEFAULT;
    o->lang = "sv";
    o->base_url = "/report";
}

const char *trygg_rr_area_group(const trygg_report *r, const char *area)
{
    for (int i = 0; i < r->areas.n; i++)
        if (strcmp(r->areas.a[i].id, area) == 0)
            return r->areas.a[i].group[0] ? r->areas.a[i].group : TRYGG_REPORT_OTHER;
    return TRYGG_REPORT_OTHER;
}

/* Text of a count in this view: the number in full mode (with "*" when it
 * would be hidden outside the security department), else via suppression. */
void trygg_rr_cell(const trygg_rr_view *v, int64_t n, trygg_cell s, char *out, size_t cap)
{
    if (v->o->suppress)
        trygg_suppress_text(n, s, v->T, out, cap);
    else
        snprintf(out, cap, "%lld%s", (long long)n, s == TRYGG_CELL_SHOWN ? "" : "*");
}

static void cell_diff(const trygg_rr_view *v, int64_t a, trygg_cell sa, int64_t b, trygg_cell sb,
                      char *out, size_t cap)
{
    if (v->o->suppress && trygg_suppress_diff(sa, sb) != TRYGG_CELL_SHOWN)
        snprintf(out, cap, "x");
    else
        snprintf(out, cap, "%+lld", (long long)(a - b));
}

/* Average of 12 weeks (sum/12, one decimal). */
static void cell_avg(const trygg_rr_view *v, int64_t sum, trygg_cell s, char *out, size_t cap)
{
    if (v->o->suppress && s != TRYGG_CELL_SHOWN)
        snprintf(out, cap, "x");
    else
        snprintf(out, cap, "%.1f", (double)sum / TRYGG_REPORT_HIST);
}

static void cell_diff_avg(const trygg_rr_view *v, int64_t cur, trygg_cell sc, int64_t sum,
                          trygg_cell sa, char *out, size_t cap)
{
    if (v->o->suppress && trygg_suppress_diff(sc, sa) != TRYGG_CELL_SHOWN)
        snprintf(out, cap, "x");
    else
        snprintf(out, cap, "%+.1f", (double)cur - (double)sum / TRYGG_REPORT_HIST);
}

void trygg_rr_figs_of(const trygg_rr_view *v, const int64_t *n, trygg_cell cur, trygg_cell prev,
                      trygg_cell avg, trygg_rr_figs *f)
{
    int64_t sum = trygg_report_hist_sum(n);
    trygg_rr_cell(v, n[CUR], cur, f->count, sizeof f->count);
    trygg_rr_cell(v, n[CUR - 1], prev, f->prev, sizeof f->prev);
    cell_diff(v, n[CUR], cur, n[CUR - 1], prev, f->change, sizeof f->change);
    cell_avg(v, sum, avg, f->avg, sizeof f->avg);
    cell_diff_avg(v, n[CUR], cur, sum, avg, f->change_avg, sizeof f->change_avg);
}

const char *trygg_rr_tr(const trygg_report_opts *o, const char *key)
{
    if (!o->t)
        return key;
    return trygg_i18n_get(o->t, o->lang ? o->lang : "sv", key);
}

/* Catalog text for prefix.name, or `fallback` when the catalog has none. */
const char *trygg_rr_tr_or(const trygg_report_opts *o, const char *prefix, const char *name,
                           const char *fallback, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s.%s", prefix, name);
    const char *t = trygg_rr_tr(o, buf);
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

const char *trygg_rr_area_label(const trygg_rr_view *v, const char *id, char *buf, size_t cap)
{
    int en = v->o->lang && strcmp(v->o->lang, "en") == 0;
    for (int i = 0; i < v->r->areas.n; i++)
        if (strcmp(v->r->areas.a[i].id, id) == 0)
            return en && v->r->areas.a[i].label_en[0] ? v->r->areas.a[i].label_en
                                                      : v->r->areas.a[i].label;
    if (!id[0])
        return trygg_rr_tr(v->o, "report.no_area");
    if (strcmp(id, TRYGG_REPORT_OTHER) == 0)
        return trygg_rr_tr(v->o, "report.other");
    return trygg_rr_tr_or(v->o, "area", id, id, buf, cap);
}

const char *trygg_rr_row_label(const trygg_rr_view *v, int d, const char *key, char *buf,
                               size_t cap)
{
    char tmp[160];
    if (strcmp(key, TRYGG_REPORT_OTHER) == 0)
        return trygg_rr_tr(v->o, "report.other");
    switch (d) {
    case TRYGG_DIM_KIND:
        return trygg_rr_tr_or(v->o, "kind", key, key, buf, cap);
    case TRYGG_DIM_CHANNEL:
        return trygg_rr_tr_or(v->o, "channel", key, key, buf, cap);
    case TRYGG_DIM_AREA:
        return trygg_rr_area_label(v, key, buf, cap);
    case TRYGG_DIM_EVENT:
        return trygg_rr_tr_or(v->o, "event.type", key, key, buf, cap);
    case TRYGG_DIM_CATEGORY: {
        char kind[80];
        TRYGG_COPY_TRUNC(kind, key); /* a category key; the kind part is short */
        char *slash = strchr(kind, '/');
        const char *cat = slash ? slash + 1 : "";
        if (slash)
            *slash = '\0';
        const char *kl = trygg_rr_tr_or(v->o, "kind", kind, kind, tmp, sizeof tmp);
        char kl_copy[160];
        TRYGG_COPY_TRUNC(kl_copy, kl); /* display text */
        char cb[160];
        const char *cl = cat[0] ? trygg_rr_tr_or(v->o, "category", cat, cat, cb, sizeof cb)
                                : trygg_rr_tr(v->o, "report.no_category");
        int en = v->o->lang && strcmp(v->o->lang, "en") == 0;
        for (int i = 0; cat[0] && i < v->r->areas.ncats; i++)
            if (strcmp(v->r->areas.c[i].id, cat) == 0)
                cl = en && v->r->areas.c[i].label_en[0] ? v->r->areas.c[i].label_en
                                                        : v->r->areas.c[i].label;
        join3(buf, cap, kl_copy, ": ", cl);
        return buf;
    }
    default:
        return key[0] ? key : trygg_rr_tr(v->o, "report.no_area");
    }
}

void trygg_rr_fmt_date(int64_t t, char *out, size_t cap)
{
    int y, m, d;
    trygg_utc_to_local(t, &y, &m, &d, NULL, NULL, NULL);
    snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
}

void trygg_rr_fmt_time(int64_t t, char *out, size_t cap)
{
    int y, m, d, h, mi;
    trygg_utc_to_local(t, &y, &m, &d, &h, &mi, NULL);
    snprintf(out, cap, "%04d-%02d-%02d %02d:%02d", y, m, d, h, mi);
}

void trygg_rr_fmt_dur(const trygg_report_opts *o, int64_t s, char *out, size_t cap)
{
    int64_t d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
    if (d > 0)
        snprintf(out, cap, "%lld %s %lld %s", (long long)d, trygg_rr_tr(o, "unit.d"), (long long)h,
                 trygg_rr_tr(o, "unit.h"));
    else if (h > 0)
        snprintf(out, cap, "%lld %s %lld %s", (long long)h, trygg_rr_tr(o, "unit.h"), (long long)m,
                 trygg_rr_tr(o, "unit.min"));
    else
        snprintf(out, cap, "%lld %s", (long long)m, trygg_rr_tr(o, "unit.min"));
}

const char *const trygg_rr_band_names[TRYGG_REPORT_BANDS] = {"00-04", "04-08", "08-12",
                                                             "12-16", "16-20", "20-24"};

trygg_err trygg_rr_render(const trygg_report *r, const trygg_report_opts *o, trygg_buf *b,
                          const trygg_rr_part *parts, int nparts)
{
    trygg_rr_view *v = calloc(1, sizeof *v); /* large: trygg_report_cells */
    if (!v) {
        if (!b->err)
            b->err = TRYGG_ERR_NOMEM; /* sticky, as after a failed append */
        return b->err;
    }
    v->r = r;
    v->o = o;
    v->T = o->threshold > 0 ? o->threshold : TRYGG_SUPPRESS_DEFAULT;
    trygg_report_suppress(r, v->T, &v->c);
    trygg_err e = TRYGG_OK;
    for (int i = 0; i < nparts && !e; i++)
        e = parts[i](b, v);
    free(v);
    return e;
}
