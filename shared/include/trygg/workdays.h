/*
 * workdays.h — Swedish working days for response deadlines.
 *
 * A working day is a Monday..Friday that is not a Swedish public holiday or
 * one of the eves that are days off in practice (Midsommarafton, Julafton,
 * Nyårsafton). Holidays are computed for any year, not listed: Easter by the
 * Gregorian computus, the movable days from Easter, Midsommar and Alla
 * helgons dag from their date windows. Days are local days of the zone of
 * trygg/time.h.
 */
#ifndef TRYGG_WORKDAYS_H
#define TRYGG_WORKDAYS_H

#include <stdint.h>

/* Easter Sunday of year y (Gregorian, anonymous algorithm): month and day. */
void trygg_easter(int y, int *month, int *day);

/* The holiday on y-m-d as a stable id ("nyarsdagen", "trettondedag_jul",
 * "langfredagen", "paskdagen", "annandag_pask", "forsta_maj",
 * "kristi_himmelsfard", "pingstdagen", "nationaldagen", "midsommarafton",
 * "midsommardagen", "alla_helgons_dag", "julafton", "juldagen",
 * "annandag_jul", "nyarsafton"), or NULL on an ordinary day. */
const char *trygg_holiday(int y, int m, int d);

/* 1 if y-m-d is a working day (not Saturday, Sunday or a holiday). */
int trygg_is_workday(int y, int m, int d);

/* The local date `n` working days after y-m-d (n >= 0; 0 gives the day
 * itself if it is a working day, else the next working day). */
void trygg_workdays_add_date(int y, int m, int d, int n, int *oy, int *om, int *od);

/* Deadline of something received at unix time `from` with `n` working days
 * to answer: the end (next local midnight) of the n-th working day after
 * the local day of `from`. n <= 0 gives the end of the day of `from` if it
 * is a working day, else of the next working day. */
int64_t trygg_workdays_due(int64_t from, int n);

/* The age in working days of something received at `from`, at `now`: the
 * working days after the local day of `from` up to and including the local
 * day of `now` (received on a Monday, on Thursday it is 3 days old). 0 when
 * now <= from; at most 100000. */
int trygg_workdays_between(int64_t from, int64_t now);

#endif
