#!/usr/bin/env bash
# usage: it_install.sh BUILD_DIR "PARTS"
set -euo pipefail
build="$1"; parts="$2"
prefix=$(mktemp -d); trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
fail=0
need() { if [ -e "$prefix/$1" ]; then echo "ok   $1"; else echo "MISSING $1"; fail=1; fi; }
need bin/tryggctl
case " $parts " in *kiosk*) need bin/trygg-kiosk; need share/trygg/fonts/NotoSans-Regular.ttf ;; esac
case " $parts " in *smsgw*) need sbin/trygg-smsgw; need etc/trygg/smsgw.ini ;; esac
case " $parts " in *server*) need sbin/trygg-server; need etc/trygg/server.ini; need lib/systemd/system/trygg-server.service ;; esac
need share/trygg/i18n
need share/trygg/keywords/sv.txt
need etc/trygg/routing.ini
# configs are not duplicated into share/, and the installed tool checks the installed routing config
[ ! -e "$prefix/share/trygg/config" ] || { echo "share/trygg/config should not be installed"; fail=1; }
TRYGG_ASSETS="$prefix/share/trygg" "$prefix/bin/tryggctl" check -c "$prefix/etc/trygg/routing.ini" \
    || { echo "installed tryggctl rejects the installed routing.ini"; fail=1; }
exit $fail
