#!/usr/bin/env python3
"""http_edge.py — one client cannot stop the server (run by it_http_edge.sh).

Against a running trygg-server: requests shaped for smuggling are refused and
their connections closed; too many query fields and a NUL in a form field are
refused; "100 Continue" only after the kiosk token check; and a slowloris
attack (ATTACKERS connections from 127.0.0.2, one header byte a second) does
not delay a kiosk submit or a staff page from 127.0.0.1 beyond 1 s, while the
attacker's connections are capped per address and cut at the header deadline.

With --tls CA_FILE the target speaks HTTPS (certificate checked against
CA_FILE for the name "localhost"); with --proxy the target is a reverse proxy
in front of the server (it_proxy.sh: nginx with assets/nginx/trygg.conf), so
the checks that only the server itself can pass are left out (the proxy
answers "Expect: 100-continue" itself, and the attacker's connections never
reach the server, so its per-address counters stay still); instead the proxy
must cut the attacker's connections at its header deadline.

usage: http_edge.py PORT KIOSK_TOKEN HEADER_DEADLINE_S [--host HOST] [--tls CA_FILE] [--proxy]
"""
import argparse
import http.client
import json
import socket
import ssl
import sys
import threading
import time
import uuid

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("token")
ap.add_argument("deadline", type=int, help="header deadline of the target, seconds")
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--tls", metavar="CA_FILE", help="speak HTTPS, trusting CA_FILE")
ap.add_argument("--proxy", action="store_true", help="the target is a reverse proxy")
args = ap.parse_args()
HOST, PORT, TOKEN, DEADLINE, PROXY = args.host, args.port, args.token, args.deadline, args.proxy
TLS = None
if args.tls:
    TLS = ssl.create_default_context(cafile=args.tls)
ATTACKERS = 600  # more than the old server's 512 connection limit
failures = []


def connect(src="127.0.0.1", timeout=3.0):
    """A connection to the target from address src (TLS when asked)."""
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(timeout)
    s.connect((HOST, PORT))
    if TLS:
        s = TLS.wrap_socket(s, server_hostname="localhost")
    return s


def http_conn(timeout=5):
    if TLS:
        return http.client.HTTPSConnection(HOST, PORT, timeout=timeout, context=TLS)
    return http.client.HTTPConnection(HOST, PORT, timeout=timeout)


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def raw(data, wait=3.0, src="127.0.0.1"):
    """Sends data on a fresh connection; returns (status lines, closed?)."""
    s = connect(src, wait)
    s.sendall(data)
    out, closed = b"", False
    try:
        while True:
            b = s.recv(65536)
            if not b:
                closed = True
                break
            out += b
    except (socket.timeout, TimeoutError):
        pass
    except OSError:  # reset, or TLS ended without close_notify
        closed = True
    s.close()
    return [l.decode() for l in out.split(b"\r\n") if l.startswith(b"HTTP/1.")], closed


def submit_body():
    return json.dumps({"uuid": str(uuid.uuid4()), "kind": "fault", "category": "lighting",
                       "area": "centrum", "text": "Lampan är trasig"}).encode()


# ---- smuggling and framing
lines, closed = raw(b"POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
check(lines == ["HTTP/1.1 400 Bad Request"] and closed,
      f"Content-Length with Transfer-Encoding: one 400, closed ({lines}, closed={closed})")
lines, closed = raw(b"POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                    b"Content-Length: 40\r\n\r\n{}GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
check(lines == ["HTTP/1.1 400 Bad Request"] and closed,
      f"two Content-Length headers: one 400, closed ({lines})")
t0 = time.time()
lines, closed = raw(b"POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n")
check(lines == ["HTTP/1.1 501 Not Implemented"] and closed and time.time() - t0 < 2,
      f"unknown Transfer-Encoding: 501 at once ({lines}, {time.time() - t0:.2f} s)")
lines, closed = raw(b"GET /healthz HTTP/1.1\r\n\r\n")
check(lines == ["HTTP/1.1 400 Bad Request"], f"HTTP/1.1 without Host: 400 ({lines})")
lines, _ = raw(b"GET /healthz HTTP/1.0\r\n\r\n")
check(lines == ["HTTP/1.1 200 OK"], f"HTTP/1.0 without Host is fine ({lines})")

# ---- fields
q = "&".join(f"a{i}=1" for i in range(65))
lines, closed = raw(f"GET /login?{q} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
check(lines == ["HTTP/1.1 400 Bad Request"], f"65 query fields: 400 ({lines})")
q = "&".join(f"a{i}=1" for i in range(60))
lines, _ = raw(f"GET /login?{q} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
check(lines == ["HTTP/1.1 200 OK"], f"60 query fields: fine ({lines})")
lines, _ = raw(b"GET /queue?status=new%00x HTTP/1.1\r\nHost: x\r\n\r\n")
check(lines == ["HTTP/1.1 400 Bad Request"], f"%00 in a query value: 400 ({lines})")
form = b"login_token=x&username=ad%00min&password=y"
lines, _ = raw(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               b"Content-Length: " + str(len(form)).encode() + b"\r\n\r\n" + form)
check(lines == ["HTTP/1.1 400 Bad Request"], f"%00 in a form field: 400 ({lines})")

# ---- anonymous Open311 intake is limited per address (config: 10 at once, 6 a minute)
def open311_post(src):
    form = b"service_code=pothole&lat=58.13&long=12.12&description=H%C3%A5l+i+v%C3%A4gen"
    return raw(b"POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
               b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
               + str(len(form)).encode() + b"\r\n\r\n" + form, src=src)[0]


codes = [open311_post("127.0.0.3") for _ in range(11)]
check(all(c == ["HTTP/1.1 201 Created"] for c in codes[:10]), f"10 anonymous faults at once ({codes[:10]})")
check(codes[10] == ["HTTP/1.1 429 Too Many Requests"], f"the 11th from one address: 429 ({codes[10]})")
check(open311_post("127.0.0.4") == ["HTTP/1.1 201 Created"], "another address is not held up")

# ---- 100 Continue only after the token check (the server's; a proxy answers
# Expect itself and passes the whole body on)
body = submit_body()
head = (b"POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Expect: 100-continue\r\nContent-Length: " + str(len(body)).encode() + b"\r\n")
if not PROXY:
    lines, _ = raw(head + b"Authorization: Bearer wrong-token\r\n\r\n", wait=2)
    check(lines == ["HTTP/1.1 401 Unauthorized"], f"Expect with a wrong token: 401, no 100 ({lines})")
s = connect()
s.sendall(head + f"Authorization: Bearer {TOKEN}\r\n\r\n".encode())
first = s.recv(4096)
check(first.startswith(b"HTTP/1.1 100 Continue"), f"Expect with the right token: 100 first ({first[:30]!r})")
s.sendall(body)
rest = b""
while b"\r\n\r\n" not in rest:
    rest += s.recv(4096)
check(rest.startswith(b"HTTP/1.1 201"), f"then 201 ({rest[:20]!r})")
s.close()

# ---- slowloris
stop = threading.Event()
held, refused, cut = [], [0], [0]


def attacker():
    socks = []
    for _ in range(ATTACKERS):
        try:
            c = connect("127.0.0.2", 2)
            c.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n")
            socks.append(c)
        except OSError:
            refused[0] += 1
    held.extend(socks)
    while not stop.is_set():
        for c in list(socks):
            try:
                c.sendall(b"X")
                c.setblocking(False)
                try:
                    if c.recv(1) == b"":
                        raise OSError("closed")
                except (BlockingIOError, ssl.SSLWantReadError):
                    pass
                finally:
                    c.setblocking(True)
            except OSError:
                cut[0] += 1
                socks.remove(c)
                c.close()
        time.sleep(1)
    for c in socks:
        c.close()


a = threading.Thread(target=attacker)
a.start()
time.sleep(1.5)
worst_submit = worst_page = 0.0
rounds = 0
t_end = time.time() + DEADLINE + 4
while time.time() < t_end:
    t0 = time.time()
    c = http_conn()
    c.request("POST", "/api/v1/submissions", body=submit_body(),
              headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
    r = c.getresponse()
    r.read()
    worst_submit = max(worst_submit, time.time() - t0)
    if r.status != 201:
        check(False, f"kiosk submit during the attack: {r.status}")
    c.close()
    t0 = time.time()
    c = http_conn()
    c.request("GET", "/login")
    r = c.getresponse()
    r.read()
    worst_page = max(worst_page, time.time() - t0)
    c.close()
    rounds += 1
    time.sleep(0.5)
stop.set()
a.join()
check(rounds >= 5, f"{rounds} rounds of kiosk submit + staff page during the attack")
check(worst_submit < 1.0, f"kiosk submit answered within 1 s (worst {worst_submit * 1000:.0f} ms)")
check(worst_page < 1.0, f"staff page answered within 1 s (worst {worst_page * 1000:.0f} ms)")
accepted = ATTACKERS - refused[0]
print(f"     attacker: {ATTACKERS} connections tried, {refused[0]} failed to connect, "
      f"{cut[0]} cut by the server", flush=True)
if PROXY:
    # The proxy holds the attacker's connections and cuts them at its header
    # deadline; none of them reaches the server.
    check(accepted > 0 and cut[0] >= accepted * 0.9,
          f"the proxy cut the attacker's slow connections ({cut[0]} of {accepted})")
    sys.exit(1 if failures else 0)
c = http_conn()
c.request("GET", "/metrics")
m = {l.split(" ")[0]: float(l.split(" ")[1]) for l in c.getresponse().read().decode().splitlines()
     if l and not l.startswith("#") and "{" not in l}
check(m.get("trygg_http_rejected_per_ip_total", 0) >= ATTACKERS - 64,
      f"per-address limit refused the attacker's extra connections "
      f"({m.get('trygg_http_rejected_per_ip_total')})")
check(m.get("trygg_http_deadline_closed_total", 0) >= 1,
      f"header deadline cut the slow connections ({m.get('trygg_http_deadline_closed_total')})")
check(m.get("trygg_http_refused_total", 0) >= 5, f"refused requests counted ({m.get('trygg_http_refused_total')})")
sys.exit(1 if failures else 0)
