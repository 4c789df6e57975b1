#!/usr/bin/env python3
"""claim_v1_stub.py DIR — a gateway API of protocol version 1 for
tests/smsgw/test_fetch.c: POST /api/v1/gateway/claim answers at once,
without "wait" (a server from before the long poll, which ignores the
member), with the message in DIR/reply when that file exists (then removes
it). Each claim appends a line to DIR/claims. Prints its port, then serves
until killed."""
import http.server
import json
import os
import sys

DIR = sys.argv[1]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
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

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
