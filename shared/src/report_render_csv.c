/*
 * report_render_csv.c — the situation picture as tidy CSV: one row per
 * published cell, "view,key,subkey,count,previous,change,avg12". Counts go
 * through the view's suppression (report_render.c); key and subkey are data
 * and are written by trygg_csv_field (quoted, formula-guarded).
 */
#include "report_render.h"

#include "trygg/copy.h"
#include "trygg/csv.h"

#include <stdio.h>
#include <string.h>

static trygg_err csv_row(trygg_buf *b, const char *view_, const char *key, const char *sub,
                         const char *count, const char *prev, const char *change, const char *avg)
{
    /* view_ and the figures are fixed names and numbers; key and sub are data */
    TRY(trygg_csv_raw(b, view_, 1));
    TRY(trygg_csv_field(b, key, 0));
    TRY(trygg_csv_field(b, sub, 0));
    const char *fig[4] = {count, prev, change, avg};
    for (int i = 0; i < 4; i++)
        TRY(trygg_csv_raw(b, fig[i], 0));
    return trygg_csv_end(b);
}

/* A row with a count only. */
static trygg_err csv_count(trygg_buf *b, const char *view_, const char *key, const char *sub,
                           const char *count)
{
    return csv_row(b, view_, key, sub, count, NULL, NULL, NULL);
}

static trygg_err csv_dim(trygg_buf *b, const trygg_rr_view *v, int d, const char *name)
{
    const trygg_report_table *t = &v->r->dim[d];
    const trygg_report_dimcells *s = &v->c.dim[d];
    for (int i = 0; i < t->n; i++) {
        trygg_rr_figs f;
        trygg_rr_figs_of(v, t->rows[i].n, s->cur[i], s->prev[i], s->avg[i], &f);
        char key[160], sub[80] = "";
        TRYGG_COPY_FIT(key, t->rows[i].key);
        if (d == TRYGG_DIM_CATEGORY) {
            char *slash = strchr(key, '/');
            if (slash) {
                TRYGG_COPY_TRUNC(sub, slash + 1); /* display text */
                *slash = '\0';
            }
        } else if (d == TRYGG_DIM_AREA) {
            TRYGG_COPY_TRUNC(sub, trygg_rr_area_group(v->r, key)); /* display text */
        }
        TRY(csv_row(b, name, key, sub, f.count, f.prev, f.change, f.avg));
    }
    return TRYGG_OK;
}

/* The header, the week's total and the five dimensions. */
static trygg_err csv_totals(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    char wk[16];
    trygg_week_format(&r->week, wk, sizeof wk);
    TRY(trygg_buf_puts(b, "view,key,subkey,count,previous,change,avg12\r\n"));
    /* How far the figures reach: the cut-off of a running week, else its end. */
    char cut[32];
    trygg_rr_fmt_time(r->running ? r->generated : r->week.end, cut, sizeof cut);
    TRY(csv_count(b, "cutoff", r->running ? "running" : "complete", cut, NULL));
    TRY(csv_count(b, "view_shown", v->o->suppress ? "published" : "internal", "", NULL));
    trygg_rr_figs f;
    trygg_rr_figs_of(v, r->total, v->c.total[CUR], v->c.total[CUR - 1], v->c.total_avg, &f);
    TRY(csv_row(b, "total", wk, "", f.count, f.prev, f.change, f.avg));
    TRY(csv_dim(b, v, TRYGG_DIM_KIND, "kind"));
    TRY(csv_dim(b, v, TRYGG_DIM_CATEGORY, "category"));
    TRY(csv_dim(b, v, TRYGG_DIM_AREA, "area"));
    TRY(csv_dim(b, v, TRYGG_DIM_GROUP, "area_group"));
    TRY(csv_dim(b, v, TRYGG_DIM_CHANNEL, "channel"));
    return csv_dim(b, v, TRYGG_DIM_EVENT, "event");
}

/* The heat map (weekday x time band) and the 13-week trend of every kind. */
static trygg_err csv_heat_trend(trygg_buf *b, const trygg_rr_view *v)
{
    static const char *const wd[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    const trygg_report *r = v->r;
    char c[32];
    for (int d = 0; d < 7; d++)
        for (int h = 0; h < TRYGG_REPORT_BANDS; h++) {
            trygg_rr_cell(v, r->heat[d][h], v->c.heat[d * TRYGG_REPORT_BANDS + h], c, sizeof c);
            TRY(csv_count(b, "heatmap", wd[d], trygg_rr_band_names[h], c));
        }
    for (int k = 0; k < TRYGG_KIND_COUNT; k++) {
        int row = v->c.kind_row[k];
        for (int w = 0; w < NW; w++) {
            char wn[16];
            trygg_week_format(&r->weeks[w], wn, sizeof wn);
            int64_t n = row >= 0 ? r->dim[TRYGG_DIM_KIND].rows[row].n[w] : 0;
            trygg_rr_cell(v, n, v->c.trend[k * NW + w], c, sizeof c);
            TRY(csv_count(b, "trend", trygg_kind_name((trygg_kind)k), wn, c));
        }
    }
    return TRYGG_OK;
}

/* Open and closed items, the median time to close, urgent items and the
 * most-reported places. */
static trygg_err csv_status(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    const trygg_report_opts *o = v->o;
    char c[32];
    trygg_rr_cell(v, r->open, v->c.status[0], c, sizeof c);
    TRY(csv_count(b, "status", "open", "", c));
    trygg_rr_cell(v, r->closed, v->c.status[1], c, sizeof c);
    TRY(csv_count(b, "status", "closed", "", c));
    if (r->close_median_s >= 0 && (!o->suppress || v->c.median == TRYGG_CELL_SHOWN))
        snprintf(c, sizeof c, "%.1f", (double)r->close_median_s / 3600.0);
    else
        snprintf(c, sizeof c, "x");
    TRY(csv_count(b, "status", "median_hours_to_close", "", c));
    trygg_rr_cell(v, r->urgent, v->c.urgent[0], c, sizeof c);
    TRY(csv_count(b, "urgent", "urgent", "", c));
    for (int i = 0; i < r->ntop; i++) {
        if (o->suppress && v->c.top[i] != TRYGG_CELL_SHOWN)
            continue; /* a place name is itself data: small ones are left out */
        trygg_rr_cell(v, r->top[i].n, v->c.top[i], c, sizeof c);
        TRY(csv_count(b, "top_place", r->top[i].label, "", c));
    }
    return TRYGG_OK;
}

/* Kiosks and gateway components (items, minutes offline) and police events. */
static trygg_err csv_sources(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_report *r = v->r;
    char c[32], p[32];
    for (int i = 0; i < r->nkiosks; i++) {
        const trygg_report_kiosk *k = &r->kiosks[i];
        trygg_rr_cell(v, k->items, v->c.kiosk[i], c, sizeof c);
        TRY(csv_count(b, "kiosk_items", k->id, k->area, c));
        snprintf(c, sizeof c, "%lld", (long long)(k->offline_s / 60));
        snprintf(p, sizeof p, "%lld", (long long)(k->longest_s / 60));
        TRY(csv_count(b, "kiosk_offline_min", k->id, k->history ? "" : "partial_history", c));
        TRY(csv_count(b, "kiosk_longest_offline_min", k->id, "", p));
    }
    for (int i = 0; i < r->ngateways; i++) {
        const trygg_report_kiosk *g = &r->gateways[i];
        snprintf(c, sizeof c, "%lld", (long long)(g->offline_s / 60));
        TRY(csv_count(b, "gateway_down_min", g->id, g->history ? "" : "partial_history", c));
    }
    for (int i = 0; i < r->npolice; i++) {
        char t[32];
        trygg_rr_fmt_time(r->police[i].at, t, sizeof t);
        TRY(csv_count(b, "police_event", r->police[i].type, t, "1"));
    }
    return TRYGG_OK;
}

trygg_err trygg_report_csv(const trygg_report *r, const trygg_report_opts *o, trygg_buf *b)
{
    static const trygg_rr_part parts[] = {csv_totals, csv_heat_trend, csv_status, csv_sources};
    return trygg_rr_render(r, o, b, parts, (int)(sizeof parts / sizeof parts[0]));
}
