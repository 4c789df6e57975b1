#!/usr/bin/env python3
"""Memory test: the home screen promises "Kiosken sparar ingenting om dig".
A resident reports a concern with a unique text and a fault with a phone
number; both are uploaded; the next resident's home screen is shown. Then
this test reads the kiosk process's own memory (/proc/PID/mem, every
writable mapping that holds pages, leaving out the sanitizer's shadow) and
fails if the text or the number is still anywhere in it: in the flow's
state, the on-screen layout, the sent request bodies or freed buffers.

usage: memory_wipe.py PATH/TO/trygg-kiosk
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KIOSK = sys.argv[1]
MARKER = "Minnesprov QZ7X kvar"
PHONE = "0701239876"


def regions(pid):
    """(start, end) of writable mappings with resident pages, under 1 GiB."""
    out, cur = [], None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+)", line)
            if m:
                cur = (int(m.group(1), 16), int(m.group(2), 16), m.group(3))
            elif line.startswith("Rss:") and cur and "rw" in cur[2]:
                if int(line.split()[1]) > 0 and cur[1] - cur[0] < (1 << 30):
                    out.append(cur[:2])
    return out


def find(pid, needles):
    hits = {n: 0 for n in needles}
    with open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for start, end in regions(pid):
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except OSError:
                continue
            for n in needles:
                hits[n] += data.count(n)
                if os.environ.get("MEMORY_WIPE_DEBUG"):  # where a leftover lies
                    i = data.find(n)
                    while i >= 0:
                        print("%s at %#x (+%#x of %#x-%#x): %r" % (n, start + i, i, start, end,
                              data[max(0, i - int(os.environ.get("MEMORY_WIPE_DEBUG", "96"))):i + 64]))
                        i = data.find(n, i + 1)
    return hits


def main():
    tmp = tempfile.mkdtemp(prefix="kiosk-memory-")
    srv = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_server.py"), "--log",
                            os.path.join(tmp, "requests.jsonl"), "--token", "t"],
                           stdout=subprocess.PIPE, text=True)
    port = int(srv.stdout.readline().split()[1])
    open(os.path.join(tmp, "token"), "w").write("t\n")
    ini = os.path.join(tmp, "kiosk.ini")
    open(ini, "w").write(f"""[kiosk]
server_url = http://127.0.0.1:{port}
token_file = {tmp}/token
data_dir = {tmp}/data
ref_prefix = 3K
[timing]
retry_min_ms = 100
retry_max_ms = 400
heartbeat_s = 1
config_refresh_s = 1
""")
    script = os.path.join(tmp, "s.txt")
    open(script, "w").write("\n".join([
        "tap #home.concern", "tap #opt.lighting", "tap #opt.centrum", "tap #opt.now",
        # typed in two parts, so the whole text exists only in the kiosk's own
        # buffers, never in the script it reads
        "type " + MARKER[:12], "type " + MARKER[12:], "tap #nav.next", "tap #review.send",
        "expect screen receipt",
        "tap #receipt.done",
        "tap #home.fault", "tap #opt.street_light", "tap #opt.centrum",
        "type Bron", "tap #nav.next", "tap #nav.skip",
        "tap #opt.yes", "type " + PHONE[:6], "type " + PHONE[6:], "tap #nav.next", "tap #consent.toggle", "tap #nav.next",
        "tap #review.send", "expect screen receipt", "tap #receipt.done",
        "waitsent 30", "expect outbox 0", "expect screen home",
        "sleep 1500", "shot marked", "sleep 60000", "quit"]) + "\n")
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    shots = os.path.join(tmp, "shots")
    os.makedirs(shots)
    mark = os.path.join(shots, "marked.json")
    k = subprocess.Popen([KIOSK, "-c", ini, "--script", script, "--shots", shots], env=env)
    try:
        end = time.time() + 90
        while not os.path.exists(mark):  # the shot is written once the home screen is back
            assert k.poll() is None, "kiosk exited early (%s)" % k.returncode
            assert time.time() < end, "the script never reached its mark"
            time.sleep(0.1)
        hits = find(k.pid, [MARKER.encode(), PHONE.encode()])
    finally:
        k.kill()
        k.wait()
        srv.terminate()
        srv.wait()
    sent = open(os.path.join(tmp, "requests.jsonl"), encoding="utf-8").read()
    assert MARKER in sent and PHONE in sent, "the reports never arrived"
    left = {k.decode(): v for k, v in hits.items() if v}
    assert not left, "a resident's words are still in the kiosk's memory: %s" % left
    shutil.rmtree(tmp, ignore_errors=True)
    print("memory: nothing of the last resident left after upload")


if __name__ == "__main__":
    main()
