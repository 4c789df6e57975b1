/*
 * store_report_common.c — the engine-neutral half of building the weekly
 * situation picture, shared by both store backends (store_report_common.h).
 */
#include "store_report_common.h"
#include "trygg/copy.h"
#include "trygg/police_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void trygg_report_free(trygg_report *r)
{
    if (r)
        trygg_geo_destroy(r->geo);
    free(r);
}

int64_t trygg_report_hist_sum(const int64_t *n)
{
    int64_t s = 0;
    for (int i = 0; i < TRYGG_REPORT_HIST; i++)
        s += n[i];
    return s;
}

/* ---- Key tables: a small open-addressing hash over a report table -------- */

#define HSLOTS 512

typedef struct keymap {
    trygg_report_table *t;
    short slot[HSLOTS]; /* row index + 1, 0 = empty */
    int other;          /* row index of "(other)" or -1 */
} keymap;

static uint32_t hash_str(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void keymap_init(keymap *m, trygg_report_table *t)
{
    memset(m->slot, 0, sizeof m->slot);
    m->t = t;
    m->other = -1;
}

/* Row of `key` (n bytes), added if new; full tables pool in "(other)". */
static int keymap_row(keymap *m, const char *key, size_t n)
{
    if (n > sizeof m->t->rows[0].key - 1)
        n = sizeof m->t->rows[0].key - 1;
    uint32_t h = hash_str(key, n) % HSLOTS;
    for (int probe = 0; probe < HSLOTS; probe++, h = (h + 1) % HSLOTS) {
        int r = m->slot[h] - 1;
        if (r < 0)
            break;
        const char *k = m->t->rows[r].key;
        if (strncmp(k, key, n) == 0 && k[n] == '\0')
            return r;
    }
    if (m->t->n >= TRYGG_REPORT_KEYS) {
        if (m->other < 0) {
            m->other = m->t->n++;
            memset(&m->t->rows[m->other], 0, sizeof m->t->rows[0]);
            TRYGG_COPY_FIT(m->t->rows[m->other].key, TRYGG_REPORT_OTHER);
        }
        return m->other;
    }
    int r = m->t->n++;
    memset(&m->t->rows[r], 0, sizeof m->t->rows[0]);
    memcpy(m->t->rows[r].key, key, n);
    m->t->rows[r].key[n] = '\0';
    m->slot[h] = (short)(r + 1);
    return r;
}

static int keymap_row_s(keymap *m, const char *key)
{
    return keymap_row(m, key, strlen(key));
}

/* ---- Build ------------------------------------------------------------------ */

typedef struct place_acc {
    char label[sizeof(((trygg_report_place *)0)->label)];
    int64_t n;
    int64_t heat[7][TRYGG_REPORT_BANDS];
} place_acc;

#define PLACE_MAX 512

struct trygg_rb {
    keymap maps[TRYGG_DIM_COUNT];
    const trygg_report_areas *areas;
    int64_t *close_s;
    size_t nclose, capclose;
    place_acc *places;
    int nplaces;
};

/* The map's place counts: a registered place is the item place text equal
 * to its label within its area, the same "area: place" key as the top list,
 * so the published map can show exactly what the top list shows. */
static void place_counts(trygg_report *r, const trygg_rb *b)
{
    for (int i = 0; r->geo && i < r->geo->nplaces; i++) {
        const trygg_place *p = &r->geo->places[i];
        char label[sizeof b->places[0].label];
        snprintf(label, sizeof label, "%s: %s", p->area, p->label);
        for (int j = 0; j < b->nplaces; j++)
            if (strcmp(b->places[j].label, label) == 0)
                r->place_n[i] = b->places[j].n;
    }
}

static const char *area_group(const trygg_report_areas *areas, const char *area, size_t n)
{
    if (areas)
        for (int i = 0; i < areas->n; i++)
            if (strncmp(areas->a[i].id, area, n) == 0 && areas->a[i].id[n] == '\0')
                return areas->a[i].group[0] ? areas->a[i].group : TRYGG_REPORT_OTHER;
    return TRYGG_REPORT_OTHER;
}

static int week_index(const trygg_report *r, int64_t t)
{
    int lo = 0, hi = TRYGG_REPORT_NWEEKS - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (r->weeks[mid].start <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_place(const void *a, const void *b)
{
    const place_acc *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->label, y->label);
}

static void add_place(trygg_rb *b, const char *area, const char *place, int wd, int band)
{
    char label[sizeof b->places[0].label];
    if (place[0])
        snprintf(label, sizeof label, "%s: %s", area[0] ? area : "-", place);
    else
        TRYGG_COPY_TRUNC(label, area[0] ? area : "-"); /* a label, cut like "area: place" */
    for (int i = 0; i < b->nplaces; i++)
        if (strcmp(b->places[i].label, label) == 0) {
            b->places[i].n++;
            b->places[i].heat[wd][band]++;
            return;
        }
    if (b->nplaces >= PLACE_MAX)
        return; /* the long tail cannot reach the top ten anyway */
    TRYGG_COPY_FIT(b->places[b->nplaces].label, label);
    b->places[b->nplaces].heat[wd][band] = 1;
    b->places[b->nplaces++].n = 1;
}

/* Category rows in kind order, then by category id. */
static int cmp_cat_row(const void *a, const void *b)
{
    const trygg_report_row *x = a, *y = b;
    char kx[TRYGG_NAME_MAX + 1], ky[TRYGG_NAME_MAX + 1];
    snprintf(kx, sizeof kx, "%.*s", (int)strcspn(x->key, "/"), x->key);
    snprintf(ky, sizeof ky, "%.*s", (int)strcspn(y->key, "/"), y->key);
    trygg_kind a_k = TRYGG_KIND_COUNT, b_k = TRYGG_KIND_COUNT;
    /* A category key whose prefix is no kind sorts after every kind. */
    if (trygg_kind_parse(kx, &a_k) != TRYGG_OK)
        a_k = TRYGG_KIND_COUNT;
    if (trygg_kind_parse(ky, &b_k) != TRYGG_OK)
        b_k = TRYGG_KIND_COUNT;
    if (a_k != b_k)
        return a_k < b_k ? -1 : 1;
    return strcmp(x->key, y->key);
}

static void count(keymap *m, int w, const char *key, size_t n)
{
    m->t->rows[keymap_row(m, key, n)].n[w]++;
}

trygg_err trygg_rb_item_add(trygg_rb *b, trygg_report *r, const trygg_rb_item *it)
{
    int64_t t = it->created;
    int w = week_index(r, t);
    const trygg_rb_text *kind = &it->kind, *c = &it->category, *area = &it->area;
    char cat[2 * TRYGG_NAME_MAX + 2];
    r->total[w]++;
    count(&b->maps[TRYGG_DIM_KIND], w, kind->s, kind->n);
    if (kind->n + 1 + c->n < sizeof cat) {
        memcpy(cat, kind->s, kind->n);
        cat[kind->n] = '/';
        memcpy(cat + kind->n + 1, c->s, c->n);
        count(&b->maps[TRYGG_DIM_CATEGORY], w, cat, kind->n + 1 + c->n);
    }
    count(&b->maps[TRYGG_DIM_AREA], w, area->s, area->n);
    const char *group = area_group(b->areas, area->s, area->n);
    count(&b->maps[TRYGG_DIM_GROUP], w, group, strlen(group));
    count(&b->maps[TRYGG_DIM_CHANNEL], w, it->channel.s, it->channel.n);
    count(&b->maps[TRYGG_DIM_SOURCE], w, it->source.s, it->source.n);
    if (w != TRYGG_REPORT_CUR)
        return TRYGG_OK;
    int h, wd;
    trygg_utc_to_local(t, NULL, NULL, NULL, &h, NULL, &wd);
    int band = h / (24 / TRYGG_REPORT_BANDS);
    r->heat[wd][band]++;
    if (it->status.n == 6 && memcmp(it->status.s, "closed", 6) == 0) {
        r->closed++;
        if (it->has_close && it->close_at >= t) {
            if (b->nclose == b->capclose) {
                size_t ncap = b->capclose ? b->capclose * 2 : 256;
                int64_t *p = realloc(b->close_s, ncap * sizeof *p);
                if (!p)
                    return TRYGG_ERR_NOMEM;
                b->close_s = p;
                b->capclose = ncap;
            }
            b->close_s[b->nclose++] = it->close_at - t;
        }
    } else {
        r->open++;
    }
    char a[TRYGG_NAME_MAX + 1], pl[TRYGG_NAME_MAX + 1];
    snprintf(a, sizeof a, "%.*s", (int)(area->n < sizeof a ? area->n : sizeof a - 1), area->s);
    snprintf(pl, sizeof pl, "%.*s", (int)(it->place.n < sizeof pl ? it->place.n : sizeof pl - 1),
             it->place.s);
    add_place(b, a, pl, wd, band);
    if (it->urgent)
        r->urgent++;
    return TRYGG_OK;
}

void trygg_rb_cached(trygg_rb *b, trygg_report *r, int w, int dim, trygg_rb_text key, int64_t n)
{
    (void)r;
    if (dim < 0 || dim >= TRYGG_DIM_COUNT || dim == TRYGG_DIM_GROUP)
        return;
    b->maps[dim].t->rows[keymap_row(&b->maps[dim], key.s, key.n)].n[w] += n;
    if (dim == TRYGG_DIM_AREA)
        b->maps[TRYGG_DIM_GROUP]
            .t->rows[keymap_row_s(&b->maps[TRYGG_DIM_GROUP], area_group(b->areas, key.s, key.n))]
            .n[w] += n;
}

void trygg_rb_week_done(trygg_rb *b, trygg_report *r)
{
    if (b->nclose) {
        qsort(b->close_s, b->nclose, sizeof *b->close_s, cmp_i64);
        size_t m = b->nclose / 2;
        r->close_median_s = b->nclose % 2 ? b->close_s[m] : (b->close_s[m - 1] + b->close_s[m]) / 2;
    }
    qsort(b->places, (size_t)b->nplaces, sizeof *b->places, cmp_place);
    place_counts(r, b);
    for (int i = 0; i < b->nplaces && r->ntop < TRYGG_REPORT_TOP; i++) {
        TRYGG_COPY_FIT(r->top[r->ntop].label, b->places[i].label);
        memcpy(r->top[r->ntop].heat, b->places[i].heat, sizeof r->top[0].heat);
        r->top[r->ntop++].n = b->places[i].n;
    }
}

/* The partner events of the report's 13 weeks by type, through
 * trygg_store_event_totals (every type a row, so the table never depends on
 * which counts are 0). An event has a local day: a week is Monday..Sunday. */
trygg_err trygg_rb_events(trygg_store *st, trygg_report *r)
{
    trygg_report_table *t = &r->dim[TRYGG_DIM_EVENT];
    memset(t, 0, sizeof *t);
    for (int k = 0; k < TRYGG_EVENT_TYPE_COUNT; k++)
        if (!TRYGG_COPY(t->rows[k].key, trygg_event_type_name((trygg_event_type)k)))
            return TRYGG_ERR_INVALID; /* a type name is a short fixed word */
    t->n = TRYGG_EVENT_TYPE_COUNT;
    for (int w = 0; w < TRYGG_REPORT_NWEEKS; w++) {
        int y1, m1, d1, y2, m2, d2;
        trygg_utc_to_local(r->weeks[w].start, &y1, &m1, &d1, NULL, NULL, NULL);
        trygg_utc_to_local(r->weeks[w].end - 1, &y2, &m2, &d2, NULL, NULL, NULL);
        char from[16], to[16];
        snprintf(from, sizeof from, "%04d-%02d-%02d", y1, m1, d1);
        snprintf(to, sizeof to, "%04d-%02d-%02d", y2, m2, d2);
        int counts[TRYGG_EVENT_TYPE_COUNT];
        trygg_err err = trygg_store_event_totals(st, from, to, counts);
        if (err)
            return err;
        for (int k = 0; k < TRYGG_EVENT_TYPE_COUNT; k++)
            t->rows[k].n[w] = counts[k];
    }
    return TRYGG_OK;
}

static void rb_free(trygg_rb *b)
{
    if (!b)
        return;
    free(b->close_s);
    free(b->places);
    free(b);
}

trygg_err trygg_rb_begin(const trygg_week *w, const trygg_report_areas *areas, int64_t now,
                         trygg_report **out, trygg_rb **bout)
{
    *out = NULL;
    *bout = NULL;
    if (w->start > now)
        return TRYGG_ERR_INVALID; /* a week that has not begun has no picture */
    trygg_report *r = calloc(1, sizeof *r);
    trygg_rb *b = calloc(1, sizeof *b);
    if (b)
        b->places = calloc(PLACE_MAX, sizeof *b->places);
    if (!r || !b || !b->places) {
        free(r);
        rb_free(b);
        return TRYGG_ERR_NOMEM;
    }
    b->areas = areas;
    r->week = *w;
    r->generated = now;
    r->running = w->end > now;
    r->close_median_s = -1;
    if (areas) {
        r->areas = *areas;
        r->areas.geo = NULL;
        r->areas.own_geo = NULL;
        if (areas->geo && (r->geo = trygg_geo_dup(areas->geo)) == NULL) {
            free(r);
            rb_free(b);
            return TRYGG_ERR_NOMEM;
        }
        r->areas.geo = r->geo;
    }
    for (int i = 0; i < TRYGG_REPORT_NWEEKS; i++)
        trygg_week_shift(w, i - TRYGG_REPORT_CUR, &r->weeks[i]);
    for (int d = 0; d < TRYGG_DIM_COUNT; d++)
        keymap_init(&b->maps[d], &r->dim[d]);
    /* Fixed rows first, so a table's rows never depend on which counts are 0. */
    for (int k = 0; k < TRYGG_KIND_COUNT; k++)
        keymap_row_s(&b->maps[TRYGG_DIM_KIND], trygg_kind_name((trygg_kind)k));
    for (int c = 0; c < TRYGG_CHANNEL_COUNT; c++)
        keymap_row_s(&b->maps[TRYGG_DIM_CHANNEL], trygg_channel_name((trygg_channel)c));
    if (areas)
        for (int i = 0; i < areas->n; i++) {
            keymap_row_s(&b->maps[TRYGG_DIM_AREA], areas->a[i].id);
            if (areas->a[i].group[0])
                keymap_row_s(&b->maps[TRYGG_DIM_GROUP], areas->a[i].group);
        }
    *out = r;
    *bout = b;
    return TRYGG_OK;
}

trygg_err trygg_rb_end(trygg_rb *b, trygg_report **r, trygg_err err)
{
    trygg_report_table *cats = &(*r)->dim[TRYGG_DIM_CATEGORY];
    qsort(cats->rows, (size_t)cats->n, sizeof cats->rows[0], cmp_cat_row);
    rb_free(b);
    if (err) {
        trygg_report_free(*r);
        *r = NULL;
    }
    return err;
}

void trygg_rb_gaps_begin(trygg_rb_gaps *g, int64_t from, int64_t to)
{
    g->cursor = from;
    g->to = to;
    g->offline = 0;
    g->longest = 0;
}

int trygg_rb_gaps_add(trygg_rb_gaps *g, int64_t first, int64_t last)
{
    int64_t a = first, e = last + TRYGG_RB_GRACE;
    if (a > g->cursor) {
        int64_t gap = (a < g->to ? a : g->to) - g->cursor;
        g->offline += gap;
        if (gap > g->longest)
            g->longest = gap;
    }
    if (e > g->cursor)
        g->cursor = e;
    return g->cursor >= g->to;
}

void trygg_rb_gaps_end(trygg_rb_gaps *g)
{
    if (g->cursor < g->to) {
        g->offline += g->to - g->cursor;
        if (g->to - g->cursor > g->longest)
            g->longest = g->to - g->cursor;
    }
}

void trygg_rb_client(const trygg_report *r, const char *prefix, trygg_report_kiosk *k, char *comp,
                     size_t cap, int64_t *from)
{
    const trygg_report_table *src = &r->dim[TRYGG_DIM_SOURCE];
    for (int i = 0; i < src->n; i++)
        if (strcmp(src->rows[i].key, k->id) == 0)
            k->items = src->rows[i].n[TRYGG_REPORT_CUR];
    snprintf(comp, cap, "%s%s", prefix, k->id);
    *from = r->week.start;
    k->history = r->history_since && r->history_since <= *from;
    if (r->history_since > *from)
        *from = r->history_since;
}

void trygg_rb_local_day(int64_t t, char out[16])
{
    int y, m, d;
    trygg_utc_to_local(t, &y, &m, &d, NULL, NULL, NULL);
    snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

void trygg_rb_week_days(const trygg_report *r, char from[16], char to[16])
{
    trygg_rb_local_day(r->week.start, from);
    trygg_rb_local_day(r->week.end - 1, to);
}

void trygg_rb_police_place(trygg_report *r, const char *area, const char *label)
{
    if (!label[0])
        return; /* not placed: never at a place, never at the centre */
    for (int i = 0; r->geo && i < r->geo->nplaces; i++) {
        const trygg_place *p = &r->geo->places[i];
        if (strcmp(p->area, area) == 0 && strcmp(p->label, label) == 0)
            r->police_place_n[i]++;
    }
}

void trygg_rb_event_place(trygg_report *r, const char *area, const char *place, int64_t n)
{
    for (int i = 0; r->geo && i < r->geo->nplaces; i++) {
        const trygg_place *p = &r->geo->places[i];
        if (strcmp(p->area, area) == 0 && strcmp(p->label, place) == 0)
            r->event_place_n[i] += n;
    }
}

int trygg_rb_local_midnight(int64_t t)
{
    int y, m, d;
    trygg_utc_to_local(t, &y, &m, &d, NULL, NULL, NULL);
    return trygg_time_from_local(y, m, d, 0, 0, 0) == t;
}

int64_t trygg_rb_piece_end(int64_t from, int64_t to)
{
    trygg_week w;
    trygg_week_containing(from, &w);
    return w.end < to ? w.end : to;
}

int trygg_rb_piece_cacheable(int64_t from, int64_t to)
{
    return trygg_rb_local_midnight(from) && trygg_rb_local_midnight(to);
}

trygg_rb_piece *trygg_rb_pieces(const int64_t *edges, int nedges, int *n)
{
    size_t cap = 0;
    *n = 0;
    for (int b = 0; b + 1 < nedges; b++)
        cap += (size_t)((edges[b + 1] - edges[b]) / (7 * 86400)) + 2;
    trygg_rb_piece *p = calloc(cap ? cap : 1, sizeof *p);
    if (!p)
        return NULL;
    for (int b = 0; b + 1 < nedges; b++) {
        if (!trygg_rb_piece_cacheable(edges[b], edges[b + 1]))
            continue;
        for (int64_t t = edges[b], e; t < edges[b + 1] && (size_t)*n < cap; t = e) {
            e = trygg_rb_piece_end(t, edges[b + 1]);
            p[(*n)++] = (trygg_rb_piece){.start = t, .end = e, .bucket = b};
        }
    }
    return p;
}

int trygg_rb_piece_find(const trygg_rb_piece *p, int n, int64_t start, int64_t end)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (p[mid].start == start)
            return p[mid].end == end ? mid : -1;
        if (p[mid].start < start)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

int trygg_rb_edges_ok(const int64_t *edges, int nedges)
{
    if (!edges || nedges < 2 || nedges > TRYGG_PERIOD_EDGES_MAX)
        return 0;
    for (int i = 1; i < nedges; i++)
        if (edges[i] <= edges[i - 1])
            return 0;
    return 1;
}

trygg_err trygg_rb_uncached_counts(trygg_store *st, trygg_rb_period_query query,
                                   const int64_t *edges, int nedges, const trygg_rb_piece *p, int n,
                                   int places, trygg_period_cb cb, void *ctx, int *stop)
{
    trygg_err err = TRYGG_OK;
    for (int b = 0; !err && !*stop && b + 1 < nedges; b++)
        for (int src = 0; !err && !*stop && src <= TRYGG_PERIOD_EVENTS; src++)
            if (!p || !trygg_rb_piece_cacheable(edges[b], edges[b + 1]))
                err = query(st, (trygg_period_source)src, b, edges[b], edges[b + 1], places, cb,
                            ctx, stop);
    for (int i = 0; !err && !*stop && i < n; i++)
        for (int src = 0; !err && !*stop && !p[i].hit && src <= TRYGG_PERIOD_EVENTS; src++)
            err = query(st, (trygg_period_source)src, p[i].bucket, p[i].start, p[i].end, places, cb,
                        ctx, stop);
    for (int b = 0; !err && !*stop && b + 1 < nedges; b++)
        err = query(st, TRYGG_PERIOD_POLICE, b, edges[b], edges[b + 1], places, cb, ctx, stop);
    return err;
}
