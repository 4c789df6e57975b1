/*
 * store_common.h — logic both store backends share that does not touch a
 * database: the measures register's linked ids kept as comma-separated
 * text, and the before/after windows of a measure (store.h "Meeting and
 * measures"). Private to the backends (store_sqlite_*.c, store_pg_*.c).
 */
#ifndef TRYGG_STORE_COMMON_H
#define TRYGG_STORE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "trygg/err.h"
#include "trygg/store.h"

/* The capacity of a measure's joined places or categories. */
#define TRYGG_STC_IDS_CAP   (TRYGG_MEASURE_LINKS * (TRYGG_NAME_MAX + 2) + 1)
#define TRYGG_STC_TYPES_CAP (TRYGG_EVENT_TYPE_COUNT * (TRYGG_NAME_MAX + 2))

/* Splits comma-separated `s` into out[max]; returns the count. */
int trygg_stc_split_ids(const char *s, char (*out)[TRYGG_NAME_MAX + 1], int max);
/* Joins ids[0..n) with commas into out[cap]. */
void trygg_stc_join_ids(const char (*ids)[TRYGG_NAME_MAX + 1], int n, char *out, size_t cap);
/* Event type names, comma-separated, to a mask of 1u << type and back. */
unsigned trygg_stc_parse_types(const char *s);
void trygg_stc_join_types(unsigned mask, char *out, size_t cap);

/* Checks a before/after query and fills out's week labels and after_done;
 * the windows are [*before, *start) and [*start, *after_end) in UTC.
 * TRYGG_ERR_INVALID for a query the contract refuses. */
trygg_err trygg_stc_effect_windows(const trygg_effect_query *q, int64_t now, trygg_effect *out,
                                   int64_t *before, int64_t *start, int64_t *after_end);

/* One event of the police's feed, parsed (police_events.h). */
typedef struct trygg_stc_police {
    int64_t id, at;
    const char *datetime, *name, *summary, *type, *location, *gps;
    char url[1024]; /* absolute: origin + a relative url */
} trygg_stc_police;

/* Parses the feed `json` (a JSON array) and calls put(ctx, ev) for each
 * well-formed event (an object with a positive integer id and a datetime
 * trygg_police_parse_time takes), counting the others in *skipped; stops
 * at the first error put returns. A feed that is not a JSON array is
 * TRYGG_ERR_INVALID with the reason in err[cap]. */
trygg_err trygg_stc_police_each(const char *json, size_t len, const char *origin,
                                trygg_err (*put)(void *ctx, const trygg_stc_police *ev), void *ctx,
                                int *skipped, char *err, size_t cap);

#endif
