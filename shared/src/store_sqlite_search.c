/*
 * store_sqlite_search.c — filtered keyset listing, the full-text search
 * planner, status counts, duplicate suggestions and the grouped counts behind
 * the situation picture and /metrics.
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

/* Adds `cond` and the value of its one parameter: text when is_text, else num. */
static void sb_param(sqlbuf *b, const char *cond, int is_text, const char *text, int64_t num)
{
    if (b->nbind >= MAX_BINDS) {
        b->overflow = 1;
        return;
    }
    sb_add(b, cond);
    b->bind[b->nbind].is_text = is_text;
    b->bind[b->nbind].text = text;
    b->bind[b->nbind].num = num;
    b->nbind++;
}

static void sb_text(sqlbuf *b, const char *cond, const char *v)
{
    sb_param(b, cond, 1, v, 0);
}

static void sb_num(sqlbuf *b, const char *cond, int64_t v)
{
    sb_param(b, cond, 0, NULL, v);
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

/* Prepares the built statement with its parameters bound; TRYGG_ERR_TOOBIG
 * when it did not fit. */
static trygg_err sb_prepare(trygg_store *st, const sqlbuf *b, sqlite3_stmt **s)
{
    if (b->overflow)
        return trygg_st_failf(st, TRYGG_ERR_TOOBIG, "filter too large");
    trygg_err err = trygg_st_prepare(st, b->sql, s);
    if (!err)
        sb_bind(b, *s);
    return err;
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
    if (f->destination[0] && f->with_copies) {
        sb_text(b, " AND (i.destination = ?", f->destination);
        sb_text(b, " OR i.copy_to = ?)", f->destination);
    } else if (f->destination[0]) {
        sb_text(b, " AND i.destination = ?", f->destination);
    }
    if (f->sender[0])
        sb_text(b, " AND i.sender = ?", f->sender);
    if (f->from)
        sb_num(b, " AND i.created >= ?", f->from);
    if (f->to)
        sb_num(b, " AND i.created < ?", f->to);
    if (f->assignee[0])
        sb_text(b, " AND i.assignee = ?", f->assignee);
    if (f->due_before > 0)
        sb_num(b, " AND i.status <> 'closed' AND i.due_at > 0 AND i.due_at <= ?", f->due_before);
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
    sb_add(bp, trygg_st_item_cols(f ? f->view : TRYGG_VIEW_SHARED));
    sb_add(bp, " FROM items i WHERE 1");
    filter_where(bp, f, fts, sizeof fts, st);
    if (after && after->valid) {
        sb_num(bp, " AND (i.urgent, i.created, i.id) < (?,", after->urgent ? 1 : 0);
        sb_num(bp, " ?,", after->created);
        sb_num(bp, " ?)", after->id);
    }
    /* One more than asked tells whether a next page exists. */
    sb_num(bp, " ORDER BY i.urgent DESC, i.created DESC, i.id DESC LIMIT ?", max + 1);
    sqlite3_stmt *s;
    err = sb_prepare(st, bp, &s);
    if (err)
        return err;
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
        err = trygg_st_read_item(st, s, &items[count++]);
        if (err)
            break;
    }
    if (!err && rc != SQLITE_ROW && rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, "list items");
    sqlite3_finalize(s);
    *n = err ? 0 : count;
    return err;
}

/* Counts the items matching f per value of the SQL expression `expr`
 * (in order), calling cb(ctx, value, count) until it returns non-zero. */
static trygg_err count_groups(trygg_store *st, const trygg_filter *f, const char *expr,
                              trygg_count_cb cb, void *ctx, const char *what)
{
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
    sqlite3_stmt *s;
    trygg_err err = sb_prepare(st, &b, &s);
    if (err)
        return err;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(s, 0);
        if (cb(ctx, k ? k : "", sqlite3_column_int64(s, 1)) != 0) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, what);
    sqlite3_finalize(s);
    return err;
}

trygg_err trygg_sqlite_count_by_status(trygg_store *st, const trygg_filter *f,
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
        err = trygg_st_failf(st, TRYGG_ERR_DB, "corrupt item rows: unknown status");
    return err;
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
             "AND close_reason <> 'duplicate' "
             "ORDER BY created DESC, id DESC LIMIT ?6",
             trygg_st_item_cols(view));
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
    int rc = SQLITE_DONE, count = 0;
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW)
        err = trygg_st_read_item(st, s, &items[count++]);
    if (!err && rc != SQLITE_DONE)
        err = trygg_st_fail(st, rc, "suggest duplicates");
    sqlite3_finalize(s);
    *n = err ? 0 : count;
    return err;
}

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
    return count_groups(st, f, expr, cb, ctx, "count");
}
