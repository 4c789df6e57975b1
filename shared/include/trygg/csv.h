/*
 * csv.h — the one CSV writer (report CSV, the web export, tryggctl export).
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
/* Appends one field as it is (numbers, fixed names: no quoting; the caller
 * vouches that it has no , " CR or LF and cannot start a formula). */
TRYGG_MUST_CHECK trygg_err trygg_csv_raw(trygg_buf *b, const char *value, int first);
/* Ends the row (CRLF). */
TRYGG_MUST_CHECK trygg_err trygg_csv_end(trygg_buf *b);
/* 1 if a spreadsheet would read `value` as a formula (what the guard catches). */
int trygg_csv_is_formula(const char *value);

#endif
