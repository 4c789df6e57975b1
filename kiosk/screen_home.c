/* screen_home.c — the home screen: the title, the language buttons and the
 * nine tiles (issue 16: nine tiles that fit).
 *
 * Every tile shows its title and its description. The texts are measured
 * with the renderer's fonts (layout_measure) and wrapped to the tile; one
 * pair of font sizes is used for all tiles (tiles look alike): the largest
 * of tile_sizes[] at which every tile's text fits, never below the last
 * pair, the floor (30 and 24 font units: 24 px at 1080 px is the smallest
 * size WCAG counts as large text). Rows take the height their texts need,
 * and the rest is shared out. A text box is exactly as high as its wrapped
 * lines, so the renderer neither shrinks nor clips it (its "fit" in the
 * screenshot JSON stays "ok"; kiosk_screens checks every tile in every
 * language and size). Only when even the floor does not fit are the
 * descriptions left out (the titles stay; the voice still reads them): with
 * "Större text" on a small or landscape screen, where titles alone may go
 * down to the floor of normal text.
 */
#include "layout_kit.h"

#include <stdio.h>
#include <string.h>

/* The seed's tips (issue 16): reports first, then sign-ups, following a
 * case, advice for parents and the police's services. */
static const char *const tiles[] = {"concern", "fault",  "question", "watch", "walks",
                                    "rounds",  "follow", "parent",   "help"};
enum { NT = sizeof tiles / sizeof *tiles };

/* Title and description font sizes (font units), largest first; the last
 * pair is the floor. */
static const int tile_sizes[][2] = {{42, 28}, {40, 28}, {38, 27}, {36, 26},
                                    {34, 26}, {32, 25}, {30, 24}};
enum { NSIZES = sizeof tile_sizes / sizeof *tile_sizes };

#define TILE_ROWS_MAX 8

/* Height of s wrapped to w at px, or -1 when a line stays wider than w (a
 * word longer than the tile is wide). */
static int wrapped_h(const ctx *c, const char *s, int px, int bold, int w)
{
    ui_line lines[64];
    int n = layout_wrap(s, px, bold, c->l->rtl, w, lines, 64);
    for (int i = 0; i < n; i++) {
        char line[UI_LABEL_MAX];
        snprintf(line, sizeof line, "%.*s", (int)lines[i].len, s + lines[i].start);
        if (layout_measure(line, px, bold, c->l->rtl) > w)
            return -1;
    }
    return kit_text_h(c, s, px, bold, w);
}

typedef struct grid {
    int cols, rows;
    int tw, rgap;             /* tile width, gap between rows */
    int ipad, vpad, tgap;     /* inner padding, title-description gap */
    int tpx, dpx, desc;       /* font sizes; descriptions shown */
    int row_h[TILE_ROWS_MAX]; /* tile heights per row */
} grid;

static void tile_keys(int i, char tk[48], char dk[48])
{
    snprintf(tk, 48, "home.%s", tiles[i]);
    snprintf(dk, 48, "home.%s.desc", tiles[i]);
}

/* Height the free cell (after the last tile) needs. */
static int info_h(const ctx *c, const grid *g)
{
    int w = g->tw - 2 * g->ipad;
    return kit_text_h(c, T(c, "home.info.title"), g->dpx + S(c, 4), 1, w) + S(c, 8) +
           kit_text_h(c, T(c, "home.info.body"), g->dpx, 0, w);
}

/* Row heights at the sizes in g; 0 when a text does not fit into a tile's
 * width or the rows are higher than avail_h. */
static int rows_fit(const ctx *c, grid *g, int avail_h)
{
    int w = g->tw - 2 * g->ipad, total = (g->rows - 1) * g->rgap;
    for (int r = 0; r < g->rows; r++)
        g->row_h[r] = 0;
    for (int i = 0; i < NT; i++) {
        char tk[48], dk[48];
        tile_keys(i, tk, dk);
        int th = wrapped_h(c, T(c, tk), g->tpx, 1, w);
        int dh = g->desc ? wrapped_h(c, T(c, dk), g->dpx, 0, w) : 0;
        if (th < 0 || dh < 0)
            return 0;
        int need = th + (g->desc ? g->tgap + dh : 0) + 2 * g->vpad;
        if (need > g->row_h[i / g->cols])
            g->row_h[i / g->cols] = need;
    }
    if (NT % g->cols) {
        int need = info_h(c, g) + 2 * g->vpad;
        if (need > g->row_h[g->rows - 1])
            g->row_h[g->rows - 1] = need;
    }
    for (int r = 0; r < g->rows; r++)
        total += g->row_h[r];
    if (total > avail_h)
        return 0;
    for (int r = 0; r < g->rows; r++) /* share out the rest */
        g->row_h[r] += (avail_h - total) / g->rows;
    return 1;
}

/* Chooses columns, font sizes and row heights for the content area. */
static void plan_grid(const ctx *c, grid *g, int avail_h)
{
    memset(g, 0, sizeof *g);
    g->cols = c->portrait ? 2 : 3;
    g->rows = (NT + g->cols - 1) / g->cols;
    g->tw = (c->W - 2 * c->pad - (g->cols - 1) * c->gap) / g->cols;
    g->rgap = S(c, 18);
    g->ipad = S(c, 24);
    g->vpad = S(c, 10);
    g->tgap = S(c, 8);
    for (g->desc = 1; g->desc >= 0; g->desc--)
        for (int s = 0; s < NSIZES; s++) {
            g->tpx = P(c, tile_sizes[s][0]);
            g->dpx = P(c, tile_sizes[s][1]);
            if (rows_fit(c, g, avail_h))
                return;
        }
    /* "Större text" where even the titles do not fit at the enlarged
     * floor: the titles alone, no smaller than the floor of normal text */
    g->desc = 0;
    for (g->tpx = P(c, tile_sizes[NSIZES - 1][0]); g->tpx >= S(c, tile_sizes[NSIZES - 1][0]);
         g->tpx--)
        if (rows_fit(c, g, avail_h))
            return;
    /* nothing fits (cannot happen with the shipped texts and sizes): the
     * floor without descriptions, equal rows; the renderer shrinks */
    g->tpx = P(c, tile_sizes[NSIZES - 1][0]);
    g->dpx = P(c, tile_sizes[NSIZES - 1][1]);
    for (int r = 0; r < g->rows; r++)
        g->row_h[r] = (avail_h - (g->rows - 1) * g->rgap) / g->rows;
}

/* The language buttons (Lättläst next to Svenska: it is chosen like a
 * language) from x on the row at y, on more rows when they are wider than
 * the screen; returns their width on one row. With measure_only nothing is
 * added; *h (may be NULL) gets the height they take. */
static int home_langs(ctx *c, int x, int y, int measure_only, int *h)
{
    const flow *f = c->f;
    static const char *const langs[] = {"sv", KCFG_EASY_SV, "en", "ar", "so"};
    int bh = S(c, 84), x0 = x, total = 0, rows = 1;
    for (int i = 0; i < (int)(sizeof langs / sizeof *langs); i++) {
        if (!kcfg_has_lang(f->cfg, langs[i]))
            continue;
        char id[16];
        snprintf(id, sizeof id, "lang.%s", langs[i]);
        const char *lab = T(c, id);
        int w = kit_btn_w(c, lab, P(c, 30));
        if (x > x0 && x + w > c->W - c->pad) { /* next row */
            x = x0;
            y += bh + S(c, 16);
            rows++;
        }
        if (!measure_only) {
            ui_el *e = kit_button(c, id, lab, x, y, w, bh,
                                  strcmp(f->lang, langs[i]) == 0 ? ST_SELECTED : ST_SECONDARY);
            e->px = P(c, 30);
            e->rtl = strcmp(langs[i], "ar") == 0;
        }
        x += w + S(c, 16);
        total += w + S(c, 16);
    }
    if (h)
        *h = rows * bh + (rows - 1) * S(c, 16);
    return total > 0 ? total - S(c, 16) : 0;
}

/* The title, with the language buttons at the end of its row when they fit
 * there (else on a row of their own), and `sub` under it (may be NULL). */
static void home_head(ctx *c, const char *sub)
{
    const char *title = T(c, "home.title");
    int tpx = P(c, 52), bh = S(c, 84), w = c->W - 2 * c->pad;
    int langs_w = home_langs(c, 0, 0, 1, NULL);
    /* one row when the title fits beside the buttons at 52 font units, or
     * a little smaller (down to 40): a row of buttons gives the tiles room */
    int title_w = layout_measure(title, tpx, 1, c->l->rtl);
    while (title_w + S(c, 32) + langs_w > w && tpx > P(c, 40)) {
        tpx -= P(c, 2) > 0 ? P(c, 2) : 1;
        title_w = layout_measure(title, tpx, 1, c->l->rtl);
    }
    int one_row = title_w + S(c, 32) + langs_w <= w;
    if (!one_row) {
        tpx = P(c, 52);
        title_w = layout_measure(title, tpx, 1, c->l->rtl);
    }
    int y = c->top;
    int th = kit_text_h(c, title, tpx, 1, one_row ? title_w + S(c, 8) : w);
    int row_h = one_row && bh > th ? bh : th;
    kit_text(c, "title", title, c->pad, y + (row_h - th) / 2, one_row ? title_w + S(c, 8) : w, th,
             tpx, 1, c->t->text, c->t->bg);
    y += row_h;
    if (sub && *sub) {
        y += S(c, 6);
        kit_para(c, sub, c->pad, &y, w, P(c, 30), 0, c->t->muted, c->t->bg);
    }
    if (one_row) {
        home_langs(c, c->W - c->pad - langs_w, c->top + (row_h - bh) / 2, 0, NULL);
    } else {
        int lh;
        y += S(c, 20);
        home_langs(c, c->pad, y, 0, &lh);
        y += lh;
    }
    c->top = y + S(c, 24);
}

/* A notice from the server (first one in this language; lättläst shows
 * the Swedish one). */
static void home_notice(ctx *c)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    for (int i = 0; i < f->cat->n_notices; i++) {
        if (strcmp(f->cat->notices[i].lang, kcfg_item_lang(f->lang)) != 0)
            continue;
        int w = c->W - 2 * c->pad;
        int px = P(c, 30);
        int h = kit_text_h(c, f->cat->notices[i].text, px, 0, w - S(c, 40)) + S(c, 24);
        kit_panel(c, c->pad, c->top, w, h, t->notice_bg, t->border, S(c, 2));
        ui_el *e =
            kit_text(c, "notice", f->cat->notices[i].text, c->pad + S(c, 20), c->top + S(c, 12),
                     w - S(c, 40), h - S(c, 24), px, 0, t->notice_fg, t->notice_bg);
        e->vcenter = 1;
        c->top += h + S(c, 24);
        return;
    }
}

/* Tile i at x, y of height h: a button whose label is drawn by two text
 * boxes exactly as high as their lines, the pair centred in the tile. */
static void home_tile(ctx *c, const grid *g, int i, int x, int y, int h)
{
    char id[32], tk[48], dk[48];
    snprintf(id, sizeof id, "home.%s", tiles[i]);
    tile_keys(i, tk, dk);
    ui_el *b = kit_button(c, id, T(c, tk), x, y, g->tw, h, i == NT - 1 ? ST_SECONDARY : ST_TILE);
    /* The label is drawn by the two texts below; the button keeps it for
     * hit-testing, speech and the script mode. */
    b->nolabel = 1;
    b->px = g->tpx;
    int w = g->tw - 2 * g->ipad;
    int th = kit_text_h(c, T(c, tk), g->tpx, 1, w);
    int dh = g->desc ? kit_text_h(c, T(c, dk), g->dpx, 0, w) : 0;
    int block = th + (g->desc ? g->tgap + dh : 0);
    if (block > h - 2 * g->vpad) /* only without a plan that fits */
        th = h - 2 * g->vpad, block = th;
    int by = y + (h - block) / 2;
    uint32_t fg = b->fg, bg = b->bg;
    kit_text(c, "", T(c, tk), x + g->ipad, by, w, th, g->tpx, 1, fg, bg);
    if (g->desc)
        kit_text(c, "", T(c, dk), x + g->ipad, by + th + g->tgap, w, dh, g->dpx, 0, fg, bg);
}

void screen_home(ctx *c)
{
    const ui_theme *t = c->t;
    kit_footer(c, 0, NULL, NULL);
    int cols = c->portrait ? 2 : 3;
    /* "Kiosken sparar ingenting om dig": in the free cell after the tiles,
     * or under the title when the tiles fill the grid. */
    home_head(c, NT % cols ? NULL : T(c, "home.info.body"));
    home_notice(c);
    grid g;
    plan_grid(c, &g, c->bottom - c->top);
    int y = c->top;
    for (int r = 0; r < g.rows; r++) {
        for (int k = 0; k < g.cols; k++) {
            int i = r * g.cols + k, x = c->pad + k * (g.tw + c->gap);
            if (i < NT) {
                home_tile(c, &g, i, x, y, g.row_h[r]);
                continue;
            }
            if (i > NT)
                continue;
            /* The free cell after the tiles (the keypad reaches it last). */
            int ty = y + g.vpad, w = g.tw - 2 * g.ipad;
            kit_para(c, T(c, "home.info.title"), x + g.ipad, &ty, w, g.dpx + S(c, 4), 1, t->text,
                     t->bg);
            ty += S(c, 8);
            kit_para(c, T(c, "home.info.body"), x + g.ipad, &ty, w, g.dpx, 0, t->text, t->bg);
        }
        y += g.row_h[r] + g.rgap;
    }
}
