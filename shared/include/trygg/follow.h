/*
 * follow.h — follow-up codes (docs/follow-up.md): what a resident keeps to
 * follow an item on the public status page, e.g. "3K-4QX2-7M9P-K2ZD": the
 * item's reference, then an 8-symbol secret part in the reference alphabet
 * (ref.h; 29^8 ≈ 5·10^11 codes per reference). The kiosk draws the secret
 * (it works offline) and sends it with the submission; the server stores
 * only trygg_follow_hash of reference and secret, keyed with its own key.
 */
#ifndef TRYGG_FOLLOW_H
#define TRYGG_FOLLOW_H

#include <stddef.h>
#include "item.h"

#define TRYGG_FOLLOW_SECRET_LEN 8
/* "XX-XXXX-XXXX-XXXX" */
#define TRYGG_FOLLOW_CODE_LEN (TRYGG_REF_LEN + 2 + TRYGG_FOLLOW_SECRET_LEN)
#define TRYGG_FOLLOW_KEY_LEN  32

/* A new random secret (libsodium) into out[TRYGG_FOLLOW_SECRET_LEN + 1]. */
void trygg_follow_secret_new(char out[TRYGG_FOLLOW_SECRET_LEN + 1]);
/* 1 when s is exactly 8 symbols of the alphabet (upper case). */
int trygg_follow_secret_valid(const char *s);
/* The code a person reads, from a normalised reference and a secret, into
 * out[TRYGG_FOLLOW_CODE_LEN + 1]. TRYGG_ERR_INVALID if either is malformed. */
TRYGG_MUST_CHECK trygg_err trygg_follow_code(const char *ref, const char *secret,
                                             char out[TRYGG_FOLLOW_CODE_LEN + 1]);
/* Splits what a person typed or scanned (any case, blanks and dashes
 * anywhere) into reference and secret. TRYGG_ERR_INVALID if it cannot be a
 * code. */
TRYGG_MUST_CHECK trygg_err trygg_follow_parse(const char *in, char ref[TRYGG_REF_LEN + 1],
                                              char secret[TRYGG_FOLLOW_SECRET_LEN + 1]);
/* Keyed BLAKE2b (crypto_generichash, 32 bytes) of reference and secret, as
 * 64 hex digits + NUL: what the store keeps. */
void trygg_follow_hash(const unsigned char key[TRYGG_FOLLOW_KEY_LEN], const char *ref,
                       const char *secret, char out[65]);
/* Constant-time comparison of two hashes of trygg_follow_hash's form: 1 when
 * equal. Takes the same time for any two 64-character inputs. */
int trygg_follow_hash_equal(const char *a, const char *b);

/* What a reporter is told of an item's state, as a catalog key suffix:
 * "new", "working", "resolved", "police", "not_ours", "duplicate" or
 * "closed" (the status page's "follow.status.<state>" and the tip line's
 * "sms.status.<state>" say the same words). */
const char *trygg_follow_state(trygg_status status, trygg_close_reason reason);

#endif
