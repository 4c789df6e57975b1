/* Several processes on one database (a SQLite file, or a PostgreSQL
 * database under TRYGG_TEST_PG): the same client key submitted at the same
 * moment gives one item, and everyone gets its id and reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "store_fixture.h"

#define PROCS 4

typedef struct result {
    int err;
    int created;
    int64_t id;
    char ref[TRYGG_REF_LEN + 1];
} result;

static int mk_dir(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/trygg-conc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir) || fx_db_path(f) != 0)
        return -1;
    *state = f;
    return 0;
}

static int rm_dir(void **state)
{
    fixture *f = *state;
    trygg_store_close(f->st);
    fx_db_drop(f);
    fx_rmdir(f->dir);
    free(f);
    return 0;
}

/* Child: open its own handle, wait at the barrier, submit `nkeys` keys
 * (key_fmt with the index), write one result per key, exit. */
static void child(const char *path, int barrier, int out, const char *key_fmt, int nkeys)
{
    trygg_store *st = NULL;
    result r;
    memset(&r, 0, sizeof r);
    r.err = trygg_store_open(path, &st);
    char go;
    if (read(barrier, &go, 1) != 1)
        _exit(3);
    for (int i = 0; i < nkeys; i++) {
        if (st) {
            trygg_item it, res;
            fx_item(&it, "", TRYGG_KIND_CONCERN, "Centrum", "Samtidigt inskickat");
            snprintf(it.client_key, sizeof it.client_key, key_fmt, i);
            memset(&res, 0, sizeof res);
            r.err = trygg_store_submit(st, &it, &res, &r.created);
            r.id = res.id;
            memcpy(r.ref, res.ref, sizeof r.ref);
        }
        if (write(out, &r, sizeof r) != (ssize_t)sizeof r)
            _exit(4);
    }
    trygg_store_close(st);
    _exit(0);
}

/* Runs PROCS children released together; results[PROCS * nkeys]. */
static void run_round(const char *path, const char *key_fmt, int nkeys, result *results)
{
    int barrier[2], out[2];
    assert_int_equal(pipe(barrier), 0);
    assert_int_equal(pipe(out), 0);
    pid_t pids[PROCS];
    for (int p = 0; p < PROCS; p++) {
        pids[p] = fork();
        assert_true(pids[p] >= 0);
        if (pids[p] == 0) {
            close(barrier[1]);
            close(out[0]);
            child(path, barrier[0], out[1], key_fmt, nkeys);
        }
    }
    close(barrier[0]);
    close(out[1]);
    usleep(200 * 1000); /* let every child open and block on the barrier */
    char go[PROCS];
    memset(go, 'g', sizeof go);
    assert_int_equal(write(barrier[1], go, PROCS), PROCS);
    close(barrier[1]);
    size_t want = (size_t)PROCS * (size_t)nkeys * sizeof(result), got = 0;
    while (got < want) {
        ssize_t k = read(out[0], (char *)results + got, want - got);
        assert_true(k > 0);
        got += (size_t)k;
    }
    close(out[0]);
    for (int p = 0; p < PROCS; p++) {
        int status;
        assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
}

/* Items stored in all (any status). */
static int64_t count_items(trygg_store *st)
{
    int64_t counts[TRYGG_STATUS_COUNT], n = 0;
    assert_int_equal(trygg_store_count_by_status(st, NULL, counts), TRYGG_OK);
    for (int i = 0; i < TRYGG_STATUS_COUNT; i++)
        n += counts[i];
    return n;
}

static void test_same_key_at_once_gives_one_item(void **state)
{
    fixture *f = *state;
    assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_OK);
    for (int round = 0; round < 10; round++) {
        char fmt[32];
        snprintf(fmt, sizeof fmt, "race-%d-%%d", round);
        result r[PROCS];
        run_round(f->path, fmt, 1, r);
        int creators = 0;
        for (int p = 0; p < PROCS; p++) {
            assert_int_equal(r[p].err, TRYGG_OK);
            assert_int_equal(r[p].id, r[0].id);
            assert_string_equal(r[p].ref, r[0].ref);
            creators += r[p].created;
        }
        assert_int_equal(creators, 1);
        char key[32];
        snprintf(key, sizeof key, fmt, 0);
        assert_int_equal(count_items(f->st), round + 1); /* one item per round */
        trygg_item it;
        assert_int_equal(trygg_store_get_by_key(f->st, key, &it), TRYGG_OK);
        assert_int_equal(it.id, r[0].id);
        /* Exactly one "created" audit row. */
        trygg_audit a[4];
        int n;
        assert_int_equal(trygg_store_list_audit(f->st, it.id, a, 4, &n), TRYGG_OK);
        assert_int_equal(n, 1);
    }
}

static void test_many_writers_no_busy_errors(void **state)
{
    fixture *f = *state;
    assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_OK);
    enum { KEYS = 40 };
    result *r = calloc(PROCS * KEYS, sizeof *r);
    /* Every process submits the same 40 keys in the same order. */
    run_round(f->path, "shared-%d", KEYS, r);
    for (int i = 0; i < PROCS * KEYS; i++)
        assert_int_equal(r[i].err, TRYGG_OK);
    int64_t counts[TRYGG_STATUS_COUNT];
    assert_int_equal(trygg_store_count_by_status(f->st, NULL, counts), TRYGG_OK);
    assert_int_equal(counts[TRYGG_STATUS_NEW], KEYS);
    free(r);
}

static void test_fresh_file_opened_at_once(void **state)
{
    fixture *f = *state;
    /* Nobody has created the file yet: all children open (and migrate) it
     * at the same time, then submit distinct keys. */
    result r[PROCS * 2];
    run_round(f->path, "fresh-%d", 2, r);
    for (int i = 0; i < PROCS * 2; i++)
        assert_int_equal(r[i].err, TRYGG_OK);
    assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_OK);
    assert_int_equal(trygg_store_schema_version(f->st), trygg_store_schema_latest());
    int64_t counts[TRYGG_STATUS_COUNT];
    assert_int_equal(trygg_store_count_by_status(f->st, NULL, counts), TRYGG_OK);
    assert_int_equal(counts[TRYGG_STATUS_NEW], 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_key_at_once_gives_one_item, mk_dir, rm_dir),
        cmocka_unit_test_setup_teardown(test_many_writers_no_busy_errors, mk_dir, rm_dir),
        cmocka_unit_test_setup_teardown(test_fresh_file_opened_at_once, mk_dir, rm_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
