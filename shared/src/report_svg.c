/*
 * report_svg.c — the situation picture's charts as inline SVG, drawn in
 * plain C. Made for paper: black, greys and text. Every bar, point and cell
 * carries its number as text, so nothing is told by colour alone; series
 * differ by marker shape and dash pattern; suppressed cells show their
 * "<3"/"x" text and a dashed outline instead of a value, except in a trend
 * line, where a suppressed week is a gap (no point, the line broken, a
 * faint dotted rule) explained in the chart's legend — never a point at 0.
 */
#include "report_render.h"
#include "trygg/utf8.h"

#include "trygg/html.h"

#include <stdio.h>

#define FONT "font-family=\"Noto Sans, DejaVu Sans, Arial, sans-serif\""

static void cell_text(int64_t v, const trygg_cell *state, int i, int threshold, char *out,
                      size_t cap)
{
    trygg_suppress_text(v, state ? state[i] : TRYGG_CELL_SHOWN, threshold, out, cap);
}

static int shown(const trygg_cell *state, int i)
{
    return !state || state[i] == TRYGG_CELL_SHOWN;
}

trygg_err trygg_svg_bars(trygg_buf *b, const char *title, const char *const *labels,
                         const int64_t *v, const trygg_cell *state, int n, int threshold)
{
    /* The label column fits the longest label ("Narkotika (sprutor,
     * försäljning)"): about 7.4 px per character at 13 px, never clipped. */
    size_t longest = 0;
    for (int i = 0; i < n; i++) {
        size_t len = trygg_utf8_len(labels[i]);
        if (len > longest)
            longest = len;
    }
    int label_w = 16 + (int)(longest * 74 / 10);
    if (label_w < 190)
        label_w = 190;
    if (label_w > 330)
        label_w = 330;
    const int bar_w = 640 - label_w - 70, row_h = 22, top = 8;
    int64_t max = 1;
    for (int i = 0; i < n; i++)
        if (shown(state, i) && v[i] > max)
            max = v[i];
    int h = top + n * row_h + 8;
    TRY(trygg_buf_printf(
        b,
        "<svg class=\"chart bars\" role=\"img\" viewBox=\"0 0 640 %d\" width=\"640\""
        " height=\"%d\" " FONT " font-size=\"13\"><title>",
        h, h));
    TRY(trygg_html_esc(b, title));
    TRY(trygg_buf_puts(b, "</title>"));
    for (int i = 0; i < n; i++) {
        int y = top + i * row_h;
        char txt[32];
        cell_text(v[i], state, i, threshold, txt, sizeof txt);
        TRY(trygg_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 8,
                             y + 15));
        TRY(trygg_html_esc(b, labels[i]));
        TRY(trygg_buf_puts(b, "</text>"));
        if (shown(state, i)) {
            int w = (int)(v[i] * bar_w / max);
            if (v[i] > 0 && w < 2)
                w = 2;
            TRY(trygg_buf_printf(
                b,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#4a4a4a\"/>"
                "<text x=\"%d\" y=\"%d\">%s</text>",
                label_w, y + 2, w, label_w + w + 6, y + 15, txt));
        } else {
            TRY(trygg_buf_printf(b,
                                 "<rect x=\"%d\" y=\"%d\" width=\"24\" height=\"16\" fill=\"none\""
                                 " stroke=\"#000\" stroke-dasharray=\"3 2\"/>"
                                 "<text x=\"%d\" y=\"%d\" font-style=\"italic\">",
                                 label_w, y + 2, label_w + 30, y + 15));
            TRY(trygg_html_esc(b, txt));
            TRY(trygg_buf_puts(b, "</text>"));
        }
    }
    return trygg_buf_puts(b, "</svg>");
}

static trygg_err marker(trygg_buf *b, int shape, double x, double y, int hollow)
{
    const char *fill = hollow ? "#fff" : "#000";
    switch (shape % 4) {
    case 0:
        TRY(trygg_buf_printf(
            b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"#000\"/>", x, y,
            fill));
        break;
    case 1:
        TRY(trygg_buf_printf(b,
                             "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"%s\""
                             " stroke=\"#000\"/>",
                             x - 4, y - 4, fill));
        break;
    case 2:
        TRY(trygg_buf_printf(
            b, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"%s\" stroke=\"#000\"/>", x,
            y - 5, x + 5, y + 4, x - 5, y + 4, fill));
        break;
    default:
        TRY(trygg_buf_printf(b,
                             "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"%s\""
                             " stroke=\"#000\"/>",
                             x, y - 5, x + 5, y, x, y + 5, x - 5, y, fill));
    }
    return TRYGG_OK;
}

/* Where a trend chart draws: the plot's left edge, top and height, the
 * chart's height, the step between points and the value at the top. */
typedef struct trend_geo {
    int left, top, plot_h, h;
    double step;
    int64_t max;
} trend_geo;

/* One series of a trend chart: its line (broken at suppressed points), a
 * marker and the text of every point, and its label under the chart when
 * there are several. */
static trygg_err trend_series(trygg_buf *b, const trygg_svg_series *s, int k, int ns,
                              const trend_geo *g, int threshold)
{
    static const char *const dash[] = {"", " stroke-dasharray=\"6 3\"", " stroke-dasharray=\"2 3\"",
                                       " stroke-dasharray=\"8 3 2 3\""};
    int open = 0;
    for (int i = 0; i < s->n; i++) {
        if (!shown(s->state, i)) {
            if (open)
                TRY(trygg_buf_puts(b, "\"/>"));
            open = 0;
            continue;
        }
        double x = g->left + i * g->step;
        double y = g->top + g->plot_h - (double)s->v[i] * g->plot_h / g->max;
        if (!open) {
            TRY(trygg_buf_printf(b,
                                 "<polyline fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\"%s"
                                 " points=\"",
                                 dash[k % 4]));
            open = 1;
        }
        TRY(trygg_buf_printf(b, "%.1f,%.1f ", x, y));
    }
    if (open)
        TRY(trygg_buf_puts(b, "\"/>"));
    for (int i = 0; i < s->n; i++) {
        if (!shown(s->state, i))
            continue; /* a gap: drawn once per week by trend_gaps */
        char txt[32];
        cell_text(s->v[i], s->state, i, threshold, txt, sizeof txt);
        double x = g->left + i * g->step;
        double y = g->top + g->plot_h - (double)s->v[i] * g->plot_h / g->max;
        TRY(marker(b, k, x, y, 0));
        TRY(trygg_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x, y - 7));
        TRY(trygg_html_esc(b, txt));
        TRY(trygg_buf_puts(b, "</text>"));
    }
    if (!s->label || ns < 2)
        return TRYGG_OK;
    TRY(trygg_buf_printf(b, "<text x=\"%d\" y=\"%d\">", g->left + k * 110, g->h - 6));
    TRY(trygg_html_esc(b, s->label));
    return trygg_buf_puts(b, "</text>");
}

/* The weeks where some series has no published value: a faint dotted rule
 * across the plot (class "gap"), so the break in the line reads as "not
 * shown" on paper; returns in *any whether there was one. */
static trygg_err trend_gaps(trygg_buf *b, const trygg_svg_series *s, int ns, int npts,
                            const trend_geo *g, int *any)
{
    *any = 0;
    for (int i = 0; i < npts; i++) {
        int gap = 0;
        for (int k = 0; k < ns; k++)
            if (i < s[k].n && !shown(s[k].state, i))
                gap = 1;
        if (!gap)
            continue;
        *any = 1;
        double x = g->left + i * g->step;
        TRY(trygg_buf_printf(b,
                             "<line class=\"gap\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
                             " stroke=\"#999\" stroke-dasharray=\"1 3\"/>",
                             x, g->top, x, g->top + g->plot_h));
    }
    return TRYGG_OK;
}

/* The legend of the gaps: a line, a break, a line, and what a break means. */
static trygg_err trend_gap_legend(trygg_buf *b, const trend_geo *g, int y, const char *note)
{
    int x = g->left;
    TRY(trygg_buf_printf(b,
                         "<g class=\"gap-legend\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
                         " stroke=\"#000\" stroke-width=\"1.5\"/><line x1=\"%d\" y1=\"%d\""
                         " x2=\"%d\" y2=\"%d\" stroke=\"#999\" stroke-dasharray=\"1 3\"/>"
                         "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\""
                         " stroke-width=\"1.5\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">",
                         x, y - 4, x + 12, y - 4, x + 18, y - 10, x + 18, y + 2, x + 24, y - 4,
                         x + 36, y - 4, x + 42, y));
    TRY(trygg_html_esc(b, note));
    return trygg_buf_puts(b, "</text></g>");
}

trygg_err trygg_svg_trend(trygg_buf *b, const char *title, const char *const *xlabels,
                          const trygg_svg_series *s, int ns, int threshold, const char *gap_note)
{
    const int right = 14, w = 440;
    trend_geo g = {.left = 50, .top = 34, .plot_h = 100, .max = threshold > 1 ? threshold : 1};
    int npts = 0;
    for (int k = 0; k < ns; k++) {
        if (s[k].n > npts)
            npts = s[k].n;
        for (int i = 0; i < s[k].n; i++)
            if (shown(s[k].state, i) && s[k].v[i] > g.max)
                g.max = s[k].v[i];
    }
    if (npts < 2)
        npts = 2;
    int gaps = 0;
    for (int k = 0; k < ns; k++)
        for (int i = 0; i < s[k].n; i++)
            gaps |= !shown(s[k].state, i);
    g.h = g.top + g.plot_h + 44 + (gaps && gap_note ? 18 : 0);
    g.step = (double)(w - g.left - right) / (npts - 1);
    TRY(trygg_buf_printf(
        b,
        "<svg class=\"chart trend\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\""
        " height=\"%d\" " FONT " font-size=\"12\"><title>",
        w, g.h, w, g.h));
    TRY(trygg_html_esc(b, title));
    TRY(trygg_buf_puts(b, "</title>"));
    TRY(trygg_buf_printf(b, "<text x=\"%d\" y=\"15\" font-size=\"14\" font-weight=\"bold\">",
                         g.left));
    TRY(trygg_html_esc(b, title));
    TRY(trygg_buf_puts(b, "</text>"));
    /* Axes and the 0 / max grid lines with their numbers. */
    int bottom = g.top + g.plot_h;
    TRY(trygg_buf_printf(b,
                         "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>"
                         "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#bbb\""
                         " stroke-dasharray=\"2 2\"/>"
                         "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>"
                         "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld</text>",
                         g.left, bottom, w - right, bottom, g.left, g.top, w - right, g.top,
                         g.left - 16, bottom + 4, g.left - 16, g.top + 4, (long long)g.max));
    for (int i = 0; i < npts; i++) {
        if (!xlabels || !xlabels[i])
            continue;
        TRY(trygg_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
                             g.left + i * g.step, bottom + 16));
        TRY(trygg_html_esc(b, xlabels[i]));
        TRY(trygg_buf_puts(b, "</text>"));
    }
    int any = 0;
    TRY(trend_gaps(b, s, ns, npts, &g, &any));
    for (int k = 0; k < ns; k++)
        TRY(trend_series(b, &s[k], k, ns, &g, threshold));
    if (any && gap_note)
        TRY(trend_gap_legend(b, &g, g.h - 6, gap_note));
    return trygg_buf_puts(b, "</svg>");
}

trygg_err trygg_svg_heat(trygg_buf *b, const char *title, const char *const *rowlabels,
                         const char *const *collabels, const int64_t *v, const trygg_cell *state,
                         int rows, int cols, int threshold)
{
    const int left = 70, top = 24, cw = 88, ch = 30;
    int64_t max = 1;
    for (int i = 0; i < rows * cols; i++)
        if (shown(state, i) && v[i] > max)
            max = v[i];
    int w = left + cols * cw + 4, h = top + rows * ch + 4;
    TRY(trygg_buf_printf(b,
                         "<svg class=\"chart heat\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\""
                         " height=\"%d\" " FONT " font-size=\"13\"><title>",
                         w, h, w, h));
    TRY(trygg_html_esc(b, title));
    TRY(trygg_buf_puts(b, "</title>"));
    for (int c = 0; c < cols; c++) {
        TRY(trygg_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
                             left + c * cw + cw / 2, top - 8));
        TRY(trygg_html_esc(b, collabels[c]));
        TRY(trygg_buf_puts(b, "</text>"));
    }
    for (int r = 0; r < rows; r++) {
        int y = top + r * ch;
        TRY(trygg_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 8,
                             y + ch / 2 + 5));
        TRY(trygg_html_esc(b, rowlabels[r]));
        TRY(trygg_buf_puts(b, "</text>"));
        for (int c = 0; c < cols; c++) {
            int i = r * cols + c, x = left + c * cw;
            char txt[32];
            cell_text(v[i], state, i, threshold, txt, sizeof txt);
            if (shown(state, i)) {
                /* Grey level 245 (none) .. 40 (max); white text on dark cells. */
                int g = 245 - (int)(v[i] * 205 / max);
                TRY(trygg_buf_printf(b,
                                     "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
                                     " fill=\"rgb(%d,%d,%d)\" stroke=\"#fff\"/>"
                                     "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">%s"
                                     "</text>",
                                     x, y, cw, ch, g, g, g, x + cw / 2, y + ch / 2 + 5,
                                     g < 140 ? "#fff" : "#000", txt));
            } else {
                TRY(trygg_buf_printf(
                    b,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\""
                    " stroke=\"#999\" stroke-dasharray=\"3 2\"/>"
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\""
                    " font-style=\"italic\">",
                    x + 1, y + 1, cw - 2, ch - 2, x + cw / 2, y + ch / 2 + 5));
                TRY(trygg_html_esc(b, txt));
                TRY(trygg_buf_puts(b, "</text>"));
            }
        }
    }
    return trygg_buf_puts(b, "</svg>");
}
