#!/usr/bin/env python3
"""conformance.py — a small Open311 GeoReport v2 client written from the
specification (standard library only), run against a real server.

usage: conformance.py DISCOVERY_URL API_KEY FIXTURE_DIR

It starts where a client starts, at the discovery document, follows the
GeoReport v2 endpoint it names, and uses every resource in both formats:
services, a service definition, POST requests (the spec's own example
request, with this server's service code and key), GET requests/{id}, GET
requests with ids, dates and status lists, and the error lists. Each XML
answer is read with the spec's XML-to-JSON mapping and must equal the JSON
answer; each answer's shape must fit the spec's example in FIXTURE_DIR (no
element the example does not have). Exits non-zero with the first failure.
"""
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

# Lists in the spec's XML: the list element and its item element.
LISTS = {"services": "service", "service_requests": "request", "errors": "error",
         "attributes": "attribute", "values": "value", "endpoints": "endpoint",
         "formats": "format"}
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
FIXTURES = "."
checks = 0


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    global checks
    checks += 1
    if not cond:
        fail(msg)


def http(method, url, form=None):
    """Returns (status, content type, body text)."""
    data = None
    headers = {}
    if form is not None:
        data = form.encode() if isinstance(form, str) else urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8")


def spark(el):
    """The spec's XML-to-JSON mapping: lists become arrays, elements with
    children objects, leaves their text."""
    kids = list(el)
    if el.tag in LISTS:
        for k in kids:
            check(k.tag == LISTS[el.tag], f"<{el.tag}> holds <{k.tag}>")
        return [spark(k) for k in kids]
    if kids:
        out = {}
        for k in kids:
            check(k.tag not in out, f"<{k.tag}> twice in <{el.tag}>")
            out[k.tag] = spark(k)
        return out
    return (el.text or "").strip()


def as_text(v):
    """A JSON value as the XML carries it."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.10g}"
    if isinstance(v, (int, str)):
        return str(v)
    if isinstance(v, list):
        return [as_text(x) for x in v]
    return {k: as_text(x) for k, x in v.items()}


def shape(v, path=""):
    """Key paths of a document ("[]" for list items)."""
    out = {path}
    if isinstance(v, list):
        for x in v:
            out |= shape(x, path + "/[]")
    elif isinstance(v, dict):
        for k, x in v.items():
            out |= shape(x, path + "/" + k)
    return out


def fixture(name):
    with open(f"{FIXTURES}/{name}", encoding="utf-8") as f:
        text = f.read()
    if name.endswith(".xml"):
        return ET.fromstring(text.encode()).tag, spark(ET.fromstring(text.encode()))
    return None, json.loads(text)


def fits(doc, name, what):
    """doc's shape fits the spec's example `name` (.xml and .json)."""
    for ext in ("xml", "json"):
        _, ex = fixture(f"{name}.{ext}")
        extra = shape(doc) - shape(ex)
        check(not extra, f"{what}: not in the spec's {name}.{ext}: {sorted(extra)}")


def get_both(url_base, path, query="", want=200, root=None):
    """GETs path.xml and path.json; checks both and that they say the same.
    Returns the JSON document."""
    q = ("?" + query) if query else ""
    sx, ctx, bx = http("GET", f"{url_base}/{path}.xml{q}")
    sj, ctj, bj = http("GET", f"{url_base}/{path}.json{q}")
    check(sx == want and sj == want, f"GET {path} {q}: {sx}/{sj}, want {want}: {bx[:200]}")
    check(ctx.startswith("text/xml"), f"{path}.xml content type {ctx}")
    check(ctj.startswith("application/json"), f"{path}.json content type {ctj}")
    check(bx.lower().startswith('<?xml version="1.0" encoding="utf-8"?>'),
          f"{path}.xml has no XML declaration with encoding utf-8")
    x = ET.fromstring(bx.encode())
    if root:
        check(x.tag == root, f"{path}.xml root <{x.tag}>, want <{root}>")
    j = json.loads(bj)
    check(spark(x) == as_text(j), f"{path}: XML and JSON differ:\n{spark(x)}\n{as_text(j)}")
    return j


def error_list(doc, code, what):
    check(isinstance(doc, list) and doc, f"{what}: not an error list")
    for e in doc:
        check(set(e) == {"code", "description"}, f"{what}: error fields {sorted(e)}")
        check(str(e["code"]) == str(code), f"{what}: code {e['code']}, want {code}")
        check(e["description"], f"{what}: empty description")
    fits(doc, "errors", what)


def post_both(url_base, form, want):
    """POSTs the form to requests.xml and requests.json; returns both parsed."""
    sx, ctx, bx = http("POST", f"{url_base}/requests.xml", form)
    sj, ctj, bj = http("POST", f"{url_base}/requests.json", form)
    check(sx == want and sj == want, f"POST requests: {sx}/{sj}, want {want}: {bx[:300]} {bj[:300]}")
    check(ctx.startswith("text/xml") and ctj.startswith("application/json"), "POST content types")
    return spark(ET.fromstring(bx.encode())), json.loads(bj), ET.fromstring(bx.encode()).tag


def main():
    global FIXTURES
    if len(sys.argv) != 4:
        fail("usage: conformance.py DISCOVERY_URL API_KEY FIXTURE_DIR")
    discovery, key, FIXTURES = sys.argv[1:]

    # Discovery, in both formats (the URL must end in /discovery).
    check(discovery.endswith("/discovery"), "discovery URL ends in /discovery")
    d = get_both(discovery.rsplit("/", 1)[0], "discovery", root="discovery")
    fits(d, "discovery", "discovery")
    eps = [e for e in d["endpoints"] if e["specification"] == "http://wiki.open311.org/GeoReport_v2"]
    check(eps, "discovery names a GeoReport v2 endpoint")
    ep = eps[0]
    check({"text/xml", "application/json"} <= set(ep["formats"]), f"formats {ep['formats']}")
    check(W3C.match(d["changeset"]), f"changeset {d['changeset']} is not a W3C date-time")
    base = ep["url"].rstrip("/")

    # Services and a definition.
    services = get_both(base, "services", root="services")
    check(services, "no services")
    fits(services, "services", "services")
    for s in services:
        check(s["type"] in ("realtime", "batch", "blackbox"), f"type {s['type']}")
        check(isinstance(s["metadata"], bool), "metadata is true or false")
        check(s["service_code"] and s["service_name"], "service_code and service_name")
    code = services[0]["service_code"]
    defn = get_both(base, f"services/{urllib.parse.quote(code)}", root="service_definition")
    fits(defn, "service_definition", "service definition")
    check(defn["service_code"] == code, "definition of another service")
    area = None
    for a in defn["attributes"]:
        check(a["datatype"] in ("string", "number", "datetime", "text", "singlevaluelist",
                                "multivaluelist"), f"datatype {a['datatype']}")
        if a["datatype"].endswith("valuelist"):
            check(a["values"], f"attribute {a['code']} has no values")
            if a["code"] == "area":
                area = a["values"][0]["key"]
    check(area, "the area attribute offers values")
    err = get_both(base, "services/no-such-service", want=404, root="errors")
    error_list(err, 404, "unknown service")

    # POST the spec's own example request with this server's code and key.
    with open(f"{FIXTURES}/post_request.form", encoding="utf-8") as f:
        example = f.read().strip()
    form = example.replace("api_key=xyz", "api_key=" + urllib.parse.quote(key)) \
                  .replace("service_code=001", "service_code=" + urllib.parse.quote(code))
    form += "&attribute[area]=" + urllib.parse.quote(area)
    px, pj, proot = post_both(base, form, 201)
    check(proot == "service_requests", f"POST root <{proot}>")
    for doc in (px, pj):
        check(len(doc) == 1 and doc[0]["service_request_id"], "POST gives one service_request_id")
        check("token" not in doc[0], "a realtime service gives no token")
    fits(pj, "post_response", "POST answer")
    ids = [px[0]["service_request_id"], pj[0]["service_request_id"]]
    check(ids[0] != ids[1], "two requests, two ids")

    # Without description, with lat/long only, api_key in the query string.
    s, _, b = http("POST", f"{base}/requests.json?api_key={urllib.parse.quote(key)}",
                   {"service_code": code, "lat": "58.2836", "long": "12.2886"})
    check(s == 201, f"POST with api_key in the query, no description: {s} {b}")
    ids.append(json.loads(b)[0]["service_request_id"])

    # Errors: a wrong key, an unknown service, no location.
    ex, ej, eroot = post_both(base, {"service_code": code, "lat": "1", "long": "2",
                                     "api_key": "wrong-key"}, 403)
    check(eroot == "errors", "403 as an error list")
    error_list(ej, 403, "wrong api_key")
    check(ex == as_text(ej), "error lists differ between XML and JSON")
    _, ej, _ = post_both(base, {"service_code": "no-such", "lat": "1", "long": "2",
                                "api_key": key}, 404)
    error_list(ej, 404, "unknown service_code")
    _, ej, _ = post_both(base, {"service_code": code, "api_key": key}, 400)
    error_list(ej, 400, "no location")

    # GET one request.
    for i, rid in enumerate(ids):
        r = get_both(base, f"requests/{urllib.parse.quote(rid)}", root="service_requests")
        check(len(r) == 1, "one request")
        r = r[0]
        fits([r], "requests", "GET request")
        check(r["service_request_id"] == rid and r["service_code"] == code, "the same request")
        check(r["status"] in ("open", "closed"), f"status {r['status']}")
        check(W3C.match(r["requested_datetime"]), f"requested_datetime {r['requested_datetime']}")
        check(W3C.match(r["updated_datetime"]), f"updated_datetime {r['updated_datetime']}")
        check("description" not in r and "email" not in json.dumps(r),
              "the public view shows no description or contact")
        if i < 2:
            check(r.get("address") == "1234 5th street", f"address {r.get('address')}")
        else:
            check(abs(r["lat"] - 58.2836) < 1e-6 and abs(r["long"] - 12.2886) < 1e-6,
                  f"lat/long {r.get('lat')}/{r.get('long')}")
            check("address" not in r, "coordinates are not packed into address")
    err = get_both(base, "requests/NO-SUCH", want=404, root="errors")
    error_list(err, 404, "unknown request")

    # GET requests: ids, then dates (with zone) and status lists.
    r = get_both(base, "requests", "service_request_id=" + ",".join(ids), root="service_requests")
    check(sorted(x["service_request_id"] for x in r) == sorted(ids), "requests by ids")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    cet = timezone(timedelta(hours=1))
    window = {"start_date": (now - timedelta(hours=1)).astimezone(cet).isoformat(),
              "end_date": (now + timedelta(hours=1)).isoformat().replace("+00:00", "Z")}
    for status, listed in (("open", True), ("open,closed", True), ("closed", False)):
        q = urllib.parse.urlencode(dict(window, status=status, service_code=code))
        r = get_both(base, "requests", q, root="service_requests")
        got = {x["service_request_id"] for x in r}
        check(set(ids) <= got if listed else not (set(ids) & got), f"status={status}: {got}")
        fits(r, "requests", "GET requests")
    q = urllib.parse.urlencode({"start_date": (now + timedelta(hours=1)).isoformat()})
    r = get_both(base, "requests", q)
    check(not (set(ids) & {x["service_request_id"] for x in r}), "start_date in the future")
    for bad in ("start_date=yesterday", "end_date=2026-11-30T08:00:00", "status=maybe"):
        err = get_both(base, "requests", bad, want=400, root="errors")
        error_list(err, 400, bad)
    print(f"conformance: ok ({checks} checks, XML and JSON)")


if __name__ == "__main__":
    main()
