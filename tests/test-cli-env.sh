#!/bin/bash
# test-cli-env.sh: narcisse-ctl env check on the local stack: the critical variables by name
# (never a value), a variable removed from the env file, one compose does not pass, one compose
# stops passing, the app down, a broken compose file; the ports and paths of the runbook's annexes.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later

# shellcheck source=tests/cli-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

set -a; . "$SN_STACK_DIR/stack.env"; set +a
ENV_FILE=$DEPLOY_PATH/.env.production.local
COMPOSE_FILE=$DEPLOY_PATH/docker-compose.yml
cp -p "$ENV_FILE" "$tmp/env.orig"
cp -p "$COMPOSE_FILE" "$tmp/compose.orig"

# var_is NAME STATE [FILE CONTAINER PASSED]: the JSON row of NAME says so
var_is() {
    py '
import json, sys
d = json.load(open(sys.argv[1]))
rows = [v for v in d["variables"] if v["name"] == sys.argv[2]]
if len(rows) != 1: sys.exit(1)
v, want = rows[0], sys.argv[3:]
got = [v["state"], v["file"], v["container"], "yes" if v["passed_by_compose"] else "no"][:len(want)]
sys.exit(0 if got == want else 1)
' "$out" "$@"
}
impact_has() {
    py '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if any(v["name"] == sys.argv[2] and sys.argv[3] in v["impact"] for v in d["variables"]) else 1)
' "$out" "$1" "$2"
}
row_is() { # row_is SECTION NAME STATE [TEXT in seen]
    py '
import json, sys
d = json.load(open(sys.argv[1]))
rows = [r for r in d[sys.argv[2]] if r["name"] == sys.argv[3]]
sys.exit(0 if len(rows) == 1 and rows[0]["state"] == sys.argv[4]
         and (len(sys.argv) < 6 or sys.argv[5] in rows[0]["seen"]) else 1)
' "$out" "$@"
}
recreate_app() { (cd "$DEPLOY_PATH" && SN_STACK_DIR=$SN_STACK_DIR "$FAKEHOST_BIN/docker" compose --env-file .env.production.local up -d app) >/dev/null 2>&1; }
no_values_in_output() {
    local v
    for v in "$NEXTAUTH_SECRET" "$PGPASSWORD" "$MONITORING_KEY" "$(sed -n 's/^STRIPE_SECRET_KEY=//p' "$tmp/env.orig")"; do
        grep -qF -- "$v" "$out" && return 1
    done
    return 0
}

# --- the stack as deployed -------------------------------------------------------------
ctl --profile demo env check --json
check "env check: exit 1 (variables set that compose does not pass)" status_is 1
criticals_ok() {
    local v
    for v in DATABASE_URL NEXTAUTH_SECRET NEXTAUTH_URL STRIPE_SECRET_KEY STRIPE_WEBHOOK_SECRET STORAGE_ACCESS_KEY \
             STORAGE_SECRET_KEY STORAGE_BUCKET SMTP_HOST SMTP_USER SMTP_PASS MONITORING_API_KEY; do
        var_is "$v" ok set set yes || return 1
    done
}
check "every critical variable is in the file and in the running app" criticals_ok
check "DATABASE_URL: compose builds it; POSTGRES_PASSWORD is checked in the file" var_is POSTGRES_PASSWORD ok set
cron_not_passed() { var_is CRON_SECRET not-passed set absent no && impact_has CRON_SECRET 'The app reads it'; }
check "CRON_SECRET is set but compose passes it to nothing, and the app reads it (§6.2)" cron_not_passed
check "REDIS_URL is set but no container gets it" var_is REDIS_URL not-passed set absent no
check "no value of any variable in the output" no_values_in_output
check "the SSH port is listening, on loopback" row_is ports "SSH $SSH_PORT" ok "127.0.0.1:$SSH_PORT"
check "Redis: nothing should listen on 6379 (the cache is Upstash)" \
    py 'import json,sys; d=json.load(open(sys.argv[1])); r=[x for x in d["ports"] if x["name"]=="Redis 6379"][0]; sys.exit(0 if "Upstash" in r["actual"] else 1)' "$out"
files_exist() { row_is paths "$ENV_FILE" ok && row_is paths "$COMPOSE_FILE" ok; }
check "the env file and the compose file exist" files_exist
check "the dashed path of the cron and systemd units is checked too" row_is paths /opt/sweet-narcisse absent
check "the runbook's .env is said to be the wrong file" \
    py 'import json,sys; d=json.load(open(sys.argv[1])); r=[x for x in d["paths"] if x["name"].endswith("/.env")][0]; sys.exit(0 if ".env.production.local" in r["actual"] else 1)' "$out"

ctl --profile demo env check
check "env check (text): three sections" bash -c "grep -q '^Variables' '$out' && grep -q '^Ports' '$out' && grep -q '^Paths' '$out'"
check "env check (text): no value either" no_values_in_output

# --- a port that listens -----------------------------------------------------------------
if ! ss -ltnH | awk '{print $4}' | grep -q ':9093$'; then
    /usr/bin/python3 -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1", 9093)); s.listen(); time.sleep(30)' &
    listener=$!
    cli_cleanup_hook="kill $listener 2>/dev/null"
    sleep 0.3
    ctl --profile demo env check --json
    kill "$listener" 2>/dev/null; wait "$listener" 2>/dev/null; cli_cleanup_hook=:
    check "a port listening on loopback: seen with its address" row_is ports "Alertmanager 9093" ok "127.0.0.1:9093"
else
    echo "# SKIP a port that listens: 9093 is already taken here"
fi

# --- a critical variable removed, and one compose does not pass -----------------------------
grep -v '^STRIPE_SECRET_KEY=' "$tmp/env.orig" > "$ENV_FILE"
printf 'MAINTENANCE_FLEET_SECRET=%s\nSN_CUSTOM_SETTING=1\n' "$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" >> "$ENV_FILE"
recreate_app
ctl --profile demo env check --json
check "STRIPE_SECRET_KEY removed: missing, absent from the file, empty in the app" \
    var_is STRIPE_SECRET_KEY missing absent empty yes
check "STRIPE_SECRET_KEY removed: it says payments break" impact_has STRIPE_SECRET_KEY "Card payments are impossible"
check "STRIPE_SECRET_KEY removed: the audit's state is missing, exit 1" \
    bash -c "[ $rc -eq 1 ] && grep -q '\"state\" : \"missing\"' '$out'"
fleet_not_passed() { var_is MAINTENANCE_FLEET_SECRET not-passed set absent no && impact_has MAINTENANCE_FLEET_SECRET 'no effect until'; }
check "MAINTENANCE_FLEET_SECRET: read by the app, not passed by compose" fleet_not_passed
custom_not_passed() { var_is SN_CUSTOM_SETTING not-passed && impact_has SN_CUSTOM_SETTING 'No container receives it'; }
check "an unknown variable: no container receives it" custom_not_passed
check "the fleet secret's value is not in the output" bash -c "! grep -qF \"\$(sed -n 's/^MAINTENANCE_FLEET_SECRET=//p' '$ENV_FILE')\" '$out'"

# --- compose stops passing one ------------------------------------------------------------
cp -p "$tmp/env.orig" "$ENV_FILE"
grep -v '^      SMTP_PASS:' "$tmp/compose.orig" > "$COMPOSE_FILE"
recreate_app
ctl --profile demo env check --json
check "SMTP_PASS not passed by compose: missing in the app though set in the file" \
    var_is SMTP_PASS missing set absent no
check "SMTP_PASS not passed: it says mail breaks" impact_has SMTP_PASS "No e-mail is sent"

# --- the app down ---------------------------------------------------------------------------
cp -p "$tmp/compose.orig" "$COMPOSE_FILE"
stack stop app
ctl --profile demo env check --json
check "app down: the check still runs and says the container does not answer" \
    py 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["container_reachable"] is False else 1)' "$out"
check "app down: a variable set and passed is unknown in the app, not missing" var_is NEXTAUTH_SECRET unknown set unknown yes
stack start app

# --- a broken compose file ---------------------------------------------------------------------
printf 'services:\n  app:\n    environment: [unclosed\n' > "$COMPOSE_FILE"
ctl --profile demo env check
check "broken compose file: exit 2 with the YAML error and what to do" \
    bash -c "[ $rc -eq 2 ] && grep -q 'not valid YAML (line' '$err'"
cp -p "$tmp/compose.orig" "$COMPOSE_FILE"

cli_finish
