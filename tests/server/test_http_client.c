/*
 * test_http_client.c — the HTTP client of the kiosk and the SMS gateway
 * (shared/http/http_client.c) against a real in-process trygg-server
 * (server_fixture.h): the bearer token reaches the server, a JSON body is
 * POSTed, the answer's body lands in the trygg_buf, the ETag is captured
 * and sent back as If-None-Match (304), an answer over the buffer's cap is
 * a network error, and an unreachable server is status 0 with a text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "server_fixture.h"
#include "trygg/http_client.h"

static sfx F;
static trygg_http *H;

static int setup(void **state)
{
    (void)state;
    if (sfx_start(&F, NULL) != 0)
        return -1;
    return trygg_http_new(&H) == TRYGG_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    trygg_http_free(H);
    sfx_stop(&F);
    return 0;
}

static trygg_http_req req_for(const char *url)
{
    return (trygg_http_req){.url = url,
                            .bearer = F.token,
                            .user_agent = "trygg-test",
                            .connect_timeout_s = 3,
                            .timeout_s = 10};
}

static void test_get_with_etag(void **state)
{
    (void)state;
    char url[128], etag[128], err[TRYGG_HTTP_ERR_MAX + 1] = "";
    snprintf(url, sizeof url, "%s/api/v1/kiosk/config", F.base);
    trygg_http_req req = req_for(url);
    req.etag = etag;
    req.etag_cap = sizeof etag;
    trygg_buf b;
    trygg_buf_init(&b, 256 * 1024);
    assert_int_equal(trygg_http_do(H, &req, &b, err, sizeof err), 200);
    json_error_t je;
    json_t *cfg = json_loadb(b.data, b.len, 0, &je);
    assert_non_null(cfg);
    assert_non_null(json_object_get(cfg, "categories"));
    json_decref(cfg);
    assert_true(etag[0] == '"' && strlen(etag) > 2);
    trygg_buf_free(&b);

    char again[128];
    req.if_none_match = etag;
    req.etag = again;
    req.etag_cap = sizeof again;
    assert_int_equal(trygg_http_do(H, &req, &b, err, sizeof err), 304);
    assert_int_equal(b.len, 0);
    assert_string_equal(again, etag);
    trygg_buf_free(&b);

    /* No token: the server's 401 is a status, not a network error. */
    req = req_for(url);
    req.bearer = NULL;
    assert_int_equal(trygg_http_do(H, &req, &b, err, sizeof err), 401);
    trygg_buf_free(&b);
}

static void test_post_json(void **state)
{
    (void)state;
    char url[128], err[TRYGG_HTTP_ERR_MAX + 1] = "";
    snprintf(url, sizeof url, "%s/api/v1/kiosk/heartbeat", F.base);
    trygg_http_req req = req_for(url);
    req.json = "{\"version\":\"http-client-test\",\"outbox_depth\":3}";
    req.no_expect = 1;
    trygg_buf b;
    trygg_buf_init(&b, 4096);
    assert_int_equal(trygg_http_do(H, &req, &b, err, sizeof err), 204);
    trygg_buf_free(&b);
    trygg_kiosk k;
    assert_int_equal(trygg_store_kiosk_get(server_store(&F.ctx), "test-kiosk", &k), TRYGG_OK);
    assert_string_equal(k.version, "http-client-test");
    assert_int_equal(k.outbox_depth, 3);
}

static void test_body_cap_and_no_server(void **state)
{
    (void)state;
    char url[128], err[TRYGG_HTTP_ERR_MAX + 1] = "";
    snprintf(url, sizeof url, "%s/api/v1/kiosk/config", F.base);
    trygg_http_req req = req_for(url);
    trygg_buf b;
    trygg_buf_init(&b, 16); /* far smaller than the config */
    assert_int_equal(trygg_http_do(H, &req, &b, err, sizeof err), 0);
    assert_true(err[0] != '\0');
    trygg_buf_free(&b);

    err[0] = '\0';
    req = req_for("http://127.0.0.1:1/nothing");
    trygg_buf_init(&b, 4096);
    assert_int_equal(trygg_http_do(H, &req, &b, err, sizeof err), 0);
    assert_true(err[0] != '\0');
    trygg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_with_etag),
        cmocka_unit_test(test_post_json),
        cmocka_unit_test(test_body_cap_and_no_server),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
