/*
 * api.c — the kiosk API, exactly as docs/kiosk-api.md describes it:
 *   POST /api/v1/submissions      idempotent submit (uuid), 201 new / 200 seen
 *   GET  /api/v1/kiosk/config     categories, areas, walks, notices, links, retention; ETag
 *   POST /api/v1/kiosk/heartbeat  version, outbox depth, last error -> 204
 *   POST /api/v1/kiosk/status     "Följ ditt ärende": a follow-up code's status words
 * Every call needs "Authorization: Bearer <kiosk token>".
 */
#include "trygg/copy.h"
#include "trygg/time.h"
#include "api.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_common.h"
#include "api_gateway.h"
#include "config.h"
#include "intake.h"
#include "ratelimit.h"
#include "follow_lookup.h"
#include "web_status.h"
#include "trygg/follow.h"
#include "trygg/log.h"
#include "trygg/ref.h"
#include "trygg/secret.h"
#include "trygg/text.h"

#define API_MAX_BODY (64 * 1024)
/* A kiosk's prefix is renewed when its sequence numbers come within this
 * many of the end (29^4 per prefix, ref.h): room for the submissions a
 * kiosk makes before it next downloads its config, even offline for weeks. */
#define API_PREFIX_RESERVE 50000

static const char *const bands[] = {"now", "today", "evenings", "nights", "weekends", "recurring"};

/* The start of every kiosk call: the thread's store handle and the calling
 * kiosk. NULL with the response set (503 store unavailable, 401 token, 403
 * not a kiosk). */
static trygg_store *kiosk_store(server_ctx *ctx, const http_req *req, http_resp *resp,
                                trygg_kiosk *k)
{
    return api_client_store(ctx, req, resp, TRYGG_ROLE_KIOSK, k);
}

int api_precheck(void *vctx, const http_route *route, const http_req *req, http_resp *resp)
{
    const char *expect = http_header(req, "Expect");
    if (strncmp(route->pattern, "/api/v1/", 8) != 0 || expect == NULL)
        return 0;
    if (strncmp(route->pattern, "/api/v1/gateway/", 16) == 0)
        return api_gateway_precheck(vctx, route, req, resp);
    trygg_kiosk k;
    if (kiosk_store(vctx, req, resp, &k) != NULL)
        return 0;
    return api_precheck_status(resp);
}

static int valid_uuid(const char *s)
{
    size_t n = strlen(s);
    if (n < 8 || n > 80)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-')
            return 0;
    return 1;
}

static int valid_date(const char *s)
{
    int y, m, d;
    char extra;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
        return 0;
    if (s[4] != '-' || s[7] != '-' || y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1)
        return 0;
    for (int i = 0; i < 10; i++) /* sscanf also takes "+4" and " 4" */
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d > mdays[m - 1] || (m == 2 && d == 29 && !((y % 4 == 0 && y % 100) || y % 400 == 0)))
        return 0;
    return 1;
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > TRYGG_NAME_MAX || !trygg_utf8_valid(s, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || strchr("<>&\"'/\\,", s[i]))
            return 0;
    return 1;
}

/* Optional string member: NULL if absent or null; sets fields[name]="type" if not a string. */
static const char *opt_str(json_t *o, const char *name, json_t *fields)
{
    json_t *v = json_object_get(o, name);
    if (v == NULL || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        json_object_set_new(fields, name, json_string("type"));
        return NULL;
    }
    return json_string_value(v);
}

/* The submission's when, text and lang; errors per field into `fields`. */
static void parse_when_text_lang(json_t *o, trygg_item *item, json_t *fields)
{
    const char *when = opt_str(o, "when", fields);
    if (when != NULL) {
        int ok = 0;
        for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++)
            if (strcmp(when, bands[i]) == 0) {
                if (!TRYGG_COPY(item->when_band, when))
                    json_object_set_new(fields, "when", json_string("invalid"));
                ok = 1;
            }
        if (!ok && valid_date(when)) {
            if (!TRYGG_COPY(item->when_date, when))
                json_object_set_new(fields, "when", json_string("invalid"));
            ok = 1;
        }
        if (!ok)
            json_object_set_new(fields, "when", json_string("invalid"));
    }

    /* When the resident sent it (the kiosk's clock, unix seconds): kept apart
     * from the arrival. A time that cannot be right (ahead of the server by
     * more than 5 minutes, or older than 60 days: a kiosk with a bad clock)
     * is ignored; it is never a reason to refuse a report. */
    json_t *rep = json_object_get(o, "reported_at");
    if (rep && !json_is_null(rep)) {
        if (!json_is_integer(rep))
            json_object_set_new(fields, "reported_at", json_string("type"));
        else {
            int64_t at = (int64_t)json_integer_value(rep), now = (int64_t)time(NULL);
            if (at <= now + 300 && at >= now - 60 * 86400)
                item->reported = at;
            else
                TRYGG_WARN("api: reported_at %lld ignored (server clock %lld)", (long long)at,
                           (long long)now);
        }
    }

    /* Where exactly (issue 16): a place of the register (server.ini [place
     * ID]) chosen on the kiosk, by its label, as the map counts it. */
    const char *place = opt_str(o, "place", fields);
    if (place != NULL && place[0]) {
        size_t n = strlen(place);
        if (!trygg_utf8_valid(place, n))
            json_object_set_new(fields, "place", json_string("invalid"));
        else if (!TRYGG_COPY(item->place, place))
            json_object_set_new(fields, "place", json_string("too_long"));
    }

    const char *text = opt_str(o, "text", fields);
    if (text != NULL) {
        size_t n = strlen(text);
        if (n > TRYGG_TEXT_MAX)
            json_object_set_new(fields, "text", json_string("too_long"));
        else if (!trygg_utf8_valid(text, n))
            json_object_set_new(fields, "text", json_string("invalid"));
        else
            memcpy(item->text, text, n + 1);
    }

    const char *lang = opt_str(o, "lang", fields);
    if (lang != NULL) {
        int ok = 0;
        for (int i = 0; i < CONFIG_NLANGS; i++)
            ok |= strcmp(lang, config_langs[i]) == 0;
        if (!ok)
            json_object_set_new(fields, "lang", json_string("invalid"));
        else if (!TRYGG_COPY(item->lang, lang))
            json_object_set_new(fields, "lang", json_string("invalid"));
    }
}

/* The submission's consent, contact and walk (required for a walk sign-up
 * of kind k); errors per field into `fields`. */
static void parse_contact_walk(json_t *o, trygg_item *item, trygg_kind k, json_t *fields)
{
    json_t *consent = json_object_get(o, "consent");
    if (consent && !json_is_null(consent)) {
        if (!json_is_boolean(consent))
            json_object_set_new(fields, "consent", json_string("type"));
        else
            item->consent = json_is_true(consent);
    }
    const char *contact = opt_str(o, "contact", fields);
    if (contact != NULL && contact[0]) {
        size_t n = strlen(contact);
        if (n > TRYGG_CONTACT_MAX)
            json_object_set_new(fields, "contact", json_string("too_long"));
        else if (!trygg_utf8_valid(contact, n))
            json_object_set_new(fields, "contact", json_string("invalid"));
        else if (!item->consent)
            json_object_set_new(fields, "contact", json_string("consent_required"));
        else
            memcpy(item->contact, contact, n + 1);
    }

    json_t *walk = json_object_get(o, "walk_id");
    if (walk && !json_is_null(walk)) {
        if (!json_is_integer(walk) || json_integer_value(walk) <= 0)
            json_object_set_new(fields, "walk_id", json_string("invalid"));
        else
            item->walk_id = json_integer_value(walk);
    } else if (k == TRYGG_KIND_WALK_SIGNUP) {
        json_object_set_new(fields, "walk_id", json_string("required"));
    }
}

/* Fills *item from the submission; errors per field into `fields`. */
static void parse_submission(server_ctx *ctx, json_t *o, trygg_item *item, json_t *fields)
{
    const char *uuid = opt_str(o, "uuid", fields);
    if (uuid == NULL) {
        if (!json_object_get(fields, "uuid"))
            json_object_set_new(fields, "uuid", json_string("required"));
    } else if (!valid_uuid(uuid) || !TRYGG_COPY(item->client_key, uuid)) {
        json_object_set_new(fields, "uuid", json_string("invalid"));
    }

    const char *kind = opt_str(o, "kind", fields);
    trygg_kind k = TRYGG_KIND_CONCERN;
    if (kind == NULL) {
        if (!json_object_get(fields, "kind"))
            json_object_set_new(fields, "kind", json_string("required"));
    } else if (trygg_kind_parse(kind, &k) != TRYGG_OK ||
               (k != TRYGG_KIND_CONCERN && k != TRYGG_KIND_FAULT && k != TRYGG_KIND_WATCH_SIGNUP &&
                k != TRYGG_KIND_WALK_SIGNUP)) {
        json_object_set_new(fields, "kind", json_string("invalid"));
    }
    item->kind = k;
    int needs_cat = k == TRYGG_KIND_CONCERN || k == TRYGG_KIND_FAULT;

    const char *cat = opt_str(o, "category", fields);
    if (cat && *cat == '\0')
        cat = NULL; /* "" = none (sign-ups) */
    if (cat == NULL) {
        if (needs_cat && !json_object_get(fields, "category"))
            json_object_set_new(fields, "category", json_string("required"));
    } else if (!valid_name(cat)) {
        json_object_set_new(fields, "category", json_string("invalid"));
    } else {
        /* Unknown ids are accepted: a kiosk that was offline may hold an
         * item made with an older config, and a citizen's report is never
         * refused for that. */
        if (needs_cat && config_category_find(&ctx->cfg, (int)k, cat) == NULL)
            TRYGG_INFO("api: category '%s' not in the current config", cat);
        if (!TRYGG_COPY(item->category, cat))
            json_object_set_new(fields, "category", json_string("invalid"));
    }

    const char *area = opt_str(o, "area", fields);
    if (area && *area == '\0')
        area = NULL;
    if (area == NULL) {
        if (needs_cat && !json_object_get(fields, "area"))
            json_object_set_new(fields, "area", json_string("required"));
    } else if (!valid_name(area) || !TRYGG_COPY(item->area, area)) {
        json_object_set_new(fields, "area", json_string("invalid"));
    }

    parse_when_text_lang(o, item, fields);
    parse_contact_walk(o, item, k, fields);
}

/* After a new walk sign-up was committed: when the walk now has more
 * sign-ups than places, the sign-up is kept (a kiosk receipt may already
 * have acknowledged it, perhaps while the kiosk was offline) and an
 * "over_capacity" audit row (detail "signups/capacity") tells the
 * coordinator. Best effort: a failure is logged, the item stays. */
static void audit_over_capacity(trygg_store *st, const trygg_item *it)
{
    trygg_walk w;
    if (trygg_store_walk_get(st, it->walk_id, &w) != TRYGG_OK || w.capacity <= 0 ||
        w.signups <= w.capacity)
        return;
    char detail[48];
    snprintf(detail, sizeof detail, "%d/%d", w.signups, w.capacity);
    TRYGG_WARN("api: %s signs up for walk %lld over capacity (%s)", it->ref, (long long)w.id,
               detail);
    if (trygg_store_audit(st, it->id, "system", "over_capacity", detail) != TRYGG_OK)
        TRYGG_ERR("api: over-capacity audit of %s failed: %s", it->ref, trygg_store_errmsg(st));
}

/* 1 when the stored item `had` holds what the retry `sent` carries. */
static int same_submission(const trygg_item *sent, const trygg_item *had)
{
    if (had->purged) /* nothing left to compare: the retry of a long-gone item */
        return 1;
    return sent->kind == had->kind && sent->walk_id == had->walk_id &&
           sent->consent == had->consent && strcmp(sent->category, had->category) == 0 &&
           strcmp(sent->area, had->area) == 0 && strcmp(sent->place, had->place) == 0 &&
           strcmp(sent->when_date, had->when_date) == 0 &&
           strcmp(sent->when_band, had->when_band) == 0 && strcmp(sent->text, had->text) == 0 &&
           strcmp(sent->contact, had->contact) == 0 && strcmp(sent->source, had->source) == 0;
}

/* A walk sign-up must name a walk the server knows (a full one is still
 * taken, see intake.c: audit_over_capacity): "unknown" into `fields` if not.
 * A sign-up for a safety round (walks.round, issue 16) gets the category
 * "round", so routing.ini sends it to the rounds' coordinator. Returns the
 * store's error when it cannot tell. */
static trygg_err check_walk(trygg_store *st, trygg_item *item, json_t *fields)
{
    if (json_object_size(fields) != 0 || item->kind != TRYGG_KIND_WALK_SIGNUP)
        return TRYGG_OK;
    trygg_walk w;
    trygg_err we = trygg_store_walk_get(st, item->walk_id, &w);
    if (we == TRYGG_ERR_NOTFOUND) {
        json_object_set_new(fields, "walk_id", json_string("unknown"));
        return TRYGG_OK;
    }
    if (we == TRYGG_OK && w.round)
        TRYGG_COPY_FIT(item->category, "round");
    else if (we == TRYGG_OK)
        item->category[0] = '\0';
    return we;
}

/* The submission's reference: a kiosk-issued one ("ref", one of this
 * kiosk's prefixes; *kiosk_ref = 1) is stored exactly or refused (409);
 * without one, the legacy hash of the uuid as an older kiosk printed it
 * (docs/kiosk-api.md). Field errors into `fields`; returns the store's error
 * when it cannot tell. */
static trygg_err submission_ref(trygg_store *st, const trygg_kiosk *k, json_t *o, trygg_item *item,
                                json_t *fields, int *kiosk_ref)
{
    json_t *jref = json_object_get(o, "ref");
    if (jref) {
        char pfx[TRYGG_REF_PREFIX_LEN + 1];
        long seq = 0;
        const char *r = json_string_value(jref);
        if (!r || trygg_ref_normalise(r, item->ref) != TRYGG_OK ||
            trygg_ref_kiosk_parse(item->ref, pfx, &seq) != TRYGG_OK) {
            json_object_set_new(fields, "ref", json_string("invalid"));
        } else {
            trygg_err pe = trygg_store_kiosk_owns_prefix(st, k->id, pfx);
            if (pe == TRYGG_ERR_NOTFOUND) {
                json_object_set_new(fields, "ref", json_string("prefix"));
            } else if (pe != TRYGG_OK) {
                return pe;
            }
            *kiosk_ref = 1;
            /* Near the end of the current prefix's sequence space: issue the
             * next prefix now, the kiosk takes it with its next config
             * download while numbers are left under the old one. */
            if (pe == TRYGG_OK && strcmp(pfx, k->ref_prefix) == 0 &&
                seq >= TRYGG_REF_SEQ_COUNT - API_PREFIX_RESERVE) {
                char np[4];
                trygg_err ne = trygg_store_kiosk_new_prefix(st, k->id, np);
                if (ne == TRYGG_OK)
                    TRYGG_INFO("api: kiosk %s gets reference prefix %s after %s", k->id, np, pfx);
                else
                    TRYGG_ERR("api: no new reference prefix for kiosk %s: %s", k->id,
                              trygg_store_errmsg(st));
            }
        }
    }
    return TRYGG_OK;
}

/* The submission's follow-up secret ("follow", docs/kiosk-api.md) into
 * secret[]: 1 when the kiosk sent one, 0 when not; "invalid" into `fields`
 * for a malformed one. */
static int follow_secret(json_t *o, char secret[TRYGG_FOLLOW_SECRET_LEN + 1], json_t *fields)
{
    const char *s = opt_str(o, "follow", fields);
    if (s == NULL)
        return 0;
    if (!trygg_follow_secret_valid(s)) {
        json_object_set_new(fields, "follow", json_string("invalid"));
        return 0;
    }
    memcpy(secret, s, TRYGG_FOLLOW_SECRET_LEN + 1);
    return 1;
}

/* The 2xx answer to a stored submission, with the follow-up code. A new
 * item's hash was committed with it (intake_submit_follow: the kiosk's
 * secret, or one drawn for an older kiosk; `secret` holds it). A retry
 * with the kiosk's secret must match the stored hash (or gives the item
 * its first one); a retry without one gets no code (only the hash is kept). */
static void answer_submission(server_ctx *ctx, trygg_store *st, http_resp *resp,
                              const trygg_item *item, int created, const char *secret,
                              int kiosk_secret)
{
    char code[TRYGG_FOLLOW_CODE_LEN + 1] = "";
    if (!created && kiosk_secret) {
        char hash[65];
        trygg_follow_hash(ctx->pseudo_key, item->ref, secret, hash);
        trygg_err fe = trygg_store_follow_set(st, item->id, hash);
        if (fe == TRYGG_ERR_EXISTS) {
            TRYGG_WARN("api: %s retried with another follow-up secret", item->ref);
            api_error(resp, 409, "uuid_conflict");
            return;
        }
        if (fe != TRYGG_OK) {
            api_error_store(resp, fe);
            return;
        }
    }
    if ((created || kiosk_secret) && trygg_follow_code(item->ref, secret, code) != TRYGG_OK)
        code[0] = '\0';
    if (created && item->kind == TRYGG_KIND_WALK_SIGNUP)
        audit_over_capacity(st, item);
    json_t *out = json_object();
    json_object_set_new(out, "ref", json_string(item->ref));
    json_object_set_new(out, "status", json_string(trygg_status_name(item->status)));
    if (code[0])
        json_object_set_new(out, "follow_code", json_string(code));
    http_resp_json(resp, created ? 201 : 200, out);
}

static void h_submit(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_kiosk k;
    json_t *o;
    trygg_store *st = api_client_body(ctx, req, resp, TRYGG_ROLE_KIOSK, API_MAX_BODY, &k, &o);
    if (st == NULL)
        return;
    trygg_item *item = malloc(sizeof *item);
    json_t *fields = json_object();
    if (item == NULL || fields == NULL) {
        free(item);
        json_decref(fields);
        json_decref(o);
        api_error(resp, 503, "memory");
        return;
    }
    trygg_item_init(item);
    item->channel = TRYGG_CHANNEL_KIOSK;
    TRYGG_COPY_FIT(item->source, k.id);
    parse_submission(ctx, o, item, fields);
    char secret[TRYGG_FOLLOW_SECRET_LEN + 1] = "";
    int kiosk_secret = follow_secret(o, secret, fields);
    if (!kiosk_secret) /* an older kiosk: drawn here, off the committer's thread */
        trygg_follow_secret_new(secret);
    int kiosk_ref = 0;
    trygg_err pe = check_walk(st, item, fields);
    if (pe == TRYGG_OK)
        pe = submission_ref(st, &k, o, item, fields, &kiosk_ref);
    if (pe != TRYGG_OK) {
        json_decref(o);
        json_decref(fields);
        free(item);
        api_error_store(resp, pe);
        return;
    }
    json_decref(o);
    if (json_object_size(fields) > 0) {
        api_error_fields(resp, 400, "validation", fields);
        free(item);
        return;
    }
    if (!kiosk_ref)
        trygg_ref_from_key(item->client_key, item->ref);

    int created = 0;
    const char *bad = NULL;
    trygg_item *sent = malloc(sizeof *sent);
    if (sent)
        *sent = *item;
    trygg_err rc = sent ? intake_submit_follow(ctx, item, secret, &created, &bad) : TRYGG_ERR_NOMEM;
    if (rc == TRYGG_ERR_EXISTS && !kiosk_ref) {
        /* The legacy hash landed on a kiosk-shaped reference that is taken:
         * as before issue 12, the item gets a random server reference. */
        item->ref[0] = '\0';
        rc = intake_submit_follow(ctx, item, secret, &created, &bad);
    }
    if (rc == TRYGG_ERR_EXISTS) {
        /* The kiosk printed this reference; another item holds it. Never
         * silently another reference: the kiosk keeps it for staff. */
        TRYGG_ERR("api: kiosk %s reference %s (uuid %s) is taken by another item", k.id, sent->ref,
                  sent->client_key);
        json_decref(fields);
        api_error(resp, 409, "ref_taken");
        free(sent);
        free(item);
        return;
    }
    if (rc == TRYGG_OK && !created &&
        (!same_submission(sent, item) || (kiosk_ref && strcmp(sent->ref, item->ref) != 0))) {
        /* A kiosk's retry carries the same body; a different body under a
         * UUID already taken is a client error, never silently the old item. */
        TRYGG_WARN("api: kiosk %s reused uuid %s with a different body", k.id, item->client_key);
        json_decref(fields);
        api_error(resp, 409, "uuid_conflict");
        free(sent);
        free(item);
        return;
    }
    free(sent);
    if (rc == TRYGG_ERR_INVALID) {
        json_object_set_new(fields, bad ? bad : "item", json_string("invalid"));
        api_error_fields(resp, 400, "validation", fields);
    } else if (rc != TRYGG_OK) {
        json_decref(fields);
        api_error_store(resp, rc);
    } else {
        json_decref(fields);
        answer_submission(ctx, st, resp, item, created, secret, kiosk_secret);
    }
    free(item);
}

static json_t *labels(const char label[CONFIG_NLANGS][CONFIG_LABEL_MAX], const char *id)
{
    json_t *o = json_object();
    for (int i = 0; i < CONFIG_NLANGS; i++)
        if (label[i][0])
            json_object_set_new(o, config_langs[i], json_string(label[i]));
    if (json_object_size(o) == 0)
        json_object_set_new(o, "sv", json_string(id));
    return o;
}

static void iso_local(int64_t t, char out[32])
{
    trygg_time_iso(t, out, 32);
}

/* Where a receipt's QR code points: the public status page
 * (docs/follow-up.md), when the server knows its public https address. */
static void add_status_url(const server_ctx *ctx, json_t *root)
{
    char su[sizeof ctx->cfg.public_url + 4];
    size_t pl = strlen(ctx->cfg.public_url);
    while (pl > 0 && ctx->cfg.public_url[pl - 1] == '/')
        pl--;
    if (pl > 0 && strncmp(ctx->cfg.public_url, "https://", 8) == 0) {
        snprintf(su, sizeof su, "%.*s/s/", (int)pl, ctx->cfg.public_url);
        json_object_set_new(root, "status_url", json_string(su));
    }
}

/* The place register (server.ini [place ID]): a fault asks where exactly,
 * from the places of its area (issue 16, defect 7). And the days each kind
 * is kept, as the purge enforces them (server.ini [retention], else the
 * store's defaults): the kiosk's consent texts show these numbers and no
 * others (issue 16, defect 1). */
static void add_places_retention(const server_ctx *ctx, trygg_store *st, json_t *root)
{
    json_t *places = json_array();
    const trygg_geo *geo = ctx->cfg.catalog ? ctx->cfg.catalog->geo : NULL;
    for (int i = 0; geo && i < geo->nplaces; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "id", json_string(geo->places[i].id));
        json_object_set_new(e, "label", json_string(geo->places[i].label));
        json_object_set_new(e, "area", json_string(geo->places[i].area));
        json_array_append_new(places, e);
    }
    json_object_set_new(root, "places", places);
    json_t *ret = json_object();
    for (int kind = 0; kind < TRYGG_KIND_COUNT; kind++)
        json_object_set_new(ret, trygg_kind_name((trygg_kind)kind),
                            json_integer(trygg_store_retention(st, (trygg_kind)kind)));
    json_object_set_new(root, "retention", ret);
}

json_t *api_kiosk_config(server_ctx *ctx, trygg_store *st, const trygg_kiosk *k)
{
    server_catalog *cat = ctx->cfg.catalog;
    json_t *root = json_object();
    json_t *cats = json_object();
    for (int i = 0; cat && i < cat->ncats; i++) {
        const config_category *c = &cat->cats[i];
        const char *kn = trygg_kind_name(c->kind);
        json_t *arr = json_object_get(cats, kn);
        if (arr == NULL) {
            arr = json_array();
            json_object_set_new(cats, kn, arr);
        }
        json_t *e = json_object();
        json_object_set_new(e, "id", json_string(c->id));
        json_object_set_new(e, "label", labels(c->label, c->id));
        if (c->group[0])
            json_object_set_new(e, "group", json_string(c->group));
        json_array_append_new(arr, e);
    }
    json_object_set_new(root, "categories", cats);

    json_t *areas = json_array();
    for (int i = 0; cat && i < cat->nareas; i++) {
        const config_area *a = &cat->areas[i];
        json_t *e = json_object();
        json_object_set_new(e, "id", json_string(a->id));
        json_object_set_new(e, "label", labels(a->label, a->id));
        if (a->group[0])
            json_object_set_new(e, "group", json_string(a->group));
        json_array_append_new(areas, e);
    }
    json_object_set_new(root, "areas", areas);

    int64_t now = (int64_t)time(NULL);
    enum { MAXW = 32, MAXN = 16 };
    trygg_walk *walks = calloc(MAXW, sizeof *walks);
    trygg_notice *notices = calloc(MAXN, sizeof *notices);
    int nw = 0, nn = 0;
    trygg_err rc = walks && notices ? TRYGG_OK : TRYGG_ERR_NOMEM;
    if (rc == TRYGG_OK)
        rc = trygg_store_walk_list(st, now, walks, MAXW, &nw);
    if (rc == TRYGG_OK)
        rc = trygg_store_notice_list(st, now, notices, MAXN, &nn);
    if (rc != TRYGG_OK) {
        free(walks);
        free(notices);
        json_decref(root);
        return NULL;
    }
    json_t *wa = json_array();
    for (int i = 0; i < nw; i++) {
        char ts[32];
        iso_local(walks[i].starts, ts);
        json_t *e = json_object();
        json_object_set_new(e, "id", json_integer(walks[i].id));
        json_object_set_new(e, "starts", json_string(ts));
        json_object_set_new(e, "area", json_string(walks[i].area));
        json_object_set_new(e, "place", json_string(walks[i].place));
        json_object_set_new(e, "meeting_point", json_string(walks[i].meeting_point));
        json_object_set_new(e, "capacity", json_integer(walks[i].capacity));
        json_object_set_new(e, "signups", json_integer(walks[i].signups));
        if (walks[i].round)
            json_object_set_new(e, "round", json_true());
        json_array_append_new(wa, e);
    }
    json_object_set_new(root, "walks", wa);
    json_t *na = json_array();
    for (int i = 0; i < nn; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "lang", json_string(notices[i].lang));
        json_object_set_new(e, "text", json_string(notices[i].text));
        json_array_append_new(na, e);
    }
    json_object_set_new(root, "notices", na);
    free(walks);
    free(notices);

    static const char *const link_keys[] = {
        "police_tip_url",          "police_tip_phone",  "emergency",
        "police_report_url",       "child_concern_url", "child_concern_phone",
        "parent_municipality_url", "parent_police_url"};
    json_t *links = json_object();
    for (size_t i = 0; i < sizeof link_keys / sizeof link_keys[0]; i++) {
        const char *v = ctx->routes ? trygg_routes_link(ctx->routes, link_keys[i]) : NULL;
        if (v)
            json_object_set_new(links, link_keys[i], json_string(v));
    }
    json_object_set_new(root, "links", links);
    /* The prefix of the references this kiosk issues itself (ref.h); a new
     * one replaces it when its sequence space runs low (see h_submit). */
    if (k && trygg_ref_prefix_valid(k->ref_prefix))
        json_object_set_new(root, "ref_prefix", json_string(k->ref_prefix));
    add_status_url(ctx, root);
    add_places_retention(ctx, st, root);
    return root;
}

/* If-None-Match holds `etag` (a list, or "*"). */
static int etag_matches(const char *inm, const char *etag)
{
    if (inm == NULL)
        return 0;
    if (strcmp(inm, "*") == 0)
        return 1;
    size_t n = strlen(etag);
    for (const char *p = inm; (p = strstr(p, etag)) != NULL; p += n) {
        char after = p[n];
        if (after == '\0' || after == ',' || after == ' ')
            return 1;
    }
    return 0;
}

static void h_config(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_kiosk k;
    trygg_store *st = kiosk_store(ctx, req, resp, &k);
    if (st == NULL)
        return;
    json_t *cfg = api_kiosk_config(ctx, st, &k);
    char *body = cfg ? json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(cfg);
    if (body == NULL) {
        api_error(resp, 503, "store");
        return;
    }
    char hash[65], etag[40];
    trygg_token_hash(body, hash);
    snprintf(etag, sizeof etag, "\"%.32s\"", hash);
    if (etag_matches(http_header(req, "If-None-Match"), etag)) {
        http_resp_set(resp, 304, "application/json", "", 0);
    } else {
        http_resp_set(resp, 200, "application/json", body, strlen(body));
    }
    free(body);
    http_resp_header(resp, "ETag", etag);
    http_resp_header(resp, "Cache-Control", "no-cache");
}

static void h_heartbeat(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_kiosk k;
    json_t *o;
    trygg_store *st = api_client_body(ctx, req, resp, TRYGG_ROLE_KIOSK, API_MAX_BODY, &k, &o);
    if (st == NULL)
        return;
    json_t *fields = json_object();
    const char *version = opt_str(o, "version", fields);
    const char *last_error = opt_str(o, "last_error", fields);
    json_t *depth = json_object_get(o, "outbox_depth");
    int d = 0;
    if (version &&
        (strlen(version) >= sizeof k.version || !trygg_utf8_valid(version, strlen(version))))
        json_object_set_new(fields, "version", json_string("invalid"));
    if (last_error && (strlen(last_error) >= sizeof k.last_error ||
                       !trygg_utf8_valid(last_error, strlen(last_error))))
        json_object_set_new(fields, "last_error", json_string("too_long"));
    if (depth && !json_is_null(depth)) {
        if (!json_is_integer(depth) || json_integer_value(depth) < 0 ||
            json_integer_value(depth) > 10000000)
            json_object_set_new(fields, "outbox_depth", json_string("invalid"));
        else
            d = (int)json_integer_value(depth);
    }
    if (json_object_size(fields) > 0) {
        json_decref(o);
        api_error_fields(resp, 400, "validation", fields);
        return;
    }
    json_decref(fields);
    trygg_err rc = trygg_store_kiosk_heartbeat(st, k.id, version ? version : "", d,
                                               last_error ? last_error : "");
    json_decref(o);
    if (rc != TRYGG_OK) {
        api_error_store(resp, rc);
        return;
    }
    http_resp_set(resp, 204, "application/json", "", 0);
}

/* "Följ ditt ärende" on the kiosk (issue 16): the status of a follow-up
 * code typed at the kiosk, by the status page's own look-up (web_status.c:
 * constant-time, one answer for every code that opens nothing). Limited per
 * kiosk like the page per address: a burst of STATUS_BURST, then
 * STATUS_PER_MINUTE a minute (429 with Retry-After). Only the state word
 * and two dates: never the text, place, contact or reply. */
static void h_status(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_kiosk k;
    json_t *o;
    if (api_client_body(ctx, req, resp, TRYGG_ROLE_KIOSK, 1024, &k, &o) == NULL)
        return;
    const char *code = json_string_value(json_object_get(o, "code"));
    if (code == NULL || strlen(code) > 64) {
        json_decref(o);
        api_error_fields(resp, 400, "validation", json_pack("{s:s}", "code", "invalid"));
        return;
    }
    char key[TRYGG_NAME_MAX + 8];
    snprintf(key, sizeof key, "kiosk:%s", k.id);
    int retry = 0;
    if (!rl_allow(ctx->status_limit, key, (int64_t)time(NULL) * 1000, &retry)) {
        json_decref(o);
        char ra[16];
        snprintf(ra, sizeof ra, "%d", retry > 0 ? retry : 1);
        api_error(resp, 429, "too_many");
        http_resp_header(resp, "Retry-After", ra);
        return;
    }
    char state[24] = "";
    int64_t created = 0, updated = 0;
    int found = status_lookup(ctx, code, state, &created, &updated);
    json_decref(o);
    if (found < 0) {
        api_error(resp, 503, "store");
        return;
    }
    if (found == 0) {
        api_error(resp, 404, "not_found");
        return;
    }
    char d1[16], d2[16];
    if (trygg_time_format(created, "%Y-%m-%d", d1, sizeof d1) == 0)
        d1[0] = '\0';
    if (trygg_time_format(updated, "%Y-%m-%d", d2, sizeof d2) == 0)
        d2[0] = '\0';
    json_t *a = json_pack("{s:s, s:s, s:s}", "status", state, "received", d1, "changed", d2);
    char *body = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    if (body == NULL) {
        api_error(resp, 503, "store");
        return;
    }
    http_resp_set(resp, 200, "application/json", body, strlen(body));
    http_resp_header(resp, "Cache-Control", "no-store");
    free(body);
}

const http_route api_routes[] = {
    {"POST", "/api/v1/submissions", API_MAX_BODY, h_submit},
    {"GET", "/api/v1/kiosk/config", 0, h_config},
    {"POST", "/api/v1/kiosk/heartbeat", API_MAX_BODY, h_heartbeat},
    {"POST", "/api/v1/kiosk/status", 1024, h_status},
};
const int api_nroutes = sizeof api_routes / sizeof api_routes[0];
