/*
 * bench_pg_triage.c — issue 17's triage figures on PostgreSQL at a region's
 * scale (default 10M items, ten years): the queue's first page (50 items)
 * with the filters staff use, full-text search (a common word, a rare
 * word, a prefix; the full and the shared view) and the week picture
 * (trygg_report_build), all through store.h. p50/p95 in ms over --runs.
 * Goals: first page p95 < 30 ms, search p95 < 100 ms, week < 300 ms.
 *
 *   bench_pg_triage [--items N] [--runs N] [--pg ADMIN_URL] [--db NAME]
 *
 * The fill runs inside PostgreSQL (INSERT ... SELECT FROM generate_series,
 * 1M rows per statement, through psql), not through the store: N items
 * spread evenly over ten years up to now, kinds, channels, categories and
 * areas mixed, 1 % urgent, items older than 30 days closed, words from a
 * list of 48 (each in about 1 of 8 texts) plus a rare word in 1 of 1000;
 * "status" audit rows for the items of the last 20 weeks (what the week
 * picture reads). --db NAME keeps (or reuses, if it has items) database
 * NAME; otherwise a new database is dropped at the end. Without --pg a
 * throw-away cluster is started with tests/pg/cluster.sh (fsync off).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/report.h"
#include "trygg/store.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
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

static void die(const char *what, trygg_store *st)
{
    fprintf(stderr, "bench_pg_triage: %s: %s\n", what, st ? trygg_store_errmsg(st) : "");
    exit(1);
}

static void sh(const char *cmd)
{
    if (system(cmd) != 0) {
        fprintf(stderr, "bench_pg_triage: failed: %s\n", cmd);
        exit(1);
    }
}

/* Rows [from, to) of n over ten years ending at `end`. */
static const char FILL_SQL[] =
    "WITH w(a) AS (SELECT ARRAY['mörkt','lampa','trasig','cykel','busshållplatsen','gångtunneln',"
    "'kvällarna','ungdomar','klotter','glas','parkeringen','skolan','torget','stationen','bilar',"
    "'fort','otryggt','hund','skräp','brand','sten','fönster','dörren','trapphuset','källaren',"
    "'belysning','buskar','stigen','bron','ån','lekplatsen','bänken','hållplatsen','tåget',"
    "'bussen','natten','helgen','folk','bråk','musik','rök','lukt','vatten','is','snö','hål',"
    "'vägen','trottoaren'])"
    " INSERT INTO items (ref, client_key, channel, source, kind, category, area, place, text,"
    " lang, status, close_reason, urgent, created, updated, purge_at, shared_text, shared_place)"
    " SELECT 'B' || g, 'bench-' || g,"
    " (ARRAY['kiosk','kiosk','sms','open311','staff'])[1 + g %% 5], 'bibl-' || (g %% 7),"
    " (ARRAY['concern','concern','fault','fault','tip','callback'])[1 + (g / 3) %% 6],"
    " (ARRAY['lighting','vegetation','isolated','disturbance','vandalism','littering','drugs',"
    "'traffic','street_light','pothole','snow_ice','graffiti'])[1 + (g / 7) %% 12],"
    " (ARRAY['centrum','strom','gota','lodose','nygard','hjartum','vasterlanda','tunge','other'])"
    "[1 + (g / 11) %% 9], 'Plats ' || (g %% 977), t.text, 'sv',"
    " CASE WHEN c.ts < now() - interval '30 days' THEN 'closed'"
    " ELSE (ARRAY['new','triaged','forwarded','in_progress'])[1 + g %% 4] END,"
    " CASE WHEN c.ts < now() - interval '30 days' THEN 'resolved' ELSE '' END,"
    " g %% 100 = 0, c.ts, c.ts, c.ts + interval '365 days', t.text, 'Plats ' || (g %% 977)"
    " FROM generate_series(%lld::bigint, %lld::bigint) g, w,"
    " LATERAL (SELECT to_timestamp(%lld - (%lld - g) * %f) AS ts) c,"
    " LATERAL (SELECT w.a[1 + abs(hashint8extended(g, 1) %% 48)] || ' '"
    " || w.a[1 + abs(hashint8extended(g, 2) %% 48)] || ' vid '"
    " || w.a[1 + abs(hashint8extended(g, 3) %% 48)] || ' '"
    " || w.a[1 + abs(hashint8extended(g, 4) %% 48)]"
    " || CASE WHEN g %% 1000 = 0 THEN ' sparkcykeln' ELSE '' END AS text) t";

static const char AUDIT_SQL[] =
    "INSERT INTO audit (item_id, actor, action, detail, at)"
    " SELECT id, 'bench', 'status', 'new -> closed', created + interval '2 days'"
    " FROM items WHERE status = 'closed' AND created > now() - interval '20 weeks'";

static void fill(const char *url, long long n)
{
    long long end = (long long)time(NULL);
    double step = 10.0 * 365.25 * 86400.0 / (double)n;
    double t0 = now_s();
    for (long long from = 1; from <= n; from += 1000000) {
        long long to = from + 999999 < n ? from + 999999 : n;
        char sql[4096], cmd[5000];
        snprintf(sql, sizeof sql, FILL_SQL, from, to, end, n, step);
        snprintf(cmd, sizeof cmd, "psql -q -v ON_ERROR_STOP=1 '%s' -c \"%s\" >/dev/null", url, sql);
        sh(cmd);
        fprintf(stderr, "filled %lld items (%.0f s)\n", to, now_s() - t0);
    }
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "psql -q -v ON_ERROR_STOP=1 '%s' -c \"%s\" -c 'VACUUM ANALYZE items' "
             "-c 'VACUUM ANALYZE audit' >/dev/null",
             url, AUDIT_SQL);
    sh(cmd);
    printf("fill: %lld items in %.0f s (generate_series inside PostgreSQL)\n", n, now_s() - t0);
}

typedef struct listing {
    const char *name;
    const char *query; /* NULL: no search */
    int status, urgent, open_only;
    const char *area;
    trygg_view view;
} listing;

static void time_list(trygg_store *st, const listing *l, int runs, double goal)
{
    double *ms = calloc((size_t)runs, sizeof *ms);
    static trygg_item items[51];
    int n = 0;
    for (int r = 0; r < runs; r++) {
        trygg_filter f;
        trygg_filter_init(&f);
        f.status = l->status;
        f.urgent = l->urgent;
        f.open_only = l->open_only;
        f.view = l->view;
        if (l->area)
            TRYGG_COPY_TRUNC(f.area, l->area);
        if (l->query)
            TRYGG_COPY_TRUNC(f.query, l->query);
        double t0 = now_s();
        if (trygg_store_list(st, &f, NULL, items, 50, &n, NULL))
            die(l->name, st);
        ms[r] = (now_s() - t0) * 1e3;
    }
    double p50 = pct(ms, runs, 0.5), p95 = pct(ms, runs, 0.95);
    printf("  %-44s %3d items  p50 %8.1f ms  p95 %8.1f ms  %s\n", l->name, n, p50, p95,
           p95 < goal ? "ok" : "over the goal");
    free(ms);
}

static void time_week(trygg_store *st, int runs)
{
    trygg_week w;
    trygg_week_containing((int64_t)time(NULL) - 7 * 86400, &w);
    double *ms = calloc((size_t)runs, sizeof *ms);
    for (int r = 0; r < runs; r++) {
        trygg_report *rep = NULL;
        double t0 = now_s();
        if (trygg_report_build(st, &w, NULL, (int64_t)time(NULL), &rep))
            die("week picture", st);
        ms[r] = (now_s() - t0) * 1e3;
        trygg_report_free(rep);
    }
    double p50 = pct(ms, runs, 0.5), p95 = pct(ms, runs, 0.95);
    printf("  %-44s            p50 %8.1f ms  p95 %8.1f ms  %s\n", "week picture (last week)", p50,
           p95, p95 < 300 ? "ok" : "over the goal");
    free(ms);
}

static const listing LISTINGS[] = {
    {"first page, everything", NULL, -1, -1, 0, NULL, TRYGG_VIEW_SHARED},
    {"first page, open items", NULL, -1, -1, 1, NULL, TRYGG_VIEW_SHARED},
    {"first page, status new", NULL, TRYGG_STATUS_NEW, -1, 0, NULL, TRYGG_VIEW_SHARED},
    {"first page, urgent", NULL, -1, 1, 0, NULL, TRYGG_VIEW_SHARED},
    {"first page, area lodose, open", NULL, -1, -1, 1, "lodose", TRYGG_VIEW_SHARED},
};
static const listing SEARCHES[] = {
    {"search 'lampa' (1 in 8), full view", "lampa", -1, -1, 0, NULL, TRYGG_VIEW_FULL},
    {"search 'lampa', shared view", "lampa", -1, -1, 0, NULL, TRYGG_VIEW_SHARED},
    {"search 'sparkcykeln' (1 in 1000)", "sparkcykeln", -1, -1, 0, NULL, TRYGG_VIEW_FULL},
    {"search 'spark*' (prefix)", "spark*", -1, -1, 0, NULL, TRYGG_VIEW_FULL},
    {"search 'mörkt lampa' (both words)", "mörkt lampa", -1, -1, 0, NULL, TRYGG_VIEW_FULL},
    {"search 'lampa', open items", "lampa", -1, -1, 1, NULL, TRYGG_VIEW_FULL},
};

static int items_rows(void *ctx, const char *table, int64_t rows)
{
    if (strcmp(table, "items") == 0)
        *(int64_t *)ctx = rows;
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"items", required_argument, NULL, 'n'},
                                         {"runs", required_argument, NULL, 'r'},
                                         {"pg", required_argument, NULL, 'p'},
                                         {"db", required_argument, NULL, 'd'},
                                         {NULL, 0, NULL, 0}};
    long long items = 10000000;
    int runs = 40;
    const char *admin = NULL, *keep = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'n')
            items = atoll(optarg);
        else if (c == 'r')
            runs = atoi(optarg);
        else if (c == 'p')
            admin = optarg;
        else if (c == 'd')
            keep = optarg;
        else
            die("usage: bench_pg_triage [--items N] [--runs N] [--pg ADMIN_URL] [--db NAME]", NULL);
    }
    if (items < 1 || runs < 1)
        die("bad --items or --runs", NULL);
    trygg_log_set_level(TRYGG_LOG_WARN);
    char cluster[] = "/tmp/trygg-triage-pg-XXXXXX", aurl[600], url[700], db[64], cmd[1200];
    if (!admin) {
        if (!mkdtemp(cluster))
            die("mkdtemp", NULL);
        snprintf(cmd, sizeof cmd, "sh '%s/tests/pg/cluster.sh' start '%s' >/dev/null",
                 TRYGG_SOURCE_DIR, cluster);
        sh(cmd);
        snprintf(aurl, sizeof aurl, "postgresql:///postgres?host=%s&port=5432&user=trygg", cluster);
        admin = aurl;
    }
    TRYGG_COPY_TRUNC(db, keep ? keep : "trygg_triage_bench");
    snprintf(cmd, sizeof cmd, "psql -q '%s' -c 'CREATE DATABASE %s' >/dev/null 2>&1", admin, db);
    if (system(cmd) != 0 && !keep)
        die("cannot create the database", NULL);
    const char *q = strchr(admin, '?');
    snprintf(url, sizeof url, "postgresql:///%s%s", db, q ? q : "");
    trygg_store *st = NULL;
    if (trygg_store_open(url, &st))
        die("open", NULL);
    int64_t have = 0;
    if (trygg_store_table_rows(st, items_rows, &have))
        die("count", st);
    if (have == 0)
        fill(url, items);
    else
        printf("reusing %s: %lld items\n", db, (long long)have);
    double la[3] = {0};
    if (getloadavg(la, 3) < 0)
        la[0] = -1;
    printf("triage on PostgreSQL at %lld items, %d runs each, %ld cores, load %.1f%s\n",
           have ? (long long)have : items, runs, sysconf(_SC_NPROCESSORS_ONLN), la[0],
           admin == aurl ? " (throw-away cluster, fsync off)" : "");
    for (size_t i = 0; i < sizeof LISTINGS / sizeof LISTINGS[0]; i++)
        time_list(st, &LISTINGS[i], runs, 30);
    for (size_t i = 0; i < sizeof SEARCHES / sizeof SEARCHES[0]; i++)
        time_list(st, &SEARCHES[i], runs, 100);
    time_week(st, runs < 10 ? runs : 10);
    trygg_store_close(st);
    if (!keep) {
        snprintf(cmd, sizeof cmd, "psql -q '%s' -c 'DROP DATABASE %s WITH (FORCE)' >/dev/null",
                 admin, db);
        sh(cmd);
    }
    if (admin == aurl) {
        snprintf(cmd, sizeof cmd, "sh '%s/tests/pg/cluster.sh' stop '%s'", TRYGG_SOURCE_DIR,
                 cluster);
        sh(cmd);
    }
    return 0;
}
