/*
 * store_pg_items.c — items on PostgreSQL: reading an item (both views) and
 * the idempotent submit (INSERT ... ON CONFLICT DO NOTHING RETURNING id on
 * the two unique keys, docs/store.md). Listing and search are
 * store_pg_search.c, changes store_pg_changes.c, thread and audit
 * store_pg_thread.c.
 */
#include <stdio.h>
#include <string.h>

#include "store_common.h"
#include "store_pg_items.h"
#include "trygg/log.h"
#include "trygg/ref.h"
#include "trygg/text.h"

/* Columns 24..26 and 30 are points in time, read as Unix seconds. */
#define ITEM_COLS_TAIL                                                                                     \
    "i.walk_id, " PG_EPOCH("i.created") ", " PG_EPOCH("i.updated") ", " PG_EPOCH(                          \
        "i.purge_at") ", i.purged, i.redacted, i.assignee, " PG_EPOCH("i.due_at") ", "                     \
                                                                                  "coalesce"               \
                                                                                  "(" PG_EPOCH(            \
                                                                                      "i."                 \
                                                                                      "reported") ", 0), " \
                                                                                                  "i.copy_to, i.via"
#define ITEM_COLS_FULL                                                                             \
    "i.id, i.ref, i.client_key, i.channel, i.source, i.kind, i.category, i.area, i.place, "        \
    "i.when_date, i.when_band, i.text, i.lang, i.contact, i.consent, i.urgent, i.incomplete, "     \
    "i.status, i.close_reason, coalesce(i.duplicate_of, 0), i.destination, i.sender, "             \
    "i.alias, " ITEM_COLS_TAIL
#define ITEM_COLS_SHARED                                                                           \
    "i.id, i.ref, '', i.channel, i.source, i.kind, i.category, i.area, i.shared_place, "           \
    "i.when_date, i.when_band, i.shared_text, i.lang, '', i.consent, i.urgent, i.incomplete, "     \
    "i.status, i.close_reason, coalesce(i.duplicate_of, 0), i.destination, '', "                   \
    "'', " ITEM_COLS_TAIL

const char *trygg_pg_item_cols(trygg_view view)
{
    return view == TRYGG_VIEW_FULL ? ITEM_COLS_FULL : ITEM_COLS_SHARED;
}

/* The item columns that are plain values: 6..16 (what was reported) and
 * 19..32 (routing, times, case work); the same tables as SQLite's. */
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

trygg_err trygg_pg_read_item(trygg_store *st, const PGresult *r, int row, trygg_item *it)
{
    char buf[32];
    const char *bad = NULL;
    trygg_item_init(it);
    it->id = trygg_pg_col_int(r, row, 0);
    trygg_pg_col_text(r, row, 1, it->ref, sizeof it->ref);
    trygg_pg_col_text(r, row, 2, it->client_key, sizeof it->client_key);
    trygg_pg_col_text(r, row, 3, buf, sizeof buf);
    if (trygg_channel_parse(buf, &it->channel) != TRYGG_OK)
        bad = "channel";
    trygg_pg_col_text(r, row, 4, it->source, sizeof it->source);
    trygg_pg_col_text(r, row, 5, buf, sizeof buf);
    if (trygg_kind_parse(buf, &it->kind) != TRYGG_OK)
        bad = "kind";
    trygg_pg_read_fields(r, row, 6, item_what, TRYGG_SQL_COUNT(item_what), it);
    trygg_pg_col_text(r, row, 17, buf, sizeof buf);
    if (trygg_status_parse(buf, &it->status) != TRYGG_OK)
        bad = "status";
    trygg_pg_col_text(r, row, 18, buf, sizeof buf);
    if (trygg_close_reason_parse(buf, &it->close_reason) != TRYGG_OK)
        bad = "close_reason";
    trygg_pg_read_fields(r, row, 19, item_case, TRYGG_SQL_COUNT(item_case), it);
    /* A name this program does not know is a corrupt row, not kind 0. */
    if (bad)
        return trygg_pg_failf(st, TRYGG_ERR_DB, "corrupt item row %lld: unknown %s",
                              (long long)it->id, bad);
    return TRYGG_OK;
}

trygg_err trygg_pg_items(trygg_store *st, const char *sql, trygg_sql_args a, trygg_item *items,
                         int max, int *n, const char *what)
{
    *n = 0;
    PGresult *r;
    trygg_err err = trygg_pg_query(st, sql, a, &r, what);
    if (err)
        return err;
    int rows = PQntuples(r);
    if (rows > max)
        rows = max;
    for (int i = 0; !err && i < rows; i++)
        err = trygg_pg_read_item(st, r, i, &items[i]);
    PQclear(r);
    *n = err ? 0 : rows;
    return err;
}

/* Reads the one item of `where` (its one parameter $1: text, or num). */
static trygg_err get_one(trygg_store *st, trygg_view view, const char *where, const char *text,
                         int64_t num, trygg_item *out)
{
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT %s FROM items i WHERE %s", trygg_pg_item_cols(view), where);
    int n = 0;
    trygg_err err =
        trygg_pg_items(st, sql, TRYGG_SQL_ARGS(text ? TRYGG_SQL_TEXT(text) : TRYGG_SQL_INT(num)),
                       out, 1, &n, "read item");
    if (!err && n == 0)
        err = trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "no such item");
    return err;
}

trygg_err trygg_pg_get(trygg_store *st, int64_t id, trygg_item *out)
{
    return get_one(st, TRYGG_VIEW_FULL, "i.id = $1", NULL, id, out);
}

trygg_err trygg_pg_get_view(trygg_store *st, int64_t id, trygg_view view, trygg_item *out)
{
    return get_one(st, view, "i.id = $1", NULL, id, out);
}

trygg_err trygg_pg_get_by_ref(trygg_store *st, const char *ref, trygg_item *out)
{
    return trygg_pg_get_by_ref_view(st, ref, TRYGG_VIEW_FULL, out);
}

trygg_err trygg_pg_get_by_ref_view(trygg_store *st, const char *ref, trygg_view view,
                                   trygg_item *out)
{
    char norm[TRYGG_REF_LEN + 1];
    if (trygg_ref_normalise(ref, norm) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "not a reference");
    return get_one(st, view, "i.ref = $1", norm, 0, out);
}

trygg_err trygg_pg_get_by_key(trygg_store *st, const char *client_key, trygg_item *out)
{
    if (!client_key || !*client_key)
        return trygg_pg_failf(st, TRYGG_ERR_NOTFOUND, "empty client key");
    return get_one(st, TRYGG_VIEW_FULL, "i.client_key = $1", client_key, 0, out);
}

/* Inserts `it` (ref already chosen) unless its client key or its reference
 * is taken: *inserted = 1 and `it` is the row as stored (id, generated
 * values), or *inserted = 0 and nothing changed. The "created" audit row
 * and the read back go in the same statement (one round trip, not three).
 * A concurrent insert of the same key waits for the other transaction and
 * then does nothing. */
static trygg_err insert_item(trygg_store *st, trygg_item *it, int *inserted)
{
    static const char sql[] =
        "WITH i AS (INSERT INTO items (ref, client_key, channel, source, kind, category, area, "
        "place, when_date, when_band, text, lang, contact, consent, urgent, incomplete, status, "
        "close_reason, duplicate_of, destination, sender, alias, walk_id, created, updated, "
        "purge_at, purged, shared_text, shared_place, reported, via) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'new', '', NULL, $17, $18, $19, "
        "$20, " PG_TS("$21") ", " PG_TS("$22") ", " PG_TS(
            "$23") ", false, $24, $25, "
                   "CASE WHEN $26::bigint > 0 THEN " PG_TS(
                       "$26::bigint") " END, $27) "
                                      "ON CONFLICT DO NOTHING RETURNING *), "
                                      "a AS (INSERT INTO audit (item_id, actor, action, detail, "
                                      "at) "
                                      "SELECT id, $28, 'created', $29, " PG_TS(
                                          "$30") " FROM i) "
                                                 "SELECT " ITEM_COLS_FULL " FROM i";
    *inserted = 0;
    char shared_text[2 * TRYGG_TEXT_MAX + 1];
    char shared_place[2 * TRYGG_NAME_MAX + 1];
    char detail[128];
    trygg_stc_shared_copy(it->text, shared_text, sizeof shared_text);
    trygg_stc_shared_copy(it->place, shared_place, sizeof shared_place);
    snprintf(detail, sizeof detail, "%s %s via %s", trygg_kind_name(it->kind), it->ref,
             trygg_channel_name(it->channel));
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
        TRYGG_SQL_TEXT(it->via), TRYGG_SQL_TEXT(it->source[0] ? it->source : "system"),
        TRYGG_SQL_TEXT(detail), TRYGG_SQL_INT(trygg_pg_now()));
    trygg_item stored;
    int n = 0;
    trygg_err err = trygg_pg_items(st, sql, a, &stored, 1, &n, "insert item");
    if (!err && n == 1) {
        *inserted = 1;
        *it = stored;
    }
    return err;
}

/* One attempt of the submit in its own transaction (or savepoint). */
static trygg_err submit_once(trygg_store *st, trygg_item *it, trygg_item *out, int *inserted)
{
    trygg_err err = trygg_pg_tx_begin(st);
    if (err)
        return err;
    int existing = 0;
    *inserted = 0;
    trygg_item work = *it; /* a retry starts again from the caller's values */
    err = trygg_stc_claim_key_and_ref(st, &work, out, inserted, &existing, insert_item,
                                      trygg_pg_failf);
    if (!err && *inserted)
        *out = work;
    return trygg_pg_tx_end(st, err);
}

trygg_err trygg_pg_submit(trygg_store *st, const trygg_item *in, trygg_item *out, int *created)
{
    const char *field = NULL;
    if (created)
        *created = 0;
    if (trygg_item_validate(in, &field) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid item field: %s", field ? field : "?");
    trygg_item it = *in;
    if (it.ref[0] && trygg_ref_normalise(in->ref, it.ref) != TRYGG_OK)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "invalid item field: ref");
    int64_t now = trygg_pg_now();
    it.status = TRYGG_STATUS_NEW;
    it.close_reason = TRYGG_CLOSE_NONE;
    it.duplicate_of = 0;
    it.purged = 0;
    if (it.created == 0)
        it.created = now;
    it.updated = it.created > now ? it.created : now;
    if (it.purge_at == 0)
        it.purge_at = it.created + (int64_t)st->retention[it.kind] * 86400;
    if (!it.ref[0])
        trygg_ref_new(it.ref);
    /* A serialization failure (a stricter isolation level set on the
     * server) is retried from the start when this call owns the
     * transaction; inside the caller's, the caller decides. */
    int inserted = 0;
    trygg_err err = TRYGG_ERR_BUSY;
    for (int attempt = 0; attempt < 5 && err == TRYGG_ERR_BUSY; attempt++) {
        err = submit_once(st, &it, out, &inserted);
        if (st->txdepth > 0)
            break;
    }
    if (!err && created)
        *created = inserted;
    return err;
}
