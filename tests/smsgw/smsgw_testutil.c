/*
 * smsgw_testutil.c — see smsgw_testutil.h.
 */
#include "smsgw_testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The server's config.h by its path: the gateway's is "config.h" here. */
#include "../../server/config.h"
#include "api_gateway.h"
#include "server_fixture.h"
#include "trygg/secret.h"

void tu_env_init(tu_env *t)
{
    memset(t, 0, sizeof *t);
    const char *tmp = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/smsgw-test-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(t->dir))
        abort();
    snprintf(t->modem, sizeof t->modem, "%s/modem", t->dir);
    mkdir(t->modem, 0700);
    char p[512];
    if (trygg_secret_init() != TRYGG_OK)
        abort();
    smsgw_cfg_defaults(&t->cfg);
    snprintf(t->cfg.device, sizeof t->cfg.device, "%s", t->modem);
    snprintf(p, sizeof p, "%s/smsgw.db", t->dir);
    snprintf(t->cfg.store, sizeof t->cfg.store, "%s", p);
    snprintf(t->cfg.server_url, sizeof t->cfg.server_url, "http://127.0.0.1:1");
    snprintf(p, sizeof p, "%s/token", t->dir);
    snprintf(t->cfg.token_file, sizeof t->cfg.token_file, "%s", p);
    snprintf(p, sizeof p, "%s/pseudonym.key", t->dir);
    snprintf(t->cfg.pseudonym_key, sizeof t->cfg.pseudonym_key, "%s", p);
    if (trygg_key_create(p, TRYGG_PSEUDO_KEY_LEN) != TRYGG_OK)
        abort();
    snprintf(p, sizeof p, "%s/number.key", t->dir);
    snprintf(t->cfg.number_key, sizeof t->cfg.number_key, "%s", p);
    if (trygg_numkey_create(p) != TRYGG_OK)
        abort();
    snprintf(p, sizeof p, "%s/quarantine", t->dir);
    snprintf(t->cfg.quarantine, sizeof t->cfg.quarantine, "%s", p);
}

int tu_serve(tu_env *t, const char *routing)
{
    sfx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int bad = sfx_prepare(f, NULL, NULL) != 0;
    if (!bad && routing) {
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/routing.ini", f->dir);
        FILE *o = fopen(p, "w");
        bad = !o || fputs(routing, o) < 0;
        if (o)
            bad |= fclose(o) != 0;
    }
    if (bad || sfx_serve(f, 1) != 0) {
        free(f);
        return -1;
    }
    t->srv = f;
    trygg_store *st = server_store(&f->ctx);
    trygg_kiosk k = {0};
    char token[64];
    snprintf(k.id, sizeof k.id, "gw-test");
    snprintf(k.name, sizeof k.name, "SMS gateway");
    if (trygg_store_kiosk_add(st, &k, token) != TRYGG_OK ||
        trygg_store_client_role_set(st, "gw-test", TRYGG_ROLE_GATEWAY) != TRYGG_OK)
        return -1;
    FILE *tf = fopen(t->cfg.token_file, "w");
    if (!tf)
        return -1;
    fprintf(tf, "%s\n", token);
    fclose(tf);
    snprintf(t->cfg.server_url, sizeof t->cfg.server_url, "%s", f->base);
    return 0;
}

trygg_store *tu_server_store(tu_env *t)
{
    return t->srv ? server_store(&t->srv->ctx) : NULL;
}

const char *tu_server_dir(const tu_env *t)
{
    return t->srv ? t->srv->dir : "";
}

void tu_server_clock(int64_t now)
{
    api_gateway_test_clock(now);
}

void tu_env_free(tu_env *t)
{
    char cmd[400];
    api_gateway_test_clock(0);
    if (t->srv) {
        sfx_stop(t->srv);
        free(t->srv);
        t->srv = NULL;
    }
    if (getenv("SMSGW_TEST_KEEP"))
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", t->dir);
}

int tu_fake_sms(const tu_env *t, const char *opts, const char *number, const char *text)
{
    /* Text goes through a file so quoting never matters. */
    char tf[400], cmd[2048];
    snprintf(tf, sizeof tf, "%s/text.tmp", t->dir);
    FILE *f = fopen(tf, "w");
    if (!f)
        return -1;
    fputs(text, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' '%s' %s '%s' '%s' \"$(cat '%s')\" >/dev/null", PYTHON3,
             FAKE_SMS, opts, t->modem, number, tf);
    return system(cmd);
}

int tu_fake_call(const tu_env *t, const char *number)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' '%s' --call '%s' '%s' >/dev/null", PYTHON3, FAKE_SMS, t->modem,
             number);
    return system(cmd);
}

void tu_write_raw(const tu_env *t, int n, const void *data, size_t len)
{
    char p[512];
    snprintf(p, sizeof p, "%s/sms/1", t->modem);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/sms/1/%d", t->modem, n);
    FILE *f = fopen(p, "wb");
    if (!f)
        abort();
    fwrite(data, 1, len, f);
    fclose(f);
}

int tu_count_files(const char *dir, const char *sub)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, sub);
    DIR *d = opendir(p);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

sms_dialog_cfg *tu_server_sms(tu_env *t)
{
    return &t->srv->ctx.cfg.catalog->sms;
}
