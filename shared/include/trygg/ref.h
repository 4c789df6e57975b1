/*
 * ref.h — public references such as "K7-4QX2".
 *
 * Alphabet without ambiguous characters: no 0/O, 1/I/L (and no U, V to avoid
 * U/V confusion on small screens): 23456789ABCDEFGHJKMNPQRSTWXYZ (29 symbols).
 * Format: 2 symbols, '-', 4 symbols: 29^6 ≈ 594 million; drawn at random
 * (libsodium), so a reference says nothing about the previous one. The store
 * retries on the rare collision. Parsing is forgiving about case, spaces and
 * a missing dash; characters outside the alphabet are rejected.
 */
#ifndef TRYGG_REF_H
#define TRYGG_REF_H

#include "item.h"

#define TRYGG_REF_ALPHABET "23456789ABCDEFGHJKMNPQRSTWXYZ"

/* New random reference into out[TRYGG_REF_LEN + 1]. */
void trygg_ref_new(char out[TRYGG_REF_LEN + 1]);
/* Deterministic reference for a client idempotency key (a kiosk UUID): the
 * first 6 symbols of SHA-256(key) in the alphabet. Lets an offline kiosk
 * print the reference the server will store. */
void trygg_ref_from_key(const char *key, char out[TRYGG_REF_LEN + 1]);
/* Normalises user-typed input (case, spaces, dash) into out; TRYGG_ERR_INVALID
 * if it cannot be a reference. */
trygg_err trygg_ref_normalise(const char *in, char out[TRYGG_REF_LEN + 1]);

#endif
