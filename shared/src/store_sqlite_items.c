/*
 * store_sqlite_items.c — items: reading an item (both views) and the
 * idempotent submit. Listing and search are store_sqlite_search.c, changes
 * and the status rules store_sqlite_changes.c, thread and audit
 * store_sqlite_thread.c, the retention purge store_sqlite_purge.c.
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

/* The columns trygg_st_read_item() reads, for table alias "i": the full view and the
 * shared view (the recipients' copy of text and place; no contact, sender,
 * alias or client key). Both lists have the same shape. */
#define ITEM_COLS_FULL                                                                             \
    "i.id, i.ref, i.client_key, i.channel, i.source, i.kind, i.category, i.area, i.place, "        \
    "i.when_date, i.when_band, i.text, i.lang, i.contact, i.consent, i.urgent, i.incomplete, "     \
    "i.status, i.close_reason, coalesce(i.duplicate_of, 0), i.destination, i.sender, i.alias, "    \
    "i.walk_id, i.created, i.updated, i.purge_at, i.purged, i.redacted, i.assignee, i.due_at, "    \
    "i.reported, i.copy_to, i.via"
#define ITEM_COLS_SHARED                                                                           \
    "i.id, i.ref, '', i.channel, i.source, i.kind, i.category, i.area, i.shared_place, "           \
    "i.when_date, i.when_band, i.shared_text, i.lang, '', i.consent, i.urgent, i.incomplete, "     \
    "i.status, i.close_reason, coalesce(i.duplicate_of, 0), i.destination, '', '', "               \
    "i.walk_id, i.created, i.updated, i.purge_at, i.purged, i.redacted, i.assignee, i.due_at, "    \
    "i.reported, i.copy_to, i.via"

const char *trygg_st_item_cols(trygg_view view)
{
    return view == TRYGG_VIEW_FULL ? ITEM_COLS_FULL : ITEM_COLS_SHARED;
}

/* The item columns that are plain values: 6..16 (what was reported) and
 * 19..31 (routing, times, case work); see trygg_st_item_cols. */
static const trygg_sql_field item_what[] = {
    TRYGG_SQL_FTEXT(trygg_item, category),  TRYGG_SQL_FTEXT(trygg_item, area),
    TRYGG_SQL_FTEXT(trygg_item, place),     TRYGG_SQL_FTEXT(trygg_item, when_date),
    TRYGG_SQL_FTEXT(trygg_item, when_band), TRYGG_SQL_FTEXT(trygg_item, text),
    TRYGG_SQL_FTEXT(trygg_item, lang),      TRYGG_SQL_FTEXT(trygg_item, contact),
    TRYGG_SQL_FINT(trygg_item, consent),    TRYGG_SQL_FINT(trygg_item, urgent),
    TRYGG_SQL_FINT(trygg_item, incomplete)};
static const trygg_sql_field item_case[] = {
    TRYGG_SQL_FINT(trygg_item, duplicate_of), TRYGG_SQL_FTEXT(trygg_item, destination),
    TRYGG_SQL_FTEXT(trygg_item, sender),      TRYGG_SQL_FTEXT(trygg_item, alias),
    TRYGG_SQL_FINT(trygg_item, walk_id),      TRYGG_SQL_FINT(trygg_item, created),
    TRYGG_SQL_FINT(trygg_item, updated),      TRYGG_SQL_FINT(trygg_item, purge_at),
    TRYGG_SQL_FINT(trygg_item, purged),       TRYGG_SQL_FINT(trygg_item, redacted),
    TRYGG_SQL_FTEXT(trygg_item, assignee),    TRYGG_SQL_FINT(trygg_item, due_at),
    TRYGG_SQL_FINT(trygg_item, reported),     TRYGG_SQL_FTEXT(trygg_item, copy_to),
    TRYGG_SQL_FTEXT(trygg_item, via)};

trygg_err trygg_st_read_item(trygg_store *st, sqlite3_stmt *s, trygg_item *it)
{
    char buf[32];
    const char *bad = NULL;
    trygg_item_init(it);
    it->id = sqlite3_column_int64(s, 0);
    trygg_st_col_text(s, 1, it->ref, sizeof it->ref);
    trygg_st_col_text(s, 2, it->client_key, sizeof it->client_key);
    trygg_st_col_text(s, 3, buf, sizeof buf);
    if (trygg_channel_parse(buf, &it->channel) != TRYGG_OK)
        bad = "channel";
    trygg_st_col_text(s, 4, it->source, sizeof it->source);
    trygg_st_col_text(s, 5, buf, sizeof buf);
    if (trygg_kind_parse(buf, &it->kind) != TRYGG_OK)
        bad = "kind";
    trygg_sql_read_fields(s, 6, item_what, TRYGG_SQL_COUNT(item_what), it);
    trygg_st_col_text(s, 17, buf, sizeof buf);
    if (trygg_status_parse(buf, &it->status) != TRYGG_OK)
        bad = "status";
    trygg_st_col_text(s, 18, buf, sizeof buf);
    if (trygg_close_reason_parse(buf, &it->close_reason) != TRYGG_OK)
        bad = "close_reason";
    trygg_sql_read_fields(s, 19, item_case, TRYGG_SQL_COUNT(item_case), it);
    /* A name this program does not know is a corrupt row, not kind 0. */
    if (bad)
        return trygg_st_failf(st, TRYGG_ERR_DB, "corrupt item row %lld: unknown %s",
                              (long long)it->id, bad);
    return TRYGG_OK;
}

/* Runs a one-row item query with a text or integer parameter. */
static trygg_err get_one_view(trygg_store *st, trygg_view view, const char *where, const char *text,
                              int64_t num, trygg_item *out)
{
    char sql[768];
    snprintf(sql, sizeof sql, "SELECT %s FROM items i WHERE %s", trygg_st_item_cols(view), where);
    sqlite3_stmt *s;
    trygg_err err = trygg_st_cached(
        st, sql, TRYGG_SQL_ARGS(text ? TRYGG_SQL_TEXT(text) : TRYGG_SQL_INT(num)), &s);
    if (err)
        return err;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        err = trygg_st_read_item(st, s, out);
    } else if (rc == SQLITE_DONE) {
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such item");
    } else {
        err = trygg_st_fail(st, rc, "read item");
    }
    trygg_st_done(st, s);
    return err;
}

static trygg_err get_one(trygg_store *st, const char *where, const char *text, int64_t num,
                         trygg_item *out)
{
    return get_one_view(st, TRYGG_VIEW_FULL, where, text, num, out);
}

trygg_err trygg_sqlite_get(trygg_store *st, int64_t id, trygg_item *out)
{
    return get_one(st, "id = ?1", NULL, id, out);
}

trygg_err trygg_sqlite_get_view(trygg_store *st, int64_t id, trygg_view view, trygg_item *out)
{
    return get_one_view(st, view, "id = ?1", NULL, id, out);
}

trygg_err trygg_sqlite_get_by_ref(trygg_store *st, const char *ref, trygg_item *out)
{
    char norm[TRYGG_REF_LEN + 1];
    if (trygg_ref_normalise(ref, norm) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "not a reference");
    return get_one(st, "ref = ?1", norm, 0, out);
}

trygg_err trygg_sqlite_get_by_ref_view(trygg_store *st, const char *ref, trygg_view view,
                                       trygg_item *out)
{
    char norm[TRYGG_REF_LEN + 1];
    if (trygg_ref_normalise(ref, norm) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "not a reference");
    return get_one_view(st, view, "ref = ?1", norm, 0, out);
}

trygg_err trygg_sqlite_get_by_key(trygg_store *st, const char *client_key, trygg_item *out)
{
    if (!client_key || !*client_key)
        return trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "empty client key");
    return get_one(st, "client_key = ?1", client_key, 0, out);
}

/* Inserts `it` (ref already chosen) unless its client key or its reference
 * is taken (ON CONFLICT DO NOTHING on both unique keys): *inserted = 1 and
 * it->id set, or *inserted = 0 and nothing changed. */
static trygg_err insert_item(trygg_store *st, trygg_item *it, int *inserted)
{
    static const char sql[] =
        "INSERT INTO items (ref, client_key, channel, source, kind, category, area, place, "
        "when_date, when_band, text, lang, contact, consent, urgent, incomplete, status, "
        "close_reason, duplicate_of, destination, sender, alias, walk_id, created, updated, "
        "purge_at, purged, shared_text, shared_place, reported, via) VALUES (?1, ?2, ?3, ?4, ?5, "
        "?6, "
        "?7, "
        "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 'new', '', NULL, ?17, ?18, ?19, ?20, ?21, ?22, "
        "?23, 0, ?24, ?25, ?26, ?27) ON CONFLICT DO NOTHING";
    *inserted = 0;
    char shared_text[2 * TRYGG_TEXT_MAX + 1];
    char shared_place[2 * TRYGG_NAME_MAX + 1];
    trygg_stc_shared_copy(it->text, shared_text, sizeof shared_text);
    trygg_stc_shared_copy(it->place, shared_place, sizeof shared_place);
    trygg_sql_args a = TRYGG_SQL_ARGS(
        TRYGG_SQL_TEXT(it->ref), TRYGG_SQL_TEXT(it->client_key),
        TRYGG_SQL_TEXT(trygg_channel_name(it->channel)), TRYGG_SQL_TEXT(it->source),
        TRYGG_SQL_TEXT(trygg_kind_name(it->kind)), TRYGG_SQL_TEXT(it->category),
        TRYGG_SQL_TEXT(it->area), TRYGG_SQL_TEXT(it->place), TRYGG_SQL_TEXT(it->when_date),
        TRYGG_SQL_TEXT(it->when_band), TRYGG_SQL_TEXT(it->text),
        TRYGG_SQL_TEXT(it->lang[0] ? it->lang : "sv"), TRYGG_SQL_TEXT(it->contact),
        TRYGG_SQL_INT(it->consent ? 1 : 0), TRYGG_SQL_INT(it->urgent ? 1 : 0),
        TRYGG_SQL_INT(it->incomplete ? 1 : 0), TRYGG_SQL_TEXT(it->destination),
        TRYGG_SQL_TEXT(it->sender), TRYGG_SQL_TEXT(it->alias), TRYGG_SQL_INT(it->walk_id),
        TRYGG_SQL_INT(it->created), TRYGG_SQL_INT(it->updated), TRYGG_SQL_INT(it->purge_at),
        TRYGG_SQL_TEXT(shared_text), TRYGG_SQL_TEXT(shared_place), TRYGG_SQL_INT(it->reported),
        TRYGG_SQL_TEXT(it->via));
    trygg_err err = trygg_st_write(st, sql, a, "insert item");
    if (!err && sqlite3_changes(st->db) == 1) {
        *inserted = 1;
        it->id = sqlite3_last_insert_rowid(st->db);
    }
    return err;
}

trygg_err trygg_sqlite_submit(trygg_store *st, const trygg_item *in, trygg_item *out, int *created)
{
    const char *field = NULL;
    if (created)
        *created = 0;
    if (trygg_item_validate(in, &field) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid item field: %s", field ? field : "?");
    trygg_item it = *in;
    if (it.ref[0] && trygg_ref_normalise(in->ref, it.ref) != TRYGG_OK)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid item field: ref");
    int64_t now = trygg_st_now();
    it.status = TRYGG_STATUS_NEW;
    it.close_reason = TRYGG_CLOSE_NONE;
    it.duplicate_of = 0;
    it.purged = 0;
    if (it.created == 0)
        it.created = now;
    it.updated = it.created > now ? it.created : now;
    if (it.purge_at == 0)
        it.purge_at = it.created + (int64_t)st->retention[it.kind] * 86400;

    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    int inserted = 0, existing = 0;
    if (!it.ref[0])
        trygg_ref_new(it.ref);
    err = trygg_stc_claim_key_and_ref(st, &it, out, &inserted, &existing, insert_item,
                                      trygg_st_failf);
    if (!err && inserted) {
        char detail[128];
        snprintf(detail, sizeof detail, "%s %s via %s", trygg_kind_name(it.kind), it.ref,
                 trygg_channel_name(it.channel));
        err = trygg_st_audit_add(st, it.id, it.source[0] ? it.source : "system", "created", detail);
        if (!err)
            err = trygg_store_get(st, it.id, out);
    }
    err = trygg_st_tx_end(st, err);
    if (!err && created)
        *created = inserted;
    return err;
}
