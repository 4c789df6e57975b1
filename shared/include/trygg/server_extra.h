/*
 * server_extra.h — read-only queries trygg-server needs for /healthz and
 * /metrics that the general store API does not offer: a cheap liveness
 * probe and outbox depths by status, each one aggregate query.
 */
#ifndef TRYGG_SERVER_EXTRA_H
#define TRYGG_SERVER_EXTRA_H

#include <stdint.h>

#include "trygg/store.h"

/* Runs a trivial query against the database; TRYGG_OK if it answers. */
trygg_err trygg_server_ping(trygg_store *st);

/* counts[s] = rows in the SMS outbox ("sms") or the notification outbox
 * ("notify") with status s (trygg_out_status); *attempts_failed (may be
 * NULL) gets the sum of attempts over rows not sent (failures so far). */
trygg_err trygg_server_outbox_counts(trygg_store *st, const char *which, int64_t counts[5],
                                     int64_t *attempts_failed);

/* WAL checkpointing off the commit path: pages = 0 stops this handle from
 * checkpointing after its own commits (SQLite's default is 1000 pages);
 * the server then runs trygg_server_checkpoint from a background thread. */
trygg_err trygg_server_autocheckpoint(trygg_store *st, int pages);
/* A PASSIVE checkpoint (never blocks readers or writers); *wal_pages (may be
 * NULL) gets the WAL size in pages after it. */
trygg_err trygg_server_checkpoint(trygg_store *st, int *wal_pages);

#endif
