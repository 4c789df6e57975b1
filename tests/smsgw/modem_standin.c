/*
 * modem_standin.c — the modem stand-in (modem_standin.h) behind smsgw/modem.h.
 */
#include "modem_standin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "modem.h"
#include "trygg/copy.h"
#include "trygg/ucs2.h"

#define SI_MAX 256

typedef struct si_msg {
    int id; /* the location; 0 = free slot */
    char number[MODEM_NUMBER_MAX + 1];
    char text[400];
    int ref;
} si_msg;

/* The hardware: one per process. */
static struct {
    standin_mode mode;
    standin_heal heal;
    char heal_file[512];
    si_msg inbox[SI_MAX];
    si_msg sent[SI_MAX];
    int nsent, next_id, next_ref, seq;
    modem_report reports[SI_MAX];
    int nreports;
    char sim_state[16];
    int sim_used, sim_size;
    char ussd[200];
    char own[MODEM_NUMBER_MAX + 1];
    standin_counts counts;
} hw;

struct modem {
    modem_cfg cfg;
    int connected;
    modem_status st;
    char err[256];
};

void standin_reset(void)
{
    memset(&hw, 0, sizeof hw);
    hw.next_id = 1;
    hw.next_ref = 1;
    TRYGG_COPY_FIT(hw.sim_state, "ready");
    hw.sim_size = 30;
}

void standin_mode_set(standin_mode m, standin_heal heal)
{
    hw.mode = m;
    hw.heal = heal;
}

void standin_heal_file(const char *path)
{
    TRYGG_COPY_TRUNC(hw.heal_file, path); /* test paths are short */
}

standin_mode standin_mode_get(void)
{
    return hw.mode;
}

static void deliver(const char *number, const char *text)
{
    for (int i = 0; i < SI_MAX; i++)
        if (hw.inbox[i].id == 0) {
            hw.inbox[i].id = hw.next_id++;
            TRYGG_COPY_TRUNC(hw.inbox[i].number, number);
            TRYGG_COPY_TRUNC(hw.inbox[i].text, text);
            hw.sim_used++;
            return;
        }
}

void standin_incoming(const char *number, const char *text)
{
    deliver(number, text);
}

int standin_sent(int i, char *number, size_t ncap, char *text, size_t tcap, int *ref)
{
    if (i < 0 || i >= hw.nsent || i >= SI_MAX)
        return 0;
    trygg_copy_trunc(number, ncap, hw.sent[i].number);
    trygg_copy_trunc(text, tcap, hw.sent[i].text);
    *ref = hw.sent[i].ref;
    return 1;
}

void standin_report(int ref, int delivered)
{
    for (int i = hw.nsent - 1; i >= 0 && i < SI_MAX; i--)
        if (hw.sent[i].ref == ref && hw.nreports < SI_MAX) {
            modem_report *r = &hw.reports[hw.nreports++];
            TRYGG_COPY_FIT(r->number, hw.sent[i].number);
            r->ref = ref;
            r->delivered = delivered;
            return;
        }
}

void standin_sim(const char *state, int used, int size)
{
    TRYGG_COPY_TRUNC(hw.sim_state, state);
    hw.sim_used = used;
    hw.sim_size = size;
}

void standin_ussd_answer(const char *text)
{
    TRYGG_COPY_TRUNC(hw.ussd, text);
}

void standin_own_number(const char *number)
{
    TRYGG_COPY_TRUNC(hw.own, number);
}

standin_counts standin_counts_get(void)
{
    return hw.counts;
}

/* ---- modem.h ---------------------------------------------------------------- */

modem *modem_new(const modem_cfg *cfg)
{
    modem *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cfg = *cfg;
    m->st.signal_percent = m->st.battery_percent = -1;
    TRYGG_COPY_FIT(m->st.network, "unknown");
    return m;
}

void modem_free(modem *m)
{
    free(m);
}

static void heal_if(standin_heal by)
{
    if (hw.mode != STANDIN_OK && hw.heal == by)
        hw.mode = STANDIN_OK;
}

trygg_err modem_connect(modem *m)
{
    if (hw.mode != STANDIN_OK && hw.heal == STANDIN_HEAL_FILE && hw.heal_file[0] &&
        access(hw.heal_file, F_OK) == 0)
        hw.mode = STANDIN_OK;
    if (hw.mode == STANDIN_DROP) {
        snprintf(m->err, sizeof m->err, "connect: no such device (stand-in dropped)");
        m->st.errors++;
        return TRYGG_ERR_IO;
    }
    hw.counts.connects++;
    m->connected = 1;
    m->err[0] = '\0';
    return TRYGG_OK;
}

void modem_disconnect(modem *m)
{
    if (m->connected)
        heal_if(STANDIN_HEAL_RECONNECT);
    m->connected = 0;
}

int modem_connected(const modem *m)
{
    return m->connected;
}

const char *modem_last_error(const modem *m)
{
    return m->err;
}

/* A call on a dropped modem: the link is gone. */
static int gone(modem *m)
{
    if (!m->connected)
        return 1;
    if (hw.mode != STANDIN_DROP)
        return 0;
    snprintf(m->err, sizeof m->err, "device read error (stand-in dropped)");
    m->st.errors++;
    m->connected = 0;
    return 1;
}

trygg_err modem_poll(modem *m, modem_part *parts, int max, int *n)
{
    *n = 0;
    if (gone(m))
        return TRYGG_ERR_IO;
    if (hw.mode == STANDIN_HANG)
        return TRYGG_OK; /* it answers, but nothing comes in */
    for (int i = 0; i < SI_MAX && *n < max; i++) {
        si_msg *s = &hw.inbox[i];
        if (!s->id)
            continue;
        modem_part *p = &parts[*n];
        memset(p, 0, sizeof *p);
        p->location = s->id;
        p->folder = 1;
        TRYGG_COPY_FIT(p->number, s->number);
        /* Each message its own SMSC time: the same text twice is two messages. */
        time_t t = (time_t)1767225600 + s->id;
        struct tm u;
        gmtime_r(&t, &u);
        strftime(p->stamp, sizeof p->stamp, "%Y%m%dT%H%M%S", &u);
        p->smsc_time = (int64_t)t;
        p->concat_ref = -1;
        p->concat_total = p->concat_seq = 1;
        if (ucs2_from_utf8(s->text, p->units, MODEM_UNITS_MAX, &p->nunits) != TRYGG_OK)
            continue;
        p->ucs2 = 1;
        (*n)++;
    }
    return TRYGG_OK;
}

int modem_take_report(modem *m, modem_report *r)
{
    if (!m->connected || hw.mode != STANDIN_OK || hw.nreports == 0)
        return 0;
    *r = hw.reports[0];
    memmove(hw.reports, hw.reports + 1, (size_t)(hw.nreports - 1) * sizeof hw.reports[0]);
    hw.nreports--;
    return 1;
}

trygg_err modem_delete(modem *m, const modem_part *p)
{
    if (gone(m))
        return TRYGG_ERR_IO;
    for (int i = 0; i < SI_MAX; i++)
        if (hw.inbox[i].id == p->location) {
            hw.inbox[i].id = 0;
            hw.sim_used--;
            hw.counts.received++;
            hw.counts.deleted++;
        }
    return TRYGG_OK;
}

trygg_err modem_quarantine(modem *m, const modem_part *p, const char *why)
{
    (void)why;
    m->st.quarantined++;
    return modem_delete(m, p);
}

trygg_err modem_send(modem *m, const char *number, const char *text, int *parts, int *ref,
                     char *err, size_t errcap)
{
    *parts = 0;
    *ref = -1;
    err[0] = '\0';
    if (gone(m)) {
        snprintf(err, errcap, "modem not connected");
        return TRYGG_ERR_IO;
    }
    if (hw.mode == STANDIN_HANG) {
        snprintf(err, errcap, "part 1/1: no send status from the modem");
        return TRYGG_ERR_IO;
    }
    if (hw.nsent < SI_MAX) {
        si_msg *s = &hw.sent[hw.nsent++];
        s->id = 1;
        TRYGG_COPY_TRUNC(s->number, number);
        TRYGG_COPY_TRUNC(s->text, text);
        s->ref = hw.next_ref;
    }
    *ref = hw.next_ref;
    hw.next_ref = (hw.next_ref + 1) % 256;
    *parts = 1;
    hw.counts.sent++;
    if (hw.own[0] && strcmp(number, hw.own) == 0)
        deliver(number, text);
    return TRYGG_OK;
}

int modem_take_call(modem *m, char *number, size_t cap)
{
    (void)m, (void)number, (void)cap;
    return 0;
}

trygg_err modem_status_get(modem *m, modem_status *st)
{
    if (gone(m)) {
        *st = m->st;
        return TRYGG_ERR_IO;
    }
    m->st.signal_percent = 60;
    m->st.battery_percent = 100;
    TRYGG_COPY_FIT(m->st.network, "home");
    TRYGG_COPY_FIT(m->st.network_code, "240 01");
    *st = m->st;
    return TRYGG_OK;
}

void modem_status_cached(const modem *m, modem_status *st)
{
    *st = m->st;
}

trygg_err modem_reset(modem *m, int hard)
{
    if (gone(m))
        return TRYGG_ERR_IO;
    if (hard)
        hw.counts.hard_resets++;
    else
        hw.counts.soft_resets++;
    heal_if(hard ? STANDIN_HEAL_HARD_RESET : STANDIN_HEAL_SOFT_RESET);
    m->connected = 0;
    return TRYGG_OK;
}

trygg_err modem_sim_get(modem *m, modem_sim *s)
{
    if (gone(m))
        return TRYGG_ERR_IO;
    TRYGG_COPY_TRUNC(s->state, hw.sim_state);
    s->used = hw.sim_used;
    s->size = hw.sim_size;
    return TRYGG_OK;
}

trygg_err modem_clear_memory(modem *m, int *n)
{
    *n = 0;
    if (gone(m))
        return TRYGG_ERR_IO;
    int inbox = 0;
    for (int i = 0; i < SI_MAX; i++)
        inbox += hw.inbox[i].id != 0;
    /* Everything but the unread inbox was old sent copies and reports. */
    *n = hw.sim_used - inbox;
    hw.sim_used = inbox;
    hw.counts.cleared += *n;
    return TRYGG_OK;
}

trygg_err modem_ussd(modem *m, const char *code, int timeout, char *reply, size_t cap)
{
    (void)code, (void)timeout;
    reply[0] = '\0';
    if (gone(m))
        return TRYGG_ERR_IO;
    hw.counts.ussd++;
    if (!hw.ussd[0] || hw.mode != STANDIN_OK)
        return TRYGG_ERR_NOTFOUND;
    trygg_copy_trunc(reply, cap, hw.ussd);
    return TRYGG_OK;
}
