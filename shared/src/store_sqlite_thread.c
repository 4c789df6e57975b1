/*
 * store_sqlite_thread.c — an item's thread (messages in both views) and
 * its audit trail.
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

/* ---- Thread and audit ---------------------------------------------------- */

static const char *const dir_names[] = {"in", "out", "note"};
static const char *const aud_names[] = {"internal", "recipient", "public"};

trygg_err trygg_st_audit_add(trygg_store *st, int64_t item_id, const char *actor,
                             const char *action, const char *detail)
{
    return trygg_st_write(
        st, "INSERT INTO audit (item_id, actor, action, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_TEXT(actor && *actor ? actor : "system"),
                       TRYGG_SQL_TEXT(action), TRYGG_SQL_TEXT(detail),
                       TRYGG_SQL_INT(trygg_st_now())),
        "audit");
}

trygg_err trygg_sqlite_audit(trygg_store *st, int64_t item_id, const char *actor,
                             const char *action, const char *detail)
{
    trygg_audit a;
    if (!action || !*action || trygg_strset(a.action, sizeof a.action, action) ||
        trygg_strset(a.detail, sizeof a.detail, detail) ||
        trygg_strset(a.actor, sizeof a.actor, actor))
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid audit entry");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    return trygg_st_tx_end(st, trygg_st_audit_add(st, item_id, actor, action, detail));
}

static const trygg_sql_field audit_fields[] = {
    TRYGG_SQL_FINT(trygg_audit, id),      TRYGG_SQL_FINT(trygg_audit, item_id),
    TRYGG_SQL_FTEXT(trygg_audit, actor),  TRYGG_SQL_FTEXT(trygg_audit, action),
    TRYGG_SQL_FTEXT(trygg_audit, detail), TRYGG_SQL_FINT(trygg_audit, at)};

static void read_audit(sqlite3_stmt *s, void *row)
{
    TRYGG_SQL_READ(s, audit_fields, row, sizeof(trygg_audit));
}

trygg_err trygg_sqlite_list_audit(trygg_store *st, int64_t item_id, trygg_audit *out, int max,
                                  int *n)
{
    return trygg_st_list(st,
                         "SELECT id, item_id, actor, action, detail, at FROM audit "
                         "WHERE item_id = ?1 ORDER BY id LIMIT ?2",
                         &item_id, max, read_audit, out, sizeof *out, n, "list audit");
}

trygg_err trygg_sqlite_add_message(trygg_store *st, int64_t item_id, trygg_msg_dir dir,
                                   const char *author, const char *text, int64_t *msg_id)
{
    return trygg_store_add_message_for(st, item_id, dir, TRYGG_AUD_INTERNAL, author, text, msg_id);
}

trygg_err trygg_sqlite_add_message_for(trygg_store *st, int64_t item_id, trygg_msg_dir dir,
                                       trygg_audience audience, const char *author,
                                       const char *text, int64_t *msg_id)
{
    char buf[TRYGG_TEXT_MAX + 1];
    char shared[2 * TRYGG_TEXT_MAX + 1] = "";
    if ((int)dir < 0 || dir > TRYGG_MSG_NOTE)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid message direction");
    if (audience != TRYGG_AUD_INTERNAL && audience != TRYGG_AUD_RECIPIENT &&
        audience != TRYGG_AUD_PUBLIC)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid message audience");
    trygg_err e = trygg_strset(buf, sizeof buf, text);
    if (e)
        return trygg_st_failf(st, e, "message text too long or not UTF-8");
    if (!text || !*text)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "empty message");
    if (audience == TRYGG_AUD_RECIPIENT)
        trygg_stc_shared_copy(text, shared, sizeof shared);
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_item it;
    err = trygg_store_get(st, item_id, &it);
    int64_t now = trygg_st_now();
    if (!err)
        err = trygg_st_write(st,
                             "INSERT INTO messages (item_id, dir, author, text, created, "
                             "audience, shared_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                             TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_TEXT(dir_names[dir]),
                                            TRYGG_SQL_TEXT(author), TRYGG_SQL_TEXT(text),
                                            TRYGG_SQL_INT(now), TRYGG_SQL_TEXT(aud_names[audience]),
                                            TRYGG_SQL_TEXT(shared)),
                             "add message");
    if (!err && msg_id)
        *msg_id = sqlite3_last_insert_rowid(st->db);
    if (!err)
        err = trygg_st_touch_item(st, item_id);
    if (!err) {
        static const char *const actions[] = {"message", "reply", "note"};
        err = trygg_st_audit_add(st, item_id, author, actions[dir],
                                 audience == TRYGG_AUD_INTERNAL ? "" : aud_names[audience]);
    }
    return trygg_st_tx_end(st, err);
}

static void read_message(sqlite3_stmt *s, void *row)
{
    trygg_message *m = row;
    char dir[16];
    m->id = sqlite3_column_int64(s, 0);
    m->item_id = sqlite3_column_int64(s, 1);
    trygg_st_col_text(s, 2, dir, sizeof dir);
    m->dir = strcmp(dir, "in") == 0    ? TRYGG_MSG_IN
             : strcmp(dir, "out") == 0 ? TRYGG_MSG_OUT
                                       : TRYGG_MSG_NOTE;
    trygg_st_col_text(s, 3, m->author, sizeof m->author);
    trygg_st_col_text(s, 4, m->text, sizeof m->text);
    m->created = sqlite3_column_int64(s, 5);
    trygg_st_col_text(s, 6, dir, sizeof dir);
    m->audience = strcmp(dir, "recipient") == 0 ? TRYGG_AUD_RECIPIENT
                  : strcmp(dir, "public") == 0  ? TRYGG_AUD_PUBLIC
                                                : TRYGG_AUD_INTERNAL;
}

trygg_err trygg_sqlite_list_messages(trygg_store *st, int64_t item_id, trygg_view view,
                                     trygg_message *out, int max, int *n)
{
    return trygg_st_list(
        st,
        view == TRYGG_VIEW_FULL
            ? "SELECT id, item_id, dir, author, text, created, audience FROM messages "
              "WHERE item_id = ?1 ORDER BY id LIMIT ?2"
            : "SELECT id, item_id, dir, author, shared_text, created, audience FROM messages "
              "WHERE item_id = ?1 AND audience = 'recipient' ORDER BY id LIMIT ?2",
        &item_id, max, read_message, out, sizeof *out, n, "list messages");
}
