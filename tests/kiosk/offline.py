#!/usr/bin/env python3
"""Offline test: the server is down, residents make 50 submissions, the kiosk
process is killed (SIGKILL) midway and restarted, then the server comes up.
Every submission must arrive, exactly once per uuid (the endpoint may see a
uuid more than once: it fails and drops some first attempts on purpose), and
every receipt shown must carry the reference derived from an arrived uuid.

usage: offline.py PATH/TO/trygg-kiosk
"""
import glob
import json
import shutil
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fake_server import ref_from_key  # noqa: E402

KIOSK = sys.argv[1]
N_FIRST, N_SECOND = 25, 25


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def submissions(n, shots_prefix):
    lines = []
    for i in range(n):
        lines += ["tap #home.concern", "tap #opt.lighting", "tap #opt.centrum", "tap #opt.now",
                  "type Lampa %d trasig" % i, "tap #nav.next", "tap #review.send",
                  "expect screen receipt", "shot %s%02d" % (shots_prefix, i),
                  "tap #receipt.done"]
    return lines


def depth(db):
    try:
        c = sqlite3.connect(db, timeout=5)
        n = c.execute("SELECT count(*) FROM outbox WHERE state = 0").fetchone()[0]
        c.close()
        return n
    except sqlite3.Error:
        return -1


def wait_for(cond, secs, what):
    end = time.time() + secs
    while time.time() < end:
        if cond():
            return
        time.sleep(0.1)
    raise SystemExit("timeout waiting for " + what)


def main():
    tmp = tempfile.mkdtemp(prefix="kiosk-offline-")
    port = free_port()
    data = os.path.join(tmp, "data")
    shots = os.path.join(tmp, "shots")
    os.makedirs(shots)
    with open(os.path.join(tmp, "token"), "w") as f:
        f.write("test-token\n")
    ini = os.path.join(tmp, "kiosk.ini")
    with open(ini, "w") as f:
        f.write(f"""[kiosk]
kiosk_id = offline-test
server_url = http://127.0.0.1:{port}
token_file = {tmp}/token
data_dir = {data}
area = centrum
ref_prefix = 3K
[timing]
retry_min_ms = 100
retry_max_ms = 300000
offline_probe_ms = 1000
heartbeat_s = 1
config_refresh_s = 1
http_timeout_s = 5
""")
    db = os.path.join(data, "outbox.db")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")

    # Run 1: server down, 25 submissions, then the process is killed.
    s1 = os.path.join(tmp, "run1.txt")
    with open(s1, "w") as f:
        f.write("\n".join(submissions(N_FIRST, "a") + ["sleep 60000"]) + "\n")
    p1 = subprocess.Popen([KIOSK, "-c", ini, "--script", s1, "--shots", shots], env=env)
    wait_for(lambda: len(glob.glob(shots + "/a*.json")) == N_FIRST, 120, "run 1 receipts")
    assert depth(db) == N_FIRST, "outbox should hold %d, has %d" % (N_FIRST, depth(db))
    p1.send_signal(signal.SIGKILL)
    p1.wait()
    assert depth(db) == N_FIRST, "a killed kiosk lost submissions: %d" % depth(db)

    # Run 2: restarted, still offline, 25 more; then the server comes up.
    s2 = os.path.join(tmp, "run2.txt")
    with open(s2, "w") as f:
        f.write("\n".join(submissions(N_SECOND, "b") +
                          ["sleep 200", "waitsent 90", "expect outbox 0", "sleep 2500",
                           # the server's config (its own category labels) is now shown
                           "tap #home.concern", "expect text Belysning", "quit"])
                + "\n")
    p2 = subprocess.Popen([KIOSK, "-c", ini, "--script", s2, "--shots", shots], env=env)
    wait_for(lambda: depth(db) == N_FIRST + N_SECOND, 120, "50 queued")
    log = os.path.join(tmp, "requests.jsonl")
    server_up = time.time()
    srv = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_server.py"), "--port",
                            str(port), "--log", log, "--token", "test-token",
                            "--fail-every", "5", "--drop-every", "7"], stdout=subprocess.PIPE,
                           text=True)
    assert srv.stdout.readline().startswith("READY")
    try:
        rc = p2.wait(timeout=150)
    finally:
        srv.terminate()
        srv.wait()
    assert rc == 0, "kiosk run 2 failed with %d" % rc

    reqs = [json.loads(l) for l in open(log, encoding="utf-8")]
    subs = [r for r in reqs if r["path"] == "/api/v1/submissions" and r["method"] == "POST"]
    uuids = [r["body"]["uuid"] for r in subs]
    distinct = set(uuids)
    assert len(distinct) == N_FIRST + N_SECOND, "arrived: %d distinct" % len(distinct)
    assert len(uuids) > len(distinct), "the endpoint should have forced some retries"
    for r in subs:
        b = r["body"]
        assert r["auth"] == "Bearer test-token"
        assert b["kind"] == "concern" and b["category"] == "lighting" and b["area"] == "centrum"
        assert b["when"] == "now" and b["lang"] == "sv" and b["text"].startswith("Lampa ")
        assert "contact" not in b, "an anonymous report must carry no contact"
        # the time the resident sent it, not when it finally arrived
        assert isinstance(b.get("reported_at"), int), "no reported_at"
        assert b["reported_at"] <= server_up + 1, "reported_at is the upload time"
    texts = {r["body"]["text"] for r in subs}
    assert len(texts) == N_FIRST, "texts: %d" % len(texts)  # "Lampa 0..24" from each run
    # Every receipt's reference belongs to exactly one arrived uuid.
    refs = []
    for j in sorted(glob.glob(shots + "/*.json")):
        els = json.load(open(j, encoding="utf-8"))["elements"]
        refs += [e["label"] for e in els if e["id"] == "receipt.ref"]
    assert len(refs) == N_FIRST + N_SECOND
    # issue 12: the kiosk's own references (prefix 3K + its sequence), unique
    # by construction, each sent with exactly one uuid
    sent = {}
    for r in subs:
        sent.setdefault(r["body"]["uuid"], set()).add(r["body"].get("ref"))
    assert all(len(v) == 1 for v in sent.values()), "a uuid was sent with two refs"
    sent_refs = [next(iter(v)) for v in sent.values()]
    assert all(x and x.startswith("3K-") for x in sent_refs), sent_refs
    assert len(set(sent_refs)) == len(sent_refs), "two submissions share a reference"
    assert sorted(refs) == sorted(sent_refs), "receipt refs differ"
    assert ref_from_key  # the legacy hash is only the fake server's fallback
    hb = [r for r in reqs if r["path"] == "/api/v1/kiosk/heartbeat"]
    assert hb and hb[-1]["body"]["version"], "no heartbeat"
    cfg = [r for r in reqs if r["path"] == "/api/v1/kiosk/config"]
    assert cfg, "no config fetch"
    assert any(r["inm"] == '"cfg-1"' for r in cfg), "config refetch without If-None-Match"
    assert depth(db) == 0
    cache = os.path.join(data, "config-cache.json")
    assert json.load(open(cache))["etag"] == '"cfg-1"', "config not cached"
    shutil.rmtree(tmp, ignore_errors=True)  # kept when a check failed
    print("offline: %d submissions arrived (%d requests), refs match" % (len(distinct),
                                                                         len(uuids)))


if __name__ == "__main__":
    main()
