/*
 * web_auth.c — login, logout and the language switch.
 *
 * Login checks the password with trygg_store_user_verify (argon2id) after
 * the rate limits (per IP and per username); the login form itself carries a
 * double-submit token (cookie + hidden field) against login CSRF. A
 * successful login creates a session whose random token goes into an
 * HttpOnly, SameSite=Strict cookie (Secure under TLS).
 */
#include "web.h"

#include <stdio.h>
#include <string.h>

#include "trygg/log.h"
#include "trygg/secret.h"

#define LOGIN_COOKIE "trygg_login"

static void cookie(http_resp *resp, const http_req *req, const char *name, const char *value,
                   int clear)
{
    char hdr[256];
    snprintf(hdr, sizeof hdr, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name, value,
             req->tls ? "; Secure" : "", clear ? "; Max-Age=0" : "");
    http_resp_header(resp, "Set-Cookie", hdr);
}

static void login_page(web_ctx *w, int status, const char *msg_key, const char *username)
{
    char token[WEB_TOKEN_LEN];
    if (trygg_token_new(token) != TRYGG_OK) {
        http_resp_set(w->resp, 503, "text/plain; charset=utf-8", "503\n", 4);
        return;
    }
    cookie(w->resp, w->req, LOGIN_COOKIE, token, 0);
    html_buf b;
    html_init(&b, 64 * 1024);
    web_page_begin(&b, w, "login.title", NULL);
    html_lit(&b, "<div class=\"login\"><h1>");
    html_t(&b, w, "login.title");
    html_lit(&b, "</h1>");
    if (msg_key) {
        html_lit(&b, "<p class=\"flash error\" role=\"alert\" id=\"login-msg\">");
        html_t(&b, w, msg_key);
        html_lit(&b, "</p>");
    } else if (http_query(w->req, "expired")) {
        html_lit(&b, "<p class=\"flash\" role=\"status\">");
        html_t(&b, w, "login.expired");
        html_lit(&b, "</p>");
    } else if (http_query(w->req, "bye")) {
        html_lit(&b, "<p class=\"flash\" role=\"status\">");
        html_t(&b, w, "login.bye");
        html_lit(&b, "</p>");
    }
    html_lit(&b, "<form method=\"post\" action=\"/login\" class=\"stack\">"
                 "<input type=\"hidden\" name=\"login_token\" value=\"");
    html_attr(&b, token);
    html_lit(&b, "\"><label for=\"username\">");
    html_t(&b, w, "login.username");
    html_lit(&b, "</label><input id=\"username\" name=\"username\" autocomplete=\"username\" "
                 "required maxlength=\"63\" autocapitalize=\"none\" value=\"");
    html_attr(&b, username ? username : "");
    html_lit(&b, "\"><label for=\"password\">");
    html_t(&b, w, "login.password");
    html_lit(&b, "</label><input id=\"password\" name=\"password\" type=\"password\" "
                 "autocomplete=\"current-password\" required maxlength=\"256\">"
                 "<button type=\"submit\" class=\"primary\">");
    html_t(&b, w, "login.submit");
    html_lit(&b, "</button></form><p class=\"hint\">");
    html_t(&b, w, "login.hint");
    html_lit(&b, "</p></div>");
    web_page_end(&b, w);
    html_send(&b, w->resp, status);
}

static void plain_ctx(web_ctx *w, void *ctx, const http_req *req, http_resp *resp)
{
    memset(w, 0, sizeof *w);
    w->srv = ctx;
    w->req = req;
    w->resp = resp;
    w->lang = "sv";
    http_resp_header(resp, "Content-Security-Policy",
                     "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                     "frame-ancestors 'none'; base-uri 'none'");
    http_resp_header(resp, "X-Content-Type-Options", "nosniff");
    http_resp_header(resp, "Cache-Control", "no-store");
    http_resp_header(resp, "Referrer-Policy", "no-referrer");
}

void web_login_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    plain_ctx(&w, ctx, req, resp);
    const char *tok = http_cookie(req, WEB_COOKIE);
    web_session s;
    if (tok && web_session_lookup(tok, web_now(), w.srv->cfg.session_minutes, &s) == 0) {
        http_resp_redirect(resp, "/queue");
        return;
    }
    login_page(&w, 200, NULL, NULL);
}

void web_login_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    plain_ctx(&w, ctx, req, resp);
    const char *user = http_form(req, "username");
    const char *pass = http_form(req, "password");
    const char *form_tok = http_form(req, "login_token");
    const char *cookie_tok = http_cookie(req, LOGIN_COOKIE);
    const char *ip = req->remote_ip ? req->remote_ip : "";
    int64_t now = web_now();

    if (!form_tok || !cookie_tok || strlen(form_tok) != strlen(cookie_tok) ||
        strcmp(form_tok, cookie_tok) != 0) {
        login_page(&w, 403, "login.stale", NULL);
        return;
    }
    if (!user || !pass || !user[0] || !pass[0] || strlen(user) > TRYGG_NAME_MAX ||
        strlen(pass) > 256) {
        login_page(&w, 400, "login.missing", user && strlen(user) <= TRYGG_NAME_MAX ? user : NULL);
        return;
    }
    if (!web_ratelimit_allowed(ip, user, now)) {
        TRYGG_WARN("web: login rate limit for user %s from %s", user, ip);
        login_page(&w, 429, "login.limited", user);
        return;
    }
    trygg_store *st = server_store(w.srv);
    if (!st) {
        login_page(&w, 503, "error.unavailable", user);
        return;
    }
    trygg_user u;
    trygg_err e = trygg_store_user_verify(st, user, pass, &u);
    if (e != TRYGG_OK) {
        web_ratelimit_fail(ip, user, now);
        TRYGG_INFO("web: failed login for %s from %s", user, ip);
        login_page(&w, 401, "login.failed", user);
        return;
    }
    web_ratelimit_success(user);
    web_user wu;
    memset(&wu, 0, sizeof wu);
    snprintf(wu.username, sizeof wu.username, "%s", u.username);
    snprintf(wu.display, sizeof wu.display, "%s", u.display);
    snprintf(wu.role, sizeof wu.role, "%s", u.role);
    snprintf(wu.destination, sizeof wu.destination, "%s", u.destination);
    wu.can_call_back = u.can_call_back;
    char token[WEB_TOKEN_LEN];
    if (web_session_create(&wu, now, token, NULL) != 0) {
        login_page(&w, 503, "error.unavailable", user);
        return;
    }
    TRYGG_INFO("web: %s logged in from %s", u.username, ip);
    cookie(resp, req, WEB_COOKIE, token, 0);
    cookie(resp, req, LOGIN_COOKIE, "", 1);
    http_resp_redirect(resp, "/queue");
}

void web_logout_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    web_session_destroy(w.token);
    cookie(resp, req, WEB_COOKIE, "", 1);
    http_resp_redirect(resp, "/login?bye=1");
}

void web_lang_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    const char *lang = http_form(req, "lang");
    if (lang && (strcmp(lang, "sv") == 0 || strcmp(lang, "en") == 0))
        web_session_update(w.token, NULL, lang);
    /* Back to the page the switch was on: a local path only (no "//host",
     * no scheme, no control characters), else the queue. */
    const char *back = http_form(req, "back");
    int ok = back && back[0] == '/' && back[1] != '/' && back[1] != '\\' && strlen(back) < 200;
    for (const char *p = back; ok && *p; p++)
        if ((unsigned char)*p < 0x21 || *p == '\\')
            ok = 0;
    http_resp_redirect(resp, ok ? back : "/queue");
}
