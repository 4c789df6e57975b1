/*
 * test_retention.c — every table of the database is classified here: it
 * holds no personal data, or trygg_store_purge (shared/src/store_sqlite_purge.c)
 * has a rule for it. The list of tables comes from a fresh database with
 * every module's side tables (report, police events, SMS gateway), so a new
 * table without a classification fails test_every_table_classified. A
 * second test puts old rows in every purged table and checks purge removes
 * them, while fresh rows stay.
 *
 * This table is the one place the classification is kept (docs/server.md,
 * "Retention", points here).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <time.h>

#include "store_fixture.h"
#include "trygg/police_events.h"
#include "trygg/report.h"

typedef struct table_rule {
    const char *name;
    const char *rule; /* NULL: holds no personal data */
} table_rule;

static const table_rule rules[] = {
    {"items", "text, place, contact, sender, alias blanked at purge_at (retention per kind)"},
    {"messages", "texts blanked with their item"},
    {"audit", "staff actor and item id: deleted after 2 years"},
    {"users", "staff accounts: deleted with tryggctl user (account lifetime)"},
    {"contacts", "pseudonym and encrypted number: 30 days after the last item is purged"},
    {"sms_out", "with its item; rows without an item after 30 days"},
    {"notify_out", "with its item; rows without an item after 30 days"},
    {"access_log", "staff actor and item id: deleted after 2 years"},
    {"user_recovery", "used codes deleted"},
    {"smsgw_inbound", "sender pseudonym and item id: 7 days, or when the item is purged"},
    {"smsgw_calls", "caller pseudonym: 1 day"},
    {"police_events", "public police notices: 400 days"},
    {"report_uptime", "kiosk uptime intervals: 400 days"},
    /* No personal data: */
    {"destinations", NULL},
    {"kiosks", NULL},
    {"kiosk_prefixes", NULL}, /* which kiosk holds which reference prefix */
    {"walks", NULL},
    {"notices", NULL},
    {"health", NULL},
    {"smsgw_counters", NULL},
    {"job_leases", NULL}, /* which worker instance runs a job until when */
    {"report_week_done", NULL},
    {"report_week_counts", NULL},
    {"report_meta", NULL},
    /* Full-text indexes over items (external content): follow items. */
    {"items_fts", NULL},
    {"items_shared_fts", NULL},
};

static const table_rule *rule_of(const char *name)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i].name, name) == 0)
            return &rules[i];
    /* FTS5 shadow tables belong to their index. */
    static const char *const fts[] = {"items_fts_", "items_shared_fts_"};
    for (size_t i = 0; i < 2; i++)
        if (strncmp(name, fts[i], strlen(fts[i])) == 0)
            return rule_of(i == 0 ? "items_fts" : "items_shared_fts");
    return NULL;
}

static int setup(void **state)
{
    if (fx_setup(state) != 0)
        return -1;
    return 0;
}

static void test_every_table_classified(void **state)
{
    fixture *f = *state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name FROM sqlite_master WHERE type = 'table'"
                                        " AND name NOT LIKE 'sqlite_%' ORDER BY name",
                                        -1, &s, NULL),
                     SQLITE_OK);
    int n = 0, unknown = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        n++;
        if (rule_of(name) == NULL) {
            fprintf(stderr, "table %s has no retention classification (test_retention.c)\n", name);
            unknown++;
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    assert_true(n >= 20);
    assert_int_equal(unknown, 0);
}

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, err);
        sqlite3_free(err);
        fail();
    }
}

static int64_t count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* Old rows (3 years) and fresh rows (now) in every table with a rule. */
static void test_purge_removes_old_rows(void **state)
{
    fixture *f = *state;
    int64_t now = (int64_t)time(NULL), old = now - 3 * 365 * 86400;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char sql[4096];
    snprintf(
        sql, sizeof sql,
        "INSERT INTO users(id, username, role, pwhash, created)"
        " VALUES (1, 'u', 'security', 'x', %1$lld);"
        "INSERT INTO user_recovery(user_id, code_hash, used_at) VALUES (1, 'a', %1$lld);"
        "INSERT INTO user_recovery(user_id, code_hash, used_at) VALUES (1, 'b', 0);"
        "INSERT INTO audit(item_id, actor, action, at) VALUES (7, 'u', 'view', %1$lld);"
        "INSERT INTO audit(item_id, actor, action, at) VALUES (7, 'u', 'view', %2$lld);"
        "INSERT INTO access_log(at, actor, action, item_id) VALUES (%1$lld, 'u', 'v', 7);"
        "INSERT INTO access_log(at, actor, action, item_id) VALUES (%2$lld, 'u', 'v', 7);"
        "INSERT INTO sms_out(item_id, recipient, text, created, next_attempt)"
        " VALUES (0, 'pseudo', 'hej', %1$lld, %1$lld);"
        "INSERT INTO sms_out(item_id, recipient, text, created, next_attempt)"
        " VALUES (0, 'pseudo', 'hej', %2$lld, %2$lld);"
        "INSERT INTO notify_out(item_id, destination, channel, payload, created, next_attempt)"
        " VALUES (0, 'oncall', 'email', '{}', %1$lld, %1$lld);"
        "INSERT INTO smsgw_inbound(key, item_id, sender, created)"
        " VALUES ('old', 0, 'pseudo', %1$lld);"
        "INSERT INTO smsgw_inbound(key, item_id, sender, created)"
        " VALUES ('new', 0, 'pseudo', %2$lld);"
        "INSERT INTO smsgw_calls(sender, at) VALUES ('pseudo', %1$lld);"
        "INSERT INTO smsgw_calls(sender, at) VALUES ('pseudo', %2$lld);"
        "INSERT INTO police_events(id, at, fetched) VALUES (1, %1$lld, %1$lld);"
        "INSERT INTO police_events(id, at, fetched) VALUES (2, %2$lld, %2$lld);"
        "INSERT INTO report_uptime(component, first, last) VALUES ('kiosk:a', %1$lld, %1$lld);"
        "INSERT INTO report_uptime(component, first, last) VALUES ('kiosk:a', %2$lld, %2$lld);",
        (long long)old, (long long)now);
    exec(db, sql);
    /* An item purged by retention takes its inbound key along at once. */
    trygg_item it;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "ret-1");
    it.kind = TRYGG_KIND_TIP;
    it.channel = TRYGG_CHANNEL_SMS;
    snprintf(it.text, sizeof it.text, "Tips");
    snprintf(it.sender, sizeof it.sender, "pseudo");
    it.created = now;
    int created = 0;
    assert_int_equal(trygg_store_submit(f->st, &it, &it, &created), TRYGG_OK);
    snprintf(sql, sizeof sql,
             "UPDATE items SET purge_at = %lld WHERE id = %lld;"
             "INSERT INTO smsgw_inbound(key, item_id, sender, created)"
             " VALUES ('of-item', %lld, 'pseudo', %lld);",
             (long long)(now - 1), (long long)it.id, (long long)it.id, (long long)now);
    exec(db, sql);

    int n = 0;
    assert_int_equal(trygg_store_purge(f->st, now, &n), TRYGG_OK);
    assert_int_equal(n, 1);

    assert_int_equal(count(db, "SELECT count(*) FROM user_recovery"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM user_recovery WHERE used_at > 0"), 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE at <= %lld", (long long)old);
    assert_int_equal(count(db, sql), 0);
    assert_true(count(db, "SELECT count(*) FROM audit") >= 2); /* fresh + the purge itself */
    assert_int_equal(count(db, "SELECT count(*) FROM access_log"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM sms_out WHERE item_id = 0"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM notify_out WHERE item_id = 0"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM smsgw_inbound"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM smsgw_inbound WHERE key = 'new'"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM smsgw_calls"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM police_events"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM report_uptime"), 1);
    sqlite3_close(db);
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
