/*
 * ctl_move.c — tryggctl move (a municipality's SQLite queue into a
 * PostgreSQL database, trygg/store_move.h) and tryggctl backup (SQLite's
 * online backup, trygg_store_backup). docs/postgresql.md, "Moving a SQLite
 * queue into PostgreSQL" and "Backups".
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "trygg/store_move.h"

static int print_table(void *ctx, const char *table, int64_t rows)
{
    int64_t *total = ctx;
    *total += rows;
    printf("%-22s %lld\n", table, (long long)rows);
    return 0;
}

/* Refuses a source that is not a SQLite file at this program's schema. */
static int check_source(const char *from)
{
    int version = 0;
    trygg_err err = trygg_store_file_version(from, &version);
    if (err == TRYGG_ERR_INVALID) {
        ctl_error("move: the source must be a SQLite file");
        return CTL_USAGE;
    }
    if (err) {
        ctl_error("move: no database at %s", from);
        return err == TRYGG_ERR_NOTFOUND ? CTL_NOTFOUND : CTL_STORE;
    }
    int latest = trygg_store_schema_latest();
    if (version < latest) {
        ctl_error("move: %s has schema %d, this tryggctl writes %d: migrate it first with this "
                  "version (`tryggctl -d DATADIR init`, or start trygg-server on it once), then "
                  "move",
                  from, version, latest);
        return CTL_USAGE;
    }
    if (version > latest) {
        ctl_error("move: %s has schema %d, newer than this tryggctl (%d): use the newer tryggctl",
                  from, version, latest);
        return CTL_USAGE;
    }
    return CTL_OK;
}

static int do_move(const char *from, const char *to)
{
    trygg_store *src = NULL, *dst = NULL;
    trygg_err err = trygg_store_open(from, &src);
    if (err) {
        ctl_error("move: cannot open %s: %s", from, trygg_strerror(err));
        return CTL_STORE;
    }
    if ((err = trygg_store_open(to, &dst)) != TRYGG_OK) {
        ctl_error("move: cannot open %s: %s", trygg_store_label(to), trygg_strerror(err));
        trygg_store_close(src);
        return CTL_STORE;
    }
    char msg[1024];
    int64_t total = 0;
    err = trygg_store_move(src, dst, print_table, &total, msg, sizeof msg);
    trygg_store_close(src);
    trygg_store_close(dst);
    if (err) {
        ctl_error("move: %s: %s; nothing was moved", trygg_strerror(err), msg);
        return ctl_exit_code(err);
    }
    printf("moved %lld rows from %s into %s\n", (long long)total, from, trygg_store_label(to));
    return CTL_OK;
}

static int cmd_move(ctl_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {{"from", required_argument, NULL, 'f'},
                                         {"to", required_argument, NULL, 't'},
                                         {NULL, 0, NULL, 0}};
    const char *from = ctx->dbpath, *to = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "f:t:", opts, NULL)) != -1) {
        if (c == 'f')
            from = optarg;
        else if (c == 't')
            to = optarg;
        else
            return CTL_USAGE;
    }
    if (!to || optind != argc) {
        ctl_error("usage: move [--from FILE] --to postgresql://...");
        return CTL_USAGE;
    }
    if (!trygg_store_is_postgresql(to)) {
        ctl_error("move: the target must be PostgreSQL (postgresql://..., service=...)");
        return CTL_USAGE;
    }
    int rc = check_source(from);
    return rc ? rc : do_move(from, to);
}
CTL_COMMAND(move, "move",
            "  move [--from FILE] --to DB  copy a SQLite queue (default DATADIR/trygg.db) into an\n"
            "                            empty PostgreSQL database, all or nothing",
            cmd_move)

static int cmd_backup(ctl_ctx *ctx, int argc, char **argv)
{
    if (argc != 2) {
        ctl_error("usage: backup FILE");
        return CTL_USAGE;
    }
    if (trygg_store_is_postgresql(ctx->dbpath)) {
        ctl_error("backup: a PostgreSQL store is backed up with pg_dump or pg_basebackup "
                  "(docs/postgresql.md, \"Backups\")");
        return CTL_USAGE;
    }
    int rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    trygg_err err = trygg_store_backup(ctx->st, argv[1]);
    if (err)
        return ctl_store_fail(ctx, err, "backup");
    printf("backup of %s in %s (schema %d)\n", ctx->dbpath, argv[1],
           trygg_store_schema_version(ctx->st));
    return CTL_OK;
}
CTL_COMMAND(backup, "backup",
            "  backup FILE               SQLite's online backup of the database into new FILE\n"
            "                            (safe while the server runs)",
            cmd_backup)

static int print_count(void *ctx, const char *table, int64_t rows)
{
    (void)ctx;
    printf("%s %lld\n", table, (long long)rows);
    return 0;
}

static int cmd_tables(ctl_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        ctl_error("usage: tables");
        return CTL_USAGE;
    }
    int rc = ctl_open_store(ctx, 0);
    if (rc)
        return rc;
    trygg_err err = trygg_store_table_rows(ctx->st, print_count, NULL);
    return err ? ctl_store_fail(ctx, err, "tables") : CTL_OK;
}
CTL_COMMAND(tables, "tables",
            "  tables                    rows per data table (after a backup's restore or a move)",
            cmd_tables)
