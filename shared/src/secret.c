/*
 * secret.c — keys, pseudonyms, number encryption, passwords, tokens.
 *
 * Everything cryptographic is libsodium: HMAC-SHA-256 (crypto_auth_hmacsha256)
 * for pseudonyms and webhook signatures, sealed boxes (crypto_box_seal) for
 * phone numbers, argon2id (crypto_pwhash_str) for passwords, SHA-256 for
 * token hashes, randombytes_* for randomness. Key files are raw bytes with
 * mode 0600; a key file that others can read is refused.
 */
#include "trygg/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

trygg_err trygg_secret_init(void)
{
    return sodium_init() < 0 ? TRYGG_ERR_CRYPTO : TRYGG_OK;
}

trygg_err trygg_phone_normalise(const char *in, char out[20])
{
    if (in == NULL || out == NULL)
        return TRYGG_ERR_INVALID;
    out[0] = '\0';
    char digits[64];
    size_t nd = 0;
    int plus = 0;
    int seen_digit = 0;
    for (const char *p = in; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= '0' && c <= '9') {
            if (nd >= sizeof digits - 1)
                return TRYGG_ERR_INVALID;
            digits[nd++] = (char)c;
            seen_digit = 1;
        } else if (c == '+') {
            if (seen_digit || plus)
                return TRYGG_ERR_INVALID;
            plus = 1;
        } else if (c == '(' && p[1] == '0' && p[2] == ')' && seen_digit) {
            p += 2; /* "+46 (0)70...": the trunk 0 is not dialled from abroad */
        } else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '\t' || c == '.') {
            continue;
        } else {
            return TRYGG_ERR_INVALID;
        }
    }
    digits[nd] = '\0';
    const char *d = digits;
    char national[64];
    if (!plus) {
        if (d[0] == '0' && d[1] == '0') {
            d += 2; /* international prefix 00 */
        } else if (d[0] == '0') {
            /* Swedish national number: drop the trunk 0, add country code 46. */
            int n = snprintf(national, sizeof national, "46%s", d + 1);
            if (n < 0 || (size_t)n >= sizeof national)
                return TRYGG_ERR_INVALID;
            d = national;
        } else {
            return TRYGG_ERR_INVALID; /* no country code and no trunk prefix */
        }
    }
    /* "+46 070...": a Swedish trunk 0 written after the country code */
    char notrunk[64];
    if (strncmp(d, "460", 3) == 0) {
        int n = snprintf(notrunk, sizeof notrunk, "46%s", d + 3);
        if (n < 0 || (size_t)n >= sizeof notrunk)
            return TRYGG_ERR_INVALID;
        d = notrunk;
    }
    size_t len = strlen(d);
    if (len < 6 || len > 15 || d[0] == '0')
        return TRYGG_ERR_INVALID;
    out[0] = '+';
    memcpy(out + 1, d, len + 1);
    return TRYGG_OK;
}

/* Finishes a new key file open as fd: writes data[len] unless err is
 * already set, syncs and closes it; on any failure the file is removed.
 * Returns err or the first failure (FULL when the disk is). */
static trygg_err key_file_finish(int fd, const void *data, size_t len, trygg_err err,
                                 const char *path)
{
    const unsigned char *p = data;
    size_t off = 0;
    while (err == TRYGG_OK && off < len) {
        ssize_t w = write(fd, p + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            err = errno == ENOSPC ? TRYGG_ERR_FULL : TRYGG_ERR_IO;
            break;
        }
        off += (size_t)w;
    }
    if (err == TRYGG_OK && fsync(fd) != 0)
        err = TRYGG_ERR_IO;
    if (close(fd) != 0 && err == TRYGG_OK)
        err = TRYGG_ERR_IO;
    if (err != TRYGG_OK)
        unlink(path);
    return err;
}

trygg_err trygg_key_create(const char *path, size_t len)
{
    if (path == NULL || len == 0 || len > 4096)
        return TRYGG_ERR_INVALID;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno == EEXIST ? TRYGG_OK : TRYGG_ERR_IO;
    unsigned char buf[4096];
    randombytes_buf(buf, len);
    trygg_err err = key_file_finish(fd, buf, len, TRYGG_OK, path);
    sodium_memzero(buf, sizeof buf);
    return err;
}

trygg_err trygg_key_read(const char *path, unsigned char *key, size_t len)
{
    if (path == NULL || key == NULL || len == 0)
        return TRYGG_ERR_INVALID;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? TRYGG_ERR_CRYPTO : TRYGG_ERR_IO;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return TRYGG_ERR_IO;
    }
    if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0 || (size_t)st.st_size != len) {
        close(fd);
        return TRYGG_ERR_CRYPTO;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t r = read(fd, key + off, len - off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            close(fd);
            sodium_memzero(key, len);
            return r < 0 ? TRYGG_ERR_IO : TRYGG_ERR_CRYPTO;
        }
        off += (size_t)r;
    }
    close(fd);
    return TRYGG_OK;
}

void trygg_hmac_sha256_hex(const unsigned char *key, size_t keylen, const void *data, size_t len,
                           char out[65])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, keylen);
    crypto_auth_hmacsha256_update(&st, data, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, 65, mac, sizeof mac);
    sodium_memzero(&st, sizeof st);
}

trygg_err trygg_pseudonym(const unsigned char key[TRYGG_PSEUDO_KEY_LEN], const char *number,
                          char out[65])
{
    if (key == NULL || number == NULL || out == NULL)
        return TRYGG_ERR_INVALID;
    char norm[20];
    trygg_err err = trygg_phone_normalise(number, norm);
    if (err)
        return err;
    trygg_hmac_sha256_hex(key, TRYGG_PSEUDO_KEY_LEN, norm, strlen(norm), out);
    return TRYGG_OK;
}

trygg_err trygg_sender_pseudonym(const unsigned char key[TRYGG_PSEUDO_KEY_LEN], const char *name,
                                 char out[65])
{
    if (key == NULL || name == NULL || out == NULL)
        return TRYGG_ERR_INVALID;
    char norm[80] = "name:";
    size_t k = 5;
    int blank = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && k + 2 < sizeof norm; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            blank = k > 5;
            continue;
        }
        if (blank)
            norm[k++] = ' ';
        blank = 0;
        norm[k++] = (char)((*p >= 'a' && *p <= 'z') ? *p - 32 : *p);
    }
    if (k == 5)
        return TRYGG_ERR_INVALID;
    norm[k] = '\0';
    trygg_hmac_sha256_hex(key, TRYGG_PSEUDO_KEY_LEN, norm, k, out);
    return TRYGG_OK;
}

trygg_err trygg_numkey_create(const char *path)
{
    if (path == NULL)
        return TRYGG_ERR_INVALID;
    unsigned char kp[TRYGG_NUMKEY_LEN];
    crypto_box_keypair(kp, kp + crypto_box_PUBLICKEYBYTES);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        sodium_memzero(kp, sizeof kp);
        return errno == EEXIST ? TRYGG_OK : TRYGG_ERR_IO;
    }
    trygg_err err = key_file_finish(fd, kp, sizeof kp, TRYGG_OK, path);
    sodium_memzero(kp, sizeof kp);
    return err;
}

trygg_err trygg_numkey_write_pub(const char *keypair_path, const char *pub_path)
{
    if (keypair_path == NULL || pub_path == NULL)
        return TRYGG_ERR_INVALID;
    if (access(pub_path, F_OK) == 0)
        return TRYGG_OK;
    unsigned char kp[TRYGG_NUMKEY_LEN];
    trygg_err err = trygg_key_read(keypair_path, kp, sizeof kp);
    if (err != TRYGG_OK)
        return err;
    int fd = open(pub_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        sodium_memzero(kp, sizeof kp);
        return errno == EEXIST ? TRYGG_OK : TRYGG_ERR_IO;
    }
    /* fchmod: the public half is meant to be readable whatever the umask */
    if (fchmod(fd, 0644) != 0)
        err = TRYGG_ERR_IO;
    err = key_file_finish(fd, kp, crypto_box_PUBLICKEYBYTES, err, pub_path);
    sodium_memzero(kp, sizeof kp);
    return err;
}

trygg_err trygg_numkey_pub_read(const char *path, unsigned char pk[TRYGG_NUMPUB_LEN])
{
    if (path == NULL || pk == NULL)
        return TRYGG_ERR_INVALID;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? TRYGG_ERR_CRYPTO : TRYGG_ERR_IO;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 022) != 0 ||
        st.st_size != TRYGG_NUMPUB_LEN) {
        close(fd);
        return TRYGG_ERR_CRYPTO;
    }
    size_t off = 0;
    while (off < TRYGG_NUMPUB_LEN) {
        ssize_t r = read(fd, pk + off, TRYGG_NUMPUB_LEN - off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            close(fd);
            return r < 0 ? TRYGG_ERR_IO : TRYGG_ERR_CRYPTO;
        }
        off += (size_t)r;
    }
    close(fd);
    return TRYGG_OK;
}

trygg_err trygg_number_encrypt(const unsigned char keypair_or_pk[32], const char *number,
                               unsigned char *cipher, size_t cap, size_t *len)
{
    if (keypair_or_pk == NULL || number == NULL || cipher == NULL || len == NULL)
        return TRYGG_ERR_INVALID;
    char norm[20];
    trygg_err err = trygg_phone_normalise(number, norm);
    if (err)
        return err;
    size_t mlen = strlen(norm);
    if (cap < mlen + crypto_box_SEALBYTES)
        return TRYGG_ERR_TOOBIG;
    if (crypto_box_seal(cipher, (const unsigned char *)norm, mlen, keypair_or_pk) != 0)
        return TRYGG_ERR_CRYPTO;
    *len = mlen + crypto_box_SEALBYTES;
    return TRYGG_OK;
}

/* The local format: tag, nonce, XChaCha20-Poly1305 of the number, under a
 * key derived from the secret half of the key pair (crypto_kdf, context
 * "tryggnum"). */
#define LOCAL_TAG   0xA7
#define LOCAL_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define LOCAL_OVER  (1 + LOCAL_NONCE + crypto_aead_xchacha20poly1305_ietf_ABYTES)
static const unsigned char local_ad[] = "trygg number v1";

static int local_key(const unsigned char keypair[TRYGG_NUMKEY_LEN], unsigned char key[32])
{
    return crypto_kdf_derive_from_key(key, 32, 1, "tryggnum", keypair + crypto_box_PUBLICKEYBYTES);
}

trygg_err trygg_number_encrypt_local(const unsigned char keypair[TRYGG_NUMKEY_LEN],
                                     const char *number, unsigned char *cipher, size_t cap,
                                     size_t *len)
{
    if (keypair == NULL || number == NULL || cipher == NULL || len == NULL)
        return TRYGG_ERR_INVALID;
    char norm[20];
    trygg_err err = trygg_phone_normalise(number, norm);
    if (err)
        return err;
    size_t mlen = strlen(norm);
    if (cap < mlen + LOCAL_OVER)
        return TRYGG_ERR_TOOBIG;
    unsigned char key[32];
    if (local_key(keypair, key) != 0)
        return TRYGG_ERR_CRYPTO;
    cipher[0] = LOCAL_TAG;
    randombytes_buf(cipher + 1, LOCAL_NONCE);
    unsigned long long clen = 0;
    int rc = crypto_aead_xchacha20poly1305_ietf_encrypt(cipher + 1 + LOCAL_NONCE, &clen,
                                                        (const unsigned char *)norm, mlen, local_ad,
                                                        sizeof local_ad - 1, NULL, cipher + 1, key);
    sodium_memzero(key, sizeof key);
    sodium_memzero(norm, sizeof norm);
    if (rc != 0)
        return TRYGG_ERR_CRYPTO;
    *len = 1 + LOCAL_NONCE + (size_t)clen;
    return TRYGG_OK;
}

/* Opens the local format into plain[20]; 0 when it is not one (or does not
 * open: a sealed box may start with the tag byte by chance). */
static int open_local(const unsigned char keypair[TRYGG_NUMKEY_LEN], const unsigned char *cipher,
                      size_t len, unsigned char plain[20], size_t *mlen)
{
    if (len <= LOCAL_OVER || len - LOCAL_OVER > 19 || cipher[0] != LOCAL_TAG)
        return 0;
    unsigned char key[32];
    unsigned long long m = 0;
    int ok = local_key(keypair, key) == 0 &&
             crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &m, NULL, cipher + 1 + LOCAL_NONCE,
                                                        len - 1 - LOCAL_NONCE, local_ad,
                                                        sizeof local_ad - 1, cipher + 1, key) == 0;
    sodium_memzero(key, sizeof key);
    *mlen = (size_t)m;
    return ok;
}

trygg_err trygg_number_decrypt(const unsigned char keypair[TRYGG_NUMKEY_LEN],
                               const unsigned char *cipher, size_t len, char out[20])
{
    if (keypair == NULL || cipher == NULL || out == NULL)
        return TRYGG_ERR_INVALID;
    out[0] = '\0';
    unsigned char plain[20];
    size_t mlen = 0;
    if (!open_local(keypair, cipher, len, plain, &mlen)) {
        if (len <= crypto_box_SEALBYTES || len - crypto_box_SEALBYTES > 19)
            return TRYGG_ERR_CRYPTO;
        mlen = len - crypto_box_SEALBYTES;
        if (crypto_box_seal_open(plain, cipher, len, keypair,
                                 keypair + crypto_box_PUBLICKEYBYTES) != 0)
            return TRYGG_ERR_CRYPTO;
    }
    plain[mlen] = '\0';
    /* The plaintext must itself be a normalised number. */
    char check[20];
    if (trygg_phone_normalise((const char *)plain, check) != TRYGG_OK ||
        strcmp(check, (const char *)plain) != 0) {
        sodium_memzero(plain, sizeof plain);
        return TRYGG_ERR_CRYPTO;
    }
    memcpy(out, plain, mlen + 1);
    sodium_memzero(plain, sizeof plain);
    return TRYGG_OK;
}

trygg_err trygg_password_hash(const char *password, char out[128])
{
    if (password == NULL || out == NULL)
        return TRYGG_ERR_INVALID;
    _Static_assert(crypto_pwhash_STRBYTES <= 128, "pwhash string fits");
    if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return TRYGG_ERR_NOMEM;
    return TRYGG_OK;
}

trygg_err trygg_password_verify(const char *hash, const char *password)
{
    if (hash == NULL || password == NULL)
        return TRYGG_ERR_AUTH;
    if (strnlen(hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
        return TRYGG_ERR_AUTH;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? TRYGG_OK
                                                                           : TRYGG_ERR_AUTH;
}

trygg_err trygg_token_new(char out[64])
{
    if (out == NULL)
        return TRYGG_ERR_INVALID;
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, 64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    return TRYGG_OK;
}

void trygg_token_hash(const char *token, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    const char *t = token != NULL ? token : "";
    crypto_hash_sha256(h, (const unsigned char *)t, strlen(t));
    sodium_bin2hex(out, 65, h, sizeof h);
}

void trygg_random_bytes(void *buf, size_t len)
{
    randombytes_buf(buf, len);
}

uint32_t trygg_random_uniform(uint32_t upper)
{
    if (upper < 2)
        return 0;
    return randombytes_uniform(upper);
}
