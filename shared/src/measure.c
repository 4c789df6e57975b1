/*
 * measure.c — checks a measure of the register (store.h "Meeting and
 * measures") before the store writes it, so every backend refuses the
 * same things.
 */
#include "trygg/store.h"
#include "trygg/utf8.h"

#include <string.h>

static int text_ok(const char *s, size_t cap)
{
    size_t len = strnlen(s, cap);
    return len < cap && trygg_utf8_valid(s, len);
}

/* "YYYY-MM-DD" with a plausible month and day (the calendar is checked by
 * comparing with what the date turns into). */
static int day_ok(const char *d)
{
    if (strnlen(d, 11) != 10 || d[4] != '-' || d[7] != '-')
        return 0;
    int v[3] = {0, 0, 0}, k = 0;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            k++;
            continue;
        }
        if (d[i] < '0' || d[i] > '9')
            return 0;
        v[k] = v[k] * 10 + (d[i] - '0');
    }
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (v[0] < 1900 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1])
        return 0;
    int leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
    return !(v[1] == 2 && v[2] == 29 && !leap);
}

int trygg_measure_status_ok(const char *s)
{
    static const char *const names[] = {"planned", "ongoing", "done", "dropped"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0)
            return 1;
    return 0;
}

static const char *links_bad(const trygg_measure *m)
{
    if (m->nplaces < 0 || m->nplaces > TRYGG_MEASURE_LINKS)
        return "places";
    for (int i = 0; i < m->nplaces; i++)
        if (!text_ok(m->places[i], sizeof m->places[i]) || !m->places[i][0] ||
            strchr(m->places[i], ','))
            return "places";
    if (m->ncats < 0 || m->ncats > TRYGG_MEASURE_LINKS)
        return "cats";
    for (int i = 0; i < m->ncats; i++)
        if (!text_ok(m->cats[i], sizeof m->cats[i]) || !m->cats[i][0] || strchr(m->cats[i], ','))
            return "cats";
    if (m->types >> TRYGG_EVENT_TYPE_COUNT)
        return "types";
    return NULL;
}

static const char *measure_bad(const trygg_measure *m)
{
    if (!text_ok(m->title, sizeof m->title) || !m->title[0])
        return "title";
    if (!text_ok(m->problem, sizeof m->problem))
        return "problem";
    const char *links = links_bad(m);
    if (links)
        return links;
    if (!text_ok(m->org, sizeof m->org) || !m->org[0])
        return "org";
    if (!day_ok(m->start_day))
        return "start_day";
    if (m->end_day[0] && (!day_ok(m->end_day) || strcmp(m->end_day, m->start_day) < 0))
        return "end_day";
    if (!text_ok(m->status, sizeof m->status) || !trygg_measure_status_ok(m->status))
        return "status";
    if (m->priority < 1 || m->priority > 3)
        return "priority";
    if (m->cost < -1)
        return "cost";
    if (!text_ok(m->indicator, sizeof m->indicator))
        return "indicator";
    return NULL;
}

trygg_err trygg_measure_validate(const trygg_measure *m, const char **field)
{
    const char *bad = measure_bad(m);
    if (field)
        *field = bad;
    return bad ? TRYGG_ERR_INVALID : TRYGG_OK;
}
