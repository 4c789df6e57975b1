#!/usr/bin/env bash
# it_open311.sh — the Open311 GeoReport v2 conformance run: the real
# trygg-server binary (data directory made by the real tryggctl, an Open311
# key required) and tests/server/open311/conformance.py, a client written
# from the specification, over every resource in XML and JSON.
# usage: it_open311.sh TRYGG_SERVER TRYGGCTL
set -euo pipefail
SERVER="$1"
CTL="$2"
ASSETS="${TRYGG_ASSETS:?TRYGG_ASSETS must point at assets/}"
HERE="$(cd "$(dirname "$0")" && pwd)"
D="$(mktemp -d "${TMPDIR:-/tmp}/trygg-o311-XXXXXX")"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

KEY="conformance-key-0123456789"
"$CTL" -d "$D" init >/dev/null
mv "$D/keys/number.key" "$D/gateway-number.key" # the gateway's, never the server's
# No public_url: discovery then names the address the client used.
sed "s|@DATA@|$D|g; s|@PORT@|0|g; s|^public_url = .*|public_url =|; \
     s|^api_keys =.*|api_keys = $KEY|; s|^require_key = .*|require_key = yes|" \
    "$ASSETS/config/server.ini" > "$D/server.ini"
cp "$ASSETS/config/routing.ini" "$D/routing.ini"

"$SERVER" -c "$D/server.ini" 2> "$D/log" &
PID=$!
PORT=""
for _ in $(seq 1 100); do
    PORT="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$D/log" | head -1)"
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { cat "$D/log"; fail "server did not start"; }

python3 "$HERE/open311/conformance.py" "http://127.0.0.1:$PORT/open311/discovery" "$KEY" \
    "$HERE/open311" || { tail -20 "$D/log"; fail "Open311 conformance"; }

kill -TERM "$PID"
wait "$PID" || fail "server exit code after SIGTERM"
PID=""
echo "it_open311: ok"
