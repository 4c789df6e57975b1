/*
 * web_meeting.c — the operational group's weekly meeting ("mötesläge",
 * docs/report.md "Mötet: bedömning och beslut"). For one ISO week:
 *   - the decisions (beslut) of the week before, with their status (open,
 *     done, dropped), editable: the follow-up;
 *   - the week's picture (the report page, and printed with the assessment);
 *   - the group's assessment (bedömning), every save a new version with its
 *     author and time; older versions stay readable (/meeting/versions);
 *   - the decisions taken now.
 *
 * Who: the security department and the roles/destinations server.ini
 * [report] gives the internal view (report_internal_allowed); everyone else
 * gets 403 on every route here.
 *
 * The printed meeting (/meeting/print) is the internal view by default; with
 * ?view=published the picture is the published (suppressed) one and the
 * assessment is printed only when its latest version is marked for
 * publication; the decisions are internal and never published.
 *
 * Routes: GET /meeting?week=, POST /meeting (action note | decision |
 * status), GET /meeting/versions?week=[&v=], GET /meeting/print?week=[&view=].
 */
#include "web.h"
#include "config.h"
#include "report_web.h"

#include "trygg/copy.h"
#include "trygg/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DECISIONS_MAX 100
#define HISTORY_MAX   (DECISIONS_MAX * 8)
#define VERSIONS_MAX  200

int web_meeting_allowed(const web_ctx *w)
{
    return web_access_is_security(&w->sess.user) ||
           (w->srv && report_internal_allowed(&w->srv->cfg, &w->sess.user));
}

int web_meeting_begin(web_ctx *w, void *ctx, const http_req *req, http_resp *resp)
{
    if (web_begin(w, ctx, req, resp) != 0)
        return -1;
    if (!web_meeting_allowed(w)) {
        web_error(w, 403, "error.forbidden");
        return -1;
    }
    return 0;
}

/* The week of ?week= (or the form's week on a POST), default the last
 * complete one: the meeting looks back at a whole week. 400 for a bad or a
 * future week (the page is answered). */
static int meeting_week(web_ctx *w, trygg_week *wk, char name[16])
{
    const char *s = strcmp(w->req->method, "POST") == 0 ? http_form(w->req, "week")
                                                        : http_query(w->req, "week");
    if (!s || !s[0])
        trygg_week_last_complete(web_now(), wk);
    else if (trygg_week_parse(s, wk) != TRYGG_OK || wk->start > web_now()) {
        web_error(w, 400, "meeting.bad_week");
        return -1;
    }
    trygg_week_format(wk, name, 16);
    return 0;
}

static const char *org_label(const web_ctx *w, const char *org)
{
    if (!org[0])
        return web_t(w, "meeting.org_group");
    if (strcmp(org, "security") == 0)
        return web_t(w, "role.security");
    return web_dest_label(w, org);
}

/* A <select> of the responsible organisation: the group, the security
 * department and every destination. */
void web_org_select(html_buf *b, const web_ctx *w, const char *id, const char *name,
                    const char *cur, int with_group)
{
    html_lit(b, "<select id=\"");
    html_attr(b, id);
    html_lit(b, "\" name=\"");
    html_attr(b, name);
    html_lit(b, "\">");
    for (int i = with_group ? -2 : -1; i < w->ndests; i++) {
        const char *v = i == -2 ? "" : i == -1 ? "security" : w->dests[i].name;
        if (i >= 0 && strcmp(v, "security") == 0)
            continue;
        html_lit(b, "<option value=\"");
        html_attr(b, v);
        html_pick(b, strcmp(cur ? cur : "", v) == 0, "\" selected>", "\">");
        html_text(b, org_label(w, v));
        html_lit(b, "</option>");
    }
    html_lit(b, "</select>");
}

static void status_form(html_buf *b, const web_ctx *w, const trygg_decision *d, const char *week)
{
    static const char *const st[] = {"open", "done", "dropped"};
    char k[64], id[32];
    snprintf(id, sizeof id, "dst-%lld", (long long)d->id);
    html_lit(b, "<form method=\"post\" action=\"/meeting\" class=\"inline-status\">");
    web_csrf_field(b, w);
    html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"status\"><input type=\"hidden\" "
                "name=\"week\" value=\"");
    html_attr(b, week);
    html_lit(b, "\"><input type=\"hidden\" name=\"id\" value=\"");
    html_int(b, d->id);
    html_lit(b, "\"><label class=\"sr\" for=\"");
    html_attr(b, id);
    html_lit(b, "\">");
    html_t(b, w, "meeting.status");
    html_lit(b, "</label><select id=\"");
    html_attr(b, id);
    html_lit(b, "\" name=\"status\">");
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
        html_lit(b, "<option value=\"");
        html_attr(b, st[i]);
        html_pick(b, strcmp(d->status, st[i]) == 0, "\" selected>", "\">");
        html_t(b, w, web_enum_key("meeting.status", st[i], k));
        html_lit(b, "</option>");
    }
    html_lit(b, "</select><button type=\"submit\">");
    html_t(b, w, "meeting.status_save");
    html_lit(b, "</button></form>");
}

/* Decision `id`'s history under its text, oldest first: "Öppet · sara ·
 * 2026-11-30 10:12" for every status it was given. */
static void decision_history(html_buf *b, const web_ctx *w, const trygg_decision_change *h, int nh,
                             int64_t id)
{
    int count = 0;
    for (int i = 0; i < nh; i++)
        count += h[i].decision == id;
    if (count == 0)
        return;
    html_lit(b, "<ol class=\"decision-history hint\" data-history=\"");
    html_int(b, count);
    html_lit(b, "\">");
    for (int i = 0; i < nh; i++) {
        if (h[i].decision != id)
            continue;
        char k[64], when[32];
        web_fmt_time(h[i].at, when);
        html_lit(b, "<li data-status=\"");
        html_attr(b, h[i].status);
        html_lit(b, "\">");
        html_t(b, w, web_enum_key("meeting.status", h[i].status, k));
        html_lit(b, " · ");
        if (h[i].by[0])
            html_text(b, h[i].by);
        else
            html_t(b, w, "meeting.history_unknown");
        html_lit(b, " · ");
        html_text(b, when);
        html_lit(b, "</li>");
    }
    html_lit(b, "</ol>");
}

/* The decisions of week `list_week`, each with its history and its status
 * form (posting back to the meeting of `page_week`). */
static void decision_table(html_buf *b, web_ctx *w, const char *list_week, const char *page_week)
{
    trygg_decision *d = calloc(DECISIONS_MAX, sizeof *d);
    trygg_decision_change *h = calloc(HISTORY_MAX, sizeof *h);
    int n = 0, nh = 0;
    if (!d || !h || trygg_store_decision_list(w->st, list_week, d, DECISIONS_MAX, &n) != TRYGG_OK ||
        trygg_store_decision_history(w->st, list_week, h, HISTORY_MAX, &nh) != TRYGG_OK) {
        html_lit(b, "<p class=\"flash error\" role=\"alert\">");
        html_t(b, w, "error.unavailable");
        html_lit(b, "</p>");
        free(d);
        free(h);
        return;
    }
    if (n == 0) {
        html_lit(b, "<p>");
        html_t(b, w, "meeting.no_decisions");
        html_lit(b, "</p>");
    } else {
        html_lit(b, "<table class=\"queue decisions\"><thead><tr><th scope=\"col\">");
        html_t(b, w, "meeting.decision");
        html_lit(b, "</th><th scope=\"col\">");
        html_t(b, w, "meeting.responsible");
        html_lit(b, "</th><th scope=\"col\">");
        html_t(b, w, "meeting.status");
        html_lit(b, "</th></tr></thead><tbody>");
        for (int i = 0; i < n; i++) {
            char k[64];
            html_lit(b, "<tr data-status=\"");
            html_attr(b, d[i].status);
            html_lit(b, "\">");
            web_td(b, w, "meeting.decision");
            html_text(b, d[i].text);
            html_lit(b, " <span class=\"badge\">");
            html_t(b, w, web_enum_key("meeting.status", d[i].status, k));
            html_lit(b, "</span>");
            decision_history(b, w, h, nh, d[i].id);
            html_lit(b, "</td>");
            web_td(b, w, "meeting.responsible");
            html_text(b, org_label(w, d[i].org));
            html_lit(b, "</td>");
            web_td(b, w, "meeting.status");
            status_form(b, w, &d[i], page_week);
            html_lit(b, "</td></tr>");
        }
        html_lit(b, "</tbody></table>");
    }
    free(d);
    free(h);
}

static void week_nav(html_buf *b, const web_ctx *w, const trygg_week *wk)
{
    trygg_week prev, next;
    char p[16], n[16];
    trygg_week_shift(wk, -1, &prev);
    trygg_week_shift(wk, 1, &next);
    trygg_week_format(&prev, p, sizeof p);
    trygg_week_format(&next, n, sizeof n);
    html_lit(b, "<nav class=\"pager\" aria-label=\"");
    html_t(b, w, "meeting.weeks");
    html_lit(b, "\"><a href=\"/meeting?week=");
    html_urlarg(b, p);
    html_lit(b, "\">← ");
    html_text(b, p);
    html_lit(b, "</a>");
    if (next.start <= web_now()) {
        html_lit(b, "<a href=\"/meeting?week=");
        html_urlarg(b, n);
        html_lit(b, "\">");
        html_text(b, n);
        html_lit(b, " →</a>");
    }
    html_lit(b, "</nav>");
}

/* The week's picture: links to the report page and the printouts. */
static void picture_card(html_buf *b, const web_ctx *w, const char *wk)
{
    static const struct {
        const char *href, *key;
    } links[] = {
        {"/report?week=", "meeting.open_picture"},
        {"/meeting/print?week=", "meeting.print_internal"},
        {"/meeting/print?view=published&week=", "meeting.print_published"},
    };
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-picture\"><h2 id=\"h-picture\">");
    html_t(b, w, "meeting.picture");
    html_lit(b, "</h2><p class=\"hint\">");
    html_t(b, w, "meeting.picture_hint");
    html_lit(b, "</p><ul class=\"plain\">");
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        html_lit(b, "<li><a href=\"");
        html_attr(b, links[i].href);
        html_urlarg(b, wk);
        html_lit(b, "\">");
        html_t(b, w, links[i].key);
        html_lit(b, "</a></li>");
    }
    html_lit(b, "</ul></section>");
}

/* "Version 3, sparad av sara 2026-11-30 10:12" and the link to the others. */
static void note_meta(html_buf *b, const web_ctx *w, const trygg_week_note *n, const char *wk)
{
    char when[32];
    web_fmt_time(n->created, when);
    html_lit(b, "<p class=\"hint\" data-version=\"");
    html_int(b, n->version);
    html_lit(b, "\">");
    html_t(b, w, "meeting.version");
    html_lit(b, " ");
    html_int(b, n->version);
    html_lit(b, " · ");
    html_t(b, w, "meeting.saved_by");
    html_lit(b, " ");
    html_text(b, n->author);
    html_lit(b, " · ");
    html_text(b, when);
    if (n->publish) {
        html_lit(b, " · ");
        html_t(b, w, "meeting.marked_publish");
    }
    html_lit(b, " · <a href=\"/meeting/versions?week=");
    html_urlarg(b, wk);
    html_lit(b, "\">");
    html_t(b, w, "meeting.versions");
    html_lit(b, "</a></p>");
}

static void note_card(html_buf *b, web_ctx *w, const char *wk)
{
    trygg_week_note *n = calloc(1, sizeof *n);
    int have = n && trygg_store_note_get(w->st, wk, 0, n) == TRYGG_OK;
    html_lit(b, "<section class=\"card\" aria-labelledby=\"h-note\"><h2 id=\"h-note\">");
    html_t(b, w, "meeting.assessment");
    html_lit(b, "</h2>");
    if (have)
        note_meta(b, w, n, wk);
    html_lit(b, "<form method=\"post\" action=\"/meeting\">");
    web_csrf_field(b, w);
    html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"note\"><input type=\"hidden\" "
                "name=\"week\" value=\"");
    html_attr(b, wk);
    html_lit(b, "\"><div class=\"field\"><label for=\"m-note\">");
    html_t(b, w, "meeting.assessment_label");
    html_lit(b,
             "</label><textarea id=\"m-note\" name=\"assessment\" rows=\"8\" maxlength=\"4000\">");
    if (have)
        html_text(b, n->assessment);
    html_lit(b, "</textarea><p class=\"hint\">");
    html_t(b, w, "meeting.assessment_hint");
    html_lit(b, "</p></div><div class=\"check\"><input type=\"checkbox\" id=\"m-pub\" "
                "name=\"publish\" value=\"1\"");
    if (have && n->publish)
        html_lit(b, " checked");
    html_lit(b, "><label for=\"m-pub\">");
    html_t(b, w, "meeting.publish");
    html_lit(b, "</label></div><div class=\"field actions\"><button type=\"submit\" "
                "class=\"primary\">");
    html_t(b, w, "meeting.save_note");
    html_lit(b, "</button></div></form></section>");
    free(n);
}

static void new_decision_form(html_buf *b, const web_ctx *w, const char *wk)
{
    html_lit(b, "<form method=\"post\" action=\"/meeting\" class=\"stack\">");
    web_csrf_field(b, w);
    html_lit(b, "<input type=\"hidden\" name=\"action\" value=\"decision\"><input type=\"hidden\" "
                "name=\"week\" value=\"");
    html_attr(b, wk);
    html_lit(b, "\"><div class=\"field\"><label for=\"m-dec\">");
    html_t(b, w, "meeting.new_decision");
    html_lit(b, "</label><textarea id=\"m-dec\" name=\"text\" rows=\"2\" maxlength=\"500\" "
                "required></textarea></div><div class=\"field\"><label for=\"m-org\">");
    html_t(b, w, "meeting.responsible");
    html_lit(b, "</label>");
    web_org_select(b, w, "m-org", "org", "", 1);
    html_lit(b, "</div><div class=\"field actions\"><button type=\"submit\">");
    html_t(b, w, "meeting.add_decision");
    html_lit(b, "</button></div></form>");
}

static void meeting_page(web_ctx *w, const trygg_week *wk, const char *name)
{
    trygg_week prev;
    char pname[16];
    trygg_week_shift(wk, -1, &prev);
    trygg_week_format(&prev, pname, sizeof pname);
    html_buf b;
    html_init(&b, 1 << 20);
    web_page_begin(&b, w, "meeting.title", "meeting");
    html_lit(&b, "<h1 data-week=\"");
    html_attr(&b, name);
    html_lit(&b, "\">");
    html_t(&b, w, "meeting.title");
    html_lit(&b, " – ");
    html_text(&b, name);
    html_lit(&b, "</h1>");
    week_nav(&b, w, wk);
    html_lit(&b, "<section class=\"card\" aria-labelledby=\"h-followup\"><h2 id=\"h-followup\">");
    html_t(&b, w, "meeting.last_decisions");
    html_lit(&b, " (");
    html_text(&b, pname);
    html_lit(&b, ")</h2>");
    decision_table(&b, w, pname, name);
    html_lit(&b, "</section>");
    picture_card(&b, w, name);
    note_card(&b, w, name);
    html_lit(&b, "<section class=\"card\" aria-labelledby=\"h-new\"><h2 id=\"h-new\">");
    html_t(&b, w, "meeting.decisions_now");
    html_lit(&b, "</h2>");
    decision_table(&b, w, name, name);
    new_decision_form(&b, w, name);
    html_lit(&b, "</section>");
    web_page_end(&b, w);
    html_send(&b, w->resp, 200);
}

void web_meeting_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    trygg_week wk;
    char name[16];
    if (web_meeting_begin(&w, ctx, req, resp) != 0 || meeting_week(&w, &wk, name) != 0)
        return;
    meeting_page(&w, &wk, name);
}

/* Applies one posted action; returns the flash key, or NULL after
 * answering an error. */
static const char *meeting_apply(web_ctx *w, const char *wk)
{
    const char *action = http_form(w->req, "action");
    trygg_err err = TRYGG_ERR_INVALID;
    if (action && strcmp(action, "note") == 0) {
        trygg_week_note *n = calloc(1, sizeof *n);
        if (n && TRYGG_COPY(n->week, wk) &&
            trygg_strset(n->assessment, sizeof n->assessment, http_form(w->req, "assessment")) ==
                TRYGG_OK) {
            const char *pub = http_form(w->req, "publish");
            n->publish = pub && strcmp(pub, "1") == 0;
            TRYGG_COPY_FIT(n->author, w->sess.user.username);
            err = trygg_store_note_save(w->st, n, NULL);
        }
        free(n);
    } else if (action && strcmp(action, "decision") == 0) {
        trygg_decision d;
        memset(&d, 0, sizeof d);
        if (TRYGG_COPY(d.week, wk) &&
            trygg_strset(d.text, sizeof d.text, http_form(w->req, "text")) == TRYGG_OK &&
            trygg_strset(d.org, sizeof d.org, http_form(w->req, "org")) == TRYGG_OK &&
            TRYGG_COPY(d.by, w->sess.user.username))
            err = trygg_store_decision_add(w->st, &d, NULL);
    } else if (action && strcmp(action, "status") == 0) {
        const char *id = http_form(w->req, "id");
        char *end = NULL;
        long long v = id ? strtoll(id, &end, 10) : 0;
        if (end && end != id && *end == '\0' && v > 0)
            err = trygg_store_decision_status(w->st, v, http_form(w->req, "status"),
                                              w->sess.user.username);
    }
    if (err == TRYGG_ERR_INVALID || err == TRYGG_ERR_NOTFOUND) {
        web_error(w, 400, "meeting.invalid");
        return NULL;
    }
    if (err) {
        web_error(w, 500, "error.unavailable");
        return NULL;
    }
    return strcmp(action, "note") == 0 ? "flash.meeting_note_saved" : "flash.meeting_saved";
}

void web_meeting_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    trygg_week wk;
    char name[16];
    if (web_meeting_begin(&w, ctx, req, resp) != 0 || meeting_week(&w, &wk, name) != 0)
        return;
    const char *flash = meeting_apply(&w, name);
    if (!flash)
        return;
    char to[128];
    snprintf(to, sizeof to, "/meeting?week=%s&ok=%s", name, flash);
    http_resp_redirect(resp, to);
}

/* ---- Versions ------------------------------------------------------------------ */

static void version_item(html_buf *b, const web_ctx *w, const trygg_week_note *n, const char *wk,
                         int shown)
{
    char when[32];
    web_fmt_time(n->created, when);
    html_lit(b, "<li data-version=\"");
    html_int(b, n->version);
    html_lit(b, "\"><a href=\"/meeting/versions?week=");
    html_urlarg(b, wk);
    html_lit(b, "&amp;v=");
    html_int(b, n->version);
    html_pick(b, shown, "\" aria-current=\"true\">", "\">");
    html_t(b, w, "meeting.version");
    html_lit(b, " ");
    html_int(b, n->version);
    html_lit(b, "</a> · ");
    html_text(b, n->author);
    html_lit(b, " · ");
    html_text(b, when);
    if (n->publish) {
        html_lit(b, " · ");
        html_t(b, w, "meeting.marked_publish");
    }
    html_lit(b, "</li>");
}

void web_meeting_versions_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    trygg_week wk;
    char name[16];
    if (web_meeting_begin(&w, ctx, req, resp) != 0 || meeting_week(&w, &wk, name) != 0)
        return;
    trygg_week_note *v = calloc(VERSIONS_MAX, sizeof *v);
    int n = 0;
    if (!v || trygg_store_note_versions(w.st, name, v, VERSIONS_MAX, &n) != TRYGG_OK) {
        free(v);
        web_error(&w, 500, "error.unavailable");
        return;
    }
    const char *vs = http_query(req, "v");
    int want = vs ? atoi(vs) : 0, shown = -1;
    for (int i = 0; i < n && shown < 0; i++)
        if (want == 0 || v[i].version == want)
            shown = i;
    html_buf b;
    html_init(&b, 4 << 20);
    web_page_begin(&b, &w, "meeting.versions_title", "meeting");
    html_lit(&b, "<p><a href=\"/meeting?week=");
    html_urlarg(&b, name);
    html_lit(&b, "\">");
    html_t(&b, &w, "meeting.back");
    html_lit(&b, "</a></p><h1>");
    html_t(&b, &w, "meeting.versions_title");
    html_lit(&b, " – ");
    html_text(&b, name);
    html_lit(&b, "</h1>");
    if (shown >= 0) {
        html_lit(&b, "<section class=\"card\"><h2>");
        html_t(&b, &w, "meeting.version");
        html_lit(&b, " ");
        html_int(&b, v[shown].version);
        html_lit(&b, "</h2><p class=\"usertext\" data-shown-version=\"");
        html_int(&b, v[shown].version);
        html_lit(&b, "\">");
        html_text(&b, v[shown].assessment);
        html_lit(&b, "</p></section>");
    } else {
        html_lit(&b, "<p>");
        html_t(&b, &w, "meeting.no_versions");
        html_lit(&b, "</p>");
    }
    html_lit(&b, "<ol class=\"plain versions\" reversed>");
    for (int i = 0; i < n; i++)
        version_item(&b, &w, &v[i], name, i == shown);
    html_lit(&b, "</ol>");
    web_page_end(&b, &w);
    html_send(&b, resp, 200);
    free(v);
}

/* ---- The printed meeting --------------------------------------------------------- */

/* The decisions of week `list_week` for the printout: text, responsible
 * organisation and status, each with its history (who gave it which
 * status, when), as on the meeting page but without the forms. */
static void print_decisions(html_buf *b, web_ctx *w, const char *list_week)
{
    trygg_decision *d = calloc(DECISIONS_MAX, sizeof *d);
    trygg_decision_change *h = calloc(HISTORY_MAX, sizeof *h);
    int nd = 0, nh = 0;
    if (!d || !h ||
        trygg_store_decision_list(w->st, list_week, d, DECISIONS_MAX, &nd) != TRYGG_OK ||
        trygg_store_decision_history(w->st, list_week, h, HISTORY_MAX, &nh) != TRYGG_OK) {
        html_lit(b, "<p class=\"flash error\" role=\"alert\">");
        html_t(b, w, "error.unavailable");
        html_lit(b, "</p>");
    } else if (nd == 0) {
        html_lit(b, "<p class=\"hint\">");
        html_t(b, w, "meeting.no_decisions");
        html_lit(b, "</p>");
    } else {
        html_lit(b, "<ul class=\"print-decisions\">");
        for (int i = 0; i < nd; i++) {
            char k[64];
            html_lit(b, "<li data-status=\"");
            html_attr(b, d[i].status);
            html_lit(b, "\">");
            html_text(b, d[i].text);
            html_lit(b, " (");
            html_text(b, org_label(w, d[i].org));
            html_lit(b, ", ");
            html_t(b, w, web_enum_key("meeting.status", d[i].status, k));
            html_lit(b, ")");
            decision_history(b, w, h, nh, d[i].id);
            html_lit(b, "</li>");
        }
        html_lit(b, "</ul>");
    }
    free(d);
    free(h);
}

/* The assessment and the decisions in front of the picture; `published`
 * leaves the decisions out and the assessment unless it is marked. */
static void print_front(html_buf *b, web_ctx *w, const trygg_week *week, const char *wk,
                        int published)
{
    trygg_week_note *n = calloc(1, sizeof *n);
    int have = n && trygg_store_note_get(w->st, wk, 0, n) == TRYGG_OK;
    html_lit(b, "<section class=\"meeting-note\" data-view=\"");
    html_pick(b, published, "published\">", "internal\">");
    html_lit(b, "<h2>");
    html_t(b, w, "meeting.assessment");
    html_lit(b, " – ");
    html_text(b, wk);
    html_lit(b, "</h2>");
    if (have && (!published || n->publish)) {
        char when[32];
        web_fmt_time(n->created, when);
        html_lit(b, "<p class=\"usertext\">");
        html_text(b, n->assessment);
        html_lit(b, "</p><p class=\"hint\">");
        html_t(b, w, "meeting.version");
        html_lit(b, " ");
        html_int(b, n->version);
        html_lit(b, " · ");
        html_text(b, when);
        html_lit(b, "</p>");
    } else {
        html_lit(b, "<p class=\"hint\">");
        html_t(b, w, have ? "meeting.not_published" : "meeting.no_assessment");
        html_lit(b, "</p>");
    }
    free(n);
    if (!published) {
        trygg_week prev;
        char pname[16];
        trygg_week_shift(week, -1, &prev);
        trygg_week_format(&prev, pname, sizeof pname);
        html_lit(b, "<h2 id=\"p-followup\">");
        html_t(b, w, "meeting.last_decisions");
        html_lit(b, " (");
        html_text(b, pname);
        html_lit(b, ")</h2>");
        print_decisions(b, w, pname);
        html_lit(b, "<h2 id=\"p-decisions\">");
        html_t(b, w, "meeting.decisions_now");
        html_lit(b, "</h2>");
        print_decisions(b, w, wk);
    }
    html_lit(b, "</section>");
}

void web_print_head(html_buf *b, const web_ctx *w, const char *title)
{
    html_lit(b, "<!doctype html>\n<html lang=\"");
    html_attr(b, w->lang);
    html_lit(b, "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                "content=\"width=device-width\"><title>");
    html_text(b, title);
    html_lit(b, "</title><link rel=\"stylesheet\" href=\"/static/print.css\"></head>"
                "<body class=\"report-page print-doc\">");
}

void web_meeting_print_get(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    trygg_week wk;
    char name[16];
    if (web_meeting_begin(&w, ctx, req, resp) != 0 || meeting_week(&w, &wk, name) != 0)
        return;
    const char *view = http_query(req, "view");
    int published = view && strcmp(view, "published") == 0;
    trygg_buf frag;
    trygg_buf_init(&frag, 4u * 1024u * 1024u);
    int status = report_week_fragment(&w, &wk, published, &frag);
    if (status) {
        trygg_buf_free(&frag);
        web_error(&w, status, status == 400 ? "meeting.bad_week" : "error.unavailable");
        return;
    }
    web_log_export(&w, "export_meeting_print", 0, name);
    html_buf b;
    html_init(&b, 5u * 1024u * 1024u);
    char title[64];
    snprintf(title, sizeof title, "%s %s", web_t(&w, "meeting.title"), name);
    web_print_head(&b, &w, title);
    print_front(&b, &w, &wk, name, published);
    html_raw_(&b, frag.data, frag.len); /* escaped by libtrygg's renderer */
    html_lit(&b, "</body></html>\n");
    trygg_buf_free(&frag);
    http_resp_header(resp, "Cache-Control", "no-store");
    html_send(&b, resp, 200);
}
