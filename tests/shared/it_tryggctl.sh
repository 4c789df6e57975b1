#!/usr/bin/env bash
# Integration test of tryggctl on a real data directory: every command, its
# output on stdout, its errors on stderr and its exit code.
#   it_tryggctl.sh TRYGGCTL BUILD_DIR
set -u
CTL="$1"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/trygg-it-ctl-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
D="$WORK/data"
FAILS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
# expect CODE CMD... : runs tryggctl, keeps stdout in $OUT and stderr in $ERR.
expect() {
    local want="$1"; shift
    OUT="$("$CTL" -d "$D" "$@" 2>"$WORK/stderr")"
    local rc=$?
    ERR="$(cat "$WORK/stderr")"
    if [ "$rc" != "$want" ]; then
        fail "tryggctl $* exited $rc, expected $want (stderr: $ERR)"
    fi
}
contains() { case "$1" in *"$2"*) ;; *) fail "expected '$2' in: $1" ;; esac; }
lacks() { case "$1" in *"$2"*) fail "did not expect '$2' in: $1" ;; esac; }

# ---- no data directory yet
expect 3 list
contains "$ERR" "init"
expect 1 frobnicate
expect 1

# ---- init, idempotent, keys private
expect 0 init
[ -f "$D/trygg.db" ] || fail "no database"
[ "$(stat -c %a "$D/keys/pseudonym.key")" = 600 ] || fail "pseudonym.key not 0600"
[ "$(stat -c %a "$D/keys/number.key")" = 600 ] || fail "number.key not 0600"
[ "$(stat -c %s "$D/keys/pseudonym.key")" = 32 ] || fail "pseudonym.key size"
SUM1="$(cat "$D"/keys/* | sha256sum)"
expect 0 init
[ "$(cat "$D"/keys/* | sha256sum)" = "$SUM1" ] || fail "init replaced the keys"
[ "$(sqlite3 "$D/trygg.db" 'PRAGMA user_version')" -ge 3 ] || fail "schema version"
[ "$(sqlite3 "$D/trygg.db" 'PRAGMA journal_mode')" = wal ] || fail "not WAL"
# destinations of the routing config registered once; only security sees unscrubbed text
[ "$(sqlite3 "$D/trygg.db" "SELECT group_concat(name || '=' || full_access, ',') FROM (SELECT * FROM destinations ORDER BY name)")" = \
  "housing=0,rounds=0,security=1,streets=0,walks=0,watch=0" ] || fail "destinations not seeded from the routing config"
[ "$(sqlite3 "$D/trygg.db" "SELECT label FROM destinations WHERE name = 'security'")" = "Säkerhetsavdelningen" ] \
  || fail "destination label"

# ---- users
expect 0 user add anna --role security --display "Anna Svensson" --can-call-back --random-password
PW="$OUT"
[ "$(printf '%s\n' "$PW" | wc -l)" = 1 ] || fail "random password is not one line"
[ "${#PW}" -ge 16 ] || fail "random password too short: $PW"
expect 1 user add anna --role security --random-password
contains "$ERR" "already exists"
expect 1 user add carl --role chief --random-password
contains "$ERR" "role"
expect 1 user add carl --role security
expect 1 user add carl --role destination --random-password
# a recipient user needs a recipient the routing config declares
expect 1 user add carl --role destination --destination nosuchdest --random-password
contains "$ERR" "nosuchdest"
[ "$(sqlite3 "$D/trygg.db" "SELECT count(*) FROM users WHERE username = 'carl'")" = 0 ] \
  || fail "user with an unknown recipient was added"
expect 1 user add carl --role security --destination housing --random-password
contains "$ERR" "destination"
OUT="$(printf 'ett-långt-lösenord\n' | "$CTL" -d "$D" user add bo --role destination \
    --destination housing --password-stdin)" || fail "user add --password-stdin"
[ -z "$OUT" ] || fail "--password-stdin printed something: $OUT"
HASH="$(sqlite3 "$D/trygg.db" "SELECT pwhash FROM users WHERE username='anna'")"
case "$HASH" in '$argon2id$'*) ;; *) fail "password not stored as argon2id" ;; esac
lacks "$HASH" "$PW"
expect 0 user list
contains "$OUT" "anna"
contains "$OUT" "Anna Svensson"
contains "$OUT" "housing"
expect 0 user disable bo
expect 0 user list
contains "$(printf '%s\n' "$OUT" | grep '^bo ')" "disabled"
expect 0 user enable bo
expect 2 user disable nobody
expect 0 user passwd anna
[ -n "$OUT" ] && [ "$OUT" != "$PW" ] || fail "passwd did not print a new password"
[ "$(sqlite3 "$D/trygg.db" "SELECT pwhash FROM users WHERE username='anna'")" != "$HASH" ] ||
    fail "passwd did not change the hash"
expect 2 user passwd nobody
# two-factor login: begin-2fa prints a secret; reset-2fa clears it (audited)
expect 0 user begin-2fa anna
SECRET="$(printf '%s\n' "$OUT" | head -1)"
[[ "$SECRET" =~ ^[A-Z2-7]{32}$ ]] || fail "begin-2fa secret looks wrong: $SECRET"
contains "$OUT" "otpauth://totp/Trygg:anna?secret=$SECRET"
sqlite3 "$D/trygg.db" "UPDATE users SET totp_enabled = 1 WHERE username = 'anna';
    INSERT INTO user_recovery (user_id, code_hash) SELECT id, 'x' FROM users WHERE username='anna'"
expect 2 user begin-2fa anna
expect 0 user reset-2fa anna
[ "$(sqlite3 "$D/trygg.db" "SELECT totp_enabled || ':' || totp_secret FROM users WHERE username='anna'")" = "0:" ] ||
    fail "reset-2fa did not clear two-factor login"
[ "$(sqlite3 "$D/trygg.db" "SELECT count(*) FROM user_recovery")" = 0 ] ||
    fail "reset-2fa left recovery codes"
[ "$(sqlite3 "$D/trygg.db" "SELECT count(*) FROM audit WHERE action = 'user_2fa_reset' AND detail = 'anna'")" = 1 ] ||
    fail "reset-2fa not audited"
expect 2 user reset-2fa nobody

# ---- kiosks
expect 0 kiosk add bibl-1 --name "Biblioteket, Lilla Edet" --area centrum
TOKEN="$OUT"
[[ "$TOKEN" =~ ^[A-Za-z0-9_-]{43}$ ]] || fail "kiosk token looks wrong: $TOKEN"
[ "$(sqlite3 "$D/trygg.db" "SELECT count(*) FROM kiosks WHERE token_hash = '$TOKEN'")" = 0 ] ||
    fail "token stored in the clear"
expect 1 kiosk add bibl-1 --name X --area centrum
expect 1 kiosk add "bad id" --name X --area centrum
expect 1 kiosk add bibl-2 --name X
expect 0 kiosk list
contains "$OUT" "Biblioteket, Lilla Edet"
contains "$OUT" "active"
expect 0 kiosk revoke bibl-1
expect 0 kiosk list
contains "$OUT" "revoked"
expect 2 kiosk revoke nope

# ---- check (routing config)
ASSETS="${TRYGG_ASSETS:-$(dirname "$0")/../../assets}"
expect 0 check -c "$ASSETS/config/routing.ini"
# The shipped config has no on-call address: urgent items would alert nobody.
contains "$OUT$ERR" "WARNING: no on-call address"
# Nor a page for reporting concern about a child: the kiosks show the number only.
contains "$OUT$ERR" "child_concern_url is not configured"
contains "$OUT$ERR" "parent_municipality_url and parent_police_url are not configured"
sed -e 's/^email =$/email = jour@kommun.example/' \
    -e 's|^child_concern_url =$|child_concern_url = https://kommun.example/orosanmalan|' \
    -e 's|^parent_municipality_url =$|parent_municipality_url = https://kommun.example/foraldrar|' \
    -e 's|^parent_police_url =$|parent_police_url = https://polisen.se/foraldrar|' \
    "$ASSETS/config/routing.ini" >"$WORK/oncall.ini"
expect 0 check -c "$WORK/oncall.ini"
lacks "$OUT$ERR" "WARNING"
printf '[rule crime]\nkind = tip\ndestination = housing\n[destination housing]\ncompany = yes\n[rule broken]\nkind = nonsense\n' >"$WORK/bad.ini"
expect 1 check -c "$WORK/bad.ini"
printf '%s\n' "$ERR" | grep -qE "^$WORK/bad.ini:[0-9]+: " || fail "check errors not file:line: ($ERR)"
[ "$(printf '%s\n' "$ERR" | grep -c "bad.ini:")" -ge 2 ] || fail "check should report every error"
expect 1 check -c "$WORK/missing.ini"
expect 1 check

# ---- demo data, list, show
expect 0 demo-data
contains "$OUT" "30 new"
expect 0 demo-data
contains "$OUT" "(0 new)"
[ "$(sqlite3 "$D/trygg.db" 'SELECT count(*) FROM items')" = 30 ] || fail "demo-data not idempotent"
expect 0 list --limit 100
[ "$(printf '%s\n' "$OUT" | wc -l)" = 31 ] || fail "list should show 30 items + header"
expect 0 list --limit 5
[ "$(printf '%s\n' "$OUT" | wc -l)" = 6 ] || fail "list --limit 5"
expect 0 list --kind fault --limit 100
lacks "$(printf '%s\n' "$OUT" | tail -n +2)" "concern"
expect 0 list --query gångtunneln
[ "$(printf '%s\n' "$OUT" | wc -l)" = 3 ] || fail "full-text list (got: $OUT)"
expect 0 list --query '"unbalanced (AND'
expect 1 list --status bogus
expect 1 list stray-argument
REF="$(printf '%s\n' "$OUT" | sed -n 1p)"
REF="$(sqlite3 "$D/trygg.db" "SELECT ref FROM items WHERE client_key='demo-006'")"
expect 0 show "$(printf '%s' "$REF" | tr 'A-Z' 'a-z')"
contains "$OUT" "ref:          $REF"
contains "$OUT" "audit:"
contains "$OUT" "Tipsare T-"
expect 2 show ZZ-ZZZZ
expect 1 show not-a-ref

# ---- export: CSV quoting, formula guard, scrubbing
NOW="$(date +%s)"
# (Rows written with SQL carry their recipients' copy, as the store writes it.)
sqlite3 "$D/trygg.db" "INSERT INTO items (ref, client_key, channel, kind, area, text, contact,
    consent, created, updated, purge_at, shared_text) VALUES ('ZZ-2222', 'it-csv', 'kiosk',
    'concern', 'centrum', 'Ring mig på 070-123 45 67, \"snälla\"' || char(10) || 'andra raden',
    'Eva', 1, $NOW, $NOW, $((NOW + 86400)),
    'Ring mig på [telefonnummer], \"snälla\"' || char(10) || 'andra raden'),
    ('ZZ-3333', 'it-formula', 'kiosk', 'concern', 'centrum',
    '=HYPERLINK(\"x\")', '', 0, $NOW, $NOW, $((NOW + 86400)), '=HYPERLINK(\"x\")')" ||
    fail "insert test rows"
expect 0 export --format csv
printf '%s' "$OUT" >"$WORK/all.csv"
python3 - "$WORK/all.csv" <<'PY' || fail "CSV export does not parse back"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
assert len(rows) == 32, len(rows)
by = {r['ref']: r for r in rows}
assert by['ZZ-2222']['text'] == 'Ring mig på 070-123 45 67, "snälla"\nandra raden', by['ZZ-2222']['text']
assert by['ZZ-2222']['contact'] == 'Eva'
assert by['ZZ-3333']['text'] == "'=HYPERLINK(\"x\")", by['ZZ-3333']['text']
PY
expect 0 export --format csv --scrubbed --query snälla
printf '%s' "$OUT" >"$WORK/scrubbed.csv"
lacks "$OUT" "070-123 45 67"
lacks "$OUT" "Eva"
[ "$(python3 -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1], newline="")))))' "$WORK/scrubbed.csv")" = 2 ] ||
    fail "scrubbed filtered export should have one row"
expect 1 export --format xml
# Every export is in the access log of personal data.
[ "$(sqlite3 "$D/trygg.db" "SELECT count(*) FROM access_log WHERE action = 'export_csv'
    AND actor LIKE 'tryggctl:%'")" = 2 ] || fail "exports not in the access log"

# ---- purge
expect 0 purge --now $((NOW + 10 * 365 * 86400))
contains "$OUT" "purged 32 items"
expect 0 purge --now $((NOW + 10 * 365 * 86400))
contains "$OUT" "purged 0 items"
[ "$(sqlite3 "$D/trygg.db" "SELECT count(*) FROM items WHERE text <> '' OR contact <> ''")" = 0 ] ||
    fail "purge left text or contact data"
[ "$(sqlite3 "$D/trygg.db" "SELECT count(*) FROM items")" = 32 ] || fail "purge must keep the rows"
expect 1 purge --now yesterday

if [ "$FAILS" -ne 0 ]; then
    echo "$FAILS check(s) failed" >&2
    exit 1
fi
echo "it_tryggctl: all checks passed"
