/*
 * i18n.h — translation catalogs (PO files, read with GNU libgettextpo).
 *
 * Catalogs live in assets/i18n/<domain>/<lang>.po, one domain per surface:
 * "kiosk", "sms", "web", "report". Swedish ("sv") is the source language and
 * the fallback: a msgid is a stable key such as "home.title", and sv.po holds
 * the Swedish text for every key. Lookups in another language fall back to
 * Swedish for missing or fuzzy/empty entries, and finally to the key itself.
 * Independent of the C locale (no setlocale, no .mo files).
 *
 * Placeholders use {name} and are filled by trygg_i18n_format.
 */
#ifndef TRYGG_I18N_H
#define TRYGG_I18N_H

#include <stddef.h>
#include "err.h"

typedef struct trygg_i18n trygg_i18n;

/* Loads every <lang>.po in `dir` (e.g. ".../assets/i18n/kiosk"). sv.po is
 * required. Parse errors give TRYGG_ERR_CONFIG with "file:line: message" in
 * err[errcap] (may be NULL). */
TRYGG_MUST_CHECK trygg_err trygg_i18n_load(const char *dir, trygg_i18n **out, char *err,
                                           size_t errcap);
void trygg_i18n_free(trygg_i18n *t);

/* Translated text for `key` in `lang`; never NULL (fallback: sv, then key).
 * Valid for the lifetime of t. */
const char *trygg_i18n_get(const trygg_i18n *t, const char *lang, const char *key);
/* 1 if `lang` has its own non-empty translation of key. */
int trygg_i18n_has(const trygg_i18n *t, const char *lang, const char *key);
/* Languages loaded (e.g. "sv", "en"); n = count. Pointers valid for t's lifetime. */
int trygg_i18n_langs(const trygg_i18n *t, const char **langs, int max);
/* Keys of the sv catalog, for untranslated-string reports. */
int trygg_i18n_keys(const trygg_i18n *t, const char **keys, int max);

/* Replaces {name} placeholders in `fmt` with values from the NULL-terminated
 * list names[i]/values[i]; unknown placeholders stay as they are. Returns
 * TRYGG_ERR_TOOBIG if out[cap] is too small. */
TRYGG_MUST_CHECK trygg_err trygg_i18n_format(const char *fmt, const char *const *names,
                                             const char *const *values, char *out, size_t cap);

#endif
