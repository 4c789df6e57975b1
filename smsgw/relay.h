/*
 * relay.h — the gateway as a client of the server (docs/gateway-protocol.md):
 * every message is committed to the gateway's own store (local_store.h),
 * then (by the caller) deleted from the modem, then uploaded; the server's
 * answer drives the reply, which is queued locally and sent by the modem.
 * Staff replies are claimed from the server and their delivery reported.
 * While the server is unreachable the gateway keeps receiving and answers
 * tips itself from the SMS catalogs, with a reference it issues offline
 * (its prefix + a local sequence number, never a hash), and the 112 reply
 * when libtrygg's urgent detection fires; it uploads later, exactly once
 * (the server is idempotent by the message key).
 * Numbers never leave the gateway: the server gets pseudonyms only, except
 * the number a texter gives with RING for the call-back item.
 * Read first: relay_commit, relay_sync.
 */
#ifndef SMSGW_RELAY_H
#define SMSGW_RELAY_H

#include <stdint.h>
#include "assemble.h"
#include "config.h"
#include "local_store.h"
#include "modem.h"
#include "sms_replies.h"
#include "trygg/secret.h"

typedef struct relay relay;

typedef struct relay_stats {
    int64_t uploaded, offline_answers, claimed, reported;
    int64_t number_decrypts; /* numbers decrypted for a send (not taken from numcache.h) */
    int server_up;           /* the last request reached the server */
    char server_error[200];
} relay_stats;

/* Opens the gateway's store and the HTTP client; err[cap] says why not. */
trygg_err relay_open(const smsgw_cfg *cfg, replies *rp, const unsigned char *pkey,
                     const unsigned char *numkey, relay **out, char *err, size_t cap);
void relay_close(relay *r);
lstore *relay_store(relay *r);
const relay_stats *relay_get_stats(const relay *r);

/* 1 if this part of a long message was committed before. */
int relay_part_seen(relay *r, const modem_part *p);

/* Commits message m (parts: the array m->idx points into), which came in
 * on modem `modem` (1 = [modem], 2 = [modem2]), to the gateway's store
 * inside the caller's ls_begin/ls_commit. *dup = 1 when it was committed
 * before. */
trygg_err relay_commit(relay *r, const asm_msg *m, const modem_part *parts, int modem, int64_t now,
                       int *dup);

/* Commits an incoming call (already debounced) from `number` (may be "" for
 * a withheld number). */
trygg_err relay_call(relay *r, const char *number, int64_t now);

/* Talks to the server: uploads what waits, queues the answers, takes over
 * the ciphertexts an older gateway left on the server (once after the
 * start, until it went through), claims the server's outbox, reports delivery states; when the
 * server cannot be reached, answers waiting tips itself (once each). Store errors are returned; the
 * server being down is not an error. */
trygg_err relay_sync(relay *r, int64_t now);

/* Starts the reply fetch thread (fetch.h) when [server] wait is set: from
 * then on relay_sync takes what it claimed instead of claiming itself.
 * err[cap] says why not. relay_close stops it. */
trygg_err relay_fetch_start(relay *r, char *err, size_t cap);
void relay_fetch_stop(relay *r);
/* 1 when the fetch thread has replies for relay_sync to take. */
int relay_fetch_ready(relay *r);

/* The reply settings in use (the server's, settings.h) and which copy they
 * are ("the server's copy of ...", or the built-in defaults). */
const sms_dialog_cfg *relay_dialog_cfg(const relay *r);
const char *relay_settings_from(const relay *r);

/* Posts the gateway's health record (a JSON object text) to the server,
 * which keeps it under "smsgw" for its /healthz, /metrics and channels
 * page. Skipped while the server is unreachable; never an error. */
void relay_health(relay *r, const char *json, int64_t now);

/* Test hook: the hand-over of old ciphertexts stops after the gateway
 * committed them and before it acknowledges (as a crash there would). */
void relay_test_stop_before_done(relay *r, int on);

/* The number of pseudonym `pseudo` for a send, into number[20]; 0 when it
 * must not be texted (stopped, unknown, no ciphertext). */
int relay_number(relay *r, const char *pseudo, char number[20]);
/* The same, and *modem: the modem the number last wrote to (1 or 2); for a
 * send: a number held since its message came in (numcache.h) is taken for
 * this reply instead of decrypted. */
int relay_number_modem(relay *r, const char *pseudo, char number[20], int *modem);
/* Wipes the held plaintext of pseudonym `pseudo` (STOP went out). */
void relay_number_drop(relay *r, const char *pseudo);
/* Numbers held in plaintext (locked memory) at `now` (tests). */
int relay_numbers_held(relay *r, int64_t now);

#endif
