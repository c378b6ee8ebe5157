# the Upstash REST stand-in: tests/fakehost/fakeupstash.py on 127.0.0.1:UPSTASH_PORT,
# translating Upstash's JSON command arrays to the stack's real Redis (sourced)
# SPDX-License-Identifier: GPL-3.0-or-later

svc_upstash_init() { :; }

svc_upstash_status() { pid_alive "$(pidfile_pid "$SN_STACK_DIR/upstash/upstash.pid" 2>/dev/null)"; }

svc_upstash_start() {
    svc_upstash_status && return 0
    local d=$SN_STACK_DIR/upstash
    mkdir -p "$d"
    rm -f "$d/upstash.pid"
    setsid env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
        FAKEUPSTASH_PORT="$UPSTASH_PORT" FAKEUPSTASH_TOKEN="$UPSTASH_TOKEN" \
        FAKEUPSTASH_RO_TOKEN="$UPSTASH_RO_TOKEN" FAKEUPSTASH_REDIS_PORT="$REDIS_PORT" \
        FAKEUPSTASH_REDIS_PASSWORD="$REDIS_PASSWORD" \
        "$PYTHON" "$REPO_ROOT/tests/fakehost/fakeupstash.py" </dev/null >>"$d/upstash.log" 2>&1 &
    echo $! > "$d/upstash.pid"
    if ! wait_port "$UPSTASH_PORT" 10; then show_log_tail "$d/upstash.log"; die "Upstash stand-in did not start on port $UPSTASH_PORT"; fi
}

svc_upstash_stop() { kill_pidfile "$SN_STACK_DIR/upstash/upstash.pid" 5; }
