#!/bin/bash
# Seed the stack's Redis with the key formats of target-system.md §4.2/§4.3.
# Deterministic key set; TTLs are real (PX/EX) so they count down.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
set -a; . "$SN_STACK_DIR/stack.env"; set +a
today=$(TZ=Europe/Paris date +%F)
tomorrow=$(TZ=Europe/Paris date -d tomorrow +%F)
now=$(date +%s%3N)
{
    # rate:<bucket>:tokens / :ts, PX = 2 x window
    b() { # bucket tokens px
        echo "SET \"rate:$1:tokens\" \"$2\" PX $3"
        echo "SET \"rate:$1:ts\" \"$((now - 1500))\" PX $3"
    }
    b "availability:ip:203.0.113.7" 57 120000
    b "availability:fp:203.0.113.7:1x9k2m" 28.5 120000
    b "availability:ip:2001:db8:85a3::8a2e:370:7334" 59 120000
    b "availability:fp:2001:db8:85a3::8a2e:370:7334:k3j9zq" 29 120000
    b "booking:create:ip:198.51.100.23" 58 120000
    b "booking:create:fp:198.51.100.23:a8f3c1" 27.25 120000
    b "booking:create:ip:2a01:e0a:1f2:3b40::42" 60 120000
    b "booking:release:192.0.2.44" 29 120000
    b "block:create:10.0.0.12" 19 120000
    b "block:update:10.0.0.12" 39 120000
    b "block:delete:10.0.0.12" 40 120000
    b "auth:pwchange:198.51.100.99" 9 600000
    b "auth:profile:198.51.100.99" 30 120000
    b "profile:update:7b0c2f1e-5d3a-4e8b-9c61-2f4a8d9e0b13:198.51.100.99" 38 120000
    b "contact:group:::1" 4 600000
    b "contact:group:unknown" 5 600000
    # IPv6 forms as X-Forwarded-For gives them: full, compressed, loopback, IPv4-mapped
    b "availability:ip:2001:0db8:0000:0000:0000:ff00:0042:8329" 41 120000
    b "booking:create:fp:2a01:e0a:1f2:3b40::42:p0q7rt" 30 120000
    b "auth:profile:::1" 29 120000
    b "booking:release:::ffff:203.0.113.9" 30 120000
    echo "SET planning:last_update \"$((now - 42000))\""
    boats='[{"id":1,"name":"Sweet Narcisse I","capacity":12,"status":"ACTIVE","fleetLabel":"A"},{"id":2,"name":"Sweet Narcisse II","capacity":12,"status":"ACTIVE","fleetLabel":"B"},{"id":3,"name":"Belle de Colmar","capacity":12,"status":"ACTIVE","fleetLabel":"C"}]'
    echo "SET boats:active '$boats' EX 300"
    for d in "$today" "$tomorrow"; do
        echo "SET \"availability:$d:fr:2:0:0\" '{\"date\":\"$d\",\"departures\":[{\"time\":\"10:00\",\"available\":10},{\"time\":\"10:30\",\"available\":12}]}' EX 60"
        echo "SET \"availability:$d:en:2:1:0\" '{\"date\":\"$d\",\"departures\":[{\"time\":\"13:30\",\"available\":7}]}' EX 60"
        echo "SET \"availability:$d:de:4:2:1\" '{\"date\":\"$d\",\"departures\":[]}' EX 60"
        echo "SET \"bookings:$d:all\" '[]' EX 30"
        echo "SET \"bookings:$d:boat:1\" '[]' EX 30"
    done
    # the runbook's example date (§4.1), in the real format: a fixed past date with two languages
    echo "SET \"availability:2025-06-28:fr:2:1:0\" '{\"date\":\"2025-06-28\",\"departures\":[]}'"
    echo "SET \"availability:2025-06-28:en:3:0:0\" '{\"date\":\"2025-06-28\",\"departures\":[]}'"
    echo "SET \"bookings:2025-06-28:all\" '[]'"
} > "$SN_STACK_DIR/redis/seed.redis"
REDISCLI_AUTH=$REDIS_PASSWORD redis-cli -h 127.0.0.1 -p "$REDIS_PORT" < "$SN_STACK_DIR/redis/seed.redis" > /dev/null
