/*
 * test_report_week_cache.c — the week picture built the fast way (the 12
 * history weeks from the week cache, report_week_done/report_week_counts:
 * SQLite's v6, PostgreSQL's v24) equals a plain count of what was stored:
 * items by week and kind, "kind/category", area, channel and source
 * (duplicates and spam left out), partner events by week and type. Checked
 * on the first build (which fills the cache), on a second (which reads
 * it), and after edits in cached weeks: an item delivered late, moved to
 * another week, re-classified to another area, category and kind, closed
 * as spam and as a duplicate, reopened, redacted and purged (scrubbed);
 * partner events moved to another week, re-typed, re-counted and deleted.
 * A missing trigger or invalidation leaves a stale week and fails here.
 * Runs on both backends.
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
#include "trygg/report.h"
#include "trygg/time.h"

#define NITEMS  400
#define NEVENTS 60
#define MAXI    (NITEMS + 8)
#define MAXE    (NEVENTS + 8)

static const char *const areas[] = {"centrum", "gota", "lodose"};
static const char *const sources[] = {"bibl-1", "gota-1", "smsgw"};
static const trygg_channel channels[] = {TRYGG_CHANNEL_KIOSK, TRYGG_CHANNEL_KIOSK,
                                         TRYGG_CHANNEL_SMS};
static const char *const cats[2][2] = {{"lighting", "drugs"}, {"graffiti", "pothole"}};
static const trygg_kind kinds[2] = {TRYGG_KIND_CONCERN, TRYGG_KIND_FAULT};

typedef struct truth_item {
    int64_t id, created;
    int kind, cat, area, src, counted;
} truth_item;

typedef struct truth_event {
    int64_t id;
    int64_t at; /* local noon of its day */
    int type, deleted, count;
} truth_event;

typedef struct wfix {
    fixture *fx;     /* the temporary store (store_fixture.h) */
    trygg_store *st; /* fx->st */
    truth_item it[MAXI];
    int nit;
    truth_event ev[MAXE];
    int nev;
    uint32_t rng;
    int64_t from, to; /* the span items and events are spread over */
} wfix;

static uint32_t rnd(wfix *f)
{
    f->rng = f->rng * 1103515245u + 12345u;
    return (f->rng >> 8) & 0xffffff;
}

static int setup(void **state)
{
    void *fx = NULL;
    if (fx_setup(&fx) != 0)
        return -1;
    wfix *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->fx = fx;
    f->st = f->fx->st;
    f->rng = 1789;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    wfix *f = *state;
    void *fx = f->fx;
    free(f);
    return fx_teardown(&fx);
}

static void add_item(wfix *f, int64_t created, int kind, int cat, int area, int src)
{
    trygg_item it, out;
    int was_new = 0;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "wc-%06d", f->nit);
    it.kind = kinds[kind];
    it.channel = channels[src];
    snprintf(it.source, sizeof it.source, "%s", sources[src]);
    snprintf(it.category, sizeof it.category, "%s", cats[kind][cat]);
    snprintf(it.area, sizeof it.area, "%s", areas[area]);
    snprintf(it.place, sizeof it.place, "%s", src ? "Torget" : "");
    snprintf(it.text, sizeof it.text, "generated");
    it.created = created;
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &was_new), TRYGG_OK);
    assert_true(f->nit < MAXI);
    f->it[f->nit++] = (truth_item){out.id, created, kind, cat, area, src, 1};
}

static void day_of(int64_t t, char day[11])
{
    int y, m, d;
    trygg_utc_to_local(t, &y, &m, &d, NULL, NULL, NULL);
    snprintf(day, 11, "%04d-%02d-%02d", y, m, d);
}

static int64_t noon_of(int64_t t)
{
    int y, m, d;
    trygg_utc_to_local(t, &y, &m, &d, NULL, NULL, NULL);
    return trygg_time_from_local(y, m, d, 12, 0, 0);
}

static void add_event(wfix *f, int64_t at, int type, int count)
{
    trygg_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = (trygg_event_type)type;
    day_of(at, ev.day);
    snprintf(ev.band, sizeof ev.band, "evening");
    snprintf(ev.area, sizeof ev.area, "gota");
    snprintf(ev.place, sizeof ev.place, "Torget");
    ev.count = count;
    snprintf(ev.org, sizeof ev.org, "housing");
    snprintf(ev.reporter, sizeof ev.reporter, "hanna");
    int64_t id;
    assert_int_equal(trygg_store_event_add(f->st, &ev, &id), TRYGG_OK);
    assert_true(f->nev < MAXE);
    f->ev[f->nev++] = (truth_event){id, noon_of(at), type, 0, count};
}

/* Items over 2026-W28 .. W48 at random times, events on random days. */
static void fill(wfix *f)
{
    trygg_week a, b;
    assert_int_equal(trygg_week_parse("2026-W28", &a), TRYGG_OK);
    assert_int_equal(trygg_week_parse("2026-W48", &b), TRYGG_OK);
    f->from = a.start;
    f->to = b.end;
    for (int i = 0; i < NITEMS; i++) {
        int64_t t = f->from + (int64_t)rnd(f) * (f->to - f->from) / 0xffffff;
        add_item(f, t, (int)(rnd(f) % 2), (int)(rnd(f) % 2), (int)(rnd(f) % 3), (int)(rnd(f) % 3));
    }
    /* Edges: the first and the last second of a week. */
    trygg_week w45;
    assert_int_equal(trygg_week_parse("2026-W45", &w45), TRYGG_OK);
    add_item(f, w45.start, 0, 0, 0, 0);
    add_item(f, w45.end - 1, 1, 1, 1, 1);
    for (int i = 0; i < NEVENTS; i++)
        add_event(f, f->from + (int64_t)rnd(f) * (f->to - f->from) / 0xffffff,
                  (int)(rnd(f) % TRYGG_EVENT_TYPE_COUNT), 1 + (int)(rnd(f) % 4));
}

static int week_of(const trygg_report *r, int64_t t)
{
    for (int w = 0; w < TRYGG_REPORT_NWEEKS; w++)
        if (t >= r->weeks[w].start && t < r->weeks[w].end)
            return w;
    return -1;
}

static int64_t cell(const trygg_report *r, int dim, const char *key, int w)
{
    const trygg_report_table *t = &r->dim[dim];
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].key, key) == 0)
            return t->rows[i].n[w];
    return 0;
}

typedef struct expect {
    int64_t total[TRYGG_REPORT_NWEEKS], kind[2][TRYGG_REPORT_NWEEKS];
    int64_t cat[2][2][TRYGG_REPORT_NWEEKS], area[3][TRYGG_REPORT_NWEEKS];
    int64_t src[3][TRYGG_REPORT_NWEEKS], sms[TRYGG_REPORT_NWEEKS], kiosk[TRYGG_REPORT_NWEEKS];
    int64_t ev[TRYGG_EVENT_TYPE_COUNT][TRYGG_REPORT_NWEEKS];
} expect;

static void count_truth(const wfix *f, const trygg_report *r, expect *e)
{
    memset(e, 0, sizeof *e);
    for (int i = 0; i < f->nit; i++) {
        const truth_item *t = &f->it[i];
        int w = week_of(r, t->created);
        if (!t->counted || w < 0)
            continue;
        e->total[w]++;
        e->kind[t->kind][w]++;
        e->cat[t->kind][t->cat][w]++;
        e->area[t->area][w]++;
        e->src[t->src][w]++;
        if (channels[t->src] == TRYGG_CHANNEL_SMS)
            e->sms[w]++;
        else
            e->kiosk[w]++;
    }
    for (int i = 0; i < f->nev; i++) {
        const truth_event *v = &f->ev[i];
        int w = week_of(r, v->at);
        if (!v->deleted && w >= 0)
            e->ev[v->type][w] += v->count;
    }
}

/* The picture of `week` at `now` against the plain count, every week. */
static void check(const wfix *f, const char *week, int64_t now)
{
    trygg_week wk;
    assert_int_equal(trygg_week_parse(week, &wk), TRYGG_OK);
    trygg_report *r = NULL;
    assert_int_equal(trygg_report_build(f->st, &wk, NULL, now, &r), TRYGG_OK);
    expect e;
    count_truth(f, r, &e);
    for (int w = 0; w < TRYGG_REPORT_NWEEKS; w++) {
        assert_int_equal(r->total[w], e.total[w]);
        for (int k = 0; k < 2; k++) {
            assert_int_equal(cell(r, TRYGG_DIM_KIND, trygg_kind_name(kinds[k]), w), e.kind[k][w]);
            for (int c = 0; c < 2; c++) {
                char key[64];
                snprintf(key, sizeof key, "%s/%s", trygg_kind_name(kinds[k]), cats[k][c]);
                assert_int_equal(cell(r, TRYGG_DIM_CATEGORY, key, w), e.cat[k][c][w]);
            }
        }
        for (int a = 0; a < 3; a++) {
            assert_int_equal(cell(r, TRYGG_DIM_AREA, areas[a], w), e.area[a][w]);
            assert_int_equal(cell(r, TRYGG_DIM_SOURCE, sources[a], w), e.src[a][w]);
        }
        assert_int_equal(cell(r, TRYGG_DIM_CHANNEL, "sms", w), e.sms[w]);
        assert_int_equal(cell(r, TRYGG_DIM_CHANNEL, "kiosk", w), e.kiosk[w]);
        for (int k = 0; k < TRYGG_EVENT_TYPE_COUNT; k++)
            assert_int_equal(
                cell(r, TRYGG_DIM_EVENT, trygg_event_type_name((trygg_event_type)k), w),
                e.ev[k][w]);
    }
    trygg_report_free(r);
}

static int64_t week_start(const char *week)
{
    trygg_week w;
    assert_int_equal(trygg_week_parse(week, &w), TRYGG_OK);
    return w.start;
}

static int64_t week_end(const char *week)
{
    trygg_week w;
    assert_int_equal(trygg_week_parse(week, &w), TRYGG_OK);
    return w.end;
}

/* The first item (from index i on) that lies in `week`. */
static truth_item *item_in(wfix *f, const char *week, int i)
{
    int64_t s = week_start(week), e = week_end(week);
    for (; i < f->nit; i++)
        if (f->it[i].counted && f->it[i].created >= s && f->it[i].created < e)
            return &f->it[i];
    fail_msg("no item in %s", week);
    return NULL;
}

static truth_event *event_in(wfix *f, const char *week)
{
    int64_t s = week_start(week), e = week_end(week);
    for (int i = 0; i < f->nev; i++)
        if (!f->ev[i].deleted && f->ev[i].at >= s && f->ev[i].at < e)
            return &f->ev[i];
    fail_msg("no event in %s", week);
    return NULL;
}

/* Items: late delivery, move, re-classification, spam, duplicate, reopen,
 * scrubbing. */
static void edit_items(wfix *f)
{
    add_item(f, week_start("2026-W40") + 3 * 86400 + 7200, 1, 0, 2, 2); /* late kiosk */
    truth_item *t = item_in(f, "2026-W41", 0);                          /* W41 -> W44 */
    t->created = week_start("2026-W44") + 86400 + 600;
    assert_int_equal(trygg_store_test_item_times(f->st, t->id, t->created, 0), TRYGG_OK);
    t = item_in(f, "2026-W42", 0); /* another area, kind and category */
    t->kind = !t->kind;
    t->cat = !t->cat;
    t->area = (t->area + 1) % 3;
    assert_int_equal(trygg_store_update(f->st, t->id, "sara", cats[t->kind][t->cat], areas[t->area],
                                        (int)kinds[t->kind]),
                     TRYGG_OK);
    t = item_in(f, "2026-W43", 0); /* spam */
    assert_int_equal(
        trygg_store_set_status(f->st, t->id, "sara", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_SPAM, 0),
        TRYGG_OK);
    t->counted = 0;
    truth_item *orig = item_in(f, "2026-W39", 0); /* a duplicate of an older one */
    t = item_in(f, "2026-W39", (int)(orig - f->it) + 1);
    assert_int_equal(trygg_store_set_status(f->st, t->id, "sara", TRYGG_STATUS_CLOSED,
                                            TRYGG_CLOSE_DUPLICATE, orig->id),
                     TRYGG_OK);
    t->counted = 0;
    /* Reopened from spam: counted again. */
    t = item_in(f, "2026-W37", 0);
    assert_int_equal(
        trygg_store_set_status(f->st, t->id, "sara", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_SPAM, 0),
        TRYGG_OK);
    assert_int_equal(
        trygg_store_set_status(f->st, t->id, "sara", TRYGG_STATUS_TRIAGED, TRYGG_CLOSE_NONE, 0),
        TRYGG_OK);
    /* Redacted and purged: scrubbed, still counted. */
    t = item_in(f, "2026-W38", 0);
    assert_int_equal(trygg_store_redact(f->st, t->id, "sara", "redigerad", ""), TRYGG_OK);
    t = item_in(f, "2026-W36", 0);
    int64_t now = week_end("2026-W47") + 3600;
    assert_int_equal(trygg_store_test_item_times(f->st, t->id, 0, now - 60), TRYGG_OK);
    int purged = 0;
    assert_int_equal(trygg_store_purge(f->st, now, &purged), TRYGG_OK);
    assert_true(purged >= 1);
}

/* Partner events: moved to another week, re-typed, re-counted, deleted. */
static void edit_events(wfix *f)
{
    trygg_event ev;
    truth_event *v = event_in(f, "2026-W44");
    assert_int_equal(trygg_store_event_get(f->st, v->id, NULL, &ev), TRYGG_OK);
    v->at = noon_of(week_start("2026-W46") + 2 * 86400);
    day_of(v->at, ev.day);
    v->type = (v->type + 1) % TRYGG_EVENT_TYPE_COUNT;
    ev.type = (trygg_event_type)v->type;
    ev.count = v->count = 7;
    assert_int_equal(trygg_store_event_update(f->st, &ev, NULL), TRYGG_OK);
    v = event_in(f, "2026-W40");
    assert_int_equal(trygg_store_event_delete(f->st, v->id, NULL), TRYGG_OK);
    v->deleted = 1;
    add_event(f, week_start("2026-W38") + 86400, 1, 2);
}

static void test_cache_equals_count(void **state)
{
    wfix *f = *state;
    fill(f);
    int64_t now = week_end("2026-W47") + 3600;
    check(f, "2026-W47", now); /* fills the cache */
    int weeks = 0;
    assert_int_equal(trygg_store_report_cache_info(f->st, &weeks, NULL), TRYGG_OK);
    assert_int_equal(weeks, 12); /* both backends keep one */
    check(f, "2026-W47", now);   /* reads it */
    check(f, "2026-W45", now);   /* other weeks, partly cached */
    edit_items(f);
    check(f, "2026-W47", now);
    edit_events(f);
    check(f, "2026-W47", now);
    /* A running week: its own items are counted live, the rest cached. */
    int64_t mid = week_start("2026-W48") + 2 * 86400 + 3600;
    check(f, "2026-W48", mid);
    add_item(f, mid - 600, 0, 1, 1, 0);
    add_item(f, week_start("2026-W46") + 600, 0, 1, 1, 0);
    check(f, "2026-W48", mid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cache_equals_count, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
