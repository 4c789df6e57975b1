#!/usr/bin/env bash
# kill_under_load.sh — several trygg-server instances killed under load
# (issue 17): two servers on one PostgreSQL database (the cluster of the
# ctest fixture `pg`, TRYGG_TEST_PG) behind nginx with the repository's
# assets/nginx/trygg.conf; simulated kiosks with outboxes submitting through
# the HTTPS front (tests/pg/kiosk_load.py); SMS gateways (the real
# trygg-smsgw on Gammu's dummy phone, tools/fake-sms) uploading messages and
# fetching the replies through the front; forwards e-mailed to a real SMTP
# server (python3 -m aiosmtpd). Meanwhile one server after the other is
# killed with kill -9 and started again on its port. Then:
#   - every submission a kiosk got a 2xx for is stored once, with the
#     reference it was acknowledged with; nothing is left in an outbox;
#   - every SMS is stored once and answered exactly once (outbox leases);
#   - every forward is sent (a killed server's claims are taken over when
#     their lease ends, [forward] lease) and in the mailbox, with ONE
#     Message-ID however many copies; copies beyond the first only when a
#     kill landed inside the SMTP hand-over (at most one per kill, never
#     more than the row's recorded hand-overs). Mails and distinct
#     Message-IDs are printed (docs/server.md "Forwarding: what a crash can
#     do").
# usage: kill_under_load.sh TRYGG_SERVER TRYGGCTL TRYGG_SMSGW
# env: KILL_KIOSKS (default 100), KILL_ROUNDS (kills, default 6),
#      KILL_GATEWAYS (default 2), KILL_SMS (messages per gateway, default 40),
#      KILL_GAP (seconds between a kiosk's submissions, default 2),
#      KILL_LEASE ([forward] lease of the servers, default the shipped 60)
set -euo pipefail
SERVER="$1"
CTL="$2"
SMSGW="$3"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$HERE/../.."
ASSETS="${TRYGG_ASSETS:-$SRC/assets}"
ADMIN="${TRYGG_TEST_PG:?TRYGG_TEST_PG must name the test cluster}"
KIOSKS="${KILL_KIOSKS:-100}"
ROUNDS="${KILL_ROUNDS:-6}"
GATEWAYS="${KILL_GATEWAYS:-2}"
NSMS="${KILL_SMS:-40}"
GAP="${KILL_GAP:-2}"
LEASE="${KILL_LEASE:-}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export LC_ALL=C.UTF-8
. "$SRC/tests/server/lib_it.sh"
it_setup killload
DB="trygg_kill_$$"
psql -q "$ADMIN" -c "CREATE DATABASE $DB" >/dev/null
PIDS=()
LOADPID=""
cleanup_kill() {
    [ -n "$LOADPID" ] && kill "$LOADPID" 2>/dev/null
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for n in A B; do
        eval "p=\${PID_$n:-}"
        [ -n "$p" ] && kill "$p" 2>/dev/null || true
    done
    psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    it_cleanup
}
trap cleanup_kill EXIT
q() { psql -X -q -At "$URL" -c "$1"; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

URL="postgresql:///${DB}?${ADMIN#*\?}"
export TRYGG_DATABASE="$URL"
"$CTL" -d "$D" init > /dev/null
mv "$D/keys/number.key" "$D/gateway-number.key"
for i in $(seq 1 "$KIOSKS"); do
    "$CTL" -d "$D" kiosk add "kl-$i" --name "K $i" --area centrum 2>/dev/null
done > "$D/tokens"
SMTP="$(free_port)"
PORT_A="$(free_port)"
PORT_B="$(free_port)"
for n in A B; do
    eval "port=\$PORT_$n"
    awk -v u="$URL" -v d="$D" -v smtp="smtp://127.0.0.1:$SMTP" -v port="$port" -v lease="$LEASE" '
        /^\[/ { section = $0 }
        { if ($0 ~ /^; database = /) print "database = " u;
          else if (section == "[smtp]" && $0 ~ /^url =/) print "url = " smtp;
          else if (section == "[smtp]" && $0 ~ /^starttls =/) print "starttls = no";
          else if ($0 ~ /^trust_proxy = /) print "trust_proxy = yes";
          else if (section == "[forward]" && $0 ~ /^lease =/ && lease != "") print "lease = " lease;
          else { gsub(/@DATA@/, d); gsub(/@PORT@/, port); print } }' \
        "$ASSETS/config/server.ini" > "$D/$n.ini"
done
sed '/^\[destination /a email = forward@kommun.example' "$ASSETS/config/routing.ini" > "$D/routing.ini"
"$PY" -m aiosmtpd -n -l "127.0.0.1:$SMTP" -c aiosmtpd.handlers.Mailbox "$D/mail" &
PIDS+=("$!")

start() { # start NAME: the server on its port (PORT_<NAME>), pid into PID_<NAME>
    eval "local port=\$PORT_$1"
    "$SERVER" -c "$D/$1.ini" 2>> "$D/$1.log" &
    eval "PID_$1=$!"
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && return 0
        sleep 0.1
    done
    tail "$D/$1.log"
    fail "server $1 did not start"
}
start A
start B

# ---- nginx: the repository's front (HTTPS for the kiosks) and, for the
# gateways (plain HTTP clients in this test), a loopback listener on the
# same upstream.
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
N="$D/nginx"
mkdir -p "$N/tmp"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$N/key.pem" -out "$N/cert.pem" 2>/dev/null
HTTPS="$(free_port)"
PLAIN="$(free_port)"
cp "$ASSETS/nginx/trygg.conf" "$N/trygg.conf"
subst() {
    grep -qF -- "$1" "$N/trygg.conf" || fail "assets/nginx/trygg.conf has no '$1'"
    FROM="$1" TO="$2" "$PY" -c 'import os,sys; p=sys.argv[1]; s=open(p).read(); open(p,"w").write(s.replace(os.environ["FROM"], os.environ["TO"], 1))' "$N/trygg.conf"
}
subst "server 127.0.0.1:8080 " "server 127.0.0.1:$PORT_A "
subst "# server 127.0.0.1:8081 " "server 127.0.0.1:$PORT_B "
subst "listen 443 ssl http2;" "listen 127.0.0.1:$HTTPS ssl http2;"
subst "listen 80;" "listen 127.0.0.1:$(free_port);"
subst "/etc/letsencrypt/live/trygg.example.se/fullchain.pem" "$N/cert.pem"
subst "/etc/letsencrypt/live/trygg.example.se/privkey.pem" "$N/key.pem"
subst "limit_conn trygg_peraddr 32;" "limit_conn trygg_peraddr 1000;" # all kiosks are 127.0.0.1 here
USERLINE=""
[ "$(id -u)" = 0 ] && USERLINE="user root;"
cat > "$N/nginx.conf" <<NGX
$USERLINE
worker_processes 1;
pid $N/nginx.pid;
error_log $N/error.log info;
events { worker_connections 1024; }
http {
    access_log $N/access.log;
    client_body_temp_path $N/tmp/body;
    proxy_temp_path $N/tmp/proxy;
    fastcgi_temp_path $N/tmp/fastcgi;
    uwsgi_temp_path $N/tmp/uwsgi;
    scgi_temp_path $N/tmp/scgi;
    include $N/trygg.conf;
    server {
        listen 127.0.0.1:$PLAIN;
        location / {
            proxy_pass http://trygg_server;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
        }
    }
}
NGX
"$NGINX" -t -p "$N" -e "$N/error.log" -c "$N/nginx.conf" >/dev/null 2>&1 || fail "nginx -t"
"$NGINX" -p "$N" -e "$N/error.log" -c "$N/nginx.conf" -g 'daemon off;' &
PIDS+=("$!")
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PLAIN/healthz" && break; sleep 0.1; done

# ---- Gateways: each its own phone with NSMS messages from distinct numbers.
for g in $(seq 1 "$GATEWAYS"); do
    G="$D/gw$g"
    mkdir -p "$G/keys"
    cp "$D/keys/pseudonym.key" "$G/keys/pseudonym.key"
    cp "$D/gateway-number.key" "$G/keys/number.key"
    chmod 600 "$G/keys/"*
    "$CTL" -d "$D" gateway add "gw-kill-$g" > "$G/token" 2>/dev/null
    sed "s|@DATA@|$G|g; s|@PORT@|$PLAIN|g" "$ASSETS/config/smsgw.ini" > "$G/smsgw.ini"
    for i in $(seq 1 "$NSMS"); do
        printf '+467040%02d%04d\tGatlampan är trasig vid hållplats %d på linje %d\n' "$g" "$i" "$i" "$g"
    done > "$G/batch"
    cut -f2 "$G/batch" >> "$D/sms_expected"
    "$PY" "$SRC/tools/fake-sms" --batch "$G/batch" "$G/modem"
    "$SMSGW" -c "$G/smsgw.ini" 2>> "$G/log" &
    PIDS+=("$!")
done

# ---- Load, and the kills.
"$PY" "$HERE/kiosk_load.py" --servers "https://127.0.0.1:$HTTPS" --cacert "$N/cert.pem" \
    --tokens "$D/tokens" --stop "$D/stop" --out "$D/load.json" --gap "$GAP" --drain 120 &
LOADPID=$!
sleep 3
for k in $(seq 1 "$ROUNDS"); do
    n=A
    [ $((k % 2)) = 0 ] && n=B
    eval "pid=\$PID_$n"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 0.5 + rand() }')"
    start "$n"
    # nginx leaves a server out for fail_timeout (2 s) after a failed try: kill
    # the other one only after that, or the front has none for a moment.
    sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 2.5 + rand() * 2 }')"
    echo "kill $k ($n): $(q "SELECT count(*) FROM items") items, $(q "SELECT count(*) FROM notify_out WHERE status = 'sent'") mails sent"
done
touch "$D/stop"
wait "$LOADPID" || fail "the load client failed"
LOADPID=""

# ---- Everything delivered: SMS answered, forwards sent (a killed server's
# claims after their lease, renewed while a live server sends).
TOTAL_SMS=$((GATEWAYS * NSMS))
end=$((SECONDS + 120 + ${LEASE:-60}))
while [ $SECONDS -lt $end ]; do
    sms_in="$(q "SELECT count(*) FROM items WHERE channel = 'sms'")"
    sms_open="$(q "SELECT count(*) FROM sms_out WHERE status IN ('pending', 'failed') AND lease_until <= now()")"
    fw_open="$(q "SELECT count(*) FROM notify_out WHERE status IN ('pending', 'failed')")"
    sent=0
    for g in $(seq 1 "$GATEWAYS"); do
        s="$(sqlite3 "$D/gw$g/smsgw.db" "SELECT count(*) FROM sendq WHERE state IN ('sent', 'delivered')" 2>/dev/null || echo 0)"
        sent=$((sent + s))
    done
    [ "$sms_in" = "$TOTAL_SMS" ] && [ "$sms_open" = 0 ] && [ "$fw_open" = 0 ] && [ "$sent" -ge "$TOTAL_SMS" ] && break
    sleep 0.5
done
sleep 2 # a last send in flight lands

q "SELECT client_key || ' ' || ref FROM items WHERE channel = 'kiosk'" > "$D/stored"
"$PY" - "$D/load.json" "$D/stored" <<'PY'
import json, sys
load = json.load(open(sys.argv[1]))
stored = {}
for line in open(sys.argv[2]):
    key, ref = line.split()
    stored[key] = ref
lost = [u for u, ref, _, _ in load["acked"] if stored.get(u) != ref]
if lost:
    sys.exit("FAIL: %d acknowledged submissions not stored with their reference" % len(lost))
if load["pending"]:
    sys.exit("FAIL: %d submissions left in the kiosks' outboxes" % len(load["pending"]))
if len(stored) != load["made"]:
    sys.exit("FAIL: %d made, %d stored" % (load["made"], len(stored)))
print("ok   kiosks: %d submissions acknowledged, each stored once; %d requests refused "
      "during the kills (kept in outboxes, delivered after): %s"
      % (load["made"], load["failed"], json.dumps(load["codes"], sort_keys=True)))
PY

# SMS: stored once each, answered exactly once.
q "SELECT text FROM items WHERE channel = 'sms'" | sort > "$D/sms_got"
sort "$D/sms_expected" > "$D/sms_want"
diff -q "$D/sms_want" "$D/sms_got" >/dev/null || { diff "$D/sms_want" "$D/sms_got" | head; fail "SMS items differ from what was sent"; }
answers=0
for g in $(seq 1 "$GATEWAYS"); do
    G="$D/gw$g"
    [ "$(ls "$G/modem/sms/1" | wc -l)" = 0 ] || fail "gateway $g: messages left on the phone"
    dup="$(sqlite3 "$G/smsgw.db" "SELECT count(*) FROM (SELECT pseudonym FROM sendq GROUP BY pseudonym HAVING count(*) > 1)")"
    [ "$dup" = 0 ] || fail "gateway $g: $dup senders answered more than once"
    a="$(sqlite3 "$G/smsgw.db" "SELECT count(*) FROM sendq WHERE state IN ('sent', 'delivered')")"
    [ "$a" = "$NSMS" ] || fail "gateway $g: $a of $NSMS answers sent"
    answers=$((answers + a))
done
sms_dead="$(q "SELECT count(*) FROM sms_out WHERE status NOT IN ('sent', 'delivered', 'undelivered', 'cancelled')")"
echo "ok   SMS: $TOTAL_SMS messages stored once, $answers answers sent once ($sms_dead server replies still leased)"

# Forwards: each row's mail has the Message-ID <trygg.ROW.CREATED@host>
# (server/forward.c), the same for every copy. Every row is sent and in the
# mailbox (none lost) with one Message-ID; a second copy comes only from a
# kill between the hand-over marker (written before the final "." of the
# DATA) and the row's mark: at most one per kill, never more copies than
# the row's recorded hand-overs.
grep -h '^Message-ID: <trygg\.' "$D"/mail/new/* | tr -d '\r' |
    sed 's/^Message-ID: <trygg\.\([0-9]*\)\.\(.*\)$/\1 \1.\2/' | sort > "$D/mailed"
mails="$(wc -l < "$D/mailed")"
distinct="$(sort -u "$D/mailed" | wc -l)"
two_ids="$(sort -u "$D/mailed" | cut -d' ' -f1 | uniq -d | wc -l)"
[ "$two_ids" = 0 ] || fail "$two_ids forwards arrived with two different Message-IDs: $(sort -u "$D/mailed" | cut -d' ' -f1 | uniq -d | head -3 | tr '\n' ' ')"
cut -d' ' -f1 "$D/mailed" | uniq -c | awk '{ print $2, $1 }' | sort > "$D/copies"
q "SELECT id || ' ' || status || ' ' || handovers FROM notify_out" | sort > "$D/rows"
total_rows="$(wc -l < "$D/rows")"
unsent="$(awk '$2 != "sent"' "$D/rows" | wc -l)"
[ "$unsent" = 0 ] || fail "$unsent forwards not sent: $(awk '$2 != "sent"' "$D/rows" | head -3 | tr '\n' ' ')"
lost="$(join -v1 "$D/rows" "$D/copies" | wc -l)"
[ "$lost" = 0 ] || fail "$lost forwards marked sent but not in the mailbox"
over="$(join "$D/rows" "$D/copies" | awk '$4 > $3' | wc -l)"
[ "$over" = 0 ] || fail "$over forwards with more copies than hand-overs: $(join "$D/rows" "$D/copies" | awk '$4 > $3' | head -3 | tr '\n' ' ')"
extra=$((mails - distinct))
[ "$extra" -le "$ROUNDS" ] || fail "$extra second copies in $ROUNDS kills (more than one per kill)"
dup_items="$(q "SELECT count(*) FROM (SELECT item_id, destination FROM notify_out GROUP BY 1, 2 HAVING count(*) > 1) d")"
[ "$dup_items" = 0 ] || fail "$dup_items items queued twice for one destination"
echo "ok   forwards: $total_rows queued, all sent; $mails mails, $distinct distinct Message-IDs" \
    "(one per forward; $extra second copies, each from a kill inside its SMTP hand-over," \
    "with the forward's Message-ID)"
nginx_why() { grep -c "$1" "$N/error.log" || true; }
echo "     nginx: $(nginx_why 'no live upstreams') without a live server," \
    "$(nginx_why 'prematurely closed\|reset by peer') cut off in a killed server," \
    "$(nginx_why 'connect() failed') tries of a dead server (passed on)"
echo "ok   $ROUNDS kills of 2 servers under $KIOSKS kiosks and $GATEWAYS gateways"
