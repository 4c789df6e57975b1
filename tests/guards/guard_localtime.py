#!/usr/bin/env python3
"""guard_localtime — local time is known in one place, the time module
(shared/src/time.c, shared/include/trygg/time.h): nowhere else a call of
localtime/localtime_r/mktime, a strftime of a local struct tm (a strftime
within 6 lines after a gmtime_r is UTC and fine) or SQLite's 'localtime'
modifier. Files that still break the rule are in
tests/guards/localtime-allow.txt, which may only shrink."""
import re

from guardlib import finish, repo_root, scan_code_lines

MODULE = {"shared/src/time.c", "shared/include/trygg/time.h"}
CALL = re.compile(r"\b(localtime(_r)?|mktime)\s*\(|'localtime'")
STRFTIME = re.compile(r"(?<!')\bstrftime\s*\(")


def find(lines, i):
    line = lines[i]
    bad = CALL.search(line)
    m = STRFTIME.search(line)
    if not bad and m and line[:m.start()].count('"') % 2 == 0:  # not SQL in a string
        bad = not any("gmtime" in l for l in lines[max(0, i - 6):i + 1])
    return "local time outside the time module (use trygg/time.h)" if bad else None


finish("guard_localtime", scan_code_lines(repo_root(), "localtime-allow.txt", MODULE, find))
