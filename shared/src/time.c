/*
 * time.c — local time from the tz database (see trygg/time.h).
 *
 * A TZif file (RFC 8536) is read once into a table of transitions (64-bit
 * block of version 2+ files) and the POSIX TZ rule of its footer, which
 * covers every instant after the last transition. Lookups are a binary
 * search; nothing here touches the TZ environment or libc's local time.
 */
#include "trygg/time.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trygg/copy.h"

#define ZONE_FILE_MAX (256 * 1024)
#define FALLBACK_RULE "CET-1CEST,M3.5.0,M10.5.0/3"

/* One end of summer time in a POSIX rule: Mm.w.d/time (or Jn, n). */
typedef struct rule_date {
    char kind; /* 'M', 'J' (1..365, no Feb 29) or 'D' (0..365) */
    int m, w, d, n;
    int32_t secs; /* local time of day of the switch */
} rule_date;

typedef struct posix_rule {
    int valid;
    int32_t std_off, dst_off; /* seconds east of UTC */
    int has_dst;
    rule_date start, end;
} posix_rule;

typedef struct zone {
    char name[128];
    int64_t *trans; /* transition instants, ascending */
    int32_t *off;   /* offset after each transition */
    unsigned char *isdst;
    size_t n;
    int32_t first_off; /* before the first transition */
    posix_rule rule;
} zone;

static zone fallback_zone;
static const zone *current;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* ---- Calendar arithmetic -------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (any month: 13 is
 * January of the next year). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y += floor_div(m - 1, 12);
    m = m - 1 - floor_div(m - 1, 12) * 12 + 1;
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

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

void trygg_days_to_civil(int64_t days, int *y, int *m, int *d)
{
    civil_from_days(days, y, m, d);
}

int64_t trygg_civil_to_unix(int y, int m, int d, int h, int mi, int s)
{
    return days_from_civil(y, m, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s;
}

/* ---- POSIX TZ rules ("CET-1CEST,M3.5.0,M10.5.0/3") ------------------------- */

static const char *parse_name(const char *p)
{
    if (*p == '<') {
        const char *q = strchr(p, '>');
        return q ? q + 1 : NULL;
    }
    const char *s = p;
    while (isalpha((unsigned char)*p))
        p++;
    return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] into seconds; NULL if malformed. */
static const char *parse_hms(const char *p, int32_t *out)
{
    int sign = 1;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    int32_t v[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (!isdigit((unsigned char)*p))
            return i == 0 ? NULL : p;
        int32_t x = 0;
        while (isdigit((unsigned char)*p) && x < 1000)
            x = x * 10 + (*p++ - '0');
        v[i] = x;
        if (*p != ':' || i == 2)
            break;
        p++;
    }
    *out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
    return p;
}

static const char *parse_date(const char *p, rule_date *r)
{
    memset(r, 0, sizeof *r);
    r->secs = 7200;
    if (*p == 'M') {
        r->kind = 'M';
        if (sscanf(p + 1, "%d.%d.%d", &r->m, &r->w, &r->d) != 3 || r->m < 1 || r->m > 12 ||
            r->w < 1 || r->w > 5 || r->d < 0 || r->d > 6)
            return NULL;
        p++;
        while (isdigit((unsigned char)*p) || *p == '.')
            p++;
    } else {
        r->kind = *p == 'J' ? 'J' : 'D';
        if (*p == 'J')
            p++;
        if (!isdigit((unsigned char)*p))
            return NULL;
        r->n = atoi(p);
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p == '/')
        p = parse_hms(p + 1, &r->secs);
    return p;
}

static int parse_rule(const char *s, posix_rule *r)
{
    memset(r, 0, sizeof *r);
    const char *p = parse_name(s);
    int32_t west;
    if (!p || !(p = parse_hms(p, &west)))
        return -1;
    r->std_off = -west;
    r->dst_off = r->std_off;
    if (*p == '\0' || *p == '\n') {
        r->valid = 1;
        return 0;
    }
    if (!(p = parse_name(p)))
        return -1;
    r->has_dst = 1;
    r->dst_off = r->std_off + 3600;
    if (*p != ',' && *p != '\0') {
        if (!(p = parse_hms(p, &west)))
            return -1;
        r->dst_off = -west;
    }
    if (*p != ',') /* no rule given: POSIX leaves it to the system; use the EU one */
        p = ",M3.5.0,M10.5.0/3";
    if (!(p = parse_date(p + 1, &r->start)) || *p != ',' || !(p = parse_date(p + 1, &r->end)))
        return -1;
    r->valid = 1;
    return 0;
}

/* Day number (since 1970) of a rule date in year y. */
static int64_t rule_day(const rule_date *r, int y)
{
    if (r->kind == 'J')
        return days_from_civil(y, 1, 1) + r->n - 1 + (is_leap(y) && r->n >= 60);
    if (r->kind == 'D')
        return days_from_civil(y, 1, 1) + r->n;
    int64_t first = days_from_civil(y, r->m, 1);
    int dow_sun0 = (weekday_mon0(first) + 1) % 7; /* POSIX: 0 = Sunday */
    int64_t day = first + (r->d - dow_sun0 + 7) % 7 + (int64_t)(r->w - 1) * 7;
    int64_t next = days_from_civil(y, r->m + 1, 1);
    while (day >= next)
        day -= 7;
    return day;
}

static int rule_is_dst(const posix_rule *r, int64_t utc)
{
    if (!r->has_dst)
        return 0;
    int y, m, d;
    civil_from_days(floor_div(utc + r->std_off, 86400), &y, &m, &d);
    int64_t start = rule_day(&r->start, y) * 86400 + r->start.secs - r->std_off;
    int64_t end = rule_day(&r->end, y) * 86400 + r->end.secs - r->dst_off;
    if (start < end)
        return utc >= start && utc < end;
    return !(utc >= end && utc < start); /* southern hemisphere */
}

/* ---- TZif files ------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Reads the counts of the header at p: isut, isstd, leap, time, type, char. */
static int header(const unsigned char *p, size_t len, uint32_t c[6])
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return -1;
    for (int i = 0; i < 6; i++)
        c[i] = be32(p + 20 + 4 * i);
    return c[4] == 0 || c[3] > 100000 || c[4] > 256 || c[5] > 4096 ? -1 : 0;
}

static size_t block_len(const uint32_t c[6], int tsize)
{
    return (size_t)c[3] * tsize + c[3] + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * (tsize + 4) +
           c[1] + c[0];
}

/* Parses a whole TZif file into z (z->name already set). */
static int parse_tzif(const unsigned char *p, size_t len, zone *z)
{
    uint32_t c[6];
    if (header(p, len, c) != 0)
        return -1;
    int tsize = 4;
    const unsigned char *data = p + 44;
    if (p[4] >= '2') { /* skip the 32-bit block, use the 64-bit one */
        size_t skip = 44 + block_len(c, 4);
        if (skip > len || header(p + skip, len - skip, c) != 0)
            return -1;
        data = p + skip + 44;
        tsize = 8;
    }
    size_t need = block_len(c, tsize);
    if ((size_t)(data - p) + need > len)
        return -1;
    const unsigned char *times = data, *idx = times + (size_t)c[3] * tsize;
    const unsigned char *types = idx + c[3];
    z->n = c[3];
    z->trans = calloc(z->n + 1, sizeof *z->trans);
    z->off = calloc(z->n + 1, sizeof *z->off);
    z->isdst = calloc(z->n + 1, 1);
    if (!z->trans || !z->off || !z->isdst)
        return -1;
    for (size_t i = 0; i < z->n; i++) {
        z->trans[i] = tsize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
        if (idx[i] >= c[4])
            return -1;
        z->off[i] = (int32_t)be32(types + 6 * idx[i]);
        z->isdst[i] = types[6 * idx[i] + 4];
    }
    z->first_off = (int32_t)be32(types); /* RFC 8536: type 0 before the first transition */
    const unsigned char *foot = data + need;
    if (tsize == 8 && foot < p + len && *foot == '\n') {
        char rule[128];
        size_t n = 0;
        for (foot++; foot < p + len && *foot != '\n' && n + 1 < sizeof rule; foot++)
            rule[n++] = (char)*foot;
        rule[n] = '\0';
        if (n > 0 && parse_rule(rule, &z->rule) != 0)
            memset(&z->rule, 0, sizeof z->rule);
    }
    return 0;
}

static void zone_free(zone *z)
{
    free(z->trans);
    free(z->off);
    free(z->isdst);
    memset(z, 0, sizeof *z);
}

static trygg_err zone_load(const char *name, zone *z)
{
    memset(z, 0, sizeof *z);
    if (!name || !*name || name[0] == '/' || strstr(name, "..") || !TRYGG_COPY(z->name, name))
        return TRYGG_ERR_INVALID;
    const char *dir = getenv("TZDIR");
    char path[512];
    int pn = snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    if (pn < 0 || (size_t)pn >= sizeof path)
        return TRYGG_ERR_INVALID;
    FILE *f = fopen(path, "rb");
    if (!f)
        return TRYGG_ERR_NOTFOUND;
    unsigned char *buf = malloc(ZONE_FILE_MAX);
    size_t len = buf ? fread(buf, 1, ZONE_FILE_MAX, f) : 0;
    fclose(f);
    trygg_err err = TRYGG_OK;
    if (!buf)
        err = TRYGG_ERR_NOMEM;
    else if (parse_tzif(buf, len, z) != 0)
        err = TRYGG_ERR_CONFIG;
    free(buf);
    if (err)
        zone_free(z);
    return err;
}

static void load_default(void)
{
    static zone def;
    if (parse_rule(FALLBACK_RULE, &fallback_zone.rule) != 0)
        abort(); /* a constant: cannot happen */
    memcpy(fallback_zone.name, TRYGG_TIME_ZONE_DEFAULT, sizeof TRYGG_TIME_ZONE_DEFAULT);
    current = zone_load(TRYGG_TIME_ZONE_DEFAULT, &def) == TRYGG_OK ? &def : &fallback_zone;
}

static const zone *zone_now(void)
{
    pthread_once(&once, load_default);
    return current;
}

trygg_err trygg_time_set_zone(const char *name)
{
    zone_now();
    zone *z = calloc(1, sizeof *z);
    if (!z)
        return TRYGG_ERR_NOMEM;
    trygg_err err = zone_load(name, z);
    if (err) {
        free(z);
        return err;
    }
    static zone *owned; /* the last zone set here (not the default) */
    current = z;        /* no thread runs yet (see time.h), so the old one may go */
    if (owned) {
        zone_free(owned);
        free(owned);
    }
    owned = z;
    return TRYGG_OK;
}

const char *trygg_time_zone(void)
{
    return zone_now()->name;
}

/* ---- Conversion ------------------------------------------------------------- */

static int32_t zone_offset(const zone *z, int64_t utc, int *dst)
{
    if (z->n == 0 || utc >= z->trans[z->n - 1]) {
        if (z->rule.valid) {
            int d = rule_is_dst(&z->rule, utc);
            *dst = d;
            return d ? z->rule.dst_off : z->rule.std_off;
        }
        *dst = z->n ? z->isdst[z->n - 1] : 0;
        return z->n ? z->off[z->n - 1] : z->first_off;
    }
    if (utc < z->trans[0]) {
        *dst = 0;
        return z->first_off;
    }
    size_t lo = 0, hi = z->n - 1; /* trans[lo] <= utc < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= utc)
            lo = mid;
        else
            hi = mid;
    }
    *dst = z->isdst[lo];
    return z->off[lo];
}

int trygg_tz_offset(int64_t utc)
{
    int dst;
    return zone_offset(zone_now(), utc, &dst);
}

void trygg_time_local(int64_t utc, trygg_tm *out)
{
    int dst;
    int32_t off = zone_offset(zone_now(), utc, &dst);
    int64_t local = utc + off;
    int64_t days = floor_div(local, 86400);
    int64_t sec = local - days * 86400;
    civil_from_days(days, &out->year, &out->month, &out->day);
    out->hour = (int)(sec / 3600);
    out->min = (int)(sec % 3600 / 60);
    out->sec = (int)(sec % 60);
    out->wday = weekday_mon0(days);
    out->offset = off;
    out->dst = dst;
}

int64_t trygg_time_from_local(int y, int m, int d, int h, int mi, int s)
{
    int64_t naive = days_from_civil(y, m, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s;
    int before = trygg_tz_offset(naive - 86400 - 3600 * 14);
    int after = trygg_tz_offset(naive + 86400 + 3600 * 14);
    int64_t a = naive - before, b = naive - after;
    int a_ok = trygg_tz_offset(a) == before, b_ok = trygg_tz_offset(b) == after;
    if (a_ok && b_ok)
        return a < b ? a : b; /* the repeated hour: the first one */
    if (b_ok)
        return b;
    return a; /* valid before the switch, or the skipped hour read with the old offset */
}

int64_t trygg_local_to_utc(int y, int m, int d, int h, int mi)
{
    return trygg_time_from_local(y, m, d, h, mi, 0);
}

void trygg_utc_to_local(int64_t utc, int *y, int *m, int *d, int *h, int *mi, int *wday)
{
    trygg_tm t;
    trygg_time_local(utc, &t);
    if (y)
        *y = t.year;
    if (m)
        *m = t.month;
    if (d)
        *d = t.day;
    if (h)
        *h = t.hour;
    if (mi)
        *mi = t.min;
    if (wday)
        *wday = t.wday;
}

int64_t trygg_time_day_start(int64_t utc)
{
    trygg_tm t;
    trygg_time_local(utc, &t);
    return trygg_time_from_local(t.year, t.month, t.day, 0, 0, 0);
}

int64_t trygg_time_week_start(int64_t utc)
{
    trygg_tm t;
    trygg_time_local(utc, &t);
    return trygg_time_from_local(t.year, t.month, t.day - t.wday, 0, 0, 0);
}

static size_t format_tm(const trygg_tm *t, const char *zone_abbr, const char *fmt, char *out,
                        size_t cap)
{
    if (cap == 0)
        return 0;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = t->year - 1900;
    tm.tm_mon = t->month - 1;
    tm.tm_mday = t->day;
    tm.tm_hour = t->hour;
    tm.tm_min = t->min;
    tm.tm_sec = t->sec;
    tm.tm_wday = (t->wday + 1) % 7;
    tm.tm_yday = (int)(days_from_civil(t->year, t->month, t->day) - days_from_civil(t->year, 1, 1));
    tm.tm_isdst = t->dst;
    tm.tm_gmtoff = t->offset;
    tm.tm_zone = zone_abbr;
    size_t n = strftime(out, cap, fmt, &tm); /* fields given: no local time read */
    if (n == 0)
        out[0] = '\0';
    return n;
}

size_t trygg_time_format(int64_t utc, const char *fmt, char *out, size_t cap)
{
    trygg_tm t;
    trygg_time_local(utc, &t);
    char abbr[16];
    snprintf(abbr, sizeof abbr, "%+03d%02d", t.offset / 3600, abs(t.offset % 3600) / 60);
    return format_tm(&t, abbr, fmt, out, cap);
}

size_t trygg_time_format_utc(int64_t utc, const char *fmt, char *out, size_t cap)
{
    trygg_tm t;
    int64_t days = floor_div(utc, 86400), sec = utc - days * 86400;
    civil_from_days(days, &t.year, &t.month, &t.day);
    t.hour = (int)(sec / 3600);
    t.min = (int)(sec % 3600 / 60);
    t.sec = (int)(sec % 60);
    t.wday = weekday_mon0(days);
    t.offset = 0;
    t.dst = 0;
    return format_tm(&t, "UTC", fmt, out, cap);
}

void trygg_time_iso(int64_t utc, char *out, size_t cap)
{
    trygg_tm t;
    trygg_time_local(utc, &t);
    int off = t.offset < 0 ? -t.offset : t.offset;
    int n = snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", t.year, t.month, t.day,
                     t.hour, t.min, t.sec, t.offset < 0 ? '-' : '+', off / 3600, off % 3600 / 60);
    if (cap && (n < 0 || (size_t)n >= cap))
        out[0] = '\0';
}

trygg_err trygg_time_parse_day(const char *s, int64_t *out)
{
    int y = 0, m = 0, d = 0;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return TRYGG_ERR_INVALID;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (!isdigit((unsigned char)s[i]))
            return TRYGG_ERR_INVALID;
        int v = s[i] - '0';
        if (i < 4)
            y = y * 10 + v;
        else if (i < 7)
            m = m * 10 + v;
        else
            d = d * 10 + v;
    }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 2999 || m < 1 || m > 12 || d < 1 ||
        d > mdays[m - 1] + (m == 2 && is_leap(y)))
        return TRYGG_ERR_INVALID;
    *out = trygg_time_from_local(y, m, d, 0, 0, 0);
    return TRYGG_OK;
}
