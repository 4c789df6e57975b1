/*
 * i18n.c — translation catalogs from PO files, read with libgettextpo.
 *
 * Each <lang>.po in a domain directory becomes one catalog: a sorted array
 * of (msgid, msgstr) pairs copied out of libgettextpo's memory, looked up
 * with bsearch. The header entry, obsolete entries, fuzzy entries and empty
 * translations are left out, so a lookup falls back to Swedish and then to
 * the key. After loading, a trygg_i18n is read-only and may be shared
 * between threads.
 *
 * libgettextpo reports problems through a po_xerror_handler; a fatal error
 * must not return, so the handler jumps back to the loader (setjmp), which
 * then reports the first problem as "file:line: message".
 */
#include "trygg/copy.h"
#include "trygg/i18n.h"

#include <dirent.h>
#include <errno.h>
#include <gettext-po.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "trygg/paths.h"
#include "trygg/text.h"

#define I18N_MAX_LANGS 32

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
/* libgettextpo (0.21, Debian 12) leaks a few small blocks per po_file_read
 * and the texts it passes to the error handler. Tell LeakSanitizer, in
 * sanitizer builds only; weak, so a program may define its own list. */
__attribute__((weak)) const char *__lsan_default_suppressions(void);
__attribute__((weak)) const char *__lsan_default_suppressions(void)
{
    return "leak:libgettextpo\n";
}
#endif

struct entry {
    char *key;
    char *text;
};

struct catalog {
    char lang[8];
    struct entry *e;
    size_t n;
};

struct trygg_i18n {
    struct catalog cats[I18N_MAX_LANGS]; /* cats[0] is "sv" */
    int ncats;
};

/* ------------------------------------------------------------ PO reading */

struct po_err {
    jmp_buf jb;
    int failed;
    int fatal;
    char msg[512];
};

static _Thread_local struct po_err *cur_err;

static void record(int severity, const char *filename, size_t lineno, const char *text)
{
    struct po_err *pe = cur_err;
    if (pe == NULL || severity == PO_SEVERITY_WARNING)
        return;
    if (!pe->failed) {
        pe->failed = 1;
        char first[256];
        TRYGG_COPY_TRUNC(
            first,
            text != NULL ? text : "error"); /* an error message for the log: shortened is fine */
        first[strcspn(first, "\n")] = '\0';
        if (filename != NULL && lineno != (size_t)-1)
            snprintf(pe->msg, sizeof pe->msg, "%s:%zu: %s", filename, lineno, first);
        else if (filename != NULL)
            snprintf(pe->msg, sizeof pe->msg, "%s: %s", filename, first);
        else
            TRYGG_COPY_TRUNC(pe->msg, first);
    }
}

static void po_xerror(int severity, po_message_t message, const char *filename, size_t lineno,
                      size_t column, int multiline_p, const char *message_text)
{
    (void)message;
    (void)column;
    (void)multiline_p;
    record(severity, filename, lineno, message_text);
    if (severity == PO_SEVERITY_FATAL_ERROR && cur_err != NULL)
        longjmp(cur_err->jb, 1);
}

static void po_xerror2(int severity, po_message_t message1, const char *filename1, size_t lineno1,
                       size_t column1, int multiline_p1, const char *message_text1,
                       po_message_t message2, const char *filename2, size_t lineno2, size_t column2,
                       int multiline_p2, const char *message_text2)
{
    (void)message2;
    (void)filename2;
    (void)lineno2;
    (void)column2;
    (void)multiline_p2;
    (void)message_text2;
    po_xerror(severity, message1, filename1, lineno1, column1, multiline_p1, message_text1);
}

static const struct po_xerror_handler xhandler = {po_xerror, po_xerror2};

/* po_file_read with our handler; NULL on failure (pe->fatal when
 * libgettextpo gave up; its memory for this file is then lost). */
static po_file_t read_po(const char *path, struct po_err *pe)
{
    cur_err = pe;
    if (setjmp(pe->jb) != 0) {
        cur_err = NULL;
        pe->fatal = 1;
        return NULL;
    }
    po_file_t f = po_file_read(path, &xhandler);
    cur_err = NULL;
    return f;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

static void catalog_free(struct catalog *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].key);
        free(c->e[i].text);
    }
    free(c->e);
    c->e = NULL;
    c->n = 0;
}

static void set_err(char *err, size_t errcap, const char *fmt, const char *a, const char *b)
{
    if (err != NULL && errcap > 0)
        snprintf(err, errcap, fmt, a, b);
}

/* Reads one PO file into c (c->lang already set). */
static trygg_err catalog_read(struct catalog *c, const char *path, char *err, size_t errcap)
{
    struct po_err pe;
    memset(&pe, 0, sizeof pe);
    po_file_t file = NULL;
    po_message_iterator_t it = NULL;
    size_t cap = 0;
    trygg_err rc = TRYGG_OK;

    file = read_po(path, &pe);
    if (file == NULL) {
        if (!pe.failed)
            snprintf(pe.msg, sizeof pe.msg, "%.400s: %s", path,
                     pe.fatal ? "cannot be parsed" : strerror(errno));
        set_err(err, errcap, "%s%s", pe.msg, "");
        return pe.failed || pe.fatal ? TRYGG_ERR_CONFIG : TRYGG_ERR_IO;
    }
    if (pe.failed) {
        rc = TRYGG_ERR_CONFIG;
        goto out;
    }
    /* Only UTF-8 catalogs: libgettextpo does not convert other charsets. */
    const char *header = po_file_domain_header(file, NULL);
    if (header != NULL) {
        char *ct = po_header_field(header, "Content-Type");
        const char *cs = ct != NULL ? strstr(ct, "charset=") : NULL;
        int ok = cs == NULL || strncasecmp(cs + 8, "UTF-8", 5) == 0 ||
                 strncasecmp(cs + 8, "UTF8", 4) == 0;
        free(ct);
        if (!ok) {
            set_err(err, errcap, "%s: charset must be UTF-8 (%s)", path, "Content-Type header");
            rc = TRYGG_ERR_CONFIG;
            goto out;
        }
    }
    it = po_message_iterator(file, NULL);
    po_message_t m;
    while ((m = po_next_message(it)) != NULL) {
        const char *id = po_message_msgid(m);
        const char *str = po_message_msgstr(m);
        if (id == NULL || id[0] == '\0' || po_message_is_obsolete(m) || po_message_is_fuzzy(m))
            continue;
        if (po_message_msgid_plural(m) != NULL || str == NULL || str[0] == '\0')
            continue;
        if (!trygg_utf8_valid(str, strlen(str)) || !trygg_utf8_valid(id, strlen(id))) {
            if (err != NULL && errcap > 0)
                snprintf(err, errcap, "%s: translation of '%.100s' is not valid UTF-8 text", path,
                         trygg_utf8_valid(id, strlen(id)) ? id : "?");
            rc = TRYGG_ERR_CONFIG;
            goto out;
        }
        if (c->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct entry *ne = realloc(c->e, nc * sizeof *ne);
            if (ne == NULL) {
                rc = TRYGG_ERR_NOMEM;
                goto out;
            }
            c->e = ne;
            cap = nc;
        }
        c->e[c->n].key = strdup(id);
        c->e[c->n].text = strdup(str);
        if (c->e[c->n].key == NULL || c->e[c->n].text == NULL) {
            free(c->e[c->n].key);
            free(c->e[c->n].text);
            rc = TRYGG_ERR_NOMEM;
            goto out;
        }
        c->n++;
    }
    if (c->n > 0)
        qsort(c->e, c->n, sizeof *c->e, entry_cmp);
    /* the same msgid twice (e.g. in different contexts) is an error */
    for (size_t i = 1; i < c->n; i++) {
        if (strcmp(c->e[i - 1].key, c->e[i].key) == 0) {
            set_err(err, errcap, "%s: duplicate key '%s'", path, c->e[i].key);
            rc = TRYGG_ERR_CONFIG;
            goto out;
        }
    }
out:
    if (pe.failed && rc == TRYGG_ERR_CONFIG)
        set_err(err, errcap, "%s%s", pe.msg, "");
    if (it != NULL)
        po_message_iterator_free(it);
    po_file_free(file);
    if (rc != TRYGG_OK)
        catalog_free(c);
    return rc;
}

static int lang_ok(const char *s, size_t len)
{
    if (len == 0 || len > 7)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '-'))
            return 0;
    }
    return 1;
}

static int cat_cmp(const void *a, const void *b)
{
    const struct catalog *x = a, *y = b;
    if (strcmp(x->lang, "sv") == 0)
        return -1;
    if (strcmp(y->lang, "sv") == 0)
        return 1;
    return strcmp(x->lang, y->lang);
}

trygg_err trygg_i18n_load(const char *dir, trygg_i18n **out, char *err, size_t errcap)
{
    if (err != NULL && errcap > 0)
        err[0] = '\0';
    if (dir == NULL || out == NULL)
        return TRYGG_ERR_INVALID;
    *out = NULL;
    DIR *d = opendir(dir);
    if (d == NULL) {
        set_err(err, errcap, "%s: %s", dir, strerror(errno));
        return errno == ENOENT ? TRYGG_ERR_NOTFOUND : TRYGG_ERR_IO;
    }
    trygg_i18n *t = calloc(1, sizeof *t);
    if (t == NULL) {
        closedir(d);
        return TRYGG_ERR_NOMEM;
    }
    trygg_err rc = TRYGG_OK;
    struct dirent *de;
    while (rc == TRYGG_OK && (de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 4 || strcmp(de->d_name + l - 3, ".po") != 0 || de->d_name[0] == '.')
            continue;
        if (!lang_ok(de->d_name, l - 3)) {
            set_err(err, errcap, "%s/%s: file name is not <language>.po", dir, de->d_name);
            rc = TRYGG_ERR_CONFIG;
            break;
        }
        if (t->ncats >= I18N_MAX_LANGS) {
            set_err(err, errcap, "%s: more than 32 languages%s", dir, "");
            rc = TRYGG_ERR_CONFIG;
            break;
        }
        struct catalog *c = &t->cats[t->ncats];
        memset(c, 0, sizeof *c);
        snprintf(c->lang, sizeof c->lang, "%.*s", (int)(l - 3), de->d_name);
        char path[4096];
        rc = trygg_path_join(path, sizeof path, dir, de->d_name);
        if (rc == TRYGG_OK)
            rc = catalog_read(c, path, err, errcap);
        if (rc == TRYGG_OK)
            t->ncats++;
    }
    closedir(d);
    if (rc == TRYGG_OK) {
        qsort(t->cats, (size_t)t->ncats, sizeof t->cats[0], cat_cmp);
        if (t->ncats == 0 || strcmp(t->cats[0].lang, "sv") != 0) {
            set_err(err, errcap, "%s/sv.po: missing (Swedish is required)%s", dir, "");
            rc = TRYGG_ERR_CONFIG;
        }
    }
    if (rc != TRYGG_OK) {
        trygg_i18n_free(t);
        return rc;
    }
    *out = t;
    return TRYGG_OK;
}

void trygg_i18n_free(trygg_i18n *t)
{
    if (t == NULL)
        return;
    for (int i = 0; i < t->ncats; i++)
        catalog_free(&t->cats[i]);
    free(t);
}

/* ---------------------------------------------------------------- lookup */

static const struct catalog *find_cat(const trygg_i18n *t, const char *lang)
{
    if (lang == NULL)
        return NULL;
    for (int i = 0; i < t->ncats; i++)
        if (strcmp(t->cats[i].lang, lang) == 0)
            return &t->cats[i];
    /* "en_GB" / "sv-SE": try the language part */
    size_t base = strcspn(lang, "_-");
    if (lang[base] != '\0') {
        for (int i = 0; i < t->ncats; i++)
            if (strlen(t->cats[i].lang) == base && strncmp(t->cats[i].lang, lang, base) == 0)
                return &t->cats[i];
    }
    return NULL;
}

static const char *cat_get(const struct catalog *c, const char *key)
{
    if (c == NULL || c->n == 0)
        return NULL;
    struct entry k = {(char *)key, NULL};
    const struct entry *e = bsearch(&k, c->e, c->n, sizeof *c->e, entry_cmp);
    return e != NULL ? e->text : NULL;
}

const char *trygg_i18n_get(const trygg_i18n *t, const char *lang, const char *key)
{
    if (key == NULL)
        return "";
    if (t == NULL)
        return key;
    const char *s = cat_get(find_cat(t, lang), key);
    if (s == NULL)
        s = cat_get(&t->cats[0], key);
    return s != NULL ? s : key;
}

int trygg_i18n_has(const trygg_i18n *t, const char *lang, const char *key)
{
    if (t == NULL || key == NULL)
        return 0;
    return cat_get(find_cat(t, lang), key) != NULL;
}

int trygg_i18n_langs(const trygg_i18n *t, const char **langs, int max)
{
    if (t == NULL)
        return 0;
    int n = 0;
    for (int i = 0; i < t->ncats && n < max; i++)
        langs[n++] = t->cats[i].lang;
    return n;
}

int trygg_i18n_keys(const trygg_i18n *t, const char **keys, int max)
{
    if (t == NULL || t->ncats == 0)
        return 0;
    int n = 0;
    for (size_t i = 0; i < t->cats[0].n && n < max; i++)
        keys[n++] = t->cats[0].e[i].key;
    return n;
}

/* ------------------------------------------------------------ formatting */

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

trygg_err trygg_i18n_format(const char *fmt, const char *const *names, const char *const *values,
                            char *out, size_t cap)
{
    if (out == NULL || cap == 0)
        return TRYGG_ERR_TOOBIG;
    out[0] = '\0';
    if (fmt == NULL)
        return TRYGG_ERR_INVALID;
    size_t o = 0;
    const char *p = fmt;
    while (*p != '\0') {
        const char *piece = p;
        size_t plen = 1;
        if (*p == '{') {
            const char *q = p + 1;
            while (name_char(*q))
                q++;
            if (*q == '}' && q > p + 1 && names != NULL) {
                size_t nl = (size_t)(q - p - 1);
                for (size_t i = 0; names[i] != NULL; i++) {
                    if (strlen(names[i]) == nl && strncmp(names[i], p + 1, nl) == 0) {
                        piece = values != NULL && values[i] != NULL ? values[i] : "";
                        plen = strlen(piece);
                        p = q; /* p++ below skips the '}' */
                        break;
                    }
                }
            }
        }
        if (o + plen + 1 > cap) {
            out[0] = '\0';
            return TRYGG_ERR_TOOBIG;
        }
        memcpy(out + o, piece, plen);
        o += plen;
        p++;
    }
    out[o] = '\0';
    return TRYGG_OK;
}
