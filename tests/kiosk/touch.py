#!/usr/bin/env python3
"""Touch alone in speech mode (issue 16, defect 2), in script mode with
synthetic SDL finger events (ui_push_finger → SDL's event queue →
ui_wait → the event loop's own handler): with speech on, a swipe right
moves the focus to the next element and speaks it, a swipe left to the
previous one; a single tap speaks what is under the finger (a text too,
e.g. the 112 badge's number or a tile's description) and moves the focus
there; a double tap anywhere activates the focused element. A concern
report is made this way in Swedish and Arabic, a letter typed on the
on-screen keyboard by touching the key and double-tapping. Without speech
a finger is an ordinary tap.

usage: touch.py PATH/TO/trygg-kiosk ASSETS_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

KIOSK, ASSETS = sys.argv[1], sys.argv[2]


def catalog(assets, lang):
    """msgid -> msgstr of assets/i18n/kiosk/LANG.po (one-line entries)."""
    out, key = {}, None
    for line in open(os.path.join(assets, "i18n", "kiosk", lang + ".po"), encoding="utf-8"):
        m = re.match(r'msgid "(.*)"$', line)
        if m:
            key = m.group(1)
            continue
        m = re.match(r'msgstr "(.*)"$', line)
        if m and key:
            out[key] = m.group(1).replace('\\"', '"')
            key = None
    return out


def report_script(lang, letter):
    t = catalog(ASSETS, lang)
    s = ["size 1920 1080", "lang %s" % lang,
         # no speech: a finger is a tap
         "finger #home.help", "expect screen help", "tap #nav.back",
         "tap #speech.toggle", "expect screen home",
         # swipes walk the screen in reading order from the title
         # (title, the line under it, Svenska, Lättläst)
         "mark swipe", "swipe right", "swipe right", "swipe right", "swipe left",
         "expect focus lang.sv",
         # a tap on a tile speaks it (with its description), nothing else
         "mark tile", "finger #home.concern", "expect screen home",
         "expect focus home.concern", "expect said %s" % t["home.concern.desc"][:15],
         # a double tap anywhere activates it
         "mark activate", "doubletap", "expect screen concern.category",
         "finger #opt.lighting", "expect screen concern.category", "doubletap",
         "expect screen concern.area", "finger #opt.other", "doubletap",
         "expect screen concern.place",
         # the keyboard: the key under the finger is spoken, a double tap types it
         "mark key", "finger #key.%s" % letter, "expect said %s" % letter, "doubletap",
         "expect text %s" % letter,
         # swipe to "Nästa" and double tap
         "mark next", "finger #nav.next", "doubletap", "expect screen concern.when",
         "finger #opt.evenings", "doubletap", "expect screen concern.desc",
         "finger #nav.skip", "doubletap", "expect screen concern.review",
         # a swipe from the send button goes on to the next stop and back
         "finger #review.send", "swipe right", "swipe left", "expect focus review.send",
         "doubletap", "expect screen receipt",
         # the 112 badge's number is spoken digit by digit on touch
         "mark badge", "finger #emergency", "expect said 1 1 2", "expect screen receipt",
         "quit"]
    return "\n".join(s) + "\n"


def run(tmp, name, text):
    path = os.path.join(tmp, name + ".txt")
    log = os.path.join(tmp, name + ".log")
    open(path, "w", encoding="utf-8").write(text)
    r = subprocess.run([KIOSK, "-c", os.path.join(tmp, "kiosk.ini"), "--script", path,
                        "--speech-log", log], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit("FAIL: script %s" % name)
    parts, cur = {}, None
    for line in open(log, encoding="utf-8"):
        lang, _, said = line.rstrip("\n").partition("\t")
        if lang == "#":
            cur = said
            parts.setdefault(cur, [])
            continue
        parts.setdefault(cur, []).append((lang, said))
    return parts


def main():
    tmp = tempfile.mkdtemp(prefix="kiosk-touch-")
    os.makedirs(os.path.join(tmp, "data"))
    open(os.path.join(tmp, "token"), "w").write("t\n")
    open(os.path.join(tmp, "kiosk.ini"), "w").write(f"""[kiosk]
kiosk_id = touch
server_url = http://127.0.0.1:9
token_file = {tmp}/token
data_dir = {tmp}/data
ref_prefix = 3K
[timing]
retry_min_ms = 60000
""")
    failures = []
    for lang, letter in (("sv", "a"), ("ar", "ب")):
        t = catalog(ASSETS, lang)
        parts = run(tmp, "touch-" + lang, report_script(lang, letter))
        swipe = [s for _, s in parts.get("swipe", [])]
        # four swipes, four utterances: the line under the title, Svenska,
        # Lättläst, and back to Svenska
        if len(swipe) != 4 or swipe[1] != swipe[3] or swipe[1] == swipe[2] or \
                swipe[0] != t["home.info.body"]:
            failures.append("%s: swipes said %s" % (lang, swipe))
        tile = [s for _, s in parts.get("tile", [])]
        if len(tile) != 1 or t["home.concern"] not in tile[0]:
            failures.append("%s: the touched tile said %s" % (lang, tile))
        act = [s for _, s in parts.get("activate", [])]
        if not act or t["concern.category.title"][:12] not in act[0]:
            failures.append("%s: the double tap did not open the step: %s" % (lang, act[:1]))
        print("%s: %d utterances; swipes: %s" % (lang, sum(len(p) for p in parts.values()),
                                                   swipe))
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
