/*
 * config.h — the kiosk's own INI file (kiosk.ini).
 *
 * One struct, filled from defaults and then from the file. Every value is
 * checked when read; errors are collected as "file:line: message" through
 * libtrygg's cfg.h so `trygg-kiosk -n -c FILE` lists all of them at once.
 * Unknown sections and keys are errors. Areas are listed in [areas] as
 * `id = Label` (place names are proper nouns, so they are config, not
 * catalog text). Start with kcfg_load().
 */
#ifndef KIOSK_CONFIG_H
#define KIOSK_CONFIG_H

#include "trygg/cfg.h"

#define KCFG_STR   256
#define KCFG_PATH  512
#define KCFG_ID    64
#define KCFG_AREAS 40

typedef struct kcfg_area {
    char id[KCFG_ID];
    char label[KCFG_STR];
} kcfg_area;

/* The keypad's actions ([keypad] in kiosk.ini, docs/kiosk.md): each is
 * bound to one or more key names (SDL scancode names, "Keypad 8"). */
typedef enum kcfg_key {
    KP_UP = 0, /* previous control */
    KP_DOWN,   /* next control */
    KP_SELECT, /* activate the focused control */
    KP_BACK,   /* back (or out of the keyboard) */
    KP_HELP,   /* say what the screen is for */
    KP_LOUDER,
    KP_SOFTER,
    KP_N,
} kcfg_key;

#define KCFG_KEYS 96 /* bytes of one action's key list */

typedef struct kiosk_config {
    /* [kiosk] */
    char kiosk_id[KCFG_ID];
    char municipality[KCFG_STR]; /* shown in the header, e.g. "Lilla Edets kommun" */
    char server_url[KCFG_STR];   /* e.g. https://trygg.example.se (no trailing /api) */
    char token_file[KCFG_PATH];  /* file holding the bearer token, one line */
    char data_dir[KCFG_PATH];    /* outbox.db and config-cache.json live here */
    char area[KCFG_ID];          /* the kiosk's own area id, listed first */
    char default_lang[8];
    char languages[64];       /* comma-separated, e.g. "sv,sv_LL,en,ar,so" */
    char maintenance_pin[16]; /* 4-12 digits */
    char ca_file[KCFG_PATH];  /* optional CA bundle for HTTPS */
    char ref_prefix[4];       /* reference prefix from `tryggctl kiosk add` ("" = not yet
                               * known; the server's config overrides it, docs/kiosk.md) */
    int tls_verify;           /* 1 (default) */
    /* [timing] (seconds unless _ms) */
    int idle_s;    /* no touch for this long → warning */
    int warn_s;    /* countdown in the warning, >= 20 */
    int receipt_s; /* receipt stays this long without a touch */
    int heartbeat_s;
    int config_refresh_s;
    int retry_min_ms, retry_max_ms; /* uploader backoff bounds */
    int offline_probe_ms;           /* longest wait between tries while the server is unreachable */
    int http_timeout_s;
    /* [display] */
    int width, height; /* logical size */
    int fullscreen;
    int display;       /* SDL display index */
    int dpi;           /* panel DPI, for the 15 mm target check */
    int large_text;    /* start with "Större text" on */
    int high_contrast; /* start with the high-contrast theme */
    /* [links] (defaults in assets/config/kiosk.ini, docs/kiosk.md; the municipality confirms them)
     */
    char police_tip_url[KCFG_STR];
    char police_tip_phone[32];
    char police_report_url[KCFG_STR];
    char emergency[16];
    char child_concern_url[KCFG_STR];
    /* Advice for parents of teenagers (issue 16): "" = not configured */
    char parent_municipality_url[KCFG_STR];
    char parent_police_url[KCFG_STR];
    /* The public status page of follow-up codes (docs/follow-up.md), e.g.
     * "https://trygg.example.se/s/": the receipt's QR code is this and the
     * code; "" = no QR code until the server's config gives one. */
    char status_url[KCFG_STR];
    char child_concern_phone[32];
    /* [keypad]: comma-separated key names per action (kcfg_key) */
    char keypad[KP_N][KCFG_KEYS];
    /* [areas] */
    kcfg_area areas[KCFG_AREAS];
    int n_areas;
} kiosk_config;

/* What a link the kiosk shows may be (the same rules for kiosk.ini and the
 * server's config): a QR link is an https:// address of printable ASCII
 * without spaces ("" = not configured: no QR code is drawn); a phone number
 * has 2 to 20 digits with spaces, '-' or a leading '+'; the emergency number
 * is 2 to 6 digits. 1 when `s` is acceptable. */
int kcfg_link_url_ok(const char *s);
int kcfg_phone_ok(const char *s);
int kcfg_emergency_ok(const char *s);

/* Fills c with the built-in defaults (no file needed; used by tests). */
void kcfg_defaults(kiosk_config *c);

/* Defaults, then the file at `path`. Returns TRYGG_OK, TRYGG_ERR_IO (file
 * unreadable) or TRYGG_ERR_CONFIG; every problem is recorded in e (which the
 * caller sets up with room for errors). Cross-field checks (area must be
 * listed, warn_s >= 20, retry_min <= retry_max) are reported at line 0. */
trygg_err kcfg_load(const char *path, kiosk_config *c, trygg_cfg_errors *e);

/* The name of a keypad action in kiosk.ini ("up", "down", "select", "back",
 * "help", "louder", "softer"). */
const char *kcfg_key_name(kcfg_key k);

/* The action bound to the key called `name` (an SDL scancode name, compared
 * without regard to case), or -1 when it is not bound. */
int kcfg_key_action(const kiosk_config *c, const char *name);

/* Lättläst, easy-to-read Swedish (issue 16): a language of the kiosk's own
 * (assets/i18n/kiosk/sv_LL.po, chosen with its own button), a variant of
 * Swedish everywhere else. Its catalog holds only the texts it rewrites;
 * every other key falls back to sv. */
#define KCFG_EASY_SV "sv_LL"

/* The language a submission is filed under at the server (item language,
 * SMS replies): the base language of a variant ("sv_LL" -> "sv"), else
 * lang itself. */
const char *kcfg_item_lang(const char *lang);

/* 1 if `lang` is in c->languages. */
int kcfg_has_lang(const kiosk_config *c, const char *lang);

/* Reads the token file into out[cap] (first line, trimmed). TRYGG_ERR_IO if
 * missing, TRYGG_ERR_INVALID if empty or over-long. */
trygg_err kcfg_read_token(const kiosk_config *c, char *out, size_t cap);

#endif
