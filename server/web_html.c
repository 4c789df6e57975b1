/*
 * web_html.c — the one escaping path of the staff UI: a size-capped HTML
 * buffer (trygg_buf) where literal markup enters only as string literals
 * (html_lit) and every dynamic value is escaped on the way in
 * (trygg_html_esc, shared with the report).
 */
#include "web.h"

#include "trygg/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void html_init(html_buf *b, size_t max)
{
    trygg_buf_init(b, max);
}

void html_free(html_buf *b)
{
    trygg_buf_free(b);
}

/* Every append below drops its result: the buffer's error is sticky and
 * html_send checks it before anything is sent. */

void html_raw_(html_buf *b, const char *lit, size_t len)
{
    trygg_ignore(trygg_buf_add(b, lit, len));
}

void html_text(html_buf *b, const char *s)
{
    trygg_ignore(trygg_html_esc(b, s));
}

void html_attr(html_buf *b, const char *s)
{
    trygg_ignore(trygg_html_esc(b, s));
}

void html_int(html_buf *b, long long v)
{
    trygg_ignore(trygg_buf_printf(b, "%lld", v));
}

void html_urlarg(html_buf *b, const char *s)
{
    trygg_ignore(trygg_html_urlarg(b, s));
}

int html_send(html_buf *b, http_resp *resp, int status)
{
    if (trygg_buf_err(b) || !b->data) {
        html_free(b);
        http_resp_set(resp, 500, "text/plain; charset=utf-8", "500\n", 4);
        return -1;
    }
    int rc = http_resp_set(resp, status, "text/html; charset=utf-8", b->data, b->len);
    html_free(b);
    return rc;
}
