/*
 * test_report_period.c — the quarter and the year (trygg/report_period.h):
 * periods in local time, the three columns and the months against a data
 * set with known counts (duplicates and spam left out), the published
 * view's suppression on random small periods, and police events that get a
 * place only by hand (trygg_police_place).
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

#include "trygg/police_events.h"
#include "store_fixture.h"
#include "trygg/report_period.h"
#include "trygg/time.h"

typedef struct pfixture {
    char dir[256];
    char path[300];
    char pgdb[64];
    trygg_store *st;
    int seq;
} pfixture;

static int setup(void **state)
{
    pfixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/trygg-period-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(fx_db_make(f->dir, f->path, sizeof f->path, f->pgdb), 0);
    assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    pfixture *f = *state;
    trygg_store_close(f->st);
    fx_db_drop_name(f->pgdb);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    free(f);
    return 0;
}

static int64_t add_item(pfixture *f, int64_t created, trygg_kind kind, const char *cat,
                        const char *area, const char *place)
{
    trygg_item it, out;
    int was_new = 0;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "p-%08d", ++f->seq);
    it.kind = kind;
    it.channel = TRYGG_CHANNEL_KIOSK;
    snprintf(it.category, sizeof it.category, "%s", cat);
    snprintf(it.area, sizeof it.area, "%s", area);
    snprintf(it.place, sizeof it.place, "%s", place);
    snprintf(it.text, sizeof it.text, "generated");
    it.created = created;
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &was_new), TRYGG_OK);
    return out.id;
}

static void add_event(pfixture *f, const char *day, const char *area, int count)
{
    trygg_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = TRYGG_EVENT_GRAFFITI;
    snprintf(ev.day, sizeof ev.day, "%s", day);
    snprintf(ev.band, sizeof ev.band, "evening");
    snprintf(ev.area, sizeof ev.area, "%s", area);
    ev.count = count;
    snprintf(ev.org, sizeof ev.org, "housing");
    snprintf(ev.reporter, sizeof ev.reporter, "hanna");
    int64_t id;
    assert_int_equal(trygg_store_event_add(f->st, &ev, &id), TRYGG_OK);
}

static int64_t day(int y, int m, int d, int h)
{
    return trygg_time_from_local(y, m, d, h, 0, 0);
}

static void areas_init(trygg_report_areas *a)
{
    memset(a, 0, sizeof *a);
    snprintf(a->a[0].id, sizeof a->a[0].id, "centrum");
    snprintf(a->a[0].label, sizeof a->a[0].label, "Centrum");
    snprintf(a->a[1].id, sizeof a->a[1].id, "gota");
    snprintf(a->a[1].label, sizeof a->a[1].label, "Göta");
    a->n = 2;
}

static int row_of(const trygg_period_table *t, const char *key)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].key, key) == 0)
            return i;
    return -1;
}

/* ---- periods ------------------------------------------------------------------------ */

static void test_period_parse(void **state)
{
    (void)state;
    trygg_period p, q;
    assert_int_equal(trygg_period_parse("2026-Q3", &p), TRYGG_OK);
    assert_int_equal(p.kind, TRYGG_PERIOD_QUARTER);
    assert_int_equal(p.nmonths, 3);
    assert_true(p.start == day(2026, 7, 1, 0) && p.end == day(2026, 10, 1, 0));
    assert_true(p.month[1] == day(2026, 8, 1, 0));
    assert_int_equal(trygg_period_parse("2026h2", &p), TRYGG_OK);
    assert_true(p.kind == TRYGG_PERIOD_HALF && p.start == day(2026, 7, 1, 0) &&
                p.end == day(2027, 1, 1, 0));
    assert_int_equal(trygg_period_parse("2026", &p), TRYGG_OK);
    assert_true(p.kind == TRYGG_PERIOD_YEAR && p.nmonths == 12 && p.end == day(2027, 1, 1, 0));
    static const char *const bad[] = {"2026-Q5", "2026-Q0",  "2026-H3", "26-Q1",   "2026-Q",
                                      "abcd",    "2026-W47", "",        "2026-Q11"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(trygg_period_parse(bad[i], &p), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_period_parse("2026-Q1", &p), TRYGG_OK);
    trygg_period_shift(&p, -1, &q);
    char s[16];
    trygg_period_format(&q, s, sizeof s);
    assert_string_equal(s, "2025-Q4");
    trygg_period_last_complete(TRYGG_PERIOD_QUARTER, day(2026, 5, 10, 12), &q);
    trygg_period_format(&q, s, sizeof s);
    assert_string_equal(s, "2026-Q1");
    trygg_period_last_complete(TRYGG_PERIOD_YEAR, day(2026, 5, 10, 12), &q);
    trygg_period_format(&q, s, sizeof s);
    assert_string_equal(s, "2025");
}

/* ---- counts -------------------------------------------------------------------------- */

static void test_quarter_counts(void **state)
{
    pfixture *f = *state;
    /* 2025-Q3 (a year before): 2; 2026-Q2 (before): 3; 2026-Q3: 7 + a spam
     * and a duplicate that are not counted */
    add_item(f, day(2025, 8, 3, 12), TRYGG_KIND_FAULT, "graffiti", "centrum", "");
    add_item(f, day(2025, 9, 30, 23), TRYGG_KIND_FAULT, "graffiti", "gota", "");
    for (int i = 0; i < 3; i++)
        add_item(f, day(2026, 4 + i, 10, 12), TRYGG_KIND_CONCERN, "lighting", "gota", "");
    for (int i = 0; i < 4; i++)
        add_item(f, day(2026, 7, 1 + i, 0), TRYGG_KIND_FAULT, "graffiti", "centrum", "Torget");
    for (int i = 0; i < 3; i++)
        add_item(f, day(2026, 9, 30, 20 + i), TRYGG_KIND_CONCERN, "lighting", "gota", "");
    int64_t spam = add_item(f, day(2026, 8, 1, 9), TRYGG_KIND_FAULT, "graffiti", "centrum", "");
    int64_t dup = add_item(f, day(2026, 8, 2, 9), TRYGG_KIND_FAULT, "graffiti", "centrum", "");
    assert_int_equal(
        trygg_store_set_status(f->st, spam, "sara", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_SPAM, 0),
        TRYGG_OK);
    assert_int_equal(trygg_store_set_status(f->st, dup, "sara", TRYGG_STATUS_CLOSED,
                                            TRYGG_CLOSE_DUPLICATE, spam - 1),
                     TRYGG_OK);
    add_item(f, day(2026, 10, 1, 0), TRYGG_KIND_FAULT, "graffiti", "centrum", ""); /* Q4 */
    add_event(f, "2026-08-15", "gota", 4);
    add_event(f, "2026-06-30", "gota", 2); /* Q2 */
    const char *feed =
        "[{\"id\": 11, \"datetime\": \"2026-08-20 21:10:00 +02:00\", \"name\":"
        " \"x\", \"type\": \"Skadegörelse\", \"location\": {\"name\": \"Lilla Edet\","
        " \"gps\": \"58.13,12.13\"}}]";
    int stored = 0;
    char err[256];
    assert_int_equal(
        trygg_police_store_json(f->st, feed, strlen(feed), NULL, &stored, NULL, err, sizeof err),
        TRYGG_OK);
    trygg_report_areas a;
    areas_init(&a);
    trygg_period p;
    assert_int_equal(trygg_period_parse("2026-Q3", &p), TRYGG_OK);
    trygg_period_report *r = NULL;
    assert_int_equal(trygg_period_build(f->st, &p, &a, 8, day(2026, 11, 1, 0), &r), TRYGG_OK);
    assert_int_equal(r->ncols, 3);
    assert_true(r->has_year_ago);
    assert_false(r->running);
    assert_int_equal(r->total[TRYGG_PCOL_CUR], 7);
    assert_int_equal(r->total[TRYGG_PCOL_PREV], 3);
    assert_int_equal(r->total[TRYGG_PCOL_YEAR], 2);
    assert_int_equal(r->total_month[0], 4);
    assert_int_equal(r->total_month[1], 0);
    assert_int_equal(r->total_month[2], 3);
    assert_int_equal(r->events[TRYGG_PCOL_CUR], 4);
    assert_int_equal(r->events[TRYGG_PCOL_PREV], 2);
    assert_int_equal(r->police[TRYGG_PCOL_CUR], 1);
    const trygg_period_table *at = &r->dim[TRYGG_PDIM_AREA_ITEMS];
    int c = row_of(at, "centrum"), g = row_of(at, "gota");
    assert_true(c >= 0 && g >= 0);
    assert_int_equal(at->rows[c].col[TRYGG_PCOL_CUR], 4);
    assert_int_equal(at->rows[g].col[TRYGG_PCOL_PREV], 3);
    /* the police event has no place: its area is "" */
    const trygg_period_table *pt = &r->dim[TRYGG_PDIM_AREA_POLICE];
    assert_int_equal(pt->rows[row_of(pt, "")].col[TRYGG_PCOL_CUR], 1);
    assert_int_equal(pt->rows[row_of(pt, "centrum")].col[TRYGG_PCOL_CUR], 0);
    assert_int_equal(r->ntop, 1);
    assert_string_equal(r->top[0].label, "centrum: Torget");
    assert_int_equal(r->top[0].n, 4);
    trygg_period_free(r);
    /* the future is refused; the running quarter is marked */
    assert_int_equal(trygg_period_build(f->st, &p, &a, 8, day(2026, 6, 1, 0), &r),
                     TRYGG_ERR_INVALID);
    assert_int_equal(trygg_period_build(f->st, &p, &a, 8, day(2026, 8, 1, 0), &r), TRYGG_OK);
    assert_true(r->running);
    trygg_period_free(r);
    /* the year: two columns, twelve months */
    assert_int_equal(trygg_period_parse("2026", &p), TRYGG_OK);
    assert_int_equal(trygg_period_build(f->st, &p, &a, 8, day(2027, 2, 1, 0), &r), TRYGG_OK);
    assert_int_equal(r->ncols, 2);
    assert_int_equal(r->total[TRYGG_PCOL_CUR], 11);
    assert_int_equal(r->total[TRYGG_PCOL_PREV], 2);
    assert_int_equal(r->total_month[9], 1);
    trygg_period_free(r);
}

static void test_no_year_ago(void **state)
{
    pfixture *f = *state;
    add_item(f, day(2026, 7, 3, 12), TRYGG_KIND_FAULT, "graffiti", "centrum", "");
    trygg_period p;
    assert_int_equal(trygg_period_parse("2026-Q3", &p), TRYGG_OK);
    trygg_period_report *r = NULL;
    assert_int_equal(trygg_period_build(f->st, &p, NULL, 8, day(2026, 11, 1, 0), &r), TRYGG_OK);
    assert_false(r->has_year_ago);
    trygg_buf b;
    trygg_buf_init(&b, 1u << 22);
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    o.suppress = 1;
    assert_int_equal(trygg_period_csv(r, &o, &b), TRYGG_OK);
    assert_null(strstr(trygg_buf_str(&b), "2025-Q3")); /* no column of a year before */
    trygg_buf_free(&b);
    trygg_period_free(r);
}

/* ---- the published view -------------------------------------------------------------- */

/* In one column of cells: nothing small shown, and the hidden ones sum to 0
 * or to at least T (the complementary rule) — or every cell is hidden, when
 * the column's total is itself below T (and so hidden too). */
static void check_column(const int64_t *v, const trygg_cell *s, int n, int T)
{
    int64_t hidden = 0, total = 0;
    for (int i = 0; i < n; i++) {
        total += v[i];
        if (s[i] == TRYGG_CELL_SHOWN)
            assert_true(v[i] >= T);
        else
            hidden += v[i];
    }
    assert_true(hidden == 0 || hidden >= T || (hidden == total && total < T));
}

static void test_published_suppression(void **state)
{
    pfixture *f = *state;
    static const char *const areas[] = {"centrum", "gota", "lodose"};
    static const char *const cats[] = {"graffiti", "lighting", "other"};
    srand(15);
    for (int i = 0; i < 120; i++) {
        int m = 1 + rand() % 12, d = 1 + rand() % 28;
        add_item(f, day(2026, m, d, rand() % 24), (trygg_kind)(rand() % TRYGG_KIND_COUNT),
                 cats[rand() % 3], areas[rand() % 3], rand() % 3 ? "" : "Torget");
    }
    trygg_report_areas a;
    areas_init(&a);
    const int T = 5;
    static const char *const names[] = {"2026-Q1", "2026-Q2", "2026-Q3", "2026-H2", "2026"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        trygg_period p;
        assert_int_equal(trygg_period_parse(names[k], &p), TRYGG_OK);
        trygg_period_report *r = NULL;
        assert_int_equal(trygg_period_build(f->st, &p, &a, 8, day(2027, 2, 1, 0), &r), TRYGG_OK);
        trygg_period_cells *c = calloc(1, sizeof *c);
        trygg_period_suppress(r, T, c);
        for (int d = 0; d < TRYGG_PDIM_POLICE; d++)
            for (int col = 0; col < TRYGG_PERIOD_COLS; col++) {
                int64_t v[TRYGG_PERIOD_KEYS + 1];
                for (int i = 0; i < r->dim[d].n; i++)
                    v[i] = r->dim[d].rows[i].col[col];
                check_column(v, c->dim[d][col], r->dim[d].n, T);
            }
        for (int i = 0; i < r->dim[TRYGG_PDIM_KIND].n; i++) { /* months of each kind */
            check_column(r->dim[TRYGG_PDIM_KIND].rows[i].month, c->kind_month[i], p.nmonths, T);
            int64_t col[TRYGG_PERIOD_KEYS + 1];
            trygg_cell cs[TRYGG_PERIOD_KEYS + 1];
            for (int m = 0; m < p.nmonths; m++) { /* kinds of each month */
                for (int j = 0; j < r->dim[TRYGG_PDIM_KIND].n; j++) {
                    col[j] = r->dim[TRYGG_PDIM_KIND].rows[j].month[m];
                    cs[j] = c->kind_month[j][m];
                }
                check_column(col, cs, r->dim[TRYGG_PDIM_KIND].n, T);
            }
        }
        check_column(r->total_month, c->total_month, p.nmonths, T);
        /* the published CSV: every shown count of a suppressed table >= T */
        trygg_buf b;
        trygg_buf_init(&b, 1u << 22);
        trygg_report_opts o;
        trygg_report_opts_init(&o);
        o.suppress = 1;
        o.threshold = T;
        assert_int_equal(trygg_period_csv(r, &o, &b), TRYGG_OK);
        char *save = NULL, *text = strdup(trygg_buf_str(&b));
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            if (strncmp(line, "police", 6) == 0 || strncmp(line, "month_police", 12) == 0 ||
                strncmp(line, "cutoff", 6) == 0 || strncmp(line, "view_shown", 10) == 0 ||
                strncmp(line, "measure_status", 14) == 0 || strncmp(line, "total,police", 12) == 0)
                continue;
            const char *last = strrchr(line, ',') + 1;
            if (last[0] >= '0' && last[0] <= '9')
                assert_true(atoll(last) >= T);
            assert_null(strstr(line, "top_place")); /* places are internal */
            assert_null(strstr(line, "area_police"));
        }
        free(text);
        trygg_buf_free(&b);
        /* the published page names no place and says which view it is */
        trygg_buf_init(&b, 1u << 22);
        assert_int_equal(trygg_period_html(r, &o, &b), TRYGG_OK);
        assert_non_null(strstr(trygg_buf_str(&b), "data-mode=\"suppressed\""));
        assert_null(strstr(trygg_buf_str(&b), "Torget"));
        trygg_buf_free(&b);
        o.suppress = 0;
        trygg_buf_init(&b, 1u << 22);
        assert_int_equal(trygg_period_html(r, &o, &b), TRYGG_OK);
        assert_non_null(strstr(trygg_buf_str(&b), "Torget"));
        assert_non_null(strstr(trygg_buf_str(&b), "id=\"months\""));
        trygg_buf_free(&b);
        free(c);
        trygg_period_free(r);
    }
}

/* ---- police events placed by hand --------------------------------------------------- */

static void test_police_placed_by_hand_only(void **state)
{
    pfixture *f = *state;
    /* the feed's position is the municipality's centre, exactly where a
     * registered place could be: still no place */
    const char *feed = "[{\"id\": 1, \"datetime\": \"2026-11-17 22:00:00 +01:00\", \"type\":"
                       " \"Brand\", \"location\": {\"name\": \"Lilla Edet\", \"gps\":"
                       " \"58.1333,12.1333\"}}, {\"id\": 2, \"datetime\": \"2026-11-18 01:00:00"
                       " +01:00\", \"type\": \"Stöld\", \"location\": {\"name\": \"Lilla Edet\","
                       " \"gps\": \"58.1333,12.1333\"}}]";
    char err[256];
    int stored = 0;
    assert_int_equal(trygg_police_store_json(f->st, feed, strlen(feed), "https://polisen.se",
                                             &stored, NULL, err, sizeof err),
                     TRYGG_OK);
    int64_t from = day(2026, 11, 16, 0), to = day(2026, 11, 23, 0);
    trygg_police_event ev[4];
    int n = 0;
    assert_int_equal(trygg_police_list(f->st, from, to, ev, 4, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        assert_string_equal(ev[i].place, "");
        assert_string_equal(ev[i].place_area, "");
    }
    /* attach by hand */
    trygg_place_ref ref;
    memset(&ref, 0, sizeof ref);
    snprintf(ref.area, sizeof ref.area, "lodose");
    snprintf(ref.label, sizeof ref.label, "Gångtunneln");
    assert_int_equal(trygg_police_place(f->st, 1, "lodose_tunnel", &ref, "sara", to), TRYGG_OK);
    assert_int_equal(trygg_police_place(f->st, 99, "lodose_tunnel", &ref, "sara", to),
                     TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_police_place(f->st, 1, "lodose_tunnel", NULL, "sara", to),
                     TRYGG_ERR_INVALID);
    assert_int_equal(trygg_police_place(f->st, 1, "lodose_tunnel", &ref, "", to),
                     TRYGG_ERR_INVALID);
    /* the next fetch upserts the same events: the place stays */
    assert_int_equal(
        trygg_police_store_json(f->st, feed, strlen(feed), NULL, &stored, NULL, err, sizeof err),
        TRYGG_OK);
    assert_int_equal(trygg_police_list(f->st, from, to, ev, 4, &n), TRYGG_OK);
    assert_string_equal(ev[0].place, "lodose_tunnel");
    assert_string_equal(ev[0].place_area, "lodose");
    assert_string_equal(ev[0].placed_by, "sara");
    assert_string_equal(ev[1].place, "");
    int64_t audits = 0;
    assert_int_equal(trygg_police_place_audits(f->st, 1, &audits), TRYGG_OK);
    assert_int_equal(audits, 1);
    /* the week's picture shows it (internal), the period counts it per area */
    trygg_week w;
    assert_int_equal(trygg_week_parse("2026-W47", &w), TRYGG_OK);
    trygg_report *rep = NULL;
    assert_int_equal(trygg_report_build(f->st, &w, NULL, to, &rep), TRYGG_OK);
    assert_int_equal(rep->npolice, 2);
    assert_string_equal(rep->police[0].place_label, "Gångtunneln");
    trygg_buf b;
    trygg_buf_init(&b, 1u << 22);
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    o.suppress = 0;
    assert_int_equal(trygg_report_html(rep, &o, &b), TRYGG_OK);
    assert_non_null(strstr(trygg_buf_str(&b), "id=\"police-places\""));
    trygg_buf_free(&b);
    o.suppress = 1;
    trygg_buf_init(&b, 1u << 22);
    assert_int_equal(trygg_report_html(rep, &o, &b), TRYGG_OK);
    assert_null(strstr(trygg_buf_str(&b), "Gångtunneln"));
    trygg_buf_free(&b);
    trygg_report_free(rep);
    /* detach: back to no place, audited */
    assert_int_equal(trygg_police_place(f->st, 1, "", NULL, "sara", to + 60), TRYGG_OK);
    assert_int_equal(trygg_police_list(f->st, from, to, ev, 4, &n), TRYGG_OK);
    assert_string_equal(ev[0].place, "");
    assert_string_equal(ev[0].placed_by, "");
    assert_int_equal(trygg_police_place_audits(f->st, 1, &audits), TRYGG_OK);
    assert_int_equal(audits, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_parse),
        cmocka_unit_test_setup_teardown(test_quarter_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_year_ago, setup, teardown),
        cmocka_unit_test_setup_teardown(test_published_suppression, setup, teardown),
        cmocka_unit_test_setup_teardown(test_police_placed_by_hand_only, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
