# pair.sh — sourced by tests/pg/failover.sh: a PostgreSQL primary and a
# streaming-replication standby in one temporary directory, no system
# service (as root the servers run as the "postgres" user, as in
# tests/pg/cluster.sh). Each listens only on a Unix socket in its own
# directory: primary P/a, standby P/b (port 5432 in both).
#   pair_start P      initdb the primary, start it, pg_basebackup -R the
#                     standby, start it, wait until it streams, then turn on
#                     synchronous replication on the primary
#   pair_url DB       the multi-host libpq URI (read-write host of a,b)
#   pair_psql a|b DB ARGS...   psql on one of the two
#   pair_kill a|b     kill -9 of the postmaster and all its processes;
#                     prints the time of the kill (date +%s.%N)
#   pair_promote a|b  pg_ctl promote -w
#   pair_stop         stops what is still running and removes P
# Durability: synchronous_commit = on with synchronous_standby_names = '*'
# (set with ALTER SYSTEM on the primary only, after the base backup, so the
# promoted standby does not wait for a standby it does not have). fsync is
# off, as in cluster.sh: these tests kill processes, not the machine.
PAIR_DIR=""
PAIR_BIN="$(pg_config --bindir 2>/dev/null || true)"
if [ -z "$PAIR_BIN" ] || [ ! -x "$PAIR_BIN/initdb" ]; then
    PAIR_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
fi

pair_as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pair_pgctl_start() { # pair_pgctl_start a|b
    local n="$1"
    pair_as_pg "$PAIR_BIN/pg_ctl" -D "$PAIR_DIR/$n/data" -l "$PAIR_DIR/$n.log" -w -t 60 \
        -o "-k $PAIR_DIR/$n -c listen_addresses= -p 5432 -c fsync=off -c max_connections=200 \
            -c shared_buffers=32MB -c wal_level=replica -c max_wal_senders=4" \
        start >/dev/null || { cat "$PAIR_DIR/$n.log" >&2; return 1; }
}

pair_start() {
    PAIR_DIR="$1"
    chmod 755 "$PAIR_DIR"
    [ -x "$PAIR_BIN/initdb" ] || { echo "PostgreSQL server programs not found" >&2; return 1; }
    mkdir -p "$PAIR_DIR/a" "$PAIR_DIR/b"
    chmod 700 "$PAIR_DIR/a" "$PAIR_DIR/b"
    [ "$(id -u)" = 0 ] && chown -R postgres "$PAIR_DIR"
    pair_as_pg "$PAIR_BIN/initdb" -D "$PAIR_DIR/a/data" -A trust -U trygg -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$PAIR_DIR/initdb.log" 2>&1 ||
        { cat "$PAIR_DIR/initdb.log" >&2; return 1; }
    pair_pgctl_start a
    pair_as_pg "$PAIR_BIN/pg_basebackup" -h "$PAIR_DIR/a" -p 5432 -U trygg -D "$PAIR_DIR/b/data" \
        -R -X stream -c fast --no-sync >"$PAIR_DIR/basebackup.log" 2>&1 ||
        { cat "$PAIR_DIR/basebackup.log" >&2; return 1; }
    pair_pgctl_start b
    local s=""
    for _ in $(seq 1 100); do
        s="$(pair_psql a postgres -Atc "SELECT state FROM pg_stat_replication" 2>/dev/null)"
        [ "$s" = streaming ] && break
        sleep 0.1
    done
    [ "$s" = streaming ] || { echo "the standby does not stream: '$s'" >&2; return 1; }
    pair_psql a postgres -qc "ALTER SYSTEM SET synchronous_standby_names = '*'" \
        -c "ALTER SYSTEM SET synchronous_commit = 'on'" -c "SELECT pg_reload_conf()" >/dev/null
    for _ in $(seq 1 100); do
        s="$(pair_psql a postgres -Atc "SELECT sync_state FROM pg_stat_replication")"
        [ "$s" = sync ] && break
        sleep 0.1
    done
    [ "$s" = sync ] || { echo "the standby is not synchronous: '$s'" >&2; return 1; }
    pair_psql a postgres -qc "CREATE DATABASE trygg" >/dev/null
}

pair_url() {
    echo "postgresql:///$1?host=$PAIR_DIR/a,$PAIR_DIR/b&port=5432,5432&user=trygg&target_session_attrs=read-write&connect_timeout=5"
}

pair_psql() {
    local n="$1" db="$2"
    shift 2
    psql -X -h "$PAIR_DIR/$n" -p 5432 -U trygg -d "$db" "$@"
}

pair_kill() {
    local pm
    pm="$(head -1 "$PAIR_DIR/$1/data/postmaster.pid")"
    local kids
    kids="$(pgrep -P "$pm" | tr '\n' ' ')"
    date +%s.%N
    # shellcheck disable=SC2086
    kill -9 "$pm" $kids
}

pair_promote() {
    pair_as_pg "$PAIR_BIN/pg_ctl" -D "$PAIR_DIR/$1/data" -w -t 60 promote >/dev/null
}

pair_stop() {
    [ -n "$PAIR_DIR" ] || return 0
    for n in a b; do
        if [ -f "$PAIR_DIR/$n/data/postmaster.pid" ]; then
            pair_as_pg "$PAIR_BIN/pg_ctl" -D "$PAIR_DIR/$n/data" -m immediate -w stop \
                >/dev/null 2>&1 || true
        fi
    done
    rm -rf "$PAIR_DIR"
}
