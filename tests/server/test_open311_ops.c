/*
 * test_open311_ops.c — Open311 GeoReport v2 (services, requests: form and
 * JSON, errors in the spec's format, status lookup that never shows personal
 * data or non-faults) and /healthz, /metrics over real loopback HTTP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include "server_fixture.h"

static sfx F;

static int setup(void **state)
{
    (void)state;
    return sfx_start(&F, "[open311]\napi_keys = test-key-0123456789abcdef\n");
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
    assert_string_equal(it.destination, "housing"); /* faults in the company's areas */

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
    const char *form = "service_code=nope&lat=91&long=12&api_key=test-key-0123456789abcdef";
    assert_int_equal(
        sfx_http(F.base, "POST", "/open311/v2/requests.json", hdrs, form, strlen(form), &r), 0);
    assert_int_equal(r.status, 400);
    json_t *a = parse(&r);
    assert_true(json_array_size(a) >= 3); /* service_code, description, lat/long */
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *e = json_array_get(a, i);
        assert_int_equal(json_integer_value(json_object_get(e, "code")), 400);
        assert_true(json_is_string(json_object_get(e, "description")));
    }
    json_decref(a);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_services),          cmocka_unit_test(test_post_form_and_get),
        cmocka_unit_test(test_post_json_consent), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_healthz_metrics),   cmocka_unit_test(test_list),
        cmocka_unit_test(test_db_unavailable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
