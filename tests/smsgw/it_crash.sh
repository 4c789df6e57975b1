#!/usr/bin/env bash
# it_crash.sh — kill -9 at random moments during a 500-message ingest on the
# dummy phone, at least 10 times, then let the gateway finish: every message
# is stored exactly once and acknowledged exactly once. Also the
# deterministic case: a crash right after the commit, before the delete.
# Usage: it_crash.sh TRYGG-SMSGW SOURCE-DIR PYTHON3 TRYGGCTL
set -euo pipefail
BIN=$1 SRC=$2 PY=$3 CTL=$4
export LC_ALL=C LANG=C
N=${SMSGW_CRASH_MESSAGES:-500}
KILLS=${SMSGW_CRASH_KILLS:-10}
D=$(mktemp -d "${TMPDIR:-/tmp}/it-crash-XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -20 "$D/log" >&2 2>/dev/null || true; exit 1; }
q() { sqlite3 "$D/trygg.db" "$1"; }

"$CTL" -d "$D" init >/dev/null
sed "s|@DATA@|$D|g; s|@PORT@|8080|g" "$SRC/assets/config/smsgw.ini" > "$D/smsgw.ini"
cp "$SRC/assets/config/routing.ini" "$D/routing.ini"
# Flood limits off for this test: every message is answered once.
sed -i 's/^replies_per_hour = .*/replies_per_hour = 1000/' "$D/smsgw.ini"

# 500 messages from 500 senders; every 10th is a two-part UCS-2 message.
"$PY" - "$N" > "$D/batch" <<'PYEOF'
import sys
n = int(sys.argv[1])
for i in range(n):
    if i % 10 == 9:
        text = "Meddelande %d: långt om bråk vid torget 😡 " % i + "å" * 60
    else:
        text = "Meddelande %d: det är mörkt vid ån" % i
    print("+4670200%04d\t%s" % (i, text))
PYEOF
cut -f2 "$D/batch" | sort > "$D/expected"
"$PY" "$SRC/tools/fake-sms" --batch "$D/batch" "$D/modem"
parts=$(ls "$D/modem/sms/1" | wc -l)
echo "on the dummy phone: $N messages in $parts parts"

# Deterministic: exit right after the first commit, before any delete.
rc=0
TRYGG_SMSGW_CRASH_BEFORE_DELETE=1 "$BIN" -c "$D/smsgw.ini" 2>> "$D/log" || rc=$?
[ $rc = 99 ] || fail "crash hook did not fire (rc $rc)"
committed=$(q "select count(*) from items")
[ "$committed" -gt 0 ] || fail "nothing committed before the crash"
[ "$(ls "$D/modem/sms/1" | wc -l)" = "$parts" ] || fail "deleted before the crash"
echo "crash after commit, before delete: $committed committed, $parts parts still on the phone"

# Random kill -9 while it reads, commits, deletes and sends.
for k in $(seq 1 "$KILLS"); do
    "$BIN" -c "$D/smsgw.ini" 2>> "$D/log" & PID=$!
    sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 0.2 + rand() * 1.4 }')"
    kill -9 "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=
    echo "kill $k: items $(q 'select count(*) from items'), left on phone $(ls "$D/modem/sms/1" | wc -l), sent $(q "select count(*) from sms_out where status='sent'")"
done

# Finish.
started=$(grep -c 'started' "$D/log" || true)
"$BIN" -c "$D/smsgw.ini" 2>> "$D/log" & PID=$!
end=$((SECONDS + 120))
while [ "$(grep -c 'started' "$D/log" || true)" = "$started" ] && [ $SECONDS -lt $end ]; do
    sleep 0.1
done
while [ $SECONDS -lt $end ]; do
    left=$(ls "$D/modem/sms/1" | wc -l)
    pending=$(q "select count(*) from sms_out where status in ('pending','failed')")
    [ "$left" = 0 ] && [ "$pending" = 0 ] && break
    sleep 0.5
done
kill -TERM "$PID"; wait "$PID" || fail "unclean exit"
PID=

[ "$(ls "$D/modem/sms/1" | wc -l)" = 0 ] || fail "messages left on the phone"
q "select text from items" | sort > "$D/got"
diff -q "$D/expected" "$D/got" >/dev/null || { diff "$D/expected" "$D/got" | head; fail "items differ from what was sent"; }
[ "$(q 'select count(*) from items')" = "$N" ] || fail "item count"
[ "$(q "select count(*) from smsgw_inbound where key like 'sms:%'")" = "$N" ] || fail "inbound key count"
acks=$(q "select count(*) from sms_out")
[ "$acks" = "$N" ] || fail "$acks acknowledgements queued for $N messages"
[ "$(q "select count(distinct item_id) from sms_out")" = "$N" ] || fail "an item acknowledged twice"
[ "$(q "select count(*) from sms_out where status='sent'")" = "$N" ] || fail "not all acknowledgements sent"
echo "it_crash: ok ($N messages, $KILLS kills + 1 crash before delete: none lost, none duplicated)"
