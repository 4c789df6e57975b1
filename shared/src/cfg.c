/*
 * cfg.c — one way for every part to read its INI config (inih underneath).
 *
 * inih as shipped by Debian is built without line numbers for the handler and
 * with a 200-byte line buffer. So inih reads through our own reader function
 * (ini_parse_stream), which:
 *   - counts physical lines, so the handler knows the line it is called for
 *     (inih calls the reader once per line and the handler before the next
 *     read);
 *   - reads each physical line whole (up to CFG_LINE_MAX bytes; longer lines
 *     are errors) and checks it is UTF-8 without control characters;
 *   - reports lines inih would reject (no '=' or ':', unclosed section) itself,
 *     so every error is collected, not only the first one;
 *   - strips leading blanks, so an indented line is never taken as an inih
 *     "multi-line continuation" of the previous value;
 *   - hands a "name = value" line that does not fit inih's buffer to inih as
 *     "name = <marker>" and keeps the value aside; the wrapper handler puts
 *     the real value back.
 */
#include "trygg/cfg.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "trygg/copy.h"
#include "trygg/text.h"

#define CFG_LINE_MAX 1000
#define LONG_MARK    "\x1f"

struct cfg_ctx {
    FILE *f;
    trygg_cfg_errors *e;
    trygg_cfg_handler h;
    void *user;
    int line;
    int line_failed;          /* an error was already recorded for this line */
    char value[CFG_LINE_MAX]; /* value of a line too long for inih's buffer */
    int has_long;
    int section_calls; /* call h with name == NULL at section headers */
    int nfail;         /* errors seen (reader errors + handler returning 0) */
    int skip;          /* after a broken section header: ignore keys until the next */
};

int trygg_cfg_fail(trygg_cfg_errors *e, int line, const char *fmt, ...)
{
    if (e == NULL)
        return 0;
    e->total++;
    if (e->errs == NULL || e->n >= e->max)
        return 0;
    trygg_cfg_error *err = &e->errs[e->n++];
    TRYGG_COPY_TRUNC(err->file,
                     e->file != NULL
                         ? e->file
                         : "(config)"); /* a file name in an error report: shortened is fine */
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return 0;
}

int trygg_cfg_int(const char *v, long min, long max, long *out)
{
    if (v == NULL || *v == '\0')
        return 0;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno != 0 || *end != '\0' || x < min || x > max)
        return 0;
    *out = x;
    return 1;
}

int trygg_cfg_bool(const char *v, int *out)
{
    if (v == NULL)
        return 0;
    static const char *yes[] = {"yes", "true", "1", "on"};
    static const char *no[] = {"no", "false", "0", "off"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = 1;
            return 1;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = 0;
            return 1;
        }
    }
    return 0;
}

int trygg_cfg_str(const char *v, char *out, size_t cap)
{
    if (v == NULL || out == NULL || cap == 0)
        return 0;
    size_t len = strlen(v);
    if (len >= cap || !trygg_utf8_valid(v, len))
        return 0;
    memcpy(out, v, len + 1);
    return 1;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims an inih-style value: inline "; comment" (after a blank) and the
 * surrounding blanks. */
static void trim_value(char *v)
{
    for (char *p = v; *p != '\0'; p++) {
        if (*p == ';' && p > v && is_blank(p[-1])) {
            *p = '\0';
            break;
        }
    }
    size_t n = strlen(v);
    while (n > 0 && is_blank(v[n - 1]))
        v[--n] = '\0';
    size_t s = 0;
    while (is_blank(v[s]))
        s++;
    memmove(v, v + s, n - s + 1);
}

/* Reads one physical line into buf[cap]; returns its length (without the
 * newline), -1 at EOF, or CFG_LINE_MAX + 1 if it was longer (rest skipped). */
static long read_line(FILE *f, char *buf, size_t cap)
{
    size_t n = 0;
    int c;
    int any = 0;
    int over = 0;
    while ((c = getc(f)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (n + 1 < cap)
            buf[n++] = (char)c;
        else
            over = 1;
    }
    buf[n] = '\0';
    if (!any)
        return -1;
    return over ? CFG_LINE_MAX + 1 : (long)n;
}

static char *cfg_reader(char *str, int num, void *stream)
{
    struct cfg_ctx *c = stream;
    char buf[CFG_LINE_MAX + 2];
    long n = read_line(c->f, buf, sizeof buf);
    if (n < 0 || num < 4)
        return NULL;
    c->line++;
    c->line_failed = 0;
    c->has_long = 0;
    strcpy(str, "\n"); /* what inih gets for a line we reject */

    if (n > CFG_LINE_MAX) {
        c->line_failed = 1;
        c->nfail++;
        trygg_cfg_fail(c->e, c->line, "line too long (over %d bytes)", CFG_LINE_MAX);
        return str;
    }
    if (n > 0 && buf[n - 1] == '\r')
        buf[--n] = '\0';
    /* A UTF-8 byte order mark is allowed at the start of the file. */
    char *s = buf;
    if (c->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    if (!trygg_utf8_valid(s, strlen(s)) || strlen(s) != (size_t)(n - (s - buf))) {
        c->line_failed = 1;
        c->nfail++;
        trygg_cfg_fail(c->e, c->line, "line is not valid UTF-8 text");
        return str;
    }
    while (*s == ' ' || *s == '\t')
        s++;
    if (strchr(s, '\t') != NULL) {
        for (char *p = s; *p; p++)
            if (*p == '\t')
                *p = ' ';
    }
    if (*s == '\0' || *s == ';' || *s == '#')
        return str;
    size_t len = strlen(s);
    if (*s == '[') {
        char *close = strchr(s, ']');
        if (close == NULL) {
            c->line_failed = 1;
            c->nfail++;
            c->skip = 1;
            trygg_cfg_fail(c->e, c->line, "section header without ']'");
            return str;
        }
        if ((size_t)(close - s) + 3 > (size_t)num) {
            c->line_failed = 1;
            c->nfail++;
            c->skip = 1;
            trygg_cfg_fail(c->e, c->line, "section name too long");
            return str;
        }
        c->skip = 0;
        memcpy(str, s, (size_t)(close - s) + 1);
        strcpy(str + (close - s) + 1, "\n");
        if (c->section_calls) {
            char name[CFG_LINE_MAX];
            snprintf(name, sizeof name, "%.*s", (int)(close - s - 1), s + 1);
            if (c->h(c->user, c->e, name, NULL, NULL, c->line) == 0)
                c->nfail++;
        }
        return str;
    }
    if (c->skip)
        return str; /* keys of a broken section: reported once, at its header */
    size_t eq = strcspn(s, "=:");
    if (s[eq] == '\0') {
        c->line_failed = 1;
        c->nfail++;
        trygg_cfg_fail(c->e, c->line, "expected 'name = value' or '[section]'");
        return str;
    }
    if (len + 2 <= (size_t)num) {
        memcpy(str, s, len);
        strcpy(str + len, "\n");
        return str;
    }
    /* Too long for inih's buffer: keep the value, pass a marker. */
    if (eq + sizeof LONG_MARK + 3 > (size_t)num) {
        c->line_failed = 1;
        c->nfail++;
        trygg_cfg_fail(c->e, c->line, "name too long");
        return str;
    }
    if (!TRYGG_COPY(c->value, s + eq + 1)) {
        c->line_failed = 1;
        c->nfail++;
        trygg_cfg_fail(c->e, c->line, "value too long");
        return str;
    }
    trim_value(c->value);
    c->has_long = 1;
    memcpy(str, s, eq + 1);
    memcpy(str + eq + 1, LONG_MARK "\n", sizeof LONG_MARK "\n"); /* room checked above */
    return str;
}

static int cfg_handler(void *user, const char *section, const char *name, const char *value)
{
    struct cfg_ctx *c = user;
    if (c->has_long && strcmp(value, LONG_MARK) == 0)
        value = c->value;
    if (c->h(c->user, c->e, section, name, value, c->line) == 0)
        c->nfail++;
    return 1; /* keep going: every error is collected */
}

static trygg_err cfg_parse(const char *path, trygg_cfg_handler h, void *user, trygg_cfg_errors *e,
                           int section_calls)
{
    if (path == NULL || h == NULL || e == NULL)
        return TRYGG_ERR_INVALID;
    e->file = path;
    int before = e->n;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        trygg_cfg_fail(e, 0, "cannot open: %s", strerror(errno));
        return TRYGG_ERR_IO;
    }
    struct cfg_ctx *c = calloc(1, sizeof *c);
    if (c == NULL) {
        fclose(f);
        return TRYGG_ERR_NOMEM;
    }
    c->f = f;
    c->e = e;
    c->h = h;
    c->user = user;
    c->section_calls = section_calls;
    int r = ini_parse_stream(cfg_reader, c, cfg_handler, c);
    int rerr = ferror(f);
    fclose(f);
    if (r > 0) {
        /* Something inih rejected that the reader did not catch. */
        int seen = 0;
        for (int i = before; i < e->n; i++)
            if (e->errs[i].line == r)
                seen = 1;
        if (!seen) {
            trygg_cfg_fail(e, r, "syntax error");
            c->nfail++;
        }
    } else if (r < 0) {
        free(c);
        return TRYGG_ERR_NOMEM;
    }
    int nfail = c->nfail;
    free(c);
    if (rerr) {
        trygg_cfg_fail(e, 0, "read error");
        return TRYGG_ERR_IO;
    }
    return (nfail > 0 || e->n > before) ? TRYGG_ERR_CONFIG : TRYGG_OK;
}

trygg_err trygg_cfg_parse(const char *path, trygg_cfg_handler h, void *user, trygg_cfg_errors *e)
{
    return cfg_parse(path, h, user, e, 0);
}

trygg_err trygg_cfg_parse_sections(const char *path, trygg_cfg_handler h, void *user,
                                   trygg_cfg_errors *e)
{
    return cfg_parse(path, h, user, e, 1);
}

void trygg_cfg_print(const trygg_cfg_errors *e)
{
    if (e == NULL || e->errs == NULL)
        return;
    for (int i = 0; i < e->n; i++)
        fprintf(stderr, "%s:%d: %s\n", e->errs[i].file, e->errs[i].line, e->errs[i].msg);
}
