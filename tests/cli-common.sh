# cli-common.sh: what the narcisse-ctl tests share. Source it first.
#
# Starts the local stack of real servers in a private HOME, gives ctl/check/ok/not_ok
# helpers that print TAP lines, and stops the stack on exit. Call cli_finish last.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash

: "${SN_STACK_SCRIPT:?SN_STACK_SCRIPT must point at tests/stack/stack}"
: "${SN_BUILD_DIR:?SN_BUILD_DIR must point at the build directory}"
export SN_LOOPBACK_ONLY=${SN_LOOPBACK_ONLY:-1}

CTL=$SN_BUILD_DIR/src/cli/narcisse-ctl
[[ -x $CTL ]] || { echo "Bail out! $CTL is not built"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sn-test-cli.XXXXXX")
chmod 0711 "$tmp"   # PostgreSQL (user postgres) keeps its data inside, removed with the rest
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_DATA_HOME=$tmp/home/.local/share
export SN_STACK_DIR=$tmp/stack
# No session bus: the keyring is absent, the profile's credentials file is what counts.
# No agent of the developer's either: the profile's key is what logs in.
unset DBUS_SESSION_BUS_ADDRESS SSH_AUTH_SOCK
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"

# A test may add its own clean-up (a background process to stop) here.
cli_cleanup_hook=:
cleanup() {
    $cli_cleanup_hook
    "$SN_STACK_SCRIPT" down >>"$tmp/stack.log" 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

n=0
failed=0
out=$tmp/out
err=$tmp/err
rc=0

ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}

not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
    echo "# exit status: $rc"
    sed 's/^/#   stdout: /' "$out" 2>/dev/null | head -40
    sed 's/^/#   stderr: /' "$err" 2>/dev/null | head -20
}

check() { # check DESCRIPTION COMMAND...: passes when COMMAND succeeds
    local description=$1
    shift
    if "$@"; then ok "$description"; else not_ok "$description"; fi
}

ctl() { # runs narcisse-ctl, keeping stdout, stderr and the exit status; never a terminal
    "$CTL" "$@" >"$out" 2>"$err" </dev/null
    rc=$?
}

# ctl_until STATUS ARGS...: retries for up to 20 s until narcisse-ctl exits with STATUS,
# since a stopped or restarted server takes a moment to show in the app's probes.
ctl_until() {
    local want=$1 i
    shift
    for i in $(seq 1 40); do
        ctl "$@"
        [[ $rc -eq $want ]] && return 0
        sleep 0.5
    done
    return 0
}

stderr_lines_at_most() { [[ $(wc -l <"$err") -le $1 ]]; }
stdout_has() { grep -q -- "$1" "$out"; }
stderr_has() { grep -q -- "$1" "$err"; }
status_is() { [[ $rc -eq $1 ]]; }
py() { /usr/bin/python3 -c "$@"; }
service_is() { grep -Eq "^$1[[:space:]]+$2([[:space:]]|$)" "$out"; }
json_state_is() {
    /usr/bin/python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
sys.exit(0 if doc.get("state") == sys.argv[2] else 1)
' "$out" "$1"
}

stack() {
    if ! "$SN_STACK_SCRIPT" "$@" >>"$tmp/stack.log" 2>&1; then
        echo "# stack $* failed:"
        sed 's/^/#   /' "$tmp/stack.log" | tail -30
        return 1
    fi
}

if ! stack up; then
    echo "Bail out! the local stack did not start"
    exit 1
fi


cli_finish() {
    echo "1..$n"
    if [[ $failed -gt 0 ]]; then
        echo "# $failed of $n checks failed"
        exit 1
    fi
    exit 0
}
