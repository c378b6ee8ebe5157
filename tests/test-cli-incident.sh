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

stack stop app
ctl --profile demo incident check
check "with the app stopped, the Containers check fails naming the exited container (exit 2)" \
    eval 'status_is 2 && grep -Eq "^✗ Containers +FAIL .*sweetnarcisse-app-1 \(Exited" "$out" && grep -Eq "^✓ Disk space +pass" "$out"'
stack start app

ctl --profile demo incident declare
check "declare with no options is refused: it needs a title (exit 2)" \
    eval 'status_is 2 && stderr_has "--title"'
ctl --profile demo incident declare --title "Something looks odd"
check "on a healthy stack, declare without --severity or triage answers is refused (exit 2)" \
    eval 'status_is 2 && stderr_has "--severity SEVn" && stderr_has "--users"'
ctl --profile demo incident list
check "no untitled incident was left open by those" eval 'status_is 0 && stdout_has "No incident"'

ctl --profile demo incident declare --title "Database down" --severity SEV2
check "a severity other than the proposed one needs --reason" \
    eval 'status_is 2 && stderr_has "--reason"'

# Read-only profiles (the direction) do not declare, re-grade or resolve unless the team allows it.
/usr/bin/python3 - "$XDG_CONFIG_HOME/narcisse-admin/profiles/demo.json" <<'PY'
import json, os, sys
p = json.load(open(sys.argv[1]))
p.update(name="ro", **{"safety-level": "read-only"})
json.dump(p, open(os.path.join(os.path.dirname(sys.argv[1]), "ro.json"), "w"))
PY
keyfile=$XDG_CONFIG_HOME/glib-2.0/settings/keyfile
allow_ro() { # allow_ro true|false: the team's setting, in the keyfile backend the next commands read
    mkdir -p "$(dirname "$keyfile")"
    printf '[com/sweet_narcisse/Admin]\nallow-read-only-incidents=%s\n' "$1" >"$keyfile"
}
ro_ctl() { GSETTINGS_BACKEND=keyfile ctl --profile ro "$@"; }
ro_json() { # ro_json EXPR: the ro profile's newest incident in "incident list --json" satisfies EXPR
    ctl incident list --json
    py "
import json, sys
i = [x for x in json.load(open(sys.argv[1])) if x['profile'] == 'ro'][0]
sys.exit(0 if $1 else 1)
" "$out"
}
allow_ro false
ro_ctl incident declare --title "Wrong price shown" --severity SEV4 --users few
check "a read-only profile cannot declare (exit 3), with a clear refusal" \
    eval 'status_is 3 && stderr_has "“ro” is read-only: it cannot declare, resolve or re-grade" && stderr_has "Preferences"'
ctl incident list
check "the refused declaration left nothing" stdout_has "No incident"

allow_ro true
ro_ctl incident declare --title "Wrong price shown" --severity SEV4 --users few --reason "one page only"
check "allowed by the team, the read-only profile declares; a SEV4's deadline carries its date" \
    eval 'status_is 0 && grep -Eq "^Respond before [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} \(SEV4 target\)" "$out"'
ro_id=$(sed -n 's/^Declared \([0-9a-f-]*\) (SEV4).*/\1/p' "$out")
allow_ro false
ro_ctl incident severity SEV3 --reason "more pages wrong"
check "not allowed: a read-only profile cannot re-grade (exit 3)" \
    eval 'status_is 3 && stderr_has "read-only"'
ro_ctl incident close "$ro_id" --resolution "fixed the price"
check "not allowed: a read-only profile cannot resolve (exit 3)" \
    eval 'status_is 3 && stderr_has "read-only"'
check "the refused re-grade and resolution changed nothing; the clock still runs" \
    ro_json 'i["severity"] == "SEV4" and i["state"] == "open" and not i["responded_at"]'
ro_ctl incident respond --note "checking the price list"
check "a read-only profile records the first response (exit 0)" \
    eval 'status_is 0 && stdout_has "First response to $ro_id recorded"'
check "the response is in the incident" ro_json 'i["responded_at"] and i["timeline_entries"] >= 3'
ro_ctl incident respond
check "a second respond says when the first was, and changes nothing" \
    eval 'status_is 0 && stdout_has "already had its first response"'
allow_ro true
ro_ctl incident close "$ro_id" --resolution "fixed the price"
check "allowed: the read-only profile resolves its incident" \
    eval 'status_is 0 && ro_json "i[\"state\"] == \"resolved\""'
rm -f "$keyfile"

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

ctl --profile demo incident severity SEV2 --reason "only payments fail"
check "incident severity re-grades the open incident, the new target said" \
    eval 'status_is 0 && stdout_has "SEV1 → SEV2" && stdout_has "Respond before"'
ctl --profile demo incident list --json
check "the re-grade is the first response: responded_at set, severity SEV2" \
    eval '/usr/bin/python3 -c "
import json, sys
i = [x for x in json.load(open(sys.argv[1])) if x[\"id\"] == sys.argv[2]][0]
sys.exit(0 if i[\"responded_at\"] and i[\"severity\"] == \"SEV2\" else 1)
" "$out" "$id"'
ctl --profile demo incident severity "$id" SEV1 --reason "the whole site is down after all"
check "incident severity ID SEVn re-grades that incident" eval 'status_is 0 && stdout_has "SEV2 → SEV1"'
ctl --profile demo incident severity SEV5 --reason x
check "an unknown severity is a usage error (exit 2)" eval 'status_is 2 && stderr_has "SEV1, SEV2, SEV3 or SEV4"'
ctl --profile demo incident severity SEV3
check "a re-grade without --reason is refused (exit 2)" eval 'status_is 2 && stderr_has "--reason"'

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
# M10: bare values, which no pattern recognises, are redacted by value too.
ctl --profile demo incident note "$id" "tried $pg_password by hand, then $monitoring_key"
check "a note with bare secret values is added, with no warning (the values were read)" \
    eval 'status_is 0 && ! stderr_has "could not all be read"'
ctl --profile demo incident close "$id" --resolution "PostgreSQL started again (login $pg_password works)"
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
    eval 'grep -q "## Timeline" "$pm" && grep -Eq "SEV1 checklist: [123] of 5 failed \\(.*Database answers SELECT 1" "$pm" && grep -q "### 5. Database answers SELECT 1 — failed" "$pm" && grep -q "PostgreSQL started again" "$pm" && grep -q "to resolve" "$pm"'
leaks=0
for secret in "$monitoring_key" "$pg_password" "$nextauth" "$(env_value REDIS_PASSWORD)" "$(env_value PG_SUPERPASSWORD)"; do
    if grep -qF -- "$secret" "$pm" "$XDG_DATA_HOME"/narcisse-admin/incidents/*.json; then
        leaks=$((leaks + 1))
        echo "# a secret (${#secret} characters) is in: $(grep -lF -- "$secret" "$pm" "$XDG_DATA_HOME"/narcisse-admin/incidents/*.json | xargs -n1 basename | tr '\n' ' ')"
    fi
done
check "no secret of the stack's env file in the postmortem or the incident file" test "$leaks" -eq 0

ctl --profile demo incident export nope --markdown "$tmp/x.md"
check "export of an unknown incident exits 2" eval 'status_is 2 && [[ ! -e $tmp/x.md ]]'

cli_finish
