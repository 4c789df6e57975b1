/*
 * focus.h — the tactile keypad (EZ Access-style): a focus that moves
 * through a screen's elements in reading order, what the voice says for
 * each, and the on-screen keyboard by row/column scanning. Plain C, no SDL.
 *
 * The focus order is computed from the built list (layout.h), so it is
 * exactly what is drawn: the screen's content in the order the screen code
 * lays it out (title first; in Arabic the mirrored layout reads right to
 * left), then the footer from start to end (right to left in Arabic), then
 * the "Akut? Ring 112" badge. Every text is a stop, not only the buttons,
 * so a resident who cannot see hears everything on the screen (phone
 * numbers digit by digit, the consent text, the review, the receipt). A
 * home tile is one stop with its description. The keys of the on-screen
 * keyboard are one stop: "select" enters it, up/down choose a row, "select"
 * enters the row, up/down choose a key, "select" types it; "back" leaves
 * the row, then the keyboard. In Arabic a row is scanned from the right.
 *
 * The state (focus position, scanning) lives in the flow (flow.focus,
 * flow.kbd_*); layout_build() calls focus_order() and focus_ring() so the
 * ring is drawn where the focus is. The host turns a key into a kcfg_key
 * (kiosk.ini [keypad]) and calls focus_key(). Start at focus_key().
 */
#ifndef KIOSK_FOCUS_H
#define KIOSK_FOCUS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "flow.h"
#include "layout.h"

/* Fills l->order/norder from the elements of l (called by layout_build
 * after mirroring). */
void focus_order(ui_list *l);

/* Position in l->order that has the focus for f (the title when f->focus
 * is -1), or -1 when l has no stops. */
int focus_pos(const flow *f, const ui_list *l);

/* Records the focus ring (l->ring_*) around the focused stop, the keyboard
 * row or the key being scanned; only once the keypad was used. */
void focus_ring(const flow *f, ui_list *l, const ui_theme *t);

/* What the voice says for element i of l: its text; a tile with its
 * description; a checkbox with its state; phone numbers digit group by
 * digit group; a masked field never its content. */
void focus_text(const flow *f, const ui_list *l, int i, char *out, size_t cap);

/* A keypad key. `voice` is the same screen laid out in the voice's
 * language when that differs from the screen's (Somali screen, English
 * voice), else NULL: what is spoken is taken from it. The caller lays the
 * screen out again afterwards (the flow sets dirty). */
void focus_key(flow *f, const ui_list *l, const ui_list *voice, kcfg_key k, uint64_t now);

/* A single tap at x, y in speech mode (gesture.h): the element under the
 * finger gets the focus and is spoken (a key of the on-screen keyboard:
 * the scan is put on it, so "select" or a double tap types it); nothing
 * under the finger: nothing happens. Swipes and the double tap are the
 * keypad's down, up and select (focus_key). Does nothing without speech. */
void focus_explore(flow *f, const ui_list *l, const ui_list *voice, int x, int y, uint64_t now);

/* Writes "1 1 4, 1 4" for "114 14": every digit spoken alone, groups
 * apart, the rest of text unchanged. */
void focus_spell_digits(const char *text, char *out, size_t cap);

#endif
