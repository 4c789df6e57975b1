/*
 * web.h — internals shared by the staff web UI files (web_*.c).
 *
 * The UI is server-rendered HTML with one escaping path: every page is built
 * in an html_buf (web_html.c) where literal markup can only be appended as a
 * string literal (html_lit) and every dynamic value goes through html_text /
 * html_attr / html_t, which escape it. Nothing else writes into a page.
 *
 * Request flow: web.c maps paths to handlers; each handler calls
 * web_begin() which finds the session (web_session.c), reloads the user from
 * the store (a disabled user is logged out at once) and checks CSRF on POST.
 * Access to an item is decided by ONE function, web_access_item()
 * (web_access.c), called on every view and every action.
 *
 * Threading: sessions and login failures live in the store (several servers
 * share them); everything else is per request. Read first: web_begin(),
 * web_access_item(), html_lit().
 */
#ifndef TRYGG_WEB_H
#define TRYGG_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "server.h"
#include "trygg/buf.h"
#include "trygg/item.h"
#include "trygg/store.h"

/* ---- HTML buffer (web_html.c) ----------------------------------------------- */

/* The one buffer (trygg/buf.h); its error is sticky, so the appends below
 * return nothing and html_send checks once: a page whose append failed (cap
 * or out of memory) is never sent. */
typedef trygg_buf html_buf;

/* Starts an empty buffer capped at `max` bytes. */
void html_init(html_buf *b, size_t max);
void html_free(html_buf *b);
/* Appends literal markup. Use only through html_lit(), which accepts string
 * literals and nothing else (the "" s "" concatenation fails to compile for a
 * variable), so dynamic data can never become markup. */
void html_raw_(html_buf *b, const char *lit, size_t len);
#define html_lit(b, s) html_raw_((b), "" s "", sizeof("" s "") - 1)
/* html_lit of literal `a` when `cond` holds, else of literal `c`. */
#define html_pick(b, cond, a, c) ((cond) ? html_lit((b), a) : html_lit((b), c))
/* Appends text escaped for element content: & < > " ' become entities; C0
 * controls other than tab/newline/CR and invalid UTF-8 bytes become U+FFFD.
 * NULL appends nothing. */
void html_text(html_buf *b, const char *s);
/* Appends a value escaped for a double-quoted attribute (same escaping). */
void html_attr(html_buf *b, const char *s);
/* Appends a decimal integer. */
void html_int(html_buf *b, long long v);
/* Appends `s` percent-encoded for a URL query component, then attribute-safe. */
void html_urlarg(html_buf *b, const char *s);
/* Moves the finished page into resp (200 or `status`, text/html). Returns -1
 * (and sets a 500) if the buffer overflowed. Frees b's memory either way. */
int html_send(html_buf *b, http_resp *resp, int status);

/* ---- Sessions, CSRF, rate limits (web_session.c) -------------------------- */

#define WEB_COOKIE       "trygg_session"
#define WEB_MAX_SESSIONS 4096
#define WEB_TOKEN_LEN    64

typedef struct web_user {
    char username[TRYGG_NAME_MAX + 1];
    char display[128];
    char role[32];                        /* admin, security, destination */
    char destination[TRYGG_NAME_MAX + 1]; /* for role destination */
    int can_call_back;
} web_user;

/* How far a login has come: the password alone gives a session that can
 * only reach the two-factor pages (web_auth.c); web_begin() lets nothing
 * else through until the stage is WEB_STAGE_OK. */
typedef enum web_stage {
    WEB_STAGE_OK = 0, /* logged in */
    WEB_STAGE_CODE,   /* password right, one-time code still to come */
    WEB_STAGE_ENROL   /* password right, must set up two-factor login first */
} web_stage;

typedef struct web_session {
    char token_hash[65];
    char csrf[WEB_TOKEN_LEN];
    web_user user;
    char lang[TRYGG_LANG_MAX + 1];
    int64_t created, last_seen;
    web_stage stage;
} web_session;

/* Absolute session lifetime regardless of activity (seconds). */
#define WEB_SESSION_MAX_AGE (12 * 3600)

/* Creates a session for `u` at time `now`; token_out gets the cookie value
 * (only its hash is kept). *out (may be NULL) gets a copy. When the table is
 * full the least recently used session is dropped. 0 on success, -1 on
 * failure (randomness unavailable). */
int web_session_create(trygg_store *st, const web_user *u, int64_t now,
                       char token_out[WEB_TOKEN_LEN], web_session *out);
/* Finds the session of cookie `token` that is not idle for more than
 * `idle_minutes` nor older than WEB_SESSION_MAX_AGE at `now`; refreshes its
 * last_seen (written at most every WEB_SESSION_TOUCH seconds) and copies it
 * into *out. Expired sessions are removed. 0 when found, -1 otherwise. */
int web_session_lookup(trygg_store *st, const char *token, int64_t now, int idle_minutes,
                       web_session *out);
/* Sets the login stage of the session with `token` (unknown tokens ignored). */
void web_session_set_stage(trygg_store *st, const char *token, web_stage stage);
/* Updates the stored user data / language of the session with `token`. */
void web_session_update(trygg_store *st, const char *token, const web_user *u, const char *lang);
/* Removes the session (logout). Unknown tokens are ignored. */
void web_session_destroy(trygg_store *st, const char *token);
/* Removes every session of `username` (disabled user). */
void web_session_destroy_user(trygg_store *st, const char *username);
/* 1 if `given` equals the session's CSRF token (constant time), else 0. */
int web_csrf_ok(const web_session *s, const char *given);
/* How often a session's last_seen is written, seconds. */
#define WEB_SESSION_TOUCH 30

/* Login rate limiting: at most WEB_RL_IP_FAILS failures per IP and
 * WEB_RL_USER_FAILS per username within WEB_RL_WINDOW seconds, counted in
 * the store so that every server in front of one database counts them. */
#define WEB_RL_WINDOW     900
#define WEB_RL_IP_FAILS   20
#define WEB_RL_USER_FAILS 5
/* 1 if a login attempt from ip for username is allowed at `now`; 0 also
 * when the store cannot say (never a free guess while the count is unknown). */
int web_ratelimit_allowed(trygg_store *st, const char *ip, const char *username, int64_t now);
/* Records a failed attempt. */
void web_ratelimit_fail(trygg_store *st, const char *ip, const char *username, int64_t now);
/* Forgets the failures of `username` (after a successful login). */
void web_ratelimit_success(trygg_store *st, const char *username);

/* ---- Access rules (web_access.c) ------------------------------------------- */

typedef enum web_see {
    WEB_SEE_NONE = 0, /* may not know the item exists: 404 */
    WEB_SEE_SCRUBBED, /* destination copy: personal data scrubbed, no sender */
    WEB_SEE_FULL      /* security department: everything */
} web_see;

typedef enum web_action {
    WEB_ACT_VIEW = 0,
    WEB_ACT_NOTE,     /* internal note */
    WEB_ACT_PROGRESS, /* mark in progress */
    WEB_ACT_CLOSE,    /* close resolved / not ours */
    WEB_ACT_EDIT,     /* change category, area, kind, urgency */
    WEB_ACT_FORWARD,
    WEB_ACT_REPLY, /* SMS to the alias */
    WEB_ACT_DUPLICATE,
    WEB_ACT_REOPEN,
    WEB_ACT_TRIAGE,
    WEB_ACT_CLOSE_ANY, /* close with any reason (police, spam, duplicate) */
    WEB_ACT_REDACT,    /* edit the recipients' copy (moderation) */
    WEB_ACT_ASSIGN,    /* assign to a staff member, reassign, unassign */
} web_action;

/* 1 if role is one of admin, security (sees everything, unscrubbed). */
int web_access_is_security(const web_user *u);
/* What `u` may see of `it`. Security and admin: FULL. Role "destination":
 * SCRUBBED for items whose destination (or the routing rule's copy_to, to
 * read only) is the user's own, never tips or call-backs; NONE otherwise
 * (also for unknown roles). */
web_see web_access_item(const web_user *u, const trygg_item *it);
/* 1 if `u` may do `a` on `it` (implies web_access_item != NONE). */
int web_access_action(const web_user *u, const trygg_item *it, web_action a);
/* 1 if `u` may assign `it` to `target` (NULL: unassign): `u` may assign the
 * item, and `target` is enabled and of the item's recipient department or
 * the security department. A destination user assigns within their own
 * organisation only: `target` must be a user of the same destination. */
int web_access_assign(const web_user *u, const trygg_item *it, const trygg_user *target);
/* 1 if `u` may register items that came in by phone, visit, letter or
 * e-mail (web_new.c): the security department only, because the routing
 * rules, not the user, decide the recipient. */
int web_access_register(const web_user *u);
/* 1 if `u` may use the admin and channels pages. */
int web_access_admin(const web_user *u);
/* Narrows a list filter to what `u` may see (destination users: their
 * destination only, no tips or call-backs). Returns 0 when the filter can
 * only give items `u` may not see (the list must be empty), 1 otherwise. */
int web_access_filter(const web_user *u, trygg_filter *f);
/* 1 if `u` may see the call-back number of `it`. */
int web_access_callback_number(const web_user *u, const trygg_item *it);
/* Copies the item as `u` may see it: scrubbed text/place and no sender,
 * alias or contact for SCRUBBED. Returns the web_see level used. A second
 * layer: items shown to `u` are read in web_access_store_view(u) already. */
web_see web_access_view(const web_user *u, const trygg_item *in, trygg_item *out);
/* The store view `u` reads items and threads in: full for the security
 * department, the shared (recipients') copy for everyone else. */
trygg_view web_access_store_view(const web_user *u);
/* Reads item `id` in the view of `u` and decides access: WEB_SEE_NONE
 * (also when it does not exist) or the level, with *out as `u` may see it. */
web_see web_access_get(const web_user *u, trygg_store *st, int64_t id, trygg_item *out);

/* ---- Request context (web.c) -------------------------------------------------- */

/* Name and label of a destination, loaded once per request. */
typedef struct web_dest {
    char name[TRYGG_NAME_MAX + 1];
    char label[128];
    int full_access;
} web_dest;
#define WEB_MAX_DESTS 32

typedef struct web_ctx {
    server_ctx *srv;
    const http_req *req;
    http_resp *resp;
    trygg_store *st;
    web_session sess;
    const char *token; /* session cookie value */
    const char *lang;
    web_dest dests[WEB_MAX_DESTS];
    int ndests;
} web_ctx;

/* Starts handling a request that needs a logged-in user: finds the
 * session, reloads the user from the store (disabled or deleted users are
 * logged out), and on POST checks the CSRF field "csrf". On failure it has
 * already filled resp (redirect to /login, 403 for CSRF, 503 without a
 * store) and returns -1. */
int web_begin(web_ctx *w, void *ctx, const http_req *req, http_resp *resp);
/* Display label of destination `name` (its name when unknown). */
const char *web_dest_label(const web_ctx *w, const char *name);
/* Display labels of a category / area id from server.ini (the id itself
 * when the catalog has no entry). */
const char *web_cat_label(const web_ctx *w, const char *id);
const char *web_area_label(const web_ctx *w, const char *id);
/* A <select> (or a text input when server.ini lists none) with id `id`,
 * name `name`, current value `cur`: the category filter (an "any" option
 * first, each category once) and the area (`any` adds the "any" option). */
void web_cat_select(html_buf *b, const web_ctx *w, const char *id, const char *name,
                    const char *cur);
void web_area_select(html_buf *b, const web_ctx *w, const char *id, const char *name,
                     const char *cur, int any);
/* The category of an item (edit and new forms): "no category" first, then
 * the categories grouped by kind; `cur` is selected under `cur_kind`. */
void web_cat_choice(html_buf *b, const web_ctx *w, const char *id, const char *name,
                    const char *cur, int cur_kind);
/* 1 when `category` ("" = none) is listed under `kind` in server.ini (or
 * server.ini lists no categories). */
int web_cat_fits(const web_ctx *w, const char *category, trygg_kind kind);

/* Text from the web catalog in the session's language (never NULL). */
const char *web_t(const web_ctx *w, const char *key);
/* "Svar senast <date>" of an open item with a due date (and "Försenad" past
 * it), nothing otherwise (web_deadline.c). */
void web_due_html(html_buf *b, const web_ctx *w, const trygg_item *it);
/* "3 arbetsdagar gammalt": the item's age in working days. */
void web_age_html(html_buf *b, const web_ctx *w, const trygg_item *it);
/* Escaped catalog text. */
void html_t(html_buf *b, const web_ctx *w, const char *key);
/* Catalog text `key` with its one placeholder {name} = value, escaped. */
void html_t1(html_buf *b, const web_ctx *w, const char *key, const char *name, const char *value);
/* Opens a table cell labelled with the catalog text of `key`
 * (`<td data-label="…">`: the phone layout shows the label beside the value). */
void web_td(html_buf *b, const web_ctx *w, const char *key);
/* Page frame: doctype, head, skip link, header with navigation (`nav` is
 * the active entry: "queue", "channels", "admin"), <main>. title_key is a
 * catalog key. */
void web_page_begin(html_buf *b, const web_ctx *w, const char *title_key, const char *nav);
void web_page_end(html_buf *b, const web_ctx *w);
/* Hidden CSRF input for forms. */
void web_csrf_field(html_buf *b, const web_ctx *w);
/* A full error page (403/404/400) with a catalog message. */
void web_error(web_ctx *w, int status, const char *msg_key);
/* Formats unix seconds as local "YYYY-MM-DD HH:MM" into out[32] ("" for 0). */
void web_fmt_time(int64_t t, char out[32]);
/* Parses "YYYY-MM-DD" as local midnight; -1 on bad input. */
int64_t web_parse_date(const char *s);
/* Wall clock seconds (overridable in tests through web_set_clock). */
int64_t web_now(void);
void web_set_clock(int64_t (*fn)(void));
/* Catalog key for an enum value: "kind.<name>", "status.<name>", ... written
 * into out[64]. */
const char *web_enum_key(const char *prefix, const char *name, char out[64]);

/* ---- Handlers (web_*.c) -------------------------------------------------------- */
void web_login_get(void *ctx, const http_req *req, http_resp *resp);
void web_login_post(void *ctx, const http_req *req, http_resp *resp);
/* Two-factor login (web_auth.c): the code step after the password, and
 * enrolment (QR code, recovery codes). */
void web_code_get(void *ctx, const http_req *req, http_resp *resp);
void web_code_post(void *ctx, const http_req *req, http_resp *resp);
void web_enrol_get(void *ctx, const http_req *req, http_resp *resp);
void web_enrol_post(void *ctx, const http_req *req, http_resp *resp);
void web_logout_post(void *ctx, const http_req *req, http_resp *resp);
void web_lang_post(void *ctx, const http_req *req, http_resp *resp);
void web_queue_get(void *ctx, const http_req *req, http_resp *resp);
void web_item_get(void *ctx, const http_req *req, http_resp *resp);
void web_item_post(void *ctx, const http_req *req, http_resp *resp);
/* What web_item_apply did. */
typedef enum web_apply {
    WEB_APPLY_OK = 0,    /* done (and the queue's counts dropped) */
    WEB_APPLY_HIDDEN,    /* no such item, or the user may not see it (404) */
    WEB_APPLY_UNKNOWN,   /* no such action (404) */
    WEB_APPLY_FORBIDDEN, /* the user may see the item but not do this (403) */
    WEB_APPLY_FAILED     /* refused or failed; *key names why */
} web_apply;
/* Runs item action `action` ("close", "forward", "assign", "duplicate", ...)
 * on item `id` as w's user with the form fields of w->req, through the same
 * access checks (web_access.c) as POST /item/<id>/<action>
 * (web_item_post.c). *key gets the flash message key of the outcome. */
web_apply web_item_apply(web_ctx *w, int64_t id, const char *action, const char **key);
/* POST /queue/bulk (web_bulk.c): one action on the selected items, after a
 * confirmation that states the count. */
void web_bulk_post(void *ctx, const http_req *req, http_resp *resp);
/* The bulk form's opening tag and its controls above the queue table, and
 * the outcome of the last bulk action (bulk_done, bulk_skipped). */
void web_bulk_form_open(html_buf *b, web_ctx *w);
void web_bulk_result_html(html_buf *b, web_ctx *w);
/* Staff-made items (web_new.c): GET/POST /new registers a phone call, a
 * visit, a letter or an e-mail as an item of channel staff. */
void web_new_get(void *ctx, const http_req *req, http_resp *resp);
void web_new_post(void *ctx, const http_req *req, http_resp *resp);
void web_export_get(void *ctx, const http_req *req, http_resp *resp);
void web_export_xlsx_get(void *ctx, const http_req *req, http_resp *resp);
void web_channels_get(void *ctx, const http_req *req, http_resp *resp);
/* Partner events (web_events.c): the list with the form, and one event. */
void web_events_get(void *ctx, const http_req *req, http_resp *resp);
void web_events_post(void *ctx, const http_req *req, http_resp *resp);
void web_event_get(void *ctx, const http_req *req, http_resp *resp);
void web_event_post(void *ctx, const http_req *req, http_resp *resp);
/* A partner's weekly list as CSV (web_events_import.c). */
void web_events_import_post(void *ctx, const http_req *req, http_resp *resp);
/* The events page with its form blank (web_events.c); `errors` (may be
 * NULL) draws the import's refusal under the import form. */
struct events_import;
/* The organisation a user files events as: "security" for the security
 * department, else the user's destination. */
const char *web_event_org(const web_user *u);
void web_events_page(web_ctx *w, const struct events_import *errors, int status);
/* GET /access-log: the access log of personal data (security department). */
void web_access_log_get(void *ctx, const http_req *req, http_resp *resp);
/* The meeting and measures (web_meeting.c, web_measures.c, web_plan.c):
 * who may use them — the security department and the [report] internal
 * roles (report_internal_allowed). */
int web_meeting_allowed(const web_ctx *w);
/* Starts a meeting, measures or plan request: the session, then
 * web_meeting_allowed (403 answered). 0 to go on, -1 when answered. */
int web_meeting_begin(web_ctx *w, void *ctx, const http_req *req, http_resp *resp);
void web_meeting_get(void *ctx, const http_req *req, http_resp *resp);
void web_meeting_post(void *ctx, const http_req *req, http_resp *resp);
void web_meeting_versions_get(void *ctx, const http_req *req, http_resp *resp);
void web_meeting_print_get(void *ctx, const http_req *req, http_resp *resp);
void web_measures_get(void *ctx, const http_req *req, http_resp *resp);
void web_measure_get(void *ctx, const http_req *req, http_resp *resp);
void web_measure_post(void *ctx, const http_req *req, http_resp *resp);
void web_measures_plan_get(void *ctx, const http_req *req, http_resp *resp);
void web_measures_plan_post(void *ctx, const http_req *req, http_resp *resp);
/* A <select> of the responsible organisation: the group ("", with_group),
 * the security department and every destination. */
void web_org_select(html_buf *b, const web_ctx *w, const char *id, const char *name,
                    const char *cur, int with_group);
/* A printable document's head (A4 print CSS, /static/print.css) and <body>. */
void web_print_head(html_buf *b, const web_ctx *w, const char *title);
/* Before/after of measure *m (its places, linked categories and types) as
 * a table with the caveat; `suppress` shows counts below the published
 * view's threshold as "<T". */
void web_measure_effect(html_buf *b, web_ctx *w, const trygg_measure *m, int suppress);
/* Records an export (`what`: "export_csv", "export_report_csv", ...) of `rows`
 * rows with the filter used, by the session's user, in the access log. */
void web_log_export(web_ctx *w, const char *what, int rows, const char *filter);
/* The reply templates (web_templates.c): the list, one template's edit
 * form, and saving or resetting it (admin pages' users only). */
void web_templates_get(void *ctx, const http_req *req, http_resp *resp);
void web_templates_post(void *ctx, const http_req *req, http_resp *resp);
void web_admin_get(void *ctx, const http_req *req, http_resp *resp);
void web_admin_post(void *ctx, const http_req *req, http_resp *resp);
void web_static_get(void *ctx, const http_req *req, http_resp *resp);

/* Status badge of an item. */
void web_status_badge(html_buf *b, const web_ctx *w, const trygg_item *it);

/* Drops the cached status counts of the queue (after any change). */
void web_counts_invalidate(void);

/* Builds the list filter from the request's query (status, kind, category,
 * area, destination, channel, urgent, from, to, q, open). Unknown values are
 * ignored. */
void web_filter_from_query(const http_req *req, trygg_filter *f);
/* Parses the keyset cursor "u.created.id" of the query argument "after". */
int web_cursor_parse(const char *s, trygg_cursor *c);

#endif
