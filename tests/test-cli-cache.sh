#!/bin/bash
# test-cli-cache.sh: narcisse-ctl cache on the local stack: the real Redis through the SSH
# tunnel, and the same Redis through the Upstash REST stand-in.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later

# shellcheck source=tests/cli-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"

set -a; . "$SN_STACK_DIR/stack.env"; set +a
rcli() { REDISCLI_AUTH=$REDIS_PASSWORD redis-cli --no-auth-warning -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
sorted_scan() { rcli --scan --pattern "$1" | LC_ALL=C sort; }
stdout_sorted_is() { diff <(LC_ALL=C sort "$out") "$1" >/dev/null; }
redis_has() { [[ $(rcli EXISTS "$1") == 1 ]]; }
redis_lacks() { [[ $(rcli EXISTS "$1") == 0 ]]; }

# Two more profiles of the same stack: read-only (the direction), and Upstash.
profiles=$XDG_CONFIG_HOME/narcisse-admin/profiles
py '
import json, sys
src, dst = sys.argv[1], sys.argv[2]
p = json.load(open(src + "/demo.json"))
ro = dict(p, name="cache-ro", **{"safety-level": "read-only"})
up = dict(p, name="cache-up", **{"cache-backend": "upstash", "upstash-url": sys.argv[3]})
op = dict(p, name="cache-op", **{"safety-level": "operator"})
json.dump(op, open(dst + "/cache-op.json", "w"), indent=2)
json.dump(ro, open(dst + "/cache-ro.json", "w"), indent=2)
json.dump(up, open(dst + "/cache-up.json", "w"), indent=2)
' "$profiles" "$profiles" "$UPSTASH_URL"

# --- reads -----------------------------------------------------------------------------
for profile in demo cache-up cache-ro; do
    ctl --profile "$profile" cache keys 'rate:*'
    check "cache keys ($profile): exactly the rate keys redis-cli --scan finds, IPv6 ones included" \
        stdout_sorted_is <(sorted_scan 'rate:*')
    check "cache keys ($profile): the IPv6 rate key is listed whole" \
        stdout_has '^rate:availability:fp:2001:db8:85a3::8a2e:370:7334:k3j9zq:tokens$'
done

ctl --profile demo cache keys '*' --limit 5
check "cache keys --limit 5: five lines, nothing else on stdout" [ "$(wc -l <"$out")" -eq 5 ]

ctl --profile demo cache get boats:active
check "cache get: type and pretty JSON" bash -c "grep -q '^Type: string' '$out' && grep -q '\"name\" : \"Belle de Colmar\"' '$out'"

ctl --profile cache-up cache get planning:last_update
check "cache get (Upstash): the planning stamp" stdout_has "^$(rcli GET planning:last_update)\$"

ctl --profile demo cache stats --json
check "cache stats --json: keys and hit rate from INFO" py '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["dbsize"] > 20 and 0 <= d["hit_rate"] <= 1 and d["redis_version"].startswith("7") else 1)
' "$out"

ctl --profile cache-up cache stats
check "cache stats (Upstash): the key count" stdout_has "^Keys"
check "cache stats (Upstash): the slow log is not available over REST" stdout_has "not available over Upstash"

# the slow log and the app's own counters (/api/metrics; the knob stands for reads the app counted)
old_slower=$(rcli CONFIG GET slowlog-log-slower-than | tail -n 1)
rcli CONFIG SET slowlog-log-slower-than 0 >/dev/null
rcli SET narcisse-slow 1 >/dev/null
printf '{"hits": 30, "misses": 10, "errors": 2, "absent": ["sweet_narcisse_cache_errors_total"]}' \
    > "$SN_STACK_DIR/app/cache-counters.json"
ctl --profile demo cache stats --json
check "cache stats --json: the slow log names the command" py '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if any("narcisse-slow" in e["command"] for e in d["slowlog"]) and len(d["slowlog"]) <= 10 else 1)
' "$out"
check "cache stats --json: the app's counters from /api/metrics" py '
import json, sys
a = json.load(open(sys.argv[1]))["app"]
sys.exit(0 if a["sweet_narcisse_cache_hits_total"] == 30 and a["sweet_narcisse_cache_misses_total"] == 10
         and abs(a["sweet_narcisse_cache_hit_rate_percent"] - 75) < 0.01
         and a["sweet_narcisse_cache_errors_total"] is None
         and a["not_exported"] == ["sweet_narcisse_cache_errors_total"] else 1)
' "$out"
ctl --profile demo cache stats
check "cache stats: the app's hits" stdout_has "^  Hits  *30$"
check "cache stats: a counter the app does not export is said so, not 0" stdout_has "^  Errors  *not exported by this app$"
check "cache stats: the session-cookie endpoint is named, not faked" stdout_has "needs a session cookie"
check "cache stats: the slow log" stdout_has "narcisse-slow"
rm -f "$SN_STACK_DIR/app/cache-counters.json"
rcli CONFIG SET slowlog-log-slower-than "$old_slower" >/dev/null
rcli DEL narcisse-slow >/dev/null

# --- TTL (admin only) ---------------------------------------------------------------------
rcli SET narcisse-ttl 1 >/dev/null
for profile in cache-ro cache-op; do
    ctl --profile "$profile" cache ttl narcisse-ttl 600
    check "cache ttl ($profile): refused (exit 3)" status_is 3
    check "cache ttl ($profile): it says admin is needed" stderr_has "admin"
    check "cache ttl ($profile): the key still has no TTL" [ "$(rcli TTL narcisse-ttl)" -eq -1 ]
done
ctl --profile demo cache ttl narcisse-ttl 600
check "cache ttl KEY 600: exit 0" status_is 0
check "cache ttl KEY 600: the key expires in 600 s" bash -c "t=\$(REDISCLI_AUTH=$REDIS_PASSWORD redis-cli --no-auth-warning -h 127.0.0.1 -p $REDIS_PORT TTL narcisse-ttl); [ \$t -gt 590 ] && [ \$t -le 600 ]"
ctl --profile cache-up cache ttl narcisse-ttl --persist
check "cache ttl --persist (Upstash): exit 0" status_is 0
check "cache ttl --persist (Upstash): the key no longer expires" [ "$(rcli TTL narcisse-ttl)" -eq -1 ]
ctl --profile demo cache ttl narcisse-ttl 0
check "cache ttl KEY 0: a usage error (exit 2)" status_is 2
ctl --profile demo cache ttl narcisse-nokey 60
check "cache ttl on a missing key: fails (exit 2), nothing created" bash -c "[ $rc -eq 2 ] && [ \$(REDISCLI_AUTH=$REDIS_PASSWORD redis-cli --no-auth-warning -h 127.0.0.1 -p $REDIS_PORT EXISTS narcisse-nokey) -eq 0 ]"
check "cache ttl: audited" grep -q '"cache.ttl"' "$XDG_DATA_HOME/narcisse-admin/audit.jsonl"
rcli DEL narcisse-ttl >/dev/null

# --- deletes ---------------------------------------------------------------------------
rcli EVAL "for i=1,1234 do redis.call('SET', KEYS[1]..i, i) end return 1" 1 narcisse-cli: >/dev/null
rcli SET narcisse-keep 1 >/dev/null

ctl --profile cache-ro cache delete --pattern 'narcisse-cli:*' --yes
check "read-only profile: cache delete is refused (exit 3)" status_is 3
check "read-only profile: it says which level is needed" stderr_has "operator"
check "read-only profile: nothing was deleted" [ "$(rcli --scan --pattern 'narcisse-cli:*' | wc -l)" -eq 1234 ]

ctl --profile demo cache delete --pattern 'narcisse-cli:*'
check "cache delete without --yes and without a terminal: refused" status_is 3
check "cache delete: the exact count is shown first" stderr_has "1234 keys will be deleted"
check "cache delete refused: nothing was deleted" [ "$(rcli --scan --pattern 'narcisse-cli:*' | wc -l)" -eq 1234 ]

before=$(rcli DBSIZE)
ctl --profile demo cache delete --pattern 'narcisse-cli:*' --yes
check "cache delete --pattern --yes: exit 0" status_is 0
check "cache delete: says how many went" stdout_has "^1234 keys deleted"
check "cache delete: the matching keys are gone" [ "$(rcli --scan --pattern 'narcisse-cli:*' | wc -l)" -eq 0 ]
check "cache delete: the other key stays" redis_has narcisse-keep
check "cache delete: audited" grep -q '"cache.unlink"' "$XDG_DATA_HOME/narcisse-admin/audit.jsonl"

ctl --profile cache-up cache delete narcisse-keep --yes
check "cache delete KEY (Upstash): one key deleted" stdout_has "^1 key deleted"
check "cache delete KEY (Upstash): gone from Redis" redis_lacks narcisse-keep

# --- invalidate a date (runbook cache-invalidate-date) ------------------------------------
rcli SET 'availability:2025-06-29:fr:2:0:0' '{}' >/dev/null
ctl --profile cache-ro cache invalidate --date 2025-06-28 --yes
check "read-only profile: cache invalidate is refused (exit 3)" status_is 3
check "read-only profile: the date's keys stay" redis_has 'availability:2025-06-28:fr:2:1:0'

ctl --profile demo cache invalidate --date 2025-06-28 --dry-run
check "cache invalidate --dry-run: exit 0" status_is 0
check "cache invalidate --dry-run: the plan counts the keys" stdout_has "3 keys"
check "cache invalidate --dry-run: nothing changed" redis_has 'bookings:2025-06-28:all'

ctl --profile demo cache invalidate --date 2025-06-31 --yes
check "cache invalidate: a date that does not exist is refused" bash -c "[ $rc -ne 0 ]"

ctl --profile demo cache invalidate --date 2025-06-28 --yes
check "cache invalidate: exit 0" status_is 0
check "cache invalidate: the date's availability keys are gone" [ -z "$(sorted_scan 'availability:2025-06-28:*')" ]
check "cache invalidate: the date's bookings key is gone" redis_lacks 'bookings:2025-06-28:all'
check "cache invalidate: another date stays" redis_has 'availability:2025-06-29:fr:2:0:0'
check "cache invalidate: rate limits stay" [ "$(rcli --scan --pattern 'rate:*' | wc -l)" -gt 10 ]

# --- flush (runbook cache-flush, destructive) -------------------------------------------
ctl --profile cache-ro cache flush --yes
check "read-only profile: cache flush is refused (exit 3)" status_is 3
ctl --profile demo cache flush --dry-run
check "cache flush --dry-run: says what it breaks" stdout_has "rate limits"
check "cache flush --dry-run: nothing changed" redis_has planning:last_update
ctl --profile demo cache flush --yes
check "cache flush --yes: exit 0" status_is 0
check "cache flush: the database is empty" [ "$(rcli DBSIZE)" -eq 0 ]

cli_finish
