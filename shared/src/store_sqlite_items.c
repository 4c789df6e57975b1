/*
 * store_sqlite_items.c — items: idempotent submit, lookups, filtered keyset
 * listing with full-text search, status rules, thread, audit, retention
 * purge and the grouped counts behind the situation picture.
 */
#include "store_sqlite_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "trygg/log.h"
#include "trygg/ref.h"
#include "trygg/text.h"

/* The columns read_item() reads, for table alias "i": the full view and the
 * shared view (the recipients' copy of text and place; no contact, sender,
 * alias or client key). Both lists have the same shape. */
#define ITEM_COLS_FULL                                                                             \
    "i.id, i.ref, i.client_key, i.channel, i.source, i.kind, i.category, i.area, i.place, "        \
    "i.when_date, i.when_band, i.text, i.lang, i.contact, i.consent, i.urgent, i.incomplete, "     \
    "i.status, i.close_reason, coalesce(i.duplicate_of, 0), i.destination, i.sender, i.alias, "    \
    "i.walk_id, i.created, i.updated, i.purge_at, i.purged, i.redacted"
#define ITEM_COLS_SHARED                                                                           \
    "i.id, i.ref, '', i.channel, i.source, i.kind, i.category, i.area, i.shared_place, "           \
    "i.when_date, i.when_band, i.shared_text, i.lang, '', i.consent, i.urgent, i.incomplete, "     \
    "i.status, i.close_reason, coalesce(i.duplicate_of, 0), i.destination, '', '', "               \
    "i.walk_id, i.created, i.updated, i.purge_at, i.purged, i.redacted"

static const char *item_cols(trygg_view view)
{
    return view == TRYGG_VIEW_FULL ? ITEM_COLS_FULL : ITEM_COLS_SHARED;
}

static void read_item(sqlite3_stmt *s, void *row)
{
    trygg_item *it = row;
    char buf[32];
    trygg_item_init(it);
    it->id = sqlite3_column_int64(s, 0);
    trygg_st_col_text(s, 1, it->ref, sizeof it->ref);
    trygg_st_col_text(s, 2, it->client_key, sizeof it->client_key);
    trygg_st_col_text(s, 3, buf, sizeof buf);
    trygg_channel_parse(buf, &it->channel);
    trygg_st_col_text(s, 4, it->source, sizeof it->source);
    trygg_st_col_text(s, 5, buf, sizeof buf);
    trygg_kind_parse(buf, &it->kind);
    trygg_st_col_text(s, 6, it->category, sizeof it->category);
    trygg_st_col_text(s, 7, it->area, sizeof it->area);
    trygg_st_col_text(s, 8, it->place, sizeof it->place);
    trygg_st_col_text(s, 9, it->when_date, sizeof it->when_date);
    trygg_st_col_text(s, 10, it->when_band, sizeof it->when_band);
    trygg_st_col_text(s, 11, it->text, sizeof it->text);
    trygg_st_col_text(s, 12, it->lang, sizeof it->lang);
    trygg_st_col_text(s, 13, it->contact, sizeof it->contact);
    it->consent = sqlite3_column_int(s, 14);
    it->urgent = sqlite3_column_int(s, 15);
    it->incomplete = sqlite3_column_int(s, 16);
    trygg_st_col_text(s, 17, buf, sizeof buf);
    trygg_status_parse(buf, &it->status);
    trygg_st_col_text(s, 18, buf, sizeof buf);
    trygg_close_reason_parse(buf, &it->close_reason);
    it->duplicate_of = sqlite3_column_int64(s, 19);
    trygg_st_col_text(s, 20, it->destination, sizeof it->destination);
    trygg_st_col_text(s, 21, it->sender, sizeof it->sender);
    trygg_st_col_text(s, 22, it->alias, sizeof it->alias);
    it->walk_id = sqlite3_column_int64(s, 23);
    it->created = sqlite3_column_int64(s, 24);
    it->updated = sqlite3_column_int64(s, 25);
    it->purge_at = sqlite3_column_int64(s, 26);
    it->purged = sqlite3_column_int(s, 27);
    it->redacted = sqlite3_column_int(s, 28);
}

/* Runs a one-row item query with a text or integer parameter. */
static trygg_err get_one_view(trygg_store *st, trygg_view view, const char *where, const char *text,
                              int64_t num, trygg_item *out)
{
    char sql[768];
    snprintf(sql, sizeof sql, "SELECT %s FROM items i WHERE %s", item_cols(view), where);
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, sql, &s);
    if (err)
        return err;
    if (text)
        trygg_st_bind_text(s, 1, text);
    else
        sqlite3_bind_int64(s, 1, num);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        read_item(s, out);
        err = TRYGG_OK;
    } else if (rc == SQLITE_DONE) {
        err = trygg_st_failf(st, TRYGG_ERR_NOTFOUND, "no such item");
    } else {
        err = trygg_st_fail(st, rc, "read item");
    }
    sqlite3_finalize(s);
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

/* The recipients' copy of `in` into out[cap] (scrubbed; "" when it cannot be
 * scrubbed, so nothing unscrubbed is ever stored there). */
static void shared_copy(const char *in, char *out, size_t cap)
{
    if (trygg_scrub(in ? in : "", out, cap, NULL) != TRYGG_OK)
        out[0] = '\0';
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
        "purge_at, purged, shared_text, shared_place) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11, ?12, ?13, ?14, ?15, ?16, 'new', '', NULL, ?17, ?18, ?19, ?20, ?21, ?22, ?23, 0, "
        "?24, ?25) ON CONFLICT DO NOTHING";
    *inserted = 0;
    char shared_text[2 * TRYGG_TEXT_MAX + 1];
    char shared_place[2 * TRYGG_NAME_MAX + 1];
    shared_copy(it->text, shared_text, sizeof shared_text);
    shared_copy(it->place, shared_place, sizeof shared_place);
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, sql, &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, it->ref);
    trygg_st_bind_text(s, 2, it->client_key);
    trygg_st_bind_text(s, 3, trygg_channel_name(it->channel));
    trygg_st_bind_text(s, 4, it->source);
    trygg_st_bind_text(s, 5, trygg_kind_name(it->kind));
    trygg_st_bind_text(s, 6, it->category);
    trygg_st_bind_text(s, 7, it->area);
    trygg_st_bind_text(s, 8, it->place);
    trygg_st_bind_text(s, 9, it->when_date);
    trygg_st_bind_text(s, 10, it->when_band);
    trygg_st_bind_text(s, 11, it->text);
    trygg_st_bind_text(s, 12, it->lang[0] ? it->lang : "sv");
    trygg_st_bind_text(s, 13, it->contact);
    sqlite3_bind_int(s, 14, it->consent ? 1 : 0);
    sqlite3_bind_int(s, 15, it->urgent ? 1 : 0);
    sqlite3_bind_int(s, 16, it->incomplete ? 1 : 0);
    trygg_st_bind_text(s, 17, it->destination);
    trygg_st_bind_text(s, 18, it->sender);
    trygg_st_bind_text(s, 19, it->alias);
    sqlite3_bind_int64(s, 20, it->walk_id);
    sqlite3_bind_int64(s, 21, it->created);
    sqlite3_bind_int64(s, 22, it->updated);
    sqlite3_bind_int64(s, 23, it->purge_at);
    trygg_st_bind_text(s, 24, shared_text);
    trygg_st_bind_text(s, 25, shared_place);
    err = trygg_st_run(st, s, "insert item");
    if (!err && sqlite3_changes(st->db) == 1) {
        *inserted = 1;
        it->id = sqlite3_last_insert_rowid(st->db);
    }
    return err;
}

/* Idempotent submit as insert-or-get on the two unique keys, correct without
 * relying on a database-wide write lock: the insert does nothing when the
 * client key or the reference is taken. Then the key decides: if an item
 * has it, that item is the answer (*existing = 1, copied to *out). If not,
 * the reference was someone else's: a kiosk's reference (shown on a receipt)
 * is never replaced (TRYGG_ERR_EXISTS); any other gets a fresh random one. */
static trygg_err claim_key_and_ref(trygg_store *st, trygg_item *it, trygg_item *out, int *inserted,
                                   int *existing)
{
    for (int tries = 0;; tries++) {
        trygg_err err = insert_item(st, it, inserted);
        if (err || *inserted)
            return err;
        err = trygg_store_get_by_key(st, it->client_key, out);
        if (err == TRYGG_OK)
            *existing = 1;
        if (err != TRYGG_ERR_NOTFOUND)
            return err;
        if (trygg_ref_is_kiosk(it->ref)) {
            TRYGG_WARN("store: kiosk reference %s of key %s is taken by another item", it->ref,
                       it->client_key);
            return trygg_st_failf(st, TRYGG_ERR_EXISTS, "reference %s is taken", it->ref);
        }
        if (tries == 50)
            return trygg_st_failf(st, TRYGG_ERR_DB, "no free reference after 50 tries");
        if (tries == 0)
            TRYGG_WARN("store: reference %s of key %s is taken; assigning a random one", it->ref,
                       it->client_key);
        trygg_ref_new(it->ref);
    }
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
    err = claim_key_and_ref(st, &it, out, &inserted, &existing);
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

/* ---- Listing ------------------------------------------------------------- */

#define MAX_BINDS 24

/* A WHERE clause under construction, with its parameters. */
typedef struct sqlbuf {
    char sql[3072];
    size_t len;
    int overflow;
    int nbind;
    struct {
        int is_text;
        const char *text;
        int64_t num;
    } bind[MAX_BINDS];
} sqlbuf;

static void sb_add(sqlbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > sizeof b->sql) {
        b->overflow = 1;
        return;
    }
    memcpy(b->sql + b->len, s, n + 1);
    b->len += n;
}

static void sb_text(sqlbuf *b, const char *cond, const char *v)
{
    if (b->nbind >= MAX_BINDS) {
        b->overflow = 1;
        return;
    }
    sb_add(b, cond);
    b->bind[b->nbind].is_text = 1;
    b->bind[b->nbind].text = v;
    b->nbind++;
}

static void sb_num(sqlbuf *b, const char *cond, int64_t v)
{
    if (b->nbind >= MAX_BINDS) {
        b->overflow = 1;
        return;
    }
    sb_add(b, cond);
    b->bind[b->nbind].is_text = 0;
    b->bind[b->nbind].num = v;
    b->nbind++;
}

static void sb_bind(const sqlbuf *b, sqlite3_stmt *s)
{
    for (int i = 0; i < b->nbind; i++) {
        if (b->bind[i].is_text)
            trygg_st_bind_text(s, i + 1, b->bind[i].text);
        else
            sqlite3_bind_int64(s, i + 1, b->bind[i].num);
    }
}

/* Turns user input into an FTS5 query of quoted terms, all of which must
 * match: `vägg "klotter` -> `"vägg" """klotter"`. A term ending in '*' is
 * a prefix search (`cyk*` -> `"cyk"*`). Returns 0 when the input has no
 * terms. Quoting makes every FTS5 operator and column filter plain text. */
static int fts_query(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    int terms = 0;
    const char *p = in;
    while (*p && terms < 16) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
        size_t len = (size_t)(p - start);
        int prefix = len > 1 && start[len - 1] == '*';
        if (prefix)
            len--;
        /* Worst case every byte is a quote (doubled) plus `"` `"*` and a space. */
        if (o + 2 * len + 5 >= cap)
            break;
        if (terms)
            out[o++] = ' ';
        out[o++] = '"';
        for (size_t i = 0; i < len; i++) {
            if (start[i] == '"')
                out[o++] = '"';
            out[o++] = start[i];
        }
        out[o++] = '"';
        if (prefix)
            out[o++] = '*';
        terms++;
    }
    out[o] = '\0';
    return terms > 0;
}

/* Chooses the plan for listing: counts matches up to a threshold that
 * balances the two costs (about sqrt(1200 * items); measured: ~2 us per
 * materialised match, ~55 us per probe). */
enum trygg_st_fts_plan trygg_st_fts_plan(trygg_store *st, const char *fts, trygg_view view)
{
    sqlite3_stmt *s;
    int64_t items = 0, threshold, matches = 0;
    if (trygg_st_prepare(st, "SELECT coalesce(max(id), 0) FROM items", &s))
        return TRYGG_ST_FTS_IN;
    if (sqlite3_step(s) == SQLITE_ROW)
        items = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    threshold = (int64_t)sqrt(1200.0 * (double)items);
    if (threshold < 2000)
        return TRYGG_ST_FTS_IN;
    if (trygg_st_prepare(st,
                         view == TRYGG_VIEW_FULL
                             ? "SELECT count(*) FROM (SELECT rowid FROM items_fts WHERE items_fts "
                               "MATCH ?1 LIMIT ?2)"
                             : "SELECT count(*) FROM (SELECT rowid FROM items_shared_fts WHERE "
                               "items_shared_fts MATCH ?1 LIMIT ?2)",
                         &s))
        return TRYGG_ST_FTS_IN;
    trygg_st_bind_text(s, 1, fts);
    sqlite3_bind_int64(s, 2, threshold);
    if (sqlite3_step(s) == SQLITE_ROW)
        matches = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return matches >= threshold ? TRYGG_ST_FTS_PROBE : TRYGG_ST_FTS_IN;
}

/* Appends the filter's conditions (" AND ...") for table alias "i"; the
 * full-text condition picks its plan with `st` (NULL: always TRYGG_ST_FTS_IN). */
static void filter_where(sqlbuf *b, const trygg_filter *f, char *ftsbuf, size_t ftscap,
                         trygg_store *st)
{
    if (!f)
        return;
    if (f->status >= 0 && f->status < TRYGG_STATUS_COUNT)
        sb_text(b, " AND i.status = ?", trygg_status_name((trygg_status)f->status));
    if (f->kind >= 0 && f->kind < TRYGG_KIND_COUNT)
        sb_text(b, " AND i.kind = ?", trygg_kind_name((trygg_kind)f->kind));
    if (f->channel >= 0 && f->channel < TRYGG_CHANNEL_COUNT)
        sb_text(b, " AND i.channel = ?", trygg_channel_name((trygg_channel)f->channel));
    if (f->urgent == 0 || f->urgent == 1)
        sb_num(b, " AND i.urgent = ?", f->urgent);
    if (f->open_only)
        sb_add(b, " AND i.status <> 'closed'");
    if (f->category[0])
        sb_text(b, " AND i.category = ?", f->category);
    if (f->area[0])
        sb_text(b, " AND i.area = ?", f->area);
    if (f->destination[0])
        sb_text(b, " AND i.destination = ?", f->destination);
    if (f->sender[0])
        sb_text(b, " AND i.sender = ?", f->sender);
    if (f->from)
        sb_num(b, " AND i.created >= ?", f->from);
    if (f->to)
        sb_num(b, " AND i.created < ?", f->to);
    if (f->query[0] && fts_query(f->query, ftsbuf, ftscap)) {
        /* The shared view searches only the recipients' copy: a scrubbed
         * word is not in that index, so no query (prefix or whole) finds it. */
        int full = f->view == TRYGG_VIEW_FULL;
        if (st && trygg_st_fts_plan(st, ftsbuf, f->view) == TRYGG_ST_FTS_PROBE)
            sb_text(b,
                    full ? " AND EXISTS (SELECT 1 FROM items_fts WHERE items_fts MATCH ? "
                           "AND rowid = i.id)"
                         : " AND EXISTS (SELECT 1 FROM items_shared_fts WHERE items_shared_fts "
                           "MATCH ? AND rowid = i.id)",
                    ftsbuf);
        else
            sb_text(b,
                    full ? " AND i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)"
                         : " AND i.id IN (SELECT rowid FROM items_shared_fts WHERE "
                           "items_shared_fts MATCH ?)",
                    ftsbuf);
    }
}

/* The shared view cannot filter on what it does not show. */
static trygg_err view_check(trygg_store *st, const trygg_filter *f)
{
    if (f && f->view != TRYGG_VIEW_FULL && f->view != TRYGG_VIEW_SHARED)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "unknown view");
    if (f && f->view == TRYGG_VIEW_SHARED && f->sender[0])
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "the shared view has no sender filter");
    return TRYGG_OK;
}

void trygg_filter_init(trygg_filter *f)
{
    memset(f, 0, sizeof *f);
    f->status = -1;
    f->kind = -1;
    f->channel = -1;
    f->urgent = -1;
}

trygg_err trygg_sqlite_list(trygg_store *st, const trygg_filter *f, const trygg_cursor *after,
                            trygg_item *items, int max, int *n, trygg_cursor *next)
{
    *n = 0;
    if (next)
        memset(next, 0, sizeof *next);
    if (max <= 0)
        return TRYGG_OK;
    trygg_err err = view_check(st, f);
    if (err)
        return err;
    sqlbuf local;
    sqlbuf *bp = &local;
    memset(bp, 0, offsetof(sqlbuf, bind));
    char fts[600];
    sb_add(bp, "SELECT ");
    sb_add(bp, item_cols(f ? f->view : TRYGG_VIEW_SHARED));
    sb_add(bp, " FROM items i WHERE 1");
    filter_where(bp, f, fts, sizeof fts, st);
    if (after && after->valid) {
        sb_num(bp, " AND (i.urgent, i.created, i.id) < (?,", after->urgent ? 1 : 0);
        sb_num(bp, " ?,", after->created);
        sb_num(bp, " ?)", after->id);
    }
    /* One more than asked tells whether a next page exists. */
    sb_num(bp, " ORDER BY i.urgent DESC, i.created DESC, i.id DESC LIMIT ?", max + 1);
    if (bp->overflow)
        return trygg_st_failf(st, TRYGG_ERR_TOOBIG, "filter too large");
    sqlite3_stmt *s;
    err = trygg_st_prepare(st, bp->sql, &s);
    if (err)
        return err;
    sb_bind(bp, s);
    int rc;
    int count = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (count == max) {
            if (next) {
                trygg_item *last = &items[max - 1];
                next->valid = 1;
                next->urgent = last->urgent;
                next->created = last->created;
                next->id = last->id;
            }
            break;
        }
        read_item(s, &items[count++]);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, "list items");
    sqlite3_finalize(s);
    *n = err ? 0 : count;
    return err;
}

trygg_err trygg_sqlite_count_by_status(trygg_store *st, const trygg_filter *f,
                                       int64_t counts[TRYGG_STATUS_COUNT])
{
    memset(counts, 0, sizeof(int64_t) * TRYGG_STATUS_COUNT);
    if (view_check(st, f))
        return TRYGG_ERR_INVALID;
    sqlbuf b;
    memset(&b, 0, offsetof(sqlbuf, bind));
    char fts[600];
    trygg_filter g;
    if (f) {
        g = *f;
        g.status = -1;
    }
    sb_add(&b, "SELECT i.status, count(*) FROM items i WHERE 1");
    filter_where(&b, f ? &g : NULL, fts, sizeof fts, NULL);
    sb_add(&b, " GROUP BY i.status");
    if (b.overflow)
        return trygg_st_failf(st, TRYGG_ERR_TOOBIG, "filter too large");
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, b.sql, &s);
    if (err)
        return err;
    sb_bind(&b, s);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        trygg_status status;
        if (trygg_status_parse((const char *)sqlite3_column_text(s, 0), &status) == TRYGG_OK)
            counts[status] = sqlite3_column_int64(s, 1);
    }
    if (rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, "count items");
    sqlite3_finalize(s);
    return err;
}

/* ---- Changes ------------------------------------------------------------- */

static trygg_err touch_item(trygg_store *st, int64_t id)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "UPDATE items SET updated = ?1 WHERE id = ?2", &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, trygg_st_now());
    sqlite3_bind_int64(s, 2, id);
    return trygg_st_run(st, s, "update item");
}

/* Sets one text column (name from a fixed list, never user input). */
static trygg_err set_text_col(trygg_store *st, int64_t id, const char *col, const char *v)
{
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE items SET %s = ?1 WHERE id = ?2", col);
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, sql, &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, v);
    sqlite3_bind_int64(s, 2, id);
    return trygg_st_run(st, s, "update item");
}

static void append_change(char *detail, size_t cap, const char *field, const char *from,
                          const char *to)
{
    size_t len = strlen(detail);
    snprintf(detail + len, cap - len, "%s%s: %s -> %s", len ? "; " : "", field, from, to);
}

trygg_err trygg_sqlite_update(trygg_store *st, int64_t id, const char *actor, const char *category,
                              const char *area, int kind)
{
    char tmp[TRYGG_NAME_MAX + 1];
    if ((category && trygg_strset(tmp, sizeof tmp, category)) ||
        (area && trygg_strset(tmp, sizeof tmp, area)) || kind < -1 || kind >= TRYGG_KIND_COUNT)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid category, area or kind");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_item it;
    err = trygg_store_get(st, id, &it);
    char detail[512] = "";
    if (!err && category && *category && strcmp(category, it.category) != 0) {
        append_change(detail, sizeof detail, "category", it.category, category);
        err = set_text_col(st, id, "category", category);
    }
    if (!err && area && *area && strcmp(area, it.area) != 0) {
        append_change(detail, sizeof detail, "area", it.area, area);
        err = set_text_col(st, id, "area", area);
    }
    if (!err && kind >= 0 && (trygg_kind)kind != it.kind) {
        append_change(detail, sizeof detail, "kind", trygg_kind_name(it.kind),
                      trygg_kind_name((trygg_kind)kind));
        err = set_text_col(st, id, "kind", trygg_kind_name((trygg_kind)kind));
    }
    if (!err && detail[0]) {
        err = touch_item(st, id);
        if (!err)
            err = trygg_st_audit_add(st, id, actor, "edit", detail);
    }
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_set_urgent(trygg_store *st, int64_t id, const char *actor, int urgent)
{
    urgent = urgent ? 1 : 0;
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_item it;
    err = trygg_store_get(st, id, &it);
    if (!err && it.urgent != urgent) {
        sqlite3_stmt *s;
        err = trygg_st_prepare(st, "UPDATE items SET urgent = ?1, updated = ?2 WHERE id = ?3", &s);
        if (!err) {
            sqlite3_bind_int(s, 1, urgent);
            sqlite3_bind_int64(s, 2, trygg_st_now());
            sqlite3_bind_int64(s, 3, id);
            err = trygg_st_run(st, s, "set urgent");
        }
        if (!err)
            err = trygg_st_audit_add(st, id, actor, "urgent", urgent ? "raised" : "lowered");
    }
    return trygg_st_tx_end(st, err);
}

/* The allowed moves: forward along new -> triaged -> forwarded|in_progress
 * -> closed, between forwarded and in_progress, closing from any open state
 * (spam or a duplicate can be closed straight from new), and reopening a
 * closed item to triaged. */
static int transition_ok(trygg_status from, trygg_status to)
{
    switch (to) {
    case TRYGG_STATUS_NEW:
        return 0;
    case TRYGG_STATUS_TRIAGED:
        return from == TRYGG_STATUS_NEW || from == TRYGG_STATUS_CLOSED;
    case TRYGG_STATUS_FORWARDED:
        return from == TRYGG_STATUS_TRIAGED || from == TRYGG_STATUS_IN_PROGRESS;
    case TRYGG_STATUS_IN_PROGRESS:
        return from == TRYGG_STATUS_TRIAGED || from == TRYGG_STATUS_FORWARDED;
    case TRYGG_STATUS_CLOSED:
        return from != TRYGG_STATUS_CLOSED;
    default:
        return 0;
    }
}

trygg_err trygg_sqlite_set_status(trygg_store *st, int64_t id, const char *actor,
                                  trygg_status status, trygg_close_reason reason,
                                  int64_t duplicate_of)
{
    if ((int)status < 0 || status >= TRYGG_STATUS_COUNT || (int)reason < 0 ||
        reason >= TRYGG_CLOSE_COUNT)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid status or reason");
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_item it, dup;
    char detail[256];
    err = trygg_store_get(st, id, &it);
    if (err)
        return trygg_st_tx_end(st, err);
    if (!transition_ok(it.status, status))
        return trygg_st_tx_end(st, trygg_st_failf(st, TRYGG_ERR_STATE, "cannot go from %s to %s",
                                                  trygg_status_name(it.status),
                                                  trygg_status_name(status)));
    if (status == TRYGG_STATUS_CLOSED) {
        if (reason == TRYGG_CLOSE_NONE)
            return trygg_st_tx_end(st,
                                   trygg_st_failf(st, TRYGG_ERR_STATE, "closing needs a reason"));
        if (reason == TRYGG_CLOSE_DUPLICATE) {
            if (duplicate_of == id || duplicate_of <= 0)
                return trygg_st_tx_end(
                    st, trygg_st_failf(st, TRYGG_ERR_STATE, "duplicate needs another item"));
            err = trygg_store_get(st, duplicate_of, &dup);
            if (err)
                return trygg_st_tx_end(
                    st, trygg_st_failf(st, TRYGG_ERR_STATE, "duplicate of a missing item"));
            snprintf(detail, sizeof detail, "%s -> closed (duplicate of %s)",
                     trygg_status_name(it.status), dup.ref);
        } else {
            duplicate_of = 0;
            snprintf(detail, sizeof detail, "%s -> closed (%s)", trygg_status_name(it.status),
                     trygg_close_reason_name(reason));
        }
    } else {
        reason = TRYGG_CLOSE_NONE;
        duplicate_of = 0;
        snprintf(detail, sizeof detail, "%s -> %s%s", trygg_status_name(it.status),
                 trygg_status_name(status), it.status == TRYGG_STATUS_CLOSED ? " (reopened)" : "");
    }
    sqlite3_stmt *s;
    err = trygg_st_prepare(st,
                           "UPDATE items SET status = ?1, close_reason = ?2, duplicate_of = ?3, "
                           "updated = ?4 WHERE id = ?5",
                           &s);
    if (!err) {
        trygg_st_bind_text(s, 1, trygg_status_name(status));
        trygg_st_bind_text(s, 2, trygg_close_reason_name(reason));
        if (duplicate_of > 0)
            sqlite3_bind_int64(s, 3, duplicate_of);
        else
            sqlite3_bind_null(s, 3);
        sqlite3_bind_int64(s, 4, trygg_st_now());
        sqlite3_bind_int64(s, 5, id);
        err = trygg_st_run(st, s, "set status");
    }
    if (!err)
        err = trygg_st_audit_add(st, id, actor, "status", detail);
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_suggest_duplicates(trygg_store *st, int64_t id, int days, trygg_view view,
                                          trygg_item *items, int max, int *n)
{
    *n = 0;
    trygg_item it;
    trygg_err err = trygg_store_get(st, id, &it);
    if (err)
        return err;
    if (max <= 0)
        return TRYGG_OK;
    sqlite3_stmt *s;
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM items i WHERE area = ?1 AND category = ?2 "
             "AND id <> ?3 AND created >= ?4 AND created <= ?5 AND purged = 0 "
             "ORDER BY created DESC, id DESC LIMIT ?6",
             item_cols(view));
    err = trygg_st_prepare(st, sql, &s);
    if (err)
        return err;
    int64_t span = (int64_t)(days < 0 ? 0 : days) * 86400;
    trygg_st_bind_text(s, 1, it.area);
    trygg_st_bind_text(s, 2, it.category);
    sqlite3_bind_int64(s, 3, id);
    sqlite3_bind_int64(s, 4, it.created - span);
    sqlite3_bind_int64(s, 5, it.created + span);
    sqlite3_bind_int(s, 6, max);
    return trygg_st_collect(st, s, items, sizeof *items, read_item, n, "suggest duplicates");
}

trygg_err trygg_sqlite_redact(trygg_store *st, int64_t id, const char *actor, const char *text,
                              const char *place)
{
    char t[2 * TRYGG_TEXT_MAX + 1], p[2 * TRYGG_NAME_MAX + 1];
    if (trygg_utf8_valid(text ? text : "", strlen(text ? text : "")) != 1 ||
        trygg_utf8_valid(place ? place : "", strlen(place ? place : "")) != 1 ||
        strlen(text ? text : "") > TRYGG_TEXT_MAX || strlen(place ? place : "") > TRYGG_NAME_MAX)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "redacted text too long or not UTF-8");
    shared_copy(text, t, sizeof t);
    shared_copy(place, p, sizeof p);
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_item it;
    err = trygg_store_get(st, id, &it);
    if (!err && it.purged)
        err = trygg_st_failf(st, TRYGG_ERR_STATE, "item is purged");
    sqlite3_stmt *s = NULL;
    if (!err)
        err =
            trygg_st_prepare(st,
                             "UPDATE items SET shared_text = ?1, shared_place = ?2, redacted = 1, "
                             "updated = ?3 WHERE id = ?4",
                             &s);
    if (!err) {
        trygg_st_bind_text(s, 1, t);
        trygg_st_bind_text(s, 2, p);
        sqlite3_bind_int64(s, 3, trygg_st_now());
        sqlite3_bind_int64(s, 4, id);
        err = trygg_st_run(st, s, "redact");
    }
    if (!err)
        err = trygg_st_audit_add(st, id, actor, "redact", "");
    return trygg_st_tx_end(st, err);
}

/* ---- Thread and audit ---------------------------------------------------- */

static const char *const dir_names[] = {"in", "out", "note"};

trygg_err trygg_st_audit_add(trygg_store *st, int64_t item_id, const char *actor,
                             const char *action, const char *detail)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(
        st, "INSERT INTO audit (item_id, actor, action, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, item_id);
    trygg_st_bind_text(s, 2, actor && *actor ? actor : "system");
    trygg_st_bind_text(s, 3, action);
    trygg_st_bind_text(s, 4, detail);
    sqlite3_bind_int64(s, 5, trygg_st_now());
    return trygg_st_run(st, s, "audit");
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

trygg_err trygg_sqlite_list_audit(trygg_store *st, int64_t item_id, trygg_audit *out, int max,
                                  int *n)
{
    *n = 0;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT id, item_id, actor, action, detail, at FROM audit "
                                     "WHERE item_id = ?1 ORDER BY id LIMIT ?2",
                                     &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, item_id);
    sqlite3_bind_int(s, 2, max < 0 ? 0 : max);
    int rc, count = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        trygg_audit *a = &out[count++];
        a->id = sqlite3_column_int64(s, 0);
        a->item_id = sqlite3_column_int64(s, 1);
        trygg_st_col_text(s, 2, a->actor, sizeof a->actor);
        trygg_st_col_text(s, 3, a->action, sizeof a->action);
        trygg_st_col_text(s, 4, a->detail, sizeof a->detail);
        a->at = sqlite3_column_int64(s, 5);
    }
    if (rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, "list audit");
    sqlite3_finalize(s);
    *n = err ? 0 : count;
    return err;
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
    if (audience != TRYGG_AUD_INTERNAL && audience != TRYGG_AUD_RECIPIENT)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "invalid message audience");
    trygg_err e = trygg_strset(buf, sizeof buf, text);
    if (e)
        return trygg_st_failf(st, e, "message text too long or not UTF-8");
    if (!text || !*text)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "empty message");
    if (audience == TRYGG_AUD_RECIPIENT)
        shared_copy(text, shared, sizeof shared);
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    trygg_item it;
    err = trygg_store_get(st, item_id, &it);
    sqlite3_stmt *s = NULL;
    int64_t now = trygg_st_now();
    if (!err)
        err = trygg_st_prepare(st,
                               "INSERT INTO messages (item_id, dir, author, text, created, "
                               "audience, shared_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                               &s);
    if (!err) {
        sqlite3_bind_int64(s, 1, item_id);
        trygg_st_bind_text(s, 2, dir_names[dir]);
        trygg_st_bind_text(s, 3, author);
        trygg_st_bind_text(s, 4, text);
        sqlite3_bind_int64(s, 5, now);
        trygg_st_bind_text(s, 6, audience == TRYGG_AUD_RECIPIENT ? "recipient" : "internal");
        trygg_st_bind_text(s, 7, shared);
        err = trygg_st_run(st, s, "add message");
    }
    if (!err && msg_id)
        *msg_id = sqlite3_last_insert_rowid(st->db);
    if (!err)
        err = touch_item(st, item_id);
    if (!err) {
        static const char *const actions[] = {"message", "reply", "note"};
        err = trygg_st_audit_add(st, item_id, author, actions[dir],
                                 audience == TRYGG_AUD_RECIPIENT ? "recipient" : "");
    }
    return trygg_st_tx_end(st, err);
}

trygg_err trygg_sqlite_list_messages(trygg_store *st, int64_t item_id, trygg_view view,
                                     trygg_message *out, int max, int *n)
{
    *n = 0;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(
        st,
        view == TRYGG_VIEW_FULL
            ? "SELECT id, item_id, dir, author, text, created, audience FROM messages "
              "WHERE item_id = ?1 ORDER BY id LIMIT ?2"
            : "SELECT id, item_id, dir, author, shared_text, created, audience FROM messages "
              "WHERE item_id = ?1 AND audience = 'recipient' ORDER BY id LIMIT ?2",
        &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, item_id);
    sqlite3_bind_int(s, 2, max < 0 ? 0 : max);
    int rc, count = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        trygg_message *m = &out[count++];
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
        m->audience = strcmp(dir, "recipient") == 0 ? TRYGG_AUD_RECIPIENT : TRYGG_AUD_INTERNAL;
    }
    if (rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, "list messages");
    sqlite3_finalize(s);
    *n = err ? 0 : count;
    return err;
}

/* ---- Retention ----------------------------------------------------------- */
/* Every table of the database has a rule here or holds no personal data;
 * the classification is kept in tests/shared/test_retention.c, which fails
 * for a table it does not know. Steps prefixed "table:" run only if that
 * side table exists (created by its module on open). The quarantine folder
 * of trygg-smsgw is emptied by the gateway itself (smsgw/gateway.c). */

trygg_err trygg_sqlite_purge(trygg_store *st, int64_t now, int *n)
{
    if (n)
        *n = 0;
    trygg_err err = trygg_st_tx_begin(st);
    if (err)
        return err;
    static const char *const steps[] = {
        "CREATE TEMP TABLE IF NOT EXISTS purge_ids (id INTEGER PRIMARY KEY)",
        "DELETE FROM purge_ids",
        "INSERT INTO purge_ids SELECT id FROM items WHERE purged = 0 AND purge_at <= ?1",
        "UPDATE messages SET text = '', shared_text = '' WHERE item_id IN "
        "(SELECT id FROM purge_ids)",
        "DELETE FROM sms_out WHERE item_id IN (SELECT id FROM purge_ids)",
        "DELETE FROM notify_out WHERE item_id IN (SELECT id FROM purge_ids)",
        "INSERT INTO audit (item_id, actor, action, detail, at) "
        "SELECT id, 'system', 'purge', 'retention', ?2 FROM purge_ids",
        "UPDATE items SET text = '', contact = '', place = '', sender = '', alias = '', "
        "shared_text = '', shared_place = '', when_date = '', purged = 1, updated = ?2 "
        "WHERE id IN (SELECT id FROM purge_ids)",
        /* Contacts with nothing left to answer and quiet for 30 days go too
         * (blocked ones stay, without their number, so the block holds). */
        "DELETE FROM contacts WHERE blocked = 0 AND last_seen <= ?2 - 30*86400 AND NOT EXISTS "
        "(SELECT 1 FROM items WHERE sender = contacts.pseudonym AND purged = 0)",
        "UPDATE contacts SET cipher = NULL WHERE blocked = 1 AND last_seen <= ?2 - 30*86400 "
        "AND NOT EXISTS (SELECT 1 FROM items WHERE sender = contacts.pseudonym AND purged = 0)",
        /* Replies not tied to an item (help, call answers, STOP) and
         * notifications without an item: 30 days. */
        "DELETE FROM sms_out WHERE item_id = 0 AND created <= ?2 - 30*86400",
        "DELETE FROM notify_out WHERE item_id = 0 AND created <= ?2 - 30*86400",
        /* Staff actions (audit, access log): 2 years. */
        "DELETE FROM audit WHERE at <= ?2 - 730*86400",
        "DELETE FROM access_log WHERE at <= ?2 - 730*86400",
        /* Used recovery codes are worthless and name when a user logged in. */
        "DELETE FROM user_recovery WHERE used_at > 0",
        /* Side tables created by their modules on open (may be missing). */
        "smsgw_inbound:DELETE FROM smsgw_inbound WHERE created <= ?2 - 7*86400 OR item_id IN "
        "(SELECT id FROM items WHERE purged = 1)",
        "smsgw_calls:DELETE FROM smsgw_calls WHERE at <= ?2 - 86400",
        "police_events:DELETE FROM police_events WHERE at <= ?2 - 400*86400",
        "report_uptime:DELETE FROM report_uptime WHERE last <= ?2 - 400*86400",
    };
    int purged = 0;
    for (size_t i = 0; !err && i < sizeof steps / sizeof steps[0]; i++) {
        const char *sql = steps[i];
        const char *colon = strchr(sql, ':');
        if (colon && colon - sql < 40 && strchr(sql, ' ') > colon) {
            char table[40];
            snprintf(table, sizeof table, "%.*s", (int)(colon - sql), sql);
            sql = colon + 1;
            sqlite3_stmt *q;
            err = trygg_st_prepare(
                st, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", &q);
            if (err)
                break;
            trygg_st_bind_text(q, 1, table);
            int rc = sqlite3_step(q);
            sqlite3_finalize(q);
            if (rc == SQLITE_DONE)
                continue;
            if (rc != SQLITE_ROW) {
                err = trygg_st_fail(st, rc, "purge side table");
                break;
            }
        }
        sqlite3_stmt *s;
        err = trygg_st_prepare(st, sql, &s);
        if (err)
            break;
        int np = sqlite3_bind_parameter_count(s);
        if (np >= 1)
            sqlite3_bind_int64(s, 1, now);
        if (np >= 2)
            sqlite3_bind_int64(s, 2, now);
        err = trygg_st_run(st, s, "purge");
        if (!err && i == 2)
            purged = sqlite3_changes(st->db);
    }
    err = trygg_st_tx_end(st, err);
    if (!err && n)
        *n = purged;
    return err;
}

/* ---- Counting ------------------------------------------------------------ */

trygg_err trygg_sqlite_count(trygg_store *st, const trygg_filter *f, const char *group,
                             trygg_count_cb cb, void *ctx)
{
    static const struct {
        const char *name;
        const char *expr;
    } groups[] = {
        {"kind", "i.kind"},
        {"category", "i.category"},
        {"area", "i.area"},
        {"channel", "i.channel"},
        {"status", "i.status"},
        {"kind_category", "i.kind || '/' || i.category"},
        /* In the configured zone (store_sqlite.c registers these). */
        {"weekday_band", "trygg_local_band(i.created)"},
        {"day", "trygg_local_day(i.created)"},
    };
    const char *expr = NULL;
    for (size_t i = 0; group && i < sizeof groups / sizeof groups[0]; i++)
        if (strcmp(group, groups[i].name) == 0)
            expr = groups[i].expr;
    if (!expr)
        return trygg_st_failf(st, TRYGG_ERR_INVALID, "unknown grouping '%s'", group ? group : "");
    if (view_check(st, f))
        return TRYGG_ERR_INVALID;
    sqlbuf b;
    memset(&b, 0, offsetof(sqlbuf, bind));
    char fts[600];
    sb_add(&b, "SELECT ");
    sb_add(&b, expr);
    sb_add(&b, " AS k, count(*) FROM items i WHERE 1");
    filter_where(&b, f, fts, sizeof fts, NULL);
    sb_add(&b, " GROUP BY k ORDER BY k");
    if (b.overflow)
        return trygg_st_failf(st, TRYGG_ERR_TOOBIG, "filter too large");
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, b.sql, &s);
    if (err)
        return err;
    sb_bind(&b, s);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(s, 0);
        if (cb(ctx, k ? k : "", sqlite3_column_int64(s, 1)) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, "count");
    sqlite3_finalize(s);
    return err;
}

/* ---- Destination and call-back number ---------------------------------------- */

trygg_err trygg_sqlite_set_destination(trygg_store *st, int64_t id, const char *actor,
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

trygg_err trygg_sqlite_set_callback_number(trygg_store *st, int64_t id, const char *actor,
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
