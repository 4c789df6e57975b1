#!/usr/bin/env bash
# it_smsgw.sh — the real trygg-smsgw binary on the Gammu dummy phone as a
# client of the real trygg-server (tests/server/lib_it.sh), each on its OWN
# data directory, talking only over HTTP: config check (-n, file:line
# errors, what is missing, the old shared-database setting refused), texts
# in (Arabic, emoji, multipart) and replies out, urgent with on-call, calls
# and RING, a full dialogue ending in STOPP, the gateway's health on the
# server, SIGTERM clean stop, reconnect with backoff, and no phone number
# anywhere in either data directory (after STOPP not even the consented
# call-back number; before, only in its item on the server).
# Usage: it_smsgw.sh TRYGG-SMSGW SOURCE-DIR PYTHON3 TRYGGCTL TRYGG-SERVER
set -euo pipefail
BIN=$1 SRC=$2 PY=$3 CTL=$4 SERVER=$5
ASSETS=$SRC/assets
export LC_ALL=C LANG=C
. "$SRC/tests/server/lib_it.sh"
it_setup smsgw # D: the server's data directory
G=$D/gateway-host # the gateway's own
GPID=
stop_all() { [ -n "$GPID" ] && kill -9 "$GPID" 2>/dev/null; it_cleanup; }
trap stop_all EXIT
fail() { echo "FAIL: $*" >&2; echo "--- gateway log" >&2; cat "$G/log" >&2 2>/dev/null || true; echo "--- server log" >&2; tail -20 "$D/log" >&2 2>/dev/null || true; exit 1; }
fake() { "$PY" "$SRC/tools/fake-sms" "$@" >/dev/null; }
q() { sqlite3 "$D/trygg.db" "$1"; }
wait_for() { # seconds, sql (on the server's database), expected
    local end=$((SECONDS + $1))
    while [ $SECONDS -lt $end ]; do
        [ "$(q "$2" 2>/dev/null)" = "$3" ] && return 0
        sleep 0.2
    done
    fail "timeout waiting for [$2] = $3 (got $(q "$2" 2>/dev/null))"
}

it_data
sed -i 's/^email =.*/email = jour@example.se/' "$D/routing.ini"
grep -q '^email = jour@example.se' "$D/routing.ini" || printf '\n[oncall]\nemail = jour@example.se\n' >> "$D/routing.ini"
it_start
mkdir -p "$G/keys"
cp "$D/keys/pseudonym.key" "$G/keys/pseudonym.key"
mv "$D/gateway-number.key" "$G/keys/number.key" # only the gateway host has it
chmod 600 "$G/keys/"*
"$CTL" -d "$D" gateway add gw-it > "$G/token" 2>/dev/null
sed "s|@DATA@|$G|g; s|@PORT@|$PORT|g" "$ASSETS/config/smsgw.ini" > "$G/smsgw.ini"

# -n: the shipped config is valid; a typo is reported as file:line, and
# what is missing is named.
"$BIN" -n -c "$G/smsgw.ini" > "$G/n.out" 2> "$G/n.err" || fail "-n on the default config: $(cat "$G/n.err")"
grep -q ': ok' "$G/n.out" || fail "-n on the default config: $(cat "$G/n.out")"
printf '[modem]\ndevice = %s/modem\ndevcie = typo\n[paths]\n' "$G" > "$G/bad.ini"
if "$BIN" -n -c "$G/bad.ini" 2> "$G/bad.err"; then fail "-n accepted a bad config"; fi
grep -q "bad.ini:3: unknown key 'devcie'" "$G/bad.err" || fail "no file:line error: $(cat "$G/bad.err")"
grep -q "\[server\] url is required" "$G/bad.err" || fail "missing url not reported"
grep -q "token_file is required" "$G/bad.err" || fail "missing token_file not reported"
grep -q "\[paths\] store is required" "$G/bad.err" || fail "missing store not reported"
# The old shared-database mode is gone: the setting is refused, pointing at [server] url.
sed "s|^store = .*|database = $D/trygg.db|" "$G/smsgw.ini" > "$G/old.ini"
if "$BIN" -n -c "$G/old.ini" 2> "$G/old.err"; then fail "-n accepted [paths] database"; fi
grep -q "old.ini:[0-9]*: \[paths\] database is gone.*\[server\] url" "$G/old.err" \
    || fail "database setting not refused clearly: $(cat "$G/old.err")"
sed "s|^number_key = .*|number_key = $G/keys/missing.key|" "$G/smsgw.ini" > "$G/nokey.ini"
if "$BIN" -n -c "$G/nokey.ini" 2> "$G/nokey.err"; then fail "-n accepted a missing key"; fi
grep -q "missing.key" "$G/nokey.err" || fail "missing key file not named: $(cat "$G/nokey.err")"

"$BIN" -c "$G/smsgw.ini" 2> "$G/log" & GPID=$!
N1=+46701110001 N2=+46701110002 N3=+46701110003 N4=0701110004
fake "$G/modem" "$N1" "Det är mörkt vid ån och lampan är trasig"
fake "$G/modem" "$N2" "مرحبا، الإضاءة مكسورة في الحديقة 🙏"
fake --reverse "$G/modem" "$N3" "$(printf 'Lång text om bråk vid torget %.0s' $(seq 1 12))"
fake "$G/modem" "$N4" "Hjälp"
wait_for 30 "select count(*) from items where channel='sms'" 3
wait_for 30 "select count(*) from sms_out where status='sent'" 4
[ "$(ls "$G/modem/sms/1" | wc -l)" = 0 ] || fail "inbox not emptied"
q "select text from items" | grep -q 'الإضاءة مكسورة في الحديقة 🙏' || fail "Arabic/emoji text not stored exactly"
[ "$(q "select count(*) from items where text like 'Lång text om bråk vid torget %' and incomplete=0")" = 1 ] \
    || fail "multipart not joined"

# Urgent: raised, 112 first in the reply, the on-call address notified.
fake "$G/modem" +46701110005 "Han har en kniv och hotar folk vid skolan"
wait_for 20 "select count(*) from items where urgent=1" 1
wait_for 20 "select count(*) from sms_out where text glob '112*' and status='sent'" 1
wait_for 10 "select count(*) from notify_out where destination='oncall' and channel='email' and payload like '%jour@example.se%'" 1

# A call: hung up, counted, answered by SMS; RING makes a call-back item.
fake --call "$G/modem"
wait_for 20 "select count from smsgw_counters where name='calls'" 1
wait_for 20 "select count(*) from sms_out where text glob '*RING*' and status='sent'" 1
fake "$G/modem" +800123456 "RING"
wait_for 20 "select count(*) from items where kind='callback' and consent=1" 1

# A call from a given number (fake-sms --call DIR NUMBER): answered too.
fake --call "$G/modem" +46701110007
wait_for 20 "select count from smsgw_counters where name='calls'" 2
wait_for 20 "select count(*) from sms_out where text glob '*RING*' and status='sent'" 2

# A full dialogue with a Swedish number: a tip, a reply in its thread, a
# call, RING (call-back with consent), then STOPP. While consent holds the
# number is readable in the call-back item's contact only; after STOPP it is
# nowhere in either data directory, in none of its written forms.
N8=+46701110008
fake "$G/modem" "$N8" "Det luktar rök i källaren på Storgatan"
wait_for 20 "select count(*) from items where text like 'Det luktar rök%'" 1
fake "$G/modem" "$N8" "Det är i trapphus B"
wait_for 20 "select count(*) from messages where text = 'Det är i trapphus B'" 1
fake --call "$G/modem" "$N8"
wait_for 20 "select count from smsgw_counters where name='calls'" 3
fake "$G/modem" "$N8" "RING"
wait_for 20 "select count(*) from items where kind='callback' and contact='$N8' and consent=1" 1
[ "$(sqlite3 "$D/trygg.db" .dump | grep -c 701110008)" = 1 ] || fail "call-back number outside its item"
fake "$G/modem" "$N8" "STOPP"
wait_for 20 "select count(*) from items where kind='callback' and contact='' and consent=0 and alias=(select alias from items where text like 'Det luktar rök%')" 1
wait_for 20 "select count(*) from contacts c join items i on i.sender = c.pseudonym where i.text like 'Det luktar rök%' and c.stopped=1" 1
wait_for 20 "select count(*) from sms_out where author='smsgw-stop' and status='sent'" 1
for _ in $(seq 1 50); do
    [ "$(sqlite3 "$G/smsgw.db" "select count(*) from numbers where stopped=1 and cipher is null")" = 1 ] && break
    sleep 0.2
done
q "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
for form in +46701110008 0701110008 46701110008 701110008; do
    hits=$(grep -rlaF -- "$form" "$D" 2>/dev/null | grep -v '\.ini$' || true)
    [ -z "$hits" ] || fail "number $form found after STOPP in: $hits"
done

# The gateway's health reaches the server (POST /api/v1/gateway/health):
# the record its /healthz, /metrics and channels page read.
wait_for 20 "select json like '%\"signal\":42%' from health where component='smsgw'" 1
h=$(curl -fsS "http://127.0.0.1:$PORT/healthz" 2>/dev/null || true)
[ -z "$h" ] || echo "$h" | grep -q '"smsgw_age_s":[0-9]' || fail "/healthz does not see the gateway: $h"

# SIGTERM: clean stop, exit 0.
kill -TERM "$GPID"
rc=0; wait "$GPID" || rc=$?
GPID=
[ $rc = 0 ] || fail "exit code $rc after SIGTERM"
grep -q "stopping:" "$G/log" || fail "no clean stop logged"

# No number in plain text in the logs or either database (the one call-back
# number with consent is allowed in its item's contact field only). Both
# data directories: databases, WAL, logs, the modem dummy dir (incl. sent
# messages) and quarantine.
for n in 701110001 701110002 701110003 701110004 701110005 701110006 701110007 701110008; do
    hits=$(grep -rlaF -- "$n" "$D" 2>/dev/null | grep -v '\.ini$' || true)
    [ -z "$hits" ] || fail "number $n found in: $hits"
    sqlite3 "$D/trygg.db" .dump | grep -q "$n" && fail "number $n in the server's database dump"
    sqlite3 "$G/smsgw.db" .dump | grep -q "$n" && fail "number $n in the gateway's database dump"
done
# (The grep does see the consented number in the server's database: the
# check above is not blind.)
grep -rlaF -- 800123456 "$D" | grep -q '/trygg\.db' || fail "grep cannot see the consented number"
hits=$(grep -rlaF -- 800123456 "$D" 2>/dev/null | grep -v '\.ini$' | grep -v '/trygg\.db' || true)
[ -z "$hits" ] || fail "caller number outside the server's database: $hits"
[ "$(sqlite3 "$D/trygg.db" .dump | grep -c 800123456)" = 1 ] || fail "call-back number outside its item"

# Reconnect with backoff: the modem is missing at start (the dummy phone's
# device is a plain file), then appears; the gateway connects and works.
R=$G/re
mkdir -p "$R"
sed "s|^device = .*|device = $R/modem|; s|^quarantine = .*|quarantine = $R/q|" "$G/smsgw.ini" > "$R/smsgw.ini"
: > "$R/modem"
"$BIN" -c "$R/smsgw.ini" 2> "$G/log" & GPID=$!
wait_for 20 "select json like '%\"connected\":false%' from health where component='smsgw'" 1
sleep 2
grep -q "next try in" "$G/log" || fail "no backoff logged"
rm "$R/modem"; mkdir "$R/modem"
fake "$R/modem" +46701110006 "Nu fungerar modemet igen"
wait_for 30 "select count(*) from items where text='Nu fungerar modemet igen'" 1
grep -q "modem connected" "$G/log" || fail "no reconnect logged"
kill -TERM "$GPID"; wait "$GPID" || fail "unclean exit after reconnect"
GPID=
echo "it_smsgw: ok"
