/*
 * web_status.c — the public status page (docs/follow-up.md): a resident
 * types or scans the follow-up code from the receipt and sees the status in
 * plain words, the date received, the date of the last change and the
 * public reply if staff wrote one. Never the text, place, category, contact
 * or anything else personal: the page reads only trygg_follow (store.h).
 *   GET /s            the form (and ?code=… from it)
 *   GET /s/<code>     the status
 * No enumeration: a wrong secret and an unknown reference give the same
 * answer (404, same body), both compute the keyed hash and compare it in
 * constant time; each address may ask a few times a minute (429 above).
 */
#include "web_status.h"
#include "follow_lookup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "ratelimit.h"
#include "trygg/copy.h"
#include "trygg/follow.h"
#include "trygg/log.h"
#include "trygg/ref.h"
#include "trygg/time.h"
#include "web.h"

static const char *st_t(const server_ctx *ctx, const char *lang, const char *key)
{
    return ctx->web_text ? trygg_i18n_get(ctx->web_text, lang, key) : key;
}

static void st_headers(http_resp *resp)
{
    http_resp_header(resp, "Content-Security-Policy",
                     "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                     "frame-ancestors 'none'; base-uri 'none'");
    http_resp_header(resp, "X-Content-Type-Options", "nosniff");
    http_resp_header(resp, "Referrer-Policy", "no-referrer");
    http_resp_header(resp, "Cache-Control", "no-store");
    http_resp_header(resp, "X-Frame-Options", "DENY");
    http_resp_header(resp, "X-Robots-Tag", "noindex");
}

/* The page's language: ?lang= if it is one the catalogs have, else `dflt`. */
static const char *page_lang(const http_req *req, const char *dflt)
{
    static const char *const langs[] = {"sv", "en", "ar", "so"};
    const char *q = http_query(req, "lang");
    for (size_t i = 0; q && i < sizeof langs / sizeof langs[0]; i++)
        if (strcmp(q, langs[i]) == 0)
            return langs[i];
    for (size_t i = 0; dflt && i < sizeof langs / sizeof langs[0]; i++)
        if (strcmp(dflt, langs[i]) == 0)
            return langs[i];
    return "sv";
}

static void page_begin(html_buf *b, const server_ctx *ctx, const char *lang)
{
    html_lit(b, "<!doctype html>\n<html lang=\"");
    html_attr(b, lang);
    html_lit(b, "\"");
    if (strcmp(lang, "ar") == 0)
        html_lit(b, " dir=\"rtl\"");
    html_lit(b, "><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<meta name=\"robots\" content=\"noindex\"><title>");
    html_text(b, st_t(ctx, lang, "follow.title"));
    html_lit(b, "</title><link rel=\"stylesheet\" href=\"/static/web.css\">"
                "<link rel=\"icon\" href=\"/static/icon.svg\" type=\"image/svg+xml\">"
                "</head><body class=\"public\"><main id=\"main\" class=\"follow\"><h1>");
    html_text(b, st_t(ctx, lang, "follow.title"));
    html_lit(b, "</h1>");
}

static void code_form(html_buf *b, const server_ctx *ctx, const char *lang)
{
    html_lit(b, "<form method=\"get\" action=\"/s\" class=\"stack\"><label for=\"code\">");
    html_text(b, st_t(ctx, lang, "follow.code_label"));
    html_lit(b, "</label><input id=\"code\" name=\"code\" autocomplete=\"off\" "
                "autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"40\" required "
                "aria-describedby=\"code-hint\"><p class=\"hint\" id=\"code-hint\">");
    html_text(b, st_t(ctx, lang, "follow.code_hint"));
    html_lit(b, "</p><input type=\"hidden\" name=\"lang\" value=\"");
    html_attr(b, lang);
    html_lit(b, "\"><div><button type=\"submit\" class=\"primary\">");
    html_text(b, st_t(ctx, lang, "follow.show"));
    html_lit(b, "</button></div></form>");
}

static void page_end(html_buf *b)
{
    html_lit(b, "</main></body></html>\n");
}

static void day(int64_t t, char out[16])
{
    if (trygg_time_format(t, "%Y-%m-%d", out, 16) == 0)
        out[0] = '\0';
}

/* The plain-words status key of a found item (the tip line's STATUS says
 * the same, trygg_follow_state). */
static const char *status_key(const trygg_follow *f, char out[64])
{
    snprintf(out, 64, "follow.status.%s", trygg_follow_state(f->status, f->close_reason));
    return out;
}

static void found_page(html_buf *b, const server_ctx *ctx, const char *lang, const trygg_follow *f)
{
    char d1[16], d2[16], key[64];
    day(f->created, d1);
    day(f->updated, d2);
    html_lit(b, "<section class=\"card follow-status\" aria-labelledby=\"h-status\">"
                "<h2 id=\"h-status\">");
    html_text(b, st_t(ctx, lang, status_key(f, key)));
    html_lit(b, "</h2><dl><dt>");
    html_text(b, st_t(ctx, lang, "follow.received"));
    html_lit(b, "</dt><dd>");
    html_text(b, d1);
    html_lit(b, "</dd><dt>");
    html_text(b, st_t(ctx, lang, "follow.changed"));
    html_lit(b, "</dt><dd>");
    html_text(b, d2);
    html_lit(b, "</dd></dl>");
    if (f->reply[0]) {
        char d3[16];
        day(f->reply_at, d3);
        html_lit(b, "<h3>");
        html_text(b, st_t(ctx, lang, "follow.reply"));
        html_lit(b, " <span class=\"muted\">");
        html_text(b, d3);
        html_lit(b, "</span></h3><p class=\"reply\">");
        html_text(b, f->reply);
        html_lit(b, "</p>");
    }
    html_lit(b, "</section><p class=\"hint\">");
    html_text(b, st_t(ctx, lang, "follow.privacy"));
    html_lit(b, "</p>");
}

/* The page with the code form under one message: the introduction (200),
 * or the one answer for a code that opens nothing, whatever the reason (404). */
static void form_page(const server_ctx *ctx, const http_req *req, http_resp *resp, int status)
{
    const char *lang = page_lang(req, "sv");
    html_buf b;
    html_init(&b, 64 * 1024);
    page_begin(&b, ctx, lang);
    if (status == 404)
        html_lit(&b, "<p class=\"flash error\" role=\"alert\">");
    else
        html_lit(&b, "<p>");
    html_text(&b, st_t(ctx, lang, status == 404 ? "follow.not_found" : "follow.intro"));
    html_lit(&b, "</p>");
    code_form(&b, ctx, lang);
    page_end(&b);
    st_headers(resp);
    html_send(&b, resp, status);
}

static void not_found(const server_ctx *ctx, const http_req *req, http_resp *resp)
{
    form_page(ctx, req, resp, 404);
}

static void lookup(server_ctx *ctx, const http_req *req, http_resp *resp, const char *code)
{
    int retry = 0;
    if (!rl_allow(ctx->status_limit, req->remote_ip, (int64_t)time(NULL) * 1000, &retry)) {
        const char *lang = page_lang(req, "sv");
        html_buf b;
        html_init(&b, 16 * 1024);
        page_begin(&b, ctx, lang);
        html_lit(&b, "<p class=\"flash error\" role=\"alert\">");
        html_text(&b, st_t(ctx, lang, "follow.too_many"));
        html_lit(&b, "</p>");
        page_end(&b);
        st_headers(resp);
        char ra[16];
        snprintf(ra, sizeof ra, "%d", retry > 0 ? retry : 1);
        http_resp_header(resp, "Retry-After", ra);
        html_send(&b, resp, 429);
        return;
    }
    char ref[TRYGG_REF_LEN + 1] = "22-2222", secret[TRYGG_FOLLOW_SECRET_LEN + 1] = "22222222";
    int parsed = trygg_follow_parse(code, ref, secret) == TRYGG_OK;
    trygg_store *st = server_store(ctx);
    trygg_follow *f = calloc(1, sizeof *f);
    if (st == NULL || f == NULL) {
        free(f);
        http_resp_set(resp, 503, "text/plain; charset=utf-8", "503\n", 4);
        return;
    }
    trygg_err e = trygg_store_follow_get(st, ref, f);
    if (e != TRYGG_OK && e != TRYGG_ERR_NOTFOUND) {
        TRYGG_ERR("status page: %s", trygg_store_errmsg(st));
        free(f);
        http_resp_set(resp, 503, "text/plain; charset=utf-8", "503\n", 4);
        return;
    }
    if (!follow_code_matches(ctx, ref, secret, f, e == TRYGG_OK) || !parsed) {
        free(f);
        not_found(ctx, req, resp);
        return;
    }
    const char *lang = page_lang(req, f->lang);
    html_buf b;
    html_init(&b, 64 * 1024);
    page_begin(&b, ctx, lang);
    found_page(&b, ctx, lang, f);
    page_end(&b);
    free(f);
    st_headers(resp);
    html_send(&b, resp, 200);
}

static void h_form(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    const char *code = http_query(req, "code");
    if (code && *code) {
        lookup(ctx, req, resp, code);
        return;
    }
    form_page(ctx, req, resp, 200);
}

static void h_code(void *vctx, const http_req *req, http_resp *resp)
{
    lookup(vctx, req, resp, req->path + 3);
}

const http_route status_routes[] = {
    {"GET", "/s", 0, h_form},
    {"GET", "/s/*", 0, h_code},
};
const int status_nroutes = (int)(sizeof status_routes / sizeof status_routes[0]);
