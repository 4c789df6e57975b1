/*
 * gesture.h — touch gestures for speech mode (issue 16, defect 2): a
 * resident who cannot see uses the screen as with VoiceOver or TalkBack.
 * A swipe right moves the focus to the next element and speaks it, a swipe
 * left to the previous one; a single tap speaks what is under the finger
 * (and puts the focus there); a double tap anywhere activates the focused
 * element. Plain C, no SDL: the host (main.c) feeds finger-down and
 * finger-up positions in logical pixels with their times, and asks for
 * what they were.
 *
 * A single tap is reported only when no second tap followed within
 * GESTURE_DOUBLE_MS (gesture_poll), so the first tap of a double tap never
 * moves the focus away from the element the resident means to activate.
 */
#ifndef KIOSK_GESTURE_H
#define KIOSK_GESTURE_H

#include <stdint.h>

#define GESTURE_DOUBLE_MS 350  /* second tap of a double tap within this */
#define GESTURE_SWIPE_MS  1000 /* a swipe is quicker than this */

typedef enum gesture_kind {
    GS_NONE = 0,
    GS_TAP,      /* a single tap at x, y: speak what is there */
    GS_NEXT,     /* swipe right: next element */
    GS_PREV,     /* swipe left: previous element */
    GS_ACTIVATE, /* double tap: activate the focused element */
} gesture_kind;

typedef struct gesture {
    int short_side; /* the screen's short side (logical pixels): distances scale with it */
    int down;       /* a finger is down */
    int x0, y0;
    uint64_t t0;
    int pending; /* a tap waits for a possible second one */
    int px, py;
    uint64_t pt;
} gesture;

/* Forgets everything (a new screen size: short_side). */
void gesture_init(gesture *g, int short_side);
/* A finger touched the screen at x, y at time t (ms). */
void gesture_down(gesture *g, int x, int y, uint64_t t);
/* The finger left the screen at x, y at time t: GS_NEXT, GS_PREV,
 * GS_ACTIVATE (the second tap), or GS_NONE (a tap now pending, or a
 * movement that is neither). */
gesture_kind gesture_up(gesture *g, int x, int y, uint64_t t);
/* At time t: GS_TAP with its position in *x, *y when a pending tap had no
 * second one in time, else GS_NONE. */
gesture_kind gesture_poll(gesture *g, uint64_t t, int *x, int *y);
/* When gesture_poll next has something to report (UINT64_MAX: nothing). */
uint64_t gesture_deadline(const gesture *g);

#endif
