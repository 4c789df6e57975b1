/*
 * bench_kiosk.c — the kiosk's figures (issue 16), built with -DTRYGG_BENCH=ON
 * or -DTRYGG_KIOSK_BENCH=ON. tests/kiosk/bench_kiosk.sh (`./trygg bench-kiosk`)
 * starts Xvfb, runs the modes below in a real X11 window and prints the four
 * figures with the figures before beside them (docs/kiosk.md, "Performance").
 *
 *   bench_kiosk frames W H [LAPS]
 *       A scripted resident (every flow of the home screen, in all five
 *       languages, normal and high contrast, the idle warning, maintenance)
 *       taps through every screen in a W×H window; each tap is laid out and
 *       drawn. Prints p50/p99/max of ui_draw: drawing plus SDL's present,
 *       which returns once the frame is in the X server (XSync). One lap
 *       warms the caches first, as a kiosk that has been running has.
 *   bench_kiosk hour [TAPS]
 *       An accelerated hour of use: the same resident for TAPS taps (default
 *       3600, one tap a second for an hour) in a 1920×1080 window; prints the
 *       RSS at the start, every 20 flows and at the end.
 *   bench_kiosk first-frame REF.png KIOSK ARGS...
 *       Process start to pixels in the window, measured from outside:
 *       fork+exec KIOSK ARGS, then poll the X root window (XGetImage of nine
 *       rows) until 97 % of those pixels are within 24 of REF.png
 *       in each channel (OpenGL draws text edges a little otherwise), the home screen drawn
 *       by the script mode. Prints the milliseconds from just before fork to
 *       the first poll that saw the frame, the CPU time the kiosk had used
 *       by then (its share of a busy machine does not change that) and the
 *       kiosk's RSS 2 s later.
 *
 *   bench_kiosk fills
 *       One fill of a box 1800 rows high and 16 to 3840 pixels wide in a
 *       3840x2160 surface: SDL_FillRect against the row by row fill
 *       ui_sdl.c uses (docs/kiosk.md, "Session 12").
 *
 * SDL_VIDEODRIVER=dummy runs frames/hour headless (the software surface of
 * the script mode) for comparison.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef BENCH_X11
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <png.h>
#endif

#include "flow.h"
#include "layout.h"
#include "trygg/paths.h"
#include "ui_sdl.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long rss_kb_of(const char *statm)
{
    FILE *f = fopen(statm, "r");
    long pages = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2)
            res = 0;
        fclose(f);
    }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int submit(void *u, const flow_form *form, char ref[8], char follow[9])
{
    (void)u, (void)form;
    memcpy(ref, "AB-CDEF", 8);
    memcpy(follow, "7M9PK2ZD", 9);
    return 0;
}

/* ---- the scripted resident ---- */

/* One flow a line, as a resident taps it: control ids; "t:TEXT" types TEXT
 * on the on-screen keyboard ('_' is a space); "?id" is tapped only when it
 * is on the screen; "w:S" lets S seconds pass (the idle warning). */
static const char *const flows[] = {
    "home.help nav.back home.parent nav.back",
    "home.concern opt.lighting opt.other t:gangtunneln_vid_alvagen nav.next opt.evenings "
    "t:det_ar_morkt_lampan_har_varit_trasig nav.next ?nav.next review.send receipt.done",
    "home.fault opt.playground opt.centrum t:resecentrum nav.next ?nav.skip ?opt.yes "
    "t:0701234567 ?nav.next ?nav.next ?consent.toggle ?nav.next ?review.send ?receipt.done",
    "home.question nav.next t:varfor_ar_det_sa_morkt nav.next opt.yes t:anna@example.se "
    "nav.next consent.toggle nav.next review.send receipt.done",
    "home.watch nav.next t:anna_svensson nav.next opt.gota t:anna@example.se nav.next "
    "consent.toggle nav.next review.send receipt.done",
    "home.rounds ?opt.5 ?nav.back",
    "home.walks ?opt.3 nav.restart ?restart.yes",
    "home.follow follow.check t:3k4qx27m9pk2zd follow.check ?follow.again nav.restart "
    "?restart.yes",
    "a11y.contrast a11y.large home.fault opt.road ?page.next ?page.prev nav.restart "
    "?restart.yes a11y.large a11y.contrast",
    "home.concern opt.lighting w:91 ?idle.continue nav.restart ?restart.yes",
};
#define NFLOWS  ((int)(sizeof flows / sizeof *flows))
#define NLANGS  5
#define MAX_SCR 64
static const char *const langs[NLANGS] = {"sv", "sv_LL", "en", "ar", "so"};

typedef struct resident {
    ui *u;
    flow f;
    ui_list l;
    int w, h;
    uint64_t t;      /* the flow's clock */
    double *ft, *ct; /* frame times (wall, this thread's CPU), when timing */
    int nft, capft;
    long taps, missed;
    char screens[MAX_SCR][64];
    int nscreens;
} resident;

static void draw(resident *r)
{
    flow_tick(&r->f, r->t);
    layout_build(&r->f, NULL, r->w, r->h, &r->l);
    r->f.npages = r->l.npages;
    double a = now_ms(), c = cpu_ms();
    ui_draw(r->u, &r->l);
    double d = now_ms() - a;
    if (r->ft && r->nft < r->capft) {
        r->ct[r->nft] = cpu_ms() - c;
        r->ft[r->nft++] = d;
        const char *slow = getenv("BENCH_SLOW"); /* print frames slower than this (ms) */
        if (slow && d > atof(slow))
            fprintf(stderr, "bench_kiosk: %.2f ms (CPU %.2f ms): %s %s\n", d, r->ct[r->nft - 1],
                    r->f.lang, r->l.screen);
    }
    int seen = 0;
    for (int i = 0; i < r->nscreens && !seen; i++)
        seen = strcmp(r->screens[i], r->l.screen) == 0;
    if (!seen && r->nscreens < MAX_SCR)
        memcpy(r->screens[r->nscreens++], r->l.screen, sizeof r->l.screen);
    ui_input in;
    ui_wait(r->u, 0, &in); /* the window's events, as the kiosk's loop does */
}

/* Taps `id`, which is on the screen. */
static void press(resident *r, const char *id)
{
    const ui_el *e = layout_find(&r->l, id);
    char label[UI_LABEL_MAX];
    memcpy(label, e->label, sizeof label);
    flow_touch(&r->f, id, label, r->t += 700);
    r->taps++;
    draw(r);
}

/* On a screen with pages, the page that shows `id` (the first page, then
 * forward, as a resident looks), or NULL. */
static const ui_el *find_on_pages(resident *r, const char *id)
{
    const ui_el *e = layout_find(&r->l, id);
    for (int i = 0; !e && i < 20 && layout_find(&r->l, "page.prev"); i++) {
        press(r, "page.prev");
        e = layout_find(&r->l, id);
    }
    for (int i = 0; !e && i < 20 && layout_find(&r->l, "page.next"); i++) {
        press(r, "page.next");
        e = layout_find(&r->l, id);
    }
    return e;
}

/* Taps `id` if it is on the screen or one of its pages (the Arabic keyboard
 * switches to Latin letters first); 0 when it was not there. */
static int tap(resident *r, const char *id)
{
    const ui_el *e = find_on_pages(r, id);
    if (!e && strncmp(id, "key.", 4) == 0 && layout_find(&r->l, "key.kbd")) {
        flow_touch(&r->f, "key.kbd", "", r->t += 400);
        draw(r);
        e = find_on_pages(r, id);
    }
    if (!e)
        return 0;
    press(r, id);
    return 1;
}

static void type(resident *r, const char *text, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char id[16];
        if (text[i] == '_')
            snprintf(id, sizeof id, "key.space");
        else
            snprintf(id, sizeof id, "key.%c", text[i]);
        r->missed += !tap(r, id);
    }
}

static void run_flow(resident *r, const char *line)
{
    for (const char *p = line; *p;) {
        size_t n = strcspn(p, " ");
        char tok[96];
        snprintf(tok, sizeof tok, "%.*s", (int)n, p);
        if (strncmp(tok, "t:", 2) == 0)
            type(r, tok + 2, n - 2);
        else if (strncmp(tok, "w:", 2) == 0) {
            r->t += (uint64_t)atoi(tok + 2) * 1000;
            draw(r);
        } else if (tok[0] == '?')
            tap(r, tok + 1);
        else if (!tap(r, tok)) {
            r->missed++;
            if (getenv("BENCH_VERBOSE"))
                fprintf(stderr, "bench_kiosk: %s: no %s on %s\n", r->f.lang, tok, r->l.screen);
        }
        p += n + (p[n] == ' ');
    }
    /* Back home whatever happened, as the idle timeout would. */
    if (strcmp(r->l.screen, "home") != 0) {
        tap(r, "nav.restart");
        tap(r, "restart.yes");
        tap(r, "receipt.done");
    }
}

/* One lap: every flow in every language. Calls each(r, n) after each flow. */
static void lap(resident *r, void (*each)(resident *, int), int *nflow)
{
    for (int l = 0; l < NLANGS; l++) {
        char id[16];
        snprintf(id, sizeof id, "lang.%s", langs[l]);
        for (int i = 0; i < NFLOWS; i++) {
            tap(r, id); /* each session starts in Swedish */
            run_flow(r, flows[i]);
            ++*nflow;
            if (each)
                each(r, *nflow);
        }
    }
}

static int resident_open(resident *r, int w, int h, const trygg_i18n *tr, const kiosk_config *cfg,
                         const rc_catalog *cat)
{
    char fonts[600], err[256];
    if (trygg_asset_path("fonts", fonts, sizeof fonts) != TRYGG_OK)
        return -1;
    const char *drv = getenv("SDL_VIDEODRIVER");
    ui_opts o = {.headless = drv && strcmp(drv, "dummy") == 0,
                 .width = w,
                 .height = h,
                 .fullscreen = 1,
                 .font_dir = fonts};
    r->u = ui_open(&o, err, sizeof err);
    if (!r->u) {
        fprintf(stderr, "bench_kiosk: %s\n", err);
        return -1;
    }
    r->w = w;
    r->h = h;
    r->t = 2000;
    flow_host host = {.submit = submit};
    flow_init(&r->f, cfg, cat, tr, &host, 1000);
    draw(r);
    return 0;
}

static int load(trygg_i18n **tr, kiosk_config *cfg, rc_catalog *cat)
{
    char dir[600], err[256];
    kcfg_defaults(cfg);
    rc_defaults(cat, cfg);
    if (trygg_asset_path("i18n/kiosk", dir, sizeof dir) != TRYGG_OK ||
        trygg_i18n_load(dir, tr, err, sizeof err) != TRYGG_OK) {
        fprintf(stderr, "bench_kiosk: translations\n");
        return -1;
    }
    return 0;
}

static int bench_frames(int w, int h, int laps)
{
    static kiosk_config cfg;
    static rc_catalog cat;
    static resident r;
    trygg_i18n *tr = NULL;
    if (load(&tr, &cfg, &cat) != 0 || resident_open(&r, w, h, tr, &cfg, &cat) != 0)
        return 1;
    int nflow = 0;
    lap(&r, NULL, &nflow); /* warm-up */
    r.capft = 20000;
    r.ft = calloc((size_t)r.capft, sizeof *r.ft);
    r.ct = calloc((size_t)r.capft, sizeof *r.ct);
    if (!r.ft || !r.ct)
        return 1;
    long missed = r.missed;
    for (int i = 0; i < laps; i++)
        lap(&r, NULL, &nflow);
    qsort(r.ft, (size_t)r.nft, sizeof *r.ft, cmp);
    qsort(r.ct, (size_t)r.nft, sizeof *r.ct, cmp);
    const char *drv = getenv("SDL_VIDEODRIVER");
    printf("kiosk frames %dx%d %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms; CPU of the drawing "
           "thread p50 %.2f ms, p99 %.2f ms (n=%d frames, %d screens, %d flows in %d languages; "
           "%ld taps not possible; %ld frames shown from the kept home screen)\n",
           w, h, drv && strcmp(drv, "dummy") == 0 ? "headless" : "window", r.ft[r.nft / 2],
           r.ft[r.nft * 99 / 100], r.ft[r.nft - 1], r.ct[r.nft / 2], r.ct[r.nft * 99 / 100], r.nft,
           r.nscreens, NFLOWS, NLANGS, r.missed - missed, ui_kept_shown(r.u));
    free(r.ft);
    free(r.ct);
    ui_close(r.u);
    trygg_i18n_free(tr);
    return 0;
}

static void print_rss(resident *r, int nflow)
{
    if (nflow % 20 == 0)
        printf("  after %4d flows, %6ld taps: RSS %ld KiB\n", nflow, r->taps,
               rss_kb_of("/proc/self/statm"));
    fflush(stdout);
}

static int bench_hour(long taps)
{
    static kiosk_config cfg;
    static rc_catalog cat;
    static resident r;
    trygg_i18n *tr = NULL;
    if (load(&tr, &cfg, &cat) != 0 || resident_open(&r, 1920, 1080, tr, &cfg, &cat) != 0)
        return 1;
    long start = rss_kb_of("/proc/self/statm");
    printf("kiosk RSS, an accelerated hour (%ld taps, 1920x1080):\n  start: RSS %ld KiB\n", taps,
           start);
    int nflow = 0;
    while (r.taps < taps)
        lap(&r, print_rss, &nflow);
    long end = rss_kb_of("/proc/self/statm");
    int textures, fonts;
    ui_cache_stats(r.u, &textures, &fonts);
    printf("  end, %d flows, %ld taps: RSS %ld KiB (growth %ld KiB; %d cached textures, %d "
           "fonts)\n",
           nflow, r.taps, end, end - start, textures, fonts);
    ui_close(r.u);
    trygg_i18n_free(tr);
    return 0;
}

#ifdef BENCH_X11
/* ---- first frame, from outside ---- */

/* CPU time (user + system, all threads) a process has used, in ms. */
static double proc_cpu_ms(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* after the command name: state is field 3 */
    unsigned long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

enum { ROWS = 9 };

/* Text edges differ a little between renderers (OpenGL blends otherwise). */
static int near(unsigned long a, unsigned char b)
{
    return (long)a - b <= 24 && (long)b - (long)a <= 24;
}

/* Share of the pixels of ROWS rows of the root window equal to ref. */
static double match(Display *d, const png_image *img, const unsigned char *ref)
{
    long same = 0, all = 0;
    Window root = DefaultRootWindow(d);
    for (int k = 0; k < ROWS; k++) {
        int y = (int)((k * 2 + 1) * img->height / (2 * ROWS));
        XImage *xi = XGetImage(d, root, 0, y, img->width, 1, AllPlanes, ZPixmap);
        if (!xi)
            return 0;
        for (unsigned x = 0; x < img->width; x++) {
            unsigned long p = XGetPixel(xi, (int)x, 0);
            const unsigned char *q = ref + ((size_t)y * img->width + x) * 3;
            same +=
                near((p >> 16) & 0xFF, q[0]) && near((p >> 8) & 0xFF, q[1]) && near(p & 0xFF, q[2]);
            all++;
        }
        XDestroyImage(xi);
    }
    return all ? (double)same / (double)all : 0;
}

static int bench_first_frame(const char *refpng, char **argv)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, refpng)) {
        fprintf(stderr, "bench_kiosk: %s: %s\n", refpng, img.message);
        return 1;
    }
    img.format = PNG_FORMAT_RGB;
    unsigned char *ref = malloc(PNG_IMAGE_SIZE(img));
    Display *d = XOpenDisplay(NULL);
    if (!ref || !d || !png_image_finish_read(&img, NULL, ref, 0, NULL)) {
        fprintf(stderr, "bench_kiosk: no reference image or no X display\n");
        return 1;
    }
    if (match(d, &img, ref) > 0.5) {
        fprintf(stderr, "bench_kiosk: the screen already shows the frame\n");
        return 1;
    }
    double t0 = now_ms(), seen = -1, cpu = -1;
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    while (pid > 0 && now_ms() - t0 < 20000 && waitpid(pid, NULL, WNOHANG) == 0) {
        if (match(d, &img, ref) >= 0.97) {
            seen = now_ms() - t0;
            cpu = proc_cpu_ms(pid);
            break;
        }
        usleep(1000);
    }
    char statm[64];
    snprintf(statm, sizeof statm, "/proc/%d/statm", (int)pid);
    if (seen >= 0)
        sleep(2);
    long rss = rss_kb_of(statm);
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
    XCloseDisplay(d);
    free(ref);
    if (seen < 0) {
        fprintf(stderr, "bench_kiosk: the home screen never appeared in the window\n");
        return 1;
    }
    printf("kiosk first frame (fork+exec to the home screen's pixels in the X window): %.1f ms "
           "(the kiosk used %.0f ms of CPU by then); RSS 2 s later %ld KiB\n",
           seen, cpu, rss);
    return 0;
}
#endif

static int bench_fills(void)
{
    static const int widths[] = {16, 17, 40, 128, 512, 1024, 2048, 3840};
    for (size_t i = 0; i < sizeof widths / sizeof *widths; i++) {
        double sdl, rows;
        if (ui_fill_bench(widths[i], 1800, 200, &sdl, &rows) != 0)
            return 1;
        printf("kiosk fill %4dx1800: SDL_FillRect %.3f ms, row by row %.3f ms\n", widths[i], sdl,
               rows);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "frames") == 0)
        return bench_frames(atoi(argv[2]), atoi(argv[3]), argc > 4 ? atoi(argv[4]) : 2);
    if (argc >= 2 && strcmp(argv[1], "hour") == 0)
        return bench_hour(argc > 2 ? atol(argv[2]) : 3600);
    if (argc >= 2 && strcmp(argv[1], "fills") == 0)
        return bench_fills();
#ifdef BENCH_X11
    if (argc >= 4 && strcmp(argv[1], "first-frame") == 0)
        return bench_first_frame(argv[2], argv + 3);
#endif
    fprintf(stderr, "usage: bench_kiosk frames W H [LAPS] | hour [TAPS] | fills | first-frame "
                    "REF.png KIOSK ARGS...\n");
    return 2;
}
