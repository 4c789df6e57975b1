#!/usr/bin/env bash
# it_http_edge.sh — the real trygg-server facing the internet: smuggling-shaped
# requests, field limits, 100 Continue, anonymous intake limits, and a bounded
# slowloris attack on loopback while a kiosk submits and a staff page loads
# (http_edge.py).
# usage: it_http_edge.sh TRYGG_SERVER TRYGGCTL
set -euo pipefail
SERVER="$1"
CTL="$2"
ASSETS="${TRYGG_ASSETS:?TRYGG_ASSETS must point at assets/}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/lib_it.sh"

it_setup edge
it_data 's|^header_deadline = .*|header_deadline = 3|'
TOKEN="$("$CTL" -d "$D" kiosk add edge-kiosk --name "Edge" --area centrum)"
it_start
python3 "$HERE/http_edge.py" "$PORT" "$TOKEN" 3 || fail "http_edge.py"
kill -0 "$PID" || fail "the server died"
echo "it_http_edge: ok"
