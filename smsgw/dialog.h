/*
 * dialog.h — the gateway's side of an incoming SMS or call: who sent it (a
 * keyed pseudonym; the number's ciphertext is kept by relay.c in the
 * gateway's own store), the message's idempotency key, and the keys of the
 * parts of long messages. What a message means, what is stored and
 * answered, is the server's dialog (server/sms/sms_dialog.h), reached over
 * HTTP (docs/gateway-protocol.md). Never logs a number.
 * Read first: dlg_message_key.
 */
#ifndef SMSGW_DIALOG_H
#define SMSGW_DIALOG_H

#include "modem.h"
#include "trygg/err.h"

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
