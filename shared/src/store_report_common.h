/*
 * store_report_common.h — the engine-neutral half of building the weekly
 * situation picture (trygg_report_build, report.h), shared by both store
 * backends: the report's tables keyed by name, the per-item accumulation,
 * the top places and the median time to close, the partner-event rows and
 * the availability arithmetic. A backend reads rows with its own SQL and
 * feeds them here (store_sqlite_report.c, store_pg_report.c).
 */
#ifndef TRYGG_STORE_REPORT_COMMON_H
#define TRYGG_STORE_REPORT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "trygg/report.h"
#include "trygg/store.h"

/* Seconds a heartbeat or health record counts as "up". */
#define TRYGG_RB_GRACE 600

/* The SQL condition for an item the report counts: every item but those
 * closed as a duplicate of another or as spam (close_reason, trygg/item.h).
 * Every query over items uses it, so no figure counts them. */
#define TRYGG_RB_COUNTED(p) p "close_reason NOT IN ('duplicate', 'spam')"

typedef struct trygg_rb trygg_rb;

/* A text column: bytes and length (not NUL-terminated). */
typedef struct trygg_rb_text {
    const char *s;
    size_t n;
} trygg_rb_text;

/* One counted item of the scan. */
typedef struct trygg_rb_item {
    int64_t created;
    trygg_rb_text kind, category, area, channel, source, status, place; /* place: shared copy */
    int urgent;
    int has_close;    /* a closed item of the report week with a status change */
    int64_t close_at; /* its last status change */
} trygg_rb_item;

/* Starts a report of week w: *r with its weeks and fixed rows, *b the
 * accumulator. TRYGG_ERR_INVALID for a week that has not begun. */
trygg_err trygg_rb_begin(const trygg_week *w, const trygg_report_areas *areas, int64_t now,
                         trygg_report **r, trygg_rb **b);
/* Adds one item. TRYGG_ERR_NOMEM when the close times cannot grow. */
trygg_err trygg_rb_item_add(trygg_rb *b, trygg_report *r, const trygg_rb_item *it);
/* Adds a cached count of history week w: dimension dim, key, n items. */
void trygg_rb_cached(trygg_rb *b, trygg_report *r, int w, int dim, trygg_rb_text key, int64_t n);
/* After the report week's items: the median time to close, the top
 * places and the map's place counts. */
void trygg_rb_week_done(trygg_rb *b, trygg_report *r);
/* Partner events of the 13 weeks by type, through trygg_store_event_totals. */
trygg_err trygg_rb_events(trygg_store *st, trygg_report *r);
/* Sorts the category rows and frees b; on err also frees *r (NULL). */
trygg_err trygg_rb_end(trygg_rb *b, trygg_report **r, trygg_err err);

/* The local day ("YYYY-MM-DD") of time t in the configured zone. */
void trygg_rb_local_day(int64_t t, char out[16]);
/* The report week's first and last local days ("YYYY-MM-DD"), for the
 * partner events, whose time is a local day. */
void trygg_rb_week_days(const trygg_report *r, char from[16], char to[16]);
/* Adds n partner events at (area, place) to the map place it names, if
 * any (event_place_n). */
void trygg_rb_event_place(trygg_report *r, const char *area, const char *place, int64_t n);

/* The period counts' cache (schema v21, report_piece_done and
 * report_piece_counts): a bucket [from, to) of trygg_store_period_counts is
 * cut into pieces, each its part of one ISO week, and a piece's counts are
 * kept until an item or a partner event in it changes (triggers drop it).
 * Months and weeks both begin at local midnight, so the quarter's and the
 * year's months are made of whole cached pieces, shared by every report
 * that covers them. */
/* 1 when t is a local midnight in the configured zone. */
int trygg_rb_local_midnight(int64_t t);
/* The end of the piece of [from, to) that starts at `from`: the end of the
 * ISO week containing `from`, or `to` if sooner. */
int64_t trygg_rb_piece_end(int64_t from, int64_t to);
/* 1 when a bucket's pieces may come from the cache: both edges are local
 * midnights (a partner event has only a day, so a bucket cut within a day
 * is counted directly, as before). */
int trygg_rb_piece_cacheable(int64_t from, int64_t to);

/* The pieces of the cacheable buckets of edges[0..nedges) in time order
 * (*n of them; calloc'd, NULL when out of memory): each with its bucket and
 * `hit`, which the backend sets for the pieces it finds counted. */
typedef struct trygg_rb_piece {
    int64_t start, end;
    int bucket;
    int hit;
} trygg_rb_piece;
trygg_rb_piece *trygg_rb_pieces(const int64_t *edges, int nedges, int *n);
/* The index of the piece [start, end) in p[0..n), or -1. */
int trygg_rb_piece_find(const trygg_rb_piece *p, int n, int64_t start, int64_t end);
/* 1 when edges[0..nedges) are a valid period_counts argument: 2 to
 * TRYGG_PERIOD_EDGES_MAX strictly increasing instants. */
int trygg_rb_edges_ok(const int64_t *edges, int nedges);
/* A backend's count of one source for one bucket [from, to), rows to cb;
 * *stop set when cb asked to stop. */
typedef trygg_err (*trygg_rb_period_query)(trygg_store *st, trygg_period_source src, int bucket,
                                           int64_t from, int64_t to, int places, trygg_period_cb cb,
                                           void *ctx, int *stop);
/* What the piece cache does not give, through the backend's `query`: items
 * and partner events of whole buckets that cannot be cached (or of all,
 * when p is NULL) and of the pieces not counted in this snapshot (!hit),
 * then the police events of every bucket. */
trygg_err trygg_rb_uncached_counts(trygg_store *st, trygg_rb_period_query query,
                                   const int64_t *edges, int nedges, const trygg_rb_piece *p, int n,
                                   int places, trygg_period_cb cb, void *ctx, int *stop);

/* Counts a police event of the report week attached by hand to the map
 * place (area, label) in police_place_n; an event without a place
 * (label "") counts nowhere. */
void trygg_rb_police_place(trygg_report *r, const char *area, const char *label);

/* Availability of one kiosk or gateway: the time of [from, to) not
 * covered by its intervals [first, last + grace), fed in order of first. */
typedef struct trygg_rb_gaps {
    int64_t cursor, to, offline, longest;
} trygg_rb_gaps;
void trygg_rb_gaps_begin(trygg_rb_gaps *g, int64_t from, int64_t to);
/* Adds an interval; 1 when the window is covered to its end. */
int trygg_rb_gaps_add(trygg_rb_gaps *g, int64_t first, int64_t last);
void trygg_rb_gaps_end(trygg_rb_gaps *g);

/* A kiosk's or gateway's week: its items (its row of the source dimension),
 * its component name "<prefix><id>" into comp[cap] and the window start
 * (*from, after history_since). */
void trygg_rb_client(const trygg_report *r, const char *prefix, trygg_report_kiosk *k, char *comp,
                     size_t cap, int64_t *from);

#endif
