/*
 * web_item.c — one item: all its fields, the thread, the audit trail and
 * the triage actions (edit, forward, reply by SMS, note, duplicate, close,
 * reopen). Every view and every action asks web_access_* first; an item a
 * user may not see answers 404, so its existence is not revealed.
 *
 * This file writes the page (web_item_get: head, text, recipients' copy,
 * facts, thread, audit trail) and the pieces its parts share (web_item.h);
 * the side column's action forms are in web_item_forms.c. Actions post to
 * /item/<id>/<action> and redirect back (post/redirect/get) with a one-shot
 * message key (web_item_post.c); composite changes (status + outbox rows)
 * run in one store transaction.
 */
#include "web_item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/log.h"
#include "trygg/text.h"
#include "trygg/utf8.h"

#define MAX_MSGS  200
#define MAX_AUDIT 300
#define MAX_SMS   50
#define MAX_DUPS  8
#define DUP_DAYS  7

/* Parses "/item/<id>[/<action>]". Returns the id (> 0) or -1. */
int64_t web_item_parse_path(const char *path, char *action, size_t cap)
{
    const char *p = path + strlen("/item/");
    char *end;
    long long id = strtoll(p, &end, 10);
    if (end == p || id <= 0 || (end[0] != '\0' && end[0] != '/'))
        return -1;
    action[0] = '\0';
    if (end[0] == '/') {
        size_t n = strlen(end + 1);
        if (n == 0 || n >= cap)
            return -1;
        memcpy(action, end + 1, n + 1);
    }
    return (int64_t)id;
}

/* Writes at most `max` bytes of s (cut at a UTF-8 boundary, "…" added). */
void web_item_excerpt(html_buf *b, const char *s, size_t max)
{
    char tmp[256];
    size_t n = strlen(s);
    if (max > sizeof tmp - 4)
        max = sizeof tmp - 4;
    if (n <= max) {
        html_text(b, s);
        return;
    }
    n = trygg_utf8_prefix(s, n, max);
    memcpy(tmp, s, n);
    memcpy(tmp + n, "…", sizeof "…");
    html_text(b, tmp);
}

static void dl_row(html_buf *b, const web_ctx *w, const char *label_key, const char *value)
{
    if (!value || !value[0])
        return;
    html_lit(b, "<dt>");
    html_t(b, w, label_key);
    html_lit(b, "</dt><dd>");
    html_text(b, value);
    html_lit(b, "</dd>");
}

static void dl_row_t(html_buf *b, const web_ctx *w, const char *label_key, const char *value_key)
{
    html_lit(b, "<dt>");
    html_t(b, w, label_key);
    html_lit(b, "</dt><dd>");
    html_t(b, w, value_key);
    html_lit(b, "</dd>");
}

void web_item_form_open(html_buf *b, const web_ctx *w, int64_t id, const char *action,
                        const char *cls)
{
    html_lit(b, "<form method=\"post\" action=\"/item/");
    html_int(b, id);
    html_lit(b, "/");
    html_attr(b, action);
    html_lit(b, "\" class=\"");
    html_attr(b, cls);
    html_lit(b, "\">");
    web_csrf_field(b, w);
}

void web_item_button(html_buf *b, const web_ctx *w, const char *label_key, const char *cls)
{
    html_lit(b, "<button type=\"submit\" class=\"");
    html_attr(b, cls);
    html_lit(b, "\">");
    html_t(b, w, label_key);
    html_lit(b, "</button>");
}

void web_item_section_head(html_buf *b, const web_ctx *w, const char *id, const char *title_key)
{
    html_lit(b, "<section class=\"card\" aria-labelledby=\"");
    html_attr(b, id);
    html_lit(b, "\"><h2 id=\"");
    html_attr(b, id);
    html_lit(b, "\">");
    html_t(b, w, title_key);
    html_lit(b, "</h2>");
}

/* 1 if the item's sender can get an SMS: has a sender, contact not stopped
 * or blocked and its encrypted number still there. *why gets a message key
 * otherwise. */
int web_item_can_sms(web_ctx *w, const trygg_item *it, const char **why)
{
    if (!it->sender[0] ||
        (it->channel != TRYGG_CHANNEL_SMS && it->channel != TRYGG_CHANNEL_VOICE)) {
        *why = "reply.no_sender";
        return 0;
    }
    trygg_contact c;
    if (trygg_store_contact_get(w->st, it->sender, &c) != TRYGG_OK) {
        *why = "reply.no_sender";
        return 0;
    }
    /* The number itself is the gateway's (never on the server): a contact
     * without a ciphertext here is the normal case, not a stopped one. */
    if (c.stopped) {
        *why = "reply.stopped";
        return 0;
    }
    if (c.blocked) {
        *why = "reply.blocked";
        return 0;
    }
    return 1;
}
/* Moderation, for the security department: exactly what a recipient
 * without full access sees and receives (the store's shared view), and a
 * form to strike more from it before forwarding. Tips and call-backs never
 * reach such a recipient, so they have no recipients' copy to edit. */
static void recipient_copy_html(html_buf *b, web_ctx *w, const trygg_item *full)
{
    if (!web_access_action(&w->sess.user, full, WEB_ACT_REDACT) || full->purged ||
        full->kind == TRYGG_KIND_TIP || full->kind == TRYGG_KIND_CALLBACK)
        return;
    trygg_item *sh = malloc(sizeof *sh);
    if (!sh || trygg_store_get_view(w->st, full->id, TRYGG_VIEW_SHARED, sh) != TRYGG_OK) {
        free(sh);
        return;
    }
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-copy\"><h2 id=\"h-copy\">");
    html_t(b, w, "item.copy_title");
    if (sh->redacted) {
        html_lit(b, " <span class=\"badge\">");
        html_t(b, w, "item.copy_redacted");
        html_lit(b, "</span>");
    }
    html_lit(b, "</h2><p class=\"hint\">");
    html_t(b, w, "item.copy_hint");
    html_lit(b, "</p>");
    const trygg_keywords *k = trygg_keywords_default();
    if (k && trygg_text_names_person(k, sh->text[0] ? sh->text : "")) {
        html_lit(b, "<p class=\"note\">");
        html_t(b, w, "item.copy_names_person");
        html_lit(b, "</p>");
    }
    html_lit(b, "<div class=\"copy-preview\" id=\"copy-preview\"><p class=\"usertext\">");
    html_text(b, sh->text[0] ? sh->text : "–");
    html_lit(b, "</p>");
    if (sh->place[0]) {
        html_lit(b, "<p class=\"muted\">");
        html_t(b, w, "item.place");
        html_lit(b, ": ");
        html_text(b, sh->place);
        html_lit(b, "</p>");
    }
    html_lit(b, "</div><details><summary>");
    html_t(b, w, "act.redact_title");
    html_lit(b, "</summary>");
    web_item_form_open(b, w, full->id, "redact", "stack");
    html_lit(b, "<label for=\"copy-text\">");
    html_t(b, w, "act.redact_text");
    html_lit(b, "</label><textarea id=\"copy-text\" name=\"text\" rows=\"4\" "
                "maxlength=\"4000\">");
    html_text(b, sh->text);
    html_lit(b, "</textarea><label for=\"copy-place\">");
    html_t(b, w, "item.place");
    html_lit(b, "</label><input id=\"copy-place\" name=\"place\" maxlength=\"63\" value=\"");
    html_attr(b, sh->place);
    html_lit(b, "\"><p class=\"hint\">");
    html_t(b, w, "act.redact_hint");
    html_lit(b, "</p><div>");
    web_item_button(b, w, "act.redact", "");
    html_lit(b, "</div></form></details></section>");
    free(sh);
}

/* Audit rows a recipient without full access may see: not the security
 * department's internal notes, replies to the texter, SMS traffic,
 * redactions or forwards to others (their details name other recipients). */
static int audit_shared(const trygg_audit *a)
{
    static const char *const internal[] = {"reply", "message", "redact", "forward"};
    for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++)
        if (strcmp(a->action, internal[i]) == 0)
            return 0;
    return strcmp(a->action, "note") != 0 || strcmp(a->detail, "recipient") == 0;
}

/* The access log of personal data: an unscrubbed tip, or a call-back
 * number shown to someone allowed to call back. */
static void log_personal_view(web_ctx *w, const trygg_item *it, web_see see)
{
    const char *action = NULL;
    if (see == WEB_SEE_FULL && it->kind == TRYGG_KIND_TIP)
        action = "view_tip";
    else if (it->kind == TRYGG_KIND_CALLBACK && web_access_callback_number(&w->sess.user, it) &&
             it->contact[0])
        action = "view_number";
    if (action &&
        trygg_store_access_add(w->st, w->sess.user.username, action, it->id, it->ref) != TRYGG_OK)
        TRYGG_WARN("web: access log: %s", trygg_store_errmsg(w->st));
}

/* What the item page shows: the item as this user may see it and what is
 * listed with it (web_item_get loads it, the sections write it). */
typedef struct page {
    web_ctx *w;
    trygg_item it;
    web_see see;
    trygg_message *msgs;
    trygg_audit *audit;
    trygg_sms_out *sms;
    trygg_item *dups;    /* suggested duplicates */
    trygg_item *duplist; /* the items closed as duplicates of this one */
    int nmsg, naudit, nsms, ndups, nduplist;
} page;

static void page_free(page *p)
{
    free(p->msgs);
    free(p->audit);
    free(p->sms);
    free(p->dups);
    free(p->duplist);
}

/* Loads the thread, audit trail, SMS sent and suggested duplicates of p->it.
 * 0, or -1 when out of memory (then nothing is held). */
static int page_load(page *p)
{
    web_ctx *w = p->w;
    int64_t id = p->it.id;
    web_see see = p->see;
    p->msgs = calloc(MAX_MSGS, sizeof *p->msgs);
    p->audit = calloc(MAX_AUDIT, sizeof *p->audit);
    p->sms = calloc(MAX_SMS, sizeof *p->sms);
    p->dups = calloc(MAX_DUPS, sizeof *p->dups);
    if (!p->msgs || !p->audit || !p->sms || !p->dups) {
        page_free(p);
        return -1;
    }
    if (trygg_store_list_messages(w->st, id, web_access_store_view(&w->sess.user), p->msgs,
                                  MAX_MSGS, &p->nmsg) != TRYGG_OK)
        p->nmsg = 0;
    if (trygg_store_list_audit(w->st, id, p->audit, MAX_AUDIT, &p->naudit) != TRYGG_OK)
        p->naudit = 0;
    if (see == WEB_SEE_FULL &&
        trygg_store_sms_list(w->st, id, p->sms, MAX_SMS, &p->nsms) != TRYGG_OK)
        p->nsms = 0;
    if (see == WEB_SEE_FULL && p->it.status != TRYGG_STATUS_CLOSED &&
        trygg_store_suggest_duplicates(w->st, id, DUP_DAYS, TRYGG_VIEW_FULL, p->dups, MAX_DUPS,
                                       &p->ndups) != TRYGG_OK)
        p->ndups = 0;
    if (web_item_dups_load(w, id, &p->duplist, &p->nduplist) != TRYGG_OK)
        p->nduplist = 0;
    return 0;
}

/* The reference, kind, status and urgency; the note on a scrubbed view. */
static void head_html(html_buf *b, const page *p)
{
    web_ctx *w = p->w;
    const trygg_item *it = &p->it;
    web_see see = p->see;
    char k[64];
    html_lit(b, "<p class=\"crumbs\"><a href=\"/queue\">← ");
    html_t(b, w, "item.back");
    html_lit(b, "</a></p><div class=\"head\"><h1><span class=\"ref\">");
    html_text(b, it->ref);
    html_lit(b, "</span> ");
    html_t(b, w, web_enum_key("kind", trygg_kind_name(it->kind), k));
    html_lit(b, "</h1><div>");
    web_status_badge(b, w, it);
    if (it->urgent) {
        html_lit(b, " <span class=\"badge urgent\">");
        html_t(b, w, "item.urgent");
        html_lit(b, "</span>");
    }
    html_lit(b, "</div></div>");
    if (see == WEB_SEE_SCRUBBED) {
        html_lit(b, "<p class=\"note\">");
        html_t(b, w, "item.scrubbed_note");
        html_lit(b, "</p>");
    }
}

/* The citizen's text. */
static void text_html(html_buf *b, const page *p)
{
    web_ctx *w = p->w;
    const trygg_item *it = &p->it;
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-text\"><h2 id=\"h-text\">");
    html_t(b, w, "item.text");
    html_lit(b, "</h2>");
    if (it->purged) {
        html_lit(b, "<p class=\"muted\">");
        html_t(b, w, "item.purged");
        html_lit(b, "</p>");
    } else {
        html_lit(b, "<p class=\"usertext\">");
        html_text(b, it->text[0] ? it->text : "–");
        html_lit(b, "</p>");
    }
    if (it->incomplete) {
        html_lit(b, "<p class=\"note\">");
        html_t(b, w, "item.incomplete");
        html_lit(b, "</p>");
    }
    html_lit(b, "</section>");
}

/* The facts: when, where, how, to whom, until when it is kept. */
static void facts_html(html_buf *b, const page *p)
{
    web_ctx *w = p->w;
    const trygg_item *it = &p->it;
    web_see see = p->see;
    char k[64], when[32];
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-facts\"><h2 id=\"h-facts\">");
    html_t(b, w, "item.facts");
    html_lit(b, "</h2><dl class=\"facts\">");
    web_fmt_time(it->created, when);
    html_lit(b, "<dt>");
    html_t(b, w, "item.received");
    html_lit(b, "</dt><dd>");
    html_text(b, when);
    html_lit(b, " <span class=\"muted\">(");
    web_age_html(b, w, it);
    html_lit(b, ")</span></dd>");
    if (it->reported > 0 && it->created - it->reported >= 60) {
        /* Sent from a kiosk during an outage: when the resident reported it. */
        web_fmt_time(it->reported, when);
        html_lit(b, "<dt>");
        html_t(b, w, "item.reported");
        html_lit(b, "</dt><dd>");
        html_text(b, when);
        html_lit(b, "</dd>");
    }
    if (it->due_at > 0 && it->status != TRYGG_STATUS_CLOSED) {
        html_lit(b, "<dt>");
        html_t(b, w, "item.deadline");
        html_lit(b, "</dt><dd>");
        web_due_html(b, w, it);
        html_lit(b, "</dd>");
    }
    dl_row_t(b, w, "item.channel", web_enum_key("channel", trygg_channel_name(it->channel), k));
    if (it->via[0])
        dl_row_t(b, w, "item.via", web_enum_key("received", it->via, k));
    if (see == WEB_SEE_FULL)
        dl_row(b, w, "item.source", it->source);
    dl_row_t(b, w, "item.kind", web_enum_key("kind", trygg_kind_name(it->kind), k));
    dl_row(b, w, "item.category", web_cat_label(w, it->category));
    dl_row(b, w, "item.area", web_area_label(w, it->area));
    dl_row(b, w, "item.place", it->place);
    dl_row(b, w, "item.when_date", it->when_date);
    if (it->when_band[0])
        dl_row_t(b, w, "item.when_band", web_enum_key("band", it->when_band, k));
    dl_row(b, w, "item.lang", it->lang);
    dl_row(b, w, "item.destination", web_dest_label(w, it->destination));
    if (it->assignee[0])
        dl_row(b, w, "item.assignee", it->assignee);
    else
        dl_row_t(b, w, "item.assignee", "item.assignee_none");
    if (it->status == TRYGG_STATUS_CLOSED && it->close_reason != TRYGG_CLOSE_NONE)
        dl_row_t(b, w, "item.close_reason",
                 web_enum_key("reason", trygg_close_reason_name(it->close_reason), k));
    if (it->duplicate_of > 0) {
        trygg_item other;
        if (trygg_store_get(w->st, it->duplicate_of, &other) == TRYGG_OK &&
            web_access_item(&w->sess.user, &other) != WEB_SEE_NONE) {
            html_lit(b, "<dt>");
            html_t(b, w, "item.duplicate_of");
            html_lit(b, "</dt><dd><a href=\"/item/");
            html_int(b, other.id);
            html_lit(b, "\">");
            html_text(b, other.ref);
            html_lit(b, "</a></dd>");
        }
    }
    if (see == WEB_SEE_FULL)
        dl_row(b, w, "item.alias", it->alias);
    if (it->kind == TRYGG_KIND_CALLBACK) {
        html_lit(b, "<dt>");
        html_t(b, w, "item.callback_number");
        html_lit(b, "</dt><dd>");
        if (web_access_callback_number(&w->sess.user, it) && it->contact[0])
            html_text(b, it->contact);
        else if (web_access_callback_number(&w->sess.user, it))
            html_t(b, w, "item.callback_pending");
        else
            html_t(b, w, "item.callback_hidden");
        html_lit(b, "</dd>");
    } else if (it->contact[0]) {
        dl_row(b, w, "item.contact", it->contact);
    }
    web_fmt_time(it->updated, when);
    dl_row(b, w, "item.updated", when);
    web_fmt_time(it->purge_at, when);
    dl_row(b, w, "item.purge_at", when);
    html_lit(b, "</dl></section>");
}

/* The SMS sent to the texter and their delivery state. */
static void sms_html(html_buf *b, const page *p)
{
    web_ctx *w = p->w;
    char k[64], when[32];
    if (p->nsms <= 0)
        return;
    html_lit(b, "<h3>");
    html_t(b, w, "item.sms_out");
    html_lit(b, "</h3><ul class=\"plain\">");
    for (int i = 0; i < p->nsms; i++) {
        web_fmt_time(p->sms[i].created, when);
        html_lit(b, "<li><span class=\"badge out-");
        html_attr(b, trygg_out_status_name(p->sms[i].status));
        html_lit(b, "\">");
        html_t(b, w, web_enum_key("out", trygg_out_status_name(p->sms[i].status), k));
        html_lit(b, "</span> ");
        html_text(b, when);
        html_lit(b, " <span class=\"muted\">");
        web_item_excerpt(b, p->sms[i].text, 60);
        html_lit(b, "</span>");
        if (p->sms[i].error[0]) {
            html_lit(b, " <span class=\"error-text\">");
            html_text(b, p->sms[i].error);
            html_lit(b, "</span>");
        }
        html_lit(b, "</li>");
    }
    html_lit(b, "</ul>");
}

/* The thread: messages in and out, notes; then the SMS sent. */
static void thread_html(html_buf *b, const page *p)
{
    web_ctx *w = p->w;
    const trygg_item *it = &p->it;
    web_see see = p->see;
    char k[64], when[32];
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-thread\"><h2 id=\"h-thread\">");
    html_t(b, w, "item.thread");
    html_lit(b, "</h2>");
    if (p->nmsg == 0) {
        html_lit(b, "<p class=\"muted\">");
        html_t(b, w, "item.thread_empty");
        html_lit(b, "</p>");
    } else {
        html_lit(b, "<ol class=\"thread\">");
        for (int i = 0; i < p->nmsg; i++) {
            const trygg_message *m = &p->msgs[i];
            static const char *const dirs[] = {"in", "out", "note"};
            const char *d = dirs[(int)m->dir >= 0 && (int)m->dir < 3 ? (int)m->dir : 2];
            html_lit(b, "<li class=\"msg msg-");
            html_attr(b, d);
            html_lit(b, "\"><div class=\"meta\"><strong>");
            html_t(b, w, web_enum_key("msg", d, k));
            html_lit(b, "</strong>");
            const char *who =
                m->dir == TRYGG_MSG_IN ? (see == WEB_SEE_FULL ? it->alias : "") : m->author;
            if (who[0]) {
                html_lit(b, " · ");
                html_text(b, who);
            }
            web_fmt_time(m->created, when);
            html_lit(b, " · ");
            html_text(b, when);
            if (see == WEB_SEE_FULL && m->audience != TRYGG_AUD_INTERNAL) {
                html_lit(b, " · <span class=\"badge\">");
                html_t(b, w,
                       m->audience == TRYGG_AUD_PUBLIC ? "item.on_status_page"
                                                       : "item.for_recipient");
                html_lit(b, "</span>");
            }
            /* The store gives a recipient only messages written for them, scrubbed. */
            html_lit(b, "</div><p class=\"usertext\">");
            html_text(b, m->text);
            html_lit(b, "</p></li>");
        }
        html_lit(b, "</ol>");
    }
    sms_html(b, p);
    html_lit(b, "</section>");
}

/* An "assign" audit row ("old -> new"): "Tilldelat: new" or "Tilldelning borttagen". */
static void audit_assign_html(html_buf *b, const web_ctx *w, const char *detail)
{
    const char *arrow = strstr(detail, " -> ");
    const char *to = arrow ? arrow + 4 : "";
    if (to[0]) {
        html_t(b, w, "audit.assign");
        html_lit(b, ": ");
        html_text(b, to);
    } else {
        html_t(b, w, "audit.unassign");
    }
}

/* The audit trail (a recipient sees only the rows shared with it). */
static void audit_html(html_buf *b, const page *p)
{
    web_ctx *w = p->w;
    web_see see = p->see;
    char k[64], when[32];
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-audit\"><h2 id=\"h-audit\">");
    html_t(b, w, "item.audit");
    html_lit(b, "</h2><table class=\"audit\"><thead><tr><th scope=\"col\">");
    html_t(b, w, "audit.when");
    html_lit(b, "</th><th scope=\"col\">");
    html_t(b, w, "audit.who");
    html_lit(b, "</th><th scope=\"col\">");
    html_t(b, w, "audit.what");
    html_lit(b, "</th></tr></thead><tbody>");
    for (int i = 0; i < p->naudit; i++) {
        if (see != WEB_SEE_FULL && !audit_shared(&p->audit[i]))
            continue;
        web_fmt_time(p->audit[i].at, when);
        html_lit(b, "<tr><td>");
        html_text(b, when);
        html_lit(b, "</td><td>");
        html_text(b, p->audit[i].actor);
        html_lit(b, "</td><td>");
        if (strcmp(p->audit[i].action, "assign") == 0) {
            audit_assign_html(b, w, p->audit[i].detail);
        } else if (strcmp(p->audit[i].action, "received") == 0) {
            /* How a staff-made item came in (web_new.c). */
            html_t(b, w, "audit.received");
            html_lit(b, ": ");
            html_t(b, w, web_enum_key("received", p->audit[i].detail, k));
        } else {
            html_t(b, w, web_enum_key("audit", p->audit[i].action, k));
            if (p->audit[i].detail[0]) {
                html_lit(b, ": ");
                web_item_audit_detail(b, w, p->audit[i].action, p->audit[i].detail);
            }
        }
        html_lit(b, "</td></tr>");
    }
    html_lit(b, "</tbody></table></section>");
}

void web_item_page(web_ctx *w, int64_t id, const web_reply_draft *draft, int status)
{
    page p = {.w = w};
    p.see = web_access_get(&w->sess.user, w->st, id, &p.it);
    if (p.see == WEB_SEE_NONE) {
        web_error(w, 404, "error.no_item");
        return;
    }
    log_personal_view(w, &p.it, p.see);
    if (page_load(&p) != 0) {
        web_error(w, 503, "error.unavailable");
        return;
    }
    html_buf b;
    html_init(&b, 8 * 1024 * 1024);
    web_page_begin(&b, w, "item.title", "queue");
    head_html(&b, &p);
    html_lit(&b, "<div class=\"itemgrid\"><div class=\"main\">");
    text_html(&b, &p);
    recipient_copy_html(&b, w, &p.it);
    facts_html(&b, &p);
    web_item_dups_html(&b, w, &p.it, p.duplist, p.nduplist);
    thread_html(&b, &p);
    audit_html(&b, &p);
    html_lit(&b, "</div><div class=\"side\">");
    web_item_actions_html(&b, w, &p.it, p.dups, p.ndups, draft);
    html_lit(&b, "</div></div>");
    web_page_end(&b, w);
    page_free(&p);
    html_send(&b, w->resp, status);
}

void web_item_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    char action[32];
    int64_t id = web_item_parse_path(req->path, action, sizeof action);
    if (action[0] || id <= 0) {
        web_error(&w, 404, "error.no_item");
        return;
    }
    web_reply_draft d;
    web_reply_draft_from(req, 0, &d);
    web_item_page(&w, id, &d, 200);
}
