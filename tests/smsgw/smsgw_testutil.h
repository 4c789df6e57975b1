/*
 * smsgw_testutil.h — helpers for the gateway tests: temp directories, keys,
 * a config pointing into them, and fake-sms (the real tool) to put messages
 * on the dummy phone.
 */
#ifndef SMSGW_TESTUTIL_H
#define SMSGW_TESTUTIL_H

#include "config.h"

typedef struct tu_env {
    char dir[256];   /* mkdtemp root */
    char modem[300]; /* dummy phone directory */
    smsgw_cfg cfg;
} tu_env;

/* Creates a temp dir with keys and a config using the dummy phone. */
void tu_env_init(tu_env *t);
/* Removes the temp dir. */
void tu_env_free(tu_env *t);
/* Runs tools/fake-sms with extra options ("" for none); returns its exit code. */
int tu_fake_sms(const tu_env *t, const char *opts, const char *number, const char *text);
/* Writes raw bytes into the inbox as file number n. */
/* Rings the dummy phone from `number` (tools/fake-sms --call). */
int tu_fake_call(const tu_env *t, const char *number);
void tu_write_raw(const tu_env *t, int n, const void *data, size_t len);
/* Number of regular files in dir/sub. */
int tu_count_files(const char *dir, const char *sub);

#endif
