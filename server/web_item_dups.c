/*
 * web_item_dups.c — an original and its duplicates (issue 14): the item page
 * of an original lists the items closed as its duplicates, with links, each
 * only if the user may see it (web_access.c); and the security department
 * answers the reporters of the duplicates together — the same SMS queued to
 * every duplicate whose texter can get one, through the same outbox, thread
 * and audit rows as a reply on that item (web_item_post.c, do_reply).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/log.h"
#include "web_item.h"

/* Up to this many duplicates are listed and answered at once. */
#define MAX_DUPLIST 100

trygg_err web_item_dups_load(web_ctx *w, int64_t id, trygg_item **out, int *n)
{
    *n = 0;
    *out = calloc(MAX_DUPLIST, sizeof **out);
    if (*out == NULL)
        return TRYGG_ERR_NOMEM;
    /* A recipient reads the recipients' copy (as edited by the security
     * department), never the full text. */
    trygg_err e = trygg_store_list_duplicates(w->st, id, web_access_store_view(&w->sess.user), *out,
                                              MAX_DUPLIST, n);
    if (e) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return e;
}

/* How many of dups[n] this user may answer by SMS now. */
static int answerable(web_ctx *w, const trygg_item *dups, int n)
{
    int k = 0;
    const char *why;
    for (int i = 0; i < n; i++)
        k += web_access_action(&w->sess.user, &dups[i], WEB_ACT_REPLY) &&
             web_item_can_sms(w, &dups[i], &why);
    return k;
}

/* The joint reply form: the text, how many texters get it, send. */
static void dup_reply_form(html_buf *b, web_ctx *w, const trygg_item *it, int k)
{
    html_lit(b, "<h3>");
    html_t(b, w, "act.dup_reply_title");
    html_lit(b, "</h3>");
    if (k == 0) {
        html_lit(b, "<p class=\"muted\">");
        html_t(b, w, "act.dup_reply_none");
        html_lit(b, "</p>");
        return;
    }
    web_item_form_open(b, w, it->id, "dup_reply", "stack");
    html_lit(b, "<label for=\"dup-reply-text\">");
    html_t(b, w, "act.dup_reply_label");
    html_lit(b, "</label><textarea id=\"dup-reply-text\" name=\"text\" rows=\"3\" "
                "maxlength=\"1000\" required aria-describedby=\"dup-reply-hint\"></textarea>"
                "<p class=\"hint\" id=\"dup-reply-hint\">");
    html_t(b, w, "act.dup_reply_count");
    html_lit(b, " <strong id=\"dup-reply-n\">");
    html_int(b, k);
    html_lit(b, "</strong></p><div>");
    web_item_button(b, w, "act.dup_reply", "");
    html_lit(b, "</div></form>");
}

void web_item_dups_html(html_buf *b, web_ctx *w, const trygg_item *it, const trygg_item *dups,
                        int n)
{
    int shown = 0;
    char when[32], k[64];
    for (int i = 0; i < n; i++) {
        trygg_item v;
        if (web_access_view(&w->sess.user, &dups[i], &v) == WEB_SEE_NONE)
            continue;
        if (shown++ == 0) {
            web_item_section_head(b, w, "h-dups", "item.dups_title");
            html_lit(b, "<ul class=\"plain duplist\">");
        }
        web_fmt_time(v.created, when);
        html_lit(b, "<li><a href=\"/item/");
        html_int(b, v.id);
        html_lit(b, "\">");
        html_text(b, v.ref);
        html_lit(b, "</a> ");
        html_t(b, w, web_enum_key("channel", trygg_channel_name(v.channel), k));
        html_lit(b, " · ");
        html_text(b, when);
        html_lit(b, "<br><span class=\"muted\">");
        web_item_excerpt(b, v.text, 80);
        html_lit(b, "</span></li>");
    }
    if (shown == 0)
        return;
    html_lit(b, "</ul>");
    if (web_access_action(&w->sess.user, it, WEB_ACT_REPLY))
        dup_reply_form(b, w, it, answerable(w, dups, n));
    html_lit(b, "</section>");
}

/* Queues `text` to the texter of each duplicate of `orig` the user may
 * answer, as a reply on that item; one "dup_reply" audit row on the
 * original with the count. Inside the caller's transaction. */
static trygg_err reply_each(web_ctx *w, const trygg_item *orig, const trygg_item *dups, int n,
                            const char *text, int *sent)
{
    const char *user = w->sess.user.username, *why;
    trygg_err e = TRYGG_OK;
    *sent = 0;
    for (int i = 0; i < n && !e; i++) {
        if (!web_access_action(&w->sess.user, &dups[i], WEB_ACT_REPLY) ||
            !web_item_can_sms(w, &dups[i], &why))
            continue;
        int64_t sms_id;
        e = trygg_store_sms_enqueue(w->st, dups[i].id, dups[i].sender, user, text, &sms_id);
        if (!e)
            e = trygg_store_add_message(w->st, dups[i].id, TRYGG_MSG_OUT, user, text, NULL);
        if (!e)
            (*sent)++;
    }
    char detail[32];
    snprintf(detail, sizeof detail, "%d", *sent);
    if (!e && *sent > 0)
        e = trygg_store_audit(w->st, orig->id, user, "dup_reply", detail);
    return e;
}

trygg_err web_item_dup_reply(web_ctx *w, const trygg_item *orig, const char *text,
                             const char **okkey, const char **errkey)
{
    trygg_item *dups;
    int n, sent = 0;
    trygg_err e = web_item_dups_load(w, orig->id, &dups, &n);
    if (e)
        return e;
    if (answerable(w, dups, n) == 0) {
        free(dups);
        *errkey = "flash.dup_reply_none";
        return TRYGG_ERR_STATE;
    }
    if ((e = trygg_store_begin(w->st)) == TRYGG_OK) {
        e = reply_each(w, orig, dups, n, text, &sent);
        e = e ? (trygg_store_rollback(w->st), e) : trygg_store_commit(w->st);
    }
    if (!e)
        TRYGG_INFO("web: %s answered %d duplicates of item %" PRId64, w->sess.user.username, sent,
                   orig->id);
    free(dups);
    *okkey = "flash.dup_replied";
    return e;
}
