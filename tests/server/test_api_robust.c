/*
 * test_api_robust.c — bad input from the network never crashes the server,
 * never gets a 5xx and never changes anything: thousands of mutated kiosk
 * submissions and Open311 forms (bit flips, truncation, inserted bytes,
 * invalid UTF-8, huge numbers, nested JSON) over real HTTP, under ASan/UBSan
 * in the test build. Every 2xx must be a real, readable item.
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
    return sfx_start(&F, NULL);
}

static int teardown(void **state)
{
    (void)state;
    sfx_stop(&F);
    return 0;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static const char *const seeds[] = {
    "{\"uuid\":\"robust-0000-0001\",\"kind\":\"concern\",\"category\":\"lighting\","
    "\"area\":\"centrum\",\"when\":\"evenings\",\"text\":\"Mörkt vid gångtunneln\","
    "\"lang\":\"sv\",\"contact\":\"070-123 45 67\",\"consent\":true}",
    "{\"uuid\":\"robust-0000-0002\",\"kind\":\"walk_signup\",\"area\":\"gota\",\"walk_id\":1,"
    "\"contact\":\"Bo\",\"consent\":true}",
    "{\"uuid\":\"robust-0000-0003\",\"kind\":\"fault\",\"category\":\"pothole\",\"area\":\"other\","
    "\"when\":\"2026-01-31\",\"text\":\"Storgatan 3\\nHål\",\"lang\":\"ar\"}",
};

static const char *const inserts[] = {"\xff",
                                      "\xc3",
                                      "\xed\xa0\x80",
                                      "\\u0000",
                                      "\"",
                                      "{",
                                      "[",
                                      "}",
                                      "]",
                                      ",",
                                      ":",
                                      "null",
                                      "1e999",
                                      "-1",
                                      "99999999999999999999",
                                      "\\ud800",
                                      "\x01",
                                      "true",
                                      "{\"a\":[[[[[[[[1]]]]]]]]}"};

static void mutate(const char *seed, char *out, size_t cap)
{
    size_t n = strlen(seed);
    memcpy(out, seed, n + 1);
    int k = 1 + (int)(rnd() % 4);
    for (int i = 0; i < k; i++) {
        n = strlen(out);
        size_t pos = n ? rnd() % n : 0;
        switch (rnd() % 4) {
        case 0: /* flip a bit */
            if (n)
                out[pos] ^= (char)(1u << (rnd() % 8));
            if (out[pos] == '\0')
                out[pos] = 'x';
            break;
        case 1: /* truncate */
            out[pos] = '\0';
            break;
        case 2: { /* insert a nasty token */
            const char *ins = inserts[rnd() % (sizeof inserts / sizeof inserts[0])];
            size_t il = strlen(ins);
            if (n + il + 1 < cap) {
                memmove(out + pos + il, out + pos, n - pos + 1);
                memcpy(out + pos, ins, il);
            }
            break;
        }
        default: /* duplicate a slice */
            if (n > 0 && 2 * n + 1 < cap) {
                size_t len = rnd() % (n - pos + 1);
                memmove(out + pos + len, out + pos, n - pos + 1);
            }
            break;
        }
    }
}

static void test_mutated_submissions(void **state)
{
    (void)state;
    char body[8192];
    int ok = 0, bad = 0;
    for (int i = 0; i < 1500; i++) {
        mutate(seeds[i % 3], body, sizeof body);
        sfx_resp r;
        assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, body, &r), 0);
        if (r.status >= 500)
            fail_msg("status %ld for body: %s", r.status, body);
        if (r.status == 200 || r.status == 201) {
            ok++;
            json_error_t e;
            json_t *o = json_loads(r.body, 0, &e);
            assert_non_null(o);
            const char *ref = json_string_value(json_object_get(o, "ref"));
            assert_non_null(ref);
            trygg_item it;
            assert_int_equal(trygg_store_get_by_ref(server_store(&F.ctx), ref, &it), TRYGG_OK);
            json_decref(o);
        } else {
            assert_true(r.status == 400 || r.status == 409 || r.status == 413 || r.status == 415);
            bad++;
        }
        sfx_resp_free(&r);
    }
    printf("mutated submissions: %d accepted, %d rejected\n", ok, bad);
    assert_true(bad > 500);
}

static void test_mutated_open311(void **state)
{
    (void)state;
    const char *seed = "service_code=pothole&description=H%C3%A5l+i+v%C3%A4gen&lat=58.13&"
                       "long=12.12&address_string=Storgatan+1&email=a%40b.se&consent=true";
    const char *hdrs[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    char body[4096];
    for (int i = 0; i < 600; i++) {
        mutate(seed, body, sizeof body);
        sfx_resp r;
        assert_int_equal(
            sfx_http(F.base, "POST", "/open311/v2/requests.json", hdrs, body, strlen(body), &r), 0);
        if (r.status >= 500)
            fail_msg("status %ld for form: %s", r.status, body);
        json_error_t e;
        json_t *o = json_loads(r.body, 0, &e);
        assert_true(json_is_array(o));
        json_decref(o);
        sfx_resp_free(&r);
    }
}

static void test_odd_requests(void **state)
{
    (void)state;
    sfx_resp r;
    /* Odd paths, methods and headers. */
    const char *paths[] = {"/open311/v2/requests/.json",
                           "/open311/v2/requests/%00.json",
                           "/open311/v2/requests/K7-4QX2%0d%0a.json",
                           "/api/v1/submissions/x",
                           "/healthz?x=%ff",
                           "/metrics?a=1&a=2&a=3"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        assert_int_equal(sfx_http(F.base, "GET", paths[i], NULL, NULL, 0, &r), 0);
        assert_true(r.status < 500 || strncmp(paths[i], "/metrics", 8) == 0);
        sfx_resp_free(&r);
    }
    char auth[8300];
    memset(auth, 'A', sizeof auth);
    memcpy(auth, "Authorization: Bearer ", 22);
    auth[sizeof auth - 1] = '\0';
    const char *hdrs[] = {"Content-Type: application/json", auth, NULL};
    assert_int_equal(sfx_http(F.base, "POST", "/api/v1/submissions", hdrs, "{}", 2, &r), 0);
    assert_true(r.status == 401 || r.status == 413 || r.status == 431 || r.status == 400);
    sfx_resp_free(&r);
    /* The server still answers. */
    assert_int_equal(sfx_http(F.base, "GET", "/healthz", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    sfx_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutated_submissions),
        cmocka_unit_test(test_mutated_open311),
        cmocka_unit_test(test_odd_requests),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
