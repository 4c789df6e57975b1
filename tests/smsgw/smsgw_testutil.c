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
    trygg_secret_init();
    smsgw_cfg_defaults(&t->cfg);
    snprintf(t->cfg.device, sizeof t->cfg.device, "%s", t->modem);
    snprintf(p, sizeof p, "%s/trygg.db", t->dir);
    snprintf(t->cfg.database, sizeof t->cfg.database, "%s", p);
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

void tu_env_free(tu_env *t)
{
    char cmd[400];
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
