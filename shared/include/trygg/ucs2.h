/*
 * ucs2.h — locale-independent text conversion for SMS.
 *
 * SMS text travels as GSM-7 septets or as UCS-2/UTF-16BE code units; the
 * rest of Trygg speaks UTF-8. libGammu's own converters go through the C
 * locale (docs/smsgw.md, "libGammu's traps": under LC_ALL=C they drop every non-ASCII
 * character), so the gateway converts with this module only. The staff UI
 * counts a reply's parts with the same code (ucs2_sms_count), so what it
 * shows before sending is what the gateway sends.
 *
 * Code units are host-order uint16_t; ucs2_*_be() pack/unpack the big-endian
 * byte strings Gammu uses. Surrogate pairs (emoji) are handled; a lone
 * surrogate decodes to U+FFFD. Part counting follows 3GPP TS 23.038/23.040:
 * GSM-7 160 septets single / 153 per concatenated part (an escape pair is
 * never split), UCS-2 70 units single / 67 per part (a surrogate pair is
 * never split).
 *
 * Read first: ucs2_from_utf8, ucs2_to_utf8, ucs2_sms_parts.
 */
#ifndef TRYGG_UCS2_H
#define TRYGG_UCS2_H

#include <stddef.h>
#include <stdint.h>
#include "trygg/err.h"

/* Converts NUL-terminated UTF-8 `s` to UTF-16 code units in out[cap]; *n
 * gets the count. TRYGG_ERR_INVALID for malformed UTF-8 (overlong, surrogate
 * code points, > U+10FFFF), TRYGG_ERR_TOOBIG if it does not fit. */
trygg_err ucs2_from_utf8(const char *s, uint16_t *out, size_t cap, size_t *n);

/* Converts n UTF-16 code units to NUL-terminated UTF-8 in out[cap]; *len
 * (may be NULL) gets the byte length. Lone surrogates become U+FFFD, U+0000
 * ends the text. TRYGG_ERR_TOOBIG if it does not fit (out then holds ""). */
trygg_err ucs2_to_utf8(const uint16_t *u, size_t n, char *out, size_t cap, size_t *len);

/* Big-endian byte string <-> code units. */
void ucs2_to_be(const uint16_t *u, size_t n, unsigned char *be);
void ucs2_from_be(const unsigned char *be, size_t n, uint16_t *u);

/* Septets needed to send u[0..n) in the GSM-7 default alphabet (extension
 * characters count 2), or -1 if a character is not in the alphabet. */
int ucs2_gsm7_septets(const uint16_t *u, size_t n);

enum ucs2_coding { UCS2_CODING_GSM7 = 0, UCS2_CODING_UCS2 = 1 };

/* Number of SMS parts needed to send UTF-8 `s` (GSM-7 if every character is
 * in the alphabet, else UCS-2); *coding (may be NULL) gets which. Returns 0
 * for an empty text and -1 for invalid UTF-8 or a text over 255 parts. */
int ucs2_sms_parts(const char *s, enum ucs2_coding *coding);

/* The same count with the length it is based on: *units (may be NULL) gets
 * the septets (GSM-7, an extension character counts 2) or the UTF-16 code
 * units (UCS-2) of `s`. Returns the parts as ucs2_sms_parts does. */
int ucs2_sms_count(const char *s, enum ucs2_coding *coding, int *units);

#endif
