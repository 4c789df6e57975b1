/*
 * fuzz_cfg.c — libFuzzer target: the routing config parser (route.c on
 * cfg.c on inih). Each input is written to a file in a private temporary
 * directory and loaded; a config that loads is used to route a few items.
 * Checks: no crash or leak; every error has a line inside the file and a
 * message; a loaded config never sends a tip to a company destination.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trygg/route.h"

static char dir[400];
static char path[512];

static void cleanup(void)
{
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : P_tmpdir;
    snprintf(dir, sizeof dir, "%s/trygg-fuzzcfg-XXXXXX", tmp);
    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(path, sizeof path, "%s/routing.ini", dir);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        abort();
    if (size > 0 && fwrite(data, 1, size, f) != size)
        abort();
    if (fclose(f) != 0)
        abort();
    int lines = 1;
    for (size_t i = 0; i < size; i++)
        if (data[i] == '\n')
            lines++;

    trygg_routes *r = NULL;
    trygg_cfg_error errs[16];
    int n = -1;
    trygg_err err = trygg_routes_load(path, &r, errs, 16, &n);
    if (n < 0 || n > 16)
        abort();
    for (int i = 0; i < n; i++)
        if (errs[i].line < 0 || errs[i].line > lines || errs[i].msg[0] == '\0')
            abort();
    if (err != TRYGG_OK) {
        if (r != NULL || n == 0)
            abort();
        return 0;
    }
    static const char *texts[] = {"", "han som bor där langar", "kniv", "lampan är trasig"};
    for (int k = 0; k < TRYGG_KIND_COUNT; k++) {
        for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
            trygg_item it;
            trygg_item_init(&it);
            it.kind = (trygg_kind)k;
            snprintf(it.area, sizeof it.area, "%s", t % 2 ? "centrum" : "x");
            snprintf(it.text, sizeof it.text, "%s", texts[t]);
            trygg_route_result res;
            if (trygg_route_item(r, &it, &res) != TRYGG_OK || res.destination[0] == '\0')
                abort();
            if (res.ntell < 0 || res.ntell > 8)
                abort();
        }
    }
    (void)trygg_routes_link(r, "emergency");
    trygg_routes_free(r);
    return 0;
}
