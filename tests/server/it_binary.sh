#!/usr/bin/env bash
# it_binary.sh — the real trygg-server binary on a data directory made by the
# real tryggctl: -n check (ok, config errors as file:line, routing errors,
# missing database), start, /healthz, a kiosk submit, clean stop on SIGTERM.
# usage: it_binary.sh TRYGG_SERVER TRYGGCTL
set -euo pipefail
SERVER="$1"
CTL="$2"
ASSETS="${TRYGG_ASSETS:?TRYGG_ASSETS must point at assets/}"
. "$(dirname "${BASH_SOURCE[0]}")/lib_it.sh"
it_setup it

"$CTL" -d "$D" init >/dev/null
sed "s|@DATA@|$D|g; s|@PORT@|0|g" "$ASSETS/config/server.ini" > "$D/server.ini"
cp "$ASSETS/config/routing.ini" "$D/routing.ini"
TOKEN="$("$CTL" -d "$D" kiosk add it-kiosk --name "IT" --area centrum)"

# init: the gateway's key pair (0600) and its public half (0644, the same
# 32 bytes) are separate files; the keys directory is private.
[ "$(stat -c %a "$D/keys/number.key")" = 600 ] || fail "number.key not 0600"
[ "$(stat -c %a "$D/keys/number.pub")" = 644 ] || fail "number.pub not 0644"
[ "$(stat -c %s "$D/keys/number.pub")" = 32 ] || fail "number.pub not 32 bytes"
[ "$(head -c 32 "$D/keys/number.key" | od -An -tx1)" = "$(od -An -tx1 "$D/keys/number.pub")" ] \
    || fail "number.pub is not the public half of number.key"

# The server refuses to start (and -n fails) while it can read the secret
# number key, naming the file and the fix.
if out="$("$SERVER" -n -c "$D/server.ini" 2>&1)"; then fail "-n accepted a readable number.key"; fi
grep -q "$D/keys/number.key:0: trygg-server can read the gateway's secret number key" <<<"$out" \
    || fail "readable number.key not reported: $out"
grep -q "InaccessiblePaths=" <<<"$out" || fail "no fix named: $out"
rc=0; timeout 20 "$SERVER" -c "$D/server.ini" > "$D/refuse.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "server with a readable number.key exited $rc: $(cat "$D/refuse.log")"
grep -q "secret number key" "$D/refuse.log" || fail "refusal not explained: $(cat "$D/refuse.log")"

# The gateway keeps the key pair elsewhere; the server works with number.pub
# alone, and a second init does not make a new key pair next to it.
mkdir -m 0700 "$D/gateway-keys"
mv "$D/keys/number.key" "$D/gateway-keys/number.key"
PUB1="$(od -An -tx1 "$D/keys/number.pub")"
"$CTL" -d "$D" init >/dev/null
[ ! -e "$D/keys/number.key" ] || fail "init made a new number.key next to number.pub"
[ "$(od -An -tx1 "$D/keys/number.pub")" = "$PUB1" ] || fail "init replaced number.pub"

# -n: a good configuration passes.
out="$("$SERVER" -n -c "$D/server.ini" 2>&1)" || fail "-n on a good config: $out"
grep -q "configuration ok" <<<"$out" || fail "no 'configuration ok': $out"

# -n: config errors are reported with file:line, exit non-zero.
sed 's/^port = 0$/port = seventy/; s/^max_connections = 1024$/max_connexions = 5/' \
    "$D/server.ini" > "$D/bad.ini"
if out="$("$SERVER" -n -c "$D/bad.ini" 2>&1)"; then fail "-n accepted a bad config"; fi
line_port=$(grep -n '^port = seventy' "$D/bad.ini" | cut -d: -f1)
grep -q "$D/bad.ini:$line_port: port" <<<"$out" || fail "no file:line for port: $out"
grep -q "unknown key 'max_connexions'" <<<"$out" || fail "unknown key not reported: $out"

# -n: a routing rule sending tips to the housing company is refused.
cp "$D/routing.ini" "$D/routing.good"
printf '\n[rule bad-tips]\nkind = tip\ndestination = housing\n' >> "$D/routing.ini"
if out="$("$SERVER" -n -c "$D/server.ini" 2>&1)"; then fail "-n accepted tips to housing"; fi
grep -q "routing.ini:[0-9]*:" <<<"$out" || fail "routing error without file:line: $out"
mv "$D/routing.good" "$D/routing.ini"

# -n: a missing database is an error (the server would otherwise create it).
mv "$D/trygg.db" "$D/trygg.db.away"
if out="$("$SERVER" -n -c "$D/server.ini" 2>&1)"; then fail "-n accepted a missing database"; fi
grep -q "database missing" <<<"$out" || fail "missing database not reported: $out"
mv "$D/trygg.db.away" "$D/trygg.db"

# Run it, find the port it got, talk to it, stop it.
it_start
B="http://127.0.0.1:$PORT"

code=$(curl -s -o "$D/h.json" -w '%{http_code}' "$B/healthz")
[ "$code" = 200 ] || fail "/healthz gave $code"
grep -q '"db":"ok"' "$D/h.json" || fail "healthz body: $(cat "$D/h.json")"

body='{"uuid":"it-binary-0001","kind":"fault","category":"street_light","area":"centrum","text":"Släckt lampa"}'
code=$(curl -s -o "$D/s.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary "$body" "$B/api/v1/submissions")
[ "$code" = 201 ] || fail "submit gave $code: $(cat "$D/s.json")"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary "$body" "$B/api/v1/submissions")
[ "$code" = 200 ] || fail "repeat submit gave $code"
"$CTL" -d "$D" list | grep -q "street_light" || fail "tryggctl does not see the item"

kill -TERM "$PID"
for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$PID" 2>/dev/null; then fail "server did not stop on SIGTERM"; fi
wait "$PID" && rc=0 || rc=$?
PID=""
[ "$rc" = 0 ] || { cat "$D/log"; fail "exit code $rc after SIGTERM"; }
grep -q "stopping" "$D/log" || fail "no stop message"

# Started as root with "user = nobody": binds first, then runs as nobody.
# (Skipped unless root, and unless nobody can reach the data directory.)
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 && command -v runuser >/dev/null &&
    chown -R nobody "$D" && runuser -u nobody -- test -w "$D"; then
    sed 's|^user =$|user = nobody|' "$D/server.ini" > "$D/user.ini"
    : > "$D/userlog" # exists before the loop below reads it (set -e)
    "$SERVER" -c "$D/user.ini" 2>> "$D/userlog" &
    PID=$!
    PORT=""
    for _ in $(seq 1 100); do
        PORT="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$D/userlog" | head -1)"
        [ -n "$PORT" ] && break
        sleep 0.1
    done
    [ -n "$PORT" ] || { cat "$D/userlog"; fail "server with user = nobody did not start"; }
    grep -q "running as user nobody" "$D/userlog" || fail "no privilege drop logged"
    [ "$(ps -o user= -p "$PID" | tr -d ' ')" = nobody ] || fail "process does not run as nobody"
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
    [ "$code" = 200 ] || { cat "$D/userlog"; fail "/healthz as nobody gave $code"; }
    kill -TERM "$PID"; wait "$PID" || fail "exit code as nobody"
    PID=""
fi
chown -R "$(id -u)" "$D"

# TLS by libmicrohttpd itself (GnuTLS): a self-signed certificate.
if command -v openssl >/dev/null; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/tls.key" -out "$D/tls.crt" \
        -days 2 -subj "/CN=127.0.0.1" >/dev/null 2>&1
    chmod 0600 "$D/tls.key"
    sed 's|^tls_cert =$|tls_cert = tls.crt|; s|^tls_key =$|tls_key = tls.key|' \
        "$D/server.ini" > "$D/tls.ini"
    "$SERVER" -n -c "$D/tls.ini" >/dev/null 2>&1 || fail "-n on the TLS config"
    : > "$D/tlslog" # exists before the loop below reads it (set -e)
    "$SERVER" -c "$D/tls.ini" 2>> "$D/tlslog" &
    PID=$!
    PORT=""
    for _ in $(seq 1 100); do
        PORT="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) (TLS).*/\1/p' "$D/tlslog" | head -1)"
        [ -n "$PORT" ] && break
        sleep 0.1
    done
    [ -n "$PORT" ] || { cat "$D/tlslog"; fail "TLS server did not start"; }
    code=$(curl -s -k -o /dev/null -w '%{http_code}' "https://127.0.0.1:$PORT/healthz")
    [ "$code" = 200 ] || fail "TLS /healthz gave $code"
    curl -s -k -D - -o /dev/null "https://127.0.0.1:$PORT/healthz" | grep -qi '^strict-transport-security' \
        || fail "no HSTS header under TLS"
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" || true)
    [ "$code" != 200 ] || fail "plain HTTP answered on the TLS port"
    kill -TERM "$PID"; wait "$PID" || fail "TLS server exit code"
    PID=""
fi
echo "it_binary: ok"
