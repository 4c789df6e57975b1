/*
 * ref.h — public references such as "K7-4QX2".
 *
 * Alphabet without ambiguous characters: no 0/O, 1/I/L (and no U, V to avoid
 * U/V confusion on small screens): 23456789ABCDEFGHJKMNPQRSTWXYZ (29 symbols).
 * Format: 2 symbols, '-', 4 symbols. Parsing is forgiving about case, spaces
 * and a missing dash; characters outside the alphabet are rejected.
 *
 * Two disjoint kinds of reference (docs/kiosk-api.md, "References"):
 *  - server references (trygg_ref_new) start with a LETTER: 21 * 29^5 ≈ 430
 *    million, drawn at random (libsodium), so a reference says nothing about
 *    the previous one; the store draws again on the rare collision.
 *  - kiosk references start with a DIGIT: "PP-SSSS", where PP is the kiosk's
 *    prefix (a digit 2-9, then any symbol: 8 * 29 = 232 prefixes, issued by
 *    the server, one kiosk each, never reused) and SSSS is the kiosk's own
 *    sequence number 0 .. 29^4-1 (707,281 per prefix) in base 29, scrambled
 *    by a fixed bijection so consecutive receipts do not read as a counter
 *    (not a secret). Unique by construction: no two kiosks share a prefix and
 *    a kiosk never reuses a sequence number (kiosk/outbox.c).
 * trygg_ref_from_key (the legacy hash of a kiosk uuid, for kiosks that send
 * no "ref") can land in either kind; the store treats a kiosk-shaped
 * reference as exact (never reassigned), see trygg_store_submit.
 */
#ifndef TRYGG_REF_H
#define TRYGG_REF_H

#include "item.h"

#define TRYGG_REF_ALPHABET "23456789ABCDEFGHJKMNPQRSTWXYZ"

/* Symbols in a kiosk prefix, and the size of one prefix's sequence space. */
#define TRYGG_REF_PREFIX_LEN 2
#define TRYGG_REF_SEQ_COUNT  707281 /* 29^4 */

/* New random server reference (first symbol a letter) into
 * out[TRYGG_REF_LEN + 1]. */
void trygg_ref_new(char out[TRYGG_REF_LEN + 1]);
/* Deterministic reference for a client idempotency key (a kiosk UUID): the
 * first 6 symbols of SHA-256(key) in the alphabet. Legacy: what kiosks
 * before issue 12 printed offline; the server still uses it for a
 * submission without "ref". Not unique (a hash): new kiosks issue their own
 * references (trygg_ref_kiosk). */
void trygg_ref_from_key(const char *key, char out[TRYGG_REF_LEN + 1]);
/* Normalises user-typed input (case, spaces, dash) into out; TRYGG_ERR_INVALID
 * if it cannot be a reference. */
TRYGG_MUST_CHECK trygg_err trygg_ref_normalise(const char *in, char out[TRYGG_REF_LEN + 1]);

/* 1 when ref (normalised, "PP-SSSS") has the kiosk shape: first symbol a
 * digit. 0 otherwise (a server reference, or not a reference). */
int trygg_ref_is_kiosk(const char *ref);
/* 1 when p is a valid kiosk prefix: exactly 2 alphabet symbols, the first a
 * digit (upper case, as issued). */
int trygg_ref_prefix_valid(const char *p);
/* The n-th kiosk prefix (0 <= n < TRYGG_REF_PREFIX_COUNT) into out[3], in a
 * fixed order; the store issues them in this order. */
#define TRYGG_REF_PREFIX_COUNT 232
void trygg_ref_prefix_nth(int n, char out[TRYGG_REF_PREFIX_LEN + 1]);
/* The kiosk reference for prefix and sequence number seq
 * (0 <= seq < TRYGG_REF_SEQ_COUNT) into out. TRYGG_ERR_INVALID for a bad
 * prefix or a sequence number out of range. Distinct seq give distinct
 * references (a bijection on the 4 symbols). */
TRYGG_MUST_CHECK trygg_err trygg_ref_kiosk(const char *prefix, long seq,
                                           char out[TRYGG_REF_LEN + 1]);
/* Splits a normalised kiosk reference into its prefix (out[3]) and sequence
 * number (*seq); TRYGG_ERR_INVALID when ref is not kiosk-shaped. */
TRYGG_MUST_CHECK trygg_err trygg_ref_kiosk_parse(const char *ref,
                                                 char prefix[TRYGG_REF_PREFIX_LEN + 1], long *seq);

#endif
