/*
 * report_render.h — private to the situation picture's renderer:
 * report_render.c (the view, cell texts and labels, shared by both formats),
 * report_render_csv.c, report_render_html.c and report_svg.c (the charts).
 *
 * Every function here that appends to the trygg_buf returns the append's
 * error; TRY() returns it from the caller at once, so the first failure
 * (cap passed, out of memory) ends the render and is what
 * trygg_report_csv / trygg_report_html return.
 */
#ifndef TRYGG_REPORT_RENDER_H
#define TRYGG_REPORT_RENDER_H

#include "trygg/buf.h"
#include "trygg/report.h"

#include <stddef.h>
#include <stdint.h>

/* Evaluates an append (a trygg_err expression) and returns its error from
 * the calling function if it failed. */
#define TRY(append)                                                                                \
    do {                                                                                           \
        trygg_err try_err_ = (append);                                                             \
        if (try_err_)                                                                              \
            return try_err_;                                                                       \
    } while (0)

#define NK  (TRYGG_REPORT_KEYS + 1)
#define NW  TRYGG_REPORT_NWEEKS
#define CUR TRYGG_REPORT_CUR

/* One rendering of a report: its options and the suppression state of every
 * cell, decided once by trygg_report_suppress, so that the screen, the
 * printout and the CSV can never disagree about what is hidden. */
typedef struct trygg_rr_view {
    const trygg_report *r;
    const trygg_report_opts *o;
    int T;                /* the threshold in effect */
    trygg_report_cells c; /* every cell's state */
} trygg_rr_view;

/* One piece of a rendering: appends to b, returns the first failed append. */
typedef trygg_err (*trygg_rr_part)(trygg_buf *b, const trygg_rr_view *v);

/* Builds the view of r under o and renders the parts into b in order,
 * stopping at the first that fails; returns its error (b's error). Out of
 * memory for the view fails b as a failed append would. */
TRYGG_MUST_CHECK trygg_err trygg_rr_render(const trygg_report *r, const trygg_report_opts *o,
                                           trygg_buf *b, const trygg_rr_part *parts, int nparts);

/* ---- Cell texts (report_render.c) ------------------------------------------------ */

/* A count: the number in full mode (with "*" when it would be hidden outside
 * the security department), else its suppressed text ("<3", "x"). */
void trygg_rr_cell(const trygg_rr_view *v, int64_t n, trygg_cell s, char *out, size_t cap);

/* The published figures of a row of weekly counts n (n[CUR] the report
 * week) whose cells have the states cur (report week), prev (the week
 * before) and avg (the 12-week sum): the count, the previous week's, the
 * change ("+2"), the 12-week average (one decimal) and the change against
 * it ("+1.5"); a figure a hidden cell would give away is "x". */
typedef struct trygg_rr_figs {
    char count[32], prev[32], change[32], avg[32], change_avg[32];
} trygg_rr_figs;
void trygg_rr_figs_of(const trygg_rr_view *v, const int64_t *n, trygg_cell cur, trygg_cell prev,
                      trygg_cell avg, trygg_rr_figs *f);
/* Local date "2026-11-16", date and time "2026-11-16 09:00", and a duration
 * in days/hours/minutes with the catalog's units. */
void trygg_rr_fmt_date(int64_t t, char *out, size_t cap);
void trygg_rr_fmt_time(int64_t t, char *out, size_t cap);
void trygg_rr_fmt_dur(const trygg_report_opts *o, int64_t s, char *out, size_t cap);

/* The time bands of the heat map, "00-04" ... "20-24". */
extern const char *const trygg_rr_band_names[TRYGG_REPORT_BANDS];

/* ---- Labels (report_render.c) ------------------------------------------------------ */

/* Catalog text of key in o->lang (the key itself without a catalog). */
const char *trygg_rr_tr(const trygg_report_opts *o, const char *key);
/* Catalog text of prefix.name, or fallback when the catalog has none; buf
 * holds the key while it is looked up. */
const char *trygg_rr_tr_or(const trygg_report_opts *o, const char *prefix, const char *name,
                           const char *fallback, char *buf, size_t cap);
/* The group of an area from the config, TRYGG_REPORT_OTHER if none. */
const char *trygg_rr_area_group(const trygg_report *r, const char *area);
/* Display label of an area id (config label, catalog, or the id). */
const char *trygg_rr_area_label(const trygg_rr_view *v, const char *id, char *buf, size_t cap);
/* Display label of a row key of dimension d ("Otrygghet: Belysning" for a
 * category); may be written into buf. */
const char *trygg_rr_row_label(const trygg_rr_view *v, int d, const char *key, char *buf,
                               size_t cap);

/* ---- SVG charts (report_svg.c) ------------------------------------------------------ */

typedef struct trygg_svg_series {
    const char *label;
    const int64_t *v;
    const trygg_cell *state; /* may be NULL: all shown */
    int n;
} trygg_svg_series;

/* Horizontal bar chart: one bar per value with its label and its text
 * value (suppressed cells get a hatched stub and their "<3"/"x" text). */
TRYGG_MUST_CHECK trygg_err trygg_svg_bars(trygg_buf *b, const char *title,
                                          const char *const *labels, const int64_t *v,
                                          const trygg_cell *state, int n, int threshold);
/* Trend lines: one polyline per series over n points with x labels; each
 * series also gets a distinct marker shape and a label at its end, so it
 * can be told apart without colour. A suppressed point is a gap: no marker,
 * no value, the line broken there and a faint dotted rule; when the chart
 * has a gap, gap_note (may be NULL) is its legend, under the chart. */
TRYGG_MUST_CHECK trygg_err trygg_svg_trend(trygg_buf *b, const char *title,
                                           const char *const *xlabels, const trygg_svg_series *s,
                                           int ns, int threshold, const char *gap_note);
/* Heat map of rows x cols with the count written in every cell. */
TRYGG_MUST_CHECK trygg_err trygg_svg_heat(trygg_buf *b, const char *title,
                                          const char *const *rowlabels,
                                          const char *const *collabels, const int64_t *v,
                                          const trygg_cell *state, int rows, int cols,
                                          int threshold);

/* ---- The map (report_map.c) ------------------------------------------------------- */

/* The map section (areas shaded by count, places as dots, legend) when the
 * report has a map (r->geo), else nothing. */
TRYGG_MUST_CHECK trygg_err trygg_rr_map(trygg_buf *b, const trygg_rr_view *v);

#endif
