/*
 * bidi.h — splitting one line of UTF-8 text into runs for drawing (GNU FriBidi).
 *
 * A line that mixes Arabic with digits, Latin words or a URL ("اتصل بـ 112",
 * "polisen.se/tipsa") must be reordered by the Unicode Bidirectional Algorithm
 * before it is drawn. bidi_runs() resolves the embedding levels with FriBidi
 * and cuts the line into runs. Each run is a byte range of the INPUT (logical
 * order inside the run is kept), and the array comes back in VISUAL order,
 * left to right. The renderer shapes each run by itself, with HarfBuzz
 * direction RTL when run.rtl is set (SDL_ttf: TTF_SetFontDirection +
 * TTF_SetFontScriptName "Arab") and LTR otherwise, and places the runs one
 * after another from the left edge. HarfBuzz mirrors brackets in RTL runs.
 *
 * Runs are also split where the script changes between Arabic and anything
 * else (Latin, digits, other symbols), because SDL_ttf has no font fallback:
 * run.arabic == 1 means "draw with Noto Sans Arabic", 0 means "draw with Noto
 * Sans". Digits always land in non-Arabic runs. Characters that both fonts
 * have (space, no-break space, ! , - . : « » and the zero-width/LRM/RLM marks)
 * join the neighbouring run of the same level (the preceding one first), so a
 * sentence is not cut at every space; a run made only of such characters is
 * Arabic when the paragraph is right-to-left.
 *
 * Invariants: runs cover every byte of the input exactly once, never split a
 * UTF-8 sequence, and never have len == 0. The input is one line: a newline
 * or other paragraph separator is not treated specially by the caller, so
 * split lines before calling. No SDL here; thread-safe (no global state).
 *
 * Start reading at bidi_runs().
 */
#ifndef KIOSK_BIDI_H
#define KIOSK_BIDI_H

#include <stddef.h>

typedef struct bidi_run {
    size_t start, len; /* byte range in the input */
    int rtl;           /* 1: shape right-to-left (odd embedding level) */
    int arabic;        /* 1: Arabic script, use the Arabic font */
} bidi_run;

/* Longest input bidi_runs() accepts, in bytes. */
#define BIDI_MAX_BYTES 8192

/* base_rtl for text the resident typed (or any text of unknown language): the
 * paragraph direction follows its first strong letter (Unicode rules P2/P3),
 * left to right if it has none. "Gångtunneln." typed in the Arabic UI then
 * keeps its full stop on the right. */
#define BIDI_AUTO (-1)

/* Splits the NUL-terminated UTF-8 line `utf8` into runs, VISUAL order left to
 * right, into runs[0..max). base_rtl = 1 forces a right-to-left paragraph
 * (the Arabic UI's own texts), 0 a left-to-right one, BIDI_AUTO detects it. Returns the number of
 * runs (0 for
 * ""), or -1 if utf8 is NULL, not valid UTF-8 (overlong, surrogate, > U+10FFFF,
 * truncated), longer than BIDI_MAX_BYTES, or needs more than `max` runs (runs
 * is then unspecified). */
int bidi_runs(const char *utf8, int base_rtl, bidi_run *runs, int max);

/* Paragraph direction BIDI_AUTO would pick for utf8: 1 if its first strong
 * letter is right-to-left (Arabic, Hebrew), 0 if left-to-right, `fallback`
 * if it has none (digits, punctuation, "") or is NULL / invalid UTF-8. Useful
 * to right-align typed Arabic in an LTR UI or left-align typed Latin in the
 * Arabic UI. */
int bidi_text_is_rtl(const char *utf8, int fallback);

/* 1 if the language tag (e.g. "ar", "ar-SE", "fa_IR") is written right to
 * left (Arabic, Persian, Urdu, Pashto, Sorani, Hebrew, Yiddish, Dhivehi);
 * 0 otherwise and for NULL. */
int bidi_lang_is_rtl(const char *lang);

#endif
