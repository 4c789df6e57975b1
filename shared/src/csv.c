/*
 * csv.c — RFC 4180 fields with the spreadsheet formula guard (see trygg/csv.h).
 */
#include "trygg/csv.h"

#include <string.h>

int trygg_csv_is_formula(const char *v)
{
    return v != NULL && v[0] != '\0' && strchr("=+-@\t\r", v[0]) != NULL;
}

trygg_err trygg_csv_field(trygg_buf *b, const char *value, int first)
{
    const char *v = value ? value : "";
    trygg_err e = trygg_buf_puts(b, first ? "\"" : ",\"");
    if (!e && trygg_csv_is_formula(v))
        e = trygg_buf_add(b, "'", 1);
    while (!e && *v) {
        const char *q = strchr(v, '"');
        size_t n = q ? (size_t)(q - v) + 1 : strlen(v);
        e = trygg_buf_add(b, v, n);
        if (!e && q)
            e = trygg_buf_add(b, "\"", 1); /* the quote doubled */
        v += n;
    }
    if (!e)
        e = trygg_buf_add(b, "\"", 1);
    return e;
}

trygg_err trygg_csv_raw(trygg_buf *b, const char *value, int first)
{
    trygg_err e = first ? TRYGG_OK : trygg_buf_add(b, ",", 1);
    if (!e)
        e = trygg_buf_puts(b, value ? value : "");
    return e;
}

trygg_err trygg_csv_end(trygg_buf *b)
{
    return trygg_buf_add(b, "\r\n", 2);
}
