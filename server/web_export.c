/*
 * web_export.c — CSV export of the filtered queue. The same filter and
 * access narrowing as the queue page; every row goes through
 * web_access_view(), so roles other than the security department get the
 * scrubbed copy. Cells are quoted and guarded against formula injection
 * (trygg_csv_field).
 */
#include "web.h"

#include "trygg/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT_MAX_ROWS  20000
#define EXPORT_PAGE      200
#define EXPORT_MAX_BYTES (64u * 1024 * 1024)

/* Appends one quoted, formula-guarded cell; an error is sticky in o and
 * checked once after the last row. */
static void cell(trygg_buf *o, const char *v, int first)
{
    trygg_ignore(trygg_csv_field_sep(o, v, first ? '\0' : TRYGG_CSV_SPREADSHEET));
}

/* A value in the reader's words: the catalog's label of an enum id. */
static const char *word(const web_ctx *w, const char *prefix, const char *id)
{
    char k[64];
    return web_t(w, web_enum_key(prefix, id, k));
}

static void row_end(trygg_buf *o)
{
    trygg_ignore(trygg_csv_end(o)); /* sticky, as cell() */
}

void web_export_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    trygg_filter f;
    web_filter_from_query(req, &f);
    int allowed = web_access_filter(&w.sess.user, &f);
    trygg_item *items = calloc(EXPORT_PAGE, sizeof *items);
    trygg_buf o;
    trygg_buf_init(&o, EXPORT_MAX_BYTES);
    if (!items) {
        web_error(&w, 503, "error.unavailable");
        return;
    }
    static const char *const cols[] = {"csv.ref",    "csv.created",     "csv.channel",
                                       "csv.kind",   "csv.category",    "csv.area",
                                       "csv.place",  "csv.status",      "csv.close_reason",
                                       "csv.urgent", "csv.destination", "csv.text"};
    /* UTF-8 BOM so spreadsheet programs read å ä ö; sticky like cell() */
    trygg_ignore(trygg_buf_puts(&o, "\xEF\xBB\xBF"));
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        cell(&o, web_t(&w, cols[i]), i == 0);
    row_end(&o);

    trygg_cursor cur = {0}, next = {0};
    int rows = 0;
    trygg_err e = TRYGG_OK;
    while (allowed && rows < EXPORT_MAX_ROWS && !trygg_buf_err(&o)) {
        int n = 0;
        e = trygg_store_list(w.st, &f, cur.valid ? &cur : NULL, items, EXPORT_PAGE, &n, &next);
        if (e != TRYGG_OK)
            break;
        for (int i = 0; i < n && rows < EXPORT_MAX_ROWS; i++) {
            trygg_item v;
            if (web_access_view(&w.sess.user, &items[i], &v) == WEB_SEE_NONE)
                continue;
            char when[32];
            web_fmt_time(v.created, when);
            cell(&o, v.ref, 1);
            cell(&o, when, 0);
            cell(&o, word(&w, "channel", trygg_channel_name(v.channel)), 0);
            cell(&o, word(&w, "kind", trygg_kind_name(v.kind)), 0);
            cell(&o, v.category[0] ? web_cat_label(&w, v.category) : "", 0);
            cell(&o, v.area[0] ? web_area_label(&w, v.area) : "", 0);
            cell(&o, v.place, 0);
            cell(&o, word(&w, "status", trygg_status_name(v.status)), 0);
            cell(&o,
                 v.close_reason == TRYGG_CLOSE_NONE
                     ? ""
                     : word(&w, "reason", trygg_close_reason_name(v.close_reason)),
                 0);
            cell(&o, web_t(&w, v.urgent ? "gw.yes" : "gw.no"), 0);
            cell(&o, web_dest_label(&w, v.destination), 0);
            cell(&o, v.purged ? "" : v.text, 0);
            row_end(&o);
            rows++;
        }
        if (!next.valid || n < EXPORT_PAGE)
            break;
        cur = next;
    }
    free(items);
    if (e != TRYGG_OK || trygg_buf_err(&o)) {
        trygg_buf_free(&o);
        web_error(&w, e == TRYGG_ERR_INVALID ? 400 : 503,
                  e == TRYGG_ERR_INVALID ? "queue.bad_query" : "error.unavailable");
        return;
    }
    char filter[256] = "";
    size_t fl = 0;
    for (int i = 0; i < req->nquery && fl < sizeof filter; i++) {
        int k = snprintf(filter + fl, sizeof filter - fl, "%s%s=%s", fl ? " " : "",
                         req->query[i].name, req->query[i].value ? req->query[i].value : "");
        fl = k < 0 ? sizeof filter : fl + (size_t)k;
    }
    web_log_export(&w, "export_csv", rows, filter);
    http_resp_set(resp, 200, "text/csv; charset=utf-8", trygg_buf_str(&o), o.len);
    trygg_buf_free(&o);
    http_resp_header(resp, "Content-Disposition", "attachment; filename=\"trygg-export.csv\"");
}
