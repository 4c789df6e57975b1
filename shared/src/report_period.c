/*
 * report_period.c — the quarter and the year (trygg/report_period.h): the
 * periods in local time, the report built from trygg_store_period_counts,
 * the measures register and their before/after, and the published view's
 * suppression decision.
 */
#include "trygg/report_period.h"

#include "trygg/copy.h"
#include "trygg/time.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Periods ------------------------------------------------------------------- */

trygg_err trygg_period_make(trygg_period_kind kind, int year, int index, trygg_period *out)
{
    static const int months[] = {3, 6, 12};
    if (!out || year < 1971 || year > 9998 || (int)kind < 0 || kind > TRYGG_PERIOD_YEAR)
        return TRYGG_ERR_INVALID;
    if ((kind == TRYGG_PERIOD_QUARTER && (index < 1 || index > 4)) ||
        (kind == TRYGG_PERIOD_HALF && (index < 1 || index > 2)))
        return TRYGG_ERR_INVALID;
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->year = year;
    out->index = kind == TRYGG_PERIOD_YEAR ? 0 : index;
    out->nmonths = months[kind];
    out->month0 = kind == TRYGG_PERIOD_YEAR ? 1 : (index - 1) * out->nmonths + 1;
    for (int i = 0; i <= out->nmonths; i++)
        out->month[i] = trygg_time_from_local(year, out->month0 + i, 1, 0, 0, 0);
    out->start = out->month[0];
    out->end = out->month[out->nmonths];
    return TRYGG_OK;
}

trygg_err trygg_period_parse(const char *s, trygg_period *out)
{
    if (!s || strlen(s) < 4 || strlen(s) > 7)
        return TRYGG_ERR_INVALID;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i]))
            return TRYGG_ERR_INVALID;
    int year = atoi(s); /* four digits checked above */
    if (s[4] == '\0')
        return trygg_period_make(TRYGG_PERIOD_YEAR, year, 0, out);
    const char *p = s + 4 + (s[4] == '-');
    char k = (char)toupper((unsigned char)p[0]);
    if ((k != 'Q' && k != 'H') || !isdigit((unsigned char)p[1]) || p[2] != '\0')
        return TRYGG_ERR_INVALID;
    return trygg_period_make(k == 'Q' ? TRYGG_PERIOD_QUARTER : TRYGG_PERIOD_HALF, year, p[1] - '0',
                             out);
}

void trygg_period_shift(const trygg_period *p, int delta, trygg_period *out)
{
    int per_year = p->kind == TRYGG_PERIOD_QUARTER ? 4 : p->kind == TRYGG_PERIOD_HALF ? 2 : 1;
    int idx = p->kind == TRYGG_PERIOD_YEAR ? 0 : p->index - 1;
    int64_t k = (int64_t)p->year * per_year + idx + delta;
    int year = (int)(k / per_year), index = (int)(k % per_year) + 1;
    if (trygg_period_make(p->kind, year, index, out) != TRYGG_OK)
        *out = *p; /* outside 1971..9998: stays */
}

void trygg_period_last_complete(trygg_period_kind kind, int64_t now, trygg_period *out)
{
    int y, m;
    trygg_utc_to_local(now, &y, &m, NULL, NULL, NULL, NULL);
    int index = kind == TRYGG_PERIOD_QUARTER ? (m - 1) / 3 + 1
                : kind == TRYGG_PERIOD_HALF  ? (m - 1) / 6 + 1
                                             : 0;
    trygg_period cur;
    if (trygg_period_make(kind, y, index, &cur) != TRYGG_OK) {
        memset(out, 0, sizeof *out);
        return;
    }
    trygg_period_shift(&cur, -1, out);
}

void trygg_period_format(const trygg_period *p, char *out, size_t cap)
{
    if (p->kind == TRYGG_PERIOD_YEAR)
        snprintf(out, cap, "%04d", p->year);
    else
        snprintf(out, cap, "%04d-%c%d", p->year, p->kind == TRYGG_PERIOD_QUARTER ? 'Q' : 'H',
                 p->index);
}

/* ---- Building ------------------------------------------------------------------- */

void trygg_period_free(trygg_period_report *r)
{
    if (!r)
        return;
    trygg_report_free(r->shadow);
    free(r);
}

/* The row of `key` in t, added when new; the last row pools the rest. */
static trygg_period_rowc *row_of(trygg_period_table *t, const char *key)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].key, key) == 0)
            return &t->rows[i];
    if (t->n < TRYGG_PERIOD_KEYS) {
        trygg_period_rowc *r = &t->rows[t->n++];
        TRYGG_COPY_TRUNC(r->key, key); /* keys are ids: cut only if absurd */
        return r;
    }
    if (t->n == TRYGG_PERIOD_KEYS)
        TRYGG_COPY_FIT(t->rows[t->n++].key, TRYGG_REPORT_OTHER);
    return &t->rows[TRYGG_PERIOD_KEYS];
}

typedef struct place_acc {
    char label[TRYGG_NAME_MAX * 2 + 4];
    int64_t n;
} place_acc;

typedef struct build_ctx {
    trygg_period_report *r;
    int col;     /* the column of bucket 0 (the previous period) or of every bucket */
    int monthly; /* 1: buckets 1.. are the period's months */
    place_acc *places;
    size_t nplaces, cap;
    trygg_err err;
} build_ctx;

static void add_place(build_ctx *b, const char *area, const char *place, int64_t n)
{
    if (b->nplaces == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 1024;
        place_acc *p = realloc(b->places, ncap * sizeof *p);
        if (!p) {
            b->err = TRYGG_ERR_NOMEM;
            return;
        }
        b->places = p;
        b->cap = ncap;
    }
    place_acc *a = &b->places[b->nplaces++];
    snprintf(a->label, sizeof a->label, "%s: %s", area, place);
    a->n = n;
}

static void add(trygg_period_rowc *row, int col, int month, int64_t n)
{
    if (col >= 0)
        row->col[col] += n;
    if (month >= 0)
        row->month[month] += n;
}

static int on_row(void *ctx, const trygg_period_row *x)
{
    build_ctx *b = ctx;
    trygg_period_report *r = b->r;
    int month = b->monthly && x->bucket > 0 ? x->bucket - 1 : -1;
    int col = b->monthly && x->bucket > 0 ? TRYGG_PCOL_CUR : b->col;
    if (x->source == TRYGG_PERIOD_ITEMS) {
        char kind[TRYGG_NAME_MAX + 1];
        snprintf(kind, sizeof kind, "%.*s", (int)strcspn(x->key, "/"), x->key);
        r->total[col] += x->n;
        if (month >= 0)
            r->total_month[month] += x->n;
        add(row_of(&r->dim[TRYGG_PDIM_AREA_ITEMS], x->area), col, month, x->n);
        add(row_of(&r->dim[TRYGG_PDIM_KIND], kind), col, month, x->n);
        add(row_of(&r->dim[TRYGG_PDIM_CATEGORY], x->key), col, month, x->n);
        if (col == TRYGG_PCOL_CUR && x->place[0])
            add_place(b, x->area, x->place, x->n);
    } else if (x->source == TRYGG_PERIOD_EVENTS) {
        r->events[col] += x->n;
        if (month >= 0)
            r->events_month[month] += x->n;
        add(row_of(&r->dim[TRYGG_PDIM_AREA_EVENTS], x->area), col, month, x->n);
        add(row_of(&r->dim[TRYGG_PDIM_EVENT], x->key), col, month, x->n);
    } else {
        r->police[col] += x->n;
        if (month >= 0)
            r->police_month[month] += x->n;
        add(row_of(&r->dim[TRYGG_PDIM_AREA_POLICE], x->area), col, month, x->n);
        add(row_of(&r->dim[TRYGG_PDIM_POLICE], x->key[0] ? x->key : "?"), col, month, x->n);
        const trygg_geo *g = r->shadow->geo;
        for (int i = 0; col == TRYGG_PCOL_CUR && x->place[0] && g && i < g->nplaces; i++)
            if (strcmp(g->places[i].area, x->area) == 0 &&
                strcmp(g->places[i].label, x->place) == 0)
                r->shadow->police_place_n[i] += x->n;
    }
    return b->err != TRYGG_OK;
}

static int cmp_place_label(const void *a, const void *b)
{
    return strcmp(((const place_acc *)a)->label, ((const place_acc *)b)->label);
}

static int cmp_place_n(const void *a, const void *b)
{
    const place_acc *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->label, y->label);
}

/* The places of the period: merged by label, the top ones, and the map's
 * count of each registered place (its area and label). */
static void places_done(build_ctx *b)
{
    trygg_period_report *r = b->r;
    size_t n = 0;
    if (b->nplaces) {
        qsort(b->places, b->nplaces, sizeof *b->places, cmp_place_label);
        for (size_t i = 0; i < b->nplaces; i++) {
            if (n && strcmp(b->places[n - 1].label, b->places[i].label) == 0)
                b->places[n - 1].n += b->places[i].n;
            else
                b->places[n++] = b->places[i];
        }
    }
    const trygg_geo *g = r->shadow->geo;
    for (int i = 0; g && i < g->nplaces; i++) {
        char label[sizeof b->places[0].label];
        snprintf(label, sizeof label, "%s: %s", g->places[i].area, g->places[i].label);
        for (size_t k = 0; k < n; k++)
            if (strcmp(b->places[k].label, label) == 0)
                r->shadow->place_n[i] = b->places[k].n;
    }
    if (n)
        qsort(b->places, n, sizeof *b->places, cmp_place_n);
    for (size_t i = 0; i < n && r->ntop < TRYGG_PERIOD_TOP; i++) {
        TRYGG_COPY_FIT(r->top[r->ntop].label, b->places[i].label);
        r->top[r->ntop++].n = b->places[i].n;
    }
}

static int cmp_cat(const void *a, const void *b)
{
    const trygg_period_rowc *x = a, *y = b;
    trygg_kind kx = TRYGG_KIND_COUNT, ky = TRYGG_KIND_COUNT;
    char k1[TRYGG_NAME_MAX + 1], k2[TRYGG_NAME_MAX + 1];
    snprintf(k1, sizeof k1, "%.*s", (int)strcspn(x->key, "/"), x->key);
    snprintf(k2, sizeof k2, "%.*s", (int)strcspn(y->key, "/"), y->key);
    if (trygg_kind_parse(k1, &kx) != TRYGG_OK)
        kx = TRYGG_KIND_COUNT;
    if (trygg_kind_parse(k2, &ky) != TRYGG_OK)
        ky = TRYGG_KIND_COUNT;
    if (kx != ky)
        return kx < ky ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Fixed rows first, so a table's rows never depend on which counts are 0. */
static void fixed_rows(trygg_period_report *r, const trygg_report_areas *areas)
{
    for (int i = 0; areas && i < areas->n; i++)
        for (int d = TRYGG_PDIM_AREA_ITEMS; d <= TRYGG_PDIM_AREA_POLICE; d++)
            (void)row_of(&r->dim[d], areas->a[i].id);
    for (int k = 0; k < TRYGG_KIND_COUNT; k++)
        (void)row_of(&r->dim[TRYGG_PDIM_KIND], trygg_kind_name((trygg_kind)k));
    for (int k = 0; k < TRYGG_EVENT_TYPE_COUNT; k++)
        (void)row_of(&r->dim[TRYGG_PDIM_EVENT], trygg_event_type_name((trygg_event_type)k));
}

/* The shadow week report: labels, groups, the map and its area counts. */
static trygg_err shadow_init(trygg_period_report *r, const trygg_report_areas *areas)
{
    trygg_report *s = calloc(1, sizeof *s);
    if (!s)
        return TRYGG_ERR_NOMEM;
    r->shadow = s;
    s->close_median_s = -1;
    if (!areas)
        return TRYGG_OK;
    s->areas = *areas;
    s->areas.geo = NULL;
    s->areas.own_geo = NULL;
    if (areas->geo && (s->geo = trygg_geo_dup(areas->geo)) == NULL)
        return TRYGG_ERR_NOMEM;
    s->areas.geo = s->geo;
    return TRYGG_OK;
}

static void shadow_areas(trygg_period_report *r)
{
    const trygg_period_table *t = &r->dim[TRYGG_PDIM_AREA_ITEMS];
    trygg_report_table *a = &r->shadow->dim[TRYGG_DIM_AREA];
    a->n = t->n;
    for (int i = 0; i < t->n; i++) {
        TRYGG_COPY_FIT(a->rows[i].key, t->rows[i].key);
        a->rows[i].n[TRYGG_REPORT_CUR] = t->rows[i].col[TRYGG_PCOL_CUR];
        a->rows[i].n[TRYGG_REPORT_CUR - 1] = t->rows[i].col[TRYGG_PCOL_PREV];
    }
}

static void local_day(int64_t t, char *out, size_t cap)
{
    int y, m, d;
    trygg_utc_to_local(t, &y, &m, &d, NULL, NULL, NULL);
    snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
}

/* The measures whose time overlaps the period, with their areas and, when
 * they have registered places and have started, their before/after. */
static trygg_err measures(trygg_store *st, trygg_period_report *r, int64_t now)
{
    trygg_measure *all = calloc(TRYGG_PERIOD_MEASURES, sizeof *all);
    if (!all)
        return TRYGG_ERR_NOMEM;
    int n = 0;
    trygg_err err = trygg_store_measure_list(st, all, TRYGG_PERIOD_MEASURES, &n);
    char first[16], last[16], today[16];
    local_day(r->period.start, first, sizeof first);
    local_day(r->period.end - 1, last, sizeof last);
    local_day(now, today, sizeof today);
    const trygg_geo *g = r->shadow->geo;
    for (int i = 0; !err && i < n; i++) {
        const trygg_measure *m = &all[i];
        if (strcmp(m->start_day, last) > 0 || (m->end_day[0] && strcmp(m->end_day, first) < 0))
            continue;
        trygg_period_measure *pm = &r->measures[r->nmeasures++];
        pm->m = *m;
        trygg_effect_query q;
        memset(&q, 0, sizeof q);
        for (int k = 0; k < m->nplaces; k++)
            for (int j = 0; g && j < g->nplaces; j++) {
                if (strcmp(g->places[j].id, m->places[k]) != 0)
                    continue;
                TRYGG_COPY_FIT(q.places[q.nplaces].area, g->places[j].area);
                TRYGG_COPY_FIT(q.places[q.nplaces++].label, g->places[j].label);
                int seen = 0;
                for (int a = 0; a < pm->nareas; a++)
                    seen |= strcmp(pm->areas[a], g->places[j].area) == 0;
                if (!seen && pm->nareas < TRYGG_MEASURE_LINKS)
                    TRYGG_COPY_FIT(pm->areas[pm->nareas++], g->places[j].area);
            }
        if (q.nplaces == 0 || strcmp(m->start_day, today) > 0)
            continue;
        memcpy(q.cats, m->cats, sizeof q.cats);
        q.ncats = m->ncats;
        q.types = m->types;
        TRYGG_COPY_FIT(q.start_day, m->start_day);
        q.weeks = r->effect_weeks;
        err = trygg_store_measure_effect(st, &q, now, &pm->effect);
        pm->has_effect = err == TRYGG_OK;
    }
    free(all);
    return err;
}

static trygg_err counts(trygg_store *st, trygg_period_report *r)
{
    build_ctx b = {.r = r, .col = TRYGG_PCOL_PREV, .monthly = 1};
    int64_t edges[TRYGG_PERIOD_MONTHS + 2];
    edges[0] = r->cols[TRYGG_PCOL_PREV].start;
    for (int i = 0; i <= r->period.nmonths; i++)
        edges[i + 1] = r->period.month[i];
    trygg_err err = trygg_store_period_counts(st, edges, r->period.nmonths + 2, 1, on_row, &b);
    if (!err)
        err = b.err;
    if (!err && r->ncols == 3 && r->has_year_ago) {
        build_ctx y = {.r = r, .col = TRYGG_PCOL_YEAR};
        int64_t e2[2] = {r->cols[TRYGG_PCOL_YEAR].start, r->cols[TRYGG_PCOL_YEAR].end};
        err = trygg_store_period_counts(st, e2, 2, 0, on_row, &y);
        if (!err)
            err = y.err;
    }
    if (!err)
        places_done(&b);
    free(b.places);
    return err;
}

trygg_err trygg_period_build(trygg_store *st, const trygg_period *p,
                             const trygg_report_areas *areas, int effect_weeks, int64_t now,
                             trygg_period_report **out)
{
    if (!st || !p || !out || effect_weeks < 1 || effect_weeks > 52)
        return TRYGG_ERR_INVALID;
    *out = NULL;
    if (p->start > now)
        return TRYGG_ERR_INVALID; /* no picture of the future */
    trygg_period_report *r = calloc(1, sizeof *r);
    if (!r)
        return TRYGG_ERR_NOMEM;
    trygg_err err = shadow_init(r, areas);
    r->period = *p;
    r->generated = now;
    r->running = p->end > now;
    r->effect_weeks = effect_weeks;
    r->cols[TRYGG_PCOL_CUR] = *p;
    trygg_period_shift(p, -1, &r->cols[TRYGG_PCOL_PREV]);
    r->ncols = p->kind == TRYGG_PERIOD_YEAR ? 2 : 3;
    if (trygg_period_make(p->kind, p->year - 1, p->index, &r->cols[TRYGG_PCOL_YEAR]) != TRYGG_OK)
        r->cols[TRYGG_PCOL_YEAR] = r->cols[TRYGG_PCOL_PREV];
    int64_t first = 0;
    if (!err)
        err = trygg_store_first_item(st, &first);
    int ya = r->ncols == 3 ? TRYGG_PCOL_YEAR : TRYGG_PCOL_PREV;
    r->has_year_ago = first > 0 && first < r->cols[ya].end;
    if (!err) {
        fixed_rows(r, areas);
        err = counts(st, r);
    }
    if (!err)
        err = measures(st, r, now);
    if (err) {
        trygg_period_free(r);
        return err;
    }
    trygg_period_table *c = &r->dim[TRYGG_PDIM_CATEGORY];
    qsort(c->rows, (size_t)c->n, sizeof c->rows[0], cmp_cat);
    shadow_areas(r);
    r->shadow->generated = now;
    *out = r;
    return TRYGG_OK;
}

/* ---- Suppression ---------------------------------------------------------------- */

/* One column of table d: primary and complementary rule (the column's total
 * is known), within the kinds for the categories. */
static void suppress_col(const trygg_period_report *r, int d, int col, int T, trygg_cell *out)
{
    const trygg_period_table *t = &r->dim[d];
    int64_t v[TRYGG_PERIOD_KEYS + 1];
    int kind_of[TRYGG_PERIOD_KEYS + 1];
    for (int i = 0; i < t->n; i++)
        v[i] = t->rows[i].col[col];
    if (d != TRYGG_PDIM_CATEGORY) {
        trygg_suppress(v, t->n, T, out);
        return;
    }
    const trygg_period_table *kt = &r->dim[TRYGG_PDIM_KIND];
    for (int i = 0; i < t->n; i++) {
        size_t kl = strcspn(t->rows[i].key, "/");
        kind_of[i] = -1;
        for (int k = 0; k < kt->n; k++)
            if (strlen(kt->rows[k].key) == kl && strncmp(kt->rows[k].key, t->rows[i].key, kl) == 0)
                kind_of[i] = k;
    }
    const int *parts[1] = {kind_of};
    trygg_suppress_parts(v, t->n, parts, 1, T, out);
}

/* Categories are nested in their kind: hidden wherever the kind is. */
static void nest_categories(const trygg_period_report *r, trygg_period_cells *c)
{
    const trygg_period_table *t = &r->dim[TRYGG_PDIM_CATEGORY], *kt = &r->dim[TRYGG_PDIM_KIND];
    for (int col = 0; col < TRYGG_PERIOD_COLS; col++)
        for (int i = 0; i < t->n; i++) {
            size_t kl = strcspn(t->rows[i].key, "/");
            for (int k = 0; k < kt->n; k++)
                if (strlen(kt->rows[k].key) == kl &&
                    strncmp(kt->rows[k].key, t->rows[i].key, kl) == 0 &&
                    c->dim[TRYGG_PDIM_KIND][col][k] != TRYGG_CELL_SHOWN &&
                    c->dim[TRYGG_PDIM_CATEGORY][col][i] == TRYGG_CELL_SHOWN)
                    c->dim[TRYGG_PDIM_CATEGORY][col][i] = TRYGG_CELL_WITHHELD;
        }
}

/* A rows x months grid of table d (row and column totals known). */
static void suppress_months(const trygg_period_report *r, int d, int T,
                            trygg_cell (*out)[TRYGG_PERIOD_MONTHS])
{
    const trygg_period_table *t = &r->dim[d];
    int nm = r->period.nmonths, n = t->n;
    int64_t *v = calloc((size_t)(n * nm) + 1, sizeof *v);
    trygg_cell *s = calloc((size_t)(n * nm) + 1, sizeof *s);
    if (!v || !s) { /* out of memory: nothing shown */
        for (int i = 0; i < n; i++)
            for (int m = 0; m < nm; m++)
                out[i][m] = TRYGG_CELL_WITHHELD;
        free(v);
        free(s);
        return;
    }
    for (int i = 0; i < n; i++)
        for (int m = 0; m < nm; m++)
            v[i * nm + m] = t->rows[i].month[m];
    trygg_suppress_grid(v, n, nm, T, s);
    for (int i = 0; i < n; i++)
        for (int m = 0; m < nm; m++)
            out[i][m] = s[i * nm + m];
    free(v);
    free(s);
}

void trygg_period_suppress(const trygg_period_report *r, int threshold, trygg_period_cells *c)
{
    int T = threshold > 0 ? threshold : TRYGG_SUPPRESS_DEFAULT;
    memset(c, 0, sizeof *c);
    c->threshold = T;
    for (int col = 0; col < TRYGG_PERIOD_COLS; col++) {
        /* a total is one cell: only the primary rule */
        c->total[col] = r->total[col] < T ? TRYGG_CELL_SMALL : TRYGG_CELL_SHOWN;
        c->events[col] = r->events[col] < T ? TRYGG_CELL_SMALL : TRYGG_CELL_SHOWN;
        for (int d = 0; d < TRYGG_PDIM_COUNT; d++)
            suppress_col(r, d, col, T, c->dim[d][col]);
    }
    nest_categories(r, c);
    trygg_suppress(r->total_month, r->period.nmonths, T, c->total_month);
    trygg_suppress(r->events_month, r->period.nmonths, T, c->events_month);
    suppress_months(r, TRYGG_PDIM_KIND, T, c->kind_month);
    suppress_months(r, TRYGG_PDIM_EVENT, T, c->event_month);
    for (int i = 0; i < r->nmeasures; i++) {
        const trygg_effect *e = &r->measures[i].effect;
        const int64_t v[4] = {e->items_before, e->items_after, e->events_before, e->events_after};
        for (int k = 0; k < 4; k++) /* like the published åtgärdsplan: the primary rule */
            c->effect[i][k] = v[k] < T ? TRYGG_CELL_SMALL : TRYGG_CELL_SHOWN;
    }
}
