/*
 * store_sqlite_report.c — the SQL side of the weekly situation picture: the
 * report's own database objects and one build pass over a week.
 *
 * The objects it reads (created by schema step v6, shared/schema/sqlite/v6.sql):
 * the covering index report_items_scan_v3 for the 13-week scan (v9.sql),
 * report_audit_status for the time to close, report_uptime and report_meta
 * (availability history, filled by triggers), and the per-week cache
 * report_week_done / report_week_counts of complete past weeks, so a report
 * scans only its own week and reads 12 small cached sets; triggers on items
 * drop a week's cache whenever an item of it changes, so it is never stale.
 *
 * Build: one query over the 13 weeks (report week + 12 before) through the
 * covering index fills every dimension; one query over the report week adds
 * what needs the row (status, urgency, place, time to close). The rows are
 * counted by the engine-neutral half, store_report_common.c.
 */
#include "store_report_common.h"
#include "store_sqlite_internal.h"
#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/report.h"
#include "trygg/police_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static trygg_rb_text col(sqlite3_stmt *s, int i)
{
    const char *v = (const char *)sqlite3_column_text(s, i);
    return (trygg_rb_text){v ? v : "", (size_t)sqlite3_column_bytes(s, i)};
}

/* One pass over the 13 weeks through the covering index. For the report
 * week it also collects status, urgency, place and the close time (the
 * last status change of a closed item is its close). */
static trygg_err scan(trygg_store *st, trygg_report *r, trygg_rb *b, int64_t from, int64_t to)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(
        st,
        "SELECT i.created, i.kind, i.category, i.area, i.channel, i.source, i.status, i.urgent,"
        " i.shared_place," /* the recipients' copy: the report is shared outside the
                              security department */
        " CASE WHEN i.created >= ?3 AND i.status = 'closed' THEN (SELECT max(a.at) FROM audit a"
        "  INDEXED BY report_audit_status WHERE a.item_id = i.id AND a.action = 'status') END"
        " FROM items i INDEXED BY report_items_scan_v3 WHERE i.created >= ?1 AND i.created < ?2"
        " AND " TRYGG_RB_COUNTED("i."),
        &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to);
    sqlite3_bind_int64(s, 3, r->week.start);
    int rc;
    while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        trygg_rb_item it = {.created = sqlite3_column_int64(s, 0),
                            .kind = col(s, 1),
                            .category = col(s, 2),
                            .area = col(s, 3),
                            .channel = col(s, 4),
                            .source = col(s, 5),
                            .status = col(s, 6),
                            .urgent = sqlite3_column_int(s, 7),
                            .place = col(s, 8),
                            .has_close = sqlite3_column_type(s, 9) != SQLITE_NULL,
                            .close_at = sqlite3_column_int64(s, 9)};
        err = trygg_rb_item_add(b, r, &it);
    }
    sqlite3_finalize(s);
    if (err)
        return err;
    if (rc != SQLITE_DONE)
        return trygg_st_fail(st, rc, "report scan");
    if (to == r->week.end) /* the report week: per-item figures */
        trygg_rb_week_done(b, r);
    return TRYGG_OK;
}

/* ---- Week cache --------------------------------------------------------------- */

/* Counts of complete week *w into the cache, in its own write transaction. */
static trygg_err cache_fill(trygg_store *st, const trygg_week *w, int64_t now)
{
    static const char *const fill[] = {
        "DELETE FROM report_week_counts WHERE week_start = ?1",
        "INSERT INTO report_week_counts(week_start, dim, key, n) SELECT ?1, 0, kind, count(*)"
        " FROM items INDEXED BY report_items_scan_v3 WHERE created >= ?1 AND created < ?2"
        " AND " TRYGG_RB_COUNTED("") " GROUP BY kind",
        "INSERT INTO report_week_counts(week_start, dim, key, n) SELECT ?1, 1,"
        " kind || '/' || category, count(*) FROM items INDEXED BY report_items_scan_v3"
        " WHERE created >= ?1 AND created < ?2 AND " TRYGG_RB_COUNTED("") " GROUP BY 3",
        "INSERT INTO report_week_counts(week_start, dim, key, n) SELECT ?1, 2, area, count(*)"
        " FROM items INDEXED BY report_items_scan_v3 WHERE created >= ?1 AND created < ?2"
        " AND " TRYGG_RB_COUNTED("") " GROUP BY area",
        "INSERT INTO report_week_counts(week_start, dim, key, n) SELECT ?1, 4, channel,"
        " count(*) FROM items INDEXED BY report_items_scan_v3 WHERE created >= ?1"
        " AND created < ?2 AND " TRYGG_RB_COUNTED("") " GROUP BY channel",
        "INSERT INTO report_week_counts(week_start, dim, key, n) SELECT ?1, 5, source,"
        " count(*) FROM items INDEXED BY report_items_scan_v3 WHERE created >= ?1"
        " AND created < ?2 AND " TRYGG_RB_COUNTED("") " GROUP BY source",
        "INSERT OR REPLACE INTO report_week_done(week_start, week_end, total, computed)"
        " SELECT ?1, ?2, count(*), ?3 FROM items INDEXED BY report_items_scan_v3"
        " WHERE created >= ?1 AND created < ?2 AND " TRYGG_RB_COUNTED(""),
    };
    trygg_err err = trygg_st_tx_begin(st);
    for (size_t i = 0; !err && i < sizeof fill / sizeof fill[0]; i++) {
        sqlite3_stmt *s;
        err = trygg_st_prepare(st, fill[i], &s);
        if (err)
            break;
        sqlite3_bind_int64(s, 1, w->start);
        if (sqlite3_bind_parameter_count(s) >= 2)
            sqlite3_bind_int64(s, 2, w->end);
        if (sqlite3_bind_parameter_count(s) >= 3)
            sqlite3_bind_int64(s, 3, now);
        err = trygg_st_run(st, s, "report cache");
    }
    return trygg_st_tx_end(st, err);
}

static int cache_has(trygg_store *st, const trygg_week *w)
{
    sqlite3_stmt *s;
    if (trygg_st_prepare(
            st, "SELECT 1 FROM report_week_done WHERE week_start = ?1 AND week_end = ?2", &s))
        return 0;
    sqlite3_bind_int64(s, 1, w->start);
    sqlite3_bind_int64(s, 2, w->end);
    int hit = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return hit;
}

/* Adds history week w from the cache; *hit = 0 if it is not cached. */
static trygg_err cache_load(trygg_store *st, trygg_report *r, trygg_rb *b, int w, int *hit)
{
    *hit = 0;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(
        st, "SELECT total FROM report_week_done WHERE week_start = ?1 AND week_end = ?2", &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, r->weeks[w].start);
    sqlite3_bind_int64(s, 2, r->weeks[w].end);
    if (sqlite3_step(s) == SQLITE_ROW) {
        r->total[w] = sqlite3_column_int64(s, 0);
        *hit = 1;
    }
    sqlite3_finalize(s);
    if (!*hit)
        return TRYGG_OK;
    err = trygg_st_prepare(st, "SELECT dim, key, n FROM report_week_counts WHERE week_start = ?1",
                           &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, r->weeks[w].start);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        trygg_rb_cached(b, r, w, sqlite3_column_int(s, 0), col(s, 1), sqlite3_column_int64(s, 2));
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return trygg_st_fail(st, rc, "report cache load");
    return TRYGG_OK;
}

/* The urgent items of the report week (few: a plain index range + rows). */
static trygg_err scan_urgent(trygg_store *st, trygg_report *r)
{
    if (r->urgent == 0)
        return TRYGG_OK;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(
        st,
        "SELECT ref, created, kind, category, area, status"
        " FROM items INDEXED BY report_items_scan_v3"
        " WHERE created >= ?1 AND created < ?2 AND urgent = 1 AND " TRYGG_RB_COUNTED(
            "") " ORDER BY created LIMIT ?3",
        &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, r->week.start);
    sqlite3_bind_int64(s, 2, r->week.end);
    sqlite3_bind_int(s, 3, TRYGG_REPORT_URGENT);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && r->nurgent_list < TRYGG_REPORT_URGENT) {
        trygg_report_urgent *u = &r->urgent_list[r->nurgent_list++];
        char kind_s[32], status_s[32];
        trygg_st_col_text(s, 0, u->ref, sizeof u->ref);
        u->created = sqlite3_column_int64(s, 1);
        trygg_st_col_text(s, 2, kind_s, sizeof kind_s);
        trygg_st_col_text(s, 3, u->category, sizeof u->category);
        trygg_st_col_text(s, 4, u->area, sizeof u->area);
        trygg_st_col_text(s, 5, status_s, sizeof status_s);
        /* A name this program does not know is a corrupt row. */
        if (trygg_kind_parse(kind_s, &u->kind) != TRYGG_OK ||
            trygg_status_parse(status_s, &u->status) != TRYGG_OK) {
            err = trygg_st_failf(st, TRYGG_ERR_DB, "corrupt urgent item %s: unknown kind or status",
                                 u->ref);
            break;
        }
    }
    sqlite3_finalize(s);
    if (err)
        return err;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return trygg_st_fail(st, rc, "report urgent");
    return TRYGG_OK;
}

/* Seconds of [from, to) not covered by the component's intervals
 * [first, last + grace); *longest gets the longest uncovered stretch. */
static trygg_err offline_time(trygg_store *st, const char *component, int64_t from, int64_t to,
                              int64_t *offline, int64_t *longest)
{
    *offline = 0;
    *longest = 0;
    if (to <= from)
        return TRYGG_OK;
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st,
                                     "SELECT first, last FROM report_uptime WHERE component = ?1"
                                     " AND last >= ?2 AND first < ?3 ORDER BY first",
                                     &s);
    if (err)
        return err;
    trygg_st_bind_text(s, 1, component);
    sqlite3_bind_int64(s, 2, from - TRYGG_RB_GRACE);
    sqlite3_bind_int64(s, 3, to);
    trygg_rb_gaps g;
    trygg_rb_gaps_begin(&g, from, to);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (trygg_rb_gaps_add(&g, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1)))
            break;
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return trygg_st_fail(st, rc, "report uptime");
    trygg_rb_gaps_end(&g);
    *offline = g.offline;
    *longest = g.longest;
    return TRYGG_OK;
}

/* A kiosk's or gateway's week: the items it brought and its offline time. */
static trygg_err client_week(trygg_store *st, const trygg_report *r, const char *prefix,
                             int64_t until, trygg_report_kiosk *k)
{
    char comp[TRYGG_NAME_MAX + 8];
    int64_t from;
    trygg_rb_client(r, prefix, k, comp, sizeof comp, &from);
    return offline_time(st, comp, from, until, &k->offline_s, &k->longest_s);
}

static trygg_err scan_sources(trygg_store *st, trygg_report *r, int64_t now)
{
    sqlite3_stmt *s;
    trygg_err err =
        trygg_st_prepare(st, "SELECT value FROM report_meta WHERE key = 'history_since'", &s);
    if (err)
        return err;
    if (sqlite3_step(s) == SQLITE_ROW)
        r->history_since = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);

    int64_t until = r->week.end < now ? r->week.end : now;
    err = trygg_st_prepare(st,
                           "SELECT id, name, area, created FROM kiosks WHERE revoked = 0"
                           " OR last_seen >= ?1 ORDER BY id",
                           &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, r->week.start);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && r->nkiosks < TRYGG_REPORT_KIOSKS) {
        trygg_report_kiosk *k = &r->kiosks[r->nkiosks];
        memset(k, 0, sizeof *k);
        trygg_st_col_text(s, 0, k->id, sizeof k->id);
        trygg_st_col_text(s, 1, k->name, sizeof k->name);
        trygg_st_col_text(s, 2, k->area, sizeof k->area);
        int64_t created = sqlite3_column_int64(s, 3);
        if (created >= until)
            continue; /* did not exist in the week */
        r->nkiosks++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return trygg_st_fail(st, rc, "report kiosks");
    for (int i = 0; i < r->nkiosks; i++)
        if ((err = client_week(st, r, "kiosk:", until, &r->kiosks[i])))
            return err;
    /* Gateway components: every health component ever logged. */
    err = trygg_st_prepare(st,
                           "SELECT DISTINCT substr(component, 4) FROM report_uptime"
                           " WHERE component LIKE 'gw:%' ORDER BY 1",
                           &s);
    if (err)
        return err;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && r->ngateways < 8) {
        trygg_report_kiosk *g = &r->gateways[r->ngateways++];
        memset(g, 0, sizeof *g);
        trygg_st_col_text(s, 0, g->id, sizeof g->id);
    }
    sqlite3_finalize(s);
    for (int i = 0; i < r->ngateways; i++)
        if ((err = client_week(st, r, "gw:", until, &r->gateways[i])))
            return err;
    return TRYGG_OK;
}

static trygg_err scan_police(trygg_store *st, trygg_report *r)
{
    sqlite3_stmt *s;
    trygg_err err = trygg_st_prepare(st, "SELECT count(*) FROM police_events", &s);
    if (err)
        return err;
    if (sqlite3_step(s) == SQLITE_ROW)
        r->police_fetched = sqlite3_column_int64(s, 0) > 0;
    sqlite3_finalize(s);
    err = trygg_st_prepare(
        st,
        "SELECT id, at, type, name, summary, location_name, url,"
        " place_label, place_area FROM police_events WHERE at >= ?1 AND at < ?2 ORDER BY at, id",
        &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, r->week.start);
    sqlite3_bind_int64(s, 2, r->week.end);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        r->police_total++;
        const char *label = (const char *)sqlite3_column_text(s, 7);
        const char *area = (const char *)sqlite3_column_text(s, 8);
        trygg_rb_police_place(r, area ? area : "", label ? label : "");
        if (r->npolice >= TRYGG_REPORT_POLICE)
            continue;
        trygg_report_police *p = &r->police[r->npolice++];
        p->id = sqlite3_column_int64(s, 0);
        p->at = sqlite3_column_int64(s, 1);
        trygg_st_col_text(s, 2, p->type, sizeof p->type);
        trygg_st_col_text(s, 3, p->name, sizeof p->name);
        trygg_st_col_text(s, 4, p->summary, sizeof p->summary);
        trygg_st_col_text(s, 5, p->location, sizeof p->location);
        trygg_st_col_text(s, 6, p->url, sizeof p->url);
        trygg_st_col_text(s, 7, p->place_label, sizeof p->place_label);
        trygg_st_col_text(s, 8, p->place_area, sizeof p->place_area);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return trygg_st_fail(st, rc, "report police");
    return TRYGG_OK;
}

trygg_err trygg_sqlite_report_build(trygg_store *st, const trygg_week *w,
                                    const trygg_report_areas *areas, int64_t now,
                                    trygg_report **out)
{
    if (!st || !w || !out)
        return TRYGG_ERR_INVALID;
    *out = NULL;
    trygg_report *r;
    trygg_rb *b;
    trygg_err err = trygg_rb_begin(w, areas, now, &r, &b);
    if (err)
        return err;
    /* Complete history weeks not yet cached are counted into the cache
     * first (each its own short write); a failure there only means that
     * week is scanned below instead. */
    int own_tx = st->txdepth == 0 && !st->user_tx;
    for (int w = 0; own_tx && w < TRYGG_REPORT_CUR; w++)
        if (r->weeks[w].end <= now && !cache_has(st, &r->weeks[w]) &&
            cache_fill(st, &r->weeks[w], now) != TRYGG_OK)
            TRYGG_WARN("report: week cache: %s", trygg_store_errmsg(st));
    /* One read transaction, so every figure comes from the same snapshot. */
    err = own_tx ? trygg_st_exec(st, "BEGIN") : TRYGG_OK;
    if (!err) {
        for (int w = 0; !err && w < TRYGG_REPORT_CUR; w++) {
            int hit = 0;
            err = cache_load(st, r, b, w, &hit);
            if (!err && !hit)
                err = scan(st, r, b, r->weeks[w].start, r->weeks[w].end);
        }
        if (!err)
            err = scan(st, r, b, r->week.start, r->week.end);
        if (!err)
            err = scan_urgent(st, r);
        if (!err)
            err = scan_sources(st, r, now);
        if (!err)
            err = scan_police(st, r);
        if (!err)
            err = trygg_rb_events(st, r);
        if (!err)
            err = trygg_sqlite_report_event_places(st, r);
        if (own_tx)
            trygg_st_exec(st, "COMMIT");
    }
    err = trygg_rb_end(b, &r, err);
    *out = r;
    return err;
}
