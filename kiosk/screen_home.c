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

#include "trygg/copy.h"

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
    int cols, rows;           /* rows per page */
    int cells;                /* the tiles, and the info cell when it is in the grid */
    int pages, per_page;      /* "Större text": the tiles on more pages */
    int skip0;                /* the first page has no tiles (only as a last resort) */
    int tw, rgap;             /* tile width, gap between rows */
    int ipad, vpad, tgap;     /* inner padding, title-description gap */
    int tpx, dpx, desc;       /* font sizes; descriptions shown */
    int row_h[TILE_ROWS_MAX]; /* tile heights per row of the current page */
} grid;

static void tile_keys(int i, char tk[48], char dk[48])
{
    snprintf(tk, 48, "home.%s", tiles[i]);
    snprintf(dk, 48, "home.%s.desc", tiles[i]);
}

/* Height the info cell ("Kiosken sparar ingenting om dig") needs; -1 when
 * a word does not fit. */
static int info_h(const ctx *c, const grid *g)
{
    int w = g->tw - 2 * g->ipad;
    int a = wrapped_h(c, T(c, "home.info.title"), g->dpx + S(c, 4), 1, w);
    int b = wrapped_h(c, T(c, "home.info.body"), g->dpx, 0, w);
    return a < 0 || b < 0 ? -1 : a + S(c, 8) + b;
}

/* Height cell i needs at the sizes in g, or -1 when a text does not fit
 * into the tile's width. */
static int cell_h(const ctx *c, const grid *g, int i)
{
    if (i >= NT) {
        int h = info_h(c, g);
        return h < 0 ? -1 : h + 2 * g->vpad;
    }
    char tk[48], dk[48];
    int w = g->tw - 2 * g->ipad;
    tile_keys(i, tk, dk);
    int th = wrapped_h(c, T(c, tk), g->tpx, 1, w);
    int dh = g->desc ? wrapped_h(c, T(c, dk), g->dpx, 0, w) : 0;
    if (th < 0 || dh < 0)
        return -1;
    return th + (g->desc ? g->tgap + dh : 0) + 2 * g->vpad;
}

/* Row heights of page `page` at the sizes in g, the rest of avail_h shared
 * out; 0 when a text does not fit or the rows are higher than avail_h. */
static int page_fit(const ctx *c, grid *g, int page, int avail_h)
{
    int total = (g->rows - 1) * g->rgap, first = (page - g->skip0) * g->per_page;
    if (page < g->skip0)
        return 1; /* the head and the page buttons only */
    for (int r = 0; r < g->rows; r++)
        g->row_h[r] = 0;
    for (int i = first; i < g->cells && i < first + g->per_page; i++) {
        int need = cell_h(c, g, i), r = (i - first) / g->cols;
        if (need < 0)
            return 0;
        if (need > g->row_h[r])
            g->row_h[r] = need;
    }
    for (int r = 0; r < g->rows; r++)
        total += g->row_h[r];
    if (total > avail_h)
        return 0;
    for (int r = 0; r < g->rows; r++) /* share out the rest */
        g->row_h[r] += (avail_h - total) / g->rows;
    return 1;
}

/* Height of the row of page buttons (kit_pager). */
static int pager_h(const ctx *c)
{
    return kit_pager_h(c);
}

/* Height the tiles of page p have: the first page has the language
 * buttons and a notice above them (avail0), the others not (avail). */
static int page_avail(const ctx *c, const grid *g, int p, int avail0, int avail)
{
    int h = p == 0 ? avail0 : avail;
    return g->pages > 1 ? h - pager_h(c) - g->rgap : h;
}

/* 1 when every page fits at the sizes, columns and rows per page in g. */
static int pages_fit(const ctx *c, grid *g, int avail0, int avail)
{
    for (int p = 0; p < g->pages; p++)
        if (!page_fit(c, g, p, page_avail(c, g, p, avail0, avail)))
            return 0;
    return 1;
}

/* Chooses columns, pages, font sizes and row heights for the content area:
 * all tiles on one page when they fit with their descriptions at or above
 * the floor; else ("Större text") as few pages as it takes, fewer columns
 * before more pages, never a description left out. */
static void plan_grid(const ctx *c, grid *g, int avail0, int avail_h, int info_in_grid)
{
    memset(g, 0, sizeof *g);
    g->cells = NT + (info_in_grid ? 1 : 0);
    g->rgap = S(c, 18);
    g->ipad = S(c, 24);
    g->vpad = S(c, 10);
    g->tgap = S(c, 8);
    g->desc = 1;
    int cols0 = c->portrait ? 2 : 3;
    /* last resort ("Större text" on a portrait screen with the long Somali
     * labels): the first page keeps its title, languages and page buttons,
     * the tiles start on the second */
    for (g->skip0 = 0; g->skip0 <= 1; g->skip0++)
        for (int pages = 1; pages <= g->cells; pages++)
            for (g->cols = cols0; g->cols >= 1; g->cols--) {
                int rows = (g->cells + g->cols - 1) / g->cols;
                g->rows = (rows + pages - 1) / pages;
                if (g->rows > TILE_ROWS_MAX)
                    continue;
                g->per_page = g->rows * g->cols;
                if ((g->cells + g->per_page - 1) / g->per_page != pages)
                    continue; /* that many pages would leave one empty */
                g->pages = pages + g->skip0;
                g->tw = (c->W - 2 * c->pad - (g->cols - 1) * c->gap) / g->cols;
                for (int s = 0; s < NSIZES; s++) {
                    g->tpx = P(c, tile_sizes[s][0]);
                    g->dpx = P(c, tile_sizes[s][1]);
                    if (pages_fit(c, g, avail0, avail_h))
                        return;
                }
            }
    /* nothing fits at the floor ("Större text", Somali on a portrait
     * screen, where the header, the footer and the page buttons take most
     * of it): one tile a page, the first page without, below the floor as
     * far as it takes, so nothing overlaps and nothing is cut
     * (docs/accessibility.md, known gaps) */
    g->skip0 = 1;
    g->cols = g->rows = g->per_page = 1;
    g->pages = g->cells + 1;
    g->tw = c->W - 2 * c->pad;
    g->tpx = P(c, tile_sizes[NSIZES - 1][0]);
    g->dpx = P(c, tile_sizes[NSIZES - 1][1]);
    while (g->dpx > S(c, 16) && !pages_fit(c, g, avail0, avail_h))
        g->tpx -= 2, g->dpx -= 2;
}

/* The language buttons (Lättläst next to Svenska: it is chosen like a
 * language) from x on the row at y, on more rows when they are wider than
 * the screen; returns their width on one row. With measure_only nothing is
 * added; *h (may be NULL) gets the height they take. */
static int home_langs(ctx *c, int x, int y, int measure_only, int *h)
{
    const flow *f = c->f;
    static const char *const langs[] = {"sv", KCFG_EASY_SV, "en", "ar", "so"};
    int bh = BTN_H(c, 84, P(c, 30), 1), x0 = x, total = 0, rows = 1;
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
 * there (else on a row of their own; none with langs 0: the tiles' later
 * pages), and `sub` under it (may be NULL). */
static void home_head(ctx *c, const char *sub, int langs)
{
    const char *title = T(c, "home.title");
    int tpx = P(c, 52), bh = BTN_H(c, 84, P(c, 30), 1), w = c->W - 2 * c->pad;
    int langs_w = langs ? home_langs(c, 0, 0, 1, NULL) : 0;
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
    if (!langs) {
        /* the language is chosen on the first page */
    } else if (one_row) {
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

/* The head of a page of tiles: the title (and `sub`), on the first page
 * the language buttons and a notice; returns the height left for tiles. */
static int home_top(ctx *c, const char *sub, int first)
{
    home_head(c, sub, first);
    if (first)
        home_notice(c);
    return c->bottom - c->top;
}

/* Out of order (defect 9: no token file, nothing could be sent): says so
 * with the police's and the emergency number; no report tiles, the help
 * screen with the other numbers stays reachable. */
static void home_out_of_order(ctx *c)
{
    const ui_theme *t = c->t;
    home_head(c, NULL, 1);
    char body[1024];
    const char *n[] = {"police", "emergency", NULL};
    const char *v[] = {c->f->cat->police_tip_phone, c->f->cat->emergency, NULL};
    trygg_ignore(trygg_i18n_format(T(c, "ooo.body"), n, v, body,
                                   sizeof body)); /* display: too long shows empty */
    int w = c->W - 2 * c->pad, y = c->top + S(c, 20);
    int h = kit_text_h(c, T(c, "ooo.title"), P(c, 40), 1, w - S(c, 48)) + S(c, 16) +
            kit_text_h(c, body, P(c, 32), 0, w - S(c, 48)) + S(c, 48);
    kit_panel(c, c->pad, y, w, h, t->notice_bg, t->border, S(c, 3));
    int ty = y + S(c, 24);
    ui_el *e = kit_para(c, T(c, "ooo.title"), c->pad + S(c, 24), &ty, w - S(c, 48), P(c, 40), 1,
                        t->notice_fg, t->notice_bg);
    TRYGG_COPY_FIT(e->id, "ooo.title");
    ty += S(c, 16);
    e = kit_para(c, body, c->pad + S(c, 24), &ty, w - S(c, 48), P(c, 32), 0, t->notice_fg,
                 t->notice_bg);
    e->say_digits = 1;
    y += h + S(c, 30);
    const char *lab = T(c, "home.help");
    int bw = kit_btn_w(c, lab, P(c, 34)) + S(c, 40);
    bw = bw > w ? w : bw;
    kit_button(c, "home.help", lab, c->pad, y, bw,
               BTN_H(c, 104, P(c, 34), kit_lines(c, lab, P(c, 34), 1, bw - S(c, 60))),
               ST_SECONDARY);
}

void screen_home(ctx *c)
{
    const ui_theme *t = c->t;
    kit_footer(c, 0, NULL, NULL);
    if (c->f->out_of_order) {
        home_out_of_order(c);
        return;
    }
    int cols = c->portrait ? 2 : 3, n0 = c->l->n, top0 = c->top;
    /* "Kiosken sparar ingenting om dig": in the free cell after the tiles,
     * or under the title when the tiles fill the grid; on the last page
     * when the tiles take more than one. */
    int avail0 = home_top(c, NT % cols ? NULL : T(c, "home.info.body"), 1);
    grid g;
    plan_grid(c, &g, avail0, avail0, NT % cols != 0);
    int page = 0;
    if (g.pages > 1) { /* again: the info in the grid, the languages on page 1 */
        c->l->n = n0, c->top = top0;
        avail0 = home_top(c, NULL, 1);
        c->l->n = n0, c->top = top0;
        int avail = home_top(c, NULL, 0);
        c->l->n = n0, c->top = top0;
        plan_grid(c, &g, avail0, avail, 1);
        page = c->f->page < g.pages ? c->f->page : g.pages - 1;
        home_top(c, NULL, page == 0);
        if (!page_fit(c, &g, page, page_avail(c, &g, page, avail0, avail)))
            g.row_h[0] = page_avail(c, &g, page, avail0, avail); /* only without a plan that fits */
    }
    c->l->npages = g.pages;
    int y = c->top;
    for (int r = 0; r < g.rows; r++) {
        for (int k = 0; k < g.cols; k++) {
            int i = (page - g.skip0) * g.per_page + r * g.cols + k;
            int x = c->pad + k * (g.tw + c->gap);
            if (page < g.skip0)
                break;
            if (i < NT) {
                home_tile(c, &g, i, x, y, g.row_h[r]);
                continue;
            }
            if (i > NT || g.cells == NT)
                continue;
            /* The info cell after the tiles (the keypad reaches it last). */
            int ty = y + g.vpad, w = g.tw - 2 * g.ipad;
            kit_para(c, T(c, "home.info.title"), x + g.ipad, &ty, w, g.dpx + S(c, 4), 1, t->text,
                     t->bg);
            ty += S(c, 8);
            kit_para(c, T(c, "home.info.body"), x + g.ipad, &ty, w, g.dpx, 0, t->text, t->bg);
        }
        y += g.row_h[r] + g.rgap;
    }
    if (g.pages > 1)
        kit_pager(c, c->bottom - pager_h(c), page, g.pages);
}
