/*
 * item.h — the item model ("ärenden") shared by every part.
 *
 * An item is one thing a citizen (or staff member) brought in: a concern, a
 * fault report, a tip, a sign-up or a call-back request. Items are plain
 * structs with fixed-size, NUL-terminated string fields, so they can live on
 * the stack and be copied; sizes are the validation caps (an over-long input
 * is rejected with TRYGG_ERR_TOOBIG, never truncated silently).
 *
 * Enums have stable string names ("concern", "sms", ...) used in the database,
 * JSON and config; *_name() and *_parse() convert. Start with struct
 * trygg_item, then store.h for how items are saved and found.
 */
#ifndef TRYGG_ITEM_H
#define TRYGG_ITEM_H

#include <stdint.h>
#include <stddef.h>
#include "err.h"

#define TRYGG_REF_LEN     7    /* "K7-4QX2": 2 + '-' + 4 */
#define TRYGG_KEY_MAX     80   /* client idempotency key (kiosk UUID, sms hash...) */
#define TRYGG_NAME_MAX    63   /* category, area, destination, source, band */
#define TRYGG_TEXT_MAX    4000 /* free text, bytes of UTF-8 */
#define TRYGG_CONTACT_MAX 400  /* contact data (name, phone, e-mail) as given */
#define TRYGG_ALIAS_MAX   31   /* "Tipsare T-4821" */
#define TRYGG_LANG_MAX    7    /* "sv", "en", "ar", "so" */
#define TRYGG_PSEUDO_HEX  64   /* hex of a 32-byte keyed pseudonym */
#define TRYGG_NOTICE_MAX  300  /* a kiosk notice, bytes of UTF-8: staff UI, store, API, kiosk */

typedef enum trygg_kind {
    TRYGG_KIND_CONCERN = 0,  /* something feels unsafe (otrygghet) */
    TRYGG_KIND_FAULT,        /* fault in a street, park or square */
    TRYGG_KIND_TIP,          /* tip (usually SMS), may concern crime */
    TRYGG_KIND_WATCH_SIGNUP, /* neighbourhood watch (grannsamverkan) sign-up */
    TRYGG_KIND_WALK_SIGNUP,  /* safety walk (trygghetsvandring) sign-up */
    TRYGG_KIND_CALLBACK,     /* caller asked to be called back */
    TRYGG_KIND_COUNT
} trygg_kind;

typedef enum trygg_channel {
    TRYGG_CHANNEL_KIOSK = 0,
    TRYGG_CHANNEL_SMS,
    TRYGG_CHANNEL_VOICE,
    TRYGG_CHANNEL_OPEN311,
    TRYGG_CHANNEL_STAFF,
    TRYGG_CHANNEL_COUNT
} trygg_channel;

typedef enum trygg_status {
    TRYGG_STATUS_NEW = 0,
    TRYGG_STATUS_TRIAGED,
    TRYGG_STATUS_FORWARDED,
    TRYGG_STATUS_IN_PROGRESS,
    TRYGG_STATUS_CLOSED,
    TRYGG_STATUS_COUNT
} trygg_status;

typedef enum trygg_close_reason {
    TRYGG_CLOSE_NONE = 0,
    TRYGG_CLOSE_RESOLVED,
    TRYGG_CLOSE_POLICE, /* referred to the police */
    TRYGG_CLOSE_NOT_OURS,
    TRYGG_CLOSE_DUPLICATE, /* duplicate_of names the other item */
    TRYGG_CLOSE_SPAM,
    TRYGG_CLOSE_COUNT
} trygg_close_reason;

typedef struct trygg_item {
    int64_t id;                         /* assigned by the store */
    char ref[TRYGG_REF_LEN + 1];        /* public reference, assigned by the store */
    char client_key[TRYGG_KEY_MAX + 1]; /* idempotency key; required on submit */
    trygg_channel channel;
    char source[TRYGG_NAME_MAX + 1]; /* kiosk id, "smsgw", open311 client, staff user */
    trygg_kind kind;
    char category[TRYGG_NAME_MAX + 1];
    char area[TRYGG_NAME_MAX + 1];
    char place[TRYGG_NAME_MAX + 1];     /* free-text place when area is "other" */
    char when_date[11];                 /* "YYYY-MM-DD" or "" */
    char when_band[TRYGG_NAME_MAX + 1]; /* now, today, evenings, nights, weekends, recurring */
    char text[TRYGG_TEXT_MAX + 1];      /* free text, UTF-8 */
    char lang[TRYGG_LANG_MAX + 1];
    char contact[TRYGG_CONTACT_MAX + 1]; /* only with consent; purged with the text */
    int consent;                         /* 1 when the person agreed to the stated purpose */
    int urgent;                          /* 1 = raised (urgent signal or staff) */
    int incomplete;                      /* 1 = multipart SMS with missing parts */
    trygg_status status;
    trygg_close_reason close_reason;
    int64_t duplicate_of;                 /* item id, with TRYGG_CLOSE_DUPLICATE */
    char destination[TRYGG_NAME_MAX + 1]; /* destination name from routing */
    char sender[TRYGG_PSEUDO_HEX + 1];    /* SMS/voice: keyed pseudonym (hex), else "" */
    char alias[TRYGG_ALIAS_MAX + 1];      /* what staff see instead of a number */
    int64_t walk_id;                      /* walk_signup: which walk */
    int64_t created;                      /* unix seconds UTC: when it reached the server */
    int64_t reported; /* when the resident sent it from a kiosk (its clock); 0 = on arrival */
    int64_t updated;
    int64_t purge_at;                  /* 0 = store computes from the kind's retention */
    int purged;                        /* 1 = text and contact removed by retention */
    int redacted;                      /* 1 = the security department edited the recipients' copy */
    char assignee[TRYGG_NAME_MAX + 1]; /* staff user working on it, "" = nobody */
    int64_t due_at; /* answer due before this instant (0 = not set, -1 = no deadline); see
                       trygg/workdays.h */
    char copy_to[TRYGG_NAME_MAX + 1]; /* recipient of the routing rule's scrubbed copy, "" = none */
    char via[16]; /* channel staff: "phone", "visit", "letter" or "email"; "" otherwise */
} trygg_item;

/* Zeroes *item and sets defaults (status new, lang "sv"). */
void trygg_item_init(trygg_item *item);

/* Name <-> enum. *_name() returns a static string ("?" when out of range).
 * *_parse() returns TRYGG_OK and sets *out, or TRYGG_ERR_INVALID. */
const char *trygg_kind_name(trygg_kind k);
const char *trygg_channel_name(trygg_channel c);
const char *trygg_status_name(trygg_status s);
const char *trygg_close_reason_name(trygg_close_reason r);
TRYGG_MUST_CHECK trygg_err trygg_kind_parse(const char *s, trygg_kind *out);
TRYGG_MUST_CHECK trygg_err trygg_channel_parse(const char *s, trygg_channel *out);
TRYGG_MUST_CHECK trygg_err trygg_status_parse(const char *s, trygg_status *out);
TRYGG_MUST_CHECK trygg_err trygg_close_reason_parse(const char *s, trygg_close_reason *out);

/* Copies NUL-terminated `src` into dst[cap]. Returns TRYGG_ERR_TOOBIG (and
 * copies nothing) if src does not fit including its NUL, TRYGG_ERR_INVALID if
 * src is not valid UTF-8. NULL src copies "". */
TRYGG_MUST_CHECK trygg_err trygg_strset(char *dst, size_t cap, const char *src);

/* 1 when `via` suits `channel`: "" for any channel; "phone", "visit",
 * "letter" or "email" only for TRYGG_CHANNEL_STAFF. */
int trygg_item_via_ok(trygg_channel channel, const char *via);

/* Checks the fields a submission must have (client_key, kind/channel in
 * range, UTF-8 everywhere, date format). On failure returns
 * TRYGG_ERR_INVALID and, if field != NULL, points *field at the name of the
 * first bad field ("client_key", "when_date", ...). */
TRYGG_MUST_CHECK trygg_err trygg_item_validate(const trygg_item *item, const char **field);

/* ---- Partner events ----------------------------------------------------------
 * An event is what a partner of the operational group saw and registers
 * itself (the housing company's caretakers, municipal staff, security guards,
 * the police officer): not a citizen item — no thread, no reply — but counted
 * in the group's weekly picture. Types follow the EST method's weekly
 * reporting. Stable names: "damage", "graffiti", "fire", "litter",
 * "gathering", "threat_staff", "burglary", "disturbance", "drugs",
 * "traffic", "other". */
typedef enum trygg_event_type {
    TRYGG_EVENT_DAMAGE = 0,   /* skadegörelse */
    TRYGG_EVENT_GRAFFITI,     /* klotter */
    TRYGG_EVENT_FIRE,         /* brand / anlagd brand */
    TRYGG_EVENT_LITTER,       /* nedskräpning */
    TRYGG_EVENT_GATHERING,    /* samlingar / ungdomsgrupperingar */
    TRYGG_EVENT_THREAT_STAFF, /* hot / våld mot personal */
    TRYGG_EVENT_BURGLARY,     /* inbrott / inbrottsförsök */
    TRYGG_EVENT_DISTURBANCE,  /* störning */
    TRYGG_EVENT_DRUGS,        /* narkotikaindikation (sprutor, försäljning) */
    TRYGG_EVENT_TRAFFIC,      /* trafik / mopedbuskörning */
    TRYGG_EVENT_OTHER,        /* annat */
    TRYGG_EVENT_TYPE_COUNT
} trygg_event_type;

/* The time of day an event happened when the exact time is not known:
 * "night" 00–06, "morning" 06–12, "afternoon" 12–18, "evening" 18–24. */
#define TRYGG_EVENT_BAND_COUNT 4
#define TRYGG_EVENT_TEXT_MAX   500 /* short description, bytes of UTF-8 */
#define TRYGG_EVENT_COUNT_MAX  999 /* how many of the same at once */

typedef struct trygg_event {
    int64_t id;
    trygg_event_type type;
    char day[11];                   /* local date YYYY-MM-DD */
    char band[TRYGG_NAME_MAX + 1];  /* one of the bands above */
    char area[TRYGG_NAME_MAX + 1];  /* area name from the server's catalog */
    char place[TRYGG_NAME_MAX + 1]; /* place within the area, free text */
    int count;                      /* 1..TRYGG_EVENT_COUNT_MAX */
    char text[TRYGG_EVENT_TEXT_MAX + 1];
    char org[TRYGG_NAME_MAX + 1];      /* reporting organisation (destination name or "security") */
    char reporter[TRYGG_NAME_MAX + 1]; /* staff username who filed it */
    int64_t created, updated;
} trygg_event;

const char *trygg_event_type_name(trygg_event_type t);
TRYGG_MUST_CHECK trygg_err trygg_event_type_parse(const char *s, trygg_event_type *out);
/* The band's name for index 0..TRYGG_EVENT_BAND_COUNT-1 ("?" otherwise). */
const char *trygg_event_band_name(int i);
/* Checks type, day (a real calendar date), band, count range, UTF-8 and
 * that org/reporter are set. On failure TRYGG_ERR_INVALID and *field (if
 * not NULL) names the first bad field. */
TRYGG_MUST_CHECK trygg_err trygg_event_validate(const trygg_event *ev, const char **field);

#endif
