/*
 * test_web_templates.c — replies that write themselves, over real loopback
 * HTTP: the reply form offers the template that fits (kind, state or the
 * one chosen) in the texter's language with its part count, and
 * "Förhandsgranska" counts a typed text on the server; an admin edits a
 * template on /templates (a recipient's user cannot); closing an SMS item
 * sends the automatic message to the gateway's outbox only when server.ini
 * [sms] auto_close is on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "trygg/paths.h"
#include "trygg/route.h"
#include "trygg/secret.h"
#include "web.h"
#include "web_client.h"
#include "web_server_fixture.h"

#define PASSWORD "correct horse battery staple"

static char tmpdir[256];
static server_ctx ctx;
static http_server *srv;
static trygg_store *st;
static server_catalog *catalog;

/* An SMS item of `kind` from a texter whose language is `lang`. */
static int64_t sms_item(trygg_kind kind, const char *lang, const char *text)
{
    static int n;
    char pseudo[65];
    snprintf(pseudo, sizeof pseudo, "%064d", ++n);
    trygg_contact c;
    assert_int_equal(trygg_store_contact_get_or_create(st, pseudo, NULL, 0, "Tipsare T-", &c),
                     TRYGG_OK);
    assert_int_equal(trygg_store_contact_set_lang(st, pseudo, lang), TRYGG_OK);
    trygg_item it, out;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "tpl-test-%d", n);
    it.kind = kind;
    it.channel = TRYGG_CHANNEL_SMS;
    snprintf(it.source, sizeof it.source, "smsgw");
    snprintf(it.place, sizeof it.place, "Torget");
    snprintf(it.destination, sizeof it.destination, "security");
    snprintf(it.text, sizeof it.text, "%s", text);
    snprintf(it.sender, sizeof it.sender, "%s", pseudo);
    snprintf(it.alias, sizeof it.alias, "%s", c.alias);
    snprintf(it.lang, sizeof it.lang, "%s", lang);
    int created;
    assert_int_equal(trygg_store_submit(st, &it, &out, &created), TRYGG_OK);
    return out.id;
}

static void add_user(const char *name, const char *role, const char *dest)
{
    wsf_user(st, name, name, role, dest, PASSWORD);
}

static void add_dest(const char *name, int full)
{
    wsf_dest(st, name, name, full);
}

static int setup(void **state)
{
    (void)state;
    wsf_open(&ctx, &st, tmpdir, "tpl");
    catalog = calloc(1, sizeof *catalog);
    assert_non_null(catalog);
    snprintf(catalog->sms_not_ours_contact, sizeof catalog->sms_not_ours_contact,
             "Ale Bostäder 0303-33 00 00");
    ctx.cfg.catalog = catalog;
    add_dest("security", 1);
    add_dest("housing", 0);
    add_user("sakerhet", "security", NULL);
    fake_now = (int64_t)time(NULL);
    web_set_clock(fake_clock);
    wc_enrol(st, "sakerhet", NULL);
    add_user("bostad", "destination", "housing");
    srv = wsf_listen(&ctx);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    wsf_close(srv, &ctx, st, tmpdir);
    free(catalog);
    return 0;
}

static int sms_count(int64_t id)
{
    trygg_sms_out *so = calloc(16, sizeof *so);
    int n = 0;
    assert_int_equal(trygg_store_sms_list(st, id, so, 16, &n), TRYGG_OK);
    free(so);
    return n;
}

static void get_ok(reply *r, const session *s, const char *path)
{
    req(r, "GET", path, s->cookie, NULL);
    assert_int_equal(r->status, 200);
}

/* The reply form: the template of the item's state in the texter's
 * language, another one chosen, the part count, and a preview that counts
 * the typed text without sending. */
static void test_reply_form(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    int64_t tip = sms_item(TRYGG_KIND_TIP, "en", "Someone is dealing at the square");
    char path[160];
    snprintf(path, sizeof path, "/item/%" PRId64, tip);
    reply r;
    get_ok(&r, &s, path);
    /* A new item: "received", in English, the texter's language. */
    assert_non_null(strstr(r.body, "Thank you for your tip, "));
    assert_non_null(strstr(r.body, "<option value=\"received\" selected"));
    assert_non_null(strstr(r.body, "<option value=\"en\" selected"));
    assert_non_null(strstr(r.body, " SMS (GSM)</p>"));
    assert_non_null(strstr(r.body, "/static/reply.js"));
    reply_free(&r);
    /* A category server.ini has no label for never reaches the texter as
     * its id: the catalog's words stand in. */
    int64_t dark = sms_item(TRYGG_KIND_CONCERN, "sv", "Mörkt vid torget");
    assert_int_equal(trygg_store_update(st, dark, "test", "drugs", "", TRYGG_KIND_CONCERN),
                     TRYGG_OK);
    snprintf(path, sizeof path, "/item/%" PRId64 "?tpl=resolved", dark);
    get_ok(&r, &s, path);
    assert_non_null(strstr(r.body, "om det du beskrev vid Torget"));
    assert_null(strstr(r.body, "om drugs"));
    reply_free(&r);
    /* Another template and language, chosen without JavaScript. */
    snprintf(path, sizeof path, "/item/%" PRId64 "?tpl=police&tpl_lang=ar", tip);
    get_ok(&r, &s, path);
    assert_non_null(strstr(r.body, "114 14"));
    assert_non_null(strstr(r.body, " SMS (Unicode)</p>"));
    reply_free(&r);
    /* Preview: 161 GSM characters are two parts; nothing is sent. */
    char a161[162], fields[400];
    memset(a161, 'a', 161);
    a161[161] = '\0';
    snprintf(fields, sizeof fields, "text=%s&preview=1&tpl=received&tpl_lang=en", a161);
    post_action(&s, tip, "reply", fields, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "161 tecken, 2 SMS (GSM)"));
    assert_non_null(strstr(r.body, a161));
    reply_free(&r);
    /* A euro sign counts two septets. */
    post_action(&s, tip, "reply", "text=%E2%82%AC5&preview=1", &r);
    assert_non_null(strstr(r.body, "3 tecken, 1 SMS (GSM)"));
    reply_free(&r);
    assert_int_equal(sms_count(tip), 0);
    /* Sending the template text queues it as before. */
    post_action(&s, tip, "reply", "text=Thank+you&tpl=received", &r);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.location, "ok=flash.replied"));
    reply_free(&r);
    assert_int_equal(sms_count(tip), 1);
    /* A recipient's user cannot preview (no reply right): 404 for a tip. */
    session h;
    assert_int_equal(login_as("bostad", PASSWORD, &h), 303);
    post_action(&h, tip, "reply", "text=x&preview=1", &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
}

/* An admin edits a template; the reply form offers the edit; a reset
 * restores the catalog's text. A recipient's user gets 403 and changes
 * nothing. */
static void test_admin_edit(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    reply r;
    get_ok(&r, &s, "/templates");
    assert_non_null(strstr(r.body, "/templates?key=tpl.triaged.concern&amp;lang=so"));
    reply_free(&r);
    get_ok(&r, &s, "/templates?key=tpl.triaged.concern&lang=sv");
    assert_non_null(strstr(r.body, "Vi har läst ditt ärende {ref}"));
    assert_non_null(strstr(r.body, "id=\"tpl-count\""));
    reply_free(&r);
    char form[512];
    snprintf(form, sizeof form,
             "csrf=%s&key=tpl.triaged.concern&lang=sv&op=save&text=Vi+har+sett+{ref}+vid+{place}.",
             s.csrf);
    req(&r, "POST", "/templates", s.cookie, form);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.location, "ok=flash.template_saved"));
    reply_free(&r);
    trygg_template t;
    assert_int_equal(trygg_store_template_get(st, "tpl.triaged.concern", "sv", &t), TRYGG_OK);
    assert_string_equal(t.updated_by, "sakerhet");
    /* The item page offers it. */
    int64_t id = sms_item(TRYGG_KIND_CONCERN, "sv", "Mörkt vid torget");
    char path[160];
    snprintf(path, sizeof path, "/item/%" PRId64 "?tpl=triaged", id);
    get_ok(&r, &s, path);
    assert_non_null(strstr(r.body, "Vi har sett "));
    assert_non_null(strstr(r.body, " vid Torget."));
    reply_free(&r);
    /* An unknown placeholder is refused. */
    snprintf(form, sizeof form, "csrf=%s&key=tpl.triaged.concern&lang=sv&op=save&text=Hej+{namn}",
             s.csrf);
    req(&r, "POST", "/templates", s.cookie, form);
    assert_non_null(strstr(r.location, "err=flash.template_placeholder"));
    reply_free(&r);
    /* A recipient's user: 403 on the page and on saving, nothing changed. */
    session h;
    assert_int_equal(login_as("bostad", PASSWORD, &h), 303);
    req(&r, "GET", "/templates", h.cookie, NULL);
    assert_int_equal(r.status, 403);
    reply_free(&r);
    snprintf(form, sizeof form, "csrf=%s&key=tpl.triaged.concern&lang=sv&op=save&text=Evil",
             h.csrf);
    req(&r, "POST", "/templates", h.cookie, form);
    assert_int_equal(r.status, 403);
    reply_free(&r);
    snprintf(form, sizeof form, "csrf=%s&key=tpl.triaged.concern&lang=sv&op=reset", h.csrf);
    req(&r, "POST", "/templates", h.cookie, form);
    assert_int_equal(r.status, 403);
    reply_free(&r);
    assert_int_equal(trygg_store_template_get(st, "tpl.triaged.concern", "sv", &t), TRYGG_OK);
    assert_string_equal(t.text, "Vi har sett {ref} vid {place}.");
    /* Reset: the catalog's text again. */
    snprintf(form, sizeof form, "csrf=%s&key=tpl.triaged.concern&lang=sv&op=reset", s.csrf);
    req(&r, "POST", "/templates", s.cookie, form);
    assert_non_null(strstr(r.location, "ok=flash.template_reset"));
    reply_free(&r);
    assert_int_equal(trygg_store_template_get(st, "tpl.triaged.concern", "sv", &t),
                     TRYGG_ERR_NOTFOUND);
    get_ok(&r, &s, path);
    assert_non_null(strstr(r.body, "Vi har läst ditt ärende "));
    reply_free(&r);
}

/* The SMS rows the gateway would claim now that belong to item `id`, and
 * whether one holds `needle`. */
static int outbox_has(int64_t id, const char *needle)
{
    trygg_sms_out *so = calloc(64, sizeof *so);
    int n = 0, found = 0;
    assert_int_equal(trygg_store_sms_due(st, (int64_t)time(NULL) + 5, so, 64, &n), TRYGG_OK);
    for (int i = 0; i < n; i++)
        found |= so[i].item_id == id && (!needle || strstr(so[i].text, needle));
    free(so);
    return found;
}

/* Closing an SMS item: off sends nothing (but "referred to the police"
 * keeps its links); on sends the template in the texter's language through
 * the outbox, in the thread and audited. */
static void test_auto_close(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    reply r;
    catalog->sms_auto_close = 0;
    int64_t off = sms_item(TRYGG_KIND_FAULT, "sv", "Lampan är trasig");
    post_action(&s, off, "close", "reason=resolved", &r);
    assert_non_null(strstr(r.location, "ok=flash.closed"));
    reply_free(&r);
    assert_int_equal(sms_count(off), 0);
    assert_false(outbox_has(off, NULL));
    int64_t police = sms_item(TRYGG_KIND_TIP, "so", "Daroogo");
    post_action(&s, police, "close", "reason=police", &r);
    assert_non_null(strstr(r.location, "ok=flash.closed_police"));
    reply_free(&r);
    assert_true(outbox_has(police, "114 14"));

    catalog->sms_auto_close = 1;
    int64_t on = sms_item(TRYGG_KIND_FAULT, "sv", "Lampan är trasig igen");
    post_action(&s, on, "close", "reason=resolved", &r);
    assert_non_null(strstr(r.location, "ok=flash.closed_sms"));
    reply_free(&r);
    assert_true(outbox_has(on, "är åtgärdat"));
    trygg_message *m = calloc(16, sizeof *m);
    int n = 0;
    assert_int_equal(trygg_store_list_messages(st, on, TRYGG_VIEW_FULL, m, 16, &n), TRYGG_OK);
    int out = 0;
    for (int i = 0; i < n; i++)
        out |= m[i].dir == TRYGG_MSG_OUT && strstr(m[i].text, "är åtgärdat") != NULL;
    free(m);
    assert_true(out);
    trygg_audit a[32];
    assert_int_equal(trygg_store_list_audit(st, on, a, 32, &n), TRYGG_OK);
    int audited = 0;
    for (int i = 0; i < n; i++)
        audited |= strcmp(a[i].action, "auto_reply") == 0 && strcmp(a[i].detail, "resolved") == 0;
    assert_true(audited);
    /* Not ours: whom to contact instead, in English. */
    int64_t other = sms_item(TRYGG_KIND_CONCERN, "en", "Noisy neighbours");
    post_action(&s, other, "close", "reason=not_ours", &r);
    reply_free(&r);
    assert_true(outbox_has(other, "Ale Bostäder 0303-33 00 00"));
    /* Spam never answers. */
    int64_t spam = sms_item(TRYGG_KIND_TIP, "sv", "Köp billigt");
    post_action(&s, spam, "close", "reason=spam", &r);
    reply_free(&r);
    assert_false(outbox_has(spam, NULL));
    /* An edited template too long once filled does not keep the item open. */
    char big[TRYGG_TEMPLATE_TEXT_MAX + 1] = "";
    while (strlen(big) + 9 <= TRYGG_TEMPLATE_TEXT_MAX)
        strcat(big, "{contact}");
    assert_int_equal(trygg_store_template_set(st, "tpl.resolved.fault", "sv", big, "test"),
                     TRYGG_OK);
    int64_t longer = sms_item(TRYGG_KIND_FAULT, "sv", "Trasig skylt");
    post_action(&s, longer, "close", "reason=resolved", &r);
    assert_non_null(strstr(r.location, "ok=flash.closed"));
    reply_free(&r);
    trygg_item it;
    assert_int_equal(trygg_store_get(st, longer, &it), TRYGG_OK);
    assert_int_equal(it.status, TRYGG_STATUS_CLOSED);
    assert_false(outbox_has(longer, NULL));
    assert_int_equal(trygg_store_template_reset(st, "tpl.resolved.fault", "sv", "test"), TRYGG_OK);
    /* The audit trail says it in words. */
    char path[64];
    snprintf(path, sizeof path, "/item/%" PRId64, on);
    get_ok(&r, &s, path);
    assert_non_null(strstr(r.body, "Automatiskt SMS: åtgärdat"));
    reply_free(&r);
    catalog->sms_auto_close = 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reply_form),
        cmocka_unit_test(test_admin_edit),
        cmocka_unit_test(test_auto_close),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
