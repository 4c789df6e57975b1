/*
 * occlude.h — what of a box is still seen when opaque boxes are drawn over
 * it (issue 16: a whole frame should not fill pixels that a box drawn later
 * fills again). Plain rectangle arithmetic, no SDL; ui_sdl.c fills only the
 * pieces this leaves of the background and of each box's colour.
 */
#ifndef KIOSK_OCCLUDE_H
#define KIOSK_OCCLUDE_H

typedef struct occ_rect {
    int x, y, w, h;
} occ_rect;

/* The parts of the n disjoint pieces in p[] outside `cut`, in place (a
 * piece becomes up to four): the new count, or -1 when more than cap
 * pieces would be needed (p[] is then spoiled). */
int occ_subtract(occ_rect *p, int n, int cap, occ_rect cut);

/* What of r is seen with cover[0..ncover) drawn above it: up to cap
 * disjoint pieces in out[] whose union is r minus the covers; their count
 * (0: r is hidden), or -1 when more than cap pieces would be needed (then
 * draw r whole). */
int occ_visible(occ_rect r, const occ_rect *cover, int ncover, occ_rect *out, int cap);

/* The union of r[0..n) within clip as up to cap disjoint pieces in out[]:
 * their count, or -1 when more than cap pieces would be needed. (A screen
 * change fills the background only where the last frame had boxes: the
 * rest of the screen is the background already.) */
int occ_union(const occ_rect *r, int n, occ_rect clip, occ_rect *out, int cap);

#endif
