/*
 * store_sqlite_move.c — the SQLite half of moving a store to another
 * backend (store.h "Moving a store to another backend": a table's stored
 * columns, its rows as engine-neutral values, an import with ids kept),
 * the online backup (sqlite3_backup, never a copy of the live file) and a
 * file's schema version read without opening it as a store.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_common.h"
#include "store_sqlite_internal.h"
#include "trygg/buf.h"

/* Appends `name` as a quoted SQL identifier. */
static trygg_err put_ident(trygg_buf *b, const char *name)
{
    trygg_err err = trygg_buf_puts(b, "\"");
    for (const char *p = name; !err && *p; p++)
        err = *p == '"' ? trygg_buf_puts(b, "\"\"") : trygg_buf_add(b, p, 1);
    return err ? err : trygg_buf_puts(b, "\"");
}

/* Appends the comma-separated column list `cols`, each name quoted. */
static trygg_err put_cols(trygg_buf *b, const char *cols)
{
    trygg_err err = TRYGG_OK;
    const char *p = cols;
    while (!err && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char name[64];
        if (len == 0 || len >= sizeof name)
            return TRYGG_ERR_INVALID;
        memcpy(name, p, len);
        name[len] = '\0';
        err = put_ident(b, name);
        p += len;
        if (!err && *p == ',') {
            p++;
            err = trygg_buf_puts(b, ", ");
        }
    }
    return err;
}

/* 1 when `table` is an ordinary table of the main schema (not SQLite's own
 * nor a search index). */
static int is_data_table(trygg_store *st, const char *table)
{
    int64_t n = 0;
    sqlite3_stmt *s;
    if (trygg_st_prepare_args(st,
                              "SELECT count(*) FROM pragma_table_list WHERE schema = 'main'"
                              " AND type = 'table' AND name = ?1 AND name NOT LIKE 'sqlite_%'",
                              TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(table)), &s) != TRYGG_OK ||
        trygg_st_int64(st, s, &n, "table") != TRYGG_OK)
        return 0;
    return n > 0;
}

trygg_err trygg_sqlite_table_columns(trygg_store *st, const char *table, char *out, size_t cap)
{
    if (!table || !out || cap == 0)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "table columns: no table");
    out[0] = '\0';
    if (!is_data_table(st, table))
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no table %s", table);
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare_args(st, "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
                                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(table)), &s);
    if (err)
        return err;
    trygg_buf b;
    trygg_buf_init(&b, 512);
    int rc;
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (trygg_buf_str(&b)[0])
            err = trygg_buf_puts(&b, ",");
        if (!err)
            err = trygg_buf_puts(&b, (const char *)sqlite3_column_text(s, 0));
    }
    if (!err && rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, "table columns");
    sqlite3_finalize(s);
    if (!err && strlen(trygg_buf_str(&b)) >= cap)
        err = trygg_st_failf(st, TRYGG_ERR_TOOBIG, "columns of %s: list too long", table);
    if (!err)
        memcpy(out, trygg_buf_str(&b), strlen(trygg_buf_str(&b)) + 1);
    trygg_buf_free(&b);
    return err;
}

/* The SELECT of every stored column of `table`, in primary key order
 * (rowid order for a table with a rowid and no declared key). */
static trygg_err export_sql(trygg_store *st, const char *table, const char *cols, trygg_buf *b)
{
    trygg_err err = trygg_buf_puts(b, "SELECT ");
    if (!err)
        err = put_cols(b, cols);
    if (!err)
        err = trygg_buf_puts(b, " FROM ");
    if (!err)
        err = put_ident(b, table);
    sqlite3_stmt *s;
    if (!err)
        err = trygg_st_prepare_args(st,
                                    "SELECT name FROM pragma_table_info(?1) WHERE pk > 0"
                                    " ORDER BY pk",
                                    TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(table)), &s);
    if (err)
        return err;
    int rc, first = 1;
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        err = trygg_buf_puts(b, first ? " ORDER BY " : ", ");
        if (!err)
            err = put_ident(b, (const char *)sqlite3_column_text(s, 0));
        first = 0;
    }
    sqlite3_finalize(s);
    return err;
}

/* Reads column i of the current row of s as a neutral value. */
static trygg_sql_val value_of(sqlite3_stmt *s, int i)
{
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER:
        return TRYGG_SQL_INT(sqlite3_column_int64(s, i));
    case SQLITE_NULL:
        return TRYGG_SQL_NULL;
    case SQLITE_BLOB: {
        const void *p = sqlite3_column_blob(s, i);
        return TRYGG_SQL_BLOB(p, sqlite3_column_bytes(s, i));
    }
    default:
        return TRYGG_SQL_TEXT((const char *)sqlite3_column_text(s, i));
    }
}

enum { MAX_COLS = 64, COLS_CAP = 4096 };

trygg_err trygg_sqlite_export_rows(trygg_store *st, const char *table, trygg_row_cb cb, void *ctx)
{
    char cols[COLS_CAP];
    trygg_err err = trygg_sqlite_table_columns(st, table, cols, sizeof cols);
    if (err)
        return err;
    trygg_buf b;
    trygg_buf_init(&b, 1024);
    sqlite3_stmt *s = NULL;
    err = export_sql(st, table, cols, &b);
    if (!err)
        err = trygg_st_prepare(st, trygg_buf_str(&b), &s);
    trygg_buf_free(&b);
    if (err)
        return err;
    int n = sqlite3_column_count(s), rc;
    if (n > MAX_COLS) {
        sqlite3_finalize(s);
        return trygg_st_failf(st, TRYGG_ERR_LIMIT, "%s: too many columns", table);
    }
    trygg_sql_val v[MAX_COLS];
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        for (int i = 0; i < n; i++)
            v[i] = value_of(s, i);
        if (cb(ctx, v, n)) {
            sqlite3_finalize(s);
            return trygg_st_failf(st, TRYGG_ERR_STATE, "export of %s stopped", table);
        }
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? TRYGG_OK : trygg_st_fail(st, rc, "export");
}

/* Runs the statements that query `sql` gives (one text column), after
 * reading them all (no schema change while the query runs). */
static trygg_err run_each(trygg_store *st, const char *sql)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, sql, &s);
    if (err)
        return err;
    trygg_buf b;
    trygg_buf_init(&b, (size_t)1 << 20);
    int rc;
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        err = trygg_buf_puts(&b, (const char *)sqlite3_column_text(s, 0));
        if (!err)
            err = trygg_buf_puts(&b, ";\n");
    }
    sqlite3_finalize(s);
    if (!err && rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, "import");
    if (!err && trygg_buf_str(&b)[0])
        err = trygg_st_exec(st, trygg_buf_str(&b));
    trygg_buf_free(&b);
    return err;
}

trygg_err trygg_sqlite_import_begin(trygg_store *st)
{
    if (!st->user_tx)
        return trygg_st_failf(st, TRYGG_ERR_STATE, "import outside trygg_store_begin");
    /* Foreign keys are checked at the commit (reset by SQLite after it). */
    trygg_err err = trygg_st_exec(st, "PRAGMA defer_foreign_keys = ON");
    if (!err)
        err = trygg_st_exec(st, "DELETE FROM report_meta");
    /* The rows come as they were: the triggers that derive rows from
     * others (availability intervals from health, the week cache) are
     * set aside until import_end, all but the search index's. */
    if (!err)
        err = trygg_st_exec(st, "CREATE TEMP TABLE trygg_import_triggers AS SELECT name, sql"
                                " FROM sqlite_master WHERE type = 'trigger'"
                                " AND name NOT LIKE 'items%fts%'");
    return err ? err : run_each(st, "SELECT 'DROP TRIGGER ' || name FROM trygg_import_triggers");
}

/* "INSERT INTO t (cols) VALUES (?1, ..., ?n)" into b. */
static trygg_err insert_sql(const char *table, const char *cols, int ncols, trygg_buf *b)
{
    trygg_err err = trygg_buf_puts(b, "INSERT INTO ");
    if (!err)
        err = put_ident(b, table);
    if (!err)
        err = trygg_buf_puts(b, " (");
    if (!err)
        err = put_cols(b, cols);
    if (!err)
        err = trygg_buf_puts(b, ") VALUES (");
    for (int i = 0; !err && i < ncols; i++)
        err = trygg_buf_printf(b, "%s?%d", i ? ", " : "", i + 1);
    return err ? err : trygg_buf_puts(b, ")");
}

trygg_err trygg_sqlite_import_rows(trygg_store *st, const char *table, const char *cols,
                                   const trygg_sql_val *v, int ncols, int nrows)
{
    char have[COLS_CAP];
    trygg_err err = trygg_sqlite_table_columns(st, table, have, sizeof have);
    if (err)
        return err;
    if (!cols || ncols < 1 || nrows < 0 || trygg_stc_cols_count(cols) != ncols ||
        !trygg_stc_cols_subset(cols, have))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "import into %s: columns do not match", table);
    trygg_buf b;
    trygg_buf_init(&b, 1024);
    err = insert_sql(table, cols, ncols, &b);
    for (int r = 0; !err && r < nrows; r++)
        err = trygg_st_write(st, trygg_buf_str(&b),
                             (trygg_sql_args){v + (size_t)r * (size_t)ncols, ncols}, "import");
    trygg_buf_free(&b);
    return err;
}

trygg_err trygg_sqlite_import_end(trygg_store *st)
{
    /* An INTEGER PRIMARY KEY continues after the highest id by itself;
     * the triggers set aside by import_begin come back. */
    if (!st->user_tx)
        return trygg_st_failf(st, TRYGG_ERR_STATE, "import outside trygg_store_begin");
    trygg_err err = run_each(st, "SELECT sql FROM temp.trygg_import_triggers");
    return err ? err : trygg_st_exec(st, "DROP TABLE temp.trygg_import_triggers");
}

/* Copies every page of `from` into `to`, waiting while a writer holds it. */
static int backup_pages(sqlite3 *to, sqlite3 *from)
{
    sqlite3_backup *bk = sqlite3_backup_init(to, "main", from, "main");
    if (!bk)
        return sqlite3_errcode(to);
    int rc;
    while ((rc = sqlite3_backup_step(bk, 256)) == SQLITE_OK || rc == SQLITE_BUSY ||
           rc == SQLITE_LOCKED) {
        if (rc != SQLITE_OK)
            nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    }
    int fin = sqlite3_backup_finish(bk);
    return rc == SQLITE_DONE ? fin : rc;
}

trygg_err trygg_sqlite_backup(trygg_store *st, const char *path)
{
    struct stat sb;
    if (!path || !*path)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "backup: no file name");
    if (lstat(path, &sb) == 0)
        return trygg_st_failf(st, TRYGG_ERR_EXISTS, "backup: %s exists", path);
    sqlite3 *to = NULL;
    int rc = sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        rc = backup_pages(to, st->db);
    /* The copy is a complete database on its own: no -wal file beside it. */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(to, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
    trygg_err err = TRYGG_OK;
    if (rc != SQLITE_OK)
        err = trygg_st_failf(st, rc == SQLITE_FULL ? TRYGG_ERR_FULL : TRYGG_ERR_IO, "backup: %s",
                             to ? sqlite3_errmsg(to) : sqlite3_errstr(rc));
    sqlite3_close(to);
    if (err)
        unlink(path);
    return err;
}

trygg_err trygg_store_file_version(const char *path, int *version)
{
    if (!path || !version || trygg_store_is_postgresql(path))
        return TRYGG_ERR_INVALID;
    *version = 0;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return TRYGG_ERR_NOTFOUND;
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK)
        rc = trygg_sql_user_version(db, version);
    sqlite3_close(db);
    return rc == SQLITE_OK ? TRYGG_OK : TRYGG_ERR_IO;
}
