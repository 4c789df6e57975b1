/*
 * ctl.h — the shared frame of tryggctl, the admin command line tool.
 *
 * main.c parses the global options (-d DATADIR), finds the command and
 * calls it with argv starting at the command name. Each command lives in a
 * ctl_*.c file and registers itself with CTL_COMMAND at start-up, so adding
 * a command means adding a file (CMake globs them); main.c needs no edit.
 *
 * Exit codes, the same for every command: 0 ok, 1 usage or validation
 * error, 2 not found, 3 store or I/O error. Errors go to stderr as
 * "tryggctl: message"; stdout carries only the command's output, so
 * scripts can capture a printed password or token.
 */
#ifndef TRYGGCTL_CTL_H
#define TRYGGCTL_CTL_H

#include <limits.h>

#include "trygg/err.h"
#include "trygg/store.h"

enum { CTL_OK = 0, CTL_USAGE = 1, CTL_NOTFOUND = 2, CTL_STORE = 3 };

typedef struct ctl_ctx {
    const char *datadir;   /* -d, $TRYGG_DATA or ./data */
    char dbpath[PATH_MAX]; /* DATADIR/trygg.db */
    char keydir[PATH_MAX]; /* DATADIR/keys */
    trygg_store *st;       /* opened by ctl_open_store, closed by main */
} ctl_ctx;

/* A command: argv[0] is the command name; returns an exit code. */
typedef int (*ctl_fn)(ctl_ctx *ctx, int argc, char **argv);

typedef struct ctl_command {
    const char *name;  /* "user", "kiosk", "report", ... */
    const char *usage; /* one or more lines for `tryggctl help` */
    ctl_fn fn;
} ctl_command;

/* Adds a command to the table (called from CTL_COMMAND constructors). */
void ctl_register(const ctl_command *cmd);

/* Defines and registers a command from a ctl_*.c file. */
#define CTL_COMMAND(ident, name_, usage_, fn_)                                                     \
    static const ctl_command ctl_cmd_##ident = {name_, usage_, fn_};                               \
    __attribute__((constructor)) static void ctl_register_##ident(void)                            \
    {                                                                                              \
        ctl_register(&ctl_cmd_##ident);                                                            \
    }

/* Opens the store at ctx->dbpath (creating it if `create`, otherwise the
 * file must exist: run `tryggctl init` first). Returns CTL_OK or an exit
 * code after printing the error. */
int ctl_open_store(ctl_ctx *ctx, int create);

/* Prints "tryggctl: <message>" to stderr. */
void ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the store error for `what` and returns the exit code for `err`
 * (NOTFOUND -> 2, INVALID/TOOBIG/EXISTS/STATE -> 1, others -> 3). */
int ctl_store_fail(ctl_ctx *ctx, trygg_err err, const char *what);
/* Exit code for an error (as above) without printing. */
int ctl_exit_code(trygg_err err);

/* Formats unix seconds as local "YYYY-MM-DD HH:MM" into out[32] ("-" for 0). */
const char *ctl_time(int64_t t, char out[32]);
/* Reads a password from stdin (first line, newline removed) into out[cap]. */
int ctl_read_password(char *out, size_t cap);

#endif
