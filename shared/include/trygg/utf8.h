/*
 * utf8.h — the one UTF-8 implementation of libtrygg, on GNU libunistring
 * (validation, code points, UTF-16, case folding, cutting at a character
 * boundary). Code elsewhere does not decode UTF-8 by hand; the GSM-7 septet
 * rules of SMS are in trygg/ucs2.h (no library has them), shared by the
 * gateway and the staff UI's part counter.
 *
 * All functions are thread-safe and never read past `len`/`max`.
 */
#ifndef TRYGG_UTF8_H
#define TRYGG_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* 1 if s[0..len) is valid UTF-8 without NUL bytes, DEL or C0 controls other
 * than tab/newline/CR; 0 otherwise (also for s == NULL). */
int trygg_utf8_valid(const char *s, size_t len);
/* Number of code points in a valid UTF-8 string (0 for NULL). */
size_t trygg_utf8_len(const char *s);
/* Byte length of the last code point of s (0 if empty) — for backspace. */
size_t trygg_utf8_last_len(const char *s);
/* Length of the longest prefix of s[0..len) of at most `max` bytes that does
 * not end inside a multi-byte character. */
size_t trygg_utf8_prefix(const char *s, size_t len, size_t max);
/* Cuts the NUL-terminated s in place to at most `max` bytes, at a character
 * boundary (never leaves half a character). */
void trygg_utf8_cut(char *s, size_t max);
/* Decodes the character at s[0..len): returns its byte length (1..4) and sets
 * *cp, or returns 0 if the bytes there are not valid UTF-8. */
size_t trygg_utf8_next(const char *s, size_t len, uint32_t *cp);
/* Decodes the character at s[0..len) leniently, for text that is read
 * whatever its bytes are: returns its byte length (1..4, 0 only for len 0)
 * and sets *cp. A malformed piece reads as one U+FFFD: a byte that cannot
 * start a character (a stray continuation byte, 0xC0, 0xC1, 0xF8..0xFF)
 * alone; a sequence cut off, or one that encodes no character (a surrogate,
 * a 3- or 4-byte overlong form, beyond U+10FFFF), with the continuation
 * bytes that belong to it. A valid character after it is never swallowed. */
size_t trygg_utf8_next_lossy(const char *s, size_t len, uint32_t *cp);
/* Decodes the code point at u[0..n) of UTF-16: returns the 16-bit units it
 * takes (1 or 2; 0 only for n 0) and sets *cp; a lone or cut surrogate gives
 * U+FFFD and 1. */
size_t trygg_utf16_next(const uint16_t *u, size_t n, uint32_t *cp);
/* Encodes code point cp (<= U+10FFFF, not a surrogate) at out, which has
 * room for 4 bytes; returns the bytes written (0 for an invalid cp). */
size_t trygg_utf8_put(char *out, uint32_t cp);
/* Converts valid UTF-8 s[0..len) to UTF-16 in out[cap] (no terminator);
 * *n gets the number of 16-bit units. TRYGG_ERR_INVALID for invalid UTF-8,
 * TRYGG_ERR_TOOBIG if it does not fit (out's contents then undefined). */
TRYGG_MUST_CHECK trygg_err trygg_utf8_to_utf16(const char *s, size_t len, uint16_t *out, size_t cap,
                                               size_t *n);
/* Full Unicode case folding (language-independent: "ÅSA" and "åsa", "STRASSE"
 * and "straße" fold alike) of valid UTF-8 s[0..len) into a new NUL-terminated
 * string *out (free() it); *outlen (may be NULL) gets its length.
 * TRYGG_ERR_INVALID for invalid UTF-8, TRYGG_ERR_NOMEM. */
TRYGG_MUST_CHECK trygg_err trygg_utf8_fold(const char *s, size_t len, char **out, size_t *outlen);
/* Upper case (full Unicode mapping, language-independent: "straße åsa"
 * becomes "STRASSE ÅSA") of the NUL-terminated s into out[cap] (cap > 0),
 * always NUL-terminated: cut to the longest whole-character prefix that
 * fits; for invalid UTF-8 (or when memory runs out) s with only its ASCII
 * letters upper-cased, cut at the byte. For matching words such as the SMS
 * keywords, which are kept in upper case. */
void trygg_utf8_upper(const char *s, char *out, size_t cap);
/* Lower case of one code point (simple mapping), e.g. for per-character
 * normalisation where the string length must not change much. */
uint32_t trygg_utf8_lower(uint32_t cp);

#endif
