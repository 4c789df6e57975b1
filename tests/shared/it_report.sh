#!/usr/bin/env bash
# Integration test of `tryggctl report` on a real data directory: CSV and
# HTML for a week with demo data, --out written whole, suppression in the
# export, bad arguments, and a police fetch that cannot connect.
#   it_report.sh TRYGGCTL BUILD_DIR
set -u
CTL="$1"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/trygg-it-report-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
D="$WORK/data"
FAILS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
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

expect 3 report --week 2026-W47            # no database yet
expect 0 init
expect 0 demo-data
# Weeks as the report counts them: in the configured zone (Europe/Stockholm by
# default), not the machine's (an hour apart around midnight on a Sunday).
zdate() { TZ=Europe/Stockholm date "$@"; }
WEEK="$(zdate +%G-W%V)"

# CSV of this week: the tidy header, every kind listed, nothing below 3 shown.
expect 0 report --week "$WEEK" --format csv
contains "$OUT" "view,key,subkey,count,previous,change,avg12"
for k in concern fault tip watch_signup walk_signup callback; do
    contains "$OUT" "kind,\"$k\","
done
BAD="$(printf '%s\n' "$OUT" | awk -F, '$1 != "view" && $1 !~ /^(kiosk_offline_min|kiosk_longest_offline_min|gateway_down_min|police_event)$/ && $1 != "status" {
    for (i = 4; i <= 5; i++) if ($i ~ /^[0-9]+$/ && $i + 0 < 3) print }')"
[ -z "$BAD" ] || fail "small counts in the export: $BAD"

# This week is running: marked with its cut-off. Without --week: the last
# complete week. A week that has not begun is an error.
contains "$OUT" "cutoff,\"running\","
expect 0 report --format csv
contains "$OUT" "cutoff,\"complete\","
contains "$OUT" "total,\"$(zdate -d '7 days ago' +%G-W%V)\""
expect 1 report --week "$(zdate -d '7 days' +%G-W%V)"
contains "$ERR" "has not begun"

# Threshold from the command line.
expect 0 report --week "$WEEK" --format csv --threshold 50
contains "$OUT" "<50"

# HTML to a file: a whole A4 document, suppressed.
expect 0 report --week "$WEEK" --format html --out "$WORK/w.html" --lang en
[ -s "$WORK/w.html" ] || fail "no html written"
contains "$(cat "$WORK/w.html")" "@page{size:A4"
contains "$(cat "$WORK/w.html")" 'data-mode="suppressed"'
contains "$(cat "$WORK/w.html")" "Weekly situation picture"
ls "$WORK"/w.html.tmp-* >/dev/null 2>&1 && fail "temporary file left behind"

# Bad input changes nothing and says why.
expect 1 report --week 2026-W99
contains "$ERR" "ISO week"
expect 1 report --format pdf
expect 1 report --threshold 0
expect 1 report --lang de
expect 1 report extra
expect 3 report --fetch-police "http://127.0.0.1:9/events"
contains "$ERR" "police events"
expect 1 report --fetch-police "file:///etc/passwd"

if [ "$FAILS" -gt 0 ]; then
    echo "$FAILS failure(s)" >&2
    exit 1
fi
echo "all passed"
