#!/usr/bin/env python3
"""kiosk_load.py — simulated kiosks with outboxes against trygg-server
(the kiosk API, POST /api/v1/submissions), for the failover and kill tests
(tests/pg/failover.sh, tests/pg/kill_under_load.sh).

Each kiosk is a thread with its own token and outbox, like the real kiosk
(kiosk/outbox.c): a new submission is put in the outbox every GAP seconds;
the oldest one is sent until a server acknowledges it (2xx with a
reference), trying the servers in turn; anything else (refused, 5xx, no
answer) keeps it in the outbox and it is sent again. When the stop file
appears no new submissions are made, and the kiosks deliver what is left
(up to --drain seconds).

usage: kiosk_load.py --servers URL[,URL...] --tokens FILE --stop FILE
                     --out FILE [--gap S] [--drain S] [--cacert PEM]
--out gets JSON: {"acked": [[uuid, ref, t_sent, t_acked], ...],
"made": n, "pending": [uuid, ...], "failed": requests not acknowledged,
"refs_twice": uuids acknowledged twice with different references,
"codes": the failed requests by HTTP status or error}.
"""
import argparse
import json
import os
import ssl
import threading
import time
import urllib.error
import urllib.request
import uuid

LOCK = threading.Lock()
ACKED = []
PENDING = []
STATS = {"made": 0, "failed": 0, "refs_twice": [], "codes": {}}


def body_for(u, n):
    return json.dumps({"uuid": u, "kind": "fault", "category": "stairwell",
                       "area": "centrum",
                       "text": "Trasig lampa i trapphus %d (%s)" % (n, u)}).encode()


def send(url, token, u, n, ctx):
    """The reference, or the reason there is none (an HTTP status or an
    error name) as (None, reason)."""
    req = urllib.request.Request(url + "/api/v1/submissions", data=body_for(u, n),
                                 method="POST",
                                 headers={"Authorization": "Bearer " + token,
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10, context=ctx) as r:
            if 200 <= r.status < 300:
                return json.loads(r.read().decode()).get("ref"), None
            return None, str(r.status)
    except urllib.error.HTTPError as e:
        return None, str(e.code)
    except (urllib.error.URLError, OSError, ValueError) as e:
        return None, type(e).__name__


def kiosk(idx, token, servers, args, ctx):
    outbox = []
    seen = {}
    n = 0
    next_make = time.time()
    deadline = None
    turn = idx
    while True:
        now = time.time()
        stopping = os.path.exists(args.stop)
        if stopping and deadline is None:
            deadline = now + args.drain
        if not stopping and now >= next_make:
            n += 1
            outbox.append((str(uuid.uuid4()), n))
            with LOCK:
                STATS["made"] += 1
            next_make = now + args.gap
        if not outbox:
            if stopping:
                break
            time.sleep(max(0.0, min(args.gap, next_make - time.time())))
            continue
        if deadline is not None and now > deadline:
            break
        u, k = outbox[0]
        url = servers[turn % len(servers)]
        t0 = time.time()
        ref, why = send(url, token, u, k, ctx)
        t1 = time.time()
        if ref:
            outbox.pop(0)
            with LOCK:
                if u in seen and seen[u] != ref:
                    STATS["refs_twice"].append(u)
                seen[u] = ref
                ACKED.append([u, ref, t0, t1])
        else:
            turn += 1
            with LOCK:
                STATS["failed"] += 1
                STATS["codes"][why] = STATS["codes"].get(why, 0) + 1
            time.sleep(0.2)
    with LOCK:
        PENDING.extend(u for u, _ in outbox)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--servers", required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--stop", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--gap", type=float, default=0.5)
    ap.add_argument("--drain", type=float, default=60)
    ap.add_argument("--cacert")
    args = ap.parse_args()
    servers = args.servers.split(",")
    tokens = [t.strip() for t in open(args.tokens) if t.strip()]
    ctx = ssl.create_default_context(cafile=args.cacert) if args.cacert else None
    threads = [threading.Thread(target=kiosk, args=(i, t, servers, args, ctx))
               for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = {"acked": ACKED, "pending": PENDING}
    out.update(STATS)
    with open(args.out, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
