#!/usr/bin/env bash
# it_proxy.sh — the real trygg-server behind nginx with the repository's
# assets/nginx/trygg.conf (only names, ports, certificate paths and a shorter
# header timeout changed): TLS from a throw-away self-signed certificate,
# the smuggling, field and slowloris checks of http_edge.py through the proxy,
# the server sees the client's address (not the proxy's, and not one the
# client made up), the session cookie is Secure, a kiosk submits over HTTPS,
# plain HTTP redirects, /metrics only for the monitoring host.
# nginx runs from a temporary prefix (its own pid, logs, temp paths, free
# ports), never as a system service.
# usage: it_proxy.sh TRYGG_SERVER TRYGGCTL
set -euo pipefail
SERVER="$1"
CTL="$2"
ASSETS="${TRYGG_ASSETS:?TRYGG_ASSETS must point at assets/}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || { echo "FAIL: nginx not installed (deps/debian-packages.txt: nginx-light)" >&2; exit 1; }
D="$(mktemp -d "${TMPDIR:-/tmp}/trygg-proxy-XXXXXX")"
PID=""
NPID=""
cleanup() {
    [ -n "$NPID" ] && kill "$NPID" 2>/dev/null || true
    [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
    [ -n "$NPID" ] && wait "$NPID" 2>/dev/null || true
    rm -rf "$D"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    echo "--- server log" >&2; tail -20 "$D/log" >&2 || true
    echo "--- nginx error log" >&2; tail -20 "$D/nginx/error.log" >&2 || true
    exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---- the server, trusting a proxy on loopback
"$CTL" -d "$D" init >/dev/null
mv "$D/keys/number.key" "$D/gateway-number.key" # the gateway's, never the server's
sed "s|@DATA@|$D|g; s|@PORT@|0|g; s|^trust_proxy = .*|trust_proxy = yes|" \
    "$ASSETS/config/server.ini" > "$D/server.ini"
grep -q '^trust_proxy = yes' "$D/server.ini" || fail "server.ini has no trust_proxy line"
cp "$ASSETS/config/routing.ini" "$D/routing.ini"
TOKEN="$("$CTL" -d "$D" kiosk add proxy-kiosk --name "Proxy" --area centrum)"
: > "$D/log" # exists before the loop below reads it (set -e)
"$SERVER" -c "$D/server.ini" 2>> "$D/log" &
PID=$!
PORT=""
for _ in $(seq 1 100); do
    PORT="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$D/log" | head -1)"
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || fail "server did not start"

# ---- nginx with the repository's config
N="$D/nginx"
mkdir -p "$N/tmp"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$N/key.pem" -out "$N/cert.pem" 2>/dev/null || fail "openssl"
HTTPS="$(free_port)"
HTTP="$(free_port)"
CONF="$ASSETS/nginx/trygg.conf"
subst() { # subst FROM TO: replace a line of the config that must be there
    grep -qF -- "$1" "$N/trygg.conf" || fail "assets/nginx/trygg.conf has no '$1'"
    FROM="$1" TO="$2" python3 -c 'import os,sys; p=sys.argv[1]; s=open(p).read(); open(p,"w").write(s.replace(os.environ["FROM"], os.environ["TO"]))' "$N/trygg.conf"
}
cp "$CONF" "$N/trygg.conf"
subst "server 127.0.0.1:8080 " "server 127.0.0.1:$PORT "
subst "listen 443 ssl http2;" "listen 127.0.0.1:$HTTPS ssl http2;"
subst "listen 80;" "listen 127.0.0.1:$HTTP;"
subst "/etc/letsencrypt/live/trygg.example.se/fullchain.pem" "$N/cert.pem"
subst "/etc/letsencrypt/live/trygg.example.se/privkey.pem" "$N/key.pem"
subst "client_header_timeout 10s;" "client_header_timeout 3s;"
USERLINE=""
[ "$(id -u)" = 0 ] && USERLINE="user root;" # CI runs as root; workers keep the temp dir's owner
cat > "$N/nginx.conf" <<EOF
$USERLINE
worker_processes 1;
worker_rlimit_nofile 8192;
pid $N/nginx.pid;
error_log $N/error.log info;
events { worker_connections 4096; }
http {
    access_log $N/access.log;
    client_body_temp_path $N/tmp/body;
    proxy_temp_path $N/tmp/proxy;
    fastcgi_temp_path $N/tmp/fastcgi;
    uwsgi_temp_path $N/tmp/uwsgi;
    scgi_temp_path $N/tmp/scgi;
    include $N/trygg.conf;
}
EOF
"$NGINX" -t -p "$N" -e "$N/error.log" -c "$N/nginx.conf" >/dev/null 2>&1 ||
    { "$NGINX" -t -p "$N" -e "$N/error.log" -c "$N/nginx.conf" || true; fail "nginx -t"; }
"$NGINX" -p "$N" -e "$N/error.log" -c "$N/nginx.conf" -g 'daemon off;' &
NPID=$!
for _ in $(seq 1 100); do
    curl -s -o /dev/null --cacert "$N/cert.pem" "https://127.0.0.1:$HTTPS/healthz" && break
    sleep 0.1
done
C=(curl -s --max-time 10 --cacert "$N/cert.pem")
B="https://127.0.0.1:$HTTPS"
[ "$("${C[@]}" -o /dev/null -w '%{http_code}' "$B/healthz")" = 200 ] || fail "no /healthz through nginx"

# ---- a kiosk submits over HTTPS through the proxy
code="$("${C[@]}" -o "$D/submit.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    --data '{"uuid":"4f1c1d8e-2b0a-4e53-9a44-0c1f2e3d4b5a","kind":"fault","category":"lighting","area":"centrum","text":"Lampan vid torget är släckt"}' \
    "$B/api/v1/submissions")"
[ "$code" = 201 ] || fail "kiosk submit through nginx: $code $(cat "$D/submit.json")"
grep -q '"ref"' "$D/submit.json" || fail "no reference in $(cat "$D/submit.json")"
echo "ok   kiosk submit over HTTPS through nginx: 201"

# ---- the staff UI sees the client's address, and that the client used TLS
J="$D/jar"
"${C[@]}" --interface 127.0.0.7 -c "$J" -D "$D/login.h" -o "$D/login.html" "$B/login"
grep -qi '^set-cookie: trygg_login=.*; Secure' "$D/login.h" || fail "login cookie not Secure behind TLS: $(grep -i set-cookie "$D/login.h")"
LT="$(sed -n 's/.*name="login_token" value="\([^"]*\)".*/\1/p' "$D/login.html" | head -1)"
[ -n "$LT" ] || fail "no login_token in the login page"
code="$("${C[@]}" --interface 127.0.0.7 -b "$J" -o /dev/null -w '%{http_code}' \
    -H 'X-Forwarded-For: 10.66.66.66' \
    --data-urlencode "login_token=$LT" --data-urlencode 'username=proxy-probe' \
    --data-urlencode 'password=wrong-password' "$B/login")"
[ "$code" = 200 ] || [ "$code" = 401 ] || [ "$code" = 403 ] || fail "failed login answered $code"
for _ in $(seq 1 20); do grep -q 'failed login for proxy-probe' "$D/log" && break; sleep 0.1; done
line="$(grep 'failed login for proxy-probe' "$D/log" || true)"
case "$line" in
*"from 127.0.0.7"*) echo "ok   the server logs the client's address: $line" ;;
*) fail "the failed login is not logged with the client's address 127.0.0.7: '$line'" ;;
esac
grep -q '10.66.66.66' "$D/log" && fail "a client-made X-Forwarded-For reached the server's log"
echo "ok   an X-Forwarded-For sent by the client is not believed"

# ---- plain HTTP redirects; /metrics only for the monitoring host
loc="$(curl -s --max-time 5 -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP/login")"
case "$loc" in "301 https://"*"/login") echo "ok   plain HTTP: $loc" ;; *) fail "plain HTTP: $loc" ;; esac
[ "$("${C[@]}" --interface 127.0.0.7 -o /dev/null -w '%{http_code}' "$B/metrics")" = 403 ] ||
    fail "/metrics open to any address"
# Read the whole answer first: grep -q closing the pipe early would make curl
# fail under pipefail.
metrics=$("${C[@]}" "$B/metrics" || true)
grep -q '^trygg_up 1$' <<<"$metrics" || fail "/metrics from the monitoring host"
echo "ok   /metrics: 403 for others, readable from the monitoring host"

# ---- smuggling, fields, Open311 limit per client address, slowloris: through nginx
python3 "$HERE/http_edge.py" "$HTTPS" "$TOKEN" 3 --tls "$N/cert.pem" --proxy ||
    fail "http_edge.py through nginx"
kill -0 "$PID" || fail "the server died"
kill -0 "$NPID" || fail "nginx died"
echo "it_proxy: ok"
