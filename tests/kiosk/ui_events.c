/*
 * ui_events.c — the SDL edge of the keypad and the headphones (issue 16):
 * ui_wait() turns a key press into its scancode name ("Keypad 8", what
 * kiosk.ini [keypad] maps), an added or removed audio OUTPUT device into
 * UI_IN_AUDIO_ADDED / UI_IN_AUDIO_REMOVED, and ignores capture devices
 * (a microphone is not headphones) and key repeats; finger events reach
 * the kiosk in logical pixels (touch gestures in speech mode). Headless SDL, events
 * pushed as SDL would post them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_sdl.h"

static ui *open_ui(void)
{
    char fonts[1024], err[256];
    snprintf(fonts, sizeof fonts, "%s/fonts", getenv("TRYGG_ASSETS"));
    ui_opts o = {.headless = 1, .width = 640, .height = 480, .font_dir = fonts};
    ui *u = ui_open(&o, err, sizeof err);
    if (!u)
        fail_msg("ui_open: %s", err);
    return u;
}

static void push_audio(Uint32 type, int capture)
{
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = type;
    ev.adevice.which = 1;
    ev.adevice.iscapture = (Uint8)capture;
    assert_int_equal(SDL_PushEvent(&ev), 1);
}

static void push_key(SDL_Scancode sc, int repeat)
{
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = SDL_KEYDOWN;
    ev.key.repeat = (Uint8)repeat;
    ev.key.keysym.scancode = sc;
    assert_int_equal(SDL_PushEvent(&ev), 1);
}

static void test_audio_devices(void **state)
{
    (void)state;
    ui *u = open_ui();
    ui_input in;
    push_audio(SDL_AUDIODEVICEADDED, 1); /* a microphone: nothing */
    ui_wait(u, 200, &in);
    assert_int_equal(in.kind, UI_IN_NONE);
    push_audio(SDL_AUDIODEVICEADDED, 0);
    ui_wait(u, 200, &in);
    assert_int_equal(in.kind, UI_IN_AUDIO_ADDED);
    push_audio(SDL_AUDIODEVICEREMOVED, 0);
    ui_wait(u, 200, &in);
    assert_int_equal(in.kind, UI_IN_AUDIO_REMOVED);
    ui_close(u);
}

static void test_keys(void **state)
{
    (void)state;
    ui *u = open_ui();
    ui_input in;
    push_key(SDL_SCANCODE_KP_8, 0);
    ui_wait(u, 200, &in);
    assert_int_equal(in.kind, UI_IN_KEY);
    assert_string_equal(in.key, "Keypad 8");
    push_key(SDL_SCANCODE_KP_8, 1); /* held down: one press only */
    ui_wait(u, 200, &in);
    assert_int_equal(in.kind, UI_IN_NONE);
    push_key(SDL_SCANCODE_KP_PERIOD, 0);
    ui_wait(u, 200, &in);
    assert_string_equal(in.key, "Keypad .");
    assert_true(ui_key_known("Keypad 5"));
    assert_false(ui_key_known("Keypad Five"));
    ui_close(u);
}

/* Touch (issue 16, defect 2): finger events in logical pixels with their
 * time; the mouse click SDL makes from a touch is not a second tap. */
static void test_fingers(void **state)
{
    (void)state;
    ui *u = open_ui();
    ui_input in;
    assert_int_equal(ui_push_finger(u, 1, 320, 120, 5000), 0);
    ui_wait(u, 200, &in);
    assert_int_equal(in.kind, UI_IN_FINGER_DOWN);
    assert_true(in.x >= 319 && in.x <= 320 && in.y >= 119 && in.y <= 120);
    assert_int_equal((int)in.t, 5000);
    assert_int_equal(ui_push_finger(u, 0, 600, 130, 5150), 0);
    ui_wait(u, 200, &in);
    assert_int_equal(in.kind, UI_IN_FINGER_UP);
    assert_true(in.x >= 599 && in.x <= 600);
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = SDL_MOUSEBUTTONDOWN;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.which = SDL_TOUCH_MOUSEID;
    assert_int_equal(SDL_PushEvent(&ev), 1);
    ui_wait(u, 200, &in);
    assert_int_equal(in.kind, UI_IN_NONE);
    ev.button.which = 0; /* a real mouse (xdotool) still taps */
    ev.button.x = 10;
    ev.button.y = 20;
    assert_int_equal(SDL_PushEvent(&ev), 1);
    ui_wait(u, 200, &in);
    assert_int_equal(in.kind, UI_IN_TAP);
    ui_close(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audio_devices),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_fingers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
