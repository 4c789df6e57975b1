/*
 * store_rules.c — engine-independent checks and credential helpers of the
 * administration operations (store_rules.h).
 */
#include "store_rules.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/copy.h"
#include "trygg/item.h"
#include "trygg/secret.h"
#include "trygg/utf8.h"

#define TOTP_STEP   30
#define TOTP_DIGITS 6

int trygg_rules_str_ok(const char *v, size_t cap)
{
    char tmp[8192];
    if (!v)
        return 1;
    if (cap > sizeof tmp)
        cap = sizeof tmp;
    return trygg_strset(tmp, cap, v) == TRYGG_OK;
}

int trygg_rules_username_ok(const char *u)
{
    size_t len = u ? strnlen(u, TRYGG_NAME_MAX + 1) : 0;
    if (len == 0 || len > TRYGG_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = u[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || (c >= 'A' && c <= 'Z')))
            return 0;
    }
    return 1;
}

int trygg_rules_role_ok(const char *r)
{
    return r &&
           (strcmp(r, "admin") == 0 || strcmp(r, "security") == 0 || strcmp(r, "destination") == 0);
}

int trygg_rules_pseudo_ok(const char *p)
{
    if (!p || strlen(p) != TRYGG_PSEUDO_HEX)
        return 0;
    for (const char *c = p; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
            return 0;
    return 1;
}

const char *trygg_rules_password_bad(const char *password)
{
    if (!password || strlen(password) < 8 || strlen(password) > 1000)
        return "password must be 8..1000 bytes";
    return NULL;
}

static char dummy_hash[128];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy_hash(void)
{
    char pw[64];
    if (trygg_token_new(pw) != TRYGG_OK || trygg_password_hash(pw, dummy_hash) != TRYGG_OK)
        dummy_hash[0] = '\0';
}

void trygg_rules_verify_nobody(const char *password)
{
    pthread_once(&dummy_once, make_dummy_hash);
    if (dummy_hash[0]) {
        /* Only to take as long as a real check: the answer is no anyway. */
        trygg_err same_time = trygg_password_verify(dummy_hash, password ? password : "");
        (void)same_time;
    }
}

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ready;
static void init_oath(void)
{
    oath_ready = oath_init() == OATH_OK;
}

int trygg_rules_totp_secret(const char *given, char sec[TRYGG_TOTP_SECRET_LEN])
{
    if (given) {
        char *bin = NULL;
        size_t binlen = 0;
        pthread_once(&oath_once, init_oath);
        int ok = strlen(given) < TRYGG_TOTP_SECRET_LEN && oath_ready &&
                 oath_base32_decode(given, strlen(given), &bin, &binlen) == OATH_OK && binlen >= 10;
        free(bin);
        return ok && trygg_copy(sec, TRYGG_TOTP_SECRET_LEN, given) ? 0 : -1;
    }
    /* 160 random bits (RFC 4226's recommendation), base32 without padding. */
    unsigned char raw[20];
    randombytes_buf(raw, sizeof raw);
    static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    size_t o = 0;
    for (size_t i = 0; i < sizeof raw; i += 5) {
        uint64_t v = 0;
        for (size_t k = 0; k < 5; k++)
            v = v << 8 | raw[i + k];
        for (int k = 7; k >= 0; k--)
            sec[o++] = b32[(v >> (k * 5)) & 31];
    }
    sec[o] = '\0';
    sodium_memzero(raw, sizeof raw);
    return 0;
}

int64_t trygg_rules_totp_match(const char *secret, const char *code, int64_t now)
{
    pthread_once(&oath_once, init_oath);
    if (!oath_ready || !code || strlen(code) != TOTP_DIGITS ||
        strspn(code, "0123456789") != TOTP_DIGITS)
        return -1;
    char *bin = NULL;
    size_t binlen = 0;
    if (oath_base32_decode(secret, strlen(secret), &bin, &binlen) != OATH_OK)
        return -1;
    int pos = 0;
    uint64_t counter = 0;
    int rc = oath_totp_validate3(bin, binlen, (time_t)now, TOTP_STEP, 0, 1, &pos, &counter, code);
    sodium_memzero(bin, binlen);
    free(bin);
    return rc >= 0 ? (int64_t)counter : -1;
}

int trygg_rules_recovery_hash(const char *code, char hex[65])
{
    char norm[64];
    size_t n = 0;
    for (const char *p = code; *p && n + 1 < sizeof norm; p++) {
        char c = *p;
        if (c == '-' || c == ' ')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        norm[n++] = c;
    }
    norm[n] = '\0';
    if (n != 12)
        return -1;
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)norm, n, NULL, 0);
    sodium_bin2hex(hex, 65, h, sizeof h);
    return 0;
}

void trygg_rules_recovery_new(char c[TRYGG_RECOVERY_LEN])
{
    static const char alpha[] = "abcdefghjkmnpqrstuvwxyz23456789"; /* no 0/o, 1/l/i */
    int o = 0;
    for (int k = 0; k < 12; k++) {
        if (k == 4 || k == 8)
            c[o++] = '-';
        c[o++] = alpha[randombytes_uniform(sizeof alpha - 1)];
    }
    c[o] = '\0';
}

int trygg_rules_text_ok(const char *s, size_t cap)
{
    size_t len = strnlen(s, cap);
    return len < cap && trygg_utf8_valid(s, len);
}

int trygg_rules_decision_status_ok(const char *s)
{
    return strcmp(s, "open") == 0 || strcmp(s, "done") == 0 || strcmp(s, "dropped") == 0;
}

int trygg_rules_template_names_ok(const char *key, const char *lang)
{
    size_t k = key ? strnlen(key, TRYGG_TEMPLATE_KEY_MAX + 1) : 0;
    size_t l = lang ? strnlen(lang, TRYGG_LANG_MAX + 1) : 0;
    return k > 0 && k <= TRYGG_TEMPLATE_KEY_MAX && l > 0 && l <= TRYGG_LANG_MAX;
}

int trygg_rules_lease_args_ok(const char *owner, int lease_s, int max)
{
    return owner && *owner && strlen(owner) <= TRYGG_NAME_MAX && lease_s > 0 && max >= 0;
}
