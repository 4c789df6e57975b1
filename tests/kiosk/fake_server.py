#!/usr/bin/env python3
"""A small real HTTP endpoint for the kiosk tests (the kiosk API of docs/kiosk-api.md).

Records every request as one JSON line in --log: {"method", "path", "auth", "body"}.
POST /api/v1/submissions is idempotent by uuid (201 new, 200 seen before).
--fail-every N: the first POST of every Nth new uuid gets a 500.
--drop-every N: the first POST of every Nth new uuid is recorded, then the
connection is closed without an answer (a lost response: the kiosk must retry).
Prints "READY <port>" on stdout when listening.
"""
import argparse
import hashlib
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ALPHA = "23456789ABCDEFGHJKMNPQRSTWXYZ"


def ref_from_key(key):
    v = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    s = []
    for _ in range(6):
        s.append(ALPHA[v % 29])
        v //= 29
    return s[0] + s[1] + "-" + "".join(s[2:])


CONFIG = {
    "categories": {
        "concern": [{"id": "lighting", "label": {"sv": "Belysning", "en": "Lighting"}},
                    {"id": "other", "label": {"sv": "Annat", "en": "Other"}}],
        "fault": [{"id": "street_light", "label": {"sv": "Gatubelysning", "en": "Street light"}}],
    },
    "areas": [{"id": "centrum", "label": {"sv": "Centrum", "en": "Centrum"}},
              {"id": "gota", "label": {"sv": "Göta", "en": "Göta"}}],
    "walks": [{"id": 3, "starts": "2026-12-03T18:00:00+01:00", "area": "gota",
               "place": "Göta centrum", "meeting_point": "Vid ICA", "capacity": 30, "signups": 4}],
    "notices": [{"lang": "sv", "text": "Trygghetsvandring i Göta den 3 december"}],
}


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.seen = {}
        self.new_count = 0
        self.first_try = set()
        self.log = open(args.log, "a", encoding="utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def record(self, body):
        st = self.server.state
        with st.lock:
            st.log.write(json.dumps({"method": self.command, "path": self.path,
                                     "auth": self.headers.get("Authorization", ""),
                                     "inm": self.headers.get("If-None-Match", ""),
                                     "body": body}) + "\n")
            st.log.flush()

    def reply(self, code, obj=None, headers=None):
        data = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if obj is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.record(None)
        if self.path != "/api/v1/kiosk/config":
            return self.reply(404, {"error": "not_found"})
        if self.headers.get("Authorization") != "Bearer " + self.server.state.args.token:
            return self.reply(401, {"error": "token"})
        etag = '"cfg-1"'
        if self.headers.get("If-None-Match") == etag:
            return self.reply(304, None, {"ETag": etag})
        return self.reply(200, CONFIG, {"ETag": etag})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n) if 0 < n <= 65536 else b""
        try:
            body = json.loads(raw)
        except ValueError:
            self.record(raw.decode("utf-8", "replace"))
            return self.reply(400, {"error": "bad_json"})
        self.record(body)
        if self.headers.get("Authorization") != "Bearer " + self.server.state.args.token:
            return self.reply(401, {"error": "token"})
        if self.path == "/api/v1/kiosk/heartbeat":
            return self.reply(204)
        if self.path != "/api/v1/submissions":
            return self.reply(404, {"error": "not_found"})
        st = self.server.state
        if st.args.reject_text and st.args.reject_text in str(body.get("text", "")):
            return self.reply(400, {"error": "validation", "fields": {"text": "invalid"}})
        uuid = body.get("uuid", "")
        with st.lock:
            known = uuid in st.seen
            first = uuid not in st.first_try
            st.first_try.add(uuid)
            if not known and first:
                st.new_count += 1
                k = st.new_count
            else:
                k = 0
        a = st.args
        if k and a.fail_every and k % a.fail_every == 0:
            return self.reply(500, {"error": "busy"})
        if k and a.drop_every and k % a.drop_every == 0:
            self.close_connection = True
            return
        with st.lock:
            known = uuid in st.seen
            # a kiosk-issued reference is stored exactly (docs/kiosk-api.md)
            st.seen[uuid] = body.get("ref") or ref_from_key(uuid)
        self.reply(200 if known else 201, {"ref": st.seen[uuid], "status": "new"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--log", required=True)
    ap.add_argument("--token", default="test-token")
    ap.add_argument("--fail-every", type=int, default=0)
    ap.add_argument("--drop-every", type=int, default=0)
    ap.add_argument("--reject-text", default="", help="400 for submissions whose text has this")
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.state = State(args)
    print("READY", srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
