/*
 * html.h — the one HTML escaper (staff web UI, the report's HTML and SVG).
 */
#ifndef TRYGG_HTML_H
#define TRYGG_HTML_H

#include "buf.h"

/* Appends s escaped for element content and double- or single-quoted
 * attributes: & < > " ' become entities; C0 controls other than
 * tab/newline/CR, DEL and bytes that are not valid UTF-8 become U+FFFD.
 * NULL appends nothing. Errors as trygg_buf_add. */
TRYGG_MUST_CHECK trygg_err trygg_html_esc(trygg_buf *b, const char *s);
/* The same for the len bytes at s (a NUL among them is escaped too). */
TRYGG_MUST_CHECK trygg_err trygg_html_esc_n(trygg_buf *b, const char *s, size_t len);
/* Appends s percent-encoded for a URL query component (unreserved characters
 * of RFC 3986 stay), which is also attribute-safe. */
TRYGG_MUST_CHECK trygg_err trygg_html_urlarg(trygg_buf *b, const char *s);

#endif
