/*
 * csv.h — the one CSV writer (report CSV, the web export, tryggctl export)
 * and the one reader (partners' weekly lists imported as events).
 *
 * RFC 4180: fields separated by ',', rows end in CRLF, a text field is
 * always quoted and its '"' doubled. A field a spreadsheet would run as a
 * formula (starting with = + - @ tab or CR) gets a leading apostrophe inside
 * the quotes, so it is shown as text (OWASP "CSV injection").
 */
#ifndef TRYGG_CSV_H
#define TRYGG_CSV_H

#include "buf.h"

/* Appends one quoted, formula-guarded text field; first = 1 for the first
 * field of a row (no ',' before it). NULL is the empty field. */
TRYGG_MUST_CHECK trygg_err trygg_csv_field(trygg_buf *b, const char *value, int first);
/* The same, separated from the field before by `sep` ('\0' for the first
 * field of a row). Exports meant for a spreadsheet use
 * TRYGG_CSV_SPREADSHEET: a Swedish spreadsheet splits on ';' (its list
 * separator, since ',' is the decimal comma) and reads UTF-8 after a BOM. */
#define TRYGG_CSV_SPREADSHEET ';'
TRYGG_MUST_CHECK trygg_err trygg_csv_field_sep(trygg_buf *b, const char *value, char sep);
/* Appends one field as it is (numbers, fixed names: no quoting; the caller
 * vouches that it has no , " CR or LF and cannot start a formula). */
TRYGG_MUST_CHECK trygg_err trygg_csv_raw(trygg_buf *b, const char *value, int first);
/* Ends the row (CRLF). */
TRYGG_MUST_CHECK trygg_err trygg_csv_end(trygg_buf *b);
/* 1 if a spreadsheet would read `value` as a formula (what the guard catches). */
int trygg_csv_is_formula(const char *value);

/* ---- Reading -------------------------------------------------------------------
 * RFC 4180 as spreadsheets write it: a field may be quoted ("" inside is one
 * "), a quoted field may hold the delimiter and line breaks, records end in
 * LF or CRLF, a UTF-8 byte order mark at the start is skipped, and empty
 * lines are skipped. The delimiter is ',' or ';' (Swedish spreadsheets). */
typedef struct trygg_csv_reader {
    const char *p, *end;
    char delim;
    int line;      /* 1-based line where the last record read starts */
    int next_line; /* line where the next record starts */
    trygg_buf rec; /* the fields of the last record, each NUL-terminated */
} trygg_csv_reader;

#define TRYGG_CSV_RECORD_MAX 65536 /* bytes of one record */

/* Starts reading text[0..len) with delimiter `delim`. */
void trygg_csv_reader_init(trygg_csv_reader *r, const char *text, size_t len, char delim);
void trygg_csv_reader_free(trygg_csv_reader *r);
/* Reads the next record: fields[0..*n) point into the reader (valid until the
 * next call). TRYGG_ERR_NOTFOUND at the end; TRYGG_ERR_INVALID for a quote
 * that is never closed, text after a closing quote, more than `max` fields
 * or a NUL byte; TRYGG_ERR_TOOBIG for a record over TRYGG_CSV_RECORD_MAX. */
TRYGG_MUST_CHECK trygg_err trygg_csv_read(trygg_csv_reader *r, const char **fields, int max,
                                          int *n);
/* The delimiter of the first line of `text`: ';' when it has more ';' than
 * ',' outside quotes, else ','. */
char trygg_csv_sniff(const char *text, size_t len);

#endif
