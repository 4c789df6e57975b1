/*
 * test_web_meeting.c — the operational group's meeting and measures in the
 * staff web UI (server/web_meeting.c, web_measures.c, web_plan.c) over real
 * HTTP against the in-process server with the shipped config plus
 * [report] internal_destinations = streets, before_after_weeks = 2:
 *   - every save of the assessment is a new version with author and time,
 *     older versions stay readable;
 *   - last week's decisions come back for follow-up and their status is
 *     changed in the meeting;
 *   - the printed meeting is internal by default; the published printout
 *     has the suppressed picture, no decisions, and the assessment only
 *     when it is marked for publication;
 *   - a destination named in [report] may use the meeting, another gets 403;
 *   - measures: stored from the form with places, categories and types,
 *     a bad field named, before/after with the caveat, the plan document
 *     with suppressed counts in its published version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../shared/store_fixture.h"
#include "config.h"
#include "server_fixture.h"
#include "trygg/report.h"
#include "trygg/time.h"
#include "web.h"
#include "web_client.h"

#define PASSWORD "correct horse battery staple"

static sfx F;
static char week[16], prev_week[16];

static void add_user(trygg_store *st, const char *name, const char *role, const char *dest)
{
    trygg_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.username, sizeof u.username, "%s", name);
    snprintf(u.display, sizeof u.display, "%s", name);
    snprintf(u.role, sizeof u.role, "%s", role);
    snprintf(u.destination, sizeof u.destination, "%s", dest);
    assert_int_equal(trygg_store_user_add(st, &u, PASSWORD), TRYGG_OK);
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    assert_int_equal(sfx_prepare(&F,
                                 "\n[report]\ninternal_destinations = streets\n"
                                 "before_after_weeks = 2\n",
                                 NULL),
                     0);
    char p[300];
    snprintf(p, sizeof p, "%s/trygg.db", F.dir);
    trygg_store *st = NULL;
    assert_int_equal(trygg_store_open(p, &st), TRYGG_OK);
    add_user(st, "sakerhet", "security", "");
    add_user(st, "sakerhet2", "security", "");
    add_user(st, "hanna", "destination", "housing");
    add_user(st, "gustav", "destination", "streets");
    fake_now = (int64_t)time(NULL);
    web_set_clock(fake_clock);
    wc_enrol(st, "sakerhet", NULL);
    wc_enrol(st, "sakerhet2", NULL);
    trygg_store_close(st);
    assert_int_equal(sfx_serve(&F, 0), 0);
    wc_port = F.port;
    trygg_week w, pw;
    trygg_week_last_complete(fake_now, &w);
    trygg_week_shift(&w, -1, &pw);
    trygg_week_format(&w, week, sizeof week);
    trygg_week_format(&pw, prev_week, sizeof prev_week);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sfx_stop(&F);
    return 0;
}

static void post(const session *s, const char *path, const char *fields, long want)
{
    char form[4096];
    snprintf(form, sizeof form, "csrf=%s&%s", s->csrf, fields);
    reply r;
    req(&r, "POST", path, s->cookie, form);
    if (r.status != want)
        fail_msg("POST %s: %ld, wanted %ld\n%s", path, r.status, want, r.body ? r.body : "");
    reply_free(&r);
}

static char *get(const session *s, const char *path, long want)
{
    reply r;
    req(&r, "GET", path, s->cookie, NULL);
    if (r.status != want)
        fail_msg("GET %s: %ld, wanted %ld", path, r.status, want);
    return r.body; /* the caller frees */
}

static void test_assessment_versions(void **state)
{
    (void)state;
    session a, b;
    assert_int_equal(login_as("sakerhet", PASSWORD, &a), 303);
    assert_int_equal(login_as("sakerhet2", PASSWORD, &b), 303);
    char f[512], path[128];
    snprintf(f, sizeof f, "week=%s&action=note&assessment=F%%C3%%B6rsta+bed%%C3%%B6mningen", week);
    post(&a, "/meeting", f, 303);
    snprintf(f, sizeof f, "week=%s&action=note&assessment=Andra+bed%%C3%%B6mningen&publish=1",
             week);
    post(&b, "/meeting", f, 303);
    snprintf(path, sizeof path, "/meeting?week=%s", week);
    char *body = get(&a, path, 200);
    assert_non_null(strstr(body, "Andra bedömningen</textarea>"));
    assert_non_null(strstr(body, "data-version=\"2\""));
    assert_non_null(strstr(body, "sakerhet2"));
    assert_non_null(strstr(body, "href=\"/meeting\" aria-current=\"page\""));
    free(body);
    snprintf(path, sizeof path, "/meeting/versions?week=%s&v=1", week);
    body = get(&a, path, 200);
    assert_non_null(strstr(body, "data-shown-version=\"1\">Första bedömningen"));
    assert_non_null(strstr(body, "<li data-version=\"2\">"));
    assert_non_null(strstr(body, "<li data-version=\"1\">"));
    free(body);
    /* A future week, a week that does not exist. */
    trygg_week nw;
    char next[16];
    trygg_week_containing(fake_now + 8 * 86400, &nw);
    trygg_week_format(&nw, next, sizeof next);
    snprintf(path, sizeof path, "/meeting?week=%s", next);
    free(get(&a, path, 400));
    free(get(&a, "/meeting?week=2025-W53", 400));
}

static void test_decisions_followed_up(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    char f[512], path[128];
    snprintf(f, sizeof f, "week=%s&action=decision&text=Byt+lampor+i+tunneln&org=housing",
             prev_week);
    post(&s, "/meeting", f, 303);
    trygg_decision d[4];
    int n = 0;
    assert_int_equal(trygg_store_decision_list(server_store(&F.ctx), prev_week, d, 4, &n),
                     TRYGG_OK);
    assert_int_equal(n, 1);
    snprintf(path, sizeof path, "/meeting?week=%s", week);
    char *body = get(&s, path, 200);
    char *follow = strstr(body, "id=\"h-followup\"");
    assert_non_null(follow);
    char *lamps = strstr(body, "Byt lampor i tunneln");
    assert_true(lamps && lamps > follow && lamps < strstr(body, "id=\"h-note\""));
    assert_non_null(strstr(body, "<tr data-status=\"open\">"));
    free(body);
    snprintf(f, sizeof f, "week=%s&action=status&id=%" PRId64 "&status=done", week, d[0].id);
    post(&s, "/meeting", f, 303);
    body = get(&s, path, 200);
    assert_non_null(strstr(body, "<tr data-status=\"done\">"));
    free(body);
    /* Another member reopens it: the history keeps both changes, who and when. */
    session s2;
    assert_int_equal(login_as("sakerhet2", PASSWORD, &s2), 303);
    snprintf(f, sizeof f, "week=%s&action=status&id=%" PRId64 "&status=open", week, d[0].id);
    post(&s2, "/meeting", f, 303);
    body = get(&s, path, 200);
    char *hist = strstr(body, "<ol class=\"decision-history hint\" data-history=\"3\">");
    assert_non_null(hist);
    char *first = strstr(hist, "<li data-status=\"open\">Pågår · sakerhet · ");
    char *done = strstr(hist, "<li data-status=\"done\">Genomfört · sakerhet · ");
    char *again = strstr(hist, "<li data-status=\"open\">Pågår · sakerhet2 · ");
    assert_true(first && done && again && first < done && done < again);
    free(body);
    snprintf(f, sizeof f, "week=%s&action=status&id=%" PRId64 "&status=finished", week, d[0].id);
    post(&s, "/meeting", f, 400);
    snprintf(f, sizeof f, "week=%s&action=decision&text=", week);
    post(&s, "/meeting", f, 400);
}

static void test_print_views(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    char f[512], path[160];
    snprintf(f, sizeof f, "week=%s&action=note&assessment=INTERNBEDOMNING", week);
    post(&s, "/meeting", f, 303);
    snprintf(f, sizeof f, "week=%s&action=decision&text=INTERNTBESLUT&org=", week);
    post(&s, "/meeting", f, 303);
    snprintf(path, sizeof path, "/meeting/print?week=%s", week);
    char *body = get(&s, path, 200);
    assert_non_null(strstr(body, "INTERNBEDOMNING"));
    assert_non_null(strstr(body, "INTERNTBESLUT"));
    assert_non_null(strstr(body, "data-mode=\"full\""));
    assert_non_null(strstr(body, "/static/print.css"));
    free(body);
    snprintf(path, sizeof path, "/meeting/print?week=%s&view=published", week);
    body = get(&s, path, 200);
    assert_null(strstr(body, "INTERNBEDOMNING")); /* not marked for publication */
    assert_null(strstr(body, "INTERNTBESLUT"));
    assert_null(strstr(body, "data-mode=\"full\""));
    assert_non_null(strstr(body, "data-mode=\"suppressed\""));
    free(body);
    snprintf(f, sizeof f, "week=%s&action=note&assessment=PUBLIKBEDOMNING&publish=1", week);
    post(&s, "/meeting", f, 303);
    body = get(&s, path, 200);
    assert_non_null(strstr(body, "PUBLIKBEDOMNING"));
    assert_null(strstr(body, "INTERNTBESLUT"));
    free(body);
}

/* The printed meeting shows every decision's history as the page does:
 * last week's decisions followed up, then this week's, each with every
 * status it was given, by whom and when. The published print has none. */
static void test_print_decision_history(void **state)
{
    (void)state;
    session a, b;
    assert_int_equal(login_as("sakerhet", PASSWORD, &a), 303);
    assert_int_equal(login_as("sakerhet2", PASSWORD, &b), 303);
    char f[512], path[160];
    snprintf(f, sizeof f, "week=%s&action=decision&text=FORRABESLUTET&org=housing", prev_week);
    post(&a, "/meeting", f, 303);
    snprintf(f, sizeof f, "week=%s&action=decision&text=NYTTBESLUT&org=", week);
    post(&a, "/meeting", f, 303);
    trygg_decision d[8];
    int n = 0, k = -1;
    assert_int_equal(trygg_store_decision_list(server_store(&F.ctx), prev_week, d, 8, &n),
                     TRYGG_OK);
    for (int i = 0; i < n; i++)
        if (strcmp(d[i].text, "FORRABESLUTET") == 0)
            k = i;
    assert_true(k >= 0);
    snprintf(f, sizeof f, "week=%s&action=status&id=%" PRId64 "&status=done", week, d[k].id);
    post(&b, "/meeting", f, 303);
    snprintf(path, sizeof path, "/meeting/print?week=%s", week);
    char *body = get(&a, path, 200);
    char *follow = strstr(body, "id=\"p-followup\"");
    char *old = strstr(body, "FORRABESLUTET");
    char *now = strstr(body, "NYTTBESLUT");
    assert_true(follow && old && now && follow < old && old < now);
    char *hist = strstr(old, "<ol class=\"decision-history hint\" data-history=\"2\">");
    assert_true(hist && hist < now);
    char *first = strstr(hist, "<li data-status=\"open\">Pågår · sakerhet · ");
    char *done = strstr(hist, "<li data-status=\"done\">Genomfört · sakerhet2 · ");
    assert_true(first && done && first < done && done < now);
    assert_non_null(strstr(now, "<ol class=\"decision-history hint\" data-history=\"1\">"));
    /* The page is a print: no status forms. */
    assert_null(strstr(body, "action=\"/meeting\""));
    free(body);
    snprintf(path, sizeof path, "/meeting/print?week=%s&view=published", week);
    body = get(&a, path, 200);
    assert_null(strstr(body, "FORRABESLUTET"));
    assert_null(strstr(body, "decision-history"));
    free(body);
}

static void test_who_may(void **state)
{
    (void)state;
    session g, h;
    assert_int_equal(login_as("gustav", PASSWORD, &g), 303); /* streets: in [report] */
    assert_int_equal(login_as("hanna", PASSWORD, &h), 303);  /* housing: not */
    char *body = get(&g, "/meeting", 200);
    assert_non_null(strstr(body, "href=\"/measures\""));
    free(body);
    free(get(&g, "/measures", 200));
    free(get(&h, "/meeting", 403));
    free(get(&h, "/measures/plan", 403));
    body = get(&h, "/events", 200);
    assert_null(strstr(body, "href=\"/meeting\"")); /* not offered in the menu */
    free(body);
}

/* Item number i at Resecentrum (category vandalism), created at `at`. */
static void item_before(trygg_store *st, int i, int64_t at)
{
    trygg_item it;
    char key[32];
    snprintf(key, sizeof key, "ba-%d", i);
    fx_item(&it, key, TRYGG_KIND_CONCERN, "centrum", "Krossad ruta");
    snprintf(it.place, sizeof it.place, "Resecentrum");
    snprintf(it.category, sizeof it.category, "vandalism");
    int created = 0;
    assert_int_equal(trygg_store_submit(st, &it, &it, &created), TRYGG_OK);
    assert_int_equal(trygg_store_test_item_times(st, it.id, at, 0), TRYGG_OK);
}

static void test_measures_and_plan(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    /* Starts on the Monday of the last complete week: before = the two
     * weeks before it (six items), after = that week and this one (one). */
    trygg_week w;
    trygg_week_last_complete(fake_now, &w);
    char start[11];
    assert_true(trygg_time_format(w.start + 3600, "%Y-%m-%d", start, sizeof start) > 0);
    trygg_store *st = server_store(&F.ctx);
    for (int i = 0; i < 6; i++)
        item_before(st, i, w.start - 86400 * (1 + i));
    item_before(st, 6, w.start + 7200);
    char f[1024];
    snprintf(f, sizeof f,
             "title=Belysning+vid+Resecentrum&problem=Skadeg%%C3%%B6relse&org=housing&"
             "start_day=%s&end_day=2026-01-01&status=ongoing&priority=1&cost=45000&"
             "place=resecentrum&cat=vandalism&type=graffiti&type=damage&indicator=Klotter",
             start);
    post(&s, "/measures/new", f, 400); /* ends before it starts */
    snprintf(f, sizeof f,
             "title=Belysning+vid+Resecentrum&problem=Skadeg%%C3%%B6relse&org=housing&"
             "start_day=%s&end_day=&status=ongoing&priority=1&cost=45000&"
             "place=resecentrum&cat=vandalism&type=graffiti&type=damage&indicator=Klotter",
             start);
    post(&s, "/measures/new", f, 303);
    trygg_measure m[4];
    int n = 0;
    assert_int_equal(trygg_store_measure_list(st, m, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(m[0].nplaces, 1);
    assert_int_equal(m[0].types, 1u << TRYGG_EVENT_GRAFFITI | 1u << TRYGG_EVENT_DAMAGE);
    assert_int_equal(m[0].cost, 45000);
    char path[64];
    snprintf(path, sizeof path, "/measures/%" PRId64, m[0].id);
    char *body = get(&s, path, 200);
    assert_non_null(strstr(body, "<td>6</td><td>1</td><td>-5</td>"));
    assert_non_null(strstr(body, "inget bevis"));
    free(body);
    post(&s, "/measures/plan", "preamble=Planen+g%C3%A4ller+2027", 303);
    body = get(&s, "/measures/plan", 200);
    assert_non_null(strstr(body, "Planen gäller 2027"));
    assert_non_null(strstr(body, "Belysning vid Resecentrum"));
    assert_non_null(strstr(body, "<svg class=\"timeline\""));
    assert_non_null(strstr(body, "<td>6</td><td>1</td>"));
    free(body);
    body = get(&s, "/measures/plan?view=published", 200);
    assert_non_null(strstr(body, "<td>6</td><td>&lt;5</td><td>x</td>"));
    free(body);
    free(get(&s, "/measures/999999", 404));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assessment_versions),
        cmocka_unit_test(test_decisions_followed_up),
        cmocka_unit_test(test_print_views),
        cmocka_unit_test(test_print_decision_history),
        cmocka_unit_test(test_who_may),
        cmocka_unit_test(test_measures_and_plan),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
