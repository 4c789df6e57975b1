/*
 * smsgw_extra.c — the SMS gateway's own tables (see smsgw_extra.h).
 */
#include "trygg/smsgw_extra.h"

#include <stdio.h>

#include "store_internal.h"

trygg_err trygg_smsgw_extra_init(trygg_store *st)
{
    return st ? TRYGG_OK : TRYGG_ERR_INVALID; /* the tables are in schema step v6 */
}

trygg_err trygg_smsgw_inbound_get(trygg_store *st, const char *key, int64_t *item_id)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "SELECT item_id FROM smsgw_inbound WHERE key = ?", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, key);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        if (item_id)
            *item_id = sqlite3_column_int64(s, 0);
        err = TRYGG_OK;
    } else if (rc == SQLITE_DONE) {
        err = TRYGG_ERR_NOTFOUND;
    } else {
        err = trygg_st_fail(st, rc, "smsgw inbound get");
    }
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_smsgw_inbound_put(trygg_store *st, const char *key, int64_t item_id,
                                  const char *sender, int64_t at)
{
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st,
                           "INSERT INTO smsgw_inbound(key, item_id, sender, created)"
                           " VALUES (?,?,?,?)",
                           &s);
    if (!err) {
        trygg_st_bind_text(s, 1, key);
        sqlite3_bind_int64(s, 2, item_id);
        trygg_st_bind_text(s, 3, sender);
        sqlite3_bind_int64(s, 4, at);
        err = trygg_st_run(st, s, "smsgw inbound put");
    }
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_smsgw_counter_add(trygg_store *st, const char *day, const char *name, int delta)
{
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st,
                           "INSERT INTO smsgw_counters(day, name, count) VALUES (?,?,?)"
                           " ON CONFLICT(day, name) DO UPDATE SET count = count + excluded.count",
                           &s);
    if (!err) {
        trygg_st_bind_text(s, 1, day);
        trygg_st_bind_text(s, 2, name);
        sqlite3_bind_int(s, 3, delta);
        err = trygg_st_run(st, s, "smsgw counter add");
    }
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_smsgw_counter_get(trygg_store *st, const char *day, const char *name,
                                  int64_t *count)
{
    sqlite3_stmt *s;
    *count = 0;
    trygg_err err =
        trygg_st_prepare(st, "SELECT count FROM smsgw_counters WHERE day = ? AND name = ?", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, day);
    trygg_st_bind_text(s, 2, name);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int64(s, 0);
    else if (rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, "smsgw counter get");
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_smsgw_inbound_count(trygg_store *st, const char *sender, int64_t since, int *count)
{
    sqlite3_stmt *s;
    *count = 0;
    trygg_err err = trygg_st_prepare(
        st, "SELECT count(*) FROM smsgw_inbound WHERE sender = ? AND created >= ?", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, sender);
    sqlite3_bind_int64(s, 2, since);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int(s, 0);
    else
        err = trygg_st_fail(st, rc, "smsgw inbound count");
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_smsgw_call_put(trygg_store *st, const char *sender, int64_t at)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "INSERT INTO smsgw_calls(sender, at) VALUES (?,?)", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, sender);
    sqlite3_bind_int64(s, 2, at);
    return trygg_st_run(st, s, "smsgw call put");
}

trygg_err trygg_smsgw_call_count(trygg_store *st, const char *sender, int64_t since, int *count)
{
    sqlite3_stmt *s;
    *count = 0;
    trygg_err err =
        trygg_st_prepare(st, "SELECT count(*) FROM smsgw_calls WHERE sender = ? AND at >= ?", &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, sender);
    sqlite3_bind_int64(s, 2, since);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int(s, 0);
    else
        err = trygg_st_fail(st, rc, "smsgw call count");
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_smsgw_callback_withdraw(trygg_store *st, const char *sender, const char *actor,
                                        int *n)
{
    if (n)
        *n = 0;
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    /* The audit names what was deleted, never the number. */
    static const char *const steps[] = {
        ("INSERT INTO audit(item_id, actor, action, detail, at)"
         " SELECT id, ?2, 'consent', 'call-back consent withdrawn by STOP; call-back number"
         " deleted', CAST(strftime('%s','now') AS INTEGER) FROM items"
         " WHERE sender = ?1 AND kind = 'callback' AND (contact <> '' OR consent <> 0)"),
        ("UPDATE items SET contact = '', consent = 0, updated = CAST(strftime('%s','now') AS"
         " INTEGER) WHERE sender = ?1 AND kind = 'callback' AND (contact <> '' OR consent <> 0)"),
        "UPDATE contacts SET callback_consent = 0 WHERE pseudonym = ?1",
    };
    int changed = 0;
    for (size_t i = 0; !err && i < sizeof steps / sizeof steps[0]; i++) {
        sqlite3_stmt *s;
        err = trygg_st_prepare(st, steps[i], &s);
        if (err)
            break;
        trygg_st_bind_text(s, 1, sender);
        if (sqlite3_bind_parameter_count(s) >= 2)
            trygg_st_bind_text(s, 2, actor);
        err = trygg_st_run(st, s, "call-back withdraw");
        if (!err && i == 1)
            changed = sqlite3_changes(st->db);
    }
    err = trygg_st_tx_end(st, err);
    if (!err && n)
        *n = changed;
    return err;
}

trygg_err trygg_smsgw_sent_count(trygg_store *st, const char *recipient, const char *author,
                                 int64_t since, int *count)
{
    sqlite3_stmt *s;
    *count = 0;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT count(*) FROM sms_out WHERE recipient = ? AND "
                                     "author = ? AND created >= ?",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, recipient);
    trygg_st_bind_text(s, 2, author);
    sqlite3_bind_int64(s, 3, since);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *count = sqlite3_column_int(s, 0);
    else
        err = trygg_st_fail(st, rc, "smsgw sent count");
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_smsgw_test_limit_pages(trygg_store *st, int extra)
{
    char sql[96];
    if (extra < 0)
        return trygg_st_exec(st, "PRAGMA max_page_count = 4294967294");
    /* No free pages left to reuse: the next page a write needs fails. */
    trygg_err err = trygg_st_exec(st, "VACUUM");
    if (err)
        return err;
    sqlite3_stmt *s;
    err = trygg_st_prepare(st, "PRAGMA page_count", &s);
    if (err)
        return err;
    long long pages = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", pages + extra);
    return trygg_st_exec(st, sql);
}

trygg_err trygg_smsgw_unit_begin(trygg_store *st)
{
    return trygg_st_tx_begin(st);
}

trygg_err trygg_smsgw_unit_end(trygg_store *st, trygg_err err)
{
    return trygg_st_tx_end(st, err);
}
