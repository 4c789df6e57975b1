/*
 * report_web.c — HTTP routes of the weekly situation picture and the police
 * events fetch thread. The report itself is built and rendered by libtrygg
 * (trygg/report.h); this file decides who sees what:
 *   - the roles of server.ini [report] internal_roles / internal_destinations
 *     (default: security, admin) get the internal view (exact counts) on
 *     /report, and in /report/week.csv and /report/print when they ask for
 *     it with ?view=internal;
 *   - everyone else, and every export by default, gets the published view
 *     (small-count and complementary suppression).
 */
#include "worker.h"
#include "report_web.h"
#include "config.h"
#include "web.h"

#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/paths.h"
#include "police_fetch.h"
#include "trygg/report.h"
#include "trygg/report_period.h"
#include "trygg/time.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPORT_PAGE_MAX  (4u * 1024u * 1024u)
#define POLICE_PERIOD_S  3600
#define POLICE_TIMEOUT_S 20

/* ---- Report catalog, loaded once ------------------------------------------- */

static pthread_once_t catalog_once = PTHREAD_ONCE_INIT;
static trygg_i18n *catalog;

static void catalog_load(void)
{
    char dir[600], err[256] = "";
    if (trygg_asset_path("i18n/report", dir, sizeof dir) != TRYGG_OK ||
        trygg_i18n_load(dir, &catalog, err, sizeof err) != TRYGG_OK)
        TRYGG_WARN("report catalog: %s", err[0] ? err : dir);
}

const trygg_i18n *report_catalog(void)
{
    pthread_once(&catalog_once, catalog_load);
    return catalog;
}

/* ---- Request helpers ------------------------------------------------------------ */

void report_areas_from_config(const server_config *cfg, trygg_report_areas *out)
{
    memset(out, 0, sizeof *out);
    const server_catalog *c = cfg->catalog;
    if (!c)
        return;
    for (int i = 0; i < c->nareas && out->n < TRYGG_REPORT_AREAS; i++) {
        trygg_report_area *a = &out->a[out->n++];
        TRYGG_COPY_FIT(a->id, c->areas[i].id);
        TRYGG_COPY_TRUNC(
            a->label, config_label(c->areas[i].label, "sv", c->areas[i].id)); /* a display label */
        TRYGG_COPY_FIT(a->label_en, c->areas[i].label[1]);
        TRYGG_COPY_TRUNC(a->group, c->areas[i].group); /* the group name as shown */
    }
    for (int i = 0; i < c->ncats && out->ncats < TRYGG_REPORT_CATS; i++) {
        trygg_report_cat *k = &out->c[out->ncats++];
        TRYGG_COPY_FIT(k->id, c->cats[i].id);
        TRYGG_COPY_TRUNC(k->label,
                         config_label(c->cats[i].label, "sv", c->cats[i].id)); /* a display label */
        TRYGG_COPY_FIT(k->label_en, c->cats[i].label[1]);
    }
    out->geo = c->geo; /* the report copies it */
}

/* The week asked for (?week=), or the last complete one (the meeting looks
 * back at a whole week; the running one is chosen on purpose). 0, -1 if
 * invalid, -2 if the week has not begun. */
static int requested_week(const http_req *req, trygg_week *w)
{
    const char *s = http_query(req, "week");
    if (!s || !s[0]) {
        trygg_week_last_complete(web_now(), w);
        return 0;
    }
    if (trygg_week_parse(s, w) != TRYGG_OK)
        return -1;
    return w->start > web_now() ? -2 : 0;
}

static void plain_error(web_ctx *w, int status, const char *key)
{
    const char *msg = trygg_i18n_get(report_catalog(), w->lang, key);
    html_buf b;
    html_init(&b, 64 * 1024);
    web_page_begin(&b, w, "report.title", "report");
    html_lit(&b, "<h1>");
    html_text(&b, msg);
    html_lit(&b, "</h1>");
    web_page_end(&b, w);
    html_send(&b, w->resp, status);
}

/* 1 if `name` is one of the comma-separated names of `list`. */
static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    if (n == 0)
        return 0;
    for (const char *p = list; *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p += strcspn(p, ",");
    }
    return 0;
}

/* May this user see the internal view (exact counts)? server.ini [report]:
 * internal_roles (default "security, admin") and internal_destinations
 * (destination names whose users get it, e.g. "housing"). */
int report_internal_allowed(const server_config *cfg, const web_user *u)
{
    if (in_list(cfg->report_internal_roles, u->role))
        return 1;
    return strcmp(u->role, "destination") == 0 &&
           in_list(cfg->report_internal_destinations, u->destination);
}

typedef enum { OUT_PAGE, OUT_CSV, OUT_PRINT } out_kind;

static void serve(void *ctx, const http_req *req, http_resp *resp, out_kind kind)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    server_ctx *srv = ctx;
    trygg_week week;
    int wrc = requested_week(req, &week);
    if (wrc != 0) {
        plain_error(&w, 400, wrc == -2 ? "report.future_week" : "report.bad_week");
        return;
    }
    trygg_report_areas *areas = malloc(sizeof *areas);
    if (!areas) {
        plain_error(&w, 500, "report.error");
        return;
    }
    report_areas_from_config(&srv->cfg, areas);
    trygg_report *r = NULL;
    trygg_err err = trygg_report_build(w.st, &week, areas, web_now(), &r);
    free(areas);
    if (err) {
        TRYGG_ERR("report %d-W%02d: %s (%s)", week.year, week.week, trygg_strerror(err),
                  trygg_store_errmsg(w.st));
        plain_error(&w, 503, "report.error");
        return;
    }
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    o.threshold = report_threshold(&srv->cfg);
    o.lang = w.lang;
    o.t = report_catalog();
    o.base_url = "/report";
    o.css_href = "/report/report.css"; /* the CSP allows no inline style */
    /* Two views of one report: the internal one (exact counts) only for the
     * roles [report] names — on the page by default, in an export only when
     * asked for (?view=internal); everyone else, and every export by
     * default, gets the published (suppressed) one. */
    const char *view = http_query(req, "view");
    int want_internal = kind == OUT_PAGE ? !(view && strcmp(view, "published") == 0)
                                         : (view && strcmp(view, "internal") == 0);
    o.suppress = !(want_internal && report_internal_allowed(&srv->cfg, &w.sess.user));
    trygg_buf out;
    trygg_buf_init(&out, REPORT_PAGE_MAX);
    char wk[16];
    trygg_week_format(&week, wk, sizeof wk);
    if (kind != OUT_PAGE) /* what leaves the screen is an export: in the access log */
        web_log_export(&w, kind == OUT_CSV ? "export_report_csv" : "export_report_print", 0, wk);
    if (kind == OUT_PRINT) {
        o.print = 1;
        o.standalone = 1;
    }
    err = kind == OUT_CSV ? trygg_report_csv(r, &o, &out) : trygg_report_html(r, &o, &out);
    if (err)
        TRYGG_ERR("report %s: rendering failed: %s", wk, trygg_strerror(err));
    if (kind == OUT_CSV) {
        if (!err && http_resp_set(resp, 200, "text/csv; charset=utf-8", out.data, out.len) == 0) {
            char disp[96];
            snprintf(disp, sizeof disp, "attachment; filename=\"lagesbild-%s.csv\"", wk);
            http_resp_header(resp, "Content-Disposition", disp);
            http_resp_header(resp, "Cache-Control", "no-store");
        } else {
            http_resp_set(resp, 500, "text/plain; charset=utf-8", "500\n", 4);
        }
    } else if (kind == OUT_PRINT) {
        if (err || http_resp_set(resp, 200, "text/html; charset=utf-8", out.data, out.len) != 0)
            http_resp_set(resp, 500, "text/plain; charset=utf-8", "500\n", 4);
        else
            http_resp_header(resp, "Cache-Control", "no-store");
    } else {
        html_buf b;
        html_init(&b, REPORT_PAGE_MAX + 256 * 1024);
        web_page_begin(&b, &w, "report.title", "report");
        if (!err) {
            /* The fragment is finished markup: libtrygg's renderer escaped
             * every dynamic value (trygg_html_esc), so it is appended as is. */
            html_raw_(&b, out.data, out.len);
            if (web_access_is_security(&w.sess.user)) { /* placing police events */
                html_lit(&b, "<p><a href=\"/report/police?week=");
                html_attr(&b, wk);
                html_lit(&b, "\">");
                html_t(&b, &w, "report.police_link");
                html_lit(&b, "</a></p>");
            }
        } else
            b.err = err; /* html_send answers 500 */
        web_page_end(&b, &w);
        html_send(&b, resp, 200);
    }
    trygg_buf_free(&out);
    trygg_report_free(r);
}

int report_week_fragment(web_ctx *w, const trygg_week *week, int suppress, trygg_buf *out)
{
    trygg_report_areas *areas = malloc(sizeof *areas);
    if (!areas)
        return 500;
    report_areas_from_config(&w->srv->cfg, areas);
    trygg_report *r = NULL;
    trygg_err err = trygg_report_build(w->st, week, areas, web_now(), &r);
    free(areas);
    if (err) {
        TRYGG_ERR("report %d-W%02d: %s (%s)", week->year, week->week, trygg_strerror(err),
                  trygg_store_errmsg(w->st));
        return err == TRYGG_ERR_INVALID ? 400 : 503;
    }
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    o.threshold = report_threshold(&w->srv->cfg);
    o.lang = w->lang;
    o.t = report_catalog();
    o.base_url = "/report";
    o.css_href = "/report/report.css";
    o.print = 1;
    o.suppress = suppress || !report_internal_allowed(&w->srv->cfg, &w->sess.user);
    err = trygg_report_html(r, &o, out);
    trygg_report_free(r);
    return err ? 500 : 0;
}

int report_threshold(const server_config *cfg)
{
    return cfg->small_count > 0 ? cfg->small_count : TRYGG_SUPPRESS_DEFAULT;
}

static void report_page_get(void *ctx, const http_req *req, http_resp *resp)
{
    serve(ctx, req, resp, OUT_PAGE);
}

static void report_csv_get(void *ctx, const http_req *req, http_resp *resp)
{
    serve(ctx, req, resp, OUT_CSV);
}

static void report_print_get(void *ctx, const http_req *req, http_resp *resp)
{
    serve(ctx, req, resp, OUT_PRINT);
}

/* The stylesheet: static, public (no data in it). */
static void report_css_get(void *ctx, const http_req *req, http_resp *resp)
{
    (void)ctx;
    (void)req;
    const char *css = trygg_report_css();
    if (http_resp_set(resp, 200, "text/css; charset=utf-8", css, strlen(css)) == 0)
        http_resp_header(resp, "Cache-Control", "max-age=3600");
}

const http_route report_routes[] = {
    {"GET", "/report/report.css", 0, report_css_get},
    {"GET", "/report", 0, report_page_get},
    {"GET", "/report/week.csv", 0, report_csv_get},
    {"GET", "/report/print", 0, report_print_get},
};
const int report_nroutes = (int)(sizeof report_routes / sizeof report_routes[0]);

/* ---- Start-up and the police events thread ------------------------------------ */

static worker police = WORKER_INIT;
static trygg_store *police_st; /* the fetch's own connection, opened at its first run */

/* One fetch per period across every server of the queue: the lease is kept
 * for the period, so another server skips its turn. */
static int64_t police_job(void *arg)
{
    server_ctx *ctx = arg;
    if (!police_st && trygg_store_open(ctx->cfg.db_path, &police_st) != TRYGG_OK) {
        TRYGG_ERR("police events: cannot open %s", trygg_store_label(ctx->cfg.db_path));
        police_st = NULL;
        return POLICE_PERIOD_S;
    }
    trygg_police_opts o = {.url = ctx->cfg.police_events_url,
                           .timeout_s = POLICE_TIMEOUT_S,
                           .max_bytes = TRYGG_POLICE_MAX_BYTES};
    int stored = 0;
    char err[256] = "";
    trygg_err le = trygg_store_job_lease(police_st, "police_fetch", ctx->instance,
                                         (int64_t)time(NULL), POLICE_PERIOD_S - 5);
    if (le == TRYGG_OK && trygg_police_fetch(police_st, &o, &stored, err, sizeof err) == TRYGG_OK)
        TRYGG_INFO("police events: %d stored", stored);
    else if (le != TRYGG_OK && le != TRYGG_ERR_BUSY)
        TRYGG_WARN("police events: job lease: %s", trygg_store_errmsg(police_st));
    return POLICE_PERIOD_S;
}

/* The quarter's and the year's period cache (schema v22) and the week
 * picture's cache (SQLite v6, PostgreSQL v24) are filled by the first
 * report that needs them; this job fills them in the background, a minute
 * after the start and then every hour, by building the running year and
 * the last complete one (which cover every month of the last three years)
 * and the running week (whose 12 history weeks are complete), so no reader
 * waits for a first count, not even on the Monday a week ends. Once warm,
 * a run reads the caches only. */
static worker warm = WORKER_INIT;
static trygg_store *warm_st;
#define WARM_FIRST_S  60
#define WARM_PERIOD_S 3600

void report_warm_periods(trygg_store *st, int64_t now)
{
    int y;
    trygg_utc_to_local(now, &y, NULL, NULL, NULL, NULL, NULL);
    trygg_period p[2];
    if (trygg_period_make(TRYGG_PERIOD_YEAR, y, 0, &p[0]) != TRYGG_OK)
        return;
    trygg_period_last_complete(TRYGG_PERIOD_YEAR, now, &p[1]);
    for (int i = 0; i < 2; i++) {
        trygg_period_report *r = NULL;
        if (trygg_period_build(st, &p[i], NULL, 8, now, &r) != TRYGG_OK)
            TRYGG_WARN("report: period cache: %s", trygg_store_errmsg(st));
        trygg_period_free(r);
    }
    trygg_week w;
    trygg_week_containing(now, &w);
    trygg_report *wr = NULL;
    if (trygg_report_build(st, &w, NULL, now, &wr) != TRYGG_OK)
        TRYGG_WARN("report: week cache: %s", trygg_store_errmsg(st));
    trygg_report_free(wr);
}

static int64_t warm_job(void *arg)
{
    server_ctx *ctx = arg;
    if (!warm_st && trygg_store_open(ctx->cfg.db_path, &warm_st) != TRYGG_OK)
        warm_st = NULL;
    else
        report_warm_periods(warm_st, (int64_t)time(NULL));
    return WARM_PERIOD_S;
}

int report_start(server_ctx *ctx)
{
    trygg_store *st = NULL;
    if (trygg_store_open(ctx->cfg.db_path, &st) != TRYGG_OK) {
        TRYGG_ERR("report: cannot open %s", trygg_store_label(ctx->cfg.db_path));
        return -1;
    }
    trygg_store_close(st);
    if (ctx->cfg.police_events_url[0] && !police.running &&
        worker_start(&police, police_job, ctx, 0) != 0)
        TRYGG_ERR("police events: cannot start the fetch thread");
    if (!warm.running && worker_start(&warm, warm_job, ctx, WARM_FIRST_S) != 0)
        TRYGG_ERR("report: cannot start the period cache thread");
    return 0;
}

void report_stop(void)
{
    worker_stop(&police);
    trygg_store_close(police_st);
    police_st = NULL;
    worker_stop(&warm);
    trygg_store_close(warm_st);
    warm_st = NULL;
}
