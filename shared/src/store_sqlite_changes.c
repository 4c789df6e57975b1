/*
 * store_sqlite_changes.c — changes to an item: classification, urgency,
 * the status rules (transition_ok), the recipients' copy (redact), the
 * destination and the call-back number. Each change is audited in the same
 * transaction.
 */
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

/* Sets one text column (name from a fixed list, never user input). */
static trygg_err set_text_col(trygg_store *st, int64_t id, const char *col, const char *v)
{
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE items SET %s = ?1 WHERE id = ?2", col);
    return trygg_st_write(st, sql, TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(v), TRYGG_SQL_INT(id)),
                          "update item");
}

/* Forgets the deadline of item `id`: its kind, category or urgency changed,
 * so the server computes it again (trygg_store_list_undue). */
static trygg_err reset_due(trygg_store *st, int64_t id)
{
    return trygg_sqlite_set_due(st, id, 0);
}

/* Starts a write and reads item `id` into *it; when the item cannot be
 * read the write is rolled back and its error returned. */
static trygg_err begin_item(trygg_store *st, int64_t id, trygg_item *it)
{
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    err = trygg_store_get(st, id, it);
    return err ? trygg_st_tx_end(st, err) : TRYGG_OK;
}

trygg_err trygg_sqlite_update(trygg_store *st, int64_t id, const char *actor, const char *category,
                              const char *area, int kind)
{
    char tmp[TRYGG_NAME_MAX + 1];
    if ((category && trygg_strset(tmp, sizeof tmp, category)) ||
        (area && trygg_strset(tmp, sizeof tmp, area)) || kind < -1 || kind >= TRYGG_KIND_COUNT)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid category, area or kind");
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
        err = trygg_st_touch_item(st, id);
        if (!err)
            err = reset_due(st, id);
        if (!err)
            err = trygg_st_audit_add(st, id, actor, "edit", detail);
    }
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_set_urgent(trygg_store *st, int64_t id, const char *actor, int urgent)
{
    urgent = urgent ? 1 : 0;
    trygg_item it;
    trygg_err err = begin_item(st, id, &it);
    if (err)
        return err;
    if (it.urgent != urgent) {
        err = trygg_st_write(
            st, "UPDATE items SET urgent = ?1, updated = ?2 WHERE id = ?3",
            TRYGG_SQL_ARGS(TRYGG_SQL_INT(urgent), TRYGG_SQL_INT(trygg_st_now()), TRYGG_SQL_INT(id)),
            "set urgent");
        if (!err)
            err = reset_due(st, id);
        if (!err)
            err = trygg_st_audit_add(st, id, actor, "urgent", urgent ? "raised" : "lowered");
    }
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_set_status(trygg_store *st, int64_t id, const char *actor,
                                  trygg_status status, trygg_close_reason reason,
                                  int64_t duplicate_of)
{
    if ((int)status < 0 || status >= TRYGG_STATUS_COUNT || (int)reason < 0 ||
        reason >= TRYGG_CLOSE_COUNT)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid status or reason");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_item it, dup;
    char detail[256];
    err = trygg_store_get(st, id, &it);
    if (err)
        return trygg_st_tx_end(st, err);
    if (!trygg_stc_transition_ok(it.status, status))
        return trygg_st_tx_end(st, trygg_st_failf(st, TRYGG_ERR_STATE, "cannot go from %s to %s",
                                                  trygg_status_name(it.status),
                                                  trygg_status_name(status)));
    if (status == TRYGG_STATUS_CLOSED) {
        if (reason == TRYGG_CLOSE_NONE)
            return trygg_st_tx_end(st,
                                   trygg_st_failf(st, TRYGG_ERR_STATE, "closing needs a reason"));
        if (reason == TRYGG_CLOSE_DUPLICATE) {
            if (duplicate_of == id || duplicate_of <= 0)
                return trygg_st_tx_end(
                    st, trygg_st_failf(st, TRYGG_ERR_STATE, "duplicate needs another item"));
            err = trygg_store_get(st, duplicate_of, &dup);
            if (err)
                return trygg_st_tx_end(
                    st, trygg_st_failf(st, TRYGG_ERR_STATE, "duplicate of a missing item"));
            err = trygg_st_dup_loop(st, id, duplicate_of);
            if (err)
                return trygg_st_tx_end(st, err);
            snprintf(detail, sizeof detail, "%s -> closed (duplicate of %s)",
                     trygg_status_name(it.status), dup.ref);
        } else {
            duplicate_of = 0;
            snprintf(detail, sizeof detail, "%s -> closed (%s)", trygg_status_name(it.status),
                     trygg_close_reason_name(reason));
        }
    } else {
        reason = TRYGG_CLOSE_NONE;
        duplicate_of = 0;
        snprintf(detail, sizeof detail, "%s -> %s%s", trygg_status_name(it.status),
                 trygg_status_name(status), it.status == TRYGG_STATUS_CLOSED ? " (reopened)" : "");
    }
    sqlite3_stmt *s;
    err = trygg_st_prepare(st,
                           "UPDATE items SET status = ?1, close_reason = ?2, duplicate_of = ?3, "
                           "updated = ?4 WHERE id = ?5",
                           &s);
    if (!err) {
        trygg_st_bind_text(s, 1, trygg_status_name(status));
        trygg_st_bind_text(s, 2, trygg_close_reason_name(reason));
        if (duplicate_of > 0)
            sqlite3_bind_int64(s, 3, duplicate_of);
        else
            sqlite3_bind_null(s, 3);
        sqlite3_bind_int64(s, 4, trygg_st_now());
        sqlite3_bind_int64(s, 5, id);
        err = trygg_st_run(st, s, "set status");
    }
    if (!err)
        err = trygg_st_audit_add(st, id, actor, "status", detail);
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_redact(trygg_store *st, int64_t id, const char *actor, const char *text,
                              const char *place)
{
    char t[2 * TRYGG_TEXT_MAX + 1], p[2 * TRYGG_NAME_MAX + 1];
    if (trygg_utf8_valid(text ? text : "", strlen(text ? text : "")) != 1 ||
        trygg_utf8_valid(place ? place : "", strlen(place ? place : "")) != 1 ||
        strlen(text ? text : "") > TRYGG_TEXT_MAX || strlen(place ? place : "") > TRYGG_NAME_MAX)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "redacted text too long or not UTF-8");
    trygg_stc_shared_copy(text, t, sizeof t);
    trygg_stc_shared_copy(place, p, sizeof p);
    trygg_item it;
    trygg_err err = begin_item(st, id, &it);
    if (err)
        return err;
    if (it.purged)
        err = trygg_st_failf(st, TRYGG_ERR_STATE, "item is purged");
    if (!err)
        err = trygg_st_write(st,
                             "UPDATE items SET shared_text = ?1, shared_place = ?2, redacted = 1, "
                             "updated = ?3 WHERE id = ?4",
                             TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(t), TRYGG_SQL_TEXT(p),
                                            TRYGG_SQL_INT(trygg_st_now()), TRYGG_SQL_INT(id)),
                             "redact");
    if (!err)
        err = trygg_st_audit_add(st, id, actor, "redact", "");
    return trygg_st_tx_end(st, err);
}

/* ---- Destination and call-back number ---------------------------------------- */

trygg_err trygg_sqlite_set_destination(trygg_store *st, int64_t id, const char *actor,
                                       const char *dest)
{
    if (!dest || !dest[0] || !actor)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "destination and actor required");
    trygg_destination d;
    trygg_err err = trygg_store_dest_get(st, dest, &d);
    if (err)
        return err;
    trygg_item it;
    err = begin_item(st, id, &it);
    if (err)
        return err;
    err = trygg_st_write(
        st, "UPDATE items SET destination = ?1, updated = ?2 WHERE id = ?3",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(dest), TRYGG_SQL_INT(trygg_st_now()), TRYGG_SQL_INT(id)),
        "set destination");
    if (!err) {
        char detail[160];
        snprintf(detail, sizeof detail, "%s -> %s", it.destination[0] ? it.destination : "-", dest);
        err = trygg_st_audit_add(st, id, actor, "route", detail);
    }
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_set_callback_number(trygg_store *st, int64_t id, const char *actor,
                                           const char *number)
{
    if (!number || !number[0] || !actor || strlen(number) > TRYGG_CONTACT_MAX)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "number and actor required");
    trygg_item it;
    trygg_err err = begin_item(st, id, &it);
    if (err)
        return err;
    if (it.kind != TRYGG_KIND_CALLBACK || it.purged)
        return trygg_st_tx_end(st, trygg_st_failf(st, TRYGG_ERR_STATE, "not a call-back item"));
    err = trygg_st_write(
        st, "UPDATE items SET contact = ?1, consent = 1, updated = ?2 WHERE id = ?3",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(number), TRYGG_SQL_INT(trygg_st_now()), TRYGG_SQL_INT(id)),
        "set call-back number");
    if (!err)
        err = trygg_st_audit_add(st, id, actor, "callback", "number visible to call-back staff");
    return trygg_st_tx_end(st, err);
}

/* ---- Case work: assignment and deadlines ------------------------------------ */

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

trygg_err trygg_sqlite_assign(trygg_store *st, int64_t id, const char *actor, const char *assignee)
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
                trygg_st_failf(st, TRYGG_ERR_INVALID, "%s cannot be assigned this item", assignee);
    }
    if (!err && strcmp(it.assignee, assignee) != 0) {
        err = set_text_col(st, id, "assignee", assignee);
        if (!err)
            err = trygg_st_touch_item(st, id);
        char detail[2 * TRYGG_NAME_MAX + 8];
        snprintf(detail, sizeof detail, "%s -> %s", it.assignee, assignee);
        if (!err)
            err = trygg_st_audit_add(st, id, actor, "assign", detail);
    }
    return trygg_st_tx_end(st, err);
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
