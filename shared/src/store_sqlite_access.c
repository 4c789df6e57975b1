/*
 * store_sqlite_access.c — the access log of personal data: who viewed an
 * unscrubbed tip or a call-back number, and who exported what, and when.
 * Rows hold the staff member's user name, the action and the item id, never
 * the viewed text itself, so the log can be shown to the data protection
 * officer without widening who sees a tip.
 */
#include "store_sqlite_internal.h"

#include <string.h>

#include "trygg/text.h"

trygg_err trygg_sqlite_access_add(trygg_store *st, const char *actor, const char *action,
                                  int64_t item_id, const char *detail)
{
    trygg_access a;
    if (!actor || !*actor || !action || !*action ||
        trygg_strset(a.actor, sizeof a.actor, actor) != TRYGG_OK ||
        trygg_strset(a.action, sizeof a.action, action) != TRYGG_OK ||
        trygg_strset(a.detail, sizeof a.detail, detail) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid access log entry");
    return trygg_st_write(st,
                          "INSERT INTO access_log (at, actor, action, item_id, detail) "
                          "VALUES (?1, ?2, ?3, ?4, ?5)",
                          TRYGG_SQL_ARGS(TRYGG_SQL_INT(trygg_st_now()), TRYGG_SQL_TEXT(a.actor),
                                         TRYGG_SQL_TEXT(a.action), TRYGG_SQL_INT(item_id),
                                         TRYGG_SQL_TEXT(a.detail)),
                          "access log");
}

static const trygg_sql_field access_fields[] = {
    TRYGG_SQL_FINT(trygg_access, id),      TRYGG_SQL_FINT(trygg_access, at),
    TRYGG_SQL_FTEXT(trygg_access, actor),  TRYGG_SQL_FTEXT(trygg_access, action),
    TRYGG_SQL_FINT(trygg_access, item_id), TRYGG_SQL_FTEXT(trygg_access, detail)};

static void read_access(sqlite3_stmt *s, void *row)
{
    TRYGG_SQL_READ(s, access_fields, row, sizeof(trygg_access));
}

trygg_err trygg_sqlite_access_list(trygg_store *st, int64_t from, int64_t to, trygg_access *out,
                                   int max, int *n)
{
    *n = 0;
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare(st,
                         "SELECT id, at, actor, action, item_id, detail FROM access_log "
                         "WHERE at >= ?1 AND at < ?2 ORDER BY at DESC, id DESC LIMIT ?3",
                         &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to > 0 ? to : INT64_MAX);
    sqlite3_bind_int(s, 3, max < 0 ? 0 : max);
    return trygg_st_collect(st, s, out, sizeof *out, read_access, n, "list access log");
}
