#!/bin/bash
# test-cli-deploy.sh: narcisse-ctl deploy status|tags|changelog|runs|release|manual|rollback
# and release create, on the local stack (the GitHub stand-in deploys a created tag).
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

. "$SN_STACK_DIR/stack.env"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
head_commit() { git -C "$DEPLOY_PATH" rev-parse HEAD; }
tag_commit() { git -C "$DEPLOY_PATH" rev-parse "$1^{commit}"; }
site_version() { curl -s -H "X-API-Key: $MONITORING_KEY" "$APP_URL/api/health" | py 'import json,sys; print(json.load(sys.stdin)["version"])'; }
# push_commit SUBJECT VERSION [broken]: a developer's new commit on GitHub's master; "broken": the
# app of that commit exits at start (the fake app's crash-on-start)
push_commit() {
    local d; d=$(mktemp -d "$tmp/dev.XXXXXX")
    git clone -q "$GITHUB_REPO_DIR" "$d/w" &&
    sed -i "s/\"version\": \"[^\"]*\"/\"version\": \"$2\"/" "$d/w/package.json" &&
    if [[ ${3:-} == broken ]]; then mkdir -p "$d/w/src" && touch "$d/w/src/crash-on-start"; else rm -f "$d/w/src/crash-on-start"; fi &&
    git -C "$d/w" add -A &&
    git -C "$d/w" -c user.name=Dev -c user.email=dev@sweet-narcisse.fr commit -q -m "$1" &&
    git -C "$d/w" push -q origin master
}

ctl --profile demo deploy status
check "deploy status shows the tag, the site's version and the image age; on a branch it warns (exit 1)" \
    eval 'status_is 1 && stdout_has "v1.0.6" && stdout_has "version 1.0.6" && stdout_has "built .* ago" &&
          stdout_has "git pull origin master"'

ctl --profile demo deploy tags
check "deploy tags lists the tags newest first with date and subject, marks the deployed one" \
    eval 'status_is 0 && [[ $(sed -n 1p "$out") == "* v1.0.6 "*"2026-01-02 16:40"*"release: v1.0.6" ]] &&
          [[ $(grep -c "^  v1\.0\." "$out") == 6 ]] && stdout_has "Next release: v1.0.7 (fix), v1.1.0 (feature), v2.0.0"'

ctl --profile demo deploy changelog v1.0.3
check "deploy changelog to an older tag shows what a rollback removes" \
    eval 'status_is 0 && stdout_has "removes" && [[ $(grep -c "release: v1\.0\.[456]" "$out") == 3 ]] &&
          ! stdout_has "release: v1.0.3"'

ctl --profile demo deploy changelog v1.0.4 v1.0.5
check "deploy changelog FROM TO lists the commits in between" \
    eval 'status_is 0 && [[ $(grep -c "release: " "$out") == 1 ]] && stdout_has "release: v1.0.5"'

ctl --profile demo deploy runs --limit 3
check "deploy runs lists the workflow's runs from GitHub, newest first" \
    eval 'status_is 0 && [[ $(wc -l <"$out") == 3 ]] && [[ $(sed -n 1p "$out") == "v1.0.6 "*Succeeded*"github.com"* ]]'

ctl --profile demo deploy release v1.0 --yes
check "a malformed tag is refused before anything runs (exit 3)" \
    eval 'status_is 3 && stderr_has "vMAJOR.MINOR.PATCH"'

before=$(head_commit)
ctl --profile demo deploy release v1.0.6 --yes
check "an existing tag is refused, nothing deployed" \
    eval '! status_is 0 && { stdout_has "already exists" || stderr_has "already exists"; } && [[ $(head_commit) == "$before" ]]'

ctl --profile demo release create v1.0.7 --dry-run
check "release create --dry-run shows the API call and changes nothing" \
    eval 'status_is 0 && stdout_has "git/refs" && stdout_has "refs/tags/v1.0.7" && [[ $(head_commit) == "$before" ]]'

push_commit "feat: private bookings" 1.0.7
ctl --profile demo release create v1.0.7 --yes
check "release create tags on GitHub, follows the run to success, and the site runs it (exit 0)" \
    eval 'status_is 0 && stdout_has "Health check: success" && [[ $(site_version) == 1.0.7 ]] &&
          [[ $(head_commit) == "$(tag_commit v1.0.7)" ]]'

ctl --profile demo deploy runs --limit 1
check "the new run is listed first" eval 'status_is 0 && [[ $(sed -n 1p "$out") == "v1.0.7 "*Succeeded* ]]'

ctl --profile demo deploy manual v1.0.5 --dry-run
check "deploy manual --dry-run shows the workflow's sequence, not the runbook's pull" \
    eval 'status_is 0 && stdout_has "checkout --quiet tags/v1.0.5" && stdout_has "up -d --build app" &&
          stdout_has "prisma migrate deploy" && ! stdout_has "compose --env-file[^ ]* [^ ]* pull" &&
          stdout_has "does not work on this server" && [[ $(site_version) == 1.0.7 ]]'

ctl --profile demo deploy manual v1.0.5 --yes
check "deploy manual deploys the tag by hand (exit 0)" \
    eval 'status_is 0 && [[ $(site_version) == 1.0.5 ]] && [[ $(head_commit) == "$(tag_commit v1.0.5)" ]]'

ctl --profile demo deploy rollback --yes
check "deploy rollback goes back to the tag before the deployed one (exit 0)" \
    eval 'status_is 0 && [[ $(site_version) == 1.0.4 ]] && stdout_has "newer migration"'

ctl --profile demo runbook run rollback --param tag=v1.0.3 --yes
check "runbook run rollback --param tag= is the same procedure" \
    eval 'status_is 0 && [[ $(site_version) == 1.0.3 ]]'

# An open incident: every deploy, rollback and release goes into its timeline, with its tag.
ctl --profile demo incident declare --title "Bookings fail since this morning" --severity SEV2 --reason "payments refused"
check "an incident is declared on demo" status_is 0
incident_id=$(ctl incident list --json >/dev/null; py 'import json,sys; print([i["id"] for i in json.load(open(sys.argv[1])) if i["state"] == "open"][0])' "$out")
timeline_has() { # timeline_has TEXT: the open incident's timeline, as exported, says TEXT
    local md=$tmp/incident.md
    rm -f "$md"
    "$CTL" incident export "$incident_id" --markdown "$md" >/dev/null 2>&1 && grep -qF -- "$1" "$md"
}
# and the app's image has no prisma CLI: the migrations run in the workflow's node:22 fallback
touch "$SN_STACK_DIR/state/app-no-prisma"
ctl --profile demo deploy manual v1.0.4 --yes
rm -f "$SN_STACK_DIR/state/app-no-prisma"
check "a manual deploy during the incident lands in its timeline, with its tag and result" \
    eval 'status_is 0 && stdout_has "Added to incident" && timeline_has "Deploy a version by hand (tag=v1.0.4) — Succeeded"'
check "when prisma cannot run in the app container, the deploy's migrations run in a throw-away node:22 container" \
    eval 'stdout_has "prisma cannot run in the app container" && stdout_has "No pending migrations to apply" &&
          [[ $(site_version) == 1.0.4 ]]'
ctl --profile demo deploy rollback v1.0.3 --yes
check "so does the rollback" \
    eval 'status_is 0 && timeline_has "Roll back to an earlier version (tag=v1.0.3) — Succeeded" && [[ $(site_version) == 1.0.3 ]]'

# A release whose deploy run fails: the server is left on the broken tag; the exact rollback command is
# printed, and runs; with --rollback-on-failure it runs by itself.
push_commit "feat: gift cards" 1.0.10 broken
ctl --profile demo release create v1.0.10 --yes
check "a release whose run fails says so, names the previous tag's rollback command, and is in the timeline" \
    eval '! status_is 0 && stdout_has "narcisse-ctl --profile demo deploy rollback v1.0.3" &&
          ! curl -sf -o /dev/null "$APP_URL/api/health" &&
          timeline_has "Release a new version (tag=v1.0.10) — Failed"'
rollback_command=$(grep -o "narcisse-ctl --profile demo deploy rollback v1\.0\.3" "$out")
# shellcheck disable=SC2086
ctl ${rollback_command#narcisse-ctl } --yes
check "the offered rollback brings the previous version back" \
    eval 'status_is 0 && [[ $(site_version) == 1.0.3 ]] && [[ $(head_commit) == "$(tag_commit v1.0.3)" ]]'

push_commit "feat: gift cards, take two" 1.0.11 broken
ctl --profile demo release create v1.0.11 --yes --rollback-on-failure
check "release create --rollback-on-failure rolls back by itself after a failed run (exit not 0)" \
    eval '! status_is 0 && stdout_has "Rolling back to v1.0.3" && stdout_has "Rolled back" &&
          [[ $(site_version) == 1.0.3 ]] && [[ $(head_commit) == "$(tag_commit v1.0.3)" ]]'

ctl --profile demo deploy migrations
check "deploy migrations lists the 25 applied migrations (exit 0)" \
    eval 'status_is 0 && [[ $(grep -c " applied " "$out") == 25 ]]'

db() { PGPASSWORD=$PGPASSWORD "$PG_BIN/psql" -XAtq -h 127.0.0.1 -p "$PGPORT" -U snarcisse -d snarcisse -c "$1"; }
# The demo's failed migration (tools/demo seeds it; the tests' stack has none).
stack seed-demo
ctl --profile demo deploy migrations
check "the demo's seeded failed migration shows with its log (exit 1)" \
    eval 'status_is 1 && stdout_has "20260110090000_add_booking_notes *FAILED" && stdout_has 42703 &&
          [[ $(db "SELECT count(*) FROM information_schema.columns WHERE column_name = '"'"'notes'"'"'") == 1 ]]'
ctl --profile demo deploy manual v1.0.4 --yes
check "it blocks the migrations of every deploy (P3009): the deploy fails and puts the previous version back" \
    eval 'status_is 1 && stderr_has P3009 && stdout_has "add_booking_notes. migration failed" && [[ $(site_version) == 1.0.3 ]]'

ctl --profile demo runbook run migration-rollback --param name=20260102142804_booking_private_fields \
    --param sql='SELECT 1' --reason "cleaning up after the failed deploy" --yes
check "migration-rollback refuses a migration that did not fail, nothing changed" \
    eval '! status_is 0 && { stdout_has "did not fail" || stderr_has "did not fail"; } &&
          [[ $(db "SELECT count(*) FROM \"_prisma_migrations\" WHERE rolled_back_at IS NOT NULL") == 0 ]]'

ctl --profile demo runbook run migration-rollback --param name=20260110090000_add_booking_notes \
    --param sql='ALTER TABLE "Booking" DROP COLUMN "notes";' --reason "cleaning up after the failed deploy" --yes
check "migration-rollback runs the inverse SQL and marks the failed migration rolled back (exit 0)" \
    eval 'status_is 0 && [[ $(db "SELECT count(*) FROM information_schema.columns WHERE column_name = '"'"'notes'"'"'") == 0 ]] &&
          [[ $(db "SELECT count(*) FROM \"_prisma_migrations\" WHERE rolled_back_at IS NOT NULL") == 1 ]]'

# The read-only profile: refused by core, nothing changes.
/usr/bin/python3 - "$XDG_CONFIG_HOME/narcisse-admin/profiles/demo.json" <<'PY'
import json, os, sys
p = json.load(open(sys.argv[1]))
p.update(name="ro", **{"safety-level": "read-only"})
json.dump(p, open(os.path.join(os.path.dirname(sys.argv[1]), "ro.json"), "w"))
PY
before=$(head_commit)
ctl --profile ro deploy manual v1.0.6 --yes
check "a read-only profile cannot deploy (exit 3), nothing changed" \
    eval 'status_is 3 && [[ $(head_commit) == "$before" ]] && [[ $(site_version) == 1.0.3 ]]'

ctl --profile ro release create v1.0.8 --yes
check "a read-only profile cannot create a release (exit 3)" \
    eval 'status_is 3 && [[ -z $(git -C "$GITHUB_REPO_DIR" tag -l v1.0.8) ]]'

ctl --profile ro deploy status
check "a read-only profile still sees the status" eval 'stdout_has "v1.0.3" && stdout_has "version 1.0.3"'

cli_finish
