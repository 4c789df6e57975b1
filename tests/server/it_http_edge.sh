#!/usr/bin/env bash
# it_http_edge.sh — the real trygg-server facing the internet: smuggling-shaped
# requests, field limits, 100 Continue, and a bounded slowloris attack on
# loopback while a kiosk submits and a staff page loads (http_edge.py).
# usage: it_http_edge.sh TRYGG_SERVER TRYGGCTL
set -euo pipefail
SERVER="$1"
CTL="$2"
ASSETS="${TRYGG_ASSETS:?TRYGG_ASSETS must point at assets/}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
D="$(mktemp -d "${TMPDIR:-/tmp}/trygg-edge-XXXXXX")"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$CTL" -d "$D" init >/dev/null
mv "$D/keys/number.key" "$D/gateway-number.key" # the gateway's, never the server's
sed "s|@DATA@|$D|g; s|@PORT@|0|g; s|^header_deadline = .*|header_deadline = 3|" \
    "$ASSETS/config/server.ini" > "$D/server.ini"
cp "$ASSETS/config/routing.ini" "$D/routing.ini"
TOKEN="$("$CTL" -d "$D" kiosk add edge-kiosk --name "Edge" --area centrum)"
"$SERVER" -c "$D/server.ini" 2> "$D/log" &
PID=$!
PORT=""
for _ in $(seq 1 100); do
    PORT="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$D/log" | head -1)"
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { cat "$D/log"; fail "server did not start"; }
python3 "$HERE/http_edge.py" "$PORT" "$TOKEN" 3 || fail "http_edge.py"
kill -0 "$PID" || fail "the server died"
echo "it_http_edge: ok"
