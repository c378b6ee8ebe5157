#!/bin/bash
# test-cli-scaling.sh: narcisse-ctl scaling on the local stack: docker stats through the docker
# stand-in, thresholds from the Prometheus API stand-in through the SSH tunnel, and the compose
# resources editor through the runbook scaling-apply.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later

# shellcheck source=tests/cli-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

set -a; . "$SN_STACK_DIR/stack.env"; set +a
compose=$DEPLOY_PATH/docker-compose.yml
original=$tmp/compose.orig
cp "$compose" "$original"
same_compose() { cmp -s "$compose" "$original"; }

# A read-only copy of the demo profile (same key: the level is what is refused).
profiles=$XDG_CONFIG_HOME/narcisse-admin/profiles
py '
import json, sys
p = json.load(open(sys.argv[1] + "/demo.json"))
json.dump(dict(p, name="scale-ro", **{"safety-level": "read-only"}), open(sys.argv[1] + "/scale-ro.json", "w"))
' "$profiles"

# --- status ------------------------------------------------------------------------------
echo '{"process_cpu_seconds_total": {"points": [[-30000, 20]]}, "process_resident_memory_bytes": {"points": [[-30000, 40]]}}' > "$PROMETHEUS_SERIES"
ctl --profile demo scaling status --json
check "scaling status --json: exit 0 when nothing fires" status_is 0
check "scaling status --json: the app container with its 1 GiB limit, the CPU threshold ok, P95 unavailable (null, not 0)" py '
import json, sys
d = json.load(open(sys.argv[1]))
app = [c for c in d["containers"] if c["name"] == "sweetnarcisse-app-1"][0]
t = {x["id"]: x for x in d["thresholds"]}
ok = app["mem_limit"] == 1073741824 and t["cpu"]["state"] == "ok" and t["cpu"]["value"] == 20
ok = ok and t["p95"]["state"] == "unavailable" and t["p95"]["value"] is None and "never observed" in t["p95"]["reason"]
ok = ok and t["db"]["state"] == "unavailable" and "rate(process_cpu_seconds_total" in t["cpu"]["promql"]
ok = ok and len(t["cpu"]["series"]) >= 359 and d["firing"] is False
sys.exit(0 if ok else 1)
' "$out"

echo '{"process_cpu_seconds_total": {"points": [[-30000, 20], [-600, 97]]}}' > "$PROMETHEUS_SERIES"
ctl --profile demo scaling status
check "scaling status: exit 1 when a threshold fires" status_is 1
check "scaling status: says it fires and what to do" bash -c "grep -q 'Firing' '$out' && grep -q 'Add an instance' '$out'"
check "scaling status: shows the PromQL" stdout_has "PromQL: 100 \* rate(process_cpu_seconds_total"

"$SN_STACK_SCRIPT" stop prometheus >/dev/null 2>&1
ctl --profile demo scaling status
"$SN_STACK_SCRIPT" start prometheus >/dev/null 2>&1
check "scaling status, Prometheus down: exit 2" status_is 2
check "scaling status, Prometheus down: a clear error" stderr_has "does not answer"
check "scaling status, Prometheus down: the containers are still shown" stdout_has "sweetnarcisse-app-1"
echo '{}' > "$PROMETHEUS_SERIES"

# --- replication (runbook §5.3) ---------------------------------------------------------------
ctl --profile demo scaling replication --json
check "scaling replication --json: the stack's PostgreSQL is a primary without replicas" py '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["in_recovery"] is False and d["replicas"] == [] and d["wal_level"] in ("replica", "logical", "minimal") else 1)
' "$out"
ctl --profile demo scaling replication
check "scaling replication: says no replica is connected and gives the steps" bash -c "grep -q 'No read replica' '$out' && grep -q 'pg_basebackup' '$out'"

# --- resources -----------------------------------------------------------------------------
ctl --profile demo scaling resources --json
check "scaling resources --json: app has mem_limit 1g and no CPU limit" py '
import json, sys
d = json.load(open(sys.argv[1]))
app = [s for s in d["services"] if s["name"] == "app"][0]
sys.exit(0 if app["memory_limit"] == 1073741824 and app["cpus_limit"] is None and d["host_cpus"] >= 1 else 1)
' "$out"

ctl --profile demo scaling set app --memory 768M --cpus 1 --dry-run
check "scaling set --dry-run: exit 0" status_is 0
check "scaling set --dry-run: the unified diff changes mem_limit" bash -c "grep -qx -- '-    mem_limit: 1g' '$out' && grep -qx -- '+    mem_limit: 768M' '$out'"
check "scaling set --dry-run: and adds deploy.resources.limits" bash -c "grep -qx -- \"+          cpus: '1'\" '$out' && grep -qx -- '+          memory: 768M' '$out'"
check "scaling set --dry-run: nothing written" same_compose

ctl --profile demo scaling set app --cpus abc --dry-run
check "scaling set: a bad CPU count is refused (exit 2)" status_is 2
check "scaling set: with a clear message" stderr_has "not a number of CPUs"
ctl --profile demo scaling set app --memory 1G --memory-reservation 2G --dry-run
check "scaling set: a reservation above the limit is refused" stderr_has "at least the reservation"
ctl --profile demo scaling set db --replicas 2 --dry-run
check "scaling set: replicas of a service with container_name are refused" stderr_has "container_name"

ctl --profile scale-ro scaling set app --memory 768M --yes
check "read-only profile: scaling set is refused (exit 3)" status_is 3
check "read-only profile: nothing written" same_compose

ctl --profile demo scaling set app --memory 768M
check "scaling set without --yes and without a terminal: refused (exit 3)" status_is 3
check "scaling set without --yes: nothing written" same_compose

touch "$SN_STACK_DIR/state/compose-config.fail"
ctl --profile demo scaling set app --memory 768M --yes
check "scaling set, docker compose config fails: exit 1 (reverted)" status_is 1
check "scaling set, docker compose config fails: the old file is back" same_compose

ctl --profile demo scaling set app --memory 768M --yes
check "scaling set --yes: exit 0" status_is 0
check "scaling set --yes: the file has the new limit" grep -qx '          memory: 768M' "$compose"
check "scaling set --yes: audited" grep -q '"scaling.resources.write"\|scaling-apply' "$XDG_DATA_HOME/narcisse-admin/audit.jsonl"
ctl --profile demo scaling status --json
check "scaling set --yes: the containers run with the new limit" py '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if [c for c in d["containers"] if c["name"] == "sweetnarcisse-app-1"][0]["mem_limit"] == 768 * 1048576 else 1)
' "$out"

# --- replicas: the compose diff and nginx's upstream ------------------------------------
nginx_conf=$DEPLOY_PATH/nginx/nginx.conf
nginx_orig=$tmp/nginx.orig
cp "$nginx_conf" "$nginx_orig"
cp "$compose" "$original"
nothing_written() { cmp -s "$compose" "$original" && cmp -s "$nginx_conf" "$nginx_orig"; }

ctl --profile demo scaling set app --replicas 3 --dry-run
check "replicas --dry-run, the real nginx.conf: exit 0" status_is 0
check "replicas --dry-run, the real nginx.conf: the compose diff" stdout_has '^+      replicas: 3$'
check "replicas --dry-run, the real nginx.conf: no nginx diff" bash -c "! grep -q 'nginx.conf' '$out'"
check "replicas --dry-run, the real nginx.conf: the nginx part is refused, saying why" \
    stderr_has 'no “upstream app” block: it sends requests straight to http://app:3000'
check "replicas --dry-run, the real nginx.conf: nothing written" nothing_written

# nginx.conf balancing through an upstream block, as the runbook wants
py '
import sys
p = sys.argv[1]; t = open(p).read()
t = t.replace("http {\n", "http {\n    upstream app {\n        least_conn;\n        server sweetnarcisse-app-1:3000;\n    }\n", 1)
open(p, "w").write(t.replace("proxy_pass http://app:3000;", "proxy_pass http://app;"))
' "$nginx_conf"
cp "$nginx_conf" "$nginx_orig"
ctl --profile demo scaling set app --replicas 3 --dry-run
check "replicas --dry-run with an upstream: exit 0" status_is 0
check "replicas --dry-run with an upstream: the compose diff" stdout_has "^+++ $compose\$"
check "replicas --dry-run with an upstream: the nginx diff after it" py '
import sys
t = open(sys.argv[1]).read()
i, j = t.find("+++ " + sys.argv[2]), t.find("+++ " + sys.argv[3])
ok = 0 <= i < j and "+        server sweetnarcisse-app-3:3000;\n" in t[j:] and " upstream app {" in t[j:]
ok = ok and "\n-        server sweetnarcisse-app-1:3000;\n" not in t and "+        server sweetnarcisse-app-2:3000;\n" in t
sys.exit(0 if ok else 1)
' "$out" "$compose" "$nginx_conf"
check "replicas --dry-run with an upstream: the real names, not the runbook's app1..appN" stderr_has 'sweetnarcisse-app-1'
check "replicas --dry-run with an upstream: nothing written" nothing_written
ctl --profile scale-ro scaling set app --replicas 3 --yes
check "read-only profile: replicas refused (exit 3), nothing written" bash -c "[ $rc -eq 3 ] && cmp -s '$compose' '$original' && cmp -s '$nginx_conf' '$nginx_orig'"

printf 'services:\n  app:\n    image: x\n   mem_limit: [1g\n' > "$compose"
cp "$compose" "$original"
ctl --profile demo scaling resources
check "malformed docker-compose.yml: exit 2" status_is 2
check "malformed docker-compose.yml: the error says line and column" stderr_has "line 4, column"
ctl --profile demo scaling set app --memory 512M --yes
check "malformed docker-compose.yml: scaling set refuses and writes nothing" bash -c "[ $rc -ne 0 ] && cmp -s '$compose' '$original'"

cli_finish
