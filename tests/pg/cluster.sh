#!/bin/sh
# A throw-away PostgreSQL cluster for the tests (and for trying Trygg on
# PostgreSQL by hand): no system service, everything in one directory.
#   tests/pg/cluster.sh start DIR   initdb into DIR/data (if new) and start it,
#                                   listening only on a Unix socket in DIR
#   tests/pg/cluster.sh stop DIR    stop it and remove DIR
#   tests/pg/cluster.sh halt DIR    stop it and keep DIR (start uses it again)
#   tests/pg/cluster.sh url DIR [DB]  print the connection URI (user trygg)
# Run as root, the server runs as the "postgres" user of Debian's postgresql
# package (PostgreSQL refuses to run as root). The cluster trades crash
# safety of the machine for speed (fsync off): a test cluster only, unless
# TRYGG_PG_DURABLE=1 (./trygg run --postgresql) keeps fsync and
# synchronous commits on.
set -eu
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|halt|url DIR [DB]" >&2; exit 2; }
port=5432

bindir=$(pg_config --bindir 2>/dev/null || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
[ -x "$bindir/initdb" ] || { echo "$0: PostgreSQL server programs not found (apt-get install postgresql)" >&2; exit 1; }

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
    # A cluster left running by an interrupted test run is used as it is.
    if [ -f "$dir/data/PG_VERSION" ] && as_pg "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        echo "PostgreSQL test cluster already up: $("$0" url "$dir")"
        exit 0
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
        as_pg "$bindir/initdb" -D "$dir/data" -A trust -U trygg -E UTF8 --locale=C.UTF-8 \
            --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    speed="-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    [ "${TRYGG_PG_DURABLE:-0}" = 1 ] && speed=""
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -c listen_addresses= -p $port $speed -c max_connections=300 -c shared_buffers=64MB" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "PostgreSQL test cluster up: $("$0" url "$dir")"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
halt)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
url)
    echo "postgresql:///${3:-postgres}?host=$dir&port=$port&user=trygg"
    ;;
*)
    echo "usage: $0 start|stop|halt|url DIR [DB]" >&2
    exit 2
    ;;
esac
