/*
 * fuzz_sms_assemble.c — libFuzzer target: multipart assembly
 * (smsgw/assemble.c) over arbitrary parts and poll timing.
 *
 * Input: byte 0 = timeout (0..255 s); then records of
 *   [sender][ref][total][seq][flags][nunits] + nunits * 2 bytes UTF-16BE,
 * each giving one modem_part within modem.h's contract (sender one of
 * four, concat_ref -1 or 0..255, total 1..255, seq 1..total, at most
 * MODEM_UNITS_MAX units; flags bit 0 = UCS-2, bit 1 = single part, bits
 * 2..7 = SMSC time and the poll it arrives in). The parts arrive over a few
 * polls like on a modem: each asm_run sees everything still there, and the
 * parts of an emitted message are deleted. At the end time runs past the
 * timeout until the modem is empty.
 * Checks: every part leaves exactly once (nothing lost, nothing twice);
 * a message's parts share sender, reference and total; its text is valid
 * UTF-8 (no control characters but tab and newlines), at most
 * TRYGG_TEXT_MAX bytes and never longer than its parts' text plus the
 * gap marks; a complete message is exactly its parts' text in order.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assemble.h"
#include "trygg/log.h"
#include "trygg/text.h"
#include "trygg/ucs2.h"

#define MAXPARTS 96
#define MAXOUT   8

static const char *const senders[] = {"+46701234567", "+46709876543", "Telia", "112"};

typedef struct slot {
    modem_part p;
    int arrives; /* poll number */
    int gone;
} slot;

static slot slots[MAXPARTS];
static modem_part view[MAXPARTS];
static int view_slot[MAXPARTS];
static asm_msg out[MAXOUT];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    trygg_log_set_level(TRYGG_LOG_ERR);
    return 0;
}

/* Text of one part as assemble.c makes it (before control characters). */
static size_t part_text(const modem_part *p, char *buf, size_t cap)
{
    size_t len = 0;
    if (ucs2_to_utf8(p->units, p->nunits, buf, cap, &len) != TRYGG_OK)
        abort(); /* cap is 4 bytes per unit + 1 */
    return len;
}

static void check_msg(const asm_msg *m, int nview)
{
    size_t tl = strnlen(m->text, sizeof m->text);
    if (tl == sizeof m->text || tl > TRYGG_TEXT_MAX || !trygg_utf8_valid(m->text, tl))
        abort();
    if (m->nidx < 0 || m->nidx > ASM_MAX_PARTS || (m->nidx == 0 && !m->incomplete))
        abort();
    const modem_part *first = NULL;
    size_t sum = 0;
    for (int k = 0; k < m->nidx; k++) {
        if (m->idx[k] < 0 || m->idx[k] >= nview)
            abort();
        for (int l = 0; l < k; l++)
            if (m->idx[l] == m->idx[k])
                abort();
        const modem_part *p = &view[m->idx[k]];
        if (first == NULL)
            first = p;
        else if (strcmp(p->number, first->number) != 0 || p->concat_ref != first->concat_ref ||
                 p->concat_total != first->concat_total)
            abort();
        char buf[4 * MODEM_UNITS_MAX + 1];
        sum += part_text(p, buf, sizeof buf);
    }
    /* "…" (3 bytes) at most once per missing part and once at the end. */
    if (tl > sum + 3 * (size_t)(m->total + 1))
        abort();
    if (first && strcmp(m->number, first->number) != 0)
        abort(); /* sender kept even when only parts past ASM_MAX_PARTS came */
    if (!m->incomplete) {
        /* Complete: parts 1..total, first copy of each, in order. */
        int total =
            first && first->concat_ref >= 0 && first->concat_total > 1 ? first->concat_total : 1;
        if (m->total != total || m->nidx < total)
            abort();
        static char want[ASM_MAX_PARTS * (4 * MODEM_UNITS_MAX) + 1];
        size_t wl = 0;
        for (int s = 1; s <= total; s++) {
            int found = 0;
            for (int k = 0; k < m->nidx && !found; k++) {
                const modem_part *p = &view[m->idx[k]];
                if (total == 1 || p->concat_seq == s) {
                    wl += part_text(p, want + wl, sizeof want - wl);
                    found = 1;
                }
            }
            if (!found)
                abort();
        }
        for (size_t i = 0; i < wl; i++) {
            unsigned char c = (unsigned char)want[i];
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
                want[i] = ' ';
        }
        if (wl != tl || memcmp(want, m->text, wl) != 0)
            abort();
    }
}

/* One poll at `now` of the parts that have arrived by poll `poll`. Returns
 * the number of parts deleted. */
static int poll_once(asm_state *a, int poll, int64_t now, int nslots)
{
    int nview = 0;
    for (int i = 0; i < nslots; i++)
        if (!slots[i].gone && slots[i].arrives <= poll) {
            view[nview] = slots[i].p;
            view_slot[nview++] = i;
        }
    int nout = asm_run(a, view, nview, now, out, MAXOUT);
    if (nout < 0 || nout > MAXOUT)
        abort();
    int deleted = 0;
    for (int k = 0; k < nout; k++) {
        check_msg(&out[k], nview);
        for (int j = 0; j < out[k].nidx; j++) {
            slot *s = &slots[view_slot[out[k].idx[j]]];
            if (s->gone)
                abort(); /* deleted twice */
            s->gone = 1;
            deleted++;
        }
    }
    return deleted;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int timeout = data[0];
    size_t at = 1;
    int n = 0;
    while (n < MAXPARTS && at + 6 <= size) {
        const uint8_t *h = data + at;
        at += 6;
        slot *s = &slots[n++];
        memset(s, 0, sizeof *s);
        modem_part *p = &s->p;
        snprintf(p->number, sizeof p->number, "%s", senders[h[0] & 3]);
        p->concat_total = h[2] == 0 ? 1 : h[2];
        p->concat_ref = (h[4] & 2) ? -1 : h[1];
        p->concat_seq = 1 + h[3] % p->concat_total;
        if (p->concat_ref < 0)
            p->concat_total = p->concat_seq = 1;
        p->ucs2 = h[4] & 1;
        p->smsc_time = (h[4] >> 2) & 7 ? 1700000000 + ((h[4] >> 2) & 7) : 0;
        if (p->smsc_time)
            snprintf(p->stamp, sizeof p->stamp, "20231114T22132%d", (h[4] >> 2) & 7);
        s->arrives = h[4] >> 5;
        size_t nu = h[5] % (MODEM_UNITS_MAX + 1);
        if (nu > (size - at) / 2)
            nu = (size - at) / 2;
        ucs2_from_be(data + at, nu, p->units);
        p->nunits = nu;
        at += 2 * nu;
    }
    asm_state *a = asm_new(timeout);
    if (a == NULL)
        abort();
    int64_t now = 1000;
    int left = n;
    for (int poll = 0; poll < 8; poll++, now += 40)
        left -= poll_once(a, poll, now, n);
    /* Past every timeout: the modem must empty (bounded by the output size). */
    for (int round = 0; left > 0 && round < MAXPARTS + 4; round++) {
        now += timeout + 1;
        left -= poll_once(a, 8, now, n);
    }
    if (left != 0)
        abort();
    asm_free(a);
    return 0;
}
