/*
 * workdays.c — Swedish public holidays and working-day deadlines
 * (trygg/workdays.h).
 */
#include "trygg/workdays.h"

#include <stddef.h>

#include "trygg/time.h"

void trygg_easter(int y, int *month, int *day)
{
    int a = y % 19;
    int b = y / 100;
    int c = y % 100;
    int d = b / 4;
    int e = b % 4;
    int f = (b + 8) / 25;
    int g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4;
    int k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int n = h + l - 7 * m + 114;
    *month = n / 31;
    *day = n % 31 + 1;
}

/* Days since 1970-01-01 of a date. */
static int64_t day_number(int y, int m, int d)
{
    return trygg_civil_to_unix(y, m, d, 0, 0, 0) / 86400;
}

/* 0 = Monday .. 6 = Sunday. 1970-01-01 was a Thursday. */
static int weekday(int64_t days)
{
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static const char *fixed_holiday(int m, int d)
{
    static const struct {
        int m, d;
        const char *id;
    } fixed[] = {
        {1, 1, "nyarsdagen"},     {1, 6, "trettondedag_jul"}, {5, 1, "forsta_maj"},
        {6, 6, "nationaldagen"},  {12, 24, "julafton"},       {12, 25, "juldagen"},
        {12, 26, "annandag_jul"}, {12, 31, "nyarsafton"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (fixed[i].m == m && fixed[i].d == d)
            return fixed[i].id;
    return NULL;
}

static const char *easter_holiday(int y, int64_t day)
{
    int em, ed;
    trygg_easter(y, &em, &ed);
    switch (day - day_number(y, em, ed)) {
    case -2:
        return "langfredagen";
    case 0:
        return "paskdagen";
    case 1:
        return "annandag_pask";
    case 39:
        return "kristi_himmelsfard";
    case 49:
        return "pingstdagen";
    default:
        return NULL;
    }
}

const char *trygg_holiday(int y, int m, int d)
{
    const char *id = fixed_holiday(m, d);
    if (id)
        return id;
    int64_t day = day_number(y, m, d);
    id = easter_holiday(y, day);
    if (id)
        return id;
    int wd = weekday(day);
    /* Midsommarafton: the Friday of 19..25 June; Midsommardagen the Saturday after. */
    if (m == 6 && wd == 4 && d >= 19 && d <= 25)
        return "midsommarafton";
    if (m == 6 && wd == 5 && d >= 20 && d <= 26)
        return "midsommardagen";
    /* Alla helgons dag: the Saturday of 31 October..6 November. */
    if (wd == 5 && ((m == 10 && d == 31) || (m == 11 && d <= 6)))
        return "alla_helgons_dag";
    return NULL;
}

int trygg_is_workday(int y, int m, int d)
{
    return weekday(day_number(y, m, d)) < 5 && trygg_holiday(y, m, d) == NULL;
}

static int64_t add_days(int64_t day, int n)
{
    int y, m, d;
    trygg_days_to_civil(day, &y, &m, &d);
    while (!trygg_is_workday(y, m, d))
        trygg_days_to_civil(++day, &y, &m, &d);
    for (int i = 0; i < n; i++) {
        do
            trygg_days_to_civil(++day, &y, &m, &d);
        while (!trygg_is_workday(y, m, d));
    }
    return day;
}

void trygg_workdays_add_date(int y, int m, int d, int n, int *oy, int *om, int *od)
{
    int64_t day = day_number(y, m, d);
    if (n > 0 && !trygg_is_workday(y, m, d))
        n--; /* the first working day after a day off counts as day one */
    trygg_days_to_civil(add_days(day, n < 0 ? 0 : n), oy, om, od);
}

int64_t trygg_workdays_due(int64_t from, int n)
{
    int y, m, d;
    trygg_utc_to_local(from, &y, &m, &d, NULL, NULL, NULL);
    int dy, dm, dd;
    trygg_workdays_add_date(y, m, d, n, &dy, &dm, &dd);
    return trygg_time_from_local(dy, dm, dd + 1, 0, 0, 0);
}

int trygg_workdays_between(int64_t from, int64_t now)
{
    if (now <= from)
        return 0;
    int y, m, d;
    trygg_utc_to_local(from, &y, &m, &d, NULL, NULL, NULL);
    int64_t day = day_number(y, m, d);
    trygg_utc_to_local(now, &y, &m, &d, NULL, NULL, NULL);
    int64_t last = day_number(y, m, d);
    int n = 0;
    while (++day <= last && n < 100000) {
        trygg_days_to_civil(day, &y, &m, &d);
        n += trygg_is_workday(y, m, d);
    }
    return n;
}
