/*
 * web_html.c — the one escaping path of the staff UI: a size-capped HTML
 * buffer where literal markup enters only as string literals (html_lit) and
 * every dynamic value is escaped on the way in.
 */
#include "web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void html_init(html_buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void html_free(html_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static int reserve(html_buf *b, size_t more)
{
    if (b->full)
        return -1;
    if (more > b->max || b->len + more + 1 > b->max) {
        b->full = 1;
        return -1;
    }
    if (b->len + more + 1 <= b->cap)
        return 0;
    size_t ncap = b->cap ? b->cap : 4096;
    while (ncap < b->len + more + 1)
        ncap *= 2;
    if (ncap > b->max)
        ncap = b->max;
    char *p = realloc(b->data, ncap);
    if (!p) {
        b->full = 1;
        return -1;
    }
    b->data = p;
    b->cap = ncap;
    return 0;
}

static void put(html_buf *b, const char *s, size_t n)
{
    if (reserve(b, n) != 0)
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void html_raw_(html_buf *b, const char *lit, size_t len)
{
    put(b, lit, len);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned int cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && cp < 0x10000) ||
        cp > 0x10FFFF)
        return 0;
    return n;
}

static void escape(html_buf *b, const char *s)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        const unsigned char *run = p;
        /* Copy the longest run that needs no escaping in one go. */
        while (*p && *p != '&' && *p != '<' && *p != '>' && *p != '"' && *p != '\'' &&
               (*p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r') && *p != 0x7F) {
            size_t n = utf8_seq(p);
            if (n == 0)
                break;
            p += n;
        }
        if (p > run)
            put(b, (const char *)run, (size_t)(p - run));
        if (!*p)
            break;
        switch (*p) {
        case '&':
            html_lit(b, "&amp;");
            break;
        case '<':
            html_lit(b, "&lt;");
            break;
        case '>':
            html_lit(b, "&gt;");
            break;
        case '"':
            html_lit(b, "&quot;");
            break;
        case '\'':
            html_lit(b, "&#39;");
            break;
        default:
            html_lit(b, "\xEF\xBF\xBD"); /* U+FFFD for controls and invalid bytes */
            break;
        }
        p++;
    }
}

void html_text(html_buf *b, const char *s)
{
    escape(b, s);
}

void html_attr(html_buf *b, const char *s)
{
    escape(b, s);
}

void html_int(html_buf *b, long long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", v);
    put(b, tmp, (size_t)n);
}

void html_urlarg(html_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!s)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char c = (char)*p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            put(b, &c, 1);
        } else {
            char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            put(b, enc, 3);
        }
    }
}

int html_send(html_buf *b, http_resp *resp, int status)
{
    if (b->full || !b->data) {
        html_free(b);
        http_resp_set(resp, 500, "text/plain; charset=utf-8", "500\n", 4);
        return -1;
    }
    int rc = http_resp_set(resp, status, "text/html; charset=utf-8", b->data, b->len);
    html_free(b);
    return rc;
}
