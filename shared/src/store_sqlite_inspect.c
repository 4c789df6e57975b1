/*
 * store_sqlite_inspect.c — inspection and test hooks of the SQLite backend
 * (store.h "Inspection and test hooks"): row counts per data table, finding
 * a text anywhere, the report's week cache, and the hooks that put stored
 * times in the past for the conformance tests.
 */
#include <string.h>

#include <jansson.h>

#include "store_sqlite_internal.h"
#include "trygg/buf.h"

/* The data tables: ordinary tables of the main schema, without SQLite's own
 * and FTS5's shadow tables (PRAGMA table_list, SQLite 3.37). */
static const char TABLES_SQL[] = "SELECT name FROM pragma_table_list WHERE schema = 'main'"
                                 " AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";

/* Appends `name` as a quoted SQL identifier. */
static trygg_err put_ident(trygg_buf *b, const char *name)
{
    trygg_err err = trygg_buf_puts(b, "\"");
    for (const char *p = name; !err && *p; p++)
        err = *p == '"' ? trygg_buf_puts(b, "\"\"") : trygg_buf_add(b, p, 1);
    return err ? err : trygg_buf_puts(b, "\"");
}

/* Runs `sql` (one integer result) with ?1 bound to `text` (NULL: none). */
static trygg_err count_of(trygg_store *st, const char *sql, const char *text, int64_t *n)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare_args(
        st, sql, text ? TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(text)) : TRYGG_SQL_NO_ARGS, &s);
    if (err)
        return err;
    return trygg_st_int64(st, s, n, "inspect count");
}

/* The names of the data tables into names[max][64]; *n gets the count. */
static trygg_err table_names(trygg_store *st, char (*names)[64], int max, int *n)
{
    sqlite3_stmt *s;
    *n = 0;
    trygg_err err = trygg_st_prepare(st, TABLES_SQL, &s);
    if (err)
        return err;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < max)
        trygg_st_col_text(s, 0, names[(*n)++], 64);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return trygg_st_fail(st, rc, "list tables");
    return *n < max ? TRYGG_OK : trygg_st_failf(st, TRYGG_ERR_LIMIT, "too many tables");
}

enum { MAX_TABLES = 64 };

trygg_err trygg_sqlite_table_rows(trygg_store *st, trygg_count_cb cb, void *ctx)
{
    char names[MAX_TABLES][64];
    int n;
    trygg_err err = table_names(st, names, MAX_TABLES, &n);
    for (int i = 0; !err && i < n; i++) {
        trygg_buf b;
        trygg_buf_init(&b, 256);
        err = trygg_buf_puts(&b, "SELECT count(*) FROM ");
        if (!err)
            err = put_ident(&b, names[i]);
        int64_t rows = 0;
        if (!err)
            err = count_of(st, trygg_buf_str(&b), NULL, &rows);
        trygg_buf_free(&b);
        if (!err && cb(ctx, names[i], rows))
            break;
    }
    return err;
}

/* "SELECT count(*) FROM t WHERE (typeof(c) = 'text' AND instr(c, ?1)) OR ..."
 * over every column of table `name` into b. */
static trygg_err containing_sql(trygg_store *st, const char *name, trygg_buf *b)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "SELECT name FROM pragma_table_info(?1)", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, name);
    err = trygg_buf_puts(b, "SELECT count(*) FROM ");
    if (!err)
        err = put_ident(b, name);
    if (!err)
        err = trygg_buf_puts(b, " WHERE 0");
    int rc;
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(s, 0);
        for (int k = 0; !err && k < 2; k++) {
            err = trygg_buf_puts(b, k == 0 ? " OR (typeof(" : ") = 'text' AND instr(");
            if (!err)
                err = put_ident(b, col);
        }
        if (!err)
            err = trygg_buf_puts(b, ", ?1) > 0)");
    }
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_sqlite_rows_containing(trygg_store *st, const char *text, trygg_count_cb cb,
                                       void *ctx)
{
    if (!text || !*text)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "empty text to look for");
    char names[MAX_TABLES][64];
    int n;
    trygg_err err = table_names(st, names, MAX_TABLES, &n);
    for (int i = 0; !err && i < n; i++) {
        trygg_buf b;
        trygg_buf_init(&b, 16384);
        err = containing_sql(st, names[i], &b);
        int64_t rows = 0;
        if (!err)
            err = count_of(st, trygg_buf_str(&b), text, &rows);
        trygg_buf_free(&b);
        if (!err && rows > 0 && cb(ctx, names[i], rows))
            break;
    }
    return err;
}

trygg_err trygg_sqlite_report_cache_info(trygg_store *st, int *weeks, int64_t *last_end)
{
    int64_t n = 0, end = 0;
    trygg_err err = count_of(st, "SELECT count(*) FROM report_week_done", NULL, &n);
    if (!err)
        err = count_of(st, "SELECT coalesce(max(week_end), 0) FROM report_week_done", NULL, &end);
    if (weeks)
        *weeks = err ? 0 : (int)n;
    if (last_end)
        *last_end = err ? 0 : end;
    return err;
}

/* Columns that hold a time at which something happened or falls due. */
static const char *const TIME_COLUMNS[] = {
    "created",       "updated",  "at",       "sent_at", "next_attempt", "lease_until", "last_seen",
    "first_seen",    "used_at",  "purge_at", "first",   "last",         "issued",      "fetched",
    "history_since", "placed_at"};

static int is_time_column(const char *table, const char *col)
{
    if (strncmp(table, "report_week", 11) == 0 || strcmp(table, "walks") == 0 ||
        strcmp(table, "notices") == 0)
        return 0;
    for (size_t i = 0; i < sizeof TIME_COLUMNS / sizeof TIME_COLUMNS[0]; i++)
        if (strcmp(col, TIME_COLUMNS[i]) == 0)
            return 1;
    return 0;
}

/* Ages the time columns of table `name` by ?1 seconds. */
static trygg_err age_table(trygg_store *st, const char *name, int64_t seconds)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "SELECT name FROM pragma_table_info(?1)", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, name);
    char cols[32][64];
    int n = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < 32)
        if (is_time_column(name, (const char *)sqlite3_column_text(s, 0)))
            trygg_st_col_text(s, 0, cols[n++], sizeof cols[0]);
    sqlite3_finalize(s);
    for (int i = 0; !err && i < n; i++) {
        trygg_buf b;
        trygg_buf_init(&b, 512);
        err = trygg_buf_puts(&b, "UPDATE ");
        if (!err)
            err = put_ident(&b, name);
        for (int k = 0; !err && k < 3; k++) {
            err = trygg_buf_puts(&b, k == 0 ? " SET " : k == 1 ? " = " : " - ?1 WHERE ");
            if (!err)
                err = put_ident(&b, cols[i]);
        }
        if (!err)
            err = trygg_buf_puts(&b, " > 0");
        sqlite3_stmt *u;
        if (!err)
            err = trygg_st_prepare(st, trygg_buf_str(&b), &u);
        trygg_buf_free(&b);
        if (err)
            break;
        sqlite3_bind_int64(u, 1, seconds);
        err = trygg_st_run(st, u, "age");
    }
    return err;
}

trygg_err trygg_sqlite_test_age(trygg_store *st, int64_t seconds)
{
    char names[MAX_TABLES][64];
    int n;
    trygg_err err = table_names(st, names, MAX_TABLES, &n);
    if (err)
        return err;
    err = trygg_st_tx_begin(st);
    for (int i = 0; !err && i < n; i++)
        err = age_table(st, names[i], seconds);
    /* history_since is a row of report_meta, not a column. */
    if (!err)
        err = trygg_st_write(st,
                             "UPDATE report_meta SET value = value - ?1"
                             " WHERE key = 'history_since' AND value > 0",
                             TRYGG_SQL_ARGS(TRYGG_SQL_INT(seconds)), "age");
    return trygg_st_tx_end(st, err);
}

/* Runs an UPDATE prepared in *s; TRYGG_ERR_NOTFOUND when it changed nothing. */
/* Runs a test hook's write, which must change at least one row. */
static trygg_err update_some(trygg_store *st, const char *sql, trygg_sql_args a, const char *what)
{
    int changes = 0;
    trygg_err err = trygg_sql_write(st->db, sql, a, &changes, what, st->errmsg, sizeof st->errmsg);
    if (!err && changes == 0)
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "%s: nothing to change", what);
    return err;
}

trygg_err trygg_sqlite_test_item_times(trygg_store *st, int64_t id, int64_t created,
                                       int64_t purge_at)
{
    return update_some(
        st,
        "UPDATE items SET created = CASE WHEN ?2 > 0 THEN ?2 ELSE"
        " created END, purge_at = CASE WHEN ?3 > 0 THEN ?3 ELSE"
        " purge_at END WHERE id = ?1",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_INT(created), TRYGG_SQL_INT(purge_at)),
        "item times");
}

trygg_err trygg_sqlite_test_audit_time(trygg_store *st, int64_t item_id, const char *action,
                                       int64_t at)
{
    return update_some(
        st, "UPDATE audit SET at = ?3 WHERE item_id = ?1 AND action = ?2",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_TEXT(action), TRYGG_SQL_INT(at)),
        "audit time");
}

trygg_err trygg_sqlite_test_kiosk_seen(trygg_store *st, const char *id, int64_t at)
{
    return update_some(st, "UPDATE kiosks SET last_seen = ?2 WHERE id = ?1",
                       TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(id), TRYGG_SQL_INT(at)), "kiosk seen");
}

trygg_err trygg_sqlite_test_health_at(trygg_store *st, const char *component, const char *json,
                                      int64_t at)
{
    json_error_t jerr;
    json_t *v = json ? json_loads(json, 0, &jerr) : NULL;
    int is_obj = v && json_is_object(v);
    json_decref(v);
    if (!component || !*component || !is_obj)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid health component or JSON");
    return trygg_st_write(
        st,
        "INSERT OR REPLACE INTO health (component, json, updated)"
        " VALUES (?1, ?2, ?3)",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(component), TRYGG_SQL_TEXT(json), TRYGG_SQL_INT(at)),
        "health at");
}

trygg_err trygg_sqlite_test_history_since(trygg_store *st, int64_t at)
{
    trygg_err err = trygg_st_tx_begin(st);
    static const char *const sql[] = {
        "INSERT OR REPLACE INTO report_meta(key, value) VALUES ('history_since', ?1)",
        "UPDATE kiosks SET created = ?1 WHERE created > ?1"};
    for (size_t i = 0; !err && i < 2; i++) {
        sqlite3_stmt *s;
        err = trygg_st_prepare(st, sql[i], &s);
        if (err)
            break;
        sqlite3_bind_int64(s, 1, at);
        err = trygg_st_run(st, s, "history since");
    }
    return trygg_st_tx_end(st, err);
}
