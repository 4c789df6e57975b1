/*
 * test_period_cache.c — the quarter and the year built the fast way (the
 * per-week piece cache of schema v22, trygg_store_period_counts) equal a
 * straightforward count of what was stored: items over two years by local
 * month, area, kind, category and place (duplicates and spam left out) and
 * partner events by month, area and type. Checked on the first build (which
 * fills the cache), on a second (which reads it), and after items and
 * events in cached weeks were added, re-classified, closed as spam, edited
 * and deleted (the triggers must drop exactly those pieces). Runs on both
 * backends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_fixture.h"
#include "trygg/report_period.h"
#include "trygg/time.h"

#define NITEMS  500
#define NEVENTS 90
#define MAXI    (NITEMS + 8)
#define MAXE    (NEVENTS + 8)

static const char *const areas[] = {"centrum", "gota", "lodose"};
static const char *const places[] = {"", "", "Torget", "Resecentrum"};
static const char *const cats[2][2] = {{"lighting", "drugs"}, {"graffiti", "pothole"}};
static const trygg_kind kinds[2] = {TRYGG_KIND_CONCERN, TRYGG_KIND_FAULT};

typedef struct truth_item {
    int64_t id, created;
    int kind, cat, area, place, counted;
} truth_item;

typedef struct truth_event {
    int64_t id;
    int y, m, type, area, count, deleted;
} truth_event;

typedef struct cfix {
    char dir[256], path[300], pgdb[64];
    trygg_store *st;
    truth_item it[MAXI];
    int nit;
    truth_event ev[MAXE];
    int nev;
    uint32_t rng;
} cfix;

static uint32_t rnd(cfix *f)
{
    f->rng = f->rng * 1103515245u + 12345u;
    return (f->rng >> 8) & 0xffffff;
}

static int setup(void **state)
{
    cfix *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "%s/trygg-pcache-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(fx_db_make(f->dir, f->path, sizeof f->path, f->pgdb), 0);
    assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_OK);
    f->rng = 4711;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    cfix *f = *state;
    trygg_store_close(f->st);
    fx_db_drop_name(f->pgdb);
    fx_rmdir(f->dir);
    free(f);
    return 0;
}

static void add_item(cfix *f, int64_t created, int kind, int cat, int area, int place)
{
    trygg_item it, out;
    int was_new = 0;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "pc-%06d", f->nit);
    it.kind = kinds[kind];
    it.channel = TRYGG_CHANNEL_KIOSK;
    snprintf(it.category, sizeof it.category, "%s", cats[kind][cat]);
    snprintf(it.area, sizeof it.area, "%s", areas[area]);
    snprintf(it.place, sizeof it.place, "%s", places[place]);
    snprintf(it.text, sizeof it.text, "generated");
    it.created = created;
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &was_new), TRYGG_OK);
    assert_true(f->nit < MAXI);
    f->it[f->nit++] = (truth_item){out.id, created, kind, cat, area, place, 1};
}

static void add_event(cfix *f, int y, int m, int d, int type, int area, int count)
{
    trygg_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = (trygg_event_type)type;
    snprintf(ev.day, sizeof ev.day, "%04d-%02d-%02d", y, m, d);
    snprintf(ev.band, sizeof ev.band, "evening");
    snprintf(ev.area, sizeof ev.area, "%s", areas[area]);
    ev.count = count;
    snprintf(ev.org, sizeof ev.org, "housing");
    snprintf(ev.reporter, sizeof ev.reporter, "hanna");
    int64_t id;
    assert_int_equal(trygg_store_event_add(f->st, &ev, &id), TRYGG_OK);
    assert_true(f->nev < MAXE);
    f->ev[f->nev++] = (truth_event){id, y, m, type, area, count, 0};
}

/* Items over 2025 and 2026 at random local times; events on random days. */
static void fill(cfix *f)
{
    int64_t from = trygg_time_from_local(2025, 1, 1, 0, 0, 0);
    int64_t to = trygg_time_from_local(2027, 1, 1, 0, 0, 0);
    for (int i = 0; i < NITEMS; i++) {
        int64_t t = from + (int64_t)rnd(f) * ((to - from) / 0xffffff);
        add_item(f, t, (int)(rnd(f) % 2), (int)(rnd(f) % 2), (int)(rnd(f) % 3), (int)(rnd(f) % 4));
    }
    /* Edges: the first and last second of a month and of a year. */
    add_item(f, trygg_time_from_local(2026, 3, 1, 0, 0, 0), 0, 0, 0, 2);
    add_item(f, trygg_time_from_local(2026, 3, 1, 0, 0, 0) - 1, 1, 1, 1, 2);
    add_item(f, trygg_time_from_local(2026, 1, 1, 0, 0, 0), 0, 1, 2, 3);
    for (int i = 0; i < NEVENTS; i++)
        add_event(f, 2025 + (int)(rnd(f) % 2), 1 + (int)(rnd(f) % 12), 1 + (int)(rnd(f) % 28),
                  (int)(rnd(f) % TRYGG_EVENT_TYPE_COUNT), (int)(rnd(f) % 3), 1 + (int)(rnd(f) % 4));
    for (int i = 0; i < 10; i++) { /* spam and duplicates are not counted */
        truth_item *t = &f->it[i * 37 + 1];
        assert_int_equal(trygg_store_set_status(f->st, t->id, "sara", TRYGG_STATUS_CLOSED,
                                                i % 2 ? TRYGG_CLOSE_SPAM : TRYGG_CLOSE_DUPLICATE,
                                                i % 2 ? 0 : f->it[0].id),
                         TRYGG_OK);
        t->counted = 0;
    }
}

static int find(const trygg_period_table *t, const char *key)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].key, key) == 0)
            return i;
    return -1;
}

/* Column of a local (year, month) in period p: CUR, PREV, YEAR or -1, and
 * its month index within CUR. */
static int col_of(const trygg_period_report *r, int y, int m, int *month)
{
    int64_t t = trygg_time_from_local(y, m, 1, 12, 0, 0);
    *month = -1;
    for (int c = 0; c < r->ncols; c++)
        if (t >= r->cols[c].start && t < r->cols[c].end) {
            if (c == TRYGG_PCOL_CUR)
                *month = m - r->period.month0;
            return c;
        }
    return -1;
}

typedef struct expect {
    int64_t total[TRYGG_PERIOD_COLS], month[TRYGG_PERIOD_MONTHS];
    int64_t area[3][TRYGG_PERIOD_COLS], area_month[3][TRYGG_PERIOD_MONTHS];
    int64_t cat[2][2][TRYGG_PERIOD_COLS], kind_month[2][TRYGG_PERIOD_MONTHS];
    int64_t place[3][4];
    int64_t events[TRYGG_PERIOD_COLS], events_month[TRYGG_PERIOD_MONTHS];
    int64_t ev_area[3][TRYGG_PERIOD_COLS], ev_type[TRYGG_EVENT_TYPE_COUNT][TRYGG_PERIOD_COLS];
} expect;

static void count_truth(const cfix *f, const trygg_period_report *r, expect *e)
{
    memset(e, 0, sizeof *e);
    for (int i = 0; i < f->nit; i++) {
        const truth_item *t = &f->it[i];
        int y, m, mi;
        trygg_utc_to_local(t->created, &y, &m, NULL, NULL, NULL, NULL);
        int c = col_of(r, y, m, &mi);
        if (!t->counted || c < 0)
            continue;
        e->total[c]++;
        e->area[t->area][c]++;
        e->cat[t->kind][t->cat][c]++;
        if (c == TRYGG_PCOL_CUR) {
            e->month[mi]++;
            e->area_month[t->area][mi]++;
            e->kind_month[t->kind][mi]++;
            e->place[t->area][t->place]++;
        }
    }
    for (int i = 0; i < f->nev; i++) {
        const truth_event *v = &f->ev[i];
        int mi, c = col_of(r, v->y, v->m, &mi);
        if (v->deleted || c < 0)
            continue;
        e->events[c] += v->count;
        e->ev_area[v->area][c] += v->count;
        e->ev_type[v->type][c] += v->count;
        if (c == TRYGG_PCOL_CUR)
            e->events_month[mi] += v->count;
    }
}

static void check_places(const trygg_period_report *r, const expect *e)
{
    int labels = 0;
    for (int a = 0; a < 3; a++)
        for (int p = 2; p < 4; p++) /* places[0..1] are "": no place */
            if (e->place[a][p] > 0) {
                labels++;
                char label[96];
                snprintf(label, sizeof label, "%s: %s", areas[a], places[p]);
                int found = 0;
                for (int i = 0; i < r->ntop; i++)
                    if (strcmp(r->top[i].label, label) == 0) {
                        assert_int_equal(r->top[i].n, e->place[a][p]);
                        found = 1;
                    }
                assert_true(found || r->ntop == TRYGG_PERIOD_TOP);
            }
    assert_int_equal(r->ntop, labels < TRYGG_PERIOD_TOP ? labels : TRYGG_PERIOD_TOP);
}

static void check(const cfix *f, const char *period, int64_t now)
{
    trygg_period p;
    assert_int_equal(trygg_period_parse(period, &p), TRYGG_OK);
    trygg_period_report *r = NULL;
    assert_int_equal(trygg_period_build(f->st, &p, NULL, 8, now, &r), TRYGG_OK);
    expect e;
    count_truth(f, r, &e);
    for (int c = 0; c < r->ncols; c++) {
        assert_int_equal(r->total[c], e.total[c]);
        assert_int_equal(r->events[c], e.events[c]);
        for (int a = 0; a < 3; a++) {
            const trygg_period_table *t = &r->dim[TRYGG_PDIM_AREA_ITEMS];
            int row = find(t, areas[a]);
            assert_int_equal(row >= 0 ? t->rows[row].col[c] : 0, e.area[a][c]);
            t = &r->dim[TRYGG_PDIM_AREA_EVENTS];
            row = find(t, areas[a]);
            assert_int_equal(row >= 0 ? t->rows[row].col[c] : 0, e.ev_area[a][c]);
        }
        for (int k = 0; k < 2; k++)
            for (int g = 0; g < 2; g++) {
                char key[64];
                snprintf(key, sizeof key, "%s/%s", trygg_kind_name(kinds[k]), cats[k][g]);
                int row = find(&r->dim[TRYGG_PDIM_CATEGORY], key);
                assert_int_equal(row >= 0 ? r->dim[TRYGG_PDIM_CATEGORY].rows[row].col[c] : 0,
                                 e.cat[k][g][c]);
            }
        for (int k = 0; k < TRYGG_EVENT_TYPE_COUNT; k++) {
            int row = find(&r->dim[TRYGG_PDIM_EVENT], trygg_event_type_name((trygg_event_type)k));
            assert_true(row >= 0);
            assert_int_equal(r->dim[TRYGG_PDIM_EVENT].rows[row].col[c], e.ev_type[k][c]);
        }
    }
    for (int m = 0; m < r->period.nmonths; m++) {
        assert_int_equal(r->total_month[m], e.month[m]);
        assert_int_equal(r->events_month[m], e.events_month[m]);
        for (int a = 0; a < 3; a++) {
            const trygg_period_table *t = &r->dim[TRYGG_PDIM_AREA_ITEMS];
            int row = find(t, areas[a]);
            assert_int_equal(row >= 0 ? t->rows[row].month[m] : 0, e.area_month[a][m]);
        }
        for (int k = 0; k < 2; k++) {
            int row = find(&r->dim[TRYGG_PDIM_KIND], trygg_kind_name(kinds[k]));
            assert_true(row >= 0);
            assert_int_equal(r->dim[TRYGG_PDIM_KIND].rows[row].month[m], e.kind_month[k][m]);
        }
    }
    check_places(r, &e);
    trygg_period_free(r);
}

static void check_all(const cfix *f, int64_t now)
{
    static const char *const periods[] = {"2026", "2026-H1", "2026-Q1", "2026-Q3", "2025-Q4"};
    for (size_t i = 0; i < sizeof periods / sizeof periods[0]; i++)
        check(f, periods[i], now);
}

static void test_cache_equals_count(void **state)
{
    cfix *f = *state;
    fill(f);
    int64_t now = trygg_time_from_local(2027, 2, 1, 0, 0, 0);
    check_all(f, now); /* fills the cache */
    check_all(f, now); /* reads it */

    /* Changes in weeks that are cached now: each must drop its piece. */
    add_item(f, trygg_time_from_local(2026, 3, 11, 14, 0, 0), 0, 1, 1, 3);
    truth_item *t = &f->it[5];
    assert_int_equal(
        trygg_store_set_status(f->st, t->id, "sara", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_SPAM, 0),
        TRYGG_OK);
    t->counted = 0;
    truth_event *v = &f->ev[3];
    assert_int_equal(trygg_store_event_delete(f->st, v->id, NULL), TRYGG_OK);
    v->deleted = 1;
    v = &f->ev[4];
    trygg_event ev;
    assert_int_equal(trygg_store_event_get(f->st, v->id, NULL, &ev), TRYGG_OK);
    ev.count = v->count = 9;
    assert_int_equal(trygg_store_event_update(f->st, &ev, NULL), TRYGG_OK);
    add_event(f, 2026, 5, 20, TRYGG_EVENT_FIRE, 2, 3);
    check_all(f, now);
    /* A running period: the current month's pieces change as items come. */
    int64_t mid = trygg_time_from_local(2026, 8, 15, 12, 0, 0);
    check(f, "2026-Q3", mid);
    add_item(f, mid - 3600, 1, 0, 0, 2);
    check(f, "2026-Q3", mid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cache_equals_count, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
