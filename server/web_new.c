/*
 * web_new.c — staff-made items: the security department registers a phone
 * call, a visit, a letter or an e-mail (GET/POST /new).
 *
 * The item gets channel `staff`, the fields of a kiosk report (kind,
 * category, area, place, text, contact only with consent) and goes through
 * intake_submit (intake.c) like every other item: the same routing rules,
 * retention and deadline. It is audited as created by the staff user (the
 * store audits "created" by the item's source) and how it came in is a
 * "received" audit row (phone, visit, letter, email). The form carries a
 * random key, so posting it twice makes one item.
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "intake.h"
#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/secret.h"

static const char *const hows[] = {"phone", "visit", "letter", "email"};
#define NHOWS (sizeof hows / sizeof hows[0])
/* What a person can bring in by phone, visit, letter or e-mail. */
static const trygg_kind kinds[] = {TRYGG_KIND_CONCERN, TRYGG_KIND_FAULT, TRYGG_KIND_TIP,
                                   TRYGG_KIND_CALLBACK};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* The form as posted (or empty), for drawing it again after an error. */
typedef struct new_form {
    const char *key, *how, *kind, *category, *area, *place, *text, *contact;
    int consent;
} new_form;

static const char *field_or_empty(const http_req *req, const char *name)
{
    const char *v = req ? http_form(req, name) : NULL;
    return v ? v : "";
}

static void form_read(const http_req *req, new_form *f)
{
    f->key = field_or_empty(req, "key");
    f->how = field_or_empty(req, "how");
    f->kind = field_or_empty(req, "kind");
    f->category = field_or_empty(req, "category");
    f->area = field_or_empty(req, "area");
    f->place = field_or_empty(req, "place");
    f->text = field_or_empty(req, "text");
    f->contact = field_or_empty(req, "contact");
    f->consent = strcmp(field_or_empty(req, "consent"), "1") == 0;
}

static void label_for(html_buf *b, const web_ctx *w, const char *id, const char *key)
{
    html_lit(b, "<label for=\"");
    html_attr(b, id);
    html_lit(b, "\">");
    html_t(b, w, key);
    html_lit(b, "</label>");
}

/* How it came in (radio buttons) and what it is (a select). */
static void how_and_kind(html_buf *b, const web_ctx *w, const new_form *f)
{
    char k[64];
    html_lit(b, "<fieldset class=\"choices\"><legend>");
    html_t(b, w, "new.how");
    html_lit(b, "</legend>");
    for (size_t i = 0; i < NHOWS; i++) {
        html_lit(b, "<label class=\"choice\"><input type=\"radio\" name=\"how\" required value=\"");
        html_attr(b, hows[i]);
        html_lit(b, "\"");
        if (strcmp(f->how, hows[i]) == 0 || (!f->how[0] && i == 0))
            html_lit(b, " checked");
        html_lit(b, "><span>");
        html_t(b, w, web_enum_key("received", hows[i], k));
        html_lit(b, "</span></label>");
    }
    html_lit(b, "</fieldset><div class=\"field\">");
    label_for(b, w, "n-kind", "filter.kind");
    html_lit(b, "<select id=\"n-kind\" name=\"kind\">");
    for (size_t i = 0; i < NKINDS; i++) {
        const char *n = trygg_kind_name(kinds[i]);
        html_lit(b, "<option value=\"");
        html_attr(b, n);
        html_lit(b, "\"");
        if (strcmp(f->kind, n) == 0)
            html_lit(b, " selected");
        html_lit(b, ">");
        html_t(b, w, web_enum_key("kind", n, k));
        html_lit(b, "</option>");
    }
    html_lit(b, "</select></div>");
}

static void text_input(html_buf *b, const web_ctx *w, const char *id, const char *name,
                       const char *label_key, const char *value)
{
    html_lit(b, "<div class=\"field\">");
    label_for(b, w, id, label_key);
    html_lit(b, "<input id=\"");
    html_attr(b, id);
    html_lit(b, "\" name=\"");
    html_attr(b, name);
    html_lit(b, "\" maxlength=\"400\" value=\"");
    html_attr(b, value);
    html_lit(b, "\"></div>");
}

static int known_kind(const char *s, trygg_kind *out)
{
    if (trygg_kind_parse(s, out) != TRYGG_OK)
        return 0;
    for (size_t i = 0; i < NKINDS; i++)
        if (kinds[i] == *out)
            return 1;
    return 0;
}

/* The page with the form; `err` (a catalog key, may be NULL) above it. */
static void new_page(web_ctx *w, const new_form *f, const char *err)
{
    html_buf b;
    html_init(&b, 512 * 1024);
    web_page_begin(&b, w, "new.title", "new");
    html_lit(&b, "<h1>");
    html_t(&b, w, "new.title");
    html_lit(&b, "</h1><p class=\"hint\">");
    html_t(&b, w, "new.intro");
    html_lit(&b, "</p>");
    if (err) {
        html_lit(&b, "<p class=\"flash error\" role=\"alert\">");
        html_t(&b, w, err);
        html_lit(&b, "</p>");
    }
    char key[64];
    if ((!f->key[0] || !TRYGG_COPY(key, f->key)) && trygg_token_new(key) != TRYGG_OK)
        key[0] = '\0'; /* the post is refused without a key */
    html_lit(&b, "<form method=\"post\" action=\"/new\" class=\"card stack new-item\">");
    web_csrf_field(&b, w);
    html_lit(&b, "<input type=\"hidden\" name=\"key\" value=\"");
    html_attr(&b, key);
    html_lit(&b, "\">");
    how_and_kind(&b, w, f);
    html_lit(&b, "<div class=\"field\">");
    label_for(&b, w, "n-category", "filter.category");
    trygg_kind shown_kind;
    web_cat_choice(&b, w, "n-category", "category", f->category,
                   known_kind(f->kind, &shown_kind) ? (int)shown_kind : -1);
    html_lit(&b, "</div><div class=\"field\">");
    label_for(&b, w, "n-area", "filter.area");
    web_area_select(&b, w, "n-area", "area", f->area, 0);
    html_lit(&b, "</div>");
    text_input(&b, w, "n-place", "place", "new.place", f->place);
    html_lit(&b, "<div class=\"field\">");
    label_for(&b, w, "n-text", "new.text");
    html_lit(&b, "<textarea id=\"n-text\" name=\"text\" rows=\"5\" maxlength=\"4000\" required>");
    html_text(&b, f->text);
    html_lit(&b, "</textarea></div>");
    text_input(&b, w, "n-contact", "contact", "new.contact", f->contact);
    html_lit(&b, "<div class=\"check\"><input type=\"checkbox\" id=\"n-consent\" name=\"consent\" "
                 "value=\"1\"");
    if (f->consent)
        html_lit(&b, " checked");
    html_lit(&b, "><label for=\"n-consent\">");
    html_t(&b, w, "new.consent");
    html_lit(&b, "</label></div><button type=\"submit\" class=\"primary\">");
    html_t(&b, w, "new.submit");
    html_lit(&b, "</button></form>");
    web_page_end(&b, w);
    html_send(&b, w->resp, 200);
}

void web_new_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    if (!web_access_register(&w.sess.user)) {
        web_error(&w, 403, "error.forbidden");
        return;
    }
    new_form f;
    form_read(NULL, &f);
    new_page(&w, &f, NULL);
}

static int known_how(const char *how)
{
    for (size_t i = 0; i < NHOWS; i++)
        if (strcmp(how, hows[i]) == 0)
            return 1;
    return 0;
}

/* The item of a checked form; NULL (the message key) when it is complete. */
static const char *form_item(const web_ctx *w, const new_form *f, trygg_item *it)
{
    trygg_item_init(it);
    if (!known_how(f->how) || strlen(f->key) < 16 ||
        strspn(f->key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
            strlen(f->key) ||
        !known_kind(f->kind, &it->kind))
        return "new.invalid";
    if (!f->text[0] || strspn(f->text, " \t\r\n") == strlen(f->text))
        return "new.need_text";
    if (f->contact[0] && !f->consent)
        return "new.need_consent";
    if (!web_cat_fits(w, f->category, it->kind))
        return "flash.category_kind";
    it->channel = TRYGG_CHANNEL_STAFF;
    if (snprintf(it->client_key, sizeof it->client_key, "staff-%s", f->key) >=
            (int)sizeof it->client_key ||
        trygg_strset(it->source, sizeof it->source, w->sess.user.username) != TRYGG_OK ||
        trygg_strset(it->category, sizeof it->category, f->category) != TRYGG_OK ||
        trygg_strset(it->area, sizeof it->area, f->area) != TRYGG_OK ||
        trygg_strset(it->place, sizeof it->place, f->place) != TRYGG_OK ||
        trygg_strset(it->text, sizeof it->text, f->text) != TRYGG_OK ||
        trygg_strset(it->contact, sizeof it->contact, f->contact) != TRYGG_OK ||
        trygg_strset(it->via, sizeof it->via, f->how) != TRYGG_OK)
        return "new.invalid";
    it->consent = f->contact[0] ? 1 : 0;
    return NULL;
}

void web_new_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    if (!web_access_register(&w.sess.user)) {
        web_error(&w, 403, "error.forbidden");
        return;
    }
    new_form f;
    form_read(req, &f);
    trygg_item it;
    const char *err = form_item(&w, &f, &it);
    if (err) {
        new_page(&w, &f, err);
        return;
    }
    int created = 0;
    const char *field = NULL;
    trygg_err e = intake_submit(w.srv, &it, &created, &field);
    if (e != TRYGG_OK) {
        TRYGG_INFO("web: %s could not register an item: %s (%s)", w.sess.user.username,
                   trygg_strerror(e), field ? field : "-");
        new_page(&w, &f, e == TRYGG_ERR_INVALID ? "new.invalid" : "error.unavailable");
        return;
    }
    if (created &&
        trygg_store_audit(w.st, it.id, w.sess.user.username, "received", f.how) != TRYGG_OK)
        TRYGG_WARN("web: item %" PRId64 ": could not audit how it came in: %s", it.id,
                   trygg_store_errmsg(w.st));
    web_counts_invalidate();
    char loc[96];
    snprintf(loc, sizeof loc, "/item/%" PRId64 "?ok=flash.registered", it.id);
    http_resp_redirect(resp, loc);
}
