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
import re

from guardlib import finish, repo_root, scan_code_lines

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


def find(lines, i):
    for pattern, what in PATTERNS:
        if pattern.search(lines[i]):
            return (f"{what} outside trygg/utf8.h "
                    "(use trygg_utf8_next/_next_lossy/_put/_prefix/_len/_upper)")
    return None


finish("guard_utf8", scan_code_lines(repo_root(), "utf8-allow.txt", MODULE, find))
