/*
 * forward.c — the notification outbox: queueing through libtrygg's
 * trygg/forward.h (payloads built at enqueue, inside the caller's
 * transaction) and the worker that sends rows (SMTP e-mail and signed JSON
 * webhooks with libcurl), see forward.h.
 *
 * Payloads (JSON, < 8 KiB, already reduced to what the destination may see):
 *   email:   {"to", "subject", "body", "ref", "urgent"}
 *   webhook: {"event": "item.forwarded", "destination", "item": {...}}
 * The webhook URL and secret are looked up when sending, so no secret is
 * ever stored in the outbox.
 */
#include "worker.h"
#include "trygg/copy.h"
#include "trygg/backoff.h"
#include "trygg/utf8.h"
#include "trygg/time.h"
#include "forward.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "trygg/log.h"
#include "trygg/secret.h"
#include "trygg/text.h"

#define DUE_BATCH 16

/* ---- queueing (trygg/forward.h builds the payloads) -------------------------- */

static int valid_address(const char *a)
{
    return a[0] && strchr(a, '@') && !strpbrk(a, "\r\n<>\", ") && strlen(a) < 254;
}

static const char *label_cb(void *user, const char *what, int kind, const char *id)
{
    server_ctx *ctx = user;
    if (strcmp(what, "kind") == 0) {
        char key[64];
        snprintf(key, sizeof key, "kind.%s", id);
        const char *l = ctx->web_text ? trygg_i18n_get(ctx->web_text, "sv", key) : NULL;
        return l && strcmp(l, key) != 0 ? l : NULL;
    }
    if (strcmp(what, "category") == 0) {
        const config_category *c = config_category_find(&ctx->cfg, kind, id);
        return c ? config_label(c->label, "sv", c->id) : NULL;
    }
    const config_area *a = config_area_find(&ctx->cfg, id);
    return a ? config_label(a->label, "sv", a->id) : NULL;
}

void forward_cfg(server_ctx *ctx, trygg_forward_cfg *fc)
{
    server_catalog *k = ctx->cfg.catalog;
    *fc = (trygg_forward_cfg){.routes = ctx->routes,
                              .public_url = ctx->cfg.public_url,
                              .mail_subject = k ? k->mail_subject : "Trygg {ref}",
                              .mail_body = k ? k->mail_body : "{ref}\n{text}\n{link}",
                              .label = label_cb,
                              .label_user = ctx};
}

trygg_err forward_enqueue(server_ctx *ctx, trygg_store *st, const trygg_item *item,
                          const char *destination, const char *actor)
{
    trygg_forward_cfg fc;
    forward_cfg(ctx, &fc);
    return trygg_forward_enqueue(st, &fc, item, destination, actor);
}

/* ---- sending -----------------------------------------------------------------
 * Two-phase hand-over (docs/server.md "Forwarding: what a crash can do"):
 * the worker holds a short lease on the rows it claimed and renews it while
 * it sends (libcurl's progress callback, every third of the lease); just
 * before the final step of a send — the end of the SMTP DATA, after which
 * the SMTP server may take the mail, or the webhook's request — it records
 * the hand-over in the row (trygg_store_notify_handover), which succeeds
 * only while the lease is still its own. A row found with that marker after
 * a crash may have reached the receiver: it is sent again with the same
 * Message-ID / Idempotency-Key (stable per row), so a receiver that dedupes
 * keeps one. A worker whose lease was lost does not take the final step. */

typedef struct sending {
    server_ctx *ctx;
    trygg_store *st;
    const trygg_notify *row;
    int64_t skew;    /* the caller's clock (forward_run_once's now) minus time() */
    int64_t renewed; /* when this worker last renewed its leases */
    int lease_s;
    int handed;     /* the hand-over is recorded: the final step may follow */
    int lease_lost; /* not handed over: the row is another worker's now */
} sending;

/* Renews this worker's leases when a third of the lease has passed. */
static void keep_lease(sending *sc)
{
    int64_t now = (int64_t)time(NULL) + sc->skew;
    if (now - sc->renewed < sc->lease_s / 3)
        return;
    int n = 0;
    if (trygg_store_notify_renew(sc->st, sc->ctx->instance, now, sc->lease_s, &n) != TRYGG_OK)
        TRYGG_WARN("forward: renewing the leases failed: %s", trygg_store_errmsg(sc->st));
    else
        sc->renewed = now;
}

/* Records the hand-over of sc->row; 0 when it is recorded (the lease is
 * ours), -1 when the final step must not be taken. */
static int hand_over(sending *sc)
{
    if (sc->handed)
        return 0;
    trygg_err e = trygg_store_notify_handover(sc->st, sc->row->id, sc->ctx->instance,
                                              (int64_t)time(NULL) + sc->skew);
    if (e != TRYGG_OK) {
        TRYGG_WARN("forward %lld: not handed over (%s)", (long long)sc->row->id,
                   trygg_store_errmsg(sc->st));
        sc->lease_lost = 1;
        return -1;
    }
    sc->handed = 1;
    return 0;
}

static int progress_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    keep_lease(arg);
    return 0;
}

typedef struct upload {
    const char *p;
    size_t len, off;
    sending *sc;
} upload;

/* The message, then (its end: libcurl then sends the final "." of the DATA)
 * the hand-over, or an abort that leaves the mail untaken. */
static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
    upload *u = arg;
    size_t room = size * nitems, left = u->len - u->off;
    size_t n = left < room ? left : room;
    if (n == 0)
        return hand_over(u->sc) == 0 ? 0 : CURL_READFUNC_ABORT;
    memcpy(buf, u->p + u->off, n);
    u->off += n;
    return n;
}

static size_t discard_cb(char *buf, size_t size, size_t nitems, void *arg)
{
    (void)buf, (void)arg;
    return size * nitems;
}

/* The row's delivery key: the same for every send of it, unique per row
 * (its id and its queueing time). Message-ID <key@host>, Idempotency-Key. */
static void delivery_key(const trygg_notify *row, char *out, size_t cap)
{
    snprintf(out, cap, "trygg.%lld.%lld", (long long)row->id, (long long)row->created);
}

/* Common libcurl options: timeouts and the lease-keeping progress callback. */
static void curl_common(CURL *cu, sending *sc, long timeout, char *ebuf)
{
    curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(cu, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(cu, CURLOPT_XFERINFOFUNCTION, progress_cb);
    curl_easy_setopt(cu, CURLOPT_XFERINFODATA, sc);
    curl_easy_setopt(cu, CURLOPT_NOPROGRESS, 0L);
}

/* RFC 2047 "B" encoded words of at most 75 characters, split on UTF-8
 * character boundaries, folded onto continuation lines. */
static void encode_subject(const char *s, char *out, size_t cap)
{
    int ascii = 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x80 || *p < 0x20)
            ascii = 0;
    if (ascii && strlen(s) <= 70) {
        trygg_copy_trunc(out, cap, s);
        return;
    }
    size_t o = 0, n = strlen(s), i = 0;
    out[0] = '\0';
    while (i < n) {
        size_t chunk = trygg_utf8_prefix(s + i, n - i, 45); /* whole characters */
        if (chunk == 0)
            break;
        char b64[80];
        sodium_bin2base64(b64, sizeof b64, (const unsigned char *)s + i, chunk,
                          sodium_base64_VARIANT_ORIGINAL);
        int w = snprintf(out + o, cap - o, "%s=?UTF-8?B?%s?=", o ? "\r\n " : "", b64);
        if (w < 0 || (size_t)w >= cap - o)
            break;
        o += (size_t)w;
        i += chunk;
    }
}

/* Builds an RFC 5322 message; malloc'd, NULL on failure. */
static char *build_message(const char *from, const char *to, const char *subject, const char *body,
                           const char *key)
{
    char date[64], subj[1024], host[128];
    trygg_time_format((int64_t)time(NULL), "%a, %d %b %Y %H:%M:%S %z", date, sizeof date);
    encode_subject(subject, subj, sizeof subj);
    const char *at = strrchr(from, '@');
    if (at == NULL || at[1] == '\0' || !TRYGG_COPY(host, at + 1))
        TRYGG_COPY_FIT(host, "trygg.invalid");

    size_t blen = strlen(body);
    size_t b64len = sodium_base64_ENCODED_LEN(blen, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64len);
    size_t cap = 2048 + b64len + b64len / 76 * 2 + strlen(subj);
    char *msg = malloc(cap);
    if (b64 == NULL || msg == NULL) {
        free(b64);
        free(msg);
        return NULL;
    }
    sodium_bin2base64(b64, b64len, (const unsigned char *)body, blen,
                      sodium_base64_VARIANT_ORIGINAL);
    int o = snprintf(msg, cap,
                     "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n"
                     "Message-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n"
                     "Content-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n",
                     date, from, to, subj, key, host);
    size_t off = (size_t)o, n = strlen(b64);
    for (size_t i = 0; i < n; i += 76) {
        size_t l = n - i > 76 ? 76 : n - i;
        memcpy(msg + off, b64 + i, l);
        off += l;
        msg[off++] = '\r';
        msg[off++] = '\n';
    }
    msg[off] = '\0';
    free(b64);
    return msg;
}

/* Results of a send: 0 sent, -1 failed (retry), -2 failed for good,
 * SEND_NOT_MINE not handed over because the lease was lost (not marked). */
#define SEND_NOT_MINE (-3)

/* The SMTP transfer of msg to `to`; 0, -1 (err set) or SEND_NOT_MINE. */
static int smtp_transfer(sending *sc, const char *msg, const char *to, char *err, size_t errcap)
{
    const server_config *c = &sc->ctx->cfg;
    CURL *cu = curl_easy_init();
    struct curl_slist *rcpt = NULL;
    char from[300], rto[300], ebuf[CURL_ERROR_SIZE] = "";
    snprintf(from, sizeof from, "<%s>", c->smtp_from);
    snprintf(rto, sizeof rto, "<%s>", to);
    rcpt = curl_slist_append(rcpt, rto);
    int rc = -1;
    if (cu && rcpt) {
        upload u = {msg, strlen(msg), 0, sc};
        curl_easy_setopt(cu, CURLOPT_URL, c->smtp_url);
        curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        if (c->smtp_starttls)
            curl_easy_setopt(cu, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
        if (c->catalog && c->catalog->smtp_ca_file[0])
            curl_easy_setopt(cu, CURLOPT_CAINFO, c->catalog->smtp_ca_file);
        if (c->smtp_user[0]) {
            curl_easy_setopt(cu, CURLOPT_USERNAME, c->smtp_user);
            curl_easy_setopt(cu, CURLOPT_PASSWORD, c->smtp_password);
        }
        curl_easy_setopt(cu, CURLOPT_MAIL_FROM, from);
        curl_easy_setopt(cu, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(cu, CURLOPT_READFUNCTION, read_cb);
        curl_easy_setopt(cu, CURLOPT_READDATA, &u);
        curl_easy_setopt(cu, CURLOPT_UPLOAD, 1L);
        curl_common(cu, sc, 60L, ebuf);
        CURLcode cr = curl_easy_perform(cu);
        if (cr == CURLE_OK)
            rc = 0;
        else if (sc->lease_lost)
            rc = SEND_NOT_MINE;
        else
            snprintf(err, errcap, "smtp: %s%s%s", curl_easy_strerror(cr), ebuf[0] ? ": " : "",
                     ebuf);
    } else {
        snprintf(err, errcap, "out of memory");
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(cu);
    return rc;
}

static int send_email(sending *sc, char *err, size_t errcap)
{
    const server_config *c = &sc->ctx->cfg;
    if (c->smtp_url[0] == '\0') {
        snprintf(err, errcap, "no SMTP server configured ([smtp] url)");
        return -1;
    }
    json_error_t je;
    json_t *p = json_loads(sc->row->payload, 0, &je);
    const char *to = p ? json_string_value(json_object_get(p, "to")) : NULL;
    const char *subject = p ? json_string_value(json_object_get(p, "subject")) : NULL;
    const char *body = p ? json_string_value(json_object_get(p, "body")) : NULL;
    if (to == NULL || subject == NULL || body == NULL || !valid_address(to)) {
        json_decref(p);
        snprintf(err, errcap, "malformed e-mail payload");
        return -2; /* permanent */
    }
    char key[64];
    delivery_key(sc->row, key, sizeof key);
    char *msg = build_message(c->smtp_from, to, subject, body, key);
    int rc = -1;
    if (msg)
        rc = smtp_transfer(sc, msg, to, err, errcap);
    else
        snprintf(err, errcap, "out of memory");
    free(msg);
    json_decref(p);
    return rc;
}

static int send_webhook(sending *sc, char *err, size_t errcap)
{
    const trygg_notify *row = sc->row;
    trygg_destination d;
    trygg_err e = trygg_store_dest_get(sc->st, row->destination, &d);
    if (e != TRYGG_OK || d.webhook_url[0] == '\0') {
        snprintf(err, errcap, "destination '%s' has no webhook any more", row->destination);
        return -2;
    }
    char sig[65], hdr[128], did[64], key[64], idem[96];
    trygg_hmac_sha256_hex((const unsigned char *)d.webhook_secret, strlen(d.webhook_secret),
                          row->payload, strlen(row->payload), sig);
    snprintf(hdr, sizeof hdr, "X-Trygg-Signature: sha256=%s", sig);
    snprintf(did, sizeof did, "X-Trygg-Delivery: %lld", (long long)row->id);
    delivery_key(row, key, sizeof key);
    snprintf(idem, sizeof idem, "Idempotency-Key: %s", key);
    CURL *cu = curl_easy_init();
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, hdr);
    h = curl_slist_append(h, did);
    h = curl_slist_append(h, idem);
    h = curl_slist_append(h, "User-Agent: trygg-server/" TRYGG_VERSION);
    char ebuf[CURL_ERROR_SIZE] = "";
    int rc = -1;
    if (cu && h && hand_over(sc) != 0) { /* the request is the final step */
        rc = SEND_NOT_MINE;
    } else if (cu && h) {
        curl_easy_setopt(cu, CURLOPT_URL, d.webhook_url);
        curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(cu, CURLOPT_POSTFIELDS, row->payload);
        curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE, (long)strlen(row->payload));
        curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, discard_cb);
        curl_common(cu, sc, 30L, ebuf);
        CURLcode cr = curl_easy_perform(cu);
        long code = 0;
        curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &code);
        if (cr != CURLE_OK)
            snprintf(err, errcap, "webhook: %s%s%s", curl_easy_strerror(cr), ebuf[0] ? ": " : "",
                     ebuf);
        else if (code < 200 || code > 299)
            snprintf(err, errcap, "webhook: HTTP %ld", code);
        else
            rc = 0;
    } else {
        snprintf(err, errcap, "out of memory");
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(cu);
    return rc;
}

/* Sends one claimed row and records the result (not when the lease was lost:
 * the row is another worker's). */
static void send_row(sending *sc, int max_att, int64_t now)
{
    const trygg_notify *r = sc->row;
    trygg_store *st = sc->st;
    char err[256] = "";
    if (r->handed_over)
        TRYGG_WARN("forward %lld (%s to %s): a server stopped while handing it over (%d "
                   "time(s)); the receiver may have it: sent again with the same key",
                   (long long)r->id, r->channel, r->destination, r->handovers);
    int rc = strcmp(r->channel, "email") == 0 ? send_email(sc, err, sizeof err)
             : strcmp(r->channel, "webhook") == 0
                 ? send_webhook(sc, err, sizeof err)
                 : (snprintf(err, sizeof err, "unknown channel"), -2);
    trygg_err me = TRYGG_OK;
    if (rc == SEND_NOT_MINE) {
        return;
    } else if (rc == 0) {
        me = trygg_store_notify_mark(st, r->id, TRYGG_OUT_SENT, "", 0);
        TRYGG_INFO("forward %lld (%s to %s) sent", (long long)r->id, r->channel, r->destination);
    } else if (rc == -2 || r->attempts + 1 >= max_att) {
        me = trygg_store_notify_mark(st, r->id, TRYGG_OUT_DEAD, err, 0);
        TRYGG_ERR("forward %lld (%s to %s) dead after %d attempts: %s", (long long)r->id,
                  r->channel, r->destination, r->attempts + 1, err);
    } else {
        /* 30 s, 1 min, 2 min ... ~1 h, + up to 10 % so retries spread */
        int64_t delay = trygg_backoff(30, 3840, r->attempts, 10);
        me = trygg_store_notify_mark(st, r->id, TRYGG_OUT_FAILED, err, now + delay);
        TRYGG_WARN("forward %lld (%s to %s) failed, retry in %llds: %s", (long long)r->id,
                   r->channel, r->destination, (long long)delay, err);
    }
    if (me != TRYGG_OK)
        TRYGG_ERR("forward %lld: cannot record the result: %s", (long long)r->id,
                  trygg_store_errmsg(st));
}

int forward_run_once(server_ctx *ctx, int64_t now)
{
    trygg_store *st = server_store(ctx);
    if (st == NULL)
        return -1;
    trygg_notify *rows = calloc(DUE_BATCH, sizeof *rows);
    if (rows == NULL)
        return -1;
    int n = 0, max_att = ctx->cfg.forward_max_attempts > 0 ? ctx->cfg.forward_max_attempts : 8;
    int lease_s = ctx->cfg.forward_lease_s >= 6 ? ctx->cfg.forward_lease_s : 60;
    /* Leased: no other server (or second worker) sends these rows. The lease
     * is renewed while they are sent; if this process dies they are due again
     * within lease_s. */
    if (trygg_store_notify_claim(st, ctx->instance, now, lease_s, rows, DUE_BATCH, &n) !=
        TRYGG_OK) {
        TRYGG_ERR("forward: reading the outbox failed: %s", trygg_store_errmsg(st));
        free(rows);
        return -1;
    }
    sending sc = {.ctx = ctx,
                  .st = st,
                  .skew = now - (int64_t)time(NULL),
                  .renewed = now,
                  .lease_s = lease_s};
    for (int i = 0; i < n; i++) {
        sc.row = &rows[i];
        sc.handed = sc.lease_lost = 0;
        keep_lease(&sc);
        send_row(&sc, max_att, now);
    }
    free(rows);
    return n;
}

/* ---- worker thread ------------------------------------------------------------ */

static worker w = WORKER_INIT;

/* Sends what is due; at once again while a whole batch was due, else after
 * the poll interval (failed sends come due again; a new forward wakes the
 * worker earlier where the store can, forward_wake). */
static int64_t forward_job(void *arg)
{
    server_ctx *ctx = arg;
    int64_t poll = ctx->cfg.forward_poll_s > 0 ? ctx->cfg.forward_poll_s : 2;
    return forward_run_once(ctx, (int64_t)time(NULL)) == DUE_BATCH ? 0 : poll;
}

/* On PostgreSQL a forward queued by any server wakes the worker at once
 * (LISTEN/NOTIFY, trygg_store_outbox_wait); on SQLite -1: the timer. */
static int forward_wake(void *arg, int ms)
{
    trygg_store *st = server_store(arg);
    int woken = -1;
    if (st == NULL || trygg_store_outbox_wait(st, "notify", ms, &woken) != TRYGG_OK)
        return -1;
    return woken;
}

int forward_worker_start(server_ctx *ctx)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    worker_set_wake(&w, forward_wake);
    if (worker_start(&w, forward_job, ctx, 0) != 0) {
        TRYGG_ERR("forward: cannot start the worker thread");
        return -1;
    }
    return 0;
}

void forward_worker_stop(void)
{
    if (!w.running)
        return;
    worker_stop(&w);
    curl_global_cleanup();
}

int forward_reachable_among(const trygg_destination *d, const trygg_user *users, int n)
{
    if (d->email[0] || d->webhook_url[0] || strcmp(d->name, "security") == 0)
        return 1;
    for (int i = 0; i < n; i++)
        if (!users[i].disabled && strcmp(users[i].role, "destination") == 0 &&
            strcmp(users[i].destination, d->name) == 0)
            return 1;
    return 0;
}

int forward_reachable(trygg_store *st, const trygg_destination *d)
{
    trygg_user *u = calloc(FORWARD_USERS_MAX, sizeof *u);
    int n = 0;
    if (!u || trygg_store_user_list(st, u, FORWARD_USERS_MAX, &n) != TRYGG_OK)
        n = 0;
    int found = forward_reachable_among(d, u, n);
    free(u);
    return found;
}
