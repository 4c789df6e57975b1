/*
 * gateway.h — the gateway's loop: poll the modem, assemble, commit each
 * message to the gateway's own store (relay.h), delete it after the commit;
 * talk to the server (upload, claim, report, health); send the send queue
 * with retries; answer calls. main.c only parses arguments and signals;
 * tests drive gw_step in-process against a real dummy phone and a real
 * server (tests/smsgw/smsgw_testutil.h).
 *
 * Stop: when *stop becomes non-zero the current message is finished (its
 * commit and delete) and gw_run returns.
 * Read first: gw_step.
 */
#ifndef SMSGW_GATEWAY_H
#define SMSGW_GATEWAY_H

#include <signal.h>
#include <stdint.h>
#include "config.h"
#include "trygg/err.h"

typedef struct gw gw;

typedef struct gw_stats {
    int64_t messages_in;   /* committed (new items, threads, keywords) */
    int64_t duplicates;    /* read again after a crash: not stored twice */
    int64_t messages_out;  /* outbox rows sent */
    int64_t send_failures; /* failed attempts */
    int64_t calls;         /* calls after debouncing */
    int64_t rings;         /* every ring seen */
    int64_t polls;
    int64_t last_poll; /* unix seconds */
    int64_t store_errors;
} gw_stats;

/* Opens the keys, catalogs, the gateway's store, its client of the server
 * and the modem (connects
 * once; failure to connect is not fatal, gw_run retries). On failure
 * returns the error with a message in err[cap]. `stop` may be NULL. */
trygg_err gw_open(const smsgw_cfg *cfg, volatile sig_atomic_t *stop, gw **out, char *err,
                  size_t cap);
void gw_close(gw *g);

/* One round at unix time `now`: reconnect if due, poll and handle inbound
 * messages, handle calls, send what is due in the outbox, store health.
 * Returns TRYGG_ERR_IO if the modem is down (the next round retries with
 * backoff). */
trygg_err gw_step(gw *g, int64_t now);

/* Steps every poll_interval seconds until *stop. Returns 0. */
int gw_run(gw *g);

const gw_stats *gw_get_stats(const gw *g);

/* For tests: the next `n` sends fail as if the network refused them. */
void gw_test_fail_sends(gw *g, int n);
/* For tests: each send takes `ms` milliseconds, as on a real modem. */
void gw_test_send_delay(gw *g, int ms);
/* Test hook: the gateway's own store (e.g. to make it run out of space with
 * ls_test_limit_pages). */
struct lstore *gw_test_lstore(gw *g);
/* Test hook: numbers decrypted for sends so far, and numbers held in
 * plaintext (locked memory, numcache.h) at `now`. */
void gw_test_numbers(gw *g, int64_t now, int64_t *decrypts, int *held);
/* Test hook: the hand-over of old ciphertexts stops before its
 * acknowledgement (relay_test_stop_before_done). */
void gw_test_handover_stop(gw *g, int on);

#endif
