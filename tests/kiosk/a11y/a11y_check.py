#!/usr/bin/env python3
"""Contrast and target-size check over kiosk screenshots (WCAG 2.2, EN 301 549).

For every NAME.png with a NAME.json (written by `trygg-kiosk --script ... --shots DIR`):

- text elements: the contrast is MEASURED in the PNG. Background = the most
  frequent colour in the element's box; foreground = the colour in the box with
  the highest contrast to it (the core of the glyphs). Required: 4.5:1, or 3:1
  for large text (>= 24 px, or >= 18.66 px bold) — WCAG 2.2 SC 1.4.3.
- button/key elements: the target must be at least 44 px in both dimensions
  (WCAG 2.2 SC 2.5.5) and at least 15 mm on the panel (the JSON's "dpi", else
  --dpi, default 92 = a 24-inch 1920x1080 panel, where 15 mm = 55 px). The
  button's edge must contrast 3:1 with its surroundings (SC 1.4.11): the
  surroundings are the most frequent colour in a 4 px ring just outside the
  box, the edge is the colour, among those covering at least 20 % of a 4 px
  band just inside the box, with the highest contrast to the surroundings.
  The label inside (8 px in from the edge) is measured like a text element.
- qr elements: dark and light modules at least 3:1 apart.

Every element must lie inside the screenshot (a control cut off by the edge of
the panel is a violation). Coordinates are in the JSON's logical width x height; if the PNG has another
size they are scaled. Prints one line per violation and exits 1 if there is
any, 2 if the directory holds no shots or a shot is unreadable, 0 otherwise.

usage: a11y_check.py [--dpi N] [--min-mm MM] [--quiet] DIR [DIR...]
"""
import argparse
import glob
import json
import math
import os
import sys

from PIL import Image

MIN_PX = 44
EDGE = 4  # px: width of the bands inside and outside a button's box
LABEL_INSET = 8  # px: a button's label is measured this far inside its border


def srgb_lin(c):
    c = c / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb):
    r, g, b = rgb[:3]
    return 0.2126 * srgb_lin(r) + 0.7152 * srgb_lin(g) + 0.0722 * srgb_lin(b)


def contrast(a, b):
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def hexc(rgb):
    return "#%02x%02x%02x" % tuple(rgb[:3])


def colours(img, box):
    """(count, rgb) list for the pixels of box (clipped), most frequent first."""
    x0, y0, x1, y1 = box
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(img.width, x1), min(img.height, y1)
    if x1 <= x0 or y1 <= y0:
        return []
    cs = img.crop((x0, y0, x1, y1)).getcolors(maxcolors=(x1 - x0) * (y1 - y0) + 1)
    return sorted(cs, key=lambda c: -c[0])


def merge(*lists):
    acc = {}
    for lst in lists:
        for n, c in lst:
            acc[c] = acc.get(c, 0) + n
    return sorted(((n, c) for c, n in acc.items()), key=lambda c: -c[0])


def ring(img, x, y, w, h, outside):
    """Colours of a band EDGE px wide just outside (or inside) the box."""
    if outside:
        X0, Y0, X1, Y1 = x - EDGE, y - EDGE, x + w + EDGE, y + h + EDGE
        ix0, iy0, ix1, iy1 = x, y, x + w, y + h
    else:
        X0, Y0, X1, Y1 = x, y, x + w, y + h
        ix0, iy0, ix1, iy1 = x + EDGE, y + EDGE, x + w - EDGE, y + h - EDGE
    return merge(
        colours(img, (X0, Y0, X1, iy0)),  # top
        colours(img, (X0, iy1, X1, Y1)),  # bottom
        colours(img, (X0, iy0, ix0, iy1)),  # left
        colours(img, (ix1, iy0, X1, iy1)),  # right
    )


def is_large(el):
    px = float(el.get("px") or 0)
    return px >= 24 or (el.get("bold") and px >= 18.66)


def check_text(img, el, box):
    cs = colours(img, box)
    if not cs:
        return "outside the screenshot"
    bg = cs[0][1]
    fg = max(cs, key=lambda c: contrast(c[1], bg))[1]
    ratio = contrast(fg, bg)
    need = 3.0 if is_large(el) else 4.5
    if len(cs) == 1:
        return "no text pixels in its box (background %s)" % hexc(bg)
    if ratio + 1e-9 < need:
        return "text contrast %.2f:1 < %.1f:1 (measured fg %s on bg %s, %s px%s)" % (
            ratio, need, hexc(fg), hexc(bg), el.get("px"), " bold" if el.get("bold") else "")
    return None


def check_target(img, el, box, min_px):
    out = []
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if w < min_px or h < min_px:
        out.append("target %dx%d px < %dx%d px" % (w, h, min_px, min_px))
    around = ring(img, x0, y0, w, h, True)
    inner = ring(img, x0, y0, w, h, False)
    if not around or not inner:
        return out
    sur = around[0][1]
    total = sum(n for n, _ in inner)
    cands = [c for n, c in inner if n >= 0.2 * total] or [inner[0][1]]
    edge = max(cands, key=lambda c: contrast(c, sur))
    ratio = contrast(edge, sur)
    if ratio + 1e-9 < 3.0:
        out.append("edge contrast %.2f:1 < 3:1 (edge %s against surroundings %s)" % (
            ratio, hexc(edge), hexc(sur)))
    return out


def check_qr(img, el, box):
    cs = colours(img, box)
    if len(cs) < 2:
        return "QR code has a single colour"
    light = max(cs, key=lambda c: luminance(c[1]))[1]
    dark = min(cs, key=lambda c: luminance(c[1]))[1]
    if contrast(light, dark) < 3.0:
        return "QR contrast %.2f:1 < 3:1" % contrast(light, dark)
    return None


def check_shot(png, js, args):
    """Returns (violations, number of elements checked)."""
    with open(js, encoding="utf-8") as f:
        meta = json.load(f)
    img = Image.open(png).convert("RGB")
    sx = img.width / float(meta.get("width") or img.width)
    sy = img.height / float(meta.get("height") or img.height)
    dpi = float(meta.get("dpi") or args.dpi)
    # The physical size: screenshot px are panel px when the JSON has no scale.
    min_px = max(MIN_PX, math.ceil(args.min_mm / 25.4 * dpi))
    name = os.path.basename(png)
    where = "%s [%s/%s]" % (name, meta.get("screen", "?"), meta.get("lang", "?"))
    out, n = [], 0
    for el in meta.get("elements", []):
        box = (round(el["x"] * sx), round(el["y"] * sy),
               round((el["x"] + el["w"]) * sx), round((el["y"] + el["h"]) * sy))
        what = "%s %s %r" % (el.get("kind"), el.get("id", ""), el.get("label", "")[:40])
        kind = el.get("kind")
        probs = []
        if box[0] < 0 or box[1] < 0 or box[2] > img.width or box[3] > img.height:
            n += 1
            out.append("%s: %s: partly outside the screen (%d,%d)-(%d,%d) on %dx%d" % (
                where, what, box[0], box[1], box[2], box[3], img.width, img.height))
            continue
        if kind == "text":
            p = check_text(img, el, box)
            probs = [p] if p else []
        elif kind in ("button", "key"):
            probs = check_target(img, el, box, min_px)
            if el.get("label", "").strip():
                # The label inside the button, away from its border.
                inner = (box[0] + LABEL_INSET, box[1] + LABEL_INSET,
                         box[2] - LABEL_INSET, box[3] - LABEL_INSET)
                p = check_text(img, el, inner)
                if p:
                    probs.append("label " + p)
        elif kind == "qr":
            p = check_qr(img, el, box)
            probs = [p] if p else []
        else:
            continue
        n += 1
        out += ["%s: %s: %s" % (where, what, p) for p in probs]
    return out, n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dpi", type=float, default=92.0,
                    help="panel density when the JSON has none (default 92: 24-inch 1920x1080)")
    ap.add_argument("--min-mm", type=float, default=15.0, help="minimum target size in mm")
    ap.add_argument("--quiet", action="store_true", help="only print violations")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    shots = []
    for d in args.dirs:
        for png in sorted(glob.glob(os.path.join(d, "*.png"))):
            js = png[:-4] + ".json"
            if os.path.exists(js):
                shots.append((png, js))
    if not shots:
        print("a11y_check: no NAME.png + NAME.json pairs in %s" % " ".join(args.dirs))
        return 2
    bad, total = [], 0
    for png, js in shots:
        try:
            v, n = check_shot(png, js, args)
        except (OSError, ValueError, KeyError) as e:
            print("%s: cannot check: %s" % (png, e))
            return 2
        bad += v
        total += n
    for line in bad:
        print(line)
    if not args.quiet or bad:
        print("a11y_check: %d shots, %d elements, %d violations" % (len(shots), total, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
