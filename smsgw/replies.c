/*
 * replies.c — SMS reply texts from the PO catalogs, and a language guess.
 */
#include "replies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/i18n.h"
#include "trygg/paths.h"

const char *const replies_keys[] = {REPLY_ACK,  REPLY_ACK_URGENT, REPLY_ACK_THREAD, REPLY_ACK_FAULT,
                                    REPLY_HELP, REPLY_STOP,       REPLY_CALL,       REPLY_RING};
const int replies_nkeys = (int)(sizeof replies_keys / sizeof replies_keys[0]);

struct replies {
    trygg_i18n *cat;
    char emergency[32], police_phone[32], police_url[64];
};

trygg_err replies_load(const char *dir, const smsgw_cfg *cfg, replies **out, char *err, size_t cap)
{
    *out = NULL;
    char path[1024];
    if (!dir || !dir[0]) {
        trygg_err e = trygg_asset_path("i18n/sms", path, sizeof path);
        if (e)
            return e;
        dir = path;
    }
    replies *r = calloc(1, sizeof *r);
    if (!r)
        return TRYGG_ERR_NOMEM;
    trygg_err e = trygg_i18n_load(dir, &r->cat, err, cap);
    if (e) {
        free(r);
        return e;
    }
    snprintf(r->emergency, sizeof r->emergency, "%s", cfg->emergency);
    snprintf(r->police_phone, sizeof r->police_phone, "%s", cfg->police_phone);
    snprintf(r->police_url, sizeof r->police_url, "%s", cfg->police_url);
    *out = r;
    return TRYGG_OK;
}

void replies_free(replies *r)
{
    if (!r)
        return;
    trygg_i18n_free(r->cat);
    free(r);
}

trygg_err replies_render(const replies *r, const char *lang, const char *key, const char *ref,
                         char *out, size_t cap)
{
    const char *fmt = trygg_i18n_get(r->cat, lang && lang[0] ? lang : "sv", key);
    const char *const names[] = {"ref", "emergency", "police_phone", "police_url", NULL};
    const char *const values[] = {ref ? ref : "", r->emergency, r->police_phone, r->police_url,
                                  NULL};
    return trygg_i18n_format(fmt, names, values, out, cap);
}

trygg_err replies_render_with(const replies *r, const char *key, const char *const *names,
                              const char *const *values, char *out, size_t cap)
{
    return trygg_i18n_format(trygg_i18n_get(r->cat, "sv", key), names, values, out, cap);
}

int replies_langs(const replies *r, const char **langs, int max)
{
    return trygg_i18n_langs(r->cat, langs, max);
}

/* 1 if `word` occurs in lower-case ASCII `text` as a whole word. */
static int has_word(const char *text, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
        int before = p == text || !((p[-1] >= 'a' && p[-1] <= 'z') || (unsigned char)p[-1] >= 0x80);
        char a = p[wl];
        int after = !((a >= 'a' && a <= 'z') || (unsigned char)a >= 0x80);
        if (before && after)
            return 1;
    }
    return 0;
}

const char *replies_guess_lang(const char *text, const char *fallback)
{
    char low[512];
    size_t k = 0;
    int arabic = 0, letters = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && k + 1 < sizeof low; p++) {
        /* Arabic block U+0600..U+06FF is lead byte D8..DB in UTF-8. */
        if (*p >= 0xD8 && *p <= 0xDB)
            arabic++;
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
            letters++;
        low[k++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    }
    low[k] = '\0';
    if (arabic > 0 && arabic * 2 >= letters)
        return "ar";
    static const char *const sv[] = {"och", "det", "är",  "att",   "jag",   "inte", "på", "en",
                                     "som", "vid", "har", "hjälp", "stopp", "nytt", "fel"};
    static const char *const en[] = {"the", "is",   "and",  "there", "i",       "not",  "at",
                                     "of",  "help", "stop", "new",   "someone", "near", "please"};
    static const char *const so[] = {"waa",    "iyo", "waxaa", "ku",   "aan",
                                     "fadlan", "oo",  "ayaa",  "jira", "caawimaad"};
    int s = 0, e = 0, o = 0;
    for (size_t i = 0; i < sizeof sv / sizeof sv[0]; i++)
        s += has_word(low, sv[i]);
    for (size_t i = 0; i < sizeof en / sizeof en[0]; i++)
        e += has_word(low, en[i]);
    for (size_t i = 0; i < sizeof so / sizeof so[0]; i++)
        o += has_word(low, so[i]);
    if (e > s && e >= o)
        return "en";
    if (o > s && o > e)
        return "so";
    if (s > 0)
        return "sv";
    return fallback;
}
