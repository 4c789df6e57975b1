/*
 * numcache.c — plaintext numbers in locked, wiped memory (numcache.h).
 */
#include "numcache.h"

#include <sodium.h>
#include <string.h>

#include "trygg/copy.h"

#define PENDING_MAX 1000

typedef struct nc_entry {
    char pseudo[65];
    char number[20];
    int64_t until;
    int pending; /* replies awaited */
} nc_entry;

struct numcache {
    nc_entry e[NC_SLOTS];
};

numcache *nc_new(void)
{
    numcache *c = sodium_malloc(sizeof *c);
    if (!c)
        return NULL;
    sodium_memzero(c, sizeof *c);
    sodium_mprotect_noaccess(c);
    return c;
}

void nc_free(numcache *c)
{
    if (!c)
        return;
    sodium_mprotect_readwrite(c);
    sodium_free(c); /* wipes */
}

static void wipe(nc_entry *x)
{
    sodium_memzero(x, sizeof *x);
}

/* The live entry of `pseudo`, or NULL; expired entries met are wiped. */
static nc_entry *find(numcache *c, const char *pseudo, int64_t now)
{
    nc_entry *hit = NULL;
    for (int i = 0; i < NC_SLOTS; i++) {
        nc_entry *x = &c->e[i];
        if (!x->pseudo[0])
            continue;
        if (x->until <= now)
            wipe(x);
        else if (!hit && strcmp(x->pseudo, pseudo) == 0)
            hit = x;
    }
    return hit;
}

void nc_put(numcache *c, const char *pseudo, const char *number, int64_t now)
{
    if (!c || !pseudo[0] || !number[0])
        return;
    sodium_mprotect_readwrite(c);
    nc_entry *x = find(c, pseudo, now);
    if (!x) {
        x = &c->e[0];
        for (int i = 0; i < NC_SLOTS && x->pseudo[0]; i++)
            if (!c->e[i].pseudo[0] || c->e[i].until < x->until)
                x = &c->e[i];
        wipe(x);
        /* Both fit (a pseudonym is 64 hex digits, a number at most 19
         * characters); a cut one is not kept. */
        if (!TRYGG_COPY(x->pseudo, pseudo) || !TRYGG_COPY(x->number, number))
            wipe(x);
    }
    if (x->pseudo[0]) {
        x->until = now + NC_TTL;
        if (x->pending < PENDING_MAX)
            x->pending++;
    }
    sodium_mprotect_noaccess(c);
}

int nc_get(numcache *c, const char *pseudo, char number[20], int64_t now, int consume)
{
    if (!c)
        return 0;
    sodium_mprotect_readwrite(c);
    nc_entry *x = find(c, pseudo, now);
    if (x) {
        memcpy(number, x->number, sizeof x->number);
        if (consume && --x->pending <= 0)
            wipe(x);
    }
    sodium_mprotect_noaccess(c);
    return x != NULL;
}

void nc_drop(numcache *c, const char *pseudo)
{
    if (!c)
        return;
    sodium_mprotect_readwrite(c);
    for (int i = 0; i < NC_SLOTS; i++)
        if (c->e[i].pseudo[0] && strcmp(c->e[i].pseudo, pseudo) == 0)
            wipe(&c->e[i]);
    sodium_mprotect_noaccess(c);
}

int nc_count(numcache *c, int64_t now)
{
    if (!c)
        return 0;
    sodium_mprotect_readwrite(c);
    int n = 0;
    for (int i = 0; i < NC_SLOTS; i++)
        n += c->e[i].pseudo[0] && c->e[i].until > now;
    sodium_mprotect_noaccess(c);
    return n;
}
