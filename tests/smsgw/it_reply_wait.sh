#!/usr/bin/env bash
# it_reply_wait.sh — a staff reply reaches the modem at once (issue 17: the
# gateway's reply fetch is a long poll, docs/gateway-protocol.md "/claim"
# `wait`), not at the next poll: the real trygg-server with [sms]
# reply_poll = 60 and the real trygg-smsgw on the Gammu dummy phone with
# poll_interval = 60, so neither side's timer can explain a fast delivery. A
# texter's message is answered (the gateway's first round), then a security
# user logs in (password and two-factor code) and replies on the item page:
# the reply must be sent on the dummy phone within 15 s, far below
# the 60 s either poll would take.
# With TRYGG_TEST_PG (the ctest fixture `pg`): two servers A and B on one
# PostgreSQL database, the gateway a client of A and the reply written on
# B: B's enqueue NOTIFYs, A's waiting claim wakes (LISTEN). Without: SQLite,
# one server (the enqueue's commit wakes the claim in-process).
# Usage: it_reply_wait.sh TRYGG-SMSGW SOURCE-DIR PYTHON3 TRYGGCTL TRYGG-SERVER
set -euo pipefail
BIN=$1 SRC=$2 PY=$3 CTL=$4 SERVER=$5
ASSETS=$SRC/assets
export LC_ALL=C LANG=C
. "$SRC/tests/server/lib_it.sh"
it_setup replywait # D: the server's data directory
G=$D/gateway-host
GPID= PIDS=() DB=
PG="${TRYGG_TEST_PG:-}"
stop_all() {
    [ -n "$GPID" ] && kill -9 "$GPID" 2>/dev/null
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -n "$DB" ] && psql -q "$PG" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
    it_cleanup
}
trap stop_all EXIT
fail() {
    echo "FAIL: $*" >&2
    echo "--- gateway log" >&2; tail -30 "$G/log" >&2 2>/dev/null || true
    qg "select id, state, text from sendq" >&2 || true
    for l in "$D"/*.log; do echo "--- $l" >&2; tail -20 "$l" >&2; done
    exit 1
}
fake() { "$PY" "$SRC/tools/fake-sms" "$@" >/dev/null; }
qg() { sqlite3 "$G/smsgw.db" "$1"; }
# SMS the dummy phone took for sending (it keeps no copy: the gateway's
# send queue says which it accepted).
sent() { qg "select count(*) from sendq where state='sent'" 2>/dev/null || echo 0; }

MODE="SQLite"
if [ -n "$PG" ]; then
    MODE="PostgreSQL, written on server B, the gateway waiting on A"
    DB="trygg_rw_$$"
    psql -q "$PG" -c "CREATE DATABASE $DB" >/dev/null
    URL="postgresql:///${DB}?${PG#*\?}"
    export TRYGG_DATABASE="$URL"
    it_data "s/^reply_poll = .*/reply_poll = 60/"
    awk -v u="$URL" '{ if ($0 ~ /^; database = /) print "database = " u; else print }' \
        "$D/server.ini" > "$D/server.ini.new"
    mv "$D/server.ini.new" "$D/server.ini"
    grep -q "^database = postgresql" "$D/server.ini" || fail "server.ini has no database line"
else
    it_data "s/^reply_poll = .*/reply_poll = 60/"
fi
grep -q "^reply_poll = 60" "$D/server.ini" || fail "server.ini has no [sms] reply_poll"
echo 'correct horse battery staple' |
    "$CTL" -d "$D" user add sara --role security --password-stdin >/dev/null

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
    [ -n "$port" ] || fail "server $1 did not start"
    eval "PORT_$1=$port"
}
start A
STAFF=$PORT_A
if [ -n "$PG" ]; then
    start B
    STAFF=$PORT_B # the reply is written on the other server
fi

mkdir -p "$G/keys"
cp "$D/keys/pseudonym.key" "$G/keys/pseudonym.key"
mv "$D/gateway-number.key" "$G/keys/number.key"
chmod 600 "$G/keys/"*
"$CTL" -d "$D" gateway add gw-1 > "$G/token" 2>/dev/null
sed "s|@DATA@|$G|g; s|@PORT@|$PORT_A|g; s|^poll_interval = .*|poll_interval = 60|" \
    "$ASSETS/config/smsgw.ini" > "$G/smsgw.ini"
grep -q "^poll_interval = 60" "$G/smsgw.ini" || fail "smsgw.ini has no poll_interval"
grep -q "^wait = 25" "$G/smsgw.ini" || fail "smsgw.ini has no [server] wait"
# The texter's message is on the phone before the gateway starts: its first
# round reads it, uploads it and sends the receipt; then it sleeps 60 s.
fake "$G/modem" +46701230001 "Trasig lampa i trappan vid skolan"
"$BIN" -c "$G/smsgw.ini" 2>> "$G/log" &
GPID=$!
for _ in $(seq 1 150); do [ "$(sent)" = 1 ] && break; sleep 0.2; done
[ "$(sent)" = 1 ] || fail "the receipt was not sent"
grep -q "holds a claim until a reply comes" "$G/log" || fail "the gateway does not long-poll"

# Staff: password, then two-factor enrolment with the code of the shown secret.
B="http://127.0.0.1:$STAFF" J="$D/jar"
curl -s -c "$J" -o "$D/login.html" "$B/login"
LT="$(sed -n 's/.*name="login_token" value="\([^"]*\)".*/\1/p' "$D/login.html" | head -1)"
code="$(curl -s -b "$J" -c "$J" -o /dev/null -w '%{http_code}' --data-urlencode "login_token=$LT" \
    --data-urlencode username=sara --data-urlencode 'password=correct horse battery staple' \
    "$B/login")"
[ "$code" = 303 ] || fail "login answered $code"
curl -s -b "$J" -c "$J" -o "$D/enrol.html" "$B/login/enrol"
SECRET="$(sed -n 's/.*id="totp-secret">\([^<]*\)<.*/\1/p' "$D/enrol.html" | tr -d ' ')"
CSRF="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$D/enrol.html" | head -1)"
[ -n "$SECRET" ] && [ -n "$CSRF" ] || fail "no enrolment secret or csrf"
TOTP="$("$PY" -c '
import base64, hmac, struct, sys, time
k = base64.b32decode(sys.argv[1] + "=" * (-len(sys.argv[1]) % 8))
h = hmac.new(k, struct.pack(">Q", int(time.time()) // 30), "sha1").digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))' "$SECRET")"
code="$(curl -s -b "$J" -c "$J" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF" \
    --data-urlencode "code=$TOTP" "$B/login/enrol")"
[ "$code" = 200 ] || fail "enrolment answered $code"
ITEM="$(curl -s -b "$J" "$B/queue" | sed -n 's/.*href="\/item\/\([0-9]*\)".*/\1/p' | head -1)"
[ -n "$ITEM" ] || fail "the texter's item is not in the queue"
curl -s -b "$J" -o "$D/item.html" "$B/item/$ITEM"
CSRF="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$D/item.html" | head -1)"

# The gateway has slept since its first round; its claim waits on A.
sleep 2
t0=$(date +%s.%N)
code="$(curl -s -b "$J" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF" \
    --data-urlencode "text=Vi byter lampan i morgon" "$B/item/$ITEM/reply")"
[ "$code" = 303 ] || fail "the reply answered $code"
for _ in $(seq 1 75); do [ "$(sent)" = 2 ] && break; sleep 0.2; done
t1=$(date +%s.%N)
[ "$(sent)" = 2 ] || fail "the staff reply was not sent within 15 s (polls are 60 s)"
[ "$(qg "select count(*) from sendq where text='Vi byter lampan i morgon' and state='sent'")" = 1 ] ||
    fail "the sent message is not the reply"
took="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
# A clean stop while the claim waits: at once, not after the 25 s wait.
t0=$(date +%s)
kill -TERM "$GPID"
wait "$GPID" || fail "unclean gateway exit"
GPID=
[ $(($(date +%s) - t0)) -le 8 ] || fail "the gateway took $(($(date +%s) - t0)) s to stop"
echo "ok   $MODE: the staff reply was on the phone $took s after it was written (polls 60 s)"
