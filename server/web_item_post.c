/* web_item_post.c — the triage actions posted from the item page
 * (/item/<id>/<action>): each checks its form, changes the item through the
 * store (composite changes in one transaction) and redirects back to the
 * page with a one-shot message key. */
#include "web_item.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "forward.h"
#include "reply_tpl.h"
#include "trygg/log.h"
#include "trygg/text.h"

static void back(web_ctx *w, int64_t id, const char *param, const char *key)
{
    char loc[160];
    /* After an action that took the item out of the user's hands (a
     * recipient returning it to the security department), the queue. */
    trygg_item *it = malloc(sizeof *it);
    int sees = it && web_access_get(&w->sess.user, w->st, id, it) != WEB_SEE_NONE;
    free(it);
    if (sees)
        snprintf(loc, sizeof loc, "/item/%" PRId64 "?%s=%s", id, param, key);
    else
        snprintf(loc, sizeof loc, "/queue?%s=%s", param, key);
    http_resp_redirect(w->resp, loc);
}

/* Trimmed copy of a form field into out[cap]; 0 if missing/too long/invalid. */
static int form_text(const http_req *req, const char *name, char *out, size_t cap)
{
    const char *v = http_form(req, name);
    if (!v)
        return 0;
    while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
        v++;
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
        n--;
    if (n >= cap)
        return 0;
    char tmp[TRYGG_TEXT_MAX + 1];
    if (n >= sizeof tmp)
        return 0;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    return trygg_strset(out, cap, tmp) == TRYGG_OK;
}

/* Moves an open item to `to` through the allowed steps (new -> triaged
 * first). Inside the caller's transaction. */
static trygg_err step_to(trygg_store *st, trygg_item *it, const char *actor, trygg_status to)
{
    if (it->status == to)
        return TRYGG_OK;
    trygg_err e;
    if (it->status == TRYGG_STATUS_NEW && to != TRYGG_STATUS_TRIAGED && to != TRYGG_STATUS_CLOSED) {
        e = trygg_store_set_status(st, it->id, actor, TRYGG_STATUS_TRIAGED, TRYGG_CLOSE_NONE, 0);
        if (e)
            return e;
    }
    e = trygg_store_set_status(st, it->id, actor, to, TRYGG_CLOSE_NONE, 0);
    if (!e)
        e = trygg_store_get(st, it->id, it);
    return e;
}

/* The SMS to the texter on closing with reason `r` (reply_tpl.h): referred
 * to the police always (the police's links), resolved and not ours when
 * server.ini [sms] auto_close is on. The template in the contact's language,
 * through the outbox like a staff reply, in the thread and audited
 * ("auto_reply"). Inside the caller's transaction. */
static trygg_err close_sms(web_ctx *w, const trygg_item *it, trygg_close_reason r, int *sent)
{
    *sent = 0;
    int ev = reply_tpl_close_event(r);
    const server_catalog *k = w->srv->cfg.catalog;
    if (ev < 0 || (r != TRYGG_CLOSE_POLICE && !(k && k->sms_auto_close)))
        return TRYGG_OK;
    const char *why;
    trygg_contact c;
    if (!web_item_can_sms(w, it, &why) || trygg_store_contact_get(w->st, it->sender, &c))
        return TRYGG_OK; /* nothing to send to; closing goes on */
    char text[1600];
    trygg_err e = reply_tpl_build(w->srv, w->st, it, (reply_event)ev,
                                  reply_tpl_lang(NULL, c.lang, it->lang), text, sizeof text);
    if (e) { /* an edited template too long once filled: close without it */
        TRYGG_WARN("web: item %" PRId64 ": closing message not sent: %s", it->id,
                   trygg_strerror(e));
        return TRYGG_OK;
    }
    const char *user = w->sess.user.username;
    int64_t sms_id;
    e = trygg_store_sms_enqueue(w->st, it->id, it->sender, user, text, &sms_id);
    if (!e)
        e = trygg_store_add_message(w->st, it->id, TRYGG_MSG_OUT, user, text, NULL);
    if (!e)
        e = trygg_store_audit(w->st, it->id, user, "auto_reply", trygg_close_reason_name(r));
    if (!e)
        *sent = 1;
    return e;
}

/* One posted action: the request, the item (as the store has it) and the
 * message keys to redirect with. */
typedef struct posted {
    web_ctx *w;
    const http_req *req;
    trygg_item *it;
    int64_t id;
    const char *user;
    trygg_store *st;
    const char *okkey, *errkey;
    int forbidden; /* the action is not the user's to take on this item (403) */
} posted;

/* New -> triaged. */
static trygg_err do_triage(posted *a)
{
    trygg_store *st = a->st;
    int64_t id = a->id;
    const char *user = a->user;
    trygg_err e = TRYGG_OK;
    e = trygg_store_set_status(st, id, user, TRYGG_STATUS_TRIAGED, TRYGG_CLOSE_NONE, 0);
    a->okkey = "flash.triaged";
    return e;
}

/* To in progress (through triaged). */
static trygg_err do_progress(posted *a)
{
    trygg_store *st = a->st;
    const char *user = a->user;
    trygg_err e = TRYGG_OK;
    if ((e = trygg_store_begin(st)) == TRYGG_OK) {
        e = step_to(st, a->it, user, TRYGG_STATUS_IN_PROGRESS);
        e = e ? (trygg_store_rollback(st), e) : trygg_store_commit(st);
    }
    a->okkey = "flash.progress";
    return e;
}

/* Marks the item urgent or not (form field urgent = 1 or 0). */
static trygg_err do_urgent(posted *a)
{
    trygg_store *st = a->st;
    int64_t id = a->id;
    const char *user = a->user;
    trygg_err e = TRYGG_OK;
    const char *v = http_form(a->req, "urgent");
    if (!v || (strcmp(v, "0") != 0 && strcmp(v, "1") != 0))
        e = TRYGG_ERR_INVALID;
    else
        e = trygg_store_set_urgent(st, id, user, v[0] == '1');
    return e;
}

/* Category, area and kind. */
static trygg_err do_edit(posted *a)
{
    trygg_store *st = a->st;
    int64_t id = a->id;
    const char *user = a->user;
    trygg_err e = TRYGG_OK;
    char cat[TRYGG_NAME_MAX + 1], area[TRYGG_NAME_MAX + 1];
    trygg_kind kind;
    const char *ks = http_form(a->req, "kind");
    if (!form_text(a->req, "category", cat, sizeof cat) ||
        !form_text(a->req, "area", area, sizeof area) || !ks ||
        trygg_kind_parse(ks, &kind) != TRYGG_OK) {
        e = TRYGG_ERR_INVALID;
        a->errkey = "flash.invalid";
    } else if (!web_cat_fits(a->w, cat, kind)) {
        e = TRYGG_ERR_INVALID;
        a->errkey = "flash.category_kind";
    } else {
        e = trygg_store_update(st, id, user, cat, area, (int)kind);
    }
    return e;
}

/* A note: internal to the security department unless written for the recipient. */
static trygg_err do_note(posted *a)
{
    trygg_store *st = a->st;
    int64_t id = a->id;
    const char *user = a->user;
    trygg_err e = TRYGG_OK;
    char text[TRYGG_TEXT_MAX + 1];
    if (!form_text(a->req, "text", text, sizeof text) || !text[0]) {
        e = TRYGG_ERR_INVALID;
        a->errkey = "flash.empty";
    } else {
        /* The security department's notes are internal unless written for
         * the recipient on purpose; a recipient's own notes are in its copy. */
        trygg_audience aud = TRYGG_AUD_RECIPIENT;
        if (web_access_is_security(&a->w->sess.user)) {
            const char *fr = http_form(a->req, "for_recipient");
            aud = fr && strcmp(fr, "1") == 0 ? TRYGG_AUD_RECIPIENT : TRYGG_AUD_INTERNAL;
        }
        e = trygg_store_add_message_for(st, id, TRYGG_MSG_NOTE, aud, user, text, NULL);
        a->okkey = "flash.noted";
    }
    return e;
}

/* Strikes from the recipients' copy (text, place). */
static trygg_err do_redact(posted *a)
{
    trygg_store *st = a->st;
    int64_t id = a->id;
    const char *user = a->user;
    trygg_err e = TRYGG_OK;
    char text[TRYGG_TEXT_MAX + 1], place[TRYGG_NAME_MAX + 1];
    if (!form_text(a->req, "text", text, sizeof text) ||
        !form_text(a->req, "place", place, sizeof place)) {
        e = TRYGG_ERR_INVALID;
        a->errkey = "flash.invalid";
    } else {
        e = trygg_store_redact(st, id, user, text, place);
        a->okkey = "flash.redacted";
    }
    return e;
}

/* Queues a reply by SMS to the texter (and triages a new item). */
static trygg_err do_reply(posted *a)
{
    trygg_store *st = a->st;
    int64_t id = a->id;
    const char *user = a->user;
    trygg_err e = TRYGG_OK;
    char text[1001];
    const char *why;
    if (!form_text(a->req, "text", text, sizeof text) || !text[0]) {
        e = TRYGG_ERR_INVALID;
        a->errkey = "flash.empty";
    } else if (!web_item_can_sms(a->w, a->it, &why)) {
        e = TRYGG_ERR_STATE;
        a->errkey = "flash.reply_stopped";
    } else if ((e = trygg_store_begin(st)) == TRYGG_OK) {
        int64_t sms_id;
        e = trygg_store_sms_enqueue(st, id, a->it->sender, user, text, &sms_id);
        if (!e)
            e = trygg_store_add_message(st, id, TRYGG_MSG_OUT, user, text, NULL);
        if (!e && a->it->status == TRYGG_STATUS_NEW)
            e = trygg_store_set_status(st, id, user, TRYGG_STATUS_TRIAGED, TRYGG_CLOSE_NONE, 0);
        if (e == TRYGG_ERR_STATE)
            a->errkey = "flash.reply_stopped";
        e = e ? (trygg_store_rollback(st), e) : trygg_store_commit(st);
        a->okkey = "flash.replied";
    }
    return e;
}

/* A reply to the reporter for the public status page (docs/follow-up.md):
 * only for an item with a follow-up code. */
static trygg_err do_public_reply(posted *a)
{
    char text[1001];
    if (!form_text(a->req, "text", text, sizeof text) || !text[0]) {
        a->errkey = "flash.empty";
        return TRYGG_ERR_INVALID;
    }
    trygg_follow *f = malloc(sizeof *f);
    if (f == NULL)
        return TRYGG_ERR_NOMEM;
    trygg_err e = trygg_store_follow_get(a->st, a->it->ref, f);
    int has = e == TRYGG_OK && f->hash[0];
    free(f);
    if (e != TRYGG_OK && e != TRYGG_ERR_NOTFOUND)
        return e;
    if (!has) {
        a->errkey = "flash.no_follow_code";
        return TRYGG_ERR_STATE;
    }
    a->okkey = "flash.public_replied";
    /* As with an SMS reply, answering a new item triages it. */
    if ((e = trygg_store_begin(a->st)) != TRYGG_OK)
        return e;
    e = trygg_store_add_message_for(a->st, a->id, TRYGG_MSG_OUT, TRYGG_AUD_PUBLIC, a->user, text,
                                    NULL);
    if (!e && a->it->status == TRYGG_STATUS_NEW)
        e = trygg_store_set_status(a->st, a->id, a->user, TRYGG_STATUS_TRIAGED, TRYGG_CLOSE_NONE,
                                   0);
    return e ? (trygg_store_rollback(a->st), e) : trygg_store_commit(a->st);
}

/* Forwards the item to a destination and queues its outbox rows. */
static trygg_err do_forward(posted *a)
{
    trygg_store *st = a->st;
    int64_t id = a->id;
    const char *user = a->user;
    trygg_err e = TRYGG_OK;
    const char *dest = http_form(a->req, "destination");
    trygg_destination d;
    if (!dest || trygg_store_dest_get(st, dest, &d) != TRYGG_OK) {
        e = TRYGG_ERR_INVALID;
        a->errkey = "flash.invalid";
    } else if ((a->it->kind == TRYGG_KIND_TIP || a->it->kind == TRYGG_KIND_CALLBACK) &&
               !d.full_access) {
        e = TRYGG_ERR_PERM;
        a->errkey = "flash.forward_refused";
    } else if (a->it->status == TRYGG_STATUS_CLOSED) {
        e = TRYGG_ERR_STATE;
        a->errkey = "flash.state";
    } else if (!forward_reachable(st, &d)) {
        e = TRYGG_ERR_STATE;
        a->errkey = "flash.forward_nowhere";
    } else if ((e = trygg_store_begin(st)) == TRYGG_OK) {
        e = step_to(st, a->it, user, TRYGG_STATUS_FORWARDED);
        if (!e)
            e = trygg_store_set_destination(st, id, user, dest);
        if (!e)
            e = trygg_store_get(st, id, a->it);
        if (!e)
            e = forward_enqueue(a->w->srv, st, a->it, dest, user);
        if (e == TRYGG_ERR_PERM)
            a->errkey = "flash.forward_refused"; /* e.g. the text names a person */
        e = e ? (trygg_store_rollback(st), e) : trygg_store_commit(st);
        a->okkey = "flash.forwarded";
    }
    return e;
}

/* 1 when `other` already is, through its chain of originals, a duplicate
 * of item `id`: closing `id` as its duplicate would make a loop. */
static int dup_loop(trygg_store *st, int64_t id, const trygg_item *other)
{
    int64_t at = other->duplicate_of;
    for (int step = 0; at > 0 && step < 64; step++) {
        if (at == id)
            return 1;
        trygg_item *next = malloc(sizeof *next);
        if (!next || trygg_store_get(st, at, next) != TRYGG_OK)
            at = 0;
        else
            at = next->duplicate_of;
        free(next);
    }
    return at > 0;
}

/* Answers the texters of the item's duplicates together (web_item_dups.c). */
static trygg_err do_dup_reply(posted *a)
{
    char text[1001];
    if (!form_text(a->req, "text", text, sizeof text) || !text[0]) {
        a->errkey = "flash.empty";
        return TRYGG_ERR_INVALID;
    }
    return web_item_dup_reply(a->w, a->it, text, &a->okkey, &a->errkey);
}

/* Closes the item as a duplicate of another (by reference or suggestion). */
static trygg_err do_duplicate(posted *a)
{
    trygg_store *st = a->st;
    int64_t id = a->id;
    const char *user = a->user;
    trygg_err e = TRYGG_OK;
    trygg_item other;
    const char *ref = http_form(a->req, "dup_ref");
    const char *sid = http_form(a->req, "dup_id");
    trygg_err ge = TRYGG_ERR_NOTFOUND;
    if (ref && ref[0]) {
        char up[16];
        size_t n = strlen(ref);
        if (n < sizeof up) {
            for (size_t i = 0; i <= n; i++)
                up[i] = (ref[i] >= 'a' && ref[i] <= 'z') ? (char)(ref[i] - 32) : ref[i];
            ge = trygg_store_get_by_ref(st, up, &other);
        }
    } else if (sid) {
        ge = trygg_store_get(st, strtoll(sid, NULL, 10), &other);
    }
    if (ge != TRYGG_OK || other.id == id ||
        web_access_item(&a->w->sess.user, &other) == WEB_SEE_NONE) {
        e = TRYGG_ERR_INVALID;
        a->errkey = "flash.dup_invalid";
    } else if (dup_loop(st, id, &other)) {
        e = TRYGG_ERR_STATE; /* the store refuses it too */
        a->errkey = "flash.dup_loop";
    } else {
        e = trygg_store_set_status(st, id, user, TRYGG_STATUS_CLOSED, TRYGG_CLOSE_DUPLICATE,
                                   other.id);
        a->okkey = "flash.closed";
    }
    return e;
}

/* Closes with a reason; "referred to police" queues the police-links SMS. */
/* "Not ours" from a recipient: the item goes back to the security
 * department, open (triaged), for re-routing; the audit trail has the
 * recipient's destination change and status change, and an internal note
 * says why. Closing it is the security department's decision. */
static trygg_err return_to_security(posted *a)
{
    trygg_store *st = a->st;
    trygg_err e = trygg_store_begin(st);
    if (e)
        return e;
    e = trygg_store_set_destination(st, a->id, a->user, "security");
    if (!e && a->it->status != TRYGG_STATUS_TRIAGED)
        e = trygg_store_set_status(st, a->id, a->user, TRYGG_STATUS_TRIAGED, TRYGG_CLOSE_NONE, 0);
    if (!e)
        e = trygg_store_add_message_for(st, a->id, TRYGG_MSG_NOTE, TRYGG_AUD_INTERNAL, a->user,
                                        web_t(a->w, "note.returned_not_ours"), NULL);
    e = e ? (trygg_store_rollback(st), e) : trygg_store_commit(st);
    a->okkey = "flash.returned";
    return e;
}

static trygg_err do_close(posted *a)
{
    trygg_store *st = a->st;
    int64_t id = a->id;
    const char *user = a->user;
    trygg_err e = TRYGG_OK;
    trygg_close_reason r;
    const char *rs = http_form(a->req, "reason");
    if (!rs || trygg_close_reason_parse(rs, &r) != TRYGG_OK || r == TRYGG_CLOSE_DUPLICATE) {
        e = TRYGG_ERR_INVALID;
        a->errkey = "flash.invalid";
    } else if (r != TRYGG_CLOSE_RESOLVED && r != TRYGG_CLOSE_NOT_OURS &&
               !web_access_action(&a->w->sess.user, a->it, WEB_ACT_CLOSE_ANY)) {
        a->forbidden = 1;
        return TRYGG_ERR_PERM;
    } else if (r == TRYGG_CLOSE_NOT_OURS && !web_access_is_security(&a->w->sess.user)) {
        return return_to_security(a);
    } else if ((e = trygg_store_begin(st)) == TRYGG_OK) {
        int sent = 0;
        e = trygg_store_set_status(st, id, user, TRYGG_STATUS_CLOSED, r, 0);
        if (!e)
            e = close_sms(a->w, a->it, r, &sent);
        e = e ? (trygg_store_rollback(st), e) : trygg_store_commit(st);
        a->okkey = !sent                     ? "flash.closed"
                   : r == TRYGG_CLOSE_POLICE ? "flash.closed_police"
                                             : "flash.closed_sms";
    }
    return e;
}

/* Reopens a closed item. */
static trygg_err do_reopen(posted *a)
{
    trygg_store *st = a->st;
    int64_t id = a->id;
    const char *user = a->user;
    trygg_err e = TRYGG_OK;
    e = trygg_store_set_status(st, id, user, TRYGG_STATUS_TRIAGED, TRYGG_CLOSE_NONE, 0);
    a->okkey = "flash.reopened";
    return e;
}

/* Assign to a staff member ("" unassigns). web_access_assign decides who
 * may be chosen (a destination user: their own organisation only); the
 * store checks the recipient department again. */
static trygg_err do_assign(posted *a)
{
    const char *v = http_form(a->req, "assignee");
    char name[TRYGG_NAME_MAX + 1];
    if (!v || trygg_strset(name, sizeof name, v) != TRYGG_OK) {
        a->errkey = "flash.invalid";
        return TRYGG_ERR_INVALID;
    }
    trygg_user target;
    if (name[0] && (trygg_store_user_get(a->st, name, &target) != TRYGG_OK ||
                    !web_access_assign(&a->w->sess.user, a->it, &target))) {
        TRYGG_WARN("web: %s may not assign item %" PRId64 " to %s", a->user, a->id, name);
        a->errkey = "flash.assign_refused";
        return TRYGG_ERR_INVALID;
    }
    a->okkey = name[0] ? "flash.assigned" : "flash.unassigned";
    return trygg_store_assign(a->st, a->id, a->user, name);
}

static const struct {
    const char *name;
    web_action act;
    trygg_err (*run)(posted *a);
} actions[] = {
    {"triage", WEB_ACT_TRIAGE, do_triage},    {"progress", WEB_ACT_PROGRESS, do_progress},
    {"urgent", WEB_ACT_EDIT, do_urgent},      {"edit", WEB_ACT_EDIT, do_edit},
    {"note", WEB_ACT_NOTE, do_note},          {"redact", WEB_ACT_REDACT, do_redact},
    {"reply", WEB_ACT_REPLY, do_reply},       {"public_reply", WEB_ACT_REPLY, do_public_reply},
    {"forward", WEB_ACT_FORWARD, do_forward}, {"duplicate", WEB_ACT_DUPLICATE, do_duplicate},
    {"close", WEB_ACT_CLOSE, do_close},       {"reopen", WEB_ACT_REOPEN, do_reopen},
    {"assign", WEB_ACT_ASSIGN, do_assign},    {"dup_reply", WEB_ACT_REPLY, do_dup_reply},
};

/* The index in actions[] of the action named `name`, or -1. */
static int action_index(const char *name)
{
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(actions[i].name, name) == 0)
            return (int)i;
    return -1;
}

web_apply web_item_apply(web_ctx *w, int64_t id, const char *action, const char **key)
{
    *key = "flash.failed";
    trygg_item it;
    if (id <= 0 || trygg_store_get(w->st, id, &it) != TRYGG_OK ||
        web_access_item(&w->sess.user, &it) == WEB_SEE_NONE)
        return WEB_APPLY_HIDDEN;
    int ai = action_index(action);
    if (ai < 0)
        return WEB_APPLY_UNKNOWN;
    if (!web_access_action(&w->sess.user, &it, actions[ai].act)) {
        TRYGG_WARN("web: %s may not %s item %" PRId64, w->sess.user.username, action, id);
        return WEB_APPLY_FORBIDDEN;
    }
    posted a = {.w = w,
                .req = w->req,
                .it = &it,
                .id = id,
                .user = w->sess.user.username,
                .st = w->st,
                .okkey = "flash.saved",
                .errkey = "flash.failed"};
    trygg_err e = actions[ai].run(&a);
    if (a.forbidden) {
        TRYGG_WARN("web: %s may not %s item %" PRId64 " this way", a.user, action, id);
        return WEB_APPLY_FORBIDDEN;
    }
    if (e != TRYGG_OK) {
        if (e == TRYGG_ERR_STATE && strcmp(a.errkey, "flash.failed") == 0)
            a.errkey = "flash.state";
        TRYGG_INFO("web: %s on item %" PRId64 " by %s failed: %s (%s)", action, id, a.user,
                   trygg_strerror(e), trygg_store_errmsg(w->st));
        *key = a.errkey;
        return WEB_APPLY_FAILED;
    }
    web_counts_invalidate();
    *key = a.okkey;
    return WEB_APPLY_OK;
}

/* "Förhandsgranska" on the reply form: the item page again with the text
 * and its part count, nothing sent. 1 when answered; 0 when the user may
 * not reply (web_item_apply then answers 403/404). */
static int reply_preview(web_ctx *w, int64_t id)
{
    trygg_item it;
    if (id <= 0 || trygg_store_get(w->st, id, &it) != TRYGG_OK ||
        !web_access_action(&w->sess.user, &it, WEB_ACT_REPLY))
        return 0;
    web_reply_draft d;
    web_reply_draft_from(w->req, 1, &d);
    web_item_page(w, id, &d, 200);
    return 1;
}

void web_item_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    char action[32];
    int64_t id = web_item_parse_path(req->path, action, sizeof action);
    const char *pv = http_form(req, "preview");
    if (strcmp(action, "reply") == 0 && pv && strcmp(pv, "1") == 0 && reply_preview(&w, id))
        return;
    const char *key;
    switch (web_item_apply(&w, id, action, &key)) {
    case WEB_APPLY_HIDDEN:
        web_error(&w, 404, "error.no_item");
        return;
    case WEB_APPLY_UNKNOWN:
        web_error(&w, 404, "error.not_found");
        return;
    case WEB_APPLY_FORBIDDEN:
        web_error(&w, 403, "error.forbidden");
        return;
    case WEB_APPLY_FAILED:
        back(&w, id, "err", key);
        return;
    case WEB_APPLY_OK:
        break;
    }
    back(&w, id, "ok", key);
}
