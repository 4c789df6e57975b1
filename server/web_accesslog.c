/*
 * web_accesslog.c — the access log of personal data (/access-log), for the
 * security department and the data protection officer: who viewed an
 * unscrubbed tip or a call-back number, and who exported what, and when.
 * Newest first, optionally one month (?month=YYYY-MM); as CSV with
 * ?format=csv (itself recorded as an export).
 */
#include "web.h"

#include "trygg/csv.h"
#include "trygg/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ROWS 2000

/* [from, to) of "YYYY-MM" in UTC; 0 when missing or malformed. */
static int month_range(const char *m, int64_t *from, int64_t *to)
{
    int y, mo;
    char tail;
    if (!m || sscanf(m, "%4d-%2d%c", &y, &mo, &tail) != 2 || y < 2000 || y > 2200 || mo < 1 ||
        mo > 12)
        return 0;
    struct tm a = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = 1};
    struct tm b = {.tm_year = (mo == 12 ? y + 1 : y) - 1900, .tm_mon = mo % 12, .tm_mday = 1};
    *from = (int64_t)timegm(&a);
    *to = (int64_t)timegm(&b);
    return 1;
}

static trygg_err csv_row(trygg_buf *b, const char *const *cells, int n)
{
    trygg_err e = TRYGG_OK;
    for (int i = 0; i < n && !e; i++)
        e = trygg_csv_field_sep(b, cells[i], i == 0 ? '\0' : TRYGG_CSV_SPREADSHEET);
    return e ? e : trygg_csv_end(b);
}

static void csv_out(web_ctx *w, const trygg_access *rows, int n)
{
    trygg_buf buf;
    trygg_buf_init(&buf, 1024 + (size_t)n * 4096);
    const char *head[] = {web_t(w, "acl.when"), web_t(w, "acl.who"), web_t(w, "acl.what"),
                          web_t(w, "acl.item"), web_t(w, "acl.detail")};
    /* UTF-8 BOM and ';': a Swedish spreadsheet opens it in columns */
    trygg_err e = trygg_buf_puts(&buf, "\xEF\xBB\xBF");
    if (!e)
        e = csv_row(&buf, head, 5);
    for (int r = 0; !e && r < n; r++) {
        char when[32], id[24], key[64];
        web_fmt_time(rows[r].at, when);
        snprintf(id, sizeof id, "%lld", (long long)rows[r].item_id);
        const char *cells[] = {when, rows[r].actor,
                               web_t(w, web_enum_key("acl", rows[r].action, key)),
                               rows[r].item_id ? id : "", rows[r].detail};
        e = csv_row(&buf, cells, 5);
    }
    if (e) {
        trygg_buf_free(&buf);
        web_error(w, 503, "error.unavailable");
        return;
    }
    http_resp_set(w->resp, 200, "text/csv; charset=utf-8", trygg_buf_str(&buf), buf.len);
    trygg_buf_free(&buf);
    http_resp_header(w->resp, "Content-Disposition",
                     "attachment; filename=\"trygg-access-log.csv\"");
}

void web_access_log_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    if (!web_access_is_security(&w.sess.user)) {
        web_error(&w, 403, "error.forbidden");
        return;
    }
    int64_t from = 0, to = 0;
    const char *month = http_query(req, "month");
    if (month && *month && !month_range(month, &from, &to)) {
        web_error(&w, 400, "error.bad_request");
        return;
    }
    trygg_access *rows = calloc(MAX_ROWS, sizeof *rows);
    int n = 0;
    if (!rows || trygg_store_access_list(w.st, from, to, rows, MAX_ROWS, &n) != TRYGG_OK) {
        free(rows);
        web_error(&w, 503, "error.unavailable");
        return;
    }
    const char *fmt = http_query(req, "format");
    if (fmt && strcmp(fmt, "csv") == 0) {
        web_log_export(&w, "export_access_log", n, month ? month : "");
        csv_out(&w, rows, n);
        free(rows);
        return;
    }
    html_buf b;
    html_init(&b, 4 * 1024 * 1024);
    web_page_begin(&b, &w, "acl.title", "access-log");
    html_lit(&b, "<div class=\"head\"><h1>");
    html_t(&b, &w, "acl.title");
    html_lit(&b, "</h1><a class=\"button\" href=\"/access-log?format=csv");
    if (month && *month) {
        html_lit(&b, "&amp;month=");
        html_attr(&b, month);
    }
    html_lit(&b, "\" download>");
    html_t(&b, &w, "acl.export");
    html_lit(&b, "</a></div><p class=\"hint\">");
    html_t(&b, &w, "acl.hint");
    html_lit(&b, "</p><form method=\"get\" action=\"/access-log\" class=\"inline\"><label "
                 "for=\"acl-month\">");
    html_t(&b, &w, "acl.month");
    html_lit(&b, "</label> <input type=\"month\" id=\"acl-month\" name=\"month\" value=\"");
    html_attr(&b, month ? month : "");
    html_lit(&b, "\"> <button type=\"submit\">");
    html_t(&b, &w, "acl.show");
    html_lit(&b, "</button></form>");
    if (n == 0) {
        html_lit(&b, "<p class=\"empty\">");
        html_t(&b, &w, "acl.empty");
        html_lit(&b, "</p>");
    } else {
        html_lit(&b, "<table class=\"queue\"><thead><tr>");
        static const char *const cols[] = {"acl.when", "acl.who", "acl.what", "acl.item",
                                           "acl.detail"};
        for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
            html_lit(&b, "<th scope=\"col\">");
            html_t(&b, &w, cols[i]);
            html_lit(&b, "</th>");
        }
        html_lit(&b, "</tr></thead><tbody>");
        for (int i = 0; i < n; i++) {
            char when[32], key[64];
            web_fmt_time(rows[i].at, when);
            html_lit(&b, "<tr>");
            web_td(&b, &w, "acl.when");
            html_text(&b, when);
            html_lit(&b, "</td>");
            web_td(&b, &w, "acl.who");
            html_text(&b, rows[i].actor);
            html_lit(&b, "</td>");
            web_td(&b, &w, "acl.what");
            html_text(&b, web_t(&w, web_enum_key("acl", rows[i].action, key)));
            html_lit(&b, "</td>");
            web_td(&b, &w, "acl.item");
            if (rows[i].item_id > 0) {
                html_lit(&b, "<a href=\"/item/");
                html_int(&b, rows[i].item_id);
                html_lit(&b, "\">");
                html_text(&b, rows[i].detail[0] ? rows[i].detail : "#");
                html_lit(&b, "</a>");
            }
            html_lit(&b, "</td>");
            web_td(&b, &w, "acl.detail");
            html_text(&b, rows[i].item_id > 0 ? "" : rows[i].detail);
            html_lit(&b, "</td>");
            html_lit(&b, "</tr>");
        }
        html_lit(&b, "</tbody></table>");
    }
    free(rows);
    web_page_end(&b, &w);
    html_send(&b, resp, 200);
}

void web_log_export(web_ctx *w, const char *what, int rows, const char *filter)
{
    char detail[256];
    snprintf(detail, sizeof detail, "%d rows%s%.200s", rows, filter && *filter ? ": " : "",
             filter ? filter : "");
    if (trygg_store_access_add(w->st, w->sess.user.username, what, 0, detail) != TRYGG_OK)
        TRYGG_WARN("web: access log: %s", trygg_store_errmsg(w->st));
}
