/* remote_config.c — the kiosk catalog: defaults, server JSON, cache file. */
#include "remote_config.h"
#include "wipe.h"

#include "trygg/log.h"
#include "trygg/copy.h"
#include "trygg/ref.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const langs[RC_LANGS] = {"sv", "en", "ar", "so"};

int rc_lang_index(const char *lang)
{
    if (lang && strcmp(lang, KCFG_EASY_SV) == 0)
        lang = "sv"; /* lättläst shows the server's Swedish labels and notices */
    for (int i = 0; i < RC_LANGS; i++)
        if (lang && strcmp(lang, langs[i]) == 0)
            return i;
    return -1;
}

static void set_ids(rc_entry *list, int *n, const char *const *ids)
{
    *n = 0;
    for (; *ids && *n < RC_CATS; ids++, (*n)++) {
        memset(&list[*n], 0, sizeof list[*n]);
        TRYGG_COPY_TRUNC(list[*n].id, *ids); /* fixed short ids */
    }
}

void rc_defaults(rc_catalog *c, const kiosk_config *cfg)
{
    static const char *const concern[] = {"lighting", "vandalism", "drugs", "disorder",
                                          "threats",  "traffic",   "other", NULL};
    static const char *const fault[] = {"street_light", "road",     "playground", "park",
                                        "litter",       "graffiti", "other",      NULL};
    memset(c, 0, sizeof *c);
    TRYGG_COPY_FIT(c->ref_prefix, cfg->ref_prefix);
    TRYGG_COPY_FIT(c->status_url, cfg->status_url);
    set_ids(c->concern, &c->n_concern, concern);
    set_ids(c->fault, &c->n_fault, fault);
    for (int i = 0; i < cfg->n_areas && i < RC_AREAS; i++) {
        trygg_copy_trunc(c->areas[i].id, RC_ID, cfg->areas[i].id);
        for (int l = 0; l < RC_LANGS; l++)
            trygg_copy_trunc(c->areas[i].label[l], RC_LABEL, cfg->areas[i].label);
        c->n_areas++;
    }
    TRYGG_COPY_FIT(c->police_tip_url, cfg->police_tip_url);
    TRYGG_COPY_FIT(c->police_tip_phone, cfg->police_tip_phone);
    TRYGG_COPY_FIT(c->emergency, cfg->emergency);
    TRYGG_COPY_FIT(c->police_report_url, cfg->police_report_url);
    TRYGG_COPY_FIT(c->child_concern_url, cfg->child_concern_url);
    TRYGG_COPY_FIT(c->child_concern_phone, cfg->child_concern_phone);
    TRYGG_COPY_FIT(c->parent_municipality_url, cfg->parent_municipality_url);
    TRYGG_COPY_FIT(c->parent_police_url, cfg->parent_police_url);
}

static int copy_str(json_t *v, char *out, size_t cap)
{
    if (!json_is_string(v) || json_string_length(v) >= cap ||
        strlen(json_string_value(v)) != json_string_length(v))
        return 0;
    memcpy(out, json_string_value(v), json_string_length(v) + 1);
    return 1;
}

static int valid_id(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
              ch >= 0x80))
            return 0;
    }
    return 1;
}

static int parse_entries(json_t *arr, rc_entry *list, int *n, int max, const char *what, char *err,
                         size_t errcap)
{
    if (!json_is_array(arr) || json_array_size(arr) > (size_t)max) {
        snprintf(err, errcap, "%s: not an array of at most %d entries", what, max);
        return 0;
    }
    size_t i;
    json_t *v;
    *n = 0;
    json_array_foreach(arr, i, v)
    {
        rc_entry *e = &list[*n];
        memset(e, 0, sizeof *e);
        if (!json_is_object(v) || !copy_str(json_object_get(v, "id"), e->id, sizeof e->id) ||
            !valid_id(e->id)) {
            snprintf(err, errcap, "%s[%zu]: missing or bad id", what, i);
            return 0;
        }
        json_t *lab = json_object_get(v, "label");
        if (json_is_string(lab)) {
            if (!copy_str(lab, e->label[0], RC_LABEL)) {
                snprintf(err, errcap, "%s[%zu]: label too long", what, i);
                return 0;
            }
        } else if (json_is_object(lab)) {
            for (int l = 0; l < RC_LANGS; l++) {
                json_t *s = json_object_get(lab, langs[l]);
                if (s && !copy_str(s, e->label[l], RC_LABEL)) {
                    snprintf(err, errcap, "%s[%zu]: label.%s bad or too long", what, i, langs[l]);
                    return 0;
                }
            }
        } else if (lab) {
            snprintf(err, errcap, "%s[%zu]: label must be an object", what, i);
            return 0;
        }
        (*n)++;
    }
    return 1;
}

static int parse_walks(json_t *arr, rc_catalog *c, char *err, size_t errcap)
{
    if (!json_is_array(arr) || json_array_size(arr) > RC_WALKS) {
        snprintf(err, errcap, "walks: not an array of at most %d", RC_WALKS);
        return 0;
    }
    size_t i;
    json_t *v;
    c->n_walks = 0;
    json_array_foreach(arr, i, v)
    {
        rc_walk *w = &c->walks[c->n_walks];
        memset(w, 0, sizeof *w);
        json_t *id = json_object_get(v, "id");
        if (!json_is_object(v) || !json_is_integer(id) || json_integer_value(id) < 0 ||
            json_integer_value(id) > 1000000000 ||
            !copy_str(json_object_get(v, "starts"), w->starts, sizeof w->starts)) {
            snprintf(err, errcap, "walks[%zu]: needs integer id and starts", i);
            return 0;
        }
        w->id = (int)json_integer_value(id);
        json_t *s;
        if ((s = json_object_get(v, "area")) && !copy_str(s, w->area, sizeof w->area))
            goto bad;
        if ((s = json_object_get(v, "place")) && !copy_str(s, w->place, sizeof w->place))
            goto bad;
        if ((s = json_object_get(v, "meeting_point")) &&
            !copy_str(s, w->meeting_point, sizeof w->meeting_point))
            goto bad;
        if ((s = json_object_get(v, "capacity")) && json_is_integer(s))
            w->capacity = (int)json_integer_value(s);
        if ((s = json_object_get(v, "signups")) && json_is_integer(s))
            w->signups = (int)json_integer_value(s);
        w->round = json_is_true(json_object_get(v, "round")); /* a safety round */
        c->n_walks++;
        continue;
    bad:
        snprintf(err, errcap, "walks[%zu]: a text field is bad or too long", i);
        return 0;
    }
    return 1;
}

/* The notices shown on the home screen (at most RC_NOTICES). A notice that
 * is not an object with a known-size lang and text is dropped alone (and
 * logged): one bad notice must not keep a new walk or link off every kiosk.
 * 1, or 0 with the reason in err when "notices" is not an array. */
static int parse_notices(json_t *a, rc_catalog *c, char *err, size_t errcap)
{
    if (!json_is_array(a)) {
        snprintf(err, errcap, "notices: not an array");
        return 0;
    }
    size_t i;
    json_t *v;
    c->n_notices = 0;
    json_array_foreach(a, i, v)
    {
        if (c->n_notices >= RC_NOTICES)
            break;
        if (!copy_str(json_object_get(v, "lang"), c->notices[c->n_notices].lang,
                      sizeof c->notices[0].lang) ||
            !copy_str(json_object_get(v, "text"), c->notices[c->n_notices].text,
                      sizeof c->notices[0].text)) {
            TRYGG_WARN("server config: notices[%zu] dropped (bad lang, or text over %d bytes)", i,
                       TRYGG_NOTICE_MAX);
            continue;
        }
        c->n_notices++;
    }
    return 1;
}

/* The links (police, emergency, child concern) the help screen shows. A
 * link that breaks the rules of kiosk.ini's [links] (kcfg_link_url_ok and
 * friends: no javascript: QR codes, no empty emergency number) is dropped
 * alone and logged; the kiosk keeps the value it had. Always 1. */
static int parse_links(json_t *links, rc_catalog *c, char *err, size_t errcap)
{
    (void)err, (void)errcap;
    struct {
        const char *k;
        char *dst;
        size_t cap;
        int (*ok)(const char *);
    } lk[] = {
        {"police_tip_url", c->police_tip_url, sizeof c->police_tip_url, kcfg_link_url_ok},
        {"police_tip_phone", c->police_tip_phone, sizeof c->police_tip_phone, kcfg_phone_ok},
        {"emergency", c->emergency, sizeof c->emergency, kcfg_emergency_ok},
        {"police_report_url", c->police_report_url, sizeof c->police_report_url, kcfg_link_url_ok},
        {"child_concern_url", c->child_concern_url, sizeof c->child_concern_url, kcfg_link_url_ok},
        {"child_concern_phone", c->child_concern_phone, sizeof c->child_concern_phone,
         kcfg_phone_ok},
        {"parent_municipality_url", c->parent_municipality_url, sizeof c->parent_municipality_url,
         kcfg_link_url_ok},
        {"parent_police_url", c->parent_police_url, sizeof c->parent_police_url, kcfg_link_url_ok},
    };
    for (size_t i = 0; i < sizeof lk / sizeof *lk; i++) {
        json_t *s = json_object_get(links, lk[i].k);
        if (!s)
            continue;
        char v[300];
        if (!copy_str(s, v, sizeof v < lk[i].cap ? sizeof v : lk[i].cap) || !lk[i].ok(v)) {
            TRYGG_WARN("server config: links.%s dropped (not a valid value); keeping '%s'", lk[i].k,
                       lk[i].dst);
            continue;
        }
        trygg_copy_trunc(lk[i].dst, lk[i].cap, v); /* fits: checked above */
    }
    return 1;
}

/* The place register ("places": [{"id", "label", "area"}]). A place with a
 * bad or too long member is dropped alone; past RC_PLACES the rest is
 * dropped. Always 1. */
static int parse_places(json_t *a, rc_catalog *c)
{
    if (!json_is_array(a))
        return 1;
    c->n_places = 0;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        if (c->n_places >= RC_PLACES)
            break;
        rc_place *p = &c->places[c->n_places];
        if (!copy_str(json_object_get(v, "id"), p->id, sizeof p->id) ||
            !copy_str(json_object_get(v, "label"), p->label, sizeof p->label) ||
            !copy_str(json_object_get(v, "area"), p->area, sizeof p->area) || !p->label[0]) {
            TRYGG_WARN("server config: places[%zu] dropped (bad id, label or area)", i);
            continue;
        }
        c->n_places++;
    }
    return 1;
}

/* How long the server keeps each kind ("retention": {"fault": 365, ...}).
 * A value that is not a whole number of days from 1 to 3650 is dropped
 * alone: that kind's consent text then gives no number. Always 1. */
static int parse_retention(json_t *o, rc_catalog *c)
{
    struct {
        const char *k;
        int *dst;
    } r[] = {{"concern", &c->keep_days.concern},
             {"fault", &c->keep_days.fault},
             {"watch_signup", &c->keep_days.watch_signup},
             {"walk_signup", &c->keep_days.walk_signup}};
    for (size_t i = 0; i < sizeof r / sizeof *r; i++) {
        json_t *v = json_object_get(o, r[i].k);
        if (!v)
            continue;
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 3650) {
            TRYGG_WARN("server config: retention.%s dropped (not 1..3650 days)", r[i].k);
            *r[i].dst = 0;
            continue;
        }
        *r[i].dst = (int)json_integer_value(v);
    }
    return 1;
}

trygg_err rc_parse(const char *json, size_t len, const rc_catalog *base, rc_catalog *out, char *err,
                   size_t errcap)
{
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errcap, "not JSON: %s (line %d)", je.text, je.line);
        return TRYGG_ERR_INVALID;
    }
    rc_catalog *c = malloc(sizeof *c);
    trygg_err rc = TRYGG_ERR_INVALID;
    if (!c) {
        json_decref(root);
        return TRYGG_ERR_NOMEM;
    }
    *c = *base;
    if (!json_is_object(root)) {
        snprintf(err, errcap, "body is not an object");
        goto out;
    }
    json_t *cats = json_object_get(root, "categories");
    if (cats) {
        if (!json_is_object(cats)) {
            snprintf(err, errcap, "categories: not an object");
            goto out;
        }
        json_t *a;
        if ((a = json_object_get(cats, "concern")) &&
            !parse_entries(a, c->concern, &c->n_concern, RC_CATS, "concern", err, errcap))
            goto out;
        /* Questions have their own tile ("Har du frågor ..."): the server's
         * concern category "question" is not one to choose. */
        for (int i = 0; i < c->n_concern; i++)
            if (strcmp(c->concern[i].id, "question") == 0) {
                memmove(&c->concern[i], &c->concern[i + 1],
                        (size_t)(c->n_concern - i - 1) * sizeof c->concern[0]);
                c->n_concern--;
                break;
            }
        if ((a = json_object_get(cats, "fault")) &&
            !parse_entries(a, c->fault, &c->n_fault, RC_CATS, "fault", err, errcap))
            goto out;
    }
    json_t *a;
    if ((a = json_object_get(root, "areas")) &&
        !parse_entries(a, c->areas, &c->n_areas, RC_AREAS, "areas", err, errcap))
        goto out;
    if ((a = json_object_get(root, "walks")) && !parse_walks(a, c, err, errcap))
        goto out;
    if ((a = json_object_get(root, "notices")) && !parse_notices(a, c, err, errcap))
        goto out;
    json_t *links = json_object_get(root, "links");
    if (links && !parse_links(links, c, err, errcap))
        goto out;
    if ((a = json_object_get(root, "ref_prefix"))) {
        if (!json_is_string(a) || !trygg_ref_prefix_valid(json_string_value(a))) {
            snprintf(err, errcap, "ref_prefix: not a kiosk prefix");
            goto out;
        }
        if (!TRYGG_COPY(c->ref_prefix, json_string_value(a))) {
            snprintf(err, errcap, "ref_prefix: not a kiosk prefix");
            goto out;
        }
    }
    /* The status page's address: the same rules as a link; a bad one is
     * dropped alone (the kiosk.ini one stays). */
    if ((a = json_object_get(root, "status_url")) && json_is_string(a) &&
        kcfg_link_url_ok(json_string_value(a)) &&
        strlen(json_string_value(a)) < sizeof c->status_url &&
        !TRYGG_COPY(c->status_url, json_string_value(a)))
        c->status_url[0] = '\0'; /* cannot happen: the length was checked */
    if ((a = json_object_get(root, "retention")) && json_is_object(a))
        parse_retention(a, c);
    if ((a = json_object_get(root, "places")))
        parse_places(a, c);
    if (c->n_concern == 0 || c->n_fault == 0 || c->n_areas == 0) {
        snprintf(err, errcap, "categories and areas must not be empty");
        goto out;
    }
    c->from_server = 1;
    *out = *c;
    rc = TRYGG_OK;
out:
    free(c);
    json_decref(root);
    return rc;
}

trygg_err rc_save_cache(const char *path, const char *etag, const char *body, size_t len)
{
    json_error_t je;
    json_t *b = json_loadb(body, len, 0, &je);
    if (!b)
        return TRYGG_ERR_INVALID;
    json_t *root = json_pack("{s:s, s:o}", "etag", etag ? etag : "", "body", b);
    if (!root)
        return TRYGG_ERR_NOMEM;
    char tmp[1100];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        json_decref(root);
        return TRYGG_ERR_TOOBIG;
    }
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    if (!text)
        return TRYGG_ERR_NOMEM;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    trygg_err rc = TRYGG_ERR_IO;
    if (fd >= 0) {
        size_t n = strlen(text), off = 0;
        while (off < n) {
            ssize_t w = write(fd, text + off, n - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        if (off == n && fsync(fd) == 0 && close(fd) == 0) {
            fd = -1;
            if (rename(tmp, path) == 0)
                rc = TRYGG_OK;
        }
        if (fd >= 0)
            close(fd);
        if (rc != TRYGG_OK)
            unlink(tmp);
    }
    wipe_json_free(text);
    return rc;
}

static json_t *load_cache_json(const char *path)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (root && !json_is_object(root)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

void rc_cache_etag(const char *path, char *etag, size_t cap)
{
    etag[0] = 0;
    json_t *root = load_cache_json(path);
    if (!root)
        return;
    copy_str(json_object_get(root, "etag"), etag, cap);
    json_decref(root);
}

trygg_err rc_load_cache(const char *path, const rc_catalog *base, rc_catalog *out)
{
    if (access(path, F_OK) != 0)
        return TRYGG_ERR_NOTFOUND;
    json_t *root = load_cache_json(path);
    if (!root)
        return TRYGG_ERR_INVALID;
    char *body = json_dumps(json_object_get(root, "body"), JSON_COMPACT);
    json_decref(root);
    if (!body)
        return TRYGG_ERR_INVALID;
    char err[256];
    trygg_err rc = rc_parse(body, strlen(body), base, out, err, sizeof err);
    wipe_json_free(body);
    return rc;
}

const char *rc_label(const rc_entry *e, const char *lang, const trygg_i18n *t,
                     const char *keyprefix, char *buf, size_t cap)
{
    char key[160];
    snprintf(key, sizeof key, "%s%s", keyprefix ? keyprefix : "", e->id);
    /* Lättläst rewrites a built-in category in its own words; the server's
     * Swedish label otherwise. */
    if (lang && strcmp(lang, KCFG_EASY_SV) == 0 && t && keyprefix && trygg_i18n_has(t, lang, key)) {
        trygg_copy_trunc(buf, cap, trygg_i18n_get(t, lang, key));
        return buf;
    }
    int li = rc_lang_index(lang);
    if (li >= 0 && e->label[li][0])
        return e->label[li];
    if (t && keyprefix && trygg_i18n_has(t, lang, key)) {
        trygg_copy_trunc(buf, cap, trygg_i18n_get(t, lang, key));
        return buf;
    }
    if (e->label[0][0])
        return e->label[0];
    if (t && keyprefix && trygg_i18n_has(t, "sv", key)) {
        trygg_copy_trunc(buf, cap, trygg_i18n_get(t, "sv", key));
        return buf;
    }
    return e->id;
}

const rc_entry *rc_find(const rc_entry *list, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(list[i].id, id) == 0)
            return &list[i];
    return NULL;
}
