#!/bin/bash
# test-cli-incident.sh: narcisse-ctl incident check/declare/note/close/list/export on the local stack.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

env_value() { sed -n "s/^$1=//p" "$SN_STACK_DIR/stack.env"; }

ctl --profile demo incident list
check "no incident at first" eval 'status_is 0 && stdout_has "No incident"'

ctl --profile demo incident check
check "incident check passes on the healthy stack (exit 0), each check with its time" \
    eval 'status_is 0 && [[ $(grep -Ec "^✓ .* pass +[0-9]+\.[0-9] s" "$out") -eq 5 ]] && stdout_has "All 5 checks passed"'

ctl --profile demo incident declare --title "Database down" --severity SEV2
check "a severity other than the proposed one needs --reason" \
    eval 'status_is 2 && stderr_has "--reason"'

stack stop postgres
ctl_until 0 --profile demo incident declare --title "Database down"
check "declare on a stopped database proposes SEV1" \
    eval 'status_is 0 && stdout_has "Proposed: SEV1" && stdout_has "database is down"'
id=$(sed -n 's/^Declared \([0-9a-f-]*\) (SEV1).*/\1/p' "$out")
check "declare prints the incident id" test -n "$id"

ctl --profile demo incident list --json
check "declaring is not yet a response: the clock runs" \
    eval '/usr/bin/python3 -c "
import json, sys
i = [x for x in json.load(open(sys.argv[1])) if x[\"id\"] == sys.argv[2]][0]
sys.exit(0 if not i[\"responded_at\"] else 1)
" "$out" "$id"'

ctl --profile demo runbook run sev1-checklist
check "a runbook run on the profile goes into the open incident" \
    eval 'status_is 2 && stdout_has "Added to incident $id"'

ctl --profile demo incident check
check "incident check with the database down exits 2, the DB check failed, the disk passed" \
    eval 'status_is 2 && grep -Eq "^✗ Database answers SELECT 1 +FAIL" "$out" && grep -Eq "^✓ Disk space +pass" "$out" && stdout_has "Added to incident"'
stack start postgres

monitoring_key=$(env_value MONITORING_KEY)
pg_password=$(env_value PGPASSWORD)
nextauth=$(env_value NEXTAUTH_SECRET)
ctl --profile demo incident note "$id" "pasted: curl -H 'X-API-Key: $monitoring_key' and PGPASSWORD=$pg_password NEXTAUTH_SECRET=$nextauth"
check "a note is added" status_is 0
ctl --profile demo incident close "$id" --resolution "PostgreSQL started again"
check "close resolves it" status_is 0

ctl --profile demo incident list --json
check "list --json shows it resolved, responded, with its timeline" \
    eval '/usr/bin/python3 -c "
import json, sys
doc = json.load(open(sys.argv[1]))
i = [x for x in doc if x[\"id\"] == sys.argv[2]][0]
sys.exit(0 if i[\"state\"] == \"resolved\" and i[\"severity\"] == \"SEV1\" and i[\"responded_at\"] and i[\"timeline_entries\"] >= 5 else 1)
" "$out" "$id"'

pm=$tmp/postmortem.md
ctl --profile demo incident export "$id" --markdown "$pm"
check "export writes the postmortem (mode 0600)" \
    eval 'status_is 0 && [[ -f $pm && $(stat -c %a "$pm") == 600 ]]'
check "the postmortem has the timeline, the failed check and its report" \
    eval 'grep -q "## Timeline" "$pm" && grep -Eq "SEV1 checklist: [12] of 5 failed \\(.*Database answers SELECT 1" "$pm" && grep -q "### 5. Database answers SELECT 1 — failed" "$pm" && grep -q "PostgreSQL started again" "$pm" && grep -q "to resolve" "$pm"'
leaks=0
for secret in "$monitoring_key" "$pg_password" "$nextauth" "$(env_value REDIS_PASSWORD)" "$(env_value PG_SUPERPASSWORD)"; do
    if grep -qF -- "$secret" "$pm" "$XDG_DATA_HOME"/narcisse-admin/incidents/*.json; then leaks=$((leaks + 1)); fi
done
check "no secret of the stack's env file in the postmortem or the incident file" test "$leaks" -eq 0

ctl --profile demo incident export nope --markdown "$tmp/x.md"
check "export of an unknown incident exits 2" eval 'status_is 2 && [[ ! -e $tmp/x.md ]]'

cli_finish
