/*
 * reply_wait.c — the worker that wakes the gateways' waiting claims
 * (reply_wait.h).
 */
#include "reply_wait.h"

#include "config.h"
#include "trygg/log.h"
#include "worker.h"

static worker w = WORKER_INIT;
static struct {
    server_ctx *ctx;
    http_server *http;
} rw;

/* Every claim put aside looks again (most find nothing and wait on). */
static int64_t reply_wait_job(void *arg)
{
    (void)arg;
    http_server_wake(rw.http);
    const server_catalog *k = rw.ctx->cfg.catalog;
    return k && k->sms_reply_poll > 0 ? k->sms_reply_poll : 1;
}

/* An SMS queued (PostgreSQL: by any server; SQLite: by this process). */
static int reply_wait_wake(void *arg, int ms)
{
    (void)arg;
    trygg_store *st = server_store(rw.ctx);
    int woken = -1;
    if (st == NULL || trygg_store_outbox_wait(st, "sms", ms, &woken) != TRYGG_OK)
        return -1;
    return woken;
}

int reply_wait_start(server_ctx *ctx, http_server *http)
{
    rw.ctx = ctx;
    rw.http = http;
    worker_set_wake(&w, reply_wait_wake);
    if (worker_start(&w, reply_wait_job, NULL, 0) != 0) {
        TRYGG_ERR("reply wait: cannot start the worker thread");
        return -1;
    }
    return 0;
}

void reply_wait_stop(void)
{
    worker_stop(&w);
}
