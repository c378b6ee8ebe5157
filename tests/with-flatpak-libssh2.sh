#!/bin/bash
# with-flatpak-libssh2.sh PROGRAM [ARGS...]: run a test on the libssh2 the Flatpak ships
# (built by tools/libssh2-flatpak into the build dir: 1.11.1 with flatpak/libssh2-bulk-ctr.patch)
# instead of Debian's 1.10, after checking that PROGRAM really loads it.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

lib=${SN_BUILD_DIR:?SN_BUILD_DIR must point at the build directory}/libssh2-flatpak/lib
if [[ ! -f $lib/libssh2.so.1 ]]; then
    echo "Bail out! The Flatpak's libssh2 is not built in $lib: run tools/libssh2-flatpak (tools/test does)."
    exit 1
fi
export LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

# The program to check: the test itself, or the narcisse-ctl a shell test runs.
check=$1
[[ $1 == */bash ]] && check=$SN_BUILD_DIR/src/cli/narcisse-ctl
loaded=$(ldd "$check" | awk '$1 == "libssh2.so.1" { print $3 }')
if [[ $loaded != "$lib/libssh2.so.1" ]]; then
    echo "Bail out! $check loads libssh2 from '$loaded', not from $lib."
    exit 1
fi
export SN_EXPECT_LIBSSH2_FLATPAK=1
exec "$@"
