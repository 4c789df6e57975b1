/*
 * test_uploader_timers.c — when the uploader thread wakes (kiosk/uploader.h,
 * issue 16: an idle kiosk wakes only for a deadline that is due). With
 * nothing queued it sleeps until the heartbeat however far away that is (it
 * used to wake at least once a minute); the config check rides along with a
 * heartbeat instead of waking the kiosk on its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "uploader.h"

#define NOW 5000000ull

static void test_idle_sleeps_until_heartbeat(void **state)
{
    (void)state;
    /* heartbeat_s = 600, config_refresh_s = 3600, nothing queued, no backoff */
    uploader_timers t = {.now = NOW,
                         .next_config = NOW + 3600000,
                         .next_hb = NOW + 600000,
                         .outbox_due = UINT64_MAX,
                         .backoff_until = 0};
    assert_int_equal(uploader_next_wake(&t), NOW + 600000);
    /* the shipped heartbeat (60 s): that is the one wake-up a minute */
    t.next_hb = NOW + 60000;
    assert_int_equal(uploader_next_wake(&t), NOW + 60000);
}

static void test_queue_and_backoff(void **state)
{
    (void)state;
    uploader_timers t = {.now = NOW,
                         .next_config = NOW + 300000,
                         .next_hb = NOW + 60000,
                         .outbox_due = NOW + 4000,
                         .backoff_until = 0};
    assert_int_equal(uploader_next_wake(&t), NOW + 4000); /* a retry is due first */
    t.backoff_until = NOW + 15000; /* the server failed: not before the backoff */
    assert_int_equal(uploader_next_wake(&t), NOW + 15000);
    t.backoff_until = 0;
    t.outbox_due = NOW - 10; /* overdue: soon, but not in a busy loop */
    assert_int_equal(uploader_next_wake(&t), NOW + 20);
}

static void test_config_rides_with_heartbeat(void **state)
{
    (void)state;
    uploader_timers t = {.now = NOW, .next_config = NOW + 30000, .next_hb = NOW};
    /* a heartbeat is due and the check would be due before the next one */
    assert_int_equal(uploader_config_due(&t, 60000), 1);
    /* no heartbeat due: the check waits for its time */
    t.next_hb = NOW + 1;
    assert_int_equal(uploader_config_due(&t, 60000), 0);
    /* a heartbeat is due, but the check is due only after the next one */
    t.next_hb = NOW;
    t.next_config = NOW + 90000;
    assert_int_equal(uploader_config_due(&t, 60000), 0);
    t.next_config = NOW; /* due by itself */
    t.next_hb = NOW + 60000;
    assert_int_equal(uploader_config_due(&t, 60000), 1);
}

/* The shipped intervals (heartbeat 60 s, config 300 s): over an hour the
 * thread wakes once a minute, for the heartbeat; the config checks take no
 * wake-up of their own. */
static void test_an_idle_hour(void **state)
{
    (void)state;
    const uint64_t hb = 60000, cfg = 300000;
    uploader_timers t = {.now = NOW, .outbox_due = UINT64_MAX};
    int wakes = 0, checks = 0;
    while (t.now < NOW + 3600000) {
        if (uploader_config_due(&t, (int)hb)) {
            t.next_config = t.now + cfg;
            checks++;
        }
        if (t.now >= t.next_hb)
            t.next_hb = t.now + hb;
        t.now = uploader_next_wake(&t);
        wakes++;
    }
    assert_int_equal(wakes, 60);
    assert_true(checks >= 12 && checks <= 13);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_sleeps_until_heartbeat),
        cmocka_unit_test(test_queue_and_backoff),
        cmocka_unit_test(test_config_rides_with_heartbeat),
        cmocka_unit_test(test_an_idle_hour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
