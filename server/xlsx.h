/*
 * xlsx.h — one worksheet as an .xlsx file in memory (xlsx.c, libxlsxwriter):
 * text, numbers and date-times as typed cells, a header row that stays in
 * view with filter buttons.
 */
#ifndef TRYGG_SERVER_XLSX_H
#define TRYGG_SERVER_XLSX_H

#include <stddef.h>
#include <stdint.h>

typedef struct xlsx_sheet xlsx_sheet;

typedef enum { XLSX_TEXT, XLSX_LONG_TEXT, XLSX_NUMBER, XLSX_TIME } xlsx_type;

typedef struct xlsx_cell {
    xlsx_type type;
    const char *text; /* XLSX_TEXT, XLSX_LONG_TEXT (wrapped); NULL or "" = empty */
    double number;    /* XLSX_NUMBER */
    int64_t time;     /* XLSX_TIME: Unix time, shown in the configured zone; 0 = empty */
} xlsx_cell;

/* A new workbook with one sheet named `sheet_name` and the header row `head`
 * (ncols texts; widths in characters, NULL = 14 each). Its file lives in
 * `dir` (the server's data directory) until xlsx_finish/xlsx_abort.
 * NULL when the file cannot be made. */
xlsx_sheet *xlsx_open(const char *dir, const char *sheet_name, const char *const *head,
                      const double *widths, int ncols);
/* Appends one row of ncols cells. -1 once anything failed (sticky). */
int xlsx_row(xlsx_sheet *x, const xlsx_cell *cells);
/* Closes the workbook, gives its bytes (malloc'd) and frees x; the file is
 * removed. -1 on any failure (nothing given). */
int xlsx_finish(xlsx_sheet *x, char **data, size_t *len);
/* Drops the workbook and its file. */
void xlsx_abort(xlsx_sheet *x);

#endif
