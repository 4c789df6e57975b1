/*
 * store_move.c — moving a whole store into an empty store of another
 * backend (trygg/store_move.h), through store.h only: each backend reads
 * and writes its rows as engine-neutral values and converts its own types,
 * so no table's column list is written down here; the tables come from the
 * source (trygg_store_table_rows) and must match the target's, column for
 * column. The one list kept here is what is deliberately not moved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_common.h"
#include "trygg/copy.h"
#include "trygg/store_move.h"

typedef struct skip {
    const char *table, *why;
} skip;

/* The one place that says which data tables stay behind, and why. */
static const skip SKIPS[] = {
    {"staff_sessions", "sessions of the old installation: staff log in again on the new one"},
    {"login_failures", "login limits of the old installation's addresses"},
    {"job_leases", "leases held by the old installation's running workers"},
    {"report_week_done", "the week picture's cache: the target fills its own"},
    {"report_week_counts", "the week picture's cache: the target fills its own"},
    {"fts_pending", "SQLite's search bookkeeping: the target indexes every item"},
    {"report_piece_counts", "the quarter and year cache: the target fills its own"},
    {"report_piece_done", "the quarter and year cache: the target fills its own"},
    {"items_urgent", "PostgreSQL's search copy of urgent items: its trigger fills it"},
};

/* Tables a new store writes rows into itself: they need not be empty, the
 * import replaces their rows (trygg_store_import_begin). */
static int seeded(const char *table)
{
    return strcmp(table, "report_meta") == 0;
}

int trygg_store_move_skips(const char *table, const char **why)
{
    for (size_t i = 0; i < sizeof SKIPS / sizeof SKIPS[0]; i++)
        if (strcmp(SKIPS[i].table, table) == 0) {
            if (why)
                *why = SKIPS[i].why;
            return 1;
        }
    return 0;
}

enum { MAX_TABLES = 64, NAME_CAP = 64, COLS_CAP = 4096, BATCH_VALUES = 20000 };

typedef struct table_list {
    int n;
    char name[MAX_TABLES][NAME_CAP];
    int64_t rows[MAX_TABLES];
} table_list;

static int add_table(void *ctx, const char *table, int64_t rows)
{
    table_list *t = ctx;
    if (t->n >= MAX_TABLES)
        return 1;
    if (strlen(table) >= NAME_CAP)
        return 1;
    trygg_copy_trunc(t->name[t->n], NAME_CAP, table);
    t->rows[t->n++] = rows;
    return 0;
}

static int find_table(const table_list *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->name[i], name) == 0)
            return i;
    return -1;
}

/* Rows kept until the next import_rows: the values, their bytes copied. */
typedef struct batch {
    trygg_store *to;
    const char *table, *cols;
    int ncols, nrows;
    int64_t total;
    trygg_err err;
    trygg_sql_val v[BATCH_VALUES];
    void *owned[BATCH_VALUES];
} batch;

static void batch_clear(batch *b)
{
    for (int i = 0; i < b->nrows * b->ncols; i++)
        free(b->owned[i]);
    b->nrows = 0;
}

static trygg_err batch_flush(batch *b)
{
    trygg_err err = TRYGG_OK;
    if (b->nrows > 0)
        err = trygg_store_import_rows(b->to, b->table, b->cols, b->v, b->ncols, b->nrows);
    batch_clear(b);
    return err;
}

/* trygg_row_cb: copies one row into the batch, flushing a full one. */
static int batch_row(void *ctx, const trygg_sql_val *v, int n)
{
    batch *b = ctx;
    if (n != b->ncols) {
        b->err = TRYGG_ERR_INVALID;
        return 1;
    }
    if ((b->nrows + 1) * n > BATCH_VALUES && (b->err = batch_flush(b)) != TRYGG_OK)
        return 1;
    for (int i = 0; i < n; i++) {
        int k = b->nrows * n + i;
        b->v[k] = v[i];
        b->owned[k] = NULL;
        size_t len = v[i].kind == TRYGG_SQLV_TEXT   ? (v[i].p ? strlen(v[i].p) + 1 : 0)
                     : v[i].kind == TRYGG_SQLV_BLOB ? (size_t)(v[i].p ? v[i].i : 0)
                                                    : 0;
        if (len == 0)
            continue;
        b->owned[k] = malloc(len);
        if (!b->owned[k]) {
            b->nrows++;
            b->err = TRYGG_ERR_NOMEM;
            return 1;
        }
        memcpy(b->owned[k], v[i].p, len);
        b->v[k].p = b->owned[k];
    }
    b->nrows++;
    b->total++;
    return 0;
}

/* Moves one table; *rows gets the count. */
static trygg_err move_table(trygg_store *from, trygg_store *to, const char *table, const char *cols,
                            batch *b, int64_t *rows, char *msg, size_t cap)
{
    b->to = to;
    b->table = table;
    b->cols = cols;
    b->ncols = trygg_stc_cols_count(cols);
    b->nrows = 0;
    b->total = 0;
    b->err = TRYGG_OK;
    trygg_err err = trygg_store_export_rows(from, table, batch_row, b);
    if (b->err) {
        err = b->err;
        snprintf(msg, cap, "%s: %s", table, trygg_store_errmsg(to));
    } else if (err) {
        snprintf(msg, cap, "%s: reading: %s", table, trygg_store_errmsg(from));
    } else if ((err = batch_flush(b)) != TRYGG_OK) {
        snprintf(msg, cap, "%s: %s", table, trygg_store_errmsg(to));
    }
    batch_clear(b);
    *rows = b->total;
    return err;
}

/* The tables to move, in the source's order; checks the target has each
 * one empty with the same columns, and no other table the source lacks. */
static trygg_err plan(trygg_store *from, trygg_store *to, table_list *src, table_list *dst,
                      char *msg, size_t cap)
{
    trygg_err err = trygg_store_table_rows(from, add_table, src);
    if (err) {
        snprintf(msg, cap, "source: cannot list the tables: %s", trygg_store_errmsg(from));
        return err;
    }
    if ((err = trygg_store_table_rows(to, add_table, dst)) != TRYGG_OK) {
        snprintf(msg, cap, "target: cannot list the tables: %s", trygg_store_errmsg(to));
        return err;
    }
    for (int i = 0; i < dst->n; i++) {
        if (trygg_store_move_skips(dst->name[i], NULL))
            continue;
        if (find_table(src, dst->name[i]) < 0) {
            snprintf(msg, cap, "the source has no table %s", dst->name[i]);
            return TRYGG_ERR_INVALID;
        }
        if (dst->rows[i] > 0 && !seeded(dst->name[i])) {
            snprintf(msg, cap, "the target is not empty: table %s has %lld rows", dst->name[i],
                     (long long)dst->rows[i]);
            return TRYGG_ERR_EXISTS;
        }
    }
    for (int i = 0; i < src->n; i++)
        if (!trygg_store_move_skips(src->name[i], NULL) && find_table(dst, src->name[i]) < 0) {
            snprintf(msg, cap, "the target has no table %s", src->name[i]);
            return TRYGG_ERR_INVALID;
        }
    return TRYGG_OK;
}

/* The source's column list of `table` into cols, checked against the
 * target's (the same names, in any order). */
static trygg_err same_columns(trygg_store *from, trygg_store *to, const char *table, char *cols,
                              char *msg, size_t cap)
{
    char theirs[COLS_CAP];
    trygg_err err = trygg_store_table_columns(from, table, cols, COLS_CAP);
    if (!err)
        err = trygg_store_table_columns(to, table, theirs, sizeof theirs);
    if (err) {
        snprintf(msg, cap, "columns of %s: %s", table, trygg_store_errmsg(to));
        return err;
    }
    if (!trygg_stc_cols_subset(cols, theirs) || !trygg_stc_cols_subset(theirs, cols)) {
        snprintf(msg, cap, "table %s differs: source (%s), target (%s)", table, cols, theirs);
        return TRYGG_ERR_INVALID;
    }
    return TRYGG_OK;
}

/* Compares the row counts of every moved table after the copy. */
static trygg_err check_counts(trygg_store *to, const table_list *src, char *msg, size_t cap)
{
    table_list *after = calloc(1, sizeof *after);
    if (!after)
        return TRYGG_ERR_NOMEM;
    trygg_err err = trygg_store_table_rows(to, add_table, after);
    for (int i = 0; !err && i < src->n; i++) {
        if (trygg_store_move_skips(src->name[i], NULL))
            continue;
        int k = find_table(after, src->name[i]);
        if (k < 0 || after->rows[k] != src->rows[i]) {
            snprintf(msg, cap, "table %s: %lld rows in the source, %lld moved", src->name[i],
                     (long long)src->rows[i], k < 0 ? -1LL : (long long)after->rows[k]);
            err = TRYGG_ERR_DB;
        }
    }
    free(after);
    return err;
}

/* Moves every table of plan `src` inside the open transactions. */
static trygg_err move_all(trygg_store *from, trygg_store *to, const table_list *src,
                          trygg_move_cb cb, void *ctx, char *msg, size_t cap)
{
    batch *b = calloc(1, sizeof *b);
    if (!b)
        return TRYGG_ERR_NOMEM;
    trygg_err err = trygg_store_import_begin(to);
    if (err)
        snprintf(msg, cap, "import: %s", trygg_store_errmsg(to));
    for (int i = 0; !err && i < src->n; i++) {
        if (trygg_store_move_skips(src->name[i], NULL))
            continue;
        char cols[COLS_CAP];
        int64_t rows = 0;
        err = same_columns(from, to, src->name[i], cols, msg, cap);
        if (!err)
            err = move_table(from, to, src->name[i], cols, b, &rows, msg, cap);
        if (!err && cb && cb(ctx, src->name[i], rows)) {
            snprintf(msg, cap, "stopped after table %s", src->name[i]);
            err = TRYGG_ERR_STATE;
        }
    }
    free(b);
    if (!err && (err = trygg_store_import_end(to)) != TRYGG_OK)
        snprintf(msg, cap, "import: %s", trygg_store_errmsg(to));
    return err ? err : check_counts(to, src, msg, cap);
}

trygg_err trygg_store_move(trygg_store *from, trygg_store *to, trygg_move_cb cb, void *ctx,
                           char *msg, size_t cap)
{
    if (!from || !to || !msg || cap == 0)
        return TRYGG_ERR_INVALID;
    msg[0] = '\0';
    int latest = trygg_store_schema_latest();
    if (trygg_store_schema_version(from) != latest || trygg_store_schema_version(to) != latest) {
        snprintf(msg, cap, "both stores must be at schema %d (source %d, target %d)", latest,
                 trygg_store_schema_version(from), trygg_store_schema_version(to));
        return TRYGG_ERR_SCHEMA;
    }
    table_list *src = calloc(1, sizeof *src), *dst = calloc(1, sizeof *dst);
    trygg_err err = src && dst ? TRYGG_OK : TRYGG_ERR_NOMEM;
    if (!err && (err = trygg_store_begin(from)) != TRYGG_OK)
        snprintf(msg, cap, "source: %s", trygg_store_errmsg(from));
    int from_tx = !err;
    if (!err && (err = trygg_store_begin(to)) != TRYGG_OK)
        snprintf(msg, cap, "target: %s", trygg_store_errmsg(to));
    int to_tx = !err;
    if (!err)
        err = plan(from, to, src, dst, msg, cap);
    if (!err)
        err = move_all(from, to, src, cb, ctx, msg, cap);
    if (to_tx && !err && (err = trygg_store_commit(to)) != TRYGG_OK)
        snprintf(msg, cap, "commit: %s", trygg_store_errmsg(to));
    else if (to_tx && err)
        trygg_store_rollback(to);
    if (from_tx)
        trygg_store_rollback(from);
    free(src);
    free(dst);
    return err;
}
