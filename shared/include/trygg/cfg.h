/*
 * cfg.h — helpers shared by every INI config loader (inih underneath).
 *
 * Each part has its own config file (server.ini, smsgw.ini, kiosk.ini) and
 * its own struct; this module gives them one way to parse values and to
 * collect errors as "file:line: message", so `-n` checks look the same
 * everywhere. Unknown keys are errors (typos must not pass silently).
 */
#ifndef TRYGG_CFG_H
#define TRYGG_CFG_H

#include <stddef.h>
#include "err.h"
#include "route.h" /* trygg_cfg_error */

typedef struct trygg_cfg_errors {
    trygg_cfg_error *errs;
    int max, n;
    const char *file;
    int total; /* errors found, including those beyond max (set by trygg_cfg_fail) */
} trygg_cfg_errors;

/* Records an error at line `line`. Always returns 0 (so handlers can
 * `return trygg_cfg_fail(...)` to inih, which then keeps going). */
int trygg_cfg_fail(trygg_cfg_errors *e, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Value parsers: return 1 on success (setting *out), 0 on bad value. */
int trygg_cfg_int(const char *v, long min, long max, long *out);
int trygg_cfg_bool(const char *v, int *out); /* yes/no/true/false/1/0/on/off */
/* Copies v into out[cap]; 0 if too long or not UTF-8. */
int trygg_cfg_str(const char *v, char *out, size_t cap);

/* Parses `path` with inih, calling handler(user, section, name, value, line).
 * The handler returns 1 when the value was accepted and 0 on error (usually
 * `return trygg_cfg_fail(...)`); every error counts, also beyond e->max.
 * Returns TRYGG_OK when no errors were recorded, TRYGG_ERR_IO if unreadable
 * (recorded as file:0), TRYGG_ERR_CONFIG otherwise. Lines over 1000 bytes
 * are errors. */
typedef int (*trygg_cfg_handler)(void *user, trygg_cfg_errors *e, const char *section,
                                 const char *name, const char *value, int line);
TRYGG_MUST_CHECK trygg_err trygg_cfg_parse(const char *path, trygg_cfg_handler h, void *user,
                                           trygg_cfg_errors *e);
/* Like trygg_cfg_parse, but also calls h(user, e, section, NULL, NULL, line)
 * at every section header line, so empty or repeated sections are seen. */
TRYGG_MUST_CHECK trygg_err trygg_cfg_parse_sections(const char *path, trygg_cfg_handler h,
                                                    void *user, trygg_cfg_errors *e);
/* Prints every error as "file:line: message" to stderr. */
void trygg_cfg_print(const trygg_cfg_errors *e);

#endif
