"""guardlib.py — shared helpers of the tests/guards/guard_*.py scripts:
the repository's tracked C files and allowlist files."""
import os
import subprocess
import sys


def repo_root():
    return os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def tracked(root, exts=(".c", ".h")):
    """Files git tracks (plus untracked, not ignored ones) under root."""
    out = subprocess.run(["git", "-C", root, "ls-files", "-co", "--exclude-standard"],
                         capture_output=True, text=True, check=True).stdout
    return sorted(p for p in out.splitlines()
                  if p.endswith(exts) and os.path.isfile(os.path.join(root, p)))


def allowlist(path):
    """Paths listed one a line in an allowlist file (# comments)."""
    names = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.add(line)
    return names


def stale(allow, seen, listname):
    """Problems for allowlist entries that no longer match anything: the
    lists may only shrink, so a line that is not needed must go."""
    return [f"{path} is in {listname} but no longer needs it: remove the line"
            for path in sorted(allow - seen)]


def scan_code_lines(root, listname, skip, find):
    """Runs find(lines, i) on every line of the tracked C files outside
    `skip` that is not prose in a comment; find returns what is wrong there,
    or None. Returns the problems: each hit in a file not listed in
    tests/guards/<listname>, and each listed file without a hit."""
    allow = allowlist(os.path.join(root, "tests/guards", listname))
    problems = []
    seen = set()
    for path in tracked(root):
        if path in skip:
            continue
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        for i, line in enumerate(lines):
            code = line.strip()
            if code.startswith(("/*", "*", "//")):
                continue  # prose in a comment
            what = find(lines, i)
            if what:
                seen.add(path)
                if path not in allow:
                    problems.append(f"{path}:{i + 1}: {what}: {code}")
    return problems + stale(allow, seen, listname)


def finish(name, problems):
    for p in problems:
        print(f"{name}: {p}")
    if problems:
        print(f"{name}: {len(problems)} problem(s)")
        sys.exit(1)
    print(f"{name}: ok")
