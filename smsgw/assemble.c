/*
 * assemble.c — multipart linking with a timeout for missing parts.
 */
#include "assemble.h"

#include <stdlib.h>
#include <string.h>

#include "trygg/log.h"
#include "trygg/ucs2.h"

#define PENDING_MAX 256

typedef struct pending {
    char number[MODEM_NUMBER_MAX + 1];
    int ref, total;
    int64_t first_seen;
    int live; /* seen in the current run */
} pending;

struct asm_state {
    int timeout;
    pending p[PENDING_MAX];
    int n;
};

asm_state *asm_new(int timeout)
{
    asm_state *a = calloc(1, sizeof *a);
    if (a)
        a->timeout = timeout;
    return a;
}

void asm_free(asm_state *a)
{
    free(a);
}

static pending *find_pending(asm_state *a, const modem_part *p, int64_t now)
{
    for (int i = 0; i < a->n; i++)
        if (a->p[i].ref == p->concat_ref && a->p[i].total == p->concat_total &&
            strcmp(a->p[i].number, p->number) == 0)
            return &a->p[i];
    if (a->n == PENDING_MAX) {
        /* Table full: forget the oldest group (it restarts its wait). */
        int old = 0;
        for (int i = 1; i < a->n; i++)
            if (a->p[i].first_seen < a->p[old].first_seen)
                old = i;
        a->p[old] = a->p[--a->n];
    }
    pending *q = &a->p[a->n++];
    memset(q, 0, sizeof *q);
    memcpy(q->number, p->number, sizeof q->number);
    q->ref = p->concat_ref;
    q->total = p->concat_total;
    q->first_seen = now;
    return q;
}

/* Appends UTF-8 of units to m->text; marks incomplete if it does not fit. */
static void append_units(asm_msg *m, const uint16_t *u, size_t n)
{
    size_t used = strlen(m->text);
    size_t len;
    if (ucs2_to_utf8(u, n, m->text + used, sizeof m->text - used, &len) != TRYGG_OK) {
        m->text[used] = '\0';
        m->incomplete = 1;
    }
}

static void append_str(asm_msg *m, const char *s)
{
    size_t used = strlen(m->text), len = strlen(s);
    if (used + len < sizeof m->text)
        memcpy(m->text + used, s, len + 1);
    else
        m->incomplete = 1;
}

/* Builds a message from the parts of one group (by[seq-1] = part index or -1). */
static void build(asm_msg *m, const modem_part *parts, const int *by, int total, int incomplete)
{
    memset(m, 0, sizeof *m);
    m->total = total;
    m->incomplete = incomplete;
    int first = 1, gap = 0;
    for (int s = 0; s < total && s < ASM_MAX_PARTS; s++) {
        int i = by[s];
        if (i < 0) {
            gap = 1;
            continue;
        }
        const modem_part *p = &parts[i];
        if (first || (p->smsc_time && p->smsc_time < m->smsc_time)) {
            if (first)
                memcpy(m->number, p->number, sizeof m->number);
            m->smsc_time = p->smsc_time;
            memcpy(m->stamp, p->stamp, sizeof m->stamp);
        }
        if (gap)
            append_str(m, "…");
        gap = 0;
        first = 0;
        m->ucs2 |= p->ucs2;
        append_units(m, p->units, p->nunits);
        m->idx[m->nidx++] = i;
    }
    if (gap)
        append_str(m, "…");
    /* Control characters (a phone's bell, a stray escape) are not text the
     * store accepts: replace them rather than reject the message. */
    for (char *c = m->text; *c; c++)
        if (((unsigned char)*c < 0x20 && *c != '\t' && *c != '\n' && *c != '\r') || *c == 0x7F)
            *c = ' ';
}

int asm_run(asm_state *a, const modem_part *parts, int n, int64_t now, asm_msg *out, int max)
{
    int nout = 0;
    int *done = calloc((size_t)(n > 0 ? n : 1), sizeof *done);
    if (!done)
        return 0;
    for (int i = 0; i < a->n; i++)
        a->p[i].live = 0;
    for (int i = 0; i < n && nout < max; i++) {
        if (done[i])
            continue;
        const modem_part *p = &parts[i];
        if (p->concat_ref < 0 || p->concat_total <= 1) {
            int by[1] = {i};
            build(&out[nout++], parts, by, 1, 0);
            done[i] = 1;
            continue;
        }
        /* Collect the group: same sender, reference and total. */
        int by[ASM_MAX_PARTS];
        int total = p->concat_total > ASM_MAX_PARTS ? ASM_MAX_PARTS : p->concat_total;
        int have = 0;
        for (int s = 0; s < ASM_MAX_PARTS; s++)
            by[s] = -1;
        for (int j = i; j < n; j++) {
            const modem_part *q = &parts[j];
            if (done[j] || q->concat_ref != p->concat_ref || q->concat_total != p->concat_total ||
                strcmp(q->number, p->number) != 0)
                continue;
            done[j] = 1; /* handled in this run, ready or not */
            /* A duplicate part is not used for the text; it is deleted with
             * the message (added to idx below). */
            if (q->concat_seq >= 1 && q->concat_seq <= total && by[q->concat_seq - 1] < 0) {
                by[q->concat_seq - 1] = j;
                have++;
            }
        }
        pending *pg = find_pending(a, p, now);
        pg->live = 1;
        int complete = have == total && total == p->concat_total;
        int timed_out = now - pg->first_seen >= a->timeout;
        if (complete || timed_out) {
            build(&out[nout], parts, by, total, !complete);
            if (out[nout].nidx == 0) {
                /* Only parts past ASM_MAX_PARTS: keep the sender and time. */
                memcpy(out[nout].number, p->number, sizeof out[nout].number);
                memcpy(out[nout].stamp, p->stamp, sizeof out[nout].stamp);
                out[nout].smsc_time = p->smsc_time;
            }
            /* Duplicates of parts go with the message so they get deleted too. */
            for (int j = i; j < n && out[nout].nidx < ASM_MAX_PARTS; j++) {
                const modem_part *q = &parts[j];
                int used = 0;
                for (int k = 0; k < out[nout].nidx; k++)
                    used |= out[nout].idx[k] == j;
                if (!used && q->concat_ref == p->concat_ref && q->concat_total == p->concat_total &&
                    strcmp(q->number, p->number) == 0)
                    out[nout].idx[out[nout].nidx++] = j;
            }
            nout++;
            pg->live = 0;
            if (!complete)
                TRYGG_WARN("assemble: message of %d parts stored with %d parts after %d s",
                           p->concat_total, have, a->timeout);
        }
    }
    /* Forget groups that are gone from the modem or were emitted. */
    for (int i = 0; i < a->n;) {
        if (!a->p[i].live)
            a->p[i] = a->p[--a->n];
        else
            i++;
    }
    free(done);
    return nout;
}
