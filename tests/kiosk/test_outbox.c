/*
 * test_outbox.c — the kiosk outbox on a real SQLite file: durable add,
 * duplicate uuids refused, oldest-due first, retry scheduling, dead rows,
 * and everything still there after closing and reopening (a restart).
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_next_done, setup, teardown),
        cmocka_unit_test_setup_teardown(test_survives_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_ref_sequence, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
