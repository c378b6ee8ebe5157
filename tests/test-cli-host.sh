#!/bin/bash
# test-cli-host.sh: narcisse-ctl containers/logs/disk/activity/trust-host against the local stack.
#
# Run by meson (tests/meson.build, cli_tests) with SN_STACK_SCRIPT, SN_BUILD_DIR and
# SN_LOOPBACK_ONLY=1. Prints TAP lines; exits non-zero if any check fails.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

follow_pid=
stop_follow() { [[ -n $follow_pid ]] && kill "$follow_pid" 2>/dev/null; }
cli_cleanup_hook=stop_follow

set -a; . "$SN_STACK_DIR/stack.env"; set +a
KH=$XDG_DATA_HOME/narcisse-admin/known_hosts
AUDIT=$XDG_DATA_HOME/narcisse-admin/audit.jsonl
FINGERPRINT=$(ssh-keygen -lf "$SN_STACK_DIR/ssh/hostkey_ed25519.pub" | cut -d' ' -f2)

# --- help ------------------------------------------------------------------------------
ctl --help
check "--help lists containers, logs, disk, activity and trust-host" \
    eval 'status_is 0 && stdout_has containers && stdout_has logs && stdout_has disk && stdout_has activity && stdout_has trust-host'
ctl logs --help
check "logs --help describes --tail, --follow and --since" \
    eval 'status_is 0 && stdout_has --tail && stdout_has --follow && stdout_has --since'
ctl --profile demo logs
check "logs without a service exits 2 with one line" eval 'status_is 2 && [[ $(wc -l <"$err") -eq 1 ]]'

# --- containers ------------------------------------------------------------------------
ctl --profile demo containers
check "containers exits 0" status_is 0
check "containers shows db running" service_is db running
check "containers shows app running" service_is app running
ctl --profile demo containers --json
check "containers --json lists db running and healthy" eval 'status_is 0 && py "
import json, sys
rows = {r[\"service\"]: r for r in json.load(open(sys.argv[1]))}
sys.exit(0 if rows[\"db\"][\"state\"] == \"running\" and rows[\"db\"][\"health\"] == \"healthy\" else 1)
" "$out"'
stack stop postgres
ctl --profile demo containers
check "with PostgreSQL stopped, containers shows db exited (ps -a)" eval 'status_is 0 && service_is db exited'
stack start postgres

# --- logs --------------------------------------------------------------------------------
for i in $(seq 12); do echo "cli-tail-line $i"; done >>"$APP_LOG"
ctl --profile demo logs app --tail 5
check "logs app --tail 5 prints 5 lines, the last one last" \
    eval 'status_is 0 && [[ $(wc -l <"$out") -eq 5 ]] && [[ $(tail -n1 "$out") == "cli-tail-line 12" ]]'

"$CTL" --profile demo logs app --tail 1 --follow >"$tmp/follow.out" 2>"$tmp/follow.err" </dev/null &
follow_pid=$!
for i in $(seq 100); do [[ -s $tmp/follow.out ]] && break; sleep 0.1; done
echo "cli-follow-marker" >>"$APP_LOG"
for i in $(seq 100); do grep -q cli-follow-marker "$tmp/follow.out" && break; sleep 0.1; done
check "logs --follow prints a new line as it is written" grep -q cli-follow-marker "$tmp/follow.out"
kill -INT "$follow_pid"
for i in $(seq 50); do kill -0 "$follow_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$follow_pid" 2>/dev/null; then
    rc=running; not_ok "Ctrl+C stops logs --follow within 5 s"
    kill -9 "$follow_pid"
else
    wait "$follow_pid"; rc=$?
    check "Ctrl+C stops logs --follow cleanly (exit 0, nothing on stderr)" \
        eval '[[ $rc -eq 0 ]] && [[ ! -s $tmp/follow.err ]]'
fi
follow_pid=
sleep 0.5
check "no follow process is left on the host after Ctrl+C" \
    eval '! pgrep -f "tail -n 1 -F $APP_LOG" >/dev/null'

# --- disk --------------------------------------------------------------------------------
ctl --profile demo disk
check "disk shows the filesystems and Docker's usage" \
    eval 'status_is 0 && stdout_has "MOUNTED ON" && grep -Eq "[[:space:]]/$" "$out" && stdout_has "Build Cache"'
ctl --profile demo disk --json
check "disk --json has filesystems with sizes and the docker rows" eval 'status_is 0 && py "
import json, sys
d = json.load(open(sys.argv[1]))
fs = d[\"filesystems\"]
ok = fs and all(f[\"size\"] >= f[\"used\"] and 0 <= f[\"percent\"] <= 100 for f in fs)
ok = ok and [r[\"type\"] for r in d[\"docker\"]][0] == \"Images\"
sys.exit(0 if ok else 1)
" "$out"'

# --- activity ----------------------------------------------------------------------------
ctl activity
check "activity lists ps, logs, df and docker df" \
    eval 'status_is 0 && stdout_has host.compose.ps && stdout_has host.compose.logs && stdout_has host.df && stdout_has host.docker-df'
ctl --profile demo activity --profile-only --json
check "activity --profile-only --json gives the demo profile's entries" eval 'status_is 0 && py "
import json, sys
rows = json.load(open(sys.argv[1]))
sys.exit(0 if len(rows) >= 6 and all(r[\"profile\"] == \"demo\" for r in rows) else 1)
" "$out"'
ctl activity --since "$(date -u -d tomorrow +%F)"
check "activity --since tomorrow has nothing" eval 'status_is 0 && stdout_has "No activity"'
ctl activity --since yesterday-ish
check "activity --since with a bad date exits 2" eval 'status_is 2 && stderr_has yesterday-ish'
check "the audit log holds one line per host action (9 so far)" eval '[[ $(wc -l <"$AUDIT") -eq 9 ]]'
check "no secret value of the env file is in the audit log" py '
import re, sys
log = open(sys.argv[2]).read()
for line in open(sys.argv[1]):
    name, sep, value = line.strip().partition("=")
    if sep and not name.startswith("#") and len(value) >= 8 and re.search("SECRET|KEY|PASS|TOKEN|DATABASE_URL", name):
        if value in log:
            sys.exit(1)
' "$ENV_FILE" "$AUDIT"

# --- host keys ---------------------------------------------------------------------------
mv "$KH" "$KH.saved"
ctl --profile demo containers
check "unknown host key without a terminal: exit 2, the fingerprint and trust-host named" \
    eval 'status_is 2 && stderr_has "$FINGERPRINT" && stderr_has "trust-host" && stderr_has ED25519 && [[ ! -s $out ]]'
ctl --profile demo trust-host
check "trust-host without a terminal asks for --fingerprint" \
    eval 'status_is 2 && stderr_has "$FINGERPRINT" && stderr_has -- "--fingerprint"'
ctl --profile demo trust-host --fingerprint SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
check "trust-host with a wrong fingerprint saves nothing" \
    eval 'status_is 2 && stderr_has "NOT saved" && ! grep -q ssh-ed25519 "$KH" 2>/dev/null'
ctl --profile demo trust-host --fingerprint "$FINGERPRINT"
check "trust-host with the right fingerprint saves the key" eval 'status_is 0 && grep -q ssh-ed25519 "$KH"'
ctl --profile demo containers
check "containers works once the key is trusted" eval 'status_is 0 && service_is db running'
ctl --profile demo trust-host
check "trust-host on a trusted host says so" eval 'status_is 0 && stdout_has "already trusted"'

if command -v script >/dev/null; then
    rm -f "$KH"
    printf 'n\n' | script -qec "$CTL --profile demo containers" /dev/null >"$out" 2>"$err"; rc=$?
    check "on a terminal, answering n refuses (exit 2)" \
        eval 'status_is 2 && stdout_has "Trust this host key? \[y/N\]" && stdout_has "$FINGERPRINT"'
    printf 'y\n' | script -qec "$CTL --profile demo containers" /dev/null >"$out" 2>"$err"; rc=$?
    check "on a terminal, answering y trusts the key and lists the containers" \
        eval 'status_is 0 && grep -Eq "^db[[:space:]]+running" "$out" && grep -q ssh-ed25519 "$KH"'
fi

ssh-keygen -q -t ed25519 -N '' -C other -f "$tmp/otherkey"
printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1,2 "$tmp/otherkey.pub")" >"$KH"
ctl --profile demo containers
check "a changed host key is a hard stop naming the danger" \
    eval 'status_is 2 && stderr_has CHANGED && stderr_has man-in-the-middle && [[ ! -s $out ]]'
ctl --profile demo trust-host --fingerprint "$FINGERPRINT"
check "trust-host does not override a changed key" eval 'status_is 2 && stderr_has CHANGED'

# Known only by an ECDSA key while the server offers ed25519: a hard stop too.
ssh-keygen -q -t ecdsa -b 256 -N '' -C other -f "$tmp/otherkey_ecdsa"
printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1,2 "$tmp/otherkey_ecdsa.pub")" >"$KH"
cp "$KH" "$tmp/kh-ecdsa"
ctl --profile demo containers
check "a host known with another key type is a hard stop, not a first contact" \
    eval 'status_is 2 && stderr_has "known with another key type" && ! stderr_has "Trust this" && [[ ! -s $out ]]'
ctl --profile demo trust-host --fingerprint "$FINGERPRINT"
check "trust-host refuses a host known with another key type" \
    eval 'status_is 2 && stderr_has "known with another key type" && cmp -s "$KH" "$tmp/kh-ecdsa"'
mv "$KH.saved" "$KH"

cli_finish
