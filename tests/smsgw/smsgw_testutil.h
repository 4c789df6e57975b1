/*
 * smsgw_testutil.h — helpers for the gateway tests: temp directories, keys,
 * a config pointing into them, fake-sms (the real tool) to put messages on
 * the dummy phone, and a real trygg-server in-process
 * (tests/server/server_fixture.h) on its own data directory, which the
 * gateway talks to over loopback HTTP only.
 */
#ifndef SMSGW_TESTUTIL_H
#define SMSGW_TESTUTIL_H

#include "config.h"

#include "trygg/store.h"

struct sfx;

typedef struct tu_env {
    char dir[256];   /* mkdtemp root */
    char modem[300]; /* dummy phone directory */
    smsgw_cfg cfg;
    struct sfx *srv; /* the server (tu_serve), or NULL */
} tu_env;

/* Creates a temp dir with keys and a config using the dummy phone. */
void tu_env_init(tu_env *t);
/* Starts trygg-server in-process on a data directory of its own (its
 * routing.ini is `routing`, or the shipped one when NULL), registers the gateway "gw-test" and
 * points t->cfg at it ([server] url, token_file, [paths] store). 0 on
 * success. */
int tu_serve(tu_env *t, const char *routing);
/* The server's store (its own handle, through store.h). */
trygg_store *tu_server_store(tu_env *t);
/* The server's [sms] and [sms keywords] as it runs (a test may change them). */
sms_dialog_cfg *tu_server_sms(tu_env *t);
/* The server's data directory ("" without tu_serve). */
const char *tu_server_dir(const tu_env *t);
/* The server's gateway API reads its clock as `now` (0: the wall clock). */
void tu_server_clock(int64_t now);
/* Stops the server. Removes the temp dir. */
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
