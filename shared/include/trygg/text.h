/*
 * text.h — text tools: scrubbing personal data, urgent signals (UTF-8 itself
 * is in utf8.h).
 *
 * Scrubbing removes what could identify a person before a copy leaves the
 * security department: phone numbers (Swedish and international forms, in
 * groups with spaces, one dash, dots or a slash: "070-123 45 67",
 * "070.123.45.67", "+46 (0)70-123 45 67", "0046 70 1234567",
 * "46701234567"), e-mail addresses, also written out ("kalle(at)edet.se",
 * "kalle [at] edet punkt se", "kalle at edet dot se" — the bare-word form
 * only with a known top-level domain), and Swedish personal identity and
 * co-ordination numbers (YYMMDD-NNNN, YYYYMMDD NNNN, with -, +, a space, an
 * en dash or nothing). Each is replaced by a marker such as
 * "[telefonnummer]", "[e-post]", "[personnummer]". Dates ("2024-05-01",
 * "08.05.2024"), times ("21.30"), clock ranges ("18-22", "08-12 13-17"),
 * amounts, house numbers and 112 / 114 14 stay as they are.
 *
 * Urgent signals, person-naming cues and the words that suggest a category
 * come from keyword lists per language in assets/keywords/<lang>.txt (never
 * in code); matching is case-insensitive for Latin and Arabic-normalised, on
 * word boundaries.
 */
#ifndef TRYGG_TEXT_H
#define TRYGG_TEXT_H

#include <stddef.h>
#include "err.h"
#include "utf8.h" /* trygg_utf8_valid and friends, for the callers of text.h */

/* Writes `in` with personal data replaced into out[cap]. Returns
 * TRYGG_ERR_TOOBIG if it does not fit (out then holds ""). *found (may be
 * NULL) gets the number of replacements. A marker can be longer than what it
 * replaces ("0520-12345" -> "[telefonnummer]"), but never more than twice:
 * cap = 2 * strlen(in) + 1 always fits. Valid UTF-8 in gives valid UTF-8
 * out, and scrubbing a scrubbed text changes nothing (both fuzz-checked). */
TRYGG_MUST_CHECK trygg_err trygg_scrub(const char *in, char *out, size_t cap, int *found);

typedef struct trygg_keywords trygg_keywords;
/* Loads every assets/keywords/<lang>.txt under `dir` (NULL = the asset dir,
 * see paths.h). File format: "[urgent]" and "[person]" sections, one word or
 * phrase per line, # comments. */
TRYGG_MUST_CHECK trygg_err trygg_keywords_load(const char *dir, trygg_keywords **out);
void trygg_keywords_free(trygg_keywords *k);
/* Process-wide keywords loaded on first use from the asset dir (NULL if that failed). */
const trygg_keywords *trygg_keywords_default(void);
/* 1 if `text` contains an urgent signal (weapon, fire, violence now...) in
 * any loaded language; `which` (may be NULL) gets the matched phrase (static
 * lifetime of k). */
int trygg_text_is_urgent(const trygg_keywords *k, const char *text, const char **which);
/* 1 if the text names or suspects a person (a name cue, "han som bor", ...). */
int trygg_text_names_person(const trygg_keywords *k, const char *text);
/* Suggests a category for a free text (an SMS tip) from the keyword files'
 * [category ID] sections: the category with the most keywords found, each
 * keyword counted once. Writes its id to id[cap] and returns the number of
 * keywords found; returns 0 (id "") when none is found or two categories tie
 * — a suggestion only when the text is clear. */
int trygg_text_suggest_category(const trygg_keywords *k, const char *text, char *id, size_t cap);
/* Number of keywords listed for `category` (0: the files do not know it). */
int trygg_keywords_category_count(const trygg_keywords *k, const char *category);
/* The category of the i-th category keyword (one entry per keyword, so ids
 * repeat), NULL past the end: for checking the files against a catalog. */
const char *trygg_keywords_category_at(const trygg_keywords *k, size_t i);

#endif
