/*
 * test_outbox.c — the kiosk outbox on a real SQLite file: durable add,
 * duplicate uuids refused, oldest-due first, retry scheduling, dead rows,
 * and everything still there after closing and reopening (a restart); an
 * outbox written before the file had a version migrates with its rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include "outbox.h"
#include "trygg/ref.h"

static char dir[256], path[300];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/kiosk-outbox-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/outbox.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void test_add_next_done(void **state)
{
    (void)state;
    char err[256];
    outbox *o = outbox_open(path, err, sizeof err);
    assert_non_null(o);
    assert_int_equal(outbox_depth(o), 0);
    assert_int_equal(outbox_next_due(o), UINT64_MAX);
    assert_int_equal(outbox_add(o, "uuid-a", "{\"a\":1}", 100), TRYGG_OK);
    assert_int_equal(outbox_add(o, "uuid-b", "{\"b\":2}", 200), TRYGG_OK);
    assert_int_equal(outbox_add(o, "uuid-a", "{}", 300), TRYGG_ERR_EXISTS);
    assert_int_equal(outbox_add(o, NULL, "{}", 300), TRYGG_ERR_INVALID);
    assert_int_equal(outbox_depth(o), 2);
    char uuid[OUTBOX_UUID_MAX + 1];
    char *body = NULL;
    int attempts = -1;
    assert_int_equal(outbox_next(o, 1000, uuid, &body, &attempts), 1);
    assert_string_equal(uuid, "uuid-a");
    assert_string_equal(body, "{\"a\":1}");
    assert_int_equal(attempts, 0);
    free(body);
    /* a failed try moves it back; b is next */
    assert_int_equal(outbox_retry(o, "uuid-a", 5000, "HTTP 500"), TRYGG_OK);
    assert_int_equal(outbox_next(o, 1000, uuid, &body, &attempts), 1);
    assert_string_equal(uuid, "uuid-b");
    free(body);
    assert_int_equal(outbox_done(o, "uuid-b"), TRYGG_OK);
    assert_int_equal(outbox_next(o, 1000, uuid, &body, &attempts), 0);
    assert_int_equal(outbox_next_due(o), 5000);
    assert_int_equal(outbox_next(o, 5000, uuid, &body, &attempts), 1);
    assert_int_equal(attempts, 1);
    free(body);
    assert_int_equal(outbox_dead(o, "uuid-a", "HTTP 400"), TRYGG_OK);
    assert_int_equal(outbox_depth(o), 0);
    assert_int_equal(outbox_dead_count(o), 1);
    assert_int_equal(outbox_purge_dead(o, 100), 0); /* created at 100: not older */
    assert_int_equal(outbox_purge_dead(o, 101), 1);
    assert_int_equal(outbox_dead_count(o), 0);
    assert_int_equal(outbox_depth(o), 0);
    outbox_close(o);
}

static void test_survives_reopen(void **state)
{
    (void)state;
    char err[256];
    outbox *o = outbox_open(path, err, sizeof err);
    assert_non_null(o);
    char id[32];
    for (int i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "u-%02d", i);
        assert_int_equal(outbox_add(o, id, "{\"text\":\"Gångtunneln\"}", (uint64_t)i), TRYGG_OK);
    }
    outbox_close(o); /* no explicit flush: every add is its own durable commit */
    o = outbox_open(path, err, sizeof err);
    assert_non_null(o);
    assert_int_equal(outbox_depth(o), 20);
    char uuid[OUTBOX_UUID_MAX + 1];
    char *body;
    int attempts;
    assert_int_equal(outbox_next(o, 0, uuid, &body, &attempts), 1);
    assert_string_equal(uuid, "u-00");
    assert_string_equal(body, "{\"text\":\"Gångtunneln\"}");
    free(body);
    outbox_close(o);
}

static void test_open_errors(void **state)
{
    (void)state;
    char err[256] = "";
    outbox *o = outbox_open("/nonexistent-dir/x/outbox.db", err, sizeof err);
    assert_null(o);
    assert_true(strlen(err) > 0);
    /* not a database */
    char bad[320];
    snprintf(bad, sizeof bad, "%s/bad.db", dir);
    FILE *f = fopen(bad, "w");
    fputs("this is not sqlite, just text that is long enough to have a header..........", f);
    fclose(f);
    assert_null(outbox_open(bad, err, sizeof err));
}

/* Issue 12: the receipt's reference is taken in the transaction that queues
 * the submission, goes with it as "ref", and the sequence survives a
 * restart: after a reopen no number is handed out twice. */
static void test_add_ref_sequence(void **state)
{
    (void)state;
    char err[256], ref[8], seen[40][8];
    outbox *o = outbox_open(path, err, sizeof err);
    assert_non_null(o);
    int n = 0;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 20; i++, n++) {
            char uuid[40];
            snprintf(uuid, sizeof uuid, "uuid-%d", n);
            assert_int_equal(outbox_add_ref(o, uuid, "{\"uuid\":\"x\"}", "3K", 1000, ref),
                             TRYGG_OK);
            assert_true(trygg_ref_is_kiosk(ref));
            char p[3];
            long seq;
            assert_int_equal(trygg_ref_kiosk_parse(ref, p, &seq), TRYGG_OK);
            assert_string_equal(p, "3K");
            assert_int_equal(seq, n);
            for (int j = 0; j < n; j++)
                assert_string_not_equal(seen[j], ref);
            memcpy(seen[n], ref, sizeof ref);
        }
        outbox_close(o); /* a restart */
        o = outbox_open(path, err, sizeof err);
        assert_non_null(o);
    }
    /* The queued body carries the receipt's reference. */
    char uuid[OUTBOX_UUID_MAX + 1], *body = NULL;
    int attempts;
    assert_int_equal(outbox_next(o, 2000, uuid, &body, &attempts), 1);
    char want[64];
    snprintf(want, sizeof want, "{\"ref\":\"%s\",\"uuid\":\"x\"}", seen[0]);
    assert_string_equal(body, want);
    free(body);
    /* A queued uuid again: refused, and no number is used up. */
    assert_int_equal(outbox_add_ref(o, "uuid-0", "{}", "3K", 1000, ref), TRYGG_ERR_EXISTS);
    assert_int_equal(outbox_add_ref(o, "uuid-new", "{}", "3K", 1000, ref), TRYGG_OK);
    assert_int_equal(outbox_next_due(o), 0);
    char p[3];
    long seq;
    assert_int_equal(trygg_ref_kiosk_parse(ref, p, &seq), TRYGG_OK);
    assert_int_equal(seq, 40);
    /* No prefix known: queued without a reference, the receipt shows none. */
    assert_int_equal(outbox_add_ref(o, "uuid-nopfx", "{\"a\":1}", "", 1000, ref), TRYGG_OK);
    assert_string_equal(ref, "");
    assert_int_equal(outbox_depth(o), 42);
    outbox_close(o);

    /* The prefix's numbers used up: saved, but no number (never one twice). */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "UPDATE ref_seq SET next = 707281 WHERE prefix = '3K'", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    o = outbox_open(path, err, sizeof err);
    assert_non_null(o);
    assert_int_equal(outbox_add_ref(o, "uuid-full", "{}", "3K", 1000, ref), TRYGG_OK);
    assert_string_equal(ref, "");
    /* ... until the server's next prefix arrives: its sequence starts at 0. */
    assert_int_equal(outbox_add_ref(o, "uuid-next", "{}", "3M", 1000, ref), TRYGG_OK);
    char p2[3];
    long s2;
    assert_int_equal(trygg_ref_kiosk_parse(ref, p2, &s2), TRYGG_OK);
    assert_string_equal(p2, "3M");
    assert_int_equal(s2, 0);
    outbox_close(o);
}

/* The schema of an outbox file as text: every sqlite_master row (type, name,
 * sql) in name order, and the user_version, into out[cap]. */
static void schema_of(const char *file, char *out, size_t cap, int *version)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(file, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT type || ' ' || name || ' ' || ifnull(sql, '') "
                                        "FROM sqlite_master ORDER BY type, name",
                                        -1, &st, NULL),
                     SQLITE_OK);
    size_t n = 0;
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW)
        n += (size_t)snprintf(out + n, cap - n, "%s\n", (const char *)sqlite3_column_text(st, 0));
    assert_true(n < cap);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* Issue 11: the outbox is versioned. A file written by the kiosk before the
 * outbox had a version (the exact DDL of that code, user_version 0, with
 * queued, dead and sequence rows) opens with today's code: every row is kept,
 * the reference sequence goes on, and the schema and version equal those of
 * a fresh file. */
static void test_unversioned_file_migrates(void **state)
{
    (void)state;
    static const char old_schema[] =
        "CREATE TABLE IF NOT EXISTS outbox("
        " uuid TEXT PRIMARY KEY,"
        " created INTEGER NOT NULL,"
        " body TEXT NOT NULL,"
        " state INTEGER NOT NULL DEFAULT 0,"
        " attempts INTEGER NOT NULL DEFAULT 0,"
        " next_try INTEGER NOT NULL DEFAULT 0,"
        " last_error TEXT NOT NULL DEFAULT '');"
        "CREATE INDEX IF NOT EXISTS outbox_due ON outbox(state, next_try, created);"
        "CREATE TABLE IF NOT EXISTS ref_seq("
        " prefix TEXT PRIMARY KEY,"
        " next INTEGER NOT NULL);";
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                  " PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, old_schema, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "INSERT INTO outbox(uuid, created, body, next_try) VALUES"
                     " ('old-a', 100, '{\"ref\":\"K3K0001\",\"a\":1}', 0),"
                     " ('old-b', 200, '{\"b\":2}', 0);"
                     "INSERT INTO outbox(uuid, created, body, state, attempts, last_error)"
                     " VALUES ('old-dead', 50, '{\"d\":3}', 2, 4, 'HTTP 400');"
                     "INSERT INTO ref_seq(prefix, next) VALUES ('3K', 7);",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);

    char err[256];
    outbox *o = outbox_open(path, err, sizeof err);
    assert_non_null(o);
    assert_int_equal(outbox_depth(o), 2);
    assert_int_equal(outbox_dead_count(o), 1);
    char uuid[OUTBOX_UUID_MAX + 1], *body = NULL;
    int attempts;
    assert_int_equal(outbox_next(o, 1000, uuid, &body, &attempts), 1);
    assert_string_equal(uuid, "old-a");
    assert_string_equal(body, "{\"ref\":\"K3K0001\",\"a\":1}");
    free(body);
    char ref[8], p[3];
    long seq;
    assert_int_equal(outbox_add_ref(o, "new-c", "{}", "3K", 1000, ref), TRYGG_OK);
    assert_int_equal(trygg_ref_kiosk_parse(ref, p, &seq), TRYGG_OK);
    assert_int_equal(seq, 7);
    outbox_close(o);

    char fresh[300];
    snprintf(fresh, sizeof fresh, "%s/fresh.db", dir);
    o = outbox_open(fresh, err, sizeof err);
    assert_non_null(o);
    outbox_close(o);
    static char got[4096], want[4096];
    int vgot = -1, vwant = -1;
    schema_of(path, got, sizeof got, &vgot);
    schema_of(fresh, want, sizeof want, &vwant);
    assert_true(vwant >= 1);
    assert_int_equal(vgot, vwant);
    assert_string_equal(got, want);
    /* Opening again changes nothing. */
    o = outbox_open(path, err, sizeof err);
    assert_non_null(o);
    assert_int_equal(outbox_depth(o), 3);
    outbox_close(o);
    schema_of(path, got, sizeof got, &vgot);
    assert_int_equal(vgot, vwant);
    assert_string_equal(got, want);
}

/* A file of a newer version than this kiosk knows is refused, not guessed at. */
static void test_newer_version_refused(void **state)
{
    (void)state;
    char err[256];
    outbox *o = outbox_open(path, err, sizeof err);
    assert_non_null(o);
    outbox_close(o);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1000", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    err[0] = '\0';
    assert_null(outbox_open(path, err, sizeof err));
    assert_non_null(strstr(err, "newer"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_next_done, setup, teardown),
        cmocka_unit_test_setup_teardown(test_survives_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_ref_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unversioned_file_migrates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_version_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
