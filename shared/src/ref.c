/*
 * ref.c — public references ("K7-4QX2"): random, derived from a client key,
 * and normalised from what a person typed.
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

void trygg_ref_new(char out[TRYGG_REF_LEN + 1])
{
    unsigned sym[6];
    for (int i = 0; i < 6; i++)
        sym[i] = (unsigned)randombytes_uniform((uint32_t)ALPHABET_LEN);
    format_ref(sym, out);
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
