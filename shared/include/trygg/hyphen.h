/*
 * hyphen.h — soft hyphens in long words for narrow table cells (the
 * lägesbild's tables on a phone and on A4), from the hyphenation patterns
 * of the text's language (libhyphen with the system's hyph_sv_SE /
 * hyph_en_US dictionaries). Only shared/src/hyphen.c talks to libhyphen.
 */
#ifndef TRYGG_HYPHEN_H
#define TRYGG_HYPHEN_H

#include "buf.h"

/* Appends s escaped as trygg_html_esc does, with "&shy;" at the
 * hyphenation points of every word of at least 10 letters in language
 * `lang` ("sv", "en"; anything else counts as "sv"), never within the
 * first or last three letters of a word. Without a dictionary (not
 * installed) the text is only escaped. */
TRYGG_MUST_CHECK trygg_err trygg_html_esc_hyph(trygg_buf *b, const char *s, const char *lang);

/* open, then s as trygg_html_esc_hyph writes it, then close (a table cell
 * with its markup). */
TRYGG_MUST_CHECK trygg_err trygg_html_cell_hyph(trygg_buf *b, const char *lang, const char *open,
                                                const char *s, const char *close);

#endif
