/*
 * web_queue.c — the queue: filters, full-text search, counts per status,
 * keyset paging (urgent first, newest first). What a user sees is narrowed
 * by web_access_filter() and every row again by web_access_view().
 */
#include "web.h"
#include "web_item.h"

#include "trygg/ref.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SIZE 50

/* ---- Status counts cache ----------------------------------------------------
 * Counting by status scans every matching item (about 0.1-0.4 s at a million
 * items), so counts are kept for COUNT_TTL seconds per filter. Any change made
 * through the web UI (web_counts_invalidate) drops the cache, so staff see
 * their own actions at once; changes from kiosks and SMS show within COUNT_TTL. */
#define COUNT_TTL   15
#define COUNT_SLOTS 64
typedef struct count_entry {
    trygg_filter f;
    int64_t counts[TRYGG_STATUS_COUNT];
    int64_t at;
    unsigned gen;
    int used;
} count_entry;
static count_entry count_cache[COUNT_SLOTS];
static unsigned count_gen;
static pthread_mutex_t count_mu = PTHREAD_MUTEX_INITIALIZER;

void web_counts_invalidate(void)
{
    pthread_mutex_lock(&count_mu);
    count_gen++;
    pthread_mutex_unlock(&count_mu);
}

static trygg_err counts_get(trygg_store *st, const trygg_filter *f, int64_t out[TRYGG_STATUS_COUNT])
{
    int64_t now = web_now();
    pthread_mutex_lock(&count_mu);
    unsigned gen = count_gen;
    for (int i = 0; i < COUNT_SLOTS; i++) {
        count_entry *e = &count_cache[i];
        if (e->used && e->gen == gen && now - e->at < COUNT_TTL && now >= e->at &&
            memcmp(&e->f, f, sizeof *f) == 0) {
            memcpy(out, e->counts, sizeof e->counts);
            pthread_mutex_unlock(&count_mu);
            return TRYGG_OK;
        }
    }
    pthread_mutex_unlock(&count_mu);
    trygg_err err = trygg_store_count_by_status(st, f, out);
    if (err)
        return err;
    pthread_mutex_lock(&count_mu);
    int slot = 0;
    for (int i = 0; i < COUNT_SLOTS; i++) {
        if (!count_cache[i].used || count_cache[i].gen != count_gen) {
            slot = i;
            break;
        }
        if (count_cache[i].at < count_cache[slot].at)
            slot = i;
    }
    count_entry *e = &count_cache[slot];
    e->f = *f;
    memcpy(e->counts, out, sizeof e->counts);
    e->at = now;
    e->gen = gen;
    e->used = 1;
    pthread_mutex_unlock(&count_mu);
    return TRYGG_OK;
}

static const char *const filter_args[] = {"q",        "status", "kind",   "channel",
                                          "category", "area",   "urgent", "destination",
                                          "from",     "to",     "mine",   "late"};
/* The arguments of the case-work tabs ("Mina ärenden", "Försenade"): the
 * status tabs leave them, the filter box does not show them. */
static int tab_arg(const char *name)
{
    return strcmp(name, "mine") == 0 || strcmp(name, "late") == 0;
}
#define NFILTER_ARGS (sizeof filter_args / sizeof filter_args[0])

static void copy_arg(char *dst, size_t cap, const char *v)
{
    if (!v || trygg_strset(dst, cap, v) != TRYGG_OK)
        dst[0] = '\0';
}

void web_filter_from_query(const http_req *req, trygg_filter *f)
{
    trygg_filter_init(f);
    const char *v;
    trygg_status s;
    trygg_kind k;
    trygg_channel c;
    v = http_query(req, "status");
    if (v && trygg_status_parse(v, &s) == TRYGG_OK)
        f->status = (int)s;
    else if (!v || strcmp(v, "all") != 0)
        f->open_only = 1; /* default: open items */
    if ((v = http_query(req, "kind")) && trygg_kind_parse(v, &k) == TRYGG_OK)
        f->kind = (int)k;
    if ((v = http_query(req, "channel")) && trygg_channel_parse(v, &c) == TRYGG_OK)
        f->channel = (int)c;
    if ((v = http_query(req, "urgent")) && (strcmp(v, "1") == 0 || strcmp(v, "0") == 0))
        f->urgent = v[0] - '0';
    copy_arg(f->category, sizeof f->category, http_query(req, "category"));
    copy_arg(f->area, sizeof f->area, http_query(req, "area"));
    copy_arg(f->destination, sizeof f->destination, http_query(req, "destination"));
    copy_arg(f->query, sizeof f->query, http_query(req, "q"));
    int64_t t;
    if ((v = http_query(req, "from")) && (t = web_parse_date(v)) > 0)
        f->from = t;
    if ((v = http_query(req, "to")) && (t = web_parse_date(v)) > 0)
        f->to = t + 86400; /* inclusive end date */
}

int web_cursor_parse(const char *s, trygg_cursor *c)
{
    memset(c, 0, sizeof *c);
    if (!s || !*s)
        return 0;
    int u;
    long long created, id;
    char tail;
    if (sscanf(s, "%d.%lld.%lld%c", &u, &created, &id, &tail) != 3 || (u != 0 && u != 1) ||
        created < 0 || id <= 0)
        return -1;
    c->valid = 1;
    c->urgent = u;
    c->created = created;
    c->id = id;
    return 0;
}

/* Appends "&name=value" for every filter argument in the request except
 * `skip` (may be NULL). */
static void filter_args_out(html_buf *b, const http_req *req, const char *skip)
{
    for (size_t i = 0; i < NFILTER_ARGS; i++) {
        const char *v = http_query(req, filter_args[i]);
        if (!v || !*v || (skip && strcmp(skip, filter_args[i]) == 0))
            continue;
        if (skip && strcmp(skip, "status") == 0 && tab_arg(filter_args[i]))
            continue;
        html_lit(b, "&amp;");
        html_attr(b, filter_args[i]);
        html_lit(b, "=");
        html_urlarg(b, v);
    }
}

static void option(html_buf *b, const web_ctx *w, const char *value, const char *label_key,
                   const char *current)
{
    html_lit(b, "<option value=\"");
    html_attr(b, value);
    html_lit(b, "\"");
    if (current && strcmp(current, value) == 0)
        html_lit(b, " selected");
    html_lit(b, ">");
    html_t(b, w, label_key);
    html_lit(b, "</option>");
}

static void enum_select(html_buf *b, const web_ctx *w, const char *name, const char *label_key,
                        const char *prefix, const char *(*namefn)(int), int count,
                        const char *current)
{
    html_lit(b, "<div class=\"field\"><label for=\"f-");
    html_attr(b, name);
    html_lit(b, "\">");
    html_t(b, w, label_key);
    html_lit(b, "</label><select id=\"f-");
    html_attr(b, name);
    html_lit(b, "\" name=\"");
    html_attr(b, name);
    html_lit(b, "\">");
    option(b, w, "", "filter.any", current ? current : "");
    for (int i = 0; i < count; i++) {
        char k[64];
        const char *n = namefn(i);
        if (!n[0])
            continue;
        option(b, w, n, web_enum_key(prefix, n, k), current);
    }
    html_lit(b, "</select></div>");
}

static const char *kind_n(int i)
{
    return trygg_kind_name((trygg_kind)i);
}
static const char *channel_n(int i)
{
    return trygg_channel_name((trygg_channel)i);
}

static void text_field(html_buf *b, const web_ctx *w, const char *name, const char *label_key,
                       const char *type, const char *value)
{
    html_lit(b, "<div class=\"field\"><label for=\"f-");
    html_attr(b, name);
    html_lit(b, "\">");
    html_t(b, w, label_key);
    html_lit(b, "</label><input id=\"f-");
    html_attr(b, name);
    html_lit(b, "\" name=\"");
    html_attr(b, name);
    html_lit(b, "\" type=\"");
    html_attr(b, type);
    html_lit(b, "\" value=\"");
    html_attr(b, value ? value : "");
    html_lit(b, "\" maxlength=\"100\"></div>");
}

void web_status_badge(html_buf *b, const web_ctx *w, const trygg_item *it)
{
    char k[64];
    html_lit(b, "<span class=\"badge st-");
    html_attr(b, trygg_status_name(it->status));
    html_lit(b, "\">");
    html_t(b, w, web_enum_key("status", trygg_status_name(it->status), k));
    html_lit(b, "</span>");
}

/* The instant before which a due date is past: now, to the minute (so the
 * counts cache can serve the tab for a while). */
static int64_t overdue_at(void)
{
    return web_now() / 60 * 60;
}

/* Open items matching `f` (counted through the cache). */
static int64_t open_count(trygg_store *st, const trygg_filter *f)
{
    int64_t counts[TRYGG_STATUS_COUNT] = {0}, open = 0;
    if (counts_get(st, f, counts) != TRYGG_OK)
        return 0;
    for (int s = 0; s < TRYGG_STATUS_COUNT; s++)
        if (s != TRYGG_STATUS_CLOSED)
            open += counts[s];
    return open;
}

/* One tab of the case-work tabs: /queue?<arg>=1 with its count. */
static void casework_tab(html_buf *b, web_ctx *w, const char *arg, const char *label_key,
                         int64_t count)
{
    const char *v = http_query(w->req, arg);
    html_lit(b, "<li><a href=\"/queue?");
    html_attr(b, arg);
    html_lit(b, "=1\"");
    if (v && strcmp(v, "1") == 0)
        html_lit(b, " aria-current=\"page\"");
    html_lit(b, ">");
    html_t(b, w, label_key);
    html_lit(b, " <span class=\"count\">");
    html_int(b, count);
    html_lit(b, "</span></a></li>");
}

/* "Mina ärenden" (open items assigned to the user) and "Försenade" (open
 * items past their due date), counted within what the user may see. */
static void casework_tabs(html_buf *b, web_ctx *w, int allowed)
{
    int64_t mine = 0, late = 0;
    if (allowed) {
        trygg_filter f;
        trygg_filter_init(&f);
        memcpy(f.assignee, w->sess.user.username, sizeof f.assignee);
        if (web_access_filter(&w->sess.user, &f))
            mine = open_count(w->st, &f);
        trygg_filter_init(&f);
        f.due_before = overdue_at();
        if (web_access_filter(&w->sess.user, &f))
            late = open_count(w->st, &f);
    }
    casework_tab(b, w, "mine", "queue.mine", mine);
    casework_tab(b, w, "late", "queue.overdue", late);
}

static void status_tabs(html_buf *b, web_ctx *w, const trygg_filter *base, int allowed)
{
    int64_t counts[TRYGG_STATUS_COUNT] = {0};
    if (allowed) {
        trygg_filter f;
        trygg_filter_init(&f); /* a canonical copy: the cache compares bytes */
        f.kind = base->kind;
        f.channel = base->channel;
        f.urgent = base->urgent;
        memcpy(f.category, base->category, sizeof f.category);
        memcpy(f.area, base->area, sizeof f.area);
        memcpy(f.destination, base->destination, sizeof f.destination);
        memcpy(f.sender, base->sender, sizeof f.sender);
        f.from = base->from;
        f.to = base->to;
        memcpy(f.query, base->query, sizeof f.query);
        memcpy(f.assignee, base->assignee, sizeof f.assignee);
        f.due_before = base->due_before;
        if (counts_get(w->st, &f, counts) != TRYGG_OK)
            memset(counts, 0, sizeof counts);
    }
    const char *cur = http_query(w->req, "status");
    int on_tab = base->assignee[0] || base->due_before > 0;
    int64_t open = 0;
    for (int s = 0; s < TRYGG_STATUS_COUNT; s++)
        if (s != TRYGG_STATUS_CLOSED)
            open += counts[s];
    html_lit(b, "<nav class=\"tabs\" aria-label=\"");
    html_t(b, w, "queue.tabs");
    html_lit(b, "\"><ul><li><a href=\"/queue?status=");
    filter_args_out(b, w->req, "status");
    html_lit(b, "\"");
    if ((!cur || !*cur) && !on_tab)
        html_lit(b, " aria-current=\"page\"");
    html_lit(b, ">");
    html_t(b, w, "queue.open");
    html_lit(b, " <span class=\"count\">");
    html_int(b, open);
    html_lit(b, "</span></a></li>");
    for (int s = 0; s < TRYGG_STATUS_COUNT; s++) {
        char k[64];
        const char *n = trygg_status_name((trygg_status)s);
        html_lit(b, "<li><a href=\"/queue?status=");
        html_urlarg(b, n);
        filter_args_out(b, w->req, "status");
        html_lit(b, "\"");
        if (cur && strcmp(cur, n) == 0)
            html_lit(b, " aria-current=\"page\"");
        html_lit(b, ">");
        html_t(b, w, web_enum_key("status", n, k));
        html_lit(b, " <span class=\"count\">");
        html_int(b, counts[s]);
        html_lit(b, "</span></a></li>");
    }
    casework_tabs(b, w, allowed);
    html_lit(b, "<li><a href=\"/queue?status=all");
    filter_args_out(b, w->req, "status");
    html_lit(b, "\"");
    if (cur && strcmp(cur, "all") == 0)
        html_lit(b, " aria-current=\"page\"");
    html_lit(b, ">");
    html_t(b, w, "queue.all");
    html_lit(b, "</a></li></ul></nav>");
}

static void filter_form(html_buf *b, web_ctx *w)
{
    const http_req *r = w->req;
    html_lit(b, "<form method=\"get\" action=\"/queue\" class=\"filters\" role=\"search\">"
                "<div class=\"field grow\"><label for=\"f-q\">");
    html_t(b, w, "filter.search");
    html_lit(b, "</label><input id=\"f-q\" name=\"q\" type=\"search\" maxlength=\"200\" value=\"");
    html_attr(b, http_query(r, "q") ? http_query(r, "q") : "");
    html_lit(b, "\"></div>");
    const char *st = http_query(r, "status");
    html_lit(b, "<div class=\"field\"><label for=\"f-status\">");
    html_t(b, w, "filter.status");
    html_lit(b, "</label><select id=\"f-status\" name=\"status\">");
    option(b, w, "", "queue.open", st ? st : "");
    for (int s = 0; s < TRYGG_STATUS_COUNT; s++) {
        char k[64];
        const char *n = trygg_status_name((trygg_status)s);
        option(b, w, n, web_enum_key("status", n, k), st);
    }
    option(b, w, "all", "queue.all", st);
    html_lit(b, "</select></div>");
    enum_select(b, w, "kind", "filter.kind", "kind", kind_n, TRYGG_KIND_COUNT,
                http_query(r, "kind"));
    enum_select(b, w, "channel", "filter.channel", "channel", channel_n, TRYGG_CHANNEL_COUNT,
                http_query(r, "channel"));
    html_lit(b, "<div class=\"field\"><label for=\"f-category\">");
    html_t(b, w, "filter.category");
    html_lit(b, "</label>");
    web_cat_select(b, w, "f-category", "category", http_query(r, "category"));
    html_lit(b, "</div><div class=\"field\"><label for=\"f-area\">");
    html_t(b, w, "filter.area");
    html_lit(b, "</label>");
    web_area_select(b, w, "f-area", "area", http_query(r, "area"), 1);
    html_lit(b, "</div>");
    if (web_access_is_security(&w->sess.user)) {
        const char *cur = http_query(r, "destination");
        html_lit(b, "<div class=\"field\"><label for=\"f-destination\">");
        html_t(b, w, "filter.destination");
        html_lit(b, "</label><select id=\"f-destination\" name=\"destination\">");
        option(b, w, "", "filter.any", cur ? cur : "");
        for (int i = 0; i < w->ndests; i++) {
            html_lit(b, "<option value=\"");
            html_attr(b, w->dests[i].name);
            html_lit(b, "\"");
            if (cur && strcmp(cur, w->dests[i].name) == 0)
                html_lit(b, " selected");
            html_lit(b, ">");
            html_text(b, w->dests[i].label);
            html_lit(b, "</option>");
        }
        html_lit(b, "</select></div>");
    }
    const char *urg = http_query(r, "urgent");
    html_lit(b, "<div class=\"field\"><label for=\"f-urgent\">");
    html_t(b, w, "filter.urgent");
    html_lit(b, "</label><select id=\"f-urgent\" name=\"urgent\">");
    option(b, w, "", "filter.any", urg ? urg : "");
    option(b, w, "1", "filter.urgent_yes", urg);
    option(b, w, "0", "filter.urgent_no", urg);
    html_lit(b, "</select></div>");
    text_field(b, w, "from", "filter.from", "date", http_query(r, "from"));
    text_field(b, w, "to", "filter.to", "date", http_query(r, "to"));
    html_lit(b, "<div class=\"field actions\"><button type=\"submit\" class=\"primary\">");
    html_t(b, w, "filter.apply");
    html_lit(b, "</button> <a href=\"/queue\" class=\"button\">");
    html_t(b, w, "filter.clear");
    html_lit(b, "</a></div></form>");
}

/* One row of the queue table: the item as this user may see it. */
static void item_row(html_buf *b, web_ctx *w, const trygg_item *v)
{
    char k[64], when[32];
    web_fmt_time(v->created, when);
    html_lit(b, "<tr");
    if (v->urgent)
        html_lit(b, " class=\"urgent\"");
    html_lit(b, "><td data-label=\"");
    html_t(b, w, "col.ref");
    /* The row's box for the bulk actions (web_bulk.c), labelled with its reference. */
    html_lit(b, "\"><input type=\"checkbox\" name=\"id\" value=\"");
    html_int(b, v->id);
    html_lit(b, "\" id=\"sel-");
    html_int(b, v->id);
    html_lit(b, "\"><label class=\"sr\" for=\"sel-");
    html_int(b, v->id);
    html_lit(b, "\">");
    html_t(b, w, "bulk.select");
    html_lit(b, " ");
    html_text(b, v->ref);
    html_lit(b, "</label><a href=\"/item/");
    html_int(b, v->id);
    html_lit(b, "\" class=\"ref\">");
    html_text(b, v->ref);
    html_lit(b, "</a>");
    if (v->urgent) {
        html_lit(b, " <span class=\"badge urgent\">");
        html_t(b, w, "item.urgent");
        html_lit(b, "</span>");
    }
    html_lit(b, "</td><td data-label=\"");
    html_t(b, w, "col.received");
    html_lit(b, "\">");
    html_text(b, when);
    html_lit(b, "<br><span class=\"muted\">");
    html_t(b, w, web_enum_key("channel", trygg_channel_name(v->channel), k));
    html_lit(b, "</span>");
    if (v->due_at > 0 && v->status != TRYGG_STATUS_CLOSED) {
        html_lit(b, "<br>");
        web_due_html(b, w, v);
    }
    html_lit(b, "</td><td data-label=\"");
    html_t(b, w, "col.kind");
    html_lit(b, "\">");
    html_t(b, w, web_enum_key("kind", trygg_kind_name(v->kind), k));
    if (v->category[0]) {
        html_lit(b, "<br><span class=\"muted\">");
        html_text(b, web_cat_label(w, v->category));
        html_lit(b, "</span>");
    }
    html_lit(b, "</td><td data-label=\"");
    html_t(b, w, "col.where");
    html_lit(b, "\">");
    html_text(b, web_area_label(w, v->area));
    if (v->place[0]) {
        html_lit(b, "<br><span class=\"muted\">");
        html_text(b, v->place);
        html_lit(b, "</span>");
    }
    html_lit(b, "</td><td data-label=\"");
    html_t(b, w, "col.text");
    html_lit(b, "\" class=\"text\">");
    if (v->purged)
        html_t(b, w, "item.purged");
    else
        web_item_excerpt(b, v->text, 140);
    html_lit(b, "</td><td data-label=\"");
    html_t(b, w, "col.status");
    html_lit(b, "\">");
    web_status_badge(b, w, v);
    if (v->destination[0]) {
        html_lit(b, "<br><span class=\"muted\">→ ");
        html_text(b, web_dest_label(w, v->destination));
        html_lit(b, "</span>");
    }
    html_lit(b, "</td></tr>");
}

/* The queue table of items[n] (rows the user may not see are left out),
 * inside the bulk form with the ids of the page for "all on this page". */
static void items_table(html_buf *b, web_ctx *w, const trygg_item *items, int n)
{
    web_bulk_form_open(b, w);
    html_lit(b, "<input type=\"hidden\" name=\"page_ids\" value=\"");
    for (int i = 0; i < n; i++) {
        if (i)
            html_lit(b, ",");
        html_int(b, items[i].id);
    }
    html_lit(b, "\">");
    html_lit(b, "<table class=\"queue items\"><caption class=\"sr\">");
    html_t(b, w, "queue.caption");
    html_lit(b, "</caption><thead><tr><th scope=\"col\">");
    html_t(b, w, "col.ref");
    html_lit(b, "</th><th scope=\"col\">");
    html_t(b, w, "col.received");
    html_lit(b, "</th><th scope=\"col\">");
    html_t(b, w, "col.kind");
    html_lit(b, "</th><th scope=\"col\">");
    html_t(b, w, "col.where");
    html_lit(b, "</th><th scope=\"col\">");
    html_t(b, w, "col.text");
    html_lit(b, "</th><th scope=\"col\">");
    html_t(b, w, "col.status");
    html_lit(b, "</th></tr></thead><tbody>");
    for (int i = 0; i < n; i++) {
        trygg_item v;
        if (web_access_view(&w->sess.user, &items[i], &v) == WEB_SEE_NONE)
            continue; /* belt and braces: the filter already narrowed it */
        item_row(b, w, &v);
    }
    html_lit(b, "</tbody></table></form>");
}

/* Links to the first page (when not on it) and the next one (when the page is full). */
static void pager(html_buf *b, web_ctx *w, const http_req *req, const trygg_cursor *after,
                  const trygg_cursor *next, int more)
{
    html_lit(b, "<nav class=\"pager\" aria-label=\"");
    html_t(b, w, "queue.paging");
    html_lit(b, "\">");
    if (after->valid) {
        html_lit(b, "<a class=\"button\" href=\"/queue?x=1");
        filter_args_out(b, req, NULL);
        html_lit(b, "\">");
        html_t(b, w, "queue.first_page");
        html_lit(b, "</a> ");
    }
    if (more) {
        char cur[80];
        snprintf(cur, sizeof cur, "%d.%" PRId64 ".%" PRId64, next->urgent ? 1 : 0, next->created,
                 next->id);
        html_lit(b, "<a class=\"button\" rel=\"next\" href=\"/queue?after=");
        html_urlarg(b, cur);
        filter_args_out(b, req, NULL);
        html_lit(b, "\">");
        html_t(b, w, "queue.next_page");
        html_lit(b, "</a>");
    }
    html_lit(b, "</nav>");
}

/* The case-work tabs' filters: mine=1 (assigned to the user), late=1
 * (open and past the due date). */
static void casework_filter(web_ctx *w, trygg_filter *f)
{
    const char *v = http_query(w->req, "mine");
    if (v && strcmp(v, "1") == 0)
        memcpy(f->assignee, w->sess.user.username, sizeof f->assignee);
    v = http_query(w->req, "late");
    if (v && strcmp(v, "1") == 0)
        f->due_before = overdue_at();
}

/* A search for a reference in any form ("52zp9j", "52 ZP9J", "52-zp9j")
 * goes straight to the item, when the user may see it. Otherwise (not a
 * reference, no such item, not the user's) it is an ordinary search, so
 * the answer never tells whether someone else's item exists. 1 when it
 * redirected. */
static int goto_reference(web_ctx *w, const http_req *req)
{
    const char *q = http_query(req, "q");
    char ref[TRYGG_REF_LEN + 1];
    if (!q || trygg_ref_normalise(q, ref) != TRYGG_OK)
        return 0;
    trygg_item *it = malloc(sizeof *it);
    int found = it &&
                trygg_store_get_by_ref_view(w->st, ref, web_access_store_view(&w->sess.user), it) ==
                    TRYGG_OK &&
                web_access_item(&w->sess.user, it) != WEB_SEE_NONE;
    if (found) {
        char path[64];
        snprintf(path, sizeof path, "/item/%" PRId64, it->id);
        http_resp_redirect(w->resp, path);
    }
    free(it);
    return found;
}

void web_queue_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    if (goto_reference(&w, req))
        return;
    trygg_filter f;
    web_filter_from_query(req, &f);
    casework_filter(&w, &f);
    int allowed = web_access_filter(&w.sess.user, &f);
    trygg_cursor after;
    if (web_cursor_parse(http_query(req, "after"), &after) != 0) {
        web_error(&w, 400, "error.bad_request");
        return;
    }
    trygg_item *items = calloc(PAGE_SIZE, sizeof *items);
    if (!items) {
        web_error(&w, 503, "error.unavailable");
        return;
    }
    int n = 0;
    trygg_cursor next = {0};
    trygg_err e = TRYGG_OK;
    if (allowed)
        e = trygg_store_list(w.st, &f, after.valid ? &after : NULL, items, PAGE_SIZE, &n, &next);

    html_buf b;
    html_init(&b, 4 * 1024 * 1024);
    web_page_begin(&b, &w, "queue.title", "queue");
    html_lit(&b, "<div class=\"head\"><h1>");
    html_t(&b, &w, "queue.title");
    html_lit(&b, "</h1><a class=\"button\" href=\"/export.csv?x=1");
    filter_args_out(&b, req, NULL);
    html_lit(&b, "\" download>");
    html_t(&b, &w, "queue.export");
    html_lit(&b, "</a><a class=\"button\" href=\"/export.xlsx?x=1");
    filter_args_out(&b, req, NULL);
    html_lit(&b, "\" download>");
    html_t(&b, &w, "queue.export_xlsx");
    html_lit(&b, "</a></div>");
    if (!web_access_is_security(&w.sess.user)) {
        html_lit(&b, "<p class=\"note\">");
        html_t(&b, &w, "queue.scrubbed_note");
        html_lit(&b, "</p>");
    }
    status_tabs(&b, &w, &f, allowed);
    html_lit(&b, "<details class=\"filterbox\"");
    int any = 0;
    for (size_t i = 0; i < NFILTER_ARGS; i++) {
        const char *v = http_query(req, filter_args[i]);
        if (v && *v && strcmp(filter_args[i], "status") != 0 && !tab_arg(filter_args[i]))
            any = 1;
    }
    if (any)
        html_lit(&b, " open");
    html_lit(&b, "><summary>");
    html_t(&b, &w, "filter.title");
    html_lit(&b, "</summary>");
    filter_form(&b, &w);
    html_lit(&b, "</details>");
    web_bulk_result_html(&b, &w);

    if (e != TRYGG_OK) {
        html_lit(&b, "<p class=\"flash error\" role=\"alert\">");
        html_t(&b, &w, e == TRYGG_ERR_INVALID ? "queue.bad_query" : "error.unavailable");
        html_lit(&b, "</p>");
    } else if (n == 0) {
        html_lit(&b, "<p class=\"empty\">");
        html_t(&b, &w, after.valid ? "queue.no_more" : "queue.empty");
        html_lit(&b, "</p>");
    } else {
        items_table(&b, &w, items, n);
    }
    pager(&b, &w, req, &after, &next, e == TRYGG_OK && next.valid && n == PAGE_SIZE);
    web_page_end(&b, &w);
    free(items);
    html_send(&b, resp, 200);
}
