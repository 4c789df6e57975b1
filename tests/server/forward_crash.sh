#!/usr/bin/env bash
# forward_crash.sh — a server killed (kill -9) in the middle of sending a
# forward e-mail (issue 17, docs/server.md "Forwarding: what a crash can
# do"). The SMTP server (tests/server/smtp_stall.py, aiosmtpd) stalls on cue:
#   data   it took the mail and holds its answer to the final "."; the
#          sending server is killed: the hand-over had started, so the
#          forward is sent again, and the two copies carry ONE Message-ID;
#   rcpt   it holds RCPT TO; the sending server is killed before the mail
#          was handed over: sent again, one copy in the mailbox;
#   slow   it answers the final "." after 2.5 leases; the sender keeps its
#          lease meanwhile (renewed), so no other server sends it: one copy.
# After a kill another server (PostgreSQL: the second one; SQLite: the same
# one restarted) sends the forward within the lease plus a few seconds
# (printed: the takeover time). At the end every forward is sent, each with
# one Message-ID, with no more copies than hand-overs started.
# usage: forward_crash.sh TRYGG_SERVER TRYGGCTL sqlite|pg
# env: FWD_LEASE ([forward] lease for the servers, default 10; empty = the
#      server's default), FWD_WAIT (seconds to wait for a takeover, default
#      lease + 30; 90 when FWD_LEASE is empty)
set -euo pipefail
SERVER="$1"
CTL="$2"
BACKEND="${3:-sqlite}"
LEASE="${FWD_LEASE-10}"
LTXT="${LEASE:+$LEASE s}"
LTXT="${LTXT:-the server default}"
WAIT="${FWD_WAIT:-$((${LEASE:-60} + 30))}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ASSETS="${TRYGG_ASSETS:-$HERE/../../assets}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export LC_ALL=C.UTF-8
. "$HERE/lib_it.sh"
it_setup fwdcrash
PIDS=()
DB=""
cleanup_crash() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for n in A B; do
        eval "p=\${PID_$n:-}"
        [ -n "$p" ] && kill "$p" 2>/dev/null || true
    done
    if [ -n "$DB" ]; then
        psql -q "$TRYGG_TEST_PG" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    it_cleanup
}
trap cleanup_crash EXIT
DBLINE=""
if [ "$BACKEND" = pg ]; then
    ADMIN="${TRYGG_TEST_PG:?TRYGG_TEST_PG must name the test cluster}"
    DB="trygg_fwdcrash_$$"
    psql -q "$ADMIN" -c "CREATE DATABASE $DB" >/dev/null
    URL="postgresql:///${DB}?${ADMIN#*\?}"
    export TRYGG_DATABASE="$URL"
    DBLINE="database = $URL"
    q() { psql -X -q -At "$URL" -c "$1"; }
    EPOCH() { echo "extract(epoch from $1)::bigint"; }
else
    q() { sqlite3 -cmd ".timeout 5000" "$D/trygg.db" "$1"; }
    EPOCH() { echo "$1"; }
fi
"$CTL" -d "$D" init > /dev/null
mv "$D/keys/number.key" "$D/gateway-number.key"
TOKEN="$("$CTL" -d "$D" kiosk add crash-kiosk --name "Crash" --area centrum 2>/dev/null)"
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SMTP="$(free_port)"
awk -v db="$DBLINE" -v d="$D" -v smtp="smtp://127.0.0.1:$SMTP" -v lease="$LEASE" '
    /^\[/ { section = $0 }
    { if ($0 ~ /^; database = / && db != "") print db;
      else if (section == "[smtp]" && $0 ~ /^url =/) print "url = " smtp;
      else if (section == "[smtp]" && $0 ~ /^starttls =/) print "starttls = no";
      else if (section == "[forward]" && $0 ~ /^poll =/) print "poll = 1";
      else if (section == "[forward]" && $0 ~ /^lease =/) { if (lease != "") print "lease = " lease }
      else { gsub(/@DATA@/, d); gsub(/@PORT@/, "0"); print } }' \
    "$ASSETS/config/server.ini" > "$D/server.ini"
[ -z "$LEASE" ] || grep -q "^lease = $LEASE" "$D/server.ini" || fail "server.ini has no [forward] lease"
sed '/^\[destination /a email = forward@kommun.example' "$ASSETS/config/routing.ini" > "$D/routing.ini"
CUE="$D/cue"
mkdir -p "$CUE"
"$PY" "$HERE/smtp_stall.py" "$SMTP" "$D/mail" "$CUE" 2> "$D/smtp.log" &
PIDS+=("$!")

start() { # start NAME: a server, its pid into PID_<NAME>, port into PORT_<NAME>
    : > "$D/$1.log"
    "$SERVER" -c "$D/server.ini" 2>> "$D/$1.log" &
    eval "PID_$1=$!"
    local port=""
    for _ in $(seq 1 100); do
        port="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$D/$1.log" | head -1)"
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$D/$1.log"; fail "server $1 did not start"; }
    eval "PORT_$1=$port"
}
NAMES="A"
[ "$BACKEND" = pg ] && NAMES="A B"
for n in $NAMES; do start "$n"; done
for _ in $(seq 1 50); do
    "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$SMTP" 2>/dev/null && break
    sleep 0.1
done

N=0
submit() { # submit TEXT: a kiosk item routed to a destination with an e-mail address
    N=$((N + 1))
    local body code
    body="{\"uuid\":\"crash-$(printf %04d "$N")\",\"kind\":\"fault\",\"category\":\"stairwell\",\"area\":\"centrum\",\"text\":\"$1\"}"
    code="$(curl -s -o "$D/s.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' --data-binary "$body" \
        "http://127.0.0.1:$PORT_A/api/v1/submissions")"
    case "$code" in 200 | 201) ;; *) fail "submit: $code $(cat "$D/s.json")" ;; esac
}
copies() { # copies ID: mails in the mailbox for forward ID
    grep -l "^Message-ID: <trygg\.$1\." "$D"/mail/new/* 2>/dev/null | wc -l
}
ids_of() { # ids_of ID: its distinct Message-IDs
    grep -h "^Message-ID: <trygg\.$1\." "$D"/mail/new/* 2>/dev/null | sort -u | wc -l
}
wait_cue() {
    for _ in $(seq 1 200); do
        [ -f "$CUE/cue" ] && return 0
        sleep 0.1
    done
    cat "$D"/*.log
    fail "the SMTP server got no mail to stall ($1)"
}
# kill_sender: kill -9 the server holding the leased forward; ROW, VICTIM set
kill_sender() {
    local row
    row="$(q "SELECT id || ' ' || lease_owner FROM notify_out WHERE status IN ('pending', 'failed') AND lease_owner <> '' ORDER BY id LIMIT 1")"
    [ -n "$row" ] || fail "no forward is leased"
    ROW="${row%% *}"
    local pid="${row##*:}"
    VICTIM=""
    for n in $NAMES; do
        eval "[ \"\$PID_$n\" = \"$pid\" ] && VICTIM=$n" || true
    done
    [ -n "$VICTIM" ] || fail "the lease owner $row is none of the servers"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    T0=$(date +%s.%N)
}
# taken_over: waits until ROW is sent by another server (or the restarted
# one); prints the takeover time.
taken_over() {
    local end=$((SECONDS + WAIT))
    while [ $SECONDS -lt $end ]; do
        [ "$(q "SELECT status FROM notify_out WHERE id = $ROW")" = sent ] && break
        sleep 0.2
    done
    [ "$(q "SELECT status FROM notify_out WHERE id = $ROW")" = sent ] ||
        fail "forward $ROW not sent within $WAIT s after its server was killed (lease $LTXT)"
    TAKEOVER="$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
    echo "     $BACKEND: forward $ROW sent $TAKEOVER s after its server was killed (lease $LTXT)"
}
restart_victim() {
    if [ "$BACKEND" = sqlite ]; then start "$VICTIM"; fi # its own restart takes over
}
restart_other() {
    if [ "$BACKEND" = pg ]; then start "$VICTIM"; fi # back for the next round
}
# A server submits only to A: keep A alive as the intake on PostgreSQL by
# restarting whichever was killed before the next round.

# ---- 1. Killed after the SMTP server took the mail (hand-over started).
echo data > "$CUE/mode"
rm -f "$CUE/cue"
submit "Trasig lampa i trapphuset, hus 1"
wait_cue data
kill_sender
restart_victim
taken_over
restart_other
sleep 1
c="$(copies "$ROW")"
ids="$(ids_of "$ROW")"
[ "$ids" = 1 ] || fail "forward $ROW arrived with $ids different Message-IDs"
[ "$c" = 2 ] || fail "forward $ROW: $c copies, want 2 (one taken before the kill, one after)"
h="$(q "SELECT handovers FROM notify_out WHERE id = $ROW")"
[ "$h" = 2 ] || fail "forward $ROW: $h hand-overs recorded, want 2"
echo "ok   $BACKEND: killed after the SMTP server took forward $ROW: sent again ${TAKEOVER} s after kill -9 (lease $LTXT); $c copies, one Message-ID"

# ---- 2. Killed before the hand-over (stalled at RCPT TO).
echo rcpt > "$CUE/mode"
rm -f "$CUE/cue"
submit "Trasig lampa i trapphuset, hus 2"
wait_cue rcpt
kill_sender
restart_victim
taken_over
restart_other
sleep 1
c="$(copies "$ROW")"
h="$(q "SELECT handovers FROM notify_out WHERE id = $ROW")"
[ "$c" = 1 ] || fail "forward $ROW: $c copies, want 1 (not handed over before the kill)"
[ "$h" = 1 ] || fail "forward $ROW: $h hand-overs recorded, want 1"
echo "ok   $BACKEND: killed before handing over forward $ROW: sent ${TAKEOVER} s after kill -9; 1 copy"

# ---- 3. A slow SMTP server: the sender keeps its lease for 2.5 leases.
slow=$(((${LEASE:-60} * 5 + 1) / 2))
[ "$slow" -lt 55 ] || slow=55 # under the SMTP timeout (60 s, server/forward.c)
echo "slow:$slow" > "$CUE/mode"
before="$(q "SELECT count(*) FROM notify_out")"
submit "Trasig lampa i trapphuset, hus 3"
# The first sender's answer comes after $slow s: look only after it (a
# second sender, had the lease lapsed, would have sent it meanwhile).
sleep $((slow + 3))
end=$((SECONDS + 30))
while [ $SECONDS -lt $end ]; do
    [ "$(q "SELECT count(*) FROM notify_out WHERE status <> 'sent'")" = 0 ] &&
        [ "$(q "SELECT count(*) FROM notify_out")" != "$before" ] && break
    sleep 0.5
done
ROW="$(q "SELECT max(id) FROM notify_out")"
[ "$(q "SELECT status FROM notify_out WHERE id = $ROW")" = sent ] || fail "forward $ROW not sent (slow SMTP server)"
c="$(copies "$ROW")"
[ "$c" = 1 ] || fail "forward $ROW: $c copies from a slow SMTP server (the lease was not kept)"
echo "ok   $BACKEND: an SMTP server that answered after $slow s (lease $LTXT): 1 copy"

# ---- Every forward: sent, one Message-ID, no more copies than hand-overs.
sleep 1
q "SELECT id || ' ' || status || ' ' || handovers FROM notify_out ORDER BY id" > "$D/rows"
mails=0
while read -r id status h; do
    [ "$status" = sent ] || fail "forward $id is $status"
    c="$(copies "$id")"
    [ "$c" -ge 1 ] || fail "forward $id marked sent, not in the mailbox"
    [ "$(ids_of "$id")" = 1 ] || fail "forward $id arrived with $(ids_of "$id") different Message-IDs"
    [ "$c" -le "$h" ] || fail "forward $id: $c copies, only $h hand-overs"
    mails=$((mails + c))
done < "$D/rows"
echo "ok   $BACKEND: $(wc -l < "$D/rows") forwards, $mails mails, each forward one Message-ID"
