/*
 * config.c — server.ini into server_config + server_catalog (see config.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "trygg/cfg.h"
#include "trygg/copy.h"

const char *const config_langs[CONFIG_NLANGS] = {"sv", "en", "ar", "so"};

static const char *const kind_keys[TRYGG_KIND_COUNT] = {"concern",      "fault",       "tip",
                                                        "watch_signup", "walk_signup", "callback"};

struct load {
    server_config *cfg;
    server_catalog *cat;
    char routing[512];
};

static int is_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > TRYGG_NAME_MAX)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == ',' || *p == '"' || *p == '\'' || *p == '<' || *p == '>' ||
            *p == '&' || *p == '/' || *p == '\\')
            return 0;
    return 1;
}

static int label_key(const char *name)
{
    if (strncmp(name, "label_", 6) != 0)
        return -1;
    for (int i = 0; i < CONFIG_NLANGS; i++)
        if (strcmp(name + 6, config_langs[i]) == 0)
            return i;
    return -1;
}

#define STR(field)                                                                                 \
    do {                                                                                           \
        if (!trygg_cfg_str(value, field, sizeof field))                                            \
            return trygg_cfg_fail(e, line, "%s: value too long or not UTF-8", name);               \
        return 1;                                                                                  \
    } while (0)

#define INT(field, lo, hi)                                                                         \
    do {                                                                                           \
        long v_;                                                                                   \
        if (!trygg_cfg_int(value, lo, hi, &v_))                                                    \
            return trygg_cfg_fail(e, line, "%s: expected a number %ld..%ld", name, (long)(lo),     \
                                  (long)(hi));                                                     \
        field = (int)v_;                                                                           \
        return 1;                                                                                  \
    } while (0)

#define BOOL(field)                                                                                \
    do {                                                                                           \
        if (!trygg_cfg_bool(value, &field))                                                        \
            return trygg_cfg_fail(e, line, "%s: expected yes or no", name);                        \
        return 1;                                                                                  \
    } while (0)

static int server_key(struct load *l, trygg_cfg_errors *e, const char *name, const char *value,
                      int line)
{
    server_config *c = l->cfg;
    server_catalog *k = l->cat;
    if (strcmp(name, "data_dir") == 0)
        STR(c->data_dir);
    if (strcmp(name, "bind") == 0)
        STR(c->bind);
    if (strcmp(name, "port") == 0)
        INT(c->port, 0, 65535);
    if (strcmp(name, "public_url") == 0)
        STR(c->public_url);
    if (strcmp(name, "tls_cert") == 0)
        STR(c->tls_cert);
    if (strcmp(name, "tls_key") == 0)
        STR(c->tls_key);
    if (strcmp(name, "user") == 0)
        STR(c->user);
    if (strcmp(name, "routing") == 0)
        STR(l->routing);
    if (strcmp(name, "database") == 0)
        STR(c->db_path);
    if (strcmp(name, "keys_dir") == 0)
        STR(c->keys_dir);
    if (strcmp(name, "session_minutes") == 0)
        INT(c->session_minutes, 1, 7 * 24 * 60);
    if (strcmp(name, "small_count") == 0)
        INT(c->small_count, 1, 100);
    if (strcmp(name, "police_events_url") == 0)
        STR(c->police_events_url);
    if (strcmp(name, "trust_proxy") == 0)
        BOOL(k->trust_proxy);
    if (strcmp(name, "max_connections") == 0)
        INT(k->max_connections, 4, 10000);
    if (strcmp(name, "conn_timeout") == 0)
        INT(k->conn_timeout, 1, 3600);
    if (strcmp(name, "threads") == 0)
        INT(k->threads, 1, 256);
    if (strcmp(name, "per_ip_connections") == 0)
        INT(k->per_ip_connections, 0, 10000);
    if (strcmp(name, "header_deadline") == 0)
        INT(k->header_deadline, 1, 600);
    if (strcmp(name, "body_deadline") == 0)
        INT(k->body_deadline, 1, 3600);
    return trygg_cfg_fail(e, line, "unknown key '%s' in [server]", name);
}

static int smtp_key(struct load *l, trygg_cfg_errors *e, const char *name, const char *value,
                    int line)
{
    server_config *c = l->cfg;
    if (strcmp(name, "url") == 0) {
        if (*value && strncmp(value, "smtp://", 7) != 0 && strncmp(value, "smtps://", 8) != 0)
            return trygg_cfg_fail(e, line, "url: must start with smtp:// or smtps://");
        STR(c->smtp_url);
    }
    if (strcmp(name, "from") == 0)
        STR(c->smtp_from);
    if (strcmp(name, "user") == 0)
        STR(c->smtp_user);
    if (strcmp(name, "password") == 0)
        STR(c->smtp_password);
    if (strcmp(name, "starttls") == 0)
        BOOL(c->smtp_starttls);
    if (strcmp(name, "ca_file") == 0)
        STR(l->cat->smtp_ca_file);
    return trygg_cfg_fail(e, line, "unknown key '%s' in [smtp]", name);
}

/* [open311]: the API keys, the rate limit and the service notice. */
static int open311_key(server_catalog *k, trygg_cfg_errors *e, const char *name, const char *value,
                       int line)
{
    if (strcmp(name, "require_key") == 0)
        BOOL(k->open311_require_key);
    if (strcmp(name, "service_notice") == 0)
        STR(k->open311_notice);
    if (strcmp(name, "rate_per_minute") == 0)
        INT(k->open311_per_minute, 0, 100000);
    if (strcmp(name, "rate_burst") == 0)
        INT(k->open311_burst, 1, 100000);
    if (strcmp(name, "api_keys") == 0) {
        char buf[1024];
        if (!trygg_cfg_str(value, buf, sizeof buf))
            return trygg_cfg_fail(e, line, "api_keys: too long");
        k->nopen311_keys = 0;
        char *save = NULL;
        for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
            if (k->nopen311_keys >= CONFIG_MAX_APIKEYS || strlen(t) < 16 ||
                strlen(t) >= sizeof k->open311_keys[0])
                return trygg_cfg_fail(e, line, "api_keys: at most %d keys of 16..127 characters",
                                      CONFIG_MAX_APIKEYS);
            if (!TRYGG_COPY(k->open311_keys[k->nopen311_keys++], t))
                return trygg_cfg_fail(e, line, "api_keys: at most %d keys of 16..127 characters",
                                      CONFIG_MAX_APIKEYS);
        }
        return 1;
    }
    return trygg_cfg_fail(e, line, "unknown key '%s' in [open311]", name);
}

/* [category ID]: labels per language, kind, group, description, keywords. */
static int category_key(server_catalog *k, trygg_cfg_errors *e, const char *section,
                        const char *name, const char *value, int line)
{
    const char *id = section + 9;
    if (!is_id(id))
        return trygg_cfg_fail(e, line, "bad category id '%s'", id);
    config_category *cat = NULL;
    for (int i = 0; i < k->ncats; i++)
        if (strcmp(k->cats[i].id, id) == 0)
            cat = &k->cats[i];
    if (cat == NULL) {
        if (k->ncats >= CONFIG_MAX_CATS)
            return trygg_cfg_fail(e, line, "more than %d categories", CONFIG_MAX_CATS);
        cat = &k->cats[k->ncats++];
        if (!TRYGG_COPY(cat->id, id))
            return trygg_cfg_fail(e, line, "bad category id '%s'", id);
        cat->kind = TRYGG_KIND_CONCERN;
    }
    int li = label_key(name);
    if (li >= 0) {
        if (!trygg_cfg_str(value, cat->label[li], sizeof cat->label[li]))
            return trygg_cfg_fail(e, line, "%s: too long or not UTF-8", name);
        return 1;
    }
    if (strcmp(name, "kind") == 0) {
        trygg_kind kd;
        if (trygg_kind_parse(value, &kd) != TRYGG_OK)
            return trygg_cfg_fail(e, line, "kind: unknown kind '%s'", value);
        cat->kind = kd;
        return 1;
    }
    if (strcmp(name, "group") == 0)
        STR(cat->group);
    if (strcmp(name, "description") == 0)
        STR(cat->description);
    if (strcmp(name, "keywords") == 0)
        STR(cat->keywords);
    return trygg_cfg_fail(e, line, "unknown key '%s' in [category %s]", name, id);
}

/* [area ID]: labels per language and the group. */
static int area_key(server_catalog *k, trygg_cfg_errors *e, const char *section, const char *name,
                    const char *value, int line)
{
    const char *id = section + 5;
    if (!is_id(id))
        return trygg_cfg_fail(e, line, "bad area id '%s'", id);
    config_area *a = NULL;
    for (int i = 0; i < k->nareas; i++)
        if (strcmp(k->areas[i].id, id) == 0)
            a = &k->areas[i];
    if (a == NULL) {
        if (k->nareas >= CONFIG_MAX_AREAS)
            return trygg_cfg_fail(e, line, "more than %d areas", CONFIG_MAX_AREAS);
        a = &k->areas[k->nareas++];
        if (!TRYGG_COPY(a->id, id))
            return trygg_cfg_fail(e, line, "bad area id '%s'", id);
    }
    int li = label_key(name);
    if (li >= 0) {
        if (!trygg_cfg_str(value, a->label[li], sizeof a->label[li]))
            return trygg_cfg_fail(e, line, "%s: too long or not UTF-8", name);
        return 1;
    }
    if (strcmp(name, "group") == 0)
        STR(a->group);
    return trygg_cfg_fail(e, line, "unknown key '%s' in [area %s]", name, id);
}

/* [sms]: the SMS dialog's settings (docs/smsgw.md, "The server's [sms]"). */
static int sms_key(server_catalog *k, trygg_cfg_errors *e, const char *name, const char *value,
                   int line)
{
    sms_dialog_cfg *d = &k->sms;
    if (strcmp(name, "thread_days") == 0)
        INT(d->thread_days, 0, 365);
    if (strcmp(name, "ring_window") == 0)
        INT(d->ring_window, 1, 24 * 60);
    if (strcmp(name, "replies_per_hour") == 0)
        INT(d->replies_per_hour, 0, 100000);
    if (strcmp(name, "replies_per_day") == 0)
        INT(d->replies_per_day, 0, 1000000);
    if (strcmp(name, "alias_prefix") == 0) {
        if (value[0] == '\0')
            return trygg_cfg_fail(e, line, "alias_prefix: must not be empty");
        STR(d->alias_prefix);
    }
    if (strcmp(name, "default_lang") == 0) {
        for (int i = 0; i < CONFIG_NLANGS; i++)
            if (strcmp(value, config_langs[i]) == 0)
                STR(d->default_lang);
        return trygg_cfg_fail(e, line, "default_lang: expected sv, en, ar or so");
    }
    if (strcmp(name, "emergency") == 0)
        STR(d->emergency);
    if (strcmp(name, "police_phone") == 0)
        STR(d->police_phone);
    if (strcmp(name, "police_url") == 0)
        STR(d->police_url);
    if (strcmp(name, "catalogs") == 0)
        STR(k->sms_catalogs);
    if (strcmp(name, "auto_close") == 0)
        BOOL(k->sms_auto_close);
    if (strcmp(name, "not_ours_contact") == 0)
        STR(k->sms_not_ours_contact);
    if (strcmp(name, "reply_poll") == 0)
        INT(k->sms_reply_poll, 1, 3600);
    return trygg_cfg_fail(e, line, "unknown key '%s' in [sms]", name);
}

/* [sms keywords]: comma lists of the words that start each command. */
static int sms_keyword_key(server_catalog *k, trygg_cfg_errors *e, const char *name,
                           const char *value, int line)
{
    for (int w = 0; w < SMS_KW_COUNT; w++)
        if (strcmp(name, sms_kw_names[w]) == 0) {
            if (strlen(value) > 200)
                return trygg_cfg_fail(e, line, "%s: too long", name);
            if (sms_dialog_set_keywords(&k->sms, w, value) == 0)
                return trygg_cfg_fail(e, line, "%s: no keyword given", name);
            return 1;
        }
    return trygg_cfg_fail(e, line, "unknown key '%s' in [sms keywords]", name);
}

void config_deadlines_defaults(config_deadlines *d)
{
    static const int days[TRYGG_KIND_COUNT] = {3, 5, 2, 10, 10, 1};
    memset(d, 0, sizeof *d);
    memcpy(d->kind_days, days, sizeof d->kind_days);
    d->urgent = 1;
    d->mail_hour = 7;
}

/* A [deadlines] value: "none" or working days 0..365. */
static int due_days(const char *value, int *out)
{
    long v;
    if (strcasecmp(value, "none") == 0) {
        *out = CONFIG_DUE_NONE;
        return 1;
    }
    if (!trygg_cfg_int(value, 0, 365, &v))
        return 0;
    *out = (int)v;
    return 1;
}

/* [deadlines]: working days per kind, category.<id> overrides, urgent, mail_hour. */
static int deadlines_key(server_catalog *k, trygg_cfg_errors *e, const char *name,
                         const char *value, int line)
{
    config_deadlines *d = &k->deadlines;
    int days;
    if (strcmp(name, "mail_hour") == 0)
        INT(d->mail_hour, 0, 23);
    int is_cat = strncmp(name, "category.", 9) == 0;
    int kind = -1;
    for (int i = 0; i < TRYGG_KIND_COUNT; i++)
        if (strcmp(name, kind_keys[i]) == 0)
            kind = i;
    if (!is_cat && kind < 0 && strcmp(name, "urgent") != 0)
        return trygg_cfg_fail(e, line, "unknown key '%s' in [deadlines]", name);
    if (!due_days(value, &days))
        return trygg_cfg_fail(e, line, "%s: expected working days 0..365 or none, not '%s'", name,
                              value);
    if (kind >= 0) {
        d->kind_days[kind] = days;
        return 1;
    }
    if (!is_cat) {
        d->urgent = days;
        return 1;
    }
    if (!is_id(name + 9))
        return trygg_cfg_fail(e, line, "%s: bad category id", name);
    config_due_cat *c = NULL;
    for (int i = 0; i < d->ncats; i++)
        if (strcmp(d->cats[i].id, name + 9) == 0)
            c = &d->cats[i];
    if (c == NULL) {
        if (d->ncats >= CONFIG_MAX_CATS)
            return trygg_cfg_fail(e, line, "more than %d category deadlines", CONFIG_MAX_CATS);
        c = &d->cats[d->ncats++];
        if (!TRYGG_COPY(c->id, name + 9))
            return trygg_cfg_fail(e, line, "%s: bad category id", name);
    }
    c->days = days;
    c->line = line;
    return 1;
}

/* Every category.<id> of [deadlines] names a [category ID] of the file. */
static void deadlines_check(server_catalog *k, trygg_cfg_errors *e)
{
    for (int i = 0; i < k->deadlines.ncats; i++) {
        const config_due_cat *c = &k->deadlines.cats[i];
        int found = 0;
        for (int j = 0; j < k->ncats; j++)
            found |= strcmp(k->cats[j].id, c->id) == 0;
        if (!found)
            trygg_cfg_fail(e, c->line, "category.%s: no [category %s] in this file", c->id, c->id);
    }
}

static int handler(void *user, trygg_cfg_errors *e, const char *section, const char *name,
                   const char *value, int line)
{
    struct load *l = user;
    server_config *c = l->cfg;
    server_catalog *k = l->cat;

    if (strcmp(section, "server") == 0)
        return server_key(l, e, name, value, line);
    if (strcmp(section, "smtp") == 0)
        return smtp_key(l, e, name, value, line);
    if (strcmp(section, "forward") == 0) {
        if (strcmp(name, "max_attempts") == 0)
            INT(c->forward_max_attempts, 1, 100);
        if (strcmp(name, "poll") == 0)
            INT(c->forward_poll_s, 1, 3600);
        if (strcmp(name, "lease") == 0)
            INT(c->forward_lease_s, 6, 3600);
        return trygg_cfg_fail(e, line, "unknown key '%s' in [forward]", name);
    }
    if (strcmp(section, "retention") == 0) {
        for (int i = 0; i < TRYGG_KIND_COUNT; i++)
            if (strcmp(name, kind_keys[i]) == 0)
                INT(k->retention[i], 1, 3650);
        return trygg_cfg_fail(e, line, "unknown kind '%s' in [retention]", name);
    }
    if (strcmp(section, "open311") == 0)
        return open311_key(k, e, name, value, line);
    if (strcmp(section, "status") == 0) {
        /* The public status page /s: look-ups per address; never unlimited. */
        if (strcmp(name, "per_minute") == 0)
            INT(k->status_per_minute, 1, 600);
        if (strcmp(name, "burst") == 0)
            INT(k->status_burst, 1, 1000);
        return trygg_cfg_fail(e, line, "unknown key '%s' in [status]", name);
    }
    if (strcmp(section, "mail") == 0) {
        if (strcmp(name, "subject") == 0)
            STR(k->mail_subject);
        if (strcmp(name, "body") == 0)
            STR(k->mail_body);
        return trygg_cfg_fail(e, line, "unknown key '%s' in [mail]", name);
    }
    if (strcmp(section, "report") == 0) {
        if (strcmp(name, "internal_roles") == 0)
            STR(c->report_internal_roles);
        if (strcmp(name, "internal_destinations") == 0)
            STR(c->report_internal_destinations);
        if (strcmp(name, "before_after_weeks") == 0)
            INT(c->before_after_weeks, 1, 52);
        return trygg_cfg_fail(e, line, "unknown key '%s' in [report]", name);
    }
    if (strcmp(section, "sms") == 0)
        return sms_key(k, e, name, value, line);
    if (strcmp(section, "deadlines") == 0)
        return deadlines_key(k, e, name, value, line);
    if (strcmp(section, "sms keywords") == 0)
        return sms_keyword_key(k, e, name, value, line);
    if (strncmp(section, "category ", 9) == 0)
        return category_key(k, e, section, name, value, line);
    if (strncmp(section, "area ", 5) == 0)
        return area_key(k, e, section, name, value, line);
    if (strcmp(section, "map") == 0 || strncmp(section, "place ", 6) == 0)
        return trygg_geo_place_key(k->geo, e, section, name, value, line);
    return trygg_cfg_fail(e, line, "unknown section [%s]", section);
}

static void defaults(server_config *c, server_catalog *k)
{
    snprintf(c->bind, sizeof c->bind, "127.0.0.1");
    c->port = 8080;
    c->session_minutes = 480;
    c->small_count = 5;
    snprintf(c->report_internal_roles, sizeof c->report_internal_roles, "security, admin");
    c->before_after_weeks = 8;
    c->smtp_starttls = 1;
    c->forward_max_attempts = 8;
    c->forward_poll_s = 2;
    c->forward_lease_s = 60;
    snprintf(c->smtp_from, sizeof c->smtp_from, "trygg@localhost");
    k->max_connections = 1024;
    k->conn_timeout = 30;
    k->threads = 16;
    k->open311_per_minute = 6;
    k->open311_burst = 10;
    k->status_per_minute = 10;
    k->status_burst = 20;
    k->per_ip_connections = -1; /* not set: 32, or none behind a reverse proxy */
    k->header_deadline = 10;
    k->body_deadline = 30;
    sms_dialog_cfg_defaults(&k->sms);
    k->sms_reply_poll = 1;
    config_deadlines_defaults(&k->deadlines);
    /* the same as trygg_forward_default_subject/_body, "\\n" written out */
    TRYGG_COPY_FIT(k->mail_subject, "Trygg {ref}: {summary}");
    TRYGG_COPY_FIT(k->mail_body,
                   "{ref}\\n{summary}\\n{place}\\n{when}\\n\\n{text}\\n\\n{contact}\\n{link}");
}

/* Resolves a path relative to data_dir in place. */
static int resolve(char *path, size_t cap, const char *dir)
{
    if (path[0] == '\0' || path[0] == '/')
        return 1;
    char tmp[1024];
    int n = snprintf(tmp, sizeof tmp, "%s/%s", dir, path);
    if (n < 0 || (size_t)n >= cap)
        return 0;
    memcpy(path, tmp, (size_t)n + 1);
    return 1;
}

/* The place register's areas and the area polygons, once every [area] is
 * known. */
static void map_load(const server_config *cfg, server_catalog *k, trygg_cfg_errors *e)
{
    const char *ids[CONFIG_MAX_AREAS];
    for (int i = 0; i < k->nareas; i++)
        ids[i] = k->areas[i].id;
    trygg_geo_check(k->geo, e, ids, k->nareas);
    char err[700];
    if (trygg_geo_load_config(k->geo, cfg->data_dir, ids, k->nareas, err, sizeof err) != TRYGG_OK)
        trygg_cfg_fail(e, k->geo->areas_file[0] ? k->geo->areas_line : 0, "%s", err);
}

trygg_err config_load(const char *path, server_config *cfg, trygg_cfg_error *errs, int maxerr,
                      int *nerr)
{
    memset(cfg, 0, sizeof *cfg);
    *nerr = 0;
    if (!TRYGG_COPY(cfg->config_file, path))
        return TRYGG_ERR_TOOBIG;
    server_catalog *k = calloc(1, sizeof *k);
    if (k == NULL)
        return TRYGG_ERR_NOMEM;
    cfg->catalog = k;
    k->geo = calloc(1, sizeof *k->geo);
    if (k->geo == NULL)
        return TRYGG_ERR_NOMEM;
    defaults(cfg, k);

    struct load l = {.cfg = cfg, .cat = k};
    trygg_cfg_errors e = {.errs = errs, .max = maxerr, .file = path};
    trygg_err rc = trygg_cfg_parse(path, handler, &l, &e);
    if (rc == TRYGG_OK) {
        if (cfg->data_dir[0] == '\0')
            trygg_cfg_fail(&e, 0, "[server] data_dir is required");
        if ((cfg->tls_cert[0] == '\0') != (cfg->tls_key[0] == '\0'))
            trygg_cfg_fail(&e, 0, "[server] tls_cert and tls_key go together");
        deadlines_check(k, &e);
        if (cfg->smtp_starttls && strncmp(cfg->smtp_url, "smtps://", 8) == 0)
            cfg->smtp_starttls = 0; /* implicit TLS already */
    }
    if (cfg->data_dir[0]) {
        if (cfg->db_path[0] == '\0')
            snprintf(cfg->db_path, sizeof cfg->db_path, "trygg.db");
        if (cfg->keys_dir[0] == '\0')
            snprintf(cfg->keys_dir, sizeof cfg->keys_dir, "keys");
        if (l.routing[0] == '\0')
            snprintf(l.routing, sizeof l.routing, "routing.ini");
        if ((!trygg_store_is_postgresql(cfg->db_path) &&
             !resolve(cfg->db_path, sizeof cfg->db_path, cfg->data_dir)) ||
            !resolve(cfg->keys_dir, sizeof cfg->keys_dir, cfg->data_dir) ||
            !resolve(l.routing, sizeof l.routing, cfg->data_dir) ||
            !resolve(cfg->tls_cert, sizeof cfg->tls_cert, cfg->data_dir) ||
            !resolve(cfg->tls_key, sizeof cfg->tls_key, cfg->data_dir) ||
            !resolve(k->smtp_ca_file, sizeof k->smtp_ca_file, cfg->data_dir) ||
            !resolve(k->sms_catalogs, sizeof k->sms_catalogs, cfg->data_dir))
            trygg_cfg_fail(&e, 0, "a path is too long");
        TRYGG_COPY_FIT(cfg->routing_file, l.routing);
    }
    if (rc == TRYGG_OK)
        map_load(cfg, k, &e);
    /* "\n" in templates (INI values are one line). */
    for (char *p = k->mail_body; (p = strstr(p, "\\n")) != NULL;) {
        *p = '\n';
        memmove(p + 1, p + 2, strlen(p + 2) + 1);
    }
    *nerr = e.n;
    if (rc == TRYGG_OK && e.n > 0)
        rc = TRYGG_ERR_CONFIG;
    return rc;
}

void config_free(server_config *cfg)
{
    if (cfg->catalog)
        trygg_geo_destroy(cfg->catalog->geo);
    free(cfg->catalog);
    cfg->catalog = NULL;
}

const config_category *config_category_find(const server_config *cfg, int kind, const char *id)
{
    if (cfg->catalog == NULL || id == NULL)
        return NULL;
    for (int i = 0; i < cfg->catalog->ncats; i++) {
        const config_category *c = &cfg->catalog->cats[i];
        if ((kind < 0 || (int)c->kind == kind) && strcmp(c->id, id) == 0)
            return c;
    }
    return NULL;
}

const config_area *config_area_find(const server_config *cfg, const char *id)
{
    if (cfg->catalog == NULL || id == NULL)
        return NULL;
    for (int i = 0; i < cfg->catalog->nareas; i++)
        if (strcmp(cfg->catalog->areas[i].id, id) == 0)
            return &cfg->catalog->areas[i];
    return NULL;
}

const char *config_label(const char label[CONFIG_NLANGS][CONFIG_LABEL_MAX], const char *lang,
                         const char *id)
{
    for (int i = 0; lang && i < CONFIG_NLANGS; i++)
        if (strcmp(lang, config_langs[i]) == 0 && label[i][0])
            return label[i];
    return label[0][0] ? label[0] : id;
}

int config_places_in(const server_config *cfg, const char *area_id, const trygg_place **out,
                     int max)
{
    int n = 0;
    const trygg_geo *g = cfg->catalog ? cfg->catalog->geo : NULL;
    for (int i = 0; g && i < g->nplaces && n < max; i++)
        if (strcmp(g->places[i].area, area_id) == 0)
            out[n++] = &g->places[i];
    return n;
}
