#!/usr/bin/env python3
"""guard_copy — string copies into fixed arrays are checked (issue 11, "Shared
primitives, once"): no `snprintf(dst, cap, "%s", src)` copy (any capacity) and no
strcpy/strncpy of a string that is not a literal in kiosk/, server/, shared/
and smsgw/. Use trygg/copy.h: TRYGG_COPY (checked), TRYGG_COPY_FIT (sizes
checked by the compiler) or TRYGG_COPY_TRUNC (display text, with a reason).
Files that still hold such copies are listed in tests/guards/copy-allow.txt,
which may only shrink; a listed file that no longer needs its line fails too."""
import os
import re

from guardlib import allowlist, finish, repo_root, stale, tracked

DIRS = ("kiosk/", "server/", "shared/", "smsgw/")
SNPRINTF_COPY = re.compile(r'\bsnprintf\s*\(\s*[^,;]+,\s*[^,;]+,\s*"%s"\s*,')
STRCPY = re.compile(r'\bstrn?cpy\s*\(\s*[^,;]+,(?!\s*")')

root = repo_root()
allow = allowlist(os.path.join(root, "tests/guards/copy-allow.txt"))
problems = []
seen = set()
for path in tracked(root):
    if not path.startswith(DIRS):
        continue
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        text = f.read()
    hits = [m.start() for m in SNPRINTF_COPY.finditer(text)]
    hits += [m.start() for m in STRCPY.finditer(text)]
    if not hits:
        continue
    seen.add(path)
    if path not in allow:
        for at in sorted(hits):
            line = text.count("\n", 0, at) + 1
            problems.append(f"{path}:{line}: unchecked string copy; use trygg/copy.h")
problems += stale(allow, seen, "copy-allow.txt")
finish("guard_copy", problems)
