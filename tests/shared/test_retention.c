/*
 * test_retention.c — every table of the database is classified here: it
 * holds no personal data, or trygg_store_purge (shared/src/store_sqlite_purge.c)
 * has a rule for it. The list of tables comes from a fresh database with
 * every module's side tables (report, police events, SMS gateway), so a new
 * table without a classification fails test_every_table_classified. A
 * second test puts old rows in every purged table and checks purge removes
 * them, while fresh rows stay. Both talk through store.h only (the tables
 * come from trygg_store_table_rows, old rows from trygg_store_test_age), so
 * every backend must pass them.
 *
 * This table is the one place the classification is kept (docs/server.md,
 * "Retention", points here).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <liboath/oath.h>
#include <time.h>

#include "store_fixture.h"
#include "trygg/copy.h"
#include "trygg/police_events.h"
#include "trygg/report.h"
#include "trygg/time.h"

typedef struct table_rule {
    const char *name;
    const char *rule; /* NULL: holds no personal data */
} table_rule;

static const table_rule rules[] = {
    {"items", "text, place, contact, sender, alias blanked at purge_at (retention per kind)"},
    {"messages", "texts blanked with their item"},
    {"items_urgent", "PostgreSQL: urgent items' search words, rewritten by trigger with the item"},
    {"audit", "staff actor and item id: deleted after 2 years"},
    {"users", "staff accounts: deleted with tryggctl user (account lifetime)"},
    {"contacts", "pseudonym and encrypted number: 30 days after the last item is purged"},
    {"sms_out", "with its item; rows without an item after 30 days"},
    {"notify_out", "with its item; rows without an item after 30 days"},
    {"access_log", "staff actor and item id: deleted after 2 years"},
    {"user_recovery", "used codes deleted"},
    {"smsgw_inbound", "sender pseudonym and item id: 7 days, or when the item is purged"},
    {"smsgw_calls", "caller pseudonym: 1 day"},
    {"police_events", "public police notices: 400 days (placed_by: staff, with the event)"},
    {"police_place_audit", "who placed a police event where (staff actor): 2 years"},
    {"events", "partner events: 365 days"},
    {"week_notes", "assessment versions (staff author): 2 years, the latest of a week stays"},
    {"report_uptime", "kiosk uptime intervals: 400 days"},
    {"staff_sessions", "staff user name: ended at logout, idle time or 12 hours (session purge)"},
    {"login_failures", "address or user name of failed logins: cleared at login, session purge"},
    /* No personal data: */
    {"destinations", NULL},
    {"kiosks", NULL},
    {"kiosk_prefixes", NULL}, /* which kiosk holds which reference prefix */
    {"walks", NULL},
    {"notices", NULL},
    {"reply_templates", NULL}, /* admins' texts of the reply templates */
    {"health", NULL},
    {"smsgw_counters", NULL},
    {"job_leases", NULL}, /* which worker instance runs a job until when */
    {"report_week_done", NULL},
    {"report_week_counts", NULL},
    /* The period cache (v21): counts by area, category and the scrubbed
     * place; the triggers drop a piece's counts with its items and events. */
    {"report_piece_done", NULL},
    {"report_piece_counts", NULL},
    {"report_meta", NULL},
    /* The group's decisions, measures and plan: texts scrubbed on write,
     * organisations only. */
    {"decisions", NULL},
    /* Who changed a decision's status when (staff user names): follows its
     * decision (ON DELETE CASCADE). */
    {"decision_history", NULL},
    {"measures", NULL},
    {"plan_preamble", NULL},
    /* Search indexes over items (SQLite's items_fts, items_shared_fts) are
     * not data tables: they follow items. Nor is the list of items still
     * to be indexed when their transaction commits (ids only). */
    {"fts_pending", NULL},
};

/* A sender pseudonym (hex, as secret.h makes them). */
#define PSEUDO "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed"

static const table_rule *rule_of(const char *name)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i].name, name) == 0)
            return &rules[i];
    return NULL;
}

static int setup(void **state)
{
    if (fx_setup(state) != 0)
        return -1;
    return 0;
}

static int classify(void *ctx, const char *table, int64_t rows)
{
    (void)rows;
    int *counts = ctx;
    counts[0]++;
    if (rule_of(table) == NULL) {
        fprintf(stderr, "table %s has no retention classification (test_retention.c)\n", table);
        counts[1]++;
    }
    return 0;
}

static void test_every_table_classified(void **state)
{
    fixture *f = *state;
    int counts[2] = {0, 0}; /* tables, unclassified */
    assert_int_equal(trygg_store_table_rows(f->st, classify, counts), TRYGG_OK);
    assert_true(counts[0] >= 20);
    assert_int_equal(counts[1], 0);
}

/* The RFC 6238 code of base32 `secret` at time t. */
static void totp_code(const char *secret, int64_t t, char out[8])
{
    char *bin = NULL;
    size_t len = 0;
    assert_int_equal(oath_init(), OATH_OK);
    assert_int_equal(oath_base32_decode(secret, strlen(secret), &bin, &len), OATH_OK);
    assert_int_equal(oath_totp_generate(bin, len, (time_t)t, 30, 0, 6, out), OATH_OK);
    free(bin);
}

/* One row, as of now, in every table purge has a time rule for; `tag`
 * tells the rounds apart, `police_id` is the police event's id. */
static void seed(trygg_store *st, const char *tag, int police_id)
{
    int64_t now = (int64_t)time(NULL), id;
    assert_int_equal(trygg_store_audit(st, 7, "u", "view", tag), TRYGG_OK);
    assert_int_equal(trygg_store_access_add(st, "u", "v", 7, tag), TRYGG_OK);
    assert_int_equal(trygg_store_sms_enqueue(st, 0, PSEUDO, "system", "hej", &id), TRYGG_OK);
    assert_int_equal(trygg_store_notify_enqueue(st, 0, "oncall", "email", "{}", &id), TRYGG_OK);
    assert_int_equal(trygg_store_sms_inbound_put(st, tag, 0, PSEUDO, now), TRYGG_OK);
    assert_int_equal(trygg_store_call_put(st, PSEUDO, now), TRYGG_OK);
    assert_int_equal(trygg_store_health_put(st, "modem", "{\"ok\": true}"), TRYGG_OK);
    trygg_week_note note = {.week = "2026-W10", .author = "u"};
    trygg_copy_trunc(note.assessment, sizeof note.assessment, tag);
    assert_int_equal(trygg_store_note_save(st, &note, NULL), TRYGG_OK);
    assert_int_equal(trygg_store_note_save(st, &note, NULL), TRYGG_OK);
    char when[40], json[256], err[128];
    assert_true(trygg_time_format_utc(now, "%Y-%m-%d %H:%M:%S +00:00", when, sizeof when) > 0);
    snprintf(json, sizeof json,
             "[{\"id\":%d,\"datetime\":\"%s\",\"name\":\"Brand\",\"summary\":\"\",\"url\":\"\","
             "\"type\":\"Brand\",\"location\":{\"name\":\"Lilla Edet\"}}]",
             police_id, when);
    int stored = 0;
    assert_int_equal(
        trygg_police_store_json(st, json, strlen(json), NULL, &stored, NULL, err, sizeof err),
        TRYGG_OK);
    assert_int_equal(stored, 1);
}

/* Old rows (3 years) and fresh rows (now) in every table with a rule. */
static void test_purge_removes_old_rows(void **state)
{
    fixture *f = *state;
    trygg_store *st = f->st;
    int64_t now = (int64_t)time(NULL);
    /* A staff user who used one of the ten recovery codes. */
    trygg_user u = {0};
    snprintf(u.username, sizeof u.username, "u");
    snprintf(u.role, sizeof u.role, "security");
    assert_int_equal(trygg_store_user_add(st, &u, "ett-långt-lösenord"), TRYGG_OK);
    char secret[TRYGG_TOTP_SECRET_LEN], code[8], codes[TRYGG_RECOVERY_CODES][TRYGG_RECOVERY_LEN];
    assert_int_equal(trygg_store_user_totp_begin(st, "u", NULL, secret), TRYGG_OK);
    totp_code(secret, now, code);
    assert_int_equal(trygg_store_user_totp_enable(st, "u", code, now, codes), TRYGG_OK);
    int used = 0;
    assert_int_equal(trygg_store_user_totp_verify(st, "u", codes[0], now, &used), TRYGG_OK);
    assert_int_equal(used, 1);
    trygg_contact c;
    const unsigned char cipher[4] = {1, 2, 3, 4};
    assert_int_equal(trygg_store_contact_get_or_create(st, PSEUDO, cipher, 4, "Tipsare T-", &c),
                     TRYGG_OK);
    seed(st, "old", 1);
    assert_int_equal(trygg_store_test_age(st, 3 * 365 * 86400LL), TRYGG_OK);
    seed(st, "new", 2);

    /* An item purged by retention takes its inbound key along at once, and
     * its words are nowhere afterwards. */
    trygg_item it;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "ret-1");
    it.kind = TRYGG_KIND_TIP;
    it.channel = TRYGG_CHANNEL_SMS;
    snprintf(it.text, sizeof it.text, "Tips om cykelstölder vid Ström");
    snprintf(it.place, sizeof it.place, "Strömsvägen 12");
    snprintf(it.sender, sizeof it.sender, "%s", PSEUDO);
    it.created = now;
    int created = 0;
    assert_int_equal(trygg_store_submit(st, &it, &it, &created), TRYGG_OK);
    int64_t msg;
    assert_int_equal(
        trygg_store_add_message(st, it.id, TRYGG_MSG_IN, "smsgw", "Mer om cykelstölder", &msg),
        TRYGG_OK);
    assert_int_equal(trygg_store_test_item_times(st, it.id, 0, now - 1), TRYGG_OK);
    assert_int_equal(trygg_store_sms_inbound_put(st, "of-item", it.id, PSEUDO, now), TRYGG_OK);
    assert_true(fx_rows_containing(st, "cykelstölder", NULL) >= 2);
    assert_true(fx_rows_containing(st, "Strömsvägen", NULL) >= 1);

    int n = 0;
    assert_int_equal(trygg_store_purge(st, now, &n), TRYGG_OK);
    assert_int_equal(n, 1);

    assert_int_equal(fx_rows_containing(st, "cykelstölder", NULL), 0);
    assert_int_equal(fx_rows_containing(st, "Strömsvägen", NULL), 0);
    assert_int_equal(fx_table_rows(st, "user_recovery"), TRYGG_RECOVERY_CODES - 1);
    trygg_audit a[4];
    assert_int_equal(trygg_store_list_audit(st, 7, a, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(a[0].detail, "new");
    trygg_access acc[4];
    assert_int_equal(trygg_store_access_list(st, 0, 0, acc, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fx_table_rows(st, "sms_out"), 1);
    assert_int_equal(fx_table_rows(st, "notify_out"), 1);
    assert_int_equal(fx_table_rows(st, "smsgw_inbound"), 1);
    int64_t item_id;
    assert_int_equal(trygg_store_sms_inbound_get(st, "new", &item_id), TRYGG_OK);
    int calls = -1;
    assert_int_equal(trygg_store_call_count(st, PSEUDO, 0, &calls), TRYGG_OK);
    assert_int_equal(calls, 1);
    int64_t events = -1;
    assert_int_equal(trygg_police_count(st, &events), TRYGG_OK);
    assert_int_equal(events, 1);
    assert_int_equal(fx_table_rows(st, "report_uptime"), 1);
    /* The old versions of a week's assessment went; the new ones stay. */
    trygg_week_note kept[4];
    assert_int_equal(trygg_store_note_versions(st, "2026-W10", kept, 4, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(kept[1].version, 3);
}

/* Purge works on a database without the modules' side tables. */
static void test_purge_without_side_tables(void **state)
{
    (void)state;
    fixture *g = NULL;
    assert_int_equal(fx_setup((void **)&g), 0);
    int n = -1;
    assert_int_equal(trygg_store_purge(g->st, (int64_t)time(NULL), &n), TRYGG_OK);
    assert_int_equal(n, 0);
    fx_teardown((void **)&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_table_classified, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_purge_removes_old_rows, setup, fx_teardown),
        cmocka_unit_test(test_purge_without_side_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
