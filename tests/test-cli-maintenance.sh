#!/bin/bash
# test-cli-maintenance.sh: narcisse-ctl maintenance disk, volume-rm and audit on the local stack
# (docker, journalctl and npm stand-ins over the real sshd).
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later

# shellcheck source=tests/cli-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

set -a; . "$SN_STACK_DIR/stack.env"; set +a
inventory=$SN_STACK_DIR/state/docker-inventory.json
has_volume() { py 'import json, sys
sys.exit(0 if any(v["name"] == sys.argv[2] for v in json.load(open(sys.argv[1]))["volumes"]) else 1)' "$inventory" "$1"; }
inventory_bytes() { py 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(x["size"] for k in ("images", "build_cache", "containers", "volumes") for x in d[k]))' "$inventory"; }
npm_bytes() { if [[ -d $SN_STACK_DIR/ssh/home/.npm/_cacache ]]; then du -sb "$SN_STACK_DIR/ssh/home/.npm/_cacache" | cut -f1; else echo 0; fi; }

profiles=$XDG_CONFIG_HOME/narcisse-admin/profiles
py '
import json, sys
p = json.load(open(sys.argv[1] + "/demo.json"))
json.dump(dict(p, name="maint-ro", **{"safety-level": "read-only"}), open(sys.argv[1] + "/maint-ro.json", "w"), indent=2)
json.dump(dict(p, name="maint-op", **{"safety-level": "operator"}), open(sys.argv[1] + "/maint-op.json", "w"), indent=2)
' "$profiles"

# --- disk: the dry run -------------------------------------------------------------------
ctl --profile maint-op maintenance disk --dry-run
check "disk --dry-run: exit 0" status_is 0
check "disk --dry-run: lists an image it would remove" stdout_has "node:22-bookworm-slim"
check "disk --dry-run: lists the database volume, kept" stdout_has "sweetnarcisse-postgres"
check "disk --dry-run: says what the journal vacuum frees" stdout_has "500M"
check "disk --dry-run: never --volumes" eval '! grep -q -e "--volumes" "$out"'
before=$(inventory_bytes); npm_before=$(npm_bytes); journal_before=$(cat "$SN_STACK_DIR/state/journal")
ctl --profile maint-op maintenance disk --dry-run
check "disk --dry-run: Docker unchanged" [ "$(inventory_bytes)" = "$before" ]
check "disk --dry-run: npm cache unchanged" [ "$(npm_bytes)" = "$npm_before" ]
check "disk --dry-run: journal unchanged" [ "$(cat "$SN_STACK_DIR/state/journal")" = "$journal_before" ]

ctl --profile maint-op maintenance disk --dry-run --journal-size 10M
check "disk: a journal size under 50M is refused (usage, exit 2)" status_is 2

# --- disk: refused for the direction, then done ------------------------------------------
ctl --profile maint-ro maintenance disk --yes
check "disk --yes: read-only profile refused (exit 3)" status_is 3
check "disk --yes: read-only changed nothing" [ "$(inventory_bytes)" = "$before" ]

"$SN_STACK_SCRIPT" stop postgres >/dev/null
ctl --profile maint-op maintenance disk --yes
check "disk --yes: exit 0" status_is 0
check "disk --yes: the database volume is still there, db stopped" has_volume sweetnarcisse-postgres
freed=$(grep -o 'Freed in all: .*(\([0-9]*\) bytes)' "$out" | grep -o '([0-9]*' | tr -d '(')
docker_freed=$(( before - $(inventory_bytes) ))
check "disk --yes: reports the bytes freed, at least Docker's change" eval '[[ -n "$freed" && $freed -ge $docker_freed && $docker_freed -gt 0 ]]'
check "disk --yes: the npm cache is empty" [ "$(npm_bytes)" = 0 ]
"$SN_STACK_SCRIPT" start postgres >/dev/null

# --- volume-rm: the typed name ------------------------------------------------------------
ctl --profile demo maintenance volume-rm sweet-minio-data --yes
check "volume-rm without --typed: refused" eval '! status_is 0'
check "volume-rm without --typed: the volume stays" has_volume sweet-minio-data
ctl --profile demo maintenance volume-rm sweet-minio-data --typed sweet-minio --yes
check "volume-rm with a wrong name: refused, the volume stays" eval '! status_is 0 && has_volume sweet-minio-data'
ctl --profile maint-op maintenance volume-rm sweet-minio-data --typed sweet-minio-data --yes
check "volume-rm of a data volume as an operator: refused" eval '! status_is 0 && has_volume sweet-minio-data'

# --- audit --------------------------------------------------------------------------------
ctl --profile maint-ro maintenance audit
check "audit: exit 1 when high or critical (read-only may read)" status_is 1
check "audit: the critical advisory of next" stdout_has "Authorization Bypass in Next.js Middleware"
check "audit: totals" stdout_has "2 critical"
ctl --profile demo maintenance audit --json
check "audit --json: npm's figures" eval 'status_is 1 && py "
import json, sys
d = json.load(open(sys.argv[1]))
v = {x[\"package\"]: x for x in d[\"vulnerabilities\"]}
ok = d[\"totals\"][\"critical\"] == 2 and d[\"totals\"][\"total\"] == 6 and d[\"dependencies\"] == 994
ok = ok and v[\"next\"][\"direct\"] and not v[\"cookie\"][\"direct\"] and v[\"next\"][\"fix\"] == \"next@15.5.2\"
ok = ok and d[\"vulnerabilities\"][0][\"severity\"] == \"critical\"
sys.exit(0 if ok else 1)
" "$out"'
cat > "$SN_STACK_DIR/state/npm-audit.json" <<'JSON'
{"auditReportVersion": 2, "vulnerabilities": {}, "metadata": {"vulnerabilities": {"info": 0, "low": 0, "moderate": 0, "high": 0, "critical": 0, "total": 0}, "dependencies": {"prod": 531, "dev": 388, "optional": 74, "peer": 3, "peerOptional": 0, "total": 994}}}
JSON
ctl --profile demo maintenance audit
check "audit: exit 0 when nothing is found" eval 'status_is 0 && stdout_has "No known vulnerability"'
echo '{"error": {"code": "ENOLOCK", "summary": "This command requires an existing lockfile.", "detail": "Try creating one first with: npm i --package-lock-only"}}' > "$SN_STACK_DIR/state/npm-audit.json"
ctl --profile demo maintenance audit
check "audit: npm's own error is an error (exit 2) that says why" eval 'status_is 2 && stderr_has "lockfile"'
rm -f "$SN_STACK_DIR/state/npm-audit.json"

# --- jobs ---------------------------------------------------------------------------------
ctl --profile maint-ro maintenance jobs
check "jobs: exit 1, the secret rotation's last run failed" status_is 1
check "jobs: the backup timer and the cron backup" eval 'stdout_has db-backup.timer && stdout_has backup-db.sh'
check "jobs: the restore test never ran" stdout_has "Never ran"
ctl --profile demo maintenance jobs --json
check "jobs --json: six jobs, kinds and sources" eval 'status_is 1 && py "
import json, sys
d = json.load(open(sys.argv[1]))
kinds = sorted((j[\"source\"], j[\"kind\"]) for j in d)
sys.exit(0 if len(d) == 6 and (\"systemd\", \"secret-rotation\") in kinds and (\"cron\", \"backup\") in kinds else 1)
" "$out"'

# --- audit --fix: npm audit fix in the host checkout, as a runbook ---------------------------
lock=$DEPLOY_PATH/package-lock.json pkg=$DEPLOY_PATH/package.json
app_healthy() { [[ $(curl -s -o /dev/null -w '%{http_code}' "$APP_URL/api/health") == 200 ]]; }
printf '{\n  "name": "sweet-narcisse",\n  "lockfileVersion": 3,\n  "requires": true\n}\n' >"$lock"
cp -p "$lock" "$tmp/lock.orig"; cp -p "$pkg" "$tmp/pkg.orig"
files_unchanged() { cmp -s "$lock" "$tmp/lock.orig" && cmp -s "$pkg" "$tmp/pkg.orig"; }
no_backup() { ! compgen -G "$DEPLOY_PATH/package*.json.*.bak" >/dev/null; }
ctl --profile maint-op maintenance audit --fix --dry-run
check "audit --fix --dry-run: exit 0, the plan names npm audit fix and the rebuild" \
    eval 'status_is 0 && stdout_has "npm audit fix" && stdout_has "up -d --build app"'
check "audit --fix --dry-run: never --force" eval '! grep -q -e "audit fix --force" "$out"'
check "audit --fix --dry-run: changed nothing, no backup" eval 'files_unchanged && no_backup'

ctl --profile maint-ro maintenance audit --fix --yes
check "audit --fix: read-only profile refused (exit 3), nothing changed" \
    eval 'status_is 3 && files_unchanged && no_backup'

touch "$SN_STACK_DIR/state/compose-up-app.fail"
ctl --profile maint-op maintenance audit --fix --yes
check "audit --fix, failing rebuild: failed and reverted (exit 1)" status_is 1
check "audit --fix, failing rebuild: both files back byte for byte" files_unchanged
check "audit --fix, failing rebuild: the app was rebuilt and is healthy" app_healthy
check "audit --fix, failing rebuild: the fix had run (6 before, 2 after) before the revert" \
    eval 'stdout_has "Vulnerabilities: 6 before, 2 after" && compgen -G "$DEPLOY_PATH/package-lock.json.*.bak" >/dev/null'
rm -f "$DEPLOY_PATH"/package*.json.*.bak
sleep 1

ctl --profile maint-op maintenance audit --fix --yes
check "audit --fix: exit 0" status_is 0
check "audit --fix: reports the findings before and after" stdout_has "Vulnerabilities: 6 before, 2 after"
check "audit --fix: the lock file changed, package.json kept" eval '! cmp -s "$lock" "$tmp/lock.orig"'
check "audit --fix: both files backed up, byte for byte" eval '
    cmp -s "$tmp/lock.orig" $DEPLOY_PATH/package-lock.json.*.bak && cmp -s "$tmp/pkg.orig" $DEPLOY_PATH/package.json.*.bak'
check "audit --fix: the app is healthy" app_healthy
ctl --profile demo maintenance audit --json
check "audit after the fix: the app reports fewer findings" eval 'py "
import json, sys
sys.exit(0 if json.load(open(sys.argv[1]))[\"totals\"][\"total\"] == 2 else 1)
" "$out"'
ctl --profile maint-op maintenance audit --fix --json
check "audit --fix --json: usage error (exit 2)" status_is 2

# --- the runbook's Prisma update (§6.1): npm update @prisma/client prisma, rebuild, verify ----
rm -f "$DEPLOY_PATH"/package*.json.*.bak
cp -p "$lock" "$tmp/lock.orig"; cp -p "$pkg" "$tmp/pkg.orig"
prisma_in_lock() { py "
import json, sys
p = json.load(open(sys.argv[1])).get(\"packages\", {})
sys.exit(0 if p.get(\"node_modules/prisma\", {}).get(\"version\") == \"5.22.0\" else 1)
" "$lock"; }
ctl --profile maint-op runbook run prisma-update --dry-run
check "prisma-update --dry-run: the plan names npm update and the rebuild, nothing changed" \
    eval 'status_is 0 && stdout_has "npm update @prisma/client prisma" && stdout_has "up -d --build app" && files_unchanged && no_backup'
ctl --profile maint-ro runbook run prisma-update --yes
check "prisma-update: read-only profile refused (exit 3), nothing changed" \
    eval 'status_is 3 && files_unchanged && no_backup'
touch "$SN_STACK_DIR/state/compose-up-app.fail"
ctl --profile maint-op runbook run prisma-update --yes
check "prisma-update, failing rebuild: reverted, both files back byte for byte, the app healthy" \
    eval '[[ $rc -ne 0 ]] && files_unchanged && app_healthy'
rm -f "$DEPLOY_PATH"/package*.json.*.bak
sleep 1
ctl --profile maint-op runbook run prisma-update --yes
check "prisma-update: exit 0, Prisma 5.22.0 in the lock file, the app healthy" \
    eval 'status_is 0 && prisma_in_lock && app_healthy'
check "prisma-update: both files backed up, byte for byte" eval '
    cmp -s "$tmp/lock.orig" $DEPLOY_PATH/package-lock.json.*.bak && cmp -s "$tmp/pkg.orig" $DEPLOY_PATH/package.json.*.bak'

cli_finish
