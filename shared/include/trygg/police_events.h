/*
 * police_events.h — the Swedish police's public events feed, as a separate
 * source beside the citizens' reports in the situation picture.
 *
 * The feed is a JSON array of events: {"id", "datetime" ("2026-11-20
 * 8:09:39 +01:00"), "name", "summary", "url", "type", "location": {"name",
 * "gps"}}. The feed URL (with its locationname filter for the municipality)
 * is configuration. A fetch is bounded (connect and total timeout, a body
 * size cap, http/https only); a feed that is down, slow, too big or
 * malformed gives an error and changes nothing. Events are upserted by id in
 * one transaction; single events without a usable id or time are skipped.
 *
 * The events live in the table police_events (schema step v6). The fetch
 * over the network is the server's (server/police_fetch.h); libtrygg does
 * no network I/O. Read first: trygg_police_store_json.
 */
#ifndef TRYGG_POLICE_EVENTS_H
#define TRYGG_POLICE_EVENTS_H

#include <stddef.h>

#include "err.h"
#include "store.h"

#define TRYGG_POLICE_MAX_BYTES (4u * 1024u * 1024u)

/* Parses a feed body and upserts its events. *stored (may be NULL) gets the
 * number of events written, *skipped (may be NULL) those left out. Relative
 * event URLs ("/aktuellt/...") are made absolute with `origin` (e.g.
 * "https://polisen.se"; NULL leaves them). Malformed JSON or a top level
 * that is not an array gives TRYGG_ERR_INVALID, a message in err[errcap] and
 * no change. */
TRYGG_MUST_CHECK trygg_err trygg_police_store_json(trygg_store *st, const char *json, size_t len,
                                                   const char *origin, int *stored, int *skipped,
                                                   char *err, size_t errcap);

/* Number of stored events. */
TRYGG_MUST_CHECK trygg_err trygg_police_count(trygg_store *st, int64_t *n);

/* Records when a fetch was last tried ("police_last_try") or last
 * succeeded ("police_last_ok") at unix time `at` (report_meta; shown with
 * the report's sources). TRYGG_ERR_INVALID for another key. */
TRYGG_MUST_CHECK trygg_err trygg_police_note(trygg_store *st, const char *what, int64_t at);

/* Parses the feed's "YYYY-MM-DD H:MM:SS +HH:MM" into unix seconds; -1 on error. */
int64_t trygg_police_parse_time(const char *s);

/* ---- Police events on places, by hand --------------------------------------
 * The feed's coordinates are only the municipality's centroid, so no event
 * is ever placed from the feed (nor by the fetch's upsert, which leaves
 * these fields alone). A user of the security department attaches an event
 * to a place of the register, and may detach it again; each is recorded in
 * the audit of police places (who, when, which place). */
typedef struct trygg_police_event {
    int64_t id;
    int64_t at;
    char type[96];
    char name[256];
    char summary[512];
    char location[128];
    char url[256];
    char place[TRYGG_NAME_MAX + 1];       /* [place ID], "" = not placed */
    char place_area[TRYGG_NAME_MAX + 1];  /* its area when it was placed */
    char place_label[TRYGG_NAME_MAX + 1]; /* its label when it was placed */
    char placed_by[TRYGG_NAME_MAX + 1];
    int64_t placed_at;
} trygg_police_event;

/* Attaches event `id` to place `place_id` (area and label from the place
 * register, *ref) or, with place_id "" (ref ignored), detaches it, as
 * `actor` at `now`, with a row in the audit of police places, in one
 * transaction. TRYGG_ERR_NOTFOUND for an unknown event, TRYGG_ERR_INVALID
 * for a missing actor or a place id without its area and label. */
TRYGG_MUST_CHECK trygg_err trygg_police_place(trygg_store *st, int64_t id, const char *place_id,
                                              const trygg_place_ref *ref, const char *actor,
                                              int64_t now);
/* Lists up to `max` events with from <= at < to, oldest first, into out[]. */
TRYGG_MUST_CHECK trygg_err trygg_police_list(trygg_store *st, int64_t from, int64_t to,
                                             trygg_police_event *out, int max, int *n);
/* The audit of police places: how many attach/detach rows event `id` has. */
TRYGG_MUST_CHECK trygg_err trygg_police_place_audits(trygg_store *st, int64_t id, int64_t *n);

#endif
