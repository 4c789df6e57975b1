/*
 * web_bulk.c — bulk actions on the queue: tick items (or "all on this
 * page"), then assign them to a person, forward them to a recipient or
 * close them with a reason (spam, duplicate of a reference, resolved).
 *
 * POST /queue/bulk first answers with a confirmation that states the count
 * ("Stänga 10 ärenden som skräp?"); the confirmed post (confirm=1) runs the
 * action on each item through web_item_apply (web_item_post.c), so every
 * item is checked with the same access rule as the single action
 * (web_access.c) and gets its own audit rows. An item the user may not act
 * on is skipped, never changed, and counted in the outcome shown on the
 * queue (bulk_done, bulk_skipped, and the references of skipped items the
 * user can see in bulk_refs).
 */
#include "web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/i18n.h"
#include "trygg/log.h"

#define BULK_MAX   60 /* a queue page holds 50 */
#define BULK_USERS 256
#define BULK_REFS  10 /* skipped references named in the outcome */

/* ---- the form on the queue --------------------------------------------------- */

static void bulk_button(html_buf *b, const web_ctx *w, const char *op, const char *label_key)
{
    html_lit(b, "<button type=\"submit\" name=\"op\" value=\"");
    html_attr(b, op);
    html_lit(b, "\">");
    html_t(b, w, label_key);
    html_lit(b, "</button>");
}

/* "Tilldela: [person] [Tilldela]": the users `u` may choose from (the
 * security department: its own and every recipient's users; a recipient's
 * user: its colleagues). Each item is checked again when it runs. */
static void assign_row(html_buf *b, web_ctx *w)
{
    const web_user *u = &w->sess.user;
    trygg_user *users = calloc(BULK_USERS, sizeof *users);
    int n = 0;
    if (!users || trygg_store_user_list(w->st, users, BULK_USERS, &n) != TRYGG_OK)
        n = 0;
    html_lit(b, "<div class=\"bulk-row\"><label for=\"b-assignee\">");
    html_t(b, w, "bulk.assign_to");
    html_lit(b, "</label><select id=\"b-assignee\" name=\"assignee\"><option value=\"\">");
    html_t(b, w, "bulk.choose");
    html_lit(b, "</option>");
    for (int i = 0; i < n; i++) {
        const trygg_user *t = &users[i];
        int dest = strcmp(t->role, "destination") == 0;
        if (t->disabled ||
            (!web_access_is_security(u) && (!dest || strcmp(t->destination, u->destination) != 0)))
            continue;
        html_lit(b, "<option value=\"");
        html_attr(b, t->username);
        html_lit(b, "\">");
        html_text(b, t->display[0] ? t->display : t->username);
        html_lit(b, " (");
        if (dest) {
            html_text(b, web_dest_label(w, t->destination));
        } else {
            char k[64];
            html_t(b, w, web_enum_key("role", t->role, k));
        }
        html_lit(b, ")</option>");
    }
    free(users);
    html_lit(b, "</select>");
    bulk_button(b, w, "assign", "bulk.assign");
    html_lit(b, "</div>");
}

static void forward_row(html_buf *b, web_ctx *w)
{
    html_lit(b, "<div class=\"bulk-row\"><label for=\"b-destination\">");
    html_t(b, w, "bulk.forward_to");
    html_lit(b, "</label><select id=\"b-destination\" name=\"destination\"><option value=\"\">");
    html_t(b, w, "bulk.choose");
    html_lit(b, "</option>");
    for (int i = 0; i < w->ndests; i++) {
        html_lit(b, "<option value=\"");
        html_attr(b, w->dests[i].name);
        html_lit(b, "\">");
        html_text(b, w->dests[i].label);
        html_lit(b, "</option>");
    }
    html_lit(b, "</select>");
    bulk_button(b, w, "forward", "bulk.forward");
    html_lit(b, "</div>");
}

static void reason_option(html_buf *b, const web_ctx *w, const char *reason)
{
    char k[64];
    html_lit(b, "<option value=\"");
    html_attr(b, reason);
    html_lit(b, "\">");
    html_t(b, w, web_enum_key("reason", reason, k));
    html_lit(b, "</option>");
}

/* "Avsluta som: [reason] [dubblett av: ref] [Avsluta]". A recipient's user
 * closes as resolved or not ours only (web_access_action). */
static void close_row(html_buf *b, web_ctx *w)
{
    int sec = web_access_is_security(&w->sess.user);
    html_lit(b, "<div class=\"bulk-row\"><label for=\"b-reason\">");
    html_t(b, w, "bulk.close_as");
    html_lit(b, "</label><select id=\"b-reason\" name=\"reason\">");
    if (sec)
        reason_option(b, w, "spam");
    reason_option(b, w, "resolved");
    if (sec)
        reason_option(b, w, "duplicate");
    reason_option(b, w, "not_ours");
    html_lit(b, "</select>");
    if (sec) {
        html_lit(b, "<label for=\"b-dup\">");
        html_t(b, w, "bulk.dup_of");
        html_lit(b, "</label><input id=\"b-dup\" name=\"dup_ref\" maxlength=\"12\" "
                    "autocomplete=\"off\">");
    }
    bulk_button(b, w, "close", "bulk.close");
    html_lit(b, "</div>");
}

void web_bulk_form_open(html_buf *b, web_ctx *w)
{
    html_lit(b, "<form method=\"post\" action=\"/queue/bulk\" class=\"bulk\">");
    web_csrf_field(b, w);
    html_lit(b, "<fieldset class=\"bulk\"><legend>");
    html_t(b, w, "bulk.legend");
    html_lit(b, "</legend><div class=\"check\"><input type=\"checkbox\" id=\"b-all\" "
                "name=\"all\" value=\"1\"><label for=\"b-all\">");
    html_t(b, w, "bulk.all_on_page");
    html_lit(b, "</label></div>");
    assign_row(b, w);
    if (web_access_is_security(&w->sess.user))
        forward_row(b, w);
    close_row(b, w);
    html_lit(b, "</fieldset>");
}

/* Writes a count message: catalog key `key` (or key + "_one" for 1) with
 * {n} and the other placeholders names[]/values[] filled in. */
static void counted(html_buf *b, const web_ctx *w, const char *key, int n, const char **names,
                    const char **values)
{
    char k[64], num[24], out[512];
    snprintf(k, sizeof k, "%s%s", key, n == 1 ? "_one" : "");
    snprintf(num, sizeof num, "%d", n);
    const char *nm[6] = {"n"}, *vl[6] = {num};
    for (int i = 0; names && names[i] && i < 4; i++) {
        nm[i + 1] = names[i];
        vl[i + 1] = values[i];
    }
    if (trygg_i18n_format(web_t(w, k), nm, vl, out, sizeof out) != TRYGG_OK)
        out[0] = '\0';
    html_text(b, out);
}

/* A number from a query argument (0 when absent or not a small number). */
static int small_number(const char *v)
{
    if (!v || !*v || strlen(v) > 4 || strspn(v, "0123456789") != strlen(v))
        return -1;
    return atoi(v);
}

void web_bulk_result_html(html_buf *b, web_ctx *w)
{
    int done = small_number(http_query(w->req, "bulk_done"));
    int skipped = small_number(http_query(w->req, "bulk_skipped"));
    if (done < 0 || skipped < 0)
        return;
    html_lit(b, "<p class=\"flash");
    if (skipped > 0)
        html_lit(b, " error");
    html_lit(b, "\" role=\"status\">");
    counted(b, w, "bulk.done", done, NULL, NULL);
    if (skipped > 0) {
        html_lit(b, " ");
        counted(b, w, "bulk.skipped", skipped, NULL, NULL);
        const char *refs = http_query(w->req, "bulk_refs");
        if (refs && refs[0] && strlen(refs) < 200 &&
            strspn(refs, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-,") == strlen(refs)) {
            html_lit(b, " ");
            html_text(b, refs);
        }
    }
    html_lit(b, "</p>");
}

/* ---- the post -------------------------------------------------------------------- */

/* One bulk request: what to do and to which items. */
typedef struct bulk {
    const char *op;      /* assign, forward, close */
    const char *action;  /* the item action: assign, forward, close, duplicate */
    const char *param;   /* assignee, destination or reason */
    const char *dup_ref; /* for reason duplicate */
    int64_t ids[BULK_MAX];
    int n;
} bulk;

static void add_id(bulk *k, long long id)
{
    if (id <= 0)
        return;
    for (int i = 0; i < k->n; i++)
        if (k->ids[i] == id)
            return;
    if (k->n < BULK_MAX)
        k->ids[k->n++] = id;
}

/* Ids from a comma list "12,13,14". */
static void add_list(bulk *k, const char *s)
{
    while (s && *s) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (end == s)
            return;
        add_id(k, v);
        if (*end != ',')
            return;
        s = end + 1;
    }
}

/* Reads the selection and the action; 0 if they make sense, else -1 and
 * *why names what is missing (flash key). */
static int bulk_read(const http_req *req, bulk *k, const char **why)
{
    memset(k, 0, sizeof *k);
    for (int i = 0; i < req->nform; i++)
        if (strcmp(req->form[i].name, "id") == 0)
            add_id(k, strtoll(req->form[i].value, NULL, 10));
    add_list(k, http_form(req, "ids"));
    const char *all = http_form(req, "all");
    if (all && strcmp(all, "1") == 0)
        add_list(k, http_form(req, "page_ids"));
    *why = "flash.bulk_none";
    if (k->n == 0)
        return -1;
    *why = "flash.bulk_incomplete";
    k->op = http_form(req, "op");
    if (!k->op)
        return -1;
    if (strcmp(k->op, "assign") == 0) {
        k->action = "assign";
        k->param = http_form(req, "assignee");
    } else if (strcmp(k->op, "forward") == 0) {
        k->action = "forward";
        k->param = http_form(req, "destination");
    } else if (strcmp(k->op, "close") == 0) {
        k->param = http_form(req, "reason");
        trygg_close_reason r;
        if (!k->param || trygg_close_reason_parse(k->param, &r) != TRYGG_OK ||
            r == TRYGG_CLOSE_NONE)
            return -1;
        k->action = r == TRYGG_CLOSE_DUPLICATE ? "duplicate" : "close";
        k->dup_ref = http_form(req, "dup_ref");
        if (r == TRYGG_CLOSE_DUPLICATE && (!k->dup_ref || !k->dup_ref[0]))
            return -1;
    } else {
        return -1;
    }
    return k->param && k->param[0] ? 0 : -1;
}

static void hidden(html_buf *b, const char *name, const char *value)
{
    if (!value)
        return;
    html_lit(b, "<input type=\"hidden\" name=\"");
    html_attr(b, name);
    html_lit(b, "\" value=\"");
    html_attr(b, value);
    html_lit(b, "\">");
}

/* The question of the confirmation: "Stänga 10 ärenden som skräp?". */
static void question(html_buf *b, web_ctx *w, const bulk *k, int n)
{
    char key[48];
    const char *names[3] = {NULL}, *values[3] = {NULL};
    trygg_user t;
    if (strcmp(k->op, "close") == 0) {
        snprintf(key, sizeof key, "bulk.ask_%s", k->param);
        names[0] = "ref";
        values[0] = k->dup_ref ? k->dup_ref : "";
    } else if (strcmp(k->op, "forward") == 0) {
        snprintf(key, sizeof key, "bulk.ask_forward");
        names[0] = "recipient";
        values[0] = web_dest_label(w, k->param);
    } else {
        snprintf(key, sizeof key, "bulk.ask_assign");
        names[0] = "name";
        values[0] = trygg_store_user_get(w->st, k->param, &t) == TRYGG_OK && t.display[0]
                        ? t.display
                        : k->param;
    }
    counted(b, w, key, n, names, values);
}

/* The confirmation page: the question with the count, the items it will
 * touch, and a form that posts the same action with confirm=1. */
static void confirm_page(web_ctx *w, const bulk *k)
{
    html_buf b;
    html_init(&b, 256 * 1024);
    web_page_begin(&b, w, "bulk.title", "queue");
    int visible = 0;
    char list[BULK_MAX * 21] = "";
    size_t len = 0;
    trygg_item *it = malloc(sizeof *it);
    html_lit(&b, "<h1>");
    html_t(&b, w, "bulk.title");
    html_lit(&b, "</h1><section class=\"card\"><ul class=\"plain refs\">");
    for (int i = 0; it && i < k->n; i++) {
        len +=
            (size_t)snprintf(list + len, sizeof list - len, "%s%" PRId64, i ? "," : "", k->ids[i]);
        if (web_access_get(&w->sess.user, w->st, k->ids[i], it) == WEB_SEE_NONE)
            continue;
        visible++;
        html_lit(&b, "<li><span class=\"ref\">");
        html_text(&b, it->ref);
        html_lit(&b, "</span></li>");
    }
    free(it);
    html_lit(&b, "</ul><p><strong>");
    question(&b, w, k, visible);
    html_lit(&b, "</strong></p>");
    if (visible < k->n) {
        html_lit(&b, "<p class=\"note\">");
        counted(&b, w, "bulk.hidden", k->n - visible, NULL, NULL);
        html_lit(&b, "</p>");
    }
    html_lit(&b, "<form method=\"post\" action=\"/queue/bulk\" class=\"row\">");
    web_csrf_field(&b, w);
    hidden(&b, "ids", list);
    hidden(&b, "op", k->op);
    hidden(&b,
           strcmp(k->op, "assign") == 0    ? "assignee"
           : strcmp(k->op, "forward") == 0 ? "destination"
                                           : "reason",
           k->param);
    hidden(&b, "dup_ref", k->dup_ref);
    html_lit(&b, "<button type=\"submit\" class=\"primary\" name=\"confirm\" value=\"1\">");
    html_t(&b, w, "bulk.confirm");
    html_lit(&b, "</button> <a class=\"button\" href=\"/queue\">");
    html_t(&b, w, "bulk.cancel");
    html_lit(&b, "</a></form></section>");
    web_page_end(&b, w);
    html_send(&b, w->resp, 200);
}

/* Runs the action on every item; redirects to the queue with the outcome. */
static void bulk_run(web_ctx *w, const bulk *k)
{
    int done = 0, skipped = 0, nrefs = 0;
    char refs[BULK_REFS * 9 + 1] = "";
    size_t rl = 0;
    for (int i = 0; i < k->n; i++) {
        const char *key;
        web_apply r = web_item_apply(w, k->ids[i], k->action, &key);
        if (r == WEB_APPLY_OK) {
            done++;
            continue;
        }
        skipped++;
        TRYGG_INFO("web: bulk %s by %s skipped item %" PRId64 " (%s)", k->action,
                   w->sess.user.username, k->ids[i], key);
        trygg_item it;
        if (r != WEB_APPLY_HIDDEN && nrefs < BULK_REFS &&
            web_access_get(&w->sess.user, w->st, k->ids[i], &it) != WEB_SEE_NONE) {
            rl += (size_t)snprintf(refs + rl, sizeof refs - rl, "%s%s", nrefs ? "," : "", it.ref);
            nrefs++;
        }
    }
    web_counts_invalidate();
    char loc[256];
    snprintf(loc, sizeof loc, "/queue?bulk_done=%d&bulk_skipped=%d%s%s", done, skipped,
             nrefs ? "&bulk_refs=" : "", refs);
    http_resp_redirect(w->resp, loc);
}

void web_bulk_post(void *ctx, const http_req *req, http_resp *resp)
{
    web_ctx w;
    if (web_begin(&w, ctx, req, resp) != 0)
        return;
    bulk *k = malloc(sizeof *k);
    const char *why = "flash.failed";
    if (!k || bulk_read(req, k, &why) != 0) {
        char loc[96];
        snprintf(loc, sizeof loc, "/queue?err=%s", why);
        http_resp_redirect(resp, loc);
        free(k);
        return;
    }
    const char *confirm = http_form(req, "confirm");
    if (confirm && strcmp(confirm, "1") == 0)
        bulk_run(&w, k);
    else
        confirm_page(&w, k);
    free(k);
}
