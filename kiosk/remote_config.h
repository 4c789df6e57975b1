/*
 * remote_config.h — what the kiosk offers: categories, areas, safety walks,
 * notices and the help links/numbers.
 *
 * The server sends it from GET /api/v1/kiosk/config (docs/kiosk-api.md) with
 * an ETag. The uploader thread fetches it and writes it atomically to a cache
 * file in the data dir (body and ETag); the UI thread parses the cache file
 * with rc_load_cache(), so a kiosk that boots offline shows the last config
 * it saw. A kiosk that never reached the server uses rc_defaults(): the
 * built-in category ids (labels from the catalog, keys "cat.<kind>.<id>")
 * and the areas and links from kiosk.ini.
 *
 * Parsing is strict about shape and sizes (every string bounded, unknown
 * extra members ignored); a bad body changes nothing. No SDL, no threads.
 */
#ifndef KIOSK_REMOTE_CONFIG_H
#define KIOSK_REMOTE_CONFIG_H

#include <stddef.h>
#include "config.h"
#include "trygg/i18n.h"
#include "trygg/item.h" /* TRYGG_NOTICE_MAX */

#define RC_ID      64
#define RC_LABEL   160
#define RC_LANGS   4 /* sv en ar so, see rc_lang_index */
#define RC_CATS    24
#define RC_AREAS   40
#define RC_WALKS   16
#define RC_NOTICES 8
#define RC_PLACES  64
#define RC_PLACE   64 /* bytes of a place's label (trygg/geo.h TRYGG_GEO_PLACE_LABEL) */

typedef struct rc_entry {
    char id[RC_ID];
    char label[RC_LANGS][RC_LABEL]; /* "" = none for that language */
} rc_entry;

typedef struct rc_walk {
    int id;
    char starts[40]; /* ISO 8601 */
    char area[RC_ID];
    char place[RC_LABEL];
    char meeting_point[RC_LABEL];
    int capacity, signups;
    int round; /* 1: the housing company's safety round (trygghetsrond, "round": true) */
} rc_walk;

/* A place of the server's register ([place ID]): a fault asks where
 * exactly from the places of its area (issue 16). */
typedef struct rc_place {
    char id[RC_ID];
    char label[RC_PLACE];
    char area[RC_ID];
} rc_place;

typedef struct rc_catalog {
    rc_entry concern[RC_CATS];
    int n_concern;
    rc_entry fault[RC_CATS];
    int n_fault;
    rc_entry areas[RC_AREAS];
    int n_areas;
    rc_walk walks[RC_WALKS];
    int n_walks;
    rc_place places[RC_PLACES]; /* none until the server's config gives them */
    int n_places;
    struct {
        char lang[8];
        char text[TRYGG_NOTICE_MAX + 1];
    } notices[RC_NOTICES];
    int n_notices;
    char police_tip_url[256], police_tip_phone[32], emergency[16];
    char police_report_url[256], child_concern_url[256], child_concern_phone[32];
    /* Advice for parents (issue 16): the municipality's and the police's
     * pages, the same rules as the other links; "" = not configured. */
    char parent_municipality_url[256], parent_police_url[256];
    char status_url[256]; /* public status page, docs/follow-up.md ("" = none) */
    char ref_prefix[4];   /* prefix for the kiosk's own references (ref.h); "" = none known:
                           * receipts then show no number (docs/kiosk.md) */
    /* Days the server keeps each kind before purging its text and contact
     * (config "retention", server.ini [retention]); 0 = not known (no server
     * config yet): the consent texts then give no number (issue 16). */
    struct {
        int concern, fault, watch_signup, walk_signup;
    } keep_days;
    int from_server; /* 1 when parsed from a server body */
} rc_catalog;

/* Index of lang in the label arrays (sv 0, en 1, ar 2, so 3; lättläst,
 * KCFG_EASY_SV, counts as sv), -1 if unknown. */
int rc_lang_index(const char *lang);

/* Built-in catalog from kiosk.ini (areas, links) and the fixed category ids. */
void rc_defaults(rc_catalog *c, const kiosk_config *cfg);

/* Parses a config body. On success fills *out and returns TRYGG_OK; on
 * failure returns TRYGG_ERR_INVALID with a reason in err[errcap] and leaves
 * *out untouched. Fields missing from the body keep the values of `base`
 * (normally rc_defaults), so the links survive a body without "links". */
trygg_err rc_parse(const char *json, size_t len, const rc_catalog *base, rc_catalog *out, char *err,
                   size_t errcap);

/* Cache file: <data_dir>/config-cache.json holds {"etag": "...", "body": {...}}.
 * rc_save_cache writes it atomically (temp file, fsync, rename). */
trygg_err rc_save_cache(const char *path, const char *etag, const char *body, size_t len);
/* Reads the cached ETag into etag[cap] ("" if none). */
void rc_cache_etag(const char *path, char *etag, size_t cap);
/* Loads and parses the cache over `base`; TRYGG_ERR_NOTFOUND if no cache. */
trygg_err rc_load_cache(const char *path, const rc_catalog *base, rc_catalog *out);

/* Label of e in lang: the entry's own label for lang, else the catalog text
 * "<keyprefix><id>" when the catalog has it (in lang or its sv fallback),
 * else the entry's Swedish label, else the id. Never NULL. */
const char *rc_label(const rc_entry *e, const char *lang, const trygg_i18n *t,
                     const char *keyprefix, char *buf, size_t cap);

/* Finds an entry by id in list[n]; NULL if absent. */
const rc_entry *rc_find(const rc_entry *list, int n, const char *id);

#endif
