/*
 * report_map.c — the situation picture's map as inline SVG, drawn by the
 * server from the area polygons and the place register (trygg/geo.h): no
 * tiles, nothing fetched. Made for paper like report_svg.c:
 *   - each area is one <path>, shaded by its count of the report week on a
 *     sequential scale of five greys (light = few, dark = many; class
 *     "shade-1" .. "shade-5", "shade-0" for none), its label and count
 *     written on it;
 *   - in the published view an area whose count is hidden ("<5", "x") is a
 *     neutral hatch (class "hatch") with its "<5"/"x" text, never a shade
 *     and never 0; the scale is made from the shown counts only;
 *   - each place is a dot whose area grows with its count (radius ~ square
 *     root); in the published view a place shows a count only when the
 *     most-reported places list shows it (trygg_report_place_cell), else it
 *     is a hollow ring without a number;
 *   - in the internal view only, the partners' events of the week at each
 *     place as a white square with a black border left of its dot (area
 *     grows with the count, the count under it): another shape than the
 *     citizens' black dots, so it reads in greyscale; the published view
 *     keeps partner events to their suppressed table;
 *   - in the internal view only, the police events a user attached to a
 *     place by hand (police_place_n) as a white triangle with a black
 *     border above its dot, the count beside it: a third shape. The feed's
 *     own position is only the municipality's centre, so an event without a
 *     place is never drawn (not at the centre either);
 *   - a legend of the shades, the hatch, the dot sizes and the squares, and
 *     a caption (the schematic default says it is schematic).
 */
#include "report_render.h"

#include "trygg/html.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define FONT    "font-family=\"Noto Sans, DejaVu Sans, Arial, sans-serif\""
#define MAP_W   430.0 /* the map's width; the legend is to its right */
#define SVG_W   660
#define PAD     10.0
#define NSHADES 5
#define R_MIN   3.0
#define R_MAX   14.0
#define S_MIN   5.0  /* a partner-event square's side for the smallest count */
#define S_MAX   22.0 /* ... and the largest (about the largest dot's area) */
#define T_SIDE  11.0 /* a police triangle's side */

/* Light to dark; each step darker in luminance too, so greyscale keeps the
 * order. [0] is "none" (internal view only: the published view never
 * draws a 0). */
static const char *const shade_fill[NSHADES + 1] = {"#ffffff", "#dfe5ec", "#b3c0cf",
                                                    "#8394aa", "#55677f", "#2b3a4f"};

typedef struct map_frame {
    double lon0, lat1, sx, sy; /* x = (lon - lon0) * sx + PAD, y = (lat1 - lat) * sy + PAD */
    int h;                     /* the map's height */
} map_frame;

static void frame_of(const trygg_geo *g, map_frame *f)
{
    double lo0 = 180, lo1 = -180, la0 = 90, la1 = -90;
    for (int i = 0; i < g->npts; i++) {
        lo0 = fmin(lo0, g->pts[2 * i]);
        lo1 = fmax(lo1, g->pts[2 * i]);
        la0 = fmin(la0, g->pts[2 * i + 1]);
        la1 = fmax(la1, g->pts[2 * i + 1]);
    }
    for (int i = 0; i < g->nplaces; i++) {
        lo0 = fmin(lo0, g->places[i].lon);
        lo1 = fmax(lo1, g->places[i].lon);
        la0 = fmin(la0, g->places[i].lat);
        la1 = fmax(la1, g->places[i].lat);
    }
    double k = cos((la0 + la1) / 2 * M_PI / 180); /* a degree of longitude is shorter */
    double w = fmax((lo1 - lo0) * k, 1e-6), h = fmax(la1 - la0, 1e-6);
    double s = (MAP_W - 2 * PAD) / w;
    if (h * s > 560)
        s = 560 / h; /* a tall municipality: fit the height instead */
    f->lon0 = lo0;
    f->lat1 = la1;
    f->sx = s * k;
    f->sy = s;
    f->h = (int)ceil(h * s + 2 * PAD);
}

static double px(const map_frame *f, double lon)
{
    return (lon - f->lon0) * f->sx + PAD;
}

static double py(const map_frame *f, double lat)
{
    return (f->lat1 - lat) * f->sy + PAD;
}

static int row_of(const trygg_report_table *t, const char *key)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].key, key) == 0)
            return i;
    return -1;
}

/* The scale runs from base + 1 to max: base is 0 in the internal view and
 * T - 1 in the published one, whose smallest shown count is T (a class of
 * "1-4" there would suggest counts it never shows). */
static int64_t scale_base(const trygg_rr_view *v)
{
    return v->o->suppress && v->T > 1 ? v->T - 1 : 0;
}

/* Shade class 1..5 of count n on the scale base+1 .. max (0 for n <= base). */
static int shade_of(int64_t n, int64_t base, int64_t max)
{
    if (n <= base || max <= base)
        return 0;
    int64_t span = max - base;
    int64_t k = ((n - base) * NSHADES + span - 1) / span; /* (k-1)/5 < (n-base)/span <= k/5 */
    return k > NSHADES ? NSHADES : (int)k;
}

/* An area's count and whether the view shows it. */
static int area_count(const trygg_rr_view *v, const char *id, int64_t *n)
{
    const trygg_report_table *t = &v->r->dim[TRYGG_DIM_AREA];
    int row = row_of(t, id);
    *n = row >= 0 ? t->rows[row].n[CUR] : 0;
    if (!v->o->suppress)
        return 1;
    return row >= 0 && v->c.dim[TRYGG_DIM_AREA].cur[row] == TRYGG_CELL_SHOWN;
}

/* A place's count and whether the view shows it. */
static int place_count(const trygg_rr_view *v, int i, int64_t *n)
{
    *n = v->r->place_n[i];
    return !v->o->suppress || trygg_report_place_cell(v->r, &v->c, i) == TRYGG_CELL_SHOWN;
}

static trygg_err area_path(trygg_buf *b, const map_frame *f, const trygg_geo *g,
                           const trygg_geo_area *a)
{
    TRY(trygg_buf_puts(b, " d=\""));
    for (int r = a->ring0; r < a->ring0 + a->nrings; r++) {
        const trygg_geo_ring *ring = &g->rings[r];
        double lx = 0, ly = 0;
        for (int i = 0; i < ring->n - 1; i++) {
            const double *p = &g->pts[2 * (ring->first + i)];
            double x = px(f, p[0]), y = py(f, p[1]);
            /* a GIS export has far more points than the map has pixels:
             * a point within a pixel of the last one drawn adds nothing */
            if (i && fabs(x - lx) < 1.0 && fabs(y - ly) < 1.0)
                continue;
            TRY(trygg_buf_printf(b, "%s%.1f %.1f", i ? " L" : "M", x, y));
            lx = x;
            ly = y;
        }
        TRY(trygg_buf_puts(b, " Z"));
    }
    return trygg_buf_puts(b, "\"");
}

/* Where an area's label goes: the top middle of its largest ring's box
 * (the places are drawn in the areas, usually away from their edges). */
static void label_point(const map_frame *f, const trygg_geo *g, const trygg_geo_area *a, double *x,
                        double *y)
{
    double best = -1;
    *x = *y = 0;
    for (int r = a->ring0; r < a->ring0 + a->nrings; r++) {
        const trygg_geo_ring *ring = &g->rings[r];
        double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
        for (int i = 0; i < ring->n; i++) {
            double qx = px(f, g->pts[2 * (ring->first + i)]);
            double qy = py(f, g->pts[2 * (ring->first + i) + 1]);
            x0 = fmin(x0, qx), x1 = fmax(x1, qx), y0 = fmin(y0, qy), y1 = fmax(y1, qy);
        }
        if ((x1 - x0) * (y1 - y0) > best) {
            best = (x1 - x0) * (y1 - y0);
            *x = (x0 + x1) / 2;
            *y = y0 + 16;
        }
    }
}

/* The text of an area's count in the view: the number, "<T" or "x". */
static int area_text(const trygg_rr_view *v, const char *id, int64_t *n, char *txt, size_t cap)
{
    int shown = area_count(v, id, n);
    int row = row_of(&v->r->dim[TRYGG_DIM_AREA], id);
    trygg_cell s = shown || row < 0 ? TRYGG_CELL_SHOWN : v->c.dim[TRYGG_DIM_AREA].cur[row];
    if (!shown && row < 0)
        s = TRYGG_CELL_WITHHELD;
    trygg_suppress_text(*n, s, v->T, txt, cap);
    return shown;
}

static trygg_err draw_area_label(trygg_buf *b, const trygg_rr_view *v, const map_frame *f,
                                 const trygg_geo_area *a)
{
    int64_t n;
    char lb[160], txt[32];
    int shown = area_text(v, a->id, &n, txt, sizeof txt);
    double x, y;
    label_point(f, v->r->geo, a, &x, &y);
    TRY(trygg_buf_printf(b,
                         "<text class=\"area-label\" x=\"%.1f\" y=\"%.1f\""
                         " text-anchor=\"middle\" font-size=\"12\" stroke=\"#fff\""
                         " stroke-width=\"3\" paint-order=\"stroke\" fill=\"#000\">"
                         "<tspan font-weight=\"bold\">",
                         x, y));
    TRY(trygg_html_esc(b, trygg_rr_area_label(v, a->id, lb, sizeof lb)));
    TRY(trygg_buf_printf(b, "</tspan><tspan x=\"%.1f\" dy=\"14\"%s>", x,
                         shown ? "" : " font-style=\"italic\""));
    TRY(trygg_html_esc(b, txt));
    return trygg_buf_puts(b, "</tspan></text>");
}

static trygg_err draw_areas(trygg_buf *b, const trygg_rr_view *v, const map_frame *f, int64_t max)
{
    const trygg_geo *g = v->r->geo;
    for (int i = 0; i < g->nareas; i++) {
        const trygg_geo_area *a = &g->areas[i];
        int64_t n;
        char lb[160], txt[32];
        int shown = area_text(v, a->id, &n, txt, sizeof txt);
        int k = shade_of(n, scale_base(v), max);
        if (shown)
            TRY(trygg_buf_printf(b, "<path class=\"area shade-%d\" fill=\"%s\"", k, shade_fill[k]));
        else
            TRY(trygg_buf_puts(b, "<path class=\"area hatch\" fill=\"url(#trygg-map-hatch)\""));
        TRY(trygg_buf_puts(b, " stroke=\"#000\" stroke-width=\"1\" data-area=\""));
        TRY(trygg_html_esc(b, a->id));
        TRY(trygg_buf_puts(b, "\""));
        TRY(area_path(b, f, g, a));
        TRY(trygg_buf_puts(b, "><title>"));
        TRY(trygg_html_esc(b, trygg_rr_area_label(v, a->id, lb, sizeof lb)));
        TRY(trygg_buf_puts(b, ": "));
        TRY(trygg_html_esc(b, txt));
        TRY(trygg_buf_puts(b, "</title></path>"));
    }
    /* Labels after all areas, so no neighbour is drawn over them. */
    for (int i = 0; i < g->nareas; i++)
        TRY(draw_area_label(b, v, f, &g->areas[i]));
    return TRYGG_OK;
}

/* The radius of a dot for count n when the largest shown count is max:
 * its area grows with the count. */
static double dot_r(int64_t n, int64_t max)
{
    if (n <= 0 || max <= 0)
        return 2.5;
    return R_MIN + (R_MAX - R_MIN) * sqrt((double)n / (double)max);
}

static trygg_err draw_places(trygg_buf *b, const trygg_rr_view *v, const map_frame *f, int64_t max)
{
    const trygg_geo *g = v->r->geo;
    for (int i = 0; i < g->nplaces; i++) {
        const trygg_place *p = &g->places[i];
        int64_t n;
        int shown = place_count(v, i, &n);
        double x = px(f, p->lon), y = py(f, p->lat), r = shown ? dot_r(n, max) : 4.0;
        TRY(trygg_buf_puts(b, "<circle class=\"place"));
        TRY(trygg_buf_puts(b, !shown ? " hidden" : n == 0 ? " none" : ""));
        TRY(trygg_buf_puts(b, "\" data-place=\""));
        TRY(trygg_html_esc(b, p->id));
        TRY(trygg_buf_printf(b, "\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"", x, y, r));
        if (shown && n > 0)
            TRY(trygg_buf_puts(b, " fill=\"#000\" stroke=\"#fff\" stroke-width=\"1.5\""));
        else
            TRY(trygg_buf_printf(b, " fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.2\"%s",
                                 shown ? "" : " stroke-dasharray=\"2 1.5\""));
        TRY(trygg_buf_puts(b, "><title>"));
        TRY(trygg_html_esc(b, p->label));
        if (shown)
            TRY(trygg_buf_printf(b, ": %lld", (long long)n));
        TRY(trygg_buf_printf(b,
                             "</title></circle><text class=\"place-label\" x=\"%.1f\" y=\"%.1f\""
                             " font-size=\"10\" stroke=\"#fff\" stroke-width=\"2.5\""
                             " paint-order=\"stroke\">",
                             x + r + 2, y + 3.5));
        TRY(trygg_html_esc(b, p->label));
        if (shown && n > 0)
            TRY(trygg_buf_printf(b, " (%lld)", (long long)n));
        TRY(trygg_buf_puts(b, "</text>"));
    }
    return TRYGG_OK;
}

/* The side of a partner-event square for count n when the largest is max. */
static double square_side(int64_t n, int64_t max)
{
    if (n <= 0 || max <= 0)
        return S_MIN;
    return S_MIN + (S_MAX - S_MIN) * sqrt((double)n / (double)max);
}

/* The partners' events at each place (internal view; emax > 0). */
static trygg_err draw_events(trygg_buf *b, const trygg_rr_view *v, const map_frame *f, int64_t pmax,
                             int64_t emax)
{
    const trygg_geo *g = v->r->geo;
    for (int i = 0; i < g->nplaces; i++) {
        int64_t e = v->r->event_place_n[i], n;
        if (e <= 0)
            continue;
        const trygg_place *p = &g->places[i];
        int shown = place_count(v, i, &n);
        double r = shown ? dot_r(n, pmax) : 4.0, side = square_side(e, emax);
        double cx = px(f, p->lon) - r - 2 - side / 2, cy = py(f, p->lat);
        char num[24], title[200];
        snprintf(num, sizeof num, "%lld", (long long)e);
        const char *names[] = {"place", "n", NULL}, *vals[] = {p->label, num, NULL};
        if (trygg_i18n_format(trygg_rr_tr(v->o, "report.map_events_title"), names, vals, title,
                              sizeof title) != TRYGG_OK)
            snprintf(title, sizeof title, "%s: %s", p->label, num);
        TRY(trygg_buf_puts(b, "<rect class=\"event\" data-event-place=\""));
        TRY(trygg_html_esc(b, p->id));
        TRY(trygg_buf_printf(b,
                             "\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                             " fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.5\"><title>",
                             cx - side / 2, cy - side / 2, side, side));
        TRY(trygg_html_esc(b, title));
        TRY(trygg_buf_printf(b,
                             "</title></rect><text class=\"event-count\" x=\"%.1f\" y=\"%.1f\""
                             " font-size=\"9\" text-anchor=\"middle\" stroke=\"#fff\""
                             " stroke-width=\"2.5\" paint-order=\"stroke\">%s</text>",
                             cx, cy + side / 2 + 9, num));
    }
    return TRYGG_OK;
}

/* An upward triangle of side T_SIDE whose base centre is (cx, by). */
static trygg_err triangle(trygg_buf *b, const char *cls, double cx, double by)
{
    double h = T_SIDE * 0.866;
    return trygg_buf_printf(b,
                            "<path class=\"%s\" d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\""
                            " fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.5\"",
                            cls, cx - T_SIDE / 2, by, cx + T_SIDE / 2, by, cx, by - h);
}

/* The police events attached by hand at each place (internal view; a
 * place without any has none; the municipality's centre is never used). */
static trygg_err draw_police(trygg_buf *b, const trygg_rr_view *v, const map_frame *f, int64_t pmax)
{
    const trygg_geo *g = v->r->geo;
    for (int i = 0; i < g->nplaces; i++) {
        int64_t e = v->r->police_place_n[i], n;
        if (e <= 0)
            continue;
        const trygg_place *p = &g->places[i];
        int shown = place_count(v, i, &n);
        double r = shown ? dot_r(n, pmax) : 4.0;
        /* above the dot, its left corner over the dot's centre: clear of the
         * partners' square (left of the dot) and of the label (right) */
        double cx = px(f, p->lon) + T_SIDE / 2 - 2, by = py(f, p->lat) - fmax(r + 2, 7);
        char num[24], title[200];
        snprintf(num, sizeof num, "%lld", (long long)e);
        const char *names[] = {"place", "n", NULL}, *vals[] = {p->label, num, NULL};
        if (trygg_i18n_format(trygg_rr_tr(v->o, "report.map_police_title"), names, vals, title,
                              sizeof title) != TRYGG_OK)
            snprintf(title, sizeof title, "%s: %s", p->label, num);
        TRY(triangle(b, "police", cx, by));
        TRY(trygg_buf_puts(b, " data-police-place=\""));
        TRY(trygg_html_esc(b, p->id));
        TRY(trygg_buf_puts(b, "\"><title>"));
        TRY(trygg_html_esc(b, title));
        TRY(trygg_buf_printf(b,
                             "</title></path><text class=\"police-count\" x=\"%.1f\" y=\"%.1f\""
                             " font-size=\"9\" stroke=\"#fff\" stroke-width=\"2.5\""
                             " paint-order=\"stroke\">%s</text>",
                             cx + T_SIDE / 2 + 2, by - 1, num));
    }
    return TRYGG_OK;
}

/* The triangles' legend entry (internal view with placed police events). */
static trygg_err legend_police(trygg_buf *b, const trygg_rr_view *v, double x, double *y)
{
    *y += 6;
    TRY(triangle(b, "legend-police", x + 14, *y + T_SIDE));
    TRY(trygg_buf_printf(b, "/><text x=\"%.0f\" y=\"%.1f\">", x + 36, *y + T_SIDE - 1));
    TRY(trygg_html_esc(b, trygg_rr_tr(v->o, "report.map_legend_police")));
    TRY(trygg_buf_printf(b, "<tspan x=\"%.0f\" dy=\"13\">", x + 36));
    TRY(trygg_html_esc(b, trygg_rr_tr(v->o, "report.map_legend_police_how")));
    TRY(trygg_buf_puts(b, "</tspan></text>"));
    *y += T_SIDE + 21;
    return TRYGG_OK;
}

/* The squares' legend entry (internal view with events): two sizes. */
static trygg_err legend_events(trygg_buf *b, const trygg_rr_view *v, int64_t emax, double x,
                               double *y)
{
    *y += 14;
    TRY(trygg_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">", x, *y));
    TRY(trygg_html_esc(b, trygg_rr_tr(v->o, "report.map_legend_events")));
    TRY(trygg_buf_puts(b, "</text>"));
    *y += 8;
    int64_t sizes[2] = {emax, 1};
    for (int i = 0; i < 2; i++) {
        if (i && sizes[i] >= sizes[0])
            continue;
        double side = square_side(sizes[i], emax);
        TRY(trygg_buf_printf(b,
                             "<rect class=\"legend-event\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                             " height=\"%.1f\" fill=\"#fff\" stroke=\"#000\""
                             " stroke-width=\"1.5\"/><text x=\"%.0f\" y=\"%.1f\">%lld</text>",
                             x + 14 - side / 2, *y + S_MAX / 2 - side / 2, side, side, x + 36,
                             *y + S_MAX / 2 + 4, (long long)sizes[i]));
        *y += (i == 0 ? S_MAX : side) + 6;
    }
    return TRYGG_OK;
}

static trygg_err legend_swatch(trygg_buf *b, double x, double y, const char *fill, const char *cls,
                               const char *text)
{
    TRY(trygg_buf_printf(b,
                         "<rect class=\"legend %s\" x=\"%.0f\" y=\"%.0f\" width=\"22\""
                         " height=\"14\" fill=\"%s\" stroke=\"#000\"/><text x=\"%.0f\""
                         " y=\"%.0f\">",
                         cls, x, y, fill, x + 30, y + 11));
    TRY(trygg_html_esc(b, text));
    return trygg_buf_puts(b, "</text>");
}

/* 1 when the internal view has a police event attached to a map place. */
static int police_any(const trygg_rr_view *v)
{
    for (int i = 0; !v->o->suppress && i < v->r->geo->nplaces; i++)
        if (v->r->police_place_n[i] > 0)
            return 1;
    return 0;
}

/* The legend of the shades (ranges of counts), the hatch and the dots;
 * returns its height through *h. */
static trygg_err draw_legend(trygg_buf *b, const trygg_rr_view *v, int64_t amax, int64_t pmax,
                             int64_t emax, int *h)
{
    const trygg_report_opts *o = v->o;
    double x = MAP_W + 14, y = 14;
    TRY(trygg_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">", x, y));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.map_legend_areas")));
    TRY(trygg_buf_puts(b, "</text>"));
    y += 10;
    if (!o->suppress) {
        TRY(legend_swatch(b, x, y, shade_fill[0], "shade-0", "0"));
        y += 20;
    }
    int64_t base = scale_base(v), span = amax - base;
    for (int k = 1; k <= NSHADES && span > 0; k++) {
        int64_t lo = base + (k - 1) * span / NSHADES + 1, hi = base + k * span / NSHADES;
        if (lo > hi)
            continue;
        char txt[48], cls[16];
        if (lo == hi)
            snprintf(txt, sizeof txt, "%lld", (long long)lo);
        else
            snprintf(txt, sizeof txt, "%lld–%lld", (long long)lo, (long long)hi);
        snprintf(cls, sizeof cls, "shade-%d", k);
        TRY(legend_swatch(b, x, y, shade_fill[k], cls, txt));
        y += 20;
    }
    if (o->suppress) {
        char t[16], msg[160];
        snprintf(t, sizeof t, "%d", v->T);
        const char *names[] = {"t", NULL}, *vals[] = {t, NULL};
        const char *hatch = trygg_rr_tr(o, "report.map_legend_hidden");
        if (trygg_i18n_format(hatch, names, vals, msg, sizeof msg) == TRYGG_OK)
            hatch = msg;
        TRY(legend_swatch(b, x, y, "url(#trygg-map-hatch)", "hatch", hatch));
        y += 20;
    }
    y += 14;
    TRY(trygg_buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">", x, y));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.map_legend_places")));
    TRY(trygg_buf_puts(b, "</text>"));
    y += 8;
    int64_t least = base + 1 < pmax ? base + 1 : pmax; /* published: no dot below T */
    int64_t sizes[3] = {pmax, (pmax + least + 1) / 2, least};
    for (int i = 0; i < 3 && pmax > 0; i++) {
        if (i && sizes[i] >= sizes[i - 1])
            continue;
        double r = dot_r(sizes[i], pmax);
        TRY(trygg_buf_printf(b,
                             "<circle class=\"legend-dot\" cx=\"%.0f\" cy=\"%.1f\" r=\"%.1f\""
                             " fill=\"#000\"/><text x=\"%.0f\" y=\"%.1f\">%lld</text>",
                             x + 14, y + R_MAX, r, x + 36, y + R_MAX + 4, (long long)sizes[i]));
        y += 2 * r + 6;
    }
    y += 4;
    TRY(trygg_buf_printf(b,
                         "<circle cx=\"%.0f\" cy=\"%.1f\" r=\"4\" fill=\"#fff\" stroke=\"#000\""
                         " stroke-dasharray=\"2 1.5\"/><text x=\"%.0f\" y=\"%.1f\">",
                         x + 14, y + 8, x + 36, y + 12));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, o->suppress ? "report.map_legend_place_hidden"
                                                     : "report.map_legend_place_none")));
    TRY(trygg_buf_puts(b, "</text>"));
    y += 16;
    if (emax > 0)
        TRY(legend_events(b, v, emax, x, &y));
    if (police_any(v))
        TRY(legend_police(b, v, x, &y));
    *h = (int)(y + 8);
    return TRYGG_OK;
}

/* The largest shown count of the areas and of the places (the scales are
 * made from what the view shows, so a hidden count never sets them). */
static void map_max(const trygg_rr_view *v, int64_t *amax, int64_t *pmax, int64_t *emax)
{
    const trygg_geo *g = v->r->geo;
    *amax = *pmax = *emax = 0;
    for (int i = 0; !v->o->suppress && i < g->nplaces; i++)
        if (v->r->event_place_n[i] > *emax)
            *emax = v->r->event_place_n[i];
    for (int i = 0; i < g->nareas; i++) {
        int64_t n;
        if (area_count(v, g->areas[i].id, &n) && n > *amax)
            *amax = n;
    }
    for (int i = 0; i < g->nplaces; i++) {
        int64_t n;
        if (place_count(v, i, &n) && n > *pmax)
            *pmax = n;
    }
}

trygg_err trygg_rr_map(trygg_buf *b, const trygg_rr_view *v)
{
    const trygg_geo *g = v->r->geo;
    const trygg_report_opts *o = v->o;
    if (!g || (g->nareas == 0 && g->nplaces == 0))
        return TRYGG_OK;
    map_frame f;
    frame_of(g, &f);
    int64_t amax, pmax, emax;
    map_max(v, &amax, &pmax, &emax);
    /* The legend is drawn first into its own buffer to learn its height. */
    trygg_buf leg;
    trygg_buf_init(&leg, 64 * 1024);
    int lh = 0;
    trygg_err e = draw_legend(&leg, v, amax, pmax, emax, &lh);
    if (e) {
        trygg_buf_free(&leg);
        return e;
    }
    int h = f.h > lh ? f.h : lh;
    TRY(trygg_buf_puts(b, "<section id=\"map\" aria-labelledby=\"h-map\"><h2 id=\"h-map\">"));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.map")));
    TRY(trygg_buf_printf(b,
                         "</h2><figure class=\"map\"><svg class=\"chart map\" role=\"img\""
                         " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" " FONT
                         " font-size=\"11\"><title>",
                         SVG_W, h, SVG_W, h));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.map")));
    TRY(trygg_buf_puts(b, "</title><defs><pattern id=\"trygg-map-hatch\""
                          " patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\""
                          " patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\""
                          " fill=\"#fff\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\""
                          " stroke=\"#777\" stroke-width=\"2\"/></pattern></defs>"));
    TRY(draw_areas(b, v, &f, amax));
    if (emax > 0)
        TRY(draw_events(b, v, &f, pmax, emax));
    TRY(draw_places(b, v, &f, pmax));
    if (police_any(v))
        TRY(draw_police(b, v, &f, pmax));
    e = trygg_buf_puts(b, trygg_buf_str(&leg));
    trygg_buf_free(&leg);
    TRY(e);
    TRY(trygg_buf_puts(b, "</svg><figcaption class=\"caption\">"));
    TRY(trygg_html_esc(b, trygg_rr_tr(o, o->map_caption ? o->map_caption
                                         : o->suppress  ? "report.map_caption"
                                                        : "report.map_caption_internal")));
    if (police_any(v)) {
        TRY(trygg_buf_puts(b, " "));
        TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.map_caption_police")));
    }
    if (g->schematic) {
        TRY(trygg_buf_puts(b, " <strong>"));
        TRY(trygg_html_esc(b, trygg_rr_tr(o, "report.map_schematic")));
        TRY(trygg_buf_puts(b, "</strong>"));
    }
    return trygg_buf_puts(b, "</figcaption></figure></section>");
}
