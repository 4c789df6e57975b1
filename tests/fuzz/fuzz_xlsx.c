/*
 * fuzz_xlsx.c — libFuzzer target: the weekly list's workbook reader
 * (server/xlsx_read.c: libzip and libxml2 over an .xlsx in memory). Each
 * input is read as a package. Checks: no crash or leak; a refused file has
 * no rows; every row's cells are within its width and every row number
 * rises; every problem names a row and a reason.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "xlsx_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xlsx_table t;
    if (xlsx_read(data, size, 50, &t) != TRYGG_OK)
        return 0;
    if (t.error_key && t.nrows != 0)
        abort();
    for (int r = 0; r < t.nrows; r++) {
        if (t.rows[r].n < 1 || t.rows[r].n > XLSX_READ_MAX_COLS)
            abort();
        if (r > 0 && t.rows[r].line <= t.rows[r - 1].line)
            abort();
    }
    for (int i = 0; i < t.nprobs; i++)
        if (t.probs[i].line < 1 || !t.probs[i].reason_key)
            abort();
    xlsx_table_free(&t);
    return 0;
}
