/*
 * web_item.c — one item: all its fields, the thread, the audit trail and
 * the triage actions (edit, forward, reply by SMS, note, duplicate, close,
 * reopen). Every view and every action asks web_access_* first; an item a
 * user may not see answers 404, so its existence is not revealed.
 *
 * Actions post to /item/<id>/<action> and redirect back (post/redirect/get)
 * with a one-shot message key. Composite changes (status + outbox rows) run
 * in one store transaction.
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forward.h"
#include "trygg/log.h"
#include "trygg/text.h"

#define MAX_MSGS  200
#define MAX_AUDIT 300
#define MAX_SMS   50
#define MAX_DUPS  8
#define DUP_DAYS  7

/* Parses "/item/<id>[/<action>]". Returns the id (> 0) or -1. */
static int64_t parse_path(const char *path, char *action, size_t cap)
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
static void excerpt_n(html_buf *b, const char *s, size_t max)
{
    char tmp[256];
    size_t n = strlen(s);
    if (max > sizeof tmp - 4)
        max = sizeof tmp - 4;
    if (n <= max) {
        html_text(b, s);
        return;
    }
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
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

static void form_open(html_buf *b, const web_ctx *w, int64_t id, const char *action,
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

static void button(html_buf *b, const web_ctx *w, const char *label_key, const char *cls)
{
    html_lit(b, "<button type=\"submit\" class=\"");
    html_attr(b, cls);
    html_lit(b, "\">");
    html_t(b, w, label_key);
    html_lit(b, "</button>");
}

static void section_head(html_buf *b, const web_ctx *w, const char *id, const char *title_key)
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
static int can_sms(web_ctx *w, const trygg_item *it, const char **why)
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
    if (c.stopped || c.cipher_len == 0) {
        *why = "reply.stopped";
        return 0;
    }
    if (c.blocked) {
        *why = "reply.blocked";
        return 0;
    }
    return 1;
}

static void actions_html(html_buf *b, web_ctx *w, const trygg_item *it, trygg_item *dups, int ndups)
{
    const web_user *u = &w->sess.user;
    int closed = it->status == TRYGG_STATUS_CLOSED;
    html_lit(b, "<div class=\"actions\">");

    /* Status steps. */
    int can_triage = it->status == TRYGG_STATUS_NEW && web_access_action(u, it, WEB_ACT_TRIAGE);
    int can_progress = !closed && it->status != TRYGG_STATUS_IN_PROGRESS &&
                       web_access_action(u, it, WEB_ACT_PROGRESS);
    int can_urgent = !closed && web_access_action(u, it, WEB_ACT_EDIT);
    if (can_triage || can_progress || can_urgent) {
        section_head(b, w, "h-status", "act.status_title");
        html_lit(b, "<div class=\"row\">");
        if (can_triage) {
            form_open(b, w, it->id, "triage", "inline");
            button(b, w, "act.triage", "primary");
            html_lit(b, "</form>");
        }
        if (can_progress) {
            form_open(b, w, it->id, "progress", "inline");
            button(b, w, "act.progress", "");
            html_lit(b, "</form>");
        }
        if (can_urgent) {
            form_open(b, w, it->id, "urgent", "inline");
            html_lit(b, "<input type=\"hidden\" name=\"urgent\" value=\"");
            html_int(b, it->urgent ? 0 : 1);
            html_lit(b, "\">");
            button(b, w, it->urgent ? "act.unurgent" : "act.urgent", "");
            html_lit(b, "</form>");
        }
        html_lit(b, "</div></section>");
    }

    /* Reply by SMS. */
    if (!closed && web_access_action(u, it, WEB_ACT_REPLY) &&
        (it->channel == TRYGG_CHANNEL_SMS || it->channel == TRYGG_CHANNEL_VOICE)) {
        const char *why = NULL;
        int ok = can_sms(w, it, &why);
        section_head(b, w, "h-reply", "act.reply_title");
        if (!ok) {
            html_lit(b, "<p class=\"note\">");
            html_t(b, w, why);
            html_lit(b, "</p>");
        }
        form_open(b, w, it->id, "reply", "stack");
        html_lit(b, "<label for=\"reply-text\">");
        html_t(b, w, "act.reply_label");
        html_lit(b, " <span class=\"muted\">");
        html_text(b, it->alias);
        html_lit(b, "</span></label><textarea id=\"reply-text\" name=\"text\" rows=\"3\" "
                    "maxlength=\"1000\" required aria-describedby=\"reply-hint\"");
        if (!ok)
            html_lit(b, " disabled");
        html_lit(b, "></textarea><p class=\"hint\" id=\"reply-hint\">");
        html_t(b, w, "act.reply_hint");
        html_lit(b, "</p>");
        html_lit(b, "<div><button type=\"submit\" class=\"primary\"");
        if (!ok)
            html_lit(b, " disabled");
        html_lit(b, ">");
        html_t(b, w, "act.reply");
        html_lit(b, "</button></div></form></section>");
    }

    /* Note: internal to the security department unless ticked for the
     * recipient; a recipient's own notes are always in its copy. */
    if (web_access_action(u, it, WEB_ACT_NOTE)) {
        int security = web_access_is_security(u);
        section_head(b, w, "h-note", "act.note_title");
        form_open(b, w, it->id, "note", "stack");
        html_lit(b, "<label for=\"note-text\">");
        html_t(b, w, security ? "act.note_label" : "act.note_label_recipient");
        html_lit(b,
                 "</label><textarea id=\"note-text\" name=\"text\" rows=\"2\" maxlength=\"4000\" "
                 "required></textarea>");
        if (security) {
            html_lit(b, "<div class=\"check\"><input type=\"checkbox\" name=\"for_recipient\" "
                        "value=\"1\" id=\"note-rcpt\"><label for=\"note-rcpt\">");
            html_t(b, w, "act.note_for_recipient");
            html_lit(b, "</label></div>");
        }
        html_lit(b, "<div>");
        button(b, w, "act.note", "");
        html_lit(b, "</div></form></section>");
    }

    /* Forward (route) to a destination. */
    if (!closed && web_access_action(u, it, WEB_ACT_FORWARD)) {
        const web_dest *d = w->dests;
        int n = w->ndests;
        section_head(b, w, "h-forward", "act.forward_title");
        form_open(b, w, it->id, "forward", "stack");
        html_lit(b, "<label for=\"fwd-dest\">");
        html_t(b, w, "act.forward_label");
        html_lit(b, "</label><select id=\"fwd-dest\" name=\"destination\" required>");
        for (int i = 0; i < n; i++) {
            int sensitive = it->kind == TRYGG_KIND_TIP || it->kind == TRYGG_KIND_CALLBACK;
            if (sensitive && !d[i].full_access)
                continue; /* tips never go to a company or other non-security desk */
            html_lit(b, "<option value=\"");
            html_attr(b, d[i].name);
            html_lit(b, "\"");
            if (strcmp(d[i].name, it->destination) == 0)
                html_lit(b, " selected");
            html_lit(b, ">");
            html_text(b, d[i].label);
            html_lit(b, "</option>");
        }
        html_lit(b, "</select>");
        if (it->kind == TRYGG_KIND_TIP) {
            html_lit(b, "<p class=\"hint\">");
            html_t(b, w, "act.forward_tip_hint");
            html_lit(b, "</p>");
        }
        html_lit(b, "<div>");
        button(b, w, "act.forward", "");
        html_lit(b, "</div></form></section>");
    }

    /* Edit category, area, kind. */
    if (web_access_action(u, it, WEB_ACT_EDIT)) {
        section_head(b, w, "h-edit", "act.edit_title");
        form_open(b, w, it->id, "edit", "grid");
        html_lit(b, "<div class=\"field\"><label for=\"ed-kind\">");
        html_t(b, w, "item.kind");
        html_lit(b, "</label><select id=\"ed-kind\" name=\"kind\">");
        for (int k = 0; k < TRYGG_KIND_COUNT; k++) {
            char key[64];
            const char *kn = trygg_kind_name((trygg_kind)k);
            html_lit(b, "<option value=\"");
            html_attr(b, kn);
            html_lit(b, "\"");
            if ((int)it->kind == k)
                html_lit(b, " selected");
            html_lit(b, ">");
            html_t(b, w, web_enum_key("kind", kn, key));
            html_lit(b, "</option>");
        }
        html_lit(b, "</select></div><div class=\"field\"><label for=\"ed-cat\">");
        html_t(b, w, "item.category");
        html_lit(b, "</label>");
        web_cat_select(b, w, "ed-cat", "category", it->category, 0);
        html_lit(b, "</div><div class=\"field\"><label for=\"ed-area\">");
        html_t(b, w, "item.area");
        html_lit(b, "</label>");
        web_area_select(b, w, "ed-area", "area", it->area, 0);
        html_lit(b, "</div><div class=\"field actions\">");
        button(b, w, "act.save", "");
        html_lit(b, "</div></form></section>");
    }

    /* Duplicate of another item. */
    if (!closed && web_access_action(u, it, WEB_ACT_DUPLICATE)) {
        section_head(b, w, "h-dup", "act.dup_title");
        form_open(b, w, it->id, "duplicate", "stack");
        if (ndups > 0) {
            html_lit(b, "<fieldset><legend>");
            html_t(b, w, "act.dup_suggestions");
            html_lit(b, "</legend>");
            for (int i = 0; i < ndups; i++) {
                char when[32];
                web_fmt_time(dups[i].created, when);
                html_lit(b, "<div class=\"check\"><input type=\"radio\" name=\"dup_id\" id=\"dup-");
                html_int(b, dups[i].id);
                html_lit(b, "\" value=\"");
                html_int(b, dups[i].id);
                html_lit(b, "\"><label for=\"dup-");
                html_int(b, dups[i].id);
                html_lit(b, "\"><a href=\"/item/");
                html_int(b, dups[i].id);
                html_lit(b, "\">");
                html_text(b, dups[i].ref);
                html_lit(b, "</a> ");
                html_text(b, when);
                html_lit(b, " – ");
                excerpt_n(b, dups[i].text, 80);
                html_lit(b, "</label></div>");
            }
            html_lit(b, "</fieldset>");
        } else {
            html_lit(b, "<p class=\"hint\">");
            html_t(b, w, "act.dup_none");
            html_lit(b, "</p>");
        }
        html_lit(b, "<label for=\"dup-ref\">");
        html_t(b, w, "act.dup_ref");
        html_lit(b, "</label><input id=\"dup-ref\" name=\"dup_ref\" maxlength=\"16\" "
                    "autocapitalize=\"characters\" placeholder=\"K7-4QX2\"><div>");
        button(b, w, "act.dup", "");
        html_lit(b, "</div></form></section>");
    }

    /* Close with a reason. */
    if (!closed && web_access_action(u, it, WEB_ACT_CLOSE)) {
        int any = web_access_action(u, it, WEB_ACT_CLOSE_ANY);
        section_head(b, w, "h-close", "act.close_title");
        form_open(b, w, it->id, "close", "stack");
        html_lit(b, "<label for=\"close-reason\">");
        html_t(b, w, "act.close_reason");
        html_lit(b, "</label><select id=\"close-reason\" name=\"reason\" required>");
        static const trygg_close_reason reasons[] = {TRYGG_CLOSE_RESOLVED, TRYGG_CLOSE_POLICE,
                                                     TRYGG_CLOSE_NOT_OURS, TRYGG_CLOSE_SPAM};
        for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
            if (!any && (reasons[i] == TRYGG_CLOSE_POLICE || reasons[i] == TRYGG_CLOSE_SPAM))
                continue;
            char key[64];
            const char *rn = trygg_close_reason_name(reasons[i]);
            html_lit(b, "<option value=\"");
            html_attr(b, rn);
            html_lit(b, "\">");
            html_t(b, w, web_enum_key("reason", rn, key));
            html_lit(b, "</option>");
        }
        html_lit(b, "</select>");
        if (any && it->sender[0]) {
            html_lit(b, "<p class=\"hint\">");
            html_t(b, w, "act.close_police_hint");
            html_lit(b, "</p>");
        }
        html_lit(b, "<div>");
        button(b, w, "act.close", "danger");
        html_lit(b, "</div></form></section>");
    }

    if (closed && web_access_action(u, it, WEB_ACT_REOPEN)) {
        section_head(b, w, "h-reopen", "act.reopen_title");
        form_open(b, w, it->id, "reopen", "inline");
        button(b, w, "act.reopen", "");
        html_lit(b, "</form></section>");
    }
    html_lit(b, "</div>");
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
    form_open(b, w, full->id, "redact", "stack");
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
    button(b, w, "act.redact", "");
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

void web_item_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    char action[32];
    int64_t id = parse_path(req->path, action, sizeof action);
    trygg_item it;
    web_see see = action[0] ? WEB_SEE_NONE : web_access_get(&w.sess.user, w.st, id, &it);
    if (see == WEB_SEE_NONE) {
        web_error(&w, 404, "error.no_item");
        return;
    }
    log_personal_view(&w, &it, see);
    trygg_message *msgs = calloc(MAX_MSGS, sizeof *msgs);
    trygg_audit *audit = calloc(MAX_AUDIT, sizeof *audit);
    trygg_sms_out *sms = calloc(MAX_SMS, sizeof *sms);
    trygg_item *dups = calloc(MAX_DUPS, sizeof *dups);
    if (!msgs || !audit || !sms || !dups) {
        free(msgs);
        free(audit);
        free(sms);
        free(dups);
        web_error(&w, 503, "error.unavailable");
        return;
    }
    int nmsg = 0, naudit = 0, nsms = 0, ndups = 0;
    if (trygg_store_list_messages(w.st, id, web_access_store_view(&w.sess.user), msgs, MAX_MSGS,
                                  &nmsg) != TRYGG_OK)
        nmsg = 0;
    if (trygg_store_list_audit(w.st, id, audit, MAX_AUDIT, &naudit) != TRYGG_OK)
        naudit = 0;
    if (see == WEB_SEE_FULL && trygg_store_sms_list(w.st, id, sms, MAX_SMS, &nsms) != TRYGG_OK)
        nsms = 0;
    if (see == WEB_SEE_FULL && it.status != TRYGG_STATUS_CLOSED &&
        trygg_store_suggest_duplicates(w.st, id, DUP_DAYS, TRYGG_VIEW_FULL, dups, MAX_DUPS,
                                       &ndups) != TRYGG_OK)
        ndups = 0;

    html_buf b;
    html_init(&b, 8 * 1024 * 1024);
    char k[64], when[32];
    web_page_begin(&b, &w, "item.title", "queue");
    html_lit(&b, "<p class=\"crumbs\"><a href=\"/queue\">← ");
    html_t(&b, &w, "item.back");
    html_lit(&b, "</a></p><div class=\"head\"><h1><span class=\"ref\">");
    html_text(&b, it.ref);
    html_lit(&b, "</span> ");
    html_t(&b, &w, web_enum_key("kind", trygg_kind_name(it.kind), k));
    html_lit(&b, "</h1><div>");
    web_status_badge(&b, &w, &it);
    if (it.urgent) {
        html_lit(&b, " <span class=\"badge urgent\">");
        html_t(&b, &w, "item.urgent");
        html_lit(&b, "</span>");
    }
    html_lit(&b, "</div></div>");
    if (see == WEB_SEE_SCRUBBED) {
        html_lit(&b, "<p class=\"note\">");
        html_t(&b, &w, "item.scrubbed_note");
        html_lit(&b, "</p>");
    }
    html_lit(&b, "<div class=\"itemgrid\"><div class=\"main\">");

    /* The citizen's text. */
    html_lit(&b, "<section class=\"card\" aria-labelledby=\"h-text\"><h2 id=\"h-text\">");
    html_t(&b, &w, "item.text");
    html_lit(&b, "</h2>");
    if (it.purged) {
        html_lit(&b, "<p class=\"muted\">");
        html_t(&b, &w, "item.purged");
        html_lit(&b, "</p>");
    } else {
        html_lit(&b, "<p class=\"usertext\">");
        html_text(&b, it.text[0] ? it.text : "–");
        html_lit(&b, "</p>");
    }
    if (it.incomplete) {
        html_lit(&b, "<p class=\"note\">");
        html_t(&b, &w, "item.incomplete");
        html_lit(&b, "</p>");
    }
    html_lit(&b, "</section>");
    recipient_copy_html(&b, &w, &it);

    /* Facts. */
    html_lit(&b, "<section class=\"card\" aria-labelledby=\"h-facts\"><h2 id=\"h-facts\">");
    html_t(&b, &w, "item.facts");
    html_lit(&b, "</h2><dl class=\"facts\">");
    web_fmt_time(it.created, when);
    dl_row(&b, &w, "item.received", when);
    dl_row_t(&b, &w, "item.channel", web_enum_key("channel", trygg_channel_name(it.channel), k));
    if (see == WEB_SEE_FULL)
        dl_row(&b, &w, "item.source", it.source);
    dl_row_t(&b, &w, "item.kind", web_enum_key("kind", trygg_kind_name(it.kind), k));
    dl_row(&b, &w, "item.category", web_cat_label(&w, it.category));
    dl_row(&b, &w, "item.area", web_area_label(&w, it.area));
    dl_row(&b, &w, "item.place", it.place);
    dl_row(&b, &w, "item.when_date", it.when_date);
    if (it.when_band[0])
        dl_row_t(&b, &w, "item.when_band", web_enum_key("band", it.when_band, k));
    dl_row(&b, &w, "item.lang", it.lang);
    dl_row(&b, &w, "item.destination", web_dest_label(&w, it.destination));
    if (it.status == TRYGG_STATUS_CLOSED && it.close_reason != TRYGG_CLOSE_NONE)
        dl_row_t(&b, &w, "item.close_reason",
                 web_enum_key("reason", trygg_close_reason_name(it.close_reason), k));
    if (it.duplicate_of > 0) {
        trygg_item other;
        if (trygg_store_get(w.st, it.duplicate_of, &other) == TRYGG_OK &&
            web_access_item(&w.sess.user, &other) != WEB_SEE_NONE) {
            html_lit(&b, "<dt>");
            html_t(&b, &w, "item.duplicate_of");
            html_lit(&b, "</dt><dd><a href=\"/item/");
            html_int(&b, other.id);
            html_lit(&b, "\">");
            html_text(&b, other.ref);
            html_lit(&b, "</a></dd>");
        }
    }
    if (see == WEB_SEE_FULL)
        dl_row(&b, &w, "item.alias", it.alias);
    if (it.kind == TRYGG_KIND_CALLBACK) {
        html_lit(&b, "<dt>");
        html_t(&b, &w, "item.callback_number");
        html_lit(&b, "</dt><dd>");
        if (web_access_callback_number(&w.sess.user, &it) && it.contact[0])
            html_text(&b, it.contact);
        else if (web_access_callback_number(&w.sess.user, &it))
            html_t(&b, &w, "item.callback_pending");
        else
            html_t(&b, &w, "item.callback_hidden");
        html_lit(&b, "</dd>");
    } else if (it.contact[0]) {
        dl_row(&b, &w, "item.contact", it.contact);
    }
    web_fmt_time(it.updated, when);
    dl_row(&b, &w, "item.updated", when);
    web_fmt_time(it.purge_at, when);
    dl_row(&b, &w, "item.purge_at", when);
    html_lit(&b, "</dl></section>");

    /* Thread. */
    html_lit(&b, "<section class=\"card\" aria-labelledby=\"h-thread\"><h2 id=\"h-thread\">");
    html_t(&b, &w, "item.thread");
    html_lit(&b, "</h2>");
    if (nmsg == 0) {
        html_lit(&b, "<p class=\"muted\">");
        html_t(&b, &w, "item.thread_empty");
        html_lit(&b, "</p>");
    } else {
        html_lit(&b, "<ol class=\"thread\">");
        for (int i = 0; i < nmsg; i++) {
            const trygg_message *m = &msgs[i];
            static const char *const dirs[] = {"in", "out", "note"};
            const char *d = dirs[(int)m->dir >= 0 && (int)m->dir < 3 ? (int)m->dir : 2];
            html_lit(&b, "<li class=\"msg msg-");
            html_attr(&b, d);
            html_lit(&b, "\"><div class=\"meta\"><strong>");
            html_t(&b, &w, web_enum_key("msg", d, k));
            html_lit(&b, "</strong>");
            const char *who =
                m->dir == TRYGG_MSG_IN ? (see == WEB_SEE_FULL ? it.alias : "") : m->author;
            if (who[0]) {
                html_lit(&b, " · ");
                html_text(&b, who);
            }
            web_fmt_time(m->created, when);
            html_lit(&b, " · ");
            html_text(&b, when);
            if (see == WEB_SEE_FULL && m->audience == TRYGG_AUD_RECIPIENT) {
                html_lit(&b, " · <span class=\"badge\">");
                html_t(&b, &w, "item.for_recipient");
                html_lit(&b, "</span>");
            }
            /* The store gives a recipient only messages written for them, scrubbed. */
            html_lit(&b, "</div><p class=\"usertext\">");
            html_text(&b, m->text);
            html_lit(&b, "</p></li>");
        }
        html_lit(&b, "</ol>");
    }
    if (nsms > 0) {
        html_lit(&b, "<h3>");
        html_t(&b, &w, "item.sms_out");
        html_lit(&b, "</h3><ul class=\"plain\">");
        for (int i = 0; i < nsms; i++) {
            web_fmt_time(sms[i].created, when);
            html_lit(&b, "<li><span class=\"badge out-");
            html_attr(&b, trygg_out_status_name(sms[i].status));
            html_lit(&b, "\">");
            html_t(&b, &w, web_enum_key("out", trygg_out_status_name(sms[i].status), k));
            html_lit(&b, "</span> ");
            html_text(&b, when);
            html_lit(&b, " <span class=\"muted\">");
            excerpt_n(&b, sms[i].text, 60);
            html_lit(&b, "</span>");
            if (sms[i].error[0]) {
                html_lit(&b, " <span class=\"error-text\">");
                html_text(&b, sms[i].error);
                html_lit(&b, "</span>");
            }
            html_lit(&b, "</li>");
        }
        html_lit(&b, "</ul>");
    }
    html_lit(&b, "</section>");

    /* Audit trail. */
    html_lit(&b, "<section class=\"card\" aria-labelledby=\"h-audit\"><h2 id=\"h-audit\">");
    html_t(&b, &w, "item.audit");
    html_lit(&b, "</h2><table class=\"audit\"><thead><tr><th scope=\"col\">");
    html_t(&b, &w, "audit.when");
    html_lit(&b, "</th><th scope=\"col\">");
    html_t(&b, &w, "audit.who");
    html_lit(&b, "</th><th scope=\"col\">");
    html_t(&b, &w, "audit.what");
    html_lit(&b, "</th></tr></thead><tbody>");
    for (int i = 0; i < naudit; i++) {
        if (see != WEB_SEE_FULL && !audit_shared(&audit[i]))
            continue;
        web_fmt_time(audit[i].at, when);
        html_lit(&b, "<tr><td>");
        html_text(&b, when);
        html_lit(&b, "</td><td>");
        html_text(&b, audit[i].actor);
        html_lit(&b, "</td><td>");
        html_t(&b, &w, web_enum_key("audit", audit[i].action, k));
        if (audit[i].detail[0]) {
            html_lit(&b, ": ");
            html_text(&b, audit[i].detail);
        }
        html_lit(&b, "</td></tr>");
    }
    html_lit(&b, "</tbody></table></section></div><div class=\"side\">");
    actions_html(&b, &w, &it, dups, ndups);
    html_lit(&b, "</div></div>");
    web_page_end(&b, &w);
    free(msgs);
    free(audit);
    free(sms);
    free(dups);
    html_send(&b, resp, 200);
}

/* ---- Actions ------------------------------------------------------------- */

static void back(web_ctx *w, int64_t id, const char *param, const char *key)
{
    char loc[160];
    snprintf(loc, sizeof loc, "/item/%" PRId64 "?%s=%s", id, param, key);
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

/* Queues the police-links SMS for an item closed as "referred to police". */
static trygg_err police_sms(web_ctx *w, const trygg_item *it, int *sent)
{
    *sent = 0;
    const char *why;
    if (!can_sms(w, it, &why))
        return TRYGG_OK; /* nothing to send to; closing goes on */
    const trygg_routes *r = w->srv->routes;
    const char *names[] = {"ref", "tip_url", "tip_phone", "report_url", "emergency", NULL};
    const char *values[] = {it->ref,
                            r ? trygg_routes_link(r, "police_tip_url") : NULL,
                            r ? trygg_routes_link(r, "police_tip_phone") : NULL,
                            r ? trygg_routes_link(r, "police_report_url") : NULL,
                            r ? trygg_routes_link(r, "emergency") : NULL,
                            NULL};
    static const char *const fallback[] = {
        "", "https://polisen.se/kontakt/tipsa-polisen/", "114 14",
        "https://polisen.se/utsatt-for-brott/polisanmalan/", "112"};
    for (int i = 1; i < 5; i++)
        if (!values[i] || !values[i][0])
            values[i] = fallback[i];
    const char *fmt = w->srv->web_text
                          ? trygg_i18n_get(w->srv->web_text, it->lang, "sms.police_referral")
                          : "sms.police_referral";
    char text[1600];
    if (trygg_i18n_format(fmt, names, values, text, sizeof text) != TRYGG_OK)
        return TRYGG_ERR_TOOBIG;
    int64_t sms_id;
    trygg_err e =
        trygg_store_sms_enqueue(w->st, it->id, it->sender, w->sess.user.username, text, &sms_id);
    if (!e)
        e = trygg_store_add_message(w->st, it->id, TRYGG_MSG_OUT, w->sess.user.username, text,
                                    NULL);
    if (!e)
        *sent = 1;
    return e;
}

static web_action action_of(const char *a)
{
    static const struct {
        const char *name;
        web_action act;
    } map[] = {
        {"triage", WEB_ACT_TRIAGE}, {"progress", WEB_ACT_PROGRESS},   {"urgent", WEB_ACT_EDIT},
        {"edit", WEB_ACT_EDIT},     {"forward", WEB_ACT_FORWARD},     {"reply", WEB_ACT_REPLY},
        {"note", WEB_ACT_NOTE},     {"duplicate", WEB_ACT_DUPLICATE}, {"close", WEB_ACT_CLOSE},
        {"reopen", WEB_ACT_REOPEN}, {"redact", WEB_ACT_REDACT},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].name, a) == 0)
            return map[i].act;
    return WEB_ACT_VIEW;
}

void web_item_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    char action[32];
    int64_t id = parse_path(req->path, action, sizeof action);
    trygg_item it;
    if (id <= 0 || trygg_store_get(w.st, id, &it) != TRYGG_OK ||
        web_access_item(&w.sess.user, &it) == WEB_SEE_NONE) {
        web_error(&w, 404, "error.no_item");
        return;
    }
    web_action act = action_of(action);
    if (act == WEB_ACT_VIEW) {
        web_error(&w, 404, "error.not_found");
        return;
    }
    if (!web_access_action(&w.sess.user, &it, act)) {
        TRYGG_WARN("web: %s may not %s item %" PRId64, w.sess.user.username, action, id);
        web_error(&w, 403, "error.forbidden");
        return;
    }
    const char *user = w.sess.user.username;
    trygg_store *st = w.st;
    trygg_err e = TRYGG_OK;
    const char *okkey = "flash.saved";
    const char *errkey = "flash.failed";

    if (strcmp(action, "triage") == 0) {
        e = trygg_store_set_status(st, id, user, TRYGG_STATUS_TRIAGED, TRYGG_CLOSE_NONE, 0);
        okkey = "flash.triaged";
    } else if (strcmp(action, "progress") == 0) {
        if ((e = trygg_store_begin(st)) == TRYGG_OK) {
            e = step_to(st, &it, user, TRYGG_STATUS_IN_PROGRESS);
            e = e ? (trygg_store_rollback(st), e) : trygg_store_commit(st);
        }
        okkey = "flash.progress";
    } else if (strcmp(action, "urgent") == 0) {
        const char *v = http_form(req, "urgent");
        if (!v || (strcmp(v, "0") != 0 && strcmp(v, "1") != 0))
            e = TRYGG_ERR_INVALID;
        else
            e = trygg_store_set_urgent(st, id, user, v[0] == '1');
    } else if (strcmp(action, "edit") == 0) {
        char cat[TRYGG_NAME_MAX + 1], area[TRYGG_NAME_MAX + 1];
        trygg_kind kind;
        const char *ks = http_form(req, "kind");
        if (!form_text(req, "category", cat, sizeof cat) ||
            !form_text(req, "area", area, sizeof area) || !ks ||
            trygg_kind_parse(ks, &kind) != TRYGG_OK) {
            e = TRYGG_ERR_INVALID;
            errkey = "flash.invalid";
        } else {
            e = trygg_store_update(st, id, user, cat, area, (int)kind);
        }
    } else if (strcmp(action, "note") == 0) {
        char text[TRYGG_TEXT_MAX + 1];
        if (!form_text(req, "text", text, sizeof text) || !text[0]) {
            e = TRYGG_ERR_INVALID;
            errkey = "flash.empty";
        } else {
            /* The security department's notes are internal unless written for
             * the recipient on purpose; a recipient's own notes are in its copy. */
            trygg_audience aud = TRYGG_AUD_RECIPIENT;
            if (web_access_is_security(&w.sess.user)) {
                const char *fr = http_form(req, "for_recipient");
                aud = fr && strcmp(fr, "1") == 0 ? TRYGG_AUD_RECIPIENT : TRYGG_AUD_INTERNAL;
            }
            e = trygg_store_add_message_for(st, id, TRYGG_MSG_NOTE, aud, user, text, NULL);
            okkey = "flash.noted";
        }
    } else if (strcmp(action, "redact") == 0) {
        char text[TRYGG_TEXT_MAX + 1], place[TRYGG_NAME_MAX + 1];
        if (!form_text(req, "text", text, sizeof text) ||
            !form_text(req, "place", place, sizeof place)) {
            e = TRYGG_ERR_INVALID;
            errkey = "flash.invalid";
        } else {
            e = trygg_store_redact(st, id, user, text, place);
            okkey = "flash.redacted";
        }
    } else if (strcmp(action, "reply") == 0) {
        char text[1001];
        const char *why;
        if (!form_text(req, "text", text, sizeof text) || !text[0]) {
            e = TRYGG_ERR_INVALID;
            errkey = "flash.empty";
        } else if (!can_sms(&w, &it, &why)) {
            e = TRYGG_ERR_STATE;
            errkey = "flash.reply_stopped";
        } else if ((e = trygg_store_begin(st)) == TRYGG_OK) {
            int64_t sms_id;
            e = trygg_store_sms_enqueue(st, id, it.sender, user, text, &sms_id);
            if (!e)
                e = trygg_store_add_message(st, id, TRYGG_MSG_OUT, user, text, NULL);
            if (!e && it.status == TRYGG_STATUS_NEW)
                e = trygg_store_set_status(st, id, user, TRYGG_STATUS_TRIAGED, TRYGG_CLOSE_NONE, 0);
            if (e == TRYGG_ERR_STATE)
                errkey = "flash.reply_stopped";
            e = e ? (trygg_store_rollback(st), e) : trygg_store_commit(st);
            okkey = "flash.replied";
        }
    } else if (strcmp(action, "forward") == 0) {
        const char *dest = http_form(req, "destination");
        trygg_destination d;
        if (!dest || trygg_store_dest_get(st, dest, &d) != TRYGG_OK) {
            e = TRYGG_ERR_INVALID;
            errkey = "flash.invalid";
        } else if ((it.kind == TRYGG_KIND_TIP || it.kind == TRYGG_KIND_CALLBACK) &&
                   !d.full_access) {
            e = TRYGG_ERR_PERM;
            errkey = "flash.forward_refused";
        } else if (it.status == TRYGG_STATUS_CLOSED) {
            e = TRYGG_ERR_STATE;
            errkey = "flash.state";
        } else if ((e = trygg_store_begin(st)) == TRYGG_OK) {
            e = step_to(st, &it, user, TRYGG_STATUS_FORWARDED);
            if (!e)
                e = trygg_store_set_destination(st, id, user, dest);
            if (!e)
                e = trygg_store_get(st, id, &it);
            if (!e)
                e = forward_enqueue(w.srv, st, &it, dest, user);
            if (e == TRYGG_ERR_PERM)
                errkey = "flash.forward_refused"; /* e.g. the text names a person */
            e = e ? (trygg_store_rollback(st), e) : trygg_store_commit(st);
            okkey = "flash.forwarded";
        }
    } else if (strcmp(action, "duplicate") == 0) {
        trygg_item other;
        const char *ref = http_form(req, "dup_ref");
        const char *sid = http_form(req, "dup_id");
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
            web_access_item(&w.sess.user, &other) == WEB_SEE_NONE) {
            e = TRYGG_ERR_INVALID;
            errkey = "flash.dup_invalid";
        } else {
            e = trygg_store_set_status(st, id, user, TRYGG_STATUS_CLOSED, TRYGG_CLOSE_DUPLICATE,
                                       other.id);
            okkey = "flash.closed";
        }
    } else if (strcmp(action, "close") == 0) {
        trygg_close_reason r;
        const char *rs = http_form(req, "reason");
        if (!rs || trygg_close_reason_parse(rs, &r) != TRYGG_OK || r == TRYGG_CLOSE_DUPLICATE) {
            e = TRYGG_ERR_INVALID;
            errkey = "flash.invalid";
        } else if (r != TRYGG_CLOSE_RESOLVED && r != TRYGG_CLOSE_NOT_OURS &&
                   !web_access_action(&w.sess.user, &it, WEB_ACT_CLOSE_ANY)) {
            web_error(&w, 403, "error.forbidden");
            return;
        } else if ((e = trygg_store_begin(st)) == TRYGG_OK) {
            int sent = 0;
            e = trygg_store_set_status(st, id, user, TRYGG_STATUS_CLOSED, r, 0);
            if (!e && r == TRYGG_CLOSE_POLICE)
                e = police_sms(&w, &it, &sent);
            e = e ? (trygg_store_rollback(st), e) : trygg_store_commit(st);
            okkey = sent ? "flash.closed_police" : "flash.closed";
        }
    } else if (strcmp(action, "reopen") == 0) {
        e = trygg_store_set_status(st, id, user, TRYGG_STATUS_TRIAGED, TRYGG_CLOSE_NONE, 0);
        okkey = "flash.reopened";
    }

    if (e != TRYGG_OK) {
        if (e == TRYGG_ERR_STATE && strcmp(errkey, "flash.failed") == 0)
            errkey = "flash.state";
        TRYGG_INFO("web: %s on item %" PRId64 " by %s failed: %s (%s)", action, id, user,
                   trygg_strerror(e), trygg_store_errmsg(st));
        back(&w, id, "err", errkey);
        return;
    }
    web_counts_invalidate();
    back(&w, id, "ok", okkey);
}
