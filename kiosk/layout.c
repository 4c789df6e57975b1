/* layout.c — builds the box list for a screen (no SDL): sets up the
 * context, adds the header, calls the screen (screens.c, screens_step.c)
 * and mirrors the list for right-to-left languages. */
#include "layout_kit.h"

#include "focus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/copy.h"

void layout_build(const flow *f, const ui_status *st, int w, int h, ui_list *out)
{
    ctx c = {.f = f, .st = st, .t = layout_theme(f->high_contrast), .l = out, .W = w, .H = h};
    out->n = 0;
    out->w = w;
    out->h = h;
    out->npages = 1;
    out->page = f->page;
    out->start = flow_at_start(f);
    out->rtl = f->tr && trygg_i18n_has(f->tr, f->lang, "meta.rtl") &&
               strcmp(trygg_i18n_get(f->tr, f->lang, "meta.rtl"), "1") == 0;
    if (!strcmp(f->lang, "ar"))
        out->rtl = 1;
    TRYGG_COPY_FIT(out->lang, f->lang);
    flow_screen_name(f, out->screen, sizeof out->screen);
    out->bg = c.t->bg;
    c.portrait = h > w;
    c.u = (w < h ? w : h) / 1080.0;
    c.fs = f->large_text ? 2.0 : 1.0; /* WCAG 1.4.4: 200 % */
    c.pad = S(&c, 48);
    c.gap = S(&c, 24);
    kit_panel(&c, 0, 0, w, h, c.t->bg, 0, 0);
    kit_header(&c);
    c.bottom = h - S(&c, 20);
    if (f->warning)
        screen_idle(&c);
    else if (f->confirm_restart)
        screen_restart(&c);
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
        case SCR_EMERGENCY:
            screen_emergency(&c);
            break;
        case SCR_PARENT:
            screen_parent(&c);
            break;
        case SCR_FOLLOW:
            screen_follow(&c);
            break;
        }
    kit_paginate(&c);
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
    focus_order(out);
    focus_ring(f, out, c.t);
}

int layout_label_in(const flow *f, const ui_status *st, int w, int h, const char *lang,
                    const char *id, char *out, size_t cap)
{
    flow *g = malloc(sizeof *g);
    ui_list *l = malloc(sizeof *l);
    int found = 0;
    if (g && l)
        *g = *f;
    if (g && l && TRYGG_COPY(g->lang, lang)) {
        layout_build(g, st, w, h, l);
        for (int i = 0; i < l->n && !found; i++)
            if (strcmp(l->el[i].id, id) == 0 && l->el[i].label[0]) {
                trygg_copy_trunc(out, cap, l->el[i].label);
                found = 1;
            }
    }
    free(g);
    free(l);
    return found;
}
