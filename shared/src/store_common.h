/*
 * store_common.h — logic both store backends share that does not touch a
 * database: the measures register's linked ids kept as comma-separated
 * text, the before/after windows of a measure (store.h "Meeting and
 * measures"), the recipients' scrubbed copies, the checks and values of a
 * partner event and of a status move. Private to the backends (store_sqlite_*.c, store_pg_*.c).
 */
#ifndef TRYGG_STORE_COMMON_H
#define TRYGG_STORE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "trygg/err.h"
#include "trygg/report.h"
#include "trygg/sql_values.h"
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

/* The recipients' copy of `in` into out[cap] (scrubbed; "" when it cannot be
 * scrubbed, so nothing unscrubbed is ever stored there). */
void trygg_stc_shared_copy(const char *in, char *out, size_t cap);

/* Validates `ev` (TRYGG_ERR_INVALID with the bad field's name in *field),
 * fills *clean with it and the scrubbed copies of its place and text, and
 * v[0..6] with the values of type..text of *clean (the first seven
 * parameters of the insert and the update). */
trygg_err trygg_stc_event_vals(const trygg_event *ev, trygg_event *clean, trygg_sql_val v[7],
                               const char **field);
/* The index of the first event read with an unknown type (-1), or -1. */
int trygg_stc_event_corrupt(const trygg_event *evs, int n);

/* Appends "field: from -> to" to the audit text detail[cap] ("; " between). */
void trygg_stc_append_change(char *detail, size_t cap, const char *field, const char *from,
                             const char *to);
/* The allowed moves: forward along new -> triaged -> forwarded|in_progress
 * -> closed, between forwarded and in_progress, closing from any open state
 * (spam or a duplicate can be closed straight from new), reopening a closed
 * item to triaged, and back to triaged from forwarded or in progress (a
 * recipient returning an item that is not theirs). */
int trygg_stc_transition_ok(trygg_status from, trygg_status to);
/* ---- Idempotent submit and counts shared by both backends ---------------- */

/* One backend's insert of an item that does nothing when its client key
 * or reference is taken (*inserted = 0), and its error recorder. */
typedef trygg_err (*trygg_stc_insert_fn)(trygg_store *st, trygg_item *it, int *inserted);
typedef trygg_err (*trygg_stc_fail_fn)(trygg_store *st, trygg_err err, const char *fmt, ...);
/* Insert-or-get on the two unique keys: if the insert did nothing, the key
 * decides. If an item has it, that item is the answer (*existing = 1,
 * copied to *out). If not, the reference was someone else's: a kiosk's
 * reference (shown on a receipt) is never replaced (TRYGG_ERR_EXISTS); any
 * other gets a fresh random one (it->ref) and the insert is tried again. */
trygg_err trygg_stc_claim_key_and_ref(trygg_store *st, trygg_item *it, trygg_item *out,
                                      int *inserted, int *existing, trygg_stc_insert_fn insert,
                                      trygg_stc_fail_fn fail);

/* The counts by status of trygg_store_count_by_status, fed by a backend's
 * grouped query: add one (status name, count) row with
 * trygg_stc_status_count (ctx a trygg_stc_status_counts; 1 stops at a
 * name this program does not know, corrupt set). */
typedef struct trygg_stc_status_counts {
    int64_t *counts;
    int corrupt;
} trygg_stc_status_counts;
int trygg_stc_status_count(void *ctx, const char *key, int64_t count);

/* Column lists of a move (store.h "Moving a store to another backend"),
 * comma-separated names: the number of names in `cols` (0 for ""), and 1
 * when every name of `cols` is in `have`, none of them twice. */
int trygg_stc_cols_count(const char *cols);
int trygg_stc_cols_subset(const char *cols, const char *have);

#endif
