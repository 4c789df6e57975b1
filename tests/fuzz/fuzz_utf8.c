/*
 * fuzz_utf8.c — libFuzzer target: trygg_utf8_valid against an independent
 * reference decoder, the length helpers, and {name} formatting.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/i18n.h"
#include "trygg/text.h"
#include "trygg/utf8.h"

/* Reference: the well-formed byte sequences of Unicode 15, table 3-7,
 * plus the project rule (no NUL, no C0 controls but tab/LF/CR, no DEL). */
static int ref_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        if (b <= 0x7F) {
            if ((b < 0x20 && b != 9 && b != 10 && b != 13) || b == 0x7F)
                return 0;
            i++;
            continue;
        }
        uint8_t lo = 0x80, hi = 0xBF;
        size_t len;
        if (b >= 0xC2 && b <= 0xDF)
            len = 2;
        else if (b == 0xE0)
            len = 3, lo = 0xA0;
        else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF)
            len = 3;
        else if (b == 0xED)
            len = 3, hi = 0x9F;
        else if (b == 0xF0)
            len = 4, lo = 0x90;
        else if (b >= 0xF1 && b <= 0xF3)
            len = 4;
        else if (b == 0xF4)
            len = 4, hi = 0x8F;
        else
            return 0;
        if (i + len > n)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return 0;
        i += len;
    }
    return 1;
}

/* The lenient decoder reads every byte, in pieces of 1..4, and agrees with
 * the strict one wherever that one decodes; upper case of any input is
 * NUL-terminated within its buffer, valid where the input was. */
static void check_lossy_and_upper(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    for (size_t i = 0; i < size;) {
        uint32_t cp, strict;
        size_t n = trygg_utf8_next_lossy(s + i, size - i, &cp);
        if (n < 1 || n > 4 || n > size - i)
            abort();
        size_t m = trygg_utf8_next(s + i, size - i, &strict);
        if (m ? (m != n || strict != cp) : cp != 0xFFFD)
            abort();
        i += n;
    }
    char *z = malloc(size + 1), up[64];
    if (z == NULL)
        return;
    memcpy(z, data, size);
    z[size] = '\0';
    trygg_utf8_upper(z, up, sizeof up);
    if (strlen(up) >= sizeof up)
        abort();
    if (trygg_utf8_valid(z, strlen(z)) && !trygg_utf8_valid(up, strlen(up)))
        abort();
    free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_lossy_and_upper(data, size);
    int v = trygg_utf8_valid((const char *)data, size);
    if (v != ref_valid(data, size))
        abort();
    if (!v)
        return 0;
    char *s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    size_t cps = 0;
    for (size_t i = 0; i < size; i++)
        if ((data[i] & 0xC0) != 0x80)
            cps++;
    if (trygg_utf8_len(s) != cps)
        abort();
    size_t last = trygg_utf8_last_len(s);
    if (size == 0 ? last != 0 : (last < 1 || last > 4 || last > size))
        abort();
    /* removing the last code point leaves valid UTF-8 (backspace) */
    if (size > 0 && !trygg_utf8_valid(s, size - last))
        abort();

    /* the input as a message template */
    const char *names[] = {"ref", "phone", "name", NULL};
    const char *values[] = {"K7-4QX2", "114 14", "Åsa {ref}", NULL};
    char out[512];
    trygg_err err = trygg_i18n_format(s, names, values, out, sizeof out);
    if (err == TRYGG_OK && !trygg_utf8_valid(out, strlen(out)))
        abort();
    if (err != TRYGG_OK && (err != TRYGG_ERR_TOOBIG || out[0] != '\0'))
        abort();
    free(s);
    return 0;
}
