/*
 * watchdog.c — the modem watchdog and the SIM checks (watchdog.h).
 */
#include "watchdog.h"

#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/ucs2.h"

extern char **environ;

static const char *const step_names[WD_STEPS] = {"ok",         "reconnect", "soft_reset",
                                                 "hard_reset", "command",   "alert"};

const char *wd_step_name(int step)
{
    return step >= 0 && step < WD_STEPS ? step_names[step] : "?";
}

void wd_init(watchdog *w, const smsgw_cfg *cfg, int64_t now)
{
    memset(w, 0, sizeof *w);
    w->cfg = cfg;
    w->unit = 1;
    w->canary = cfg->wd_canary_number;
    w->command = cfg->wd_command;
    w->ussd = cfg->balance_ussd;
    w->low_limit = cfg->balance_low;
    w->last_traffic = now;
    w->next_test = now + cfg->wd_quiet_after;
    w->balance = -1;
    TRYGG_COPY_FIT(w->sim.state, "unknown");
    w->sim.used = w->sim.size = -1;
}

void wd_set_modem(watchdog *w, int unit, const char *canary, const char *command)
{
    w->unit = unit;
    w->canary = canary;
    w->command = command;
}

void wd_set_balance(watchdog *w, const char *ussd, int low)
{
    if (ussd && ussd[0])
        w->ussd = ussd;
    if (low >= 0)
        w->low_limit = low;
}

static void healed(watchdog *w, int64_t now, const char *how)
{
    if (w->step != WD_OK) {
        w->recoveries++;
        TRYGG_INFO("watchdog: modem %d healthy again (%s) after step %s", w->unit, how,
                   wd_step_name(w->step));
    }
    w->step = WD_OK;
    w->test_failed = 0;
    w->send_fail_run = 0;
    w->send_suspect = 0;
    w->last_traffic = now;
    w->next_test = now + w->cfg->wd_quiet_after;
}

void wd_received(watchdog *w, int64_t now)
{
    w->last_traffic = now;
    /* Receiving proves nothing about sending. */
    if (!w->send_suspect)
        healed(w, now, "a message came in");
}

void wd_send_result(watchdog *w, int ok, int64_t now)
{
    if (ok) {
        healed(w, now, "a message went out");
        return;
    }
    if (++w->send_fail_run >= w->cfg->wd_send_failures)
        w->send_suspect = 1;
}

int wd_is_canary(watchdog *w, const modem_part *p, int64_t now)
{
    if (!w->canary_text[0] || p->concat_ref != -1)
        return 0;
    char text[sizeof w->canary_text + 8];
    if (ucs2_to_utf8(p->units, p->nunits, text, sizeof text, NULL) != TRYGG_OK ||
        strcmp(text, w->canary_text) != 0)
        return 0;
    if (w->canary_pending)
        TRYGG_INFO("watchdog: canary came back after %lld s", (long long)(now - w->canary_at));
    w->canary_pending = 0;
    healed(w, now, "the canary came back"); /* it went out and came in */
    return 1;
}

/* Runs [watchdog] command with /bin/sh, waiting at most command_timeout
 * seconds (then it is killed). 0 when it exited with status 0. */
static int run_command(const smsgw_cfg *cfg, const char *command)
{
    char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
    if (rc != 0) {
        TRYGG_ERR("watchdog: command could not start: %s", strerror(rc));
        return -1;
    }
    struct timespec step = {0, 50 * 1000 * 1000};
    for (int64_t waited = 0; waited < (int64_t)cfg->wd_command_timeout * 20; waited++) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
        if (r < 0 && errno != EINTR)
            return -1;
        nanosleep(&step, NULL);
    }
    TRYGG_ERR("watchdog: command still running after %d s: killed", cfg->wd_command_timeout);
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return -1;
}

/* Takes escalation step `step` on modem m. */
static void act(watchdog *w, modem *m, int step, int64_t now)
{
    w->step = step;
    w->step_at = now;
    w->actions[step]++;
    w->send_fail_run = 0;
    w->canary_pending = 0;
    w->test_failed = 0;
    w->next_test = now; /* test again at once: a healed modem ends the escalation */
    TRYGG_WARN("watchdog: modem %d %s, step %s", w->unit,
               w->test_failed ? "fails its self-test" : "suspect", wd_step_name(step));
    switch (step) {
    case WD_RECONNECT:
        modem_disconnect(m);
        break;
    case WD_SOFT_RESET:
    case WD_HARD_RESET:
        if (modem_reset(m, step == WD_HARD_RESET) != TRYGG_OK)
            TRYGG_WARN("watchdog: reset: %s", modem_last_error(m));
        break;
    case WD_COMMAND:
        modem_disconnect(m);
        if (run_command(w->cfg, w->command) != 0)
            TRYGG_ERR("watchdog: command failed");
        break;
    case WD_ALERT:
        TRYGG_ERR("watchdog: the modem does not heal; on-call alerted through the health record");
        return;
    default:
        return;
    }
    if (modem_connect(m) != TRYGG_OK)
        TRYGG_WARN("watchdog: connect after %s: %s", wd_step_name(step), modem_last_error(m));
}

/* Sends a canary SMS to the modem's own number. 0 when it was sent. */
static int send_canary(watchdog *w, modem *m, int64_t now)
{
    unsigned char nonce[6];
    char hex[13];
    randombytes_buf(nonce, sizeof nonce);
    sodium_bin2hex(hex, sizeof hex, nonce, sizeof nonce);
    snprintf(w->canary_text, sizeof w->canary_text, "trygg-canary %s", hex);
    int parts = 0, ref = -1;
    char err[200];
    w->canaries++;
    if (modem_send(m, w->canary, w->canary_text, &parts, &ref, err, sizeof err) != TRYGG_OK) {
        TRYGG_WARN("watchdog: canary not sent: %s", err);
        return -1;
    }
    w->canary_pending = 1;
    w->canary_at = now;
    return 0;
}

/* The self-test. 1 passed, 0 failed, -1 undecided (a canary on its way). */
static int self_test(watchdog *w, modem *m, int64_t now)
{
    if (!modem_connected(m))
        return 0;
    modem_status st;
    if (modem_status_get(m, &st) != TRYGG_OK)
        return 0;
    if (strcmp(st.network, "none") == 0 || strcmp(st.network, "searching") == 0)
        return 0;
    modem_sim s;
    if (modem_sim_get(m, &s) != TRYGG_OK)
        return 0;
    if (strcmp(s.state, "ready") != 0 && strcmp(s.state, "unknown") != 0)
        return 0;
    if (!w->canary[0])
        return 1;
    if (w->canary_pending) {
        if (now - w->canary_at < w->cfg->wd_canary_timeout)
            return -1;
        w->canary_pending = 0;
        w->canary_lost++;
        TRYGG_WARN("watchdog: canary lost (not back within %d s)", w->cfg->wd_canary_timeout);
        return 0;
    }
    return send_canary(w, m, now) == 0 ? -1 : 0;
}

/* The next step after `step`: the resets need a connection, the command
 * needs to be configured. */
static int next_step(const watchdog *w, const modem *m, int step)
{
    int next = step + 1;
    if (!modem_connected(m) && next >= WD_SOFT_RESET && next <= WD_HARD_RESET)
        next = WD_COMMAND;
    if (next == WD_COMMAND && !w->command[0])
        next = WD_ALERT;
    return next > WD_ALERT ? WD_ALERT : next;
}

/* 1 when the modem is suspect: disconnected for step_wait seconds, its
 * sends failing, or quiet (or under escalation) with a failed self-test. */
static int suspect(watchdog *w, modem *m, int64_t now)
{
    if (!modem_connected(m)) {
        if (!w->disconnected_since)
            w->disconnected_since = now;
        return now - w->disconnected_since >= w->cfg->wd_step_wait;
    }
    w->disconnected_since = 0;
    int quiet = now - w->last_traffic >= w->cfg->wd_quiet_after;
    if ((quiet || w->step != WD_OK) && now >= w->next_test) {
        int r = self_test(w, m, now);
        if (r == 1 && !w->send_suspect) {
            healed(w, now, "self-test");
            return 0;
        }
        if (r == 0) {
            w->test_failed = 1;
            w->next_test = now + w->cfg->wd_step_wait;
        }
    }
    return w->send_suspect || w->test_failed;
}

static void watch(watchdog *w, modem *m, int64_t now)
{
    if (!suspect(w, m, now) || w->step == WD_ALERT)
        return;
    if (w->step == WD_OK || now - w->step_at >= w->cfg->wd_step_wait)
        act(w, m, next_step(w, m, w->step), now);
}

long wd_parse_balance(const char *text)
{
    for (const char *p = text; *p; p++)
        if (*p >= '0' && *p <= '9') {
            long v = 0;
            for (; *p >= '0' && *p <= '9' && v < 100000000; p++)
                v = v * 10 + (*p - '0');
            return v;
        }
    return -1;
}

static void check_sim(watchdog *w, modem *m, int64_t now)
{
    const smsgw_cfg *c = w->cfg;
    if (c->sim_check_interval > 0 && now >= w->next_sim && modem_connected(m)) {
        w->next_sim = now + c->sim_check_interval;
        char was[sizeof w->sim.state];
        TRYGG_COPY_FIT(was, w->sim.state);
        if (modem_sim_get(m, &w->sim) == TRYGG_OK && strcmp(was, w->sim.state) != 0 &&
            strcmp(w->sim.state, "ready") != 0)
            TRYGG_ERR("SIM: %s (a PIN or PUK is needed: the modem receives nothing)", w->sim.state);
        if (w->sim.size > 0 && w->sim.used * 100 >= w->sim.size * c->sim_clear_percent) {
            int n = 0;
            if (modem_clear_memory(m, &n) == TRYGG_OK) {
                w->sim_cleared += n;
                TRYGG_WARN("SIM: SMS memory %d of %d used: %d old entr%s deleted", w->sim.used,
                           w->sim.size, n, n == 1 ? "y" : "ies");
                if (modem_sim_get(m, &w->sim) != TRYGG_OK)
                    w->sim.used = -1;
            }
        }
    }
    if (w->ussd[0] && now >= w->next_balance && modem_connected(m)) {
        w->next_balance = now + c->balance_interval;
        char reply[200];
        if (modem_ussd(m, w->ussd, 30, reply, sizeof reply) == TRYGG_OK)
            w->balance = wd_parse_balance(reply);
        else
            TRYGG_WARN("SIM %d: no answer to the balance code %s", w->unit, w->ussd);
        int low = w->low_limit > 0 && w->balance >= 0 && w->balance < w->low_limit;
        if (low && !w->balance_low)
            TRYGG_ERR("SIM %d: balance %ld is below %d: top up, or replies stop", w->unit,
                      w->balance, w->low_limit);
        w->balance_low = low;
    }
}

void wd_step(watchdog *w, modem *m, int64_t now)
{
    if (now < w->last_traffic)
        w->last_traffic = now; /* the clock went back */
    check_sim(w, m, now);
    if (w->cfg->wd_quiet_after > 0)
        watch(w, m, now);
}

void wd_health(const watchdog *w, json_t *j)
{
    json_object_set_new(j, "watchdog", json_string(wd_step_name(w->step)));
    int64_t actions = 0;
    for (int i = WD_RECONNECT; i < WD_STEPS; i++)
        actions += w->actions[i];
    json_object_set_new(j, "watchdog_actions", json_integer((json_int_t)actions));
    json_object_set_new(j, "recoveries", json_integer((json_int_t)w->recoveries));
    if (w->canary[0])
        json_object_set_new(j, "canary_lost", json_integer((json_int_t)w->canary_lost));
    json_object_set_new(j, "sim",
                        json_string(strcmp(w->sim.state, "ready") == 0 ? "ok" : w->sim.state));
    if (w->sim.size > 0 && w->sim.used >= 0)
        json_object_set_new(j, "sim_memory",
                            json_integer((json_int_t)((int64_t)w->sim.used * 100 / w->sim.size)));
    json_object_set_new(j, "sim_cleared", json_integer((json_int_t)w->sim_cleared));
    if (w->ussd[0])
        json_object_set_new(j, "balance", json_integer(w->balance));
    const char *alert = w->step == WD_ALERT ? "modem"
                        : strcmp(w->sim.state, "pin") == 0 || strcmp(w->sim.state, "puk") == 0
                            ? "sim"
                        : w->balance_low ? "balance"
                                         : "ok";
    json_object_set_new(j, "alert", json_string(alert));
}
