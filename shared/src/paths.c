/*
 * paths.c — locating the asset directory and joining paths.
 *
 * The asset directory is chosen once, on first use: $TRYGG_ASSETS, else the
 * source tree's assets/ (TRYGG_ASSET_DIR_SOURCE, a compile definition) if it
 * exists, else the installed directory (TRYGG_ASSET_DIR_INSTALLED).
 */
#include "trygg/copy.h"
#include "trygg/paths.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef TRYGG_ASSET_DIR_INSTALLED
#define TRYGG_ASSET_DIR_INSTALLED "/usr/share/trygg"
#endif

static char asset_dir[4096];
static pthread_once_t asset_once = PTHREAD_ONCE_INIT;

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void choose_asset_dir(void)
{
    const char *env = getenv("TRYGG_ASSETS");
    const char *dir = TRYGG_ASSET_DIR_INSTALLED;
    if (env != NULL && env[0] != '\0' && TRYGG_COPY(asset_dir, env))
        return;
#ifdef TRYGG_ASSET_DIR_SOURCE
    if (is_dir(TRYGG_ASSET_DIR_SOURCE))
        dir = TRYGG_ASSET_DIR_SOURCE;
#endif
    if (!TRYGG_COPY(asset_dir, dir))
        asset_dir[0] = '\0'; /* an install path that does not fit: no assets */
    (void)is_dir;
}

const char *trygg_asset_dir(void)
{
    pthread_once(&asset_once, choose_asset_dir);
    return asset_dir;
}

trygg_err trygg_path_join(char *out, size_t cap, const char *dir, const char *name)
{
    if (out == NULL || cap == 0 || dir == NULL || name == NULL)
        return TRYGG_ERR_INVALID;
    size_t dl = strlen(dir);
    const char *sep = (dl > 0 && dir[dl - 1] == '/') ? "" : "/";
    if (name[0] == '/')
        name++;
    int n = snprintf(out, cap, "%s%s%s", dir, sep, name);
    if (n < 0)
        return TRYGG_ERR_INVALID;
    if ((size_t)n >= cap) {
        out[0] = '\0';
        return TRYGG_ERR_TOOBIG;
    }
    return TRYGG_OK;
}

trygg_err trygg_asset_path(const char *rel, char *out, size_t cap)
{
    return trygg_path_join(out, cap, trygg_asset_dir(), rel);
}
