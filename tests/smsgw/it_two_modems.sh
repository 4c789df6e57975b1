#!/usr/bin/env bash
# it_two_modems.sh — the real trygg-smsgw with two modems ([modem2],
# docs/smsgw.md "Two modems"), each a Gammu dummy phone in a directory of its
# own, as a client of the real trygg-server (tests/server/lib_it.sh): texts
# arrive on both and each is answered on the modem it came to; the first
# modem dies (its directory is taken away): texts on the second are still
# read and answered, and a staff reply to a texter of the first goes out on
# the second; texts that waited on the first are stored once when it is
# back; nothing is sent twice; both modems in the health record.
# Usage: it_two_modems.sh TRYGG-SMSGW SOURCE-DIR PYTHON3 TRYGGCTL TRYGG-SERVER
set -euo pipefail
BIN=$1 SRC=$2 PY=$3 CTL=$4 SERVER=$5
ASSETS=$SRC/assets
export LC_ALL=C LANG=C
. "$SRC/tests/server/lib_it.sh"
it_setup twomodems # D: the server's data directory
G=$D/gateway-host   # the gateway's own
GPID=
stop_all() { [ -n "$GPID" ] && kill -9 "$GPID" 2>/dev/null; it_cleanup; }
trap stop_all EXIT
fail() { echo "FAIL: $*" >&2; echo "--- gateway log" >&2; cat "$G/log" >&2 2>/dev/null || true; echo "--- server log" >&2; tail -20 "$D/log" >&2 2>/dev/null || true; exit 1; }
fake() { "$PY" "$SRC/tools/fake-sms" "$@" >/dev/null; }
qs() { sqlite3 "$D/trygg.db" "$1"; }
qg() { sqlite3 "$G/smsgw.db" "$1"; }
SLOW=${TRYGG_IT_SLOW:-1} # under valgrind (smsgw_valgrind_it_two_modems) every wait is longer
wait_for() { # seconds, s|g, sql, expected
    local end=$((SECONDS + $1 * SLOW))
    while [ $SECONDS -lt $end ]; do
        [ "$(q$2 "$3" 2>/dev/null)" = "$4" ] && return 0
        sleep 0.2
    done
    fail "timeout waiting for [$3] = $4 (got $(q$2 "$3" 2>/dev/null))"
}
# The modem a reply whose text contains $1 went out on.
sent_on() { qg "select group_concat(modem) from sendq where state in ('sent','delivered') and text like '%$1%'"; }

it_data
it_start
mkdir -p "$G/keys"
cp "$D/keys/pseudonym.key" "$G/keys/pseudonym.key"
mv "$D/gateway-number.key" "$G/keys/number.key" # only the gateway host has it
chmod 600 "$G/keys/"*
"$CTL" -d "$D" gateway add gw-2 > "$G/token" 2>/dev/null
sed "s|@DATA@|$G|g; s|@PORT@|$PORT|g" "$ASSETS/config/smsgw.ini" > "$G/smsgw.ini"
printf '\n[modem2]\nmodel = dummy\nconnection = none\ndevice = %s/modem2\n' "$G" >> "$G/smsgw.ini"
# Short watchdog steps, quick retries.
sed -i 's/^step_wait = .*/step_wait = 5/; s/^retry_base = .*/retry_base = 1/; s/^retry_max = .*/retry_max = 2/' "$G/smsgw.ini"

# -n checks [modem2] like [modem].
"$BIN" -n -c "$G/smsgw.ini" > /dev/null 2> "$G/n.err" || fail "-n: $(cat "$G/n.err")"
sed "s|^device = $G/modem2|device = $G/modem|" "$G/smsgw.ini" > "$G/same.ini"
if "$BIN" -n -c "$G/same.ini" 2> "$G/same.err"; then fail "-n accepted one device twice"; fi
grep -q "one modem cannot be two" "$G/same.err" || fail "same device not named: $(cat "$G/same.err")"

"$BIN" -c "$G/smsgw.ini" 2>> "$G/log" & GPID=$!
N1=+46701330001 N2=+46701330002 N3=+46701330003
wait_for 20 g "select count(*) from meta where name='health' and value like '%\"modem2\":{\"connected\":true%'" 1
fake "$G/modem" "$N1" "Trasig gatlampa vid ån"
fake "$G/modem2" "$N2" "Klotter på skolans vägg"
wait_for 30 s "select count(*) from items where channel='sms'" 2
wait_for 30 g "select count(*) from sendq where state='sent'" 2
[ "$(qg "select modem from inbound where text='Trasig gatlampa vid ån'")" = 1 ] || fail "N1's text not from modem 1"
[ "$(qg "select modem from inbound where text='Klotter på skolans vägg'")" = 2 ] || fail "N2's text not from modem 2"
REF1=$(qs "select ref from items where text='Trasig gatlampa vid ån'")
REF2=$(qs "select ref from items where text='Klotter på skolans vägg'")
[ "$(sent_on "$REF1")" = 1 ] || fail "N1's answer not on modem 1 ($(sent_on "$REF1"))"
[ "$(sent_on "$REF2")" = 2 ] || fail "N2's answer not on modem 2 ($(sent_on "$REF2"))"
[ "$(ls "$G/modem/sms/1" | wc -l)" = 0 ] && [ "$(ls "$G/modem2/sms/1" | wc -l)" = 0 ] \
    || fail "inboxes not emptied"

# The first modem dies: the gateway restarts and finds a plain file where
# its dummy phone's directory was (Gammu's dummy phone does not notice its
# directory going away while connected), so it stays disconnected.
kill -TERM "$GPID"; wait "$GPID" || fail "unclean gateway exit"; GPID=
mv "$G/modem" "$G/modem.away"
: > "$G/modem"
"$BIN" -c "$G/smsgw.ini" 2>> "$G/log" & GPID=$!
fake "$G/modem.away" "$N1" "Nu är det mörkt på hela gatan" # waits on the dead modem
fake "$G/modem2" "$N3" "Vattenläcka vid torget"
wait_for 30 s "select count(*) from items where channel='sms'" 3
REF3=$(qs "select ref from items where text='Vattenläcka vid torget'")
wait_for 30 g "select count(*) from sendq where state='sent' and text like '%$REF3%'" 1
[ "$(sent_on "$REF3")" = 2 ] || fail "N3's answer not on modem 2"
# A staff reply to N1 (who wrote to the first modem) goes out on the second.
P1=$(qs "select sender from items where ref='$REF1'")
qs "insert into sms_out (item_id, recipient, text, author, created, next_attempt) values ((select id from items where ref='$REF1'), '$P1', 'Vi byter lampan i morgon', 'anna', strftime('%s','now'), 0)"
wait_for 30 s "select status from sms_out where author='anna'" sent
[ "$(sent_on "Vi byter lampan")" = 2 ] || fail "staff reply not on modem 2 ($(sent_on "Vi byter lampan"))"
wait_for 20 g "select count(*) from meta where name='health' and value like '{\"connected\":false%'" 1

# The first modem is back: what waited on it is read, stored once, answered.
rm -f "$G/modem"
mv "$G/modem.away" "$G/modem"
wait_for 90 g "select count(*) from inbound where text='Nu är det mörkt på hela gatan'" 1
wait_for 30 s "select count(*) from sms_out where status='sent'" 5
for _ in $(seq 1 $((100 * SLOW))); do [ "$(ls "$G/modem/sms/1" | wc -l)" = 0 ] && break; sleep 0.2; done
[ "$(ls "$G/modem/sms/1" | wc -l)" = 0 ] || fail "the first modem's inbox not emptied"

kill -TERM "$GPID"; wait "$GPID" || fail "unclean gateway exit"; GPID=
# Each text stored once (3 items, N1's second text in its thread), each
# reply sent once, on one modem.
[ "$(qs "select count(*) from items where channel='sms'")" = 3 ] || fail "items: $(qs "select count(*) from items where channel='sms'")"
[ "$(qg "select count(*) from inbound")" = 4 ] || fail "inbound rows: $(qg "select count(*) from inbound")"
[ "$(qg "select count(*) from sendq where state in ('sent','delivered')")" = 5 ] \
    || fail "sent: $(qg "select state, modem, text from sendq")"
[ "$(qg "select count(*) from sendq where modem not in (1, 2)")" = 0 ] || fail "a row sent on no modem"
grep -q "modem: .*next try in" "$G/log" || fail "the first modem's backoff not logged"
grep -q "modem connected" "$G/log" || fail "the first modem's return not logged"
echo "it_two_modems: ok"
