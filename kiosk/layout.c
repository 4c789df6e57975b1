/* layout.c — builds the box list for every screen (no SDL). */
#include "layout.h"

#include "bidi.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static ui_measure_fn measure_fn;
static void *measure_user;

void layout_set_measure(ui_measure_fn fn, void *user)
{
    measure_fn = fn;
    measure_user = user;
}

int layout_measure(const char *utf8, int px, int bold, int rtl)
{
    if (measure_fn)
        return measure_fn(measure_user, utf8, px, bold, rtl);
    int chars = 0;
    for (const char *p = utf8; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    return (int)(chars * px * (bold ? 0.6 : 0.55));
}

static int fits(const char *text, size_t start, size_t end, int px, int bold, int rtl, int maxw)
{
    char buf[UI_LABEL_MAX];
    size_t l = end - start;
    if (l >= sizeof buf)
        return 0;
    memcpy(buf, text + start, l);
    buf[l] = 0;
    return layout_measure(buf, px, bold, rtl) <= maxw;
}

/* Break opportunities: before a space (the space is dropped), after '/'
 * (long URLs), and the end of the paragraph. */
static size_t next_break(const char *text, size_t i, size_t end)
{
    while (i < end && text[i] != ' ' && !(i > 0 && text[i - 1] == '/' && text[i] != '/'))
        i++;
    if (i < end && text[i] != ' ')
        return i; /* just after a '/' */
    return i;
}

int layout_wrap(const char *text, int px, int bold, int rtl, int maxw, ui_line *lines, int max)
{
    int n = 0;
    size_t len = strlen(text), pos = 0;
    while (pos <= len && n < max) {
        size_t end = pos + strcspn(text + pos, "\n");
        size_t start = pos;
        for (;;) {
            size_t best = 0, c = start;
            int have = 0;
            while (c < end) {
                size_t b = next_break(text, c + 1, end);
                if (!fits(text, start, b, px, bold, rtl, maxw)) {
                    if (!have) { /* nothing fits: take the first piece anyway */
                        best = b;
                        have = 1;
                    }
                    break;
                }
                best = b;
                have = 1;
                c = b;
                if (b >= end)
                    break;
            }
            if (!have)
                best = end;
            size_t stop = best;
            while (stop > start && text[stop - 1] == ' ')
                stop--;
            lines[n].start = start;
            lines[n].len = stop - start;
            n++;
            start = best;
            while (start < end && text[start] == ' ')
                start++;
            if (start >= end || n >= max)
                break;
        }
        pos = end + 1;
    }
    return n;
}

static const ui_theme normal = {
    .bg = 0xF2F4F7,
    .text = 0x1B1F24,
    .muted = 0x475261,
    .header_bg = 0x0B3A6E,
    .header_fg = 0xFFFFFF,
    .primary_bg = 0x0B3A6E,
    .primary_fg = 0xFFFFFF,
    .secondary_bg = 0xFFFFFF,
    .secondary_fg = 0x0B3A6E,
    .border = 0x0B3A6E,
    .selected_bg = 0xFFD34E,
    .selected_fg = 0x1B1F24,
    .danger_bg = 0xB3122B,
    .danger_fg = 0xFFFFFF,
    .panel_bg = 0xFFFFFF,
    .key_bg = 0xFFFFFF,
    .key_fg = 0x1B1F24,
    .key_border = 0x5B6675,
    .error_fg = 0xA4001D,
    .focus = 0xE07B00,
    .notice_bg = 0xFFF4CC,
    .notice_fg = 0x1B1F24,
};

static const ui_theme contrast = {
    .bg = 0x000000,
    .text = 0xFFFFFF,
    .muted = 0xE6E6E6,
    .header_bg = 0x000000,
    .header_fg = 0xFFFFFF,
    .primary_bg = 0xFFE600,
    .primary_fg = 0x000000,
    .secondary_bg = 0x000000,
    .secondary_fg = 0xFFE600,
    .border = 0xFFE600,
    .selected_bg = 0xFFFFFF,
    .selected_fg = 0x000000,
    .danger_bg = 0xFFFFFF,
    .danger_fg = 0xA4001D,
    .panel_bg = 0x000000,
    .key_bg = 0x000000,
    .key_fg = 0xFFFFFF,
    .key_border = 0xFFFFFF,
    .error_fg = 0xFF9C9C,
    .focus = 0x00E5FF,
    .notice_bg = 0x000000,
    .notice_fg = 0xFFE600,
};

const ui_theme *layout_theme(int high_contrast)
{
    return high_contrast ? &contrast : &normal;
}

/* ---- building helpers ---- */

typedef struct ctx {
    const flow *f;
    const ui_status *st;
    const ui_theme *t;
    ui_list *l;
    int W, H;
    double u;  /* size unit: 1.0 on a 1080-pixel short side */
    double fs; /* font scale (Större text) */
    int pad, gap;
    int top, bottom; /* content area between header and footer */
    int portrait;
} ctx;

enum style { ST_PRIMARY, ST_SECONDARY, ST_SELECTED, ST_TILE };

static int S(const ctx *c, double v)
{
    return (int)lround(v * c->u);
}

static int P(const ctx *c, double v)
{
    return (int)lround(v * c->u * c->fs);
}

static const char *T(const ctx *c, const char *key)
{
    return flow_text(c->f, key);
}

static ui_el *add(ctx *c, ui_kind kind, const char *id, const char *label, int x, int y, int w,
                  int h)
{
    ui_list *l = c->l;
    if (l->n >= UI_MAX_ELS)
        return &l->el[UI_MAX_ELS - 1]; /* never overflow; last box is reused */
    ui_el *e = &l->el[l->n++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    snprintf(e->id, sizeof e->id, "%s", id ? id : "");
    snprintf(e->label, sizeof e->label, "%s", label ? label : "");
    e->x = x, e->y = y, e->w = w, e->h = h;
    e->rtl = l->rtl;
    return e;
}

static ui_el *panel(ctx *c, int x, int y, int w, int h, uint32_t bg, uint32_t border, int bw)
{
    ui_el *e = add(c, UI_PANEL, "", "", x, y, w, h);
    e->bg = bg;
    e->border = border;
    e->border_w = bw;
    return e;
}

static ui_el *text(ctx *c, const char *id, const char *label, int x, int y, int w, int h, int px,
                   int bold, uint32_t fg, uint32_t bg)
{
    ui_el *e = add(c, UI_TEXT, id, label, x, y, w, h);
    e->px = px;
    e->bold = bold;
    e->fg = fg;
    e->bg = bg;
    e->align = UI_ALIGN_START;
    return e;
}

static ui_el *button(ctx *c, const char *id, const char *label, int x, int y, int w, int h,
                     enum style s)
{
    ui_el *e = add(c, UI_BUTTON, id, label, x, y, w, h);
    const ui_theme *t = c->t;
    e->px = P(c, 34);
    e->bold = 1;
    e->align = UI_ALIGN_CENTER;
    e->vcenter = 1;
    e->border_w = S(c, 3) > 2 ? S(c, 3) : 2;
    switch (s) {
    case ST_PRIMARY:
    case ST_TILE:
        e->fg = t->primary_fg, e->bg = t->primary_bg, e->border = t->primary_bg;
        break;
    case ST_SECONDARY:
        e->fg = t->secondary_fg, e->bg = t->secondary_bg, e->border = t->border;
        break;
    case ST_SELECTED:
        e->fg = t->selected_fg, e->bg = t->selected_bg, e->border = t->text;
        break;
    }
    if (c->f->speech && strcmp(c->f->armed, id) == 0) {
        e->border = t->focus;
        e->border_w = S(c, 8);
    }
    return e;
}

static int text_h(const ctx *c, const char *s, int px, int bold, int w)
{
    ui_line lines[64];
    int n = layout_wrap(s, px, bold, c->l->rtl, w, lines, 64);
    return (int)lround(n * px * 1.35);
}

/* A wrapped paragraph at (x, *y) of width w; advances *y. */
static ui_el *para(ctx *c, const char *s, int x, int *y, int w, int px, int bold, uint32_t fg,
                   uint32_t bg)
{
    int h = text_h(c, s, px, bold, w);
    ui_el *e = text(c, "", s, x, *y, w, h, px, bold, fg, bg);
    *y += h;
    return e;
}

static int btn_w(const ctx *c, const char *label, int px)
{
    int w = layout_measure(label, px, 1, c->l->rtl) + S(c, 56);
    return w < S(c, 150) ? S(c, 150) : w;
}

/* ---- chrome ---- */

static void header(ctx *c)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    int hh = S(c, 112);
    panel(c, 0, 0, c->W, hh, t->header_bg, 0, 0);
    char badge[128];
    const char *names[] = {"number", NULL};
    const char *vals[] = {f->cat->emergency, NULL};
    trygg_i18n_format(T(c, "emergency.badge"), names, vals, badge, sizeof badge);
    int bpx = P(c, 36);
    int bw = layout_measure(badge, bpx, 1, c->l->rtl) + S(c, 60);
    int bh = hh - S(c, 28);
    ui_el *b = text(c, "emergency", badge, c->W - c->pad - bw, S(c, 14), bw, bh, bpx, 1,
                    t->danger_fg, t->danger_bg);
    b->align = UI_ALIGN_CENTER;
    b->vcenter = 1;
    if (t->danger_bg == 0xFFFFFF) {
        b->border = t->danger_fg;
        b->border_w = S(c, 3);
    }
    ui_el *m = text(c, "header.title", f->cfg->municipality, c->pad, 0, c->W - 3 * c->pad - bw, hh,
                    P(c, 40), 1, t->header_fg, t->header_bg);
    m->vcenter = 1;
    add(c, UI_HIDDEN, "maint.corner", "", 0, 0, hh * 2, hh);
    c->top = hh + S(c, 28);
}

typedef struct fbtn {
    const char *id, *label;
    enum style s;
} fbtn;

/* Footer: start group (restart, back), a11y group, end group (next). */
static void footer(ctx *c, int back, const char *next_id, const char *next_label)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    fbtn nav[2] = {{"nav.restart", T(c, "nav.restart"), ST_SECONDARY},
                   {"nav.back", T(c, "nav.back"), ST_SECONDARY}};
    int nnav = back ? 2 : 1;
    fbtn a11y[3] = {
        {"speech.toggle",
         T(c, f->speech                ? "speech.toggle_on"
              : flow_lang_has_voice(f) ? "speech.toggle"
                                       : "speech.toggle_novoice"),
         f->speech ? ST_SELECTED : ST_SECONDARY},
        {"a11y.large", T(c, "a11y.large"), f->large_text ? ST_SELECTED : ST_SECONDARY},
        {"a11y.contrast", T(c, "a11y.contrast"), f->high_contrast ? ST_SELECTED : ST_SECONDARY},
    };
    int px = P(c, 30);
    int bh = S(c, 88);
    int gap = S(c, 16);
    int wn = 0, wa = 0, wx = 0;
    int navw[2], a11yw[3];
    for (int i = 0; i < nnav; i++)
        wn += (navw[i] = btn_w(c, nav[i].label, px)) + gap;
    for (int i = 0; i < 3; i++)
        wa += (a11yw[i] = btn_w(c, a11y[i].label, px)) + gap;
    /* A long speech label (Somali: "no Somali voice · listen in English")
     * must not push the group off a narrow (portrait) screen: its button
     * takes what is left and the renderer wraps or shrinks the label. */
    int amax = c->W - 2 * c->pad;
    if (wa - gap > amax) {
        int rest = wa - a11yw[0];
        a11yw[0] = amax - rest + gap;
        wa = amax + gap;
    }
    if (next_id)
        wx = btn_w(c, next_label, px) + S(c, 40);
    int rows = (wn + wa + wx + 2 * c->pad > c->W) ? 2 : 1;
    int fh = rows * bh + (rows + 1) * S(c, 16);
    int fy = c->H - fh;
    panel(c, 0, fy, c->W, fh, t->panel_bg, t->key_border, 0);
    panel(c, 0, fy, c->W, S(c, 2) > 1 ? S(c, 2) : 1, t->key_border, 0, 0);
    int y1 = fy + S(c, 16), y2 = rows == 2 ? y1 + bh + S(c, 16) : y1;
    int x = c->pad;
    for (int i = 0; i < nnav; i++) {
        ui_el *e = button(c, nav[i].id, nav[i].label, x, y1, navw[i], bh, nav[i].s);
        e->px = px;
        x += navw[i] + gap;
    }
    if (next_id) {
        ui_el *e = button(c, next_id, next_label, c->W - c->pad - wx, y1, wx, bh, ST_PRIMARY);
        e->px = P(c, 34);
    }
    /* The a11y group sits in the middle of the screen, the same on every
     * screen, unless the side groups leave no room for that. */
    int ax = (c->W - (wa - gap)) / 2;
    if (rows == 1 && (ax < x || ax + wa > c->W - c->pad - wx))
        ax = x + (c->W - x - wx - c->pad - wa) / 2;
    for (int i = 0; i < 3; i++) {
        ui_el *e = button(c, a11y[i].id, a11y[i].label, ax, y2, a11yw[i], bh, a11y[i].s);
        e->px = px;
        ax += a11yw[i] + gap;
    }
    c->bottom = fy - S(c, 20);
    if (f->speech) {
        /* Speech controls, one row above the footer. */
        int sh = S(c, 76);
        int sy = fy - sh - S(c, 12);
        panel(c, 0, sy - S(c, 8), c->W, sh + S(c, 20), t->bg, 0, 0);
        const char *ids[] = {"speech.repeat", "speech.stop", "speech.softer", "speech.louder"};
        const char *keys[] = {"speech.repeat", "speech.stop", "speech.softer", "speech.louder"};
        int sx = c->pad;
        for (int i = 0; i < 4; i++) {
            int w = btn_w(c, T(c, keys[i]), P(c, 28));
            ui_el *e = button(c, ids[i], T(c, keys[i]), sx, sy, w, sh, ST_SECONDARY);
            e->px = P(c, 28);
            sx += w + gap;
        }
        char vol[64];
        char v[8];
        snprintf(v, sizeof v, "%d", f->volume);
        const char *n[] = {"percent", NULL};
        const char *vv[] = {v, NULL};
        trygg_i18n_format(T(c, "speech.volume"), n, vv, vol, sizeof vol);
        ui_el *e = text(c, "speech.volume", vol, sx, sy, c->W - sx - c->pad, sh, P(c, 28), 0,
                        t->text, t->bg);
        e->vcenter = 1;
        c->bottom = sy - S(c, 20);
    }
}

static void title(ctx *c, const char *s, const char *sub)
{
    int w = c->W - 2 * c->pad;
    int y = c->top;
    para(c, s, c->pad, &y, w, P(c, 52), 1, c->t->text, c->t->bg);
    if (sub && *sub) {
        y += S(c, 6);
        para(c, sub, c->pad, &y, w, P(c, 32), 0, c->t->muted, c->t->bg);
    }
    c->top = y + S(c, 24);
}

static void progress(ctx *c)
{
    int pos, total;
    flow_progress(c->f, &pos, &total);
    char a[8], b[8], out[64];
    snprintf(a, sizeof a, "%d", pos);
    snprintf(b, sizeof b, "%d", total);
    const char *n[] = {"n", "total", NULL};
    const char *v[] = {a, b, NULL};
    trygg_i18n_format(T(c, "progress"), n, v, out, sizeof out);
    int px = P(c, 28);
    int y = c->top;
    ui_el *e = text(c, "progress", out, c->pad, y, c->W / 2, (int)(px * 1.35), px, 0, c->t->muted,
                    c->t->bg);
    (void)e;
    /* A bar of `total` segments; mirrored with the layout. */
    int seg_w = S(c, 56), seg_h = S(c, 10), sx = c->W - c->pad - total * (seg_w + S(c, 8));
    for (int i = 0; i < total; i++)
        panel(c, sx + i * (seg_w + S(c, 8)), y + px / 2, seg_w, seg_h,
              i < pos ? c->t->primary_bg : c->t->key_border, 0, 0);
    c->top = y + (int)(px * 1.35) + S(c, 8);
}

static void error_line(ctx *c)
{
    if (!c->f->error[0])
        return;
    int y = c->top;
    para(c, T(c, c->f->error), c->pad, &y, c->W - 2 * c->pad, P(c, 32), 1, c->t->error_fg,
         c->t->bg);
    c->top = y + S(c, 12);
}

/* ---- choice lists ---- */

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = 0;
}

typedef struct choice {
    char id[80];
    char label[512]; /* a walk: date, place, meeting point, places left */
} choice;

static void choices(ctx *c, const choice *ch, int n, const char *selected)
{
    int avail_w = c->W - 2 * c->pad;
    int px = P(c, 34);
    int maxw = 0;
    for (int i = 0; i < n; i++) {
        int w = layout_measure(ch[i].label, px, 1, c->l->rtl) + S(c, 60);
        if (w > maxw)
            maxw = w;
    }
    int cols = c->portrait ? 2 : 3;
    if (c->fs > 1.01)
        cols--;
    while (cols > 1 && (avail_w - (cols - 1) * c->gap) / cols < maxw)
        cols--;
    int bh = S(c, c->fs > 1.01 ? 124 : 104);
    int avail_h = c->bottom - c->top;
    int rows_fit = (avail_h + c->gap) / (bh + c->gap);
    if (rows_fit < 1)
        rows_fit = 1;
    int per_page = rows_fit * cols, pages = 1;
    if (n > per_page) {
        per_page = (rows_fit > 1 ? rows_fit - 1 : 1) * cols;
        pages = (n + per_page - 1) / per_page;
    }
    c->l->npages = pages;
    int page = c->f->page < pages ? c->f->page : pages - 1;
    int cw = (avail_w - (cols - 1) * c->gap) / cols;
    int first = page * per_page;
    for (int i = first; i < n && i < first + per_page; i++) {
        int k = i - first;
        int x = c->pad + (k % cols) * (cw + c->gap);
        int y = c->top + (k / cols) * (bh + c->gap);
        int sel = selected && strcmp(selected, ch[i].id) == 0;
        char id[96];
        snprintf(id, sizeof id, "opt.%s", ch[i].id);
        ui_el *e = button(c, id, ch[i].label, x, y, cw, bh, sel ? ST_SELECTED : ST_SECONDARY);
        e->px = px;
    }
    if (pages > 1) {
        int y = c->top + ((per_page + cols - 1) / cols) * (bh + c->gap);
        int w = (avail_w - 2 * c->gap) / 3;
        if (page > 0)
            button(c, "page.prev", T(c, "page.prev"), c->pad, y, w, bh, ST_SECONDARY);
        char a[16], b[16], out[64];
        snprintf(a, sizeof a, "%d", page + 1);
        snprintf(b, sizeof b, "%d", pages);
        const char *nn[] = {"n", "total", NULL};
        const char *vv[] = {a, b, NULL};
        trygg_i18n_format(T(c, "page.of"), nn, vv, out, sizeof out);
        ui_el *e =
            text(c, "page", out, c->pad + w + c->gap, y, w, bh, P(c, 30), 0, c->t->text, c->t->bg);
        e->align = UI_ALIGN_CENTER;
        e->vcenter = 1;
        if (page < pages - 1)
            button(c, "page.next", T(c, "page.next"), c->pad + 2 * (w + c->gap), y, w, bh,
                   ST_PRIMARY);
    }
}

/* ---- keyboard ---- */

static void keyboard(ctx *c, int digits)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    int avail_w = c->W - 2 * c->pad;
    int avail_h = c->bottom - c->top;
    int kg = S(c, 10);
    if (digits) {
        static const char *keys[12] = {"1", "2", "3", "4", "5", "6",
                                       "7", "8", "9", "+", "0", "bksp"};
        int kh = (avail_h - 3 * kg) / 4;
        if (kh > S(c, 110))
            kh = S(c, 110);
        int kw = S(c, 220);
        if (3 * kw + 2 * kg > avail_w)
            kw = (avail_w - 2 * kg) / 3;
        int x0 = (c->W - (3 * kw + 2 * kg)) / 2;
        for (int i = 0; i < 12; i++) {
            char id[32];
            snprintf(id, sizeof id, "key.%s", keys[i]);
            const char *lab = strcmp(keys[i], "bksp") == 0 ? T(c, "key.bksp") : keys[i];
            ui_el *e = add(c, UI_KEY, id, lab, x0 + (i % 3) * (kw + kg),
                           c->top + (i / 3) * (kh + kg), kw, kh);
            e->fg = t->key_fg, e->bg = t->key_bg, e->border = t->key_border;
            e->border_w = S(c, 2) > 1 ? S(c, 2) : 1;
            e->px = strlen(keys[i]) > 1 ? P(c, 30) : P(c, 44);
            e->bold = 1;
            e->align = UI_ALIGN_CENTER;
            e->vcenter = 1;
            e->no_mirror = 1;
            e->rtl = 0;
        }
        return;
    }
    /* Swedish layout; the widths are in key units. */
    static const char *latin[5][14] = {
        {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "+", "bksp", NULL},
        {"q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "å", NULL},
        {"a", "s", "d", "f", "g", "h", "j", "k", "l", "ö", "ä", NULL},
        {"shift", "z", "x", "c", "v", "b", "n", "m", ",", ".", "-", NULL},
        {"@", "space", "?", "!", NULL},
    };
    /* The Arabic UI adds a key to switch letters ("kbd"); its Arabic layout
     * follows the common Arabic PC keyboard (ض at the Q position), with
     * every letter of the alphabet plus hamza forms, ة and ى. */
    static const char *latin_ar[5][14] = {
        {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "+", "bksp", NULL},
        {"q", "w", "e", "r", "t", "y", "u", "i", "o", "p", "å", NULL},
        {"a", "s", "d", "f", "g", "h", "j", "k", "l", "ö", "ä", NULL},
        {"shift", "z", "x", "c", "v", "b", "n", "m", ",", ".", "-", NULL},
        {"kbd", "@", "space", "?", "!", NULL},
    };
    static const char *arabic[5][14] = {
        {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "-", "bksp", NULL},
        {"ض", "ص", "ث", "ق", "ف", "غ", "ع", "ه", "خ", "ح", "ج", "د", NULL},
        {"ش", "س", "ي", "ب", "ل", "ا", "ت", "ن", "م", "ك", "ط", "ئ", NULL},
        {"ذ", "ء", "ؤ", "ر", "ى", "ة", "و", "ز", "ظ", "أ", "إ", "آ", NULL},
        {"kbd", "@", "space", "؟", "،", ".", NULL},
    };
    int ar_ui = strcmp(f->lang, "ar") == 0;
    int ar_keys = flow_kbd_arabic(f);
    const char *(*rows)[14] = ar_keys ? arabic : ar_ui ? latin_ar : latin;
    double units = 13.0;
    int kh = (avail_h - 4 * kg) / 5;
    if (kh > S(c, c->portrait ? 124 : 92))
        kh = S(c, c->portrait ? 124 : 92);
    double ku = (avail_w + kg) / units;
    if (ku > S(c, 124))
        ku = S(c, 124);
    int total_w = (int)(ku * units) - kg;
    int x0 = (c->W - total_w) / 2;
    for (int r = 0; r < 5; r++) {
        double x = x0;
        if (r == 1 || r == 2)
            x += ku; /* indent */
        if (r == 4 && !ar_ui)
            x += 2 * ku;
        if (r == 3 && ar_keys)
            x += ku / 2;
        for (int k = 0; rows[r][k]; k++) {
            const char *kname = rows[r][k];
            double wu = 1;
            const char *lab = kname;
            char up[8];
            if (strcmp(kname, "bksp") == 0)
                wu = 2, lab = T(c, "key.bksp");
            else if (strcmp(kname, "shift") == 0)
                wu = 2, lab = T(c, f->shift ? "key.shift_on" : "key.shift");
            else if (strcmp(kname, "space") == 0)
                wu = ar_keys ? 5 : 6, lab = T(c, "key.space");
            else if (strcmp(kname, "kbd") == 0)
                wu = 2, lab = T(c, ar_keys ? "key.to_latin" : "key.to_arabic");
            else if (f->shift && strlen(kname) <= 2) {
                /* show capitals */
                if (kname[0] >= 'a' && kname[0] <= 'z' && !kname[1])
                    snprintf(up, sizeof up, "%c", kname[0] - 32);
                else if (strcmp(kname, "å") == 0)
                    snprintf(up, sizeof up, "Å");
                else if (strcmp(kname, "ä") == 0)
                    snprintf(up, sizeof up, "Ä");
                else if (strcmp(kname, "ö") == 0)
                    snprintf(up, sizeof up, "Ö");
                else
                    snprintf(up, sizeof up, "%s", kname);
                lab = up;
            }
            char id[32];
            snprintf(id, sizeof id, "key.%s", kname);
            int w = (int)(wu * ku) - kg;
            ui_el *e = add(c, UI_KEY, id, lab, (int)x, c->top + r * (kh + kg), w, kh);
            int special = wu > 1;
            int on = strcmp(kname, "shift") == 0 && f->shift;
            e->fg = on ? t->selected_fg : t->key_fg;
            e->bg = on ? t->selected_bg : t->key_bg;
            e->border = t->key_border;
            e->border_w = S(c, 2) > 1 ? S(c, 2) : 1;
            e->px = special ? P(c, 28) : P(c, 38);
            e->bold = !special;
            e->align = UI_ALIGN_CENTER;
            e->vcenter = 1;
            e->no_mirror = 1;
            e->rtl = 0;
            if (f->speech && strcmp(f->armed, id) == 0) {
                e->border = t->focus;
                e->border_w = S(c, 8);
            }
            x += wu * ku;
        }
    }
}

/* The text field: shows the value (dots when masked) with a caret. */
static void field(ctx *c, const char *value, int masked, int multiline, const char *hint)
{
    const ui_theme *t = c->t;
    char shown[UI_LABEL_MAX];
    size_t o = 0;
    if (masked) {
        for (const char *p = value; *p && o + 4 < sizeof shown; p++)
            if (((unsigned char)*p & 0xC0) != 0x80) {
                memcpy(shown + o, "\xE2\x80\xA2", 3); /* bullet */
                o += 3;
            }
        shown[o] = 0;
    } else {
        snprintf(shown, sizeof shown, "%s", value);
        o = strlen(shown);
    }
    if (o + 2 < sizeof shown) { /* caret */
        shown[o] = '|';
        shown[o + 1] = 0;
    }
    int px = P(c, 38);
    int lines = c->portrait ? 5 : c->fs > 1.01 ? 2 : 3;
    int h = multiline ? (int)(px * 1.35 * lines) + S(c, 24) : (int)(px * 1.35) + S(c, 32);
    int w = c->W - 2 * c->pad;
    panel(c, c->pad, c->top, w, h, t->panel_bg, t->border, S(c, 3));
    ui_el *e = text(c, "field", shown, c->pad + S(c, 20), c->top + S(c, 10), w - S(c, 40),
                    h - S(c, 20), px, 0, t->text, t->panel_bg);
    e->vcenter = !multiline;
    /* Typed text runs in its own direction: Latin input in the Arabic UI
     * is a left-to-right paragraph (the caret at its end, on the right),
     * typed Arabic is right-to-left in any UI. */
    e->rtl = bidi_text_is_rtl(value, c->l->rtl);
    if (multiline) {
        /* Keep the end of a long text visible: the renderer shows the last
         * lines that fit. */
        e->check = 0;
    }
    c->top += h + S(c, 10);
    if (hint && *hint) {
        int y = c->top;
        para(c, hint, c->pad, &y, w, P(c, 26), 0, t->muted, t->bg);
        c->top = y + S(c, 6);
    }
    c->top += S(c, 6);
}

/* ---- screens ---- */

static void screen_home(ctx *c)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    footer(c, 0, NULL, NULL);
    title(c, T(c, "home.title"), NULL);
    /* Language choice */
    static const char *const langs[] = {"sv", "en", "ar", "so"};
    int x = c->pad, y = c->top, bh = S(c, 84);
    for (int i = 0; i < 4; i++) {
        if (!kcfg_has_lang(f->cfg, langs[i]))
            continue;
        char id[16], key[16];
        snprintf(id, sizeof id, "lang.%s", langs[i]);
        snprintf(key, sizeof key, "lang.%s", langs[i]);
        const char *lab = T(c, key);
        int w = btn_w(c, lab, P(c, 30));
        ui_el *e = button(c, id, lab, x, y, w, bh,
                          strcmp(f->lang, langs[i]) == 0 ? ST_SELECTED : ST_SECONDARY);
        e->px = P(c, 30);
        e->rtl = strcmp(langs[i], "ar") == 0;
        x += w + S(c, 16);
    }
    c->top = y + bh + S(c, 28);
    /* A notice from the server (first one in this language). */
    for (int i = 0; i < f->cat->n_notices; i++) {
        if (strcmp(f->cat->notices[i].lang, f->lang) != 0)
            continue;
        int w = c->W - 2 * c->pad;
        int px = P(c, 30);
        int h = text_h(c, f->cat->notices[i].text, px, 0, w - S(c, 40)) + S(c, 24);
        panel(c, c->pad, c->top, w, h, t->notice_bg, t->border, S(c, 2));
        ui_el *e = text(c, "notice", f->cat->notices[i].text, c->pad + S(c, 20), c->top + S(c, 12),
                        w - S(c, 40), h - S(c, 24), px, 0, t->notice_fg, t->notice_bg);
        e->vcenter = 1;
        c->top += h + S(c, 24);
        break;
    }
    static const char *const tiles[] = {"concern", "fault", "watch", "walks", "help"};
    int cols = c->portrait ? 1 : 3;
    if (c->fs > 1.01 && !c->portrait)
        cols = 2;
    int rows = (5 + cols - 1) / cols;
    int avail_w = c->W - 2 * c->pad, avail_h = c->bottom - c->top;
    int tw = (avail_w - (cols - 1) * c->gap) / cols;
    int th = (avail_h - (rows - 1) * c->gap) / rows;
    if (cols == 3) {
        /* The sixth cell: what a resident may wonder before starting. */
        int tx = c->pad + 2 * (tw + c->gap), ty = c->top + th + c->gap, ip = S(c, 28);
        int y = ty + ip;
        para(c, T(c, "home.info.title"), tx + ip, &y, tw - 2 * ip, P(c, 34), 1, t->text, t->bg);
        y += S(c, 8);
        para(c, T(c, "home.info.body"), tx + ip, &y, tw - 2 * ip, P(c, 28), 0, t->text, t->bg);
    }
    /* Descriptions only when every tile has room for its own: tiles look
     * alike. */
    int all_desc = 1;
    for (int i = 0; i < 5; i++) {
        char tk[48], dk[48];
        snprintf(tk, sizeof tk, "home.%s", tiles[i]);
        snprintf(dk, sizeof dk, "home.%s.desc", tiles[i]);
        int w = tw - 2 * S(c, 28);
        if (text_h(c, T(c, tk), P(c, 42), 1, w) + S(c, 10) + text_h(c, T(c, dk), P(c, 28), 0, w) >
            th - S(c, 28))
            all_desc = 0;
    }
    for (int i = 0; i < 5; i++) {
        int tx = c->pad + (i % cols) * (tw + c->gap);
        int ty = c->top + (i / cols) * (th + c->gap);
        char id[32], tk[48], dk[48];
        snprintf(id, sizeof id, "home.%s", tiles[i]);
        snprintf(tk, sizeof tk, "home.%s", tiles[i]);
        snprintf(dk, sizeof dk, "home.%s.desc", tiles[i]);
        ui_el *b = button(c, id, T(c, tk), tx, ty, tw, th, i == 4 ? ST_SECONDARY : ST_TILE);
        /* The label is drawn by the two texts below; the button keeps it
         * for hit-testing, speech and the script mode. */
        b->nolabel = 1;
        int ipad = S(c, 28);
        int tpx = P(c, 42), dpx = P(c, 28);
        b->px = tpx;
        int tth = text_h(c, T(c, tk), tpx, 1, tw - 2 * ipad);
        int dth = text_h(c, T(c, dk), dpx, 0, tw - 2 * ipad);
        int show_desc = all_desc;
        if (tth > th - ipad)
            tth = th - ipad; /* the renderer shrinks the title to fit */
        if (!show_desc)
            dth = 0; /* small panel, large text: the title alone */
        int block = tth + (show_desc ? S(c, 10) + dth : 0);
        int by = ty + (th - block) / 2;
        if (by < ty + ipad / 2)
            by = ty + ipad / 2;
        uint32_t fg = b->fg, bg = b->bg;
        text(c, "", T(c, tk), tx + ipad, by, tw - 2 * ipad, tth, tpx, 1, fg, bg);
        if (show_desc)
            text(c, "", T(c, dk), tx + ipad, by + tth + S(c, 10), tw - 2 * ipad,
                 ty + th - (by + tth + S(c, 10)) - S(c, 8), dpx, 0, fg, bg);
    }
}

static void screen_help(ctx *c)
{
    const ui_theme *t = c->t;
    const rc_catalog *k = c->f->cat;
    footer(c, 1, NULL, NULL);
    title(c, T(c, "help.title"), T(c, "help.sub"));
    struct card {
        const char *tk, *bk, *url, *phone_key, *phone;
    } cards[3] = {
        {"help.tip.title", "help.tip.body", k->police_tip_url, "help.phone", k->police_tip_phone},
        {"help.report.title", "help.report.body", k->police_report_url, "help.phone",
         k->police_tip_phone},
        {"help.child.title", "help.child.body", k->child_concern_url, "help.phone",
         k->child_concern_phone},
    };
    int n = 3;
    int avail_w = c->W - 2 * c->pad, avail_h = c->bottom - c->top;
    int cols = c->portrait ? 1 : 3;
    int cw = (avail_w - (cols - 1) * c->gap) / cols;
    int ch = c->portrait ? (avail_h - 2 * c->gap) / 3 : avail_h;
    for (int i = 0; i < n; i++) {
        int x = c->pad + (c->portrait ? 0 : i * (cw + c->gap));
        int y = c->top + (c->portrait ? i * (ch + c->gap) : 0);
        panel(c, x, y, cw, ch, t->panel_bg, t->border, S(c, 3));
        int ip = S(c, 24);
        int qs;
        int tx, tw, ty = y + ip;
        if (c->portrait) {
            qs = ch - 2 * ip;
            if (qs > S(c, 360))
                qs = S(c, 360);
            tx = x + ip;
            tw = cw - 3 * ip - qs;
            ui_el *q = add(c, UI_QR, "", cards[i].url, x + cw - ip - qs, y + (ch - qs) / 2, qs, qs);
            q->fg = 0x000000, q->bg = 0xFFFFFF, q->no_mirror = 0;
        } else {
            qs = cw - 2 * ip;
            if (qs > S(c, 300))
                qs = S(c, 300);
            tx = x + ip;
            tw = cw - 2 * ip;
        }
        char phone[128];
        const char *nn[] = {"number", NULL};
        const char *vv[] = {cards[i].phone, NULL};
        trygg_i18n_format(T(c, cards[i].phone_key), nn, vv, phone, sizeof phone);
        para(c, T(c, cards[i].tk), tx, &ty, tw, P(c, 38), 1, t->text, t->panel_bg);
        ty += S(c, 8);
        para(c, T(c, cards[i].bk), tx, &ty, tw, P(c, 28), 0, t->text, t->panel_bg);
        ty += S(c, 8);
        para(c, phone, tx, &ty, tw, P(c, 34), 1, t->text, t->panel_bg);
        const char *u = cards[i].url;
        if (strncmp(u, "https://", 8) == 0)
            u += 8;
        if (!c->portrait) {
            ty += S(c, 12);
            int below = text_h(c, T(c, "help.scan"), P(c, 26), 0, tw) +
                        text_h(c, u, P(c, 24), 0, tw) + S(c, 12);
            int left = y + ch - ip - ty - below;
            if (qs > left)
                qs = left;
            ui_el *q = add(c, UI_QR, "", cards[i].url, x + (cw - qs) / 2, ty, qs, qs);
            q->fg = 0x000000, q->bg = 0xFFFFFF;
            ty += qs + S(c, 8);
        }
        /* The address without the scheme, for people who type it. */
        ui_el *e = para(c, T(c, "help.scan"), tx, &ty, tw, P(c, 26), 0, t->muted, t->panel_bg);
        (void)e;
        ui_el *ue = para(c, u, tx, &ty, tw, P(c, 24), 0, t->text, t->panel_bg);
        ue->rtl = 0;
    }
}

static void entry_choices(ctx *c, const rc_entry *list, int n, const char *prefix,
                          const char *selected, int own_first)
{
    choice ch[RC_AREAS + 2];
    int m = 0;
    char buf[RC_LABEL];
    const char *own = c->f->cfg->area;
    if (own_first)
        for (int i = 0; i < n; i++)
            if (strcmp(list[i].id, own) == 0) {
                copy_str(ch[m].id, sizeof ch[m].id, list[i].id);
                snprintf(ch[m].label, sizeof ch[m].label, "%s",
                         rc_label(&list[i], c->f->lang, c->f->tr, prefix, buf, sizeof buf));
                m++;
            }
    for (int i = 0; i < n && m < RC_AREAS + 1; i++) {
        if (own_first && strcmp(list[i].id, own) == 0)
            continue;
        copy_str(ch[m].id, sizeof ch[m].id, list[i].id);
        snprintf(ch[m].label, sizeof ch[m].label, "%s",
                 rc_label(&list[i], c->f->lang, c->f->tr, prefix, buf, sizeof buf));
        m++;
    }
    if (own_first) { /* areas end with "other" */
        snprintf(ch[m].id, sizeof ch[m].id, "other");
        snprintf(ch[m].label, sizeof ch[m].label, "%s", T(c, "area.other"));
        m++;
    }
    choices(c, ch, m, selected);
}

static void walk_label(ctx *c, const rc_walk *w, char *out, size_t cap)
{
    int y = 0, mo = 0, d = 0, hh = 0, mi = 0;
    char date[128] = "";
    if (sscanf(w->starts, "%d-%d-%dT%d:%d", &y, &mo, &d, &hh, &mi) == 5 && mo >= 1 && mo <= 12) {
        char mk[16], ds[8], ts[8];
        snprintf(mk, sizeof mk, "month.%d", mo);
        snprintf(ds, sizeof ds, "%d", d);
        snprintf(ts, sizeof ts, "%02d.%02d", hh, mi);
        const char *n[] = {"day", "month", "time", NULL};
        const char *v[] = {ds, T(c, mk), ts, NULL};
        trygg_i18n_format(T(c, "walk.when"), n, v, date, sizeof date);
    } else {
        snprintf(date, sizeof date, "%s", w->starts);
    }
    /* Places left from the server's config: "12 platser kvar", "Fullbokad";
     * nothing for a walk without a limit. */
    char places[96] = "";
    int left = flow_walk_places_left(w);
    if (left == 0) {
        snprintf(places, sizeof places, " \xC2\xB7 %s", T(c, "walk.full"));
    } else if (left > 0) {
        char ns[16], txt[80];
        snprintf(ns, sizeof ns, "%d", left);
        const char *n[] = {"n", NULL};
        const char *v[] = {ns, NULL};
        trygg_i18n_format(T(c, left == 1 ? "walk.place_left" : "walk.places_left"), n, v, txt,
                          sizeof txt);
        snprintf(places, sizeof places, " \xC2\xB7 %s", txt);
    }
    int n = snprintf(out, cap, "%s \xE2\x80\x93 %s%s%s%s", date, w->place,
                     w->meeting_point[0] ? ", " : "", w->meeting_point, places);
    if (n < 0 || (size_t)n >= cap)
        out[cap - 1] = 0; /* cut; the renderer shrinks or wraps what is left */
}

/* One label/value row of the review screen. `typed` values are what the
 * resident typed: they run in their own direction, like in the input field
 * (Latin text in the Arabic UI stays a left-to-right paragraph). */
static void review_row_dir(ctx *c, int *y, const char *key, const char *value, int typed)
{
    if (!value || !*value)
        return;
    const ui_theme *t = c->t;
    int lw = c->portrait ? c->W - 2 * c->pad - S(c, 48) : S(c, 420);
    int vx = c->portrait ? c->pad + S(c, 24) : c->pad + S(c, 24) + lw + S(c, 24);
    int vw = c->W - c->pad - S(c, 24) - vx;
    int px = P(c, 32);
    int ly = *y;
    para(c, T(c, key), c->pad + S(c, 24), &ly, lw, px, 1, t->text, t->panel_bg);
    int vy = c->portrait ? ly : *y;
    ui_el *v = para(c, value, vx, &vy, vw, px, 0, t->text, t->panel_bg);
    if (typed)
        v->rtl = bidi_text_is_rtl(value, c->l->rtl);
    *y = (vy > ly ? vy : ly) + S(c, 14);
}

static void review_row(ctx *c, int *y, const char *key, const char *value)
{
    review_row_dir(c, y, key, value, 0);
}

static void screen_review(ctx *c)
{
    const flow *f = c->f;
    const flow_form *m = &f->form;
    const ui_theme *t = c->t;
    char buf[RC_LABEL], area[RC_LABEL * 2] = "", cat[RC_LABEL] = "", when[96] = "";
    char walk[512] = "", feedback[96] = "";
    const rc_entry *e;
    if (m->kind == FLOW_CONCERN || m->kind == FLOW_FAULT) {
        const rc_entry *list = m->kind == FLOW_CONCERN ? f->cat->concern : f->cat->fault;
        int n = m->kind == FLOW_CONCERN ? f->cat->n_concern : f->cat->n_fault;
        if ((e = rc_find(list, n, m->category)))
            snprintf(cat, sizeof cat, "%s",
                     rc_label(e, f->lang, f->tr,
                              m->kind == FLOW_CONCERN ? "cat.concern." : "cat.fault.", buf,
                              sizeof buf));
    }
    if (strcmp(m->area, "other") == 0)
        snprintf(area, sizeof area, "%s", m->place);
    else if ((e = rc_find(f->cat->areas, f->cat->n_areas, m->area)))
        snprintf(area, sizeof area, "%s", rc_label(e, f->lang, f->tr, NULL, buf, sizeof buf));
    if (m->when[0]) {
        char k[32];
        snprintf(k, sizeof k, "when.%s", m->when);
        snprintf(when, sizeof when, "%s", T(c, k));
    }
    for (int i = 0; i < f->cat->n_walks; i++)
        if (f->cat->walks[i].id == m->walk_id)
            walk_label(c, &f->cat->walks[i], walk, sizeof walk);
    if (m->kind == FLOW_FAULT)
        snprintf(feedback, sizeof feedback, "%s",
                 T(c, m->feedback == 1 ? "feedback.yes" : "feedback.no"));
    char phone_masked[64] = "";
    if (m->phone[0]) {
        /* Show only the last two digits on screen. */
        size_t n = strlen(m->phone), o = 0;
        for (size_t i = 0; i < n && o + 4 < sizeof phone_masked; i++) {
            if (i + 2 >= n)
                phone_masked[o++] = m->phone[i];
            else {
                memcpy(phone_masked + o, "\xE2\x80\xA2", 3);
                o += 3;
            }
        }
        phone_masked[o] = 0;
    }
    int y = c->top;
    int w = c->W - 2 * c->pad;
    ui_el *p = panel(c, c->pad, y, w, 10, t->panel_bg, t->border, S(c, 2));
    y += S(c, 20);
    review_row(c, &y, "review.walk", walk);
    review_row(c, &y, "review.category", cat);
    review_row_dir(c, &y, "review.name", m->name, 1);
    review_row(c, &y, "review.area", area);
    review_row(c, &y, "review.when", when);
    review_row_dir(c, &y, "review.text", m->text[0] ? m->text : NULL, 1);
    if (m->kind == FLOW_CONCERN || m->kind == FLOW_FAULT)
        if (!m->text[0])
            review_row(c, &y, "review.text", T(c, "review.none"));
    review_row(c, &y, "review.feedback", feedback);
    review_row(c, &y, "review.phone", phone_masked);
    review_row_dir(c, &y, "review.contact", m->contact, 1);
    p->h = y - p->y + S(c, 6);
    y += S(c, 20);
    para(c,
         T(c, m->kind == FLOW_CONCERN || (m->kind == FLOW_FAULT && m->feedback != 1)
                  ? "review.anonymous"
                  : "review.personal"),
         c->pad, &y, w, P(c, 28), 0, t->muted, t->bg);
}

static void screen_step(ctx *c)
{
    const flow *f = c->f;
    const flow_form *m = &f->form;
    const ui_theme *t = c->t;
    flow_step s = flow_current_step(f);
    char name[64], key[96], hint[96];
    flow_screen_name(f, name, sizeof name);
    snprintf(key, sizeof key, "%s.title", name);
    if (!trygg_i18n_has(f->tr, "sv", key))
        snprintf(key, sizeof key, "step.%s.title", (strchr(name, '.') + 1));
    snprintf(hint, sizeof hint, "%s.hint", name);
    if (!trygg_i18n_has(f->tr, "sv", hint))
        snprintf(hint, sizeof hint, "step.%s.hint", (strchr(name, '.') + 1));
    const char *hint_text = trygg_i18n_has(f->tr, "sv", hint) ? T(c, hint) : NULL;

    /* Footer first: it decides how much room the content has. */
    const char *next_id = "nav.next", *next_label = T(c, "nav.next");
    switch (s) {
    case ST_CATEGORY:
    case ST_AREA:
    case ST_WHEN:
    case ST_FEEDBACK:
    case ST_WALK:
        next_id = NULL; /* choosing an option moves on */
        break;
    case ST_DESC:
        if (!m->text[0])
            next_id = "nav.skip", next_label = T(c, "nav.skip");
        break;
    case ST_WATCH_INFO:
        next_label = T(c, "watch.signup");
        break;
    case ST_REVIEW:
        next_id = "review.send", next_label = T(c, "review.send");
        break;
    default:
        break;
    }
    footer(c, 1, next_id, next_label);
    if (!(s == ST_WALK && f->cat->n_walks == 0)) /* nothing to go through */
        progress(c);
    size_t cap;
    int masked, digits;
    char *fld = flow_field((flow *)f, &cap, &masked, &digits);
    /* Steps with a keyboard keep the title short (no hint under it). */
    /* No walks planned: the calm "none planned" text replaces the hint
     * that asks to choose one. */
    if (s == ST_WALK && f->cat->n_walks == 0)
        hint_text = NULL;
    title(c, T(c, key), fld ? NULL : hint_text);
    error_line(c);
    switch (s) {
    case ST_CATEGORY:
        if (m->kind == FLOW_CONCERN)
            entry_choices(c, f->cat->concern, f->cat->n_concern, "cat.concern.", m->category, 0);
        else
            entry_choices(c, f->cat->fault, f->cat->n_fault, "cat.fault.", m->category, 0);
        break;
    case ST_AREA:
        entry_choices(c, f->cat->areas, f->cat->n_areas, NULL, m->area, 1);
        break;
    case ST_WHEN: {
        static const char *const w[] = {"now",    "today",    "evenings",
                                        "nights", "weekends", "recurring"};
        choice ch[6];
        for (int i = 0; i < 6; i++) {
            char k[32];
            snprintf(ch[i].id, sizeof ch[i].id, "%s", w[i]);
            snprintf(k, sizeof k, "when.%s", w[i]);
            snprintf(ch[i].label, sizeof ch[i].label, "%s", T(c, k));
        }
        choices(c, ch, 6, m->when);
        break;
    }
    case ST_FEEDBACK: {
        choice ch[2];
        snprintf(ch[0].id, sizeof ch[0].id, "yes");
        snprintf(ch[0].label, sizeof ch[0].label, "%s", T(c, "feedback.yes"));
        snprintf(ch[1].id, sizeof ch[1].id, "no");
        snprintf(ch[1].label, sizeof ch[1].label, "%s", T(c, "feedback.no"));
        const char *sel = m->feedback == 1 ? "yes" : m->feedback == 0 ? "no" : NULL;
        choices(c, ch, 2, sel);
        break;
    }
    case ST_WALK: {
        if (f->cat->n_walks == 0) {
            int y = c->top;
            para(c, T(c, "walk.none"), c->pad, &y, c->W - 2 * c->pad, P(c, 34), 0, t->text, t->bg);
            break;
        }
        choice ch[RC_WALKS];
        char sel[16] = "";
        for (int i = 0; i < f->cat->n_walks; i++) {
            snprintf(ch[i].id, sizeof ch[i].id, "%d", f->cat->walks[i].id);
            walk_label(c, &f->cat->walks[i], ch[i].label, sizeof ch[i].label);
            if (f->cat->walks[i].id == m->walk_id)
                snprintf(sel, sizeof sel, "%d", m->walk_id);
        }
        choices(c, ch, f->cat->n_walks, sel);
        break;
    }
    case ST_WATCH_INFO: {
        int y = c->top;
        int w = c->W - 2 * c->pad;
        int px = P(c, 32);
        para(c, T(c, "watch.info.body"), c->pad, &y, w, px, 0, t->text, t->bg);
        break;
    }
    case ST_CONSENT: {
        char bk[64];
        snprintf(bk, sizeof bk, "consent.%s.body",
                 m->kind == FLOW_FAULT   ? "fault"
                 : m->kind == FLOW_WATCH ? "watch"
                                         : "walk");
        int y = c->top;
        int w = c->W - 2 * c->pad;
        int px = P(c, 30);
        int h = text_h(c, T(c, bk), px, 0, w - S(c, 48)) + S(c, 40);
        panel(c, c->pad, y, w, h, t->panel_bg, t->border, S(c, 2));
        int ty = y + S(c, 20);
        para(c, T(c, bk), c->pad + S(c, 24), &ty, w - S(c, 48), px, 0, t->text, t->panel_bg);
        y += h + S(c, 24);
        int bw = btn_w(c, T(c, "consent.toggle"), P(c, 34)) + S(c, 80);
        if (bw > w)
            bw = w;
        ui_el *b = button(c, "consent.toggle", T(c, "consent.toggle"), c->pad, y, bw, S(c, 104),
                          m->consent ? ST_SELECTED : ST_SECONDARY);
        b->check = m->consent ? 2 : 1;
        b->align = UI_ALIGN_START;
        break;
    }
    case ST_REVIEW:
        screen_review(c);
        break;
    case ST_PLACE:
    case ST_DESC:
    case ST_PHONE:
    case ST_NAME:
    case ST_CONTACT:
        field(c, fld, masked, s == ST_DESC, hint_text);
        keyboard(c, digits);
        break;
    }
}

static void screen_receipt(ctx *c)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    footer(c, 0, "receipt.done", T(c, "receipt.done"));
    title(c, T(c, "receipt.title"), NULL);
    int w = c->W - 2 * c->pad;
    int y = c->top;
    int bw = c->portrait ? w : w * 2 / 3;
    int bh = S(c, 230);
    panel(c, c->pad, y, bw, bh, t->panel_bg, t->border, S(c, 4));
    ui_el *l = text(c, "", T(c, "receipt.ref_label"), c->pad + S(c, 36), y + S(c, 24),
                    bw - S(c, 72), S(c, 50), P(c, 32), 0, t->text, t->panel_bg);
    (void)l;
    /* No number known yet (no reference prefix, docs/kiosk.md): say so in
     * words instead of a number. */
    ui_el *r =
        f->ref[0] ? text(c, "receipt.ref", f->ref, c->pad + S(c, 36), y + S(c, 76), bw - S(c, 72),
                         S(c, 130), P(c, 96), 1, t->text, t->panel_bg)
                  : text(c, "receipt.ref_none", T(c, "receipt.ref_none"), c->pad + S(c, 36),
                         y + S(c, 76), bw - S(c, 72), S(c, 130), P(c, 34), 0, t->text, t->panel_bg);
    r->rtl = 0;
    r->vcenter = 1;
    y += bh + S(c, 30);
    char nk[48];
    static const char *const kn[] = {"", "concern", "fault", "watch", "walk"};
    snprintf(nk, sizeof nk, "receipt.%s.next", kn[f->receipt_kind]);
    para(c, T(c, nk), c->pad, &y, w, P(c, 34), 0, t->text, t->bg);
    y += S(c, 20);
    char em[256];
    const char *n[] = {"number", NULL};
    const char *v[] = {f->cat->emergency, NULL};
    trygg_i18n_format(T(c, "receipt.emergency"), n, v, em, sizeof em);
    para(c, em, c->pad, &y, w, P(c, 34), 1, t->error_fg == 0xFF9C9C ? t->text : t->danger_bg,
         t->bg);
}

static void screen_save_error(ctx *c)
{
    footer(c, 1, "review.send", T(c, "save_error.retry"));
    title(c, T(c, "save_error.title"), NULL);
    int y = c->top;
    para(c, T(c, "save_error.body"), c->pad, &y, c->W - 2 * c->pad, P(c, 34), 0, c->t->text,
         c->t->bg);
}

static void screen_idle(ctx *c)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    int w = c->W - 2 * c->pad;
    c->bottom = c->H - c->pad;
    title(c, T(c, "idle.title"), NULL);
    char secs[16], body[512];
    snprintf(secs, sizeof secs, "%d", flow_warning_left(f));
    const char *n[] = {"seconds", NULL};
    const char *v[] = {secs, NULL};
    trygg_i18n_format(T(c, "idle.body"), n, v, body, sizeof body);
    int y = c->top;
    para(c, body, c->pad, &y, w, P(c, 40), 0, t->text, t->bg);
    y += S(c, 30);
    ui_el *cd =
        text(c, "idle.countdown", secs, c->pad, y, w, S(c, 160), P(c, 120), 1, t->text, t->bg);
    cd->align = UI_ALIGN_CENTER;
    cd->rtl = 0;
    y += S(c, 180);
    int bw = btn_w(c, T(c, "idle.continue"), P(c, 44)) + S(c, 120);
    ui_el *b = button(c, "idle.continue", T(c, "idle.continue"), (c->W - bw) / 2, y, bw, S(c, 150),
                      ST_PRIMARY);
    b->px = P(c, 44);
    y += S(c, 190);
    int rw = btn_w(c, T(c, "idle.restart"), P(c, 32));
    ui_el *r = button(c, "nav.restart", T(c, "idle.restart"), (c->W - rw) / 2, y, rw, S(c, 96),
                      ST_SECONDARY);
    r->px = P(c, 32);
}

static void screen_pin(ctx *c)
{
    const flow *f = c->f;
    footer(c, 1, "pin.ok", T(c, "pin.ok"));
    title(c, T(c, "pin.title"), NULL);
    error_line(c);
    char dots[64] = "";
    size_t o = 0;
    for (size_t i = 0; i < strlen(f->pin) && o + 4 < sizeof dots; i++, o += 3)
        memcpy(dots + o, "\xE2\x80\xA2", 3);
    dots[o] = 0;
    int px = P(c, 48);
    int fw = S(c, 520);
    ui_el *p =
        panel(c, (c->W - fw) / 2, c->top, fw, S(c, 90), c->t->panel_bg, c->t->border, S(c, 3));
    ui_el *e = text(c, "field", dots, p->x + S(c, 10), p->y, fw - S(c, 20), S(c, 90), px, 1,
                    c->t->text, c->t->panel_bg);
    e->align = UI_ALIGN_CENTER;
    e->vcenter = 1;
    c->top += S(c, 110);
    static const char *keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "bksp", "0", ""};
    int kg = S(c, 12);
    int kh = (c->bottom - c->top - 3 * kg) / 4;
    if (kh > S(c, 100))
        kh = S(c, 100);
    int kw = S(c, 170);
    int x0 = (c->W - 3 * kw - 2 * kg) / 2;
    for (int i = 0; i < 12; i++) {
        if (!keys[i][0])
            continue;
        char id[16];
        snprintf(id, sizeof id, "pin.%s", keys[i]);
        ui_el *k = add(c, UI_KEY, id, strcmp(keys[i], "bksp") ? keys[i] : T(c, "key.bksp"),
                       x0 + (i % 3) * (kw + kg), c->top + (i / 3) * (kh + kg), kw, kh);
        k->fg = c->t->key_fg, k->bg = c->t->key_bg, k->border = c->t->key_border;
        k->border_w = S(c, 2);
        k->px = strlen(keys[i]) > 1 ? P(c, 28) : P(c, 40);
        k->bold = 1;
        k->align = UI_ALIGN_CENTER;
        k->vcenter = 1;
        k->no_mirror = 1;
    }
}

static void screen_maint(ctx *c)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    const ui_status *st = c->st;
    footer(c, 0, NULL, NULL);
    title(c, T(c, "maint.title"), NULL);
    char line[512];
    int y = c->top, w = c->W - 2 * c->pad, px = P(c, 32);
    char depth[16], dead[16];
    snprintf(depth, sizeof depth, "%d", st ? st->outbox_depth : 0);
    snprintf(dead, sizeof dead, "%d", st ? st->dead : 0);
    const char *n[] = {"id", "version", "url", "depth", "dead", "error", NULL};
    const char *v[] = {f->cfg->kiosk_id,
                       TRYGG_VERSION,
                       f->cfg->server_url,
                       depth,
                       dead,
                       st && st->last_error[0] ? st->last_error : "-",
                       NULL};
    static const char *const keys[] = {"maint.kiosk",  "maint.version", "maint.server",
                                       "maint.outbox", "maint.dead",    "maint.error"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const char *k = keys[i];
        if (i == 2)
            k = st && st->server_ok ? "maint.server_ok" : "maint.server_down";
        trygg_i18n_format(T(c, k), n, v, line, sizeof line);
        ui_el *e = para(c, line, c->pad, &y, w, px, i == 2, t->text, t->bg);
        e->rtl = 0;
        y += S(c, 8);
    }
    para(c, T(c, st && st->config_from_server ? "maint.config_server" : "maint.config_builtin"),
         c->pad, &y, w, px, 0, t->text, t->bg);
    y += S(c, 30);
    int bw = btn_w(c, T(c, "maint.exit"), P(c, 34));
    button(c, "maint.exit", T(c, "maint.exit"), c->pad, y, bw, S(c, 100), ST_PRIMARY);
    int bw2 = btn_w(c, T(c, "maint.back"), P(c, 34));
    button(c, "maint.back", T(c, "maint.back"), c->pad + bw + c->gap, y, bw2, S(c, 100),
           ST_SECONDARY);
}

void layout_build(const flow *f, const ui_status *st, int w, int h, ui_list *out)
{
    ctx c = {.f = f, .st = st, .t = layout_theme(f->high_contrast), .l = out, .W = w, .H = h};
    out->n = 0;
    out->w = w;
    out->h = h;
    out->npages = 1;
    out->rtl = f->tr && trygg_i18n_has(f->tr, f->lang, "meta.rtl") &&
               strcmp(trygg_i18n_get(f->tr, f->lang, "meta.rtl"), "1") == 0;
    if (!strcmp(f->lang, "ar"))
        out->rtl = 1;
    snprintf(out->lang, sizeof out->lang, "%s", f->lang);
    flow_screen_name(f, out->screen, sizeof out->screen);
    out->bg = c.t->bg;
    c.portrait = h > w;
    c.u = (w < h ? w : h) / 1080.0;
    c.fs = f->large_text ? 1.25 : 1.0;
    c.pad = S(&c, 48);
    c.gap = S(&c, 24);
    panel(&c, 0, 0, w, h, c.t->bg, 0, 0);
    header(&c);
    c.bottom = h - S(&c, 20);
    if (f->warning)
        screen_idle(&c);
    else
        switch (f->screen) {
        case SCR_HOME:
            screen_home(&c);
            break;
        case SCR_HELP:
            screen_help(&c);
            break;
        case SCR_STEP:
            screen_step(&c);
            break;
        case SCR_RECEIPT:
            screen_receipt(&c);
            break;
        case SCR_SAVE_ERROR:
            screen_save_error(&c);
            break;
        case SCR_PIN:
            screen_pin(&c);
            break;
        case SCR_MAINT:
            screen_maint(&c);
            break;
        }
    if (out->rtl)
        for (int i = 0; i < out->n; i++) {
            ui_el *e = &out->el[i];
            if (e->no_mirror)
                continue;
            e->x = w - e->x - e->w;
            if (e->align == UI_ALIGN_START)
                e->align = UI_ALIGN_END;
            else if (e->align == UI_ALIGN_END)
                e->align = UI_ALIGN_START;
        }
}

static int tappable(const ui_el *e)
{
    return e->kind == UI_BUTTON || e->kind == UI_KEY || e->kind == UI_HIDDEN;
}

const ui_el *layout_hit(const ui_list *l, int x, int y)
{
    /* Visible controls win over the hidden corner; later boxes are on top. */
    const ui_el *hidden = NULL;
    for (int i = l->n - 1; i >= 0; i--) {
        const ui_el *e = &l->el[i];
        if (!tappable(e) || x < e->x || y < e->y || x >= e->x + e->w || y >= e->y + e->h)
            continue;
        if (e->kind == UI_HIDDEN) {
            hidden = hidden ? hidden : e;
            continue;
        }
        return e;
    }
    return hidden;
}

const ui_el *layout_find(const ui_list *l, const char *s)
{
    for (int i = 0; i < l->n; i++)
        if (tappable(&l->el[i]) && strcmp(l->el[i].id, s) == 0)
            return &l->el[i];
    for (int i = 0; i < l->n; i++)
        if (tappable(&l->el[i]) && l->el[i].kind != UI_HIDDEN && strcmp(l->el[i].label, s) == 0)
            return &l->el[i];
    return NULL;
}

static void hex(char out[8], uint32_t c)
{
    snprintf(out, 8, "#%06x", c & 0xFFFFFF);
}

int layout_write_json(const ui_list *l, const char *path)
{
    json_t *els = json_array();
    for (int i = 0; i < l->n; i++) {
        const ui_el *e = &l->el[i];
        const char *kind = e->kind == UI_TEXT     ? "text"
                           : e->kind == UI_BUTTON ? "button"
                           : e->kind == UI_KEY    ? "key"
                           : e->kind == UI_QR     ? "qr"
                                                  : NULL;
        if (!kind)
            continue;
        if (e->kind == UI_TEXT && !e->label[0])
            continue;
        char fg[8], bg[8];
        hex(fg, e->fg);
        hex(bg, e->bg);
        json_array_append_new(
            els,
            json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:s, s:s, s:i, s:b, s:b}", "kind", kind,
                      "id", e->id, "label", e->label, "x", e->x, "y", e->y, "w", e->w, "h", e->h,
                      "fg", fg, "bg", bg, "px", e->px, "bold", e->bold, "rtl", e->rtl));
    }
    json_t *root = json_pack("{s:s, s:s, s:b, s:i, s:i, s:o}", "screen", l->screen, "lang", l->lang,
                             "rtl", l->rtl, "width", l->w, "height", l->h, "elements", els);
    int rc = root ? json_dump_file(root, path, JSON_INDENT(1)) : -1;
    json_decref(root);
    return rc;
}

int layout_label_in(const flow *f, const ui_status *st, int w, int h, const char *lang,
                    const char *id, char *out, size_t cap)
{
    flow *g = malloc(sizeof *g);
    ui_list *l = malloc(sizeof *l);
    int found = 0;
    if (g && l && strlen(lang) < sizeof g->lang) {
        *g = *f;
        snprintf(g->lang, sizeof g->lang, "%s", lang);
        layout_build(g, st, w, h, l);
        for (int i = 0; i < l->n && !found; i++)
            if (strcmp(l->el[i].id, id) == 0 && l->el[i].label[0]) {
                snprintf(out, cap, "%s", l->el[i].label);
                found = 1;
            }
    }
    free(g);
    free(l);
    return found;
}
