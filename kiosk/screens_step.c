/* screens_step.c — one step of a report: category, area, when, walks,
 * feedback, consent, text entry with the keyboard, and the review. */
#include "layout_kit.h"

#include "bidi.h"

#include <stdio.h>
#include <string.h>

#include "trygg/copy.h"

static void entry_choices(ctx *c, const rc_entry *list, int n, const char *prefix,
                          const char *selected, int own_first)
{
    choice ch[RC_AREAS + 2];
    int m = 0;
    char buf[RC_LABEL];
    const char *own = c->f->cfg->area;
    if (own_first)
        for (int i = 0; i < n; i++)
            if (strcmp(list[i].id, own) == 0) {
                TRYGG_COPY_FIT(ch[m].id, list[i].id);
                TRYGG_COPY_TRUNC(ch[m].label, rc_label(&list[i], c->f->lang, c->f->tr, prefix, buf,
                                                       sizeof buf)); /* display text */
                m++;
            }
    for (int i = 0; i < n && m < RC_AREAS + 1; i++) {
        /* The kiosk's own area comes first and "Annan plats" last (the
         * server's config may list an area "other" too: shown once). */
        if (own_first && (strcmp(list[i].id, own) == 0 || strcmp(list[i].id, "other") == 0))
            continue;
        TRYGG_COPY_FIT(ch[m].id, list[i].id);
        TRYGG_COPY_TRUNC(ch[m].label, rc_label(&list[i], c->f->lang, c->f->tr, prefix, buf,
                                               sizeof buf)); /* display text */
        m++;
    }
    if (own_first) { /* areas end with "other" */
        snprintf(ch[m].id, sizeof ch[m].id, "other");
        TRYGG_COPY_TRUNC(ch[m].label, T(c, "area.other")); /* display text */
        m++;
    }
    kit_choices(c, ch, m, selected);
}

static void walk_label(ctx *c, const rc_walk *w, char *out, size_t cap)
{
    int y = 0, mo = 0, d = 0, hh = 0, mi = 0;
    char date[128] = "";
    if (sscanf(w->starts, "%d-%d-%dT%d:%d", &y, &mo, &d, &hh, &mi) == 5 && mo >= 1 && mo <= 12) {
        char mk[16], ds[8], ts[8];
        snprintf(mk, sizeof mk, "month.%d", mo);
        snprintf(ds, sizeof ds, "%d", d);
        snprintf(ts, sizeof ts, "%02d.%02d", hh, mi);
        const char *n[] = {"day", "month", "time", NULL};
        const char *v[] = {ds, T(c, mk), ts, NULL};
        trygg_ignore(trygg_i18n_format(
            T(c, "walk.when"), n, v, date,
            sizeof date)); /* display: a text too long for its buffer shows empty */
    } else {
        TRYGG_COPY_TRUNC(date, w->starts); /* display text */
    }
    /* Places left from the server's config: "12 platser kvar", "Fullbokad";
     * nothing for a walk without a limit. */
    char places[96] = "";
    int left = flow_walk_places_left(w);
    if (left == 0) {
        snprintf(places, sizeof places, " \xC2\xB7 %s", T(c, "walk.full"));
    } else if (left > 0) {
        char ns[16], txt[80];
        snprintf(ns, sizeof ns, "%d", left);
        const char *n[] = {"n", NULL};
        const char *v[] = {ns, NULL};
        trygg_ignore(trygg_i18n_format(
            T(c, left == 1 ? "walk.place_left" : "walk.places_left"), n, v, txt,
            sizeof txt)); /* display: a text too long for its buffer shows empty */
        snprintf(places, sizeof places, " \xC2\xB7 %s", txt);
    }
    int n = snprintf(out, cap, "%s \xE2\x80\x93 %s%s%s%s", date, w->place,
                     w->meeting_point[0] ? ", " : "", w->meeting_point, places);
    if (n < 0 || (size_t)n >= cap)
        out[cap - 1] = 0; /* cut; the renderer shrinks or wraps what is left */
}

/* One label/value row of the review screen. `typed` values are what the
 * resident typed: they run in their own direction, like in the input field
 * (Latin text in the Arabic UI stays a left-to-right paragraph). */
static void review_row_dir(ctx *c, int *y, const char *key, const char *value, int typed)
{
    if (!value || !*value)
        return;
    const ui_theme *t = c->t;
    int lw = c->portrait ? c->W - 2 * c->pad - S(c, 48) : (int)(S(c, 420) * c->fs);
    if (!c->portrait && lw > (c->W - 2 * c->pad) / 2) /* "Större text": the labels grow too */
        lw = (c->W - 2 * c->pad) / 2;
    int vx = c->portrait ? c->pad + S(c, 24) : c->pad + S(c, 24) + lw + S(c, 24);
    int vw = c->W - c->pad - S(c, 24) - vx;
    int px = P(c, 32);
    int ly = *y;
    kit_para(c, T(c, key), c->pad + S(c, 24), &ly, lw, px, 1, t->text, t->panel_bg);
    int vy = c->portrait ? ly : *y;
    ui_el *v = kit_para(c, value, vx, &vy, vw, px, 0, t->text, t->panel_bg);
    if (typed)
        v->rtl = bidi_text_is_rtl(value, c->l->rtl);
    *y = (vy > ly ? vy : ly) + S(c, 14);
}

static void review_row(ctx *c, int *y, const char *key, const char *value)
{
    review_row_dir(c, y, key, value, 0);
}

static void screen_review(ctx *c)
{
    const flow *f = c->f;
    const flow_form *m = &f->form;
    const ui_theme *t = c->t;
    char buf[RC_LABEL], area[RC_LABEL * 2] = "", cat[RC_LABEL] = "", when[96] = "";
    char walk[512] = "", feedback[96] = "";
    const rc_entry *e;
    if (m->kind == FLOW_CONCERN || m->kind == FLOW_FAULT) {
        const rc_entry *list = m->kind == FLOW_CONCERN ? f->cat->concern : f->cat->fault;
        int n = m->kind == FLOW_CONCERN ? f->cat->n_concern : f->cat->n_fault;
        if ((e = rc_find(list, n, m->category)))
            TRYGG_COPY_TRUNC(cat, rc_label(e, f->lang, f->tr, /* display text */
                                           m->kind == FLOW_CONCERN ? "cat.concern." : "cat.fault.",
                                           buf, sizeof buf));
    }
    if (strcmp(m->area, "other") == 0)
        TRYGG_COPY_FIT(area, m->place);
    else if ((e = rc_find(f->cat->areas, f->cat->n_areas, m->area))) {
        TRYGG_COPY_TRUNC(area,
                         rc_label(e, f->lang, f->tr, NULL, buf, sizeof buf)); /* display text */
        /* a fault's place: the registered one, or what was typed */
        const rc_place *sp = flow_spot(f, m->spot);
        const char *where = sp ? sp->label : m->place;
        size_t n = strlen(area);
        if (where[0] && n + 3 < sizeof area)
            snprintf(area + n, sizeof area - n, ", %s", where);
    }
    if (m->when[0]) {
        char k[32];
        snprintf(k, sizeof k, "when.%s", m->when);
        TRYGG_COPY_TRUNC(when, T(c, k)); /* display text */
    }
    for (int i = 0; i < f->cat->n_walks; i++)
        if (f->cat->walks[i].id == m->walk_id)
            walk_label(c, &f->cat->walks[i], walk, sizeof walk);
    if (m->kind == FLOW_FAULT || m->kind == FLOW_QUESTION)
        TRYGG_COPY_TRUNC(feedback,
                         T(c, m->feedback == 1
                                  ? (m->kind == FLOW_QUESTION ? "question.yes" : "feedback.yes")
                                  : (m->kind == FLOW_QUESTION ? "question.no" : "feedback.no")));
    char phone_masked[64] = "";
    if (m->phone[0]) {
        /* Show only the last two digits on screen. */
        size_t n = strlen(m->phone), o = 0;
        for (size_t i = 0; i < n && o + 4 < sizeof phone_masked; i++) {
            if (i + 2 >= n)
                phone_masked[o++] = m->phone[i];
            else {
                memcpy(phone_masked + o, "\xE2\x80\xA2", 3);
                o += 3;
            }
        }
        phone_masked[o] = 0;
    }
    int y = c->top;
    int w = c->W - 2 * c->pad;
    ui_el *p = kit_panel(c, c->pad, y, w, 10, t->panel_bg, t->border, S(c, 2));
    y += S(c, 20);
    review_row(c, &y, "review.walk", walk);
    review_row(c, &y, "review.category", cat);
    review_row_dir(c, &y, "review.name", m->name, 1);
    review_row(c, &y, "review.area", area);
    review_row(c, &y, "review.when", when);
    review_row_dir(c, &y, m->kind == FLOW_QUESTION ? "review.question" : "review.text",
                   m->text[0] ? m->text : NULL, 1);
    if (m->kind == FLOW_CONCERN || m->kind == FLOW_FAULT)
        if (!m->text[0])
            review_row(c, &y, "review.text", T(c, "review.none"));
    review_row(c, &y, "review.feedback", feedback);
    int before = c->l->n;
    review_row(c, &y, "review.phone", phone_masked);
    if (c->l->n > before)
        c->l->el[c->l->n - 1].masked = 1; /* the last digits are shown, never said */
    review_row_dir(c, &y, "review.contact", m->contact, 1);
    p->h = y - p->y + S(c, 6);
    y += S(c, 20);
    kit_para(
        c,
        T(c, m->kind == FLOW_CONCERN ||
                     ((m->kind == FLOW_FAULT || m->kind == FLOW_QUESTION) && m->feedback != 1)
                 ? (m->kind == FLOW_QUESTION ? "review.question_anonymous" : "review.anonymous")
                 : "review.personal"),
        c->pad, &y, w, P(c, 28), 0, t->muted, t->bg);
}

/* The step's footer: back, and the button that moves on (none where
 * choosing an option moves on). */
static void step_footer(ctx *c, flow_step s)
{
    const flow_form *m = &c->f->form;
    const char *next_id = "nav.next", *next_label = T(c, "nav.next");
    switch (s) {
    case ST_CATEGORY:
    case ST_AREA:
    case ST_WHEN:
    case ST_FEEDBACK:
    case ST_WALK:
    case ST_SPOT:
        next_id = NULL; /* choosing an option moves on */
        break;
    case ST_DESC:
        if (!m->text[0])
            next_id = "nav.skip", next_label = T(c, "nav.skip");
        break;
    case ST_QUESTION:
        break;
    case ST_WATCH_INFO:
        next_label = T(c, "watch.signup");
        break;
    case ST_REVIEW:
        next_id = "review.send", next_label = T(c, "review.send");
        break;
    default:
        break;
    }
    kit_footer(c, 1, next_id, next_label);
}

static void step_when(ctx *c)
{
    const flow_form *m = &c->f->form;
    static const char *const w[] = {"now", "today", "evenings", "nights", "weekends", "recurring"};
    choice ch[6];
    for (int i = 0; i < 6; i++) {
        char k[32];
        TRYGG_COPY_TRUNC(ch[i].id, w[i]); /* fixed short ids */
        snprintf(k, sizeof k, "when.%s", w[i]);
        TRYGG_COPY_TRUNC(ch[i].label, T(c, k)); /* display text */
    }
    kit_choices(c, ch, 6, m->when);
}

static void step_feedback(ctx *c)
{
    const flow_form *m = &c->f->form;
    choice ch[2];
    int q = m->kind == FLOW_QUESTION;
    snprintf(ch[0].id, sizeof ch[0].id, "yes");
    TRYGG_COPY_TRUNC(ch[0].label, T(c, q ? "question.yes" : "feedback.yes")); /* display text */
    snprintf(ch[1].id, sizeof ch[1].id, "no");
    TRYGG_COPY_TRUNC(ch[1].label, T(c, q ? "question.no" : "feedback.no")); /* display text */
    const char *sel = m->feedback == 1 ? "yes" : m->feedback == 0 ? "no" : NULL;
    kit_choices(c, ch, 2, sel);
}

/* A fault's place: the registered places of its area, then "Annan plats"
 * (typed on the next step). */
static void step_spot(ctx *c)
{
    const flow *f = c->f;
    choice ch[RC_PLACES + 1];
    int n = 0;
    for (int i = 0; i < f->cat->n_places && n < RC_PLACES; i++) {
        const rc_place *p = &f->cat->places[i];
        if (strcmp(p->area, f->form.area) != 0)
            continue;
        TRYGG_COPY_FIT(ch[n].id, p->id);
        TRYGG_COPY_TRUNC(ch[n].label, p->label); /* display text */
        n++;
    }
    snprintf(ch[n].id, sizeof ch[n].id, "other");
    TRYGG_COPY_TRUNC(ch[n].label, T(c, "spot.other")); /* display text */
    n++;
    kit_choices(c, ch, n, f->form.spot[0] ? f->form.spot : NULL);
}

/* How many walks (or, signing up for a round, rounds) the list shows. */
static int walks_listed(const flow *f)
{
    int n = 0;
    for (int i = 0; i < f->cat->n_walks; i++)
        n += flow_walk_listed(f, &f->cat->walks[i]);
    return n;
}

/* The planned walks to choose from, or a calm text when none is planned. */
static void step_walk(ctx *c)
{
    const flow *f = c->f;
    const flow_form *m = &f->form;
    const ui_theme *t = c->t;
    if (walks_listed(f) == 0) {
        int y = c->top;
        kit_para(c, T(c, m->kind == FLOW_ROUND ? "round.none" : "walk.none"), c->pad, &y,
                 c->W - 2 * c->pad, P(c, 34), 0, t->text, t->bg);
        return;
    }
    choice ch[RC_WALKS];
    char sel[16] = "";
    int n = 0;
    for (int i = 0; i < f->cat->n_walks; i++) {
        if (!flow_walk_listed(f, &f->cat->walks[i]))
            continue;
        snprintf(ch[n].id, sizeof ch[n].id, "%d", f->cat->walks[i].id);
        walk_label(c, &f->cat->walks[i], ch[n].label, sizeof ch[n].label);
        if (f->cat->walks[i].id == m->walk_id)
            snprintf(sel, sizeof sel, "%d", m->walk_id);
        n++;
    }
    kit_choices(c, ch, n, sel);
}

/* The consent text in a panel and its check button. */
static void step_consent(ctx *c)
{
    const flow_form *m = &c->f->form;
    const ui_theme *t = c->t;
    char body[1024];
    flow_consent_text(c->f, body, sizeof body);
    int y = c->top;
    int w = c->W - 2 * c->pad;
    int px = P(c, 30);
    int h = kit_text_h(c, body, px, 0, w - S(c, 48)) + S(c, 40);
    kit_panel(c, c->pad, y, w, h, t->panel_bg, t->border, S(c, 2));
    int ty = y + S(c, 20);
    kit_para(c, body, c->pad + S(c, 24), &ty, w - S(c, 48), px, 0, t->text, t->panel_bg);
    y += h + S(c, 24);
    int bw = kit_btn_w(c, T(c, "consent.toggle"), P(c, 34)) + S(c, 80);
    if (bw > w)
        bw = w;
    ui_el *b = kit_button(c, "consent.toggle", T(c, "consent.toggle"), c->pad, y, bw, S(c, 104),
                          m->consent ? ST_SELECTED : ST_SECONDARY);
    b->check = m->consent ? 2 : 1;
    b->align = UI_ALIGN_START;
}

/* "Just nu" (defect 8): call 112 at once if someone is in danger, on the
 * emergency colours, on the steps after the choice. */
static void now_112(ctx *c)
{
    const ui_theme *t = c->t;
    char text[512];
    const char *n[] = {"number", NULL};
    const char *v[] = {c->f->cat->emergency, NULL};
    trygg_ignore(trygg_i18n_format(T(c, "when.now.112"), n, v, text,
                                   sizeof text)); /* display: too long shows empty */
    int w = c->W - 2 * c->pad, px = P(c, 30);
    int h = kit_text_h(c, text, px, 1, w - S(c, 40)) + S(c, 20);
    kit_panel(c, c->pad, c->top, w, h, t->danger_bg, t->danger_bg, 0);
    ui_el *e = kit_text(c, "now.112", text, c->pad + S(c, 20), c->top + S(c, 10), w - S(c, 40),
                        h - S(c, 20), px, 1, t->danger_fg, t->danger_bg);
    e->say_digits = 1;
    c->top += h + S(c, 16);
}

void screen_step(ctx *c)
{
    const flow *f = c->f;
    const flow_form *m = &f->form;
    const ui_theme *t = c->t;
    flow_step s = flow_current_step(f);
    char name[64], key[96], hint[96];
    flow_screen_name(f, name, sizeof name);
    snprintf(key, sizeof key, "%s.title", name);
    if (!trygg_i18n_has(f->tr, "sv", key))
        snprintf(key, sizeof key, "step.%s.title", (strchr(name, '.') + 1));
    snprintf(hint, sizeof hint, "%s.hint", name);
    if (!trygg_i18n_has(f->tr, "sv", hint))
        snprintf(hint, sizeof hint, "step.%s.hint", (strchr(name, '.') + 1));
    const char *hint_text = trygg_i18n_has(f->tr, "sv", hint) ? T(c, hint) : NULL;

    /* Footer first: it decides how much room the content has. */
    step_footer(c, s);
    int n0 = c->l->n, top0 = c->top;
    if (!(s == ST_WALK && walks_listed(f) == 0)) /* nothing to go through */
        kit_progress(c);
    size_t cap;
    int masked, digits;
    char *fld = flow_field((flow *)f, &cap, &masked, &digits);
    /* Steps with a keyboard keep the title short (no hint under it). */
    /* No walks planned: the calm "none planned" text replaces the hint
     * that asks to choose one. */
    if (s == ST_WALK && walks_listed(f) == 0)
        hint_text = NULL;
    kit_title(c, T(c, key), fld ? NULL : hint_text);
    kit_error_line(c);
    if (strcmp(m->when, "now") == 0 && (s == ST_DESC || s == ST_REVIEW))
        now_112(c);
    switch (s) {
    case ST_CATEGORY:
        if (m->kind == FLOW_CONCERN)
            entry_choices(c, f->cat->concern, f->cat->n_concern, "cat.concern.", m->category, 0);
        else
            entry_choices(c, f->cat->fault, f->cat->n_fault, "cat.fault.", m->category, 0);
        break;
    case ST_AREA:
        entry_choices(c, f->cat->areas, f->cat->n_areas, NULL, m->area, 1);
        break;
    case ST_SPOT:
        step_spot(c);
        break;
    case ST_WHEN:
        step_when(c);
        break;
    case ST_FEEDBACK:
        step_feedback(c);
        break;
    case ST_WALK:
        step_walk(c);
        break;
    case ST_WATCH_INFO: {
        int y = c->top;
        int w = c->W - 2 * c->pad;
        int px = P(c, 32);
        kit_para(c, T(c, "watch.info.body"), c->pad, &y, w, px, 0, t->text, t->bg);
        break;
    }
    case ST_CONSENT:
        step_consent(c);
        break;
    case ST_REVIEW:
        screen_review(c);
        break;
    case ST_PLACE:
    case ST_DESC:
    case ST_QUESTION:
    case ST_PHONE:
    case ST_NAME:
    case ST_CONTACT:
        /* With an error above the field there is no room for the hint and
         * three lines too: the keys keep their size (the error says what to
         * do, and the question it refused is empty). */
        kit_entry(c, n0, top0, fld, masked, s == ST_DESC || (s == ST_QUESTION && !f->error[0]),
                  f->error[0] ? NULL : hint_text, digits);
        break;
    }
}
