/*
 * sms_settings.c — the gateway's dialog settings as JSON (sms_settings.h).
 */
#include "sms_settings.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "trygg/copy.h"
#include "trygg/utf8.h"

json_t *sms_settings_json(const sms_dialog_cfg *c)
{
    json_t *kw = json_object();
    for (int k = 0; k < SMS_KW_COUNT; k++) {
        json_t *words = json_array();
        for (int i = 0; i < c->nkw[k]; i++)
            json_array_append_new(words, json_string(c->kw[k][i]));
        json_object_set_new(kw, sms_kw_names[k], words);
    }
    json_t *links = json_object();
    json_object_set_new(links, "emergency", json_string(c->emergency));
    json_object_set_new(links, "police_phone", json_string(c->police_phone));
    json_object_set_new(links, "police_url", json_string(c->police_url));
    json_t *o = json_object();
    json_object_set_new(o, "version", json_integer(SMS_SETTINGS_VERSION));
    json_object_set_new(o, "default_lang", json_string(c->default_lang));
    json_object_set_new(o, "replies_per_hour", json_integer(c->replies_per_hour));
    json_object_set_new(o, "keywords", kw);
    json_object_set_new(o, "links", links);
    return o;
}

static int bad(char *err, size_t cap, const char *what)
{
    snprintf(err, cap, "settings: bad or missing %s", what);
    return 0;
}

/* The words of one keyword into *c (a comma list for sms_dialog_set_keywords). */
static int take_keyword(const json_t *words, sms_dialog_cfg *c, int k)
{
    char list[SMS_KW_MAX * (SMS_KW_LEN + 1)] = "";
    size_t used = 0, i;
    const json_t *w;
    if (!json_is_array(words) || json_array_size(words) == 0 || json_array_size(words) > SMS_KW_MAX)
        return 0;
    json_array_foreach(words, i, w)
    {
        const char *s = json_string_value(w);
        size_t l = s ? strlen(s) : 0;
        if (l == 0 || l >= SMS_KW_LEN || strchr(s, ',') || !trygg_utf8_valid(s, l))
            return 0;
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? "," : "", s);
    }
    return sms_dialog_set_keywords(c, k, list) == (int)json_array_size(words);
}

/* A string member of o that fits dst[cap] (and is not empty). */
static int take_str(const json_t *o, const char *name, char *dst, size_t cap)
{
    const char *s = json_string_value(json_object_get(o, name));
    return s && s[0] && trygg_utf8_valid(s, strlen(s)) && trygg_copy(dst, cap, s);
}

int sms_settings_apply(const json_t *o, sms_dialog_cfg *c, char *err, size_t cap)
{
    sms_dialog_cfg n = *c;
    if (!json_is_object(o) ||
        json_integer_value(json_object_get(o, "version")) != SMS_SETTINGS_VERSION)
        return bad(err, cap, "version (this gateway reads version 1)");
    const char *lang = json_string_value(json_object_get(o, "default_lang"));
    if (!lang ||
        (strcmp(lang, "sv") && strcmp(lang, "en") && strcmp(lang, "ar") && strcmp(lang, "so")))
        return bad(err, cap, "default_lang");
    if (!TRYGG_COPY(n.default_lang, lang))
        return bad(err, cap, "default_lang");
    const json_t *rph = json_object_get(o, "replies_per_hour");
    if (!json_is_integer(rph) || json_integer_value(rph) < 0 || json_integer_value(rph) > 100000)
        return bad(err, cap, "replies_per_hour");
    n.replies_per_hour = (int)json_integer_value(rph);
    const json_t *kw = json_object_get(o, "keywords");
    for (int k = 0; k < SMS_KW_COUNT; k++)
        if (!take_keyword(json_object_get(kw, sms_kw_names[k]), &n, k))
            return bad(err, cap, sms_kw_names[k]);
    const json_t *links = json_object_get(o, "links");
    if (!take_str(links, "emergency", n.emergency, sizeof n.emergency) ||
        !take_str(links, "police_phone", n.police_phone, sizeof n.police_phone) ||
        !take_str(links, "police_url", n.police_url, sizeof n.police_url))
        return bad(err, cap, "links");
    *c = n;
    return 1;
}
