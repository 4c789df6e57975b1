/*
 * web_item_audit.c — one audit row in words: the store writes its details
 * in stable machine form ("forwarded -> triaged", "closed (police)",
 * "category: a -> b; area: x -> y", "housing -> security", "concern K7-4QX2
 * via kiosk"); here every status, reason, kind, channel, category, area and
 * recipient becomes its label from the catalogs and "->" an arrow. A detail
 * of an unknown shape is shown as it is.
 */
#include "web.h"
#include "web_item.h"

#include "trygg/copy.h"

#include <stdio.h>
#include <string.h>

#define ARROW " \xE2\x86\x92 " /* → */

/* The catalog label of enum value `name` under `prefix` ("status.new"), or
 * `name` itself when the catalog has none. */
static void enum_label(html_buf *b, const web_ctx *w, const char *prefix, const char *name)
{
    char k[64];
    const char *key = web_enum_key(prefix, name, k);
    if (w->srv && w->srv->web_text && trygg_i18n_has(w->srv->web_text, "sv", key))
        html_t(b, w, key);
    else
        html_text(b, name);
}

/* Splits "a -> b" into a[cap] and the text after the arrow; 0 without one. */
static int split_arrow(const char *s, char *a, size_t cap, const char **rest)
{
    const char *arrow = strstr(s, " -> ");
    if (!arrow || (size_t)(arrow - s) >= cap)
        return 0;
    memcpy(a, s, (size_t)(arrow - s));
    a[arrow - s] = '\0';
    *rest = arrow + 4;
    return 1;
}

/* "from -> to[ (note)]" of a status change. */
static void status_detail(html_buf *b, const web_ctx *w, const char *d)
{
    char from[32], to[32];
    const char *rest;
    if (!split_arrow(d, from, sizeof from, &rest)) {
        html_text(b, d);
        return;
    }
    const char *paren = strstr(rest, " (");
    size_t tl = paren ? (size_t)(paren - rest) : strlen(rest);
    if (tl >= sizeof to) {
        html_text(b, d);
        return;
    }
    memcpy(to, rest, tl);
    to[tl] = '\0';
    enum_label(b, w, "status", from);
    html_lit(b, ARROW);
    enum_label(b, w, "status", to);
    if (!paren)
        return;
    char note[64];
    trygg_copy_trunc(note, sizeof note, paren + 2); /* display only */
    size_t nl = strlen(note);
    if (nl && note[nl - 1] == ')')
        note[nl - 1] = '\0';
    html_lit(b, " (");
    if (strcmp(note, "reopened") == 0)
        html_t(b, w, "audit.reopened");
    else if (strncmp(note, "duplicate of ", 13) == 0) {
        html_t(b, w, "audit.duplicate_of");
        html_lit(b, " ");
        html_text(b, note + 13);
    } else
        enum_label(b, w, "reason", note);
    html_lit(b, ")");
}

/* One "field: a -> b" of an edit. */
static void edit_part(html_buf *b, const web_ctx *w, const char *part)
{
    char field[32], from[TRYGG_NAME_MAX + 1];
    const char *colon = strstr(part, ": "), *to;
    if (!colon || (size_t)(colon - part) >= sizeof field ||
        !split_arrow(colon + 2, from, sizeof from, &to)) {
        html_text(b, part);
        return;
    }
    memcpy(field, part, (size_t)(colon - part));
    field[colon - part] = '\0';
    char key[48];
    snprintf(key, sizeof key, "item.%s", field);
    html_t(b, w, key);
    html_lit(b, ": ");
    const char *vals[2] = {from, to};
    for (int i = 0; i < 2; i++) {
        if (i)
            html_lit(b, ARROW);
        if (!vals[i][0])
            html_t(b, w, "item.no_category");
        else if (strcmp(field, "kind") == 0)
            enum_label(b, w, "kind", vals[i]);
        else if (strcmp(field, "category") == 0)
            html_text(b, web_cat_label(w, vals[i]));
        else if (strcmp(field, "area") == 0)
            html_text(b, web_area_label(w, vals[i]));
        else
            html_text(b, vals[i]);
    }
}

static void edit_detail(html_buf *b, const web_ctx *w, const char *d)
{
    char buf[512];
    if (!TRYGG_COPY(buf, d)) {
        html_text(b, d);
        return;
    }
    int first = 1;
    for (char *save = NULL, *p = strtok_r(buf, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
        while (*p == ' ')
            p++;
        if (!first)
            html_lit(b, "; ");
        edit_part(b, w, p);
        first = 0;
    }
}

/* "kind REF via channel" of a new item. */
static void created_detail(html_buf *b, const web_ctx *w, const char *d)
{
    char kind[32], ref[16], channel[32];
    if (sscanf(d, "%31s %15s via %31s", kind, ref, channel) != 3) {
        html_text(b, d);
        return;
    }
    enum_label(b, w, "kind", kind);
    html_lit(b, " ");
    html_text(b, ref);
    html_lit(b, ", ");
    enum_label(b, w, "channel", channel);
}

void web_item_audit_detail(html_buf *b, const web_ctx *w, const char *action, const char *d)
{
    char from[TRYGG_NAME_MAX + 1];
    const char *to;
    if (strcmp(action, "status") == 0)
        status_detail(b, w, d);
    else if (strcmp(action, "edit") == 0)
        edit_detail(b, w, d);
    else if (strcmp(action, "created") == 0)
        created_detail(b, w, d);
    else if (strcmp(action, "route") == 0 && split_arrow(d, from, sizeof from, &to)) {
        html_text(b, strcmp(from, "-") == 0 ? "-" : web_dest_label(w, from));
        html_lit(b, ARROW);
        html_text(b, web_dest_label(w, to));
    } else if (strcmp(action, "copy") == 0) {
        html_text(b, web_dest_label(w, d));
    } else if (strcmp(action, "urgent") == 0 || strcmp(action, "purge") == 0 ||
               strcmp(action, "callback") == 0 || strcmp(action, "note") == 0 ||
               strcmp(action, "message") == 0 || strcmp(action, "reply") == 0 ||
               strcmp(action, "auto_reply") == 0) {
        char k[64];
        snprintf(k, sizeof k, "audit.%s.%s", action,
                 strcmp(action, "callback") == 0 ? "visible" : d);
        if (w->srv && w->srv->web_text && trygg_i18n_has(w->srv->web_text, "sv", k))
            html_t(b, w, k);
        else
            html_text(b, d);
    } else
        html_text(b, d);
}
