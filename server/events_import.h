/*
 * events_import.h — a partner's weekly list (CSV, as a spreadsheet saves it,
 * or the spreadsheet itself, .xlsx)
 * read into partner events, row by row, with every error named by line and
 * column. Nothing is stored here: the caller stores all rows in one
 * transaction (trygg_store_event_add_many) or none when any row is wrong.
 *
 * The first line names the columns, in Swedish or English, in any order:
 *   datum/date (YYYY-MM-DD), typ/type, område/area, tid/time (a time of
 *   day or a clock time HH:MM) — all four required — and plats/place,
 *   antal/count (empty = 1), beskrivning/description.
 * A type is its stable name (trygg/item.h) or its label in a staff UI
 * language ("Klotter"); an area its id or label ("Lödöse"); a time of day
 * its name, label or a clock time. Case does not matter.
 */
#ifndef TRYGG_EVENTS_IMPORT_H
#define TRYGG_EVENTS_IMPORT_H

#include "config.h"
#include "trygg/i18n.h"
#include "trygg/item.h"

#define EVENTS_IMPORT_MAX_ROWS   5000
#define EVENTS_IMPORT_MAX_ERRORS 50

typedef struct events_import_error {
    int line;               /* 1-based line in the file (0: the file as a whole) */
    char column[32];        /* the column's name as written, "" for the whole row */
    char value[80];         /* what the cell held (cut), for the message */
    const char *reason_key; /* web catalog key of the reason */
} events_import_error;

typedef struct events_import {
    trygg_event *evs; /* the rows read, when nerrs == 0 */
    int n;
    events_import_error errs[EVENTS_IMPORT_MAX_ERRORS];
    int nerrs;
    int more_errors; /* errors past EVENTS_IMPORT_MAX_ERRORS */
} events_import;

/* Reads `text` for organisation `org`, filed by `reporter`; days after
 * `today` (YYYY-MM-DD) are refused. Returns TRYGG_OK when the file was read
 * (out->nerrs says whether its rows are usable), TRYGG_ERR_NOMEM otherwise.
 * Free with events_import_free. */
TRYGG_MUST_CHECK trygg_err events_import_csv(const server_catalog *cat, const trygg_i18n *texts,
                                             const char *text, size_t len, const char *org,
                                             const char *reporter, const char *today,
                                             events_import *out);
/* The same for an .xlsx workbook (xlsx_read.h): its first sheet, read like
 * the CSV (same columns, same rules, one row reading); a line is the sheet's
 * row number. A refused file or cell is an error like a wrong row. */
TRYGG_MUST_CHECK trygg_err events_import_xlsx(const server_catalog *cat, const trygg_i18n *texts,
                                              const void *data, size_t len, const char *org,
                                              const char *reporter, const char *today,
                                              events_import *out);
void events_import_free(events_import *imp);

#endif
