/*
 * report.h — the weekly situation picture ("veckolägesbild").
 *
 * A report covers one ISO week in local time (Europe/Stockholm): Monday
 * 00:00 local up to the next Monday 00:00 local, so a week across the
 * summer-time switch is 167 or 169 hours long. It is computed once from the
 * store (trygg_report_build) into a plain struct of exact counts, and then
 * rendered (CSV, HTML with SVG charts) either in full, for the security
 * department's own screen, or suppressed, for everything that leaves it:
 * other roles' screens, the printable page and every export.
 *
 * Small-count suppression is decided in ONE place, report_suppress.c:
 * trygg_report_suppress() decides every cell of one report (all tables,
 * the trend, the heat map, the most-reported places, the kiosks) together,
 * on top of trygg_suppress_parts(): every count below the threshold
 * (default 3) becomes "<3", and complementary cells are withheld ("x") so
 * that the suppressed cells can never be recovered from a total, a
 * sub-total or a list nested in another table. Derived figures
 * (differences, averages, medians) are suppressed whenever one of their
 * inputs is (trygg_suppress_diff, trygg_suppress_avg).
 *
 * Time: local time comes from the time module (trygg/time.h: the
 * configured zone from the tz database), so results never depend on the
 * process TZ.
 *
 * Threading: a trygg_report is immutable after build; render it from any
 * thread. Read first: trygg_week_parse, trygg_report_build, trygg_suppress.
 */
#ifndef TRYGG_REPORT_H
#define TRYGG_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "geo.h"
#include "item.h"
#include "store.h"
#include "i18n.h"
#include "time.h"

/* ---- Local time and ISO weeks --------------------------------------------- */

typedef struct trygg_week {
    int year;      /* ISO week-numbering year */
    int week;      /* 1..53 */
    int64_t start; /* unix seconds of Monday 00:00 local */
    int64_t end;   /* unix seconds of the next Monday 00:00 local */
} trygg_week;

/* Parses "2026-W47" (also "2026W47", "2026-w7"). TRYGG_ERR_INVALID for
 * anything else or a week the year does not have. */
TRYGG_MUST_CHECK trygg_err trygg_week_parse(const char *s, trygg_week *out);
/* Sets *out from ISO year and week; TRYGG_ERR_INVALID if out of range. */
TRYGG_MUST_CHECK trygg_err trygg_week_make(int year, int week, trygg_week *out);
/* The local week containing `utc`. */
void trygg_week_containing(int64_t utc, trygg_week *out);
/* The last week that is over at `now`: the week before the one containing
 * `now` (at Monday 00:00 exactly, the week that just ended). The report
 * pages open on it. */
void trygg_week_last_complete(int64_t now, trygg_week *out);
/* The week `delta` weeks after *w (negative = before). */
void trygg_week_shift(const trygg_week *w, int delta, trygg_week *out);
/* Writes "2026-W47" into out[cap] (cap >= 9). */
void trygg_week_format(const trygg_week *w, char *out, size_t cap);

/* ---- Small-count suppression ------------------------------------------------ */

#define TRYGG_SUPPRESS_DEFAULT 3

typedef enum trygg_cell {
    TRYGG_CELL_SHOWN = 0, /* the exact count may be shown */
    TRYGG_CELL_SMALL,     /* below the threshold: shown as "<T" */
    TRYGG_CELL_WITHHELD   /* >= threshold, withheld so a small cell can't be derived: "x" */
} trygg_cell;

/* The suppression decision for one table (trygg_report_suppress applies it
 * to every table of a report). counts[0..n) are the cells of one table whose
 * total may be known to the reader (from this or another table). state[i]
 * gets SMALL for every count < threshold (0 included: "<3" never tells 0
 * from 1). Then, while the cells not shown sum to more than 0 but less than
 * `threshold` (so "total minus the shown cells" would reveal a small count),
 * the smallest shown cell is WITHHELD. threshold <= 1 shows everything
 * except that negative counts are always SMALL. n may be 0. */
void trygg_suppress(const int64_t *counts, int n, int threshold, trygg_cell *state);
/* The same decision for a table with sub-totals: parts[p][i] is the group
 * of cell i under partition p (-1 = none); the complementary rule holds in
 * every group of every partition (e.g. categories within each kind), and
 * no group may have exactly one hidden non-zero cell (it would be exact and
 * could betray a small cell of another partition). With nparts == 0 the
 * whole table is one group (= trygg_suppress). */
void trygg_suppress_parts(const int64_t *counts, int n, const int *const *parts, int nparts,
                          int threshold, trygg_cell *state);
/* rows x cols table (row-major) whose row and column totals may be known. */
void trygg_suppress_grid(const int64_t *counts, int rows, int cols, int threshold,
                         trygg_cell *state);
/* Text for one cell: the number, "<T" or "x", into out[cap]. */
void trygg_suppress_text(int64_t count, trygg_cell state, int threshold, char *out, size_t cap);
/* State of a difference a - b (or a ratio): SHOWN only if both sides are
 * SHOWN, else WITHHELD ("x": a difference is never written as "<3"). */
trygg_cell trygg_suppress_diff(trygg_cell a, trygg_cell b);
/* State of an average or median over items whose count is `sum`: WITHHELD
 * if fewer items than the threshold are behind it. */
trygg_cell trygg_suppress_avg(int64_t sum, int threshold);

/* ---- Areas and groups (from config) ---------------------------------------- */

#define TRYGG_REPORT_AREAS 64
#define TRYGG_REPORT_CATS  96

typedef struct trygg_report_area {
    char id[TRYGG_NAME_MAX + 1];    /* "centrum" */
    char label[128];                /* Swedish label "Centrum" (id if none) */
    char label_en[128];             /* "" = use label */
    char group[TRYGG_NAME_MAX + 1]; /* "Lilla Edet" or "" */
} trygg_report_area;

typedef struct trygg_report_cat {
    char id[TRYGG_NAME_MAX + 1];
    char label[128];    /* Swedish */
    char label_en[128]; /* "" = use label */
} trygg_report_cat;

/* Labels and groups from config: areas (with their groups) and categories. */
typedef struct trygg_report_areas {
    trygg_report_area a[TRYGG_REPORT_AREAS];
    int n;
    trygg_report_cat c[TRYGG_REPORT_CATS];
    int ncats;
    int small_count; /* [server] small_count of the file; 0 = not given */
    /* The place register and area polygons of the map (trygg/geo.h); NULL =
     * no map. Borrowed: trygg_report_build copies it into the report. */
    const trygg_geo *geo;
    trygg_geo *own_geo; /* set by trygg_report_areas_load; trygg_report_areas_free */
} trygg_report_areas;

/* Loads areas and category labels from an INI file — the server's
 * server.ini: sections "[area ID]" (keys group, label, label_sv, label_en;
 * other label_* keys are accepted and ignored) and "[category ID]" (label_sv,
 * label_en; its other keys are ignored); also a plain "[areas]" section with
 * lines "ID = Label | Group"; and small_count from [server]. Unknown keys
 * in [area ...] are errors; other sections are skipped. On error returns TRYGG_ERR_CONFIG/IO with
 * "file:line: msg" in err[errcap]. */
TRYGG_MUST_CHECK trygg_err trygg_report_areas_load(const char *path, trygg_report_areas *out,
                                                   char *err, size_t errcap);
/* The file also gives the map (trygg/geo.h): "[place ID]" sections (label,
 * area, lat, lon; the area must be configured) and "[map] areas = FILE"
 * (GeoJSON, relative to [server] data_dir; none = the shipped schematic),
 * loaded into out->own_geo (out->geo points at it). Free it with: */
void trygg_report_areas_free(trygg_report_areas *a);

/* ---- The report --------------------------------------------------------------- */

#define TRYGG_REPORT_HIST   12 /* weeks of history (average, trend) */
#define TRYGG_REPORT_NWEEKS (TRYGG_REPORT_HIST + 1)
#define TRYGG_REPORT_CUR    TRYGG_REPORT_HIST /* index of the report week */
#define TRYGG_REPORT_KEYS   96 /* distinct keys per dimension; the rest pool in "(other)" */
#define TRYGG_REPORT_BANDS  6  /* 4-hour time bands 00-04 ... 20-24 */
#define TRYGG_REPORT_TOP    10
#define TRYGG_REPORT_URGENT 50
#define TRYGG_REPORT_KIOSKS 64
#define TRYGG_REPORT_POLICE 50
#define TRYGG_REPORT_OTHER  "(other)"

typedef enum trygg_report_dim {
    TRYGG_DIM_KIND = 0,
    TRYGG_DIM_CATEGORY, /* key "kind/category" */
    TRYGG_DIM_AREA,
    TRYGG_DIM_GROUP, /* area group from config ("" areas pool as "(other)") */
    TRYGG_DIM_CHANNEL,
    TRYGG_DIM_SOURCE, /* kiosk id or gateway that brought the item */
    TRYGG_DIM_EVENT,  /* partner events by type (trygg_event in item.h): the
                         sum of their counts, from trygg_store_event_totals;
                         a table of its own, not part of the items' total */
    TRYGG_DIM_COUNT
} trygg_report_dim;

typedef struct trygg_report_row {
    char key[2 * TRYGG_NAME_MAX + 2];
    int64_t n[TRYGG_REPORT_NWEEKS]; /* n[TRYGG_REPORT_CUR] = report week; [CUR-1] = previous */
} trygg_report_row;

typedef struct trygg_report_table {
    trygg_report_row rows[TRYGG_REPORT_KEYS + 1];
    int n;
} trygg_report_table;

typedef struct trygg_report_place {
    char label[TRYGG_NAME_MAX * 2 + 4]; /* "Göta: Ströms slott" or the area id */
    int64_t n;
    /* When: [weekday Mon=0][band] of the report week (the hot-spot view;
     * internal only, never published: a place is not broken down further) */
    int64_t heat[7][TRYGG_REPORT_BANDS];
} trygg_report_place;

typedef struct trygg_report_urgent {
    char ref[TRYGG_REF_LEN + 1];
    int64_t created;
    trygg_kind kind;
    char category[TRYGG_NAME_MAX + 1];
    char area[TRYGG_NAME_MAX + 1];
    trygg_status status;
} trygg_report_urgent;

/* A kiosk or a gateway component and its availability in the week. */
typedef struct trygg_report_kiosk {
    char id[TRYGG_NAME_MAX + 1];
    char name[128];
    char area[TRYGG_NAME_MAX + 1];
    int64_t items;     /* items from this kiosk in the week */
    int64_t offline_s; /* seconds of the week without heartbeat */
    int64_t longest_s; /* longest single offline stretch */
    int history;       /* 1 if the availability log covers the whole week */
} trygg_report_kiosk;

typedef struct trygg_report_police {
    int64_t id;
    int64_t at;
    char type[96];
    char name[256];
    char summary[512];
    char location[128];
    char url[256];
    char place_label[TRYGG_NAME_MAX + 1]; /* placed by hand (trygg_police_place), "" = none */
    char place_area[TRYGG_NAME_MAX + 1];
} trygg_report_police;

typedef struct trygg_report {
    trygg_week week;
    trygg_week weeks[TRYGG_REPORT_NWEEKS]; /* weeks[CUR] == week */
    int64_t generated;                     /* when built */
    int running; /* 1 = the week was not over at `generated` ("pågående vecka"):
                    its figures are up to `generated`, the cut-off */
    int64_t total[TRYGG_REPORT_NWEEKS]; /* items per week */
    trygg_report_table dim[TRYGG_DIM_COUNT];
    int64_t heat[7][TRYGG_REPORT_BANDS]; /* [weekday Mon=0][band] of the report week */
    /* Of the items created in the week, as of `generated`: */
    int64_t open, closed;
    int64_t close_median_s; /* median seconds from created to closed; -1 if none */
    int64_t urgent;         /* urgent items in the week */
    trygg_report_urgent urgent_list[TRYGG_REPORT_URGENT];
    int nurgent_list;
    trygg_report_place top[TRYGG_REPORT_TOP];
    int ntop;
    /* Sources and caveats. */
    trygg_report_kiosk kiosks[TRYGG_REPORT_KIOSKS];
    int nkiosks;
    trygg_report_kiosk gateways[8]; /* health components (smsgw, modem...) */
    int ngateways;
    int64_t history_since; /* when availability logging began (0 = never) */
    /* Police public events (separate source, not suppressed: public data). */
    int64_t police_total;
    trygg_report_police police[TRYGG_REPORT_POLICE];
    int npolice;
    int police_fetched; /* 1 if any fetch has ever stored events */
    trygg_report_areas areas;
    /* The map: a copy of areas->geo (owned, NULL = no map) and, for each of
     * its places, the items of the report week whose place text is the
     * place's label in its area (counted like the most-reported places). */
    trygg_geo *geo;
    int64_t place_n[TRYGG_GEO_PLACES];
    /* For each place of the map, the partner events of the report week (the
     * sum of their counts; an event's local day, Monday..Sunday) whose place
     * text is the place's label in its area. Drawn only in the internal
     * view: the published view keeps partner events to their suppressed
     * table. */
    int64_t event_place_n[TRYGG_GEO_PLACES];
    /* For each place of the map, the police events of the report week that
     * a user attached to it by hand (trygg_police_place: its label and area
     * then). The feed's own position (the municipality's centre) never
     * places an event, so an event without a place is not counted here.
     * Drawn only in the internal view. */
    int64_t police_place_n[TRYGG_GEO_PLACES];
} trygg_report;

/* Builds the report for week *w from the store, at time `now`. A week that
 * has not begun at `now` is TRYGG_ERR_INVALID (no picture of the future);
 * the week containing `now` is built up to `now` and marked running.
 * `areas` (may be NULL) gives labels and groups. *out is allocated (it is large); free
 * with trygg_report_free. */
TRYGG_MUST_CHECK trygg_err trygg_report_build(trygg_store *st, const trygg_week *w,
                                              const trygg_report_areas *areas, int64_t now,
                                              trygg_report **out);
void trygg_report_free(trygg_report *r);

/* Sum of the 12 history weeks n[0..CUR) of a row (the average is this / 12). */
int64_t trygg_report_hist_sum(const int64_t *n);

/* ---- Suppression of one whole report ---------------------------------------- */

/* The state of every count a report can publish, indexed like the report's
 * own arrays (dim[d].cur[i] is r->dim[d].rows[i].n[CUR]). */
typedef struct trygg_report_dimcells {
    trygg_cell cur[TRYGG_REPORT_KEYS + 1];
    trygg_cell prev[TRYGG_REPORT_KEYS + 1];
    trygg_cell avg[TRYGG_REPORT_KEYS + 1]; /* the 12-week sum behind the average */
} trygg_report_dimcells;

typedef struct trygg_report_cells {
    int threshold;
    trygg_cell total[TRYGG_REPORT_NWEEKS];
    trygg_cell total_avg;
    trygg_report_dimcells dim[TRYGG_DIM_COUNT];
    trygg_cell trend[TRYGG_KIND_COUNT * TRYGG_REPORT_NWEEKS]; /* kinds x weeks */
    int kind_row[TRYGG_KIND_COUNT];                           /* row of each kind in dim[KIND] */
    trygg_cell heat[7 * TRYGG_REPORT_BANDS];
    trygg_cell status[2]; /* open, closed */
    trygg_cell median;
    trygg_cell urgent[2];                      /* urgent, not urgent */
    trygg_cell top[TRYGG_REPORT_TOP + 1];      /* places; [ntop] = the rest */
    trygg_cell kiosk[TRYGG_REPORT_KIOSKS + 1]; /* kiosks; [nkiosks] = the rest */
} trygg_report_cells;

/* THE decision for one report: which of its counts may be published. Every
 * table, chart and list of the report (and so the HTML, the print page and
 * the CSV, which all render from these states) is decided here, together:
 * - each table with trygg_suppress_parts (primary and complementary rule,
 *   within every known sub-total);
 * - a table nested in a cell of another (categories in a kind, areas in a
 *   group, most-reported places in an area, kiosks in the kiosk channel,
 *   a kind's trend weeks in its 12-week average) is hidden wherever that
 *   cell is hidden, so that the parts can never add up to a hidden whole
 *   (e.g. "group total minus the place count" recovering a small area);
 * - the most-reported places, with the rest of each area, are one more
 *   table within each shown area and within the week's total.
 * threshold <= 0 means TRYGG_SUPPRESS_DEFAULT. */
void trygg_report_suppress(const trygg_report *r, int threshold, trygg_report_cells *c);

/* The published state of the map's place i (r->geo->places[i]) under the
 * decision c: the place's count is exactly one entry of the most-reported
 * places (the same "area: label" key), so it is SHOWN only when that entry
 * is listed and SHOWN; otherwise (not among the listed places, small,
 * withheld) it is WITHHELD and the map draws it without a count. */
trygg_cell trygg_report_place_cell(const trygg_report *r, const trygg_report_cells *c, int i);

/* ---- Rendering ---------------------------------------------------------------- */

typedef struct trygg_report_opts {
    int suppress;            /* 1 = small counts hidden (everything but security's screen) */
    int threshold;           /* default TRYGG_SUPPRESS_DEFAULT */
    const char *lang;        /* "sv" (default) or "en" */
    const trygg_i18n *t;     /* report catalog (assets/i18n/report); NULL = keys */
    int print;               /* 1 = printable A4 page (no navigation) */
    const char *base_url;    /* link target of the week chooser, e.g. "/report" */
    const char *csrf;        /* unused for GET pages; reserved */
    int standalone;          /* 1 = full HTML document (print page, tryggctl) */
    const char *css_href;    /* link this stylesheet (a server with a CSP), NULL = inline <style> */
    const char *map_caption; /* catalog key of the map's caption, NULL = the week's */
} trygg_report_opts;
void trygg_report_opts_init(trygg_report_opts *o);

/* The report's stylesheet (screen and A4 print), for serving as a file. */
const char *trygg_report_css(void);

/* Both renderers append to `out` (trygg/buf.h) and return its error: the
 * first append that failed (TRYGG_ERR_TOOBIG when the report passes out's
 * cap, TRYGG_ERR_NOMEM), which ends the render with out holding only what
 * fit; a buffer that had already failed returns its error. The renderers
 * are report_render.c, report_render_csv.c and report_render_html.c. */

/* Tidy CSV: header "view,key,subkey,count,previous,change,avg12" and one
 * row per cell; views: total, kind, category, area, area_group, channel,
 * source, heatmap, trend, status, urgent, top_place, kiosk_offline,
 * gateway_down, police. Cells go through trygg_suppress when o->suppress. */
TRYGG_MUST_CHECK trygg_err trygg_report_csv(const trygg_report *r, const trygg_report_opts *o,
                                            trygg_buf *out);
/* HTML: a body fragment (o->standalone = 0, to be framed by the web UI) or
 * a full document with print CSS for A4 (o->standalone = 1). */
TRYGG_MUST_CHECK trygg_err trygg_report_html(const trygg_report *r, const trygg_report_opts *o,
                                             trygg_buf *out);

#endif
