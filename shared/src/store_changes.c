/*
 * store_changes.c — the item changes of store.h ("Changes") once for both
 * backends, over the primitives of store_changes.h. The rules, checks,
 * error messages and audit texts live here; the backends' files
 * (store_sqlite_changes.c, store_pg_changes.c) give their SQL.
 */
#include "store_changes.h"

#include <stdio.h>
#include <string.h>

#include "trygg/text.h"

/* Starts the change and reads the item; when it cannot be read the
 * transaction is ended with that error. */
static trygg_err begin_item(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                            trygg_item *it)
{
    trygg_err err = b->tx_begin(st);
    if (err)
        return err;
    err = b->read_for_change(st, id, it);
    return err ? b->tx_end(st, err) : TRYGG_OK;
}

/* Forgets the deadline: kind, category or urgency changed, so the server
 * computes it again (trygg_store_list_undue). */
static trygg_err reset_due(const trygg_stc_item_backend *b, trygg_store *st, int64_t id)
{
    return b->set_due(st, id, 0);
}

int trygg_stc_set_cols_sql(char *sql, size_t cap, const char *cols, trygg_sql_args vals,
                           int64_t now, int64_t id, char mark, const char *ts_fn, trygg_sql_val *v)
{
    snprintf(sql, cap, "UPDATE items SET ");
    int k = 0;
    for (const char *c = cols; *c && k < TRYGG_STC_MAX_COLS && k < vals.n; k++) {
        size_t len = strcspn(c, ","), at = strlen(sql);
        snprintf(sql + at, cap - at, "%.*s = %c%d, ", (int)len, c, mark, k + 1);
        v[k] = vals.v[k];
        c += len + (c[len] == ',');
    }
    size_t at = strlen(sql);
    snprintf(sql + at, cap - at, "updated = %s(%c%d) WHERE id = %c%d", ts_fn, mark, k + 1, mark,
             k + 2);
    v[k] = TRYGG_SQL_INT(now);
    v[k + 1] = TRYGG_SQL_INT(id);
    return k + 2;
}

/* Adds column `col` with text `v` to the list of an update. */
static void col_text(char *cols, size_t cap, trygg_sql_val *vals, int *n, const char *col,
                     const char *v)
{
    size_t len = strlen(cols);
    snprintf(cols + len, cap - len, "%s%s", len ? "," : "", col);
    vals[(*n)++] = TRYGG_SQL_TEXT(v);
}

trygg_err trygg_stc_update(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                           const char *actor, const char *category, const char *area, int kind)
{
    char tmp[TRYGG_NAME_MAX + 1];
    if ((category && trygg_strset(tmp, sizeof tmp, category)) ||
        (area && trygg_strset(tmp, sizeof tmp, area)) || kind < -1 || kind >= TRYGG_KIND_COUNT)
        return b->failf(st, TRYGG_ERR_INVALID, "invalid category, area or kind");
    trygg_item it;
    trygg_err err = begin_item(b, st, id, &it);
    if (err)
        return err;
    char detail[512] = "", cols[64] = "";
    trygg_sql_val vals[TRYGG_STC_MAX_COLS];
    int n = 0;
    if (category && strcmp(category, it.category) != 0) { /* "" clears it */
        trygg_stc_append_change(detail, sizeof detail, "category", it.category, category);
        col_text(cols, sizeof cols, vals, &n, "category", category);
    }
    if (area && *area && strcmp(area, it.area) != 0) {
        trygg_stc_append_change(detail, sizeof detail, "area", it.area, area);
        col_text(cols, sizeof cols, vals, &n, "area", area);
    }
    if (kind >= 0 && (trygg_kind)kind != it.kind) {
        trygg_stc_append_change(detail, sizeof detail, "kind", trygg_kind_name(it.kind),
                                trygg_kind_name((trygg_kind)kind));
        col_text(cols, sizeof cols, vals, &n, "kind", trygg_kind_name((trygg_kind)kind));
    }
    if (n > 0) {
        err = b->set_cols(st, id, cols, (trygg_sql_args){vals, n}, "update item");
        if (!err)
            err = reset_due(b, st, id);
        if (!err)
            err = b->audit_add(st, id, actor, "edit", detail);
    }
    return b->tx_end(st, err);
}

trygg_err trygg_stc_set_urgent(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                               const char *actor, int urgent)
{
    urgent = urgent ? 1 : 0;
    trygg_item it;
    trygg_err err = begin_item(b, st, id, &it);
    if (err)
        return err;
    if (it.urgent != urgent) {
        err = b->set_cols(st, id, "urgent", TRYGG_SQL_ARGS(TRYGG_SQL_INT(urgent)), "set urgent");
        if (!err)
            err = reset_due(b, st, id);
        if (!err)
            err = b->audit_add(st, id, actor, "urgent", urgent ? "raised" : "lowered");
    }
    return b->tx_end(st, err);
}

/* Checks a move of `it` to `status` and writes its audit text into detail;
 * *reason and *dup are cleared when they do not apply. */
static trygg_err status_check(const trygg_stc_item_backend *b, trygg_store *st,
                              const trygg_item *it, trygg_status status, trygg_close_reason *reason,
                              int64_t *dup, char *detail, size_t cap)
{
    if (!trygg_stc_transition_ok(it->status, status))
        return b->failf(st, TRYGG_ERR_STATE, "cannot go from %s to %s",
                        trygg_status_name(it->status), trygg_status_name(status));
    if (status != TRYGG_STATUS_CLOSED) {
        *reason = TRYGG_CLOSE_NONE;
        *dup = 0;
        snprintf(detail, cap, "%s -> %s%s", trygg_status_name(it->status),
                 trygg_status_name(status), it->status == TRYGG_STATUS_CLOSED ? " (reopened)" : "");
        return TRYGG_OK;
    }
    if (*reason == TRYGG_CLOSE_NONE)
        return b->failf(st, TRYGG_ERR_STATE, "closing needs a reason");
    if (*reason != TRYGG_CLOSE_DUPLICATE) {
        *dup = 0;
        snprintf(detail, cap, "%s -> closed (%s)", trygg_status_name(it->status),
                 trygg_close_reason_name(*reason));
        return TRYGG_OK;
    }
    if (*dup == it->id || *dup <= 0)
        return b->failf(st, TRYGG_ERR_STATE, "duplicate needs another item");
    trygg_item orig;
    if (trygg_store_get(st, *dup, &orig) != TRYGG_OK)
        return b->failf(st, TRYGG_ERR_STATE, "duplicate of a missing item");
    trygg_err err = b->dup_loop(st, it->id, *dup);
    if (!err)
        snprintf(detail, cap, "%s -> closed (duplicate of %s)", trygg_status_name(it->status),
                 orig.ref);
    return err;
}

trygg_err trygg_stc_set_status(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                               const char *actor, trygg_status status, trygg_close_reason reason,
                               int64_t duplicate_of)
{
    if ((int)status < 0 || status >= TRYGG_STATUS_COUNT || (int)reason < 0 ||
        reason >= TRYGG_CLOSE_COUNT)
        return b->failf(st, TRYGG_ERR_INVALID, "invalid status or reason");
    trygg_item it;
    trygg_err err = begin_item(b, st, id, &it);
    if (err)
        return err;
    char detail[256];
    err = status_check(b, st, &it, status, &reason, &duplicate_of, detail, sizeof detail);
    if (!err)
        err = b->set_cols(
            st, id, "status,close_reason,duplicate_of",
            TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(trygg_status_name(status)),
                           TRYGG_SQL_TEXT(trygg_close_reason_name(reason)),
                           duplicate_of > 0 ? TRYGG_SQL_INT(duplicate_of) : TRYGG_SQL_NULL),
            "set status");
    if (!err)
        err = b->audit_add(st, id, actor, "status", detail);
    return b->tx_end(st, err);
}

trygg_err trygg_stc_redact(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                           const char *actor, const char *text, const char *place)
{
    char t[2 * TRYGG_TEXT_MAX + 1], p[2 * TRYGG_NAME_MAX + 1];
    if (trygg_utf8_valid(text ? text : "", strlen(text ? text : "")) != 1 ||
        trygg_utf8_valid(place ? place : "", strlen(place ? place : "")) != 1 ||
        strlen(text ? text : "") > TRYGG_TEXT_MAX || strlen(place ? place : "") > TRYGG_NAME_MAX)
        return b->failf(st, TRYGG_ERR_INVALID, "redacted text too long or not UTF-8");
    trygg_stc_shared_copy(text, t, sizeof t);
    trygg_stc_shared_copy(place, p, sizeof p);
    trygg_item it;
    trygg_err err = begin_item(b, st, id, &it);
    if (err)
        return err;
    if (it.purged)
        err = b->failf(st, TRYGG_ERR_STATE, "item is purged");
    if (!err)
        err = b->set_cols(st, id, "shared_text,shared_place,redacted",
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(t), TRYGG_SQL_TEXT(p), TRYGG_SQL_INT(1)),
                          "redact");
    if (!err)
        err = b->audit_add(st, id, actor, "redact", "");
    return b->tx_end(st, err);
}

trygg_err trygg_stc_set_destination(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                                    const char *actor, const char *dest)
{
    if (!dest || !dest[0] || !actor)
        return b->failf(st, TRYGG_ERR_INVALID, "destination and actor required");
    trygg_destination d;
    trygg_err err = trygg_store_dest_get(st, dest, &d);
    if (err)
        return err;
    trygg_item it;
    err = begin_item(b, st, id, &it);
    if (err)
        return err;
    err =
        b->set_cols(st, id, "destination", TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(dest)), "set destination");
    if (!err) {
        char detail[160];
        snprintf(detail, sizeof detail, "%s -> %s", it.destination[0] ? it.destination : "-", dest);
        err = b->audit_add(st, id, actor, "route", detail);
    }
    return b->tx_end(st, err);
}

trygg_err trygg_stc_set_callback_number(const trygg_stc_item_backend *b, trygg_store *st,
                                        int64_t id, const char *actor, const char *number)
{
    if (!number || !number[0] || !actor || strlen(number) > TRYGG_CONTACT_MAX)
        return b->failf(st, TRYGG_ERR_INVALID, "number and actor required");
    trygg_item it;
    trygg_err err = begin_item(b, st, id, &it);
    if (err)
        return err;
    if (it.kind != TRYGG_KIND_CALLBACK || it.purged)
        return b->tx_end(st, b->failf(st, TRYGG_ERR_STATE, "not a call-back item"));
    err = b->set_cols(st, id, "contact,consent",
                      TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(number), TRYGG_SQL_INT(1)),
                      "set call-back number");
    if (!err)
        err = b->audit_add(st, id, actor, "callback", "number visible to call-back staff");
    return b->tx_end(st, err);
}

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

trygg_err trygg_stc_assign(const trygg_stc_item_backend *b, trygg_store *st, int64_t id,
                           const char *actor, const char *assignee)
{
    if (!assignee)
        assignee = "";
    trygg_item it;
    trygg_err err = begin_item(b, st, id, &it);
    if (err)
        return err;
    if (assignee[0]) {
        trygg_user u;
        err = trygg_store_user_get(st, assignee, &u);
        if (err == TRYGG_ERR_NOTFOUND || (!err && !assignable(&u, it.destination)))
            err = b->failf(st, TRYGG_ERR_INVALID, "%s cannot be assigned this item", assignee);
    }
    if (!err && strcmp(it.assignee, assignee) != 0) {
        err = b->set_cols(st, id, "assignee", TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(assignee)),
                          "update item");
        char detail[2 * TRYGG_NAME_MAX + 8];
        snprintf(detail, sizeof detail, "%s -> %s", it.assignee, assignee);
        if (!err)
            err = b->audit_add(st, id, actor, "assign", detail);
    }
    return b->tx_end(st, err);
}
