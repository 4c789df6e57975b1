/*
 * store_pg_move.c — the PostgreSQL half of moving a store to another
 * backend (store.h "Moving a store to another backend"). Rows travel as
 * engine-neutral values: a timestamptz leaves as Unix seconds and comes in
 * through to_timestamp, a boolean leaves as 0/1 and comes in cast, a bytea
 * as its bytes. Which column needs which comes from the catalog
 * (information_schema.columns), so no column list is kept here. An import
 * defers the foreign keys (DEFERRABLE since shared/schema/postgresql/v21.sql)
 * and ends by moving every identity column's sequence past the highest id.
 * Backups of a PostgreSQL store are pg_dump and pg_basebackup
 * (docs/postgresql.md, "Backups"), not trygg_store_backup.
 */
#include <stdlib.h>
#include <string.h>

#include "store_common.h"
#include "store_pg_internal.h"
#include "trygg/buf.h"

enum { MAX_COLS = 64, NAME_CAP = 64, COLS_CAP = 4096 };

/* A table's stored columns with their types, in table order. */
typedef struct pg_cols {
    int n;
    char name[MAX_COLS][NAME_CAP];
    char type[MAX_COLS][32]; /* information_schema data_type */
} pg_cols;

static trygg_err read_cols(trygg_store *st, const char *table, pg_cols *c)
{
    c->n = 0;
    PGresult *r;
    trygg_err err = trygg_pg_query(st,
                                   "SELECT column_name, data_type FROM information_schema.columns"
                                   " WHERE table_schema = current_schema() AND table_name = $1"
                                   " AND table_name <> 'trygg_schema' AND is_generated = 'NEVER'"
                                   " ORDER BY ordinal_position",
                                   TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(table)), &r, "table columns");
    if (err)
        return err;
    int rows = PQntuples(r);
    for (int i = 0; i < rows && c->n < MAX_COLS; i++, c->n++) {
        trygg_pg_col_text(r, i, 0, c->name[c->n], NAME_CAP);
        trygg_pg_col_text(r, i, 1, c->type[c->n], sizeof c->type[0]);
    }
    PQclear(r);
    if (rows == 0)
        return trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "no table %s", table);
    return rows > MAX_COLS ? trygg_pg_failf(st, TRYGG_ERR_LIMIT, "%s: too many columns", table)
                           : TRYGG_OK;
}

static int col_index(const pg_cols *c, const char *name, size_t len)
{
    for (int i = 0; i < c->n; i++)
        if (strlen(c->name[i]) == len && memcmp(c->name[i], name, len) == 0)
            return i;
    return -1;
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

trygg_err trygg_pg_table_columns(trygg_store *st, const char *table, char *out, size_t cap)
{
    if (!table || !out || cap == 0)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "table columns: no table");
    out[0] = '\0';
    pg_cols *c = malloc(sizeof *c);
    if (!c)
        return trygg_pg_failf(st, TRYGG_ERR_NOMEM, "table columns: out of memory");
    trygg_err err = read_cols(st, table, c);
    size_t used = 0;
    for (int i = 0; !err && i < c->n; i++) {
        size_t len = strlen(c->name[i]);
        if (used + len + 2 > cap) {
            err = trygg_pg_failf(st, TRYGG_ERR_TOOBIG, "columns of %s: list too long", table);
            break;
        }
        if (i > 0)
            out[used++] = ',';
        memcpy(out + used, c->name[i], len + 1);
        used += len;
    }
    free(c);
    return err;
}

/* One column of the export's SELECT: times as Unix seconds, booleans 0/1. */
static trygg_err put_export_col(trygg_store *st, trygg_buf *b, const pg_cols *c, int i)
{
    int ts = strcmp(c->type[i], "timestamp with time zone") == 0;
    int boolean = strcmp(c->type[i], "boolean") == 0;
    trygg_err err = trygg_buf_puts(b, i ? ", " : "");
    if (!err && ts)
        err = trygg_buf_puts(b, "extract(epoch from ");
    if (!err)
        err = put_ident(st, b, c->name[i]);
    if (!err && ts)
        err = trygg_buf_puts(b, ")::bigint");
    if (!err && boolean)
        err = trygg_buf_puts(b, "::int");
    return err;
}

/* Value (row, i) of r as a neutral value; a bytea is unescaped into *blob
 * (the caller frees it with PQfreemem). */
static trygg_sql_val export_val(const PGresult *r, int row, int i, unsigned char **blob)
{
    if (PQgetisnull(r, row, i))
        return TRYGG_SQL_NULL;
    const char *s = PQgetvalue(r, row, i);
    switch (PQftype(r, i)) {
    case 20: /* int8 */
    case 21: /* int2 */
    case 23: /* int4 */
        return TRYGG_SQL_INT(strtoll(s, NULL, 10));
    case 17: { /* bytea */
        size_t len = 0;
        *blob = PQunescapeBytea((const unsigned char *)s, &len);
        return TRYGG_SQL_BLOB(*blob, *blob ? len : 0);
    }
    default:
        return TRYGG_SQL_TEXT(s);
    }
}

/* Calls cb for every row of r; non-zero from cb gives TRYGG_ERR_STATE. */
static trygg_err export_result(trygg_store *st, const PGresult *r, const char *table,
                               trygg_row_cb cb, void *ctx)
{
    int n = PQnfields(r);
    trygg_sql_val v[MAX_COLS];
    unsigned char *blobs[MAX_COLS];
    for (int row = 0; row < PQntuples(r); row++) {
        memset(blobs, 0, sizeof blobs);
        for (int i = 0; i < n; i++)
            v[i] = export_val(r, row, i, &blobs[i]);
        int stop = cb(ctx, v, n);
        for (int i = 0; i < n; i++)
            if (blobs[i])
                PQfreemem(blobs[i]);
        if (stop)
            return trygg_pg_failf(st, TRYGG_ERR_STATE, "export of %s stopped", table);
    }
    return TRYGG_OK;
}

trygg_err trygg_pg_export_rows(trygg_store *st, const char *table, trygg_row_cb cb, void *ctx)
{
    pg_cols *c = malloc(sizeof *c);
    if (!c)
        return trygg_pg_failf(st, TRYGG_ERR_NOMEM, "export: out of memory");
    trygg_err err = read_cols(st, table, c);
    trygg_buf b;
    trygg_buf_init(&b, 1 << 16);
    if (!err)
        err = trygg_buf_puts(&b, "SELECT ");
    for (int i = 0; !err && i < c->n; i++)
        err = put_export_col(st, &b, c, i);
    if (!err)
        err = trygg_buf_puts(&b, " FROM ");
    if (!err)
        err = put_ident(st, &b, table);
    /* The first column is the key of every table that has one. */
    if (!err)
        err = trygg_buf_puts(&b, " ORDER BY 1");
    PGresult *r = NULL;
    if (!err)
        err = trygg_pg_query(st, trygg_buf_str(&b), TRYGG_SQL_NO_ARGS, &r, "export");
    if (!err)
        err = export_result(st, r, table, cb, ctx);
    PQclear(r);
    trygg_buf_free(&b);
    free(c);
    return err;
}

trygg_err trygg_pg_import_begin(trygg_store *st)
{
    if (!st->user_tx)
        return trygg_pg_failf(st, TRYGG_ERR_STATE, "import outside trygg_store_begin");
    return trygg_pg_exec(st, "SET CONSTRAINTS ALL DEFERRED; DELETE FROM report_meta", "import");
}

/* One parameter of the import's VALUES, cast to its column's type. */
static trygg_err put_import_param(trygg_buf *b, const char *type, int k, int first)
{
    trygg_err err = trygg_buf_puts(b, first ? "" : ", ");
    if (err)
        return err;
    if (strcmp(type, "timestamp with time zone") == 0)
        return trygg_buf_printf(b, "to_timestamp($%d::bigint)", k);
    if (strcmp(type, "boolean") == 0)
        return trygg_buf_printf(b, "$%d::int::boolean", k);
    if (strcmp(type, "bigint") == 0 || strcmp(type, "integer") == 0 || strcmp(type, "bytea") == 0 ||
        strcmp(type, "text") == 0)
        return trygg_buf_printf(b, "$%d::%s", k, type);
    return trygg_buf_printf(b, "$%d", k);
}

/* "INSERT INTO t (cols) VALUES (...), ..." for nrows rows into b: the
 * columns c[idx[0..ncols)], each parameter cast to its column's type. */
static trygg_err insert_sql(trygg_store *st, const char *table, const pg_cols *c, const int *idx,
                            int ncols, int nrows, trygg_buf *b)
{
    trygg_err err = trygg_buf_puts(b, "INSERT INTO ");
    if (!err)
        err = put_ident(st, b, table);
    if (!err)
        err = trygg_buf_puts(b, " (");
    for (int i = 0; !err && i < ncols; i++) {
        err = trygg_buf_puts(b, i ? ", " : "");
        if (!err)
            err = put_ident(st, b, c->name[idx[i]]);
    }
    if (!err)
        err = trygg_buf_puts(b, ") VALUES ");
    for (int r = 0; !err && r < nrows; r++) {
        err = trygg_buf_puts(b, r ? ", (" : "(");
        for (int i = 0; !err && i < ncols; i++)
            err = put_import_param(b, c->type[idx[i]], r * ncols + i + 1, i == 0);
        if (!err)
            err = trygg_buf_puts(b, ")");
    }
    return err;
}

/* The places in c of the names of `cols` into idx; -1 when one is missing
 * or `cols` does not have ncols names. */
static int map_cols(const pg_cols *c, const char *cols, int ncols, int *idx)
{
    if (trygg_stc_cols_count(cols) != ncols || ncols > MAX_COLS)
        return -1;
    const char *p = cols;
    for (int i = 0; i < ncols; i++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        idx[i] = col_index(c, p, len);
        if (idx[i] < 0)
            return -1;
        p += len + (end ? 1 : 0);
    }
    return 0;
}

/* PostgreSQL takes at most 65535 parameters per statement. */
enum { MAX_PARAMS = 60000 };

trygg_err trygg_pg_import_rows(trygg_store *st, const char *table, const char *cols,
                               const trygg_sql_val *v, int ncols, int nrows)
{
    pg_cols *c = malloc(sizeof *c);
    if (!c)
        return trygg_pg_failf(st, TRYGG_ERR_NOMEM, "import: out of memory");
    trygg_err err = read_cols(st, table, c);
    int idx[MAX_COLS];
    if (!err && (!cols || ncols < 1 || nrows < 0 || map_cols(c, cols, ncols, idx) != 0 ||
                 !trygg_stc_cols_subset(cols, cols)))
        err = trygg_pg_failf(st, TRYGG_ERR_INVALID, "import into %s: columns do not match", table);
    int per = ncols > 0 ? MAX_PARAMS / ncols : 1;
    for (int done = 0; !err && done < nrows; done += per) {
        int n = nrows - done < per ? nrows - done : per;
        trygg_buf b;
        trygg_buf_init(&b, (size_t)1 << 24);
        err = insert_sql(st, table, c, idx, ncols, n, &b);
        if (err)
            err = trygg_pg_failf(st, err, "import: statement too large");
        else
            err = trygg_pg_write(st, trygg_buf_str(&b),
                                 (trygg_sql_args){v + (size_t)done * (size_t)ncols, n * ncols},
                                 NULL, "import");
        trygg_buf_free(&b);
    }
    free(c);
    return err;
}

trygg_err trygg_pg_import_end(trygg_store *st)
{
    if (!st->user_tx)
        return trygg_pg_failf(st, TRYGG_ERR_STATE, "import outside trygg_store_begin");
    PGresult *r;
    trygg_err err = trygg_pg_query(st,
                                   "SELECT table_name, column_name FROM information_schema.columns"
                                   " WHERE table_schema = current_schema() AND is_identity = 'YES'",
                                   TRYGG_SQL_NO_ARGS, &r, "identity columns");
    for (int i = 0; !err && i < PQntuples(r); i++) {
        char table[NAME_CAP], col[NAME_CAP];
        trygg_pg_col_text(r, i, 0, table, sizeof table);
        trygg_pg_col_text(r, i, 1, col, sizeof col);
        trygg_buf b;
        trygg_buf_init(&b, 1024);
        err = trygg_buf_puts(&b, "SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(");
        if (!err)
            err = put_ident(st, &b, col);
        if (!err)
            err = trygg_buf_puts(&b, "), 0) + 1, false) FROM ");
        if (!err)
            err = put_ident(st, &b, table);
        PGresult *s = NULL;
        if (!err)
            err = trygg_pg_query(st, trygg_buf_str(&b),
                                 TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(table), TRYGG_SQL_TEXT(col)), &s,
                                 "import: identity");
        PQclear(s);
        trygg_buf_free(&b);
    }
    PQclear(r);
    return err;
}

trygg_err trygg_pg_backup(trygg_store *st, const char *path)
{
    (void)path;
    return trygg_pg_failf(st, TRYGG_ERR_INVALID,
                          "a PostgreSQL store is backed up with pg_dump or pg_basebackup"
                          " (docs/postgresql.md, \"Backups\")");
}
