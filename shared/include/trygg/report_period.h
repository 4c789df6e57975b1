/*
 * report_period.h — the quarter and the year: the council's quarterly area
 * analysis (kvartalsvis områdesanalys for the brottsförebyggande rådet) and
 * the steering group's yearly or half-yearly report (årsrapport, with the
 * åtgärdsplan's follow-up), docs/report.md "Kvartalet och året".
 *
 * A period is a calendar quarter ("2026-Q3"), half-year ("2026-H1") or year
 * ("2026") in local time (Europe/Stockholm): from the first day's 00:00 to
 * the 00:00 after its last day. The report counts, like the week's picture,
 * citizen items except those closed as duplicate or spam, the partner
 * events (the sum of their counts, by local day) and the police's events;
 * it compares three columns — the period, the one before it and the same
 * period a year before (only when the first counted item is that old) —
 * and splits the period by month.
 *
 * Two views like the week (report.h): the internal one with exact counts,
 * police events per area (placed by hand) and the most-reported places,
 * and the published one in which every table is decided by
 * trygg_suppress / trygg_suppress_parts / trygg_suppress_grid (primary and
 * complementary suppression) in trygg_period_suppress, and the places and
 * the police events per area are not shown at all.
 *
 * Threading: a trygg_period_report is immutable after build.
 */
#ifndef TRYGG_REPORT_PERIOD_H
#define TRYGG_REPORT_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "report.h"
#include "store.h"

typedef enum trygg_period_kind {
    TRYGG_PERIOD_QUARTER = 0,
    TRYGG_PERIOD_HALF,
    TRYGG_PERIOD_YEAR
} trygg_period_kind;

#define TRYGG_PERIOD_MONTHS 12

typedef struct trygg_period {
    trygg_period_kind kind;
    int year;
    int index;  /* quarter 1..4, half 1..2, 0 for a year */
    int month0; /* first month 1..12 */
    int nmonths;
    int64_t start, end;                     /* local 00:00 of the first day, of the day after */
    int64_t month[TRYGG_PERIOD_MONTHS + 1]; /* month edges: month[0] = start .. [nmonths] = end */
} trygg_period;

/* Parses "2026-Q3", "2026-H1" or "2026" (also lower case). TRYGG_ERR_INVALID
 * for anything else or a year outside 1971..9998. */
TRYGG_MUST_CHECK trygg_err trygg_period_parse(const char *s, trygg_period *out);
/* Sets *out from kind, year and index (ignored for a year). */
TRYGG_MUST_CHECK trygg_err trygg_period_make(trygg_period_kind kind, int year, int index,
                                             trygg_period *out);
/* The period `delta` periods of the same kind after *p (negative = before). */
void trygg_period_shift(const trygg_period *p, int delta, trygg_period *out);
/* The last period of `kind` that is over at `now` (the pages open on it). */
void trygg_period_last_complete(trygg_period_kind kind, int64_t now, trygg_period *out);
/* "2026-Q3", "2026-H1", "2026" into out[cap] (cap >= 8). */
void trygg_period_format(const trygg_period *p, char *out, size_t cap);

/* ---- The report ---------------------------------------------------------------- */

#define TRYGG_PERIOD_COLS     3  /* the period, the one before, the same a year before */
#define TRYGG_PERIOD_KEYS     96 /* rows per table; the rest pool in "(other)" */
#define TRYGG_PERIOD_MEASURES 64
#define TRYGG_PERIOD_TOP      10

enum { TRYGG_PCOL_CUR = 0, TRYGG_PCOL_PREV, TRYGG_PCOL_YEAR };

/* One row of a table: its key and its count in each column and month. */
typedef struct trygg_period_rowc {
    char key[2 * TRYGG_NAME_MAX + 2];
    int64_t col[TRYGG_PERIOD_COLS];
    int64_t month[TRYGG_PERIOD_MONTHS];
} trygg_period_rowc;

typedef struct trygg_period_table {
    trygg_period_rowc rows[TRYGG_PERIOD_KEYS + 1];
    int n;
} trygg_period_table;

typedef enum trygg_period_dim {
    TRYGG_PDIM_AREA_ITEMS = 0, /* citizen items by area */
    TRYGG_PDIM_AREA_EVENTS,    /* partner events by area */
    TRYGG_PDIM_AREA_POLICE,    /* police events by the area of their place ("" = none) */
    TRYGG_PDIM_KIND,
    TRYGG_PDIM_CATEGORY, /* key "kind/category" */
    TRYGG_PDIM_EVENT,    /* partner events by type (every type a row) */
    TRYGG_PDIM_POLICE,   /* police events by the feed's type */
    TRYGG_PDIM_COUNT
} trygg_period_dim;

typedef struct trygg_period_place {
    char label[TRYGG_NAME_MAX * 2 + 4]; /* "Göta: Ströms slott" */
    int64_t n;                          /* citizen items of the period */
} trygg_period_place;

/* A measure of the register with its follow-up (before/after, when it has
 * places of the register and has started). */
typedef struct trygg_period_measure {
    trygg_measure m;
    int has_effect;
    trygg_effect effect;
    char areas[TRYGG_MEASURE_LINKS][TRYGG_NAME_MAX + 1]; /* the areas of its places */
    int nareas;
} trygg_period_measure;

typedef struct trygg_period_report {
    trygg_period period, cols[TRYGG_PERIOD_COLS]; /* cols[CUR] == period */
    int ncols;                                    /* 2 for a year (the year before), else 3 */
    int has_year_ago; /* 1 when the data reach back to cols[YEAR] (or cols[PREV] for a year) */
    int64_t generated;
    int running; /* the period is not over at `generated` */
    int effect_weeks;
    int64_t total[TRYGG_PERIOD_COLS], total_month[TRYGG_PERIOD_MONTHS];
    int64_t events[TRYGG_PERIOD_COLS], events_month[TRYGG_PERIOD_MONTHS];
    int64_t police[TRYGG_PERIOD_COLS], police_month[TRYGG_PERIOD_MONTHS];
    trygg_period_table dim[TRYGG_PDIM_COUNT];
    trygg_period_place top[TRYGG_PERIOD_TOP];
    int ntop;
    trygg_period_measure measures[TRYGG_PERIOD_MEASURES]; /* overlapping the period */
    int nmeasures;
    int measures_hidden; /* set by the caller: this reader may not see the measures register
                            (the renderers leave the measures out) */
    /* Labels, groups and the map: a week report that holds only the
     * period's area counts and place counts (internal), so the week's
     * labels and map code draw the period. */
    trygg_report *shadow;
} trygg_period_report;

/* Builds the report of period *p at `now` from the store: TRYGG_ERR_INVALID
 * for a period that has not begun. `areas` (may be NULL) gives labels,
 * groups and the map; effect_weeks (1..52) the before/after windows of the
 * measures' follow-up. Free with trygg_period_free. */
TRYGG_MUST_CHECK trygg_err trygg_period_build(trygg_store *st, const trygg_period *p,
                                              const trygg_report_areas *areas, int effect_weeks,
                                              int64_t now, trygg_period_report **out);
void trygg_period_free(trygg_period_report *r);

/* ---- Suppression -------------------------------------------------------------- */

typedef struct trygg_period_cells {
    int threshold;
    trygg_cell total[TRYGG_PERIOD_COLS], events[TRYGG_PERIOD_COLS];
    trygg_cell dim[TRYGG_PDIM_COUNT][TRYGG_PERIOD_COLS][TRYGG_PERIOD_KEYS + 1];
    trygg_cell total_month[TRYGG_PERIOD_MONTHS], events_month[TRYGG_PERIOD_MONTHS];
    /* kinds x months and event types x months (row = the row of dim[KIND] /
     * dim[EVENT]); the quarters of a year are SHOWN only when all their
     * months are */
    trygg_cell kind_month[TRYGG_PERIOD_KEYS + 1][TRYGG_PERIOD_MONTHS];
    trygg_cell event_month[TRYGG_PERIOD_KEYS + 1][TRYGG_PERIOD_MONTHS];
    trygg_cell effect[TRYGG_PERIOD_MEASURES][4]; /* items before, after; events before, after */
} trygg_period_cells;

/* THE decision of the published view of one period report: every column
 * of every table with the primary and complementary rule (categories
 * within their kind, and hidden wherever their kind is), the kinds × months
 * and types × months grids with their row and column totals, the months'
 * totals, the before/after counts. threshold <= 0: TRYGG_SUPPRESS_DEFAULT. */
void trygg_period_suppress(const trygg_period_report *r, int threshold, trygg_period_cells *c);

/* ---- Rendering ----------------------------------------------------------------- */

/* HTML (a fragment, or with o->standalone a full A4 document) and tidy CSV
 * "view,key,subkey,column,count" of the report under o (o->suppress: the
 * published view; o->base_url: the chooser's target, e.g. "/report/quarter").
 * Both return the buffer's error like trygg_report_html. */
TRYGG_MUST_CHECK trygg_err trygg_period_html(const trygg_period_report *r,
                                             const trygg_report_opts *o, trygg_buf *out);
TRYGG_MUST_CHECK trygg_err trygg_period_csv(const trygg_period_report *r,
                                            const trygg_report_opts *o, trygg_buf *out);

#endif
