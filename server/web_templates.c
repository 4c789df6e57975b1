/*
 * web_templates.c — "Svarsmallar" (/templates): the reply templates
 * (reply_tpl.h) per status change, kind and language, editable by the
 * users of the admin pages (web_access_admin). An edit is kept in the store
 * and overrides the catalog's text (assets/i18n/sms) until "Återställ"
 * removes it; both are audited by the store. Recipients' users get 403.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply_tpl.h"
#include "trygg/log.h"
#include "web.h"
#include "web_item.h"

/* The event and kind of a template key "tpl.<event>.<kind>"; 0 if it is
 * no template's key. */
static int key_parse(const char *key, int *ev, int *kind)
{
    for (int e = 0; key && e < REPLY_EV_COUNT; e++)
        for (int k = 0; k < REPLY_TPL_KINDS; k++) {
            char want[64];
            if (strcmp(key, reply_tpl_key((reply_event)e, reply_tpl_kinds[k], want)) == 0) {
                *ev = e;
                *kind = k;
                return 1;
            }
        }
    return 0;
}

static int lang_ok(const char *lang)
{
    for (int i = 0; lang && i < REPLY_TPL_LANGS; i++)
        if (strcmp(lang, reply_tpl_langs[i]) == 0)
            return 1;
    return 0;
}

/* "Avslutat: åtgärdat – Fel" */
static void tpl_title(html_buf *b, const web_ctx *w, int ev, int kind)
{
    char k[64];
    snprintf(k, sizeof k, "tpl.event.%s", reply_tpl_event_name((reply_event)ev));
    html_t(b, w, k);
    html_lit(b, " – ");
    html_t(b, w, web_enum_key("kind", reply_tpl_kinds[kind], k));
}

/* The link to one template in one language, named in full for screen
 * readers ("Mottaget – Otrygghet, Svenska: Standard"). */
static void edit_link(html_buf *b, const web_ctx *w, int ev, int kind, const char *key,
                      const char *lang, const char *state_key)
{
    char k[64], lk[32];
    snprintf(k, sizeof k, "tpl.event.%s", reply_tpl_event_name((reply_event)ev));
    snprintf(lk, sizeof lk, "lang.%s", lang);
    html_lit(b, "<a href=\"/templates?key=");
    html_urlarg(b, key);
    html_lit(b, "&amp;lang=");
    html_urlarg(b, lang);
    html_lit(b, "\" aria-label=\"");
    html_attr(b, web_t(w, k));
    html_lit(b, " – ");
    html_attr(b, web_t(w, web_enum_key("kind", reply_tpl_kinds[kind], k)));
    html_lit(b, ", ");
    html_attr(b, web_t(w, lk));
    html_lit(b, ": ");
    html_attr(b, web_t(w, state_key));
    html_lit(b, "\">");
    html_t(b, w, state_key);
    html_lit(b, "</a>");
}

/* The list: every template, with its state in each language. */
static void list_html(html_buf *b, web_ctx *w)
{
    trygg_template *edits =
        calloc(REPLY_EV_COUNT * REPLY_TPL_KINDS * REPLY_TPL_LANGS, sizeof *edits);
    int nedits = 0;
    if (!edits ||
        trygg_store_template_list(w->st, edits, REPLY_EV_COUNT * REPLY_TPL_KINDS * REPLY_TPL_LANGS,
                                  &nedits) != TRYGG_OK)
        nedits = 0;
    html_lit(b, "<p class=\"hint\">");
    html_t(b, w, "tpl.intro");
    html_lit(b, "</p><table class=\"list tpl-list\"><thead><tr><th scope=\"col\">");
    html_t(b, w, "tpl.template");
    html_lit(b, "</th>");
    for (int l = 0; l < REPLY_TPL_LANGS; l++) {
        char k[32];
        snprintf(k, sizeof k, "lang.%s", reply_tpl_langs[l]);
        html_lit(b, "<th scope=\"col\">");
        html_t(b, w, k);
        html_lit(b, "</th>");
    }
    html_lit(b, "</tr></thead><tbody>");
    for (int e = 0; e < REPLY_EV_COUNT; e++)
        for (int k = 0; k < REPLY_TPL_KINDS; k++) {
            char key[64];
            reply_tpl_key((reply_event)e, reply_tpl_kinds[k], key);
            html_lit(b, "<tr><th scope=\"row\">");
            tpl_title(b, w, e, k);
            html_lit(b, "</th>");
            for (int l = 0; l < REPLY_TPL_LANGS; l++) {
                int edited = 0;
                for (int i = 0; i < nedits && !edited; i++)
                    edited = strcmp(edits[i].key, key) == 0 &&
                             strcmp(edits[i].lang, reply_tpl_langs[l]) == 0;
                char lk[32];
                snprintf(lk, sizeof lk, "lang.%s", reply_tpl_langs[l]);
                web_td(b, w, lk);
                edit_link(b, w, e, k, key, reply_tpl_langs[l],
                          edited ? "tpl.edited" : "tpl.default");
                html_lit(b, "</td>");
            }
            html_lit(b, "</tr>");
        }
    html_lit(b, "</tbody></table>");
    free(edits);
}

/* An example with the placeholders filled, and its part count. */
static void example_html(html_buf *b, const web_ctx *w, const trygg_i18n *cat, const char *lang,
                         const char *text)
{
    reply_tpl_values v = {.ref = "K7-4QX2",
                          .category = web_t(w, "tpl.example_category"),
                          .place = web_t(w, "tpl.example_place"),
                          .emergency = "112",
                          .tip_url = "polisen.se/tipsa",
                          .tip_phone = "114 14",
                          .report_url = "polisen.se/anmal",
                          .contact = NULL};
    char out[2 * TRYGG_TEMPLATE_TEXT_MAX + 1];
    if (reply_tpl_fill(cat, lang, text, &v, out, sizeof out) != TRYGG_OK)
        return;
    html_lit(b, "<h2 id=\"h-example\">");
    html_t(b, w, "tpl.example");
    html_lit(b, "</h2><p class=\"usertext\" dir=\"auto\" lang=\"");
    html_attr(b, lang);
    html_lit(b, "\">");
    html_text(b, out);
    html_lit(b, "</p>");
    web_sms_count_html(b, w, "example-count", out);
}

/* The edit form of one template in one language. */
static void edit_html(html_buf *b, web_ctx *w, const char *key, const char *lang, int ev, int kind)
{
    const trygg_i18n *cat = reply_tpl_catalog(w->srv);
    char text[TRYGG_TEMPLATE_TEXT_MAX + 1];
    int edited = 0;
    if (reply_tpl_text(w->st, cat, key, lang, text, sizeof text, &edited) != TRYGG_OK)
        text[0] = '\0';
    char lk[32];
    snprintf(lk, sizeof lk, "lang.%s", lang);
    html_lit(b, "<p class=\"crumbs\"><a href=\"/templates\">← ");
    html_t(b, w, "tpl.back");
    html_lit(b, "</a></p><h1>");
    tpl_title(b, w, ev, kind);
    html_lit(b, " (");
    html_t(b, w, lk);
    html_lit(b, ")</h1><section class=\"card\"><form method=\"post\" action=\"/templates\" "
                "class=\"stack\">");
    web_csrf_field(b, w);
    html_lit(b, "<input type=\"hidden\" name=\"key\" value=\"");
    html_attr(b, key);
    html_lit(b, "\"><input type=\"hidden\" name=\"lang\" value=\"");
    html_attr(b, lang);
    html_lit(b, "\"><label for=\"tpl-text\">");
    html_t(b, w, "tpl.text");
    html_lit(b, "</label><textarea id=\"tpl-text\" name=\"text\" rows=\"6\" maxlength=\"1000\" "
                "required dir=\"auto\" aria-describedby=\"tpl-hint tpl-count\" lang=\"");
    html_attr(b, lang);
    html_lit(b, "\">");
    html_text(b, text);
    html_lit(b, "</textarea>");
    web_sms_count_html(b, w, "tpl-count", text);
    html_lit(b, "<p class=\"hint\" id=\"tpl-hint\">");
    html_t(b, w, "tpl.placeholders");
    html_lit(b, "</p><div class=\"row\"><button type=\"submit\" name=\"op\" value=\"save\" "
                "class=\"primary\">");
    html_t(b, w, "tpl.save");
    html_lit(b, "</button>");
    if (edited) {
        html_lit(b, "<button type=\"submit\" name=\"op\" value=\"reset\" formnovalidate>");
        html_t(b, w, "tpl.reset");
        html_lit(b, "</button>");
    }
    html_lit(b, "</div></form>");
    html_lit(b, "<p class=\"muted\">");
    html_t(b, w, edited ? "tpl.state_edited" : "tpl.state_default");
    html_lit(b, "</p>");
    example_html(b, w, cat, lang, text);
    html_lit(b, "</section><script src=\"/static/reply.js\" defer></script>");
}

void web_templates_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    if (!web_access_admin(&w.sess.user)) {
        web_error(&w, 403, "error.forbidden");
        return;
    }
    const char *key = http_query(req, "key"), *lang = http_query(req, "lang");
    int ev, kind;
    int one = key && key_parse(key, &ev, &kind) && lang_ok(lang);
    if (key && !one) {
        web_error(&w, 404, "error.not_found");
        return;
    }
    html_buf b;
    html_init(&b, 1024 * 1024);
    web_page_begin(&b, &w, "tpl.title", "templates");
    if (one) {
        edit_html(&b, &w, key, lang, ev, kind);
    } else {
        html_lit(&b, "<h1>");
        html_t(&b, &w, "tpl.title");
        html_lit(&b, "</h1>");
        list_html(&b, &w);
    }
    web_page_end(&b, &w);
    html_send(&b, resp, 200);
}

static void back_to(web_ctx *w, const char *key, const char *lang, const char *param,
                    const char *msg)
{
    char loc[256];
    snprintf(loc, sizeof loc, "/templates?key=%s&lang=%s&%s=%s", key, lang, param, msg);
    http_resp_redirect(w->resp, loc);
}

void web_templates_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    if (!web_access_admin(&w.sess.user)) {
        TRYGG_WARN("web: %s may not edit reply templates", w.sess.user.username);
        web_error(&w, 403, "error.forbidden");
        return;
    }
    const char *key = http_form(req, "key"), *lang = http_form(req, "lang");
    const char *op = http_form(req, "op"), *text = http_form(req, "text");
    int ev, kind;
    if (!key || !key_parse(key, &ev, &kind) || !lang_ok(lang) || !op) {
        web_error(&w, 400, "error.bad_request");
        return;
    }
    trygg_err e;
    if (strcmp(op, "reset") == 0) {
        e = trygg_store_template_reset(w.st, key, lang, w.sess.user.username);
        if (e == TRYGG_OK || e == TRYGG_ERR_NOTFOUND)
            back_to(&w, key, lang, "ok", "flash.template_reset");
        else
            back_to(&w, key, lang, "err", "flash.failed");
        return;
    }
    while (text && (*text == ' ' || *text == '\r' || *text == '\n' || *text == '\t'))
        text++;
    size_t n = text ? strlen(text) : 0;
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\r' || text[n - 1] == '\n' ||
                     text[n - 1] == '\t'))
        n--;
    char trimmed[TRYGG_TEMPLATE_TEXT_MAX + 1];
    if (n == 0 || n > TRYGG_TEMPLATE_TEXT_MAX) {
        back_to(&w, key, lang, "err", n ? "flash.template_too_long" : "flash.empty");
        return;
    }
    memcpy(trimmed, text, n);
    trimmed[n] = '\0';
    text = trimmed;
    if (!reply_tpl_placeholders_ok(text)) {
        back_to(&w, key, lang, "err", "flash.template_placeholder");
        return;
    }
    e = trygg_store_template_set(w.st, key, lang, text, w.sess.user.username);
    back_to(&w, key, lang, e == TRYGG_OK ? "ok" : "err",
            e == TRYGG_OK ? "flash.template_saved" : "flash.failed");
}
