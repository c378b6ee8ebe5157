# Redis 7, real server (sourced)
# SPDX-License-Identifier: GPL-3.0-or-later

svc_redis_init() { :; }

svc_redis_status() { pid_alive "$(pidfile_pid "$SN_STACK_DIR/redis/redis.pid" 2>/dev/null)"; }

svc_redis_start() {
    svc_redis_status && return 0
    local d=$SN_STACK_DIR/redis
    rm -f "$d/redis.pid"
    setsid redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --requirepass "$REDIS_PASSWORD" \
        --save '' --appendonly no --daemonize yes --pidfile "$d/redis.pid" \
        --logfile "$REDIS_LOG" --dir "$d" </dev/null >/dev/null 2>&1 || true
    if ! wait_port "$REDIS_PORT" 5; then show_log_tail "$REDIS_LOG"; die "redis-server did not start on port $REDIS_PORT"; fi
    local i; for (( i=0; i<100; i++ )); do [[ -s "$d/redis.pid" ]] && break; sleep 0.02; done
}

svc_redis_stop() { kill_pidfile "$SN_STACK_DIR/redis/redis.pid" 5; }

redis_cli() { REDISCLI_AUTH=$REDIS_PASSWORD redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

svc_redis_seed() {
    SN_STACK_DIR=$SN_STACK_DIR bash "$STACK_HOME/seed-redis.sh" >"$SN_STACK_DIR/redis/seed.log" 2>&1 ||
        { cat "$SN_STACK_DIR/redis/seed.log" >&2; die "seeding Redis failed"; }
}
