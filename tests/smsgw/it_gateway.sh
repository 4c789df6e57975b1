#!/usr/bin/env bash
# it_gateway.sh — the gateway as a client of the server, with real parts:
# the real trygg-server (tests/server/lib_it.sh) and the real trygg-smsgw on
# the Gammu dummy phone, each with its OWN data directory, talking only over
# HTTP (docs/gateway-protocol.md). Texts in, the server's answer out; a staff
# reply claimed and reported back; the server down: the gateway answers with
# references it issues itself (and 112 first for an urgent text), then
# uploads everything exactly once when the server is back, each under the
# reference the texter got; a crash between commit and delete stores
# nothing twice; STOPP; and no number or ciphertext in the server's files.
# Usage: it_gateway.sh TRYGG-SMSGW SOURCE-DIR PYTHON3 TRYGGCTL TRYGG-SERVER
set -euo pipefail
BIN=$1 SRC=$2 PY=$3 CTL=$4 SERVER=$5
ASSETS=$SRC/assets
export LC_ALL=C LANG=C
. "$SRC/tests/server/lib_it.sh"
it_setup gateway # D: the server's data directory
G=$D/gateway-host # the gateway's own (a different host in production)
GPID=
stop_all() { [ -n "$GPID" ] && kill -9 "$GPID" 2>/dev/null; it_cleanup; }
trap stop_all EXIT
fail() { echo "FAIL: $*" >&2; echo "--- gateway log" >&2; cat "$G/log" >&2 2>/dev/null || true; echo "--- server log" >&2; tail -20 "$D/log" >&2 2>/dev/null || true; exit 1; }
fake() { "$PY" "$SRC/tools/fake-sms" "$@" >/dev/null; }
qs() { sqlite3 "$D/trygg.db" "$1"; }
qg() { sqlite3 "$G/smsgw.db" "$1"; }
wait_for() { # seconds, s|g, sql, expected
    local end=$((SECONDS + $1))
    while [ $SECONDS -lt $end ]; do
        [ "$(q$2 "$3" 2>/dev/null)" = "$4" ] && return 0
        sleep 0.2
    done
    fail "timeout waiting for [$3] = $4 (got $(q$2 "$3" 2>/dev/null))"
}
start_gw() { "$BIN" -c "$G/smsgw.ini" 2>> "$G/log" & GPID=$!; }

it_data
it_start
mkdir -p "$G/keys"
cp "$D/keys/pseudonym.key" "$G/keys/pseudonym.key"
mv "$D/gateway-number.key" "$G/keys/number.key" # only the gateway host has it
chmod 600 "$G/keys/"*
"$CTL" -d "$D" gateway add gw-1 > "$G/token" 2> "$G/prefix.txt"
PREFIX=$(sed -n 's/.*ref_prefix = //p' "$G/prefix.txt")
[ -n "$PREFIX" ] || fail "no prefix printed"
sed "s|@DATA@|$G|g; s|@PORT@|$PORT|g" "$ASSETS/config/smsgw.ini" > "$G/smsgw.ini"

# -n checks [server]: the token file must be there.
"$BIN" -n -c "$G/smsgw.ini" > /dev/null 2> "$G/n.err" || fail "-n: $(cat "$G/n.err")"
sed "s|^token_file = .*|token_file = $G/missing|" "$G/smsgw.ini" > "$G/bad.ini"
if "$BIN" -n -c "$G/bad.ini" 2> "$G/bad.err"; then fail "-n accepted a missing token"; fi
grep -q "missing" "$G/bad.err" || fail "missing token file not named"

start_gw
N1=+46701220001 N2=+46701220002 N3=+46701220003
fake "$G/modem" "$N1" "Det är mörkt vid ån och lampan är trasig"
wait_for 30 s "select count(*) from items where channel='sms'" 1
REF1=$(qs "select ref from items where channel='sms'")
# The answer the server gave, sent by the gateway's modem, names the ref.
wait_for 30 g "select count(*) from sendq where state='sent' and text like '%$REF1%'" 1
wait_for 30 s "select status from sms_out where item_id=(select id from items where ref='$REF1')" sent
[ "$(ls "$G/modem/sms/1" | wc -l)" = 0 ] || fail "inbox not emptied"

# A staff reply: claimed, sent, reported.
P1=$(qs "select sender from items where ref='$REF1'")
qs "insert into sms_out (item_id, recipient, text, author, created, next_attempt) values ((select id from items where ref='$REF1'), '$P1', 'Vi byter lampan i morgon', 'anna', strftime('%s','now'), 0)"
wait_for 30 s "select status from sms_out where author='anna'" sent
wait_for 10 g "select count(*) from sendq where text='Vi byter lampan i morgon' and state='sent' and reported=1" 1

# The server goes away: the gateway keeps receiving and answers itself.
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
fake "$G/modem" "$N2" "Bänken vid skolan är sönderslagen"
fake "$G/modem" "$N3" "Han har en kniv och hotar folk vid skolan"
wait_for 30 g "select count(*) from inbound where offline_ref <> '' and answered=1" 2
wait_for 30 g "select count(*) from sendq where server_id is null and state='sent'" 2
wait_for 10 g "select count(*) from sendq where server_id is null and urgent=1 and text glob '112*'" 1
[ "$(ls "$G/modem/sms/1" | wc -l)" = 0 ] || fail "inbox not emptied while the server is down"
for r in $(qg "select offline_ref from inbound where offline_ref <> ''"); do
    case "$r" in "$PREFIX"-*) ;; *) fail "offline ref $r not under prefix $PREFIX" ;; esac
    qg "select text from sendq where server_id is null" | grep -q "$r" || fail "ref $r not told"
done

# A crash between the commit and the delete while the server is down.
kill -9 "$GPID"; wait "$GPID" 2>/dev/null || true; GPID=
fake "$G/modem" "$N2" "Och nu ligger det glas på gången"
TRYGG_SMSGW_CRASH_BEFORE_DELETE=1 "$BIN" -c "$G/smsgw.ini" 2>> "$G/log" || rc=$?
[ "${rc:-0}" = 99 ] || fail "crash hook did not fire (rc ${rc:-0})"
[ "$(ls "$G/modem/sms/1" | wc -l)" = 1 ] || fail "the crash deleted the message"
start_gw
wait_for 20 g "select count(*) from inbound where text='Och nu ligger det glas på gången'" 1
for _ in $(seq 1 100); do [ "$(ls "$G/modem/sms/1" | wc -l)" = 0 ] && break; sleep 0.2; done
[ "$(ls "$G/modem/sms/1" | wc -l)" = 0 ] || fail "inbox not emptied after the crash"

# The server is back (same port): everything uploaded exactly once, each
# offline receipt the stored reference.
sed -i "s|^port *=.*|port = $PORT|" "$D/server.ini"
it_start
wait_for 60 g "select count(*) from inbound where state='pending'" 0
wait_for 10 s "select count(*) from items where channel='sms'" 4
[ "$(qs "select count(*) from items where text='Och nu ligger det glas på gången'")" = 1 ] \
    || fail "stored twice"
for r in $(qg "select offline_ref from inbound where offline_ref <> ''"); do
    [ "$(qs "select count(*) from items where ref='$r'")" = 1 ] || fail "offline ref $r not stored"
done
[ "$(qs "select count(*) from items where urgent=1")" = 1 ] || fail "urgent text not raised"

# STOPP: confirmation sent, the server's contact stopped, the gateway's
# copy of the number erased.
fake "$G/modem" "$N1" "STOPP"
wait_for 30 s "select count(*) from contacts where stopped=1" 1
wait_for 30 g "select count(*) from numbers where stopped=1 and cipher is null" 1

kill -TERM "$GPID"; wait "$GPID" || fail "unclean gateway exit"; GPID=
qs "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
# The server's files: no number in any written form, no ciphertext at all.
[ "$(qs "select count(*) from contacts where cipher is not null and length(cipher) > 0")" = 0 ] \
    || fail "a ciphertext reached the server"
for n in 701220001 701220002 701220003; do
    hits=$(grep -rlaF -- "$n" "$D" 2>/dev/null | grep -v "^$G" || true)
    [ -z "$hits" ] || fail "number $n found on the server side: $hits"
done
# (The grep is not blind: it finds a text in the same database file.)
grep -laF -- "lampan är trasig" "$D/trygg.db" > /dev/null || fail "grep cannot read trygg.db"
echo "it_gateway: ok"
