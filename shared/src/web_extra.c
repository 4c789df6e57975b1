/*
 * web_extra.c — store operations of the staff web UI (see web_extra.h).
 */
#include "trygg/web_extra.h"

#include <stdio.h>
#include <string.h>

#include "store_internal.h"

trygg_err trygg_web_set_destination(trygg_store *st, int64_t id, const char *actor,
                                    const char *dest)
{
    if (!dest || !dest[0] || !actor)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "destination and actor required");
    trygg_destination d;
    trygg_err err = trygg_store_dest_get(st, dest, &d);
    if (err)
        return err;
    err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_item it;
    err = trygg_store_get(st, id, &it);
    if (err)
        return trygg_st_tx_end(st, err);
    sqlite3_stmt *s;
    err = trygg_st_prepare(st, "UPDATE items SET destination = ?1, updated = ?2 WHERE id = ?3", &s);
    if (!err) {
        trygg_st_bind_text(s, 1, dest);
        sqlite3_bind_int64(s, 2, trygg_st_now());
        sqlite3_bind_int64(s, 3, id);
        err = trygg_st_run(st, s, "set destination");
    }
    if (!err) {
        char detail[160];
        snprintf(detail, sizeof detail, "%s -> %s", it.destination[0] ? it.destination : "-", dest);
        err = trygg_st_audit_add(st, id, actor, "route", detail);
    }
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_web_set_callback_number(trygg_store *st, int64_t id, const char *actor,
                                        const char *number)
{
    if (!number || !number[0] || !actor || strlen(number) > TRYGG_CONTACT_MAX)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "number and actor required");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_item it;
    err = trygg_store_get(st, id, &it);
    if (err)
        return trygg_st_tx_end(st, err);
    if (it.kind != TRYGG_KIND_CALLBACK || it.purged)
        return trygg_st_tx_end(st, trygg_st_failf(st, TRYGG_ERR_STATE, "not a call-back item"));
    sqlite3_stmt *s;
    err = trygg_st_prepare(
        st, "UPDATE items SET contact = ?1, consent = 1, updated = ?2 WHERE id = ?3", &s);
    if (!err) {
        trygg_st_bind_text(s, 1, number);
        sqlite3_bind_int64(s, 2, trygg_st_now());
        sqlite3_bind_int64(s, 3, id);
        err = trygg_st_run(st, s, "set call-back number");
    }
    if (!err)
        err = trygg_st_audit_add(st, id, actor, "callback", "number visible to call-back staff");
    return trygg_st_tx_end(st, err);
}
