#!/usr/bin/python3
"""Stand-in for the Sweet Narcisse Next.js app (target-system.md §2-§4.5), stdlib only.

Serves /api/health (public / authorised / verbose / HEAD), /api/metrics, /api/admin/cache/metrics,
and /minio/health/live (so MINIO_ENDPOINT can point at this process and storage shows healthy).
The probes reflect the REAL state of the stack: PostgreSQL through a minimal wire-protocol client
over the unix socket (trust auth), Redis through a raw socket AUTH + PING.

Environment (set by tests/stack/lib/app.sh): FAKEAPP_PORT, FAKEAPP_DEPLOY_PATH, FAKEAPP_STATE_DIR,
FAKEAPP_PG_SOCKET_DIR, FAKEAPP_PG_PORT; test knobs: FAKEAPP_LOG_LINES=N (N log lines at start),
FAKEAPP_TICK_SECONDS (period of the background log lines, default 20), FAKEAPP_DB_DELAY_MS (added
to the database probe, to test latency thresholds). Fault knob: while the file
FAKEAPP_STATE_DIR/health.malformed exists, /api/health answers 200 with a cut-short JSON body.
Cache counters knob: FAKEAPP_STATE_DIR/cache-counters.json {"hits": N, "misses": N, "errors": N} stands
for the reads the app's shared cache helper has counted (read at each scrape); its optional "absent"
list names sweet_narcisse_cache_* families to leave out (an app version without them).
A broken release: when the checked-out tree (FAKEAPP_DEPLOY_PATH) holds src/crash-on-start, the app
exits at start with a module error, like a build that compiles but cannot boot.
SPDX-License-Identifier: GPL-3.0-or-later
"""
import hashlib
import http.client
import http.server
import json
import os
import re
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timezone

START = time.monotonic()
START_WALL = time.time()
LOCK = threading.Lock()
HOSTNAME = os.environ.get("HOSTNAME", "sweetnarcisse-app-1")
STOP = threading.Event()


def iso_now():
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)


def emit(line):
    with LOCK:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def plog(level, msg, **extra):
    rec = {"level": level, "time": iso_now(), "pid": os.getpid(), "hostname": HOSTNAME,
           "node_env": "production"}
    rec.update(extra)
    rec["msg"] = msg
    emit(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))


# ------------------------------------------------------------------ configuration
def read_env_file(path):
    env = {}
    try:
        with open(path, encoding="utf-8") as f:
            for raw in f:
                line = raw.strip()
                if not line or line.startswith("#") or "=" not in line:
                    continue
                k, v = line.split("=", 1)
                k = k.strip()
                if k.startswith("export "):
                    k = k[7:].strip()
                v = v.strip()
                if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
                    v = v[1:-1]
                env[k] = v
    except OSError as e:
        plog("WARN", "env file not readable", path=path, err=str(e))
    return env


DEPLOY = os.environ.get("FAKEAPP_DEPLOY_PATH", "/opt/sweetnarcisse")
STATE = os.environ.get("FAKEAPP_STATE_DIR", ".")
ENV = dict(os.environ)
# The container's environment is fixed when compose creates it: a restart or a start keeps it, only a
# recreate (`up` with a changed env file, --force-recreate, --build) reads the env file again
# (target-system §8). STATE/container.env is that snapshot; the docker stand-in removes it on a recreate.
SNAPSHOT = os.path.join(STATE, "container.env")
if not os.path.exists(SNAPSHOT):
    try:
        with open(os.path.join(DEPLOY, ".env.production.local"), "rb") as src, \
                open(SNAPSHOT, "wb") as dst:
            os.fchmod(dst.fileno(), 0o600)
            dst.write(src.read())
    except OSError:
        pass
FILE_ENV = read_env_file(SNAPSHOT if os.path.exists(SNAPSHOT) else os.path.join(DEPLOY, ".env.production.local"))
ENV.update(FILE_ENV)
try:
    with open(os.path.join(DEPLOY, "package.json"), encoding="utf-8") as f:
        ENV["npm_package_version"] = json.load(f).get("version", "")
except (OSError, ValueError):
    pass
VERSION = ENV.get("npm_package_version") or "1.0.5"
MONITORING_KEY = ENV.get("MONITORING_API_KEY", "")
PG_SOCKET_DIR = os.environ.get("FAKEAPP_PG_SOCKET_DIR", "/var/run/postgresql")
PG_PORT = int(os.environ.get("FAKEAPP_PG_PORT", "5432"))
PG_USER = ENV.get("POSTGRES_USER", "snarcisse")
PG_DB = ENV.get("POSTGRES_DB", "snarcisse")
LISTEN_PORT = int(os.environ.get("FAKEAPP_PORT", "3000"))


def compose_app_environment(file_env):
    """The `environment:` of service app in DEPLOY/docker-compose.yml, interpolated from the env file as
    `docker compose --env-file .env.production.local` does (${NAME}, ${NAME:-default}); None when the
    compose file or that block is missing. Only the simple block form written by tests/stack is read."""
    try:
        with open(os.path.join(DEPLOY, "docker-compose.yml"), encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    env, in_app, in_env = None, False, False
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if indent == 2:
            in_app, in_env = text == "app:", False
        elif in_app and indent == 4:
            in_env = text == "environment:"
            if in_env:
                env = {}
        elif in_app and in_env and indent >= 6 and ":" in text:
            k, v = text.split(":", 1)
            v = v.strip()
            if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
                v = v[1:-1]

            def subst(m):
                name, default = m.group(1), m.group(3)
                return file_env.get(name) or (default if default is not None else "")
            env[k.strip()] = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}", subst, v)
    return env


def app_env_dump():
    """What `docker compose exec app printenv` shows: the process env (minus our knobs) + what compose
    passes to the container from the env file (nothing else of the file reaches it, target-system §6.1)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("FAKEAPP_")}
    passed = compose_app_environment(FILE_ENV)
    if passed is None:
        base.update(FILE_ENV)
    else:
        base.update(passed)
    return base


# ------------------------------------------------------------------ PostgreSQL wire protocol (minimal)
class PgError(Exception):
    pass


def _pg_read_msg(sock):
    hdr = _recv_exact(sock, 5)
    typ = hdr[0:1]
    (length,) = struct.unpack("!I", hdr[1:5])
    body = _recv_exact(sock, length - 4) if length > 4 else b""
    return typ, body


def _recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise PgError("Server has closed the connection")
        buf += chunk
    return buf


def _pg_error_text(body):
    fields = {}
    for part in body.split(b"\0"):
        if part:
            fields[part[0:1]] = part[1:].decode("utf-8", "replace")
    return fields.get(b"M", "unknown error")


def pg_query(sql, timeout=5.0):
    """Run one simple query over the unix socket; return the rows (lists of str/None)."""
    path = os.path.join(PG_SOCKET_DIR, ".s.PGSQL.%d" % PG_PORT)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        try:
            sock.connect(path)
        except OSError as e:
            raise PgError("Can't reach database server at `%s`: %s" % (path, e.strerror or e))
        params = b"user\0" + PG_USER.encode() + b"\0database\0" + PG_DB.encode() + b"\0application_name\0sweetnarcisse-app\0\0"
        sock.sendall(struct.pack("!II", 8 + len(params), 196608) + params)
        while True:
            typ, body = _pg_read_msg(sock)
            if typ == b"R":
                (code,) = struct.unpack("!I", body[:4])
                if code != 0:
                    raise PgError("Authentication method %d not supported by the health probe" % code)
            elif typ == b"E":
                raise PgError(_pg_error_text(body))
            elif typ == b"Z":
                break
        q = sql.encode() + b"\0"
        sock.sendall(b"Q" + struct.pack("!I", 4 + len(q)) + q)
        rows, err = [], None
        while True:
            typ, body = _pg_read_msg(sock)
            if typ == b"D":
                (n,) = struct.unpack("!H", body[:2])
                off, row = 2, []
                for _ in range(n):
                    (ln,) = struct.unpack("!i", body[off:off + 4])
                    off += 4
                    if ln < 0:
                        row.append(None)
                    else:
                        row.append(body[off:off + ln].decode("utf-8", "replace"))
                        off += ln
                rows.append(row)
            elif typ == b"E":
                err = _pg_error_text(body)
            elif typ == b"Z":
                break
        try:
            sock.sendall(b"X" + struct.pack("!I", 4))
        except OSError:
            pass
        if err:
            raise PgError(err)
        return rows
    except socket.timeout:
        raise PgError("Database timeout")
    except PgError:
        raise
    except OSError as e:
        raise PgError(str(e))
    finally:
        sock.close()


# ------------------------------------------------------------------ probes (§2.3)
def classify(ms, healthy_below, degraded_below):
    if ms < healthy_below:
        return "healthy"
    if ms < degraded_below:
        return "degraded"
    return "unhealthy"


def probe_database():
    t0 = time.monotonic()
    try:
        delay = int(os.environ.get("FAKEAPP_DB_DELAY_MS", "0") or 0)
        if delay:
            time.sleep(delay / 1000.0)
        pg_query("SELECT 1", timeout=5.0)
        ms = int((time.monotonic() - t0) * 1000)
        return {"status": classify(ms, 100, 500), "latencyMs": ms, "message": "Database connected"}
    except PgError as e:
        ms = int((time.monotonic() - t0) * 1000)
        return {"status": "unhealthy", "latencyMs": ms, "message": str(e)}


def redis_settings():
    url = ENV.get("REDIS_URL", "")
    if not url:
        return None
    u = urllib.parse.urlsplit(url)
    return (u.hostname or "127.0.0.1", u.port or 6379, urllib.parse.unquote(u.password or ""))


def probe_redis():
    cfg = redis_settings()
    if cfg is None:
        return {"status": "degraded", "latencyMs": 0, "message": "Redis not configured (using memory cache)"}
    host, port, password = cfg
    t0 = time.monotonic()
    try:
        with socket.create_connection((host, port), timeout=2.0) as s:
            s.settimeout(2.0)
            f = s.makefile("rb")
            if password:
                s.sendall(b"*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n" % (len(password.encode()), password.encode()))
                line = f.readline().strip()
                if not line.startswith(b"+OK"):
                    raise OSError(line.decode("utf-8", "replace") or "no reply to AUTH")
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            line = f.readline().strip()
        ms = int((time.monotonic() - t0) * 1000)
        if line != b"+PONG":
            return {"status": "degraded", "latencyMs": ms, "message": "Unexpected PING reply: %s" % line.decode("utf-8", "replace")}
        return {"status": classify(ms, 50, 200), "latencyMs": ms, "message": "Redis connected"}
    except (OSError, socket.timeout) as e:
        ms = int((time.monotonic() - t0) * 1000)
        msg = "Redis timeout" if isinstance(e, socket.timeout) else "Redis error: %s" % (e.strerror or e)
        return {"status": "degraded", "latencyMs": ms, "message": msg}


def probe_storage():
    endpoint = ENV.get("MINIO_ENDPOINT", "")
    if not endpoint:
        return {"status": "degraded", "latencyMs": 0, "message": "MinIO not configured"}
    t0 = time.monotonic()
    code = None
    try:
        u = urllib.parse.urlsplit(endpoint.rstrip("/") + "/minio/health/live")
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=5.0)
        conn.request("GET", u.path)
        code = conn.getresponse().status
        conn.close()
    except (OSError, http.client.HTTPException):
        code = None
    ms = int((time.monotonic() - t0) * 1000)
    if code is None or not 200 <= code < 300:
        return {"status": "degraded", "latencyMs": ms, "message": "MinIO returned status %s" % (code if code else "unknown")}
    return {"status": classify(ms, 100, 500), "latencyMs": ms, "message": "MinIO reachable"}


INTERNAL_PREFIXES = ["127.0.0.1", "::1", "10."] + ["172.%d." % i for i in range(16, 32)] + ["192.168."]


def client_ip(headers):
    xff = headers.get("X-Forwarded-For")
    if xff:
        return xff.split(",")[0].strip()
    return (headers.get("X-Real-IP") or "").strip()


def is_authorised(headers):
    # §2.1. NOTE: the socket peer is deliberately NOT used. The real app sits behind nginx, which adds
    # X-Forwarded-For; here every client connects from 127.0.0.1, so treating the peer as internal would
    # authorise everyone and the tests could never see the public/unauthorised path. Only the key, or an
    # explicit X-Forwarded-For / X-Real-IP header with an internal prefix, authorises.
    if MONITORING_KEY:
        if headers.get("X-API-Key") == MONITORING_KEY:
            return True
        if headers.get("Authorization") == "Bearer " + MONITORING_KEY:
            return True
    ip = client_ip(headers)
    return bool(ip) and any(ip.startswith(p) for p in INTERNAL_PREFIXES)


# ------------------------------------------------------------------ metrics state
CACHE = {"hits": 0, "misses": 0, "errors": 0}
COUNTERS = {"allowed": {}, "blocked": {}}
BOATS = None


def prometheus_text():
    global BOATS
    if BOATS is None:
        try:
            BOATS = pg_query('SELECT "name", "capacity" FROM "Boat" ORDER BY "id"')
        except PgError:
            BOATS = None
    out = []

    def fam(name, typ, help_):
        out.append("# HELP %s %s" % (name, help_))
        out.append("# TYPE %s %s" % (name, typ))

    fam("rate_limiter_allowed_total", "counter", "Rate limiter allowed requests")
    for b, v in sorted(COUNTERS["allowed"].items()):
        out.append('rate_limiter_allowed_total{bucket="%s"} %d' % (b, v))
    fam("rate_limiter_blocked_total", "counter", "Rate limiter blocked requests")
    for b, v in sorted(COUNTERS["blocked"].items()):
        out.append('rate_limiter_blocked_total{bucket="%s"} %d' % (b, v))
    fam("http_request_duration_ms", "histogram", "Duration of HTTP requests in ms")
    fam("http_requests_total", "counter", "Total number of HTTP requests")
    fam("sweet_narcisse_booking_revenue_euros_total", "counter", "Booking revenue in euros")
    out.append('sweet_narcisse_booking_revenue_euros_total{language="FR"} 126')
    out.append('sweet_narcisse_booking_revenue_euros_total{language="DE"} 54')
    fam("sweet_narcisse_booking_count_total", "counter", "Number of bookings")
    out.append('sweet_narcisse_booking_count_total{language="FR"} 5')
    out.append('sweet_narcisse_booking_count_total{language="DE"} 1')
    fam("sweet_narcisse_booking_people_total", "counter", "Number of passengers")
    out.append('sweet_narcisse_booking_people_total{language="FR"} 14')
    out.append('sweet_narcisse_booking_people_total{language="DE"} 6')
    fam("sweet_narcisse_booking_cancelled_total", "counter", "Cancelled bookings")
    fam("sweet_narcisse_boat_capacity_total", "gauge", "Boat capacity")
    for name, cap in BOATS or []:
        out.append('sweet_narcisse_boat_capacity_total{boat="%s"} %s' % (name.replace('"', '\\"'), cap))
    absent = load_cache_counters()
    total = CACHE["hits"] + CACHE["misses"]
    for name, help_, value in (("hits_total", "Cache hits", CACHE["hits"]),
                               ("misses_total", "Cache misses", CACHE["misses"]),
                               ("errors_total", "Cache errors", CACHE["errors"]),
                               ("hit_rate_percent", "Cache hit rate",
                                round(100.0 * CACHE["hits"] / total, 2) if total else 0)):
        if "sweet_narcisse_cache_" + name in absent:
            continue
        fam("sweet_narcisse_cache_" + name, "gauge", help_)
        out.append("sweet_narcisse_cache_%s %s" % (name, value))
    # prom-client's process_cpu_* defaults (target-system.md §3.2), from this process's real CPU time
    t = os.times()
    fam("process_cpu_user_seconds_total", "counter", "Total user CPU time spent in seconds.")
    out.append("process_cpu_user_seconds_total %.6f" % t.user)
    fam("process_cpu_system_seconds_total", "counter", "Total system CPU time spent in seconds.")
    out.append("process_cpu_system_seconds_total %.6f" % t.system)
    fam("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.")
    out.append("process_cpu_seconds_total %.6f" % (t.user + t.system))
    fam("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.")
    out.append("process_start_time_seconds %d" % int(START_WALL))
    try:
        with open("/proc/self/statm") as f:
            rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        rss = 0
    fam("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
    out.append("process_resident_memory_bytes %d" % rss)
    fam("nodejs_eventloop_lag_seconds", "gauge", "Lag of event loop in seconds.")
    out.append("nodejs_eventloop_lag_seconds 0.004")
    return "\n".join(out) + "\n"


def load_cache_counters():
    """The knob file's counters into CACHE; the families to leave out."""
    try:
        with open(os.path.join(STATE, "cache-counters.json"), encoding="utf-8") as f:
            knob = json.load(f)
    except (OSError, ValueError):
        return []
    for k in ("hits", "misses", "errors"):
        if isinstance(knob.get(k), int):
            CACHE[k] = knob[k]
    return knob.get("absent") or []


def cache_json():
    load_cache_counters()
    total = CACHE["hits"] + CACHE["misses"]
    rate = (100.0 * CACHE["hits"] / total) if total else 0.0
    return {"hits": CACHE["hits"], "misses": CACHE["misses"], "errors": CACHE["errors"],
            "hitRate": "%.2f%%" % rate, "total": total, "timestamp": iso_now()}


def has_session(headers):
    for part in (headers.get("Cookie") or "").split(";"):
        name = part.strip().split("=", 1)[0]
        if name in ("authjs.session-token", "__Secure-authjs.session-token", "next-auth.session-token"):
            return "=" in part and part.split("=", 1)[1].strip() != ""
    return False


# ------------------------------------------------------------------ HTTP
class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "Next.js"
    sys_version = ""

    def version_string(self):
        return "Next.js"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # replaced by pino-style lines in _send
        pass

    def _send(self, code, body=b"", ctype="application/json", headers=None, head=False):
        if isinstance(body, (dict, list)):
            body = json.dumps(body, separators=(",", ":")).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and self.command != "HEAD":
            self.wfile.write(body)
        ms = int((time.monotonic() - self._t0) * 1000)
        plog("INFO" if code < 500 else "ERROR", "request completed", method=self.command,
             url=self.path, status=code, durationMs=ms)

    def _route(self):
        self._t0 = time.monotonic()
        u = urllib.parse.urlsplit(self.path)
        return u.path.rstrip("/") or "/", urllib.parse.parse_qs(u.query, keep_blank_values=True)

    def do_HEAD(self):
        path, _ = self._route()
        if path == "/api/health":
            db = probe_database()
            code = 503 if db["status"] == "unhealthy" else 200
            self.send_response(code)
            self.send_header("X-Health-Status", db["status"])
            self.send_header("X-Database-Latency", str(db["latencyMs"]))
            self.send_header("Content-Length", "0")
            self.end_headers()
            plog("INFO", "request completed", method="HEAD", url=self.path, status=code,
                 durationMs=int((time.monotonic() - self._t0) * 1000))
        elif path == "/minio/health/live":
            self._send(200, b"", ctype=None, head=True)
        else:
            self._send(404, b"", ctype=None, head=True)

    def do_GET(self):
        path, query = self._route()
        if path == "/api/health":
            return self._health(query)
        if path == "/minio/health/live":
            return self._send(200, b"", ctype=None, headers={"Server": "MinIO"})
        if path == "/api/metrics":
            if not is_authorised(self.headers):
                return self._send(403, {"error": "Forbidden", "code": "UNAUTHORIZED_METRICS"})
            return self._send(200, prometheus_text(), ctype="text/plain; version=0.0.4; charset=utf-8",
                              headers={"Cache-Control": "no-store"})
        if path == "/api/admin/cache/metrics":
            if not has_session(self.headers):
                return self._send(401, {"error": "Non autorisé"})
            return self._send(200, cache_json())
        if path == "/":
            return self._send(200, "<!DOCTYPE html><html><head><title>Sweet Narcisse</title></head><body>Sweet Narcisse</body></html>",
                              ctype="text/html; charset=utf-8")
        return self._send(404, {"error": "Not found"})

    def do_DELETE(self):
        path, _ = self._route()
        if path == "/api/admin/cache/metrics":
            if not has_session(self.headers):
                return self._send(401, {"error": "Non autorisé"})
            CACHE.update(hits=0, misses=0, errors=0)
            return self._send(200, {"success": True, "message": "Métriques réinitialisées", "timestamp": iso_now()})
        return self._send(404, {"error": "Not found"})

    def do_POST(self):
        self._route()
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        return self._send(404, {"error": "Not found"})

    def _health(self, query):
        cc = {"Cache-Control": "no-store, no-cache, must-revalidate"}
        if os.path.exists(os.path.join(STATE, "health.malformed")):
            # a proxy or a crashing handler cutting the document short
            return self._send(200, '{"status":"healthy","services":{"database":{"status":"hea',
                              headers=cc)
        if not is_authorised(self.headers):
            db = probe_database()
            if db["status"] == "unhealthy":
                return self._send(503, {"status": "unhealthy"}, headers=cc)
            return self._send(200, {"status": "operational"}, headers=cc)
        services = {"database": probe_database(), "redis": probe_redis(), "storage": probe_storage()}
        st = [s["status"] for s in services.values()]
        if services["database"]["status"] == "unhealthy":
            overall = "unhealthy"
        elif all(s == "healthy" for s in st):
            overall = "healthy"
        else:
            overall = "degraded"
        hdrs = dict(cc)
        hdrs["X-Health-Status"] = overall
        code = 503 if overall == "unhealthy" else 200
        if query.get("verbose", [""])[0] != "true":
            return self._send(code, {"status": overall, "timestamp": iso_now(), "version": VERSION}, headers=hdrs)
        doc = {
            "status": overall,
            "timestamp": iso_now(),
            "version": VERSION,
            "uptime": int(time.monotonic() - START),
            "services": services,
            "checks": {"total": 3, "passed": st.count("healthy"), "failed": st.count("unhealthy")},
        }
        if overall != "healthy":
            plog("WARN", "Health check degraded", status=overall)
        return self._send(code, doc, headers=hdrs)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def ticker():
    period = float(os.environ.get("FAKEAPP_TICK_SECONDS", "20") or 20)
    n = 0
    while not STOP.wait(period):
        n += 1
        if n % 3 == 0:
            emit("[cache] stats hits=%d misses=%d errors=%d" % (CACHE["hits"], CACHE["misses"], CACHE["errors"]))
        else:
            plog("INFO", "planning heartbeat", module="planningNotify", tick=n)


def main():
    if os.path.exists(os.path.join(DEPLOY, "src", "crash-on-start")):
        emit("Error: Cannot find module '/app/.next/server/app/page.js'")
        plog("ERROR", "Server failed to start", version=VERSION)
        sys.exit(1)
    with open(os.path.join(STATE, "app.env"), "w", encoding="utf-8") as f:
        for k, v in sorted(app_env_dump().items()):
            f.write("%s=%s\n" % (k, v))
    # What the container was created from: `docker compose up -d app` recreates it when the env file differs.
    try:
        with open(SNAPSHOT, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    except OSError:
        digest = ""
    with open(os.path.join(STATE, "app.config-hash"), "w", encoding="utf-8") as f:
        f.write(digest + "\n")
    srv = Server(("127.0.0.1", LISTEN_PORT), Handler)

    def on_term(signum, _frame):
        plog("INFO", "Received %s, shutting down" % signal.Signals(signum).name)
        STOP.set()
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    emit("  ▲ Next.js 15.1.3")
    emit("  - Local:        http://localhost:3000")
    emit("")
    emit(" ✓ Starting...")
    emit(" ✓ Ready in 412ms")
    plog("INFO", "Server started", version=VERSION, port=3000)
    emit("[cache] Upstash Redis configured" if redis_settings() else "[cache] Redis not configured, using memory cache")
    for i in range(int(os.environ.get("FAKEAPP_LOG_LINES", "0") or 0)):
        if i % 10 == 9:
            emit("[cache] miss availability:%d" % i)
        else:
            plog("INFO" if i % 7 else "WARN", "synthetic log line %d" % i, seq=i, module="fakeapp")
    threading.Thread(target=ticker, daemon=True).start()
    srv.serve_forever(poll_interval=0.2)
    srv.server_close()
    plog("INFO", "Server stopped")


if __name__ == "__main__":
    main()
