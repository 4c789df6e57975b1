/*
 * store_sqlite_follow.c — follow-up codes (store.h, docs/follow-up.md): the
 * keyed hash of an item's code, and the few fields the public status page
 * may read.
 */
#include <string.h>

#include "store_sqlite_internal.h"
#include "trygg/ref.h"

static int hex_hash(const char *h)
{
    if (h == NULL || strlen(h) != TRYGG_FOLLOW_HASH_LEN)
        return 0;
    for (const char *p = h; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

trygg_err trygg_sqlite_follow_set(trygg_store *st, int64_t id, const char *hash)
{
    if (!hex_hash(hash))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "follow-up hash is not 64 hex");
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_write(st, "UPDATE items SET follow_hash = ?1 WHERE id = ?2 AND follow_hash = ''",
                       TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(hash), TRYGG_SQL_INT(id)), "follow set");
    if (err || sqlite3_changes(st->db) == 1)
        return err;
    /* Nothing changed: no such item, or it has a hash already. */
    err = trygg_st_prepare(st, "SELECT follow_hash FROM items WHERE id = ?1", &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    char had[TRYGG_FOLLOW_HASH_LEN + 1] = "";
    if (rc == SQLITE_ROW)
        trygg_st_col_text(s, 0, had, sizeof had);
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE)
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such item");
    if (rc != SQLITE_ROW)
        return trygg_st_map(st->db, rc);
    if (strcmp(had, hash) != 0)
        return trygg_st_failf(st, TRYGG_ERR_EXISTS, "item has another follow-up code");
    return TRYGG_OK;
}

trygg_err trygg_sqlite_follow_get(trygg_store *st, const char *ref, trygg_follow *out)
{
    memset(out, 0, sizeof *out);
    char norm[TRYGG_REF_LEN + 1];
    if (trygg_ref_normalise(ref, norm) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "not a reference");
    static const char sql[] =
        "SELECT i.id, i.follow_hash, i.status, i.close_reason, i.lang, i.created, i.updated, "
        "(SELECT m.text FROM messages m WHERE m.item_id = i.id AND m.dir = 'out' AND m.audience = "
        "'public' "
        " ORDER BY m.id DESC LIMIT 1), "
        "(SELECT m.created FROM messages m WHERE m.item_id = i.id AND m.dir = 'out' AND m.audience "
        "= 'public' "
        " ORDER BY m.id DESC LIMIT 1) FROM items i WHERE i.ref = ?1";
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, sql, &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, norm);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        char buf[32];
        out->item_id = sqlite3_column_int64(s, 0);
        trygg_st_col_text(s, 1, out->hash, sizeof out->hash);
        trygg_st_col_text(s, 2, buf, sizeof buf);
        if (trygg_status_parse(buf, &out->status) != TRYGG_OK)
            err = trygg_st_failf(st, TRYGG_ERR_DB, "unknown status '%s'", buf);
        trygg_st_col_text(s, 3, buf, sizeof buf);
        if (!err && trygg_close_reason_parse(buf, &out->close_reason) != TRYGG_OK)
            err = trygg_st_failf(st, TRYGG_ERR_DB, "unknown close reason '%s'", buf);
        trygg_st_col_text(s, 4, out->lang, sizeof out->lang);
        out->created = sqlite3_column_int64(s, 5);
        out->updated = sqlite3_column_int64(s, 6);
        trygg_st_col_text(s, 7, out->reply, sizeof out->reply);
        out->reply_at = sqlite3_column_int64(s, 8);
    } else if (rc == SQLITE_DONE) {
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such item");
    } else {
        err = trygg_st_fail(st, rc, "follow get");
    }
    sqlite3_finalize(s);
    return err;
}
