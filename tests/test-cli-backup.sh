#!/bin/bash
# test-cli-backup.sh: narcisse-ctl backup, restore and restore-test on the local stack.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

. "$SN_STACK_DIR/stack.env"
db() { PGPASSWORD=$PGPASSWORD "$PG_BIN/psql" -XAtq -h 127.0.0.1 -p "$PGPORT" -U snarcisse -d snarcisse -c "$1"; }
fingerprint() {
    local t; for t in Booking Boat Payment User; do
        db "SELECT '$t=' || count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t.id)), '') FROM \"$t\" t"
    done
}
dir=$XDG_DATA_HOME/narcisse-admin/backups/demo

ctl --profile demo backup create --upload
file=$(head -n1 "$out")
check "backup create writes a verified dump and its manifest (exit 0)" \
    eval 'status_is 0 && [[ -f $file && -f $file.manifest.json ]] && stdout_has verified'

ctl --profile demo backup list
check "backup list shows it verified" \
    eval 'status_is 0 && stdout_has "$(basename "$file")" && stdout_has verified'

ctl --profile demo backup list --remote
check "backup list --remote shows it beside the seeded dumps" \
    eval 'status_is 0 && stdout_has "$(basename "$file")" && [[ $(grep -c "\.dump" "$out") -ge 3 ]]'

ctl --profile demo backup verify "$file"
check "backup verify passes on a good dump" eval 'status_is 0 && stdout_has verified'

bad=$dir/sweet_narcisse_20000101_000003.dump
head -c 2000 "$file" > "$bad"; cp "$file.manifest.json" "$bad.manifest.json"
ctl --profile demo backup verify "$bad"
check "backup verify refuses a truncated dump, saying why (exit 2)" \
    eval 'status_is 2 && stderr_has truncated'

before=$(fingerprint)
db "DELETE FROM \"Payment\" WHERE id IN (SELECT id FROM \"Payment\" ORDER BY id LIMIT 3)" >/dev/null
ctl --profile demo restore --from "$file" </dev/null
check "restore without a terminal needs --yes and changes nothing (exit 3)" \
    eval 'status_is 3 && stderr_has -- "--yes" && [[ "$(fingerprint)" != "$before" ]]'

ctl --profile demo restore --from "$bad" --yes </dev/null
check "restore stops at its verify step on a damaged backup, nothing changed (exit 1)" \
    eval 'status_is 1 && { stdout_has truncated || stderr_has truncated; } && stdout_has "as it was before"'

ctl --profile demo restore --from "$file" --yes </dev/null
check "restore --yes brings back exactly the backed-up rows (exit 0)" \
    eval 'status_is 0 && [[ "$(fingerprint)" == "$before" ]] && stdout_has "Report:"'
rm -f "$bad" "$bad.manifest.json"

# Profiles seen through the same stack: "prod" (production, operator) and "ro" (read-only).
make_profile() { # make_profile NAME LEVEL PRODUCTION
    /usr/bin/python3 - "$XDG_CONFIG_HOME/narcisse-admin/profiles/demo.json" "$@" <<'PY'
import json, os, sys
src, name, level, production = sys.argv[1:5]
p = json.load(open(src))
p.update(name=name, production=production == "true", **{"safety-level": level})
json.dump(p, open(os.path.join(os.path.dirname(src), name + ".json"), "w"))
PY
}
make_profile prod operator true
make_profile ro read-only false
app_pid() { cat "$SN_STACK_DIR/app/app.pid"; }
app_up() { [[ $(app_pid) == "$1" ]] && kill -0 "$1" 2>/dev/null; }
# term COMMAND...: runs narcisse-ctl on a terminal (script's pty); output (stdout and
# stderr together) in $out; stdin is what term_input holds (nothing by default).
term_input=
term() {
    local line; line=$(printf '%q ' "$CTL" "$@")
    printf '%s' "$term_input" | script -qec "$line" /dev/null >"$out" 2>"$err"
    rc=$?
    term_input=
}

# H1: on production only what the person typed confirms; --yes never types the name.
db "DELETE FROM \"Payment\" WHERE id IN (SELECT id FROM \"Payment\" ORDER BY id LIMIT 2)" >/dev/null
changed=$(fingerprint)
pid=$(app_pid)
term --profile prod restore --from "$file" --yes
check "on a terminal, restore --yes on production without --confirm is refused (exit 3), nothing changed" \
    eval 'status_is 3 && stdout_has "--confirm prod" && [[ "$(fingerprint)" == "$changed" ]] && app_up "$pid"'

term_input=$'nope\n'
term --profile prod restore --from "$file"
check "on a terminal, a wrong typed name refuses the restore (exit 3), nothing changed" \
    eval 'status_is 3 && stdout_has "Type the profile name" && [[ "$(fingerprint)" == "$changed" ]] && app_up "$pid"'

term --profile prod restore --from "$file" --yes --confirm prod
check "with --confirm prod the restore runs (exit 0) and brings the rows back" \
    eval 'status_is 0 && [[ "$(fingerprint)" == "$before" ]]'

# M1: a read-only profile is refused by core; nothing is made, here or on the host.
ro_dir=$XDG_DATA_HOME/narcisse-admin/backups/ro
stage=$DEPLOY_PATH/backups/narcisse-admin
bucket=$MINIO_DIR/sweet-backups/backups
audit=$XDG_DATA_HOME/narcisse-admin/audit.jsonl
listing() { ls -A "$ro_dir" 2>/dev/null; ls -A "$stage" "$bucket"; }
# Commands the ro profile ran on the host: every one leaves an audit line.
ro_host_lines() {
    /usr/bin/python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    n += e.get("profile") == "ro" and e.get("action") != "runbook.run"
print(n)
' "$audit"
}
nothing_done() {
    [[ "$(listing)" == "$files_before" && $(ro_host_lines) == 0 && "$(fingerprint)" == "$before" ]] &&
        [[ $(db "SELECT count(*) FROM pg_database WHERE datname LIKE 'sn_restore_test_%'") == 0 ]]
}
ctl --profile demo backup create
unsent=$(head -n1 "$out")
files_before=$(listing)

ctl --profile ro backup create
check "read-only: backup create is refused by core with a clear message, nothing made (exit 2)" \
    eval 'status_is 2 && stderr_has "“ro” is read-only" && stderr_has "operator profile" && nothing_done'
ctl --profile ro backup upload "$unsent"
check "read-only: backup upload is refused, nothing sent to the bucket (exit 2)" \
    eval 'status_is 2 && stderr_has "read-only" && [[ ! -e $bucket/$(basename "$unsent") ]] && nothing_done'
ctl --profile ro restore-test --yes
check "read-only: restore-test is refused, no database made (non-zero)" \
    eval '! status_is 0 && { stdout_has "read-only" || stderr_has "read-only"; } && nothing_done &&
          ! grep -q "\"ro\"" "$XDG_DATA_HOME/narcisse-admin/restore-tests.json"'
ctl --profile ro runbook run backup --yes
check "read-only: runbook run backup --yes is refused, nothing made (non-zero)" \
    eval '! status_is 0 && { stdout_has "read-only" || stderr_has "read-only"; } && nothing_done'

ctl --profile demo restore-test --yes
check "restore-test passes (exit 0) and leaves no temporary database" \
    eval 'status_is 0 && stdout_has "passed" && [[ $(db "SELECT count(*) FROM pg_database WHERE datname LIKE '"'"'sn_restore_test_%'"'"'") == 0 ]]'
check "restore-test records its result" \
    eval 'grep -q "\"result\" : \"passed\"" "$XDG_DATA_HOME/narcisse-admin/restore-tests.json"'

touch "$SN_STACK_DIR/state/pg_restore.fail"
ctl --profile demo restore-test --yes
check "a failing restore test exits 2 and still drops its database" \
    eval 'status_is 2 && stdout_has FAILED && [[ $(db "SELECT count(*) FROM pg_database WHERE datname LIKE '"'"'sn_restore_test_%'"'"'") == 0 ]]'

cli_finish
