/* Failing commits: a read-only database file, a full disk (a VFS shim that
 * answers SQLITE_FULL after a byte budget, as SQLite does on ENOSPC) and a
 * file-size limit (RLIMIT_FSIZE) give a clear error, leave no partial item,
 * and the database is consistent and usable afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "store_fixture.h"
#include "store_sqlite_internal.h"

/* ---- A VFS shim: the default VFS, but writes fail with SQLITE_FULL once
 * `budget` bytes have been written (-1 = no limit). */
static sqlite3_vfs shim_vfs;
static sqlite3_vfs *real_vfs;
/* SQLite uses different method tables for the database, journal and WAL
 * files: one patched copy per original table. */
#define SHIM_TABLES 8
static sqlite3_io_methods shim_methods[SHIM_TABLES];
static const sqlite3_io_methods *real_methods[SHIM_TABLES];
static int shim_tables;
static long long budget = -1;

static int shim_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    const sqlite3_io_methods *real = NULL;
    for (int i = 0; i < shim_tables; i++)
        if (f->pMethods == &shim_methods[i])
            real = real_methods[i];
    if (!real)
        return SQLITE_IOERR_WRITE;
    if (budget >= 0) {
        if (amt > budget) {
            budget = 0;
            return SQLITE_FULL;
        }
        budget -= amt;
    }
    return real->xWrite(f, buf, amt, off);
}

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    int rc = real_vfs->xOpen(real_vfs, name, f, flags, out);
    if (rc != SQLITE_OK || !f->pMethods)
        return rc;
    int i = 0;
    while (i < shim_tables && real_methods[i] != f->pMethods)
        i++;
    if (i == shim_tables) {
        if (shim_tables == SHIM_TABLES)
            return rc;
        real_methods[i] = f->pMethods;
        shim_methods[i] = *f->pMethods;
        shim_methods[i].xWrite = shim_write;
        shim_tables++;
    }
    f->pMethods = &shim_methods[i];
    return rc;
}

/* Makes the shim the default VFS of this process (call in a child). */
static void shim_install(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    shim_vfs = *real_vfs;
    shim_vfs.zName = "trygg-test-full";
    shim_vfs.xOpen = shim_open;
    sqlite3_vfs_register(&shim_vfs, 1);
}

static int mk_dir(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/trygg-fail-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/trygg.db", f->dir);
    /* One committed item to start from. */
    trygg_store *st;
    if (trygg_store_open(f->path, &st) != TRYGG_OK)
        return -1;
    trygg_item it, out;
    int made;
    fx_item(&it, "before", TRYGG_KIND_CONCERN, "Centrum", "Finns före felet");
    if (trygg_store_submit(st, &it, &out, &made) != TRYGG_OK)
        return -1;
    trygg_store_close(st);
    *state = f;
    return 0;
}

static int rm_dir(void **state)
{
    fixture *f = *state;
    trygg_store_close(f->st);
    chmod(f->dir, 0700);
    fx_rmdir(f->dir);
    free(f);
    return 0;
}

/* After the failure: integrity ok, only the first item, and a new submit
 * works again. */
static void check_consistent(fixture *f)
{
    assert_int_equal(trygg_store_open(f->path, &f->st), TRYGG_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(f->st->db, "PRAGMA integrity_check", -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
    sqlite3_finalize(s);
    assert_int_equal(sqlite3_prepare_v2(f->st->db,
                                        "SELECT (SELECT count(*) FROM items), "
                                        "(SELECT count(*) FROM audit), "
                                        "(SELECT count(*) FROM items_fts WHERE items_fts "
                                        "MATCH 'misslyckas')",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 1);
    assert_int_equal(sqlite3_column_int(s, 1), 1);
    assert_int_equal(sqlite3_column_int(s, 2), 0);
    sqlite3_finalize(s);
    trygg_item it, out;
    int made;
    assert_int_equal(trygg_store_get_by_key(f->st, "doomed", &it), TRYGG_ERR_NOTFOUND);
    fx_item(&it, "doomed", TRYGG_KIND_CONCERN, "Centrum", "Nu går det");
    trygg_err err = trygg_store_submit(f->st, &it, &out, &made);
    if (err)
        fprintf(stderr, "submit after failure: %s\n", trygg_store_errmsg(f->st));
    assert_int_equal(err, TRYGG_OK);
    assert_int_equal(made, 1);
}

/* Child exit codes say which check failed. */
enum { OK = 0, E_OPEN = 10, E_CODE, E_MSG, E_PARTIAL, E_RETRY, E_PRIV };

static int try_doomed_submit(trygg_store *st, trygg_err want, const char *msg_part)
{
    trygg_item it, out;
    int made = -1;
    fx_item(&it, "doomed", TRYGG_KIND_CONCERN, "Centrum", "");
    /* A large text so the commit needs several pages. */
    for (size_t i = 0; i + 12 < TRYGG_TEXT_MAX; i += 11)
        memcpy(it.text + i, "misslyckas ", 11);
    trygg_err err = trygg_store_submit(st, &it, &out, &made);
    if (err != want) {
        fprintf(stderr, "child: got %s (%s)\n", trygg_strerror(err), trygg_store_errmsg(st));
        return E_CODE;
    }
    fprintf(stderr, "child: expected failure: %s\n", trygg_store_errmsg(st));
    if (!strstr(trygg_store_errmsg(st), msg_part))
        return E_MSG;
    if (made != 0)
        return E_PARTIAL;
    trygg_item again;
    if (trygg_store_get_by_key(st, "doomed", &again) != TRYGG_ERR_NOTFOUND)
        return E_PARTIAL;
    return OK;
}

static int wait_child(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void test_readonly_file(void **state)
{
    fixture *f = *state;
    assert_int_equal(chmod(f->path, 0444), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* root ignores file modes: drop to an unprivileged user first. */
        if (geteuid() == 0) {
            if (chmod(f->dir, 0777) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
                _exit(E_PRIV);
        }
        trygg_store *st = NULL;
        if (trygg_store_open(f->path, &st) != TRYGG_OK)
            _exit(E_OPEN);
        int rc = try_doomed_submit(st, TRYGG_ERR_READONLY, "readonly");
        trygg_store_close(st);
        _exit(rc);
    }
    assert_int_equal(wait_child(pid), OK);
    /* Fix the permissions as an operator would: SQLite creates -wal and
     * -shm with the mode of the database file. */
    assert_int_equal(chmod(f->path, 0644), 0);
    char side[700];
    snprintf(side, sizeof side, "%s-wal", f->path);
    chmod(side, 0644);
    snprintf(side, sizeof side, "%s-shm", f->path);
    chmod(side, 0644);
    assert_int_equal(chmod(f->dir, 0700), 0);
    check_consistent(f);
}

static void test_disk_full(void **state)
{
    fixture *f = *state;
    /* Budgets from "nothing at all" to "part of the commit" hit the
     * failure at different writes (WAL header, first frames, last frame). */
    const long long budgets[] = {0, 32, 5000, 9000, 13000};
    for (size_t i = 0; i < sizeof budgets / sizeof budgets[0]; i++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            shim_install();
            trygg_store *st = NULL;
            if (trygg_store_open(f->path, &st) != TRYGG_OK)
                _exit(E_OPEN);
            budget = budgets[i];
            int rc = try_doomed_submit(st, TRYGG_ERR_FULL, "full");
            /* Space again: the same handle works. */
            budget = -1;
            trygg_item it, out;
            int made;
            fx_item(&it, "after", TRYGG_KIND_CONCERN, "Centrum", "Plats igen");
            if (rc == OK && (trygg_store_submit(st, &it, &out, &made) != TRYGG_OK || made != 1))
                rc = E_RETRY;
            if (rc == OK && trygg_store_set_status(st, out.id, "x", TRYGG_STATUS_CLOSED,
                                                   TRYGG_CLOSE_SPAM, 0) != TRYGG_OK)
                rc = E_RETRY;
            trygg_store_close(st);
            _exit(rc);
        }
        assert_int_equal(wait_child(pid), OK);
        /* Remove the "after" item so the next round starts equal. */
        sqlite3 *db;
        assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                                      "DELETE FROM audit WHERE item_id IN (SELECT id FROM items "
                                      "WHERE client_key = 'after'); DELETE FROM items WHERE "
                                      "client_key = 'after'",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
    }
    check_consistent(f);
}

static void test_file_size_limit(void **state)
{
    fixture *f = *state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        trygg_store *st = NULL;
        if (trygg_store_open(f->path, &st) != TRYGG_OK)
            _exit(E_OPEN);
        signal(SIGXFSZ, SIG_IGN);
        /* No file may grow past 2 KiB: the WAL frames of the commit fail.
         * SQLite reports EFBIG as a write I/O error. */
        struct rlimit lim = {2048, 2048};
        if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
            _exit(E_PRIV);
        int rc = try_doomed_submit(st, TRYGG_ERR_IO, "disk I/O error");
        if (rc == E_CODE)
            rc = try_doomed_submit(st, TRYGG_ERR_FULL, "disk");
        trygg_store_close(st);
        _exit(rc);
    }
    assert_int_equal(wait_child(pid), OK);
    check_consistent(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_readonly_file, mk_dir, rm_dir),
        cmocka_unit_test_setup_teardown(test_disk_full, mk_dir, rm_dir),
        cmocka_unit_test_setup_teardown(test_file_size_limit, mk_dir, rm_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
