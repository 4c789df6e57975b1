/*
 * gateway.c — poll loop, outbox sender, calls and health.
 */
#include "gateway.h"

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assemble.h"
#include "dialog.h"
#include "local_store.h"
#include "modem.h"
#include "relay.h"
#include "sms_replies.h"
#include "watchdog.h"
#include "trygg/copy.h"
#include "trygg/backoff.h"
#include "trygg/log.h"
#include "trygg/secret.h"

#define POLL_MAX     512 /* parts read per poll, at most */
#define POLL_BATCH   64  /* parts read per poll normally: commits come in small steps */
#define MSG_MAX      512
#define SEND_BATCH   16
#define DEBOUNCE_MAX 64
#define HEALTH_EVERY 30 /* seconds between modem status queries */
#define HEALTH_WRITE 5  /* seconds between health rows when nothing changed */
#define REPORT_DAYS  7  /* a status report older than this matches no sent message */
#define HEALTH_TEXT  81 /* bytes of an error text in the health record, with the NUL */

struct gw {
    const smsgw_cfg *cfg;
    volatile sig_atomic_t *stop;
    relay *rl; /* the gateway's store and its client of the server */
    replies *rp;
    modem *md;
    asm_state *as;
    unsigned char pkey[TRYGG_PSEUDO_KEY_LEN];
    unsigned char numkey[TRYGG_NUMKEY_LEN];
    modem_part *parts;
    asm_msg *msgs;
    int *ok;        /* per message of a batch: committed */
    int poll_limit; /* parts to read in the next poll */
    gw_stats stats;
    int64_t next_connect;
    int connect_failures; /* in a row; the delay is trygg_backoff of it */
    int64_t last_status, last_health, last_quarantine_purge;
    int health_connected, health_store_failing, health_wd_step;
    watchdog wd;
    int64_t delivered, undelivered; /* status reports matched to sent messages */
    modem_status ms;
    struct {
        char number[MODEM_NUMBER_MAX + 1];
        int64_t at;
    } recent[DEBOUNCE_MAX];
    int store_failing;     /* the store refuses writes (full disk, I/O): reported once */
    char store_error[160]; /* the last store error, for the health record */
    int store_waiting;     /* messages left on the modem by the last failure */
    int crash_after;       /* test hook: _exit before the delete after N commits */
    int fail_sends;        /* test hook: sends to fail */
    int send_delay_ms;     /* test hook: the time one send takes */
};

static int stopping(const gw *g)
{
    return g->stop && *g->stop;
}

trygg_err gw_open(const smsgw_cfg *cfg, volatile sig_atomic_t *stop, gw **out, char *err,
                  size_t cap)
{
    *out = NULL;
    gw *g = calloc(1, sizeof *g);
    if (!g)
        return TRYGG_ERR_NOMEM;
    g->cfg = cfg;
    g->stop = stop;
    trygg_err e = trygg_secret_init();
    if (!e)
        e = trygg_key_read(cfg->pseudonym_key, g->pkey, sizeof g->pkey);
    if (e) {
        snprintf(err, cap, "%s: %s", cfg->pseudonym_key, trygg_strerror(e));
        goto fail;
    }
    e = trygg_key_read(cfg->number_key, g->numkey, sizeof g->numkey);
    if (e) {
        snprintf(err, cap, "%s: %s", cfg->number_key, trygg_strerror(e));
        goto fail;
    }
    e = replies_load(cfg->catalogs, &cfg->dlg, &g->rp, err, cap);
    if (e)
        goto fail;
    /* A client of the server: its own store, never the server's database. */
    e = relay_open(cfg, g->rp, g->pkey, g->numkey, &g->rl, err, cap);
    if (e)
        goto fail;
    modem_cfg mc;
    memset(&mc, 0, sizeof mc);
    TRYGG_COPY_FIT(mc.model, cfg->model);
    TRYGG_COPY_FIT(mc.connection, cfg->connection);
    TRYGG_COPY_FIT(mc.device, cfg->device);
    TRYGG_COPY_FIT(mc.quarantine, cfg->quarantine);
    mc.send_timeout = cfg->send_timeout;
    mc.delivery_reports = cfg->delivery_reports;
    wd_init(&g->wd, cfg, (int64_t)time(NULL));
    g->md = modem_new(&mc);
    g->as = asm_new(cfg->multipart_timeout);
    g->parts = calloc(POLL_MAX, sizeof *g->parts);
    g->msgs = calloc(MSG_MAX, sizeof *g->msgs);
    g->ok = calloc(MSG_MAX, sizeof *g->ok);
    if (!g->md || !g->as || !g->parts || !g->msgs || !g->ok) {
        e = TRYGG_ERR_NOMEM;
        snprintf(err, cap, "out of memory");
        goto fail;
    }
    g->connect_failures = 0;
    const char *crash = getenv("TRYGG_SMSGW_CRASH_BEFORE_DELETE");
    g->crash_after = crash ? atoi(crash) : 0;
    if (modem_connect(g->md) != TRYGG_OK)
        TRYGG_WARN("modem: %s (retrying)", modem_last_error(g->md));
    *out = g;
    return TRYGG_OK;
fail:
    gw_close(g);
    return e ? e : TRYGG_ERR_INVALID;
}

void gw_close(gw *g)
{
    if (!g)
        return;
    modem_free(g->md);
    asm_free(g->as);
    free(g->parts);
    free(g->msgs);
    free(g->ok);
    replies_free(g->rp);
    relay_close(g->rl);
    sodium_memzero(g->pkey, sizeof g->pkey);
    sodium_memzero(g->numkey, sizeof g->numkey);
    free(g);
}

const gw_stats *gw_get_stats(const gw *g)
{
    return &g->stats;
}

void gw_test_send_delay(gw *g, int ms)
{
    g->send_delay_ms = ms;
}

/* Monotonic milliseconds: the sending slice is wall-clock-jump proof. */
static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void gw_test_fail_sends(gw *g, int n)
{
    g->fail_sends = n;
}

lstore *gw_test_lstore(gw *g)
{
    return relay_store(g->rl);
}

void gw_test_handover_stop(gw *g, int on)
{
    relay_test_stop_before_done(g->rl, on);
}

static const char *store_errmsg(gw *g)
{
    return ls_errmsg(relay_store(g->rl));
}

/* The store refused a write (a full disk, an I/O error): counted every
 * time, logged once until it clears, and shown in the health record. */
static void store_problem(gw *g, trygg_err e, int waiting)
{
    g->stats.store_errors++;
    g->store_waiting = waiting;
    snprintf(g->store_error, sizeof g->store_error, "%s %s", trygg_strerror(e), store_errmsg(g));
    if (!g->store_failing)
        TRYGG_ERR("store: %s; %d message%s wait on the modem (logged once until it clears)",
                  g->store_error, waiting, waiting == 1 ? "" : "s");
    g->store_failing = 1;
}

static void store_ok(gw *g)
{
    if (g->store_failing)
        TRYGG_INFO("store: writing again after %lld error%s", (long long)g->stats.store_errors,
                   g->stats.store_errors == 1 ? "" : "s");
    g->store_failing = 0;
    g->store_waiting = 0;
}

/* Parts of a message committed before a crash cut its deletion short are
 * deleted now instead of being stored again as an incomplete message; the
 * other parts of g->parts[0..n) are packed to the front, *kept of them. */
static trygg_err drop_seen_parts(gw *g, int n, int *kept)
{
    *kept = 0;
    for (int i = 0; i < n; i++) {
        if (relay_part_seen(g->rl, &g->parts[i])) {
            g->stats.duplicates++;
            if (modem_delete(g->md, &g->parts[i]) == TRYGG_ERR_IO)
                return TRYGG_ERR_IO;
            continue;
        }
        if (*kept != i)
            g->parts[*kept] = g->parts[i];
        (*kept)++;
    }
    return TRYGG_OK;
}

/* Deletes from the modem every part of the first `done` messages that were
 * committed (g->ok). An I/O error stops: the rest is recognised as
 * duplicates at the next poll. */
static trygg_err delete_committed(gw *g, int done)
{
    for (int i = 0; i < done; i++) {
        if (!g->ok[i])
            continue;
        for (int k = 0; k < g->msgs[i].nidx; k++) {
            trygg_err de = modem_delete(g->md, &g->parts[g->msgs[i].idx[k]]);
            if (de == TRYGG_ERR_IO)
                return de;
        }
    }
    return TRYGG_OK;
}

/* The watchdog's canary coming back is deleted, never stored; the other
 * parts of g->parts[0..n) are packed to the front, *kept of them. */
static trygg_err drop_canaries(gw *g, int n, int64_t now, int *kept)
{
    *kept = 0;
    for (int i = 0; i < n; i++) {
        if (wd_is_canary(&g->wd, &g->parts[i], now)) {
            if (modem_delete(g->md, &g->parts[i]) == TRYGG_ERR_IO)
                return TRYGG_ERR_IO;
            continue;
        }
        if (*kept != i)
            g->parts[*kept] = g->parts[i];
        (*kept)++;
    }
    return TRYGG_OK;
}

/* Status reports the poll found: each is matched to the sent message by
 * the recipient's pseudonym and the message reference, which then becomes
 * "delivered" or "undelivered" and is reported to the server (relay.c).
 * A report that matches nothing (too old, or for the canary) is dropped. */
static trygg_err take_reports(gw *g, int64_t now)
{
    modem_report r;
    while (modem_take_report(g->md, &r)) {
        char number[20], pseudo[TRYGG_PSEUDO_HEX + 1];
        int64_t id = 0;
        if (r.delivered < 0 || r.ref < 0 ||
            dlg_sender_id(g->pkey, r.number, number, pseudo) != TRYGG_OK)
            continue; /* the network still tries: its final report follows */
        sodium_memzero(number, sizeof number);
        trygg_err e = ls_send_report(relay_store(g->rl), pseudo, r.ref,
                                     now - (int64_t)REPORT_DAYS * 86400, r.delivered, &id);
        if (e) {
            store_problem(g, e, 0);
            return TRYGG_OK; /* the report is lost; the message stays "sent" */
        }
        if (id && r.delivered)
            g->delivered++;
        else if (id)
            g->undelivered++;
    }
    return TRYGG_OK;
}

/* Inbound: poll, assemble, commit, delete. All messages of one poll are
 * committed in one transaction (one fsync), each in its own savepoint so a
 * failing message rolls back alone; only after the commit are they deleted
 * from the modem. */
static trygg_err do_inbound(gw *g, int64_t now)
{
    int n = 0;
    if (g->poll_limit < POLL_BATCH)
        g->poll_limit = POLL_BATCH;
    trygg_err e = modem_poll(g->md, g->parts, g->poll_limit, &n);
    g->stats.polls++;
    g->stats.last_poll = now;
    if (e)
        return e;
    e = take_reports(g, now);
    if (e)
        return e;
    int read = n, kept = 0;
    if (drop_canaries(g, n, now, &n) != TRYGG_OK)
        return TRYGG_ERR_IO;
    if (drop_seen_parts(g, n, &kept) != TRYGG_OK)
        return TRYGG_ERR_IO;
    n = kept;
    int nm = asm_run(g->as, g->parts, n, now, g->msgs, MSG_MAX);
    /* A full read with no whole message (only parts of long ones): read
     * more next time, so parts further down can complete them. */
    if (nm == 0 && read == g->poll_limit)
        g->poll_limit = g->poll_limit * 2 > POLL_MAX ? POLL_MAX : g->poll_limit * 2;
    else
        g->poll_limit = POLL_BATCH;
    if (nm == 0)
        return TRYGG_OK;
    e = ls_begin(relay_store(g->rl));
    if (e) {
        store_problem(g, e, nm);
        return TRYGG_OK; /* everything stays on the modem for the next poll */
    }
    int done = 0;
    int64_t in = 0, dups = 0;
    for (int i = 0; i < nm && !stopping(g); i++, done++) {
        asm_msg *m = &g->msgs[i];
        int dup = 0;
        g->ok[i] = 0;
        e = relay_commit(g->rl, m, g->parts, now, &dup);
        if (e && e != TRYGG_ERR_TOOBIG) {
            /* No savepoints in the gateway's store: the whole batch stays
             * on the modem for the next poll. */
            ls_rollback(relay_store(g->rl));
            store_problem(g, e, nm);
            return TRYGG_OK;
        }
        if (e == TRYGG_ERR_TOOBIG) {
            /* The store rejects this message for good: move it aside. */
            TRYGG_ERR("message rejected (%s): moved to quarantine", trygg_strerror(e));
            for (int k = 0; k < m->nidx; k++)
                modem_quarantine(g->md, &g->parts[m->idx[k]], "rejected by the store");
            continue;
        }
        g->ok[i] = 1;
        if (dup)
            dups++;
        else
            in++;
    }
    e = ls_commit(relay_store(g->rl));
    if (e) {
        store_problem(g, e, nm);
        return TRYGG_OK; /* nothing was stored: nothing is deleted */
    }
    store_ok(g);
    if (in + dups > 0)
        wd_received(&g->wd, now);
    g->stats.messages_in += in;
    g->stats.duplicates += dups;
    if (g->crash_after > 0 && g->stats.messages_in >= g->crash_after)
        _exit(99); /* test hook: committed, not deleted */
    return delete_committed(g, done);
}

static void do_calls(gw *g, int64_t now)
{
    char number[MODEM_NUMBER_MAX + 1];
    while (modem_take_call(g->md, number, sizeof number)) {
        g->stats.rings++;
        /* Debounce: a real modem reports every ring of one call. */
        int slot = -1, oldest = 0;
        for (int i = 0; i < DEBOUNCE_MAX; i++) {
            if (strcmp(g->recent[i].number, number) == 0 && g->recent[i].at) {
                slot = i;
                break;
            }
            if (g->recent[i].at < g->recent[oldest].at)
                oldest = i;
        }
        if (slot >= 0 && now - g->recent[slot].at < g->cfg->call_debounce) {
            g->recent[slot].at = now;
            continue;
        }
        if (slot < 0) {
            slot = oldest;
            /* A cut number could debounce another caller: remember none. */
            if (!TRYGG_COPY(g->recent[slot].number, number))
                g->recent[slot].number[0] = '\0';
        }
        g->recent[slot].at = now;
        trygg_err e = relay_call(g->rl, number, now);
        if (e)
            TRYGG_ERR("call: %s %s", trygg_strerror(e), store_errmsg(g));
        else
            g->stats.calls++;
    }
}

static int64_t retry_delay(const smsgw_cfg *c, int attempts)
{
    int64_t d = c->retry_base;
    for (int i = 1; i < attempts && d < c->retry_max; i++)
        d *= 2;
    return d > c->retry_max ? c->retry_max : d;
}

/* The gateway's own send queue (a client of the server): what the server
 * answered or staff wrote, and the offline answers. Each result is
 * recorded right after its send. */
static trygg_err do_sendq(gw *g, int64_t now, int64_t until_ms, int *handled)
{
    lstore *ls = relay_store(g->rl);
    ls_send *rows = calloc(SEND_BATCH, sizeof *rows);
    if (!rows)
        return TRYGG_ERR_NOMEM;
    int n = 0;
    *handled = 0;
    int64_t wall = (int64_t)time(NULL);
    trygg_err e = ls_send_due(ls, now > wall ? now : wall, rows, SEND_BATCH, &n);
    for (int i = 0; !e && i < n && !stopping(g) && modem_connected(g->md) && mono_ms() < until_ms;
         i++) {
        (*handled)++;
        ls_send *o = &rows[i];
        char number[20], error[256] = "";
        int parts = 0;
        /* Checked at send time: nothing goes to a stopped number. */
        if (!relay_number(g->rl, o->pseudo, number)) {
            e = ls_send_mark(ls, o->id, "cancelled", 0, "recipient stopped or unknown", 0);
            continue;
        }
        trygg_err se;
        int ref = -1;
        if (g->fail_sends > 0) {
            g->fail_sends--;
            se = TRYGG_ERR_IO;
            snprintf(error, sizeof error, "network refused (simulated)");
        } else {
            if (g->send_delay_ms > 0) {
                struct timespec d = {g->send_delay_ms / 1000, (g->send_delay_ms % 1000) * 1000000L};
                nanosleep(&d, NULL);
            }
            se = modem_send(g->md, number, o->text, &parts, &ref, error, sizeof error);
        }
        sodium_memzero(number, sizeof number);
        wd_send_result(&g->wd, se == TRYGG_OK, now);
        if (se == TRYGG_OK) {
            g->stats.messages_out++;
            e = ls_send_mark(ls, o->id, "sent", parts, "", 0);
            if (!e && ref >= 0)
                e = ls_send_sent_ref(ls, o->id, ref, now);
        } else {
            g->stats.send_failures++;
            int attempts = o->attempts + 1;
            int dead = attempts >= g->cfg->max_attempts || se == TRYGG_ERR_INVALID;
            e = ls_send_mark(ls, o->id, dead ? "dead" : "failed", 0, error,
                             dead ? 0 : now + retry_delay(g->cfg, attempts));
            TRYGG_WARN("send %lld: attempt %d failed: %s", (long long)o->id, attempts, error);
            if (!dead)
                continue;
        }
        /* STOP: the gateway's copy of the number goes once the
         * confirmation is sent or given up on. */
        if (!e && o->stop)
            e = ls_number_stop(ls, o->pseudo);
    }
    free(rows);
    if (!e && !modem_connected(g->md))
        e = TRYGG_ERR_IO;
    return e;
}

/* Talks to the server, sends what is due for at most send_slice seconds
 * (a real modem takes seconds per SMS: a long queue of replies must not keep
 * an incoming urgent text or STOP waiting in the modem), then reports what
 * was just sent at once. The rest goes in the next step, after the inbox. */
static trygg_err do_outbox(gw *g, int64_t now)
{
    trygg_err se = relay_sync(g->rl, now);
    if (se)
        return se;
    int64_t until = mono_ms() + (int64_t)g->cfg->send_slice * 1000;
    for (int round = 0; round < 64 && !stopping(g) && mono_ms() < until; round++) {
        int handled = 0;
        trygg_err e = do_sendq(g, now, until, &handled);
        if (e)
            return e;
        if (handled < SEND_BATCH)
            break;
    }
    return relay_sync(g->rl, now);
}

static void do_health(gw *g, int64_t now, int force)
{
    /* One small write (one fsync) every few seconds, or when it matters. */
    modem_status cur;
    modem_status_cached(g->md, &cur);
    int changed = cur.quarantined != g->ms.quarantined || cur.errors != g->ms.errors ||
                  modem_connected(g->md) != g->health_connected ||
                  g->store_failing != g->health_store_failing || g->wd.step != g->health_wd_step;
    if (!force && !changed && now >= g->last_health && now - g->last_health < HEALTH_WRITE)
        return;
    g->last_health = now;
    g->health_connected = modem_connected(g->md);
    g->health_store_failing = g->store_failing;
    g->health_wd_step = g->wd.step;
    if (modem_connected(g->md) &&
        (force || now - g->last_status >= HEALTH_EVERY || now < g->last_status)) {
        modem_status_get(g->md, &g->ms);
        g->last_status = now;
    } else {
        modem_status_cached(g->md, &g->ms);
    }
    /* The server takes at most 1000 bytes: the two free texts are cut so
     * every field fits (docs/gateway-protocol.md "/health"). */
    char last_error[HEALTH_TEXT], store_error[HEALTH_TEXT];
    TRYGG_COPY_TRUNC(last_error, g->ms.last_error); /* display text */
    TRYGG_COPY_TRUNC(store_error, g->store_error);  /* display text */
    json_t *j = json_pack(
        "{s:b, s:i, s:s, s:s, s:i, s:I, s:i, s:i, s:s, s:I, s:I, s:I, s:I, "
        "s:I, s:I}",
        "connected", modem_connected(g->md), "signal", g->ms.signal_percent, "network",
        g->ms.network, "network_code", g->ms.network_code, "battery", g->ms.battery_percent,
        "last_poll", (json_int_t)g->stats.last_poll, "errors", g->ms.errors, "quarantined",
        g->ms.quarantined, "last_error", last_error, "messages_in",
        (json_int_t)g->stats.messages_in, "messages_out", (json_int_t)g->stats.messages_out,
        "send_failures", (json_int_t)g->stats.send_failures, "calls", (json_int_t)g->stats.calls,
        "duplicates", (json_int_t)g->stats.duplicates, "updated", (json_int_t)now);
    if (!j)
        return;
    /* The store's state: "failing" while writes are refused (messages wait
     * on the modem), the count of refused writes, and the last error. */
    json_object_set_new(j, "store", json_string(g->store_failing ? "failing" : "ok"));
    json_object_set_new(j, "store_errors", json_integer((json_int_t)g->stats.store_errors));
    json_object_set_new(j, "store_error", json_string(store_error));
    json_object_set_new(j, "store_waiting", json_integer(g->store_failing ? g->store_waiting : 0));
    /* Queue depth: messages the server does not have yet. */
    int waiting = 0;
    if (ls_inbound_count(relay_store(g->rl), "pending", &waiting) != TRYGG_OK)
        waiting = -1;
    json_object_set_new(j, "uploads_waiting", json_integer(waiting));
    const relay_stats *rs = relay_get_stats(g->rl);
    json_object_set_new(j, "server", json_string(rs->server_up ? "ok" : "unreachable"));
    json_object_set_new(j, "delivered", json_integer((json_int_t)g->delivered));
    json_object_set_new(j, "undelivered", json_integer((json_int_t)g->undelivered));
    wd_health(&g->wd, j);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (s) {
        /* Kept in the gateway's own store, and posted to the server
         * (relay_health) so its /healthz, /metrics and channels page see it. */
        if (ls_meta_set(relay_store(g->rl), "health", s) != TRYGG_OK)
            TRYGG_WARN("health: %s", store_errmsg(g));
        relay_health(g->rl, s, now);
        free(s);
    }
}

/* Quarantined modem files may hold a raw sender number (the dummy phone's
 * files do): deleted after quarantine_days, checked hourly. */
static void purge_quarantine(gw *g, int64_t now)
{
    if (g->last_quarantine_purge && now - g->last_quarantine_purge < 3600 &&
        now >= g->last_quarantine_purge)
        return;
    g->last_quarantine_purge = now;
    DIR *d = opendir(g->cfg->quarantine);
    if (!d)
        return;
    int64_t cutoff = now - (int64_t)g->cfg->quarantine_days * 86400;
    int removed = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        struct stat sb;
        if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode))
            continue;
        if ((int64_t)sb.st_mtime <= cutoff && unlinkat(dirfd(d), de->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    if (removed)
        TRYGG_INFO("quarantine: %d file%s older than %d days deleted", removed,
                   removed == 1 ? "" : "s", g->cfg->quarantine_days);
}

trygg_err gw_step(gw *g, int64_t now)
{
    purge_quarantine(g, now);
    wd_step(&g->wd, g->md, now);
    if (!modem_connected(g->md)) {
        if (now < g->next_connect) {
            do_health(g, now, 0);
            return TRYGG_ERR_IO;
        }
        if (modem_connect(g->md) != TRYGG_OK) {
            int64_t wait = trygg_backoff(1, 60, g->connect_failures++, 0);
            TRYGG_WARN("modem: %s (next try in %lld s)", modem_last_error(g->md), (long long)wait);
            g->next_connect = now + wait;
            do_health(g, now, 0);
            return TRYGG_ERR_IO;
        }
        TRYGG_INFO("modem connected");
        g->connect_failures = 0;
        do_health(g, now, 1);
    }
    trygg_err e = do_inbound(g, now);
    if (!e) {
        do_calls(g, now);
        if (!stopping(g))
            e = do_outbox(g, now);
        if (e && e != TRYGG_ERR_IO) {
            g->stats.store_errors++;
            TRYGG_ERR("outbox: %s %s", trygg_strerror(e), store_errmsg(g));
            e = TRYGG_OK;
        }
        do_calls(g, now);
    }
    if (e == TRYGG_ERR_IO) {
        TRYGG_WARN("modem lost: %s", modem_last_error(g->md));
        modem_disconnect(g->md);
        g->next_connect = now + trygg_backoff(1, 60, g->connect_failures, 0);
    }
    do_health(g, now, 0);
    return e;
}

int gw_run(gw *g)
{
    int fast = 0;
    while (!stopping(g)) {
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int64_t before = g->stats.messages_in;
        gw_step(g, (int64_t)time(NULL));
        /* New messages stored: more may be waiting, poll again at once (a
         * bounded number of times, so nothing can make this a busy loop). */
        if (g->stats.messages_in != before && fast < 1000) {
            fast++;
            continue;
        }
        fast = 0;
        /* Sleep out the interval in small steps so a signal stops us quickly. */
        for (;;) {
            struct timespec t1;
            clock_gettime(CLOCK_MONOTONIC, &t1);
            double el = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
            if (stopping(g) || el >= g->cfg->poll_interval)
                break;
            struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    return 0;
}
