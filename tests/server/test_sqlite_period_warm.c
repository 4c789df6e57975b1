/*
 * test_sqlite_period_warm.c — the server's background job fills the period
 * cache (schema v21): after one report_warm_periods run in December 2026
 * every week piece of 2024, 2025 and 2026 is counted, so no reader of the
 * quarter or the year waits for a first count (server/report_web.c); and
 * the 12 complete weeks before the running one are in the week cache, so
 * the first week picture after a week ends reads them too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "report_web.h"
#include "trygg/store.h"
#include "trygg/time.h"

/* The counted pieces of the period cache within 2024..2026. */
static int64_t pieces_done(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int64_t n = -1;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM report_piece_done"
                                        " WHERE piece_start >= ?1 AND piece_end <= ?2",
                                        -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(s, 1, trygg_local_to_utc(2024, 1, 1, 0, 0));
    sqlite3_bind_int64(s, 2, trygg_local_to_utc(2027, 1, 1, 0, 0));
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

static void test_period_cache_warmed(void **state)
{
    (void)state;
    char dir[256], path[300];
    snprintf(dir, sizeof dir, "%s/trygg-warm-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/trygg.db", dir);
    trygg_store *st = NULL;
    assert_int_equal(trygg_store_open(path, &st), TRYGG_OK);
    assert_int_equal(pieces_done(path), 0);
    int weeks = -1;
    int64_t last_end = 0;
    assert_int_equal(trygg_store_report_cache_info(st, &weeks, NULL), TRYGG_OK);
    assert_int_equal(weeks, 0);
    report_warm_periods(st, trygg_local_to_utc(2026, 12, 7, 10, 0));
    /* 2024..2026: 157 ISO weeks, cut at the month edges that fall within one */
    int64_t n = pieces_done(path);
    assert_true(n >= 3 * 52 + 30);
    assert_true(n <= 157 + 36);
    /* Monday 2026-12-07 is in W50: W38..W49 are cached, the last ending at
     * the running week's start. */
    assert_int_equal(trygg_store_report_cache_info(st, &weeks, &last_end), TRYGG_OK);
    assert_int_equal(weeks, 12);
    assert_true(last_end == trygg_local_to_utc(2026, 12, 7, 0, 0));
    trygg_store_close(st);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_cache_warmed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
