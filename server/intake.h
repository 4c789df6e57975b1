/*
 * intake.h — committing new items with group commit.
 *
 * Every new item (kiosk API, Open311) goes through intake_submit: it is
 * routed (trygg_route_item), then handed to one committer thread that writes
 * a batch of pending items in ONE transaction — submit, forwards to the
 * routed destination and copy, on-call e-mail when urgent — and commits with
 * synchronous=FULL. Callers wait for their batch's commit, so concurrent
 * submits share one fsync instead of paying one each. If a batch fails, it
 * is rolled back and every item is retried in its own transaction, so one
 * bad item never takes others with it.
 *
 * A kiosk submission's follow-up hash (intake_submit_follow) is written in
 * the same transaction as its item: one commit per batch, and no write of
 * a request thread ever waits for the committer's lock.
 *
 * Without intake_start (unit tests), intake_submit commits in the calling
 * thread. Read first: intake_submit.
 */
#ifndef TRYGG_SERVER_INTAKE_H
#define TRYGG_SERVER_INTAKE_H

#include "server.h"

/* Starts the committer thread (0 ok, -1 failure, logged). */
int intake_start(server_ctx *ctx);
/* Finishes the pending batch, then stops the thread. */
void intake_stop(void);

/* Routes and commits `item` (client_key, channel, source, kind ... set).
 * On TRYGG_OK, *item holds the stored item (id, ref, status) and *created is
 * 1 for a new item, 0 when the client_key was seen before (nothing written).
 * Errors: TRYGG_ERR_INVALID (validation; *field names it), TRYGG_ERR_BUSY /
 * DB / FULL / IO (nothing committed). */
trygg_err intake_submit(server_ctx *ctx, trygg_item *item, int *created, const char **field);

/* As intake_submit, and for a NEW item the keyed hash of its follow-up
 * secret (docs/follow-up.md) in the same transaction: `secret`
 * (TRYGG_FOLLOW_SECRET_LEN + 1) holds the kiosk's secret, or "" to have one
 * drawn; on TRYGG_OK with *created = 1 it holds the secret whose hash is
 * stored. For a retry (*created = 0) nothing is written and `secret` is
 * left as it was: the caller checks it against the stored hash. */
trygg_err intake_submit_follow(server_ctx *ctx, trygg_item *item, char *secret, int *created,
                               const char **field);

/* Batches committed and items in them since start (for /metrics). */
void intake_stats(int64_t *batches, int64_t *items);

#endif
