/*
 * test_store_leases.c — leased outboxes and run-once jobs, through store.h
 * only: two workers never get the same row, a crashed worker's rows come
 * back when the lease ends, marking ends a lease, urgent SMS replies come
 * first, and job leases exclude each other across handles and processes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store_fixture.h"

#define P1 "1111111111111111111111111111111111111111111111111111111111111111"

static void enqueue_sms(trygg_store *st, int n, const char *author)
{
    trygg_contact c;
    const unsigned char cipher[4] = {1, 2, 3, 4};
    assert_int_equal(trygg_store_contact_get_or_create(st, P1, cipher, 4, "Tipsare T-", &c),
                     TRYGG_OK);
    for (int i = 0; i < n; i++) {
        char text[32];
        snprintf(text, sizeof text, "Svar %d", i);
        assert_int_equal(trygg_store_sms_enqueue(st, 0, P1, author, text, NULL), TRYGG_OK);
    }
}

static void test_two_workers_never_share_a_row(void **state)
{
    fixture *f = *state;
    trygg_store *b = NULL;
    assert_int_equal(trygg_store_open(f->path, &b), TRYGG_OK);
    enqueue_sms(f->st, 10, "anna");
    int64_t now = (int64_t)time(NULL) + 5;
    trygg_sms_out ra[16], rb[16];
    int na = 0, nb = 0;
    assert_int_equal(trygg_store_sms_claim(f->st, "worker-a", now, 60, ra, 4, &na), TRYGG_OK);
    assert_int_equal(na, 4);
    assert_int_equal(trygg_store_sms_claim(b, "worker-b", now, 60, rb, 16, &nb), TRYGG_OK);
    assert_int_equal(nb, 6);
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            assert_true(ra[i].id != rb[j].id);
    /* Everything is leased: nothing more to claim. */
    assert_int_equal(trygg_store_sms_claim(b, "worker-b", now, 60, rb, 16, &nb), TRYGG_OK);
    assert_int_equal(nb, 0);
    /* A sends two and crashes; after its lease the other two come back. */
    assert_int_equal(trygg_store_sms_mark(f->st, ra[0].id, TRYGG_OUT_SENT, 1, "", 0), TRYGG_OK);
    assert_int_equal(trygg_store_sms_mark(f->st, ra[1].id, TRYGG_OUT_SENT, 1, "", 0), TRYGG_OK);
    assert_int_equal(trygg_store_sms_claim(b, "worker-b", now + 59, 60, rb, 16, &nb), TRYGG_OK);
    assert_int_equal(nb, 0);
    assert_int_equal(trygg_store_sms_claim(b, "worker-b", now + 61, 60, rb, 16, &nb), TRYGG_OK);
    assert_int_equal(nb, 8); /* A's two unsent rows + B's six (B's lease ended too) */
    int found = 0;
    for (int j = 0; j < nb; j++)
        found += rb[j].id == ra[2].id || rb[j].id == ra[3].id;
    assert_int_equal(found, 2);
    /* A failed send ends the lease; the row is due again at next_attempt. */
    assert_int_equal(trygg_store_sms_mark(b, rb[0].id, TRYGG_OUT_FAILED, 0, "no network", now + 62),
                     TRYGG_OK);
    assert_int_equal(trygg_store_sms_claim(f->st, "worker-a", now + 62, 60, ra, 16, &na), TRYGG_OK);
    assert_int_equal(na, 1);
    assert_int_equal(ra[0].id, rb[0].id);
    trygg_store_close(b);
}

static void test_urgent_first(void **state)
{
    fixture *f = *state;
    enqueue_sms(f->st, 3, "anna");
    enqueue_sms(f->st, 1, "smsgw-urgent");
    trygg_sms_out r[8];
    int n = 0;
    assert_int_equal(trygg_store_sms_claim(f->st, "w", (int64_t)time(NULL) + 5, 30, r, 8, &n),
                     TRYGG_OK);
    assert_int_equal(n, 4);
    assert_string_equal(r[0].author, "smsgw-urgent");
}

static void test_notify_claim(void **state)
{
    fixture *f = *state;
    trygg_store *b = NULL;
    assert_int_equal(trygg_store_open(f->path, &b), TRYGG_OK);
    for (int i = 0; i < 5; i++)
        assert_int_equal(trygg_store_notify_enqueue(f->st, 0, "security", "email", "{}", NULL),
                         TRYGG_OK);
    int64_t now = (int64_t)time(NULL) + 5;
    trygg_notify *ra = calloc(8, sizeof *ra), *rb = calloc(8, sizeof *rb);
    assert_non_null(ra);
    assert_non_null(rb);
    int na = 0, nb = 0;
    assert_int_equal(trygg_store_notify_claim(f->st, "a", now, 60, ra, 3, &na), TRYGG_OK);
    assert_int_equal(trygg_store_notify_claim(b, "b", now, 60, rb, 8, &nb), TRYGG_OK);
    assert_int_equal(na + nb, 5);
    assert_int_equal(nb, 2);
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            assert_true(ra[i].id != rb[j].id);
    assert_int_equal(trygg_store_notify_claim(b, "b", now + 61, 60, rb, 8, &nb), TRYGG_OK);
    assert_int_equal(nb, 5);
    free(ra);
    free(rb);
    trygg_store_close(b);
}

/* Short leases renewed while sending; the hand-over marker is written only
 * under the lease, survives the worker's death and is cleared by the mark. */
static void test_notify_renew_and_handover(void **state)
{
    fixture *f = *state;
    trygg_store *b = NULL;
    assert_int_equal(trygg_store_open(f->path, &b), TRYGG_OK);
    int64_t id0 = 0, id1 = 0;
    assert_int_equal(trygg_store_notify_enqueue(f->st, 0, "security", "email", "{}", &id0),
                     TRYGG_OK);
    assert_int_equal(trygg_store_notify_enqueue(f->st, 0, "security", "webhook", "{}", &id1),
                     TRYGG_OK);
    int64_t now = (int64_t)time(NULL) + 5;
    trygg_notify *r = calloc(8, sizeof *r);
    assert_non_null(r);
    int n = 0;
    assert_int_equal(trygg_store_notify_claim(f->st, "a", now, 60, r, 8, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(r[0].handed_over, 0);
    assert_int_equal(r[0].handovers, 0);
    /* A renews at +50: B finds nothing at +61, the lease runs to +110. */
    assert_int_equal(trygg_store_notify_renew(f->st, "a", now + 50, 60, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(trygg_store_notify_renew(b, "b", now + 50, 60, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(trygg_store_notify_claim(b, "b", now + 61, 60, r, 8, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    /* Only the lease holder may start the hand-over. */
    assert_int_equal(trygg_store_notify_handover(b, id0, "b", now + 61), TRYGG_ERR_BUSY);
    assert_int_equal(trygg_store_notify_handover(f->st, id0, "a", now + 61), TRYGG_OK);
    assert_int_equal(trygg_store_notify_handover(f->st, 999999, "a", now + 61), TRYGG_ERR_NOTFOUND);
    /* A dies; at +111 B takes both rows over and sees the hand-over of id0. */
    assert_int_equal(trygg_store_notify_claim(b, "b", now + 111, 60, r, 8, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    trygg_notify *h = r[0].id == id0 ? &r[0] : &r[1], *o = r[0].id == id0 ? &r[1] : &r[0];
    assert_int_equal(h->id, id0);
    assert_int_equal(h->handed_over, now + 61);
    assert_int_equal(h->handovers, 1);
    assert_int_equal(o->handed_over, 0);
    /* A, back, holds nothing: no renewal, no hand-over. */
    assert_int_equal(trygg_store_notify_renew(f->st, "a", now + 112, 60, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(trygg_store_notify_handover(f->st, id0, "a", now + 112), TRYGG_ERR_BUSY);
    /* A lease that ran out is not renewed either (it may be claimed). */
    assert_int_equal(trygg_store_notify_renew(b, "b", now + 172, 60, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(trygg_store_notify_handover(b, id0, "b", now + 172), TRYGG_ERR_BUSY);
    assert_int_equal(trygg_store_notify_claim(b, "b", now + 172, 60, r, 8, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(trygg_store_notify_handover(b, id0, "b", now + 173), TRYGG_OK);
    /* The mark records the outcome: the marker is cleared, the count stays. */
    assert_int_equal(trygg_store_notify_mark(b, id0, TRYGG_OUT_SENT, "", 0), TRYGG_OK);
    assert_int_equal(trygg_store_notify_mark(b, id1, TRYGG_OUT_FAILED, "x", now + 200), TRYGG_OK);
    assert_int_equal(trygg_store_notify_list(b, TRYGG_OUT_SENT, r, 8, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].handed_over, 0);
    assert_int_equal(r[0].handovers, 2);
    assert_int_equal(trygg_store_notify_handover(b, id0, "b", now + 174), TRYGG_ERR_BUSY);
    assert_int_equal(trygg_store_notify_renew(b, "", now, 60, &n), TRYGG_ERR_INVALID);
    free(r);
    trygg_store_close(b);
}

static void test_bad_claims_refused(void **state)
{
    fixture *f = *state;
    trygg_sms_out r[2];
    int n = 7;
    assert_int_equal(trygg_store_sms_claim(f->st, "", 1, 60, r, 2, &n), TRYGG_ERR_INVALID);
    assert_int_equal(n, 0);
    assert_int_equal(trygg_store_sms_claim(f->st, "w", 1, 0, r, 2, &n), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_job_lease(f->st, "", "w", 1, 60), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_job_lease(f->st, "purge", NULL, 1, 60), TRYGG_ERR_INVALID);
}

static void test_job_lease(void **state)
{
    fixture *f = *state;
    trygg_store *b = NULL;
    assert_int_equal(trygg_store_open(f->path, &b), TRYGG_OK);
    assert_int_equal(trygg_store_job_lease(f->st, "purge", "a", 1000, 60), TRYGG_OK);
    assert_int_equal(trygg_store_job_lease(b, "purge", "b", 1010, 60), TRYGG_ERR_BUSY);
    assert_int_equal(trygg_store_job_lease(b, "police", "b", 1010, 60), TRYGG_OK);
    assert_int_equal(trygg_store_job_lease(f->st, "purge", "a", 1050, 60), TRYGG_OK); /* renew */
    assert_int_equal(trygg_store_job_lease(b, "purge", "b", 1100, 60), TRYGG_ERR_BUSY);
    assert_int_equal(trygg_store_job_lease(b, "purge", "b", 1110, 60), TRYGG_OK); /* ran out */
    assert_int_equal(trygg_store_job_lease(f->st, "purge", "a", 1111, 60), TRYGG_ERR_BUSY);
    assert_int_equal(trygg_store_job_release(b, "purge", "b"), TRYGG_OK);
    assert_int_equal(trygg_store_job_lease(f->st, "purge", "a", 1112, 60), TRYGG_OK);
    /* Releasing another owner's lease changes nothing. */
    assert_int_equal(trygg_store_job_release(b, "purge", "b"), TRYGG_OK);
    assert_int_equal(trygg_store_job_lease(b, "purge", "b", 1113, 60), TRYGG_ERR_BUSY);
    trygg_store_close(b);
}

/* Four processes claim from one outbox at once until it is empty: every
 * row is claimed exactly once. */
static void test_processes_claim_each_row_once(void **state)
{
    fixture *f = *state;
    enum { ROWS = 400, PROCS = 4 };
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    enqueue_sms(f->st, ROWS, "anna");
    assert_int_equal(trygg_store_commit(f->st), TRYGG_OK);
    int fds[PROCS][2];
    pid_t pids[PROCS];
    int64_t now = (int64_t)time(NULL) + 5;
    for (int p = 0; p < PROCS; p++) {
        assert_int_equal(pipe(fds[p]), 0);
        pids[p] = fork();
        assert_true(pids[p] >= 0);
        if (pids[p] == 0) {
            close(fds[p][0]);
            trygg_store *st = NULL;
            if (trygg_store_open(f->path, &st) != TRYGG_OK)
                _exit(2);
            char owner[16];
            snprintf(owner, sizeof owner, "proc-%d", p);
            /* A claim that does not lease would hand out rows forever. */
            for (int got = 0; got <= ROWS;) {
                trygg_sms_out r[7];
                int n = 0;
                trygg_err e = trygg_store_sms_claim(st, owner, now, 600, r, 7, &n);
                if (e == TRYGG_ERR_BUSY)
                    continue;
                if (e != TRYGG_OK)
                    _exit(3);
                if (n == 0)
                    break;
                for (int i = 0; i < n; i++, got++)
                    if (write(fds[p][1], &r[i].id, sizeof r[i].id) != sizeof r[i].id)
                        _exit(4);
            }
            trygg_store_close(st);
            _exit(0);
        }
        close(fds[p][1]);
    }
    static int seen[ROWS + 1];
    memset(seen, 0, sizeof seen);
    int total = 0;
    for (int p = 0; p < PROCS; p++) {
        int64_t id;
        while (read(fds[p][0], &id, sizeof id) == sizeof id) {
            assert_true(id >= 1 && id <= ROWS);
            seen[id]++;
            total++;
        }
        close(fds[p][0]);
        int status = 0;
        assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(total, ROWS);
    for (int i = 1; i <= ROWS; i++)
        assert_int_equal(seen[i], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_workers_never_share_a_row, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_urgent_first, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_notify_claim, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_notify_renew_and_handover, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_bad_claims_refused, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_job_lease, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_processes_claim_each_row_once, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
