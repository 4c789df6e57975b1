/*
 * test_store_pg_round_trips.c — how many round trips the PostgreSQL backend
 * needs for a submit inside the intake's transaction (issue 17: "fewer round
 * trips per submit"), counted from libpq's own protocol trace (PQtrace: each
 * Sync or simple Query the client sends is one wait for the server), and
 * that a nested unit whose statement fails still rolls back only itself
 * while its SAVEPOINT and RELEASE travel with other statements.
 * PostgreSQL only (skipped without TRYGG_TEST_PG).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store_fixture.h"
#include "store_pg_internal.h"

typedef struct {
    FILE *f;
    char *buf;
    size_t len;
} trace;

static void trace_on(trygg_store *st, trace *t)
{
    t->buf = NULL;
    t->len = 0;
    t->f = open_memstream(&t->buf, &t->len);
    assert_non_null(t->f);
    PQtrace(st->conn, t->f);
    PQsetTraceFlags(st->conn, PQTRACE_SUPPRESS_TIMESTAMPS);
}

/* Round trips since trace_on: the Sync and Query messages sent ("F"). */
static int trace_off(trygg_store *st, trace *t)
{
    PQuntrace(st->conn);
    fclose(t->f);
    int n = 0;
    for (char *line = strtok(t->buf, "\n"); line; line = strtok(NULL, "\n")) {
        char dir[4], msg[32];
        int len;
        if (sscanf(line, "%3s %d %31s", dir, &len, msg) == 3 && strcmp(dir, "F") == 0 &&
            (strcmp(msg, "Sync") == 0 || strcmp(msg, "Query") == 0))
            n++;
    }
    free(t->buf);
    return n;
}

static trygg_err submit(trygg_store *st, const char *key, trygg_item *out)
{
    trygg_item it;
    fx_item(&it, key, TRYGG_KIND_FAULT, "centrum", "Trasig lampa i trapphuset");
    int created = 0;
    trygg_err err = trygg_store_submit(st, &it, out, &created);
    if (!err && !created)
        err = TRYGG_ERR_EXISTS;
    return err;
}

/* BEGIN, the submit, COMMIT: 7 round trips before (BEGIN, SAVEPOINT,
 * INSERT, audit, read back, RELEASE, COMMIT); now BEGIN and the SAVEPOINT
 * go with the INSERT (which carries the audit row and the read back), the
 * RELEASE with the COMMIT. */
static void test_submit_in_transaction(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    trygg_item out;
    assert_int_equal(submit(f->st, "warm-up", &out), TRYGG_OK); /* connection, catalog */
    trace t;
    trace_on(f->st, &t);
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    assert_int_equal(submit(f->st, "rt-1", &out), TRYGG_OK);
    assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
    int n = trace_off(f->st, &t);
    print_message("round trips for BEGIN + submit + COMMIT: %d\n", n);
    assert_true(n <= 2);
    trygg_item got;
    assert_int_equal(trygg_store_get_by_key(f->st, "rt-1", &got), TRYGG_OK);
    assert_int_equal(got.id, out.id);
    assert_string_equal(got.text, "Trasig lampa i trapphuset");
    assert_string_equal(out.ref, got.ref);
    assert_int_equal(out.created, got.created);
    assert_int_equal(out.status, TRYGG_STATUS_NEW);
}

/* A transaction in which nothing was written or read sends nothing (the
 * gateway's empty claims used to cost a BEGIN and a COMMIT each); a read
 * takes its BEGIN along. */
static void test_empty_transaction(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    trygg_item out;
    assert_int_equal(submit(f->st, "warm-up", &out), TRYGG_OK);
    trace t;
    trace_on(f->st, &t);
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    trygg_store_rollback(f->st);
    assert_int_equal(trace_off(f->st, &t), 0);
    trace_on(f->st, &t);
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    trygg_item got;
    assert_int_equal(trygg_store_get_by_key(f->st, "warm-up", &got), TRYGG_OK);
    assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
    assert_int_equal(trace_off(f->st, &t), 2); /* BEGIN + the read, COMMIT */
}

/* A nested unit that fails in the database (a kiosk added twice: a unique
 * key) undoes itself only; the transaction goes
 * on and commits what the other units did. */
static void test_failed_unit_rolls_back_alone(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    trygg_item a, b;
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    assert_int_equal(submit(f->st, "nest-a", &a), TRYGG_OK);
    trygg_kiosk k;
    memset(&k, 0, sizeof k);
    snprintf(k.id, sizeof k.id, "lobby-1");
    snprintf(k.name, sizeof k.name, "Entrén");
    snprintf(k.area, sizeof k.area, "centrum");
    char token[64];
    assert_int_equal(trygg_store_kiosk_add(f->st, &k, token), TRYGG_OK);
    /* the second one fails in the database (a unique key) after its
     * SAVEPOINT went with its INSERT */
    assert_int_equal(trygg_store_kiosk_add(f->st, &k, token), TRYGG_ERR_EXISTS);
    assert_int_equal(trygg_store_audit(f->st, a.id, "test", "note", "on a"), TRYGG_OK);
    assert_int_equal(submit(f->st, "nest-b", &b), TRYGG_OK);
    assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
    trygg_item got;
    assert_int_equal(trygg_store_get_by_key(f->st, "nest-a", &got), TRYGG_OK);
    assert_int_equal(trygg_store_get_by_key(f->st, "nest-b", &got), TRYGG_OK);
    trygg_audit rows[8];
    int n = 0;
    assert_int_equal(trygg_store_list_audit(f->st, a.id, rows, 8, &n), TRYGG_OK);
    assert_int_equal(n, 2); /* "created" and "on a" */
    /* and a rolled-back transaction leaves nothing of its units */
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    assert_int_equal(submit(f->st, "nest-c", &b), TRYGG_OK);
    trygg_store_rollback(f->st);
    assert_int_equal(trygg_store_get_by_key(f->st, "nest-c", &got), TRYGG_ERR_NOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_submit_in_transaction, fx_setup_pg, fx_teardown_pg),
        cmocka_unit_test_setup_teardown(test_empty_transaction, fx_setup_pg, fx_teardown_pg),
        cmocka_unit_test_setup_teardown(test_failed_unit_rolls_back_alone, fx_setup_pg,
                                        fx_teardown_pg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
