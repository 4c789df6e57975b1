/*
 * web_events_import.c — POST /events/import: a partner's weekly list (CSV,
 * or an Excel workbook's first sheet, .xlsx) filed as events of the user's organisation, all rows
 * or none. A refused file is answered with the events page and every error by line and column
 * (events_import.h); an accepted one redirects to the list.
 */
#include "web.h"

#include "events_import.h"
#include "xlsx_read.h"
#include "trygg/log.h"
#include "trygg/time.h"

#include <string.h>

void web_events_import_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    size_t len = 0;
    const char *file = http_form_file(req, "file", &len);
    events_import imp;
    memset(&imp, 0, sizeof imp);
    int xlsx = file && xlsx_read_is_zip(file, len);
    if (!file || len == 0 || (!xlsx && memchr(file, '\0', len))) {
        /* Nothing chosen, or a binary file that is not a workbook (.xls). */
        imp.errs[0].reason_key = "import.bad.no_file";
        imp.nerrs = 1;
        web_events_page(&w, &imp, 400);
        return;
    }
    char today[11];
    if (trygg_time_format(web_now(), "%Y-%m-%d", today, sizeof today) == 0)
        today[0] = '\0';
    const web_user *u = &w.sess.user;
    const char *org = web_event_org(u);
    const server_catalog *cat = w.srv ? w.srv->cfg.catalog : NULL;
    const trygg_i18n *texts = w.srv ? w.srv->web_text : NULL;
    trygg_err e = xlsx ? events_import_xlsx(cat, texts, file, len, org, u->username, today, &imp)
                       : events_import_csv(cat, texts, file, len, org, u->username, today, &imp);
    if (e != TRYGG_OK) {
        web_error(&w, 500, "error.500");
        return;
    }
    if (imp.nerrs > 0) {
        web_events_page(&w, &imp, 400);
        events_import_free(&imp);
        return;
    }
    trygg_err err = trygg_store_event_add_many(w.st, imp.evs, imp.n);
    if (err == TRYGG_OK)
        TRYGG_INFO("web: %s imported %d events for %s", u->username, imp.n, org);
    events_import_free(&imp);
    if (err != TRYGG_OK) {
        web_error(&w, 503, "error.unavailable");
        return;
    }
    http_resp_redirect(resp, "/events?ok=flash.events_imported");
}
