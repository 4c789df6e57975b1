/*
 * outbox.h — the kiosk's local outbox: its own SQLite file.
 *
 * A submission is committed here (WAL, synchronous=FULL, so the commit is on
 * disk when outbox_add returns) BEFORE the receipt is shown; the uploader
 * later posts it and removes it once the server answered 2xx. A row is
 * pending (waiting or retrying), or dead (the server rejected it for good,
 * kept for staff to see in maintenance mode). The uuid is the primary key:
 * a submission is never queued twice.
 *
 * Threading: one outbox handle per thread (the UI thread adds, the uploader
 * thread reads and updates); SQLite's busy timeout serialises them.
 * Times are wall-clock milliseconds (they survive a restart).
 * Start reading at outbox_add().
 */
#ifndef KIOSK_OUTBOX_H
#define KIOSK_OUTBOX_H

#include <stddef.h>
#include <stdint.h>
#include "trygg/err.h"

#define OUTBOX_UUID_MAX 80

typedef struct outbox outbox;

/* Opens (creating if needed) the outbox at path and brings its schema to
 * the newest version (PRAGMA user_version; an outbox written before it had a
 * version is version 0 and keeps its rows). NULL on failure, with the reason
 * in err[cap], also when the file is of a newer version than this kiosk knows. */
outbox *outbox_open(const char *path, char *err, size_t cap);
void outbox_close(outbox *o);

/* Durably queues body (JSON text) under uuid. TRYGG_ERR_EXISTS if the uuid
 * is already queued, TRYGG_ERR_DB/FULL/IO on storage errors (then nothing
 * was stored and no receipt may be shown). */
trygg_err outbox_add(outbox *o, const char *uuid, const char *body, uint64_t now_ms);

/* Like outbox_add, and in the SAME transaction takes the kiosk's next
 * sequence number under `prefix` (kept in this database, so it survives a
 * restart and is never handed out twice), writes the kiosk reference
 * (trygg_ref_kiosk) to ref[8] and adds it to the queued body as "ref".
 * On TRYGG_OK both are on disk, and ref is what the receipt shows. ref is ""
 * (and the body goes without "ref") when prefix is NULL/invalid or its
 * numbers are used up: the receipt then shows no number (docs/kiosk.md).
 * body must be a JSON object. On error nothing was stored or taken. */
trygg_err outbox_add_ref(outbox *o, const char *uuid, const char *body, const char *prefix,
                         uint64_t now_ms, char ref[8]);

/* The oldest pending row due at now_ms: copies its uuid into
 * uuid[OUTBOX_UUID_MAX+1], returns a malloc'd body in *body (caller frees)
 * and its attempt count. Returns 1 if found, 0 if none due, -1 on error. */
int outbox_next(outbox *o, uint64_t now_ms, char *uuid, char **body, int *attempts);

/* Earliest next_try of a pending row, or UINT64_MAX when none is pending. */
uint64_t outbox_next_due(outbox *o);

/* The server accepted uuid: the row is deleted. */
trygg_err outbox_done(outbox *o, const char *uuid);
/* Try uuid again at next_try; counts an attempt and records err. */
trygg_err outbox_retry(outbox *o, const char *uuid, uint64_t next_try, const char *err);
/* The server refused uuid for good (4xx): keep it as dead with err. */
trygg_err outbox_dead(outbox *o, const char *uuid, const char *err);

/* Deletes dead rows created before before_ms (they hold what a resident
 * wrote; kept only long enough for staff to notice). Returns the number
 * deleted, -1 on error. */
int outbox_purge_dead(outbox *o, uint64_t before_ms);

/* Pending rows (or -1 on error). */
int outbox_depth(outbox *o);
/* Dead rows (or -1 on error). */
int outbox_dead_count(outbox *o);

#endif
