/*
 * test_store_pg_reconnect.c — the PostgreSQL backend finds its database
 * again by itself (docs/postgresql.md, "Failover"): a connection the
 * server ended (a restart, a failover, an administrator's
 * pg_terminate_backend) is made again on the next call, also when that call
 * begins with a transaction; a session that answers "read-only" (a standby,
 * SQLSTATE 25006) is dropped and the next call connects again, so a
 * multi-host target_session_attrs=read-write connection string finds the
 * new primary. PostgreSQL only (skipped without TRYGG_TEST_PG).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_fixture.h"

/* Ends every session on the fixture's database but the admin's own. */
static void kill_sessions(const fixture *f)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "DO $$ BEGIN PERFORM pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = '%s' AND pid <> pg_backend_pid(); END $$",
             f->pgdb);
    assert_int_equal(fx_pg_admin(sql), 0);
}

static trygg_err submit(trygg_store *st, const char *key)
{
    trygg_item it, out;
    fx_item(&it, key, TRYGG_KIND_FAULT, "centrum", "Trasig lampa i trapphuset");
    int created = 0;
    return trygg_store_submit(st, &it, &out, &created);
}

static void test_reconnect_before_transaction(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    assert_int_equal(submit(f->st, "rc-1"), TRYGG_OK);
    kill_sessions(f);
    /* The submit begins with BEGIN: that statement must reconnect. */
    assert_int_equal(submit(f->st, "rc-2"), TRYGG_OK);
    kill_sessions(f);
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    assert_int_equal(submit(f->st, "rc-3"), TRYGG_OK);
    assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
    assert_int_equal(fx_table_rows(f->st, "items"), 3);
}

static void test_read_only_session_is_dropped(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    char sql[160];
    /* New sessions are read-only (as on a standby); the store's connection
     * is ended, so it comes back read-only and a write fails. */
    snprintf(sql, sizeof sql, "ALTER DATABASE %s SET default_transaction_read_only = on", f->pgdb);
    assert_int_equal(fx_pg_admin(sql), 0);
    kill_sessions(f);
    assert_int_equal(submit(f->st, "ro-1"), TRYGG_ERR_READONLY);
    assert_int_equal(submit(f->st, "ro-2"), TRYGG_ERR_READONLY);
    /* The primary is writable again (promoted): the store must not stay on
     * the read-only session it has, but connect again. */
    snprintf(sql, sizeof sql, "ALTER DATABASE %s RESET default_transaction_read_only", f->pgdb);
    assert_int_equal(fx_pg_admin(sql), 0);
    assert_int_equal(submit(f->st, "ro-3"), TRYGG_OK);
    assert_int_equal(fx_table_rows(f->st, "items"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reconnect_before_transaction, fx_setup_pg,
                                        fx_teardown_pg),
        cmocka_unit_test_setup_teardown(test_read_only_session_is_dropped, fx_setup_pg,
                                        fx_teardown_pg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
