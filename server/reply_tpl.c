/*
 * reply_tpl.c — the reply templates (reply_tpl.h): which template fits an
 * item, its text (an admin's edit or the SMS catalog's) and its filled
 * placeholders.
 */
#include "reply_tpl.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "sms/sms_replies.h"
#include "trygg/copy.h"
#include "trygg/paths.h"
#include "trygg/route.h"

const char *const reply_tpl_kinds[REPLY_TPL_KINDS] = {"concern", "fault", "tip"};
const char *const reply_tpl_langs[REPLY_TPL_LANGS] = {"sv", "en", "ar", "so"};

static const char *const event_names[REPLY_EV_COUNT] = {"received",    "triaged",  "forwarded",
                                                        "in_progress", "resolved", "police",
                                                        "not_ours",    "duplicate"};

const char *reply_tpl_event_name(reply_event e)
{
    return (int)e >= 0 && e < REPLY_EV_COUNT ? event_names[e] : NULL;
}

int reply_tpl_event_parse(const char *name)
{
    for (int i = 0; name && i < REPLY_EV_COUNT; i++)
        if (strcmp(name, event_names[i]) == 0)
            return i;
    return -1;
}

const char *reply_tpl_kind_of(trygg_kind k)
{
    switch (k) {
    case TRYGG_KIND_FAULT:
        return "fault";
    case TRYGG_KIND_TIP:
    case TRYGG_KIND_CALLBACK:
        return "tip";
    default:
        return "concern";
    }
}

int reply_tpl_close_event(trygg_close_reason r)
{
    switch (r) {
    case TRYGG_CLOSE_RESOLVED:
        return REPLY_EV_RESOLVED;
    case TRYGG_CLOSE_POLICE:
        return REPLY_EV_POLICE;
    case TRYGG_CLOSE_NOT_OURS:
        return REPLY_EV_NOT_OURS;
    default:
        return -1;
    }
}

reply_event reply_tpl_event_of(const trygg_item *it)
{
    switch (it->status) {
    case TRYGG_STATUS_NEW:
        return REPLY_EV_RECEIVED;
    case TRYGG_STATUS_TRIAGED:
        return REPLY_EV_TRIAGED;
    case TRYGG_STATUS_FORWARDED:
        return REPLY_EV_FORWARDED;
    case TRYGG_STATUS_IN_PROGRESS:
        return REPLY_EV_IN_PROGRESS;
    default:
        break;
    }
    if (it->close_reason == TRYGG_CLOSE_DUPLICATE)
        return REPLY_EV_DUPLICATE;
    int e = reply_tpl_close_event(it->close_reason);
    return e >= 0 ? (reply_event)e : REPLY_EV_RESOLVED;
}

const char *reply_tpl_key(reply_event e, const char *kind, char out[64])
{
    const char *en = reply_tpl_event_name(e);
    snprintf(out, 64, "tpl.%s.%s", en ? en : "received", kind ? kind : "concern");
    return out;
}

static int lang_known(const char *l)
{
    for (int i = 0; l && i < REPLY_TPL_LANGS; i++)
        if (strcmp(l, reply_tpl_langs[i]) == 0)
            return 1;
    return 0;
}

const char *reply_tpl_lang(const char *want, const char *contact_lang, const char *item_lang)
{
    if (lang_known(want))
        return want;
    if (lang_known(contact_lang))
        return contact_lang;
    if (lang_known(item_lang))
        return item_lang;
    return "sv";
}

trygg_err reply_tpl_text(trygg_store *st, const trygg_i18n *cat, const char *key, const char *lang,
                         char *out, size_t cap, int *edited)
{
    *edited = 0;
    trygg_template t;
    if (st && trygg_store_template_get(st, key, lang, &t) == TRYGG_OK) {
        *edited = 1;
        return trygg_strset(out, cap, t.text);
    }
    return trygg_strset(out, cap, cat ? trygg_i18n_get(cat, lang, key) : key);
}

/* v or, when it is empty, the catalog's words for `key`. */
static const char *or_words(const trygg_i18n *cat, const char *lang, const char *v, const char *key)
{
    if (v && v[0])
        return v;
    return cat ? trygg_i18n_get(cat, lang, key) : "";
}

static const char *const placeholder_names[] = {
    "ref", "category", "place", "emergency", "tip_url", "tip_phone", "report_url", "contact", NULL};

int reply_tpl_placeholders_ok(const char *text)
{
    for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        if (!end)
            return 0;
        size_t n = (size_t)(end - p - 1);
        int ok = 0;
        for (int i = 0; placeholder_names[i] && !ok; i++)
            ok = strlen(placeholder_names[i]) == n && strncmp(p + 1, placeholder_names[i], n) == 0;
        if (!ok)
            return 0;
    }
    return 1;
}

trygg_err reply_tpl_fill(const trygg_i18n *cat, const char *lang, const char *fmt,
                         const reply_tpl_values *v, char *out, size_t cap)
{
    const char *const *names = placeholder_names;
    const char *const values[] = {v->ref ? v->ref : "",
                                  or_words(cat, lang, v->category, "tpl.no_category"),
                                  or_words(cat, lang, v->place, "tpl.no_place"),
                                  v->emergency ? v->emergency : "112",
                                  v->tip_url ? v->tip_url : "",
                                  v->tip_phone ? v->tip_phone : "",
                                  v->report_url ? v->report_url : "",
                                  or_words(cat, lang, v->contact, "tpl.default_contact"),
                                  NULL};
    return trygg_i18n_format(fmt, names, values, out, cap);
}

/* The routing config's link `name`, else `alt`, else `dflt`. */
static const char *link_or(const server_ctx *srv, const char *name, const char *alt,
                           const char *dflt)
{
    const char *l = srv && srv->routes ? trygg_routes_link(srv->routes, name) : NULL;
    if (l && l[0])
        return l;
    return alt && alt[0] ? alt : dflt;
}

void reply_tpl_values_for(const server_ctx *srv, const trygg_item *it, const char *lang,
                          reply_tpl_values *v)
{
    const server_catalog *k = srv ? srv->cfg.catalog : NULL;
    memset(v, 0, sizeof *v);
    v->ref = it->ref;
    /* Only a label from server.ini, never a raw id: without one the
     * catalog's words ("det du beskrev") stand in. */
    v->category = NULL;
    if (k && it->category[0]) {
        const config_category *c = config_category_find(&srv->cfg, (int)it->kind, it->category);
        if (!c)
            c = config_category_find(&srv->cfg, -1, it->category);
        if (c)
            v->category = config_label(c->label, lang, it->category);
    }
    v->place = it->place;
    v->emergency = link_or(srv, "emergency", k ? k->sms.emergency : NULL, "112");
    v->tip_url = link_or(srv, "police_tip_url", k ? k->sms.police_url : NULL,
                         "https://polisen.se/kontakt/tipsa-polisen/");
    v->tip_phone = link_or(srv, "police_tip_phone", k ? k->sms.police_phone : NULL, "114 14");
    v->report_url = link_or(srv, "police_report_url", NULL,
                            "https://polisen.se/utsatt-for-brott/polisanmalan/");
    v->contact = k ? k->sms_not_ours_contact : NULL;
}

static trygg_i18n *installed;
static void load_installed(void)
{
    char dir[1024], err[256];
    if (trygg_asset_path("i18n/sms", dir, sizeof dir) != TRYGG_OK ||
        trygg_i18n_load(dir, &installed, err, sizeof err) != TRYGG_OK)
        installed = NULL;
}

const trygg_i18n *reply_tpl_catalog(const server_ctx *srv)
{
    if (srv && srv->sms_replies)
        return replies_catalog(srv->sms_replies);
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load_installed);
    return installed;
}

trygg_err reply_tpl_build(const server_ctx *srv, trygg_store *st, const trygg_item *it,
                          reply_event e, const char *lang, char *out, size_t cap)
{
    const trygg_i18n *cat = reply_tpl_catalog(srv);
    char key[64], fmt[TRYGG_TEMPLATE_TEXT_MAX + 1];
    int edited;
    trygg_err err = reply_tpl_text(st, cat, reply_tpl_key(e, reply_tpl_kind_of(it->kind), key),
                                   lang, fmt, sizeof fmt, &edited);
    if (err)
        return err;
    reply_tpl_values v;
    reply_tpl_values_for(srv, it, lang, &v);
    return reply_tpl_fill(cat, lang, fmt, &v, out, cap);
}
