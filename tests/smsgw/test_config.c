/*
 * test_config.c — smsgw.ini: defaults, every key, file:line errors, the
 * shipped default config, keyword matching; the gateway is a client of the
 * server only: [server] url, token_file and [paths] store are required and
 * the old shared-database setting is refused with a clear message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "dialog.h"
#include "smsgw_testutil.h"

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
}

static void test_good(void **state)
{
    (void)state;
    tu_env t;
    tu_env_init(&t);
    char p[400];
    snprintf(p, sizeof p, "%s/smsgw.ini", t.dir);
    write_file(p, "[modem]\nmodel =\nconnection = at\ndevice = /dev/ttyUSB0\npoll_interval = 5\n"
                  "[server]\nurl = https://trygg.example.se\ntoken_file = /k/token\n"
                  "[paths]\nstore = /var/lib/trygg-smsgw/smsgw.db\npseudonym_key = /k/p\n"
                  "number_key = /k/n\nquarantine = /q\n"
                  "[dialog]\nmultipart_timeout = 120 ; comment\n");
    smsgw_cfg c;
    smsgw_cfg_defaults(&c);
    trygg_cfg_error errs[8];
    trygg_cfg_errors e = {.errs = errs, .max = 8};
    assert_int_equal(smsgw_cfg_load(p, &c, &e), TRYGG_OK);
    assert_string_equal(c.connection, "at");
    assert_string_equal(c.model, "");
    assert_string_equal(c.device, "/dev/ttyUSB0");
    assert_string_equal(c.server_url, "https://trygg.example.se");
    assert_string_equal(c.store, "/var/lib/trygg-smsgw/smsgw.db");
    assert_int_equal(c.poll_interval, 5);
    assert_int_equal(c.multipart_timeout, 120);
    assert_string_equal(c.dlg.police_phone, "114 14"); /* built in until the server's */
    tu_env_free(&t);
}

static void test_errors(void **state)
{
    (void)state;
    tu_env t;
    tu_env_init(&t);
    char p[400];
    snprintf(p, sizeof p, "%s/bad.ini", t.dir);
    write_file(p, "[modem]\ndevice = /x\npoll_interval = zero\n[paths]\ndatabse = typo\n"
                  "[nosuch]\n[paths]\ndatabase = /var/lib/trygg/trygg.db\n"
                  "[dialog]\nthread_days = 7\nring_window = 30\nalias_prefix = T-\n"
                  "[limits]\nreplies_per_day = 20\n");
    smsgw_cfg c;
    smsgw_cfg_defaults(&c);
    trygg_cfg_error errs[16];
    trygg_cfg_errors e = {.errs = errs, .max = 16};
    assert_int_equal(smsgw_cfg_load(p, &c, &e), TRYGG_ERR_CONFIG);
    int saw3 = 0, saw5 = 0, saw6 = 0, saw_req = 0, saw_db = 0, saw_tok = 0, saw_store = 0,
        saw_moved = 0;
    for (int i = 0; i < e.n; i++) {
        saw3 |= errs[i].line == 3 && strstr(errs[i].msg, "poll_interval") != NULL;
        saw5 |= errs[i].line == 5 && strstr(errs[i].msg, "databse") != NULL;
        saw6 |= errs[i].line == 6 && strstr(errs[i].msg, "nosuch") != NULL;
        saw_req |= strstr(errs[i].msg, "[server] url is required") != NULL;
        /* The old mode is gone: the setting says where to go instead. */
        saw_db |= errs[i].line == 8 && strstr(errs[i].msg, "database is gone") != NULL &&
                  strstr(errs[i].msg, "[server] url") != NULL;
        saw_tok |= strstr(errs[i].msg, "token_file is required") != NULL;
        saw_store |= strstr(errs[i].msg, "[paths] store is required") != NULL;
        /* The server's dialog settings moved to server.ini's [sms]. */
        saw_moved += errs[i].line >= 10 && errs[i].line <= 14 &&
                     strstr(errs[i].msg, "server.ini [sms]") != NULL;
    }
    for (int i = 0; i < e.n; i++)
        printf("%d: %s\n", errs[i].line, errs[i].msg);
    assert_true(saw3 && saw5 && saw6 && saw_req && saw_db && saw_tok && saw_store);
    assert_int_equal(saw_moved, 4);
    assert_int_equal(smsgw_cfg_load("/nonexistent/smsgw.ini", &c, &e), TRYGG_ERR_IO);
    tu_env_free(&t);
}

/* The reply settings are the server's (the gateway fetches them,
 * smsgw/settings.h): setting them here is refused, saying where they went. */
static void test_settings_moved(void **state)
{
    (void)state;
    tu_env t;
    tu_env_init(&t);
    char p[400];
    snprintf(p, sizeof p, "%s/moved.ini", t.dir);
    write_file(p, "[modem]\ndevice = /x\n[server]\nurl = http://127.0.0.1:1\ntoken_file = /t\n"
                  "[paths]\nstore = /s\npseudonym_key = /p\nnumber_key = /n\nquarantine = /q\n"
                  "[dialog]\ndefault_lang = en\n[limits]\nreplies_per_hour = 3\n"
                  "[keywords]\nstop = sluta, stopp\n[links]\npolice_phone = 114 14\n");
    smsgw_cfg c;
    smsgw_cfg_defaults(&c);
    trygg_cfg_error errs[16];
    trygg_cfg_errors e = {.errs = errs, .max = 16};
    assert_int_equal(smsgw_cfg_load(p, &c, &e), TRYGG_ERR_CONFIG);
    int moved = 0;
    for (int i = 0; i < e.n; i++)
        moved += strstr(errs[i].msg, "has moved: the gateway takes it from the server") != NULL &&
                 strstr(errs[i].msg, "server.ini [sms]") != NULL;
    assert_int_equal(e.n, 4);
    assert_int_equal(moved, 4);
    tu_env_free(&t);
}

/* [watchdog] and [sim] (docs/smsgw.md "A modem that heals itself"): every
 * key read, and the checks -n reports. */
static void test_watchdog_sim(void **state)
{
    (void)state;
    tu_env t;
    tu_env_init(&t);
    char p[400];
    snprintf(p, sizeof p, "%s/wd.ini", t.dir);
    static const char base[] = "[modem]\ndevice = /x\n[server]\nurl = http://127.0.0.1:1\n"
                               "token_file = /t\n[paths]\nstore = /s\npseudonym_key = /p\n"
                               "number_key = /n\nquarantine = /q\n";
    char ini[2000];
    snprintf(ini, sizeof ini,
             "%s[modem]\ndelivery_reports = no\n[watchdog]\nquiet_after = 900\nstep_wait = 60\n"
             "send_failures = 4\ncanary_number = +46700009999\ncanary_timeout = 120\n"
             "command = /usr/local/sbin/usb-power-cycle 1-1\ncommand_timeout = 30\n"
             "[sim]\ncheck_interval = 600\nmemory_clear_percent = 80\nbalance_ussd = *111#\n"
             "balance_interval = 3600\nbalance_low = 50\n",
             base);
    write_file(p, ini);
    smsgw_cfg c;
    smsgw_cfg_defaults(&c);
    assert_int_equal(c.delivery_reports, 1);
    assert_int_equal(c.wd_quiet_after, 1800);
    trygg_cfg_error errs[16];
    trygg_cfg_errors e = {.errs = errs, .max = 16};
    assert_int_equal(smsgw_cfg_load(p, &c, &e), TRYGG_OK);
    assert_int_equal(c.delivery_reports, 0);
    assert_int_equal(c.wd_quiet_after, 900);
    assert_int_equal(c.wd_step_wait, 60);
    assert_int_equal(c.wd_send_failures, 4);
    assert_string_equal(c.wd_canary_number, "+46700009999");
    assert_int_equal(c.wd_canary_timeout, 120);
    assert_string_equal(c.wd_command, "/usr/local/sbin/usb-power-cycle 1-1");
    assert_int_equal(c.wd_command_timeout, 30);
    assert_int_equal(c.sim_check_interval, 600);
    assert_int_equal(c.sim_clear_percent, 80);
    assert_string_equal(c.balance_ussd, "*111#");
    assert_int_equal(c.balance_interval, 3600);
    assert_int_equal(c.balance_low, 50);
    /* Wrong values: each one named. */
    snprintf(ini, sizeof ini,
             "%s[watchdog]\nquiet_after = 100\ncanary_number = ring me\ncanary_timeout = 200\n"
             "[sim]\nbalance_ussd = saldo\nmemory_clear_percent = 0\n",
             base);
    write_file(p, ini);
    smsgw_cfg_defaults(&c);
    e.n = 0;
    assert_int_equal(smsgw_cfg_load(p, &c, &e), TRYGG_ERR_CONFIG);
    int canary = 0, ussd = 0, pct = 0, timeout = 0;
    for (int i = 0; i < e.n; i++) {
        canary |= strstr(errs[i].msg, "canary_number must be a phone number") != NULL;
        ussd |= strstr(errs[i].msg, "balance_ussd must be a USSD code") != NULL;
        pct |= strstr(errs[i].msg, "memory_clear_percent") != NULL;
        timeout |= strstr(errs[i].msg, "canary_timeout must be shorter") != NULL;
    }
    assert_true(canary && ussd && pct);
    assert_false(timeout); /* the number was wrong: no canary */
    snprintf(ini, sizeof ini,
             "%s[watchdog]\nquiet_after = 100\ncanary_number = +46700009999\n"
             "canary_timeout = 200\n[sim]\nbalance_low = 20\n",
             base);
    write_file(p, ini);
    smsgw_cfg_defaults(&c);
    e.n = 0;
    assert_int_equal(smsgw_cfg_load(p, &c, &e), TRYGG_ERR_CONFIG);
    int low = 0;
    timeout = 0;
    for (int i = 0; i < e.n; i++) {
        timeout |= strstr(errs[i].msg, "canary_timeout must be shorter") != NULL;
        low |= strstr(errs[i].msg, "balance_low needs balance_ussd") != NULL;
    }
    assert_true(timeout && low);
    tu_env_free(&t);
}

/* [modem2]: an optional second modem with the keys of [modem] (and its own
 * canary number and command), checked like the first; without it nothing
 * changes. */
static void test_modem2(void **state)
{
    (void)state;
    tu_env t;
    tu_env_init(&t);
    char p[400];
    snprintf(p, sizeof p, "%s/m2.ini", t.dir);
    static const char base[] = "[modem]\ndevice = /dev/ttyUSB0\nmodel =\nconnection = at\n"
                               "[server]\nurl = http://127.0.0.1:1\n"
                               "token_file = /t\n[paths]\nstore = /s\npseudonym_key = /p\n"
                               "number_key = /n\nquarantine = /q\n";
    char ini[2000];
    write_file(p, base);
    smsgw_cfg c;
    smsgw_cfg_defaults(&c);
    trygg_cfg_error errs[16];
    trygg_cfg_errors e = {.errs = errs, .max = 16};
    assert_int_equal(smsgw_cfg_load(p, &c, &e), TRYGG_OK);
    assert_int_equal(c.modem2, 0);
    snprintf(ini, sizeof ini,
             "%s[modem2]\nmodel =\nconnection = at115200\ndevice = /dev/ttyUSB1\n"
             "send_timeout = 30\ndelivery_reports = no\ncanary_number = +46700008888\n"
             "command = /usr/local/sbin/usb-power-cycle 1-2\nbalance_ussd = *120#\n"
             "balance_low = 20\n",
             base);
    write_file(p, ini);
    smsgw_cfg_defaults(&c);
    assert_int_equal(c.m2_balance_low, -1); /* [sim]'s unless set */
    e.n = 0;
    assert_int_equal(smsgw_cfg_load(p, &c, &e), TRYGG_OK);
    assert_string_equal(c.m2_balance_ussd, "*120#");
    assert_int_equal(c.m2_balance_low, 20);
    assert_int_equal(c.modem2, 1);
    assert_string_equal(c.m2_model, "");
    assert_string_equal(c.m2_connection, "at115200");
    assert_string_equal(c.m2_device, "/dev/ttyUSB1");
    assert_int_equal(c.m2_send_timeout, 30);
    assert_int_equal(c.m2_delivery_reports, 0);
    assert_int_equal(c.delivery_reports, 1);
    assert_string_equal(c.m2_canary_number, "+46700008888");
    assert_string_equal(c.m2_command, "/usr/local/sbin/usb-power-cycle 1-2");
    /* Checked like [modem]: each problem named. */
    snprintf(ini, sizeof ini,
             "%s[modem2]\nconnection = at\ncanary_number = ring me\npoll_interval = 5\n"
             "speed = 9600\nbalance_ussd = saldo\n",
             base);
    write_file(p, ini);
    smsgw_cfg_defaults(&c);
    e.n = 0;
    assert_int_equal(smsgw_cfg_load(p, &c, &e), TRYGG_ERR_CONFIG);
    int dev = 0, dummy = 0, canary = 0, poll = 0, unknown = 0, ussd = 0;
    for (int i = 0; i < e.n; i++) {
        dev |= strstr(errs[i].msg, "[modem2] device is required") != NULL;
        dummy |= strstr(errs[i].msg, "[modem2] model = dummy needs connection = none") != NULL;
        canary |= strstr(errs[i].msg, "[modem2] canary_number must be a phone number") != NULL;
        poll |= strstr(errs[i].msg, "[modem2] poll_interval: one loop") != NULL;
        unknown |= strstr(errs[i].msg, "unknown key 'speed' in [modem2]") != NULL;
        ussd |= strstr(errs[i].msg, "[modem2] balance_ussd must be a USSD code") != NULL;
    }
    assert_true(dev && dummy && canary && poll && unknown && ussd);
    snprintf(ini, sizeof ini, "%s[modem2]\nmodel =\nconnection = at\ndevice = /dev/ttyUSB0\n",
             base);
    write_file(p, ini);
    smsgw_cfg_defaults(&c);
    e.n = 0;
    assert_int_equal(smsgw_cfg_load(p, &c, &e), TRYGG_ERR_CONFIG);
    assert_non_null(strstr(errs[0].msg, "one modem cannot be two"));
    tu_env_free(&t);
}

static void test_shipped_default(void **state)
{
    (void)state;
    /* assets/config/smsgw.ini with its placeholders filled like ./trygg does. */
    tu_env t;
    tu_env_init(&t);
    char cmd[1200], p[400];
    snprintf(p, sizeof p, "%s/smsgw.ini", t.dir);
    snprintf(cmd, sizeof cmd, "sed 's|@DATA@|%s|g; s|@PORT@|8080|g' '%s/config/smsgw.ini' > '%s'",
             t.dir, TRYGG_ASSET_DIR_SOURCE, p);
    assert_int_equal(system(cmd), 0);
    smsgw_cfg c;
    smsgw_cfg_defaults(&c);
    trygg_cfg_error errs[8];
    trygg_cfg_errors e = {.errs = errs, .max = 8};
    trygg_err err = smsgw_cfg_load(p, &c, &e);
    for (int i = 0; i < e.n; i++)
        printf("%s:%d: %s\n", errs[i].file, errs[i].line, errs[i].msg);
    assert_int_equal(err, TRYGG_OK);
    assert_string_equal(c.model, "dummy");
    assert_non_null(strstr(c.device, t.dir));
    assert_string_equal(c.server_url, "http://127.0.0.1:8080");
    assert_non_null(strstr(c.store, t.dir));
    tu_env_free(&t);
}

static void test_keywords(void **state)
{
    (void)state;
    smsgw_cfg c;
    smsgw_cfg_defaults(&c);
    const char *rest;
    assert_int_equal(sms_keyword(&c.dlg, "stopp", NULL), SMS_KW_STOP);
    assert_int_equal(sms_keyword(&c.dlg, " Stop! ", NULL), SMS_KW_STOP);
    assert_int_equal(sms_keyword(&c.dlg, "Stop the fights at the square", NULL), -1);
    assert_int_equal(sms_keyword(&c.dlg, "hjälp", NULL), SMS_KW_HELP);
    assert_int_equal(sms_keyword(&c.dlg, "HJÄLP", NULL), SMS_KW_HELP);
    assert_int_equal(sms_keyword(&c.dlg, "Help", NULL), SMS_KW_HELP);
    assert_int_equal(sms_keyword(&c.dlg, "fel: trasig lampa i parken", &rest), SMS_KW_FAULT);
    assert_string_equal(rest, "trasig lampa i parken");
    assert_int_equal(sms_keyword(&c.dlg, "NYTT Bråk vid torget", &rest), SMS_KW_NEW);
    assert_string_equal(rest, "Bråk vid torget");
    assert_int_equal(sms_keyword(&c.dlg, "ring", NULL), SMS_KW_RING);
    assert_int_equal(sms_keyword(&c.dlg, "Felix bor här", NULL), -1);
    assert_int_equal(sms_keyword(&c.dlg, "", NULL), -1);
    char up[32];
    sms_upper("åäö éü xyz", up, sizeof up);
    assert_string_equal(up, "ÅÄÖ ÉÜ XYZ");
    /* Every script with case, not only Latin-1 (trygg/utf8.h). */
    sms_upper("ÿ łódź στοπ", up, sizeof up);
    assert_string_equal(up, "Ÿ ŁÓDŹ ΣΤΟΠ");
    sms_upper("stopp tack", up, 6); /* cut to fit */
    assert_string_equal(up, "STOPP");
    sms_upper("åå", up, 4); /* never half a character */
    assert_string_equal(up, "Å");
    sms_upper("fel\xFF ok", up, sizeof up); /* invalid UTF-8: ASCII letters only */
    assert_string_equal(up, "FEL\xFF OK");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),         cmocka_unit_test(test_errors),
        cmocka_unit_test(test_watchdog_sim), cmocka_unit_test(test_shipped_default),
        cmocka_unit_test(test_keywords),     cmocka_unit_test(test_settings_moved),
        cmocka_unit_test(test_modem2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
