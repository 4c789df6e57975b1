#!/usr/bin/env bash
# it_supervise.sh — each part keeps running when another dies, as under
# ./trygg run: the real trygg-server and the real trygg-smsgw (Gammu dummy
# phone), each with its own data directory and each under tools/supervise.
# kill -9 the server: the gateway keeps its pid and keeps receiving and
# answering texters, the server comes back by itself and gets the text
# exactly once. kill -9 the gateway: the server keeps its pid, the gateway
# comes back and new texts arrive. Stopping the supervisors stops everything.
# Usage: it_supervise.sh TRYGG-SMSGW SOURCE-DIR PYTHON3 TRYGGCTL TRYGG-SERVER
set -euo pipefail
BIN=$1 SRC=$2 PY=$3 CTL=$4 SERVER=$5
ASSETS=$SRC/assets
export LC_ALL=C LANG=C
. "$SRC/tests/server/lib_it.sh"
it_setup supervise # D: the server's data directory
G=$D/gateway-host
S=$D/supervise
mkdir -p "$G/keys" "$S"
export TRYGG_SUPERVISE_DIR=$S
SUP_S= SUP_G=
stop_all() {
    [ -n "$SUP_S" ] && kill "$SUP_S" 2>/dev/null
    [ -n "$SUP_G" ] && kill "$SUP_G" 2>/dev/null
    wait 2>/dev/null
    it_cleanup
}
trap stop_all EXIT
fail() { echo "FAIL: $*" >&2; echo "--- supervisors" >&2; cat "$S/log" >&2 2>/dev/null || true; echo "--- gateway log" >&2; tail -20 "$G/log" >&2 2>/dev/null || true; echo "--- server log" >&2; tail -20 "$D/log" >&2 2>/dev/null || true; exit 1; }
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
pid_of() { cat "$S/$1.pid" 2>/dev/null; }
healthy() { curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; }
wait_new_pid() { # name, old pid
    local end=$((SECONDS + 30)) p
    while [ $SECONDS -lt $end ]; do
        p=$(pid_of "$1")
        [ -n "$p" ] && [ "$p" != "$2" ] && kill -0 "$p" 2>/dev/null && return 0
        sleep 0.2
    done
    fail "$1 was not restarted"
}

# A fixed port: the gateway's [server] url must still be right after a restart.
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
it_data "s|^port = .*|port = $PORT|"
cp "$D/keys/pseudonym.key" "$G/keys/pseudonym.key"
mv "$D/gateway-number.key" "$G/keys/number.key"
chmod 600 "$G/keys/"*
"$CTL" -d "$D" gateway add gw-1 > "$G/token" 2> /dev/null
sed "s|@DATA@|$G|g; s|@PORT@|$PORT|g" "$ASSETS/config/smsgw.ini" > "$G/smsgw.ini"

"$SRC/tools/supervise" trygg-server "$SERVER" -c "$D/server.ini" 2>> "$S/log" >> "$D/log" &
SUP_S=$!
"$SRC/tools/supervise" trygg-smsgw "$BIN" -c "$G/smsgw.ini" 2>> "$S/log" >> "$G/log" &
SUP_G=$!
end=$((SECONDS + 30))
until healthy; do [ $SECONDS -lt $end ] || fail "server did not start"; sleep 0.2; done

fake "$G/modem" +46701330001 "Det är mörkt vid ån"
wait_for 30 s "select count(*) from items where channel='sms'" 1

# The server dies: the gateway keeps its pid, receives and answers.
SPID=$(pid_of trygg-server) GPID=$(pid_of trygg-smsgw)
kill -9 "$SPID"
fake "$G/modem" +46701330002 "Bänken vid skolan är sönderslagen"
wait_new_pid trygg-server "$SPID"
end=$((SECONDS + 30))
until healthy; do [ $SECONDS -lt $end ] || fail "server did not come back"; sleep 0.2; done
wait_for 60 s "select count(*) from items where channel='sms'" 2
wait_for 30 g "select count(*) from sendq where state='sent'" 2 # both texters answered
[ "$(pid_of trygg-smsgw)" = "$GPID" ] || fail "the gateway was restarted when the server died"
kill -0 "$GPID" || fail "the gateway died with the server"
grep -q "trygg-server: killed by signal 9; the other parts keep running; restart 1" "$S/log" \
    || fail "the restart was not reported"

# The gateway dies: the server keeps its pid; the gateway comes back.
SPID=$(pid_of trygg-server)
kill -9 "$GPID"
wait_new_pid trygg-smsgw "$GPID"
fake "$G/modem" +46701330003 "Klotter i tunneln igen"
wait_for 60 s "select count(*) from items where channel='sms'" 3
[ "$(pid_of trygg-server)" = "$SPID" ] || fail "the server was restarted when the gateway died"
healthy || fail "the server stopped answering when the gateway died"
# Every text once.
[ "$(qs "select count(*) from items where channel='sms'")" = 3 ] || fail "items not exactly once"

# Stopping the supervisors stops the daemons (no orphans).
SPID=$(pid_of trygg-server) GPID=$(pid_of trygg-smsgw)
kill "$SUP_S" "$SUP_G"
wait "$SUP_S" "$SUP_G" 2>/dev/null || true
SUP_S= SUP_G=
sleep 0.5
kill -0 "$SPID" 2>/dev/null && fail "server still running after its supervisor stopped"
kill -0 "$GPID" 2>/dev/null && fail "gateway still running after its supervisor stopped"
echo "it_supervise: ok"
