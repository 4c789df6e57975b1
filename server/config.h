/*
 * config.h — loading server.ini into struct server_config (server.h) and the
 * kiosk catalog (categories and areas) that the kiosk API and Open311 serve.
 *
 * File format (inih, via trygg/cfg.h; unknown keys are errors, every error is
 * reported as file:line):
 *   [server]   data_dir, bind, port, public_url, tls_cert, tls_key, user,
 *              trust_proxy, max_connections, conn_timeout, session_minutes,
 *              small_count, routing, police_events_url
 *   [smtp]     url, from, user, password, starttls, ca_file
 *   [forward]  max_attempts
 *   [retention] <kind> = days
 *   [open311]  api_keys (comma list), require_key, service_notice
 *   [mail]     subject, body (templates with {ref} {kind} {category} ...)
 *   [deadlines] <kind> = working days | none, category.<id> = N | none,
 *              urgent = N | none, mail_hour (server/deadline.h)
 *   [sms]      the SMS dialog (server/sms/sms_dialog.h): thread_days,
 *              ring_window, alias_prefix, default_lang, replies_per_hour,
 *              replies_per_day, emergency, police_phone, police_url, catalogs
 *   [sms keywords] stop, help, fault, new, ring (comma lists)
 *   [category ID]  kind, group, description, keywords, label_sv, label_en, ...
 *   [area ID]      group, label_sv, label_en, ...
 *   [place ID]     label, area, lat, lon (trygg/geo.h: the place register)
 *   [map]          areas = GeoJSON file of the area polygons (trygg/geo.h)
 * Read first: config_load.
 */
#ifndef TRYGG_SERVER_CONFIG_H
#define TRYGG_SERVER_CONFIG_H

#include "server.h"
#include "sms/sms_dialog.h"
#include "trygg/geo.h"
#include "trygg/route.h"

#define CONFIG_NLANGS      4 /* sv, en, ar, so */
#define CONFIG_MAX_CATS    96
#define CONFIG_MAX_AREAS   64
#define CONFIG_LABEL_MAX   128
#define CONFIG_MAX_APIKEYS 16

/* Language codes in label order: "sv", "en", "ar", "so". */
extern const char *const config_langs[CONFIG_NLANGS];

typedef struct config_category {
    char id[TRYGG_NAME_MAX + 1];
    trygg_kind kind;
    char group[CONFIG_LABEL_MAX];
    char description[256];
    char keywords[256];
    char label[CONFIG_NLANGS][CONFIG_LABEL_MAX]; /* "" = not translated */
} config_category;

typedef struct config_area {
    char id[TRYGG_NAME_MAX + 1];
    char group[CONFIG_LABEL_MAX];
    char label[CONFIG_NLANGS][CONFIG_LABEL_MAX];
} config_area;

/* [deadlines] value "none": no response time. */
#define CONFIG_DUE_NONE (-1)

/* A [deadlines] category.<id> override. */
typedef struct config_due_cat {
    char id[TRYGG_NAME_MAX + 1];
    int days; /* working days, or CONFIG_DUE_NONE */
    int line; /* where it was set (checked once every category is known) */
} config_due_cat;

/* [deadlines]: response times in Swedish working days (server/deadline.h).
 * Defaults (config_deadlines_defaults): concern 3, fault 5, tip 2,
 * watch_signup 10, walk_signup 10, callback 1, urgent 1, mail_hour 7. */
typedef struct config_deadlines {
    int kind_days[TRYGG_KIND_COUNT]; /* working days, or CONFIG_DUE_NONE */
    int urgent;                      /* urgent items; CONFIG_DUE_NONE = as the others */
    config_due_cat cats[CONFIG_MAX_CATS];
    int ncats;
    int mail_hour; /* local hour (trygg/time.h zone) of the daily overdue mail */
} config_deadlines;

/* The built-in [deadlines] (also used when no server.ini is loaded). */
void config_deadlines_defaults(config_deadlines *d);

/* Everything server.ini holds beyond struct server_config's fixed fields. */
typedef struct server_catalog {
    config_category cats[CONFIG_MAX_CATS];
    int ncats;
    config_area areas[CONFIG_MAX_AREAS];
    int nareas;
    int retention[TRYGG_KIND_COUNT]; /* days; 0 = store default */
    char open311_keys[CONFIG_MAX_APIKEYS][128];
    int nopen311_keys;
    int open311_require_key;
    char open311_notice[256];
    int open311_per_minute; /* anonymous POSTs per address and minute (0 = no limit) */
    int open311_burst;      /* ... of which this many at once */
    int status_per_minute;  /* [status]: public status page look-ups per address and minute */
    int status_burst;       /* ... of which this many at once */
    char mail_subject[256];
    char mail_body[2048];
    int trust_proxy;        /* take X-Forwarded-For/-Proto from a local reverse proxy */
    int max_connections;    /* concurrent HTTP connections */
    int conn_timeout;       /* seconds */
    int threads;            /* HTTP worker threads */
    int per_ip_connections; /* open connections per client address (0 = no limit) */
    int header_deadline;    /* seconds for the request line and headers */
    int body_deadline;      /* seconds for a request body */
    char smtp_ca_file[512]; /* [smtp] ca_file: CA bundle for the SMTP server ("" = system) */
    sms_dialog_cfg sms;     /* [sms], [sms keywords]: the server's SMS dialog */
    char sms_catalogs[512]; /* [sms] catalogs: SMS texts ("" = the installed assets/i18n/sms) */
    int sms_auto_close;     /* [sms] auto_close: an SMS to the texter on closing (reply_tpl.h) */
    char sms_not_ours_contact[160]; /* [sms] not_ours_contact: whom to contact instead */
    int sms_reply_poll;             /* [sms] reply_poll: seconds between looks for the
                                       gateways' waiting claims (reply_wait.h) */
    config_deadlines deadlines;     /* [deadlines] */
    trygg_geo *geo;                 /* [place ID] and [map]: places and area polygons */
} server_catalog;

/* Loads `path` into *cfg (defaults first, then the file; paths that are
 * relative are taken relative to data_dir). cfg->catalog is allocated and
 * freed by config_free. Returns TRYGG_OK, or TRYGG_ERR_CONFIG/IO with every
 * problem in errs[0..*nerr) as file:line: message. */
trygg_err config_load(const char *path, server_config *cfg, trygg_cfg_error *errs, int maxerr,
                      int *nerr);
void config_free(server_config *cfg);

/* Category / area by id; NULL if unknown. `kind` -1 = any kind. */
const config_category *config_category_find(const server_config *cfg, int kind, const char *id);
const config_area *config_area_find(const server_config *cfg, const char *id);
/* The places of area `area_id` in config order: fills out[0..max) with
 * pointers and returns how many. */
int config_places_in(const server_config *cfg, const char *area_id, const trygg_place **out,
                     int max);
/* Label in `lang`, falling back to Swedish, then the id. */
const char *config_label(const char label[CONFIG_NLANGS][CONFIG_LABEL_MAX], const char *lang,
                         const char *id);

#endif
