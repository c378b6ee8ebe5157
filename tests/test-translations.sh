#!/bin/bash
# test-translations.sh: French stays complete, and every file with user-visible
# strings is in po/POTFILES.in.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

top=${SN_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0
result() { # result DESCRIPTION STATUS [DETAILS]
    n=$((n + 1))
    if [[ $2 -eq 0 ]]; then echo "ok $n - $1"; else failed=$((failed + 1)); echo "not ok $n - $1"; [[ -n ${3:-} ]] && sed 's/^/#   /' <<<"$3"; fi
}

details=$(/usr/bin/python3 tools/extract-runbook-strings --check 2>&1)
result "data/runbooks/translatable.h matches the runbooks" $? "$details"

listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort)
missing=$(for f in $listed; do [[ -f $f ]] || echo "$f"; done)
result "every file of POTFILES.in exists" "$([[ -z $missing ]]; echo $?)" "$missing"

have=$( { grep -rlE '\b(N_|_|C_|NC_)\(' src --include='*.c';
          grep -rl 'translatable="yes"' data/ui --include='*.ui';
          ls data/*.in data/*.in.in data/runbooks/translatable.h 2>/dev/null; } | sort -u)
unlisted=$(comm -23 <(echo "$have") <(echo "$listed"))
result "every file with translatable strings is in POTFILES.in" "$([[ -z $unlisted ]]; echo $?)" "$unlisted"

xgettext --files-from=po/POTFILES.in --directory="$top" --output="$tmp/narcisse-admin.pot" \
    --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
    --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
    --flag=N_:1:pass-c-format --flag=g_strdup_printf:1:c-format \
    --flag=g_set_error:4:c-format --flag=g_printerr:1:c-format 2>"$tmp/xgettext.err"
result "xgettext reads every listed file" $? "$(cat "$tmp/xgettext.err")"

msgmerge --quiet --no-fuzzy-matching --output-file="$tmp/fr.po" po/fr.po "$tmp/narcisse-admin.pot"
stats=$(LC_ALL=C msgfmt --check --statistics --output-file=/dev/null "$tmp/fr.po" 2>&1)
untranslated=$(LC_ALL=C msgattrib --untranslated --no-obsolete "$tmp/fr.po" | grep -c '^msgid ' || true)
fuzzy=$(LC_ALL=C msgattrib --only-fuzzy --no-obsolete "$tmp/fr.po" | grep -c '^msgid ' || true)
result "fr.po is valid and complete ($stats)" "$([[ $untranslated -le 1 && $fuzzy -le 1 ]]; echo $?)" \
    "$(LC_ALL=C msgattrib --untranslated --no-obsolete "$tmp/fr.po" | grep '^msgid ' | head -40)"

echo "1..$n"
[[ $failed -eq 0 ]]
