/*
 * report_suppress.c — small-count suppression: the one decision of what a
 * reader outside the security department may see of a count.
 *
 * Primary: a count below the threshold is "<T" (zero included, so a "<3"
 * never says whether anyone is there). Complementary: a table's total is
 * usually known (the week's total is printed; other tables partition the
 * same total), so total minus the shown cells equals the sum of the hidden
 * ones. If that sum is a small non-zero number, one more cell — the smallest
 * shown one — is withheld ("x"), until the hidden sum is 0 or at least the
 * threshold. Tables with sub-totals (categories within a kind, areas within
 * a group, weeks x kinds) apply the same rule to every sub-total's cells
 * and repeat until nothing changes.
 */
#include "trygg/copy.h"
#include "trygg/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_small(int64_t v, int threshold)
{
    return v < 0 || (threshold > 1 && v < threshold);
}

/* Applies the complementary rule to the cells i with part[i] == g (part
 * NULL = every cell): the hidden cells must sum to 0 or to at least the
 * threshold, and must not be one single non-zero cell (which "total minus
 * the shown cells" would give exactly — with sub-totals a withheld cell
 * can be alone in one group and then betray a small one in another).
 * Returns 1 if a cell was withheld. */
static int protect_group(const int64_t *counts, int n, const int *part, int g, int threshold,
                         trygg_cell *state)
{
    int changed = 0;
    for (;;) {
        int64_t hidden = 0;
        int pick = -1, npos = 0;
        for (int i = 0; i < n; i++) {
            if (part && part[i] != g)
                continue;
            if (state[i] != TRYGG_CELL_SHOWN) {
                if (counts[i] > 0) {
                    hidden += counts[i];
                    npos++;
                }
            } else if (pick < 0 || counts[i] < counts[pick]) {
                pick = i;
            }
        }
        if (hidden <= 0 || (hidden >= threshold && npos != 1) || pick < 0)
            return changed;
        state[pick] = TRYGG_CELL_WITHHELD;
        changed = 1;
    }
}

/* The complementary rule over every group of every partition, from the
 * states already in state[] (more cells may only get hidden), until
 * nothing changes. */
static void settle(const int64_t *counts, int n, const int *const *parts, int nparts, int threshold,
                   trygg_cell *state)
{
    if (threshold <= 1)
        return;
    int changed = 1;
    while (changed) {
        changed = 0;
        if (nparts == 0)
            changed |= protect_group(counts, n, NULL, 0, threshold, state);
        for (int p = 0; p < nparts; p++)
            for (int i = 0; i < n; i++) {
                /* each group once: at its first cell */
                int g = parts[p][i], first = 1;
                if (g < 0)
                    continue;
                for (int j = 0; j < i && first; j++)
                    if (parts[p][j] == g)
                        first = 0;
                if (first)
                    changed |= protect_group(counts, n, parts[p], g, threshold, state);
            }
    }
}

void trygg_suppress_parts(const int64_t *counts, int n, const int *const *parts, int nparts,
                          int threshold, trygg_cell *state)
{
    for (int i = 0; i < n; i++)
        state[i] = is_small(counts[i], threshold) ? TRYGG_CELL_SMALL : TRYGG_CELL_SHOWN;
    settle(counts, n, parts, nparts, threshold, state);
}

void trygg_suppress(const int64_t *counts, int n, int threshold, trygg_cell *state)
{
    trygg_suppress_parts(counts, n, NULL, 0, threshold, state);
}

void trygg_suppress_grid(const int64_t *counts, int rows, int cols, int threshold,
                         trygg_cell *state)
{
    int n = rows * cols;
    int *byrow = malloc(sizeof(int) * (size_t)(n ? n : 1));
    int *bycol = malloc(sizeof(int) * (size_t)(n ? n : 1));
    if (!byrow || !bycol) {
        /* Fail safe: hide everything. */
        for (int i = 0; i < n; i++)
            state[i] = is_small(counts[i], threshold) ? TRYGG_CELL_SMALL : TRYGG_CELL_WITHHELD;
        free(byrow);
        free(bycol);
        return;
    }
    for (int i = 0; i < n; i++) {
        byrow[i] = i / cols;
        bycol[i] = i % cols;
    }
    const int *parts[2] = {byrow, bycol};
    trygg_suppress_parts(counts, n, parts, 2, threshold, state);
    free(byrow);
    free(bycol);
}

void trygg_suppress_text(int64_t count, trygg_cell state, int threshold, char *out, size_t cap)
{
    if (!cap)
        return;
    if (state == TRYGG_CELL_SMALL)
        snprintf(out, cap, "<%d", threshold);
    else if (state == TRYGG_CELL_WITHHELD)
        snprintf(out, cap, "x");
    else
        snprintf(out, cap, "%lld", (long long)count);
}

trygg_cell trygg_suppress_diff(trygg_cell a, trygg_cell b)
{
    return (a == TRYGG_CELL_SHOWN && b == TRYGG_CELL_SHOWN) ? TRYGG_CELL_SHOWN
                                                            : TRYGG_CELL_WITHHELD;
}

trygg_cell trygg_suppress_avg(int64_t sum, int threshold)
{
    return is_small(sum, threshold) ? TRYGG_CELL_WITHHELD : TRYGG_CELL_SHOWN;
}

/* ---- One whole report ------------------------------------------------------------ */

#define NK   (TRYGG_REPORT_KEYS + 1)
#define NW   TRYGG_REPORT_NWEEKS
#define CUR  TRYGG_REPORT_CUR
#define HIST (-1) /* column "sum of the 12 history weeks" */

static int find_row(const trygg_report_table *t, const char *key)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].key, key) == 0)
            return i;
    return -1;
}

static const char *group_of(const trygg_report *r, const char *area)
{
    for (int i = 0; i < r->areas.n; i++)
        if (strcmp(r->areas.a[i].id, area) == 0)
            return r->areas.a[i].group[0] ? r->areas.a[i].group : TRYGG_REPORT_OTHER;
    return TRYGG_REPORT_OTHER;
}

/* A cell inside a hidden cell is hidden too: parent[i] indexes pstate
 * (-1 = inside nothing hidden, < -1 = inside something unknown: hidden). */
static void hide_under(const int *parent, const trygg_cell *pstate, int n, trygg_cell *state)
{
    for (int i = 0; i < n; i++) {
        int hidden = parent[i] < -1 || (parent[i] >= 0 && pstate[parent[i]] != TRYGG_CELL_SHOWN);
        if (hidden && state[i] == TRYGG_CELL_SHOWN)
            state[i] = TRYGG_CELL_WITHHELD;
    }
}

/* Column w (or HIST) of table t: the complementary rule within the groups
 * of part (NULL = one group, the known total), then hidden under parent. */
static void column(const trygg_report_table *t, int w, const int *part, const int *parent,
                   const trygg_cell *pstate, int T, trygg_cell *state)
{
    int64_t v[NK];
    for (int i = 0; i < t->n; i++)
        v[i] = w == HIST ? trygg_report_hist_sum(t->rows[i].n) : t->rows[i].n[w];
    const int *parts[1] = {part};
    trygg_suppress_parts(v, t->n, parts, part ? 1 : 0, T, state);
    if (parent)
        hide_under(parent, pstate, t->n, state);
}

/* Area id of a top-place label ("area: place", "area", "-" = no area). */
static void place_area(const char *label, char *out, size_t cap)
{
    trygg_copy_trunc(out, cap, label);
    char *colon = strstr(out, ": ");
    if (colon)
        *colon = '\0';
    if (strcmp(out, "-") == 0)
        out[0] = '\0';
}

/* Suppression state of the week totals and of the 12-week average. */
static void suppress_totals(const trygg_report *r, int T, trygg_report_cells *c)
{
    c->threshold = T;
    for (int w = 0; w < NW; w++)
        c->total[w] = trygg_suppress_avg(r->total[w], T) == TRYGG_CELL_SHOWN ? TRYGG_CELL_SHOWN
                                                                             : TRYGG_CELL_SMALL;
    c->total_avg = trygg_suppress_avg(trygg_report_hist_sum(r->total), T);
}

static void suppress_kinds(const trygg_report *r, int T, trygg_report_cells *c)
{
    /* Kinds: the 12-week sums first (they sum to the total's), then the
     * kinds x weeks grid of the trend, which also gives the kind table's
     * report week and previous week. */
    const trygg_report_table *kt = &r->dim[TRYGG_DIM_KIND];
    column(kt, HIST, NULL, NULL, NULL, T, c->dim[TRYGG_DIM_KIND].avg);
    if (c->total_avg != TRYGG_CELL_SHOWN) {
        for (int i = 0; i < kt->n; i++)
            if (c->dim[TRYGG_DIM_KIND].avg[i] == TRYGG_CELL_SHOWN)
                c->dim[TRYGG_DIM_KIND].avg[i] = TRYGG_CELL_WITHHELD;
    }
    /* The grid has one more column: each kind's 12-week sum (its average).
     * A kind's row (its 12 history weeks and that sum) is one group, so a
     * shown average protects the hidden weeks like a total, and a hidden
     * average is never the sum of shown weeks. */
#define GW (NW + 1)
    int64_t grid[TRYGG_KIND_COUNT * GW];
    trygg_cell gs[TRYGG_KIND_COUNT * GW];
    int bycol[TRYGG_KIND_COUNT * GW], byrow[TRYGG_KIND_COUNT * GW];
    for (int k = 0; k < TRYGG_KIND_COUNT; k++) {
        int row = find_row(kt, trygg_kind_name((trygg_kind)k));
        c->kind_row[k] = row;
        for (int w = 0; w < GW; w++) {
            int i = k * GW + w;
            if (w == NW)
                grid[i] = row >= 0 ? trygg_report_hist_sum(kt->rows[row].n) : 0;
            else
                grid[i] = row >= 0 ? kt->rows[row].n[w] : 0;
            /* Each week's kinds sum to that week's total (printed in that
             * week's report); the report week is in no row total. */
            bycol[i] = w;
            byrow[i] = w == CUR ? -1 : k;
            if (w == NW)
                gs[i] = row >= 0 ? c->dim[TRYGG_DIM_KIND].avg[row] : TRYGG_CELL_SMALL;
            else if (is_small(grid[i], T))
                gs[i] = TRYGG_CELL_SMALL;
            else
                gs[i] = c->total[w] == TRYGG_CELL_SHOWN ? TRYGG_CELL_SHOWN : TRYGG_CELL_WITHHELD;
        }
    }
    const int *tparts[2] = {bycol, byrow};
    settle(grid, TRYGG_KIND_COUNT * GW, tparts, 2, T, gs);
    for (int k = 0; k < TRYGG_KIND_COUNT; k++) {
        memcpy(&c->trend[k * NW], &gs[k * GW], sizeof(trygg_cell) * NW);
        if (c->kind_row[k] >= 0)
            c->dim[TRYGG_DIM_KIND].avg[c->kind_row[k]] = gs[k * GW + NW];
    }
#undef GW
    /* rows that are no kind (an unknown key) keep their own table's decision */
    column(kt, CUR, NULL, NULL, NULL, T, c->dim[TRYGG_DIM_KIND].cur);
    column(kt, CUR - 1, NULL, NULL, NULL, T, c->dim[TRYGG_DIM_KIND].prev);
    for (int k = 0; k < TRYGG_KIND_COUNT; k++) {
        int row = c->kind_row[k];
        if (row < 0)
            continue;
        c->dim[TRYGG_DIM_KIND].cur[row] = c->trend[k * NW + CUR];
        c->dim[TRYGG_DIM_KIND].prev[row] = c->trend[k * NW + CUR - 1];
    }
}

static void suppress_nested_dims(const trygg_report *r, int T, trygg_report_cells *c)
{
    /* Tables that partition the week's total, and the tables nested in
     * them: groups before areas, kinds (above) before categories. */
    static const int order[] = {TRYGG_DIM_GROUP, TRYGG_DIM_CHANNEL, TRYGG_DIM_SOURCE,
                                TRYGG_DIM_CATEGORY, TRYGG_DIM_AREA};
    for (size_t oi = 0; oi < sizeof order / sizeof order[0]; oi++) {
        int d = order[oi];
        const trygg_report_table *t = &r->dim[d];
        int part[NK], parent[NK];
        trygg_report_dimcells *pc = NULL;
        if (d == TRYGG_DIM_CATEGORY || d == TRYGG_DIM_AREA) {
            /* sub-totals known: categories within their kind, areas within their group */
            int pd = d == TRYGG_DIM_CATEGORY ? TRYGG_DIM_KIND : TRYGG_DIM_GROUP;
            const trygg_report_table *g = &r->dim[pd];
            pc = &c->dim[pd];
            for (int i = 0; i < t->n; i++) {
                char key[sizeof t->rows[0].key];
                TRYGG_COPY_FIT(key, t->rows[i].key);
                if (d == TRYGG_DIM_CATEGORY) {
                    char *slash = strchr(key, '/');
                    if (slash)
                        *slash = '\0';
                    part[i] = find_row(g, key);
                } else {
                    part[i] = find_row(g, group_of(r, key));
                }
                parent[i] = part[i] >= 0 ? part[i] : -2;
                if (part[i] < 0)
                    part[i] = NK; /* one group for the unknown */
            }
        } else {
            /* inside the week's total (as one parent) */
            for (int i = 0; i < t->n; i++) {
                part[i] = 0;
                parent[i] = 0;
            }
        }
        trygg_cell tc[1], tp[1], ta[1];
        tc[0] = c->total[CUR];
        tp[0] = c->total[CUR - 1];
        ta[0] = c->total_avg;
        column(t, CUR, part, parent, pc ? pc->cur : tc, T, c->dim[d].cur);
        column(t, CUR - 1, part, parent, pc ? pc->prev : tp, T, c->dim[d].prev);
        column(t, HIST, part, parent, pc ? pc->avg : ta, T, c->dim[d].avg);
    }
}

/* The heat map, open/closed, the median and urgent/other: each a table of
 * the week's total, hidden when that total is. */
static void suppress_week_tables(const trygg_report *r, int T, trygg_report_cells *c)
{
    trygg_suppress_grid(&r->heat[0][0], 7, TRYGG_REPORT_BANDS, T, c->heat);
    int64_t st[2] = {r->open, r->closed};
    trygg_suppress(st, 2, T, c->status);
    c->median =
        c->status[1] == TRYGG_CELL_SHOWN ? trygg_suppress_avg(r->closed, T) : TRYGG_CELL_WITHHELD;
    if (r->close_median_s < 0)
        c->median = TRYGG_CELL_WITHHELD;
    int64_t ur[2] = {r->urgent, r->total[CUR] - r->urgent};
    trygg_suppress(ur, 2, T, c->urgent);
    if (c->total[CUR] != TRYGG_CELL_SHOWN) {
        for (int i = 0; i < 7 * TRYGG_REPORT_BANDS; i++)
            if (c->heat[i] == TRYGG_CELL_SHOWN)
                c->heat[i] = TRYGG_CELL_WITHHELD;
        for (int i = 0; i < 2; i++) {
            if (c->status[i] == TRYGG_CELL_SHOWN)
                c->status[i] = TRYGG_CELL_WITHHELD;
            if (c->urgent[i] == TRYGG_CELL_SHOWN)
                c->urgent[i] = TRYGG_CELL_WITHHELD;
        }
    }
}

static void suppress_top_places(const trygg_report *r, int T, trygg_report_cells *c)
{
    /* Most-reported places: each place lies in an area, so the places of
     * one area, with "the rest of that area", are a table whose total (the
     * area's count) is known when the area is shown; all places with the
     * rest of the week are a table of the week's total. A place in a hidden
     * area is hidden: its count would bound the area, and "group total
     * minus the place" would give the area's small neighbour. */
    const trygg_report_table *at = &r->dim[TRYGG_DIM_AREA];
    int np = r->ntop < TRYGG_REPORT_TOP ? r->ntop : TRYGG_REPORT_TOP;
    int64_t pv[TRYGG_REPORT_TOP + NK + 1];
    int byarea[TRYGG_REPORT_TOP + NK + 1], all[TRYGG_REPORT_TOP + NK + 1];
    int parea[TRYGG_REPORT_TOP + NK + 1];
    trygg_cell ps[TRYGG_REPORT_TOP + NK + 1];
    int n = 0;
    for (int i = 0; i < np; i++) {
        char a[sizeof r->top[0].label];
        place_area(r->top[i].label, a, sizeof a);
        int row = find_row(at, a);
        pv[n] = r->top[i].n;
        byarea[n] = row >= 0 ? row : NK;
        parea[n] = row >= 0 ? row : -2;
        all[n++] = 0;
    }
    int64_t in_areas = 0;
    for (int row = 0; row < at->n; row++) {
        int64_t in = 0;
        int any = 0;
        for (int i = 0; i < np; i++)
            if (byarea[i] == row) {
                in += pv[i];
                any = 1;
            }
        if (!any)
            continue;
        int64_t rest = at->rows[row].n[CUR] - in;
        pv[n] = rest > 0 ? rest : 0;
        byarea[n] = row;
        parea[n] = row;
        all[n++] = 0;
        in_areas += in + pv[n - 1];
    }
    for (int i = 0; i < np; i++)
        if (byarea[i] == NK)
            in_areas += pv[i]; /* places of an area without a row */
    int64_t remaining = r->total[CUR] - in_areas;
    pv[n] = remaining > 0 ? remaining : 0;
    byarea[n] = -1;
    parea[n] = -1;
    all[n++] = 0;
    const int *pparts[2] = {byarea, all};
    trygg_suppress_parts(pv, n, pparts, 2, T, ps);
    hide_under(parea, c->dim[TRYGG_DIM_AREA].cur, n, ps);
    if (c->total[CUR] != TRYGG_CELL_SHOWN)
        for (int i = 0; i < n; i++)
            if (ps[i] == TRYGG_CELL_SHOWN)
                ps[i] = TRYGG_CELL_WITHHELD;
    for (int i = 0; i < np; i++)
        c->top[i] = ps[i];
    c->top[np] = ps[n - 1];
}

static void suppress_kiosks(const trygg_report *r, int T, trygg_report_cells *c)
{
    /* Items per kiosk: a table within the kiosk channel's count. */
    int64_t ks[TRYGG_REPORT_KIOSKS + 1];
    int kr = find_row(&r->dim[TRYGG_DIM_CHANNEL], "kiosk");
    int64_t krest = kr >= 0 ? r->dim[TRYGG_DIM_CHANNEL].rows[kr].n[CUR] : 0;
    int nk = r->nkiosks < TRYGG_REPORT_KIOSKS ? r->nkiosks : TRYGG_REPORT_KIOSKS;
    for (int i = 0; i < nk; i++) {
        ks[i] = r->kiosks[i].items;
        krest -= ks[i];
    }
    ks[nk] = krest > 0 ? krest : 0;
    trygg_suppress(ks, nk + 1, T, c->kiosk);
    if (kr < 0 || c->dim[TRYGG_DIM_CHANNEL].cur[kr] != TRYGG_CELL_SHOWN)
        for (int i = 0; i <= nk; i++)
            if (c->kiosk[i] == TRYGG_CELL_SHOWN)
                c->kiosk[i] = TRYGG_CELL_WITHHELD;
}

/* The partner events by type: a table of its own (its total is not the
 * items' total), under the same primary and complementary rule in each of
 * its columns — the report week, the week before and the 12-week sum. */
static void suppress_events(const trygg_report *r, int T, trygg_report_cells *c)
{
    const trygg_report_table *t = &r->dim[TRYGG_DIM_EVENT];
    trygg_report_dimcells *dc = &c->dim[TRYGG_DIM_EVENT];
    column(t, CUR, NULL, NULL, NULL, T, dc->cur);
    column(t, CUR - 1, NULL, NULL, NULL, T, dc->prev);
    column(t, HIST, NULL, NULL, NULL, T, dc->avg);
}

void trygg_report_suppress(const trygg_report *r, int threshold, trygg_report_cells *c)
{
    memset(c, 0, sizeof *c);
    int T = threshold > 0 ? threshold : TRYGG_SUPPRESS_DEFAULT;
    suppress_totals(r, T, c);
    suppress_kinds(r, T, c);
    suppress_nested_dims(r, T, c);
    suppress_week_tables(r, T, c);
    suppress_top_places(r, T, c);
    suppress_kiosks(r, T, c);
    suppress_events(r, T, c);
}

trygg_cell trygg_report_place_cell(const trygg_report *r, const trygg_report_cells *c, int i)
{
    if (!r->geo || i < 0 || i >= r->geo->nplaces)
        return TRYGG_CELL_WITHHELD;
    const trygg_place *p = &r->geo->places[i];
    char label[sizeof r->top[0].label];
    snprintf(label, sizeof label, "%s: %s", p->area, p->label);
    int np = r->ntop < TRYGG_REPORT_TOP ? r->ntop : TRYGG_REPORT_TOP;
    for (int j = 0; j < np; j++)
        if (strcmp(r->top[j].label, label) == 0 && r->top[j].n == r->place_n[i])
            return c->top[j];
    return TRYGG_CELL_WITHHELD;
}
