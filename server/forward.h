/*
 * forward.h — forwarding items to destinations through the notification
 * outbox (transactional outbox pattern).
 *
 * forward_enqueue() is called INSIDE the caller's store transaction together
 * with the state change, so a forward is never lost or sent for a change that
 * rolled back. The worker thread (forward_worker_start) sends due rows with
 * libcurl — e-mail over SMTP, JSON webhooks signed with HMAC-SHA256 in the
 * header "X-Trygg-Signature: sha256=<hex>" — and retries with exponential
 * backoff; after cfg.forward_max_attempts failures a row is dead-lettered
 * (TRYGG_OUT_DEAD) and shown in the UI with its error.
 */
#ifndef TRYGG_FORWARD_H
#define TRYGG_FORWARD_H

#include "server.h"
#include "trygg/forward.h"

/* The shared forward settings of this server (routes, public_url, [mail]
 * templates, category/area labels) for trygg/forward.h. */
void forward_cfg(server_ctx *ctx, trygg_forward_cfg *fc);
/* A thin wrapper of trygg_forward_enqueue with forward_cfg(). Queues the item for `destination`
 * (every channel it has: e-mail and/or webhook). The payload holds only what that destination may
 * see: scrubbed text unless the destination has full_access; never the SMS alias's number. Must be
 * called inside trygg_store_begin/commit. */
trygg_err forward_enqueue(server_ctx *ctx, trygg_store *st, const trygg_item *item,
                          const char *destination, const char *actor);

/* 1 when a forward to `d` reaches someone: an e-mail address, a webhook, or
 * an enabled user of the staff UI who works that recipient's queue (the
 * security department always has one). */
int forward_reachable(trygg_store *st, const trygg_destination *d);
/* The same over a user list the caller already has (users[0..n), from
 * trygg_store_user_list), for a page that checks every recipient. */
enum { FORWARD_USERS_MAX = 512 };
int forward_reachable_among(const trygg_destination *d, const trygg_user *users, int n);

int forward_worker_start(server_ctx *ctx);
void forward_worker_stop(void);
/* Sends every due row once (used by the worker and by tests). */
int forward_run_once(server_ctx *ctx, int64_t now);

#endif
