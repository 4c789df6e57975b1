/*
 * store_pg_changes.c — changes to an item on PostgreSQL: classification,
 * urgency, the status rules, the recipients' copy (redact), destination,
 * call-back number, assignment and deadlines, duplicates and copies. Each
 * change locks the item's row (SELECT ... FOR UPDATE) before it reads it,
 * so two staff members changing one item at once are serialised, and is
 * audited in the same transaction. The flows and their rules are
 * store_changes.c's; this file gives their SQL.
 */
#include <stdio.h>
#include <string.h>

#include "store_changes.h"
#include "store_common.h"
#include "store_pg_items.h"
#include "trygg/text.h"

trygg_err trygg_pg_touch_item(trygg_store *st, int64_t id)
{
    return trygg_pg_write(st, "UPDATE items SET updated = " PG_TS("$1") " WHERE id = $2",
                          TRYGG_SQL_ARGS(TRYGG_SQL_INT(trygg_pg_now()), TRYGG_SQL_INT(id)), NULL,
                          "update item");
}

/* UPDATE items SET col1 = $1, ... , updated = now WHERE id (store_changes.h;
 * the names come from store_changes.c, never from input). */
static trygg_err set_cols(trygg_store *st, int64_t id, const char *cols, trygg_sql_args vals,
                          const char *what)
{
    char sql[256];
    trygg_sql_val v[TRYGG_STC_MAX_COLS + 2];
    int n = trygg_stc_set_cols_sql(sql, sizeof sql, cols, vals, trygg_pg_now(), id, '$',
                                   "to_timestamp", v);
    return trygg_pg_write(st, sql, (trygg_sql_args){v, n}, NULL, what);
}

/* Reads item `id` into *it with its row locked until the transaction ends. */
static trygg_err lock_item(trygg_store *st, int64_t id, trygg_item *it)
{
    int n = 0;
    trygg_err err = trygg_pg_write(st, "SELECT 1 FROM items WHERE id = $1 FOR UPDATE",
                                   TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), &n, "lock item");
    if (!err && n == 0)
        err = trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "no such item");
    return err ? err : trygg_pg_get(st, id, it);
}

static const trygg_stc_item_backend pg_items = {
    .tx_begin = trygg_pg_tx_begin,
    .tx_end = trygg_pg_tx_end,
    .read_for_change = lock_item,
    .set_cols = set_cols,
    .set_due = trygg_pg_set_due,
    .dup_loop = trygg_pg_dup_loop,
    .audit_add = trygg_pg_audit_add,
    .failf = trygg_pg_failf,
};

trygg_err trygg_pg_update(trygg_store *st, int64_t id, const char *actor, const char *category,
                          const char *area, int kind)
{
    return trygg_stc_update(&pg_items, st, id, actor, category, area, kind);
}

trygg_err trygg_pg_set_urgent(trygg_store *st, int64_t id, const char *actor, int urgent)
{
    return trygg_stc_set_urgent(&pg_items, st, id, actor, urgent);
}

trygg_err trygg_pg_set_status(trygg_store *st, int64_t id, const char *actor, trygg_status status,
                              trygg_close_reason reason, int64_t duplicate_of)
{
    return trygg_stc_set_status(&pg_items, st, id, actor, status, reason, duplicate_of);
}

trygg_err trygg_pg_redact(trygg_store *st, int64_t id, const char *actor, const char *text,
                          const char *place)
{
    return trygg_stc_redact(&pg_items, st, id, actor, text, place);
}

trygg_err trygg_pg_set_destination(trygg_store *st, int64_t id, const char *actor, const char *dest)
{
    return trygg_stc_set_destination(&pg_items, st, id, actor, dest);
}

trygg_err trygg_pg_set_callback_number(trygg_store *st, int64_t id, const char *actor,
                                       const char *number)
{
    return trygg_stc_set_callback_number(&pg_items, st, id, actor, number);
}

trygg_err trygg_pg_assign(trygg_store *st, int64_t id, const char *actor, const char *assignee)
{
    return trygg_stc_assign(&pg_items, st, id, actor, assignee);
}

trygg_err trygg_pg_set_due(trygg_store *st, int64_t id, int64_t due_at)
{
    return trygg_pg_write_one(
        st, "UPDATE items SET due_at = " PG_TS("$1") " WHERE id = $2",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(due_at < 0 ? TRYGG_DUE_NONE : due_at), TRYGG_SQL_INT(id)),
        "item");
}

static void read_id(const PGresult *r, int row, void *out)
{
    *(int64_t *)out = trygg_pg_col_int(r, row, 0);
}

trygg_err trygg_pg_list_undue(trygg_store *st, int64_t *ids, int max, int *n)
{
    return trygg_pg_select(st,
                           "SELECT id FROM items WHERE due_at = 'epoch' AND status <> 'closed' "
                           "ORDER BY created, id LIMIT $1",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(max < 0 ? 0 : max)), ids, sizeof *ids,
                           max < 0 ? 0 : max, read_id, n, "list undue");
}

/* ---- Duplicates and copies (issue 14) -------------------------------------- */

/* How far a duplicate_of chain is followed; a longer chain is refused as if
 * it were a loop (it can only come from a corrupt database). */
#define DUP_CHAIN_MAX 64

trygg_err trygg_pg_dup_loop(trygg_store *st, int64_t id, int64_t of)
{
    int64_t at = of;
    for (int step = 0; step < DUP_CHAIN_MAX; step++) {
        if (at == id)
            return trygg_pg_failf(st, TRYGG_ERR_STATE,
                                  "a loop of duplicates: the item is already its original's "
                                  "original");
        int64_t next = 0;
        trygg_err err =
            trygg_pg_int64(st, "SELECT coalesce(duplicate_of, 0) FROM items WHERE id = $1",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(at)), &next, "duplicate chain");
        if (err || next <= 0)
            return err;
        at = next;
    }
    return trygg_pg_failf(st, TRYGG_ERR_STATE, "duplicate chain too long");
}

trygg_err trygg_pg_list_duplicates(trygg_store *st, int64_t id, trygg_view view, trygg_item *items,
                                   int max, int *n)
{
    *n = 0;
    if (max <= 0)
        return TRYGG_OK;
    char sql[1536];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM items i WHERE i.duplicate_of = $1 ORDER BY i.created, i.id LIMIT $2",
             trygg_pg_item_cols(view));
    return trygg_pg_items(st, sql, TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_INT(max)), items,
                          max, n, "list duplicates");
}

trygg_err trygg_pg_set_copy_to(trygg_store *st, int64_t id, const char *actor, const char *dest)
{
    if (!dest || !dest[0])
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "copy to nobody");
    trygg_item it;
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    err = lock_item(st, id, &it);
    if (err)
        return trygg_pg_tx_end(st, err);
    trygg_destination d;
    err = trygg_store_dest_get(st, dest, &d);
    if (!err && !d.full_access && (it.kind == TRYGG_KIND_TIP || it.kind == TRYGG_KIND_CALLBACK))
        err = trygg_pg_failf(st, TRYGG_ERR_PERM, "no copy of a tip or call-back to %s", dest);
    if (!err && strcmp(it.copy_to, dest) != 0) {
        err = trygg_pg_write(st, "UPDATE items SET copy_to = $1 WHERE id = $2",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(dest), TRYGG_SQL_INT(id)), NULL,
                             "copy to");
        if (!err)
            err = trygg_pg_audit_add(st, id, actor ? actor : "system", "copy", dest);
    }
    return trygg_pg_tx_end(st, err);
}
