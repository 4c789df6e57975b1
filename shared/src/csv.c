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
    return trygg_csv_field_sep(b, value, first ? '\0' : ',');
}

trygg_err trygg_csv_field_sep(trygg_buf *b, const char *value, char sep)
{
    const char *v = value ? value : "";
    trygg_err e = sep ? trygg_buf_add(b, &sep, 1) : TRYGG_OK;
    if (!e)
        e = trygg_buf_add(b, "\"", 1);
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

/* ---- Reading ------------------------------------------------------------------ */

void trygg_csv_reader_init(trygg_csv_reader *r, const char *text, size_t len, char delim)
{
    memset(r, 0, sizeof *r);
    r->p = text;
    r->end = text + len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        r->p += 3;
    r->delim = delim;
    r->next_line = 1;
    trygg_buf_init(&r->rec, TRYGG_CSV_RECORD_MAX);
}

void trygg_csv_reader_free(trygg_csv_reader *r)
{
    trygg_buf_free(&r->rec);
}

/* Reads one quoted field's content (r->p just past the opening quote) into
 * the record; leaves r->p just past the closing quote. */
static trygg_err read_quoted(trygg_csv_reader *r)
{
    for (;;) {
        if (r->p >= r->end)
            return TRYGG_ERR_INVALID; /* never closed */
        const char *q = memchr(r->p, '"', (size_t)(r->end - r->p));
        const char *stop = q ? q : r->end;
        for (const char *c = r->p; c < stop; c++)
            if (*c == '\n')
                r->next_line++;
        trygg_err e = trygg_buf_add(&r->rec, r->p, (size_t)(stop - r->p));
        if (e || !q)
            return e ? e : TRYGG_ERR_INVALID;
        r->p = q + 1;
        if (r->p < r->end && *r->p == '"') { /* "" is one quote */
            e = trygg_buf_add(&r->rec, "\"", 1);
            if (e)
                return e;
            r->p++;
            continue;
        }
        return TRYGG_OK;
    }
}

/* Reads one field into the record, up to (not past) its delimiter or line
 * end. */
static trygg_err read_field(trygg_csv_reader *r)
{
    trygg_err e = TRYGG_OK;
    if (r->p < r->end && *r->p == '"') {
        r->p++;
        e = read_quoted(r);
        if (!e && r->p < r->end && *r->p != r->delim && *r->p != '\n' && *r->p != '\r')
            e = TRYGG_ERR_INVALID; /* text after the closing quote */
    } else {
        const char *s = r->p;
        while (r->p < r->end && *r->p != r->delim && *r->p != '\n' && *r->p != '\r')
            r->p++;
        e = trygg_buf_add(&r->rec, s, (size_t)(r->p - s));
    }
    if (!e)
        e = trygg_buf_add(&r->rec, "", 1); /* each field ends in NUL */
    return e;
}

static void skip_empty_lines(trygg_csv_reader *r)
{
    while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
        if (*r->p == '\n')
            r->next_line++;
        r->p++;
    }
}

trygg_err trygg_csv_read(trygg_csv_reader *r, const char **fields, int max, int *n)
{
    *n = 0;
    skip_empty_lines(r);
    if (r->p >= r->end)
        return TRYGG_ERR_NOTFOUND;
    r->line = r->next_line;
    r->rec.len = 0;
    int count = 0;
    trygg_err e = TRYGG_OK;
    for (;;) {
        if (count >= max)
            return TRYGG_ERR_INVALID;
        e = read_field(r);
        if (e)
            return e;
        count++;
        if (r->p < r->end && *r->p == r->delim) {
            r->p++;
            continue;
        }
        break;
    }
    if (r->p < r->end && *r->p == '\r')
        r->p++;
    if (r->p < r->end && *r->p == '\n') {
        r->p++;
        r->next_line++;
    }
    const char *f = r->rec.data;
    for (int i = 0; i < count; i++) {
        fields[i] = f;
        f += strlen(f) + 1;
    }
    if (f != r->rec.data + r->rec.len)
        return TRYGG_ERR_INVALID; /* a NUL byte inside a field */
    *n = count;
    return TRYGG_OK;
}

char trygg_csv_sniff(const char *text, size_t len)
{
    int semi = 0, comma = 0, quoted = 0;
    for (size_t i = 0; i < len && (quoted || (text[i] != '\n' && text[i] != '\r')); i++) {
        if (text[i] == '"')
            quoted = !quoted;
        else if (!quoted && text[i] == ';')
            semi++;
        else if (!quoted && text[i] == ',')
            comma++;
    }
    return semi > comma ? ';' : ',';
}
