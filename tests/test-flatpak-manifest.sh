#!/bin/bash
# test-flatpak-manifest.sh: the Flatpak manifest parses and has what a GNOME app needs.
#
# No runtime, SDK or archive can be fetched here, so this checks the manifest only:
# JSON syntax and required keys with python3, and, when flatpak-builder is installed,
# `flatpak-builder --show-manifest` without any WARNING (unknown keys are only warnings).
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

src=${SN_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
manifest=$src/flatpak/com.sweet_narcisse.Admin.json
n=0
failed=0

result() { # result STATUS DESCRIPTION
    n=$((n + 1))
    if [[ $1 -eq 0 ]]; then
        echo "ok $n - $2"
    else
        failed=$((failed + 1))
        echo "not ok $n - $2"
    fi
}

/usr/bin/python3 - "$manifest" <<'PY'
import json, os, sys

with open(sys.argv[1], encoding="utf-8") as f:
    m = json.load(f)

problems = []
def need(cond, what):
    if not cond:
        problems.append(what)

need(m.get("id") == "com.sweet_narcisse.Admin", "id is com.sweet_narcisse.Admin")
need(m.get("runtime") == "org.gnome.Platform", "runtime is org.gnome.Platform")
need(m.get("sdk") == "org.gnome.Sdk", "sdk is org.gnome.Sdk")
need(isinstance(m.get("runtime-version"), str) and m["runtime-version"], "runtime-version is set")
need(m.get("command") == "narcisse-admin", "command is narcisse-admin")
args = m.get("finish-args", [])
for arg in ("--socket=wayland", "--socket=fallback-x11", "--share=ipc", "--share=network",
            "--device=dri", "--talk-name=org.freedesktop.secrets"):
    need(arg in args, "finish-args has " + arg)
need("--filesystem=host" not in args and "--filesystem=home" not in args,
     "finish-args grant no home or host file system")

modules = {mod.get("name"): mod for mod in m.get("modules", []) if isinstance(mod, dict)}
for name in ("libssh2", "hiredis", "libpq", "libyaml", "narcisse-admin"):
    need(name in modules, "module " + name)
for name, mod in modules.items():
    need(mod.get("buildsystem") in ("autotools", "cmake", "cmake-ninja", "meson", "simple", "qmake"),
         name + " has a known buildsystem")
    for source in mod.get("sources", []):
        if source.get("type") in ("archive", "file"):
            need(source.get("url", "").startswith("https://"), name + " downloads over https")
            sha = source.get("sha256", "")
            need(len(sha) == 64 and all(c in "0123456789abcdef" for c in sha),
                 name + " pins its archive with a sha256")
        elif source.get("type") == "patch":
            need(os.path.isfile(os.path.join(os.path.dirname(sys.argv[1]), source.get("path", ""))),
                 name + "'s patch " + source.get("path", "") + " is in flatpak/")
        elif source.get("type") == "git":
            need("commit" in source, name + " pins its git source to a commit")

names = [mod.get("name") for mod in m.get("modules", [])]
need(names and names[-1] == "narcisse-admin", "the app is the last module")
app = modules.get("narcisse-admin", {})
need(app.get("buildsystem") == "meson", "the app builds with meson")
need({"-Ddevelopment=false", "-Dtests=false"} <= set(app.get("config-opts", [])),
     "the app builds with -Ddevelopment=false -Dtests=false")
need({"type": "dir", "path": ".."} in app.get("sources", []), "the app builds from this checkout")

for p in problems:
    print("# missing: " + p)
sys.exit(1 if problems else 0)
PY
result $? "the manifest is JSON with the required keys"

if command -v flatpak-builder >/dev/null 2>&1; then
    err=$(mktemp)
    out=$(mktemp)
    flatpak-builder --show-manifest "$manifest" >"$out" 2>"$err"
    rc=$?
    sed 's/^/# /' "$err"
    [[ $rc -eq 0 ]] && ! grep -q WARNING "$err"
    result $? "flatpak-builder --show-manifest parses it without a warning"
    rm -f "$err" "$out"
elif [[ -n "${CI:-}" ]]; then
    # tools/packages.txt installs it: missing in CI is a broken install step, not a skip.
    result 1 "flatpak-builder is installed (tools/packages.txt lists it)"
else
    n=$((n + 1))
    echo "ok $n - flatpak-builder --show-manifest # SKIP flatpak-builder is not installed"
fi

echo "1..$n"
[[ $failed -eq 0 ]]
