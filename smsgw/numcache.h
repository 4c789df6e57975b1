/*
 * numcache.h — a texter's number in plain text between the receipt of a
 * message and its acknowledgement, so the acknowledgement does not decrypt
 * the ciphertext the gateway just made (issue 13: that was a tenth of the
 * gateway's instructions per SMS).
 *
 * Privacy (docs/privacy.md, "the number between receipt and reply"): the
 * numbers are held only in memory from sodium_malloc (guard pages; locked
 * against swapping and marked not to be dumped where the system allows it:
 * libsodium goes on when the memlock limit refuses), read- and
 * write-protected (sodium_mprotect_noaccess)
 * except inside these functions, never written anywhere. An entry is wiped
 * (sodium_memzero) when its last awaited reply took it, after NC_TTL
 * seconds, when it is dropped (STOP, a number the server forgot) and when
 * the cache is freed. At most NC_SLOTS numbers are held; a full cache wipes
 * the entry closest to expiry. Not thread-safe: the gateway's main loop
 * only. The store stays the authority on whether a number may be texted
 * (relay_number_modem asks it first); the cache only saves the decryption.
 */
#ifndef SMSGW_NUMCACHE_H
#define SMSGW_NUMCACHE_H

#include <stdint.h>

#define NC_SLOTS 64
#define NC_TTL   600 /* seconds */

typedef struct numcache numcache;

/* NULL when out of memory. */
numcache *nc_new(void);
/* Wipes and frees; NULL is fine. */
void nc_free(numcache *c);

/* Holds `number` for pseudonym `pseudo` (one more reply awaited) until
 * now + NC_TTL. */
void nc_put(numcache *c, const char *pseudo, const char *number, int64_t now);

/* 1 with the number in number[20] when it is held and not expired, else 0.
 * consume: one awaited reply took it (the last one wipes the entry). */
int nc_get(numcache *c, const char *pseudo, char number[20], int64_t now, int consume);

/* Wipes the entry of `pseudo`, if any. */
void nc_drop(numcache *c, const char *pseudo);

/* Entries held and not expired at `now` (tests). */
int nc_count(numcache *c, int64_t now);

#endif
