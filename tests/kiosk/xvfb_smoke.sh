#!/bin/sh
# Xvfb smoke test: trygg-kiosk in a real X11 window (SDL x11 driver, software
# renderer), a tap with xdotool, screenshots with ImageMagick import. The
# window must show the same pixels as the headless script mode: first the
# home screen, after the tap the concern category screen, after keypad 2 the
# focus ring on the first choice, after keypad 5 the area screen.
# usage: xvfb_smoke.sh KIOSK
set -u
KIOSK=$1
T=$(mktemp -d)
XPID=""
KPID=""
cleanup() {
    [ -n "$KPID" ] && kill "$KPID" 2>/dev/null
    [ -n "$XPID" ] && kill "$XPID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$T/kiosk.log" ] && tail -20 "$T/kiosk.log"; exit 1; }
for tool in Xvfb xdotool import compare; do
    command -v $tool >/dev/null || fail "$tool not installed"
done

echo t > "$T/token"
cat > "$T/kiosk.ini" <<INI
[kiosk]
kiosk_id = xvfb
server_url = http://127.0.0.1:9
token_file = $T/token
data_dir = $T/data
[timing]
retry_min_ms = 60000
[display]
width = 1920
height = 1080
fullscreen = yes
INI

# Reference frames from the headless path.
printf 'shot home\ntap #home.concern\nshot category\nkey Keypad 2\nshot focus\nkey Keypad 5\nshot area\n' \
    > "$T/ref.txt"
mkdir -p "$T/ref"
SDL_VIDEODRIVER=dummy "$KIOSK" -c "$T/kiosk.ini" --script "$T/ref.txt" --shots "$T/ref" \
    2>"$T/ref.log" || fail "headless reference run"
# Centre of the concern tile, from the layout description.
XY=$(python3 -c "
import json,sys
d=json.load(open('$T/ref/home.json'))
e=[e for e in d['elements'] if e['id']=='home.concern'][0]
print(e['x']+e['w']//2, e['y']+e['h']//2)")

Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp -noreset 3>"$T/display" \
    2>"$T/xvfb.log" &
XPID=$!
i=0
while [ ! -s "$T/display" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/display" ] || fail "Xvfb did not start"
export DISPLAY=":$(cat "$T/display")"

SDL_VIDEODRIVER=x11 SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0 \
    "$KIOSK" -c "$T/kiosk.ini" >"$T/kiosk.log" 2>&1 &
KPID=$!
i=0
while ! xdotool search --name '^Trygg$' >/dev/null 2>&1; do
    sleep 0.2
    i=$((i + 1))
    [ $i -lt 75 ] || fail "no kiosk window"
done
sleep 1.5

# Full screen without waiting for a window manager (issue 16): a borderless
# window of the display's size at its position, above the others, and the
# voice opened only once the first frame is on screen.
WID=$(xdotool search --name '^Trygg$' | head -1)
geo=$(xwininfo -id "$WID" | awk '/Absolute upper-left X/{x=$NF} /Absolute upper-left Y/{y=$NF}
    /^ *Width/{w=$NF} /^ *Height/{h=$NF} END{print x, y, w, h}')
[ "$geo" = "0 0 1920 1080" ] || fail "window at $geo, not the whole display"
xprop -id "$WID" _NET_WM_STATE | grep -q _NET_WM_STATE_ABOVE || fail "window not kept above"
# no decorations: SDL sets _MOTIF_WM_HINTS when a window manager made that
# atom, else (a bare X server) marks the window transient for the root
xprop -id "$WID" _MOTIF_WM_HINTS WM_TRANSIENT_FOR |
    grep -Eq '= 0x2, 0x0, 0x0|window id # 0x' || fail "window has decorations"
grep -n "first frame on screen\|voice ready\|voice not available" "$T/kiosk.log" | head -2 >"$T/order"
head -1 "$T/order" | grep -q "first frame on screen" || fail "the voice opened before the first frame"
[ "$(wc -l <"$T/order")" -eq 2 ] || fail "the voice was not opened after the first frame"

same() { # png png: fewer than 0.5 % of the pixels differ
    # (ImageMagick prints large counts as 1.04266e+06: awk reads them whole)
    n=$(compare -metric AE "$1" "$2" null: 2>&1 | awk '{printf "%d", $1}')
    echo "  $(basename "$1") vs $(basename "$2"): $n pixels differ"
    [ "${n%.*}" -lt 10368 ]
}
import -window root "$T/before.png" || fail "import"
same "$T/before.png" "$T/ref/home.png" || fail "window does not show the home screen"

# shellcheck disable=SC2086
xdotool mousemove $XY click 1
sleep 1.5
import -window root "$T/after.png" || fail "import"
same "$T/after.png" "$T/ref/category.png" || fail "the tap did not open the category screen"
same "$T/after.png" "$T/before.png" && fail "screen did not change"

# The keypad in the real window (issue 16): down draws the focus ring on the
# first choice, select takes it.
xdotool key KP_2
sleep 1.5
import -window root "$T/focus.png" || fail "import"
same "$T/focus.png" "$T/ref/focus.png" || fail "keypad 2 did not move the focus ring"
n=$(compare -metric AE "$T/focus.png" "$T/after.png" null: 2>&1 | cut -d' ' -f1)
[ "${n%.*}" -gt 5000 ] || fail "no focus ring drawn ($n pixels changed)"
xdotool key KP_5
sleep 1.5
import -window root "$T/area.png" || fail "import"
same "$T/area.png" "$T/ref/area.png" || fail "keypad 5 did not choose"

kill -TERM "$KPID"
wait "$KPID"
rc=$?
KPID=""
[ $rc -eq 0 ] || fail "kiosk exited with $rc on SIGTERM"
echo "xvfb_smoke: ok"
