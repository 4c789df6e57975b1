/*
 * store_sqlite_changes.c — changes to an item: classification, urgency,
 * the status rules (transition_ok), the recipients' copy (redact), the
 * destination and the call-back number. Each change is audited in the same
 * transaction.
 */
#include "store_changes.h"
#include "store_common.h"
#include "store_sqlite_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "trygg/log.h"
#include "trygg/ref.h"
#include "trygg/text.h"

/* ---- Changes ------------------------------------------------------------- */

trygg_err trygg_st_touch_item(trygg_store *st, int64_t id)
{
    return trygg_st_write(st, "UPDATE items SET updated = ?1 WHERE id = ?2",
                          TRYGG_SQL_ARGS(TRYGG_SQL_INT(trygg_st_now()), TRYGG_SQL_INT(id)),
                          "update item");
}

/* UPDATE items SET col1 = ?1, ... , updated = now WHERE id (store_changes.h;
 * the names come from store_changes.c, never from input). */
static trygg_err set_cols(trygg_store *st, int64_t id, const char *cols, trygg_sql_args vals,
                          const char *what)
{
    char sql[256];
    trygg_sql_val v[TRYGG_STC_MAX_COLS + 2];
    int n = trygg_stc_set_cols_sql(sql, sizeof sql, cols, vals, trygg_st_now(), id, '?', "", v);
    return trygg_st_write(st, sql, (trygg_sql_args){v, n}, what);
}

static trygg_err read_item(trygg_store *st, int64_t id, trygg_item *it)
{
    return trygg_store_get(st, id, it);
}

static const trygg_stc_item_backend sqlite_items = {
    .tx_begin = trygg_st_tx_begin,
    .tx_end = trygg_st_tx_end,
    .read_for_change = read_item, /* BEGIN IMMEDIATE already holds the writer's lock */
    .set_cols = set_cols,
    .set_due = trygg_sqlite_set_due,
    .dup_loop = trygg_st_dup_loop,
    .audit_add = trygg_st_audit_add,
    .failf = trygg_st_failf,
};

trygg_err trygg_sqlite_update(trygg_store *st, int64_t id, const char *actor, const char *category,
                              const char *area, int kind)
{
    return trygg_stc_update(&sqlite_items, st, id, actor, category, area, kind);
}

trygg_err trygg_sqlite_set_urgent(trygg_store *st, int64_t id, const char *actor, int urgent)
{
    return trygg_stc_set_urgent(&sqlite_items, st, id, actor, urgent);
}

trygg_err trygg_sqlite_set_status(trygg_store *st, int64_t id, const char *actor,
                                  trygg_status status, trygg_close_reason reason,
                                  int64_t duplicate_of)
{
    return trygg_stc_set_status(&sqlite_items, st, id, actor, status, reason, duplicate_of);
}

trygg_err trygg_sqlite_redact(trygg_store *st, int64_t id, const char *actor, const char *text,
                              const char *place)
{
    return trygg_stc_redact(&sqlite_items, st, id, actor, text, place);
}

trygg_err trygg_sqlite_set_destination(trygg_store *st, int64_t id, const char *actor,
                                       const char *dest)
{
    return trygg_stc_set_destination(&sqlite_items, st, id, actor, dest);
}

trygg_err trygg_sqlite_set_callback_number(trygg_store *st, int64_t id, const char *actor,
                                           const char *number)
{
    return trygg_stc_set_callback_number(&sqlite_items, st, id, actor, number);
}

trygg_err trygg_sqlite_assign(trygg_store *st, int64_t id, const char *actor, const char *assignee)
{
    return trygg_stc_assign(&sqlite_items, st, id, actor, assignee);
}

trygg_err trygg_sqlite_set_due(trygg_store *st, int64_t id, int64_t due_at)
{
    return trygg_st_write_one(
        st, "UPDATE items SET due_at = ?1 WHERE id = ?2",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(due_at < 0 ? TRYGG_DUE_NONE : due_at), TRYGG_SQL_INT(id)),
        "item");
}

static void read_id(sqlite3_stmt *s, void *row)
{
    *(int64_t *)row = sqlite3_column_int64(s, 0);
}

trygg_err trygg_sqlite_list_undue(trygg_store *st, int64_t *ids, int max, int *n)
{
    *n = 0;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT id FROM items WHERE due_at = 0 AND status <> 'closed' "
                                     "ORDER BY created, id LIMIT ?1",
                                     &s);
    if (err)
        return err;
    sqlite3_bind_int(s, 1, max);
    return trygg_st_collect(st, s, ids, sizeof *ids, read_id, n, "list undue");
}
