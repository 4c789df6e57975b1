/*
 * test_web_access.c — who sees what (web_access.c): the security department
 * sees everything; destination users see only their own items, scrubbed,
 * never tips or call-backs; unknown roles see nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "web.h"

static web_user user(const char *role, const char *dest, int cb)
{
    web_user u;
    memset(&u, 0, sizeof u);
    strcpy(u.username, "u");
    strcpy(u.role, role);
    strcpy(u.destination, dest);
    u.can_call_back = cb;
    return u;
}

static trygg_item item(trygg_kind kind, const char *dest, const char *text)
{
    trygg_item it;
    trygg_item_init(&it);
    it.id = 7;
    it.kind = kind;
    strcpy(it.destination, dest);
    strcpy(it.text, text);
    strcpy(it.sender, "abcdef");
    strcpy(it.alias, "Tipsare T-1234");
    strcpy(it.contact, "Anna 070-123 45 67");
    return it;
}

static void test_security_sees_all(void **state)
{
    (void)state;
    web_user sec = user("security", "", 0), adm = user("admin", "", 0);
    trygg_item tip = item(TRYGG_KIND_TIP, "security", "x");
    trygg_item fault = item(TRYGG_KIND_FAULT, "housing", "x");
    assert_int_equal(web_access_item(&sec, &tip), WEB_SEE_FULL);
    assert_int_equal(web_access_item(&adm, &fault), WEB_SEE_FULL);
    for (int a = WEB_ACT_VIEW; a <= WEB_ACT_CLOSE_ANY; a++)
        assert_true(web_access_action(&sec, &tip, (web_action)a));
    assert_true(web_access_admin(&sec));
    assert_true(web_access_admin(&adm));
}

static void test_destination_own_items_scrubbed(void **state)
{
    (void)state;
    web_user housing = user("destination", "housing", 0);
    trygg_item own = item(TRYGG_KIND_CONCERN, "housing", "Ring mig på 070-123 45 67");
    trygg_item other = item(TRYGG_KIND_CONCERN, "streets", "x");
    assert_int_equal(web_access_item(&housing, &own), WEB_SEE_SCRUBBED);
    assert_int_equal(web_access_item(&housing, &other), WEB_SEE_NONE);
    trygg_item v;
    assert_int_equal(web_access_view(&housing, &own, &v), WEB_SEE_SCRUBBED);
    assert_null(strstr(v.text, "070"));
    assert_string_equal(v.sender, "");
    assert_string_equal(v.alias, "");
    assert_string_equal(v.contact, "");
    assert_false(web_access_admin(&housing));
}

static void test_tips_never_reach_destination_users(void **state)
{
    (void)state;
    web_user housing = user("destination", "housing", 1);
    trygg_item tip = item(TRYGG_KIND_TIP, "housing", "x"); /* even if misrouted */
    trygg_item cb = item(TRYGG_KIND_CALLBACK, "housing", "x");
    assert_int_equal(web_access_item(&housing, &tip), WEB_SEE_NONE);
    assert_int_equal(web_access_item(&housing, &cb), WEB_SEE_NONE);
    for (int a = WEB_ACT_VIEW; a <= WEB_ACT_CLOSE_ANY; a++)
        assert_false(web_access_action(&housing, &tip, (web_action)a));
    trygg_filter f;
    trygg_filter_init(&f);
    f.kind = TRYGG_KIND_TIP;
    assert_int_equal(web_access_filter(&housing, &f), 0);
}

static void test_destination_actions_limited(void **state)
{
    (void)state;
    web_user streets = user("destination", "streets", 0);
    trygg_item it = item(TRYGG_KIND_FAULT, "streets", "x");
    assert_true(web_access_action(&streets, &it, WEB_ACT_VIEW));
    assert_true(web_access_action(&streets, &it, WEB_ACT_NOTE));
    assert_true(web_access_action(&streets, &it, WEB_ACT_PROGRESS));
    assert_true(web_access_action(&streets, &it, WEB_ACT_CLOSE));
    assert_false(web_access_action(&streets, &it, WEB_ACT_CLOSE_ANY));
    assert_false(web_access_action(&streets, &it, WEB_ACT_FORWARD));
    assert_false(web_access_action(&streets, &it, WEB_ACT_REPLY));
    assert_false(web_access_action(&streets, &it, WEB_ACT_EDIT));
    assert_false(web_access_action(&streets, &it, WEB_ACT_REOPEN));
    assert_false(web_access_action(&streets, &it, WEB_ACT_DUPLICATE));
}

static void test_filter_narrowed(void **state)
{
    (void)state;
    web_user housing = user("destination", "housing", 0);
    trygg_filter f;
    trygg_filter_init(&f);
    assert_int_equal(web_access_filter(&housing, &f), 1);
    assert_string_equal(f.destination, "housing");
    trygg_filter_init(&f);
    strcpy(f.destination, "security");
    assert_int_equal(web_access_filter(&housing, &f), 0);
    web_user sec = user("security", "", 0);
    trygg_filter_init(&f);
    assert_int_equal(web_access_filter(&sec, &f), 1);
    assert_string_equal(f.destination, "");
}

static void test_unknown_role_sees_nothing(void **state)
{
    (void)state;
    web_user odd = user("guest", "housing", 0);
    web_user nodest = user("destination", "", 0);
    trygg_item it = item(TRYGG_KIND_CONCERN, "housing", "x");
    trygg_item empty = item(TRYGG_KIND_CONCERN, "", "x");
    assert_int_equal(web_access_item(&odd, &it), WEB_SEE_NONE);
    assert_int_equal(web_access_item(&nodest, &empty), WEB_SEE_NONE);
    assert_int_equal(web_access_item(NULL, &it), WEB_SEE_NONE);
    trygg_filter f;
    trygg_filter_init(&f);
    assert_int_equal(web_access_filter(&odd, &f), 0);
    assert_false(web_access_admin(&odd));
}

static void test_callback_number_rules(void **state)
{
    (void)state;
    web_user caller = user("security", "", 1), sec = user("security", "", 0);
    trygg_item cb = item(TRYGG_KIND_CALLBACK, "security", "x");
    strcpy(cb.contact, "+46701234567");
    assert_true(web_access_callback_number(&caller, &cb));
    assert_false(web_access_callback_number(&sec, &cb));
    trygg_item v;
    web_access_view(&sec, &cb, &v);
    assert_string_equal(v.contact, "");
    web_access_view(&caller, &cb, &v);
    assert_string_equal(v.contact, "+46701234567");
}

/* The routing rule's copy_to: the copy's recipient reads it, scrubbed, and
 * may do nothing else; a tip or call-back is never shown, copy or not. */
static void test_copy_to_read_only(void **state)
{
    (void)state;
    web_user housing = user("destination", "housing", 1);
    web_user streets = user("destination", "streets", 0);
    trygg_item c = item(TRYGG_KIND_CONCERN, "security", "Ring mig på 070-123 45 67");
    snprintf(c.copy_to, sizeof c.copy_to, "housing");
    assert_int_equal(web_access_item(&housing, &c), WEB_SEE_SCRUBBED);
    assert_int_equal(web_access_item(&streets, &c), WEB_SEE_NONE);
    trygg_item v;
    assert_int_equal(web_access_view(&housing, &c, &v), WEB_SEE_SCRUBBED);
    assert_null(strstr(v.text, "123 45 67"));
    assert_true(web_access_action(&housing, &c, WEB_ACT_VIEW));
    for (int a = WEB_ACT_VIEW + 1; a <= WEB_ACT_ASSIGN; a++)
        assert_false(web_access_action(&housing, &c, (web_action)a));
    trygg_item tip = item(TRYGG_KIND_TIP, "security", "x");
    snprintf(tip.copy_to, sizeof tip.copy_to, "housing");
    trygg_item cb = item(TRYGG_KIND_CALLBACK, "security", "x");
    snprintf(cb.copy_to, sizeof cb.copy_to, "housing");
    assert_int_equal(web_access_item(&housing, &tip), WEB_SEE_NONE);
    assert_int_equal(web_access_item(&housing, &cb), WEB_SEE_NONE);
    trygg_filter f;
    trygg_filter_init(&f);
    assert_true(web_access_filter(&housing, &f));
    assert_int_equal(f.with_copies, 1);
    assert_string_equal(f.destination, "housing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_security_sees_all),
        cmocka_unit_test(test_destination_own_items_scrubbed),
        cmocka_unit_test(test_tips_never_reach_destination_users),
        cmocka_unit_test(test_copy_to_read_only),
        cmocka_unit_test(test_destination_actions_limited),
        cmocka_unit_test(test_filter_narrowed),
        cmocka_unit_test(test_unknown_role_sees_nothing),
        cmocka_unit_test(test_callback_number_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
