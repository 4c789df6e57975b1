/*
 * report_time.c — ISO weeks of the report, in local time from the time
 * module (trygg/time.h): a week runs from Monday 00:00 local to the next
 * Monday 00:00 local.
 */
#include "trygg/report.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Days since 1970-01-01 of a civil date. */
static int64_t days_from_civil(int y, int m, int d)
{
    return floor_div(trygg_civil_to_unix(y, m, d, 0, 0, 0), 86400);
}

static void civil_from_days(int64_t days, int *y, int *m, int *d)
{
    trygg_days_to_civil(days, y, m, d);
}

/* 0 = Monday .. 6 = Sunday. 1970-01-01 was a Thursday. */
static int weekday_mon0(int64_t days)
{
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

/* Days of the Monday of ISO week 1 of `year`. */
static int64_t iso_week1_monday(int year)
{
    int64_t jan4 = days_from_civil(year, 1, 4);
    return jan4 - weekday_mon0(jan4);
}

static int iso_weeks_in_year(int year)
{
    return (int)((iso_week1_monday(year + 1) - iso_week1_monday(year)) / 7);
}

static void week_from_monday(int64_t monday, trygg_week *out)
{
    int y, m, d;
    civil_from_days(monday + 3, &y, &m, &d); /* the Thursday decides the year */
    out->year = y;
    out->week = (int)((monday - iso_week1_monday(y)) / 7) + 1;
    civil_from_days(monday, &y, &m, &d);
    out->start = trygg_local_to_utc(y, m, d, 0, 0);
    civil_from_days(monday + 7, &y, &m, &d);
    out->end = trygg_local_to_utc(y, m, d, 0, 0);
}

trygg_err trygg_week_make(int year, int week, trygg_week *out)
{
    if (!out || year < 1970 || year > 9998 || week < 1 || week > iso_weeks_in_year(year))
        return TRYGG_ERR_INVALID;
    week_from_monday(iso_week1_monday(year) + (int64_t)(week - 1) * 7, out);
    return TRYGG_OK;
}

trygg_err trygg_week_parse(const char *s, trygg_week *out)
{
    if (!s || !out)
        return TRYGG_ERR_INVALID;
    int year = 0, week = 0, i = 0;
    for (; i < 4; i++) {
        if (!isdigit((unsigned char)s[i]))
            return TRYGG_ERR_INVALID;
        year = year * 10 + (s[i] - '0');
    }
    if (s[i] == '-')
        i++;
    if (s[i] != 'W' && s[i] != 'w')
        return TRYGG_ERR_INVALID;
    i++;
    int digits = 0;
    for (; isdigit((unsigned char)s[i]) && digits < 2; i++, digits++)
        week = week * 10 + (s[i] - '0');
    if (digits == 0 || s[i] != '\0')
        return TRYGG_ERR_INVALID;
    return trygg_week_make(year, week, out);
}

void trygg_week_containing(int64_t utc, trygg_week *out)
{
    int64_t local = utc + trygg_tz_offset(utc);
    int64_t days = floor_div(local, 86400);
    week_from_monday(days - weekday_mon0(days), out);
}

void trygg_week_last_complete(int64_t now, trygg_week *out)
{
    trygg_week cur;
    trygg_week_containing(now, &cur);
    trygg_week_shift(&cur, -1, out);
}

void trygg_week_shift(const trygg_week *w, int delta, trygg_week *out)
{
    int y, m, d;
    trygg_utc_to_local(w->start, &y, &m, &d, NULL, NULL, NULL);
    week_from_monday(days_from_civil(y, m, d) + (int64_t)delta * 7, out);
}

void trygg_week_format(const trygg_week *w, char *out, size_t cap)
{
    if (cap)
        snprintf(out, cap, "%04d-W%02d", w->year, w->week);
}
