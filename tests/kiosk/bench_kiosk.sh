#!/bin/sh
# The kiosk's four figures (issue 16) in a real X11 window under Xvfb, each
# with the figure before the work on issue 16 beside it. Not a test: the
# figures depend on the machine (docs/kiosk.md, "Performance").
# usage: bench_kiosk.sh BUILD_DIR [IDLE_SECONDS]
#   BUILD_DIR has kiosk/trygg-kiosk and kiosk/bench_kiosk (-DTRYGG_BENCH=ON
#   or -DTRYGG_KIOSK_BENCH=ON); IDLE_SECONDS (default 60) for bench_idle.sh.
set -u
B=$1
SECS=${2:-60}
KIOSK=$B/kiosk/trygg-kiosk
BENCH=$B/kiosk/bench_kiosk
HERE=$(cd "$(dirname "$0")" && pwd)
export TRYGG_ASSETS="${TRYGG_ASSETS:-$HERE/../../assets}"
for f in "$KIOSK" "$BENCH"; do [ -x "$f" ] || { echo "bench_kiosk.sh: no $f"; exit 1; }; done
command -v Xvfb >/dev/null || { echo "bench_kiosk.sh: Xvfb not installed"; exit 1; }
T=$(mktemp -d)
XPID=""
stop_x() { [ -n "$XPID" ] && kill "$XPID" 2>/dev/null && wait "$XPID" 2>/dev/null; XPID=""; }
trap 'stop_x; rm -rf "$T"' EXIT
start_x() { # W H: a fresh Xvfb of that size; sets DISPLAY
    stop_x
    rm -f "$T/display"
    Xvfb -displayfd 3 -screen 0 "${1}x${2}x24" -nolisten tcp 3>"$T/display" 2>/dev/null &
    XPID=$!
    i=0
    while [ ! -s "$T/display" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    export DISPLAY=":$(cat "$T/display")"
}
echo t > "$T/token"
cat > "$T/kiosk.ini" <<INI
[kiosk]
token_file = $T/token
data_dir = $T/data
server_url = http://127.0.0.1:9
[timing]
retry_min_ms = 60000
[display]
width = 1920
height = 1080
fullscreen = yes
INI
# The real window as a kiosk runs it: SDL's x11 driver, SDL's defaults for the
# renderer, and a sound device (SDL's dummy audio driver stands in for one).
unset SDL_RENDER_DRIVER SDL_FRAMEBUFFER_ACCELERATION
export SDL_VIDEODRIVER=x11 SDL_AUDIODRIVER=dummy

# The home screen as the script mode draws it: what the window must show.
printf 'shot home\n' > "$T/ref.txt"
SDL_VIDEODRIVER=dummy "$KIOSK" -c "$T/kiosk.ini" --script "$T/ref.txt" --shots "$T" \
    2>/dev/null || { echo "bench_kiosk.sh: headless reference failed"; exit 1; }

echo "== first frame (previous: 441 ms; goal < 150 ms)"
start_x 1920 1080
for i in 1 2 3 4 5; do
    rm -rf "$T/data"
    "$BENCH" first-frame "$T/home.png" "$KIOSK" -c "$T/kiosk.ini" 2>/dev/null ||
        echo "first frame: run $i failed"
    sleep 1
done | tee "$T/ff.txt"
echo "== frame time, every screen, 1920x1080 (previous: ui_draw p99 18-33 ms; goal p99 < 8 ms)"
"$BENCH" frames 1920 1080 2>/dev/null
echo "== RSS over an accelerated hour (previous: 139 MB fresh, 238 MB after 40 minutes; goal < 100 MB)"
"$BENCH" hour 2>/dev/null
echo "== frame time, every screen, 3840x2160 (previous: ui_draw p99 18-33 ms; goal p99 < 16 ms)"
start_x 3840 2160
"$BENCH" frames 3840 2160 2>/dev/null
stop_x
echo "== idle wake-ups with a sound device (previous: 653 per minute; goal 0)"
sh "$HERE/bench_idle.sh" "$KIOSK" "$SECS"
