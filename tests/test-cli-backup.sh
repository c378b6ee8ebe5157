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

ctl --profile demo restore-test
check "restore-test passes (exit 0) and leaves no temporary database" \
    eval 'status_is 0 && stdout_has "passed" && [[ $(db "SELECT count(*) FROM pg_database WHERE datname LIKE '"'"'sn_restore_test_%'"'"'") == 0 ]]'
check "restore-test records its result" \
    eval 'grep -q "\"result\" : \"passed\"" "$XDG_DATA_HOME/narcisse-admin/restore-tests.json"'

touch "$SN_STACK_DIR/state/pg_restore.fail"
ctl --profile demo restore-test
check "a failing restore test exits 2 and still drops its database" \
    eval 'status_is 2 && stdout_has FAILED && [[ $(db "SELECT count(*) FROM pg_database WHERE datname LIKE '"'"'sn_restore_test_%'"'"'") == 0 ]]'

cli_finish
