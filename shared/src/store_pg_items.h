/*
 * store_pg_items.h — private to the item files of the PostgreSQL backend
 * (store_pg_items.c, store_pg_search.c, store_pg_changes.c, store_pg_thread.c,
 * store_pg_purge.c, store_pg_inspect.c): the item columns in both views,
 * reading an item row, and small steps the changes share.
 */
#ifndef TRYGG_STORE_PG_ITEMS_H
#define TRYGG_STORE_PG_ITEMS_H

#include "store_pg_internal.h"

/* The columns trygg_pg_read_item reads, for table alias "i", in `view`
 * (the shared view: the recipients' copy of text and place; no contact,
 * sender, alias or client key). Both lists have the same shape. */
const char *trygg_pg_item_cols(trygg_view view);
/* Reads row `row` of a result of trygg_pg_item_cols into *it. TRYGG_ERR_DB
 * (message in st) when its channel, kind, status or close reason is no
 * known name. */
TRYGG_MUST_CHECK trygg_err trygg_pg_read_item(trygg_store *st, const PGresult *r, int row,
                                              trygg_item *it);
/* Runs sql (its columns trygg_pg_item_cols) and reads up to max rows into
 * items; *n gets the count (0 on error). */
trygg_err trygg_pg_items(trygg_store *st, const char *sql, trygg_sql_args a, trygg_item *items,
                         int max, int *n, const char *what);
/* Sets item `id`'s updated time to now. */
trygg_err trygg_pg_touch_item(trygg_store *st, int64_t id);
/* TRYGG_ERR_STATE (with the message) when closing `id` as a duplicate of
 * `of` would close a loop (store_pg_changes.c). */
trygg_err trygg_pg_dup_loop(trygg_store *st, int64_t id, int64_t of);

#endif
