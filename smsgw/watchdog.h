/*
 * watchdog.h — a modem that heals itself (docs/smsgw.md "A modem that heals
 * itself"): the watchdog notices a modem that answers but no longer
 * receives or sends, and escalates step by step; the SIM checks watch the
 * PIN state, the SMS memory and (optionally) the balance.
 *
 * Suspect: nothing received or sent for [watchdog] quiet_after seconds
 * while the self-test fails (the modem's status and SIM queries, and, with
 * canary_number set, a canary SMS to the modem's own number that must come
 * back within canary_timeout), or send_failures sends in a row failed, or
 * the modem stayed disconnected for step_wait seconds. Then, every
 * step_wait seconds while it stays suspect: reconnect -> soft reset ->
 * hard reset -> [watchdog] command (e.g. a USB power-cycle script) ->
 * alert (the health record's "alert", which the server's /healthz and
 * channels page show). Any traffic or a passed self-test ends it.
 *
 * The gateway owns one watchdog per modem ([modem] and the optional
 * [modem2], each with its own canary number and command); wd_step runs
 * once per gateway step for each.
 * Read first: wd_step.
 */
#ifndef SMSGW_WATCHDOG_H
#define SMSGW_WATCHDOG_H

#include <jansson.h>
#include <stdint.h>

#include "config.h"
#include "modem.h"

enum { WD_OK, WD_RECONNECT, WD_SOFT_RESET, WD_HARD_RESET, WD_COMMAND, WD_ALERT, WD_STEPS };

typedef struct watchdog {
    const smsgw_cfg *cfg;
    int unit;            /* 1 = [modem], 2 = [modem2] (in the log) */
    const char *canary;  /* the modem's own number ("" none) */
    const char *command; /* the power-cycle command ("" none) */
    int step;            /* WD_OK .. WD_ALERT: the last action taken */
    int64_t step_at;     /* when it was taken */
    int64_t last_traffic, disconnected_since, next_test;
    int send_fail_run; /* failed sends in a row */
    int send_suspect;  /* send_failures reached: only a send (or the canary) heals */
    int canary_pending;
    int64_t canary_at;
    char canary_text[48];
    int test_failed;               /* the last self-test failed */
    int64_t actions[WD_STEPS];     /* how often each step was taken */
    int64_t recoveries;            /* suspect -> healthy */
    int64_t canaries, canary_lost; /* canaries sent, and lost */
    /* SIM checks */
    modem_sim sim;
    int64_t next_sim, next_balance, sim_cleared;
    long balance; /* whole currency units; -1 unknown */
    int balance_low;
    const char *ussd; /* this SIM's balance code ("": none) */
    int low_limit;    /* alert below it (0: none) */
} watchdog;

/* For [modem]: [watchdog] canary_number and command. */
void wd_init(watchdog *w, const smsgw_cfg *cfg, int64_t now);
/* Which modem this watchdog watches (2: [modem2]) and that modem's canary
 * number and command (pointers into the configuration). */
void wd_set_modem(watchdog *w, int unit, const char *canary, const char *command);
/* The balance code and alert limit of this modem's SIM (NULL/"" and -1:
 * [sim]'s; the code is a pointer into the configuration). */
void wd_set_balance(watchdog *w, const char *ussd, int low);

/* A message was received. */
void wd_received(watchdog *w, int64_t now);
/* The result of a send from the queue (a send that went through heals). */
void wd_send_result(watchdog *w, int ok, int64_t now);

/* 1 if the part is the watchdog's canary coming back (the caller deletes it
 * from the modem and stores nothing); it counts as traffic. */
int wd_is_canary(watchdog *w, const modem_part *p, int64_t now);

/* Self-test, escalation and the SIM checks when due. */
void wd_step(watchdog *w, modem *m, int64_t now);

/* The watchdog's and the SIM's fields of the health record. */
void wd_health(const watchdog *w, json_t *j);

/* Step names as in the health record: "ok", "reconnect", "soft_reset",
 * "hard_reset", "command", "alert". */
const char *wd_step_name(int step);

/* The first number in a USSD balance answer ("Ditt saldo är 23,50 kr" ->
 * 23), -1 if none. */
long wd_parse_balance(const char *text);

#endif
