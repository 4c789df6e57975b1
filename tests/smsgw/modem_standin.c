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

/* The hardware: up to STANDIN_UNITS modems per process, told apart by their
 * device (the first device a modem_new names is unit 0, the next unit 1). */
typedef struct si_unit {
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
    char ussd_code[32]; /* the last code dialed */
    char own[MODEM_NUMBER_MAX + 1];
    standin_counts counts;
} si_unit;

static si_unit units[STANDIN_UNITS];
static char unit_device[STANDIN_UNITS][512];
static si_unit *cur = &units[0]; /* the unit the standin_* functions drive */

struct modem {
    modem_cfg cfg;
    si_unit *hw;
    int connected;
    modem_status st;
    char err[256];
};

void standin_reset(void)
{
    memset(units, 0, sizeof units);
    memset(unit_device, 0, sizeof unit_device);
    for (int u = 0; u < STANDIN_UNITS; u++) {
        units[u].next_id = 1;
        units[u].next_ref = 1;
        TRYGG_COPY_FIT(units[u].sim_state, "ready");
        units[u].sim_size = 30;
    }
    cur = &units[0];
}

void standin_unit(int unit)
{
    if (unit >= 0 && unit < STANDIN_UNITS)
        cur = &units[unit];
}

void standin_mode_set(standin_mode m, standin_heal heal)
{
    cur->mode = m;
    cur->heal = heal;
}

void standin_heal_file(const char *path)
{
    TRYGG_COPY_TRUNC(cur->heal_file, path); /* test paths are short */
}

standin_mode standin_mode_get(void)
{
    return cur->mode;
}

static void deliver(si_unit *h, const char *number, const char *text)
{
    for (int i = 0; i < SI_MAX; i++)
        if (h->inbox[i].id == 0) {
            h->inbox[i].id = h->next_id++;
            TRYGG_COPY_TRUNC(h->inbox[i].number, number);
            TRYGG_COPY_TRUNC(h->inbox[i].text, text);
            h->sim_used++;
            return;
        }
}

void standin_incoming(const char *number, const char *text)
{
    deliver(cur, number, text);
}

int standin_sent(int i, char *number, size_t ncap, char *text, size_t tcap, int *ref)
{
    if (i < 0 || i >= cur->nsent || i >= SI_MAX)
        return 0;
    trygg_copy_trunc(number, ncap, cur->sent[i].number);
    trygg_copy_trunc(text, tcap, cur->sent[i].text);
    *ref = cur->sent[i].ref;
    return 1;
}

void standin_report(int ref, int delivered)
{
    for (int i = cur->nsent - 1; i >= 0 && i < SI_MAX; i--)
        if (cur->sent[i].ref == ref && cur->nreports < SI_MAX) {
            modem_report *r = &cur->reports[cur->nreports++];
            TRYGG_COPY_FIT(r->number, cur->sent[i].number);
            r->ref = ref;
            r->delivered = delivered;
            return;
        }
}

void standin_sim(const char *state, int used, int size)
{
    TRYGG_COPY_TRUNC(cur->sim_state, state);
    cur->sim_used = used;
    cur->sim_size = size;
}

void standin_ussd_answer(const char *text)
{
    TRYGG_COPY_TRUNC(cur->ussd, text);
}

const char *standin_ussd_code(void)
{
    return cur->ussd_code;
}

void standin_own_number(const char *number)
{
    TRYGG_COPY_TRUNC(cur->own, number);
}

standin_counts standin_counts_get(void)
{
    return cur->counts;
}

/* ---- modem.h ---------------------------------------------------------------- */

modem *modem_new(const modem_cfg *cfg)
{
    modem *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cfg = *cfg;
    /* The unit with this device, or the next free one (the last one if
     * more modems are made than units: tests make at most two). */
    int u = 0;
    while (u < STANDIN_UNITS - 1 && unit_device[u][0] && strcmp(unit_device[u], cfg->device) != 0)
        u++;
    if (!unit_device[u][0])
        TRYGG_COPY_TRUNC(unit_device[u], cfg->device); /* test paths are short */
    m->hw = &units[u];
    m->st.signal_percent = m->st.battery_percent = -1;
    TRYGG_COPY_FIT(m->st.network, "unknown");
    return m;
}

void modem_free(modem *m)
{
    free(m);
}

static void heal_if(modem *m, standin_heal by)
{
    if (m->hw->mode != STANDIN_OK && m->hw->heal == by)
        m->hw->mode = STANDIN_OK;
}

trygg_err modem_connect(modem *m)
{
    if (m->hw->mode != STANDIN_OK && m->hw->heal == STANDIN_HEAL_FILE && m->hw->heal_file[0] &&
        access(m->hw->heal_file, F_OK) == 0)
        m->hw->mode = STANDIN_OK;
    if (m->hw->mode == STANDIN_DROP) {
        snprintf(m->err, sizeof m->err, "connect: no such device (stand-in dropped)");
        m->st.errors++;
        return TRYGG_ERR_IO;
    }
    m->hw->counts.connects++;
    m->connected = 1;
    m->err[0] = '\0';
    return TRYGG_OK;
}

void modem_disconnect(modem *m)
{
    if (m->connected)
        heal_if(m, STANDIN_HEAL_RECONNECT);
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
    if (m->hw->mode != STANDIN_DROP)
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
    if (m->hw->mode == STANDIN_HANG)
        return TRYGG_OK; /* it answers, but nothing comes in */
    for (int i = 0; i < SI_MAX && *n < max; i++) {
        si_msg *s = &m->hw->inbox[i];
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
    if (!m->connected || m->hw->mode != STANDIN_OK || m->hw->nreports == 0)
        return 0;
    *r = m->hw->reports[0];
    memmove(m->hw->reports, m->hw->reports + 1,
            (size_t)(m->hw->nreports - 1) * sizeof m->hw->reports[0]);
    m->hw->nreports--;
    return 1;
}

trygg_err modem_delete(modem *m, const modem_part *p)
{
    if (gone(m))
        return TRYGG_ERR_IO;
    for (int i = 0; i < SI_MAX; i++)
        if (m->hw->inbox[i].id == p->location) {
            m->hw->inbox[i].id = 0;
            m->hw->sim_used--;
            m->hw->counts.received++;
            m->hw->counts.deleted++;
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
    if (m->hw->mode == STANDIN_HANG) {
        snprintf(err, errcap, "part 1/1: no send status from the modem");
        return TRYGG_ERR_IO;
    }
    if (m->hw->nsent < SI_MAX) {
        si_msg *s = &m->hw->sent[m->hw->nsent++];
        s->id = 1;
        TRYGG_COPY_TRUNC(s->number, number);
        TRYGG_COPY_TRUNC(s->text, text);
        s->ref = m->hw->next_ref;
    }
    *ref = m->hw->next_ref;
    m->hw->next_ref = (m->hw->next_ref + 1) % 256;
    *parts = 1;
    m->hw->counts.sent++;
    if (m->hw->own[0] && strcmp(number, m->hw->own) == 0)
        deliver(m->hw, number, text);
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
        m->hw->counts.hard_resets++;
    else
        m->hw->counts.soft_resets++;
    heal_if(m, hard ? STANDIN_HEAL_HARD_RESET : STANDIN_HEAL_SOFT_RESET);
    m->connected = 0;
    return TRYGG_OK;
}

trygg_err modem_sim_get(modem *m, modem_sim *s)
{
    if (gone(m))
        return TRYGG_ERR_IO;
    TRYGG_COPY_TRUNC(s->state, m->hw->sim_state);
    s->used = m->hw->sim_used;
    s->size = m->hw->sim_size;
    return TRYGG_OK;
}

trygg_err modem_clear_memory(modem *m, int *n)
{
    *n = 0;
    if (gone(m))
        return TRYGG_ERR_IO;
    int inbox = 0;
    for (int i = 0; i < SI_MAX; i++)
        inbox += m->hw->inbox[i].id != 0;
    /* Everything but the unread inbox was old sent copies and reports. */
    *n = m->hw->sim_used - inbox;
    m->hw->sim_used = inbox;
    m->hw->counts.cleared += *n;
    return TRYGG_OK;
}

trygg_err modem_ussd(modem *m, const char *code, int timeout, char *reply, size_t cap)
{
    (void)timeout;
    reply[0] = '\0';
    if (gone(m))
        return TRYGG_ERR_IO;
    m->hw->counts.ussd++;
    TRYGG_COPY_TRUNC(m->hw->ussd_code, code);
    if (!m->hw->ussd[0] || m->hw->mode != STANDIN_OK)
        return TRYGG_ERR_NOTFOUND;
    trygg_copy_trunc(reply, cap, m->hw->ussd);
    return TRYGG_OK;
}
