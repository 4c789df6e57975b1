/*
 * test_api_gateway.c — the SMS gateway's API (server/api_gateway.c,
 * docs/gateway-protocol.md) over real loopback HTTP against an in-process
 * server on a temporary SQLite database: uploads are idempotent by key,
 * tokens work only for their own role, offline references are stored
 * exactly (and only under the gateway's prefix), outbox rows are claimed
 * under a lease and reported back, STOP stops the contact once its
 * confirmation is sent, and no number reaches the database except the one
 * a texter gives with RING; the gateway's reply settings come from the
 * server's configuration (/settings, version 1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <time.h>

#include "config.h"
#include "server_fixture.h"
#include "sms_settings.h"
#include "trygg/ref.h"

static sfx F;
static char gw_token[64], gw_prefix[4];

/* A pseudonym or a key body: 64 hex digits ending in n. */
static void hex64(unsigned n, char out[65])
{
    snprintf(out, 65, "%056x%08x", 0u, n);
}

static int setup(void **state)
{
    (void)state;
    if (sfx_start(&F, NULL) != 0)
        return -1;
    trygg_store *st = server_store(&F.ctx);
    trygg_kiosk k = {0};
    snprintf(k.id, sizeof k.id, "gw-test");
    snprintf(k.name, sizeof k.name, "SMS gateway");
    if (trygg_store_kiosk_add(st, &k, gw_token) != TRYGG_OK ||
        trygg_store_client_role_set(st, "gw-test", TRYGG_ROLE_GATEWAY) != TRYGG_OK ||
        trygg_store_kiosk_get(st, "gw-test", &k) != TRYGG_OK)
        return -1;
    snprintf(gw_prefix, sizeof gw_prefix, "%s", k.ref_prefix);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sfx_stop(&F);
    return 0;
}

static json_t *post(const char *path, const char *token, const char *body, long want)
{
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, path, token, body, &r), 0);
    if (r.status != want)
        fail_msg("%s: %ld, wanted %ld: %s", path, r.status, want, r.body);
    json_error_t e;
    json_t *o = json_loads(r.body, 0, &e);
    sfx_resp_free(&r);
    assert_non_null(o);
    return o;
}

/* Uploads one SMS; extra is more JSON members (",\"x\":1") or "". */
static json_t *upload(unsigned key, unsigned sender, const char *text, const char *extra, long want)
{
    char k[65], p[65], body[2048];
    hex64(key, k);
    hex64(sender, p);
    snprintf(body, sizeof body,
             "{\"key\":\"sms:%s\",\"pseudonym\":\"%s\",\"text\":\"%s\",\"received\":%lld,"
             "\"smsc_time\":\"2026-12-06T10:00:00\",\"lang_hint\":\"sv\"%s}",
             k, p, text, (long long)time(NULL), extra);
    return post("/api/v1/gateway/messages", gw_token, body, want);
}

static const char *str(json_t *o, const char *name)
{
    const char *s = json_string_value(json_object_get(o, name));
    assert_non_null(s);
    return s;
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

/* The same message uploaded twice (the gateway retried after a lost
 * answer): one item, the same reference, duplicate = true, no second reply. */
static void test_upload_idempotent(void **state)
{
    (void)state;
    int64_t before = count_items();
    json_t *a = upload(1, 1, "Det är mörkt vid busshållplatsen", "", 200);
    assert_string_equal(str(a, "action"), "new_item");
    assert_false(json_is_true(json_object_get(a, "duplicate")));
    char ref[TRYGG_REF_LEN + 1];
    snprintf(ref, sizeof ref, "%s", str(a, "ref"));
    json_t *rep = json_object_get(a, "reply");
    assert_true(json_is_object(rep));
    assert_non_null(strstr(str(rep, "text"), ref)); /* the receipt names the reference */
    assert_true(json_integer_value(json_object_get(rep, "id")) > 0);
    assert_int_equal(count_items(), before + 1);

    json_t *b = upload(1, 1, "Det är mörkt vid busshållplatsen", "", 200);
    assert_true(json_is_true(json_object_get(b, "duplicate")));
    assert_string_equal(str(b, "ref"), ref);
    assert_true(json_is_null(json_object_get(b, "reply")));
    assert_int_equal(json_integer_value(json_object_get(b, "item_id")),
                     json_integer_value(json_object_get(a, "item_id")));
    assert_int_equal(count_items(), before + 1);
    json_decref(a);
    json_decref(b);
}

/* A kiosk token is refused on the gateway's routes, a gateway token on the
 * kiosk's, and no token at all is 401. */
static void test_tokens_by_role(void **state)
{
    (void)state;
    char k[65], p[65], body[512];
    hex64(2, k);
    hex64(2, p);
    snprintf(body, sizeof body,
             "{\"key\":\"sms:%s\",\"pseudonym\":\"%s\",\"text\":\"Hej\",\"received\":%lld}", k, p,
             (long long)time(NULL));
    int64_t before = count_items();
    json_decref(post("/api/v1/gateway/messages", F.token, body, 403));
    json_decref(post("/api/v1/gateway/claim", F.token, "{}", 403));
    json_decref(post("/api/v1/gateway/delivered", F.token, "{\"id\":1,\"status\":\"sent\"}", 403));
    json_decref(post("/api/v1/gateway/messages", NULL, body, 401));
    json_decref(post("/api/v1/gateway/messages", "not-a-token", body, 401));
    assert_int_equal(count_items(), before);
    const char *sub = "{\"uuid\":\"6f1c2d3e-aaaa-bbbb-cccc-00000000gw01\",\"kind\":\"concern\","
                      "\"category\":\"lighting\",\"area\":\"centrum\",\"text\":\"Mörkt\"}";
    json_decref(post("/api/v1/submissions", gw_token, sub, 403));
    json_decref(post("/api/v1/kiosk/heartbeat", gw_token, "{\"version\":\"1\"}", 403));
    sfx_resp r;
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", gw_token);
    const char *h[] = {auth, NULL};
    assert_int_equal(sfx_http(F.base, "GET", "/api/v1/kiosk/config", h, NULL, 0, &r), 0);
    assert_int_equal(r.status, 403);
    sfx_resp_free(&r);
    assert_int_equal(count_items(), before);
    /* The kiosk's own token still works on its routes. */
    const char *sub2 = "{\"uuid\":\"6f1c2d3e-aaaa-bbbb-cccc-00000000gw02\",\"kind\":\"concern\","
                       "\"category\":\"lighting\",\"area\":\"centrum\",\"text\":\"Mörkt\"}";
    json_decref(post("/api/v1/submissions", F.token, sub2, 201));
}

/* A reference the gateway issued offline (its prefix + a sequence number)
 * is the item's reference exactly — even when the sender has an open
 * thread — and the gateway's offline answer is not repeated. A prefix that
 * is not the gateway's is refused. */
static void test_offline_ref(void **state)
{
    (void)state;
    json_decref(upload(10, 3, "Klotter i tunneln", "", 200)); /* opens a thread */
    char ref[TRYGG_REF_LEN + 1], extra[128];
    assert_int_equal(trygg_ref_kiosk(gw_prefix, 7, ref), TRYGG_OK);
    snprintf(extra, sizeof extra, ",\"offline_ref\":\"%s\",\"answered\":true", ref);
    json_t *a = upload(11, 3, "Nu brinner det i papperskorgen", extra, 200);
    assert_string_equal(str(a, "action"), "new_item");
    assert_string_equal(str(a, "ref"), ref);
    assert_true(json_is_null(json_object_get(a, "reply")));
    assert_string_equal(str(a, "silent"), "answered");
    trygg_item it;
    assert_int_equal(trygg_store_get(server_store(&F.ctx),
                                     json_integer_value(json_object_get(a, "item_id")), &it),
                     TRYGG_OK);
    assert_string_equal(it.ref, ref);
    json_decref(a);
    /* Uploaded again (the answer was lost): the same item. */
    a = upload(11, 3, "Nu brinner det i papperskorgen", extra, 200);
    assert_true(json_is_true(json_object_get(a, "duplicate")));
    assert_string_equal(str(a, "ref"), ref);
    json_decref(a);
    /* Another client's prefix (the kiosk's), or no reference at all. */
    trygg_kiosk kk;
    assert_int_equal(trygg_store_kiosk_get(server_store(&F.ctx), "test-kiosk", &kk), TRYGG_OK);
    assert_int_equal(trygg_ref_kiosk(kk.ref_prefix, 7, ref), TRYGG_OK);
    snprintf(extra, sizeof extra, ",\"offline_ref\":\"%s\"", ref);
    json_decref(upload(12, 3, "Annan", extra, 400));
    json_decref(upload(13, 3, "Annan", ",\"offline_ref\":\"nonsense\"", 400));
}

/* Replies are claimed under a lease (not handed out twice while it runs),
 * reported back once; a STOP confirmation stops the contact when sent. */
static void test_claim_and_delivery(void **state)
{
    (void)state;
    json_t *a = upload(20, 4, "Trasig lampa vid skolan", "", 200);
    int64_t reply_id = json_integer_value(json_object_get(json_object_get(a, "reply"), "id"));
    int64_t item_id = json_integer_value(json_object_get(a, "item_id"));
    json_decref(a);
    /* A reply written by staff. */
    char p[65];
    hex64(4, p);
    int64_t staff_id = 0;
    assert_int_equal(trygg_store_sms_enqueue(server_store(&F.ctx), item_id, p, "anna",
                                             "Tack, vi byter lampan", &staff_id),
                     TRYGG_OK);
    json_t *c = post("/api/v1/gateway/claim", gw_token, "{\"max\":50,\"lease_seconds\":600}", 200);
    assert_string_equal(str(c, "ref_prefix"), gw_prefix);
    json_t *msgs = json_object_get(c, "messages");
    int seen_reply = 0, seen_staff = 0;
    for (size_t i = 0; i < json_array_size(msgs); i++) {
        json_t *m = json_array_get(msgs, i);
        int64_t id = json_integer_value(json_object_get(m, "id"));
        assert_null(json_object_get(m, "number"));
        seen_reply += id == reply_id;
        if (id == staff_id) {
            seen_staff++;
            assert_string_equal(str(m, "pseudonym"), p);
            assert_string_equal(str(m, "text"), "Tack, vi byter lampan");
            assert_string_equal(str(m, "author"), "anna");
        }
    }
    assert_int_equal(seen_reply, 1);
    assert_int_equal(seen_staff, 1);
    json_decref(c);
    /* Leased: the next claim does not hand them out again. */
    c = post("/api/v1/gateway/claim", gw_token, "{}", 200);
    for (size_t i = 0; i < json_array_size(json_object_get(c, "messages")); i++) {
        int64_t id = json_integer_value(
            json_object_get(json_array_get(json_object_get(c, "messages"), i), "id"));
        assert_true(id != reply_id && id != staff_id);
    }
    json_decref(c);
    /* A store lease (store.h "Leases"), not a reschedule: the row stays due
     * (staff see it waiting, not postponed), and no other worker gets it
     * while the lease runs; it comes back once the lease has run out. */
    trygg_sms_out *rows = calloc(64, sizeof *rows);
    assert_non_null(rows);
    assert_int_equal(trygg_store_sms_get(server_store(&F.ctx), reply_id, &rows[0]), TRYGG_OK);
    assert_true(rows[0].next_attempt <= (int64_t)time(NULL));
    int n = 0, back = 0;
    assert_int_equal(
        trygg_store_sms_claim(server_store(&F.ctx), "other-worker", time(NULL), 60, rows, 64, &n),
        TRYGG_OK);
    for (int i = 0; i < n; i++)
        assert_true(rows[i].id != reply_id && rows[i].id != staff_id);
    assert_int_equal(trygg_store_sms_claim(server_store(&F.ctx), "other-worker", time(NULL) + 601,
                                           1, rows, 64, &n),
                     TRYGG_OK);
    for (int i = 0; i < n; i++)
        back += rows[i].id == reply_id;
    assert_int_equal(back, 1);
    free(rows);
    char body[160];
    snprintf(body, sizeof body, "{\"id\":%lld,\"status\":\"sent\",\"parts\":1}",
             (long long)staff_id);
    json_t *d = post("/api/v1/gateway/delivered", gw_token, body, 200);
    assert_true(json_is_true(json_object_get(d, "changed")));
    json_decref(d);
    d = post("/api/v1/gateway/delivered", gw_token, body, 200); /* reported twice */
    assert_false(json_is_true(json_object_get(d, "changed")));
    json_decref(d);
    json_decref(
        post("/api/v1/gateway/delivered", gw_token, "{\"id\":99999999,\"status\":\"sent\"}", 404));
    json_decref(post("/api/v1/gateway/delivered", gw_token, "{\"id\":1,\"status\":\"lost\"}", 400));
    trygg_sms_out row;
    assert_int_equal(trygg_store_sms_get(server_store(&F.ctx), staff_id, &row), TRYGG_OK);
    assert_int_equal(row.status, TRYGG_OUT_SENT);
    /* The network's status report follows "sent" (docs/gateway-protocol.md):
     * delivered once, then final; a report may also come before "sent" was
     * reported (the row is then sent and delivered at once). */
    snprintf(body, sizeof body, "{\"id\":%lld,\"status\":\"delivered\"}", (long long)staff_id);
    d = post("/api/v1/gateway/delivered", gw_token, body, 200);
    assert_true(json_is_true(json_object_get(d, "changed")));
    json_decref(d);
    snprintf(body, sizeof body, "{\"id\":%lld,\"status\":\"undelivered\"}", (long long)staff_id);
    d = post("/api/v1/gateway/delivered", gw_token, body, 200);
    assert_false(json_is_true(json_object_get(d, "changed")));
    json_decref(d);
    assert_int_equal(trygg_store_sms_get(server_store(&F.ctx), staff_id, &row), TRYGG_OK);
    assert_int_equal(row.status, TRYGG_OUT_DELIVERED);
    assert_int_equal(row.parts, 1);
    int64_t early = 0;
    assert_int_equal(
        trygg_store_sms_enqueue(server_store(&F.ctx), item_id, p, "anna", "Tack!", &early),
        TRYGG_OK);
    snprintf(body, sizeof body, "{\"id\":%lld,\"status\":\"undelivered\",\"parts\":1}",
             (long long)early);
    json_decref(post("/api/v1/gateway/delivered", gw_token, body, 200));
    assert_int_equal(trygg_store_sms_get(server_store(&F.ctx), early, &row), TRYGG_OK);
    assert_int_equal(row.status, TRYGG_OUT_UNDELIVERED);
    assert_true(row.sent_at > 0);
    /* Many reports in one request (issue 13: a request per sent SMS was a
     * tenth of the gateway's instructions), one transaction: an unknown id
     * is answered in its place, a malformed report refuses the whole. */
    int64_t b1 = 0, b2 = 0;
    assert_int_equal(trygg_store_sms_enqueue(server_store(&F.ctx), item_id, p, "anna", "Ett", &b1),
                     TRYGG_OK);
    assert_int_equal(trygg_store_sms_enqueue(server_store(&F.ctx), item_id, p, "anna", "Två", &b2),
                     TRYGG_OK);
    char many[400];
    snprintf(many, sizeof many,
             "{\"reports\":[{\"id\":%lld,\"status\":\"sent\",\"parts\":1},"
             "{\"id\":99999999,\"status\":\"sent\"},"
             "{\"id\":%lld,\"status\":\"dead\",\"error\":\"no network\"}]}",
             (long long)b1, (long long)b2);
    d = post("/api/v1/gateway/delivered", gw_token, many, 200);
    json_t *ch = json_object_get(d, "changed");
    assert_int_equal(json_array_size(ch), 3);
    assert_true(json_is_true(json_array_get(ch, 0)));
    assert_string_equal(json_string_value(json_array_get(ch, 1)), "unknown_id");
    assert_true(json_is_true(json_array_get(ch, 2)));
    json_decref(d);
    assert_int_equal(trygg_store_sms_get(server_store(&F.ctx), b1, &row), TRYGG_OK);
    assert_int_equal(row.status, TRYGG_OUT_SENT);
    assert_int_equal(trygg_store_sms_get(server_store(&F.ctx), b2, &row), TRYGG_OK);
    assert_int_equal(row.status, TRYGG_OUT_DEAD);
    d = post("/api/v1/gateway/delivered", gw_token, many, 200); /* reported twice */
    ch = json_object_get(d, "changed");
    assert_false(json_is_true(json_array_get(ch, 0)));
    assert_false(json_is_true(json_array_get(ch, 2)));
    json_decref(d);
    json_decref(post("/api/v1/gateway/delivered", gw_token,
                     "{\"reports\":[{\"id\":1,\"status\":\"sent\"},{\"id\":2}]}", 400));
    json_decref(post("/api/v1/gateway/delivered", gw_token, "{\"reports\":[]}", 400));

    /* STOP: a confirmation; the contact stops when it has been sent. */
    a = upload(21, 4, "STOPP", "", 200);
    assert_string_equal(str(a, "action"), "stop");
    json_t *rep = json_object_get(a, "reply");
    assert_true(json_is_true(json_object_get(rep, "stop")));
    int64_t stop_id = json_integer_value(json_object_get(rep, "id"));
    json_decref(a);
    trygg_contact ct;
    assert_int_equal(trygg_store_contact_get(server_store(&F.ctx), p, &ct), TRYGG_OK);
    assert_int_equal(ct.stopped, 0);
    snprintf(body, sizeof body, "{\"id\":%lld,\"status\":\"sent\",\"parts\":1}",
             (long long)stop_id);
    json_decref(post("/api/v1/gateway/delivered", gw_token, body, 200));
    assert_int_equal(trygg_store_contact_get(server_store(&F.ctx), p, &ct), TRYGG_OK);
    assert_int_equal(ct.stopped, 1);
    int64_t id2 = 0;
    assert_int_equal(
        trygg_store_sms_enqueue(server_store(&F.ctx), item_id, p, "anna", "Hallå?", &id2),
        TRYGG_ERR_STATE);
}

/* A call, then RING with the number: a call-back item holding the number
 * (consent); a plain text that carries a number stores none of it. Neither
 * the number nor any ciphertext is anywhere else in the database file. */
static void test_numbers_stay_out(void **state)
{
    (void)state;
    char k[65], p[65], body[512];
    hex64(30, k);
    hex64(5, p);
    snprintf(body, sizeof body,
             "{\"type\":\"call\",\"key\":\"call:%s\",\"pseudonym\":\"%s\",\"received\":%lld}", k, p,
             (long long)time(NULL));
    json_t *c = post("/api/v1/gateway/messages", gw_token, body, 200);
    assert_string_equal(str(c, "action"), "call");
    json_decref(c);
    c = post("/api/v1/gateway/messages", gw_token, body, 200);
    assert_true(json_is_true(json_object_get(c, "duplicate")));
    json_decref(c);
    json_t *a = upload(31, 5, "RING", ",\"number\":\"+46701234599\"", 200);
    assert_string_equal(str(a, "action"), "callback");
    trygg_item it;
    assert_int_equal(trygg_store_get(server_store(&F.ctx),
                                     json_integer_value(json_object_get(a, "item_id")), &it),
                     TRYGG_OK);
    assert_string_equal(it.contact, "+46701234599");
    json_decref(a);
    /* Not RING: the number that came along is dropped. */
    a = upload(32, 6, "Bilar kör för fort vid skolan", ",\"number\":\"+46707654321\"", 200);
    assert_string_equal(str(a, "action"), "new_item");
    json_decref(a);
    /* Not a phone number (an operator's name): stored, never answered. */
    a = upload(33, 7, "Ditt saldo är 0 kr", ",\"reachable\":false", 200);
    assert_true(json_is_null(json_object_get(a, "reply")));
    assert_string_equal(str(a, "silent"), "no-number");
    json_decref(a);
    char path[400];
    snprintf(path, sizeof path, "%s/trygg.db", F.dir);
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "sqlite3 '%s' \"PRAGMA wal_checkpoint(TRUNCATE); SELECT count(*) FROM contacts "
             "WHERE length(cipher) > 0\" | tail -1 | grep -qx 0",
             path);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "cat '%s' '%s-wal' 2>/dev/null | grep -a -c -e 707654321 -e 0707654321", path, path);
    assert_int_not_equal(system(cmd), 0); /* grep found nothing */
}

/* The gateway's health record is kept under "smsgw", where /healthz,
 * /metrics and the channels page read it; gateway token only; a record too
 * big for the readers is refused. */
static void test_health(void **state)
{
    (void)state;
    json_decref(post("/api/v1/gateway/health", F.token, "{\"signal\":1}", 403));
    json_decref(post("/api/v1/gateway/health", NULL, "{\"signal\":1}", 401));
    json_t *o = post("/api/v1/gateway/health", gw_token,
                     "{\"connected\":true,\"signal\":42,\"network\":\"Telia\","
                     "\"last_poll\":1,\"store\":\"ok\",\"uploads_waiting\":3}",
                     200);
    json_decref(o);
    char js[2048];
    int64_t updated = 0;
    assert_int_equal(trygg_store_health_get(server_store(&F.ctx), "smsgw", js, sizeof js, &updated),
                     TRYGG_OK);
    assert_non_null(strstr(js, "\"signal\":42"));
    assert_non_null(strstr(js, "\"uploads_waiting\":3"));
    assert_non_null(strstr(js, "\"gateway\":\"gw-test\""));
    assert_true(updated > 0);
    /* /healthz sees a gateway that reported. */
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", "/healthz", NULL, NULL, 0, &r), 0);
    assert_non_null(strstr(r.body, "\"smsgw_age_s\":"));
    assert_null(strstr(r.body, "\"smsgw_age_s\":null"));
    assert_null(strstr(r.body, "smsgw_alert"));
    sfx_resp_free(&r);
    /* The gateway's alert (its modem watchdog gave up) is a /healthz warning. */
    json_decref(post("/api/v1/gateway/health", gw_token,
                     "{\"connected\":false,\"watchdog\":\"alert\",\"alert\":\"modem\","
                     "\"watchdog_actions\":4,\"delivered\":7,\"undelivered\":1}",
                     200));
    assert_int_equal(sfx_http(F.base, "GET", "/healthz", NULL, NULL, 0, &r), 0);
    assert_non_null(strstr(r.body, "\"smsgw_alert\""));
    sfx_resp_free(&r);
    /* ... and every watchdog step and delivery count is in /metrics. */
    assert_int_equal(sfx_http(F.base, "GET", "/metrics", NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\ntrygg_smsgw_watchdog_step 5\n"));
    assert_non_null(strstr(r.body, "\ntrygg_smsgw_watchdog_actions 4\n"));
    assert_non_null(strstr(r.body, "\ntrygg_smsgw_delivered 7\n"));
    assert_non_null(strstr(r.body, "\ntrygg_smsgw_undelivered 1\n"));
    sfx_resp_free(&r);
    /* A second modem's part: its metrics carry a modem label. */
    json_decref(post("/api/v1/gateway/health", gw_token,
                     "{\"connected\":true,\"watchdog\":\"ok\",\"alert\":\"ok\","
                     "\"modem2\":{\"connected\":false,\"watchdog\":\"hard_reset\"}}",
                     200));
    assert_int_equal(sfx_http(F.base, "GET", "/metrics", NULL, NULL, 0, &r), 0);
    assert_non_null(strstr(r.body, "\ntrygg_smsgw_modem_connected{modem=\"1\"} 1\n"));
    assert_non_null(strstr(r.body, "\ntrygg_smsgw_modem_connected{modem=\"2\"} 0\n"));
    assert_non_null(strstr(r.body, "\ntrygg_smsgw_modem_watchdog_step{modem=\"1\"} 0\n"));
    assert_non_null(strstr(r.body, "\ntrygg_smsgw_modem_watchdog_step{modem=\"2\"} 3\n"));
    sfx_resp_free(&r);
    char big[4096];
    snprintf(big, sizeof big, "{\"last_error\":\"%02500d\"}", 0);
    o = post("/api/v1/gateway/health", gw_token, big, 400);
    assert_string_equal(str(o, "field"), "health");
    json_decref(o);
    json_decref(post("/api/v1/gateway/health", gw_token, "[1]", 400));
}

/* /contacts: which pseudonyms the server no longer knows (never seen or
 * purged) or knows as stopped, so the gateway forgets their numbers. */
static void test_contacts(void **state)
{
    (void)state;
    json_decref(upload(40, 40, "Trasig lampa vid bron", "", 200));
    json_decref(upload(41, 41, "Klotter vid skolan", "", 200));
    char p40[65], p41[65], p42[65], body[512];
    hex64(40, p40);
    hex64(41, p41);
    hex64(42, p42); /* never seen */
    trygg_store *st = server_store(&F.ctx);
    assert_int_equal(trygg_store_contact_stop(st, p41), TRYGG_OK);
    snprintf(body, sizeof body, "{\"pseudonyms\":[\"%s\",\"%s\",\"%s\"]}", p40, p41, p42);
    json_decref(post("/api/v1/gateway/contacts", F.token, body, 403));
    json_t *o = post("/api/v1/gateway/contacts", gw_token, body, 200);
    json_t *unknown = json_object_get(o, "unknown"), *stopped = json_object_get(o, "stopped");
    assert_int_equal(json_array_size(unknown), 1);
    assert_string_equal(json_string_value(json_array_get(unknown, 0)), p42);
    assert_int_equal(json_array_size(stopped), 1);
    assert_string_equal(json_string_value(json_array_get(stopped, 0)), p41);
    json_decref(o);
    o = post("/api/v1/gateway/contacts", gw_token, "{\"pseudonyms\":[\"+46701234567\"]}", 400);
    assert_string_equal(str(o, "field"), "pseudonyms");
    json_decref(o);
}

/* The gateway's reply settings are the server's [sms] and [sms keywords]
 * (the one source): versioned, for a gateway token only, and they read
 * back into a gateway's dialog settings unchanged. */
static void test_settings(void **state)
{
    (void)state;
    sms_dialog_cfg *sms = &F.ctx.cfg.catalog->sms;
    sms_dialog_cfg saved = *sms;
    assert_int_equal(sms_dialog_set_keywords(sms, SMS_KW_STOP, "SLUTA, STOPP"), 2);
    snprintf(sms->police_url, sizeof sms->police_url, "polisen.se/prov");
    snprintf(sms->default_lang, sizeof sms->default_lang, "en");
    sms->replies_per_hour = 7;
    json_decref(post("/api/v1/gateway/settings", F.token, "{}", 403));
    json_t *o = post("/api/v1/gateway/settings", gw_token, "{}", 200);
    *sms = saved;
    assert_int_equal(json_integer_value(json_object_get(o, "version")), 1);
    json_t *stop = json_object_get(json_object_get(o, "keywords"), "stop");
    assert_int_equal(json_array_size(stop), 2);
    assert_string_equal(json_string_value(json_array_get(stop, 0)), "SLUTA");
    assert_string_equal(str(json_object_get(o, "links"), "police_url"), "polisen.se/prov");
    assert_string_equal(str(json_object_get(o, "links"), "emergency"), "112");
    sms_dialog_cfg gw;
    sms_dialog_cfg_defaults(&gw);
    char err[128];
    assert_int_equal(sms_settings_apply(o, &gw, err, sizeof err), 1);
    assert_string_equal(gw.police_url, "polisen.se/prov");
    assert_string_equal(gw.default_lang, "en");
    assert_int_equal(gw.replies_per_hour, 7);
    assert_int_equal(gw.nkw[SMS_KW_STOP], 2);
    assert_string_equal(gw.kw[SMS_KW_STOP][1], "STOPP");
    /* Another version, or a keyword without words, is not taken. */
    json_object_set_new(o, "version", json_integer(2));
    sms_dialog_cfg_defaults(&gw);
    assert_int_equal(sms_settings_apply(o, &gw, err, sizeof err), 0);
    assert_string_equal(gw.police_url, "polisen.se/tipsa");
    json_object_set_new(o, "version", json_integer(1));
    json_object_set_new(json_object_get(o, "keywords"), "help", json_array());
    assert_int_equal(sms_settings_apply(o, &gw, err, sizeof err), 0);
    assert_non_null(strstr(err, "help"));
    assert_string_equal(gw.default_lang, "sv");
    json_decref(o);
}

/* Field validation: each wrong field is named. */
static void test_validation(void **state)
{
    (void)state;
    char p[65], body[512];
    hex64(8, p);
    snprintf(body, sizeof body,
             "{\"key\":\"sms:%s\",\"pseudonym\":\"%s\",\"text\":\"Hej\",\"received\":\"igår\"}", p,
             p);
    json_t *o = post("/api/v1/gateway/messages", gw_token, body, 400);
    assert_string_equal(str(o, "field"), "received");
    json_decref(o);
    o = post("/api/v1/gateway/messages", gw_token,
             "{\"key\":\"sms:abc\",\"pseudonym\":\"x\",\"text\":\"Hej\",\"received\":1}", 400);
    assert_string_equal(str(o, "field"), "key");
    json_decref(o);
    o = post("/api/v1/gateway/claim", gw_token, "{\"max\":0}", 400);
    assert_string_equal(str(o, "field"), "max");
    json_decref(o);
}

/* The body must be JSON by its Content-Type, exactly as on the kiosk API
 * (server/api_common.c): a type that only starts like it is refused. */
static void test_content_type(void **state)
{
    (void)state;
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", gw_token);
    const char *types[] = {"Content-Type: text/plain", "Content-Type: application/jsonl",
                           "Content-Type: application/json-seq"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        const char *h[] = {types[i], auth, NULL};
        sfx_resp r;
        assert_int_equal(sfx_http(F.base, "POST", "/api/v1/gateway/claim", h, "{}", 2, &r), 0);
        if (r.status != 415)
            fail_msg("%s: %ld, wanted 415", types[i], r.status);
        sfx_resp_free(&r);
    }
    const char *ok[] = {"Content-Type: application/json; charset=utf-8", auth, NULL};
    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "POST", "/api/v1/gateway/claim", ok, "{}", 2, &r), 0);
    assert_int_equal(r.status, 200);
    sfx_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upload_idempotent), cmocka_unit_test(test_tokens_by_role),
        cmocka_unit_test(test_offline_ref),       cmocka_unit_test(test_claim_and_delivery),
        cmocka_unit_test(test_numbers_stay_out),  cmocka_unit_test(test_health),
        cmocka_unit_test(test_contacts),          cmocka_unit_test(test_validation),
        cmocka_unit_test(test_content_type),      cmocka_unit_test(test_settings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
