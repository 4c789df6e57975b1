/*
 * config.h — smsgw.ini: the gateway's configuration.
 *
 * Sections and keys (defaults in parentheses; see docs/smsgw.md):
 *   [modem]    model (dummy), connection (none), device (required),
 *              poll_interval seconds (1), send_timeout seconds (60),
 *              send_slice seconds (10)
 *   [server]   url (the server's base URL), token_file (the gateway's token,
 *              tryggctl gateway add), both required: the gateway is a client
 *              of the server and never opens its database; wait seconds (25,
 *              0..30): replies are fetched by a thread of their own that waits
 *              on the server this long for one (a long poll, fetch.h); 0: the
 *              gateway's loop claims them every poll_interval as before
 *   [paths]    store (the gateway's own store), pseudonym_key, number_key,
 *              quarantine (all required), catalogs ("" = assets/i18n/sms);
 *              `database` and `routing` are refused with a clear message
 *   [dialog]   multipart_timeout seconds (300), call_debounce seconds (60)
 *   [limits]   quarantine_days (7): quarantined modem files are then deleted
 *   thread_days, ring_window, alias_prefix and replies_per_day are the
 *   server's (server.ini [sms]) and refused here with a message saying so;
 *   so are default_lang, replies_per_hour, [keywords] and [links]: the
 *   gateway's offline replies take them from the server (settings.h).
 *   [outbox]   max_attempts (8), retry_base seconds (30), retry_max seconds (3600)
 *   [modem]    delivery_reports (yes): ask for a status report per SMS part
 *   [modem2]   optional: a second modem (another SIM/operator), read from as
 *              well and sent on when the first fails; model, connection,
 *              device, send_timeout, delivery_reports as in [modem], and its
 *              own canary_number and command for the watchdog, and
 *              balance_ussd / balance_low for its SIM (another operator's
 *              code; default [sim]'s) (docs/smsgw.md "Two modems")
 *   [watchdog] quiet_after seconds (1800, 0 = off), step_wait seconds (120),
 *              send_failures (3), canary_number (""), canary_timeout seconds
 *              (300), command (""), command_timeout seconds (60)
 *   [sim]      check_interval seconds (300), memory_clear_percent (90),
 *              balance_ussd (""), balance_interval seconds (86400),
 *              balance_low (0 = no alert)
 * Unknown sections and keys are errors; errors carry file:line.
 * Read first: smsgw_cfg_load.
 */
#ifndef SMSGW_CONFIG_H
#define SMSGW_CONFIG_H

#include "sms_dialog.h"
#include "trygg/cfg.h"
#include "trygg/item.h"

typedef struct smsgw_cfg {
    char model[50], connection[64], device[512];
    int poll_interval, send_timeout;
    int send_slice; /* seconds of sending before the modem's inbox is read again */
    char pseudonym_key[512], number_key[512], quarantine[512];
    /* The gateway as a client of the server (docs/gateway-protocol.md):
     * [server] url, token_file; [paths] store (its own SQLite file). */
    char server_url[512], token_file[512], store[512];
    int claim_wait; /* [server] wait: the reply fetch's long poll, seconds (0 = none) */
    char catalogs[512];
    int multipart_timeout, call_debounce;
    int quarantine_days; /* quarantined modem files older than this are deleted (0 = at once) */
    int max_attempts, retry_base, retry_max;
    int delivery_reports; /* [modem] delivery_reports */
    /* [modem2]: the second modem, when modem2 is 1 */
    int modem2;
    char m2_model[50], m2_connection[64], m2_device[512];
    int m2_send_timeout, m2_delivery_reports;
    char m2_canary_number[24], m2_command[512];
    char m2_balance_ussd[32]; /* the second SIM's operator's code ("": [sim]'s) */
    int m2_balance_low;       /* -1: [sim]'s */
    /* [watchdog] (docs/smsgw.md "A modem that heals itself") */
    int wd_quiet_after, wd_step_wait, wd_send_failures, wd_canary_timeout, wd_command_timeout;
    char wd_canary_number[24], wd_command[512];
    /* [sim] */
    int sim_check_interval, sim_clear_percent, balance_interval, balance_low;
    char balance_ussd[32];
    /* The built-in defaults (sms_dialog_cfg_defaults) of what the offline
     * replies need, until the server's copy is in (settings.h) */
    sms_dialog_cfg dlg;
} smsgw_cfg;

/* Fills *c with the defaults. */
void smsgw_cfg_defaults(smsgw_cfg *c);

/* Loads `path` over the defaults. On error returns TRYGG_ERR_CONFIG or
 * TRYGG_ERR_IO with every problem in *e (file:line). Also checks that the
 * required keys are set. */
trygg_err smsgw_cfg_load(const char *path, smsgw_cfg *c, trygg_cfg_errors *e);

#endif
