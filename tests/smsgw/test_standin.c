/*
 * test_standin.c — a modem that heals itself, on the modem stand-in
 * (modem_standin.h) with a real trygg-server in-process
 * (smsgw_testutil.h): delivery reports flip the thread's SMS to
 * "delivered" / "undelivered" on the server; a modem that hangs is found
 * within the configured time and escalated reconnect -> soft reset -> hard
 * reset -> command -> alert, and healed; a SIM waiting for its PIN, a full
 * SMS memory and a low balance show in the health record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "gateway.h"
#include "modem_standin.h"
#include "smsgw_testutil.h"
#include "trygg/copy.h"
#include "trygg/secret.h"
#include "trygg/store.h"

static const char *const ROUTING =
    "[destination security]\nlabel = Säkerhetsavdelningen\ncompany = no\n"
    "[rule fallback]\ndestination = security\n"
    "[oncall]\nemail = jour@example.se\n";

typedef struct fx {
    tu_env t;
    gw *g;
    trygg_store *st; /* the server's store */
    unsigned char pkey[TRYGG_PSEUDO_KEY_LEN];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    standin_reset();
    tu_env_init(&f->t);
    if (tu_serve(&f->t, ROUTING) != 0)
        return -1;
    f->st = tu_server_store(&f->t);
    if (trygg_key_read(f->t.cfg.pseudonym_key, f->pkey, sizeof f->pkey) != TRYGG_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    gw_close(f->g);
    tu_env_free(&f->t);
    free(f);
    return 0;
}

/* Opens the gateway once the test has set its configuration. */
static void start(fx *f)
{
    char err[512] = "";
    assert_int_equal(gw_open(&f->t.cfg, NULL, &f->g, err, sizeof err), TRYGG_OK);
}

static void step(fx *f, int64_t now)
{
    tu_server_clock(now);
    gw_step(f->g, now);
}

/* The server's outbox rows to `number`, oldest first, into rows[max]. */
static int sms_to(fx *f, const char *number, trygg_sms_out *rows, int max)
{
    char norm[20], p[65];
    assert_int_equal(trygg_phone_normalise(number, norm), TRYGG_OK);
    assert_int_equal(trygg_pseudonym(f->pkey, norm, p), TRYGG_OK);
    static trygg_sms_out all[64];
    int k = 0;
    for (int64_t item = 0; item < 50; item++) {
        int n = 0;
        assert_int_equal(trygg_store_sms_list(f->st, item, all, 64, &n), TRYGG_OK);
        for (int i = 0; i < n && k < max; i++)
            if (!strcmp(all[i].recipient, p))
                rows[k++] = all[i];
    }
    return k;
}

/* A field of the health record the server holds. */
static json_t *health(fx *f)
{
    char js[2048];
    int64_t updated = 0;
    assert_int_equal(trygg_store_health_get(f->st, "smsgw", js, sizeof js, &updated), TRYGG_OK);
    json_t *j = json_loads(js, 0, NULL);
    assert_non_null(j);
    return j;
}

static const char *health_str(fx *f, const char *key, char *out, size_t cap)
{
    json_t *j = health(f);
    const char *v = json_string_value(json_object_get(j, key));
    snprintf(out, cap, "%s", v ? v : "(none)");
    json_decref(j);
    return out;
}

static long long health_int(fx *f, const char *key)
{
    json_t *j = health(f);
    json_t *v = json_object_get(j, key);
    long long r = json_is_integer(v) ? (long long)json_integer_value(v) : -999;
    json_decref(j);
    return r;
}

static trygg_sms_out rows[16];

/* On-call mails in the server's notification outbox (urgent, "!!!"). */
static int oncall_mails(fx *f)
{
    static trygg_notify nt[16];
    int n = 0, k = 0;
    assert_int_equal(trygg_store_notify_list(f->st, -1, nt, 16, &n), TRYGG_OK);
    for (int i = 0; i < n; i++)
        if (!strcmp(nt[i].destination, "oncall")) {
            assert_non_null(strstr(nt[i].payload, "jour@example.se"));
            assert_non_null(strstr(nt[i].payload, "!!! "));
            k++;
        }
    return k;
}

/* Two texters; the network reports one reply delivered and one not: the
 * server's rows (the thread's SMS on the staff page) say so. */
static void test_delivery_reports(void **state)
{
    fx *f = *state;
    start(f);
    int64_t now = time(NULL);
    const char *A = "+46701110001", *B = "+46701110002";
    standin_incoming(A, "Trasig gatlampa på Storgatan");
    standin_incoming(B, "Klotter i tunneln vid stationen");
    step(f, now);
    step(f, now + 1);
    assert_int_equal(sms_to(f, A, rows, 16), 1);
    assert_int_equal(rows[0].status, TRYGG_OUT_SENT);
    assert_int_equal(sms_to(f, B, rows, 16), 1);
    assert_int_equal(rows[0].status, TRYGG_OUT_SENT);
    char number[48], text[400];
    int ref_a = -1, ref_b = -1, ref;
    for (int i = 0; standin_sent(i, number, sizeof number, text, sizeof text, &ref); i++) {
        if (!strcmp(number, A))
            ref_a = ref;
        if (!strcmp(number, B))
            ref_b = ref;
    }
    assert_true(ref_a >= 0 && ref_b >= 0 && ref_a != ref_b);
    standin_report(ref_b, -1); /* the network still tries: nothing changes */
    step(f, now + 2);
    assert_int_equal(sms_to(f, B, rows, 16), 1);
    assert_int_equal(rows[0].status, TRYGG_OUT_SENT);
    standin_report(ref_a, 1);
    standin_report(ref_b, 0);
    standin_report((ref_b + 77) % 256, 1); /* matches nothing */
    step(f, now + 3);
    step(f, now + 9);
    assert_int_equal(sms_to(f, A, rows, 16), 1);
    assert_int_equal(rows[0].status, TRYGG_OUT_DELIVERED);
    assert_string_equal(trygg_out_status_name(rows[0].status), "delivered");
    assert_int_equal(sms_to(f, B, rows, 16), 1);
    assert_int_equal(rows[0].status, TRYGG_OUT_UNDELIVERED);
    assert_int_equal(health_int(f, "delivered"), 1);
    assert_int_equal(health_int(f, "undelivered"), 1);
    /* A report again changes nothing. */
    standin_report(ref_a, 0);
    step(f, now + 20);
    assert_int_equal(sms_to(f, A, rows, 16), 1);
    assert_int_equal(rows[0].status, TRYGG_OUT_DELIVERED);
}

/* A modem that hangs (answers, but nothing comes in or goes out) is found
 * by the canary within quiet_after, and escalated step by step until the
 * hard reset heals it; the canary never becomes an item. */
static void test_watchdog_hang(void **state)
{
    fx *f = *state;
    const char *own = "+46700009999";
    f->t.cfg.wd_quiet_after = 60;
    f->t.cfg.wd_step_wait = 30;
    f->t.cfg.wd_canary_timeout = 20;
    snprintf(f->t.cfg.wd_canary_number, sizeof f->t.cfg.wd_canary_number, "%s", own);
    standin_own_number(own);
    start(f);
    int64_t now = time(NULL);
    char s[64];
    /* Healthy and quiet: the canary comes back, nothing is done. */
    for (int64_t t = now; t <= now + 130; t += 5)
        step(f, t);
    assert_string_equal(health_str(f, "watchdog", s, sizeof s), "ok");
    assert_int_equal(health_int(f, "watchdog_actions"), 0);
    assert_true(standin_counts_get().sent >= 1); /* a canary went out */
    assert_int_equal(sms_to(f, own, rows, 16), 0);
    standin_counts c0 = standin_counts_get();

    standin_mode_set(STANDIN_HANG, STANDIN_HEAL_HARD_RESET);
    int64_t hung = now + 131, found = 0;
    for (int64_t t = hung; t <= hung + 400 && !found; t += 1) {
        step(f, t);
        if (strcmp(health_str(f, "watchdog", s, sizeof s), "ok") != 0)
            found = t;
    }
    assert_true(found > 0);
    /* Within quiet_after plus one canary timeout after the last traffic. */
    assert_true(found - hung <= 60 + 20 + 2);
    assert_string_equal(health_str(f, "watchdog", s, sizeof s), "reconnect");
    assert_int_equal(standin_counts_get().soft_resets, c0.soft_resets);
    int64_t t = found;
    for (; t <= found + 200 && standin_counts_get().hard_resets == c0.hard_resets; t++)
        step(f, t);
    standin_counts c1 = standin_counts_get();
    assert_int_equal(c1.soft_resets, c0.soft_resets + 1);
    assert_int_equal(c1.hard_resets, c0.hard_resets + 1);
    assert_true(t - found >= 2 * 30); /* one step each step_wait */
    assert_int_equal(standin_mode_get(), STANDIN_OK);
    /* Healed: the next canary comes back and the watchdog stands down. */
    for (int64_t u = t; u < t + 10; u++)
        step(f, u);
    assert_string_equal(health_str(f, "watchdog", s, sizeof s), "ok");
    assert_int_equal(health_int(f, "recoveries"), 1);
    assert_int_equal(health_int(f, "watchdog_actions"), 3);
    assert_string_equal(health_str(f, "alert", s, sizeof s), "ok");
    assert_int_equal(sms_to(f, own, rows, 16), 0);
}

/* A modem that dropped off the bus: the configured command (a USB
 * power-cycle script in real life; here it creates the file that brings
 * the stand-in back) runs after the reconnect failed; without a command
 * and without healing, on-call is alerted through the health record. */
static void test_watchdog_drop(void **state)
{
    fx *f = *state;
    char heal[400], cmd[500], s[64];
    snprintf(heal, sizeof heal, "%s/usb-power-cycled", f->t.dir);
    snprintf(cmd, sizeof cmd, "touch '%s'", heal);
    f->t.cfg.wd_quiet_after = 60;
    f->t.cfg.wd_step_wait = 10;
    snprintf(f->t.cfg.wd_command, sizeof f->t.cfg.wd_command, "%s", cmd);
    standin_heal_file(heal);
    start(f);
    int64_t now = time(NULL);
    step(f, now);
    standin_mode_set(STANDIN_DROP, STANDIN_HEAL_FILE);
    for (int64_t t = now + 1; t <= now + 40; t++)
        step(f, t);
    assert_int_equal(access(heal, F_OK), 0); /* the command ran */
    assert_int_equal(standin_mode_get(), STANDIN_OK);
    for (int64_t t = now + 41; t <= now + 50; t++)
        step(f, t);
    assert_string_equal(health_str(f, "watchdog", s, sizeof s), "ok");
    assert_true(health_int(f, "recoveries") >= 1);

    assert_int_equal(oncall_mails(f), 0);

    /* Gone for good, no command: alert, and on-call is mailed once. */
    f->t.cfg.wd_command[0] = '\0';
    standin_mode_set(STANDIN_DROP, STANDIN_HEAL_NEVER);
    for (int64_t t = now + 51; t <= now + 120; t++)
        step(f, t);
    assert_string_equal(health_str(f, "watchdog", s, sizeof s), "alert");
    assert_string_equal(health_str(f, "alert", s, sizeof s), "modem");
    assert_int_equal(oncall_mails(f), 1);
    for (int64_t t = now + 121; t <= now + 140; t++)
        step(f, t);
    assert_int_equal(oncall_mails(f), 1);
}

/* Sends that keep failing (the modem takes them but never confirms) make
 * the modem suspect without any quiet period. */
static void test_watchdog_send_failures(void **state)
{
    fx *f = *state;
    f->t.cfg.wd_quiet_after = 3600;
    f->t.cfg.wd_step_wait = 10;
    f->t.cfg.wd_send_failures = 2;
    f->t.cfg.retry_base = 1;
    f->t.cfg.retry_max = 1;
    start(f);
    int64_t now = time(NULL);
    char s[64];
    standin_incoming("+46701110003", "Vattenläcka i källaren");
    standin_incoming("+46701110004", "Trasig bänk i parken");
    step(f, now);
    standin_counts c0 = standin_counts_get();
    assert_int_equal(c0.received, 2);
    /* Both replies already went out: queue two more by texting again, then hang. */
    standin_incoming("+46701110003", "Det läcker fortfarande");
    standin_incoming("+46701110004", "Bänken är fortfarande trasig");
    step(f, now + 1); /* received and answered */
    standin_mode_set(STANDIN_HANG, STANDIN_HEAL_RECONNECT);
    assert_string_equal(health_str(f, "watchdog", s, sizeof s), "ok");
    /* Staff replies to both: their sends fail. */
    trygg_sms_out r[4];
    int n = sms_to(f, "+46701110003", r, 4);
    assert_true(n >= 1);
    int64_t id = 0;
    assert_int_equal(trygg_store_sms_enqueue(f->st, r[0].item_id, r[0].recipient, "anna",
                                             "Vi kommer i morgon.", &id),
                     TRYGG_OK);
    n = sms_to(f, "+46701110004", r, 4);
    assert_int_equal(trygg_store_sms_enqueue(f->st, r[0].item_id, r[0].recipient, "anna",
                                             "Tack, vi lagar den.", &id),
                     TRYGG_OK);
    for (int64_t t = now + 2; t <= now + 8; t++)
        step(f, t);
    assert_true(health_int(f, "watchdog_actions") >= 1);
    assert_int_equal(standin_mode_get(), STANDIN_OK); /* the reconnect healed it */
    for (int64_t t = now + 9; t <= now + 20; t++)
        step(f, t);
    assert_string_equal(health_str(f, "watchdog", s, sizeof s), "ok");
}

/* SIM checks: a SIM waiting for its PIN alerts; a nearly full SMS memory
 * is cleared of old entries; a low balance (USSD) alerts. */
static void test_sim_checks(void **state)
{
    fx *f = *state;
    f->t.cfg.sim_check_interval = 10;
    snprintf(f->t.cfg.balance_ussd, sizeof f->t.cfg.balance_ussd, "*111#");
    f->t.cfg.balance_low = 50;
    f->t.cfg.balance_interval = 60;
    standin_sim("pin", 3, 30);
    standin_ussd_answer("Ditt saldo är 123,50 kr. Giltigt till 2027-01-01.");
    start(f);
    int64_t now = time(NULL);
    char s[64];
    step(f, now);
    step(f, now + 6);
    assert_string_equal(health_str(f, "sim", s, sizeof s), "pin");
    assert_string_equal(health_str(f, "alert", s, sizeof s), "sim");
    assert_int_equal(health_int(f, "balance"), 123);
    standin_sim("ready", 28, 30);
    step(f, now + 12);
    step(f, now + 18);
    assert_string_equal(health_str(f, "sim", s, sizeof s), "ok");
    assert_int_equal(health_int(f, "sim_cleared"), 28);
    assert_int_equal(health_int(f, "sim_memory"), 0);
    assert_string_equal(health_str(f, "alert", s, sizeof s), "ok");
    standin_ussd_answer("Saldo: 12 kr");
    step(f, now + 61);
    step(f, now + 67);
    assert_int_equal(health_int(f, "balance"), 12);
    assert_string_equal(health_str(f, "alert", s, sizeof s), "balance");
    assert_int_equal(standin_counts_get().ussd, 2);
}

/* How often (number, text) went out on unit `unit` of the stand-in. */
static int sent_count(int unit, const char *number, const char *needle)
{
    char nb[48], text[400];
    int ref, k = 0;
    standin_unit(unit);
    for (int i = 0; standin_sent(i, nb, sizeof nb, text, sizeof text, &ref); i++)
        if (!strcmp(nb, number) && (!needle || strstr(text, needle)))
            k++;
    standin_unit(0);
    return k;
}

/* The reference of the last SMS sent to `number` on `unit`, -1 if none. */
static int last_ref(int unit, const char *number)
{
    char nb[48], text[400];
    int ref, r = -1;
    standin_unit(unit);
    for (int i = 0; standin_sent(i, nb, sizeof nb, text, sizeof text, &ref); i++)
        if (!strcmp(nb, number))
            r = ref;
    standin_unit(0);
    return r;
}

/* Every sent text on both units, each (number, text) pair at most once. */
static void assert_none_twice(void)
{
    static char seen[512][460];
    int n = 0;
    for (int u = 0; u < 2; u++) {
        char nb[48], text[400];
        int ref;
        standin_unit(u);
        for (int i = 0; standin_sent(i, nb, sizeof nb, text, sizeof text, &ref) && n < 512; i++) {
            char key[460];
            snprintf(key, sizeof key, "%.47s|%.399s", nb, text);
            for (int k = 0; k < n; k++)
                if (!strcmp(seen[k], key))
                    fail_msg("sent twice: %s", key);
            memcpy(seen[n++], key, sizeof key);
        }
    }
    standin_unit(0);
}

static long long modem2_int(fx *f, const char *key)
{
    json_t *j = health(f);
    json_t *v = json_object_get(json_object_get(j, "modem2"), key);
    long long r = json_is_integer(v)   ? (long long)json_integer_value(v)
                  : json_is_boolean(v) ? (long long)json_is_true(v)
                                       : -999;
    json_decref(j);
    return r;
}

/* The server's SMS items (each incoming text stored once). */
static int sms_items(fx *f)
{
    static trygg_item it[64];
    trygg_filter fl;
    trygg_filter_init(&fl);
    fl.view = TRYGG_VIEW_FULL;
    int n = 0, k = 0;
    assert_int_equal(trygg_store_list(f->st, &fl, NULL, it, 64, &n, NULL), TRYGG_OK);
    for (int i = 0; i < n; i++)
        k += it[i].channel == TRYGG_CHANNEL_SMS;
    return k;
}

/* Two modems ([modem2]): both are read; each reply prefers the modem its
 * texter wrote to; when the first hangs, then drops, replies go out on the
 * second, none twice; texts on both are stored once each; status reports
 * match only the modem that sent (each numbers its own references); the
 * health record has a part for each. */
static void test_two_modems(void **state)
{
    fx *f = *state;
    f->t.cfg.modem2 = 1;
    snprintf(f->t.cfg.m2_device, sizeof f->t.cfg.m2_device, "%s/modem-two", f->t.dir);
    f->t.cfg.wd_quiet_after = 3600;
    f->t.cfg.wd_step_wait = 30;
    f->t.cfg.wd_send_failures = 2;
    f->t.cfg.retry_base = 1;
    f->t.cfg.retry_max = 1;
    start(f);
    int64_t now = time(NULL);
    const char *A = "+46701120001", *B = "+46701120002", *C = "+46701120003";
    standin_unit(0);
    standin_incoming(A, "Trasig gatlampa på Storgatan");
    step(f, now);
    step(f, now + 1);
    /* A writes to the second modem too, and B only to the second. */
    standin_unit(1);
    standin_incoming(A, "Och lampan vid skolan är också trasig");
    step(f, now + 2);
    step(f, now + 3);
    standin_unit(1);
    standin_incoming(B, "Klotter i tunneln vid stationen");
    standin_unit(0);
    step(f, now + 4);
    step(f, now + 5);
    assert_int_equal(sms_items(f), 2);
    assert_int_equal(sent_count(0, A, NULL), 1); /* each answer on the modem A wrote to */
    assert_int_equal(sent_count(1, A, NULL), 1);
    assert_int_equal(sent_count(1, B, NULL), 1); /* B's on the second */
    assert_int_equal(sent_count(0, B, NULL), 0);
    assert_int_equal(modem2_int(f, "connected"), 1);
    assert_int_equal(modem2_int(f, "messages_in"), 2);

    /* Each modem numbers its own references: both replies to A have the
     * same one, and a report read on the first modem is about the row sent
     * on the first. */
    int r0 = last_ref(0, A), r1 = last_ref(1, A);
    assert_true(r0 >= 0 && r0 == r1);
    standin_unit(0);
    standin_report(r0, 0);
    step(f, now + 6);
    step(f, now + 7);
    assert_int_equal(sms_to(f, A, rows, 16), 2);
    assert_int_equal(rows[0].status, TRYGG_OUT_UNDELIVERED);
    assert_int_equal(rows[1].status, TRYGG_OUT_SENT);
    assert_int_equal(modem2_int(f, "undelivered"), 0);

    /* The first modem hangs: texts wait on it, a staff reply to A (who
     * last wrote to the second) and one to C go out on the second. */
    standin_unit(0);
    standin_incoming(C, "Vattenläcka i källaren på Parkgatan");
    step(f, now + 8);
    step(f, now + 9);
    assert_int_equal(sent_count(0, C, NULL), 1);
    standin_mode_set(STANDIN_HANG, STANDIN_HEAL_NEVER);
    standin_incoming(C, "Det läcker fortfarande");
    trygg_sms_out r[4];
    assert_true(sms_to(f, C, r, 4) >= 1);
    int64_t id = 0;
    assert_int_equal(trygg_store_sms_enqueue(f->st, r[0].item_id, r[0].recipient, "anna",
                                             "Vi skickar en rörmokare.", &id),
                     TRYGG_OK);
    assert_int_equal(sms_to(f, A, r, 4), 2);
    assert_int_equal(trygg_store_sms_enqueue(f->st, r[0].item_id, r[0].recipient, "anna",
                                             "Lamporna byts i morgon.", &id),
                     TRYGG_OK);
    step(f, now + 10); /* claimed, tried on the first, sent on the second at once */
    assert_int_equal(sent_count(1, C, "rörmokare"), 1);
    for (int64_t t = now + 11; t <= now + 14; t++)
        step(f, t);
    assert_int_equal(sent_count(1, C, "rörmokare"), 1);
    assert_int_equal(sent_count(1, A, "Lamporna"), 1);
    assert_int_equal(sent_count(0, C, "rörmokare") + sent_count(0, A, "Lamporna"), 0);
    assert_int_equal(sms_to(f, C, r, 4), 2);
    assert_int_equal(r[1].status, TRYGG_OUT_SENT);

    /* Then it drops off the bus: the second still reads and answers. */
    standin_mode_set(STANDIN_DROP, STANDIN_HEAL_NEVER);
    standin_unit(1);
    standin_incoming(B, "Nu är det klotter på bron också");
    standin_unit(0);
    for (int64_t t = now + 15; t <= now + 18; t++)
        step(f, t);
    assert_int_equal(sent_count(1, B, NULL), 2);
    assert_int_equal(modem2_int(f, "connected"), 1);
    char s[64];
    assert_int_equal(health_int(f, "connected") == -999, 1); /* a boolean */
    assert_string_equal(health_str(f, "alert", s, sizeof s), "ok");

    /* Back: what waited on the first modem is stored once and answered. */
    standin_mode_set(STANDIN_OK, STANDIN_HEAL_NEVER);
    for (int64_t t = now + 19; t <= now + 90; t++)
        step(f, t);
    /* Six texts, each stored once: three items, the second texts joined
     * their threads; each text answered once, nothing sent twice. */
    assert_int_equal(sms_items(f), 3);
    assert_int_equal(gw_get_stats(f->g)->messages_in, 6);
    assert_int_equal(gw_get_stats(f->g)->duplicates, 0);
    assert_int_equal(modem2_int(f, "messages_in"), 3);
    assert_int_equal(sent_count(0, C, NULL) + sent_count(1, C, NULL), 3);
    assert_int_equal(sent_count(0, A, NULL) + sent_count(1, A, NULL), 3);
    assert_int_equal(sent_count(0, B, NULL) + sent_count(1, B, NULL), 2);
    assert_none_twice();
}

static const char *modem2_str(fx *f, const char *key, char *out, size_t cap)
{
    json_t *j = health(f);
    const char *v = json_string_value(json_object_get(json_object_get(j, "modem2"), key));
    trygg_copy_trunc(out, cap, v ? v : "");
    json_decref(j);
    return out;
}

/* Two SIMs of two operators: each modem asks its own operator's balance
 * code ([modem2] balance_ussd) and alerts at its own limit, in its own part
 * of the health record. */
static void test_two_sims_balance(void **state)
{
    fx *f = *state;
    f->t.cfg.modem2 = 1;
    snprintf(f->t.cfg.m2_device, sizeof f->t.cfg.m2_device, "%s/modem-two", f->t.dir);
    snprintf(f->t.cfg.balance_ussd, sizeof f->t.cfg.balance_ussd, "*111#");
    f->t.cfg.balance_low = 50;
    f->t.cfg.balance_interval = 60;
    snprintf(f->t.cfg.m2_balance_ussd, sizeof f->t.cfg.m2_balance_ussd, "*120#");
    f->t.cfg.m2_balance_low = 20;
    standin_unit(0);
    standin_ussd_answer("Ditt saldo är 100 kr.");
    standin_unit(1);
    standin_ussd_answer("Saldo: 12 kr");
    standin_unit(0);
    start(f);
    int64_t now = time(NULL);
    char s[64];
    step(f, now);
    step(f, now + 6);
    assert_int_equal(health_int(f, "balance"), 100);
    /* the record's alert is the second modem's when the first has none */
    assert_string_equal(health_str(f, "alert", s, sizeof s), "balance");
    assert_int_equal(modem2_int(f, "balance"), 12);
    assert_string_equal(modem2_str(f, "alert", s, sizeof s), "balance");
    assert_string_equal(standin_ussd_code(), "*111#");
    standin_unit(1);
    assert_string_equal(standin_ussd_code(), "*120#");
    standin_ussd_answer("Saldo: 30 kr"); /* above the second SIM's own limit */
    standin_unit(0);
    step(f, now + 61);
    step(f, now + 67);
    assert_int_equal(modem2_int(f, "balance"), 30);
    assert_string_equal(modem2_str(f, "alert", s, sizeof s), "ok");
    assert_string_equal(health_str(f, "alert", s, sizeof s), "ok");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_delivery_reports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watchdog_hang, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watchdog_drop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_watchdog_send_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sim_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_modems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_sims_balance, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
