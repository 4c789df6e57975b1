/*
 * geo.h — the place register and the area polygons that the situation
 * picture's map is drawn from (docs/report.md, "Places and the map").
 *
 * Places are named points in WGS84 with their area, from server.ini:
 *
 *     [place resecentrum]
 *     label = Resecentrum
 *     area  = centrum
 *     lat   = 58.1336
 *     lon   = 12.1337
 *
 * Areas are polygons in a GeoJSON file (a FeatureCollection; every Feature
 * has a Polygon or MultiPolygon geometry and the area id in
 * properties.area), named by server.ini [map] areas = FILE; without it the
 * shipped schematic assets/config/areas.geojson is used. Coordinates are
 * [longitude, latitude] as GeoJSON has them.
 *
 * Threading: a loaded trygg_geo is immutable; share it between threads.
 * Read first: trygg_geo_place_key, trygg_geo_check, trygg_geo_load_areas.
 */
#ifndef TRYGG_GEO_H
#define TRYGG_GEO_H

#include <stddef.h>

#include "cfg.h"
#include "err.h"
#include "item.h"

#define TRYGG_GEO_PLACES      128
#define TRYGG_GEO_AREAS       64
#define TRYGG_GEO_RINGS       1024   /* rings of all polygons together */
#define TRYGG_GEO_POINTS      200000 /* points of all rings together */
#define TRYGG_GEO_PLACE_LABEL 64     /* bytes; a place's label is also an item's place text */

typedef struct trygg_place {
    char id[TRYGG_NAME_MAX + 1];
    char label[TRYGG_GEO_PLACE_LABEL]; /* "Ströms skola" */
    char area[TRYGG_NAME_MAX + 1];     /* area id of server.ini */
    double lat, lon;                   /* WGS84 degrees */
    int has_lat, has_lon;
    int line; /* line of the section's first key, for errors */
} trygg_place;

typedef struct trygg_geo_ring {
    int first, n; /* points pts[first .. first+n), closed (last == first) */
} trygg_geo_ring;

typedef struct trygg_geo_area {
    char id[TRYGG_NAME_MAX + 1];
    int ring0, nrings; /* rings[ring0 .. ring0+nrings): outer rings and holes */
} trygg_geo_area;

typedef struct trygg_geo {
    trygg_place places[TRYGG_GEO_PLACES];
    int nplaces;
    trygg_geo_area areas[TRYGG_GEO_AREAS];
    int nareas;
    trygg_geo_ring *rings; /* allocated by trygg_geo_load_areas */
    int nrings;
    double *pts; /* lon, lat pairs */
    int npts;
    int schematic;         /* the file says "schematic": true (drawn with a caveat) */
    char name[128];        /* the collection's "name", "" if none */
    char areas_file[1024]; /* [map] areas as given ("" = the shipped schematic) */
    int areas_line;        /* its line in server.ini */
} trygg_geo;

/* Handles one key of a "[place ID]" or "[map]" section of an INI file for
 * a trygg_cfg handler: returns 1 if accepted, 0 after trygg_cfg_fail (bad id,
 * unknown key, a latitude outside -90..90 or longitude outside -180..180, a
 * label too long). Sections other than these are not its business: the
 * caller only passes "place ..." and "map". */
int trygg_geo_place_key(trygg_geo *g, trygg_cfg_errors *e, const char *section, const char *name,
                        const char *value, int line);

/* After the whole file is read: every place has label, area, lat and lon,
 * and its area is one of area_ids[0..nareas) (else an error at the place's
 * line). */
void trygg_geo_check(const trygg_geo *g, trygg_cfg_errors *e, const char *const *area_ids,
                     int nareas);

/* Loads the area polygons from GeoJSON file `path` into g (replacing any
 * loaded before). Every feature's properties.area must be one of
 * area_ids[0..nareas) — with skip_unknown (the shipped schematic, used when
 * server.ini names no file) a feature of another area is left out; coordinates must be numbers
 * within WGS84 range and every ring closed with at least 4 points. On error returns
 * TRYGG_ERR_CONFIG (or IO) with "path: message" (jansson's line and column
 * for a syntax error) in err[errcap], and g has no polygons. */
TRYGG_MUST_CHECK trygg_err trygg_geo_load_areas(trygg_geo *g, const char *path,
                                                const char *const *area_ids, int nareas,
                                                int skip_unknown, char *err, size_t errcap);

/* Loads the polygons of [map] areas (g->areas_file) of a server.ini whose
 * data_dir is `data_dir` (a relative file is taken relative to it; no file
 * named = the shipped schematic assets/config/areas.geojson, areas not
 * configured left out). Errors as trygg_geo_load_areas; the caller puts
 * the INI file and g->areas_line in front of the message. */
TRYGG_MUST_CHECK trygg_err trygg_geo_load_config(trygg_geo *g, const char *data_dir,
                                                 const char *const *area_ids, int nareas, char *err,
                                                 size_t errcap);

/* A deep copy of src (polygons included) into *dst, allocated; free with
 * trygg_geo_destroy. NULL when out of memory. */
trygg_geo *trygg_geo_dup(const trygg_geo *src);
/* trygg_geo_free and free(g); g may be NULL. */
void trygg_geo_destroy(trygg_geo *g);

/* The area polygon of `id`, NULL if none. */
const trygg_geo_area *trygg_geo_area_find(const trygg_geo *g, const char *id);

/* Frees the polygons (the struct itself is the caller's). */
void trygg_geo_free(trygg_geo *g);

#endif
