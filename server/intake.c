/*
 * intake.c — routing and group commit of new items (see intake.h).
 */
#include "intake.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deadline.h"
#include "forward.h"
#include "trygg/copy.h"
#include "trygg/follow.h"
#include "trygg/log.h"

#define BATCH_MAX 256

typedef struct job {
    trygg_item *item;
    trygg_route_result route;
    char *secret;                            /* intake_submit_follow's secret (in/out), or NULL */
    char given[TRYGG_FOLLOW_SECRET_LEN + 1]; /* what the caller gave, for a redo */
    trygg_err rc;
    int created;
    int done;
    pthread_cond_t cv; /* signalled when done: only this job's caller wakes */
    struct job *next;
} job;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t work, tick; /* tick: wakes the checkpointer to stop */
    job *head, *tail;
    int running, stopping;
    pthread_t thread, ckpt;
    server_ctx *ctx;
    int64_t batches, items;
} q = {.mu = PTHREAD_MUTEX_INITIALIZER,
       .work = PTHREAD_COND_INITIALIZER,
       .tick = PTHREAD_COND_INITIALIZER};

/* The new item's follow-up hash: the caller's secret or a drawn one. */
static trygg_err follow_set(server_ctx *ctx, trygg_store *st, job *j)
{
    memcpy(j->secret, j->given, sizeof j->given);
    if (j->secret[0] == '\0')
        trygg_follow_secret_new(j->secret);
    char hash[65];
    trygg_follow_hash(ctx->pseudo_key, j->item->ref, j->secret, hash);
    return trygg_store_follow_set(st, j->item->id, hash);
}

/* Inside a transaction: submit plus its forwards (trygg_forward_intake:
 * non-fatal forward errors are logged, the item is committed regardless)
 * and its follow-up hash. */
static trygg_err process(server_ctx *ctx, trygg_store *st, job *j)
{
    trygg_err rc = trygg_store_submit(st, j->item, j->item, &j->created);
    if (rc != TRYGG_OK)
        return rc;
    if (!j->created)
        return TRYGG_OK;
    rc = deadline_set(&ctx->cfg, st, j->item);
    if (rc != TRYGG_OK)
        return rc;
    trygg_forward_cfg fc;
    forward_cfg(ctx, &fc);
    rc = trygg_forward_intake(st, &fc, j->item, &j->route, "system");
    if (rc == TRYGG_OK && j->secret)
        rc = follow_set(ctx, st, j);
    return rc;
}

static trygg_err one(server_ctx *ctx, trygg_store *st, job *j)
{
    trygg_item saved = *j->item;
    trygg_err rc = trygg_store_begin(st);
    if (rc == TRYGG_OK) {
        rc = process(ctx, st, j);
        if (rc == TRYGG_OK)
            rc = trygg_store_commit(st);
        if (rc != TRYGG_OK) {
            trygg_store_rollback(st);
            *j->item = saved;
            if (j->secret)
                memcpy(j->secret, j->given, sizeof j->given);
        }
    }
    if (rc != TRYGG_OK)
        TRYGG_ERR("intake: submit failed: %s (%s)", trygg_strerror(rc), trygg_store_errmsg(st));
    return rc;
}

static void run_batch(server_ctx *ctx, trygg_store *st, job *batch)
{
    int n = 0;
    for (job *j = batch; j; j = j->next)
        n++;
    if (st == NULL) {
        for (job *j = batch; j; j = j->next)
            j->rc = TRYGG_ERR_DB;
        return;
    }
    if (n == 1) {
        batch->rc = one(ctx, st, batch);
        return;
    }
    /* Copies to restore the inputs if the batch must be redone one by one. */
    trygg_item *saved = malloc((size_t)n * sizeof *saved);
    trygg_err rc = saved ? trygg_store_begin(st) : TRYGG_ERR_NOMEM;
    int i = 0;
    for (job *j = batch; rc == TRYGG_OK && j; j = j->next, i++) {
        saved[i] = *j->item;
        rc = process(ctx, st, j);
    }
    if (rc == TRYGG_OK)
        rc = trygg_store_commit(st);
    if (rc == TRYGG_OK) {
        for (job *j = batch; j; j = j->next)
            j->rc = TRYGG_OK;
        free(saved);
        return;
    }
    TRYGG_WARN("intake: batch of %d failed (%s), committing one by one", n, trygg_strerror(rc));
    trygg_store_rollback(st);
    int k = 0;
    for (job *j = batch; j; j = j->next, k++) {
        if (saved && k < i)
            *j->item = saved[k];
        j->created = 0;
        j->rc = one(ctx, st, j);
    }
    free(saved);
}

/* Checkpoints the WAL once a second from its own thread, so the copy back
 * into the database file (and its fsync) is never on a commit's path. */
static void *checkpointer(void *arg)
{
    server_ctx *ctx = arg;
    pthread_mutex_lock(&q.mu);
    while (!q.stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&q.tick, &q.mu, &until);
        if (q.stopping)
            break;
        pthread_mutex_unlock(&q.mu);
        trygg_store *st = server_store(ctx);
        if (st && trygg_store_checkpoint(st, NULL) != TRYGG_OK)
            TRYGG_WARN("intake: WAL checkpoint failed: %s", trygg_store_errmsg(st));
        pthread_mutex_lock(&q.mu);
    }
    pthread_mutex_unlock(&q.mu);
    return NULL;
}

static void *committer(void *arg)
{
    server_ctx *ctx = arg;
    trygg_store *own = server_store(ctx);
    if (own && trygg_store_set_autocheckpoint(own, 0) != TRYGG_OK)
        TRYGG_WARN("intake: commits will checkpoint themselves: %s", trygg_store_errmsg(own));
    pthread_mutex_lock(&q.mu);
    for (;;) {
        while (q.head == NULL && !q.stopping)
            pthread_cond_wait(&q.work, &q.mu);
        if (q.head == NULL && q.stopping)
            break;
        job *batch = q.head, *last = q.head;
        int n = 1;
        while (last->next && n < BATCH_MAX) {
            last = last->next;
            n++;
        }
        q.head = last->next;
        if (q.head == NULL)
            q.tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&q.mu);

        run_batch(ctx, server_store(ctx), batch);

        pthread_mutex_lock(&q.mu);
        q.batches++;
        q.items += n;
        for (job *j = batch; j; j = j->next) {
            j->done = 1;
            pthread_cond_signal(&j->cv);
        }
    }
    pthread_mutex_unlock(&q.mu);
    return NULL;
}

int intake_start(server_ctx *ctx)
{
    pthread_mutex_lock(&q.mu);
    q.ctx = ctx;
    q.stopping = 0;
    int rc = pthread_create(&q.thread, NULL, committer, ctx);
    if (rc == 0 && pthread_create(&q.ckpt, NULL, checkpointer, ctx) != 0) {
        q.stopping = 1;
        pthread_cond_broadcast(&q.work);
        pthread_mutex_unlock(&q.mu);
        pthread_join(q.thread, NULL);
        pthread_mutex_lock(&q.mu);
        rc = -1;
    }
    q.running = rc == 0;
    pthread_mutex_unlock(&q.mu);
    if (rc != 0)
        TRYGG_ERR("intake: cannot start committer thread");
    return rc == 0 ? 0 : -1;
}

void intake_stop(void)
{
    pthread_mutex_lock(&q.mu);
    if (!q.running) {
        pthread_mutex_unlock(&q.mu);
        return;
    }
    q.stopping = 1;
    pthread_cond_broadcast(&q.work);
    pthread_cond_broadcast(&q.tick);
    pthread_mutex_unlock(&q.mu);
    pthread_join(q.thread, NULL);
    pthread_join(q.ckpt, NULL);
    pthread_mutex_lock(&q.mu);
    q.running = 0;
    pthread_mutex_unlock(&q.mu);
}

void intake_stats(int64_t *batches, int64_t *items)
{
    pthread_mutex_lock(&q.mu);
    *batches = q.batches;
    *items = q.items;
    pthread_mutex_unlock(&q.mu);
}

trygg_err intake_submit(server_ctx *ctx, trygg_item *item, int *created, const char **field)
{
    return intake_submit_follow(ctx, item, NULL, created, field);
}

trygg_err intake_submit_follow(server_ctx *ctx, trygg_item *item, char *secret, int *created,
                               const char **field)
{
    *created = 0;
    if (field)
        *field = NULL;
    const char *bad = NULL;
    if (trygg_item_validate(item, &bad) != TRYGG_OK) {
        if (field)
            *field = bad;
        return TRYGG_ERR_INVALID;
    }
    job j = {.item = item, .secret = secret};
    if (secret)
        TRYGG_COPY_TRUNC(j.given, secret);
    if (ctx->routes && trygg_route_item(ctx->routes, item, &j.route) == TRYGG_OK) {
        TRYGG_COPY_FIT(item->destination, j.route.destination);
        if (j.route.urgent)
            item->urgent = 1;
    } else {
        snprintf(j.route.destination, sizeof j.route.destination, "security");
        snprintf(item->destination, sizeof item->destination, "security");
    }

    pthread_mutex_lock(&q.mu);
    if (!q.running || q.stopping) {
        pthread_mutex_unlock(&q.mu);
        trygg_store *st = server_store(ctx);
        if (st == NULL)
            return TRYGG_ERR_DB;
        j.rc = one(ctx, st, &j);
        *created = j.created;
        return j.rc;
    }
    pthread_cond_init(&j.cv, NULL);
    if (q.tail)
        q.tail->next = &j;
    else
        q.head = &j;
    q.tail = &j;
    pthread_cond_signal(&q.work);
    while (!j.done)
        pthread_cond_wait(&j.cv, &q.mu);
    pthread_mutex_unlock(&q.mu);
    pthread_cond_destroy(&j.cv);
    *created = j.created;
    return j.rc;
}
