/*
 * hyphen.c — soft hyphens from libhyphen's patterns (see trygg/hyphen.h).
 * The dictionaries are loaded once per language and shared by all threads
 * (libhyphen only reads a loaded dictionary).
 */
#include "trygg/hyphen.h"

#include <hyphen.h>
#include <unictype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "trygg/html.h"
#include "trygg/utf8.h"

#ifndef TRYGG_HYPHEN_DIR
#define TRYGG_HYPHEN_DIR "/usr/share/hyphen"
#endif

#define TRY(x)                                                                                     \
    do {                                                                                           \
        trygg_err e_ = (x);                                                                        \
        if (e_)                                                                                    \
            return e_;                                                                             \
    } while (0)

enum { MIN_WORD = 10, EDGE = 3, MAX_WORD = 64 };

typedef struct {
    const char *file;
    int latin1; /* the dictionary's words are ISO 8859-1, else UTF-8 */
    HyphenDict *dict;
} dict_slot;

static dict_slot slots[] = {{"hyph_sv_SE.dic", 1, NULL}, {"hyph_en_US.dic", 0, NULL}};
static pthread_once_t loaded = PTHREAD_ONCE_INIT;

static void load_all(void)
{
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", TRYGG_HYPHEN_DIR, slots[i].file);
        slots[i].dict = hnj_hyphen_load(path);
    }
}

static const dict_slot *slot_for(const char *lang)
{
    pthread_once(&loaded, load_all);
    const dict_slot *s = &slots[lang && strcmp(lang, "en") == 0 ? 1 : 0];
    return s->dict ? s : NULL;
}

static int is_letter(uint32_t cp)
{
    return uc_is_alpha(cp);
}

/* Appends the word w[0..len) (letters only, n letters at offsets off[]) with
 * soft hyphens where the dictionary allows one. */
static trygg_err word_out(trygg_buf *b, const dict_slot *d, const char *w, size_t len,
                          const size_t *off, int n)
{
    char key[MAX_WORD * 4 + 1], hy[MAX_WORD * 4 + 5];
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        uint32_t cp = 0;
        size_t l = trygg_utf8_next(w + off[i], len - off[i], &cp);
        cp = trygg_utf8_lower(cp);
        if (d->latin1) {
            if (cp > 0xFF)
                return trygg_html_esc_n(b, w, len);
            key[k++] = (char)cp;
        } else {
            size_t before = k;
            k += trygg_utf8_put(key + k, cp);
            if (k - before != l)
                return trygg_html_esc_n(b, w, len);
        }
    }
    key[k] = '\0';
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    memset(hy, 0, sizeof hy);
    if (hnj_hyphen_hyphenate2(d->dict, key, (int)k, hy, NULL, &rep, &pos, &cut) != 0 || rep)
        return trygg_html_esc_n(b, w, len); /* non-standard breaks: none here */
    size_t done = 0;
    for (int i = EDGE - 1; i < n - EDGE; i++) {
        /* hy[] is per letter in a Latin-1 dictionary, per byte in UTF-8. */
        size_t at = d->latin1 ? (size_t)i : off[i + 1] - 1;
        if (!(hy[at] & 1))
            continue;
        TRY(trygg_html_esc_n(b, w + done, off[i + 1] - done));
        TRY(trygg_buf_puts(b, "&shy;"));
        done = off[i + 1];
    }
    return trygg_html_esc_n(b, w + done, len - done);
}

trygg_err trygg_html_esc_hyph(trygg_buf *b, const char *s, const char *lang)
{
    const dict_slot *d = s ? slot_for(lang) : NULL;
    if (!d)
        return trygg_html_esc(b, s);
    size_t len = strlen(s), i = 0;
    while (i < len) {
        size_t off[MAX_WORD + 1];
        int n = 0;
        size_t j = i;
        uint32_t cp = 0;
        size_t l;
        while (j < len && (l = trygg_utf8_next(s + j, len - j, &cp)) > 0 && is_letter(cp)) {
            if (n < MAX_WORD)
                off[n] = j - i;
            n++;
            j += l;
        }
        if (n == 0) { /* one character that is not a letter */
            l = trygg_utf8_next(s + i, len - i, &cp);
            j = i + (l ? l : 1);
            TRY(trygg_html_esc_n(b, s + i, j - i));
        } else if (n < MIN_WORD || n > MAX_WORD) {
            TRY(trygg_html_esc_n(b, s + i, j - i));
        } else {
            off[n] = j - i;
            TRY(word_out(b, d, s + i, j - i, off, n));
        }
        i = j;
    }
    return TRYGG_OK;
}

trygg_err trygg_html_cell_hyph(trygg_buf *b, const char *lang, const char *open, const char *s,
                               const char *close)
{
    TRY(trygg_buf_puts(b, open));
    TRY(trygg_html_esc_hyph(b, s, lang));
    return trygg_buf_puts(b, close);
}
