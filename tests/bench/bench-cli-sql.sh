#!/bin/bash
# bench-cli-sql.sh: `narcisse-ctl sql` against psql on the same query, same run
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The query of bench-query/bench-tunnel (4 columns: int, md5 text, timestamp,
# bool) for 200k and 1M rows (SN_BENCH_SQL_ROWS to change), median of
# SN_BENCH_SQL_RUNS (3) alternating runs, stdout to /dev/null. Each line
# prints wall time and peak RSS of narcisse-ctl beside the usual tool's:
#   csv over the app's tunnel   vs psql --csv through an OpenSSH -L tunnel
#   csv direct                  vs psql --csv direct; memory vs COPY … TO STDOUT
#   json direct                 vs psql --csv direct (psql has no JSON)
#   table direct                vs psql's aligned table
#   --path psql (psql over SSH) vs ssh host psql --csv
# Goals (issue 21): tunnel CSV ≤ 1.1× psql through OpenSSH, CSV/JSON memory
# ≤ 2× COPY's and flat as rows grow, table ≤ 1.3× psql aligned with no more
# memory than psql; --path psql ≤ 1.2× ssh + psql, memory flat. A benchmark
# reports; it does not fail on timing.
# shellcheck disable=SC1091

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/cli-common.sh"

eval "$("$SN_STACK_SCRIPT" env | sed -n 's/^\(PG[A-Z_]*\|SSH_[A-Z_]*\)=\(.*\)$/\1='"'"'\2'"'"'/p')"
export PGPASSWORD

rows_list=${SN_BENCH_SQL_ROWS:-200000 1000000}
runs=${SN_BENCH_SQL_RUNS:-3}

# An OpenSSH forward to the same sshd with the cipher and MAC libssh2 1.10 uses.
ssh_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ssh_opts=(-F /dev/null -o "UserKnownHostsFile=$SSH_KNOWN_HOSTS" -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes
          -o BatchMode=yes -c aes128-ctr -m hmac-sha2-256 -i "$SSH_KEY" -p "$SSH_PORT")
setsid ssh "${ssh_opts[@]}" -o ExitOnForwardFailure=yes -N -L "127.0.0.1:$ssh_port:127.0.0.1:$PGPORT" \
    "$SSH_USER@127.0.0.1" </dev/null >/dev/null 2>&1 &
ssh_pid=$!
cli_cleanup_hook="kill $ssh_pid"
for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$ssh_port") 2>/dev/null && break; sleep 0.05; done

# measure "COMMAND": prints "seconds max_rss_kib" of one run (exec'd by sh), stdout to /dev/null
measure() {
    /usr/bin/python3 - "$1" <<'EOF'
import os, subprocess, sys, time
start = time.monotonic()
p = subprocess.Popen("exec " + sys.argv[1], shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
_, status, usage = os.wait4(p.pid, 0)
elapsed = time.monotonic() - start
err = p.stderr.read().decode(errors="replace")
if status != 0:
    sys.stderr.write("failed: %s\n%s" % (" ".join(sys.argv[1:]), err))
    sys.exit(1)
print("%.4f %d" % (elapsed, usage.ru_maxrss))
EOF
}

# compare LABEL GOAL "OURS..." "THEIRS..." [REF_LABEL]: median time and RSS of each, alternating
compare() {
    local label=$1 goal=$2 ours=$3 theirs=$4 i o t
    local -a ot=() orss=() tt=() trss=()
    for i in $(seq 1 "$runs"); do
        if (( i % 2 )); then
            o=$(measure "$ours") || return 1
            t=$(measure "$theirs") || return 1
        else
            t=$(measure "$theirs") || return 1
            o=$(measure "$ours") || return 1
        fi
        ot+=("${o% *}"); orss+=("${o#* }"); tt+=("${t% *}"); trss+=("${t#* }")
    done
    /usr/bin/python3 - "$label" "$goal" "${ot[*]}" "${orss[*]}" "${tt[*]}" "${trss[*]}" <<'EOF'
import statistics, sys
label, goal = sys.argv[1], sys.argv[2]
ot, orss, tt, trss = ([float(x) for x in a.split()] for a in sys.argv[3:7])
o, t = statistics.median(ot), statistics.median(tt)
om, tm = max(orss) / 1024, max(trss) / 1024
print("%-46s narcisse-ctl %6.2f s %7.1f MiB | %-24s %6.2f s %7.1f MiB | time %.2fx, memory %.2fx (%s)"
      % (label.split("|")[0], o, om, label.split("|")[1], t, tm, o / t, om / tm, goal))
EOF
}

ctl_cmd="$(printf %q "$CTL") --profile demo sql"
psql_cmd="psql -X -q -h 127.0.0.1 -U $(printf %q "$PGUSER") -d $(printf %q "$PGDATABASE")"

echo "# narcisse-ctl sql vs psql, median of $runs alternating runs (time; peak RSS)"
for rows in $rows_list; do
    q="SELECT g, md5(g::text), now(), g % 7 = 0 FROM generate_series(1,$rows) g"
    qq=$(printf %q "$q")
    copy=$(printf %q "COPY ($q) TO STDOUT CSV HEADER")
    remote="PGPASSWORD=$(printf %q "$PGPASSWORD") $psql_cmd -p $PGPORT --csv -c $qq"
    compare "$rows rows, csv, app tunnel|psql --csv, OpenSSH -L" "goal time <= 1.10x" \
        "$ctl_cmd $qq --format csv --path tunnel" "$psql_cmd -p $ssh_port --csv -c $qq"
    compare "$rows rows, csv, direct|COPY TO STDOUT, direct" "goal memory <= 2x" \
        "$ctl_cmd $qq --format csv --path direct" "$psql_cmd -p $PGPORT -c $copy"
    compare "$rows rows, json, direct|COPY TO STDOUT, direct" "goal memory <= 2x" \
        "$ctl_cmd $qq --format json --path direct" "$psql_cmd -p $PGPORT -c $copy"
    compare "$rows rows, table, direct|psql aligned, direct" "goal time <= 1.30x, memory <= 1x" \
        "$ctl_cmd $qq --path direct" "$psql_cmd -p $PGPORT -c $qq"
    compare "$rows rows, csv, --path psql|ssh host psql --csv" "goal time <= 1.20x, memory flat" \
        "$ctl_cmd $qq --format csv --path psql" \
        "ssh ${ssh_opts[*]} $(printf %q "$SSH_USER@127.0.0.1") $(printf %q "$remote")"
done

ok "bench-cli-sql ran"
cli_finish
