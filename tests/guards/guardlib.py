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


def finish(name, problems):
    for p in problems:
        print(f"{name}: {p}")
    if problems:
        print(f"{name}: {len(problems)} problem(s)")
        sys.exit(1)
    print(f"{name}: ok")
