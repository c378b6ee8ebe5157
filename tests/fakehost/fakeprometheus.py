#!/usr/bin/python3
"""Stand-in for Prometheus' HTTP API (target-system.md §3.4), stdlib only, loopback only.

GET /api/v1/query?query=Q[&time=T]                      -> {"status":"success","data":{"resultType":"vector",...}}
GET /api/v1/query_range?query=Q&start=S&end=E&step=D    -> {"status":"success","data":{"resultType":"matrix",...}}
GET /-/healthy                                           -> "Prometheus Server is Healthy."

It does not evaluate PromQL. The series a test sets live in the JSON file FAKEPROMETHEUS_SERIES
(read at every request):
    { "METRIC_NAME": { "labels": {"job": "sweetnarcisse-app"}, "points": [[-600, 12.5], [-240, 95]] }, ... }
A query is answered with the series of the first METRIC_NAME that occurs in its text (longest name
first), else with an empty result, which is what real Prometheus returns for a metric nobody exports.
Points are [seconds relative to now (<= 0), value]: the value holds from that moment on (a step
function), the way Prometheus' lookback keeps the last sample; no sample exists before the first point.
Missing or bad parameters get Prometheus' own error shape (HTTP 400, errorType "bad_data").

Environment (tests/stack/lib/prometheus.sh): FAKEPROMETHEUS_PORT, FAKEPROMETHEUS_SERIES.
SPDX-License-Identifier: GPL-3.0-or-later
"""
import http.server
import json
import math
import os
import socketserver
import sys
import time
import urllib.parse

PORT = int(os.environ["FAKEPROMETHEUS_PORT"])
SERIES = os.environ["FAKEPROMETHEUS_SERIES"]
MAX_POINTS = 11000   # Prometheus' own limit on a range query's resolution


def load_series():
    try:
        with open(SERIES, encoding="utf-8") as f:
            data = json.load(f)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def value_at(points, offset):
    """The value of a step function at `offset` seconds relative to now, or None before the first point."""
    current = None
    for rel, value in sorted(points, key=lambda p: p[0]):
        if rel <= offset:
            current = value
        else:
            break
    return current


def fmt(value):
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return repr(float(value)) if not float(value).is_integer() else str(int(value)) if abs(value) < 1e15 else repr(float(value))


def match(query):
    series = load_series()
    for name in sorted(series, key=len, reverse=True):
        if name in query:
            return series[name]
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt_, *args):
        sys.stderr.write("fakeprometheus: " + (fmt_ % args) + "\n")

    def reply(self, code, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def bad(self, message):
        self.reply(400, {"status": "error", "errorType": "bad_data", "error": message})

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        now = time.time()
        if url.path == "/-/healthy":
            return self.reply(200, b"Prometheus Server is Healthy.\n", "text/plain")
        if url.path not in ("/api/v1/query", "/api/v1/query_range"):
            return self.reply(404, b"404 page not found\n", "text/plain")
        query = params.get("query", "")
        if not query:
            return self.bad('invalid parameter "query": unknown position: parse error: no expression found in input')
        found = match(query)
        labels = dict(found.get("labels", {})) if found else {}
        points = found.get("points", []) if found else []
        if url.path == "/api/v1/query":
            try:
                t = float(params.get("time", now))
            except ValueError:
                return self.bad('invalid parameter "time": cannot parse to a valid timestamp')
            v = value_at(points, t - now) if found else None
            result = [] if v is None else [{"metric": labels, "value": [t, fmt(v)]}]
            return self.reply(200, {"status": "success", "data": {"resultType": "vector", "result": result}})
        try:
            start = float(params["start"]); end = float(params["end"]); step = float(params["step"])
        except (KeyError, ValueError):
            return self.bad('invalid parameter "start", "end" or "step": cannot parse to a valid timestamp or duration')
        if step <= 0:
            return self.bad("zero or negative query resolution step widths are not accepted. Try a positive integer")
        if end < start:
            return self.bad("end timestamp must not be before start time")
        if (end - start) / step > MAX_POINTS:
            return self.bad("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        values = []
        t = start
        while t <= end + 1e-9:
            v = value_at(points, t - now) if found else None
            if v is not None:
                values.append([t, fmt(v)])
            t += step
        result = [{"metric": labels, "values": values}] if values else []
        return self.reply(200, {"status": "success", "data": {"resultType": "matrix", "result": result}})


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    Server(("127.0.0.1", PORT), Handler).serve_forever()
