/*
 * report_pg_fill.h — bench_report on PostgreSQL (bench/report_pg_fill.c).
 */
#ifndef TRYGG_BENCH_REPORT_PG_FILL_H
#define TRYGG_BENCH_REPORT_PG_FILL_H

#include <stdint.h>

#include "trygg/store.h"

/* Fills an empty PostgreSQL store with n items over the weeks [first, end)
 * and 200,000 partner events over the `weeks` weeks before end, by SQL,
 * then ANALYZE. */
TRYGG_MUST_CHECK trygg_err bench_pg_fill(trygg_store *st, long n, int weeks, int64_t first,
                                         int64_t end);
/* The number of items in the store. */
TRYGG_MUST_CHECK trygg_err bench_pg_count(trygg_store *st, int64_t *n);

#endif
