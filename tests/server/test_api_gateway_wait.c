/*
 * test_api_gateway_wait.c — the gateway's long poll for replies
 * (docs/gateway-protocol.md, "/claim" with `wait`; server/reply_wait.h,
 * http.h http_resp.wait_ms) over real loopback HTTP against an in-process
 * server with only 2 HTTP worker threads and [sms] reply_poll = 60: a
 * waiting claim answers as soon as a reply is queued and committed in the
 * server's process (not when the 60 s look would find it), and answers
 * empty when its wait ends; waiting claims hold no thread (six of them and
 * the server still answers at once: /healthz, and /metrics counts them in
 * trygg_http_waiting); a claim without `wait` answers at once as before
 * (version 1 gateways), and says "wait": 0; a bad wait is 400; a claim
 * whose gateway went away while it waited takes nothing (its reply goes to
 * the next claim, not to a closed socket until the lease ends); stopping
 * the server answers the claims that wait.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "config.h"
#include "reply_wait.h"
#include "server_fixture.h"

static sfx F;
static int stopped;
static char gw_token[64];
static const char P[] = "00000000000000000000000000000000000000000000000000000000000000aa";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int setup(void **state)
{
    (void)state;
    if (sfx_start(&F, "[server]\nthreads = 2\n[sms]\nreply_poll = 60\n") != 0)
        return -1;
    trygg_store *st = server_store(&F.ctx);
    trygg_kiosk k = {0};
    snprintf(k.id, sizeof k.id, "gw-wait");
    snprintf(k.name, sizeof k.name, "SMS gateway");
    const unsigned char cipher[] = {1, 2, 3};
    trygg_contact c;
    if (trygg_store_kiosk_add(st, &k, gw_token) != TRYGG_OK ||
        trygg_store_client_role_set(st, "gw-wait", TRYGG_ROLE_GATEWAY) != TRYGG_OK ||
        trygg_store_contact_get_or_create(st, P, cipher, 3, "Tipsare T-", &c) != TRYGG_OK)
        return -1;
    return reply_wait_start(&F.ctx, F.http);
}

static int teardown(void **state)
{
    (void)state;
    if (!stopped) {
        reply_wait_stop();
        sfx_stop(&F);
    }
    return 0;
}

/* One claim on a thread of its own. */
typedef struct claim_call {
    pthread_t t;
    char body[128];
    long status;
    json_t *answer;
    double took; /* seconds */
    atomic_int done;
} claim_call;

static void *claim_main(void *arg)
{
    claim_call *c = arg;
    sfx_resp r;
    double t0 = now_s();
    if (sfx_post_json(&F, "/api/v1/gateway/claim", gw_token, c->body, &r) == 0) {
        c->status = r.status;
        json_error_t e;
        c->answer = json_loads(r.body, 0, &e);
    }
    sfx_resp_free(&r);
    c->took = now_s() - t0;
    atomic_store(&c->done, 1);
    return NULL;
}

static void claim_begin(claim_call *c, int wait)
{
    memset(c, 0, sizeof *c);
    snprintf(c->body, sizeof c->body, "{\"max\":16,\"lease_seconds\":300,\"wait\":%d}", wait);
    assert_int_equal(pthread_create(&c->t, NULL, claim_main, c), 0);
}

static void claim_end(claim_call *c)
{
    pthread_join(c->t, NULL);
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static int64_t staff_reply(const char *text)
{
    int64_t id = 0;
    assert_int_equal(trygg_store_sms_enqueue(server_store(&F.ctx), 0, P, "anna", text, &id),
                     TRYGG_OK);
    return id;
}

static int has_row(json_t *answer, int64_t id)
{
    json_t *msgs = json_object_get(answer, "messages");
    for (size_t i = 0; i < json_array_size(msgs); i++)
        if (json_integer_value(json_object_get(json_array_get(msgs, i), "id")) == id)
            return 1;
    return 0;
}

/* Claims everything due, so a test starts with an empty outbox. */
static void drain(void)
{
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/gateway/claim", gw_token, "{\"max\":100}", &r), 0);
    assert_int_equal(r.status, 200);
    sfx_resp_free(&r);
}

/* A claim that waits answers when a staff reply is committed, long before
 * the server's 60 s look and the claim's 20 s wait. */
static void test_wait_answers_when_queued(void **state)
{
    (void)state;
    drain();
    claim_call c;
    claim_begin(&c, 20);
    sleep_s(1.5);
    assert_int_equal(atomic_load(&c.done), 0); /* nothing to claim: it waits */
    double t0 = now_s();
    int64_t id = staff_reply("Vi kommer i morgon");
    claim_end(&c);
    double after = now_s() - t0;
    assert_int_equal(c.status, 200);
    assert_true(has_row(c.answer, id));
    assert_int_equal(json_integer_value(json_object_get(c.answer, "wait")), 20);
    if (after > 8.0)
        fail_msg("the waiting claim answered %.1f s after the reply (wait 20 s)", after);
    json_decref(c.answer);
}

/* Waiting claims hold no worker thread: with 2 threads and 6 claims
 * waiting the server answers a staff request at once; the claims answer
 * empty when their wait ends. */
static void test_waiting_holds_no_thread(void **state)
{
    (void)state;
    drain();
    claim_call c[6];
    for (int i = 0; i < 6; i++)
        claim_begin(&c[i], 4);
    sleep_s(1.0);
    double t0 = now_s();
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", "/metrics", NULL, NULL, 0, &r), 0);
    double took = now_s() - t0;
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "trygg_http_waiting 6"));
    sfx_resp_free(&r);
    if (took > 1.0)
        fail_msg("a request took %.2f s while 6 claims waited (2 threads)", took);
    for (int i = 0; i < 6; i++)
        assert_int_equal(atomic_load(&c[i].done), 0);
    for (int i = 0; i < 6; i++) {
        claim_end(&c[i]);
        assert_int_equal(c[i].status, 200);
        assert_int_equal(json_array_size(json_object_get(c[i].answer, "messages")), 0);
        assert_int_equal(json_integer_value(json_object_get(c[i].answer, "wait")), 4);
        assert_true(c[i].took >= 3.5); /* its wait ran out */
        assert_true(c[i].took < 15.0); /* and it was answered then */
        json_decref(c[i].answer);
    }
}

/* Without `wait` (a version 1 gateway) the claim answers at once, with
 * "wait": 0; a wait out of range is refused. */
static void test_no_wait_and_bad_wait(void **state)
{
    (void)state;
    drain();
    double t0 = now_s();
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/gateway/claim", gw_token, "{}", &r), 0);
    assert_int_equal(r.status, 200);
    assert_true(now_s() - t0 < 3.0);
    assert_non_null(strstr(r.body, "\"wait\":0"));
    sfx_resp_free(&r);
    const char *bad[] = {"{\"wait\":31}", "{\"wait\":-1}", "{\"wait\":\"5\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sfx_post_json(&F, "/api/v1/gateway/claim", gw_token, bad[i], &r), 0);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr(r.body, "\"field\":\"wait\""));
        sfx_resp_free(&r);
    }
}

/* A gateway that gives up on its waiting claim (a timeout, a restart):
 * the reply queued afterwards goes to the next claim. */
static void test_gone_client_takes_nothing(void **state)
{
    (void)state;
    drain();
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", gw_token);
    struct curl_slist *h = curl_slist_append(NULL, auth);
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    char url[300];
    snprintf(url, sizeof url, "%s/api/v1/gateway/claim", F.base);
    sfx_resp r = {0};
    CURL *c = curl_easy_init();
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{\"wait\":20}");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sfx_write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    assert_int_equal(curl_easy_perform(c), CURLE_OPERATION_TIMEDOUT);
    curl_easy_cleanup(c); /* closes the connection */
    curl_slist_free_all(h);
    sfx_resp_free(&r);
    sleep_s(0.5);
    int64_t id = staff_reply("Till den som frågar nu");
    sleep_s(1.0);
    assert_int_equal(sfx_post_json(&F, "/api/v1/gateway/claim", gw_token, "{}", &r), 0);
    assert_int_equal(r.status, 200);
    json_error_t e;
    json_t *o = json_loads(r.body, 0, &e);
    sfx_resp_free(&r);
    if (!has_row(o, id))
        fail_msg("the reply went to the claim of a gateway that had gone");
    json_decref(o);
}

/* Stopping the server answers a waiting claim and does not wait for it. */
static void test_stop_answers_waiting(void **state)
{
    (void)state;
    drain();
    claim_call c;
    claim_begin(&c, 30);
    sleep_s(1.0);
    double t0 = now_s();
    reply_wait_stop();
    sfx_stop(&F);
    stopped = 1;
    double took = now_s() - t0;
    claim_end(&c);
    if (took > 5.0)
        fail_msg("stopping took %.1f s with a claim waiting 30 s", took);
    assert_true(c.took < 10.0);
    json_decref(c.answer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wait_answers_when_queued),
        cmocka_unit_test(test_waiting_holds_no_thread),
        cmocka_unit_test(test_no_wait_and_bad_wait),
        cmocka_unit_test(test_gone_client_takes_nothing),
        cmocka_unit_test(test_stop_answers_waiting),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
