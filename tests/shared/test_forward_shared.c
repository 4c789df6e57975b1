/*
 * test_forward_shared.c — trygg/forward.h against a real SQLite store and
 * the real routing file (assets/config/routing.ini with an on-call address):
 * full-access vs scrubbed payloads, tips and person-naming items never to a
 * company destination, copy_to at intake, the on-call e-mail, and no SMS
 * sender number in any payload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "store_fixture.h"
#include "trygg/forward.h"
#include "trygg/route.h"
#include "trygg/text.h"

#define PHONE_TEXT "Bråk i trappan varje natt, ring mig på 070-1234567 eller anna@example.se"

typedef struct tfx {
    fixture f;
    trygg_routes *routes;
    trygg_forward_cfg fc;
} tfx;

static const char *labels(void *user, const char *what, int kind, const char *id)
{
    (void)user, (void)kind;
    if (strcmp(what, "area") == 0 && strcmp(id, "centrum") == 0)
        return "Centrum (Lilla Edet)";
    return NULL;
}

/* The shipped routing file with an on-call address set. */
static void load_routes(tfx *t)
{
    const char *assets = getenv("TRYGG_ASSETS");
    assert_non_null(assets);
    char src[600], dst[700], cmd[1600];
    snprintf(src, sizeof src, "%s/config/routing.ini", assets);
    snprintf(dst, sizeof dst, "%s/routing.ini", t->f.dir);
    snprintf(cmd, sizeof cmd, "sed 's/^email =$/email = jour@example.se/' '%s' > '%s'", src, dst);
    assert_int_equal(system(cmd), 0);
    trygg_cfg_error errs[4];
    int nerr = 0;
    assert_int_equal(trygg_routes_load(dst, &t->routes, errs, 4, &nerr), TRYGG_OK);
    assert_string_equal(trygg_routes_oncall(t->routes), "jour@example.se");
}

static int setup(void **state)
{
    tfx *t = calloc(1, sizeof *t);
    void *fs = NULL;
    if (!t || fx_setup(&fs) != 0)
        return -1;
    t->f = *(fixture *)fs;
    free(fs);
    load_routes(t);
    t->fc = (trygg_forward_cfg){
        .routes = t->routes, .public_url = "https://trygg.example.se", .label = labels};
    trygg_destination sec = {.name = "security",
                             .label = "Säkerhetsavdelningen",
                             .email = "sak@example.se",
                             .webhook_url = "http://127.0.0.1:9/hook",
                             .full_access = 1};
    trygg_destination bo = {.name = "housing", .label = "Bostadsbolaget", .email = "bo@example.se"};
    assert_int_equal(trygg_store_dest_put(t->f.st, &sec), TRYGG_OK);
    assert_int_equal(trygg_store_dest_put(t->f.st, &bo), TRYGG_OK);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    tfx *t = *state;
    trygg_routes_free(t->routes);
    fixture *f = malloc(sizeof *f);
    *f = t->f;
    void *fs = f;
    fx_teardown(&fs);
    free(t);
    return 0;
}

/* Submits a new item (inside its own transaction). */
static void submit(tfx *t, trygg_item *it)
{
    int created = 0;
    assert_int_equal(trygg_store_begin(t->f.st), TRYGG_OK);
    assert_int_equal(trygg_store_submit(t->f.st, it, it, &created), TRYGG_OK);
    assert_int_equal(trygg_store_commit(t->f.st), TRYGG_OK);
    assert_int_equal(created, 1);
    assert_true(it->id > 0);
}

static trygg_notify rows[32];

/* Rows of item `id` for `dest` (NULL = any) in rows[], count returned. */
static int rows_of(tfx *t, int64_t id, const char *dest, trygg_notify *out)
{
    int n = 0, k = 0;
    assert_int_equal(trygg_store_notify_list(t->f.st, -1, rows, 32, &n), TRYGG_OK);
    for (int i = 0; i < n; i++)
        if (rows[i].item_id == id && (!dest || strcmp(rows[i].destination, dest) == 0))
            out[k++] = rows[i];
    return k;
}

static const char *str(json_t *o, const char *path1, const char *path2)
{
    json_t *v = json_object_get(o, path1);
    if (path2)
        v = json_object_get(v, path2);
    return json_string_value(v);
}

static void test_full_access_vs_scrubbed(void **state)
{
    tfx *t = *state;
    trygg_item it;
    fx_item(&it, "k-full", TRYGG_KIND_CONCERN, "centrum", PHONE_TEXT);
    snprintf(it.contact, sizeof it.contact, "anna@example.se");
    it.consent = 1;
    submit(t, &it);

    assert_int_equal(trygg_store_begin(t->f.st), TRYGG_OK);
    assert_int_equal(trygg_forward_enqueue(t->f.st, &t->fc, &it, "security", "tester"), TRYGG_OK);
    assert_int_equal(trygg_forward_enqueue(t->f.st, &t->fc, &it, "housing", "tester"), TRYGG_OK);
    assert_int_equal(trygg_store_commit(t->f.st), TRYGG_OK);

    static trygg_notify sec[8], bo[8];
    assert_int_equal(rows_of(t, it.id, "security", sec), 2); /* e-mail + webhook */
    assert_int_equal(rows_of(t, it.id, "housing", bo), 1);   /* e-mail only */
    for (int i = 0; i < 2; i++) {
        json_t *o = json_loads(sec[i].payload, 0, NULL);
        assert_non_null(o);
        if (strcmp(sec[i].channel, "email") == 0) {
            assert_string_equal(str(o, "to", NULL), "sak@example.se");
            assert_string_equal(str(o, "ref", NULL), it.ref);
            assert_non_null(strstr(str(o, "body", NULL), "070-1234567"));
            assert_non_null(strstr(str(o, "body", NULL), "anna@example.se")); /* contact */
            assert_non_null(strstr(str(o, "subject", NULL), "Centrum (Lilla Edet)"));
            assert_false(json_is_true(json_object_get(o, "urgent")));
        } else {
            assert_string_equal(sec[i].channel, "webhook");
            assert_string_equal(str(o, "event", NULL), "item.forwarded");
            assert_string_equal(str(o, "item", "text"), PHONE_TEXT);
            assert_string_equal(str(o, "item", "area_label"), "Centrum (Lilla Edet)");
            char link[128];
            snprintf(link, sizeof link, "https://trygg.example.se/item/%lld", (long long)it.id);
            assert_string_equal(str(o, "item", "link"), link);
            assert_string_equal(str(o, "item", "contact"), "anna@example.se");
        }
        json_decref(o);
    }
    /* The company copy: scrubbed, no contact data (not its purpose). */
    json_t *o = json_loads(bo[0].payload, 0, NULL);
    assert_non_null(o);
    assert_string_equal(bo[0].channel, "email");
    assert_string_equal(str(o, "to", NULL), "bo@example.se");
    const char *body = str(o, "body", NULL);
    assert_null(strstr(body, "070-1234567"));
    assert_null(strstr(body, "anna@example.se"));
    assert_non_null(strstr(body, "Bråk i trappan"));
    assert_null(strstr(bo[0].payload, "1234567"));
    json_decref(o);

    /* Unknown destination: nothing queued. */
    assert_int_equal(trygg_store_begin(t->f.st), TRYGG_OK);
    assert_int_equal(trygg_forward_enqueue(t->f.st, &t->fc, &it, "nowhere", NULL),
                     TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_commit(t->f.st), TRYGG_OK);
    assert_int_equal(rows_of(t, it.id, NULL, sec), 3);
}

static void test_tip_never_to_company(void **state)
{
    tfx *t = *state;
    trygg_item tip;
    fx_item(&tip, "k-tip", TRYGG_KIND_TIP, "centrum", "Det luktar cannabis i källaren");
    submit(t, &tip);
    assert_int_equal(trygg_store_begin(t->f.st), TRYGG_OK);
    assert_int_equal(trygg_forward_enqueue(t->f.st, &t->fc, &tip, "housing", "tester"),
                     TRYGG_ERR_PERM);
    /* Even when a (bad) route result names a company copy, intake skips it. */
    trygg_route_result rr = {.destination = "security", .copy_to = "housing"};
    assert_int_equal(trygg_forward_intake(t->f.st, &t->fc, &tip, &rr, "system"), TRYGG_OK);
    assert_int_equal(trygg_store_commit(t->f.st), TRYGG_OK);
    static trygg_notify r[8];
    assert_int_equal(rows_of(t, tip.id, "housing", r), 0);
    assert_int_equal(rows_of(t, tip.id, "security", r), 2);

    /* A concern that names a person: security only as well. */
    const char *named = "Han som bor på tredje våningen säljer knark i trappan";
    const trygg_keywords *k = trygg_keywords_default();
    assert_non_null(k);
    assert_true(trygg_text_names_person(k, named));
    trygg_item c;
    fx_item(&c, "k-named", TRYGG_KIND_CONCERN, "centrum", named);
    submit(t, &c);
    assert_int_equal(trygg_store_begin(t->f.st), TRYGG_OK);
    assert_int_equal(trygg_forward_enqueue(t->f.st, &t->fc, &c, "housing", NULL), TRYGG_ERR_PERM);
    assert_int_equal(trygg_store_commit(t->f.st), TRYGG_OK);
    assert_int_equal(rows_of(t, c.id, "housing", r), 0);
}

static void test_intake_copy_to(void **state)
{
    tfx *t = *state;
    trygg_item in, out;
    fx_item(&in, "k-in", TRYGG_KIND_CONCERN, "centrum", PHONE_TEXT);
    fx_item(&out, "k-out", TRYGG_KIND_CONCERN, "norr", PHONE_TEXT);
    trygg_route_result rin, rout;
    assert_int_equal(trygg_route_item(t->routes, &in, &rin), TRYGG_OK);
    assert_int_equal(trygg_route_item(t->routes, &out, &rout), TRYGG_OK);
    assert_string_equal(rin.destination, "security");
    assert_string_equal(rin.copy_to, "housing");
    submit(t, &in);
    submit(t, &out);
    assert_int_equal(trygg_store_begin(t->f.st), TRYGG_OK);
    assert_int_equal(trygg_forward_intake(t->f.st, &t->fc, &in, &rin, "system"), TRYGG_OK);
    assert_int_equal(trygg_forward_intake(t->f.st, &t->fc, &out, &rout, "system"), TRYGG_OK);
    assert_int_equal(trygg_store_commit(t->f.st), TRYGG_OK);
    static trygg_notify r[8];
    assert_int_equal(rows_of(t, in.id, "security", r), 2);
    assert_int_equal(rows_of(t, in.id, "housing", r), 1);
    assert_null(strstr(r[0].payload, "070-1234567"));
    assert_int_equal(rows_of(t, in.id, "oncall", r), 0); /* not urgent */
    /* Outside the company's areas: no copy. */
    assert_int_equal(rows_of(t, out.id, "housing", r), 0);
    assert_int_equal(rows_of(t, out.id, "security", r), 2);

    /* A rollback takes the forwards with it. */
    trygg_item rb;
    fx_item(&rb, "k-rb", TRYGG_KIND_CONCERN, "centrum", "Trasig belysning och bråk");
    trygg_route_result rrb;
    assert_int_equal(trygg_route_item(t->routes, &rb, &rrb), TRYGG_OK);
    int created = 0;
    assert_int_equal(trygg_store_begin(t->f.st), TRYGG_OK);
    assert_int_equal(trygg_store_submit(t->f.st, &rb, &rb, &created), TRYGG_OK);
    assert_int_equal(trygg_forward_intake(t->f.st, &t->fc, &rb, &rrb, "system"), TRYGG_OK);
    assert_int_equal(rows_of(t, rb.id, NULL, r), 3);
    trygg_store_rollback(t->f.st);
    assert_int_equal(rows_of(t, rb.id, NULL, r), 0);
}

static void test_oncall(void **state)
{
    tfx *t = *state;
    trygg_item it;
    fx_item(&it, "k-urgent", TRYGG_KIND_CONCERN, "norr",
            "Han har en kniv och hotar folk vid stationen, ring 070-7654321");
    trygg_route_result rr;
    assert_int_equal(trygg_route_item(t->routes, &it, &rr), TRYGG_OK);
    assert_int_equal(rr.urgent, 1);
    it.urgent = 1;
    submit(t, &it);
    assert_int_equal(trygg_store_begin(t->f.st), TRYGG_OK);
    assert_int_equal(trygg_forward_intake(t->f.st, &t->fc, &it, &rr, "system"), TRYGG_OK);
    assert_int_equal(trygg_store_commit(t->f.st), TRYGG_OK);
    static trygg_notify r[8];
    assert_int_equal(rows_of(t, it.id, "oncall", r), 1);
    json_t *o = json_loads(r[0].payload, 0, NULL);
    assert_non_null(o);
    assert_string_equal(r[0].channel, "email");
    assert_string_equal(str(o, "to", NULL), "jour@example.se");
    assert_true(json_is_true(json_object_get(o, "urgent")));
    assert_int_equal(strncmp(str(o, "subject", NULL), "!!! ", 4), 0);
    assert_non_null(strstr(str(o, "body", NULL), "kniv"));
    assert_null(strstr(r[0].payload, "070-7654321")); /* scrubbed like any copy */
    json_decref(o);

    /* Without an on-call address: NOTFOUND, and intake still succeeds. */
    trygg_forward_cfg none = t->fc;
    none.routes = NULL;
    assert_int_equal(trygg_store_begin(t->f.st), TRYGG_OK);
    assert_int_equal(trygg_forward_enqueue_oncall(t->f.st, &none, &it, NULL), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_forward_intake(t->f.st, &none, &it, &rr, "system"), TRYGG_OK);
    assert_int_equal(trygg_store_commit(t->f.st), TRYGG_OK);
    assert_int_equal(rows_of(t, it.id, "oncall", r), 1);
}

/* An SMS call-back item carries the number in contact (consent for staff
 * with call-back rights): it never goes into a payload, the alias does. */
static void test_sms_number_never_sent(void **state)
{
    tfx *t = *state;
    trygg_item it;
    fx_item(&it, "k-sms", TRYGG_KIND_CALLBACK, "", "RING");
    it.channel = TRYGG_CHANNEL_VOICE;
    snprintf(it.contact, sizeof it.contact, "+46701112233");
    snprintf(it.alias, sizeof it.alias, "Tipsare T-4821");
    it.consent = 1;
    submit(t, &it);
    trygg_route_result rr;
    assert_int_equal(trygg_route_item(t->routes, &it, &rr), TRYGG_OK);
    assert_int_equal(trygg_store_begin(t->f.st), TRYGG_OK);
    assert_int_equal(trygg_forward_intake(t->f.st, &t->fc, &it, &rr, "smsgw"), TRYGG_OK);
    assert_int_equal(trygg_store_commit(t->f.st), TRYGG_OK);
    static trygg_notify r[8];
    int n = rows_of(t, it.id, NULL, r);
    assert_true(n >= 1);
    int alias = 0;
    for (int i = 0; i < n; i++) {
        assert_null(strstr(r[i].payload, "1112233"));
        alias |= strstr(r[i].payload, "T-4821") != NULL;
    }
    assert_true(alias); /* the webhook to security names the alias */
}

/* A company recipient marked full_access in the database still gets no
 * tip and no call-back, and a concern goes to it scrubbed: the routing
 * config, not the database, decides. */
static void test_company_full_access_in_db(void **state)
{
    tfx *t = *state;
    trygg_destination bo = {
        .name = "housing", .label = "Bostadsbolaget", .email = "bo@example.se", .full_access = 1};
    assert_int_equal(trygg_store_dest_put(t->f.st, &bo), TRYGG_OK);
    trygg_item tip, cb, concern;
    fx_item(&tip, "k-ctip", TRYGG_KIND_TIP, "centrum", "Det säljs saker i källaren");
    fx_item(&cb, "k-ccb", TRYGG_KIND_CALLBACK, "centrum", "Ring mig");
    fx_item(&concern, "k-cconc", TRYGG_KIND_CONCERN, "centrum", PHONE_TEXT);
    submit(t, &tip);
    submit(t, &cb);
    submit(t, &concern);
    assert_int_equal(trygg_store_begin(t->f.st), TRYGG_OK);
    assert_int_equal(trygg_forward_enqueue(t->f.st, &t->fc, &tip, "housing", NULL), TRYGG_ERR_PERM);
    assert_int_equal(trygg_forward_enqueue(t->f.st, &t->fc, &cb, "housing", NULL), TRYGG_ERR_PERM);
    assert_int_equal(trygg_forward_enqueue(t->f.st, &t->fc, &concern, "housing", NULL), TRYGG_OK);
    assert_int_equal(trygg_store_commit(t->f.st), TRYGG_OK);
    static trygg_notify r[8];
    assert_int_equal(rows_of(t, tip.id, NULL, r), 0);
    assert_int_equal(rows_of(t, cb.id, NULL, r), 0);
    assert_int_equal(rows_of(t, concern.id, "housing", r), 1);
    assert_null(strstr(r[0].payload, "070-1234567"));
    assert_null(strstr(r[0].payload, "anna@example.se"));
}

/* The database follows the routing config: a recipient the config does not
 * declare gets nothing and is removed at sync; full access comes from the
 * config; addresses the config does not give are kept. */
static void test_sync_from_config(void **state)
{
    tfx *t = *state;
    trygg_destination old = {.name = "oldhousing", .label = "Gamla", .email = "old@example.se"};
    trygg_destination bo = {.name = "housing",
                            .label = "Fel etikett",
                            .email = "bo@example.se",
                            .webhook_secret = "s3cret",
                            .full_access = 1};
    assert_int_equal(trygg_store_dest_put(t->f.st, &old), TRYGG_OK);
    assert_int_equal(trygg_store_dest_put(t->f.st, &bo), TRYGG_OK);
    trygg_item it;
    fx_item(&it, "k-old", TRYGG_KIND_FAULT, "centrum", "Lampan är trasig");
    submit(t, &it);
    assert_int_equal(trygg_store_begin(t->f.st), TRYGG_OK);
    assert_int_equal(trygg_forward_enqueue(t->f.st, &t->fc, &it, "oldhousing", NULL),
                     TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_commit(t->f.st), TRYGG_OK);
    static trygg_notify r[8];
    assert_int_equal(rows_of(t, it.id, NULL, r), 0);

    int removed = -1;
    assert_int_equal(trygg_routes_sync_store(t->routes, t->f.st, &removed), TRYGG_OK);
    assert_int_equal(removed, 1);
    trygg_destination d;
    assert_int_equal(trygg_store_dest_get(t->f.st, "oldhousing", &d), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_dest_get(t->f.st, "housing", &d), TRYGG_OK);
    assert_int_equal(d.full_access, 0);
    assert_string_equal(d.label, "Bostadsbolaget");
    assert_string_equal(d.email, "bo@example.se");
    assert_string_equal(d.webhook_secret, "s3cret");
    assert_int_equal(trygg_store_dest_get(t->f.st, "security", &d), TRYGG_OK);
    assert_int_equal(d.full_access, 1);
    assert_int_equal(trygg_store_dest_get(t->f.st, "walks", &d), TRYGG_OK);
    assert_int_equal(d.full_access, 0);
    /* Idempotent. */
    assert_int_equal(trygg_routes_sync_store(t->routes, t->f.st, &removed), TRYGG_OK);
    assert_int_equal(removed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_access_vs_scrubbed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tip_never_to_company, setup, teardown),
        cmocka_unit_test_setup_teardown(test_intake_copy_to, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oncall, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sms_number_never_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_company_full_access_in_db, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sync_from_config, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
