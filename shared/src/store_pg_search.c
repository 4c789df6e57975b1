/*
 * store_pg_search.c — items on PostgreSQL: the filtered keyset listing, the
 * store's query language on the tsvector columns, status counts, duplicate
 * suggestions and the grouped counts behind the situation picture.
 *
 * The query language (docs/store.md, "Search") is translated without ever
 * handing user input to the tsquery parser: a whole word goes through
 * plainto_tsquery (no syntax at all), a prefix term `cyk*` through
 * to_tsvector (the same folding as the stored columns) whose lexemes are
 * quoted and marked as prefixes in SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_common.h"
#include "store_pg_items.h"
#include "trygg/copy.h"
#include "trygg/time.h"

/* ---- A statement under construction -------------------------------------- */

#define MAX_PARAMS 48
#define MAX_TERMS  16

typedef struct sqlbuf {
    char sql[4096];
    size_t len;
    int overflow;
    int n;
    trygg_sql_val v[MAX_PARAMS];
} sqlbuf;

/* Appends `s`, each '?' in it becoming the next parameter $k, whose value
 * is taken from vals in order. */
static void sb_put(sqlbuf *b, const char *s, const trygg_sql_val *vals, int nvals)
{
    int used = 0;
    for (const char *p = s; *p && !b->overflow; p++) {
        char piece[16];
        size_t k = 1;
        piece[0] = *p;
        if (*p == '?') {
            if (used >= nvals || b->n >= MAX_PARAMS) {
                b->overflow = 1;
                break;
            }
            b->v[b->n++] = vals[used++];
            k = (size_t)snprintf(piece, sizeof piece, "$%d", b->n);
        }
        if (b->len + k + 1 > sizeof b->sql) {
            b->overflow = 1;
            break;
        }
        memcpy(b->sql + b->len, piece, k);
        b->len += k;
        b->sql[b->len] = '\0';
    }
}

static void sb_add(sqlbuf *b, const char *s)
{
    sb_put(b, s, NULL, 0);
}

static void sb_text(sqlbuf *b, const char *cond, const char *v)
{
    trygg_sql_val x = TRYGG_SQL_TEXT(v);
    sb_put(b, cond, &x, 1);
}

static void sb_num(sqlbuf *b, const char *cond, int64_t v)
{
    trygg_sql_val x = TRYGG_SQL_INT(v);
    sb_put(b, cond, &x, 1);
}

static trygg_sql_args sb_args(const sqlbuf *b)
{
    return (trygg_sql_args){b->v, b->n};
}

/* ---- The query language ------------------------------------------------- */

/* A prefix term's tsquery: every lexeme to_tsvector makes of it, quoted for
 * the tsquery input (quotes and backslashes doubled) and marked `:*`, all
 * required. NULL (nothing matches) when the term has no lexemes. */
#define PREFIX_TSQUERY(param)                                                                      \
    "(SELECT string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || "          \
    "''':*', ' & ') FROM unnest(to_tsvector('trygg_sv', " param ")))::tsquery"

/* Appends one condition per whitespace-separated term of `in` (at most
 * MAX_TERMS), on the tsvector of `view`. terms[] holds the split copy the
 * parameters point into. */
static void query_where(sqlbuf *b, const char *in, trygg_view view, const char *alias, char *terms,
                        size_t cap)
{
    char col[32];
    snprintf(col, sizeof col, "%s.%s", alias, view == TRYGG_VIEW_FULL ? "fts" : "shared_fts");
    trygg_copy_trunc(terms, cap, in);
    char *p = terms;
    for (int count = 0; *p && count < MAX_TERMS; count++) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        char *start = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
        size_t len = (size_t)(p - start);
        if (*p)
            *p++ = '\0';
        int prefix = len > 1 && start[len - 1] == '*';
        if (prefix)
            start[len - 1] = '\0';
        char cond[512];
        snprintf(cond, sizeof cond, " AND %s @@ %s", col,
                 prefix ? "(" PREFIX_TSQUERY("?") ")" : "plainto_tsquery('trygg_sv', ?)");
        sb_text(b, cond, start);
    }
}

/* Appends the filter's conditions (" AND ...") for table alias "i", the
 * search on the columns of alias `fts_alias` ("i", or "u" for items_urgent);
 * `terms` (cap bytes) holds the search terms the parameters point into. */
static void filter_where(sqlbuf *b, const trygg_filter *f, const char *fts_alias, char *terms,
                         size_t cap)
{
    if (!f)
        return;
    if (f->status >= 0 && f->status < TRYGG_STATUS_COUNT)
        sb_text(b, " AND i.status = ?", trygg_status_name((trygg_status)f->status));
    if (f->kind >= 0 && f->kind < TRYGG_KIND_COUNT)
        sb_text(b, " AND i.kind = ?", trygg_kind_name((trygg_kind)f->kind));
    if (f->channel >= 0 && f->channel < TRYGG_CHANNEL_COUNT)
        sb_text(b, " AND i.channel = ?", trygg_channel_name((trygg_channel)f->channel));
    /* Every row of items_urgent ("u") is urgent; the urgent part never
     * runs for f->urgent == 0. */
    if ((f->urgent == 0 || f->urgent == 1) && strcmp(fts_alias, "u") != 0)
        sb_num(b, " AND i.urgent = ?::int::boolean", f->urgent);
    if (f->open_only)
        sb_add(b, " AND i.status <> 'closed'");
    if (f->category[0])
        sb_text(b, " AND i.category = ?", f->category);
    if (f->area[0])
        sb_text(b, " AND i.area = ?", f->area);
    if (f->destination[0] && f->with_copies) {
        trygg_sql_val d[2] = {TRYGG_SQL_TEXT(f->destination), TRYGG_SQL_TEXT(f->destination)};
        sb_put(b, " AND (i.destination = ? OR i.copy_to = ?)", d, 2);
    } else if (f->destination[0]) {
        sb_text(b, " AND i.destination = ?", f->destination);
    }
    if (f->sender[0])
        sb_text(b, " AND i.sender = ?", f->sender);
    if (f->from)
        sb_num(b, " AND i.created >= " PG_TS("?"), f->from);
    if (f->to)
        sb_num(b, " AND i.created < " PG_TS("?"), f->to);
    if (f->assignee[0])
        sb_text(b, " AND i.assignee = ?", f->assignee);
    if (f->due_before > 0)
        sb_num(b, " AND i.status <> 'closed' AND i.due_at > 'epoch' AND i.due_at <= " PG_TS("?"),
               f->due_before);
    /* The shared view searches only the recipients' copy: a scrubbed word
     * is not in that column, so no query (prefix or whole) finds it. */
    if (f->query[0])
        query_where(b, f->query, f->view, fts_alias, terms, cap);
}

/* The shared view cannot filter on what it does not show. */
static trygg_err view_check(trygg_store *st, const trygg_filter *f)
{
    if (f && f->view != TRYGG_VIEW_FULL && f->view != TRYGG_VIEW_SHARED)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "unknown view");
    if (f && f->view == TRYGG_VIEW_SHARED && f->sender[0])
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "the shared view has no sender filter");
    return TRYGG_OK;
}

/* ---- Listing ------------------------------------------------------------- */

/* Which rows one statement of a listing reads. A search is listed in two
 * parts, urgent items first (the listing's order), each a statement of its
 * own: the urgent part from items_urgent (schema v25), the narrow copy of
 * the 1 % urgent items' search columns, so that finding the newest urgent
 * matches never reads one page of items per urgent item; the rest from
 * items with NOT urgent, whose rows lie in the order they were filed.
 * A search with other filters too is one statement on items, as before
 * v25 (the filters narrow the walk of the order indexes; joined to
 * items_urgent the planner hashed every open item: 100 ms at 10M). */
enum part { PART_ALL, PART_URGENT, PART_OTHER };

/* Whether f asks for nothing but a search (in either view). */
static int query_only(const trygg_filter *f)
{
    return f->status < 0 && f->kind < 0 && f->channel < 0 && f->urgent != 0 && !f->open_only &&
           !f->category[0] && !f->area[0] && !f->destination[0] && !f->sender[0] && !f->from &&
           !f->to && !f->assignee[0] && f->due_before <= 0;
}

/* The cursor's condition in the urgent part (a cursor past the urgent
 * items never reaches it). */
static void urgent_after(sqlbuf *b, const trygg_cursor *after)
{
    if (after && after->valid) {
        trygg_sql_val k[2] = {TRYGG_SQL_INT(after->created), TRYGG_SQL_INT(after->id)};
        sb_put(b, " AND (u.created, u.id) < (" PG_TS("?") ", ?::bigint)", k, 2);
    }
}

/* Builds the statement of `part` into b, at most `limit` rows. */
static void list_sql(sqlbuf *b, const trygg_filter *f, const trygg_cursor *after, enum part part,
                     int64_t limit, char *terms, size_t cap)
{
    sb_add(b, "SELECT ");
    sb_add(b, trygg_pg_item_cols(f ? f->view : TRYGG_VIEW_SHARED));
    if (part == PART_URGENT) {
        /* The page is chosen in items_urgent alone, and only its rows are
         * read from items, whatever the plan inside. */
        sb_add(b, " FROM (SELECT u.id, u.created FROM items_urgent u WHERE true");
        filter_where(b, f, "u", terms, cap);
        urgent_after(b, after);
        sb_num(b,
               " ORDER BY u.created DESC, u.id DESC LIMIT ?) u JOIN items i ON i.id = u.id"
               " ORDER BY u.created DESC, u.id DESC",
               limit);
        return;
    }
    sb_add(b, part == PART_OTHER ? " FROM items i WHERE NOT i.urgent" : " FROM items i WHERE true");
    filter_where(b, f, "i", terms, cap);
    if (after && after->valid && !(part == PART_OTHER && after->urgent)) {
        trygg_sql_val k[3] = {TRYGG_SQL_INT(after->urgent ? 1 : 0), TRYGG_SQL_INT(after->created),
                              TRYGG_SQL_INT(after->id)};
        sb_put(b, " AND (i.urgent, i.created, i.id) < (?::int::boolean, " PG_TS("?") ", ?::bigint)",
               k, 3);
    }
    sb_num(b, " ORDER BY i.urgent DESC, i.created DESC, i.id DESC LIMIT ?", limit);
}

/* Runs the statement of `part` for up to `limit` more rows, read into
 * items[*have...] while they fit in `max`; *have counts every row (one more
 * than max says a next page exists). */
static trygg_err list_part(trygg_store *st, const trygg_filter *f, const trygg_cursor *after,
                           enum part part, int64_t limit, trygg_item *items, int max, int *have)
{
    sqlbuf *b = calloc(1, sizeof *b);
    if (!b)
        return trygg_pg_failf(st, TRYGG_ERR_NOMEM, "list items: out of memory");
    char terms[sizeof f->query];
    list_sql(b, f, after, part, limit, terms, sizeof terms);
    if (b->overflow) {
        free(b);
        return trygg_pg_failf(st, TRYGG_ERR_TOOBIG, "filter too large");
    }
    PGresult *r;
    trygg_err err = trygg_pg_query(st, b->sql, sb_args(b), &r, "list items");
    free(b);
    if (err)
        return err;
    for (int i = 0; !err && i < PQntuples(r); i++, (*have)++)
        if (*have < max)
            err = trygg_pg_read_item(st, r, i, &items[*have]);
    PQclear(r);
    return err;
}

trygg_err trygg_pg_list(trygg_store *st, const trygg_filter *f, const trygg_cursor *after,
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
    /* One more than asked tells whether a next page exists. */
    int64_t want = (int64_t)max + 1;
    int have = 0;
    if (!f || !f->query[0] || !query_only(f)) {
        err = list_part(st, f, after, PART_ALL, want, items, max, &have);
    } else {                                            /* (query_only: f->urgent is -1 or 1) */
        if (!(after && after->valid && !after->urgent)) /* the cursor is past the urgent part */
            err = list_part(st, f, after, PART_URGENT, want, items, max, &have);
        if (!err && have < want && f->urgent != 1)
            err = list_part(st, f, after, PART_OTHER, want - have, items, max, &have);
    }
    if (err)
        return err;
    int count = have > max ? max : have;
    if (have > max && next) {
        const trygg_item *last = &items[max - 1];
        next->valid = 1;
        next->urgent = last->urgent;
        next->created = last->created;
        next->id = last->id;
    }
    *n = count;
    return TRYGG_OK;
}

/* ---- Grouped counts ------------------------------------------------------ */

/* Runs "SELECT (<expr>)<collate> AS k, count(*) ... GROUP BY k ORDER BY k"
 * over the items matching f; *out gets the result (PQclear it). Text keys
 * are ordered bytewise (collate ` COLLATE "C"`), as SQLite does, whatever
 * the database's collation. */
static trygg_err group_query(trygg_store *st, const trygg_filter *f, const char *expr,
                             const char *collate, PGresult **out, const char *what)
{
    *out = NULL;
    if (view_check(st, f))
        return TRYGG_ERR_INVALID;
    sqlbuf *b = calloc(1, sizeof *b);
    if (!b)
        return trygg_pg_failf(st, TRYGG_ERR_NOMEM, "%s: out of memory", what);
    char terms[sizeof f->query];
    sb_add(b, "SELECT ");
    sb_add(b, "(");
    sb_add(b, expr);
    sb_add(b, ")");
    sb_add(b, collate);
    sb_add(b, " AS k, count(*) FROM items i WHERE true");
    filter_where(b, f, "i", terms, sizeof terms);
    sb_add(b, " GROUP BY k ORDER BY k");
    trygg_err err = b->overflow ? trygg_pg_failf(st, TRYGG_ERR_TOOBIG, "filter too large")
                                : trygg_pg_query(st, b->sql, sb_args(b), out, what);
    free(b);
    return err;
}

/* Calls cb for each group of f by `expr` (in order) until it returns
 * non-zero. */
static trygg_err count_groups(trygg_store *st, const trygg_filter *f, const char *expr,
                              trygg_count_cb cb, void *ctx, const char *what)
{
    PGresult *r;
    trygg_err err = group_query(st, f, expr, " COLLATE \"C\"", &r, what);
    if (err)
        return err;
    char key[512];
    for (int i = 0; i < PQntuples(r); i++) {
        trygg_pg_col_text(r, i, 0, key, sizeof key);
        if (cb(ctx, key, trygg_pg_col_int(r, i, 1)) != 0)
            break;
    }
    PQclear(r);
    return TRYGG_OK;
}

trygg_err trygg_pg_count_by_status(trygg_store *st, const trygg_filter *f,
                                   int64_t counts[TRYGG_STATUS_COUNT])
{
    memset(counts, 0, sizeof(int64_t) * TRYGG_STATUS_COUNT);
    trygg_filter g;
    if (f) {
        g = *f;
        g.status = -1;
    }
    trygg_stc_status_counts c = {counts, 0};
    trygg_err err =
        count_groups(st, f ? &g : NULL, "i.status", trygg_stc_status_count, &c, "count items");
    if (!err && c.corrupt)
        err = trygg_pg_failf(st, TRYGG_ERR_DB, "corrupt item rows: unknown status");
    return err;
}

/* Local time is applied in C (trygg/time.h), as with SQLite: the items are
 * counted per quarter of an hour in SQL (every zone's offset is a whole
 * number of quarters), and each quarter is named in the configured zone. */
#define QUARTER 900

typedef struct local_group {
    char key[32];
    int64_t count;
} local_group;

static int group_cmp(const void *a, const void *b)
{
    return strcmp(((const local_group *)a)->key, ((const local_group *)b)->key);
}

static void local_key(int64_t utc, int band, char *out, size_t cap)
{
    static const char *const days[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    static const char *const bands[4] = {"night", "morning", "afternoon", "evening"};
    trygg_tm t;
    trygg_time_local(utc, &t);
    if (band)
        snprintf(out, cap, "%s/%s", days[t.wday % 7], bands[(t.hour / 6) % 4]);
    else
        snprintf(out, cap, "%04d-%02d-%02d", t.year, t.month, t.day);
}

static trygg_err count_local(trygg_store *st, const trygg_filter *f, int band, trygg_count_cb cb,
                             void *ctx)
{
    PGresult *r;
    trygg_err err =
        group_query(st, f, "floor(extract(epoch from i.created) / 900)::bigint", "", &r, "count");
    if (err)
        return err;
    int rows = PQntuples(r), n = 0;
    local_group *g = calloc((size_t)rows + 1, sizeof *g);
    if (!g) {
        PQclear(r);
        return trygg_pg_failf(st, TRYGG_ERR_NOMEM, "count: out of memory");
    }
    for (int i = 0; i < rows; i++) {
        char key[32];
        local_key(trygg_pg_col_int(r, i, 0) * QUARTER, band, key, sizeof key);
        int at = 0;
        while (at < n && strcmp(g[at].key, key) != 0)
            at++;
        if (at == n)
            trygg_copy_trunc(g[n++].key, sizeof g->key, key);
        g[at].count += trygg_pg_col_int(r, i, 1);
    }
    PQclear(r);
    qsort(g, (size_t)n, sizeof *g, group_cmp);
    for (int i = 0; i < n; i++)
        if (cb(ctx, g[i].key, g[i].count) != 0)
            break;
    free(g);
    return TRYGG_OK;
}

trygg_err trygg_pg_count(trygg_store *st, const trygg_filter *f, const char *group,
                         trygg_count_cb cb, void *ctx)
{
    static const struct {
        const char *name;
        const char *expr;
    } groups[] = {
        {"kind", "i.kind"},     {"category", "i.category"},
        {"area", "i.area"},     {"channel", "i.channel"},
        {"status", "i.status"}, {"kind_category", "i.kind || '/' || i.category"},
    };
    if (group && strcmp(group, "weekday_band") == 0)
        return count_local(st, f, 1, cb, ctx);
    if (group && strcmp(group, "day") == 0)
        return count_local(st, f, 0, cb, ctx);
    const char *expr = NULL;
    for (size_t i = 0; group && i < sizeof groups / sizeof groups[0]; i++)
        if (strcmp(group, groups[i].name) == 0)
            expr = groups[i].expr;
    if (!expr)
        return trygg_pg_failf(st, TRYGG_ERR_INVALID, "unknown grouping '%s'", group ? group : "");
    return count_groups(st, f, expr, cb, ctx, "count");
}

/* ---- Duplicate suggestions ------------------------------------------------ */

trygg_err trygg_pg_suggest_duplicates(trygg_store *st, int64_t id, int days, trygg_view view,
                                      trygg_item *items, int max, int *n)
{
    *n = 0;
    trygg_item it;
    trygg_err err = trygg_pg_get(st, id, &it);
    if (err)
        return err;
    if (max <= 0)
        return TRYGG_OK;
    char sql[2048];
    snprintf(sql, sizeof sql,
             "SELECT %s FROM items i WHERE i.area = $1 AND i.category = $2 AND i.id <> $3 "
             "AND i.created >= " PG_TS("$4") " AND i.created <= " PG_TS(
                 "$5") " AND NOT i.purged AND i.close_reason <> 'duplicate' "
                       "ORDER BY i.created DESC, i.id DESC LIMIT $6",
             trygg_pg_item_cols(view));
    int64_t span = (int64_t)(days < 0 ? 0 : days) * 86400;
    return trygg_pg_items(st, sql,
                          TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(it.area), TRYGG_SQL_TEXT(it.category),
                                         TRYGG_SQL_INT(id), TRYGG_SQL_INT(it.created - span),
                                         TRYGG_SQL_INT(it.created + span), TRYGG_SQL_INT(max)),
                          items, max, n, "suggest duplicates");
}
