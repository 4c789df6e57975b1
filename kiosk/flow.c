/* flow.c — screens, steps, validation, idle and maintenance logic (no SDL). */
#include "flow.h"
#include "focus.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "trygg/copy.h"
#include "trygg/utf8.h"

#define CORNER_TAPS   5
#define CORNER_WINDOW 3000
#define ARM_TIMEOUT   8000
#define PIN_MAX_FAILS 3

static const char *const step_names[] = {
    [ST_CATEGORY] = "category", [ST_AREA] = "area",         [ST_PLACE] = "place",
    [ST_WHEN] = "when",         [ST_DESC] = "desc",         [ST_FEEDBACK] = "feedback",
    [ST_PHONE] = "phone",       [ST_WATCH_INFO] = "info",   [ST_WALK] = "list",
    [ST_NAME] = "name",         [ST_CONTACT] = "contact",   [ST_CONSENT] = "consent",
    [ST_REVIEW] = "review",     [ST_QUESTION] = "question", [ST_SPOT] = "spot",
};
static const char *const kind_names[] = {"",     "concern",  "fault", "watch",
                                         "walk", "question", "round"};

const char *flow_text(const flow *f, const char *key)
{
    return f->tr ? trygg_i18n_get(f->tr, f->lang, key) : key;
}

const char *flow_voice_lang(const flow *f)
{
    return f->speech_lang[0] ? f->speech_lang : f->lang;
}

/* Text for key in the language the voice speaks (see flow_voice_lang). */
static const char *spoken(const flow *f, const char *key)
{
    return f->tr ? trygg_i18n_get(f->tr, flow_voice_lang(f), key) : key;
}

static int has_voice(const flow *f, const char *lang)
{
    return !f->host.has_voice || f->host.has_voice(f->host.user, lang);
}

/* Picks the voice for the language on the screen: its own when there is
 * one, else English (the fallback voice; Somali has none). */
static void pick_voice(flow *f)
{
    if (!has_voice(f, f->lang) || !TRYGG_COPY(f->speech_lang, f->lang))
        TRYGG_COPY_FIT(f->speech_lang, FLOW_FALLBACK_VOICE);
}

int flow_lang_has_voice(const flow *f)
{
    return has_voice(f, f->lang);
}

static void say(flow *f, const char *text)
{
    if (f->speech && f->host.say && text && *text)
        f->host.say(f->host.user, flow_voice_lang(f), text);
}

static void say_key(flow *f, const char *key)
{
    say(f, spoken(f, key));
}

flow_step flow_current_step(const flow *f)
{
    return f->steps[f->step];
}

static int step_visible(const flow *f, flow_step s)
{
    switch (s) {
    case ST_PLACE: /* typed: "Annan plats", or a fault's place not in the list */
        if (strcmp(f->form.area, "other") == 0)
            return 1;
        return f->form.kind == FLOW_FAULT &&
               (strcmp(f->form.spot, "other") == 0 || flow_area_places(f) == 0);
    case ST_SPOT:
        return strcmp(f->form.area, "other") != 0 && flow_area_places(f) > 0;
    case ST_PHONE:
        return f->form.feedback == 1;
    case ST_CONSENT:
        return (f->form.kind != FLOW_FAULT && f->form.kind != FLOW_QUESTION) ||
               f->form.feedback == 1;
    case ST_CONTACT: /* a question is answered only with a contact */
        return f->form.kind != FLOW_QUESTION || f->form.feedback == 1;
    default:
        return 1;
    }
}

/* A step shown only for some answers (the typed place, the fault's list of
 * places, the phone number, a fault's or a question's contact and consent)
 * counts as part of the step before it in "Steg n av m", so the total is
 * the same whatever the resident answers and no number is skipped (defect 8:
 * "Steg 4 av 5" was followed by "Steg 5 av 7"). */
static int step_counted(const flow *f, flow_step s)
{
    switch (s) {
    case ST_PLACE:
    case ST_SPOT:
    case ST_PHONE:
        return 0;
    case ST_CONSENT:
    case ST_CONTACT:
        return f->form.kind != FLOW_FAULT && f->form.kind != FLOW_QUESTION;
    default:
        return 1;
    }
}

void flow_progress(const flow *f, int *pos, int *total)
{
    *pos = 0;
    *total = 0;
    for (int i = 0; i < f->nsteps; i++) {
        if (!step_counted(f, f->steps[i]))
            continue;
        (*total)++;
        if (i <= f->step)
            *pos = *total;
    }
}

const char *flow_screen_name(const flow *f, char *buf, size_t cap)
{
    const char *s = "home";
    if (f->warning)
        s = "idle";
    else if (f->confirm_restart)
        s = "restart";
    else
        switch (f->screen) {
        case SCR_HOME:
            s = "home";
            break;
        case SCR_HELP:
            s = "help";
            break;
        case SCR_RECEIPT:
            s = "receipt";
            break;
        case SCR_SAVE_ERROR:
            s = "save_error";
            break;
        case SCR_PIN:
            s = "pin";
            break;
        case SCR_MAINT:
            s = "maint";
            break;
        case SCR_EMERGENCY:
            s = "emergency";
            break;
        case SCR_PARENT:
            s = "parent";
            break;
        case SCR_FOLLOW:
            s = "follow";
            break;
        case SCR_STEP:
            snprintf(buf, cap, "%s.%s", kind_names[f->form.kind], step_names[flow_current_step(f)]);
            return buf;
        }
    trygg_copy_trunc(buf, cap, s);
    return buf;
}

/* Catalog key of the current screen's title. */
static void title_key(const flow *f, char *key, size_t cap)
{
    char name[64];
    flow_screen_name(f, name, sizeof name);
    snprintf(key, cap, "%s.title", name);
    if (f->screen == SCR_STEP && f->tr && !trygg_i18n_has(f->tr, "sv", key))
        snprintf(key, cap, "step.%s.title", step_names[flow_current_step(f)]);
}

static void announce_with(flow *f, const char *prefix_key);

/* The current screen's title as spoken (the emergency screen's with its
 * number, read digit by digit). */
static void title_text(const flow *f, char *out, size_t cap)
{
    char key[96];
    title_key(f, key, sizeof key);
    if (f->screen == SCR_EMERGENCY && !f->warning && !f->confirm_restart) {
        char title[256];
        const char *n[] = {"number", NULL};
        const char *v[] = {f->cat->emergency, NULL};
        /* display: a text too long for its buffer is said empty */
        trygg_ignore(trygg_i18n_format(spoken(f, "emergency.title"), n, v, title, sizeof title));
        focus_spell_digits(title, out, cap);
        return;
    }
    trygg_copy_trunc(out, cap, spoken(f, key)); /* spoken text */
}

static void announce(flow *f)
{
    announce_with(f, NULL);
}

/* Speaks the screen's title, after the text of prefix_key if given, as ONE
 * utterance (a second say would interrupt the first). */
static void announce_with(flow *f, const char *prefix_key)
{
    if (!f->speech)
        return;
    char key[96], title[512];
    title_key(f, key, sizeof key);
    title_text(f, title, sizeof title);
    if (prefix_key && f->screen != SCR_RECEIPT) {
        char text[1024];
        snprintf(text, sizeof text, "%s %s", spoken(f, prefix_key), title);
        say(f, text);
        return;
    }
    if (f->screen == SCR_RECEIPT && !f->ref[0]) {
        say_key(f, "receipt.spoken_none");
        return;
    }
    if (f->screen == SCR_RECEIPT) {
        /* The reference letter by letter, so the voice spells it. */
        char spelled[32] = "";
        size_t o = 0;
        for (const char *p = f->ref; *p && o + 3 < sizeof spelled; p++) {
            if (*p == '-')
                continue;
            spelled[o++] = *p;
            spelled[o++] = ' ';
        }
        spelled[o] = 0;
        char text[512];
        const char *names[] = {"ref", NULL};
        const char *vals[] = {spelled, NULL};
        trygg_ignore(trygg_i18n_format(
            spoken(f, "receipt.spoken"), names, vals, text,
            sizeof text)); /* display: a text too long for its buffer shows empty */
        say(f, text);
        return;
    }
    say(f, title);
}

static void enter_screen(flow *f, flow_screen s)
{
    f->screen = s;
    f->error[0] = 0;
    f->page = 0;
    f->shift = 0;
    f->kbd_other = 0;
    f->show_masked = 0;
    f->focus = -1;
    f->kbd_scan = 0;
    f->dirty = 1;
    announce(f);
}

int flow_kbd_arabic(const flow *f)
{
    if (strcmp(f->lang, "ar") != 0)
        return 0;
    /* Arabic letters for free text; an e-mail address starts in Latin. */
    int def = !(f->screen == SCR_STEP && flow_current_step(f) == ST_CONTACT);
    return def ^ (f->kbd_other != 0);
}

static void set_steps(flow *f, flow_kind kind)
{
    static const flow_step concern[] = {ST_CATEGORY, ST_AREA, ST_PLACE,
                                        ST_WHEN,     ST_DESC, ST_REVIEW};
    static const flow_step fault[] = {ST_CATEGORY, ST_AREA,  ST_SPOT,    ST_PLACE, ST_DESC,
                                      ST_FEEDBACK, ST_PHONE, ST_CONSENT, ST_REVIEW};
    static const flow_step watch[] = {ST_WATCH_INFO, ST_NAME,    ST_AREA,  ST_PLACE,
                                      ST_CONTACT,    ST_CONSENT, ST_REVIEW};
    static const flow_step walk[] = {ST_WALK, ST_NAME, ST_CONTACT, ST_CONSENT, ST_REVIEW};
    static const flow_step question[] = {ST_QUESTION, ST_FEEDBACK, ST_CONTACT, ST_CONSENT,
                                         ST_REVIEW};
    const flow_step *s = concern;
    int n = 0;
    switch (kind) {
    case FLOW_CONCERN:
        s = concern, n = (int)(sizeof concern / sizeof *concern);
        break;
    case FLOW_FAULT:
        s = fault, n = (int)(sizeof fault / sizeof *fault);
        break;
    case FLOW_WATCH:
        s = watch, n = (int)(sizeof watch / sizeof *watch);
        break;
    case FLOW_WALK:
    case FLOW_ROUND:
        s = walk, n = (int)(sizeof walk / sizeof *walk);
        break;
    case FLOW_QUESTION:
        s = question, n = (int)(sizeof question / sizeof *question);
        break;
    case FLOW_NONE:
        break;
    }
    memcpy(f->steps, s, (size_t)n * sizeof *s);
    f->nsteps = n;
    f->step = 0;
}

static void clear_form(flow_form *form)
{
    /* volatile-free wipe: memset of a struct the flow keeps using is not
     * optimised away. */
    memset(form, 0, sizeof *form);
    form->feedback = -1;
    form->walk_id = -1;
}

static void start_flow(flow *f, flow_kind kind)
{
    clear_form(&f->form);
    f->form.kind = kind;
    set_steps(f, kind);
    enter_screen(f, SCR_STEP);
}

void flow_reset(flow *f, uint64_t now)
{
    clear_form(&f->form);
    f->nsteps = f->step = 0;
    TRYGG_COPY_FIT(f->lang, f->cfg->default_lang);
    if (f->host.speech_reset)
        f->host.speech_reset(f->host.user);
    f->speech = 0;
    f->speech_lang[0] = 0;
    f->armed[0] = 0;
    f->keypad = 0;
    f->show_masked = 0;
    f->headphones = 0;
    f->volume = 100;
    f->large_text = f->cfg->large_text;
    f->high_contrast = f->cfg->high_contrast;
    f->warning = 0;
    f->confirm_restart = 0;
    f->extensions = 0;
    f->corner_taps = 0;
    memset(f->pin, 0, sizeof f->pin);
    f->pin_fails = 0;
    memset(f->ref, 0, sizeof f->ref);
    memset(f->follow, 0, sizeof f->follow);
    memset(f->follow_code, 0, sizeof f->follow_code);
    f->follow_state = FOLLOW_IDLE;
    memset(f->follow_status, 0, sizeof f->follow_status);
    memset(f->follow_received, 0, sizeof f->follow_received);
    memset(f->follow_changed, 0, sizeof f->follow_changed);
    f->last_input = now;
    f->now = now;
    enter_screen(f, SCR_HOME);
}

void flow_init(flow *f, const kiosk_config *cfg, const rc_catalog *cat, const trygg_i18n *tr,
               const flow_host *host, uint64_t now)
{
    memset(f, 0, sizeof *f);
    f->cfg = cfg;
    f->cat = cat;
    f->tr = tr;
    if (host)
        f->host = *host;
    f->npages = 1;
    flow_reset(f, now);
}

/* ---- validation ---- */

int flow_valid_phone(const char *s)
{
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (*p == '+' && p == s)
            ;
        else if (*p != ' ' && *p != '-')
            return 0;
    }
    return digits >= 7 && digits <= 15;
}

int flow_valid_contact(const char *s)
{
    if (flow_valid_phone(s))
        return 1;
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return 0;
    const char *dot = strrchr(at, '.');
    if (!dot || dot == at + 1 || !dot[1] || strlen(dot + 1) < 2)
        return 0;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ')
            return 0;
    return 1;
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return 0;
    return 1;
}

/* Returns the error key for the current step, or NULL when it may be left. */
static const char *validate(flow *f)
{
    flow_form *m = &f->form;
    switch (flow_current_step(f)) {
    case ST_CATEGORY:
        return m->category[0] ? NULL : "err.choose";
    case ST_AREA:
        return m->area[0] ? NULL : "err.choose";
    case ST_WHEN:
        return m->when[0] ? NULL : "err.choose";
    case ST_FEEDBACK:
        return m->feedback >= 0 ? NULL : "err.choose";
    case ST_WALK:
        return m->walk_id >= 0 ? NULL : "err.choose";
    case ST_PLACE:
        return blank(m->place) ? "err.place_required" : NULL;
    case ST_NAME:
        return blank(m->name) ? "err.name_required" : NULL;
    case ST_PHONE:
        return flow_valid_phone(m->phone) ? NULL : "err.phone";
    case ST_CONTACT:
        return flow_valid_contact(m->contact) ? NULL : "err.contact";
    case ST_CONSENT:
        return m->consent ? NULL : "err.consent";
    case ST_QUESTION:
        return blank(m->text) ? "err.question_required" : NULL;
    case ST_SPOT:
        return m->spot[0] ? NULL : "err.choose";
    case ST_DESC:
    case ST_WATCH_INFO:
    case ST_REVIEW:
        return NULL;
    }
    return NULL;
}

static void show_error(flow *f, const char *key)
{
    TRYGG_COPY_TRUNC(f->error, key); /* catalog keys of errors are short literals */
    f->dirty = 1;
    say_key(f, key);
}

int flow_walk_places_left(const rc_walk *w)
{
    if (w->capacity <= 0)
        return -1;
    return w->signups >= w->capacity ? 0 : w->capacity - w->signups;
}

static void go_step(flow *f, int dir)
{
    int i = f->step + dir;
    while (i >= 0 && i < f->nsteps && !step_visible(f, f->steps[i]))
        i += dir;
    if (i < 0) {
        enter_screen(f, SCR_HOME);
        return;
    }
    if (i >= f->nsteps)
        return;
    f->step = i;
    enter_screen(f, SCR_STEP);
}

static void next(flow *f)
{
    const char *err = validate(f);
    if (err) {
        show_error(f, err);
        return;
    }
    go_step(f, +1);
}

char *flow_field(flow *f, size_t *cap, int *masked, int *digits_only)
{
    *masked = 0;
    *digits_only = 0;
    if (f->screen == SCR_PIN) {
        *cap = sizeof f->pin;
        *masked = 1;
        *digits_only = 1;
        return f->pin;
    }
    if (f->screen == SCR_FOLLOW && f->follow_state != FOLLOW_WAITING) {
        *cap = sizeof f->follow_code;
        return f->follow_code;
    }
    if (f->screen != SCR_STEP)
        return NULL;
    switch (flow_current_step(f)) {
    case ST_PLACE:
        *cap = sizeof f->form.place;
        return f->form.place;
    case ST_DESC:
    case ST_QUESTION:
        *cap = sizeof f->form.text;
        return f->form.text;
    case ST_PHONE:
        *cap = sizeof f->form.phone;
        *masked = 1;
        *digits_only = 1;
        return f->form.phone;
    case ST_NAME:
        *cap = sizeof f->form.name;
        return f->form.name;
    case ST_CONTACT:
        *cap = sizeof f->form.contact;
        return f->form.contact;
    default:
        return NULL;
    }
}

void flow_utf8_pop(char *s)
{
    s[strlen(s) - trygg_utf8_last_len(s)] = 0;
}

static void key(flow *f, const char *k)
{
    size_t cap;
    int masked, digits;
    char *field = flow_field(f, &cap, &masked, &digits);
    if (!field)
        return;
    f->error[0] = 0;
    f->dirty = 1;
    if (strcmp(k, "shift") == 0) {
        f->shift = !f->shift;
        return;
    }
    if (strcmp(k, "kbd") == 0) { /* Arabic <-> Latin letters */
        f->kbd_other = !f->kbd_other;
        f->shift = 0;
        return;
    }
    if (strcmp(k, "bksp") == 0) {
        flow_utf8_pop(field);
        return;
    }
    char ch[8];
    if (strcmp(k, "space") == 0)
        snprintf(ch, sizeof ch, " ");
    else if (f->shift)
        trygg_utf8_upper(k, ch, sizeof ch); /* shift: å -> Å */
    else if (!TRYGG_COPY(ch, k))
        return;
    if (strlen(ch) > 4 || !ch[0])
        return;
    if (digits && !(isdigit((unsigned char)ch[0]) || ch[0] == '+' || ch[0] == '-' || ch[0] == ' '))
        return;
    size_t len = strlen(field);
    if (len + strlen(ch) + 1 > cap) {
        show_error(f, "err.too_long");
        return;
    }
    memcpy(field + len, ch, strlen(ch) + 1);
    f->shift = 0;
    if (masked)
        say_key(f, "speech.hidden");
    else if (ch[0] == ' ')
        say_key(f, "key.space");
    else
        say(f, ch);
}

static int pin_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned diff = (unsigned)(la ^ lb);
    for (size_t i = 0; i < la && i < lb; i++)
        diff |= (unsigned)(a[i] ^ b[i]);
    return diff == 0;
}

static void submit(flow *f)
{
    char ref[8] = "", follow[9] = "";
    if (f->host.submit && f->host.submit(f->host.user, &f->form, ref, follow) == 0) {
        memcpy(f->ref, ref, sizeof f->ref);
        memcpy(f->follow, follow, sizeof f->follow);
        f->receipt_kind = f->form.kind;
        clear_form(&f->form);
        f->form.kind = f->receipt_kind;
        enter_screen(f, SCR_RECEIPT);
    } else {
        enter_screen(f, SCR_SAVE_ERROR);
    }
}

static int prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* "Just nu": says to call 112 at once if someone is in danger (the number
 * digit by digit), then the new screen's title, as one utterance. */
static void say_now_112(flow *f)
{
    if (!f->speech)
        return;
    char text[1100], spelled[512], title[512];
    const char *n[] = {"number", NULL};
    const char *v[] = {f->cat->emergency, NULL};
    /* spoken: a text too long for its buffer is said empty */
    trygg_ignore(trygg_i18n_format(spoken(f, "when.now.112"), n, v, title, sizeof title));
    focus_spell_digits(title, spelled, sizeof spelled);
    title_text(f, title, sizeof title);
    snprintf(text, sizeof text, "%s %s", spelled, title);
    say(f, text);
}

static void option(flow *f, const char *v)
{
    flow_form *m = &f->form;
    switch (flow_current_step(f)) {
    case ST_CATEGORY:
        if (!TRYGG_COPY(m->category, v))
            return; /* ids come from the catalog, which checks their length */
        break;
    case ST_AREA:
        if (!TRYGG_COPY(m->area, v))
            return;
        if (strcmp(v, "other") != 0)
            m->place[0] = 0;
        m->spot[0] = 0; /* the places are the new area's */
        break;
    case ST_SPOT:
        if (strcmp(v, "other") != 0 && !flow_spot(f, v))
            return;
        if (!TRYGG_COPY(m->spot, v))
            return;
        if (strcmp(v, "other") != 0)
            m->place[0] = 0;
        break;
    case ST_WHEN:
        if (!TRYGG_COPY(m->when, v))
            return;
        if (strcmp(v, "now") == 0) { /* defect 8: a stronger 112 prompt, first */
            next(f);
            say_now_112(f);
            return;
        }
        break;
    case ST_FEEDBACK:
        m->feedback = strcmp(v, "yes") == 0;
        if (!m->feedback) {
            memset(m->phone, 0, sizeof m->phone);
            m->consent = 0;
        }
        break;
    case ST_WALK: {
        int id = -1;
        if (sscanf(v, "%d", &id) != 1)
            return;
        const rc_walk *w = NULL;
        for (int i = 0; i < f->cat->n_walks; i++)
            if (f->cat->walks[i].id == id && flow_walk_listed(f, &f->cat->walks[i]))
                w = &f->cat->walks[i];
        if (!w)
            return;
        if (flow_walk_places_left(w) == 0) {
            show_error(f, "err.walk_full");
            return;
        }
        m->walk_id = id;
        break;
    }
    default:
        return;
    }
    next(f);
}

/* The voice controls (on/off, repeat, stop, louder, softer); 1 if id was one. */
static int speech_control(flow *f, const char *id)
{
    if (strcmp(id, "speech.toggle") == 0) {
        if (f->speech) {
            if (f->host.speech_stop)
                f->host.speech_stop(f->host.user);
            f->speech = 0;
            f->speech_lang[0] = 0;
        } else {
            f->speech = 1;
            pick_voice(f);
            announce_with(f, flow_lang_has_voice(f) ? "speech.on" : "speech.on_other");
        }
        f->armed[0] = 0;
        f->dirty = 1;
        return 1;
    }
    if (strcmp(id, "speech.repeat") == 0) {
        if (f->host.speech_repeat)
            f->host.speech_repeat(f->host.user);
        return 1;
    }
    if (strcmp(id, "speech.stop") == 0) {
        if (f->host.speech_stop)
            f->host.speech_stop(f->host.user);
        return 1;
    }
    if (strcmp(id, "speech.louder") == 0 || strcmp(id, "speech.softer") == 0) {
        f->volume += id[7] == 'l' ? 20 : -20;
        f->volume = f->volume < 40 ? 40 : f->volume > 200 ? 200 : f->volume;
        if (f->host.speech_volume)
            f->host.speech_volume(f->host.user, f->volume);
        f->dirty = 1;
        char v[8], text[128];
        snprintf(v, sizeof v, "%d", f->volume);
        const char *n[] = {"percent", NULL};
        const char *vv[] = {v, NULL};
        /* the new volume, heard at that volume; a text too long is said empty */
        trygg_ignore(trygg_i18n_format(spoken(f, "speech.volume"), n, vv, text, sizeof text));
        say(f, text);
        return 1;
    }
    return 0;
}

/* Larger text, high contrast and paging; 1 if id was one of them. */
static int display_control(flow *f, const char *id)
{
    if (strcmp(id, "a11y.large") == 0) {
        f->large_text = !f->large_text;
        f->page = 0;
        f->dirty = 1;
        return 1;
    }
    if (strcmp(id, "a11y.contrast") == 0) {
        f->high_contrast = !f->high_contrast;
        f->dirty = 1;
        return 1;
    }
    if (strcmp(id, "field.show") == 0) { /* the digits on the screen, never spoken */
        f->show_masked = !f->show_masked;
        f->dirty = 1;
        say(f, spoken(f, f->show_masked ? "field.shown" : "field.hidden"));
        return 1;
    }
    if (strcmp(id, "page.next") == 0 || strcmp(id, "page.prev") == 0) {
        int p = f->page + (id[5] == 'n' ? 1 : -1);
        if (p >= 0 && p < f->npages) {
            f->page = p;
            f->dirty = 1;
            f->focus = -1; /* the keypad starts the new page at the title */
            char a[16], b[16], text[128];
            snprintf(a, sizeof a, "%d", p + 1);
            snprintf(b, sizeof b, "%d", f->npages);
            const char *n[] = {"n", "total", NULL};
            const char *v[] = {a, b, NULL};
            /* spoken: a text too long for its buffer is said empty */
            trygg_ignore(trygg_i18n_format(spoken(f, "page.of"), n, v, text, sizeof text));
            say(f, text);
        }
        return 1;
    }
    return 0;
}

/* A tap on a report step: an option, next/skip/back, consent, send. */
static void step_control(flow *f, const char *id)
{
    if (prefix(id, "opt."))
        option(f, id + 4);
    else if (strcmp(id, "nav.next") == 0 || strcmp(id, "nav.skip") == 0) {
        if (id[4] == 's' && flow_current_step(f) == ST_DESC)
            memset(f->form.text, 0, sizeof f->form.text);
        next(f);
    } else if (strcmp(id, "nav.back") == 0)
        go_step(f, -1);
    else if (strcmp(id, "consent.toggle") == 0) {
        f->form.consent = !f->form.consent;
        f->error[0] = 0;
        f->dirty = 1;
        say_key(f, f->form.consent ? "speech.checked" : "speech.unchecked");
    } else if (strcmp(id, "review.send") == 0 && flow_current_step(f) == ST_REVIEW)
        submit(f);
}

/* A tap on the maintenance PIN pad: a digit, backspace, OK, back. */
static void pin_control(flow *f, const char *id)
{
    if (prefix(id, "pin.") && isdigit((unsigned char)id[4]) && !id[5]) {
        size_t n = strlen(f->pin);
        if (n + 1 < sizeof f->pin) {
            f->pin[n] = id[4];
            f->pin[n + 1] = 0;
        }
        say_key(f, "speech.hidden");
        f->error[0] = 0;
        f->dirty = 1;
    } else if (strcmp(id, "pin.bksp") == 0) {
        flow_utf8_pop(f->pin);
        f->dirty = 1;
    } else if (strcmp(id, "pin.ok") == 0) {
        int ok = pin_equal(f->pin, f->cfg->maintenance_pin);
        memset(f->pin, 0, sizeof f->pin);
        if (ok) {
            f->pin_fails = 0;
            enter_screen(f, SCR_MAINT);
        } else if (++f->pin_fails >= PIN_MAX_FAILS) {
            flow_reset(f, f->now);
        } else {
            show_error(f, "err.pin");
        }
    } else if (strcmp(id, "nav.back") == 0)
        flow_reset(f, f->now);
}

/* "Följ ditt ärende": look up the typed code, or type another one. */
static void follow_control(flow *f, const char *id)
{
    if (strcmp(id, "nav.back") == 0) {
        flow_reset(f, f->now); /* the code is wiped with the session */
    } else if (strcmp(id, "follow.check") == 0 && f->follow_state != FOLLOW_WAITING) {
        if (blank(f->follow_code)) {
            show_error(f, "err.follow_code");
            return;
        }
        f->error[0] = 0;
        f->follow_state = FOLLOW_WAITING;
        f->dirty = 1;
        if (!f->host.follow_lookup || f->host.follow_lookup(f->host.user, f->follow_code) != 0)
            flow_follow_result(f, FOLLOW_OFFLINE, NULL, NULL, NULL);
        else
            say_key(f, "follow.waiting");
    } else if (strcmp(id, "follow.again") == 0) {
        memset(f->follow_code, 0, sizeof f->follow_code);
        f->follow_state = FOLLOW_IDLE;
        enter_screen(f, SCR_FOLLOW);
    }
}

/* A tap on the current screen's own controls. */
static void screen_control(flow *f, const char *id)
{
    switch (f->screen) {
    case SCR_HOME:
        if (strcmp(id, "home.concern") == 0)
            start_flow(f, FLOW_CONCERN);
        else if (strcmp(id, "home.fault") == 0)
            start_flow(f, FLOW_FAULT);
        else if (strcmp(id, "home.watch") == 0)
            start_flow(f, FLOW_WATCH);
        else if (strcmp(id, "home.walks") == 0)
            start_flow(f, FLOW_WALK);
        else if (strcmp(id, "home.help") == 0)
            enter_screen(f, SCR_HELP);
        else if (strcmp(id, "home.question") == 0)
            start_flow(f, FLOW_QUESTION);
        else if (strcmp(id, "home.rounds") == 0)
            start_flow(f, FLOW_ROUND);
        else if (strcmp(id, "home.parent") == 0)
            enter_screen(f, SCR_PARENT);
        else if (strcmp(id, "home.follow") == 0)
            enter_screen(f, SCR_FOLLOW);
        return;
    case SCR_HELP:
    case SCR_PARENT:
        if (strcmp(id, "nav.back") == 0)
            enter_screen(f, SCR_HOME);
        return;
    case SCR_FOLLOW:
        follow_control(f, id);
        return;
    case SCR_STEP:
        step_control(f, id);
        return;
    case SCR_SAVE_ERROR:
        if (strcmp(id, "review.send") == 0) {
            /* The form is still intact: the step index points at review. */
            f->screen = SCR_STEP;
            submit(f);
        } else if (strcmp(id, "nav.back") == 0)
            enter_screen(f, SCR_STEP);
        return;
    case SCR_RECEIPT:
        if (strcmp(id, "receipt.done") == 0)
            flow_reset(f, f->now);
        return;
    case SCR_PIN:
        pin_control(f, id);
        return;
    case SCR_EMERGENCY:
        if (strcmp(id, "nav.back") == 0)
            enter_screen(f, f->back_to);
        return;
    case SCR_MAINT:
        if (strcmp(id, "maint.exit") == 0 && f->host.quit)
            f->host.quit(f->host.user);
        else if (strcmp(id, "maint.back") == 0)
            flow_reset(f, f->now);
        return;
    }
}

/* 1 when starting over would throw away something the resident chose or
 * wrote (a flow under way); then "Börja om" asks first. */
static int has_answers(const flow *f)
{
    return f->screen == SCR_STEP && (f->step > 0 || f->form.category[0] || f->form.text[0]);
}

static void activate(flow *f, const char *id)
{
    if (f->confirm_restart) { /* only the two answers count */
        if (strcmp(id, "restart.yes") == 0)
            flow_reset(f, f->now);
        else if (strcmp(id, "restart.no") == 0) {
            f->confirm_restart = 0;
            f->focus = -1;
            f->kbd_scan = 0;
            f->dirty = 1;
            announce(f);
        }
        return;
    }
    if (strcmp(id, "nav.restart") == 0) {
        if (!f->warning && has_answers(f)) {
            f->confirm_restart = 1;
            f->focus = -1;
            f->kbd_scan = 0;
            f->dirty = 1;
            announce(f);
            return;
        }
        flow_reset(f, f->now);
        return;
    }
    if (f->warning) {
        if (strcmp(id, "idle.continue") == 0) {
            f->warning = 0;
            f->extensions++;
            f->focus = -1;
            f->kbd_scan = 0;
            f->dirty = 1;
            announce(f);
        }
        return;
    }
    if (prefix(id, "lang.")) {
        char lang[sizeof f->lang];
        if (kcfg_has_lang(f->cfg, id + 5) && TRYGG_COPY(lang, id + 5)) {
            TRYGG_COPY_FIT(f->lang, lang);
            f->kbd_other = 0;
            f->dirty = 1;
            if (f->speech)
                pick_voice(f);
            announce(f);
        }
        return;
    }
    if (speech_control(f, id) || display_control(f, id))
        return;
    if (strcmp(id, "emergency") == 0) {
        /* The 112 badge: what to do now; "back" returns with the answers kept. */
        if (f->screen != SCR_EMERGENCY && f->screen != SCR_PIN && f->screen != SCR_MAINT) {
            f->back_to = f->screen;
            enter_screen(f, SCR_EMERGENCY);
        }
        return;
    }
    if (prefix(id, "key.")) {
        key(f, id + 4);
        /* Typing stays on the keys: with "Större text" a key (shift, an
         * error line going away) can make the screen need its second
         * page, and the first holds no keys (kit_entry). */
        f->page = 1;
        return;
    }
    screen_control(f, id);
}

/* 1 for a key that types into a masked field (phone number, PIN): in speech
 * mode it acts at the first touch and is read as "dold", so the field's
 * content is never spoken, not even as the key is found. */
static int masked_key(flow *f, const char *id)
{
    if (!prefix(id, "key.") && !prefix(id, "pin."))
        return 0;
    size_t cap;
    int masked, digits;
    return flow_field(f, &cap, &masked, &digits) != NULL && masked;
}

void flow_touch(flow *f, const char *id, const char *label, uint64_t now)
{
    f->now = now;
    f->last_input = now;
    if (strcmp(id, "maint.corner") == 0) {
        if (f->screen != SCR_HOME || f->warning)
            return;
        if (f->corner_taps == 0 || now - f->corner_first > CORNER_WINDOW) {
            f->corner_taps = 0;
            f->corner_first = now;
        }
        if (++f->corner_taps >= CORNER_TAPS) {
            f->corner_taps = 0;
            memset(f->pin, 0, sizeof f->pin);
            enter_screen(f, SCR_PIN);
        }
        return;
    }
    /* Speech mode: the first touch says what the control is, the second
     * touch on the same control activates it. The speech controls and
     * "Fortsätt" in the idle warning (one tap must extend the session,
     * WCAG 2.2.1) act at once. */
    int at_once = prefix(id, "speech.") || (f->warning && strcmp(id, "idle.continue") == 0) ||
                  masked_key(f, id);
    if (f->speech && !at_once) {
        if (strcmp(f->armed, id) != 0 || now - f->armed_at > ARM_TIMEOUT) {
            TRYGG_COPY_TRUNC(f->armed,
                             id); /* element ids are shorter than armed (kiosk/layout_kit.h) */
            f->armed_at = now;
            f->dirty = 1;
            say(f, label && *label ? label : id);
            return;
        }
        f->armed[0] = 0;
    }
    activate(f, id);
}

void flow_activate(flow *f, const char *id, uint64_t now)
{
    f->now = now;
    f->last_input = now;
    f->armed[0] = 0;
    activate(f, id);
}

void flow_say(flow *f, const char *text)
{
    say(f, text);
}

int flow_time_factor(const flow *f)
{
    return f->speech || f->keypad ? FLOW_SLOW_FACTOR : 1;
}

/* The keypad's keys as the voice names them ("Keypad 8" -> "8"), filled
 * into the catalog text `key` and appended to out. */
static void keys_text(const flow *f, const char *key, char *out, size_t cap)
{
    const char *names[KP_N + 1];
    const char *vals[KP_N + 1];
    char spoken_keys[KP_N][32];
    for (int i = 0; i < KP_N; i++) {
        const char *k = f->cfg->keypad[i];
        size_t n = strcspn(k, ",");
        if (strncasecmp(k, "Keypad ", 7) == 0 && n > 7)
            k += 7, n -= 7;
        snprintf(spoken_keys[i], sizeof spoken_keys[i], "%.*s", (int)n, k);
        names[i] = kcfg_key_name((kcfg_key)i);
        vals[i] = spoken_keys[i];
    }
    names[KP_N] = vals[KP_N] = NULL;
    size_t len = strlen(out);
    if (len + 2 < cap) {
        out[len++] = ' ';
        out[len] = 0;
        /* display: a text too long for its buffer is left out */
        trygg_ignore(trygg_i18n_format(spoken(f, key), names, vals, out + len, cap - len));
    }
}

void flow_headphones(flow *f, int plugged, uint64_t now)
{
    f->now = now;
    f->dirty = 1;
    if (!plugged) {
        /* The listener left: stop, forget what was said, end slow mode. */
        if (f->host.speech_reset)
            f->host.speech_reset(f->host.user);
        f->speech = 0;
        f->speech_lang[0] = 0;
        f->armed[0] = 0;
        f->keypad = 0;
        f->headphones = 0;
        return;
    }
    f->last_input = now;
    f->headphones = 1;
    f->speech = 1;
    f->armed[0] = 0;
    pick_voice(f);
    char text[2048], title[512];
    /* spoken text: a catalog text too long for the buffer is cut */
    TRYGG_COPY_TRUNC(text,
                     spoken(f, flow_lang_has_voice(f) ? "speech.welcome" : "speech.welcome_other"));
    keys_text(f, "speech.keys", text, sizeof text);
    title_text(f, title, sizeof title);
    size_t len = strlen(text);
    snprintf(text + len, sizeof text - len, " %s", title);
    say(f, text);
}

void flow_help(flow *f, uint64_t now)
{
    f->now = now;
    f->last_input = now;
    char name[64], key[96], text[2048];
    flow_screen_name(f, name, sizeof name);
    if (f->screen == SCR_STEP && !f->warning && !f->confirm_restart)
        snprintf(key, sizeof key, "purpose.step.%s", step_names[flow_current_step(f)]);
    else
        snprintf(key, sizeof key, "purpose.%s", name);
    TRYGG_COPY_TRUNC(text, spoken(f, key)); /* spoken text: cut if too long */
    keys_text(f, "speech.keys", text, sizeof text);
    say(f, text);
}

static int session_active(const flow *f)
{
    return f->screen != SCR_HOME || strcmp(f->lang, f->cfg->default_lang) != 0 || f->speech ||
           f->keypad || f->large_text != f->cfg->large_text ||
           f->high_contrast != f->cfg->high_contrast;
}

int flow_at_start(const flow *f)
{
    return !session_active(f) && !f->warning && !f->confirm_restart;
}

int flow_warning_left(const flow *f)
{
    if (!f->warning || f->now >= f->warn_until)
        return 0;
    return (int)((f->warn_until - f->now + 999) / 1000);
}

void flow_tick(flow *f, uint64_t now)
{
    int before = flow_warning_left(f);
    uint64_t slow = (uint64_t)flow_time_factor(f);
    f->now = now;
    if (f->screen == SCR_RECEIPT && !f->warning) {
        if (now - f->last_input >= (uint64_t)f->cfg->receipt_s * 1000 * slow)
            flow_reset(f, now);
        return;
    }
    if (f->warning) {
        if (now >= f->warn_until)
            flow_reset(f, now);
        else if (flow_warning_left(f) != before)
            f->dirty = 1;
        return;
    }
    if (session_active(f) && now - f->last_input >= (uint64_t)f->cfg->idle_s * 1000 * slow) {
        f->warning = 1;
        f->warn_until = now + (uint64_t)f->cfg->warn_s * 1000 * slow;
        f->dirty = 1;
        f->focus = -1;
        f->kbd_scan = 0;
        char text[512];
        char secs[16];
        snprintf(secs, sizeof secs, "%d", f->cfg->warn_s * (int)slow);
        const char *names[] = {"seconds", NULL};
        const char *vals[] = {secs, NULL};
        char body[400];
        trygg_ignore(trygg_i18n_format(
            spoken(f, "idle.body"), names, vals, body,
            sizeof body)); /* display: a text too long for its buffer shows empty */
        snprintf(text, sizeof text, "%s %s", spoken(f, "idle.title"), body);
        say(f, text);
    }
}

uint64_t flow_next_deadline(const flow *f)
{
    if (f->warning) {
        uint64_t left = f->warn_until - f->now;
        uint64_t step = left % 1000 ? left % 1000 : 1000;
        return f->now + step;
    }
    uint64_t slow = (uint64_t)flow_time_factor(f);
    if (f->screen == SCR_RECEIPT)
        return f->last_input + (uint64_t)f->cfg->receipt_s * 1000 * slow;
    if (session_active(f))
        return f->last_input + (uint64_t)f->cfg->idle_s * 1000 * slow;
    return UINT64_MAX;
}

void flow_consent_text(const flow *f, char *out, size_t cap)
{
    const char *kind = "walk";
    int days = f->cat->keep_days.walk_signup;
    if (f->form.kind == FLOW_FAULT)
        kind = "fault", days = f->cat->keep_days.fault;
    else if (f->form.kind == FLOW_WATCH)
        kind = "watch", days = f->cat->keep_days.watch_signup;
    else if (f->form.kind == FLOW_ROUND)
        kind = "round"; /* a walk_signup for a round */
    else if (f->form.kind == FLOW_QUESTION)
        kind = "question", days = f->cat->keep_days.concern; /* sent as a concern */
    char key[48], d[16];
    snprintf(key, sizeof key, "consent.%s.body%s", kind, days > 0 ? "" : "_unknown");
    snprintf(d, sizeof d, "%d", days);
    const char *n[] = {"days", NULL};
    const char *v[] = {d, NULL};
    if (trygg_i18n_format(flow_text(f, key), n, v, out, cap) != TRYGG_OK && cap > 0)
        out[0] = 0; /* display: a text too long for its buffer shows empty */
}

int flow_walk_listed(const flow *f, const rc_walk *w)
{
    return (f->form.kind == FLOW_ROUND) == (w->round != 0);
}

void flow_follow_result(flow *f, flow_follow_state state, const char *status, const char *received,
                        const char *changed)
{
    if (f->screen != SCR_FOLLOW || f->follow_state != FOLLOW_WAITING)
        return;
    f->follow_state = state;
    if (state == FOLLOW_FOUND && (!status || !TRYGG_COPY(f->follow_status, status) ||
                                  !TRYGG_COPY(f->follow_received, received ? received : "") ||
                                  !TRYGG_COPY(f->follow_changed, changed ? changed : "")))
        f->follow_state = FOLLOW_NOT_FOUND; /* an answer the kiosk cannot show */
    f->dirty = 1;
    f->focus = -1;
    char key[64];
    if (f->follow_state == FOLLOW_FOUND)
        snprintf(key, sizeof key, "follow.status.%s", f->follow_status);
    else
        snprintf(key, sizeof key, "follow.%s",
                 f->follow_state == FOLLOW_BUSY      ? "busy"
                 : f->follow_state == FOLLOW_OFFLINE ? "offline"
                                                     : "not_found");
    say_key(f, key);
}

const rc_place *flow_spot(const flow *f, const char *id)
{
    for (int i = 0; i < f->cat->n_places; i++)
        if (strcmp(f->cat->places[i].area, f->form.area) == 0 &&
            strcmp(f->cat->places[i].id, id) == 0)
            return &f->cat->places[i];
    return NULL;
}

int flow_area_places(const flow *f)
{
    int n = 0;
    for (int i = 0; i < f->cat->n_places; i++)
        n += strcmp(f->cat->places[i].area, f->form.area) == 0;
    return n;
}
