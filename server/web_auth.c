/*
 * web_auth.c — login, logout and the language switch.
 *
 * Login checks the password with trygg_store_user_verify (argon2id) after
 * the rate limits (per IP and per username); the login form itself carries a
 * double-submit token (cookie + hidden field) against login CSRF. A
 * successful login creates a session whose random token goes into an
 * HttpOnly, SameSite=Strict cookie (Secure under TLS).
 *
 * Two-factor login (TOTP, RFC 6238; store.h): for a user who has it, or must
 * have it (trygg_store_user_needs_2fa: roles security/admin, call-back
 * rights), the password gives only a session at stage WEB_STAGE_CODE or
 * WEB_STAGE_ENROL, which web_begin() lets nowhere but /login/code and
 * /login/enrol. The code step counts against the same rate limits as the
 * password. Once the code is right (or enrolment is done) the pending
 * session is replaced by a new one (new token). Enrolment shows the
 * otpauth:// URI as an inline SVG QR code (libqrencode) and the secret as
 * text, then the recovery codes once. Users who need no 2FA may enrol from
 * /login/enrol while logged in.
 */
#include "web.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/secret.h"
#include "trygg/store.h"
#include <sodium.h>

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
    w->st = server_store(w->srv); /* NULL while the database is down */
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
    if (tok && web_session_lookup(w.st, tok, web_now(), w.srv->cfg.session_minutes, &s) == 0) {
        if (s.stage == WEB_STAGE_OK) {
            http_resp_redirect(resp, "/queue");
            return;
        }
        /* A login left at the code or enrolment step: start over. */
        web_session_destroy(w.st, tok);
        cookie(resp, req, WEB_COOKIE, "", 1);
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
    trygg_store *st = w.st;
    if (!st) {
        login_page(&w, 503, "error.unavailable", user);
        return;
    }
    if (!web_ratelimit_allowed(st, ip, user, now)) {
        TRYGG_WARN("web: login rate limit for user %s from %s", user, ip);
        login_page(&w, 429, "login.limited", user);
        return;
    }
    trygg_user u;
    trygg_err e = trygg_store_user_verify(st, user, pass, &u);
    if (e != TRYGG_OK) {
        web_ratelimit_fail(st, ip, user, now);
        TRYGG_INFO("web: failed login for %s from %s", user, ip);
        login_page(&w, 401, "login.failed", user);
        return;
    }
    web_user wu;
    memset(&wu, 0, sizeof wu);
    TRYGG_COPY_FIT(wu.username, u.username);
    TRYGG_COPY_FIT(wu.display, u.display);
    TRYGG_COPY_FIT(wu.role, u.role);
    TRYGG_COPY_FIT(wu.destination, u.destination);
    wu.can_call_back = u.can_call_back;
    int enabled = 0;
    if (trygg_store_user_totp_get(st, u.username, &enabled, NULL) != TRYGG_OK) {
        login_page(&w, 503, "error.unavailable", user);
        return;
    }
    web_stage stage = enabled                          ? WEB_STAGE_CODE
                      : trygg_store_user_needs_2fa(&u) ? WEB_STAGE_ENROL
                                                       : WEB_STAGE_OK;
    if (stage == WEB_STAGE_OK)
        web_ratelimit_success(st, user); /* else only once the code is right */
    char token[WEB_TOKEN_LEN];
    if (web_session_create(st, &wu, now, token, NULL) != 0) {
        login_page(&w, 503, "error.unavailable", user);
        return;
    }
    web_session_set_stage(st, token, stage);
    TRYGG_INFO("web: %s %s from %s", u.username,
               stage == WEB_STAGE_OK ? "logged in" : "gave the right password", ip);
    cookie(resp, req, WEB_COOKIE, token, 0);
    cookie(resp, req, LOGIN_COOKIE, "", 1);
    http_resp_redirect(resp, stage == WEB_STAGE_CODE    ? "/login/code"
                             : stage == WEB_STAGE_ENROL ? "/login/enrol"
                                                        : "/queue");
}

/* ---- two-factor login --------------------------------------------------------- */

/* The session of this request for a two-factor page: a pending one (stage
 * CODE or ENROL), or with allow_ok a full one (optional enrolment). 0 and
 * w->sess / w->token / w->st set, else the response is set (redirect to
 * the login page, or 403 for a failed CSRF check on POST). */
static int pending_begin(web_ctx *w, void *ctx, const http_req *req, http_resp *resp,
                         web_stage want, int allow_ok)
{
    plain_ctx(w, ctx, req, resp);
    if (!w->st) {
        http_resp_set(resp, 503, "text/plain; charset=utf-8", "503\n", 4);
        return -1;
    }
    w->token = http_cookie(req, WEB_COOKIE);
    if (!w->token || web_session_lookup(w->st, w->token, web_now(), w->srv->cfg.session_minutes,
                                        &w->sess) != 0) {
        http_resp_redirect(resp, "/login");
        return -1;
    }
    if (w->sess.stage != want && !(allow_ok && w->sess.stage == WEB_STAGE_OK)) {
        http_resp_redirect(resp, w->sess.stage == WEB_STAGE_OK     ? "/queue"
                                 : w->sess.stage == WEB_STAGE_CODE ? "/login/code"
                                                                   : "/login/enrol");
        return -1;
    }
    if (w->sess.lang[0])
        w->lang = w->sess.lang;
    if (strcmp(req->method, "POST") == 0 && !web_csrf_ok(&w->sess, http_form(req, "csrf"))) {
        TRYGG_WARN("web: CSRF check failed for %s on %s", w->sess.user.username, req->path);
        http_resp_set(resp, 403, "text/plain; charset=utf-8", "403\n", 4);
        return -1;
    }
    return 0;
}

/* Replaces the pending session by a full one (new token): the login is done. */
static int finish_login(web_ctx *w)
{
    char token[WEB_TOKEN_LEN];
    web_user u = w->sess.user;
    web_session_destroy(w->st, w->token);
    if (web_session_create(w->st, &u, web_now(), token, NULL) != 0)
        return -1;
    cookie(w->resp, w->req, WEB_COOKIE, token, 0);
    TRYGG_INFO("web: %s logged in with two-factor login", u.username);
    return 0;
}

/* Page start without the menu while the login is not finished. */
static void begin_page(html_buf *b, const web_ctx *w, const char *title_key)
{
    web_ctx p = *w;
    if (w->sess.stage != WEB_STAGE_OK)
        p.sess.user.username[0] = '\0';
    web_page_begin(b, &p, title_key, NULL);
}

static void csrf_field(html_buf *b, const web_ctx *w)
{
    html_lit(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_attr(b, w->sess.csrf);
    html_lit(b, "\">");
}

static void code_field(html_buf *b, const web_ctx *w, const char *label_key, const char *hint_key)
{
    html_lit(b, "<label for=\"code\">");
    html_t(b, w, label_key);
    html_lit(b, "</label><input id=\"code\" name=\"code\" autocomplete=\"one-time-code\" "
                "inputmode=\"text\" required maxlength=\"20\" autocapitalize=\"none\" "
                "spellcheck=\"false\" aria-describedby=\"code-hint\"><p class=\"hint\" "
                "id=\"code-hint\">");
    html_t(b, w, hint_key);
    html_lit(b, "</p>");
}

static void message(html_buf *b, const web_ctx *w, const char *msg_key)
{
    if (!msg_key)
        return;
    html_lit(b, "<p class=\"flash error\" role=\"alert\" id=\"login-msg\">");
    html_t(b, w, msg_key);
    html_lit(b, "</p>");
}

static void code_page(web_ctx *w, int status, const char *msg_key)
{
    html_buf b;
    html_init(&b, 64 * 1024);
    begin_page(&b, w, "tfa.code_title");
    html_lit(&b, "<div class=\"login\"><h1>");
    html_t(&b, w, "tfa.code_title");
    html_lit(&b, "</h1>");
    message(&b, w, msg_key);
    html_lit(&b, "<form method=\"post\" action=\"/login/code\" class=\"stack\">");
    csrf_field(&b, w);
    code_field(&b, w, "tfa.code", "tfa.code_hint");
    html_lit(&b, "<button type=\"submit\" class=\"primary\">");
    html_t(&b, w, "tfa.code_submit");
    html_lit(&b, "</button></form><p class=\"hint\">");
    html_t(&b, w, "tfa.lost");
    html_lit(&b, "</p><p><a href=\"/login\">");
    html_t(&b, w, "tfa.cancel");
    html_lit(&b, "</a></p></div>");
    web_page_end(&b, w);
    html_send(&b, w->resp, status);
}

/* Rate limit of the code step; 0 and the 429 page sent when over it. */
static int code_allowed(web_ctx *w, void (*page)(web_ctx *, int, const char *))
{
    const char *ip = w->req->remote_ip ? w->req->remote_ip : "";
    if (web_ratelimit_allowed(w->st, ip, w->sess.user.username, web_now()))
        return 1;
    TRYGG_WARN("web: code rate limit for user %s from %s", w->sess.user.username, ip);
    page(w, 429, "login.limited");
    return 0;
}

static void code_failed(web_ctx *w)
{
    const char *ip = w->req->remote_ip ? w->req->remote_ip : "";
    web_ratelimit_fail(w->st, ip, w->sess.user.username, web_now());
    TRYGG_INFO("web: wrong one-time code for %s from %s", w->sess.user.username, ip);
}

void web_code_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (pending_begin(&w, ctx, req, resp, WEB_STAGE_CODE, 0) == 0)
        code_page(&w, 200, NULL);
}

void web_code_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (pending_begin(&w, ctx, req, resp, WEB_STAGE_CODE, 0) != 0 || !code_allowed(&w, code_page))
        return;
    const char *code = http_form(req, "code");
    int recovery = 0;
    char clean[32] = "";
    for (size_t i = 0, n = 0; code && code[i] && n + 1 < sizeof clean; i++)
        if (code[i] != ' ')
            clean[n++] = code[i], clean[n] = '\0';
    trygg_err e =
        trygg_store_user_totp_verify(w.st, w.sess.user.username, clean, web_now(), &recovery);
    if (e != TRYGG_OK) {
        if (e == TRYGG_ERR_AUTH)
            code_failed(&w);
        code_page(&w, e == TRYGG_ERR_AUTH ? 401 : 503,
                  e == TRYGG_ERR_AUTH ? "tfa.wrong" : "error.unavailable");
        return;
    }
    web_ratelimit_success(w.st, w.sess.user.username);
    if (finish_login(&w) != 0) {
        code_page(&w, 503, "error.unavailable");
        return;
    }
    http_resp_redirect(resp, recovery ? "/queue?ok=flash.recovery_used" : "/queue");
}

/* The otpauth:// URI as an inline SVG QR code (one path, 4-module margin). */
static void qr_svg(html_buf *b, const web_ctx *w, const char *uri)
{
    QRcode *q = QRcode_encodeString(uri, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return;
    int n = q->width, m = n + 8;
    html_lit(b, "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
                "width=\"240\" height=\"240\" shape-rendering=\"crispEdges\" viewBox=\"0 0 ");
    html_int(b, m);
    html_lit(b, " ");
    html_int(b, m);
    html_lit(b, "\" aria-label=\"");
    html_t(b, w, "tfa.qr_label");
    html_lit(b, "\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
    for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
            if (!(q->data[y * n + x] & 1))
                continue;
            html_lit(b, "M");
            html_int(b, x + 4);
            html_lit(b, " ");
            html_int(b, y + 4);
            html_lit(b, "h1v1h-1z");
        }
    }
    html_lit(b, "\"/></svg>");
    QRcode_free(q);
}

static void enrol_page(web_ctx *w, int status, const char *msg_key)
{
    char secret[TRYGG_TOTP_SECRET_LEN] = "";
    int enabled = 0;
    html_buf b;
    html_init(&b, 256 * 1024);
    begin_page(&b, w, "tfa.enrol_title");
    html_lit(&b, "<div class=\"login enrol\"><h1>");
    html_t(&b, w, "tfa.enrol_title");
    html_lit(&b, "</h1>");
    message(&b, w, msg_key);
    if (trygg_store_user_totp_get(w->st, w->sess.user.username, &enabled, secret) == TRYGG_OK &&
        enabled) {
        html_lit(&b, "<p>");
        html_t(&b, w, "tfa.already");
        html_lit(&b, "</p><p><a href=\"/queue\">");
        html_t(&b, w, "tfa.continue");
        html_lit(&b, "</a></p></div>");
        web_page_end(&b, w);
        html_send(&b, w->resp, status);
        return;
    }
    /* Keep a pending secret across reloads: the app may have scanned it. */
    if (!secret[0] &&
        trygg_store_user_totp_begin(w->st, w->sess.user.username, NULL, secret) != TRYGG_OK)
        secret[0] = '\0';
    html_lit(&b, "<p>");
    html_t(&b, w, w->sess.stage == WEB_STAGE_ENROL ? "tfa.enrol_why" : "tfa.enrol_optional");
    html_lit(&b, "</p><ol class=\"steps\"><li>");
    html_t(&b, w, "tfa.step_app");
    html_lit(&b, "</li><li>");
    html_t(&b, w, "tfa.step_scan");
    html_lit(&b, "<div class=\"qr-box\">");
    char uri[512];
    snprintf(uri, sizeof uri,
             "otpauth://totp/Trygg:%s?secret=%s&issuer=Trygg&algorithm=SHA1&digits=6&period=30",
             w->sess.user.username, secret);
    if (secret[0])
        qr_svg(&b, w, uri);
    html_lit(&b, "</div><p class=\"hint\">");
    html_t(&b, w, "tfa.step_manual");
    html_lit(&b, " <code id=\"totp-secret\">");
    for (size_t i = 0; secret[i]; i += 4) { /* groups of four are easier to type */
        char grp[6];
        snprintf(grp, sizeof grp, "%.4s%s", secret + i, secret[i + 4] ? " " : "");
        html_text(&b, grp);
    }
    html_lit(&b, "</code></p></li><li>");
    html_t(&b, w, "tfa.step_code");
    html_lit(&b, "<form method=\"post\" action=\"/login/enrol\" class=\"stack\">");
    csrf_field(&b, w);
    code_field(&b, w, "tfa.code", "tfa.enrol_code_hint");
    html_lit(&b, "<button type=\"submit\" class=\"primary\">");
    html_t(&b, w, "tfa.enrol_submit");
    html_lit(&b, "</button></form></li></ol>");
    if (w->sess.stage != WEB_STAGE_OK) {
        html_lit(&b, "<p><a href=\"/login\">");
        html_t(&b, w, "tfa.cancel");
        html_lit(&b, "</a></p>");
    }
    html_lit(&b, "</div>");
    web_page_end(&b, w);
    html_send(&b, w->resp, status);
    sodium_memzero(secret, sizeof secret);
}

void web_enrol_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (pending_begin(&w, ctx, req, resp, WEB_STAGE_ENROL, 1) == 0)
        enrol_page(&w, 200, NULL);
}

void web_enrol_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (pending_begin(&w, ctx, req, resp, WEB_STAGE_ENROL, 1) != 0 || !code_allowed(&w, enrol_page))
        return;
    const char *code = http_form(req, "code");
    char clean[16] = "";
    for (size_t i = 0, n = 0; code && code[i] && n + 1 < sizeof clean; i++)
        if (code[i] != ' ')
            clean[n++] = code[i], clean[n] = '\0';
    char codes[TRYGG_RECOVERY_CODES][TRYGG_RECOVERY_LEN];
    trygg_err e = trygg_store_user_totp_enable(w.st, w.sess.user.username, clean, web_now(), codes);
    if (e != TRYGG_OK) {
        if (e == TRYGG_ERR_AUTH)
            code_failed(&w);
        enrol_page(&w, e == TRYGG_ERR_AUTH ? 401 : 503,
                   e == TRYGG_ERR_AUTH ? "tfa.wrong" : "error.unavailable");
        return;
    }
    web_ratelimit_success(w.st, w.sess.user.username);
    if (w.sess.stage != WEB_STAGE_OK && finish_login(&w) != 0) {
        enrol_page(&w, 503, "error.unavailable");
        return;
    }
    html_buf b;
    html_init(&b, 64 * 1024);
    begin_page(&b, &w, "tfa.done_title");
    html_lit(&b, "<div class=\"login enrol\"><h1>");
    html_t(&b, &w, "tfa.done_title");
    html_lit(&b, "</h1><p>");
    html_t(&b, &w, "tfa.recovery_intro");
    html_lit(&b, "</p><ul class=\"recovery\" id=\"recovery-codes\">");
    for (int i = 0; i < TRYGG_RECOVERY_CODES; i++) {
        html_lit(&b, "<li><code>");
        html_text(&b, codes[i]);
        html_lit(&b, "</code></li>");
    }
    html_lit(&b, "</ul><p><a class=\"button primary\" href=\"/queue\">");
    html_t(&b, &w, "tfa.continue");
    html_lit(&b, "</a></p></div>");
    web_page_end(&b, &w);
    html_send(&b, resp, 200);
    sodium_memzero(codes, sizeof codes);
}

void web_logout_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    web_session_destroy(w.st, w.token);
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
        web_session_update(w.st, w.token, NULL, lang);
    /* Back to the page the switch was on: a local path only (no "//host",
     * no scheme, no control characters), else the queue. */
    const char *back = http_form(req, "back");
    int ok = back && back[0] == '/' && back[1] != '/' && back[1] != '\\' && strlen(back) < 200;
    for (const char *p = back; ok && *p; p++)
        if ((unsigned char)*p < 0x21 || *p == '\\')
            ok = 0;
    http_resp_redirect(resp, ok ? back : "/queue");
}
