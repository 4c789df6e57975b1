/* Migration tests: databases created at every older schema version, with
 * data in them, are opened by the current code; the data survives, the
 * schema ends at the latest version and the newer features work on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store_fixture.h"
#include "store_sqlite_internal.h"
#include "trygg/police_events.h"

static int mk_dir(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/trygg-migr-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/trygg.db", f->dir);
    *state = f;
    return 0;
}

static int rm_dir(void **state)
{
    fixture *f = *state;
    trygg_store_close(f->st);
    fx_rmdir(f->dir);
    free(f);
    return 0;
}

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

static int version_of(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    int v = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW)
            v = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return v;
}

/* Fills an old database with rows the way that version's code would have. */
static void fill_old(const char *path, int version)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    exec_ok(db, "INSERT INTO items (ref, client_key, channel, source, kind, category, area, "
                "text, status, created, updated, purge_at) VALUES ('K7-4QX2', 'old-key', "
                "'kiosk', 'bibl-1', 'concern', 'lighting', 'Centrum', "
                "'Gammal text om klotteri tunneln', 'triaged', 1700000000, 1700000100, "
                "1900000000)");
    exec_ok(db, "INSERT INTO messages (item_id, dir, author, text, created) VALUES "
                "(1, 'note', 'anna', 'Gammal anteckning', 1700000050)");
    exec_ok(db, "INSERT INTO audit (item_id, actor, action, detail, at) VALUES "
                "(1, 'bibl-1', 'created', 'concern', 1700000000)");
    if (version >= 5) {
        /* v5 code gave every kiosk a prefix when it was added. */
        exec_ok(db, "INSERT INTO kiosks (id, name, area, token_hash, created, ref_prefix) VALUES "
                    "('bibl-1', 'Biblioteket', 'Centrum', 'abc', 1700000000, '22')");
        exec_ok(db, "INSERT INTO kiosks (id, name, area, token_hash, created, ref_prefix) VALUES "
                    "('halsa-1', 'Vårdcentralen', 'Göta', 'def', 1700000001, '23')");
        exec_ok(db, "INSERT INTO kiosk_prefixes (prefix, kiosk_id, issued) VALUES "
                    "('22', 'bibl-1', 1700000000), ('23', 'halsa-1', 1700000001)");
    } else {
        exec_ok(db, "INSERT INTO kiosks (id, name, area, token_hash, created) VALUES "
                    "('bibl-1', 'Biblioteket', 'Centrum', 'abc', 1700000000)");
        exec_ok(db, "INSERT INTO kiosks (id, name, area, token_hash, created) VALUES "
                    "('halsa-1', 'Vårdcentralen', 'Göta', 'def', 1700000001)");
    }
    exec_ok(db, "INSERT INTO walks (starts, area, place) VALUES (1800000000, 'Centrum', 'Torget')");
    if (version >= 2) {
        exec_ok(db, "INSERT INTO contacts (pseudonym, alias, first_seen, last_seen) VALUES "
                    "('1111111111111111111111111111111111111111111111111111111111111111', "
                    "'Tipsare T-1234', 1700000000, 1700000000)");
        exec_ok(db, "INSERT INTO sms_out (recipient, text, created, next_attempt) VALUES "
                    "('1111111111111111111111111111111111111111111111111111111111111111', "
                    "'Tack', 1700000000, 1700000000)");
    }
    sqlite3_close(db);
}

/* Applies the side objects that the code before v6 created on open (the
 * report, the police feed, the SMS gateway), verbatim from
 * tests/shared/fixtures/side-tables-vN.sql, and puts a row in each table
 * that holds data. */
static void add_old_side_tables(const char *path, int version)
{
    char fx[600], *sql = NULL;
    snprintf(fx, sizeof fx, "%s/fixtures/side-tables-v%d.sql", TRYGG_TEST_SHARED_DIR,
             version >= 4 ? 5 : 3);
    FILE *fp = fopen(fx, "r");
    assert_non_null(fp);
    size_t cap = 1 << 16, n = 0;
    sql = calloc(1, cap);
    assert_non_null(sql);
    n = fread(sql, 1, cap - 1, fp);
    fclose(fp);
    assert_true(n > 0 && n < cap - 1);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    exec_ok(db, sql);
    free(sql);
    exec_ok(db, "INSERT INTO report_uptime (component, first, last) VALUES "
                "('kiosk:bibl-1', 1700000000, 1700003600)");
    exec_ok(db, "INSERT INTO police_events (id, at, name, fetched) VALUES "
                "(42, 1700000000, 'Inbrott, Lilla Edet', 1700000100)");
    exec_ok(db, "INSERT INTO smsgw_inbound (key, item_id, sender, created) VALUES "
                "('sms:old', 1, 'abc', 1700000000)");
    exec_ok(db, "INSERT INTO smsgw_counters (day, name, count) VALUES ('2023-11-14', 'calls', 3)");
    sqlite3_close(db);
}

/* The schema of the database at `path` as one string: every object's type,
 * name, table and SQL without whitespace, in name order. */
static char *schema_of(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT type, name, tbl_name, coalesce(sql, '')"
                                        " FROM sqlite_master ORDER BY type, name",
                                        -1, &s, NULL),
                     SQLITE_OK);
    size_t cap = 1 << 18, len = 0;
    char *out = calloc(1, cap);
    assert_non_null(out);
    while (sqlite3_step(s) == SQLITE_ROW) {
        for (int c = 0; c < 4; c++) {
            for (const char *p = (const char *)sqlite3_column_text(s, c); p && *p; p++)
                if (*p != ' ' && *p != '\n' && *p != '\t') {
                    assert_true(len + 2 < cap);
                    out[len++] = *p;
                }
            out[len++] = c == 3 ? '\n' : '|';
        }
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

/* Migrated and fresh schemas are the same; on a difference, the first line
 * that differs is printed. */
static void assert_schema_fresh(fixture *f, const char *path)
{
    char fresh[600];
    snprintf(fresh, sizeof fresh, "%.500s/fresh.db", f->dir);
    remove(fresh);
    trygg_store *st = NULL;
    assert_int_equal(trygg_store_open(fresh, &st), TRYGG_OK);
    trygg_store_close(st);
    char *a = schema_of(path), *b = schema_of(fresh);
    if (strcmp(a, b) != 0) {
        const char *pa = a, *pb = b;
        while (*pa && *pa == *pb)
            pa++, pb++;
        while (pa > a && pa[-1] != '\n')
            pa--, pb--;
        fail_msg("schema of %s differs from a fresh one:\n  migrated: %.300s\n  fresh:    %.300s",
                 path, pa, pb);
    }
    free(a);
    free(b);
}

static void check_migrated(fixture *f, int from)
{
    assert_int_equal(version_of(f->path), from);
    assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_OK);
    assert_int_equal(trygg_store_schema_version(f->st), trygg_store_schema_latest());

    /* The old data is all there. */
    trygg_item it;
    assert_int_equal(trygg_store_get_by_key(f->st, "old-key", &it), TRYGG_OK);
    assert_string_equal(it.ref, "K7-4QX2");
    assert_string_equal(it.text, "Gammal text om klotteri tunneln");
    assert_int_equal(it.status, TRYGG_STATUS_TRIAGED);
    trygg_message m[2];
    trygg_audit a[4];
    int n;
    assert_int_equal(trygg_store_list_messages(f->st, it.id, TRYGG_VIEW_FULL, m, 2, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(trygg_store_list_audit(f->st, it.id, a, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    trygg_kiosk k;
    assert_int_equal(trygg_store_kiosk_get(f->st, "bibl-1", &k), TRYGG_OK);
    /* v5: the kiosks that existed get the first reference prefixes, in the
     * order they were added, recorded as issued to them. */
    assert_string_equal(k.ref_prefix, "22");
    assert_int_equal(trygg_store_kiosk_owns_prefix(f->st, "bibl-1", "22"), TRYGG_OK);
    assert_int_equal(trygg_store_kiosk_get(f->st, "halsa-1", &k), TRYGG_OK);
    assert_string_equal(k.ref_prefix, "23");
    assert_int_equal(trygg_store_kiosk_owns_prefix(f->st, "halsa-1", "23"), TRYGG_OK);
    assert_int_equal(trygg_store_kiosk_owns_prefix(f->st, "halsa-1", "22"), TRYGG_ERR_NOTFOUND);
    /* v6: every client registered before is a kiosk (not a gateway). */
    char role[16];
    assert_int_equal(trygg_store_client_role_get(f->st, "bibl-1", role), TRYGG_OK);
    assert_string_equal(role, TRYGG_ROLE_KIOSK);
    /* A kiosk added after the migration gets the next free one. */
    trygg_kiosk nk = {0};
    char tok[64], np[4];
    strcpy(nk.id, "ny-1");
    assert_int_equal(trygg_store_kiosk_add(f->st, &nk, tok), TRYGG_OK);
    assert_int_equal(trygg_store_kiosk_get(f->st, "ny-1", &nk), TRYGG_OK);
    assert_string_equal(nk.ref_prefix, "24");
    assert_int_equal(trygg_store_kiosk_new_prefix(f->st, "bibl-1", np), TRYGG_OK);
    assert_string_equal(np, "25");
    assert_int_equal(trygg_store_kiosk_owns_prefix(f->st, "bibl-1", "22"), TRYGG_OK);
    trygg_walk w;
    assert_int_equal(trygg_store_walk_get(f->st, 1, &w), TRYGG_OK);
    assert_string_equal(w.place, "Torget");
    if (from >= 2) {
        trygg_contact c;
        assert_int_equal(
            trygg_store_contact_get(
                f->st, "1111111111111111111111111111111111111111111111111111111111111111", &c),
            TRYGG_OK);
        assert_string_equal(c.alias, "Tipsare T-1234");
    }

    /* Full-text search covers rows written before the index existed. */
    trygg_filter flt;
    trygg_filter_init(&flt);
    flt.view = TRYGG_VIEW_FULL;
    strcpy(flt.query, "klotteri");
    trygg_item items[2];
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, items, 2, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 1);
    strcpy(flt.query, "K7-4QX2");
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, items, 2, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 1);

    /* Everything added later works on the migrated file. */
    trygg_notice nt = {0};
    strcpy(nt.text, "Hej");
    nt.from = 1;
    nt.to = 2;
    assert_int_equal(trygg_store_notice_put(f->st, &nt), TRYGG_OK);
    assert_int_equal(trygg_store_health_put(f->st, "modem", "{\"ok\":true}"), TRYGG_OK);
    trygg_item in, out;
    int made;
    fx_item(&in, "new-key", TRYGG_KIND_FAULT, "Göta", "Ny lampa trasig");
    assert_int_equal(trygg_store_submit(f->st, &in, &out, &made), TRYGG_OK);
    assert_int_equal(made, 1);
    strcpy(flt.query, "lampa");
    assert_int_equal(trygg_store_list(f->st, &flt, NULL, items, 2, &n, NULL), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(trygg_store_update(f->st, it.id, "anna", "graffiti", NULL, -1), TRYGG_OK);

    /* The database is consistent. */
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(f->st->db, "PRAGMA integrity_check", -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
    sqlite3_finalize(s);
    assert_int_equal(sqlite3_exec(f->st->db,
                                  "INSERT INTO items_fts(items_fts, rank) VALUES "
                                  "('integrity-check', 1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    trygg_store_close(f->st);
    f->st = NULL;
    assert_int_equal(version_of(f->path), trygg_store_schema_latest());
}

static void test_migrate_from_each_older_version(void **state)
{
    fixture *f = *state;
    assert_true(trygg_st_migration_count() >= 6);
    for (int v = 1; v < trygg_st_migration_count(); v++) {
        snprintf(f->path, sizeof f->path, "%.500s/v%d.db", f->dir, v);
        assert_int_equal(trygg_st_create_at_version(f->path, v), TRYGG_OK);
        fill_old(f->path, v);
        check_migrated(f, v);
        assert_schema_fresh(f, f->path);
    }
}

/* Before v6 the report, the police feed and the gateway created their own
 * tables on open; a v3, v4 or v5 file made by that code has them. Migrating
 * it keeps their data and ends with exactly a fresh file's schema (every
 * object a migration step creates, nothing else: the never-firing trigger
 * report_health_upd and the old report index are gone). */
static void test_migrate_with_old_side_tables(void **state)
{
    fixture *f = *state;
    for (int v = 3; v <= 5; v++) {
        snprintf(f->path, sizeof f->path, "%.500s/side-v%d.db", f->dir, v);
        assert_int_equal(trygg_st_create_at_version(f->path, v), TRYGG_OK);
        fill_old(f->path, v);
        add_old_side_tables(f->path, v);
        check_migrated(f, v);
        assert_schema_fresh(f, f->path);
        assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_OK);
        int64_t n = 0, item = 0;
        assert_int_equal(trygg_police_count(f->st, &n), TRYGG_OK);
        assert_int_equal(n, 1);
        assert_int_equal(trygg_store_sms_inbound_get(f->st, "sms:old", &item), TRYGG_OK);
        assert_int_equal(item, 1);
        assert_int_equal(trygg_store_sms_counter_get(f->st, "2023-11-14", "calls", &n), TRYGG_OK);
        assert_int_equal(n, 3);
        trygg_store_close(f->st);
        f->st = NULL;
    }
}

static void test_create_at_version_bounds(void **state)
{
    fixture *f = *state;
    assert_int_equal(trygg_st_create_at_version(f->path, 0), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_st_create_at_version(f->path, trygg_st_migration_count() + 1),
                     TRYGG_ERR_INVALID);
    assert_int_equal(trygg_st_create_at_version(f->path, 1), TRYGG_OK);
    assert_int_equal(version_of(f->path), 1);
    /* Going step by step ends where a direct open ends. */
    assert_int_equal(trygg_st_create_at_version(f->path, 2), TRYGG_OK);
    assert_int_equal(version_of(f->path), 2);
    assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_OK);
    assert_int_equal(trygg_store_schema_version(f->st), trygg_store_schema_latest());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrate_from_each_older_version, mk_dir, rm_dir),
        cmocka_unit_test_setup_teardown(test_migrate_with_old_side_tables, mk_dir, rm_dir),
        cmocka_unit_test_setup_teardown(test_create_at_version_bounds, mk_dir, rm_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
