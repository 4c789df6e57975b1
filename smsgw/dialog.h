/*
 * dialog.h — what an incoming SMS or call means, and what is stored and
 * answered. The heart of the gateway, plain C over libtrygg (no Gammu).
 *
 * One incoming message is handled in one store transaction:
 *   1. the number becomes a keyed pseudonym plus a ciphertext only the
 *      gateway can open; the contact gets an alias ("Tipsare T-4821");
 *   2. the idempotency key "sms:" + hex SHA-256(pseudonym, SMSC time, text)
 *      is looked up: a message seen before (committed, then a crash before it
 *      was deleted from the modem) changes nothing and is answered nothing;
 *   3. keywords: STOPP/STOP (confirm, then the contact is stopped and its
 *      ciphertext deleted once the confirmation has gone out), HJÄLP/HELP
 *      (information), FEL ... (a fault item), NYTT/NEW ... (a new item even
 *      with an open thread), RING (a call-back item with consent);
 *   4. otherwise the text joins the sender's open item from the last
 *      thread_days days, or becomes a new tip item, routed (route.h) and
 *      raised when text.h finds an urgent signal;
 *   5. a reply in the sender's language is queued in the SMS outbox unless
 *      the sender is stopped, blocked or over the flood limits.
 * The caller deletes the message from the modem only after TRYGG_OK.
 *
 * Never logs a number: logs name the alias. Read first: dlg_handle_sms.
 */
#ifndef SMSGW_DIALOG_H
#define SMSGW_DIALOG_H

#include <stdint.h>
#include "assemble.h"
#include "config.h"
#include "replies.h"
#include "trygg/route.h"
#include "trygg/secret.h"
#include "trygg/store.h"

/* Author of the outbox row that confirms a STOP; the sender stops the
 * contact after sending it. */
#define DLG_AUTHOR_STOP "smsgw-stop"
#define DLG_AUTHOR      "smsgw"
/* Author of an urgent reply (112 first): sent before everything else and,
 * over the flood limit, still sent once per sender per 10 minutes. */
#define DLG_AUTHOR_URGENT "smsgw-urgent"

typedef struct dlg_ctx {
    trygg_store *st;
    const smsgw_cfg *cfg;
    const replies *rp;
    const trygg_routes *routes; /* may be NULL: no routing at intake */
    unsigned char pkey[TRYGG_PSEUDO_KEY_LEN];
    unsigned char numkey[TRYGG_NUMKEY_LEN];
} dlg_ctx;

typedef enum dlg_action {
    DLG_NEW_ITEM = 0, /* a new item was created */
    DLG_THREAD,       /* joined an open item's thread */
    DLG_STOP,
    DLG_HELP,
    DLG_CALLBACK,  /* RING: call-back item */
    DLG_DUPLICATE, /* seen before: nothing changed */
} dlg_action;

typedef struct dlg_result {
    dlg_action action;
    int64_t item_id; /* 0 if none */
    char ref[TRYGG_REF_LEN + 1];
    int64_t reply_id; /* outbox row, 0 if not answered */
    int urgent;
    char why_silent[32]; /* "", "flood", "blocked", "stopped", "no-number" */
} dlg_result;

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

/* 1 if the text is STOP in any polite form ("Stopp tack", "Sluta skicka
 * sms", "STOPP!!", "stop please"), 2 if it is START/BÖRJA likewise, else 0.
 * A text with any other word ("Stopp vid skolan ...") is 0: a tip. */
int dlg_stop_start(const smsgw_cfg *cfg, const char *text);

/* 1 if the text looks badly encoded (mojibake); see dialog.c. */
int dlg_undecodable(const char *text);

/* The idempotency key of a message: "sms:" + 64 hex digits into out[69]. */
void dlg_message_key(const char *pseudonym, const char *stamp, const char *text, char out[69]);

/* Which keyword (enum smsgw_kw) the text starts with, or -1; *rest (may be
 * NULL) points at the text after the keyword and its separators. */
int dlg_keyword(const smsgw_cfg *cfg, const char *text, const char **rest);

#endif
