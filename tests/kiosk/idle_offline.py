#!/usr/bin/env python3
"""An idle kiosk while the server cannot be reached (issue 16, idle
wake-ups): with nothing queued it tries the server once per heartbeat or
config period, not every offline_probe_ms; with a report queued it tries
every offline_probe_ms, so the queue drains soon after the server returns.

The "server" is a TCP port that accepts and closes each connection at once
(the kiosk sees a network failure); the test counts the connections.

usage: idle_offline.py PATH/TO/trygg-kiosk
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

KIOSK = sys.argv[1]


class Refuser:
    """Accepts and closes; counts what it saw."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self.lock = threading.Lock()
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.count += 1
            c.close()

    def take(self):
        with self.lock:
            n, self.count = self.count, 0
        return n


def run(ini, script, env):
    r = subprocess.run([KIOSK, "-c", ini, "--script", script], env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r


def main():
    tmp = tempfile.mkdtemp(prefix="kiosk-idle-offline-")
    srv = Refuser()
    data = os.path.join(tmp, "data")
    token = os.path.join(tmp, "token")
    open(token, "w").write("some-token\n")
    ini = os.path.join(tmp, "kiosk.ini")
    open(ini, "w").write(f"""[kiosk]
server_url = http://127.0.0.1:{srv.port}
token_file = {token}
data_dir = {data}
[timing]
retry_min_ms = 50
retry_max_ms = 400
offline_probe_ms = 200
heartbeat_s = 3600
config_refresh_s = 3600
""")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    try:
        # 1. idle, nothing queued: one try at start (config with the
        # heartbeat), then nothing for an hour; 4 s is 20 probe intervals
        s1 = os.path.join(tmp, "s1.txt")
        open(s1, "w").write("expect screen home\nsleep 4000\nquit\n")
        run(ini, s1, env)
        idle = srv.take()
        print(f"idle, nothing queued, 4 s: {idle} connection(s)")
        assert 1 <= idle <= 2, f"an idle kiosk tried the unreachable server {idle} times in 4 s"
        # 2. a report queued: it keeps trying every offline_probe_ms
        s2 = os.path.join(tmp, "s2.txt")
        open(s2, "w").write("\n".join([
            "tap #home.concern", "tap #opt.lighting", "tap #opt.gota", "tap #opt.today",
            "type lampa", "tap #nav.next", "tap #review.send", "expect screen receipt",
            "tap #receipt.done", "sleep 4000", "expect outbox 1", "quit"]) + "\n")
        run(ini, s2, env)
        queued = srv.take()
        print(f"one report queued, 4 s: {queued} connection(s)")
        assert queued >= 8, f"a queued report was tried only {queued} times in 4 s"
    finally:
        srv.sock.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
