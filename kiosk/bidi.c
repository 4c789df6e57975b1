/*
 * bidi.c — UBA levels from GNU FriBidi, then runs by level and font script,
 * reordered to visual order with rule L2 applied to whole runs.
 */
#include "bidi.h"

#include <fribidi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/utf8.h"

enum { CLS_SHARED = 0, CLS_ARABIC = 1, CLS_OTHER = 2 };

/* Which font a code point needs: Arabic script blocks, characters both Noto
 * Sans and Noto Sans Arabic carry, or everything else. */
static int script_class(uint32_t c)
{
    if ((c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
        (c >= 0x0870 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
        (c >= 0xFE70 && c <= 0xFEFF)) {
        /* Arabic-Indic digits are Arabic too (U+0660..0669, U+06F0..06F9). */
        return CLS_ARABIC;
    }
    switch (c) {
    case 0x20:
    case 0x21:
    case 0x2C:
    case 0x2D:
    case 0x2E:
    case 0x3A:
    case 0xA0:
    case 0xAB:
    case 0xBB:
        return CLS_SHARED;
    default:
        break;
    }
    if (c >= 0x200B && c <= 0x2011)
        return CLS_SHARED;
    return CLS_OTHER;
}

static void reverse_runs(bidi_run *r, int n)
{
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        bidi_run t = r[i];
        r[i] = r[j];
        r[j] = t;
    }
}

/* Shared characters take the class of the preceding character on the same
 * level, else of the following one, else the paragraph's. */
static void share_classes(unsigned char *cls, const int *lvl, size_t n, int par_rtl)
{
    for (size_t i = 1; i < n; i++)
        if (cls[i] == CLS_SHARED && lvl[i - 1] == lvl[i])
            cls[i] = cls[i - 1];
    for (size_t i = n - 1; i-- > 0;)
        if (cls[i] == CLS_SHARED && lvl[i + 1] == lvl[i])
            cls[i] = cls[i + 1];
    for (size_t i = 0; i < n; i++)
        if (cls[i] == CLS_SHARED)
            cls[i] = par_rtl ? CLS_ARABIC : CLS_OTHER;
}

/* Rule L2 on runs: from the highest level down to the lowest odd level,
 * reverse every maximal sequence of runs at that level or higher. */
static void reorder(bidi_run *runs, int *runlvl, int nr, int maxlvl, int minodd)
{
    for (int L = maxlvl; L >= minodd && L >= 1; L--) {
        for (int i = 0; i < nr;) {
            if (runlvl[i] < L) {
                i++;
                continue;
            }
            int j = i;
            while (j < nr && runlvl[j] >= L)
                j++;
            reverse_runs(runs + i, j - i);
            for (int a = i, b = j - 1; a < b; a++, b--) {
                int t = runlvl[a];
                runlvl[a] = runlvl[b];
                runlvl[b] = t;
            }
            i = j;
        }
    }
}

int bidi_runs(const char *utf8, int base_rtl, bidi_run *runs, int max)
{
    if (!utf8 || max < 0 || (max > 0 && !runs))
        return -1;
    size_t nbytes = strlen(utf8);
    if (nbytes > BIDI_MAX_BYTES)
        return -1;
    if (nbytes == 0)
        return 0;

    /* At most one code point per byte. One allocation for all arrays, the
     * widest element type first so that every array stays aligned. */
    size_t cap = nbytes;
    size_t each = sizeof(size_t) + sizeof(FriBidiChar) + sizeof(FriBidiCharType) +
                  sizeof(FriBidiBracketType) + 2 * sizeof(int) + sizeof(FriBidiLevel) + 1;
    unsigned char *mem = calloc(cap, each);
    if (!mem)
        return -1;
    size_t *offs = (size_t *)mem;
    FriBidiChar *cps = (FriBidiChar *)(offs + cap);
    FriBidiCharType *types = (FriBidiCharType *)(cps + cap);
    FriBidiBracketType *btypes = (FriBidiBracketType *)(types + cap);
    int *lvl = (int *)(btypes + cap);
    int *runlvl = lvl + cap;
    FriBidiLevel *levels = (FriBidiLevel *)(runlvl + cap);
    unsigned char *cls = (unsigned char *)(levels + cap);

    int rc = -1;
    size_t n = 0;
    for (size_t pos = 0; pos < nbytes;) {
        uint32_t cp;
        size_t l = trygg_utf8_next(utf8 + pos, nbytes - pos, &cp); /* strict */
        if (l == 0)
            goto out;
        cps[n] = cp;
        offs[n] = pos;
        cls[n] = (unsigned char)script_class(cp);
        n++;
        pos += (size_t)l;
    }

    fribidi_get_bidi_types(cps, (FriBidiStrIndex)n, types);
    fribidi_get_bracket_types(cps, (FriBidiStrIndex)n, types, btypes);
    FriBidiParType dir = base_rtl == BIDI_AUTO ? FRIBIDI_PAR_ON
                         : base_rtl            ? FRIBIDI_PAR_RTL
                                               : FRIBIDI_PAR_LTR;
    if (fribidi_get_par_embedding_levels_ex(types, btypes, (FriBidiStrIndex)n, &dir, levels) == 0)
        goto out;
    /* FriBidi reports the resolved direction (for BIDI_AUTO). */
    int par_rtl = FRIBIDI_IS_RTL(dir) ? 1 : 0;
    for (size_t i = 0; i < n; i++)
        lvl[i] = levels[i];

    share_classes(cls, lvl, n, par_rtl);

    /* Logical runs: maximal stretches with one level and one class. */
    int nr = 0, maxlvl = 0, minodd = 127;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && lvl[j] == lvl[i] && cls[j] == cls[i])
            j++;
        if (nr >= max)
            goto out;
        runs[nr].start = offs[i];
        runs[nr].len = (j < n ? offs[j] : nbytes) - offs[i];
        runs[nr].rtl = lvl[i] & 1;
        runs[nr].arabic = cls[i] == CLS_ARABIC;
        runlvl[nr] = lvl[i];
        if (lvl[i] > maxlvl)
            maxlvl = lvl[i];
        if ((lvl[i] & 1) && lvl[i] < minodd)
            minodd = lvl[i];
        nr++;
        i = j;
    }

    reorder(runs, runlvl, nr, maxlvl, minodd);
    rc = nr;
out:
    free(mem);
    return rc;
}

int bidi_text_is_rtl(const char *utf8, int fallback)
{
    if (!utf8)
        return fallback;
    size_t nbytes = strlen(utf8);
    for (size_t pos = 0; pos < nbytes;) {
        uint32_t cp;
        size_t l = trygg_utf8_next(utf8 + pos, nbytes - pos, &cp); /* strict */
        if (l == 0)
            return fallback;
        FriBidiCharType t = fribidi_get_bidi_type(cp);
        if (t == FRIBIDI_TYPE_LTR)
            return 0;
        if (t == FRIBIDI_TYPE_RTL || t == FRIBIDI_TYPE_AL)
            return 1;
        pos += (size_t)l;
    }
    return fallback;
}

int bidi_lang_is_rtl(const char *lang)
{
    static const char *const rtl[] = {"ar", "fa", "ur", "ps", "ckb", "he", "yi", "dv", NULL};
    if (!lang)
        return 0;
    size_t n = strcspn(lang, "-_.@");
    for (int i = 0; rtl[i]; i++) {
        if (strlen(rtl[i]) == n && strncmp(lang, rtl[i], n) == 0)
            return 1;
    }
    return 0;
}
