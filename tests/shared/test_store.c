/* Conformance tests of the store: store.h only, so every backend must pass
 * them. Real database files in temporary directories. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>

#include "store_fixture.h"
#include "trygg/ref.h"

static int64_t submit(trygg_store *st, const char *key, trygg_kind kind, const char *area,
                      const char *text, int64_t created)
{
    trygg_item it, out;
    int made = -1;
    fx_item(&it, key, kind, area, text);
    it.created = created;
    assert_int_equal(trygg_store_submit(st, &it, &out, &made), TRYGG_OK);
    assert_int_equal(made, 1);
    return out.id;
}

static void test_open_gives_latest_schema(void **state)
{
    fixture *f = *state;
    assert_int_equal(trygg_store_schema_version(f->st), trygg_store_schema_latest());
    assert_true(trygg_store_schema_latest() >= 3);
    /* Reopening an up-to-date file works and changes nothing. */
    trygg_store *again;
    assert_int_equal(trygg_store_open(f->path, &again), TRYGG_OK);
    assert_int_equal(trygg_store_schema_version(again), trygg_store_schema_latest());
    trygg_store_close(again);
}

static void test_submit_and_get(void **state)
{
    fixture *f = *state;
    trygg_item it, out, got;
    int made = -1;
    fx_item(&it, "k-1", TRYGG_KIND_CONCERN, "Centrum", "Trasig belysning vid torget");
    strcpy(it.when_date, "2024-03-01");
    strcpy(it.when_band, "evenings");
    it.urgent = 1;
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_OK);
    assert_int_equal(made, 1);
    assert_true(out.id > 0);
    assert_int_equal(strlen(out.ref), TRYGG_REF_LEN);
    assert_int_equal(out.status, TRYGG_STATUS_NEW);
    assert_true(out.created > 0);
    assert_int_equal(out.purge_at, out.created + 365 * 86400);
    assert_string_equal(out.text, "Trasig belysning vid torget");
    assert_int_equal(out.urgent, 1);

    assert_int_equal(trygg_store_get(f->st, out.id, &got), TRYGG_OK);
    assert_memory_equal(&got, &out, sizeof got);
    char lower[8];
    for (int i = 0; i < 8; i++)
        lower[i] = (char)(out.ref[i] >= 'A' && out.ref[i] <= 'Z' ? out.ref[i] + 32 : out.ref[i]);
    assert_int_equal(trygg_store_get_by_ref(f->st, lower, &got), TRYGG_OK);
    assert_int_equal(got.id, out.id);
    assert_int_equal(trygg_store_get_by_key(f->st, "k-1", &got), TRYGG_OK);
    assert_int_equal(got.id, out.id);
    assert_int_equal(trygg_store_get(f->st, 9999, &got), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_get_by_ref(f->st, "ZZ-ZZZZ", &got), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_get_by_key(f->st, "nope", &got), TRYGG_ERR_NOTFOUND);

    /* An audit row "created" by the source. */
    trygg_audit a[4];
    int n;
    assert_int_equal(trygg_store_list_audit(f->st, out.id, a, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(a[0].action, "created");
    assert_string_equal(a[0].actor, "bibl-1");
}

/* The time a resident reported at an offline kiosk is kept apart from the
 * arrival time, to the second, on every backend. */
static void test_submit_keeps_reported_time(void **state)
{
    fixture *f = *state;
    trygg_item it, out, got;
    int made = -1;
    fx_item(&it, "k-reported", TRYGG_KIND_CONCERN, "Centrum", "Mörkt i gångtunneln");
    it.reported = (int64_t)time(NULL) - 7201;
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_OK);
    assert_int_equal(made, 1);
    assert_int_equal(trygg_store_get(f->st, out.id, &got), TRYGG_OK);
    assert_int_equal(got.reported, it.reported);
    assert_true(got.created - got.reported >= 7200);
    fx_item(&it, "k-on-arrival", TRYGG_KIND_CONCERN, "Centrum", "Mörkt vid stationen");
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_OK);
    assert_int_equal(trygg_store_get(f->st, out.id, &got), TRYGG_OK);
    assert_int_equal(got.reported, 0);
}

/* How a staff-made item came in is kept with it; other channels have none,
 * and only the four known ways are taken. */
static void test_submit_keeps_via(void **state)
{
    fixture *f = *state;
    trygg_item it, out, got;
    int made = -1;
    fx_item(&it, "k-staff-phone", TRYGG_KIND_FAULT, "Centrum", "Ringde om trasig lampa");
    it.channel = TRYGG_CHANNEL_STAFF;
    strcpy(it.via, "phone");
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_OK);
    assert_int_equal(trygg_store_get(f->st, out.id, &got), TRYGG_OK);
    assert_string_equal(got.via, "phone");
    fx_item(&it, "k-staff-fax", TRYGG_KIND_FAULT, "Centrum", "Fax om trasig lampa");
    it.channel = TRYGG_CHANNEL_STAFF;
    strcpy(it.via, "fax");
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_ERR_INVALID);
    fx_item(&it, "k-kiosk-phone", TRYGG_KIND_FAULT, "Centrum", "Kiosk med telefon");
    strcpy(it.via, "phone");
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_get_by_key(f->st, "k-kiosk-phone", &got), TRYGG_ERR_NOTFOUND);
}

static void test_submit_is_idempotent(void **state)
{
    fixture *f = *state;
    trygg_item it, a, b;
    int made = -1;
    fx_item(&it, "same-key", TRYGG_KIND_FAULT, "Göta", "Gatlampa trasig");
    assert_int_equal(trygg_store_submit(f->st, &it, &a, &made), TRYGG_OK);
    assert_int_equal(made, 1);
    strcpy(it.text, "different text, same key");
    /* out may equal in */
    assert_int_equal(trygg_store_submit(f->st, &it, &it, &made), TRYGG_OK);
    assert_int_equal(made, 0);
    assert_int_equal(it.id, a.id);
    assert_string_equal(it.ref, a.ref);
    assert_string_equal(it.text, "Gatlampa trasig");
    (void)b;
    int64_t counts[TRYGG_STATUS_COUNT];
    assert_int_equal(trygg_store_count_by_status(f->st, NULL, counts), TRYGG_OK);
    assert_int_equal(counts[TRYGG_STATUS_NEW], 1);
}

static void test_submit_uses_key_ref_and_handles_collision(void **state)
{
    fixture *f = *state;
    trygg_item it, a, b;
    int made;
    fx_item(&it, "uuid-a", TRYGG_KIND_CONCERN, "Centrum", "x");
    trygg_ref_from_key("uuid-a", it.ref);
    assert_int_equal(trygg_store_submit(f->st, &it, &a, &made), TRYGG_OK);
    assert_string_equal(a.ref, it.ref);
    /* A second item asking for the same reference gets a fresh random one. */
    fx_item(&it, "uuid-b", TRYGG_KIND_CONCERN, "Centrum", "y");
    strcpy(it.ref, a.ref);
    assert_int_equal(trygg_store_submit(f->st, &it, &b, &made), TRYGG_OK);
    assert_int_equal(made, 1);
    assert_string_not_equal(b.ref, a.ref);
    /* A malformed requested reference is refused. */
    fx_item(&it, "uuid-c", TRYGG_KIND_CONCERN, "Centrum", "z");
    strcpy(it.ref, "OO-0000");
    assert_int_equal(trygg_store_submit(f->st, &it, &b, &made), TRYGG_ERR_INVALID);
}

static void test_submit_invalid_changes_nothing(void **state)
{
    fixture *f = *state;
    trygg_item it, out;
    int made = -1;
    fx_item(&it, "", TRYGG_KIND_CONCERN, "Centrum", "x");
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_ERR_INVALID);
    assert_non_null(strstr(trygg_store_errmsg(f->st), "client_key"));
    fx_item(&it, "k", TRYGG_KIND_CONCERN, "Centrum", "bad \x01 control");
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_ERR_INVALID);
    assert_non_null(strstr(trygg_store_errmsg(f->st), "text"));
    assert_int_equal(made, 0);
    int64_t counts[TRYGG_STATUS_COUNT];
    assert_int_equal(trygg_store_count_by_status(f->st, NULL, counts), TRYGG_OK);
    for (int i = 0; i < TRYGG_STATUS_COUNT; i++)
        assert_int_equal(counts[i], 0);
}

static void test_list_keyset_paging_and_filters(void **state)
{
    fixture *f = *state;
    const int64_t base = 1700000000;
    char key[32];
    for (int i = 0; i < 25; i++) {
        snprintf(key, sizeof key, "page-%02d", i);
        submit(f->st, key, i % 2 ? TRYGG_KIND_FAULT : TRYGG_KIND_CONCERN,
               i % 3 ? "Centrum" : "Göta", i == 7 ? "Klotter på väggen vid skolan" : "Mörkt",
               base + (i % 10) * 60);
    }
    trygg_item urgent;
    assert_int_equal(trygg_store_get_by_key(f->st, "page-03", &urgent), TRYGG_OK);
    assert_int_equal(trygg_store_set_urgent(f->st, urgent.id, "anna", 1), TRYGG_OK);

    /* Page through everything, 10 at a time: every item once, in order. */
    trygg_filter flt;
    trygg_filter_init(&flt);
    flt.view = TRYGG_VIEW_FULL;
    trygg_item page[10];
    trygg_cursor cur = {0}, next;
    int n, total = 0, pages = 0;
    int64_t seen[25];
    trygg_item prev = {0};
    do {
        assert_int_equal(trygg_store_list(f->st, &flt, &cur, page, 10, &n, &next), TRYGG_OK);
        for (int i = 0; i < n; i++) {
            if (total == 0) {
                assert_int_equal(page[i].id, urgent.id); /* urgent first */
            } else if (prev.urgent == page[i].urgent) {
                assert_true(prev.created > page[i].created ||
                            (prev.created == page[i].created && prev.id > page[i].id));
            } else {
                assert_true(prev.urgent > page[i].urgent);
            }
            for (int j = 0; j < total; j++)
                assert_true(seen[j] != page[i].id);
            seen[total++] = page[i].id;
            prev = page[i];
        }
        cur = next;
        pages++;
    } while (next.valid);
    assert_int_equal(total, 25);
    assert_int_equal(pages, 3);

    /* Filters. */
    trygg_item all[30];
    trygg_filter_init(&flt);
    flt.view = TRYGG_VIEW_FULL;
    strcpy(flt.area, "Göta");
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, all, 30, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 9);
    flt.kind = TRYGG_KIND_FAULT;
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, all, 30, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 4);
    trygg_filter_init(&flt);
    flt.view = TRYGG_VIEW_FULL;
    flt.urgent = 1;
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, all, 30, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 1);
    trygg_filter_init(&flt);
    flt.view = TRYGG_VIEW_FULL;
    flt.from = base + 60;
    flt.to = base + 120;
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, all, 30, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 3);

    /* Full text: words, prefixes, diacritics, references; syntax is inert. */
    trygg_filter_init(&flt);
    flt.view = TRYGG_VIEW_FULL;
    strcpy(flt.query, "klotter");
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, all, 30, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(all[0].client_key, "page-07");
    strcpy(flt.query, "VÄGGEN sko*");
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, all, 30, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 1);
    strcpy(flt.query, "vaggen sko"); /* whole words unless '*'; diacritics folded */
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, all, 30, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 0);
    strcpy(flt.query, "vaggen skolan");
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, all, 30, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 1);
    strcpy(flt.query, all[0].ref);
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, all, 30, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 1);
    const char *hostile[] = {"\"",     "klotter OR", "NEAR(a b)", "* AND (", "text:x",
                             "\"\"\"", "-",          "*",         "**",      "a*b*",
                             "^x",     "{text}: y",  "x NOT y",   "\"*"};
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        strcpy(flt.query, hostile[i]);
        assert_int_equal(trygg_store_list(f->st, &flt, NULL, all, 30, &n, NULL), TRYGG_OK);
    }
    strcpy(flt.query, "klotter OR");
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, all, 30, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 0); /* OR is a word here, not an operator */
    strcpy(flt.query, "   ");
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, all, 30, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 25);
}

static void test_status_rules_and_audit(void **state)
{
    fixture *f = *state;
    int64_t a = submit(f->st, "st-a", TRYGG_KIND_CONCERN, "Centrum", "a", 0);
    int64_t b = submit(f->st, "st-b", TRYGG_KIND_CONCERN, "Centrum", "b", 0);
    trygg_item it;

    assert_int_equal(trygg_store_set_status(f->st, a, "anna", TRYGG_STATUS_FORWARDED, 0, 0),
                     TRYGG_ERR_STATE);
    assert_int_equal(trygg_store_set_status(f->st, a, "anna", TRYGG_STATUS_NEW, 0, 0),
                     TRYGG_ERR_STATE);
    assert_int_equal(trygg_store_set_status(f->st, a, "anna", TRYGG_STATUS_TRIAGED, 0, 0),
                     TRYGG_OK);
    assert_int_equal(trygg_store_set_status(f->st, a, "anna", TRYGG_STATUS_FORWARDED, 0, 0),
                     TRYGG_OK);
    assert_int_equal(trygg_store_set_status(f->st, a, "anna", TRYGG_STATUS_IN_PROGRESS, 0, 0),
                     TRYGG_OK);
    assert_int_equal(trygg_store_set_status(f->st, a, "anna", TRYGG_STATUS_CLOSED, 0, 0),
                     TRYGG_ERR_STATE);
    assert_int_equal(
        trygg_store_set_status(f->st, a, "anna", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_DUPLICATE, a),
        TRYGG_ERR_STATE);
    assert_int_equal(trygg_store_set_status(f->st, a, "anna", TRYGG_STATUS_CLOSED,
                                            TRYGG_CLOSE_DUPLICATE, 424242),
                     TRYGG_ERR_STATE);
    assert_int_equal(trygg_store_get(f->st, a, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_IN_PROGRESS);
    assert_int_equal(
        trygg_store_set_status(f->st, a, "anna", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_DUPLICATE, b),
        TRYGG_OK);
    assert_int_equal(trygg_store_get(f->st, a, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_CLOSED);
    assert_int_equal(it.close_reason, TRYGG_CLOSE_DUPLICATE);
    assert_int_equal(it.duplicate_of, b);
    assert_int_equal(
        trygg_store_set_status(f->st, a, "anna", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_SPAM, 0),
        TRYGG_ERR_STATE);
    /* Reopen. */
    assert_int_equal(trygg_store_set_status(f->st, a, "bo", TRYGG_STATUS_TRIAGED, 0, 0), TRYGG_OK);
    assert_int_equal(trygg_store_get(f->st, a, &it), TRYGG_OK);
    assert_int_equal(it.close_reason, TRYGG_CLOSE_NONE);
    assert_int_equal(it.duplicate_of, 0);
    /* Spam can be closed straight from new. */
    assert_int_equal(
        trygg_store_set_status(f->st, b, "bo", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_SPAM, 0), TRYGG_OK);

    trygg_audit au[16];
    int n;
    assert_int_equal(trygg_store_list_audit(f->st, a, au, 16, &n), TRYGG_OK);
    assert_int_equal(n, 6); /* created + 5 status changes; refused ones left no trace */
    assert_string_equal(au[4].action, "status");
    assert_non_null(strstr(au[4].detail, "duplicate of"));
    assert_non_null(strstr(au[5].detail, "reopened"));
    assert_string_equal(au[5].actor, "bo");

    /* Edit and urgent are audited with old -> new. */
    assert_int_equal(trygg_store_update(f->st, a, "anna", "graffiti", "Göta", TRYGG_KIND_FAULT),
                     TRYGG_OK);
    assert_int_equal(trygg_store_get(f->st, a, &it), TRYGG_OK);
    assert_string_equal(it.category, "graffiti");
    assert_string_equal(it.area, "Göta");
    assert_int_equal(it.kind, TRYGG_KIND_FAULT);
    assert_int_equal(trygg_store_update(f->st, a, "anna", NULL, "", -1), TRYGG_OK);
    assert_int_equal(trygg_store_list_audit(f->st, a, au, 16, &n), TRYGG_OK);
    assert_int_equal(n, 7);
    assert_string_equal(au[6].action, "edit");
    assert_non_null(strstr(au[6].detail, "lighting -> graffiti"));
    assert_int_equal(trygg_store_update(f->st, 5555, "anna", "x", NULL, -1), TRYGG_ERR_NOTFOUND);

    int64_t counts[TRYGG_STATUS_COUNT];
    assert_int_equal(trygg_store_count_by_status(f->st, NULL, counts), TRYGG_OK);
    assert_int_equal(counts[TRYGG_STATUS_TRIAGED], 1);
    assert_int_equal(counts[TRYGG_STATUS_CLOSED], 1);
    trygg_filter flt;
    trygg_filter_init(&flt);
    flt.view = TRYGG_VIEW_FULL;
    flt.open_only = 1;
    trygg_item items[4];
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, items, 4, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 1);
}

static void test_transaction_composes(void **state)
{
    fixture *f = *state;
    int64_t a = submit(f->st, "tx-a", TRYGG_KIND_CONCERN, "Centrum", "a", 0);
    /* Rolled back: status change and forward both vanish. */
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    assert_int_equal(trygg_store_begin(f->st), TRYGG_ERR_STATE);
    assert_int_equal(trygg_store_set_status(f->st, a, "x", TRYGG_STATUS_TRIAGED, 0, 0), TRYGG_OK);
    assert_int_equal(trygg_store_notify_enqueue(f->st, a, "security", "email", "{}", NULL),
                     TRYGG_OK);
    /* A failing call inside does not end the outer transaction. */
    assert_int_equal(trygg_store_set_status(f->st, a, "x", TRYGG_STATUS_NEW, 0, 0),
                     TRYGG_ERR_STATE);
    trygg_store_rollback(f->st);
    trygg_item it;
    trygg_notify nt[2];
    int n;
    assert_int_equal(trygg_store_get(f->st, a, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_NEW);
    assert_int_equal(trygg_store_notify_list(f->st, -1, nt, 2, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    /* Committed: both there. */
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    assert_int_equal(trygg_store_set_status(f->st, a, "x", TRYGG_STATUS_TRIAGED, 0, 0), TRYGG_OK);
    assert_int_equal(trygg_store_notify_enqueue(f->st, a, "security", "email", "{}", NULL),
                     TRYGG_OK);
    assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
    assert_int_equal(trygg_store_commit(f->st), TRYGG_ERR_STATE);
    assert_int_equal(trygg_store_get(f->st, a, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_TRIAGED);
    assert_int_equal(trygg_store_notify_list(f->st, TRYGG_OUT_PENDING, nt, 2, &n), TRYGG_OK);
    assert_int_equal(n, 1);
}

static void test_suggest_duplicates(void **state)
{
    fixture *f = *state;
    const int64_t t = 1700000000;
    int64_t a = submit(f->st, "d-a", TRYGG_KIND_FAULT, "Centrum", "lampa", t);
    submit(f->st, "d-b", TRYGG_KIND_FAULT, "Centrum", "lampa igen", t + 3600);
    submit(f->st, "d-c", TRYGG_KIND_FAULT, "Centrum", "lampa förra månaden", t - 40 * 86400);
    submit(f->st, "d-d", TRYGG_KIND_FAULT, "Göta", "annat område", t);
    trygg_item items[8];
    int n;
    assert_int_equal(trygg_store_suggest_duplicates(f->st, a, 7, TRYGG_VIEW_FULL, items, 8, &n),
                     TRYGG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].client_key, "d-b");
}

static void test_messages(void **state)
{
    fixture *f = *state;
    int64_t a = submit(f->st, "m-a", TRYGG_KIND_TIP, "Centrum", "tips", 0);
    int64_t id1, id2;
    assert_int_equal(trygg_store_add_message(f->st, a, TRYGG_MSG_IN, "smsgw", "Hej", &id1),
                     TRYGG_OK);
    assert_int_equal(trygg_store_add_message(f->st, a, TRYGG_MSG_NOTE, "anna", "Kollar", &id2),
                     TRYGG_OK);
    assert_int_equal(trygg_store_add_message(f->st, 999, TRYGG_MSG_IN, "smsgw", "x", NULL),
                     TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_add_message(f->st, a, TRYGG_MSG_IN, "smsgw", "", NULL),
                     TRYGG_ERR_INVALID);
    trygg_message *m = calloc(4, sizeof *m);
    int n;
    assert_int_equal(trygg_store_list_messages(f->st, a, TRYGG_VIEW_FULL, m, 4, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(m[0].id, id1);
    assert_int_equal(m[0].dir, TRYGG_MSG_IN);
    assert_string_equal(m[1].text, "Kollar");
    assert_int_equal(m[1].dir, TRYGG_MSG_NOTE);
    free(m);
}

static void test_users(void **state)
{
    fixture *f = *state;
    trygg_user u = {0}, got;
    strcpy(u.username, "anna");
    strcpy(u.display, "Anna Svensson");
    strcpy(u.role, "security");
    u.can_call_back = 1;
    assert_int_equal(trygg_store_user_add(f->st, &u, "korrekt-häst-batteri"), TRYGG_OK);
    assert_int_equal(trygg_store_user_add(f->st, &u, "another-password"), TRYGG_ERR_EXISTS);
    strcpy(u.username, "bo");
    strcpy(u.role, "chief");
    assert_int_equal(trygg_store_user_add(f->st, &u, "another-password"), TRYGG_ERR_INVALID);
    strcpy(u.role, "destination");
    assert_int_equal(trygg_store_user_add(f->st, &u, "another-password"), TRYGG_ERR_INVALID);
    strcpy(u.destination, "housing");
    assert_int_equal(trygg_store_user_add(f->st, &u, "short"), TRYGG_ERR_INVALID);
    strcpy(u.username, "bad name");
    assert_int_equal(trygg_store_user_add(f->st, &u, "another-password"), TRYGG_ERR_INVALID);

    assert_int_equal(trygg_store_user_verify(f->st, "anna", "korrekt-häst-batteri", &got),
                     TRYGG_OK);
    assert_string_equal(got.display, "Anna Svensson");
    assert_int_equal(got.can_call_back, 1);
    assert_int_equal(trygg_store_user_verify(f->st, "anna", "wrong", &got), TRYGG_ERR_AUTH);
    assert_int_equal(trygg_store_user_verify(f->st, "nobody", "wrong", &got), TRYGG_ERR_AUTH);
    assert_int_equal(trygg_store_user_set_disabled(f->st, "anna", 1), TRYGG_OK);
    assert_int_equal(trygg_store_user_verify(f->st, "anna", "korrekt-häst-batteri", &got),
                     TRYGG_ERR_AUTH);
    assert_int_equal(trygg_store_user_set_disabled(f->st, "anna", 0), TRYGG_OK);
    assert_int_equal(trygg_store_user_set_password(f->st, "anna", "nytt-lösenord-42"), TRYGG_OK);
    assert_int_equal(trygg_store_user_verify(f->st, "anna", "korrekt-häst-batteri", &got),
                     TRYGG_ERR_AUTH);
    assert_int_equal(trygg_store_user_verify(f->st, "anna", "nytt-lösenord-42", &got), TRYGG_OK);
    assert_int_equal(trygg_store_user_set_disabled(f->st, "ghost", 1), TRYGG_ERR_NOTFOUND);
    trygg_user list[4];
    int n;
    assert_int_equal(trygg_store_user_list(f->st, list, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(trygg_store_user_get(f->st, "anna", &got), TRYGG_OK);
    /* The password is stored as an argon2id hash, never in the clear. */
    assert_int_equal(fx_rows_containing(f->st, "$argon2id$", "users"), 1);
    assert_int_equal(fx_rows_containing(f->st, "nytt-lösenord-42", NULL), 0);
    assert_int_equal(fx_rows_containing(f->st, "korrekt-häst-batteri", NULL), 0);
    /* The lookup itself finds what is stored in the clear. */
    assert_int_equal(fx_rows_containing(f->st, "Anna Svensson", "users"), 1);
}

static void test_kiosks(void **state)
{
    fixture *f = *state;
    trygg_kiosk k = {0}, got;
    char token[64], token2[64];
    strcpy(k.id, "bibl-1");
    strcpy(k.name, "Biblioteket");
    strcpy(k.area, "Centrum");
    assert_int_equal(trygg_store_kiosk_add(f->st, &k, token), TRYGG_OK);
    assert_true(strlen(token) >= 40);
    assert_int_equal(trygg_store_kiosk_add(f->st, &k, token2), TRYGG_ERR_EXISTS);
    assert_int_equal(trygg_store_kiosk_auth(f->st, token, &got), TRYGG_OK);
    assert_string_equal(got.id, "bibl-1");
    assert_int_equal(trygg_store_kiosk_auth(f->st, "not-a-token", &got), TRYGG_ERR_AUTH);
    assert_int_equal(trygg_store_kiosk_heartbeat(f->st, "bibl-1", "0.1.0", 3, "net down"),
                     TRYGG_OK);
    assert_int_equal(trygg_store_kiosk_get(f->st, "bibl-1", &got), TRYGG_OK);
    assert_int_equal(got.outbox_depth, 3);
    assert_string_equal(got.last_error, "net down");
    assert_true(got.last_seen > 0);
    assert_int_equal(trygg_store_kiosk_heartbeat(f->st, "nope", "0.1.0", 0, ""),
                     TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_kiosk_revoke(f->st, "bibl-1"), TRYGG_OK);
    assert_int_equal(trygg_store_kiosk_auth(f->st, token, &got), TRYGG_ERR_AUTH);
    assert_int_equal(trygg_store_kiosk_revoke(f->st, "nope"), TRYGG_ERR_NOTFOUND);
    /* Only the hash is stored: the token is nowhere in the clear. */
    assert_int_equal(fx_rows_containing(f->st, token, NULL), 0);
    assert_int_equal(fx_rows_containing(f->st, "Biblioteket", "kiosks"), 1);
}

static void test_walks_and_notices(void **state)
{
    fixture *f = *state;
    trygg_walk w = {0}, got;
    w.starts = 1800000000;
    strcpy(w.area, "Centrum");
    strcpy(w.place, "Ströms slott");
    strcpy(w.meeting_point, "Vid busshållplatsen Torget");
    w.capacity = 20;
    assert_int_equal(trygg_store_walk_put(f->st, &w), TRYGG_OK);
    assert_true(w.id > 0);
    trygg_item it, out;
    int made;
    fx_item(&it, "walk-1", TRYGG_KIND_WALK_SIGNUP, "Centrum", "");
    it.walk_id = w.id;
    strcpy(it.contact, "Eva, 0701234567");
    it.consent = 1;
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_OK);
    assert_int_equal(trygg_store_walk_get(f->st, w.id, &got), TRYGG_OK);
    assert_int_equal(got.signups, 1);
    assert_string_equal(got.meeting_point, "Vid busshållplatsen Torget");
    trygg_walk list[4];
    int n;
    assert_int_equal(trygg_store_walk_list(f->st, 1700000000, list, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(trygg_store_walk_list(f->st, 1900000000, list, 4, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    w.cancelled = 1;
    assert_int_equal(trygg_store_walk_put(f->st, &w), TRYGG_OK);
    assert_int_equal(trygg_store_walk_list(f->st, 1700000000, list, 4, &n), TRYGG_OK);
    assert_int_equal(n, 0);

    trygg_notice nt = {0}, nl[4];
    strcpy(nt.lang, "sv");
    strcpy(nt.text, "Trygghetsvandring på torsdag");
    nt.from = 100;
    nt.to = 200;
    assert_int_equal(trygg_store_notice_put(f->st, &nt), TRYGG_OK);
    assert_int_equal(trygg_store_notice_list(f->st, 150, nl, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(nl[0].text, "Trygghetsvandring på torsdag");
    assert_int_equal(trygg_store_notice_list(f->st, 200, nl, 4, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(trygg_store_notice_delete(f->st, nt.id), TRYGG_OK);
    assert_int_equal(trygg_store_notice_delete(f->st, nt.id), TRYGG_ERR_NOTFOUND);
    nt.id = 0;
    nt.to = 50;
    assert_int_equal(trygg_store_notice_put(f->st, &nt), TRYGG_ERR_INVALID);
}

static const char P1[] = "1111111111111111111111111111111111111111111111111111111111111111";
static const char P2[] = "2222222222222222222222222222222222222222222222222222222222222222";

static void test_contacts_and_sms_outbox(void **state)
{
    fixture *f = *state;
    trygg_contact c, c2;
    const unsigned char cipher[] = {1, 2, 3, 4, 5};
    assert_int_equal(trygg_store_contact_get_or_create(f->st, P1, cipher, 5, "Tipsare T-", &c),
                     TRYGG_OK);
    assert_int_equal(strlen(c.alias), strlen("Tipsare T-") + 4);
    assert_true(strncmp(c.alias, "Tipsare T-", 10) == 0);
    assert_int_equal(c.cipher_len, 5);
    assert_int_equal(trygg_store_contact_get_or_create(f->st, P1, NULL, 0, "Tipsare T-", &c2),
                     TRYGG_OK);
    assert_string_equal(c2.alias, c.alias); /* same contact, same alias */
    assert_int_equal(trygg_store_contact_get_or_create(f->st, P2, cipher, 5, "Tipsare T-", &c2),
                     TRYGG_OK);
    assert_string_not_equal(c2.alias, c.alias);
    assert_int_equal(trygg_store_contact_get_or_create(f->st, "xyz", NULL, 0, "T-", &c2),
                     TRYGG_ERR_INVALID);

    int64_t id1, id2;
    assert_int_equal(trygg_store_sms_enqueue(f->st, 0, P1, "anna", "Tack för tipset", &id1),
                     TRYGG_OK);
    assert_int_equal(trygg_store_sms_enqueue(f->st, 0, P2, "anna", "Hej", &id2), TRYGG_OK);
    trygg_sms_out *due = calloc(4, sizeof *due);
    int n;
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(trygg_store_sms_due(f->st, now, due, 4, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    /* Failed with back-off: not due until next_attempt. */
    assert_int_equal(trygg_store_sms_mark(f->st, id1, TRYGG_OUT_FAILED, 0, "no network", now + 60),
                     TRYGG_OK);
    assert_int_equal(trygg_store_sms_due(f->st, now, due, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(trygg_store_sms_due(f->st, now + 60, due, 4, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(due[0].id, id2);
    assert_int_equal(due[1].attempts, 1);
    assert_string_equal(due[1].error, "no network");
    assert_int_equal(trygg_store_sms_mark(f->st, id1, TRYGG_OUT_SENT, 1, "", 0), TRYGG_OK);
    /* STOP cancels what is queued and refuses new messages. */
    assert_int_equal(trygg_store_contact_stop(f->st, P2), TRYGG_OK);
    assert_int_equal(trygg_store_contact_get(f->st, P2, &c2), TRYGG_OK);
    assert_int_equal(c2.stopped, 1);
    assert_int_equal(c2.cipher_len, 0);
    assert_int_equal(trygg_store_sms_due(f->st, now + 60, due, 4, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(trygg_store_sms_enqueue(f->st, 0, P2, "anna", "Hej igen", NULL),
                     TRYGG_ERR_STATE);
    assert_int_equal(trygg_store_sms_enqueue(f->st, 0, P2, "anna", "Hej igen", NULL),
                     TRYGG_ERR_STATE);
    assert_int_equal(trygg_store_contact_restart(f->st, P2), TRYGG_OK);
    assert_int_equal(trygg_store_sms_enqueue(f->st, 0, P2, "anna", "Välkommen tillbaka", NULL),
                     TRYGG_OK);
    assert_int_equal(trygg_store_contact_set_blocked(f->st, P1, 1), TRYGG_OK);
    assert_int_equal(trygg_store_sms_enqueue(f->st, 0, P1, "anna", "x", NULL), TRYGG_ERR_STATE);
    assert_int_equal(trygg_store_contact_set_callback(f->st, P1, 1), TRYGG_OK);
    assert_int_equal(trygg_store_contact_set_lang(f->st, P1, "ar"), TRYGG_OK);
    assert_int_equal(trygg_store_contact_get(f->st, P1, &c), TRYGG_OK);
    assert_int_equal(c.callback_consent, 1);
    assert_string_equal(c.lang, "ar");
    assert_int_equal(trygg_store_sms_list(f->st, 0, due, 4, &n), TRYGG_OK);
    assert_int_equal(n, 3);
    assert_int_equal(due[0].status, TRYGG_OUT_SENT);
    assert_true(due[0].sent_at > 0);
    assert_int_equal(due[1].status, TRYGG_OUT_CANCELLED);
    free(due);

    /* Sender threading and flood counting. */
    trygg_item it, out;
    int made;
    fx_item(&it, "sms-1", TRYGG_KIND_TIP, "", "Det luktar rök");
    it.channel = TRYGG_CHANNEL_SMS;
    strcpy(it.sender, P1);
    strcpy(it.alias, c.alias);
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &made), TRYGG_OK);
    assert_int_equal(
        trygg_store_add_message(f->st, out.id, TRYGG_MSG_IN, "smsgw", "Det luktar rök", NULL),
        TRYGG_OK);
    trygg_item open;
    assert_int_equal(trygg_store_open_item_of_sender(f->st, P1, now - 3600, &open), TRYGG_OK);
    assert_int_equal(open.id, out.id);
    assert_int_equal(trygg_store_open_item_of_sender(f->st, P2, now - 3600, &open),
                     TRYGG_ERR_NOTFOUND);
    /* Alias is searchable. */
    trygg_filter flt;
    trygg_filter_init(&flt);
    flt.view = TRYGG_VIEW_FULL;
    snprintf(flt.query, sizeof flt.query, "%s", c.alias + 8);
    trygg_item items[2];
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, items, 2, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 1);
}

static void test_notify_outbox_and_health(void **state)
{
    fixture *f = *state;
    int64_t id;
    assert_int_equal(trygg_store_notify_enqueue(f->st, 0, "security", "fax", "{}", &id),
                     TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_notify_enqueue(f->st, 0, "security", "webhook", "{\"a\":1}", &id),
                     TRYGG_OK);
    trygg_notify *nt = calloc(2, sizeof *nt);
    int n;
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(trygg_store_notify_due(f->st, now, nt, 2, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(nt[0].payload, "{\"a\":1}");
    assert_int_equal(trygg_store_notify_mark(f->st, id, TRYGG_OUT_DEAD, "HTTP 500", 0), TRYGG_OK);
    assert_int_equal(trygg_store_notify_due(f->st, now + 9999, nt, 2, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(trygg_store_notify_list(f->st, TRYGG_OUT_DEAD, nt, 2, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(nt[0].attempts, 1);
    assert_string_equal(nt[0].error, "HTTP 500");
    assert_int_equal(trygg_store_notify_mark(f->st, 777, TRYGG_OUT_SENT, "", 0),
                     TRYGG_ERR_NOTFOUND);
    free(nt);

    char json[128];
    int64_t upd = 0;
    assert_int_equal(trygg_store_health_put(f->st, "modem", "{\"signal\":71}"), TRYGG_OK);
    assert_int_equal(trygg_store_health_put(f->st, "modem", "not json"), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_health_get(f->st, "modem", json, sizeof json, &upd), TRYGG_OK);
    assert_string_equal(json, "{\"signal\":71}");
    assert_true(upd > 0);
    assert_int_equal(trygg_store_health_get(f->st, "modem", json, 4, &upd), TRYGG_ERR_TOOBIG);
    assert_int_equal(trygg_store_health_get(f->st, "gps", json, sizeof json, &upd),
                     TRYGG_ERR_NOTFOUND);

    trygg_destination d = {0}, dg;
    strcpy(d.name, "housing");
    strcpy(d.label, "Bostadsbolaget");
    strcpy(d.email, "felanmalan@example.se");
    assert_int_equal(trygg_store_dest_put(f->st, &d), TRYGG_OK);
    d.full_access = 1;
    assert_int_equal(trygg_store_dest_put(f->st, &d), TRYGG_OK);
    assert_int_equal(trygg_store_dest_get(f->st, "housing", &dg), TRYGG_OK);
    assert_int_equal(dg.full_access, 1);
    trygg_destination dl[4];
    assert_int_equal(trygg_store_dest_list(f->st, dl, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(trygg_store_dest_get(f->st, "nope", &dg), TRYGG_ERR_NOTFOUND);
}

static int collect(void *ctx, const char *key, int64_t count)
{
    char *buf = ctx;
    size_t len = strlen(buf);
    snprintf(buf + len, 512 - len, "%s=%lld;", key, (long long)count);
    return 0;
}

static void test_purge_keeps_counts(void **state)
{
    fixture *f = *state;
    const int64_t t = 1700000000;
    int64_t old = submit(f->st, "p-old", TRYGG_KIND_TIP, "Centrum", "Hemlig text om grannen", t);
    submit(f->st, "p-new", TRYGG_KIND_TIP, "Centrum", "Ny text", t + 200 * 86400);
    assert_int_equal(trygg_store_add_message(f->st, old, TRYGG_MSG_IN, "smsgw", "Hemlig", NULL),
                     TRYGG_OK);
    assert_int_equal(trygg_store_notify_enqueue(f->st, old, "security", "email", "{}", NULL),
                     TRYGG_OK);
    int n = -1;
    assert_int_equal(trygg_store_purge(f->st, t + 179 * 86400, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(trygg_store_purge(f->st, t + 181 * 86400, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(trygg_store_purge(f->st, t + 181 * 86400, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    trygg_item it;
    assert_int_equal(trygg_store_get(f->st, old, &it), TRYGG_OK);
    assert_int_equal(it.purged, 1);
    assert_string_equal(it.text, "");
    assert_int_equal(it.kind, TRYGG_KIND_TIP);
    assert_string_equal(it.area, "Centrum");
    trygg_message m[2];
    assert_int_equal(trygg_store_list_messages(f->st, old, TRYGG_VIEW_FULL, m, 2, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(m[0].text, "");
    trygg_notify nt[1];
    assert_int_equal(trygg_store_notify_list(f->st, -1, nt, 1, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    /* Full-text search no longer finds the purged words. */
    trygg_filter flt;
    trygg_filter_init(&flt);
    flt.view = TRYGG_VIEW_FULL;
    strcpy(flt.query, "grannen");
    trygg_item items[2];
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, items, 2, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 0);
    /* The anonymous counts survive. */
    char buf[512] = "";
    assert_int_equal(trygg_store_count(f->st, NULL, "kind", collect, buf), TRYGG_OK);
    assert_string_equal(buf, "tip=2;");
    trygg_audit au[4];
    assert_int_equal(trygg_store_list_audit(f->st, old, au, 4, &n), TRYGG_OK);
    assert_string_equal(au[n - 1].action, "purge");
}

static void test_count_groups(void **state)
{
    fixture *f = *state;
    setenv("TZ", "UTC", 1);
    tzset();
    /* 2024-03-13 is a Wednesday. */
    submit(f->st, "c-1", TRYGG_KIND_CONCERN, "Centrum", "a", 1710358200); /* 19:30 */
    submit(f->st, "c-2", TRYGG_KIND_CONCERN, "Centrum", "a", 1710300600); /* 03:30 */
    submit(f->st, "c-3", TRYGG_KIND_FAULT, "Göta", "a", 1710322200);      /* 09:30 */
    submit(f->st, "c-4", TRYGG_KIND_FAULT, "Göta", "a", 1710408600);      /* Thu 09:30 */
    char buf[512] = "";
    assert_int_equal(trygg_store_count(f->st, NULL, "weekday_band", collect, buf), TRYGG_OK);
    assert_string_equal(buf, "thu/morning=1;wed/evening=1;wed/morning=1;wed/night=1;");
    buf[0] = '\0';
    assert_int_equal(trygg_store_count(f->st, NULL, "kind_category", collect, buf), TRYGG_OK);
    assert_string_equal(buf, "concern/lighting=2;fault/lighting=2;");
    buf[0] = '\0';
    trygg_filter flt;
    trygg_filter_init(&flt);
    flt.view = TRYGG_VIEW_FULL;
    flt.from = 1710300000;
    flt.to = 1710400000;
    assert_int_equal(trygg_store_count(f->st, &flt, "day", collect, buf), TRYGG_OK);
    assert_string_equal(buf, "2024-03-13=3;");
    buf[0] = '\0';
    assert_int_equal(trygg_store_count(f->st, &flt, "area", collect, buf), TRYGG_OK);
    assert_string_equal(buf, "Centrum=2;Göta=1;");
    assert_int_equal(trygg_store_count(f->st, NULL, "bogus", collect, buf), TRYGG_ERR_INVALID);
}

int main(void)
{
    if (trygg_secret_init() != TRYGG_OK)
        return 1;
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_open_gives_latest_schema),
        T(test_submit_and_get),
        T(test_submit_keeps_reported_time),
        T(test_submit_keeps_via),
        T(test_submit_is_idempotent),
        T(test_submit_uses_key_ref_and_handles_collision),
        T(test_submit_invalid_changes_nothing),
        T(test_list_keyset_paging_and_filters),
        T(test_status_rules_and_audit),
        T(test_transaction_composes),
        T(test_suggest_duplicates),
        T(test_messages),
        T(test_users),
        T(test_kiosks),
        T(test_walks_and_notices),
        T(test_contacts_and_sms_outbox),
        T(test_notify_outbox_and_health),
        T(test_purge_keeps_counts),
        T(test_count_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
