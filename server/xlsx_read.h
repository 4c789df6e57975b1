/*
 * xlsx_read.h — the first worksheet of an .xlsx workbook, read from memory
 * into rows of text cells (xlsx_read.c: libzip opens the package, libxml2
 * reads its parts). The counterpart of xlsx.h, which writes one.
 *
 * What is read: the leftmost sheet of the workbook (the first <sheet> of
 * the workbook part; other sheets are ignored). A cell becomes text:
 *   - shared strings (t="s"), inline strings (t="inlineStr") and formula
 *     strings (t="str") as their text (rich-text runs joined, phonetic
 *     guides left out);
 *   - numbers as written ("3", "2.5");
 *   - numbers in a date or time format (the styles part: built-in formats
 *     14-22 and 45-47, or a custom format with d, m, y, h or s outside
 *     quotes) as "YYYY-MM-DD", "HH:MM" (a value below 1) or
 *     "YYYY-MM-DD HH:MM", from serials in the 1900 date system (serial 60,
 *     Excel's 29 February 1900, is refused) or the 1904 system when the
 *     workbook says so;
 *   - booleans as "TRUE" / "FALSE".
 * Refused cells (a problem with its row and column; the rest is still read):
 * a formula without a saved value, an error value (#N/A, …), a date serial
 * outside 1900-01-01..9999-12-31, text in a column past XLSX_READ_MAX_COLS.
 * Refused files (error_key set, no rows): not a zip or not a workbook, a
 * missing part, XML that is not well-formed, any DTD (so no entity
 * declarations at all; libxml2 runs with XML_PARSE_NONET and without entity
 * substitution), a part bigger than XLSX_READ_PART_MAX unpacked, all parts
 * together past XLSX_READ_TOTAL_MAX, or a part that unpacks more than
 * XLSX_READ_RATIO times its packed size (a zip bomb).
 */
#ifndef TRYGG_SERVER_XLSX_READ_H
#define TRYGG_SERVER_XLSX_READ_H

#include <stddef.h>

#include "trygg/err.h"

#define XLSX_READ_MAX_COLS     32
#define XLSX_READ_MAX_PROBLEMS 50
#define XLSX_READ_PART_MAX     (8u << 20)
#define XLSX_READ_TOTAL_MAX    (24u << 20)
#define XLSX_READ_RATIO        100
#define XLSX_READ_MAX_ENTRIES  2000

typedef struct xlsx_read_row {
    int line;                       /* the sheet's row number, 1-based */
    int n;                          /* cells up to the last one that holds text */
    char *cell[XLSX_READ_MAX_COLS]; /* NULL: empty */
} xlsx_read_row;

typedef struct xlsx_read_problem {
    int line;               /* the sheet's row number */
    int col;                /* 0-based column */
    const char *reason_key; /* web catalog key */
} xlsx_read_problem;

typedef struct xlsx_table {
    xlsx_read_row *rows; /* rows that hold any text, in sheet order */
    int nrows;
    int more_rows; /* 1 when the sheet has more than max_rows such rows */
    xlsx_read_problem probs[XLSX_READ_MAX_PROBLEMS];
    int nprobs;
    const char *error_key; /* the file as a whole was refused (web catalog key) */
} xlsx_table;

/* 1 when data looks like a zip package (an .xlsx) rather than text. */
int xlsx_read_is_zip(const void *data, size_t len);

/* Reads at most max_rows rows of the first sheet. TRYGG_OK when done (see
 * out->error_key), TRYGG_ERR_NOMEM otherwise. Free with xlsx_table_free. */
TRYGG_MUST_CHECK trygg_err xlsx_read(const void *data, size_t len, int max_rows, xlsx_table *out);
void xlsx_table_free(xlsx_table *t);

/* "YYYY-MM-DD", "HH:MM" or "YYYY-MM-DD HH:MM" for a date serial (date1904:
 * the 1904 system) into out[20]; -1 when out of range. */
int xlsx_read_serial(double serial, int date1904, char out[20]);

#endif
