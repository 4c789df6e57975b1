/*
 * test_fetch.c — the gateway's reply fetch thread (smsgw/fetch.h, issue 17):
 * against a real trygg-server in-process (smsgw_testutil.h, with its reply
 * wake-up worker server/reply_wait.h and [sms] reply_poll at 1 s) the
 * thread long-polls: it asks few claims, a reply queued on the server is
 * ready for the gateway's loop within moments, and stopping while a claim
 * waits 25 s is prompt. Against a server of protocol version 1 (a stub,
 * claim_v1_stub.py: no "wait" in its answers) it claims every
 * poll_interval instead, and hands on what it got; its /delivered, older
 * than the batch form, gets one request per sent row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "local_store.h"
#include "relay.h"
#include "sms_replies.h"
#include "trygg/secret.h"
#include "reply_wait.h"
#include "server_fixture.h"
#include "smsgw_testutil.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* Waits up to `limit` seconds for fetch_ready; the seconds it took, or -1. */
static double until_ready(fetch *f, double limit)
{
    double t0 = now_s();
    while (now_s() - t0 < limit) {
        if (fetch_ready(f))
            return now_s() - t0;
        sleep_s(0.02);
    }
    return -1;
}

/* The texts of the claimed rows in what fetch_take gave (a list of
 * answers), joined by '|'. */
static void texts_of(json_t *list, char *out, size_t cap)
{
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *msgs = json_object_get(json_array_get(list, i), "messages");
        for (size_t j = 0; j < json_array_size(msgs); j++) {
            const char *t = json_string_value(json_object_get(json_array_get(msgs, j), "text"));
            size_t l = strlen(out);
            snprintf(out + l, cap - l, "%s%s", l ? "|" : "", t ? t : "");
        }
    }
}

static void test_long_poll(void **state)
{
    (void)state;
    tu_env t;
    tu_env_init(&t);
    assert_int_equal(tu_serve(&t, NULL), 0);
    assert_int_equal(reply_wait_start(&t.srv->ctx, t.srv->http), 0);
    static const char P[] = "00000000000000000000000000000000000000000000000000000000000000bb";
    const unsigned char cipher[] = {1, 2, 3};
    trygg_contact c;
    assert_int_equal(
        trygg_store_contact_get_or_create(tu_server_store(&t), P, cipher, 3, "Tipsare T-", &c),
        TRYGG_OK);
    t.cfg.claim_wait = 25;
    fetch *f = NULL;
    char err[300] = "";
    assert_int_equal(fetch_start(&t.cfg, 16, 300, &f, err, sizeof err), TRYGG_OK);
    /* The first answer: the reference prefix, and the server holds claims. */
    assert_true(until_ready(f, 10) >= 0);
    json_decref(fetch_take(f));
    assert_true(fetch_long_poll(f));
    sleep_s(1.5);
    assert_false(fetch_ready(f)); /* nothing to claim: the claim waits */
    int64_t id = 0;
    assert_int_equal(
        trygg_store_sms_enqueue(tu_server_store(&t), 0, P, "anna", "Vi kommer i dag", &id),
        TRYGG_OK);
    double took = until_ready(f, 20);
    if (took < 0 || took > 5.0)
        fail_msg("the reply was ready after %.1f s (the claim waits 25 s)", took);
    json_t *got = fetch_take(f);
    char texts[256];
    texts_of(got, texts, sizeof texts);
    assert_string_equal(texts, "Vi kommer i dag");
    json_decref(got);
    /* A clean stop while a claim waits 25 s on the server. */
    sleep_s(1.0);
    double t0 = now_s();
    fetch_stop(f);
    if (now_s() - t0 > 3.0)
        fail_msg("stopping the fetch took %.1f s", now_s() - t0);
    reply_wait_stop();
    tu_env_free(&t);
}

static int count_lines(const char *path)
{
    FILE *fp = fopen(path, "r");
    int n = 0, ch;
    while (fp && (ch = fgetc(fp)) != EOF)
        n += ch == '\n';
    if (fp)
        fclose(fp);
    return n;
}

/* A server of protocol version 1 (claim_v1_stub.py) on t's directory;
 * t->cfg points at it. */
typedef struct stub {
    pid_t pid;
    FILE *out;
} stub;

static void stub_start(tu_env *t, stub *s)
{
    char script[600], path[600];
    snprintf(script, sizeof script, "%s/claim_v1_stub.py", STUB_DIR);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        /* gone with the test, even when an assertion ends it early */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fds[1], 1);
        close(fds[0]);
        execl(PYTHON3, PYTHON3, script, t->dir, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    s->out = fdopen(fds[0], "r");
    assert_non_null(s->out);
    int port = 0;
    assert_int_equal(fscanf(s->out, "%d", &port), 1);
    snprintf(t->cfg.server_url, sizeof t->cfg.server_url, "http://127.0.0.1:%d", port);
    snprintf(path, sizeof path, "%s", t->cfg.token_file);
    FILE *tf = fopen(path, "w");
    assert_non_null(tf);
    fputs("stub-token\n", tf);
    fclose(tf);
}

static void stub_stop(stub *s)
{
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
    fclose(s->out);
}

static void test_v1_server_polls(void **state)
{
    (void)state;
    tu_env t;
    tu_env_init(&t);
    char path[600];
    stub sb;
    stub_start(&t, &sb);
    t.cfg.claim_wait = 25;
    t.cfg.poll_interval = 1;
    fetch *f = NULL;
    char err[300] = "";
    assert_int_equal(fetch_start(&t.cfg, 16, 300, &f, err, sizeof err), TRYGG_OK);
    assert_true(until_ready(f, 10) >= 0); /* the prefix */
    json_decref(fetch_take(f));
    sleep_s(3.5);
    assert_false(fetch_long_poll(f));
    snprintf(path, sizeof path, "%s/claims", t.dir);
    int n = count_lines(path);
    if (n < 3 || n > 8)
        fail_msg("%d claims in about 4 s against a version 1 server (poll_interval 1 s)", n);
    snprintf(path, sizeof path, "%s/reply", t.dir);
    FILE *rf = fopen(path, "w");
    assert_non_null(rf);
    fputs("Svar från en äldre server\n", rf);
    fclose(rf);
    double took = until_ready(f, 10);
    if (took < 0 || took > 3.0)
        fail_msg("the reply was ready after %.1f s (poll_interval 1 s)", took);
    json_t *got = fetch_take(f);
    char texts[256];
    texts_of(got, texts, sizeof texts);
    assert_string_equal(texts, "Svar från en äldre server");
    json_decref(got);
    fetch_stop(f);
    stub_stop(&sb);
    tu_env_free(&t);
}

/* A gateway whose server is older than the batch form of /delivered (it
 * answers the batch 400 without per-row answers) reports each sent row's
 * state in a request of its own, and marks a row reported only when the
 * server took it: no state is lost and none is reported twice. */
static void test_v1_server_delivered(void **state)
{
    (void)state;
    tu_env t;
    tu_env_init(&t);
    stub sb;
    stub_start(&t, &sb);
    t.cfg.claim_wait = 0; /* claims in the sync: no fetch thread */
    replies *rp = NULL;
    relay *r = NULL;
    char err[300] = "", path[600];
    unsigned char pkey[TRYGG_PSEUDO_KEY_LEN], numkey[TRYGG_NUMKEY_LEN];
    assert_int_equal(replies_load(NULL, &t.cfg.dlg, &rp, err, sizeof err), TRYGG_OK);
    assert_int_equal(trygg_key_read(t.cfg.pseudonym_key, pkey, sizeof pkey), TRYGG_OK);
    assert_int_equal(trygg_key_read(t.cfg.number_key, numkey, sizeof numkey), TRYGG_OK);
    assert_int_equal(relay_open(&t.cfg, rp, pkey, numkey, &r, err, sizeof err), TRYGG_OK);
    lstore *ls = relay_store(r);
    static const char *states[] = {"sent", "dead", "delivered"};
    for (int i = 0; i < 3; i++) {
        ls_send m;
        memset(&m, 0, sizeof m);
        m.server_id = 41 + i;
        memset(m.pseudo, 'b', TRYGG_PSEUDO_HEX);
        snprintf(m.text, sizeof m.text, "Svar %d", i);
        snprintf(m.author, sizeof m.author, "anna");
        int added = 0;
        assert_int_equal(ls_send_add(ls, &m, &added), TRYGG_OK);
        assert_true(added);
    }
    ls_send rows[4];
    int n = 0;
    assert_int_equal(ls_send_due(ls, (int64_t)time(NULL) + 1, rows, 4, &n), TRYGG_OK);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++)
        assert_int_equal(ls_send_mark(ls, rows[i].id, states[rows[i].server_id - 41], 1, "", 0),
                         TRYGG_OK);
    assert_int_equal(relay_sync(r, (int64_t)time(NULL)), TRYGG_OK);
    assert_int_equal(ls_send_unreported(ls, rows, 4, &n), TRYGG_OK);
    if (n != 0)
        fail_msg("%d delivery states not reported to an old server", n);
    /* one batch refused, then one request per row, each row once */
    snprintf(path, sizeof path, "%s/delivered", t.dir);
    assert_int_equal(count_lines(path), 4);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[2048];
    int seen[3] = {0, 0, 0};
    while (fgets(line, sizeof line, fp)) {
        json_t *b = json_loads(line, 0, NULL);
        assert_non_null(b);
        json_int_t id = json_integer_value(json_object_get(b, "id"));
        if (!json_object_get(b, "reports")) {
            assert_true(id >= 41 && id <= 43);
            seen[id - 41]++;
            assert_string_equal(json_string_value(json_object_get(b, "status")), states[id - 41]);
        }
        json_decref(b);
    }
    fclose(fp);
    for (int i = 0; i < 3; i++)
        assert_int_equal(seen[i], 1);
    /* a second sync reports nothing again */
    assert_int_equal(relay_sync(r, (int64_t)time(NULL) + 60), TRYGG_OK);
    assert_int_equal(count_lines(path), 4);
    relay_close(r);
    replies_free(rp);
    stub_stop(&sb);
    tu_env_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_poll),
        cmocka_unit_test(test_v1_server_polls),
        cmocka_unit_test(test_v1_server_delivered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
