/* layout_json.c — the screenshot description (docs/kiosk.md) of a built list. */
#include "layout.h"

#include <jansson.h>
#include <stdio.h>

static void hex(char out[8], uint32_t c)
{
    snprintf(out, 8, "#%06x", c & 0xFFFFFF);
}

int layout_write_json(const ui_list *l, const char *path)
{
    json_t *els = json_array();
    for (int i = 0; i < l->n; i++) {
        const ui_el *e = &l->el[i];
        const char *kind = e->kind == UI_TEXT     ? "text"
                           : e->kind == UI_BUTTON ? "button"
                           : e->kind == UI_KEY    ? "key"
                           : e->kind == UI_QR     ? "qr"
                                                  : NULL;
        if (!kind)
            continue;
        if (e->kind == UI_TEXT && !e->label[0])
            continue;
        char fg[8], bg[8];
        hex(fg, e->fg);
        hex(bg, e->bg);
        static const char *const fits[] = {"ok", "shrunk", "clipped"};
        json_array_append_new(
            els,
            json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:s, s:s, s:i, s:b, s:b, s:s}", "kind",
                      kind, "id", e->id, "label", e->label, "x", e->x, "y", e->y, "w", e->w, "h",
                      e->h, "fg", fg, "bg", bg, "px", e->px, "bold", e->bold, "rtl", e->rtl, "fit",
                      fits[e->fit >= 0 && e->fit <= UI_FIT_CLIPPED ? e->fit : 0]));
    }
    json_t *root = json_pack("{s:s, s:s, s:b, s:i, s:i, s:o}", "screen", l->screen, "lang", l->lang,
                             "rtl", l->rtl, "width", l->w, "height", l->h, "elements", els);
    if (root && l->ring_shown && l->focus_pos >= 0) {
        /* The keypad's focus: the stop, and the ring drawn around ring_x.. */
        const ui_el *e = &l->el[l->ring_el];
        char outer[8], inner[8];
        hex(outer, l->ring_outer);
        hex(inner, l->ring_inner);
        json_object_set_new(root, "focus",
                            json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:s, s:s}", "id",
                                      e->id, "label", e->label, "x", l->ring_x, "y", l->ring_y, "w",
                                      l->ring_w, "h", l->ring_h, "in", l->ring_in, "out",
                                      l->ring_out, "inner", inner, "outer", outer));
    }
    /* whole or not at all (a test may kill the kiosk while it writes) */
    char tmp[1300];
    int rc = -1;
    if (root && (size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) < sizeof tmp &&
        json_dump_file(root, tmp, JSON_INDENT(1)) == 0)
        rc = rename(tmp, path) == 0 ? 0 : -1;
    json_decref(root);
    return rc;
}
