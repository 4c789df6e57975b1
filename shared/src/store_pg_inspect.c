/*
 * store_pg_inspect.c — inspection and test hooks of the PostgreSQL backend
 * (store.h "Inspection and test hooks"): row counts per data table, finding
 * a text anywhere, and the hooks that put stored times in the past for the
 * conformance tests. The data tables are the ordinary tables of the
 * connection's schema except trygg_schema, the backend's record of its
 * schema version (SQLite keeps that in a header field, not a table).
 */
#include <stdlib.h>
#include <string.h>

#include "store_pg_items.h"
#include "trygg/buf.h"

enum { MAX_TABLES = 64, MAX_COLS = 64, NAME_CAP = 64 };

/* The names of the data tables into names[max][NAME_CAP]; *n gets the count. */
static trygg_err table_names(trygg_store *st, char (*names)[NAME_CAP], int max, int *n)
{
    *n = 0;
    PGresult *r;
    trygg_err err = trygg_pg_query(st,
                                   "SELECT tablename FROM pg_tables WHERE schemaname = "
                                   "current_schema() AND tablename <> 'trygg_schema' "
                                   "ORDER BY tablename",
                                   TRYGG_SQL_NO_ARGS, &r, "list tables");
    if (err)
        return err;
    int rows = PQntuples(r);
    for (int i = 0; i < rows && i < max; i++)
        trygg_pg_col_text(r, i, 0, names[(*n)++], NAME_CAP);
    PQclear(r);
    return rows < max ? TRYGG_OK : trygg_pg_failf(st, TRYGG_ERR_LIMIT, "too many tables");
}

/* The columns of table `name` of the given types (a SQL list of
 * information_schema data types) into cols[max][NAME_CAP]. */
static trygg_err column_names(trygg_store *st, const char *name, const char *types,
                              char (*cols)[NAME_CAP], int max, int *n)
{
    *n = 0;
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT column_name FROM information_schema.columns WHERE table_schema = "
             "current_schema() AND table_name = $1 AND data_type IN (%s) ORDER BY "
             "ordinal_position",
             types);
    PGresult *r;
    trygg_err err = trygg_pg_query(st, sql, TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(name)), &r, "columns");
    if (err)
        return err;
    for (int i = 0; i < PQntuples(r) && *n < max; i++)
        trygg_pg_col_text(r, i, 0, cols[(*n)++], NAME_CAP);
    PQclear(r);
    return TRYGG_OK;
}

/* Appends `name` as a quoted identifier. */
static trygg_err put_ident(trygg_store *st, trygg_buf *b, const char *name)
{
    char *q = PQescapeIdentifier(st->conn, name, strlen(name));
    if (!q)
        return trygg_pg_failf(st, TRYGG_ERR_NOMEM, "quote identifier");
    trygg_err err = trygg_buf_puts(b, q);
    PQfreemem(q);
    return err;
}

/* Builds `head` "<table>" `mid`, then for each column `pre` "<col>" `post`,
 * then runs it with a, giving the first column of the first row in *out. */
static trygg_err per_column(trygg_store *st, const char *table, const char *head, const char *mid,
                            char (*cols)[NAME_CAP], int ncols, const char *pre, const char *post,
                            trygg_sql_args a, int64_t *out)
{
    trygg_buf b;
    trygg_buf_init(&b, 1024);
    trygg_err err = trygg_buf_puts(&b, head);
    if (!err)
        err = put_ident(st, &b, table);
    if (!err)
        err = trygg_buf_puts(&b, mid);
    for (int i = 0; !err && i < ncols; i++) {
        err = trygg_buf_puts(&b, pre);
        if (!err)
            err = put_ident(st, &b, cols[i]);
        if (!err)
            err = trygg_buf_puts(&b, post);
    }
    if (err)
        err = trygg_pg_failf(st, err, "inspect: statement too large");
    else
        err = trygg_pg_int64(st, trygg_buf_str(&b), a, out, "inspect");
    trygg_buf_free(&b);
    return err;
}

trygg_err trygg_pg_table_rows(trygg_store *st, trygg_count_cb cb, void *ctx)
{
    char names[MAX_TABLES][NAME_CAP];
    int n;
    trygg_err err = table_names(st, names, MAX_TABLES, &n);
    for (int i = 0; !err && i < n; i++) {
        int64_t rows = 0;
        err = per_column(st, names[i], "SELECT count(*) FROM ", "", NULL, 0, "", "",
                         TRYGG_SQL_NO_ARGS, &rows);
        if (!err && cb(ctx, names[i], rows))
            break;
    }
    return err;
}

trygg_err trygg_pg_rows_containing(trygg_store *st, const char *text, trygg_count_cb cb, void *ctx)
{
    if (!text || !*text)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "empty text to look for");
    char names[MAX_TABLES][NAME_CAP];
    char cols[MAX_COLS][NAME_CAP];
    int n, ncols;
    trygg_err err = table_names(st, names, MAX_TABLES, &n);
    for (int i = 0; !err && i < n; i++) {
        err = column_names(st, names[i], "'text', 'character varying', 'character'", cols, MAX_COLS,
                           &ncols);
        int64_t rows = 0;
        if (!err && ncols > 0)
            err =
                per_column(st, names[i], "SELECT count(*) FROM ", " WHERE false", cols, ncols,
                           " OR strpos(", ", $1) > 0", TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(text)), &rows);
        if (!err && rows > 0 && cb(ctx, names[i], rows))
            break;
    }
    return err;
}

/* Columns that hold a time at which something happened or falls due (the
 * same list as SQLite's store_sqlite_inspect.c). */
static const char *const TIME_COLUMNS[] = {"created",      "updated",     "at",        "sent_at",
                                           "next_attempt", "lease_until", "last_seen", "first_seen",
                                           "used_at",      "purge_at",    "first",     "last",
                                           "issued",       "fetched",     "placed_at"};

static int is_time_column(const char *table, const char *col)
{
    if (strcmp(table, "walks") == 0 || strcmp(table, "notices") == 0)
        return 0;
    for (size_t i = 0; i < sizeof TIME_COLUMNS / sizeof TIME_COLUMNS[0]; i++)
        if (strcmp(col, TIME_COLUMNS[i]) == 0)
            return 1;
    return 0;
}

/* Ages the time columns of table `name` by `seconds` (the epoch, "never",
 * stays). */
static trygg_err age_table(trygg_store *st, const char *name, int64_t seconds)
{
    char cols[MAX_COLS][NAME_CAP];
    int n = 0;
    trygg_err err = column_names(st, name, "'timestamp with time zone'", cols, MAX_COLS, &n);
    for (int i = 0; !err && i < n; i++) {
        if (!is_time_column(name, cols[i]))
            continue;
        trygg_buf b;
        trygg_buf_init(&b, 256);
        err = trygg_buf_puts(&b, "UPDATE ");
        if (!err)
            err = put_ident(st, &b, name);
        for (int k = 0; !err && k < 3; k++) {
            err = trygg_buf_puts(&b, k == 0   ? " SET "
                                     : k == 1 ? " = "
                                              : " - make_interval(secs => $1) WHERE ");
            if (!err)
                err = put_ident(st, &b, cols[i]);
        }
        if (!err)
            err = trygg_buf_puts(&b, " > 'epoch'");
        if (!err)
            err = trygg_pg_write(st, trygg_buf_str(&b), TRYGG_SQL_ARGS(TRYGG_SQL_INT(seconds)),
                                 NULL, "age");
        trygg_buf_free(&b);
    }
    return err;
}

trygg_err trygg_pg_test_age(trygg_store *st, int64_t seconds)
{
    char names[MAX_TABLES][NAME_CAP];
    int n;
    trygg_err err = table_names(st, names, MAX_TABLES, &n);
    if (err)
        return err;
    err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    for (int i = 0; !err && i < n; i++)
        err = age_table(st, names[i], seconds);
    /* history_since is a row of report_meta, not a column. */
    if (!err)
        err = trygg_pg_write(st,
                             "UPDATE report_meta SET value = value - $1"
                             " WHERE key = 'history_since' AND value > 0",
                             TRYGG_SQL_ARGS(TRYGG_SQL_INT(seconds)), NULL, "age");
    return trygg_pg_tx_end(st, err);
}

/* Runs a test hook's write, which must change at least one row. */
static trygg_err update_some(trygg_store *st, const char *sql, trygg_sql_args a, const char *what)
{
    int changes = 0;
    trygg_err err = trygg_pg_write(st, sql, a, &changes, what);
    if (!err && changes == 0)
        err = trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "%s: nothing to change", what);
    return err;
}

trygg_err trygg_pg_test_item_times(trygg_store *st, int64_t id, int64_t created, int64_t purge_at)
{
    return update_some(
        st,
        "UPDATE items SET created = CASE WHEN $2::bigint > 0 THEN " PG_TS(
            "$2::bigint") " ELSE created END, purge_at = CASE WHEN $3::bigint > 0 "
                          "THEN " PG_TS("$3::bigint") " ELSE purge_at END WHERE id "
                                                      "= $1",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_INT(created), TRYGG_SQL_INT(purge_at)),
        "item times");
}

trygg_err trygg_pg_test_audit_time(trygg_store *st, int64_t item_id, const char *action, int64_t at)
{
    return update_some(
        st, "UPDATE audit SET at = " PG_TS("$3") " WHERE item_id = $1 AND action = $2",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_TEXT(action), TRYGG_SQL_INT(at)),
        "audit time");
}

trygg_err trygg_pg_test_history_since(trygg_store *st, int64_t at)
{
    static const char *const sql[] = {
        "INSERT INTO report_meta (key, value) VALUES ('history_since', $1) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        "UPDATE kiosks SET created = " PG_TS("$1") " WHERE created > " PG_TS("$1")};
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    for (size_t i = 0; !err && i < sizeof sql / sizeof sql[0]; i++)
        err = trygg_pg_write(st, sql[i], TRYGG_SQL_ARGS(TRYGG_SQL_INT(at)), NULL, "history since");
    return trygg_pg_tx_end(st, err);
}
