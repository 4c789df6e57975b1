/* keyboard.c — the on-screen keyboard and the text field it types into. */
#include "layout_kit.h"

#include "bidi.h"

#include <stdio.h>
#include <string.h>

#include "trygg/copy.h"
#include "trygg/utf8.h"

/* ---- keyboard ---- */

int kit_key_px(const ctx *c, const char *label, int bold, int want, int w, int h)
{
    int px = want, min = S(c, 16);
    while (px > min && ((int)(px * 1.35) + 4 > h ||
                        layout_measure(label, px, bold, c->l->rtl) > w - 2 * (h / 6)))
        px -= px > 40 ? 2 : 1;
    return px;
}

/* The digit pad (phone numbers, the PIN). */
static void digit_keys(ctx *c)
{
    const ui_theme *t = c->t;
    int avail_w = c->W - 2 * c->pad;
    int avail_h = c->bottom - c->top;
    int kg = S(c, 10);
    static const char *keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "0", "bksp"};
    int kh = (avail_h - 3 * kg) / 4;
    if (kh > BTN_H(c, 110, P(c, 44), 1))
        kh = BTN_H(c, 110, P(c, 44), 1);
    int kw = S(c, 220);
    if (3 * kw + 2 * kg > avail_w)
        kw = (avail_w - 2 * kg) / 3;
    int x0 = (c->W - (3 * kw + 2 * kg)) / 2;
    for (int i = 0; i < 12; i++) {
        char id[32];
        snprintf(id, sizeof id, "key.%s", keys[i]);
        const char *lab = strcmp(keys[i], "bksp") == 0 ? T(c, "key.bksp") : keys[i];
        ui_el *e = kit_add(c, UI_KEY, id, lab, x0 + (i % 3) * (kw + kg),
                           c->top + (i / 3) * (kh + kg), kw, kh);
        e->fg = t->key_fg, e->bg = t->key_bg, e->border = t->key_border;
        e->border_w = S(c, 2) > 1 ? S(c, 2) : 1;
        e->px = kit_key_px(c, lab, 1, strlen(keys[i]) > 1 ? P(c, 30) : P(c, 44), kw, kh);
        e->bold = 1;
        e->align = UI_ALIGN_CENTER;
        e->vcenter = 1;
        e->no_mirror = 1;
        e->rtl = 0;
    }
}

/* The label of letter key kname (capitals while shift is on) and its width
 * in key units in *wu; up[8] holds a capital. */
static const char *key_label(const ctx *c, const char *kname, int ar_keys, double *wu, char up[8])
{
    const flow *f = c->f;
    *wu = 1;
    if (strcmp(kname, "bksp") == 0)
        return *wu = 2, T(c, "key.bksp");
    if (strcmp(kname, "shift") == 0)
        return *wu = 2, T(c, f->shift ? "key.shift_on" : "key.shift");
    if (strcmp(kname, "space") == 0)
        return *wu = ar_keys ? 5 : 6, T(c, "key.space");
    if (strcmp(kname, "kbd") == 0)
        return *wu = 2, T(c, ar_keys ? "key.to_latin" : "key.to_arabic");
    if (!f->shift || strlen(kname) > 2)
        return kname;
    trygg_utf8_upper(kname, up, 8); /* capitals, as the key types them (flow.c) */
    return up;
}

/* The letter keyboard: Swedish, or Arabic letters in the Arabic UI. */
static void letter_keys(ctx *c)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    int avail_w = c->W - 2 * c->pad;
    int avail_h = c->bottom - c->top;
    int kg = S(c, 10);
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
    if (kh > BTN_H(c, c->portrait ? 124 : 92, P(c, 38), 1))
        kh = BTN_H(c, c->portrait ? 124 : 92, P(c, 38), 1);
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
            char up[8];
            const char *lab = key_label(c, kname, ar_keys, &wu, up);
            char id[32];
            snprintf(id, sizeof id, "key.%s", kname);
            int w = (int)(wu * ku) - kg;
            ui_el *e = kit_add(c, UI_KEY, id, lab, (int)x, c->top + r * (kh + kg), w, kh);
            int special = wu > 1;
            int on = strcmp(kname, "shift") == 0 && f->shift;
            e->fg = on ? t->selected_fg : t->key_fg;
            e->bg = on ? t->selected_bg : t->key_bg;
            e->border = t->key_border;
            e->border_w = S(c, 2) > 1 ? S(c, 2) : 1;
            e->px = kit_key_px(c, lab, !special, special ? P(c, 28) : P(c, 38), w, kh);
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

void kit_keyboard(ctx *c, int digits)
{
    if (digits)
        digit_keys(c);
    else
        letter_keys(c);
}

/* The least height the keyboard needs: keys of 15 mm on a 92 dpi panel
 * (S(56)), as many rows as it has. */
static int keyboard_min_h(const ctx *c, int digits)
{
    int rows = digits ? 4 : 5;
    /* keys as tall as their labels need at the chosen text size */
    return rows * P(c, 56) + (rows - 1) * S(c, 10);
}

void kit_entry(ctx *c, int n0, int top0, const char *value, int masked, int multiline,
               const char *hint, int digits)
{
    kit_field(c, value, masked, multiline, hint);
    if (c->bottom - c->top >= keyboard_min_h(c, digits)) {
        kit_keyboard(c, digits);
        return;
    }
    /* "Större text": the texts on one page, the field and the keys on the
     * next; nothing is left out and no key gets too small */
    int ph = kit_pager_h(c);
    c->l->npages = 2;
    if (c->f->page == 0) {
        kit_pager(c, c->bottom - ph, 0, 2);
        return;
    }
    c->l->n = n0;
    c->top = top0;
    kit_error_line(c);
    kit_field(c, value, masked, 0, NULL);
    kit_pager(c, c->top, 1, 2);
    c->top += ph + S(c, 12);
    kit_keyboard(c, digits);
}

/* The text field: shows the value (dots when masked) with a caret. */
void kit_field(ctx *c, const char *value, int masked, int multiline, const char *hint)
{
    const ui_theme *t = c->t;
    char shown[UI_LABEL_MAX];
    size_t o = 0;
    if (masked && !c->f->show_masked) {
        for (size_t i = trygg_utf8_len(value); i > 0 && o + 4 < sizeof shown; i--) {
            memcpy(shown + o, "\xE2\x80\xA2", 3); /* a bullet per character */
            o += 3;
        }
        shown[o] = 0;
    } else {
        TRYGG_COPY_TRUNC(shown, value); /* display text */
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
    kit_panel(c, c->pad, c->top, w, h, t->panel_bg, t->border, S(c, 3));
    ui_el *e = kit_text(c, "field", shown, c->pad + S(c, 20), c->top + S(c, 10), w - S(c, 40),
                        h - S(c, 20), px, 0, t->text, t->panel_bg);
    e->vcenter = !multiline;
    e->masked = masked;
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
    if (masked) { /* defect 8: the number can be checked before it is sent */
        const char *lab = T(c, c->f->show_masked ? "field.hide" : "field.show");
        int bw = kit_btn_w(c, lab, P(c, 30)), bh = BTN_H(c, 72, P(c, 30), 1);
        ui_el *b = kit_button(c, "field.show", lab, c->pad, c->top, bw > w ? w : bw, bh,
                              c->f->show_masked ? ST_SELECTED : ST_SECONDARY);
        b->px = P(c, 30);
        c->top += bh + S(c, 10);
    }
    if (hint && *hint) {
        int y = c->top;
        kit_para(c, hint, c->pad, &y, w, P(c, 26), 0, t->muted, t->bg);
        c->top = y + S(c, 6);
    }
    c->top += S(c, 6);
}
