/*
 * buf.c — the growable, capped byte buffer (see trygg/buf.h).
 */
#include "trygg/buf.h"

#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_FIRST 4096

void trygg_buf_init(trygg_buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void trygg_buf_free(trygg_buf *b)
{
    size_t max = b->max;
    if (b->data) /* request and answer bodies may hold a resident's words */
        sodium_memzero(b->data, b->cap);
    free(b->data);
    trygg_buf_init(b, max);
}

/* Makes room for `more` bytes plus the NUL. */
static trygg_err reserve(trygg_buf *b, size_t more)
{
    if (b->err)
        return b->err;
    if (more >= b->max || b->len + more + 1 > b->max) {
        b->err = TRYGG_ERR_TOOBIG;
        return b->err;
    }
    if (b->len + more + 1 <= b->cap)
        return TRYGG_OK;
    size_t nc = b->cap ? b->cap : BUF_FIRST;
    while (nc < b->len + more + 1)
        nc *= 2;
    if (nc > b->max)
        nc = b->max;
    char *d = realloc(b->data, nc);
    if (d == NULL) {
        b->err = TRYGG_ERR_NOMEM;
        return b->err;
    }
    b->data = d;
    b->cap = nc;
    return TRYGG_OK;
}

trygg_err trygg_buf_add(trygg_buf *b, const void *s, size_t n)
{
    trygg_err e = reserve(b, n);
    if (e)
        return e;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return TRYGG_OK;
}

trygg_err trygg_buf_puts(trygg_buf *b, const char *s)
{
    if (s == NULL)
        return b->err;
    return trygg_buf_add(b, s, strlen(s));
}

trygg_err trygg_buf_vprintf(trygg_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) {
        if (!b->err)
            b->err = TRYGG_ERR_INVALID;
        return b->err;
    }
    trygg_err e = reserve(b, (size_t)n);
    if (e)
        return e;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return TRYGG_OK;
}

trygg_err trygg_buf_printf(trygg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    trygg_err e = trygg_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return e;
}

trygg_err trygg_buf_err(const trygg_buf *b)
{
    return b->err;
}

const char *trygg_buf_str(const trygg_buf *b)
{
    return b->data ? b->data : "";
}

char *trygg_buf_take(trygg_buf *b, size_t *len)
{
    char *d = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}
