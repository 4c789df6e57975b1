/* The SQLite backend's own side of the store (the conformance part is
 * test_store.c): the pragmas a fresh handle runs with, a file of a newer
 * schema left untouched, and the two full-text plans of the list query. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "store_fixture.h"
#include "store_sqlite_internal.h"
#include "trygg/ref.h"

/* WAL with synchronous=FULL (durability) and foreign keys on. */
static void test_open_sets_pragmas(void **state)
{
    fixture *f = *state;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(f->st->db, "PRAGMA journal_mode", -1, &s, NULL), 0);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    assert_int_equal(sqlite3_prepare_v2(f->st->db, "PRAGMA synchronous", -1, &s, NULL), 0);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 2); /* FULL */
    sqlite3_finalize(s);
    assert_int_equal(sqlite3_prepare_v2(f->st->db, "PRAGMA foreign_keys", -1, &s, NULL), 0);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 1);
    sqlite3_finalize(s);
}

/* Above a few thousand items, common words are listed by probing rows in
 * order instead of materialising every match: both plans give the same
 * pages. */
static void test_list_fulltext_plans_agree(void **state)
{
    fixture *f = *state;
    sqlite3 *db = f->st->db;
    /* Rows written with SQL inside the store's transaction: it indexes
     * them for full-text search when it commits (v19, fts_pending). */
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO items (ref, client_key, channel, kind, area, "
                                        "text, status, urgent, created, updated, purge_at) VALUES "
                                        "(?1, ?2, 'kiosk', 'concern', 'Centrum', ?3, 'new', ?4, "
                                        "?5, ?5, ?5 + 86400)",
                                        -1, &s, NULL),
                     SQLITE_OK);
    enum { ITEMS = 5000 };
    for (int i = 0; i < ITEMS; i++) {
        char key[32], ref[8], text[64];
        snprintf(key, sizeof key, "plan-%d", i);
        trygg_ref_from_key(key, ref);
        /* "lampa" in every item, "bänk" in every 700th. */
        snprintf(text, sizeof text, "lampa %s nummer %d", i % 700 == 0 ? "bänk" : "sten", i);
        sqlite3_bind_text(s, 1, ref, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 3, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 4, i % 1000 == 3);
        sqlite3_bind_int64(s, 5, 1700000000 + (i % 97) * 60);
        int rc = sqlite3_step(s);
        if (rc != SQLITE_DONE) { /* reference collision: skip that one */
            assert_int_equal(rc & 0xff, SQLITE_CONSTRAINT);
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);

    assert_int_equal(trygg_st_fts_plan(f->st, "\"lampa\"", TRYGG_VIEW_FULL), TRYGG_ST_FTS_PROBE);
    assert_int_equal(trygg_st_fts_plan(f->st, "\"bänk\"", TRYGG_VIEW_FULL), TRYGG_ST_FTS_IN);
    const char *queries[] = {"lampa", "bänk", "lampa nummer", "lam*"};
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        trygg_filter flt;
        trygg_filter_init(&flt);
        flt.view = TRYGG_VIEW_FULL;
        strcpy(flt.query, queries[q]);
        int64_t counts[TRYGG_STATUS_COUNT];
        assert_int_equal(trygg_store_count_by_status(f->st, &flt, counts), TRYGG_OK);
        /* Page through everything with the list plan; compare with a plain
         * SQL reference ordering. */
        static trygg_item page[64];
        trygg_cursor cur = {0}, next;
        int n, total = 0;
        sqlite3_stmt *ref;
        char fts[64];
        snprintf(fts, sizeof fts, "%s", queries[q]);
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT id FROM items WHERE id IN (SELECT rowid FROM "
                                            "items_fts WHERE items_fts MATCH ?1) ORDER BY urgent "
                                            "DESC, created DESC, id DESC",
                                            -1, &ref, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(ref, 1, fts, -1, SQLITE_STATIC);
        do {
            assert_int_equal(trygg_store_list(f->st, &flt, &cur, page, 64, &n, &next), TRYGG_OK);
            for (int i = 0; i < n; i++) {
                assert_int_equal(sqlite3_step(ref), SQLITE_ROW);
                assert_int_equal(page[i].id, sqlite3_column_int64(ref, 0));
            }
            total += n;
            cur = next;
        } while (next.valid && total < 800);
        if (total < 800)
            assert_int_equal(sqlite3_step(ref), SQLITE_DONE);
        sqlite3_finalize(ref);
        if (q == 1)
            assert_int_equal(total, counts[TRYGG_STATUS_NEW]);
        assert_true(total > 0);
    }
}

static void test_newer_schema_is_refused_untouched(void **state)
{
    fixture *f = *state;
    trygg_store_close(f->st);
    f->st = NULL;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", trygg_store_schema_latest() + 1);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    struct stat before, after;
    assert_int_equal(stat(f->path, &before), 0);
    FILE *fp = fopen(f->path, "rb");
    assert_non_null(fp);
    static unsigned char a[1 << 20], b[1 << 20];
    size_t na = fread(a, 1, sizeof a, fp);
    fclose(fp);
    trygg_store *st = NULL;
    assert_int_equal(trygg_store_open(f->path, &st), TRYGG_ERR_SCHEMA);
    assert_null(st);
    assert_int_equal(stat(f->path, &after), 0);
    fp = fopen(f->path, "rb");
    size_t nb = fread(b, 1, sizeof b, fp);
    fclose(fp);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    char wal[PATH_MAX + 8];
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    assert_int_not_equal(access(wal, F_OK), 0); /* not switched to WAL */
    assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_ERR_SCHEMA);
}

/* A row whose kind, channel, status or close reason is no known name is a
 * corrupt row: reading it fails (TRYGG_ERR_DB) instead of giving kind 0. */
static void test_corrupt_enum_column_is_an_error(void **state)
{
    fixture *f = *state;
    static const char *const cols[] = {"kind", "channel", "status", "close_reason"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        char key[32], ref[8], sql[512];
        snprintf(key, sizeof key, "corrupt-%zu", c);
        trygg_ref_from_key(key, ref);
        snprintf(sql, sizeof sql,
                 "INSERT INTO items (ref, client_key, channel, kind, area, text, status, "
                 "urgent, created, updated, purge_at) VALUES ('%s', '%s', 'kiosk', "
                 "'concern', 'Centrum', 'x', 'new', 0, 1700000000, 1700000000, 1700086400);"
                 "UPDATE items SET %s = 'bogus' WHERE client_key = '%s'",
                 ref, key, cols[c], key);
        assert_int_equal(sqlite3_exec(f->st->db, sql, NULL, NULL, NULL), SQLITE_OK);
        trygg_item it;
        assert_int_equal(trygg_store_get_by_ref(f->st, ref, &it), TRYGG_ERR_DB);
        int n = -1;
        trygg_item items[4];
        trygg_filter flt;
        trygg_filter_init(&flt);
        trygg_cursor cur = {0}, next;
        assert_int_equal(trygg_store_list(f->st, &flt, &cur, items, 4, &n, &next), TRYGG_ERR_DB);
        assert_int_equal(n, 0);
        /* Counting by status reads the status column too. */
        int64_t counts[TRYGG_STATUS_COUNT];
        assert_int_equal(trygg_store_count_by_status(f->st, &flt, counts),
                         strcmp(cols[c], "status") == 0 ? TRYGG_ERR_DB : TRYGG_OK);
        snprintf(sql, sizeof sql, "DELETE FROM items WHERE client_key = '%s'", key);
        assert_int_equal(sqlite3_exec(f->st->db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
}

/* The handle keeps its prepared statements (issue 12: parsing every
 * statement again was about half of the intake committer's time): a second
 * submit and read in one transaction run the statements the first one
 * prepared and prepare none, and no statement is left running (a cached
 * SELECT left mid-way would hold a read snapshot and pin the WAL). */
static void test_statements_are_reused(void **state)
{
    fixture *f = *state;
    sqlite3 *db = f->st->db;
    enum { MAX = 256 };
    sqlite3_stmt *first[MAX];
    int n = 0, m = 0, created = 0, insert = 0;
    for (int round = 0; round < 2; round++) {
        trygg_item it, out;
        char key[32];
        snprintf(key, sizeof key, "reuse-%d", round);
        fx_item(&it, key, TRYGG_KIND_CONCERN, "Centrum", "Lampan vid gångtunneln är trasig");
        assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
        assert_int_equal(trygg_store_submit(f->st, &it, &out, &created), TRYGG_OK);
        assert_int_equal(created, 1);
        assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
        assert_int_equal(trygg_store_get_by_ref(f->st, out.ref, &it), TRYGG_OK);
        for (sqlite3_stmt *s = sqlite3_next_stmt(db, NULL); s; s = sqlite3_next_stmt(db, s)) {
            assert_int_equal(sqlite3_stmt_busy(s), 0);
            if (round == 0) {
                /* FTS5 keeps its own statements; the store's must be there too. */
                insert |= strncmp(sqlite3_sql(s), "INSERT INTO items (", 19) == 0;
                assert_true(n < MAX);
                first[n++] = s;
                continue;
            }
            int known = 0;
            for (int i = 0; i < n; i++)
                known |= first[i] == s;
            if (!known)
                fail_msg("prepared again: %s", sqlite3_sql(s));
            m++;
        }
    }
    assert_true(insert);
    assert_int_equal(m, n);
}

/* The full-text indexes' blocks: their number and total size. */
static void fts_blocks(sqlite3 *db, int64_t out[2])
{
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT (SELECT count(*) + total(length(block)) FROM "
                                        "items_fts_data), (SELECT count(*) + total(length(block)) "
                                        "FROM items_shared_fts_data)",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    out[0] = sqlite3_column_int64(s, 0);
    out[1] = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
}

/* Items added in one transaction (the intake's batch) are indexed for
 * full-text search once, when it commits: before issue 12 the insert
 * trigger wrote both FTS5 indexes at the end of every item's statement (a
 * new segment each, then merges: most of a submit's cost). Inside the
 * transaction the indexes are untouched; after the commit every item is
 * found in both views, an item changed or deleted before the commit is
 * indexed as it is at the commit, and the indexes are consistent. */
static void test_fulltext_indexed_once_per_transaction(void **state)
{
    fixture *f = *state;
    enum { N = 16 };
    int64_t before[2], inside[2], after[2];
    fts_blocks(f->st->db, before);
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    int64_t ids[N];
    for (int i = 0; i < N; i++) {
        trygg_item it, out;
        int created = 0;
        char key[32];
        snprintf(key, sizeof key, "batch-%d", i);
        fx_item(&it, key, TRYGG_KIND_CONCERN, "Centrum", "Trasig gatlykta vid busshållplatsen");
        assert_int_equal(trygg_store_submit(f->st, &it, &out, &created), TRYGG_OK);
        assert_int_equal(created, 1);
        ids[i] = out.id;
    }
    /* Changed in both views, and one deleted, before the commit. */
    assert_int_equal(trygg_store_redact(f->st, ids[1], "anna", "Nedklottrad cykelbod", ""),
                     TRYGG_OK);
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE items SET text = 'Nedklottrad cykelbod' WHERE id = %lld; "
             "DELETE FROM audit WHERE item_id = %lld; DELETE FROM items WHERE id = %lld",
             (long long)ids[1], (long long)ids[2], (long long)ids[2]);
    assert_int_equal(sqlite3_exec(f->st->db, sql, NULL, NULL, NULL), SQLITE_OK);
    fts_blocks(f->st->db, inside);
    assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
    fts_blocks(f->st->db, after);
    assert_int_equal(inside[0], before[0]);
    assert_int_equal(inside[1], before[1]);
    assert_true(after[0] > before[0] && after[1] > before[1]);

    static const struct {
        const char *query;
        int found;
    } q[] = {{"gatlykta", N - 2}, {"cykelbod", 1}, {"busshållplatsen", N - 2}};
    for (size_t k = 0; k < sizeof q / sizeof q[0]; k++)
        for (int v = 0; v < 2; v++) {
            trygg_filter flt;
            trygg_filter_init(&flt);
            flt.view = v ? TRYGG_VIEW_SHARED : TRYGG_VIEW_FULL;
            snprintf(flt.query, sizeof flt.query, "%s", q[k].query);
            static trygg_item page[N];
            int n = -1;
            assert_int_equal(trygg_store_list(f->st, &flt, NULL, page, N, &n, NULL), TRYGG_OK);
            assert_int_equal(n, q[k].found);
        }
    assert_int_equal(sqlite3_exec(f->st->db,
                                  "INSERT INTO items_fts(items_fts, rank) VALUES "
                                  "('integrity-check', 1); INSERT INTO "
                                  "items_shared_fts(items_shared_fts, rank) VALUES "
                                  "('integrity-check', 1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
}

static long long wal_size(const fixture *f)
{
    char p[sizeof f->path + 8];
    snprintf(p, sizeof p, "%s-wal", f->path);
    struct stat sb;
    return stat(p, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* Past the log's bound the committing handle restarts the log instead of
 * truncating it to nothing (issue 12): the file keeps its pages, so the next
 * commits overwrite them instead of growing it again (on tmpfs the commit
 * spent a fifth of its time allocating them), and it never grows past the
 * bound plus a commit. */
static void test_wal_bound_restarts_the_log(void **state)
{
    fixture *f = *state;
    enum { LIMIT = 64 * 4096 };
    trygg_store_set_wal_limit(f->st, LIMIT);
    assert_int_equal(trygg_store_set_autocheckpoint(f->st, 0), TRYGG_OK);
    long long max = 0, low = -1;
    for (int i = 0; i < 200; i++) {
        trygg_item it, out;
        int created = 0;
        char key[32];
        snprintf(key, sizeof key, "wal-%d", i);
        fx_item(&it, key, TRYGG_KIND_FAULT, "Centrum", "Trasig gatlykta vid busshållplatsen");
        assert_int_equal(trygg_store_submit(f->st, &it, &out, &created), TRYGG_OK);
        long long sz = wal_size(f);
        if (i == 0) /* the log of creating the schema, before the bound was set */
            continue;
        if (sz > max)
            max = sz;
        if (max >= LIMIT / 2 && (low < 0 || sz < low))
            low = sz;
    }
    printf("WAL: largest %lld bytes, smallest after half the bound %lld\n", max, low);
    assert_true(max >= LIMIT / 2);
    assert_true(max <= 2 * LIMIT);
    assert_true(low >= LIMIT / 2);
}

int main(void)
{
    if (trygg_secret_init() != TRYGG_OK)
        return 1;
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_open_sets_pragmas),
        T(test_list_fulltext_plans_agree),
        T(test_newer_schema_is_refused_untouched),
        T(test_corrupt_enum_column_is_an_error),
        T(test_statements_are_reused),
        T(test_fulltext_indexed_once_per_transaction),
        T(test_wal_bound_restarts_the_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
