/*
 * copy.c — checked string copies (see trygg/copy.h).
 */
#include "trygg/copy.h"

#include <string.h>

#include "trygg/utf8.h"

bool trygg_copy(char *dst, size_t cap, const char *src)
{
    if (cap == 0)
        return false;
    if (src == NULL)
        src = "";
    size_t len = strnlen(src, cap);
    if (len < cap) {
        memcpy(dst, src, len + 1);
        return true;
    }
    size_t n = trygg_utf8_prefix(src, len, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
    return false;
}

void trygg_copy_trunc(char *dst, size_t cap, const char *src)
{
    if (!trygg_copy(dst, cap, src)) {
        /* cut on purpose: display text */
    }
}
