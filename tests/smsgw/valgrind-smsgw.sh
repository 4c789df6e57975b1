#!/bin/sh
# valgrind-smsgw.sh — trygg-smsgw under valgrind, for the integration
# scripts (their first argument is the gateway binary): the real binary is
# $SMSGW_REAL. Any memory error or leak makes the exit status 1, which the
# scripts check on every clean stop. (tests/smsgw/CMakeLists.txt, label
# valgrind.)
exec valgrind --quiet --error-exitcode=1 --leak-check=full --track-origins=yes \
    --suppressions="$(dirname "$0")/valgrind.supp" "$SMSGW_REAL" "$@"
