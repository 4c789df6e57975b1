/*
 * fuzz_sms_text.c — libFuzzer target: the gateway's text code on arbitrary
 * bytes (shared/src/ucs2.c conversions and part counting, smsgw/dialog.c
 * keyword detection with the default keywords, sms_upper).
 *
 * Checks, with the input taken as UTF-8 text s:
 *  - trygg_utf8_valid(s) implies ucs2_from_utf8 accepts it; whatever it
 *    accepts converts back (ucs2_to_utf8) to exactly s, and through the
 *    big-endian byte form unchanged; one unit or byte too little space
 *    gives TRYGG_ERR_TOOBIG (and "" for the UTF-8 side);
 *  - ucs2_sms_parts: 0 only for "", GSM-7 exactly when every unit is in
 *    the alphabet, 1 part up to 160 septets / 70 units, otherwise parts of
 *    at most 153 septets / 67 units that are never emptier than one
 *    character short of full;
 *  - sms_keyword: a keyword's rest lies inside s; STOP/HELP/RING only as
 *    the whole message; the result does not change when s is upper-cased;
 * and with the input taken as UTF-16BE code units: ucs2_to_utf8 always
 * gives UTF-8 of at most 3 bytes per unit that ucs2_from_utf8 accepts and
 * that converts back to the same units (lone surrogates as U+FFFD, cut at U+0000).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "sms_dialog.h"
#include "trygg/text.h"
#include "trygg/ucs2.h"

#define MAXIN 4096

static smsgw_cfg cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    smsgw_cfg_defaults(&cfg);
    return 0;
}

static void check_parts(const char *s, const uint16_t *u, size_t n)
{
    enum ucs2_coding coding = (enum ucs2_coding) - 1;
    int parts = ucs2_sms_parts(s, &coding);
    if (n == 0) {
        if (parts != 0 || coding != UCS2_CODING_GSM7)
            abort();
        return;
    }
    int septets = ucs2_gsm7_septets(u, n);
    if (parts == -1) {
        /* Only for a text over 255 parts. */
        if ((septets >= 0 && septets <= 255 * 152) || (septets < 0 && n <= 255 * 66))
            abort();
        return;
    }
    if (parts < 1 || parts > 255)
        abort();
    if (septets >= 0) {
        if (coding != UCS2_CODING_GSM7)
            abort();
        if (septets <= 160 ? parts != 1 : (parts * 153 < septets || (parts - 1) * 152 >= septets))
            abort();
    } else {
        if (coding != UCS2_CODING_UCS2)
            abort();
        if (n <= 70 ? parts != 1 : (parts * 67 < (int)n || (parts - 1) * 66 >= (int)n))
            abort();
    }
}

static void check_keyword(const char *s)
{
    const char *rest = NULL;
    int k = sms_keyword(&cfg.dlg, s, &rest);
    if (k < -1 || k >= SMS_KW_COUNT)
        abort();
    if (k >= 0) {
        size_t len = strlen(s);
        if (rest == NULL || rest < s || rest > s + len)
            abort();
        if ((k == SMS_KW_STOP || k == SMS_KW_HELP || k == SMS_KW_RING) && *rest)
            abort();
    }
    /* Full Unicode upper case at most triples the bytes ("ΐ" -> "Ϊ́"). */
    size_t len = strlen(s), cap = 3 * len + 4;
    char *up = malloc(cap), *up2 = malloc(cap);
    if (up == NULL || up2 == NULL)
        abort();
    sms_upper(s, up, cap);
    if (strlen(up) >= cap - 1)
        abort(); /* it was not cut */
    if (sms_keyword(&cfg.dlg, up, NULL) != k)
        abort();
    sms_upper(up, up2, cap);
    if (strcmp(up, up2) != 0)
        abort(); /* upper case of upper case is itself */
    free(up);
    free(up2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAXIN)
        return 0;
    char *s = malloc(size + 1);
    uint16_t *u = malloc((size + 1) * sizeof *u);
    unsigned char *be = malloc(2 * (size + 1));
    uint16_t *u2 = malloc((size + 1) * sizeof *u2);
    char *back = malloc(3 * size + 1);
    if (!s || !u || !be || !u2 || !back)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    size_t len = strlen(s);

    /* UTF-8 -> UTF-16 -> UTF-8. */
    size_t n = 0;
    trygg_err rc = ucs2_from_utf8(s, u, size + 1, &n);
    if (trygg_utf8_valid(s, len) && rc != TRYGG_OK)
        abort();
    if (rc == TRYGG_OK) {
        if (n > len)
            abort();
        size_t blen = 0;
        if (ucs2_to_utf8(u, n, back, len + 1, &blen) != TRYGG_OK || blen != len ||
            strcmp(back, s) != 0)
            abort();
        ucs2_to_be(u, n, be);
        ucs2_from_be(be, n, u2);
        if (n && memcmp(u, u2, n * sizeof *u) != 0)
            abort();
        if (n > 0) {
            size_t m = 99;
            if (ucs2_from_utf8(s, u2, n - 1, &m) != TRYGG_ERR_TOOBIG)
                abort();
            if (ucs2_to_utf8(u, n, back, len, NULL) != TRYGG_ERR_TOOBIG || back[0] != '\0')
                abort();
        }
        check_parts(s, u, n);
    } else if (rc != TRYGG_ERR_INVALID || ucs2_sms_parts(s, NULL) != -1) {
        abort();
    }
    check_keyword(s);

    /* UTF-16BE -> UTF-8 -> UTF-16. */
    size_t nu = size / 2;
    ucs2_from_be(data, nu, u);
    size_t olen = 0;
    if (ucs2_to_utf8(u, nu, back, 3 * nu + 1, &olen) != TRYGG_OK || olen != strlen(back) ||
        olen > 3 * nu)
        abort();
    size_t n2 = 0;
    if (ucs2_from_utf8(back, u2, nu + 1, &n2) != TRYGG_OK)
        abort();
    size_t j = 0;
    for (size_t i = 0; i < nu && u[i] != 0; i++) {
        uint16_t c = u[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < nu && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
            if (j + 2 > n2 || u2[j] != c || u2[j + 1] != u[i + 1])
                abort();
            j += 2;
            i++;
            continue;
        }
        uint16_t want = (c >= 0xD800 && c <= 0xDFFF) ? 0xFFFD : c;
        if (j >= n2 || u2[j] != want)
            abort();
        j++;
    }
    if (j != n2)
        abort();

    free(s);
    free(u);
    free(be);
    free(u2);
    free(back);
    return 0;
}
