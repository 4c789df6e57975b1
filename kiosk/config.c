/* config.c — kiosk.ini loading and checking. */
#include "config.h"
#include "trygg/copy.h"
#include "trygg/ref.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void kcfg_defaults(kiosk_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->kiosk_id, sizeof c->kiosk_id, "kiosk");
    snprintf(c->municipality, sizeof c->municipality, "Lilla Edets kommun");
    snprintf(c->server_url, sizeof c->server_url, "http://127.0.0.1:8080");
    snprintf(c->data_dir, sizeof c->data_dir, ".");
    snprintf(c->area, sizeof c->area, "centrum");
    snprintf(c->default_lang, sizeof c->default_lang, "sv");
    snprintf(c->languages, sizeof c->languages, "sv,sv_LL,en,ar,so");
    snprintf(c->maintenance_pin, sizeof c->maintenance_pin, "2580");
    c->tls_verify = 1;
    c->idle_s = 90;
    c->warn_s = 30;
    c->receipt_s = 60;
    c->heartbeat_s = 60;
    c->config_refresh_s = 300;
    c->retry_min_ms = 2000;
    c->retry_max_ms = 300000;
    c->offline_probe_ms = 15000;
    c->http_timeout_s = 15;
    c->width = 1920;
    c->height = 1080;
    c->fullscreen = 1;
    c->dpi = 96;
    snprintf(c->police_tip_url, sizeof c->police_tip_url,
             "https://polisen.se/kontakt/tipsa-polisen/");
    snprintf(c->police_tip_phone, sizeof c->police_tip_phone, "114 14");
    snprintf(c->police_report_url, sizeof c->police_report_url,
             "https://polisen.se/utsatt-for-brott/polisanmalan/");
    snprintf(c->emergency, sizeof c->emergency, "112");
    /* Not configured until the municipality confirms its page for reporting
     * concern about a child: no QR code, and `-n` says so. */
    c->child_concern_url[0] = '\0';
    snprintf(c->child_concern_phone, sizeof c->child_concern_phone, "0520-65 95 00");
    /* A USB numeric keypad (EZ Access-style: 8 up, 2 down, 5 select, 0
     * back, the decimal key help, + and - volume); the arrow keys and
     * Enter of a full keyboard work too. */
    static const char *const keys[KP_N] = {
        [KP_UP] = "Keypad 8, Up",
        [KP_DOWN] = "Keypad 2, Down",
        [KP_SELECT] = "Keypad 5, Keypad Enter, Return",
        [KP_BACK] = "Keypad 0, Backspace",
        [KP_HELP] = "Keypad ., F1",
        [KP_LOUDER] = "Keypad +",
        [KP_SOFTER] = "Keypad -",
    };
    for (int i = 0; i < KP_N; i++)
        TRYGG_COPY_TRUNC(c->keypad[i], keys[i]); /* fixed short defaults */
    static const char *ids[] = {"centrum", "gota", "lodose", "nygard", "hjartum"};
    static const char *labels[] = {"Centrum", "Göta", "Lödöse", "Nygård", "Hjärtum"};
    for (int i = 0; i < 5; i++) {
        TRYGG_COPY_TRUNC(c->areas[i].id, ids[i]);       /* fixed short defaults */
        TRYGG_COPY_TRUNC(c->areas[i].label, labels[i]); /* fixed short defaults */
    }
    c->n_areas = 5;
}

typedef struct key_str {
    const char *section, *name;
    size_t off, cap;
} key_str;

#define S(sec, field)                                                                              \
    {                                                                                              \
        sec, #field, offsetof(kiosk_config, field), sizeof(((kiosk_config *)0)->field)             \
    }
static const key_str str_keys[] = {
    S("kiosk", kiosk_id),
    S("kiosk", municipality),
    S("kiosk", server_url),
    S("kiosk", token_file),
    S("kiosk", data_dir),
    S("kiosk", area),
    S("kiosk", default_lang),
    S("kiosk", languages),
    S("kiosk", maintenance_pin),
    S("kiosk", ca_file),
    S("kiosk", ref_prefix),
    S("links", police_tip_url),
    S("links", police_tip_phone),
    S("links", police_report_url),
    S("links", emergency),
    S("links", child_concern_url),
    S("links", child_concern_phone),
    S("links", parent_municipality_url),
    S("links", parent_police_url),
    S("links", status_url),
};
#undef S

typedef struct key_int {
    const char *section, *name;
    size_t off;
    long min, max;
} key_int;

#define I(sec, field, lo, hi)                                                                      \
    {                                                                                              \
        sec, #field, offsetof(kiosk_config, field), lo, hi                                         \
    }
static const key_int int_keys[] = {
    I("timing", idle_s, 10, 3600),
    I("timing", warn_s, 20, 600),
    I("timing", receipt_s, 5, 3600),
    I("timing", heartbeat_s, 1, 86400),
    I("timing", config_refresh_s, 1, 86400),
    I("timing", retry_min_ms, 10, 3600000),
    I("timing", retry_max_ms, 10, 3600000),
    I("timing", offline_probe_ms, 100, 600000),
    I("timing", http_timeout_s, 1, 300),
    I("display", width, 640, 7680),
    I("display", height, 480, 7680),
    I("display", display, 0, 16),
    I("display", dpi, 50, 600),
};
#undef I

typedef struct key_bool {
    const char *section, *name;
    size_t off;
} key_bool;

static const key_bool bool_keys[] = {
    {"kiosk", "tls_verify", offsetof(kiosk_config, tls_verify)},
    {"display", "fullscreen", offsetof(kiosk_config, fullscreen)},
    {"display", "large_text", offsetof(kiosk_config, large_text)},
    {"display", "high_contrast", offsetof(kiosk_config, high_contrast)},
};

static int valid_id(const char *s)
{
    if (!*s || strlen(s) >= KCFG_ID)
        return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static const char *const key_names[KP_N] = {
    [KP_UP] = "up",     [KP_DOWN] = "down",     [KP_SELECT] = "select", [KP_BACK] = "back",
    [KP_HELP] = "help", [KP_LOUDER] = "louder", [KP_SOFTER] = "softer",
};

const char *kcfg_key_name(kcfg_key k)
{
    return (int)k >= 0 && k < KP_N ? key_names[k] : "";
}

/* Calls fn for each key name in a comma-separated list (trimmed, not
 * empty); stops and returns what fn returns when it is not 0. */
static int each_key(const char *list, int (*fn)(void *u, const char *name), void *u)
{
    for (const char *p = list; *p;) {
        while (*p == ',' || *p == ' ')
            p++;
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ')
            n--;
        if (n) {
            char name[KCFG_KEYS];
            snprintf(name, sizeof name, "%.*s", (int)n, p);
            int r = fn(u, name);
            if (r)
                return r;
        }
        p += n;
        while (*p && *p != ',')
            p++;
    }
    return 0;
}

static int same_name(void *u, const char *name)
{
    return strcasecmp(u, name) == 0;
}

int kcfg_key_action(const kiosk_config *c, const char *name)
{
    for (int i = 0; i < KP_N; i++)
        if (each_key(c->keypad[i], same_name, (void *)name))
            return i;
    return -1;
}

/* A key name is printable ASCII (SDL's names: "Keypad 8", "Return"). */
static int bad_key_name(void *u, const char *name)
{
    (void)u;
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            return 1;
    return 0;
}

static int keypad_key(kiosk_config *c, trygg_cfg_errors *e, const char *name, const char *value,
                      int line)
{
    for (int i = 0; i < KP_N; i++) {
        if (strcmp(name, key_names[i]) != 0)
            continue;
        if (!trygg_cfg_str(value, c->keypad[i], sizeof c->keypad[i]) ||
            each_key(value, bad_key_name, NULL))
            return trygg_cfg_fail(e, line, "%s: key names are ASCII, at most %d bytes in all", name,
                                  KCFG_KEYS - 1);
        return 1;
    }
    return trygg_cfg_fail(e, line, "unknown key '%s' in section [keypad]", name);
}

typedef struct dup_ctx {
    const kiosk_config *c;
    int action;
    const char *dup;
} dup_ctx;

static int dup_key(void *u, const char *name)
{
    dup_ctx *d = u;
    int a = kcfg_key_action(d->c, name);
    if (a >= 0 && a != d->action) {
        d->dup = key_names[a];
        return 1;
    }
    return 0;
}

/* No key may do two things; every action needs a key. */
static void check_keypad(const kiosk_config *c, trygg_cfg_errors *e)
{
    for (int i = 0; i < KP_N; i++) {
        dup_ctx d = {c, i, NULL};
        if (each_key(c->keypad[i], dup_key, &d))
            trygg_cfg_fail(e, 0, "[keypad] %s and %s share a key", d.dup, key_names[i]);
        else if (i <= KP_BACK && !each_key(c->keypad[i], bad_key_name, NULL) &&
                 strspn(c->keypad[i], ", ") == strlen(c->keypad[i]))
            trygg_cfg_fail(e, 0, "[keypad] %s needs a key", key_names[i]);
    }
}

static int handler(void *user, trygg_cfg_errors *e, const char *section, const char *name,
                   const char *value, int line)
{
    kiosk_config *c = user;
    if (strcmp(section, "keypad") == 0)
        return keypad_key(c, e, name, value, line);
    if (strcmp(section, "areas") == 0) {
        if (!valid_id(name))
            return trygg_cfg_fail(e, line, "area id '%s': use a-z, 0-9, _ and -", name);
        if (c->n_areas >= KCFG_AREAS)
            return trygg_cfg_fail(e, line, "too many areas (at most %d)", KCFG_AREAS);
        for (int i = 0; i < c->n_areas; i++)
            if (strcmp(c->areas[i].id, name) == 0)
                return trygg_cfg_fail(e, line, "area '%s' listed twice", name);
        kcfg_area *a = &c->areas[c->n_areas];
        if (!trygg_cfg_str(name, a->id, sizeof a->id) ||
            !trygg_cfg_str(value, a->label, sizeof a->label) || !*value)
            return trygg_cfg_fail(e, line, "area '%s': label empty, too long or not UTF-8", name);
        c->n_areas++;
        return 1;
    }
    for (size_t i = 0; i < sizeof str_keys / sizeof *str_keys; i++) {
        const key_str *k = &str_keys[i];
        if (strcmp(k->section, section) || strcmp(k->name, name))
            continue;
        if (!trygg_cfg_str(value, (char *)c + k->off, k->cap))
            return trygg_cfg_fail(e, line, "%s: too long (max %zu bytes) or not UTF-8", name,
                                  k->cap - 1);
        return 1;
    }
    for (size_t i = 0; i < sizeof int_keys / sizeof *int_keys; i++) {
        const key_int *k = &int_keys[i];
        if (strcmp(k->section, section) || strcmp(k->name, name))
            continue;
        long v;
        if (!trygg_cfg_int(value, k->min, k->max, &v))
            return trygg_cfg_fail(e, line, "%s: '%s' is not a number in %ld..%ld", name, value,
                                  k->min, k->max);
        *(int *)((char *)c + k->off) = (int)v;
        return 1;
    }
    for (size_t i = 0; i < sizeof bool_keys / sizeof *bool_keys; i++) {
        const key_bool *k = &bool_keys[i];
        if (strcmp(k->section, section) || strcmp(k->name, name))
            continue;
        int v;
        if (!trygg_cfg_bool(value, &v))
            return trygg_cfg_fail(e, line, "%s: '%s' is not yes/no", name, value);
        *(int *)((char *)c + k->off) = v;
        return 1;
    }
    return trygg_cfg_fail(e, line, "unknown key '%s' in section [%s]", name, section);
}

int kcfg_has_lang(const kiosk_config *c, const char *lang)
{
    size_t n = strlen(lang);
    const char *p = c->languages;
    while (*p) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *q = p;
        while (*q && *q != ',' && *q != ' ')
            q++;
        if ((size_t)(q - p) == n && n && strncmp(p, lang, n) == 0)
            return 1;
        p = q;
    }
    return 0;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int known_lang(const char *l)
{
    return !strcmp(l, "sv") || !strcmp(l, KCFG_EASY_SV) || !strcmp(l, "en") || !strcmp(l, "ar") ||
           !strcmp(l, "so");
}

const char *kcfg_item_lang(const char *lang)
{
    return strcmp(lang, KCFG_EASY_SV) == 0 ? "sv" : lang;
}

int kcfg_link_url_ok(const char *s)
{
    if (!s[0])
        return 1;
    if (strncmp(s, "https://", 8) != 0 || !s[8])
        return 0;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
            return 0;
    return 1;
}

int kcfg_phone_ok(const char *s)
{
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (!(*p == ' ' || *p == '-' || (*p == '+' && p == s)))
            return 0;
    }
    return digits >= 2 && digits <= 20;
}

int kcfg_emergency_ok(const char *s)
{
    size_t n = strlen(s);
    return n >= 2 && n <= 6 && all_digits(s);
}

/* The [links] section: the same rules as links from the server. */
static void check_links(const kiosk_config *c, trygg_cfg_errors *e)
{
    const struct {
        const char *name, *v;
        int (*ok)(const char *);
    } links[] = {
        {"police_tip_url", c->police_tip_url, kcfg_link_url_ok},
        {"police_report_url", c->police_report_url, kcfg_link_url_ok},
        {"child_concern_url", c->child_concern_url, kcfg_link_url_ok},
        {"parent_municipality_url", c->parent_municipality_url, kcfg_link_url_ok},
        {"parent_police_url", c->parent_police_url, kcfg_link_url_ok},
        {"status_url", c->status_url, kcfg_link_url_ok},
        {"police_tip_phone", c->police_tip_phone, kcfg_phone_ok},
        {"child_concern_phone", c->child_concern_phone, kcfg_phone_ok},
        {"emergency", c->emergency, kcfg_emergency_ok},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (!links[i].ok(links[i].v))
            trygg_cfg_fail(e, 0, "[links] %s '%s' is not a valid %s", links[i].name, links[i].v,
                           links[i].ok == kcfg_link_url_ok ? "https:// address"
                           : links[i].ok == kcfg_phone_ok  ? "phone number"
                                                           : "emergency number");
}

trygg_err kcfg_load(const char *path, kiosk_config *c, trygg_cfg_errors *e)
{
    kcfg_defaults(c);
    c->n_areas = 0; /* a file with [areas] replaces the default list */
    trygg_err err = trygg_cfg_parse(path, handler, c, e);
    if (err == TRYGG_ERR_IO)
        return err;
    if (c->n_areas == 0) {
        kiosk_config d;
        kcfg_defaults(&d);
        memcpy(c->areas, d.areas, sizeof c->areas);
        c->n_areas = d.n_areas;
    }
    int found = 0;
    for (int i = 0; i < c->n_areas; i++)
        found |= strcmp(c->areas[i].id, c->area) == 0;
    if (!found)
        trygg_cfg_fail(e, 0, "area '%s' is not listed in [areas]", c->area);
    if (!known_lang(c->default_lang))
        trygg_cfg_fail(e, 0, "default_lang '%s': use sv, sv_LL, en, ar or so", c->default_lang);
    else if (!kcfg_has_lang(c, c->default_lang))
        trygg_cfg_fail(e, 0, "default_lang '%s' is not in languages", c->default_lang);
    {
        char tmp[sizeof c->languages];
        TRYGG_COPY_FIT(tmp, c->languages);
        for (char *save = NULL, *t = strtok_r(tmp, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
            if (!known_lang(t))
                trygg_cfg_fail(e, 0, "languages: '%s' is not one of sv, sv_LL, en, ar, so", t);
    }
    if (strlen(c->maintenance_pin) < 4 || strlen(c->maintenance_pin) > 12 ||
        !all_digits(c->maintenance_pin))
        trygg_cfg_fail(e, 0, "maintenance_pin must be 4 to 12 digits");
    if (c->ref_prefix[0] && !trygg_ref_prefix_valid(c->ref_prefix))
        trygg_cfg_fail(e, 0,
                       "ref_prefix '%s' is not a kiosk prefix (as `tryggctl kiosk add` "
                       "prints it, e.g. 3K)",
                       c->ref_prefix);
    if (c->retry_min_ms > c->retry_max_ms)
        trygg_cfg_fail(e, 0, "retry_min_ms is larger than retry_max_ms");
    if (strncmp(c->server_url, "http://", 7) && strncmp(c->server_url, "https://", 8))
        trygg_cfg_fail(e, 0, "server_url must start with http:// or https://");
    if (!*c->token_file)
        trygg_cfg_fail(e, 0, "token_file is required");
    if (!valid_id(c->kiosk_id))
        trygg_cfg_fail(e, 0, "kiosk_id '%s': use a-z, 0-9, _ and -", c->kiosk_id);
    check_links(c, e);
    check_keypad(c, e);
    return e->n ? TRYGG_ERR_CONFIG : TRYGG_OK;
}

trygg_err kcfg_read_token(const kiosk_config *c, char *out, size_t cap)
{
    FILE *f = fopen(c->token_file, "r");
    if (!f)
        return TRYGG_ERR_IO;
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = buf;
    while (*p && isspace((unsigned char)*p))
        p++;
    size_t len = strcspn(p, "\r\n");
    while (len && isspace((unsigned char)p[len - 1]))
        len--;
    if (len == 0 || len >= cap)
        return TRYGG_ERR_INVALID;
    for (size_t i = 0; i < len; i++)
        if (!isgraph((unsigned char)p[i]))
            return TRYGG_ERR_INVALID;
    memcpy(out, p, len);
    out[len] = 0;
    return TRYGG_OK;
}
