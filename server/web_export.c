/*
 * web_export.c — export of the filtered queue, as CSV (/export.csv) or as a
 * spreadsheet (/export.xlsx). The same filter and access narrowing as the
 * queue page; every row goes through web_access_view(), so roles other than
 * the security department get the scrubbed copy. Values are in words, as the
 * page shows them. CSV cells are quoted and guarded against formula injection
 * (trygg_csv_field); XLSX cells are typed (text, real dates) and a text cell
 * is never a formula. Both are recorded in the access log.
 */
#include "web.h"
#include "xlsx.h"

#include "trygg/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT_MAX_ROWS  20000
#define EXPORT_PAGE      200
#define EXPORT_MAX_BYTES (64u * 1024 * 1024)

enum { COL_REF, COL_CREATED, COL_TEXT = 11, NCOLS = 12 };

static const char *const col_keys[NCOLS] = {
    "csv.ref",   "csv.created", "csv.channel",      "csv.kind",   "csv.category",    "csv.area",
    "csv.place", "csv.status",  "csv.close_reason", "csv.urgent", "csv.destination", "csv.text"};
static const double col_widths[NCOLS] = {11, 17, 10, 16, 22, 14, 24, 16, 20, 11, 24, 80};

/* One row as the reader sees it: cells in words; created as time too. */
typedef struct export_row {
    const char *cells[NCOLS];
    int64_t created;
} export_row;

/* Where the rows go: CSV into a buffer, or an XLSX sheet. */
typedef struct export_out {
    trygg_buf csv;
    xlsx_sheet *xlsx;
} export_out;

/* A value in the reader's words: the catalog's label of an enum id. */
static const char *word(const web_ctx *w, const char *prefix, const char *id)
{
    char k[64];
    return web_t(w, web_enum_key(prefix, id, k));
}

static int put_row(export_out *o, const export_row *r)
{
    if (o->xlsx) {
        xlsx_cell c[NCOLS];
        for (int i = 0; i < NCOLS; i++)
            c[i] = (xlsx_cell){.type = i == COL_TEXT ? XLSX_LONG_TEXT : XLSX_TEXT,
                               .text = r->cells[i]};
        c[COL_CREATED] = (xlsx_cell){.type = XLSX_TIME, .time = r->created};
        return xlsx_row(o->xlsx, c);
    }
    trygg_err e = TRYGG_OK;
    for (int i = 0; i < NCOLS && !e; i++)
        e = trygg_csv_field_sep(&o->csv, r->cells[i], i == 0 ? '\0' : TRYGG_CSV_SPREADSHEET);
    return e || trygg_csv_end(&o->csv) ? -1 : 0;
}

static int put_item(export_out *o, const web_ctx *w, const trygg_item *v)
{
    char when[32], channel[160];
    web_fmt_time(v->created, when);
    /* A staff-made item's channel says how it came in: "Personal – Brev". */
    snprintf(channel, sizeof channel, "%s%s%s", word(w, "channel", trygg_channel_name(v->channel)),
             v->via[0] ? " – " : "", v->via[0] ? word(w, "received", v->via) : "");
    export_row r = {.created = v->created,
                    .cells = {v->ref, when, channel, word(w, "kind", trygg_kind_name(v->kind)),
                              v->category[0] ? web_cat_label(w, v->category) : "",
                              v->area[0] ? web_area_label(w, v->area) : "", v->place,
                              word(w, "status", trygg_status_name(v->status)),
                              v->close_reason == TRYGG_CLOSE_NONE
                                  ? ""
                                  : word(w, "reason", trygg_close_reason_name(v->close_reason)),
                              web_t(w, v->urgent ? "gw.yes" : "gw.no"),
                              web_dest_label(w, v->destination), v->purged ? "" : v->text}};
    return put_row(o, &r);
}

/* Every item the user may see under filter f, in the queue's order, up to
 * EXPORT_MAX_ROWS. TRYGG_ERR_TOOBIG when the output failed. */
static trygg_err walk(web_ctx *w, const trygg_filter *f, int allowed, export_out *o, int *rows)
{
    trygg_item *items = calloc(EXPORT_PAGE, sizeof *items);
    if (!items)
        return TRYGG_ERR_NOMEM;
    trygg_cursor cur = {0}, next = {0};
    trygg_err e = TRYGG_OK;
    *rows = 0;
    while (allowed && *rows < EXPORT_MAX_ROWS) {
        int n = 0;
        e = trygg_store_list(w->st, f, cur.valid ? &cur : NULL, items, EXPORT_PAGE, &n, &next);
        if (e != TRYGG_OK)
            break;
        for (int i = 0; i < n && *rows < EXPORT_MAX_ROWS && e == TRYGG_OK; i++) {
            trygg_item v;
            if (web_access_view(&w->sess.user, &items[i], &v) == WEB_SEE_NONE)
                continue;
            if (put_item(o, w, &v) != 0)
                e = TRYGG_ERR_TOOBIG;
            (*rows)++;
        }
        if (e != TRYGG_OK || !next.valid || n < EXPORT_PAGE)
            break;
        cur = next;
    }
    free(items);
    return e;
}

/* The filter as the access log records it ("status=all kind=tip"). */
static void filter_text(const http_req *req, char out[256])
{
    size_t fl = 0;
    out[0] = '\0';
    for (int i = 0; i < req->nquery && fl < 256; i++) {
        int k = snprintf(out + fl, 256 - fl, "%s%s=%s", fl ? " " : "", req->query[i].name,
                         req->query[i].value ? req->query[i].value : "");
        fl = k < 0 ? 256 : fl + (size_t)k;
    }
}

static void export(void *ctx, const http_req *req, http_resp *resp, int as_xlsx)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    trygg_filter f;
    web_filter_from_query(req, &f);
    int allowed = web_access_filter(&w.sess.user, &f);
    const char *head[NCOLS];
    for (int i = 0; i < NCOLS; i++)
        head[i] = web_t(&w, col_keys[i]);
    export_out o = {0};
    trygg_buf_init(&o.csv, EXPORT_MAX_BYTES);
    trygg_err e = TRYGG_OK;
    if (as_xlsx) {
        o.xlsx = xlsx_open(w.srv->cfg.data_dir, web_t(&w, "export.sheet"), head, col_widths, NCOLS);
        if (!o.xlsx)
            e = TRYGG_ERR_IO;
    } else {
        /* UTF-8 BOM so spreadsheet programs read å ä ö */
        export_row r = {.cells = {0}};
        memcpy(r.cells, head, sizeof head);
        if (trygg_buf_puts(&o.csv, "\xEF\xBB\xBF") != TRYGG_OK || put_row(&o, &r) != 0)
            e = TRYGG_ERR_TOOBIG;
    }
    int rows = 0;
    if (e == TRYGG_OK)
        e = walk(&w, &f, allowed, &o, &rows);
    char *data = NULL;
    size_t len = 0;
    if (o.xlsx && e == TRYGG_OK && xlsx_finish(o.xlsx, &data, &len) != 0)
        e = TRYGG_ERR_IO;
    else if (o.xlsx && e != TRYGG_OK)
        xlsx_abort(o.xlsx);
    if (e != TRYGG_OK) {
        trygg_buf_free(&o.csv);
        free(data);
        web_error(&w, e == TRYGG_ERR_INVALID ? 400 : 503,
                  e == TRYGG_ERR_INVALID ? "queue.bad_query" : "error.unavailable");
        return;
    }
    char filter[256];
    filter_text(req, filter);
    web_log_export(&w, as_xlsx ? "export_xlsx" : "export_csv", rows, filter);
    if (as_xlsx) {
        http_resp_set(resp, 200,
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data,
                      len);
        http_resp_header(resp, "Content-Disposition", "attachment; filename=\"trygg-export.xlsx\"");
    } else {
        http_resp_set(resp, 200, "text/csv; charset=utf-8", trygg_buf_str(&o.csv), o.csv.len);
        http_resp_header(resp, "Content-Disposition", "attachment; filename=\"trygg-export.csv\"");
    }
    free(data);
    trygg_buf_free(&o.csv);
}

void web_export_get(void *ctx, const http_req *req, http_resp *resp)
{
    export(ctx, req, resp, 0);
}

void web_export_xlsx_get(void *ctx, const http_req *req, http_resp *resp)
{
    export(ctx, req, resp, 1);
}
