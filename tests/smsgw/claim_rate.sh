#!/usr/bin/env bash
# claim_rate.sh — how many claims an idle gateway makes (issue 17, the reply
# fetch's long poll; not a test): the real trygg-server and trygg-smsgw on
# the dummy phone, nothing to send, for SECONDS; prints the claims the
# server answered (its /metrics). WAIT is smsgw.ini [server] wait: 25 (the
# default, a long poll) or 0 (the loop claims every round, as before).
# Usage: tests/smsgw/claim_rate.sh BUILD-DIR WAIT SECONDS
set -euo pipefail
B=$(cd "$1" && pwd) WAIT=$2 SECS=$3
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SERVER=$B/server/trygg-server CTL=$B/shared/tryggctl/tryggctl ASSETS=$SRC/assets
. "$SRC/tests/server/lib_it.sh"
it_setup claimrate
GP=
trap '[ -n "$GP" ] && kill "$GP" 2>/dev/null; it_cleanup' EXIT
it_data
it_start
G=$D/gateway-host
mkdir -p "$G/keys"
cp "$D/keys/pseudonym.key" "$G/keys/"
mv "$D/gateway-number.key" "$G/keys/number.key"
chmod 600 "$G/keys/"*
"$CTL" -d "$D" gateway add gw-1 > "$G/token" 2>/dev/null
sed "s|@DATA@|$G|g; s|@PORT@|$PORT|g; s|^wait = .*|wait = $WAIT|" "$ASSETS/config/smsgw.ini" > "$G/smsgw.ini"
"$B/smsgw/trygg-smsgw" -c "$G/smsgw.ini" 2> "$G/log" &
GP=$!
sleep "$SECS"
n="$(curl -s "http://127.0.0.1:$PORT/metrics" |
    sed -n 's/^trygg_http_route_requests_total{route="\/api\/v1\/gateway\/claim",method="POST",code="2xx"} //p')"
echo "wait = $WAIT: ${n:-0} claims in $SECS s from an idle gateway"
