/*
 * test_store_pg_search_copy.c — PostgreSQL's items_urgent (v25, a narrow
 * copy of the urgent items' search columns that a search reads its urgent
 * part from; docs/postgresql.md): it always holds exactly the urgent items
 * with their current search words. Raising and lowering urgency, redacting
 * the shared text and the retention purge all rewrite it, so a word taken
 * out of an item is not found through the copy either (a redacted word must
 * not make an item match in the shared view, a purged one not at all:
 * docs/privacy.md).
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

/* One number from the store's own connection. */
static long long sql_count(trygg_store *st, const char *sql)
{
    PGresult *r = PQexec(st->conn, sql);
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    long long n = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n;
}

/* The copy is exactly the urgent items, each with the item's words. */
static void assert_copy_exact(trygg_store *st)
{
    assert_int_equal(sql_count(st, "SELECT count(*) FROM items WHERE urgent"),
                     sql_count(st, "SELECT count(*) FROM items_urgent"));
    assert_int_equal(sql_count(st, "SELECT count(*) FROM items i JOIN items_urgent u USING (id) "
                                   "WHERE i.urgent AND u.fts = i.fts AND u.shared_fts = "
                                   "i.shared_fts AND u.created = i.created"),
                     sql_count(st, "SELECT count(*) FROM items WHERE urgent"));
}

/* Items a search for `q` finds in `view`, at most 8. */
static int found_in(trygg_store *st, const char *q, trygg_view view)
{
    trygg_filter flt;
    trygg_filter_init(&flt);
    flt.view = view;
    snprintf(flt.query, sizeof flt.query, "%s", q);
    trygg_cursor at = {0}, next;
    trygg_item page[8];
    int n = 0;
    assert_int_equal(trygg_store_list(st, &flt, &at, page, 8, &n, &next), TRYGG_OK);
    return n;
}

static int found(trygg_store *st, const char *q)
{
    return found_in(st, q, TRYGG_VIEW_FULL);
}

static int64_t submit(trygg_store *st, const char *key, const char *text, int urgent)
{
    trygg_item it, out;
    fx_item(&it, key, TRYGG_KIND_CONCERN, "centrum", text);
    it.urgent = urgent;
    int made = 0;
    assert_int_equal(trygg_store_submit(st, &it, &out, &made), TRYGG_OK);
    assert_int_equal(made, 1);
    return out.id;
}

static void test_copy_follows_the_items(void **state)
{
    fixture *f = *state;
    if (!f)
        skip();
    trygg_store *st = f->st;
    int64_t a = submit(st, "u-1", "Hotfull man vid busshållplatsen", 1);
    int64_t b = submit(st, "u-2", "Trasig lampa i gången", 0);
    assert_copy_exact(st);
    assert_int_equal(sql_count(st, "SELECT count(*) FROM items_urgent"), 1);
    assert_int_equal(found(st, "busshållplatsen"), 1);

    assert_int_equal(trygg_store_set_urgent(st, b, "staff", 1), TRYGG_OK);
    assert_copy_exact(st);
    assert_int_equal(found(st, "lampa"), 1);
    assert_int_equal(trygg_store_set_urgent(st, b, "staff", 0), TRYGG_OK);
    assert_copy_exact(st);
    assert_int_equal(sql_count(st, "SELECT count(*) FROM items_urgent"), 1);
    assert_int_equal(found(st, "lampa"), 1); /* the rest of the search finds it */

    /* redaction (of the text partners see): the word is gone from the
     * copy's shared words and from the shared view's search */
    assert_int_equal(found_in(st, "busshållplatsen", TRYGG_VIEW_SHARED), 1);
    assert_int_equal(trygg_store_redact(st, a, "staff", "Hotfull man vid [borttaget]", NULL),
                     TRYGG_OK);
    assert_copy_exact(st);
    assert_int_equal(found_in(st, "busshållplatsen", TRYGG_VIEW_SHARED), 0);
    assert_int_equal(sql_count(st, "SELECT count(*) FROM items_urgent WHERE shared_fts @@ "
                                   "plainto_tsquery('trygg_sv', 'busshållplatsen')"),
                     0);
    assert_int_equal(found_in(st, "hotfull", TRYGG_VIEW_SHARED), 1);
    assert_int_equal(found(st, "busshållplatsen"), 1); /* staff's full text keeps it */

    /* the retention purge blanks the text: the copy follows */
    assert_int_equal(
        trygg_store_set_status(st, a, "staff", TRYGG_STATUS_CLOSED, TRYGG_CLOSE_RESOLVED, 0),
        TRYGG_OK);
    PGresult *r = PQexec(st->conn, "UPDATE items SET purge_at = now() - interval '1 day' "
                                   "WHERE client_key = 'u-1'");
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    int n = 0;
    assert_int_equal(trygg_store_purge(st, trygg_pg_now(), &n), TRYGG_OK);
    assert_true(n >= 1);
    assert_copy_exact(st);
    assert_int_equal(found(st, "hotfull"), 0);
    assert_int_equal(sql_count(st, "SELECT count(*) FROM items_urgent WHERE fts @@ "
                                   "plainto_tsquery('trygg_sv', 'hotfull')"),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_copy_follows_the_items, fx_setup_pg, fx_teardown_pg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
