/*
 * ucs2.c — UTF-8 <-> UTF-16 (through trygg/utf8.h) and GSM-7 part counting
 * without the C locale.
 */
#include "trygg/ucs2.h"

#include <string.h>

#include "trygg/utf8.h"

trygg_err ucs2_from_utf8(const char *s, uint16_t *out, size_t cap, size_t *n)
{
    *n = 0;
    size_t k = 0;
    trygg_err e = trygg_utf8_to_utf16(s, strlen(s), out, cap, &k);
    if (e == TRYGG_OK)
        *n = k;
    return e;
}

trygg_err ucs2_to_utf8(const uint16_t *u, size_t n, char *out, size_t cap, size_t *len)
{
    size_t k = 0;
    if (cap == 0)
        return TRYGG_ERR_TOOBIG;
    for (size_t i = 0; i < n && u[i] != 0;) {
        uint32_t cp;
        i += trygg_utf16_next(u + i, n - i, &cp); /* a lone surrogate is U+FFFD */
        char b[4];
        size_t bl = trygg_utf8_put(b, cp);
        if (k + bl + 1 > cap) {
            out[0] = '\0';
            return TRYGG_ERR_TOOBIG;
        }
        memcpy(out + k, b, bl);
        k += bl;
    }
    out[k] = '\0';
    if (len)
        *len = k;
    return TRYGG_OK;
}

void ucs2_to_be(const uint16_t *u, size_t n, unsigned char *be)
{
    for (size_t i = 0; i < n; i++) {
        be[2 * i] = (unsigned char)(u[i] >> 8);
        be[2 * i + 1] = (unsigned char)(u[i] & 0xFF);
    }
}

void ucs2_from_be(const unsigned char *be, size_t n, uint16_t *u)
{
    for (size_t i = 0; i < n; i++)
        u[i] = (uint16_t)((be[2 * i] << 8) | be[2 * i + 1]);
}

/* The GSM 03.38 default alphabet (basic table) as Unicode, in table order. */
static const uint16_t gsm7_basic[128] = {
    0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, 0x000A, 0x00D8,
    0x00F8, 0x000D, 0x00C5, 0x00E5, 0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,
    0x03A3, 0x0398, 0x039E, 0xFFFF, 0x00C6, 0x00E6, 0x00DF, 0x00C9, 0x0020, 0x0021, 0x0022, 0x0023,
    0x00A4, 0x0025, 0x0026, 0x0027, 0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
    0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, 0x0038, 0x0039, 0x003A, 0x003B,
    0x003C, 0x003D, 0x003E, 0x003F, 0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
    0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F, 0x0050, 0x0051, 0x0052, 0x0053,
    0x0054, 0x0055, 0x0056, 0x0057, 0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
    0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, 0x0068, 0x0069, 0x006A, 0x006B,
    0x006C, 0x006D, 0x006E, 0x006F, 0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
    0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};

/* The extension table (sent as ESC + code). */
static const uint16_t gsm7_ext[] = {0x000C, 0x005E, 0x007B, 0x007D, 0x005C,
                                    0x005B, 0x007E, 0x005D, 0x007C, 0x20AC};

/* Septets for one code unit: 1, 2 (extension) or 0 if not encodable. */
static int gsm7_cost(uint16_t c)
{
    /* Letters, digits and the space are all in the basic table (most of
     * any text: the search below was most of a reply's encoding). */
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ')
        return 1;
    for (size_t i = 0; i < 128; i++)
        if (gsm7_basic[i] == c)
            return 1;
    for (size_t i = 0; i < sizeof gsm7_ext / sizeof gsm7_ext[0]; i++)
        if (gsm7_ext[i] == c)
            return 2;
    return 0;
}

int ucs2_gsm7_septets(const uint16_t *u, size_t n)
{
    int total = 0;
    for (size_t i = 0; i < n; i++) {
        int c = gsm7_cost(u[i]);
        if (c == 0)
            return -1;
        total += c;
    }
    return total;
}

int ucs2_sms_parts(const char *s, enum ucs2_coding *coding)
{
    return ucs2_sms_count(s, coding, NULL);
}

int ucs2_sms_count(const char *s, enum ucs2_coding *coding, int *units)
{
    enum { MAXU = 255 * 70 };
    static _Thread_local uint16_t u[MAXU];
    size_t n;
    if (units)
        *units = 0;
    if (ucs2_from_utf8(s, u, MAXU, &n) != TRYGG_OK)
        return -1;
    if (n == 0) {
        if (coding)
            *coding = UCS2_CODING_GSM7;
        return 0;
    }
    int septets = ucs2_gsm7_septets(u, n);
    int parts = 0;
    if (units)
        *units = septets >= 0 ? septets : (int)n;
    if (septets >= 0) {
        if (coding)
            *coding = UCS2_CODING_GSM7;
        if (septets <= 160)
            return 1;
        /* Greedy 153-septet parts; an escape pair never straddles two. */
        int used = 0;
        parts = 1;
        for (size_t i = 0; i < n; i++) {
            int c = gsm7_cost(u[i]);
            if (used + c > 153) {
                parts++;
                used = 0;
            }
            used += c;
        }
    } else {
        if (coding)
            *coding = UCS2_CODING_UCS2;
        if (n <= 70)
            return 1;
        size_t used = 0;
        parts = 1;
        for (size_t i = 0; i < n; i++) {
            size_t c = (u[i] >= 0xD800 && u[i] <= 0xDBFF && i + 1 < n) ? 2 : 1;
            if (used + c > 67) {
                parts++;
                used = 0;
            }
            used += c;
            i += c - 1;
        }
    }
    return parts > 255 ? -1 : parts;
}
