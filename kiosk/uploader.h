/*
 * uploader.h — the background thread that talks to the server
 * (shared/http/include/trygg/http_client.h).
 *
 * It posts queued submissions from the outbox (POST /api/v1/submissions,
 * bearer token, the client uuid makes retries idempotent), sends heartbeats
 * (version, outbox depth, last error) and fetches the kiosk config with
 * If-None-Match, caching it to a file. It never touches UI state: it calls
 * the wake callback (the UI turns that into an SDL user event) when
 * something the UI shows has changed, and the UI reads a copy of the status
 * with uploader_status().
 *
 * Retries: a network failure or 5xx/429 waits retry_min_ms, doubling up to
 * retry_max_ms (with jitter); 400/413/415/422 mark the submission dead (the
 * server will never take it, retrying cannot help); 401/403 keep it queued
 * and back off (a token can be fixed). Start at uploader_start().
 */
#ifndef KIOSK_UPLOADER_H
#define KIOSK_UPLOADER_H

#include "config.h"
#include "layout.h" /* ui_status */

typedef struct uploader uploader;

typedef struct uploader_opts {
    const kiosk_config *cfg; /* borrowed; must outlive the uploader */
    const char *outbox_path;
    const char *cache_path; /* config cache file */
    void (*wake)(void *user);
    void *wake_user;
} uploader_opts;

/* Starts the thread. NULL on failure with the reason in err[cap]. */
uploader *uploader_start(const uploader_opts *o, char *err, size_t cap);
/* A new submission was queued: try now. */
void uploader_kick(uploader *u);
/* Copy of the current status (thread-safe). */
void uploader_status(uploader *u, ui_status *st);
/* 1 once after a new config was written to the cache file. */
int uploader_config_changed(uploader *u);
/* "Följ ditt ärende" (issue 16): asks the server for the status of a typed
 * follow-up code (POST /api/v1/kiosk/status) at the thread's next turn. One
 * question at a time; a new one replaces one not yet asked. 0 on success. */
int uploader_follow_ask(uploader *u, const char *code);
/* The answer, once: 1 when one arrived (state FOLLOW_*, and for
 * FOLLOW_FOUND the state word and the dates), else 0. The code is wiped
 * when the question has been asked. */
int uploader_follow_answer(uploader *u, flow_follow_state *state, char status[24],
                           char received[16], char changed[16]);
/* The thread's timers (milliseconds on one clock; UINT64_MAX: never). */
typedef struct uploader_timers {
    uint64_t now;
    uint64_t next_config;   /* the config check (ETag) is due */
    uint64_t next_hb;       /* the heartbeat is due */
    uint64_t outbox_due;    /* the outbox's next try (UINT64_MAX: nothing queued) */
    uint64_t backoff_until; /* the server failed: nothing before this (0: none) */
} uploader_timers;
/* When the thread wakes next: the earliest of the config check, the
 * heartbeat and the outbox's next try, not before the backoff, at least
 * 20 ms ahead. Nothing else: an idle kiosk's uploader sleeps until its
 * heartbeat (issue 16: wake-ups of an idle kiosk). */
uint64_t uploader_next_wake(const uploader_timers *t);
/* 1 when the config check is to be made now: it is due, or a heartbeat is
 * due now and the check would fall due before the next one (heartbeat_ms
 * later), so both take one wake-up. */
int uploader_config_due(const uploader_timers *t, int heartbeat_ms);
/* Stops and joins the thread (an upload in flight is finished or timed out). */
void uploader_stop(uploader *u);

#endif
