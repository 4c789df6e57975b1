/* hit.c — finding boxes in a built list: what a tap hits, a control by id or label. */
#include "layout.h"

#include <string.h>

static int tappable(const ui_el *e)
{
    return e->kind == UI_BUTTON || e->kind == UI_KEY || e->kind == UI_HIDDEN;
}

const ui_el *layout_hit(const ui_list *l, int x, int y)
{
    /* Visible controls win over the hidden corner; later boxes are on top. */
    const ui_el *hidden = NULL;
    for (int i = l->n - 1; i >= 0; i--) {
        const ui_el *e = &l->el[i];
        if (!tappable(e) || x < e->x || y < e->y || x >= e->x + e->w || y >= e->y + e->h)
            continue;
        if (e->kind == UI_HIDDEN) {
            hidden = hidden ? hidden : e;
            continue;
        }
        return e;
    }
    return hidden;
}

const ui_el *layout_find(const ui_list *l, const char *s)
{
    for (int i = 0; i < l->n; i++)
        if (tappable(&l->el[i]) && strcmp(l->el[i].id, s) == 0)
            return &l->el[i];
    for (int i = 0; i < l->n; i++)
        if (tappable(&l->el[i]) && l->el[i].kind != UI_HIDDEN && strcmp(l->el[i].label, s) == 0)
            return &l->el[i];
    return NULL;
}
