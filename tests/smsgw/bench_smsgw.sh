#!/usr/bin/env bash
# bench_smsgw.sh — 200 SMS on the Gammu dummy phone: how long until
# trygg-smsgw (a client of a local trygg-server, each on its own data
# directory) has had every one stored and sent every acknowledgement, and
# how long gammu-smsd (files backend, ReceiveFrequency = 1) takes to store
# the same 200 messages. Not a test: times depend on the machine (fsync cost
# above all).
#
# Durability differs: both trygg stores (SQLite, synchronous = FULL) fsync
# every commit, and gammu-smsd's files backend never calls fsync. So the
# ratio is printed only when neither side fsyncs, i.e. when the script runs
# under eatmydata (Debian package eatmydata); plainly run, it prints the
# durable trygg times and gammu-smsd's time for reference.
#
# Usage: tests/smsgw/bench_smsgw.sh BUILD-DIR [COUNT]
#        eatmydata tests/smsgw/bench_smsgw.sh BUILD-DIR [COUNT]
#   BUILD-DIR holds smsgw/trygg-smsgw, server/trygg-server and shared/tryggctl/tryggctl
#   (use a Release build: cmake -B build-rel -DCMAKE_BUILD_TYPE=Release).
set -euo pipefail
B=$(cd "$1" && pwd) N=${2:-200}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PY=$(command -v /usr/bin/python3 || command -v python3)
export LC_ALL=C LANG=C
D=$(mktemp -d "${TMPDIR:-/tmp}/bench-smsgw-XXXXXX")
PID= SPID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; [ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
now() { date +%s.%N; }

"$PY" - "$N" > "$D/batch" <<'PYEOF'
import sys
for i in range(int(sys.argv[1])):
    print("+4670300%04d\tTips %d: det är mörkt vid busshållplatsen på Ågatan" % (i, i))
PYEOF
mkdir -p "$D/phone"
"$PY" "$SRC/tools/fake-sms" --batch "$D/batch" "$D/phone"
cp -a "$D/phone" "$D/phone-smsd"

# ---- trygg-smsgw
# The server on its data directory ($T), the gateway on its own ($G).
T=$D/trygg G=$D/gateway
mkdir -p "$T" "$G/keys"
CTL=$B/shared/tryggctl/tryggctl
"$CTL" -d "$T" init >/dev/null
mv "$T/keys/number.key" "$G/keys/number.key"
cp "$T/keys/pseudonym.key" "$G/keys/pseudonym.key"
sed "s|@DATA@|$T|g; s|@PORT@|0|g" "$SRC/assets/config/server.ini" > "$T/server.ini"
cp "$SRC/assets/config/routing.ini" "$T/"
: > "$T/server.log"
"$B/server/trygg-server" -c "$T/server.ini" 2>> "$T/server.log" & SPID=$!
PORT=
for _ in $(seq 1 100); do
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/server.log" | head -1)
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { echo "trygg-server did not start:"; cat "$T/server.log"; exit 1; }
"$CTL" -d "$T" gateway add bench > "$G/token" 2>/dev/null
sed "s|@DATA@|$G|g; s|@PORT@|$PORT|g" "$SRC/assets/config/smsgw.ini" > "$T/smsgw.ini"
sed -i "s|^device = .*|device = $D/phone|; s/^replies_per_hour = .*/replies_per_hour = 10000/; s/^replies_per_day = .*/replies_per_day = 10000/" "$T/smsgw.ini"
t0=$(now) t_items=
"$B/smsgw/trygg-smsgw" -c "$T/smsgw.ini" 2> "$T/log" & PID=$!
while :; do
    kill -0 "$PID" 2>/dev/null || { echo "trygg-smsgw exited:"; cat "$T/log"; exit 1; }
    left=$(find "$D/phone/sms/1" -type f | wc -l)
    if [ "$left" = 0 ]; then
        if [ -z "$t_items" ]; then
            stored=$(sqlite3 "$T/trygg.db" "select count(*) from items" 2>/dev/null || echo 0)
            [ "$stored" = "$N" ] && t_items=$(now)
        fi
        sent=$(sqlite3 "$T/trygg.db" "select count(*) from sms_out where status='sent'" 2>/dev/null || echo 0)
        [ "$sent" = "$N" ] && break
    fi
    sleep 0.02
done
t1=$(now)
kill -TERM "$PID"; wait "$PID" || true; PID=
kill "$SPID"; wait "$SPID" || true; SPID=
items=$(sqlite3 "$T/trygg.db" "select count(*) from items")
[ "$items" = "$N" ] || { echo "trygg-smsgw stored $items of $N"; exit 1; }
trygg=$(echo "$t1 - $t0" | bc -l)
trygg_items=$(echo "${t_items:-$t1} - $t0" | bc -l)

# ---- gammu-smsd, files backend, 1 s polling
if command -v gammu-smsd >/dev/null; then
    S=$D/smsd
    mkdir -p "$S/inbox" "$S/outbox" "$S/sent" "$S/error"
    cat > "$S/smsdrc" <<CONF
[gammu]
model = dummy
connection = none
device = $D/phone-smsd
[smsd]
service = files
inboxpath = $S/inbox/
outboxpath = $S/outbox/
sentsmspath = $S/sent/
errorsmspath = $S/error/
ReceiveFrequency = 1
logfile = $S/smsd.log
debuglevel = 0
CONF
    t0=$(now)
    gammu-smsd -c "$S/smsdrc" & PID=$!
    while [ "$(find "$S/inbox" -type f | wc -l)" -lt "$N" ]; do
        kill -0 "$PID" 2>/dev/null || { echo "gammu-smsd exited:"; cat "$S/smsd.log"; exit 1; }
        sleep 0.02
    done
    t1=$(now)
    kill -TERM "$PID"; wait "$PID" || true; PID=
    smsd=$(echo "$t1 - $t0" | bc -l)
fi

case "${LD_PRELOAD:-}" in
*eatmydata*) sync="no fsync (eatmydata)" ;;
*) sync="fsync on every commit" ;;
esac
printf '%d SMS uploaded: every item stored by trygg-server: %.2f s (%s)\n' "$N" "$trygg_items" "$sync"
printf '%d SMS, all committed and acknowledged by trygg-smsgw: %.2f s (%s)\n' "$N" "$trygg" "$sync"
if [ -z "${smsd:-}" ]; then
    echo "gammu-smsd not installed: no comparison"
elif [ "$sync" = "fsync on every commit" ]; then
    printf '%d SMS stored by gammu-smsd (files backend, 1 s polling, never fsyncs): %.2f s\n' "$N" "$smsd"
    echo "no ratio: durability differs (run under eatmydata for a same-durability comparison)"
else
    printf '%d SMS stored by gammu-smsd (files backend, 1 s polling): %.2f s (%s)\n' "$N" "$smsd" "$sync"
    printf 'ratio trygg-smsgw / gammu-smsd: %.2f (goal: at most 0.50)\n' "$(echo "$trygg / $smsd" | bc -l)"
fi
