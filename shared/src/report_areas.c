/*
 * report_areas.c — areas and their groups for the situation picture, read
 * from the same INI config the server uses (other sections are skipped).
 */
#include "trygg/copy.h"
#include "trygg/report.h"
#include "trygg/cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static trygg_report_area *find_or_add(trygg_report_areas *out, const char *id)
{
    for (int i = 0; i < out->n; i++)
        if (strcmp(out->a[i].id, id) == 0)
            return &out->a[i];
    if (out->n >= TRYGG_REPORT_AREAS)
        return NULL;
    trygg_report_area *a = &out->a[out->n++];
    memset(a, 0, sizeof *a);
    if (!TRYGG_COPY(a->id, id))
        return NULL; /* ids are checked <= TRYGG_NAME_MAX by the callers */
    TRYGG_COPY_FIT(a->label, a->id);
    return a;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    size_t i = 0;
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    memmove(s, s + i, strlen(s + i) + 1);
}

typedef struct areas_load {
    trygg_report_areas *out;
    trygg_geo *geo;
    char data_dir[1024];
} areas_load;

static int on_value(void *user, trygg_cfg_errors *e, const char *section, const char *name,
                    const char *value, int line)
{
    areas_load *l = user;
    trygg_report_areas *out = l->out;
    if (strcmp(section, "map") == 0 || strncmp(section, "place ", 6) == 0)
        return trygg_geo_place_key(l->geo, e, section, name, value, line);
    if (strcmp(section, "server") == 0 && strcmp(name, "data_dir") == 0) {
        if (!trygg_cfg_str(value, l->data_dir, sizeof l->data_dir))
            return trygg_cfg_fail(e, line, "data_dir too long");
        return 1;
    }
    if (strcmp(section, "server") == 0 && strcmp(name, "small_count") == 0) {
        long v;
        if (!trygg_cfg_int(value, 1, 100, &v))
            return trygg_cfg_fail(e, line, "small_count must be 1..100");
        out->small_count = (int)v;
        return 1;
    }
    if (strcmp(section, "areas") == 0) {
        if (strlen(name) > TRYGG_NAME_MAX)
            return trygg_cfg_fail(e, line, "area id too long: %s", name);
        trygg_report_area *a = find_or_add(out, name);
        if (!a)
            return trygg_cfg_fail(e, line, "more than %d areas", TRYGG_REPORT_AREAS);
        char buf[256];
        if (!trygg_cfg_str(value, buf, sizeof buf))
            return trygg_cfg_fail(e, line, "bad area value");
        char *bar = strchr(buf, '|');
        if (bar) {
            *bar = '\0';
            char *g = bar + 1;
            trim(g);
            if (!trygg_cfg_str(g, a->group, sizeof a->group))
                return trygg_cfg_fail(e, line, "area group too long");
        }
        trim(buf);
        if (!trygg_cfg_str(buf[0] ? buf : name, a->label, sizeof a->label))
            return trygg_cfg_fail(e, line, "area label too long");
        return 1;
    }
    if (strncmp(section, "area ", 5) == 0) {
        const char *id = section + 5;
        if (!id[0] || strlen(id) > TRYGG_NAME_MAX)
            return trygg_cfg_fail(e, line, "bad area id in section [%s]", section);
        trygg_report_area *a = find_or_add(out, id);
        if (!a)
            return trygg_cfg_fail(e, line, "more than %d areas", TRYGG_REPORT_AREAS);
        if (strcmp(name, "label") == 0 || strcmp(name, "label_sv") == 0) {
            if (!trygg_cfg_str(value, a->label, sizeof a->label))
                return trygg_cfg_fail(e, line, "area label too long");
        } else if (strcmp(name, "label_en") == 0) {
            if (!trygg_cfg_str(value, a->label_en, sizeof a->label_en))
                return trygg_cfg_fail(e, line, "area label too long");
        } else if (strcmp(name, "group") == 0) {
            if (!trygg_cfg_str(value, a->group, sizeof a->group))
                return trygg_cfg_fail(e, line, "area group too long");
        } else if (strncmp(name, "label_", 6) != 0) {
            /* label_en etc. are for other surfaces; anything else is a typo */
            return trygg_cfg_fail(e, line, "unknown key '%s' in [%s]", name, section);
        }
        return 1;
    }
    if (strncmp(section, "category ", 9) == 0) {
        const char *id = section + 9;
        if (!id[0] || strlen(id) > TRYGG_NAME_MAX)
            return trygg_cfg_fail(e, line, "bad category id in section [%s]", section);
        trygg_report_cat *c = NULL;
        for (int i = 0; i < out->ncats; i++)
            if (strcmp(out->c[i].id, id) == 0)
                c = &out->c[i];
        if (!c) {
            if (out->ncats >= TRYGG_REPORT_CATS)
                return trygg_cfg_fail(e, line, "more than %d categories", TRYGG_REPORT_CATS);
            c = &out->c[out->ncats++];
            memset(c, 0, sizeof *c);
            if (!TRYGG_COPY(c->id, id))
                return trygg_cfg_fail(e, line, "category id too long: %s", id);
            TRYGG_COPY_FIT(c->label, c->id);
        }
        if (strcmp(name, "label_sv") == 0 && !trygg_cfg_str(value, c->label, sizeof c->label))
            return trygg_cfg_fail(e, line, "category label too long");
        if (strcmp(name, "label_en") == 0 && !trygg_cfg_str(value, c->label_en, sizeof c->label_en))
            return trygg_cfg_fail(e, line, "category label too long");
        return 1;
    }
    return 1;
}

trygg_err trygg_report_areas_load(const char *path, trygg_report_areas *out, char *err,
                                  size_t errcap)
{
    memset(out, 0, sizeof *out);
    trygg_cfg_error errs[4];
    trygg_cfg_errors e = {.errs = errs, .max = 4, .n = 0, .file = path, .total = 0};
    areas_load l = {.out = out, .geo = calloc(1, sizeof(trygg_geo))};
    if (!l.geo)
        return TRYGG_ERR_NOMEM;
    trygg_err rc = trygg_cfg_parse(path, on_value, &l, &e);
    const char *ids[TRYGG_REPORT_AREAS];
    for (int i = 0; i < out->n; i++)
        ids[i] = out->a[i].id;
    if (rc == TRYGG_OK) {
        trygg_geo_check(l.geo, &e, ids, out->n);
        rc = e.n ? TRYGG_ERR_CONFIG : TRYGG_OK;
    }
    if (rc == TRYGG_OK) {
        char msg[700] = "";
        rc = trygg_geo_load_config(l.geo, l.data_dir, ids, out->n, msg, sizeof msg);
        if (rc) {
            if (err && errcap)
                snprintf(err, errcap, "%s:%d: %s", path, l.geo->areas_line, msg);
            trygg_geo_destroy(l.geo);
            return rc;
        }
    }
    if (rc)
        trygg_geo_destroy(l.geo);
    else
        out->geo = out->own_geo = l.geo;
    if (rc && err && errcap) {
        if (e.n > 0)
            snprintf(err, errcap, "%s:%d: %s", errs[0].file, errs[0].line, errs[0].msg);
        else
            snprintf(err, errcap, "%s: %s", path, trygg_strerror(rc));
    }
    return rc;
}

void trygg_report_areas_free(trygg_report_areas *a)
{
    trygg_geo_destroy(a->own_geo);
    a->own_geo = NULL;
    a->geo = NULL;
}
