/* web_item_forms.c — the item page's side column: the forms of the triage
 * actions this user may take on the item (status, reply by SMS, note,
 * forward, edit, duplicate, close, reopen). They post to web_item_post.c. */
#include "web_item.h"

#include <stdlib.h>
#include <string.h>

/* Status steps. */
static void status_forms(html_buf *b, web_ctx *w, const trygg_item *it)
{
    const web_user *u = &w->sess.user;
    int closed = it->status == TRYGG_STATUS_CLOSED;
    int can_triage = it->status == TRYGG_STATUS_NEW && web_access_action(u, it, WEB_ACT_TRIAGE);
    int can_progress = !closed && it->status != TRYGG_STATUS_IN_PROGRESS &&
                       web_access_action(u, it, WEB_ACT_PROGRESS);
    int can_urgent = !closed && web_access_action(u, it, WEB_ACT_EDIT);
    if (!(can_triage || can_progress || can_urgent))
        return;
    web_item_section_head(b, w, "h-status", "act.status_title");
    html_lit(b, "<div class=\"row\">");
    if (can_triage) {
        web_item_form_open(b, w, it->id, "triage", "inline");
        web_item_button(b, w, "act.triage", "primary");
        html_lit(b, "</form>");
    }
    if (can_progress) {
        web_item_form_open(b, w, it->id, "progress", "inline");
        web_item_button(b, w, "act.progress", "");
        html_lit(b, "</form>");
    }
    if (can_urgent) {
        web_item_form_open(b, w, it->id, "urgent", "inline");
        html_lit(b, "<input type=\"hidden\" name=\"urgent\" value=\"");
        html_int(b, it->urgent ? 0 : 1);
        html_lit(b, "\">");
        web_item_button(b, w, it->urgent ? "act.unurgent" : "act.urgent", "");
        html_lit(b, "</form>");
    }
    html_lit(b, "</div></section>");
}

/* A reply to the reporter on the public status page (docs/follow-up.md),
 * for an item that has a follow-up code. */
static void public_reply_form(html_buf *b, web_ctx *w, const trygg_item *it)
{
    if (!web_access_action(&w->sess.user, it, WEB_ACT_REPLY))
        return;
    trygg_follow *f = malloc(sizeof *f);
    int has = f && trygg_store_follow_get(w->st, it->ref, f) == TRYGG_OK && f->hash[0];
    free(f);
    if (!has)
        return;
    web_item_section_head(b, w, "h-public-reply", "act.public_reply_title");
    web_item_form_open(b, w, it->id, "public_reply", "stack");
    html_lit(b, "<label for=\"public-reply-text\">");
    html_t(b, w, "act.public_reply_label");
    html_lit(b, "</label><textarea id=\"public-reply-text\" name=\"text\" rows=\"3\" "
                "maxlength=\"1000\" required aria-describedby=\"public-reply-hint\"></textarea>"
                "<p class=\"hint\" id=\"public-reply-hint\">");
    html_t(b, w, "act.public_reply_hint");
    html_lit(b, "</p><div>");
    web_item_button(b, w, "act.public_reply", "");
    html_lit(b, "</div></form></section>");
}

/* Note: internal to the security department unless ticked for the
 * recipient; a recipient's own notes are always in its copy. */
static void note_form(html_buf *b, web_ctx *w, const trygg_item *it)
{
    const web_user *u = &w->sess.user;
    if (!web_access_action(u, it, WEB_ACT_NOTE))
        return;
    int security = web_access_is_security(u);
    web_item_section_head(b, w, "h-note", "act.note_title");
    web_item_form_open(b, w, it->id, "note", "stack");
    html_lit(b, "<label for=\"note-text\">");
    html_t(b, w, security ? "act.note_label" : "act.note_label_recipient");
    html_lit(b, "</label><textarea id=\"note-text\" name=\"text\" rows=\"2\" maxlength=\"4000\" "
                "required></textarea>");
    if (security) {
        html_lit(b, "<div class=\"check\"><input type=\"checkbox\" name=\"for_recipient\" "
                    "value=\"1\" id=\"note-rcpt\"><label for=\"note-rcpt\">");
        html_t(b, w, "act.note_for_recipient");
        html_lit(b, "</label></div>");
    }
    html_lit(b, "<div>");
    web_item_button(b, w, "act.note", "");
    html_lit(b, "</div></form></section>");
}

#define WEB_MAX_USERS 256

/* Assign to a staff member of the recipient department (or security),
 * reassign, unassign. */
static void assign_form(html_buf *b, web_ctx *w, const trygg_item *it)
{
    const web_user *u = &w->sess.user;
    if (it->status == TRYGG_STATUS_CLOSED || !web_access_assign(u, it, NULL))
        return;
    trygg_user *users = calloc(WEB_MAX_USERS, sizeof *users);
    int n = 0;
    if (!users || trygg_store_user_list(w->st, users, WEB_MAX_USERS, &n) != TRYGG_OK)
        n = 0;
    web_item_section_head(b, w, "h-assign", "act.assign_title");
    web_item_form_open(b, w, it->id, "assign", "stack");
    html_lit(b, "<label for=\"assign-user\">");
    html_t(b, w, "act.assign_label");
    html_lit(b, "</label><select id=\"assign-user\" name=\"assignee\"><option value=\"\">");
    html_t(b, w, "act.assign_nobody");
    html_lit(b, "</option>");
    int me = -1;
    for (int i = 0; i < n; i++) {
        if (!web_access_assign(u, it, &users[i]))
            continue;
        if (strcmp(users[i].username, u->username) == 0)
            me = i;
        html_lit(b, "<option value=\"");
        html_attr(b, users[i].username);
        html_lit(b, "\"");
        if (strcmp(users[i].username, it->assignee) == 0)
            html_lit(b, " selected");
        html_lit(b, ">");
        html_text(b, users[i].display[0] ? users[i].display : users[i].username);
        html_lit(b, "</option>");
    }
    html_lit(b, "</select><div>");
    web_item_button(b, w, "act.assign", "");
    html_lit(b, "</div></form>");
    if (me >= 0 && strcmp(it->assignee, u->username) != 0) {
        web_item_form_open(b, w, it->id, "assign", "inline");
        html_lit(b, "<input type=\"hidden\" name=\"assignee\" value=\"");
        html_attr(b, users[me].username);
        html_lit(b, "\">");
        web_item_button(b, w, "act.assign_me", "");
        html_lit(b, "</form>");
    }
    free(users);
    html_lit(b, "</section>");
}

/* Forward (route) to a destination. */
static void forward_form(html_buf *b, web_ctx *w, const trygg_item *it)
{
    const web_user *u = &w->sess.user;
    int closed = it->status == TRYGG_STATUS_CLOSED;
    if (closed || !web_access_action(u, it, WEB_ACT_FORWARD))
        return;
    const web_dest *d = w->dests;
    int n = w->ndests;
    web_item_section_head(b, w, "h-forward", "act.forward_title");
    web_item_form_open(b, w, it->id, "forward", "stack");
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
    web_item_button(b, w, "act.forward", "");
    html_lit(b, "</div></form></section>");
}

/* Edit category, area, kind. */
static void edit_form(html_buf *b, web_ctx *w, const trygg_item *it)
{
    const web_user *u = &w->sess.user;
    if (!web_access_action(u, it, WEB_ACT_EDIT))
        return;
    web_item_section_head(b, w, "h-edit", "act.edit_title");
    web_item_suggest_html(b, w, it);
    web_item_form_open(b, w, it->id, "edit", "grid");
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
    web_cat_choice(b, w, "ed-cat", "category", it->category, (int)it->kind);
    html_lit(b, "</div><div class=\"field\"><label for=\"ed-area\">");
    html_t(b, w, "item.area");
    html_lit(b, "</label>");
    web_area_select(b, w, "ed-area", "area", it->area, 0);
    html_lit(b, "</div><div class=\"field actions\">");
    web_item_button(b, w, "act.save", "");
    html_lit(b, "</div></form></section>");
}

/* Duplicate of another item. */
static void dup_form(html_buf *b, web_ctx *w, const trygg_item *it, trygg_item *dups, int ndups)
{
    const web_user *u = &w->sess.user;
    int closed = it->status == TRYGG_STATUS_CLOSED;
    if (closed || !web_access_action(u, it, WEB_ACT_DUPLICATE))
        return;
    web_item_section_head(b, w, "h-dup", "act.dup_title");
    web_item_form_open(b, w, it->id, "duplicate", "stack");
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
            web_item_excerpt(b, dups[i].text, 80);
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
    web_item_button(b, w, "act.dup", "");
    html_lit(b, "</div></form></section>");
}

/* Close with a reason. */
static void close_form(html_buf *b, web_ctx *w, const trygg_item *it)
{
    const web_user *u = &w->sess.user;
    int closed = it->status == TRYGG_STATUS_CLOSED;
    if (closed || !web_access_action(u, it, WEB_ACT_CLOSE))
        return;
    int any = web_access_action(u, it, WEB_ACT_CLOSE_ANY);
    web_item_section_head(b, w, "h-close", "act.close_title");
    web_item_form_open(b, w, it->id, "close", "stack");
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
    web_item_button(b, w, "act.close", "danger");
    html_lit(b, "</div></form></section>");
}

/* Reopen a closed item. */
static void reopen_form(html_buf *b, web_ctx *w, const trygg_item *it)
{
    const web_user *u = &w->sess.user;
    int closed = it->status == TRYGG_STATUS_CLOSED;
    if (!closed || !web_access_action(u, it, WEB_ACT_REOPEN))
        return;
    web_item_section_head(b, w, "h-reopen", "act.reopen_title");
    web_item_form_open(b, w, it->id, "reopen", "inline");
    web_item_button(b, w, "act.reopen", "");
    html_lit(b, "</form></section>");
}

void web_item_actions_html(html_buf *b, web_ctx *w, const trygg_item *it, trygg_item *dups,
                           int ndups, const web_reply_draft *draft)
{
    html_lit(b, "<div class=\"actions\">");
    status_forms(b, w, it);
    assign_form(b, w, it);
    web_item_reply_form(b, w, it, draft);
    public_reply_form(b, w, it);
    note_form(b, w, it);
    forward_form(b, w, it);
    edit_form(b, w, it);
    dup_form(b, w, it, dups, ndups);
    close_form(b, w, it);
    reopen_form(b, w, it);
    html_lit(b, "</div>");
}
