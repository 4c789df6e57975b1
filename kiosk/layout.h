/*
 * layout.h — what is on the screen: a flat list of boxes built from the
 * flow state, in logical pixels, with no SDL.
 *
 * layout_build() reads the flow and produces ui_el boxes (texts, buttons,
 * keyboard keys, QR codes, panels) for a W×H logical screen. The renderer
 * (ui_sdl.c) draws exactly this list; taps are hit-tested against it; the
 * script mode finds buttons in it by label or id; the screenshot JSON is
 * written from it. So what a test checks is what was drawn.
 *
 * Right-to-left languages: everything is laid out left-to-right and then
 * mirrored in one place (x → W − x − w, start/end alignment swapped), except
 * boxes marked no_mirror (the Latin keyboard, QR codes keep their inside).
 *
 * Text measuring goes through a function the renderer installs
 * (layout_set_measure); without one an estimate is used (unit tests).
 * Start reading at layout_build().
 */
#ifndef KIOSK_LAYOUT_H
#define KIOSK_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include "flow.h"

#define UI_LABEL_MAX 1100
#define UI_MAX_ELS   200

typedef enum ui_kind {
    UI_PANEL = 0, /* a filled box, no text */
    UI_TEXT,      /* text (wrapped inside the box) */
    UI_BUTTON,    /* tappable, label centred */
    UI_KEY,       /* on-screen keyboard key */
    UI_QR,        /* QR code of `label` (a URL) */
    UI_HIDDEN,    /* tappable, not drawn (maintenance corner) */
} ui_kind;

enum { UI_ALIGN_START = 0, UI_ALIGN_CENTER, UI_ALIGN_END }; /* START is left in LTR */

typedef struct ui_el {
    ui_kind kind;
    char id[64];
    char label[UI_LABEL_MAX];
    int x, y, w, h;
    uint32_t fg, bg, border; /* 0xRRGGBB */
    int border_w;
    int px; /* font size in pixels; the renderer may shrink it to fit
               and writes back the size it drew */
    int bold;
    int align; /* UI_ALIGN_*, already resolved for the direction */
    int vcenter;
    int rtl; /* paragraph direction of the text */
    int no_mirror;
    int check;      /* checkbox drawn at the start of a button: 1 empty, 2 ticked */
    int nolabel;    /* button whose label is drawn by separate text boxes */
    int zone;       /* UI_ZONE_*: where the keypad's focus order puts it */
    int masked;     /* shows (part of) a masked field: its text is never spoken */
    int say_digits; /* phone numbers: the voice reads them digit by digit */
    int fit;        /* written by the renderer: UI_FIT_* (how the label went in) */
} ui_el;

/* How a text went into its box (ui_el.fit, "fit" in the screenshot JSON). */
enum { UI_FIT_OK = 0, UI_FIT_SHRUNK, UI_FIT_CLIPPED };

enum { UI_ZONE_CONTENT = 0, UI_ZONE_FOOTER, UI_ZONE_HEADER };

typedef struct ui_list {
    ui_el el[UI_MAX_ELS];
    int n;
    int w, h;
    char screen[64];
    char lang[8];
    int rtl;
    int npages; /* pages of the current choice list (for flow->npages) */
    int page;   /* the page shown (flow->page; the home screen's tiles) */
    int start;  /* flow_at_start: the screen every new resident first sees */
    uint32_t bg;
    /* The keypad's focus order (kiosk/focus.h): indices into el; the keys
     * of the on-screen keyboard are one stop (the first key). */
    int order[UI_MAX_ELS];
    int norder;
    int focus_pos;  /* position in order of the focused stop, -1 none */
    int ring_el;    /* element the ring is on (the key being scanned) */
    int ring_shown; /* the focus ring is drawn around ring_x/y/w/h: a band
                       of ring_in pixels of ring_inner next to the box, then
                       ring_out pixels of ring_outer outside it */
    int ring_x, ring_y, ring_w, ring_h, ring_in, ring_out;
    uint32_t ring_outer, ring_inner;
} ui_list;

typedef struct ui_theme {
    uint32_t bg, text, muted, header_bg, header_fg, primary_bg, primary_fg, secondary_bg,
        secondary_fg, border, selected_bg, selected_fg, danger_bg, danger_fg, panel_bg, key_bg,
        key_fg, key_border, error_fg, focus, notice_bg, notice_fg, focus_outer,
        focus_inner; /* the keypad's two-tone focus ring */
} ui_theme;

/* What maintenance mode shows (filled by the host). */
typedef struct ui_status {
    int server_ok; /* last request reached the server */
    int outbox_depth;
    int dead; /* submissions the server rejected for good */
    char last_error[160];
    int config_from_server;
} ui_status;

typedef int (*ui_measure_fn)(void *user, const char *utf8, int px, int bold, int rtl);

/* Installs the text-width function (NULL: built-in estimate). */
void layout_set_measure(ui_measure_fn fn, void *user);
/* Width of utf8 in pixels through the installed function. */
int layout_measure(const char *utf8, int px, int bold, int rtl);

typedef struct ui_line {
    size_t start, len;
} ui_line;
/* Greedy word wrap of text into lines no wider than maxw (explicit '\n'
 * breaks too); returns the line count (at most max). A word wider than maxw
 * gets a line of its own. */
int layout_wrap(const char *text, int px, int bold, int rtl, int maxw, ui_line *lines, int max);

/* The theme for normal (0) or high contrast (1). */
const ui_theme *layout_theme(int high_contrast);

/* Builds the list for flow f on a w×h logical screen. st may be NULL. */
void layout_build(const flow *f, const ui_status *st, int w, int h, ui_list *out);

/* The label control `id` would have if the screen were in `lang` (same
 * state otherwise): what the voice reads when it speaks another language
 * than the screen shows (Somali screen, English voice). Writes out[cap] and
 * returns 1; 0 when no such control or out of memory. */
int layout_label_in(const flow *f, const ui_status *st, int w, int h, const char *lang,
                    const char *id, char *out, size_t cap);

/* Topmost tappable element at (x, y) (buttons, keys, hidden), or NULL. */
const ui_el *layout_hit(const ui_list *l, int x, int y);
/* Tappable element whose id is `s` or whose label is exactly `s`; NULL if
 * none. Ids are tried first. */
const ui_el *layout_find(const ui_list *l, const char *s);
/* Writes the screenshot description JSON (see docs/kiosk.md) to path. */
int layout_write_json(const ui_list *l, const char *path);

#endif
