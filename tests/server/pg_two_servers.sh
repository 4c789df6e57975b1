#!/usr/bin/env bash
# pg_two_servers.sh — two real trygg-server processes on one PostgreSQL
# database (the throw-away cluster of the ctest fixture `pg`, TRYGG_TEST_PG):
# tryggctl initialises the database through TRYGG_DATABASE; a kiosk submits
# to server A and the item is in server B's queue; a staff login on A is a
# session on B, a logout on B ends it on A; a kill -9 of A loses nothing that
# was acknowledged and B goes on; the connection string (with a password) is
# never written to a log. Then both behind nginx with the repository's
# assets/nginx/trygg.conf (two upstream lines): a staff session and a kiosk
# keep working through the front while one server is killed.
# usage: pg_two_servers.sh TRYGG_SERVER TRYGGCTL
set -euo pipefail
SERVER="$1"
CTL="$2"
ASSETS="${TRYGG_ASSETS:?TRYGG_ASSETS must point at assets/}"
ADMIN="${TRYGG_TEST_PG:?TRYGG_TEST_PG must name the test cluster}"
. "$(dirname "${BASH_SOURCE[0]}")/lib_it.sh"
it_setup pg2
DB="trygg_it_$$"
psql -q "$ADMIN" -c "CREATE DATABASE $DB" >/dev/null
PIDS=()
cleanup_pg() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    it_cleanup
}
trap cleanup_pg EXIT
# A password in the URI (the test cluster trusts local users and ignores
# it): it must never reach a log.
URL="postgresql://trygg:not-in-logs@/${DB}?${ADMIN#*\?}"
export TRYGG_DATABASE="$URL"

"$CTL" -d "$D" init > "$D/init.out"
grep -q "^database PostgreSQL (schema " "$D/init.out" || fail "init: $(cat "$D/init.out")"
mv "$D/keys/number.key" "$D/gateway-number.key"
TOKEN="$("$CTL" -d "$D" kiosk add pg-kiosk --name "PG" --area centrum 2>/dev/null)"
echo 'correct horse battery staple' |
    "$CTL" -d "$D" user add bo --role destination --destination housing --password-stdin >/dev/null
awk -v u="$URL" -v d="$D" '{ if ($0 ~ /^; database = /) print "database = " u;
    else { gsub(/@DATA@/, d); gsub(/@PORT@/, "0"); print } }' \
    "$ASSETS/config/server.ini" > "$D/server.ini"
cp "$ASSETS/config/routing.ini" "$D/routing.ini"
sed -i "s/^trust_proxy = .*/trust_proxy = yes/" "$D/server.ini"
out="$("$SERVER" -n -c "$D/server.ini" 2>&1)" || fail "-n on PostgreSQL: $out"

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
A="http://127.0.0.1:$PORT_A"
B="http://127.0.0.1:$PORT_B"

submit() { # submit BASE UUID -> the reference
    local body="{\"uuid\":\"$2\",\"kind\":\"fault\",\"category\":\"stairwell\",\"area\":\"centrum\",\"text\":\"Trasig lampa i trapphuset $2\"}"
    curl -s --max-time 10 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        --data-binary "$body" "$1/api/v1/submissions" | sed -n 's/.*"ref":"\([^"]*\)".*/\1/p'
}
REF="$(submit "$A" pg-two-0001)"
[ -n "$REF" ] || fail "no reference from server A"
[ "$(submit "$B" pg-two-0001)" = "$REF" ] || fail "the same submission on B got another reference"

# Staff: log in on A, use the session on B.
J="$D/jar"
curl -s -c "$J" -o "$D/login.html" "$A/login"
LT="$(sed -n 's/.*name="login_token" value="\([^"]*\)".*/\1/p' "$D/login.html" | head -1)"
code="$(curl -s -b "$J" -c "$J" -o /dev/null -w '%{http_code}' --data-urlencode "login_token=$LT" \
    --data-urlencode username=bo --data-urlencode 'password=correct horse battery staple' "$A/login")"
[ "$code" = 303 ] || fail "login on A answered $code"
code="$(curl -s -b "$J" -o "$D/queue.html" -w '%{http_code}' "$B/queue")"
[ "$code" = 200 ] || fail "server B did not know the session from A: $code"
grep -q "$REF" "$D/queue.html" || fail "the item submitted to A is not in B's queue"

# kill -9 of A: B answers, the session and the acknowledged item are there.
kill -9 "$PID_A"
wait "$PID_A" 2>/dev/null || true
REF2="$(submit "$B" pg-two-0002)"
[ -n "$REF2" ] || fail "B did not take a submission after A died"
code="$(curl -s -b "$J" -o "$D/queue2.html" -w '%{http_code}' "$B/queue")"
[ "$code" = 200 ] || fail "the session did not survive A's death: $code"
grep -q "$REF" "$D/queue2.html" && grep -q "$REF2" "$D/queue2.html" || fail "items missing on B"

# A comes back; a logout on B ends the session everywhere.
start A
A="http://127.0.0.1:$PORT_A"
CSRF="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$D/queue2.html" | head -1)"
[ -n "$CSRF" ] || fail "no CSRF token on the queue page"
curl -s -b "$J" -o /dev/null --data-urlencode "csrf=$CSRF" "$B/logout"
code="$(curl -s -b "$J" -o /dev/null -w '%{http_code}' "$A/queue")"
[ "$code" = 303 ] || fail "the session lived on A after logging out on B: $code"

! grep -q "not-in-logs" "$D"/*.log || fail "the connection string's password is in a log"
echo "ok   two servers on one PostgreSQL database: $REF, $REF2"

# ---- Both behind nginx (a temporary prefix, never a system service).
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || fail "nginx not installed (deps/debian-packages.txt: nginx-light)"
N="$D/nginx"
mkdir -p "$N/tmp"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$N/key.pem" -out "$N/cert.pem" 2>/dev/null ||
    fail "openssl"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTPS="$(free_port)"
HTTP="$(free_port)"
cp "$ASSETS/nginx/trygg.conf" "$N/trygg.conf"
subst() { # subst FROM TO: replace a line of the config that must be there
    grep -qF -- "$1" "$N/trygg.conf" || fail "assets/nginx/trygg.conf has no '$1'"
    FROM="$1" TO="$2" python3 -c 'import os,sys; p=sys.argv[1]; s=open(p).read(); open(p,"w").write(s.replace(os.environ["FROM"], os.environ["TO"], 1))' "$N/trygg.conf"
}
subst "server 127.0.0.1:8080 " "server 127.0.0.1:$PORT_A "
subst "# server 127.0.0.1:8081 " "server 127.0.0.1:$PORT_B "
subst "listen 443 ssl http2;" "listen 127.0.0.1:$HTTPS ssl http2;"
subst "listen 80;" "listen 127.0.0.1:$HTTP;"
subst "/etc/letsencrypt/live/trygg.example.se/fullchain.pem" "$N/cert.pem"
subst "/etc/letsencrypt/live/trygg.example.se/privkey.pem" "$N/key.pem"
USERLINE=""
[ "$(id -u)" = 0 ] && USERLINE="user root;"
cat > "$N/nginx.conf" <<NGX
$USERLINE
worker_processes 1;
pid $N/nginx.pid;
error_log $N/error.log info;
events { worker_connections 256; }
http {
    access_log $N/access.log;
    client_body_temp_path $N/tmp/body;
    proxy_temp_path $N/tmp/proxy;
    fastcgi_temp_path $N/tmp/fastcgi;
    uwsgi_temp_path $N/tmp/uwsgi;
    scgi_temp_path $N/tmp/scgi;
    include $N/trygg.conf;
}
NGX
"$NGINX" -t -p "$N" -e "$N/error.log" -c "$N/nginx.conf" >/dev/null 2>&1 || fail "nginx -t"
"$NGINX" -p "$N" -e "$N/error.log" -c "$N/nginx.conf" -g 'daemon off;' &
PIDS+=("$!")
F="https://127.0.0.1:$HTTPS"
C=(curl -s --max-time 10 --cacert "$N/cert.pem")
for _ in $(seq 1 100); do "${C[@]}" -o /dev/null "$F/healthz" && break; sleep 0.1; done
J2="$D/jar2"
"${C[@]}" -c "$J2" -o "$D/login2.html" "$F/login"
LT="$(sed -n 's/.*name="login_token" value="\([^"]*\)".*/\1/p' "$D/login2.html" | head -1)"
code="$("${C[@]}" -b "$J2" -c "$J2" -o /dev/null -w '%{http_code}' --data-urlencode "login_token=$LT" \
    --data-urlencode username=bo --data-urlencode 'password=correct horse battery staple' "$F/login")"
[ "$code" = 303 ] || fail "login through nginx answered $code"
ok=0
for i in $(seq 1 6); do # several requests: nginx spreads them over both servers
    [ "$("${C[@]}" -b "$J2" -o /dev/null -w '%{http_code}' "$F/queue")" = 200 ] && ok=$((ok + 1))
done
[ "$ok" = 6 ] || fail "only $ok of 6 queue pages through nginx"
kill -9 "$PID_A"
wait "$PID_A" 2>/dev/null || true
ok=0
for i in $(seq 1 6); do
    [ "$("${C[@]}" -b "$J2" -o /dev/null -w '%{http_code}' "$F/queue")" = 200 ] && ok=$((ok + 1))
done
[ "$ok" = 6 ] || fail "with server A dead, only $ok of 6 queue pages through nginx"
body='{"uuid":"pg-two-0003","kind":"fault","category":"stairwell","area":"centrum","text":"Dörren slår igen"}'
code="$("${C[@]}" -o "$D/s3.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary "$body" "$F/api/v1/submissions")"
case "$code" in 200 | 201) ;; *) fail "kiosk submit through nginx with A dead: $code $(cat "$D/s3.json")" ;; esac
echo "ok   behind nginx: the session and a kiosk work while one server is dead"
