/*
 * worker.c — the background job thread (worker.h).
 */
#include "worker.h"

#include <errno.h>
#include <time.h>

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* With w->mu held: waits for work through w->wake until `end_ms`
 * (monotonic); 1 when work came, 0 when the time ran out or on stopping,
 * -1 when wake cannot wait. */
static int wait_woken(worker *w, int64_t end_ms)
{
    while (!w->stopping) {
        int64_t left = end_ms - mono_ms();
        if (left <= 0)
            return 0;
        pthread_mutex_unlock(&w->mu);
        int r = w->wake(w->arg, left > WORKER_WAKE_SLICE_MS ? WORKER_WAKE_SLICE_MS : (int)left);
        pthread_mutex_lock(&w->mu);
        if (r != 0)
            return r;
    }
    return 0;
}

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
            int woken = w->wake ? wait_woken(w, mono_ms() + wait_s * 1000) : -1;
            /* The timer (also what is left of it when wake cannot wait). */
            while (woken < 0 && !w->stopping &&
                   pthread_cond_timedwait(&w->cv, &w->mu, &until) != ETIMEDOUT)
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

void worker_set_wake(worker *w, int (*wake)(void *arg, int ms))
{
    w->wake = wake;
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
