/*
 * smsgw_extra.c — the SMS gateway's own tables (see smsgw_extra.h).
 */
#include "trygg/smsgw_extra.h"

#include "store_internal.h"

trygg_err trygg_smsgw_extra_init(trygg_store *st)
{
    return trygg_st_exec(st, "CREATE TABLE IF NOT EXISTS smsgw_inbound("
                             " key TEXT PRIMARY KEY,"
                             " item_id INTEGER NOT NULL,"
                             " sender TEXT NOT NULL,"
                             " created INTEGER NOT NULL);"
                             "CREATE INDEX IF NOT EXISTS smsgw_inbound_sender"
                             " ON smsgw_inbound(sender, created);"
                             "CREATE TABLE IF NOT EXISTS smsgw_counters("
                             " day TEXT NOT NULL,"
                             " name TEXT NOT NULL,"
                             " count INTEGER NOT NULL DEFAULT 0,"
                             " PRIMARY KEY (day, name));");
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

trygg_err trygg_smsgw_unit_begin(trygg_store *st)
{
    return trygg_st_tx_begin(st);
}

trygg_err trygg_smsgw_unit_end(trygg_store *st, trygg_err err)
{
    return trygg_st_tx_end(st, err);
}
