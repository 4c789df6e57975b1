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

#endif
