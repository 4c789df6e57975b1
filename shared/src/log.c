/*
 * log.c — one-line log messages on stderr.
 *
 * Each message is formatted into a bounded local buffer first and written
 * with a single fputs, so lines from several threads do not interleave.
 * Newlines inside a message are replaced by spaces (one message, one line).
 */
#include "trygg/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LOG_LINE_MAX 2048

static const char *log_component = "trygg";
static atomic_int log_min_level = TRYGG_LOG_INFO;
static atomic_int log_systemd = 0;

void trygg_log_init(const char *component)
{
    if (component != NULL && component[0] != '\0')
        log_component = component;
    const char *lvl = getenv("TRYGG_LOG_LEVEL");
    if (lvl != NULL) {
        if (strcasecmp(lvl, "debug") == 0)
            atomic_store(&log_min_level, TRYGG_LOG_DEBUG);
        else if (strcasecmp(lvl, "info") == 0)
            atomic_store(&log_min_level, TRYGG_LOG_INFO);
        else if (strcasecmp(lvl, "warn") == 0 || strcasecmp(lvl, "warning") == 0)
            atomic_store(&log_min_level, TRYGG_LOG_WARN);
        else if (strcasecmp(lvl, "err") == 0 || strcasecmp(lvl, "error") == 0)
            atomic_store(&log_min_level, TRYGG_LOG_ERR);
    }
    const char *sd = getenv("TRYGG_LOG_SYSTEMD");
    atomic_store(&log_systemd, sd != NULL && strcmp(sd, "1") == 0);
}

void trygg_log_set_level(enum trygg_log_level level)
{
    atomic_store(&log_min_level, (int)level);
}

static const char *level_name(enum trygg_log_level level)
{
    switch (level) {
    case TRYGG_LOG_ERR:
        return "error";
    case TRYGG_LOG_WARN:
        return "warning";
    case TRYGG_LOG_INFO:
        return "info";
    case TRYGG_LOG_DEBUG:
        return "debug";
    }
    return "log";
}

void trygg_log(enum trygg_log_level level, const char *fmt, ...)
{
    if ((int)level > atomic_load(&log_min_level))
        return;

    char line[LOG_LINE_MAX];
    int off;
    if (atomic_load(&log_systemd))
        off = snprintf(line, sizeof line, "<%d>%s: ", (int)level, log_component);
    else
        off = snprintf(line, sizeof line, "%s %s: ", level_name(level), log_component);
    if (off < 0 || (size_t)off >= sizeof line)
        off = 0;

    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line + off, sizeof line - (size_t)off - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    size_t len = strlen(line);
    for (size_t i = (size_t)off; i < len; i++) {
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = ' ';
    }
    line[len] = '\n';
    line[len + 1] = '\0';
    fputs(line, stderr);
}
