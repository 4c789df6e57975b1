#!/bin/sh
# trygg-kiosk -n: the shipped kiosk.ini passes; a bad file fails with
# file:line errors for every problem. usage: config_check.sh KIOSK SRCDIR
set -u
KIOSK=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

sed "s|@DATA@|$T|g; s|@PORT@|8080|g" "$SRC/assets/config/kiosk.ini" > "$T/good.ini"
# Without its token the kiosk would take reports it can never upload: -n says so.
if "$KIOSK" -n -c "$T/good.ini" > "$T/out" 2>&1; then cat "$T/out"; fail "missing token accepted"; fi
grep -q "token_file .* is missing" "$T/out" || { cat "$T/out"; fail "no token message"; }
echo "kiosk-token-for-test" > "$T/kiosk-token"
"$KIOSK" -n -c "$T/good.ini" > "$T/out" 2>&1 || { cat "$T/out"; fail "shipped kiosk.ini rejected"; }
grep -q "OK" "$T/out" || fail "no OK line"
# The shipped child-concern page is not configured: a warning, not an error.
grep -q "child_concern_url is not configured" "$T/out" || fail "no child-concern warning"
# Nor are the pages for parents (issue 16); a javascript: one is refused.
grep -q "parent_municipality_url or parent_police_url is not configured" "$T/out" ||
    fail "no parent-links warning"
sed 's|^parent_police_url =.*|parent_police_url = javascript:alert(1)|' "$T/good.ini" > "$T/js.ini"
if "$KIOSK" -n -c "$T/js.ini" > "$T/out" 2>&1; then cat "$T/out"; fail "javascript: link accepted"; fi
grep -q "parent_police_url" "$T/out" || { cat "$T/out"; fail "no parent link message"; }
# A corrupt Arabic font would leave the Arabic screens blank: -n refuses it.
cp -r "$SRC/assets" "$T/assets"
head -c 4096 /dev/urandom > "$T/assets/fonts/NotoSansArabic-Regular.ttf"
if TRYGG_ASSETS="$T/assets" "$KIOSK" -n -c "$T/good.ini" > "$T/out" 2>&1; then
    cat "$T/out"; fail "corrupt font accepted"; fi
grep -q "NotoSansArabic-Regular.ttf" "$T/out" || { cat "$T/out"; fail "no font message"; }
rm "$T/assets/fonts/NotoSansArabic-Bold.ttf"
if TRYGG_ASSETS="$T/assets" "$KIOSK" -n -c "$T/good.ini" > "$T/out" 2>&1; then
    fail "missing font accepted"; fi
# Nor does it pass without the fonts folder at all (defect 9).
rm -r "$T/assets/fonts"
if TRYGG_ASSETS="$T/assets" "$KIOSK" -n -c "$T/good.ini" > "$T/out" 2>&1; then
    cat "$T/out"; fail "missing fonts folder accepted"; fi
grep -q "fonts/NotoSans" "$T/out" || { cat "$T/out"; fail "no fonts folder message"; }

# A keypad key SDL does not know (a typo) would leave that action dead: -n says so.
sed 's|^up = .*|up = Keypad 8, Keypad Eight|' "$T/good.ini" > "$T/keys.ini"
grep -q "^up = Keypad 8, Keypad Eight" "$T/keys.ini" || fail "shipped kiosk.ini has no [keypad] up"
if "$KIOSK" -n -c "$T/keys.ini" > "$T/out" 2>&1; then cat "$T/out"; fail "unknown key accepted"; fi
grep -q "\[keypad\] up: 'Keypad Eight' is not a key name" "$T/out" || { cat "$T/out"; fail "no key message"; }

cat > "$T/bad.ini" <<'INI'
[kiosk]
kiosk_id = demo
colour = blue
server_url = ftp://example.se
token_file = /nonexistent/token
area = nowhere
maintenance_pin = 12a4
[timing]
warn_s = 5
idle_s = many
[display]
fullscreen = perhaps
[areas]
centrum = Centrum
Bad Id = X
INI
if "$KIOSK" -n -c "$T/bad.ini" > "$T/out" 2>&1; then fail "bad config accepted"; fi
cat "$T/out"
for want in "bad.ini:3: unknown key 'colour'" "bad.ini:9: warn_s" "bad.ini:10: idle_s" \
            "bad.ini:12: fullscreen" "bad.ini:15: area id 'Bad Id'" \
            "area 'nowhere' is not listed" "maintenance_pin" "server_url must start"; do
    grep -q "$want" "$T/out" || fail "missing error: $want"
done
# A missing file is an error too, and nothing is created.
if "$KIOSK" -n -c "$T/missing.ini" > "$T/out" 2>&1; then fail "missing file accepted"; fi
grep -q "missing.ini" "$T/out" || fail "no file name in the error"
echo "config_check: ok"
