/*
 * api_gateway.c — the SMS gateway's API, as docs/gateway-protocol.md
 * describes it: uploads run the server's SMS dialog (sms/sms_dialog.c) in
 * one store transaction; the gateway claims the SMS outbox and reports what
 * it sent. The server never sees a number (except the one a texter gives
 * for a call-back with RING) nor its ciphertext: contacts are pseudonyms.
 */
#include "api_gateway.h"
#include "config.h"

#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "api_common.h"
#include "sms_dialog.h"
#include "sms_settings.h"
#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/ref.h"
#include "trygg/route.h"
#include "trygg/secret.h"
#include "trygg/text.h"

#define GW_MAX_BODY      (64 * 1024)
#define GW_CLAIM_MAX     100 /* rows per claim, at most */
#define GW_LEASE_DEFAULT 300 /* seconds */
#define GW_LEASE_MAX     3600
/* Seconds a claim may wait for a reply (a long poll, "wait"), at most:
 * within the front's read timeout (assets/nginx/trygg.conf, 60 s). */
#define GW_WAIT_MAX 30
/* A message "received" further ahead of the server's clock than this is
 * taken as received now (a gateway with a wrong clock). */
#define GW_CLOCK_SKEW 300

/* The gateway API's clock: the wall clock, or a test's (api_gateway_test_clock). */
static _Atomic int64_t test_now;

void api_gateway_test_clock(int64_t now)
{
    test_now = now;
}

static int64_t gw_now(void)
{
    int64_t t = test_now;
    return t ? t : (int64_t)time(NULL);
}

/* The thread's store and the calling gateway; NULL with resp set (503
 * store, 401 token, 403 not a gateway). */
static trygg_store *gateway_store(server_ctx *ctx, const http_req *req, http_resp *resp,
                                  trygg_kiosk *k)
{
    return api_client_store(ctx, req, resp, TRYGG_ROLE_GATEWAY, k);
}

int api_gateway_precheck(void *vctx, const http_route *route, const http_req *req, http_resp *resp)
{
    (void)route;
    trygg_kiosk k;
    if (gateway_store(vctx, req, resp, &k) != NULL)
        return 0;
    return api_precheck_status(resp);
}

/* Member `name` as a string: *out = NULL when absent or null; 0 when it is
 * there but not a string (or not UTF-8, or `max` bytes or more). */
static int get_str(json_t *o, const char *name, size_t max, const char **out)
{
    json_t *v = json_object_get(o, name);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 1;
    if (!json_is_string(v) || json_string_length(v) >= max ||
        !trygg_utf8_valid(json_string_value(v), json_string_length(v)))
        return 0;
    *out = json_string_value(v);
    return 1;
}

/* Member `name` as a boolean (absent: `dflt`); 0 when it is not one. */
static int get_bool(json_t *o, const char *name, int dflt, int *out)
{
    json_t *v = json_object_get(o, name);
    *out = dflt;
    if (v == NULL || json_is_null(v))
        return 1;
    if (!json_is_boolean(v))
        return 0;
    *out = json_is_true(v);
    return 1;
}

/* Member `name` as an integer in lo..hi (absent: `dflt`); 0 otherwise. */
static int get_int(json_t *o, const char *name, json_int_t lo, json_int_t hi, json_int_t dflt,
                   json_int_t *out)
{
    json_t *v = json_object_get(o, name);
    *out = dflt;
    if (v == NULL || json_is_null(v))
        return 1;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return 0;
    *out = json_integer_value(v);
    return 1;
}

/* "sms:" or "call:" and 64 lower-case hex digits. */
static int valid_key(const char *k, const char *type)
{
    size_t tl = strlen(type);
    if (strncmp(k, type, tl) != 0 || k[tl] != ':' || strlen(k + tl + 1) != 64)
        return 0;
    for (const char *p = k + tl + 1; *p; p++)
        if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
            return 0;
    return 1;
}

static int valid_pseudonym(const char *p)
{
    if (strlen(p) != TRYGG_PSEUDO_HEX)
        return 0;
    for (; *p; p++)
        if (!isxdigit((unsigned char)*p))
            return 0;
    return 1;
}

/* The server's SMS dialog on store `st`, with the settings of server.ini's
 * [sms] and [sms keywords] and the texts core_load read; 0 when there are
 * no texts. */
static int dialog_of(server_ctx *ctx, trygg_store *st, sms_dialog *d)
{
    *d = (sms_dialog){
        .st = st, .cfg = &ctx->cfg.catalog->sms, .rp = ctx->sms_replies, .routes = ctx->routes};
    return ctx->sms_replies != NULL;
}

/* Up to `max` rows due at `now`, leased to the calling gateway `owner` for
 * lease_s seconds (trygg_store_sms_claim, store.h "Leases": no other worker
 * gets them until the lease runs out or a delivery report marks them); rows
 * to a contact the server knows as stopped or blocked are cancelled
 * instead (the mark ends their lease). Call inside a transaction. */
static trygg_err claim_rows(trygg_store *st, const char *owner, int64_t now, int lease_s,
                            trygg_sms_out *out, int max, int *n)
{
    int got = 0;
    *n = 0;
    trygg_err e = trygg_store_sms_claim(st, owner, now, lease_s, out, max, &got);
    for (int i = 0; !e && i < got; i++) {
        trygg_contact ct;
        trygg_err ce = trygg_store_contact_get(st, out[i].recipient, &ct);
        if (ce != TRYGG_OK && ce != TRYGG_ERR_NOTFOUND) {
            e = ce;
            break;
        }
        if (ce == TRYGG_ERR_NOTFOUND || ct.stopped || ct.blocked) {
            e = trygg_store_sms_mark(st, out[i].id, TRYGG_OUT_CANCELLED, 0,
                                     "recipient stopped, blocked or unknown", 0);
            continue;
        }
        if (*n != i)
            out[*n] = out[i];
        (*n)++;
    }
    if (e)
        *n = 0;
    return e;
}

/* Parses an upload into *in (strings point into o); NULL, or the name of
 * the first field that is wrong. */
static const char *parse_message(json_t *o, sms_in *in, int *is_call, int64_t *received,
                                 char number[20])
{
    const char *type = NULL, *s = NULL;
    memset(in, 0, sizeof *in);
    if (!get_str(o, "type", 16, &type))
        return "type";
    *is_call = type && strcmp(type, "call") == 0;
    if (type && !*is_call && strcmp(type, "sms") != 0)
        return "type";
    if (!get_str(o, "key", 80, &in->key) || !in->key ||
        !valid_key(in->key, *is_call ? "call" : "sms"))
        return "key";
    if (!get_str(o, "pseudonym", 80, &in->pseudonym) ||
        (in->pseudonym && !valid_pseudonym(in->pseudonym)) || (!in->pseudonym && !*is_call))
        return "pseudonym";
    if (!get_str(o, "text", TRYGG_TEXT_MAX + 1, &in->text) || (!in->text && !*is_call))
        return "text";
    json_int_t rcv;
    if (!get_int(o, "received", 1, INT64_MAX / 2, 0, &rcv) || rcv == 0)
        return "received";
    *received = (int64_t)rcv;
    if (!get_str(o, "smsc_time", 64, &s))
        return "smsc_time";
    if (!get_str(o, "lang_hint", 8, &s))
        return "lang_hint";
    in->national = !s || strcmp(s, "sv") == 0;
    if (!get_bool(o, "reachable", 1, &in->reachable))
        return "reachable";
    if (!get_bool(o, "incomplete", 0, &in->incomplete))
        return "incomplete";
    if (!get_bool(o, "answered", 0, &in->answered))
        return "answered";
    if (!get_str(o, "offline_ref", 16, &in->offline_ref))
        return "offline_ref";
    if (!get_str(o, "number", 32, &s))
        return "number";
    number[0] = '\0';
    if (s && s[0] && trygg_phone_normalise(s, number) != TRYGG_OK)
        return "number";
    in->callback_number = number;
    return NULL;
}

/* An offline reference must be kiosk-shaped under one of this gateway's
 * prefixes. 1 ok; 0 with resp set. */
static int check_offline_ref(trygg_store *st, const trygg_kiosk *k, const char *ref,
                             http_resp *resp)
{
    char norm[TRYGG_REF_LEN + 1], pfx[TRYGG_REF_PREFIX_LEN + 1];
    long seq = 0;
    if (trygg_ref_normalise(ref, norm) != TRYGG_OK ||
        trygg_ref_kiosk_parse(norm, pfx, &seq) != TRYGG_OK) {
        api_error_field(resp, 400, "validation", "offline_ref");
        return 0;
    }
    trygg_err e = trygg_store_kiosk_owns_prefix(st, k->id, pfx);
    if (e == TRYGG_OK)
        return 1;
    if (e == TRYGG_ERR_NOTFOUND)
        api_error_field(resp, 400, "prefix", "offline_ref");
    else
        api_error_store(resp, e);
    return 0;
}

static void h_messages(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_kiosk k;
    json_t *o;
    trygg_store *st = api_client_body(ctx, req, resp, TRYGG_ROLE_GATEWAY, GW_MAX_BODY, &k, &o);
    if (st == NULL)
        return;
    sms_in in;
    int is_call = 0;
    int64_t received = 0;
    char number[20];
    const char *bad = parse_message(o, &in, &is_call, &received, number);
    if (bad) {
        json_decref(o);
        api_error_field(resp, 400, "validation", bad);
        return;
    }
    if (in.offline_ref && in.offline_ref[0] && !check_offline_ref(st, &k, in.offline_ref, resp)) {
        json_decref(o);
        return;
    }
    sms_dialog d;
    if (!dialog_of(ctx, st, &d)) {
        json_decref(o);
        api_error(resp, 503, "dialog");
        return;
    }
    int64_t now = gw_now();
    if (received > now + GW_CLOCK_SKEW)
        received = now;
    sms_result *r = malloc(sizeof *r);
    trygg_err e = r ? TRYGG_OK : TRYGG_ERR_NOMEM;
    if (!e && is_call)
        e = sms_dialog_call(&d, in.key, in.pseudonym, in.reachable, received, r);
    else if (!e)
        e = sms_dialog_message(&d, &in, received, r);
    json_decref(o);
    if (e == TRYGG_ERR_EXISTS) {
        TRYGG_ERR("gateway api: %s: offline reference taken by another item", k.id);
        api_error(resp, 409, "ref_taken");
    } else if (e == TRYGG_ERR_INVALID || e == TRYGG_ERR_TOOBIG) {
        api_error_field(resp, 400, "validation", "text");
    } else if (e) {
        TRYGG_ERR("gateway api: %s: %s", k.id, trygg_store_errmsg(st));
        api_error_store(resp, e);
    } else {
        json_t *out = json_object();
        json_object_set_new(out, "ref", json_string(r->ref));
        json_object_set_new(out, "action", json_string(sms_action_name(r->action)));
        json_object_set_new(out, "item_id", json_integer(r->item_id));
        json_object_set_new(out, "duplicate", json_boolean(r->action == DLG_DUPLICATE));
        json_object_set_new(out, "urgent", json_boolean(r->urgent));
        if (r->reply_id) {
            json_t *rep = json_object();
            json_object_set_new(rep, "id", json_integer(r->reply_id));
            json_object_set_new(rep, "text", json_string(r->reply_text));
            json_object_set_new(rep, "author", json_string(r->reply_author));
            json_object_set_new(rep, "urgent",
                                json_boolean(strcmp(r->reply_author, DLG_AUTHOR_URGENT) == 0));
            json_object_set_new(rep, "stop",
                                json_boolean(strcmp(r->reply_author, DLG_AUTHOR_STOP) == 0));
            json_object_set_new(out, "reply", rep);
        } else {
            json_object_set_new(out, "reply", json_null());
            json_object_set_new(out, "silent", json_string(r->why_silent));
        }
        http_resp_json(resp, 200, out);
    }
    free(r);
}

static void h_claim(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_kiosk k;
    json_t *o;
    trygg_store *st = api_client_body(ctx, req, resp, TRYGG_ROLE_GATEWAY, GW_MAX_BODY, &k, &o);
    if (st == NULL)
        return;
    json_int_t max, lease, wait;
    int ok = get_int(o, "max", 1, GW_CLAIM_MAX, 16, &max);
    int ok2 = get_int(o, "lease_seconds", 10, GW_LEASE_MAX, GW_LEASE_DEFAULT, &lease);
    int ok3 = get_int(o, "wait", 0, GW_WAIT_MAX, 0, &wait);
    json_decref(o);
    if (!ok || !ok2 || !ok3) {
        api_error_field(resp, 400, "validation", !ok ? "max" : !ok2 ? "lease_seconds" : "wait");
        return;
    }
    trygg_sms_out *rows = calloc((size_t)max, sizeof *rows);
    int n = 0;
    trygg_err e = rows ? trygg_store_begin(st) : TRYGG_ERR_NOMEM;
    if (!e) {
        e = claim_rows(st, k.id, gw_now(), (int)lease, rows, (int)max, &n);
        if (e)
            trygg_store_rollback(st);
        else
            e = trygg_store_commit(st);
    }
    if (e) {
        free(rows);
        api_error_store(resp, e);
        return;
    }
    if (n == 0 && wait > 0 && !req->must_answer) {
        /* A long poll: put aside until a reply is queued (reply_wait.h)
         * or the wait ends; then this handler runs again. */
        free(rows);
        resp->wait_ms = (int)wait * 1000;
        return;
    }
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *m = json_object();
        json_object_set_new(m, "id", json_integer(rows[i].id));
        json_object_set_new(m, "pseudonym", json_string(rows[i].recipient));
        json_object_set_new(m, "text", json_string(rows[i].text));
        json_object_set_new(m, "author", json_string(rows[i].author));
        json_object_set_new(m, "urgent",
                            json_boolean(strcmp(rows[i].author, DLG_AUTHOR_URGENT) == 0));
        json_object_set_new(m, "stop", json_boolean(strcmp(rows[i].author, DLG_AUTHOR_STOP) == 0));
        json_array_append_new(arr, m);
    }
    free(rows);
    json_t *out = json_object();
    json_object_set_new(out, "messages", arr);
    json_object_set_new(out, "ref_prefix", json_string(k.ref_prefix));
    /* Protocol 2: the wait this server takes (0 when none was asked); a
     * gateway that finds no "wait" in the answer polls instead. */
    json_object_set_new(out, "wait", json_integer(wait));
    http_resp_json(resp, 200, out);
}

static int parse_status(const char *s, trygg_out_status *out)
{
    static const struct {
        const char *name;
        trygg_out_status st;
    } map[] = {{"sent", TRYGG_OUT_SENT},           {"failed", TRYGG_OUT_FAILED},
               {"dead", TRYGG_OUT_DEAD},           {"cancelled", TRYGG_OUT_CANCELLED},
               {"delivered", TRYGG_OUT_DELIVERED}, {"undelivered", TRYGG_OUT_UNDELIVERED}};
    for (size_t i = 0; s && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(s, map[i].name) == 0) {
            *out = map[i].st;
            return 1;
        }
    return 0;
}

/* Records one delivery report inside a transaction; *changed = 0 when the
 * row was already final (a report sent again). */
static trygg_err record_delivery(server_ctx *ctx, trygg_store *st, int64_t id,
                                 trygg_out_status status, int parts, const char *error,
                                 int *changed)
{
    trygg_sms_out *row = malloc(sizeof *row);
    if (!row)
        return TRYGG_ERR_NOMEM;
    trygg_err e = trygg_store_sms_get(st, id, row);
    *changed = 0;
    int report = status == TRYGG_OUT_DELIVERED || status == TRYGG_OUT_UNDELIVERED;
    /* A status report follows "sent" (or comes first, when the gateway's
     * "sent" was not reported yet); every other state is final. */
    int final = e || row->status == TRYGG_OUT_DEAD || row->status == TRYGG_OUT_CANCELLED ||
                row->status == TRYGG_OUT_DELIVERED || row->status == TRYGG_OUT_UNDELIVERED ||
                (row->status == TRYGG_OUT_SENT && !report);
    if (!e && !final && report && row->status != TRYGG_OUT_SENT) {
        e = trygg_store_sms_mark(st, id, TRYGG_OUT_SENT, parts, error, 0);
        if (!e && strcmp(row->author, DLG_AUTHOR_STOP) == 0) {
            sms_dialog d;
            dialog_of(ctx, st, &d);
            e = sms_dialog_stop_sent(&d, row->recipient);
        }
        if (!e)
            row->status = TRYGG_OUT_SENT;
    }
    if (!e && !final && row->status == TRYGG_OUT_SENT) {
        e = trygg_store_sms_mark(st, id, status, parts > 0 ? parts : row->parts, error, 0);
        *changed = !e;
    } else if (!e && !final) {
        /* A failed attempt: the gateway retries it itself; the row stays
         * leased to it meanwhile. */
        int64_t next = status == TRYGG_OUT_FAILED ? gw_now() + GW_LEASE_DEFAULT : 0;
        e = trygg_store_sms_mark(st, id, status, parts, error, next);
        *changed = !e;
        /* STOP: the contact is stopped once its confirmation is sent or
         * given up on. */
        if (!e && status != TRYGG_OUT_FAILED && strcmp(row->author, DLG_AUTHOR_STOP) == 0) {
            sms_dialog d;
            dialog_of(ctx, st, &d);
            e = sms_dialog_stop_sent(&d, row->recipient);
        }
    }
    free(row);
    return e;
}

/* One delivery report of a /delivered body. */
typedef struct gw_report {
    json_int_t id, parts;
    trygg_out_status status;
    const char *error;
} gw_report;

/* Reads report `o` into *r; NULL when valid, else the field at fault. */
static const char *parse_report(json_t *o, gw_report *r)
{
    const char *status_s = NULL;
    r->status = TRYGG_OUT_SENT;
    r->error = NULL;
    if (!json_is_object(o) || !get_int(o, "id", 1, INT64_MAX, 0, &r->id) || r->id == 0)
        return "id";
    if (!get_str(o, "status", 16, &status_s) || !parse_status(status_s, &r->status))
        return "status";
    if (!get_int(o, "parts", 0, 255, 0, &r->parts))
        return "parts";
    if (!get_str(o, "error", 256, &r->error))
        return "error";
    if (!r->error)
        r->error = "";
    return NULL;
}

/* Records reports[n] in one transaction; results[i]: 1 changed, 0 not,
 * -1 unknown id (in a batch; alone it is TRYGG_ERR_NOTFOUND). A store
 * error rolls back all of them. */
static trygg_err record_reports(server_ctx *ctx, trygg_store *st, const gw_report *reports, int n,
                                int batch, int *results)
{
    trygg_err e = trygg_store_begin(st);
    for (int i = 0; !e && i < n; i++) {
        int changed = 0;
        e = record_delivery(ctx, st, (int64_t)reports[i].id, reports[i].status,
                            (int)reports[i].parts, reports[i].error, &changed);
        results[i] = e == TRYGG_ERR_NOTFOUND ? -1 : changed;
        if (e == TRYGG_ERR_NOTFOUND && batch)
            e = TRYGG_OK; /* answered unknown_id */
    }
    if (e) {
        trygg_store_rollback(st);
        return e;
    }
    return trygg_store_commit(st);
}

#define GW_REPORTS_MAX 64

/* One report {"id":..,"status":..} or many: {"reports":[...]} (up to
 * GW_REPORTS_MAX, one transaction, one request: docs/gateway-protocol.md). */
static void h_delivered(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_kiosk k;
    json_t *o;
    trygg_store *st = api_client_body(ctx, req, resp, TRYGG_ROLE_GATEWAY, GW_MAX_BODY, &k, &o);
    if (st == NULL)
        return;
    json_t *list = json_object_get(o, "reports");
    int batch = list != NULL, n = batch ? (int)json_array_size(list) : 1;
    gw_report reports[GW_REPORTS_MAX];
    int results[GW_REPORTS_MAX];
    const char *bad =
        batch && (!json_is_array(list) || n < 1 || n > GW_REPORTS_MAX) ? "reports" : NULL;
    for (int i = 0; !bad && i < n; i++)
        bad = parse_report(batch ? json_array_get(list, (size_t)i) : o, &reports[i]);
    if (bad) {
        json_decref(o);
        api_error_field(resp, 400, "validation", bad);
        return;
    }
    trygg_err e = record_reports(ctx, st, reports, n, batch, results);
    json_decref(o);
    if (e == TRYGG_ERR_NOTFOUND) {
        api_error(resp, 404, "unknown_id");
    } else if (e) {
        api_error_store(resp, e);
    } else if (!batch) {
        json_t *out = json_object();
        json_object_set_new(out, "changed", json_boolean(results[0] == 1));
        http_resp_json(resp, 200, out);
    } else {
        json_t *arr = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(arr, results[i] < 0 ? json_string("unknown_id")
                                                      : json_boolean(results[i] == 1));
        json_t *out = json_object();
        json_object_set_new(out, "changed", arr);
        http_resp_json(resp, 200, out);
    }
}

/* The health record kept under "smsgw" must fit the readers' buffers
 * (server/ops.c reads it into 2048 bytes; with [modem2] the record has a
 * second modem's part). */
#define GW_HEALTH_MAX 2000

static const char *gw_text(const server_ctx *ctx, const char *key)
{
    return ctx->web_text ? trygg_i18n_get(ctx->web_text, "sv", key) : key;
}

/* The gateway's "alert" (its modem watchdog gave up, the SIM wants its PIN,
 * the balance is low: docs/smsgw.md) e-mails on-call once when it starts,
 * through the notification outbox like an urgent item's on-call copy. */
static void health_alert(server_ctx *ctx, trygg_store *st, const json_t *o)
{
    const char *alert = json_string_value(json_object_get(o, "alert"));
    if (!alert || strcmp(alert, "ok") == 0 || strlen(alert) > 32)
        return;
    char js[GW_HEALTH_MAX + 48], key[64];
    int64_t updated = 0;
    if (trygg_store_health_get(st, "smsgw", js, sizeof js, &updated) == TRYGG_OK) {
        json_t *prev = json_loads(js, 0, NULL);
        const char *was = json_string_value(json_object_get(prev, "alert"));
        int same = was && strcmp(was, alert) == 0;
        json_decref(prev);
        if (same)
            return; /* already told */
    }
    const char *to = ctx->routes ? trygg_routes_oncall(ctx->routes) : "";
    if (!to || !to[0]) {
        TRYGG_ERR("gateway alert '%s': no on-call address to tell", alert);
        return;
    }
    snprintf(key, sizeof key, "gw.alert.%s", alert);
    char subject[300], body[1200];
    snprintf(subject, sizeof subject, "!!! %s", gw_text(ctx, "gw.oncall_subject"));
    snprintf(body, sizeof body, "%s\n\n%s: %s\n", gw_text(ctx, "gw.oncall_body"),
             gw_text(ctx, "gw.alert"), gw_text(ctx, key));
    json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:b}", "to", to, "subject", subject, "body", body,
                          "ref", "", "urgent", 1);
    char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    if (!payload || trygg_store_notify_enqueue(st, 0, "oncall", "email", payload, NULL) != TRYGG_OK)
        TRYGG_ERR("gateway alert '%s': on-call mail not queued", alert);
    else
        TRYGG_WARN("gateway alert '%s': on-call told", alert);
    free(payload);
}

static void h_health(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_kiosk k;
    json_t *o;
    trygg_store *st = api_client_body(ctx, req, resp, TRYGG_ROLE_GATEWAY, GW_MAX_BODY, &k, &o);
    if (st == NULL)
        return;
    /* Stored as the gateway sent it (compact), with the gateway's id: the
     * server's /healthz, /metrics and channels page read "smsgw". */
    json_object_set_new(o, "gateway", json_string(k.id));
    char *text = json_dumps(o, JSON_COMPACT);
    if (text == NULL || strlen(text) > GW_HEALTH_MAX) {
        json_decref(o);
        free(text);
        api_error_field(resp, 400, "validation", "health");
        return;
    }
    health_alert(ctx, st, o);
    json_decref(o);
    trygg_err e = trygg_store_health_put(st, "smsgw", text);
    free(text);
    if (e) {
        api_error_store(resp, e);
        return;
    }
    json_t *out = json_object();
    json_object_set_new(out, "ok", json_true());
    http_resp_json(resp, 200, out);
}

#define GW_CONTACTS_MAX 500 /* pseudonyms per /contacts call */

/* Sorts each pseudonym of `list` into unknown (no contact: never seen, or
 * purged) or stopped; the others are still known. NULL, or the bad field. */
static const char *sort_contacts(trygg_store *st, json_t *list, json_t *unknown, json_t *stopped,
                                 trygg_err *e)
{
    *e = TRYGG_OK;
    if (!json_is_array(list) || json_array_size(list) > GW_CONTACTS_MAX)
        return "pseudonyms";
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *p = json_string_value(json_array_get(list, i));
        if (!p || !valid_pseudonym(p))
            return "pseudonyms";
        trygg_contact ct;
        trygg_err ce = trygg_store_contact_get(st, p, &ct);
        if (ce == TRYGG_ERR_NOTFOUND)
            json_array_append_new(unknown, json_string(p));
        else if (ce != TRYGG_OK)
            *e = ce;
        else if (ct.stopped)
            json_array_append_new(stopped, json_string(p));
        if (*e)
            return NULL;
    }
    return NULL;
}

static void h_contacts(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_kiosk k;
    json_t *o;
    trygg_store *st = api_client_body(ctx, req, resp, TRYGG_ROLE_GATEWAY, GW_MAX_BODY, &k, &o);
    if (st == NULL)
        return;
    json_t *unknown = json_array(), *stopped = json_array();
    trygg_err e = TRYGG_OK;
    const char *bad = sort_contacts(st, json_object_get(o, "pseudonyms"), unknown, stopped, &e);
    json_decref(o);
    if (bad || e) {
        json_decref(unknown);
        json_decref(stopped);
        if (bad)
            api_error_field(resp, 400, "validation", bad);
        else
            api_error_store(resp, e);
        return;
    }
    json_t *out = json_object();
    json_object_set_new(out, "unknown", unknown);
    json_object_set_new(out, "stopped", stopped);
    http_resp_json(resp, 200, out);
}

#define GW_CIPHERS_MAX 100 /* contacts per /ciphers answer, pseudonyms per /ciphers/done */

/* The ciphertexts an older gateway left in the server's contacts, for the
 * hand-over (docs/gateway-protocol.md "Hand-over of old ciphertexts"). */
static void h_ciphers(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_kiosk k;
    json_t *o;
    trygg_store *st = api_client_body(ctx, req, resp, TRYGG_ROLE_GATEWAY, GW_MAX_BODY, &k, &o);
    if (st == NULL)
        return;
    const char *after = NULL;
    json_int_t max;
    const char *bad = NULL;
    if (!get_str(o, "after", TRYGG_PSEUDO_HEX + 1, &after) ||
        (after && after[0] && !valid_pseudonym(after)))
        bad = "after";
    else if (!get_int(o, "max", 1, GW_CIPHERS_MAX, GW_CIPHERS_MAX, &max))
        bad = "max";
    char from[TRYGG_PSEUDO_HEX + 1] = "";
    if (!bad && after && !TRYGG_COPY(from, after))
        bad = "after";
    json_decref(o);
    if (bad) {
        api_error_field(resp, 400, "validation", bad);
        return;
    }
    trygg_contact *rows = calloc((size_t)max, sizeof *rows);
    int n = 0;
    trygg_err e =
        rows ? trygg_store_contact_ciphers(st, from, rows, (int)max, &n) : TRYGG_ERR_NOMEM;
    if (e) {
        free(rows);
        api_error_store(resp, e);
        return;
    }
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        char hex[2 * sizeof rows[i].cipher + 1];
        sodium_bin2hex(hex, sizeof hex, rows[i].cipher, (size_t)rows[i].cipher_len);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "pseudonym", rows[i].pseudonym,
                                             "cipher", hex, "stopped", rows[i].stopped));
    }
    sodium_memzero(rows, (size_t)max * sizeof *rows);
    free(rows);
    json_t *out = json_object();
    json_object_set_new(out, "contacts", arr);
    json_object_set_new(out, "more", json_boolean(n == (int)max));
    http_resp_json(resp, 200, out);
}

/* The gateway has the ciphertexts of these pseudonyms in its own store:
 * the server blanks its copies. */
static void h_ciphers_done(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_kiosk k;
    json_t *o;
    trygg_store *st = api_client_body(ctx, req, resp, TRYGG_ROLE_GATEWAY, GW_MAX_BODY, &k, &o);
    if (st == NULL)
        return;
    json_t *list = json_object_get(o, "pseudonyms");
    const char *ps[GW_CIPHERS_MAX];
    size_t n = json_is_array(list) ? json_array_size(list) : 0;
    int ok = json_is_array(list) && n <= GW_CIPHERS_MAX;
    for (size_t i = 0; ok && i < n; i++) {
        ps[i] = json_string_value(json_array_get(list, i));
        ok = ps[i] && valid_pseudonym(ps[i]);
    }
    int blanked = 0, final = 0;
    ok = ok && get_bool(o, "final", 0, &final);
    trygg_err e = ok ? trygg_store_contact_ciphers_blank(st, ps, (int)n, &blanked) : TRYGG_OK;
    /* The last batch: copies SQLite left in free or reused pages go too. */
    if (ok && !e && final)
        e = trygg_store_compact(st);
    json_decref(o);
    if (!ok || e == TRYGG_ERR_INVALID) {
        api_error_field(resp, 400, "validation", "pseudonyms");
        return;
    }
    if (e) {
        TRYGG_ERR("gateway api: %s: blanking ciphertexts: %s", k.id, trygg_store_errmsg(st));
        api_error_store(resp, e);
        return;
    }
    if (blanked)
        TRYGG_INFO("gateway api: %s took %d old ciphertext%s; blanked on the server", k.id, blanked,
                   blanked == 1 ? "" : "s");
    json_t *out = json_object();
    json_object_set_new(out, "blanked", json_integer(blanked));
    http_resp_json(resp, 200, out);
}

/* The dialog settings the gateway's own replies need (server.ini [sms] and
 * [sms keywords]: the one source), versioned (sms_settings.h). */
static void h_settings(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_kiosk k;
    json_t *o;
    if (api_client_body(ctx, req, resp, TRYGG_ROLE_GATEWAY, GW_MAX_BODY, &k, &o) == NULL)
        return;
    json_decref(o);
    http_resp_json(resp, 200, sms_settings_json(&ctx->cfg.catalog->sms));
}

const http_route gateway_routes[] = {
    {"POST", "/api/v1/gateway/messages", GW_MAX_BODY, h_messages},
    {"POST", "/api/v1/gateway/claim", GW_MAX_BODY, h_claim},
    {"POST", "/api/v1/gateway/delivered", GW_MAX_BODY, h_delivered},
    {"POST", "/api/v1/gateway/health", GW_MAX_BODY, h_health},
    {"POST", "/api/v1/gateway/contacts", GW_MAX_BODY, h_contacts},
    {"POST", "/api/v1/gateway/ciphers", GW_MAX_BODY, h_ciphers},
    {"POST", "/api/v1/gateway/ciphers/done", GW_MAX_BODY, h_ciphers_done},
    {"POST", "/api/v1/gateway/settings", GW_MAX_BODY, h_settings},
};
const int gateway_nroutes = sizeof gateway_routes / sizeof gateway_routes[0];
