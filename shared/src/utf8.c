/*
 * utf8.c — UTF-8 on GNU libunistring (see trygg/utf8.h).
 */
#include "trygg/utf8.h"

#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unistr.h>

int trygg_utf8_valid(const char *s, size_t len)
{
    if (s == NULL)
        return 0;
    const uint8_t *u = (const uint8_t *)s;
    if (u8_check(u, len) != NULL)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if ((u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' && u[i] != '\r') || u[i] == 0x7F)
            return 0;
    }
    return 1;
}

size_t trygg_utf8_len(const char *s)
{
    if (s == NULL)
        return 0;
    return u8_mbsnlen((const uint8_t *)s, strlen(s));
}

size_t trygg_utf8_last_len(const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    const uint8_t *start = (const uint8_t *)s, *end = start + strlen(s);
    ucs4_t uc;
    const uint8_t *prev = u8_prev(&uc, end, start);
    return prev ? (size_t)(end - prev) : 1; /* an invalid last byte goes alone */
}

size_t trygg_utf8_prefix(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    /* s[max] is the first byte cut off: while it continues a character, the
     * character it belongs to goes too. */
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80 && max - n < 3)
        n--;
    if (n < max) {
        ucs4_t uc;
        int k = u8_mbtoucr(&uc, (const uint8_t *)s + n, len - n);
        if (k <= 0) /* not a character at all: cut at the byte */
            return max;
    }
    return n;
}

void trygg_utf8_cut(char *s, size_t max)
{
    size_t len = strlen(s);
    s[trygg_utf8_prefix(s, len, max)] = '\0';
}

size_t trygg_utf8_next(const char *s, size_t len, uint32_t *cp)
{
    if (len == 0)
        return 0;
    ucs4_t uc;
    int n = u8_mbtoucr(&uc, (const uint8_t *)s, len);
    if (n <= 0)
        return 0;
    *cp = uc;
    return (size_t)n;
}

size_t trygg_utf8_next_lossy(const char *s, size_t len, uint32_t *cp)
{
    if (len == 0)
        return 0;
    ucs4_t uc;
    int n = u8_mbtouc(&uc, (const uint8_t *)s, len); /* U+FFFD and >= 1 when malformed */
    *cp = uc;
    return (size_t)n;
}

size_t trygg_utf16_next(const uint16_t *u, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    ucs4_t uc;
    int k = u16_mbtouc(&uc, u, n); /* U+FFFD and 1 for a lone surrogate */
    *cp = uc;
    return (size_t)k;
}

size_t trygg_utf8_put(char *out, uint32_t cp)
{
    int n = u8_uctomb((uint8_t *)out, cp, 4);
    return n > 0 ? (size_t)n : 0;
}

trygg_err trygg_utf8_to_utf16(const char *s, size_t len, uint16_t *out, size_t cap, size_t *n)
{
    if (u8_check((const uint8_t *)s, len) != NULL)
        return TRYGG_ERR_INVALID;
    size_t got = cap;
    uint16_t *r = u8_to_u16((const uint8_t *)s, len, out, &got);
    if (r == NULL)
        return TRYGG_ERR_NOMEM;
    if (r != out) { /* libunistring allocated: it did not fit */
        free(r);
        return TRYGG_ERR_TOOBIG;
    }
    *n = got;
    return TRYGG_OK;
}

trygg_err trygg_utf8_fold(const char *s, size_t len, char **out, size_t *outlen)
{
    *out = NULL;
    if (u8_check((const uint8_t *)s, len) != NULL)
        return TRYGG_ERR_INVALID;
    size_t n = 0;
    uint8_t *f = u8_casefold((const uint8_t *)s, len, NULL, NULL, NULL, &n);
    if (f == NULL)
        return TRYGG_ERR_NOMEM;
    char *r = realloc(f, n + 1);
    if (r == NULL) {
        free(f);
        return TRYGG_ERR_NOMEM;
    }
    r[n] = '\0';
    *out = r;
    if (outlen)
        *outlen = n;
    return TRYGG_OK;
}

static void ascii_upper(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; s[n] && n + 1 < cap; n++)
        out[n] = (char)(s[n] >= 'a' && s[n] <= 'z' ? s[n] - 'a' + 'A' : s[n]);
    out[n] = '\0';
}

void trygg_utf8_upper(const char *s, char *out, size_t cap)
{
    if (cap == 0)
        return;
    size_t len = strlen(s), n = cap - 1; /* out's room without the NUL */
    if (u8_check((const uint8_t *)s, len) != NULL) {
        ascii_upper(s, out, cap);
        return;
    }
    uint8_t *u = u8_toupper((const uint8_t *)s, len, NULL, NULL, (uint8_t *)out, &n);
    if (u == NULL) {
        ascii_upper(s, out, cap);
        return;
    }
    if (u != (uint8_t *)out) { /* libunistring allocated: it did not fit */
        n = trygg_utf8_prefix((const char *)u, n, cap - 1);
        memcpy(out, u, n);
        free(u);
    }
    out[n] = '\0';
}

uint32_t trygg_utf8_lower(uint32_t cp)
{
    return uc_tolower(cp);
}
