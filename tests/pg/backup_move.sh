#!/usr/bin/env bash
# backup_move.sh — backups and `tryggctl move` on real files and databases
# (docs/postgresql.md, "Backups" and "Moving a SQLite queue into
# PostgreSQL"), on the throw-away cluster of the ctest fixture `pg`
# (TRYGG_TEST_PG):
#   * SQLite's online backup (`tryggctl backup`): the copy passes
#     integrity_check, has no -wal file, opens with the same rows;
#   * `tryggctl move` refuses a source at an older schema (migrate first)
#     and a target that is not PostgreSQL; moves a demo queue into an empty
#     database with the same rows and the same `list`; a second run is
#     refused and changes nothing;
#   * pg_dump/pg_restore and pg_basebackup of that database: each restored
#     copy opens with the same rows and the same `list`.
# usage: backup_move.sh TRYGGCTL
set -euo pipefail
CTL="$1"
ADMIN="${TRYGG_TEST_PG:?TRYGG_TEST_PG must name the test cluster}"
W="$(mktemp -d "${TMPDIR:-/tmp}/trygg-backup-XXXXXX")"
chmod 755 "$W"
D="$W/data"
DBS=()
BASE_UP=
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
bindir=$(pg_config --bindir 2>/dev/null || true)
[ -x "$bindir/pg_ctl" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    [ -n "$BASE_UP" ] && as_pg "$bindir/pg_ctl" -D "$W/base" -m immediate -w stop >/dev/null 2>&1
    for db in "${DBS[@]}"; do
        psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    done
    rm -rf "$W"
}
trap cleanup EXIT
url() { echo "postgresql:///$1?${ADMIN#*\?}"; }
newdb() { psql -q "$ADMIN" -c "CREATE DATABASE $1" >/dev/null; DBS+=("$1"); }
ctl_on() { local db="$1"; shift; TRYGG_DATABASE="$db" "$CTL" -d "$D" "$@"; }
# Rows per table that both backends have (SQLite has its week cache and
# search bookkeeping besides (SQLite's fts_pending, PostgreSQL's items_urgent);
# sessions and leases are not moved).
moved_tables() {
    grep -Ev '^(report_week_done|report_week_counts|fts_pending|items_urgent|staff_sessions|login_failures|job_leases) '
}

"$CTL" -d "$D" init >/dev/null
"$CTL" -d "$D" demo-data >/dev/null
"$CTL" -d "$D" list > "$W/list.sqlite"
"$CTL" -d "$D" tables > "$W/tables.sqlite"
[ "$(grep -c . "$W/list.sqlite")" -gt 10 ] || fail "demo data: $(cat "$W/list.sqlite")"

# SQLite's online backup.
"$CTL" -d "$D" backup "$W/copy.db" >/dev/null || fail "backup"
"$CTL" -d "$D" backup "$W/copy.db" 2>/dev/null && fail "backup over an existing file"
[ "$(sqlite3 "$W/copy.db" 'PRAGMA integrity_check')" = ok ] || fail "copy: integrity_check"
[ -e "$W/copy.db-wal" ] && fail "copy has a -wal file"
ctl_on "$W/copy.db" tables | diff "$W/tables.sqlite" - || fail "copy: other rows"
ctl_on "$W/copy.db" list | diff "$W/list.sqlite" - || fail "copy: other list"

# move: refused for an old source, a SQLite target, a missing source.
sqlite3 "$W/old.db" 'CREATE TABLE items(id INTEGER PRIMARY KEY); PRAGMA user_version = 5;'
newdb "trygg_mv_$$"
M="$(url "trygg_mv_$$")"
OUT="$("$CTL" -d "$D" move --from "$W/old.db" --to "$M" 2>&1)" && fail "move of an old schema"
case "$OUT" in *"migrate it first"*) ;; *) fail "old schema: $OUT" ;; esac
"$CTL" -d "$D" move --to "$W/other.db" 2>/dev/null && fail "move into SQLite"
"$CTL" -d "$D" move --from "$W/none.db" --to "$M" 2>/dev/null && fail "move of a missing file"
[ "$(ctl_on "$M" tables | awk '$2 != 0' | grep -c .)" = 0 ] || fail "a refused move wrote something"

# move: the demo queue into the empty database.
"$CTL" -d "$D" move --to "$M" > "$W/move.out" || fail "move: $(cat "$W/move.out")"
grep -q "^moved [0-9]* rows" "$W/move.out" || fail "move output: $(cat "$W/move.out")"
ctl_on "$M" tables | moved_tables > "$W/tables.pg"
moved_tables < "$W/tables.sqlite" | diff - "$W/tables.pg" || fail "moved: other rows"
ctl_on "$M" list | diff "$W/list.sqlite" - || fail "moved: other list"
OUT="$("$CTL" -d "$D" move --to "$M" 2>&1)" && fail "second move"
case "$OUT" in *"not empty"*) ;; *) fail "second move: $OUT" ;; esac
ctl_on "$M" tables | moved_tables | diff "$W/tables.pg" - || fail "second move changed rows"

# pg_dump / pg_restore into a new database.
pg_dump -Fc -f "$W/trygg.dump" "$M" || fail "pg_dump"
newdb "trygg_rs_$$"
pg_restore --no-owner -d "$(url "trygg_rs_$$")" "$W/trygg.dump" || fail "pg_restore"
ctl_on "$(url "trygg_rs_$$")" tables | moved_tables | diff "$W/tables.pg" - || fail "restored: other rows"
ctl_on "$(url "trygg_rs_$$")" list | diff "$W/list.sqlite" - || fail "restored: other list"

# pg_basebackup of the whole cluster, started as a second cluster.
mkdir -p "$W/base" "$W/sock"
[ "$(id -u)" = 0 ] && chown postgres "$W/base" "$W/sock"
as_pg pg_basebackup -d "$ADMIN" -D "$W/base" -Fp -X stream -c fast || fail "pg_basebackup"
chmod 700 "$W/base" # PostgreSQL refuses a data directory others can read
as_pg "$bindir/pg_ctl" -D "$W/base" -l "$W/sock/server.log" -w -t 60 \
    -o "-k $W/sock -c listen_addresses= -p 5433" start >/dev/null ||
    fail "base: start: $(tail -3 "$W/sock/server.log")"
BASE_UP=1
B="postgresql:///trygg_mv_$$?host=$W/sock&port=5433&user=trygg"
ctl_on "$B" tables | moved_tables | diff "$W/tables.pg" - || fail "base backup: other rows"
ctl_on "$B" list | diff "$W/list.sqlite" - || fail "base backup: other list"

[ "$FAILS" = 0 ] && echo "backup_move: ok"
exit "$FAILS"
