/* screens_more.c — the screens of the seed's tips that are not reports
 * (issue 16): advice for parents and other adults of teenagers with the
 * municipality's and the police's pages as QR codes, and "Följ ditt
 * ärende" (type the follow-up code from the receipt, see its status). */
#include "layout_kit.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "trygg/copy.h"

/* One link card: title, text, and the page as a QR code with its address
 * (no QR code for a page the municipality has not configured: the card
 * then says where to ask instead). */
static void link_card(ctx *c, int x, int y, int w, int h, const char *tk, const char *bk,
                      const char *url)
{
    const ui_theme *t = c->t;
    kit_panel(c, x, y, w, h, t->panel_bg, t->border, S(c, 3));
    int ip = S(c, 24), tx = x + ip, tw = w - 2 * ip, ty = y + ip;
    int has_link = url[0] != '\0';
    int qs = 0;
    if (has_link) {
        qs = c->portrait ? h - 2 * ip : w - 2 * ip;
        if (qs > S(c, 300))
            qs = S(c, 300);
        if (c->portrait)
            tw = w - 3 * ip - qs;
    }
    kit_para(c, T(c, tk), tx, &ty, tw, P(c, 36), 1, t->text, t->panel_bg);
    ty += S(c, 8);
    kit_para(c, T(c, bk), tx, &ty, tw, P(c, 28), 0, t->text, t->panel_bg);
    ty += S(c, 12);
    if (!has_link) {
        kit_para(c, T(c, "parent.no_link"), tx, &ty, tw, P(c, 26), 0, t->muted, t->panel_bg);
        return;
    }
    const char *u = strncmp(url, "https://", 8) == 0 ? url + 8 : url;
    if (c->portrait) {
        ui_el *q = kit_add(c, UI_QR, "", url, x + w - ip - qs, y + (h - qs) / 2, qs, qs);
        q->fg = 0x000000, q->bg = 0xFFFFFF;
    } else {
        int below = kit_text_h(c, T(c, "help.scan"), P(c, 26), 0, tw) +
                    kit_text_h(c, u, P(c, 24), 0, tw) + S(c, 12);
        int left = y + h - ip - ty - below;
        if (qs > left)
            qs = left;
        if (qs > S(c, 120)) {
            ui_el *q = kit_add(c, UI_QR, "", url, x + (w - qs) / 2, ty, qs, qs);
            q->fg = 0x000000, q->bg = 0xFFFFFF;
            ty += qs + S(c, 8);
        }
    }
    kit_para(c, T(c, "help.scan"), tx, &ty, tw, P(c, 26), 0, t->muted, t->panel_bg);
    ui_el *ue = kit_para(c, u, tx, &ty, tw, P(c, 24), 0, t->text, t->panel_bg);
    ue->rtl = 0;
}

void screen_parent(ctx *c)
{
    const ui_theme *t = c->t;
    const rc_catalog *k = c->f->cat;
    kit_footer(c, 1, NULL, NULL);
    kit_title(c, T(c, "parent.title"), NULL);
    int w = c->W - 2 * c->pad, y = c->top;
    /* The advice: short lines, one idea each. */
    static const char *const tips[] = {"parent.tip1", "parent.tip2", "parent.tip3", "parent.tip4"};
    int large = c->fs > 1.01; /* "Större text": one column, on pages (kit_paginate) */
    int cols = c->portrait || large ? 1 : 2;
    int tw = (w - (cols - 1) * c->gap) / cols;
    int rows_y = y;
    for (int i = 0; i < 4; i++) {
        int x = c->pad + (i % cols) * (tw + c->gap);
        int ty = rows_y;
        char line[512];
        snprintf(line, sizeof line, "\xE2\x80\xA2 %s", T(c, tips[i]));
        kit_para(c, line, x, &ty, tw, P(c, 30), 0, t->text, t->bg);
        if (ty > y)
            y = ty;
        if (i % cols == cols - 1)
            rows_y = y + S(c, 10);
    }
    y += S(c, 24);
    if (large) {
        y += kit_card_row(c, y, T(c, "parent.municipality.title"), T(c, "parent.municipality.body"),
                          NULL, k->parent_municipality_url, T(c, "parent.no_link")) +
             c->gap;
        kit_card_row(c, y, T(c, "parent.police.title"), T(c, "parent.police.body"), NULL,
                     k->parent_police_url, T(c, "parent.no_link"));
        return;
    }
    int avail = c->bottom - y;
    int cw = c->portrait ? w : (w - c->gap) / 2;
    int ch = c->portrait ? (avail - c->gap) / 2 : avail;
    link_card(c, c->pad, y, cw, ch, "parent.municipality.title", "parent.municipality.body",
              k->parent_municipality_url);
    link_card(c, c->pad + (c->portrait ? 0 : cw + c->gap), y + (c->portrait ? ch + c->gap : 0), cw,
              ch, "parent.police.title", "parent.police.body", k->parent_police_url);
}

/* The typed code as shown: capitals (the codes on receipts are capitals;
 * the server takes either). */
static void upper_code(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 1 < cap; in++)
        out[o++] = (char)toupper((unsigned char)*in);
    out[o] = 0;
}

static void follow_answer(ctx *c, int y)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    int w = c->W - 2 * c->pad;
    char key[64];
    if (f->follow_state == FOLLOW_FOUND) {
        snprintf(key, sizeof key, "follow.status.%s", f->follow_status);
        char dates[256];
        const char *n[] = {"received", "changed", NULL};
        const char *v[] = {f->follow_received, f->follow_changed, NULL};
        /* display: a text too long for its buffer shows empty */
        trygg_ignore(trygg_i18n_format(T(c, "follow.dates"), n, v, dates, sizeof dates));
        int h = kit_text_h(c, T(c, key), P(c, 48), 1, w - S(c, 48)) +
                kit_text_h(c, dates, P(c, 30), 0, w - S(c, 48)) + S(c, 60);
        kit_panel(c, c->pad, y, w, h, t->panel_bg, t->border, S(c, 3));
        int ty = y + S(c, 20);
        ui_el *st = kit_para(c, T(c, key), c->pad + S(c, 24), &ty, w - S(c, 48), P(c, 48), 1,
                             t->text, t->panel_bg);
        (void)st;
        ty += S(c, 12);
        kit_para(c, dates, c->pad + S(c, 24), &ty, w - S(c, 48), P(c, 30), 0, t->text, t->panel_bg);
        y += h + S(c, 20);
        kit_para(c, T(c, "follow.found_hint"), c->pad, &y, w, P(c, 28), 0, t->muted, t->bg);
    } else {
        snprintf(key, sizeof key, "follow.%s",
                 f->follow_state == FOLLOW_BUSY      ? "busy"
                 : f->follow_state == FOLLOW_OFFLINE ? "offline"
                                                     : "not_found");
        kit_para(c, T(c, key), c->pad, &y, w, P(c, 34), 0, t->text, t->bg);
    }
    y += S(c, 30);
    int bw = kit_btn_w(c, T(c, "follow.again"), P(c, 34)) + S(c, 80);
    kit_button(c, "follow.again", T(c, "follow.again"), c->pad, y, bw, S(c, 104), ST_SECONDARY);
}

void screen_follow(ctx *c)
{
    const flow *f = c->f;
    int typing = f->follow_state == FOLLOW_IDLE;
    kit_footer(c, 1, typing ? "follow.check" : NULL, typing ? T(c, "follow.check") : NULL);
    int n0 = c->l->n, top0 = c->top;
    kit_title(c, T(c, "follow.title"), typing ? NULL : T(c, "follow.sub"));
    kit_error_line(c);
    if (f->follow_state == FOLLOW_WAITING) {
        int y = c->top;
        kit_para(c, T(c, "follow.waiting"), c->pad, &y, c->W - 2 * c->pad, P(c, 34), 0, c->t->text,
                 c->t->bg);
        return;
    }
    if (!typing) {
        follow_answer(c, c->top);
        return;
    }
    char shown[FLOW_FOLLOW_MAX + 1];
    upper_code(f->follow_code, shown, sizeof shown);
    kit_entry(c, n0, top0, shown, 0, 0, T(c, "follow.hint"), 0);
}
