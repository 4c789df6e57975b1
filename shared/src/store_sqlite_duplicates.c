/*
 * store_sqlite_duplicates.c — duplicates linked both ways and the routing
 * rule's copies (issue 14): the loop check that trygg_store_set_status runs
 * before closing an item as a duplicate, the list of an original's
 * duplicates, and the recipient that got a scrubbed copy at intake
 * (items.copy_to, schema v14).
 */
#include "store_sqlite_internal.h"

#include <stdio.h>
#include <string.h>

/* How far a duplicate_of chain is followed; a longer chain is refused as if
 * it were a loop (it can only come from a corrupt database). */
#define DUP_CHAIN_MAX 64

trygg_err trygg_st_dup_loop(trygg_store *st, int64_t id, int64_t of)
{
    int64_t at = of;
    for (int step = 0; step < DUP_CHAIN_MAX; step++) {
        if (at == id)
            return trygg_st_failf(st, TRYGG_ERR_STATE,
                                  "a loop of duplicates: the item is already its original's "
                                  "original");
        int64_t next = 0;
        sqlite3_stmt *s;
        trygg_err err =
            trygg_st_prepare_args(st, "SELECT coalesce(duplicate_of, 0) FROM items WHERE id = ?1",
                                  TRYGG_SQL_ARGS(TRYGG_SQL_INT(at)), &s);
        if (err)
            return err;
        int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW)
            next = sqlite3_column_int64(s, 0);
        else if (rc != SQLITE_DONE)
            err = trygg_st_fail(st, rc, "duplicate chain");
        sqlite3_finalize(s);
        if (err || next <= 0)
            return err;
        at = next;
    }
    return trygg_st_failf(st, TRYGG_ERR_STATE, "duplicate chain too long");
}

trygg_err trygg_sqlite_list_duplicates(trygg_store *st, int64_t id, trygg_view view,
                                       trygg_item *items, int max, int *n)
{
    *n = 0;
    if (max <= 0)
        return TRYGG_OK;
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM items i WHERE duplicate_of = ?1 ORDER BY created, id LIMIT ?2",
             trygg_st_item_cols(view));
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare_args(st, sql, TRYGG_SQL_ARGS(TRYGG_SQL_INT(id), TRYGG_SQL_INT(max)), &s);
    if (err)
        return err;
    int rc = SQLITE_DONE, count = 0;
    while (!err && count < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
        err = trygg_st_read_item(st, s, &items[count++]);
    if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = trygg_st_fail(st, rc, "list duplicates");
    sqlite3_finalize(s);
    *n = err ? 0 : count;
    return err;
}

trygg_err trygg_sqlite_set_copy_to(trygg_store *st, int64_t id, const char *actor, const char *dest)
{
    if (!dest || !dest[0])
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "copy to nobody");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_item it;
    trygg_destination d;
    err = trygg_store_get(st, id, &it);
    if (!err)
        err = trygg_store_dest_get(st, dest, &d);
    if (!err && !d.full_access && (it.kind == TRYGG_KIND_TIP || it.kind == TRYGG_KIND_CALLBACK))
        err = trygg_st_failf(st, TRYGG_ERR_PERM, "no copy of a tip or call-back to %s", dest);
    if (!err && strcmp(it.copy_to, dest) != 0) {
        err = trygg_st_write(st, "UPDATE items SET copy_to = ?1 WHERE id = ?2",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(dest), TRYGG_SQL_INT(id)), "copy to");
        if (!err)
            err = trygg_st_audit_add(st, id, actor ? actor : "system", "copy", dest);
    }
    return trygg_st_tx_end(st, err);
}
