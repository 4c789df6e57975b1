/*
 * html.c — HTML escaping and URL query encoding into a trygg_buf.
 */
#include "trygg/html.h"

#include <string.h>

#include "trygg/utf8.h"

/* 1 if byte c may stand unescaped (ASCII): not markup, not a control. */
static int plain(unsigned char c)
{
    if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' || c == 0x7F)
        return 0;
    return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
}

static const char *entity(unsigned char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return "\xEF\xBF\xBD"; /* U+FFFD for controls and invalid bytes */
    }
}

trygg_err trygg_html_esc(trygg_buf *b, const char *s)
{
    if (s == NULL)
        return trygg_buf_err(b);
    return trygg_html_esc_n(b, s, strlen(s));
}

trygg_err trygg_html_esc_n(trygg_buf *b, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t run = i;
        /* The longest run that needs no escaping goes in one piece. */
        while (i < len) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x80) {
                if (!plain(c))
                    break;
                i++;
                continue;
            }
            uint32_t cp;
            size_t n = trygg_utf8_next(s + i, len - i, &cp);
            if (n == 0)
                break;
            i += n;
        }
        trygg_err e = trygg_buf_add(b, s + run, i - run);
        if (e)
            return e;
        if (i < len) {
            e = trygg_buf_puts(b, entity((unsigned char)s[i]));
            if (e)
                return e;
            i++;
        }
    }
    return trygg_buf_err(b);
}

trygg_err trygg_html_urlarg(trygg_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (s == NULL)
        return trygg_buf_err(b);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char c = (char)*p;
        trygg_err e;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            e = trygg_buf_add(b, &c, 1);
        } else {
            char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            e = trygg_buf_add(b, enc, 3);
        }
        if (e)
            return e;
    }
    return TRYGG_OK;
}
