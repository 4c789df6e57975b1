/*
 * web_client.h — a tiny HTTP client for the staff web UI tests (libcurl):
 * requests with a cookie and a form, the login flow (login token, session
 * cookie, the one-time code step for two-factor users, the CSRF token of the
 * first page), and posting an item action. Two-factor users of these tests
 * share TOTP_SECRET; the server's clock is fake_clock (install it with
 * web_set_clock), moved one step per code so no code is replayed.
 * Include after cmocka.h; set wc_port to the server's port first.
 */
#ifndef TRYGG_TEST_WEB_CLIENT_H
#define TRYGG_TEST_WEB_CLIENT_H

#include <curl/curl.h>
#include <inttypes.h>
#include <liboath/oath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trygg/store.h"

static int wc_port;

/* The server's clock (web_set_clock): every login with a one-time code moves
 * it one TOTP step on, so codes are never replayed within a test run. */
static int64_t fake_now;
static inline int64_t fake_clock(void)
{
    return fake_now;
}

/* Every security/admin user of these tests has two-factor login with this
 * secret (base32), set up through the store API. */
#define TOTP_SECRET "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

/* The RFC 6238 code of TOTP_SECRET at time t (liboath, like the server). */
static inline void totp_code_of(const char *secret, int64_t t, char out[8])
{
    char *bin = NULL;
    size_t len = 0;
    assert_int_equal(oath_init(), OATH_OK);
    assert_int_equal(oath_base32_decode(secret, strlen(secret), &bin, &len), OATH_OK);
    assert_int_equal(oath_totp_generate(bin, len, (time_t)t, 30, 0, 6, out), OATH_OK);
    free(bin);
}

static inline void totp_code(int64_t t, char out[8])
{
    totp_code_of(TOTP_SECRET, t, out);
}

/* Turns on two-factor login for `name` with TOTP_SECRET through the store;
 * codes (may be NULL) gets the recovery codes. */
static inline void wc_enrol(trygg_store *st, const char *name,
                            char codes[TRYGG_RECOVERY_CODES][TRYGG_RECOVERY_LEN])
{
    char code[8], own[TRYGG_RECOVERY_CODES][TRYGG_RECOVERY_LEN];
    fake_now += 30;
    totp_code(fake_now, code);
    assert_int_equal(trygg_store_user_totp_begin(st, name, TOTP_SECRET, NULL), TRYGG_OK);
    assert_int_equal(trygg_store_user_totp_enable(st, name, code, fake_now, codes ? codes : own),
                     TRYGG_OK);
}

/* ---- a tiny HTTP client ---------------------------------------------------- */

typedef struct reply {
    long status;
    char *body;
    size_t len;
    char location[512];
    char set_cookie[4][256];
    int ncookies;
    int zipped; /* the answer was a zip (XLSX): body is now its members' text */
} reply;

static inline size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
    reply *r = arg;
    size_t k = sz * n;
    char *nb = realloc(r->body, r->len + k + 1);
    if (!nb)
        return 0;
    memcpy(nb + r->len, p, k);
    r->body = nb;
    r->len += k;
    r->body[r->len] = '\0';
    return k;
}

static inline size_t on_header(char *p, size_t sz, size_t n, void *arg)
{
    reply *r = arg;
    size_t k = sz * n;
    char line[600];
    size_t m = k < sizeof line - 1 ? k : sizeof line - 1;
    memcpy(line, p, m);
    line[m] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    if (strncasecmp(line, "Location: ", 10) == 0)
        snprintf(r->location, sizeof r->location, "%.500s", line + 10);
    if (strncasecmp(line, "Set-Cookie: ", 12) == 0 && r->ncookies < 4)
        snprintf(r->set_cookie[r->ncookies++], sizeof r->set_cookie[0], "%.250s", line + 12);
    return k;
}

static inline void reply_free(reply *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* A handle for `path` on the test server that collects the answer into r. */
static inline CURL *wc_handle(reply *r, const char *path, const char *cookie)
{
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    char url[1024];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", wc_port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (cookie)
        curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
    return c;
}

/* A zip answer (an XLSX export) is read as a person's spreadsheet would
 * show it: the body becomes the text of every member (the sheet's XML and
 * its shared strings), so every check on bodies sees what is inside. */
static inline void wc_unzip(reply *r)
{
    char path[] = "/tmp/trygg-wc-zip-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, r->body, r->len), (ssize_t)r->len);
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys,zipfile\n"
             "z=zipfile.ZipFile(sys.argv[1])\n"
             "for n in z.namelist(): sys.stdout.write(n+\"\\n\"+z.read(n).decode()+\"\\n\")' %s",
             path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    free(r->body);
    r->body = NULL;
    r->len = 0;
    char chunk[8192];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, p)) > 0)
        assert_int_equal(on_body(chunk, 1, k, r), k);
    assert_int_equal(pclose(p), 0);
    unlink(path);
    r->zipped = 1;
}

static inline void wc_perform(reply *r, CURL *c)
{
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_cleanup(c);
    if (!r->body)
        r->body = calloc(1, 1);
    if (r->len > 4 && memcmp(r->body, "PK\x03\x04", 4) == 0)
        wc_unzip(r);
}

/* method GET/POST; cookie "a=b; c=d" or NULL; form urlencoded or NULL. */
static inline void req(reply *r, const char *method, const char *path, const char *cookie,
                       const char *form)
{
    CURL *c = wc_handle(r, path, cookie);
    if (strcmp(method, "POST") == 0)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, form ? form : "");
    wc_perform(r, c);
}

/* POSTs a multipart form: the CSRF field and a file `data[0..len)` named
 * `filename` in field `field`. */
static inline void req_upload(reply *r, const char *path, const char *cookie, const char *csrf,
                              const char *field, const char *filename, const char *data, size_t len)
{
    CURL *c = wc_handle(r, path, cookie);
    curl_mime *m = curl_mime_init(c);
    curl_mimepart *p = curl_mime_addpart(m);
    curl_mime_name(p, "csrf");
    curl_mime_data(p, csrf, CURL_ZERO_TERMINATED);
    p = curl_mime_addpart(m);
    curl_mime_name(p, field);
    curl_mime_filename(p, filename);
    curl_mime_type(p, "text/csv");
    curl_mime_data(p, data, len);
    curl_easy_setopt(c, CURLOPT_MIMEPOST, m);
    wc_perform(r, c);
    curl_mime_free(m);
}

/* Copies the value after `marker` up to `end` into out[cap]. */
static inline int extract(const char *text, const char *marker, char end, char *out, size_t cap)
{
    const char *p = text ? strstr(text, marker) : NULL;
    if (!p)
        return -1;
    p += strlen(marker);
    size_t n = 0;
    while (p[n] && p[n] != end && n + 1 < cap)
        n++;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

static inline const char *cookie_value(const reply *r, const char *name, char *out, size_t cap)
{
    char m[64];
    snprintf(m, sizeof m, "%s=", name);
    for (int i = 0; i < r->ncookies; i++)
        if (strncmp(r->set_cookie[i], m, strlen(m)) == 0 &&
            extract(r->set_cookie[i], m, ';', out, cap) == 0)
            return out;
    return NULL;
}

typedef struct session {
    char cookie[256];
    char csrf[128];
} session;

static inline long login_as(const char *user, const char *pass, session *s)
{
    reply r;
    req(&r, "GET", "/login", NULL, NULL);
    assert_int_equal(r.status, 200);
    char ltok[128], form_tok[128];
    assert_non_null(cookie_value(&r, "trygg_login", ltok, sizeof ltok));
    assert_int_equal(
        extract(r.body, "name=\"login_token\" value=\"", '"', form_tok, sizeof form_tok), 0);
    assert_string_equal(ltok, form_tok);
    reply_free(&r);
    char cookie[300], form[512];
    snprintf(cookie, sizeof cookie, "trygg_login=%s", ltok);
    snprintf(form, sizeof form, "login_token=%s&username=%s&password=%s", ltok, user, pass);
    for (char *p = form; *p; p++)
        if (*p == ' ')
            *p = '+';
    req(&r, "POST", "/login", cookie, form);
    long status = r.status;
    if (status == 303 && strcmp(r.location, "/login/code") == 0) {
        /* The second step: the current one-time code. */
        char tok[128], csrf[128], code[8];
        assert_non_null(cookie_value(&r, "trygg_session", tok, sizeof tok));
        reply_free(&r);
        snprintf(cookie, sizeof cookie, "trygg_session=%s", tok);
        req(&r, "GET", "/login/code", cookie, NULL);
        assert_int_equal(r.status, 200);
        assert_int_equal(extract(r.body, "name=\"csrf\" value=\"", '"', csrf, sizeof csrf), 0);
        reply_free(&r);
        fake_now += 30;
        totp_code(fake_now, code);
        snprintf(form, sizeof form, "csrf=%s&code=%s", csrf, code);
        req(&r, "POST", "/login/code", cookie, form);
        assert_int_equal(r.status, 303);
        assert_string_equal(r.location, "/queue");
    }
    if (status == 303) {
        char tok[128];
        assert_non_null(cookie_value(&r, "trygg_session", tok, sizeof tok));
        int found = 0;
        for (int i = 0; i < r.ncookies; i++)
            if (strncmp(r.set_cookie[i], "trygg_session=", 14) == 0) {
                assert_non_null(strstr(r.set_cookie[i], "HttpOnly"));
                assert_non_null(strstr(r.set_cookie[i], "SameSite=Strict"));
                found = 1;
            }
        assert_true(found);
        snprintf(s->cookie, sizeof s->cookie, "trygg_session=%s", tok);
        reply_free(&r);
        req(&r, "GET", "/queue", s->cookie, NULL);
        assert_int_equal(r.status, 200);
        assert_int_equal(extract(r.body, "name=\"csrf\" value=\"", '"', s->csrf, sizeof s->csrf),
                         0);
    }
    reply_free(&r);
    return status;
}

static inline void post_action(const session *s, int64_t id, const char *action, const char *fields,
                               reply *r)
{
    char path[128], form[2048];
    snprintf(path, sizeof path, "/item/%" PRId64 "/%s", id, action);
    snprintf(form, sizeof form, "csrf=%s%s%s", s->csrf, fields ? "&" : "", fields ? fields : "");
    req(r, "POST", path, s->cookie, form);
}

#endif
