#!/bin/bash
# test-prometheus-real.sh: the thresholds' PromQL against the REAL Prometheus (Debian's 2.42) scraping the fake
# app's /api/metrics every second: every query the Now page and `scaling status` show is accepted (no parse
# error), the metrics the app exports give values, and those target-system.md §3 says are missing are
# "unavailable" with a reason, never 0. The controlled threshold states stay on tests/fakehost/fakeprometheus.py.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later

# shellcheck source=tests/cli-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

set -a; . "$SN_STACK_DIR/stack.env"; set +a
PROMETHEUS=$(command -v prometheus) || { echo "Bail out! prometheus is not installed (it is in tools/packages.txt)"; exit 1; }

pdir=$tmp/prometheus
mkdir -p "$pdir"
port=$(py 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The deployed monitoring/prometheus.yml's job, scraped every second. It sends the monitoring key: the deployed
# file sends none and works only while Prometheus' address passes the app's internal-IP test (§3.3).
grep -m1 '^MONITORING_API_KEY=' "$DEPLOY_PATH/.env.production.local" | cut -d= -f2- | tr -d '\n' > "$pdir/key"
cat > "$pdir/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: sweetnarcisse-app
    metrics_path: /api/metrics
    scrape_timeout: 1s
    authorization:
      type: Bearer
      credentials_file: $pdir/key
    static_configs:
      - targets: ["127.0.0.1:$APP_PORT"]
YML
"$PROMETHEUS" --config.file="$pdir/prometheus.yml" --storage.tsdb.path="$pdir/data" \
    --web.listen-address="127.0.0.1:$port" >"$pdir/prometheus.log" 2>&1 &
prometheus_pid=$!
cli_cleanup_hook='kill $prometheus_pid 2>/dev/null; wait $prometheus_pid 2>/dev/null'

query() { curl -s --max-time 5 "http://127.0.0.1:$port/api/v1/query" --data-urlencode "query=$1"; }
samples_ready() { # the app is up and its CPU counter has 3 samples in the last minute (enough for rate[1m])
    query 'count_over_time(process_cpu_seconds_total{job="sweetnarcisse-app"}[1m]) >= 3 and on() up{job="sweetnarcisse-app"} == 1' |
        py 'import json, sys; sys.exit(0 if json.load(sys.stdin)["data"]["result"] else 1)' 2>/dev/null
}
ready=0
for _ in $(seq 150); do samples_ready && { ready=1; break; }; sleep 0.2; done
check "real Prometheus scrapes the app's /api/metrics (up == 1, 3 samples) within 30 s" test $ready = 1
(( ready )) || tail -n 20 "$pdir/prometheus.log" | sed 's/^/# /'

# The profile, with the real Prometheus as its prometheus-url (reached through the SSH tunnel).
profiles=$XDG_CONFIG_HOME/narcisse-admin/profiles
py '
import json, sys
p = json.load(open(sys.argv[1] + "/demo.json"))
json.dump(dict(p, name="realprom", **{"prometheus-url": "http://127.0.0.1:" + sys.argv[2]}),
          open(sys.argv[1] + "/realprom.json", "w"))
' "$profiles" "$port"

ctl --profile realprom scaling status --json
check "scaling status --json against real Prometheus: exit 0 (nothing fires)" status_is 0
cp "$out" "$tmp/status.json"

# every query shown to people is valid PromQL for Prometheus itself
check "every threshold's PromQL is accepted by real Prometheus (no parse error)" py '
import json, subprocess, sys
d = json.load(open(sys.argv[1]))
bad = []
for t in d["thresholds"]:
    r = subprocess.run(["curl", "-s", "--max-time", "5", "http://127.0.0.1:%s/api/v1/query" % sys.argv[2],
                        "--data-urlencode", "query=" + t["promql"]], capture_output=True, text=True)
    a = json.loads(r.stdout)
    if a.get("status") != "success":
        bad.append("%s: %s" % (t["id"], a.get("error")))
for b in bad:
    print("# " + b)
sys.exit(1 if bad or len(d["thresholds"]) != 5 else 0)
' "$tmp/status.json" "$port"

check "exported metrics give values: CPU and RAM are numbers, not unavailable" py '
import json, sys
t = {x["id"]: x for x in json.load(open(sys.argv[1]))["thresholds"]}
ok = all(t[k]["state"] != "unavailable" and isinstance(t[k]["value"], (int, float)) for k in ("cpu", "ram"))
ok = ok and 0 < t["ram"]["value"] < 50 and t["cpu"]["value"] >= 0
sys.exit(0 if ok else 1)
' "$tmp/status.json"

check "metrics the real app does not feed (P95, error rate, DB connections) are unavailable with a reason, never 0" py '
import json, sys
t = {x["id"]: x for x in json.load(open(sys.argv[1]))["thresholds"]}
ok = all(t[k]["state"] == "unavailable" and t[k]["value"] is None and t[k]["reason"] for k in ("p95", "errors", "db"))
sys.exit(0 if ok else 1)
' "$tmp/status.json"

cli_finish
