/*
 * gateway.c — poll loop, outbox sender, calls and health.
 */
#include "gateway.h"

#include <dirent.h>
#include <errno.h>
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
#define GW_MODEMS    2  /* [modem] and the optional [modem2] */

/* One modem ([modem] or [modem2]) with its own reader of long messages,
 * watchdog, connection backoff and part of the health record. */
typedef struct gw_modem {
    int no;            /* 1 = [modem], 2 = [modem2] */
    const char *label; /* in the log: "modem", "modem2" */
    modem *md;
    asm_state *as;
    watchdog wd;
    modem_status ms;
    int poll_limit; /* parts to read in the next poll */
    int64_t next_connect;
    int connect_failures; /* in a row; the delay is trygg_backoff of it */
    int up;               /* connected at the start of this step's sending */
    int64_t last_status;
    int health_connected, health_wd_step;
    int64_t probed_at; /* the watchdog step (its time) after which a send was tried */
    int64_t in, out, send_failures, delivered, undelivered;
} gw_modem;

struct gw {
    const smsgw_cfg *cfg;
    volatile sig_atomic_t *stop;
    relay *rl; /* the gateway's store and its client of the server */
    replies *rp;
    gw_modem mods[GW_MODEMS];
    int nmod; /* 1, or 2 with [modem2] */
    unsigned char pkey[TRYGG_PSEUDO_KEY_LEN];
    unsigned char numkey[TRYGG_NUMKEY_LEN];
    modem_part *parts;
    asm_msg *msgs;
    int *ok; /* per message of a batch: committed */
    gw_stats stats;
    int64_t last_health, last_quarantine_purge;
    int health_store_failing;
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

/* Sets up modem `no` (1 = [modem], 2 = [modem2]); 0 when out of memory.
 * The second one puts its poison entries in a directory of its own under
 * the quarantine, so the two dummy phones' file names never meet. */
static int modem_open(gw *g, gw_modem *gm, int no)
{
    const smsgw_cfg *cfg = g->cfg;
    modem_cfg mc;
    memset(&mc, 0, sizeof mc);
    gm->no = no;
    gm->label = no == 1 ? "modem" : "modem2";
    if (no == 1) {
        TRYGG_COPY_FIT(mc.model, cfg->model);
        TRYGG_COPY_FIT(mc.connection, cfg->connection);
        TRYGG_COPY_FIT(mc.device, cfg->device);
        TRYGG_COPY_FIT(mc.quarantine, cfg->quarantine);
        mc.send_timeout = cfg->send_timeout;
        mc.delivery_reports = cfg->delivery_reports;
    } else {
        TRYGG_COPY_FIT(mc.model, cfg->m2_model);
        TRYGG_COPY_FIT(mc.connection, cfg->m2_connection);
        TRYGG_COPY_FIT(mc.device, cfg->m2_device);
        if (snprintf(mc.quarantine, sizeof mc.quarantine, "%s/modem2", cfg->quarantine) >=
            (int)sizeof mc.quarantine)
            mc.quarantine[0] = '\0';
        if (mkdir(cfg->quarantine, 0700) != 0 && errno != EEXIST)
            TRYGG_WARN("modem2: cannot create %s: %s", cfg->quarantine, strerror(errno));
        mc.send_timeout = cfg->m2_send_timeout;
        mc.delivery_reports = cfg->m2_delivery_reports;
    }
    wd_init(&gm->wd, cfg, (int64_t)time(NULL));
    if (no == 2) {
        wd_set_modem(&gm->wd, 2, cfg->m2_canary_number, cfg->m2_command);
        wd_set_balance(&gm->wd, cfg->m2_balance_ussd, cfg->m2_balance_low);
    }
    gm->md = modem_new(&mc);
    gm->as = asm_new(cfg->multipart_timeout);
    return gm->md && gm->as;
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
    g->nmod = cfg->modem2 ? 2 : 1;
    int mods_ok = 1;
    for (int i = 0; i < g->nmod; i++)
        mods_ok &= modem_open(g, &g->mods[i], i + 1);
    g->parts = calloc(POLL_MAX, sizeof *g->parts);
    g->msgs = calloc(MSG_MAX, sizeof *g->msgs);
    g->ok = calloc(MSG_MAX, sizeof *g->ok);
    if (!mods_ok || !g->parts || !g->msgs || !g->ok) {
        e = TRYGG_ERR_NOMEM;
        snprintf(err, cap, "out of memory");
        goto fail;
    }
    const char *crash = getenv("TRYGG_SMSGW_CRASH_BEFORE_DELETE");
    g->crash_after = crash ? atoi(crash) : 0;
    for (int i = 0; i < g->nmod; i++)
        if (modem_connect(g->mods[i].md) != TRYGG_OK)
            TRYGG_WARN("%s: %s (retrying)", g->mods[i].label, modem_last_error(g->mods[i].md));
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
    for (int i = 0; i < g->nmod; i++) {
        modem_free(g->mods[i].md);
        asm_free(g->mods[i].as);
    }
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

void gw_test_numbers(gw *g, int64_t now, int64_t *decrypts, int *held)
{
    *decrypts = relay_get_stats(g->rl)->number_decrypts;
    *held = relay_numbers_held(g->rl, now);
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
static trygg_err drop_seen_parts(gw *g, gw_modem *gm, int n, int *kept)
{
    *kept = 0;
    for (int i = 0; i < n; i++) {
        if (relay_part_seen(g->rl, &g->parts[i])) {
            g->stats.duplicates++;
            if (modem_delete(gm->md, &g->parts[i]) == TRYGG_ERR_IO)
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
static trygg_err delete_committed(gw *g, gw_modem *gm, int done)
{
    for (int i = 0; i < done; i++) {
        if (!g->ok[i])
            continue;
        for (int k = 0; k < g->msgs[i].nidx; k++) {
            trygg_err de = modem_delete(gm->md, &g->parts[g->msgs[i].idx[k]]);
            if (de == TRYGG_ERR_IO)
                return de;
        }
    }
    return TRYGG_OK;
}

/* The watchdog's canary coming back is deleted, never stored; the other
 * parts of g->parts[0..n) are packed to the front, *kept of them. */
static trygg_err drop_canaries(gw *g, gw_modem *gm, int n, int64_t now, int *kept)
{
    *kept = 0;
    for (int i = 0; i < n; i++) {
        if (wd_is_canary(&gm->wd, &g->parts[i], now)) {
            if (modem_delete(gm->md, &g->parts[i]) == TRYGG_ERR_IO)
                return TRYGG_ERR_IO;
            continue;
        }
        if (*kept != i)
            g->parts[*kept] = g->parts[i];
        (*kept)++;
    }
    return TRYGG_OK;
}

/* Status reports the poll of modem gm found: each is matched to the message
 * sent on that modem by the recipient's pseudonym and the message reference
 * (each modem numbers its own), which then becomes
 * "delivered" or "undelivered" and is reported to the server (relay.c).
 * A report that matches nothing (too old, or for the canary) is dropped. */
static trygg_err take_reports(gw *g, gw_modem *gm, int64_t now)
{
    modem_report r;
    while (modem_take_report(gm->md, &r)) {
        char number[20], pseudo[TRYGG_PSEUDO_HEX + 1];
        int64_t id = 0;
        if (r.delivered < 0 || r.ref < 0 ||
            dlg_sender_id(g->pkey, r.number, number, pseudo) != TRYGG_OK)
            continue; /* the network still tries: its final report follows */
        sodium_memzero(number, sizeof number);
        trygg_err e = ls_send_report(relay_store(g->rl), pseudo, gm->no, r.ref,
                                     now - (int64_t)REPORT_DAYS * 86400, r.delivered, &id);
        if (e) {
            store_problem(g, e, 0);
            return TRYGG_OK; /* the report is lost; the message stays "sent" */
        }
        if (id && r.delivered)
            gm->delivered++;
        else if (id)
            gm->undelivered++;
    }
    return TRYGG_OK;
}

/* Inbound: poll, assemble, commit, delete. All messages of one poll are
 * committed in one transaction (one fsync), each in its own savepoint so a
 * failing message rolls back alone; only after the commit are they deleted
 * from the modem. */
static trygg_err do_inbound(gw *g, gw_modem *gm, int64_t now)
{
    int n = 0;
    if (gm->poll_limit < POLL_BATCH)
        gm->poll_limit = POLL_BATCH;
    trygg_err e = modem_poll(gm->md, g->parts, gm->poll_limit, &n);
    g->stats.polls++;
    g->stats.last_poll = now;
    if (e)
        return e;
    e = take_reports(g, gm, now);
    if (e)
        return e;
    int read = n, kept = 0;
    if (drop_canaries(g, gm, n, now, &n) != TRYGG_OK)
        return TRYGG_ERR_IO;
    if (drop_seen_parts(g, gm, n, &kept) != TRYGG_OK)
        return TRYGG_ERR_IO;
    n = kept;
    int nm = asm_run(gm->as, g->parts, n, now, g->msgs, MSG_MAX);
    /* A full read with no whole message (only parts of long ones): read
     * more next time, so parts further down can complete them. */
    if (nm == 0 && read == gm->poll_limit)
        gm->poll_limit = gm->poll_limit * 2 > POLL_MAX ? POLL_MAX : gm->poll_limit * 2;
    else
        gm->poll_limit = POLL_BATCH;
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
        e = relay_commit(g->rl, m, g->parts, gm->no, now, &dup);
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
                modem_quarantine(gm->md, &g->parts[m->idx[k]], "rejected by the store");
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
        wd_received(&gm->wd, now);
    g->stats.messages_in += in;
    gm->in += in;
    g->stats.duplicates += dups;
    if (g->crash_after > 0 && g->stats.messages_in >= g->crash_after)
        _exit(99); /* test hook: committed, not deleted */
    return delete_committed(g, gm, done);
}

static void do_calls(gw *g, gw_modem *gm, int64_t now)
{
    char number[MODEM_NUMBER_MAX + 1];
    while (modem_take_call(gm->md, number, sizeof number)) {
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

/* A modem fit to send on: connected, and its watchdog has nothing against
 * it (not escalating, sends not failing send_failures times in a row). */
static int send_fit(const gw_modem *gm)
{
    return modem_connected(gm->md) && gm->wd.step == WD_OK && !gm->wd.send_suspect;
}

/* A modem the watchdog just reconnected or reset while its sends failed
 * gets one send to prove itself (only a send heals a modem whose sends
 * failed), once per escalation step. */
static int send_probe(const gw_modem *gm)
{
    return modem_connected(gm->md) && gm->wd.step != WD_OK && gm->wd.step != WD_ALERT &&
           gm->wd.step_at != gm->probed_at;
}

static int in_order(gw_modem *const *order, int n, const gw_modem *gm)
{
    for (int i = 0; i < n; i++)
        if (order[i] == gm)
            return 1;
    return 0;
}

/* The modems to try for one message, in order, into order[]; the count.
 * The one the texter wrote to (`pref`) first when it is fit, then a
 * modem on probation, then the other fit ones ([modem] before [modem2]),
 * last any connected one. One modem: that one whenever it is connected. */
static int send_order(gw *g, int pref, gw_modem **order)
{
    int n = 0;
    for (int pass = 0; pass < 4; pass++)
        for (int i = 0; i < g->nmod; i++) {
            gw_modem *gm = &g->mods[i];
            int take = pass == 0   ? gm->no == pref && send_fit(gm)
                       : pass == 1 ? send_probe(gm)
                       : pass == 2 ? send_fit(gm)
                                   : modem_connected(gm->md);
            if (take && !in_order(order, n, gm))
                order[n++] = gm;
        }
    return n;
}

/* One attempt on modem gm; the watchdog and the counters learn its result. */
static trygg_err send_on(gw *g, gw_modem *gm, const char *number, const char *text, int *parts,
                         int *ref, char *error, size_t cap, int64_t now)
{
    trygg_err se;
    *parts = 0;
    *ref = -1;
    if (send_probe(gm))
        gm->probed_at = gm->wd.step_at;
    if (g->fail_sends > 0) {
        g->fail_sends--;
        se = TRYGG_ERR_IO;
        snprintf(error, cap, "network refused (simulated)");
    } else {
        if (g->send_delay_ms > 0) {
            struct timespec d = {g->send_delay_ms / 1000, (g->send_delay_ms % 1000) * 1000000L};
            nanosleep(&d, NULL);
        }
        se = modem_send(gm->md, number, text, parts, ref, error, cap);
    }
    wd_send_result(&gm->wd, se == TRYGG_OK, now);
    if (se == TRYGG_OK) {
        gm->out++;
    } else {
        g->stats.send_failures++;
        gm->send_failures++;
    }
    return se;
}

/* Sends row o on the modems of send_order until one takes it: a message
 * goes out once, on one modem. *used gets that modem (NULL: none took it;
 * then *none = 1 when no modem was connected to try). */
static trygg_err send_row(gw *g, const ls_send *o, const char *number, int pref, int *parts,
                          int *ref, char *error, size_t cap, int64_t now, gw_modem **used)
{
    gw_modem *order[GW_MODEMS];
    int n = send_order(g, pref, order);
    trygg_err se = TRYGG_ERR_IO;
    *used = NULL;
    if (n == 0)
        snprintf(error, cap, "modem not connected");
    for (int k = 0; k < n; k++) {
        se = send_on(g, order[k], number, o->text, parts, ref, error, cap, now);
        if (se == TRYGG_OK) {
            *used = order[k];
            break;
        }
        if (se == TRYGG_ERR_INVALID)
            break; /* the text itself cannot be sent: no other modem can either */
        if (k + 1 < n)
            TRYGG_WARN("send %lld: %s failed (%s): trying %s", (long long)o->id, order[k]->label,
                       error, order[k + 1]->label);
    }
    return se;
}

static int any_connected(const gw *g)
{
    for (int i = 0; i < g->nmod; i++)
        if (modem_connected(g->mods[i].md))
            return 1;
    return 0;
}

/* Records the result of one row's send (its attempt counts once, whichever
 * modems were tried). */
static trygg_err send_result(gw *g, const ls_send *o, trygg_err se, gw_modem *used, int parts,
                             int ref, const char *error, int64_t now, int *retry)
{
    lstore *ls = relay_store(g->rl);
    trygg_err e;
    *retry = 0;
    if (se == TRYGG_OK) {
        g->stats.messages_out++;
        e = ls_send_mark(ls, o->id, "sent", parts, "", 0);
        if (!e)
            e = ls_send_sent_ref(ls, o->id, used->no, ref, now);
        return e;
    }
    int attempts = o->attempts + 1;
    int dead = attempts >= g->cfg->max_attempts || se == TRYGG_ERR_INVALID;
    e = ls_send_mark(ls, o->id, dead ? "dead" : "failed", 0, error,
                     dead ? 0 : now + retry_delay(g->cfg, attempts));
    TRYGG_WARN("send %lld: attempt %d failed: %s", (long long)o->id, attempts, error);
    *retry = !dead;
    return e;
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
    for (int i = 0; !e && i < n && !stopping(g) && any_connected(g) && mono_ms() < until_ms; i++) {
        (*handled)++;
        ls_send *o = &rows[i];
        char number[20], error[256] = "";
        int parts = 0, ref = -1, pref = 1, retry = 0;
        /* Checked at send time: nothing goes to a stopped number. */
        if (!relay_number_modem(g->rl, o->pseudo, number, &pref)) {
            e = ls_send_mark(ls, o->id, "cancelled", 0, "recipient stopped or unknown", 0);
            continue;
        }
        gw_modem *used = NULL;
        trygg_err se = send_row(g, o, number, pref, &parts, &ref, error, sizeof error, now, &used);
        sodium_memzero(number, sizeof number);
        /* The row's new state, its message reference and a STOP in one
         * commit (one fsync, not one per statement). */
        e = ls_begin(ls);
        if (!e)
            e = send_result(g, o, se, used, parts, ref, error, now, &retry);
        /* STOP: the gateway's copy of the number goes once the
         * confirmation is sent or given up on. */
        if (!e && !retry && o->stop) {
            relay_number_drop(g->rl, o->pseudo);
            e = ls_number_stop(ls, o->pseudo);
        }
        if (!e)
            e = ls_commit(ls);
        else
            ls_rollback(ls);
    }
    free(rows);
    if (!e && !any_connected(g))
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

/* Asks modem gm for its status when due (every HEALTH_EVERY seconds, or
 * `force`), else takes the last known one. */
static void modem_status_due(gw_modem *gm, int64_t now, int force)
{
    if (modem_connected(gm->md) &&
        (force || now - gm->last_status >= HEALTH_EVERY || now < gm->last_status)) {
        modem_status_get(gm->md, &gm->ms);
        gm->last_status = now;
    } else {
        modem_status_cached(gm->md, &gm->ms);
    }
}

/* The second modem's part of the health record: its own connection,
 * network, errors, counts, watchdog and SIM ("modem2" in the record). */
static json_t *modem2_health(gw_modem *gm)
{
    char last_error[HEALTH_TEXT];
    TRYGG_COPY_TRUNC(last_error, gm->ms.last_error); /* display text */
    json_t *j = json_pack(
        "{s:b, s:i, s:s, s:s, s:i, s:i, s:s, s:I, s:I, s:I, s:I, s:I}", "connected",
        modem_connected(gm->md), "signal", gm->ms.signal_percent, "network", gm->ms.network,
        "network_code", gm->ms.network_code, "errors", gm->ms.errors, "quarantined",
        gm->ms.quarantined, "last_error", last_error, "messages_in", (json_int_t)gm->in,
        "messages_out", (json_int_t)gm->out, "send_failures", (json_int_t)gm->send_failures,
        "delivered", (json_int_t)gm->delivered, "undelivered", (json_int_t)gm->undelivered);
    if (j)
        wd_health(&gm->wd, j);
    return j;
}

/* 1 when the health record should be written now. */
static int health_due(gw *g, int64_t now, int force)
{
    int changed = g->store_failing != g->health_store_failing;
    for (int i = 0; i < g->nmod; i++) {
        gw_modem *gm = &g->mods[i];
        modem_status cur;
        modem_status_cached(gm->md, &cur);
        changed |= cur.quarantined != gm->ms.quarantined || cur.errors != gm->ms.errors ||
                   modem_connected(gm->md) != gm->health_connected ||
                   gm->wd.step != gm->health_wd_step;
    }
    if (!force && !changed && now >= g->last_health && now - g->last_health < HEALTH_WRITE)
        return 0;
    g->last_health = now;
    g->health_store_failing = g->store_failing;
    for (int i = 0; i < g->nmod; i++) {
        g->mods[i].health_connected = modem_connected(g->mods[i].md);
        g->mods[i].health_wd_step = g->mods[i].wd.step;
    }
    return 1;
}

/* The gateway's fields beyond the first modem's: the store, the queue,
 * the server, delivery reports (all modems), the watchdog of [modem], and
 * with [modem2] its part ("modem2"); "alert" is the first modem's, or the
 * second's when the first has none. */
static void health_more(gw *g, json_t *j)
{
    char store_error[HEALTH_TEXT];
    TRYGG_COPY_TRUNC(store_error, g->store_error); /* display text */
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
    int64_t delivered = 0, undelivered = 0;
    for (int i = 0; i < g->nmod; i++) {
        delivered += g->mods[i].delivered;
        undelivered += g->mods[i].undelivered;
    }
    json_object_set_new(j, "delivered", json_integer((json_int_t)delivered));
    json_object_set_new(j, "undelivered", json_integer((json_int_t)undelivered));
    wd_health(&g->mods[0].wd, j);
    if (g->nmod < 2)
        return;
    json_t *m2 = modem2_health(&g->mods[1]);
    const char *a1 = json_string_value(json_object_get(j, "alert"));
    const char *a2 = m2 ? json_string_value(json_object_get(m2, "alert")) : NULL;
    if (a1 && strcmp(a1, "ok") == 0 && a2 && strcmp(a2, "ok") != 0)
        json_object_set_new(j, "alert", json_string(a2));
    if (m2)
        json_object_set_new(j, "modem2", m2);
}

static void do_health(gw *g, int64_t now, int force)
{
    /* One small write (one fsync) every few seconds, or when it matters. */
    if (!health_due(g, now, force))
        return;
    for (int i = 0; i < g->nmod; i++)
        modem_status_due(&g->mods[i], now, force);
    /* The server takes at most GW_HEALTH_MAX bytes (server/api_gateway.c):
     * the free texts are cut so every field fits (docs/gateway-protocol.md
     * "/health"). The top-level modem fields are the first modem's; the
     * counts are the gateway's. */
    const gw_modem *m1 = &g->mods[0];
    char last_error[HEALTH_TEXT];
    TRYGG_COPY_TRUNC(last_error, m1->ms.last_error); /* display text */
    json_t *j = json_pack(
        "{s:b, s:i, s:s, s:s, s:i, s:I, s:i, s:i, s:s, s:I, s:I, s:I, s:I, "
        "s:I, s:I}",
        "connected", modem_connected(m1->md), "signal", m1->ms.signal_percent, "network",
        m1->ms.network, "network_code", m1->ms.network_code, "battery", m1->ms.battery_percent,
        "last_poll", (json_int_t)g->stats.last_poll, "errors", m1->ms.errors, "quarantined",
        m1->ms.quarantined, "last_error", last_error, "messages_in",
        (json_int_t)g->stats.messages_in, "messages_out", (json_int_t)g->stats.messages_out,
        "send_failures", (json_int_t)g->stats.send_failures, "calls", (json_int_t)g->stats.calls,
        "duplicates", (json_int_t)g->stats.duplicates, "updated", (json_int_t)now);
    if (!j)
        return;
    health_more(g, j);
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

/* Deletes the regular files in `dir` last changed at or before `cutoff`;
 * the count. */
static int purge_dir(const char *dir, int64_t cutoff)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
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
    return removed;
}

/* Quarantined modem files may hold a raw sender number (the dummy phone's
 * files do): deleted after quarantine_days, checked hourly ([modem2]'s are
 * in the quarantine's subdirectory modem2). */
static void purge_quarantine(gw *g, int64_t now)
{
    if (g->last_quarantine_purge && now - g->last_quarantine_purge < 3600 &&
        now >= g->last_quarantine_purge)
        return;
    g->last_quarantine_purge = now;
    int64_t cutoff = now - (int64_t)g->cfg->quarantine_days * 86400;
    int removed = purge_dir(g->cfg->quarantine, cutoff);
    if (g->nmod > 1) {
        char sub[600];
        snprintf(sub, sizeof sub, "%s/modem2", g->cfg->quarantine);
        removed += purge_dir(sub, cutoff);
    }
    if (removed)
        TRYGG_INFO("quarantine: %d file%s older than %d days deleted", removed,
                   removed == 1 ? "" : "s", g->cfg->quarantine_days);
}

/* Connects modem gm if it is down and its backoff is over. TRYGG_ERR_IO
 * while it stays down. */
static trygg_err modem_up(gw *g, gw_modem *gm, int64_t now)
{
    if (modem_connected(gm->md))
        return TRYGG_OK;
    if (now < gm->next_connect)
        return TRYGG_ERR_IO;
    if (modem_connect(gm->md) != TRYGG_OK) {
        int64_t wait = trygg_backoff(1, 60, gm->connect_failures++, 0);
        TRYGG_WARN("%s: %s (next try in %lld s)", gm->label, modem_last_error(gm->md),
                   (long long)wait);
        gm->next_connect = now + wait;
        return TRYGG_ERR_IO;
    }
    TRYGG_INFO("%s connected", gm->label);
    gm->connect_failures = 0;
    do_health(g, now, 1);
    return TRYGG_OK;
}

static void modem_lost(gw_modem *gm, int64_t now)
{
    TRYGG_WARN("%s lost: %s", gm->label, modem_last_error(gm->md));
    modem_disconnect(gm->md);
    gm->up = 0;
    gm->next_connect = now + trygg_backoff(1, 60, gm->connect_failures, 0);
}

trygg_err gw_step(gw *g, int64_t now)
{
    purge_quarantine(g, now);
    /* Every modem is read, each on its own: one that is down or hangs
     * keeps nothing from the other. */
    int up = 0;
    for (int i = 0; i < g->nmod; i++) {
        gw_modem *gm = &g->mods[i];
        gm->up = 0;
        wd_step(&gm->wd, gm->md, now);
        if (modem_up(g, gm, now) != TRYGG_OK)
            continue;
        if (do_inbound(g, gm, now) != TRYGG_OK) {
            modem_lost(gm, now);
            continue;
        }
        gm->up = 1;
        up++;
    }
    if (up == 0) {
        do_health(g, now, 0);
        return TRYGG_ERR_IO;
    }
    for (int i = 0; i < g->nmod; i++)
        if (g->mods[i].up)
            do_calls(g, &g->mods[i], now);
    trygg_err e = TRYGG_OK;
    if (!stopping(g))
        e = do_outbox(g, now);
    if (e && e != TRYGG_ERR_IO) {
        g->stats.store_errors++;
        TRYGG_ERR("outbox: %s %s", trygg_strerror(e), store_errmsg(g));
        e = TRYGG_OK;
    }
    for (int i = 0; i < g->nmod; i++)
        if (g->mods[i].up)
            do_calls(g, &g->mods[i], now);
    /* A modem that went away while sending. */
    for (int i = 0; i < g->nmod; i++)
        if (g->mods[i].up && !modem_connected(g->mods[i].md))
            modem_lost(&g->mods[i], now);
    do_health(g, now, 0);
    return e;
}

int gw_run(gw *g)
{
    int fast = 0;
    /* Staff replies come from a thread of their own (a long poll, fetch.h):
     * sent as soon as they are claimed, and the modem is read meanwhile. */
    char err[300] = "";
    if (relay_fetch_start(g->rl, err, sizeof err) != TRYGG_OK)
        TRYGG_WARN("%s: claiming replies every round instead", err);
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
            if (stopping(g) || el >= g->cfg->poll_interval || relay_fetch_ready(g->rl))
                break;
            struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    relay_fetch_stop(g->rl);
    return 0;
}
