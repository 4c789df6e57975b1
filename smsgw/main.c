/*
 * main.c — trygg-smsgw: arguments, config check, signals, then gw_run.
 *
 *   trygg-smsgw -c FILE       run the gateway
 *   trygg-smsgw -n -c FILE    check the config (file:line errors) and exit
 *
 * Exit codes: 0 ok, 1 config error, 2 usage, 3 start-up failure.
 */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "gateway.h"
#include "settings.h"
#include "trygg/log.h"
#include "trygg/secret.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(void)
{
    fprintf(stderr, "usage: trygg-smsgw [-n] -c smsgw.ini\n"
                    "  -c FILE  configuration file\n"
                    "  -n       check the configuration and exit\n"
                    "  -V       print the version\n");
}

int main(int argc, char **argv)
{
    /* Signals first: a stop during start-up is a clean stop too. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    const char *path = NULL;
    int check = 0, opt;
    while ((opt = getopt(argc, argv, "c:nVh")) != -1) {
        switch (opt) {
        case 'c':
            path = optarg;
            break;
        case 'n':
            check = 1;
            break;
        case 'V':
            printf("trygg-smsgw %s\n", TRYGG_VERSION);
            return 0;
        default:
            usage();
            return 2;
        }
    }
    if (!path || optind != argc) {
        usage();
        return 2;
    }
    trygg_log_init("smsgw");
    static smsgw_cfg cfg;
    smsgw_cfg_defaults(&cfg);
    trygg_cfg_error errs[32];
    trygg_cfg_errors e = {.errs = errs, .max = 32};
    if (smsgw_cfg_load(path, &cfg, &e) != TRYGG_OK) {
        trygg_cfg_print(&e);
        return 1;
    }
    if (check) {
        /* The keys must be there and private (tryggctl init makes them). */
        unsigned char k[TRYGG_NUMKEY_LEN];
        int bad = 0;
        trygg_err ke = trygg_secret_init();
        if (!ke && (ke = trygg_key_read(cfg.pseudonym_key, k, TRYGG_PSEUDO_KEY_LEN)) != TRYGG_OK)
            bad = fprintf(stderr, "%s: %s\n", cfg.pseudonym_key, trygg_strerror(ke)) > 0;
        if (!ke && (ke = trygg_key_read(cfg.number_key, k, TRYGG_NUMKEY_LEN)) != TRYGG_OK)
            bad = fprintf(stderr, "%s: %s\n", cfg.number_key, trygg_strerror(ke)) > 0;
        sodium_memzero(k, sizeof k);
        /* A client of the server: the token must be there. */
        FILE *tf = fopen(cfg.token_file, "r");
        char tok[128] = "";
        if (!tf || !fgets(tok, sizeof tok, tf) || tok[strspn(tok, " \t\r\n")] == '\0')
            bad = fprintf(stderr, "%s: no gateway token (tryggctl gateway add)\n", cfg.token_file) >
                  0;
        if (tf)
            fclose(tf);
        sodium_memzero(tok, sizeof tok);
        if (bad || ke)
            return 1;
        printf("%s: ok (a client of %s)\n", path, cfg.server_url);
        char from[400];
        settings_describe(cfg.store, from, sizeof from);
        printf("reply settings (keywords, links, language, hourly limit): %s\n", from);
        return 0;
    }

    /* Not dumpable: another process of the same user (trygg-server in the
     * shipped units) can then neither ptrace this one nor reach the number
     * key through /proc/<pid>/root or /proc/<pid>/mem. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        TRYGG_WARN("prctl(PR_SET_DUMPABLE): %s", strerror(errno));
    gw *g = NULL;
    char err[512] = "";
    if (gw_open(&cfg, &stop_flag, &g, err, sizeof err) != TRYGG_OK) {
        TRYGG_ERR("cannot start: %s", err);
        return 3;
    }
    TRYGG_INFO("started (modem %s, device %s, poll every %d s)", cfg.model[0] ? cfg.model : "auto",
               cfg.device, cfg.poll_interval);
    if (cfg.modem2)
        TRYGG_INFO("second modem %s, device %s ([modem2])", cfg.m2_model[0] ? cfg.m2_model : "auto",
                   cfg.m2_device);
    gw_run(g);
    const gw_stats *s = gw_get_stats(g);
    TRYGG_INFO("stopping: %lld in, %lld out, %lld calls", (long long)s->messages_in,
               (long long)s->messages_out, (long long)s->calls);
    gw_close(g);
    return 0;
}
