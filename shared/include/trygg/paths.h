/*
 * paths.h — where things are: assets and the data directory.
 *
 * Asset dir: $TRYGG_ASSETS if set, else the source tree's assets/ when
 * running from a build tree, else the installed share/trygg.
 */
#ifndef TRYGG_PATHS_H
#define TRYGG_PATHS_H

#include <stddef.h>
#include "err.h"

/* Static string, never NULL. */
const char *trygg_asset_dir(void);
/* Joins asset dir and `rel` into out[cap]; TRYGG_ERR_TOOBIG if it does not fit. */
TRYGG_MUST_CHECK trygg_err trygg_asset_path(const char *rel, char *out, size_t cap);
/* snprintf that reports truncation as TRYGG_ERR_TOOBIG. */
TRYGG_MUST_CHECK trygg_err trygg_path_join(char *out, size_t cap, const char *dir,
                                           const char *name);

#endif
