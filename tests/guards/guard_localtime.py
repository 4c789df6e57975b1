#!/usr/bin/env python3
"""guard_localtime — local time is known in one place, the time module
(shared/src/time.c, shared/include/trygg/time.h): nowhere else a call of
localtime/localtime_r/mktime, a strftime of a local struct tm (a strftime
within 6 lines after a gmtime_r is UTC and fine) or SQLite's 'localtime'
modifier. Files that still break the rule are in
tests/guards/localtime-allow.txt, which may only shrink."""
import os
import re

from guardlib import allowlist, finish, repo_root, tracked

MODULE = {"shared/src/time.c", "shared/include/trygg/time.h"}
CALL = re.compile(r"\b(localtime(_r)?|mktime)\s*\(|'localtime'")
STRFTIME = re.compile(r"(?<!')\bstrftime\s*\(")

root = repo_root()
allow = allowlist(os.path.join(root, "tests/guards/localtime-allow.txt"))
problems = []
seen = set()
for path in tracked(root):
    if path in MODULE:
        continue
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        code = line.strip()
        if code.startswith(("/*", "*", "//")):
            continue  # prose in a comment
        bad = CALL.search(line)
        m = STRFTIME.search(line)
        if not bad and m and line[:m.start()].count('"') % 2 == 0:  # not SQL in a string
            bad = not any("gmtime" in l for l in lines[max(0, i - 6):i + 1])
        if bad:
            seen.add(path)
            if path not in allow:
                problems.append(f"{path}:{i + 1}: local time outside the time module "
                                f"(use trygg/time.h): {code}")
for path in sorted(allow - seen):
    problems.append(f"{path} is in localtime-allow.txt but no longer needs it: remove the line")
finish("guard_localtime", problems)
