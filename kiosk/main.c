/*
 * main.c — trygg-kiosk: wires config, catalog, flow, layout, outbox,
 * uploader, speech and the SDL platform file together, and runs either the
 * event loop or a test script.
 *
 *   trygg-kiosk -c kiosk.ini                 run full screen
 *   trygg-kiosk -n -c kiosk.ini              check the config and exit
 *   trygg-kiosk --script FILE --shots DIR    headless scripted run (docs/kiosk.md)
 *
 * No SDL here: the platform is reached through ui_sdl.h only.
 */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "flow.h"
#include "focus.h"
#include "gesture.h"
#include "layout.h"
#include "outbox.h"
#include "remote_config.h"
#include "speech.h"
#include "trygg/copy.h"
#include "trygg/follow.h"
#include "trygg/i18n.h"
#include "trygg/log.h"
#include "trygg/paths.h"
#include "trygg/ref.h"
#include "trygg/utf8.h"
#include "ui_sdl.h"
#include "uploader.h"
#include "wipe.h"

typedef struct app {
    kiosk_config cfg;
    rc_catalog base, cat;
    trygg_i18n *tr;
    flow f;
    ui_list *list;
    ui *u;
    outbox *ob;
    uploader *up;
    speech *sp;
    char outbox_path[600], cache_path[600];
    FILE *speech_log;           /* script mode: every utterance, one a line */
    char said[SPEECH_MAX_TEXT]; /* script mode: the last utterance (expect said) */
    int quit;
    int scripted; /* script mode */
    int no_png;   /* --no-png: shots write only their JSON (what was drawn, how it fit) */
    int w, h;
    gesture g;                /* touch gestures in speech mode (gesture.h) */
    int touch_speech;         /* speech was on when the finger went down */
    const char *speech_later; /* window: the voice opens after the first frame ("" = sound card) */
} app;

/* ---- host callbacks for the flow ---- */

static void host_say(void *user, const char *lang, const char *text)
{
    app *a = user;
    if (a->sp && !speech_lang_available(a->sp, lang))
        return;          /* Somali: the control says so; nothing is read in a wrong voice */
    if (a->speech_log) { /* script mode only (--speech-log) */
        TRYGG_COPY_TRUNC(a->said, text); /* the speech engine takes as much */
        /* one utterance a line: a text's line breaks (lättläst) become spaces */
        for (char *p = a->said; (p = strchr(p, '\n')) != NULL;)
            *p = ' ';
        fprintf(a->speech_log, "%s\t%s\n", lang, a->said);
        fflush(a->speech_log);
    }
    if (a->sp)
        speech_say(a->sp, lang, text);
}

static int host_has_voice(void *user, const char *lang)
{
    app *a = user;
    /* Without a speech engine (script mode without --wav) nothing is spoken
     * anyway; only a known voice-less language counts as having none. */
    return a->sp ? speech_lang_available(a->sp, lang) : strcmp(lang, "so") != 0;
}

static void host_stop(void *user)
{
    app *a = user;
    if (a->sp)
        speech_stop(a->sp);
}

static void host_repeat(void *user)
{
    app *a = user;
    if (a->sp)
        speech_repeat(a->sp);
}

static void host_volume(void *user, int percent)
{
    app *a = user;
    if (a->sp)
        speech_set_volume(a->sp, percent);
}

static void host_reset(void *user)
{
    app *a = user;
    sodium_memzero(a->said, sizeof a->said);
    if (a->sp)
        speech_reset(a->sp);
}

static void host_quit(void *user)
{
    ((app *)user)->quit = 1;
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void new_uuid(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (b[6] & 0x0F) | 0x40; /* version 4 */
    b[8] = (b[8] & 0x3F) | 0x80; /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static const char *kind_name(flow_kind k)
{
    switch (k) {
    case FLOW_CONCERN:
        return "concern";
    case FLOW_FAULT:
        return "fault";
    case FLOW_WATCH:
        return "watch_signup";
    case FLOW_WALK:
    case FLOW_ROUND: /* a round is a walk the server marks "round" */
        return "walk_signup";
    case FLOW_QUESTION: /* a concern of category "question" (routing.ini) */
        return "concern";
    default:
        return "concern";
    }
}

/* The submission body of docs/kiosk-api.md. NULL on allocation failure. */
static char *submission_json(const flow *f, const flow_form *m, const char *uuid, const char *lang,
                             const char *follow)
{
    json_t *j = json_object();
    json_object_set_new(j, "uuid", json_string(uuid));
    json_object_set_new(j, "kind", json_string(kind_name(m->kind)));
    /* When the resident sent it: kept apart from its arrival, which may be
     * much later after an outage. */
    json_object_set_new(j, "reported_at", json_integer((json_int_t)time(NULL)));
    json_object_set_new(j, "lang", json_string(lang));
    if (m->kind == FLOW_QUESTION) { /* a question has no place */
        json_object_set_new(j, "category", json_string("question"));
        json_object_set_new(j, "area", json_string("other"));
    }
    if (m->category[0])
        json_object_set_new(j, "category", json_string(m->category));
    if (m->area[0])
        json_object_set_new(j, "area", json_string(m->area));
    if (m->when[0])
        json_object_set_new(j, "when", json_string(m->when));
    /* A fault's registered place goes by its label (as the map counts it);
     * a typed place starts the text, as for "Annan plats". */
    const rc_place *spot = m->kind == FLOW_FAULT ? flow_spot(f, m->spot) : NULL;
    if (spot)
        json_object_set_new(j, "place", json_string(spot->label));
    char text[FLOW_TEXT_MAX + FLOW_PLACE_MAX + 8] = "";
    if (m->place[0])
        snprintf(text, sizeof text, "%s%s%s", m->place, m->text[0] ? "\n" : "", m->text);
    else
        TRYGG_COPY_FIT(text, m->text);
    if (text[0])
        json_object_set_new(j, "text", json_string(text));
    char contact[FLOW_NAME_MAX + FLOW_CONTACT_MAX + 8] = "";
    if (m->kind == FLOW_FAULT && m->feedback == 1 && m->consent)
        TRYGG_COPY_FIT(contact, m->phone);
    else if ((m->kind == FLOW_WATCH || m->kind == FLOW_WALK || m->kind == FLOW_ROUND) && m->consent)
        snprintf(contact, sizeof contact, "%s, %s", m->name, m->contact);
    else if (m->kind == FLOW_QUESTION && m->feedback == 1 && m->consent)
        TRYGG_COPY_FIT(contact, m->contact);
    if (contact[0]) {
        json_object_set_new(j, "contact", json_string(contact));
        json_object_set_new(j, "consent", json_true());
    }
    if ((m->kind == FLOW_WALK || m->kind == FLOW_ROUND) && m->walk_id >= 0)
        json_object_set_new(j, "walk_id", json_integer(m->walk_id));
    json_object_set_new(j, "follow", json_string(follow));
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    sodium_memzero(text, sizeof text);
    sodium_memzero(contact, sizeof contact);
    return s;
}

static int host_submit(void *user, const flow_form *form, char ref[8], char follow[9])
{
    app *a = user;
    char uuid[37];
    new_uuid(uuid);
    /* The follow-up code's secret is drawn here, so an offline receipt has
     * it too; the server keeps only its hash (docs/follow-up.md). */
    char secret[TRYGG_FOLLOW_SECRET_LEN + 1];
    trygg_follow_secret_new(secret);
    /* Lättläst is filed as Swedish: the server knows the four languages. */
    char *body = submission_json(&a->f, form, uuid, kcfg_item_lang(a->f.lang), secret);
    if (!body)
        return -1;
    /* The reference is the kiosk's own (prefix + sequence, unique by
     * construction), taken in the transaction that queues the submission. */
    trygg_err e =
        a->ob ? outbox_add_ref(a->ob, uuid, body, a->cat.ref_prefix, wall_ms(), ref) : TRYGG_ERR_IO;
    sodium_memzero(body, strlen(body));
    wipe_json_free(body);
    if (e != TRYGG_OK) {
        TRYGG_ERR("could not store a submission in the outbox: %s", trygg_strerror(e));
        return -1;
    }
    if (!ref[0])
        TRYGG_WARN("no reference prefix known (kiosk.ini ref_prefix or the server's config): "
                   "the receipt shows no number");
    TRYGG_INFO("queued %s (%s)", uuid, ref[0] ? ref : "no reference");
    /* Without a reference the code could not be read back: no code either. */
    if (ref[0])
        memcpy(follow, secret, sizeof secret);
    sodium_memzero(secret, sizeof secret);
    if (a->up)
        uploader_kick(a->up);
    return 0;
}

/* "Följ ditt ärende": the uploader thread asks the server. */
static int host_follow_lookup(void *user, const char *code)
{
    app *a = user;
    return a->up ? uploader_follow_ask(a->up, code) : -1;
}

/* Hands a follow-up answer that arrived to the flow (UI thread). */
static void follow_poll(app *a)
{
    flow_follow_state st;
    char status[24], received[16], changed[16];
    if (a->up && uploader_follow_answer(a->up, &st, status, received, changed))
        flow_follow_result(&a->f, st, status, received, changed);
}

/* ---- catalog ---- */

static void load_catalog(app *a)
{
    rc_catalog *tmp = malloc(sizeof *tmp);
    if (!tmp)
        return;
    if (rc_load_cache(a->cache_path, &a->base, tmp) == TRYGG_OK)
        a->cat = *tmp;
    else
        a->cat = a->base;
    free(tmp);
}

static void status(app *a, ui_status *st)
{
    memset(st, 0, sizeof *st);
    if (a->up)
        uploader_status(a->up, st);
    st->config_from_server = a->cat.from_server;
}

/* Defect 9: without a token file nothing the kiosk takes can ever be
 * uploaded, so the home screen says it is out of order (with the phone
 * numbers) instead of taking reports. The file is looked at again while
 * the home screen shows (at most every 5 s), so installing it is enough. */
static void check_token(app *a)
{
    static uint64_t last;
    uint64_t now = ui_ticks();
    if (a->f.screen != SCR_HOME || (last && now - last < 5000 && !a->scripted))
        return;
    last = now;
    char token[256];
    int ok = kcfg_read_token(&a->cfg, token, sizeof token) == TRYGG_OK;
    sodium_memzero(token, sizeof token);
    if (ok != !a->f.out_of_order) {
        a->f.out_of_order = !ok;
        a->f.dirty = 1;
        if (!ok)
            TRYGG_ERR("token_file %s is missing or unreadable: out of order", a->cfg.token_file);
    }
}

static void redraw(app *a)
{
    ui_status st;
    check_token(a);
    status(a, &st);
    layout_build(&a->f, &st, a->w, a->h, a->list);
    a->f.npages = a->list->npages;
    if (a->f.page >= a->f.npages)
        a->f.page = a->f.npages - 1;
    if (a->u)
        ui_draw(a->u, a->list);
    a->f.dirty = 0;
}

static void relayout(app *a)
{
    ui_status st;
    check_token(a);
    status(a, &st);
    layout_build(&a->f, &st, a->w, a->h, a->list);
    a->f.npages = a->list->npages;
}

/* While the voice speaks another language than the screen shows (Somali
 * screen, English voice), a touched control is read with its label in the
 * voice's language. */
static void voice_label(app *a, const char *id, char *label, size_t cap)
{
    const char *v = flow_voice_lang(&a->f);
    if (!a->f.speech || strcmp(v, a->f.lang) == 0)
        return;
    ui_status st;
    status(a, &st);
    layout_label_in(&a->f, &st, a->w, a->h, v, id, label, cap);
}

/* Somali screen, English voice: the same screen laid out in the voice's
 * language to read from (free it), else NULL. */
static ui_list *voice_list(app *a)
{
    ui_list *voice = NULL;
    const char *v = flow_voice_lang(&a->f);
    if (a->f.speech && strcmp(v, a->f.lang) != 0 && (voice = malloc(sizeof *voice))) {
        flow *g = malloc(sizeof *g);
        ui_status st;
        status(a, &st);
        if (g && (*g = a->f, TRYGG_COPY(g->lang, v))) {
            layout_build(g, &st, a->w, a->h, voice);
            free(g);
        } else {
            free(g);
            free(voice);
            voice = NULL;
        }
    }
    return voice;
}

/* A key of the keypad (kiosk.ini [keypad]); other keys do nothing. */
static void keypad(app *a, const char *name, uint64_t now)
{
    int k = kcfg_key_action(&a->cfg, name);
    if (k < 0)
        return;
    ui_list *voice = voice_list(a);
    focus_key(&a->f, a->list, voice, (kcfg_key)k, now);
    free(voice);
}

/* A tap (mouse, or a finger without speech) on whatever is at x, y. */
static void tap(app *a, int x, int y, uint64_t now)
{
    const ui_el *e = layout_hit(a->list, x, y);
    if (!e)
        return;
    char id[64], label[UI_LABEL_MAX];
    TRYGG_COPY_FIT(id, e->id);
    TRYGG_COPY_FIT(label, e->label);
    voice_label(a, id, label, sizeof label);
    flow_touch(&a->f, id, label, now);
}

/* A gesture in speech mode (gesture.h): a single tap explores, swipes and
 * the double tap are the keypad's down, up and select. */
static void gesture_do(app *a, gesture_kind k, int x, int y, uint64_t now)
{
    if (k == GS_NONE || !a->f.speech)
        return;
    ui_list *voice = voice_list(a);
    if (k == GS_TAP)
        focus_explore(&a->f, a->list, voice, x, y, now);
    else
        focus_key(&a->f, a->list, voice,
                  k == GS_NEXT   ? KP_DOWN
                  : k == GS_PREV ? KP_UP
                                 : KP_SELECT,
                  now);
    free(voice);
}

/* A finger down or up. Without speech a finger down is a tap, as before;
 * with speech (when the finger went down) the movement is a gesture. */
static void finger(app *a, const ui_input *in)
{
    if (in->kind == UI_IN_FINGER_DOWN) {
        a->touch_speech = a->f.speech;
        if (!a->f.speech) {
            tap(a, in->x, in->y, in->t);
            return;
        }
        gesture_down(&a->g, in->x, in->y, in->t);
        return;
    }
    if (a->touch_speech)
        gesture_do(a, gesture_up(&a->g, in->x, in->y, in->t), 0, 0, in->t);
}

/* A single tap whose time for a second one has run out. */
static void gesture_tick(app *a, uint64_t now)
{
    int x, y;
    if (gesture_poll(&a->g, now, &x, &y) == GS_TAP)
        gesture_do(a, GS_TAP, x, y, now);
}

/* ---- the event loop ---- */

static void start_uploader(app *a);

static int run_loop(app *a)
{
    redraw(a);
    if (!a->up) /* after the first frame: the uploader, then the voice */
        start_uploader(a);
    if (a->speech_later) { /* its voices may change the screen */
        TRYGG_INFO("first frame on screen after %llu ms; opening the voice",
                   (unsigned long long)ui_ticks());
        a->sp = speech_open(a->speech_later[0] ? a->speech_later : NULL);
        TRYGG_INFO("voice %s", a->sp ? "ready" : "not available");
        a->speech_later = NULL;
        a->f.dirty = 1;
    }
    while (!a->quit) {
        uint64_t now = ui_ticks();
        flow_tick(&a->f, now);
        gesture_tick(a, now);
        if (a->f.dirty)
            redraw(a);
        uint64_t dl = flow_next_deadline(&a->f), gd = gesture_deadline(&a->g);
        dl = gd < dl ? gd : dl;
        int timeout = dl == UINT64_MAX ? -1 : dl <= now ? 0 : (int)(dl - now);
        ui_input in;
        ui_wait(a->u, timeout, &in);
        switch (in.kind) {
        case UI_IN_TAP:
            tap(a, in.x, in.y, ui_ticks());
            break;
        case UI_IN_FINGER_DOWN:
        case UI_IN_FINGER_UP:
            finger(a, &in);
            break;
        case UI_IN_WAKE:
            follow_poll(a);
            if (a->up && uploader_config_changed(a->up)) {
                load_catalog(a);
                a->f.dirty = 1;
            }
            if (a->f.screen == SCR_MAINT)
                a->f.dirty = 1;
            break;
        case UI_IN_EXPOSE:
            a->f.dirty = 1;
            break;
        case UI_IN_KEY:
            keypad(a, in.key, ui_ticks());
            break;
        case UI_IN_AUDIO_ADDED:
        case UI_IN_AUDIO_REMOVED:
            TRYGG_INFO("audio output device %s",
                       in.kind == UI_IN_AUDIO_ADDED ? "added" : "removed");
            flow_headphones(&a->f, in.kind == UI_IN_AUDIO_ADDED, ui_ticks());
            break;
        case UI_IN_QUIT:
            a->quit = 1;
            break;
        case UI_IN_NONE:
            break;
        }
    }
    return 0;
}

/* ---- the script mode (docs/kiosk.md) ---- */

typedef struct script {
    app *a;
    const char *file;
    const char *shots;
    int line;
    uint64_t now; /* simulated clock for the flow */
} script;

static int fail(script *s, const char *fmt, const char *arg)
{
    fprintf(stderr, "%s:%d: ", s->file, s->line);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return -1;
}

static void advance(script *s, uint64_t ms)
{
    /* Time passes in steps of at most one second so countdowns tick. */
    while (ms > 0) {
        uint64_t step = ms > 1000 ? 1000 : ms;
        s->now += step;
        ms -= step;
        flow_tick(&s->a->f, s->now);
    }
}

static int touch(script *s, const ui_el *e)
{
    char id[64], label[UI_LABEL_MAX];
    TRYGG_COPY_FIT(id, e->id);
    TRYGG_COPY_FIT(label, e->label);
    voice_label(s->a, id, label, sizeof label);
    advance(s, 300);
    flow_touch(&s->a->f, id, label, s->now);
    relayout(s->a);
    return 0;
}

static int type_char(script *s, const char *ch, size_t len)
{
    app *a = s->a;
    char id[32];
    if (len == 1 && ch[0] == ' ')
        snprintf(id, sizeof id, "key.space");
    else
        snprintf(id, sizeof id, "key.%.*s", (int)len, ch);
    const ui_el *e = layout_find(a->list, id);
    /* A capital: shift, then the small letter. */
    char lower[8] = "", lid[32];
    uint32_t cp;
    if (trygg_utf8_next(ch, len, &cp) == len && trygg_utf8_lower(cp) != cp)
        lower[trygg_utf8_put(lower, trygg_utf8_lower(cp))] = '\0';
    snprintf(lid, sizeof lid, "key.%s", lower);
    const ui_el *kbd = layout_find(a->list, "key.kbd");
    if (!e && kbd && !(lower[0] && layout_find(a->list, lid))) {
        /* Arabic UI: the letter is on the other layout (Arabic <-> Latin). */
        touch(s, kbd);
        e = layout_find(a->list, id);
    }
    if (!e) {
        const ui_el *sh = layout_find(a->list, "key.shift");
        if (!lower[0] || !sh || !layout_find(a->list, lid))
            return fail(s, "no key for '%s' on this keyboard", ch);
        touch(s, sh);
        /* After shift the key is the capital's (or keeps the small
         * letter's id, by layout). */
        e = layout_find(a->list, id);
        if (!e)
            e = layout_find(a->list, lid);
        if (!e)
            return fail(s, "no key %s after shift", id);
    }
    return touch(s, e);
}

static int shot(script *s, const char *name)
{
    app *a = s->a;
    if (!s->shots)
        return fail(s, "shot %s without --shots DIR", name);
    redraw(a);
    char png[1200], js[1200];
    snprintf(png, sizeof png, "%s/%s.png", s->shots, name);
    snprintf(js, sizeof js, "%s/%s.json", s->shots, name);
    if (!a->no_png && ui_save_png(a->u, png) != 0)
        return fail(s, "cannot write %s", png);
    if (layout_write_json(a->list, js) != 0)
        return fail(s, "cannot write %s", js);
    return 0;
}

static char *trim(char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strlen(p);
    while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
        p[--n] = 0;
    return p;
}

/* tap @X,Y | #id | label: taps what is there. */
static int cmd_tap(script *s, char *arg)
{
    app *a = s->a;
    const ui_el *e = NULL;
    int x, y;
    if (arg[0] == '@' && sscanf(arg + 1, "%d,%d", &x, &y) == 2)
        e = layout_hit(a->list, x, y);
    else if (arg[0] == '#')
        e = layout_find(a->list, arg + 1);
    else
        e = layout_find(a->list, arg);
    if (!e)
        return fail(s, "nothing to tap: '%s'", arg);
    return touch(s, e);
}

/* tap? #id | label: taps it when it is there, else nothing (e.g. "Fler val"
 * on a screen that may have one page or more). */
static int cmd_tap_if(script *s, char *arg)
{
    const ui_el *e = layout_find(s->a->list, arg[0] == '#' ? arg + 1 : arg);
    return e ? touch(s, e) : 0;
}

/* findpage ID: on a screen with pages ("Större text"), taps "Föregående"
 * back to the first page, then "Fler val" until the control ID is shown. */
static int cmd_findpage(script *s, char *arg)
{
    app *a = s->a;
    const ui_el *e;
    for (int i = 0; i < 50 && (e = layout_find(a->list, "page.prev")) != NULL; i++)
        touch(s, e);
    for (int i = 0; i < 50; i++) {
        if (layout_find(a->list, arg))
            return 0;
        if (!(e = layout_find(a->list, "page.next")))
            break;
        touch(s, e);
    }
    return fail(s, "findpage: no page shows '%s'", arg);
}

/* shotpages NAME: a shot of each page of the screen (NAME.p0, NAME.p1 ...),
 * tapping "Fler val" between them, then back to the first page. */
static int cmd_shotpages(script *s, char *arg)
{
    app *a = s->a;
    char name[256];
    for (int i = 0; i < 50; i++) {
        snprintf(name, sizeof name, "%s.p%d", arg, i);
        if (shot(s, name) != 0)
            return -1;
        const ui_el *e = layout_find(a->list, "page.next");
        if (!e)
            break;
        touch(s, e);
    }
    const ui_el *e;
    for (int i = 0; i < 50 && (e = layout_find(a->list, "page.prev")) != NULL; i++)
        touch(s, e);
    return 0;
}

/* type TEXT: taps the keys of TEXT, one character at a time. */
static int cmd_type(script *s, char *arg)
{
    size_t n = strlen(arg);
    for (const char *p = arg; *p;) {
        uint32_t cp;
        size_t len = trygg_utf8_next_lossy(p, n - (size_t)(p - arg), &cp); /* never past the end */
        if (type_char(s, p, len) != 0)
            return -1;
        p += len;
    }
    return 0;
}

/* wait SECONDS: lets the kiosk's clock run on (timeouts, the idle warning). */
static int cmd_wait(script *s, char *arg)
{
    double secs = atof(arg);
    if (secs < 0 || secs > 86400)
        return fail(s, "wait: bad seconds '%s'", arg);
    advance(s, (uint64_t)(secs * 1000));
    return 0;
}

/* sleep MS: really sleeps (the uploader works meanwhile). */
static int cmd_sleep(script *s, char *arg)
{
    long ms = atol(arg);
    if (ms < 0 || ms > 600000)
        return fail(s, "sleep: bad milliseconds '%s'", arg);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    return 0;
}

/* lang CODE: switches language as the language button does. */
static int cmd_lang(script *s, char *arg)
{
    app *a = s->a;
    char id[16];
    snprintf(id, sizeof id, "lang.%.8s", arg);
    if (!kcfg_has_lang(&a->cfg, arg))
        return fail(s, "language '%s' is not configured", arg);
    int sp = a->f.speech;
    a->f.speech = 0; /* set directly, not a double tap */
    flow_touch(&a->f, id, "", s->now);
    a->f.speech = sp;
    return 0;
}

/* size W H: a new screen size. */
static int cmd_size(script *s, char *arg)
{
    app *a = s->a;
    int w, h;
    if (sscanf(arg, "%d %d", &w, &h) != 2 || w < 320 || h < 320 || w > 7680 || h > 7680)
        return fail(s, "size: want W H, got '%s'", arg);
    a->w = w;
    a->h = h;
    if (ui_set_size(a->u, w, h) != 0)
        return fail(s, "cannot set size %s", arg);
    gesture_init(&a->g, w < h ? w : h);
    a->f.dirty = 1;
    return 0;
}

/* expect screen NAME | text TEXT | outbox N: fails the script when it is not so. */
static int cmd_expect(script *s, char *arg)
{
    app *a = s->a;
    char *what = arg, *val = arg + strcspn(arg, " ");
    if (*val)
        *val++ = 0;
    if (!strcmp(what, "screen")) {
        if (strcmp(a->list->screen, val) != 0) {
            fprintf(stderr, "%s:%d: expected screen %s, on %s\n", s->file, s->line, val,
                    a->list->screen);
            return -1;
        }
        return 0;
    }
    if (!strcmp(what, "text")) {
        for (int i = 0; i < a->list->n; i++)
            if (strstr(a->list->el[i].label, val))
                return 0;
        return fail(s, "no text containing '%s' on screen", val);
    }
    if (!strcmp(what, "said")) {
        if (!a->speech_log)
            return fail(s, "expect said needs --speech-log FILE%s", "");
        if (!strstr(a->said, val)) {
            fprintf(stderr, "%s:%d: last utterance '%s' does not contain '%s'\n", s->file, s->line,
                    a->said, val);
            return -1;
        }
        return 0;
    }
    if (!strcmp(what, "focus")) {
        int p = focus_pos(&a->f, a->list);
        const char *id = p >= 0 ? a->list->el[a->list->order[p]].id : "";
        if (strcmp(id, val) != 0) {
            fprintf(stderr, "%s:%d: focus on '%s', expected '%s'\n", s->file, s->line, id, val);
            return -1;
        }
        return 0;
    }
    if (!strcmp(what, "outbox")) {
        int n = a->ob ? outbox_depth(a->ob) : -1;
        if (n != atoi(val)) {
            fprintf(stderr, "%s:%d: outbox has %d, expected %s\n", s->file, s->line, n, val);
            return -1;
        }
        return 0;
    }
    return fail(s, "expect what? '%s'", what);
}

/* waitsent SECONDS: waits until the outbox is empty. */
static int cmd_waitsent(script *s, char *arg)
{
    app *a = s->a;
    double secs = atof(arg);
    uint64_t until = ui_ticks() + (uint64_t)(secs * 1000);
    while (outbox_depth(a->ob) != 0) {
        if (ui_ticks() > until)
            return fail(s, "outbox not empty after %s s", arg);
        struct timespec ts = {0, 50 * 1000000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* key NAME: a key of the keypad by its name ("Keypad 2"), as kiosk.ini maps it. */
static int cmd_key(script *s, char *arg)
{
    if (kcfg_key_action(&s->a->cfg, arg) < 0)
        return fail(s, "key '%s' is not mapped in [keypad]", arg);
    advance(s, 300);
    keypad(s->a, arg, s->now);
    relayout(s->a);
    return 0;
}

/* seek ID: presses the keypad's first "down" key until the focus is on ID
 * (each press is a real key press: spoken, logged), at most 200 times. */
static int cmd_seek(script *s, char *arg)
{
    app *a = s->a;
    char down[KCFG_KEYS];
    snprintf(down, sizeof down, "%.*s", (int)strcspn(a->cfg.keypad[KP_DOWN], ","),
             a->cfg.keypad[KP_DOWN]);
    for (int i = 0; i < 200; i++) {
        int p = focus_pos(&a->f, a->list);
        if (p >= 0 && a->f.kbd_scan == 0 && strcmp(a->list->el[a->list->order[p]].id, arg) == 0)
            return 0;
        if (cmd_key(s, down) != 0)
            return -1;
    }
    return fail(s, "seek: no stop '%s' on this screen", arg);
}

/* mark TEXT: writes "#<TAB>TEXT" into the speech log (where a test's part begins). */
static int cmd_mark(script *s, char *arg)
{
    if (!s->a->speech_log)
        return fail(s, "mark needs --speech-log FILE%s", "");
    fprintf(s->a->speech_log, "#\t%s\n", arg);
    fflush(s->a->speech_log);
    return 0;
}

/* audio added|removed: headphones plugged in or out (SDL audio device events). */
static int cmd_audio(script *s, char *arg)
{
    int added = !strcmp(arg, "added");
    if (!added && strcmp(arg, "removed") != 0)
        return fail(s, "audio: want added or removed, got '%s'", arg);
    advance(s, 300);
    flow_headphones(&s->a->f, added, s->now);
    relayout(s->a);
    return 0;
}

/* Posts finger events (down, up, ...) as a touch screen would, n points
 * dt ms apart from the script's clock, and handles them through the same
 * path as the event loop; then lets a single tap's wait run out. */
static int fingers(script *s, const int (*pts)[2], int n, int dt)
{
    app *a = s->a;
    advance(s, 300);
    for (int i = 0; i < n; i++)
        if (ui_push_finger(a->u, i % 2 == 0, pts[i][0], pts[i][1], s->now + (uint64_t)(i * dt)) !=
            0)
            return fail(s, "cannot post a finger event%s", "");
    for (int got = 0, idle = 0; got < n;) {
        ui_input in;
        ui_wait(a->u, 0, &in);
        /* SDL ends each poll cycle with one empty answer: only several in
         * a row mean the events are gone */
        if (in.kind == UI_IN_NONE && ++idle > 4)
            return fail(s, "finger events lost%s", "");
        if (in.kind == UI_IN_NONE)
            continue;
        idle = 0;
        if (in.kind != UI_IN_FINGER_DOWN && in.kind != UI_IN_FINGER_UP)
            continue;
        got++;
        finger(a, &in);
        relayout(a);
    }
    advance(s, (uint64_t)(n * dt) + GESTURE_DOUBLE_MS + 50);
    gesture_tick(a, s->now);
    relayout(a);
    return 0;
}

/* finger @X,Y | #id | label: one tap by finger (speech mode: speaks what is
 * there; without speech: a tap). */
static int cmd_finger(script *s, char *arg)
{
    const ui_list *l = s->a->list;
    int x, y;
    if (!(arg[0] == '@' && sscanf(arg + 1, "%d,%d", &x, &y) == 2)) {
        const ui_el *e = NULL;
        for (int i = 0; i < l->n && !e; i++) /* texts too: they are stops */
            if (arg[0] == '#' ? !strcmp(l->el[i].id, arg + 1) : !strcmp(l->el[i].label, arg))
                e = &l->el[i];
        if (!e)
            return fail(s, "nothing to touch: '%s'", arg);
        x = e->x + e->w / 2;
        y = e->y + e->h / 2;
    }
    const int pts[2][2] = {{x, y}, {x, y}};
    return fingers(s, pts, 2, 80);
}

/* swipe right|left: a quick horizontal swipe across the middle of the screen. */
static int cmd_swipe(script *s, char *arg)
{
    int w = s->a->w, h = s->a->h, right = !strcmp(arg, "right");
    if (!right && strcmp(arg, "left") != 0)
        return fail(s, "swipe: want right or left, got '%s'", arg);
    const int pts[2][2] = {{right ? w / 3 : 2 * w / 3, h / 2}, {right ? 2 * w / 3 : w / 3, h / 2}};
    return fingers(s, pts, 2, 150);
}

/* doubletap: two quick taps in the middle of the screen (activates the focus). */
static int cmd_doubletap(script *s, char *arg)
{
    (void)arg;
    int x = s->a->w / 2, y = s->a->h / 2;
    const int pts[4][2] = {{x, y}, {x, y}, {x + 4, y + 4}, {x + 4, y + 4}};
    return fingers(s, pts, 4, 70);
}

/* quit: ends the script. */
static int cmd_quit(script *s, char *arg)
{
    app *a = s->a;
    (void)arg;
    a->quit = 1;
    return 0;
}

/* shot NAME: writes the screenshot NAME (PNG) and its layout (JSON) to the shots directory. */
static int cmd_shot(script *s, char *arg)
{
    return shot(s, arg);
}

/* The script commands (docs/kiosk.md). */
static const struct {
    const char *name;
    int (*run)(script *s, char *arg);
} commands[] = {
    {"tap", cmd_tap},
    {"type", cmd_type},
    {"wait", cmd_wait},
    {"sleep", cmd_sleep},
    {"shot", cmd_shot},
    {"lang", cmd_lang},
    {"size", cmd_size},
    {"expect", cmd_expect},
    {"waitsent", cmd_waitsent},
    {"quit", cmd_quit},
    {"key", cmd_key},
    {"audio", cmd_audio},
    {"seek", cmd_seek},
    {"mark", cmd_mark},
    {"finger", cmd_finger},
    {"swipe", cmd_swipe},
    {"doubletap", cmd_doubletap},
    {"tap?", cmd_tap_if},
    {"findpage", cmd_findpage},
    {"shotpages", cmd_shotpages},
};

static int command(script *s, char *line)
{
    app *a = s->a;
    char *cmd = trim(line);
    if (!*cmd || *cmd == '#')
        return 0;
    char *arg = cmd + strcspn(cmd, " \t");
    if (*arg)
        *arg++ = 0;
    arg = trim(arg);
    if (a->up && uploader_config_changed(a->up))
        load_catalog(a); /* what the event loop does on the uploader's wake-up */
    follow_poll(a);
    relayout(a);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].run(s, arg);
    return fail(s, "unknown command '%s'", cmd);
}

static int run_script(app *a, const char *file, const char *shots)
{
    FILE *fp = strcmp(file, "-") ? fopen(file, "r") : stdin;
    if (!fp) {
        fprintf(stderr, "%s: %s\n", file, strerror(errno));
        return 1;
    }
    script s = {.a = a, .file = file, .shots = shots, .now = 1000000};
    flow_reset(&a->f, s.now);
    char line[2048];
    int rc = 0;
    while (!a->quit && fgets(line, sizeof line, fp)) {
        s.line++;
        if (command(&s, line) != 0) {
            rc = 1;
            break;
        }
    }
    if (fp != stdin)
        fclose(fp);
    if (a->sp)
        speech_wait_idle(a->sp, 10000);
    return rc;
}

/* ---- setup ---- */

static void usage(void)
{
    fprintf(stderr, "usage: trygg-kiosk [-n] -c FILE [--script FILE --shots DIR] [--wav DIR]\n"
                    "  -c FILE          kiosk.ini\n"
                    "  -n               check the config and exit\n"
                    "  --script FILE    run a script headless (see docs/kiosk.md)\n"
                    "  --shots DIR      where the script's shot command writes PNG + JSON\n"
                    "  --wav DIR        speech to WAV files instead of the sound card\n"
                    "  --speech-log F   script mode: write every utterance to F (lang TAB text)\n"
                    "  --no-png         script mode: shots write only their JSON\n");
}

/* Warns about each configured language without a catalog. */
static void warn_missing_catalogs(app *a)
{
    for (const char *p = a->cfg.languages; *p;) {
        char l[8];
        size_t n = strcspn(p, ", ");
        snprintf(l, sizeof l, "%.*s", (int)(n < 7 ? n : 7), p);
        if (n && !trygg_i18n_has(a->tr, l, "home.title"))
            TRYGG_WARN("language %s has no catalog: Swedish texts will show", l);
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
}

/* Creates the data directory and opens the outbox in it. 0, or -1 (said on stderr). */
static int open_outbox(app *a)
{
    char err[512];
    if (mkdir(a->cfg.data_dir, 0750) != 0 && errno != EEXIST) {
        fprintf(stderr, "trygg-kiosk: data_dir %s: %s\n", a->cfg.data_dir, strerror(errno));
        return -1;
    }
    snprintf(a->outbox_path, sizeof a->outbox_path, "%s/outbox.db", a->cfg.data_dir);
    snprintf(a->cache_path, sizeof a->cache_path, "%s/config-cache.json", a->cfg.data_dir);
    a->ob = outbox_open(a->outbox_path, err, sizeof err);
    if (!a->ob) {
        fprintf(stderr, "trygg-kiosk: outbox: %s\n", err);
        return -1;
    }
    return 0;
}

/* The uploader's thread (its own outbox connection, libcurl). */
static void start_uploader(app *a)
{
    char err[512];
    uploader_opts upo = {.cfg = &a->cfg,
                         .outbox_path = a->outbox_path,
                         .cache_path = a->cache_path,
                         .wake = ui_wake,
                         .wake_user = a->u};
    a->up = uploader_start(&upo, err, sizeof err);
    if (!a->up)
        TRYGG_WARN("uploader not started: %s (submissions stay queued)", err);
}

/* Opens the window (headless for a script) and starts the flow; for a
 * script also the uploader and the voice to WAV files (a window starts
 * those after its first frame, run_loop). 0, or -1 (said on stderr). */
static int start_parts(app *a, const char *script_path, const char *wav)
{
    char err[512];
    char fonts[600];
    if (trygg_asset_path("fonts", fonts, sizeof fonts) != TRYGG_OK) {
        fprintf(stderr, "trygg-kiosk: asset path too long\n");
        return -1;
    }
    a->w = a->cfg.width;
    a->h = a->cfg.height;
    gesture_init(&a->g, a->w < a->h ? a->w : a->h);
    a->scripted = script_path != NULL;
    ui_opts uo = {.headless = script_path != NULL,
                  .width = a->w,
                  .height = a->h,
                  .fullscreen = a->cfg.fullscreen,
                  .display = a->cfg.display,
                  .font_dir = fonts};
    a->u = ui_open(&uo, err, sizeof err);
    if (!a->u) {
        fprintf(stderr, "trygg-kiosk: %s\n", err);
        return -1;
    }
    /* The window's voice (espeak-ng's voice list, the sound device) opens
     * after the first frame is on screen (run_loop; issue 16): it took about
     * as long as everything else before the first frame. */
    if (script_path && wav)
        a->sp = speech_open(wav); /* NULL: no speech (logged), the kiosk still works */
    else if (!script_path)
        a->speech_later = wav ? wav : "";
    if (script_path) /* the window's starts after its first frame (run_loop) */
        start_uploader(a);
    flow_host host = {.user = a,
                      .say = host_say,
                      .speech_stop = host_stop,
                      .speech_repeat = host_repeat,
                      .speech_volume = host_volume,
                      .speech_reset = host_reset,
                      .has_voice = host_has_voice,
                      .submit = host_submit,
                      .follow_lookup = host_follow_lookup,
                      .quit = host_quit};
    flow_init(&a->f, &a->cfg, &a->cat, a->tr, &host, script_path ? 1000000 : ui_ticks());
    return 0;
}

/* `-n` beyond the config file itself: what the kiosk needs to run (its
 * token, its fonts) and what it would show unconfigured. The exit code. */
static int check_setup(app *a, const char *cfg_path)
{
    int bad = 0;
    char token[256], fonts[600], err[800] = "fonts: asset path too long";
    if (kcfg_read_token(&a->cfg, token, sizeof token) != TRYGG_OK) {
        printf("%s: token_file %s is missing, unreadable or empty: every upload would be "
               "refused (`tryggctl kiosk add` writes it)\n",
               cfg_path, a->cfg.token_file);
        bad = 1;
    }
    sodium_memzero(token, sizeof token);
    if (trygg_asset_path("fonts", fonts, sizeof fonts) != TRYGG_OK ||
        ui_check_fonts(fonts, err, sizeof err) != 0) {
        printf("%s: %s\n", cfg_path, err);
        bad = 1;
    }
    for (int k = 0; k < KP_N; k++)
        for (const char *p = a->cfg.keypad[k]; *p;) {
            size_t n = strcspn(p, ",");
            char name[KCFG_KEYS];
            snprintf(name, sizeof name, "%.*s", (int)n, p);
            char *t = name;
            while (*t == ' ')
                t++;
            for (size_t e = strlen(t); e && t[e - 1] == ' ';)
                t[--e] = 0;
            if (*t && !ui_key_known(t)) {
                printf("%s: [keypad] %s: '%s' is not a key name (SDL scancode names, e.g. "
                       "'Keypad 8')\n",
                       cfg_path, kcfg_key_name((kcfg_key)k), t);
                bad = 1;
            }
            p += n + (p[n] == ',');
        }
    if (!a->cfg.child_concern_url[0])
        printf("%s: WARNING: [links] child_concern_url is not configured: the help screen shows "
               "the number only (the server's routing.ini can set it)\n",
               cfg_path);
    if (!a->cfg.parent_municipality_url[0] || !a->cfg.parent_police_url[0])
        printf("%s: WARNING: [links] parent_municipality_url or parent_police_url is not "
               "configured: the advice for parents shows no QR code for it (the server's "
               "routing.ini can set them)\n",
               cfg_path);
    if (!bad)
        printf("%s: OK\n", cfg_path);
    return bad;
}

int main(int argc, char **argv)
{
    const char *cfg_path = NULL, *script_path = NULL, *shots = NULL, *wav = NULL,
               *speech_log = NULL;
    int check = 0, no_png = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc)
            cfg_path = argv[++i];
        else if (!strcmp(argv[i], "-n"))
            check = 1;
        else if (!strcmp(argv[i], "--script") && i + 1 < argc)
            script_path = argv[++i];
        else if (!strcmp(argv[i], "--shots") && i + 1 < argc)
            shots = argv[++i];
        else if (!strcmp(argv[i], "--wav") && i + 1 < argc)
            wav = argv[++i];
        else if (!strcmp(argv[i], "--speech-log") && i + 1 < argc)
            speech_log = argv[++i];
        else if (!strcmp(argv[i], "--no-png"))
            no_png = 1;
        else {
            usage();
            return 2;
        }
    }
    trygg_log_init("kiosk");
    if (sodium_init() < 0) {
        fprintf(stderr, "trygg-kiosk: libsodium init failed\n");
        return 1;
    }
    if (wipe_install() != 0) {
        fprintf(stderr, "trygg-kiosk: could not install the wiping allocator\n");
        return 1;
    }
    app *a = calloc(1, sizeof *a);
    if (!a)
        return 1;
    a->no_png = no_png;
    a->list = calloc(1, sizeof *a->list);
    int rc = 1;
    trygg_cfg_error errs[32];
    trygg_cfg_errors e = {.errs = errs, .max = 32, .file = cfg_path};
    if (cfg_path) {
        if (kcfg_load(cfg_path, &a->cfg, &e) != TRYGG_OK) {
            trygg_cfg_print(&e);
            goto out;
        }
    } else if (check || !script_path) {
        usage();
        goto out;
    } else {
        kcfg_defaults(&a->cfg);
    }
    char dir[600], err[512];
    if (trygg_asset_path("i18n/kiosk", dir, sizeof dir) != TRYGG_OK ||
        trygg_i18n_load(dir, &a->tr, err, sizeof err) != TRYGG_OK) {
        fprintf(stderr, "trygg-kiosk: translations: %s\n", err);
        goto out;
    }
    warn_missing_catalogs(a);
    if (check) {
        rc = check_setup(a, cfg_path);
        goto out;
    }
    if (open_outbox(a) != 0)
        goto out;
    rc_defaults(&a->base, &a->cfg);
    load_catalog(a);

    if (speech_log && (!script_path || !(a->speech_log = fopen(speech_log, "w")))) {
        fprintf(stderr, "trygg-kiosk: --speech-log needs --script and a writable file\n");
        goto out;
    }
    if (start_parts(a, script_path, wav) != 0)
        goto out;
    TRYGG_INFO("kiosk %s started, server %s", a->cfg.kiosk_id, a->cfg.server_url);
    rc = script_path ? run_script(a, script_path, shots) : run_loop(a);
out:
    uploader_stop(a->up);
    speech_close(a->sp);
    ui_close(a->u);
    outbox_close(a->ob);
    if (a->speech_log)
        fclose(a->speech_log);
    if (a->tr)
        trygg_i18n_free(a->tr);
    free(a->list);
    free(a);
    return rc;
}
