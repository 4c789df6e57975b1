/*
 * reply_wait.h — wakes the gateways' waiting claims (docs/gateway-protocol.md,
 * "POST /api/v1/gateway/claim", `wait`): a claim that finds nothing is put
 * aside without a thread (http_resp.wait_ms), and this worker calls it again
 * (http_server_wake) when an SMS is queued, and every [sms] reply_poll
 * seconds for what no wake-up announces (a reply whose lease ran out, one
 * written by another program). The wake-up is the store's
 * (trygg_store_outbox_wait "sms"): on PostgreSQL a NOTIFY from any server's
 * enqueue, on SQLite a commit of this process that queued one.
 */
#ifndef TRYGG_SERVER_REPLY_WAIT_H
#define TRYGG_SERVER_REPLY_WAIT_H

#include "http.h"
#include "server.h"

/* Starts the worker for `http`; 0, or -1 when the thread cannot be made. */
int reply_wait_start(server_ctx *ctx, http_server *http);
/* Stops it (before http_server_stop); nothing if it never started. */
void reply_wait_stop(void);

#endif
