/*
 * relay.c — the gateway's side of the gateway <-> server protocol (relay.h).
 */
#include "relay.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "dialog.h"
#include "fetch.h"
#include "numcache.h"
#include "settings.h"
#include "sms_dialog.h"
#include "trygg/copy.h"
#include "trygg/backoff.h"
#include "trygg/log.h"
#include "trygg/ref.h"

#define UPLOAD_BATCH 32
#define CLAIM_MAX    16
#define LEASE_S      300
#define BACKOFF_MAX  60    /* seconds between tries while the server is down */
#define PURGE_EVERY  86400 /* seconds between retention runs */
#define ASK_BATCH    200   /* pseudonyms per /contacts call */
#define HANDOVER_MAX 100   /* old ciphertexts per /ciphers call */

/* The server's answer to one upload, until it is committed. */
typedef struct up_answer {
    long st;
    json_t *ans;
    char *text; /* the answer as sent, when it is JSON */
    char e[300];
} up_answer;

struct relay {
    const smsgw_cfg *cfg;
    replies *rp;
    sms_dialog_cfg dlg;     /* the server's reply settings (settings.h) */
    char settings_from[80]; /* which copy dlg is */
    int64_t settings_next;  /* when to ask the server for them again */
    const unsigned char *pkey, *numkey;
    lstore *ls;
    gw_client *cl;
    fetch *ft; /* the reply fetch thread (relay_fetch_start), or NULL: claim in relay_sync */
    int64_t next_try;
    int failures;              /* server unreachable, in a row: trygg_backoff of it */
    int64_t last_purge;        /* unix seconds of the last retention run, 0 never */
    int handed_over;           /* the server has no old ciphertext left for us */
    int test_stop_before_done; /* test hook: a crash between fetch and ack */
    relay_stats stats;
    ls_inbound *batch;  /* UPLOAD_BATCH rows */
    up_answer *answers; /* the server's answers to them */
    numcache *nc;       /* numbers between receipt and reply (numcache.h) */
};

trygg_err relay_open(const smsgw_cfg *cfg, replies *rp, const unsigned char *pkey,
                     const unsigned char *numkey, relay **out, char *err, size_t cap)
{
    *out = NULL;
    relay *r = calloc(1, sizeof *r);
    if (!r)
        return TRYGG_ERR_NOMEM;
    r->cfg = cfg;
    r->rp = rp;
    r->pkey = pkey;
    r->numkey = numkey;
    r->failures = 0;
    r->batch = calloc(UPLOAD_BATCH, sizeof *r->batch);
    r->answers = calloc(UPLOAD_BATCH, sizeof *r->answers);
    r->nc = nc_new();
    trygg_err e =
        r->batch && r->answers && r->nc ? ls_open(cfg->store, &r->ls, err, cap) : TRYGG_ERR_NOMEM;
    if (!e)
        e = client_open(cfg->server_url, cfg->token_file, &r->cl, err, cap);
    if (e) {
        relay_close(r);
        return e;
    }
    r->dlg = cfg->dlg;
    if (settings_load(r->ls, &r->dlg, r->settings_from, sizeof r->settings_from))
        replies_set_links(rp, &r->dlg);
    TRYGG_INFO("reply settings: %s", r->settings_from);
    *out = r;
    return TRYGG_OK;
}

void relay_close(relay *r)
{
    if (!r)
        return;
    relay_fetch_stop(r);
    client_close(r->cl);
    ls_close(r->ls);
    free(r->batch);
    free(r->answers);
    nc_free(r->nc);
    free(r);
}

lstore *relay_store(relay *r)
{
    return r->ls;
}

const relay_stats *relay_get_stats(const relay *r)
{
    return &r->stats;
}

int relay_part_seen(relay *r, const modem_part *p)
{
    if (p->concat_ref < 0 || p->concat_total <= 1)
        return 0;
    char key[72];
    dlg_part_key(r->pkey, p, key);
    return ls_part_seen(r->ls, key);
}

/* The sender's pseudonym; the number's ciphertext is kept (or, for START
 * after STOP, kept again), and the number itself held in locked memory
 * until the reply (numcache.h). *reachable: a number the gateway can text. */
static trygg_err identify(relay *r, const char *raw, int start, char pseudo[65], int *reachable,
                          int *national)
{
    /* The cache's clock is the wall clock (numcache.h: how long a number
     * stays in memory), also when a test steps the gateway at another time. */
    int64_t now = (int64_t)time(NULL);
    char number[20];
    trygg_err e = dlg_sender_id(r->pkey, raw, number, pseudo);
    *reachable = *national = 0;
    if (e || !number[0])
        return e;
    *national = strncmp(number, "+46", 3) == 0;
    *reachable = 1;
    /* A number kept already (or stopped) stays as it is: the pseudonym is
     * of the number, so its ciphertext is the same number, and encrypting it
     * again for every message was 13 % of the gateway's work (issue 13). */
    ls_number known;
    if (!start && ls_number_get(r->ls, pseudo, &known) == TRYGG_OK &&
        (known.stopped || known.cipher_len > 0)) {
        if (!known.stopped)
            nc_put(r->nc, pseudo, number, now);
        sodium_memzero(number, sizeof number);
        sodium_memzero(&known, sizeof known);
        return TRYGG_OK;
    }
    sodium_memzero(&known, sizeof known);
    unsigned char cipher[128];
    size_t clen = 0;
    e = trygg_number_encrypt_local(r->numkey, number, cipher, sizeof cipher, &clen);
    if (!e)
        nc_put(r->nc, pseudo, number, now);
    sodium_memzero(number, sizeof number);
    if (!e)
        e = start ? ls_number_start(r->ls, pseudo, cipher, (int)clen)
                  : ls_number_put(r->ls, pseudo, cipher, (int)clen);
    sodium_memzero(cipher, sizeof cipher);
    /* A stopped number is still a number: the server decides what STOP or
     * START mean; the gateway never texts a stopped one (relay_number). */
    return e;
}

trygg_err relay_commit(relay *r, const asm_msg *m, const modem_part *parts, int modem, int64_t now,
                       int *dup)
{
    *dup = 0;
    ls_inbound in;
    memset(&in, 0, sizeof in);
    if (trygg_strset(in.text, sizeof in.text, m->text))
        return TRYGG_ERR_TOOBIG;
    int start = !sms_undecodable(m->text) && sms_stop_start(&r->dlg, m->text) == 2;
    trygg_err e = identify(r, m->number, start, in.pseudo, &in.reachable, &in.national);
    if (e)
        return e;
    dlg_message_key(in.pseudo, m->stamp, m->text, in.key);
    snprintf(in.type, sizeof in.type, "sms");
    in.received = now;
    TRYGG_COPY_FIT(in.stamp, m->stamp);
    in.incomplete = m->incomplete;
    in.modem = modem;
    int added = 0;
    e = ls_inbound_add(r->ls, &in, &added);
    *dup = !e && !added;
    /* Two modems: the replies prefer the one this number wrote to. */
    if (!e && r->cfg->modem2 && in.reachable)
        e = ls_number_modem(r->ls, in.pseudo, modem);
    for (int i = 0; !e && parts && m->total > 1 && i < m->nidx; i++) {
        const modem_part *p = &parts[m->idx[i]];
        if (p->concat_ref < 0 || p->concat_total <= 1)
            continue;
        char key[72];
        dlg_part_key(r->pkey, p, key);
        e = ls_part_put(r->ls, key, now);
    }
    return e;
}

trygg_err relay_call(relay *r, const char *number, int64_t now)
{
    ls_inbound in;
    memset(&in, 0, sizeof in);
    snprintf(in.type, sizeof in.type, "call");
    trygg_err e = TRYGG_OK;
    if (number && number[0])
        e = identify(r, number, 0, in.pseudo, &in.reachable, &in.national);
    if (e)
        return e;
    /* "call:" + SHA-256(pseudonym, time): a call is taken from the modem
     * once, so the key only has to tell calls apart. */
    char stamp[32], key[69];
    snprintf(stamp, sizeof stamp, "call@%lld", (long long)now);
    dlg_message_key(in.pseudo, stamp, "", key);
    snprintf(in.key, sizeof in.key, "call:%s", key + 4);
    in.received = now;
    int added = 0;
    e = ls_begin(r->ls);
    if (!e)
        e = ls_inbound_add(r->ls, &in, &added);
    if (!e)
        return ls_commit(r->ls);
    ls_rollback(r->ls);
    return e;
}

/* The store decides whether the number may be texted; the number comes
 * from the cache when it is held there (consume: a reply takes it), else
 * from its ciphertext. */
static int number_of(relay *r, const char *pseudo, char number[20], int *modem, int consume)
{
    ls_number n;
    if (ls_number_get(r->ls, pseudo, &n) != TRYGG_OK || n.stopped || n.cipher_len <= 0)
        return 0;
    *modem = n.modem;
    int ok = nc_get(r->nc, pseudo, number, (int64_t)time(NULL), consume);
    if (!ok) {
        ok = trygg_number_decrypt(r->numkey, n.cipher, (size_t)n.cipher_len, number) == TRYGG_OK;
        r->stats.number_decrypts++;
    }
    sodium_memzero(&n, sizeof n);
    return ok;
}

int relay_number(relay *r, const char *pseudo, char number[20])
{
    int modem = 0;
    return number_of(r, pseudo, number, &modem, 0);
}

int relay_number_modem(relay *r, const char *pseudo, char number[20], int *modem)
{
    return number_of(r, pseudo, number, modem, 1);
}

void relay_number_drop(relay *r, const char *pseudo)
{
    nc_drop(r->nc, pseudo);
}

int relay_numbers_held(relay *r, int64_t now)
{
    return nc_count(r->nc, now);
}

static void server_failed(relay *r, int64_t now, const char *err)
{
    if (r->stats.server_up || !r->stats.server_error[0])
        TRYGG_WARN("server: %s (answering from the gateway until it is back)", err);
    r->stats.server_up = 0;
    TRYGG_COPY_TRUNC(r->stats.server_error, err); /* status display */
    r->next_try = now + trygg_backoff(1, BACKOFF_MAX, r->failures++, 0);
}

static void server_ok(relay *r)
{
    if (!r->stats.server_up)
        TRYGG_INFO("server: reachable");
    r->stats.server_up = 1;
    r->stats.server_error[0] = '\0';
    r->failures = 0;
    r->next_try = 0;
}

/* Queues the server's reply (or nothing when it is null). */
static trygg_err queue_reply(relay *r, const char *pseudo, json_t *rep)
{
    if (!json_is_object(rep))
        return TRYGG_OK;
    ls_send s;
    memset(&s, 0, sizeof s);
    s.server_id = json_integer_value(json_object_get(rep, "id"));
    if (!TRYGG_COPY(s.pseudo, pseudo))
        return TRYGG_ERR_INVALID;
    const char *text = json_string_value(json_object_get(rep, "text"));
    const char *author = json_string_value(json_object_get(rep, "author"));
    if (!text || s.server_id <= 0)
        return TRYGG_OK;
    TRYGG_COPY_TRUNC(s.text, text); /* as before: cut at a character boundary */
    TRYGG_COPY_TRUNC(s.author, author ? author : DLG_AUTHOR); /* a display name */
    s.urgent = json_is_true(json_object_get(rep, "urgent"));
    s.stop = json_is_true(json_object_get(rep, "stop"));
    int added = 0;
    return ls_send_add(r->ls, &s, &added);
}

/* The upload of one message, as docs/gateway-protocol.md describes it. */
static json_t *upload_body(relay *r, const ls_inbound *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "key", json_string(m->key));
    json_object_set_new(o, "type", json_string(m->type));
    if (m->pseudo[0])
        json_object_set_new(o, "pseudonym", json_string(m->pseudo));
    if (strcmp(m->type, "sms") == 0) {
        json_object_set_new(o, "text", json_string(m->text));
        json_object_set_new(o, "smsc_time", json_string(m->stamp));
        json_object_set_new(o, "incomplete", json_boolean(m->incomplete));
    }
    json_object_set_new(o, "received", json_integer(m->received));
    if (m->national)
        json_object_set_new(o, "lang_hint", json_string("sv"));
    else
        json_object_set_new(o, "lang_hint", json_string(""));
    json_object_set_new(o, "reachable", json_boolean(m->reachable));
    if (m->offline_ref[0])
        json_object_set_new(o, "offline_ref", json_string(m->offline_ref));
    json_object_set_new(o, "answered", json_boolean(m->answered));
    /* RING: the number goes along for the call-back item (consent). */
    char number[20];
    if (strcmp(m->type, "sms") == 0 && sms_keyword(&r->dlg, m->text, NULL) == SMS_KW_RING &&
        relay_number(r, m->pseudo, number)) {
        json_object_set_new(o, "number", json_string(number));
        sodium_memzero(number, sizeof number);
    }
    return o;
}

/* Uploads one message into *a; 1 answered (uploaded or rejected), 0 server
 * down. */
static int upload_one(relay *r, const ls_inbound *m, int64_t now, up_answer *a)
{
    json_t *body = upload_body(r, m);
    /* The answer is kept as the server sent it (not parsed and written
     * again); a body that is not JSON is not kept. */
    a->e[0] = '\0';
    a->st = client_post_text(r->cl, "/api/v1/gateway/messages", body, &a->ans, &a->text, a->e,
                             sizeof a->e);
    json_decref(body);
    if (!a->ans) {
        free(a->text);
        a->text = NULL;
    }
    if (a->st == 0 || a->st >= 500 || a->st == 401 || a->st == 403 || a->st == 429) {
        json_decref(a->ans);
        free(a->text);
        server_failed(r, now, a->e);
        return 0;
    }
    server_ok(r);
    return 1;
}

/* Commits the answers to messages m[0..n) in one transaction (one fsync,
 * not one per message; a crash before it uploads them again, which the
 * server's idempotency key makes harmless) and frees them. */
static trygg_err take_answers(relay *r, const ls_inbound *m, up_answer *a, int n)
{
    trygg_err e = n > 0 ? ls_begin(r->ls) : TRYGG_OK;
    for (int i = 0; !e && i < n; i++) {
        if (a[i].st == 200) {
            e = ls_inbound_done(r->ls, m[i].id, "uploaded", a[i].text ? a[i].text : "");
            if (!e && !m[i].answered)
                e = queue_reply(r, m[i].pseudo, json_object_get(a[i].ans, "reply"));
            r->stats.uploaded++;
        } else {
            /* Refused for good (4xx): kept in the store, never uploaded again. */
            TRYGG_ERR("server refused message %lld: %s", (long long)m[i].id, a[i].e);
            e = ls_inbound_done(r->ls, m[i].id, "rejected", a[i].text ? a[i].text : a[i].e);
        }
    }
    for (int i = 0; i < n; i++) {
        free(a[i].text);
        json_decref(a[i].ans);
    }
    if (n > 0 && !e)
        return ls_commit(r->ls);
    if (n > 0)
        ls_rollback(r->ls);
    return e;
}

/* Over this many replies an hour a texter gets no offline answer (bar the
 * urgent one). */
static int flooded(relay *r, const char *pseudo, int64_t now)
{
    int n = 0;
    return ls_send_count_since(r->ls, pseudo, now - 3600, &n) != TRYGG_OK ||
           n >= r->dlg.replies_per_hour;
}

/* The offline answer to a waiting tip, decided once: a reference under the
 * gateway's prefix and the acknowledgement (112 first when urgent). Keyword
 * texts, calls and texts nobody can be answered get none: the server
 * answers them when they are uploaded. */
static trygg_err offline_answer(relay *r, const ls_inbound *m, int64_t now)
{
    char prefix[8] = "", ref[TRYGG_REF_LEN + 1] = "";
    int answer = strcmp(m->type, "sms") == 0 && m->reachable && !sms_blank(m->text) &&
                 !sms_undecodable(m->text) && sms_stop_start(&r->dlg, m->text) == 0 &&
                 sms_keyword(&r->dlg, m->text, NULL) < 0;
    char number[20];
    if (answer && !relay_number(r, m->pseudo, number))
        answer = 0;
    sodium_memzero(number, sizeof number);
    int urgent = answer && sms_text_urgent(m->text);
    if (answer && !urgent && flooded(r, m->pseudo, now))
        answer = 0;
    trygg_err e = ls_begin(r->ls);
    if (!e && answer)
        e = ls_meta_get(r->ls, "ref_prefix", prefix, sizeof prefix);
    long seq = 0;
    if (!e && answer && trygg_ref_prefix_valid(prefix)) {
        e = ls_next_seq(r->ls, &seq);
        if (!e && trygg_ref_kiosk(prefix, seq, ref) != TRYGG_OK)
            ref[0] = '\0'; /* the sequence space is used up: no reference */
    }
    ls_send s;
    memset(&s, 0, sizeof s);
    if (!e && ref[0]) {
        const char *lang = replies_guess_lang(m->text, r->dlg.default_lang);
        e = replies_render(r->rp, lang, urgent ? REPLY_ACK_URGENT : REPLY_ACK, ref, s.text,
                           sizeof s.text);
        TRYGG_COPY_FIT(s.pseudo, m->pseudo);
        TRYGG_COPY_TRUNC(s.author, urgent ? DLG_AUTHOR_URGENT : DLG_AUTHOR);
        s.urgent = urgent;
        int added = 0;
        if (!e)
            e = ls_send_add(r->ls, &s, &added);
        if (!e)
            r->stats.offline_answers++;
    }
    if (!e)
        e = ls_inbound_offline(r->ls, m->id, ref, ref[0] != '\0');
    if (!e)
        return ls_commit(r->ls);
    ls_rollback(r->ls);
    return e;
}

/* Uploads what waits, oldest first; when the server cannot be reached,
 * every waiting message without one gets its offline decision. */
static trygg_err upload(relay *r, int64_t now, int *down)
{
    int n = 0;
    trygg_err e = TRYGG_OK;
    if (!*down) {
        e = ls_inbound_pending(r->ls, r->batch, UPLOAD_BATCH, &n);
        int done = 0;
        for (; !e && done < n && !*down; done++)
            if (!upload_one(r, &r->batch[done], now, &r->answers[done]))
                *down = 1;
        if (!e)
            e = take_answers(r, r->batch, r->answers, *down ? done - 1 : done);
    }
    for (int round = 0; !e && *down && round < 64; round++) {
        e = ls_inbound_undecided(r->ls, r->batch, UPLOAD_BATCH, &n);
        for (int i = 0; !e && i < n; i++)
            e = offline_answer(r, &r->batch[i], now);
        if (n < UPLOAD_BATCH)
            break;
    }
    return e;
}

/* Takes one claim answer into the send queue (and its reference prefix). */
static trygg_err take_claim(relay *r, json_t *ans)
{
    trygg_err e = ls_begin(r->ls);
    const char *prefix = json_string_value(json_object_get(ans, "ref_prefix"));
    if (!e && prefix && trygg_ref_prefix_valid(prefix))
        e = ls_meta_set(r->ls, "ref_prefix", prefix);
    json_t *msgs = json_object_get(ans, "messages");
    for (size_t i = 0; !e && i < json_array_size(msgs); i++) {
        json_t *m = json_array_get(msgs, i);
        const char *pseudo = json_string_value(json_object_get(m, "pseudonym"));
        if (pseudo) {
            e = queue_reply(r, pseudo, m);
            r->stats.claimed++;
        }
    }
    if (!e)
        return ls_commit(r->ls);
    ls_rollback(r->ls);
    return e;
}

static trygg_err claim(relay *r, int64_t now)
{
    json_t *body = json_pack("{s:i, s:i}", "max", CLAIM_MAX, "lease_seconds", LEASE_S), *ans = NULL;
    char err[300] = "";
    long st = client_post(r->cl, "/api/v1/gateway/claim", body, &ans, err, sizeof err);
    json_decref(body);
    if (st != 200) {
        json_decref(ans);
        if (st == 0 || st >= 500)
            server_failed(r, now, err);
        else
            TRYGG_ERR("claim: %s", err);
        return TRYGG_OK;
    }
    server_ok(r);
    trygg_err e = take_claim(r, ans);
    json_decref(ans);
    return e;
}

/* What the fetch thread claimed, into the send queue. A store error drops
 * the rest: those rows come back from the server when their lease ends. */
static trygg_err take_fetched(relay *r)
{
    json_t *list = fetch_take(r->ft);
    trygg_err e = TRYGG_OK;
    for (size_t i = 0; !e && i < json_array_size(list); i++)
        e = take_claim(r, json_array_get(list, i));
    json_decref(list);
    return e;
}

trygg_err relay_fetch_start(relay *r, char *err, size_t cap)
{
    if (r->ft || r->cfg->claim_wait <= 0)
        return TRYGG_OK;
    return fetch_start(r->cfg, CLAIM_MAX, LEASE_S, &r->ft, err, cap);
}

void relay_fetch_stop(relay *r)
{
    fetch_stop(r->ft);
    r->ft = NULL;
}

int relay_fetch_ready(relay *r)
{
    return r->handed_over && fetch_ready(r->ft);
}

/* The states of rows one request each (the form servers before the batch
 * form know); a row the server answered is marked reported. */
static trygg_err report_each(relay *r, int64_t now, const ls_send *rows, int n)
{
    for (int i = 0; i < n; i++) {
        json_t *body =
                   json_pack("{s:I, s:s, s:i, s:s}", "id", (json_int_t)rows[i].server_id, "status",
                             rows[i].state, "parts", rows[i].parts, "error", rows[i].error),
               *ans = NULL;
        char err[300] = "";
        long st = client_post(r->cl, "/api/v1/gateway/delivered", body, &ans, err, sizeof err);
        json_decref(body);
        json_decref(ans);
        if (st == 0 || st >= 500) {
            server_failed(r, now, err);
            return TRYGG_OK;
        }
        if (st != 200)
            TRYGG_ERR("delivery report %lld: %s", (long long)rows[i].server_id, err);
        trygg_err e = ls_send_reported(r->ls, rows[i].id);
        if (e)
            return e;
        r->stats.reported++;
    }
    return TRYGG_OK;
}

/* Reports the sent rows' states, up to 16 in one request (the server's
 * batch form of /delivered), and marks them reported in one transaction. */
static trygg_err report(relay *r, int64_t now)
{
    ls_send rows[16];
    int n = 0;
    trygg_err e = ls_send_unreported(r->ls, rows, 16, &n);
    if (e || n == 0)
        return e;
    json_t *list = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:i, s:s}", "id", (json_int_t)rows[i].server_id, "status",
                            rows[i].state, "parts", rows[i].parts, "error", rows[i].error));
    json_t *body = json_pack("{s:o}", "reports", list), *ans = NULL;
    char err[300] = "";
    long st = client_post(r->cl, "/api/v1/gateway/delivered", body, &ans, err, sizeof err);
    json_decref(body);
    if (st == 0 || st >= 500) {
        json_decref(ans);
        server_failed(r, now, err);
        return TRYGG_OK;
    }
    if (st == 400 && !json_object_get(ans, "changed")) {
        /* a server older than the batch form: one request per row */
        json_decref(ans);
        return report_each(r, now, rows, n);
    }
    json_t *changed = json_object_get(ans, "changed");
    if (st != 200)
        TRYGG_ERR("delivery reports: %s", err);
    e = ls_begin(r->ls);
    for (int i = 0; !e && i < n; i++) {
        if (json_is_string(json_array_get(changed, (size_t)i)))
            TRYGG_ERR("delivery report %lld: %s", (long long)rows[i].server_id,
                      json_string_value(json_array_get(changed, (size_t)i)));
        e = ls_send_reported(r->ls, rows[i].id);
        r->stats.reported++;
    }
    json_decref(ans);
    if (!e)
        return ls_commit(r->ls);
    ls_rollback(r->ls);
    return e;
}

/* Asks the server about one batch of idle pseudonyms and forgets the
 * numbers it no longer knows (a stopped one keeps only its STOP flag).
 * *more = 1 when a full batch was asked (there may be more after *after). */
static trygg_err ask_contacts(relay *r, int64_t now, char after[TRYGG_PSEUDO_HEX + 1], int *more,
                              int *forgotten)
{
    static char batch[ASK_BATCH][TRYGG_PSEUDO_HEX + 1];
    int n = 0;
    *more = 0;
    trygg_err e = ls_numbers_idle(r->ls, after, batch, ASK_BATCH, &n);
    if (e || n == 0)
        return e;
    json_t *list = json_array(), *ans = NULL;
    for (int i = 0; i < n; i++)
        json_array_append_new(list, json_string(batch[i]));
    json_t *body = json_pack("{s:o}", "pseudonyms", list);
    char err[300] = "";
    long st = client_post(r->cl, "/api/v1/gateway/contacts", body, &ans, err, sizeof err);
    json_decref(body);
    if (st != 200) {
        json_decref(ans);
        if (st == 0 || st >= 500)
            server_failed(r, now, err);
        else
            TRYGG_ERR("contacts: %s", err);
        return TRYGG_OK;
    }
    e = ls_begin(r->ls);
    json_t *unknown = json_object_get(ans, "unknown"), *stopped = json_object_get(ans, "stopped");
    for (size_t i = 0; !e && i < json_array_size(unknown); i++) {
        const char *p = json_string_value(json_array_get(unknown, i));
        nc_drop(r->nc, p ? p : "");
        if (p && (e = ls_number_forget(r->ls, p)) == TRYGG_OK)
            (*forgotten)++;
    }
    for (size_t i = 0; !e && i < json_array_size(stopped); i++) {
        const char *p = json_string_value(json_array_get(stopped, i));
        nc_drop(r->nc, p ? p : "");
        if (p)
            e = ls_number_stop(r->ls, p);
    }
    json_decref(ans);
    if (!e)
        e = ls_commit(r->ls);
    else
        ls_rollback(r->ls);
    trygg_copy_trunc(after, TRYGG_PSEUDO_HEX + 1, batch[n - 1]); /* pseudonyms are that long */
    *more = !e && n == ASK_BATCH;
    return e;
}

/* Retention on the gateway, daily: rows kept only as long as needed
 * (ls_purge), and numbers of pseudonyms the server no longer knows
 * forgotten. */
static trygg_err retention(relay *r, int64_t now)
{
    if (r->last_purge && now >= r->last_purge && now - r->last_purge < PURGE_EVERY)
        return TRYGG_OK;
    int purged = 0, forgotten = 0, more = 1;
    trygg_err e = ls_purge(r->ls, now, &purged);
    char after[TRYGG_PSEUDO_HEX + 1] = "";
    for (int round = 0; !e && more && r->stats.server_up && round < 1000; round++)
        e = ask_contacts(r, now, after, &more, &forgotten);
    if (e)
        return e;
    if (!r->stats.server_up)
        return TRYGG_OK; /* asked again at the next sync */
    r->last_purge = now;
    if (purged || forgotten)
        TRYGG_INFO("retention: %d old row%s deleted, %d number%s the server no longer knows "
                   "forgotten",
                   purged, purged == 1 ? "" : "s", forgotten, forgotten == 1 ? "" : "s");
    return TRYGG_OK;
}

/* One old ciphertext from the server into the gateway's store: 1 when it is
 * the gateway's now (it opens with the number key and is the number of that
 * pseudonym), 0 when it is left on the server. A number the gateway already
 * holds (or that said STOP) keeps the gateway's own row. */
static int take_cipher(relay *r, json_t *c, trygg_err *e)
{
    const char *p = json_string_value(json_object_get(c, "pseudonym"));
    const char *hex = json_string_value(json_object_get(c, "cipher"));
    unsigned char cipher[128];
    size_t len = 0;
    char number[20] = "", check[TRYGG_PSEUDO_HEX + 1] = "";
    if (!p || !hex || strlen(p) != TRYGG_PSEUDO_HEX ||
        sodium_hex2bin(cipher, sizeof cipher, hex, strlen(hex), NULL, &len, NULL) != 0 || !len)
        return 0;
    int ok = trygg_number_decrypt(r->numkey, cipher, len, number) == TRYGG_OK &&
             trygg_pseudonym(r->pkey, number, check) == TRYGG_OK && strcmp(check, p) == 0;
    sodium_memzero(number, sizeof number);
    if (!ok) {
        TRYGG_ERR("hand-over: the ciphertext of pseudonym %.8s... does not open with this "
                  "gateway's number key; it stays on the server",
                  p);
        return 0;
    }
    ls_number have;
    *e = ls_number_get(r->ls, p, &have);
    if (*e == TRYGG_ERR_NOTFOUND)
        *e = json_is_true(json_object_get(c, "stopped"))
                 ? ls_number_stop(r->ls, p)
                 : ls_number_put(r->ls, p, cipher, (int)len);
    sodium_memzero(cipher, sizeof cipher);
    return *e == TRYGG_OK;
}

/* Tells the server which ciphertexts the gateway now keeps (it blanks
 * them). 1 when the server has it. */
static int handover_done(relay *r, int64_t now, json_t *taken, int final)
{
    json_t *body = json_pack("{s:O, s:b}", "pseudonyms", taken, "final", final);
    char err[300] = "";
    long st = client_post(r->cl, "/api/v1/gateway/ciphers/done", body, NULL, err, sizeof err);
    json_decref(body);
    if (st == 0 || st >= 500)
        server_failed(r, now, err);
    else if (st != 200)
        TRYGG_ERR("hand-over: %s", err);
    return st == 200;
}

/* One batch of the hand-over: fetch, commit to the gateway's store, and
 * only then acknowledge. A crash anywhere loses nothing: the server keeps
 * every ciphertext until the acknowledgement, and taking one again changes
 * nothing. *more: another batch follows (after *after); *failed: the
 * server could not be asked (the next sync tries again). */
static trygg_err handover_batch(relay *r, int64_t now, char after[TRYGG_PSEUDO_HEX + 1], int *more,
                                int *failed, int *taken_n)
{
    *more = 0;
    json_t *body = json_pack("{s:s, s:i}", "after", after, "max", HANDOVER_MAX), *ans = NULL;
    char err[300] = "";
    long st = client_post(r->cl, "/api/v1/gateway/ciphers", body, &ans, err, sizeof err);
    json_decref(body);
    if (st != 200) {
        json_decref(ans);
        if (st == 0 || st >= 500) {
            server_failed(r, now, err);
            *failed = 1;
        } else {
            TRYGG_ERR("hand-over: %s", err); /* a server without the route: nothing to take */
        }
        return TRYGG_OK;
    }
    server_ok(r);
    json_t *list = json_object_get(ans, "contacts"), *taken = json_array();
    trygg_err e = ls_begin(r->ls);
    for (size_t i = 0; !e && i < json_array_size(list); i++) {
        json_t *c = json_array_get(list, i);
        if (take_cipher(r, c, &e))
            json_array_append(taken, json_object_get(c, "pseudonym"));
        const char *p = json_string_value(json_object_get(c, "pseudonym"));
        if (p && strlen(p) == TRYGG_PSEUDO_HEX)
            trygg_copy_trunc(after, TRYGG_PSEUDO_HEX + 1, p); /* length checked above */
    }
    if (!e)
        e = ls_commit(r->ls);
    else
        ls_rollback(r->ls);
    int last = !json_is_true(json_object_get(ans, "more"));
    if (!e && r->test_stop_before_done)
        *failed = 1;
    else if (!e && (json_array_size(taken) > 0 || (last && *taken_n > 0)) &&
             !handover_done(r, now, taken, last))
        *failed = 1;
    else if (!e)
        *taken_n += (int)json_array_size(taken);
    *more = !e && !*failed && !last;
    json_decref(taken);
    json_decref(ans);
    return e;
}

/* The hand-over of the ciphertexts an older gateway left in the server's
 * contacts (docs/gateway-protocol.md "Hand-over of old ciphertexts"): once
 * after the gateway starts, again at each sync until it went through. */
static trygg_err handover(relay *r, int64_t now)
{
    char after[TRYGG_PSEUDO_HEX + 1] = "";
    int more = 1, failed = 0, taken = 0;
    trygg_err e = TRYGG_OK;
    for (int round = 0; !e && more && !failed && round < 100000; round++)
        e = handover_batch(r, now, after, &more, &failed, &taken);
    if (taken)
        TRYGG_INFO("hand-over: %d number%s taken from the server's contacts", taken,
                   taken == 1 ? "" : "s");
    r->handed_over = !e && !failed;
    return e;
}

void relay_test_stop_before_done(relay *r, int on)
{
    r->test_stop_before_done = on;
}

/* Asks the server for its reply settings when due (settings.h). */
static void fetch_settings(relay *r, int64_t now)
{
    if (now < r->settings_next)
        return;
    json_t *body = json_object(), *ans = NULL;
    char err[300] = "";
    long st = client_post(r->cl, "/api/v1/gateway/settings", body, &ans, err, sizeof err);
    json_decref(body);
    if (st == 0 || st >= 500) {
        server_failed(r, now, err);
    } else {
        r->settings_next = now + SETTINGS_EVERY;
        if (st != 200)
            TRYGG_WARN("settings: %s (keeping %s)", err, r->settings_from);
        else if (settings_take(r->ls, ans, now, &r->dlg, r->settings_from, sizeof r->settings_from,
                               err, sizeof err) != TRYGG_OK)
            TRYGG_WARN("%s (keeping %s)", err, r->settings_from);
        else
            replies_set_links(r->rp, &r->dlg);
    }
    json_decref(ans);
}

const char *relay_settings_from(const relay *r)
{
    return r->settings_from;
}

const sms_dialog_cfg *relay_dialog_cfg(const relay *r)
{
    return &r->dlg;
}

trygg_err relay_sync(relay *r, int64_t now)
{
    int down = now < r->next_try;
    trygg_err e = upload(r, now, &down);
    /* What the fetch thread claimed, after the hand-over (a claimed reply
     * to an old contact needs its number). */
    if (!e && r->ft && r->handed_over)
        e = take_fetched(r);
    if (e || down || now < r->next_try)
        return e;
    if (!r->handed_over)
        e = handover(r, now);
    if (e || now < r->next_try)
        return e;
    fetch_settings(r, now);
    if (now < r->next_try)
        return TRYGG_OK;
    if (r->ft && !r->stats.server_up && fetch_server_up(r->ft))
        server_ok(r); /* the fetch thread reaches it: report and purge again */
    e = r->ft ? (r->handed_over ? take_fetched(r) : TRYGG_OK) : claim(r, now);
    if (!e && r->stats.server_up)
        e = report(r, now);
    if (!e && r->stats.server_up)
        e = retention(r, now);
    return e;
}

void relay_health(relay *r, const char *json, int64_t now)
{
    if (now < r->next_try)
        return; /* the server is down: the next record goes when it is back */
    json_error_t jerr;
    json_t *body = json_loads(json, 0, &jerr), *ans = NULL;
    if (!body)
        return;
    char err[300] = "";
    long st = client_post(r->cl, "/api/v1/gateway/health", body, &ans, err, sizeof err);
    json_decref(body);
    json_decref(ans);
    if (st == 0 || st >= 500)
        server_failed(r, now, err);
    else if (st != 200)
        TRYGG_ERR("health: %s", err);
}
