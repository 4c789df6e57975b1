/*
 * log.h — logging to stderr (journald picks it up under systemd).
 *
 * One line per message: "<level> <component>: message". The level prefix uses
 * the sd-daemon "<N>" syntax when TRYGG_LOG_SYSTEMD=1 is set in the
 * environment, so journald records priorities. Thread-safe (one fprintf per
 * line). Never logs phone numbers: callers pass pseudonyms or aliases.
 */
#ifndef TRYGG_LOG_H
#define TRYGG_LOG_H

enum trygg_log_level {
    TRYGG_LOG_ERR = 3,
    TRYGG_LOG_WARN = 4,
    TRYGG_LOG_INFO = 6,
    TRYGG_LOG_DEBUG = 7
};

/* Sets the component name shown in every line (e.g. "smsgw") and the minimum
 * level printed (default INFO; TRYGG_LOG_LEVEL=debug in the environment
 * lowers it). `component` must outlive all logging. */
void trygg_log_init(const char *component);
void trygg_log_set_level(enum trygg_log_level level);

void trygg_log(enum trygg_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define TRYGG_ERR(...)   trygg_log(TRYGG_LOG_ERR, __VA_ARGS__)
#define TRYGG_WARN(...)  trygg_log(TRYGG_LOG_WARN, __VA_ARGS__)
#define TRYGG_INFO(...)  trygg_log(TRYGG_LOG_INFO, __VA_ARGS__)
#define TRYGG_DEBUG(...) trygg_log(TRYGG_LOG_DEBUG, __VA_ARGS__)

#endif
