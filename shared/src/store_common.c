/*
 * store_common.c — what both store backends share that touches no
 * database (store_common.h).
 */
#include "store_common.h"
#include "trygg/copy.h"
#include "trygg/ref.h"
#include "trygg/log.h"
#include "trygg/police_events.h"
#include "trygg/report.h"
#include "trygg/text.h"
#include "trygg/time.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* Splits comma-separated `s` into out[max][cap]; returns the count. */
int trygg_stc_split_ids(const char *s, char (*out)[TRYGG_NAME_MAX + 1], int max)
{
    int n = 0;
    while (s && *s && n < max) {
        size_t len = strcspn(s, ",");
        if (len > 0 && len <= TRYGG_NAME_MAX) {
            memcpy(out[n], s, len);
            out[n++][len] = '\0';
        }
        s += len;
        if (*s == ',')
            s++;
    }
    return n;
}

/* Joins ids[0..n) with commas into out[cap] (cap fits TRYGG_MEASURE_LINKS ids). */
void trygg_stc_join_ids(const char (*ids)[TRYGG_NAME_MAX + 1], int n, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        int w = snprintf(out + at, cap - at, "%s%s", i ? "," : "", ids[i]);
        if (w < 0 || (size_t)w >= cap - at)
            break;
        at += (size_t)w;
    }
}

unsigned trygg_stc_parse_types(const char *s)
{
    unsigned mask = 0;
    char names[TRYGG_EVENT_TYPE_COUNT][TRYGG_NAME_MAX + 1];
    int n = trygg_stc_split_ids(s, names, TRYGG_EVENT_TYPE_COUNT);
    for (int i = 0; i < n; i++) {
        trygg_event_type t;
        if (trygg_event_type_parse(names[i], &t) == TRYGG_OK)
            mask |= 1u << t;
    }
    return mask;
}

void trygg_stc_join_types(unsigned mask, char *out, size_t cap)
{
    size_t at = 0;
    out[0] = '\0';
    for (int t = 0; t < TRYGG_EVENT_TYPE_COUNT; t++) {
        if (!(mask & (1u << t)))
            continue;
        int w = snprintf(out + at, cap - at, "%s%s", at ? "," : "",
                         trygg_event_type_name((trygg_event_type)t));
        if (w < 0 || (size_t)w >= cap - at)
            break;
        at += (size_t)w;
    }
}

/* The week the local day `day` ("YYYY-MM-DD") falls in. */
static int week_of_day(const char *day, trygg_week *w)
{
    int y, m, d;
    char tail;
    if (sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return -1;
    trygg_week_containing(trygg_local_to_utc(y, m, d, 12, 0), w);
    return 0;
}

trygg_err trygg_stc_effect_windows(const trygg_effect_query *q, int64_t now, trygg_effect *out,
                                   int64_t *before, int64_t *start, int64_t *after_end)
{
    memset(out, 0, sizeof *out);
    trygg_week w, b0, b1, a1, a_end;
    trygg_measure probe = {.title = "x", .org = "x", .status = "planned", .priority = 1};
    TRYGG_COPY_FIT(probe.start_day, q->start_day);
    if (q->weeks < 1 || q->weeks > 52 || q->nplaces < 1 || q->nplaces > TRYGG_MEASURE_LINKS ||
        q->ncats < 0 || q->ncats > TRYGG_MEASURE_LINKS ||
        trygg_measure_validate(&probe, NULL) != TRYGG_OK || week_of_day(q->start_day, &w) != 0)
        return TRYGG_ERR_INVALID;
    trygg_week_shift(&w, -q->weeks, &b0);
    trygg_week_shift(&w, -1, &b1);
    trygg_week_shift(&w, q->weeks - 1, &a1);
    trygg_week_shift(&w, q->weeks, &a_end);
    trygg_week_format(&b0, out->before_from, sizeof out->before_from);
    trygg_week_format(&b1, out->before_to, sizeof out->before_to);
    trygg_week_format(&w, out->after_from, sizeof out->after_from);
    trygg_week_format(&a1, out->after_to, sizeof out->after_to);
    for (int k = 0; k < q->weeks; k++) {
        trygg_week x;
        trygg_week_shift(&w, k, &x);
        if (x.end <= now)
            out->after_done++;
    }
    *before = b0.start;
    *start = w.start;
    *after_end = a_end.start;
    return TRYGG_OK;
}

/* ---- The police's feed ------------------------------------------------------------- */

static const char *jstr(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

/* Fills *ev from the feed's object o; -1 when it is not a usable event. */
static int police_event(json_t *o, const char *origin, trygg_stc_police *ev)
{
    json_t *jid = json_object_get(o, "id");
    ev->datetime = jstr(o, "datetime");
    ev->at = trygg_police_parse_time(ev->datetime);
    if (!json_is_object(o) || !json_is_integer(jid) || json_integer_value(jid) <= 0 || ev->at < 0)
        return -1;
    ev->id = (int64_t)json_integer_value(jid);
    json_t *loc = json_object_get(o, "location");
    const char *url = jstr(o, "url");
    if (origin && url[0] == '/')
        snprintf(ev->url, sizeof ev->url, "%s%s", origin, url);
    else
        TRYGG_COPY_TRUNC(ev->url, url); /* cut like the origin + url case above */
    ev->name = jstr(o, "name");
    ev->summary = jstr(o, "summary");
    ev->type = jstr(o, "type");
    ev->location = json_is_object(loc) ? jstr(loc, "name") : "";
    ev->gps = json_is_object(loc) ? jstr(loc, "gps") : "";
    return 0;
}

trygg_err trygg_stc_police_each(const char *json, size_t len, const char *origin,
                                trygg_err (*put)(void *ctx, const trygg_stc_police *ev), void *ctx,
                                int *skipped, char *err, size_t cap)
{
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (err && cap)
            snprintf(err, cap, "malformed JSON at line %d: %s", je.line, je.text);
        return TRYGG_ERR_INVALID;
    }
    if (!json_is_array(root)) {
        json_decref(root);
        if (err && cap)
            trygg_copy_trunc(err, cap, "feed is not a JSON array");
        return TRYGG_ERR_INVALID;
    }
    trygg_err e = TRYGG_OK;
    size_t i;
    json_t *o;
    json_array_foreach(root, i, o)
    {
        trygg_stc_police ev;
        if (police_event(o, origin, &ev) != 0) {
            if (skipped)
                (*skipped)++;
            continue;
        }
        e = put(ctx, &ev);
        if (e)
            break;
    }
    json_decref(root);
    return e;
}

/* ---- Database settings ---------------------------------------------------------- */

int trygg_store_is_postgresql(const char *db)
{
    return db && (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0 ||
                  strncmp(db, "service=", 8) == 0);
}

const char *trygg_store_label(const char *db)
{
    return trygg_store_is_postgresql(db) ? "PostgreSQL" : db ? db : "";
}

void trygg_stc_shared_copy(const char *in, char *out, size_t cap)
{
    if (trygg_scrub(in ? in : "", out, cap, NULL) != TRYGG_OK)
        out[0] = '\0';
}

trygg_err trygg_stc_event_vals(const trygg_event *ev, trygg_event *clean, trygg_sql_val v[7],
                               const char **field)
{
    *field = NULL;
    if (trygg_event_validate(ev, field) != TRYGG_OK)
        return TRYGG_ERR_INVALID;
    *clean = *ev;
    trygg_stc_shared_copy(ev->place, clean->place, sizeof clean->place);
    trygg_stc_shared_copy(ev->text, clean->text, sizeof clean->text);
    v[0] = TRYGG_SQL_TEXT(trygg_event_type_name(clean->type));
    v[1] = TRYGG_SQL_TEXT(clean->day);
    v[2] = TRYGG_SQL_TEXT(clean->band);
    v[3] = TRYGG_SQL_TEXT(clean->area);
    v[4] = TRYGG_SQL_TEXT(clean->place);
    v[5] = TRYGG_SQL_INT(clean->count);
    v[6] = TRYGG_SQL_TEXT(clean->text);
    return TRYGG_OK;
}

int trygg_stc_event_corrupt(const trygg_event *evs, int n)
{
    for (int i = 0; i < n; i++)
        if ((int)evs[i].type < 0)
            return i;
    return -1;
}

void trygg_stc_append_change(char *detail, size_t cap, const char *field, const char *from,
                             const char *to)
{
    size_t len = strlen(detail);
    snprintf(detail + len, cap - len, "%s%s: %s -> %s", len ? "; " : "", field, from, to);
}

int trygg_stc_transition_ok(trygg_status from, trygg_status to)
{
    switch (to) {
    case TRYGG_STATUS_NEW:
        return 0;
    case TRYGG_STATUS_TRIAGED:
        return from != TRYGG_STATUS_TRIAGED;
    case TRYGG_STATUS_FORWARDED:
        return from == TRYGG_STATUS_TRIAGED || from == TRYGG_STATUS_IN_PROGRESS;
    case TRYGG_STATUS_IN_PROGRESS:
        return from == TRYGG_STATUS_TRIAGED || from == TRYGG_STATUS_FORWARDED;
    case TRYGG_STATUS_CLOSED:
        return from != TRYGG_STATUS_CLOSED;
    default:
        return 0;
    }
}

/* ---- Idempotent submit and counts shared by both backends ---------------- */

trygg_err trygg_stc_claim_key_and_ref(trygg_store *st, trygg_item *it, trygg_item *out,
                                      int *inserted, int *existing, trygg_stc_insert_fn insert,
                                      trygg_stc_fail_fn fail)
{
    for (int tries = 0;; tries++) {
        trygg_err err = insert(st, it, inserted);
        if (err || *inserted)
            return err;
        err = trygg_store_get_by_key(st, it->client_key, out);
        if (err == TRYGG_OK)
            *existing = 1;
        if (err != TRYGG_ERR_NOTFOUND)
            return err;
        if (trygg_ref_is_kiosk(it->ref)) {
            TRYGG_WARN("store: kiosk reference %s of key %s is taken by another item", it->ref,
                       it->client_key);
            return fail(st, TRYGG_ERR_EXISTS, "reference %s is taken", it->ref);
        }
        if (tries == 50)
            return fail(st, TRYGG_ERR_DB, "no free reference after 50 tries");
        if (tries == 0)
            TRYGG_WARN("store: reference %s of key %s is taken; assigning a random one", it->ref,
                       it->client_key);
        trygg_ref_new(it->ref);
    }
}

int trygg_stc_status_count(void *ctx, const char *key, int64_t count)
{
    trygg_stc_status_counts *c = ctx;
    trygg_status status;
    if (trygg_status_parse(key, &status) != TRYGG_OK) {
        c->corrupt = 1;
        return 1;
    }
    c->counts[status] = count;
    return 0;
}

int trygg_stc_cols_count(const char *cols)
{
    if (!cols || !*cols)
        return 0;
    int n = 1;
    for (const char *p = cols; *p; p++)
        n += *p == ',';
    return n;
}

/* 1 when name p[0..len) is one of the names of list `list`. */
static int in_list(const char *list, const char *p, size_t len)
{
    for (const char *q = list; *q;) {
        const char *end = strchr(q, ',');
        size_t n = end ? (size_t)(end - q) : strlen(q);
        if (n == len && memcmp(q, p, len) == 0)
            return 1;
        q += n + (end ? 1 : 0);
    }
    return 0;
}

int trygg_stc_cols_subset(const char *cols, const char *have)
{
    if (!cols || !have)
        return 0;
    for (const char *p = cols; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0 || !in_list(have, p, len) || (end && in_list(end + 1, p, len)))
            return 0;
        p += len + (end ? 1 : 0);
    }
    return 1;
}
