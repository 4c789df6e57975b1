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

#include "trygg/log.h"

#include "trygg/copy.h"

#include "bidi.h"

#define FONT_SLOTS 48
#define TEX_SLOTS  320
#define MAX_RUNS   64
#define MIN_PX     14

typedef struct font_slot {
    TTF_Font *f;
    int px, bold, arabic;
} font_slot;

typedef struct tex_slot {
    SDL_Texture *t;
    uint64_t hash;
    int w, h;
} tex_slot;

struct ui {
    SDL_Window *win;
    SDL_Renderer *r;
    SDL_Surface *surface; /* headless target */
    int headless, w, h;
    char font_dir[512];
    font_slot fonts[FONT_SLOTS];
    int font_next;
    tex_slot tex[TEX_SLOTS];
    void *font_data[2][2]; /* [arabic][bold] file contents, loaded once */
    size_t font_size[2][2];
    int tex_next;
    Uint32 wake_event;
    uint64_t audio_since; /* when the audio subsystem started (headphone events) */
};

static ui *wake_target;

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

int ui_measure(void *user, const char *utf8, int px, int bold, int rtl)
{
    ui *u = user;
    bidi_run runs[MAX_RUNS];
    int n = runs_of(utf8, rtl, runs);
    int w = 0;
    for (int i = 0; i < n; i++)
        w += run_width(u, utf8, &runs[i], px, bold);
    return w;
}

static uint64_t hash_str(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* A texture for one run, from the cache or rendered now. */
static tex_slot *run_texture(ui *u, const char *text, size_t len, const bidi_run *r, int px,
                             int bold, uint32_t fg)
{
    uint64_t h = 1469598103934665603ull;
    h = hash_str(h, text, len);
    uint32_t meta[5] = {(uint32_t)px, (uint32_t)bold, (uint32_t)r->arabic, (uint32_t)r->rtl, fg};
    h = hash_str(h, (const char *)meta, sizeof meta);
    for (int i = 0; i < TEX_SLOTS; i++)
        if (u->tex[i].t && u->tex[i].hash == h)
            return &u->tex[i];
    TTF_Font *f = font(u, px, bold, r->arabic);
    if (!f)
        return NULL;
    char buf[UI_LABEL_MAX];
    size_t n = len < sizeof buf ? len : sizeof buf - 1;
    memcpy(buf, text, n);
    buf[n] = 0;
    set_dir(f, r);
    SDL_Color c = {(fg >> 16) & 0xFF, (fg >> 8) & 0xFF, fg & 0xFF, 0xFF};
    SDL_Surface *s = TTF_RenderUTF8_Blended(f, buf, c);
    if (!s)
        return NULL;
    SDL_Texture *t = SDL_CreateTextureFromSurface(u->r, s);
    int w = s->w, hh = s->h;
    SDL_FreeSurface(s);
    if (!t)
        return NULL;
    tex_slot *slot = &u->tex[u->tex_next];
    u->tex_next = (u->tex_next + 1) % TEX_SLOTS;
    if (slot->t)
        SDL_DestroyTexture(slot->t);
    slot->t = t;
    slot->hash = h;
    slot->w = w;
    slot->h = hh;
    return slot;
}

static void fill(ui *u, int x, int y, int w, int h, uint32_t c)
{
    SDL_SetRenderDrawColor(u->r, (c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF, 0xFF);
    SDL_Rect rc = {x, y, w, h};
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

/* THE text function: every string on screen is drawn here. Wraps utf8
 * into the box, shrinks the font until it fits, reorders each line into
 * bidi runs and draws each run with the font for its script. Returns the
 * font size used; *how (UI_FIT_*) says whether it had to shrink it or could not show
 * all of the text (lines left out, or a line wider than the box). */
static int draw_text(ui *u, const char *utf8, int rtl, int px, int bold, uint32_t fg, int bx,
                     int by, int bw, int bh, int align, int vcenter, int keep_end, int *how)
{
    ui_line lines[64];
    int n = 0, want = px, widest = 0;
    for (int tries = 0; px >= MIN_PX && tries < 12; tries++) {
        n = layout_wrap(utf8, px, bold, rtl, bw, lines, 64);
        widest = 0;
        for (int i = 0; i < n; i++) {
            char line[UI_LABEL_MAX];
            snprintf(line, sizeof line, "%.*s", (int)lines[i].len, utf8 + lines[i].start);
            int w = ui_measure(u, line, px, bold, rtl);
            widest = w > widest ? w : widest;
        }
        int fits_h = n * (int)(px * 1.35) <= bh;
        if (fits_h && widest <= bw)
            break;
        if (keep_end && px <= 30)
            break; /* a long typed text: keep the size, show the last lines */
        int next = px - (px > 40 ? 4 : 2);
        if (widest > bw && n == 1) {
            int scaled = (int)((long)px * bw / widest);
            next = scaled < next ? scaled : next;
        }
        px = next;
    }
    if (px < MIN_PX)
        px = MIN_PX;
    int lh = (int)(px * 1.35);
    int first = 0;
    int fit = bh / lh > 0 ? bh / lh : 1;
    *how = n > fit || widest > bw ? UI_FIT_CLIPPED : px < want ? UI_FIT_SHRUNK : UI_FIT_OK;
    if (n > fit)
        first = keep_end ? n - fit : 0, n = keep_end ? n : fit;
    int total = (n - first) * lh;
    int y = vcenter ? by + (bh - total) / 2 : by;
    for (int i = first; i < n; i++, y += lh) {
        char line[UI_LABEL_MAX];
        snprintf(line, sizeof line, "%.*s", (int)lines[i].len, utf8 + lines[i].start);
        bidi_run runs[MAX_RUNS];
        int nr = runs_of(line, rtl, runs);
        int widths[MAX_RUNS], lw = 0;
        for (int k = 0; k < nr; k++)
            lw += widths[k] = run_width(u, line, &runs[k], px, bold);
        int x = align == UI_ALIGN_CENTER  ? bx + (bw - lw) / 2
                : (align == UI_ALIGN_END) ? bx + bw - lw
                                          : bx;
        for (int k = 0; k < nr; k++) {
            tex_slot *t = run_texture(u, line + runs[k].start, runs[k].len, &runs[k], px, bold, fg);
            if (t) {
                /* Both fonts share the baseline when their boxes are aligned
                 * on the line's centre. */
                SDL_Rect dst = {x, y + (lh - t->h) / 2, t->w, t->h};
                SDL_RenderCopy(u->r, t->t, NULL, &dst);
            }
            x += widths[k];
        }
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

void ui_draw(ui *u, ui_list *l)
{
    fill(u, 0, 0, l->w, l->h, l->bg);
    for (int i = 0; i < l->n; i++) {
        ui_el *e = &l->el[i];
        switch (e->kind) {
        case UI_HIDDEN:
            break;
        case UI_PANEL:
            fill(u, e->x, e->y, e->w, e->h, e->bg);
            frame(u, e->x, e->y, e->w, e->h, e->border_w, e->border);
            break;
        case UI_QR:
            draw_qr(u, e);
            break;
        case UI_TEXT:
            if (e->bg != l->bg || e->border_w)
                fill(u, e->x, e->y, e->w, e->h, e->bg);
            frame(u, e->x, e->y, e->w, e->h, e->border_w, e->border);
            e->px = draw_text(u, e->label, e->rtl, e->px, e->bold, e->fg, e->x, e->y, e->w, e->h,
                              e->align, e->vcenter, strcmp(e->id, "field") == 0, &e->fit);
            break;
        case UI_BUTTON:
        case UI_KEY: {
            fill(u, e->x, e->y, e->w, e->h, e->bg);
            frame(u, e->x, e->y, e->w, e->h, e->border_w, e->border);
            if (e->nolabel)
                break;
            int pad = e->h / 6, tx = e->x + pad, tw = e->w - 2 * pad;
            if (e->check) {
                int cs = e->h / 2, cx = l->rtl ? e->x + e->w - pad - cs : e->x + pad;
                int cy = e->y + (e->h - cs) / 2;
                fill(u, cx, cy, cs, cs, 0xFFFFFF);
                frame(u, cx, cy, cs, cs, cs / 10 + 1, e->fg);
                if (e->check == 2)
                    fill(u, cx + cs / 4, cy + cs / 4, cs / 2, cs / 2, e->fg);
                tw -= cs + pad;
                if (!l->rtl)
                    tx += cs + pad;
            }
            e->px = draw_text(u, e->label, e->rtl, e->px, e->bold, e->fg, tx, e->y + 2, tw,
                              e->h - 4, e->align, 1, 0, &e->fit);
            break;
        }
        }
    }
    if (l->ring_shown) { /* the keypad's focus ring, outside the focused box */
        int a = l->ring_in, b = l->ring_in + l->ring_out;
        frame(u, l->ring_x - b, l->ring_y - b, l->ring_w + 2 * b, l->ring_h + 2 * b, l->ring_out,
              l->ring_outer);
        frame(u, l->ring_x - a, l->ring_y - a, l->ring_w + 2 * a, l->ring_h + 2 * a, l->ring_in,
              l->ring_inner);
    }
    SDL_RenderPresent(u->r);
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

static int make_target(ui *u, int w, int h)
{
    if (u->headless) {
        for (int i = 0; i < TEX_SLOTS; i++)
            if (u->tex[i].t) {
                SDL_DestroyTexture(u->tex[i].t);
                u->tex[i].t = NULL;
            }
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
    } else {
        SDL_RenderSetLogicalSize(u->r, w, h);
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
        /* Without a window manager FULLSCREEN_DESKTOP is ignored: open at
         * the display's size and position as well. */
        u->win = SDL_CreateWindow(
            "Trygg", b.x, b.y, b.w, b.h,
            o->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS : 0);
        if (!u->win) {
            snprintf(err, cap, "window: %s", SDL_GetError());
            ui_close(u);
            return NULL;
        }
        u->r = SDL_CreateRenderer(u->win, -1, 0);
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
        /* For the headphone events (no device is opened here). */
        if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
            TRYGG_WARN("no audio subsystem (%s): plugging in headphones will not start speech",
                       SDL_GetError());
        u->audio_since = SDL_GetTicks64() | 1; /* never 0: 0 = not started here */
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
    for (int i = 0; i < TEX_SLOTS; i++)
        if (u->tex[i].t)
            SDL_DestroyTexture(u->tex[i].t);
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
            in->kind = UI_IN_EXPOSE;
            return 1;
        }
        return 0;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
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
    for (int i = 0; i < TEX_SLOTS; i++)
        *textures += u->tex[i].t != NULL;
    for (int i = 0; i < FONT_SLOTS; i++)
        *fonts += u->fonts[i].f != NULL;
}
