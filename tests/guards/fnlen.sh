#!/bin/sh
# Function-length guard (issue 11, "Files that show the design"): fails when a
# function in kiosk/, server/, smsgw/ or shared/ is longer than 100 lines,
# unless the line just before it, or the comment block that ends there (its
# contract comment), contains "Long because:" followed by the reason.
# Known offenders in files this guard may not yet change are listed in
# tests/guards/fnlen-allow.txt (file:function), which must only shrink.
# Lengths come from pmccabe (Debian package pmccabe, in deps/debian-packages.txt).
# usage: fnlen.sh [SOURCE_ROOT]   (default: the repository this script is in)
set -eu
ROOT="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
MAX="${FNLEN_MAX:-100}"
ALLOW="$ROOT/tests/guards/fnlen-allow.txt"
cd "$ROOT"

if ! command -v pmccabe >/dev/null 2>&1; then
    echo "fnlen: pmccabe is not installed (Debian package pmccabe; ./trygg deps installs it)" >&2
    exit 1
fi

files=$(find kiosk server smsgw shared -name '*.c' | LC_ALL=C sort)
[ -n "$files" ] || { echo "fnlen: no C files under $ROOT" >&2; exit 1; }

allowed=$(grep -vE '^[[:space:]]*(#|$)' "$ALLOW" 2>/dev/null | tr -d ' \t' || true)

# pmccabe columns: complexity, complexity, statements, first line, lines, file(line): name
# (its notes about a trailing macro call without a semicolon are not errors).
long=$(pmccabe $files 2>/dev/null | awk -v max="$MAX" -F'\t' '$5 > max {
    loc = $6; sub(/\(.*/, "", loc); name = $6; sub(/.*: /, "", name);
    print loc "\t" $4 "\t" $5 "\t" name }')

# "Long because:" on the line before the function, or in the comment block ending there.
has_reason() { # file first-line
    awk -v first="$2" '
        NR < first { line[NR] = $0 }
        END {
            n = first - 1
            if (n < 1) exit 1
            if (line[n] ~ /Long because:/) exit 0
            if (line[n] !~ /\*\/[[:space:]]*$/ && line[n] !~ /^[[:space:]]*\/\//) exit 1
            for (; n >= 1; n--) {
                if (line[n] ~ /Long because:/) exit 0
                if (line[n] ~ /\/\*/ || (line[n] !~ /^[[:space:]]*(\*|\/\/)/ && line[n] !~ /\*\//)) exit 1
            }
            exit 1
        }' "$1"
}

fail=0
seen=""
IFS='
'
for row in $long; do
    file=$(printf '%s' "$row" | cut -f1)
    first=$(printf '%s' "$row" | cut -f2)
    len=$(printf '%s' "$row" | cut -f3)
    name=$(printf '%s' "$row" | cut -f4)
    key="$file:$name"
    if printf '%s\n' "$allowed" | grep -qxF "$key"; then
        seen="$seen$key
"
        continue
    fi
    if has_reason "$file" "$first"; then
        continue
    fi
    echo "$file:$first: $name is $len lines (over $MAX): split it, or say why on the line before it (\"Long because: ...\")"
    fail=1
done

# Entries that no longer need to be there: the list must only shrink.
for key in $allowed; do
    printf '%s' "$seen" | grep -qxF "$key" ||
        echo "fnlen: note: $key is in tests/guards/fnlen-allow.txt but no longer over $MAX lines: remove it"
done

[ $fail -eq 0 ] && echo "fnlen: every function is at most $MAX lines or says why"
exit $fail
