/* web_item_reply.c — the item page's "Svara med SMS": the reply template
 * that fits (the item's kind and state, or the event chosen) in the
 * texter's language fills the textarea, and a part counter says how the
 * gateway will send it (GSM-7 or UCS-2, number of parts; trygg/ucs2.h, the
 * gateway's own code). Without JavaScript the counter is a server-side line
 * after "Förhandsgranska"; assets/web/reply.js updates it while typing. */
#include "web_item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply_tpl.h"
#include "trygg/copy.h"
#include "trygg/ucs2.h"

void web_sms_count_html(html_buf *b, const web_ctx *w, const char *id, const char *text)
{
    /* Counted as it will be sent: trimmed like the posted form (web_item_post.c). */
    char t[TRYGG_TEMPLATE_TEXT_MAX * 2 + 1];
    const char *s = text ? text : "";
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strnlen(s, sizeof t - 1);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    memcpy(t, s, n);
    t[n] = '\0';
    enum ucs2_coding coding = UCS2_CODING_GSM7;
    int units = 0;
    int parts = ucs2_sms_count(t, &coding, &units);
    html_lit(b, "<p class=\"hint counter\" aria-live=\"polite\" id=\"");
    html_attr(b, id);
    html_lit(b, "\" data-fmt=\"");
    html_attr(b, web_t(w, "reply.count"));
    html_lit(b, "\" data-gsm=\"");
    html_attr(b, web_t(w, "reply.coding_gsm"));
    html_lit(b, "\" data-ucs2=\"");
    html_attr(b, web_t(w, "reply.coding_ucs2"));
    html_lit(b, "\" data-toolong=\"");
    html_attr(b, web_t(w, "reply.too_long"));
    html_lit(b, "\">");
    if (parts < 0) {
        html_t(b, w, "reply.too_long");
    } else {
        char n[16], m[16], line[256];
        snprintf(n, sizeof n, "%d", units);
        snprintf(m, sizeof m, "%d", parts);
        const char *names[] = {"chars", "parts", "coding", NULL};
        const char *values[] = {
            n, m, web_t(w, coding == UCS2_CODING_GSM7 ? "reply.coding_gsm" : "reply.coding_ucs2"),
            NULL};
        if (trygg_i18n_format(web_t(w, "reply.count"), names, values, line, sizeof line) ==
            TRYGG_OK)
            html_text(b, line);
    }
    html_lit(b, "</p>");
}

/* <option>s of the template events, `cur` selected. */
static void event_options(html_buf *b, const web_ctx *w, int cur)
{
    for (int e = 0; e < REPLY_EV_COUNT; e++) {
        char key[64];
        snprintf(key, sizeof key, "tpl.event.%s", reply_tpl_event_name((reply_event)e));
        html_lit(b, "<option value=\"");
        html_attr(b, reply_tpl_event_name((reply_event)e));
        html_lit(b, "\"");
        if (e == cur)
            html_lit(b, " selected");
        html_lit(b, ">");
        html_t(b, w, key);
        html_lit(b, "</option>");
    }
}

/* <option>s of the reply languages, `cur` selected. */
static void lang_options(html_buf *b, const web_ctx *w, const char *cur)
{
    for (int i = 0; i < REPLY_TPL_LANGS; i++) {
        char key[32];
        snprintf(key, sizeof key, "lang.%s", reply_tpl_langs[i]);
        html_lit(b, "<option value=\"");
        html_attr(b, reply_tpl_langs[i]);
        html_lit(b, "\"");
        if (strcmp(cur, reply_tpl_langs[i]) == 0)
            html_lit(b, " selected");
        html_lit(b, ">");
        html_t(b, w, key);
        html_lit(b, "</option>");
    }
}

/* The template chooser: a GET form back to the item page (no JavaScript). */
static void chooser_html(html_buf *b, const web_ctx *w, const trygg_item *it, int ev,
                         const char *lang)
{
    html_lit(b, "<form method=\"get\" action=\"/item/");
    html_int(b, it->id);
    html_lit(b, "#h-reply\" class=\"tplpick\"><div class=\"field\"><label for=\"tpl-event\">");
    html_t(b, w, "reply.template");
    html_lit(b, "</label><select id=\"tpl-event\" name=\"tpl\">");
    event_options(b, w, ev);
    html_lit(b, "</select></div><div class=\"field\"><label for=\"tpl-lang\">");
    html_t(b, w, "reply.lang");
    html_lit(b, "</label><select id=\"tpl-lang\" name=\"tpl_lang\">");
    lang_options(b, w, lang);
    html_lit(b, "</select></div><div class=\"field actions\"><button type=\"submit\">");
    html_t(b, w, "reply.use_template");
    html_lit(b, "</button></div></form>");
}

void web_item_reply_form(html_buf *b, web_ctx *w, const trygg_item *it,
                         const web_reply_draft *draft)
{
    const web_user *u = &w->sess.user;
    if (it->status == TRYGG_STATUS_CLOSED || !web_access_action(u, it, WEB_ACT_REPLY) ||
        (it->channel != TRYGG_CHANNEL_SMS && it->channel != TRYGG_CHANNEL_VOICE))
        return;
    const char *why = NULL;
    int ok = web_item_can_sms(w, it, &why);
    trygg_contact c;
    if (!it->sender[0] || trygg_store_contact_get(w->st, it->sender, &c) != TRYGG_OK)
        c.lang[0] = '\0';
    const char *lang = reply_tpl_lang(draft ? draft->lang : NULL, c.lang, it->lang);
    int ev = draft && draft->event >= 0 ? draft->event : (int)reply_tpl_event_of(it);
    char text[1600];
    if (draft && draft->text)
        TRYGG_COPY_TRUNC(text, draft->text);
    else if (reply_tpl_build(w->srv, w->st, it, (reply_event)ev, lang, text, sizeof text))
        text[0] = '\0';
    web_item_section_head(b, w, "h-reply", "act.reply_title");
    if (!ok) {
        html_lit(b, "<p class=\"note\">");
        html_t(b, w, why);
        html_lit(b, "</p>");
    }
    chooser_html(b, w, it, ev, lang);
    web_item_form_open(b, w, it->id, "reply", "stack");
    html_lit(b, "<input type=\"hidden\" name=\"tpl\" value=\"");
    html_attr(b, reply_tpl_event_name((reply_event)ev));
    html_lit(b, "\"><input type=\"hidden\" name=\"tpl_lang\" value=\"");
    html_attr(b, lang);
    html_lit(b, "\"><label for=\"reply-text\">");
    html_t(b, w, "act.reply_label");
    html_lit(b, " <span class=\"muted\">");
    html_text(b, it->alias);
    html_lit(b, "</span></label><textarea id=\"reply-text\" name=\"text\" rows=\"5\" "
                "maxlength=\"1000\" required aria-describedby=\"reply-hint reply-count\" lang=\"");
    html_attr(b, lang);
    html_lit(b, "\" dir=\"auto\"");
    if (!ok)
        html_lit(b, " disabled");
    html_lit(b, ">");
    html_text(b, text);
    html_lit(b, "</textarea>");
    web_sms_count_html(b, w, "reply-count", text);
    html_lit(b, "<p class=\"hint\" id=\"reply-hint\">");
    html_t(b, w, "act.reply_hint");
    html_lit(b, "</p><div class=\"row\"><button type=\"submit\" name=\"preview\" value=\"1\"");
    if (!ok)
        html_lit(b, " disabled");
    html_lit(b, ">");
    html_t(b, w, "reply.preview");
    html_lit(b, "</button><button type=\"submit\" class=\"primary\"");
    if (!ok)
        html_lit(b, " disabled");
    html_lit(b, ">");
    html_t(b, w, "act.reply");
    html_lit(b, "</button></div></form><script src=\"/static/reply.js\" defer></script></section>");
}

/* The draft of the reply form from the query (GET: tpl, tpl_lang) or the
 * posted form (preview: text too). */
void web_reply_draft_from(const http_req *req, int posted, web_reply_draft *d)
{
    const char *ev = posted ? http_form(req, "tpl") : http_query(req, "tpl");
    const char *lang = posted ? http_form(req, "tpl_lang") : http_query(req, "tpl_lang");
    d->event = reply_tpl_event_parse(ev);
    d->lang = lang ? lang : "";
    d->text = posted ? http_form(req, "text") : NULL;
    if (posted && !d->text)
        d->text = "";
}
