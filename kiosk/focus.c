/* focus.c — the keypad's focus order, ring, spoken texts and scanning (focus.h). */
#include "focus.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trygg/copy.h"

#define KBD_ROWS 8
#define KBD_COLS 16

/* ---- the order ---- */

static int inside(const ui_el *a, const ui_el *b)
{
    return a->x >= b->x && a->y >= b->y && a->x + a->w <= b->x + b->w && a->y + a->h <= b->y + b->h;
}

/* 1 when text element i is drawn as part of a button's label (home tiles). */
static int part_of_button(const ui_list *l, int i)
{
    for (int j = 0; j < l->n; j++)
        if (l->el[j].kind == UI_BUTTON && l->el[j].nolabel && inside(&l->el[i], &l->el[j]))
            return 1;
    return 0;
}

static int is_stop(const ui_list *l, int i, int *seen_key)
{
    const ui_el *e = &l->el[i];
    switch (e->kind) {
    case UI_BUTTON:
        return 1;
    case UI_KEY:
        if (*seen_key)
            return 0;
        *seen_key = 1;
        return 1;
    case UI_TEXT:
        return e->label[0] && e->zone != UI_ZONE_HEADER && !part_of_button(l, i);
    default:
        return 0;
    }
}

/* Footer stops go from the start to the end of each row (right to left in
 * Arabic), rows top to bottom. */
static int before(const ui_list *l, int a, int b)
{
    const ui_el *x = &l->el[a], *y = &l->el[b];
    if (x->y + x->h / 2 < y->y || y->y + y->h / 2 < x->y) /* different rows */
        return x->y < y->y;
    return l->rtl ? x->x > y->x : x->x < y->x;
}

void focus_order(ui_list *l)
{
    int seen_key = 0, n = 0;
    int foot[UI_MAX_ELS], nf = 0, head[UI_MAX_ELS], nh = 0;
    for (int i = 0; i < l->n; i++) {
        if (!is_stop(l, i, &seen_key))
            continue;
        if (l->el[i].zone == UI_ZONE_FOOTER)
            foot[nf++] = i;
        else if (l->el[i].zone == UI_ZONE_HEADER)
            head[nh++] = i;
        else
            l->order[n++] = i;
    }
    for (int i = 1; i < nf; i++) /* insertion sort: a handful of buttons */
        for (int j = i; j > 0 && before(l, foot[j], foot[j - 1]); j--) {
            int t = foot[j];
            foot[j] = foot[j - 1];
            foot[j - 1] = t;
        }
    for (int i = 0; i < nf; i++)
        l->order[n++] = foot[i];
    for (int i = 0; i < nh; i++)
        l->order[n++] = head[i];
    l->norder = n;
}

int focus_pos(const flow *f, const ui_list *l)
{
    if (l->norder == 0)
        return -1;
    if (f->focus >= 0)
        return f->focus < l->norder ? f->focus : l->norder - 1;
    for (int i = 0; i < l->norder; i++)
        if (strcmp(l->el[l->order[i]].id, "title") == 0)
            return i;
    return 0;
}

/* ---- the on-screen keyboard's rows ---- */

typedef struct kbd {
    int rows;
    int n[KBD_ROWS];
    int key[KBD_ROWS][KBD_COLS]; /* element indices */
} kbd;

/* The keys of l in rows (a new row where the top edge changes). */
static void kbd_rows(const ui_list *l, kbd *k)
{
    memset(k, 0, sizeof *k);
    int last_y = -1;
    for (int i = 0; i < l->n; i++) {
        if (l->el[i].kind != UI_KEY)
            continue;
        if (l->el[i].y != last_y) {
            if (k->rows == KBD_ROWS)
                return;
            k->rows++;
            last_y = l->el[i].y;
        }
        int r = k->rows - 1;
        if (k->n[r] < KBD_COLS)
            k->key[r][k->n[r]++] = i;
    }
    if (l->rtl) /* the keys are not mirrored, but an Arabic reader scans from the right */
        for (int r = 0; r < k->rows; r++)
            for (int a = 0, b = k->n[r] - 1; a < b; a++, b--) {
                int t = k->key[r][a];
                k->key[r][a] = k->key[r][b];
                k->key[r][b] = t;
            }
}

static void bbox(const ui_list *l, const int *idx, int n, int *x, int *y, int *w, int *h)
{
    int x0 = l->w, y0 = l->h, x1 = 0, y1 = 0;
    for (int i = 0; i < n; i++) {
        const ui_el *e = &l->el[idx[i]];
        x0 = e->x < x0 ? e->x : x0;
        y0 = e->y < y0 ? e->y : y0;
        x1 = e->x + e->w > x1 ? e->x + e->w : x1;
        y1 = e->y + e->h > y1 ? e->y + e->h : y1;
    }
    *x = x0, *y = y0, *w = x1 - x0, *h = y1 - y0;
}

/* Row and column of the scan, kept inside the keyboard as it is now (shift
 * or the letter switch may have changed it). */
static void clamp_scan(const kbd *k, int *row, int *col)
{
    if (*row >= k->rows)
        *row = k->rows ? k->rows - 1 : 0;
    if (*row < 0)
        *row = 0;
    int n = k->rows ? k->n[*row] : 0;
    if (*col >= n)
        *col = n ? n - 1 : 0;
    if (*col < 0)
        *col = 0;
}

void focus_ring(const flow *f, ui_list *l, const ui_theme *t)
{
    l->ring_shown = 0;
    l->focus_pos = focus_pos(f, l);
    if (!f->keypad || l->focus_pos < 0)
        return;
    int el = l->order[l->focus_pos];
    int x, y, w, h;
    if (l->el[el].kind == UI_KEY) {
        kbd k;
        kbd_rows(l, &k);
        int row = f->kbd_row, col = f->kbd_col;
        clamp_scan(&k, &row, &col);
        int all[KBD_ROWS * KBD_COLS], n = 0;
        for (int r = 0; r < k.rows; r++)
            for (int c = 0; c < k.n[r]; c++)
                all[n++] = k.key[r][c];
        if (f->kbd_scan == 2 && k.rows) {
            bbox(l, &k.key[row][col], 1, &x, &y, &w, &h);
            el = k.key[row][col];
        } else if (f->kbd_scan == 1 && k.rows)
            bbox(l, k.key[row], k.n[row], &x, &y, &w, &h);
        else
            bbox(l, all, n, &x, &y, &w, &h);
    } else {
        const ui_el *e = &l->el[el];
        x = e->x, y = e->y, w = e->w, h = e->h;
    }
    double u = (l->w < l->h ? l->w : l->h) / 1080.0;
    l->ring_in = (int)lround(4 * u) > 2 ? (int)lround(4 * u) : 2;
    l->ring_out = (int)lround(6 * u) > 3 ? (int)lround(6 * u) : 3;
    l->ring_x = x, l->ring_y = y, l->ring_w = w, l->ring_h = h;
    l->ring_el = el;
    l->ring_inner = t->focus_inner;
    l->ring_outer = t->focus_outer;
    l->ring_shown = 1;
}

/* ---- what is spoken ---- */

void focus_spell_digits(const char *text, char *out, size_t cap)
{
    size_t o = 0;
    if (!cap)
        return;
    for (const char *p = text; *p && o + 4 < cap;) {
        if (!isdigit((unsigned char)*p)) {
            out[o++] = *p++;
            continue;
        }
        /* A number: digit groups joined by one space or '-'. */
        while (*p && o + 4 < cap) {
            if (isdigit((unsigned char)*p)) {
                out[o++] = *p++;
                if (isdigit((unsigned char)*p))
                    out[o++] = ' ';
            } else if ((*p == ' ' || *p == '-') && isdigit((unsigned char)p[1])) {
                out[o++] = ',';
                out[o++] = ' ';
                p++;
            } else
                break;
        }
    }
    out[o] = 0;
}

/* The text of element i without the caret of a text field. */
static void plain_label(const ui_el *e, char *out, size_t cap)
{
    trygg_copy_trunc(out, cap, e->label); /* spoken text */
    size_t n = strlen(out);
    if (strcmp(e->id, "field") == 0 && n && out[n - 1] == '|')
        out[n - 1] = 0;
}

static void append(char *out, size_t cap, const char *sep, const char *s)
{
    size_t n = strlen(out);
    if (*s && n + 1 < cap)
        snprintf(out + n, cap - n, "%s%s", n ? sep : "", s);
}

void focus_text(const flow *f, const ui_list *l, int i, char *out, size_t cap)
{
    const ui_el *e = &l->el[i];
    const char *voice = flow_voice_lang(f);
    out[0] = 0;
    if (e->masked) { /* never the content, not even its length */
        trygg_copy_trunc(out, cap, trygg_i18n_get(f->tr, voice, "speech.hidden_field"));
        return;
    }
    char label[UI_LABEL_MAX];
    plain_label(e, label, sizeof label);
    if (strcmp(e->id, "field") == 0 && !label[0])
        TRYGG_COPY_TRUNC(label, trygg_i18n_get(f->tr, voice, "speech.empty_field")); /* spoken */
    if (e->kind == UI_KEY && strcmp(e->id, "key.space") == 0)
        TRYGG_COPY_TRUNC(label, trygg_i18n_get(f->tr, voice, "key.space")); /* spoken */
    if (e->say_digits)
        focus_spell_digits(e->label, label, sizeof label);
    append(out, cap, "", label);
    if (e->kind == UI_BUTTON && e->nolabel) { /* a tile: its description too */
        int described = 0;
        for (int j = 0; j < l->n; j++)
            if (l->el[j].kind == UI_TEXT && inside(&l->el[j], e) &&
                strcmp(l->el[j].label, e->label) != 0) {
                append(out, cap, ". ", l->el[j].label);
                described = 1;
            }
        /* Nine tiles leave no room to draw descriptions on a 1080-pixel
         * screen (issue 16): the voice still reads the catalog's. */
        char dk[96];
        if (!described && (size_t)snprintf(dk, sizeof dk, "%s.desc", e->id) < sizeof dk &&
            trygg_i18n_has(f->tr, "sv", dk))
            append(out, cap, ". ", trygg_i18n_get(f->tr, voice, dk));
    }
    if (e->check)
        append(out, cap, ", ",
               trygg_i18n_get(f->tr, voice, e->check == 2 ? "speech.checked" : "speech.unchecked"));
}

/* ---- the keys ---- */

/* The text of element i in the voice's language (voice list when given). */
static void stop_text(const flow *f, const ui_list *l, const ui_list *voice, int i, char *out,
                      size_t cap)
{
    if (voice && l->el[i].id[0]) /* the same control, by id */
        for (int j = 0; j < voice->n; j++)
            if (voice->el[j].kind == l->el[i].kind && strcmp(voice->el[j].id, l->el[i].id) == 0) {
                focus_text(f, voice, j, out, cap);
                return;
            }
    /* a text without id: the same place in a list of the same shape; else
     * (the layouts differ) the screen's own text */
    if (voice && voice->n == l->n && voice->el[i].kind == l->el[i].kind)
        focus_text(f, voice, i, out, cap);
    else
        focus_text(f, l, i, out, cap);
}

static void say_row(flow *f, const ui_list *l, const ui_list *voice, const kbd *k, int row)
{
    char text[1024], key[128], num[16];
    snprintf(num, sizeof num, "%d", row + 1);
    const char *n[] = {"n", NULL};
    const char *v[] = {num, NULL};
    /* display: a text too long for its buffer is said empty */
    trygg_ignore(trygg_i18n_format(trygg_i18n_get(f->tr, flow_voice_lang(f), "speech.row"), n, v,
                                   text, sizeof text));
    for (int c = 0; c < k->n[row]; c++) {
        stop_text(f, l, voice, k->key[row][c], key, sizeof key);
        append(text, sizeof text, c ? ", " : " ", key);
    }
    flow_say(f, text);
}

static void say_stop(flow *f, const ui_list *l, const ui_list *voice, int pos)
{
    char text[2048];
    int el = l->order[pos];
    if (l->el[el].kind == UI_KEY)
        TRYGG_COPY_TRUNC(text, trygg_i18n_get(f->tr, flow_voice_lang(f), "speech.keyboard"));
    else
        stop_text(f, l, voice, el, text, sizeof text);
    /* A language button says its name in its own voice ("العربية" read by
     * the Swedish voice would be noise), when there is one. */
    const char *id = l->el[el].id;
    if (strncmp(id, "lang.", 5) == 0 && f->speech && f->host.say &&
        (!f->host.has_voice || f->host.has_voice(f->host.user, id + 5))) {
        f->host.say(f->host.user, id + 5, text);
        return;
    }
    flow_say(f, text);
}

/* up/down inside the keyboard: the next row, or the next key in the row. */
static void scan_move(flow *f, const ui_list *l, const ui_list *voice, int dir)
{
    kbd k;
    kbd_rows(l, &k);
    clamp_scan(&k, &f->kbd_row, &f->kbd_col);
    if (!k.rows)
        return;
    if (f->kbd_scan == 1) {
        f->kbd_row = (f->kbd_row + dir + k.rows) % k.rows;
        f->kbd_col = 0;
        say_row(f, l, voice, &k, f->kbd_row);
        return;
    }
    int n = k.n[f->kbd_row];
    f->kbd_col = (f->kbd_col + dir + n) % n;
    char text[256];
    stop_text(f, l, voice, k.key[f->kbd_row][f->kbd_col], text, sizeof text);
    flow_say(f, text);
}

static void select_key(flow *f, const ui_list *l, const ui_list *voice, int pos, uint64_t now)
{
    int el = l->order[pos];
    const ui_el *e = &l->el[el];
    kbd k;
    kbd_rows(l, &k);
    clamp_scan(&k, &f->kbd_row, &f->kbd_col);
    if (e->kind == UI_KEY && f->kbd_scan < 2 && k.rows) {
        if (f->kbd_scan == 0)
            f->kbd_row = 0;
        f->kbd_scan++;
        f->kbd_col = 0;
        if (f->kbd_scan == 1)
            say_row(f, l, voice, &k, f->kbd_row);
        else
            scan_move(f, l, voice, 0);
        return;
    }
    char id[64];
    if (e->kind == UI_KEY && k.rows)
        e = &l->el[k.key[f->kbd_row][f->kbd_col]];
    if (e->kind == UI_TEXT) { /* nothing to do: say it again */
        say_stop(f, l, voice, pos);
        return;
    }
    TRYGG_COPY_FIT(id, e->id);
    flow_activate(f, id, now);
}

static void back_key(flow *f, const ui_list *l, const ui_list *voice, uint64_t now)
{
    if (f->kbd_scan > 0) {
        f->kbd_scan--;
        kbd k;
        kbd_rows(l, &k);
        clamp_scan(&k, &f->kbd_row, &f->kbd_col);
        if (f->kbd_scan == 1 && k.rows)
            say_row(f, l, voice, &k, f->kbd_row);
        else
            flow_say(f, trygg_i18n_get(f->tr, flow_voice_lang(f), "speech.keyboard"));
        return;
    }
    /* The screen's own way back: back, "keep my answers", or stay. */
    static const char *const backs[] = {"nav.back", "restart.no", "idle.continue"};
    for (size_t i = 0; i < sizeof backs / sizeof *backs; i++)
        for (int j = 0; j < l->n; j++)
            if (strcmp(l->el[j].id, backs[i]) == 0) {
                flow_activate(f, backs[i], now);
                return;
            }
}

void focus_key(flow *f, const ui_list *l, const ui_list *voice, kcfg_key k, uint64_t now)
{
    f->keypad = 1;
    f->dirty = 1;
    if (!f->warning)
        f->last_input = now;
    f->now = now;
    int pos = focus_pos(f, l);
    switch (k) {
    case KP_HELP:
        flow_help(f, now);
        return;
    case KP_LOUDER:
    case KP_SOFTER: {
        flow_activate(f, k == KP_LOUDER ? "speech.louder" : "speech.softer", now);
        return;
    }
    case KP_BACK:
        back_key(f, l, voice, now);
        return;
    case KP_SELECT:
        if (pos >= 0)
            select_key(f, l, voice, pos, now);
        return;
    case KP_UP:
    case KP_DOWN: {
        int dir = k == KP_DOWN ? 1 : -1;
        if (f->kbd_scan > 0) {
            scan_move(f, l, voice, dir);
            return;
        }
        if (pos < 0)
            return;
        pos = (pos + dir + l->norder) % l->norder;
        f->focus = pos;
        say_stop(f, l, voice, pos);
        return;
    }
    case KP_N:
        return;
    }
}

/* ---- touch exploration (speech mode, gesture.h) ---- */

static int contains(const ui_el *e, int x, int y)
{
    return x >= e->x && y >= e->y && x < e->x + e->w && y < e->y + e->h;
}

/* A key of the on-screen keyboard under x, y: the keyboard's stop gets the
 * focus and the scan is put on that key, so a double tap types it. */
static int explore_key(flow *f, const ui_list *l, const ui_list *voice, int x, int y)
{
    kbd k;
    kbd_rows(l, &k);
    for (int r = 0; r < k.rows; r++)
        for (int c = 0; c < k.n[r]; c++) {
            int el = k.key[r][c];
            if (!contains(&l->el[el], x, y))
                continue;
            for (int p = 0; p < l->norder; p++)
                if (l->el[l->order[p]].kind == UI_KEY)
                    f->focus = p;
            f->kbd_scan = 2;
            f->kbd_row = r;
            f->kbd_col = c;
            char text[256];
            stop_text(f, l, voice, el, text, sizeof text);
            flow_say(f, text);
            return 1;
        }
    return 0;
}

void focus_explore(flow *f, const ui_list *l, const ui_list *voice, int x, int y, uint64_t now)
{
    if (!f->speech)
        return;
    f->keypad = 1;
    f->dirty = 1;
    if (!f->warning)
        f->last_input = now;
    f->now = now;
    if (explore_key(f, l, voice, x, y))
        return;
    /* the last stop under the finger: a control drawn over a panel wins */
    int hit = -1;
    for (int p = 0; p < l->norder; p++)
        if (l->el[l->order[p]].kind != UI_KEY && contains(&l->el[l->order[p]], x, y))
            hit = p;
    if (hit < 0)
        return; /* nothing there: silence, as a screen reader does */
    f->focus = hit;
    f->kbd_scan = 0;
    say_stop(f, l, voice, hit);
}
