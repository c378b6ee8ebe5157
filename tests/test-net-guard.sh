#!/bin/bash
# test-net-guard.sh: every network client goes through the loopback guard
# (review finding M5). A source file that opens a connection (getaddrinfo,
# libpq, hiredis, libsoup, GSocketClient) must also call sn_net_check_host()
# or sn_net_check_uri(): a Redis client added later cannot skip it.
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

src=${SN_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}/src
[[ -d $src/core ]] || { echo "Bail out! no source tree at $src"; exit 1; }
failed=0
clients='\b(getaddrinfo|PQconnect[A-Za-z]*|PQsetdbLogin|redis(Async)?Connect[A-Za-z]*|soup_session_send[a-z_]*|g_socket_client_connect[a-z_]*|g_socket_connect)[[:space:]]*\('

openers=$(grep -rlE --include='*.c' "$clients" "$src")
for f in $openers; do
    if ! grep -qE '\bsn_net_check_(host|uri)[[:space:]]*\(' "$f"; then
        echo "${f#"$src"/} opens network connections without the loopback guard (sn_net_check_host/uri):"
        grep -nE "$clients" "$f" | head -5
        failed=1
    fi
done

# The tunnel's far end is checked too (db-host as the server sees it).
grep -qE '\bsn_net_check_host[[:space:]]*\([[:space:]]*self->remote_host' "$src/core/sn-ssh-tunnel.c" ||
    { echo "src/core/sn-ssh-tunnel.c no longer checks the tunnel's far end"; failed=1; }

# The check still sees the clients it is about (a rename must not empty it).
for f in core/sn-ssh-auth.c core/sn-database-connection.c core/sn-health-service.c; do
    grep -qE "$clients" "$src/$f" || { echo "src/$f no longer opens a connection: update this test"; failed=1; }
done

if (( failed )); then
    echo "FAIL"
    exit 1
fi
echo "OK: $(wc -w <<<"$openers") files open connections, all through the loopback guard"
