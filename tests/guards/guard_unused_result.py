#!/usr/bin/env python3
"""guard_unused_result — every function declared in shared/include/trygg/*.h
that returns trygg_err carries TRYGG_MUST_CHECK (trygg/err.h), so an ignored
result is a compile error under -Werror. Headers still without it are listed
in tests/guards/unused-allow.txt, whole or per function (must only shrink)."""
import glob
import os
import re

from guardlib import allowlist, finish, repo_root

root = repo_root()
allow = allowlist(os.path.join(root, "tests/guards/unused-allow.txt"))
DECL = re.compile(r"^(?P<pre>[^\n;{}()]*?)\btrygg_err\s+(?P<name>trygg_\w+)\s*\(", re.M)
problems = []
for hdr in sorted(glob.glob(os.path.join(root, "shared/include/trygg/*.h"))):
    rel = os.path.relpath(hdr, root)
    with open(hdr, encoding="utf-8") as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    for m in DECL.finditer(text):
        if "TRYGG_MUST_CHECK" in m.group("pre") or "typedef" in m.group("pre"):
            continue
        if rel not in allow and f"{rel}: {m.group('name')}" not in allow:
            line = text.count("\n", 0, m.start()) + 1
            problems.append(f"{rel}:{line}: {m.group('name')} returns trygg_err "
                            "without TRYGG_MUST_CHECK")
finish("guard_unused_result", problems)
