/*
 * deadline.c — due dates, the fill pass and the daily overdue mail (see
 * deadline.h).
 */
#include "worker.h"
#include "deadline.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "trygg/buf.h"
#include "trygg/log.h"
#include "trygg/time.h"
#include "trygg/workdays.h"

#define FILL_BATCH 64
#define MAIL_LINES 40 /* items listed in one mail (the outbox payload is < 8 KiB) */

static int days_for(const config_deadlines *d, const trygg_item *it)
{
    int days = d->kind_days[it->kind];
    for (int i = 0; i < d->ncats; i++)
        if (it->category[0] && strcmp(d->cats[i].id, it->category) == 0)
            days = d->cats[i].days;
    if (it->urgent && d->urgent != CONFIG_DUE_NONE && (days == CONFIG_DUE_NONE || d->urgent < days))
        days = d->urgent;
    return days;
}

int64_t deadline_of(const server_config *cfg, const trygg_item *it)
{
    if ((int)it->kind < 0 || it->kind >= TRYGG_KIND_COUNT)
        return TRYGG_DUE_NONE;
    int days;
    if (cfg->catalog) {
        days = days_for(&cfg->catalog->deadlines, it);
    } else {
        config_deadlines *def = malloc(sizeof *def);
        if (def == NULL)
            return 0; /* not computed: the fill pass tries again */
        config_deadlines_defaults(def);
        days = days_for(def, it);
        free(def);
    }
    if (days == CONFIG_DUE_NONE)
        return TRYGG_DUE_NONE;
    return trygg_workdays_due(it->created > 0 ? it->created : (int64_t)time(NULL), days);
}

void deadline_day(int64_t due_at, char out[16])
{
    out[0] = '\0';
    if (due_at > 0)
        trygg_time_format(due_at - 1, "%Y-%m-%d", out, 16);
}

trygg_err deadline_set(const server_config *cfg, trygg_store *st, trygg_item *it)
{
    int64_t due = deadline_of(cfg, it);
    trygg_err rc = trygg_store_set_due(st, it->id, due);
    if (rc == TRYGG_OK)
        it->due_at = due < 0 ? TRYGG_DUE_NONE : due;
    return rc;
}

/* One transaction: due dates of ids[n]. */
static trygg_err fill_batch(const server_ctx *ctx, trygg_store *st, const int64_t *ids, int n)
{
    trygg_item *it = malloc(sizeof *it);
    trygg_err rc = it ? trygg_store_begin(st) : TRYGG_ERR_NOMEM;
    for (int i = 0; rc == TRYGG_OK && i < n; i++) {
        rc = trygg_store_get(st, ids[i], it);
        if (rc == TRYGG_OK)
            rc = deadline_set(&ctx->cfg, st, it);
        if (rc == TRYGG_OK && it->due_at == 0)
            rc = TRYGG_ERR_NOMEM;
    }
    if (it && rc == TRYGG_OK)
        rc = trygg_store_commit(st);
    else if (it)
        trygg_store_rollback(st);
    free(it);
    return rc;
}

trygg_err deadline_fill(const server_ctx *ctx, trygg_store *st, const char *owner, int64_t now,
                        int *filled)
{
    *filled = 0;
    trygg_err rc = trygg_store_job_lease(st, "deadlines", owner, now, 300);
    if (rc != TRYGG_OK)
        return rc;
    int64_t ids[FILL_BATCH];
    int n = 0;
    do {
        rc = trygg_store_list_undue(st, ids, FILL_BATCH, &n);
        if (rc == TRYGG_OK && n > 0)
            rc = fill_batch(ctx, st, ids, n);
        if (rc == TRYGG_OK)
            *filled += n;
    } while (rc == TRYGG_OK && n == FILL_BATCH);
    if (trygg_store_job_release(st, "deadlines", owner) != TRYGG_OK)
        TRYGG_WARN("deadlines: releasing the job lease failed: %s", trygg_store_errmsg(st));
    return rc;
}

/* ---- the daily overdue mail ------------------------------------------------------ */

static const char *text(const server_ctx *ctx, const char *key)
{
    return ctx->web_text ? trygg_i18n_get(ctx->web_text, "sv", key) : key;
}

/* Appends catalog text `key` with {names} filled in, and a newline. */
static int add_line(trygg_buf *b, const server_ctx *ctx, const char *key, const char *const *names,
                    const char *const *values)
{
    char line[1024];
    if (trygg_i18n_format(text(ctx, key), names, values, line, sizeof line) != TRYGG_OK)
        return -1;
    return trygg_buf_puts(b, line) == TRYGG_OK && trygg_buf_puts(b, "\n") == TRYGG_OK ? 0 : -1;
}

static const char *cat_label(const server_ctx *ctx, const trygg_item *it)
{
    if (it->category[0] == '\0')
        return text(ctx, "deadline.no_category");
    const config_category *c = config_category_find(&ctx->cfg, (int)it->kind, it->category);
    if (c == NULL)
        c = config_category_find(&ctx->cfg, -1, it->category);
    return c ? config_label(c->label, "sv", c->id) : it->category;
}

/* The body: an intro, one line per item (up to MAIL_LINES), "n more", the
 * link to the late tab. */
static int mail_body(trygg_buf *b, const server_ctx *ctx, const char *dest, const trygg_item *items,
                     int n, int64_t total, int64_t now)
{
    char today[16], num[24], due[16], link[400];
    trygg_time_format(now, "%Y-%m-%d", today, sizeof today);
    const char *in[] = {"dest", "date", NULL}, *iv[] = {dest, today, NULL};
    if (add_line(b, ctx, "deadline.mail_intro", in, iv) != 0 || trygg_buf_puts(b, "\n") != TRYGG_OK)
        return -1;
    const char *url = ctx->cfg.public_url;
    for (int i = 0; i < n && i < MAIL_LINES; i++) {
        deadline_day(items[i].due_at, due);
        const char *ln[] = {"ref", "category", "due", NULL};
        const char *lv[] = {items[i].ref, cat_label(ctx, &items[i]), due, NULL};
        if (add_line(b, ctx, "deadline.mail_line", ln, lv) != 0)
            return -1;
        if (url[0]) {
            snprintf(link, sizeof link, "  %s/item/%lld\n", url, (long long)items[i].id);
            if (trygg_buf_puts(b, link) != TRYGG_OK)
                return -1;
        }
    }
    if (total > MAIL_LINES) {
        snprintf(num, sizeof num, "%lld", (long long)(total - MAIL_LINES));
        const char *mn[] = {"n", NULL}, *mv[] = {num, NULL};
        if (add_line(b, ctx, "deadline.mail_more", mn, mv) != 0)
            return -1;
    }
    if (url[0]) {
        snprintf(link, sizeof link, "%s/queue?late=1", url);
        const char *ln[] = {"link", NULL}, *lv[] = {link, NULL};
        if (trygg_buf_puts(b, "\n") != TRYGG_OK || add_line(b, ctx, "deadline.mail_all", ln, lv))
            return -1;
    }
    return 0;
}

/* Queues the mail of recipient `d` (full access as the routing config
 * says), if it has overdue items; *queued += 1 then. */
static trygg_err mail_one(const server_ctx *ctx, trygg_store *st, const trygg_destination *d,
                          int full, int64_t now, int *queued)
{
    trygg_filter f;
    trygg_filter_init(&f);
    memcpy(f.destination, d->name, sizeof f.destination);
    f.due_before = now;
    /* What the department may see: its shared copy; tips and call-backs
     * only go to full-access recipients (server/web_access.c). */
    f.view = full ? TRYGG_VIEW_FULL : TRYGG_VIEW_SHARED;
    trygg_item *items = malloc(MAIL_LINES * sizeof *items);
    if (items == NULL)
        return TRYGG_ERR_NOMEM;
    int n = 0, kept = 0;
    int64_t counts[TRYGG_STATUS_COUNT], total = 0;
    trygg_err rc = trygg_store_list(st, &f, NULL, items, MAIL_LINES, &n, NULL);
    if (rc == TRYGG_OK)
        rc = trygg_store_count_by_status(st, &f, counts);
    for (int s = 0; rc == TRYGG_OK && s < TRYGG_STATUS_COUNT; s++)
        total += counts[s];
    for (int i = 0; i < n; i++)
        if (full || (items[i].kind != TRYGG_KIND_TIP && items[i].kind != TRYGG_KIND_CALLBACK))
            items[kept++] = items[i];
    total -= n - kept;
    trygg_buf body;
    trygg_buf_init(&body, 7000);
    const char *label = d->label[0] ? d->label : d->name;
    if (rc == TRYGG_OK && kept > 0 && mail_body(&body, ctx, label, items, kept, total, now) != 0)
        rc = trygg_buf_err(&body) ? trygg_buf_err(&body) : TRYGG_ERR_TOOBIG;
    if (rc == TRYGG_OK && kept > 0) {
        char num[24], subject[512];
        snprintf(num, sizeof num, "%lld", (long long)total);
        const char *sn[] = {"n", "dest", NULL}, *sv[] = {num, label, NULL};
        json_t *p = json_object();
        char *payload = NULL;
        if (trygg_i18n_format(text(ctx, "deadline.mail_subject"), sn, sv, subject,
                              sizeof subject) == TRYGG_OK &&
            p && json_object_set_new(p, "to", json_string(d->email)) == 0 &&
            json_object_set_new(p, "subject", json_string(subject)) == 0 &&
            json_object_set_new(p, "body", json_string(trygg_buf_str(&body))) == 0)
            payload = json_dumps(p, JSON_COMPACT);
        json_decref(p);
        rc = payload ? trygg_store_notify_enqueue(st, 0, d->name, "email", payload, NULL)
                     : TRYGG_ERR_NOMEM;
        free(payload);
        if (rc == TRYGG_OK)
            (*queued)++;
    }
    trygg_buf_free(&body);
    free(items);
    return rc;
}

/* Every recipient with an e-mail address that the routing config declares. */
static trygg_err mail_all(const server_ctx *ctx, trygg_store *st, int64_t now, int *queued)
{
    enum { MAX_DESTS = 64 };
    trygg_destination *ds = malloc(MAX_DESTS * sizeof *ds);
    int n = 0;
    trygg_err rc = ds ? trygg_store_dest_list(st, ds, MAX_DESTS, &n) : TRYGG_ERR_NOMEM;
    for (int i = 0; rc == TRYGG_OK && i < n; i++) {
        trygg_route_dest cd;
        if (ds[i].email[0] == '\0' || strchr(ds[i].email, '@') == NULL)
            continue;
        if (ctx->routes == NULL || trygg_routes_dest_find(ctx->routes, ds[i].name, &cd) != TRYGG_OK)
            continue;
        int full = ds[i].full_access && cd.full_access && !cd.company;
        rc = mail_one(ctx, st, &ds[i], full, now, queued);
    }
    free(ds);
    return rc;
}

trygg_err deadline_mail(const server_ctx *ctx, trygg_store *st, const char *owner, int64_t now,
                        int *mails)
{
    *mails = 0;
    int hour = ctx->cfg.catalog ? ctx->cfg.catalog->deadlines.mail_hour : 7;
    trygg_tm lt;
    trygg_time_local(now, &lt);
    if (lt.hour < hour)
        return TRYGG_OK;
    trygg_err rc = trygg_store_job_lease(st, "overdue_mail", owner, now, 600);
    if (rc != TRYGG_OK)
        return rc;
    int first = 0;
    rc = trygg_store_begin(st);
    if (rc == TRYGG_OK) {
        rc = trygg_store_job_done(st, "overdue_mail", trygg_time_day_start(now), &first);
        if (rc == TRYGG_OK && first)
            rc = mail_all(ctx, st, now, mails);
        if (rc == TRYGG_OK)
            rc = trygg_store_commit(st);
        if (rc != TRYGG_OK) {
            trygg_store_rollback(st);
            *mails = 0;
        }
    }
    if (trygg_store_job_release(st, "overdue_mail", owner) != TRYGG_OK)
        TRYGG_WARN("overdue mail: releasing the job lease failed: %s", trygg_store_errmsg(st));
    return rc;
}

/* ---- the thread -------------------------------------------------------------------- */

static worker bg = WORKER_INIT;

static void run_once(server_ctx *ctx)
{
    trygg_store *st = server_store(ctx);
    if (st == NULL)
        return;
    int64_t now = (int64_t)time(NULL);
    int n = 0;
    trygg_err rc = deadline_fill(ctx, st, ctx->instance, now, &n);
    if (rc == TRYGG_OK && n > 0)
        TRYGG_INFO("deadlines: %d items got their due date", n);
    else if (rc != TRYGG_OK && rc != TRYGG_ERR_BUSY)
        TRYGG_ERR("deadlines: %s (%s)", trygg_strerror(rc), trygg_store_errmsg(st));
    rc = deadline_mail(ctx, st, ctx->instance, now, &n);
    if (rc == TRYGG_OK && n > 0)
        TRYGG_INFO("overdue mail: %d e-mails queued", n);
    else if (rc != TRYGG_OK && rc != TRYGG_ERR_BUSY)
        TRYGG_ERR("overdue mail: %s (%s)", trygg_strerror(rc), trygg_store_errmsg(st));
}

/* Every minute: due dates, then the daily overdue mail. */
static int64_t deadline_job(void *arg)
{
    run_once(arg);
    return 60;
}

int deadline_start(server_ctx *ctx)
{
    return worker_start(&bg, deadline_job, ctx, 60);
}

void deadline_stop(void)
{
    worker_stop(&bg);
}
