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
. "$HERE/lib_it.sh"

KEY="conformance-key-0123456789"
it_setup o311
# No public_url: discovery then names the address the client used.
it_data "s|^public_url = .*|public_url =|; s|^api_keys =.*|api_keys = $KEY|; \
         s|^require_key = .*|require_key = yes|"
it_start

python3 "$HERE/open311/conformance.py" "http://127.0.0.1:$PORT/open311/discovery" "$KEY" \
    "$HERE/open311" || { tail -20 "$D/log"; fail "Open311 conformance"; }

kill -TERM "$PID"
wait "$PID" || fail "server exit code after SIGTERM"
PID=""
echo "it_open311: ok"
