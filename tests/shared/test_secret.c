/*
 * test_secret.c — keys, pseudonyms, number encryption, passwords, tokens
 * (secret.h), on real key files in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "trygg/secret.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : P_tmpdir;
    snprintf(tmpdir, sizeof tmpdir, "%s/trygg-secret-XXXXXX", tmp);
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    return trygg_secret_init() == TRYGG_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"a.key", "b.key", "num.key", "num2.key", "short.key"};
    char p[400];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
        unlink(p);
    }
    rmdir(tmpdir);
    return 0;
}

static void kpath(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", tmpdir, name);
}

static void test_phone_normalise(void **state)
{
    (void)state;
    char out[20];
    struct {
        const char *in, *want;
    } ok[] = {
        {"070-123 45 67", "+46701234567"},     {"0701234567", "+46701234567"},
        {"+46 70 123 45 67", "+46701234567"},  {"0046701234567", "+46701234567"},
        {"(0520) 123 45", "+4652012345"},      {"+44 20 7946 0958", "+442079460958"},
        {"+252612345678", "+252612345678"},    {"+46 (0)70-123 45 67", "+46701234567"},
        {"+46 070 123 45 67", "+46701234567"}, {"+44 (0)20 7946 0958", "+442079460958"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(trygg_phone_normalise(ok[i].in, out), TRYGG_OK);
        assert_string_equal(out, ok[i].want);
    }
    const char *bad[] = {"",
                         "12345",
                         "+4612",
                         "0701234567890123456",
                         "070-12a4567",
                         "46701234567",
                         "++46701234567",
                         "+46 70 12+3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(trygg_phone_normalise(bad[i], out), TRYGG_ERR_INVALID);
}

static void test_key_files(void **state)
{
    (void)state;
    char p[400];
    kpath(p, sizeof p, "a.key");
    assert_int_equal(trygg_key_create(p, TRYGG_PSEUDO_KEY_LEN), TRYGG_OK);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, TRYGG_PSEUDO_KEY_LEN);
    unsigned char k1[32], k2[32];
    assert_int_equal(trygg_key_read(p, k1, sizeof k1), TRYGG_OK);
    /* existing files are left alone */
    assert_int_equal(trygg_key_create(p, TRYGG_PSEUDO_KEY_LEN), TRYGG_OK);
    assert_int_equal(trygg_key_read(p, k2, sizeof k2), TRYGG_OK);
    assert_memory_equal(k1, k2, 32);
    /* wrong size */
    unsigned char k64[64];
    assert_int_equal(trygg_key_read(p, k64, sizeof k64), TRYGG_ERR_CRYPTO);
    /* readable by group or others: refused */
    assert_int_equal(chmod(p, 0640), 0);
    assert_int_equal(trygg_key_read(p, k1, sizeof k1), TRYGG_ERR_CRYPTO);
    assert_int_equal(chmod(p, 0604), 0);
    assert_int_equal(trygg_key_read(p, k1, sizeof k1), TRYGG_ERR_CRYPTO);
    assert_int_equal(chmod(p, 0600), 0);
    assert_int_equal(trygg_key_read(p, k1, sizeof k1), TRYGG_OK);
    /* missing */
    kpath(p, sizeof p, "missing.key");
    assert_int_equal(trygg_key_read(p, k1, sizeof k1), TRYGG_ERR_CRYPTO);
    /* two keys differ */
    kpath(p, sizeof p, "b.key");
    assert_int_equal(trygg_key_create(p, 32), TRYGG_OK);
    assert_int_equal(trygg_key_read(p, k2, sizeof k2), TRYGG_OK);
    assert_memory_not_equal(k1, k2, 32);
}

static void test_pseudonym(void **state)
{
    (void)state;
    unsigned char key[32], key2[32];
    trygg_random_bytes(key, sizeof key);
    trygg_random_bytes(key2, sizeof key2);
    char a[65], b[65], c[65];
    /* same number, different spellings: same pseudonym */
    assert_int_equal(trygg_pseudonym(key, "070-123 45 67", a), TRYGG_OK);
    assert_int_equal(trygg_pseudonym(key, "+46701234567", b), TRYGG_OK);
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), 64);
    /* other number or other key: different */
    assert_int_equal(trygg_pseudonym(key, "0701234568", c), TRYGG_OK);
    assert_string_not_equal(a, c);
    assert_int_equal(trygg_pseudonym(key2, "0701234567", c), TRYGG_OK);
    assert_string_not_equal(a, c);
    /* it is HMAC-SHA-256 of the normalised number: a known vector with a fixed key */
    unsigned char zero[32] = {0};
    trygg_hmac_sha256_hex(zero, 32, "+46701234567", 12, b);
    assert_int_equal(trygg_pseudonym(zero, "0701234567", a), TRYGG_OK);
    assert_string_equal(a, b);
    assert_int_equal(trygg_pseudonym(key, "not a number", a), TRYGG_ERR_INVALID);
}

static void test_hmac_known_vector(void **state)
{
    (void)state;
    /* RFC 4231 test case 2 */
    char out[65];
    trygg_hmac_sha256_hex((const unsigned char *)"Jefe", 4, "what do ya want for nothing?", 28,
                          out);
    assert_string_equal(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

/* The gateway's own form (issue 13): opened by trygg_number_decrypt like a
 * sealed box, randomised, bound to the key pair, tamper-evident, and a
 * sealed box that happens to start with the local form's tag byte still
 * opens as a sealed box. */
static void test_number_local(void **state)
{
    (void)state;
    char p[400];
    kpath(p, sizeof p, "numl.key");
    assert_int_equal(trygg_numkey_create(p), TRYGG_OK);
    unsigned char kp[TRYGG_NUMKEY_LEN];
    assert_int_equal(trygg_key_read(p, kp, sizeof kp), TRYGG_OK);
    unsigned char c1[128], c2[128];
    size_t l1 = 0, l2 = 0;
    assert_int_equal(trygg_number_encrypt_local(kp, "070-123 45 67", c1, sizeof c1, &l1), TRYGG_OK);
    assert_int_equal(trygg_number_encrypt_local(kp, "0701234567", c2, sizeof c2, &l2), TRYGG_OK);
    assert_true(l1 < 64);
    assert_int_equal(l1, l2);
    assert_memory_not_equal(c1, c2, l1);
    assert_null(memmem(c1, l1, "1234567", 7));
    char out[20];
    assert_int_equal(trygg_number_decrypt(kp, c1, l1, out), TRYGG_OK);
    assert_string_equal(out, "+46701234567");
    /* another key pair, a changed byte anywhere, a cut one: nothing */
    char p2[400];
    kpath(p2, sizeof p2, "numl2.key");
    assert_int_equal(trygg_numkey_create(p2), TRYGG_OK);
    unsigned char kp2[TRYGG_NUMKEY_LEN];
    assert_int_equal(trygg_key_read(p2, kp2, sizeof kp2), TRYGG_OK);
    assert_int_equal(trygg_number_decrypt(kp2, c1, l1, out), TRYGG_ERR_CRYPTO);
    assert_string_equal(out, "");
    for (size_t i = 0; i < l1; i++) {
        c1[i] ^= 0x10;
        assert_int_equal(trygg_number_decrypt(kp, c1, l1, out), TRYGG_ERR_CRYPTO);
        c1[i] ^= 0x10;
    }
    assert_int_equal(trygg_number_decrypt(kp, c1, l1 - 1, out), TRYGG_ERR_CRYPTO);
    assert_int_equal(trygg_number_encrypt_local(kp, "0701234567", c2, 20, &l2), TRYGG_ERR_TOOBIG);
    assert_int_equal(trygg_number_encrypt_local(kp, "hello", c2, sizeof c2, &l2),
                     TRYGG_ERR_INVALID);
    /* A sealed box starting with the tag byte (1 in 256) is still a sealed box. */
    unsigned char sb[128];
    size_t ls = 0;
    int found = 0;
    for (int i = 0; i < 20000 && !found; i++) {
        assert_int_equal(trygg_number_encrypt(kp, "0701234567", sb, sizeof sb, &ls), TRYGG_OK);
        found = sb[0] == c1[0];
    }
    assert_true(found);
    assert_int_equal(trygg_number_decrypt(kp, sb, ls, out), TRYGG_OK);
    assert_string_equal(out, "+46701234567");
}

static void test_number_roundtrip(void **state)
{
    (void)state;
    char p[400];
    kpath(p, sizeof p, "num.key");
    assert_int_equal(trygg_numkey_create(p), TRYGG_OK);
    unsigned char kp[TRYGG_NUMKEY_LEN];
    assert_int_equal(trygg_key_read(p, kp, sizeof kp), TRYGG_OK);

    unsigned char cipher[128], cipher2[128];
    size_t len = 0, len2 = 0;
    /* the server side only has the public half (first 32 bytes) */
    unsigned char pk[32];
    memcpy(pk, kp, 32);
    assert_int_equal(trygg_number_encrypt(pk, "070-123 45 67", cipher, sizeof cipher, &len),
                     TRYGG_OK);
    assert_true(len < 128);
    assert_int_equal(trygg_number_encrypt(pk, "070-123 45 67", cipher2, sizeof cipher2, &len2),
                     TRYGG_OK);
    /* sealed boxes are randomised */
    assert_int_equal(len, len2);
    assert_memory_not_equal(cipher, cipher2, len);

    char out[20];
    assert_int_equal(trygg_number_decrypt(kp, cipher, len, out), TRYGG_OK);
    assert_string_equal(out, "+46701234567");

    /* wrong key pair: fails, output empty */
    char p2[400];
    kpath(p2, sizeof p2, "num2.key");
    assert_int_equal(trygg_numkey_create(p2), TRYGG_OK);
    unsigned char kp2[TRYGG_NUMKEY_LEN];
    assert_int_equal(trygg_key_read(p2, kp2, sizeof kp2), TRYGG_OK);
    assert_int_equal(trygg_number_decrypt(kp2, cipher, len, out), TRYGG_ERR_CRYPTO);
    assert_string_equal(out, "");
    /* tampered or truncated cipher text */
    cipher[len - 1] ^= 1;
    assert_int_equal(trygg_number_decrypt(kp, cipher, len, out), TRYGG_ERR_CRYPTO);
    cipher[len - 1] ^= 1;
    assert_int_equal(trygg_number_decrypt(kp, cipher, len - 1, out), TRYGG_ERR_CRYPTO);
    assert_int_equal(trygg_number_decrypt(kp, cipher, 10, out), TRYGG_ERR_CRYPTO);
    /* too small output buffer */
    assert_int_equal(trygg_number_encrypt(pk, "0701234567", cipher, 20, &len), TRYGG_ERR_TOOBIG);
    /* invalid number */
    assert_int_equal(trygg_number_encrypt(pk, "hello", cipher, sizeof cipher, &len),
                     TRYGG_ERR_INVALID);
}

static void test_passwords(void **state)
{
    (void)state;
    char h1[128], h2[128];
    assert_int_equal(trygg_password_hash("korrekt häst batteri", h1), TRYGG_OK);
    assert_non_null(strstr(h1, "$argon2id$"));
    assert_int_equal(trygg_password_hash("korrekt häst batteri", h2), TRYGG_OK);
    assert_string_not_equal(h1, h2); /* salted */
    assert_int_equal(trygg_password_verify(h1, "korrekt häst batteri"), TRYGG_OK);
    assert_int_equal(trygg_password_verify(h2, "korrekt häst batteri"), TRYGG_OK);
    assert_int_equal(trygg_password_verify(h1, "korrekt hast batteri"), TRYGG_ERR_AUTH);
    assert_int_equal(trygg_password_verify(h1, ""), TRYGG_ERR_AUTH);
    assert_int_equal(trygg_password_verify("garbage", "x"), TRYGG_ERR_AUTH);
    assert_int_equal(trygg_password_verify("", "x"), TRYGG_ERR_AUTH);
}

static void test_tokens_and_random(void **state)
{
    (void)state;
    char t1[64], t2[64], h1[65], h2[65];
    assert_int_equal(trygg_token_new(t1), TRYGG_OK);
    assert_int_equal(trygg_token_new(t2), TRYGG_OK);
    assert_int_equal(strlen(t1), 43);
    assert_string_not_equal(t1, t2);
    for (const char *p = t1; *p; p++)
        assert_non_null(
            strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
    trygg_token_hash(t1, h1);
    trygg_token_hash(t1, h2);
    assert_string_equal(h1, h2);
    assert_int_equal(strlen(h1), 64);
    trygg_token_hash(t2, h2);
    assert_string_not_equal(h1, h2);
    /* SHA-256("abc") */
    trygg_token_hash("abc", h1);
    assert_string_equal(h1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    int seen[10] = {0};
    for (int i = 0; i < 2000; i++) {
        uint32_t v = trygg_random_uniform(10);
        assert_true(v < 10);
        seen[v]++;
    }
    for (int i = 0; i < 10; i++)
        assert_true(seen[i] > 100);
    assert_int_equal(trygg_random_uniform(0), 0);
    assert_int_equal(trygg_random_uniform(1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phone_normalise),  cmocka_unit_test(test_key_files),
        cmocka_unit_test(test_pseudonym),        cmocka_unit_test(test_hmac_known_vector),
        cmocka_unit_test(test_number_roundtrip), cmocka_unit_test(test_number_local),
        cmocka_unit_test(test_passwords),        cmocka_unit_test(test_tokens_and_random),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
