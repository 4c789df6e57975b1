/*
 * sms_replies.h — the SMS texts of the tip line: catalog lookup,
 * placeholders, and the language guess for replies. Used by the server's
 * dialog (sms_dialog.c) and by trygg-smsgw for the answers it gives while
 * the server is unreachable.
 *
 * Texts live in assets/i18n/sms/<lang>.po (msgid = key, Swedish in sv.po).
 * Placeholders: {ref} (the item's reference), {emergency}, {police_phone},
 * {police_url} (sms_dialog_cfg: server.ini [sms]; the gateway's copy,
 * smsgw/settings.h). Every default reply is meant to
 * fit one GSM-7 part in Swedish and English; tests print the part count of
 * every key in every language.
 *
 * Plain C. Read first: replies_render.
 */
#ifndef TRYGG_SMS_REPLIES_H
#define TRYGG_SMS_REPLIES_H

#include <stddef.h>
#include "trygg/err.h"
#include "trygg/i18n.h"

struct sms_dialog_cfg;

/* Reply keys (msgids in the sms catalogs). */
#define REPLY_ACK            "sms.ack"            /* new tip/concern received */
#define REPLY_ACK_URGENT     "sms.ack_urgent"     /* urgent signal: 112 first */
#define REPLY_ACK_THREAD     "sms.ack_thread"     /* added to an open item */
#define REPLY_ACK_FAULT      "sms.ack_fault"      /* FEL ...: fault report */
#define REPLY_HELP           "sms.help"           /* HJÄLP/HELP */
#define REPLY_STOP           "sms.stop"           /* STOPP/STOP confirmation */
#define REPLY_CALL           "sms.call"           /* after an incoming call */
#define REPLY_RING           "sms.ring"           /* RING: call-back item created */
#define REPLY_RING_NO_CALL   "sms.ring_no_call"   /* RING without a recent call: nothing stored */
#define REPLY_START          "sms.start"          /* START/BÖRJA after STOP: texts again */
#define REPLY_STATUS         "sms.status"         /* STATUS: {ref} {state} {date} */
#define REPLY_STATUS_UNKNOWN "sms.status_unknown" /* STATUS: no such item of this sender */
/* Staff-facing: the e-mail to the on-call address for an urgent SMS. */
#define ONCALL_SUBJECT "sms.oncall_subject"
#define ONCALL_BODY    "sms.oncall_body"

extern const char *const replies_keys[];
extern const int replies_nkeys;

typedef struct replies replies;

/* Loads the catalogs in `dir` (NULL/"" = assets/i18n/sms); links from *cfg
 * are copied. On failure returns the i18n error with a message in err[cap]. */
trygg_err replies_load(const char *dir, const struct sms_dialog_cfg *cfg, replies **out, char *err,
                       size_t cap);
void replies_free(replies *r);
/* Copies the links of *cfg again (the gateway took new settings from the
 * server, smsgw/settings.h). */
void replies_set_links(replies *r, const struct sms_dialog_cfg *cfg);

/* Renders `key` in `lang` (fallback Swedish) with ref (may be NULL) into
 * out[cap]. TRYGG_ERR_TOOBIG if it does not fit. */
trygg_err replies_render(const replies *r, const char *lang, const char *key, const char *ref,
                         char *out, size_t cap);

/* The same with more placeholders: the NULL-terminated names[]/values[]
 * (may be NULL) beside {ref} and the links. */
trygg_err replies_render_ext(const replies *r, const char *lang, const char *key, const char *ref,
                             const char *const *names, const char *const *values, char *out,
                             size_t cap);
/* The catalog text of `key` in `lang` (fallback Swedish), unformatted. */
const char *replies_text(const replies *r, const char *lang, const char *key);

/* The catalogs themselves (for the staff UI's reply templates, keys tpl.*). */
const trygg_i18n *replies_catalog(const replies *r);

/* Languages loaded; returns count. */
int replies_langs(const replies *r, const char **langs, int max);

/* Guesses the language of an incoming text: "ar" for Arabic script, "en",
 * "so" or "sv" from common words (Swedish unless clearly another language);
 * `fallback` when nothing matches. Returns a static string or fallback. */
const char *replies_guess_lang(const char *text, const char *fallback);
/* The same guess, conservative (Swedish unless the text is clearly another
 * language); *strong = 1 when it is clear enough to change the language of
 * a thread (see sms_replies.c). */
const char *replies_guess_lang_strength(const char *text, const char *fallback, int *strong);

#endif
