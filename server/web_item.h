/*
 * web_item.h — private to the item page: what its view (web_item.c), its
 * action forms (web_item_forms.c) and its posted actions (web_item_post.c)
 * share. The routes themselves (web_item_get, web_item_post) are in web.h.
 */
#ifndef SERVER_WEB_ITEM_H
#define SERVER_WEB_ITEM_H

#include <stddef.h>
#include <stdint.h>

#include "web.h"

/* Parses "/item/<id>[/<action>]": the id (> 0), or -1; the action (or "")
 * into action[cap]. */
int64_t web_item_parse_path(const char *path, char *action, size_t cap);
/* Writes at most `max` bytes of s (cut at a UTF-8 boundary, "…" added). */
void web_item_excerpt(html_buf *b, const char *s, size_t max);
/* Opens a form posting to /item/<id>/<action> with class cls and the CSRF field. */
void web_item_form_open(html_buf *b, const web_ctx *w, int64_t id, const char *action,
                        const char *cls);
/* A submit button labelled with catalog key label_key, class cls. */
void web_item_button(html_buf *b, const web_ctx *w, const char *label_key, const char *cls);
/* Opens a card section whose heading (id) is catalog key title_key. */
void web_item_section_head(html_buf *b, const web_ctx *w, const char *id, const char *title_key);
/* 1 if the item's sender can get an SMS: has a sender, contact not stopped
 * or blocked and its encrypted number still there. *why gets a message key
 * otherwise. */
int web_item_can_sms(web_ctx *w, const trygg_item *it, const char **why);
/* The detail of an audit row of `action` in words (web_item_audit.c). */
void web_item_audit_detail(html_buf *b, const web_ctx *w, const char *action, const char *d);
/* The category its own words suggest, with one button that takes it, for an
 * item without a category (web_item_suggest.c); nothing otherwise. */
void web_item_suggest_html(html_buf *b, web_ctx *w, const trygg_item *it);
/* What the reply form shows (web_item_reply.c): the text posted for a
 * preview (NULL: the template's), the language chosen ("" or NULL: the
 * texter's) and the template event chosen (-1: the one of the item's state). */
typedef struct web_reply_draft {
    const char *text;
    const char *lang;
    int event;
} web_reply_draft;
/* The draft from the query (tpl, tpl_lang) or, when `posted`, the form
 * (tpl, tpl_lang, text). */
void web_reply_draft_from(const http_req *req, int posted, web_reply_draft *d);
/* "Svara med SMS": template chooser, textarea (the draft or the template),
 * part counter, preview and send (nothing when w may not reply). */
void web_item_reply_form(html_buf *b, web_ctx *w, const trygg_item *it,
                         const web_reply_draft *draft);
/* The part counter line of `text` ("45 tecken, 1 sms (GSM)") with element
 * id `id` and the texts assets/web/reply.js needs to count live. */
void web_sms_count_html(html_buf *b, const web_ctx *w, const char *id, const char *text);
/* The items closed as duplicates of `id` (the user's store view; at most 100) into a
 * new array *out[*n] the caller frees (web_item_dups.c). */
trygg_err web_item_dups_load(web_ctx *w, int64_t id, trygg_item **out, int *n);
/* "Dubbletter av det här ärendet": links to those of dups[n] the user may
 * see and, for the security department, the joint reply to their texters. */
void web_item_dups_html(html_buf *b, web_ctx *w, const trygg_item *it, const trygg_item *dups,
                        int n);
/* Queues `text` by SMS to every texter of a duplicate of `orig` (one
 * transaction; each a reply on its item, audited there; "dup_reply" on the
 * original). *errkey when none can be answered. */
trygg_err web_item_dup_reply(web_ctx *w, const trygg_item *orig, const char *text,
                             const char **okkey, const char **errkey);
/* The item page of `id` as w's user may see it (404 if not), with the reply
 * form showing `draft` (may be NULL), answered with `status`. */
void web_item_page(web_ctx *w, int64_t id, const web_reply_draft *draft, int status);
/* The action forms user w may use on it, with the suggested duplicates
 * dups[ndups] to choose from and the reply draft (web_item_forms.c). */
void web_item_actions_html(html_buf *b, web_ctx *w, const trygg_item *it, trygg_item *dups,
                           int ndups, const web_reply_draft *draft);

#endif
