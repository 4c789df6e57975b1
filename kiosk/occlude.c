/* occlude.c — rectangle minus rectangles (occlude.h). */
#include "occlude.h"

static int empty(const occ_rect *r)
{
    return r->w <= 0 || r->h <= 0;
}

static int overlap(const occ_rect *a, const occ_rect *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

/* Up to four pieces of a outside cut (which overlaps a): the bands above
 * and below cut at a's full width, then left and right beside it. */
static int split(const occ_rect *a, const occ_rect *cut, occ_rect out[4])
{
    int n = 0;
    int top = cut->y > a->y ? cut->y : a->y;
    int bottom = cut->y + cut->h < a->y + a->h ? cut->y + cut->h : a->y + a->h;
    if (top > a->y)
        out[n++] = (occ_rect){a->x, a->y, a->w, top - a->y};
    if (bottom < a->y + a->h)
        out[n++] = (occ_rect){a->x, bottom, a->w, a->y + a->h - bottom};
    if (cut->x > a->x)
        out[n++] = (occ_rect){a->x, top, cut->x - a->x, bottom - top};
    if (cut->x + cut->w < a->x + a->w)
        out[n++] = (occ_rect){cut->x + cut->w, top, a->x + a->w - cut->x - cut->w, bottom - top};
    return n;
}

int occ_subtract(occ_rect *p, int n, int cap, occ_rect cut)
{
    if (empty(&cut))
        return n;
    /* Downwards: whatever lies above i is done (outside cut), so the last
     * piece can fill the place of a split one and the parts go at the end. */
    for (int i = n - 1; i >= 0; i--) {
        if (!overlap(&p[i], &cut))
            continue;
        occ_rect parts[4];
        int k = split(&p[i], &cut, parts);
        if (n - 1 + k > cap)
            return -1;
        p[i] = p[--n];
        for (int j = 0; j < k; j++)
            p[n++] = parts[j];
    }
    return n;
}

int occ_visible(occ_rect r, const occ_rect *cover, int ncover, occ_rect *out, int cap)
{
    if (empty(&r))
        return 0;
    if (cap < 1)
        return -1;
    out[0] = r;
    int n = 1;
    for (int i = 0; i < ncover && n > 0; i++)
        if ((n = occ_subtract(out, n, cap, cover[i])) < 0)
            return -1;
    return n;
}

static occ_rect meet(occ_rect a, occ_rect b)
{
    int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
    return (occ_rect){x0, y0, x1 - x0, y1 - y0};
}

int occ_union(const occ_rect *r, int n, occ_rect clip, occ_rect *out, int cap)
{
    int nout = 0;
    for (int i = 0; i < n; i++) {
        occ_rect m = meet(r[i], clip);
        if (empty(&m))
            continue;
        if (nout >= cap)
            return -1;
        /* what of m the pieces so far do not hold, after them in out[] */
        out[nout] = m;
        int k = 1;
        for (int j = 0; j < nout && k > 0; j++)
            if ((k = occ_subtract(out + nout, k, cap - nout, out[j])) < 0)
                return -1;
        nout += k;
    }
    return nout;
}
