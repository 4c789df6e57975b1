#!/usr/bin/env bash
# failover.sh — failover to a streaming-replication standby under load
# (docs/postgresql.md, "Failover"). In a temporary directory, no system
# service: a primary and a standby made with pg_basebackup -R, synchronous
# replication (synchronous_commit = on, synchronous_standby_names = '*': a
# commit is acknowledged only once the standby has it on disk); two
# trygg-server instances on the multi-host connection string
# host=A,B target_session_attrs=read-write; simulated kiosks with outboxes
# submitting (tests/pg/kiosk_load.py). Then kill -9 of the primary (the
# postmaster and all its processes), pg_ctl promote of the standby, and:
#   - both servers take submissions again by themselves (no restart);
#   - every submission that got a 2xx, before, during and after, is in the
#     new primary exactly once with the reference it was acknowledged with;
#   - what was refused stayed in the kiosks' (and the gateway's) outboxes and was delivered
#     after: nothing is left over, nothing is stored twice.
# Prints the failover time (primary killed -> first acknowledged submit
# that was sent after the kill) and the number of refused requests.
# A gateway (TRYGG_SMSGW given) gets SMS before and after the kill: each is
# stored once on the new primary and answered once.
# usage: failover.sh TRYGG_SERVER TRYGGCTL [TRYGG_SMSGW]
#        (env: FAILOVER_KIOSKS, default 20; FAILOVER_SMS, default 20;
#        FAILOVER_LOAD_S, seconds of load before and after, default 4;
#        FAILOVER_DETECT_S, seconds from the kill to pg_ctl promote, default 1;
#        FAILOVER_GOAL_S, the failover time the test requires, default 30)
set -euo pipefail
SERVER="$1"
CTL="$2"
SMSGW="${3:-}"
NSMS="${FAILOVER_SMS:-20}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$HERE/../.."
ASSETS="${TRYGG_ASSETS:-$HERE/../../assets}"
KIOSKS="${FAILOVER_KIOSKS:-20}"
LOAD_S="${FAILOVER_LOAD_S:-4}"
DETECT_S="${FAILOVER_DETECT_S:-1}"
GOAL_S="${FAILOVER_GOAL_S:-30}"
. "$HERE/../server/lib_it.sh"
. "$HERE/pair.sh"
it_setup failover
PIDS=()
LOADPID=""
cleanup_failover() {
    [ -n "$LOADPID" ] && kill "$LOADPID" 2>/dev/null
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    pair_stop
    it_cleanup
}
trap cleanup_failover EXIT

pair_start "$(mktemp -d /tmp/trygg-pair-XXXXXX)" # primary and standby (pair.sh)
URL="$(pair_url trygg)"
export TRYGG_DATABASE="$URL"
"$CTL" -d "$D" init > "$D/init.out"
grep -q "^database PostgreSQL (schema " "$D/init.out" || fail "init: $(cat "$D/init.out")"
mv "$D/keys/number.key" "$D/gateway-number.key"
: > "$D/tokens"
for i in $(seq 1 "$KIOSKS"); do
    "$CTL" -d "$D" kiosk add "fo-kiosk-$i" --name "FO $i" --area centrum 2>/dev/null >> "$D/tokens"
done
awk -v u="$URL" -v d="$D" '{ if ($0 ~ /^; database = /) print "database = " u;
    else { gsub(/@DATA@/, d); gsub(/@PORT@/, "0"); print } }' \
    "$ASSETS/config/server.ini" > "$D/server.ini"
cp "$ASSETS/config/routing.ini" "$D/routing.ini"

start() { # start NAME: the server's pid and port into PID_<NAME>, PORT_<NAME>
    : > "$D/$1.log"
    "$SERVER" -c "$D/server.ini" 2>> "$D/$1.log" &
    local pid=$! port=""
    PIDS+=("$pid")
    for _ in $(seq 1 100); do
        port="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$D/$1.log" | head -1)"
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$D/$1.log"; fail "server $1 did not start"; }
    eval "PID_$1=$pid PORT_$1=$port"
}
start A
start B

# A gateway (the real trygg-smsgw on Gammu's dummy phone) on server B: half
# its messages arrive before the kill, half just after it.
GW=""
if [ -n "$SMSGW" ]; then
    G="$D/gw"
    mkdir -p "$G/keys"
    cp "$D/keys/pseudonym.key" "$G/keys/pseudonym.key"
    cp "$D/gateway-number.key" "$G/keys/number.key"
    chmod 600 "$G/keys/"*
    "$CTL" -d "$D" gateway add gw-failover > "$G/token" 2>/dev/null
    sed "s|@DATA@|$G|g; s|@PORT@|$PORT_B|g" "$ASSETS/config/smsgw.ini" > "$G/smsgw.ini"
    for i in $(seq 1 "$NSMS"); do
        printf '+4670500%04d\tMörkt i gångtunneln vid skolan, nummer %d\n' "$i" "$i"
    done > "$G/batch"
    head -n $((NSMS / 2)) "$G/batch" > "$G/batch1"
    tail -n +$((NSMS / 2 + 1)) "$G/batch" > "$G/batch2"
    python3 "$SRC/tools/fake-sms" --batch "$G/batch1" "$G/modem"
    "$SMSGW" -c "$G/smsgw.ini" 2>> "$G/log" &
    GW=$!
    PIDS+=("$GW")
fi

python3 "$HERE/kiosk_load.py" --servers "http://127.0.0.1:$PORT_A,http://127.0.0.1:$PORT_B" \
    --tokens "$D/tokens" --stop "$D/stop" --out "$D/load.json" --gap 0.3 --drain 90 &
LOADPID=$!
sleep "$LOAD_S"
before="$(pair_psql a trygg -Atc "SELECT count(*) FROM items")"
[ "$before" -gt 0 ] || fail "no submission was stored before the failover"
T_KILL="$(pair_kill a)" # kill -9 of the primary's postmaster and its processes
[ -n "$GW" ] && python3 "$SRC/tools/fake-sms" --batch "$G/batch2" "$G/modem"
sleep "$DETECT_S"
pair_promote b
T_PROMOTED="$(date +%s.%N)"
sleep "$LOAD_S"
touch "$D/stop"
wait "$LOADPID" || fail "the load client failed"
LOADPID=""

if [ -n "$GW" ]; then # the gateway delivers what was refused, every SMS answered once
    end=$((SECONDS + 90))
    while [ $SECONDS -lt $end ]; do
        [ "$(pair_psql b trygg -Atc "SELECT count(*) FROM items WHERE channel = 'sms'")" = "$NSMS" ] &&
            [ "$(sqlite3 "$G/smsgw.db" "SELECT count(*) FROM sendq WHERE state IN ('sent', 'delivered')")" -ge "$NSMS" ] &&
            break
        sleep 0.5
    done
    cut -f2 "$G/batch" | sort > "$G/want"
    pair_psql b trygg -Atc "SELECT text FROM items WHERE channel = 'sms'" | sort > "$G/got"
    diff -q "$G/want" "$G/got" >/dev/null || { diff "$G/want" "$G/got" | head; fail "SMS on the new primary differ from what was sent"; }
    [ "$(sqlite3 "$G/smsgw.db" "SELECT count(*) FROM sendq")" = "$NSMS" ] ||
        fail "$(sqlite3 "$G/smsgw.db" "SELECT count(*) FROM sendq") answers for $NSMS SMS"
    [ "$(sqlite3 "$G/smsgw.db" "SELECT count(*) FROM sendq WHERE state IN ('sent', 'delivered')")" = "$NSMS" ] ||
        fail "not every SMS answered"
    echo "ok   gateway: $NSMS SMS (half after the kill) stored once on the new primary, each answered once"
fi
# The servers never restarted: still the same processes.
kill -0 "$PID_A" && kill -0 "$PID_B" || fail "a server died during the failover"
pair_psql b trygg -Atc "SELECT client_key || ' ' || ref FROM items WHERE channel = 'kiosk'" | sort > "$D/stored"
python3 - "$D/load.json" "$D/stored" "$T_KILL" "$T_PROMOTED" "$GOAL_S" <<'PY'
import json, sys
load = json.load(open(sys.argv[1]))
stored = {}
for line in open(sys.argv[2]):
    key, ref = line.split()
    if key in stored:
        sys.exit("FAIL: %s stored twice" % key)
    stored[key] = ref
t_kill, t_prom, goal = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
acked = load["acked"]
lost = [u for u, ref, _, _ in acked if stored.get(u) != ref]
if lost:
    sys.exit("FAIL: %d acknowledged submissions not on the new primary (with their reference),"
             " e.g. %s" % (len(lost), lost[:3]))
if load["pending"]:
    sys.exit("FAIL: %d submissions left in the kiosks' outboxes" % len(load["pending"]))
if load["refs_twice"]:
    sys.exit("FAIL: a submission acknowledged with two references: %s" % load["refs_twice"][:3])
if len(stored) != load["made"] or len(set(u for u, *_ in acked)) != load["made"]:
    sys.exit("FAIL: %d made, %d stored, %d acknowledged" % (load["made"], len(stored),
             len(set(u for u, *_ in acked))))
before = sum(1 for *_, t1 in acked if t1 < t_kill)
after = [t1 for _, _, t0, t1 in acked if t0 >= t_kill]
if not before or not after:
    sys.exit("FAIL: %d acknowledged before the kill, %d after" % (before, len(after)))
bad = {c: n for c, n in load["codes"].items() if c.isdigit() and c != "503"}
if bad:
    sys.exit("FAIL: while the database was away the servers answered %s, not 503 "
             "(try again later)" % bad)
fo = min(after) - t_kill
print("ok   failover: %d submissions, %d acknowledged before the kill, all on the new primary "
      "exactly once; %d requests refused during the switch (kept in outboxes, delivered after): %s"
      % (load["made"], before, load["failed"], json.dumps(load["codes"], sort_keys=True)))
print("failover time: %.1f s (primary killed -> first acknowledged submit on the new primary; "
      "promoted %.1f s after the kill)" % (fo, t_prom - t_kill))
if fo > goal:
    sys.exit("FAIL: failover took %.1f s (goal %.0f s)" % (fo, goal))
PY
grep -q "connected to PostgreSQL again" "$D/A.log" "$D/B.log" ||
    fail "no server logged that it found the new primary"
