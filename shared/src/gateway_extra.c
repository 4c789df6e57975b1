/*
 * gateway_extra.c — client roles and outbox rows by id (gateway_extra.h).
 */
#include "trygg/gateway_extra.h"

#include <string.h>

#include "store_internal.h"

trygg_err trygg_gateway_role_get(trygg_store *st, const char *id, char role[16])
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "SELECT role FROM kiosks WHERE id = ?1", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        trygg_st_col_text(s, 0, role, 16);
        err = TRYGG_OK;
    } else if (rc == SQLITE_DONE) {
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such client %s", id);
    } else {
        err = trygg_st_fail(st, rc, "client role");
    }
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_gateway_role_set(trygg_store *st, const char *id, const char *role)
{
    if (strcmp(role, TRYGG_ROLE_KIOSK) != 0 && strcmp(role, TRYGG_ROLE_GATEWAY) != 0)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "unknown role %s", role);
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "UPDATE kiosks SET role = ?1 WHERE id = ?2", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, role);
    trygg_st_bind_text(s, 2, id);
    err = trygg_st_run(st, s, "client role");
    if (!err && sqlite3_changes(st->db) == 0)
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such client %s", id);
    return err;
}

trygg_err trygg_gateway_sms_get(trygg_store *st, int64_t id, trygg_sms_out *out)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT id, item_id, recipient, text, author, status, parts, "
                                     "attempts, error, created, next_attempt, sent_at "
                                     "FROM sms_out WHERE id = ?1",
                                     &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(s, 0);
        out->item_id = sqlite3_column_int64(s, 1);
        trygg_st_col_text(s, 2, out->recipient, sizeof out->recipient);
        trygg_st_col_text(s, 3, out->text, sizeof out->text);
        trygg_st_col_text(s, 4, out->author, sizeof out->author);
        char buf[16];
        trygg_st_col_text(s, 5, buf, sizeof buf);
        out->status = TRYGG_OUT_PENDING;
        for (int i = 0; i <= (int)TRYGG_OUT_CANCELLED; i++)
            if (strcmp(buf, trygg_out_status_name((trygg_out_status)i)) == 0)
                out->status = (trygg_out_status)i;
        out->parts = sqlite3_column_int(s, 6);
        out->attempts = sqlite3_column_int(s, 7);
        trygg_st_col_text(s, 8, out->error, sizeof out->error);
        out->created = sqlite3_column_int64(s, 9);
        out->next_attempt = sqlite3_column_int64(s, 10);
        out->sent_at = sqlite3_column_int64(s, 11);
        err = TRYGG_OK;
    } else if (rc == SQLITE_DONE) {
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such sms %lld", (long long)id);
    } else {
        err = trygg_st_fail(st, rc, "sms");
    }
    sqlite3_finalize(s);
    return err;
}
