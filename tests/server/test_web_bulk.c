/*
 * test_web_bulk.c — a case worker's morning over real loopback HTTP: bulk
 * actions on the queue (POST /queue/bulk, server/web_bulk.c) and items
 * registered by staff (GET/POST /new, server/web_new.c). The server runs
 * in-process with web_routes on a temporary SQLite file and the default
 * routing rules; effects are checked in the store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "intake.h"
#include "trygg/paths.h"
#include "trygg/route.h"
#include "trygg/secret.h"
#include "web.h"
#include "web_client.h"
#include "web_server_fixture.h"

#define PASSWORD "correct horse battery staple"

static char tmpdir[256];
static server_ctx ctx;
static http_server *srv;
static trygg_store *st;

static int64_t submit(trygg_kind kind, const char *dest, const char *text)
{
    static int n;
    trygg_item it, out;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "bulk-test-%d", ++n);
    it.kind = kind;
    it.channel = TRYGG_CHANNEL_SMS;
    snprintf(it.source, sizeof it.source, "smsgw");
    snprintf(it.area, sizeof it.area, "Centrum");
    snprintf(it.destination, sizeof it.destination, "%s", dest);
    snprintf(it.text, sizeof it.text, "%s", text);
    int created;
    assert_int_equal(trygg_store_submit(st, &it, &out, &created), TRYGG_OK);
    return out.id;
}

static void add_user(const char *name, const char *role, const char *dest)
{
    wsf_user(st, name, name, role, dest, PASSWORD);
}

static void add_dest(const char *name, const char *label, int full)
{
    wsf_dest(st, name, label, full);
}

static int setup(void **state)
{
    (void)state;
    wsf_open(&ctx, &st, tmpdir, "bulk");
    add_dest("security", "Säkerhetsavdelningen", 1);
    add_dest("housing", "Bostadsbolaget", 0);
    add_dest("streets", "Gatukontoret", 0);
    add_user("sakerhet", "security", NULL);
    fake_now = (int64_t)time(NULL);
    web_set_clock(fake_clock);
    wc_enrol(st, "sakerhet", NULL);
    add_user("bostad", "destination", "housing");

    srv = wsf_listen(&ctx);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    wsf_close(srv, &ctx, st, tmpdir);
    return 0;
}

/* Number of audit rows of item `id` with `action`. */
static int audit_count(int64_t id, const char *action)
{
    trygg_audit rows[32];
    int n = 0, k = 0;
    assert_int_equal(trygg_store_list_audit(st, id, rows, 32, &n), TRYGG_OK);
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].action, action) == 0)
            k++;
    return k;
}

/* "&id=1&id=2..." of ids[n] into out[cap]. */
static void id_fields(const int64_t *ids, int n, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, cap - len, "&id=%" PRId64, ids[i]);
    assert_true(len < cap);
}

static void test_bulk_close_ten_spam(void **state)
{
    (void)state;
    int64_t ids[10];
    for (int i = 0; i < 10; i++) {
        char text[64];
        snprintf(text, sizeof text, "VINN EN IPHONE nu %d klicka här", i);
        ids[i] = submit(TRYGG_KIND_TIP, "security", text);
    }
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    reply r;
    /* The queue offers a checkbox per row, "select all" and the bulk form. */
    req(&r, "GET", "/queue", s.cookie, NULL);
    assert_int_equal(r.status, 200);
    char box[64];
    snprintf(box, sizeof box, "name=\"id\" value=\"%" PRId64 "\"", ids[3]);
    assert_non_null(strstr(r.body, box));
    assert_non_null(strstr(r.body, "action=\"/queue/bulk\""));
    assert_non_null(strstr(r.body, "name=\"all\""));
    reply_free(&r);

    char ids_form[512], form[1024];
    id_fields(ids, 10, ids_form, sizeof ids_form);
    /* First step: a confirmation that states the count; nothing changes yet. */
    snprintf(form, sizeof form, "csrf=%s&op=close&reason=spam%s", s.csrf, ids_form);
    req(&r, "POST", "/queue/bulk", s.cookie, form);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Stänga 10 ärenden som skräp?"));
    assert_non_null(strstr(r.body, "name=\"confirm\""));
    reply_free(&r);
    trygg_item it;
    assert_int_equal(trygg_store_get(st, ids[0], &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_NEW);

    /* Missing CSRF: 403 and nothing changes. */
    snprintf(form, sizeof form, "op=close&reason=spam&confirm=1%s", ids_form);
    req(&r, "POST", "/queue/bulk", s.cookie, form);
    assert_int_equal(r.status, 403);
    reply_free(&r);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(trygg_store_get(st, ids[i], &it), TRYGG_OK);
        assert_int_equal(it.status, TRYGG_STATUS_NEW);
    }

    /* Confirmed: all ten closed as spam, one audit row each, the queue says so. */
    snprintf(form, sizeof form, "csrf=%s&op=close&reason=spam&confirm=1%s", s.csrf, ids_form);
    req(&r, "POST", "/queue/bulk", s.cookie, form);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.location, "bulk_done=10"));
    assert_non_null(strstr(r.location, "bulk_skipped=0"));
    char loc[512];
    snprintf(loc, sizeof loc, "%s", r.location);
    reply_free(&r);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(trygg_store_get(st, ids[i], &it), TRYGG_OK);
        assert_int_equal(it.status, TRYGG_STATUS_CLOSED);
        assert_int_equal(it.close_reason, TRYGG_CLOSE_SPAM);
        assert_int_equal(audit_count(ids[i], "status"), 1);
    }
    req(&r, "GET", loc, s.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "10 ärenden ändrades"));
    reply_free(&r);
}

static void test_bulk_foreign_item_untouched(void **state)
{
    (void)state;
    int64_t own = submit(TRYGG_KIND_FAULT, "housing", "Lampan i trapphuset är trasig");
    int64_t foreign = submit(TRYGG_KIND_FAULT, "streets", "Hål i gatan vid skolan");
    int64_t tip = submit(TRYGG_KIND_TIP, "housing", "Misstänkt handel i källaren");
    session s;
    assert_int_equal(login_as("bostad", PASSWORD, &s), 303);
    reply r;
    char form[512];
    snprintf(form, sizeof form,
             "csrf=%s&op=close&reason=resolved&confirm=1&id=%" PRId64 "&id=%" PRId64 "&id=%" PRId64,
             s.csrf, own, foreign, tip);
    req(&r, "POST", "/queue/bulk", s.cookie, form);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.location, "bulk_done=1"));
    assert_non_null(strstr(r.location, "bulk_skipped=2"));
    reply_free(&r);
    trygg_item it;
    assert_int_equal(trygg_store_get(st, own, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_CLOSED);
    assert_int_equal(trygg_store_get(st, foreign, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_NEW);
    assert_int_equal(audit_count(foreign, "status"), 0);
    assert_int_equal(trygg_store_get(st, tip, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_NEW);
    assert_int_equal(audit_count(tip, "status"), 0);
    /* Spam is the security department's: refused item by item, nothing changes. */
    int64_t mine = submit(TRYGG_KIND_FAULT, "housing", "Dörren slår");
    snprintf(form, sizeof form, "csrf=%s&op=close&reason=spam&confirm=1&id=%" PRId64, s.csrf, mine);
    req(&r, "POST", "/queue/bulk", s.cookie, form);
    assert_non_null(strstr(r.location, "bulk_done=0"));
    reply_free(&r);
    assert_int_equal(trygg_store_get(st, mine, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_NEW);
}

static void test_bulk_assign_forward_duplicate(void **state)
{
    (void)state;
    int64_t a = submit(TRYGG_KIND_FAULT, "security", "Trasig bänk i parken");
    int64_t b = submit(TRYGG_KIND_FAULT, "security", "Bänken i parken är sönder");
    int64_t orig = submit(TRYGG_KIND_FAULT, "security", "Parkbänken är trasig");
    trygg_item o;
    assert_int_equal(trygg_store_get(st, orig, &o), TRYGG_OK);
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    reply r;
    char form[512];
    snprintf(form, sizeof form,
             "csrf=%s&op=assign&assignee=sakerhet&confirm=1&id=%" PRId64 "&id=%" PRId64, s.csrf, a,
             b);
    req(&r, "POST", "/queue/bulk", s.cookie, form);
    assert_non_null(strstr(r.location, "bulk_done=2"));
    reply_free(&r);
    trygg_item it;
    assert_int_equal(trygg_store_get(st, b, &it), TRYGG_OK);
    assert_string_equal(it.assignee, "sakerhet");
    assert_int_equal(audit_count(b, "assign"), 1);
    /* Forward: the confirmation names the recipient; then both are forwarded. */
    snprintf(form, sizeof form, "csrf=%s&op=forward&destination=streets&id=%" PRId64 "&id=%" PRId64,
             s.csrf, a, b);
    req(&r, "POST", "/queue/bulk", s.cookie, form);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Vidarebefordra 2 ärenden till Gatukontoret?"));
    reply_free(&r);
    snprintf(form, sizeof form,
             "csrf=%s&op=forward&destination=streets&confirm=1&id=%" PRId64 "&id=%" PRId64, s.csrf,
             a, b);
    req(&r, "POST", "/queue/bulk", s.cookie, form);
    assert_non_null(strstr(r.location, "bulk_done=2"));
    reply_free(&r);
    assert_int_equal(trygg_store_get(st, a, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_FORWARDED);
    assert_string_equal(it.destination, "streets");
    /* Duplicate of a reference typed in (the original itself is skipped). */
    snprintf(form, sizeof form,
             "csrf=%s&op=close&reason=duplicate&dup_ref=%s&confirm=1&id=%" PRId64 "&id=%" PRId64
             "&id=%" PRId64,
             s.csrf, o.ref, a, b, orig);
    req(&r, "POST", "/queue/bulk", s.cookie, form);
    assert_non_null(strstr(r.location, "bulk_done=2"));
    assert_non_null(strstr(r.location, "bulk_skipped=1"));
    reply_free(&r);
    assert_int_equal(trygg_store_get(st, b, &it), TRYGG_OK);
    assert_int_equal(it.close_reason, TRYGG_CLOSE_DUPLICATE);
    assert_int_equal(it.duplicate_of, orig);
    assert_int_equal(trygg_store_get(st, orig, &it), TRYGG_OK);
    assert_int_not_equal(it.status, TRYGG_STATUS_CLOSED);
}

static void test_staff_registers_phone_call(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    reply r;
    req(&r, "GET", "/new", s.cookie, NULL);
    assert_int_equal(r.status, 200);
    char key[128];
    assert_int_equal(extract(r.body, "name=\"key\" value=\"", '"', key, sizeof key), 0);
    assert_non_null(strstr(r.body, "value=\"phone\""));
    assert_non_null(strstr(r.body, "value=\"visit\""));
    assert_non_null(strstr(r.body, "value=\"letter\""));
    assert_non_null(strstr(r.body, "value=\"email\""));
    reply_free(&r);
    /* Contact without consent is refused. */
    char form[1024];
    snprintf(form, sizeof form,
             "csrf=%s&key=%s&how=phone&kind=fault&category=lighting&area=gota&place=Port+4"
             "&text=Ringde+om+trasig+lampa+i+porten&contact=Anna+070-1112233",
             s.csrf, key);
    req(&r, "POST", "/new", s.cookie, form);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "samtycke"));
    reply_free(&r);
    /* Without CSRF: 403. */
    snprintf(form, sizeof form, "key=%s&how=phone&kind=fault&text=x", key);
    req(&r, "POST", "/new", s.cookie, form);
    assert_int_equal(r.status, 403);
    reply_free(&r);
    snprintf(form, sizeof form,
             "csrf=%s&key=%s&how=phone&kind=fault&category=lighting&area=gota&place=Port+4"
             "&text=Ringde+om+trasig+lampa+i+porten&contact=Anna+070-1112233&consent=1",
             s.csrf, key);
    req(&r, "POST", "/new", s.cookie, form);
    assert_int_equal(r.status, 303);
    int64_t id = strtoll(r.location + strlen("/item/"), NULL, 10);
    assert_true(strncmp(r.location, "/item/", 6) == 0 && id > 0);
    reply_free(&r);
    /* The same form posted twice makes one item. */
    req(&r, "POST", "/new", s.cookie, form);
    assert_int_equal(r.status, 303);
    assert_int_equal(strtoll(r.location + strlen("/item/"), NULL, 10), id);
    reply_free(&r);

    trygg_item it;
    assert_int_equal(trygg_store_get(st, id, &it), TRYGG_OK);
    assert_int_equal(it.channel, TRYGG_CHANNEL_STAFF);
    assert_int_equal(it.kind, TRYGG_KIND_FAULT);
    assert_string_equal(it.source, "sakerhet");
    assert_string_equal(it.contact, "Anna 070-1112233");
    assert_int_equal(it.consent, 1);
    assert_true(it.purge_at > it.created);
    /* Routed like a kiosk report of the same kind, category and area. */
    trygg_item kiosk;
    trygg_item_init(&kiosk);
    kiosk.kind = TRYGG_KIND_FAULT;
    kiosk.channel = TRYGG_CHANNEL_KIOSK;
    snprintf(kiosk.category, sizeof kiosk.category, "lighting");
    snprintf(kiosk.area, sizeof kiosk.area, "gota");
    snprintf(kiosk.text, sizeof kiosk.text, "Ringde om trasig lampa i porten");
    trygg_route_result rr;
    assert_int_equal(trygg_route_item(ctx.routes, &kiosk, &rr), TRYGG_OK);
    assert_string_not_equal(rr.destination, "security");
    assert_string_equal(it.destination, rr.destination);
    /* Audited as created by the staff user, with how it came in. */
    trygg_audit rows[16];
    int n = 0, created = 0, received = 0;
    assert_int_equal(trygg_store_list_audit(st, id, rows, 16, &n), TRYGG_OK);
    for (int i = 0; i < n; i++) {
        if (strcmp(rows[i].action, "created") == 0 && strcmp(rows[i].actor, "sakerhet") == 0)
            created++;
        if (strcmp(rows[i].action, "received") == 0 && strcmp(rows[i].detail, "phone") == 0)
            received++;
    }
    assert_int_equal(created, 1);
    assert_int_equal(received, 1);
    /* It appears in the queue, and its page says how it came in. */
    req(&r, "GET", "/queue?channel=staff", s.cookie, NULL);
    assert_non_null(strstr(r.body, it.ref));
    reply_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/item/%" PRId64, id);
    req(&r, "GET", path, s.cookie, NULL);
    assert_non_null(strstr(r.body, "Telefonsamtal"));
    assert_non_null(strstr(r.body, "Kom in som"));
    reply_free(&r);
    /* How it came in is a field of the item (not only an audit row, which a
     * list or an export cannot see): the export's channel says it. */
    assert_string_equal(it.via, "phone");
    req(&r, "GET", "/export.csv?channel=staff", s.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Personal – Telefonsamtal"));
    reply_free(&r);
}

static void test_destination_user_cannot_register(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("bostad", PASSWORD, &s), 303);
    reply r;
    req(&r, "GET", "/new", s.cookie, NULL);
    assert_int_equal(r.status, 403);
    reply_free(&r);
    char form[256];
    snprintf(form, sizeof form, "csrf=%s&key=abcdefabcdefabcdef&how=visit&kind=concern&text=x",
             s.csrf);
    req(&r, "POST", "/new", s.cookie, form);
    assert_int_equal(r.status, 403);
    reply_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bulk_close_ten_spam),
        cmocka_unit_test(test_bulk_foreign_item_untouched),
        cmocka_unit_test(test_bulk_assign_forward_duplicate),
        cmocka_unit_test(test_staff_registers_phone_call),
        cmocka_unit_test(test_destination_user_cannot_register),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
