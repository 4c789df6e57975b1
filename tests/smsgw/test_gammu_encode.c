/*
 * test_gammu_encode.c — modem_send's encoding (modem_gammu_encode, issue
 * 13) gives the parts the staff UI counted (ucs2_sms_parts) and the same
 * parts as Gammu's own choice of coding (SMS_ConcatenatedAutoTextLong) for
 * every character in the GSM-7 table and around it, and for long, mixed
 * and Arabic texts at the part limits; only the concatenation reference
 * (made from the clock) may differ. Where Gammu would squeeze a character
 * outside the table into GSM-7 (its "extra alphabet", e.g. ¹), it is sent
 * as UCS-2 now, as the staff UI counted it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "modem_gammu.h"
#include "trygg/ucs2.h"

static GSM_MultiSMSMessage *fast, *slow;

static void same_parts(const char *text)
{
    char err[200] = "";
    trygg_err a = modem_gammu_encode(text, 1, slow, err, sizeof err);
    trygg_err b = modem_gammu_encode(text, 0, fast, err, sizeof err);
    assert_int_equal(a, b);
    if (a != TRYGG_OK)
        return;
    /* What the staff UI counted (ucs2_sms_count) is what is sent. */
    assert_int_equal(fast->Number, ucs2_sms_parts(text, NULL));
    if (fast->SMS[0].Coding != slow->SMS[0].Coding) {
        /* Only ever: UCS-2 where Gammu would have sent GSM-7, for a
         * character outside the GSM-7 table that Gammu's "extra alphabet"
         * maps (e.g. ¹): never GSM-7 for a text Gammu cannot carry in it. */
        if (fast->SMS[0].Coding != SMS_Coding_Unicode_No_Compression ||
            slow->SMS[0].Coding != SMS_Coding_Default_No_Compression)
            fail_msg("'%s': coding %d, Gammu %d", text, (int)fast->SMS[0].Coding,
                     (int)slow->SMS[0].Coding);
        if (strlen(text) < 6)
            printf("UCS-2, Gammu GSM-7: '%s'\n", text);
        return;
    }
    if (fast->Number != slow->Number)
        fail_msg("'%s': %d parts, Gammu %d", text, fast->Number, slow->Number);
    for (int i = 0; i < fast->Number; i++) {
        GSM_SMSMessage *x = &fast->SMS[i], *y = &slow->SMS[i];
        assert_int_equal(x->Coding, y->Coding);
        assert_int_equal(x->Length, y->Length);
        assert_memory_equal(x->Text, y->Text, (size_t)x->Length * 2 + 2);
        assert_int_equal(x->UDH.Type, y->UDH.Type);
        assert_int_equal(x->UDH.Length, y->UDH.Length);
        assert_int_equal(x->UDH.PartNumber, y->UDH.PartNumber);
        assert_int_equal(x->UDH.AllParts, y->UDH.AllParts);
        assert_int_equal(x->Class, y->Class);
        assert_int_equal(x->PDU, y->PDU);
    }
}

/* Every code point up to U+03FF, U+20AC (€) and a few beyond, alone and
 * between Swedish letters. */
static void test_each_character(void **state)
{
    (void)state;
    for (unsigned cp = 0x20; cp < 0x400; cp++) {
        uint16_t u[1] = {(uint16_t)cp};
        char one[8], text[32];
        assert_int_equal(ucs2_to_utf8(u, 1, one, sizeof one, NULL), TRYGG_OK);
        same_parts(one);
        snprintf(text, sizeof text, "Å%så", one);
        same_parts(text);
    }
    const char *more[] = {"€", "–", "’", "“”", "…", "\xe2\x82\xac", "😀", "ا", "\n", "\r\n"};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        same_parts(more[i]);
}

static void repeat(char *out, size_t cap, const char *unit, int n)
{
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        strncat(out, unit, cap - strlen(out) - 1);
}

/* At and around the limits of one and more parts. */
static void test_part_limits(void **state)
{
    (void)state;
    static char t[4096];
    const int lens[] = {1, 70, 71, 134, 153, 159, 160, 161, 200, 306, 307, 459, 460};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        repeat(t, sizeof t, "a", lens[i]);
        same_parts(t);
        repeat(t, sizeof t, "ä", lens[i]);
        same_parts(t);
        repeat(t, sizeof t, "€", lens[i] / 2); /* an escape pair each */
        same_parts(t);
        repeat(t, sizeof t, "ب", lens[i]);
        same_parts(t);
    }
    repeat(t, sizeof t, "a", 152);
    strcat(t, "€ och mer text efter gränsen");
    same_parts(t);
    same_parts("Tack! Ditt tips har tagits emot. Referens K7-4QX2. Vid fara: ring 112. Polisen: "
               "114 14 eller polisen.se/tipsa. Svara STOPP för att sluta.");
    same_parts("شكراً! تم استلام بلاغك. المرجع K7-4QX2. في حالة الخطر اتصل بـ 112.");
}

static int setup(void **state)
{
    (void)state;
    fast = calloc(1, sizeof *fast);
    slow = calloc(1, sizeof *slow);
    return fast && slow ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(fast);
    free(slow);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_character),
        cmocka_unit_test(test_part_limits),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
