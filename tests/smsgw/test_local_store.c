/*
 * test_local_store.c — the gateway's own store (smsgw/local_store.c) on a
 * real SQLite file: the schema is versioned (user_version, reopening and a
 * file from a newer gateway), a message key is stored once, a server row is
 * queued once however often it is claimed, STOP erases the number's
 * ciphertext and cancels what waits for it, offline sequence numbers never
 * repeat (also across reopening), and a full disk is reported as
 * TRYGG_ERR_FULL with nothing half-written; every statement is prepared
 * once and kept (issue 13: re-preparing was 29 % of the gateway's cost).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "local_store.h"

typedef struct fx {
    char dir[64], path[128];
    lstore *s;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/trygg-ls-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/smsgw.db", f->dir);
    char err[256];
    if (ls_open(f->path, &f->s, err, sizeof err) != TRYGG_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    ls_close(f->s);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void inbound(ls_inbound *m, const char *key, const char *text)
{
    memset(m, 0, sizeof *m);
    snprintf(m->key, sizeof m->key, "%s", key);
    snprintf(m->type, sizeof m->type, "sms");
    snprintf(m->pseudo, sizeof m->pseudo, "%064d", 1);
    snprintf(m->text, sizeof m->text, "%s", text);
    m->received = 1700000000;
    m->reachable = 1;
}

static void test_versioned(void **state)
{
    fx *f = *state;
    assert_int_equal(ls_schema_version(f->s), ls_schema_latest());
    ls_close(f->s);
    char err[256];
    assert_int_equal(ls_open(f->path, &f->s, err, sizeof err), TRYGG_OK);
    assert_int_equal(ls_schema_version(f->s), ls_schema_latest());
    /* A file from a newer gateway is refused, not damaged. */
    char newer[160];
    snprintf(newer, sizeof newer, "%s/newer.db", f->dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(newer, &db), SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", ls_schema_latest() + 1);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    lstore *s2 = NULL;
    assert_int_not_equal(ls_open(newer, &s2, err, sizeof err), TRYGG_OK);
    assert_non_null(strstr(err, "newer"));
}

static void test_inbound_once(void **state)
{
    fx *f = *state;
    ls_inbound m, rows[4];
    inbound(&m, "sms:aa", "Mörkt vid ån");
    int added = 0, n = 0;
    assert_int_equal(ls_inbound_add(f->s, &m, &added), TRYGG_OK);
    assert_int_equal(added, 1);
    assert_int_equal(ls_inbound_add(f->s, &m, &added), TRYGG_OK); /* read again after a crash */
    assert_int_equal(added, 0);
    assert_int_equal(ls_inbound_pending(f->s, rows, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].text, "Mörkt vid ån");
    assert_int_equal(ls_inbound_offline(f->s, rows[0].id, "22-2345", 1), TRYGG_OK);
    assert_int_equal(ls_inbound_get(f->s, "sms:aa", &m), TRYGG_OK);
    assert_string_equal(m.offline_ref, "22-2345");
    assert_int_equal(m.offline_done, 1);
    assert_int_equal(ls_inbound_done(f->s, rows[0].id, "uploaded", "{}"), TRYGG_OK);
    assert_int_equal(ls_inbound_pending(f->s, rows, 4, &n), TRYGG_OK);
    assert_int_equal(n, 0);
}

static void test_sendq_and_stop(void **state)
{
    fx *f = *state;
    const char *P = "0000000000000000000000000000000000000000000000000000000000000002";
    unsigned char c[16] = {1, 2, 3};
    assert_int_equal(ls_number_put(f->s, P, c, 16), TRYGG_OK);
    ls_send s = {.server_id = 41, .urgent = 0};
    snprintf(s.pseudo, sizeof s.pseudo, "%s", P);
    snprintf(s.text, sizeof s.text, "Tack");
    int added = 0, n = 0;
    assert_int_equal(ls_send_add(f->s, &s, &added), TRYGG_OK);
    assert_int_equal(added, 1);
    assert_int_equal(ls_send_add(f->s, &s, &added), TRYGG_OK); /* claimed again */
    assert_int_equal(added, 0);
    ls_send u = {.urgent = 1};
    snprintf(u.pseudo, sizeof u.pseudo, "%s", P);
    snprintf(u.text, sizeof u.text, "112 ...");
    assert_int_equal(ls_send_add(f->s, &u, &added), TRYGG_OK);
    ls_send rows[4];
    assert_int_equal(ls_send_due(f->s, 1, rows, 4, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].urgent, 1); /* urgent first */
    assert_int_equal(ls_send_mark(f->s, rows[1].id, "sent", 1, "", 0), TRYGG_OK);
    assert_int_equal(ls_send_unreported(f->s, rows, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].server_id, 41);
    assert_int_equal(ls_send_reported(f->s, rows[0].id), TRYGG_OK);
    assert_int_equal(ls_send_unreported(f->s, rows, 4, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    /* STOP: the ciphertext goes, the urgent row waiting for it is cancelled,
     * and a new ciphertext is not taken until START. */
    assert_int_equal(ls_number_stop(f->s, P), TRYGG_OK);
    ls_number num;
    assert_int_equal(ls_number_get(f->s, P, &num), TRYGG_OK);
    assert_int_equal(num.stopped, 1);
    assert_int_equal(num.cipher_len, 0);
    assert_int_equal(ls_send_due(f->s, 1, rows, 4, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(ls_number_put(f->s, P, c, 16), TRYGG_OK);
    assert_int_equal(ls_number_get(f->s, P, &num), TRYGG_OK);
    assert_int_equal(num.cipher_len, 0);
    assert_int_equal(ls_number_start(f->s, P, c, 16), TRYGG_OK);
    assert_int_equal(ls_number_get(f->s, P, &num), TRYGG_OK);
    assert_int_equal(num.stopped, 0);
    assert_int_equal(num.cipher_len, 16);
}

static void test_offline_seq_unique(void **state)
{
    fx *f = *state;
    long a = -1, b = -1, c = -1;
    assert_int_equal(ls_next_seq(f->s, &a), TRYGG_OK);
    assert_int_equal(ls_next_seq(f->s, &b), TRYGG_OK);
    ls_close(f->s);
    char err[256];
    assert_int_equal(ls_open(f->path, &f->s, err, sizeof err), TRYGG_OK);
    assert_int_equal(ls_next_seq(f->s, &c), TRYGG_OK);
    assert_true(a != b && b != c && a != c);
    /* Rolled back with its message: the number is issued again, never two
     * different numbers for one receipt nor one number for two. */
    long d = -1, e = -1;
    assert_int_equal(ls_begin(f->s), TRYGG_OK);
    assert_int_equal(ls_next_seq(f->s, &d), TRYGG_OK);
    ls_rollback(f->s);
    assert_int_equal(ls_next_seq(f->s, &e), TRYGG_OK);
    assert_int_equal(d, e);
}

static void test_disk_full(void **state)
{
    fx *f = *state;
    assert_int_equal(ls_test_limit_pages(f->s, 0), TRYGG_OK);
    char big[TRYGG_TEXT_MAX];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    trygg_err e = TRYGG_OK;
    int added = 0;
    for (int i = 0; i < 200 && !e; i++) {
        ls_inbound m;
        char key[32];
        snprintf(key, sizeof key, "sms:full%d", i);
        inbound(&m, key, big);
        assert_int_equal(ls_begin(f->s), TRYGG_OK);
        e = ls_inbound_add(f->s, &m, &added);
        if (!e)
            e = ls_commit(f->s);
        else
            ls_rollback(f->s);
    }
    assert_int_equal(e, TRYGG_ERR_FULL);
    assert_int_equal(ls_test_limit_pages(f->s, -1), TRYGG_OK);
    int n = 0;
    assert_int_equal(ls_inbound_count(f->s, "pending", &n), TRYGG_OK);
    ls_inbound m;
    inbound(&m, "sms:after", "Efter");
    assert_int_equal(ls_inbound_add(f->s, &m, &added), TRYGG_OK);
    assert_int_equal(added, 1);
}

/* A value read into a buffer too small for it is cut at a character
 * boundary, as the queue's backend cuts (trygg/sqlite_util.h), never
 * inside a UTF-8 sequence. */
static void test_text_cut_at_character(void **state)
{
    fx *f = *state;
    assert_int_equal(ls_meta_set(f->s, "name", "\xc3\xa5\xc3\xa4\xc3\xb6"), TRYGG_OK); /* åäö */
    char out[4];
    assert_int_equal(ls_meta_get(f->s, "name", out, sizeof out), TRYGG_OK);
    assert_string_equal(out, "\xc3\xa5");
    char all[8];
    assert_int_equal(ls_meta_get(f->s, "name", all, sizeof all), TRYGG_OK);
    assert_string_equal(all, "\xc3\xa5\xc3\xa4\xc3\xb6");
}

/* One message's round through the store, as relay.c and gateway.c run it. */
static void one_round(lstore *s, int i)
{
    ls_inbound m, rows[2];
    char key[32];
    snprintf(key, sizeof key, "sms:%d", i);
    inbound(&m, key, "Mörkt vid ån");
    int added = 0, n = 0;
    unsigned char c[16] = {(unsigned char)i};
    assert_int_equal(ls_begin(s), TRYGG_OK);
    assert_int_equal(ls_number_put(s, m.pseudo, c, 16), TRYGG_OK);
    assert_int_equal(ls_inbound_add(s, &m, &added), TRYGG_OK);
    assert_int_equal(ls_commit(s), TRYGG_OK);
    ls_number num;
    assert_int_equal(ls_number_get(s, m.pseudo, &num), TRYGG_OK);
    assert_int_equal(ls_inbound_pending(s, rows, 2, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ls_inbound_done(s, rows[0].id, "uploaded", "{}"), TRYGG_OK);
    ls_send q = {.server_id = 100 + i};
    snprintf(q.pseudo, sizeof q.pseudo, "%s", m.pseudo);
    snprintf(q.text, sizeof q.text, "Tack");
    assert_int_equal(ls_send_add(s, &q, &added), TRYGG_OK);
    ls_send due[2];
    assert_int_equal(ls_send_due(s, 1900000000, due, 2, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ls_send_mark(s, due[0].id, "sent", 1, "", 0), TRYGG_OK);
    assert_int_equal(ls_send_reported(s, due[0].id), TRYGG_OK);
    assert_int_equal(ls_inbound_count(s, "pending", &n), TRYGG_OK);
    long seq;
    assert_int_equal(ls_next_seq(s, &seq), TRYGG_OK);
}

static void test_statements_kept(void **state)
{
    fx *f = *state;
    one_round(f->s, 1);
    uint64_t first = ls_prepares(f->s);
    assert_true(first > 0);
    for (int i = 2; i < 12; i++)
        one_round(f->s, i);
    assert_int_equal(ls_prepares(f->s), first); /* none prepared again */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_versioned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inbound_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sendq_and_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offline_seq_unique, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_cut_at_character, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statements_kept, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
