/*
 * follow.c — follow-up codes (trygg/follow.h).
 */
#include "trygg/follow.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

#include "trygg/ref.h"
#include "trygg/secret.h"

static const char alphabet[] = TRYGG_REF_ALPHABET;

void trygg_follow_secret_new(char out[TRYGG_FOLLOW_SECRET_LEN + 1])
{
    for (int i = 0; i < TRYGG_FOLLOW_SECRET_LEN; i++)
        out[i] = alphabet[trygg_random_uniform((uint32_t)(sizeof alphabet - 1))];
    out[TRYGG_FOLLOW_SECRET_LEN] = '\0';
}

int trygg_follow_secret_valid(const char *s)
{
    if (s == NULL || strlen(s) != TRYGG_FOLLOW_SECRET_LEN)
        return 0;
    for (const char *p = s; *p; p++)
        if (strchr(alphabet, *p) == NULL)
            return 0;
    return 1;
}

trygg_err trygg_follow_code(const char *ref, const char *secret,
                            char out[TRYGG_FOLLOW_CODE_LEN + 1])
{
    char norm[TRYGG_REF_LEN + 1];
    if (ref == NULL || trygg_ref_normalise(ref, norm) != TRYGG_OK || strcmp(norm, ref) != 0 ||
        !trygg_follow_secret_valid(secret))
        return TRYGG_ERR_INVALID;
    memcpy(out, norm, TRYGG_REF_LEN);
    out[TRYGG_REF_LEN] = '-';
    memcpy(out + TRYGG_REF_LEN + 1, secret, 4);
    out[TRYGG_REF_LEN + 5] = '-';
    memcpy(out + TRYGG_REF_LEN + 6, secret + 4, 4);
    out[TRYGG_FOLLOW_CODE_LEN] = '\0';
    return TRYGG_OK;
}

trygg_err trygg_follow_parse(const char *in, char ref[TRYGG_REF_LEN + 1],
                             char secret[TRYGG_FOLLOW_SECRET_LEN + 1])
{
    enum { NSYM = TRYGG_REF_LEN - 1 + TRYGG_FOLLOW_SECRET_LEN };
    char sym[NSYM];
    int n = 0;
    if (in == NULL)
        return TRYGG_ERR_INVALID;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '-' || *p == '\t')
            continue;
        char c = (char)toupper((unsigned char)*p);
        if (n >= NSYM || c == '\0' || strchr(alphabet, c) == NULL)
            return TRYGG_ERR_INVALID;
        sym[n++] = c;
    }
    if (n != NSYM)
        return TRYGG_ERR_INVALID;
    char r[TRYGG_REF_LEN + 1];
    memcpy(r, sym, 2);
    r[2] = '-';
    memcpy(r + 3, sym + 2, 4);
    r[TRYGG_REF_LEN] = '\0';
    if (trygg_ref_normalise(r, ref) != TRYGG_OK)
        return TRYGG_ERR_INVALID;
    memcpy(secret, sym + 6, TRYGG_FOLLOW_SECRET_LEN);
    secret[TRYGG_FOLLOW_SECRET_LEN] = '\0';
    return TRYGG_OK;
}

void trygg_follow_hash(const unsigned char key[TRYGG_FOLLOW_KEY_LEN], const char *ref,
                       const char *secret, char out[65])
{
    /* Domain-separated: the same key also makes pseudonyms (secret.h). */
    static const char domain[] = "trygg-follow-v1";
    unsigned char h[32];
    crypto_generichash_state gs;
    crypto_generichash_init(&gs, key, TRYGG_FOLLOW_KEY_LEN, sizeof h);
    crypto_generichash_update(&gs, (const unsigned char *)domain, sizeof domain);
    crypto_generichash_update(&gs, (const unsigned char *)ref, strlen(ref) + 1);
    crypto_generichash_update(&gs, (const unsigned char *)secret, strlen(secret));
    crypto_generichash_final(&gs, h, sizeof h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

int trygg_follow_hash_equal(const char *a, const char *b)
{
    if (strlen(a) != 64 || strlen(b) != 64)
        return 0;
    return sodium_memcmp(a, b, 64) == 0;
}

const char *trygg_follow_state(trygg_status status, trygg_close_reason reason)
{
    if (status == TRYGG_STATUS_NEW)
        return "new";
    if (status != TRYGG_STATUS_CLOSED)
        return "working";
    switch (reason) {
    case TRYGG_CLOSE_RESOLVED:
        return "resolved";
    case TRYGG_CLOSE_POLICE:
        return "police";
    case TRYGG_CLOSE_NOT_OURS:
        return "not_ours";
    case TRYGG_CLOSE_DUPLICATE:
        return "duplicate";
    default:
        return "closed";
    }
}
