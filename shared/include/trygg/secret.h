/*
 * secret.h — keys, pseudonyms, encryption and passwords (libsodium).
 *
 * Keys live in files in the data directory's keys/, created by
 * `tryggctl init` (layout in docs/tryggctl.md):
 *   pseudonym.key  32 bytes, 0600: HMAC key for phone-number pseudonyms (server+gateway)
 *   number.pub     32 bytes, 0644: public half of the number key pair; all the
 *                  server needs (it encrypts, never decrypts)
 *   number.key     64 bytes, 0600: the key pair (pk||sk); only the gateway may
 *                  read it (trygg-server refuses to start if it can).
 * A phone number is normalised (E.164, "+46...") before hashing or encrypting.
 * trygg_secret_init() must be called once before anything else (sodium_init).
 */
#ifndef TRYGG_SECRET_H
#define TRYGG_SECRET_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

TRYGG_MUST_CHECK trygg_err trygg_secret_init(void);

/* Normalises a phone number to E.164 (+46 default for national "07..."):
 * keeps + and digits, 00 -> +. TRYGG_ERR_INVALID if not 6..15 digits. */
TRYGG_MUST_CHECK trygg_err trygg_phone_normalise(const char *in, char out[20]);

/* Creates a key file of `len` random bytes with mode 0600 if it does not
 * exist (existing files are left alone). */
TRYGG_MUST_CHECK trygg_err trygg_key_create(const char *path, size_t len);
/* Reads exactly `len` bytes; TRYGG_ERR_CRYPTO if size differs or mode is
 * readable by others. */
TRYGG_MUST_CHECK trygg_err trygg_key_read(const char *path, unsigned char *key, size_t len);
#define TRYGG_PSEUDO_KEY_LEN 32

/* Keyed pseudonym of a normalised number: hex of HMAC-SHA-256 (64 chars + NUL). */
/* Keyed pseudonym of a sender that is not a phone number (an operator's
 * "Telia", a bank, a short code "72000"): hex HMAC-SHA-256 of "name:" and
 * the name upper-cased (ASCII), trimmed, inner blanks collapsed. Its own
 * namespace: never equal to a number's pseudonym, and such a sender can
 * never be answered (there is no number to encrypt). */
TRYGG_MUST_CHECK trygg_err trygg_sender_pseudonym(const unsigned char key[TRYGG_PSEUDO_KEY_LEN],
                                                  const char *name, char out[65]);
TRYGG_MUST_CHECK trygg_err trygg_pseudonym(const unsigned char key[TRYGG_PSEUDO_KEY_LEN],
                                           const char *number, char out[65]);

/* Number encryption: sealed boxes (crypto_box_seal) to the gateway's public
 * key. Key pair file holds pk||sk (64 bytes); trygg_numkey_create makes it. */
#define TRYGG_NUMKEY_LEN 64
TRYGG_MUST_CHECK trygg_err trygg_numkey_create(const char *path);
/* Public half of a number key pair (32 bytes). */
#define TRYGG_NUMPUB_LEN 32
/* Writes the public half of the key pair in `keypair_path` to `pub_path`
 * (mode 0644) if `pub_path` does not exist (an existing file is left alone).
 * Errors of trygg_key_read for the key pair. */
TRYGG_MUST_CHECK trygg_err trygg_numkey_write_pub(const char *keypair_path, const char *pub_path);
/* Reads a public key file: a regular file of exactly 32 bytes, not writable
 * by group or others (it may be readable by anyone); TRYGG_ERR_CRYPTO
 * otherwise. */
TRYGG_MUST_CHECK trygg_err trygg_numkey_pub_read(const char *path,
                                                 unsigned char pk[TRYGG_NUMPUB_LEN]);
/* cipher[cap] gets the sealed number; *len its length (< 128 for any number). */
TRYGG_MUST_CHECK trygg_err trygg_number_encrypt(const unsigned char keypair_or_pk[32],
                                                const char *number, unsigned char *cipher,
                                                size_t cap, size_t *len);
/* The gateway's own copy, made with the whole key pair: XChaCha20-Poly1305
 * under a key derived from the secret half (only the key pair's holder can
 * make or open it). A sealed box costs two X25519 scalar multiplications
 * (0.7 M instructions, issue 13), which buy nothing when the one encrypting
 * is the one decrypting. *len < 64 for any number. */
TRYGG_MUST_CHECK trygg_err trygg_number_encrypt_local(const unsigned char keypair[TRYGG_NUMKEY_LEN],
                                                      const char *number, unsigned char *cipher,
                                                      size_t cap, size_t *len);
/* Opens either form: a sealed box (trygg_number_encrypt) or the local one. */
TRYGG_MUST_CHECK trygg_err trygg_number_decrypt(const unsigned char keypair[TRYGG_NUMKEY_LEN],
                                                const unsigned char *cipher, size_t len,
                                                char out[20]);

/* Password hashing, argon2id (crypto_pwhash_str, interactive limits). */
TRYGG_MUST_CHECK trygg_err trygg_password_hash(const char *password, char out[128]);
/* TRYGG_OK if it matches, TRYGG_ERR_AUTH otherwise. */
TRYGG_MUST_CHECK trygg_err trygg_password_verify(const char *hash, const char *password);

/* Random token, URL-safe base64 of 32 bytes (43 chars + NUL). */
TRYGG_MUST_CHECK trygg_err trygg_token_new(char out[64]);
/* Hex SHA-256 of a token (tokens are high-entropy; no slow hash needed). */
void trygg_token_hash(const char *token, char out[65]);

/* Random bytes / uniform integer below `upper`. */
void trygg_random_bytes(void *buf, size_t len);
uint32_t trygg_random_uniform(uint32_t upper);

/* HMAC-SHA-256 of data with key, hex out (webhook signatures). */
void trygg_hmac_sha256_hex(const unsigned char *key, size_t keylen, const void *data, size_t len,
                           char out[65]);

#endif
