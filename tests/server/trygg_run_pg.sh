#!/usr/bin/env bash
# trygg_run_pg.sh — `./trygg run --postgresql` as a new user runs it (issue
# 17: "run the whole system on PostgreSQL with two servers on one machine"):
# it makes a PostgreSQL cluster and a data directory, starts two servers on
# one database behind nginx, and the SMS gateway. Through the front: health,
# a kiosk's report; a text on the dummy phone reaches the queue; both servers
# answer; with one server killed -9 the front still takes reports and the
# supervisor brings it back; its cluster syncs to disk (fsync on); SIGTERM
# stops everything (no postgres, nginx or server left); a second run reuses
# the data (the items are still there, no new demo user).
# usage: trygg_run_pg.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
SRC=$1
BUILD=$2
T=$(mktemp -d /tmp/trygg-run-pg.XXXXXX)
chmod 0755 "$T" # the cluster runs as the postgres user when we are root
RUN_PID=""
fail() {
    echo "FAIL: $*" >&2
    echo "--- ./trygg run output" >&2
    tail -40 "$T/run.log" >&2 2>/dev/null || true
    exit 1
}
cleanup() {
    if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then
        kill -TERM "$RUN_PID" 2>/dev/null || true
        for _ in $(seq 1 150); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.1; done
        pkill -KILL -f -- "$T/" 2>/dev/null || true
    fi
    bash "$SRC/tests/pg/cluster.sh" stop "$T/pg" >/dev/null 2>&1 || true
    rm -rf "$T"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# three ports in a row: the front, server 1, server 2
for _ in $(seq 1 50); do
    P=$(free_port)
    python3 -c "import socket,sys
for p in ($P+1, $P+2):
    s=socket.socket(); s.bind(('127.0.0.1', p)); s.close()" 2>/dev/null && break
done
export TRYGG_DATA="$T/data" TRYGG_PORT="$P" TRYGG_PG_DIR="$T/pg" TRYGG_BUILD_DIR="$BUILD"
export TRYGG_SUPERVISE_DIR="$T/sup" # tools/supervise keeps each child's pid there
mkdir -p "$T/sup"
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
unset DISPLAY WAYLAND_DISPLAY
URL="postgresql:///trygg?host=$T/pg&port=5432&user=trygg"
CTL="$BUILD/shared/tryggctl/tryggctl"

start() {
    : > "$T/run.log"
    "$SRC/trygg" run --postgresql >> "$T/run.log" 2>&1 &
    RUN_PID=$!
    for _ in $(seq 1 600); do
        grep -q "^Trygg is ready" "$T/run.log" && return 0
        kill -0 "$RUN_PID" 2>/dev/null || fail "./trygg run --postgresql ended"
        sleep 0.1
    done
    fail "./trygg run --postgresql did not get ready in 60 s"
}
stop() {
    kill -TERM "$RUN_PID"
    for _ in $(seq 1 300); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$RUN_PID" 2>/dev/null && fail "./trygg run did not stop on SIGTERM"
    RUN_PID=""
    sleep 0.5
    if pgrep -f -- "$T/" >/dev/null; then
        pgrep -fa -- "$T/" >&2
        fail "something of the run is still running after it stopped"
    fi
}
wait_list() { # wait_list TEXT: the queue (tryggctl list on PostgreSQL) shows TEXT
    for _ in $(seq 1 100); do
        TRYGG_DATABASE="$URL" "$CTL" list 2>/dev/null | grep -qF -- "$1" && return 0
        sleep 0.2
    done
    fail "'$1' is not in the queue"
}
submit() { # submit UUID TEXT -> HTTP status, through the front
    local token body
    token=$(cat "$T/data/kiosk-token")
    body="{\"uuid\":\"$1\",\"kind\":\"fault\",\"category\":\"stairwell\",\"area\":\"centrum\",\"text\":\"$2\"}"
    curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' --data-binary "$body" "http://127.0.0.1:$P/api/v1/submissions"
}

start
grep -q "two servers on one database: http://127.0.0.1:$((P + 1))/ and http://127.0.0.1:$((P + 2))/" \
    "$T/run.log" || fail "the run does not say where its two servers are"
grep -q "Staff login:   user 'demo', password: [^ (]" "$T/run.log" || fail "no first-run password"
healthy() { # healthy PORT: /healthz answers 200 within 30 s (the servers start under the run)
    for _ in $(seq 1 150); do
        [ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/healthz")" = 200 ] &&
            return 0
        sleep 0.2
    done
    return 1
}
for port in "$P" $((P + 1)) $((P + 2)); do
    healthy "$port" || fail "/healthz on port $port"
done
grep -q '^database = postgresql:' "$T/data/server.ini" || fail "server.ini does not name the database"
# unlike the tests' clusters, the one a resident's data goes into syncs to disk
[ "$(psql -Atq "$URL" -c 'SHOW fsync')" = on ] || fail "the run's cluster has fsync off"
[ "$(psql -Atq "$URL" -c 'SHOW synchronous_commit')" = on ] || fail "synchronous_commit is off"
[ "$(submit 7d1c0d52-0a1b-4c2d-8e3f-000000000001 'Trasig lampa i trapphuset')" = 201 ] ||
    fail "a kiosk report through the front"
wait_list "Trasig lampa i trapphuset"
"$SRC/trygg" sms +46701234567 'Klotter i tunneln' >/dev/null
wait_list "Klotter i tunneln"
# Server 1 killed: the front still takes a report (so server 2 is behind it:
# the supervisor waits a second before it starts server 1 again).
victim=$(cat "$T/sup/trygg-server.pid")
[ "$(readlink "/proc/$victim/exe")" = "$(readlink -f "$BUILD/server/trygg-server")" ] ||
    fail "no trygg-server process for server 1"
kill -9 "$victim"
code=$(submit 7d1c0d52-0a1b-4c2d-8e3f-000000000002 'Dörren slår igen')
case "$code" in 200 | 201) ;; *) fail "with server 1 dead the front answered $code" ;; esac
wait_list "Dörren slår igen"
healthy $((P + 1)) || fail "server 1 did not come back"
[ "$(cat "$T/sup/trygg-server.restarts" 2>/dev/null)" = 1 ] || fail "server 1 was not restarted once"
stop
echo "ok   first run: two servers behind nginx on PostgreSQL, report, text, a server killed"

start
healthy "$P" || fail "/healthz on the front after the second start"
grep -q "creating data directory" "$T/run.log" && fail "the second run made the data directory again"
grep -q "password: (shown at the first run" "$T/run.log" || fail "the second run made a new demo user"
wait_list "Klotter i tunneln"
wait_list "Dörren slår igen"
stop
echo "ok   second run: the same data, stopped cleanly"
