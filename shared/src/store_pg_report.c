/*
 * store_pg_report.c — the SQL side of the weekly situation picture on
 * PostgreSQL. The 12 history weeks come from the week cache of schema v24
 * (report_week_done / report_week_counts, the same tables and meaning as
 * SQLite's, store_sqlite_report.c): a complete week not cached yet is
 * counted into it once, by one aggregate with GROUPING SETS over the week's
 * items (every dimension in one pass), and a trigger on items drops the
 * week whenever an item of it is added, changed or deleted. The report
 * week is scanned row by row for what needs the row (status, urgency,
 * place, time to close). Everything is read in one REPEATABLE READ, READ
 * ONLY transaction, so every figure comes from the same snapshot. The rows
 * are counted by the engine-neutral half, store_report_common.c, as with
 * SQLite.
 */
#include "store_pg_internal.h"
#include "store_report_common.h"
#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/police_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static trygg_rb_text col(const PGresult *r, int row, int c)
{
    return (trygg_rb_text){PQgetvalue(r, row, c), (size_t)PQgetlength(r, row, c)};
}

/* grouping(kind, category, area, channel, source) of each grouping set:
 * a bit is 1 where the column is not grouped. */
enum { G_KIND = 15, G_CATEGORY = 7, G_AREA = 27, G_CHANNEL = 29, G_SOURCE = 30, G_TOTAL = 31 };

/* A week's items by every dimension and in total, one aggregate; $1/$2 the
 * week's start and end. */
#define WEEK_GROUPS                                                                                \
    "SELECT grouping(kind, category, area, channel, source) AS g, kind, category, area, channel,"  \
    " source, count(*) AS n FROM items WHERE created >= " PG_TS("$1") " AND created < " PG_TS(     \
        "$2") " AND " TRYGG_RB_COUNTED("") " GROUP BY GROUPING SETS ((kind), (kind, category),"    \
                                           " (area), (channel), (source), ())"

/* History week w, not cached: every dimension and the total by one
 * aggregate. */
static trygg_err scan_history(trygg_store *st, trygg_report *r, trygg_rb *b, int w)
{
    PGresult *res;
    trygg_err err = trygg_pg_query(
        st, WEEK_GROUPS,
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(r->weeks[w].start), TRYGG_SQL_INT(r->weeks[w].end)), &res,
        "report history");
    if (err)
        return err;
    char cat[2 * TRYGG_NAME_MAX + 2];
    for (int i = 0; i < PQntuples(res); i++) {
        int64_t n = trygg_pg_col_int(res, i, 6);
        switch ((int)trygg_pg_col_int(res, i, 0)) {
        case G_KIND:
            trygg_rb_cached(b, r, w, TRYGG_DIM_KIND, col(res, i, 1), n);
            break;
        case G_CATEGORY:
            snprintf(cat, sizeof cat, "%s/%s", PQgetvalue(res, i, 1), PQgetvalue(res, i, 2));
            trygg_rb_cached(b, r, w, TRYGG_DIM_CATEGORY, (trygg_rb_text){cat, strlen(cat)}, n);
            break;
        case G_AREA:
            trygg_rb_cached(b, r, w, TRYGG_DIM_AREA, col(res, i, 3), n);
            break;
        case G_CHANNEL:
            trygg_rb_cached(b, r, w, TRYGG_DIM_CHANNEL, col(res, i, 4), n);
            break;
        case G_SOURCE:
            trygg_rb_cached(b, r, w, TRYGG_DIM_SOURCE, col(res, i, 5), n);
            break;
        case G_TOTAL:
            r->total[w] = n;
            break;
        }
    }
    PQclear(res);
    return TRYGG_OK;
}

/* ---- Week cache (v24) -------------------------------------------------------- */

/* Counts complete week [from, to) into the cache, in its own short write.
 * The lock (SHARE ROW EXCLUSIVE conflicts with the ROW EXCLUSIVE of the
 * trigger's DELETE) waits for every write that already dropped the week to
 * commit and makes later ones wait for this count, so a week is never
 * marked counted without an item written while it was being counted. */
static trygg_err week_fill(trygg_store *st, int64_t from, int64_t to, int64_t now)
{
    static const char *const fill[] = {
        "LOCK TABLE report_week_done IN SHARE ROW EXCLUSIVE MODE",
        "DELETE FROM report_week_counts WHERE week_start = $1",
        "INSERT INTO report_week_counts(week_start, dim, key, n) SELECT $1::bigint,"
        " CASE g WHEN 15 THEN 0 WHEN 7 THEN 1 WHEN 27 THEN 2 WHEN 29 THEN 4 ELSE 5 END,"
        " CASE g WHEN 15 THEN kind WHEN 7 THEN kind || '/' || category WHEN 27 THEN area"
        " WHEN 29 THEN channel ELSE source END, n FROM (" WEEK_GROUPS ") s WHERE g <> 31",
        "INSERT INTO report_week_done(week_start, week_end, total, computed)"
        " SELECT $1, $2, coalesce(sum(n), 0), $3 FROM report_week_counts"
        " WHERE week_start = $1 AND dim = 0 ON CONFLICT (week_start) DO UPDATE"
        " SET week_end = excluded.week_end, total = excluded.total, computed = excluded.computed",
    };
    static const int nargs[] = {0, 1, 2, 3};
    trygg_sql_val v[3] = {TRYGG_SQL_INT(from), TRYGG_SQL_INT(to), TRYGG_SQL_INT(now)};
    trygg_err err = trygg_pg_tx_begin(st);
    for (size_t i = 0; !err && i < sizeof fill / sizeof fill[0]; i++)
        err = trygg_pg_write(st, fill[i], (trygg_sql_args){v, nargs[i]}, NULL, "report cache");
    return trygg_pg_tx_end(st, err);
}

/* Which of the 12 history weeks are cached (hit[w]), one query. */
static trygg_err weeks_mark(trygg_store *st, const trygg_report *r, int hit[TRYGG_REPORT_CUR])
{
    memset(hit, 0, TRYGG_REPORT_CUR * sizeof *hit);
    PGresult *res;
    trygg_err err = trygg_pg_query(
        st,
        "SELECT week_start, week_end FROM report_week_done WHERE week_start >= $1"
        " AND week_start < $2",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(r->weeks[0].start), TRYGG_SQL_INT(r->week.start)), &res,
        "report cache");
    if (err)
        return err;
    for (int i = 0; i < PQntuples(res); i++)
        for (int w = 0; w < TRYGG_REPORT_CUR; w++)
            if (r->weeks[w].start == trygg_pg_col_int(res, i, 0) &&
                r->weeks[w].end == trygg_pg_col_int(res, i, 1))
                hit[w] = 1;
    PQclear(res);
    return TRYGG_OK;
}

/* Counts every complete history week not cached yet into the cache, each
 * in its own short write (a failure only means that week is counted
 * directly below). */
static void weeks_fill(trygg_store *st, const trygg_report *r, int64_t now)
{
    int hit[TRYGG_REPORT_CUR];
    if (weeks_mark(st, r, hit) != TRYGG_OK)
        return;
    for (int w = 0; w < TRYGG_REPORT_CUR; w++)
        if (!hit[w] && r->weeks[w].end <= now &&
            week_fill(st, r->weeks[w].start, r->weeks[w].end, now) != TRYGG_OK)
            TRYGG_WARN("report: week cache: %s", trygg_store_errmsg(st));
}

/* The 12 history weeks: the cached ones from the cache (one query), the
 * others by an aggregate each. */
static trygg_err history(trygg_store *st, trygg_report *r, trygg_rb *b)
{
    int hit[TRYGG_REPORT_CUR];
    trygg_err err = weeks_mark(st, r, hit);
    PGresult *res = NULL;
    if (!err)
        err = trygg_pg_query(
            st,
            "SELECT d.week_start, d.total, c.dim, c.key, c.n FROM report_week_done d"
            " LEFT JOIN report_week_counts c ON c.week_start = d.week_start"
            " WHERE d.week_start >= $1 AND d.week_start < $2",
            TRYGG_SQL_ARGS(TRYGG_SQL_INT(r->weeks[0].start), TRYGG_SQL_INT(r->week.start)), &res,
            "report cache load");
    for (int i = 0; !err && i < PQntuples(res); i++) {
        int w = 0;
        while (w < TRYGG_REPORT_CUR && r->weeks[w].start != trygg_pg_col_int(res, i, 0))
            w++;
        if (w == TRYGG_REPORT_CUR || !hit[w])
            continue;
        r->total[w] = trygg_pg_col_int(res, i, 1);
        if (!PQgetisnull(res, i, 2))
            trygg_rb_cached(b, r, w, (int)trygg_pg_col_int(res, i, 2), col(res, i, 3),
                            trygg_pg_col_int(res, i, 4));
    }
    PQclear(res);
    for (int w = 0; !err && w < TRYGG_REPORT_CUR; w++)
        if (!hit[w])
            err = scan_history(st, r, b, w);
    return err;
}

/* The report week, row by row (the last status change of a closed item is
 * its close). */
static trygg_err scan_week(trygg_store *st, trygg_report *r, trygg_rb *b)
{
    PGresult *res;
    trygg_err err = trygg_pg_query(
        st,
        "SELECT " PG_EPOCH(
            "i.created") ", i.kind, i.category, i.area, i.channel, i.source,"
                         " i.status, i.urgent::int, i.shared_place," /* the recipients' copy: the
                                                                        report is shared outside the
                                                                        security department */
                         " CASE WHEN i.status = 'closed' THEN (SELECT " PG_EPOCH(
                             "max(a.at)") " FROM audit a"
                                          "  WHERE a.item_id = i.id AND a.action = 'status') END"
                                          " FROM items i WHERE i.created >= " PG_TS(
                                              "$1") " AND i.created < " PG_TS("$2") " AND"
                                                                                    " " TRYGG_RB_COUNTED(
                                                                                        "i."),
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(r->week.start), TRYGG_SQL_INT(r->week.end)), &res,
        "report scan");
    if (err)
        return err;
    for (int i = 0; !err && i < PQntuples(res); i++) {
        trygg_rb_item it = {.created = trygg_pg_col_int(res, i, 0),
                            .kind = col(res, i, 1),
                            .category = col(res, i, 2),
                            .area = col(res, i, 3),
                            .channel = col(res, i, 4),
                            .source = col(res, i, 5),
                            .status = col(res, i, 6),
                            .urgent = (int)trygg_pg_col_int(res, i, 7),
                            .place = col(res, i, 8),
                            .has_close = !PQgetisnull(res, i, 9),
                            .close_at = trygg_pg_col_int(res, i, 9)};
        err = trygg_rb_item_add(b, r, &it);
    }
    PQclear(res);
    if (!err)
        trygg_rb_week_done(b, r);
    return err;
}

/* The urgent items of the report week. */
static trygg_err scan_urgent(trygg_store *st, trygg_report *r)
{
    if (r->urgent == 0)
        return TRYGG_OK;
    PGresult *res;
    trygg_err err = trygg_pg_query(
        st,
        "SELECT ref, " PG_EPOCH(
            "created") ", kind, category, area, status FROM items"
                       " WHERE created >= " PG_TS("$1") " AND created < " PG_TS(
                           "$2") " AND urgent AND " TRYGG_RB_COUNTED("") " ORDER BY created LIMIT "
                                                                         "$3",
        TRYGG_SQL_ARGS(TRYGG_SQL_INT(r->week.start), TRYGG_SQL_INT(r->week.end),
                       TRYGG_SQL_INT(TRYGG_REPORT_URGENT)),
        &res, "report urgent");
    if (err)
        return err;
    for (int i = 0; !err && i < PQntuples(res) && r->nurgent_list < TRYGG_REPORT_URGENT; i++) {
        trygg_report_urgent *u = &r->urgent_list[r->nurgent_list++];
        trygg_pg_col_text(res, i, 0, u->ref, sizeof u->ref);
        u->created = trygg_pg_col_int(res, i, 1);
        trygg_pg_col_text(res, i, 3, u->category, sizeof u->category);
        trygg_pg_col_text(res, i, 4, u->area, sizeof u->area);
        /* A name this program does not know is a corrupt row. */
        if (trygg_kind_parse(PQgetvalue(res, i, 2), &u->kind) != TRYGG_OK ||
            trygg_status_parse(PQgetvalue(res, i, 5), &u->status) != TRYGG_OK)
            err = trygg_pg_failf(st, TRYGG_ERR_DB, "corrupt urgent item %s: unknown kind or status",
                                 u->ref);
    }
    PQclear(res);
    return err;
}

/* A kiosk's or gateway's week: the items it brought and its offline time
 * (the time not covered by its uptime intervals). */
static trygg_err client_week(trygg_store *st, const trygg_report *r, const char *prefix,
                             int64_t until, trygg_report_kiosk *k)
{
    char comp[TRYGG_NAME_MAX + 8];
    int64_t from;
    trygg_rb_client(r, prefix, k, comp, sizeof comp, &from);
    k->offline_s = k->longest_s = 0;
    if (until <= from)
        return TRYGG_OK;
    PGresult *res;
    trygg_err err =
        trygg_pg_query(st,
                       "SELECT " PG_EPOCH("first") ", " PG_EPOCH(
                           "last") " FROM report_uptime"
                                   " WHERE component = $1 AND last >= " PG_TS(
                                       "$2") " AND first < " PG_TS("$3") " ORDER BY first",
                       TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(comp), TRYGG_SQL_INT(from - TRYGG_RB_GRACE),
                                      TRYGG_SQL_INT(until)),
                       &res, "report uptime");
    if (err)
        return err;
    trygg_rb_gaps g;
    trygg_rb_gaps_begin(&g, from, until);
    for (int i = 0; i < PQntuples(res); i++)
        if (trygg_rb_gaps_add(&g, trygg_pg_col_int(res, i, 0), trygg_pg_col_int(res, i, 1)))
            break;
    PQclear(res);
    trygg_rb_gaps_end(&g);
    k->offline_s = g.offline;
    k->longest_s = g.longest;
    return TRYGG_OK;
}

static trygg_err scan_sources(trygg_store *st, trygg_report *r, int64_t now)
{
    trygg_err err = trygg_pg_int64(st, "SELECT value FROM report_meta WHERE key = 'history_since'",
                                   TRYGG_SQL_NO_ARGS, &r->history_since, "report history");
    int64_t until = r->week.end < now ? r->week.end : now;
    PGresult *res = NULL;
    if (!err)
        err = trygg_pg_query(
            st,
            "SELECT id, name, area, " PG_EPOCH(
                "created") " FROM kiosks"
                           " WHERE NOT revoked OR last_seen >= " PG_TS("$1") " ORDER BY id",
            TRYGG_SQL_ARGS(TRYGG_SQL_INT(r->week.start)), &res, "report kiosks");
    for (int i = 0; !err && i < PQntuples(res) && r->nkiosks < TRYGG_REPORT_KIOSKS; i++) {
        if (trygg_pg_col_int(res, i, 3) >= until)
            continue; /* did not exist in the week */
        trygg_report_kiosk *k = &r->kiosks[r->nkiosks++];
        memset(k, 0, sizeof *k);
        trygg_pg_col_text(res, i, 0, k->id, sizeof k->id);
        trygg_pg_col_text(res, i, 1, k->name, sizeof k->name);
        trygg_pg_col_text(res, i, 2, k->area, sizeof k->area);
    }
    PQclear(res);
    for (int i = 0; !err && i < r->nkiosks; i++)
        err = client_week(st, r, "kiosk:", until, &r->kiosks[i]);
    /* Gateway components: every health component ever logged. */
    res = NULL;
    if (!err)
        err = trygg_pg_query(st,
                             "SELECT DISTINCT substr(component, 4) FROM report_uptime"
                             " WHERE component LIKE 'gw:%' ORDER BY 1",
                             TRYGG_SQL_NO_ARGS, &res, "report gateways");
    for (int i = 0; !err && i < PQntuples(res) && r->ngateways < 8; i++) {
        trygg_report_kiosk *g = &r->gateways[r->ngateways++];
        memset(g, 0, sizeof *g);
        trygg_pg_col_text(res, i, 0, g->id, sizeof g->id);
    }
    PQclear(res);
    for (int i = 0; !err && i < r->ngateways; i++)
        err = client_week(st, r, "gw:", until, &r->gateways[i]);
    return err;
}

static trygg_err scan_police(trygg_store *st, trygg_report *r)
{
    int64_t fetched = 0;
    trygg_err err = trygg_pg_int64(st, "SELECT count(*) FROM police_events", TRYGG_SQL_NO_ARGS,
                                   &fetched, "report police");
    r->police_fetched = fetched > 0;
    PGresult *res = NULL;
    if (!err)
        err = trygg_pg_query(
            st,
            "SELECT id, " PG_EPOCH("at") ", type, name, summary, location_name, url, place_label,"
                                         " place_area FROM police_events WHERE at >= " PG_TS(
                                             "$1") " AND at < " PG_TS("$2") " ORDER BY at, id",
            TRYGG_SQL_ARGS(TRYGG_SQL_INT(r->week.start), TRYGG_SQL_INT(r->week.end)), &res,
            "report police");
    for (int i = 0; !err && i < PQntuples(res); i++) {
        r->police_total++;
        trygg_rb_police_place(r, PQgetvalue(res, i, 8), PQgetvalue(res, i, 7));
        if (r->npolice >= TRYGG_REPORT_POLICE)
            continue;
        trygg_report_police *p = &r->police[r->npolice++];
        p->id = trygg_pg_col_int(res, i, 0);
        p->at = trygg_pg_col_int(res, i, 1);
        trygg_pg_col_text(res, i, 2, p->type, sizeof p->type);
        trygg_pg_col_text(res, i, 3, p->name, sizeof p->name);
        trygg_pg_col_text(res, i, 4, p->summary, sizeof p->summary);
        trygg_pg_col_text(res, i, 5, p->location, sizeof p->location);
        trygg_pg_col_text(res, i, 6, p->url, sizeof p->url);
        trygg_pg_col_text(res, i, 7, p->place_label, sizeof p->place_label);
        trygg_pg_col_text(res, i, 8, p->place_area, sizeof p->place_area);
    }
    PQclear(res);
    return err;
}

/* The week's partner events at the map's places (the internal map). */
static trygg_err event_places(trygg_store *st, trygg_report *r)
{
    memset(r->event_place_n, 0, sizeof r->event_place_n);
    if (!r->geo || r->geo->nplaces == 0)
        return TRYGG_OK;
    char from[16], to[16];
    trygg_rb_week_days(r, from, to);
    PGresult *res;
    trygg_err err = trygg_pg_query(st,
                                   "SELECT area, place, sum(count) FROM events WHERE day >= $1 AND"
                                   " day <= $2 AND place <> '' GROUP BY area, place",
                                   TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(from), TRYGG_SQL_TEXT(to)), &res,
                                   "events by place");
    if (err)
        return err;
    for (int i = 0; i < PQntuples(res); i++)
        trygg_rb_event_place(r, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
                             trygg_pg_col_int(res, i, 2));
    PQclear(res);
    return TRYGG_OK;
}

trygg_err trygg_pg_report_build(trygg_store *st, const trygg_week *w,
                                const trygg_report_areas *areas, int64_t now, trygg_report **out)
{
    if (!st || !w || !out)
        return TRYGG_ERR_INVALID;
    *out = NULL;
    trygg_report *r;
    trygg_rb *b;
    trygg_err err = trygg_rb_begin(w, areas, now, &r, &b);
    if (err)
        return err;
    int own_tx = st->txdepth == 0 && !st->user_tx;
    if (own_tx)
        weeks_fill(st, r, now);
    if (own_tx)
        err = trygg_pg_exec(st, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "report");
    if (!err)
        err = history(st, r, b);
    if (!err)
        err = scan_week(st, r, b);
    if (!err)
        err = scan_urgent(st, r);
    if (!err)
        err = scan_sources(st, r, now);
    if (!err)
        err = scan_police(st, r);
    if (!err)
        err = trygg_rb_events(st, r);
    if (!err)
        err = event_places(st, r);
    if (own_tx)
        (void)trygg_pg_exec(st, err ? "ROLLBACK" : "COMMIT", "report");
    err = trygg_rb_end(b, &r, err);
    *out = r;
    return err;
}

trygg_err trygg_pg_report_cache_info(trygg_store *st, int *weeks, int64_t *last_end)
{
    int64_t n = 0, end = 0;
    trygg_err err = trygg_pg_int64(st, "SELECT count(*) FROM report_week_done", TRYGG_SQL_NO_ARGS,
                                   &n, "report cache");
    if (!err)
        err = trygg_pg_int64(st, "SELECT coalesce(max(week_end), 0) FROM report_week_done",
                             TRYGG_SQL_NO_ARGS, &end, "report cache");
    if (weeks)
        *weeks = err ? 0 : (int)n;
    if (last_end)
        *last_end = err ? 0 : end;
    return err;
}
