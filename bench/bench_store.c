/*
 * bench_store.c — the queue store's two numbers that matter:
 *
 *  1. durable submits per second: trygg_store_submit (validation, key check,
 *     reference, insert, FTS, audit, one fsync'ed commit) next to raw
 *     single-row INSERT commits on a plain table with the same pragmas
 *     (WAL, synchronous=FULL), in the same run on the same disk;
 *  2. the first page (50) of filtered listings at 1M items (p50/p95 ms).
 *
 *   bench_store [--items N] [--submits N] [--runs N] [--dir DIR] [--keep]
 *
 * The 1M fill uses one big transaction through the store's own handle (a
 * setup shortcut; every row still goes through the same triggers).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_sqlite_internal.h"
#include "trygg/log.h"
#include "trygg/ref.h"
#include "trygg/secret.h"

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
    fprintf(stderr, "bench_store: %s: %s\n", what, st ? trygg_store_errmsg(st) : "");
    exit(1);
}

static const char *const areas[] = {"centrum", "strom",       "gota",  "lodose", "nygard",
                                    "hjartum", "vasterlanda", "tunge", "other"};
static const char *const cats[] = {"lighting",     "vegetation", "isolated", "disturbance",
                                   "vandalism",    "littering",  "drugs",    "traffic",
                                   "street_light", "pothole",    "snow_ice", "graffiti"};
static const char *const common[] = {"det", "är", "vid", "och",  "på", "en",
                                     "som", "i",  "har", "inte", "vi", "de"};
static const char *const words[] = {
    "mörkt",      "belysning", "trasig",  "lampa",   "parken", "skolan", "bussen", "kvällar",
    "ungdomar",   "glas",      "klotter", "skräp",   "bilar",  "fort",   "torget", "stationen",
    "lekplatsen", "buskar",    "otryggt", "hål",     "gatan",  "cykel",  "stulen", "hundar",
    "musik",      "bråk",      "natten",  "trappan", "halt",   "snö",    "träd",   "gångtunneln"};
#define N(a)  ((int)(sizeof a / sizeof a[0]))
#define VOCAB 5000

/* Free text with a natural word distribution: a few function words plus
 * content words whose rank r has probability ~ 1/r over a 5000-word
 * vocabulary (the real words above are the 32 most frequent). */
static void make_text(char *out, size_t cap, unsigned seed)
{
    size_t o = 0;
    int nw = 8 + (int)(seed % 12);
    for (int i = 0; i < nw; i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned v = seed >> 8;
        char buf[16];
        const char *w;
        if (i % 3 == 1) {
            w = common[v % N(common)];
        } else {
            double u = (double)(v & 0xFFFFF) / (double)0x100000;
            int r = (int)exp(u * log((double)VOCAB + 1.0)) - 1;
            if (r < N(words)) {
                w = words[r];
            } else {
                snprintf(buf, sizeof buf, "ord%d", r);
                w = buf;
            }
        }
        int k = snprintf(out + o, cap - o, "%s%s", i ? " " : "", w);
        if (k < 0 || (size_t)k >= cap - o)
            break;
        o += (size_t)k;
    }
    /* One rare word in about one item of 10000. */
    if ((seed >> 4) % 10000 == 7)
        snprintf(out + o, cap - o, " brandlarmet");
}

/* ---- 1. durable submits ---------------------------------------------------- */

static double bench_submit(const char *dir, int n)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/submit.db", dir);
    unlink(path);
    trygg_store *st;
    if (trygg_store_open(path, &st))
        die("open submit.db", NULL);
    trygg_item it, out;
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        trygg_item_init(&it);
        snprintf(it.client_key, sizeof it.client_key, "bench-%d", i);
        it.channel = TRYGG_CHANNEL_KIOSK;
        it.kind = (trygg_kind)(i % 3);
        snprintf(it.source, sizeof it.source, "bibl-1");
        snprintf(it.category, sizeof it.category, "%s", cats[i % N(cats)]);
        snprintf(it.area, sizeof it.area, "%s", areas[i % N(areas)]);
        make_text(it.text, sizeof it.text, (unsigned)i);
        int made;
        if (trygg_store_submit(st, &it, &out, &made) || !made)
            die("submit", st);
    }
    double dt = now_s() - t0;
    trygg_store_close(st);
    return n / dt;
}

static double bench_raw(const char *dir, int n)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/raw.db", dir);
    unlink(path);
    sqlite3 *db;
    sqlite3_stmt *s;
    if (sqlite3_open(path, &db) ||
        sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                     "PRAGMA busy_timeout=5000;"
                     "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, v TEXT);",
                     NULL, NULL, NULL) ||
        sqlite3_prepare_v2(db, "INSERT INTO t (k, v) VALUES (?1, ?2)", -1, &s, NULL)) {
        fprintf(stderr, "bench_store: raw setup: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    char key[32], text[512];
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "raw-%d", i);
        make_text(text, sizeof text, (unsigned)i);
        sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, text, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) != SQLITE_DONE) {
            fprintf(stderr, "bench_store: raw insert: %s\n", sqlite3_errmsg(db));
            exit(1);
        }
        sqlite3_reset(s);
    }
    double dt = now_s() - t0;
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n / dt;
}

/* ---- 2. listing at scale ---------------------------------------------------- */

static long long item_count(trygg_store *st)
{
    sqlite3_stmt *s;
    long long n = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM items", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static void fill(trygg_store *st, long long want)
{
    long long have = item_count(st);
    if (have >= want) {
        printf("fill: %lld items already there\n", have);
        return;
    }
    static const char *const statuses[] = {"new", "triaged", "forwarded", "in_progress", "closed"};
    static const char *const kinds[] = {"concern", "fault", "tip"};
    sqlite3_stmt *s;
    /* A big page cache so the one large transaction does not spill. */
    if (trygg_st_exec(st, "PRAGMA cache_size = -524288") || trygg_st_exec(st, "BEGIN IMMEDIATE") ||
        trygg_st_prepare(st,
                         "INSERT INTO items (ref, client_key, channel, source, kind, category, "
                         "area, text, status, urgent, created, updated, purge_at) VALUES "
                         "(?1, ?2, 'kiosk', 'bibl-1', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
                         &s))
        die("fill setup", st);
    double t0 = now_s();
    const long long t_end = 1760000000;
    char key[32], ref[TRYGG_REF_LEN + 1], text[512];
    for (long long i = have; i < want; i++) {
        unsigned h = (unsigned)(i * 2654435761u);
        snprintf(key, sizeof key, "fill-%lld", i);
        trygg_ref_from_key(key, ref);
        make_text(text, sizeof text, h);
        long long created = t_end - (want - i) * 60; /* one a minute, ~2 years for 1M */
        /* Old items are mostly closed, recent ones mostly open. */
        const char *status = (want - i) > 20000 && h % 10 != 0 ? "closed" : statuses[h % 5];
        sqlite3_bind_text(s, 1, ref, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 3, kinds[h % 3], -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, cats[(h >> 4) % N(cats)], -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, areas[(h >> 8) % N(areas)], -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 6, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 7, status, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 8, h % 500 == 0);
        sqlite3_bind_int64(s, 9, created);
        sqlite3_bind_int64(s, 10, created + 365 * 86400);
        int rc = sqlite3_step(s);
        for (int tries = 0; (rc & 0xff) == SQLITE_CONSTRAINT && tries < 20; tries++) {
            /* A reference collision: draw random ones, as the store does. */
            trygg_ref_new(ref);
            sqlite3_reset(s);
            sqlite3_bind_text(s, 1, ref, -1, SQLITE_TRANSIENT);
            rc = sqlite3_step(s);
        }
        if (rc != SQLITE_DONE) {
            fprintf(stderr, "bench_store: fill insert: %s\n", sqlite3_errmsg(st->db));
            exit(1);
        }
        sqlite3_reset(s);
        if ((i + 1) % 100000 == 0) {
            /* Commit in steps so an interrupted fill can be resumed. */
            if (trygg_st_exec(st, "COMMIT") || trygg_st_exec(st, "BEGIN IMMEDIATE"))
                die("fill commit", st);
            printf("fill: %lld items (%.0f s)\n", i + 1, now_s() - t0);
            fflush(stdout);
        }
    }
    sqlite3_finalize(s);
    if (trygg_st_exec(st, "COMMIT") || trygg_st_exec(st, "ANALYZE") ||
        trygg_st_exec(st, "PRAGMA wal_checkpoint(TRUNCATE)") ||
        trygg_st_exec(st, "PRAGMA cache_size = -2000"))
        die("fill commit", st);
    printf("fill: %lld items in %.1f s\n", want, now_s() - t0);
}

static void bench_list(trygg_store *st, const char *label, const trygg_filter *f, int runs)
{
    static trygg_item page[50];
    double *ms = calloc((size_t)runs, sizeof *ms);
    int n = 0;
    for (int r = 0; r < runs; r++) {
        trygg_cursor next;
        double t0 = now_s();
        if (trygg_store_list(st, f, NULL, page, 50, &n, &next))
            die("list", st);
        ms[r] = (now_s() - t0) * 1000.0;
    }
    double p50 = pct(ms, runs, 0.50), p95 = pct(ms, runs, 0.95);
    int64_t counts[TRYGG_STATUS_COUNT], total = 0;
    if (trygg_store_count_by_status(st, f, counts))
        die("count", st);
    for (int i = 0; i < TRYGG_STATUS_COUNT; i++)
        total += f->status < 0 || f->status == i ? counts[i] : 0;
    printf("list %-30s %7lld matches, first page %2d: p50 %7.2f ms  p95 %7.2f ms\n", label,
           (long long)total, n, p50, p95);
    free(ms);
}

int main(int argc, char **argv)
{
    long long items = 1000000;
    int submits = 2000, runs = 200, keep = 0;
    const char *dir = NULL;
    static const struct option opts[] = {
        {"items", required_argument, NULL, 'i'}, {"submits", required_argument, NULL, 's'},
        {"runs", required_argument, NULL, 'r'},  {"dir", required_argument, NULL, 'd'},
        {"keep", no_argument, NULL, 'k'},        {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            items = atoll(optarg);
            break;
        case 's':
            submits = atoi(optarg);
            break;
        case 'r':
            runs = atoi(optarg);
            break;
        case 'd':
            dir = optarg;
            break;
        case 'k':
            keep = 1;
            break;
        default:
            fprintf(stderr, "usage: bench_store [--items N] [--submits N] [--runs N] "
                            "[--dir DIR] [--keep]\n");
            return 1;
        }
    }
    if (items < 1000 || submits < 10 || runs < 10) {
        fprintf(stderr, "bench_store: --items >= 1000, --submits >= 10, --runs >= 10\n");
        return 1;
    }
    trygg_log_init("bench");
    trygg_log_set_level(TRYGG_LOG_WARN);
    if (trygg_secret_init())
        return 1;
    /* On disk (not tmpfs), so fsync costs what it costs: default the
     * current directory. */
    char tmpl[1024];
    if (!dir) {
        snprintf(tmpl, sizeof tmpl, "./bench-store-XXXXXX");
        if (!mkdtemp(tmpl)) {
            perror("mkdtemp");
            return 1;
        }
        dir = tmpl;
    }
    printf("bench_store: directory %s, SQLite %s\n", dir, sqlite3_libversion());

    double raw = bench_raw(dir, submits);
    double lib = bench_submit(dir, submits);
    printf("durable commits/s: trygg_store_submit %.0f, raw single-row INSERT %.0f, "
           "ratio %.2f (%d each, WAL, synchronous=FULL)\n",
           lib, raw, lib / raw, submits);
    fflush(stdout);

    char path[1100];
    snprintf(path, sizeof path, "%s/big.db", dir);
    trygg_store *st;
    if (trygg_store_open(path, &st))
        die("open big.db", NULL);
    fill(st, items);

    trygg_filter f;
    trygg_filter_init(&f);
    f.view = TRYGG_VIEW_FULL;
    bench_list(st, "(no filter)", &f, runs);
    f.status = TRYGG_STATUS_NEW;
    snprintf(f.area, sizeof f.area, "gota");
    bench_list(st, "status=new area=gota", &f, runs);
    trygg_filter_init(&f);
    f.view = TRYGG_VIEW_FULL;
    f.open_only = 1;
    f.kind = TRYGG_KIND_TIP;
    bench_list(st, "open tips", &f, runs);
    trygg_filter_init(&f);
    f.view = TRYGG_VIEW_FULL;
    snprintf(f.category, sizeof f.category, "graffiti");
    snprintf(f.area, sizeof f.area, "centrum");
    f.status = TRYGG_STATUS_CLOSED;
    bench_list(st, "closed graffiti in centrum", &f, runs);
    trygg_filter_init(&f);
    f.view = TRYGG_VIEW_FULL;
    snprintf(f.query, sizeof f.query, "brandlarmet");
    bench_list(st, "full text 'brandlarmet'", &f, runs);
    snprintf(f.query, sizeof f.query, "klotter");
    bench_list(st, "full text 'klotter'", &f, runs);
    snprintf(f.query, sizeof f.query, "mörkt");
    bench_list(st, "full text 'mörkt'", &f, runs);
    snprintf(f.query, sizeof f.query, "cykel stulen");
    bench_list(st, "full text 'cykel stulen'", &f, runs);
    trygg_filter_init(&f);
    f.view = TRYGG_VIEW_FULL;
    snprintf(f.query, sizeof f.query, "bilar");
    f.status = TRYGG_STATUS_NEW;
    bench_list(st, "full text 'bilar' status=new", &f, runs);
    trygg_store_close(st);

    if (!keep) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_store: could not remove %s\n", dir);
    }
    return 0;
}
