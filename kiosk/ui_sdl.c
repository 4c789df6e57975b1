/* ui_sdl.c — SDL2 + SDL_ttf: window, drawing, text, QR codes, events. */
#include "ui_sdl.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <png.h>
#include <setjmp.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "trygg/log.h"

#include "trygg/copy.h"

#include "bidi.h"
#include "occlude.h"

#define FONT_SLOTS     256
#define BLOCK_SLOTS    1024 /* text boxes rendered once and kept (see text_block) */
#define CACHE_SCREENS  3    /* their textures: at most this many screens of pixels */
#define MEASURE_SLOTS  4096 /* text widths (layout measures the same texts again and again) */
#define MAX_DIRTY      48   /* more changed boxes than this: the whole frame is drawn */
#define MAX_RUNS       64   /* bidi runs of one line */
#define BLOCK_RUNS     256  /* runs of one text box */
#define MAX_PIECES     256  /* a fill cut into more pieces than this is done whole */
#define COVER_PER_TEXT 4    /* a text's opaque lines that save filling under them */
#define MAX_COVER      (UI_MAX_ELS * COVER_PER_TEXT)
#define MIN_PX         14

typedef struct font_slot {
    TTF_Font *f;
    int px, bold, arabic;
} font_slot;

/* One run of text as rendered, placed relative to its box. */
typedef struct piece {
    SDL_Texture *t;
    SDL_Rect dst;
} piece;

/* A text box drawn once: the wrapping, shrinking, bidi and rendering of
 * draw_text are done the first time a (text, size, box, colour) is seen and
 * the textures reused while it is on screen (issue 16: text rendered once per
 * screen). Evicted least recently used beyond BLOCK_SLOTS or CACHE_SCREENS. */
typedef struct text_block {
    uint64_t key; /* 0: empty */
    int px, how;
    int nopaque; /* p[0..nopaque): the text on its solid colour, opaque */
    piece *p;
    int np;
    size_t bytes;
    uint64_t used;
} text_block;

typedef struct measure_slot {
    uint64_t key; /* 0: empty */
    int w;
} measure_slot;

/* What the last frame showed, to draw only what changed. */
typedef struct shown {
    int n, w, h, rtl, valid;
    uint32_t bg;
    uint64_t hash[UI_MAX_ELS];
    SDL_Rect rect[UI_MAX_ELS];
    int px[UI_MAX_ELS], fit[UI_MAX_ELS];
    uint64_t ring; /* 0: no ring */
    SDL_Rect ring_rect;
} shown;

struct ui {
    SDL_Window *win;
    SDL_Renderer *r;
    SDL_Surface *surface; /* headless target */
    int headless, w, h;
    char font_dir[512];
    font_slot fonts[FONT_SLOTS];
    int font_next;
    void *font_data[2][2]; /* [arabic][bold] file contents, loaded once */
    size_t font_size[2][2];
    text_block blocks[BLOCK_SLOTS];
    size_t block_bytes;
    uint64_t frame_no;
    measure_slot measured[MEASURE_SLOTS];
    int partial;    /* the target keeps its pixels between frames: draw only changes */
    int plain;      /* ui_set_plain: every frame whole, no text kept (tests' reference) */
    long misplaced; /* plain: texts on another colour than the one they were rendered on */
    shown last;
    uint64_t last_key; /* frame_key of the last frame when it may be kept, else 0 */
    /* The home screen's first page as last shown (ui_set_keep_home) */
    int keep;         /* -1: by the screen's size */
    int keep_pending; /* the last frame is to be kept (ui_wait) */
    SDL_Surface *kept;
    shown kept_shown;
    uint64_t kept_key;
    long kept_hits;
    /* ui_draw: the box being redrawn over the last frame (NULL: the whole
     * frame) and this frame's element hashes (fill_over_old) */
    const SDL_Rect *redraw_box;
    const uint64_t *hashes;
    Uint32 wake_event;
    int audio_wanted;      /* window: start the audio subsystem after the first frame */
    int fullscreen_wanted; /* window: ask for full screen after the first frame */
    uint64_t audio_since;  /* when the audio subsystem started (headphone events) */
};

static ui *wake_target;

_Static_assert(sizeof(wchar_t) == sizeof(Uint32), "fill: wmemset writes 32-bit pixels");

static void start_audio(ui *u);
static void ui_draw_after(ui *u);
static SDL_Surface *target(ui *u);

uint64_t ui_ticks(void)
{
    return SDL_GetTicks64();
}

static TTF_Font *font(ui *u, int px, int bold, int arabic)
{
    for (int i = 0; i < FONT_SLOTS; i++)
        if (u->fonts[i].f && u->fonts[i].px == px && u->fonts[i].bold == bold &&
            u->fonts[i].arabic == arabic)
            return u->fonts[i].f;
    if (!u->font_data[arabic][bold])
        return NULL;
    SDL_RWops *rw = SDL_RWFromConstMem(u->font_data[arabic][bold], (int)u->font_size[arabic][bold]);
    TTF_Font *f = rw ? TTF_OpenFontRW(rw, 1, px) : NULL;
    if (!f)
        return NULL;
    TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
    font_slot *s = &u->fonts[u->font_next];
    u->font_next = (u->font_next + 1) % FONT_SLOTS;
    if (s->f) {
        /* Textures do not reference fonts, so closing is safe. */
        TTF_CloseFont(s->f);
    }
    s->f = f;
    s->px = px;
    s->bold = bold;
    s->arabic = arabic;
    return f;
}

static void set_dir(TTF_Font *f, const bidi_run *r)
{
    if (r->arabic) {
        TTF_SetFontDirection(f, r->rtl ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
        TTF_SetFontScriptName(f, "Arab");
    } else {
        TTF_SetFontDirection(f, TTF_DIRECTION_LTR);
        TTF_SetFontScriptName(f, "Latn");
    }
}

/* Splits one line into runs; a line bidi cannot handle becomes one LTR run. */
static int runs_of(const char *line, int rtl, bidi_run *runs)
{
    int n = bidi_runs(line, rtl, runs, MAX_RUNS);
    if (n < 0) {
        runs[0] = (bidi_run){0, strlen(line), 0, 0};
        n = line[0] ? 1 : 0;
    }
    return n;
}

static int run_width(ui *u, const char *line, const bidi_run *r, int px, int bold)
{
    TTF_Font *f = font(u, px, bold, r->arabic);
    if (!f)
        return 0;
    char buf[UI_LABEL_MAX];
    size_t n = r->len < sizeof buf ? r->len : sizeof buf - 1;
    memcpy(buf, line + r->start, n);
    buf[n] = 0;
    set_dir(f, r);
    int w = 0, h = 0;
    TTF_SizeUTF8(f, buf, &w, &h);
    return w;
}

static uint64_t hash_str(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

#define HASH_START 1469598103934665603ull

static uint64_t hash_ints(uint64_t h, const int *v, size_t n)
{
    return hash_str(h, (const char *)v, n * sizeof *v);
}

static int measure_uncached(ui *u, const char *utf8, int px, int bold, int rtl)
{
    bidi_run runs[MAX_RUNS];
    int n = runs_of(utf8, rtl, runs);
    int w = 0;
    for (int i = 0; i < n; i++)
        w += run_width(u, utf8, &runs[i], px, bold);
    return w;
}

/* Widths are remembered in a fixed table (a slot is overwritten by the next
 * text that hashes to it), so layout and drawing shape each text once. */
int ui_measure(void *user, const char *utf8, int px, int bold, int rtl)
{
    ui *u = user;
    int meta[3] = {px, bold, rtl};
    uint64_t key = hash_ints(hash_str(HASH_START, utf8, strlen(utf8)), meta, 3) | 1;
    measure_slot *m = &u->measured[key % MEASURE_SLOTS];
    if (m->key != key) {
        m->w = measure_uncached(u, utf8, px, bold, rtl);
        m->key = key;
    }
    return m->w;
}

static void block_free(ui *u, text_block *b)
{
    for (int i = 0; i < b->np; i++)
        SDL_DestroyTexture(b->p[i].t);
    free(b->p);
    u->block_bytes -= b->bytes;
    memset(b, 0, sizeof *b);
}

static void cache_clear(ui *u)
{
    for (int i = 0; i < BLOCK_SLOTS; i++)
        if (u->blocks[i].key)
            block_free(u, &u->blocks[i]);
    u->last.valid = 0;
}

/* A free slot, evicting the least recently used blocks (never one drawn in
 * this frame) while over the pixel budget. */
static text_block *block_slot(ui *u, size_t need)
{
    size_t budget = (size_t)CACHE_SCREENS * (size_t)u->w * (size_t)u->h * 4;
    for (;;) {
        text_block *free_slot = NULL, *old = NULL;
        for (int i = 0; i < BLOCK_SLOTS; i++) {
            text_block *b = &u->blocks[i];
            if (!b->key)
                free_slot = free_slot ? free_slot : b;
            else if (b->used != u->frame_no && (!old || b->used < old->used))
                old = b;
        }
        if (free_slot && (u->block_bytes + need <= budget || !old))
            return free_slot;
        if (!old)
            return NULL;
        block_free(u, old);
    }
}

typedef struct text_req {
    const char *utf8;
    int rtl, px, bold, bw, bh, align, vcenter, keep_end;
    uint32_t fg;
    /* Under the box, in box coordinates: `solid` (0xRRGGBB) fills `area`
     * (-1: unknown, the text is blended onto whatever is there). */
    int64_t solid;
    SDL_Rect area;
} text_req;

/* Wraps the text into the box, shrinking the font until it fits; returns
 * the size and the lines (n, first: the lines shown) and *how. */
static int fit_text(ui *u, const text_req *q, ui_line *lines, int *n, int *first, int *how)
{
    int px = q->px, want = q->px, widest = 0;
    *n = 0;
    for (int tries = 0; px >= MIN_PX && tries < 12; tries++) {
        *n = layout_wrap(q->utf8, px, q->bold, q->rtl, q->bw, lines, 64);
        widest = 0;
        for (int i = 0; i < *n; i++) {
            char line[UI_LABEL_MAX];
            snprintf(line, sizeof line, "%.*s", (int)lines[i].len, q->utf8 + lines[i].start);
            int w = ui_measure(u, line, px, q->bold, q->rtl);
            widest = w > widest ? w : widest;
        }
        int fits_h = *n * (int)(px * 1.35) <= q->bh;
        if (fits_h && widest <= q->bw)
            break;
        if (q->keep_end && px <= 30)
            break; /* a long typed text: keep the size, show the last lines */
        int next = px - (px > 40 ? 4 : 2);
        if (widest > q->bw && *n == 1) {
            int scaled = (int)((long)px * q->bw / widest);
            next = scaled < next ? scaled : next;
        }
        px = next;
    }
    if (px < MIN_PX)
        px = MIN_PX;
    int lh = (int)(px * 1.35);
    int fit = q->bh / lh > 0 ? q->bh / lh : 1;
    *how = *n > fit || widest > q->bw ? UI_FIT_CLIPPED : px < want ? UI_FIT_SHRUNK : UI_FIT_OK;
    *first = 0;
    if (*n > fit)
        *first = q->keep_end ? *n - fit : 0, *n = q->keep_end ? *n : fit;
    return px;
}

/* The run surfaces of a block before they become textures. */
typedef struct run_surface {
    SDL_Surface *s;
    SDL_Rect dst;
} run_surface;

/* One run rendered: on the solid colour `solid` (0xRRGGBB) when it is
 * known (TTF shaded: 8 bits a pixel, the colour key where there is no ink),
 * otherwise TTF blended (ARGB with the coverage in alpha). */
static SDL_Surface *render_run(ui *u, const char *text, size_t len, const bidi_run *r, int px,
                               int bold, uint32_t fg, int64_t solid)
{
    TTF_Font *f = font(u, px, bold, r->arabic);
    if (!f)
        return NULL;
    char buf[UI_LABEL_MAX];
    size_t n = len < sizeof buf ? len : sizeof buf - 1;
    memcpy(buf, text, n);
    buf[n] = 0;
    set_dir(f, r);
    SDL_Color c = {(fg >> 16) & 0xFF, (fg >> 8) & 0xFF, fg & 0xFF, 0xFF};
    if (solid < 0)
        return TTF_RenderUTF8_Blended(f, buf, c);
    SDL_Color bg = {(solid >> 16) & 0xFF, (solid >> 8) & 0xFF, solid & 0xFF, 0xFF};
    SDL_Surface *s = TTF_RenderUTF8_Shaded(f, buf, c, bg);
    if (s)
        SDL_SetColorKey(s, SDL_TRUE, 0);
    return s;
}

/* Renders each run of each shown line, placed as drawn; returns how many. */
static int render_lines(ui *u, const text_req *q, int px, const ui_line *lines, int n, int first,
                        run_surface *out, int cap)
{
    int lh = (int)(px * 1.35), nout = 0;
    int y = q->vcenter ? (q->bh - (n - first) * lh) / 2 : 0;
    for (int i = first; i < n; i++, y += lh) {
        char line[UI_LABEL_MAX];
        snprintf(line, sizeof line, "%.*s", (int)lines[i].len, q->utf8 + lines[i].start);
        bidi_run runs[MAX_RUNS];
        int nr = runs_of(line, q->rtl, runs);
        int widths[MAX_RUNS], lw = 0;
        for (int k = 0; k < nr; k++)
            lw += widths[k] = run_width(u, line, &runs[k], px, q->bold);
        int x = q->align == UI_ALIGN_CENTER  ? (q->bw - lw) / 2
                : (q->align == UI_ALIGN_END) ? q->bw - lw
                                             : 0;
        for (int k = 0; k < nr && nout < cap; k++) {
            SDL_Surface *s = render_run(u, line + runs[k].start, runs[k].len, &runs[k], px, q->bold,
                                        q->fg, q->solid);
            if (s) /* both fonts share the baseline when their boxes are centred on the line */
                out[nout++] = (run_surface){s, {x, y + (lh - s->h) / 2, s->w, s->h}};
            x += widths[k];
        }
    }
    return nout;
}

static void add_piece(text_block *b, SDL_Texture *t, SDL_Rect dst)
{
    if (!t)
        return;
    b->p[b->np++] = (piece){t, dst};
    b->bytes += (size_t)dst.w * (size_t)dst.h * 4;
}

/* The part src of run surface s as a texture of its own, blended at draw:
 * the ink colour fg with the coverage as alpha, as TTF blended renders it
 * (a shaded run's pixel is its coverage: palette entry 0 is no ink, 255 is
 * fg). */
static SDL_Texture *run_part(ui *u, SDL_Surface *s, SDL_Rect src, uint32_t fg)
{
    SDL_Surface *c = SDL_CreateRGBSurfaceWithFormat(0, src.w, src.h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Texture *t = NULL;
    if (!c)
        return NULL;
    if (s->format->BytesPerPixel == 1) {
        for (int y = 0; y < src.h; y++) {
            const Uint8 *in = (const Uint8 *)s->pixels + (size_t)(src.y + y) * s->pitch + src.x;
            Uint32 *out = (Uint32 *)((Uint8 *)c->pixels + (size_t)y * c->pitch);
            for (int x = 0; x < src.w; x++)
                out[x] = (Uint32)in[x] << 24 | (fg & 0xFFFFFF);
        }
    } else {
        SDL_SetSurfaceBlendMode(s, SDL_BLENDMODE_NONE);
        if (SDL_BlitSurface(s, &src, c, NULL) != 0)
            src.w = 0;
        SDL_SetSurfaceBlendMode(s, SDL_BLENDMODE_BLEND);
    }
    if (src.w > 0) {
        SDL_SetSurfaceBlendMode(c, SDL_BLENDMODE_BLEND);
        t = SDL_CreateTextureFromSurface(u->r, c);
    }
    SDL_FreeSurface(c);
    return t;
}

/* The runs on the solid colour bg in the box r (block coordinates), as an
 * opaque texture; NULL when it could not be made. One run that fills the
 * box is copied in (its shaded pixels are already on bg); otherwise the box
 * is filled with bg and the runs' inked pixels put over it. */
static SDL_Texture *opaque_part(ui *u, const run_surface *rs, int nr, SDL_Rect r, uint32_t bg,
                                int only)
{
    SDL_Texture *t =
        SDL_CreateTexture(u->r, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING, r.w, r.h);
    void *pixels;
    int pitch;
    if (!t || SDL_LockTexture(t, NULL, &pixels, &pitch) != 0) {
        if (t)
            SDL_DestroyTexture(t);
        return NULL;
    }
    SDL_Surface *c =
        SDL_CreateRGBSurfaceWithFormatFrom(pixels, r.w, r.h, 32, pitch, SDL_PIXELFORMAT_RGB888);
    int ok = c != NULL;
    if (c && only >= 0) {
        SDL_Surface *s = rs[only].s;
        SDL_Rect src = {r.x - rs[only].dst.x, r.y - rs[only].dst.y, r.w, r.h};
        SDL_SetColorKey(s, SDL_FALSE, 0);
        ok = SDL_BlitSurface(s, &src, c, NULL) == 0;
        SDL_SetColorKey(s, SDL_TRUE, 0);
    } else if (c) {
        SDL_FillRect(c, NULL,
                     SDL_MapRGB(c->format, (bg >> 16) & 0xFF, (bg >> 8) & 0xFF, bg & 0xFF));
        for (int i = 0; i < nr; i++) {
            SDL_Rect d = {rs[i].dst.x - r.x, rs[i].dst.y - r.y, rs[i].dst.w, rs[i].dst.h};
            if (d.x < r.w && d.x + d.w > 0 && d.y < r.h && d.y + d.h > 0)
                SDL_BlitSurface(rs[i].s, NULL, c, &d);
        }
    }
    SDL_FreeSurface(c);
    SDL_UnlockTexture(t);
    if (!ok) {
        SDL_DestroyTexture(t);
        return NULL;
    }
    return t;
}

static int cmp_int(const void *a, const void *b)
{
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* The runs on the solid colour as opaque pieces of `in` (their union within
 * the area), in rows one under the other: a row's edges are where a run
 * begins or ends, so most rows lie in one run and are a plain copy of it;
 * the thin rows where a line's descenders meet the next line's accents hold
 * both. Each row is as wide as the runs in it. 0, or -1 when a piece could
 * not be made. */
static int opaque_rows(ui *u, text_block *b, const run_surface *rs, int nr, SDL_Rect in,
                       uint32_t bg)
{
    int ys[2 * BLOCK_RUNS + 2], ny = 0;
    ys[ny++] = in.y;
    ys[ny++] = in.y + in.h;
    for (int i = 0; i < nr && ny + 2 <= (int)(sizeof ys / sizeof *ys); i++) {
        int top = rs[i].dst.y, bot = rs[i].dst.y + rs[i].dst.h;
        if (top > in.y && top < in.y + in.h)
            ys[ny++] = top;
        if (bot > in.y && bot < in.y + in.h)
            ys[ny++] = bot;
    }
    qsort(ys, (size_t)ny, sizeof *ys, cmp_int);
    for (int k = 0; k + 1 < ny; k++) {
        int y0 = ys[k], y1 = ys[k + 1], x0 = in.x + in.w, x1 = in.x, nin = 0, only = -1;
        if (y1 <= y0)
            continue;
        for (int i = 0; i < nr; i++) {
            const SDL_Rect *d = &rs[i].dst;
            if (d->y >= y1 || d->y + d->h <= y0 || d->x >= in.x + in.w || d->x + d->w <= in.x)
                continue;
            x0 = d->x < x0 ? d->x : x0;
            x1 = d->x + d->w > x1 ? d->x + d->w : x1;
            nin++;
            only = i;
        }
        x0 = x0 < in.x ? in.x : x0;
        x1 = x1 > in.x + in.w ? in.x + in.w : x1;
        if (nin == 0 || x1 <= x0)
            continue;
        SDL_Rect r = {x0, y0, x1 - x0, y1 - y0};
        int one = nin == 1 && rs[only].s->format->BytesPerPixel == 1;
        SDL_Texture *t = opaque_part(u, rs, nr, r, bg, one ? only : -1);
        if (!t)
            return -1;
        add_piece(b, t, r);
        b->nopaque = b->np;
    }
    return 0;
}

/* When the runs lie on a known solid colour (q->area) they are rendered
 * onto it (TTF shaded) into opaque textures a frame only copies (issue 16:
 * blending every text again cost 5 ms of a 3840x2160 home screen, and
 * blending it once onto the colour another 5 ms at each new text). What of
 * a run reaches out of the area (a row of an accent above the box, a
 * descender below it) stays a texture of its own, blended at every draw, as
 * is every run when the colour under the text is not known. */
static void block_render(ui *u, const text_req *q, text_block *b, const ui_line *lines, int n,
                         int first)
{
    run_surface rs[BLOCK_RUNS];
    int nr = render_lines(u, q, b->px, lines, n, first, rs, BLOCK_RUNS);
    /* at most: two rows per run and one more, and four pieces of each run
     * outside them */
    b->p = calloc((size_t)nr * 6 + 2, sizeof *b->p);
    SDL_Rect all = {0, 0, 0, 0}, in = {0, 0, 0, 0};
    for (int i = 0; i < nr; i++)
        SDL_UnionRect(&all, &rs[i].dst, &all);
    int solid = q->solid >= 0 && nr > 0 && b->p && SDL_IntersectRect(&all, &q->area, &in);
    if (solid && opaque_rows(u, b, rs, nr, in, (uint32_t)q->solid) != 0) {
        for (int i = 0; i < b->np; i++)
            SDL_DestroyTexture(b->p[i].t);
        b->np = b->nopaque = 0;
        b->bytes = 0;
        solid = 0;
    }
    for (int i = 0; i < nr; i++) {
        SDL_Rect r = rs[i].dst;
        if (!solid && b->p) {
            add_piece(b, SDL_CreateTextureFromSurface(u->r, rs[i].s), r);
        } else if (solid) { /* the bands of the run above, below, before and after `in` */
            int top = in.y - r.y, bot = r.y + r.h - (in.y + in.h);
            int y0 = r.y + (top > 0 ? top : 0), y1 = r.y + r.h - (bot > 0 ? bot : 0);
            SDL_Rect band[4] = {{r.x, r.y, r.w, top},
                                {r.x, in.y + in.h, r.w, bot},
                                {r.x, y0, in.x - r.x, y1 - y0},
                                {in.x + in.w, y0, r.x + r.w - (in.x + in.w), y1 - y0}};
            for (int k = 0; k < 4; k++) {
                SDL_Rect src = {band[k].x - r.x, band[k].y - r.y, band[k].w, band[k].h};
                if (src.w > 0 && src.h > 0)
                    add_piece(b, run_part(u, rs[i].s, src, q->fg), band[k]);
            }
        }
        SDL_FreeSurface(rs[i].s);
    }
}

static text_block *block_get(ui *u, const text_req *q)
{
    int meta[14] = {q->rtl,    q->px,      q->bold,     q->bw,      q->bh,
                    q->align,  q->vcenter, q->keep_end, (int)q->fg, (int)q->solid,
                    q->area.x, q->area.y,  q->area.w,   q->area.h};
    uint64_t key = hash_ints(hash_str(HASH_START, q->utf8, strlen(q->utf8)), meta, 14) | 1;
    for (int i = 0; i < BLOCK_SLOTS; i++)
        if (u->blocks[i].key == key) {
            u->blocks[i].used = u->frame_no;
            return &u->blocks[i];
        }
    ui_line lines[64];
    int n, first, how;
    int px = fit_text(u, q, lines, &n, &first, &how);
    text_block tmp = {.key = key, .px = px, .how = how, .used = u->frame_no};
    block_render(u, q, &tmp, lines, n, first);
    text_block *b = block_slot(u, tmp.bytes);
    if (!b) { /* every slot is on screen: draw it this once */
        b = &u->blocks[0];
        block_free(u, b);
    }
    *b = tmp;
    u->block_bytes += tmp.bytes;
    return b;
}

/* The box r of the 32-bit surface t (inside it) filled with px, row by row. */
static void fill_rows(SDL_Surface *t, SDL_Rect r, Uint32 px)
{
    for (int row = r.y; row < r.y + r.h; row++)
        wmemset((wchar_t *)((Uint8 *)t->pixels + (size_t)row * (size_t)t->pitch) + r.x, (wchar_t)px,
                (size_t)r.w);
}

/* Fills a box with c. Into the software target (the window surface, the
 * headless surface) row by row with wmemset: SDL 2.26's SSE fill pays about
 * 300 ns for every row of 17 pixels or more (non-temporal stores into part
 * of a cache line), 0.6 ms for a 40x1800 strip where wmemset takes 0.03 ms,
 * and a 3840x2160 screen is cut into many such boxes (tiles, the gaps
 * between them, borders); a whole row is no slower (`bench_kiosk fills`). */
static void fill(ui *u, int x, int y, int w, int h, uint32_t c)
{
    SDL_Rect rc = {x, y, w, h}, in;
    SDL_Surface *t = u->partial && !u->plain ? target(u) : NULL;
    if (t && t->format->BytesPerPixel == 4 && !SDL_MUSTLOCK(t)) {
        SDL_Rect clip = {0, 0, t->w, t->h}, set;
        if (SDL_RenderIsClipEnabled(u->r)) {
            SDL_RenderGetClipRect(u->r, &set);
            if (!SDL_IntersectRect(&clip, &set, &clip))
                return;
        }
        if (!SDL_IntersectRect(&rc, &clip, &in))
            return;
        SDL_RenderFlush(u->r); /* (what the renderer queued goes first) */
        fill_rows(t, in, SDL_MapRGB(t->format, (c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF));
        return;
    }
    SDL_SetRenderDrawColor(u->r, (c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF, 0xFF);
    SDL_RenderFillRect(u->r, &rc);
}

static void frame(ui *u, int x, int y, int w, int h, int bw, uint32_t c)
{
    if (bw <= 0)
        return;
    fill(u, x, y, w, bw, c);
    fill(u, x, y + h - bw, w, bw, c);
    fill(u, x, y, bw, h, c);
    fill(u, x + w - bw, y, bw, h, c);
}

/* 1 when what the frame shows under each opaque piece of block b at
 * (bx, by) is the solid colour it was rendered on (ui_set_plain, headless). */
static int on_solid(ui *u, const text_block *b, int bx, int by, uint32_t solid)
{
    SDL_Surface *t = u->surface;
    if (!u->headless || !t)
        return 1;
    SDL_RenderFlush(u->r);
    Uint32 want = SDL_MapRGB(t->format, (solid >> 16) & 0xFF, (solid >> 8) & 0xFF, solid & 0xFF);
    SDL_Rect all = {0, 0, t->w, t->h};
    for (int i = 0; i < b->nopaque; i++) {
        SDL_Rect d = {b->p[i].dst.x + bx, b->p[i].dst.y + by, b->p[i].dst.w, b->p[i].dst.h}, in;
        if (!SDL_IntersectRect(&d, &all, &in))
            continue;
        for (int y = in.y; y < in.y + in.h; y++) {
            const Uint32 *row = (const Uint32 *)((const Uint8 *)t->pixels + (size_t)y * t->pitch);
            for (int x = in.x; x < in.x + in.w; x++)
                if ((row[x] & 0xFFFFFF) != (want & 0xFFFFFF))
                    return 0;
        }
    }
    return 1;
}

/* THE text function: every string on screen is drawn here. Wraps utf8
 * into the box, shrinks the font until it fits, reorders each line into
 * bidi runs and draws each run with the font for its script (all of that
 * once per text and box: text_block). Returns the font size used; *how
 * (UI_FIT_*) says whether it had to shrink it or could not show all of the
 * text (lines left out, or a line wider than the box). */
static int draw_text(ui *u, const text_req *q, int bx, int by, int *how)
{
    text_block tmp, *b = &tmp;
    if (u->plain) { /* rendered now, drawn, dropped */
        ui_line lines[64];
        int n, first;
        memset(&tmp, 0, sizeof tmp);
        tmp.px = fit_text(u, q, lines, &n, &first, &tmp.how);
        block_render(u, q, &tmp, lines, n, first);
        if (q->solid >= 0 && !on_solid(u, &tmp, bx, by, (uint32_t)q->solid))
            u->misplaced++;
    } else
        b = block_get(u, q);
    for (int i = 0; i < b->np; i++) {
        SDL_Rect d = b->p[i].dst;
        d.x += bx;
        d.y += by;
        SDL_RenderCopy(u->r, b->p[i].t, NULL, &d);
    }
    *how = b->how;
    int px = b->px;
    if (b == &tmp) {
        u->block_bytes += tmp.bytes;
        block_free(u, &tmp);
    }
    return px;
}

static void draw_qr(ui *u, const ui_el *e)
{
    QRcode *q = QRcode_encodeString(e->label, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    fill(u, e->x, e->y, e->w, e->h, e->bg);
    if (!q)
        return;
    int n = q->width, quiet = 3;
    int m = e->w / (n + 2 * quiet);
    if (m < 1)
        m = 1;
    int ox = e->x + (e->w - n * m) / 2, oy = e->y + (e->h - n * m) / 2;
    SDL_SetRenderDrawColor(u->r, (e->fg >> 16) & 0xFF, (e->fg >> 8) & 0xFF, e->fg & 0xFF, 0xFF);
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
            if (q->data[y * n + x] & 1) {
                SDL_Rect rc = {ox + x * m, oy + y * m, m, m};
                SDL_RenderFillRect(u->r, &rc);
            }
    QRcode_free(q);
}

/* The solid colour under the unfilled text box el[i] (0xRRGGBB), or -1: the
 * background when no element before it overlaps it, or the fill of the last
 * element that does when that is a box without text of its own (a panel, a
 * tile drawn by separate text boxes) whose inside holds the whole text box.
 * Text on a known colour is blended onto it once (block_render), so a frame
 * copies it instead of blending it again (issue 16: the home screen's tile
 * texts at 3840x2160). */
static int64_t solid_under(const ui_list *l, int i)
{
    const ui_el *e = &l->el[i];
    for (int k = i - 1; k >= 0; k--) {
        const ui_el *o = &l->el[k];
        if (o->kind == UI_HIDDEN || o->x >= e->x + e->w || e->x >= o->x + o->w ||
            o->y >= e->y + e->h || e->y >= o->y + o->h)
            continue;
        int box =
            o->kind == UI_PANEL || ((o->kind == UI_BUTTON || o->kind == UI_KEY) && o->nolabel);
        int b = o->border_w;
        if (box && e->x >= o->x + b && e->y >= o->y + b && e->x + e->w <= o->x + o->w - b &&
            e->y + e->h <= o->y + o->h - b)
            return (int64_t)o->bg;
        return -1;
    }
    return (int64_t)l->bg;
}

/* The text of element i: its request and the box it goes in; 0 when the
 * element shows no text. */
static int el_text(const ui_list *l, int i, text_req *q, int *bx, int *by)
{
    const ui_el *e = &l->el[i];
    int bw = e->border_w;
    if (e->kind == UI_TEXT) {
        int filled = e->bg != l->bg || e->border_w;
        *q = (text_req){.utf8 = e->label,
                        .rtl = e->rtl,
                        .px = e->px,
                        .bold = e->bold,
                        .bw = e->w,
                        .bh = e->h,
                        .align = e->align,
                        .vcenter = e->vcenter,
                        .keep_end = strcmp(e->id, "field") == 0,
                        .fg = e->fg,
                        .solid = filled ? (int64_t)e->bg : solid_under(l, i),
                        .area = {bw, bw, e->w - 2 * bw, e->h - 2 * bw}};
        *bx = e->x, *by = e->y;
        return 1;
    }
    if ((e->kind != UI_BUTTON && e->kind != UI_KEY) || e->nolabel)
        return 0;
    int pad = e->h / 6, cs = e->h / 2;
    /* A button made taller by its row (a neighbour's label on two lines)
     * keeps the side padding its own text size asks for, the room
     * kit_btn_w gave it (its label's width and 56 px at scale 1). */
    if (!e->check && pad > e->px * 2 / 5 + 4)
        pad = e->px * 2 / 5 + 4;
    int tx = e->x + pad, tw = e->w - 2 * pad;
    if (e->check) {
        tw -= cs + pad;
        if (!l->rtl)
            tx += cs + pad;
    }
    /* Inside the border (and beside the checkbox) the button is its bg. */
    SDL_Rect inner = {e->x + bw - tx, bw - 2, e->w - 2 * bw, e->h - 2 * bw};
    if (e->check) {
        SDL_Rect span = {0, inner.y, tw, inner.h};
        SDL_IntersectRect(&inner, &span, &inner);
    }
    *q = (text_req){.utf8 = e->label,
                    .rtl = e->rtl,
                    .px = e->px,
                    .bold = e->bold,
                    .bw = tw,
                    .bh = e->h - 4,
                    .align = e->align,
                    .vcenter = 1,
                    .fg = e->fg,
                    .solid = e->bg,
                    .area = inner};
    *bx = tx, *by = e->y + 2;
    return 1;
}

/* Where element i puts pixels: its box and its text, which may reach out
 * of the box (an Arabic descender, a clipped line). */
static SDL_Rect el_extent(ui *u, const ui_list *l, int i)
{
    const ui_el *e = &l->el[i];
    SDL_Rect r = {e->x, e->y, e->w, e->h};
    text_req q;
    int bx, by;
    if (!u->plain && el_text(l, i, &q, &bx, &by)) {
        const text_block *b = block_get(u, &q);
        for (int k = 0; k < b->np; k++) {
            SDL_Rect d = b->p[k].dst;
            d.x += bx, d.y += by;
            SDL_UnionRect(&r, &d, &r);
        }
    }
    return r;
}

/* 1 when element i paints every pixel of its box (its colour, then border,
 * text, QR modules on it): what lies under it need not be filled. */
static int opaque(const ui_list *l, int i)
{
    const ui_el *e = &l->el[i];
    return e->kind != UI_HIDDEN && (e->kind != UI_TEXT || e->bg != l->bg || e->border_w);
}

/* Fills what of the box is not under cover[0..ncover) (the opaque boxes
 * drawn after it, which fill those pixels again: issue 16). */
static void fill_seen(ui *u, SDL_Rect r, uint32_t c, const occ_rect *cover, int ncover)
{
    occ_rect p[MAX_PIECES];
    int n =
        ncover > 0 ? occ_visible((occ_rect){r.x, r.y, r.w, r.h}, cover, ncover, p, MAX_PIECES) : -1;
    if (n < 0) {
        fill(u, r.x, r.y, r.w, r.h, c);
        return;
    }
    for (int k = 0; k < n; k++)
        fill(u, p[k].x, p[k].y, p[k].w, p[k].h, c);
}

/* Fills r with c where the last frame showed something else than what is
 * there now: under its boxes and its focus ring, those of an element with
 * hash `self` (0: none) left out. Elsewhere r shows c already: the
 * background (same colour, or the frame is drawn whole), or the fill of the
 * unchanged element `self` (issue 16: a screen change at 3840x2160 filled
 * the whole screen's panel again). */
static void fill_over_old(ui *u, SDL_Rect r, uint32_t c, uint64_t self, const occ_rect *cover,
                          int ncover)
{
    const shown *s = &u->last;
    occ_rect was[UI_MAX_ELS + 1], p[MAX_PIECES];
    int n = 0;
    for (int k = 0; k < s->n; k++)
        if (!self || s->hash[k] != self)
            was[n++] = (occ_rect){s->rect[k].x, s->rect[k].y, s->rect[k].w, s->rect[k].h};
    was[n++] = (occ_rect){s->ring_rect.x, s->ring_rect.y, s->ring_rect.w, s->ring_rect.h};
    int np = occ_union(was, n, (occ_rect){r.x, r.y, r.w, r.h}, p, MAX_PIECES);
    if (np < 0) {
        fill_seen(u, r, c, cover, ncover);
        return;
    }
    for (int i = 0; i < np; i++)
        fill_seen(u, (SDL_Rect){p[i].x, p[i].y, p[i].w, p[i].h}, c, cover, ncover);
}

/* 1 when element i is in the last frame as it is now and draws only
 * opaque fills (a panel, a box without text): what of it the last frame
 * showed need not be filled again. */
static int fill_kept(const ui *u, const ui_list *l, int i)
{
    const ui_el *e = &l->el[i];
    text_req q;
    int bx, by;
    if (!u->redraw_box || !u->hashes || e->kind == UI_QR || el_text(l, i, &q, &bx, &by))
        return 0;
    for (int k = 0; k < u->last.n; k++)
        if (u->last.hash[k] == u->hashes[i])
            return 1;
    return 0;
}

/* Draws element i; cover[0..ncover) are the opaque boxes drawn after it
 * (ncover 0: none known, everything is drawn). */
static void draw_el(ui *u, ui_list *l, int i, const occ_rect *cover, int ncover)
{
    ui_el *e = &l->el[i];
    if (e->kind == UI_HIDDEN)
        return;
    if (e->kind == UI_QR) {
        draw_qr(u, e);
        return;
    }
    SDL_Rect box = {e->x, e->y, e->w, e->h};
    text_req q;
    int bx, by, has_text = el_text(l, i, &q, &bx, &by);
    occ_rect own[MAX_COVER + 64];
    if (has_text && !u->plain && ncover < MAX_COVER) {
        /* its text on its own colour, opaque: what it covers of the box
         * need not be filled first (issue 16) */
        const text_block *b = block_get(u, &q);
        if (b->nopaque > 0) {
            memcpy(own, cover, (size_t)ncover * sizeof *own);
            for (int k = 0; k < b->nopaque && ncover < (int)(sizeof own / sizeof *own); k++)
                own[ncover++] = (occ_rect){bx + b->p[k].dst.x, by + b->p[k].dst.y, b->p[k].dst.w,
                                           b->p[k].dst.h};
            cover = own;
        }
    }
    if (e->kind != UI_TEXT || e->bg != l->bg || e->border_w) {
        SDL_Rect in;
        if (fill_kept(u, l, i) && SDL_IntersectRect(&box, u->redraw_box, &in))
            fill_over_old(u, in, e->bg, u->hashes[i], cover, ncover);
        else
            fill_seen(u, box, e->bg, cover, ncover);
    }
    frame(u, e->x, e->y, e->w, e->h, e->border_w, e->border);
    if (e->check && !e->nolabel && (e->kind == UI_BUTTON || e->kind == UI_KEY)) {
        int pad = e->h / 6, cs = e->h / 2, cx = l->rtl ? e->x + e->w - pad - cs : e->x + pad;
        int cy = e->y + (e->h - cs) / 2;
        fill(u, cx, cy, cs, cs, 0xFFFFFF);
        frame(u, cx, cy, cs, cs, cs / 10 + 1, e->fg);
        if (e->check == 2)
            fill(u, cx + cs / 4, cy + cs / 4, cs / 2, cs / 2, e->fg);
    }
    if (has_text)
        e->px = draw_text(u, &q, bx, by, &e->fit);
}

/* Element i when the opaque boxes after it hide all its pixels: nothing is
 * drawn, its text's size and fit are still reported. */
static void draw_or_skip(ui *u, ui_list *l, int i, const SDL_Rect *ext, const occ_rect *cover,
                         int ncover)
{
    occ_rect p[1];
    if (ncover > 0 &&
        occ_visible((occ_rect){ext->x, ext->y, ext->w, ext->h}, cover, ncover, p, 1) == 0) {
        text_req q;
        int bx, by;
        if (el_text(l, i, &q, &bx, &by)) {
            const text_block *b = block_get(u, &q);
            l->el[i].px = b->px;
            l->el[i].fit = b->how;
        }
        return;
    }
    draw_el(u, l, i, cover, ncover);
}

static void draw_ring(ui *u, const ui_list *l)
{
    if (!l->ring_shown) /* the keypad's focus ring, outside the focused box */
        return;
    int a = l->ring_in, b = l->ring_in + l->ring_out;
    frame(u, l->ring_x - b, l->ring_y - b, l->ring_w + 2 * b, l->ring_h + 2 * b, l->ring_out,
          l->ring_outer);
    frame(u, l->ring_x - a, l->ring_y - a, l->ring_w + 2 * a, l->ring_h + 2 * a, l->ring_in,
          l->ring_inner);
}

/* Everything that decides an element's pixels (px as the layout asked). */
static uint64_t el_hash(const ui_el *e)
{
    int v[17] = {(int)e->kind,
                 e->x,
                 e->y,
                 e->w,
                 e->h,
                 (int)e->fg,
                 (int)e->bg,
                 (int)e->border,
                 e->border_w,
                 e->px,
                 e->bold,
                 e->align,
                 e->vcenter,
                 e->rtl,
                 e->check,
                 e->nolabel,
                 e->kind != UI_HIDDEN};
    uint64_t h = hash_ints(HASH_START, v, 17);
    h = hash_str(h, e->id, strlen(e->id) + 1);
    return hash_str(h, e->label, strlen(e->label)) | 1;
}

static uint64_t ring_hash(const ui_list *l, SDL_Rect *r)
{
    *r = (SDL_Rect){0, 0, 0, 0};
    if (!l->ring_shown)
        return 0;
    int b = l->ring_in + l->ring_out;
    *r = (SDL_Rect){l->ring_x - b, l->ring_y - b, l->ring_w + 2 * b, l->ring_h + 2 * b};
    int v[10] = {l->ring_x,   l->ring_y,          l->ring_w,          l->ring_h, l->ring_in,
                 l->ring_out, (int)l->ring_outer, (int)l->ring_inner, 1,         0};
    return hash_ints(HASH_START, v, 10) | 1;
}

/* The changed boxes so far: up to MAX_DIRTY of them, and their union. */
typedef struct dirty {
    SDL_Rect *d;
    int n; /* MAX_DIRTY + 1: too many to draw one by one */
    SDL_Rect all;
} dirty;

static void add_dirty(dirty *t, SDL_Rect r)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    if (t->all.w > 0)
        SDL_UnionRect(&t->all, &r, &t->all);
    else
        t->all = r;
    if (t->n <= MAX_DIRTY)
        t->d[t->n++] = r;
}

/* The boxes that differ between the last frame and l (elements gone, new or
 * changed, the focus ring moved), or -1 when the whole frame is to be drawn.
 * Many boxes or a large area become the one box around them all: a new
 * screen under the same header and footer does not draw those again. Only
 * the boxes that differ are sent to the screen: *nsent of them in sent
 * (MAX_DIRTY + 1), the one box when there are too many or they add up to
 * more than two thirds of it. */
static int changes(ui *u, const ui_list *l, const uint64_t *hash, const SDL_Rect *ext, SDL_Rect *d,
                   SDL_Rect *sent, int *nsent)
{
    *nsent = -1;
    shown *s = &u->last;
    if (!u->partial || u->plain || !s->valid || s->w != l->w || s->h != l->h || s->bg != l->bg)
        return -1; /* (a change of direction alone changes the boxes, not the background) */
    dirty t = {d, 0, {0, 0, 0, 0}};
    long area = 0;
    for (int i = 0; i < l->n; i++) {
        int same = i < s->n && s->hash[i] == hash[i];
        for (int k = 0; k < s->n && !same; k++)
            same = s->hash[k] == hash[i];
        if (!same)
            add_dirty(&t, ext[i]);
    }
    for (int k = 0; k < s->n; k++) {
        int same = k < l->n && s->hash[k] == hash[k];
        for (int i = 0; i < l->n && !same; i++)
            same = s->hash[k] == hash[i];
        if (!same)
            add_dirty(&t, s->rect[k]);
    }
    SDL_Rect rr;
    uint64_t rh = ring_hash(l, &rr);
    if (rh != s->ring) {
        add_dirty(&t, s->ring_rect);
        add_dirty(&t, rr);
    }
    for (int i = 0; i < t.n; i++)
        area += (long)d[i].w * d[i].h;
    SDL_Rect screen = {0, 0, l->w, l->h};
    *nsent = 0;
    for (int i = 0; i < t.n && t.n <= MAX_DIRTY; i++)
        if (SDL_IntersectRect(&d[i], &screen, &sent[*nsent]))
            (*nsent)++;
    if (t.n <= MAX_DIRTY && area * 2 <= (long)l->w * l->h)
        return t.n;
    if (!SDL_IntersectRect(&t.all, &screen, &d[0]))
        return 0;
    if (t.n > MAX_DIRTY || area * 3 > (long)d[0].w * d[0].h * 2)
        sent[0] = d[0], *nsent = 1; /* (each box sent costs; overlapping ones are sent twice) */
    return 1; /* perhaps the whole screen, but over a known last frame (fill_changed) */
}

/* Remembers what l showed; elements not drawn this frame take their px and
 * fit from the identical element of the last frame. */
static void remember(ui *u, ui_list *l, const uint64_t *hash, const SDL_Rect *ext,
                     const uint8_t *drawn)
{
    shown *s = &u->last;
    for (int i = 0; i < l->n; i++) {
        ui_el *e = &l->el[i];
        for (int k = 0; k < s->n && !drawn[i]; k++)
            if (s->hash[k] == hash[i]) {
                e->px = s->px[k];
                e->fit = s->fit[k];
                break;
            }
    }
    s->n = l->n;
    for (int i = 0; i < l->n; i++) {
        ui_el *e = &l->el[i];
        s->hash[i] = hash[i];
        s->rect[i] = ext[i];
        s->px[i] = e->px;
        s->fit[i] = e->fit;
    }
    s->ring = ring_hash(l, &s->ring_rect);
    s->w = l->w, s->h = l->h, s->bg = l->bg, s->rtl = l->rtl, s->valid = 1;
}

static int meets(const SDL_Rect *e, const SDL_Rect *r)
{
    return e->x < r->x + r->w && r->x < e->x + e->w && e->y < r->y + r->h && r->y < e->y + e->h;
}

static void present(ui *u, const SDL_Rect *d, int n)
{
    if (n >= 0 && u->win) { /* software into the window surface: send the changes */
        SDL_RenderFlush(u->r);
        if (n > 0)
            SDL_UpdateWindowSurfaceRects(u->win, d, n);
    } else
        SDL_RenderPresent(u->r);
}

/* The frame l with these element hashes, as far as pixels go. */
static uint64_t frame_key(const ui_list *l, const uint64_t *hash)
{
    SDL_Rect rr;
    uint64_t ring = ring_hash(l, &rr);
    int v[5] = {l->w, l->h, (int)l->bg, l->rtl, l->n};
    uint64_t h = hash_ints(HASH_START, v, 5);
    h = hash_str(h, (const char *)hash, (size_t)l->n * sizeof *hash);
    return hash_str(h, (const char *)&ring, sizeof ring) | 1;
}

/* The surface the renderer draws into (it keeps its pixels: u->partial). */
static SDL_Surface *target(ui *u)
{
    return u->headless ? u->surface : SDL_GetWindowSurface(u->win);
}

/* 0, or the key under which frame l may be kept: the home screen's first
 * page as every new resident first sees it (l->start: the kiosk's own
 * language, text size and contrast; a resident who chose another one
 * leaves it for the next, who comes back to this one), without the focus
 * ring, on a target that keeps its pixels (ui_set_keep_home). */
static uint64_t keep_key(const ui *u, const ui_list *l, const uint64_t *hash)
{
    int on = u->keep >= 0 ? u->keep : (long)l->w * l->h > 1920L * 1080;
    if (!on || !u->partial || u->plain || l->page != 0 || l->ring_shown || !l->start ||
        strcmp(l->screen, "home") != 0)
        return 0; /* (the keypad's ring moving over it: a copy at every step) */
    return frame_key(l, hash);
}

static void drop_kept(ui *u)
{
    if (u->kept)
        SDL_FreeSurface(u->kept);
    u->kept = NULL;
    u->kept_key = 0;
    u->keep_pending = 0;
}

/* ui_wait, before waiting: copies the last frame when it is to be kept. */
static void keep_frame(ui *u)
{
    u->keep_pending = 0;
    SDL_Surface *t = target(u);
    if (!t || !u->last.valid || !u->last_key)
        return;
    if (u->kept &&
        (u->kept->w != t->w || u->kept->h != t->h || u->kept->format->format != t->format->format))
        drop_kept(u);
    if (!u->kept)
        u->kept = SDL_CreateRGBSurfaceWithFormat(0, t->w, t->h, 32, t->format->format);
    if (!u->kept)
        return;
    SDL_RenderFlush(u->r);
    SDL_SetSurfaceBlendMode(t, SDL_BLENDMODE_NONE);
    if (SDL_BlitSurface(t, NULL, u->kept, NULL) != 0) {
        drop_kept(u);
        return;
    }
    u->kept_shown = u->last;
    u->kept_key = u->last_key;
}

/* Shows the kept frame for l (its key matched): the boxes that differ from
 * the last frame are copied from it, the sizes and fits of its texts
 * reported. 0, or -1 when the copy failed (then l is drawn). */
static int show_kept(ui *u, ui_list *l, const uint64_t *hash)
{
    SDL_Rect d[MAX_DIRTY + 1];
    SDL_Rect sent[MAX_DIRTY + 1];
    int nsent, n = changes(u, l, hash, u->kept_shown.rect, d, sent, &nsent);
    SDL_Surface *t = target(u);
    if (!t)
        return -1;
    SDL_RenderFlush(u->r);
    SDL_SetSurfaceBlendMode(u->kept, SDL_BLENDMODE_NONE);
    for (int k = n < 0 ? -1 : 0; k < n || k < 0; k++) {
        SDL_Rect src = k < 0 ? (SDL_Rect){0, 0, t->w, t->h} : d[k], dst = src;
        if (SDL_BlitSurface(u->kept, &src, t, &dst) != 0) {
            u->last.valid = 0;
            return -1;
        }
        if (k < 0)
            break;
    }
    for (int i = 0; i < l->n; i++) {
        l->el[i].px = u->kept_shown.px[i];
        l->el[i].fit = u->kept_shown.fit[i];
    }
    u->last = u->kept_shown;
    u->last_key = u->kept_key;
    u->keep_pending = 0;
    u->kept_hits++;
    present(u, sent, nsent);
    return 0;
}

/* Adds to cover[0..n) what element i draws opaque: its box when it fills
 * it, else the opaque rows of its text (text on a solid colour, at most
 * COVER_PER_TEXT of them); returns the new count. */
static int add_cover(ui *u, const ui_list *l, int i, occ_rect *cover, int n)
{
    const ui_el *e = &l->el[i];
    text_req q;
    int bx, by;
    if (opaque(l, i)) {
        if (n < MAX_COVER)
            cover[n++] = (occ_rect){e->x, e->y, e->w, e->h};
        return n;
    }
    if (e->kind != UI_TEXT || !el_text(l, i, &q, &bx, &by))
        return n;
    const text_block *b = block_get(u, &q);
    for (int k = 0, m = 0; k < b->nopaque && m < COVER_PER_TEXT && n < MAX_COVER; k++)
        if (b->p[k].dst.h >= 8) /* (not the thin rows between lines) */
            cover[n++] =
                (occ_rect){bx + b->p[k].dst.x, by + b->p[k].dst.y, b->p[k].dst.w, b->p[k].dst.h},
            m++;
    return n;
}

/* Draws l. With a target that keeps its pixels (the software renderer into
 * the window surface or the headless surface) only the boxes that changed
 * since the last frame are drawn, clipped, and sent to the X server; the
 * result is the same pixels as a full draw (kiosk_ui_cache checks it). */
void ui_draw(ui *u, ui_list *l)
{
    uint64_t hash[UI_MAX_ELS];
    SDL_Rect d[MAX_DIRTY + 1], ext[UI_MAX_ELS];
    uint8_t drawn[UI_MAX_ELS];
    u->frame_no++;
    for (int i = 0; i < l->n; i++)
        hash[i] = el_hash(&l->el[i]);
    uint64_t key = keep_key(u, l, hash);
    if (key && key == u->kept_key && u->kept && show_kept(u, l, hash) == 0) {
        ui_draw_after(u);
        return;
    }
    for (int i = 0; i < l->n; i++)
        ext[i] = el_extent(u, l, i);
    SDL_Rect sent[MAX_DIRTY + 1];
    int nsent, n = changes(u, l, hash, ext, d, sent, &nsent);
    memset(drawn, 0, sizeof drawn);
    /* the opaque boxes: what lies under one is not filled (issue 16); those
     * of elements i and after are cover[from[i]..ncover) */
    occ_rect cover[MAX_COVER];
    int from[UI_MAX_ELS + 1], ncover = 0;
    for (int i = 0; i < l->n; i++) {
        from[i] = ncover;
        if (!u->plain)
            ncover = add_cover(u, l, i, cover, ncover);
    }
    from[l->n] = ncover;
    for (int k = n < 0 ? -1 : 0; k < n || k < 0; k++) {
        SDL_Rect all = {0, 0, l->w, l->h}, *r = k < 0 ? &all : &d[k];
        SDL_RenderSetClipRect(u->r, k < 0 ? NULL : r);
        u->redraw_box = k < 0 ? NULL : r;
        u->hashes = hash;
        if (k < 0)
            fill_seen(u, *r, l->bg, cover, ncover);
        else
            fill_over_old(u, *r, l->bg, 0, cover, ncover);
        for (int i = 0; i < l->n; i++)
            if (k < 0 || meets(&ext[i], r)) {
                draw_or_skip(u, l, i, &ext[i], cover + from[i + 1], ncover - from[i + 1]);
                drawn[i] = 1;
            }
        draw_ring(u, l);
        if (k < 0)
            break;
    }
    SDL_RenderSetClipRect(u->r, NULL);
    u->redraw_box = NULL;
    u->hashes = NULL;
    remember(u, l, hash, ext, drawn);
    u->last_key = key;
    u->keep_pending = key && key != u->kept_key;
    present(u, sent, nsent);
    ui_draw_after(u);
}

/* After a frame is on screen: what waited for the first one. */
static void ui_draw_after(ui *u)
{
    if (u->fullscreen_wanted) {
        u->fullscreen_wanted = 0;
        if (SDL_SetWindowFullscreen(u->win, SDL_WINDOW_FULLSCREEN_DESKTOP) != 0)
            TRYGG_WARN("full screen: %s (the window keeps the display's size)", SDL_GetError());
    }
    if (u->audio_wanted)
        start_audio(u);
}

int ui_save_png(ui *u, const char *path)
{
    if (!u->surface)
        return -1;
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *row = malloc((size_t)u->surface->w * 3);
    if (!png || !info || !row || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, info ? &info : NULL);
        free(row);
        fclose(fp);
        unlink(path);
        return -1;
    }
    png_init_io(png, fp);
    png_set_compression_level(png, 1);
    png_set_filter(png, 0, PNG_FILTER_SUB);
    png_set_IHDR(png, info, (png_uint_32)u->surface->w, (png_uint_32)u->surface->h, 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    SDL_LockSurface(u->surface);
    for (int y = 0; y < u->surface->h; y++) {
        const Uint32 *src = (const Uint32 *)((const Uint8 *)u->surface->pixels +
                                             (size_t)y * (size_t)u->surface->pitch);
        for (int x = 0; x < u->surface->w; x++) { /* RGB888: 0x00RRGGBB */
            Uint32 p = src[x];
            row[x * 3] = (unsigned char)(p >> 16);
            row[x * 3 + 1] = (unsigned char)(p >> 8);
            row[x * 3 + 2] = (unsigned char)p;
        }
        png_write_row(png, row);
    }
    SDL_UnlockSurface(u->surface);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    return fclose(fp) == 0 ? 0 : -1;
}

/* A software renderer drawing into the window surface at the logical size
 * keeps its pixels: frames can send only what changed. */
static int window_partial(ui *u, int w, int h)
{
    SDL_RendererInfo info;
    int ow = 0, oh = 0;
    if (SDL_GetRendererInfo(u->r, &info) != 0 || !(info.flags & SDL_RENDERER_SOFTWARE))
        return 0;
    SDL_GetRendererOutputSize(u->r, &ow, &oh);
    return ow == w && oh == h;
}

/* The audio subsystem (for the headphone events; no device is opened here)
 * starts after the first frame is on screen: probing the sound servers
 * would hold up the first frame. */
static void start_audio(ui *u)
{
    u->audio_wanted = 0;
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
        TRYGG_WARN("no audio subsystem (%s): plugging in headphones will not start speech",
                   SDL_GetError());
    u->audio_since = SDL_GetTicks64() | 1; /* never 0: 0 = not started here */
}

static int make_target(ui *u, int w, int h)
{
    cache_clear(u); /* textures belong to the renderer; sizes change */
    drop_kept(u);
    if (u->headless) {
        if (u->r)
            SDL_DestroyRenderer(u->r);
        if (u->surface)
            SDL_FreeSurface(u->surface);
        u->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
        if (!u->surface)
            return -1;
        u->r = SDL_CreateSoftwareRenderer(u->surface);
        if (!u->r)
            return -1;
        u->partial = 1;
    } else {
        SDL_RenderSetLogicalSize(u->r, w, h);
        u->partial = window_partial(u, w, h);
    }
    u->w = w;
    u->h = h;
    return 0;
}

int ui_set_size(ui *u, int w, int h)
{
    return make_target(u, w, h);
}

static const char *const names[2][2] = {{"NotoSans-Regular.ttf", "NotoSans-Bold.ttf"},
                                        {"NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"}};

int ui_check_fonts(const char *font_dir, char *err, size_t cap)
{
    int was = TTF_WasInit();
    if (!was && TTF_Init() != 0) {
        snprintf(err, cap, "SDL_ttf: %s", TTF_GetError());
        return -1;
    }
    int rc = 0;
    for (int a = 0; a < 2 && rc == 0; a++)
        for (int b = 0; b < 2 && rc == 0; b++) {
            char path[700];
            snprintf(path, sizeof path, "%s/%s", font_dir, names[a][b]);
            TTF_Font *f = TTF_OpenFont(path, 24);
            if (!f) {
                snprintf(err, cap, "font %s: %s", path, TTF_GetError());
                rc = -1;
            } else
                TTF_CloseFont(f);
        }
    if (!was)
        TTF_Quit();
    return rc;
}

ui *ui_open(const ui_opts *o, char *err, size_t cap)
{
    ui *u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    u->headless = o->headless;
    u->keep = -1;
    if (!TRYGG_COPY(u->font_dir, o->font_dir)) {
        snprintf(err, cap, "font directory: path too long");
        free(u);
        return NULL;
    }
    if (o->headless)
        SDL_setenv("SDL_VIDEODRIVER", "dummy", 1);
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
    /* No way out for a resident: closing the window (Alt+F4 under a window
     * manager) does not end the kiosk; SIGTERM and maintenance mode do. */
    if (o->fullscreen)
        SDL_SetHint(SDL_HINT_QUIT_ON_LAST_WINDOW_CLOSE, "0");
    SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
    /* The window surface in memory, not an OpenGL texture (see ui_open's
     * renderer); the environment may override both. */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0 || TTF_Init() != 0) {
        snprintf(err, cap, "SDL init: %s", SDL_GetError());
        free(u);
        return NULL;
    }
    u->wake_event = SDL_RegisterEvents(1);
    if (ui_check_fonts(u->font_dir, err, cap) != 0) {
        ui_close(u);
        return NULL;
    }
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            char path[700];
            snprintf(path, sizeof path, "%s/%s", u->font_dir, names[a][b]);
            u->font_data[a][b] = SDL_LoadFile(path, &u->font_size[a][b]);
            if (!u->font_data[a][b]) {
                snprintf(err, cap, "font %s: %s", path, SDL_GetError());
                ui_close(u);
                return NULL;
            }
        }
    if (o->headless) {
        if (make_target(u, o->width, o->height) != 0) {
            snprintf(err, cap, "software renderer: %s", SDL_GetError());
            ui_close(u);
            return NULL;
        }
    } else {
        SDL_Rect b = {0, 0, o->width, o->height};
        int disp = o->display < SDL_GetNumVideoDisplays() ? o->display : 0;
        if (o->fullscreen)
            SDL_GetDisplayBounds(disp, &b);
        /* Full screen is a borderless window of the display's size at its
         * position, above the others (_NET_WM_STATE_ABOVE, set before the
         * window is mapped): that is all a bare X server shows. The request
         * for full screen, which a window manager needs to put the window
         * over its panels, is sent after the first frame (ui_draw): SDL
         * waits up to 100 ms for a window manager to act on it, and without
         * one the whole wait is spent before the first pixels (issue 16). */
        u->win =
            SDL_CreateWindow("Trygg", b.x, b.y, b.w, b.h,
                             o->fullscreen ? SDL_WINDOW_BORDERLESS | SDL_WINDOW_ALWAYS_ON_TOP : 0);
        u->fullscreen_wanted = o->fullscreen;
        if (!u->win) {
            snprintf(err, cap, "window: %s", SDL_GetError());
            ui_close(u);
            return NULL;
        }
        /* SDL's software renderer into the window surface (no OpenGL: on a
         * kiosk without a GPU driver that is llvmpipe, slower to start, 40 MB
         * more and slower to draw; issue 16). SDL_RENDER_DRIVER overrides. */
        u->r = SDL_CreateRenderer(u->win, -1, SDL_RENDERER_SOFTWARE);
        if (!u->r) {
            snprintf(err, cap, "renderer: %s", SDL_GetError());
            ui_close(u);
            return NULL;
        }
        make_target(u, o->width, o->height);
        if (o->fullscreen)
            SDL_ShowCursor(SDL_DISABLE);
        SDL_DisableScreenSaver();
        SDL_StopTextInput();
        u->audio_wanted = 1; /* start_audio, after the first frame */
    }
    wake_target = u;
    layout_set_measure(ui_measure, u);
    return u;
}

void ui_close(ui *u)
{
    if (!u)
        return;
    layout_set_measure(NULL, NULL);
    wake_target = NULL;
    cache_clear(u);
    drop_kept(u);
    for (int i = 0; i < FONT_SLOTS; i++)
        if (u->fonts[i].f)
            TTF_CloseFont(u->fonts[i].f);
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            SDL_free(u->font_data[a][b]);
    if (u->r)
        SDL_DestroyRenderer(u->r);
    if (u->surface)
        SDL_FreeSurface(u->surface);
    if (u->win)
        SDL_DestroyWindow(u->win);
    TTF_Quit();
    SDL_Quit();
    free(u);
}

void ui_wake(void *user)
{
    ui *u = user ? user : wake_target;
    if (!u)
        return;
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = u->wake_event;
    SDL_PushEvent(&ev); /* thread-safe */
}

int ui_key_known(const char *name)
{
    return SDL_GetScancodeFromName(name) != SDL_SCANCODE_UNKNOWN;
}

/* Headphones: SDL reports a new output device. The devices present when
 * the audio subsystem starts are reported too; those are not a person
 * plugging in, so they are ignored for AUDIO_SETTLE_MS. */
#define AUDIO_SETTLE_MS 2000

static int translate_audio(ui *u, const SDL_Event *ev, ui_input *in)
{
    if (ev->adevice.iscapture)
        return 0;
    if (ev->type == SDL_AUDIODEVICEADDED && u->audio_since &&
        SDL_GetTicks64() < u->audio_since + AUDIO_SETTLE_MS)
        return 0;
    in->kind = ev->type == SDL_AUDIODEVICEADDED ? UI_IN_AUDIO_ADDED : UI_IN_AUDIO_REMOVED;
    return 1;
}

/* Touch (issue 16, defect 2): finger events in logical pixels for the
 * speech mode's gestures; the mouse events SDL makes from a touch are not
 * reported again (the finger down is the tap). */
static int translate_finger(ui *u, const SDL_Event *ev, ui_input *in)
{
    float x = ev->tfinger.x * (float)u->w, y = ev->tfinger.y * (float)u->h;
    if (u->win && u->r) {
        int ww, wh;
        SDL_GetWindowSize(u->win, &ww, &wh);
        SDL_RenderWindowToLogical(u->r, (int)(ev->tfinger.x * (float)ww),
                                  (int)(ev->tfinger.y * (float)wh), &x, &y);
    }
    in->kind = ev->type == SDL_FINGERDOWN ? UI_IN_FINGER_DOWN : UI_IN_FINGER_UP;
    in->x = (int)x;
    in->y = (int)y;
    in->t = ev->tfinger.timestamp;
    return 1;
}

int ui_push_finger(ui *u, int down, int x, int y, uint64_t t)
{
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = down ? SDL_FINGERDOWN : SDL_FINGERUP;
    ev.tfinger.timestamp = (Uint32)t;
    ev.tfinger.x = (float)x / (float)(u->w > 0 ? u->w : 1);
    ev.tfinger.y = (float)y / (float)(u->h > 0 ? u->h : 1);
    ev.tfinger.pressure = down ? 1.0f : 0.0f;
    /* SDL_PushEvent would stamp its own time: the caller's clock is kept */
    return SDL_PeepEvents(&ev, 1, SDL_ADDEVENT, 0, 0) == 1 ? 0 : -1;
}

static int translate(ui *u, const SDL_Event *ev, ui_input *in)
{
    switch (ev->type) {
    case SDL_KEYDOWN:
        if (ev->key.repeat)
            return 0;
        in->kind = UI_IN_KEY;
        /* SDL's names are short; a cut one would match no [keypad] key */
        TRYGG_COPY_TRUNC(in->key, SDL_GetScancodeName(ev->key.keysym.scancode));
        return in->key[0] != 0;
    case SDL_AUDIODEVICEADDED:
    case SDL_AUDIODEVICEREMOVED:
        return translate_audio(u, ev, in);
    case SDL_QUIT:
        in->kind = UI_IN_QUIT;
        return 1;
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
        return translate_finger(u, ev, in);
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.button != SDL_BUTTON_LEFT || ev->button.which == SDL_TOUCH_MOUSEID)
            return 0;
        in->kind = UI_IN_TAP;
        in->x = ev->button.x;
        in->y = ev->button.y;
        return 1;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_EXPOSED ||
            ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
                u->partial = window_partial(u, u->w, u->h);
            u->last.valid = 0; /* the next frame draws and sends everything */
            u->keep_pending = 0;
            if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
                drop_kept(u); /* a new window surface */
            in->kind = UI_IN_EXPOSE;
            return 1;
        }
        return 0;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        u->last.valid = 0;
        u->keep_pending = 0;
        in->kind = UI_IN_EXPOSE;
        return 1;
    default:
        if (ev->type == u->wake_event) {
            in->kind = UI_IN_WAKE;
            return 1;
        }
        return 0;
    }
}

void ui_wait(ui *u, int timeout_ms, ui_input *in)
{
    in->kind = UI_IN_NONE;
    if (u->keep_pending) /* the resident looks at the home screen: keep it */
        keep_frame(u);
    SDL_Event ev;
    uint64_t start = SDL_GetTicks64();
    for (;;) {
        int got;
        if (timeout_ms < 0)
            got = SDL_WaitEvent(&ev);
        else {
            int64_t left = (int64_t)timeout_ms - (int64_t)(SDL_GetTicks64() - start);
            if (left < 0)
                left = 0;
            got = SDL_WaitEventTimeout(&ev, (int)left);
        }
        if (!got)
            return;
        if (translate(u, &ev, in))
            return;
    }
}

void ui_cache_stats(const ui *u, int *textures, int *fonts)
{
    *textures = *fonts = 0;
    for (int i = 0; i < BLOCK_SLOTS; i++)
        *textures += u->blocks[i].np;
    for (int i = 0; i < FONT_SLOTS; i++)
        *fonts += u->fonts[i].f != NULL;
}

static double ms_now(void)
{
    return (double)SDL_GetPerformanceCounter() * 1e3 / (double)SDL_GetPerformanceFrequency();
}

int ui_fill_bench(int w, int h, int reps, double *sdl_ms, double *rows_ms)
{
    SDL_Surface *t = SDL_CreateRGBSurfaceWithFormat(0, 3840, 2160, 32, SDL_PIXELFORMAT_RGB888);
    if (!t || w < 1 || h < 1 || w > t->w || h > t->h || reps < 1) {
        SDL_FreeSurface(t);
        return -1;
    }
    double a = ms_now();
    for (int i = 0; i < reps; i++) {
        SDL_Rect r = {(i * 37) % (t->w - w + 1), 0, w, h};
        SDL_FillRect(t, &r, (Uint32)i);
    }
    double b = ms_now();
    for (int i = 0; i < reps; i++)
        fill_rows(t, (SDL_Rect){(i * 37) % (t->w - w + 1), 0, w, h}, (Uint32)i);
    double c = ms_now();
    *sdl_ms = (b - a) / reps;
    *rows_ms = (c - b) / reps;
    SDL_FreeSurface(t);
    return 0;
}

long ui_plain_misplaced(const ui *u)
{
    return u->misplaced;
}

long ui_kept_shown(const ui *u)
{
    return u->kept_hits;
}

void ui_set_keep_home(ui *u, int on)
{
    u->keep = on ? 1 : 0;
    if (!on)
        drop_kept(u);
}

void ui_set_plain(ui *u, int on)
{
    u->plain = on;
    u->last.valid = 0;
}

uint64_t ui_frame_hash(const ui *u)
{
    if (!u->surface)
        return 0;
    uint64_t h = HASH_START;
    for (int y = 0; y < u->surface->h; y++)
        h = hash_str(h, (const char *)u->surface->pixels + (size_t)y * (size_t)u->surface->pitch,
                     (size_t)u->surface->w * 4);
    return h;
}
