/*
 * test_report.c — the weekly situation picture against a generated data set
 * with known totals: ISO weeks, week boundaries in local time, the
 * summer-time switch, small-count suppression at its edges, CSV and HTML
 * output, kiosk/gateway availability, area groups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report_render.h"
#include "store_fixture.h"
#include "trygg/report.h"

/* ---- helpers -------------------------------------------------------------------- */

typedef struct rfixture {
    char dir[256];
    char path[300];
    char pgdb[64];
    trygg_store *st;
    int seq;
} rfixture;

static int setup(void **state)
{
    rfixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/trygg-report-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(fx_db_make(f->dir, f->path, sizeof f->path, f->pgdb), 0);
    assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    rfixture *f = *state;
    trygg_store_close(f->st);
    fx_db_drop_name(f->pgdb);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    free(f);
    return 0;
}

static int64_t add_item_at(rfixture *f, int64_t created, trygg_kind kind, const char *category,
                           const char *area, const char *place)
{
    trygg_item it, out;
    int was_new = 0;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "gen-%08d", ++f->seq);
    it.kind = kind;
    it.channel = TRYGG_CHANNEL_KIOSK;
    snprintf(it.category, sizeof it.category, "%s", category);
    snprintf(it.area, sizeof it.area, "%s", area);
    snprintf(it.place, sizeof it.place, "%s", place);
    snprintf(it.source, sizeof it.source, "bibl-1");
    snprintf(it.text, sizeof it.text, "generated");
    it.created = created;
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &was_new), TRYGG_OK);
    return out.id;
}

static int64_t add_item(rfixture *f, int64_t created, trygg_kind kind, const char *category,
                        const char *area, trygg_channel ch, const char *source, int urgent)
{
    trygg_item it, out;
    int was_new = 0;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "gen-%08d", ++f->seq);
    it.kind = kind;
    it.channel = ch;
    snprintf(it.category, sizeof it.category, "%s", category);
    snprintf(it.area, sizeof it.area, "%s", area);
    snprintf(it.source, sizeof it.source, "%s", source);
    snprintf(it.text, sizeof it.text, "generated");
    it.urgent = urgent;
    it.created = created;
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &was_new), TRYGG_OK);
    assert_int_equal(was_new, 1);
    return out.id;
}

static int64_t row_count(const trygg_report *r, int dim, const char *key, int w)
{
    const trygg_report_table *t = &r->dim[dim];
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].key, key) == 0)
            return t->rows[i].n[w];
    return -1;
}

/* ---- local time and weeks ----------------------------------------------------------- */

static void test_tz_switch(void **state)
{
    (void)state;
    /* 2026: summer time from Sun 29 March 01:00 UTC to Sun 25 October 01:00 UTC. */
    int64_t spring = trygg_civil_to_unix(2026, 3, 29, 1, 0, 0);
    assert_int_equal(trygg_tz_offset(spring - 1), 3600);
    assert_int_equal(trygg_tz_offset(spring), 7200);
    int64_t autumn = trygg_civil_to_unix(2026, 10, 25, 1, 0, 0);
    assert_int_equal(trygg_tz_offset(autumn - 1), 7200);
    assert_int_equal(trygg_tz_offset(autumn), 3600);
    /* 2027: 28 March and 31 October. */
    assert_int_equal(trygg_tz_offset(trygg_civil_to_unix(2027, 3, 28, 0, 59, 59)), 3600);
    assert_int_equal(trygg_tz_offset(trygg_civil_to_unix(2027, 3, 28, 1, 0, 0)), 7200);
    assert_int_equal(trygg_tz_offset(trygg_civil_to_unix(2027, 10, 31, 0, 59, 59)), 7200);
    assert_int_equal(trygg_tz_offset(trygg_civil_to_unix(2027, 10, 31, 1, 0, 0)), 3600);
    /* Local <-> UTC round trip and the weekday. */
    int64_t t = trygg_local_to_utc(2026, 11, 22, 23, 59);
    assert_int_equal(t, trygg_civil_to_unix(2026, 11, 22, 22, 59, 0));
    int y, m, d, h, mi, wd;
    trygg_utc_to_local(t, &y, &m, &d, &h, &mi, &wd);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 11);
    assert_int_equal(d, 22);
    assert_int_equal(h, 23);
    assert_int_equal(mi, 59);
    assert_int_equal(wd, 6); /* Sunday */
    /* Summer: 12:00 local = 10:00 UTC. */
    assert_int_equal(trygg_local_to_utc(2026, 7, 1, 12, 0),
                     trygg_civil_to_unix(2026, 7, 1, 10, 0, 0));
}

static void test_week_parse(void **state)
{
    (void)state;
    trygg_week w;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    assert_int_equal(w.year, 2026);
    assert_int_equal(w.week, 47);
    /* Monday 16 November 2026 00:00 CET = 15 November 23:00 UTC. */
    assert_int_equal(w.start, trygg_civil_to_unix(2026, 11, 15, 23, 0, 0));
    assert_int_equal(w.end - w.start, 7 * 86400);
    assert_int_equal(trygg_week_parse("2026w7", &w), TRYGG_OK);
    assert_int_equal(w.week, 7);
    assert_int_equal(trygg_week_parse("2026-W53", &w), TRYGG_OK); /* 2026 starts on a Thursday */
    assert_int_equal(trygg_week_parse("2025-W53", &w), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_week_parse("2026-W00", &w), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_week_parse("2026-W54", &w), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_week_parse("2026-47", &w), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_week_parse("2026-W477", &w), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_week_parse("", &w), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_week_parse("20x6-W01", &w), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_week_parse(NULL, &w), TRYGG_ERR_INVALID);
    /* 2021-W01 starts on Monday 4 January 2021; 2020 had 53 weeks. */
    assert_int_equal(trygg_week_parse("2021-W01", &w), TRYGG_OK);
    assert_int_equal(w.start, trygg_local_to_utc(2021, 1, 4, 0, 0));
    trygg_week p;
    trygg_week_shift(&w, -1, &p);
    assert_int_equal(p.year, 2020);
    assert_int_equal(p.week, 53);
    char buf[16];
    trygg_week_format(&p, buf, sizeof buf);
    assert_string_equal(buf, "2020-W53");
    /* Weeks across the summer-time switches are 167 and 169 hours long. */
    assert_int_equal(trygg_week_parse("2026-W13", &w), TRYGG_OK); /* 23-29 March */
    assert_int_equal(w.end - w.start, 167 * 3600);
    assert_int_equal(trygg_week_parse("2026-W43", &w), TRYGG_OK); /* 19-25 October */
    assert_int_equal(w.end - w.start, 169 * 3600);
    /* The week containing Sunday 23:59 local vs Monday 00:00 local. */
    trygg_week_containing(trygg_local_to_utc(2026, 11, 22, 23, 59), &w);
    assert_int_equal(w.week, 47);
    trygg_week_containing(trygg_local_to_utc(2026, 11, 23, 0, 0), &w);
    assert_int_equal(w.week, 48);
    /* Year boundary: 31 December 2026 (Thursday) is in 2026-W53; 1 January 2027 too. */
    trygg_week_containing(trygg_local_to_utc(2027, 1, 1, 12, 0), &w);
    assert_int_equal(w.year, 2026);
    assert_int_equal(w.week, 53);
}

/* ---- suppression -------------------------------------------------------------------- */

static void test_suppress_edges(void **state)
{
    (void)state;
    trygg_cell s[8];
    char txt[16];
    int64_t one[1];
    /* Single cells at 0, 1, 2, 3 with the default threshold 3. */
    for (int64_t v = 0; v <= 4; v++) {
        one[0] = v;
        trygg_suppress(one, 1, 3, s);
        assert_int_equal(s[0], v < 3 ? TRYGG_CELL_SMALL : TRYGG_CELL_SHOWN);
        trygg_suppress_text(v, s[0], 3, txt, sizeof txt);
        if (v < 3)
            assert_string_equal(txt, "<3");
        else
            assert_int_equal(atoi(txt), v);
    }
    /* Threshold changes: 5 hides 4, shows 5; 1 shows everything. */
    one[0] = 4;
    trygg_suppress(one, 1, 5, s);
    assert_int_equal(s[0], TRYGG_CELL_SMALL);
    trygg_suppress_text(4, s[0], 5, txt, sizeof txt);
    assert_string_equal(txt, "<5");
    one[0] = 5;
    trygg_suppress(one, 1, 5, s);
    assert_int_equal(s[0], TRYGG_CELL_SHOWN);
    one[0] = 0;
    trygg_suppress(one, 1, 1, s);
    assert_int_equal(s[0], TRYGG_CELL_SHOWN);
    one[0] = -1;
    trygg_suppress(one, 1, 1, s);
    assert_int_equal(s[0], TRYGG_CELL_SMALL);
    trygg_suppress(NULL, 0, 3, s); /* empty table: nothing happens */
}

/* The reader knows the total: no hidden cell may be recovered from it. */
static void assert_protected(const int64_t *v, const trygg_cell *s, int n, int T)
{
    int64_t hidden = 0;
    int nshown = 0;
    for (int i = 0; i < n; i++) {
        if (v[i] < T)
            assert_int_not_equal(s[i], TRYGG_CELL_SHOWN);
        if (s[i] != TRYGG_CELL_SHOWN)
            hidden += v[i];
        else
            nshown++;
    }
    /* When every cell is hidden the total is itself below T (or the hidden
     * sum is fine): it is then suppressed where it is printed. */
    assert_true(hidden == 0 || hidden >= T || nshown == 0);
}

static void test_suppress_complementary(void **state)
{
    (void)state;
    trygg_cell s[8];
    /* One small cell (2): total - shown would reveal it; the smallest other
     * cell (4) is withheld as well. */
    int64_t a[] = {10, 2, 4, 7};
    trygg_suppress(a, 4, 3, s);
    assert_int_equal(s[0], TRYGG_CELL_SHOWN);
    assert_int_equal(s[1], TRYGG_CELL_SMALL);
    assert_int_equal(s[2], TRYGG_CELL_WITHHELD);
    assert_int_equal(s[3], TRYGG_CELL_SHOWN);
    assert_protected(a, s, 4, 3);
    /* Two small cells 1 + 1 = 2 < 3: still one more. */
    int64_t b[] = {1, 1, 9, 5};
    trygg_suppress(b, 4, 3, s);
    assert_int_equal(s[3], TRYGG_CELL_WITHHELD);
    assert_int_equal(s[2], TRYGG_CELL_SHOWN);
    assert_protected(b, s, 4, 3);
    /* 2 + 2 = 4 >= 3: no complementary cell needed. */
    int64_t c[] = {2, 2, 9};
    trygg_suppress(c, 3, 3, s);
    assert_int_equal(s[2], TRYGG_CELL_SHOWN);
    /* Zeros only: hidden sum 0 reveals nobody; nothing else withheld. */
    int64_t d[] = {0, 0, 12};
    trygg_suppress(d, 3, 3, s);
    assert_int_equal(s[0], TRYGG_CELL_SMALL);
    assert_int_equal(s[2], TRYGG_CELL_SHOWN);
    /* Two cells (open/closed): 1 closed of 8 -> both hidden. */
    int64_t e[] = {7, 1};
    trygg_suppress(e, 2, 3, s);
    assert_int_equal(s[0], TRYGG_CELL_WITHHELD);
    assert_int_equal(s[1], TRYGG_CELL_SMALL);
    /* Grid: rows and columns protected. */
    int64_t g[] = {5, 1, 6, /**/ 4, 4, 4, /**/ 9, 0, 3};
    trygg_cell gs[9];
    trygg_suppress_grid(g, 3, 3, 3, gs);
    for (int r = 0; r < 3; r++) {
        int64_t row[3] = {g[r * 3], g[r * 3 + 1], g[r * 3 + 2]};
        trygg_cell rs[3] = {gs[r * 3], gs[r * 3 + 1], gs[r * 3 + 2]};
        assert_protected(row, rs, 3, 3);
        int64_t colv[3] = {g[r], g[3 + r], g[6 + r]};
        trygg_cell cs[3] = {gs[r], gs[3 + r], gs[6 + r]};
        assert_protected(colv, cs, 3, 3);
    }
    /* Random tables, several thresholds: the invariant always holds. */
    srand(7);
    for (int iter = 0; iter < 2000; iter++) {
        int n = 1 + rand() % 8, T = 1 + rand() % 5;
        int64_t v[8];
        for (int i = 0; i < n; i++)
            v[i] = rand() % 12;
        trygg_suppress(v, n, T, s);
        if (T > 1)
            assert_protected(v, s, n, T);
    }
}

static void test_suppress_derived(void **state)
{
    (void)state;
    assert_int_equal(trygg_suppress_diff(TRYGG_CELL_SHOWN, TRYGG_CELL_SHOWN), TRYGG_CELL_SHOWN);
    assert_int_equal(trygg_suppress_diff(TRYGG_CELL_SMALL, TRYGG_CELL_SHOWN), TRYGG_CELL_WITHHELD);
    assert_int_equal(trygg_suppress_diff(TRYGG_CELL_SHOWN, TRYGG_CELL_SMALL), TRYGG_CELL_WITHHELD);
    assert_int_equal(trygg_suppress_diff(TRYGG_CELL_SHOWN, TRYGG_CELL_WITHHELD),
                     TRYGG_CELL_WITHHELD);
    assert_int_equal(trygg_suppress_avg(2, 3), TRYGG_CELL_WITHHELD);
    assert_int_equal(trygg_suppress_avg(3, 3), TRYGG_CELL_SHOWN);
    assert_int_equal(trygg_suppress_avg(0, 3), TRYGG_CELL_WITHHELD);
}

/* ---- the generated data set --------------------------------------------------------- */

/* Report week 2026-W47 (16-22 November). Known totals:
 *   concern 10 (lighting 7, vandalism 3), fault 5 (street_light 5), tip 2,
 *   watch_signup 1, walk_signup 0, callback 3  -> total 21
 *   channels: kiosk 15 (bibl-1 12, gota-1 3), sms 5, voice 1
 *   areas: centrum 12, gota 6, lodose 2, nygard 1 (groups: Lilla Edet 12+2+1=15, Göta 6)
 * Boundary items: Sunday 22 Nov 23:59 local is in W47; Monday 23 Nov 00:00
 * local is W48; Sunday 15 Nov 23:59 local is W46 (previous week). */
static void gen_w47(rfixture *f)
{
    int64_t mon = trygg_local_to_utc(2026, 11, 16, 0, 0);
    int n = 0;
    /* concern/lighting x7 in centrum via bibl-1; the first at Monday 00:00 exactly */
    for (int i = 0; i < 7; i++, n++)
        add_item(f, mon + i * 3600 * 5, TRYGG_KIND_CONCERN, "lighting", "centrum",
                 TRYGG_CHANNEL_KIOSK, "bibl-1", 0);
    /* concern/vandalism x3 in göta via gota-1 (Tuesday evening 18:xx) */
    for (int i = 0; i < 3; i++, n++)
        add_item(f, mon + 86400 + 18 * 3600 + i * 60, TRYGG_KIND_CONCERN, "vandalism", "gota",
                 TRYGG_CHANNEL_KIOSK, "gota-1", 0);
    /* fault/street_light x5: centrum via bibl-1, Wednesday 09:00 */
    for (int i = 0; i < 5; i++, n++)
        add_item(f, mon + 2 * 86400 + 9 * 3600 + i, TRYGG_KIND_FAULT, "street_light", "centrum",
                 TRYGG_CHANNEL_KIOSK, "bibl-1", 0);
    /* tips x2 by SMS in lodose, one urgent; Sunday 23:59 local is still W47 */
    add_item(f, trygg_local_to_utc(2026, 11, 22, 23, 59), TRYGG_KIND_TIP, "crime", "lodose",
             TRYGG_CHANNEL_SMS, "smsgw", 1);
    add_item(f, mon + 4 * 86400 + 22 * 3600, TRYGG_KIND_TIP, "crime", "lodose", TRYGG_CHANNEL_SMS,
             "smsgw", 0);
    /* watch signup x1 by SMS in nygard */
    add_item(f, mon + 5 * 86400 + 10 * 3600, TRYGG_KIND_WATCH_SIGNUP, "", "nygard",
             TRYGG_CHANNEL_SMS, "smsgw", 0);
    /* callbacks x3: 2 SMS + 1 voice, göta, Saturday 14:00 */
    for (int i = 0; i < 2; i++)
        add_item(f, mon + 5 * 86400 + 14 * 3600 + i, TRYGG_KIND_CALLBACK, "", "gota",
                 TRYGG_CHANNEL_SMS, "smsgw", 0);
    add_item(f, mon + 5 * 86400 + 14 * 3600 + 9, TRYGG_KIND_CALLBACK, "", "gota",
             TRYGG_CHANNEL_VOICE, "smsgw", 0);
    n += 6;
    assert_int_equal(n, 21);
    /* Outside the week on both sides. */
    add_item(f, trygg_local_to_utc(2026, 11, 23, 0, 0), TRYGG_KIND_CONCERN, "lighting", "centrum",
             TRYGG_CHANNEL_KIOSK, "bibl-1", 0);
    add_item(f, trygg_local_to_utc(2026, 11, 15, 23, 59), TRYGG_KIND_CONCERN, "lighting", "centrum",
             TRYGG_CHANNEL_KIOSK, "bibl-1", 0);
    /* History: 4 faults in each of the 12 previous weeks (W35..W46), on Thursdays at noon. */
    trygg_week w47, w;
    assert_int_equal(trygg_week_parse("2026-W47", &w47), TRYGG_OK);
    for (int k = 1; k <= 12; k++) {
        trygg_week_shift(&w47, -k, &w);
        for (int i = 0; i < 4; i++)
            add_item(f, w.start + 3 * 86400 + 12 * 3600 + i, TRYGG_KIND_FAULT, "street_light",
                     "gota", TRYGG_CHANNEL_KIOSK, "gota-1", 0);
    }
}

static trygg_report_areas areas_fixture(void)
{
    trygg_report_areas a;
    memset(&a, 0, sizeof a);
    const char *ids[] = {"centrum", "lodose", "gota", "nygard", "hjartum"};
    const char *labels[] = {"Centrum", "Lödöse", "Göta", "Nygård", "Hjärtum"};
    const char *groups[] = {"Lilla Edet", "Lilla Edet", "Göta", "Lilla Edet", "Hjärtum"};
    for (int i = 0; i < 5; i++) {
        snprintf(a.a[i].id, sizeof a.a[i].id, "%s", ids[i]);
        snprintf(a.a[i].label, sizeof a.a[i].label, "%s", labels[i]);
        snprintf(a.a[i].group, sizeof a.a[i].group, "%s", groups[i]);
    }
    a.n = 5;
    return a;
}

/* The report of 2026-W47 over gen_w47's items, with areas_fixture's areas. */
static trygg_report *build_w47(rfixture *f)
{
    gen_w47(f);
    trygg_week w;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    trygg_report_areas areas = areas_fixture();
    trygg_report *r;
    assert_int_equal(trygg_report_build(f->st, &w, &areas, w.end + 3600, &r), TRYGG_OK);
    return r;
}

static void test_build_counts(void **state)
{
    rfixture *f = *state;
    gen_w47(f);
    trygg_week w;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    trygg_report_areas areas = areas_fixture();
    trygg_report *r = NULL;
    int64_t now = trygg_local_to_utc(2026, 11, 24, 12, 0);
    assert_int_equal(trygg_report_build(f->st, &w, &areas, now, &r), TRYGG_OK);
    const int C = TRYGG_REPORT_CUR;
    assert_int_equal(r->total[C], 21);
    assert_int_equal(r->total[C - 1], 4 + 1); /* W46: 4 faults + Sunday 23:59 concern */
    for (int k = 0; k < C - 1; k++)
        assert_int_equal(r->total[k], 4);
    assert_int_equal(row_count(r, TRYGG_DIM_KIND, "concern", C), 10);
    assert_int_equal(row_count(r, TRYGG_DIM_KIND, "fault", C), 5);
    assert_int_equal(row_count(r, TRYGG_DIM_KIND, "tip", C), 2);
    assert_int_equal(row_count(r, TRYGG_DIM_KIND, "watch_signup", C), 1);
    assert_int_equal(row_count(r, TRYGG_DIM_KIND, "walk_signup", C), 0); /* row exists */
    assert_int_equal(row_count(r, TRYGG_DIM_KIND, "callback", C), 3);
    assert_int_equal(row_count(r, TRYGG_DIM_KIND, "fault", C - 1), 4);
    assert_int_equal(row_count(r, TRYGG_DIM_CATEGORY, "concern/lighting", C), 7);
    assert_int_equal(row_count(r, TRYGG_DIM_CATEGORY, "concern/vandalism", C), 3);
    assert_int_equal(row_count(r, TRYGG_DIM_CATEGORY, "fault/street_light", C), 5);
    assert_int_equal(row_count(r, TRYGG_DIM_CHANNEL, "kiosk", C), 15);
    assert_int_equal(row_count(r, TRYGG_DIM_CHANNEL, "sms", C), 5);
    assert_int_equal(row_count(r, TRYGG_DIM_CHANNEL, "voice", C), 1);
    assert_int_equal(row_count(r, TRYGG_DIM_CHANNEL, "open311", C), 0);
    assert_int_equal(row_count(r, TRYGG_DIM_AREA, "centrum", C), 12);
    assert_int_equal(row_count(r, TRYGG_DIM_AREA, "gota", C), 6);
    assert_int_equal(row_count(r, TRYGG_DIM_AREA, "lodose", C), 2);
    assert_int_equal(row_count(r, TRYGG_DIM_AREA, "nygard", C), 1);
    assert_int_equal(row_count(r, TRYGG_DIM_AREA, "hjartum", C), 0);
    assert_int_equal(row_count(r, TRYGG_DIM_GROUP, "Lilla Edet", C), 15);
    assert_int_equal(row_count(r, TRYGG_DIM_GROUP, "Göta", C), 6);
    assert_int_equal(row_count(r, TRYGG_DIM_GROUP, "Hjärtum", C), 0);
    assert_int_equal(row_count(r, TRYGG_DIM_SOURCE, "bibl-1", C), 12);
    assert_int_equal(row_count(r, TRYGG_DIM_SOURCE, "gota-1", C), 3);
    /* 12-week history of faults: 4 per week -> sum 48 (average 4.0) */
    const trygg_report_table *kt = &r->dim[TRYGG_DIM_KIND];
    for (int i = 0; i < kt->n; i++)
        if (strcmp(kt->rows[i].key, "fault") == 0)
            assert_int_equal(trygg_report_hist_sum(kt->rows[i].n), 48);
    /* Heat map: Monday 00-04 has the Monday 00:00 item (and 05:00 is 04-08). */
    assert_int_equal(r->heat[0][0], 1);
    assert_int_equal(r->heat[0][1], 1);
    assert_int_equal(r->heat[1][4], 3); /* Tuesday 18:xx vandalism */
    assert_int_equal(r->heat[2][2], 5); /* Wednesday 09:00 faults */
    assert_int_equal(r->heat[6][5], 1); /* Sunday 23:59 tip */
    int64_t heat_total = 0;
    for (int d = 0; d < 7; d++)
        for (int b = 0; b < TRYGG_REPORT_BANDS; b++)
            heat_total += r->heat[d][b];
    assert_int_equal(heat_total, 21);
    assert_int_equal(r->urgent, 1);
    assert_int_equal(r->nurgent_list, 1);
    assert_int_equal(r->open, 21);
    assert_int_equal(r->closed, 0);
    assert_int_equal(r->close_median_s, -1);
    assert_true(r->ntop >= 4);
    assert_string_equal(r->top[0].label, "centrum");
    assert_int_equal(r->top[0].n, 12);
    trygg_report_free(r);
}

/* Number of weeks in the report's week cache (-1: the backend keeps none
 * and aggregates every time, as PostgreSQL does). */
static int cached_weeks(rfixture *f)
{
    int n = -2;
    assert_int_equal(trygg_store_report_cache_info(f->st, &n, NULL), TRYGG_OK);
    assert_true(n >= -1);
    return n;
}

/* The cache holds `want` weeks, where the backend has one. */
static void assert_cached(rfixture *f, int want)
{
    int n = cached_weeks(f);
    if (n != -1)
        assert_int_equal(n, want);
}

/* History weeks come from the week cache after the first build; adding,
 * re-classifying or deleting an item of a cached week drops its cache. */
static void test_week_cache(void **state)
{
    rfixture *f = *state;
    gen_w47(f);
    trygg_week w, w40, w45;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    assert_int_equal(trygg_week_parse("2026-W40", &w40), TRYGG_OK);
    assert_int_equal(trygg_week_parse("2026-W45", &w45), TRYGG_OK);
    int64_t now = trygg_local_to_utc(2026, 11, 24, 12, 0);
    const int C = TRYGG_REPORT_CUR;
    trygg_report *r;
    assert_int_equal(trygg_report_build(f->st, &w, NULL, now, &r), TRYGG_OK);
    trygg_report_free(r);
    assert_cached(f, 12);
    /* Second build from the cache: same figures. */
    assert_int_equal(trygg_report_build(f->st, &w, NULL, now, &r), TRYGG_OK);
    assert_int_equal(r->total[C], 21);
    assert_int_equal(r->total[C - 1], 5);
    assert_int_equal(r->total[C - 7], 4); /* W40 */
    assert_int_equal(row_count(r, TRYGG_DIM_KIND, "fault", C - 2), 4);
    assert_int_equal(row_count(r, TRYGG_DIM_SOURCE, "gota-1", C - 2), 4);
    trygg_report_free(r);
    /* A kiosk that was offline delivers an old W40 item late. */
    add_item(f, w40.start + 3600, TRYGG_KIND_CONCERN, "lighting", "nygard", TRYGG_CHANNEL_KIOSK,
             "nygard-1", 0);
    assert_cached(f, 11);
    /* Staff re-classify a W45 fault as a concern in another area. */
    trygg_filter flt;
    trygg_filter_init(&flt);
    flt.kind = TRYGG_KIND_FAULT;
    flt.from = w45.start;
    flt.to = w45.end;
    trygg_item fault;
    int nf = 0;
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, &fault, 1, &nf, NULL), TRYGG_OK);
    assert_int_equal(nf, 1);
    int64_t id = fault.id;
    assert_int_equal(
        trygg_store_update(f->st, id, "tester", "vandalism", "centrum", TRYGG_KIND_CONCERN),
        TRYGG_OK);
    assert_int_equal(trygg_report_build(f->st, &w, NULL, now, &r), TRYGG_OK);
    assert_int_equal(r->total[C - 7], 5);
    assert_int_equal(row_count(r, TRYGG_DIM_AREA, "nygard", C - 7), 1);
    assert_int_equal(row_count(r, TRYGG_DIM_KIND, "fault", C - 2), 3);
    assert_int_equal(row_count(r, TRYGG_DIM_KIND, "concern", C - 2), 1);
    assert_int_equal(row_count(r, TRYGG_DIM_CATEGORY, "concern/vandalism", C - 2), 1);
    assert_int_equal(row_count(r, TRYGG_DIM_AREA, "centrum", C - 2), 1);
    trygg_report_free(r);
    assert_cached(f, 12);
    /* The report week itself and weeks not yet over are never cached. */
    trygg_week_shift(&w, 1, &w);
    assert_int_equal(trygg_report_build(f->st, &w, NULL, now, &r), TRYGG_OK);
    trygg_report_free(r);
    int64_t last_end = -1;
    assert_int_equal(trygg_store_report_cache_info(f->st, NULL, &last_end), TRYGG_OK);
    if (cached_weeks(f) != -1)
        assert_true(last_end > 0 && last_end <= now);
}

/* Items closed as duplicate or spam are not counted anywhere: not in the
 * report week (totals, tables, heat map, places, status), not in a cached
 * history week, and closing one in a cached week drops that week's cache. */
static void test_excludes_duplicate_spam(void **state)
{
    rfixture *f = *state;
    trygg_week w, w45;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    assert_int_equal(trygg_week_parse("2026-W45", &w45), TRYGG_OK);
    int64_t mon = w.start + 9 * 3600, now = w.end + 3600;
    const int C = TRYGG_REPORT_CUR;
    int64_t keep = add_item(f, mon, TRYGG_KIND_FAULT, "street_light", "centrum",
                            TRYGG_CHANNEL_KIOSK, "bibl-1", 0);
    int64_t dup = add_item(f, mon + 60, TRYGG_KIND_FAULT, "street_light", "centrum",
                           TRYGG_CHANNEL_KIOSK, "bibl-1", 0);
    int64_t spam =
        add_item(f, mon + 120, TRYGG_KIND_TIP, "crime", "lodose", TRYGG_CHANNEL_SMS, "smsgw", 1);
    int64_t old_spam = add_item(f, w45.start + 3600, TRYGG_KIND_CONCERN, "lighting", "gota",
                                TRYGG_CHANNEL_KIOSK, "gota-1", 0);
    add_item(f, w45.start + 7200, TRYGG_KIND_CONCERN, "lighting", "gota", TRYGG_CHANNEL_KIOSK,
             "gota-1", 0);
    trygg_report *r;
    assert_int_equal(trygg_report_build(f->st, &w, NULL, now, &r), TRYGG_OK);
    assert_int_equal(r->total[C], 3);
    assert_int_equal(r->total[C - 2], 2);
    trygg_report_free(r);
    assert_cached(f, 12);
    assert_int_equal(trygg_store_set_status(f->st, dup, "tester", TRYGG_STATUS_CLOSED,
                                            TRYGG_CLOSE_DUPLICATE, keep),
                     TRYGG_OK);
    assert_int_equal(
        trygg_store_set_status(f->st, spam, "tester", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_SPAM, 0),
        TRYGG_OK);
    assert_int_equal(
        trygg_store_set_status(f->st, old_spam, "tester", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_SPAM, 0),
        TRYGG_OK);
    assert_cached(f, 11); /* W45's cache went with the spam */
    assert_int_equal(trygg_report_build(f->st, &w, NULL, now, &r), TRYGG_OK);
    assert_int_equal(r->total[C], 1);
    assert_int_equal(row_count(r, TRYGG_DIM_KIND, "fault", C), 1);
    assert_int_equal(row_count(r, TRYGG_DIM_KIND, "tip", C), 0);
    assert_int_equal(row_count(r, TRYGG_DIM_CATEGORY, "fault/street_light", C), 1);
    assert_int_equal(row_count(r, TRYGG_DIM_CHANNEL, "sms", C), 0);
    assert_int_equal(r->open, 1);
    assert_int_equal(r->closed, 0);
    assert_int_equal(r->urgent, 0);
    assert_int_equal(r->nurgent_list, 0);
    assert_int_equal(r->ntop, 1);
    assert_int_equal(r->top[0].n, 1);
    int64_t heat = 0;
    for (int d = 0; d < 7; d++)
        for (int b = 0; b < TRYGG_REPORT_BANDS; b++)
            heat += r->heat[d][b];
    assert_int_equal(heat, 1);
    assert_int_equal(r->total[C - 2], 1);
    assert_int_equal(row_count(r, TRYGG_DIM_AREA, "gota", C - 2), 1);
    trygg_report_free(r);
    /* A second build reads W45 from the refilled cache: still without the spam. */
    assert_int_equal(trygg_report_build(f->st, &w, NULL, now, &r), TRYGG_OK);
    assert_int_equal(r->total[C - 2], 1);
    assert_int_equal(row_count(r, TRYGG_DIM_SOURCE, "gota-1", C - 2), 1);
    trygg_report_free(r);
}

/* Hot spots and hot times (issue 15): the most-reported places carry their
 * own weekday × time band counts, drawn in the internal view only (the
 * published view never breaks a place down further). */
static void test_place_hot_times(void **state)
{
    rfixture *f = *state;
    trygg_week w;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    /* Friday 20 Nov 2026: three reports at the tunnel between 21 and 23
     * local time, one on Saturday at 02; one in the square on Monday 09. */
    static const int when[][3] = {{20, 21, 0}, {20, 22, 0}, {20, 23, 30}, {21, 2, 0}};
    for (size_t i = 0; i < sizeof when / sizeof when[0]; i++) {
        int64_t t = trygg_local_to_utc(2026, 11, when[i][0], when[i][1], when[i][2]);
        add_item_at(f, t, TRYGG_KIND_CONCERN, "lighting", "lodose", "Gångtunneln");
    }
    add_item_at(f, trygg_local_to_utc(2026, 11, 16, 9, 0), TRYGG_KIND_FAULT, "street_light",
                "centrum", "Torget");
    trygg_report *r;
    assert_int_equal(trygg_report_build(f->st, &w, NULL, w.end + 60, &r), TRYGG_OK);
    assert_true(r->ntop >= 2);
    const trygg_report_place *p = &r->top[0];
    assert_int_equal(p->n, 4);
    const int B = 24 / TRYGG_REPORT_BANDS;
    assert_int_equal(p->heat[4][20 / B], 3); /* Friday, 20-24 */
    assert_int_equal(p->heat[5][0], 1);      /* Saturday, 00-04 */
    int64_t sum = 0;
    for (int d = 0; d < 7; d++)
        for (int b = 0; b < TRYGG_REPORT_BANDS; b++)
            sum += p->heat[d][b];
    assert_int_equal(sum, 4);
    assert_int_equal(r->top[1].heat[0][8 / B], 1); /* the square, Monday 08-12 */
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    trygg_buf b;
    o.suppress = 0;
    trygg_buf_init(&b, 4 << 20);
    assert_int_equal(trygg_report_html(r, &o, &b), TRYGG_OK);
    const char *sec = strstr(b.data, "id=\"hotspots\"");
    assert_non_null(sec);
    assert_non_null(strstr(sec, "Gångtunneln"));
    trygg_buf_free(&b);
    o.suppress = 1;
    trygg_buf_init(&b, 4 << 20);
    assert_int_equal(trygg_report_html(r, &o, &b), TRYGG_OK);
    assert_null(strstr(b.data, "id=\"hotspots\""));
    trygg_buf_free(&b);
    trygg_report_free(r);
}

static void test_close_median(void **state)
{
    rfixture *f = *state;
    int64_t mon = trygg_local_to_utc(2026, 11, 16, 8, 0);
    int64_t ids[4];
    for (int i = 0; i < 4; i++)
        ids[i] = add_item(f, mon, TRYGG_KIND_FAULT, "street_light", "centrum", TRYGG_CHANNEL_KIOSK,
                          "bibl-1", 0);
    /* Close three of them; pin the audit times to 1 h, 3 h, 10 h after creation. */
    int64_t hours[3] = {1, 3, 10};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(trygg_store_set_status(f->st, ids[i], "tester", TRYGG_STATUS_CLOSED,
                                                TRYGG_CLOSE_RESOLVED, 0),
                         TRYGG_OK);
        assert_int_equal(
            trygg_store_test_audit_time(f->st, ids[i], "status", mon + hours[i] * 3600), TRYGG_OK);
    }
    trygg_week w;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    trygg_report *r;
    assert_int_equal(trygg_report_build(f->st, &w, NULL, mon + 86400, &r), TRYGG_OK);
    assert_int_equal(r->closed, 3);
    assert_int_equal(r->open, 1);
    assert_int_equal(r->close_median_s, 3 * 3600);
    trygg_report_free(r);
}

/* Summer-time week: 2026-W13 (23-29 March) ends at Monday 30 March 00:00
 * CEST = 29 March 22:00 UTC; 2026-W43 (19-25 October) is 169 hours. */
static void test_dst_weeks(void **state)
{
    rfixture *f = *state;
    /* Sunday 29 March: 01:30 CET (before the switch), 03:30 CEST (after),
     * 23:59 CEST (last minute of W13); Monday 30 March 00:00 CEST is W14. */
    add_item(f, trygg_civil_to_unix(2026, 3, 29, 0, 30, 0), TRYGG_KIND_CONCERN, "a", "centrum",
             TRYGG_CHANNEL_KIOSK, "k", 0);
    add_item(f, trygg_civil_to_unix(2026, 3, 29, 1, 30, 0), TRYGG_KIND_CONCERN, "a", "centrum",
             TRYGG_CHANNEL_KIOSK, "k", 0);
    add_item(f, trygg_civil_to_unix(2026, 3, 29, 21, 59, 0), TRYGG_KIND_CONCERN, "a", "centrum",
             TRYGG_CHANNEL_KIOSK, "k", 0);
    add_item(f, trygg_civil_to_unix(2026, 3, 29, 22, 0, 0), TRYGG_KIND_CONCERN, "a", "centrum",
             TRYGG_CHANNEL_KIOSK, "k", 0);
    /* Monday 23 March 00:00 CET = Sunday 22 March 23:00 UTC: first second of W13. */
    add_item(f, trygg_civil_to_unix(2026, 3, 22, 23, 0, 0), TRYGG_KIND_FAULT, "b", "centrum",
             TRYGG_CHANNEL_KIOSK, "k", 0);
    add_item(f, trygg_civil_to_unix(2026, 3, 22, 22, 59, 59), TRYGG_KIND_FAULT, "b", "centrum",
             TRYGG_CHANNEL_KIOSK, "k", 0);
    /* October: Sunday 25 October 02:30 happens twice locally. 00:30 UTC
     * (02:30 CEST) and 01:30 UTC (02:30 CET) are both Sunday 00-04; Sunday
     * 23:30 CET = 22:30 UTC is the last band. */
    add_item(f, trygg_civil_to_unix(2026, 10, 25, 0, 30, 0), TRYGG_KIND_TIP, "c", "gota",
             TRYGG_CHANNEL_SMS, "smsgw", 0);
    add_item(f, trygg_civil_to_unix(2026, 10, 25, 1, 30, 0), TRYGG_KIND_TIP, "c", "gota",
             TRYGG_CHANNEL_SMS, "smsgw", 0);
    add_item(f, trygg_civil_to_unix(2026, 10, 25, 22, 30, 0), TRYGG_KIND_TIP, "c", "gota",
             TRYGG_CHANNEL_SMS, "smsgw", 0);
    add_item(f, trygg_civil_to_unix(2026, 10, 25, 23, 0, 0), TRYGG_KIND_TIP, "c", "gota",
             TRYGG_CHANNEL_SMS, "smsgw", 0); /* Monday 26 Oct 00:00 CET: W44 */
    trygg_week w;
    trygg_report *r;
    assert_int_equal(trygg_week_parse("2026-W13", &w), TRYGG_OK);
    assert_int_equal(trygg_report_build(f->st, &w, NULL, w.end + 86400, &r), TRYGG_OK);
    assert_int_equal(r->total[TRYGG_REPORT_CUR], 4);
    assert_int_equal(r->total[TRYGG_REPORT_CUR - 1], 1); /* Sunday 22 March 23:59:59 CET */
    assert_int_equal(r->heat[6][0], 2);                  /* 01:30 CET and 03:30 CEST */
    assert_int_equal(r->heat[6][5], 1);                  /* 23:59 CEST */
    assert_int_equal(r->heat[0][0], 1);                  /* Monday 00:00 CET */
    trygg_report_free(r);
    assert_int_equal(trygg_week_parse("2026-W43", &w), TRYGG_OK);
    assert_int_equal(trygg_report_build(f->st, &w, NULL, w.end + 86400, &r), TRYGG_OK);
    assert_int_equal(r->total[TRYGG_REPORT_CUR], 3);
    assert_int_equal(r->heat[6][0], 2);
    assert_int_equal(r->heat[6][5], 1);
    trygg_report_free(r);
    assert_int_equal(trygg_week_parse("2026-W44", &w), TRYGG_OK);
    assert_int_equal(trygg_report_build(f->st, &w, NULL, w.end + 86400, &r), TRYGG_OK);
    assert_int_equal(r->total[TRYGG_REPORT_CUR], 1);
    assert_int_equal(r->heat[0][0], 1);
    trygg_report_free(r);
}

/* Returns the CSV field `col` (0-based) of `line` into out (unquoted). */
static void csv_field(const char *line, int col, char *out, size_t cap)
{
    int c = 0;
    size_t n = 0;
    int q = 0;
    for (const char *p = line; *p && *p != '\r' && *p != '\n'; p++) {
        if (*p == '"') {
            if (q && p[1] == '"') {
                if (c == col && n + 1 < cap)
                    out[n++] = '"';
                p++;
                continue;
            }
            q = !q;
            continue;
        }
        if (*p == ',' && !q) {
            c++;
            continue;
        }
        if (c == col && n + 1 < cap)
            out[n++] = *p;
    }
    out[n] = '\0';
}

/* Finds the CSV line starting with view,"key","sub" and returns its count. */
static void csv_count(const char *csv, const char *view, const char *key, const char *sub,
                      char *out, size_t cap)
{
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%s,\"%s\",\"%s\",", view, key, sub);
    const char *p = strstr(csv, prefix);
    assert_non_null(p);
    csv_field(p, 3, out, cap);
}

static void test_csv_suppressed(void **state)
{
    trygg_report *r = build_w47(*state);
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    trygg_buf b;
    trygg_buf_init(&b, 1 << 20);
    assert_int_equal(trygg_report_csv(r, &o, &b), TRYGG_OK);
    char v[32];
    assert_true(strncmp(b.data, "view,key,subkey,count,previous,change,avg12\r\n", 45) == 0);
    csv_count(b.data, "total", "2026-W47", "", v, sizeof v);
    assert_string_equal(v, "21");
    csv_count(b.data, "kind", "concern", "", v, sizeof v);
    assert_string_equal(v, "10");
    csv_count(b.data, "kind", "tip", "", v, sizeof v);
    assert_string_equal(v, "<3");
    csv_count(b.data, "kind", "watch_signup", "", v, sizeof v);
    assert_string_equal(v, "<3");
    csv_count(b.data, "kind", "walk_signup", "", v, sizeof v);
    assert_string_equal(v, "<3"); /* 0 looks like 1 and 2 */
    csv_count(b.data, "kind", "callback", "", v, sizeof v);
    assert_string_equal(v, "3");
    csv_count(b.data, "channel", "voice", "", v, sizeof v);
    assert_string_equal(v, "<3");
    /* kiosk 15, sms 5, voice 1 (hidden), open311 0, staff 0: hidden sum 1 <
     * 3, so the smallest shown channel (sms 5) is withheld too. */
    csv_count(b.data, "channel", "sms", "", v, sizeof v);
    assert_string_equal(v, "x");
    csv_count(b.data, "channel", "kiosk", "", v, sizeof v);
    assert_string_equal(v, "15");
    csv_count(b.data, "area", "nygard", "Lilla Edet", v, sizeof v);
    assert_string_equal(v, "<3");
    /* Areas within Lilla Edet: centrum 12, lodose 2, nygard 1 -> hidden 3: ok */
    csv_count(b.data, "area", "centrum", "Lilla Edet", v, sizeof v);
    assert_string_equal(v, "12");
    csv_count(b.data, "heatmap", "sun", "20-24", v, sizeof v);
    assert_string_equal(v, "<3");
    /* Differences: tip this week <3 -> its change is "x" too. */
    const char *tip = strstr(b.data, "kind,\"tip\",\"\",");
    assert_non_null(tip);
    csv_field(tip, 5, v, sizeof v);
    assert_string_equal(v, "x");
    /* fault: 5 now, 4 in W46 — but W46 also had 1 concern (the Sunday 23:59
     * item), so W46's fault 4 is withheld: total(W46) 5 - 4 would reveal
     * it. Hence the change is "x". The 12-week average (48/12) is "x" too:
     * the total's average (49/12) minus it would give concern's 12-week
     * sum, 1 (the averages are a table of their own since issue 10). */
    const char *fault = strstr(b.data, "kind,\"fault\",\"\",");
    assert_non_null(fault);
    csv_field(fault, 4, v, sizeof v);
    assert_string_equal(v, "x");
    csv_field(fault, 5, v, sizeof v);
    assert_string_equal(v, "x");
    csv_field(fault, 6, v, sizeof v);
    assert_string_equal(v, "x");
    csv_count(b.data, "trend", "fault", "2026-W45", v, sizeof v);
    assert_string_equal(v, "4");
    csv_count(b.data, "trend", "concern", "2026-W46", v, sizeof v);
    assert_string_equal(v, "<3");
    /* No count cell anywhere shows a number below the threshold. */
    for (const char *line = b.data; line && *line; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        if (!*line)
            break;
        if (strncmp(line, "kiosk_offline", 13) == 0 || strncmp(line, "kiosk_longest", 13) == 0 ||
            strncmp(line, "gateway", 7) == 0 || strncmp(line, "police", 6) == 0 ||
            strncmp(line, "view,", 5) == 0 || strncmp(line, "status,\"median", 14) == 0)
            continue;
        for (int col = 3; col <= 4; col++) {
            csv_field(line, col, v, sizeof v);
            if (v[0] >= '0' && v[0] <= '9' && !strchr(v, '.'))
                assert_true(atoll(v) >= 3);
        }
    }
    /* Urgent items: 1 -> "<3"; the top-places list leaves out small places. */
    csv_count(b.data, "urgent", "urgent", "", v, sizeof v);
    assert_string_equal(v, "<3");
    assert_null(strstr(b.data, "top_place,\"nygard\""));
    trygg_buf_free(&b);

    /* Full mode (security department's screen): exact numbers, starred. */
    o.suppress = 0;
    trygg_buf_init(&b, 1 << 20);
    assert_int_equal(trygg_report_csv(r, &o, &b), TRYGG_OK);
    csv_count(b.data, "kind", "tip", "", v, sizeof v);
    assert_string_equal(v, "2*");
    csv_count(b.data, "channel", "sms", "", v, sizeof v);
    assert_string_equal(v, "5*");
    fault = strstr(b.data, "kind,\"fault\",\"\",");
    assert_non_null(fault);
    csv_field(fault, 5, v, sizeof v);
    assert_string_equal(v, "+1");
    trygg_buf_free(&b);

    /* Threshold 5: callback 3 becomes "<5". */
    o.suppress = 1;
    o.threshold = 5;
    trygg_buf_init(&b, 1 << 20);
    assert_int_equal(trygg_report_csv(r, &o, &b), TRYGG_OK);
    csv_count(b.data, "kind", "callback", "", v, sizeof v);
    assert_string_equal(v, "<5");
    trygg_buf_free(&b);
    trygg_report_free(r);
}

/* The running week is marked with its cut-off time (HTML and CSV); a week
 * that has not begun is refused; the last complete week is the one before
 * the running one, and at Monday 00:00 the week that just ended. */
static void test_running_week(void **state)
{
    rfixture *f = *state;
    gen_w47(f);
    trygg_week w, last;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    int64_t wed = trygg_local_to_utc(2026, 11, 18, 10, 30);
    trygg_report *r = NULL;
    assert_int_equal(trygg_report_build(f->st, &w, NULL, w.start - 1, &r), TRYGG_ERR_INVALID);
    assert_null(r);
    assert_int_equal(trygg_report_build(f->st, &w, NULL, wed, &r), TRYGG_OK);
    assert_int_equal(r->running, 1);
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    trygg_buf b;
    trygg_buf_init(&b, 4 << 20);
    assert_int_equal(trygg_report_html(r, &o, &b), TRYGG_OK);
    assert_non_null(strstr(b.data, "data-running=\"2026-11-18 10:30\""));
    assert_non_null(strstr(b.data, "report.running_week"));
    trygg_buf_free(&b);
    trygg_buf_init(&b, 4 << 20);
    assert_int_equal(trygg_report_csv(r, &o, &b), TRYGG_OK);
    assert_non_null(strstr(b.data, "\ncutoff,\"running\",\"2026-11-18 10:30\","));
    trygg_buf_free(&b);
    trygg_report_free(r);
    /* Over: no mark, the CSV says complete. */
    assert_int_equal(trygg_report_build(f->st, &w, NULL, w.end, &r), TRYGG_OK);
    assert_int_equal(r->running, 0);
    trygg_buf_init(&b, 4 << 20);
    assert_int_equal(trygg_report_html(r, &o, &b), TRYGG_OK);
    assert_null(strstr(b.data, "data-running"));
    assert_null(strstr(b.data, "report.running_week"));
    trygg_buf_free(&b);
    trygg_buf_init(&b, 4 << 20);
    assert_int_equal(trygg_report_csv(r, &o, &b), TRYGG_OK);
    assert_non_null(strstr(b.data, "\ncutoff,\"complete\","));
    trygg_buf_free(&b);
    trygg_report_free(r);
    trygg_week_last_complete(wed, &last);
    assert_int_equal(last.week, 46);
    trygg_week_last_complete(w.end, &last); /* Monday 00:00 of W48 */
    assert_int_equal(last.week, 47);
    trygg_week_last_complete(w.end - 1, &last);
    assert_int_equal(last.week, 46);
}

static int occurrences(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* A trend chart draws a suppressed week as a gap: no point, no "<3" on the
 * zero line, the line broken there, and a legend that says what a gap is. */
static void test_trend_gaps(void **state)
{
    (void)state;
    const int64_t v[5] = {4, 1, 6, 7, 9};
    const trygg_cell st[5] = {TRYGG_CELL_SHOWN, TRYGG_CELL_SMALL, TRYGG_CELL_SHOWN,
                              TRYGG_CELL_SHOWN, TRYGG_CELL_WITHHELD};
    const char *const xl[5] = {"v1", "v2", "v3", "v4", "v5"};
    trygg_svg_series s = {.label = "Oro", .v = v, .state = st, .n = 5};
    trygg_buf b;
    trygg_buf_init(&b, 1 << 20);
    assert_int_equal(trygg_svg_trend(&b, "Oro", xl, &s, 1, 3, "GAP-NOTE"), TRYGG_OK);
    assert_int_equal(occurrences(b.data, "<circle"), 3);   /* the shown weeks only */
    assert_int_equal(occurrences(b.data, "<polyline"), 2); /* broken at week 2 */
    assert_int_equal(occurrences(b.data, "class=\"gap\""), 2);
    assert_null(strstr(b.data, "&lt;3"));
    assert_null(strstr(b.data, ">x<"));
    assert_non_null(strstr(b.data, ">GAP-NOTE</text>"));
    /* No point below the shown values' line: the lowest circle is at 4, not 0. */
    assert_null(strstr(b.data, "cy=\"134.0\""));
    trygg_buf_free(&b);
    /* Nothing hidden: no gap, no legend. */
    trygg_buf_init(&b, 1 << 20);
    s.state = NULL;
    assert_int_equal(trygg_svg_trend(&b, "Oro", xl, &s, 1, 3, "GAP-NOTE"), TRYGG_OK);
    assert_int_equal(occurrences(b.data, "<circle"), 5);
    assert_int_equal(occurrences(b.data, "<polyline"), 1);
    assert_null(strstr(b.data, "GAP-NOTE"));
    trygg_buf_free(&b);
}

static void add_event(rfixture *f, trygg_event_type type, const char *day, int count)
{
    trygg_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    snprintf(ev.day, sizeof ev.day, "%s", day);
    snprintf(ev.band, sizeof ev.band, "night");
    snprintf(ev.area, sizeof ev.area, "centrum");
    ev.count = count;
    snprintf(ev.org, sizeof ev.org, "housing");
    snprintf(ev.reporter, sizeof ev.reporter, "vaktmastare");
    int64_t id;
    assert_int_equal(trygg_store_event_add(f->st, &ev, &id), TRYGG_OK);
}

/* Partner events per week by type (Monday..Sunday in local days), with the
 * previous week and the 12-week history; trygg_report_suppress decides the
 * event table like every other: small cells and a complementary one. */
static void test_events(void **state)
{
    rfixture *f = *state;
    add_event(f, TRYGG_EVENT_GRAFFITI, "2026-11-16", 4); /* W47 Monday */
    add_event(f, TRYGG_EVENT_GRAFFITI, "2026-11-22", 3); /* W47 Sunday */
    add_event(f, TRYGG_EVENT_DRUGS, "2026-11-18", 2);
    add_event(f, TRYGG_EVENT_DRUGS, "2026-11-23", 9);  /* W48 */
    add_event(f, TRYGG_EVENT_LITTER, "2026-11-15", 6); /* W46 */
    add_event(f, TRYGG_EVENT_LITTER, "2026-09-01", 5); /* W36: in the 12 weeks */
    trygg_week w;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    trygg_report *r;
    assert_int_equal(trygg_report_build(f->st, &w, NULL, w.end + 3600, &r), TRYGG_OK);
    const int C = TRYGG_REPORT_CUR;
    const trygg_report_table *t = &r->dim[TRYGG_DIM_EVENT];
    assert_int_equal(t->n, TRYGG_EVENT_TYPE_COUNT);
    assert_int_equal(row_count(r, TRYGG_DIM_EVENT, "graffiti", C), 7);
    assert_int_equal(row_count(r, TRYGG_DIM_EVENT, "drugs", C), 2);
    assert_int_equal(row_count(r, TRYGG_DIM_EVENT, "litter", C), 0);
    assert_int_equal(row_count(r, TRYGG_DIM_EVENT, "litter", C - 1), 6);
    int li = -1, gi = -1, di = -1;
    for (int i = 0; i < t->n; i++) {
        if (strcmp(t->rows[i].key, "litter") == 0)
            li = i;
        if (strcmp(t->rows[i].key, "graffiti") == 0)
            gi = i;
        if (strcmp(t->rows[i].key, "drugs") == 0)
            di = i;
    }
    assert_int_equal(trygg_report_hist_sum(t->rows[li].n), 11);
    assert_int_equal(r->total[C], 0); /* events are not items */
    trygg_report_cells c;
    trygg_report_suppress(r, 5, &c);
    assert_int_equal(c.dim[TRYGG_DIM_EVENT].cur[di], TRYGG_CELL_SMALL);
    assert_int_equal(c.dim[TRYGG_DIM_EVENT].cur[gi], TRYGG_CELL_WITHHELD);
    assert_int_equal(c.dim[TRYGG_DIM_EVENT].prev[li], TRYGG_CELL_SHOWN);
    assert_int_equal(c.dim[TRYGG_DIM_EVENT].avg[li], TRYGG_CELL_SHOWN);
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    o.threshold = 5;
    trygg_buf b;
    trygg_buf_init(&b, 4 << 20);
    assert_int_equal(trygg_report_csv(r, &o, &b), TRYGG_OK);
    assert_non_null(strstr(b.data, "\nevent,\"drugs\",\"\",<5,"));
    assert_non_null(strstr(b.data, "\nevent,\"graffiti\",\"\",x,"));
    assert_non_null(strstr(b.data, "\nevent,\"litter\",\"\",<5,6,x,"));
    trygg_buf_free(&b);
    /* The trend of all partner events: inside the group only. */
    trygg_buf_init(&b, 4 << 20);
    assert_int_equal(trygg_report_html(r, &o, &b), TRYGG_OK);
    assert_null(strstr(b.data, "id=\"trend-events\""));
    trygg_buf_free(&b);
    o.suppress = 0;
    trygg_buf_init(&b, 4 << 20);
    assert_int_equal(trygg_report_html(r, &o, &b), TRYGG_OK);
    assert_non_null(strstr(b.data, "id=\"trend-events\""));
    trygg_buf_free(&b);
    trygg_report_free(r);
}

static void test_html(void **state)
{
    rfixture *f = *state;
    gen_w47(f);
    /* A hostile area and category name must stay inert. */
    add_item(f, trygg_local_to_utc(2026, 11, 18, 12, 0), TRYGG_KIND_CONCERN, "<script>x</script>",
             "\"><img src=x>", TRYGG_CHANNEL_KIOSK, "bibl-1", 0);
    trygg_week w;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    trygg_report *r;
    assert_int_equal(trygg_report_build(f->st, &w, NULL, w.end + 3600, &r), TRYGG_OK);
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    o.standalone = 1;
    o.print = 1;
    trygg_buf b;
    trygg_buf_init(&b, 4 << 20);
    assert_int_equal(trygg_report_html(r, &o, &b), TRYGG_OK);
    assert_non_null(strstr(b.data, "<!doctype html>"));
    assert_non_null(strstr(b.data, "@page{size:A4"));
    assert_non_null(strstr(b.data, "<svg class=\"chart heat\""));
    assert_non_null(strstr(b.data, "<svg class=\"chart trend\""));
    assert_null(strstr(b.data, "<script>"));
    assert_null(strstr(b.data, "<img src=x>"));
    assert_non_null(strstr(b.data, "&lt;script&gt;"));
    assert_null(strstr(b.data, "nav class=\"weeks\"")); /* print: no navigation */
    assert_non_null(strstr(b.data, "data-mode=\"suppressed\""));
    trygg_buf_free(&b);
    /* Buffer cap: output stops and says so (test_render_cap in detail). */
    trygg_buf_init(&b, 1000);
    assert_int_equal(trygg_report_html(r, &o, &b), TRYGG_ERR_TOOBIG);
    trygg_buf_free(&b);
    trygg_report_free(r);
}

/* Rendering returns the buffer's error (issue 11): a report larger than the
 * buffer's cap is an error the caller gets back from trygg_report_csv /
 * trygg_report_html itself, at every cap below the report's size, and a
 * buffer that fits exactly is enough. */
static void check_render_cap(const trygg_report *r, const trygg_report_opts *o, int csv)
{
    trygg_buf b;
    trygg_buf_init(&b, 4 << 20);
    trygg_err e = csv ? trygg_report_csv(r, o, &b) : trygg_report_html(r, o, &b);
    assert_int_equal(e, TRYGG_OK);
    size_t full = b.len;
    assert_true(full > 1000);
    trygg_buf_free(&b);
    const size_t caps[] = {1, 2, 100, full / 3, full / 2, full - 1, full};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        trygg_buf_init(&b, caps[i]); /* holds caps[i] - 1 bytes */
        e = csv ? trygg_report_csv(r, o, &b) : trygg_report_html(r, o, &b);
        assert_int_equal(e, TRYGG_ERR_TOOBIG);
        assert_int_equal(trygg_buf_err(&b), TRYGG_ERR_TOOBIG);
        assert_true(b.len < caps[i]);
        trygg_buf_free(&b);
    }
    trygg_buf_init(&b, full + 1);
    e = csv ? trygg_report_csv(r, o, &b) : trygg_report_html(r, o, &b);
    assert_int_equal(e, TRYGG_OK);
    assert_int_equal(b.len, full);
    trygg_buf_free(&b);
    /* A buffer that already failed stays failed: the render reports it. */
    trygg_buf_init(&b, 4);
    assert_int_equal(trygg_buf_puts(&b, "12345"), TRYGG_ERR_TOOBIG);
    e = csv ? trygg_report_csv(r, o, &b) : trygg_report_html(r, o, &b);
    assert_int_equal(e, TRYGG_ERR_TOOBIG);
    trygg_buf_free(&b);
}

static void test_render_cap(void **state)
{
    trygg_report *r = build_w47(*state);
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    check_render_cap(r, &o, 1);
    check_render_cap(r, &o, 0);
    o.standalone = 1;
    o.print = 1;
    o.suppress = 0;
    check_render_cap(r, &o, 0);
    trygg_report_free(r);
}

/* Kiosk heartbeats and gateway health records fill the availability log. */
static void test_availability(void **state)
{
    rfixture *f = *state;
    trygg_kiosk k;
    memset(&k, 0, sizeof k);
    snprintf(k.id, sizeof k.id, "bibl-1");
    snprintf(k.name, sizeof k.name, "Biblioteket");
    snprintf(k.area, sizeof k.area, "centrum");
    char token[64];
    assert_int_equal(trygg_store_kiosk_add(f->st, &k, token), TRYGG_OK);
    trygg_week w;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    /* Logging began before the week; the kiosk existed before the week. */
    assert_int_equal(trygg_store_test_history_since(f->st, w.start - 86400), TRYGG_OK);
    /* Heartbeats every 60 s for the whole week except a 5-hour hole on
     * Wednesday 10:00-15:00 local. */
    int64_t hole_a = trygg_local_to_utc(2026, 11, 18, 10, 0);
    int64_t hole_b = trygg_local_to_utc(2026, 11, 18, 15, 0);
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    for (int64_t t = w.start - 120; t < w.end + 120; t += 60) {
        if (t > hole_a && t < hole_b)
            continue;
        assert_int_equal(trygg_store_test_kiosk_seen(f->st, "bibl-1", t), TRYGG_OK);
    }
    assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
    /* Gateway: health every 5 minutes, but from Friday 20:00 it reports
     * ok:false for 2 hours, and nothing at all after Saturday 18:00. */
    int64_t bad_a = trygg_local_to_utc(2026, 11, 20, 20, 0);
    int64_t bad_b = trygg_local_to_utc(2026, 11, 20, 22, 0);
    int64_t gone = trygg_local_to_utc(2026, 11, 21, 18, 0);
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    for (int64_t t = w.start - 300; t < gone; t += 300) {
        int bad = t >= bad_a && t < bad_b;
        assert_int_equal(trygg_store_test_health_at(f->st, "smsgw",
                                                    bad ? "{\"ok\": false}" : "{\"ok\": true}", t),
                         TRYGG_OK);
    }
    assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
    trygg_report *r;
    assert_int_equal(trygg_report_build(f->st, &w, NULL, w.end + 3600, &r), TRYGG_OK);
    assert_int_equal(r->nkiosks, 1);
    assert_string_equal(r->kiosks[0].id, "bibl-1");
    assert_int_equal(r->kiosks[0].history, 1);
    /* Hole: last beat at hole_a, next at hole_b; grace 600 s covers the first 10 min. */
    assert_int_equal(r->kiosks[0].offline_s, (hole_b - hole_a) - 600);
    assert_int_equal(r->kiosks[0].longest_s, (hole_b - hole_a) - 600);
    assert_int_equal(r->ngateways, 1);
    assert_string_equal(r->gateways[0].id, "smsgw");
    /* Bad: last good record at bad_a - 300, covered until bad_a + 300; the
     * next good record is at bad_b. Gone: last record at gone - 300 (+600). */
    int64_t down = (bad_b - (bad_a + 300)) + (w.end - (gone + 300));
    assert_int_equal(r->gateways[0].offline_s, down);
    trygg_report_free(r);
    /* The store's own heartbeat and health functions feed the log too: in
     * the week of now, reported as of 10 minutes ahead, the kiosk was offline
     * only until its heartbeat, and the modem is a gateway of the log. */
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(trygg_store_kiosk_heartbeat(f->st, "bibl-1", "0.1.0", 0, ""), TRYGG_OK);
    assert_int_equal(trygg_store_health_put(f->st, "modem", "{\"signal\": 60}"), TRYGG_OK);
    trygg_week cur;
    trygg_week_containing(now, &cur);
    int64_t ahead = now + 600 < cur.end ? now + 600 : cur.end;
    assert_int_equal(trygg_report_build(f->st, &cur, NULL, ahead, &r), TRYGG_OK);
    assert_int_equal(r->nkiosks, 1);
    assert_true(r->kiosks[0].offline_s < ahead - cur.start);
    assert_int_equal(r->ngateways, 2);
    assert_string_equal(r->gateways[0].id, "modem");
    assert_true(r->gateways[0].offline_s < ahead - cur.start);
    trygg_report_free(r);
    /* A week before logging began says so. */
    trygg_week_shift(&w, -2, &w);
    assert_int_equal(trygg_report_build(f->st, &w, NULL, w.end + 3600, &r), TRYGG_OK);
    assert_int_equal(r->kiosks[0].history, 0);
    trygg_report_free(r);
}

static void test_areas_load(void **state)
{
    rfixture *f = *state;
    char path[400], err[256] = "";
    snprintf(path, sizeof path, "%s/areas.ini", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("[server]\nport = 8080\n"
          "[area centrum]\nlabel = Centrum\ngroup = Lilla Edet\n"
          "[area gota]\nlabel = Göta\ngroup = Göta\n"
          "[areas]\nhjartum = Hjärtum | Hjärtum\nnygard = Nygård\n",
          fp);
    fclose(fp);
    trygg_report_areas a;
    assert_int_equal(trygg_report_areas_load(path, &a, err, sizeof err), TRYGG_OK);
    assert_int_equal(a.n, 4);
    assert_string_equal(a.a[0].id, "centrum");
    assert_string_equal(a.a[0].group, "Lilla Edet");
    assert_string_equal(a.a[1].label, "Göta");
    assert_string_equal(a.a[2].label, "Hjärtum");
    assert_string_equal(a.a[2].group, "Hjärtum");
    assert_string_equal(a.a[3].label, "Nygård");
    assert_string_equal(a.a[3].group, "");
    trygg_report_areas_free(&a);
    /* The server's own config file gives the same areas, groups and labels. */
    char ini[512];
    const char *assets = getenv("TRYGG_ASSETS");
    assert_non_null(assets);
    snprintf(ini, sizeof ini, "%s/config/server.ini", assets);
    assert_int_equal(trygg_report_areas_load(ini, &a, err, sizeof err), TRYGG_OK);
    int found = 0;
    for (int i = 0; i < a.n; i++) {
        if (strcmp(a.a[i].id, "centrum") == 0) {
            assert_string_equal(a.a[i].group, "Lilla Edet");
            assert_string_equal(a.a[i].label, "Centrum");
            found++;
        }
        if (strcmp(a.a[i].id, "lodose") == 0) {
            assert_string_equal(a.a[i].label, "Lödöse");
            found++;
        }
    }
    assert_int_equal(found, 2);
    assert_true(a.ncats > 5);
    assert_int_equal(a.small_count, 5);
    for (int i = 0; i < a.ncats; i++)
        if (strcmp(a.c[i].id, "lighting") == 0)
            assert_string_equal(a.c[i].label_en, "Poor lighting");
    trygg_report_areas_free(&a);
    fp = fopen(path, "w");
    fputs("[area centrum]\nlabel = Centrum\ngrupp = typo\n", fp);
    fclose(fp);
    assert_int_not_equal(trygg_report_areas_load(path, &a, err, sizeof err), TRYGG_OK);
    assert_non_null(strstr(err, ":3:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tz_switch),
        cmocka_unit_test(test_week_parse),
        cmocka_unit_test(test_suppress_edges),
        cmocka_unit_test(test_suppress_complementary),
        cmocka_unit_test(test_suppress_derived),
        cmocka_unit_test_setup_teardown(test_build_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_week_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_excludes_duplicate_spam, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_median, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dst_weeks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_suppressed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_running_week, setup, teardown),
        cmocka_unit_test_setup_teardown(test_place_hot_times, setup, teardown),
        cmocka_unit_test(test_trend_gaps),
        cmocka_unit_test_setup_teardown(test_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_availability, setup, teardown),
        cmocka_unit_test_setup_teardown(test_areas_load, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
