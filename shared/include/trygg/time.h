/*
 * time.h — the one place that knows local time.
 *
 * Times are stored and passed as unix seconds (UTC). For display and for
 * calendar boundaries (days, ISO weeks: Monday 00:00 local) they are
 * converted here in the configured zone — default Europe/Stockholm — whose
 * rules are read once from the system tz database (TZif files under $TZDIR,
 * default /usr/share/zoneinfo, including the POSIX rule in the file's footer
 * for years past its last transition). Nothing reads the process's TZ, so
 * results are the same in every process and thread; no other file calls
 * localtime/mktime/strftime with local time (tests/guards/guard_localtime.py).
 *
 * If the zone file cannot be read, the EU rule for Central European Time
 * ("CET-1CEST,M3.5.0,M10.5.0/3") is used and trygg_time_set_zone says so.
 *
 * Threading: trygg_time_set_zone is called at startup before threads start;
 * every other function is thread-safe.
 */
#ifndef TRYGG_TIME_H
#define TRYGG_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TRYGG_TIME_ZONE_DEFAULT "Europe/Stockholm"

/* Local civil time of one instant. */
typedef struct trygg_tm {
    int year, month, day; /* 1..12, 1..31 */
    int hour, min, sec;   /* 0..23, 0..59, 0..59 */
    int wday;             /* 0 = Monday .. 6 = Sunday */
    int offset;           /* seconds east of UTC */
    int dst;              /* 1 in summer time */
} trygg_tm;

/* Uses zone `name` (e.g. "Europe/Stockholm", "UTC") from now on. TRYGG_ERR_INVALID
 * for a name that is not a plain relative path, TRYGG_ERR_NOTFOUND /
 * TRYGG_ERR_CONFIG when the file is missing or not a TZif file (the previous
 * zone then stays). Call before starting threads. */
TRYGG_MUST_CHECK trygg_err trygg_time_set_zone(const char *name);
/* The zone in use ("Europe/Stockholm" unless set). */
const char *trygg_time_zone(void);

/* Unix seconds of UTC civil time (proleptic Gregorian, no range checks). */
int64_t trygg_civil_to_unix(int y, int m, int d, int h, int mi, int s);
/* Proleptic Gregorian date of day number `days` (days since 1970-01-01). */
void trygg_days_to_civil(int64_t days, int *y, int *m, int *d);
/* Seconds east of UTC in the zone at unix time `utc`. */
int trygg_tz_offset(int64_t utc);
/* Local civil fields of `utc`. */
void trygg_time_local(int64_t utc, trygg_tm *out);
/* Unix seconds of local civil time y-m-d h:mi:s. A time in a skipped hour
 * (spring) is read with the offset before the switch; a time in a repeated
 * hour (autumn) is the first one. Out-of-range fields are normalised as
 * mktime does (month 13 = January next year, day 0 = last of the month before). */
int64_t trygg_time_from_local(int y, int m, int d, int h, int mi, int s);
/* trygg_time_from_local without seconds. */
int64_t trygg_local_to_utc(int y, int m, int d, int h, int mi);
/* Local civil fields of `utc`: wday 0 = Monday .. 6 = Sunday. Any pointer
 * may be NULL. */
void trygg_utc_to_local(int64_t utc, int *y, int *m, int *d, int *h, int *mi, int *wday);
/* Unix seconds of Monday 00:00 local of the week containing `utc`. */
int64_t trygg_time_week_start(int64_t utc);
/* Unix seconds of 00:00 local of the day containing `utc`. */
int64_t trygg_time_day_start(int64_t utc);
/* Formats `utc` in local time with strftime conversions (%Y %m %d %H %M %S
 * %a %b %z %Z ..., C locale names) into out[cap]. Returns the length, or 0
 * with out = "" if it does not fit. */
size_t trygg_time_format(int64_t utc, const char *fmt, char *out, size_t cap);
/* W3C date-time in local time with the offset, "2026-11-30T08:00:00+01:00",
 * into out[cap] (cap >= 26); "" if it does not fit. */
void trygg_time_iso(int64_t utc, char *out, size_t cap);
/* Parses a local date "YYYY-MM-DD" (a real day of years 1970..2999) into the
 * unix seconds of its local midnight. TRYGG_ERR_INVALID otherwise. */
TRYGG_MUST_CHECK trygg_err trygg_time_parse_day(const char *s, int64_t *out);
/* The same in UTC (for protocol stamps such as "2026-11-30T08:00:00Z"). */
size_t trygg_time_format_utc(int64_t utc, const char *fmt, char *out, size_t cap);

#endif
