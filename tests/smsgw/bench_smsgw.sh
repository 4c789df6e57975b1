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
# both count for Trygg). For the gateway it prints (a) its instructions,
# (b) the part of them inside libGammu's dummy phone driver (the inclusive
# cost of the calls into DUMMY_*, tests/smsgw/cg_split.py: the dummy reads
# and rewrites backup files, a real modem does not) and (c) = (a) - (b), the
# gateway's own cost, which the goal of issue 13 (<= 1 M per SMS) is about.
# Trygg runs twice: new texters (every SMS from its own number) and repeat
# texters (--repeat K SMS from each number, default 5). The counters
# are zeroed (callgrind_control -z) once every process is up, and the SMS are
# put on the phone after that, so start-up is not counted; the idle polling
# during the run is (both poll the phone every second).
#
# Not part of `./trygg test` (times depend on the machine: fsync above all,
# and the load); ctest smsgw_bench_smoke runs it with 3 SMS and --no-callgrind.
#
# Usage: tests/smsgw/bench_smsgw.sh [--no-callgrind] [--trygg-only] [--repeat K] BUILD-DIR [COUNT]
#   --trygg-only skips gammu-smsd (before/after figures of Trygg's own cost).
#   BUILD-DIR holds smsgw/trygg-smsgw, server/trygg-server and
#   shared/tryggctl/tryggctl, built without sanitizers (valgrind cannot run
#   ASan binaries): cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   -DTRYGG_TESTS=OFF. Needs sqlite3, bc, python3, gammu-smsd (with
#   gammu-smsd-inject), libdbd-sqlite3 and valgrind (deps/debian-packages.txt).
set -euo pipefail
CG=1 ONLY= REPEAT=5
while :; do
    case "${1:-}" in
    --no-callgrind) CG=0 ;;
    --trygg-only) ONLY=trygg ;;
    --repeat) REPEAT=$2 && shift ;;
    *) break ;;
    esac
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

# batch FILE PER: N SMS, PER from each number (1: every SMS a new texter).
batch() {
    "$PY" - "$N" "$2" > "$1" <<'PYEOF'
import sys
n, per = int(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    print("+4670300%04d\tTips %d: det är mörkt vid busshållplatsen på Ågatan" % (i // per, i))
PYEOF
}
batch "$D/batch" 1
batch "$D/batch-repeat" "$REPEAT"
BATCH=$D/batch
fill() { "$PY" "$SRC/tools/fake-sms" --batch "$BATCH" "$1"; }

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
    [ "$items" = "$ITEMS" ] || die "trygg made $items items, not $ITEMS"
    TRYGG_S=$(echo "$t1 - $t0" | bc -l)
    if [ "$RUN_CG" = 1 ]; then
        # The gateway's instructions and the part of them inside libGammu's
        # dummy phone driver (DUMMY_*, inclusive: its backup-file reading and
        # writing, which a real modem replaces by AT commands).
        local split
        split=$("$PY" "$SRC/tests/smsgw/cg_split.py" '^DUMMY_' "$D"/cg.smsgw.*)
        TRYGG_IR_GW=${split% *}
        TRYGG_IR_DUMMY=${split#* }
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

# Each run of Trygg: new texters (every SMS from its own number: a new
# sealed box each) and repeat texters (REPEAT SMS from each number, threads
# on the server: most tip-line texters write several times).
trygg_both() {
    BATCH=$D/batch ITEMS=$N
    trygg_run
    NEW_S=$TRYGG_S NEW_IR=${TRYGG_IR:-} NEW_GW=${TRYGG_IR_GW:-} NEW_DUMMY=${TRYGG_IR_DUMMY:-}
    BATCH=$D/batch-repeat ITEMS=$(((N + REPEAT - 1) / REPEAT))
    trygg_run
    REP_S=$TRYGG_S REP_IR=${TRYGG_IR:-} REP_GW=${TRYGG_IR_GW:-} REP_DUMMY=${TRYGG_IR_DUMMY:-}
    BATCH=$D/batch
}

RUN_CG=0
trygg_both
new_s=$NEW_S rep_s=$REP_S
if [ -z "$ONLY" ]; then
    smsd_run sql
    sql_s=$SMSD_S
    smsd_run files
    files_s=$SMSD_S
fi
if [ "$CG" = 1 ]; then
    RUN_CG=1
    trygg_both
    if [ -z "$ONLY" ]; then
        smsd_run sql
        sql_ir=$SMSD_IR
        smsd_run files
        files_ir=$SMSD_IR
    fi
fi

ms() { [ -n "${1:-}" ] && echo "scale=1; 1000 * $1 / $N" | bc -l || echo "-"; }
mi() { [ -n "${1:-}" ] && echo "scale=2; $1 / $N / 1000000" | bc -l || echo "-"; }
own() { [ -n "${1:-}" ] && [ -n "${2:-}" ] && echo $(($1 - $2)) || echo ""; }
row() { printf '%-62s %8s %12s\n' "$1" "$2" "$3"; }
trygg_rows() { # wall, all, gateway, dummy
    row "  trygg-smsgw + trygg-server (WAL, synchronous=FULL)" "$(ms "$1")" "$(mi "${2:-}")"
    row "  (a) trygg-smsgw" "" "$(mi "${3:-}")"
    row "  (b)   of which in libGammu's dummy phone driver" "" "$(mi "${4:-}")"
    row "  (c) the gateway's own cost, (a) - (b)  [goal <= 1 M]" "" "$(mi "$(own "${3:-}" "${4:-}")")"
}
echo "$N SMS on the Gammu dummy phone, each stored and acknowledged unless marked"
row "" "ms/SMS" "M instr/SMS"
echo "new texters (each SMS from its own number)"
trygg_rows "$new_s" "${NEW_IR:-}" "${NEW_GW:-}" "${NEW_DUMMY:-}"
echo "repeat texters ($REPEAT SMS from each number)"
trygg_rows "$rep_s" "${REP_IR:-}" "${REP_GW:-}" "${REP_DUMMY:-}"
if [ -z "$ONLY" ]; then
    echo "gammu-smsd, new texters"
    row "  gammu-smsd sql + RunOnReceive inject (WAL, sync=FULL)" "$(ms "${sql_s:-}")" \
        "$(mi "${sql_ir:-}")"
    row "  gammu-smsd files, stores only, no fsync (LESS WORK)" "$(ms "${files_s:-}")" \
        "$(mi "${files_ir:-}")"
fi
echo "wall time: one run each, without valgrind; instructions: valgrind --tool=callgrind"
echo "(counters zeroed after start-up; children traced; idle polling counted;"
echo " (b): inclusive cost of the calls into DUMMY_* functions, tests/smsgw/cg_split.py)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
