/*
 * test_web_suggest.c — an SMS tip without a category shows the category its
 * words suggest (server/web_item_suggest.c) on the item page, over real HTTP
 * against the in-process server with the shipped server.ini; the one button
 * takes it (kind and category change, the receiver stays, audited); an item
 * with a category, or with words that suggest nothing, shows no suggestion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server_fixture.h"
#include "web.h"
#include "web_client.h"

#define PASSWORD "correct horse battery staple"

static sfx F;
static int64_t lamp_id, vague_id, kiosk_id;

static int64_t submit(trygg_store *st, trygg_kind kind, trygg_channel ch, const char *category,
                      const char *text)
{
    static int n;
    trygg_item it, out;
    trygg_item_init(&it);
    snprintf(it.client_key, sizeof it.client_key, "suggest-%d", ++n);
    it.kind = kind;
    it.channel = ch;
    snprintf(it.source, sizeof it.source, "%s", ch == TRYGG_CHANNEL_KIOSK ? "test-kiosk" : "smsgw");
    snprintf(it.category, sizeof it.category, "%s", category);
    snprintf(it.area, sizeof it.area, "centrum");
    snprintf(it.destination, sizeof it.destination, "security");
    snprintf(it.text, sizeof it.text, "%s", text);
    int created;
    assert_int_equal(trygg_store_submit(st, &it, &out, &created), TRYGG_OK);
    return out.id;
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    assert_int_equal(sfx_prepare(&F, NULL, NULL), 0);
    char p[300];
    snprintf(p, sizeof p, "%s/trygg.db", F.dir);
    trygg_store *st = NULL;
    assert_int_equal(trygg_store_open(p, &st), TRYGG_OK);
    trygg_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.username, sizeof u.username, "sakerhet");
    snprintf(u.display, sizeof u.display, "Sara");
    snprintf(u.role, sizeof u.role, "security");
    assert_int_equal(trygg_store_user_add(st, &u, PASSWORD), TRYGG_OK);
    fake_now = (int64_t)time(NULL);
    web_set_clock(fake_clock);
    wc_enrol(st, "sakerhet", NULL);
    lamp_id = submit(st, TRYGG_KIND_TIP, TRYGG_CHANNEL_SMS, "",
                     "Gatlampan vid ån är trasig sedan i måndags");
    vague_id = submit(st, TRYGG_KIND_TIP, TRYGG_CHANNEL_SMS, "", "Kan ni ringa mig om det här");
    kiosk_id = submit(st, TRYGG_KIND_CONCERN, TRYGG_CHANNEL_KIOSK, "lighting",
                      "Gatlampan vid skolan är trasig");
    trygg_store_close(st);
    assert_int_equal(sfx_serve(&F, 0), 0);
    wc_port = F.port;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sfx_stop(&F);
    return 0;
}

static char *item_page(const session *s, int64_t id)
{
    char path[64];
    snprintf(path, sizeof path, "/item/%" PRId64, id);
    reply r;
    req(&r, "GET", path, s->cookie, NULL);
    assert_int_equal(r.status, 200);
    return r.body; /* the caller frees */
}

static void test_suggested_and_taken(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    char *body = item_page(&s, lamp_id);
    const char *sug = strstr(body, "id=\"suggest\"");
    assert_non_null(sug);
    assert_non_null(strstr(sug, "Förslag utifrån texten:"));
    assert_non_null(strstr(sug, "Gatubelysning"));
    assert_non_null(strstr(sug, "name=\"category\" value=\"street_light\""));
    assert_non_null(strstr(sug, "name=\"kind\" value=\"fault\""));
    assert_non_null(strstr(sug, "Använd förslaget"));
    free(body);

    reply r;
    post_action(&s, lamp_id, "edit", "kind=fault&category=street_light&area=centrum", &r);
    assert_int_equal(r.status, 303);
    reply_free(&r);
    trygg_store *st = server_store(&F.ctx);
    trygg_item it;
    assert_int_equal(trygg_store_get(st, lamp_id, &it), TRYGG_OK);
    assert_int_equal(it.kind, TRYGG_KIND_FAULT);
    assert_string_equal(it.category, "street_light");
    assert_string_equal(it.destination, "security"); /* the receiver stays */

    body = item_page(&s, lamp_id); /* taken: no more suggestion */
    assert_null(strstr(body, "id=\"suggest\""));
    free(body);
}

static void test_no_suggestion(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    char *body = item_page(&s, vague_id);
    assert_null(strstr(body, "id=\"suggest\""));
    free(body);
    body = item_page(&s, kiosk_id);
    assert_null(strstr(body, "id=\"suggest\""));
    free(body);
}

/* The edit form: "no category" is a choice (and what an item without one
 * shows, so saving an area change cannot set a category by itself); the
 * categories are grouped by kind; a category that does not belong to the
 * chosen kind is refused; choosing "no category" clears it. */
static void test_edit_categories(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login_as("sakerhet", PASSWORD, &s), 303);
    char *body = item_page(&s, vague_id);
    const char *ed = strstr(body, "id=\"ed-cat\"");
    assert_non_null(ed);
    assert_non_null(strstr(ed, "<option value=\"\" selected>Ingen kategori</option>"));
    assert_non_null(strstr(ed, "<optgroup label=\"Otrygghet\">"));
    assert_non_null(strstr(ed, "<optgroup label=\"Felanmälan\">"));
    free(body);
    reply r;
    post_action(&s, kiosk_id, "edit", "kind=fault&category=lighting&area=centrum", &r);
    assert_int_equal(r.status, 303);
    assert_non_null(strstr(r.location, "err=flash.category_kind"));
    reply_free(&r);
    trygg_item it;
    assert_int_equal(trygg_store_get(server_store(&F.ctx), kiosk_id, &it), TRYGG_OK);
    assert_int_equal(it.kind, TRYGG_KIND_CONCERN);
    assert_string_equal(it.category, "lighting");
    post_action(&s, kiosk_id, "edit", "kind=concern&category=&area=centrum", &r);
    assert_int_equal(r.status, 303);
    assert_null(strstr(r.location, "err="));
    reply_free(&r);
    assert_int_equal(trygg_store_get(server_store(&F.ctx), kiosk_id, &it), TRYGG_OK);
    assert_string_equal(it.category, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suggested_and_taken),
        cmocka_unit_test(test_no_suggestion),
        cmocka_unit_test(test_edit_categories),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
