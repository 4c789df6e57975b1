/*
 * test_report_map.c — the situation picture's map (shared/src/report_map.c)
 * and its configuration (shared/src/geo.c via trygg_report_areas_load):
 * bad places and broken GeoJSON are refused with file:line, every area is
 * one path with the shade of its count, a hidden count is hatched (never a
 * shade, never 0), a place's dot grows with its count, and the published
 * view's map never shows a count the published tables hide. Partner events
 * are squares by place on the internal map only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trygg/paths.h"
#include "trygg/police_events.h"
#include "trygg/report.h"
#include "trygg/store.h"
#include "trygg/time.h"

typedef struct fixture {
    char dir[256];
    char db[300];
    trygg_store *st;
    int seq;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/trygg-map-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof f->db, "%s/trygg.db", f->dir);
    assert_int_equal(trygg_store_open(f->db, &f->st), TRYGG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    trygg_store_close(f->st);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    free(f);
    return 0;
}

static void write_file(const fixture *f, const char *name, const char *text)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Two areas side by side, as a GeoJSON file. */
static const char *const two_areas_json =
    "{\"type\": \"FeatureCollection\", \"features\": ["
    "{\"type\": \"Feature\", \"properties\": {\"area\": \"centrum\"}, \"geometry\": {\"type\":"
    " \"Polygon\", \"coordinates\": [[[12.10, 58.10], [12.15, 58.10], [12.15, 58.15],"
    " [12.10, 58.15], [12.10, 58.10]]]}},"
    "{\"type\": \"Feature\", \"properties\": {\"area\": \"gota\"}, \"geometry\": {\"type\":"
    " \"MultiPolygon\", \"coordinates\": [[[[12.15, 58.10], [12.20, 58.10], [12.20, 58.15],"
    " [12.15, 58.15], [12.15, 58.10]]]]}}]}\n";

/* server.ini with two areas, the GeoJSON above and `extra` appended. */
static trygg_err load_ini(fixture *f, const char *extra, const char *json, trygg_report_areas *a,
                          char *err, size_t cap)
{
    char ini[2048];
    snprintf(ini, sizeof ini,
             "[server]\ndata_dir = %s\nsmall_count = 5\n"            /* 1-3 */
             "[area centrum]\nlabel = Centrum\ngroup = Lilla Edet\n" /* 4-6 */
             "[area gota]\nlabel = Göta\ngroup = Göta\n"             /* 7-9 */
             "[map]\nareas = areas.geojson\n"                        /* 10-11 */
             "%s",
             f->dir, extra);
    write_file(f, "server.ini", ini);
    write_file(f, "areas.geojson", json);
    char path[400];
    snprintf(path, sizeof path, "%s/server.ini", f->dir);
    return trygg_report_areas_load(path, a, err, cap);
}

static void expect_error(fixture *f, const char *extra, const char *json, const char *where,
                         const char *what)
{
    trygg_report_areas *a = calloc(1, sizeof *a);
    char err[700] = "";
    assert_int_not_equal(load_ini(f, extra, json, a, err, sizeof err), TRYGG_OK);
    if (!strstr(err, where) || !strstr(err, what))
        fail_msg("expected '%s' and '%s' in: %s", where, what, err);
    assert_null(a->geo);
    free(a);
}

static void test_config_errors(void **state)
{
    fixture *f = *state;
    const char *place = "[place torget]\nlabel = Torget\narea = centrum\n"; /* 12-14 */
    char extra[512];
    /* The good file loads: places and polygons. */
    trygg_report_areas *a = calloc(1, sizeof *a);
    char err[700] = "";
    snprintf(extra, sizeof extra, "%slat = 58.12\nlon = 12.12\n", place);
    assert_int_equal(load_ini(f, extra, two_areas_json, a, err, sizeof err), TRYGG_OK);
    assert_non_null(a->geo);
    assert_int_equal(a->geo->nplaces, 1);
    assert_string_equal(a->geo->places[0].label, "Torget");
    assert_int_equal(a->geo->nareas, 2);
    assert_int_equal(a->geo->nrings, 2);
    trygg_report_areas_free(a);
    free(a);
    /* Bad coordinates, at their own line. */
    snprintf(extra, sizeof extra, "%slat = 95\nlon = 12.12\n", place);
    expect_error(f, extra, two_areas_json, "server.ini:15:", "lat");
    snprintf(extra, sizeof extra, "%slat = 58.1\nlon = 12,12\n", place);
    expect_error(f, extra, two_areas_json, "server.ini:16:", "lon");
    snprintf(extra, sizeof extra, "%slat = 58.1\n", place);
    expect_error(f, extra, two_areas_json, "server.ini:13:", "lat and lon are required");
    /* A place in an area that is not configured. */
    expect_error(f, "[place x]\nlabel = X\narea = tunge\nlat = 58.1\nlon = 12.1\n", two_areas_json,
                 "server.ini:13:", "unknown area 'tunge'");
    expect_error(f, "[place x]\nlabel = X\narea = centrum\nlat = 58.1\nlon = 12.1\nfoo = 1\n",
                 two_areas_json, "server.ini:17:", "unknown key 'foo'");
    /* Broken GeoJSON: the [map] line, the file and what is wrong. */
    expect_error(f, "", "{\"type\": \"FeatureCollection\", \"features\": [\n{\"type\": }\n]}\n",
                 "server.ini:11:", "line 2");
    expect_error(f, "", "{\"type\": \"Feature\"}", "server.ini:11:", "FeatureCollection");
    expect_error(f, "",
                 "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\","
                 " \"properties\": {\"area\": \"tunge\"}, \"geometry\": {\"type\": \"Polygon\","
                 " \"coordinates\": [[[1,1],[2,1],[2,2],[1,1]]]}}]}",
                 "server.ini:11:", "unknown area 'tunge'");
    expect_error(f, "",
                 "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\","
                 " \"properties\": {\"area\": \"gota\"}, \"geometry\": {\"type\": \"Polygon\","
                 " \"coordinates\": [[[1,1],[2,1],[2,2],[1,2]]]}}]}",
                 "server.ini:11:", "not closed");
    expect_error(f, "",
                 "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\","
                 " \"properties\": {\"area\": \"gota\"}, \"geometry\": {\"type\": \"Polygon\","
                 " \"coordinates\": [[[1,1],[200,1],[2,2],[1,1]]]}}]}",
                 "server.ini:11:", "outside WGS84");
    expect_error(f, "",
                 "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\","
                 " \"properties\": {\"area\": \"gota\"}, \"geometry\": {\"type\": \"Point\","
                 " \"coordinates\": [1, 1]}}]}",
                 "server.ini:11:", "Polygon or a MultiPolygon");
}

/* A report built by hand: areas centrum and gota with the given counts
 * in the report week and places "torget" (centrum) and "skolan" (gota). */
static trygg_report *hand_report(fixture *f, int64_t centrum, int64_t gota, int64_t torget,
                                 int64_t skolan)
{
    trygg_report_areas *a = calloc(1, sizeof *a);
    char err[700] = "";
    assert_int_equal(load_ini(f,
                              "[place torget]\nlabel = Torget\narea = centrum\nlat = 58.12\n"
                              "lon = 12.12\n[place skolan]\nlabel = Skolan\narea = gota\n"
                              "lat = 58.13\nlon = 12.18\n",
                              two_areas_json, a, err, sizeof err),
                     TRYGG_OK);
    trygg_report *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->areas = *a;
    r->geo = trygg_geo_dup(a->geo);
    r->areas.geo = r->geo;
    r->areas.own_geo = NULL;
    trygg_report_areas_free(a);
    free(a);
    trygg_report_table *t = &r->dim[TRYGG_DIM_AREA];
    snprintf(t->rows[0].key, sizeof t->rows[0].key, "centrum");
    snprintf(t->rows[1].key, sizeof t->rows[1].key, "gota");
    t->rows[0].n[TRYGG_REPORT_CUR] = centrum;
    t->rows[1].n[TRYGG_REPORT_CUR] = gota;
    t->n = 2;
    r->total[TRYGG_REPORT_CUR] = centrum + gota;
    r->place_n[0] = torget;
    r->place_n[1] = skolan;
    assert_int_equal(trygg_week_make(2026, 47, &r->week), TRYGG_OK);
    r->weeks[TRYGG_REPORT_CUR] = r->week;
    return r;
}

static char *render_with(const trygg_report *r, int suppress, const trygg_i18n *texts)
{
    trygg_report_opts o;
    trygg_report_opts_init(&o);
    o.t = texts;
    o.suppress = suppress;
    o.threshold = 5;
    trygg_buf b;
    trygg_buf_init(&b, 4u << 20);
    assert_int_equal(trygg_report_html(r, &o, &b), TRYGG_OK);
    char *s = trygg_buf_take(&b, NULL);
    trygg_buf_free(&b);
    char *map = strstr(s, "<section id=\"map\"");
    assert_non_null(map);
    return s;
}

static char *render(const trygg_report *r, int suppress)
{
    return render_with(r, suppress, NULL);
}

/* The <path ...> element of area id in html (NUL-terminated copy). */
static void area_elem(const char *html, const char *id, char *out, size_t cap)
{
    char key[64];
    snprintf(key, sizeof key, "data-area=\"%s\"", id);
    const char *p = strstr(html, key);
    assert_non_null(p);
    assert_null(strstr(p + 1, key)); /* one path per area */
    const char *start = p;
    while (start > html && strncmp(start, "<path", 5) != 0)
        start--;
    const char *end = strstr(p, "</path>");
    assert_non_null(end);
    snprintf(out, cap, "%.*s", (int)(end - start), start);
}

static double dot_radius(const char *html, const char *id)
{
    char key[64];
    snprintf(key, sizeof key, "data-place=\"%s\"", id);
    const char *p = strstr(html, key);
    assert_non_null(p);
    const char *r = strstr(p, " r=\"");
    assert_non_null(r);
    return atof(r + 4);
}

static void test_svg_shades(void **state)
{
    fixture *f = *state;
    trygg_report *r = hand_report(f, 40, 8, 10, 2);
    char *html = render(r, 0);
    char el[4096];
    area_elem(html, "centrum", el, sizeof el);
    assert_non_null(strstr(el, "class=\"area shade-5\"")); /* the largest: darkest */
    assert_non_null(strstr(el, "Centrum: 40"));
    area_elem(html, "gota", el, sizeof el);
    assert_non_null(strstr(el, "class=\"area shade-1\"")); /* 8 of 40: the lightest class */
    assert_non_null(strstr(el, "Göta: 8"));
    free(html);
    trygg_report_free(r);
    /* Zero is drawn as none (internal view), the other as the darkest. */
    r = hand_report(f, 0, 3, 0, 0);
    html = render(r, 0);
    area_elem(html, "centrum", el, sizeof el);
    assert_non_null(strstr(el, "class=\"area shade-0\""));
    area_elem(html, "gota", el, sizeof el);
    assert_non_null(strstr(el, "class=\"area shade-5\""));
    free(html);
    trygg_report_free(r);
}

static void test_svg_hidden_hatched(void **state)
{
    fixture *f = *state;
    /* gota (2) is below 5; centrum (40) is shown; the total is shown. */
    trygg_report *r = hand_report(f, 40, 2, 0, 0);
    char *html = render(r, 1);
    char el[4096];
    area_elem(html, "gota", el, sizeof el);
    assert_non_null(strstr(el, "class=\"area hatch\""));
    assert_null(strstr(el, "shade-"));
    assert_non_null(strstr(el, "Göta: &lt;5"));
    assert_null(strstr(el, "Göta: 2"));
    assert_null(strstr(el, "Göta: 0"));
    area_elem(html, "centrum", el, sizeof el);
    /* complementary: centrum = total - gota would give gota away */
    assert_true(strstr(el, "class=\"area hatch\"") || strstr(el, "class=\"area shade-5\""));
    free(html);
    trygg_report_free(r);
    /* A zero count in the published view is "<5", hatched, never 0. */
    r = hand_report(f, 0, 0, 0, 0);
    html = render(r, 1);
    area_elem(html, "centrum", el, sizeof el);
    assert_non_null(strstr(el, "class=\"area hatch\""));
    assert_null(strstr(el, "shade-0"));
    free(html);
    trygg_report_free(r);
}

static void test_dot_radius_grows(void **state)
{
    fixture *f = *state;
    trygg_report *r = hand_report(f, 40, 8, 9, 1);
    char *html = render(r, 0);
    double big = dot_radius(html, "torget"), small = dot_radius(html, "skolan");
    assert_true(big > small);
    free(html);
    trygg_report_free(r);
    r = hand_report(f, 40, 8, 9, 4);
    html = render(r, 0);
    double bigger_small = dot_radius(html, "skolan");
    assert_true(bigger_small > small);                          /* 4 > 1 */
    assert_true(dot_radius(html, "torget") == big);             /* the largest keeps its size */
    assert_true(bigger_small * bigger_small < big * big * 0.6); /* area ~ count: 4/9 */
    free(html);
    trygg_report_free(r);
}

/* ---- The published view of a real week -------------------------------------- */

static void add_item(fixture *f, int64_t created, const char *area, const char *place)
{
    trygg_item it, out;
    int was_new = 0;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "map-%08d", ++f->seq);
    it.kind = TRYGG_KIND_CONCERN;
    it.channel = TRYGG_CHANNEL_KIOSK;
    snprintf(it.category, sizeof it.category, "lighting");
    snprintf(it.area, sizeof it.area, "%s", area);
    snprintf(it.place, sizeof it.place, "%s", place);
    snprintf(it.source, sizeof it.source, "k1");
    snprintf(it.text, sizeof it.text, "generated");
    it.created = created;
    assert_int_equal(trygg_store_submit(f->st, &it, &out, &was_new), TRYGG_OK);
}

static void test_published_map_hides(void **state)
{
    fixture *f = *state;
    trygg_report_areas *a = calloc(1, sizeof *a);
    char err[700] = "";
    assert_int_equal(load_ini(f,
                              "[place torget]\nlabel = Torget\narea = centrum\nlat = 58.12\n"
                              "lon = 12.12\n[place skolan]\nlabel = Skolan\narea = gota\n"
                              "lat = 58.13\nlon = 12.18\n",
                              two_areas_json, a, err, sizeof err),
                     TRYGG_OK);
    trygg_week w;
    assert_int_equal(trygg_week_make(2026, 47, &w), TRYGG_OK);
    for (int i = 0; i < 12; i++)
        add_item(f, w.start + 3600 * (i + 1), "centrum", i < 7 ? "Torget" : "");
    for (int i = 0; i < 3; i++)
        add_item(f, w.start + 7200 * (i + 1), "gota", "Skolan");
    trygg_report *r = NULL;
    assert_int_equal(trygg_report_build(f->st, &w, a, w.end + 3600, &r), TRYGG_OK);
    trygg_report_areas_free(a);
    free(a);
    assert_int_equal(r->place_n[0], 7);
    assert_int_equal(r->place_n[1], 3);
    /* Internal: the real counts. */
    char *html = render(r, 0);
    char el[4096];
    area_elem(html, "gota", el, sizeof el);
    assert_non_null(strstr(el, "Göta: 3"));
    assert_non_null(strstr(html, ">Skolan (3)<"));
    free(html);
    /* Published: gota (3) and its place (3) are hidden; so is centrum (the
     * total minus it would give gota); nothing says 3. */
    html = render(r, 1);
    area_elem(html, "gota", el, sizeof el);
    assert_non_null(strstr(el, "class=\"area hatch\""));
    assert_null(strstr(el, "Göta: 3"));
    const char *map = strstr(html, "<section id=\"map\"");
    const char *map_end = strstr(map, "</section>");
    char *m = strndup(map, (size_t)(map_end - map));
    assert_null(strstr(m, "(3)"));
    assert_null(strstr(m, "Skolan: 3"));
    assert_null(strstr(m, ": 3<"));
    assert_non_null(strstr(m, "class=\"place hidden\" data-place=\"skolan\""));
    /* Every count the map shows is one the published tables show too. */
    trygg_report_cells *c = calloc(1, sizeof *c);
    trygg_report_suppress(r, 5, c);
    for (int i = 0; i < r->dim[TRYGG_DIM_AREA].n; i++) {
        char key[128];
        snprintf(key, sizeof key, "data-area=\"%s\"", r->dim[TRYGG_DIM_AREA].rows[i].key);
        const char *p = strstr(m, key);
        if (!p)
            continue;
        const char *cls = p;
        while (strncmp(cls, "<path", 5) != 0)
            cls--;
        int hatched = strncmp(cls, "<path class=\"area hatch\"", 24) == 0;
        assert_int_equal(hatched, c->dim[TRYGG_DIM_AREA].cur[i] != TRYGG_CELL_SHOWN);
    }
    for (int i = 0; i < r->geo->nplaces; i++)
        if (trygg_report_place_cell(r, c, i) != TRYGG_CELL_SHOWN) {
            char key[128];
            snprintf(key, sizeof key, "class=\"place hidden\" data-place=\"%s\"",
                     r->geo->places[i].id);
            assert_non_null(strstr(m, key));
        }
    free(c);
    free(m);
    free(html);
    trygg_report_free(r);
}

static void add_event(fixture *f, const char *day, const char *area, const char *place, int count)
{
    trygg_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = TRYGG_EVENT_GRAFFITI;
    snprintf(ev.day, sizeof ev.day, "%s", day);
    snprintf(ev.band, sizeof ev.band, "evening");
    snprintf(ev.area, sizeof ev.area, "%s", area);
    snprintf(ev.place, sizeof ev.place, "%s", place);
    ev.count = count;
    snprintf(ev.org, sizeof ev.org, "housing");
    snprintf(ev.reporter, sizeof ev.reporter, "hanna");
    assert_int_equal(trygg_store_event_add(f->st, &ev, NULL), TRYGG_OK);
}

static int count_of(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The map's section of html, as a copy. */
static char *map_of(const char *html)
{
    const char *map = strstr(html, "<section id=\"map\"");
    assert_non_null(map);
    const char *end = strstr(map, "</section>");
    assert_non_null(end);
    return strndup(map, (size_t)(end - map));
}

/* Partner events on the internal map: by place (the label within its area,
 * the report week's Monday..Sunday only), as squares whose area grows with
 * the count and a legend entry of their own; never on the published map. */
static void test_partner_events_on_map(void **state)
{
    fixture *f = *state;
    trygg_report_areas *a = calloc(1, sizeof *a);
    char err[700] = "";
    assert_int_equal(load_ini(f,
                              "[place torget]\nlabel = Torget\narea = centrum\nlat = 58.12\n"
                              "lon = 12.12\n[place skolan]\nlabel = Skolan\narea = gota\n"
                              "lat = 58.13\nlon = 12.18\n",
                              two_areas_json, a, err, sizeof err),
                     TRYGG_OK);
    trygg_week w;
    assert_int_equal(trygg_week_make(2026, 47, &w), TRYGG_OK); /* 16..22 November */
    add_item(f, w.start + 3600, "centrum", "Torget");
    add_event(f, "2026-11-16", "centrum", "Torget", 3);
    add_event(f, "2026-11-22", "centrum", "Torget", 6);
    add_event(f, "2026-11-23", "centrum", "Torget", 40); /* the next week */
    add_event(f, "2026-11-15", "centrum", "Torget", 40); /* the week before */
    add_event(f, "2026-11-18", "gota", "Torget", 40);    /* another area's "Torget" */
    add_event(f, "2026-11-18", "gota", "Skolan", 1);
    add_event(f, "2026-11-19", "centrum", "Annan plats", 5); /* not a registered place */
    trygg_report *r = NULL;
    assert_int_equal(trygg_report_build(f->st, &w, a, w.end + 3600, &r), TRYGG_OK);
    trygg_report_areas_free(a);
    free(a);
    assert_int_equal(r->event_place_n[0], 9);
    assert_int_equal(r->event_place_n[1], 1);
    char dir[1024], msg[256];
    trygg_i18n *texts = NULL;
    assert_int_equal(trygg_asset_path("i18n/report", dir, sizeof dir), TRYGG_OK);
    assert_int_equal(trygg_i18n_load(dir, &texts, msg, sizeof msg), TRYGG_OK);
    char *html = render_with(r, 0, texts);
    char *m = map_of(html);
    assert_int_equal(count_of(m, "<rect class=\"event\""), 2);
    assert_non_null(strstr(m, "data-event-place=\"torget\""));
    assert_non_null(strstr(m, "<title>Torget: 9 partnerhändelser</title>"));
    assert_non_null(strstr(m, "<title>Skolan: 1 partnerhändelser</title>"));
    assert_non_null(strstr(m, "class=\"legend-event\""));
    assert_non_null(strstr(m, "Partnernas händelser per plats"));
    /* The larger count has the larger square (side ~ square root). */
    const char *big = strstr(m, "data-event-place=\"torget\""),
               *small = strstr(m, "data-event-place=\"skolan\"");
    const char *wb = strstr(big, "width=\""), *ws = strstr(small, "width=\"");
    assert_true(atof(wb + 7) > atof(ws + 7));
    assert_non_null(strstr(m, "partnernas händelser per plats (kvadrater;"));
    free(m);
    free(html);
    /* Published: no partner event on the map, and the caption says so. */
    html = render_with(r, 1, texts);
    m = map_of(html);
    assert_null(strstr(m, "class=\"event\""));
    assert_null(strstr(m, "data-event-place"));
    assert_null(strstr(m, "legend-event"));
    assert_non_null(strstr(m, "Partnernas och polisens händelser finns inte på kartan"));
    free(m);
    free(html);
    trygg_i18n_free(texts);
    trygg_report_free(r);
}

/* Police events attached to a place by hand are on the internal map as
 * triangles above their place's dot, with a legend entry and a caption
 * line; an event without a place is drawn nowhere (not at the
 * municipality's centre either, even where a registered place lies), an
 * event of another week or attached to a label of another area is not
 * counted, and the published map has none. */
static void test_police_on_map(void **state)
{
    fixture *f = *state;
    trygg_report_areas *a = calloc(1, sizeof *a);
    char err[700] = "";
    assert_int_equal(load_ini(f,
                              "[place torget]\nlabel = Torget\narea = centrum\nlat = 58.12\n"
                              "lon = 12.12\n[place skolan]\nlabel = Skolan\narea = gota\n"
                              "lat = 58.13\nlon = 12.18\n[place mitt]\nlabel = Mitt\n"
                              "area = centrum\nlat = 58.1333\nlon = 12.1333\n",
                              two_areas_json, a, err, sizeof err),
                     TRYGG_OK);
    trygg_week w;
    assert_int_equal(trygg_week_make(2026, 47, &w), TRYGG_OK); /* 16..22 November */
    add_item(f, w.start + 3600, "centrum", "Torget");
    const char *feed =
        "[{\"id\": 1, \"datetime\": \"2026-11-17 22:00:00 +01:00\", \"type\": \"Brand\","
        " \"location\": {\"name\": \"Lilla Edet\", \"gps\": \"58.1333,12.1333\"}},"
        " {\"id\": 2, \"datetime\": \"2026-11-18 01:00:00 +01:00\", \"type\": \"Stöld\","
        " \"location\": {\"name\": \"Lilla Edet\", \"gps\": \"58.1333,12.1333\"}},"
        " {\"id\": 3, \"datetime\": \"2026-11-19 12:00:00 +01:00\", \"type\": \"Stöld\","
        " \"location\": {\"name\": \"Lilla Edet\", \"gps\": \"58.1333,12.1333\"}},"
        " {\"id\": 4, \"datetime\": \"2026-11-20 12:00:00 +01:00\", \"type\": \"Rån\","
        " \"location\": {\"name\": \"Lilla Edet\", \"gps\": \"58.1333,12.1333\"}},"
        " {\"id\": 5, \"datetime\": \"2026-11-12 12:00:00 +01:00\", \"type\": \"Rån\","
        " \"location\": {\"name\": \"Lilla Edet\", \"gps\": \"58.1333,12.1333\"}}]";
    char perr[256];
    int stored = 0;
    assert_int_equal(
        trygg_police_store_json(f->st, feed, strlen(feed), NULL, &stored, NULL, perr, sizeof perr),
        TRYGG_OK);
    assert_int_equal(stored, 5);
    trygg_place_ref torget, other;
    memset(&torget, 0, sizeof torget);
    snprintf(torget.area, sizeof torget.area, "centrum");
    snprintf(torget.label, sizeof torget.label, "Torget");
    other = torget;
    snprintf(other.area, sizeof other.area, "gota"); /* "Torget" in another area */
    assert_int_equal(trygg_police_place(f->st, 1, "torget", &torget, "sara", w.end), TRYGG_OK);
    assert_int_equal(trygg_police_place(f->st, 2, "torget", &torget, "sara", w.end), TRYGG_OK);
    assert_int_equal(trygg_police_place(f->st, 4, "x", &other, "sara", w.end), TRYGG_OK);
    assert_int_equal(trygg_police_place(f->st, 5, "torget", &torget, "sara", w.end), TRYGG_OK);
    /* id 3 stays without a place */
    trygg_report *r = NULL;
    assert_int_equal(trygg_report_build(f->st, &w, a, w.end + 3600, &r), TRYGG_OK);
    trygg_report_areas_free(a);
    free(a);
    assert_int_equal(r->police_total, 4);
    assert_int_equal(r->police_place_n[0], 2); /* torget: ids 1 and 2, not 5 (week before) */
    assert_int_equal(r->police_place_n[1], 0);
    assert_int_equal(r->police_place_n[2], 0); /* the centre: never */
    char dir[1024], msg[256];
    trygg_i18n *texts = NULL;
    assert_int_equal(trygg_asset_path("i18n/report", dir, sizeof dir), TRYGG_OK);
    assert_int_equal(trygg_i18n_load(dir, &texts, msg, sizeof msg), TRYGG_OK);
    char *html = render_with(r, 0, texts);
    char *m = map_of(html);
    assert_int_equal(count_of(m, "<path class=\"police\""), 1);
    assert_non_null(strstr(m, "data-police-place=\"torget\""));
    assert_null(strstr(m, "data-police-place=\"mitt\""));
    assert_non_null(strstr(m, "<title>Torget: 2 polishändelser kopplade för hand</title>"));
    assert_non_null(strstr(m, "class=\"legend-police\""));
    assert_non_null(strstr(m, ">Polisens händelse<tspan"));
    assert_non_null(strstr(m, ">kopplad till platsen för hand</tspan>"));
    assert_non_null(strstr(m, "Trianglar: polisens händelser"));
    /* The triangle stands over its place's dot: its left corner above the
     * dot's centre, clear of the square on the left and the label on the right. */
    const char *dot = strstr(m, "data-place=\"torget\" cx=\"");
    assert_non_null(dot);
    double cx = atof(dot + strlen("data-place=\"torget\" cx=\""));
    const char *cy_s = strstr(dot, "cy=\"");
    double cy = atof(cy_s + 4);
    const char *tri = strstr(m, "<path class=\"police\" d=\"M");
    double x1, y1, x2, y2, x3, y3;
    assert_int_equal(sscanf(tri + strlen("<path class=\"police\" d=\"M"), "%lf %lfL%lf %lfL%lf %lf",
                            &x1, &y1, &x2, &y2, &x3, &y3),
                     6);
    assert_true(x1 > cx - 2.1 && x1 < cx + 0.1 && x2 > cx && x3 > x1 && x3 < x2);
    assert_true(y1 < cy - 6 && y2 == y1 && y3 < y1);
    free(m);
    free(html);
    /* Published: no police event on the map. */
    html = render_with(r, 1, texts);
    m = map_of(html);
    assert_null(strstr(m, "class=\"police\""));
    assert_null(strstr(m, "data-police-place"));
    assert_null(strstr(m, "legend-police"));
    assert_null(strstr(m, "Trianglar"));
    free(m);
    free(html);
    trygg_i18n_free(texts);
    trygg_report_free(r);
}

/* A detailed GIS export (a ring of 20 000 points) is drawn with no more
 * points than the map has pixels along it, and still as one closed path. */
static void test_detailed_polygon(void **state)
{
    fixture *f = *state;
    size_t cap = 1u << 20;
    char *json = malloc(cap);
    assert_non_null(json);
    size_t n = (size_t)snprintf(json, cap,
                                "{\"type\": \"FeatureCollection\", \"features\": [{\"type\":"
                                " \"Feature\", \"properties\": {\"area\": \"centrum\"},"
                                " \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[");
    const int N = 20000;
    for (int i = 0; i <= N; i++) {
        double a = 2 * 3.14159265358979 * (i % N) / N;
        n += (size_t)snprintf(json + n, cap - n, "%s[%.7f, %.7f]", i ? ", " : "",
                              12.15 + 0.05 * __builtin_cos(a), 58.12 + 0.025 * __builtin_sin(a));
    }
    snprintf(json + n, cap - n, "]]}}]}");
    trygg_report_areas *a = calloc(1, sizeof *a);
    char err[700] = "";
    assert_int_equal(load_ini(f, "", json, a, err, sizeof err), TRYGG_OK);
    free(json);
    assert_int_equal(a->geo->npts, N + 1);
    trygg_report *r = calloc(1, sizeof *r);
    r->geo = trygg_geo_dup(a->geo);
    r->areas = *a;
    r->areas.geo = r->geo;
    r->areas.own_geo = NULL;
    trygg_report_areas_free(a);
    free(a);
    assert_int_equal(trygg_week_make(2026, 47, &r->week), TRYGG_OK);
    r->weeks[TRYGG_REPORT_CUR] = r->week;
    char *html = render(r, 0);
    char el[1 << 16];
    area_elem(html, "centrum", el, sizeof el);
    int segs = 0;
    for (const char *p = el; (p = strstr(p, " L")) != NULL; p++)
        segs++;
    assert_true(segs > 100); /* still a round shape */
    if (segs >= 4000)
        fail_msg("%d segments for 20 000 points", segs);
    assert_non_null(strstr(el, " Z\""));
    free(html);
    trygg_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_config_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_svg_shades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_svg_hidden_hatched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dot_radius_grows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_published_map_hides, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partner_events_on_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_police_on_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detailed_polygon, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
