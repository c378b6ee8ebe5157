#!/bin/bash
# test-one-door.sh: one door to the host (issue 13, review finding L6).
# Outside the SSH layer (src/core/sn-ssh-*) only SnHost (src/core/sn-host*)
# calls SnSshSession's exec, stream and file functions, and only SnHost's
# builder spells the compose prefix.
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

src=${SN_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}/src
[[ -d $src/core ]] || { echo "Bail out! no source tree at $src"; exit 1; }
failed=0

# 1. Who calls the session's exec/stream/file functions.
calls=$(grep -rnE --include='*.c' --include='*.h' \
            '\b_?sn_ssh_session_(exec|stream|read_file|replace_file|write_file|sftp|listen)[a-z_]*[[:space:]]*\(' "$src" |
        grep -vE "^$src/core/(sn-ssh-[^/]*|sn-host[^/]*)\.[ch]:")
if [[ -n $calls ]]; then
    echo "These files run commands or move files on the host without SnHost (no audit line):"
    echo "$calls"
    failed=1
fi

# 2. Who builds the compose prefix.
prefix=$(grep -rlF --include='*.c' --include='*.h' 'docker compose --env-file' "$src" |
         grep -vxE "$src/core/sn-host-command\.[ch]")
if [[ -n $prefix ]]; then
    echo "The compose prefix is built outside SnHost's builder (src/core/sn-host-command.c):"
    echo "$prefix"
    failed=1
fi

# 3. The check itself still sees the door (a renamed file must not empty it).
grep -qE '\bsn_ssh_session_exec_async[[:space:]]*\(' "$src/core/sn-host.c" ||
    { echo "src/core/sn-host.c no longer calls sn_ssh_session_exec_async: update this test"; failed=1; }
grep -qF 'docker compose --env-file' "$src/core/sn-host-command.c" ||
    { echo "src/core/sn-host-command.c no longer builds the compose prefix: update this test"; failed=1; }

if (( failed )); then
    echo "FAIL"
    exit 1
fi
echo "OK: only SnHost reaches the host, and one builder spells the compose prefix"
