/*
 * bench_scale.c — issue 17's intake figure, printed side by side in one
 * run: kiosk submissions per second through 1, 2 and 4 real trygg-server
 * processes on one PostgreSQL database, beside one process on a SQLite
 * file (the embedded default). The same method as bench_server's intake
 * figure: C keep-alive clients (libcurl), each from its own loopback
 * address, posting kiosk submissions for SECONDS; a 201 means the item is
 * committed. Client i talks to server i mod N (a front such as nginx
 * spreads the same way).
 *
 *   bench_scale [-c CLIENTS] [-t SECONDS] [-i 1,2,4] [--pg ADMIN_URL]
 *
 * Each configuration gets a new data directory made by the real tryggctl
 * (init, kiosk add), the shipped assets/config/server.ini (port 0) and, for
 * PostgreSQL, a new database on ADMIN_URL's cluster; without --pg a
 * throw-away cluster is started with tests/pg/cluster.sh (fsync off, as
 * for the tests: say so beside the figures). The machine's load average is
 * printed with the figures: on a shared machine they are a floor.
 */
#include <curl/curl.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_CLIENTS 256
#define MAX_SERVERS 8

static double run_s = 10.0;
static int nclients = 32;
static atomic_long seq;
static char token[128];
static char base[MAX_SERVERS][64];
static int nservers;

typedef struct worker {
    int id;
    double deadline;
    double *lat;
    long n, cap, errors;
} worker;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_lat(worker *w, double s)
{
    if (w->n == w->cap) {
        long ncap = w->cap ? w->cap * 2 : 4096;
        double *nl = realloc(w->lat, (size_t)ncap * sizeof *nl);
        if (!nl) {
            w->errors++;
            return;
        }
        w->lat = nl;
        w->cap = ncap;
    }
    w->lat[w->n++] = s;
}

static size_t sink(char *p, size_t sz, size_t n, void *arg)
{
    (void)p, (void)arg;
    return sz * n;
}

static void *client_main(void *arg)
{
    worker *w = arg;
    CURL *cu = curl_easy_init();
    char url[128], auth[192], src[32], body[512];
    snprintf(url, sizeof url, "%s/api/v1/submissions", base[w->id % nservers]);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, auth);
    h = curl_slist_append(h, "Expect:");
    snprintf(src, sizeof src, "127.0.%d.%d", 1 + w->id / 250, 1 + w->id % 250);
    curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(cu, CURLOPT_INTERFACE, src);
    curl_easy_setopt(cu, CURLOPT_URL, url);
    curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(cu, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(cu, CURLOPT_TIMEOUT, 30L);
    while (now_s() < w->deadline) {
        long i = atomic_fetch_add(&seq, 1);
        snprintf(body, sizeof body,
                 "{\"uuid\":\"%08lx-5ca1-4b00-8000-%012lx\",\"kind\":\"concern\","
                 "\"category\":\"lighting\",\"area\":\"lodose\",\"when\":\"evenings\","
                 "\"text\":\"Mörkt vid gångtunneln på kvällarna, nummer %ld\",\"lang\":\"sv\"}",
                 i & 0xffffffffL, i, i);
        curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
        double t0 = now_s();
        CURLcode rc = curl_easy_perform(cu);
        long code = 0;
        curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &code);
        if (rc != CURLE_OK || code != 201)
            w->errors++;
        else
            add_lat(w, now_s() - t0);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(cu);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct result {
    double ops_s, p50_ms, p99_ms;
    long ops, errors;
} result;

static result load(void)
{
    static worker ws[MAX_CLIENTS];
    pthread_t th[MAX_CLIENTS];
    double t0 = now_s();
    for (int i = 0; i < nclients; i++) {
        ws[i] = (worker){.id = i, .deadline = t0 + run_s};
        pthread_create(&th[i], NULL, client_main, &ws[i]);
    }
    for (int i = 0; i < nclients; i++)
        pthread_join(th[i], NULL);
    double dt = now_s() - t0;
    result r = {0};
    for (int i = 0; i < nclients; i++)
        r.ops += ws[i].n, r.errors += ws[i].errors;
    double *all = calloc((size_t)r.ops + 1, sizeof *all);
    long k = 0;
    for (int i = 0; i < nclients; i++) {
        if (all && ws[i].n)
            memcpy(all + k, ws[i].lat, (size_t)ws[i].n * sizeof *all);
        k += ws[i].n;
        free(ws[i].lat);
    }
    if (all && r.ops > 0) {
        qsort(all, (size_t)r.ops, sizeof *all, cmp);
        r.p50_ms = all[r.ops / 2] * 1e3;
        r.p99_ms = all[r.ops * 99 / 100] * 1e3;
    }
    free(all);
    r.ops_s = (double)r.ops / dt;
    return r;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_scale: %s\n", what);
    exit(1);
}

/* Runs a shell command; exits on failure. */
static void sh(const char *cmd)
{
    if (system(cmd) != 0) {
        fprintf(stderr, "bench_scale: failed: %s\n", cmd);
        exit(1);
    }
}

/* The port server k's log announces (0 while it has not). */
static int port_of(const char *log)
{
    FILE *f = fopen(log, "r");
    char line[512];
    int port = 0;
    while (f && !port && fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "listening on 127.0.0.1:");
        if (p)
            port = atoi(p + strlen("listening on 127.0.0.1:"));
    }
    if (f)
        fclose(f);
    return port;
}

/* Data directory `dir` for database `db` ("" = SQLite in dir): tryggctl
 * init and kiosk add (the token into `token`), server.ini from assets. */
static void make_data(const char *dir, const char *db)
{
    char cmd[4096];
    snprintf(
        cmd, sizeof cmd,
        "set -e; export TRYGG_DATABASE='%s'; [ -n \"$TRYGG_DATABASE\" ] || unset "
        "TRYGG_DATABASE; '%s' -d '%s' init >/dev/null; '%s' -d '%s' kiosk add bench "
        "--name Bench --area lodose > '%s/token' 2>/dev/null; mv '%s/keys/number.key' '%s/gw.key'; "
        "awk -v u='%s' -v d='%s' '{ if ($0 ~ /^; database = / && u != \"\") print \"database = \" "
        "u;"
        " else { gsub(/@DATA@/, d); gsub(/@PORT@/, \"0\"); print } }' "
        "'%s/assets/config/server.ini' > '%s/server.ini'; cp '%s/assets/config/routing.ini' '%s/'",
        db, TRYGG_CTL_BIN, dir, TRYGG_CTL_BIN, dir, dir, dir, dir, db, dir, TRYGG_SOURCE_DIR, dir,
        TRYGG_SOURCE_DIR, dir);
    sh(cmd);
    char path[600];
    snprintf(path, sizeof path, "%s/token", dir);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(token, sizeof token, f))
        die("no kiosk token");
    fclose(f);
    token[strcspn(token, "\r\n")] = '\0';
}

/* Starts n servers on the server.ini in `dir`; their pids into pids[]. */
static void start_servers(const char *dir, int n, pid_t *pids)
{
    char ini[600], log[600];
    snprintf(ini, sizeof ini, "%s/server.ini", dir);
    for (int k = 0; k < n; k++) {
        snprintf(log, sizeof log, "%s/server%d.log", dir, k);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        char *argv[] = {(char *)TRYGG_SERVER_BIN, (char *)"-c", ini, NULL};
        if (posix_spawn(&pids[k], TRYGG_SERVER_BIN, &fa, NULL, argv, environ) != 0)
            die("cannot start trygg-server");
        posix_spawn_file_actions_destroy(&fa);
        int port = 0;
        for (int i = 0; i < 300 && !(port = port_of(log)); i++)
            nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
        if (!port)
            die("a server did not start (see its log)");
        snprintf(base[k], sizeof base[k], "http://127.0.0.1:%d", port);
    }
    nservers = n;
}

static void stop_servers(pid_t *pids, int n)
{
    for (int k = 0; k < n; k++)
        kill(pids[k], SIGTERM);
    for (int k = 0; k < n; k++)
        waitpid(pids[k], NULL, 0);
}

/* One configuration: n servers on `db` (PostgreSQL admin URL `admin` and a
 * new database, or SQLite when admin is NULL). */
static result one(const char *admin, int n)
{
    char dir[] = "/tmp/trygg-scale-XXXXXX", db[512] = "", dbname[64] = "", cmd[1024];
    if (!mkdtemp(dir))
        die("mkdtemp");
    if (admin) {
        snprintf(dbname, sizeof dbname, "trygg_scale_%d_%d", (int)getpid(), n);
        snprintf(cmd, sizeof cmd, "psql -q '%s' -c 'CREATE DATABASE %s' >/dev/null", admin, dbname);
        sh(cmd);
        const char *q = strchr(admin, '?');
        snprintf(db, sizeof db, "postgresql:///%s%s", dbname, q ? q : "");
    }
    make_data(dir, db);
    pid_t pids[MAX_SERVERS];
    start_servers(dir, n, pids);
    result r = load();
    stop_servers(pids, n);
    if (admin) {
        snprintf(cmd, sizeof cmd,
                 "psql -q '%s' -c 'DROP DATABASE IF EXISTS %s WITH (FORCE)' >/dev/null", admin,
                 dbname);
        sh(cmd);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    sh(cmd);
    return r;
}

static void print_row(const char *backend, int n, result r, double one_pg)
{
    printf("%-11s %7d %9.0f %8.1f %8.1f %7ld", backend, n, r.ops_s, r.p50_ms, r.p99_ms, r.errors);
    if (one_pg > 0)
        printf(" %8.2fx", r.ops_s / one_pg);
    printf("\n");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"pg", required_argument, NULL, 'p'}, {NULL, 0, NULL, 0}};
    const char *admin = NULL, *counts = "1,2,4";
    int c;
    while ((c = getopt_long(argc, argv, "c:t:i:", opts, NULL)) != -1) {
        if (c == 'c')
            nclients = atoi(optarg);
        else if (c == 't')
            run_s = atof(optarg);
        else if (c == 'i')
            counts = optarg;
        else if (c == 'p')
            admin = optarg;
        else
            die("usage: bench_scale [-c CLIENTS] [-t SECONDS] [-i 1,2,4] [--pg ADMIN_URL]");
    }
    if (nclients < 1 || nclients > MAX_CLIENTS || run_s <= 0)
        die("bad -c or -t");
    char cluster[] = "/tmp/trygg-scale-pg-XXXXXX", url[600], cmd[1024];
    int own = !admin;
    if (own) {
        if (!mkdtemp(cluster))
            die("mkdtemp");
        snprintf(cmd, sizeof cmd, "sh '%s/tests/pg/cluster.sh' start '%s' >/dev/null",
                 TRYGG_SOURCE_DIR, cluster);
        sh(cmd);
        snprintf(url, sizeof url, "postgresql:///postgres?host=%s&port=5432&user=trygg", cluster);
        admin = url;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    double la[3] = {0};
    if (getloadavg(la, 3) < 0)
        la[0] = -1;
    printf("intake: kiosk submissions, %d clients, %.0f s per row, %ld cores, load %.1f at the "
           "start%s\n",
           nclients, run_s, sysconf(_SC_NPROCESSORS_ONLN), la[0],
           own ? "; PostgreSQL: throw-away cluster, fsync off" : "");
    printf("%-11s %7s %9s %8s %8s %7s %9s\n", "backend", "servers", "items/s", "p50 ms", "p99 ms",
           "errors", "vs 1 PG");
    print_row("sqlite", 1, one(NULL, 1), 0);
    double one_pg = 0;
    for (const char *p = counts; *p;) {
        int n = atoi(p);
        if (n < 1 || n > MAX_SERVERS)
            die("-i: 1..8 servers");
        result r = one(admin, n);
        if (one_pg == 0)
            one_pg = r.ops_s > 0 ? r.ops_s : 1;
        print_row("postgresql", n, r, one_pg);
        p = strchr(p, ',');
        p = p ? p + 1 : "";
    }
    if (getloadavg(la, 3) >= 0)
        printf("load %.1f at the end\n", la[0]);
    if (own) {
        snprintf(cmd, sizeof cmd, "sh '%s/tests/pg/cluster.sh' stop '%s'", TRYGG_SOURCE_DIR,
                 cluster);
        sh(cmd);
    }
    curl_global_cleanup();
    return 0;
}
