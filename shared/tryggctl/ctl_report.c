/*
 * ctl_report.c — tryggctl report: the weekly situation picture from the
 * command line, and a one-off fetch of the police's public events.
 *
 *   tryggctl report --week 2026-W47 --format html|csv [--out FILE]
 *                   [--config server.ini] [--threshold N] [--lang sv|en]
 *   tryggctl report --fetch-police URL
 *
 * Output leaves the security department, so small counts are always
 * suppressed. Areas, groups, category labels and small_count come from the
 * server's config (default DATADIR/server.ini when it exists).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "trygg/paths.h"
#include "police_fetch.h"
#include "trygg/report.h"

#define REPORT_OUT_MAX (16u * 1024u * 1024u)

/* Writes data to `path` through a temporary file and rename, or stdout. */
static int write_out(const char *path, const char *data, size_t len)
{
    if (!path) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
            ctl_error("write to stdout failed");
            return CTL_STORE;
        }
        return CTL_OK;
    }
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        ctl_error("--out: path too long");
        return CTL_USAGE;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        ctl_error("cannot write %s", tmp);
        return CTL_STORE;
    }
    int ok = fwrite(data, 1, len, f) == len;
    ok = (fflush(f) == 0) && ok;
    ok = (fsync(fileno(f)) == 0) && ok;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        ctl_error("cannot write %s", path);
        return CTL_STORE;
    }
    return CTL_OK;
}

typedef struct report_args {
    const char *week_s, *format, *out, *config, *lang, *police_url;
    long threshold; /* 0 = small_count from the config */
} report_args;

/* Reads the options of tryggctl report into a. CTL_OK or CTL_USAGE. */
static int parse_report_args(int argc, char **argv, report_args *a)
{
    static const struct option opts[] = {
        {"week", required_argument, NULL, 'w'},         {"format", required_argument, NULL, 'f'},
        {"out", required_argument, NULL, 'o'},          {"config", required_argument, NULL, 'c'},
        {"threshold", required_argument, NULL, 't'},    {"lang", required_argument, NULL, 'l'},
        {"fetch-police", required_argument, NULL, 'p'}, {NULL, 0, NULL, 0}};
    *a = (report_args){.format = "html", .lang = "sv"};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'w':
            a->week_s = optarg;
            break;
        case 'f':
            a->format = optarg;
            break;
        case 'o':
            a->out = optarg;
            break;
        case 'c':
            a->config = optarg;
            break;
        case 't':
            a->threshold = strtol(optarg, &end, 10);
            if (*end || a->threshold < 1 || a->threshold > 100) {
                ctl_error("--threshold: a number 1..100");
                return CTL_USAGE;
            }
            break;
        case 'l':
            a->lang = optarg;
            break;
        case 'p':
            a->police_url = optarg;
            break;
        default:
            return CTL_USAGE;
        }
    }
    if (optind < argc) {
        ctl_error("report: unexpected argument '%s'", argv[optind]);
        return CTL_USAGE;
    }
    return CTL_OK;
}

/* tryggctl report --fetch-police URL: prints how many events were stored. */
static int fetch_police(ctl_ctx *ctx, const char *url)
{
    trygg_police_opts po = {.url = url, .timeout_s = 20, .max_bytes = 0};
    char err[256] = "";
    int stored = 0;
    trygg_err e = trygg_police_fetch(ctx->st, &po, &stored, err, sizeof err);
    if (e) {
        ctl_error("police events: %s", err);
        return e == TRYGG_ERR_INVALID || e == TRYGG_ERR_TOOBIG ? CTL_USAGE : CTL_STORE;
    }
    printf("%d\n", stored);
    return CTL_OK;
}

/* Checks --format, --lang and --week; *week is the report's week (default:
 * the last complete week; one that has not begun is refused). */
static int check_report_args(const report_args *a, trygg_week *week)
{
    if (strcmp(a->format, "html") != 0 && strcmp(a->format, "csv") != 0) {
        ctl_error("--format: html or csv");
        return CTL_USAGE;
    }
    if (strcmp(a->lang, "sv") != 0 && strcmp(a->lang, "en") != 0) {
        ctl_error("--lang: sv or en");
        return CTL_USAGE;
    }
    if (a->week_s) {
        if (trygg_week_parse(a->week_s, week) != TRYGG_OK) {
            ctl_error("--week: an ISO week such as 2026-W47");
            return CTL_USAGE;
        }
        if (week->start > (int64_t)time(NULL)) {
            ctl_error("--week: %s has not begun; a report covers a past or the running week",
                      a->week_s);
            return CTL_USAGE;
        }
    } else {
        trygg_week_last_complete((int64_t)time(NULL), week);
    }
    return CTL_OK;
}

/* Builds the week's report with the areas of --config (or the default
 * server.ini when it exists); *small is the config's small_count. */
static int build_report(ctl_ctx *ctx, const report_args *a, const trygg_week *week,
                        trygg_report **r, int *small)
{
    trygg_report_areas *areas = calloc(1, sizeof *areas);
    if (!areas) {
        ctl_error("out of memory");
        return CTL_STORE;
    }
    const char *config = a->config;
    char defcfg[PATH_MAX];
    if (!config &&
        snprintf(defcfg, sizeof defcfg, "%s/server.ini", ctx->datadir) < (int)sizeof defcfg &&
        access(defcfg, R_OK) == 0)
        config = defcfg;
    if (config) {
        char err[512] = "";
        if (trygg_report_areas_load(config, areas, err, sizeof err) != TRYGG_OK) {
            ctl_error("%s", err);
            free(areas);
            return CTL_USAGE;
        }
    }
    trygg_err e = trygg_report_build(ctx->st, week, areas, (int64_t)time(NULL), r);
    *small = areas->small_count;
    trygg_report_areas_free(areas);
    free(areas);
    if (e)
        return ctl_store_fail(ctx, e, "report");
    return CTL_OK;
}

/* Renders r as --format (always suppressed: an export) and writes it out. */
static int render_report(const report_args *a, const trygg_report *r, int small)
{
    trygg_i18n *cat = NULL;
    char dir[PATH_MAX], err[256] = "";
    if (trygg_asset_path("i18n/report", dir, sizeof dir) != TRYGG_OK ||
        trygg_i18n_load(dir, &cat, err, sizeof err) != TRYGG_OK)
        ctl_error("warning: report catalog: %s (keys are shown instead)", err[0] ? err : dir);
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    o.suppress = 1; /* an export: always */
    o.threshold = a->threshold ? (int)a->threshold : small ? small : TRYGG_SUPPRESS_DEFAULT;
    o.lang = a->lang;
    o.t = cat;
    o.print = 1;
    o.standalone = 1;
    int rc;
    trygg_buf b;
    trygg_buf_init(&b, REPORT_OUT_MAX);
    trygg_err e =
        strcmp(a->format, "csv") == 0 ? trygg_report_csv(r, &o, &b) : trygg_report_html(r, &o, &b);
    if (e == TRYGG_ERR_TOOBIG) {
        ctl_error("report larger than %u bytes", REPORT_OUT_MAX);
        rc = CTL_STORE;
    } else if (e) {
        ctl_error("report: %s", trygg_strerror(e));
        rc = CTL_STORE;
    } else {
        rc = write_out(a->out, b.data ? b.data : "", b.len);
    }
    trygg_buf_free(&b);
    if (cat)
        trygg_i18n_free(cat);
    return rc;
}

static int cmd_report(ctl_ctx *ctx, int argc, char **argv)
{
    report_args a;
    int rc = parse_report_args(argc, argv, &a);
    if (rc)
        return rc;
    rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    if (a.police_url)
        return fetch_police(ctx, a.police_url);
    trygg_week week;
    rc = check_report_args(&a, &week);
    if (rc)
        return rc;
    trygg_report *r = NULL;
    int small = 0;
    rc = build_report(ctx, &a, &week, &r, &small);
    if (rc)
        return rc;
    rc = render_report(&a, r, small);
    trygg_report_free(r);
    return rc;
}

CTL_COMMAND(report, "report",
            "  report [--week 2026-W47] [--format html|csv] [--out FILE] [--config server.ini]\n"
            "         [--threshold N] [--lang sv|en]   weekly situation picture (suppressed)\n"
            "  report --fetch-police URL   fetch the police's public events once",
            cmd_report)
