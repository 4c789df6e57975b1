/*
 * settings.c — the gateway's copy of the server's reply settings (settings.h).
 */
#include "trygg/copy.h"
#include "settings.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sms_settings.h"
#include "trygg/log.h"
#include "trygg/time.h"

#define SETTINGS_MAX 4096 /* bytes of the kept document */

static const char builtin[] = "built-in defaults (no copy from the server yet)";

static void describe_copy(const char *at, char *from, size_t cap)
{
    char when[40] = "";
    trygg_time_format_utc(strtoll(at, NULL, 10), "%Y-%m-%d %H:%M UTC", when, sizeof when);
    snprintf(from, cap, "the server's copy of %s", when);
}

int settings_load(lstore *ls, sms_dialog_cfg *dlg, char *from, size_t cap)
{
    char *text = malloc(SETTINGS_MAX), at[32] = "", err[160] = "";
    trygg_copy_trunc(from, cap, builtin);
    int ok = 0;
    if (text && ls_meta_get(ls, "settings", text, SETTINGS_MAX) == TRYGG_OK && text[0] &&
        ls_meta_get(ls, "settings_at", at, sizeof at) == TRYGG_OK) {
        json_error_t je;
        json_t *o = json_loads(text, 0, &je);
        ok = o && sms_settings_apply(o, dlg, err, sizeof err);
        json_decref(o);
        if (ok)
            describe_copy(at, from, cap);
        else
            TRYGG_WARN("settings: the kept copy is not usable (%s): built-in defaults",
                       err[0] ? err : je.text);
    }
    free(text);
    return ok;
}

trygg_err settings_take(lstore *ls, const json_t *o, int64_t now, sms_dialog_cfg *dlg, char *from,
                        size_t cap, char *err, size_t ecap)
{
    sms_dialog_cfg n = *dlg;
    if (!sms_settings_apply(o, &n, err, ecap))
        return TRYGG_ERR_INVALID;
    char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS), at[32];
    if (!text || strlen(text) >= SETTINGS_MAX) {
        free(text);
        snprintf(err, ecap, "settings: too large");
        return TRYGG_ERR_INVALID;
    }
    snprintf(at, sizeof at, "%lld", (long long)now);
    trygg_err e = ls_begin(ls);
    if (!e)
        e = ls_meta_set(ls, "settings", text);
    if (!e)
        e = ls_meta_set(ls, "settings_at", at);
    if (!e)
        e = ls_commit(ls);
    else
        ls_rollback(ls);
    free(text);
    if (e) {
        snprintf(err, ecap, "settings: not kept: %s", ls_errmsg(ls));
        return e;
    }
    *dlg = n;
    describe_copy(at, from, cap);
    return TRYGG_OK;
}

void settings_describe(const char *path, char *out, size_t cap)
{
    if (access(path, F_OK) != 0) {
        trygg_copy_trunc(out, cap, builtin);
        return;
    }
    lstore *ls = NULL;
    char err[300];
    if (ls_open(path, &ls, err, sizeof err) != TRYGG_OK) {
        snprintf(out, cap, "%s (the store cannot be read: %s)", builtin, err);
        return;
    }
    sms_dialog_cfg dlg;
    sms_dialog_cfg_defaults(&dlg);
    settings_load(ls, &dlg, out, cap);
    ls_close(ls);
}
