/*
 * speech.c — espeak-ng on a worker thread; output to WAV files or SDL audio.
 *
 * The UI thread only touches the request fields under `mu` and bumps `gen`;
 * the worker copies a request, synthesises it with espeak-ng in synchronous
 * mode, and the synth callback aborts as soon as `gen` has moved on.
 */
#include "speech.h"

#include <SDL.h>
#include <errno.h>
#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trygg/copy.h"
#include "trygg/log.h"

#define LANG_CAP      16
#define MAX_LANGS     256
#define PATH_CAP      512
#define MAX_SAMPLES   (8u * 1024u * 1024u) /* about 6 minutes at 22050 Hz */
#define DRAIN_POLL_MS 20

struct speech {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* worker waits for a request or quit */
    pthread_cond_t idle_cv; /* speech_wait_idle waits for idle */
    char wav_dir[PATH_CAP]; /* "" = play through SDL */
    int audio;              /* the SDL audio subsystem is ours to quit */
    SDL_AudioDeviceID dev;  /* open only while an utterance plays (under mu) */
    int rate;

    /* Request state, under mu. */
    atomic_uint gen; /* bumped by every say/stop/reset: aborts the current job */
    int pending, busy, quit;
    int seq; /* number of says so far; the pending one's number is pending_seq */
    int pending_seq;
    int done; /* completed utterances */
    int volume;
    char lang[LANG_CAP], text[SPEECH_MAX_TEXT + 1];
    char last_lang[LANG_CAP], last_text[SPEECH_MAX_TEXT + 1];
    int have_last;

    /* Worker state (worker thread only, except during open/close). */
    unsigned job_gen;
    char job_lang[LANG_CAP], job_text[SPEECH_MAX_TEXT + 1];
    int16_t *buf;
    size_t nbuf, capbuf;
    int overflow;

    /* Languages with a voice, read once at open. */
    char langs[MAX_LANGS][LANG_CAP];
    int nlangs;
};

/* espeak-ng is process-wide; its callback finds the one open speech here. */
static speech *g_active;
static pthread_mutex_t g_open_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_rate; /* espeak-ng's sample rate once initialised */

static void wipe(void *p, size_t n)
{
    explicit_bzero(p, n);
}

/* Language tag normalised to lower case up to '-' or '_' ("ar-SE" -> "ar"). */
static int base_lang(const char *lang, char out[LANG_CAP])
{
    size_t n = 0;
    for (; lang[n] && lang[n] != '-' && lang[n] != '_'; n++) {
        char c = lang[n];
        if (n + 1 >= LANG_CAP || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return -1;
        out[n] = (char)(c | 0x20);
    }
    out[n] = '\0';
    return n > 0 ? 0 : -1;
}

static int synth_cb(short *wav, int n, espeak_EVENT *ev)
{
    (void)ev;
    speech *s = g_active;
    if (!s || atomic_load(&s->gen) != s->job_gen)
        return 1; /* interrupted: abort synthesis */
    if (!wav || n <= 0)
        return 0;
    if (s->wav_dir[0]) {
        if (s->nbuf + (size_t)n > MAX_SAMPLES) {
            s->overflow = 1;
            return 1;
        }
        if (s->nbuf + (size_t)n > s->capbuf) {
            size_t cap = s->capbuf ? s->capbuf : 65536;
            while (cap < s->nbuf + (size_t)n)
                cap *= 2;
            int16_t *nb = realloc(s->buf, cap * sizeof *nb);
            if (!nb) {
                s->overflow = 1;
                return 1;
            }
            s->buf = nb;
            s->capbuf = cap;
        }
        memcpy(s->buf + s->nbuf, wav, (size_t)n * sizeof *wav);
        s->nbuf += (size_t)n;
        return 0;
    }
    /* Queue under mu so that a say/stop (which clears the queue under mu)
     * never sees an old chunk arrive after its clear. */
    pthread_mutex_lock(&s->mu);
    int stale = atomic_load(&s->gen) != s->job_gen;
    if (!stale && SDL_QueueAudio(s->dev, wav, (Uint32)n * sizeof *wav) != 0)
        TRYGG_WARN("speech: SDL_QueueAudio: %s", SDL_GetError());
    pthread_mutex_unlock(&s->mu);
    return stale;
}

static void put_le(unsigned char *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Writes the collected samples as wav_dir/NNNN-<lang>.wav (via a temporary
 * name and rename, so a reader never sees half a file). */
static int write_wav(const speech *s, int seq, const char *lang)
{
    char path[PATH_CAP + 64], tmp[PATH_CAP + 80];
    if (snprintf(path, sizeof path, "%s/%04d-%s.wav", s->wav_dir, seq, lang) >= (int)sizeof path)
        return -1;
    snprintf(tmp, sizeof tmp, "%s.part", path);
    uint32_t data = (uint32_t)(s->nbuf * 2);
    unsigned char h[44];
    memcpy(h, "RIFF", 4);
    put_le(h + 4, 36 + data, 4);
    memcpy(h + 8, "WAVEfmt ", 8);
    put_le(h + 16, 16, 4);                    /* fmt chunk size */
    put_le(h + 20, 1, 2);                     /* PCM */
    put_le(h + 22, 1, 2);                     /* mono */
    put_le(h + 24, (uint32_t)s->rate, 4);     /* sample rate */
    put_le(h + 28, (uint32_t)s->rate * 2, 4); /* byte rate */
    put_le(h + 32, 2, 2);                     /* block align */
    put_le(h + 34, 16, 2);                    /* bits per sample */
    memcpy(h + 36, "data", 4);
    put_le(h + 40, data, 4);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        TRYGG_WARN("speech: cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    int ok = fwrite(h, 1, sizeof h, f) == sizeof h;
    for (size_t i = 0; ok && i < s->nbuf; i++) {
        unsigned char b[2];
        put_le(b, (uint16_t)s->buf[i], 2);
        ok = fwrite(b, 1, 2, f) == 2;
    }
    if (fclose(f) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        TRYGG_WARN("speech: cannot write %s", path);
        remove(tmp);
        return -1;
    }
    return 0;
}

static void select_voice(const char *lang)
{
    if (espeak_SetVoiceByName(lang) == EE_OK)
        return;
    espeak_VOICE v;
    memset(&v, 0, sizeof v);
    v.languages = lang;
    if (espeak_SetVoiceByProperties(&v) != EE_OK)
        TRYGG_WARN("speech: no voice for %s", lang);
}

/* Opens the default output device for an utterance: only while speaking,
 * so SDL's audio thread does not wake the idle kiosk, and the device that
 * is the default now (headphones just plugged in) is the one used. Caller
 * holds mu. 0, or -1 (logged). */
static int open_device(speech *s)
{
    if (s->dev)
        return 0;
    SDL_AudioSpec want, have;
    SDL_zero(want);
    want.freq = s->rate;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 2048;
    s->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (s->dev == 0) {
        TRYGG_ERR("speech: cannot open audio device: %s", SDL_GetError());
        return -1;
    }
    SDL_PauseAudioDevice(s->dev, 0);
    return 0;
}

/* Closes the device once nothing is left to play. Caller holds mu. */
static void close_device(speech *s)
{
    if (s->dev) {
        SDL_CloseAudioDevice(s->dev);
        s->dev = 0;
    }
}

static void *worker(void *arg)
{
    speech *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        if (s->quit)
            break;
        if (!s->pending) {
            pthread_cond_broadcast(&s->idle_cv);
            pthread_cond_wait(&s->work_cv, &s->mu);
            continue;
        }
        s->pending = 0;
        s->busy = 1;
        s->job_gen = atomic_load(&s->gen);
        int seq = s->pending_seq, volume = s->volume;
        memcpy(s->job_lang, s->lang, sizeof s->job_lang);
        memcpy(s->job_text, s->text, sizeof s->job_text);
        wipe(s->text, sizeof s->text);
        int no_device = !s->wav_dir[0] && open_device(s) != 0;
        pthread_mutex_unlock(&s->mu);
        if (no_device)
            wipe(s->job_text, sizeof s->job_text); /* nothing to say it with */

        s->nbuf = 0;
        s->overflow = 0;
        select_voice(s->job_lang);
        espeak_SetParameter(espeakVOLUME, volume, 0);
        espeak_ERROR e = no_device ? EE_INTERNAL_ERROR
                                   : espeak_Synth(s->job_text, strlen(s->job_text) + 1, 0,
                                                  POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
        if (e != EE_OK)
            TRYGG_WARN("speech: synthesis failed (%d)", (int)e);
        wipe(s->job_text, sizeof s->job_text);
        int complete = e == EE_OK && !s->overflow && atomic_load(&s->gen) == s->job_gen;
        if (complete && s->wav_dir[0])
            complete = write_wav(s, seq, s->job_lang) == 0;
        if (s->buf)
            wipe(s->buf, s->capbuf * sizeof *s->buf);

        pthread_mutex_lock(&s->mu);
        if (complete && !s->wav_dir[0]) {
            /* Playing: stay busy until the device has drained the queue or
             * the utterance is interrupted. */
            while (!s->quit && atomic_load(&s->gen) == s->job_gen &&
                   SDL_GetQueuedAudioSize(s->dev) > 0) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += DRAIN_POLL_MS * 1000000L;
                if (ts.tv_nsec >= 1000000000L) {
                    ts.tv_sec++;
                    ts.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&s->work_cv, &s->mu, &ts);
            }
            /* Stopped or replaced while playing: not a completed utterance. */
            complete = complete && !s->quit && atomic_load(&s->gen) == s->job_gen;
        }
        if (complete)
            s->done++;
        if (!s->pending)
            close_device(s);
        s->busy = 0;
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* espeak-ng is initialised once per process and never shut down:
 * espeak_ng_Terminate() followed by a new espeak_ng_Initialize() deadlocks
 * in espeak-ng 1.51 (its internal thread is not restarted). Caller holds
 * g_open_mu. */
static int init_espeak(void)
{
    if (g_rate > 0)
        return 0;
    espeak_ng_ERROR_CONTEXT ctx = NULL;
    espeak_ng_InitializePath(NULL);
    espeak_ng_STATUS st = espeak_ng_Initialize(&ctx);
    if (st == ENS_OK)
        st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
    if (st != ENS_OK) {
        char msg[256];
        espeak_ng_GetStatusCodeMessage(st, msg, sizeof msg);
        TRYGG_ERR("speech: espeak-ng: %s", msg);
        espeak_ng_ClearErrorContext(&ctx);
        return -1;
    }
    espeak_SetSynthCallback(synth_cb);
    g_rate = espeak_ng_GetSampleRate();
    return g_rate > 0 ? 0 : -1;
}

/* Reads the language codes of every installed voice. */
static void list_languages(speech *s)
{
    const espeak_VOICE **v = espeak_ListVoices(NULL);
    for (int i = 0; v && v[i]; i++) {
        /* languages: (priority byte, name, NUL)*, then a 0 priority byte. */
        const char *p = v[i]->languages;
        while (p && *p) {
            const char *name = p + 1;
            if (s->nlangs < MAX_LANGS && strlen(name) < LANG_CAP)
                trygg_copy_trunc(s->langs[s->nlangs++], LANG_CAP, name);
            p = name + strlen(name) + 1;
        }
    }
}

speech *speech_open(const char *wav_dir)
{
    if (wav_dir && (strlen(wav_dir) == 0 || strlen(wav_dir) >= PATH_CAP)) {
        TRYGG_ERR("speech: bad WAV directory");
        return NULL;
    }
    pthread_mutex_lock(&g_open_mu);
    if (g_active) {
        pthread_mutex_unlock(&g_open_mu);
        TRYGG_ERR("speech: already open");
        return NULL;
    }
    speech *s = calloc(1, sizeof *s);
    if (!s)
        goto fail_unlock;
    if (wav_dir)
        if (!TRYGG_COPY(s->wav_dir, wav_dir))
            goto fail_free;
    s->volume = SPEECH_VOLUME_DEFAULT;
    atomic_init(&s->gen, 0);

    if (init_espeak() != 0)
        goto fail_free;
    s->rate = g_rate;
    list_languages(s);

    if (!s->wav_dir[0]) {
        if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
            TRYGG_ERR("speech: SDL audio: %s", SDL_GetError());
            goto fail_free;
        }
        s->audio = 1;
        /* Opened once to know it works, then closed until something is said. */
        if (open_device(s) != 0) {
            SDL_QuitSubSystem(SDL_INIT_AUDIO);
            goto fail_free;
        }
        close_device(s);
    }

    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->work_cv, NULL);
    pthread_cond_init(&s->idle_cv, NULL);
    g_active = s;
    if (pthread_create(&s->thread, NULL, worker, s) != 0) {
        TRYGG_ERR("speech: cannot start worker");
        g_active = NULL;
        pthread_cond_destroy(&s->idle_cv);
        pthread_cond_destroy(&s->work_cv);
        pthread_mutex_destroy(&s->mu);
        if (s->audio)
            SDL_QuitSubSystem(SDL_INIT_AUDIO);
        goto fail_free;
    }
    pthread_mutex_unlock(&g_open_mu);
    return s;

fail_free:
    free(s);
fail_unlock:
    pthread_mutex_unlock(&g_open_mu);
    return NULL;
}

/* Drops whatever is queued or being synthesised; caller holds mu. */
static void interrupt_locked(speech *s)
{
    atomic_fetch_add(&s->gen, 1);
    s->pending = 0;
    wipe(s->text, sizeof s->text);
    if (s->dev)
        SDL_ClearQueuedAudio(s->dev);
    pthread_cond_broadcast(&s->work_cv);
}

void speech_say(speech *s, const char *lang, const char *text)
{
    char base[LANG_CAP];
    if (!s || !lang || !text || !text[0] || base_lang(lang, base) != 0)
        return;
    if (!speech_lang_available(s, base)) {
        TRYGG_DEBUG("speech: no voice for %s, not spoken", base);
        return;
    }
    pthread_mutex_lock(&s->mu);
    interrupt_locked(s);
    TRYGG_COPY_FIT(s->lang, base);
    TRYGG_COPY_TRUNC(s->text, text); /* spoken text: a cut is heard, not lost data */
    if (s->last_text != text) {
        wipe(s->last_text, sizeof s->last_text);
        memcpy(s->last_text, s->text, sizeof s->last_text);
        memcpy(s->last_lang, s->lang, sizeof s->last_lang);
    }
    s->have_last = 1;
    s->pending = 1;
    s->pending_seq = ++s->seq;
    pthread_cond_broadcast(&s->work_cv);
    pthread_mutex_unlock(&s->mu);
}

void speech_stop(speech *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    interrupt_locked(s);
    pthread_mutex_unlock(&s->mu);
}

void speech_repeat(speech *s)
{
    if (!s)
        return;
    char lang[LANG_CAP];
    pthread_mutex_lock(&s->mu);
    int have = s->have_last;
    memcpy(lang, s->last_lang, sizeof lang);
    pthread_mutex_unlock(&s->mu);
    /* last_text is only written by the UI thread (say/reset), which is this
     * thread: passing it to speech_say is safe, and say skips the self-copy. */
    if (have)
        speech_say(s, lang, s->last_text);
}

void speech_set_volume(speech *s, int percent)
{
    if (!s)
        return;
    if (percent < 0)
        percent = 0;
    if (percent > SPEECH_VOLUME_MAX)
        percent = SPEECH_VOLUME_MAX;
    pthread_mutex_lock(&s->mu);
    s->volume = percent;
    pthread_mutex_unlock(&s->mu);
}

void speech_reset(speech *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    interrupt_locked(s);
    wipe(s->last_text, sizeof s->last_text);
    wipe(s->last_lang, sizeof s->last_lang);
    s->have_last = 0;
    s->volume = SPEECH_VOLUME_DEFAULT;
    pthread_mutex_unlock(&s->mu);
}

int speech_lang_available(const speech *s, const char *lang)
{
    char want[LANG_CAP];
    if (!s || !lang || base_lang(lang, want) != 0)
        return 0;
    size_t n = strlen(want);
    for (int i = 0; i < s->nlangs; i++) {
        const char *l = s->langs[i];
        if (strncmp(l, want, n) == 0 && (l[n] == '\0' || l[n] == '-'))
            return 1;
    }
    return 0;
}

int speech_wait_idle(speech *s, int timeout_ms)
{
    if (!s)
        return 0;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (timeout_ms >= 0) {
        ts.tv_sec += timeout_ms / 1000;
        ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
    }
    int rc = 0;
    pthread_mutex_lock(&s->mu);
    while (s->pending || s->busy) {
        if (timeout_ms < 0) {
            pthread_cond_wait(&s->idle_cv, &s->mu);
        } else if (pthread_cond_timedwait(&s->idle_cv, &s->mu, &ts) == ETIMEDOUT) {
            rc = (s->pending || s->busy) ? -1 : 0;
            break;
        }
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int speech_count(const speech *s)
{
    if (!s)
        return 0;
    speech *m = (speech *)s; /* the mutex is not part of the logical state */
    pthread_mutex_lock(&m->mu);
    int n = m->done;
    pthread_mutex_unlock(&m->mu);
    return n;
}

int speech_device_open(speech *s)
{
    if (!s)
        return 0;
    pthread_mutex_lock(&s->mu);
    int open = s->dev != 0;
    pthread_mutex_unlock(&s->mu);
    return open;
}

void speech_close(speech *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    interrupt_locked(s);
    s->quit = 1;
    pthread_cond_broadcast(&s->work_cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);

    pthread_mutex_lock(&g_open_mu);
    g_active = NULL;
    pthread_mutex_unlock(&g_open_mu);
    close_device(s);
    if (s->audio)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    pthread_cond_destroy(&s->idle_cv);
    pthread_cond_destroy(&s->work_cv);
    pthread_mutex_destroy(&s->mu);
    if (s->buf)
        wipe(s->buf, s->capbuf * sizeof *s->buf);
    free(s->buf);
    wipe(s, sizeof *s);
    free(s);
}
