#!/bin/bash
# test-cli-runbook.sh: narcisse-ctl runbook list/show/run on the local stack.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

app_pid() { cat "$SN_STACK_DIR/app/app.pid"; }

ctl runbook list
check "runbook list shows both shipped runbooks" \
    eval 'status_is 0 && stdout_has sev1-checklist && stdout_has restart-app'
ctl runbook show restart-app
check "runbook show lists the steps and says what changes the system" \
    eval 'status_is 0 && stdout_has "Recreate the app container" && stdout_has "changes the system"'
# A runbook of the user's own is marked as such, with its file.
mkdir -p "$XDG_DATA_HOME/narcisse-admin/runbooks"
mine=$XDG_DATA_HOME/narcisse-admin/runbooks/containers-mine.json
cat >"$mine" <<'JSON'
{
  "id": "containers-mine",
  "title": "My container list",
  "safety-level": "read-only",
  "steps": [
    { "id": "ps", "title": "Containers", "action": "host.compose", "args": { "args": ["ps"] }, "timeout": 30 }
  ]
}
JSON
ctl runbook list
check "runbook list marks a user runbook with its file, not the shipped ones" \
    eval 'status_is 0 && grep -q "^containers-mine .*user runbook: $mine" "$out" && ! grep -q "^restart-app .*user runbook" "$out"'
ctl runbook show containers-mine
check "runbook show says it is a user runbook and where it comes from" \
    eval 'status_is 0 && stdout_has "User runbook, from $mine"'
ctl runbook list --json
check "runbook list --json says which runbooks are built in" \
    eval 'status_is 0 && /usr/bin/python3 -c "
import json, sys
d = {r[\"id\"]: r for r in json.load(open(sys.argv[1]))}
sys.exit(0 if d[\"containers-mine\"][\"builtin\"] is False and d[\"containers-mine\"][\"file\"] == sys.argv[2]
         and d[\"restart-app\"][\"builtin\"] is True and \"file\" not in d[\"restart-app\"] else 1)
" "$out" "$mine"'
rm -f "$mine"

ctl runbook show nope
check "an unknown runbook exits 2 with one stderr line" \
    eval 'status_is 2 && stderr_lines_at_most 1 && stderr_has "runbook list"'

ctl --profile demo runbook run sev1-checklist
check "sev1-checklist passes on the healthy stack (exit 0)" \
    eval 'status_is 0 && stdout_has "✓ Database answers SELECT 1" && stdout_has "Report:"'

stack stop postgres
ctl --profile demo runbook run sev1-checklist
check "sev1-checklist fails with the database down (exit 2), the disk still checked" \
    eval 'status_is 2 && stdout_has "✗ Database answers SELECT 1" && stdout_has "✓ Disk space"'
stack start postgres

before=$(app_pid)
ctl --profile demo runbook run restart-app --dry-run
check "a dry run shows the commands and changes nothing" \
    eval 'status_is 0 && stdout_has "up -d --force-recreate app" && [[ $(app_pid) == "$before" ]]'

ctl --profile demo runbook run restart-app </dev/null
check "without a terminal a destructive runbook needs --yes (exit 3, nothing run)" \
    eval 'status_is 3 && stderr_has --yes && [[ $(app_pid) == "$before" ]]'

ctl --profile demo runbook run restart-app --yes --confirm prod </dev/null
check "--confirm must match the profile (exit 3, nothing run)" \
    eval 'status_is 3 && [[ $(app_pid) == "$before" ]]'

ctl --profile demo runbook run restart-app --yes </dev/null
check "restart-app --yes recreates the app and verifies the site (exit 0)" \
    eval 'status_is 0 && [[ $(app_pid) != "$before" ]] && stdout_has "✓ Recreate the app container"'

# Production: the same stack seen through a profile marked production needs --confirm.
prod=$XDG_CONFIG_HOME/narcisse-admin/profiles/stage-prod.json
/usr/bin/python3 - "$XDG_CONFIG_HOME/narcisse-admin/profiles/demo.json" "$prod" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p.update(name="stage-prod", production=True, **{"safety-level": "operator"})
json.dump(p, open(sys.argv[2], "w"))
PY
before=$(app_pid)
ctl --profile stage-prod runbook run restart-app --yes </dev/null
check "on production --yes alone is refused (exit 3), asking for --confirm" \
    eval 'status_is 3 && stderr_has "--confirm" && [[ $(app_pid) == "$before" ]]'
ctl --profile stage-prod runbook run restart-app --yes --confirm stage-prod </dev/null
check "on production --yes --confirm NAME runs it (exit 0)" \
    eval 'status_is 0 && [[ $(app_pid) != "$before" ]]'

ctl --profile demo runbook run sev1-checklist --param colour=red
check "an unknown parameter exits 2 naming it" eval 'status_is 2 && stderr_has colour'

cli_finish
