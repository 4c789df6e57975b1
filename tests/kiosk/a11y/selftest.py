#!/usr/bin/env python3
"""Self-test of a11y_check.py: synthetic screenshots with known contrast and
target sizes, drawn with the bundled Noto Sans. A good shot must pass; a bad
one must fail with exactly the expected violations; an empty directory is an
error. Proves the checker can fail.

usage: selftest.py   (TRYGG_ASSETS must point at assets/)
"""
import json
import os
import subprocess
import sys
import tempfile

from PIL import Image, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "a11y_check.py")
FONT = os.path.join(os.environ["TRYGG_ASSETS"], "fonts", "NotoSans-Regular.ttf")


def rgb(h):
    return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))


class Shot:
    def __init__(self, w=800, h=600, bg="#ffffff", dpi=None):
        self.img = Image.new("RGB", (w, h), rgb(bg))
        self.d = ImageDraw.Draw(self.img)
        self.meta = {"screen": "selftest", "lang": "sv", "width": w, "height": h,
                     "elements": []}
        if dpi:
            self.meta["dpi"] = dpi
        self.bg = bg

    def el(self, kind, id_, label, x, y, w, h, fg, bg, px, bold=False):
        self.meta["elements"].append({"kind": kind, "id": id_, "label": label, "x": x, "y": y,
                                      "w": w, "h": h, "fg": fg, "bg": bg, "px": px,
                                      "bold": bold})

    def text(self, id_, label, x, y, fg, px, bold=False, bg=None, draw=True):
        f = ImageFont.truetype(FONT, px)
        l, t, r, b = self.d.textbbox((x, y), label, font=f)
        if draw:
            self.d.text((x, y), label, font=f, fill=rgb(fg))
        self.el("text", id_, label, x, y, r - x + 2, b - y + 2, fg, bg or self.bg, px, bold)

    def button(self, id_, label, x, y, w, h, fill, border, fg, px=28, kind="button"):
        if border:
            self.d.rectangle((x, y, x + w - 1, y + h - 1), fill=rgb(fill), outline=rgb(border),
                             width=3)
        else:
            self.d.rectangle((x, y, x + w - 1, y + h - 1), fill=rgb(fill))
        f = ImageFont.truetype(FONT, px)
        self.d.text((x + 12, y + (h - px) // 2 - 4), label, font=f, fill=rgb(fg))
        self.el(kind, id_, label, x, y, w, h, fg, fill, px)

    def save(self, d, name):
        self.img.save(os.path.join(d, name + ".png"))
        with open(os.path.join(d, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(self.meta, f)


def run(*dirs, dpi=None):
    cmd = [sys.executable, CHECK] + (["--dpi", str(dpi)] if dpi else []) + list(dirs)
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stdout


def main():
    tmp = tempfile.mkdtemp(prefix="a11y-selftest-")
    good, bad, empty, dense = (os.path.join(tmp, n) for n in ("good", "bad", "empty", "dense"))
    for d in (good, bad, empty, dense):
        os.makedirs(d)

    g = Shot()
    g.text("t.black", "Något känns otryggt", 20, 20, "#1a1e23", 20)
    g.text("t.aa", "Liten grå text", 20, 70, "#767676", 18)  # 4.54:1: just passes
    g.text("t.large", "Stor text", 20, 110, "#949494", 30)  # 3.03:1 at 30 px: passes
    g.button("b.ok", "Nästa", 20, 200, 200, 88, "#0b3a6e", None, "#ffffff")
    g.button("b.border", "Tillbaka", 260, 200, 200, 88, "#ffffff", "#0b3a6e", "#0b3a6e")
    g.button("k.a", "a", 500, 200, 60, 60, "#ffffff", "#465160", "#1a1e23", kind="key")
    g.save(good, "good")

    b = Shot()
    b.text("t.grey", "Grå text på vitt", 20, 20, "#999999", 20)  # 2.85:1 < 4.5
    b.text("t.almost", "Nästan", 20, 60, "#777777", 18)  # 4.48:1 < 4.5
    b.text("t.large", "Stor men blek", 20, 100, "#aaaaaa", 30)  # 2.32:1 < 3
    b.text("t.bold", "Fet 19 px", 20, 150, "#aaaaaa", 19, bold=True)  # large bold, 2.32 < 3
    b.text("t.missing", "Osynlig", 400, 20, "#000000", 20, draw=False)  # nothing drawn
    b.button("b.small", "x", 20, 220, 40, 40, "#0b3a6e", None, "#ffffff", px=20)  # < 44
    b.button("b.mm", "y", 100, 220, 50, 50, "#0b3a6e", None, "#ffffff", px=20)  # < 15 mm
    b.button("b.flat", "Platt", 200, 220, 200, 88, "#f0f0f0", None, "#1a1e23")  # no edge
    b.button("b.label", "Blek", 440, 220, 200, 88, "#0b3a6e", None, "#3a5f8e")  # label
    b.button("b.off", "Utanför", 700, 500, 200, 88, "#0b3a6e", None, "#ffffff")  # off screen
    b.save(bad, "bad")

    # 160 dpi panel (from the JSON): 15 mm = 95 px, so an 80 px button fails.
    h = Shot(dpi=160)
    h.button("b.dense", "OK", 20, 20, 80, 80, "#0b3a6e", None, "#ffffff")
    h.button("b.big", "OK", 200, 20, 100, 100, "#0b3a6e", None, "#ffffff")
    h.save(dense, "dense")

    failures = []

    rc, out = run(good)
    if rc != 0:
        failures.append("good shot: rc %d\n%s" % (rc, out))

    rc, out = run(bad)
    lines = [l for l in out.splitlines() if not l.startswith("a11y_check:")]
    expect = {
        "t.grey": "text contrast 2.85:1 < 4.5:1",
        "t.almost": "text contrast 4.48:1 < 4.5:1",
        "t.large": "text contrast 2.32:1 < 3.0:1",
        "t.bold": "text contrast 2.32:1 < 3.0:1",
        "t.missing": "no text pixels",
        "b.small": "target 40x40 px < 55x55 px",
        "b.mm": "target 50x50 px < 55x55 px",
        "b.flat": "edge contrast 1.14:1 < 3:1",
        "b.label": "label text contrast",
        "b.off": "partly outside the screen",
    }
    if rc != 1:
        failures.append("bad shot: rc %d, want 1" % rc)
    for id_, msg in expect.items():
        hits = [l for l in lines if (" %s " % id_) in l]
        if len(hits) != 1 or msg not in hits[0]:
            failures.append("bad shot: %s: want one line with %r, got %r" % (id_, msg, hits))
    if len(lines) != len(expect):
        failures.append("bad shot: %d violations, want %d:\n%s" % (len(lines), len(expect), out))

    rc, out = run(dense)
    if rc != 1 or "b.dense" not in out or "95x95" not in out or "b.big" in out:
        failures.append("dense shot (dpi 160): rc %d\n%s" % (rc, out))
    # --dpi only applies when the JSON has none: the 92-dpi default keeps b.dense failing.
    rc, out = run(dense, dpi=50)
    if rc != 1 or "b.dense" not in out:
        failures.append("dense shot with --dpi 50: the JSON's dpi must win\n" + out)
    rc, out = run(good, dpi=300)  # 15 mm at 300 dpi = 178 px: everything is too small
    if rc != 1 or "b.ok" not in out:
        failures.append("good shot at --dpi 300 should fail\n" + out)

    rc, out = run(empty)
    if rc != 2:
        failures.append("empty directory: rc %d, want 2" % rc)

    if failures:
        print("\n".join(failures))
        print("selftest FAILED (shots in %s)" % tmp)
        return 1
    print("selftest: checker passes the good shot and reports all %d planted violations"
          % len(expect))
    return 0


if __name__ == "__main__":
    sys.exit(main())
