/*
 * settings.h — the gateway's copy of the server's reply settings: keywords,
 * links, reply language and the hourly reply bound (server.ini [sms] and
 * [sms keywords], the one source; sms_settings.h is the format). They serve
 * the replies the gateway gives while the server is unreachable.
 *
 * The gateway asks POST /api/v1/gateway/settings at start and every
 * SETTINGS_EVERY seconds while the server answers, and keeps the last good
 * copy in its own store (meta rows "settings" and "settings_at"), so an
 * offline start uses it. Before the first answer the built-in defaults
 * (sms_dialog_cfg_defaults, the same as server.ini's shipped values) serve.
 * Read first: settings_take.
 */
#ifndef SMSGW_SETTINGS_H
#define SMSGW_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "local_store.h"
#include "sms_dialog.h"

struct json_t;

#define SETTINGS_EVERY 300 /* seconds between asks while the server answers */

/* Applies the copy kept in ls onto *dlg; from[cap] says which copy is in
 * use ("the server's copy of <UTC time>" or the built-in defaults). 1 if a
 * kept copy was applied, 0 if none (or a bad one: logged, not used). */
int settings_load(lstore *ls, sms_dialog_cfg *dlg, char *from, size_t cap);

/* Takes the server's answer o: applied onto *dlg and kept in ls (from[cap]
 * updated). TRYGG_ERR_INVALID with err[ecap] when o is not a valid version-1
 * document: the last good copy stays in use. */
trygg_err settings_take(lstore *ls, const struct json_t *o, int64_t now, sms_dialog_cfg *dlg,
                        char *from, size_t cap, char *err, size_t ecap);

/* For trygg-smsgw -n: which settings a gateway with the store at `path`
 * starts with (the file is not created when missing). */
void settings_describe(const char *path, char *out, size_t cap);

#endif
