/*
 * store_pg_changes.c — changes to an item on PostgreSQL: classification,
 * urgency, the status rules, the recipients' copy (redact), destination,
 * call-back number, assignment and deadlines, duplicates and copies. Each
 * change locks the item's row (SELECT ... FOR UPDATE) before it reads it,
 * so two staff members changing one item at once are serialised, and is
 * audited in the same transaction.
 */
#include <stdio.h>
#include <string.h>

#include "store_common.h"
#include "store_pg_items.h"
#include "trygg/text.h"

trygg_err trygg_pg_touch_item(trygg_store *st, int64_t id)
{
    return trygg_pg_write(st, "UPDATE items SET updated = " PG_TS("$1") " WHERE id = $2",
                          TRYGG_SQL_ARGS(TRYGG_SQL_INT(trygg_pg_now()), TRYGG_SQL_INT(id)), NULL,
                          "update item");
}

/* Sets one text column (name from a fixed list, never user input). */
static trygg_err set_text_col(trygg_store *st, int64_t id, const char *col, const char *v)
{
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE items SET %s = $1 WHERE id = $2", col);
    return trygg_pg_write(st, sql, TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(v), TRYGG_SQL_INT(id)), NULL,
                          "update item");
}

/* Forgets the deadline of item `id`: its kind, category or urgency changed,
 * so the server computes it again (trygg_store_list_undue). */
static trygg_err reset_due(trygg_store *st, int64_t id)
{
    return trygg_pg_set_due(st, id, 0);
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

/* Starts a write and reads item `id` (locked) into *it; when the item
 * cannot be read the write is rolled back and its error returned. */
static trygg_err begin_item(trygg_store *st, int64_t id, trygg_item *it)
{
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    err = lock_item(st, id, it);
    return err ? trygg_pg_tx_end(st, err) : TRYGG_OK;
}

trygg_err trygg_pg_update(trygg_store *st, int64_t id, const char *actor, const char *category,
                          const char *area, int kind)
{
    char tmp[TRYGG_NAME_MAX + 1];
    if ((category && trygg_strset(tmp, sizeof tmp, category)) ||
        (area && trygg_strset(tmp, sizeof tmp, area)) || kind < -1 || kind >= TRYGG_KIND_COUNT)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid category, area or kind");
    trygg_item it;
    trygg_err err = begin_item(st, id, &it);
    if (err)
        return err;
    char detail[512] = "";
    if (category && strcmp(category, it.category) != 0) { /* "" clears it */
        trygg_stc_append_change(detail, sizeof detail, "category", it.category, category);
        err = set_text_col(st, id, "category", category);
    }
    if (!err && area && *area && strcmp(area, it.area) != 0) {
        trygg_stc_append_change(detail, sizeof detail, "area", it.area, area);
        err = set_text_col(st, id, "area", area);
    }
    if (!err && kind >= 0 && (trygg_kind)kind != it.kind) {
        trygg_stc_append_change(detail, sizeof detail, "kind", trygg_kind_name(it.kind),
                                trygg_kind_name((trygg_kind)kind));
        err = set_text_col(st, id, "kind", trygg_kind_name((trygg_kind)kind));
    }
    if (!err && detail[0]) {
        err = trygg_pg_touch_item(st, id);
        if (!err)
            err = reset_due(st, id);
        if (!err)
            err = trygg_pg_audit_add(st, id, actor, "edit", detail);
    }
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_set_urgent(trygg_store *st, int64_t id, const char *actor, int urgent)
{
    urgent = urgent ? 1 : 0;
    trygg_item it;
    trygg_err err = begin_item(st, id, &it);
    if (err)
        return err;
    if (it.urgent != urgent) {
        err = trygg_pg_write(
            st,
            "UPDATE items SET urgent = $1::int::boolean, updated = " PG_TS("$2") " WHERE id = $3",
            TRYGG_SQL_ARGS(TRYGG_SQL_INT(urgent), TRYGG_SQL_INT(trygg_pg_now()), TRYGG_SQL_INT(id)),
            NULL, "set urgent");
        if (!err)
            err = reset_due(st, id);
        if (!err)
            err = trygg_pg_audit_add(st, id, actor, "urgent", urgent ? "raised" : "lowered");
    }
    return trygg_pg_tx_end(st, err);
}

/* Checks a move of `it` to `status` and writes its audit text into detail;
 * *reason and *dup are cleared when they do not apply. */
static trygg_err status_check(trygg_store *st, const trygg_item *it, trygg_status status,
                              trygg_close_reason *reason, int64_t *dup, char *detail, size_t cap)
{
    if (!trygg_stc_transition_ok(it->status, status))
        return trygg_pg_failf(st, TRYGG_ERR_STATE, "cannot go from %s to %s",
                              trygg_status_name(it->status), trygg_status_name(status));
    if (status != TRYGG_STATUS_CLOSED) {
        *reason = TRYGG_CLOSE_NONE;
        *dup = 0;
        snprintf(detail, cap, "%s -> %s%s", trygg_status_name(it->status),
                 trygg_status_name(status), it->status == TRYGG_STATUS_CLOSED ? " (reopened)" : "");
        return TRYGG_OK;
    }
    if (*reason == TRYGG_CLOSE_NONE)
        return trygg_pg_failf(st, TRYGG_ERR_STATE, "closing needs a reason");
    if (*reason != TRYGG_CLOSE_DUPLICATE) {
        *dup = 0;
        snprintf(detail, cap, "%s -> closed (%s)", trygg_status_name(it->status),
                 trygg_close_reason_name(*reason));
        return TRYGG_OK;
    }
    if (*dup == it->id || *dup <= 0)
        return trygg_pg_failf(st, TRYGG_ERR_STATE, "duplicate needs another item");
    trygg_item orig;
    if (trygg_pg_get(st, *dup, &orig) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_STATE, "duplicate of a missing item");
    trygg_err err = trygg_pg_dup_loop(st, it->id, *dup);
    if (!err)
        snprintf(detail, cap, "%s -> closed (duplicate of %s)", trygg_status_name(it->status),
                 orig.ref);
    return err;
}

trygg_err trygg_pg_set_status(trygg_store *st, int64_t id, const char *actor, trygg_status status,
                              trygg_close_reason reason, int64_t duplicate_of)
{
    if ((int)status < 0 || status >= TRYGG_STATUS_COUNT || (int)reason < 0 ||
        reason >= TRYGG_CLOSE_COUNT)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid status or reason");
    trygg_item it;
    trygg_err err = begin_item(st, id, &it);
    if (err)
        return err;
    char detail[256];
    err = status_check(st, &it, status, &reason, &duplicate_of, detail, sizeof detail);
    if (!err)
        err = trygg_pg_write(
            st,
            "UPDATE items SET status = $1, close_reason = $2, duplicate_of = $3, "
            "updated = " PG_TS("$4") " WHERE id = $5",
            TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(trygg_status_name(status)),
                           TRYGG_SQL_TEXT(trygg_close_reason_name(reason)),
                           duplicate_of > 0 ? TRYGG_SQL_INT(duplicate_of) : TRYGG_SQL_NULL,
                           TRYGG_SQL_INT(trygg_pg_now()), TRYGG_SQL_INT(id)),
            NULL, "set status");
    if (!err)
        err = trygg_pg_audit_add(st, id, actor, "status", detail);
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_redact(trygg_store *st, int64_t id, const char *actor, const char *text,
                          const char *place)
{
    char t[2 * TRYGG_TEXT_MAX + 1], p[2 * TRYGG_NAME_MAX + 1];
    if (trygg_utf8_valid(text ? text : "", strlen(text ? text : "")) != 1 ||
        trygg_utf8_valid(place ? place : "", strlen(place ? place : "")) != 1 ||
        strlen(text ? text : "") > TRYGG_TEXT_MAX || strlen(place ? place : "") > TRYGG_NAME_MAX)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "redacted text too long or not UTF-8");
    trygg_stc_shared_copy(text, t, sizeof t);
    trygg_stc_shared_copy(place, p, sizeof p);
    trygg_item it;
    trygg_err err = begin_item(st, id, &it);
    if (err)
        return err;
    if (it.purged)
        err = trygg_pg_failf(st, TRYGG_ERR_STATE, "item is purged");
    if (!err)
        err = trygg_pg_write(st,
                             "UPDATE items SET shared_text = $1, shared_place = $2, redacted = "
                             "true, updated = " PG_TS("$3") " WHERE id = $4",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(t), TRYGG_SQL_TEXT(p),
                                            TRYGG_SQL_INT(trygg_pg_now()), TRYGG_SQL_INT(id)),
                             NULL, "redact");
    if (!err)
        err = trygg_pg_audit_add(st, id, actor, "redact", "");
    return trygg_pg_tx_end(st, err);
}

/* ---- Destination and call-back number ------------------------------------ */

trygg_err trygg_pg_set_destination(trygg_store *st, int64_t id, const char *actor, const char *dest)
{
    if (!dest || !dest[0] || !actor)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "destination and actor required");
    trygg_destination d;
    trygg_err err = trygg_store_dest_get(st, dest, &d);
    if (err)
        return err;
    trygg_item it;
    err = begin_item(st, id, &it);
    if (err)
        return err;
    err = trygg_pg_write(
        st, "UPDATE items SET destination = $1, updated = " PG_TS("$2") " WHERE id = $3",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(dest), TRYGG_SQL_INT(trygg_pg_now()), TRYGG_SQL_INT(id)),
        NULL, "set destination");
    if (!err) {
        char detail[160];
        snprintf(detail, sizeof detail, "%s -> %s", it.destination[0] ? it.destination : "-", dest);
        err = trygg_pg_audit_add(st, id, actor, "route", detail);
    }
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_set_callback_number(trygg_store *st, int64_t id, const char *actor,
                                       const char *number)
{
    if (!number || !number[0] || !actor || strlen(number) > TRYGG_CONTACT_MAX)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "number and actor required");
    trygg_item it;
    trygg_err err = begin_item(st, id, &it);
    if (err)
        return err;
    if (it.kind != TRYGG_KIND_CALLBACK || it.purged)
        return trygg_pg_tx_end(st, trygg_pg_failf(st, TRYGG_ERR_STATE, "not a call-back item"));
    err = trygg_pg_write(
        st,
        "UPDATE items SET contact = $1, consent = true, updated = " PG_TS("$2") " WHERE id = $3",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(number), TRYGG_SQL_INT(trygg_pg_now()), TRYGG_SQL_INT(id)),
        NULL, "set call-back number");
    if (!err)
        err = trygg_pg_audit_add(st, id, actor, "callback", "number visible to call-back staff");
    return trygg_pg_tx_end(st, err);
}

/* ---- Case work: assignment and deadlines ----------------------------------- */

/* 1 if user `u` may be assigned an item routed to `dest`. */
static int assignable(const trygg_user *u, const char *dest)
{
    if (u->disabled)
        return 0;
    if (strcmp(u->role, "security") == 0 || strcmp(u->role, "admin") == 0)
        return 1;
    return strcmp(u->role, "destination") == 0 && u->destination[0] &&
           strcmp(u->destination, dest) == 0;
}

trygg_err trygg_pg_assign(trygg_store *st, int64_t id, const char *actor, const char *assignee)
{
    if (!assignee)
        assignee = "";
    trygg_item it;
    trygg_err err = begin_item(st, id, &it);
    if (err)
        return err;
    if (assignee[0]) {
        trygg_user u;
        err = trygg_store_user_get(st, assignee, &u);
        if (err == TRYGG_ERR_NOTFOUND || (!err && !assignable(&u, it.destination)))
            err =
                trygg_pg_failf(st, TRYGG_ERR_INVALID, "%s cannot be assigned this item", assignee);
    }
    if (!err && strcmp(it.assignee, assignee) != 0) {
        err = set_text_col(st, id, "assignee", assignee);
        if (!err)
            err = trygg_pg_touch_item(st, id);
        char detail[2 * TRYGG_NAME_MAX + 8];
        snprintf(detail, sizeof detail, "%s -> %s", it.assignee, assignee);
        if (!err)
            err = trygg_pg_audit_add(st, id, actor, "assign", detail);
    }
    return trygg_pg_tx_end(st, err);
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
    trygg_err err = begin_item(st, id, &it);
    if (err)
        return err;
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
