/*
 * web_events_import.c — POST /events/import: a partner's weekly list (CSV)
 * filed as events of the user's organisation, all rows or none. A refused
 * file is answered with the events page and every error by line and column
 * (events_import.h); an accepted one redirects to the list.
 */
#include "web.h"

#include "events_import.h"
#include "trygg/log.h"
#include "trygg/time.h"

#include <string.h>

void web_events_import_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    const char *file = http_form(req, "file");
    events_import imp;
    memset(&imp, 0, sizeof imp);
    if (!file || !file[0]) {
        /* No field: nothing chosen, or a file that is not text (an .xlsx). */
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
    if (events_import_csv(w.srv ? w.srv->cfg.catalog : NULL, w.srv ? w.srv->web_text : NULL, file,
                          strlen(file), org, u->username, today, &imp) != TRYGG_OK) {
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
