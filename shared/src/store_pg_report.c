/*
 * store_pg_report.c — the SQL side of the weekly situation picture on
 * PostgreSQL. No cache tables: each of the 12 history weeks is one
 * aggregate query with GROUPING SETS over the items_report index (every
 * dimension and the total in one pass), and the report week is scanned row
 * by row for what needs the row (status, urgency, place, time to close).
 * Everything runs in one REPEATABLE READ, READ ONLY transaction, so every
 * figure comes from the same snapshot. The rows are counted by the
 * engine-neutral half, store_report_common.c, as with SQLite.
 */
#include "store_pg_internal.h"
#include "store_report_common.h"
#include "trygg/copy.h"
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

/* History week w: every dimension and the total by one aggregate. */
static trygg_err scan_history(trygg_store *st, trygg_report *r, trygg_rb *b, int w)
{
    PGresult *res;
    trygg_err err = trygg_pg_query(
        st,
        "SELECT grouping(kind, category, area, channel, source), kind, category, area, channel,"
        " source, count(*) FROM items WHERE created >= " PG_TS("$1") " AND created < " PG_TS(
            "$2") " AND " TRYGG_RB_COUNTED("") " GROUP BY GROUPING SETS ((kind), (kind, category),"
                                               " (area), (channel), (source), ())",
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
    int own_tx = st->txdepth == 0;
    if (own_tx)
        err = trygg_pg_exec(st, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "report");
    for (int k = 0; !err && k < TRYGG_REPORT_CUR; k++)
        err = scan_history(st, r, b, k);
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

/* No week cache on PostgreSQL: every build aggregates (see the top). */
trygg_err trygg_pg_report_cache_info(trygg_store *st, int *weeks, int64_t *last_end)
{
    (void)st;
    if (weeks)
        *weeks = -1;
    if (last_end)
        *last_end = 0;
    return TRYGG_OK;
}
