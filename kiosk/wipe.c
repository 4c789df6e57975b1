/*
 * wipe.c — the wiping allocator (see wipe.h). Each block carries its size in
 * a header so that free() can zero all of it with sodium_memzero; realloc
 * always moves, so the old block is zeroed too.
 */
#include "wipe.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The header keeps the payload aligned like malloc's own blocks. */
typedef union header {
    size_t size;
    max_align_t align;
} header;

static void *w_malloc(size_t n)
{
    if (n > SIZE_MAX - sizeof(header))
        return NULL;
    header *h = malloc(sizeof *h + n);
    if (!h)
        return NULL;
    h->size = n;
    return h + 1;
}

static size_t w_size(void *p)
{
    return p ? ((header *)p - 1)->size : 0;
}

static void w_free(void *p)
{
    if (!p)
        return;
    header *h = (header *)p - 1;
    sodium_memzero(h, sizeof *h + h->size);
    free(h);
}

static void *w_realloc(void *p, size_t n)
{
    if (!p)
        return w_malloc(n);
    if (n == 0) {
        w_free(p);
        return NULL;
    }
    void *q = w_malloc(n);
    if (!q)
        return NULL;
    size_t old = w_size(p);
    memcpy(q, p, old < n ? old : n);
    w_free(p);
    return q;
}

static void *w_calloc(size_t k, size_t n)
{
    if (n && k > SIZE_MAX / n)
        return NULL;
    void *p = w_malloc(k * n);
    if (p)
        memset(p, 0, k * n);
    return p;
}

static char *w_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = w_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* SQLite's allocator methods (sqlite3_mem_methods). */
static void *s_malloc(int n)
{
    return n > 0 ? w_malloc((size_t)n) : NULL;
}

static void *s_realloc(void *p, int n)
{
    return n > 0 ? w_realloc(p, (size_t)n) : NULL;
}

static int s_size(void *p)
{
    return (int)w_size(p);
}

static int s_roundup(int n)
{
    return (n + 7) & ~7;
}

static int s_init(void *unused)
{
    (void)unused;
    return SQLITE_OK;
}

static void s_shutdown(void *unused)
{
    (void)unused;
}

int wipe_install(void)
{
    static const sqlite3_mem_methods mem = {s_malloc,  w_free, s_realloc,  s_size,
                                            s_roundup, s_init, s_shutdown, NULL};
    json_set_alloc_funcs(w_malloc, w_free);
    /* No lookaside and no bulk page-cache block: their slots go back to a
     * per-connection pool, never through free(), so they would keep what
     * they held. Every page and small object is its own wiped block. */
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &mem) != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)0, 0, 0) != SQLITE_OK)
        return -1;
    if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, w_malloc, w_free, w_realloc, w_strdup,
                             w_calloc) != CURLE_OK)
        return -1;
    return 0;
}

void wipe_json_free(char *s)
{
    json_malloc_t m;
    json_free_t f;
    json_get_alloc_funcs(&m, &f);
    f(s);
}
