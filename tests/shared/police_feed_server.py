#!/usr/bin/env python3
"""A stand-in for the police's events feed, for test_police_events.c.

Serves the recorded fixture on /events, a truncated file on /bad, 5 MB on
/huge, a 500 on /down and a feed that answers after 30 s on /slow. Prints
its port on stdout once listening; stops on SIGTERM.
"""
import http.server
import os
import sys
import time

FIXTURES = sys.argv[1]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_body(self, code, body, ctype="application/json; charset=utf-8"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/events":
            with open(os.path.join(FIXTURES, "police_events.json"), "rb") as f:
                self.send_body(200, f.read())
        elif path == "/bad":
            with open(os.path.join(FIXTURES, "police_events_malformed.json"), "rb") as f:
                self.send_body(200, f.read())
        elif path == "/huge":
            self.send_body(200, b"[" + b" " * (5 * 1024 * 1024) + b"]")
        elif path == "/down":
            self.send_body(500, b"{}")
        elif path == "/slow":
            time.sleep(30)
            self.send_body(200, b"[]")
        else:
            self.send_body(404, b"{}")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
