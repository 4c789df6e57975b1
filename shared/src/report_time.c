/*
 * report_time.c — local time in Europe/Stockholm and ISO weeks, in plain
 * integer arithmetic (no TZ environment, no localtime_r), so week bounds are
 * the same in every process and thread. The EU rule (since 1996): summer
 * time from the last Sunday of March 01:00 UTC to the last Sunday of
 * October 01:00 UTC.
 */
#include "trygg/report.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (mm <= 2));
    *m = mm;
    *d = dd;
}

/* 0 = Monday .. 6 = Sunday. 1970-01-01 was a Thursday. */
static int weekday_mon0(int64_t days)
{
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Unix seconds of 01:00 UTC on the last Sunday of month m (31 days). */
static int64_t last_sunday_0100(int y, int m)
{
    int64_t d31 = days_from_civil(y, m, 31);
    int64_t sunday = d31 - ((weekday_mon0(d31) + 1) % 7);
    return sunday * 86400 + 3600;
}

int64_t trygg_civil_to_unix(int y, int m, int d, int h, int mi, int s)
{
    return days_from_civil(y, m, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s;
}

int trygg_tz_offset(int64_t utc)
{
    int y, m, d;
    civil_from_days(floor_div(utc, 86400), &y, &m, &d);
    if (utc >= last_sunday_0100(y, 3) && utc < last_sunday_0100(y, 10))
        return 7200;
    return 3600;
}

int64_t trygg_local_to_utc(int y, int m, int d, int h, int mi)
{
    int64_t naive = days_from_civil(y, m, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60;
    int64_t summer = naive - 7200, winter = naive - 3600;
    if (trygg_tz_offset(summer) == 7200)
        return summer; /* also the first of a repeated autumn hour */
    return winter;     /* standard time, or the skipped spring hour read as standard */
}

void trygg_utc_to_local(int64_t utc, int *y, int *m, int *d, int *h, int *mi, int *wday)
{
    int64_t local = utc + trygg_tz_offset(utc);
    int64_t days = floor_div(local, 86400);
    int64_t sec = local - days * 86400;
    int yy, mm, dd;
    civil_from_days(days, &yy, &mm, &dd);
    if (y)
        *y = yy;
    if (m)
        *m = mm;
    if (d)
        *d = dd;
    if (h)
        *h = (int)(sec / 3600);
    if (mi)
        *mi = (int)(sec % 3600 / 60);
    if (wday)
        *wday = weekday_mon0(days);
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
