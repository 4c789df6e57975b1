#!/usr/bin/env python3
"""guard_utf8 — UTF-8 is decoded, encoded, validated and cut in one place,
trygg/utf8.h (shared/src/utf8.c, on GNU libunistring): nowhere else a
UTF-8 bit pattern on bytes — a continuation test (`& 0xC0) == 0x80`), a
lead-byte test (`& 0xE0) == 0xC0`, `& 0xF0) == 0xE0`, `& 0xF8) == 0xF0`,
`c >= 0xF0`), bits gathered six at a time (`(v << 6) | (b & 0x3F)`) or
spread into bytes (`0x80 | (cp & 0x3F)`, `0xC0 | (cp >> 6)`). The GSM-7
septet rules (shared/src/ucs2.c) work on code points from trygg/utf8.h and
need no exception. Files that must still do it are in
tests/guards/utf8-allow.txt with a reason each; a line no longer needed
fails the guard too."""
import os
import re

from guardlib import allowlist, finish, repo_root, tracked

MODULE = {"shared/src/utf8.c", "shared/include/trygg/utf8.h"}
HEX = r"0[xX]"
PATTERNS = [
    (re.compile(HEX + r"[cC]0\s*\)?\s*[!=]=\s*" + HEX + r"80\b"), "continuation-byte test"),
    (re.compile(r"&\s*" + HEX + r"(?:[eE]0\s*\)?\s*[!=]=\s*" + HEX + r"[cC]0|[fF]0\s*\)?\s*[!=]=\s*"
                + HEX + r"[eE]0|[fF]8\s*\)?\s*[!=]=\s*" + HEX + r"[fF]0)\b"), "lead-byte test"),
    (re.compile(r">=\s*" + HEX + r"(?:[cC]0|[cC]2|[eE]0|[fF]0|[fF]8)\b"), "lead-byte range"),
    (re.compile(r"<<\s*6\s*\)?\s*\|[^;]*&\s*" + HEX + r"3[fF]\b"), "six bits per byte (decoding)"),
    (re.compile(HEX + r"(?:80\s*\|[^;]*&\s*" + HEX + r"3[fF]|[cC]0\s*\|[^;]*>>\s*6|[eE]0\s*\|[^;]*>>\s*12"
                r"|[fF]0\s*\|[^;]*>>\s*18)\b"), "six bits per byte (encoding)"),
]

root = repo_root()
allow = allowlist(os.path.join(root, "tests/guards/utf8-allow.txt"))
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
        for pattern, what in PATTERNS:
            if pattern.search(line):
                seen.add(path)
                if path not in allow:
                    problems.append(f"{path}:{i + 1}: {what} outside trygg/utf8.h "
                                    f"(use trygg_utf8_next/_put/_prefix/_len...): {code}")
                break
for path in sorted(allow - seen):
    problems.append(f"{path} is in utf8-allow.txt but no longer needs it: remove the line")
finish("guard_utf8", problems)
