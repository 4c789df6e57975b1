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
 * what needs the row (status, urgency, place, time to close).
 */
#include "store_sqlite_internal.h"
#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/report.h"
#include "trygg/police_events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seconds a heartbeat or health record counts as "up"; the same number is in
 * the availability triggers of shared/schema/sqlite/v6.sql. */
#define REPORT_GRACE 600

/* The SQL condition for an item the report counts: every item but those
 * closed as a duplicate of another or as spam (close_reason, trygg/item.h).
 * Every query over items below uses it, so no figure counts them. */
#define COUNTED(p) p "close_reason NOT IN ('duplicate', 'spam')"

void trygg_report_free(trygg_report *r)
{
    if (r)
        trygg_geo_destroy(r->geo);
    free(r);
}

int64_t trygg_report_hist_sum(const int64_t *n)
{
    int64_t s = 0;
    for (int i = 0; i < TRYGG_REPORT_HIST; i++)
        s += n[i];
    return s;
}

/* ---- Key tables: a small open-addressing hash over a report table -------- */

#define HSLOTS 512

typedef struct keymap {
    trygg_report_table *t;
    short slot[HSLOTS]; /* row index + 1, 0 = empty */
    int other;          /* row index of "(other)" or -1 */
} keymap;

static uint32_t hash_str(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void keymap_init(keymap *m, trygg_report_table *t)
{
    memset(m->slot, 0, sizeof m->slot);
    m->t = t;
    m->other = -1;
}

/* Row of `key` (n bytes), added if new; full tables pool in "(other)". */
static int keymap_row(keymap *m, const char *key, size_t n)
{
    if (n > sizeof m->t->rows[0].key - 1)
        n = sizeof m->t->rows[0].key - 1;
    uint32_t h = hash_str(key, n) % HSLOTS;
    for (int probe = 0; probe < HSLOTS; probe++, h = (h + 1) % HSLOTS) {
        int r = m->slot[h] - 1;
        if (r < 0)
            break;
        const char *k = m->t->rows[r].key;
        if (strncmp(k, key, n) == 0 && k[n] == '\0')
            return r;
    }
    if (m->t->n >= TRYGG_REPORT_KEYS) {
        if (m->other < 0) {
            m->other = m->t->n++;
            memset(&m->t->rows[m->other], 0, sizeof m->t->rows[0]);
            TRYGG_COPY_FIT(m->t->rows[m->other].key, TRYGG_REPORT_OTHER);
        }
        return m->other;
    }
    int r = m->t->n++;
    memset(&m->t->rows[r], 0, sizeof m->t->rows[0]);
    memcpy(m->t->rows[r].key, key, n);
    m->t->rows[r].key[n] = '\0';
    m->slot[h] = (short)(r + 1);
    return r;
}

static int keymap_row_s(keymap *m, const char *key)
{
    return keymap_row(m, key, strlen(key));
}

/* ---- Build ------------------------------------------------------------------ */

typedef struct place_acc {
    char label[sizeof(((trygg_report_place *)0)->label)];
    int64_t n;
    int64_t heat[7][TRYGG_REPORT_BANDS];
} place_acc;

#define PLACE_MAX 512

typedef struct build_state {
    keymap maps[TRYGG_DIM_COUNT];
    const trygg_report_areas *areas;
    int64_t *close_s;
    size_t nclose, capclose;
    place_acc *places;
    int nplaces;
} build_state;

/* The map's place counts: a registered place is the item place text equal
 * to its label within its area, the same "area: place" key as the top list,
 * so the published map can show exactly what the top list shows. */
static void place_counts(trygg_report *r, const build_state *b)
{
    for (int i = 0; r->geo && i < r->geo->nplaces; i++) {
        const trygg_place *p = &r->geo->places[i];
        char label[sizeof b->places[0].label];
        snprintf(label, sizeof label, "%s: %s", p->area, p->label);
        for (int j = 0; j < b->nplaces; j++)
            if (strcmp(b->places[j].label, label) == 0)
                r->place_n[i] = b->places[j].n;
    }
}

static const char *area_group(const trygg_report_areas *areas, const char *area, size_t n)
{
    if (areas)
        for (int i = 0; i < areas->n; i++)
            if (strncmp(areas->a[i].id, area, n) == 0 && areas->a[i].id[n] == '\0')
                return areas->a[i].group[0] ? areas->a[i].group : TRYGG_REPORT_OTHER;
    return TRYGG_REPORT_OTHER;
}

static int week_index(const trygg_report *r, int64_t t)
{
    int lo = 0, hi = TRYGG_REPORT_NWEEKS - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (r->weeks[mid].start <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static const char *col(sqlite3_stmt *s, int i, size_t *n)
{
    const char *v = (const char *)sqlite3_column_text(s, i);
    *n = (size_t)sqlite3_column_bytes(s, i);
    return v ? v : "";
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_place(const void *a, const void *b)
{
    const place_acc *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->label, y->label);
}

static void add_place(build_state *b, const char *area, const char *place, int wd, int band)
{
    char label[sizeof b->places[0].label];
    if (place[0])
        snprintf(label, sizeof label, "%s: %s", area[0] ? area : "-", place);
    else
        TRYGG_COPY_TRUNC(label, area[0] ? area : "-"); /* a label, cut like "area: place" */
    for (int i = 0; i < b->nplaces; i++)
        if (strcmp(b->places[i].label, label) == 0) {
            b->places[i].n++;
            b->places[i].heat[wd][band]++;
            return;
        }
    if (b->nplaces >= PLACE_MAX)
        return; /* the long tail cannot reach the top ten anyway */
    TRYGG_COPY_FIT(b->places[b->nplaces].label, label);
    b->places[b->nplaces].heat[wd][band] = 1;
    b->places[b->nplaces++].n = 1;
}

/* One pass over the 13 weeks through the covering index. For the report
 * week it also collects status, urgency, place and the close time (the
 * last status change of a closed item is its close). */
static trygg_err scan(trygg_store *st, trygg_report *r, build_state *b, int64_t from, int64_t to)
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
        " AND " COUNTED("i."),
        &s);
    if (err)
        return err;
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to);
    sqlite3_bind_int64(s, 3, r->week.start);
    int rc;
    char cat[2 * TRYGG_NAME_MAX + 2];
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t t = sqlite3_column_int64(s, 0);
        int w = week_index(r, t);
        size_t nk, nc, na, nch, nsrc;
        const char *kind = col(s, 1, &nk), *c = col(s, 2, &nc), *area = col(s, 3, &na);
        const char *ch = col(s, 4, &nch), *src = col(s, 5, &nsrc);
        r->total[w]++;
        b->maps[TRYGG_DIM_KIND].t->rows[keymap_row(&b->maps[TRYGG_DIM_KIND], kind, nk)].n[w]++;
        if (nk + 1 + nc < sizeof cat) {
            memcpy(cat, kind, nk);
            cat[nk] = '/';
            memcpy(cat + nk + 1, c, nc);
            b->maps[TRYGG_DIM_CATEGORY]
                .t->rows[keymap_row(&b->maps[TRYGG_DIM_CATEGORY], cat, nk + 1 + nc)]
                .n[w]++;
        }
        b->maps[TRYGG_DIM_AREA].t->rows[keymap_row(&b->maps[TRYGG_DIM_AREA], area, na)].n[w]++;
        b->maps[TRYGG_DIM_GROUP]
            .t->rows[keymap_row_s(&b->maps[TRYGG_DIM_GROUP], area_group(b->areas, area, na))]
            .n[w]++;
        b->maps[TRYGG_DIM_CHANNEL].t->rows[keymap_row(&b->maps[TRYGG_DIM_CHANNEL], ch, nch)].n[w]++;
        b->maps[TRYGG_DIM_SOURCE].t->rows[keymap_row(&b->maps[TRYGG_DIM_SOURCE], src, nsrc)].n[w]++;
        if (w != TRYGG_REPORT_CUR)
            continue;
        int h, wd;
        trygg_utc_to_local(t, NULL, NULL, NULL, &h, NULL, &wd);
        int band = h / (24 / TRYGG_REPORT_BANDS);
        r->heat[wd][band]++;
        size_t ns, np;
        const char *status = col(s, 6, &ns), *place = col(s, 8, &np);
        if (ns == 6 && memcmp(status, "closed", 6) == 0) {
            r->closed++;
            if (sqlite3_column_type(s, 9) != SQLITE_NULL) {
                int64_t at = sqlite3_column_int64(s, 9);
                if (at >= t) {
                    if (b->nclose == b->capclose) {
                        size_t ncap = b->capclose ? b->capclose * 2 : 256;
                        int64_t *p = realloc(b->close_s, ncap * sizeof *p);
                        if (!p) {
                            sqlite3_finalize(s);
                            return TRYGG_ERR_NOMEM;
                        }
                        b->close_s = p;
                        b->capclose = ncap;
                    }
                    b->close_s[b->nclose++] = at - t;
                }
            }
        } else {
            r->open++;
        }
        char a[TRYGG_NAME_MAX + 1], pl[TRYGG_NAME_MAX + 1];
        snprintf(a, sizeof a, "%.*s", (int)(na < sizeof a ? na : sizeof a - 1), area);
        snprintf(pl, sizeof pl, "%.*s", (int)(np < sizeof pl ? np : sizeof pl - 1), place);
        add_place(b, a, pl, wd, band);
        if (sqlite3_column_int(s, 7))
            r->urgent++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return trygg_st_fail(st, rc, "report scan");
    if (to != r->week.end)
        return TRYGG_OK; /* a history week: no per-item figures */
    if (b->nclose) {
        qsort(b->close_s, b->nclose, sizeof *b->close_s, cmp_i64);
        size_t m = b->nclose / 2;
        r->close_median_s = b->nclose % 2 ? b->close_s[m] : (b->close_s[m - 1] + b->close_s[m]) / 2;
    }
    qsort(b->places, (size_t)b->nplaces, sizeof *b->places, cmp_place);
    place_counts(r, b);
    for (int i = 0; i < b->nplaces && r->ntop < TRYGG_REPORT_TOP; i++) {
        TRYGG_COPY_FIT(r->top[r->ntop].label, b->places[i].label);
        memcpy(r->top[r->ntop].heat, b->places[i].heat, sizeof r->top[0].heat);
        r->top[r->ntop++].n = b->places[i].n;
    }
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
        " AND " COUNTED("") " GROUP BY kind",
        "INSERT INTO report_week_counts(week_start, dim, key, n) SELECT ?1, 1,"
        " kind || '/' || category, count(*) FROM items INDEXED BY report_items_scan_v3"
        " WHERE created >= ?1 AND created < ?2 AND " COUNTED("") " GROUP BY 3",
        "INSERT INTO report_week_counts(week_start, dim, key, n) SELECT ?1, 2, area, count(*)"
        " FROM items INDEXED BY report_items_scan_v3 WHERE created >= ?1 AND created < ?2"
        " AND " COUNTED("") " GROUP BY area",
        "INSERT INTO report_week_counts(week_start, dim, key, n) SELECT ?1, 4, channel,"
        " count(*) FROM items INDEXED BY report_items_scan_v3 WHERE created >= ?1"
        " AND created < ?2 AND " COUNTED("") " GROUP BY channel",
        "INSERT INTO report_week_counts(week_start, dim, key, n) SELECT ?1, 5, source,"
        " count(*) FROM items INDEXED BY report_items_scan_v3 WHERE created >= ?1"
        " AND created < ?2 AND " COUNTED("") " GROUP BY source",
        "INSERT OR REPLACE INTO report_week_done(week_start, week_end, total, computed)"
        " SELECT ?1, ?2, count(*), ?3 FROM items INDEXED BY report_items_scan_v3"
        " WHERE created >= ?1 AND created < ?2 AND " COUNTED(""),
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
static trygg_err cache_load(trygg_store *st, trygg_report *r, build_state *b, int w, int *hit)
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
        int d = sqlite3_column_int(s, 0);
        size_t nk;
        const char *key = col(s, 1, &nk);
        int64_t n = sqlite3_column_int64(s, 2);
        if (d < 0 || d >= TRYGG_DIM_COUNT || d == TRYGG_DIM_GROUP)
            continue;
        b->maps[d].t->rows[keymap_row(&b->maps[d], key, nk)].n[w] += n;
        if (d == TRYGG_DIM_AREA)
            b->maps[TRYGG_DIM_GROUP]
                .t->rows[keymap_row_s(&b->maps[TRYGG_DIM_GROUP], area_group(b->areas, key, nk))]
                .n[w] += n;
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
    trygg_err err =
        trygg_st_prepare(st,
                         "SELECT ref, created, kind, category, area, status"
                         " FROM items INDEXED BY report_items_scan_v3"
                         " WHERE created >= ?1 AND created < ?2 AND urgent = 1 AND " COUNTED(
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
    sqlite3_bind_int64(s, 2, from - REPORT_GRACE);
    sqlite3_bind_int64(s, 3, to);
    int64_t cursor = from;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t a = sqlite3_column_int64(s, 0), e = sqlite3_column_int64(s, 1) + REPORT_GRACE;
        if (a > cursor) {
            int64_t gap = (a < to ? a : to) - cursor;
            *offline += gap;
            if (gap > *longest)
                *longest = gap;
        }
        if (e > cursor)
            cursor = e;
        if (cursor >= to)
            break;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return trygg_st_fail(st, rc, "report uptime");
    if (cursor < to) {
        *offline += to - cursor;
        if (to - cursor > *longest)
            *longest = to - cursor;
    }
    return TRYGG_OK;
}

/* A kiosk's or gateway's week: the items it brought (its row of the source
 * dimension) and its offline time from health component "<prefix><id>". */
static trygg_err client_week(trygg_store *st, const trygg_report *r, const char *prefix,
                             int64_t until, trygg_report_kiosk *k)
{
    const trygg_report_table *src = &r->dim[TRYGG_DIM_SOURCE];
    for (int i = 0; i < src->n; i++)
        if (strcmp(src->rows[i].key, k->id) == 0)
            k->items = src->rows[i].n[TRYGG_REPORT_CUR];
    char comp[TRYGG_NAME_MAX + 8];
    snprintf(comp, sizeof comp, "%s%s", prefix, k->id);
    int64_t from = r->week.start;
    k->history = r->history_since && r->history_since <= from;
    if (r->history_since > from)
        from = r->history_since;
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

/* The partner events of the report's 13 weeks by type, through
 * trygg_store_event_totals (every type a row, so the table never depends on
 * which counts are 0). An event has a local day: a week is Monday..Sunday. */
static trygg_err scan_events(trygg_store *st, trygg_report *r)
{
    trygg_report_table *t = &r->dim[TRYGG_DIM_EVENT];
    memset(t, 0, sizeof *t);
    for (int k = 0; k < TRYGG_EVENT_TYPE_COUNT; k++)
        if (!TRYGG_COPY(t->rows[k].key, trygg_event_type_name((trygg_event_type)k)))
            return TRYGG_ERR_INVALID; /* a type name is a short fixed word */
    t->n = TRYGG_EVENT_TYPE_COUNT;
    for (int w = 0; w < TRYGG_REPORT_NWEEKS; w++) {
        int y1, m1, d1, y2, m2, d2;
        trygg_utc_to_local(r->weeks[w].start, &y1, &m1, &d1, NULL, NULL, NULL);
        trygg_utc_to_local(r->weeks[w].end - 1, &y2, &m2, &d2, NULL, NULL, NULL);
        char from[16], to[16];
        snprintf(from, sizeof from, "%04d-%02d-%02d", y1, m1, d1);
        snprintf(to, sizeof to, "%04d-%02d-%02d", y2, m2, d2);
        int counts[TRYGG_EVENT_TYPE_COUNT];
        trygg_err err = trygg_store_event_totals(st, from, to, counts);
        if (err)
            return err;
        for (int k = 0; k < TRYGG_EVENT_TYPE_COUNT; k++)
            t->rows[k].n[w] = counts[k];
    }
    return TRYGG_OK;
}

/* Category rows in kind order, then by category id. */
static int cmp_cat_row(const void *a, const void *b)
{
    const trygg_report_row *x = a, *y = b;
    char kx[TRYGG_NAME_MAX + 1], ky[TRYGG_NAME_MAX + 1];
    snprintf(kx, sizeof kx, "%.*s", (int)strcspn(x->key, "/"), x->key);
    snprintf(ky, sizeof ky, "%.*s", (int)strcspn(y->key, "/"), y->key);
    trygg_kind a_k = TRYGG_KIND_COUNT, b_k = TRYGG_KIND_COUNT;
    /* A category key whose prefix is no kind sorts after every kind. */
    if (trygg_kind_parse(kx, &a_k) != TRYGG_OK)
        a_k = TRYGG_KIND_COUNT;
    if (trygg_kind_parse(ky, &b_k) != TRYGG_OK)
        b_k = TRYGG_KIND_COUNT;
    if (a_k != b_k)
        return a_k < b_k ? -1 : 1;
    return strcmp(x->key, y->key);
}

trygg_err trygg_sqlite_report_build(trygg_store *st, const trygg_week *w,
                                    const trygg_report_areas *areas, int64_t now,
                                    trygg_report **out)
{
    if (!st || !w || !out)
        return TRYGG_ERR_INVALID;
    *out = NULL;
    if (w->start > now)
        return TRYGG_ERR_INVALID; /* a week that has not begun has no picture */
    trygg_err err = TRYGG_OK;
    trygg_report *r = calloc(1, sizeof *r);
    build_state *b = calloc(1, sizeof *b);
    place_acc *places = calloc(PLACE_MAX, sizeof *places);
    if (!r || !b || !places) {
        free(r);
        free(b);
        free(places);
        return TRYGG_ERR_NOMEM;
    }
    b->places = places;
    b->areas = areas;
    r->week = *w;
    r->generated = now;
    r->running = w->end > now;
    r->close_median_s = -1;
    if (areas) {
        r->areas = *areas;
        r->areas.geo = NULL;
        r->areas.own_geo = NULL;
        if (areas->geo && (r->geo = trygg_geo_dup(areas->geo)) == NULL) {
            free(r);
            free(b);
            free(places);
            return TRYGG_ERR_NOMEM;
        }
        r->areas.geo = r->geo;
    }
    for (int i = 0; i < TRYGG_REPORT_NWEEKS; i++)
        trygg_week_shift(w, i - TRYGG_REPORT_CUR, &r->weeks[i]);
    for (int d = 0; d < TRYGG_DIM_COUNT; d++)
        keymap_init(&b->maps[d], &r->dim[d]);
    /* Fixed rows first, so a table's rows never depend on which counts are 0. */
    for (int k = 0; k < TRYGG_KIND_COUNT; k++)
        keymap_row_s(&b->maps[TRYGG_DIM_KIND], trygg_kind_name((trygg_kind)k));
    for (int c = 0; c < TRYGG_CHANNEL_COUNT; c++)
        keymap_row_s(&b->maps[TRYGG_DIM_CHANNEL], trygg_channel_name((trygg_channel)c));
    if (areas)
        for (int i = 0; i < areas->n; i++) {
            keymap_row_s(&b->maps[TRYGG_DIM_AREA], areas->a[i].id);
            if (areas->a[i].group[0])
                keymap_row_s(&b->maps[TRYGG_DIM_GROUP], areas->a[i].group);
        }

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
            err = scan_events(st, r);
        if (own_tx)
            trygg_st_exec(st, "COMMIT");
    }
    qsort(r->dim[TRYGG_DIM_CATEGORY].rows, (size_t)r->dim[TRYGG_DIM_CATEGORY].n,
          sizeof r->dim[TRYGG_DIM_CATEGORY].rows[0], cmp_cat_row);
    free(b->close_s);
    free(b->places);
    free(b);
    if (err) {
        trygg_report_free(r);
        return err;
    }
    *out = r;
    return TRYGG_OK;
}
