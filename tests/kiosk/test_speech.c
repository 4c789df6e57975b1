/*
 * test_speech.c — speech output through espeak-ng into WAV files, measured
 * with sox: non-silent, plausible length for the text, 22050 Hz; stop and a
 * new say interrupt; repeat, volume and reset; Somali has no voice; the SDL
 * audio path on SDL's dummy audio driver.
 *
 * The report-flow texts are read from the kiosk catalogs (sv.po, ar.po under
 * $TRYGG_ASSETS/i18n/kiosk) via libtrygg's i18n, so the test speaks what the
 * kiosk shows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "speech.h"
#include "trygg/i18n.h"
#include "trygg/utf8.h"

static char g_dir[256];
static speech *g_s; /* closed by teardown, also after a failed assertion */

typedef struct wav_stat {
    double seconds, rms;
    long rate;
} wav_stat;

/* Measures a WAV with sox ("stat" for length and RMS, soxi for the rate). */
static int measure(const char *path, wav_stat *w)
{
    char cmd[1024], line[256];
    memset(w, 0, sizeof *w);
    snprintf(cmd, sizeof cmd, "sox '%s' -n stat 2>&1", path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    int got = 0;
    while (fgets(line, sizeof line, p)) {
        if (sscanf(line, "Length (seconds): %lf", &w->seconds) == 1)
            got |= 1;
        if (sscanf(line, "RMS amplitude: %lf", &w->rms) == 1)
            got |= 2;
    }
    pclose(p);
    snprintf(cmd, sizeof cmd, "soxi -r '%s' 2>/dev/null", path);
    p = popen(cmd, "r");
    if (!p)
        return -1;
    if (fgets(line, sizeof line, p) && sscanf(line, "%ld", &w->rate) == 1)
        got |= 4;
    pclose(p);
    return got == 7 ? 0 : -1;
}

static void wav_path(char *out, size_t cap, int seq, const char *lang)
{
    snprintf(out, cap, "%s/%04d-%s.wav", g_dir, seq, lang);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int count_files(void)
{
    DIR *d = opendir(g_dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strstr(e->d_name, ".wav") != NULL;
    if (d)
        closedir(d);
    return n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "%s/trygg-speech-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    speech_close(g_s);
    g_s = NULL;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void languages(void **state)
{
    (void)state;
    speech *s = g_s = speech_open(g_dir);
    assert_non_null(s);
    assert_int_equal(speech_lang_available(s, "sv"), 1);
    assert_int_equal(speech_lang_available(s, "en"), 1);
    assert_int_equal(speech_lang_available(s, "ar"), 1);
    assert_int_equal(speech_lang_available(s, "ar-SE"), 1);
    assert_int_equal(speech_lang_available(s, "so"), 0);
    assert_int_equal(speech_lang_available(s, ""), 0);
    assert_int_equal(speech_lang_available(s, NULL), 0);
    assert_int_equal(speech_lang_available(s, "s v"), 0);
    /* Only one speech object per process (espeak-ng is global). */
    assert_null(speech_open(g_dir));
    speech_close(s);
    g_s = NULL;
    assert_null(speech_open(""));
}

/* Somali: nothing is spoken, no file, no count. */
static void somali_unavailable(void **state)
{
    (void)state;
    int before = count_files();
    speech *s = g_s = speech_open(g_dir);
    assert_non_null(s);
    speech_say(s, "so", "Wax ammaan darro ah ayaa jira");
    assert_int_equal(speech_wait_idle(s, 5000), 0);
    assert_int_equal(speech_count(s), 0);
    assert_int_equal(count_files(), before);
    speech_close(s);
    g_s = NULL;
}

/* Keys of one full "something feels unsafe" report, in the order a resident
 * meets them. Keys missing from the catalog fall back to the key itself and
 * are skipped (the untranslated-strings test reports those). */
static const char *const flow_keys[] = {"home.title",
                                        "home.concern",
                                        "concern.category.title",
                                        "cat.concern.lighting",
                                        "step.area.title",
                                        "step.place.title",
                                        "step.when.title",
                                        "when.evenings",
                                        "step.desc.title",
                                        "step.review.title",
                                        "review.anonymous",
                                        "review.send",
                                        "receipt.title",
                                        "receipt.spoken",
                                        "receipt.concern.next",
                                        "receipt.emergency",
                                        NULL};

static void speak_flow(const char *lang)
{
    char err[256] = "";
    trygg_i18n *t = NULL;
    char dir[512];
    const char *assets = getenv("TRYGG_ASSETS");
    assert_non_null(assets);
    snprintf(dir, sizeof dir, "%s/i18n/kiosk", assets);
    assert_int_equal(trygg_i18n_load(dir, &t, err, sizeof err), 0);

    speech *s = g_s = speech_open(g_dir);
    assert_non_null(s);
    int spoken = 0;
    for (int i = 0; flow_keys[i]; i++) {
        if (!trygg_i18n_has(t, lang, flow_keys[i])) {
            print_error("%s: no text for %s\n", lang, flow_keys[i]);
            continue;
        }
        /* Placeholders filled as the kiosk fills them. */
        static const char *const names[] = {"number", "ref", NULL};
        static const char *const values[] = {"112", "K7-4QX2", NULL};
        char text[1024];
        assert_int_equal(trygg_i18n_format(trygg_i18n_get(t, lang, flow_keys[i]), names, values,
                                           text, sizeof text),
                         0);
        speech_say(s, lang, text);
        /* One utterance at a time, as a resident listening to every screen. */
        assert_int_equal(speech_wait_idle(s, 20000), 0);
        spoken++;
        char path[512];
        wav_path(path, sizeof path, spoken, lang);
        assert_true(exists(path));
        wav_stat w;
        assert_int_equal(measure(path, &w), 0);
        double chars = (double)trygg_utf8_len(text);
        print_message("%s %-24s %3.0f chars %5.2f s rms %.3f %ld Hz\n", lang, flow_keys[i], chars,
                      w.seconds, w.rms, w.rate);
        assert_int_equal(w.rate, 22050);
        assert_true(w.rms > 0.02);
        assert_true(w.seconds >= 0.03 * chars);
        assert_true(w.seconds <= 0.5 + 0.2 * chars);
    }
    /* Every text of the flow exists in this language. */
    assert_int_equal(spoken, (int)(sizeof flow_keys / sizeof flow_keys[0]) - 1);
    assert_int_equal(speech_count(s), spoken);
    speech_close(s);
    g_s = NULL;
    trygg_i18n_free(t);
}

static void flow_swedish(void **state)
{
    (void)state;
    speak_flow("sv");
}

static void flow_arabic(void **state)
{
    (void)state;
    speak_flow("ar");
}

static void long_text(char *buf, size_t cap)
{
    const char *sentence =
        "Det här är en lång mening som kiosken läser upp för att testa avbrott. ";
    buf[0] = '\0';
    while (strlen(buf) + strlen(sentence) < cap)
        strcat(buf, sentence);
}

static void stop_interrupts(void **state)
{
    (void)state;
    static char text[SPEECH_MAX_TEXT];
    long_text(text, sizeof text);
    speech *s = g_s = speech_open(g_dir);
    assert_non_null(s);

    /* Reference: how long the whole text takes to synthesise. */
    double t0 = now();
    speech_say(s, "sv", "Hej");
    assert_int_equal(speech_wait_idle(s, 10000), 0);
    speech_say(s, "sv", text);
    assert_int_equal(speech_wait_idle(s, 60000), 0);
    double full = now() - t0;
    char path[512];
    wav_path(path, sizeof path, 2, "sv");
    wav_stat w;
    assert_int_equal(measure(path, &w), 0);
    assert_true(w.seconds > 60.0); /* minutes of speech */

    /* Stop shortly after starting: no file, and idle long before a full run. */
    speech_say(s, "sv", text);
    struct timespec ms20 = {0, 20 * 1000000L};
    nanosleep(&ms20, NULL);
    t0 = now();
    speech_stop(s);
    assert_int_equal(speech_wait_idle(s, 5000), 0);
    double stopped = now() - t0;
    print_message("full synthesis %.2f s, idle %.3f s after stop\n", full, stopped);
    wav_path(path, sizeof path, 3, "sv");
    assert_false(exists(path));
    assert_true(stopped < full / 2);
    assert_int_equal(speech_count(s), 2);

    /* A new say interrupts the current one: only the second is written. */
    speech_say(s, "sv", text);
    nanosleep(&ms20, NULL);
    speech_say(s, "en", "Start over");
    assert_int_equal(speech_wait_idle(s, 10000), 0);
    wav_path(path, sizeof path, 4, "sv");
    assert_false(exists(path));
    wav_path(path, sizeof path, 5, "en");
    assert_true(exists(path));
    assert_int_equal(speech_count(s), 3);
    speech_close(s);
    g_s = NULL;
}

static void repeat_volume_reset(void **state)
{
    (void)state;
    speech *s = g_s = speech_open(g_dir);
    assert_non_null(s);
    const char *text = "Ditt ärende är mottaget. Tack för att du hörde av dig.";
    speech_say(s, "sv", text);
    assert_int_equal(speech_wait_idle(s, 10000), 0);
    speech_repeat(s);
    assert_int_equal(speech_wait_idle(s, 10000), 0);
    wav_stat a, b, c;
    char p1[512], p2[512], p3[512];
    wav_path(p1, sizeof p1, 1, "sv");
    wav_path(p2, sizeof p2, 2, "sv");
    assert_int_equal(measure(p1, &a), 0);
    assert_int_equal(measure(p2, &b), 0);
    /* espeak-ng varies by a few samples between runs of the same text. */
    assert_true(b.seconds > a.seconds - 0.05 && b.seconds < a.seconds + 0.05);
    assert_true(b.rms > a.rms * 0.9 && b.rms < a.rms * 1.1);

    speech_set_volume(s, 40);
    speech_repeat(s);
    assert_int_equal(speech_wait_idle(s, 10000), 0);
    wav_path(p3, sizeof p3, 3, "sv");
    assert_int_equal(measure(p3, &c), 0);
    print_message("rms at 100%%: %.3f, at 40%%: %.3f\n", a.rms, c.rms);
    assert_true(c.rms < a.rms * 0.7);
    assert_true(c.rms > 0.005);

    /* After reset (end of session) nothing is left to repeat. */
    speech_reset(s);
    int n = speech_count(s);
    speech_repeat(s);
    assert_int_equal(speech_wait_idle(s, 5000), 0);
    assert_int_equal(speech_count(s), n);
    /* Odd input is ignored. */
    speech_say(s, "sv", "");
    speech_say(s, NULL, "x");
    speech_say(s, "sv", NULL);
    speech_say(NULL, "sv", "x");
    assert_int_equal(speech_wait_idle(s, 5000), 0);
    assert_int_equal(speech_count(s), n);
    speech_close(s);
    g_s = NULL;
    speech_close(NULL);
}

/* The real playback path on SDL's dummy audio driver (no sound card). */
static void sdl_playback(void **state)
{
    (void)state;
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    speech *s = g_s = speech_open(NULL);
    assert_non_null(s);
    /* The device is open only while something plays (no idle wake-ups). */
    assert_false(speech_device_open(s));
    double t0 = now();
    speech_say(s, "sv", "Lyssna");
    struct timespec ms10 = {0, 10 * 1000000L};
    int opened = 0;
    for (int i = 0; i < 200 && !opened && speech_count(s) == 0; i++) {
        opened = speech_device_open(s);
        nanosleep(&ms10, NULL);
    }
    assert_true(opened);
    assert_int_equal(speech_wait_idle(s, 10000), 0);
    assert_false(speech_device_open(s));
    double played = now() - t0;
    assert_int_equal(speech_count(s), 1);
    print_message("played 'Lyssna' in %.2f s\n", played);
    /* Played at the device's pace, not just synthesised. */
    assert_true(played > 0.2);

    static char text[SPEECH_MAX_TEXT];
    long_text(text, sizeof text);
    speech_say(s, "sv", text);
    struct timespec ms300 = {0, 300 * 1000000L};
    nanosleep(&ms300, NULL);
    assert_int_equal(speech_wait_idle(s, 50), -1); /* still speaking */
    speech_stop(s);
    assert_int_equal(speech_wait_idle(s, 2000), 0);
    assert_int_equal(speech_count(s), 1);
    assert_false(speech_device_open(s));
    speech_close(s);
    g_s = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(languages, setup, teardown),
        cmocka_unit_test_setup_teardown(somali_unavailable, setup, teardown),
        cmocka_unit_test_setup_teardown(flow_swedish, setup, teardown),
        cmocka_unit_test_setup_teardown(flow_arabic, setup, teardown),
        cmocka_unit_test_setup_teardown(stop_interrupts, setup, teardown),
        cmocka_unit_test_setup_teardown(repeat_volume_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(sdl_playback, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
