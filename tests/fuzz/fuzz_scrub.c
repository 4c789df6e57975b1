/*
 * fuzz_scrub.c — libFuzzer target: the scrubber and keyword matching on
 * arbitrary bytes. Checks: no crash; valid UTF-8 in gives valid UTF-8 out;
 * the result fits in 2 * strlen(input) + 1; a too-small buffer gives
 * TRYGG_ERR_TOOBIG and "" ; scrubbing is idempotent (a scrubbed text has
 * nothing left to scrub).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    char *in = malloc(size + 1);
    size_t cap = 2 * size + 1; /* the documented bound (text.h) */
    char *out = malloc(cap);
    char *again = malloc(cap);
    if (in == NULL || out == NULL || again == NULL)
        abort();
    memcpy(in, data, size);
    in[size] = '\0';
    size_t len = strlen(in); /* stops at an embedded NUL */

    int found = -1;
    if (trygg_scrub(in, out, 2 * len + 1, &found) != TRYGG_OK || found < 0)
        abort();
    if (trygg_utf8_valid(in, len) && !trygg_utf8_valid(out, strlen(out)))
        abort();
    if (found == 0 && strcmp(in, out) != 0)
        abort();
    int found2 = -1;
    if (trygg_scrub(out, again, cap, &found2) != TRYGG_OK || found2 != 0 || strcmp(out, again) != 0)
        abort();
    size_t olen = strlen(out);
    if (olen > 0) {
        char small[64];
        size_t scap = olen < sizeof small ? olen : sizeof small; /* one byte short */
        if (trygg_scrub(in, small, scap, NULL) != TRYGG_ERR_TOOBIG || small[0] != '\0')
            abort();
    }

    const trygg_keywords *k = trygg_keywords_default();
    if (k == NULL)
        abort(); /* TRYGG_ASSETS must point at assets/ */
    const char *which = NULL;
    if (trygg_text_is_urgent(k, in, &which) && which == NULL)
        abort();
    (void)trygg_text_names_person(k, in);
    free(in);
    free(out);
    free(again);
    return 0;
}
