/*
 * test_layout.c — the box list (no SDL, estimated text widths): every screen
 * at 1920x1080, 1280x800 and 1080x1920 keeps targets >= 44 px and inside the
 * screen with unique ids; right-to-left mirrors the layout but not the
 * keyboard; hit-testing and find-by-label; the JSON description.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"

typedef struct env {
    kiosk_config cfg;
    rc_catalog cat;
    trygg_i18n *tr;
    flow f;
    ui_list l;
} env;

static int submit(void *u, const flow_form *form, char ref[8], char follow[9])
{
    (void)u, (void)form;
    memcpy(ref, "AB-CDEF", 8);
    memcpy(follow, "7M9PK2ZD", 9);
    return 0;
}

static int setup(void **state)
{
    env *e = calloc(1, sizeof *e);
    kcfg_defaults(&e->cfg);
    rc_defaults(&e->cat, &e->cfg);
    char dir[1024], err[256];
    snprintf(dir, sizeof dir, "%s/i18n/kiosk", getenv("TRYGG_ASSETS"));
    assert_int_equal(trygg_i18n_load(dir, &e->tr, err, sizeof err), TRYGG_OK);
    flow_host h = {.user = e, .submit = submit};
    flow_init(&e->f, &e->cfg, &e->cat, e->tr, &h, 1000);
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

static void check(env *e, int w, int h)
{
    layout_build(&e->f, NULL, w, h, &e->l);
    e->f.npages = e->l.npages;
    assert_true(e->l.n > 5 && e->l.n < UI_MAX_ELS);
    for (int i = 0; i < e->l.n; i++) {
        const ui_el *a = &e->l.el[i];
        if (a->x < 0 || a->y < 0 || a->x + a->w > w || a->y + a->h > h)
            fail_msg("%s: '%s' off screen at %dx%d", e->l.screen, a->id, w, h);
        if (a->kind != UI_BUTTON && a->kind != UI_KEY)
            continue;
        if (a->w < 44 || a->h < 44)
            fail_msg("%s: '%s' is %dx%d at %dx%d", e->l.screen, a->id, a->w, a->h, w, h);
        for (int j = i + 1; j < e->l.n; j++)
            if ((e->l.el[j].kind == UI_BUTTON || e->l.el[j].kind == UI_KEY) &&
                strcmp(a->id, e->l.el[j].id) == 0)
                fail_msg("%s: duplicate id %s", e->l.screen, a->id);
    }
}

static void tap(env *e, const char *id)
{
    flow_touch(&e->f, id, "", e->f.now + 100);
}

static void visit_all(env *e, int w, int h)
{
    static const char *const paths[][12] = {
        {NULL},
        {"home.help", NULL},
        {"home.concern", NULL},
        {"home.concern", "opt.lighting", NULL},
        {"home.concern", "opt.lighting", "opt.other", NULL},
        {"home.concern", "opt.lighting", "opt.centrum", NULL},
        {"home.concern", "opt.lighting", "opt.centrum", "opt.now", NULL},
        {"home.concern", "opt.lighting", "opt.centrum", "opt.now", "nav.skip", NULL},
        {"home.fault", "opt.road", "opt.gota", "nav.skip", NULL},
        {"home.fault", "opt.road", "opt.gota", "nav.skip", "opt.yes", NULL},
        {"home.watch", NULL},
        {"home.watch", "nav.next", NULL},
        {"home.walks", NULL},
        {"a11y.large", "home.concern", "opt.lighting", NULL},
        {"speech.toggle", NULL},
    };
    for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
        flow_reset(&e->f, 1000);
        for (int i = 0; paths[p][i]; i++) {
            tap(e, paths[p][i]);
            if (e->f.speech && strncmp(paths[p][i], "speech.", 7) != 0)
                tap(e, paths[p][i]);
        }
        check(e, w, h);
    }
    /* the idle warning */
    flow_reset(&e->f, 1000);
    tap(e, "home.concern");
    flow_tick(&e->f, e->f.now + (uint64_t)e->cfg.idle_s * 1000);
    assert_true(e->f.warning);
    check(e, w, h);
    assert_non_null(layout_find(&e->l, "idle.continue"));
}

/* The server's config lists an area "other" (server.ini [area other]); the
 * area step still shows "Annan plats" once (check() fails on a repeated id). */
static void test_area_other_once(void **state)
{
    env *e = *state;
    int n = e->cat.n_areas;
    snprintf(e->cat.areas[n].id, sizeof e->cat.areas[n].id, "other");
    snprintf(e->cat.areas[n].label[0], sizeof e->cat.areas[n].label[0], "Annan plats");
    e->cat.n_areas = n + 1;
    flow_reset(&e->f, 1000);
    tap(e, "home.concern");
    tap(e, "opt.lighting");
    check(e, 1920, 1080);
    int others = 0;
    for (int i = 0; i < e->l.n; i++)
        others += strcmp(e->l.el[i].id, "opt.other") == 0;
    assert_int_equal(others, 1);
}

static void test_sizes(void **state)
{
    env *e = *state;
    visit_all(e, 1920, 1080);
    visit_all(e, 1280, 800);
    visit_all(e, 1080, 1920);
}

static const ui_el *by_id(const ui_list *l, const char *id)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->el[i].id, id) == 0)
            return &l->el[i];
    return NULL;
}

static const ui_el *by_label(const ui_list *l, const char *label)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->el[i].label, label) == 0)
            return &l->el[i];
    return NULL;
}

/* On the review screen, what the resident typed keeps its own direction:
 * Latin text in the Arabic UI is a left-to-right paragraph (its full stop at
 * the end, on the right), Arabic text is right-to-left. */
static void test_review_typed_direction(void **state)
{
    env *e = *state;
    snprintf(e->f.lang, sizeof e->f.lang, "ar");
    tap(e, "home.concern");
    tap(e, "opt.lighting");
    tap(e, "opt.centrum");
    tap(e, "opt.evenings");
    snprintf(e->f.form.text, sizeof e->f.form.text, "%s", "Det är mörkt vid tunneln.");
    tap(e, "nav.next");
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    assert_true(e->l.rtl);
    const ui_el *v = by_label(&e->l, "Det är mörkt vid tunneln.");
    assert_non_null(v);
    assert_false(v->rtl);
    snprintf(e->f.form.text, sizeof e->f.form.text, "%s", "الشارع مظلم.");
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    v = by_label(&e->l, "الشارع مظلم.");
    assert_non_null(v);
    assert_true(v->rtl);
}

static void test_rtl_mirror(void **state)
{
    env *e = *state;
    tap(e, "home.concern");
    tap(e, "opt.lighting");
    tap(e, "opt.other"); /* place: keyboard + footer */
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    assert_false(e->l.rtl);
    assert_true(by_id(&e->l, "emergency")->x > 960);
    assert_true(by_id(&e->l, "nav.restart")->x < 960);
    assert_true(by_id(&e->l, "nav.next")->x > 960);
    int q = by_id(&e->l, "key.q")->x, w = by_id(&e->l, "key.w")->x;
    assert_true(q < w);
    snprintf(e->f.lang, sizeof e->f.lang, "ar");
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    assert_true(e->l.rtl);
    assert_true(by_id(&e->l, "emergency")->x < 960);
    assert_true(by_id(&e->l, "header.title")->x > 300);
    assert_true(by_id(&e->l, "nav.restart")->x > 960);
    assert_true(by_id(&e->l, "nav.next")->x < 960);
    assert_int_equal(by_id(&e->l, "header.title")->align, UI_ALIGN_END);
    /* Arabic letters first, as on an Arabic PC keyboard (ض at the Q key),
     * not mirrored; no Latin letters until switched */
    assert_null(layout_find(&e->l, "key.q"));
    assert_int_equal(by_id(&e->l, "key.ض")->x, q);
    assert_true(by_id(&e->l, "key.ص")->x > q);
    assert_string_equal(by_id(&e->l, "key.kbd")->label,
                        trygg_i18n_get(e->tr, "ar", "key.to_latin"));
    static const char *const letters[] = {"ا", "ب", "ت", "ث", "ج", "ح", "خ", "د", "ذ", "ر",
                                          "ز", "س", "ش", "ص", "ض", "ط", "ظ", "ع", "غ", "ف",
                                          "ق", "ك", "ل", "م", "ن", "ه", "و", "ي", "ء", "ة"};
    for (size_t i = 0; i < sizeof letters / sizeof *letters; i++) {
        char id[16];
        snprintf(id, sizeof id, "key.%s", letters[i]);
        if (!layout_find(&e->l, id))
            fail_msg("no Arabic key %s", letters[i]);
    }
    check(e, 1920, 1080);
    check(e, 1080, 1920);
    check(e, 1280, 800);
    /* the Latin keyboard keeps its order */
    tap(e, "key.kbd");
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    assert_int_equal(by_id(&e->l, "key.q")->x, q);
    assert_int_equal(by_id(&e->l, "key.w")->x, w);
    assert_null(layout_find(&e->l, "key.ض"));
    assert_string_equal(by_id(&e->l, "key.kbd")->label,
                        trygg_i18n_get(e->tr, "ar", "key.to_arabic"));
    check(e, 1080, 1920);
}

static void test_hit_find_json(void **state)
{
    env *e = *state;
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    const ui_el *t = layout_find(&e->l, "Något känns otryggt");
    assert_non_null(t);
    assert_string_equal(t->id, "home.concern");
    assert_ptr_equal(layout_find(&e->l, "home.concern"), t);
    assert_null(layout_find(&e->l, "Finns inte"));
    assert_ptr_equal(layout_hit(&e->l, t->x + 5, t->y + 5), t);
    assert_string_equal(layout_hit(&e->l, 3, 3)->id, "maint.corner");
    const ui_el *em = by_id(&e->l, "emergency");
    /* "Akut? Ring 112" is a control: it opens the emergency screen (issue 16) */
    assert_ptr_equal(layout_hit(&e->l, em->x + 2, em->y + 2), em);
    assert_int_equal(em->kind, UI_BUTTON);
    char path[256];
    snprintf(path, sizeof path, "%s/layout-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(layout_write_json(&e->l, path), 0);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    unlink(path);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "screen")), "home");
    assert_int_equal(json_integer_value(json_object_get(j, "width")), 1920);
    json_t *els = json_object_get(j, "elements");
    assert_true(json_array_size(els) > 10);
    json_t *first = json_array_get(els, 0);
    assert_non_null(json_object_get(first, "fg"));
    assert_int_equal(strlen(json_string_value(json_object_get(first, "fg"))), 7);
    json_decref(j);
}

static void test_wrap(void **state)
{
    (void)state;
    ui_line lines[8];
    const char *s = "ett två tre fyra";
    int n = layout_wrap(s, 20, 0, 0, 60, lines, 8); /* estimate: 11 px a character */
    assert_true(n >= 2);
    for (int i = 0; i < n; i++)
        assert_true(lines[i].len > 0 && s[lines[i].start] != ' ');
    n = layout_wrap("a\n\nb", 20, 0, 0, 500, lines, 8);
    assert_int_equal(n, 3);
    assert_int_equal(lines[1].len, 0);
    n = layout_wrap("www.example.se/long/path/to/page.html", 20, 0, 0, 200, lines, 8);
    assert_true(n >= 2); /* URLs break after a slash */
}

static int has_text(const ui_list *l, const char *needle)
{
    for (int i = 0; i < l->n; i++)
        if (strstr(l->el[i].label, needle))
            return 1;
    return 0;
}

/* Walk buttons show places left and "Fullbokad"; with no walks planned the
 * screen shows only the calm "none planned" text, not "choose one". */
static void test_walk_places(void **state)
{
    env *e = *state;
    tap(e, "home.walks");
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    assert_string_equal(e->l.screen, "walk.list");
    assert_true(has_text(&e->l, trygg_i18n_get(e->tr, "sv", "walk.none")));
    assert_false(has_text(&e->l, "Välj den vandring"));
    assert_null(layout_find(&e->l, "progress")); /* no "Steg 1 av 5" either */
    for (int i = 0; i < e->l.n; i++)
        assert_string_not_equal(e->l.el[i].id, "progress");
    flow_reset(&e->f, 2000);

    int caps[3][2] = {{30, 12}, {10, 10}, {5, 4}};
    for (int i = 0; i < 3; i++) {
        rc_walk *w = &e->cat.walks[e->cat.n_walks++];
        memset(w, 0, sizeof *w);
        w->id = 3 + i;
        snprintf(w->starts, sizeof w->starts, "2026-12-0%dT18:00:00+01:00", 3 + i);
        snprintf(w->place, sizeof w->place, "Plats %d", i);
        w->capacity = caps[i][0];
        w->signups = caps[i][1];
    }
    tap(e, "home.walks");
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    assert_true(strstr(by_id(&e->l, "opt.3")->label, "18 platser kvar") != NULL);
    assert_true(strstr(by_id(&e->l, "opt.4")->label, "Fullbokad") != NULL);
    assert_true(strstr(by_id(&e->l, "opt.5")->label, "1 plats kvar") != NULL);
    assert_true(has_text(&e->l, "Välj den vandring"));
    int prog = 0;
    for (int i = 0; i < e->l.n; i++)
        prog |= strcmp(e->l.el[i].id, "progress") == 0;
    assert_true(prog);
    assert_false(has_text(&e->l, trygg_i18n_get(e->tr, "sv", "walk.none")));
}

static int no_somali_voice(void *u, const char *lang)
{
    (void)u;
    return strcmp(lang, "so") != 0;
}

/* In Somali the speech control says there is no Somali voice and offers
 * English; the labels the voice reads come from the English screen. */
static void test_somali_voice_control(void **state)
{
    env *e = *state;
    e->f.host.has_voice = no_somali_voice;
    tap(e, "lang.so");
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    assert_string_equal(by_id(&e->l, "speech.toggle")->label,
                        trygg_i18n_get(e->tr, "so", "speech.toggle_novoice"));
    check(e, 1080, 1920); /* the long label stays on a portrait screen */
    tap(e, "home.concern");
    check(e, 1080, 1920);
    e->f.large_text = 1;
    check(e, 1080, 1920);
    e->f.large_text = 0;
    tap(e, "nav.restart");
    tap(e, "lang.so");
    assert_string_not_equal(trygg_i18n_get(e->tr, "so", "speech.toggle_novoice"),
                            trygg_i18n_get(e->tr, "en", "speech.toggle_novoice"));
    char out[UI_LABEL_MAX];
    assert_int_equal(
        layout_label_in(&e->f, NULL, 1920, 1080, "en", "home.concern", out, sizeof out), 1);
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    assert_string_not_equal(out, by_id(&e->l, "home.concern")->label); /* Somali on screen */
    e->f.lang[0] = 'e', e->f.lang[1] = 'n';
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    assert_string_equal(out, by_id(&e->l, "home.concern")->label);
    assert_int_equal(layout_label_in(&e->f, NULL, 1920, 1080, "en", "no.such", out, sizeof out), 0);
    /* A language with a voice keeps the plain "Lyssna" control. */
    tap(e, "lang.sv");
    layout_build(&e->f, NULL, 1920, 1080, &e->l);
    assert_string_equal(by_id(&e->l, "speech.toggle")->label,
                        trygg_i18n_get(e->tr, "sv", "speech.toggle"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_area_other_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rtl_mirror, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_typed_direction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hit_find_json, setup, teardown),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test_setup_teardown(test_walk_places, setup, teardown),
        cmocka_unit_test_setup_teardown(test_somali_voice_control, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
