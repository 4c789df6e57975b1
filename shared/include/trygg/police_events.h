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
 * The events live in the table police_events, created by
 * trygg_police_db_init (IF NOT EXISTS). Read first: trygg_police_fetch.
 */
#ifndef TRYGG_POLICE_EVENTS_H
#define TRYGG_POLICE_EVENTS_H

#include <stddef.h>

#include "err.h"
#include "store.h"

#define TRYGG_POLICE_MAX_BYTES (4u * 1024u * 1024u)

typedef struct trygg_police_opts {
    const char *url;  /* e.g. https://polisen.se/api/events?locationname=Lilla%20Edet */
    long timeout_s;   /* total; default 20 */
    size_t max_bytes; /* body cap; default TRYGG_POLICE_MAX_BYTES */
} trygg_police_opts;

/* Creates the police_events table if missing (no transaction of its own). */
trygg_err trygg_police_db_init(trygg_store *st);

/* Parses a feed body and upserts its events. *stored (may be NULL) gets the
 * number of events written, *skipped (may be NULL) those left out. Relative
 * event URLs ("/aktuellt/...") are made absolute with `origin` (e.g.
 * "https://polisen.se"; NULL leaves them). Malformed JSON or a top level
 * that is not an array gives TRYGG_ERR_INVALID, a message in err[errcap] and
 * no change. */
trygg_err trygg_police_store_json(trygg_store *st, const char *json, size_t len, const char *origin,
                                  int *stored, int *skipped, char *err, size_t errcap);

/* Fetches the feed with libcurl and stores it (trygg_police_store_json).
 * TRYGG_ERR_INVALID for a URL that is not http(s)://; TRYGG_ERR_IO when the
 * feed is unreachable, times out or answers non-2xx,
 * TRYGG_ERR_TOOBIG over the size cap, TRYGG_ERR_INVALID when malformed; the
 * reason is in err[errcap]. The outcome is recorded in report_meta
 * (police_last_try, police_last_ok). */
trygg_err trygg_police_fetch(trygg_store *st, const trygg_police_opts *o, int *stored, char *err,
                             size_t errcap);

/* Parses the feed's "YYYY-MM-DD H:MM:SS +HH:MM" into unix seconds; -1 on error. */
int64_t trygg_police_parse_time(const char *s);

#endif
