# tools/common.sh: shared by tools/test, tools/demo and tools/screenshot. Source it.
# shellcheck shell=bash

SN_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SN_BUILD=${SN_BUILD:-$SN_TOP/build}

sn_say () { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
sn_die () { printf 'error: %s\n' "$*" >&2; exit 1; }

# Install the Debian packages of tools/packages.txt that are missing.
sn_install_missing () {
    local missing=() pkg sudo=()
    while read -r pkg; do
        case "$pkg" in ''|'#'*) continue ;; esac
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
            missing+=("$pkg")
        fi
    done < "$SN_TOP/tools/packages.txt"
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || sn_die "missing packages (${missing[*]}) and no sudo: install them as root"
        sudo=(sudo)
    fi
    sn_say "Installing ${#missing[@]} Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null || sn_die "apt-get install failed for: ${missing[*]}"
}

# Generate the fr_FR.UTF-8 locale (idempotent): French runs need LANG=fr_FR.UTF-8,
# not only LANGUAGE=fr, or dates, numbers and sizes keep the C conventions
# ("7 Dec 2026", "637.3") around French words.
sn_ensure_french_locale () {
    local sudo=()
    if locale -a 2>/dev/null | grep -qiE '^fr_FR\.utf-?8$'; then
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || sn_die "no fr_FR.UTF-8 locale and no sudo: run “localedef -i fr_FR -f UTF-8 fr_FR.UTF-8” as root"
        sudo=(sudo)
    fi
    sn_say "Generating the fr_FR.UTF-8 locale"
    "${sudo[@]}" localedef -i fr_FR -f UTF-8 fr_FR.UTF-8 \
        || sn_die "localedef failed: install the “locales” package, then run tools/test again"
}

# Configure (once) and build into $SN_BUILD.
sn_build () {
    if [ ! -f "$SN_BUILD/build.ninja" ]; then
        sn_say "Configuring $SN_BUILD"
        meson setup "$SN_BUILD" "$SN_TOP" --buildtype=debugoptimized "$@" >/dev/null \
            || sn_die "meson setup failed: see $SN_BUILD/meson-logs/meson-log.txt"
    fi
    sn_say "Building"
    ninja -C "$SN_BUILD" >/dev/null || { ninja -C "$SN_BUILD" 2>&1 | tail -40; sn_die "the build failed"; }
}
