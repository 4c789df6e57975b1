/*
 * test_store_contacts_concurrent.c — contacts are insert-or-get on the
 * pseudonym: four processes meeting the same 30 new senders at the same
 * moment all succeed, and each sender ends with exactly one contact, one
 * alias, and the same alias in every process's answer. Through store.h only,
 * so every backend must pass it.
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
#include <unistd.h>

#include "store_fixture.h"

enum { PROCS = 4, SENDERS = 30 };

static void pseudonym(int i, char out[65])
{
    snprintf(out, 65, "%064d", 1000 + i);
}

static void test_many_processes_one_contact_each(void **state)
{
    fixture *f = *state;
    int fds[PROCS][2];
    pid_t pids[PROCS];
    for (int p = 0; p < PROCS; p++) {
        assert_int_equal(pipe(fds[p]), 0);
        pids[p] = fork();
        assert_true(pids[p] >= 0);
        if (pids[p] == 0) {
            close(fds[p][0]);
            trygg_store *st = NULL;
            if (trygg_store_open(f->path, &st) != TRYGG_OK)
                _exit(2);
            for (int i = 0; i < SENDERS; i++) {
                char ps[65];
                pseudonym(i, ps);
                trygg_contact c;
                const unsigned char cipher[3] = {9, 9, (unsigned char)i};
                trygg_err e;
                while ((e = trygg_store_contact_get_or_create(st, ps, cipher, 3, "Tipsare T-",
                                                              &c)) == TRYGG_ERR_BUSY)
                    ;
                if (e != TRYGG_OK)
                    _exit(3);
                char line[TRYGG_ALIAS_MAX + 1] = "";
                snprintf(line, sizeof line, "%s", c.alias);
                if (write(fds[p][1], line, sizeof line) != (ssize_t)sizeof line)
                    _exit(4);
            }
            trygg_store_close(st);
            _exit(0);
        }
        close(fds[p][1]);
    }
    static char alias[PROCS][SENDERS][TRYGG_ALIAS_MAX + 1];
    for (int p = 0; p < PROCS; p++) {
        for (int i = 0; i < SENDERS; i++)
            assert_int_equal(read(fds[p][0], alias[p][i], sizeof alias[p][i]),
                             (ssize_t)sizeof alias[p][i]);
        close(fds[p][0]);
        int status = 0;
        assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    for (int i = 0; i < SENDERS; i++) {
        char ps[65];
        pseudonym(i, ps);
        trygg_contact c;
        assert_int_equal(trygg_store_contact_get(f->st, ps, &c), TRYGG_OK);
        for (int p = 0; p < PROCS; p++)
            assert_string_equal(alias[p][i], c.alias);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(alias[0][j], c.alias);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_many_processes_one_contact_each, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
