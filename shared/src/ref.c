/*
 * ref.c — public references ("K7-4QX2"): random, derived from a client key,
 * issued by a kiosk (prefix + sequence), and normalised from what a person
 * typed.
 */
#include "trygg/ref.h"

#include <sodium.h>
#include <string.h>

#define ALPHABET_LEN (sizeof TRYGG_REF_ALPHABET - 1)

/* Writes the 6 symbols sym[0..5] as "XX-XXXX". */
static void format_ref(const unsigned sym[6], char out[TRYGG_REF_LEN + 1])
{
    const char *a = TRYGG_REF_ALPHABET;
    out[0] = a[sym[0]];
    out[1] = a[sym[1]];
    out[2] = '-';
    for (int i = 0; i < 4; i++)
        out[3 + i] = a[sym[2 + i]];
    out[TRYGG_REF_LEN] = '\0';
}

/* The alphabet starts with its 8 digits; kiosk references start with one. */
#define DIGITS 8

/* The fixed bijection on 0 .. 29^4-1 that scrambles a kiosk's sequence
 * number: s -> (s * SCRAMBLE_MUL + SCRAMBLE_ADD) mod 29^4, SCRAMBLE_MUL
 * coprime with 29; SCRAMBLE_INV is its inverse mod 29^4. */
#define SCRAMBLE_MUL 7919
#define SCRAMBLE_ADD 104729
#define SCRAMBLE_INV 689954

void trygg_ref_new(char out[TRYGG_REF_LEN + 1])
{
    unsigned sym[6];
    /* A letter first: the digits are the kiosks' (ref.h). */
    sym[0] = DIGITS + (unsigned)randombytes_uniform((uint32_t)(ALPHABET_LEN - DIGITS));
    for (int i = 1; i < 6; i++)
        sym[i] = (unsigned)randombytes_uniform((uint32_t)ALPHABET_LEN);
    format_ref(sym, out);
}

/* Index of c in the alphabet, -1 if absent. */
static int sym_index(char c)
{
    const char *p = c ? strchr(TRYGG_REF_ALPHABET, c) : NULL;
    return p ? (int)(p - TRYGG_REF_ALPHABET) : -1;
}

int trygg_ref_is_kiosk(const char *ref)
{
    char n[TRYGG_REF_LEN + 1];
    if (!ref || trygg_ref_normalise(ref, n) != TRYGG_OK || strcmp(n, ref) != 0)
        return 0;
    return sym_index(ref[0]) < DIGITS;
}

int trygg_ref_prefix_valid(const char *p)
{
    if (!p || strlen(p) != TRYGG_REF_PREFIX_LEN)
        return 0;
    int a = sym_index(p[0]), b = sym_index(p[1]);
    return a >= 0 && a < DIGITS && b >= 0;
}

void trygg_ref_prefix_nth(int n, char out[TRYGG_REF_PREFIX_LEN + 1])
{
    if (n < 0 || n >= TRYGG_REF_PREFIX_COUNT)
        n = 0;
    out[0] = TRYGG_REF_ALPHABET[n / (int)ALPHABET_LEN];
    out[1] = TRYGG_REF_ALPHABET[n % (int)ALPHABET_LEN];
    out[2] = '\0';
}

trygg_err trygg_ref_kiosk(const char *prefix, long seq, char out[TRYGG_REF_LEN + 1])
{
    if (!trygg_ref_prefix_valid(prefix) || seq < 0 || seq >= TRYGG_REF_SEQ_COUNT)
        return TRYGG_ERR_INVALID;
    unsigned sym[6];
    sym[0] = (unsigned)sym_index(prefix[0]);
    sym[1] = (unsigned)sym_index(prefix[1]);
    uint64_t v = ((uint64_t)seq * SCRAMBLE_MUL + SCRAMBLE_ADD) % TRYGG_REF_SEQ_COUNT;
    for (int i = 5; i >= 2; i--) {
        sym[i] = (unsigned)(v % ALPHABET_LEN);
        v /= ALPHABET_LEN;
    }
    format_ref(sym, out);
    return TRYGG_OK;
}

trygg_err trygg_ref_kiosk_parse(const char *ref, char prefix[TRYGG_REF_PREFIX_LEN + 1], long *seq)
{
    if (!trygg_ref_is_kiosk(ref))
        return TRYGG_ERR_INVALID;
    uint64_t v = 0;
    for (int i = 3; i < TRYGG_REF_LEN; i++)
        v = v * ALPHABET_LEN + (uint64_t)sym_index(ref[i]);
    /* Undo the scramble: s = (v - ADD) * INV mod 29^4. */
    v = (v + TRYGG_REF_SEQ_COUNT - SCRAMBLE_ADD % TRYGG_REF_SEQ_COUNT) % TRYGG_REF_SEQ_COUNT;
    v = v * SCRAMBLE_INV % TRYGG_REF_SEQ_COUNT;
    prefix[0] = ref[0];
    prefix[1] = ref[1];
    prefix[2] = '\0';
    *seq = (long)v;
    return TRYGG_OK;
}

void trygg_ref_from_key(const char *key, char out[TRYGG_REF_LEN + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
    /* Read the first 8 bytes as a big-endian number and take six base-29
     * digits: 2^64 is so much larger than 29^6 that the bias is negligible. */
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | h[i];
    unsigned sym[6];
    for (int i = 0; i < 6; i++) {
        sym[i] = (unsigned)(v % ALPHABET_LEN);
        v /= ALPHABET_LEN;
    }
    format_ref(sym, out);
    sodium_memzero(h, sizeof h);
}

trygg_err trygg_ref_normalise(const char *in, char out[TRYGG_REF_LEN + 1])
{
    if (!in)
        return TRYGG_ERR_INVALID;
    char sym[6];
    int n = 0;
    int dashes = 0;
    for (const char *p = in; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == '-') {
            /* One dash, only between the second and third symbol. */
            if (dashes++ || n != 2)
                return TRYGG_ERR_INVALID;
            continue;
        }
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!strchr(TRYGG_REF_ALPHABET, c) || c == '\0')
            return TRYGG_ERR_INVALID;
        if (n == 6)
            return TRYGG_ERR_INVALID;
        sym[n++] = c;
    }
    if (n != 6)
        return TRYGG_ERR_INVALID;
    out[0] = sym[0];
    out[1] = sym[1];
    out[2] = '-';
    memcpy(out + 3, sym + 2, 4);
    out[TRYGG_REF_LEN] = '\0';
    return TRYGG_OK;
}
