/* The typed statement helpers of trygg/sqlite_util.h on an in-memory
 * database: every kind of value binds as its SQL type, a write reports the
 * rows it changed, a lookup without a row is TRYGG_ERR_NOTFOUND, a bad
 * parameter list fails cleanly, and a field table reads a row into a struct
 * (text cut at a UTF-8 boundary, int and int64_t members by their size). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "trygg/sqlite_util.h"

typedef struct {
    int64_t id;
    char name[6];
    int small;
    int64_t big;
    char note[16];
} row_t;

static const trygg_sql_field row_fields[] = {
    TRYGG_SQL_FINT(row_t, id), TRYGG_SQL_FTEXT(row_t, name), TRYGG_SQL_FINT(row_t, small),
    TRYGG_SQL_FINT(row_t, big), TRYGG_SQL_FTEXT(row_t, note)};

static void read_row_t(sqlite3_stmt *s, void *row)
{
    TRYGG_SQL_READ(s, row_fields, row, sizeof(row_t));
}

static void read_types(sqlite3_stmt *s, void *row)
{
    char *out = row;
    out[0] = '\0';
    for (int i = 0; i < sqlite3_column_count(s); i++)
        strcat(out, sqlite3_column_type(s, i) == SQLITE_TEXT      ? "T"
                    : sqlite3_column_type(s, i) == SQLITE_INTEGER ? "I"
                    : sqlite3_column_type(s, i) == SQLITE_BLOB    ? "B"
                                                                  : "N");
}

static sqlite3 *open_mem(void)
{
    sqlite3 *db = NULL;
    char err[256];
    assert_int_equal(trygg_sql_open(":memory:", SQLITE_OPEN_READWRITE, &db, err, sizeof err),
                     TRYGG_OK);
    assert_int_equal(trygg_sql_exec(db,
                                    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, "
                                    "small INTEGER, big INTEGER, note TEXT, data BLOB)",
                                    "create", err, sizeof err),
                     TRYGG_OK);
    return db;
}

static void test_bind_kinds(void **state)
{
    (void)state;
    sqlite3 *db = open_mem();
    char err[256] = "";
    static const unsigned char blob[3] = {1, 0, 2};
    int changes = -1;
    assert_int_equal(
        trygg_sql_write(db, "INSERT INTO t (name, small, data, note) VALUES (?1, ?2, ?3, ?4)",
                        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(NULL), TRYGG_SQL_INT(7),
                                       TRYGG_SQL_BLOB(blob, sizeof blob), TRYGG_SQL_NULL),
                        &changes, "insert", err, sizeof err),
        TRYGG_OK);
    assert_int_equal(changes, 1);
    /* An empty blob binds NULL, as a missing one does. */
    assert_int_equal(trygg_sql_write(db, "INSERT INTO t (name, small, data) VALUES (?1, ?2, ?3)",
                                     TRYGG_SQL_ARGS(TRYGG_SQL_TEXT("b"), TRYGG_SQL_INT(INT64_MAX),
                                                    TRYGG_SQL_BLOB(blob, 0)),
                                     NULL, "insert", err, sizeof err),
                     TRYGG_OK);
    char types[8];
    assert_int_equal(trygg_sql_row(db, "SELECT name, small, data, note FROM t WHERE id = ?1",
                                   TRYGG_SQL_ARGS(TRYGG_SQL_INT(1)), read_types, types, "types",
                                   err, sizeof err),
                     TRYGG_OK);
    assert_string_equal(types, "TIBN"); /* NULL text binds "" (text), not NULL */
    assert_int_equal(trygg_sql_row(db, "SELECT data, big FROM t WHERE small = ?1",
                                   TRYGG_SQL_ARGS(TRYGG_SQL_INT(INT64_MAX)), read_types, types,
                                   "types", err, sizeof err),
                     TRYGG_OK);
    assert_string_equal(types, "NN");
    sqlite3_close(db);
}

static void test_write_changes_and_row(void **state)
{
    (void)state;
    sqlite3 *db = open_mem();
    char err[256] = "";
    for (int i = 1; i <= 3; i++)
        assert_int_equal(trygg_sql_write(db, "INSERT INTO t (id, name, small) VALUES (?1, ?2, ?3)",
                                         TRYGG_SQL_ARGS(TRYGG_SQL_INT(i), TRYGG_SQL_TEXT("x"),
                                                        TRYGG_SQL_INT(i % 2)),
                                         NULL, "insert", err, sizeof err),
                         TRYGG_OK);
    int changes = -1;
    assert_int_equal(trygg_sql_write(db, "UPDATE t SET name = 'y' WHERE small = ?1",
                                     TRYGG_SQL_ARGS(TRYGG_SQL_INT(1)), &changes, "update", err,
                                     sizeof err),
                     TRYGG_OK);
    assert_int_equal(changes, 2);
    assert_int_equal(trygg_sql_write(db, "DELETE FROM t WHERE id = ?1",
                                     TRYGG_SQL_ARGS(TRYGG_SQL_INT(99)), &changes, "delete", err,
                                     sizeof err),
                     TRYGG_OK);
    assert_int_equal(changes, 0);
    /* A duplicate key is TRYGG_ERR_EXISTS with SQLite's message. */
    assert_int_equal(trygg_sql_write(db, "INSERT INTO t (id) VALUES (?1)",
                                     TRYGG_SQL_ARGS(TRYGG_SQL_INT(1)), &changes, "insert", err,
                                     sizeof err),
                     TRYGG_ERR_EXISTS);
    assert_non_null(strstr(err, "insert: UNIQUE constraint failed"));
    /* No row: NOTFOUND, and err is left as it was. */
    strcpy(err, "untouched");
    row_t r;
    assert_int_equal(trygg_sql_row(db, "SELECT id, name, small, big, note FROM t WHERE id = ?1",
                                   TRYGG_SQL_ARGS(TRYGG_SQL_INT(42)), read_row_t, &r, "row", err,
                                   sizeof err),
                     TRYGG_ERR_NOTFOUND);
    assert_string_equal(err, "untouched");
    /* More values than the statement has parameters: a clean failure. */
    assert_int_equal(trygg_sql_write(db, "DELETE FROM t WHERE id = ?1",
                                     TRYGG_SQL_ARGS(TRYGG_SQL_INT(1), TRYGG_SQL_INT(2)), &changes,
                                     "delete", err, sizeof err),
                     TRYGG_ERR_DB);
    assert_non_null(strstr(err, "bind"));
    sqlite3_close(db);
}

static void test_fields_and_select(void **state)
{
    (void)state;
    sqlite3 *db = open_mem();
    char err[256] = "";
    /* "Åsa-Ö" is 7 bytes: it does not fit name[6] and is cut before the
     * two-byte 'Ö', never inside it. */
    assert_int_equal(
        trygg_sql_write(db,
                        "INSERT INTO t (id, name, small, big, note) "
                        "VALUES (?1, ?2, ?3, ?4, ?5), (?1 + 1, 'b', -1, 0, NULL)",
                        TRYGG_SQL_ARGS(TRYGG_SQL_INT(10), TRYGG_SQL_TEXT("Åsa-Ö"),
                                       TRYGG_SQL_INT(-5), TRYGG_SQL_INT(INT64_C(1) << 40),
                                       TRYGG_SQL_TEXT("note")),
                        NULL, "insert", err, sizeof err),
        TRYGG_OK);
    row_t rows[4];
    memset(rows, 0x55, sizeof rows);
    int n = -1;
    assert_int_equal(trygg_sql_select(db,
                                      "SELECT id, name, small, big, note FROM t "
                                      "WHERE id >= ?1 ORDER BY id LIMIT ?2",
                                      TRYGG_SQL_ARGS(TRYGG_SQL_INT(10), TRYGG_SQL_INT(4)), rows,
                                      sizeof rows[0], 4, read_row_t, &n, "select", err, sizeof err),
                     TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].id, 10);
    assert_string_equal(rows[0].name, "Åsa-");
    assert_int_equal(rows[0].small, -5);
    assert_true(rows[0].big == INT64_C(1) << 40);
    assert_string_equal(rows[0].note, "note");
    assert_int_equal(rows[1].id, 11);
    assert_int_equal(rows[1].small, -1);
    assert_string_equal(rows[1].note, ""); /* NULL reads as "" */
    /* max bounds the rows even when the statement has more. */
    assert_int_equal(trygg_sql_select(db, "SELECT id, name, small, big, note FROM t ORDER BY id",
                                      TRYGG_SQL_NO_ARGS, rows, sizeof rows[0], 1, read_row_t, &n,
                                      "select", err, sizeof err),
                     TRYGG_OK);
    assert_int_equal(n, 1);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bind_kinds),
        cmocka_unit_test(test_write_changes_and_row),
        cmocka_unit_test(test_fields_and_select),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
