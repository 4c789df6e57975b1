/*
 * ui_cache.c — the drawing caches of issue 16 change no pixel: a resident
 * goes through screens (Swedish, Arabic right to left, high contrast, the
 * keypad's focus ring, typing) and every frame, drawn the fast way (only the
 * boxes that changed, text rendered once and kept, text on a solid colour
 * rendered onto it once), must hash to the same pixels and report the same
 * font sizes and fits as the same frame drawn whole with every text
 * rendered afresh (ui_set_plain), and every text rendered onto a colour must
 * lie on that colour in the whole frame. The home screen kept and shown again from
 * its copy (ui_set_keep_home) must match too: after a change of language,
 * of text size, of contrast or of the focus ring it must not show the old
 * one. Headless SDL, 1280x800 and 1080x1920.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "focus.h"
#include "layout.h"
#include "ui_sdl.h"

static int submit(void *u, const flow_form *form, char ref[8], char follow[9])
{
    (void)u, (void)form;
    memcpy(ref, "AB-CDEF", 8);
    memcpy(follow, "7M9PK2ZD", 9);
    return 0;
}

typedef struct walk {
    ui *u;
    flow f;
    ui_list built, l, plain, again;
    int w, h, frames;
    uint64_t t;
} walk;

/* Draws the flow's screen the fast way, then whole and plain; compares. */
static void check_frame(walk *k)
{
    layout_build(&k->f, NULL, k->w, k->h, &k->built);
    k->f.npages = k->built.npages;
    k->l = k->built; /* ui_draw writes the drawn sizes into its list */
    k->plain = k->built;
    k->again = k->built;
    ui_draw(k->u, &k->l);
    uint64_t fast = ui_frame_hash(k->u);
    const char *shots = getenv("KIOSK_SHOTS"); /* the two frames when they differ */
    char png[1100];
    snprintf(png, sizeof png, "%s/cache-fast.png", shots ? shots : ".");
    if (shots)
        assert_int_equal(ui_save_png(k->u, png), 0);
    ui_set_plain(k->u, 1);
    ui_draw(k->u, &k->plain);
    uint64_t ref = ui_frame_hash(k->u);
    ui_set_plain(k->u, 0);
    /* a text rendered onto a colour once must lie on that colour */
    if (ui_plain_misplaced(k->u) != 0)
        fail_msg("%dx%d frame %d (%s, %s): %ld text(s) rendered onto another colour than the "
                 "one under them",
                 k->w, k->h, k->frames, k->l.screen, k->f.lang, ui_plain_misplaced(k->u));
    snprintf(png, sizeof png, "%s/cache-whole.png", shots ? shots : ".");
    if (shots && fast != ref)
        assert_int_equal(ui_save_png(k->u, png), 0);
    if (fast != ref)
        fail_msg("%dx%d frame %d (%s, %s): drawn in parts differs from drawn whole", k->w, k->h,
                 k->frames, k->l.screen, k->f.lang);
    for (int i = 0; i < k->l.n; i++)
        if (k->l.el[i].px != k->plain.el[i].px || k->l.el[i].fit != k->plain.el[i].fit)
            fail_msg("frame %d (%s): %s drawn at %d px, fit %d; whole: %d px, fit %d", k->frames,
                     k->l.screen, k->l.el[i].id, k->l.el[i].px, k->l.el[i].fit, k->plain.el[i].px,
                     k->plain.el[i].fit);
    k->frames++;
    /* The plain frame left the screen whole: draw the fast one again so
     * that the next frame is drawn in parts over it. */
    ui_draw(k->u, &k->again);
    ui_input in; /* the kiosk waits for the resident: the home screen is kept */
    ui_wait(k->u, 0, &in);
}

static void tap(walk *k, const char *id)
{
    const ui_el *e = layout_find(&k->l, id);
    if (!e)
        fail_msg("no %s on %s", id, k->l.screen);
    char label[UI_LABEL_MAX];
    memcpy(label, e->label, sizeof label);
    flow_touch(&k->f, id, label, k->t += 700);
    check_frame(k);
}

static void taps(walk *k, const char *ids)
{
    for (const char *p = ids; *p;) {
        size_t n = strcspn(p, " ");
        char id[64];
        snprintf(id, sizeof id, "%.*s", (int)n, p);
        tap(k, id);
        p += n + (p[n] == ' ');
    }
}

static void walk_at(int w, int h)
{
    static kiosk_config cfg;
    static rc_catalog cat;
    static walk k;
    char dir[1024], fonts[1024], err[256];
    snprintf(dir, sizeof dir, "%s/i18n/kiosk", getenv("TRYGG_ASSETS"));
    snprintf(fonts, sizeof fonts, "%s/fonts", getenv("TRYGG_ASSETS"));
    trygg_i18n *tr = NULL;
    assert_int_equal(trygg_i18n_load(dir, &tr, err, sizeof err), TRYGG_OK);
    kcfg_defaults(&cfg);
    rc_defaults(&cat, &cfg);
    ui_opts o = {.headless = 1, .width = w, .height = h, .font_dir = fonts};
    memset(&k, 0, sizeof k);
    k.u = ui_open(&o, err, sizeof err);
    if (!k.u)
        fail_msg("ui_open: %s", err);
    ui_set_keep_home(k.u, 1); /* by default only above 1920x1080 */
    k.w = w, k.h = h, k.t = 2000;
    flow_host host = {.submit = submit};
    flow_init(&k.f, &cfg, &cat, tr, &host, 1000);
    check_frame(&k);
    taps(&k, "home.help nav.back home.concern opt.lighting opt.other key.g key.a key.space "
             "key.bksp key.t nav.next opt.evenings key.m key.o nav.next review.send "
             "receipt.done");
    taps(&k, "lang.ar home.concern opt.lighting nav.back nav.restart restart.yes");
    taps(&k, "a11y.contrast home.fault opt.road a11y.large nav.restart restart.yes a11y.contrast");
    /* The keypad's focus ring moving over the home screen and a choice list. */
    for (int i = 0; i < 4; i++) {
        focus_key(&k.f, &k.l, NULL, KP_DOWN, k.t += 500);
        check_frame(&k);
    }
    focus_key(&k.f, &k.l, NULL, KP_SELECT, k.t += 500);
    check_frame(&k);
    assert_true(k.frames > 30);
    /* the kept home screen was shown again (and matched the frame drawn whole) */
    assert_true(ui_kept_shown(k.u) > 0);
    ui_close(k.u);
    trygg_i18n_free(tr);
}

static void landscape(void **state)
{
    (void)state;
    walk_at(1280, 800);
}

static void portrait(void **state)
{
    (void)state;
    walk_at(1080, 1920);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(landscape),
        cmocka_unit_test(portrait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
