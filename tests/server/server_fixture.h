/*
 * server_fixture.h — an in-process trygg-server for integration tests.
 *
 * sfx_start() makes a temporary data directory (server.ini from the real
 * assets/config/server.ini with @DATA@ and port 0, routing.ini, keys, a
 * SQLite database, one kiosk with a token, destinations), loads it with the
 * same core_load() main.c uses and serves it on a free loopback port.
 * sfx_http() sends one real HTTP request with libcurl. Header-only.
 */
#ifndef TRYGG_TEST_SERVER_FIXTURE_H
#define TRYGG_TEST_SERVER_FIXTURE_H

#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "forward.h"
#include "intake.h"
#include "trygg/log.h"
#include "trygg/paths.h"
#include "trygg/secret.h"
#include "trygg/store.h"

typedef struct sfx {
    char dir[256];
    char ini[320];
    server_ctx ctx;
    http_server *http;
    http_route *routes;
    int nroutes;
    int port;
    char token[64];  /* kiosk "test-kiosk" */
    char token2[64]; /* kiosk "revoked-kiosk", revoked */
    char base[64];
} sfx;

typedef struct sfx_resp {
    long status;
    char *body;
    size_t len;
    char headers[8192];
    size_t hlen;
} sfx_resp;

static inline void sfx_rmdir(const char *dir)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static inline char *sfx_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = (cap ? cap * 2 : 8192);
            char *nb = realloc(buf, cap);
            if (nb == NULL)
                break;
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* Writes server.ini from the asset template plus `extra` (appended INI). */
static inline int sfx_write_ini(sfx *f, const char *extra)
{
    char tpl[PATH_MAX];
    if (trygg_asset_path("config/server.ini", tpl, sizeof tpl) != TRYGG_OK)
        return -1;
    char *t = sfx_slurp(tpl, NULL);
    if (t == NULL)
        return -1;
    FILE *o = fopen(f->ini, "w");
    if (o == NULL) {
        free(t);
        return -1;
    }
    for (char *p = t; *p;) {
        if (strncmp(p, "@DATA@", 6) == 0) {
            fputs(f->dir, o);
            p += 6;
        } else if (strncmp(p, "@PORT@", 6) == 0) {
            fputs("0", o);
            p += 6;
        } else {
            fputc(*p++, o);
        }
    }
    if (extra)
        fprintf(o, "\n%s\n", extra);
    fclose(o);
    free(t);
    return 0;
}

static inline int sfx_copy_asset(const char *rel, const char *dst)
{
    char src[PATH_MAX];
    if (trygg_asset_path(rel, src, sizeof src) != TRYGG_OK)
        return -1;
    size_t n;
    char *b = sfx_slurp(src, &n);
    FILE *o = b ? fopen(dst, "w") : NULL;
    if (o == NULL) {
        free(b);
        return -1;
    }
    fwrite(b, 1, n, o);
    fclose(o);
    free(b);
    return 0;
}

/* Creates the data directory and database. `extra_ini` is appended to
 * server.ini; `oncall` (may be NULL) is written into routing.ini. */
static inline int sfx_prepare(sfx *f, const char *extra_ini, const char *oncall)
{
    memset(f, 0, sizeof *f);
    trygg_log_init("test");
    if (trygg_secret_init() != TRYGG_OK)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/trygg-srv-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->ini, sizeof f->ini, "%s/server.ini", f->dir);
    if (sfx_write_ini(f, extra_ini) != 0)
        return -1;
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/routing.ini", f->dir);
    if (sfx_copy_asset("config/routing.ini", p) != 0)
        return -1;
    if (oncall) {
        FILE *o = fopen(p, "a");
        if (o == NULL)
            return -1;
        fprintf(o, "\n[oncall]\nemail = %s\n", oncall);
        fclose(o);
    }
    snprintf(p, sizeof p, "%s/keys", f->dir);
    if (mkdir(p, 0700) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/keys/pseudonym.key", f->dir);
    if (trygg_key_create(p, 32) != TRYGG_OK)
        return -1;
    /* The gateway's key pair stays out of the server's keys/ (trygg-server
     * refuses to start if it can read keys/number.key); keys/number.pub is
     * its public half. */
    snprintf(p, sizeof p, "%s/gateway-number.key", f->dir);
    char pub[PATH_MAX];
    snprintf(pub, sizeof pub, "%s/keys/number.pub", f->dir);
    if (trygg_numkey_create(p) != TRYGG_OK || trygg_numkey_write_pub(p, pub) != TRYGG_OK)
        return -1;

    snprintf(p, sizeof p, "%s/trygg.db", f->dir);
    trygg_store *st = NULL;
    if (trygg_store_open(p, &st) != TRYGG_OK)
        return -1;
    trygg_kiosk k = {0};
    snprintf(k.id, sizeof k.id, "test-kiosk");
    snprintf(k.name, sizeof k.name, "Testkiosk");
    snprintf(k.area, sizeof k.area, "centrum");
    trygg_err rc = trygg_store_kiosk_add(st, &k, f->token);
    snprintf(k.id, sizeof k.id, "revoked-kiosk");
    if (rc == TRYGG_OK)
        rc = trygg_store_kiosk_add(st, &k, f->token2);
    if (rc == TRYGG_OK)
        rc = trygg_store_kiosk_revoke(st, "revoked-kiosk");
    static const char *const names[] = {"security", "streets", "housing", "watch", "walks"};
    for (int i = 0; rc == TRYGG_OK && i < 5; i++) {
        trygg_destination d = {0};
        snprintf(d.name, sizeof d.name, "%s", names[i]);
        snprintf(d.label, sizeof d.label, "Dest %s", names[i]);
        d.full_access = i == 0;
        rc = trygg_store_dest_put(st, &d);
    }
    trygg_store_close(st);
    return rc == TRYGG_OK ? 0 : -1;
}

/* Loads the data directory like main.c and serves it on a free port. */
/* Loads f's server.ini, which must be refused: 1 when one of the errors
 * carries `msg` and a line number. Frees the config and removes f's
 * directory; `first` gets the first error for the failure message. */
#ifdef TRYGG_SERVER_CONFIG_H /* server tests (the gateway's tests have their own config.h) */
static inline int sfx_config_refused(sfx *f, const char *msg, char *first, size_t cap)
{
    server_config cfg;
    trygg_cfg_error errs[8];
    int nerr = 0, found = 0;
    if (config_load(f->ini, &cfg, errs, 8, &nerr) != TRYGG_ERR_CONFIG)
        snprintf(first, cap, "(accepted)");
    else
        snprintf(first, cap, "%s", nerr ? errs[0].msg : "");
    for (int i = 0; i < nerr && i < 8; i++)
        found |= strstr(errs[i].msg, msg) != NULL && errs[i].line > 0;
    config_free(&cfg);
    sfx_rmdir(f->dir);
    return found;
}
#endif

static inline int sfx_serve(sfx *f, int with_intake)
{
    if (core_load(&f->ctx, f->ini, 0) != 0)
        return -1;
    f->routes = core_routes(&f->nroutes);
    http_options opt;
    core_http_options(&f->ctx, &opt);
    opt.port = 0;
    if (with_intake && intake_start(&f->ctx) != 0)
        return -1;
    f->http = http_server_start(&opt, f->routes, f->nroutes, &f->ctx);
    if (f->http == NULL)
        return -1;
    f->port = http_server_port(f->http);
    snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", f->port);
    return f->port > 0 ? 0 : -1;
}

static inline int sfx_start(sfx *f, const char *extra_ini)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (sfx_prepare(f, extra_ini, NULL) != 0)
        return -1;
    return sfx_serve(f, 1);
}

static inline void sfx_stop(sfx *f)
{
    http_server_stop(f->http);
    f->http = NULL;
    intake_stop();
    server_store_shutdown();
    free(f->routes);
    core_free(&f->ctx);
    if (f->dir[0])
        sfx_rmdir(f->dir);
    curl_global_cleanup();
}

static size_t sfx_write_cb(char *p, size_t sz, size_t n, void *arg)
{
    sfx_resp *r = arg;
    size_t len = sz * n;
    char *nb = realloc(r->body, r->len + len + 1);
    if (nb == NULL)
        return 0;
    r->body = nb;
    memcpy(r->body + r->len, p, len);
    r->len += len;
    r->body[r->len] = '\0';
    return len;
}

static size_t sfx_header_cb(char *p, size_t sz, size_t n, void *arg)
{
    sfx_resp *r = arg;
    size_t len = sz * n;
    if (r->hlen + len < sizeof r->headers) {
        memcpy(r->headers + r->hlen, p, len);
        r->hlen += len;
        r->headers[r->hlen] = '\0';
    }
    return len;
}

/* Header value (case-insensitive name) from a response, into out[cap]; 0 if absent. */
static inline int sfx_header(const sfx_resp *r, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    for (const char *l = r->headers; l && *l;) {
        if (strncasecmp(l, name, nl) == 0 && l[nl] == ':') {
            const char *v = l + nl + 1;
            while (*v == ' ')
                v++;
            size_t k = strcspn(v, "\r\n");
            if (k >= cap)
                k = cap - 1;
            memcpy(out, v, k);
            out[k] = '\0';
            return 1;
        }
        l = strchr(l, '\n');
        if (l)
            l++;
    }
    return 0;
}

static inline void sfx_resp_free(sfx_resp *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* One request. `headers` is a NULL-terminated list of "Name: value". */
static inline int sfx_http(const char *base, const char *method, const char *path,
                           const char *const *headers, const char *body, size_t body_len,
                           sfx_resp *r)
{
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    if (c == NULL)
        return -1;
    char url[512];
    snprintf(url, sizeof url, "%s%s", base, path);
    struct curl_slist *h = NULL;
    for (int i = 0; headers && headers[i]; i++)
        h = curl_slist_append(h, headers[i]);
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sfx_write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sfx_header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode cr = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (r->body == NULL) {
        r->body = calloc(1, 1);
    }
    return cr == CURLE_OK ? 0 : -1;
}

/* POST JSON with the kiosk bearer token `token` (NULL = none). */
static inline int sfx_post_json(sfx *f, const char *path, const char *token, const char *json,
                                sfx_resp *r)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
    const char *hdrs[] = {"Content-Type: application/json", token ? auth : NULL, NULL};
    return sfx_http(f->base, "POST", path, hdrs, json, strlen(json), r);
}

#endif
