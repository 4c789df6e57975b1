/*
 * dialog.h — the gateway's side of an incoming SMS or call: who sent it (a
 * keyed pseudonym, and a ciphertext of the number only the gateway can
 * open), the message's idempotency key, and the keys of the parts of long
 * messages. What the message means, what is stored and answered, is the
 * server's dialog (server/sms/sms_dialog.h).
 *
 * Today the gateway still runs that dialog in-process on the shared store;
 * the server runs the same code for uploads over HTTP
 * (server/api_gateway.c, docs/gateway-protocol.md).
 * Never logs a number. Read first: dlg_handle_sms.
 */
#ifndef SMSGW_DIALOG_H
#define SMSGW_DIALOG_H

#include <stdint.h>
#include "assemble.h"
#include "config.h"
#include "sms_dialog.h"
#include "trygg/route.h"
#include "trygg/secret.h"
#include "trygg/store.h"

typedef struct dlg_ctx {
    trygg_store *st;
    const smsgw_cfg *cfg;
    const replies *rp;
    const trygg_routes *routes; /* may be NULL: no routing at intake */
    unsigned char pkey[TRYGG_PSEUDO_KEY_LEN];
    unsigned char numkey[TRYGG_NUMKEY_LEN];
} dlg_ctx;

typedef sms_result dlg_result;

/* Handles one assembled SMS received at unix time `now`; parts (may be
 * NULL) is the array m->idx points into. TRYGG_OK when it
 * is committed (or was already); any error rolls everything back. Inside an
 * open trygg_store_begin it is a savepoint: the caller's commit makes it
 * durable, and a failure rolls back this message only. */
trygg_err dlg_handle_sms(dlg_ctx *c, const asm_msg *m, const modem_part *parts, int64_t now,
                         dlg_result *r);

/* A part of a concatenated message whose message was committed before (a
 * crash while its parts were being deleted): 1 if seen, 0 if not. The keys
 * are recorded by dlg_handle_sms (parts != NULL), without a sender, so they
 * do not count for the flood limits. */
int dlg_part_seen(dlg_ctx *c, const modem_part *p);

/* Handles an incoming call (already debounced): counts it anonymously and
 * queues the "this number takes no calls" SMS. */
trygg_err dlg_handle_call(dlg_ctx *c, const char *number, int64_t now, dlg_result *r);

/* Pseudonym of a sender (pkey: the pseudonym key): of the normalised
 * number (number[] gets it), or, for an operator's name or a short code,
 * of the name in its own namespace (number[] = ""). */
trygg_err dlg_sender_id(const unsigned char *pkey, const char *raw, char number[20],
                        char pseudo[65]);

/* The key of one part of a concatenated message: "part:" + 64 hex digits. */
void dlg_part_key(const unsigned char *pkey, const modem_part *p, char out[72]);

/* The idempotency key of a message: "sms:" + 64 hex digits into out[69]. */
void dlg_message_key(const char *pseudonym, const char *stamp, const char *text, char out[69]);

#endif
