#!/usr/bin/env python3
"""A real local webhook receiver for test_forward: every POST is written to
OUTDIR/<n>.json (body) and OUTDIR/<n>.headers, then answered with STATUS.

usage: webhook_receiver.py PORT OUTDIR [STATUS]
"""
import http.server
import os
import sys

PORT, OUTDIR = int(sys.argv[1]), sys.argv[2]
STATUS = int(sys.argv[3]) if len(sys.argv) > 3 else 204


class Handler(http.server.BaseHTTPRequestHandler):
    count = 0

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        Handler.count += 1
        base = os.path.join(OUTDIR, "%d" % Handler.count)
        with open(base + ".headers.tmp", "w") as f:
            for k, v in self.headers.items():
                f.write("%s: %s\n" % (k, v))
        with open(base + ".json.tmp", "wb") as f:
            f.write(body)
        os.rename(base + ".headers.tmp", base + ".headers")
        os.rename(base + ".json.tmp", base + ".json")
        self.send_response(STATUS)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, fmt, *args):
        pass


http.server.HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
