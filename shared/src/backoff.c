/*
 * backoff.c — exponential retry delays with cap and jitter (trygg/backoff.h).
 */
#include "trygg/backoff.h"

#include <sodium.h>

int64_t trygg_backoff(int64_t base, int64_t max, int attempt, int jitter_pct)
{
    if (base <= 0)
        return 0;
    if (attempt < 0)
        attempt = 0;
    int64_t d = base;
    for (int i = 0; i < attempt && d < max; i++)
        d = d > INT64_MAX / 2 ? INT64_MAX : d * 2;
    if (d > max)
        d = max;
    if (jitter_pct > 0 && d > 0) {
        int64_t span = d / 100 * jitter_pct + d % 100 * jitter_pct / 100;
        if (span > 0)
            d += (int64_t)randombytes_uniform(
                (uint32_t)(span > UINT32_MAX - 1 ? UINT32_MAX - 1 : span) + 1);
    }
    return d;
}
