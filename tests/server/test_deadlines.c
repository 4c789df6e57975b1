/*
 * test_deadlines.c — response deadlines (server/deadline.h): [deadlines]
 * parsing and its errors; due dates per kind, category and urgency across
 * Christmas; intake setting them and the fill pass giving old items theirs
 * once; the "Försenade" tab within a destination user's organisation, over
 * real HTTP; the daily overdue mail queued once per department and day
 * while two servers (two store handles) race for it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#include "config.h"
#include "deadline.h"
#include "server_fixture.h"
#include "trygg/time.h"
#include "web_client.h"

#define PASSWORD "correct horse battery staple"
#define EXTRA    "[deadlines]\nconcern = 2\ncategory.street_light = 10\nwalk_signup = none\n"

static sfx F;
static trygg_store *st, *st2; /* two handles: two servers on one database */

static int setup(void **state)
{
    (void)state;
    if (sfx_start(&F, EXTRA) != 0)
        return -1;
    wc_port = F.port;
    char db[400];
    snprintf(db, sizeof db, "%s/trygg.db", F.dir);
    if (trygg_store_open(db, &st) != TRYGG_OK || trygg_store_open(db, &st2) != TRYGG_OK)
        return -1;
    static const char *const mail[][2] = {{"housing", "bostad@example.se"},
                                          {"streets", "gata@example.se"}};
    for (int i = 0; i < 2; i++) {
        trygg_destination d;
        if (trygg_store_dest_get(st, mail[i][0], &d) != TRYGG_OK)
            return -1;
        snprintf(d.email, sizeof d.email, "%s", mail[i][1]);
        if (trygg_store_dest_put(st, &d) != TRYGG_OK)
            return -1;
    }
    trygg_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.username, sizeof u.username, "bo");
    snprintf(u.display, sizeof u.display, "Bo Stad");
    snprintf(u.role, sizeof u.role, "destination");
    snprintf(u.destination, sizeof u.destination, "housing");
    return trygg_store_user_add(st, &u, PASSWORD) == TRYGG_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    trygg_store_close(st);
    trygg_store_close(st2);
    sfx_stop(&F);
    return 0;
}

/* An item stored directly (as before deadlines existed: due_at 0). */
static int64_t stored(trygg_kind kind, const char *category, const char *dest, char *ref)
{
    static int n;
    trygg_item it, out;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "dl-%d", ++n);
    it.kind = kind;
    snprintf(it.source, sizeof it.source, "test-kiosk");
    snprintf(it.category, sizeof it.category, "%s", category);
    snprintf(it.area, sizeof it.area, "centrum");
    snprintf(it.destination, sizeof it.destination, "%s", dest);
    snprintf(it.text, sizeof it.text, "Hemlig text %d", n);
    int created;
    assert_int_equal(trygg_store_submit(st, &it, &out, &created), TRYGG_OK);
    assert_int_equal(out.due_at, 0);
    if (ref)
        strcpy(ref, out.ref);
    return out.id;
}

static const char *day_of(int64_t due)
{
    static char day[16];
    deadline_day(due, day);
    return day;
}

static void expect_error(const char *extra, const char *msg)
{
    sfx f;
    assert_int_equal(sfx_prepare(&f, extra, NULL), 0);
    char first[300];
    if (!sfx_config_refused(&f, msg, first, sizeof first))
        fail_msg("no error '%s' (first: %s)", msg, first);
}

static void test_config(void **state)
{
    (void)state;
    expect_error("[deadlines]\nfault = soon", "fault: expected working days 0..365 or none");
    expect_error("[deadlines]\nurgent = -1", "urgent: expected working days");
    expect_error("[deadlines]\nconcern = 400", "concern: expected working days");
    expect_error("[deadlines]\nmail_hour = 24", "mail_hour: expected a number 0..23");
    expect_error("[deadlines]\nbogus = 3", "unknown key 'bogus' in [deadlines]");
    expect_error("[deadlines]\ncategory.nosuch = 3", "category.nosuch: no [category nosuch]");
    /* The fixture's own file: the values given, the defaults elsewhere. */
    const config_deadlines *d = &F.ctx.cfg.catalog->deadlines;
    assert_int_equal(d->kind_days[TRYGG_KIND_CONCERN], 2);
    assert_int_equal(d->kind_days[TRYGG_KIND_FAULT], 5);
    assert_int_equal(d->kind_days[TRYGG_KIND_WALK_SIGNUP], CONFIG_DUE_NONE);
    assert_int_equal(d->urgent, 1);
    assert_int_equal(d->mail_hour, 7);
}

/* Received 2026-12-23 14:00: Julafton, juldagen, annandag jul (a Saturday),
 * the weekend, Nyårsafton, Nyårsdagen and Trettondedag jul are no working
 * days. */
static void test_due_per_kind(void **state)
{
    (void)state;
    trygg_item it;
    trygg_item_init(&it);
    it.created = trygg_time_from_local(2026, 12, 23, 14, 0, 0);
    it.kind = TRYGG_KIND_CONCERN; /* 2 days: Monday 28th, Tuesday 29th */
    assert_string_equal(day_of(deadline_of(&F.ctx.cfg, &it)), "2026-12-29");
    assert_int_equal(deadline_of(&F.ctx.cfg, &it), trygg_time_from_local(2026, 12, 30, 0, 0, 0));
    it.kind = TRYGG_KIND_FAULT; /* 5 days: 28, 29, 30, 4 January, 5 January */
    assert_string_equal(day_of(deadline_of(&F.ctx.cfg, &it)), "2027-01-05");
    strcpy(it.category, "street_light"); /* 10 days: ... 7, 8, 11, 12, 13 January */
    assert_string_equal(day_of(deadline_of(&F.ctx.cfg, &it)), "2027-01-13");
    it.urgent = 1; /* 1 day */
    assert_string_equal(day_of(deadline_of(&F.ctx.cfg, &it)), "2026-12-28");
    it.urgent = 0;
    it.category[0] = '\0';
    it.kind = TRYGG_KIND_WALK_SIGNUP;
    assert_int_equal(deadline_of(&F.ctx.cfg, &it), TRYGG_DUE_NONE);
    it.urgent = 1; /* urgent still has a deadline */
    assert_string_equal(day_of(deadline_of(&F.ctx.cfg, &it)), "2026-12-28");
}

static void test_intake_and_fill(void **state)
{
    (void)state;
    trygg_item it;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "dl-intake");
    it.kind = TRYGG_KIND_FAULT;
    snprintf(it.source, sizeof it.source, "test-kiosk");
    snprintf(it.category, sizeof it.category, "street_light");
    snprintf(it.area, sizeof it.area, "centrum");
    snprintf(it.text, sizeof it.text, "Lampan är trasig");
    int created = 0;
    assert_int_equal(intake_submit(&F.ctx, &it, &created, NULL), TRYGG_OK);
    assert_int_equal(created, 1);
    trygg_item got;
    assert_int_equal(trygg_store_get(st, it.id, &got), TRYGG_OK);
    assert_true(got.due_at > 0);
    assert_int_equal(got.due_at, deadline_of(&F.ctx.cfg, &got));

    int64_t a = stored(TRYGG_KIND_CONCERN, "lighting", "housing", NULL);
    int64_t b = stored(TRYGG_KIND_WALK_SIGNUP, "", "walks", NULL);
    int n = 0;
    assert_int_equal(deadline_fill(&F.ctx, st, "server-a", (int64_t)time(NULL), &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(trygg_store_get(st, a, &got), TRYGG_OK);
    assert_int_equal(got.due_at, deadline_of(&F.ctx.cfg, &got));
    assert_true(got.due_at > got.created);
    assert_int_equal(trygg_store_get(st, b, &got), TRYGG_OK);
    assert_int_equal(got.due_at, TRYGG_DUE_NONE);
    /* Once: nothing is left, not even the item without a deadline. */
    assert_int_equal(deadline_fill(&F.ctx, st2, "server-b", (int64_t)time(NULL), &n), TRYGG_OK);
    assert_int_equal(n, 0);
    /* While another server holds the lease, this one waits. */
    assert_int_equal(trygg_store_job_lease(st, "deadlines", "server-a", time(NULL), 60), TRYGG_OK);
    assert_int_equal(deadline_fill(&F.ctx, st2, "server-b", (int64_t)time(NULL), &n),
                     TRYGG_ERR_BUSY);
    assert_int_equal(trygg_store_job_release(st, "deadlines", "server-a"), TRYGG_OK);
}

static int64_t late_id, soon_id, other_id;
static char late_ref[16], soon_ref[16], other_ref[16];

static void make_late_items(void)
{
    if (late_id)
        return;
    int64_t now = (int64_t)time(NULL);
    late_id = stored(TRYGG_KIND_FAULT, "lighting", "housing", late_ref);
    soon_id = stored(TRYGG_KIND_FAULT, "lighting", "housing", soon_ref);
    other_id = stored(TRYGG_KIND_FAULT, "lighting", "streets", other_ref);
    assert_int_equal(trygg_store_set_due(st, late_id, now - 3600), TRYGG_OK);
    assert_int_equal(trygg_store_set_due(st, soon_id, now + 3 * 86400), TRYGG_OK);
    assert_int_equal(trygg_store_set_due(st, other_id, now - 7200), TRYGG_OK);
}

static void test_late_tab(void **state)
{
    (void)state;
    make_late_items();
    session s;
    assert_int_equal(login_as("bo", PASSWORD, &s), 303);
    reply r;
    req(&r, "GET", "/queue?late=1", s.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, late_ref));
    assert_null(strstr(r.body, soon_ref));
    assert_null(strstr(r.body, other_ref)); /* another organisation's */
    assert_non_null(strstr(r.body, "Försenade <span class=\"count\">"));
    assert_non_null(strstr(r.body, "Svar senast"));
    reply_free(&r);
    req(&r, "GET", "/queue", s.cookie, NULL);
    assert_non_null(strstr(r.body, soon_ref));
    reply_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/item/%" PRId64, late_id);
    req(&r, "GET", path, s.cookie, NULL);
    assert_int_equal(r.status, 200);
    char day[16];
    trygg_item it;
    assert_int_equal(trygg_store_get(st, late_id, &it), TRYGG_OK);
    deadline_day(it.due_at, day);
    char want[64];
    snprintf(want, sizeof want, "Svar senast %s", day);
    assert_non_null(strstr(r.body, want));
    assert_non_null(strstr(r.body, "Försenad"));
    assert_non_null(strstr(r.body, "0 arbetsdagar gammalt"));
    reply_free(&r);
}

struct racer {
    trygg_store *st;
    const char *owner;
    int64_t now;
    int mails;
    trygg_err rc;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    r->rc = deadline_mail(&F.ctx, r->st, r->owner, r->now, &r->mails);
    return NULL;
}

static int count_mails(const char *dest, const char *has, const char *lacks)
{
    enum { MAX = 32 };
    trygg_notify *rows = calloc(MAX, sizeof *rows);
    int n = 0, k = 0;
    assert_int_equal(trygg_store_notify_list(st, -1, rows, MAX, &n), TRYGG_OK);
    for (int i = 0; i < n; i++)
        if (rows[i].item_id == 0 && strcmp(rows[i].destination, dest) == 0) {
            k++;
            if (has)
                assert_non_null(strstr(rows[i].payload, has));
            if (lacks)
                assert_null(strstr(rows[i].payload, lacks));
            assert_null(strstr(rows[i].payload, "Hemlig text"));
        }
    free(rows);
    return k;
}

static void test_daily_mail_once(void **state)
{
    (void)state;
    make_late_items();
    /* Tomorrow 08:00 local: the late items are overdue, the soon one not. */
    int64_t day = trygg_time_day_start((int64_t)time(NULL) + 86400);
    int y, m, d;
    trygg_utc_to_local(day, &y, &m, &d, NULL, NULL, NULL);
    int64_t early = trygg_time_from_local(y, m, d, 6, 0, 0);
    int64_t eight = trygg_time_from_local(y, m, d, 8, 0, 0);
    int mails = -1;
    assert_int_equal(deadline_mail(&F.ctx, st, "server-a", early, &mails), TRYGG_OK);
    assert_int_equal(mails, 0); /* before mail_hour */
    assert_int_equal(count_mails("housing", NULL, NULL), 0);

    struct racer a = {st, "server-a", eight, 0, TRYGG_OK},
                 b = {st2, "server-b", eight, 0, TRYGG_OK};
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, race, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, race, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_true(a.rc == TRYGG_OK || a.rc == TRYGG_ERR_BUSY);
    assert_true(b.rc == TRYGG_OK || b.rc == TRYGG_ERR_BUSY);
    /* Both departments with overdue items and an address: one mail each. */
    assert_true(a.mails + b.mails >= 2);
    assert_int_equal(count_mails("housing", late_ref, soon_ref), 1);
    assert_int_equal(count_mails("streets", other_ref, late_ref), 1);
    /* Later the same day, from either server: nothing more. */
    assert_int_equal(deadline_mail(&F.ctx, st2, "server-b", eight + 3600, &mails), TRYGG_OK);
    assert_int_equal(mails, 0);
    assert_int_equal(deadline_mail(&F.ctx, st, "server-a", eight + 7200, &mails), TRYGG_OK);
    assert_int_equal(mails, 0);
    assert_int_equal(count_mails("housing", NULL, NULL), 1);
    /* The next day: again. */
    assert_int_equal(deadline_mail(&F.ctx, st2, "server-b", eight + 86400, &mails), TRYGG_OK);
    assert_true(mails >= 2);
    assert_int_equal(count_mails("housing", late_ref, NULL), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),          cmocka_unit_test(test_due_per_kind),
        cmocka_unit_test(test_intake_and_fill), cmocka_unit_test(test_late_tab),
        cmocka_unit_test(test_daily_mail_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
