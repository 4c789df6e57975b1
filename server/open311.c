/*
 * open311.c — Open311 GeoReport v2 for fault reports (felanmälan). Every
 * resource comes as XML (the specification's default) or JSON, chosen by the
 * path's suffix: ".json" gives JSON, ".xml" or no suffix gives XML.
 *   GET  /open311/discovery.{fmt}, /open311/v2/discovery.{fmt}
 *                                         service discovery
 *   GET  /open311/v2/services.{fmt}       the fault categories (config)
 *   GET  /open311/v2/services/{code}.{fmt} a service definition (attribute area)
 *   POST /open311/v2/requests.{fmt}       file a fault (form-encoded or JSON)
 *   GET  /open311/v2/requests/{id}.{fmt}  status of one fault by its reference
 *   GET  /open311/v2/requests.{fmt}       faults by ids or filters (service_code,
 *                                         status: comma lists; start_date,
 *                                         end_date: W3C date-times with zone)
 *   anything else under /open311/         404 / 405 in the spec's error list
 * Field names and the error list follow the specification; each answer is
 * built once as a jansson document and written as JSON or, through
 * open311_xml.c, as XML.
 * Contact fields (email, phone, first/last name) are kept only when the
 * client also sends consent=true. The public status view reads the
 * recipients' copy (TRYGG_VIEW_SHARED) and never shows the description,
 * contact data or anything but faults.
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

#include "trygg/copy.h"
#include "trygg/time.h"
#include "api.h"
#include "config.h"
#include "intake.h"
#include "open311_xml.h"
#include "ratelimit.h"
#include "trygg/i18n.h"
#include "trygg/log.h"
#include "trygg/ref.h"
#include "trygg/secret.h"
#include "trygg/text.h"

#define O311_MAX_BODY (64 * 1024)
/* A fault filed with only an address_id keeps it in the place, after this
 * prefix; GET shows it back as address_id. */
#define ADDRESS_ID_PREFIX "address_id:"

typedef enum fmt { FMT_XML, FMT_JSON } fmt;

/* The format a path asks for: ".json" at the end gives JSON, anything else
 * (".xml", no suffix) XML, the specification's default. */
static fmt fmt_of(const char *path)
{
    size_t n = strlen(path);
    return n >= 5 && strcmp(path + n - 5, ".json") == 0 ? FMT_JSON : FMT_XML;
}

/* Sends `doc` (stolen) as JSON or as XML with root element `root`. */
static void send_doc(http_resp *resp, int status, fmt f, const char *root, json_t *doc)
{
    char *body = NULL;
    size_t len = 0;
    int rc = -1;
    if (doc == NULL) {
        rc = -1;
    } else if (f == FMT_JSON) {
        body = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(10));
        rc = body ? http_resp_set(resp, status, "application/json", body, strlen(body)) : -1;
    } else if (open311_xml(root, doc, &body, &len) == 0) {
        rc = http_resp_set(resp, status, "text/xml; charset=utf-8", body, len);
    }
    free(body);
    json_decref(doc);
    if (rc != 0)
        http_resp_set(resp, 503, "text/plain", "out of memory\n", 14);
}

static void add_error_code(json_t *errs, int code, const char *desc)
{
    json_t *e = json_object();
    json_object_set_new(e, "code", json_integer(code));
    json_object_set_new(e, "description", json_string(desc));
    json_array_append_new(errs, e);
}

static void add_error(json_t *errs, const char *desc)
{
    add_error_code(errs, 400, desc);
}

/* The specification's error list with one error. */
static void one_error(http_resp *resp, fmt f, int status, const char *desc)
{
    json_t *a = json_array();
    add_error_code(a, status, desc);
    send_doc(resp, status, f, "errors", a);
}

void open311_error_body(void *ctx, const http_req *req, int status, http_resp *resp)
{
    (void)ctx;
    if (strncmp(req->path, "/open311/", 9) != 0)
        return;
    const char *desc = status == 400   ? "the request is malformed"
                       : status == 404 ? "not found"
                       : status == 405 ? "method not allowed"
                       : status == 413 ? "the request is too large"
                       : status == 501 ? "not implemented"
                                       : "error";
    one_error(resp, fmt_of(req->path), status, desc);
}

static const char *lang_of(const http_req *req)
{
    const char *l = http_query(req, "lang");
    for (int i = 0; l && i < CONFIG_NLANGS; i++)
        if (strcmp(l, config_langs[i]) == 0)
            return l;
    return "sv";
}

/* W3C date-time in the server's zone with its offset, e.g.
 * 2026-11-30T08:00:00+01:00. */
static void iso(int64_t t, char out[32])
{
    trygg_time_iso(t, out, 32);
}

/* GET /open311/v2/services.{fmt}: the fault categories. */
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
        /* The one attribute (area, services/{code}) is optional. */
        json_object_set_new(s, "metadata", json_false());
        json_object_set_new(s, "type", json_string("realtime"));
        json_object_set_new(s, "keywords", json_string(c->keywords));
        json_object_set_new(s, "group", json_string(c->group));
        json_array_append_new(a, s);
    }
    send_doc(resp, 200, fmt_of(req->path), "services", a);
    http_resp_header(resp, "Cache-Control", "max-age=300");
}

/* Copies the last path segment after `prefix` without its ".json"/".xml"
 * suffix into out[cap]; 0 if the path has no such segment or it is empty or
 * too long. */
static int segment(const char *path, const char *prefix, char *out, size_t cap)
{
    size_t pl = strlen(prefix);
    if (strncmp(path, prefix, pl) != 0)
        return 0;
    const char *s = path + pl;
    size_t n = strlen(s);
    if (n >= 5 && strcmp(s + n - 5, ".json") == 0)
        n -= 5;
    else if (n >= 4 && strcmp(s + n - 4, ".xml") == 0)
        n -= 4;
    if (n == 0 || n >= cap || memchr(s, '/', n))
        return 0;
    memcpy(out, s, n);
    out[n] = '\0';
    return 1;
}

/* GET /open311/v2/services/{service_code}.{fmt}: the service definition.
 * Its one attribute is the area (a list of the configured areas; optional,
 * sent as attribute[area]). */
static void h_definition(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    fmt f = fmt_of(req->path);
    const char *lang = lang_of(req);
    char code[TRYGG_NAME_MAX + 1];
    const config_category *c = NULL;
    if (segment(req->path, "/open311/v2/services/", code, sizeof code))
        c = config_category_find(&ctx->cfg, TRYGG_KIND_FAULT, code);
    if (c == NULL) {
        one_error(resp, f, 404, "service_code was not found");
        return;
    }
    json_t *values = json_array();
    server_catalog *k = ctx->cfg.catalog;
    for (int i = 0; k && i < k->nareas; i++) {
        json_t *v = json_object();
        json_object_set_new(v, "key", json_string(k->areas[i].id));
        json_object_set_new(v, "name",
                            json_string(config_label(k->areas[i].label, lang, k->areas[i].id)));
        json_array_append_new(values, v);
    }
    json_t *attr = json_object();
    json_object_set_new(attr, "variable", json_true());
    json_object_set_new(attr, "code", json_string("area"));
    json_object_set_new(attr, "datatype", json_string("singlevaluelist"));
    json_object_set_new(attr, "required", json_false());
    json_object_set_new(attr, "datatype_description", json_null());
    json_object_set_new(attr, "order", json_integer(1));
    json_object_set_new(attr, "description",
                        json_string(ctx->web_text
                                        ? trygg_i18n_get(ctx->web_text, lang, "open311.attr_area")
                                        : "area"));
    json_object_set_new(attr, "values", values);
    json_t *attrs = json_array();
    json_array_append_new(attrs, attr);
    json_t *d = json_object();
    json_object_set_new(d, "service_code", json_string(c->id));
    json_object_set_new(d, "attributes", attrs);
    send_doc(resp, 200, f, "service_definition", d);
    http_resp_header(resp, "Cache-Control", "max-age=300");
}

/* The server's public address: [server] public_url, else the Host the
 * client used. */
static void base_url(server_ctx *ctx, const http_req *req, char *out, size_t cap)
{
    if (ctx->cfg.public_url[0]) {
        trygg_copy_trunc(out, cap, ctx->cfg.public_url); /* the config's limit is below cap */
        size_t n = strlen(out);
        while (n > 0 && out[n - 1] == '/')
            out[--n] = '\0';
        return;
    }
    const char *host = http_header(req, "Host");
    if (host == NULL || *host == '\0' || strlen(host) > 200 ||
        strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
            strlen(host))
        host = "localhost";
    snprintf(out, cap, "%s://%s", req->tls ? "https" : "http", host);
}

/* GET /open311/discovery.{fmt} and /open311/v2/discovery.{fmt}. */
static void h_discovery(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    fmt f = fmt_of(req->path);
    const char *d = strstr(req->path, "/discovery");
    if (d == NULL || (strcmp(d, "/discovery") != 0 && strcmp(d, "/discovery.json") != 0 &&
                      strcmp(d, "/discovery.xml") != 0)) {
        one_error(resp, f, 404, "use discovery.xml or discovery.json");
        return;
    }
    char base[300], url[340], changeset[32];
    base_url(ctx, req, base, sizeof base);
    snprintf(url, sizeof url, "%s/open311/v2", base);
    /* Services come from the configuration, loaded when the server started. */
    iso(ctx->started, changeset);
    json_t *formats = json_array();
    json_array_append_new(formats, json_string("text/xml"));
    json_array_append_new(formats, json_string("application/json"));
    json_t *ep = json_object();
    json_object_set_new(ep, "specification", json_string("http://wiki.open311.org/GeoReport_v2"));
    json_object_set_new(ep, "url", json_string(url));
    json_object_set_new(ep, "changeset", json_string(changeset));
    json_object_set_new(ep, "type", json_string("production"));
    json_object_set_new(ep, "formats", formats);
    json_t *eps = json_array();
    json_array_append_new(eps, ep);
    json_t *doc = json_object();
    json_object_set_new(doc, "changeset", json_string(changeset));
    json_object_set_new(doc, "endpoints", eps);
    send_doc(resp, 200, f, "discovery", doc);
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
            trygg_copy_trunc(out, 40, json_is_true(v) ? "true" : "false");
        return out;
    }
    return NULL;
}

/* An optional parameter: absent and empty are the same (the spec's rule). */
static const char *opt(params *p, const char *name)
{
    const char *v = param(p, name);
    return v && *v ? v : NULL;
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

/* 1 if a form body carries a NUL byte, raw or as %00: decoded, it would cut
 * its field short without a word. */
static int form_has_nul(const http_req *req)
{
    if (memchr(req->body, '\0', req->body_len))
        return 1;
    for (size_t i = 0; i + 2 < req->body_len; i++)
        if (req->body[i] == '%' && req->body[i + 1] == '0' && req->body[i + 2] == '0')
            return 1;
    return 0;
}

/* Reads the body of a POST into p (JSON object or form). On failure the
 * answer is written to resp and -1 returned. */
static int post_read_body(params *p, const http_req *req, http_resp *resp, fmt f)
{
    const char *ct = http_header(req, "Content-Type");
    if (ct && strncasecmp(ct, "application/json", 16) == 0) {
        json_error_t je;
        p->obj = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_object(p->obj)) {
            json_decref(p->obj);
            p->obj = NULL;
            one_error(resp, f, 400, "body is not a JSON object");
            return -1;
        }
    } else if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0) {
        one_error(resp, f, 415, "use application/x-www-form-urlencoded or application/json");
        return -1;
    } else if (form_has_nul(req)) {
        one_error(resp, f, 400, "a form field contains a NUL character (%00)");
        return -1;
    }
    return 0;
}

/* The api_key check and, without a key, the per-address rate limit. On
 * refusal the answer is written to resp and -1 returned. */
static int post_allowed(server_ctx *ctx, params *p, const http_req *req, http_resp *resp, fmt f)
{
    /* The key as clients send it: a form (or JSON) field, or in the query. */
    const char *key = opt(p, "api_key");
    if (key == NULL) {
        key = http_query(req, "api_key");
        key = key && *key ? key : NULL;
    }
    if (!key_ok(ctx, key)) {
        one_error(resp, f, 403, "api_key is missing or not valid");
        return -1;
    }
    /* Anyone may file without a key: per address, a few at a time. */
    int retry = 0;
    if (key == NULL &&
        !rl_allow(ctx->open311_limit, req->remote_ip, (int64_t)time(NULL) * 1000, &retry)) {
        one_error(resp, f, 429, "too many requests from this address; try again later");
        char ra[16];
        snprintf(ra, sizeof ra, "%d", retry);
        http_resp_header(resp, "Retry-After", ra);
        return -1;
    }
    return 0;
}

static void post_description(params *p, trygg_item *it, json_t *errs)
{
    const char *desc = opt(p, "description"); /* optional in the specification */
    if (desc && strlen(desc) > TRYGG_TEXT_MAX)
        add_error(errs, "description is longer than 4000 bytes");
    else if (desc && !trygg_utf8_valid(desc, strlen(desc)))
        add_error(errs, "description is not valid UTF-8");
    else if (desc)
        if (!TRYGG_COPY(it->text, desc))
            add_error(errs, "description is longer than 4000 bytes");
}

/* Location: lat+long, address_string or address_id (one is required). */
static void post_location(params *p, trygg_item *it, json_t *errs)
{
    double lat = 0, lon = 0;
    int hl = parse_coord(param(p, "lat"), -90, 90, &lat);
    int hg = parse_coord(param(p, "long"), -180, 180, &lon);
    const char *addr = opt(p, "address_string");
    const char *addr_id = opt(p, "address_id");
    if (hl < 0 || hg < 0 || hl != hg)
        add_error(errs, "lat and long must both be given as decimal degrees");
    if (addr) {
        if (strlen(addr) > TRYGG_NAME_MAX || !trygg_utf8_valid(addr, strlen(addr)))
            add_error(errs, "address_string is longer than 63 bytes or not UTF-8");
        else if (!TRYGG_COPY(it->place, addr))
            add_error(errs, "address_string is longer than 63 bytes or not UTF-8");
    } else if (hl == 1 && hg == 1) {
        snprintf(it->place, sizeof it->place, "%.6f,%.6f", lat, lon);
    } else if (addr_id) {
        if (strlen(addr_id) > TRYGG_NAME_MAX - strlen(ADDRESS_ID_PREFIX) ||
            !trygg_utf8_valid(addr_id, strlen(addr_id)))
            add_error(errs, "address_id is longer than 52 bytes or not UTF-8");
        else
            snprintf(it->place, sizeof it->place, ADDRESS_ID_PREFIX "%s", addr_id);
    } else if (hl >= 0 && hg >= 0) {
        add_error(errs, "lat/long, address_string or address_id is required");
    }
}

static void post_area(server_ctx *ctx, params *p, trygg_item *it, json_t *errs)
{
    const char *area = opt(p, "attribute[area]");
    if (area == NULL)
        area = opt(p, "area");
    if (area) {
        if (config_area_find(&ctx->cfg, area) == NULL)
            add_error(errs, "area is not a known area");
        else if (!TRYGG_COPY(it->area, area))
            add_error(errs, "area is not a known area");
    } else {
        snprintf(it->area, sizeof it->area, "other");
    }
}

/* Contact data only with explicit consent; otherwise not kept at all. */
static void post_contact(params *p, trygg_item *it, json_t *errs)
{
    if (!truthy(param(p, "consent")))
        return;
    const char *parts[] = {param(p, "first_name"), param(p, "last_name"), param(p, "email"),
                           param(p, "phone")};
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
        TRYGG_COPY_FIT(it->contact, contact);
    }
}

/* Files a checked fault and writes the answer (201 with its id, or the error). */
static void post_submit(server_ctx *ctx, trygg_item *it, http_resp *resp, fmt f)
{
    char tok[64];
    if (trygg_token_new(tok) != TRYGG_OK) {
        one_error(resp, f, 500, "internal error");
        return;
    }
    snprintf(it->client_key, sizeof it->client_key, "o311-%.40s", tok);
    int created = 0;
    const char *bad = NULL;
    trygg_err rc = intake_submit(ctx, it, &created, &bad);
    if (rc == TRYGG_ERR_INVALID) {
        char d[128];
        snprintf(d, sizeof d, "invalid field %s", bad ? bad : "?");
        one_error(resp, f, 400, d);
    } else if (rc != TRYGG_OK) {
        one_error(resp, f, api_status_for(rc), "the request could not be stored, try again");
    } else {
        json_t *a = json_array();
        json_t *o = json_object();
        json_object_set_new(o, "service_request_id", json_string(it->ref));
        server_catalog *k = ctx->cfg.catalog;
        json_object_set_new(o, "service_notice", json_string(k ? k->open311_notice : ""));
        json_object_set_new(o, "account_id", json_null());
        json_array_append_new(a, o);
        send_doc(resp, 201, f, "service_requests", a);
    }
}

/* POST /open311/v2/requests.{fmt}: files a fault. */
static void h_post(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    fmt f = fmt_of(req->path);
    params p = {.req = req};
    if (post_read_body(&p, req, resp, f) != 0)
        return;
    if (post_allowed(ctx, &p, req, resp, f) != 0) {
        json_decref(p.obj);
        return;
    }

    const char *code = opt(&p, "service_code");
    const config_category *cat = NULL;
    if (code && (cat = config_category_find(&ctx->cfg, TRYGG_KIND_FAULT, code)) == NULL) {
        json_decref(p.obj);
        one_error(resp, f, 404, "service_code was not found");
        return;
    }

    trygg_item *it = malloc(sizeof *it);
    json_t *errs = json_array();
    if (it == NULL || errs == NULL) {
        free(it);
        json_decref(errs);
        json_decref(p.obj);
        one_error(resp, f, 503, "out of memory");
        return;
    }
    trygg_item_init(it);
    it->kind = TRYGG_KIND_FAULT;
    it->channel = TRYGG_CHANNEL_OPEN311;
    snprintf(it->source, sizeof it->source, "open311");

    if (cat == NULL)
        add_error(errs, "service_code was not provided");
    else
        TRYGG_COPY_FIT(it->category, cat->id);
    post_description(&p, it, errs);
    post_location(&p, it, errs);
    post_area(ctx, &p, it, errs);
    post_contact(&p, it, errs);
    json_decref(p.obj);

    if (json_array_size(errs) > 0)
        send_doc(resp, 400, f, "errors", errs);
    else {
        json_decref(errs);
        post_submit(ctx, it, resp, f);
    }
    free(it);
}

/* The coordinates of a place h_post wrote from lat/long ("%.6f,%.6f");
 * 0 for any other place. Faults carry no other coordinates. */
static int coords_of(const char *place, double *lat, double *lon)
{
    if (place[0] == '\0' || strspn(place, "0123456789.,-") != strlen(place))
        return 0;
    char *end;
    double a = strtod(place, &end);
    if (end == place || *end != ',')
        return 0;
    const char *s = end + 1;
    double b = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(a) || !isfinite(b) || a < -90 || a > 90 || b < -180 ||
        b > 180)
        return 0;
    *lat = a;
    *lon = b;
    return 1;
}

/* The public view of a fault (read in the recipients' copy): status,
 * service, times, and its place as address, address_id or lat/long. Never
 * the description or contact data. */
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
    const char *place = it->purged ? "" : it->place;
    double lat, lon;
    size_t pl = strlen(ADDRESS_ID_PREFIX);
    if (coords_of(place, &lat, &lon)) {
        json_object_set_new(o, "lat", json_real(lat));
        json_object_set_new(o, "long", json_real(lon));
    } else if (strncmp(place, ADDRESS_ID_PREFIX, pl) == 0 && place[pl]) {
        json_object_set_new(o, "address_id", json_string(place + pl));
    } else {
        json_object_set_new(o, "address", json_string(place));
    }
    return o;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* A W3C date-time (the specification's format): YYYY-MM-DD, or
 * YYYY-MM-DDThh:mm[:ss[.fraction]] and a zone, Z or ±hh:mm (±hhmm; a space
 * for the sign is a "+" that the query string decoded). Returns 2 for a
 * date-time (*out its instant), 1 for a date alone (*out the server's local
 * midnight that day), 0 for anything else, a time without zone included. */
static int parse_when(const char *s, int64_t *out)
{
    char day[11];
    int64_t midnight;
    if (strlen(s) < 10)
        return 0;
    memcpy(day, s, 10);
    day[10] = '\0';
    if (trygg_time_parse_day(day, &midnight) != TRYGG_OK)
        return 0;
    if (s[10] == '\0') {
        *out = midnight;
        return 1;
    }
    int y, mo, d, h, mi, sec = 0;
    if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d))
        return 0;
    const char *p = s + 11;
    if (s[10] != 'T' || digits(p, 2, &h) || p[2] != ':' || digits(p + 3, 2, &mi) || h > 23 ||
        mi > 59)
        return 0;
    p += 5;
    if (*p == ':') {
        if (digits(p + 1, 2, &sec) || sec > 59)
            return 0;
        p += 3;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return 0;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    int off = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-' || *p == ' ') {
        int sign = *p == '-' ? -1 : 1, oh, om;
        if (digits(p + 1, 2, &oh))
            return 0;
        p += 3;
        if (*p == ':')
            p++;
        if (digits(p, 2, &om) || oh > 14 || om > 59)
            return 0;
        p += 2;
        off = sign * (oh * 3600 + om * 60);
    } else {
        return 0;
    }
    if (*p != '\0')
        return 0;
    *out = trygg_civil_to_unix(y, mo, d, h, mi, sec) - off;
    return 2;
}

#define LIST_MAX  100
#define CODES_MAX 8

typedef struct row {
    int urgent;
    int64_t created, id;
    json_t *o;
} row;

/* Store order: urgent first, then newest first. */
static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->urgent != y->urgent)
        return y->urgent - x->urgent;
    if (x->created != y->created)
        return x->created < y->created ? 1 : -1;
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* The filters of GET requests: service_code and status (comma lists),
 * start_date/end_date. Returns NULL, or the error to answer with 400. */
static const char *list_filter(server_ctx *ctx, const http_req *req, trygg_filter *f,
                               char codes[CODES_MAX][TRYGG_NAME_MAX + 1], int *ncodes)
{
    trygg_filter_init(f); /* the shared view */
    f->kind = TRYGG_KIND_FAULT;
    *ncodes = 0;
    const char *code = http_query(req, "service_code");
    if (code && *code) {
        char buf[CODES_MAX * (TRYGG_NAME_MAX + 2)];
        if (!TRYGG_COPY(buf, code))
            return "service_code lists at most 8 services";
        char *save = NULL;
        for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (*ncodes == CODES_MAX)
                return "service_code lists at most 8 services";
            if (config_category_find(&ctx->cfg, TRYGG_KIND_FAULT, t) == NULL)
                return "service_code is not a known service";
            if (!TRYGG_COPY(codes[*ncodes], t))
                return "service_code is not a known service";
            (*ncodes)++;
        }
    }
    const char *status = http_query(req, "status");
    if (status && *status) {
        int open = 0, closed = 0;
        char buf[64];
        if (!TRYGG_COPY(buf, status))
            return "status is a comma list of open and closed";
        char *save = NULL;
        for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (strcmp(t, "open") == 0)
                open = 1;
            else if (strcmp(t, "closed") == 0)
                closed = 1;
            else
                return "status is a comma list of open and closed";
        }
        if (open && !closed)
            f->open_only = 1;
        else if (closed && !open)
            f->status = TRYGG_STATUS_CLOSED;
    }
    const char *sd = http_query(req, "start_date"), *ed = http_query(req, "end_date");
    sd = sd && *sd ? sd : NULL;
    ed = ed && *ed ? ed : NULL;
    int64_t from = 0, to = 0;
    int ks = sd ? parse_when(sd, &from) : -1, ke = ed ? parse_when(ed, &to) : -1;
    if (ks == 0 || ke == 0)
        return "start_date and end_date are W3C date-times with a zone, e.g. "
               "2010-01-01T00:00:00Z";
    if (ke == 1)
        to += 86400; /* a date alone: the whole day (to is exclusive) */
    else if (ke == 2)
        to += 1; /* the instant itself is included */
    /* Without start_date: the 90 days up to end_date, or up to now. */
    if (ks < 0)
        from = (ke > 0 ? to : (int64_t)time(NULL)) - 90 * 86400;
    if (ke > 0 && to <= from)
        return "end_date is before start_date";
    f->from = from;
    f->to = ke > 0 ? to : 0;
    return NULL;
}

/* GET /open311/v2/requests.{fmt}: by service_request_id (comma list), or the
 * faults filtered as list_filter() reads them (default: the last 90 days),
 * at most LIST_MAX. */
static void h_list(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    fmt f = fmt_of(req->path);
    trygg_store *st = server_store(ctx);
    trygg_item *items = st ? calloc(LIST_MAX, sizeof *items) : NULL;
    if (items == NULL) {
        one_error(resp, f, 503, "store unavailable");
        return;
    }
    const char *lang = lang_of(req);
    json_t *a = json_array();
    trygg_err rc = TRYGG_OK;
    const char *ids = http_query(req, "service_request_id");
    if (ids && *ids) {
        char buf[1024];
        TRYGG_COPY_TRUNC(buf, ids); /* at most LIST_MAX ids are read; a cut id is not a reference
                                       and matches nothing */
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
        trygg_filter flt;
        char codes[CODES_MAX][TRYGG_NAME_MAX + 1];
        int ncodes = 0;
        const char *bad = list_filter(ctx, req, &flt, codes, &ncodes);
        if (bad) {
            json_decref(a);
            free(items);
            one_error(resp, f, 400, bad);
            return;
        }
        row *rows = calloc((size_t)LIST_MAX * (size_t)(ncodes ? ncodes : 1), sizeof *rows);
        int nrows = 0;
        rc = rows ? TRYGG_OK : TRYGG_ERR_NOMEM;
        for (int c = 0; rc == TRYGG_OK && c < (ncodes ? ncodes : 1); c++) {
            if (ncodes)
                TRYGG_COPY_FIT(flt.category, codes[c]);
            int n = 0;
            rc = trygg_store_list(st, &flt, NULL, items, LIST_MAX, &n, NULL);
            for (int i = 0; rc == TRYGG_OK && i < n; i++)
                rows[nrows++] = (row){items[i].urgent, items[i].created, items[i].id,
                                      request_json(ctx, &items[i], lang)};
        }
        if (ncodes > 1)
            qsort(rows, (size_t)nrows, sizeof *rows, row_cmp);
        for (int i = 0; i < nrows; i++) {
            if (rc == TRYGG_OK && i < LIST_MAX)
                json_array_append_new(a, rows[i].o);
            else
                json_decref(rows[i].o);
        }
        free(rows);
    }
    free(items);
    if (rc != TRYGG_OK) {
        json_decref(a);
        one_error(resp, f, api_status_for(rc), "store unavailable");
        return;
    }
    send_doc(resp, 200, f, "service_requests", a);
}

/* GET /open311/v2/requests/{service_request_id}.{fmt}. */
static void h_get(void *vctx, const http_req *req, http_resp *resp)
{
    server_ctx *ctx = vctx;
    fmt f = fmt_of(req->path);
    char raw[24], ref[TRYGG_REF_LEN + 1];
    if (!segment(req->path, "/open311/v2/requests/", raw, sizeof raw)) {
        one_error(resp, f, 404, "no such service request");
        return;
    }
    trygg_store *st = server_store(ctx);
    if (st == NULL) {
        one_error(resp, f, 503, "store unavailable");
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
        one_error(resp, f, 404, "no such service request");
    } else if (rc != TRYGG_OK) {
        one_error(resp, f, api_status_for(rc), "store unavailable");
    } else {
        json_t *a = json_array();
        json_array_append_new(a, request_json(ctx, it, lang_of(req)));
        send_doc(resp, 200, f, "service_requests", a);
    }
    free(it);
}

static void h_other(void *vctx, const http_req *req, http_resp *resp);

/* Order matters: the fuzz target (tests/fuzz/fuzz_open311.c) calls entry 1,
 * and h_other, catching the rest of /open311/, comes last. */
const http_route open311_routes[] = {
    {"GET", "/open311/v2/services.json", 0, h_services},
    {"POST", "/open311/v2/requests.json", O311_MAX_BODY, h_post},
    {"GET", "/open311/v2/requests.json", 0, h_list},
    {"GET", "/open311/v2/requests/*", 0, h_get},
    {"GET", "/open311/v2/services.xml", 0, h_services},
    {"GET", "/open311/v2/services/*", 0, h_definition},
    {"POST", "/open311/v2/requests.xml", O311_MAX_BODY, h_post},
    {"GET", "/open311/v2/requests.xml", 0, h_list},
    {"GET", "/open311/v2/discovery*", 0, h_discovery},
    {"GET", "/open311/discovery*", 0, h_discovery},
    {"*", "/open311/*", O311_MAX_BODY, h_other},
};
const int open311_nroutes = sizeof open311_routes / sizeof open311_routes[0];

static int matches(const char *pattern, const char *path)
{
    size_t n = strlen(pattern);
    if (n > 0 && pattern[n - 1] == '*')
        return strncmp(pattern, path, n - 1) == 0;
    return strcmp(pattern, path) == 0;
}

/* The rest of /open311/: the resources without a suffix (XML), 405 with
 * Allow for a known resource and another method, else 404 — in the
 * specification's error list. */
static void h_other(void *vctx, const http_req *req, http_resp *resp)
{
    fmt f = fmt_of(req->path);
    const char *m = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
    int get = strcmp(m, "GET") == 0, post = strcmp(m, "POST") == 0;
    if (get && strcmp(req->path, "/open311/v2/services") == 0) {
        h_services(vctx, req, resp);
        return;
    }
    if (strcmp(req->path, "/open311/v2/requests") == 0 && (get || post)) {
        (get ? h_list : h_post)(vctx, req, resp);
        return;
    }
    char allow[64] = "";
    for (int i = 0; i < open311_nroutes; i++) {
        const http_route *rt = &open311_routes[i];
        if (rt->handler == h_other || !matches(rt->pattern, req->path) || strstr(allow, rt->method))
            continue;
        size_t l = strlen(allow);
        snprintf(allow + l, sizeof allow - l, "%s%s", l ? ", " : "", rt->method);
    }
    if (allow[0]) {
        one_error(resp, f, 405, "method not allowed on this resource");
        http_resp_header(resp, "Allow", allow);
    } else {
        one_error(resp, f, 404, "no such Open311 resource; see /open311/v2/discovery.xml");
    }
}
