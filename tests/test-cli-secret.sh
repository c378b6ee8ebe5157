#!/bin/bash
# test-cli-secret.sh: narcisse-ctl secret status|rotate on the local stack: the rotation end to end
# (the new secret live in the fake app, backups mode 600 and six kept, no value anywhere it must not
# be), a failing recreate (the previous file back, the app healthy with it), a write failure (the env
# file byte for byte as it was), and the refusals (read-only profile, production without the name).
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later

# shellcheck source=tests/cli-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

set -a; . "$SN_STACK_DIR/stack.env"; set +a
ENV_FILE=$DEPLOY_PATH/.env.production.local
value_of() { sed -n 's/^NEXTAUTH_SECRET=//p' "$1" | tail -n 1; }
app_value() { value_of "$SN_STACK_DIR/app/app.env"; }
backups() { find "$DEPLOY_PATH" -maxdepth 1 -name '.env.production.local.*Z.bak' | LC_ALL=C sort; }
n_backups() { backups | wc -l; }
app_healthy() { [[ $(curl -s -o /dev/null -w '%{http_code}' "$APP_URL/api/health") == 200 ]]; }
same_file() { cmp -s "$1" "$2"; }
no_temp_left() { ! find "$DEPLOY_PATH" -maxdepth 1 \( -name '*.sn-*.tmp' -o -name '*.sn-restore.*' \) | grep -q .; }
# Nothing the app keeps (audit log, reports, incidents, config) nor the host's logs holds @1.
absent_everywhere() {
    ! grep -rqF -- "$1" "$HOME" "$SN_STACK_DIR/ssh" "$SN_STACK_DIR/state" "$APP_LOG" "$out" "$err"
}

profiles=$XDG_CONFIG_HOME/narcisse-admin/profiles
py '
import json, sys
d = sys.argv[1]
p = json.load(open(d + "/demo.json"))
json.dump(dict(p, name="secret-ro", **{"safety-level": "read-only"}), open(d + "/secret-ro.json", "w"), indent=2)
json.dump(dict(p, name="secret-prod", production=True, **{"safety-level": "operator"}),
          open(d + "/secret-prod.json", "w"), indent=2)
' "$profiles"

old=$(value_of "$ENV_FILE")
cp -p "$ENV_FILE" "$tmp/env.before"

# --- status and plan -------------------------------------------------------------------
ctl --profile demo secret status --json
check "secret status: the file's fingerprint is the SHA-256 of its value, and the app runs it" py '
import hashlib, json, sys
d = json.load(open(sys.argv[1]))
fp = hashlib.sha256(sys.argv[2].encode()).hexdigest()[:8]
sys.exit(0 if d["file_fingerprint"] == fp and d["container_fingerprint"] == fp and d["in_sync"]
         and d["last_rotation"] is None and d["backups"] == 0 else 1)
' "$out" "$old"

ctl --profile demo secret rotate --dry-run
check "secret rotate --dry-run: exit 0" status_is 0
check "the plan says who is logged out, which links die, and the mobile re-login" \
    bash -c "grep -q 'Everyone is logged out' '$out' && grep -q 'cancel link and QR code' '$out' && grep -q 'mobile app' '$out'"
check "the plan says when the secret was last rotated" stdout_has 'Last rotation: no rotation on record'
check "the plan shows the commands that run: the recreate with the env file, not a restart" \
    bash -c "grep -q 'exec -T app env' '$out' && grep -q 'env-file .env.production.local up -d app' '$out' && ! grep -q 'restart app' '$out'"
check "a dry run changes nothing" bash -c "cmp -s '$tmp/env.before' '$ENV_FILE' && [ \$(find '$DEPLOY_PATH' -maxdepth 1 -name '*.bak' | wc -l) -eq 0 ]"

# --- refusals ----------------------------------------------------------------------------
ctl --profile secret-ro secret rotate --yes
check "read-only profile: refused (exit 3), before anything ran" bash -c "[ $rc -eq 3 ] && grep -q 'read-only' '$err'"
check "read-only profile: the env file is untouched and no backup made" \
    bash -c "cmp -s '$tmp/env.before' '$ENV_FILE' && [ \$(find '$DEPLOY_PATH' -maxdepth 1 -name '*.bak' | wc -l) -eq 0 ]"

ctl --profile secret-prod secret rotate --yes
check "production without the typed name: refused (exit 3)" status_is 3
ctl --profile secret-prod secret rotate --yes --confirm demo
check "production with another profile's name: refused (exit 3)" status_is 3
check "production refusals: the env file is untouched" same_file "$tmp/env.before" "$ENV_FILE"

# --- the rotation, end to end ------------------------------------------------------------
# Six older backups: after the rotation the newest six are kept, so the oldest goes.
for d in 01 02 03 04 05 06; do
    printf 'NEXTAUTH_SECRET=seeded-%s\n' "$d" > "$DEPLOY_PATH/.env.production.local.202601${d}T030000Z.bak"
    chmod 600 "$DEPLOY_PATH/.env.production.local.202601${d}T030000Z.bak"
done
app_pid=$(cat "$SN_STACK_DIR/app/app.pid")
# An open incident on the profile: the run goes into its timeline, which must hold no value either.
ctl --profile secret-prod incident declare --title "Planned rotation of the login secret" --severity SEV4 \
    --users few --reason "planned maintenance"
incident_id=$(sed -n 's/^Declared \([0-9a-f-]*\) (SEV4).*/\1/p' "$out")
check "an incident is open on the profile" [ -n "$incident_id" ]
# Every command line on this machine during the rotation, as `ps` shows it.
( while :; do ps -eo args= >>"$tmp/ps.log" 2>/dev/null; sleep 0.02; done ) &
sampler=$!
cli_cleanup_hook="kill $sampler 2>/dev/null"
ctl --profile secret-prod secret rotate --yes --confirm secret-prod
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
cli_cleanup_hook=:
new=$(value_of "$ENV_FILE")
check "rotate: exit 0" status_is 0
check "the new value is 48 bytes of base64, and not the old one" py '
import base64, sys
sys.exit(0 if len(base64.b64decode(sys.argv[1], validate=True)) == 48 and sys.argv[1] != sys.argv[2] else 1)
' "$new" "$old"
check "the app container was recreated (a new process)" [ "$(cat "$SN_STACK_DIR/app/app.pid")" != "$app_pid" ]
check "the new secret is live in the app" [ "$(app_value)" == "$new" ]
check "the site answers" app_healthy
check "the env file kept its mode 600" [ "$(stat -c %a "$ENV_FILE")" == 600 ]
check "only the NEXTAUTH_SECRET line changed" \
    bash -c "diff <(grep -v '^NEXTAUTH_SECRET=' '$tmp/env.before') <(grep -v '^NEXTAUTH_SECRET=' '$ENV_FILE') >/dev/null"
newest=$(backups | tail -n 1)
check "the newest backup is the previous file, byte for byte, mode 600" \
    bash -c "cmp -s '$tmp/env.before' '$newest' && [ \$(stat -c %a '$newest') == 600 ]"
check "six backups kept: the oldest one removed" \
    bash -c "[ $(n_backups) -eq 6 ] && [ ! -e '$DEPLOY_PATH/.env.production.local.20260101T030000Z.bak' ]"
check "the output gives the fingerprints, old and new" \
    stdout_has "fingerprint $(printf %s "$old" | sha256sum | cut -c1-8) → $(printf %s "$new" | sha256sum | cut -c1-8)"
check "no temporary file left" no_temp_left
check "the audit log records the rotation with fingerprints" \
    grep -q '"action":"maintenance.secret.rotate".*rotated: fingerprint' "$XDG_DATA_HOME/narcisse-admin/audit.jsonl"
check "the old value is nowhere: audit log, reports, app data, sshd and docker logs, app log" absent_everywhere "$old"
check "the new value is nowhere either" absent_everywhere "$new"
check "neither value was ever on a command line (ps samples)" \
    bash -c "[ -s '$tmp/ps.log' ] && ! grep -qF -- '$old' '$tmp/ps.log' && ! grep -qF -- '$new' '$tmp/ps.log'"

ctl --profile secret-prod incident export "$incident_id" --markdown "$tmp/postmortem.md"
check "the incident's timeline has the rotation run, and neither value" \
    bash -c "grep -q 'secret-rotate\\|Rotate the login secret' '$tmp/postmortem.md' && ! grep -qF -- '$new' '$tmp/postmortem.md' && ! grep -qF -- '$old' '$tmp/postmortem.md'"

ctl --profile demo secret status
check "secret status: last rotation from the newest backup, the app in sync" \
    bash -c "grep -q 'Last rotation:  0 minutes ago (backup .*Z.bak)' '$out' && grep -q 'the same as the file' '$out'"

# --- a plain restart keeps the old environment (target-system §8): the status says so ----------
cp -p "$ENV_FILE" "$tmp/env.rotated"
sed -i 's/^NEXTAUTH_SECRET=.*/NEXTAUTH_SECRET=edited-by-hand/' "$ENV_FILE"
(cd "$DEPLOY_PATH" && "$FAKEHOST_BIN/docker" compose --env-file .env.production.local restart app) >/dev/null 2>&1
ctl --profile demo secret status
check "after a plain restart the app still runs the previous secret, and secret status says so (exit 1)" \
    bash -c "[ $rc -eq 1 ] && grep -q 'NOT the file' '$out' && [ \"\$(sed -n 's/^NEXTAUTH_SECRET=//p' '$SN_STACK_DIR/app/app.env')\" == '$new' ]"
cp -p "$tmp/env.rotated" "$ENV_FILE"

# --- a recreate that fails: the previous file comes back -----------------------------------
cp -p "$ENV_FILE" "$tmp/env.before2"
before_backups=$(backups)
touch "$SN_STACK_DIR/state/compose-up-app.fail"
ctl --profile demo secret rotate --yes
check "failing recreate: the run fails" bash -c "[ $rc -ne 0 ] && [ ! -e '$SN_STACK_DIR/state/compose-up-app.fail' ]"
check "failing recreate: it says the previous file was put back and verified" stdout_has "previous env file was put back"
check "failing recreate: the env file is the previous one, byte for byte" same_file "$tmp/env.before2" "$ENV_FILE"
check "failing recreate: the app runs again, with the previous secret" \
    bash -c "[ \"\$(sed -n 's/^NEXTAUTH_SECRET=//p' '$SN_STACK_DIR/app/app.env')\" == '$new' ]"
check "failing recreate: the site answers" app_healthy
check "failing recreate: no backup left behind (the file did not change)" [ "$(backups)" == "$before_backups" ]
check "failing recreate: no temporary file left" no_temp_left

# --- a write that fails: nothing changes ----------------------------------------------------
if chattr +i "$ENV_FILE" 2>/dev/null; then
    ctl --profile demo secret rotate --yes
    chattr -i "$ENV_FILE"
    check "immutable env file: the run fails and says nothing changed" \
        bash -c "[ $rc -ne 0 ] && grep -q 'nothing changed on the server' '$out'"
    check "immutable env file: byte for byte as before" same_file "$tmp/env.before2" "$ENV_FILE"
    check "immutable env file: no backup, no copy, no temporary file left" \
        bash -c "[ \"\$(find '$DEPLOY_PATH' -maxdepth 1 -name '.env.production.local.*' | LC_ALL=C sort)\" == '$before_backups' ]"
    check "immutable env file: the app still runs the same secret" [ "$(app_value)" == "$new" ]
else
    echo "# SKIP immutable env file: chattr +i is not available on this filesystem"
fi

if mount --bind "$DEPLOY_PATH" "$DEPLOY_PATH" 2>/dev/null && mount -o remount,bind,ro "$DEPLOY_PATH" 2>/dev/null; then
    ctl --profile demo secret rotate --yes
    umount "$DEPLOY_PATH"
    check "read-only deploy directory: the run fails and says nothing changed" \
        bash -c "[ $rc -ne 0 ] && grep -q 'nothing changed on the server' '$out'"
    check "read-only deploy directory: the env file byte for byte as before" same_file "$tmp/env.before2" "$ENV_FILE"
else
    umount "$DEPLOY_PATH" 2>/dev/null
    echo "# SKIP read-only deploy directory: no bind mount here"
fi

# --- the host's backups gone: the audit log of this computer still dates the rotation ---------
find "$DEPLOY_PATH" -maxdepth 1 -name '.env.production.local.*Z.bak' -delete
ctl --profile secret-prod secret status
check "without backups, the last rotation comes from this computer's audit log" \
    stdout_has 'Last rotation:  0 minutes ago (the audit log of this computer)'

# --- secret steps: the other critical secrets, by hand ------------------------------------------
ctl secret steps
check "steps: exit 0, without a profile or the server" status_is 0
check "steps: the database password with DATABASE_URL" stdout_has "POSTGRES_PASSWORD (changes with DATABASE_URL)"
check "steps: Stripe's dashboard, the env file and the recreate" eval \
    'stdout_has "Stripe Dashboard" && stdout_has ".env.production.local up -d app"'
ctl secret steps --json
check "steps --json: every critical secret, only NEXTAUTH_SECRET automated, each with steps" eval 'py "
import json, sys
d = {x[\"variable\"]: x for x in json.load(open(sys.argv[1]))}
names = set(d) | {a for x in d.values() for a in x[\"also\"]}
need = {\"NEXTAUTH_SECRET\", \"DATABASE_URL\", \"POSTGRES_PASSWORD\", \"STRIPE_SECRET_KEY\", \"STRIPE_WEBHOOK_SECRET\",
        \"SMTP_PASS\", \"STORAGE_SECRET_KEY\", \"MONITORING_API_KEY\"}
ok = need <= names and [k for k, x in d.items() if x[\"automated\"]] == [\"NEXTAUTH_SECRET\"]
ok = ok and all(len(x[\"steps\"]) >= 2 and x[\"why\"] for x in d.values())
sys.exit(0 if ok else 1)
" "$out"'
ctl secret steps extra
check "steps: an argument is a usage error (exit 2)" status_is 2

cli_finish
