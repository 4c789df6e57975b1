/*
 * item.c — the item model: defaults, enum names, bounded string copies and
 * the validation every submission passes before it reaches the store.
 */
#include "trygg/item.h"

#include <string.h>

#include "trygg/text.h"

static const char *const kind_names[TRYGG_KIND_COUNT] = {
    "concern", "fault", "tip", "watch_signup", "walk_signup", "callback",
};
static const char *const channel_names[TRYGG_CHANNEL_COUNT] = {
    "kiosk", "sms", "voice", "open311", "staff",
};
static const char *const status_names[TRYGG_STATUS_COUNT] = {
    "new", "triaged", "forwarded", "in_progress", "closed",
};
static const char *const reason_names[TRYGG_CLOSE_COUNT] = {
    "", "resolved", "police", "not_ours", "duplicate", "spam",
};
static const char *const event_type_names[TRYGG_EVENT_TYPE_COUNT] = {
    "damage",   "graffiti",    "fire",  "litter",  "gathering", "threat_staff",
    "burglary", "disturbance", "drugs", "traffic", "other",
};
static const char *const event_band_names[TRYGG_EVENT_BAND_COUNT] = {
    "night",
    "morning",
    "afternoon",
    "evening",
};

void trygg_item_init(trygg_item *item)
{
    memset(item, 0, sizeof *item);
    item->status = TRYGG_STATUS_NEW;
    item->close_reason = TRYGG_CLOSE_NONE;
    memcpy(item->lang, "sv", 3);
}

static const char *name_of(const char *const *names, int count, int v)
{
    if (v < 0 || v >= count)
        return "?";
    return names[v];
}

static trygg_err parse_in(const char *const *names, int count, const char *s, int *out)
{
    if (!s)
        return TRYGG_ERR_INVALID;
    for (int i = 0; i < count; i++) {
        if (names[i][0] != '\0' && strcmp(names[i], s) == 0) {
            *out = i;
            return TRYGG_OK;
        }
    }
    return TRYGG_ERR_INVALID;
}

const char *trygg_kind_name(trygg_kind k)
{
    return name_of(kind_names, TRYGG_KIND_COUNT, (int)k);
}

const char *trygg_channel_name(trygg_channel c)
{
    return name_of(channel_names, TRYGG_CHANNEL_COUNT, (int)c);
}

const char *trygg_status_name(trygg_status s)
{
    return name_of(status_names, TRYGG_STATUS_COUNT, (int)s);
}

const char *trygg_close_reason_name(trygg_close_reason r)
{
    return name_of(reason_names, TRYGG_CLOSE_COUNT, (int)r);
}

trygg_err trygg_kind_parse(const char *s, trygg_kind *out)
{
    int v;
    trygg_err e = parse_in(kind_names, TRYGG_KIND_COUNT, s, &v);
    if (!e)
        *out = (trygg_kind)v;
    return e;
}

trygg_err trygg_channel_parse(const char *s, trygg_channel *out)
{
    int v;
    trygg_err e = parse_in(channel_names, TRYGG_CHANNEL_COUNT, s, &v);
    if (!e)
        *out = (trygg_channel)v;
    return e;
}

trygg_err trygg_status_parse(const char *s, trygg_status *out)
{
    int v;
    trygg_err e = parse_in(status_names, TRYGG_STATUS_COUNT, s, &v);
    if (!e)
        *out = (trygg_status)v;
    return e;
}

trygg_err trygg_close_reason_parse(const char *s, trygg_close_reason *out)
{
    if (s && s[0] == '\0') {
        *out = TRYGG_CLOSE_NONE;
        return TRYGG_OK;
    }
    int v;
    trygg_err e = parse_in(reason_names, TRYGG_CLOSE_COUNT, s, &v);
    if (!e)
        *out = (trygg_close_reason)v;
    return e;
}

trygg_err trygg_strset(char *dst, size_t cap, const char *src)
{
    if (cap == 0)
        return TRYGG_ERR_TOOBIG;
    if (!src) {
        dst[0] = '\0';
        return TRYGG_OK;
    }
    size_t len = strnlen(src, cap);
    if (len >= cap)
        return TRYGG_ERR_TOOBIG;
    if (!trygg_utf8_valid(src, len))
        return TRYGG_ERR_INVALID;
    memcpy(dst, src, len + 1);
    return TRYGG_OK;
}

/* 1 if the fixed-size field holds a NUL within cap bytes and valid UTF-8. */
static int field_ok(const char *s, size_t cap)
{
    size_t len = strnlen(s, cap);
    return len < cap && trygg_utf8_valid(s, len);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "YYYY-MM-DD" with a plausible month and day. */
static int date_ok(const char *d)
{
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (!is_digit(d[i]))
            return 0;
    }
    int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    int m = (d[5] - '0') * 10 + (d[6] - '0');
    int day = (d[8] - '0') * 10 + (d[9] - '0');
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
        return 0;
    if (m == 2 && day == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return 1;
}

/* Client keys are printable ASCII without spaces (UUIDs, hashes, ids). */
static int key_ok(const char *k)
{
    size_t len = strnlen(k, TRYGG_KEY_MAX + 1);
    if (len == 0 || len > TRYGG_KEY_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c <= 0x20 || c >= 0x7f)
            return 0;
    }
    return 1;
}

#define CHECK_FIELD(name)                                                                          \
    do {                                                                                           \
        if (!field_ok(item->name, sizeof item->name)) {                                            \
            bad = #name;                                                                           \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

int trygg_item_via_ok(trygg_channel channel, const char *via)
{
    static const char *const ways[] = {"phone", "visit", "letter", "email"};
    if (via[0] == '\0')
        return 1;
    if (channel != TRYGG_CHANNEL_STAFF || strnlen(via, 16) >= 16)
        return 0;
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++)
        if (strcmp(via, ways[i]) == 0)
            return 1;
    return 0;
}

trygg_err trygg_item_validate(const trygg_item *item, const char **field)
{
    const char *bad = NULL;
    if (!key_ok(item->client_key)) {
        bad = "client_key";
        goto fail;
    }
    if ((int)item->channel < 0 || item->channel >= TRYGG_CHANNEL_COUNT) {
        bad = "channel";
        goto fail;
    }
    if ((int)item->kind < 0 || item->kind >= TRYGG_KIND_COUNT) {
        bad = "kind";
        goto fail;
    }
    if ((int)item->status < 0 || item->status >= TRYGG_STATUS_COUNT) {
        bad = "status";
        goto fail;
    }
    if ((int)item->close_reason < 0 || item->close_reason >= TRYGG_CLOSE_COUNT) {
        bad = "close_reason";
        goto fail;
    }
    CHECK_FIELD(ref);
    CHECK_FIELD(source);
    CHECK_FIELD(category);
    CHECK_FIELD(area);
    CHECK_FIELD(place);
    CHECK_FIELD(when_date);
    CHECK_FIELD(when_band);
    CHECK_FIELD(text);
    CHECK_FIELD(lang);
    CHECK_FIELD(contact);
    CHECK_FIELD(destination);
    CHECK_FIELD(sender);
    CHECK_FIELD(alias);
    if (item->when_date[0] && !date_ok(item->when_date)) {
        bad = "when_date";
        goto fail;
    }
    if (item->contact[0] && !item->consent) {
        bad = "consent";
        goto fail;
    }
    if (item->walk_id < 0 || item->duplicate_of < 0) {
        bad = item->walk_id < 0 ? "walk_id" : "duplicate_of";
        goto fail;
    }
    if (item->urgent != 0 && item->urgent != 1) {
        bad = "urgent";
        goto fail;
    }
    if (item->created < 0 || item->purge_at < 0) {
        bad = "created";
        goto fail;
    }
    if (!trygg_item_via_ok(item->channel, item->via)) {
        bad = "via";
        goto fail;
    }
    return TRYGG_OK;
fail:
    if (field)
        *field = bad;
    return TRYGG_ERR_INVALID;
}

const char *trygg_event_type_name(trygg_event_type t)
{
    return name_of(event_type_names, TRYGG_EVENT_TYPE_COUNT, (int)t);
}

trygg_err trygg_event_type_parse(const char *s, trygg_event_type *out)
{
    int v;
    trygg_err e = parse_in(event_type_names, TRYGG_EVENT_TYPE_COUNT, s, &v);
    if (!e)
        *out = (trygg_event_type)v;
    return e;
}

const char *trygg_event_band_name(int i)
{
    return name_of(event_band_names, TRYGG_EVENT_BAND_COUNT, i);
}

static const char *event_bad_field(const trygg_event *ev)
{
    int band;
    if ((int)ev->type < 0 || ev->type >= TRYGG_EVENT_TYPE_COUNT)
        return "type";
    if (!field_ok(ev->day, sizeof ev->day) || !date_ok(ev->day))
        return "day";
    if (parse_in(event_band_names, TRYGG_EVENT_BAND_COUNT, ev->band, &band) != TRYGG_OK)
        return "band";
    if (!field_ok(ev->area, sizeof ev->area) || !ev->area[0])
        return "area";
    if (!field_ok(ev->place, sizeof ev->place))
        return "place";
    if (ev->count < 1 || ev->count > TRYGG_EVENT_COUNT_MAX)
        return "count";
    if (!field_ok(ev->text, sizeof ev->text))
        return "text";
    if (!field_ok(ev->org, sizeof ev->org) || !ev->org[0])
        return "org";
    if (!field_ok(ev->reporter, sizeof ev->reporter) || !ev->reporter[0])
        return "reporter";
    return NULL;
}

trygg_err trygg_event_validate(const trygg_event *ev, const char **field)
{
    const char *bad = event_bad_field(ev);
    if (field)
        *field = bad;
    return bad ? TRYGG_ERR_INVALID : TRYGG_OK;
}
