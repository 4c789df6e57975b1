/*
 * speech.h — speech output for the kiosk (espeak-ng, played through SDL audio).
 *
 * A lobby kiosk is closed functionality (EN 301 549 clause 5.1): a resident
 * cannot bring a screen reader, so the kiosk speaks for itself once the
 * "Lyssna" control is on. The UI calls speech_say() with the text of the
 * screen title, the touched control, typed text ("hidden" for masked fields),
 * errors and the receipt; this module synthesises it with espeak-ng in the
 * given language and plays it.
 *
 * Threading: one worker thread owns espeak-ng (a process-wide library, so at
 * most ONE speech object exists at a time). Every function here is called
 * from the UI thread and returns at once; a new speech_say() interrupts the
 * one being spoken (queued audio is dropped, synthesis is aborted).
 *
 * Output: with wav_dir (tests and CI, no sound card), every completed
 * utterance is written as a 16-bit mono PCM WAV file wav_dir/NNNN-<lang>.wav,
 * NNNN being the 1-based number of the speech_say()/speech_repeat() call that
 * produced it (so a test knows which file holds which text); an utterance
 * interrupted by speech_stop() or a later say writes no file. Without wav_dir
 * the audio goes to the default SDL audio device (SDL_OpenAudioDevice +
 * SDL_QueueAudio; the only SDL use in this file). The device is open only
 * while an utterance plays (opened by the worker when one starts, closed
 * when nothing is left): an idle kiosk has no audio thread waking it, and
 * headphones plugged in meanwhile are the default device the next
 * utterance opens.
 *
 * Languages: espeak-ng voices are looked up by language code. Debian 12's
 * espeak-ng has Swedish, English and Arabic but no Somali voice, so
 * speech_lang_available(s, "so") is 0: the UI must say so and offer Swedish
 * or English. speech_say() with an unavailable language says nothing.
 *
 * Privacy: texts are copied (at most SPEECH_MAX_TEXT bytes) and wiped from
 * memory when replaced; speech_reset() at the end of a session forgets the
 * last utterance, so "repeat" never replays the previous person's input.
 *
 * Start reading at speech_open() and speech_say().
 */
#ifndef KIOSK_SPEECH_H
#define KIOSK_SPEECH_H

typedef struct speech speech;

/* Longest text speech_say() accepts, in bytes; longer text is cut at the
 * last whole UTF-8 character before this limit. */
#define SPEECH_MAX_TEXT 4096
/* Volume range for speech_set_volume(); the initial volume is SPEECH_VOLUME_DEFAULT. */
#define SPEECH_VOLUME_DEFAULT 100
#define SPEECH_VOLUME_MAX     200

/* Initialises espeak-ng and starts the worker. wav_dir != NULL: utterances go
 * to WAV files in that existing directory; NULL: they are played on the
 * default SDL audio device (SDL audio is initialised here if needed).
 * Returns NULL (and logs why) if espeak-ng or its data cannot be loaded, the
 * audio device cannot be opened, wav_dir is too long, or a speech object is
 * already open. Free with speech_close(). */
speech *speech_open(const char *wav_dir);

/* Speaks `text` (UTF-8) in `lang` ("sv", "en", "ar") asynchronously,
 * interrupting whatever is being spoken. Does nothing if s, lang or text is
 * NULL, text is empty or the language has no voice. */
void speech_say(speech *s, const char *lang, const char *text);

/* Stops speaking now: the current utterance is aborted and queued audio
 * dropped. The last text is kept for speech_repeat(). */
void speech_stop(speech *s);

/* Says the last text again (a new utterance with a new number). No-op if
 * nothing was said since speech_open() or speech_reset(). */
void speech_repeat(speech *s);

/* Sets the volume in percent of espeak-ng's normal level, clamped to
 * 0..SPEECH_VOLUME_MAX. Applies from the next utterance. */
void speech_set_volume(speech *s, int percent);

/* End of a session: stops, wipes and forgets the last text, and restores the
 * default volume. */
void speech_reset(speech *s);

/* 1 if espeak-ng has a voice for `lang` (sv, en, ar: 1; so: 0 on Debian 12);
 * 0 otherwise or for NULL arguments. */
int speech_lang_available(const speech *s, const char *lang);

/* Blocks until nothing is pending, synthesising or playing, or timeout_ms
 * passes (timeout_ms < 0: wait forever). Returns 0 when idle, -1 on timeout. */
int speech_wait_idle(speech *s, int timeout_ms);

/* Number of utterances completed so far (written or fully queued for
 * playback); for tests and the script mode. */
int speech_count(const speech *s);

/* 1 while the audio device is open (an utterance plays), else 0; for
 * tests: an idle kiosk keeps it closed. */
int speech_device_open(speech *s);

/* Stops the worker, closes the audio device and frees s. espeak-ng itself
 * stays loaded for the next speech_open() (it cannot be restarted within a
 * process). NULL is a no-op. */
void speech_close(speech *s);

#endif
