/*
 * flow.h — the kiosk's screens, form state and rules, in plain C (no SDL).
 *
 * The UI layer turns a tap into the id of the control under the finger
 * ("home.concern", "opt.lighting", "key.a", "nav.next", ...) and calls
 * flow_touch(); a timer calls flow_tick(). The flow changes state, asks the
 * host (callbacks) to speak, to commit a submission or to quit, and sets
 * `dirty` when the screen must be redrawn. layout.c reads the state and
 * builds what is drawn; nothing here knows about pixels.
 *
 * A report is a list of steps (category, place, when, description, ...)
 * chosen by its kind; steps whose condition is false (the free-text place
 * when the place is not "other") are skipped. Validation happens on
 * "nav.next"; an error is a catalog key shown (and spoken) on the step.
 *
 * Privacy: flow_reset() wipes every field, the speech state and the
 * language; it runs on "Börja om", after the receipt and on idle timeout.
 *
 * Time is passed in (milliseconds, any monotonic origin), so tests and the
 * script mode can simulate it. Start reading at flow_touch().
 */
#ifndef KIOSK_FLOW_H
#define KIOSK_FLOW_H

#include <stdint.h>
#include "config.h"
#include "remote_config.h"
#include "trygg/i18n.h"

#define FLOW_TEXT_MAX    1000 /* description, bytes */
#define FLOW_PLACE_MAX   120
#define FLOW_NAME_MAX    100
#define FLOW_CONTACT_MAX 120
#define FLOW_PHONE_MAX   24
#define FLOW_ID_MAX      64
#define FLOW_MAX_STEPS   10

/* The voice used when the screen's language has none (Somali): the screen
 * keeps its language and the English catalog texts are spoken. */
#define FLOW_FALLBACK_VOICE "en"

typedef enum flow_kind {
    FLOW_NONE = 0,
    FLOW_CONCERN,
    FLOW_FAULT,
    FLOW_WATCH,
    FLOW_WALK,
    FLOW_QUESTION, /* "Har du frågor eller funderingar kring trygghet?" (issue 16) */
    FLOW_ROUND,    /* sign-up for the housing company's safety round (trygghetsrond) */
} flow_kind;

typedef enum flow_screen {
    SCR_HOME = 0,
    SCR_STEP,    /* one step of a report, see flow_step */
    SCR_HELP,    /* police tip / crime report / child concern, with QR codes */
    SCR_RECEIPT, /* after a committed submission */
    SCR_SAVE_ERROR,
    SCR_PIN,       /* maintenance PIN entry */
    SCR_MAINT,     /* maintenance status */
    SCR_EMERGENCY, /* "Akut? Ring 112" tapped: what to do in an emergency */
    SCR_PARENT,    /* advice for parents and other adults of teenagers, QR codes */
    SCR_FOLLOW,    /* "Följ ditt ärende": type the follow-up code, see the status */
} flow_screen;

/* "Följ ditt ärende": where the look-up of a typed code stands. */
typedef enum flow_follow_state {
    FOLLOW_IDLE = 0, /* typing */
    FOLLOW_WAITING,  /* asked the server */
    FOLLOW_FOUND,    /* status words and dates below */
    FOLLOW_NOT_FOUND,
    FOLLOW_BUSY,    /* too many look-ups from this kiosk: try again in a minute */
    FOLLOW_OFFLINE, /* the server cannot be reached */
} flow_follow_state;

#define FLOW_FOLLOW_MAX 24 /* typed follow-up code (19 symbols with dashes, blanks) */

/* Time limits are this many times longer while speech or the keypad is in
 * use (no-time-limit mode, docs/accessibility.md). */
#define FLOW_SLOW_FACTOR 10

typedef enum flow_step {
    ST_CATEGORY = 0,
    ST_AREA,
    ST_PLACE, /* free text, only when area == "other" */
    ST_WHEN,
    ST_DESC,
    ST_FEEDBACK, /* does the person want feedback? yes/no */
    ST_PHONE,    /* masked phone entry, only with feedback */
    ST_WATCH_INFO,
    ST_WALK,
    ST_NAME,
    ST_CONTACT, /* phone or e-mail */
    ST_CONSENT,
    ST_REVIEW,
    ST_QUESTION, /* the question's text (required) */
    ST_SPOT,     /* a fault: where exactly, from the area's registered places */
} flow_step;

typedef struct flow_form {
    flow_kind kind;
    char category[FLOW_ID_MAX];
    char area[FLOW_ID_MAX];
    char place[FLOW_PLACE_MAX + 1]; /* typed: area "other", or spot "other" */
    char spot[FLOW_ID_MAX];         /* a fault's registered place id, or "other" */
    char when[16];
    char text[FLOW_TEXT_MAX + 1];
    int feedback; /* -1 not asked, 0 no, 1 yes */
    char phone[FLOW_PHONE_MAX + 1];
    char name[FLOW_NAME_MAX + 1];
    char contact[FLOW_CONTACT_MAX + 1];
    int consent;
    int walk_id; /* -1 none */
} flow_form;

/* What the host does for the flow. Any callback may be NULL. */
typedef struct flow_host {
    void *user;
    /* Speak text in lang (interrupting). Only called while speech is on. */
    void (*say)(void *user, const char *lang, const char *text);
    void (*speech_stop)(void *user);
    void (*speech_repeat)(void *user);
    void (*speech_volume)(void *user, int percent);
    /* End of session: stop and forget what was said, default volume. */
    void (*speech_reset)(void *user);
    /* 1 when there is a voice for lang (NULL: every language has one). */
    int (*has_voice)(void *user, const char *lang);
    /* Commit the form durably; on success write the public reference to
     * ref[8] and the follow-up code's secret part to follow[9] ("" = none,
     * docs/follow-up.md) and return 0. Only after 0 does the flow show the
     * receipt. */
    int (*submit)(void *user, const flow_form *form, char ref[8], char follow[9]);
    /* Ask the server for the status of a typed follow-up code, in the
     * background; the answer comes back through flow_follow_result. Returns
     * 0 when the question was sent on its way. */
    int (*follow_lookup)(void *user, const char *code);
    /* Staff chose "exit" in maintenance mode. */
    void (*quit)(void *user);
} flow_host;

typedef struct flow {
    const kiosk_config *cfg;
    const rc_catalog *cat;
    const trygg_i18n *tr;
    flow_host host;

    char lang[8];
    flow_screen screen;
    flow_form form;
    flow_step steps[FLOW_MAX_STEPS];
    int nsteps, step; /* current index into steps when screen == SCR_STEP */
    int page, npages; /* choice list paging; npages is set by the layout */
    int shift;        /* on-screen keyboard: capitals */
    int out_of_order; /* no token file: nothing could be uploaded (the host sets it) */
    int show_masked;  /* "Visa numret": the masked field's digits on the screen (never spoken) */
    int kbd_other;    /* keyboard switched from the step's default letters
                         (Arabic UI: Arabic <-> Latin, key "key.kbd") */
    char error[64];   /* catalog key of the current error, "" none */
    char ref[8];      /* receipt reference */
    char follow[9];   /* receipt follow-up secret ("" = none) */
    flow_kind receipt_kind;

    /* idle */
    uint64_t last_input;
    int warning;         /* idle warning shown */
    int confirm_restart; /* "Börja om?" asked: answers would be wiped */
    uint64_t warn_until;
    int extensions;

    /* maintenance */
    int corner_taps;
    uint64_t corner_first;
    char pin[16];
    int pin_fails;

    /* accessibility */
    int speech;          /* speech on for this session */
    char speech_lang[8]; /* language the voice speaks while speech is on: lang,
                            or FLOW_FALLBACK_VOICE when lang has no voice */
    char armed[96];      /* id touched once while speech is on */
    uint64_t armed_at;
    int volume; /* percent */
    int large_text, high_contrast;

    /* keypad (kiosk/focus.h): position in the screen's focus order (-1: the
     * screen's title), the on-screen keyboard's row/column scanning (0 not
     * entered, 1 choosing a row, 2 choosing a key in kbd_row) */
    int focus;
    int kbd_scan, kbd_row, kbd_col;
    int keypad;          /* the keypad was used this session: focus ring, slow mode */
    int headphones;      /* speech was turned on by plugging in headphones */
    flow_screen back_to; /* where "back" leaves the emergency screen for */

    /* "Följ ditt ärende" (wiped on reset like the form) */
    char follow_code[FLOW_FOLLOW_MAX + 1];
    flow_follow_state follow_state;
    char follow_status[24];                       /* state word: new, working, resolved, ... */
    char follow_received[16], follow_changed[16]; /* YYYY-MM-DD */

    int dirty;
    uint64_t now;
} flow;

/* Sets up f for the given config, catalog and translations (all borrowed,
 * must outlive f) and shows the home screen. */
void flow_init(flow *f, const kiosk_config *cfg, const rc_catalog *cat, const trygg_i18n *tr,
               const flow_host *host, uint64_t now);

/* A tap on the control `id`; `label` is its visible text (spoken in speech
 * mode). Unknown ids are ignored. */
void flow_touch(flow *f, const char *id, const char *label, uint64_t now);

/* Activates control `id` at once (the keypad's "select": the control was
 * already spoken when it got the focus, so no second touch). */
void flow_activate(flow *f, const char *id, uint64_t now);

/* Speaks text in the voice's language when speech is on. */
void flow_say(flow *f, const char *text);

/* An audio output device came (headphones plugged in, 1) or went (0).
 * Plugging in turns speech on with a welcome that explains the keypad;
 * unplugging turns it off and forgets what was said (speech_reset), and
 * ends the slow mode it started. */
void flow_headphones(flow *f, int plugged, uint64_t now);

/* The keypad's "help": says what the current screen is for and which keys
 * do what. */
void flow_help(flow *f, uint64_t now);

/* FLOW_SLOW_FACTOR while speech is on or the keypad was used, else 1. */
int flow_time_factor(const flow *f);

/* Advances timers (idle warning, countdown, receipt). */
void flow_tick(flow *f, uint64_t now);

/* Next time flow_tick must run (ms), or UINT64_MAX if nothing is pending.
 * While the warning counts down this is at most one second ahead. */
uint64_t flow_next_deadline(const flow *f);

/* Wipes the form, speech and language and shows home. */
void flow_reset(flow *f, uint64_t now);

/* Language the voice speaks: speech_lang while speech is on, else lang. */
const char *flow_voice_lang(const flow *f);

/* 1 when the language on the screen has a voice (host's has_voice). */
int flow_lang_has_voice(const flow *f);

/* Text for a catalog key in the current language (never NULL). */
const char *flow_text(const flow *f, const char *key);

/* Current step (valid when screen == SCR_STEP). */
flow_step flow_current_step(const flow *f);

/* Stable screen name for screenshots and tests: "home", "concern.category",
 * "fault.phone", "receipt", "help", "idle", "pin", "maint" ... */
const char *flow_screen_name(const flow *f, char *buf, size_t cap);

/* Seconds left in the idle countdown (0 when no warning). */
int flow_warning_left(const flow *f);

/* 1 when the kiosk shows what every new resident first sees: the home
 * screen in the configured language, text size and contrast, no speech or
 * keypad session. */
int flow_at_start(const flow *f);

/* "Step pos of total": the steps every resident of this kind of report
 * sees (the same total whatever the answers; a step shown only for some
 * answers is part of the one before) and the current one, 1-based. */
void flow_progress(const flow *f, int *pos, int *total);

/* The text field edited on the current step, its capacity, and whether it
 * is masked; NULL when the step has no text field. */
char *flow_field(flow *f, size_t *cap, int *masked, int *digits_only);

/* 1 when the on-screen keyboard shows Arabic letters: in the Arabic UI by
 * default (Latin first for the e-mail/phone contact field), switched with
 * the "key.kbd" key; reset on every new screen. */
int flow_kbd_arabic(const flow *f);

/* Validation helpers, exposed for tests. */
int flow_valid_phone(const char *s);
int flow_valid_contact(const char *s); /* phone or e-mail */

/* Places left on a safety walk: -1 when the walk has no limit (capacity 0),
 * 0 when it is full (signing up is refused with "err.walk_full"). */
int flow_walk_places_left(const rc_walk *w);

/* The consent text for the form's kind in the screen's language, with the
 * number of days the server keeps it (rc_catalog keep_days, from the
 * server's [retention]); without that number the "_unknown" text, which
 * promises no period. The one source of every consent text shown or
 * spoken (issue 16, defect 1). */
void flow_consent_text(const flow *f, char *out, size_t cap);

/* The answer to a follow-up look-up (the host calls this on the UI
 * thread): FOLLOW_FOUND with the state word and the two dates, or another
 * state. Ignored unless a look-up is waiting. */
void flow_follow_result(flow *f, flow_follow_state state, const char *status, const char *received,
                        const char *changed);

/* The registered place `id` of the form's area (NULL if none), and how
 * many places the area has (a fault asks where exactly: issue 16). */
const rc_place *flow_spot(const flow *f, const char *id);
int flow_area_places(const flow *f);

/* Safety walks or rounds (FLOW_ROUND) as the current flow lists them. */
int flow_walk_listed(const flow *f, const rc_walk *w);

/* Removes the last UTF-8 character of s (in place). */
void flow_utf8_pop(char *s);

#endif
