/*
 * xlsx.c — one worksheet written as an .xlsx file (libxlsxwriter), for
 * exports a case worker opens in a spreadsheet: a bold header row that stays
 * in view and carries filter buttons, text cells, and date-time cells as real
 * dates (in the configured zone) so the spreadsheet sorts and filters them.
 * This is the only file that talks to libxlsxwriter.
 *
 * libxlsxwriter 1.1 writes to a file only: the workbook goes to a private
 * temporary file in the server's data directory (mode 0600, the directory is
 * the server's own), is read back into memory and removed at once; its own
 * temporary files go to the same directory.
 */
#include "xlsx.h"

#include "trygg/copy.h"
#include "trygg/time.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define XLSX_MAX_BYTES (64L * 1024 * 1024)

struct xlsx_sheet {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *head, *date, *wrap;
    char path[600];
    char dir[520];
    int ncols;
    lxw_row_t row;
    int failed;
};

xlsx_sheet *xlsx_open(const char *dir, const char *sheet_name, const char *const *head,
                      const double *widths, int ncols)
{
    if (!dir || !dir[0])
        return NULL; /* never a file in the working directory or / */
    xlsx_sheet *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    if (snprintf(x->path, sizeof x->path, "%s/.export-XXXXXX", dir) >= (int)sizeof x->path ||
        !TRYGG_COPY(x->dir, dir)) {
        free(x);
        return NULL;
    }
    int fd = mkstemp(x->path);
    if (fd < 0) {
        free(x);
        return NULL;
    }
    close(fd); /* libxlsxwriter opens it by name; mkstemp made it 0600 */
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = x->dir};
    x->wb = workbook_new_opt(x->path, &opt);
    x->ws = x->wb ? workbook_add_worksheet(x->wb, sheet_name) : NULL;
    if (!x->ws) {
        xlsx_abort(x);
        return NULL;
    }
    x->ncols = ncols;
    x->head = workbook_add_format(x->wb);
    format_set_bold(x->head);
    format_set_bottom(x->head, LXW_BORDER_THIN);
    x->date = workbook_add_format(x->wb);
    format_set_num_format(x->date, "yyyy-mm-dd hh:mm");
    format_set_align(x->date, LXW_ALIGN_LEFT);
    x->wrap = workbook_add_format(x->wb);
    format_set_text_wrap(x->wrap);
    format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
    for (int c = 0; c < ncols; c++) {
        if (worksheet_write_string(x->ws, 0, (lxw_col_t)c, head[c], x->head) != LXW_NO_ERROR)
            x->failed = 1;
        worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, widths ? widths[c] : 14, NULL);
    }
    worksheet_freeze_panes(x->ws, 1, 0);
    x->row = 1;
    return x;
}

static void write_time(xlsx_sheet *x, lxw_col_t c, int64_t utc)
{
    if (utc <= 0)
        return;
    trygg_tm t;
    trygg_time_local(utc, &t);
    lxw_datetime dt = {.year = t.year,
                       .month = t.month,
                       .day = t.day,
                       .hour = t.hour,
                       .min = t.min,
                       .sec = (double)t.sec};
    if (worksheet_write_datetime(x->ws, x->row, c, &dt, x->date) != LXW_NO_ERROR)
        x->failed = 1;
}

int xlsx_row(xlsx_sheet *x, const xlsx_cell *cells)
{
    if (x->failed)
        return -1;
    for (int c = 0; c < x->ncols; c++) {
        const xlsx_cell *v = &cells[c];
        lxw_error e = LXW_NO_ERROR;
        if (v->type == XLSX_TIME)
            write_time(x, (lxw_col_t)c, v->time);
        else if (v->type == XLSX_NUMBER)
            e = worksheet_write_number(x->ws, x->row, (lxw_col_t)c, v->number, NULL);
        else if (v->text && v->text[0])
            /* a string cell is never a formula: no injection guard needed */
            e = worksheet_write_string(x->ws, x->row, (lxw_col_t)c, v->text,
                                       v->type == XLSX_LONG_TEXT ? x->wrap : NULL);
        if (e != LXW_NO_ERROR)
            x->failed = 1;
    }
    x->row++;
    return x->failed ? -1 : 0;
}

static int slurp(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || sb.st_size <= 0 || sb.st_size > XLSX_MAX_BYTES) {
        fclose(f);
        return -1;
    }
    char *buf = malloc((size_t)sb.st_size);
    if (!buf || fread(buf, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *data = buf;
    *len = (size_t)sb.st_size;
    return 0;
}

int xlsx_finish(xlsx_sheet *x, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    if (x->row > 1)
        worksheet_autofilter(x->ws, 0, 0, x->row - 1, (lxw_col_t)(x->ncols - 1));
    int rc = x->failed ? -1 : 0;
    lxw_error e = workbook_close(x->wb);
    x->wb = NULL;
    if (rc == 0 && e == LXW_NO_ERROR)
        rc = slurp(x->path, data, len);
    else
        rc = -1;
    unlink(x->path);
    free(x);
    return rc;
}

void xlsx_abort(xlsx_sheet *x)
{
    if (!x)
        return;
    if (x->wb)
        lxw_workbook_free(x->wb);
    unlink(x->path);
    free(x);
}
