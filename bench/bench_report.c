/*
 * bench_report.c — the weekly situation picture at scale: the week view
 * (build + HTML with SVG) and the CSV export (build + CSV) at 1M items,
 * p50/p95 in ms. The goal is < 300 ms.
 *
 *   bench_report [--items N] [--weeks W] [--runs N] [--db PATH] [--keep]
 *                [--week 2026-W47]
 *
 * Fill: N items spread over W weeks (default 104) ending with the report
 * week, with realistic mixes of kind, category, area, channel, hour of day
 * (evenings heavier), 1 % urgent and ~70 % closed (with their "status"
 * audit rows), inserted through the store's handle in one transaction (a
 * setup shortcut; the rows go through the store's triggers). The same
 * program makes the small demo database for screenshots (--items 3000).
 * An existing --db is reused as it is.
 *
 * The quarter and the year (trygg/report_period.h): a fresh database also
 * gets 200,000 partner events over the same weeks (issue 15's scale), and
 * the quarter and the year of the report week are built and rendered
 * (internal view, HTML with the map), p50/p95 in ms after a first build
 * that fills the period cache (printed on its own). Goal: year < 2 s.
 *
 * PostgreSQL: --db postgresql:///DB?host=… (an empty database of a test
 * cluster, tests/pg/cluster.sh) is filled by SQL with the same numbers of
 * items (time-ordered over the weeks, the same kinds, areas, places,
 * channels, about 70 % closed) and partner events, without the
 * availability log, and measured the same way.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report_pg_fill.h"
#include "store_sqlite_internal.h"
#include "trygg/log.h"
#include "trygg/report.h"
#include "trygg/report_period.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This process's CPU time (user + system) in seconds: on a machine shared
 * with other work the wall time also holds the time spent waiting for a
 * core, the CPU time does not. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)ceil(p * n) - 1;
    return v[i < 0 ? 0 : i];
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void die(const char *what, trygg_store *st)
{
    fprintf(stderr, "bench_report: %s: %s\n", what, st ? trygg_store_errmsg(st) : "");
    exit(1);
}

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* Picks an index by integer weights. */
static int pick(const int *w, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    int x = (int)(rnd() % (uint32_t)total);
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

static const char *const kinds[] = {"concern",      "fault",       "tip",
                                    "watch_signup", "walk_signup", "callback"};
static const int kind_w[] = {45, 30, 12, 5, 5, 3};
static const char *const concern_cats[] = {"lighting",  "vegetation", "isolated", "disturbance",
                                           "vandalism", "littering",  "drugs",    "traffic"};
static const char *const fault_cats[] = {"street_light", "pothole",        "snow_ice", "sign",
                                         "playground",   "park_furniture", "tree",     "graffiti"};
static const char *const areas[] = {"centrum", "strom",   "gota",        "lodose",
                                    "nygard",  "hjartum", "vasterlanda", "tunge"};
static const int area_w[] = {35, 8, 20, 15, 10, 5, 4, 3};
static const char *const channels[] = {"kiosk", "sms", "voice", "open311", "staff"};
static const int chan_w[] = {55, 30, 3, 7, 5};
static const char *const kiosks[] = {"bibl-1", "gota-1", "lodose-1", "nygard-1"};
static const int hour_w[24] = {2, 1, 1, 1, 1, 1, 2,  4,  6, 7, 7, 7,
                               7, 7, 7, 8, 9, 9, 10, 10, 9, 7, 5, 3};
static const char *const places[] = {
    "", "", "", "", "", "", "Gångtunneln vid stationen", "Ströms slott", "Torget", "Badplatsen"};

static void fill(trygg_store *st, long n, int weeks, const trygg_week *last)
{
    trygg_week first;
    trygg_week_shift(last, -(weeks - 1), &first);
    int64_t span = last->end - first.start;
    sqlite3_stmt *ins, *aud;
    if (trygg_st_prepare(st,
                         "INSERT INTO items(ref, client_key, channel, source, kind, category,"
                         " area, place, text, urgent, status, close_reason, destination,"
                         " created, updated, purge_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '', ?9, ?10, ?11,"
                         " 'security', ?12, ?13, ?14)",
                         &ins) ||
        trygg_st_prepare(st,
                         "INSERT INTO audit(item_id, actor, action, detail, at)"
                         " VALUES (?1, 'bench', 'status', 'triaged -> closed (resolved)', ?2)",
                         &aud))
        die("prepare", st);
    if (trygg_st_exec(st, "BEGIN"))
        die("begin", st);
    double t0 = now_s();
    /* Items arrive in time order (row ids follow time, as in production). */
    int64_t *times = malloc(sizeof *times * (size_t)n);
    if (!times)
        die("out of memory", NULL);
    for (long i = 0; i < n; i++) {
        /* A day in the span, then an hour by the daily profile. */
        int64_t day = (int64_t)(rnd() % (uint32_t)(span / 86400));
        int h = pick(hour_w, 24);
        times[i] = first.start + day * 86400 + h * 3600 + (int64_t)(rnd() % 3600);
        if (times[i] >= last->end)
            times[i] = last->end - 1 - (int64_t)(rnd() % 86400);
    }
    qsort(times, (size_t)n, sizeof *times, cmp_i64);
    for (long i = 0; i < n; i++) {
        int64_t created = times[i];
        int k = pick(kind_w, 6);
        const char *cat = k == 0   ? concern_cats[rnd() % 8]
                          : k == 1 ? fault_cats[rnd() % 8]
                          : k == 2 ? "crime"
                                   : "";
        int ch = k == 2 ? 1 : pick(chan_w, 5);
        const char *src = ch == 0 ? kiosks[rnd() % 4] : ch <= 2 ? "smsgw" : "staff";
        int closed = rnd() % 10 < 7;
        char ref[24], key[32];
        snprintf(ref, sizeof ref, "R%07ld", i);
        snprintf(key, sizeof key, "bench-%ld", i);
        sqlite3_reset(ins);
        trygg_st_bind_text(ins, 1, ref);
        trygg_st_bind_text(ins, 2, key);
        trygg_st_bind_text(ins, 3, channels[ch]);
        trygg_st_bind_text(ins, 4, src);
        trygg_st_bind_text(ins, 5, kinds[k]);
        trygg_st_bind_text(ins, 6, cat);
        trygg_st_bind_text(ins, 7, areas[pick(area_w, 8)]);
        trygg_st_bind_text(ins, 8, places[rnd() % 10]);
        sqlite3_bind_int(ins, 9, rnd() % 100 == 0);
        trygg_st_bind_text(ins, 10, closed ? "closed" : (rnd() % 2 ? "new" : "triaged"));
        trygg_st_bind_text(ins, 11, closed ? "resolved" : "");
        int64_t closed_at = created + 600 + (int64_t)(rnd() % (5 * 86400));
        sqlite3_bind_int64(ins, 12, created);
        sqlite3_bind_int64(ins, 13, closed ? closed_at : created);
        sqlite3_bind_int64(ins, 14, created + 365 * 86400);
        if (sqlite3_step(ins) != SQLITE_DONE)
            die("insert", st);
        if (closed) {
            sqlite3_reset(aud);
            sqlite3_bind_int64(aud, 1, sqlite3_last_insert_rowid(st->db));
            sqlite3_bind_int64(aud, 2, closed_at);
            if (sqlite3_step(aud) != SQLITE_DONE)
                die("audit", st);
        }
    }
    free(times);
    if (trygg_st_exec(st, "COMMIT"))
        die("commit", st);
    sqlite3_finalize(ins);
    sqlite3_finalize(aud);
    printf("fill: %ld items over %d weeks in %.1f s\n", n, weeks, now_s() - t0);
}

/* 200,000 partner events spread over the weeks before `last` (a setup
 * shortcut through the store's handle, one transaction). */
static void fill_events(trygg_store *st, long n, int weeks, const trygg_week *last)
{
    static const char *const types[] = {"damage",      "graffiti", "fire",    "litter", "gathering",
                                        "disturbance", "drugs",    "traffic", "other"};
    static const char *const areas[] = {"centrum", "strom", "gota", "lodose", "nygard"};
    sqlite3_stmt *s;
    if (trygg_st_exec(st, "BEGIN") ||
        trygg_st_prepare(st,
                         "INSERT INTO events(type, day, band, area, place, count, text, org,"
                         " reporter, created, updated) VALUES (?1, ?2, 'evening', ?3, '', ?4,"
                         " '', 'housing', 'bench', ?5, ?5)",
                         &s))
        die("events", st);
    for (long i = 0; i < n; i++) {
        int64_t t = last->end - (int64_t)(rnd() % ((uint64_t)weeks * 7 * 86400));
        char day[16];
        if (trygg_time_format(t, "%Y-%m-%d", day, sizeof day) == 0)
            die("day", NULL);
        sqlite3_reset(s);
        trygg_st_bind_text(s, 1, types[rnd() % 9]);
        trygg_st_bind_text(s, 2, day);
        trygg_st_bind_text(s, 3, areas[rnd() % 5]);
        sqlite3_bind_int(s, 4, 1 + (int)(rnd() % 3));
        sqlite3_bind_int64(s, 5, t);
        if (sqlite3_step(s) != SQLITE_DONE)
            die("event insert", st);
    }
    sqlite3_finalize(s);
    if (trygg_st_exec(st, "COMMIT"))
        die("events", st);
}

/* The quarter or the year containing the report week: build + HTML, runs
 * times; p50/p95 printed. */
static void bench_period(trygg_store *st, const trygg_week *w, trygg_period_kind kind, int runs)
{
    int y, m;
    trygg_utc_to_local(w->start, &y, &m, NULL, NULL, NULL, NULL);
    trygg_period p;
    if (trygg_period_make(kind, y, kind == TRYGG_PERIOD_QUARTER ? (m - 1) / 3 + 1 : 0, &p))
        die("period", NULL);
    double *ms = calloc((size_t)runs, sizeof *ms);
    int64_t total = 0;
    size_t len = 0;
    char name[16];
    trygg_period_format(&p, name, sizeof name);
    {
        /* The first build counts the weeks' pieces not yet in the period
         * cache (schema v21); later builds read them from it. */
        double a = now_s();
        trygg_period_report *r = NULL;
        if (trygg_period_build(st, &p, NULL, 8, (int64_t)time(NULL), &r))
            die("period build", st);
        trygg_period_free(r);
        printf("%-7s %s first build (fills the period cache if empty): %.1f ms\n",
               kind == TRYGG_PERIOD_YEAR ? "year" : "quarter", name, (now_s() - a) * 1000.0);
    }
    double *cpu = calloc((size_t)runs, sizeof *cpu);
    for (int i = 0; i < runs; i++) {
        double a = now_s(), c = cpu_s();
        trygg_period_report *r = NULL;
        if (trygg_period_build(st, &p, NULL, 8, (int64_t)time(NULL), &r))
            die("period build", st);
        trygg_report_opts o;
        trygg_report_opts_init(&o);
        o.suppress = 0;
        trygg_buf out;
        trygg_buf_init(&out, 16u << 20);
        if (trygg_period_html(r, &o, &out))
            die("period html", NULL);
        ms[i] = (now_s() - a) * 1000.0;
        cpu[i] = (cpu_s() - c) * 1000.0;
        total = r->total[TRYGG_PCOL_CUR];
        len = out.len;
        trygg_buf_free(&out);
        trygg_period_free(r);
    }
    printf("%-7s %s (%lld items, %zu bytes): p50 %7.1f ms  p95 %7.1f ms  (cpu p50 %.1f p95 %.1f)\n",
           kind == TRYGG_PERIOD_YEAR ? "year" : "quarter", name, (long long)total, len,
           pct(ms, runs, 0.5), pct(ms, runs, 0.95), pct(cpu, runs, 0.5), pct(cpu, runs, 0.95));
    free(cpu);
    free(ms);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"items", required_argument, NULL, 'n'},
                                         {"weeks", required_argument, NULL, 'w'},
                                         {"runs", required_argument, NULL, 'r'},
                                         {"db", required_argument, NULL, 'd'},
                                         {"week", required_argument, NULL, 'W'},
                                         {"keep", no_argument, NULL, 'k'},
                                         {NULL, 0, NULL, 0}};
    long items = 1000000;
    int weeks = 104, runs = 30, keep = 0;
    const char *db = NULL, *week_s = "2026-W47";
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            items = atol(optarg);
            break;
        case 'w':
            weeks = atoi(optarg);
            break;
        case 'r':
            runs = atoi(optarg);
            break;
        case 'd':
            db = optarg;
            break;
        case 'W':
            week_s = optarg;
            break;
        case 'k':
            keep = 1;
            break;
        default:
            fprintf(stderr, "usage: bench_report [--items N] [--weeks W] [--runs N] [--db PATH]"
                            " [--keep] [--week 2026-W47]\n");
            return 2;
        }
    }
    if (items < 1 || weeks < 13 || runs < 1 || runs > 10000) {
        fprintf(stderr, "bench_report: bad arguments\n");
        return 2;
    }
    trygg_log_init("bench_report");
    trygg_week week;
    if (trygg_week_parse(week_s, &week) != TRYGG_OK) {
        fprintf(stderr, "bench_report: bad --week\n");
        return 2;
    }
    char dir[256] = "", path[320];
    if (db) {
        snprintf(path, sizeof path, "%s", db);
        keep = 1;
    } else {
        snprintf(dir, sizeof dir, "%s/trygg-bench-report-XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
        snprintf(path, sizeof path, "%s/trygg.db", dir);
    }
    int pg = trygg_store_is_postgresql(path);
    int fresh = !pg && access(path, F_OK) != 0;
    trygg_store *st = NULL;
    if (trygg_store_open(path, &st) != TRYGG_OK)
        die("open", st);
    if (pg) {
        int64_t have = 0;
        if (bench_pg_count(st, &have))
            die("count", st);
        if (have == 0) {
            trygg_week first;
            trygg_week_shift(&week, -(weeks - 1), &first);
            double a = now_s();
            if (bench_pg_fill(st, items, weeks, first.start, week.end))
                die("fill", st);
            printf("fill (PostgreSQL): %ld items and 200000 events over %d weeks in %.1f s\n",
                   items, weeks, now_s() - a);
        }
    }
    if (fresh) {
        fill(st, items, weeks, &week);
        fill_events(st, 200000, weeks, &week);
        /* Kiosks for the sources section, with a realistic heartbeat log. */
        static const char *const knames[] = {"Biblioteket, Lilla Edet", "Göta centrum",
                                             "Lödöse museum", "Nygårds skola"};
        static const char *const kareas[] = {"centrum", "gota", "lodose", "nygard"};
        for (int i = 0; i < 4; i++) {
            trygg_kiosk k;
            memset(&k, 0, sizeof k);
            snprintf(k.id, sizeof k.id, "%s", kiosks[i]);
            snprintf(k.name, sizeof k.name, "%s", knames[i]);
            snprintf(k.area, sizeof k.area, "%s", kareas[i]);
            char token[64];
            if (trygg_store_kiosk_add(st, &k, token))
                die("kiosk", st);
        }
    }
    double t0 = now_s();
    if (fresh) {
        /* Availability: logging began 20 weeks back; kiosks beat every
         * 5 minutes, gota-1 was off 6 h on Wednesday, the gateway 40 min. */
        trygg_week from;
        trygg_week_shift(&week, -20, &from);
        char sql[512];
        snprintf(sql, sizeof sql,
                 "UPDATE report_meta SET value = %lld WHERE key = 'history_since';"
                 "UPDATE kiosks SET created = %lld;",
                 (long long)from.start, (long long)from.start);
        if (trygg_st_exec(st, sql) || trygg_st_exec(st, "BEGIN"))
            die("availability", st);
        int64_t hole_a = week.start + 2 * 86400 + 9 * 3600, hole_b = hole_a + 6 * 3600;
        int64_t gw_a = week.start + 4 * 86400 + 20 * 3600, gw_b = gw_a + 40 * 60;
        for (int64_t t = from.start; t < week.end; t += 300) {
            for (int i = 0; i < 4; i++) {
                if (i == 1 && t > hole_a && t < hole_b)
                    continue;
                snprintf(sql, sizeof sql, "UPDATE kiosks SET last_seen = %lld WHERE id = '%s'",
                         (long long)t, kiosks[i]);
                if (trygg_st_exec(st, sql))
                    die("heartbeat", st);
            }
            if (!(t > gw_a && t < gw_b)) {
                snprintf(sql, sizeof sql,
                         "INSERT INTO health(component, json, updated) VALUES ('smsgw',"
                         " '{\"ok\": true}', %lld) ON CONFLICT(component) DO UPDATE SET"
                         " json = excluded.json, updated = excluded.updated",
                         (long long)t);
                if (trygg_st_exec(st, sql))
                    die("health", st);
            }
        }
        if (trygg_st_exec(st, "COMMIT"))
            die("availability", st);
    }
    printf("report objects (indexes, log): %.1f s\n", now_s() - t0);
    if (!pg && trygg_st_exec(st, "ANALYZE"))
        die("analyze", st);

    {
        /* The first build after a fill counts the 12 history weeks into the
         * week cache; later builds read them from it. */
        double a = now_s();
        trygg_report *r = NULL;
        if (trygg_report_build(st, &week, NULL, (int64_t)time(NULL), &r))
            die("build", st);
        trygg_report_free(r);
        printf("first build (fills the week cache if empty): %.1f ms\n", (now_s() - a) * 1000.0);
    }
    double *page = calloc((size_t)runs, sizeof *page), *csv = calloc((size_t)runs, sizeof *csv);
    double *build = calloc((size_t)runs, sizeof *build);
    double *page_cpu = calloc((size_t)runs, sizeof *page_cpu);
    size_t html_len = 0, csv_len = 0;
    int64_t total = 0;
    for (int i = 0; i < runs; i++) {
        for (int mode = 0; mode < 2; mode++) {
            double a = now_s(), c = cpu_s();
            trygg_report *r = NULL;
            if (trygg_report_build(st, &week, NULL, (int64_t)time(NULL), &r))
                die("build", st);
            double b = now_s();
            trygg_report_opts o;
            trygg_report_opts_init(&o);
            trygg_buf out;
            trygg_buf_init(&out, 16u << 20);
            if (mode == 0) {
                if (trygg_report_html(r, &o, &out))
                    die("render html", NULL);
                page[i] = (now_s() - a) * 1000.0;
                page_cpu[i] = (cpu_s() - c) * 1000.0;
                build[i] = (b - a) * 1000.0;
                html_len = out.len;
            } else {
                if (trygg_report_csv(r, &o, &out))
                    die("render csv", NULL);
                csv[i] = (now_s() - a) * 1000.0;
                csv_len = out.len;
            }
            total = r->total[TRYGG_REPORT_CUR];
            trygg_buf_free(&out);
            trygg_report_free(r);
        }
    }
    long long nitems = 0;
    if (pg) {
        int64_t have = 0;
        if (bench_pg_count(st, &have))
            die("count", st);
        nitems = have;
    } else {
        sqlite3_stmt *s;
        if (trygg_st_prepare(st, "SELECT count(*) FROM items", &s) == TRYGG_OK) {
            if (sqlite3_step(s) == SQLITE_ROW)
                nitems = sqlite3_column_int64(s, 0);
            sqlite3_finalize(s);
        }
    }
    printf("items in store: %lld; report week %s: %lld items; html %zu bytes, csv %zu bytes\n",
           nitems, week_s, (long long)total, html_len, csv_len);
    printf("build only:               p50 %7.1f ms  p95 %7.1f ms\n", pct(build, runs, 0.5),
           pct(build, runs, 0.95));
    printf("week view (build+HTML):   p50 %7.1f ms  p95 %7.1f ms  (cpu p50 %.1f p95 %.1f)\n",
           pct(page, runs, 0.5), pct(page, runs, 0.95), pct(page_cpu, runs, 0.5),
           pct(page_cpu, runs, 0.95));
    printf("CSV export (build+CSV):   p50 %7.1f ms  p95 %7.1f ms\n", pct(csv, runs, 0.5),
           pct(csv, runs, 0.95));
    bench_period(st, &week, TRYGG_PERIOD_QUARTER, runs < 10 ? runs : 10);
    bench_period(st, &week, TRYGG_PERIOD_YEAR, runs < 10 ? runs : 10);
    free(page);
    free(page_cpu);
    free(csv);
    free(build);
    trygg_store_close(st);
    if (!keep && dir[0]) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    } else {
        printf("database kept: %s\n", path);
    }
    return 0;
}
