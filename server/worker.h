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
} worker;

#define WORKER_INIT                                                                                \
    {                                                                                              \
        .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER                            \
    }

/* Starts w: job(arg) after first_wait seconds, then after each wait it
 * returns. 0, or -1 when the thread cannot be made (w stays stopped). */
int worker_start(worker *w, worker_job job, void *arg, int64_t first_wait);
/* Stops w (a running job finishes first) and joins it; nothing if stopped. */
void worker_stop(worker *w);

#endif
