/* layout_text.c — measuring and wrapping text for the layout (no SDL). */
#include "layout.h"

#include <stdio.h>
#include <string.h>

#include "trygg/utf8.h"

static ui_measure_fn measure_fn;
static void *measure_user;

void layout_set_measure(ui_measure_fn fn, void *user)
{
    measure_fn = fn;
    measure_user = user;
}

int layout_measure(const char *utf8, int px, int bold, int rtl)
{
    if (measure_fn)
        return measure_fn(measure_user, utf8, px, bold, rtl);
    size_t chars = trygg_utf8_len(utf8);
    return (int)(chars * px * (bold ? 0.6 : 0.55));
}

static int fits(const char *text, size_t start, size_t end, int px, int bold, int rtl, int maxw)
{
    char buf[UI_LABEL_MAX];
    size_t l = end - start;
    if (l >= sizeof buf)
        return 0;
    memcpy(buf, text + start, l);
    buf[l] = 0;
    return layout_measure(buf, px, bold, rtl) <= maxw;
}

/* Break opportunities: before a space (the space is dropped), after '/'
 * (long URLs), and the end of the paragraph. */
static size_t next_break(const char *text, size_t i, size_t end)
{
    while (i < end && text[i] != ' ' && !(i > 0 && text[i - 1] == '/' && text[i] != '/'))
        i++;
    if (i < end && text[i] != ' ')
        return i; /* just after a '/' */
    return i;
}

int layout_wrap(const char *text, int px, int bold, int rtl, int maxw, ui_line *lines, int max)
{
    int n = 0;
    size_t len = strlen(text), pos = 0;
    while (pos <= len && n < max) {
        size_t end = pos + strcspn(text + pos, "\n");
        size_t start = pos;
        for (;;) {
            size_t best = 0, c = start;
            int have = 0;
            while (c < end) {
                size_t b = next_break(text, c + 1, end);
                if (!fits(text, start, b, px, bold, rtl, maxw)) {
                    if (!have) { /* nothing fits: take the first piece anyway */
                        best = b;
                        have = 1;
                    }
                    break;
                }
                best = b;
                have = 1;
                c = b;
                if (b >= end)
                    break;
            }
            if (!have)
                best = end;
            size_t stop = best;
            while (stop > start && text[stop - 1] == ' ')
                stop--;
            lines[n].start = start;
            lines[n].len = stop - start;
            n++;
            start = best;
            while (start < end && text[start] == ' ')
                start++;
            if (start >= end || n >= max)
                break;
        }
        pos = end + 1;
    }
    return n;
}
