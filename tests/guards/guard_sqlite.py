#!/usr/bin/env python3
"""guard_sqlite — `sqlite3_` appears only in the SQLite backend
(shared/src/store_sqlite*.[ch]) and its own tests (tests/*/test_sqlite_*.c:
migrations, the failing-disk shim), the kiosk's and the gateway's own stores
(kiosk/outbox.c, smsgw/local_store.c and their tests), the statement
helpers those stores share (shared/src/sqlite_util.c, trygg/sqlite_util.h)
and the raw-SQLite baselines (bench/, server/bench/). Every other test talks through store.h. Files that still break the rule are listed in
tests/guards/sqlite-allow.txt, which may only shrink."""
import fnmatch
import os
import re

from guardlib import allowlist, finish, repo_root, stale, tracked

ALLOWED = ["shared/src/store_sqlite*.c", "shared/src/store_sqlite*.h", "tests/*/test_sqlite_*.c",
           "kiosk/outbox.c", "tests/kiosk/test_outbox.c", "smsgw/local_store.c", "smsgw/local_store.h",
           "tests/smsgw/test_local_store.c", "bench/*", "server/bench/*",
           # The kiosk's wiping allocator hands SQLite (which queues a
           # resident's report in the outbox) a free() that zeroes memory.
           "kiosk/wipe.c",
           # The statement helpers (prepare/exec/step with the error text,
           # open with busy timeout, WAL pragmas) that the backend, the
           # gateway's local store and the kiosk's outbox share: those two
           # stores are deliberately SQLite-only (their own files, never
           # behind store.h), so all three need the helpers and none may
           # copy them.
           "shared/src/sqlite_util.c", "shared/include/trygg/sqlite_util.h"]

root = repo_root()
allow = allowlist(os.path.join(root, "tests/guards/sqlite-allow.txt"))
problems = []
seen = set()
for path in tracked(root):
    if any(fnmatch.fnmatch(path, pat) for pat in ALLOWED):
        continue
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        text = f.read()
    if re.search(r"\bsqlite3_", text):
        seen.add(path)
        if path not in allow:
            problems.append(f"{path} names sqlite3_ outside the SQLite backend")
problems += stale(allow, seen, "sqlite-allow.txt")
finish("guard_sqlite", problems)
