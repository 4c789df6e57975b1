/*
 * web_csv.c — CSV cells for the export: RFC 4180 quoting and protection
 * against formula injection in spreadsheet programs.
 */
#include "web.h"

#include <string.h>

int web_csv_cell(char *out, size_t cap, size_t *len, const char *value, int first)
{
    const char *v = value ? value : "";
    int guard =
        (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r');
    size_t need = (first ? 0 : 1) + 2 + (guard ? 1 : 0);
    for (const char *p = v; *p; p++)
        need += (*p == '"') ? 2 : 1;
    if (*len + need + 1 > cap)
        return -1;
    char *o = out + *len;
    if (!first)
        *o++ = ',';
    *o++ = '"';
    if (guard)
        *o++ = '\'';
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            *o++ = '"';
        *o++ = *p;
    }
    *o++ = '"';
    *o = '\0';
    *len = (size_t)(o - out);
    return 0;
}
