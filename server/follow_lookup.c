/*
 * follow_lookup.c — a follow-up code checked against the store
 * (follow_lookup.h): shared by the public status page (web_status.c) and the
 * kiosk API's status look-up (api.c).
 */
#include "follow_lookup.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/copy.h"
#include "trygg/follow.h"
#include "trygg/log.h"
#include "trygg/ref.h"

/* Hash of the secret given with `ref`, compared in constant time with the
 * stored one; an unknown reference is compared with a hash that nothing
 * matches, so both cases do the same work. */
int follow_code_matches(const server_ctx *ctx, const char *ref, const char *secret,
                        const trygg_follow *f, int found)
{
    char given[65];
    trygg_follow_hash(ctx->pseudo_key, ref, secret, given);
    static const char nothing[] =
        "----------------------------------------------------------------";
    const char *stored = found && strlen(f->hash) == 64 ? f->hash : nothing;
    int eq = trygg_follow_hash_equal(given, stored);
    return eq && stored != nothing;
}

int status_lookup(server_ctx *ctx, const char *code, char state[24], int64_t *created,
                  int64_t *updated)
{
    char ref[TRYGG_REF_LEN + 1] = "22-2222", secret[TRYGG_FOLLOW_SECRET_LEN + 1] = "22222222";
    int parsed = trygg_follow_parse(code, ref, secret) == TRYGG_OK;
    trygg_store *st = server_store(ctx);
    trygg_follow *f = calloc(1, sizeof *f);
    if (st == NULL || f == NULL) {
        free(f);
        return -1;
    }
    trygg_err e = trygg_store_follow_get(st, ref, f);
    if (e != TRYGG_OK && e != TRYGG_ERR_NOTFOUND) {
        TRYGG_ERR("status look-up: %s", trygg_store_errmsg(st));
        free(f);
        return -1;
    }
    int found = follow_code_matches(ctx, ref, secret, f, e == TRYGG_OK) && parsed;
    if (found) {
        trygg_copy_trunc(state, 24, trygg_follow_state(f->status, f->close_reason)); /* a word */
        *created = f->created;
        *updated = f->updated;
    }
    sodium_memzero(secret, sizeof secret);
    free(f);
    return found;
}
