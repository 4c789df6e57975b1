#!/usr/bin/env bash
# bench_smsgw.sh — N SMS (default 200) on the Gammu dummy phone, each
# stored and acknowledged, by Trygg and by gammu-smsd doing the same work:
#
#   trygg        trygg-smsgw (its own store) + trygg-server (the dialog, the
#                item, the acknowledgement queued): every SMS stored, its
#                acknowledgement claimed, sent on the phone and reported sent.
#                SQLite, WAL, synchronous = FULL on both stores: an fsync
#                per commit.
#   smsd-sql     gammu-smsd, SQL backend (Driver = sqlite3 through libdbi,
#                Debian libdbd-sqlite3), RunOnReceive = a script that queues
#                the acknowledgement with gammu-smsd-inject; done when every
#                acknowledgement is in sentitems. The database is switched to
#                WAL; neither libdbi nor gammu sets synchronous, so it is
#                SQLite's default FULL: an fsync per commit, like Trygg.
#   smsd-files   gammu-smsd, files backend: stores the SMS as files only, no
#                acknowledgement and no fsync — LESS WORK, printed for
#                reference.
#
# For each: wall time per SMS (a run without valgrind), and instructions per
# SMS (valgrind --tool=callgrind, children traced: the RunOnReceive script
# and gammu-smsd-inject count for gammu-smsd; trygg-smsgw and trygg-server
# both count for Trygg, the gateway's share printed as well). The counters
# are zeroed (callgrind_control -z) once every process is up, and the SMS are
# put on the phone after that, so start-up is not counted; the idle polling
# during the run is (both poll the phone every second).
#
# Not part of `./trygg test` (times depend on the machine: fsync above all,
# and the load); ctest smsgw_bench_smoke runs it with 3 SMS and --no-callgrind.
#
# Usage: tests/smsgw/bench_smsgw.sh [--no-callgrind] [--trygg-only] BUILD-DIR [COUNT]
#   --trygg-only skips gammu-smsd (before/after figures of Trygg's own cost).
#   BUILD-DIR holds smsgw/trygg-smsgw, server/trygg-server and
#   shared/tryggctl/tryggctl, built without sanitizers (valgrind cannot run
#   ASan binaries): cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   -DTRYGG_TESTS=OFF. Needs sqlite3, bc, python3, gammu-smsd (with
#   gammu-smsd-inject), libdbd-sqlite3 and valgrind (deps/debian-packages.txt).
set -euo pipefail
CG=1 ONLY=
while [ "${1:-}" = "--no-callgrind" ] || [ "${1:-}" = "--trygg-only" ]; do
    [ "$1" = "--no-callgrind" ] && CG=0
    [ "$1" = "--trygg-only" ] && ONLY=trygg
    shift
done
B=$(cd "$1" && pwd) N=${2:-200}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PY=$(command -v /usr/bin/python3 || command -v python3)
export LC_ALL=C LANG=C
D=$(mktemp -d "${TMPDIR:-/tmp}/bench-smsgw-XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    [ -n "${KEEP:-}" ] || rm -rf "$D"
}
trap cleanup EXIT
now() { date +%s.%N; }
die() {
    echo "bench_smsgw: $*" >&2
    exit 1
}
# A missing tool: exit 77 (ctest's skip code for smsgw_bench_smoke).
missing() {
    echo "bench_smsgw: $* is not installed (./trygg deps)" >&2
    exit 77
}
for tool in sqlite3 bc gammu-smsd gammu-smsd-inject; do
    command -v "$tool" >/dev/null || missing "$tool"
done
ls /usr/lib/*/dbd/libdbdsqlite3.so >/dev/null 2>&1 || missing libdbd-sqlite3
[ "$CG" = 0 ] || command -v callgrind_control >/dev/null || missing valgrind

"$PY" - "$N" > "$D/batch" <<'PYEOF'
import sys
for i in range(int(sys.argv[1])):
    print("+4670300%04d\tTips %d: det är mörkt vid busshållplatsen på Ågatan" % (i, i))
PYEOF
fill() { "$PY" "$SRC/tools/fake-sms" --batch "$D/batch" "$1"; }

# wait_for FILE PATTERN SECONDS: until FILE has a line matching PATTERN.
wait_for() {
    for _ in $(seq 1 $(($3 * 10))); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    die "timeout waiting for '$2' in $1: $(tail -5 "$1" 2>/dev/null)"
}
# stop PID: SIGTERM and wait (callgrind writes its file at exit).
stop() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
# The instructions (Ir) in callgrind files matching a glob.
irs() {
    local sum=0 f v
    for f in $1; do
        [ -e "$f" ] || continue
        v=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$f" | head -1)
        [ -n "$v" ] || v=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$f" | head -1)
        sum=$((sum + ${v:-0}))
    done
    echo "$sum"
}
# vg TAG CMD...: CMD under callgrind (children traced) when RUN_CG=1. Run
# it with & : it execs, so $! is the program's own process.
vg() {
    local tag=$1
    shift
    if [ "$RUN_CG" = 1 ]; then
        exec valgrind -q --tool=callgrind --trace-children=yes \
            --callgrind-out-file="$D/cg.$tag.%p" "$@"
    fi
    exec "$@"
}
# zero PID...: reset the callgrind counters of running processes.
zero() {
    [ "$RUN_CG" = 1 ] || return 0
    for p in "$@"; do callgrind_control -z "$p" >/dev/null 2>&1 || die "callgrind_control -z $p"; done
}
count() { sqlite3 "$1" "$2" 2>/dev/null || echo 0; }

# ---- Trygg: trygg-server on $T, trygg-smsgw on $G, talking over HTTP only.
trygg_run() {
    local T=$D/trygg G=$D/gateway PH=$D/phone-trygg
    rm -rf "$T" "$G" "$PH" "$D"/cg.smsgw.* "$D"/cg.server.*
    mkdir -p "$T" "$G/keys" "$PH"
    [ "$RUN_CG" = 1 ] || fill "$PH"
    local CTL=$B/shared/tryggctl/tryggctl
    "$CTL" -d "$T" init >/dev/null
    mv "$T/keys/number.key" "$G/keys/number.key"
    cp "$T/keys/pseudonym.key" "$G/keys/pseudonym.key"
    sed "s|@DATA@|$T|g; s|@PORT@|0|g" "$SRC/assets/config/server.ini" > "$T/server.ini"
    cp "$SRC/assets/config/routing.ini" "$T/"
    : > "$T/server.log"
    vg server "$B/server/trygg-server" -c "$T/server.ini" 2>> "$T/server.log" &
    local spid=$!
    PIDS+=("$spid")
    wait_for "$T/server.log" "listening on 127\.0\.0\.1:" 300
    local port
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/server.log" | head -1)
    "$CTL" -d "$T" gateway add bench > "$G/token" 2>/dev/null
    sed "s|@DATA@|$G|g; s|@PORT@|$port|g" "$SRC/assets/config/smsgw.ini" > "$T/smsgw.ini"
    sed -i "s|^device = .*|device = $PH|; s/^replies_per_hour = .*/replies_per_hour = 10000/" \
        "$T/smsgw.ini"
    sed -i "s/^replies_per_hour = .*/replies_per_hour = 10000/; \
            s/^replies_per_day = .*/replies_per_day = 10000/" "$T/server.ini"
    : > "$T/log"
    local t0 t1 gpid
    t0=$(now)
    vg smsgw "$B/smsgw/trygg-smsgw" -c "$T/smsgw.ini" 2> "$T/log" &
    gpid=$!
    PIDS+=("$gpid")
    if [ "$RUN_CG" = 1 ]; then
        wait_for "$T/log" "started (modem" 300
        sleep 2
        zero "$spid" "$gpid"
        t0=$(now)
        fill "$PH"
    fi
    while :; do
        kill -0 "$gpid" 2>/dev/null || die "trygg-smsgw exited: $(cat "$T/log")"
        if [ "$(find "$PH/sms/1" -type f | wc -l)" = 0 ] &&
            [ "$(count "$T/trygg.db" "select count(*) from sms_out where status='sent'")" = "$N" ]; then
            break
        fi
        sleep 0.05
    done
    t1=$(now)
    stop "$gpid"
    stop "$spid"
    local items
    items=$(count "$T/trygg.db" "select count(*) from items")
    [ "$items" = "$N" ] || die "trygg stored $items of $N"
    TRYGG_S=$(echo "$t1 - $t0" | bc -l)
    if [ "$RUN_CG" = 1 ]; then
        TRYGG_IR_GW=$(irs "$D/cg.smsgw.*")
        TRYGG_IR=$((TRYGG_IR_GW + $(irs "$D/cg.server.*")))
    fi
}

# ---- gammu-smsd: sql (RunOnReceive acknowledgement) or files (stores only).
smsd_run() {
    local kind=$1 S=$D/smsd-$1 PH=$D/phone-smsd-$1
    rm -rf "$S" "$PH" "$D"/cg."smsd-$1".*
    mkdir -p "$S" "$PH"
    [ "$RUN_CG" = 1 ] || fill "$PH"
    {
        printf '[gammu]\nmodel = dummy\nconnection = none\ndevice = %s\n' "$PH"
        printf '[smsd]\nReceiveFrequency = 1\nlogfile = %s/smsd.log\ndebuglevel = 0\n' "$S"
    } > "$S/smsdrc"
    if [ "$kind" = sql ]; then
        sqlite3 "$S/smsd.db" < /usr/share/doc/gammu-smsd/examples/sqlite.sql
        sqlite3 "$S/smsd.db" "PRAGMA journal_mode = WAL;" >/dev/null
        cat > "$S/ack.sh" <<'ACK'
#!/bin/sh
# RunOnReceive: queue an acknowledgement for every SMS received.
i=1
while [ "$i" -le "${SMS_MESSAGES:-0}" ]; do
    eval num=\$SMS_${i}_NUMBER
    gammu-smsd-inject -c "$SMSDRC" TEXT "$num" \
        -text "Tack! Ditt tips har tagits emot. Vid fara: ring 112." >/dev/null
    i=$((i + 1))
done
ACK
        chmod +x "$S/ack.sh"
        printf 'service = sql\ndriver = sqlite3\ndatabase = smsd.db\ndbdir = %s/\n' "$S" >> "$S/smsdrc"
        printf 'RunOnReceive = %s/ack.sh\n' "$S" >> "$S/smsdrc"
    else
        mkdir -p "$S/inbox" "$S/outbox" "$S/sent" "$S/error"
        printf 'service = files\ninboxpath = %s/inbox/\noutboxpath = %s/outbox/\n' "$S" "$S" \
            >> "$S/smsdrc"
        printf 'sentsmspath = %s/sent/\nerrorsmspath = %s/error/\n' "$S" "$S" >> "$S/smsdrc"
    fi
    local t0 t1 pid
    t0=$(now)
    SMSDRC=$S/smsdrc vg "smsd-$kind" gammu-smsd -c "$S/smsdrc" 2> "$S/stderr" &
    pid=$!
    PIDS+=("$pid")
    if [ "$RUN_CG" = 1 ]; then
        wait_for "$S/smsd.log" "Starting phone communication" 300
        sleep 2
        zero "$pid"
        t0=$(now)
        fill "$PH"
    fi
    while :; do
        kill -0 "$pid" 2>/dev/null || die "gammu-smsd exited: $(tail -5 "$S/smsd.log")"
        if [ "$kind" = sql ]; then
            [ "$(count "$S/smsd.db" "select count(*) from sentitems")" = "$N" ] && break
        else
            [ "$(find "$S/inbox" -type f | wc -l)" -ge "$N" ] && break
        fi
        sleep 0.05
    done
    t1=$(now)
    stop "$pid"
    if [ "$kind" = sql ]; then
        local got
        got=$(count "$S/smsd.db" "select count(*) from inbox")
        [ "$got" = "$N" ] || die "gammu-smsd (sql) stored $got of $N"
    fi
    SMSD_S=$(echo "$t1 - $t0" | bc -l)
    [ "$RUN_CG" = 1 ] && SMSD_IR=$(irs "$D/cg.smsd-$kind.*")
    return 0
}

RUN_CG=0
trygg_run
trygg_s=$TRYGG_S
if [ -z "$ONLY" ]; then
    smsd_run sql
    sql_s=$SMSD_S
    smsd_run files
    files_s=$SMSD_S
fi
if [ "$CG" = 1 ]; then
    RUN_CG=1
    trygg_run
    if [ -z "$ONLY" ]; then
        smsd_run sql
        sql_ir=$SMSD_IR
        smsd_run files
        files_ir=$SMSD_IR
    fi
fi

ms() { [ -n "${1:-}" ] && echo "scale=1; 1000 * $1 / $N" | bc -l || echo "-"; }
mi() { [ -n "${1:-}" ] && echo "scale=2; $1 / $N / 1000000" | bc -l || echo "-"; }
echo "$N SMS on the Gammu dummy phone, each stored and acknowledged unless marked"
printf '%-58s %10s %12s\n' "" "ms/SMS" "M instr/SMS"
printf '%-58s %10s %12s\n' "trygg-smsgw + trygg-server (WAL, synchronous=FULL)" "$(ms "$trygg_s")" \
    "$(mi "${TRYGG_IR:-}")"
printf '%-58s %10s %12s\n' "  of which trygg-smsgw alone" "" "$(mi "${TRYGG_IR_GW:-}")"
printf '%-58s %10s %12s\n' "gammu-smsd sql + RunOnReceive inject (WAL, sync=FULL)" "$(ms "${sql_s:-}")" \
    "$(mi "${sql_ir:-}")"
printf '%-58s %10s %12s\n' "gammu-smsd files, stores only, no fsync (LESS WORK)" "$(ms "${files_s:-}")" \
    "$(mi "${files_ir:-}")"
echo "wall time: one run each, without valgrind; instructions: valgrind --tool=callgrind"
echo "(counters zeroed after start-up; children traced; idle polling counted)"
