/*
 * store_changes.h — the changes staff make to an item (classification,
 * urgency, status, the recipients' copy, destination, call-back number,
 * assignment), written once for both backends (store_changes.c) over a few
 * backend primitives: its transaction, reading the item for a change, one
 * UPDATE of named columns, the audit row, the deadline and the duplicate
 * loop check. Every change is checked, written and audited in one
 * transaction; the backend files keep only their SQL.
 */
#ifndef TRYGG_STORE_CHANGES_H
#define TRYGG_STORE_CHANGES_H

#include <stdint.h>

#include "store_common.h"

typedef struct trygg_stc_item_backend {
    trygg_err (*tx_begin)(trygg_store *st);
    trygg_err (*tx_end)(trygg_store *st, trygg_err err);
    /* Reads item `id` for a change (PostgreSQL: its row locked until the
     * transaction ends). */
    trygg_err (*read_for_change)(trygg_store *st, int64_t id, trygg_item *it);
    /* UPDATE items SET col1 = v1, col2 = v2 ... , updated = now WHERE id:
     * `cols` are comma-separated names from store_changes.c, never input. */
    trygg_err (*set_cols)(trygg_store *st, int64_t id, const char *cols, trygg_sql_args vals,
                          const char *what);
    trygg_err (*set_due)(trygg_store *st, int64_t id, int64_t due_at);
    trygg_err (*dup_loop)(trygg_store *st, int64_t id, int64_t of);
    trygg_err (*audit_add)(trygg_store *st, int64_t item_id, const char *actor, const char *action,
                           const char *detail);
    trygg_stc_fail_fn failf;
} trygg_stc_item_backend;

/* The most columns one change sets (set_cols: `vals` has at most this many). */
#define TRYGG_STC_MAX_COLS 4

/* The statement of a backend's set_cols: "UPDATE items SET c1 = <m>1, ...,
 * updated = <ts>(<m>k+1) WHERE id = <m>k+2" into sql[cap] (<m>: the
 * engine's parameter mark, '$' or '?'; ts_fn: "" or the function that makes
 * a timestamp of Unix seconds), and its values (vals, now, id) into
 * v[TRYGG_STC_MAX_COLS + 2]. Returns the number of values. */
int trygg_stc_set_cols_sql(char *sql, size_t cap, const char *cols, trygg_sql_args vals,
                           int64_t now, int64_t id, char mark, const char *ts_fn, trygg_sql_val *v);

trygg_err trygg_stc_update(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                           const char *actor, const char *category, const char *area, int kind);
trygg_err trygg_stc_set_urgent(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                               const char *actor, int urgent);
trygg_err trygg_stc_set_status(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                               const char *actor, trygg_status status, trygg_close_reason reason,
                               int64_t duplicate_of);
trygg_err trygg_stc_redact(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                           const char *actor, const char *text, const char *place);
trygg_err trygg_stc_set_destination(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                                    const char *actor, const char *dest);
trygg_err trygg_stc_set_callback_number(const trygg_stc_item_backend *b, trygg_store *st,
                                        int64_t id, const char *actor, const char *number);
trygg_err trygg_stc_assign(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                           const char *actor, const char *assignee);

#endif
