/*
 * layout_kit.h — private to the layout: the building context and the pieces
 * every screen is made of (boxes, buttons, wrapped text, the header and
 * footer, choice lists, the keyboard and the text field), and the screens.
 * layout.c builds a screen by calling one screen_*() (screens.c,
 * screens_step.c); those place boxes with the kit_*() functions
 * (layout_kit.c, keyboard.c). Sizes are in units of a 1080-pixel short side
 * (S), font sizes also scale with large text (P). Not for use outside the
 * layout: the contract for the rest of the kiosk is layout.h.
 */
#ifndef KIOSK_LAYOUT_KIT_H
#define KIOSK_LAYOUT_KIT_H

#include "layout.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

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
    int body_top;    /* where the content under the title begins (0: top) */
    int portrait;
    int zone; /* UI_ZONE_* given to the boxes being added */
} ctx;

enum style { ST_PRIMARY, ST_SECONDARY, ST_SELECTED, ST_TILE };

/* One option of a choice list: its id ("opt." + id is the button's id) and label. */
typedef struct choice {
    char id[80];
    char label[512]; /* a walk: date, place, meeting point, places left */
} choice;

/* v size units in pixels. */
static inline int S(const ctx *c, double v)
{
    return (int)lround(v * c->u);
}

/* v font units in pixels (large text makes them bigger). */
static inline int P(const ctx *c, double v)
{
    return (int)lround(v * c->u * c->fs);
}

/* Height of a button whose label is `lines` lines at px: at least `base`
 * size units, else what the renderer needs to draw the label without
 * shrinking it (ui_sdl.c: 1.35 × px a line, 2 px inset top and bottom) plus
 * a margin; so "Större text" (200 %) never has to shrink a label. */
static inline int BTN_H(const ctx *c, double base, int px, int lines)
{
    int need = (int)(px * 1.35) * lines + 4 + (int)lround(12 * c->u);
    int b = (int)lround(base * c->u);
    return need > b ? need : b;
}

/* The text of catalog key `key` in the screen's language. */
static inline const char *T(const ctx *c, const char *key)
{
    return flow_text(c->f, key);
}

/* Appends a box of `kind` (id and label copied, cut to fit) at x, y, w×h;
 * when the list is full the last box is reused, so it never overflows. */
ui_el *kit_add(ctx *c, ui_kind kind, const char *id, const char *label, int x, int y, int w, int h);
/* A background panel with a border of bw pixels. */
ui_el *kit_panel(ctx *c, int x, int y, int w, int h, uint32_t bg, uint32_t border, int bw);
/* A text box, start-aligned. */
ui_el *kit_text(ctx *c, const char *id, const char *label, int x, int y, int w, int h, int px,
                int bold, uint32_t fg, uint32_t bg);
/* A button in style s (the focus ring when speech has armed it). */
ui_el *kit_button(ctx *c, const char *id, const char *label, int x, int y, int w, int h,
                  enum style s);
/* Lines of s wrapped to width w. */
int kit_lines(const ctx *c, const char *s, int px, int bold, int w);
/* Height of s wrapped to width w. */
int kit_text_h(const ctx *c, const char *s, int px, int bold, int w);
/* A wrapped paragraph at (x, *y) of width w; advances *y. */
ui_el *kit_para(ctx *c, const char *s, int x, int *y, int w, int px, int bold, uint32_t fg,
                uint32_t bg);
/* Width of a button with label at px (at least a minimum width). */
int kit_btn_w(const ctx *c, const char *label, int px);
/* The header (municipality, emergency number, maintenance corner); sets c->top. */
void kit_header(ctx *c);
/* The footer: restart and back (when back), the accessibility group, and
 * next_id/next_label (none when next_id is NULL); sets c->bottom. */
void kit_footer(ctx *c, int back, const char *next_id, const char *next_label);
/* The screen's title and an optional line under it (sub may be NULL). */
void kit_title(ctx *c, const char *s, const char *sub);
/* "Step n of m" of the report being made. */
void kit_progress(ctx *c);
/* The flow's error message, when there is one. */
void kit_error_line(ctx *c);
/* The page buttons at y: "Föregående" (not on the first page), "Sida n av
 * m", "Fler val" (not on the last page); page is 0-based. */
void kit_pager(ctx *c, int y, int page, int pages);
/* Height of that row. */
int kit_pager_h(const ctx *c);
/* A screen whose content runs below c->bottom ("Större text") shows it on
 * pages: cut between boxes (a panel keeps its texts), the title and the
 * footer on every page, the page buttons above the footer. Screens that
 * page their own lists are left as they are. */
void kit_paginate(ctx *c);
/* "Större text": a card the screen's width at y, as high as its texts (title,
 * body, phone when not NULL, the page's address or no_link), the page's QR
 * code beside them; returns its height. */
int kit_card_row(ctx *c, int y, const char *title, const char *body, const char *phone,
                 const char *url, const char *no_link);
/* The largest size from px down to min at which no line of s (a single
 * word wider than the screen) is wider than w. */
int kit_words_fit(const ctx *c, const char *s, int px, int bold, int w, int min);
/* The n options ch as buttons in columns, paged when they do not fit;
 * `selected` (an id, may be NULL) is shown selected. */
void kit_choices(ctx *c, const choice *ch, int n, const char *selected);
/* The largest size up to `want` at which a key's label fits on one line
 * inside a w×h key as the renderer draws it (a sixth of the height free at
 * each side, 1.35 × px a line): the keys are as wide as the screen allows,
 * so with "Större text" on a narrow screen a letter is as large as its key
 * lets it be rather than shrunk by the renderer. */
int kit_key_px(const ctx *c, const char *label, int bold, int want, int w, int h);
/* The on-screen keyboard under the content: digits only, or the Latin
 * (Swedish) or Arabic letters. */
void kit_keyboard(ctx *c, int digits);
/* A text entry: the field (with its hint) and the keyboard under it. With
 * "Större text", where the keyboard does not fit under the screen's texts,
 * the texts and the field are page 1 and the field and the keyboard page 2
 * (kit_pager); n0 and top0 are the list's length and c->top before the
 * screen's texts (after its footer), so page 2 can leave them out. */
void kit_entry(ctx *c, int n0, int top0, const char *value, int masked, int multiline,
               const char *hint, int digits);
/* The text field being typed in (masked: dots), with an optional hint under it. */
void kit_field(ctx *c, const char *value, int masked, int multiline, const char *hint);

/* The screens (screens.c, screen_home.c): each fills the content area between
 * header and footer. */
void screen_home(ctx *c);
void screen_help(ctx *c);
void screen_receipt(ctx *c);
void screen_save_error(ctx *c);
/* The "are you still there?" warning before the kiosk goes back to start. */
void screen_idle(ctx *c);
/* "Börja om?": asked before answers are wiped (flow.confirm_restart). */
void screen_restart(ctx *c);
/* Maintenance: the PIN pad, then the status screen. */
void screen_pin(ctx *c);
void screen_maint(ctx *c);
/* What to do in an emergency (the 112 badge). */
void screen_emergency(ctx *c);
/* One step of a report (screens_step.c): choices, text entry, consent, review. */
void screen_step(ctx *c);
/* screens_more.c: advice for parents, "Följ ditt ärende" (issue 16) */
void screen_parent(ctx *c);
void screen_follow(ctx *c);

#endif
