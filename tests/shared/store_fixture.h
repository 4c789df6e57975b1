/* Shared helpers for the store tests: a temporary directory per test and a
 * quick way to build items. Header-only, included by test_store*.c. */
#ifndef TRYGG_TEST_STORE_FIXTURE_H
#define TRYGG_TEST_STORE_FIXTURE_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "trygg/secret.h"
#include "trygg/store.h"

/* With TRYGG_TEST_PG set (a libpq URI to a test cluster's maintenance
 * database, tests/pg/cluster.sh), every fixture gets a new PostgreSQL
 * database instead of a SQLite file, and the same tests run on that
 * backend: the store tests through store.h are the conformance suite. */
typedef struct fixture {
    char dir[512];
    char path[600];
    char pgdb[64]; /* the PostgreSQL database of this fixture, or "" */
    trygg_store *st;
} fixture;

/* Runs one statement on the test cluster's maintenance database. */
static inline int fx_pg_admin(const char *sql)
{
    PGconn *c = PQconnectdb(getenv("TRYGG_TEST_PG"));
    int ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
    } else {
        fprintf(stderr, "test cluster: %s", PQerrorMessage(c));
    }
    PQfinish(c);
    return ok ? 0 : -1;
}

/* A database for a test: a SQLite file trygg.db in dir, or a new
 * PostgreSQL database (its name into pgdb[64]) when TRYGG_TEST_PG is set.
 * The path to open goes into path[cap]. */
static inline int fx_db_make(const char *dir, char *path, size_t cap, char pgdb[64])
{
    const char *pg = getenv("TRYGG_TEST_PG");
    pgdb[0] = '\0';
    if (!pg || !*pg) {
        snprintf(path, cap, "%s/trygg.db", dir);
        return 0;
    }
    static int seq;
    snprintf(pgdb, 64, "trygg_t%d_%d", (int)getpid(), ++seq);
    char sql[160];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", pgdb);
    if (fx_pg_admin(sql) != 0)
        return -1;
    const char *q = strchr(pg, '?');
    snprintf(path, cap, "postgresql:///%s%s", pgdb, q ? q : "");
    return 0;
}

/* Drops the PostgreSQL database of fx_db_make, if any. */
static inline void fx_db_drop_name(const char *pgdb)
{
    if (!pgdb[0])
        return;
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", pgdb);
    (void)fx_pg_admin(sql);
}

static inline int fx_db_path(fixture *f)
{
    return fx_db_make(f->dir, f->path, sizeof f->path, f->pgdb);
}

static inline void fx_db_drop(fixture *f)
{
    fx_db_drop_name(f->pgdb);
}

static inline void fx_rmdir(const char *dir)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static inline int fx_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/trygg-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    if (fx_db_path(f) != 0)
        return -1;
    if (trygg_store_open(f->path, &f->st) != TRYGG_OK)
        return -1;
    *state = f;
    return 0;
}

static inline int fx_teardown(void **state)
{
    fixture *f = *state;
    trygg_store_close(f->st);
    fx_db_drop(f);
    fx_rmdir(f->dir);
    free(f);
    return 0;
}

/* For the PostgreSQL-only tests: without TRYGG_TEST_PG no fixture is made
 * (*state = NULL) and the test skips itself. */
static inline int fx_setup_pg(void **state)
{
    const char *pg = getenv("TRYGG_TEST_PG");
    if (!pg || !*pg) {
        *state = NULL;
        return 0;
    }
    return fx_setup(state);
}

static inline int fx_teardown_pg(void **state)
{
    return *state ? fx_teardown(state) : 0;
}

static inline void fx_item(trygg_item *it, const char *key, trygg_kind kind, const char *area,
                           const char *text)
{
    trygg_item_init(it);
    snprintf(it->client_key, sizeof it->client_key, "%s", key);
    it->channel = TRYGG_CHANNEL_KIOSK;
    it->kind = kind;
    snprintf(it->source, sizeof it->source, "bibl-1");
    snprintf(it->category, sizeof it->category, "lighting");
    snprintf(it->area, sizeof it->area, "%s", area);
    snprintf(it->text, sizeof it->text, "%s", text);
}

/* Sums the rows trygg_store_table_rows / trygg_store_rows_containing report
 * for `table` (NULL: for every table). */
typedef struct fx_count {
    const char *table;
    int64_t n;
} fx_count;

static inline int fx_count_cb(void *ctx, const char *table, int64_t rows)
{
    fx_count *c = ctx;
    if (!c->table || strcmp(c->table, table) == 0)
        c->n += rows;
    return 0;
}

/* Rows of `table` (-1 on error). */
static inline int64_t fx_table_rows(trygg_store *st, const char *table)
{
    fx_count c = {table, 0};
    return trygg_store_table_rows(st, fx_count_cb, &c) == TRYGG_OK ? c.n : -1;
}

/* Rows in which `text` occurs, in `table` (NULL: in any table); -1 on error. */
static inline int64_t fx_rows_containing(trygg_store *st, const char *text, const char *table)
{
    fx_count c = {table, 0};
    return trygg_store_rows_containing(st, text, fx_count_cb, &c) == TRYGG_OK ? c.n : -1;
}

#endif
