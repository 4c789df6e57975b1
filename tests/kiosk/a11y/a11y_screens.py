#!/usr/bin/env python3
"""Every kiosk screen in Svenska, English, العربية and Soomaali, then the
contrast and target-size check over all of them; plus the idle warning
(WCAG 2.2.1) and its speech.

1. Runs the kiosk's screenshot script (FULL in ../screens.py, every screen
   incl. high contrast, larger text and speech mode) in sv, en, ar and so at
   1920x1080, and in ar also portrait 1080x1920.
2. Checks every expected shot exists in every language with the right
   "lang"; the Arabic layout is mirrored (start over on the right, next on
   the left, titles right-aligned) and the other languages' are not.
3. Runs a11y_check.py over all shots: exit 1 on any violation.
4. Idle warning: after idle_s the warning shows, with at least 20 s left it
   is still there, one tap on "idle.continue" extends the session — twelve
   times in a row; then without a tap the kiosk starts over. With speech on
   (--wav), the warning is spoken (a new, non-silent WAV) and one tap on
   "idle.continue" still extends the session.

Shots go to $A11Y_SHOTS if set (to look at them), else a temp dir.
usage: a11y_screens.py PATH/TO/trygg-kiosk
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from PIL import Image, ImageChops

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import screens  # noqa: E402  (the kiosk's own screenshot script: FULL, run)

KIOSK = sys.argv[1]
screens.KIOSK = KIOSK
LANGS = ("sv", "en", "ar", "so")
IDLE_S, WARN_S = 90, 30


def setup(tmp):
    data = os.path.join(tmp, "data")
    os.makedirs(data)
    with open(os.path.join(tmp, "token"), "w") as f:
        f.write("t\n")
    with open(os.path.join(tmp, "kiosk.ini"), "w") as f:
        f.write(f"""[kiosk]
kiosk_id = a11y
server_url = http://127.0.0.1:9
token_file = {tmp}/token
data_dir = {data}
area = centrum
[timing]
idle_s = {IDLE_S}
warn_s = {WARN_S}
retry_min_ms = 60000
""")
    cache = {"etag": '"t"', "body": {
        "walks": [{"id": 3, "starts": "2026-12-03T18:00:00+01:00", "area": "gota",
                   "place": "Göta centrum", "meeting_point": "vid ICA", "capacity": 30,
                   "signups": 4},
                  {"id": 5, "starts": "2027-02-10T17:00:00+01:00", "area": "strom",
                   "place": "Ströms gård", "meeting_point": "vid tvättstugan", "capacity": 12,
                   "signups": 2, "round": True}],
        "places": [{"id": "resecentrum", "label": "Resecentrum", "area": "centrum"}],
        "links": {"parent_municipality_url": "https://kommun.example.se/foraldrar",
                  "parent_police_url": "https://polisen.example.se/foraldrar"},
        "notices": []}}
    with open(os.path.join(data, "config-cache.json"), "w") as f:
        json.dump(cache, f)


def shot_names(body):
    return [l.split(None, 1)[1] for l in body.strip().splitlines() if l.startswith("shot ")]


def centre_x(doc, id_):
    els = [e for e in doc["elements"] if e["id"] == id_]
    return els[0]["x"] + els[0]["w"] / 2.0 if els else None


def ink_box(png, el):
    """Screen bbox of the pixels in el's box that differ from its most
    frequent colour (None if there are none)."""
    img = Image.open(png).convert("RGB")
    box = (el["x"], el["y"], el["x"] + el["w"], el["y"] + el["h"])
    crop = img.crop(box)
    bg = max(crop.getcolors(crop.width * crop.height + 1))[1]
    bb = ImageChops.difference(crop, Image.new("RGB", crop.size, bg)).getbbox()
    return (bb[0] + box[0], bb[1] + box[1], bb[2] + box[0], bb[3] + box[1]) if bb else None


def check_mirroring(shots, failures):
    """Arabic: start over on the right, next on the left, the title at the
    right edge; Swedish the other way round."""
    for lang in LANGS:
        for name in ("concern.place", "concern.review", "fault.phone"):
            path = os.path.join(shots, "%s-1920x1080-%s.json" % (lang, name))
            d = json.load(open(path, encoding="utf-8"))
            W = d["width"]
            rtl = lang == "ar"
            if bool(d.get("rtl")) != rtl:
                failures.append("%s: rtl is %r" % (path, d.get("rtl")))
            restart, nxt = centre_x(d, "nav.restart"), centre_x(d, "nav.next") or \
                centre_x(d, "review.send")
            if restart is None or nxt is None:
                failures.append("%s: no nav.restart / next" % path)
                continue
            if rtl != (restart > W / 2) or rtl != (nxt < W / 2):
                failures.append("%s: footer not %s (restart at %d, next at %d)" % (
                    path, "mirrored" if rtl else "left-to-right", restart, nxt))
            titles = [e for e in d["elements"] if e["kind"] == "text" and e.get("px", 0) >= 40
                      and e["y"] > 100]
            for t in titles[:1]:
                # The box spans the column: measure where the ink is.
                ink = ink_box(os.path.join(shots, "%s-1920x1080-%s.png" % (lang, name)), t)
                if not ink:
                    failures.append("%s: title %r has no ink" % (path, t["label"]))
                    continue
                right_gap, left_gap = W - ink[2], ink[0]
                if rtl != (right_gap < left_gap):
                    failures.append("%s: title %r not aligned to the %s" % (
                        path, t["label"], "right" if rtl else "left"))


IDLE_LOOP = 12


def idle_script(lang, speech):
    lines = ["size 1920 1080", "lang %s" % lang]
    if speech:
        # The speech control acts at once; other controls want two touches.
        lines += ["tap #speech.toggle", "sleep 1500"]
        lines += ["tap #home.concern", "tap #home.concern", "sleep 3000"]
        # speech on: no-time-limit mode, every limit x10 (issue 16)
        lines += ["wait %d" % (IDLE_S - 2), "expect screen concern.category"]
        lines += ["wait %d" % (IDLE_S * 9 + 3), "expect screen idle"]
        if speech == "spoken":
            lines += ["sleep 6000"]
        else:
            # WCAG 2.2.1: ONE tap extends, also while speech is on (where
            # other controls want a touch to hear, a second to act)
            lines += ["tap #idle.continue", "expect screen concern.category"]
        return "\n".join(lines) + "\n"
    lines += ["tap #home.concern", "expect screen concern.category"]
    for _ in range(IDLE_LOOP):
        lines += ["wait %d" % (IDLE_S - 2), "expect screen concern.category",
                  "wait 3", "expect screen idle",
                  # at least 20 s to react: 19 s later the warning is still up
                  "wait 19", "expect screen idle",
                  "tap #idle.continue", "expect screen concern.category"]
    lines += ["wait %d" % (IDLE_S + 1), "expect screen idle", "wait %d" % (WARN_S + 1),
              "expect screen home"]
    return "\n".join(lines) + "\n"


def run_script(tmp, name, text, shots, wav=None):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    cmd = [KIOSK, "-c", os.path.join(tmp, "kiosk.ini"), "--script", path, "--shots", shots]
    if wav:
        cmd += ["--wav", wav]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def wav_seconds(path):
    out = subprocess.run(["soxi", "-D", path], capture_output=True, text=True).stdout
    return float(out.strip() or 0)


def wav_rms(path):
    r = subprocess.run(["sox", path, "-n", "stat"], capture_output=True, text=True)
    m = re.search(r"RMS\s+amplitude:\s+([0-9.]+)", r.stderr)
    return float(m.group(1)) if m else 0.0


def check_idle(tmp, shots, failures):
    for lang in ("sv", "ar"):
        r = run_script(tmp, "idle-%s.txt" % lang, idle_script(lang, False), shots)
        if r.returncode != 0:
            failures.append("idle warning (%s): %s" % (lang, r.stderr.strip()))
    wav = os.path.join(tmp, "wav")
    os.makedirs(wav)
    r = run_script(tmp, "idle-speech-tap.txt", idle_script("sv", "tap"), shots)
    if r.returncode != 0:
        failures.append("idle warning in speech mode, one tap: %s" % r.stderr.strip())
    r = run_script(tmp, "idle-speech.txt", idle_script("sv", "spoken"), shots, wav)
    if r.returncode != 0:
        failures.append("idle warning with speech: %s" % r.stderr.strip())
        return
    files = sorted(glob.glob(os.path.join(wav, "*-sv.wav")))
    # The last utterance is the warning (nothing else happens after it).
    if not files:
        failures.append("idle warning with speech: no WAV written")
        return
    last = files[-1]
    secs, rms = wav_seconds(last), wav_rms(last)
    print("idle warning spoken: %s, %.2f s, RMS %.3f" % (os.path.basename(last), secs, rms))
    if secs < 2.0 or rms < 0.02:
        failures.append("idle warning speech too short or silent: %s %.2f s RMS %.3f" % (
            last, secs, rms))


def main():
    tmp = tempfile.mkdtemp(prefix="kiosk-a11y-")
    shots = os.environ.get("A11Y_SHOTS") or os.path.join(tmp, "shots")
    os.makedirs(shots, exist_ok=True)
    setup(tmp)
    failures = []
    # every screen, the new tiles' screens too (issue 16)
    names = shot_names(screens.FULL) + shot_names(screens.TILES)
    for lang in LANGS:
        screens.run(tmp, shots, lang, 1920, 1080, screens.FULL)
        screens.run(tmp, shots, lang, 1920, 1080, screens.TILES)
    screens.run(tmp, shots, "ar", 1080, 1920, screens.FULL)
    for lang in LANGS:
        for n in names:
            js = os.path.join(shots, "%s-1920x1080-%s.json" % (lang, n))
            if not os.path.exists(js) or not os.path.exists(js[:-5] + ".png"):
                failures.append("missing shot %s" % js)
                continue
            d = json.load(open(js, encoding="utf-8"))
            if d.get("lang") != lang:
                failures.append("%s: lang %r" % (js, d.get("lang")))
    check_mirroring(shots, failures)
    check_idle(tmp, shots, failures)

    r = subprocess.run([sys.executable, os.path.join(HERE, "a11y_check.py"), shots],
                       capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    if r.returncode != 0:
        failures.append("a11y_check found violations (rc %d)" % r.returncode)

    for f in failures:
        print("FAIL:", f)
    print("a11y_screens: %d screens x %d languages, shots in %s" % (len(names), len(LANGS), shots))
    if not failures and not os.environ.get("A11Y_SHOTS"):
        shutil.rmtree(tmp, ignore_errors=True)  # kept on failure, to look at
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
