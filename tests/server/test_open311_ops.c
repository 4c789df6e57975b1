/*
 * test_open311_ops.c — Open311 GeoReport v2 (services, requests: form and
 * JSON, errors in the spec's format, status lookup that never shows personal
 * data or non-faults; the XML representation of every resource, service
 * definitions, discovery, W3C date-times with zone, comma lists, api_key in
 * the query, optional description, address_id, lat/long, %00 in a form) and
 * /healthz, /metrics over real loopback HTTP. The spec's own examples and a
 * client written from the spec run in it_open311.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "server_fixture.h"

static sfx F;

static int setup(void **state)
{
    (void)state;
    return sfx_start(&F, "[open311]\napi_keys = test-key-0123456789abcdef\nrequire_key = yes\n");
}

static int teardown(void **state)
{
    (void)state;
    sfx_stop(&F);
    return 0;
}

static json_t *parse(const sfx_resp *r)
{
    json_error_t e;
    json_t *o = json_loads(r->body, 0, &e);
    if (o == NULL)
        fail_msg("not JSON: %s", r->body);
    return o;
}

static void test_services(void **state)
{
    (void)state;
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", "/open311/v2/services.json", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    json_t *a = parse(&r);
    assert_true(json_is_array(a));
    assert_true(json_array_size(a) >= 5);
    json_t *s = json_array_get(a, 0);
    assert_string_equal(json_string_value(json_object_get(s, "service_code")), "street_light");
    assert_string_equal(json_string_value(json_object_get(s, "service_name")), "Gatubelysning");
    assert_true(json_is_false(json_object_get(s, "metadata")));
    assert_string_equal(json_string_value(json_object_get(s, "type")), "realtime");
    assert_non_null(json_object_get(s, "keywords"));
    assert_string_equal(json_string_value(json_object_get(s, "group")), "Gata");
    assert_non_null(json_object_get(s, "description"));
    /* Only faults are services. */
    for (size_t i = 0; i < json_array_size(a); i++)
        assert_string_not_equal(
            json_string_value(json_object_get(json_array_get(a, i), "service_code")), "lighting");
    json_decref(a);
    sfx_resp_free(&r);
}

static void get_request(const char *id, sfx_resp *r)
{
    char path[128];
    snprintf(path, sizeof path, "/open311/v2/requests/%s.json", id);
    assert_int_equal(sfx_http(F.base, "GET", path, NULL, NULL, 0, r), 0);
}

static void test_post_form_and_get(void **state)
{
    (void)state;
    const char *form = "service_code=pothole&description=Stort+h%C3%A5l+vid+torget%2C+ring+"
                       "070-1234567&lat=58.1334&long=12.1275&email=a%40example.se&"
                       "api_key=test-key-0123456789abcdef";
    const char *hdrs[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    sfx_resp r;
    assert_int_equal(
        sfx_http(F.base, "POST", "/open311/v2/requests.json", hdrs, form, strlen(form), &r), 0);
    assert_int_equal(r.status, 201);
    json_t *a = parse(&r);
    json_t *o = json_array_get(a, 0);
    const char *id = json_string_value(json_object_get(o, "service_request_id"));
    assert_non_null(id);
    assert_int_equal(strlen(id), 7);
    assert_non_null(json_object_get(o, "service_notice"));
    char ref[16];
    snprintf(ref, sizeof ref, "%s", id);
    json_decref(a);
    sfx_resp_free(&r);

    /* Stored as a fault from Open311, no contact without consent. */
    trygg_item it;
    assert_int_equal(trygg_store_get_by_ref(server_store(&F.ctx), ref, &it), TRYGG_OK);
    assert_int_equal(it.kind, TRYGG_KIND_FAULT);
    assert_int_equal(it.channel, TRYGG_CHANNEL_OPEN311);
    assert_string_equal(it.category, "pothole");
    assert_string_equal(it.contact, "");
    assert_string_equal(it.place, "58.133400,12.127500");
    assert_string_equal(it.text, "Stort hål vid torget, ring 070-1234567");
    assert_string_equal(it.destination, "streets");

    get_request(ref, &r);
    assert_int_equal(r.status, 200);
    a = parse(&r);
    o = json_array_get(a, 0);
    assert_string_equal(json_string_value(json_object_get(o, "service_request_id")), ref);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "open");
    assert_string_equal(json_string_value(json_object_get(o, "service_name")),
                        "Hål i gata eller gångväg");
    assert_non_null(json_object_get(o, "requested_datetime"));
    assert_non_null(json_object_get(o, "updated_datetime"));
    assert_null(json_object_get(o, "description")); /* never the citizen's text */
    assert_null(strstr(r.body, "070"));
    /* The coordinates come back as lat/long, not packed into address. */
    assert_true(json_is_real(json_object_get(o, "lat")));
    assert_true(fabs(json_real_value(json_object_get(o, "lat")) - 58.1334) < 1e-6);
    assert_true(fabs(json_real_value(json_object_get(o, "long")) - 12.1275) < 1e-6);
    assert_null(json_object_get(o, "address"));
    json_decref(a);
    sfx_resp_free(&r);

    /* Closed: status and reason, still nothing personal. */
    assert_int_equal(trygg_store_set_status(server_store(&F.ctx), it.id, "tester",
                                            TRYGG_STATUS_TRIAGED, TRYGG_CLOSE_NONE, 0),
                     TRYGG_OK);
    assert_int_equal(trygg_store_set_status(server_store(&F.ctx), it.id, "tester",
                                            TRYGG_STATUS_CLOSED, TRYGG_CLOSE_RESOLVED, 0),
                     TRYGG_OK);
    get_request(ref, &r);
    a = parse(&r);
    o = json_array_get(a, 0);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "closed");
    assert_string_equal(json_string_value(json_object_get(o, "status_notes")), "resolved");
    json_decref(a);
    sfx_resp_free(&r);
}

static void test_post_json_consent(void **state)
{
    (void)state;
    const char *body = "{\"service_code\":\"street_light\",\"description\":\"Lampan är släckt\","
                       "\"address_string\":\"Storgatan 1\",\"area\":\"gota\","
                       "\"email\":\"b@example.se\",\"consent\":true,"
                       "\"api_key\":\"test-key-0123456789abcdef\"}";
    const char *hdrs[] = {"Content-Type: application/json", NULL};
    sfx_resp r;
    assert_int_equal(
        sfx_http(F.base, "POST", "/open311/v2/requests.json", hdrs, body, strlen(body), &r), 0);
    assert_int_equal(r.status, 201);
    json_t *a = parse(&r);
    char ref[16];
    snprintf(ref, sizeof ref, "%s",
             json_string_value(json_object_get(json_array_get(a, 0), "service_request_id")));
    json_decref(a);
    sfx_resp_free(&r);
    trygg_item it;
    assert_int_equal(trygg_store_get_by_ref(server_store(&F.ctx), ref, &it), TRYGG_OK);
    assert_string_equal(it.contact, "b@example.se");
    assert_int_equal(it.consent, 1);
    assert_string_equal(it.area, "gota");
    assert_string_equal(it.place, "Storgatan 1");
    /* A street light goes to street maintenance even in a housing area:
     * faults route by category (issue 16, defect 7). */
    assert_string_equal(it.destination, "streets");

    get_request(ref, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "example.se"));
    a = parse(&r);
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "address")),
                        "Storgatan 1");
    json_decref(a);
    sfx_resp_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    const char *hdrs[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    sfx_resp r;
    const char *form = "lat=91&long=12&area=nowhere&api_key=test-key-0123456789abcdef";
    assert_int_equal(
        sfx_http(F.base, "POST", "/open311/v2/requests.json", hdrs, form, strlen(form), &r), 0);
    assert_int_equal(r.status, 400);
    json_t *a = parse(&r);
    assert_true(json_array_size(a) >= 3); /* service_code, lat/long, area */
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *e = json_array_get(a, i);
        assert_int_equal(json_integer_value(json_object_get(e, "code")), 400);
        assert_true(json_is_string(json_object_get(e, "description")));
    }
    json_decref(a);
    sfx_resp_free(&r);

    /* An unknown service_code is a resource that does not exist: 404. */
    const char *form1 = "service_code=nope&lat=58&long=12&api_key=test-key-0123456789abcdef";
    assert_int_equal(
        sfx_http(F.base, "POST", "/open311/v2/requests.json", hdrs, form1, strlen(form1), &r), 0);
    assert_int_equal(r.status, 404);
    sfx_resp_free(&r);

    /* Wrong key. */
    const char *form2 = "service_code=pothole&description=x&lat=58&long=12&api_key=wrong";
    assert_int_equal(
        sfx_http(F.base, "POST", "/open311/v2/requests.json", hdrs, form2, strlen(form2), &r), 0);
    assert_int_equal(r.status, 403);
    sfx_resp_free(&r);

    /* Unknown id, and a kiosk concern is not visible through Open311. */
    get_request("ZZ-ZZZZ", &r);
    assert_int_equal(r.status, 404);
    a = parse(&r);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "code")), 404);
    json_decref(a);
    sfx_resp_free(&r);
    trygg_item c;
    trygg_item_init(&c);
    c.kind = TRYGG_KIND_CONCERN;
    c.channel = TRYGG_CHANNEL_KIOSK;
    snprintf(c.client_key, sizeof c.client_key, "concern-not-public");
    snprintf(c.source, sizeof c.source, "test-kiosk");
    snprintf(c.text, sizeof c.text, "hemligt");
    int created;
    assert_int_equal(trygg_store_submit(server_store(&F.ctx), &c, &c, &created), TRYGG_OK);
    get_request(c.ref, &r);
    assert_int_equal(r.status, 404);
    sfx_resp_free(&r);
}

static void test_healthz_metrics(void **state)
{
    (void)state;
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", "/healthz", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    json_t *o = parse(&r);
    assert_string_equal(json_string_value(json_object_get(o, "db")), "ok");
    assert_true(json_is_null(json_object_get(o, "smsgw_age_s")));
    /* The shipped routing config has no on-call address: urgent items alert
     * nobody, and /healthz says so. */
    assert_string_equal(json_string_value(json_object_get(o, "oncall")), "missing");
    assert_string_equal(json_string_value(json_array_get(json_object_get(o, "warnings"), 0)),
                        "no_oncall");
    json_decref(o);
    sfx_resp_free(&r);

    assert_int_equal(trygg_store_health_put(server_store(&F.ctx), "smsgw", "{\"signal\":70}"),
                     TRYGG_OK);
    assert_int_equal(
        trygg_store_kiosk_heartbeat(server_store(&F.ctx), "test-kiosk", "0.1.0", 2, ""), TRYGG_OK);
    assert_int_equal(sfx_http(F.base, "GET", "/healthz", NULL, NULL, 0, &r), 0);
    o = parse(&r);
    assert_true(json_integer_value(json_object_get(o, "smsgw_age_s")) >= 0);
    assert_true(json_integer_value(json_object_get(o, "smsgw_age_s")) < 60);
    json_decref(o);
    sfx_resp_free(&r);

    assert_int_equal(sfx_http(F.base, "GET", "/metrics", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    char ct[128];
    assert_true(sfx_header(&r, "Content-Type", ct, sizeof ct));
    assert_non_null(strstr(ct, "text/plain; version=0.0.4"));
    /* Parse every sample line: name{labels} value. */
    int samples = 0, buckets = 0;
    double items_new = -1, items_open311 = -1, kiosk_age = -1, hist_count = -1, inf = -1;
    char *save = NULL;
    for (char *line = strtok_r(r.body, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#') {
            assert_true(strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0);
            continue;
        }
        char name[256];
        double v;
        char *sp = strrchr(line, ' ');
        assert_non_null(sp);
        assert_true(sp - line < (long)sizeof name);
        memcpy(name, line, (size_t)(sp - line));
        name[sp - line] = '\0';
        char *end;
        v = strtod(sp + 1, &end);
        assert_true(*end == '\0');
        samples++;
        if (strcmp(name, "trygg_items{status=\"new\"}") == 0)
            items_new = v;
        if (strcmp(name, "trygg_items_by_channel{channel=\"open311\"}") == 0)
            items_open311 = v;
        if (strcmp(name, "trygg_kiosk_heartbeat_age_seconds{kiosk=\"test-kiosk\"}") == 0)
            kiosk_age = v;
        if (strncmp(name, "trygg_http_request_duration_seconds_bucket", 42) == 0)
            buckets++;
        if (strcmp(name, "trygg_http_request_duration_seconds_bucket{le=\"+Inf\"}") == 0)
            inf = v;
        if (strcmp(name, "trygg_http_request_duration_seconds_count") == 0)
            hist_count = v;
    }
    assert_true(samples > 20);
    assert_true(items_new >= 1);
    assert_true(items_open311 >= 2);
    assert_true(kiosk_age >= 0 && kiosk_age < 60);
    assert_int_equal(buckets, 13);
    assert_true(hist_count >= 5);
    assert_true(inf == hist_count);
    sfx_resp_free(&r);
}

static void test_list(void **state)
{
    (void)state;
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", "/open311/v2/requests.json", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    json_t *a = parse(&r);
    assert_true(json_array_size(a) >= 2);
    char refs[2][16];
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *o = json_array_get(a, i);
        assert_null(json_object_get(o, "description"));
        const char *code = json_string_value(json_object_get(o, "service_code"));
        assert_true(strcmp(code, "pothole") == 0 || strcmp(code, "street_light") == 0);
        if (i < 2)
            snprintf(refs[i], sizeof refs[i], "%s",
                     json_string_value(json_object_get(o, "service_request_id")));
    }
    assert_null(strstr(r.body, "hemligt")); /* the kiosk concern is not listed */
    json_decref(a);
    sfx_resp_free(&r);

    char path[128];
    snprintf(path, sizeof path, "/open311/v2/requests.json?service_request_id=%s,%s,XX", refs[0],
             refs[1]);
    assert_int_equal(sfx_http(F.base, "GET", path, NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    a = parse(&r);
    assert_int_equal(json_array_size(a), 2);
    json_decref(a);
    sfx_resp_free(&r);

    assert_int_equal(sfx_http(F.base, "GET",
                              "/open311/v2/requests.json?service_code=pothole&status=closed", NULL,
                              NULL, 0, &r),
                     0);
    assert_int_equal(r.status, 200);
    a = parse(&r);
    assert_int_equal(json_array_size(a), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "status")),
                        "closed");
    json_decref(a);
    sfx_resp_free(&r);

    assert_int_equal(
        sfx_http(F.base, "GET", "/open311/v2/requests.json?status=maybe", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 400);
    sfx_resp_free(&r);
    assert_int_equal(sfx_http(F.base, "GET", "/open311/v2/requests.json?start_date=yesterday", NULL,
                              NULL, 0, &r),
                     0);
    assert_int_equal(r.status, 400);
    sfx_resp_free(&r);
}

/* Restarts the HTTP server with every store handle closed, so the next
 * requests open the database at F.ctx.cfg.db_path afresh (the worker
 * threads keep their handles while they live). */
static void restart_http(void)
{
    http_server_stop(F.http);
    server_store_shutdown();
    http_options opt;
    core_http_options(&F.ctx, &opt);
    opt.port = 0;
    F.http = http_server_start(&opt, F.routes, F.nroutes, &F.ctx);
    assert_non_null(F.http);
    F.port = http_server_port(F.http);
    snprintf(F.base, sizeof F.base, "http://127.0.0.1:%d", F.port);
}

/* A database that cannot be opened: /healthz says so with 503, /metrics
 * answers 200 with trygg_up 0 (Prometheus must see the outage, not a failed
 * scrape), the kiosk API answers 503 (the kiosk keeps the item and retries). */
static void test_db_unavailable(void **state)
{
    (void)state;
    char saved[sizeof F.ctx.cfg.db_path];
    memcpy(saved, F.ctx.cfg.db_path, sizeof saved);
    snprintf(F.ctx.cfg.db_path, sizeof F.ctx.cfg.db_path, "%s/missing-dir/trygg.db", F.dir);
    restart_http();
    sfx_resp r = {0};
    assert_int_equal(sfx_http(F.base, "GET", "/healthz", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "\"db\":\"error\""));
    sfx_resp_free(&r);
    assert_int_equal(sfx_http(F.base, "GET", "/metrics", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "trygg_up 0\n"));
    assert_non_null(strstr(r.body, "trygg_http_connections "));
    sfx_resp_free(&r);
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token,
                                   "{\"uuid\":\"db-down-0001\",\"kind\":\"fault\",\"category\":"
                                   "\"pothole\",\"area\":\"gota\"}",
                                   &r),
                     0);
    assert_int_equal(r.status, 503);
    sfx_resp_free(&r);
    memcpy(F.ctx.cfg.db_path, saved, sizeof saved);
    restart_http();
    assert_int_equal(sfx_http(F.base, "GET", "/healthz", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    sfx_resp_free(&r);
}

/* ---- GeoReport v2 as the specification says ---------------------------------- */

static const char *const FORM_CT[] = {"Content-Type: application/x-www-form-urlencoded", NULL};

static xmlDocPtr parse_xml(const sfx_resp *r)
{
    char ct[128];
    assert_true(sfx_header(r, "Content-Type", ct, sizeof ct));
    assert_non_null(strstr(ct, "text/xml"));
    assert_true(strncasecmp(r->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>", 38) == 0);
    xmlDocPtr d = xmlReadMemory(r->body, (int)r->len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR);
    if (d == NULL)
        fail_msg("not XML: %s", r->body);
    return d;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

/* Text of n's child `name` into out[cap]; 0 if there is no such child. */
static int child_text(xmlNodePtr n, const char *name, char *out, size_t cap)
{
    xmlNodePtr c = child(n, name);
    if (c == NULL)
        return 0;
    xmlChar *t = xmlNodeGetContent(c);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
    xmlFree(t);
    return 1;
}

static long get(const char *path, sfx_resp *r)
{
    assert_int_equal(sfx_http(F.base, "GET", path, NULL, NULL, 0, r), 0);
    return r->status;
}

static void post_form(const char *path, const char *form, sfx_resp *r)
{
    assert_int_equal(sfx_http(F.base, "POST", path, FORM_CT, form, strlen(form), r), 0);
}

/* A fault filed through requests.xml, its reference into ref[16]. */
static void post_xml(const char *form, char ref[16])
{
    sfx_resp r;
    post_form("/open311/v2/requests.xml", form, &r);
    if (r.status != 201)
        fail_msg("POST requests.xml: %ld %s", r.status, r.body);
    xmlDocPtr d = parse_xml(&r);
    xmlNodePtr root = xmlDocGetRootElement(d);
    assert_string_equal((const char *)root->name, "service_requests");
    xmlNodePtr req = child(root, "request");
    assert_non_null(req);
    assert_true(child_text(req, "service_request_id", ref, 16));
    assert_int_equal(strlen(ref), 7);
    assert_non_null(child(req, "service_notice"));
    assert_non_null(child(req, "account_id"));
    xmlFreeDoc(d);
    sfx_resp_free(&r);
}

/* Every resource in XML (suffix .xml, and no suffix: the spec's default). */
static void test_xml_everywhere(void **state)
{
    (void)state;
    sfx_resp r;
    const char *svc[] = {"/open311/v2/services.xml", "/open311/v2/services"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(get(svc[i], &r), 200);
        xmlDocPtr d = parse_xml(&r);
        xmlNodePtr root = xmlDocGetRootElement(d);
        assert_string_equal((const char *)root->name, "services");
        xmlNodePtr s = child(root, "service");
        char t[128];
        assert_true(child_text(s, "service_code", t, sizeof t));
        assert_string_equal(t, "street_light");
        assert_true(child_text(s, "service_name", t, sizeof t));
        assert_string_equal(t, "Gatubelysning");
        assert_true(child_text(s, "metadata", t, sizeof t));
        assert_string_equal(t, "false");
        assert_true(child_text(s, "type", t, sizeof t));
        assert_string_equal(t, "realtime");
        xmlFreeDoc(d);
        sfx_resp_free(&r);
    }

    char ref[16];
    post_xml("service_code=pothole&address_string=Storgatan+3+%26+Torget&"
             "api_key=test-key-0123456789abcdef",
             ref);
    char path[128];
    const char *fmts[] = {"/open311/v2/requests/%s.xml", "/open311/v2/requests/%s"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, fmts[i], ref);
        assert_int_equal(get(path, &r), 200);
        xmlDocPtr d = parse_xml(&r);
        xmlNodePtr req = child(xmlDocGetRootElement(d), "request");
        char t[128];
        assert_true(child_text(req, "service_request_id", t, sizeof t));
        assert_string_equal(t, ref);
        assert_true(child_text(req, "status", t, sizeof t));
        assert_string_equal(t, "open");
        assert_true(child_text(req, "address", t, sizeof t));
        assert_string_equal(t, "Storgatan 3 & Torget"); /* escaped by the writer */
        assert_true(child_text(req, "requested_datetime", t, sizeof t));
        assert_null(child(req, "description"));
        xmlFreeDoc(d);
        sfx_resp_free(&r);
    }
    snprintf(path, sizeof path, "/open311/v2/requests.xml?service_request_id=%s", ref);
    assert_int_equal(get(path, &r), 200);
    xmlDocPtr d = parse_xml(&r);
    assert_non_null(child(xmlDocGetRootElement(d), "request"));
    xmlFreeDoc(d);
    sfx_resp_free(&r);

    /* Errors: the spec's list, in XML. */
    assert_int_equal(get("/open311/v2/requests/ZZ-ZZZZ.xml", &r), 404);
    d = parse_xml(&r);
    xmlNodePtr root = xmlDocGetRootElement(d);
    assert_string_equal((const char *)root->name, "errors");
    char t[128];
    assert_true(child_text(child(root, "error"), "code", t, sizeof t));
    assert_string_equal(t, "404");
    assert_true(child_text(child(root, "error"), "description", t, sizeof t));
    xmlFreeDoc(d);
    sfx_resp_free(&r);
    post_form("/open311/v2/requests.xml", "service_code=pothole&lat=1&long=2&api_key=wrong", &r);
    assert_int_equal(r.status, 403);
    d = parse_xml(&r);
    assert_true(child_text(child(xmlDocGetRootElement(d), "error"), "code", t, sizeof t));
    assert_string_equal(t, "403");
    xmlFreeDoc(d);
    sfx_resp_free(&r);
    /* Unknown resources and methods under /open311/ answer in the list too. */
    assert_int_equal(get("/open311/v2/tokens/123.xml", &r), 404);
    xmlFreeDoc(parse_xml(&r));
    sfx_resp_free(&r);
    assert_int_equal(get("/open311/v2/nothing.json", &r), 404);
    json_t *a = parse(&r);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "code")), 404);
    json_decref(a);
    sfx_resp_free(&r);
    post_form("/open311/v2/services.json", "x=1", &r);
    assert_int_equal(r.status, 405);
    assert_true(sfx_header(&r, "Allow", t, sizeof t));
    assert_string_equal(t, "GET");
    a = parse(&r);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "code")), 405);
    json_decref(a);
    sfx_resp_free(&r);
}

/* services/{code}.{fmt}: the service definition, with the area attribute. */
static void test_service_definition(void **state)
{
    (void)state;
    sfx_resp r;
    assert_int_equal(get("/open311/v2/services/pothole.json", &r), 200);
    json_t *d = parse(&r);
    assert_string_equal(json_string_value(json_object_get(d, "service_code")), "pothole");
    json_t *at = json_array_get(json_object_get(d, "attributes"), 0);
    assert_string_equal(json_string_value(json_object_get(at, "code")), "area");
    assert_string_equal(json_string_value(json_object_get(at, "datatype")), "singlevaluelist");
    assert_true(json_is_false(json_object_get(at, "required")));
    assert_true(json_is_true(json_object_get(at, "variable")));
    assert_int_equal(json_integer_value(json_object_get(at, "order")), 1);
    assert_string_equal(json_string_value(json_object_get(at, "description")), "Område");
    json_t *vals = json_object_get(at, "values");
    int gota = 0;
    for (size_t i = 0; i < json_array_size(vals); i++)
        gota |=
            strcmp(json_string_value(json_object_get(json_array_get(vals, i), "key")), "gota") == 0;
    assert_true(gota);
    json_decref(d);
    sfx_resp_free(&r);

    assert_int_equal(get("/open311/v2/services/pothole.xml?lang=en", &r), 200);
    xmlDocPtr x = parse_xml(&r);
    xmlNodePtr root = xmlDocGetRootElement(x);
    assert_string_equal((const char *)root->name, "service_definition");
    xmlNodePtr attr = child(child(root, "attributes"), "attribute");
    char t[128];
    assert_true(child_text(attr, "description", t, sizeof t));
    assert_string_equal(t, "Area");
    xmlNodePtr v = child(child(attr, "values"), "value");
    assert_true(child_text(v, "key", t, sizeof t));
    assert_true(child_text(v, "name", t, sizeof t));
    xmlFreeDoc(x);
    sfx_resp_free(&r);

    /* Unknown, or not a fault: 404. */
    assert_int_equal(get("/open311/v2/services/nope.json", &r), 404);
    sfx_resp_free(&r);
    assert_int_equal(get("/open311/v2/services/lighting.xml", &r), 404);
    sfx_resp_free(&r);
}

static void test_discovery(void **state)
{
    (void)state;
    sfx_resp r;
    assert_int_equal(get("/open311/v2/discovery.json", &r), 200);
    json_t *d = parse(&r);
    assert_true(json_is_string(json_object_get(d, "changeset")));
    json_t *ep = json_array_get(json_object_get(d, "endpoints"), 0);
    assert_string_equal(json_string_value(json_object_get(ep, "specification")),
                        "http://wiki.open311.org/GeoReport_v2");
    const char *url = json_string_value(json_object_get(ep, "url"));
    assert_non_null(url);
    assert_non_null(strstr(url, "/open311/v2"));
    assert_int_equal(json_array_size(json_object_get(ep, "formats")), 2);
    json_decref(d);
    sfx_resp_free(&r);
    const char *xmls[] = {"/open311/v2/discovery.xml", "/open311/discovery.xml"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(get(xmls[i], &r), 200);
        xmlDocPtr x = parse_xml(&r);
        xmlNodePtr root = xmlDocGetRootElement(x);
        assert_string_equal((const char *)root->name, "discovery");
        xmlNodePtr e = child(child(root, "endpoints"), "endpoint");
        assert_non_null(e);
        xmlNodePtr f = child(child(e, "formats"), "format");
        char t[64];
        assert_true(child_text(e, "formats", t, sizeof t));
        assert_non_null(f);
        xmlFreeDoc(x);
        sfx_resp_free(&r);
    }
}

/* Sets a fault's creation time (the store stamps "now"). */
static void set_created(const char *ref, int64_t created)
{
    trygg_store *st = server_store(&F.ctx);
    trygg_item it;
    assert_int_equal(trygg_store_get_by_ref(st, ref, &it), TRYGG_OK);
    assert_int_equal(trygg_store_test_item_times(st, it.id, created, 0), TRYGG_OK);
}

static int listed(const char *query, const char *ref)
{
    char path[400];
    snprintf(path, sizeof path, "/open311/v2/requests.json?%.340s", query);
    sfx_resp r;
    if (get(path, &r) != 200)
        fail_msg("%s: %ld %s", path, r.status, r.body);
    int found = strstr(r.body, ref) != NULL;
    sfx_resp_free(&r);
    return found;
}

static long list_status(const char *query)
{
    char path[400];
    snprintf(path, sizeof path, "/open311/v2/requests.json?%.340s", query);
    sfx_resp r;
    long st = get(path, &r);
    sfx_resp_free(&r);
    return st;
}

/* start_date/end_date are instants with a zone; status and service_code
 * are comma lists. */
static void test_dates_and_lists(void **state)
{
    (void)state;
    char ref[16];
    post_xml("service_code=graffiti&lat=58.2&long=12.3&api_key=test-key-0123456789abcdef", ref);
    /* 2026-11-30T08:00:00+01:00 = 07:00:00Z = 1796022000. */
    set_created(ref, 1796022000);
    assert_true(listed("start_date=2026-11-30T07:00:00Z&end_date=2026-11-30T07:00:00Z", ref));
    assert_true(
        listed("start_date=2026-11-30T08:00:00%2B01:00&end_date=2026-11-30T09:00:00%2B01:00", ref));
    /* A "+" the query decoded to a space still means +. */
    assert_true(
        listed("start_date=2026-11-30T08:00:00+01:00&end_date=2026-11-30T08:30:00+01:00", ref));
    assert_true(
        listed("start_date=2026-11-30T06:59:59.5-00:00&end_date=2026-11-30T02:00:00-05:00", ref));
    /* The time counts: a minute later or earlier leaves it out. */
    assert_false(listed("start_date=2026-11-30T07:01:00Z&end_date=2026-12-01T00:00:00Z", ref));
    assert_false(listed("start_date=2026-11-01T00:00:00Z&end_date=2026-11-30T06:59:00Z", ref));
    assert_false(listed("start_date=2026-11-30T08:00:01%2B01:00", ref));
    /* A date alone is a whole day; end_date alone looks 90 days back. */
    assert_true(listed("start_date=2026-11-30&end_date=2026-11-30", ref));
    assert_true(listed("end_date=2026-12-15T00:00:00Z", ref));
    assert_false(listed("end_date=2026-11-29T00:00:00Z", ref));

    const char *bad[] = {"start_date=2026-11-30T08:00:00",      /* no zone */
                         "start_date=2026-13-01T00:00:00Z",     /* month 13 */
                         "start_date=2026-02-29T00:00:00Z",     /* not a leap year */
                         "end_date=2026-11-30T24:00:00Z",       /* hour 24 */
                         "end_date=2026-11-30T08:00:00%2B1:00", /* offset digits */
                         "end_date=2026-11-30T08:00:00Zjunk",   /* trailing text */
                         "start_date=30.11.2026",               /* not W3C */
                         "start_date=2026-11-30T08:00Z&end_date=2026-11-29T08:00Z",
                         "status=open,maybe",
                         "status=,,x",
                         "service_code=pothole,nope"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (list_status(bad[i]) != 400)
            fail_msg("%s was not refused", bad[i]);

    const char *w = "start_date=2026-11-30&end_date=2026-11-30";
    char q[256];
    snprintf(q, sizeof q, "%s&status=open,closed", w);
    assert_true(listed(q, ref));
    snprintf(q, sizeof q, "%s&status=closed", w);
    assert_false(listed(q, ref));
    snprintf(q, sizeof q, "%s&status=open", w);
    assert_true(listed(q, ref));
    snprintf(q, sizeof q, "%s&service_code=pothole,graffiti", w);
    assert_true(listed(q, ref));
    snprintf(q, sizeof q, "%s&service_code=pothole,street_light", w);
    assert_false(listed(q, ref));
    /* Empty optional arguments are the same as absent ones. */
    assert_true(listed("start_date=2026-11-30&end_date=2026-11-30&status=&service_code=", ref));
}

/* POST as clients send it: api_key in the query string, no description,
 * address_id as the location. */
static void test_post_variants(void **state)
{
    (void)state;
    sfx_resp r;
    post_form("/open311/v2/requests.json?api_key=test-key-0123456789abcdef",
              "service_code=pothole&lat=58.3&long=12.4", &r);
    assert_int_equal(r.status, 201);
    json_t *a = parse(&r);
    char ref[16];
    snprintf(ref, sizeof ref, "%s",
             json_string_value(json_object_get(json_array_get(a, 0), "service_request_id")));
    json_decref(a);
    sfx_resp_free(&r);
    trygg_item it;
    assert_int_equal(trygg_store_get_by_ref(server_store(&F.ctx), ref, &it), TRYGG_OK);
    assert_string_equal(it.text, "");

    /* The same rules for the key wherever it comes from. */
    post_form("/open311/v2/requests.json?api_key=wrong", "service_code=pothole&lat=58.3&long=12.4",
              &r);
    assert_int_equal(r.status, 403);
    sfx_resp_free(&r);
    post_form("/open311/v2/requests.json", "service_code=pothole&lat=58.3&long=12.4", &r);
    assert_int_equal(r.status, 403);
    sfx_resp_free(&r);

    char ref2[16];
    post_xml("service_code=pothole&address_id=545483&api_key=test-key-0123456789abcdef", ref2);
    char path[128];
    snprintf(path, sizeof path, "/open311/v2/requests/%s.json", ref2);
    assert_int_equal(get(path, &r), 200);
    a = parse(&r);
    json_t *o = json_array_get(a, 0);
    assert_string_equal(json_string_value(json_object_get(o, "address_id")), "545483");
    assert_null(json_object_get(o, "lat"));
    json_decref(a);
    sfx_resp_free(&r);

    /* No location at all. */
    post_form("/open311/v2/requests.json",
              "service_code=pothole&description=x&api_key=test-key-0123456789abcdef", &r);
    assert_int_equal(r.status, 400);
    sfx_resp_free(&r);
}

/* %00 in a form field would cut it short when decoded: refused, nothing stored. */
static void test_form_nul(void **state)
{
    (void)state;
    int64_t before = 0;
    trygg_store *st = server_store(&F.ctx);
    trygg_filter flt;
    trygg_filter_init(&flt);
    trygg_item *items = calloc(200, sizeof *items);
    int n = 0;
    assert_int_equal(trygg_store_list(st, &flt, NULL, items, 200, &n, NULL), TRYGG_OK);
    before = n;
    const char *forms[] = {
        "service_code=pothole&description=Farligt%00+men+inget&lat=58&long=12&"
        "api_key=test-key-0123456789abcdef",
        "service_code=pothole%00x&lat=58&long=12&api_key=test-key-0123456789abcdef",
        "service_code=pothole&address_string=Torget%00&api_key=test-key-0123456789abcdef"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        sfx_resp r;
        post_form("/open311/v2/requests.json", forms[i], &r);
        if (r.status != 400)
            fail_msg("%s gave %ld", forms[i], r.status);
        json_t *a = parse(&r);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "code")), 400);
        json_decref(a);
        sfx_resp_free(&r);
    }
    assert_int_equal(trygg_store_list(st, &flt, NULL, items, 200, &n, NULL), TRYGG_OK);
    assert_int_equal(n, before);
    free(items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_services),          cmocka_unit_test(test_post_form_and_get),
        cmocka_unit_test(test_post_json_consent), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_healthz_metrics),   cmocka_unit_test(test_list),
        cmocka_unit_test(test_xml_everywhere),    cmocka_unit_test(test_service_definition),
        cmocka_unit_test(test_discovery),         cmocka_unit_test(test_dates_and_lists),
        cmocka_unit_test(test_post_variants),     cmocka_unit_test(test_form_nul),
        cmocka_unit_test(test_db_unavailable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
