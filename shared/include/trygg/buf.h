/*
 * buf.h — the one growable byte buffer of Trygg, with a hard size cap (as
 * curl's dynbuf). Every append returns a trygg_err the caller must check;
 * a failure is also sticky: after an append failed (cap passed or out of
 * memory) every later append fails with the same error and trygg_buf_err()
 * reports it, so a builder that appends many pieces may check once at the
 * end (trygg_buf_err) instead of after each piece.
 *
 * data is NUL-terminated whenever it is not NULL; data == NULL means empty.
 * A buffer is used by one thread at a time.
 */
#ifndef TRYGG_BUF_H
#define TRYGG_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

typedef struct trygg_buf {
    char *data;    /* the bytes, NUL-terminated (NULL while empty) */
    size_t len;    /* bytes in data, without the NUL */
    size_t cap;    /* bytes allocated */
    size_t max;    /* hard cap on len + 1 */
    trygg_err err; /* first failure (sticky), TRYGG_OK while none */
} trygg_buf;

/* Starts an empty buffer that may hold at most max - 1 bytes. */
void trygg_buf_init(trygg_buf *b, size_t max);
/* Frees the memory; b is empty (and without error) afterwards. */
void trygg_buf_free(trygg_buf *b);
/* Appends n bytes of s. TRYGG_ERR_TOOBIG when len + n would pass the cap,
 * TRYGG_ERR_NOMEM when memory runs out; both leave the content unchanged and
 * are sticky. */
TRYGG_MUST_CHECK trygg_err trygg_buf_add(trygg_buf *b, const void *s, size_t n);
/* Appends NUL-terminated s (NULL appends nothing). */
TRYGG_MUST_CHECK trygg_err trygg_buf_puts(trygg_buf *b, const char *s);
/* Appends formatted text (any length). */
TRYGG_MUST_CHECK trygg_err trygg_buf_printf(trygg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
TRYGG_MUST_CHECK trygg_err trygg_buf_vprintf(trygg_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* The first failure of any append so far (TRYGG_OK if none). */
TRYGG_MUST_CHECK trygg_err trygg_buf_err(const trygg_buf *b);
/* The content as a string ("" while empty); valid until the next append. */
const char *trygg_buf_str(const trygg_buf *b);
/* Hands the content to the caller (free() it; NULL while empty) and leaves
 * b empty. *len (may be NULL) gets its length. */
char *trygg_buf_take(trygg_buf *b, size_t *len);

#endif
