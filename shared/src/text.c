/*
 * text.c — UTF-8 checks, scrubbing of personal data, keyword signals.
 *
 * Scrubbing is one left-to-right pass. At each token start it tries, in
 * order: an e-mail address, a Swedish personal identity number
 * (personnummer / samordningsnummer), a phone number. Anything else is
 * copied unchanged. Replaced spans start and end on ASCII (or whole
 * Arabic-Indic digit) boundaries, so valid UTF-8 in gives valid UTF-8 out.
 *
 * What counts as a phone number:
 *   - "+CC ..." or "00CC ..." with 8..15 digits in groups (for +46: 7..10
 *     digits after the country code, allowing a "(0)" trunk digit);
 *   - Swedish national "0..." with 8..10 digits in groups
 *     ("070-123 45 67", "0520-123 45", "031-12 34 56", "(031) 12 34 56").
 * Groups are separated by up to three of ' ', '-', '(', ')', with at most one
 * '-'. A number never starts inside another number ("2026-01-05 12 34 56"
 * is a date and more digits, not a phone number), so emergency numbers
 * (112, 114 14), years, times, dates and amounts stay as they are.
 *
 * Personal identity numbers: YYMMDD-NNNN, YYMMDD+NNNN, YYYYMMDD-NNNN,
 * YYYYMMDDNNNN and YYMMDDNNNN, with a plausible month and day (day + 60 for a
 * samordningsnummer). A bare ten-digit number starting with 0 is only taken
 * as one when its check digit (Luhn) is right; otherwise the phone rule
 * decides.
 *
 * Keyword matching folds text to " word word ... " (lower case for ASCII and
 * Latin letters, Arabic without diacritics and with one alef/yeh/heh form,
 * Arabic-Indic digits as ASCII, punctuation as single spaces) and looks for
 * " phrase " in it; a phrase ending in '*' matches any word continuation.
 */
#include "trygg/copy.h"
#include "trygg/item.h"
#include "trygg/text.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/paths.h"

/* Data markers written in place of scrubbed personal data (Swedish, as the
 * staff who read the copies do; they are part of the data, not UI text). */
#define MARK_PHONE "[telefonnummer]"
#define MARK_EMAIL "[e-post]"
#define MARK_PNR   "[personnummer]"

/* --------------------------------------------------------------- scrubbing */

struct outbuf {
    char *buf;
    size_t cap, len;
    int overflow;
};

static void out_put(struct outbuf *o, const char *s, size_t n)
{
    if (o->overflow || o->len + n + 1 > o->cap) {
        o->overflow = 1;
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_ascii_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Digit at s[0] (ASCII, Arabic-Indic U+0660.., Extended U+06F0..): its value
 * and byte length in *adv, or -1. */
static int digit_at(const unsigned char *s, size_t *adv)
{
    if (is_ascii_digit(s[0])) {
        *adv = 1;
        return s[0] - '0';
    }
    if (s[0] == 0xD9 && s[1] >= 0xA0 && s[1] <= 0xA9) {
        *adv = 2;
        return s[1] - 0xA0;
    }
    if (s[0] == 0xDB && s[1] >= 0xB0 && s[1] <= 0xB9) {
        *adv = 2;
        return s[1] - 0xB0;
    }
    return -1;
}

/* 1 if a digit ends exactly at s[p-1] (p > 0). */
static int digit_before(const unsigned char *s, size_t p)
{
    size_t adv;
    if (p >= 1 && is_ascii_digit(s[p - 1]))
        return 1;
    if (p >= 2 && digit_at(s + p - 2, &adv) >= 0 && adv == 2)
        return 1;
    return 0;
}

/* 1 if a marker ends exactly at s[p-1]. A marker stands for the number or
 * address it replaced (glued to what follows), so scrubbing twice gives the
 * same text as scrubbing once. */
static int marker_before(const unsigned char *s, size_t p)
{
    static const char *const marks[] = {MARK_PHONE, MARK_PNR, MARK_EMAIL};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        size_t l = strlen(marks[i]);
        if (p >= l && memcmp(s + p - l, marks[i], l) == 0)
            return 1;
    }
    return 0;
}

/* 1 if a number or address may start at s[p]: not glued to a letter or digit,
 * and not the continuation of a number ("2026-01-05 ..."). */
static int token_start(const unsigned char *s, size_t p)
{
    if (p == 0)
        return 1;
    unsigned char c = s[p - 1];
    if (is_alpha(c) || digit_before(s, p) || marker_before(s, p))
        return 0;
    /* "2026-01-05", "22:30", "1.5": a number right before the punctuation.
     * A marker counts as the number it replaced, so scrubbing twice gives
     * the same text as scrubbing once. */
    if ((c == '-' || c == '+' || c == '/' || c == '.' || c == ':' || c == ',') &&
        (digit_before(s, p - 1) || marker_before(s, p - 1)))
        return 0;
    return 1;
}

/* Whether s[p] ends a match: no letter or digit glued on. */
static int token_end(const unsigned char *s, size_t p)
{
    size_t adv;
    return !is_alpha(s[p]) && digit_at(s + p, &adv) < 0;
}

#define MAX_GROUPS 16
struct groups {
    int n;
    size_t end[MAX_GROUPS]; /* byte offset after each group */
    int ndig[MAX_GROUPS];   /* digits so far after each group */
    char dig[64];           /* the digits, ASCII */
    int dotted;             /* index of the first group after a '.' or '/', 0 = none */
};

/* Reads digit groups from s[p], separated by up to three of " -()" with at
 * most one '-' (and at most `maxdash` in the whole number: "08-12 13-17"
 * is two clock ranges, not a number), or by one '.' or '/' alone
 * ("070.123.45.67", "070/123 45 67"). Stops when the next thing is not a
 * digit. */
static void read_groups(const unsigned char *s, size_t p, struct groups *g, int maxdash)
{
    g->n = 0;
    g->dotted = 0;
    int alldash = 0;
    int nd = 0;
    size_t adv;
    int v;
    for (;;) {
        if (digit_at(s + p, &adv) < 0)
            break;
        while ((v = digit_at(s + p, &adv)) >= 0) {
            if (nd >= (int)sizeof g->dig - 1)
                return;
            g->dig[nd++] = (char)('0' + v);
            g->dig[nd] = '\0';
            p += adv;
        }
        g->end[g->n] = p;
        g->ndig[g->n] = nd;
        g->n++;
        if (g->n >= MAX_GROUPS)
            return;
        size_t q = p;
        int dashes = 0;
        int seps = 0;
        if ((s[q] == '.' || s[q] == '/') && digit_at(s + q + 1, &adv) >= 0) {
            if (!g->dotted)
                g->dotted = g->n;
            p = q + 1;
            continue;
        }
        while (seps < 3) {
            if (s[q] == 0xC2 && s[q + 1] == 0xA0) { /* no-break space */
                q += 2;
                seps++;
                continue;
            }
            if (!(s[q] == ' ' || s[q] == '-' || s[q] == '(' || s[q] == ')'))
                break;
            if (s[q] == '-' && ++dashes > 1)
                break;
            q++;
            seps++;
        }
        if (q == p || digit_at(s + q, &adv) < 0)
            break;
        alldash += dashes;
        if (alldash > maxdash)
            break;
        p = q;
    }
}

/* A domestic number written with dots or slashes must look like one:
 * "070.123.45.67", "0520.123.45", "08.123.456.78" — never a date
 * ("08.05.2024", "01/05") or a clock time ("08.00"). Otherwise only the
 * groups before the first dot count (so the choice depends only on the
 * prefix, and scrubbing twice gives what scrubbing once gave). */
static void dotted_cut(struct groups *g)
{
    if (!g->dotted)
        return;
    int first = g->ndig[0], second = g->n > 1 ? g->ndig[1] - g->ndig[0] : 0;
    if (g->dotted == 1 &&
        (first == 3 || first == 4 || (first == 2 && g->dig[1] == '8' && second >= 3)))
        return;
    g->n = g->dotted;
}

/* Chooses the longest group prefix with lo..hi digits whose end is a token
 * end; returns its end offset or 0. */
static size_t pick_groups(const unsigned char *s, const struct groups *g, int lo, int hi)
{
    for (int i = g->n - 1; i >= 0; i--) {
        if (g->ndig[i] >= lo && g->ndig[i] <= hi && token_end(s, g->end[i]))
            return g->end[i];
    }
    return 0;
}

static size_t match_phone(const unsigned char *s, size_t p)
{
    struct groups g;
    size_t q = p;
    if (s[q] == '(')
        q++;
    size_t adv;
    if (s[q] == '+') {
        q++;
        while (s[q] == ' ')
            q++;
        if (digit_at(s + q, &adv) < 0)
            return 0;
        read_groups(s, q, &g, 3);
        if (g.n == 0)
            return 0;
        if (strncmp(g.dig, "46", 2) == 0)
            return pick_groups(s, &g, 2 + 7, 2 + 10);
        if (g.dig[0] == '0')
            return 0;
        return pick_groups(s, &g, 8, 15);
    }
    int lead = digit_at(s + q, &adv);
    if (lead == 4 && q == p) {
        /* "46701234567", "46 70 123 45 67": the country code without "+";
         * only the full length, so "46 personer" stays */
        read_groups(s, q, &g, 1);
        if (g.n == 0 || g.dig[1] != '6' || g.dig[2] == '0' || g.dig[2] == '\0')
            return 0;
        return pick_groups(s, &g, 11, 11);
    }
    if (lead != 0)
        return 0;
    read_groups(s, q, &g, 1);
    if (g.n == 0)
        return 0;
    if (g.dig[1] == '0') {
        /* international prefix 00 */
        if (g.dig[2] == '0' || g.dig[2] == '\0')
            return 0;
        if (strncmp(g.dig + 2, "46", 2) == 0)
            return pick_groups(s, &g, 4 + 7, 4 + 10);
        return pick_groups(s, &g, 2 + 8, 2 + 15);
    }
    dotted_cut(&g);
    return pick_groups(s, &g, 8, 10);
}

/* Reads contiguous digits (no separators) into d[cap]; returns the count and
 * sets *end. */
static int read_digits(const unsigned char *s, size_t p, char *d, int cap, size_t *end)
{
    int n = 0;
    size_t adv;
    int v;
    while ((v = digit_at(s + p, &adv)) >= 0) {
        if (n < cap - 1)
            d[n] = (char)('0' + v);
        n++;
        p += adv;
    }
    d[n < cap ? n : cap - 1] = '\0';
    *end = p;
    return n;
}

static int two(const char *d)
{
    return (d[0] - '0') * 10 + (d[1] - '0');
}

/* d = YYMMDD...: plausible month and day (or samordningsnummer day+60). */
static int date_plausible(const char *yymmdd)
{
    int mm = two(yymmdd + 2);
    int dd = two(yymmdd + 4);
    if (mm < 1 || mm > 12)
        return 0;
    return (dd >= 1 && dd <= 31) || (dd >= 61 && dd <= 91);
}

/* Luhn check over the ten digits YYMMDDNNNC. */
static int luhn10(const char *d)
{
    int sum = 0;
    for (int i = 0; i < 10; i++) {
        int v = d[i] - '0';
        if (i % 2 == 0) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return sum % 10 == 0;
}

static int century_ok(const char *d)
{
    return strncmp(d, "18", 2) == 0 || strncmp(d, "19", 2) == 0 || strncmp(d, "20", 2) == 0;
}

/* Byte length of the separator between date and number at s[q]: '-', '+',
 * a space, a no-break space, an en or em dash (word processors); 0 if none. */
static size_t pnr_sep(const unsigned char *s, size_t q)
{
    if (s[q] == '-' || s[q] == '+' || s[q] == ' ')
        return 1;
    if (s[q] == 0xC2 && s[q + 1] == 0xA0)
        return 2;
    if (s[q] == 0xE2 && s[q + 1] == 0x80 && (s[q + 2] == 0x93 || s[q + 2] == 0x94))
        return 3;
    return 0;
}

static size_t match_pnr(const unsigned char *s, size_t p)
{
    char d1[24];
    size_t e1;
    int n1 = read_digits(s, p, d1, sizeof d1, &e1);
    size_t sl = pnr_sep(s, e1);
    if ((n1 == 6 || n1 == 8) && sl > 0 && (n1 == 6 || century_ok(d1)) &&
        date_plausible(n1 == 8 ? d1 + 2 : d1)) {
        /* "850101-1234", "19850101 1234", "850101+1234" (over 100): any
         * check digit — a typo in a number is still that person's number */
        char d2[24];
        size_t e2;
        int n2 = read_digits(s, e1 + sl, d2, sizeof d2, &e2);
        if (n2 == 4 && token_end(s, e2))
            return e2;
    }
    if (!token_end(s, e1))
        return 0;
    if (n1 == 12 && century_ok(d1) && date_plausible(d1 + 2))
        return e1;
    if (n1 == 10 && date_plausible(d1) && (d1[0] != '0' || luhn10(d1)))
        return e1;
    return 0;
}

static int email_local(unsigned char c)
{
    return is_alpha(c) || is_ascii_digit(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
           c == '-' || c >= 0x80; /* UTF-8 local parts (RFC 6531) */
}

/* 1 if s[q..) starts with the ASCII word w, case-insensitively. */
static int word_at(const unsigned char *s, size_t q, const char *w)
{
    for (size_t i = 0; w[i]; i++) {
        unsigned char c = s[q + i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c != (unsigned char)w[i])
            return 0;
    }
    return 1;
}

/* Length of a written-out separator at s[q]: the word in brackets
 * ("(at)", "[dot]", "{at}") with optional spaces around, or the bare word
 * between spaces (" at ", " punkt "); *weak is set for the bare word. */
static size_t obf_sep(const unsigned char *s, size_t q, const char *const *words, int *weak)
{
    size_t a = q;
    while (s[a] == ' ')
        a++;
    static const char open[] = "([{", close[] = ")]}";
    for (int b = 0; b < 3; b++) {
        if (s[a] != (unsigned char)open[b])
            continue;
        for (int i = 0; words[i]; i++) {
            size_t l = strlen(words[i]);
            if (word_at(s, a + 1, words[i]) && s[a + 1 + l] == (unsigned char)close[b]) {
                size_t e = a + 2 + l;
                while (s[e] == ' ')
                    e++;
                return e - q;
            }
        }
    }
    if (a == q)
        return 0; /* a bare word needs a space before it */
    for (int i = 0; words[i]; i++) {
        size_t l = strlen(words[i]);
        if (word_at(s, a, words[i]) && s[a + l] == ' ') {
            size_t e = a + l;
            while (s[e] == ' ')
                e++;
            *weak = 1;
            return e - q;
        }
    }
    return 0;
}

/* Length of what stands for '@' at s[q]: "@" (spaces around allowed),
 * "(at)", "[at]", "(a)", " at ", " snabel-a "; 0 if none. */
static size_t at_sep(const unsigned char *s, size_t q, int *weak)
{
    static const char *const words[] = {"at", "a", "snabel-a", NULL};
    size_t a = q;
    while (s[a] == ' ' && a - q < 2)
        a++;
    if (s[a] == '@') {
        size_t e = a + 1;
        while (s[e] == ' ' && e - a < 2)
            e++;
        return e - q;
    }
    size_t l = obf_sep(s, q, words, weak);
    if (l > 0 && *weak && word_at(s, q + 1, "a "))
        return 0; /* " a " is a word, not an "@" */
    return l;
}

/* Length of what stands for '.' in a domain at s[q]: "." or "(dot)",
 * "[punkt]", " dot ", " punkt "; 0 if none. */
static size_t dot_sep(const unsigned char *s, size_t q, int *weak)
{
    static const char *const words[] = {"dot", "punkt", NULL};
    if (s[q] == '.')
        return 1;
    return obf_sep(s, q, words, weak);
}

/* Top-level domains a written-out address ("kalle at edet dot se") must end
 * in, so that ordinary words around "at" are not taken for an address. */
static int known_tld(const unsigned char *s, size_t start, size_t end)
{
    static const char *const tlds[] = {"se", "nu", "com", "net", "org", "eu",  "info", "io",
                                       "dk", "no", "fi",  "de",  "uk",  "biz", "me",   NULL};
    for (int i = 0; tlds[i]; i++)
        if (strlen(tlds[i]) == end - start && word_at(s, start, tlds[i]))
            return 1;
    return 0;
}

static size_t match_email(const unsigned char *s, size_t p)
{
    size_t q = p;
    while (email_local(s[q]))
        q++;
    int weak = 0;
    size_t at = q > p && s[p] != '.' ? at_sep(s, q, &weak) : 0;
    if (at == 0)
        return 0;
    q += at;
    size_t last_ok = 0;
    int labels = 0;
    for (;;) {
        size_t start = q;
        int alpha_only = 1;
        while (is_alpha(s[q]) || is_ascii_digit(s[q]) || s[q] == '-') {
            if (!is_alpha(s[q]))
                alpha_only = 0;
            q++;
        }
        if (q == start || s[start] == '-' || s[q - 1] == '-')
            break;
        labels++;
        if (labels >= 2 && alpha_only && q - start >= 2 && (!weak || known_tld(s, start, q)))
            last_ok = q;
        size_t dl = dot_sep(s, q, &weak);
        if (dl == 0 || !(is_alpha(s[q + dl]) || is_ascii_digit(s[q + dl])))
            break;
        q += dl;
    }
    return last_ok;
}

trygg_err trygg_scrub(const char *in, char *out, size_t cap, int *found)
{
    if (found != NULL)
        *found = 0;
    if (out == NULL || cap == 0)
        return TRYGG_ERR_TOOBIG;
    out[0] = '\0';
    if (in == NULL)
        return TRYGG_ERR_INVALID;
    const unsigned char *s = (const unsigned char *)in;
    size_t len = strlen(in);
    struct outbuf o = {out, cap, 0, 0};
    int nfound = 0;
    size_t p = 0;
    while (s[p] != '\0') {
        size_t adv;
        int start = token_start(s, p);
        if (email_local(s[p]) && (p == 0 || (!email_local(s[p - 1]) && !marker_before(s, p)))) {
            size_t e = match_email(s, p);
            if (e > 0) {
                out_put(&o, MARK_EMAIL, strlen(MARK_EMAIL));
                nfound++;
                p = e;
                continue;
            }
        }
        if (start && digit_at(s + p, &adv) >= 0) {
            size_t e = match_pnr(s, p);
            if (e > 0) {
                out_put(&o, MARK_PNR, strlen(MARK_PNR));
                nfound++;
                p = e;
                continue;
            }
        }
        int lead = start ? digit_at(s + p, &adv) : -1;
        if (start && (s[p] == '+' || s[p] == '(' || lead == 0 || lead == 4)) {
            size_t e = match_phone(s, p);
            if (e > 0) {
                out_put(&o, MARK_PHONE, strlen(MARK_PHONE));
                nfound++;
                p = e;
                continue;
            }
        }
        /* copy one whole code point (or one byte if not UTF-8) */
        uint32_t cp;
        size_t n = trygg_utf8_next((const char *)s + p, len - p, &cp);
        if (n == 0)
            n = 1;
        out_put(&o, (const char *)s + p, n);
        p += n;
    }
    if (o.overflow) {
        out[0] = '\0';
        return TRYGG_ERR_TOOBIG;
    }
    out[o.len] = '\0';
    if (found != NULL)
        *found = nfound;
    return TRYGG_OK;
}

/* ---------------------------------------------------------------- keywords */

enum kw_kind { KW_URGENT = 0, KW_PERSON = 1, KW_CATEGORY = 2 };

struct kw {
    char *phrase; /* as written in the file (for `which`) */
    char *folded; /* " word word" (no trailing space), see fold() */
    int prefix;   /* 1 = last word may continue ("kniv*") */
    int kind;
    char lang[8];
    char category[TRYGG_NAME_MAX + 1]; /* KW_CATEGORY: the [category ID] */
};

struct trygg_keywords {
    struct kw *v;
    size_t n, cap;
};

static void put_cp(char *out, size_t *o, unsigned long cp)
{
    *o += trygg_utf8_put(out + *o, (uint32_t)cp);
}

/* Maps a code point for matching: returns the folded code point, 0 to drop
 * it, or ' ' for a separator. */
static unsigned long fold_cp(unsigned long cp)
{
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z')
            return cp + 32;
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '\'')
            return cp;
        return ' ';
    }
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7)
        return ' ';
    if (cp == 0x2019 || cp == 0x2018)
        return '\'';
    /* Arabic */
    if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640)
        return 0; /* diacritics and tatweel */
    if (cp == 0x0622 || cp == 0x0623 || cp == 0x0625 || cp == 0x0671)
        return 0x0627; /* alef forms */
    if (cp == 0x0649 || cp == 0x06CC)
        return 0x064A; /* alef maqsura, Farsi yeh -> yeh */
    if (cp == 0x0629)
        return 0x0647; /* ta marbuta -> heh */
    if (cp >= 0x0660 && cp <= 0x0669)
        return '0' + (cp - 0x0660);
    if (cp >= 0x06F0 && cp <= 0x06F9)
        return '0' + (cp - 0x06F0);
    if (cp == 0x060C || cp == 0x061B || cp == 0x061F || (cp >= 0x066A && cp <= 0x066D) ||
        cp == 0x06D4)
        return ' ';
    if (cp >= 0xFE00 && cp <= 0xFE0F)
        return 0; /* variation selectors */
    if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) || cp >= 0x1F000 ||
        cp == 0xFEFF)
        return ' ';
    return trygg_utf8_lower((uint32_t)cp); /* Unicode simple lower case */
}

/* Folds s[0..len) into a new string " w1 w2 ... wn " (leading and trailing
 * space). Invalid UTF-8 bytes count as separators. NULL on out of memory. */
static char *fold(const char *s, size_t len)
{
    char *out = malloc(len * 2 + 3);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    out[o++] = ' ';
    size_t i = 0;
    while (i < len) {
        uint32_t c32;
        unsigned long cp;
        size_t n = trygg_utf8_next(s + i, len - i, &c32);
        if (n == 0) {
            cp = ' ';
            n = 1;
        } else {
            cp = fold_cp(c32);
        }
        i += n;
        if (cp == 0)
            continue;
        if (cp == ' ') {
            if (out[o - 1] != ' ')
                out[o++] = ' ';
            continue;
        }
        put_cp(out, &o, cp);
    }
    if (out[o - 1] != ' ')
        out[o++] = ' ';
    out[o] = '\0';
    return out;
}

void trygg_keywords_free(trygg_keywords *k)
{
    if (k == NULL)
        return;
    for (size_t i = 0; i < k->n; i++) {
        free(k->v[i].phrase);
        free(k->v[i].folded);
    }
    free(k->v);
    free(k);
}

static trygg_err kw_add(trygg_keywords *k, const char *phrase, int kind, const char *lang,
                        const char *category)
{
    size_t len = strlen(phrase);
    int prefix = 0;
    if (len > 0 && phrase[len - 1] == '*') {
        prefix = 1;
        len--;
    }
    char *f = fold(phrase, len);
    if (f == NULL)
        return TRYGG_ERR_NOMEM;
    size_t fl = strlen(f);
    if (fl <= 2) { /* nothing but separators */
        free(f);
        return TRYGG_ERR_INVALID;
    }
    f[fl - 1] = '\0'; /* drop the trailing space; the match checks what follows */
    if (k->n == k->cap) {
        size_t nc = k->cap ? k->cap * 2 : 64;
        struct kw *nv = realloc(k->v, nc * sizeof *nv);
        if (nv == NULL) {
            free(f);
            return TRYGG_ERR_NOMEM;
        }
        k->v = nv;
        k->cap = nc;
    }
    struct kw *w = &k->v[k->n];
    w->phrase = strdup(phrase);
    if (w->phrase == NULL) {
        free(f);
        return TRYGG_ERR_NOMEM;
    }
    if (!TRYGG_COPY(w->lang, lang)) {
        free(w->phrase);
        free(f);
        return TRYGG_ERR_INVALID;
    }
    if (!TRYGG_COPY(w->category, category)) {
        free(w->phrase);
        free(f);
        return TRYGG_ERR_INVALID;
    }
    w->folded = f;
    w->prefix = prefix;
    w->kind = kind;
    k->n++;
    return TRYGG_OK;
}

static trygg_err kw_load_file(trygg_keywords *k, const char *path, const char *lang)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return TRYGG_ERR_IO;
    char line[512];
    char category[TRYGG_NAME_MAX + 1] = "";
    int kind = -1;
    int lineno = 0;
    trygg_err err = TRYGG_OK;
    while (fgets(line, sizeof line, f) != NULL) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            fprintf(stderr, "%s:%d: line too long\n", path, lineno);
            err = TRYGG_ERR_CONFIG;
            break;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                           line[len - 1] == '\t'))
            line[--len] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0' || *s == '#')
            continue;
        if (!trygg_utf8_valid(s, strlen(s))) {
            fprintf(stderr, "%s:%d: not valid UTF-8\n", path, lineno);
            err = TRYGG_ERR_CONFIG;
            break;
        }
        if (strcmp(s, "[urgent]") == 0) {
            kind = KW_URGENT;
            continue;
        }
        if (strcmp(s, "[person]") == 0) {
            kind = KW_PERSON;
            continue;
        }
        if (strncmp(s, "[category ", 10) == 0 && s[strlen(s) - 1] == ']') {
            size_t idlen = strlen(s) - 11;
            if (idlen == 0 || idlen > TRYGG_NAME_MAX || memchr(s + 10, ' ', idlen) != NULL) {
                fprintf(stderr, "%s:%d: bad category id\n", path, lineno);
                err = TRYGG_ERR_CONFIG;
                break;
            }
            memcpy(category, s + 10, idlen);
            category[idlen] = '\0';
            kind = KW_CATEGORY;
            continue;
        }
        if (*s == '[' || kind < 0) {
            fprintf(stderr, "%s:%d: expected [urgent], [person] or [category ID] section\n", path,
                    lineno);
            err = TRYGG_ERR_CONFIG;
            break;
        }
        err = kw_add(k, s, kind, lang, kind == KW_CATEGORY ? category : "");
        if (err == TRYGG_ERR_INVALID) {
            fprintf(stderr, "%s:%d: empty keyword\n", path, lineno);
            err = TRYGG_ERR_CONFIG;
        }
        if (err)
            break;
    }
    if (err == TRYGG_OK && ferror(f))
        err = TRYGG_ERR_IO;
    fclose(f);
    return err;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

trygg_err trygg_keywords_load(const char *dir, trygg_keywords **out)
{
    if (out == NULL)
        return TRYGG_ERR_INVALID;
    *out = NULL;
    if (dir == NULL)
        dir = trygg_asset_dir();
    char kdir[4096];
    trygg_err err = trygg_path_join(kdir, sizeof kdir, dir, "keywords");
    if (err)
        return err;
    DIR *d = opendir(kdir);
    if (d == NULL) {
        /* `dir` may be the keywords directory itself */
        if (!TRYGG_COPY(kdir, dir))
            return TRYGG_ERR_TOOBIG;
        d = opendir(kdir);
        if (d == NULL)
            return errno == ENOENT ? TRYGG_ERR_NOTFOUND : TRYGG_ERR_IO;
    }
    char *names[64];
    int nn = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && nn < 64) {
        size_t l = strlen(de->d_name);
        if (l < 5 || l > 4 + 7 || strcmp(de->d_name + l - 4, ".txt") != 0)
            continue;
        names[nn] = strdup(de->d_name);
        if (names[nn] == NULL)
            break;
        nn++;
    }
    closedir(d);
    qsort(names, (size_t)nn, sizeof names[0], name_cmp);
    trygg_keywords *k = calloc(1, sizeof *k);
    if (k == NULL)
        err = TRYGG_ERR_NOMEM;
    for (int i = 0; i < nn; i++) {
        if (err == TRYGG_OK) {
            char path[4096 + 16];
            char lang[8];
            snprintf(lang, sizeof lang, "%.*s", (int)(strlen(names[i]) - 4), names[i]);
            err = trygg_path_join(path, sizeof path, kdir, names[i]);
            if (err == TRYGG_OK)
                err = kw_load_file(k, path, lang);
        }
        free(names[i]);
    }
    if (err == TRYGG_OK && nn == 0)
        err = TRYGG_ERR_NOTFOUND;
    if (err) {
        trygg_keywords_free(k);
        return err;
    }
    *out = k;
    return TRYGG_OK;
}

static trygg_keywords *default_kw;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void load_default(void)
{
    if (trygg_keywords_load(NULL, &default_kw) != TRYGG_OK)
        default_kw = NULL;
}

const trygg_keywords *trygg_keywords_default(void)
{
    pthread_once(&default_once, load_default);
    return default_kw;
}

/* 1 if folded keyword w occurs in folded text t. */
static int kw_match(const char *t, const struct kw *w)
{
    size_t fl = strlen(w->folded);
    const char *p = t;
    while ((p = strstr(p, w->folded)) != NULL) {
        char next = p[fl];
        if (next == ' ' || w->prefix)
            return 1;
        p++;
    }
    return 0;
}

static int kw_find(const trygg_keywords *k, const char *text, int kind, const char **which)
{
    if (which != NULL)
        *which = NULL;
    if (k == NULL || text == NULL)
        return 0;
    char *t = fold(text, strlen(text));
    if (t == NULL)
        return 0;
    int hit = 0;
    for (size_t i = 0; i < k->n && !hit; i++) {
        if (k->v[i].kind == kind && kw_match(t, &k->v[i])) {
            hit = 1;
            if (which != NULL)
                *which = k->v[i].phrase;
        }
    }
    free(t);
    return hit;
}

int trygg_text_is_urgent(const trygg_keywords *k, const char *text, const char **which)
{
    return kw_find(k, text, KW_URGENT, which);
}

int trygg_text_names_person(const trygg_keywords *k, const char *text)
{
    return kw_find(k, text, KW_PERSON, NULL);
}

/* See text.h: the category with the most keywords in the text, no ties. */
int trygg_text_suggest_category(const trygg_keywords *k, const char *text, char *id, size_t cap)
{
    if (id != NULL && cap > 0)
        id[0] = '\0';
    if (k == NULL || text == NULL || id == NULL || cap == 0)
        return 0;
    char *t = fold(text, strlen(text));
    if (t == NULL)
        return 0;
    /* Hits per category, in the order categories first appear. */
    enum { MAXC = 64 };
    const char *cat[MAXC];
    int hits[MAXC], nc = 0;
    for (size_t i = 0; i < k->n; i++) {
        const struct kw *w = &k->v[i];
        if (w->kind != KW_CATEGORY || !kw_match(t, w))
            continue;
        int c = 0;
        while (c < nc && strcmp(cat[c], w->category) != 0)
            c++;
        if (c == nc) {
            if (nc == MAXC)
                continue;
            cat[nc] = w->category;
            hits[nc++] = 0;
        }
        hits[c]++;
    }
    free(t);
    int best = -1, tie = 0;
    for (int c = 0; c < nc; c++) {
        if (best < 0 || hits[c] > hits[best]) {
            best = c;
            tie = 0;
        } else if (hits[c] == hits[best]) {
            tie = 1;
        }
    }
    if (best < 0 || tie || !trygg_copy(id, cap, cat[best]))
        return 0;
    return hits[best];
}

int trygg_keywords_category_count(const trygg_keywords *k, const char *category)
{
    int n = 0;
    for (size_t i = 0; k != NULL && i < k->n; i++)
        n += k->v[i].kind == KW_CATEGORY && strcmp(k->v[i].category, category) == 0;
    return n;
}

const char *trygg_keywords_category_at(const trygg_keywords *k, size_t i)
{
    for (size_t j = 0; k != NULL && j < k->n; j++)
        if (k->v[j].kind == KW_CATEGORY && i-- == 0)
            return k->v[j].category;
    return NULL;
}
