/*
 * ui_sdl.h — the only part of the kiosk that talks to SDL (window, renderer,
 * fonts, events). It draws a ui_list (layout.h) and turns SDL events into
 * plain ui_input values; everything else is plain C.
 *
 * Two modes: a real window (full screen on the configured display, cursor
 * hidden, screensaver inhibited, system text input off) and headless (the
 * script mode: a software renderer on an RGB888 surface of exactly the
 * logical size, so screenshots are bit-identical run to run).
 *
 * Threading: everything on the UI thread except ui_wake(), which any thread
 * may call to make ui_wait() return UI_IN_WAKE. Start at ui_open().
 */
#ifndef KIOSK_UI_SDL_H
#define KIOSK_UI_SDL_H

#include <stddef.h>
#include <stdint.h>
#include "layout.h"

typedef struct ui ui;

typedef struct ui_opts {
    int headless;      /* 1: software surface, no window (script mode) */
    int width, height; /* logical size */
    int fullscreen;
    int display;
    const char *font_dir; /* directory with the Noto TTF files */
} ui_opts;

typedef enum ui_input_kind {
    UI_IN_NONE = 0,      /* timeout */
    UI_IN_TAP,           /* x, y in logical pixels */
    UI_IN_WAKE,          /* ui_wake() was called */
    UI_IN_QUIT,          /* window closed / SIGTERM */
    UI_IN_EXPOSE,        /* needs a redraw */
    UI_IN_KEY,           /* a key went down: its SDL scancode name in key */
    UI_IN_AUDIO_ADDED,   /* an audio output device appeared (headphones) */
    UI_IN_AUDIO_REMOVED, /* an audio output device went away */
    UI_IN_FINGER_DOWN,   /* a finger touched the screen: x, y, t (gesture.h) */
    UI_IN_FINGER_UP,     /* the finger left the screen: x, y, t */
} ui_input_kind;

typedef struct ui_input {
    ui_input_kind kind;
    int x, y;
    uint64_t t;   /* UI_IN_FINGER_*: the event's time (ms, ui_ticks' clock) */
    char key[32]; /* UI_IN_KEY: "Keypad 8", "Return" ... (kiosk.ini [keypad]) */
} ui_input;

/* Opens the window (or the headless surface) and loads the fonts. NULL on
 * failure with the reason in err[cap]. */
ui *ui_open(const ui_opts *o, char *err, size_t cap);
/* Checks that the four Noto fonts in font_dir exist and open as fonts
 * (`trygg-kiosk -n`; ui_open checks the same): a missing or corrupt Arabic
 * font would otherwise leave the Arabic screens blank. 0, or -1 with the
 * reason in err. */
int ui_check_fonts(const char *font_dir, char *err, size_t cap);
void ui_close(ui *u);

/* Changes the logical size (headless: a new surface). 0 on success. */
int ui_set_size(ui *u, int w, int h);

/* Draws l and presents it. Text boxes get the font size actually used
 * written back into their px. Only what changed since the last frame is
 * drawn and sent to the screen (software renderer; see ui_sdl.c). */
void ui_draw(ui *u, ui_list *l);

/* on: every frame is drawn whole and each text rendered at each draw and
 * dropped, as before the caches of issue 16 (the reference kiosk_ui_cache
 * compares the cached drawing with). Headless, a plain frame also checks
 * that each text said to lie on a solid colour (rendered onto it once)
 * lies on exactly that colour: ui_plain_misplaced counts the texts where it
 * did not. */
void ui_set_plain(ui *u, int on);
long ui_plain_misplaced(const ui *u);

/* on: the home screen's first page, once drawn, is kept (a copy of its
 * pixels) and shown again from that copy when a frame asks for exactly the
 * same elements; off: never. By default on when the screen has more pixels
 * than 1920x1080, where drawing the home screen whole costs more than
 * copying it (issue 16); the copy is taken in ui_wait, while the kiosk
 * waits for the resident. */
void ui_set_keep_home(ui *u, int on);

/* bench_kiosk fills: the time of one fill of a w×h box in a 3840x2160
 * RGB888 surface, SDL_FillRect's and the row by row fill ui_sdl.c uses,
 * each the mean of reps; -1 on bad sizes. */
int ui_fill_bench(int w, int h, int reps, double *sdl_ms, double *rows_ms);

/* How many frames were shown from the kept home screen (tests, bench). */
long ui_kept_shown(const ui *u);

/* A hash of the pixels of the last frame. Headless mode only (else 0). */
uint64_t ui_frame_hash(const ui *u);

/* Saves the last drawn frame as an RGB PNG (libpng). 0 on success.
 * Headless mode only. */
int ui_save_png(ui *u, const char *path);

/* Waits for input up to timeout_ms (<0: forever). */
void ui_wait(ui *u, int timeout_ms, ui_input *in);

/* Posts a finger event at logical x, y with time t (ms) as a touch screen
 * would (script mode's finger, swipe and doubletap; tests). 0 on success. */
int ui_push_finger(ui *u, int down, int x, int y, uint64_t t);

/* Wakes ui_wait from any thread. */
void ui_wake(void *u);

/* Text width in pixels (layout's measure function). */
int ui_measure(void *u, const char *utf8, int px, int bold, int rtl);

/* Milliseconds since start (monotonic). */
uint64_t ui_ticks(void);

/* 1 when `name` is a key name SDL knows (kiosk.ini [keypad], `-n`). */
int ui_key_known(const char *name);

/* Statistics for the bench: number of cached text textures and fonts. */
void ui_cache_stats(const ui *u, int *textures, int *fonts);

#endif
