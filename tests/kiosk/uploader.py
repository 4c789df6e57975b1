#!/usr/bin/env python3
"""Uploader error paths against a real local HTTP endpoint: a wrong token
(401) keeps the submission queued; with the right token it arrives; a
submission the server refuses with 400 becomes "dead" (not retried for ever)
and maintenance mode shows it, while the next one still arrives; the
heartbeat reports the error while it is current and no stale error after.

Without a token file at all the kiosk is out of order (defect 9): it
says so with the phone numbers and takes no report.

usage: uploader.py PATH/TO/trygg-kiosk
"""
import json
import shutil
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KIOSK = sys.argv[1]


def submit(text):
    return ["tap #home.concern", "tap #opt.lighting", "tap #opt.gota", "tap #opt.today",
            "type " + text, "tap #nav.next", "tap #review.send", "expect screen receipt",
            "tap #receipt.done"]


def rows(db):
    c = sqlite3.connect(db, timeout=5)
    r = c.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
    c.close()
    return dict(r)


def main():
    tmp = tempfile.mkdtemp(prefix="kiosk-uploader-")
    log = os.path.join(tmp, "requests.jsonl")
    srv = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_server.py"), "--log", log,
                            "--token", "right-token", "--reject-text", "avvisa"],
                           stdout=subprocess.PIPE, text=True)
    port = int(srv.stdout.readline().split()[1])
    data = os.path.join(tmp, "data")
    token = os.path.join(tmp, "token")
    ini = os.path.join(tmp, "kiosk.ini")
    open(ini, "w").write(f"""[kiosk]
server_url = http://127.0.0.1:{port}
token_file = {token}
data_dir = {data}
[timing]
retry_min_ms = 100
retry_max_ms = 400
heartbeat_s = 1
config_refresh_s = 1
""")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    try:
        # 0. no token file (defect 9): the kiosk cannot upload anything, so it
        # takes no reports: out of order, with the phone numbers and help
        s0 = os.path.join(tmp, "s0.txt")
        open(s0, "w").write("\n".join([
            "expect screen home", "expect text Kiosken är ur funktion", "expect text 114 14",
            "tap #home.help", "expect screen help", "tap #nav.back", "tap? #home.concern",
            "expect screen home", "expect outbox 0", "quit"]) + "\n")
        r = subprocess.run([KIOSK, "-c", ini, "--script", s0], env=env, capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        # 1. wrong token: the submission stays queued
        open(token, "w").write("wrong-token\n")
        s1 = os.path.join(tmp, "s1.txt")
        open(s1, "w").write("\n".join(submit("lampa") + ["sleep 1500", "expect outbox 1"]) + "\n")
        r = subprocess.run([KIOSK, "-c", ini, "--script", s1], env=env, capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert "token refused" in r.stderr, "no 401 warning logged"
        assert rows(os.path.join(data, "outbox.db")) == {0: 1}
        # 2. right token (the file is re-read): it arrives; a refused one goes dead
        open(token, "w").write("right-token\n")
        s2 = os.path.join(tmp, "s2.txt")
        open(s2, "w").write("\n".join(
            ["waitsent 20"] + submit("avvisa detta") + ["sleep 2500"] + submit("cykel") +
            ["waitsent 20", "sleep 2500"] + ["tap #maint.corner"] * 5 +
            ["tap #pin.2", "tap #pin.5", "tap #pin.8", "tap #pin.0", "tap #pin.ok",
             "expect screen maint", "expect text Avvisade av servern: 1",
             "expect text Servern svarar", "quit"]) + "\n")
        r = subprocess.run([KIOSK, "-c", ini, "--script", s2], env=env, capture_output=True,
                           text=True, timeout=90)
        assert r.returncode == 0, r.stderr
    finally:
        srv.terminate()
        srv.wait()
    st = rows(os.path.join(data, "outbox.db"))
    assert st == {2: 1}, st  # only the refused one is left, as dead
    reqs = [json.loads(l) for l in open(log, encoding="utf-8")]
    subs = [q for q in reqs if q["path"] == "/api/v1/submissions"]
    ok = [q for q in subs if q["auth"] == "Bearer right-token"]
    texts = [q["body"]["text"] for q in ok]
    assert "lampa" in texts and "cykel" in texts, texts
    assert texts.count("avvisa detta") == 1, "a refused submission was retried"
    assert any(q["auth"] == "Bearer wrong-token" for q in subs)
    # defect 9: the heartbeat carries an error while it is current (the
    # refused submission), and none once the kiosk's requests succeed again:
    # the channels page keeps no stale error for a healthy kiosk
    beats = [q["body"] for q in reqs if q["path"] == "/api/v1/kiosk/heartbeat" and
             q["auth"] == "Bearer right-token"]
    assert any(b["last_error"] for b in beats), "no error reported while it was current"
    assert beats and beats[-1]["last_error"] == "", ("stale error", beats[-1])
    shutil.rmtree(tmp, ignore_errors=True)  # kept when a check failed
    print("uploader: 401 kept queued, 400 dead after one try, others delivered")


if __name__ == "__main__":
    main()
