/*
 * test_gesture.c — the speech mode's touch gestures (kiosk/gesture.h,
 * issue 16 defect 2): a quick horizontal movement is a swipe (right: next,
 * left: previous), a tap is reported only once no second tap can follow,
 * two quick taps are a double tap, a slow or diagonal drag is nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gesture.h"

static gesture_kind stroke(gesture *g, int x0, int y0, int x1, int y1, uint64_t t0, uint64_t t1)
{
    gesture_down(g, x0, y0, t0);
    return gesture_up(g, x1, y1, t1);
}

static void test_swipes(void **state)
{
    (void)state;
    gesture g;
    gesture_init(&g, 1080);
    assert_int_equal(stroke(&g, 600, 500, 1200, 520, 1000, 1150), GS_NEXT);
    assert_int_equal(stroke(&g, 1200, 500, 600, 480, 2000, 2150), GS_PREV);
    /* too slow, or more down than across: nothing */
    assert_int_equal(stroke(&g, 600, 500, 1200, 500, 3000, 4500), GS_NONE);
    assert_int_equal(stroke(&g, 600, 200, 800, 800, 5000, 5100), GS_NONE);
    int x, y;
    assert_int_equal(gesture_poll(&g, 9000, &x, &y), GS_NONE);
    assert_int_equal(gesture_deadline(&g), UINT64_MAX);
}

static void test_tap_waits(void **state)
{
    (void)state;
    gesture g;
    gesture_init(&g, 1080);
    assert_int_equal(stroke(&g, 300, 400, 305, 402, 1000, 1080), GS_NONE);
    int x = 0, y = 0;
    assert_int_equal(gesture_poll(&g, 1200, &x, &y), GS_NONE); /* a second tap may come */
    assert_true(gesture_deadline(&g) <= 1080 + GESTURE_DOUBLE_MS + 1);
    assert_int_equal(gesture_poll(&g, 1080 + GESTURE_DOUBLE_MS, &x, &y), GS_TAP);
    assert_int_equal(x, 300);
    assert_int_equal(y, 400);
    assert_int_equal(gesture_poll(&g, 5000, &x, &y), GS_NONE); /* once */
}

static void test_double_tap(void **state)
{
    (void)state;
    gesture g;
    gesture_init(&g, 1080);
    assert_int_equal(stroke(&g, 960, 540, 960, 540, 1000, 1070), GS_NONE);
    assert_int_equal(stroke(&g, 964, 544, 964, 544, 1140, 1210), GS_ACTIVATE);
    int x, y;
    assert_int_equal(gesture_poll(&g, 9000, &x, &y), GS_NONE); /* no tap left over */
    /* two taps too far apart in time are two taps */
    assert_int_equal(stroke(&g, 960, 540, 960, 540, 10000, 10070), GS_NONE);
    assert_int_equal(gesture_poll(&g, 10500, &x, &y), GS_TAP);
    assert_int_equal(stroke(&g, 960, 540, 960, 540, 10600, 10670), GS_NONE);
    assert_int_equal(gesture_poll(&g, 11100, &x, &y), GS_TAP);
    /* or in place */
    assert_int_equal(stroke(&g, 100, 100, 100, 100, 20000, 20050), GS_NONE);
    assert_int_equal(stroke(&g, 900, 900, 900, 900, 20100, 20150), GS_NONE);
    assert_int_equal(gesture_poll(&g, 20600, &x, &y), GS_TAP);
    assert_int_equal(x, 900);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_swipes),
        cmocka_unit_test(test_tap_waits),
        cmocka_unit_test(test_double_tap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
