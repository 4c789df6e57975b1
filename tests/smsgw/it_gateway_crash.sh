#!/usr/bin/env bash
# it_gateway_crash.sh — the gateway as a client of the server under kill -9:
# a 200-message ingest on the dummy phone, the gateway killed at random
# moments, first while the server is down (the gateway answers with
# references it issues itself), then with the server back; then it
# finishes. Every message is stored on the server exactly once, answered
# exactly once, and every receipt the gateway gave offline is the stored
# item's reference; the offline references are unique. Real parts: the real
# trygg-server and trygg-smsgw, each on its own data directory.
# Usage: it_gateway_crash.sh TRYGG-SMSGW SOURCE-DIR PYTHON3 TRYGGCTL TRYGG-SERVER
set -euo pipefail
BIN=$1 SRC=$2 PY=$3 CTL=$4 SERVER=$5
ASSETS=$SRC/assets
export LC_ALL=C LANG=C
N=${SMSGW_CRASH_MESSAGES:-200}
KILLS=${SMSGW_CRASH_KILLS:-8}
. "$SRC/tests/server/lib_it.sh"
it_setup gwcrash
G=$D/gateway-host
GPID=
stop_all() { [ -n "$GPID" ] && kill -9 "$GPID" 2>/dev/null; it_cleanup; }
trap stop_all EXIT
fail() { echo "FAIL: $*" >&2; tail -20 "$G/log" >&2 2>/dev/null || true; exit 1; }
qs() { sqlite3 "$D/trygg.db" "$1"; }
qg() { sqlite3 "$G/smsgw.db" "$1"; }

it_data
it_start
mkdir -p "$G/keys"
cp "$D/keys/pseudonym.key" "$G/keys/pseudonym.key"
mv "$D/gateway-number.key" "$G/keys/number.key"
chmod 600 "$G/keys/"*
"$CTL" -d "$D" gateway add gw-crash > "$G/token" 2>/dev/null
sed "s|@DATA@|$G|g; s|@PORT@|$PORT|g" "$ASSETS/config/smsgw.ini" > "$G/smsgw.ini"
sed -i "s|^port *=.*|port = $PORT|" "$D/server.ini" # the same port after a restart
# One contact with the server: the gateway learns its reference prefix.
"$BIN" -c "$G/smsgw.ini" 2>> "$G/log" & GPID=$!
for _ in $(seq 1 50); do [ -n "$(qg "select value from meta where name='ref_prefix'" 2>/dev/null)" ] && break; sleep 0.2; done
kill -TERM "$GPID"; wait "$GPID" || true; GPID=
[ -n "$(qg "select value from meta where name='ref_prefix'")" ] || fail "no prefix learnt"

"$PY" - "$N" > "$G/batch" <<'PYEOF'
import sys
n = int(sys.argv[1])
for i in range(n):
    if i % 10 == 9:
        text = "Meddelande %d: långt om bråk vid torget 😡 " % i + "å" * 60
    else:
        text = "Meddelande %d: det är mörkt vid ån" % i
    print("+4670300%04d\t%s" % (i, text))
PYEOF
cut -f2 "$G/batch" | sort > "$G/expected"
"$PY" "$SRC/tools/fake-sms" --batch "$G/batch" "$G/modem"

kill "$PID"; wait "$PID" 2>/dev/null || true; PID= # the server goes down
prev_in=0
for k in $(seq 1 "$KILLS"); do
    if [ "$k" = $((KILLS / 2 + 1)) ]; then
        # Everything read before the last run with the server down got its
        # offline decision in that run (not only the first batch).
        if [ "$prev_in" = "$N" ]; then
            [ "$(qg "select count(*) from inbound where offline_done=0")" = 0 ] \
                || fail "$(qg "select count(*) from inbound where offline_done=0") messages without an offline answer"
        fi
        it_start; echo "server back"
    fi
    prev_in=$(qg 'select count(*) from inbound')
    "$BIN" -c "$G/smsgw.ini" 2>> "$G/log" & GPID=$!
    sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 1.0 + rand() * 2.0 }')"
    kill -9 "$GPID" 2>/dev/null || true
    wait "$GPID" 2>/dev/null || true
    GPID=
    echo "kill $k: gateway $(qg 'select count(*) from inbound') in, $(qg "select count(*) from inbound where state='uploaded'") up; server $(qs 'select count(*) from items') items; left on phone $(ls "$G/modem/sms/1" | wc -l)"
done

started=$(grep -c 'started' "$G/log" || true)
"$BIN" -c "$G/smsgw.ini" 2>> "$G/log" & GPID=$!
end=$((SECONDS + 120))
while [ "$(grep -c 'started' "$G/log" || true)" = "$started" ] && [ $SECONDS -lt $end ]; do
    sleep 0.1
done
while [ $SECONDS -lt $end ]; do
    left=$(ls "$G/modem/sms/1" | wc -l)
    pending=$(qg "select count(*) from inbound where state='pending'")
    unsent=$(qg "select count(*) from sendq where state in ('pending','failed')")
    [ "$left" = 0 ] && [ "$pending" = 0 ] && [ "$unsent" = 0 ] && \
        [ "$(qs "select count(*) from sms_out where status in ('pending','failed')")" = 0 ] && break
    sleep 0.5
done
kill -TERM "$GPID"; rc=0; wait "$GPID" || rc=$?; [ $rc = 0 ] || fail "unclean exit ($rc)"
GPID=

[ "$(ls "$G/modem/sms/1" | wc -l)" = 0 ] || fail "messages left on the phone"
qs "select text from items where channel='sms'" | sort > "$G/got"
diff -q "$G/expected" "$G/got" > /dev/null || { diff "$G/expected" "$G/got" | head; fail "server items differ from what was sent"; }
[ "$(qg "select count(*) from inbound where state='uploaded'")" = "$N" ] || fail "not all uploaded once"
offline=$(qg "select count(*) from inbound where offline_ref <> ''")
[ "$offline" -gt 0 ] || fail "no offline answers while the server was down"
[ "$(qg "select count(distinct offline_ref) from inbound where offline_ref <> ''")" = "$offline" ] \
    || fail "an offline reference issued twice"
qg "select offline_ref || '|' || text from inbound where offline_ref <> ''" > "$G/offline"
while IFS='|' read -r ref text; do
    [ "$(qs "select count(*) from items where ref='$ref' and text='$text'")" = 1 ] \
        || fail "offline receipt $ref is not the stored reference of '$text'"
done < "$G/offline"
# Answered exactly once: one send per message, offline or from the server.
[ "$(qg "select count(*) from sendq")" = "$N" ] || fail "$(qg "select count(*) from sendq") answers for $N messages"
[ "$(qg "select count(*) from sendq where state='sent'")" = "$N" ] || fail "not all answers sent"
echo "it_gateway_crash: ok ($N messages, $KILLS kills, $offline answered offline: none lost, none duplicated)"
