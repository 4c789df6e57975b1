/*
 * test_sqlite_intake.c — what a kiosk submission costs the database (issue
 * 12, throughput on a fast disk): one write transaction per new item, in
 * which the item, its audit entry, deadline, forwards and follow-up hash are
 * committed together. Counted from the write-ahead log itself: in SQLite's
 * WAL format every commit ends with a frame whose second header field (the
 * database size in pages) is set, 0 in every other frame. A reader holds a
 * snapshot while counting, so the log cannot restart under the count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "server_fixture.h"

static sfx F;

static int setup(void **state)
{
    (void)state;
    return sfx_start(&F, NULL);
}

static int teardown(void **state)
{
    (void)state;
    sfx_stop(&F);
    return 0;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int frames; /* all frames seen by the last wal_commits, for the log */

/* Commit frames in the database's WAL that belong to its current header. */
static int wal_commits(void)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s-wal", F.ctx.cfg.db_path);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    unsigned char hdr[32], fh[24];
    int commits = 0;
    frames = 0;
    if (fread(hdr, 1, sizeof hdr, f) == sizeof hdr) {
        uint32_t page = be32(hdr + 8);
        while (fread(fh, 1, sizeof fh, f) == sizeof fh && memcmp(fh + 8, hdr + 16, 8) == 0) {
            frames++;
            if (be32(fh + 4) != 0)
                commits++;
            if (fseek(f, (long)page, SEEK_CUR) != 0)
                break;
        }
    }
    fclose(f);
    return commits;
}

/* A reader on its own connection holding a snapshot: the WAL is not
 * restarted while it is open (the checkpointer may copy, not rewind). */
static sqlite3 *snapshot_open(void)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(F.ctx.cfg.db_path, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN; SELECT count(*) FROM items;", NULL, NULL, NULL),
                     SQLITE_OK);
    return db;
}

static void snapshot_close(sqlite3 *db)
{
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
}

static long submit(int n, const char *follow)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"uuid\":\"wal-%04d-7e57-4b00-8000\",\"kind\":\"concern\",\"category\":\"lighting\","
             "\"area\":\"lodose\",\"text\":\"Mörkt vid gångtunneln %d\",\"lang\":\"sv\"%s%s%s}",
             n, n, follow ? ",\"follow\":\"" : "", follow ? follow : "", follow ? "\"" : "");
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, body, &r), 0);
    long status = r.status;
    sfx_resp_free(&r);
    return status;
}

/* A new item with the kiosk's follow-up secret, one without (the server
 * draws it) and a retry: one commit each for the new ones, none for the
 * retry. Before: the follow-up hash was a second transaction (two fsyncs,
 * and a write lock the committer had to wait for). */
static void test_one_commit_per_item(void **state)
{
    (void)state;
    /* Warm up: the first write may create tables' first pages etc. */
    assert_int_equal(submit(0, NULL), 201);
    sqlite3 *snap = snapshot_open();
    int c0 = wal_commits(), f0 = frames;
    assert_int_equal(submit(1, "7M9PK2ZD"), 201);
    int c1 = wal_commits();
    printf("pages written for one new item: %d\n", frames - f0);
    assert_int_equal(submit(2, NULL), 201);
    int c2 = wal_commits();
    assert_int_equal(submit(1, "7M9PK2ZD"), 200);
    int c3 = wal_commits();
    snapshot_close(snap);
    printf("commits: with secret %d, drawn secret %d, retry %d\n", c1 - c0, c2 - c1, c3 - c2);
    assert_int_equal(c1 - c0, 1);
    assert_int_equal(c2 - c1, 1);
    assert_int_equal(c3 - c2, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_commit_per_item),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
