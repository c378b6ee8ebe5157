#!/bin/bash
# test-cli-health.sh: narcisse-ctl profiles/health against the local stack of real servers.
#
# Run by meson (tests/meson.build, cli_tests) with SN_STACK_SCRIPT, SN_BUILD_DIR and
# SN_LOOPBACK_ONLY=1. Prints TAP lines; exits non-zero if any check fails.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

# --- help and usage --------------------------------------------------------------------
ctl --help
check "narcisse-ctl --help exits 0 and lists the commands" \
    eval 'status_is 0 && stdout_has health && stdout_has profiles'
ctl health --help
check "narcisse-ctl health --help exits 0 and describes --json" \
    eval 'status_is 0 && stdout_has --json && stdout_has --timeout'
ctl --version
check "narcisse-ctl --version prints the version" eval 'status_is 0 && stdout_has "narcisse-ctl "'
ctl frobnicate
check "an unknown command exits 2 with one line on stderr" \
    eval 'status_is 2 && stderr_lines_at_most 1 && stderr_has frobnicate && stderr_has --help'
ctl health --bogus
check "an unknown option exits 2 with one line on stderr" \
    eval 'status_is 2 && stderr_lines_at_most 1 && stderr_has "narcisse-ctl health --help"'

# --- profiles --------------------------------------------------------------------------
ctl profiles
check "profiles lists demo" eval 'status_is 0 && grep -Eq "^demo[[:space:]]" "$out"'
ctl profiles --json
check "profiles --json is a JSON array holding demo" eval 'status_is 0 && /usr/bin/python3 -c "
import json, sys
names = [p[\"name\"] for p in json.load(open(sys.argv[1]))]
sys.exit(0 if \"demo\" in names else 1)
" "$out"'

# --- health on a healthy stack ---------------------------------------------------------
ctl_until 0 --profile demo health
check "health exits 0 on the healthy stack" status_is 0
for service in database redis storage; do
    check "health shows $service Healthy" service_is "$service" Healthy
done
check "health prints the overall state" stdout_has "Healthy"
ctl health
check "health without --profile uses the only profile" status_is 0
ctl --profile demo health --json
check "health --json is valid JSON with state \"healthy\"" eval 'status_is 0 && json_state_is healthy'

# --- degraded, unhealthy, refused ------------------------------------------------------
stack stop redis
ctl_until 1 --profile demo health
check "health exits 1 (degraded) with Redis stopped" eval 'status_is 1 && stdout_has Degraded'
check "health shows database still Healthy with Redis stopped" service_is database Healthy
stack start redis
ctl_until 0 --profile demo health
check "health is back to 0 once Redis runs again" status_is 0

stack stop postgres
ctl_until 2 --profile demo health
check "health exits 2 (unhealthy) with PostgreSQL stopped" eval 'status_is 2 && stdout_has Unhealthy'
ctl --profile demo health --json
check "health --json says \"unhealthy\" with PostgreSQL stopped" eval 'status_is 2 && json_state_is unhealthy'
stack start postgres
ctl_until 0 --profile demo health
check "health is back to 0 once PostgreSQL runs again" status_is 0

stack stop app
ctl_until 2 --profile demo health --timeout 5
check "health exits 2 with the app stopped (connection refused)" status_is 2
check "the refused check says so in one stderr line or on stdout" \
    eval 'stderr_lines_at_most 1 && grep -qi "refused" "$out" "$err"'
stack start app
ctl_until 0 --profile demo health
check "health is back to 0 once the app runs again" status_is 0

# --- errors --------------------------------------------------------------------------
ctl --profile nosuch health
check "an unknown profile exits 2 with one line on stderr naming it" \
    eval 'status_is 2 && [[ $(wc -l <"$err") -eq 1 ]] && stderr_has nosuch && [[ ! -s $out ]]'

cat >"$XDG_CONFIG_HOME/narcisse-admin/profiles/prod.json" <<'JSON'
{
  "name": "prod",
  "color": "#c01c28",
  "safety-level": "read-only",
  "production": true,
  "ssh-host": "51.178.17.205",
  "ssh-port": 5522,
  "ssh-user": "root",
  "deploy-path": "/opt/sweetnarcisse",
  "site-url": "https://www.sweet-narcisse.com",
  "cache-backend": "upstash"
}
JSON
ctl profiles
check "profiles lists demo and prod" \
    eval 'status_is 0 && grep -Eq "^demo[[:space:]]" "$out" && grep -Eq "^prod[[:space:]]" "$out"'
check "profiles says the read-only prod holds credentials that can change the server (root, owner role)" \
    eval 'grep -q "“prod”: .*SSH as root" "$out" && grep -q "“prod”: .*as “snarcisse”" "$out" && ! grep -q "“demo”:" "$out"'
ctl profiles --json
check "profiles --json lists the credential warnings" \
    eval 'status_is 0 && /usr/bin/python3 -c "
import json, sys
d = {p[\"name\"]: p for p in json.load(open(sys.argv[1]))}
sys.exit(0 if len(d[\"prod\"][\"credential-warnings\"]) == 2 and d[\"demo\"][\"credential-warnings\"] == [] else 1)
" "$out"'
ctl --profile prod health
check "health on a public URL is refused under SN_LOOPBACK_ONLY=1 with one stderr line" \
    eval 'status_is 2 && [[ $(wc -l <"$err") -eq 1 ]] && stderr_has SN_LOOPBACK_ONLY'
ctl health
check "health with two profiles and no --profile exits 2 asking for one" \
    eval 'status_is 2 && [[ $(wc -l <"$err") -eq 1 ]] && stderr_has --profile'

cli_finish
