/* The write-ahead log stays bounded under sustained load: writers commit
 * while readers keep listing (each read holds a snapshot, so SQLite's own
 * passive checkpoints cannot reset the log). Threads, one store handle each,
 * on a real database file; bounded in time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>

#include "store_fixture.h"

#define WRITERS 1
#define READERS 3
#define ITEMS   900 /* about 8 MB of database: the log's volume, several times its bound */
/* The bound set on every handle here (the default is 64 MiB), and what the
 * log may reach past it: the transactions in flight while a restarting
 * checkpoint waits for readers. */
#define WAL_LIMIT (1LL * 1024 * 1024)
#define WAL_BOUND (5 * WAL_LIMIT / 2)

static char path[512];
static atomic_int stop_flag;
static atomic_long written;
/* 1: as trygg-server runs it: the committing handle does not checkpoint
 * after its commits (trygg_store_set_autocheckpoint 0) and a background job
 * calls trygg_store_checkpoint on its own handle (server/intake.c). */
static int server_mode;

static void *writer(void *arg)
{
    int w = (int)(intptr_t)arg;
    trygg_store *st = NULL;
    if (trygg_store_open(path, &st) != TRYGG_OK)
        return NULL;
    trygg_store_set_wal_limit(st, WAL_LIMIT);
    if (server_mode && trygg_store_set_autocheckpoint(st, 0) != TRYGG_OK) {
        trygg_store_close(st);
        return NULL;
    }
    char text[TRYGG_TEXT_MAX + 1];
    memset(text, 'a', 3900);
    text[3900] = '\0';
    for (long i = 0; atomic_load(&written) < ITEMS && !atomic_load(&stop_flag); i++) {
        trygg_item it, out;
        fx_item(&it, "", TRYGG_KIND_CONCERN, "Centrum", text);
        snprintf(it.client_key, sizeof it.client_key, "wal-%d-%ld", w, i);
        int created;
        if (trygg_store_begin(st) != TRYGG_OK)
            continue;
        /* Several items per commit: the log grows fast, as under load. */
        for (int k = 0; k < 20; k++) {
            snprintf(it.client_key, sizeof it.client_key, "wal-%d-%ld-%d", w, i, k);
            if (trygg_store_submit(st, &it, &out, &created) == TRYGG_OK)
                atomic_fetch_add(&written, 1);
        }
        if (trygg_store_commit(st) != TRYGG_OK)
            trygg_store_rollback(st);
    }
    trygg_store_close(st);
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    trygg_store *st = NULL;
    if (trygg_store_open(path, &st) != TRYGG_OK)
        return NULL;
    trygg_store_set_wal_limit(st, WAL_LIMIT);
    trygg_item *items = calloc(50, sizeof *items);
    while (!atomic_load(&stop_flag)) {
        trygg_filter f;
        trygg_filter_init(&f);
        int n;
        assert_int_equal(trygg_store_list(st, &f, NULL, items, 50, &n, NULL), TRYGG_OK);
    }
    free(items);
    trygg_store_close(st);
    return NULL;
}

static void *checkpointer(void *arg)
{
    (void)arg;
    trygg_store *st = NULL;
    if (trygg_store_open(path, &st) != TRYGG_OK)
        return NULL;
    trygg_store_set_wal_limit(st, WAL_LIMIT);
    struct timespec tick = {0, 100 * 1000 * 1000};
    while (!atomic_load(&stop_flag)) {
        nanosleep(&tick, NULL);
        assert_int_equal(trygg_store_checkpoint(st, NULL), TRYGG_OK);
    }
    trygg_store_close(st);
    return NULL;
}

static long long file_size(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 ? (long long)sb.st_size : 0;
}

static void run_load(void)
{
    /* On tmpfs fsync costs nothing, like a fast disk: writes are not
     * waiting on the disk, so the log grows as fast as it can. */
    char dir[256];
    struct stat shm;
    const char *tmp = stat("/dev/shm", &shm) == 0 && S_ISDIR(shm.st_mode) ? "/dev/shm" : NULL;
    if (!tmp)
        tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(dir, sizeof dir, "%s/trygg-wal-XXXXXX", tmp);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/trygg.db", dir);
    trygg_store *st = NULL;
    assert_int_equal(trygg_store_open(path, &st), TRYGG_OK);
    trygg_store_set_wal_limit(st, WAL_LIMIT);

    atomic_store(&stop_flag, 0);
    atomic_store(&written, 0);
    pthread_t t[WRITERS + READERS + 1];
    int nt = WRITERS + READERS;
    if (server_mode)
        assert_int_equal(pthread_create(&t[nt++], NULL, checkpointer, NULL), 0);
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, writer, (void *)(intptr_t)i), 0);
    for (int i = 0; i < READERS; i++)
        assert_int_equal(pthread_create(&t[WRITERS + i], NULL, reader, NULL), 0);
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", path);
    long long max = 0;
    struct timespec tick = {0, 20 * 1000 * 1000};
    for (int waited = 0; atomic_load(&written) < ITEMS && waited < 120 * 50; waited++) {
        nanosleep(&tick, NULL);
        long long sz = file_size(wal);
        if (sz > max)
            max = sz;
    }
    atomic_store(&stop_flag, 1); /* readers stop; the writer stops at ITEMS */
    for (int i = 0; i < nt; i++)
        pthread_join(t[i], NULL);
    printf("wal%s: %ld items written by %d writer with %d readers; largest log %.1f MB\n",
           server_mode ? " (server mode)" : "", (long)atomic_load(&written), WRITERS, READERS,
           (double)max / 1048576.0);
    trygg_store_close(st);
    /* Enough was written that an unbounded log would have passed the bound
     * (the database holds all of it), yet the log never did. */
    long long db = file_size(path);
    printf("wal: database %.1f MB, bound %.1f MB\n", (double)db / 1048576.0,
           (double)WAL_BOUND / 1048576.0);
    assert_true(db > WAL_BOUND);
    assert_true(max < WAL_BOUND);
    fx_rmdir(dir);
}

/* Every handle checkpoints after its own commits. */
static void test_wal_bounded_under_load(void **state)
{
    (void)state;
    server_mode = 0;
    run_load();
}

/* The committer leaves checkpoints to a background job, as the server's
 * intake does: that job must bound the log too. */
static void test_wal_bounded_with_background_checkpoints(void **state)
{
    (void)state;
    server_mode = 1;
    run_load();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wal_bounded_under_load),
        cmocka_unit_test(test_wal_bounded_with_background_checkpoints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
