/*
 * store_pg_thread.c — an item's thread (messages in both views), its audit
 * trail, the follow-up code's status page and the access log, on
 * PostgreSQL.
 */
#include <stdint.h>
#include <string.h>

#include "store_common.h"
#include "store_pg_items.h"
#include "trygg/ref.h"
#include "trygg/text.h"

/* ---- Audit ---------------------------------------------------------------- */

trygg_err trygg_pg_audit_add(trygg_store *st, int64_t item_id, const char *actor,
                             const char *action, const char *detail)
{
    return trygg_pg_write(
        st,
        "INSERT INTO audit (item_id, actor, action, detail, at) VALUES ($1, $2, $3, $4, " PG_TS(
            "$5") ")",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_TEXT(actor && *actor ? actor : "system"),
                       TRYGG_SQL_TEXT(action), TRYGG_SQL_TEXT(detail),
                       TRYGG_SQL_INT(trygg_pg_now())),
        NULL, "audit");
}

trygg_err trygg_pg_audit(trygg_store *st, int64_t item_id, const char *actor, const char *action,
                         const char *detail)
{
    trygg_audit a;
    if (!action || !*action || trygg_strset(a.action, sizeof a.action, action) ||
        trygg_strset(a.detail, sizeof a.detail, detail) ||
        trygg_strset(a.actor, sizeof a.actor, actor))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid audit entry");
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    return trygg_pg_tx_end(st, trygg_pg_audit_add(st, item_id, actor, action, detail));
}

static const trygg_sql_field audit_fields[] = {
    TRYGG_SQL_FINT(trygg_audit, id),      TRYGG_SQL_FINT(trygg_audit, item_id),
    TRYGG_SQL_FTEXT(trygg_audit, actor),  TRYGG_SQL_FTEXT(trygg_audit, action),
    TRYGG_SQL_FTEXT(trygg_audit, detail), TRYGG_SQL_FINT(trygg_audit, at)};

static void read_audit(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, audit_fields, out, sizeof(trygg_audit));
}

trygg_err trygg_pg_list_audit(trygg_store *st, int64_t item_id, trygg_audit *out, int max, int *n)
{
    return trygg_pg_select(st,
                           "SELECT id, item_id, actor, action, detail, " PG_EPOCH(
                               "at") " FROM audit WHERE item_id = $1 ORDER BY id LIMIT $2",
                           TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_INT(max < 0 ? 0 : max)),
                           out, sizeof *out, max < 0 ? 0 : max, read_audit, n, "list audit");
}

/* ---- Messages ------------------------------------------------------------- */

static const char *const dir_names[] = {"in", "out", "note"};
static const char *const aud_names[] = {"internal", "recipient", "public"};

trygg_err trygg_pg_add_message(trygg_store *st, int64_t item_id, trygg_msg_dir dir,
                               const char *author, const char *text, int64_t *msg_id)
{
    return trygg_pg_add_message_for(st, item_id, dir, TRYGG_AUD_INTERNAL, author, text, msg_id);
}

/* Inserts the message row; *msg_id (may be NULL) gets its id. */
static trygg_err insert_message(trygg_store *st, int64_t item_id, trygg_msg_dir dir,
                                trygg_audience audience, const char *author, const char *text,
                                const char *shared, int64_t *msg_id)
{
    PGresult *r;
    trygg_err err = trygg_pg_query(
        st,
        "INSERT INTO messages (item_id, dir, author, text, created, audience, shared_text) "
        "VALUES ($1, $2, $3, $4, " PG_TS("$5") ", $6, $7) RETURNING id",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_TEXT(dir_names[dir]),
                       TRYGG_SQL_TEXT(author), TRYGG_SQL_TEXT(text), TRYGG_SQL_INT(trygg_pg_now()),
                       TRYGG_SQL_TEXT(aud_names[audience]), TRYGG_SQL_TEXT(shared)),
        &r, "add message");
    if (err)
        return err;
    if (msg_id)
        *msg_id = PQntuples(r) ? trygg_pg_col_int(r, 0, 0) : 0;
    PQclear(r);
    return TRYGG_OK;
}

trygg_err trygg_pg_add_message_for(trygg_store *st, int64_t item_id, trygg_msg_dir dir,
                                   trygg_audience audience, const char *author, const char *text,
                                   int64_t *msg_id)
{
    char buf[TRYGG_TEXT_MAX + 1];
    char shared[2 * TRYGG_TEXT_MAX + 1] = "";
    if ((int)dir < 0 || dir > TRYGG_MSG_NOTE)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid message direction");
    if (audience != TRYGG_AUD_INTERNAL && audience != TRYGG_AUD_RECIPIENT &&
        audience != TRYGG_AUD_PUBLIC)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid message audience");
    trygg_err e = trygg_strset(buf, sizeof buf, text);
    if (e)
        return trygg_pg_failf(st, e, "message text too long or not UTF-8");
    if (!text || !*text)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "empty message");
    if (audience == TRYGG_AUD_RECIPIENT)
        trygg_stc_shared_copy(text, shared, sizeof shared);
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    trygg_item it;
    err = trygg_pg_get(st, item_id, &it);
    if (!err)
        err = insert_message(st, item_id, dir, audience, author, text, shared, msg_id);
    if (!err)
        err = trygg_pg_touch_item(st, item_id);
    if (!err) {
        static const char *const actions[] = {"message", "reply", "note"};
        err = trygg_pg_audit_add(st, item_id, author, actions[dir],
                                 audience == TRYGG_AUD_INTERNAL ? "" : aud_names[audience]);
    }
    return trygg_pg_tx_end(st, err);
}

static void read_message(const PGresult *r, int row, void *out)
{
    trygg_message *m = out;
    char dir[16];
    memset(m, 0, sizeof *m);
    m->id = trygg_pg_col_int(r, row, 0);
    m->item_id = trygg_pg_col_int(r, row, 1);
    trygg_pg_col_text(r, row, 2, dir, sizeof dir);
    m->dir = strcmp(dir, "in") == 0    ? TRYGG_MSG_IN
             : strcmp(dir, "out") == 0 ? TRYGG_MSG_OUT
                                       : TRYGG_MSG_NOTE;
    trygg_pg_col_text(r, row, 3, m->author, sizeof m->author);
    trygg_pg_col_text(r, row, 4, m->text, sizeof m->text);
    m->created = trygg_pg_col_int(r, row, 5);
    trygg_pg_col_text(r, row, 6, dir, sizeof dir);
    m->audience = strcmp(dir, "recipient") == 0 ? TRYGG_AUD_RECIPIENT
                  : strcmp(dir, "public") == 0  ? TRYGG_AUD_PUBLIC
                                                : TRYGG_AUD_INTERNAL;
}

trygg_err trygg_pg_list_messages(trygg_store *st, int64_t item_id, trygg_view view,
                                 trygg_message *out, int max, int *n)
{
    return trygg_pg_select(
        st,
        view == TRYGG_VIEW_FULL
            ? "SELECT id, item_id, dir, author, text, " PG_EPOCH(
                  "created") ", audience FROM messages WHERE item_id = $1 ORDER BY id LIMIT $2"
            : "SELECT id, item_id, dir, author, shared_text, " PG_EPOCH(
                  "created") ", audience FROM messages WHERE item_id = $1 AND audience = "
                             "'recipient' ORDER BY id LIMIT $2",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(item_id), TRYGG_SQL_INT(max < 0 ? 0 : max)), out, sizeof *out,
        max < 0 ? 0 : max, read_message, n, "list messages");
}

/* ---- Follow-up codes (docs/follow-up.md) ------------------------------------ */

static int hex_hash(const char *h)
{
    if (h == NULL || strlen(h) != TRYGG_FOLLOW_HASH_LEN)
        return 0;
    for (const char *p = h; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

static void read_hash(const PGresult *r, int row, void *out)
{
    trygg_pg_col_text(r, row, 0, out, TRYGG_FOLLOW_HASH_LEN + 1);
}

trygg_err trygg_pg_follow_set(trygg_store *st, int64_t id, const char *hash)
{
    if (!hex_hash(hash))
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "follow-up hash is not 64 hex");
    int changed = 0;
    trygg_err err = trygg_pg_write(
        st, "UPDATE items SET follow_hash = $1 WHERE id = $2 AND follow_hash = ''",
        TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(hash), TRYGG_SQL_INT(id)), &changed, "follow set");
    if (err || changed == 1)
        return err;
    /* Nothing changed: no such item, or it has a hash already. */
    char had[TRYGG_FOLLOW_HASH_LEN + 1] = "";
    err = trygg_pg_row(st, "SELECT follow_hash FROM items WHERE id = $1",
                       TRYGG_SQL_ARGS(TRYGG_SQL_INT(id)), read_hash, had, "item");
    if (err)
        return err;
    if (strcmp(had, hash) != 0)
        return trygg_pg_failf(st, TRYGG_ERR_EXISTS, "item has another follow-up code");
    return TRYGG_OK;
}

trygg_err trygg_pg_follow_get(trygg_store *st, const char *ref, trygg_follow *out)
{
    memset(out, 0, sizeof *out);
    char norm[TRYGG_REF_LEN + 1];
    if (trygg_ref_normalise(ref, norm) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "not a reference");
    static const char sql[] = "SELECT i.id, i.follow_hash, i.status, i.close_reason, "
                              "i.lang, " PG_EPOCH("i.created") ", " PG_EPOCH(
                                  "i.updated") ", m.text, " PG_EPOCH("m.created") " "
                                                                                  "FROM items i "
                                                                                  "LEFT JOIN "
                                                                                  "LATERAL (SELECT "
                                                                                  "text, "
                                                                                  "created FROM "
                                                                                  "messages WHERE "
                                                                                  "item_id = i.id "
                                                                                  "AND dir = 'out' "
                                                                                  "AND audience = "
                                                                                  "'public' ORDER "
                                                                                  "BY id DESC "
                                                                                  "LIMIT 1) m ON "
                                                                                  "true WHERE "
                                                                                  "i.ref = $1";
    PGresult *r;
    trygg_err err = trygg_pg_query(st, sql, TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(norm)), &r, "follow get");
    if (err)
        return err;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "no such item");
    }
    char buf[32];
    out->item_id = trygg_pg_col_int(r, 0, 0);
    trygg_pg_col_text(r, 0, 1, out->hash, sizeof out->hash);
    trygg_pg_col_text(r, 0, 2, buf, sizeof buf);
    if (trygg_status_parse(buf, &out->status) != TRYGG_OK)
        err = trygg_pg_failf(st, TRYGG_ERR_DB, "unknown status '%s'", buf);
    trygg_pg_col_text(r, 0, 3, buf, sizeof buf);
    if (!err && trygg_close_reason_parse(buf, &out->close_reason) != TRYGG_OK)
        err = trygg_pg_failf(st, TRYGG_ERR_DB, "unknown close reason '%s'", buf);
    trygg_pg_col_text(r, 0, 4, out->lang, sizeof out->lang);
    out->created = trygg_pg_col_int(r, 0, 5);
    out->updated = trygg_pg_col_int(r, 0, 6);
    trygg_pg_col_text(r, 0, 7, out->reply, sizeof out->reply);
    out->reply_at = trygg_pg_col_int(r, 0, 8);
    PQclear(r);
    return err;
}

/* ---- The access log of personal data ---------------------------------------- */

trygg_err trygg_pg_access_add(trygg_store *st, const char *actor, const char *action,
                              int64_t item_id, const char *detail)
{
    trygg_access a;
    if (!actor || !*actor || !action || !*action ||
        trygg_strset(a.actor, sizeof a.actor, actor) != TRYGG_OK ||
        trygg_strset(a.action, sizeof a.action, action) != TRYGG_OK ||
        trygg_strset(a.detail, sizeof a.detail, detail) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid access log entry");
    return trygg_pg_write(st,
                          "INSERT INTO access_log (at, actor, action, item_id, detail) "
                          "VALUES (" PG_TS("$1") ", $2, $3, $4, $5)",
                          TRYGG_SQL_ARGS(TRYGG_SQL_INT(trygg_pg_now()), TRYGG_SQL_TEXT(a.actor),
                                         TRYGG_SQL_TEXT(a.action), TRYGG_SQL_INT(item_id),
                                         TRYGG_SQL_TEXT(a.detail)),
                          NULL, "access log");
}

static const trygg_sql_field access_fields[] = {
    TRYGG_SQL_FINT(trygg_access, id),      TRYGG_SQL_FINT(trygg_access, at),
    TRYGG_SQL_FTEXT(trygg_access, actor),  TRYGG_SQL_FTEXT(trygg_access, action),
    TRYGG_SQL_FINT(trygg_access, item_id), TRYGG_SQL_FTEXT(trygg_access, detail)};

static void read_access(const PGresult *r, int row, void *out)
{
    TRYGG_PG_READ(r, row, access_fields, out, sizeof(trygg_access));
}

trygg_err trygg_pg_access_list(trygg_store *st, int64_t from, int64_t to, trygg_access *out,
                               int max, int *n)
{
    /* `to` 0 is unbounded: 'infinity' instead of SQLite's INT64_MAX. */
    return trygg_pg_select(
        st,
        "SELECT id, " PG_EPOCH(
            "at") ", actor, action, item_id, detail FROM access_log "
                  "WHERE at >= " PG_TS("$1") " AND ($2::bigint <= 0 OR at < " PG_TS(
                      "$2::bigint") ") ORDER BY at DESC, id DESC LIMIT $3",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(from), TRYGG_SQL_INT(to), TRYGG_SQL_INT(max < 0 ? 0 : max)),
        out, sizeof *out, max < 0 ? 0 : max, read_access, n, "list access log");
}
