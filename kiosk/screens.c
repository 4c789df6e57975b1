/* screens.c — the screens outside a report's steps: help, receipt, save
 * error, the idle warning and maintenance (PIN, status); the home screen is
 * in screen_home.c. */
#include "layout_kit.h"

#include <stdio.h>
#include <string.h>
#include "trygg/follow.h"

struct help_card {
    const char *tk, *bk, *url, *phone_key, *phone;
};

/* "Större text": the cards one under the other, each as high as its texts
 * (the QR code beside them), on pages when they do not fit (kit_paginate). */
static void help_stacked(ctx *c, const struct help_card *cards, int n)
{
    int y = c->top;
    for (int i = 0; i < n; i++) {
        char phone[128];
        const char *nn[] = {"number", NULL};
        const char *vv[] = {cards[i].phone, NULL};
        trygg_ignore(trygg_i18n_format(
            T(c, cards[i].phone_key), nn, vv, phone,
            sizeof phone)); /* display: a text too long for its buffer shows empty */
        y += kit_card_row(c, y, T(c, cards[i].tk), T(c, cards[i].bk), phone, cards[i].url, NULL) +
             c->gap;
    }
}

void screen_help(ctx *c)
{
    const ui_theme *t = c->t;
    const rc_catalog *k = c->f->cat;
    kit_footer(c, 1, NULL, NULL);
    kit_title(c, T(c, "help.title"), T(c, "help.sub"));
    const struct help_card cards[3] = {
        {"help.tip.title", "help.tip.body", k->police_tip_url, "help.phone", k->police_tip_phone},
        {"help.report.title", "help.report.body", k->police_report_url, "help.phone",
         k->police_tip_phone},
        {"help.child.title", "help.child.body", k->child_concern_url, "help.phone",
         k->child_concern_phone},
    };
    int n = 3;
    if (c->fs > 1.01) {
        help_stacked(c, cards, n);
        return;
    }
    int avail_w = c->W - 2 * c->pad, avail_h = c->bottom - c->top;
    int cols = c->portrait ? 1 : 3;
    int cw = (avail_w - (cols - 1) * c->gap) / cols;
    int ch = c->portrait ? (avail_h - 2 * c->gap) / 3 : avail_h;
    for (int i = 0; i < n; i++) {
        int x = c->pad + (c->portrait ? 0 : i * (cw + c->gap));
        int y = c->top + (c->portrait ? i * (ch + c->gap) : 0);
        kit_panel(c, x, y, cw, ch, t->panel_bg, t->border, S(c, 3));
        int ip = S(c, 24);
        int qs;
        int tx, tw, ty = y + ip;
        /* A link the municipality has not configured (child concern until it
         * confirms its page) gets no QR code: only the number is shown. */
        int has_link = cards[i].url[0] != '\0';
        if (c->portrait) {
            qs = ch - 2 * ip;
            if (qs > S(c, 360))
                qs = S(c, 360);
            tx = x + ip;
            tw = has_link ? cw - 3 * ip - qs : cw - 2 * ip;
            if (has_link) {
                ui_el *q = kit_add(c, UI_QR, "", cards[i].url, x + cw - ip - qs, y + (ch - qs) / 2,
                                   qs, qs);
                q->fg = 0x000000, q->bg = 0xFFFFFF, q->no_mirror = 0;
            }
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
        trygg_ignore(trygg_i18n_format(
            T(c, cards[i].phone_key), nn, vv, phone,
            sizeof phone)); /* display: a text too long for its buffer shows empty */
        kit_para(c, T(c, cards[i].tk), tx, &ty, tw, P(c, 38), 1, t->text, t->panel_bg);
        ty += S(c, 8);
        kit_para(c, T(c, cards[i].bk), tx, &ty, tw, P(c, 28), 0, t->text, t->panel_bg);
        ty += S(c, 8);
        kit_para(c, phone, tx, &ty, tw, P(c, 34), 1, t->text, t->panel_bg)->say_digits = 1;
        const char *u = cards[i].url;
        if (strncmp(u, "https://", 8) == 0)
            u += 8;
        if (!has_link)
            continue;
        if (!c->portrait) {
            ty += S(c, 12);
            int below = kit_text_h(c, T(c, "help.scan"), P(c, 26), 0, tw) +
                        kit_text_h(c, u, P(c, 24), 0, tw) + S(c, 12);
            int left = y + ch - ip - ty - below;
            if (qs > left)
                qs = left;
            ui_el *q = kit_add(c, UI_QR, "", cards[i].url, x + (cw - qs) / 2, ty, qs, qs);
            q->fg = 0x000000, q->bg = 0xFFFFFF;
            ty += qs + S(c, 8);
        }
        /* The address without the scheme, for people who type it. */
        ui_el *e = kit_para(c, T(c, "help.scan"), tx, &ty, tw, P(c, 26), 0, t->muted, t->panel_bg);
        (void)e;
        ui_el *ue = kit_para(c, u, tx, &ty, tw, P(c, 24), 0, t->text, t->panel_bg);
        ue->rtl = 0;
    }
}

/* What the receipt shows, computed once and drawn block by block. */
typedef struct receipt_geo {
    char code[TRYGG_FOLLOW_CODE_LEN + 1], url[UI_LABEL_MAX];
    int w, bw, qs;
    int paged; /* on pages: the QR code under the follow-up code */
} receipt_geo;

/* The panel with the reference number and, when the status page's address
 * is known, the follow-up code's QR code (landscape: beside the panel, large
 * enough to scan from a step away; portrait: inside it). */
static void receipt_panel(ctx *c, receipt_geo *g, int *py)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    int y = *py, bw = g->bw, w = g->w;
    int qs = g->paged ? 0 : g->qs;
    int tw = bw - S(c, 72) - (qs && c->portrait ? qs + S(c, 24) : 0);
    /* "Större text" on a portrait screen: the number needs the panel's
     * width, the QR code goes under it */
    int q_under = qs && c->portrait && f->ref[0] &&
                  layout_measure(f->ref, c->fs > 1.01 ? S(c, 144) : P(c, 96), 1, 0) > tw;
    if (q_under)
        tw = bw - S(c, 72);
    /* the panel is as high as its texts need (at least as before: S(230)) */
    const char *ref_text = f->ref[0] ? f->ref : T(c, "receipt.ref_none");
    /* the number is the largest text already: 1.5 times with "Större text" */
    int rpx = f->ref[0] ? (c->fs > 1.01 ? S(c, 144) : P(c, 96)) : P(c, 34);
    int lh = kit_text_h(c, T(c, "receipt.ref_label"), P(c, 32), 0, tw);
    int bold = f->ref[0] != 0;
    int rh = kit_text_h(c, ref_text, rpx, bold, tw);
    int bh = S(c, 24) + lh + S(c, 8) + rh + S(c, 24);
    if (q_under)
        bh += qs + S(c, 24);
    if (bh < S(c, 230))
        bh = S(c, 230);
    kit_panel(c, c->pad, y, bw, bh, t->panel_bg, t->border, S(c, 4));
    int qx = c->pad + bw - S(c, 20) - qs, qy = y + (bh - qs) / 2;
    if (q_under)
        qx = c->pad + S(c, 36), qy = y + bh - qs - S(c, 24);
    if (qs && !c->portrait) {
        qs = w - bw - S(c, 40);
        if (qs > S(c, 330))
            qs = S(c, 330);
        qx = c->pad + bw + S(c, 40);
        qy = y;
    }
    kit_text(c, "", T(c, "receipt.ref_label"), c->pad + S(c, 36), y + S(c, 24), tw, lh, P(c, 32), 0,
             t->text, t->panel_bg);
    /* No number known yet (no reference prefix, docs/kiosk.md): say so in
     * words instead of a number. */
    ui_el *r =
        kit_text(c, f->ref[0] ? "receipt.ref" : "receipt.ref_none", ref_text, c->pad + S(c, 36),
                 y + S(c, 24) + lh + S(c, 8), tw, rh, rpx, bold, t->text, t->panel_bg);
    r->rtl = 0;
    r->vcenter = 1;
    if (qs) {
        ui_el *q = kit_add(c, UI_QR, "receipt.qr", g->url, qx, qy, qs, qs);
        q->fg = 0x000000, q->bg = 0xFFFFFF;
    }
    *py = y + bh + S(c, 30);
}

/* The follow-up code (docs/follow-up.md), its label above it where the eye
 * is (the panel's edge) and the hint; after the panel, top is where the
 * panel began (the landscape QR code beside it reaches below). */
static void receipt_follow(ctx *c, const receipt_geo *g, int *py, int top)
{
    const ui_theme *t = c->t;
    int y = *py, w = g->w;
    int cw = !c->portrait && g->qs ? g->bw : w;
    kit_para(c, T(c, "receipt.follow_label"), c->pad, &y, cw, P(c, 30), 0, t->text, t->bg);
    /* one line: as large as fits ("Större text" on a portrait screen), at
     * least 1.5 times its normal size */
    int px = kit_words_fit(c, g->code, P(c, 48), 1, cw, S(c, 48) * 3 / 2);
    int ch = kit_text_h(c, g->code, px, 1, cw);
    ui_el *fc = kit_text(c, "receipt.follow", g->code, c->pad, y, cw, ch, px, 1, t->text, t->bg);
    fc->rtl = 0;
    y += ch + S(c, 12);
    if (top >= 0 && !c->portrait && g->qs && y < top + g->qs + S(c, 16))
        y = top + g->qs + S(c, 16); /* below the QR code before the full-width text */
    kit_para(c, T(c, "receipt.follow_hint"), c->pad, &y, w, P(c, 28), 0, t->muted, t->bg);
    *py = y + S(c, 16);
}

/* What happens next. */
static void receipt_next(ctx *c, const receipt_geo *g, int *py)
{
    char nk[48];
    static const char *const kn[] = {"", "concern", "fault", "watch", "walk", "question", "round"};
    snprintf(nk, sizeof nk, "receipt.%s.next", kn[c->f->receipt_kind]);
    kit_para(c, T(c, nk), c->pad, py, g->w, P(c, 34), 0, c->t->text, c->t->bg);
    *py += S(c, 20);
}

/* The emergency number. */
static void receipt_emergency(ctx *c, const receipt_geo *g, int *py)
{
    const ui_theme *t = c->t;
    char em[256];
    const char *n[] = {"number", NULL};
    const char *v[] = {c->f->cat->emergency, NULL};
    trygg_ignore(
        trygg_i18n_format(T(c, "receipt.emergency"), n, v, em,
                          sizeof em)); /* display: a text too long for its buffer shows empty */
    kit_para(c, em, c->pad, py, g->w, P(c, 34), 1, t->error_fg == 0xFF9C9C ? t->text : t->danger_bg,
             t->bg)
        ->say_digits = 1;
}

/* Draws block i of the receipt at *py (top: where the panel began on this
 * page, -1 when it is not on it). */
static void receipt_block(ctx *c, receipt_geo *g, int i, int *py, int top)
{
    if (i == 0)
        receipt_panel(c, g, py);
    else if (i == 1)
        receipt_follow(c, g, py, top);
    else if (i == 2) { /* on pages: the QR code under the follow-up code */
        ui_el *q = kit_add(c, UI_QR, "receipt.qr", g->url, c->pad, *py, g->qs, g->qs);
        q->fg = 0x000000, q->bg = 0xFFFFFF;
        *py += g->qs + S(c, 16);
    } else if (i == 3)
        receipt_next(c, g, py);
    else
        receipt_emergency(c, g, py);
}

void screen_receipt(ctx *c)
{
    const flow *f = c->f;
    kit_footer(c, 0, "receipt.done", T(c, "receipt.done"));
    kit_title(c, T(c, "receipt.title"), NULL);
    receipt_geo g = {.w = c->W - 2 * c->pad};
    g.bw = c->portrait ? g.w : g.w * 2 / 3;
    if (f->ref[0] && trygg_follow_code(f->ref, f->follow, g.code) != TRYGG_OK)
        g.code[0] = '\0';
    if (g.code[0] && f->cat->status_url[0] &&
        (size_t)snprintf(g.url, sizeof g.url, "%s%s", f->cat->status_url, g.code) >= sizeof g.url)
        g.url[0] = '\0';
    g.qs = g.url[0] ? S(c, 190) : 0;
    int blocks[5], nb = 0;
    for (int i = 0; i < 5; i++)
        if ((i != 1 || g.code[0]) && i != 2)
            blocks[nb++] = i;
    /* everything on one screen when it fits; else ("Större text") the QR
     * code under the follow-up code, and the screen on pages
     * (kit_paginate), the number first */
    size_t n0 = c->l->n;
    int y = c->top;
    for (int i = 0; i < nb; i++)
        receipt_block(c, &g, blocks[i], &y, blocks[i] == 1 ? c->top : -1);
    if (y - S(c, 16) <= c->bottom)
        return;
    c->l->n = n0;
    g.paged = 1;
    if (g.qs) { /* the QR code: a block of its own after the code */
        memmove(blocks + 3, blocks + 2, (size_t)(nb - 2) * sizeof *blocks);
        blocks[2] = 2, nb++;
    }
    y = c->top;
    for (int i = 0; i < nb; i++)
        receipt_block(c, &g, blocks[i], &y, -1);
}

void screen_save_error(ctx *c)
{
    kit_footer(c, 1, "review.send", T(c, "save_error.retry"));
    kit_title(c, T(c, "save_error.title"), NULL);
    int y = c->top;
    kit_para(c, T(c, "save_error.body"), c->pad, &y, c->W - 2 * c->pad, P(c, 34), 0, c->t->text,
             c->t->bg);
}

void screen_idle(ctx *c)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    int w = c->W - 2 * c->pad;
    c->bottom = c->H - c->pad;
    kit_title(c, T(c, "idle.title"), NULL);
    char secs[16], body[512];
    snprintf(secs, sizeof secs, "%d", flow_warning_left(f));
    const char *n[] = {"seconds", NULL};
    const char *v[] = {secs, NULL};
    trygg_ignore(
        trygg_i18n_format(T(c, "idle.body"), n, v, body,
                          sizeof body)); /* display: a text too long for its buffer shows empty */
    int y = c->top;
    /* "Större text" where the question would not fit under it (this screen
     * has no pages): the explanation at 1.5 times */
    int bpx = P(c, 40);
    if (c->fs > 1.01 && y + kit_text_h(c, body, bpx, 0, w) + S(c, 30) + S(c, 160) +
                                BTN_H(c, 150, P(c, 44), 1) + BTN_H(c, 96, P(c, 32), 1) + S(c, 20) >
                            c->bottom)
        bpx = S(c, 60);
    kit_para(c, body, c->pad, &y, w, bpx, 0, t->text, t->bg);
    y += S(c, 30);
    /* the countdown is the largest text already: not larger with "Större
     * text" (this screen has no pages: it stands over a step) */
    int cpx = S(c, 120) > P(c, 120) ? P(c, 120) : S(c, 120);
    int ch = kit_text_h(c, secs, cpx, 1, w);
    ui_el *cd = kit_text(c, "idle.countdown", secs, c->pad, y, w, ch, cpx, 1, t->text, t->bg);
    cd->align = UI_ALIGN_CENTER;
    cd->rtl = 0;
    int bw = kit_btn_w(c, T(c, "idle.continue"), P(c, 44)) + S(c, 120);
    bw = bw > w ? w : bw;
    int bh =
        BTN_H(c, 150, P(c, 44), kit_lines(c, T(c, "idle.continue"), P(c, 44), 1, bw - S(c, 60)));
    int rw = kit_btn_w(c, T(c, "idle.restart"), P(c, 32));
    rw = rw > w ? w : rw;
    int rh = BTN_H(c, 96, P(c, 32), kit_lines(c, T(c, "idle.restart"), P(c, 32), 1, rw - S(c, 50)));
    /* "Större text" with a long text: the gaps give way */
    int g1 = S(c, 20), g2 = S(c, 40);
    if (y + ch + g1 + bh + g2 + rh > c->bottom)
        g1 = S(c, 4), g2 = S(c, 16);
    y += ch + g1;
    ui_el *b = kit_button(c, "idle.continue", T(c, "idle.continue"), (c->W - bw) / 2, y, bw, bh,
                          ST_PRIMARY);
    b->px = P(c, 44);
    y += bh + g2;
    ui_el *r = kit_button(c, "nav.restart", T(c, "idle.restart"), (c->W - rw) / 2, y, rw, rh,
                          ST_SECONDARY);
    r->px = P(c, 32);
}

void screen_restart(ctx *c)
{
    const ui_theme *t = c->t;
    int w = c->W - 2 * c->pad;
    c->bottom = c->H - c->pad;
    kit_title(c, T(c, "restart.title"), NULL);
    int y = c->top;
    kit_para(c, T(c, "restart.body"), c->pad, &y, w, P(c, 40), 0, t->text, t->bg);
    /* Keeping the answers is the big, first choice; wiping them the small one. */
    int bw = kit_btn_w(c, T(c, "restart.no"), P(c, 44)) + S(c, 120);
    bw = bw > w ? w : bw;
    int bh = BTN_H(c, 150, P(c, 44), kit_lines(c, T(c, "restart.no"), P(c, 44), 1, bw - S(c, 60)));
    int rw = kit_btn_w(c, T(c, "restart.yes"), P(c, 32)) + S(c, 60);
    rw = rw > w ? w : rw;
    int rh = BTN_H(c, 96, P(c, 32), kit_lines(c, T(c, "restart.yes"), P(c, 32), 1, rw - S(c, 50)));
    /* "Större text" with a long text: the gaps give way first (this screen
     * has no pages: it stands over the step, whose page it keeps) */
    int g1 = S(c, 60), g2 = S(c, 80);
    if (y + g1 + bh + g2 + rh > c->bottom)
        g1 = S(c, 20), g2 = S(c, 40);
    y += g1;
    ui_el *b =
        kit_button(c, "restart.no", T(c, "restart.no"), (c->W - bw) / 2, y, bw, bh, ST_PRIMARY);
    b->px = P(c, 44);
    y += bh + g2;
    ui_el *r =
        kit_button(c, "restart.yes", T(c, "restart.yes"), (c->W - rw) / 2, y, rw, rh, ST_SECONDARY);
    r->px = P(c, 32);
}

void screen_pin(ctx *c)
{
    const flow *f = c->f;
    kit_footer(c, 1, "pin.ok", T(c, "pin.ok"));
    kit_title(c, T(c, "pin.title"), NULL);
    kit_error_line(c);
    char dots[64] = "";
    size_t o = 0;
    for (size_t i = 0; i < strlen(f->pin) && o + 4 < sizeof dots; i++, o += 3)
        memcpy(dots + o, "\xE2\x80\xA2", 3);
    dots[o] = 0;
    int px = P(c, 48);
    int fw = S(c, 520);
    int fh = BTN_H(c, 90, px, 1);
    ui_el *p = kit_panel(c, (c->W - fw) / 2, c->top, fw, fh, c->t->panel_bg, c->t->border, S(c, 3));
    ui_el *e = kit_text(c, "field", dots, p->x + S(c, 10), p->y, fw - S(c, 20), fh, px, 1,
                        c->t->text, c->t->panel_bg);
    e->masked = 1;
    e->align = UI_ALIGN_CENTER;
    e->vcenter = 1;
    c->top += fh + S(c, 20);
    static const char *keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "bksp", "0", ""};
    int kg = S(c, 12);
    int kh = (c->bottom - c->top - 3 * kg) / 4;
    if (kh > BTN_H(c, 100, P(c, 40), 1))
        kh = BTN_H(c, 100, P(c, 40), 1);
    int kw = S(c, 170) > kh * 3 / 2 ? S(c, 170) : kh * 3 / 2;
    int x0 = (c->W - 3 * kw - 2 * kg) / 2;
    for (int i = 0; i < 12; i++) {
        if (!keys[i][0])
            continue;
        char id[16];
        snprintf(id, sizeof id, "pin.%s", keys[i]);
        const char *lab = strcmp(keys[i], "bksp") ? keys[i] : T(c, "key.bksp");
        ui_el *k = kit_add(c, UI_KEY, id, lab, x0 + (i % 3) * (kw + kg),
                           c->top + (i / 3) * (kh + kg), kw, kh);
        k->fg = c->t->key_fg, k->bg = c->t->key_bg, k->border = c->t->key_border;
        k->border_w = S(c, 2);
        k->px = kit_key_px(c, lab, 1, strlen(keys[i]) > 1 ? P(c, 28) : P(c, 40), kw, kh);
        k->bold = 1;
        k->align = UI_ALIGN_CENTER;
        k->vcenter = 1;
        k->no_mirror = 1;
    }
}

void screen_maint(ctx *c)
{
    const ui_theme *t = c->t;
    const flow *f = c->f;
    const ui_status *st = c->st;
    kit_footer(c, 0, NULL, NULL);
    kit_title(c, T(c, "maint.title"), NULL);
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
        trygg_ignore(trygg_i18n_format(
            T(c, k), n, v, line,
            sizeof line)); /* display: a text too long for its buffer shows empty */
        ui_el *e = kit_para(c, line, c->pad, &y, w, px, i == 2, t->text, t->bg);
        e->rtl = 0;
        y += S(c, 8);
    }
    kit_para(c, T(c, st && st->config_from_server ? "maint.config_server" : "maint.config_builtin"),
             c->pad, &y, w, px, 0, t->text, t->bg);
    y += S(c, 30);
    int bw = kit_btn_w(c, T(c, "maint.exit"), P(c, 34));
    kit_button(c, "maint.exit", T(c, "maint.exit"), c->pad, y, bw, S(c, 100), ST_PRIMARY);
    int bw2 = kit_btn_w(c, T(c, "maint.back"), P(c, 34)), x2 = c->pad + bw + c->gap;
    if (x2 + bw2 > c->W - c->pad) /* "Större text" on a portrait screen: under it */
        x2 = c->pad, y += S(c, 100) + c->gap;
    kit_button(c, "maint.back", T(c, "maint.back"), x2, y, bw2, S(c, 100), ST_SECONDARY);
}

void screen_emergency(ctx *c)
{
    const ui_theme *t = c->t;
    const rc_catalog *k = c->f->cat;
    kit_footer(c, 1, NULL, NULL);
    char title[256], body[1024], tip[512];
    const char *n[] = {"number", "tip", NULL};
    const char *v[] = {k->emergency, k->police_tip_phone, NULL};
    /* display: a text too long for its buffer shows empty */
    trygg_ignore(trygg_i18n_format(T(c, "emergency.title"), n, v, title, sizeof title));
    trygg_ignore(trygg_i18n_format(T(c, "emergency.body"), n, v, body, sizeof body));
    trygg_ignore(trygg_i18n_format(T(c, "emergency.tip"), n, v, tip, sizeof tip));
    kit_title(c, title, NULL);
    int w = c->W - 2 * c->pad, y = c->top;
    c->l->el[c->l->n - 1].say_digits = 1;
    kit_para(c, body, c->pad, &y, w, P(c, 36), 0, t->text, t->bg)->say_digits = 1;
    y += S(c, 24);
    kit_para(c, tip, c->pad, &y, w, P(c, 32), 0, t->text, t->bg)->say_digits = 1;
    y += S(c, 24);
    kit_para(c, T(c, "emergency.kiosk"), c->pad, &y, w, P(c, 32), 0, t->muted, t->bg);
}
