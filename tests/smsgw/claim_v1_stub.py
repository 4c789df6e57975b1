#!/usr/bin/env python3
"""claim_v1_stub.py DIR — a gateway API of protocol version 1 for
tests/smsgw/test_fetch.c: POST /api/v1/gateway/claim answers at once,
without "wait" (a server from before the long poll, which ignores the
member), with the message in DIR/reply when that file exists (then removes
it). Each claim appends a line to DIR/claims. /delivered is answered as
a server from before its batch form: a body with "reports" gets 400 without
per-row answers, one report ({"id": ...}) 200; each body is appended to
DIR/delivered. Any other route answers 200 with empty lists. Prints its
port, then serves until killed."""
import http.server
import json
import os
import sys

DIR = sys.argv[1]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        if self.path != "/api/v1/gateway/claim":
            return self.other(body)
        with open(os.path.join(DIR, "claims"), "ab") as f:
            f.write(body + b"\n")
        msgs = []
        reply = os.path.join(DIR, "reply")
        if os.path.exists(reply):
            with open(reply) as f:
                msgs.append({"id": 7, "pseudonym": "a" * 64, "text": f.read().strip(),
                             "author": "anna", "urgent": False, "stop": False})
            os.remove(reply)
        out = json.dumps({"messages": msgs, "ref_prefix": "3K"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def other(self, body):
        code, out = 200, {"contacts": [], "more": False}
        if self.path == "/api/v1/gateway/delivered":
            with open(os.path.join(DIR, "delivered"), "ab") as f:
                f.write(body + b"\n")
            if "reports" in json.loads(body):
                code, out = 400, {"error": "id: missing"}
            else:
                out = {"ok": True}
        raw = json.dumps(out).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
