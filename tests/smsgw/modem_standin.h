/*
 * modem_standin.h — a modem stand-in behind smsgw/modem.h, for what Gammu's
 * dummy phone cannot show: status reports that say "not delivered", a modem
 * that hangs (answers status queries but receives and sends nothing), one
 * that drops off the bus, a SIM waiting for its PIN, a full SMS memory and
 * a USSD balance answer. Tests link the gateway against it instead of
 * smsgw/modem_gammu.c (the smsgw_standin library, tests/smsgw/CMakeLists.txt).
 *
 * The stand-in is up to STANDIN_UNITS pieces of hardware per process (the
 * gateway's [modem] and [modem2]), told apart by their device: the first
 * device a modem_new names is unit 0, the next one unit 1. Their state lives
 * across modem_connect/modem_disconnect, the way a real modem's does, and
 * the test drives them with the functions below, which act on the unit
 * chosen by standin_unit (0 after standin_reset).
 */
#ifndef SMSGW_MODEM_STANDIN_H
#define SMSGW_MODEM_STANDIN_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    STANDIN_OK,
    STANDIN_HANG, /* status queries answer; nothing is received, sends time out */
    STANDIN_DROP  /* gone: every call fails, connect too */
} standin_mode;

/* What ends a hang or a drop: the watchdog's step that heals this modem. */
typedef enum {
    STANDIN_HEAL_NEVER,
    STANDIN_HEAL_RECONNECT,
    STANDIN_HEAL_SOFT_RESET,
    STANDIN_HEAL_HARD_RESET,
    STANDIN_HEAL_FILE /* the file given to standin_heal_file exists at connect */
} standin_heal;

typedef struct standin_counts {
    int connects, soft_resets, hard_resets, ussd;
    int sent, received, deleted, cleared;
} standin_counts;

#define STANDIN_UNITS 2

/* Forgets everything: empty, working modems with ready SIMs; unit 0 chosen. */
void standin_reset(void);
/* The unit the other standin_* functions act on from now (0 or 1). */
void standin_unit(int unit);
void standin_mode_set(standin_mode m, standin_heal heal);
void standin_heal_file(const char *path);
standin_mode standin_mode_get(void);
/* An incoming SMS (one part, GSM-7 or UCS-2 as needed). */
void standin_incoming(const char *number, const char *text);
/* The i-th SMS sent (0-based): number, text, message reference. 0 if none. */
int standin_sent(int i, char *number, size_t ncap, char *text, size_t tcap, int *ref);
/* Queues a status report for the sent message with reference `ref`:
 * delivered 1, failed 0, still trying -1. */
void standin_report(int ref, int delivered);
/* "ready", "pin", "puk": the SIM's state; used/size: the SMS memory. */
void standin_sim(const char *state, int used, int size);
/* The network's answer to the next USSD code ("" = none comes). */
void standin_ussd_answer(const char *text);
/* The USSD code the gateway last dialed on the current unit ("": none). */
const char *standin_ussd_code(void);
/* Sends to this number come back as incoming SMS (the modem's own
 * number, for the canary). "" = none. */
void standin_own_number(const char *number);
standin_counts standin_counts_get(void);

#endif
