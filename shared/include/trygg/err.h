/*
 * err.h — the one error enum of libtrygg.
 *
 * Every fallible libtrygg function returns a trygg_err. TRYGG_OK is 0, so
 * `if (err) ...` works. New codes are only ever appended (the numbers end up
 * in logs and exit codes). trygg_strerror() turns a code into English text for
 * logs; user-facing text comes from the translation catalogs instead.
 */
#ifndef TRYGG_ERR_H
#define TRYGG_ERR_H

/* A result the caller must look at: functions declared with it make an
 * ignored result a compile error under -Werror (GCC's warn_unused_result,
 * which a (void) cast does NOT silence). A caller that deliberately drops a
 * result says so with trygg_ignore(). tests/guards/guard_unused_result.py
 * checks that every trygg_err function in shared/include/trygg carries it. */
#if defined(__GNUC__) || defined(__clang__)
#define TRYGG_MUST_CHECK __attribute__((warn_unused_result))
#else
#define TRYGG_MUST_CHECK
#endif

typedef enum trygg_err {
    TRYGG_OK = 0,
    TRYGG_ERR_NOMEM,    /* out of memory */
    TRYGG_ERR_INVALID,  /* bad argument or invalid input (validation failed) */
    TRYGG_ERR_TOOBIG,   /* input over its size cap */
    TRYGG_ERR_NOTFOUND, /* no such item, user, kiosk, ... */
    TRYGG_ERR_EXISTS,   /* unique name already taken */
    TRYGG_ERR_IO,       /* file could not be read or written */
    TRYGG_ERR_DB,       /* database error (details in trygg_store_errmsg) */
    TRYGG_ERR_BUSY,     /* database locked longer than the busy timeout */
    TRYGG_ERR_FULL,     /* disk full or file size limit reached */
    TRYGG_ERR_READONLY, /* database or file is read-only */
    TRYGG_ERR_CONFIG,   /* configuration error (details carry file:line) */
    TRYGG_ERR_CRYPTO,   /* key missing/invalid, decryption failed */
    TRYGG_ERR_PERM,     /* not allowed for this user/role */
    TRYGG_ERR_SCHEMA,   /* database schema newer than this program */
    TRYGG_ERR_STATE,    /* operation not valid in the item's current state */
    TRYGG_ERR_AUTH,     /* wrong password, unknown or revoked token */
    TRYGG_ERR_LIMIT,    /* rate limit or flood limit reached */
} trygg_err;

/* Drops a result on purpose (best-effort work whose failure is logged or
 * harmless). Write why at the call site. */
static inline void trygg_ignore(trygg_err err)
{
    (void)err;
}

/* Returns a static English description of `err`; never NULL (unknown codes
 * give "unknown error"). */
const char *trygg_strerror(trygg_err err);

#endif
