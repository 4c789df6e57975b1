#!/bin/sh
# Wake-ups per idle minute of trygg-kiosk in a real X11 window (Xvfb),
# counted as context switches of all its threads over SECONDS (default 60).
# usage: bench_idle.sh KIOSK [SECONDS]
# BENCH_HEARTBEAT_S=N sets the kiosk's heartbeat_s (default: the shipped 60).
set -u
KIOSK=$1
SECS=${2:-60}
T=$(mktemp -d)
trap 'kill $KPID $XPID 2>/dev/null; rm -rf "$T"' EXIT
echo t > "$T/token"
printf '[kiosk]\ntoken_file = %s/token\ndata_dir = %s/data\nserver_url = http://127.0.0.1:9\n[timing]\nretry_min_ms = 60000\n' "$T" "$T" > "$T/kiosk.ini"
[ -n "${BENCH_HEARTBEAT_S:-}" ] && printf 'heartbeat_s = %s\n' "$BENCH_HEARTBEAT_S" >> "$T/kiosk.ini"
Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3>"$T/display" 2>/dev/null &
XPID=$!
while [ ! -s "$T/display" ]; do sleep 0.1; done
DISPLAY=":$(cat "$T/display")" SDL_VIDEODRIVER=x11 SDL_RENDER_DRIVER=software \
    SDL_FRAMEBUFFER_ACCELERATION=0 "$KIOSK" -c "$T/kiosk.ini" 2>/dev/null &
KPID=$!
sleep 5
count() {
    s=0
    for f in /proc/$KPID/task/*/status; do
        n=$(awk '/ctxt_switches/ {s += $2} END {print s}' "$f")
        s=$((s + n))
    done
    echo $s
}
a=$(count)
sleep "$SECS"
b=$(count)
echo "kiosk idle wake-ups: $((b - a)) in ${SECS} s ($(( (b - a) * 60 / SECS )) per minute, all threads, home screen, server unreachable, heartbeat_s ${BENCH_HEARTBEAT_S:-60})"
