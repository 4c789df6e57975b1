/*
 * test_api.c — the kiosk API over real loopback HTTP against an in-process
 * server on a temporary SQLite database: idempotent submit, validation per
 * field, tokens, size caps, config ETag, heartbeat, concurrency.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server_fixture.h"
#include "trygg/ref.h"

static sfx F;

static int setup(void **state)
{
    (void)state;
    return sfx_start(&F, NULL);
}

static int teardown(void **state)
{
    (void)state;
    sfx_stop(&F);
    return 0;
}

static int64_t count_items(void)
{
    trygg_store *st = server_store(&F.ctx);
    trygg_filter f;
    trygg_filter_init(&f);
    int64_t counts[TRYGG_STATUS_COUNT];
    assert_int_equal(trygg_store_count_by_status(st, &f, counts), TRYGG_OK);
    int64_t n = 0;
    for (int i = 0; i < TRYGG_STATUS_COUNT; i++)
        n += counts[i];
    return n;
}

static json_t *parse(const sfx_resp *r)
{
    json_error_t e;
    json_t *o = json_loads(r->body, 0, &e);
    if (o == NULL)
        fail_msg("not JSON: %s", r->body);
    return o;
}

/* A report made at a kiosk during an outage keeps the time the resident sent
 * it ("reported_at", the kiosk's clock) apart from its arrival; a time that
 * cannot be right (in the future, or months old: a kiosk with a bad clock)
 * is ignored, never a reason to refuse the report; a wrong type is a 400. */
static void test_reported_time(void **state)
{
    (void)state;
    int64_t now = (int64_t)time(NULL);
    struct {
        const char *uuid;
        int64_t at;
        int64_t want;
    } cases[] = {
        {"6f1c2d3e-aaaa-bbbb-cccc-0000000000a1", now - 3600, now - 3600},
        {"6f1c2d3e-aaaa-bbbb-cccc-0000000000a2", now + 86400, 0},
        {"6f1c2d3e-aaaa-bbbb-cccc-0000000000a3", now - 200 * 86400, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"uuid\":\"%s\",\"kind\":\"concern\",\"category\":\"lighting\","
                 "\"area\":\"centrum\",\"text\":\"Lampan vid bron\",\"lang\":\"sv\","
                 "\"reported_at\":%lld}",
                 cases[i].uuid, (long long)cases[i].at);
        sfx_resp r;
        assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, body, &r), 0);
        assert_int_equal(r.status, 201);
        json_t *o = parse(&r);
        trygg_item it;
        assert_int_equal(trygg_store_get_by_ref(server_store(&F.ctx),
                                                json_string_value(json_object_get(o, "ref")), &it),
                         TRYGG_OK);
        json_decref(o);
        sfx_resp_free(&r);
        assert_int_equal(it.reported, cases[i].want);
        assert_true(it.created >= now - 5);
    }
    const char *bad = "{\"uuid\":\"6f1c2d3e-aaaa-bbbb-cccc-0000000000a4\",\"kind\":\"concern\","
                      "\"category\":\"lighting\",\"area\":\"centrum\",\"lang\":\"sv\","
                      "\"reported_at\":\"igår\"}";
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, bad, &r), 0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "reported_at"));
    sfx_resp_free(&r);
}

static void test_submit_idempotent(void **state)
{
    (void)state;
    const char *body = "{\"uuid\":\"6f1c2d3e-aaaa-bbbb-cccc-000000000001\",\"kind\":\"concern\","
                       "\"category\":\"lighting\",\"area\":\"centrum\",\"when\":\"evenings\","
                       "\"text\":\"Mörkt vid gångtunneln, ring 070-123 45 67\",\"lang\":\"sv\"}";
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, body, &r), 0);
    assert_int_equal(r.status, 201);
    json_t *o = parse(&r);
    char expect[TRYGG_REF_LEN + 1];
    trygg_ref_from_key("6f1c2d3e-aaaa-bbbb-cccc-000000000001", expect);
    assert_string_equal(json_string_value(json_object_get(o, "ref")), expect);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "new");
    json_decref(o);
    char sec[64];
    assert_true(sfx_header(&r, "X-Content-Type-Options", sec, sizeof sec));
    assert_string_equal(sec, "nosniff");
    assert_true(sfx_header(&r, "Content-Security-Policy", sec, sizeof sec));
    assert_true(sfx_header(&r, "X-Frame-Options", sec, sizeof sec));
    sfx_resp_free(&r);

    int64_t before = count_items();
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, body, &r), 0);
    assert_int_equal(r.status, 200);
    o = parse(&r);
    assert_string_equal(json_string_value(json_object_get(o, "ref")), expect);
    json_decref(o);
    sfx_resp_free(&r);
    assert_int_equal(count_items(), before);

    /* The same UUID with another body is a conflict, not the old receipt. */
    const char *other = "{\"uuid\":\"6f1c2d3e-aaaa-bbbb-cccc-000000000001\",\"kind\":\"concern\","
                        "\"category\":\"lighting\",\"area\":\"centrum\",\"when\":\"evenings\","
                        "\"text\":\"Något helt annat\",\"lang\":\"sv\"}";
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, other, &r), 0);
    assert_int_equal(r.status, 409);
    assert_null(strstr(r.body, expect));
    sfx_resp_free(&r);
    assert_int_equal(count_items(), before);

    trygg_item it;
    assert_int_equal(trygg_store_get_by_ref(server_store(&F.ctx), expect, &it), TRYGG_OK);
    assert_int_equal(it.channel, TRYGG_CHANNEL_KIOSK);
    assert_string_equal(it.source, "test-kiosk");
    assert_string_equal(it.category, "lighting");
    assert_string_equal(it.when_band, "evenings");
    assert_string_equal(it.destination, "security");
}

static void test_validation_per_field(void **state)
{
    (void)state;
    int64_t before = count_items();
    char big[4200];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char body[5000];
    snprintf(body, sizeof body,
             "{\"uuid\":\"bad uuid!\",\"kind\":\"tip\",\"category\":\"a/b\",\"area\":\"centrum\","
             "\"when\":\"2026-02-30\",\"text\":\"%s\",\"lang\":\"xx\",\"contact\":\"070-1\","
             "\"consent\":false}",
             big);
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, body, &r), 0);
    assert_int_equal(r.status, 400);
    json_t *o = parse(&r);
    assert_string_equal(json_string_value(json_object_get(o, "error")), "validation");
    json_t *fields = json_object_get(o, "fields");
    assert_string_equal(json_string_value(json_object_get(fields, "uuid")), "invalid");
    assert_string_equal(json_string_value(json_object_get(fields, "kind")), "invalid");
    assert_string_equal(json_string_value(json_object_get(fields, "category")), "invalid");
    assert_string_equal(json_string_value(json_object_get(fields, "when")), "invalid");
    assert_string_equal(json_string_value(json_object_get(fields, "text")), "too_long");
    assert_string_equal(json_string_value(json_object_get(fields, "lang")), "invalid");
    assert_string_equal(json_string_value(json_object_get(fields, "contact")), "consent_required");
    assert_null(json_object_get(fields, "area"));
    json_decref(o);
    sfx_resp_free(&r);

    /* Missing fields and wrong types. */
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token,
                                   "{\"kind\":\"walk_signup\",\"text\":5,\"consent\":\"yes\"}", &r),
                     0);
    assert_int_equal(r.status, 400);
    o = parse(&r);
    fields = json_object_get(o, "fields");
    assert_string_equal(json_string_value(json_object_get(fields, "uuid")), "required");
    assert_string_equal(json_string_value(json_object_get(fields, "text")), "type");
    assert_string_equal(json_string_value(json_object_get(fields, "consent")), "type");
    assert_string_equal(json_string_value(json_object_get(fields, "walk_id")), "required");
    json_decref(o);
    sfx_resp_free(&r);

    /* Broken JSON, invalid UTF-8, not an object, wrong content type. */
    const char *broken[] = {"{\"uuid\":", "{\"uuid\":\"abcdefgh\xff\xfe\"}", "[1,2]",
                            "{\"a\":1,\"a\":2}"};
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, broken[i], &r), 0);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr(r.body, "\"json\""));
        sfx_resp_free(&r);
    }
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", F.token);
    const char *hdrs[] = {"Content-Type: text/plain", auth, NULL};
    assert_int_equal(sfx_http(F.base, "POST", "/api/v1/submissions", hdrs, "{}", 2, &r), 0);
    assert_int_equal(r.status, 415);
    sfx_resp_free(&r);
    assert_int_equal(count_items(), before);
}

static void test_tokens(void **state)
{
    (void)state;
    const char *body = "{\"uuid\":\"tok-00000001\",\"kind\":\"fault\",\"category\":\"pothole\","
                       "\"area\":\"gota\"}";
    sfx_resp r;
    const char *tokens[] = {NULL, "not-a-token", F.token2};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", tokens[i], body, &r), 0);
        assert_int_equal(r.status, 401);
        char v[128];
        assert_true(sfx_header(&r, "WWW-Authenticate", v, sizeof v));
        sfx_resp_free(&r);
    }
    trygg_item it;
    assert_int_equal(trygg_store_get_by_key(server_store(&F.ctx), "tok-00000001", &it),
                     TRYGG_ERR_NOTFOUND);
    const char *hdrs[] = {NULL};
    assert_int_equal(sfx_http(F.base, "GET", "/api/v1/kiosk/config", hdrs, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    sfx_resp_free(&r);
}

static void test_size_cap(void **state)
{
    (void)state;
    size_t n = 64 * 1024 + 10;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = '\0';
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, big, &r), 0);
    assert_int_equal(r.status, 413);
    sfx_resp_free(&r);
    /* Chunked (no Content-Length): decided while reading. */
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", F.token);
    const char *hdrs[] = {"Content-Type: application/json", "Transfer-Encoding: chunked", auth,
                          NULL};
    assert_int_equal(sfx_http(F.base, "POST", "/api/v1/submissions", hdrs, big, n, &r), 0);
    assert_int_equal(r.status, 413);
    sfx_resp_free(&r);
    free(big);
}

static void post_ref(const char *uuid, const char *ref, const char *text, sfx_resp *r)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"uuid\":\"%s\",\"kind\":\"concern\",\"category\":\"lighting\","
             "\"area\":\"centrum\",\"when\":\"now\",\"text\":\"%s\",\"lang\":\"sv\"%s%s%s}",
             uuid, text, ref ? ",\"ref\":\"" : "", ref ? ref : "", ref ? "\"" : "");
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, body, r), 0);
}

static const char *config_prefix(char out[4])
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", F.token);
    const char *hdrs[] = {auth, NULL};
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", "/api/v1/kiosk/config", hdrs, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    json_t *o = parse(&r);
    const char *p = json_string_value(json_object_get(o, "ref_prefix"));
    snprintf(out, 4, "%s", p ? p : "");
    json_decref(o);
    sfx_resp_free(&r);
    return out;
}

/* Issue 12: a reference the kiosk issued offline (its prefix + sequence) is
 * stored exactly; a retry gets it again; when another item holds it the
 * answer is 409, never another reference. */
static void test_kiosk_issued_refs(void **state)
{
    (void)state;
    trygg_store *st = server_store(&F.ctx);
    trygg_kiosk k;
    assert_int_equal(trygg_store_kiosk_get(st, "test-kiosk", &k), TRYGG_OK);
    assert_true(trygg_ref_prefix_valid(k.ref_prefix));
    char p[4];
    assert_string_equal(config_prefix(p), k.ref_prefix);

    char ref[TRYGG_REF_LEN + 1];
    assert_int_equal(trygg_ref_kiosk(k.ref_prefix, 0, ref), TRYGG_OK);
    sfx_resp r;
    post_ref("kref-0000-0001", ref, "Första", &r);
    assert_int_equal(r.status, 201);
    json_t *o = parse(&r);
    assert_string_equal(json_string_value(json_object_get(o, "ref")), ref);
    json_decref(o);
    sfx_resp_free(&r);
    post_ref("kref-0000-0001", ref, "Första", &r); /* the kiosk's retry */
    assert_int_equal(r.status, 200);
    o = parse(&r);
    assert_string_equal(json_string_value(json_object_get(o, "ref")), ref);
    json_decref(o);
    sfx_resp_free(&r);

    /* Another submission carrying that reference: 409, nothing stored. */
    int64_t before = count_items();
    post_ref("kref-0000-0002", ref, "Andra", &r);
    assert_int_equal(r.status, 409);
    assert_non_null(strstr(r.body, "ref_taken"));
    sfx_resp_free(&r);
    assert_int_equal(count_items(), before);
    trygg_item it;
    assert_int_equal(trygg_store_get_by_key(st, "kref-0000-0002", &it), TRYGG_ERR_NOTFOUND);
    /* The same uuid with another reference is a conflict too. */
    char ref1[TRYGG_REF_LEN + 1];
    assert_int_equal(trygg_ref_kiosk(k.ref_prefix, 1, ref1), TRYGG_OK);
    post_ref("kref-0000-0001", ref1, "Första", &r);
    assert_int_equal(r.status, 409);
    sfx_resp_free(&r);

    /* A reference under another kiosk's prefix, or not kiosk-shaped: 400. */
    trygg_kiosk other = {0};
    char tok[64];
    strcpy(other.id, "other-kiosk");
    assert_int_equal(trygg_store_kiosk_add(st, &other, tok), TRYGG_OK);
    assert_int_equal(trygg_store_kiosk_get(st, "other-kiosk", &other), TRYGG_OK);
    assert_int_equal(trygg_ref_kiosk(other.ref_prefix, 5, ref1), TRYGG_OK);
    post_ref("kref-0000-0003", ref1, "Tredje", &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "\"ref\""));
    sfx_resp_free(&r);
    post_ref("kref-0000-0003", "K7-4QX2", "Tredje", &r);
    assert_int_equal(r.status, 400);
    sfx_resp_free(&r);
    assert_int_equal(count_items(), before);

    /* Near the end of its sequence space the kiosk is given a new prefix
     * (in its next config); references under the old one stay valid. */
    assert_int_equal(trygg_ref_kiosk(k.ref_prefix, TRYGG_REF_SEQ_COUNT - 10, ref1), TRYGG_OK);
    post_ref("kref-0000-0004", ref1, "Fjärde", &r);
    assert_int_equal(r.status, 201);
    sfx_resp_free(&r);
    config_prefix(p);
    assert_true(trygg_ref_prefix_valid(p));
    assert_string_not_equal(p, k.ref_prefix);
    assert_int_equal(trygg_ref_kiosk(k.ref_prefix, TRYGG_REF_SEQ_COUNT - 9, ref1), TRYGG_OK);
    post_ref("kref-0000-0005", ref1, "Femte", &r);
    assert_int_equal(r.status, 201);
    sfx_resp_free(&r);

    /* Without "ref" (an older kiosk) the legacy hash still applies; when it
     * lands on a kiosk reference another item holds, the item gets a random
     * server reference as before, not a 409. */
    char uuid[40], legacy[TRYGG_REF_LEN + 1];
    for (int i = 0;; i++) {
        snprintf(uuid, sizeof uuid, "legacy-%08d", i);
        trygg_ref_from_key(uuid, legacy);
        if (trygg_ref_is_kiosk(legacy))
            break;
    }
    trygg_item blocker, out;
    int made;
    trygg_item_init(&blocker);
    strcpy(blocker.client_key, "blocker-1");
    blocker.kind = TRYGG_KIND_CONCERN;
    strcpy(blocker.text, "x");
    strcpy(blocker.ref, legacy);
    assert_int_equal(trygg_store_submit(st, &blocker, &out, &made), TRYGG_OK);
    post_ref(uuid, NULL, "Gammal kiosk", &r);
    assert_int_equal(r.status, 201);
    o = parse(&r);
    assert_string_not_equal(json_string_value(json_object_get(o, "ref")), legacy);
    json_decref(o);
    sfx_resp_free(&r);
}

/* Issue 16, defect 1: the config tells the kiosk how long each kind is kept,
 * and it is what the purge enforces: the purge time the store sets on an
 * item that arrives now (server.ini [retention]: fault 365 days). */
static void test_config_retention(void **state)
{
    (void)state;
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", F.token);
    const char *hdrs[] = {auth, NULL};
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", "/api/v1/kiosk/config", hdrs, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    json_t *o = parse(&r);
    sfx_resp_free(&r);
    json_t *ret = json_object_get(o, "retention");
    assert_non_null(ret);
    for (int k = 0; k < TRYGG_KIND_COUNT; k++) {
        json_t *d = json_object_get(ret, trygg_kind_name((trygg_kind)k));
        assert_true(json_is_integer(d));
        assert_int_equal(json_integer_value(d),
                         trygg_store_retention(server_store(&F.ctx), (trygg_kind)k));
    }
    const char *kinds[] = {"fault", "watch_signup"};
    const char *bodies[] = {
        "{\"uuid\":\"6f1c2d3e-aaaa-bbbb-cccc-0000000000c1\",\"kind\":\"fault\","
        "\"category\":\"street_light\",\"area\":\"centrum\",\"text\":\"Släckt\","
        "\"lang\":\"sv\",\"contact\":\"070-123 45 67\",\"consent\":true}",
        "{\"uuid\":\"6f1c2d3e-aaaa-bbbb-cccc-0000000000c2\",\"kind\":\"watch_signup\","
        "\"area\":\"centrum\",\"text\":\"Anna\",\"lang\":\"sv\","
        "\"contact\":\"070-123 45 67\",\"consent\":true}"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, bodies[i], &r), 0);
        assert_int_equal(r.status, 201);
        sfx_resp_free(&r);
        trygg_item it;
        assert_int_equal(trygg_store_get_by_key(server_store(&F.ctx),
                                                i ? "6f1c2d3e-aaaa-bbbb-cccc-0000000000c2"
                                                  : "6f1c2d3e-aaaa-bbbb-cccc-0000000000c1",
                                                &it),
                         TRYGG_OK);
        json_int_t days = json_integer_value(json_object_get(ret, kinds[i]));
        assert_int_equal(it.purge_at - it.created, (int64_t)days * 86400);
    }
    assert_int_equal(json_integer_value(json_object_get(ret, "fault")), 365);
    /* the place register: a fault asks where exactly (issue 16, defect 7) */
    json_t *places = json_object_get(o, "places");
    int resecentrum = 0;
    size_t i;
    json_t *p;
    json_array_foreach(places, i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "id")), "resecentrum") == 0) {
            assert_string_equal(json_string_value(json_object_get(p, "label")), "Resecentrum");
            assert_string_equal(json_string_value(json_object_get(p, "area")), "centrum");
            resecentrum = 1;
        }
    }
    assert_true(resecentrum);
    trygg_item fault;
    assert_int_equal(trygg_store_get_by_key(server_store(&F.ctx),
                                            "6f1c2d3e-aaaa-bbbb-cccc-0000000000c1", &fault),
                     TRYGG_OK);
    assert_string_equal(fault.destination, "streets"); /* a street light in Centrum */
    json_decref(o);
}

static json_t *get_config(void)
{
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", F.token);
    const char *hdrs[] = {auth, NULL};
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", "/api/v1/kiosk/config", hdrs, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    json_t *o = parse(&r);
    sfx_resp_free(&r);
    return o;
}

/* Issue 16: a safety round is a walk marked "round" in the config; a
 * sign-up for it gets the category "round" and goes to the rounds'
 * coordinator, one for a walk to the walks' coordinator. A question
 * (concern "question") goes to the security department alone. */
static void test_rounds_and_questions(void **state)
{
    (void)state;
    trygg_store *st = server_store(&F.ctx);
    trygg_walk w = {0};
    w.starts = (int64_t)time(NULL) + 9 * 86400;
    snprintf(w.area, sizeof w.area, "strom");
    snprintf(w.place, sizeof w.place, "Ströms gård");
    snprintf(w.meeting_point, sizeof w.meeting_point, "Vid tvättstugan");
    w.capacity = 12;
    w.round = 1;
    assert_int_equal(trygg_store_walk_put(st, &w), TRYGG_OK);
    trygg_walk back;
    assert_int_equal(trygg_store_walk_get(st, w.id, &back), TRYGG_OK);
    assert_int_equal(back.round, 1);
    json_t *o = get_config();
    int seen = 0;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(o, "walks"), i, e)
    {
        if (json_integer_value(json_object_get(e, "id")) == w.id) {
            assert_true(json_is_true(json_object_get(e, "round")));
            seen = 1;
        } else {
            assert_null(json_object_get(e, "round"));
        }
    }
    json_decref(o);
    assert_true(seen);
    char body[512];
    snprintf(body, sizeof body,
             "{\"uuid\":\"6f1c2d3e-aaaa-bbbb-cccc-0000000000d1\",\"kind\":\"walk_signup\","
             "\"walk_id\":%lld,\"lang\":\"sv\",\"contact\":\"Bo Ek, 070-123 45 67\","
             "\"consent\":true}",
             (long long)w.id);
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, body, &r), 0);
    assert_int_equal(r.status, 201);
    sfx_resp_free(&r);
    trygg_item it;
    assert_int_equal(trygg_store_get_by_key(st, "6f1c2d3e-aaaa-bbbb-cccc-0000000000d1", &it),
                     TRYGG_OK);
    assert_string_equal(it.category, "round");
    assert_string_equal(it.destination, "rounds");
    const char *q = "{\"uuid\":\"6f1c2d3e-aaaa-bbbb-cccc-0000000000d2\",\"kind\":\"concern\","
                    "\"category\":\"question\",\"area\":\"other\",\"lang\":\"sv\","
                    "\"text\":\"Varför är det så mörkt i parken?\","
                    "\"contact\":\"anna@example.se\",\"consent\":true}";
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, q, &r), 0);
    assert_int_equal(r.status, 201);
    sfx_resp_free(&r);
    assert_int_equal(trygg_store_get_by_key(st, "6f1c2d3e-aaaa-bbbb-cccc-0000000000d2", &it),
                     TRYGG_OK);
    assert_string_equal(it.destination, "security");
    assert_string_equal(it.contact, "anna@example.se");
}

static int status_post(const char *code, sfx_resp *r)
{
    json_t *j = json_pack("{s:s}", "code", code);
    char *body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    int rc = sfx_post_json(&F, "/api/v1/kiosk/status", F.token, body, r);
    free(body);
    return rc;
}

/* Issue 16, "Följ ditt ärende": the kiosk API gives the status page's words
 * for a code from a receipt (state and two dates, nothing else), the same 404
 * for a wrong secret and an unknown reference, and 429 past the per-kiosk
 * limit. */
static void test_follow_status(void **state)
{
    (void)state;
    const char *b = "{\"uuid\":\"6f1c2d3e-aaaa-bbbb-cccc-0000000000e1\",\"kind\":\"concern\","
                    "\"category\":\"lighting\",\"area\":\"centrum\",\"lang\":\"sv\","
                    "\"text\":\"Mörkt vid Storgatan 12, ring 070-123 45 67\"}";
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, b, &r), 0);
    assert_int_equal(r.status, 201);
    json_t *o = parse(&r);
    char code[32];
    snprintf(code, sizeof code, "%s", json_string_value(json_object_get(o, "follow_code")));
    json_decref(o);
    sfx_resp_free(&r);
    assert_int_equal(strlen(code), 17);
    /* found, in any case and with blanks */
    char typed[40];
    snprintf(typed, sizeof typed, " %s ", code);
    for (char *p = typed; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    assert_int_equal(status_post(typed, &r), 0);
    assert_int_equal(r.status, 200);
    o = parse(&r);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "new");
    assert_int_equal(strlen(json_string_value(json_object_get(o, "received"))), 10);
    assert_int_equal(json_object_size(o), 3); /* status, received, changed: nothing else */
    json_decref(o);
    assert_null(strstr(r.body, "Storgatan"));
    assert_null(strstr(r.body, "070"));
    sfx_resp_free(&r);
    /* a wrong secret and an unknown reference: one answer */
    char wrong[32], unknown[32] = "9Z-2222-2222-2222";
    snprintf(wrong, sizeof wrong, "%s", code);
    wrong[16] = wrong[16] == '2' ? '3' : '2';
    char body1[256] = "", body2[256] = "";
    assert_int_equal(status_post(wrong, &r), 0);
    assert_int_equal(r.status, 404);
    snprintf(body1, sizeof body1, "%s", r.body);
    sfx_resp_free(&r);
    assert_int_equal(status_post(unknown, &r), 0);
    assert_int_equal(r.status, 404);
    snprintf(body2, sizeof body2, "%s", r.body);
    sfx_resp_free(&r);
    assert_string_equal(body1, body2);
    /* no token: 401 */
    assert_int_equal(sfx_post_json(&F, "/api/v1/kiosk/status", "nope", "{\"code\":\"x\"}", &r), 0);
    assert_int_equal(r.status, 401);
    sfx_resp_free(&r);
    /* the limit: a burst, then 429 with Retry-After */
    int limited = 0;
    for (int i = 0; i < 40 && !limited; i++) {
        assert_int_equal(status_post(unknown, &r), 0);
        if (r.status == 429) {
            char ra[16];
            assert_true(sfx_header(&r, "Retry-After", ra, sizeof ra));
            limited = i + 4; /* the number of this look-up: three were above */
        } else {
            assert_int_equal(r.status, 404);
        }
        sfx_resp_free(&r);
    }
    assert_int_equal(limited, 21);
}

static void test_config_etag(void **state)
{
    (void)state;
    char auth[128], etag[80], inm[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", F.token);
    const char *hdrs[] = {auth, NULL};
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", "/api/v1/kiosk/config", hdrs, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(sfx_header(&r, "ETag", etag, sizeof etag));
    json_t *o = parse(&r);
    json_t *concern = json_object_get(json_object_get(o, "categories"), "concern");
    assert_true(json_array_size(concern) >= 5);
    assert_string_equal(json_string_value(json_object_get(json_array_get(concern, 0), "id")),
                        "lighting");
    json_t *label = json_object_get(json_array_get(concern, 0), "label");
    assert_string_equal(json_string_value(json_object_get(label, "sv")), "Dålig belysning");
    assert_true(json_array_size(json_object_get(json_object_get(o, "categories"), "fault")) >= 5);
    json_t *areas = json_object_get(o, "areas");
    assert_string_equal(json_string_value(json_object_get(json_array_get(areas, 0), "id")),
                        "centrum");
    assert_string_equal(json_string_value(json_object_get(json_array_get(areas, 0), "group")),
                        "Lilla Edet");
    json_t *links = json_object_get(o, "links");
    assert_string_equal(json_string_value(json_object_get(links, "police_tip_url")),
                        "https://polisen.se/kontakt/tipsa-polisen/");
    assert_string_equal(json_string_value(json_object_get(links, "emergency")), "112");
    assert_int_equal(json_array_size(json_object_get(o, "walks")), 0);
    json_decref(o);
    sfx_resp_free(&r);

    snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    const char *hdrs2[] = {auth, inm, NULL};
    assert_int_equal(sfx_http(F.base, "GET", "/api/v1/kiosk/config", hdrs2, NULL, 0, &r), 0);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.len, 0);
    sfx_resp_free(&r);

    /* A new walk and notice change the body and so the ETag. */
    trygg_store *st = server_store(&F.ctx);
    trygg_walk w = {0};
    w.starts = (int64_t)time(NULL) + 7 * 86400;
    snprintf(w.area, sizeof w.area, "gota");
    snprintf(w.place, sizeof w.place, "Göta centrum");
    snprintf(w.meeting_point, sizeof w.meeting_point, "Vid ICA");
    w.capacity = 30;
    assert_int_equal(trygg_store_walk_put(st, &w), TRYGG_OK);
    trygg_notice nt = {0};
    snprintf(nt.lang, sizeof nt.lang, "sv");
    snprintf(nt.text, sizeof nt.text, "Trygghetsvandring i Göta");
    nt.from = (int64_t)time(NULL) - 10;
    nt.to = (int64_t)time(NULL) + 86400;
    assert_int_equal(trygg_store_notice_put(st, &nt), TRYGG_OK);
    assert_int_equal(sfx_http(F.base, "GET", "/api/v1/kiosk/config", hdrs2, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    char etag2[80];
    assert_true(sfx_header(&r, "ETag", etag2, sizeof etag2));
    assert_string_not_equal(etag, etag2);
    o = parse(&r);
    json_t *walk = json_array_get(json_object_get(o, "walks"), 0);
    assert_non_null(walk);
    assert_string_equal(json_string_value(json_object_get(walk, "meeting_point")), "Vid ICA");
    assert_int_equal(json_integer_value(json_object_get(walk, "capacity")), 30);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(o, "notices"), 0), "text")),
                        "Trygghetsvandring i Göta");
    json_decref(o);
    sfx_resp_free(&r);

    /* A walk sign-up for that walk is accepted. */
    char body[256];
    snprintf(body, sizeof body,
             "{\"uuid\":\"walk-signup-0001\",\"kind\":\"walk_signup\",\"area\":\"gota\","
             "\"walk_id\":%lld,\"contact\":\"Anna 0701234567\",\"consent\":true}",
             (long long)w.id);
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, body, &r), 0);
    assert_int_equal(r.status, 201);
    sfx_resp_free(&r);
    trygg_item it;
    assert_int_equal(trygg_store_get_by_key(st, "walk-signup-0001", &it), TRYGG_OK);
    assert_int_equal(it.walk_id, w.id);
    assert_string_equal(it.contact, "Anna 0701234567");
    assert_string_equal(it.destination, "walks");
    trygg_audit au[8];
    int na = 0;
    assert_int_equal(trygg_store_list_audit(st, it.id, au, 8, &na), TRYGG_OK);
    for (int i = 0; i < na; i++)
        assert_string_not_equal(au[i].action, "over_capacity");

    /* An unknown walk is a field error and stores nothing. */
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token,
                                   "{\"uuid\":\"walk-signup-0002\",\"kind\":\"walk_signup\","
                                   "\"walk_id\":987654,\"contact\":\"Bo\",\"consent\":true}",
                                   &r),
                     0);
    assert_int_equal(r.status, 400);
    o = parse(&r);
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "fields"), "walk_id")),
                        "unknown");
    json_decref(o);
    sfx_resp_free(&r);
    assert_int_equal(trygg_store_get_by_key(st, "walk-signup-0002", &it), TRYGG_ERR_NOTFOUND);

    /* A full walk still takes the sign-up (the kiosk may have shown its
     * receipt offline) and marks it over capacity, once. */
    trygg_walk small = {0};
    small.starts = (int64_t)time(NULL) + 8 * 86400;
    snprintf(small.area, sizeof small.area, "gota");
    snprintf(small.place, sizeof small.place, "Parken");
    small.capacity = 1;
    assert_int_equal(trygg_store_walk_put(st, &small), TRYGG_OK);
    for (int k = 0; k < 3; k++) {
        snprintf(body, sizeof body,
                 "{\"uuid\":\"walk-full-000%d\",\"kind\":\"walk_signup\",\"walk_id\":%lld,"
                 "\"contact\":\"Cia\",\"consent\":true}",
                 k == 2 ? 1 : k, (long long)small.id);
        assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, body, &r), 0);
        assert_int_equal(r.status, k == 2 ? 200 : 201); /* the third is a retry */
        sfx_resp_free(&r);
    }
    for (int k = 0; k < 2; k++) {
        char key[32];
        snprintf(key, sizeof key, "walk-full-000%d", k);
        assert_int_equal(trygg_store_get_by_key(st, key, &it), TRYGG_OK);
        assert_int_equal(trygg_store_list_audit(st, it.id, au, 8, &na), TRYGG_OK);
        int over = 0;
        for (int i = 0; i < na; i++)
            if (strcmp(au[i].action, "over_capacity") == 0) {
                over++;
                assert_string_equal(au[i].detail, "2/1");
            }
        assert_int_equal(over, k == 1 ? 1 : 0);
    }
    assert_int_equal(trygg_store_walk_get(st, small.id, &small), TRYGG_OK);
    assert_int_equal(small.signups, 2);
}

static void test_heartbeat(void **state)
{
    (void)state;
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/kiosk/heartbeat", F.token,
                                   "{\"version\":\"0.1.0\",\"outbox_depth\":3,"
                                   "\"last_error\":\"timeout\"}",
                                   &r),
                     0);
    assert_int_equal(r.status, 204);
    sfx_resp_free(&r);
    trygg_kiosk k;
    assert_int_equal(trygg_store_kiosk_get(server_store(&F.ctx), "test-kiosk", &k), TRYGG_OK);
    assert_string_equal(k.version, "0.1.0");
    assert_int_equal(k.outbox_depth, 3);
    assert_string_equal(k.last_error, "timeout");
    assert_true(k.last_seen > 0);
    assert_int_equal(
        sfx_post_json(&F, "/api/v1/kiosk/heartbeat", F.token, "{\"outbox_depth\":-1}", &r), 0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "outbox_depth"));
    sfx_resp_free(&r);
}

static void test_not_found_and_method(void **state)
{
    (void)state;
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", "/api/v1/nothing-here", NULL, NULL, 0, &r), 0);
    assert_true(r.status == 404 || r.status == 303 || r.status == 401); /* web UI may own "/" */
    sfx_resp_free(&r);
    assert_int_equal(sfx_http(F.base, "GET", "/api/v1/submissions", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 405);
    char allow[64];
    assert_true(sfx_header(&r, "Allow", allow, sizeof allow));
    assert_string_equal(allow, "POST");
    sfx_resp_free(&r);
}

enum { THREADS = 8, PER_THREAD = 50 };
struct worker {
    int id;
    int created, seen, failed;
};

static void *submitter(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        char body[256];
        /* Every third request repeats the previous uuid (a kiosk retrying). */
        int n = i - (i % 3 == 2 ? 1 : 0);
        snprintf(body, sizeof body,
                 "{\"uuid\":\"conc-%02d-%04d-xxxx\",\"kind\":\"fault\",\"category\":\"pothole\","
                 "\"area\":\"lodose\",\"text\":\"Hål %d\"}",
                 w->id, n, n);
        sfx_resp r;
        if (sfx_post_json(&F, "/api/v1/submissions", F.token, body, &r) != 0)
            w->failed++;
        else if (r.status == 201)
            w->created++;
        else if (r.status == 200)
            w->seen++;
        else
            w->failed++;
        sfx_resp_free(&r);
    }
    return NULL;
}

static void test_concurrent(void **state)
{
    (void)state;
    int64_t before = count_items();
    int64_t b0, i0, b1, i1;
    intake_stats(&b0, &i0);
    pthread_t th[THREADS];
    struct worker w[THREADS];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){.id = i};
        assert_int_equal(pthread_create(&th[i], NULL, submitter, &w[i]), 0);
    }
    int created = 0, seen = 0, failed = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        created += w[i].created;
        seen += w[i].seen;
        failed += w[i].failed;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    intake_stats(&b1, &i1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int unique = THREADS * (PER_THREAD - PER_THREAD / 3);
    printf("concurrent: %d requests in %.2f s (%.0f/s), %lld commits for %lld items\n",
           THREADS * PER_THREAD, secs, THREADS * PER_THREAD / secs, (long long)(b1 - b0),
           (long long)(i1 - i0));
    assert_int_equal(failed, 0);
    assert_int_equal(created, unique);
    assert_int_equal(seen, THREADS * PER_THREAD - unique);
    assert_int_equal(count_items() - before, unique);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_submit_idempotent),
        cmocka_unit_test(test_validation_per_field),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_size_cap),
        cmocka_unit_test(test_config_etag),
        cmocka_unit_test(test_config_retention),
        cmocka_unit_test(test_rounds_and_questions),
        cmocka_unit_test(test_follow_status),
        cmocka_unit_test(test_kiosk_issued_refs),
        cmocka_unit_test(test_heartbeat),
        cmocka_unit_test(test_not_found_and_method),
        cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_reported_time),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
