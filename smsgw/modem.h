/*
 * modem.h — the gateway's view of a GSM modem, free of Gammu types.
 *
 * modem_gammu.c is the only file that includes gammu.h; everything above it
 * sees plain structs. A modem is either a real one (Gammu connection "at",
 * device "/dev/ttyUSB0") or Gammu's dummy phone (model "dummy", device = a
 * directory), which tests and the default setup use.
 *
 * Life cycle: modem_new -> modem_connect -> (modem_poll / modem_delete /
 * modem_send / modem_take_call / modem_status)* -> modem_free. Any call may
 * return TRYGG_ERR_IO when the modem is gone; the caller then calls
 * modem_disconnect and modem_connect again with backoff.
 *
 * Poison entries (unreadable, zero parts, huge, binary) never reach the
 * caller: the modem layer moves them to the quarantine directory (dummy
 * phone) or deletes them after saving what it could read (real modem), logs
 * once and counts them in modem_status.quarantined.
 *
 * Not thread-safe: one thread owns a modem. Read first: modem_poll.
 */
#ifndef SMSGW_MODEM_H
#define SMSGW_MODEM_H

#include <stddef.h>
#include <stdint.h>
#include "trygg/err.h"

#define MODEM_NUMBER_MAX 47  /* sender as given: digits or alphanumeric */
#define MODEM_UNITS_MAX  160 /* code units per part (GSM-7: 160 chars; UCS-2: 70) */

typedef struct modem_cfg {
    char model[50];       /* "dummy", or "" to let Gammu detect (AT modems) */
    char connection[64];  /* "none" for dummy, "at", "at115200", ... */
    char device[512];     /* dummy: directory; real: "/dev/ttyUSB0" */
    char quarantine[512]; /* directory for poison entries (created 0700) */
    int send_timeout;     /* seconds to wait for a send status (real modem) */
    int delivery_reports; /* 1 = ask the network for a status report per part */
} modem_cfg;

/* One SMS part as read from the modem. */
typedef struct modem_part {
    int location; /* opaque: pass back to modem_delete */
    int folder;
    char number[MODEM_NUMBER_MAX + 1]; /* UTF-8 */
    char stamp[16];                    /* SMSC time "YYYYMMDDTHHMMSS" (UTC) or "" */
    int64_t smsc_time;                 /* unix seconds, 0 if unknown */
    int concat_ref;                    /* -1 = not part of a concatenated message */
    int concat_total, concat_seq;      /* 1-based seq of total */
    int ucs2;                          /* 1 = sent in UCS-2, 0 = GSM-7 (or 8-bit text) */
    uint16_t units[MODEM_UNITS_MAX];   /* the text as UTF-16 code units */
    size_t nunits;
} modem_part;

typedef struct modem_status {
    int signal_percent;  /* -1 = unknown */
    int battery_percent; /* -1 = unknown */
    char network[32];    /* "home", "roaming", "searching", "none", "unknown" */
    char network_code[16];
    int quarantined; /* poison entries moved aside since start */
    int errors;      /* Gammu errors since start */
    char last_error[128];
} modem_status;

/* A status report (delivery report) read from the modem: the network's
 * answer about an SMS part sent earlier with delivery_reports on. Matched to
 * the sent message by recipient and message reference (TP-MR, 0..255). */
typedef struct modem_report {
    char number[MODEM_NUMBER_MAX + 1]; /* the recipient of the sent part */
    int ref;                           /* TP-MR of the sent part */
    int delivered;                     /* 1 delivered, 0 failed for good, -1 still trying */
} modem_report;

/* The SIM as the modem sees it. */
typedef struct modem_sim {
    char state[16]; /* "ready", "pin", "puk", "pin2", "puk2", "phone", "unknown" */
    int used, size; /* SMS storage in use / size (SIM and phone together); -1 unknown */
} modem_sim;

typedef struct modem modem;

/* Allocates a modem for *cfg (copied). Does not connect. NULL on no memory. */
modem *modem_new(const modem_cfg *cfg);
void modem_free(modem *m);

/* Connects (dummy: creates the directory layout). TRYGG_ERR_IO on failure with
 * a reason in modem_last_error(). Incoming calls and send status callbacks
 * are enabled after the connection is made. */
trygg_err modem_connect(modem *m);
void modem_disconnect(modem *m);
int modem_connected(const modem *m);
const char *modem_last_error(const modem *m);

/* Reads up to `max` inbox parts into parts[]; *n gets the count. Poison
 * entries are moved aside (see above). TRYGG_ERR_IO if the modem failed. */
trygg_err modem_poll(modem *m, modem_part *parts, int max, int *n);

/* Deletes a part from the modem (after it is committed). */
trygg_err modem_delete(modem *m, const modem_part *p);

/* Moves a part aside like a poison entry (for messages the store rejects
 * for good), so it is never read again. */
trygg_err modem_quarantine(modem *m, const modem_part *p, const char *why);

/* Sends UTF-8 `text` to `number`, split into as many parts as needed
 * (GSM-7 when possible, else UCS-2). *parts gets the number of parts sent,
 * *ref the message reference of the last part (-1 if the modem gave none):
 * its status report decides the message's delivery state.
 * On failure returns TRYGG_ERR_IO with a reason in err[errcap]. */
trygg_err modem_send(modem *m, const char *number, const char *text, int *parts, int *ref,
                     char *err, size_t errcap);

/* 1 and *r filled if modem_poll found a status report since the last call
 * (the poll deletes it from the modem at once: a report is never retried),
 * 0 when none waits. */
int modem_take_report(modem *m, modem_report *r);

/* Resets the modem (soft: the firmware restarts; hard: as if the power went).
 * The connection is closed afterwards; the caller connects again. */
trygg_err modem_reset(modem *m, int hard);

/* SIM state and SMS memory. TRYGG_ERR_IO if the modem failed. */
trygg_err modem_sim_get(modem *m, modem_sim *s);

/* Deletes what fills the modem's SMS memory but is not ours to read: sent
 * copies, drafts and other non-inbox entries. Inbox messages are only ever
 * deleted after their commit (modem_delete). *n gets the count deleted. */
trygg_err modem_clear_memory(modem *m, int *n);

/* Dials the USSD `code` (e.g. "*111#" for the balance) and waits up to
 * `timeout` seconds for the network's answer (UTF-8, into reply[cap]).
 * TRYGG_ERR_NOTFOUND if no answer came, TRYGG_ERR_IO if the modem failed. */
trygg_err modem_ussd(modem *m, const char *code, int timeout, char *reply, size_t cap);

/* 1 if an incoming call was seen since the last call (number copied into
 * number[cap], "" if hidden), 0 otherwise. The Gammu callback only records
 * the call; the hang-up happens here, outside the callback. */
int modem_take_call(modem *m, char *number, size_t cap);

/* Signal, network, battery (queries the modem; also lets the dummy phone
 * notice an incoming call). Fills what is known; TRYGG_ERR_IO if the modem
 * failed. */
trygg_err modem_status_get(modem *m, modem_status *st);
/* The last known status and the current counters, without asking the modem. */
void modem_status_cached(const modem *m, modem_status *st);

#endif
