/*
 * ops.c — /healthz and /metrics.
 *
 * /healthz: 200 {"status":"ok","db":"ok",...} or 503 when the database does
 * not answer. /metrics: items by status and by channel, outbox depths by
 * status, forwarding failures, request latency histogram, kiosk heartbeat
 * ages, gateway health age, group-commit figures, requests and latency per
 * route, HTTP saturation, process memory and file descriptors, WAL size.
 *
 * Per-route figures are labelled by the matched route's pattern
 * (http_req.route: "/open311/v2/requests/" and a star, say) and a bounded
 * method name, never by the raw path, so the number of series is at most
 * the route table's size (requests that matched no route count under
 * route="unmatched"). The table below is appended to under a mutex and read
 * without one.
 */
#include "ops.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "trygg/buf.h"
#include "trygg/log.h"
#include <fcntl.h>

#include "intake.h"
#include "trygg/route.h"

/* Upper bounds in seconds of the latency buckets. */
static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
#define NB ((int)(sizeof bounds / sizeof bounds[0]))

static atomic_llong bucket[NB + 1]; /* last = +Inf */
static atomic_llong sum_us;
static atomic_llong by_class[6]; /* 1xx..5xx by first digit */

/* Figures of one (route pattern, method). */
typedef struct route_stat {
    const char *route;  /* the route table's pattern, or "unmatched" */
    const char *method; /* one of methods[] */
    atomic_llong by_class[6];
    atomic_llong bucket[NB + 1];
    atomic_llong sum_us;
} route_stat;

#define MAX_ROUTE_STATS 256
static route_stat rstats[MAX_ROUTE_STATS];
static atomic_int nrstats;
static pthread_mutex_t rstats_mu = PTHREAD_MUTEX_INITIALIZER;

static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};

/* A method name from a fixed set ("OTHER" for anything else). */
static const char *bounded_method(const char *m)
{
    for (size_t i = 0; m && i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(m, methods[i]) == 0)
            return methods[i];
    return "OTHER";
}

static route_stat *find_stat(int n, const char *route, const char *method)
{
    for (int i = 0; i < n; i++)
        if (rstats[i].method == method &&
            (rstats[i].route == route || strcmp(rstats[i].route, route) == 0))
            return &rstats[i];
    return NULL;
}

/* The figures of (route, method), added on first use; NULL when full. */
static route_stat *route_stat_for(const char *route, const char *method)
{
    route_stat *r = find_stat(atomic_load_explicit(&nrstats, memory_order_acquire), route, method);
    if (r)
        return r;
    pthread_mutex_lock(&rstats_mu);
    int n = atomic_load_explicit(&nrstats, memory_order_relaxed);
    r = find_stat(n, route, method);
    if (r == NULL && n < MAX_ROUTE_STATS) {
        r = &rstats[n];
        r->route = route;
        r->method = method;
        atomic_store_explicit(&nrstats, n + 1, memory_order_release);
    }
    pthread_mutex_unlock(&rstats_mu);
    return r;
}

void ops_observe(void *ctx, const http_req *req, int status, int64_t elapsed_us)
{
    (void)ctx;
    double s = (double)elapsed_us / 1e6;
    int i = 0;
    while (i < NB && s > bounds[i])
        i++;
    atomic_fetch_add(&bucket[i], 1);
    atomic_fetch_add(&sum_us, elapsed_us);
    int c = status / 100;
    if (c >= 1 && c <= 5)
        atomic_fetch_add(&by_class[c], 1);
    route_stat *r = route_stat_for(req && req->route ? req->route : "unmatched",
                                   bounded_method(req ? req->method : NULL));
    if (r) {
        atomic_fetch_add(&r->bucket[i], 1);
        atomic_fetch_add(&r->sum_us, elapsed_us);
        if (c >= 1 && c <= 5)
            atomic_fetch_add(&r->by_class[c], 1);
    }
}

/* ---- the metrics text ------------------------------------------------------- */

#define METRICS_MAX (4 * 1024 * 1024)

/* Appends to the metrics text. A failure (cap passed, no memory) is sticky in
 * the buffer and checked once, at the end of h_metrics (trygg_buf_err). */
__attribute__((format(printf, 2, 3))) static void tb_printf(trygg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    trygg_ignore(trygg_buf_vprintf(b, fmt, ap)); /* sticky: checked at the end */
    va_end(ap);
}

/* Prometheus label value escaping: backslash, quote, newline. */
static void esc_label(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 3 < cap; in++) {
        if (*in == '\\' || *in == '"') {
            out[o++] = '\\';
            out[o++] = *in;
        } else if (*in == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else {
            out[o++] = *in;
        }
    }
    out[o] = '\0';
}

/* ---- /healthz ------------------------------------------------------------------ */

static void h_healthz(void *vctx, const http_req *req, http_resp *resp)
{
    (void)req;
    server_ctx *ctx = vctx;
    trygg_store *st = server_store(ctx);
    int db_ok = st && trygg_store_ping(st) == TRYGG_OK;
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string(db_ok ? "ok" : "unavailable"));
    json_object_set_new(o, "db", json_string(db_ok ? "ok" : "error"));
    json_object_set_new(o, "version", json_string(TRYGG_VERSION));
    int64_t now = (int64_t)time(NULL);
    json_object_set_new(o, "uptime_s", json_integer(now - ctx->started));
    /* Urgent items alert the on-call address; without one they alert nobody. */
    int oncall = ctx->routes && trygg_routes_oncall(ctx->routes)[0] != '\0';
    json_object_set_new(o, "oncall", json_string(oncall ? "ok" : "missing"));
    json_t *warnings = json_array();
    if (!oncall)
        json_array_append_new(warnings, json_string("no_oncall"));
    json_object_set_new(o, "warnings", warnings);
    if (db_ok) {
        char js[2048]; /* the gateway's record: at most GW_HEALTH_MAX bytes */
        int64_t updated = 0;
        if (trygg_store_health_get(st, "smsgw", js, sizeof js, &updated) == TRYGG_OK) {
            json_object_set_new(o, "smsgw_age_s", json_integer(now - updated));
            /* The gateway's alert (modem watchdog, SIM, balance: docs/smsgw.md). */
            json_t *h = json_loads(js, 0, NULL);
            const char *alert = json_string_value(json_object_get(h, "alert"));
            if (alert && strcmp(alert, "ok") != 0)
                json_array_append_new(warnings, json_string("smsgw_alert"));
            json_decref(h);
        } else
            json_object_set_new(o, "smsgw_age_s", json_null());
    }
    http_resp_json(resp, db_ok ? 200 : 503, o);
    http_resp_header(resp, "Cache-Control", "no-store");
}

/* ---- /metrics ------------------------------------------------------------------ */

static int count_cb(void *vctx, const char *key, int64_t count)
{
    void **a = vctx;
    trygg_buf *b = a[0];
    const char *metric = a[1], *label = a[2];
    char k[128];
    esc_label(key, k, sizeof k);
    tb_printf(b, "%s{%s=\"%s\"} %lld\n", metric, label, k, (long long)count);
    return 0;
}

static void route_metrics(trygg_buf *b)
{
    int n = atomic_load_explicit(&nrstats, memory_order_acquire);
    tb_printf(b, "# HELP trygg_http_route_requests_total Answered HTTP requests by route "
                 "pattern, method and status class.\n"
                 "# TYPE trygg_http_route_requests_total counter\n");
    for (int i = 0; i < n; i++) {
        char rt[256];
        esc_label(rstats[i].route, rt, sizeof rt);
        for (int c = 1; c <= 5; c++) {
            long long v = atomic_load(&rstats[i].by_class[c]);
            if (v)
                tb_printf(b,
                          "trygg_http_route_requests_total{route=\"%s\",method=\"%s\","
                          "code=\"%dxx\"} %lld\n",
                          rt, rstats[i].method, c, v);
        }
    }
    tb_printf(b, "# HELP trygg_http_route_duration_seconds Time from request arrival to "
                 "answer, by route pattern and method.\n"
                 "# TYPE trygg_http_route_duration_seconds histogram\n");
    for (int i = 0; i < n; i++) {
        char rt[256];
        esc_label(rstats[i].route, rt, sizeof rt);
        const char *m = rstats[i].method;
        long long cum = 0;
        for (int k = 0; k <= NB; k++) {
            cum += atomic_load(&rstats[i].bucket[k]);
            if (k < NB)
                tb_printf(b,
                          "trygg_http_route_duration_seconds_bucket{route=\"%s\",method=\"%s\","
                          "le=\"%g\"} %lld\n",
                          rt, m, bounds[k], cum);
            else
                tb_printf(b,
                          "trygg_http_route_duration_seconds_bucket{route=\"%s\",method=\"%s\","
                          "le=\"+Inf\"} %lld\n",
                          rt, m, cum);
        }
        tb_printf(b,
                  "trygg_http_route_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n"
                  "trygg_http_route_duration_seconds_count{route=\"%s\",method=\"%s\"} %lld\n",
                  rt, m, (double)atomic_load(&rstats[i].sum_us) / 1e6, rt, m, cum);
    }
}

/* Open file descriptors: /proc/self/fd, or (when that is not readable, e.g.
 * after dropping root made the process non-dumpable) a probe of every
 * descriptor below the limit. -1 if neither works. */
static long long open_fds(long long max_fds)
{
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        long long n = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            n += e->d_name[0] != '.';
        closedir(d);
        return n - 1; /* the directory's own descriptor */
    }
    if (max_fds <= 0)
        return -1;
    long long n = 0;
    for (long long fd = 0; fd < max_fds && fd < 65536; fd++)
        n += fcntl((int)fd, F_GETFD) != -1;
    return n;
}

static void process_metrics(trygg_buf *b)
{
    long long rss = -1;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        long long size = 0, resident = 0;
        if (fscanf(f, "%lld %lld", &size, &resident) == 2)
            rss = resident * (long long)sysconf(_SC_PAGESIZE);
        fclose(f);
    }
    struct rlimit rl;
    long long max_fds = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
                            ? (long long)rl.rlim_cur
                            : -1;
    tb_printf(b,
              "# HELP process_resident_memory_bytes Resident memory of the server process.\n"
              "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %lld\n"
              "# HELP process_open_fds Open file descriptors (sockets, database, logs).\n"
              "# TYPE process_open_fds gauge\nprocess_open_fds %lld\n"
              "# HELP process_max_fds The open-file limit.\n"
              "# TYPE process_max_fds gauge\nprocess_max_fds %lld\n",
              rss, open_fds(max_fds), max_fds);
}

/* Sizes of the database file and its write-ahead log (0 when there is no
 * -wal file, e.g. after a clean shutdown). */
static void db_file_metrics(trygg_buf *b, const char *db_path)
{
    if (trygg_store_is_postgresql(db_path))
        return; /* PostgreSQL's own size and WAL are its exporter's (docs/postgresql.md) */
    char wal[sizeof((server_config *)0)->db_path + 8];
    snprintf(wal, sizeof wal, "%s-wal", db_path);
    struct stat sb;
    long long db = stat(db_path, &sb) == 0 ? (long long)sb.st_size : -1;
    long long wb = stat(wal, &sb) == 0 ? (long long)sb.st_size : 0;
    tb_printf(b,
              "# HELP trygg_db_bytes Size of the database file (-1 = missing).\n"
              "# TYPE trygg_db_bytes gauge\ntrygg_db_bytes %lld\n"
              "# HELP trygg_db_wal_bytes Size of the database's write-ahead log (-wal file).\n"
              "# TYPE trygg_db_wal_bytes gauge\ntrygg_db_wal_bytes %lld\n",
              db, wb);
}

/* Items by status and channel, the outboxes and forwards. */
static void queue_metrics(trygg_buf *b, trygg_store *st)
{
    trygg_filter f;
    trygg_filter_init(&f);
    tb_printf(b, "# HELP trygg_items Items in the queue by status.\n"
                 "# TYPE trygg_items gauge\n");
    void *a1[] = {b, "trygg_items", "status"};
    int count_failed = trygg_store_count(st, &f, "status", count_cb, a1) != TRYGG_OK;
    tb_printf(b, "# HELP trygg_items_by_channel Items in the queue by channel.\n"
                 "# TYPE trygg_items_by_channel gauge\n");
    void *a2[] = {b, "trygg_items_by_channel", "channel"};
    count_failed |= trygg_store_count(st, &f, "channel", count_cb, a2) != TRYGG_OK;
    if (count_failed)
        TRYGG_WARN("metrics: counting items failed: %s", trygg_store_errmsg(st));

    static const char *const names[2] = {"sms", "notify"};
    static const char *const help[2] = {"SMS outbox rows by status.",
                                        "Notification (forward) outbox rows by status."};
    int64_t failures[2] = {0, 0}, dead[2] = {0, 0};
    for (int o = 0; o < 2; o++) {
        int64_t counts[TRYGG_OUT_COUNT];
        if (trygg_store_outbox_counts(st, names[o], counts, &failures[o]) != TRYGG_OK)
            continue;
        dead[o] = counts[TRYGG_OUT_DEAD];
        tb_printf(b, "# HELP trygg_%s_outbox %s\n# TYPE trygg_%s_outbox gauge\n", names[o], help[o],
                  names[o]);
        for (int s = 0; s < TRYGG_OUT_COUNT; s++)
            tb_printf(b, "trygg_%s_outbox{status=\"%s\"} %lld\n", names[o],
                      trygg_out_status_name((trygg_out_status)s), (long long)counts[s]);
    }
    tb_printf(b,
              "# HELP trygg_forward_failed_attempts Failed send attempts of forwards not "
              "yet sent.\n# TYPE trygg_forward_failed_attempts gauge\n"
              "trygg_forward_failed_attempts %lld\n"
              "# HELP trygg_forward_dead Forwards that gave up (dead letters).\n"
              "# TYPE trygg_forward_dead gauge\ntrygg_forward_dead %lld\n",
              (long long)failures[1], (long long)dead[1]);
}

/* Heartbeat age and outbox depth of each kiosk. */
static void kiosk_metrics(trygg_buf *b, trygg_store *st, int64_t now)
{
    trygg_kiosk *ks = calloc(256, sizeof *ks);
    int nk = 0;
    if (ks && trygg_store_kiosk_list(st, ks, 256, &nk) == TRYGG_OK) {
        tb_printf(b, "# HELP trygg_kiosk_heartbeat_age_seconds Seconds since each "
                     "kiosk's last heartbeat (-1 = never).\n"
                     "# TYPE trygg_kiosk_heartbeat_age_seconds gauge\n");
        for (int i = 0; i < nk; i++) {
            if (ks[i].revoked)
                continue;
            char id[2 * TRYGG_NAME_MAX + 2];
            esc_label(ks[i].id, id, sizeof id);
            tb_printf(b, "trygg_kiosk_heartbeat_age_seconds{kiosk=\"%s\"} %lld\n", id,
                      (long long)(ks[i].last_seen ? now - ks[i].last_seen : -1));
        }
        tb_printf(b, "# HELP trygg_kiosk_outbox_depth Items waiting in each kiosk.\n"
                     "# TYPE trygg_kiosk_outbox_depth gauge\n");
        for (int i = 0; i < nk; i++) {
            if (ks[i].revoked)
                continue;
            char id[2 * TRYGG_NAME_MAX + 2];
            esc_label(ks[i].id, id, sizeof id);
            tb_printf(b, "trygg_kiosk_outbox_depth{kiosk=\"%s\"} %d\n", id, ks[i].outbox_depth);
        }
    }
    free(ks);
}

/* Each modem of the gateway with a modem label: "1" the top-level fields
 * of the record ([modem]), "2" its "modem2" part ([modem2], docs/smsgw.md
 * "Two modems"). */
static void smsgw_modem_metrics(trygg_buf *b, const json_t *h, const char *const steps[6])
{
    const json_t *m[2] = {h, json_object_get(h, "modem2")};
    tb_printf(b, "# HELP trygg_smsgw_modem_connected 1 when the modem is connected.\n"
                 "# TYPE trygg_smsgw_modem_connected gauge\n");
    for (int i = 0; i < 2; i++)
        if (json_is_boolean(json_object_get(m[i], "connected")))
            tb_printf(b, "trygg_smsgw_modem_connected{modem=\"%d\"} %d\n", i + 1,
                      json_is_true(json_object_get(m[i], "connected")));
    tb_printf(b, "# HELP trygg_smsgw_modem_watchdog_step The modem's watchdog step (as "
                 "trygg_smsgw_watchdog_step).\n"
                 "# TYPE trygg_smsgw_modem_watchdog_step gauge\n");
    for (int i = 0; i < 2; i++) {
        const char *wd = json_string_value(json_object_get(m[i], "watchdog"));
        for (int k = 0; wd && k < 6; k++)
            if (strcmp(wd, steps[k]) == 0)
                tb_printf(b, "trygg_smsgw_modem_watchdog_step{modem=\"%d\"} %d\n", i + 1, k);
    }
}

/* The gateway's delivery reports, modem watchdog and SIM from its health
 * record (docs/smsgw.md "A modem that heals itself"). */
static void smsgw_healing_metrics(trygg_buf *b, const char *js)
{
    static const char *const steps[] = {"ok",         "reconnect", "soft_reset",
                                        "hard_reset", "command",   "alert"};
    static const struct {
        const char *key, *metric, *help;
    } counts[] = {
        {"watchdog_actions", "trygg_smsgw_watchdog_actions", "Watchdog steps taken."},
        {"recoveries", "trygg_smsgw_watchdog_recoveries", "Times the modem recovered."},
        {"delivered", "trygg_smsgw_delivered", "SMS the network reported delivered."},
        {"undelivered", "trygg_smsgw_undelivered", "SMS the network reported not delivered."},
        {"sim_memory", "trygg_smsgw_sim_memory_percent", "SMS memory used (percent)."},
        {"balance", "trygg_smsgw_balance", "Prepaid balance (-1 = unknown)."},
    };
    json_t *h = json_loads(js, 0, NULL);
    if (!h)
        return;
    const char *wd = json_string_value(json_object_get(h, "watchdog"));
    for (size_t i = 0; wd && i < sizeof steps / sizeof steps[0]; i++)
        if (strcmp(wd, steps[i]) == 0)
            tb_printf(b,
                      "# HELP trygg_smsgw_watchdog_step The modem watchdog's step (0 ok, 1 "
                      "reconnect, 2 soft reset, 3 hard reset, 4 command, 5 alert).\n"
                      "# TYPE trygg_smsgw_watchdog_step gauge\ntrygg_smsgw_watchdog_step %d\n",
                      (int)i);
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        json_t *v = json_object_get(h, counts[i].key);
        if (json_is_integer(v))
            tb_printf(b, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", counts[i].metric,
                      counts[i].help, counts[i].metric, counts[i].metric,
                      (long long)json_integer_value(v));
    }
    smsgw_modem_metrics(b, h, steps);
    json_decref(h);
}

/* Age of the SMS gateway's last health report. */
static void smsgw_metrics(trygg_buf *b, trygg_store *st, int64_t now)
{
    char js[2048]; /* the gateway's record: at most GW_HEALTH_MAX bytes */
    int64_t updated = 0;
    tb_printf(b, "# HELP trygg_smsgw_health_age_seconds Seconds since the SMS gateway "
                 "last reported (-1 = never).\n"
                 "# TYPE trygg_smsgw_health_age_seconds gauge\n");
    int have = trygg_store_health_get(st, "smsgw", js, sizeof js, &updated) == TRYGG_OK;
    tb_printf(b, "trygg_smsgw_health_age_seconds %lld\n", (long long)(have ? now - updated : -1));
    if (have)
        smsgw_healing_metrics(b, js);
}

/* Group commits and the request counters and latency histogram. */
static void request_metrics(trygg_buf *b)
{
    int64_t batches = 0, items = 0;
    intake_stats(&batches, &items);
    tb_printf(b,
              "# HELP trygg_intake_commits_total Group commits of new items.\n"
              "# TYPE trygg_intake_commits_total counter\ntrygg_intake_commits_total %lld\n"
              "# HELP trygg_intake_items_total Items handled by group commits.\n"
              "# TYPE trygg_intake_items_total counter\ntrygg_intake_items_total %lld\n",
              (long long)batches, (long long)items);

    tb_printf(b, "# HELP trygg_http_requests_total Answered HTTP requests by status class.\n"
                 "# TYPE trygg_http_requests_total counter\n");
    for (int c = 1; c <= 5; c++)
        tb_printf(b, "trygg_http_requests_total{code=\"%dxx\"} %lld\n", c,
                  (long long)atomic_load(&by_class[c]));
    tb_printf(b, "# HELP trygg_http_request_duration_seconds Time from request arrival to "
                 "answer.\n# TYPE trygg_http_request_duration_seconds histogram\n");
    long long cum = 0;
    for (int i = 0; i <= NB; i++) {
        cum += atomic_load(&bucket[i]);
        if (i < NB)
            tb_printf(b, "trygg_http_request_duration_seconds_bucket{le=\"%g\"} %lld\n", bounds[i],
                      cum);
        else
            tb_printf(b, "trygg_http_request_duration_seconds_bucket{le=\"+Inf\"} %lld\n", cum);
    }
    tb_printf(b, "trygg_http_request_duration_seconds_sum %.6f\n",
              (double)atomic_load(&sum_us) / 1e6);
    tb_printf(b, "trygg_http_request_duration_seconds_count %lld\n", cum);
}

/* Connections and worker threads of the HTTP server. */
static void connection_metrics(trygg_buf *b)
{
    http_stats hs;
    http_stats_get(&hs);
    tb_printf(b,
              "# HELP trygg_http_connections Open HTTP connections.\n"
              "# TYPE trygg_http_connections gauge\ntrygg_http_connections %lld\n"
              "# HELP trygg_http_connections_max The connection limit.\n"
              "# TYPE trygg_http_connections_max gauge\ntrygg_http_connections_max %lld\n"
              "# HELP trygg_http_threads_busy Worker threads running a handler now.\n"
              "# TYPE trygg_http_threads_busy gauge\ntrygg_http_threads_busy %lld\n"
              "# HELP trygg_http_threads Worker threads.\n"
              "# TYPE trygg_http_threads gauge\ntrygg_http_threads %lld\n"
              "# HELP trygg_http_rejected_per_ip_total Connections refused by the "
              "per-address limit.\n# TYPE trygg_http_rejected_per_ip_total counter\n"
              "trygg_http_rejected_per_ip_total %lld\n"
              "# HELP trygg_http_deadline_closed_total Connections closed for sending "
              "headers or a body too slowly.\n# TYPE trygg_http_deadline_closed_total counter\n"
              "trygg_http_deadline_closed_total %lld\n"
              "# HELP trygg_http_refused_total Requests refused as malformed or "
              "smuggling-shaped.\n# TYPE trygg_http_refused_total counter\n"
              "trygg_http_refused_total %lld\n"
              "# HELP trygg_http_waiting Requests put aside without a thread (the gateways' "
              "long polls for replies).\n# TYPE trygg_http_waiting gauge\n"
              "trygg_http_waiting %lld\n",
              (long long)hs.connections, (long long)hs.max_connections, (long long)hs.busy,
              (long long)hs.threads, (long long)hs.rejected_per_ip, (long long)hs.closed_deadline,
              (long long)hs.refused_protocol, (long long)hs.waiting);
}

static void h_metrics(void *vctx, const http_req *req, http_resp *resp)
{
    (void)req;
    server_ctx *ctx = vctx;
    trygg_buf b;
    trygg_buf_init(&b, METRICS_MAX);
    int64_t now = (int64_t)time(NULL);
    trygg_store *st = server_store(ctx);
    int db_ok = st && trygg_store_ping(st) == TRYGG_OK;

    tb_printf(&b,
              "# HELP trygg_up 1 if the database answers.\n# TYPE trygg_up gauge\n"
              "trygg_up %d\n",
              db_ok);
    tb_printf(&b,
              "# HELP trygg_uptime_seconds Seconds since the server started.\n"
              "# TYPE trygg_uptime_seconds gauge\ntrygg_uptime_seconds %lld\n",
              (long long)(now - ctx->started));
    if (db_ok) {
        queue_metrics(&b, st);
        kiosk_metrics(&b, st, now);
        smsgw_metrics(&b, st, now);
    }
    request_metrics(&b);
    route_metrics(&b);
    process_metrics(&b);
    db_file_metrics(&b, ctx->cfg.db_path);
    connection_metrics(&b);

    if (trygg_buf_err(&b) != TRYGG_OK) {
        trygg_buf_free(&b);
        http_resp_set(resp, 500, "text/plain; charset=utf-8", "metrics too large\n", 18);
        return;
    }
    /* 200 even when the database is down: Prometheus must read trygg_up 0. */
    http_resp_set(resp, 200, "text/plain; version=0.0.4; charset=utf-8", trygg_buf_str(&b), b.len);
    trygg_buf_free(&b);
}

const http_route ops_routes[] = {
    {"GET", "/healthz", 0, h_healthz},
    {"GET", "/metrics", 0, h_metrics},
};
const int ops_nroutes = sizeof ops_routes / sizeof ops_routes[0];
