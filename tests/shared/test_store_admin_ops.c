/*
 * test_store_admin_ops.c — administration and channel operations the other
 * store tests do not reach, through store.h only (so every backend runs
 * it): two-factor login with replay protection and recovery codes, reply
 * template edits, client roles, the SMS channel's keys, counters and calls,
 * run-once job periods, contact ciphertexts and their blanking, and the
 * outbox depths of /metrics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <liboath/oath.h>
#include <string.h>

#include "store_fixture.h"

#define SECRET "JBSWY3DPEHPK3PXPJBSWY3DP" /* base32 of 15 bytes */
#define P1     "1111111111111111111111111111111111111111111111111111111111111111"
#define P2     "2222222222222222222222222222222222222222222222222222222222222222"

/* The 6-digit code of SECRET at `now`. */
static void code_at(int64_t now, char out[7])
{
    char *bin = NULL;
    size_t len = 0;
    assert_int_equal(oath_init(), OATH_OK);
    assert_int_equal(oath_base32_decode(SECRET, strlen(SECRET), &bin, &len), OATH_OK);
    assert_int_equal(oath_totp_generate(bin, len, (time_t)now, 30, 0, 6, out), OATH_OK);
    free(bin);
}

static void test_two_factor(void **state)
{
    fixture *f = *state;
    trygg_user u = {0};
    strcpy(u.username, "anna");
    strcpy(u.role, "security");
    assert_int_equal(trygg_store_user_add(f->st, &u, "korrekt-häst-batteri"), TRYGG_OK);
    char sec[TRYGG_TOTP_SECRET_LEN];
    assert_int_equal(trygg_store_user_totp_begin(f->st, "anna", "not base32!", sec),
                     TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_user_totp_begin(f->st, "anna", SECRET, sec), TRYGG_OK);
    assert_string_equal(sec, SECRET);
    int enabled = 1;
    assert_int_equal(trygg_store_user_totp_get(f->st, "anna", &enabled, sec), TRYGG_OK);
    assert_int_equal(enabled, 0);
    const int64_t t = 1700000000;
    char code[7], codes[TRYGG_RECOVERY_CODES][TRYGG_RECOVERY_LEN];
    code_at(t + 3600, code); /* another hour's code */
    assert_int_equal(trygg_store_user_totp_enable(f->st, "anna", code, t, codes), TRYGG_ERR_AUTH);
    code_at(t, code);
    assert_int_equal(trygg_store_user_totp_enable(f->st, "anna", code, t, codes), TRYGG_OK);
    assert_int_equal(trygg_store_user_totp_get(f->st, "anna", &enabled, sec), TRYGG_OK);
    assert_int_equal(enabled, 1);
    assert_int_equal(strlen(codes[0]), 14);
    assert_string_not_equal(codes[0], codes[1]);
    /* A second enrolment is refused while 2FA is on. */
    assert_int_equal(trygg_store_user_totp_begin(f->st, "anna", SECRET, sec), TRYGG_ERR_NOTFOUND);
    /* The enrolment's step is used; the next one is accepted once. */
    int rec = 1;
    assert_int_equal(trygg_store_user_totp_verify(f->st, "anna", code, t, &rec), TRYGG_ERR_AUTH);
    code_at(t + 30, code);
    assert_int_equal(trygg_store_user_totp_verify(f->st, "anna", code, t + 30, &rec), TRYGG_OK);
    assert_int_equal(rec, 0);
    assert_int_equal(trygg_store_user_totp_verify(f->st, "anna", code, t + 30, &rec),
                     TRYGG_ERR_AUTH);
    /* A recovery code, in any case and spacing, works once. */
    char upper[TRYGG_RECOVERY_LEN];
    for (size_t i = 0; i <= strlen(codes[3]); i++)
        upper[i] =
            (char)(codes[3][i] >= 'a' && codes[3][i] <= 'z' ? codes[3][i] - 32 : codes[3][i]);
    assert_int_equal(trygg_store_user_totp_verify(f->st, "anna", upper, t + 60, &rec), TRYGG_OK);
    assert_int_equal(rec, 1);
    assert_int_equal(trygg_store_user_totp_verify(f->st, "anna", codes[3], t + 60, &rec),
                     TRYGG_ERR_AUTH);
    assert_int_equal(trygg_store_user_totp_verify(f->st, "ghost", code, t + 60, &rec),
                     TRYGG_ERR_AUTH);
    assert_int_equal(trygg_store_user_totp_reset(f->st, "anna", "admin"), TRYGG_OK);
    assert_int_equal(trygg_store_user_totp_get(f->st, "anna", &enabled, sec), TRYGG_OK);
    assert_int_equal(enabled, 0);
    assert_string_equal(sec, "");
    assert_int_equal(trygg_store_user_totp_verify(f->st, "anna", codes[4], t + 90, &rec),
                     TRYGG_ERR_AUTH);
    /* Recovery codes are stored hashed only. */
    assert_int_equal(fx_rows_containing(f->st, codes[4], NULL), 0);
}

static void test_templates(void **state)
{
    fixture *f = *state;
    trygg_template t, list[4];
    int n = -1;
    assert_int_equal(trygg_store_template_get(f->st, "tpl.thanks", "sv", &t), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_template_set(f->st, "tpl.thanks", "sv", "Tack!", "anna"),
                     TRYGG_OK);
    assert_int_equal(trygg_store_template_set(f->st, "tpl.thanks", "sv", "Tack så mycket!", "bo"),
                     TRYGG_OK);
    assert_int_equal(trygg_store_template_set(f->st, "tpl.thanks", "en", "Thanks!", "bo"),
                     TRYGG_OK);
    assert_int_equal(trygg_store_template_set(f->st, "", "sv", "x", "bo"), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_template_set(f->st, "tpl.x", "sv", "", "bo"), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_template_get(f->st, "tpl.thanks", "sv", &t), TRYGG_OK);
    assert_string_equal(t.text, "Tack så mycket!");
    assert_string_equal(t.updated_by, "bo");
    assert_true(t.updated_at > 0);
    assert_int_equal(trygg_store_template_list(f->st, list, 4, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].lang, "en");
    assert_int_equal(trygg_store_template_reset(f->st, "tpl.thanks", "sv", "bo"), TRYGG_OK);
    assert_int_equal(trygg_store_template_reset(f->st, "tpl.thanks", "sv", "bo"),
                     TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_template_list(f->st, list, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    /* Audited without the text. */
    assert_int_equal(fx_rows_containing(f->st, "Tack så mycket!", NULL), 0);
}

static void test_client_roles(void **state)
{
    fixture *f = *state;
    trygg_kiosk k = {0};
    char tok[64], role[16];
    strcpy(k.id, "gw-1");
    assert_int_equal(trygg_store_kiosk_add(f->st, &k, tok), TRYGG_OK);
    assert_int_equal(trygg_store_client_role_get(f->st, "gw-1", role), TRYGG_OK);
    assert_string_equal(role, TRYGG_ROLE_KIOSK);
    assert_int_equal(trygg_store_client_role_set(f->st, "gw-1", TRYGG_ROLE_GATEWAY), TRYGG_OK);
    assert_int_equal(trygg_store_client_role_get(f->st, "gw-1", role), TRYGG_OK);
    assert_string_equal(role, TRYGG_ROLE_GATEWAY);
    assert_int_equal(trygg_store_client_role_set(f->st, "gw-1", "admin"), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_client_role_set(f->st, "nope", TRYGG_ROLE_KIOSK),
                     TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_client_role_get(f->st, "nope", role), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_kiosk_owns_prefix(f->st, "gw-1", k.ref_prefix),
                     TRYGG_ERR_NOTFOUND); /* k was not read back: "" is no prefix */
    assert_int_equal(trygg_store_kiosk_get(f->st, "gw-1", &k), TRYGG_OK);
    assert_int_equal(trygg_store_kiosk_owns_prefix(f->st, "gw-1", k.ref_prefix), TRYGG_OK);
    assert_int_equal(trygg_store_kiosk_owns_prefix(f->st, "other", k.ref_prefix),
                     TRYGG_ERR_NOTFOUND);
}

static void test_sms_channel(void **state)
{
    fixture *f = *state;
    int64_t item = 0, c = 0;
    int n = -1;
    assert_int_equal(trygg_store_sms_inbound_get(f->st, "k1", &item), TRYGG_ERR_NOTFOUND);
    assert_int_equal(trygg_store_sms_inbound_put(f->st, "k1", 7, P1, 1000), TRYGG_OK);
    assert_int_equal(trygg_store_sms_inbound_put(f->st, "k1", 8, P1, 1001), TRYGG_ERR_EXISTS);
    assert_int_equal(trygg_store_sms_inbound_put(f->st, "k2", 9, P1, 2000), TRYGG_OK);
    assert_int_equal(trygg_store_sms_inbound_get(f->st, "k1", &item), TRYGG_OK);
    assert_int_equal(item, 7);
    assert_int_equal(trygg_store_sms_inbound_count(f->st, P1, 1000, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(trygg_store_sms_inbound_count(f->st, P1, 1001, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(trygg_store_sms_counter_get(f->st, "2024-03-13", "in", &c), TRYGG_OK);
    assert_int_equal(c, 0);
    assert_int_equal(trygg_store_sms_counter_add(f->st, "2024-03-13", "in", 2), TRYGG_OK);
    assert_int_equal(trygg_store_sms_counter_add(f->st, "2024-03-13", "in", 3), TRYGG_OK);
    assert_int_equal(trygg_store_sms_counter_add(f->st, "2024-03-14", "in", 1), TRYGG_OK);
    assert_int_equal(trygg_store_sms_counter_get(f->st, "2024-03-13", "in", &c), TRYGG_OK);
    assert_int_equal(c, 5);
    assert_int_equal(trygg_store_call_put(f->st, P2, 500), TRYGG_OK);
    assert_int_equal(trygg_store_call_put(f->st, P2, 600), TRYGG_OK);
    assert_int_equal(trygg_store_call_count(f->st, P2, 550, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    trygg_contact ct;
    assert_int_equal(trygg_store_contact_get_or_create(f->st, P1, NULL, 0, "T-", &ct), TRYGG_OK);
    assert_int_equal(trygg_store_sms_enqueue(f->st, 0, P1, "smsgw-urgent", "Ring 112", NULL),
                     TRYGG_OK);
    assert_int_equal(trygg_store_sms_sent_count(f->st, P1, "smsgw-urgent", 0, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(trygg_store_sms_sent_count(f->st, P1, "anna", 0, &n), TRYGG_OK);
    assert_int_equal(n, 0);
}

static void test_job_done_moves_forward(void **state)
{
    fixture *f = *state;
    int first = -1;
    assert_int_equal(trygg_store_job_done(f->st, "overdue_mail", 20240313, &first), TRYGG_OK);
    assert_int_equal(first, 1);
    assert_int_equal(trygg_store_job_done(f->st, "overdue_mail", 20240313, &first), TRYGG_OK);
    assert_int_equal(first, 0);
    assert_int_equal(trygg_store_job_done(f->st, "overdue_mail", 20240312, &first), TRYGG_OK);
    assert_int_equal(first, 0);
    assert_int_equal(trygg_store_job_done(f->st, "other", 20240312, &first), TRYGG_OK);
    assert_int_equal(first, 1);
    assert_int_equal(trygg_store_job_done(f->st, "overdue_mail", 20240314, &first), TRYGG_OK);
    assert_int_equal(first, 1);
    assert_int_equal(trygg_store_job_done(f->st, "", 1, &first), TRYGG_ERR_INVALID);
}

static void test_ciphers_blanked_and_outbox_counts(void **state)
{
    fixture *f = *state;
    const unsigned char c1[3] = {0xc1, 0x00, 0xfe}, c2[2] = {0x5e, 0xed};
    trygg_contact ct, list[4];
    int n = -1, blanked = -1;
    assert_int_equal(trygg_store_contact_get_or_create(f->st, P1, c1, 3, "T-", &ct), TRYGG_OK);
    assert_int_equal(ct.cipher_len, 3);
    assert_memory_equal(ct.cipher, c1, 3);
    assert_int_equal(trygg_store_contact_get_or_create(f->st, P2, c2, 2, "T-", &ct), TRYGG_OK);
    assert_int_equal(trygg_store_contact_ciphers(f->st, "", list, 4, &n), TRYGG_OK);
    assert_int_equal(n, 2);
    assert_int_equal(trygg_store_contact_ciphers(f->st, P1, list, 4, &n), TRYGG_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].pseudonym, P2);
    const char *const ps[] = {P1, P2};
    assert_int_equal(trygg_store_begin(f->st), TRYGG_OK);
    assert_int_equal(trygg_store_contact_ciphers_blank(f->st, ps, 2, &blanked), TRYGG_ERR_STATE);
    trygg_store_rollback(f->st);
    assert_int_equal(trygg_store_contact_ciphers_blank(f->st, ps, 2, &blanked), TRYGG_OK);
    assert_int_equal(blanked, 2);
    assert_int_equal(trygg_store_contact_ciphers_blank(f->st, ps, 2, &blanked), TRYGG_OK);
    assert_int_equal(blanked, 0);
    assert_int_equal(trygg_store_contact_ciphers(f->st, "", list, 4, &n), TRYGG_OK);
    assert_int_equal(n, 0);
    /* A new cipher after blanking is stored again (the sender wrote anew). */
    assert_int_equal(trygg_store_contact_get_or_create(f->st, P1, c2, 2, "T-", &ct), TRYGG_OK);
    assert_int_equal(ct.cipher_len, 2);

    int64_t id = 0, counts[TRYGG_OUT_COUNT], failed = -1;
    assert_int_equal(trygg_store_sms_enqueue(f->st, 0, P1, "anna", "Hej", &id), TRYGG_OK);
    assert_int_equal(trygg_store_sms_enqueue(f->st, 0, P1, "anna", "Hej igen", NULL), TRYGG_OK);
    assert_int_equal(trygg_store_sms_mark(f->st, id, TRYGG_OUT_FAILED, 0, "no network", 0),
                     TRYGG_OK);
    assert_int_equal(trygg_store_outbox_counts(f->st, "sms", counts, &failed), TRYGG_OK);
    assert_int_equal(counts[TRYGG_OUT_PENDING], 1);
    assert_int_equal(counts[TRYGG_OUT_FAILED], 1);
    assert_int_equal(failed, 1);
    assert_int_equal(trygg_store_outbox_counts(f->st, "notify", counts, &failed), TRYGG_OK);
    assert_int_equal(counts[TRYGG_OUT_PENDING], 0);
    assert_int_equal(trygg_store_outbox_counts(f->st, "fax", counts, &failed), TRYGG_ERR_INVALID);
    assert_int_equal(trygg_store_ping(f->st), TRYGG_OK);
    assert_int_equal(trygg_store_compact(f->st), TRYGG_OK);
}

int main(void)
{
    if (trygg_secret_init() != TRYGG_OK)
        return 1;
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(test_two_factor),
        T(test_templates),
        T(test_client_roles),
        T(test_sms_channel),
        T(test_job_done_moves_forward),
        T(test_ciphers_blanked_and_outbox_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
