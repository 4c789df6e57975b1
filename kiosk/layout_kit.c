/* layout_kit.c — the boxes, the header and footer and the choice lists that
 * every screen is built from (layout_kit.h). */
#include "layout_kit.h"

#include <stdio.h>
#include <string.h>

#include "trygg/copy.h"

ui_el *kit_add(ctx *c, ui_kind kind, const char *id, const char *label, int x, int y, int w, int h)
{
    ui_list *l = c->l;
    if (l->n >= UI_MAX_ELS)
        return &l->el[UI_MAX_ELS - 1]; /* never overflow; last box is reused */
    ui_el *e = &l->el[l->n++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    TRYGG_COPY_TRUNC(e->id,
                     id ? id : ""); /* ids come from the layout code and the checked catalog ids */
    TRYGG_COPY_TRUNC(e->label, label ? label : ""); /* display text */
    e->x = x, e->y = y, e->w = w, e->h = h;
    e->rtl = l->rtl;
    e->zone = c->zone;
    return e;
}

ui_el *kit_panel(ctx *c, int x, int y, int w, int h, uint32_t bg, uint32_t border, int bw)
{
    ui_el *e = kit_add(c, UI_PANEL, "", "", x, y, w, h);
    e->bg = bg;
    e->border = border;
    e->border_w = bw;
    return e;
}

ui_el *kit_text(ctx *c, const char *id, const char *label, int x, int y, int w, int h, int px,
                int bold, uint32_t fg, uint32_t bg)
{
    ui_el *e = kit_add(c, UI_TEXT, id, label, x, y, w, h);
    e->px = px;
    e->bold = bold;
    e->fg = fg;
    e->bg = bg;
    e->align = UI_ALIGN_START;
    return e;
}

ui_el *kit_button(ctx *c, const char *id, const char *label, int x, int y, int w, int h,
                  enum style s)
{
    ui_el *e = kit_add(c, UI_BUTTON, id, label, x, y, w, h);
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

int kit_lines(const ctx *c, const char *s, int px, int bold, int w)
{
    ui_line lines[64];
    return layout_wrap(s, px, bold, c->l->rtl, w, lines, 64);
}

int kit_text_h(const ctx *c, const char *s, int px, int bold, int w)
{
    ui_line lines[64];
    int n = layout_wrap(s, px, bold, c->l->rtl, w, lines, 64);
    return (int)lround(n * px * 1.35);
}

/* A wrapped paragraph at (x, *y) of width w; advances *y. */
ui_el *kit_para(ctx *c, const char *s, int x, int *y, int w, int px, int bold, uint32_t fg,
                uint32_t bg)
{
    int h = kit_text_h(c, s, px, bold, w);
    ui_el *e = kit_text(c, "", s, x, *y, w, h, px, bold, fg, bg);
    *y += h;
    return e;
}

int kit_btn_w(const ctx *c, const char *label, int px)
{
    int w = layout_measure(label, px, 1, c->l->rtl) + S(c, 56);
    return w < S(c, 150) ? S(c, 150) : w;
}

/* ---- chrome ---- */

void kit_header(ctx *c)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    char badge[128];
    const char *names[] = {"number", NULL};
    const char *vals[] = {f->cat->emergency, NULL};
    trygg_ignore(
        trygg_i18n_format(T(c, "emergency.badge"), names, vals, badge,
                          sizeof badge)); /* display: a text too long for its buffer shows empty */
    int bpx = P(c, 36), mpx = P(c, 40);
    int bw = layout_measure(badge, bpx, 1, c->l->rtl) + S(c, 60);
    if (bw > c->W / 2) /* "Större text" on a narrow screen: the badge on two lines */
        bw = c->W / 2;
    int blines = kit_lines(c, badge, bpx, 1, bw - S(c, 40));
    int bh = BTN_H(c, 84, bpx, blines);
    /* the municipality's name wraps beside the badge rather than shrink */
    int mw = c->W - 3 * c->pad - bw, mh = kit_text_h(c, f->cfg->municipality, mpx, 1, mw);
    int hh = bh + S(c, 28) > S(c, 112) ? bh + S(c, 28) : S(c, 112);
    if (mh + S(c, 16) > hh)
        hh = mh + S(c, 16);
    kit_panel(c, 0, 0, c->W, hh, t->header_bg, 0, 0);
    /* The badge is a button: it opens the screen that says what to do. */
    c->zone = UI_ZONE_HEADER;
    ui_el *b =
        kit_button(c, "emergency", badge, c->W - c->pad - bw, (hh - bh) / 2, bw, bh, ST_PRIMARY);
    b->px = bpx;
    b->fg = t->danger_fg;
    b->bg = t->danger_bg;
    b->border = t->danger_bg == 0xFFFFFF ? t->danger_fg : t->header_fg;
    b->border_w = S(c, 3);
    b->say_digits = 1;
    ui_el *m = kit_text(c, "header.title", f->cfg->municipality, c->pad, 0, mw, hh, mpx, 1,
                        t->header_fg, t->header_bg);
    m->vcenter = 1;
    kit_add(c, UI_HIDDEN, "maint.corner", "", 0, 0, hh * 2, hh);
    c->zone = UI_ZONE_CONTENT;
    c->top = hh + S(c, 28);
}

/* The speech controls above the footer at fy (Upprepa, Tyst, Lägre, Högre
 * and the volume), on more rows when they do not fit on one ("Större
 * text" on a portrait screen); sets c->bottom above them. */
static void speech_row(ctx *c, int fy, int gap)
{
    const ui_theme *t = c->t;
    static const char *const ids[] = {"speech.repeat", "speech.stop", "speech.softer",
                                      "speech.louder"};
    char vol[64], v[8];
    snprintf(v, sizeof v, "%d", c->f->volume);
    const char *n[] = {"percent", NULL};
    const char *vv[] = {v, NULL};
    trygg_ignore(
        trygg_i18n_format(T(c, "speech.volume"), n, vv, vol,
                          sizeof vol)); /* display: a text too long for its buffer shows empty */
    int px = P(c, 28), sh = BTN_H(c, 76, px, 1), amax = c->W - 2 * c->pad;
    int w[5], row[5], rows = 1, x = 0;
    for (int i = 0; i < 5; i++) {
        w[i] = i < 4 ? kit_btn_w(c, T(c, ids[i]), px)
                     : layout_measure(vol, px, 0, c->l->rtl) + S(c, 16);
        w[i] = w[i] > amax ? amax : w[i];
        if (x > 0 && x + w[i] > amax)
            rows++, x = 0;
        row[i] = rows - 1;
        x += w[i] + gap;
    }
    int total = rows * sh + (rows - 1) * S(c, 12);
    int sy = fy - total - S(c, 12);
    kit_panel(c, 0, sy - S(c, 8), c->W, total + S(c, 20), t->bg, 0, 0);
    x = c->pad;
    for (int i = 0; i < 5; i++) {
        if (i > 0 && row[i] != row[i - 1])
            x = c->pad;
        int y = sy + row[i] * (sh + S(c, 12));
        if (i < 4) {
            ui_el *e = kit_button(c, ids[i], T(c, ids[i]), x, y, w[i], sh, ST_SECONDARY);
            e->px = px;
        } else {
            ui_el *e = kit_text(c, "speech.volume", vol, x, y, c->W - x - c->pad, sh, px, 0,
                                t->text, t->bg);
            e->vcenter = 1;
        }
        x += w[i] + gap;
    }
    c->bottom = sy - S(c, 20);
}

/* Width of the widest word of s. */
static int widest_word(const ctx *c, const char *s, int px)
{
    ui_line lines[64];
    int n = layout_wrap(s, px, 1, c->l->rtl, 1, lines, 64), widest = 0;
    for (int i = 0; i < n; i++) {
        char word[UI_LABEL_MAX];
        snprintf(word, sizeof word, "%.*s", (int)lines[i].len, s + lines[i].start);
        int w = layout_measure(word, px, 1, c->l->rtl);
        widest = w > widest ? w : widest;
    }
    return widest;
}

/* The three labels side by side in amax, each on at most two lines and no
 * word cut: sets w[] (the room left shared out) and returns 1, or 0. */
static int a11y_two_lines(const ctx *c, const char *a, const char *b, const char *d, int px,
                          int amax, int gap, int w[3])
{
    const char *s[3] = {a, b, d};
    int pad = BTN_H(c, 88, px, 2) / 3 + 8, sum = 0, v[3];
    for (int i = 0; i < 3; i++)
        sum += (v[i] = widest_word(c, s[i], px) + pad);
    int left = amax - 2 * gap - sum;
    if (left < 0)
        return 0;
    for (int i = 0; i < 3; i++) {
        v[i] += left / 3;
        if (kit_lines(c, s[i], px, 1, v[i] - pad) > 2)
            return 0; /* w[] as it was */
    }
    memcpy(w, v, sizeof v);
    return 1;
}

typedef struct fbtn {
    const char *id, *label;
    enum style s;
} fbtn;

/* The accessibility group's widths (a11yw), rows (arow) and row heights
 * (rh) between the side groups of widths wn and wx; *wa is the group's
 * width with its gap. Returns its number of rows. */
static int a11y_rows(const ctx *c, const fbtn *a11y, int px, int bh, int gap, int wn, int wx,
                     int *wa, int a11yw[3], int arow[3], int rh[3])
{
    /* A long speech label (Somali: "no Somali voice · listen in English")
     * must not push the group off a narrow (portrait) screen: its button
     * takes what is left and its label wraps; where that leaves it too
     * narrow ("Större text"), the group goes on as many rows as it needs. */
    int amax = c->W - 2 * c->pad, narows = 1;
    if (*wa - gap > amax) {
        int rest = *wa - a11yw[0];
        if (amax - rest + gap >= amax / 3) {
            a11yw[0] = amax - rest + gap;
            *wa = amax + gap;
        } else if (a11y_two_lines(c, a11y[0].label, a11y[1].label, a11y[2].label, px, amax, gap,
                                  a11yw)) {
            *wa = amax + gap; /* one row, labels on two lines ("Större text") */
        } else {
            int roww = 0;
            for (int i = 0; i < 3; i++) {
                a11yw[i] = a11yw[i] > amax ? amax : a11yw[i];
                if (roww > 0 && roww + a11yw[i] > amax)
                    narows++, roww = 0;
                arow[i] = narows - 1;
                roww += a11yw[i] + gap;
            }
        }
    }
    /* each row as high as its labels need (a wrapped one: two lines) */
    rh[0] = rh[1] = rh[2] = bh;
    for (int i = 0; i < 3; i++) {
        int lines = kit_lines(c, a11y[i].label, px, 1, a11yw[i] - BTN_H(c, 88, px, 2) / 3 - 8);
        if (BTN_H(c, 88, px, lines) > rh[arow[i]])
            rh[arow[i]] = BTN_H(c, 88, px, lines);
    }
    /* one row after all when the group's labels go on two lines between
     * the side groups ("Större text" on a landscape screen: the content
     * keeps the room a second row would take) */
    int mid = c->W - 2 * c->pad - wn - wx - gap;
    if (narows == 1 && wn + *wa + wx + 2 * c->pad > c->W && c->fs > 1.01 &&
        a11y_two_lines(c, a11y[0].label, a11y[1].label, a11y[2].label, px, mid, gap, a11yw)) {
        *wa = mid + gap;
        for (int i = 0; i < 3; i++) {
            int lines = kit_lines(c, a11y[i].label, px, 1, a11yw[i] - BTN_H(c, 88, px, 2) / 3 - 8);
            if (BTN_H(c, 88, px, lines) > rh[0])
                rh[0] = BTN_H(c, 88, px, lines);
        }
    }
    return narows;
}

/* Footer: start group (restart, back), a11y group, end group (next). */
void kit_footer(ctx *c, int back, const char *next_id, const char *next_label)
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
    /* "Större text": the footer's labels at 1.5 times (like the title), so
     * that the footer stays one row where it can and the step keeps the
     * screen; the text the step shows is at twice its size */
    int px = c->fs > 1.01 ? S(c, 45) : P(c, 30), npx = c->fs > 1.01 ? S(c, 51) : P(c, 34);
    int bh = BTN_H(c, 88, next_id ? npx : px, 1);
    int gap = S(c, 16);
    int wn = 0, wa = 0, wx = 0;
    c->zone = UI_ZONE_FOOTER;
    int navw[2], a11yw[3];
    for (int i = 0; i < nnav; i++)
        wn += (navw[i] = kit_btn_w(c, nav[i].label, px)) + (i == 0 && nnav > 1 ? 3 * gap : gap);
    for (int i = 0; i < 3; i++)
        wa += (a11yw[i] = kit_btn_w(c, a11y[i].label, px)) + gap;
    if (next_id)
        wx = kit_btn_w(c, next_label, px) + S(c, 40);
    /* Where the long "no voice · listen in English" label would put the
     * footer on more rows, the short one ("listen in English") keeps it on
     * one; the spoken welcome says there is no voice for the language. */
    if (!f->speech && !flow_lang_has_voice(f) && wn + wa + wx + 2 * c->pad > c->W) {
        a11y[0].label = T(c, "speech.toggle_novoice_short");
        wa -= a11yw[0];
        wa += (a11yw[0] = kit_btn_w(c, a11y[0].label, px));
    }
    int arow[3] = {0, 0, 0}, rh[3];
    int narows = a11y_rows(c, a11y, px, bh, gap, wn, wx, &wa, a11yw, arow, rh);
    int rows = (narows == 1 && wn + wa + wx + 2 * c->pad <= c->W) ? 1 : 1 + narows;
    if (rows == 1)
        bh = rh[0];
    int fh = bh + (rows + 1) * S(c, 16);
    for (int r = 0; rows > 1 && r < narows; r++)
        fh += rh[r];
    int fy = c->H - fh;
    kit_panel(c, 0, fy, c->W, fh, t->panel_bg, t->key_border, 0);
    kit_panel(c, 0, fy, c->W, S(c, 2) > 1 ? S(c, 2) : 1, t->key_border, 0, 0);
    int y1 = fy + S(c, 16), y2 = rows > 1 ? y1 + bh + S(c, 16) : y1;
    int x = c->pad;
    for (int i = 0; i < nnav; i++) {
        ui_el *e = kit_button(c, nav[i].id, nav[i].label, x, y1, navw[i], bh, nav[i].s);
        e->px = px;
        /* "Börja om" stands well apart from "Tillbaka" (a slip must not hit it). */
        x += navw[i] + (i == 0 && nnav > 1 ? 3 * gap : gap);
    }
    if (next_id) {
        ui_el *e = kit_button(c, next_id, next_label, c->W - c->pad - wx, y1, wx, bh, ST_PRIMARY);
        e->px = npx;
    }
    /* The a11y group sits in the middle of the screen, the same on every
     * screen, unless the side groups leave no room for that. */
    for (int r = 0; r < narows; r++) {
        int rw = 0;
        for (int i = 0; i < 3; i++)
            rw += arow[i] == r ? a11yw[i] + gap : 0;
        int ax = (c->W - (rw - gap)) / 2;
        if (rows == 1 && (ax < x || ax + rw > c->W - c->pad - wx))
            ax = x + (c->W - x - wx - c->pad - rw) / 2;
        for (int i = 0; i < 3; i++) {
            if (arow[i] != r)
                continue;
            ui_el *e = kit_button(c, a11y[i].id, a11y[i].label, ax, y2, a11yw[i], rh[r], a11y[i].s);
            e->px = px;
            ax += a11yw[i] + gap;
        }
        y2 += rh[r] + S(c, 16);
    }
    c->bottom = fy - S(c, 20);
    if (f->speech)
        speech_row(c, fy, gap);
    c->zone = UI_ZONE_CONTENT;
}

/* The largest size from px down to min at which no line of s (a single
 * word wider than the screen) is wider than w. */
int kit_words_fit(const ctx *c, const char *s, int px, int bold, int w, int min)
{
    for (; px > min; px -= 2) {
        ui_line lines[64];
        int n = layout_wrap(s, px, bold, c->l->rtl, w, lines, 64), widest = 0;
        for (int i = 0; i < n; i++) {
            char line[UI_LABEL_MAX];
            snprintf(line, sizeof line, "%.*s", (int)lines[i].len, s + lines[i].start);
            int lw = layout_measure(line, px, bold, c->l->rtl);
            widest = lw > widest ? lw : widest;
        }
        if (widest <= w)
            break;
    }
    return px;
}

void kit_title(ctx *c, const char *s, const char *sub)
{
    int w = c->W - 2 * c->pad;
    int y = c->top;
    /* "Större text": the title, already the largest text, at 1.5 times
     * its size (still above the 200 % body text), so that a 1080-pixel
     * screen keeps room for what the step asks */
    int px = c->fs > 1.01 ? S(c, 78) : P(c, 52);
    ui_el *e = kit_para(c, s, c->pad, &y, w, px, 1, c->t->text, c->t->bg);
    TRYGG_COPY_FIT(e->id, "title");
    c->body_top = y + S(c, 6); /* a long subtitle goes on pages with the rest */
    if (sub && *sub) {
        y += S(c, 6);
        kit_para(c, sub, c->pad, &y, w, P(c, 32), 0, c->t->muted, c->t->bg);
    }
    c->top = y + S(c, 24);
}

void kit_progress(ctx *c)
{
    int pos, total;
    flow_progress(c->f, &pos, &total);
    char a[8], b[8], out[64];
    snprintf(a, sizeof a, "%d", pos);
    snprintf(b, sizeof b, "%d", total);
    const char *n[] = {"n", "total", NULL};
    const char *v[] = {a, b, NULL};
    trygg_ignore(
        trygg_i18n_format(T(c, "progress"), n, v, out,
                          sizeof out)); /* display: a text too long for its buffer shows empty */
    int px = P(c, 28);
    int y = c->top;
    ui_el *e = kit_text(c, "progress", out, c->pad, y, c->W / 2, (int)(px * 1.35), px, 0,
                        c->t->muted, c->t->bg);
    (void)e;
    /* A bar of `total` segments; mirrored with the layout. */
    int seg_w = S(c, 56), seg_h = S(c, 10), sx = c->W - c->pad - total * (seg_w + S(c, 8));
    for (int i = 0; i < total; i++)
        kit_panel(c, sx + i * (seg_w + S(c, 8)), y + px / 2, seg_w, seg_h,
                  i < pos ? c->t->primary_bg : c->t->key_border, 0, 0);
    c->top = y + (int)(px * 1.35) + S(c, 8);
}

void kit_error_line(ctx *c)
{
    if (!c->f->error[0])
        return;
    int y = c->top;
    kit_para(c, T(c, c->f->error), c->pad, &y, c->W - 2 * c->pad, P(c, 32), 1, c->t->error_fg,
             c->t->bg);
    c->top = y + S(c, 12);
}

/* The pager's geometry: the two buttons' width (each as wide as its
 * label needs, at least a third of the row), the button height and whether
 * "Sida n av m" stands on a row of its own above them (when the three do
 * not fit on one row). */
typedef struct pager_geo {
    int bw, bh, text_row, th, stack;
    int bwp, bwn; /* each button's own width on a row with the count */
} pager_geo;

static pager_geo pager_plan(const ctx *c)
{
    pager_geo g;
    int avail_w = c->W - 2 * c->pad, px = P(c, 34), own[2];
    g.bw = (avail_w - 2 * c->gap) / 3;
    static const char *const keys[] = {"page.prev", "page.next"};
    for (int i = 0; i < 2; i++) {
        int w = own[i] = kit_btn_w(c, T(c, keys[i]), px) + S(c, 24);
        g.bw = w > g.bw ? w : g.bw;
    }
    if (g.bw > (avail_w - c->gap) / 2)
        g.bw = (avail_w - c->gap) / 2;
    /* a label wider than that: on two lines; a word wider than that
     * (Somali at 200 %): the two buttons on rows of their own */
    g.stack = 0;
    for (int pass = 0; pass < 2; pass++) {
        int n = 1, wide = 0, inner = g.bw - BTN_H(c, 104, px, 2) / 3 - 8;
        for (int i = 0; i < 2; i++) {
            int k = kit_lines(c, T(c, keys[i]), px, 1, inner);
            n = k > n ? k : n;
            wide |= kit_words_fit(c, T(c, keys[i]), px, 1, inner, px - 1) < px;
        }
        g.bh = BTN_H(c, 104, px, n);
        if (!wide || g.stack)
            break;
        g.stack = 1;
        g.bw = avail_w;
    }
    g.bwp = g.bwn = g.bw;
    int mid = g.stack ? 0 : avail_w - 2 * g.bw - 2 * c->gap;
    /* the count as wide as it can be (two-digit pages) */
    char most[64];
    const char *nn[] = {"n", "total", NULL};
    const char *vv[] = {"88", "88", NULL};
    if (trygg_i18n_format(T(c, "page.of"), nn, vv, most, sizeof most) != TRYGG_OK)
        TRYGG_COPY_TRUNC(most, T(c, "page.of")); /* display only */
    int need = layout_measure(most, P(c, 30), 0, c->l->rtl) + S(c, 16);
    /* buttons of one line each as wide as its own label (at least a
     * quarter of the row) leave room for the count between them on the
     * same row ("Större text": the count's row costs the tiles' room) */
    int q = avail_w / 4, wp = own[0] > q ? own[0] : q, wn = own[1] > q ? own[1] : q;
    if (mid < need && !g.stack && g.bh == BTN_H(c, 104, px, 1) &&
        avail_w - wp - wn - 2 * c->gap >= need) {
        g.bwp = wp, g.bwn = wn;
        mid = avail_w - wp - wn - 2 * c->gap;
    }
    g.text_row = mid < need;
    g.th = g.text_row ? kit_text_h(c, most, P(c, 30), 0, avail_w) + S(c, 8) : 0;
    return g;
}

int kit_pager_h(const ctx *c)
{
    pager_geo g = pager_plan(c);
    return g.th + (g.stack ? 2 * g.bh + c->gap : g.bh);
}

void kit_pager(ctx *c, int y, int page, int pages)
{
    pager_geo g = pager_plan(c);
    int avail_w = c->W - 2 * c->pad;
    char a[16], b[16], out[64];
    snprintf(a, sizeof a, "%d", page + 1);
    snprintf(b, sizeof b, "%d", pages);
    const char *nn[] = {"n", "total", NULL};
    const char *vv[] = {a, b, NULL};
    trygg_ignore(
        trygg_i18n_format(T(c, "page.of"), nn, vv, out,
                          sizeof out)); /* display: a text too long for its buffer shows empty */
    ui_el *e = g.text_row ? kit_text(c, "page", out, c->pad, y, avail_w, g.th - S(c, 8), P(c, 30),
                                     0, c->t->text, c->t->bg)
                          : kit_text(c, "page", out, c->pad + g.bwp + c->gap, y,
                                     avail_w - g.bwp - g.bwn - 2 * c->gap, g.bh, P(c, 30), 0,
                                     c->t->text, c->t->bg);
    e->align = UI_ALIGN_CENTER;
    e->vcenter = 1;
    y += g.th;
    if (page > 0)
        kit_button(c, "page.prev", T(c, "page.prev"), c->pad, y, g.stack ? g.bw : g.bwp, g.bh,
                   ST_SECONDARY);
    if (g.stack)
        y += g.bh + c->gap;
    if (page < pages - 1)
        kit_button(c, "page.next", T(c, "page.next"), c->W - c->pad - (g.stack ? g.bw : g.bwn), y,
                   g.stack ? g.bw : g.bwn, g.bh, ST_PRIMARY);
}

void kit_choices(ctx *c, const choice *ch, int n, const char *selected)
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
    /* as high as the longest label needs at its size (the renderer keeps
     * a sixth of the height free at each side) */
    int cw = (avail_w - (cols - 1) * c->gap) / cols, lines = 1, bh = BTN_H(c, 104, px, 1);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < n; i++) {
            int k = kit_lines(c, ch[i].label, px, 1, cw - 2 * (bh / 6) - 2);
            lines = k > lines ? k : lines;
        }
        bh = BTN_H(c, 104, px, lines);
    }
    int avail_h = c->bottom - c->top;
    int rows_fit = (avail_h + c->gap) / (bh + c->gap);
    if (rows_fit < 1)
        rows_fit = 1;
    int per_page = rows_fit * cols, pages = 1, first_n = per_page;
    /* on pages: the subtitle (what the step asks, at length) only on the
     * first, the others start under the title */
    int top1 = c->body_top > 0 && c->body_top < c->top ? c->body_top : c->top;
    if (n > per_page) {
        int ph = kit_pager_h(c) + c->gap;
        int r0 = (avail_h - ph + c->gap) / (bh + c->gap);
        int r1 = (c->bottom - top1 - ph + c->gap) / (bh + c->gap);
        r1 = r1 > 1 ? r1 : 1;
        r0 = r0 > 0 ? r0 : 0;
        per_page = r1 * cols;
        first_n = r0 * cols;
        pages = 1 + (n - first_n + per_page - 1) / per_page;
    }
    c->l->npages = pages;
    int page = c->f->page < pages ? c->f->page : pages - 1;
    int first = page == 0 ? 0 : first_n + (page - 1) * per_page;
    int count = page == 0 ? first_n : per_page, y0 = c->top;
    if (page > 0 && top1 < c->top) { /* the subtitle is on the first page */
        int k = 0;
        for (int i = 0; i < c->l->n; i++) {
            const ui_el *e = &c->l->el[i];
            if (!(e->zone == UI_ZONE_CONTENT && e->y >= top1 && e->y < c->top))
                c->l->el[k++] = *e;
        }
        c->l->n = k;
        y0 = top1;
    }
    for (int i = first; i < n && i < first + count; i++) {
        int k = i - first;
        int x = c->pad + (k % cols) * (cw + c->gap);
        int y = y0 + (k / cols) * (bh + c->gap);
        int sel = selected && strcmp(selected, ch[i].id) == 0;
        char id[96];
        snprintf(id, sizeof id, "opt.%s", ch[i].id);
        ui_el *e = kit_button(c, id, ch[i].label, x, y, cw, bh, sel ? ST_SELECTED : ST_SECONDARY);
        e->px = px;
    }
    if (pages > 1)
        kit_pager(c, c->bottom - kit_pager_h(c), page, pages);
}

/* Body elements (content below the title) of a screen being paged:
 * 1 = kept whole on one page, 2 = a panel taller than a page, drawn in
 * pieces behind what it holds. */
enum { PG_NONE = 0, PG_WHOLE, PG_CLIP };

/* 1 when no element kept whole starts above y and ends below it, and y
 * does not leave a sliver of a tall panel at the end of a page (its first
 * third goes on the next page with its top). */
static int can_cut(const ui_list *l, const unsigned char *body, int y, int avail)
{
    for (int i = 0; i < l->n; i++) {
        const ui_el *e = &l->el[i];
        if (body[i] == PG_WHOLE && e->y < y && e->y + e->h > y)
            return 0;
        if (body[i] == PG_CLIP && e->y < y && y < e->y + avail / 3)
            return 0;
    }
    return 1;
}

/* The end of the page that starts at `start`: the lowest element top at
 * most avail below it where nothing is cut; when even the first element
 * is taller, the next element top after it. */
static int page_end(const ui_list *l, const unsigned char *body, int start, int avail, int end)
{
    int best = 0, next = end;
    for (int i = 0; i < l->n; i++) {
        int y = l->el[i].y;
        if (!body[i] || y <= start || !can_cut(l, body, y, avail))
            continue;
        if (y <= start + avail && y > best)
            best = y;
        if (y < next)
            next = y;
    }
    if (end <= start + avail)
        return end;
    return best ? best : next;
}

/* A text taller than a page becomes one text per piece of lines that fits
 * (after the element at i); returns how many elements it now is. */
static int split_text(ctx *c, int i, int avail)
{
    ui_list *l = c->l;
    ui_el orig = l->el[i];
    ui_line lines[64];
    int n = layout_wrap(orig.label, orig.px, orig.bold, orig.rtl, orig.w, lines, 64);
    int per = (int)(avail / (orig.px * 1.35));
    if (per < 1)
        per = 1;
    int pieces = (n + per - 1) / per;
    if (pieces < 2 || l->n + pieces - 1 > UI_MAX_ELS)
        return 1;
    memmove(&l->el[i + pieces], &l->el[i + 1], (size_t)(l->n - i - 1) * sizeof l->el[0]);
    l->n += pieces - 1;
    int y = orig.y;
    for (int k = 0; k < pieces; k++) {
        int a = k * per, b = (k + 1) * per < n ? (k + 1) * per : n;
        ui_el *e = &l->el[i + k];
        *e = orig;
        size_t from = lines[a].start, to = lines[b - 1].start + lines[b - 1].len;
        snprintf(e->label, sizeof e->label, "%.*s", (int)(to - from), orig.label + from);
        e->y = y;
        e->h = (int)lround((b - a) * orig.px * 1.35);
        y += e->h;
    }
    return pieces;
}

/* Marks the body elements of l (content below c->top); returns the lowest
 * bottom among them. */
static int mark_body(const ctx *c, unsigned char *body, int avail)
{
    const ui_list *l = c->l;
    int end = c->top;
    for (int i = 0; i < l->n; i++) {
        const ui_el *e = &l->el[i];
        body[i] = e->zone == UI_ZONE_CONTENT && e->y >= c->top ? PG_WHOLE : PG_NONE;
        if (body[i] && e->kind == UI_PANEL && e->h > avail)
            body[i] = PG_CLIP;
        if (body[i] && e->y + e->h > end)
            end = e->y + e->h;
    }
    return end;
}

void kit_paginate(ctx *c)
{
    ui_list *l = c->l;
    if (l->npages > 1 || c->f->warning || c->f->confirm_restart)
        return; /* the screen pages its own list; the two questions that
                   stand over a step keep the step's page */
    unsigned char body[UI_MAX_ELS];
    if (c->body_top > 0 && c->body_top < c->top)
        c->top = c->body_top;
    int avail = c->bottom - kit_pager_h(c) - c->gap - c->top;
    if (mark_body(c, body, avail) <= c->bottom || avail < S(c, 40))
        return;
    for (int i = 0; i < l->n; i++)
        if (body[i] == PG_WHOLE && l->el[i].kind == UI_TEXT && l->el[i].h > avail)
            i += split_text(c, i, avail) - 1;
    int end = mark_body(c, body, avail);
    int starts[64], pages = 0;
    for (int s = c->top; s < end && pages < 64;) {
        starts[pages++] = s;
        int e = page_end(l, body, s, avail, end);
        if (e <= s)
            break;
        s = e;
    }
    if (pages < 2)
        return;
    int page = c->f->page < pages ? c->f->page : pages - 1;
    int lo = starts[page], hi = page + 1 < pages ? starts[page + 1] : end + 1;
    int n = 0;
    for (int i = 0; i < l->n; i++) {
        ui_el *e = &l->el[i];
        if (body[i] == PG_CLIP) { /* the part of the panel on this page */
            int top = e->y > lo ? e->y : lo, bot = e->y + e->h < hi ? e->y + e->h : hi;
            if (bot <= top)
                continue;
            e->y = top, e->h = bot - top;
        } else if (body[i] && (e->y < lo || e->y >= hi))
            continue;
        if (body[i])
            e->y -= lo - c->top;
        l->el[n++] = *e;
    }
    l->n = n;
    l->npages = pages;
    kit_pager(c, c->bottom - kit_pager_h(c), page, pages);
}

int kit_card_row(ctx *c, int y, const char *title, const char *body, const char *phone,
                 const char *url, const char *no_link)
{
    const ui_theme *t = c->t;
    int w = c->W - 2 * c->pad, ip = S(c, 24), qs = S(c, 260);
    int has_link = url && url[0] != '\0';
    const char *u = has_link && strncmp(url, "https://", 8) == 0 ? url + 8 : url;
    int tw = w - 2 * ip - (has_link ? qs + ip : 0);
    int th = kit_text_h(c, title, P(c, 36), 1, tw) + S(c, 8) + kit_text_h(c, body, P(c, 28), 0, tw);
    if (phone)
        th += S(c, 8) + kit_text_h(c, phone, P(c, 34), 1, tw);
    if (has_link)
        th += S(c, 8) + kit_text_h(c, T(c, "help.scan"), P(c, 26), 0, tw) +
              kit_text_h(c, u, P(c, 24), 0, tw);
    else if (no_link)
        th += S(c, 8) + kit_text_h(c, no_link, P(c, 26), 0, tw);
    int ch = (th > qs ? th : qs) + 2 * ip, tx = c->pad + ip, ty = y + ip;
    kit_panel(c, c->pad, y, w, ch, t->panel_bg, t->border, S(c, 3));
    if (has_link) {
        ui_el *q = kit_add(c, UI_QR, "", url, c->pad + w - ip - qs, y + ip, qs, qs);
        q->fg = 0x000000, q->bg = 0xFFFFFF;
    }
    kit_para(c, title, tx, &ty, tw, P(c, 36), 1, t->text, t->panel_bg);
    ty += S(c, 8);
    kit_para(c, body, tx, &ty, tw, P(c, 28), 0, t->text, t->panel_bg);
    if (phone) {
        ty += S(c, 8);
        kit_para(c, phone, tx, &ty, tw, P(c, 34), 1, t->text, t->panel_bg)->say_digits = 1;
    }
    ty += S(c, 8);
    if (has_link) {
        kit_para(c, T(c, "help.scan"), tx, &ty, tw, P(c, 26), 0, t->muted, t->panel_bg);
        kit_para(c, u, tx, &ty, tw, P(c, 24), 0, t->text, t->panel_bg)->rtl = 0;
    } else if (no_link)
        kit_para(c, no_link, tx, &ty, tw, P(c, 26), 0, t->muted, t->panel_bg);
    return ch;
}
