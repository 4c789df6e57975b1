/*
 * worker.h — a background thread that runs one job, waits, and runs it
 * again until stopped: the retention purge (core.c), the deadlines pass
 * (deadline.c), the forward sender (forward.c) and the police fetch
 * (report_web.c). The job returns how many seconds to wait before its next
 * run (0 = at once); stopping wakes the wait and joins the thread.
 */
#ifndef TRYGG_SERVER_WORKER_H
#define TRYGG_SERVER_WORKER_H

#include <pthread.h>
#include <stdint.h>

typedef int64_t (*worker_job)(void *arg);

typedef struct worker {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    int running, stopping;
    worker_job job;
    void *arg;
    int64_t first_wait; /* seconds before the first run */
    /* Optional (worker_set_wake): waits up to ms for work on the job's own
     * thread; 1 when work came (the job runs at once), 0 when the time ran
     * out, -1 when it cannot wait (then the plain timer waits). */
    int (*wake)(void *arg, int ms);
} worker;

#define WORKER_INIT                                                                                \
    {                                                                                              \
        .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER                            \
    }

/* Starts w: job(arg) after first_wait seconds, then after each wait it
 * returns. 0, or -1 when the thread cannot be made (w stays stopped). */
int worker_start(worker *w, worker_job job, void *arg, int64_t first_wait);
/* Before worker_start: between runs, `wake` waits for work (in slices of
 * at most WORKER_WAKE_SLICE_MS, so that stopping is never held up longer),
 * e.g. the store's trygg_store_outbox_wait on PostgreSQL; the job's wait
 * stays the longest time between two runs. */
#define WORKER_WAKE_SLICE_MS 500
void worker_set_wake(worker *w, int (*wake)(void *arg, int ms));
/* Stops w (a running job finishes first) and joins it; nothing if stopped. */
void worker_stop(worker *w);

#endif
