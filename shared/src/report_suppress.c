/*
 * report_suppress.c — small-count suppression: the one decision of what a
 * reader outside the security department may see of a count.
 *
 * Primary: a count below the threshold is "<T" (zero included, so a "<3"
 * never says whether anyone is there). Complementary: a table's total is
 * usually known (the week's total is printed; other tables partition the
 * same total), so total minus the shown cells equals the sum of the hidden
 * ones. If that sum is a small non-zero number, one more cell — the smallest
 * shown one — is withheld ("x"), until the hidden sum is 0 or at least the
 * threshold. Tables with sub-totals (categories within a kind, areas within
 * a group, weeks x kinds) apply the same rule to every sub-total's cells
 * and repeat until nothing changes.
 */
#include "trygg/report.h"

#include <stdio.h>
#include <stdlib.h>

static int is_small(int64_t v, int threshold)
{
    return v < 0 || (threshold > 1 && v < threshold);
}

/* Applies the complementary rule to the cells i with part[i] == g (part
 * NULL = every cell). Returns 1 if a cell was withheld. */
static int protect_group(const int64_t *counts, int n, const int *part, int g, int threshold,
                         trygg_cell *state)
{
    int changed = 0;
    for (;;) {
        int64_t hidden = 0;
        int pick = -1;
        for (int i = 0; i < n; i++) {
            if (part && part[i] != g)
                continue;
            if (state[i] != TRYGG_CELL_SHOWN) {
                if (counts[i] > 0)
                    hidden += counts[i];
            } else if (pick < 0 || counts[i] < counts[pick]) {
                pick = i;
            }
        }
        if (hidden <= 0 || hidden >= threshold || pick < 0)
            return changed;
        state[pick] = TRYGG_CELL_WITHHELD;
        changed = 1;
    }
}

void trygg_suppress_parts(const int64_t *counts, int n, const int *const *parts, int nparts,
                          int threshold, trygg_cell *state)
{
    for (int i = 0; i < n; i++)
        state[i] = is_small(counts[i], threshold) ? TRYGG_CELL_SMALL : TRYGG_CELL_SHOWN;
    if (threshold <= 1)
        return;
    int changed = 1;
    while (changed) {
        changed = 0;
        if (nparts == 0)
            changed |= protect_group(counts, n, NULL, 0, threshold, state);
        for (int p = 0; p < nparts; p++)
            for (int i = 0; i < n; i++) {
                /* each group once: at its first cell */
                int g = parts[p][i], first = 1;
                if (g < 0)
                    continue;
                for (int j = 0; j < i && first; j++)
                    if (parts[p][j] == g)
                        first = 0;
                if (first)
                    changed |= protect_group(counts, n, parts[p], g, threshold, state);
            }
    }
}

void trygg_suppress(const int64_t *counts, int n, int threshold, trygg_cell *state)
{
    trygg_suppress_parts(counts, n, NULL, 0, threshold, state);
}

void trygg_suppress_grid(const int64_t *counts, int rows, int cols, int threshold,
                         trygg_cell *state)
{
    int n = rows * cols;
    int *byrow = malloc(sizeof(int) * (size_t)(n ? n : 1));
    int *bycol = malloc(sizeof(int) * (size_t)(n ? n : 1));
    if (!byrow || !bycol) {
        /* Fail safe: hide everything. */
        for (int i = 0; i < n; i++)
            state[i] = is_small(counts[i], threshold) ? TRYGG_CELL_SMALL : TRYGG_CELL_WITHHELD;
        free(byrow);
        free(bycol);
        return;
    }
    for (int i = 0; i < n; i++) {
        byrow[i] = i / cols;
        bycol[i] = i % cols;
    }
    const int *parts[2] = {byrow, bycol};
    trygg_suppress_parts(counts, n, parts, 2, threshold, state);
    free(byrow);
    free(bycol);
}

void trygg_suppress_text(int64_t count, trygg_cell state, int threshold, char *out, size_t cap)
{
    if (!cap)
        return;
    if (state == TRYGG_CELL_SMALL)
        snprintf(out, cap, "<%d", threshold);
    else if (state == TRYGG_CELL_WITHHELD)
        snprintf(out, cap, "x");
    else
        snprintf(out, cap, "%lld", (long long)count);
}

trygg_cell trygg_suppress_diff(trygg_cell a, trygg_cell b)
{
    return (a == TRYGG_CELL_SHOWN && b == TRYGG_CELL_SHOWN) ? TRYGG_CELL_SHOWN
                                                            : TRYGG_CELL_WITHHELD;
}

trygg_cell trygg_suppress_avg(int64_t sum, int threshold)
{
    return is_small(sum, threshold) ? TRYGG_CELL_WITHHELD : TRYGG_CELL_SHOWN;
}
