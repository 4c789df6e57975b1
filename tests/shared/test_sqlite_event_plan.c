/*
 * test_sqlite_event_plan.c — the week picture's partner-event statements on
 * SQLite read an index by day by a range. trygg_store_event_totals runs 13
 * times per week picture and the map's events by place once; with a bound
 * written "?1 IS NULL OR day >= ?1" SQLite planned a scan of every event
 * (200,000 in bench_report) for each. The plans of the statements the
 * backend runs (store_sqlite_events.h) must be SEARCH ... USING INDEX
 * events_day, or the covering events_week of v24, (day>? AND day<?): a
 * range with both ends, not only one, which would still read every event
 * before the week; never SCAN events. The old form is checked to scan, so
 * the check can see a scan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_fixture.h"
#include "store_sqlite_events.h"
#include "store_sqlite_internal.h"

typedef struct plan {
    int search_day; /* a SEARCH of events by day (events_day or events_week), both bounds */
    int scan;       /* a SCAN of events */
    char text[1024];
} plan;

static int mk(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/trygg-evplan-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/trygg.db", f->dir);
    /* The store creates the schema (every migration), then closes. */
    assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_OK);
    trygg_store_close(f->st);
    f->st = NULL;
    *state = f;
    return 0;
}

static int rm(void **state)
{
    fixture *f = *state;
    fx_rmdir(f->dir);
    free(f);
    return 0;
}

static void plan_of(const char *path, const char *sql, plan *p)
{
    memset(p, 0, sizeof *p);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char q[1024];
    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    size_t used = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(s, 3);
        if (!d)
            continue;
        if (strncmp(d, "SEARCH events USING ", 20) == 0 &&
            (strstr(d, "INDEX events_day (day>? AND day<?)") ||
             strstr(d, "INDEX events_week (day>? AND day<?)")))
            p->search_day = 1;
        if (strncmp(d, "SCAN events", 11) == 0)
            p->scan = 1;
        int w = snprintf(p->text + used, sizeof p->text - used, "%s; ", d);
        if (w > 0 && (size_t)w < sizeof p->text - used)
            used += (size_t)w;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
}

static void assert_index_range(const char *path, const char *sql)
{
    plan p;
    plan_of(path, sql, &p);
    if (!p.search_day || p.scan)
        fail_msg("%s\n  plan: %s\n  wanted SEARCH events USING INDEX events_day or events_week"
                 " (day>? AND day<?), "
                 "no SCAN",
                 sql, p.text);
}

/* The week's totals by type (13 per picture) and the map's events by place. */
static void test_week_event_statements_use_index(void **state)
{
    fixture *f = *state;
    assert_index_range(f->path, TRYGG_SQLITE_EVENT_TOTALS);
    assert_index_range(f->path, TRYGG_SQLITE_EVENT_PLACES);
}

/* The totals read no row: the covering index events_week (v24) has every
 * column they need. */
static void test_totals_covered(void **state)
{
    fixture *f = *state;
    plan p;
    plan_of(f->path, TRYGG_SQLITE_EVENT_TOTALS, &p);
    if (!strstr(p.text, "USING COVERING INDEX events_week (day>? AND day<?)"))
        fail_msg("totals plan: %s", p.text);
}

/* The form the fix replaced scans: the check above would see it. */
static void test_old_form_scans(void **state)
{
    fixture *f = *state;
    plan p;
    plan_of(f->path,
            "SELECT type, SUM(count) FROM events WHERE (?1 IS NULL OR day >= ?1) AND"
            " (?2 IS NULL OR day <= ?2) GROUP BY type",
            &p);
    assert_true(p.scan);
    assert_false(p.search_day);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_week_event_statements_use_index, mk, rm),
        cmocka_unit_test_setup_teardown(test_totals_covered, mk, rm),
        cmocka_unit_test_setup_teardown(test_old_form_scans, mk, rm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
