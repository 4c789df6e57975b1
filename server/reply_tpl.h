/*
 * reply_tpl.h — the reply templates: an SMS text for each status change and
 * kind, in the texter's language (sv, en, ar, so), offered on the staff
 * item page and sent on closing when server.ini [sms] auto_close is on.
 *
 * Texts come from the SMS catalogs (assets/i18n/sms, keys
 * "tpl.<event>.<kind>"); an admin's edit in the store (trygg_store_template_*)
 * overrides a catalog text until it is reset. A small fixed placeholder
 * set is filled by plain C (trygg_i18n_format): {ref}, {category}, {place},
 * {emergency}; {tip_url}, {tip_phone}, {report_url} (police links) and
 * {contact} (whom to contact instead of us). A missing category or place is
 * filled with the catalog's words for it ("det du beskrev"), and so is a
 * category server.ini has no label for (a texter never reads a raw id).
 *
 * Read first: reply_tpl_event_of, reply_tpl_build.
 */
#ifndef SERVER_REPLY_TPL_H
#define SERVER_REPLY_TPL_H

#include <stddef.h>

#include "server.h"
#include "trygg/i18n.h"
#include "trygg/item.h"
#include "trygg/store.h"

typedef enum reply_event {
    REPLY_EV_RECEIVED = 0,
    REPLY_EV_TRIAGED,
    REPLY_EV_FORWARDED,
    REPLY_EV_IN_PROGRESS,
    REPLY_EV_RESOLVED,
    REPLY_EV_POLICE,
    REPLY_EV_NOT_OURS,
    REPLY_EV_DUPLICATE,
    REPLY_EV_COUNT
} reply_event;

/* The template kinds: concern, fault, tip (call-backs answer as tips,
 * sign-ups as concerns). */
#define REPLY_TPL_KINDS 3
extern const char *const reply_tpl_kinds[REPLY_TPL_KINDS];
/* The languages every template has. */
#define REPLY_TPL_LANGS 4
extern const char *const reply_tpl_langs[REPLY_TPL_LANGS];

/* "received", "triaged", ..., "duplicate"; NULL out of range. */
const char *reply_tpl_event_name(reply_event e);
/* The event named `name`, or -1. */
int reply_tpl_event_parse(const char *name);
/* The template kind of an item kind ("concern", "fault" or "tip"). */
const char *reply_tpl_kind_of(trygg_kind k);
/* The event that fits the item's state: its status, or for a closed item
 * its close reason (spam: REPLY_EV_RESOLVED is never sent; see
 * reply_tpl_close_event). */
reply_event reply_tpl_event_of(const trygg_item *it);
/* The event of closing with reason `r` that sends an automatic message:
 * resolved, police or not ours; -1 for the others. */
int reply_tpl_close_event(trygg_close_reason r);
/* "tpl.<event>.<kind>" into out[64]. */
const char *reply_tpl_key(reply_event e, const char *kind, char out[64]);
/* The reply language: `want` when it is one of reply_tpl_langs, else the
 * contact's language, else the item's, else "sv". */
const char *reply_tpl_lang(const char *want, const char *contact_lang, const char *item_lang);

/* 1 when every {name} in `text` is one of the placeholders below. */
int reply_tpl_placeholders_ok(const char *text);

/* The placeholders' values. */
typedef struct reply_tpl_values {
    const char *ref, *category, *place, *emergency;
    const char *tip_url, *tip_phone, *report_url, *contact;
} reply_tpl_values;

/* The text of template `key` in `lang`: the admin's edit from `st` when
 * there is one (*edited = 1), else the catalog's (`cat`). `st` may be NULL
 * (catalog only). TRYGG_ERR_TOOBIG when it does not fit out[cap]. */
trygg_err reply_tpl_text(trygg_store *st, const trygg_i18n *cat, const char *key, const char *lang,
                         char *out, size_t cap, int *edited);
/* Fills the placeholders of `fmt` from *v (NULL or "" values of category,
 * place and contact take the catalog's words in `lang`). */
trygg_err reply_tpl_fill(const trygg_i18n *cat, const char *lang, const char *fmt,
                         const reply_tpl_values *v, char *out, size_t cap);
/* The values for item `it` from the server's config (category label in
 * `lang`, police links from the routing config or [sms], [sms]
 * not_ours_contact). */
void reply_tpl_values_for(const server_ctx *srv, const trygg_item *it, const char *lang,
                          reply_tpl_values *v);
/* The SMS catalogs the templates come from: the server's (srv->sms_replies),
 * or the installed assets/i18n/sms when it has none loaded (tests that
 * build a server_ctx by hand). NULL if neither loads. */
const trygg_i18n *reply_tpl_catalog(const server_ctx *srv);
/* Template `e` for item `it` in `lang`, filled: reply_tpl_text +
 * reply_tpl_values_for + reply_tpl_fill. */
trygg_err reply_tpl_build(const server_ctx *srv, trygg_store *st, const trygg_item *it,
                          reply_event e, const char *lang, char *out, size_t cap);

#endif
