/* gesture.c — swipe, tap and double tap from finger down/up (gesture.h). */
#include "gesture.h"

#include <stdlib.h>
#include <string.h>

void gesture_init(gesture *g, int short_side)
{
    memset(g, 0, sizeof *g);
    g->short_side = short_side > 0 ? short_side : 1080;
}

void gesture_down(gesture *g, int x, int y, uint64_t t)
{
    g->down = 1;
    g->x0 = x;
    g->y0 = y;
    g->t0 = t;
}

gesture_kind gesture_up(gesture *g, int x, int y, uint64_t t)
{
    if (!g->down)
        return GS_NONE;
    g->down = 0;
    int dx = x - g->x0, dy = y - g->y0;
    int slop = g->short_side * 3 / 100;  /* 32 px at 1080: still a tap */
    int swipe = g->short_side * 6 / 100; /* 64 px at 1080: a swipe */
    if (abs(dx) >= swipe && abs(dx) > 2 * abs(dy) && t - g->t0 <= GESTURE_SWIPE_MS) {
        g->pending = 0;
        return dx > 0 ? GS_NEXT : GS_PREV;
    }
    if (abs(dx) > slop || abs(dy) > slop)
        return GS_NONE; /* a drag: nothing */
    int near = g->short_side * 8 / 100;
    if (g->pending && t - g->pt <= GESTURE_DOUBLE_MS && abs(x - g->px) <= near &&
        abs(y - g->py) <= near) {
        g->pending = 0;
        return GS_ACTIVATE;
    }
    g->pending = 1;
    g->px = g->x0;
    g->py = g->y0;
    g->pt = t;
    return GS_NONE;
}

gesture_kind gesture_poll(gesture *g, uint64_t t, int *x, int *y)
{
    if (!g->pending || g->down || t < g->pt + GESTURE_DOUBLE_MS)
        return GS_NONE;
    g->pending = 0;
    *x = g->px;
    *y = g->py;
    return GS_TAP;
}

uint64_t gesture_deadline(const gesture *g)
{
    return g->pending ? g->pt + GESTURE_DOUBLE_MS + 1 : UINT64_MAX;
}
