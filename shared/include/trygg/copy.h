/*
 * copy.h — copying a string into a fixed array, with the truncation checked.
 *
 * trygg_copy() says whether everything fit; the caller must look (a silent
 * cut of a name, key or path is a bug). Where a cut is wanted — display text
 * shown shortened — trygg_copy_trunc() says so by its name and cuts at a
 * UTF-8 character boundary. TRYGG_COPY(dst, src) takes the capacity from an
 * array and fails to compile when dst is a pointer. TRYGG_COPY_FIT(dst, src)
 * copies between arrays when the compiler can see that src always fits.
 */
#ifndef TRYGG_COPY_H
#define TRYGG_COPY_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Copies NUL-terminated src (NULL = "") into dst[cap], NUL-terminated.
 * Returns true if all of src fit. Otherwise returns false and dst holds the
 * longest prefix that fits, cut at a UTF-8 character boundary ("" if
 * cap == 1). cap must be >= 1. */
TRYGG_MUST_CHECK bool trygg_copy(char *dst, size_t cap, const char *src);
/* The same copy for display text where a shortened value is acceptable:
 * cut at a UTF-8 character boundary when it does not fit. */
void trygg_copy_trunc(char *dst, size_t cap, const char *src);

/* 0 when a is an array; a compile error when it is a pointer (the kernel's
 * __must_be_array). */
#define TRYGG_ARRAY_CHECK_(a)                                                                      \
    (0 * sizeof(char[1 - 2 * __builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0]))]))
/* trygg_copy into an array, capacity from sizeof. */
#define TRYGG_COPY(dst, src) trygg_copy((dst), sizeof(dst) + TRYGG_ARRAY_CHECK_(dst), (src))
/* 0 when the array dst is at least as large as the array (or string
 * literal) src; a compile error otherwise. */
#define TRYGG_FITS_CHECK_(dst, src) (0 * sizeof(char[sizeof(dst) >= sizeof(src) ? 1 : -1]))
/* Copies array (or string literal) src into array dst when dst is at least
 * as large, which the compiler checks, so the copy cannot cut: for copies
 * between fields of the same size, which need no run-time check. */
#define TRYGG_COPY_FIT(dst, src)                                                                   \
    trygg_copy_trunc((dst),                                                                        \
                     sizeof(dst) + TRYGG_ARRAY_CHECK_(dst) + TRYGG_ARRAY_CHECK_(src) +             \
                         TRYGG_FITS_CHECK_(dst, src),                                              \
                     (src))
/* trygg_copy_trunc into an array, capacity from sizeof. */
#define TRYGG_COPY_TRUNC(dst, src)                                                                 \
    trygg_copy_trunc((dst), sizeof(dst) + TRYGG_ARRAY_CHECK_(dst), (src))

#endif
