/*
 * sms_dialog.h — what an incoming SMS or call means, and what is stored and
 * answered: the tip line's dialog, owned by the server. Plain C over
 * libtrygg (no Gammu, no HTTP); server/api_gateway.c runs it for every
 * message trygg-smsgw uploads (docs/gateway-protocol.md).
 *
 * The gateway keeps the numbers: it sends a keyed pseudonym of the sender,
 * whether the sender can be answered at all (a phone number, not an
 * operator's name), the message's idempotency key ("sms:" + hex SHA-256 of
 * pseudonym, SMSC time and text) and the text. One message is handled in
 * one store unit (a savepoint inside an open transaction):
 *   1. the key is looked up: a message seen before changes nothing;
 *   2. the contact gets an alias ("Tipsare T-4821"); it never holds a
 *      number or ciphertext here;
 *   3. keywords: STOPP/STOP (confirm, then the contact is stopped once the
 *      confirmation has gone out), START/BÖRJA, HJÄLP/HELP, FEL ... (a fault
 *      item), NYTT/NEW ... (a new item even with an open thread), RING (a
 *      call-back item with consent; the one case the number comes along),
 *      STATUS [ref] (the state of the sender's own item, in the status
 *      page's words; nothing is stored);
 *   4. otherwise the text joins the sender's open item from the last
 *      thread_days days, or becomes a new tip item, routed (route.h) and
 *      raised when text.h finds an urgent signal; a message the gateway
 *      already acknowledged offline (offline_ref) is always a new item
 *      with exactly that reference;
 *   5. a reply in the sender's language is queued in the SMS outbox unless
 *      the sender is stopped, blocked, unanswerable or over the flood
 *      limits, or the gateway answered already.
 * Never logs a number: logs name the alias. Read first: sms_dialog_message.
 */
#ifndef TRYGG_SMS_DIALOG_H
#define TRYGG_SMS_DIALOG_H

#include <stdint.h>
#include "sms_replies.h"
#include "trygg/item.h"
#include "trygg/ref.h"
#include "trygg/route.h"
#include "trygg/store.h"

/* Author of the outbox row that confirms a STOP; the contact is stopped
 * once it has been sent (or given up on). */
#define DLG_AUTHOR_STOP "smsgw-stop"
#define DLG_AUTHOR      "smsgw"
/* Author of an urgent reply (112 first): sent before everything else and,
 * over the flood limit, still sent once per sender per 10 minutes. */
#define DLG_AUTHOR_URGENT "smsgw-urgent"

#define SMS_KW_MAX 8  /* words per keyword */
#define SMS_KW_LEN 24 /* bytes per word */

enum sms_kw {
    SMS_KW_STOP = 0,
    SMS_KW_HELP,
    SMS_KW_FAULT,
    SMS_KW_NEW,
    SMS_KW_RING,
    SMS_KW_STATUS,
    SMS_KW_COUNT
};

/* The keywords' names in [sms keywords] (server.ini) and [keywords]
 * (smsgw.ini): "stop", "help", "fault", "new", "ring", "status". */
extern const char *const sms_kw_names[SMS_KW_COUNT];

/* The dialog's settings: the server's come from server.ini's [sms] and
 * [sms keywords] (server/config.h); the gateway reads the few it needs for
 * its offline replies from smsgw.ini (smsgw/config.h). */
typedef struct sms_dialog_cfg {
    int thread_days; /* an SMS joins the sender's open item of the last N days (0: never) */
    int ring_window; /* minutes: RING creates a call-back only this soon after a call */
    char alias_prefix[24];
    char default_lang[TRYGG_LANG_MAX + 1];
    int replies_per_hour, replies_per_day;
    char kw[SMS_KW_COUNT][SMS_KW_MAX][SMS_KW_LEN]; /* upper-case */
    int nkw[SMS_KW_COUNT];
    char emergency[32], police_phone[32], police_url[64];
} sms_dialog_cfg;

/* Fills *c with the defaults (docs/smsgw.md). */
void sms_dialog_cfg_defaults(sms_dialog_cfg *c);
/* Sets keyword `which` from a comma list ("STOPP,STOP"); returns the number
 * of words taken (0: none). */
int sms_dialog_set_keywords(sms_dialog_cfg *c, int which, const char *list);

/* Upper-cases UTF-8 `in` (å -> Å, every script with case) into out[cap]
 * without the C locale: trygg_utf8_upper (trygg/utf8.h). */
void sms_upper(const char *in, char *out, size_t cap);

typedef struct sms_dialog {
    trygg_store *st;
    const sms_dialog_cfg *cfg;
    const replies *rp;
    const trygg_routes *routes; /* may be NULL: no routing at intake */
} sms_dialog;

/* One incoming SMS as the gateway describes it. */
typedef struct sms_in {
    const char *key;       /* idempotency key ("sms:" + 64 hex digits) */
    const char *pseudonym; /* keyed pseudonym of the sender (secret.h) */
    const char *text;      /* UTF-8 */
    int reachable;         /* a phone number the gateway can answer */
    int national;          /* a Swedish number: English keywords keep Swedish */
    int incomplete;        /* parts were missing */
    /* RING only: the sender's number, stored in the call-back item (consent
     * given by this SMS) and nowhere else; NULL or "" otherwise. */
    const char *callback_number;
    /* A reference the gateway issued and told the texter while the server
     * was unreachable (its prefix, ref.h); NULL or "" if none. */
    const char *offline_ref;
    int answered; /* the gateway answered already: queue no reply */
} sms_in;

typedef enum sms_action {
    DLG_NEW_ITEM = 0, /* a new item was created */
    DLG_THREAD,       /* joined an open item's thread */
    DLG_STOP,
    DLG_HELP,
    DLG_CALLBACK,  /* RING: call-back item */
    DLG_DUPLICATE, /* seen before: nothing changed */
    DLG_START,     /* START/BÖRJA after STOP */
    DLG_CALL,      /* an incoming call */
    DLG_STATUS,    /* STATUS [ref]: the state of the sender's item */
} sms_action;

/* "new_item", "thread", "stop", "help", "callback", "duplicate", "start",
 * "call", "status". */
const char *sms_action_name(sms_action a);

typedef struct sms_result {
    sms_action action;
    int64_t item_id; /* 0 if none */
    char ref[TRYGG_REF_LEN + 1];
    int64_t reply_id; /* outbox row, 0 if not answered */
    int urgent;
    char why_silent[32];   /* "", "flood", "blocked", "stopped", "no-number", "answered" */
    char reply_text[1600]; /* the queued reply, "" if none */
    char reply_author[TRYGG_NAME_MAX + 1]; /* DLG_AUTHOR, DLG_AUTHOR_STOP or DLG_AUTHOR_URGENT */
} sms_result;

/* Handles one SMS received at unix time `now`. TRYGG_OK when it is
 * committed (or was already: action DLG_DUPLICATE, item_id of the first
 * time); any error rolls everything back. Inside an open
 * trygg_store_begin it is a savepoint: the caller's commit makes it
 * durable, and a failure rolls back this message only. TRYGG_ERR_EXISTS
 * when offline_ref is held by another item. */
trygg_err sms_dialog_message(sms_dialog *d, const sms_in *in, int64_t now, sms_result *r);

/* Handles an incoming call (already debounced) from `pseudonym` (NULL or ""
 * for a withheld number): counts it anonymously, records it for RING and
 * queues the "this number takes no calls" SMS when `reachable`. `key` (may
 * be NULL) makes it idempotent like a message. */
trygg_err sms_dialog_call(sms_dialog *d, const char *key, const char *pseudonym, int reachable,
                          int64_t now, sms_result *r);

/* After the outbox row of a STOP confirmation was sent or given up on: the
 * contact is stopped (queued SMS to it cancelled). */
trygg_err sms_dialog_stop_sent(sms_dialog *d, const char *pseudonym);

/* 1 if the text is STOP in any polite form ("Stopp tack", "Sluta skicka
 * sms", "STOPP!!", "stop please"), 2 if it is START/BÖRJA likewise, else 0.
 * A text with any other word ("Stopp vid skolan ...") is 0: a tip. */
int sms_stop_start(const sms_dialog_cfg *cfg, const char *text);

/* 1 if the text looks badly encoded (mojibake); see sms_dialog.c. */
int sms_undecodable(const char *text);

/* 1 if the text is empty or only blanks. */
int sms_blank(const char *text);

/* 1 if libtrygg's urgent detection (text.h) fires on the text. */
int sms_text_urgent(const char *text);

/* Which keyword (enum sms_kw) the text starts with, or -1; *rest (may be
 * NULL) points at the text after the keyword and its separators. */
int sms_keyword(const sms_dialog_cfg *cfg, const char *text, const char **rest);

#endif
