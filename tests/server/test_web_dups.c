/*
 * test_web_dups.c — duplicates linked both ways and copies by rule, over
 * real loopback HTTP (issue 14): a loop of duplicates (A -> B -> A, or
 * A -> B -> C -> A) is refused with the reason and changes nothing; the
 * original lists its duplicates (only those the user may see); items closed
 * as duplicates are not suggested again; the reporters of the duplicates are
 * answered together from the original; the routing rule's copy_to copy
 * appears in the recipient's queue, scrubbed, and never a tip.
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

static int64_t submit_from(trygg_kind kind, const char *dest, const char *text, const char *sender)
{
    static int n;
    trygg_item it, out;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "dups-test-%d", ++n);
    it.kind = kind;
    it.channel = TRYGG_CHANNEL_SMS;
    snprintf(it.source, sizeof it.source, "smsgw");
    snprintf(it.area, sizeof it.area, "Centrum");
    snprintf(it.destination, sizeof it.destination, "%s", dest);
    snprintf(it.category, sizeof it.category, "lighting");
    snprintf(it.text, sizeof it.text, "%s", text);
    if (sender) {
        trygg_contact c;
        assert_int_equal(trygg_store_contact_get_or_create(st, sender, NULL, 0, "Tipsare T-", &c),
                         TRYGG_OK);
        snprintf(it.sender, sizeof it.sender, "%s", sender);
        snprintf(it.alias, sizeof it.alias, "%s", c.alias);
    }
    int created;
    assert_int_equal(trygg_store_submit(st, &it, &out, &created), TRYGG_OK);
    return out.id;
}

static int64_t submit(trygg_kind kind, const char *dest, const char *text)
{
    return submit_from(kind, dest, text, NULL);
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
    wsf_open(&ctx, &st, tmpdir, "dups");
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

/* A 64-hex pseudonym made of `c`. */
static const char *pseudo(char c, char out[65])
{
    memset(out, c, 64);
    out[64] = '\0';
    return out;
}

static void page_of(const session *s, int64_t id, reply *r)
{
    char path[64];
    snprintf(path, sizeof path, "/item/%" PRId64, id);
    req(r, "GET", path, s->cookie, NULL);
    assert_int_equal(r->status, 200);
}

/* Marks `id` a duplicate of `of` over HTTP; the redirect's location in loc. */
static void mark_dup(const session *s, int64_t id, int64_t of, char *loc, size_t cap)
{
    trygg_item o;
    assert_int_equal(trygg_store_get(st, of, &o), TRYGG_OK);
    char field[64];
    snprintf(field, sizeof field, "dup_ref=%s", o.ref);
    reply r;
    post_action(s, id, "duplicate", field, &r);
    assert_int_equal(r.status, 303);
    snprintf(loc, cap, "%s", r.location);
    reply_free(&r);
}

static void test_dup_loop_refused(void **state)
{
    (void)state;
    int64_t a = submit(TRYGG_KIND_FAULT, "security", "Lampan vid porten är trasig");
    int64_t b = submit(TRYGG_KIND_FAULT, "security", "Lampan vid porten lyser inte");
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    char loc[600];
    mark_dup(&s, b, a, loc, sizeof loc);
    assert_non_null(strstr(loc, "ok=flash.closed"));
    /* B is a duplicate of A: A as a duplicate of B is refused. The store says
     * so too, whoever asks. */
    assert_int_equal(
        trygg_store_set_status(st, a, "test", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_DUPLICATE, b),
        TRYGG_ERR_STATE);
    mark_dup(&s, a, b, loc, sizeof loc);
    assert_non_null(strstr(loc, "err=flash.dup_loop"));
    trygg_item it;
    assert_int_equal(trygg_store_get(st, a, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_NEW);
    assert_int_equal(it.duplicate_of, 0);
    assert_int_equal(audit_count(a, "status"), 0);
    assert_int_equal(trygg_store_get(st, b, &it), TRYGG_OK);
    assert_int_equal(it.duplicate_of, a);
    /* The page names the reason. */
    reply r;
    req(&r, "GET", loc, s.cookie, NULL);
    assert_non_null(strstr(r.body, "dubblett av det här"));
    reply_free(&r);

    /* A longer loop: Y -> Z, X -> Y, then Z -> X is refused. */
    int64_t x = submit(TRYGG_KIND_FAULT, "security", "Trasig lampa X");
    int64_t y = submit(TRYGG_KIND_FAULT, "security", "Trasig lampa Y");
    int64_t z = submit(TRYGG_KIND_FAULT, "security", "Trasig lampa Z");
    mark_dup(&s, y, z, loc, sizeof loc);
    assert_non_null(strstr(loc, "ok=flash.closed"));
    mark_dup(&s, x, y, loc, sizeof loc);
    assert_non_null(strstr(loc, "ok=flash.closed"));
    mark_dup(&s, z, x, loc, sizeof loc);
    assert_non_null(strstr(loc, "err=flash.dup_loop"));
    assert_int_equal(trygg_store_get(st, z, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_NEW);
    assert_int_equal(audit_count(z, "status"), 0);
}

static void test_original_lists_duplicates(void **state)
{
    (void)state;
    int64_t orig = submit(TRYGG_KIND_FAULT, "housing", "Trapphuset är mörkt");
    int64_t d1 = submit(TRYGG_KIND_FAULT, "housing", "Mörkt i trapphuset");
    int64_t d2 = submit(TRYGG_KIND_TIP, "security", "Någon har skruvat ur lamporna");
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    char loc[600];
    mark_dup(&s, d1, orig, loc, sizeof loc);
    mark_dup(&s, d2, orig, loc, sizeof loc);
    trygg_item i1, i2;
    assert_int_equal(trygg_store_get(st, d1, &i1), TRYGG_OK);
    assert_int_equal(trygg_store_get(st, d2, &i2), TRYGG_OK);
    char l1[64], l2[64];
    snprintf(l1, sizeof l1, "href=\"/item/%" PRId64 "\">%s<", d1, i1.ref);
    snprintf(l2, sizeof l2, "href=\"/item/%" PRId64 "\">%s<", d2, i2.ref);
    reply r;
    page_of(&s, orig, &r);
    assert_non_null(strstr(r.body, "id=\"h-dups\""));
    assert_non_null(strstr(r.body, l1));
    assert_non_null(strstr(r.body, l2));
    reply_free(&r);
    /* The housing company's user sees its own duplicate, never the tip. */
    session h;
    assert_int_equal(login_as("bostad", PASSWORD, &h), 303);
    page_of(&h, orig, &r);
    assert_non_null(strstr(r.body, l1));
    assert_null(strstr(r.body, i2.ref));
    reply_free(&r);
}

static void test_closed_duplicates_not_suggested(void **state)
{
    (void)state;
    int64_t orig = submit(TRYGG_KIND_FAULT, "security", "Gatlampan på torget är trasig");
    int64_t dup = submit(TRYGG_KIND_FAULT, "security", "Gatlampan på torget är släckt");
    int64_t next = submit(TRYGG_KIND_FAULT, "security", "Torget är mörkt, lampan är trasig");
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    char loc[600];
    mark_dup(&s, dup, orig, loc, sizeof loc);
    char so[64], sd[64];
    snprintf(so, sizeof so, "name=\"dup_id\" id=\"dup-%" PRId64 "\"", orig);
    snprintf(sd, sizeof sd, "name=\"dup_id\" id=\"dup-%" PRId64 "\"", dup);
    reply r;
    page_of(&s, next, &r);
    assert_non_null(strstr(r.body, so));
    assert_null(strstr(r.body, sd));
    reply_free(&r);
}

static int sms_count(int64_t id)
{
    trygg_sms_out *so = calloc(8, sizeof *so);
    int n = 0;
    assert_non_null(so);
    assert_int_equal(trygg_store_sms_list(st, id, so, 8, &n), TRYGG_OK);
    free(so);
    return n;
}

static void test_answer_duplicates_together(void **state)
{
    (void)state;
    char p1[65], p2[65], p3[65];
    int64_t orig = submit(TRYGG_KIND_FAULT, "security", "Hissen står still i huset");
    int64_t d1 = submit_from(TRYGG_KIND_FAULT, "security", "Hissen fungerar inte", pseudo('b', p1));
    int64_t d2 = submit_from(TRYGG_KIND_FAULT, "security", "Hissen är trasig", pseudo('c', p2));
    int64_t d3 = submit(TRYGG_KIND_FAULT, "security", "Hissen har stannat"); /* kiosk-like */
    int64_t d4 = submit_from(TRYGG_KIND_FAULT, "security", "Hissen igen", pseudo('d', p3));
    assert_int_equal(trygg_store_contact_stop(st, p3), TRYGG_OK);
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    char loc[600];
    mark_dup(&s, d1, orig, loc, sizeof loc);
    mark_dup(&s, d2, orig, loc, sizeof loc);
    mark_dup(&s, d3, orig, loc, sizeof loc);
    mark_dup(&s, d4, orig, loc, sizeof loc);
    /* The original's page offers the joint reply, saying how many get it. */
    reply r;
    page_of(&s, orig, &r);
    char action[64];
    snprintf(action, sizeof action, "action=\"/item/%" PRId64 "/dup_reply\"", orig);
    assert_non_null(strstr(r.body, action));
    reply_free(&r);
    /* Without CSRF: 403 and nothing is queued. */
    char path[64];
    snprintf(path, sizeof path, "/item/%" PRId64 "/dup_reply", orig);
    req(&r, "POST", path, s.cookie, "text=Hissen+lagas+i+dag");
    assert_int_equal(r.status, 403);
    reply_free(&r);
    assert_int_equal(sms_count(d1), 0);
    post_action(&s, orig, "dup_reply", "text=Hissen+lagas+i+dag", &r);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.location, "ok=flash.dup_replied"));
    reply_free(&r);
    assert_int_equal(sms_count(d1), 1);
    assert_int_equal(sms_count(d2), 1);
    assert_int_equal(sms_count(d3), 0); /* no SMS reporter */
    assert_int_equal(sms_count(d4), 0); /* said STOP */
    assert_int_equal(sms_count(orig), 0);
    assert_int_equal(audit_count(d1, "reply"), 1);
    assert_int_equal(audit_count(d2, "reply"), 1);
    assert_int_equal(audit_count(d3, "reply"), 0);
    assert_int_equal(audit_count(orig, "dup_reply"), 1);
    /* A recipient's user may not. */
    int64_t hor = submit(TRYGG_KIND_FAULT, "housing", "Tvättstugan är översvämmad");
    session h;
    assert_int_equal(login_as("bostad", PASSWORD, &h), 303);
    post_action(&h, hor, "dup_reply", "text=x", &r);
    assert_int_equal(r.status, 403);
    reply_free(&r);
}

/* A concern in one of the housing company's areas goes to the security
 * department with a scrubbed copy to the housing company (routing.ini, rule
 * concerns): the company's user finds it in its queue and can open it. */
static void test_copy_to_in_recipient_queue(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    reply r;
    req(&r, "GET", "/new", s.cookie, NULL);
    char key[128];
    assert_int_equal(extract(r.body, "name=\"key\" value=\"", '"', key, sizeof key), 0);
    reply_free(&r);
    char form[1024];
    snprintf(form, sizeof form,
             "csrf=%s&key=%s&how=phone&kind=concern&area=centrum&place=Garaget"
             "&text=M%%C3%%B6rkt+vid+garaget%%2C+ring+070-1234567",
             s.csrf, key);
    req(&r, "POST", "/new", s.cookie, form);
    assert_int_equal(r.status, 303);
    int64_t id = strtoll(r.location + strlen("/item/"), NULL, 10);
    reply_free(&r);
    trygg_item it;
    assert_int_equal(trygg_store_get(st, id, &it), TRYGG_OK);
    assert_string_equal(it.destination, "security");

    session h;
    assert_int_equal(login_as("bostad", PASSWORD, &h), 303);
    req(&r, "GET", "/queue", h.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, it.ref));
    reply_free(&r);
    page_of(&h, id, &r);
    assert_non_null(strstr(r.body, "garaget"));
    assert_null(strstr(r.body, "070-1234567"));
    assert_null(strstr(r.body, "1234567"));
    reply_free(&r);
    /* The copy is to read: the company cannot close the security
     * department's item. */
    post_action(&h, id, "close", "reason=resolved", &r);
    assert_int_equal(r.status, 403);
    reply_free(&r);
    assert_int_equal(trygg_store_get(st, id, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_NEW);
    /* Another recipient's user does not see it. */
    add_user("gata", "destination", "streets");
    session g;
    assert_int_equal(login_as("gata", PASSWORD, &g), 303);
    char path[64];
    snprintf(path, sizeof path, "/item/%" PRId64, id);
    req(&r, "GET", path, g.cookie, NULL);
    assert_int_equal(r.status, 404);
    reply_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dup_loop_refused),
        cmocka_unit_test(test_original_lists_duplicates),
        cmocka_unit_test(test_closed_duplicates_not_suggested),
        cmocka_unit_test(test_answer_duplicates_together),
        cmocka_unit_test(test_copy_to_in_recipient_queue),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
