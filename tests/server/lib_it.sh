# lib_it.sh — sourced by the shell integration tests tests/server/it_*.sh,
# which run the real trygg-server on a data directory made by the real
# tryggctl. Set SERVER, CTL and ASSETS first.
#   it_setup NAME            D = a new temporary directory (removed on exit,
#                            with the server stopped); fail MESSAGE
#   it_data [SED-SCRIPT]     tryggctl init in $D, the gateway's secret number
#                            key moved out of keys/ (the server refuses to run
#                            while it can read it), $D/server.ini from the
#                            shipped one (@DATA@, @PORT@ = 0, then SED-SCRIPT),
#                            routing.ini copied
#   it_start                 starts the server on $D/server.ini (log $D/log);
#                            PID and PORT set, fails if it does not listen
PID=""
fail() { echo "FAIL: $*" >&2; exit 1; }
it_cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; rm -rf "$D"; }

it_setup() {
    D="$(mktemp -d "${TMPDIR:-/tmp}/trygg-$1-XXXXXX")"
    trap it_cleanup EXIT
}

it_data() {
    "$CTL" -d "$D" init >/dev/null
    mv "$D/keys/number.key" "$D/gateway-number.key" # the gateway's, never the server's
    sed "s|@DATA@|$D|g; s|@PORT@|0|g; ${1:-}" "$ASSETS/config/server.ini" > "$D/server.ini"
    cp "$ASSETS/config/routing.ini" "$D/routing.ini"
}

it_start() {
    # The log exists before the server does: on a loaded machine the first
    # look below can come before the background shell has opened it, and a
    # failing sed ends the test under `set -e -o pipefail`.
    : > "$D/log"
    "$SERVER" -c "$D/server.ini" 2>> "$D/log" &
    PID=$!
    PORT=""
    for _ in $(seq 1 100); do
        PORT="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$D/log" | head -1)"
        [ -n "$PORT" ] && break
        sleep 0.1
    done
    [ -n "$PORT" ] || { cat "$D/log"; fail "server did not start"; }
}
