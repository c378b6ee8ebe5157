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

# Build the Flatpak manifest's libssh2 (its version, sha256, patches and configure options)
# into $SN_BUILD/libssh2-flatpak; nothing to do when the stamp says it is already there.
# The tarball is the upstream one as Debian mirrors it (libssh2_VERSION.orig.tar.gz).
sn_build_flatpak_libssh2 () {
    local prefix=$SN_BUILD/libssh2-flatpak work=$SN_BUILD/libssh2-flatpak-src
    local spec version sha url opts patches stamp tarball
    spec=$(/usr/bin/python3 - "$SN_TOP/flatpak/com.sweet_narcisse.Admin.json" <<'PY'
import json, re, sys
m = json.load(open(sys.argv[1]))
mod = next(x for x in m["modules"] if isinstance(x, dict) and x.get("name") == "libssh2")
arch = next(s for s in mod["sources"] if s["type"] == "archive")
version = re.search(r"libssh2-([0-9.]+)\.tar\.gz$", arch["url"]).group(1)
patches = [s["path"] for s in mod["sources"] if s["type"] == "patch"]
print(version, arch["sha256"], ",".join(patches), " ".join(mod.get("config-opts", [])), sep="|")
PY
) || sn_die "cannot read libssh2 from flatpak/com.sweet_narcisse.Admin.json"
    IFS='|' read -r version sha patches opts <<<"$spec"
    stamp="$version $sha $patches $(cd "$SN_TOP/flatpak" && cat ${patches//,/ } 2>/dev/null | sha256sum | cut -c1-16) $opts"
    if [ -f "$prefix/lib/libssh2.so.1" ] && [ "$(cat "$prefix/.stamp" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    sn_say "Building the Flatpak's libssh2 $version ($patches) into $prefix"
    rm -rf "$prefix" "$work"
    mkdir -p "$work"
    tarball=$work/libssh2_$version.orig.tar.gz
    url=http://deb.debian.org/debian/pool/main/libs/libssh2/libssh2_$version.orig.tar.gz
    curl -fsSL --retry 3 -o "$tarball" "$url" || sn_die "could not download $url: check the network to deb.debian.org"
    echo "$sha  $tarball" | sha256sum -c --quiet - || sn_die "$url does not match the manifest's sha256 $sha"
    tar xzf "$tarball" -C "$work"
    local p
    for p in ${patches//,/ }; do
        patch -d "$work/libssh2-$version" -p1 -s < "$SN_TOP/flatpak/$p" || sn_die "flatpak/$p does not apply to libssh2 $version"
    done
    # shellcheck disable=SC2086
    (cd "$work/libssh2-$version" && ./configure --prefix="$prefix" $opts >"$work/configure.log" 2>&1 \
        && make -j"$(nproc)" >"$work/make.log" 2>&1 && make install >"$work/install.log" 2>&1) \
        || sn_die "building libssh2 $version failed: see $work/*.log"
    echo "$stamp" > "$prefix/.stamp"
    rm -rf "$work"
}
