/*
 * open311.c — a GeoReport v2 subset for fault reports (felanmälan):
 *   GET  /open311/v2/services.json          the fault categories
 *   POST /open311/v2/requests.json          file a fault (form-encoded or JSON)
 *   GET  /open311/v2/requests/{id}.json     status of one fault by its reference
 *   GET  /open311/v2/requests.json          faults by ids or filters (service_code,
 *                                           status, start_date, end_date)
 * Field names and the error format follow the GeoReport v2 specification.
 * Contact fields (email, phone, first/last name) are kept only when the
 * client also sends consent=true; the public status view never shows the
 * description, contact data or anything but faults.
 */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "config.h"
#include "intake.h"
#include "trygg/log.h"
#include "trygg/ref.h"
#include "trygg/secret.h"
#include "trygg/text.h"

#define O311_MAX_BODY (64 * 1024)

static void errors_resp(http_resp *resp, int status, json_t *errs)
{
    http_resp_json(resp, status, errs);
}

static void one_error(http_resp *resp, int status, const char *desc)
{
    json_t *a = json_array();
    json_t *e = json_object();
    json_object_set_new(e, "code", json_integer(status));
    json_object_set_new(e, "description", json_string(desc));
    json_array_append_new(a, e);
    errors_resp(resp, status, a);
}

static void add_error(json_t *errs, const char *desc)
{
    json_t *e = json_object();
    json_object_set_new(e, "code", json_integer(400));
    json_object_set_new(e, "description", json_string(desc));
    json_array_append_new(errs, e);
}

static const char *lang_of(const http_req *req)
{
    const char *l = http_query(req, "lang");
    for (int i = 0; l && i < CONFIG_NLANGS; i++)
        if (strcmp(l, config_langs[i]) == 0)
            return l;
    return "sv";
}

static void h_services(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    const char *lang = lang_of(req);
    json_t *a = json_array();
    server_catalog *k = ctx->cfg.catalog;
    for (int i = 0; k && i < k->ncats; i++) {
        const config_category *c = &k->cats[i];
        if (c->kind != TRYGG_KIND_FAULT)
            continue;
        json_t *s = json_object();
        json_object_set_new(s, "service_code", json_string(c->id));
        json_object_set_new(s, "service_name", json_string(config_label(c->label, lang, c->id)));
        json_object_set_new(s, "description", json_string(c->description));
        json_object_set_new(s, "metadata", json_false());
        json_object_set_new(s, "type", json_string("realtime"));
        json_object_set_new(s, "keywords", json_string(c->keywords));
        json_object_set_new(s, "group", json_string(c->group));
        json_array_append_new(a, s);
    }
    http_resp_json(resp, 200, a);
    http_resp_header(resp, "Cache-Control", "max-age=300");
}

/* The request's parameters, from a form or a JSON object. */
typedef struct params {
    const http_req *req;
    json_t *obj;
    char num[8][40]; /* numbers from JSON as text */
    int nnum;
} params;

static const char *param(params *p, const char *name)
{
    if (p->obj == NULL)
        return http_form(p->req, name);
    json_t *v = json_object_get(p->obj, name);
    if (json_is_string(v))
        return json_string_value(v);
    if ((json_is_number(v) || json_is_boolean(v)) && p->nnum < 8) {
        char *out = p->num[p->nnum++];
        if (json_is_integer(v))
            snprintf(out, 40, "%lld", (long long)json_integer_value(v));
        else if (json_is_real(v))
            snprintf(out, 40, "%.8f", json_real_value(v));
        else
            snprintf(out, 40, "%s", json_is_true(v) ? "true" : "false");
        return out;
    }
    return NULL;
}

static int parse_coord(const char *s, double lo, double hi, double *out)
{
    if (s == NULL || *s == '\0')
        return 0;
    char *end;
    double v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 1;
}

static int key_ok(server_ctx *ctx, const char *key)
{
    server_catalog *k = ctx->cfg.catalog;
    if (k == NULL || k->nopen311_keys == 0)
        return !(k && k->open311_require_key);
    if (key == NULL)
        return !k->open311_require_key;
    for (int i = 0; i < k->nopen311_keys; i++)
        if (strlen(key) == strlen(k->open311_keys[i]) &&
            sodium_memcmp(key, k->open311_keys[i], strlen(key)) == 0)
            return 1;
    return 0;
}

static int truthy(const char *v)
{
    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0);
}

static void h_post(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    params p = {.req = req};
    const char *ct = http_header(req, "Content-Type");
    if (ct && strncasecmp(ct, "application/json", 16) == 0) {
        json_error_t je;
        p.obj = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_object(p.obj)) {
            json_decref(p.obj);
            one_error(resp, 400, "body is not a JSON object");
            return;
        }
    } else if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
        one_error(resp, 415, "use application/x-www-form-urlencoded or application/json");
        return;
    }

    const char *key = param(&p, "api_key");
    if (!key_ok(ctx, key)) {
        json_decref(p.obj);
        one_error(resp, 403, "api_key is missing or not valid");
        return;
    }

    trygg_item *it = malloc(sizeof *it);
    json_t *errs = json_array();
    if (it == NULL || errs == NULL) {
        free(it);
        json_decref(errs);
        json_decref(p.obj);
        one_error(resp, 503, "out of memory");
        return;
    }
    trygg_item_init(it);
    it->kind = TRYGG_KIND_FAULT;
    it->channel = TRYGG_CHANNEL_OPEN311;
    snprintf(it->source, sizeof it->source, "open311");

    const char *code = param(&p, "service_code");
    const config_category *cat = NULL;
    if (code == NULL || *code == '\0')
        add_error(errs, "service_code was not provided");
    else if ((cat = config_category_find(&ctx->cfg, TRYGG_KIND_FAULT, code)) == NULL)
        add_error(errs, "service_code is not a known service");
    else
        snprintf(it->category, sizeof it->category, "%s", cat->id);

    const char *desc = param(&p, "description");
    if (desc == NULL || *desc == '\0')
        add_error(errs, "description was not provided");
    else if (strlen(desc) > TRYGG_TEXT_MAX)
        add_error(errs, "description is longer than 4000 bytes");
    else if (!trygg_utf8_valid(desc, strlen(desc)))
        add_error(errs, "description is not valid UTF-8");
    else
        snprintf(it->text, sizeof it->text, "%s", desc);

    double lat = 0, lon = 0;
    int hl = parse_coord(param(&p, "lat"), -90, 90, &lat);
    int hg = parse_coord(param(&p, "long"), -180, 180, &lon);
    const char *addr = param(&p, "address_string");
    if (hl < 0 || hg < 0 || hl != hg)
        add_error(errs, "lat and long must both be given as decimal degrees");
    if (addr && *addr) {
        if (strlen(addr) > TRYGG_NAME_MAX || !trygg_utf8_valid(addr, strlen(addr)))
            add_error(errs, "address_string is longer than 63 bytes or not UTF-8");
        else
            snprintf(it->place, sizeof it->place, "%s", addr);
    } else if (hl == 1 && hg == 1) {
        snprintf(it->place, sizeof it->place, "%.6f,%.6f", lat, lon);
    } else if (hl >= 0 && hg >= 0) {
        add_error(errs, "lat/long or address_string is required");
    }

    const char *area = param(&p, "attribute[area]");
    if (area == NULL)
        area = param(&p, "area");
    if (area && *area) {
        if (config_area_find(&ctx->cfg, area) == NULL)
            add_error(errs, "area is not a known area");
        else
            snprintf(it->area, sizeof it->area, "%s", area);
    } else {
        snprintf(it->area, sizeof it->area, "other");
    }

    /* Contact data only with explicit consent; otherwise not kept at all. */
    if (truthy(param(&p, "consent"))) {
        const char *parts[] = {param(&p, "first_name"), param(&p, "last_name"), param(&p, "email"),
                               param(&p, "phone")};
        char contact[TRYGG_CONTACT_MAX + 1] = "";
        size_t n = 0;
        int over = 0;
        for (int i = 0; i < 4; i++) {
            if (parts[i] == NULL || *parts[i] == '\0')
                continue;
            if (!trygg_utf8_valid(parts[i], strlen(parts[i])))
                over = 1;
            int w = snprintf(contact + n, sizeof contact - n, "%s%s", n ? " " : "", parts[i]);
            if (w < 0 || (size_t)w >= sizeof contact - n)
                over = 1;
            else
                n += (size_t)w;
        }
        if (over)
            add_error(errs, "contact fields are longer than 400 bytes or not UTF-8");
        else if (n > 0) {
            it->consent = 1;
            snprintf(it->contact, sizeof it->contact, "%s", contact);
        }
    }
    json_decref(p.obj);

    if (json_array_size(errs) > 0) {
        errors_resp(resp, 400, errs);
        free(it);
        return;
    }
    json_decref(errs);

    char tok[64];
    trygg_token_new(tok);
    snprintf(it->client_key, sizeof it->client_key, "o311-%.40s", tok);
    int created = 0;
    const char *bad = NULL;
    trygg_err rc = intake_submit(ctx, it, &created, &bad);
    if (rc == TRYGG_ERR_INVALID) {
        char d[128];
        snprintf(d, sizeof d, "invalid field %s", bad ? bad : "?");
        one_error(resp, 400, d);
    } else if (rc != TRYGG_OK) {
        one_error(resp, api_status_for(rc), "the request could not be stored, try again");
    } else {
        json_t *a = json_array();
        json_t *o = json_object();
        json_object_set_new(o, "service_request_id", json_string(it->ref));
        server_catalog *k = ctx->cfg.catalog;
        json_object_set_new(o, "service_notice", json_string(k ? k->open311_notice : ""));
        json_object_set_new(o, "account_id", json_null());
        json_array_append_new(a, o);
        http_resp_json(resp, 201, a);
    }
    free(it);
}

static void iso(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    char z[8];
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(z, sizeof z, "%z", &tm);
    size_t n = strlen(out);
    if (strlen(z) == 5)
        snprintf(out + n, 32 - n, "%.3s:%.2s", z, z + 3);
}

/* The public view of a fault: status, service, times, address. Never the
 * description or contact data. */
static json_t *request_json(server_ctx *ctx, const trygg_item *it, const char *lang)
{
    const config_category *c = config_category_find(&ctx->cfg, TRYGG_KIND_FAULT, it->category);
    char created[32], updated[32];
    iso(it->created, created);
    iso(it->updated, updated);
    json_t *o = json_object();
    json_object_set_new(o, "service_request_id", json_string(it->ref));
    int closed = it->status == TRYGG_STATUS_CLOSED;
    json_object_set_new(o, "status", json_string(closed ? "closed" : "open"));
    json_object_set_new(o, "status_notes",
                        json_string(closed ? trygg_close_reason_name(it->close_reason)
                                           : trygg_status_name(it->status)));
    json_object_set_new(o, "service_name",
                        json_string(c ? config_label(c->label, lang, c->id) : it->category));
    json_object_set_new(o, "service_code", json_string(it->category));
    json_object_set_new(o, "requested_datetime", json_string(created));
    json_object_set_new(o, "updated_datetime", json_string(updated));
    json_object_set_new(o, "address", json_string(it->purged ? "" : it->place));
    return o;
}

/* YYYY-MM-DD[...] (ISO 8601, the date part) as local midnight; 0 if bad. */
static int64_t parse_date(const char *s)
{
    int y, m, d;
    if (s == NULL || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 2000 || y > 2100 || m < 1 ||
        m > 12 || d < 1 || d > 31)
        return 0;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
    return (int64_t)mktime(&tm);
}

#define LIST_MAX 100

/* GET /open311/v2/requests.json: by service_request_id (comma list), or the
 * newest faults filtered by service_code, status, start_date, end_date
 * (default: the last 90 days), at most LIST_MAX. */
static void h_list(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    trygg_store *st = server_store(ctx);
    trygg_item *items = calloc(LIST_MAX, sizeof *items);
    if (st == NULL || items == NULL) {
        free(items);
        one_error(resp, 503, "store unavailable");
        return;
    }
    const char *lang = lang_of(req);
    json_t *a = json_array();
    trygg_err rc = TRYGG_OK;
    const char *ids = http_query(req, "service_request_id");
    if (ids) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", ids);
        char *save = NULL;
        int k = 0;
        for (char *t = strtok_r(buf, ",", &save); t && k < LIST_MAX;
             t = strtok_r(NULL, ",", &save), k++) {
            char ref[TRYGG_REF_LEN + 1];
            if (trygg_ref_normalise(t, ref) != TRYGG_OK)
                continue;
            trygg_err e = trygg_store_get_by_ref_view(st, ref, TRYGG_VIEW_SHARED, &items[0]);
            if (e == TRYGG_OK && items[0].kind == TRYGG_KIND_FAULT)
                json_array_append_new(a, request_json(ctx, &items[0], lang));
            else if (e != TRYGG_OK && e != TRYGG_ERR_NOTFOUND)
                rc = e;
        }
    } else {
        trygg_filter f;
        trygg_filter_init(&f);
        f.kind = TRYGG_KIND_FAULT;
        const char *code = http_query(req, "service_code");
        const char *status = http_query(req, "status");
        if (code && *code) {
            if (config_category_find(&ctx->cfg, TRYGG_KIND_FAULT, code) == NULL) {
                json_decref(a);
                free(items);
                one_error(resp, 400, "service_code is not a known service");
                return;
            }
            snprintf(f.category, sizeof f.category, "%s", code);
        }
        if (status && strcmp(status, "open") == 0)
            f.open_only = 1;
        else if (status && strcmp(status, "closed") == 0)
            f.status = TRYGG_STATUS_CLOSED;
        else if (status && *status) {
            json_decref(a);
            free(items);
            one_error(resp, 400, "status must be open or closed");
            return;
        }
        const char *sd = http_query(req, "start_date"), *ed = http_query(req, "end_date");
        f.from = sd ? parse_date(sd) : (int64_t)time(NULL) - 90 * 86400;
        f.to = ed ? parse_date(ed) + 86400 : 0;
        if ((sd && f.from == 0) || (ed && f.to == 86400)) {
            json_decref(a);
            free(items);
            one_error(resp, 400, "start_date and end_date are ISO 8601 dates");
            return;
        }
        int n = 0;
        rc = trygg_store_list(st, &f, NULL, items, LIST_MAX, &n, NULL);
        for (int i = 0; rc == TRYGG_OK && i < n; i++)
            json_array_append_new(a, request_json(ctx, &items[i], lang));
    }
    free(items);
    if (rc != TRYGG_OK) {
        json_decref(a);
        one_error(resp, api_status_for(rc), "store unavailable");
        return;
    }
    http_resp_json(resp, 200, a);
}

static void h_get(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    const char *prefix = "/open311/v2/requests/";
    const char *id = req->path + strlen(prefix);
    size_t n = strlen(id);
    if (n < 6 || n > 20 || strcmp(id + n - 5, ".json") != 0) {
        one_error(resp, 404, "use /open311/v2/requests/{service_request_id}.json");
        return;
    }
    char raw[24], ref[TRYGG_REF_LEN + 1];
    snprintf(raw, sizeof raw, "%.*s", (int)(n - 5), id);
    trygg_store *st = server_store(ctx);
    if (st == NULL) {
        one_error(resp, 503, "store unavailable");
        return;
    }
    trygg_item *it = malloc(sizeof *it);
    trygg_err rc = it ? TRYGG_OK : TRYGG_ERR_NOMEM;
    if (rc == TRYGG_OK)
        rc = trygg_ref_normalise(raw, ref) == TRYGG_OK
                 ? trygg_store_get_by_ref_view(st, ref, TRYGG_VIEW_SHARED, it)
                 : TRYGG_ERR_NOTFOUND;
    /* Only faults are public; anything else looks exactly like "not found". */
    if (rc == TRYGG_OK && it->kind != TRYGG_KIND_FAULT)
        rc = TRYGG_ERR_NOTFOUND;
    if (rc == TRYGG_ERR_NOTFOUND || rc == TRYGG_ERR_INVALID) {
        one_error(resp, 404, "no such service request");
    } else if (rc != TRYGG_OK) {
        one_error(resp, api_status_for(rc), "store unavailable");
    } else {
        json_t *a = json_array();
        json_array_append_new(a, request_json(ctx, it, lang_of(req)));
        http_resp_json(resp, 200, a);
    }
    free(it);
}

const http_route open311_routes[] = {
    {"GET", "/open311/v2/services.json", 0, h_services},
    {"POST", "/open311/v2/requests.json", O311_MAX_BODY, h_post},
    {"GET", "/open311/v2/requests.json", 0, h_list},
    {"GET", "/open311/v2/requests/*", 0, h_get},
};
const int open311_nroutes = sizeof open311_routes / sizeof open311_routes[0];
