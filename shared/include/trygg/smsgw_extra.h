/*
 * smsgw_extra.h — store additions for the SMS gateway (trygg-smsgw).
 *
 * Two small tables of the gateway's own, created on demand by
 * trygg_smsgw_extra_init (CREATE TABLE IF NOT EXISTS; no schema migration):
 *   smsgw_inbound(key, item_id, sender, created): the idempotency key of every
 *     inbound SMS the gateway committed, whether it created an item or joined
 *     a thread, so a message read again after a crash (committed, not yet
 *     deleted from the modem) is recognised and never stored twice; the
 *     sender pseudonym makes it the per-sender count for flood limits;
 *   smsgw_counters(day, name, count): anonymous daily counters (calls,
 *     unanswered calls) for the statistics; no number or pseudonym;
 *   smsgw_calls(sender, at): when a sender pseudonym last called, so RING
 *     makes a call-back only right after a call.
 * Retention: trygg_store_purge (store_items.c) deletes smsgw_inbound rows
 * after 7 days or when their item is purged, and smsgw_calls after a day.
 * Every function composes inside trygg_store_begin/commit.
 */
#ifndef TRYGG_SMSGW_EXTRA_H
#define TRYGG_SMSGW_EXTRA_H

#include <stdint.h>
#include "store.h"

/* Creates the gateway's tables if missing. Call once after trygg_store_open. */
trygg_err trygg_smsgw_extra_init(trygg_store *st);

/* TRYGG_OK and *item_id (may be NULL) if `key` was recorded,
 * TRYGG_ERR_NOTFOUND if not. */
trygg_err trygg_smsgw_inbound_get(trygg_store *st, const char *key, int64_t *item_id);
/* Records `key` from sender pseudonym `sender` at unix time `at`
 * (TRYGG_ERR_EXISTS if already recorded). */
trygg_err trygg_smsgw_inbound_put(trygg_store *st, const char *key, int64_t item_id,
                                  const char *sender, int64_t at);
/* Number of inbound messages recorded from `sender` at or after `since`. */
trygg_err trygg_smsgw_inbound_count(trygg_store *st, const char *sender, int64_t since, int *count);

/* Adds `delta` to counter `name` of `day` ("YYYY-MM-DD"). */
trygg_err trygg_smsgw_counter_add(trygg_store *st, const char *day, const char *name, int delta);
/* Counter value (0 if never set). */
trygg_err trygg_smsgw_counter_get(trygg_store *st, const char *day, const char *name,
                                  int64_t *count);

/* Records a call from sender pseudonym `sender` at unix time `at`. */
trygg_err trygg_smsgw_call_put(trygg_store *st, const char *sender, int64_t at);
/* Number of calls recorded from `sender` at or after `since`. */
trygg_err trygg_smsgw_call_count(trygg_store *st, const char *sender, int64_t since, int *count);
/* Withdraws call-back consent of `sender` (STOP): every call-back item of
 * the sender loses its number (contact = '') and consent, each audited by
 * `actor` as "consent" without the number, and the contact's
 * callback_consent is cleared. *n (may be NULL) gets the items changed. */
trygg_err trygg_smsgw_callback_withdraw(trygg_store *st, const char *sender, const char *actor,
                                        int *n);
/* Number of outbox rows to `recipient` by `author` queued at or after unix
 * time `since` (the bound on urgent replies over the flood limit). */
trygg_err trygg_smsgw_sent_count(trygg_store *st, const char *recipient, const char *author,
                                 int64_t since, int *count);
/* A unit of work that composes: at the outermost level BEGIN IMMEDIATE ...
 * COMMIT, inside trygg_store_begin (or another unit) a SAVEPOINT, so one
 * message of a batch can be rolled back without losing the others.
 * end(err) commits/releases when err == TRYGG_OK, else rolls back; it
 * returns err or the commit error. */
trygg_err trygg_smsgw_unit_begin(trygg_store *st);
/* Test hook: limits this connection's database to its current size plus
 * `extra` pages (PRAGMA max_page_count), so writes fail with SQLITE_FULL as
 * on a full disk; extra < 0 lifts the limit. */
trygg_err trygg_smsgw_test_limit_pages(trygg_store *st, int extra);
trygg_err trygg_smsgw_unit_end(trygg_store *st, trygg_err err);

#endif
