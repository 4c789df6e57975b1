/*
 * store_move.h — moving a whole store into an empty store of another
 * backend (a municipality's SQLite queue into a region's PostgreSQL
 * database: `tryggctl move`). Built on store.h's "Moving a store to another
 * backend" calls only; shared/src/store_move.c.
 */
#ifndef TRYGG_STORE_MOVE_H
#define TRYGG_STORE_MOVE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

/* 1 when data table `table` is not moved (with the reason in *why, may be
 * NULL): state of the running installation (staff sessions, login limits,
 * job leases) and SQLite's derived tables (the week cache, the search
 * bookkeeping), which the target rebuilds or does not have. */
int trygg_store_move_skips(const char *table, const char **why);

/* Called after each table with the rows moved; non-zero stops the move
 * (nothing is kept). */
typedef int (*trygg_move_cb)(void *ctx, const char *table, int64_t rows);

/* Copies every data table of `from` into `to` in one transaction of `to`,
 * ids kept, while `from` is held in one transaction (a consistent copy; no
 * one writes to it meanwhile). Refused, with nothing written:
 * TRYGG_ERR_SCHEMA when the two are not both at this program's schema,
 * TRYGG_ERR_EXISTS when a table of `to` that would be moved has rows,
 * TRYGG_ERR_INVALID when their tables or columns differ. After the copy the
 * row counts of every moved table are compared. On any failure `to` is
 * left as it was (empty). A message for people is put in msg[cap]. */
TRYGG_MUST_CHECK trygg_err trygg_store_move(trygg_store *from, trygg_store *to, trygg_move_cb cb,
                                            void *ctx, char *msg, size_t cap);

#endif
