/*
 * main.c — tryggctl entry point: global options, the command table and
 * `help`. Commands are in ctl_*.c; start reading at main().
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "trygg/time.h"
#include "ctl.h"
#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/paths.h"
#include "trygg/secret.h"

#define MAX_COMMANDS 32
static const ctl_command *commands[MAX_COMMANDS];
static int ncommands;

void ctl_register(const ctl_command *cmd)
{
    if (ncommands < MAX_COMMANDS)
        commands[ncommands++] = cmd;
}

void ctl_error(const char *fmt, ...)
{
    va_list ap;
    fputs("tryggctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int ctl_exit_code(trygg_err err)
{
    switch (err) {
    case TRYGG_OK:
        return CTL_OK;
    case TRYGG_ERR_NOTFOUND:
        return CTL_NOTFOUND;
    case TRYGG_ERR_INVALID:
    case TRYGG_ERR_TOOBIG:
    case TRYGG_ERR_EXISTS:
    case TRYGG_ERR_STATE:
    case TRYGG_ERR_CONFIG:
        return CTL_USAGE;
    default:
        return CTL_STORE;
    }
}

int ctl_store_fail(ctl_ctx *ctx, trygg_err err, const char *what)
{
    const char *detail = ctx->st ? trygg_store_errmsg(ctx->st) : "";
    ctl_error("%s: %s%s%s", what, trygg_strerror(err), detail[0] ? ": " : "", detail);
    return ctl_exit_code(err);
}

int ctl_open_store(ctl_ctx *ctx, int create)
{
    if (ctx->st)
        return CTL_OK;
    struct stat sb;
    if (!create && !trygg_store_is_postgresql(ctx->dbpath) && stat(ctx->dbpath, &sb) != 0) {
        ctl_error("no database at %s (run `tryggctl -d %s init` first)", ctx->dbpath, ctx->datadir);
        return CTL_STORE;
    }
    trygg_err err = trygg_store_open(ctx->dbpath, &ctx->st);
    if (err) {
        ctl_error("cannot open %s: %s", trygg_store_label(ctx->dbpath), trygg_strerror(err));
        return CTL_STORE;
    }
    return CTL_OK;
}

const char *ctl_time(int64_t t, char out[32])
{
    if (t == 0) {
        snprintf(out, 32, "-");
        return out;
    }
    if (trygg_time_format(t, "%Y-%m-%d %H:%M", out, 32) == 0)
        snprintf(out, 32, "%lld", (long long)t);
    return out;
}

int ctl_read_password(char *out, size_t cap)
{
    if (!fgets(out, (int)cap, stdin))
        return -1;
    size_t len = strlen(out);
    if (len > 0 && out[len - 1] != '\n' && !feof(stdin))
        return -1; /* longer than the buffer */
    while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
        out[--len] = '\0';
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: tryggctl [-d DATADIR] COMMAND [ARGS]\n"
               "DATADIR defaults to $TRYGG_DATA, else ./data (database DATADIR/trygg.db or\n"
               "$TRYGG_DATABASE, a SQLite file or postgresql://... / service=...,\n"
               "keys in DATADIR/keys/). Commands:\n");
    for (int i = 0; i < ncommands; i++)
        fprintf(f, "%s\n", commands[i]->usage);
    fprintf(f, "  help\n"
               "Exit codes: 0 ok, 1 usage or invalid input, 2 not found, 3 store error.\n");
}

static int cmp_cmd(const void *a, const void *b)
{
    const ctl_command *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

int main(int argc, char **argv)
{
    ctl_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    trygg_log_init("tryggctl");
    trygg_log_set_level(TRYGG_LOG_WARN);
    qsort(commands, (size_t)ncommands, sizeof commands[0], cmp_cmd);

    const char *env = getenv("TRYGG_DATA");
    ctx.datadir = env && *env ? env : "./data";
    static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    /* "+" stops at the command name: its options are its own. */
    while ((c = getopt_long(argc, argv, "+d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            ctx.datadir = optarg;
            break;
        case 'h':
            usage(stdout);
            return CTL_OK;
        default:
            usage(stderr);
            return CTL_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return CTL_USAGE;
    }
    const char *name = argv[optind];
    if (strcmp(name, "help") == 0) {
        usage(stdout);
        return CTL_OK;
    }
    /* TRYGG_DATABASE names another database than DATADIR/trygg.db: a SQLite
     * file or PostgreSQL (postgresql://... or service=...). */
    const char *db = getenv("TRYGG_DATABASE");
    if (db && *db && !TRYGG_COPY(ctx.dbpath, db)) {
        ctl_error("TRYGG_DATABASE too long");
        return CTL_USAGE;
    }
    if ((!(db && *db) && trygg_path_join(ctx.dbpath, sizeof ctx.dbpath, ctx.datadir, "trygg.db")) ||
        trygg_path_join(ctx.keydir, sizeof ctx.keydir, ctx.datadir, "keys")) {
        ctl_error("data directory path too long");
        return CTL_USAGE;
    }
    if (trygg_secret_init() != TRYGG_OK) {
        ctl_error("libsodium initialisation failed");
        return CTL_STORE;
    }
    const ctl_command *cmd = NULL;
    for (int i = 0; i < ncommands; i++)
        if (strcmp(commands[i]->name, name) == 0)
            cmd = commands[i];
    if (!cmd) {
        ctl_error("unknown command '%s' (try `tryggctl help`)", name);
        return CTL_USAGE;
    }
    int sub_argc = argc - optind;
    char **sub_argv = argv + optind;
    optind = 0; /* each command runs getopt on its own argv (0 resets GNU getopt) */
    int rc = cmd->fn(&ctx, sub_argc, sub_argv);
    trygg_store_close(ctx.st);
    return rc;
}
