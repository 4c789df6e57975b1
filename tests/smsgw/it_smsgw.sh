#!/usr/bin/env bash
# it_smsgw.sh — the real trygg-smsgw binary on the Gammu dummy phone:
# config check (-n, file:line errors), texts in and replies out, a call,
# STOP, SIGTERM clean stop, and no phone number anywhere in the data
# directory (database, WAL, log, modem dir, quarantine); after STOPP not
# even the consented call-back number.
# Usage: it_smsgw.sh TRYGG-SMSGW SOURCE-DIR PYTHON3 TRYGGCTL
set -euo pipefail
BIN=$1 SRC=$2 PY=$3 CTL=$4
export LC_ALL=C LANG=C
D=$(mktemp -d "${TMPDIR:-/tmp}/it-smsgw-XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- log" >&2; cat "$D/log" >&2 2>/dev/null || true; exit 1; }
fake() { "$PY" "$SRC/tools/fake-sms" "$@" >/dev/null; }
q() { sqlite3 "$D/trygg.db" "$1"; }
wait_for() { # seconds, sql, expected
    local end=$((SECONDS + $1))
    while [ $SECONDS -lt $end ]; do
        [ "$(q "$2" 2>/dev/null)" = "$3" ] && return 0
        sleep 0.2
    done
    fail "timeout waiting for [$2] = $3 (got $(q "$2" 2>/dev/null))"
}

"$CTL" -d "$D" init >/dev/null
sed "s|@DATA@|$D|g; s|@PORT@|8080|g" "$SRC/assets/config/smsgw.ini" > "$D/smsgw.ini"
sed 's/^email =.*/email = jour@example.se/' "$SRC/assets/config/routing.ini" > "$D/routing.ini"

# -n: the shipped config is valid; a typo is reported as file:line.
"$BIN" -n -c "$D/smsgw.ini" > "$D/n.out" 2> "$D/n.err" || fail "-n on the default config"
grep -q ': ok' "$D/n.out" || fail "-n on the default config: $(cat "$D/n.out")"
! grep -q 'WARNING' "$D/n.out" "$D/n.err" || fail "-n warned with an on-call address set"
# With no on-call address urgent texts alert nobody: -n says so loudly.
cp "$D/routing.ini" "$D/routing.oncall"
cp "$SRC/assets/config/routing.ini" "$D/routing.ini"
"$BIN" -n -c "$D/smsgw.ini" > "$D/n.out" 2> "$D/n.err" || fail "-n without on-call"
grep -q 'WARNING: no on-call address' "$D/n.out" "$D/n.err" || fail "-n: no on-call warning"
mv "$D/routing.oncall" "$D/routing.ini"
printf '[modem]\ndevice = %s/modem\ndevcie = typo\n[paths]\n' "$D" > "$D/bad.ini"
if "$BIN" -n -c "$D/bad.ini" 2> "$D/bad.err"; then fail "-n accepted a bad config"; fi
grep -q "bad.ini:3: unknown key 'devcie'" "$D/bad.err" || fail "no file:line error: $(cat "$D/bad.err")"
grep -q "database is required" "$D/bad.err" || fail "missing key not reported"
sed "s|^number_key = .*|number_key = $D/keys/missing.key|" "$D/smsgw.ini" > "$D/nokey.ini"
if "$BIN" -n -c "$D/nokey.ini" 2> "$D/nokey.err"; then fail "-n accepted a missing key"; fi
grep -q "missing.key" "$D/nokey.err" || fail "missing key file not named: $(cat "$D/nokey.err")"

"$BIN" -c "$D/smsgw.ini" 2> "$D/log" & PID=$!
N1=+46701110001 N2=+46701110002 N3=+46701110003 N4=0701110004
fake "$D/modem" "$N1" "Det är mörkt vid ån och lampan är trasig"
fake "$D/modem" "$N2" "مرحبا، الإضاءة مكسورة في الحديقة 🙏"
fake --reverse "$D/modem" "$N3" "$(printf 'Lång text om bråk vid torget %.0s' $(seq 1 12))"
fake "$D/modem" "$N4" "Hjälp"
wait_for 30 "select count(*) from items where channel='sms'" 3
wait_for 30 "select count(*) from sms_out where status='sent'" 4
[ "$(ls "$D/modem/sms/1" | wc -l)" = 0 ] || fail "inbox not emptied"
q "select text from items" | grep -q 'الإضاءة مكسورة في الحديقة 🙏' || fail "Arabic/emoji text not stored exactly"
[ "$(q "select count(*) from items where text like 'Lång text om bråk vid torget %' and incomplete=0")" = 1 ] \
    || fail "multipart not joined"

# Urgent: raised, 112 first in the reply, the on-call address notified.
fake "$D/modem" +46701110005 "Han har en kniv och hotar folk vid skolan"
wait_for 20 "select count(*) from items where urgent=1" 1
wait_for 20 "select count(*) from sms_out where text glob '112*' and status='sent'" 1
wait_for 10 "select count(*) from notify_out where destination='oncall' and channel='email' and payload like '%jour@example.se%'" 1

# A call: hung up, counted, answered by SMS; RING makes a call-back item.
fake --call "$D/modem"
wait_for 20 "select count from smsgw_counters where name='calls'" 1
wait_for 20 "select count(*) from sms_out where text glob '*RING*' and status='sent'" 1
fake "$D/modem" +800123456 "RING"
wait_for 20 "select count(*) from items where kind='callback' and consent=1" 1

# A call from a given number (fake-sms --call DIR NUMBER): answered too.
fake --call "$D/modem" +46701110007
wait_for 20 "select count from smsgw_counters where name='calls'" 2
wait_for 20 "select count(*) from sms_out where text glob '*RING*' and status='sent'" 2

# STOP: confirmation sent, contact stopped, ciphertext gone.
fake "$D/modem" "$N1" "STOPP"
wait_for 20 "select count(*) from contacts where stopped=1 and (cipher is null or length(cipher)=0)" 1
wait_for 20 "select status from sms_out where author='smsgw-stop'" sent

# A full dialogue with a Swedish number: a tip, a reply in its thread, a
# call, RING (call-back with consent), then STOPP. While consent holds the
# number is readable in the call-back item's contact only; after STOPP it is
# nowhere in the data directory, in none of its written forms.
N8=+46701110008
fake "$D/modem" "$N8" "Det luktar rök i källaren på Storgatan"
wait_for 20 "select count(*) from items where text like 'Det luktar rök%'" 1
fake "$D/modem" "$N8" "Det är i trapphus B"
wait_for 20 "select count(*) from messages where text = 'Det är i trapphus B'" 1
fake --call "$D/modem" "$N8"
wait_for 20 "select count from smsgw_counters where name='calls'" 3
fake "$D/modem" "$N8" "RING"
wait_for 20 "select count(*) from items where kind='callback' and contact='$N8' and consent=1" 1
[ "$(sqlite3 "$D/trygg.db" .dump | grep -c 701110008)" = 1 ] || fail "call-back number outside its item"
fake "$D/modem" "$N8" "STOPP"
wait_for 20 "select count(*) from items where kind='callback' and contact='' and consent=0 and alias=(select alias from items where text like 'Det luktar rök%')" 1
wait_for 20 "select count(*) from contacts c join items i on i.sender = c.pseudonym where i.text like 'Det luktar rök%' and c.stopped=1 and c.cipher is null" 1
wait_for 20 "select count(*) from sms_out where author='smsgw-stop' and status='sent'" 2
q "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
for form in +46701110008 0701110008 46701110008 701110008; do
    hits=$(grep -rlaF -- "$form" "$D" 2>/dev/null | grep -v '\.ini$' || true)
    [ -z "$hits" ] || fail "number $form found after STOPP in: $hits"
done

# Health row for the server.
h=$(q "select json from health where component='smsgw'")
echo "$h" | grep -q '"signal":42' || fail "no modem health stored: $h"

# SIGTERM: clean stop, exit 0.
kill -TERM "$PID"
rc=0; wait "$PID" || rc=$?
PID=
[ $rc = 0 ] || fail "exit code $rc after SIGTERM"
grep -q "stopping:" "$D/log" || fail "no clean stop logged"

# No number in plain text in the logs or the database (the one call-back
# number with consent is allowed in its item's contact field only).
# The whole data directory: database, WAL, log, modem dummy dir (incl. sent
# messages) and quarantine.
for n in 701110001 701110002 701110003 701110004 701110005 701110006 701110007 701110008; do
    hits=$(grep -rlaF -- "$n" "$D" 2>/dev/null | grep -v '\.ini$' || true)
    [ -z "$hits" ] || fail "number $n found in: $hits"
    sqlite3 "$D/trygg.db" .dump | grep -q "$n" && fail "number $n in the database dump"
done
# (The grep does see the consented number in the database file: the check
# above is not blind.)
grep -rlaF -- 800123456 "$D" | grep -q '/trygg\.db' || fail "grep cannot see the consented number"
hits=$(grep -rlaF -- 800123456 "$D" 2>/dev/null | grep -v '\.ini$' | grep -v '/trygg\.db' || true)
[ -z "$hits" ] || fail "caller number outside the database: $hits"
[ "$(sqlite3 "$D/trygg.db" .dump | grep -c 800123456)" = 1 ] || fail "call-back number outside its item"
# Reconnect with backoff: the modem is missing at start (the dummy phone's
# device is a plain file), then appears; the gateway connects and works.
R=$D/re
mkdir -p "$R"
sed "s|^device = .*|device = $R/modem|; s|^quarantine = .*|quarantine = $R/q|" "$D/smsgw.ini" > "$R/smsgw.ini"
: > "$R/modem"
"$BIN" -c "$R/smsgw.ini" 2> "$D/log" & PID=$!
wait_for 20 "select json like '%\"connected\":false%' from health where component='smsgw'" 1
sleep 2
grep -q "next try in" "$D/log" || fail "no backoff logged"
rm "$R/modem"; mkdir "$R/modem"
fake "$R/modem" +46701110006 "Nu fungerar modemet igen"
wait_for 30 "select count(*) from items where text='Nu fungerar modemet igen'" 1
grep -q "modem connected" "$D/log" || fail "no reconnect logged"
kill -TERM "$PID"; wait "$PID" || fail "unclean exit after reconnect"
PID=
echo "it_smsgw: ok"
