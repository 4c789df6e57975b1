/*
 * assemble.h — joins SMS parts into messages.
 *
 * Parts stay on the modem until their message is committed, so every poll
 * hands the assembler everything that is on the modem. A message is complete
 * when all parts 1..total of one (sender, reference, total) are present, in
 * any order; duplicates of a part are ignored (first wins). A group still
 * missing parts `timeout` seconds after it was first seen is emitted as
 * incomplete: the present parts in order, "…" where parts are missing.
 * Control characters other than tab and newlines become spaces.
 * The first-seen times live in memory (bounded table); after a restart the
 * wait starts again, which only delays, never loses, a message.
 *
 * Plain C, no Gammu. Read first: asm_run.
 */
#ifndef SMSGW_ASSEMBLE_H
#define SMSGW_ASSEMBLE_H

#include <stdint.h>
#include "modem.h"
#include "trygg/item.h"

#define ASM_MAX_PARTS 64 /* parts per message we accept (more: incomplete) */

typedef struct asm_msg {
    char number[MODEM_NUMBER_MAX + 1];
    char stamp[16]; /* SMSC time of the earliest part */
    int64_t smsc_time;
    char text[TRYGG_TEXT_MAX + 1]; /* UTF-8 */
    int incomplete;                /* parts missing (timed out) or text cut */
    int total;                     /* parts announced */
    int ucs2;                      /* any part in UCS-2 */
    int idx[ASM_MAX_PARTS];        /* indexes into the parts[] given to asm_run */
    int nidx;
} asm_msg;

typedef struct asm_state asm_state;

/* New assembler; `timeout` seconds before an incomplete group is emitted.
 * NULL on no memory. */
asm_state *asm_new(int timeout);
void asm_free(asm_state *a);

/* Groups parts[0..n) at time `now` (seconds, any monotonic clock) and writes
 * up to `max` ready messages to out[]; returns their count. Parts of groups
 * that are not ready are left alone (they will be seen again). */
int asm_run(asm_state *a, const modem_part *parts, int n, int64_t now, asm_msg *out, int max);

#endif
