#!/usr/bin/env python3
"""cg_split.py — splits a callgrind profile's instructions (Ir) into the part
spent inside a set of functions and the rest (tests/smsgw/bench_smsgw.sh).

    cg_split.py REGEX FILE...

prints "TOTAL INSIDE": TOTAL the instructions of the files (their totals:
line), INSIDE the inclusive cost of every call into a function whose name
matches REGEX from a function whose name does not (so a matching function
that calls another one is counted once). The bench uses it with
'^DUMMY_' for the part of the gateway's instructions spent in libGammu's
dummy phone driver (its file reading and writing, which a real modem does
not do).

Callgrind's format (valgrind's docs/callgrind-format): "fn=(id) name" sets
the current function, "cfn=(id) name" the called one, "calls=N target" is
followed by a line "position inclusive-cost..."; names are given once with
their id and later by the id alone.
"""
import re
import sys


def split(path, rx):
    names = {}
    total = inside = 0
    fn = cfn = None
    after_calls = False

    def name_of(rest):
        m = re.match(r"\((\d+)\)(?: (.*))?$", rest)
        if not m:
            return rest
        if m.group(2) is not None:
            names[m.group(1)] = m.group(2)
        return names.get(m.group(1), "")

    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if after_calls:
                after_calls = False
                cols = line.split()
                if (len(cols) >= 2 and fn is not None and cfn is not None and
                        rx.search(cfn) and not rx.search(fn)):
                    inside += int(cols[1])
                continue
            if line.startswith("fn="):
                fn = name_of(line[3:])
            elif line.startswith("cfn="):
                cfn = name_of(line[4:])
            elif line.startswith("calls="):
                after_calls = True
            elif line.startswith("totals:") or line.startswith("summary:"):
                if not total:
                    total = int(line.split()[1])
    return total, inside


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: cg_split.py REGEX FILE...")
    rx = re.compile(sys.argv[1])
    total = inside = 0
    for path in sys.argv[2:]:
        t, i = split(path, rx)
        total += t
        inside += i
    print(total, inside)


if __name__ == "__main__":
    main()
