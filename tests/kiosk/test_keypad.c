/*
 * test_keypad.c — the kiosk without sight (issue 16), without SDL:
 * headphones plugged in start speech with a welcome that names the keys,
 * unplugged stop it and forget it; the keypad's focus order (reading order,
 * mirrored in Arabic, the 112 badge last); every element spoken; the
 * on-screen keyboard by row/column scanning; a masked field never spoken;
 * every time limit x10 under speech or keypad, wiped on "Börja om";
 * phone numbers read digit by digit; the [keypad] section of kiosk.ini.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "focus.h"
#include "layout.h"
#include "trygg/i18n.h"

typedef struct env {
    kiosk_config cfg;
    rc_catalog cat;
    trygg_i18n *tr;
    flow f;
    ui_list l;
    char said[64][1024];
    int nsaid, resets, submits;
    uint64_t now;
} env;

static void say(void *u, const char *lang, const char *text)
{
    env *e = u;
    (void)lang;
    snprintf(e->said[e->nsaid % 64], sizeof e->said[0], "%s", text);
    e->nsaid++;
}

static void speech_reset(void *u)
{
    ((env *)u)->resets++;
}

static int submit(void *u, const flow_form *form, char ref[8], char follow[9])
{
    (void)form;
    ((env *)u)->submits++;
    memcpy(ref, "3K-4QX2", 8);
    follow[0] = 0;
    return 0;
}

static const char *last(const env *e)
{
    return e->nsaid ? e->said[(e->nsaid - 1) % 64] : "";
}

static int setup(void **state)
{
    env *e = calloc(1, sizeof *e);
    kcfg_defaults(&e->cfg);
    rc_defaults(&e->cat, &e->cfg);
    char dir[1024], err[256];
    snprintf(dir, sizeof dir, "%s/i18n/kiosk", getenv("TRYGG_ASSETS"));
    assert_int_equal(trygg_i18n_load(dir, &e->tr, err, sizeof err), TRYGG_OK);
    flow_host h = {.user = e, .say = say, .speech_reset = speech_reset, .submit = submit};
    e->now = 1000;
    flow_init(&e->f, &e->cfg, &e->cat, e->tr, &h, e->now);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    trygg_i18n_free(e->tr);
    free(e);
    return 0;
}

static void build(env *e)
{
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    e->f.npages = e->l.npages;
}

/* One key of the keypad, as kiosk/main.c does it. */
static void press(env *e, kcfg_key k)
{
    build(e);
    e->now += 400;
    focus_key(&e->f, &e->l, NULL, k, e->now);
    build(e);
}

static const char *focused(env *e)
{
    build(e);
    int p = focus_pos(&e->f, &e->l);
    return p < 0 ? "" : e->l.el[e->l.order[p]].id;
}

static const char *screen(env *e)
{
    static char buf[64];
    return flow_screen_name(&e->f, buf, sizeof buf);
}

/* Moves down until the focus is on `id` (fails after a full round). */
static void down_to(env *e, const char *id)
{
    for (int i = 0; i < UI_MAX_ELS; i++) {
        if (strcmp(focused(e), id) == 0)
            return;
        press(e, KP_DOWN);
    }
    fail_msg("no stop %s on %s", id, screen(e));
}

/* Types one key with the row/column scanning: into the keyboard, down to
 * the row, into the row, along to the key, select, and out again. */
static void scan_type(env *e, const char *key_id)
{
    down_to(e, "key.1"); /* the keyboard is one stop: its first key */
    press(e, KP_SELECT);
    assert_int_equal(e->f.kbd_scan, 1);
    for (int r = 0; r < 8; r++) {
        build(e);
        for (int i = 0; i < e->l.n; i++)
            if (e->l.el[i].kind == UI_KEY && strcmp(e->l.el[i].id, key_id) == 0 &&
                e->l.ring_y == e->l.el[i].y)
                goto row_found;
        press(e, KP_DOWN);
    }
    fail_msg("no row with %s", key_id);
row_found:
    press(e, KP_SELECT);
    assert_int_equal(e->f.kbd_scan, 2);
    for (int c = 0; c < 16; c++) {
        build(e);
        const ui_el *k = layout_find(&e->l, key_id);
        if (k && e->l.ring_x == k->x && e->l.ring_y == k->y) {
            press(e, KP_SELECT);
            press(e, KP_BACK);
            press(e, KP_BACK);
            assert_int_equal(e->f.kbd_scan, 0);
            return;
        }
        press(e, KP_DOWN);
    }
    fail_msg("no key %s", key_id);
}

static void test_headphones(void **state)
{
    env *e = *state;
    assert_false(e->f.speech);
    e->now += 1000;
    flow_headphones(&e->f, 1, e->now);
    assert_true(e->f.speech);
    /* the welcome names the keys of kiosk.ini, then the screen */
    assert_non_null(strstr(last(e), "Välkommen"));
    assert_non_null(strstr(last(e), "2 går till nästa"));
    assert_non_null(strstr(last(e), "5 väljer"));
    assert_non_null(strstr(last(e), "Vad vill du göra?"));
    assert_int_equal(flow_time_factor(&e->f), FLOW_SLOW_FACTOR);
    flow_headphones(&e->f, 0, e->now + 100);
    assert_false(e->f.speech);
    assert_int_equal(e->resets, 2); /* flow_init's reset, then the unplug */
    assert_int_equal(flow_time_factor(&e->f), 1);
    int n = e->nsaid;
    press(e, KP_DOWN); /* no speech without headphones */
    assert_int_equal(e->nsaid, n);
}

static void test_slow_limits(void **state)
{
    env *e = *state;
    flow_touch(&e->f, "home.concern", "", e->now);
    press(e, KP_DOWN); /* the keypad: every limit x10 */
    uint64_t t0 = e->now;
    flow_tick(&e->f, t0 + (uint64_t)e->cfg.idle_s * 1000 * 9);
    assert_false(e->f.warning);
    assert_int_equal(flow_next_deadline(&e->f), t0 + (uint64_t)e->cfg.idle_s * 1000 * 10);
    flow_tick(&e->f, t0 + (uint64_t)e->cfg.idle_s * 1000 * 10);
    assert_true(e->f.warning);
    assert_int_equal(flow_warning_left(&e->f), e->cfg.warn_s * 10);
    /* still wiped: the countdown runs out */
    flow_tick(&e->f, t0 + (uint64_t)(e->cfg.idle_s + e->cfg.warn_s) * 1000 * 10);
    assert_string_equal(screen(e), "home");
    assert_false(e->f.keypad);
    assert_int_equal(flow_time_factor(&e->f), 1);
    /* "Börja om" ends the mode too */
    flow_touch(&e->f, "home.fault", "", e->now);
    press(e, KP_DOWN);
    assert_int_equal(flow_time_factor(&e->f), FLOW_SLOW_FACTOR);
    flow_activate(&e->f, "nav.restart", e->now);
    assert_string_equal(screen(e), "home");
    assert_int_equal(flow_time_factor(&e->f), 1);
}

static void test_receipt_slow(void **state)
{
    env *e = *state;
    flow_headphones(&e->f, 1, e->now);
    flow_activate(&e->f, "home.concern", e->now);
    flow_activate(&e->f, "opt.lighting", e->now);
    flow_activate(&e->f, "opt.centrum", e->now);
    flow_activate(&e->f, "opt.evenings", e->now);
    flow_activate(&e->f, "nav.skip", e->now);
    flow_activate(&e->f, "review.send", e->now);
    assert_string_equal(screen(e), "receipt");
    flow_tick(&e->f, e->now + (uint64_t)e->cfg.receipt_s * 1000 * 5);
    assert_string_equal(screen(e), "receipt");
    flow_tick(&e->f, e->now + (uint64_t)e->cfg.receipt_s * 1000 * 10);
    assert_string_equal(screen(e), "home");
}

/* Reading order: content, footer start to end, the 112 badge last; in
 * Arabic the footer runs right to left. */
static void test_order(void **state)
{
    env *e = *state;
    for (int ar = 0; ar < 2; ar++) {
        if (ar)
            flow_activate(&e->f, "lang.ar", e->now);
        build(e);
        const ui_list *l = &e->l;
        assert_true(l->norder > 10);
        assert_string_equal(l->el[l->order[focus_pos(&e->f, l)]].id, "title");
        assert_string_equal(l->el[l->order[l->norder - 1]].id, "emergency");
        int concern = -1, fault = -1, restart = -1, contrast = -1;
        for (int i = 0; i < l->norder; i++) {
            const char *id = l->el[l->order[i]].id;
            concern = !strcmp(id, "home.concern") ? i : concern;
            fault = !strcmp(id, "home.fault") ? i : fault;
            restart = !strcmp(id, "nav.restart") ? i : restart;
            contrast = !strcmp(id, "a11y.contrast") ? i : contrast;
        }
        assert_true(concern >= 0 && concern < fault && fault < restart && restart < contrast);
        const ui_el *r = &l->el[l->order[restart]], *c = &l->el[l->order[contrast]];
        if (ar)
            assert_true(r->x > c->x); /* mirrored: start is on the right */
        else
            assert_true(r->x < c->x);
        /* a home tile is one stop, spoken with its description */
        char text[2048];
        focus_text(&e->f, l, l->order[concern], text, sizeof text);
        assert_non_null(strstr(text, flow_text(&e->f, "home.concern.desc")));
    }
}

/* A whole concern report by keypad alone: every step reached by up/down
 * and select, the place typed by scanning, the reference heard. */
static void test_concern_by_keypad(void **state)
{
    env *e = *state;
    flow_headphones(&e->f, 1, e->now);
    down_to(e, "home.concern");
    assert_non_null(strstr(last(e), "Något känns otryggt"));
    press(e, KP_SELECT);
    assert_string_equal(screen(e), "concern.category");
    assert_non_null(strstr(last(e), "Vad känns otryggt?"));
    press(e, KP_HELP);
    assert_non_null(strstr(last(e), "Välj vad det gäller"));
    down_to(e, "opt.lighting");
    press(e, KP_SELECT);
    assert_string_equal(screen(e), "concern.area");
    down_to(e, "opt.other");
    press(e, KP_SELECT);
    assert_string_equal(screen(e), "concern.place");
    scan_type(e, "key.g");
    scan_type(e, "key.a");
    assert_string_equal(e->f.form.place, "ga");
    down_to(e, "field");
    assert_string_equal(last(e), "ga");
    down_to(e, "nav.next");
    press(e, KP_SELECT);
    assert_string_equal(screen(e), "concern.when");
    down_to(e, "opt.evenings");
    press(e, KP_SELECT);
    down_to(e, "nav.skip");
    press(e, KP_SELECT);
    assert_string_equal(screen(e), "concern.review");
    down_to(e, "review.send");
    press(e, KP_SELECT);
    assert_string_equal(screen(e), "receipt");
    assert_non_null(strstr(last(e), "3 K 4 Q X 2"));
    /* the explanation under the reference is a stop too */
    build(e);
    char want[256];
    snprintf(want, sizeof want, "%.40s", flow_text(&e->f, "receipt.concern.next"));
    int found = 0;
    for (int i = 0; i < 40 && !found; i++) {
        press(e, KP_DOWN);
        found = strstr(last(e), want) != NULL;
    }
    assert_true(found);
}

/* Defect 5: a masked field's content is never spoken (typing, the field,
 * the review's last digits). */
static void test_masked_never_spoken(void **state)
{
    env *e = *state;
    flow_headphones(&e->f, 1, e->now);
    flow_activate(&e->f, "home.fault", e->now);
    flow_activate(&e->f, "opt.playground", e->now);
    flow_activate(&e->f, "opt.centrum", e->now);
    flow_activate(&e->f, "key.b", e->now); /* where exactly (no registered places here) */
    flow_activate(&e->f, "nav.next", e->now);
    flow_activate(&e->f, "nav.skip", e->now);
    flow_activate(&e->f, "opt.yes", e->now);
    assert_string_equal(screen(e), "fault.phone");
    static const char *const digits[] = {"key.0", "key.7", "key.0", "key.9", "key.8",
                                         "key.7", "key.6", "key.5", "key.4", "key.3"};
    for (size_t i = 0; i < sizeof digits / sizeof *digits; i++) {
        scan_type(e, digits[i]);
        /* the key typed is confirmed as "dold", not read */
        int found = 0;
        for (int k = 1; k <= 4 && k <= e->nsaid; k++)
            found |= strcmp(e->said[(e->nsaid - k) % 64], "dold") == 0;
        assert_true(found);
    }
    assert_string_equal(e->f.form.phone, "0709876543");
    down_to(e, "field");
    assert_string_equal(last(e), flow_text(&e->f, "speech.hidden_field"));
    flow_activate(&e->f, "nav.next", e->now);
    flow_activate(&e->f, "consent.toggle", e->now);
    flow_activate(&e->f, "nav.next", e->now);
    assert_string_equal(screen(e), "fault.review");
    /* every stop of the review, none says the last digits */
    build(e);
    for (int i = 0; i < e->l.norder; i++) {
        press(e, KP_DOWN);
        assert_null(strstr(last(e), "43"));
        assert_null(strstr(last(e), "4 3"));
    }
}

/* Defect 8: the masked phone number could not be checked before sending.
 * "Visa numret" shows it on the screen only: the field keeps its mark, so
 * the keypad still says "Dolt fält" and never a digit; "Dölj" hides it, and
 * a new screen starts hidden. */
static void test_show_masked(void **state)
{
    env *e = *state;
    flow_headphones(&e->f, 1, e->now);
    flow_activate(&e->f, "home.fault", e->now);
    flow_activate(&e->f, "opt.playground", e->now);
    flow_activate(&e->f, "opt.centrum", e->now);
    flow_activate(&e->f, "key.b", e->now);
    flow_activate(&e->f, "nav.next", e->now);
    flow_activate(&e->f, "nav.skip", e->now);
    flow_activate(&e->f, "opt.yes", e->now);
    static const char *const digits[] = {"key.0", "key.7", "key.0", "key.9", "key.8",
                                         "key.7", "key.6", "key.5", "key.4", "key.3"};
    for (size_t i = 0; i < sizeof digits / sizeof *digits; i++)
        flow_activate(&e->f, digits[i], e->now);
    build(e);
    const ui_el *fld = NULL;
    for (int i = 0; i < e->l.n; i++)
        if (strcmp(e->l.el[i].id, "field") == 0)
            fld = &e->l.el[i];
    assert_non_null(fld);
    assert_null(strstr(fld->label, "0709876543"));
    flow_activate(&e->f, "field.show", e->now);
    build(e);
    for (int i = 0; i < e->l.n; i++)
        if (strcmp(e->l.el[i].id, "field") == 0)
            fld = &e->l.el[i];
    assert_non_null(strstr(fld->label, "0709876543"));
    assert_true(fld->masked); /* still never spoken */
    for (int k = 1; k <= 3 && k <= e->nsaid; k++)
        assert_null(strstr(e->said[(e->nsaid - k) % 64], "0 7"));
    down_to(e, "field");
    assert_string_equal(last(e), flow_text(&e->f, "speech.hidden_field"));
    flow_activate(&e->f, "field.show", e->now); /* "Dölj numret" */
    build(e);
    for (int i = 0; i < e->l.n; i++)
        if (strcmp(e->l.el[i].id, "field") == 0)
            fld = &e->l.el[i];
    assert_null(strstr(fld->label, "0709876543"));
    flow_activate(&e->f, "field.show", e->now);
    flow_activate(&e->f, "nav.next", e->now); /* a new screen starts hidden */
    flow_activate(&e->f, "nav.back", e->now);
    build(e);
    for (int i = 0; i < e->l.n; i++)
        if (strcmp(e->l.el[i].id, "field") == 0)
            fld = &e->l.el[i];
    assert_null(strstr(fld->label, "0709876543"));
}

/* Defect 8: "Just nu" gave no stronger 112 prompt. Choosing it says and
 * shows, on the next steps, to call 112 at once if someone is in danger
 * (the number read digit by digit); another answer shows nothing of it. */
static int has_el(const ui_list *l, const char *id)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->el[i].id, id) == 0)
            return 1;
    return 0;
}

static void test_now_112(void **state)
{
    env *e = *state;
    flow_headphones(&e->f, 1, e->now);
    flow_activate(&e->f, "home.concern", e->now);
    flow_activate(&e->f, "opt.lighting", e->now);
    flow_activate(&e->f, "opt.centrum", e->now);
    flow_activate(&e->f, "opt.evenings", e->now);
    build(e);
    assert_false(has_el(&e->l, "now.112"));
    flow_activate(&e->f, "nav.back", e->now);
    flow_activate(&e->f, "opt.now", e->now);
    assert_string_equal(screen(e), "concern.desc");
    assert_non_null(strstr(last(e), "1 1 2"));
    build(e);
    assert_true(has_el(&e->l, "now.112"));
    down_to(e, "now.112");
    assert_non_null(strstr(last(e), "1 1 2"));
    flow_activate(&e->f, "nav.skip", e->now);
    assert_string_equal(screen(e), "concern.review");
    build(e);
    assert_true(has_el(&e->l, "now.112"));
}

static void test_spell_digits(void **state)
{
    (void)state;
    char out[128];
    focus_spell_digits("Telefon 114 14", out, sizeof out);
    assert_string_equal(out, "Telefon 1 1 4, 1 4");
    focus_spell_digits("0520-65 95 00.", out, sizeof out);
    assert_string_equal(out, "0 5 2 0, 6 5, 9 5, 0 0.");
    focus_spell_digits("Akut? Ring 112", out, sizeof out);
    assert_string_equal(out, "Akut? Ring 1 1 2");
}

/* The 112 badge opens a screen that says what to do; back keeps the answers. */
static void test_emergency_screen(void **state)
{
    env *e = *state;
    flow_headphones(&e->f, 1, e->now);
    flow_activate(&e->f, "home.concern", e->now);
    flow_activate(&e->f, "opt.lighting", e->now);
    press(e, KP_UP);
    press(e, KP_UP);
    press(e, KP_UP);
    press(e, KP_UP);
    while (strcmp(focused(e), "emergency") != 0)
        press(e, KP_UP);
    assert_string_equal(last(e), "Akut? Ring 1 1 2");
    press(e, KP_SELECT);
    assert_string_equal(screen(e), "emergency");
    assert_non_null(strstr(last(e), "Ring 1 1 2"));
    int found = 0;
    for (int i = 0; i < 6; i++) {
        press(e, KP_DOWN);
        found |= strstr(last(e), "1 1 4, 1 4") != NULL;
    }
    assert_true(found);
    press(e, KP_BACK);
    assert_string_equal(screen(e), "concern.area");
    assert_string_equal(e->f.form.category, "lighting");
}

/* "Nästa sida" by keypad: the new page is said and the focus starts at the
 * title again, so the next "down" reaches the new page's first choice. */
static void test_paging(void **state)
{
    env *e = *state;
    flow_headphones(&e->f, 1, e->now);
    flow_activate(&e->f, "a11y.large", e->now);
    flow_activate(&e->f, "home.concern", e->now);
    /* a municipality with many areas: the list is paged */
    for (int i = e->cat.n_areas; i < 30; i++) {
        snprintf(e->cat.areas[i].id, sizeof e->cat.areas[i].id, "a%d", i);
        for (int k = 0; k < RC_LANGS; k++)
            snprintf(e->cat.areas[i].label[k], sizeof e->cat.areas[i].label[k], "Område %d", i);
    }
    e->cat.n_areas = 30;
    flow_activate(&e->f, "opt.lighting", e->now);
    assert_string_equal(screen(e), "concern.area");
    layout_build(&e->f, NULL, 1280, 800, &e->l);
    e->f.npages = e->l.npages;
    assert_true(e->l.npages > 1);
    e->f.focus = 5;
    flow_activate(&e->f, "page.next", e->now);
    assert_int_equal(e->f.page, 1);
    assert_int_equal(e->f.focus, -1);
    assert_non_null(strstr(last(e), "Sida 2 av"));
}

static void test_config_keypad(void **state)
{
    (void)state;
    kiosk_config c;
    kcfg_defaults(&c);
    assert_int_equal(kcfg_key_action(&c, "Keypad 8"), KP_UP);
    assert_int_equal(kcfg_key_action(&c, "keypad 2"), KP_DOWN);
    assert_int_equal(kcfg_key_action(&c, "Keypad ."), KP_HELP);
    assert_int_equal(kcfg_key_action(&c, "Keypad 9"), -1);
    char path[] = "/tmp/kiosk-keypad-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *ini = "[kiosk]\ntoken_file = /x\n[keypad]\nup = F5, Up\nback = F5\nblink = F6\n";
    assert_int_equal(write(fd, ini, strlen(ini)), (ssize_t)strlen(ini));
    close(fd);
    trygg_cfg_error errs[8];
    trygg_cfg_errors er = {.errs = errs, .max = 8, .file = path};
    assert_int_equal(kcfg_load(path, &c, &er), TRYGG_ERR_CONFIG);
    unlink(path);
    int unknown = 0, shared = 0;
    for (int i = 0; i < er.n; i++) {
        unknown |= strstr(errs[i].msg, "unknown key 'blink'") != NULL;
        shared |= strstr(errs[i].msg, "share a key") != NULL;
    }
    assert_true(unknown && shared);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_headphones, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slow_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_receipt_slow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concern_by_keypad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_masked_never_spoken, setup, teardown),
        cmocka_unit_test(test_spell_digits),
        cmocka_unit_test_setup_teardown(test_show_masked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_now_112, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emergency_screen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
        cmocka_unit_test(test_config_keypad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
