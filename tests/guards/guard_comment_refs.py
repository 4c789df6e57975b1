#!/usr/bin/env python3
"""guard_comment_refs — a file named in a comment of a C file exists in the
repository: a path with a slash (`server/web_html.c`, `assets/i18n/web/sv.po`,
taken from the repository root, the commenting file's folder or any folder
above it) or a bare file name (`web_html.c`, `kiosk.ini`, found
anywhere in the repository). Also accepted: a header under shared/include
(`trygg/time.h`), a system header some file #includes (`cmocka.h`), a
placeholder folder in capitals (`DATADIR/server.ini`) and the names in
tests/guards/comment-refs-allow.txt (files a program writes at run time, and
references the lead still has to fix). Patterns (`*`, `<part>`) are skipped."""
import os
import re

from guardlib import allowlist, finish, repo_root, tracked

EXT = r"(?:c|h|md|py|sh|mjs|js|po|ini|txt|json|css|html|svg|xml|cmake|conf|service)"
REF = re.compile(r"(?<![\w./<>{*-])((?:[\w.-]+/)*[\w-]+(?:\.[\w-]+)*\." + EXT + r")(?![\w/*>}])")
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
STRING = re.compile(r'"(?:\\.|[^"\\\n])*"')

root = repo_root()
everything = tracked(root, exts=("",))
names = {os.path.basename(p) for p in everything}
paths = set(everything)
dirs = {os.path.dirname(p) for p in everything}
allow = allowlist(os.path.join(root, "tests/guards/comment-refs-allow.txt"))
system = set()
for p in tracked(root):
    with open(os.path.join(root, p), encoding="utf-8", errors="replace") as f:
        system.update(re.findall(r"#\s*include\s*<([^>]+)>", f.read()))


def exists(ref, where):
    if ref in system or ref in allow or re.match(r"[A-Z][A-Z_]+/", ref):
        return True
    if os.path.normpath(os.path.join("shared/include", ref)) in paths:
        return True
    if "/" not in ref:
        return ref in names
    d = where
    while True:
        cand = os.path.normpath(os.path.join(d, ref))
        if cand in paths or cand in dirs:
            return True
        if not d:
            return False
        d = os.path.dirname(d)


problems = []
for path in tracked(root):
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        text = STRING.sub('""', f.read())
    for c in COMMENT.finditer(text):
        for m in REF.finditer(c.group(0)):
            ref = m.group(1)
            if ref.startswith(("http", "www.")) or "//" in ref:
                continue
            if not exists(ref, os.path.dirname(path)) and f"{path}: {ref}" not in allow:
                line = text.count("\n", 0, c.start() + m.start()) + 1
                problems.append(f"{path}:{line}: comment names {ref}, which is not in the repository")
finish("guard_comment_refs", problems)
