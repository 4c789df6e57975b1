/*
 * geo.c — the place register ([place ID] in server.ini) and the area
 * polygons (GeoJSON, parsed with jansson) of the situation picture's map.
 */
#include "trygg/geo.h"

#include "trygg/copy.h"
#include "trygg/paths.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_id(const char *s)
{
    if (!s[0] || strlen(s) > TRYGG_NAME_MAX)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

/* Parses a decimal degree within [-lim, lim]; 1 on success. */
static int degrees(const char *v, double lim, double *out)
{
    char *end;
    if (!v[0])
        return 0;
    double d = strtod(v, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end || !isfinite(d) || d < -lim || d > lim)
        return 0;
    *out = d;
    return 1;
}

static trygg_place *place_of(trygg_geo *g, trygg_cfg_errors *e, const char *id, int line)
{
    for (int i = 0; i < g->nplaces; i++)
        if (strcmp(g->places[i].id, id) == 0)
            return &g->places[i];
    if (g->nplaces >= TRYGG_GEO_PLACES) {
        trygg_cfg_fail(e, line, "more than %d places", TRYGG_GEO_PLACES);
        return NULL;
    }
    trygg_place *p = &g->places[g->nplaces++];
    memset(p, 0, sizeof *p);
    p->line = line;
    if (!TRYGG_COPY(p->id, id)) { /* is_id() checked the length */
        g->nplaces--;
        trygg_cfg_fail(e, line, "place id too long: %s", id);
        return NULL;
    }
    return p;
}

static int map_key(trygg_geo *g, trygg_cfg_errors *e, const char *name, const char *value, int line)
{
    if (strcmp(name, "areas") != 0)
        return trygg_cfg_fail(e, line, "unknown key '%s' in [map]", name);
    if (!trygg_cfg_str(value, g->areas_file, sizeof g->areas_file))
        return trygg_cfg_fail(e, line, "[map] areas: path too long");
    g->areas_line = line;
    return 1;
}

int trygg_geo_place_key(trygg_geo *g, trygg_cfg_errors *e, const char *section, const char *name,
                        const char *value, int line)
{
    if (strcmp(section, "map") == 0)
        return map_key(g, e, name, value, line);
    const char *id = section + 6; /* "place " */
    if (strncmp(section, "place ", 6) != 0 || !is_id(id))
        return trygg_cfg_fail(e, line, "bad place id in [%s] (a-z, 0-9, _ and -)", section);
    trygg_place *p = place_of(g, e, id, line);
    if (!p)
        return 0;
    if (strcmp(name, "label") == 0) {
        if (!trygg_cfg_str(value, p->label, sizeof p->label) || !p->label[0])
            return trygg_cfg_fail(e, line, "place %s: label empty or longer than %d bytes", id,
                                  TRYGG_GEO_PLACE_LABEL - 1);
        return 1;
    }
    if (strcmp(name, "area") == 0) {
        if (!trygg_cfg_str(value, p->area, sizeof p->area))
            return trygg_cfg_fail(e, line, "place %s: area id too long", id);
        return 1;
    }
    if (strcmp(name, "lat") == 0) {
        if (!degrees(value, 90.0, &p->lat))
            return trygg_cfg_fail(e, line, "place %s: lat must be degrees -90..90 (WGS84)", id);
        p->has_lat = 1;
        return 1;
    }
    if (strcmp(name, "lon") == 0) {
        if (!degrees(value, 180.0, &p->lon))
            return trygg_cfg_fail(e, line, "place %s: lon must be degrees -180..180 (WGS84)", id);
        p->has_lon = 1;
        return 1;
    }
    return trygg_cfg_fail(e, line, "unknown key '%s' in [place %s]", name, id);
}

static int known(const char *id, const char *const *ids, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(ids[i], id) == 0)
            return 1;
    return 0;
}

void trygg_geo_check(const trygg_geo *g, trygg_cfg_errors *e, const char *const *area_ids,
                     int nareas)
{
    for (int i = 0; i < g->nplaces; i++) {
        const trygg_place *p = &g->places[i];
        if (!p->label[0])
            trygg_cfg_fail(e, p->line, "place %s: label is required", p->id);
        if (!p->has_lat || !p->has_lon)
            trygg_cfg_fail(e, p->line, "place %s: lat and lon are required (WGS84)", p->id);
        if (!p->area[0])
            trygg_cfg_fail(e, p->line, "place %s: area is required", p->id);
        else if (!known(p->area, area_ids, nareas))
            trygg_cfg_fail(e, p->line, "place %s: unknown area '%s' (no [area %s])", p->id, p->area,
                           p->area);
        for (int j = 0; j < i; j++)
            if (p->label[0] && strcmp(g->places[j].label, p->label) == 0 &&
                strcmp(g->places[j].area, p->area) == 0)
                trygg_cfg_fail(e, p->line, "place %s: same label and area as place %s", p->id,
                               g->places[j].id);
    }
}

/* ---- GeoJSON ---------------------------------------------------------------- */

typedef struct geo_load {
    trygg_geo *g;
    int cap_rings, cap_pts;
    char *err;
    size_t errcap;
    const char *path;
} geo_load;

static int gfail(geo_load *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int gfail(geo_load *l, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (l->err && l->errcap)
        snprintf(l->err, l->errcap, "%s: %s", l->path, msg);
    return 0;
}

static int grow(void **p, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return 1;
    int n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, (size_t)n * elem);
    if (!q)
        return 0;
    *p = q;
    *cap = n;
    return 1;
}

/* One linear ring: an array of [lon, lat] positions, closed, >= 4 points. */
static int load_ring(geo_load *l, json_t *ring, const char *area)
{
    trygg_geo *g = l->g;
    size_t n = json_is_array(ring) ? json_array_size(ring) : 0;
    if (n < 4)
        return gfail(l, "area %s: a ring needs at least 4 positions", area);
    if (g->nrings >= TRYGG_GEO_RINGS || (size_t)g->npts + n > TRYGG_GEO_POINTS)
        return gfail(l, "more than %d rings or %d points", TRYGG_GEO_RINGS, TRYGG_GEO_POINTS);
    if (!grow((void **)&g->rings, &l->cap_rings, g->nrings + 1, sizeof *g->rings) ||
        !grow((void **)&g->pts, &l->cap_pts, 2 * (g->npts + (int)n), sizeof *g->pts))
        return gfail(l, "out of memory");
    int first = g->npts;
    for (size_t i = 0; i < n; i++) {
        json_t *pos = json_array_get(ring, i);
        json_t *x = json_array_get(pos, 0), *y = json_array_get(pos, 1);
        if (!json_is_number(x) || !json_is_number(y))
            return gfail(l, "area %s: a position is not [lon, lat]", area);
        double lon = json_number_value(x), lat = json_number_value(y);
        if (lon < -180.0 || lon > 180.0 || lat < -90.0 || lat > 90.0)
            return gfail(l, "area %s: position [%g, %g] is outside WGS84 [lon, lat]", area, lon,
                         lat);
        g->pts[2 * g->npts] = lon;
        g->pts[2 * g->npts + 1] = lat;
        g->npts++;
    }
    if (g->pts[2 * first] != g->pts[2 * (g->npts - 1)] ||
        g->pts[2 * first + 1] != g->pts[2 * (g->npts - 1) + 1])
        return gfail(l, "area %s: a ring is not closed (first position != last)", area);
    g->rings[g->nrings++] = (trygg_geo_ring){.first = first, .n = (int)n};
    return 1;
}

static int load_polygon(geo_load *l, json_t *poly, const char *area)
{
    if (!json_is_array(poly) || json_array_size(poly) == 0)
        return gfail(l, "area %s: a polygon must be a non-empty array of rings", area);
    size_t i;
    json_t *ring;
    json_array_foreach(poly, i, ring) if (!load_ring(l, ring, area)) return 0;
    return 1;
}

static int load_feature(geo_load *l, json_t *f, size_t idx, const char *const *ids, int nids,
                        int skip_unknown)
{
    trygg_geo *g = l->g;
    json_t *props = json_object_get(f, "properties");
    const char *area = json_string_value(json_object_get(props, "area"));
    if (!json_is_object(f) || !area)
        return gfail(l, "feature %zu: no properties.area", idx);
    if (!known(area, ids, nids) && skip_unknown)
        return 1;
    if (!known(area, ids, nids))
        return gfail(l, "feature %zu: unknown area '%s' (no [area %s] in server.ini)", idx, area,
                     area);
    if (trygg_geo_area_find(g, area))
        return gfail(l, "feature %zu: area '%s' is given twice", idx, area);
    if (g->nareas >= TRYGG_GEO_AREAS)
        return gfail(l, "more than %d areas", TRYGG_GEO_AREAS);
    json_t *geom = json_object_get(f, "geometry");
    const char *type = json_string_value(json_object_get(geom, "type"));
    json_t *coords = json_object_get(geom, "coordinates");
    trygg_geo_area *a = &g->areas[g->nareas];
    memset(a, 0, sizeof *a);
    if (!TRYGG_COPY(a->id, area))
        return gfail(l, "feature %zu: area id too long", idx);
    a->ring0 = g->nrings;
    if (type && strcmp(type, "Polygon") == 0) {
        if (!load_polygon(l, coords, area))
            return 0;
    } else if (type && strcmp(type, "MultiPolygon") == 0 && json_is_array(coords) &&
               json_array_size(coords) > 0) {
        size_t i;
        json_t *poly;
        json_array_foreach(coords, i, poly) if (!load_polygon(l, poly, area)) return 0;
    } else {
        return gfail(l, "area %s: geometry must be a Polygon or a MultiPolygon", area);
    }
    a->nrings = g->nrings - a->ring0;
    g->nareas++;
    return 1;
}

static int load_collection(geo_load *l, json_t *root, const char *const *ids, int nids,
                           int skip_unknown)
{
    const char *type = json_string_value(json_object_get(root, "type"));
    json_t *features = json_object_get(root, "features");
    if (!type || strcmp(type, "FeatureCollection") != 0 || !json_is_array(features))
        return gfail(l, "not a GeoJSON FeatureCollection with \"features\"");
    const char *name = json_string_value(json_object_get(root, "name"));
    if (name)
        TRYGG_COPY_TRUNC(l->g->name, name); /* a caption only */
    l->g->schematic = json_is_true(json_object_get(root, "schematic"));
    size_t i;
    json_t *f;
    json_array_foreach(features, i,
                       f) if (!load_feature(l, f, i, ids, nids, skip_unknown)) return 0;
    return 1;
}

trygg_err trygg_geo_load_areas(trygg_geo *g, const char *path, const char *const *area_ids,
                               int nareas, int skip_unknown, char *err, size_t errcap)
{
    trygg_geo_free(g);
    geo_load l = {.g = g, .err = err, .errcap = errcap, .path = path};
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (je.line < 0 || je.position == 0) {
            FILE *f = fopen(path, "rb");
            if (!f) {
                gfail(&l, "cannot read the file");
                return TRYGG_ERR_IO;
            }
            fclose(f);
        }
        gfail(&l, "line %d, column %d: invalid JSON: %s", je.line, je.column, je.text);
        return TRYGG_ERR_CONFIG;
    }
    int ok = load_collection(&l, root, area_ids, nareas, skip_unknown);
    json_decref(root);
    if (!ok) {
        trygg_geo_free(g);
        return TRYGG_ERR_CONFIG;
    }
    return TRYGG_OK;
}

const trygg_geo_area *trygg_geo_area_find(const trygg_geo *g, const char *id)
{
    for (int i = 0; g && i < g->nareas; i++)
        if (strcmp(g->areas[i].id, id) == 0)
            return &g->areas[i];
    return NULL;
}

void trygg_geo_free(trygg_geo *g)
{
    free(g->rings);
    free(g->pts);
    g->rings = NULL;
    g->pts = NULL;
    g->nrings = g->npts = g->nareas = 0;
    g->schematic = 0;
    g->name[0] = '\0';
}

trygg_err trygg_geo_load_config(trygg_geo *g, const char *data_dir, const char *const *area_ids,
                                int nareas, char *err, size_t errcap)
{
    char path[1200];
    trygg_err rc;
    if (!g->areas_file[0]) {
        rc = trygg_asset_path("config/areas.geojson", path, sizeof path);
        if (rc == TRYGG_OK)
            rc = trygg_geo_load_areas(g, path, area_ids, nareas, 1, err, errcap);
        return rc;
    }
    if (g->areas_file[0] == '/' || !data_dir || !data_dir[0])
        rc = TRYGG_COPY(path, g->areas_file) ? TRYGG_OK : TRYGG_ERR_TOOBIG;
    else
        rc = trygg_path_join(path, sizeof path, data_dir, g->areas_file);
    if (rc != TRYGG_OK) {
        if (err && errcap)
            snprintf(err, errcap, "[map] areas: path too long");
        return rc;
    }
    return trygg_geo_load_areas(g, path, area_ids, nareas, 0, err, errcap);
}

trygg_geo *trygg_geo_dup(const trygg_geo *src)
{
    trygg_geo *g = malloc(sizeof *g);
    if (!g)
        return NULL;
    memcpy(g, src, sizeof *g);
    g->rings = NULL;
    g->pts = NULL;
    if (src->nrings) {
        g->rings = malloc((size_t)src->nrings * sizeof *g->rings);
        g->pts = malloc((size_t)src->npts * 2 * sizeof *g->pts);
        if (!g->rings || !g->pts) {
            trygg_geo_destroy(g);
            return NULL;
        }
        memcpy(g->rings, src->rings, (size_t)src->nrings * sizeof *g->rings);
        memcpy(g->pts, src->pts, (size_t)src->npts * 2 * sizeof *g->pts);
    }
    return g;
}

void trygg_geo_destroy(trygg_geo *g)
{
    if (!g)
        return;
    trygg_geo_free(g);
    free(g);
}
