/*
 * config.c — smsgw.ini loader on libtrygg's cfg helpers (inih).
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

void smsgw_cfg_defaults(smsgw_cfg *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->model, sizeof c->model, "dummy");
    snprintf(c->connection, sizeof c->connection, "none");
    c->poll_interval = 1;
    c->claim_wait = 25;
    c->send_timeout = 60;
    c->send_slice = 10;
    c->multipart_timeout = 300;
    c->call_debounce = 60;
    c->quarantine_days = 7;
    c->max_attempts = 8;
    c->retry_base = 30;
    c->retry_max = 3600;
    c->delivery_reports = 1;
    snprintf(c->m2_model, sizeof c->m2_model, "dummy");
    snprintf(c->m2_connection, sizeof c->m2_connection, "none");
    c->m2_send_timeout = 60;
    c->m2_delivery_reports = 1;
    c->m2_balance_low = -1;
    c->wd_quiet_after = 1800;
    c->wd_step_wait = 120;
    c->wd_send_failures = 3;
    c->wd_canary_timeout = 300;
    c->wd_command_timeout = 60;
    c->sim_check_interval = 300;
    c->sim_clear_percent = 90;
    c->balance_interval = 86400;
    sms_dialog_cfg_defaults(&c->dlg);
}

#define STR(sec, key, field)                                                                       \
    if (strcmp(section, sec) == 0 && strcmp(name, key) == 0) {                                     \
        if (!trygg_cfg_str(value, c->field, sizeof c->field))                                      \
            return trygg_cfg_fail(e, line, "[%s] %s: too long or not UTF-8", sec, key);            \
        return 1;                                                                                  \
    }
#define INT(sec, key, field, lo, hi)                                                               \
    if (strcmp(section, sec) == 0 && strcmp(name, key) == 0) {                                     \
        long v;                                                                                    \
        if (!trygg_cfg_int(value, lo, hi, &v))                                                     \
            return trygg_cfg_fail(e, line, "[%s] %s: expected a number %ld..%ld", sec, key,        \
                                  (long)(lo), (long)(hi));                                         \
        c->field = (int)v;                                                                         \
        return 1;                                                                                  \
    }

/* [modem2]: the keys of [modem] that belong to one modem, and the
 * watchdog's per-modem ones (its own number for the canary, its own
 * power-cycle command). */
static int modem2_handler(smsgw_cfg *c, trygg_cfg_errors *e, const char *section, const char *name,
                          const char *value, int line)
{
    STR("modem2", "model", m2_model)
    STR("modem2", "connection", m2_connection)
    STR("modem2", "device", m2_device)
    INT("modem2", "send_timeout", m2_send_timeout, 1, 600)
    STR("modem2", "canary_number", m2_canary_number)
    STR("modem2", "command", m2_command)
    STR("modem2", "balance_ussd", m2_balance_ussd)
    INT("modem2", "balance_low", m2_balance_low, 0, 1000000)
    if (strcmp(name, "delivery_reports") == 0) {
        if (!trygg_cfg_bool(value, &c->m2_delivery_reports))
            return trygg_cfg_fail(e, line, "[modem2] delivery_reports: expected yes or no");
        return 1;
    }
    if (strcmp(name, "poll_interval") == 0 || strcmp(name, "send_slice") == 0)
        return trygg_cfg_fail(e, line,
                              "[modem2] %s: one loop reads and sends on both modems: set it "
                              "in [modem]",
                              name);
    return trygg_cfg_fail(e, line, "unknown key '%s' in [modem2]", name);
}

static int handler(void *user, trygg_cfg_errors *e, const char *section, const char *name,
                   const char *value, int line)
{
    smsgw_cfg *c = user;
    if (name == NULL) { /* a section header */
        static const char *const known[] = {"modem",    "paths",    "dialog", "limits",
                                            "outbox",   "keywords", "links",  "server",
                                            "watchdog", "sim",      "modem2"};
        if (strcmp(section, "modem2") == 0)
            c->modem2 = 1;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            if (strcmp(section, known[i]) == 0)
                return 1;
        return trygg_cfg_fail(e, line, "unknown section [%s]", section);
    }
    STR("modem", "model", model)
    STR("modem", "connection", connection)
    STR("modem", "device", device)
    INT("modem", "poll_interval", poll_interval, 1, 3600)
    INT("modem", "send_timeout", send_timeout, 1, 600)
    INT("modem", "send_slice", send_slice, 1, 600)
    if (strcmp(section, "modem") == 0 && strcmp(name, "delivery_reports") == 0) {
        if (!trygg_cfg_bool(value, &c->delivery_reports))
            return trygg_cfg_fail(e, line, "[modem] delivery_reports: expected yes or no");
        return 1;
    }
    if (strcmp(section, "modem2") == 0)
        return modem2_handler(c, e, section, name, value, line);
    INT("watchdog", "quiet_after", wd_quiet_after, 0, 7 * 86400)
    INT("watchdog", "step_wait", wd_step_wait, 1, 86400)
    INT("watchdog", "send_failures", wd_send_failures, 1, 1000)
    STR("watchdog", "canary_number", wd_canary_number)
    INT("watchdog", "canary_timeout", wd_canary_timeout, 10, 86400)
    STR("watchdog", "command", wd_command)
    INT("watchdog", "command_timeout", wd_command_timeout, 1, 3600)
    INT("sim", "check_interval", sim_check_interval, 0, 86400)
    INT("sim", "memory_clear_percent", sim_clear_percent, 1, 100)
    STR("sim", "balance_ussd", balance_ussd)
    INT("sim", "balance_interval", balance_interval, 60, 30 * 86400)
    INT("sim", "balance_low", balance_low, 0, 1000000)
    if (strcmp(section, "paths") == 0 && strcmp(name, "database") == 0)
        return trygg_cfg_fail(e, line,
                              "[paths] database is gone: the gateway never opens the server's "
                              "database; set [server] url, token_file and [paths] store "
                              "(docs/gateway-protocol.md)");
    if (strcmp(section, "paths") == 0 && strcmp(name, "routing") == 0)
        return trygg_cfg_fail(e, line,
                              "[paths] routing is gone: the server routes (its routing.ini)");
    if ((strcmp(section, "dialog") == 0 &&
         (strcmp(name, "thread_days") == 0 || strcmp(name, "ring_window") == 0 ||
          strcmp(name, "alias_prefix") == 0)) ||
        (strcmp(section, "limits") == 0 && strcmp(name, "replies_per_day") == 0))
        return trygg_cfg_fail(e, line,
                              "[%s] %s has moved: the server runs the dialog, set it in "
                              "server.ini [sms] (docs/smsgw.md)",
                              section, name);
    /* The reply settings are the server's; the gateway fetches them
     * (smsgw/settings.h, docs/gateway-protocol.md "Settings"). */
    if (strcmp(section, "keywords") == 0 || strcmp(section, "links") == 0 ||
        (strcmp(section, "dialog") == 0 && strcmp(name, "default_lang") == 0) ||
        (strcmp(section, "limits") == 0 && strcmp(name, "replies_per_hour") == 0))
        return trygg_cfg_fail(e, line,
                              "[%s] %s has moved: the gateway takes it from the server, set it "
                              "in server.ini [sms] or [sms keywords] (docs/gateway-protocol.md)",
                              section, name);
    STR("paths", "store", store)
    STR("server", "url", server_url)
    STR("server", "token_file", token_file)
    INT("server", "wait", claim_wait, 0, 30)
    STR("paths", "pseudonym_key", pseudonym_key)
    STR("paths", "number_key", number_key)
    STR("paths", "quarantine", quarantine)
    STR("paths", "catalogs", catalogs)
    INT("dialog", "multipart_timeout", multipart_timeout, 0, 7 * 86400)
    INT("dialog", "call_debounce", call_debounce, 0, 3600)
    INT("limits", "quarantine_days", quarantine_days, 0, 365)
    INT("outbox", "max_attempts", max_attempts, 1, 100)
    INT("outbox", "retry_base", retry_base, 1, 86400)
    INT("outbox", "retry_max", retry_max, 1, 7 * 86400)
    return trygg_cfg_fail(e, line, "unknown key '%s' in [%s]", name, section);
}

/* 1 when `n` is empty or a phone number (+46701234567). */
static int canary_ok(const char *n)
{
    const char *num = n + (n[0] == '+');
    return !n[0] || (strlen(num) >= 3 && strspn(num, "0123456789") == strlen(num));
}

/* [modem2], checked like [modem]. */
static trygg_err check_modem2(const smsgw_cfg *c, trygg_cfg_errors *e)
{
    trygg_err err = TRYGG_OK;
    if (!c->modem2)
        return err;
    if (!c->m2_device[0]) {
        trygg_cfg_fail(e, 0, "[modem2] device is required (or leave out [modem2])");
        err = TRYGG_ERR_CONFIG;
    } else if (strcmp(c->m2_device, c->device) == 0) {
        trygg_cfg_fail(e, 0, "[modem2] device is the device of [modem]: one modem cannot be two");
        err = TRYGG_ERR_CONFIG;
    }
    if (strcmp(c->m2_model, "dummy") == 0 && strcmp(c->m2_connection, "none") != 0) {
        trygg_cfg_fail(e, 0, "[modem2] model = dummy needs connection = none");
        err = TRYGG_ERR_CONFIG;
    }
    if (!canary_ok(c->m2_canary_number)) {
        trygg_cfg_fail(e, 0, "[modem2] canary_number must be a phone number (+46701234567)");
        err = TRYGG_ERR_CONFIG;
    } else if (c->wd_quiet_after > 0 && c->m2_canary_number[0] &&
               c->wd_canary_timeout >= c->wd_quiet_after) {
        trygg_cfg_fail(e, 0, "[watchdog] canary_timeout must be shorter than quiet_after");
        err = TRYGG_ERR_CONFIG;
    }
    return err;
}

/* [watchdog] and [sim]: what -n reports beyond the ranges. */
static trygg_err check_healing(const smsgw_cfg *c, trygg_cfg_errors *e)
{
    trygg_err err = TRYGG_OK;
    if (!canary_ok(c->wd_canary_number)) {
        trygg_cfg_fail(e, 0, "[watchdog] canary_number must be a phone number (+46701234567)");
        err = TRYGG_ERR_CONFIG;
    } else if (c->wd_quiet_after > 0 && c->wd_canary_number[0] &&
               c->wd_canary_timeout >= c->wd_quiet_after) {
        trygg_cfg_fail(e, 0, "[watchdog] canary_timeout must be shorter than quiet_after");
        err = TRYGG_ERR_CONFIG;
    }
    if (c->balance_ussd[0] && strspn(c->balance_ussd, "0123456789*#") != strlen(c->balance_ussd)) {
        trygg_cfg_fail(e, 0, "[sim] balance_ussd must be a USSD code such as *111#");
        err = TRYGG_ERR_CONFIG;
    }
    if (c->balance_low > 0 && !c->balance_ussd[0]) {
        trygg_cfg_fail(e, 0, "[sim] balance_low needs balance_ussd (the code that asks for it)");
        err = TRYGG_ERR_CONFIG;
    }
    if (c->m2_balance_ussd[0] &&
        strspn(c->m2_balance_ussd, "0123456789*#") != strlen(c->m2_balance_ussd)) {
        trygg_cfg_fail(e, 0, "[modem2] balance_ussd must be a USSD code such as *120#");
        err = TRYGG_ERR_CONFIG;
    }
    if (c->m2_balance_low > 0 && !c->m2_balance_ussd[0] && !c->balance_ussd[0]) {
        trygg_cfg_fail(e, 0, "[modem2] balance_low needs balance_ussd (the code that asks for it)");
        err = TRYGG_ERR_CONFIG;
    }
    return err;
}

trygg_err smsgw_cfg_load(const char *path, smsgw_cfg *c, trygg_cfg_errors *e)
{
    trygg_err err = trygg_cfg_parse_sections(path, handler, c, e);
    if (err == TRYGG_ERR_IO)
        return err;
    static const struct {
        const char *sec, *key;
        size_t off;
    } req[] = {
        {"modem", "device", offsetof(smsgw_cfg, device)},
        {"paths", "pseudonym_key", offsetof(smsgw_cfg, pseudonym_key)},
        {"paths", "number_key", offsetof(smsgw_cfg, number_key)},
        {"paths", "quarantine", offsetof(smsgw_cfg, quarantine)},
    };
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++)
        if (((const char *)c + req[i].off)[0] == '\0') {
            trygg_cfg_fail(e, 0, "[%s] %s is required", req[i].sec, req[i].key);
            err = TRYGG_ERR_CONFIG;
        }
    /* The gateway is a client of the server, only (docs/gateway-protocol.md). */
    if (!c->server_url[0]) {
        trygg_cfg_fail(e, 0,
                       "[server] url is required: the server's base URL, e.g. "
                       "https://trygg.example.se");
        err = TRYGG_ERR_CONFIG;
    } else if (strncmp(c->server_url, "http://", 7) != 0 &&
               strncmp(c->server_url, "https://", 8) != 0) {
        trygg_cfg_fail(e, 0, "[server] url must start with http:// or https://");
        err = TRYGG_ERR_CONFIG;
    }
    if (!c->token_file[0]) {
        trygg_cfg_fail(e, 0,
                       "[server] token_file is required: the file with the gateway's "
                       "token (tryggctl gateway add)");
        err = TRYGG_ERR_CONFIG;
    }
    if (!c->store[0]) {
        trygg_cfg_fail(e, 0, "[paths] store is required: the gateway's own SQLite file");
        err = TRYGG_ERR_CONFIG;
    }
    if (strcmp(c->model, "dummy") == 0 && strcmp(c->connection, "none") != 0) {
        trygg_cfg_fail(e, 0, "[modem] model = dummy needs connection = none");
        err = TRYGG_ERR_CONFIG;
    }
    if (check_healing(c, e) != TRYGG_OK)
        err = TRYGG_ERR_CONFIG;
    if (check_modem2(c, e) != TRYGG_OK)
        err = TRYGG_ERR_CONFIG;
    if (c->retry_max < c->retry_base) {
        trygg_cfg_fail(e, 0, "[outbox] retry_max must be >= retry_base");
        err = TRYGG_ERR_CONFIG;
    }
    return err;
}
