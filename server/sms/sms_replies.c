/*
 * sms_replies.c — SMS reply texts from the PO catalogs, and a language guess.
 */
#include "sms_replies.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/copy.h"
#include "trygg/i18n.h"
#include "sms_dialog.h"
#include "trygg/paths.h"

const char *const replies_keys[] = {REPLY_ACK,       REPLY_ACK_URGENT, REPLY_ACK_THREAD,
                                    REPLY_ACK_FAULT, REPLY_HELP,       REPLY_STOP,
                                    REPLY_CALL,      REPLY_RING,       REPLY_START};
const int replies_nkeys = (int)(sizeof replies_keys / sizeof replies_keys[0]);

struct replies {
    trygg_i18n *cat;
    char emergency[32], police_phone[32], police_url[64];
};

trygg_err replies_load(const char *dir, const sms_dialog_cfg *cfg, replies **out, char *err,
                       size_t cap)
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
    replies_set_links(r, cfg);
    *out = r;
    return TRYGG_OK;
}

void replies_set_links(replies *r, const sms_dialog_cfg *cfg)
{
    TRYGG_COPY_FIT(r->emergency, cfg->emergency);
    TRYGG_COPY_FIT(r->police_phone, cfg->police_phone);
    TRYGG_COPY_FIT(r->police_url, cfg->police_url);
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
    return replies_render_ext(r, lang, key, ref, NULL, NULL, out, cap);
}

#define REPLY_MAX_NAMES 8

trygg_err replies_render_ext(const replies *r, const char *lang, const char *key, const char *ref,
                             const char *const *xnames, const char *const *xvalues, char *out,
                             size_t cap)
{
    const char *names[REPLY_MAX_NAMES + 5] = {"ref", "emergency", "police_phone", "police_url"};
    const char *values[REPLY_MAX_NAMES + 5] = {ref ? ref : "", r->emergency, r->police_phone,
                                               r->police_url};
    int n = 4;
    for (int i = 0; xnames && xnames[i] && i < REPLY_MAX_NAMES; i++, n++) {
        names[n] = xnames[i];
        values[n] = xvalues[i];
    }
    names[n] = values[n] = NULL;
    return trygg_i18n_format(replies_text(r, lang, key), names, values, out, cap);
}

const char *replies_text(const replies *r, const char *lang, const char *key)
{
    return trygg_i18n_get(r->cat, lang && lang[0] ? lang : "sv", key);
}

const trygg_i18n *replies_catalog(const replies *r)
{
    return r ? r->cat : NULL;
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

/* Word lists for the guess. Only words that are NOT also common Swedish
 * words (no "i", "is", "at", "stop", "in", "a" for English), so a short
 * Swedish text never looks foreign. Lower case, ASCII or UTF-8. */
static const char *const sv_words[] = {
    "och",    "det",     "är",    "ar",    "att",    "jag",    "inte",   "på",     "pa",
    "som",    "vid",     "har",   "hjälp", "stopp",  "nytt",   "fel",    "nu",     "kan",
    "vi",     "ni",      "den",   "här",   "var",    "vad",    "med",    "till",   "från",
    "om",     "sig",     "han",   "hon",   "mig",    "dom",    "efter",  "igen",   "snälla",
    "tack",   "hej",     "ingen", "någon", "nagon",  "många",  "mycket", "ute",    "utanför",
    "varje",  "kväll",   "natt",  "igår",  "går",    "gång",   "sedan",  "mot",    "för",
    "trasig", "trasiga", "mörkt", "morkt", "bråk",   "brak",   "ett",    "en",     "av",
    "samma",  "förra",   "vill",  "lugnt", "bättre", "ligger", "står",   "sitter", "finns",
    "blir",   "blev",    "också", "när",   "hur",    "varför", "ringa",  "hem"};
static const char *const en_words[] = {
    "the",     "and",       "there",    "not",       "of",      "someone", "near",   "please",
    "are",     "was",       "with",     "my",        "our",     "have",    "has",    "they",
    "this",    "that",      "from",     "outside",   "people",  "been",    "broken", "street",
    "you",     "your",      "what",     "where",     "going",   "thanks",  "thank",  "hello",
    "is",      "it",        "at",       "on",        "in",      "to",      "a",      "an",
    "again",   "nobody",    "anyone",   "why",       "when",    "how",     "can",    "could",
    "we",      "he",        "she",      "his",       "her",     "him",     "them",   "their",
    "be",      "being",     "were",     "will",      "would",   "do",      "does",   "did",
    "no",      "now",       "very",     "every",     "night",   "car",     "cars",   "behind",
    "lot",     "lots",      "right",    "last",      "same",    "feels",   "keep",   "want",
    "stay",    "happening", "fight",    "fighting",  "kids",    "stolen",  "bike",   "road",
    "light",   "lights",    "lamp",     "school",    "station", "shop",    "park",   "by",
    "for",     "about",     "out",      "up",        "down",    "through", "into",   "after",
    "since",   "weeks",     "month",    "yesterday", "tonight", "quiet",   "scared", "fire",
    "burning", "smoke",     "building", "stairwell", "lying",   "man",     "woman",  "guys",
    "some",    "something", "nothing",  "anything",  "over",    "under",   "too",    "fast",
    "fix",     "hi"};
/* English words that are also Swedish words or Swedish-looking: they count
 * for English only beside a clearly English word. */
static const char *const en_weak[] = {
    "is",   "it",   "at",   "on",      "in",     "a",    "an",   "to",  "hi",   "no",  "be",
    "he",   "we",   "up",   "over",    "under",  "for",  "fix",  "by",  "do",   "man", "car",
    "lamp", "park", "bike", "station", "school", "fast", "some", "lot", "since"};
static const char *const so_words[] = {
    "waa",      "iyo",       "waxaa",         "ku",         "aan",     "fadlan",    "oo",
    "ayaa",     "jira",      "caawimaad",     "ka",         "la",      "u",         "waxa",
    "wax",      "waan",      "hadda",         "mahadsanid", "dad",     "dadka",     "dhalinyaro",
    "baabuur",  "baabuurta", "guriga",        "xaafadda",   "halkan",  "jirta",     "ma",
    "soo",      "ayay",      "yahay",         "yihiin",     "tahay",   "laga",      "lagu",
    "ee",       "ah",        "bay",           "buu",        "dhow",    "agtiisa",   "hortiisa",
    "nalka",    "wadada",    "jidka",         "beerta",     "dugsiga", "saldhigga", "qof",
    "nin",      "habeenkii", "xalay",         "shalay",     "mar",     "kale",      "waxaan",
    "inaan",    "inay",      "way",           "jabay",      "jaban",   "qashinka",  "meesha",
    "dhex",     "yaal",      "taal",          "badan",      "aad",     "wuu",       "wuxuu",
    "leeyahay", "socda",     "mahadsantahay", "salaan",     "qofna",   "nama",      "xun",
    "eey",      "iskuulka",  "albaabka",      "khatar",     "dagaal",  "buuq",      "hagaajinta",
    "waad",     "haye",      "baa",           "mooto"};

/* 1 if `word` occurs in lower-case `text` as a whole word. */
static int word_in(const char *text, const char *word)
{
    return has_word(text, word);
}

static int count_words(const char *low, const char *const *list, size_t n)
{
    int c = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(list[i], list[i - 1]) != 0)
            c += word_in(low, list[i]);
    return c;
}

/* Conservative: Swedish unless the text is clearly another language.
 * Arabic: Arabic script outweighs Latin letters. English or Somali: at
 * least two words of that language (one if it is the whole text and not a
 * Swedish-looking word), more than twice the Swedish words, and no å/ä/ö.
 * *strong: so clear that a thread may change language on it (Arabic
 * script, or at least three words of the language and none Swedish). */
const char *replies_guess_lang_strength(const char *text, const char *fallback, int *strong)
{
    *strong = 0;
    char low[512];
    size_t k = 0;
    int arabic = 0, letters = 0, aao = 0, words = 0, inword = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && k + 1 < sizeof low; p++) {
        /* Arabic block U+0600..U+06FF is lead byte D8..DB in UTF-8. */
        if (*p >= 0xD8 && *p <= 0xDB)
            arabic++;
        /* å ä ö Å Ä Ö: C3 A5/A4/B6/85/84/96 */
        if (*p == 0xC3 && (p[1] == 0xA5 || p[1] == 0xA4 || p[1] == 0xB6 || p[1] == 0x85 ||
                           p[1] == 0x84 || p[1] == 0x96))
            aao++;
        int letter = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p >= 0x80;
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
            letters++;
        if (letter && !inword)
            words++;
        inword = letter;
        low[k++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    }
    low[k] = '\0';
    if (arabic > 0 && arabic * 2 >= letters) {
        *strong = arabic >= 4;
        return "ar";
    }
    int s = count_words(low, sv_words, sizeof sv_words / sizeof sv_words[0]) + 2 * aao;
    int e = count_words(low, en_words, sizeof en_words / sizeof en_words[0]);
    int weak = count_words(low, en_weak, sizeof en_weak / sizeof en_weak[0]);
    int o = count_words(low, so_words, sizeof so_words / sizeof so_words[0]);
    int e_clear = e - weak; /* English words that are not also Swedish-looking */
    if (o >= 2 && o > 2 * s && o > e_clear) {
        *strong = o >= 3 && s == 0;
        return "so";
    }
    if (o == 1 && words == 1 && s == 0 && e == 0)
        return "so";
    if (!aao && e_clear >= 1 && (e >= 2 || words == 1) && e > 2 * s) {
        *strong = e_clear >= 3 && s == 0;
        return "en";
    }
    if (s > 0)
        return "sv";
    return fallback;
}

const char *replies_guess_lang(const char *text, const char *fallback)
{
    int strong = 0;
    return replies_guess_lang_strength(text, fallback, &strong);
}
