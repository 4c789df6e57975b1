#!/usr/bin/env bash
# pg_forward_wake.sh — on PostgreSQL a new forward wakes the forward worker
# at once (LISTEN/NOTIFY, trygg_store_outbox_wait) instead of waiting for
# its poll: with [forward] poll = 60, a kiosk's item routed to a destination
# with an e-mail address is in the SMTP server's mailbox (python3 -m
# aiosmtpd, as tests/server/test_forward.c) within 10 s, long before the
# worker's next poll would have run. Two servers on the database: the item
# is submitted to one, either may send it, the mail comes once.
# usage: pg_forward_wake.sh TRYGG_SERVER TRYGGCTL
set -euo pipefail
SERVER="$1"
CTL="$2"
ASSETS="${TRYGG_ASSETS:?TRYGG_ASSETS must point at assets/}"
ADMIN="${TRYGG_TEST_PG:?TRYGG_TEST_PG must name the test cluster}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
. "$(dirname "${BASH_SOURCE[0]}")/lib_it.sh"
it_setup pgwake
DB="trygg_wake_$$"
psql -q "$ADMIN" -c "CREATE DATABASE $DB" >/dev/null
PIDS=()
cleanup_wake() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    it_cleanup
}
trap cleanup_wake EXIT
URL="postgresql:///${DB}?${ADMIN#*\?}"
export TRYGG_DATABASE="$URL"
"$CTL" -d "$D" init > /dev/null
mv "$D/keys/number.key" "$D/gateway-number.key"
TOKEN="$("$CTL" -d "$D" kiosk add wake-kiosk --name "Wake" --area centrum 2>/dev/null)"
SMTP="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
awk -v u="$URL" -v d="$D" -v smtp="smtp://127.0.0.1:$SMTP" '
    /^\[/ { section = $0 }
    { if ($0 ~ /^; database = /) print "database = " u;
      else if (section == "[smtp]" && $0 ~ /^url =/) print "url = " smtp;
      else if (section == "[smtp]" && $0 ~ /^starttls =/) print "starttls = no";
      else if (section == "[forward]" && $0 ~ /^poll =/) print "poll = 60";
      else { gsub(/@DATA@/, d); gsub(/@PORT@/, "0"); print } }' \
    "$ASSETS/config/server.ini" > "$D/server.ini"
grep -q "^poll = 60" "$D/server.ini" || fail "server.ini has no [forward] poll"
sed '/^\[destination /a email = forward@kommun.example' "$ASSETS/config/routing.ini" > "$D/routing.ini"


"$PY" -m aiosmtpd -n -l "127.0.0.1:$SMTP" -c aiosmtpd.handlers.Mailbox "$D/mail" &
PIDS+=("$!")
start() { # start NAME: the server's port into PORT_<NAME>
    : > "$D/$1.log"
    "$SERVER" -c "$D/server.ini" 2>> "$D/$1.log" &
    PIDS+=("$!")
    local port=""
    for _ in $(seq 1 100); do
        port="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$D/$1.log" | head -1)"
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$D/$1.log"; fail "server $1 did not start"; }
    eval "PORT_$1=$port"
}
start A
start B
# Both workers have made their first run and now wait (60 s poll).
sleep 3
mails() { find "$D/mail/new" -type f 2>/dev/null | wc -l; }
[ "$(mails)" = 0 ] || fail "mail before any submission"
body='{"uuid":"wake-0001","kind":"fault","category":"stairwell","area":"centrum","text":"Trasig lampa i trapphuset"}'
t0=$(date +%s.%N)
code="$(curl -s -o "$D/s.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary "$body" "http://127.0.0.1:$PORT_A/api/v1/submissions")"
case "$code" in 200 | 201) ;; *) fail "submit: $code $(cat "$D/s.json")" ;; esac
for _ in $(seq 1 100); do
    [ "$(mails)" != 0 ] && break
    sleep 0.1
done
t1=$(date +%s.%N)
n="$(mails)"
[ "$n" != 0 ] || { cat "$D/A.log" "$D/B.log"; fail "no forward within 10 s (poll = 60 s): the worker was not woken"; }
sleep 2
[ "$(mails)" = 1 ] || fail "the forward was sent $(mails) times"
grep -q "forward@kommun.example" "$D"/mail/new/* || fail "the mail is not to the destination"
echo "ok   PostgreSQL: a new forward was sent after $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s (poll interval 60 s)"
