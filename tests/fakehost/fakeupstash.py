#!/usr/bin/python3
"""Stand-in for Upstash's Redis REST API (target-system.md §4.1), stdlib only, loopback only.

POST /            body: a JSON array, one command and its arguments   -> {"result": ...} | {"error": "..."}
POST /pipeline    body: a JSON array of such arrays                   -> [{"result": ...} | {"error": ...}, ...]
Header "Authorization: Bearer <token>" is required: the full token runs every command, the read-only
token (Upstash's UPSTASH_REDIS_REST_READONLY_TOKEN) refuses commands that write, with Redis's NOPERM
message. A wrong or missing token gets HTTP 401 {"error": "Unauthorized"}. Commands go to the REAL
Redis of the stack over RESP (one connection per server thread), so the results are Redis's own.

Environment (tests/stack/lib/upstash.sh): FAKEUPSTASH_PORT, FAKEUPSTASH_TOKEN, FAKEUPSTASH_RO_TOKEN,
FAKEUPSTASH_REDIS_PORT, FAKEUPSTASH_REDIS_PASSWORD.
SPDX-License-Identifier: GPL-3.0-or-later
"""
import http.server
import json
import os
import signal
import socket
import socketserver
import sys
import threading

PORT = int(os.environ["FAKEUPSTASH_PORT"])
TOKEN = os.environ["FAKEUPSTASH_TOKEN"]
RO_TOKEN = os.environ.get("FAKEUPSTASH_RO_TOKEN", "")
REDIS_PORT = int(os.environ["FAKEUPSTASH_REDIS_PORT"])
REDIS_PASSWORD = os.environ.get("FAKEUPSTASH_REDIS_PASSWORD", "")

# What a read-only token may run (Upstash: the @read category plus a few connection commands).
READ_COMMANDS = {
    "get", "getrange", "strlen", "mget", "exists", "type", "ttl", "pttl", "scan", "dbsize", "info",
    "hgetall", "hget", "hlen", "hscan", "hkeys", "hvals", "lrange", "llen", "lindex", "smembers",
    "scard", "sscan", "sismember", "zrange", "zcard", "zscan", "zscore", "xrange", "xrevrange", "xlen",
    "xinfo", "memory", "ping", "echo", "time", "keys", "randomkey", "object", "slowlog", "dump",
    "json.get", "bitcount", "getbit", "substr",
}


class RedisError(Exception):
    pass


class Redis:
    """A minimal RESP2 client over one TCP connection to 127.0.0.1."""

    def __init__(self):
        self.sock = socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=30)
        self.buf = self.sock.makefile("rb")
        if REDIS_PASSWORD:
            self.call(["AUTH", REDIS_PASSWORD])

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    @staticmethod
    def encode(args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            b = a.encode("utf-8") if isinstance(a, str) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(b), b))
        return b"".join(out)

    def read(self):
        line = self.buf.readline()
        if not line:
            raise ConnectionError("Redis closed the connection")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode("utf-8", "replace")
        if kind == b"-":
            return RedisError(rest.decode("utf-8", "replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.buf.read(n + 2)[:-2]
            return data.decode("utf-8", "replace")
        if kind == b"*":
            n = int(rest)
            if n < 0:
                return None
            return [self.read() for _ in range(n)]
        raise ConnectionError("unexpected reply from Redis: %r" % line[:40])

    def call(self, args):
        self.sock.sendall(self.encode(args))
        return self.read()

    def pipeline(self, commands):
        self.sock.sendall(b"".join(self.encode(c) for c in commands))
        return [self.read() for _ in commands]


LOCAL = threading.local()


def redis():
    if getattr(LOCAL, "redis", None) is None:
        LOCAL.redis = Redis()
    return LOCAL.redis


def to_json(reply):
    if isinstance(reply, RedisError):
        return {"error": str(reply)}
    if isinstance(reply, list):
        # errors inside arrays (EXEC) are reported as strings, as Upstash does
        return {"result": [str(r) if isinstance(r, RedisError) else r for r in reply]}
    return {"result": reply}


def valid_command(cmd):
    return isinstance(cmd, list) and cmd and all(isinstance(a, (str, int, float)) for a in cmd)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakeupstash"

    def log_message(self, fmt, *args):
        sys.stderr.write("fakeupstash: " + (fmt % args) + "\n")

    def reply(self, status, obj):
        body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.reply(405, {"error": "Use POST with a JSON array body"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else None
        if token is None or token not in (TOKEN, RO_TOKEN) or not token:
            self.reply(401, {"error": "Unauthorized"})
            return
        read_only = token == RO_TOKEN and token != TOKEN
        try:
            body = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            self.reply(400, {"error": "ERR failed to parse command"})
            return
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == "/pipeline":
            if not isinstance(body, list) or not all(valid_command(c) for c in body):
                self.reply(400, {"error": "ERR pipeline body must be an array of command arrays"})
                return
            results = []
            allowed = [c for c in body if not read_only or str(c[0]).lower() in READ_COMMANDS]
            try:
                replies = iter(redis().pipeline(allowed)) if allowed else iter(())
            except (OSError, ConnectionError) as e:
                LOCAL.redis = None
                self.reply(500, {"error": "ERR Redis is not reachable: %s" % e})
                return
            for c in body:
                if read_only and str(c[0]).lower() not in READ_COMMANDS:
                    results.append({"error": "NOPERM this user has no permissions to run the '%s' command"
                                    % str(c[0]).lower()})
                else:
                    results.append(to_json(next(replies)))
            self.reply(200, results)
            return
        if path != "":
            self.reply(404, {"error": "Not found"})
            return
        if not valid_command(body):
            self.reply(400, {"error": "ERR command must be a non-empty JSON array"})
            return
        if read_only and str(body[0]).lower() not in READ_COMMANDS:
            self.reply(400, {"error": "NOPERM this user has no permissions to run the '%s' command"
                                      % str(body[0]).lower()})
            return
        try:
            result = to_json(redis().call(body))
        except (OSError, ConnectionError) as e:
            if getattr(LOCAL, "redis", None) is not None:
                LOCAL.redis.close()
            LOCAL.redis = None
            self.reply(500, {"error": "ERR Redis is not reachable: %s" % e})
            return
        self.reply(400 if "error" in result else 200, result)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    server = Server(("127.0.0.1", PORT), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()


if __name__ == "__main__":
    main()
