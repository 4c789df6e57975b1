#!/usr/bin/env python3
"""Screenshot test: every kiosk screen in Swedish and English, landscape
1920x1080 and portrait 1080x1920, plus the home, help and a keyboard screen at
1280x800; the home screen's nine tiles in all five languages (lättläst too)
at four sizes, with every tile text measured as drawn; lättläst through a
concern and a fault report. Checks that every PNG and its JSON exist and agree, that each QR
code decodes (zbarimg) to the configured URL, that receipts show the
reference of a queued uuid, and that targets are at least 44 px.

The kiosk boots offline from a cached server config (walks, a notice).
Shots are kept in $KIOSK_SHOTS if set (to look at them), else a temp dir.
usage: screens.py PATH/TO/trygg-kiosk
"""
import json
import shutil
import os
import re
import sqlite3
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

KIOSK = sys.argv[1]
# The child-concern page is not configured in the shipped kiosk.ini (the
# municipality must confirm it): its card shows the number and no QR code.
# The public status page the receipt's QR code points to (docs/follow-up.md).
STATUS_URL = "https://trygg.example.se/s/"
URLS = {
    "tip": "https://polisen.se/kontakt/tipsa-polisen/",
    "report": "https://polisen.se/utsatt-for-brott/polisanmalan/",
}
# Advice for parents (issue 16): two pages from the server's config (test
# addresses; the shipped config leaves them unconfigured).
PARENT_URLS = {"https://kommun.example.se/foraldrar", "https://polisen.example.se/foraldrar"}

# The seed's tips that had no tile (issue 16): advice for parents, a
# question with a contact, a safety round, following a report (the server
# cannot be reached here: the kiosk says so).
TILES = """
tap #home.parent
shot parent
tap #nav.back
tap #home.question
shot question.question
tap #nav.next
shot question.question_error
type Varför är det så mörkt i parken?
tap #nav.next
shot question.feedback
tap #opt.yes
type anna@example.se
tap #nav.next
shot question.consent
tap #consent.toggle
tap #nav.next
shot question.review
tap #review.send
expect screen receipt
shot receipt.question
tap #receipt.done
tap #home.rounds
shot round.list
tap #opt.5
type Bo Ek
tap #nav.next
type 0701234567
tap #nav.next
tap #consent.toggle
tap #nav.next
tap #review.send
expect screen receipt
shot receipt.round
tap #receipt.done
tap #home.walks
shot walk.list.norounds
tap #nav.restart
tap #home.follow
shot follow
tap #follow.check
shot follow.empty
type 3k-4qx2-7m9p-k2zd
shot follow.typed
tap #follow.check
sleep 1500
expect screen follow
shot follow.offline
tap #follow.again
shot follow.again
"""

FULL = """
shot home
tap #home.help
shot help
tap #nav.back
tap #home.concern
shot concern.category
tap #opt.lighting
shot concern.area
tap #opt.other
type Gångtunneln vid Ålvägen
shot concern.place
tap #nav.next
shot concern.when
tap #opt.evenings
type Det är mörkt, lampan har varit trasig i två veckor.
shot concern.desc
tap #nav.next
shot concern.review
tap #review.send
expect screen receipt
shot receipt.concern
tap #receipt.done
tap #home.fault
shot fault.category
tap #opt.playground
tap #opt.centrum
shot fault.spot
tap #opt.resecentrum
tap #nav.skip
shot fault.feedback
tap #opt.yes
type 0701234567
shot fault.phone
tap #nav.next
tap #nav.next
shot fault.consent_error
tap #consent.toggle
shot fault.consent
tap #nav.next
shot fault.review
tap #review.send
shot receipt.fault
tap #receipt.done
tap #home.watch
shot watch.info
tap #nav.next
type Anna Svensson
shot watch.name
tap #nav.next
shot watch.area
tap #opt.gota
type anna@example
tap #nav.next
shot watch.contact_error
type .se
tap #nav.next
tap #consent.toggle
shot watch.consent
tap #nav.next
shot watch.review
tap #review.send
shot receipt.watch
tap #receipt.done
tap #home.walks
shot walk.list
tap #opt.3
type Bo Ek
tap #nav.next
type 0701234567
tap #nav.next
tap #consent.toggle
tap #nav.next
shot walk.review
tap #review.send
shot receipt.walk
tap #receipt.done
tap #home.concern
wait 91
expect screen idle
shot idle
wait 40
expect screen home
tap #maint.corner
tap #maint.corner
tap #maint.corner
tap #maint.corner
tap #maint.corner
expect screen pin
tap #pin.1
shot pin
tap #pin.ok
tap #pin.2
tap #pin.5
tap #pin.8
tap #pin.0
tap #pin.ok
expect screen maint
shot maint
tap #maint.back
tap #a11y.contrast
shot home.contrast
tap #home.fault
tap #opt.road
shot fault.area.contrast
tap #nav.restart
expect screen restart
shot restart
tap #restart.no
expect screen fault.area
tap #nav.restart
tap #restart.yes
tap #a11y.large
shot home.large
findpage home.concern
tap #home.concern
shot concern.category.large
tap #nav.restart
tap #speech.toggle
tap #home.concern
expect screen home
tap #home.concern
shot concern.category.speech
tap #nav.restart
"""

SMALL = """
shot home
tap #home.help
shot help
tap #nav.back
tap #home.concern
tap #opt.lighting
tap #opt.other
type Gångtunneln
shot concern.place
tap #nav.restart
tap #restart.yes
tap #home.walks
tap #opt.4
expect screen walk.list
shot walk.full
"""


def run(tmp, shots, lang, w, h, body, extra=()):
    script = os.path.join(tmp, "s-%s-%dx%d.txt" % (lang, w, h))
    prefix = "%s-%dx%d-" % (lang, w, h)
    lines = ["size %d %d" % (w, h), "lang %s" % lang]
    for line in body.strip().splitlines():
        if line.startswith("shot ") or line.startswith("shotpages "):
            cmd, _, name = line.partition(" ")
            line = cmd + " " + prefix + name
        if line == "expect screen home" or line.startswith("tap #nav.restart") or \
                line == "tap #restart.yes" or \
                line == "tap #receipt.done" or line == "tap #maint.back":
            # a reset returns to the default language: choose ours again
            lines.append(line)
            lines.append("lang %s" % lang)
            continue
        lines.append(line)
    open(script, "w").write("\n".join(lines) + "\n")
    r = subprocess.run([KIOSK, "-c", os.path.join(tmp, "kiosk.ini"), "--script", script,
                        "--shots", shots] + list(extra), capture_output=True, text=True,
                       timeout=600)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit("script %s failed" % script)
    return prefix


def png_size(path):
    """Width and height of a complete PNG file (signature, IHDR first, IEND
    last), read from its header: an ImageMagick process per shot cost ~0.12 s."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", ("not a PNG", path)
    assert data[-12:] == b"\x00\x00\x00\x00IEND\xaeB`\x82", ("truncated PNG", path)
    return list(struct.unpack(">II", data[16:24]))


def check_shot(shots, name, screen=None):
    png, js = os.path.join(shots, name + ".png"), os.path.join(shots, name + ".json")
    assert os.path.getsize(png) > 1000, png
    d = json.load(open(js, encoding="utf-8"))
    out = png_size(png)
    assert out == [d["width"], d["height"]], (name, out)
    if screen:
        assert d["screen"] == screen, (name, d["screen"], screen)
    for e in d["elements"]:
        if e["kind"] in ("button", "key"):
            assert e["w"] >= 44 and e["h"] >= 44, ("small target", name, e["id"], e["w"], e["h"])
        assert e["x"] >= 0 and e["y"] >= 0 and e["x"] + e["w"] <= d["width"] and \
            e["y"] + e["h"] <= d["height"], ("off screen", name, e)
    return d


def qr_urls(png):
    r = subprocess.run(["zbarimg", "-q", "--raw", png], capture_output=True, text=True)
    return set(l for l in r.stdout.splitlines() if l)


def check_tiles(tmp, shots, data):
    """The four new tiles in sv and en, landscape and portrait."""
    checked = 0
    for lang in ("sv", "en"):
        for (w, h) in ((1920, 1080), (1080, 1920)):
            p = run(tmp, shots, lang, w, h, TILES)
            expect = {
                "parent": "parent", "question.question": "question.question",
                "question.question_error": "question.question",
                "question.feedback": "question.feedback", "question.consent": "question.consent",
                "question.review": "question.review", "receipt.question": "receipt",
                "round.list": "round.list", "receipt.round": "receipt",
                "walk.list.norounds": "walk.list", "follow": "follow",
                "follow.empty": "follow", "follow.typed": "follow",
                "follow.offline": "follow", "follow.again": "follow",
            }
            docs = {k: check_shot(shots, p + k, v) for k, v in expect.items()}
            checked += len(docs)
            labels = lambda k: [e["label"] for e in docs[k]["elements"]]
            ids = lambda k: {e["id"] for e in docs[k]["elements"]}
            for k in docs:
                assert "emergency" in ids(k) and "nav.restart" in ids(k), ("112/restart", k)
            # the parents' pages as QR codes, decoded
            got = qr_urls(os.path.join(shots, p + "parent.png"))
            assert got == PARENT_URLS, ("parent QR", p, got)
            # rounds and walks are listed apart
            assert any("Ströms gård" in l for l in labels("round.list")), "no round"
            assert not any("Göta centrum" in l for l in labels("round.list")), "walk as round"
            assert not any("Ströms gård" in l for l in labels("walk.list.norounds")), \
                "round as walk"
            # a question needs its text; the consent shows no period it cannot know
            err = "Skriv din fråga först." if lang == "sv" else "Type your question first."
            assert any(err in l for l in labels("question.question_error")), "no error"
            assert not any(re.search(r"\d+ (dagar|days)", l) for l in labels("question.consent"))
            # the typed code in capitals; offline: said so, never a status
            assert any("3K-4QX2-7M9P-K2ZD" in l for l in labels("follow.typed")), "code"
            off = "når inte kommunen" if lang == "sv" else "cannot reach the municipality"
            assert any(off in l for l in labels("follow.offline")), labels("follow.offline")
            assert "follow.again" in ids("follow.offline")
            assert any(l == "|" for l in labels("follow.again")), "code not cleared"
            # what was queued: a question is a concern "question" without a place
            # but with the contact; a round sign-up names its round
            db = sqlite3.connect(os.path.join(data, "outbox.db"))
            bodies = [json.loads(b) for (b,) in db.execute("SELECT body FROM outbox")]
            db.close()
            q = [b for b in bodies if b.get("category") == "question"]
            assert q and q[-1]["kind"] == "concern" and q[-1]["area"] == "other" and \
                q[-1]["contact"] == "anna@example.se" and q[-1]["consent"] is True, q
            r = [b for b in bodies if b.get("walk_id") == 5]
            assert r and r[-1]["kind"] == "walk_signup", r
    return checked


TILE_IDS = ["home." + t for t in ("concern", "fault", "question", "watch", "walks", "rounds",
                                   "follow", "parent", "help")]
# Smallest tile font sizes at a 1080-pixel short side (kiosk/screen_home.c)
TITLE_FLOOR, DESC_FLOOR = 30, 24


def tile_texts(doc, tile):
    """The text elements drawn inside a home tile's button."""
    return [e for e in doc["elements"] if e["kind"] == "text" and
            tile["x"] <= e["x"] and e["x"] + e["w"] <= tile["x"] + tile["w"] and
            tile["y"] <= e["y"] and e["y"] + e["h"] <= tile["y"] + tile["h"]]


def check_home_tiles(tmp, shots):
    """Nine tiles that fit (issue 16): in every language and at every size
    each tile shows its title and its description, drawn at the size the
    layout chose (the renderer neither shrank nor clipped them: "fit" is
    "ok"), never below the floors. With "Större text" (200 %, WCAG 1.4.4)
    the same at twice the floors, the tiles on as many pages as it takes
    ("Fler val"): nothing is left out (defect 8)."""
    checked = 0
    sizes = ((1920, 1080), (1280, 800), (1080, 1920), (3840, 2160))
    for lang in ("sv", "sv_LL", "en", "ar", "so"):
        for (w, h) in sizes:
            p = run(tmp, shots, lang, w, h, "shot home.tiles")
            # the pages of "Större text": only their JSON (PNGs cost time)
            run(tmp, shots, lang, w, h, "tap #a11y.large\nshotpages home.tiles.large",
                ("--no-png",))
            u = min(w, h) / 1080.0
            pages = [("home.tiles", False)]
            i = 0
            while os.path.exists(os.path.join(shots, "%shome.tiles.large.p%d.json" % (p, i))):
                pages.append(("home.tiles.large.p%d" % i, True))
                i += 1
            seen = {False: {}, True: {}}
            for name, large in pages:
                d = check_shot(shots, p + name, "home") if not large else \
                    json.load(open(os.path.join(shots, p + name + ".json"), encoding="utf-8"))
                assert d["screen"] == "home", (p + name, d["screen"])
                checked += 1
                for e in d["elements"]:
                    if e["id"] in TILE_IDS:
                        seen[large][e["id"]] = (p + name, e, tile_texts(d, e))
            for large in (False, True):
                assert sorted(seen[large]) == sorted(TILE_IDS), (p, large, sorted(seen[large]))
                # Somali with "Större text": the tiles at about 1.5 times the
                # floors (docs/accessibility.md, known gaps)
                k = 2 if large else 1
                for tid, (where, tile, texts) in seen[large].items():
                    assert texts and texts[0]["label"] == tile["label"], ("no title", where, tid)
                    assert len(texts) == 2, ("title and description", where, tid, len(texts))
                    for e in texts:
                        assert e.get("fit") == "ok", ("text shrunk", where, e["label"], e["px"])
                    assert texts[0]["px"] >= int(k * TITLE_FLOOR * u) and \
                        texts[1]["px"] >= int(k * DESC_FLOOR * u), \
                        ("below the floor", where, texts[0]["px"], texts[1]["px"])
    return checked


# Lättläst (issue 16): the home screen, a concern and a fault report and
# the receipts, chosen like a language.
EASY = """
shot home
tap #home.concern
shot concern.category
tap #opt.lighting
shot concern.area
tap #opt.centrum
tap #opt.evenings
tap #nav.skip
shot concern.review
tap #review.send
expect screen receipt
shot receipt.concern
tap #receipt.done
tap #home.fault
shot fault.category
tap #opt.playground
tap #opt.centrum
tap #opt.resecentrum
tap #nav.skip
shot fault.feedback
tap #opt.yes
type 0701234567
tap #nav.next
shot fault.consent
tap #consent.toggle
tap #nav.next
tap #review.send
shot receipt.fault
tap #receipt.done
"""


def po_texts(lang):
    """msgid -> msgstr of assets/i18n/kiosk/LANG.po (one-line entries)."""
    path = os.path.join(os.environ["TRYGG_ASSETS"], "i18n", "kiosk", lang + ".po")
    out, key = {}, None
    for line in open(path, encoding="utf-8"):
        if line.startswith("msgid "):
            key = json.loads(line[6:])
        elif line.startswith("msgstr ") and key:
            out[key] = json.loads(line[7:])
    return out


def check_easy_read(tmp, shots, data):
    ll = po_texts("sv_LL")
    p = run(tmp, shots, "sv_LL", 1920, 1080, EASY)
    want = {"home": ["home.title", "home.concern.desc", "home.fault", "home.fault.desc"],
            "concern.category": ["concern.category.title", "cat.concern.lighting"],
            "concern.area": ["step.area.hint"], "concern.review": ["step.review.title"],
            "receipt.concern": ["receipt.title", "receipt.concern.next"],
            "fault.category": ["fault.category.title", "cat.fault.playground"],
            "fault.feedback": ["step.feedback.title"],
            "fault.consent": ["step.consent.title", "consent.toggle"],
            "receipt.fault": ["receipt.fault.next", "receipt.follow_hint"]}
    for shot, keys in want.items():
        d = check_shot(shots, p + shot)
        assert d["lang"] == "sv_LL", (shot, d["lang"])
        labels = [e["label"] for e in d["elements"]]
        for k in keys:
            assert ll[k] in labels, ("lättläst text not shown", shot, k, ll[k])
    # the notice: lättläst shows the Swedish one
    assert any("3 december" in e["label"] for e in check_shot(shots, p + "home")["elements"])
    # filed as Swedish: the server knows sv, en, ar, so
    db = sqlite3.connect(os.path.join(data, "outbox.db"))
    langs = [json.loads(b)["lang"] for (b,) in db.execute("SELECT body FROM outbox")]
    db.close()
    assert langs and "sv_LL" not in langs and langs[-1] == "sv", langs
    return len(want)


def main():
    tmp = tempfile.mkdtemp(prefix="kiosk-screens-")
    shots = os.environ.get("KIOSK_SHOTS") or os.path.join(tmp, "shots")
    os.makedirs(shots, exist_ok=True)
    data = os.path.join(tmp, "data")
    os.makedirs(data)
    open(os.path.join(tmp, "token"), "w").write("t\n")
    open(os.path.join(tmp, "kiosk.ini"), "w").write(f"""[kiosk]
kiosk_id = screens
server_url = http://127.0.0.1:9
token_file = {tmp}/token
data_dir = {data}
area = centrum
ref_prefix = 3K
[timing]
idle_s = 90
warn_s = 30
retry_min_ms = 60000
""")
    cache = {"etag": '"t"', "body": {
        "status_url": STATUS_URL,
        "walks": [{"id": 3, "starts": "2026-12-03T18:00:00+01:00", "area": "gota",
                   "place": "Göta centrum", "meeting_point": "vid ICA", "capacity": 30,
                   "signups": 4},
                  {"id": 4, "starts": "2027-01-14T18:30:00+01:00", "area": "lodose",
                   "place": "Lödöse", "meeting_point": "vid kyrkan", "capacity": 20,
                   "signups": 20},
                  {"id": 5, "starts": "2027-02-10T17:00:00+01:00", "area": "strom",
                   "place": "Ströms gård", "meeting_point": "vid tvättstugan", "capacity": 12,
                   "signups": 2, "round": True}],
        "places": [{"id": "resecentrum", "label": "Resecentrum", "area": "centrum"},
                   {"id": "gota_centrum", "label": "Göta centrum", "area": "gota"}],
        "links": {"parent_municipality_url": "https://kommun.example.se/foraldrar",
                  "parent_police_url": "https://polisen.example.se/foraldrar"},
        "notices": [{"lang": "sv", "text": "Trygghetsvandring i Göta den 3 december kl. 18.00. "
                     "Välkommen!"},
                    {"lang": "en", "text": "Safety walk in Göta on 3 December at 18:00. "
                     "Welcome!"}]}}
    json.dump(cache, open(os.path.join(data, "config-cache.json"), "w"))

    checked = 0
    for lang in ("sv", "en"):
        for (w, h) in ((1920, 1080), (1080, 1920)):
            p = run(tmp, shots, lang, w, h, FULL)
            expect = {
                "home": "home", "help": "help", "concern.category": "concern.category",
                "concern.area": "concern.area", "concern.place": "concern.place",
                "concern.when": "concern.when", "concern.desc": "concern.desc",
                "concern.review": "concern.review", "receipt.concern": "receipt",
                "fault.category": "fault.category", "fault.spot": "fault.spot",
                "fault.feedback": "fault.feedback",
                "fault.phone": "fault.phone", "fault.consent_error": "fault.consent",
                "fault.consent": "fault.consent", "fault.review": "fault.review",
                "receipt.fault": "receipt", "watch.info": "watch.info",
                "watch.name": "watch.name", "watch.area": "watch.area",
                "watch.contact_error": "watch.contact", "watch.consent": "watch.consent",
                "watch.review": "watch.review", "receipt.watch": "receipt",
                "walk.list": "walk.list", "walk.review": "walk.review",
                "receipt.walk": "receipt", "idle": "idle", "pin": "pin", "maint": "maint",
                "home.contrast": "home", "fault.area.contrast": "fault.area",
                "home.large": "home", "concern.category.large": "concern.category",
                "concern.category.speech": "concern.category",
            }
            docs = {k: check_shot(shots, p + k, v) for k, v in expect.items()}
            checked += len(docs)
            for k, d in docs.items():
                assert d["lang"] == lang, (k, d["lang"])
            # QR codes decode to the configured URLs
            got = qr_urls(os.path.join(shots, p + "help.png"))
            assert got == set(URLS.values()), ("QR", p, got)
            # the unconfigured child-concern card still gives its number
            help_doc = check_shot(shots, p + "help")
            assert any("0520-65 95 00" in e["label"] for e in help_doc["elements"]), \
                "child-concern number missing"
            # the typed place, masked phone, errors
            labels = lambda k: [e["label"] for e in docs[k]["elements"]]
            assert any("Gångtunneln vid Ålvägen" in l for l in labels("concern.place")), p
            assert any(l.startswith("\u2022" * 10) for l in labels("fault.phone")), \
                "phone not masked"
            assert not any("0701234567" in l for l in labels("fault.phone") +
                           labels("fault.review")), "phone number visible"
            assert any("Göta centrum" in l for l in labels("walk.list")), "no walk"
            # a fault asks where exactly: the area's registered places and
            # "Annan plats" (issue 16, defect 7); the choice is sent by label
            spot = labels("fault.spot")
            assert "Resecentrum" in spot and not any("Göta centrum" in l for l in spot), spot
            assert any(l.startswith("Annan plats" if lang == "sv" else "Other place")
                       for l in spot), spot
            assert any("Resecentrum" in l for l in labels("fault.review")), "place not reviewed"
            # places left and a full walk from the server's config; a full walk is refused
            full, left = ("Fullbokad", "26 platser kvar") if lang == "sv" else \
                ("Fully booked", "26 places left")
            assert any("Lödöse" in l and full in l for l in labels("walk.list")), "not full"
            assert any("Göta centrum" in l and left in l for l in labels("walk.list")), "places"
            assert any("Göta" in l and ("3 december" in l or "3 December" in l)
                       for l in labels("home")), "no notice"
            # the idle countdown shows at least 20 seconds
            cd = [e for e in docs["idle"]["elements"] if e["id"] == "idle.countdown"][0]
            assert int(cd["label"]) >= 20
            assert any(e["id"] == "idle.continue" for e in docs["idle"]["elements"])
            # Akut? Ring 112 and Börja om on every screen but the idle warning
            for k, d in docs.items():
                ids = {e["id"] for e in d["elements"]}
                assert "emergency" in ids, ("no 112", k)
                if k != "idle":
                    assert "nav.restart" in ids, ("no restart", k)
            # receipts show the reference of a uuid in the outbox
            db = sqlite3.connect(os.path.join(data, "outbox.db"))
            bodies = [json.loads(b) for (b,) in db.execute("SELECT body FROM outbox")]
            db.close()
            refs = {b.get("ref") for b in bodies}
            sent = {(b.get("ref"), b.get("follow")) for b in bodies}
            for k in ("receipt.concern", "receipt.fault", "receipt.watch", "receipt.walk"):
                r = [e["label"] for e in docs[k]["elements"] if e["id"] == "receipt.ref"][0]
                assert re.fullmatch(r"3K-[2-9A-HJKMNP-TW-Z]{4}", r), r
                assert r in refs, ("receipt ref not in outbox", k, r)
                # the follow-up code: the reference and the secret the outbox sends
                code = [e["label"] for e in docs[k]["elements"] if e["id"] == "receipt.follow"]
                assert code and re.fullmatch(r + r"-[2-9A-HJKMNP-TW-Z]{4}-[2-9A-HJKMNP-TW-Z]{4}",
                                             code[0]), ("no follow-up code", k, code)
                assert (r, code[0][8:].replace("-", "")) in sent, ("code not sent", k, code)
                # its QR code decodes to the status page of that code
                got = qr_urls(os.path.join(shots, p + k + ".png"))
                assert got == {STATUS_URL + code[0]}, ("receipt QR", k, got)
    checked += check_tiles(tmp, shots, data)
    checked += check_home_tiles(tmp, shots)
    checked += check_easy_read(tmp, shots, data)
    for lang in ("sv", "en"):
        p = run(tmp, shots, lang, 1280, 800, SMALL)
        for k in ("home", "help", "concern.place"):
            check_shot(shots, p + k)
            checked += 1
        # choosing the full walk is refused with a clear message
        d = check_shot(shots, p + "walk.full", "walk.list")
        checked += 1
        errs = [e["label"] for e in d["elements"] if e["kind"] == "text"]
        assert any(("fullbokad" if lang == "sv" else "fully booked") in l for l in errs), \
            "no full-walk message"
        got = qr_urls(os.path.join(shots, p + "help.png"))
        assert got == set(URLS.values()), ("QR 1280x800", got)
    # Somali has no voice: the control says so and one tap turns on speech in
    # English while the screen stays in Somali (docs/accessibility.md).
    wav = os.path.join(tmp, "wav-so")
    os.makedirs(wav)
    script = os.path.join(tmp, "s-so-speech.txt")
    open(script, "w").write("size 1920 1080\nlang so\nshot so-home.novoice\n"
                            "tap #speech.toggle\nsleep 3000\nshot so-home.speech\n"
                            "tap #home.concern\nsleep 1500\n"
                            "tap #home.concern\nsleep 1500\nshot so-concern.speech\n")
    r = subprocess.run([KIOSK, "-c", os.path.join(tmp, "kiosk.ini"), "--script", script,
                        "--shots", shots, "--wav", wav], capture_output=True, text=True,
                       timeout=200)
    assert r.returncode == 0, r.stderr
    d = check_shot(shots, "so-home.novoice", "home")
    toggle = [e for e in d["elements"] if e["id"] == "speech.toggle"][0]
    assert toggle["label"].startswith("Cod Soomaali ma jiro") and "Ingiriisi" in toggle["label"], \
        toggle["label"]
    for k, scr in (("so-home.speech", "home"), ("so-concern.speech", "concern.category")):
        assert check_shot(shots, k, scr)["lang"] == "so", k
    wavs = sorted(os.listdir(wav))
    assert len(wavs) >= 3 and all(w.endswith("-en.wav") for w in wavs), wavs
    sizes = [os.path.getsize(os.path.join(wav, w)) for w in wavs]
    # the first utterance explains the English voice: several seconds of speech
    assert sizes[0] > 16000 * 2 * 5 and min(sizes) > 16000, sizes
    checked += 3
    # Arabic UI: the place field offers Arabic letters first, typed Arabic is
    # shown right to left, one key switches to Latin letters and back.
    script = os.path.join(tmp, "s-ar-kbd.txt")
    open(script, "w", encoding="utf-8").write(
        "size 1920 1080\nlang ar\ntap #home.concern\ntap #opt.lighting\ntap #opt.other\n"
        "shot ar-place.empty\ntype نفق المشاة 12\nshot ar-place.arabic\ntap #key.kbd\n"
        "type E6\nshot ar-place.latin\n" + "tap #key.bksp\n" * 4 + "tap #key.kbd\n" +
        "tap #key.bksp\n" * 2 + "shot ar-place.bksp\n")
    r = subprocess.run([KIOSK, "-c", os.path.join(tmp, "kiosk.ini"), "--script", script,
                        "--shots", shots], capture_output=True, text=True, timeout=200)
    assert r.returncode == 0, r.stderr
    keys = lambda d: {e["id"] for e in d["elements"] if e["kind"] == "key"}
    field = lambda d: [e for e in d["elements"] if e["id"] == "field"][0]
    d = check_shot(shots, "ar-place.empty", "concern.place")
    assert "key.ض" in keys(d) and "key.q" not in keys(d) and "key.kbd" in keys(d), keys(d)
    d = check_shot(shots, "ar-place.arabic", "concern.place")
    assert field(d)["label"].startswith("نفق المشاة 12") and field(d)["rtl"], field(d)
    d = check_shot(shots, "ar-place.latin", "concern.place")
    assert "key.q" in keys(d) and "key.ض" not in keys(d), keys(d)
    assert field(d)["label"].startswith("نفق المشاة 12E6"), field(d)
    d = check_shot(shots, "ar-place.bksp", "concern.place")
    # backspace removes one code point: the last one was ة (two bytes)
    assert field(d)["label"] == "نفق المشا|" and "key.ض" in keys(d), field(d)
    checked += 4
    # The queued submissions are what the resident entered.
    db = sqlite3.connect(os.path.join(data, "outbox.db"))
    bodies = [json.loads(b) for (b,) in db.execute("SELECT body FROM outbox")]
    kinds = sorted(b["kind"] for b in bodies)
    # four of each from FULL, four more of each from TILES (a question, a
    # round), and one concern and one fault in lättläst (EASY)
    assert kinds.count("concern") == 9 and kinds.count("walk_signup") == 8, kinds
    fault = [b for b in bodies if b["kind"] == "fault"][0]
    assert fault["contact"] == "0701234567" and fault["consent"] is True
    assert fault["place"] == "Resecentrum", fault
    concern = [b for b in bodies if b["kind"] == "concern"][0]
    assert concern["area"] == "other" and concern["text"].startswith("Gångtunneln vid Ålvägen\n")
    assert "contact" not in concern
    walk = [b for b in bodies if b["kind"] == "walk_signup"][0]
    assert walk["walk_id"] == 3 and walk["contact"] == "Bo Ek, 0701234567"
    shutil.rmtree(tmp, ignore_errors=True)  # kept when a check failed
    print("screens: %d screenshots checked" % checked)


if __name__ == "__main__":
    main()
