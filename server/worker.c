/*
 * worker.c — the background job thread (worker.h).
 */
#include "worker.h"

#include <errno.h>
#include <time.h>

static void *worker_main(void *p)
{
    worker *w = p;
    int64_t wait_s = w->first_wait;
    pthread_mutex_lock(&w->mu);
    while (!w->stopping) {
        if (wait_s > 0) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += (time_t)wait_s;
            while (!w->stopping && pthread_cond_timedwait(&w->cv, &w->mu, &until) != ETIMEDOUT)
                ;
            if (w->stopping)
                break;
        }
        pthread_mutex_unlock(&w->mu);
        wait_s = w->job(w->arg);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int worker_start(worker *w, worker_job job, void *arg, int64_t first_wait)
{
    w->job = job;
    w->arg = arg;
    w->first_wait = first_wait;
    w->stopping = 0;
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
        return -1;
    w->running = 1;
    return 0;
}

void worker_stop(worker *w)
{
    if (!w->running)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    w->running = 0;
}
