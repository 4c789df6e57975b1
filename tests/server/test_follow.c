/*
 * test_follow.c — follow-up codes and the public status page
 * (docs/follow-up.md) over real loopback HTTP: the kiosk's secret comes back
 * as the code and only its keyed hash is stored; the page shows the status,
 * dates and the public reply and nothing personal; 10,000 guesses with
 * wrong secrets against real references open nothing, an unknown reference
 * and a wrong secret get the same answer, and the rate limit answers 429.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include "config.h"
#include "ratelimit.h"
#include "server_fixture.h"
#include "trygg/follow.h"
#include "trygg/ref.h"
#include "web_status.h"

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

/* A fresh limiter, so each test starts with a full bucket. */
static void limiter_reset(double per_minute, double burst)
{
    rl_free(F.ctx.status_limit);
    F.ctx.status_limit = rl_new(64, per_minute, burst);
    assert_non_null(F.ctx.status_limit);
}

/* Planted in every submission: what the page must never show. */
#define PNR     "19811218-9876"
#define PHONE   "070-555 12 34"
#define WORDS   "Hemlighetsfull granne"
#define CONTACT "Karin Kontaktsson"

/* Submits a concern with `secret` ("" = none) and returns the answer's
 * follow_code into code[] ("" if none). */
static long submit(const char *uuid, const char *secret, char code[64])
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"uuid\":\"%s\",\"kind\":\"concern\",\"category\":\"lighting\",\"area\":\"other\","
             "\"text\":\"Storgatan 5: " WORDS " " PNR " ring " PHONE "\",\"lang\":\"sv\","
             "\"contact\":\"" CONTACT "\",\"consent\":true%s%s%s}",
             uuid, secret[0] ? ",\"follow\":\"" : "", secret, secret[0] ? "\"" : "");
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, body, &r), 0);
    code[0] = '\0';
    if (r.status == 200 || r.status == 201) {
        json_t *o = json_loads(r.body, 0, NULL);
        assert_non_null(o);
        const char *c = json_string_value(json_object_get(o, "follow_code"));
        if (c)
            snprintf(code, 64, "%s", c);
        json_decref(o);
    }
    long st = r.status;
    sfx_resp_free(&r);
    return st;
}

static void get(const char *path, sfx_resp *r)
{
    assert_int_equal(sfx_http(F.base, "GET", path, NULL, NULL, 0, r), 0);
}

static void assert_nothing_personal(const char *body)
{
    static const char *const never[] = {PNR,         "9876",  PHONE,   "555",      WORDS,
                                        "Storgatan", CONTACT, "Karin", "lighting", "Belysning"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        if (strstr(body, never[i]) != NULL)
            fail_msg("the status page shows \"%s\"", never[i]);
}

static void test_code_from_kiosk_secret(void **state)
{
    (void)state;
    limiter_reset(10, 20);
    char code[64];
    assert_int_equal(submit("follow-0000-0001", "7M9PK2ZD", code), 201);
    assert_int_equal(strlen(code), TRYGG_FOLLOW_CODE_LEN);
    assert_string_equal(code + TRYGG_REF_LEN, "-7M9P-K2ZD");
    char ref[TRYGG_REF_LEN + 1];
    memcpy(ref, code, TRYGG_REF_LEN);
    ref[TRYGG_REF_LEN] = '\0';

    /* The store keeps the keyed hash, never the secret. */
    trygg_follow f;
    assert_int_equal(trygg_store_follow_get(server_store(&F.ctx), ref, &f), TRYGG_OK);
    assert_int_equal(strlen(f.hash), 64);
    assert_null(strstr(f.hash, "7M9PK2ZD"));
    char want[65];
    trygg_follow_hash(F.ctx.pseudo_key, ref, "7M9PK2ZD", want);
    assert_string_equal(f.hash, want);

    /* A retry gets the same code; another secret under that uuid is refused. */
    char again[64];
    assert_int_equal(submit("follow-0000-0001", "7M9PK2ZD", again), 200);
    assert_string_equal(again, code);
    assert_int_equal(submit("follow-0000-0001", "22222222", again), 409);
    assert_int_equal(submit("follow-0000-0002", "7M9PK2Z", again), 400);
    assert_int_equal(submit("follow-0000-0003", "7M9PK2Z0", again), 400);

    /* An older kiosk sends no secret: the server draws one. */
    char drawn[64];
    assert_int_equal(submit("follow-0000-0004", "", drawn), 201);
    assert_int_equal(strlen(drawn), TRYGG_FOLLOW_CODE_LEN);

    sfx_resp r;
    char path[96];
    snprintf(path, sizeof path, "/s/%s", drawn);
    get(path, &r);
    assert_int_equal(r.status, 200);
    sfx_resp_free(&r);
}

static void test_page_shows_nothing_personal(void **state)
{
    (void)state;
    limiter_reset(10, 20);
    char code[64];
    assert_int_equal(submit("follow-0000-0010", "K2ZD7M9P", code), 201);
    char ref[TRYGG_REF_LEN + 1];
    memcpy(ref, code, TRYGG_REF_LEN);
    ref[TRYGG_REF_LEN] = '\0';
    trygg_store *st = server_store(&F.ctx);
    trygg_item it;
    assert_int_equal(trygg_store_get_by_ref(st, ref, &it), TRYGG_OK);
    assert_int_equal(trygg_store_add_message(st, it.id, TRYGG_MSG_NOTE, "sakerhet",
                                             "Intern anteckning om " CONTACT, NULL),
                     TRYGG_OK);

    sfx_resp r;
    char path[96];
    snprintf(path, sizeof path, "/s/%s", code);
    get(path, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Vi har tagit emot ditt ärende"));
    assert_non_null(strstr(r.body, "name=\"viewport\""));
    assert_null(strstr(r.body, "Intern anteckning"));
    assert_nothing_personal(r.body);
    sfx_resp_free(&r);

    /* Typed by hand: lower case, blanks, no dashes; and through the form. */
    char typed[64];
    snprintf(typed, sizeof typed, "/s?code=%c%c+%c%c%c%c+k2zd7m9p", code[0] + 32 * (code[0] > '9'),
             code[1], code[3], code[4], code[5], code[6]);
    get(typed, &r);
    assert_int_equal(r.status, 200);
    sfx_resp_free(&r);

    /* Closed with a public reply: the reply shows, in plain words. */
    assert_int_equal(trygg_store_add_message_for(st, it.id, TRYGG_MSG_OUT, TRYGG_AUD_PUBLIC,
                                                 "sakerhet", "Tack, lampan är lagad.", NULL),
                     TRYGG_OK);
    /* A later reply that is not for the status page stays off it. */
    assert_int_equal(trygg_store_add_message(st, it.id, TRYGG_MSG_OUT, "sakerhet",
                                             "Internt svar HEMLIGSVAR", NULL),
                     TRYGG_OK);
    assert_int_equal(
        trygg_store_set_status(st, it.id, "sakerhet", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_RESOLVED, 0),
        TRYGG_OK);
    get(path, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Tack, lampan är lagad."));
    assert_non_null(strstr(r.body, "Klart"));
    assert_null(strstr(r.body, "HEMLIGSVAR"));
    assert_nothing_personal(r.body);
    sfx_resp_free(&r);

    /* English for an English reporter (?lang= too). */
    snprintf(path, sizeof path, "/s/%s?lang=en", code);
    get(path, &r);
    assert_non_null(strstr(r.body, "Done: the report has been dealt with."));
    sfx_resp_free(&r);
    /* Arabic (right to left) and Somali reporters read their own language,
     * in the same words as the tip line's STATUS answer. */
    snprintf(path, sizeof path, "/s/%s?lang=ar", code);
    get(path, &r);
    assert_non_null(strstr(r.body, "dir=\"rtl\""));
    assert_non_null(strstr(r.body, "تم: تمت معالجة البلاغ."));
    assert_null(strstr(r.body, "Klart"));
    sfx_resp_free(&r);
    snprintf(path, sizeof path, "/s/%s?lang=so", code);
    get(path, &r);
    assert_non_null(strstr(r.body, "Dhammaaday: warbixinta waa la xalliyay."));
    assert_null(strstr(r.body, "Senast ändrat"));
    sfx_resp_free(&r);
}

/* One connection for many requests: status and body of GET path. */
static long fast_get(CURL *c, const char *path, char **body)
{
    sfx_resp r;
    memset(&r, 0, sizeof r);
    char url[256];
    snprintf(url, sizeof url, "%s%s", F.base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sfx_write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    long st = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    *body = r.body ? r.body : calloc(1, 1);
    return st;
}

static void test_enumeration(void **state)
{
    (void)state;
    enum { NREF = 5, GUESSES = 10000 };
    char refs[NREF][TRYGG_REF_LEN + 1];
    for (int i = 0; i < NREF; i++) {
        char uuid[40], code[64], secret[TRYGG_FOLLOW_SECRET_LEN + 1];
        snprintf(uuid, sizeof uuid, "follow-enum-%04d", i);
        trygg_follow_secret_new(secret);
        assert_int_equal(submit(uuid, secret, code), 201);
        memcpy(refs[i], code, TRYGG_REF_LEN);
        refs[i][TRYGG_REF_LEN] = '\0';
    }
    /* The unknown reference and the wrong secret answer alike. */
    limiter_reset(10, 20);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    char path[96], *unknown_body, *wrong_body;
    snprintf(path, sizeof path, "/s/ZZ-ZZZZ-2222-2222");
    assert_int_equal(fast_get(c, path, &unknown_body), 404);
    snprintf(path, sizeof path, "/s/%s-2222-2222", refs[0]);
    assert_int_equal(fast_get(c, path, &wrong_body), 404);
    assert_string_equal(unknown_body, wrong_body);
    assert_null(strstr(wrong_body, refs[0]));
    free(unknown_body);
    free(wrong_body);

    /* 10,000 wrong secrets against real references, limiter off: none opens. */
    limiter_reset(0, 0);
    int opened = 0;
    for (int g = 0; g < GUESSES; g++) {
        char secret[TRYGG_FOLLOW_SECRET_LEN + 1], *b;
        trygg_follow_secret_new(secret);
        snprintf(path, sizeof path, "/s/%s-%.4s-%.4s", refs[g % NREF], secret, secret + 4);
        long stc = fast_get(c, path, &b);
        if (stc == 200)
            opened++;
        else
            assert_int_equal(stc, 404);
        free(b);
    }
    assert_int_equal(opened, 0);

    /* With the limiter as configured, one address is stopped at the burst. */
    limiter_reset(STATUS_PER_MINUTE, STATUS_BURST);
    int first429 = 0;
    for (int g = 0; g < 200 && !first429; g++) {
        char *b;
        snprintf(path, sizeof path, "/s/%s-2222-%04d", refs[0], 2222 + g % 7);
        long stc = fast_get(c, path, &b);
        if (stc == 429)
            first429 = g + 1;
        else
            assert_int_equal(stc, 404);
        free(b);
    }
    assert_int_equal(first429, STATUS_BURST + 1);
    curl_easy_cleanup(c);
    sfx_resp r;
    get("/s", &r); /* the bare form is not a guess */
    assert_int_equal(r.status, 200);
    sfx_resp_free(&r);
    get("/s/ZZ-ZZZZ-2222-2222", &r);
    assert_int_equal(r.status, 429);
    char ra[16];
    assert_true(sfx_header(&r, "Retry-After", ra, sizeof ra));
    sfx_resp_free(&r);
}

/* The page's limits are the municipality's to set (server.ini [status]):
 * a server started with a burst of 3 stops the 4th look-up from one
 * address; 0 per minute (no limit on a public guessing page) is refused. */
static void test_limits_from_config(void **state)
{
    (void)state;
    sfx g;
    assert_int_equal(sfx_start(&g, "[status]\nper_minute = 2\nburst = 3\n"), 0);
    long st[5];
    for (int i = 0; i < 5; i++) {
        sfx_resp r;
        assert_int_equal(sfx_http(g.base, "GET", "/s/ZZ-ZZZZ-2222-2222", NULL, NULL, 0, &r), 0);
        st[i] = r.status;
        sfx_resp_free(&r);
    }
    sfx_stop(&g);
    assert_int_equal(st[2], 404);
    assert_int_equal(st[3], 429);
    static const char *const bad[][2] = {{"[status]\nper_minute = 0\n", "per_minute"},
                                         {"[status]\nburst = 0\n", "burst"},
                                         {"[status]\nguesses = 5\n", "[status]"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sfx f;
        assert_int_equal(sfx_prepare(&f, bad[i][0], NULL), 0);
        char first[300];
        if (!sfx_config_refused(&f, bad[i][1], first, sizeof first))
            fail_msg("accepted '%s' (%s)", bad[i][0], first);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_from_kiosk_secret),
        cmocka_unit_test(test_page_shows_nothing_personal),
        cmocka_unit_test(test_enumeration),
        cmocka_unit_test(test_limits_from_config),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
